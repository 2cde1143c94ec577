/*
 * dev_image.c: a block device backed by a host object (an image file or
 * a host block device) reached through the hyp_blk_* hypercalls.
 *
 * The kernel's scatter-gather lists are translated to the host's
 * struct hyp_iovec in chunks of at most HYP_IOV_MAX entries, converted on
 * the stack.  The host may move fewer bytes than asked (a read past the
 * end of a file that shrank under us); since bounds were already checked
 * against bd_size, a short transfer is reported as EIO.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <hyp/hyp.h>
#include "dev/blkdev_impl.h"

typedef int (*image_xfer_fn)(struct hyp_blk *, const struct hyp_iovec *,
    hyp_u32, hyp_u64, hyp_u64 *);

/*
 * Move iov at off with xfer, HYP_IOV_MAX entries per hypercall.
 */
static int
image_xfer(struct blkdev *bd, image_xfer_fn xfer, const struct kiovec *iov,
    int iovcnt, uint64_t off)
{
	struct hyp_blk *hb = bd->bd_priv;
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

static int
image_readv(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	return image_xfer(bd, hyp_blk_read, iov, iovcnt, off);
}

static int
image_writev(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	return image_xfer(bd, hyp_blk_write, iov, iovcnt, off);
}

static int
image_flush(struct blkdev *bd)
{
	return hyp_blk_flush(bd->bd_priv);
}

static void
image_close(struct blkdev *bd)
{
	(void)hyp_blk_close(bd->bd_priv);
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
	struct hyp_blk *hb;
	hyp_u64 size;
	hyp_u32 hflags, type, secsize;
	int error;

	hflags = (flags & BD_RDONLY) ? HYP_BLK_RDONLY : HYP_BLK_RDWR;
	if (flags & BD_LOCK_SH)
		hflags |= HYP_BLK_LOCK_SH;
	if (flags & BD_LOCK_EX)
		hflags |= HYP_BLK_LOCK_EX;
	if ((error = hyp_blk_open(path, hflags, &hb)) != 0)
		return error;
	if ((error = hyp_blk_getinfo(hb, &size, &type, &secsize)) != 0)
		goto out_close;
	if (secsize < DEV_BSIZE || !powerof2(secsize))
		secsize = DEV_BSIZE;
	error = blkdev_alloc(&image_ops, hb, size, secsize,
	    flags & (BD_RDONLY | BD_LOCK_SH | BD_LOCK_EX), path, bdp);
	if (error != 0)
		goto out_close;
	return 0;

out_close:
	(void)hyp_blk_close(hb);
	return error;
}
