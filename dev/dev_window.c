/*
 * dev_window.c: a byte window [off, off + len) of a parent device, as
 * for a partition or a file system at an offset inside an image.
 *
 * The window holds a reference to its parent for its whole life and
 * forwards transfers through the parent's dispatch point with the offset
 * translated, so the parent's own checks still apply.  It inherits the
 * parent's sector size and read-only flag.
 */
#include <sys/systm.h>
#include <sys/blkdev.h>
#include "dev/blkdev_impl.h"

static int
window_readv(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	return blkdev_readv(bd->bd_parent, iov, iovcnt, bd->bd_base + off);
}

static int
window_writev(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	return blkdev_writev(bd->bd_parent, iov, iovcnt, bd->bd_base + off);
}

static int
window_flush(struct blkdev *bd)
{
	return blkdev_flush(bd->bd_parent);
}

static void
window_close(struct blkdev *bd)
{
	blkdev_rele(bd->bd_parent);
}

static const struct blkdev_ops window_ops = {
	.bdo_readv = window_readv,
	.bdo_writev = window_writev,
	.bdo_flush = window_flush,
	.bdo_close = window_close,
};

/*
 * Create the window [off, off + len) of parent.  EINVAL if the window is
 * empty or does not lie inside the parent.  On success the window holds
 * a new reference to parent; the caller's reference is untouched.
 */
int
blkdev_window_create(struct blkdev *parent, uint64_t off, uint64_t len,
    struct blkdev **bdp)
{
	struct blkdev *bd;
	int error;

	if (len == 0 || off > parent->bd_size || len > parent->bd_size - off)
		return EINVAL;
	error = blkdev_alloc(&window_ops, NULL, len, parent->bd_secsize,
	    parent->bd_flags & BD_RDONLY, "window", &bd);
	if (error != 0)
		return error;
	bd->bd_parent = parent;
	bd->bd_base = off;
	snprintf(bd->bd_name, sizeof(bd->bd_name), "%.80s@%llu+%llu",
	    parent->bd_name, (unsigned long long)off,
	    (unsigned long long)len);
	blkdev_ref(parent);
	*bdp = bd;
	return 0;
}
