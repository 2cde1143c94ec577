/*
 * bio_read.c: reading buffers from the device, with clustered
 * read-ahead: when a buffer must be read, the next few buffers of the same
 * size that are not cached are read in the same device request, so that
 * a file system walking a table or a directory block by block costs one
 * request per cluster, not one per block.
 *
 * Read-ahead is opportunistic: it never sleeps for a busy buffer, never
 * writes back dirty buffers to make room, and its failures are ignored
 * (the requested buffer is then read alone, and its error returned).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "bio/bio_impl.h"

/*
 * Make busy, not valid buffers for up to nra blocks after bp that are
 * inside the device and not cached, stopping at the first that is cached
 * or does not fit.  Returns how many were made (in ra[]).  bc_lock held.
 */
static int
bio_ra_collect(struct buf *bp, int nra, struct buf **ra)
{
	struct blkdev *dev = bp->b_dev;
	uint64_t off;
	int n;

	KASSERT(mutex_owned(&bufcache.bc_lock));
	for (n = 0; n < nra; n++) {
		off = bp->b_off + (uint64_t)(n + 1) * bp->b_size;
		if (off > dev->bd_size || bp->b_size > dev->bd_size - off)
			break;
		if (bio_lookup(dev, off) != NULL)
			break;
		if (!bio_evict_clean(bp->b_size))
			break;
		if ((ra[n] = bio_newbuf(dev, off, bp->b_size)) == NULL)
			break;
	}
	return n;
}

/*
 * Read bp and the n read-ahead buffers ra[] that follow it in one device
 * request; on success all become valid.  Read-ahead buffers are released
 * either way; bp stays busy.
 */
static int
bio_read_cluster(struct buf *bp, struct buf **ra, int n)
{
	struct kiovec iov[BIO_MAXRA + 1];
	int error, i;

	iov[0].iov_base = bp->b_data;
	iov[0].iov_len = bp->b_size;
	for (i = 0; i < n; i++) {
		iov[i + 1].iov_base = ra[i]->b_data;
		iov[i + 1].iov_len = ra[i]->b_size;
	}
	error = blkdev_readv(bp->b_dev, iov, n + 1, bp->b_off);
	mutex_enter(&bufcache.bc_lock);
	bufcache.bc_stats.bs_devreads++;
	for (i = 0; i < n; i++) {
		if (error == 0)
			ra[i]->b_flags |= B_VALID;
		bio_release(ra[i]);
	}
	if (error == 0)
		bp->b_flags |= B_VALID;
	mutex_exit(&bufcache.bc_lock);
	return error;
}

int
breadn(struct blkdev *dev, uint64_t off, uint32_t size, int nra,
    struct buf **bpp)
{
	struct buf *bp, *ra[BIO_MAXRA];
	int error, n;

	if ((error = bio_getbuf(dev, off, size, &bp)) != 0)
		return error;
	if (bp->b_flags & B_VALID) {
		*bpp = bp;
		return 0;
	}
	nra = MAX(0, MIN(nra, BIO_MAXRA));
	mutex_enter(&bufcache.bc_lock);
	bufcache.bc_stats.bs_misses++;
	n = bio_ra_collect(bp, nra, ra);
	mutex_exit(&bufcache.bc_lock);
	error = bio_read_cluster(bp, ra, n);
	/* The cluster failed: the error may be the read-ahead's only. */
	if (error != 0 && n > 0)
		error = bio_read_cluster(bp, NULL, 0);
	if (error != 0) {
		brelse(bp);
		return error;
	}
	*bpp = bp;
	return 0;
}

int
bread(struct blkdev *dev, uint64_t off, uint32_t size, struct buf **bpp)
{
	return breadn(dev, off, size, 0, bpp);
}
