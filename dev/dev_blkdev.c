/*
 * dev_blkdev.c: the block device dispatch point.
 *
 * Every transfer of the kernel to or from a device passes through
 * blkdev_readv/blkdev_writev, which reject transfers beyond the end of the
 * device (EIO) and writes to read-only devices (EROFS) before the backend
 * sees them, so that backends may trust their arguments.  A zero-length
 * transfer succeeds without reaching the backend.
 *
 * Devices are reference counted.  The creator holds the first reference;
 * a window holds one on its parent.  The last blkdev_rele calls the
 * backend's bdo_close and frees the device.  Each device gets a unique
 * bd_id that is never reused, so that the buffer cache can key on it
 * without fear of meeting a stale buffer of an earlier device that lived
 * at the same address.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/blkdev.h>
#include "dev/blkdev_impl.h"

static uint64_t blkdev_nextid;	/* last bd_id handed out, atomic */

int
blkdev_alloc(const struct blkdev_ops *ops, void *priv, uint64_t size,
    uint32_t secsize, uint32_t flags, const char *name, struct blkdev **bdp)
{
	struct blkdev *bd;

	KASSERT(secsize >= DEV_BSIZE && powerof2(secsize));
	if ((bd = kmem_zalloc(sizeof(*bd))) == NULL)
		return ENOMEM;
	bd->bd_ops = ops;
	bd->bd_priv = priv;
	bd->bd_size = size;
	bd->bd_secsize = secsize;
	bd->bd_flags = flags;
	bd->bd_refcnt = 1;
	bd->bd_id = atomic_add_64(&blkdev_nextid, 1);
	strlcpy(bd->bd_name, name, sizeof(bd->bd_name));
	*bdp = bd;
	return 0;
}

void
blkdev_free(struct blkdev *bd)
{
	kmem_free(bd, sizeof(*bd));
}

void
blkdev_ref(struct blkdev *bd)
{
	uint32_t n;

	n = atomic_inc_32(&bd->bd_refcnt);
	KASSERT(n > 1);
}

void
blkdev_rele(struct blkdev *bd)
{
	uint32_t n;

	n = atomic_dec_32(&bd->bd_refcnt);
	KASSERT(n != UINT32_MAX);
	if (n > 0)
		return;
	if (bd->bd_ops->bdo_close != NULL)
		bd->bd_ops->bdo_close(bd);
	blkdev_free(bd);
}

bool
blkdev_iovlen(const struct kiovec *iov, int iovcnt, uint64_t *lenp)
{
	uint64_t len = 0;
	int i;

	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > UINT64_MAX - len)
			return false;
		len += iov[i].iov_len;
	}
	*lenp = len;
	return true;
}

/*
 * Check a transfer of iov at off against the device: 0 if it may go to
 * the backend, -1 if it is empty (nothing to do), or an errno.
 */
static int
blkdev_check(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	uint64_t len;

	KASSERT(iovcnt >= 0);
	if (!blkdev_iovlen(iov, iovcnt, &len))
		return EIO;
	if (len == 0)
		return -1;
	if (off > bd->bd_size || len > bd->bd_size - off)
		return EIO;
	return 0;
}

int
blkdev_readv(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	int error;

	if ((error = blkdev_check(bd, iov, iovcnt, off)) != 0)
		return error < 0 ? 0 : error;
	return bd->bd_ops->bdo_readv(bd, iov, iovcnt, off);
}

int
blkdev_writev(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	int error;

	if (bd->bd_flags & BD_RDONLY)
		return EROFS;
	if ((error = blkdev_check(bd, iov, iovcnt, off)) != 0)
		return error < 0 ? 0 : error;
	return bd->bd_ops->bdo_writev(bd, iov, iovcnt, off);
}

int
blkdev_read(struct blkdev *bd, void *buf, size_t len, uint64_t off)
{
	struct kiovec iov = { .iov_base = buf, .iov_len = len };

	return blkdev_readv(bd, &iov, 1, off);
}

int
blkdev_write(struct blkdev *bd, const void *buf, size_t len, uint64_t off)
{
	/* The backend only reads from the buffer of a write. */
	struct kiovec iov = { .iov_base = (void *)(uintptr_t)buf,
	    .iov_len = len };

	return blkdev_writev(bd, &iov, 1, off);
}

/*
 * A read-only device has nothing to make durable; skipping the backend
 * also spares hosts that refuse to sync a descriptor opened for reading.
 */
int
blkdev_flush(struct blkdev *bd)
{
	if ((bd->bd_flags & BD_RDONLY) || bd->bd_ops->bdo_flush == NULL)
		return 0;
	return bd->bd_ops->bdo_flush(bd);
}
