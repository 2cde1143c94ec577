/*
 * dev/blkdev_impl.h: what block device backends share with the dispatch
 * point (dev_blkdev.c).  Not a public interface: file systems and the
 * buffer cache see only sys/blkdev.h.  Unit tests may use it to build
 * instrumented devices (counting or failing transfers).
 */
#ifndef _DEV_BLKDEV_IMPL_H_
#define _DEV_BLKDEV_IMPL_H_

#include <sys/blkdev.h>

/*
 * Allocate and initialise a device with one reference and a fresh bd_id.
 * secsize must be a power of two >= 512.  Returns 0 or ENOMEM; on
 * failure nothing is allocated and ops are not called.
 */
int	blkdev_alloc(const struct blkdev_ops *ops, void *priv, uint64_t size,
	    uint32_t secsize, uint32_t flags, const char *name,
	    struct blkdev **bdp);
/* Free a device whose backend state was already released (unwinds). */
void	blkdev_free(struct blkdev *bd);

/* Total bytes described by iov; false if the sum overflows. */
bool	blkdev_iovlen(const struct kiovec *iov, int iovcnt, uint64_t *lenp);

#endif /* !_DEV_BLKDEV_IMPL_H_ */
