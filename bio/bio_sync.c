/*
 * bio_sync.c: whole-device operations on the cache: write-back of every
 * dirty buffer (bio_sync), and dropping buffers (bio_invalidate,
 * bio_forget).
 *
 * bio_sync writes in ascending offset order and coalesces buffers that
 * are adjacent on the device into one writev, so that a file system that
 * dirtied a run of bitmap or inode-table blocks costs one request.  Busy
 * buffers are skipped: their owner will release them dirty later, and a
 * sync that waited for them could wait for ever on a caller that holds
 * one.  The exception are buffers being written back by eviction or the
 * size-change rule: bio_sync waits for those writes, so that the device
 * flush that ends it covers them.
 *
 * XXX The drop operations scan the whole hash table; a per-device list
 * would make them proportional to the device's buffers.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "bio/bio_impl.h"

#define BIO_SYNCBATCH	64	/* buffers per pass when memory is short */

/*
 * Take up to max idle dirty buffers of dev into v[].  Returns how many.
 * bc_lock held.
 */
static size_t
bio_collect_dirty(struct blkdev *dev, struct buf **v, size_t max)
{
	struct buf *bp, *next;
	size_t n = 0;

	KASSERT(mutex_owned(&bufcache.bc_lock));
	TAILQ_FOREACH_SAFE(bp, &bufcache.bc_lru, b_lru, next) {
		if (n == max)
			break;
		if (!(bp->b_flags & B_DIRTY) ||
		    bufx(bp)->bx_devid != dev->bd_id)
			continue;
		bio_take(bp);
		v[n++] = bp;
	}
	return n;
}

static int
bio_cmpoff(const void *a, const void *b)
{
	const struct buf *x = *(const struct buf * const *)a;
	const struct buf *y = *(const struct buf * const *)b;

	return x->b_off < y->b_off ? -1 : x->b_off > y->b_off;
}

/*
 * Write v[0..n) (sorted, busy, adjacent on the device) in one request,
 * then release them: clean on success, still dirty on failure.
 */
static int
bio_write_run(struct blkdev *dev, struct buf **v, size_t n)
{
	struct kiovec iov[BIO_MAXCLUSTER];
	size_t i;
	int error;

	KASSERT(n > 0 && n <= BIO_MAXCLUSTER);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = v[i]->b_data;
		iov[i].iov_len = v[i]->b_size;
	}
	error = blkdev_writev(dev, iov, (int)n, v[0]->b_off);
	mutex_enter(&bufcache.bc_lock);
	for (i = 0; i < n; i++) {
		if (error == 0)
			bio_setdirty(v[i], false);
		bio_release(v[i]);
	}
	mutex_exit(&bufcache.bc_lock);
	return error;
}

/* Write sorted busy buffers v[0..n) in runs; the first error. */
static int
bio_write_sorted(struct blkdev *dev, struct buf **v, size_t n)
{
	size_t i, j;
	int error, first = 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && j - i < BIO_MAXCLUSTER; j++)
			if (v[j - 1]->b_off + v[j - 1]->b_size != v[j]->b_off)
				break;
		error = bio_write_run(dev, v + i, j - i);
		if (error != 0 && first == 0)
			first = error;
	}
	return first;
}

/* Wait until no write-back of a buffer of dev is in flight. */
static void
bio_wait_writing(struct blkdev *dev)
{
	struct buf *bp;
	int i;

	mutex_enter(&bufcache.bc_lock);
again:
	for (i = 0; i < BIO_NHASH && bufcache.bc_nwriting > 0; i++) {
		LIST_FOREACH(bp, &bufcache.bc_hash[i], b_hash) {
			if (bufx(bp)->bx_writing &&
			    bufx(bp)->bx_devid == dev->bd_id) {
				bio_wait(bp);
				goto again;
			}
		}
	}
	mutex_exit(&bufcache.bc_lock);
}

/*
 * Write back the dirty buffers of dev, then flush it.  Buffers whose
 * write fails stay dirty; the first error is returned.
 */
int
bio_sync(struct blkdev *dev)
{
	struct buf *stackv[BIO_SYNCBATCH], **v;
	size_t max, n, vsize = 0;
	int error = 0, ferror;

	mutex_enter(&bufcache.bc_lock);
	max = bufcache.bc_stats.bs_dirty;
	mutex_exit(&bufcache.bc_lock);
	v = NULL;
	if (max > BIO_SYNCBATCH) {
		vsize = max * sizeof(*v);
		v = kmem_alloc(vsize);
	}
	if (v == NULL) {
		v = stackv;
		max = BIO_SYNCBATCH;
	}
	do {
		mutex_enter(&bufcache.bc_lock);
		n = bio_collect_dirty(dev, v, max);
		mutex_exit(&bufcache.bc_lock);
		qsort(v, n, sizeof(*v), bio_cmpoff);
		error = bio_write_sorted(dev, v, n);
	} while (error == 0 && n == max);
	if (v != stackv)
		kmem_free(v, vsize);
	bio_wait_writing(dev);
	ferror = blkdev_flush(dev);
	return error != 0 ? error : ferror;
}

/*
 * Drop every buffer of dev that overlaps [off, end), waiting for busy
 * ones unless they must not exist (all).  bc_lock held.
 */
static void
bio_drop_range(struct blkdev *dev, uint64_t off, uint64_t end, bool all)
{
	struct buf *bp, *next;
	int i;

again:
	for (i = 0; i < BIO_NHASH; i++) {
		LIST_FOREACH_SAFE(bp, &bufcache.bc_hash[i], b_hash, next) {
			if (bufx(bp)->bx_devid != dev->bd_id ||
			    bp->b_off >= end || bp->b_off + bp->b_size <= off)
				continue;
			if (bp->b_flags & B_BUSY) {
				KASSERTMSG(!all, "bio_invalidate: %s@%llu busy",
				    dev->bd_name,
				    (unsigned long long)bp->b_off);
				bio_wait(bp);
				goto again;
			}
			bio_drop(bp);
		}
	}
}

void
bio_invalidate(struct blkdev *dev)
{
	mutex_enter(&bufcache.bc_lock);
	bio_drop_range(dev, 0, UINT64_MAX, true);
	mutex_exit(&bufcache.bc_lock);
}

void
bio_forget(struct blkdev *dev, uint64_t off, uint64_t len)
{
	uint64_t end;

	end = len > UINT64_MAX - off ? UINT64_MAX : off + len;
	if (len == 0)
		return;
	mutex_enter(&bufcache.bc_lock);
	bio_drop_range(dev, off, end, false);
	mutex_exit(&bufcache.bc_lock);
}
