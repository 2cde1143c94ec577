/*
 * dev_image.c: a block device backed by a host object (an image file or
 * a host block device) reached through the hyp_blk_* hypercalls.
 *
 * The kernel's scatter-gather lists are translated to the host's
 * struct hyp_iovec in chunks of at most HYP_IOV_MAX entries, converted on
 * the stack.  The host may move fewer bytes than asked (a read past the
 * end of a file that shrank under us); since bounds were already checked
 * against bd_size, a short transfer is reported as EIO.
 *
 * Small writes that continue each other (the data of many small files
 * allocated one after the other, metadata written back in order) are
 * gathered in a staging buffer and reach the host as one write: one
 * system call instead of one per file.  The order of writes to the host
 * is kept (anything else written, and any read that overlaps, sends the
 * staged bytes first), a flush sends them before its barrier, and a
 * failure to send them is returned by the next write or flush (sticky
 * until then), so no error is lost: the file system reports it at sync
 * or unmount as it would a failed write-back.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <hyp/hyp.h>
#include <sys/mutex.h>
#include "dev/blkdev_impl.h"

#define IMG_STAGE_SIZE	(1024 * 1024)	/* staging buffer */
#define IMG_STAGE_MAX	(64 * 1024)	/* larger writes go straight */

struct image {
	struct hyp_blk	*im_hb;		/* [I] host object */
	struct kmutex	 im_lock;	/* the staging fields */
	uint8_t		*im_stage;	/* staged bytes, or NULL */
	uint64_t	 im_soff;	/* their offset on the device */
	size_t		 im_slen;	/* their length (0: none) */
	int		 im_serror;	/* a failed send not yet reported */
};

typedef int (*image_xfer_fn)(struct hyp_blk *, const struct hyp_iovec *,
    hyp_u32, hyp_u64, hyp_u64 *);

/*
 * Move iov at off with xfer, HYP_IOV_MAX entries per hypercall.
 */
static int
image_xfer(struct blkdev *bd, image_xfer_fn xfer, const struct kiovec *iov,
    int iovcnt, uint64_t off)
{
	struct hyp_blk *hb = ((struct image *)bd->bd_priv)->im_hb;
	struct hyp_iovec hiov[HYP_IOV_MAX];
	hyp_u64 want, done;
	int i, n, error;

	for (i = 0; i < iovcnt; i += n) {
		want = 0;
		for (n = 0; n < HYP_IOV_MAX && i + n < iovcnt; n++) {
			hiov[n].iov_base = iov[i + n].iov_base;
			hiov[n].iov_len = iov[i + n].iov_len;
			want += iov[i + n].iov_len;
		}
		done = 0;
		error = xfer(hb, hiov, (hyp_u32)n, off, &done);
		if (error != 0)
			return error;
		if (done != want)
			return EIO;
		off += want;
	}
	return 0;
}

/* Send the staged bytes (im_lock held); the error is kept, not lost. */
static int
image_unstage(struct blkdev *bd, struct image *im)
{
	struct kiovec iov;
	int error;

	KASSERT(mutex_owned(&im->im_lock));
	if (im->im_slen == 0)
		return 0;
	iov.iov_base = im->im_stage;
	iov.iov_len = im->im_slen;
	error = image_xfer(bd, hyp_blk_write, &iov, 1, im->im_soff);
	im->im_slen = 0;
	if (error != 0 && im->im_serror == 0)
		im->im_serror = error;
	return error;
}

/* The failed send not reported yet, reported now (im_lock held). */
static int
image_serror(struct image *im)
{
	int error = im->im_serror;

	im->im_serror = 0;
	return error;
}

static int
image_readv(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	struct image *im = bd->bd_priv;
	uint64_t len;
	int error = 0;

	/* Overlapping staged bytes go first (a failure stays sticky). */
	mutex_enter(&im->im_lock);
	if (im->im_slen != 0 && blkdev_iovlen(iov, iovcnt, &len) &&
	    off < im->im_soff + im->im_slen && im->im_soff < off + len)
		error = image_unstage(bd, im);
	mutex_exit(&im->im_lock);
	if (error != 0)
		return error;
	return image_xfer(bd, hyp_blk_read, iov, iovcnt, off);
}

/* Append iov, which continues them, to the staged bytes (im_lock held). */
static void
image_stage(struct image *im, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	int i;

	if (im->im_slen == 0)
		im->im_soff = off;
	for (i = 0; i < iovcnt; i++) {
		memcpy(im->im_stage + im->im_slen, iov[i].iov_base,
		    iov[i].iov_len);
		im->im_slen += iov[i].iov_len;
	}
}

static int
image_writev(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	struct image *im = bd->bd_priv;
	uint64_t len;
	int error;

	if (!blkdev_iovlen(iov, iovcnt, &len))
		return EIO;
	mutex_enter(&im->im_lock);
	if ((error = image_serror(im)) != 0)
		goto out;
	if (im->im_stage == NULL && len <= IMG_STAGE_MAX)
		im->im_stage = kmem_alloc(IMG_STAGE_SIZE);
	if (im->im_stage != NULL && len <= IMG_STAGE_MAX &&
	    (im->im_slen == 0 || off == im->im_soff + im->im_slen) &&
	    im->im_slen + len <= IMG_STAGE_SIZE) {
		image_stage(im, iov, iovcnt, off);
		goto out;
	}
	if ((error = image_unstage(bd, im)) != 0) {
		(void)image_serror(im);
		goto out;
	}
	if (im->im_stage != NULL && len <= IMG_STAGE_MAX) {
		image_stage(im, iov, iovcnt, off);
		goto out;
	}
	mutex_exit(&im->im_lock);
	return image_xfer(bd, hyp_blk_write, iov, iovcnt, off);
out:
	mutex_exit(&im->im_lock);
	return error;
}

static int
image_flush(struct blkdev *bd)
{
	struct image *im = bd->bd_priv;
	int error;

	mutex_enter(&im->im_lock);
	(void)image_unstage(bd, im);
	error = image_serror(im);
	mutex_exit(&im->im_lock);
	if (error != 0)
		return error;
	return hyp_blk_flush(im->im_hb);
}

static void
image_close(struct blkdev *bd)
{
	struct image *im = bd->bd_priv;

	mutex_enter(&im->im_lock);
	if (image_unstage(bd, im) != 0)
		printf("%s: staged writes lost at close\n", bd->bd_name);
	mutex_exit(&im->im_lock);
	(void)hyp_blk_close(im->im_hb);
	if (im->im_stage != NULL)
		kmem_free(im->im_stage, IMG_STAGE_SIZE);
	mutex_destroy(&im->im_lock);
	kmem_free(im, sizeof(*im));
}

static const struct blkdev_ops image_ops = {
	.bdo_readv = image_readv,
	.bdo_writev = image_writev,
	.bdo_flush = image_flush,
	.bdo_close = image_close,
};

/*
 * Open path through hyp_blk_open.  flags: BD_RDONLY opens read-only
 * (otherwise read-write); BD_LOCK_SH / BD_LOCK_EX take the host's shared
 * or exclusive lock (EBUSY when another holder conflicts).  A sector size
 * the host reports that is not a power of two >= 512 is treated as 512.
 */
int
blkdev_open_image(const char *path, uint32_t flags, struct blkdev **bdp)
{
	struct image *im;
	hyp_u64 size;
	hyp_u32 hflags, type, secsize;
	int error;

	hflags = (flags & BD_RDONLY) ? HYP_BLK_RDONLY : HYP_BLK_RDWR;
	if (flags & BD_LOCK_SH)
		hflags |= HYP_BLK_LOCK_SH;
	if (flags & BD_LOCK_EX)
		hflags |= HYP_BLK_LOCK_EX;
	if ((im = kmem_zalloc(sizeof(*im))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&im->im_lock)) != 0)
		goto out_free;
	if ((error = hyp_blk_open(path, hflags, &im->im_hb)) != 0)
		goto out_mutex;
	if ((error = hyp_blk_getinfo(im->im_hb, &size, &type, &secsize)) != 0)
		goto out_close;
	if (secsize < DEV_BSIZE || !powerof2(secsize))
		secsize = DEV_BSIZE;
	error = blkdev_alloc(&image_ops, im, size, secsize,
	    flags & (BD_RDONLY | BD_LOCK_SH | BD_LOCK_EX), path, bdp);
	if (error != 0)
		goto out_close;
	return 0;

out_close:
	(void)hyp_blk_close(im->im_hb);
out_mutex:
	mutex_destroy(&im->im_lock);
out_free:
	kmem_free(im, sizeof(*im));
	return error;
}
