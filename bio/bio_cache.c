/*
 * bio_cache.c: the buffer cache proper: lookup by (device, offset), the
 * idle LRU, buffer ownership (B_BUSY) and the bound on cached bytes.
 *
 * Every cached buffer is on one hash chain; idle ones (not B_BUSY) are
 * also on the LRU, least recently released first.  A thread that finds a
 * buffer busy sleeps on bc_cv until it is released, then looks it up
 * again from scratch, because the buffer may have been dropped meanwhile.
 * A buffer dropped while others wait on it leaves the cache at once (its
 * data is freed) but its header stays, marked bx_gone, until the last
 * waiter wakes and frees it.
 *
 * The bound (bs_limit) covers the data of all cached buffers.  Making
 * room evicts idle buffers from the head of the LRU, writing dirty ones
 * back first; busy buffers cannot be evicted, so the bound may be
 * exceeded while many buffers are busy or when write-back fails.
 *
 * Locking: bc_lock is a leaf lock and is never held across device I/O;
 * I/O on a buffer is done by its owner with bc_lock released.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "bio/bio_impl.h"

#define BIO_DEFLIMIT	(64ULL << 20)	/* default bound on cached bytes */

struct bufcache bufcache;

KCOMPONENT(bio, COMP_BIO, bio_init);

/*
 * Set up the cache.  The cache outlives kern_fini (buffers of devices
 * still open stay valid), so a second kern_init keeps it as it is.
 */
int
bio_init(void)
{
	struct bufcache *bc = &bufcache;
	int error, i;

	if (bc->bc_hash != NULL)
		return 0;
	if ((error = mutex_init(&bc->bc_lock)) != 0)
		return error;
	if ((error = cv_init(&bc->bc_cv)) != 0)
		goto out_mutex;
	bc->bc_hash = kmem_alloc(BIO_NHASH * sizeof(*bc->bc_hash));
	if (bc->bc_hash == NULL) {
		error = ENOMEM;
		goto out_cv;
	}
	for (i = 0; i < BIO_NHASH; i++)
		LIST_INIT(&bc->bc_hash[i]);
	TAILQ_INIT(&bc->bc_lru);
	memset(&bc->bc_stats, 0, sizeof(bc->bc_stats));
	bc->bc_stats.bs_limit = kern_param_u64("AK_MEMLIMIT", BIO_DEFLIMIT);
	return 0;

out_cv:
	cv_destroy(&bc->bc_cv);
out_mutex:
	mutex_destroy(&bc->bc_lock);
	return error;
}

static struct bufhead *
bio_chain(uint64_t devid, uint64_t off)
{
	uint64_t h;

	h = (devid * 0x9e3779b97f4a7c15ULL) ^ (off >> 9);
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return &bufcache.bc_hash[h & (BIO_NHASH - 1)];
}

/* The cached buffer at (dev, off), busy or not, or NULL.  bc_lock held. */
struct buf *
bio_lookup(struct blkdev *dev, uint64_t off)
{
	struct buf *bp;

	KASSERT(mutex_owned(&bufcache.bc_lock));
	LIST_FOREACH(bp, bio_chain(dev->bd_id, off), b_hash)
		if (bp->b_off == off && bufx(bp)->bx_devid == dev->bd_id)
			return bp;
	return NULL;
}

static size_t
bio_align(uint32_t size)
{
	return size >= 4096 ? 4096 : DEV_BSIZE;
}

/*
 * Make a new buffer for (dev, off, size), not valid, busy for the caller
 * and hashed.  NULL on ENOMEM.  bc_lock held; the caller has checked that
 * no buffer is cached at (dev, off).
 */
struct buf *
bio_newbuf(struct blkdev *dev, uint64_t off, uint32_t size)
{
	struct bio_stats *st = &bufcache.bc_stats;
	struct bufx *bx;
	struct buf *bp;

	KASSERT(mutex_owned(&bufcache.bc_lock));
	if ((bx = kmem_zalloc(sizeof(*bx))) == NULL)
		return NULL;
	bp = &bx->bx_buf;
	if ((bp->b_data = kmem_alloc_aligned(size, bio_align(size))) == NULL) {
		kmem_free(bx, sizeof(*bx));
		return NULL;
	}
	bp->b_dev = dev;
	bp->b_off = off;
	bp->b_size = size;
	bp->b_flags = B_BUSY;
	bx->bx_devid = dev->bd_id;
	bx->bx_hashed = true;
	LIST_INSERT_HEAD(bio_chain(dev->bd_id, off), bp, b_hash);
	st->bs_bytes += size;
	st->bs_nbufs++;
	return bp;
}

/*
 * Set or clear B_DIRTY, keeping the count of dirty buffers.  bc_lock
 * held.
 */
void
bio_setdirty(struct buf *bp, bool dirty)
{
	struct bio_stats *st = &bufcache.bc_stats;

	KASSERT(mutex_owned(&bufcache.bc_lock));
	if (dirty && !(bp->b_flags & B_DIRTY)) {
		bp->b_flags |= B_DIRTY;
		st->bs_dirty++;
	} else if (!dirty && (bp->b_flags & B_DIRTY)) {
		bp->b_flags &= ~B_DIRTY;
		st->bs_dirty--;
	}
}

/*
 * Remove a buffer from the cache and free it (contents lost).  It is
 * idle, or busy and owned by the caller.  If threads wait for it, its
 * header stays until the last of them wakes (bio_wait).  bc_lock held.
 */
void
bio_drop(struct buf *bp)
{
	struct bio_stats *st = &bufcache.bc_stats;
	struct bufx *bx = bufx(bp);

	KASSERT(mutex_owned(&bufcache.bc_lock));
	KASSERT(bx->bx_hashed);
	bio_setdirty(bp, false);
	LIST_REMOVE(bp, b_hash);
	bx->bx_hashed = false;
	if (bx->bx_onlru) {
		TAILQ_REMOVE(&bufcache.bc_lru, bp, b_lru);
		bx->bx_onlru = false;
	}
	st->bs_bytes -= bp->b_size;
	st->bs_nbufs--;
	kmem_free_aligned(bp->b_data, bp->b_size);
	bp->b_data = NULL;
	bp->b_flags = 0;
	if (bp->b_waiters > 0) {
		bx->bx_gone = true;
		cv_broadcast(&bufcache.bc_cv);
		return;
	}
	kmem_free(bx, sizeof(*bx));
}

/* Make an idle buffer busy for the caller.  bc_lock held. */
void
bio_take(struct buf *bp)
{
	struct bufx *bx = bufx(bp);

	KASSERT(mutex_owned(&bufcache.bc_lock));
	KASSERT(!(bp->b_flags & B_BUSY) && bx->bx_onlru);
	TAILQ_REMOVE(&bufcache.bc_lru, bp, b_lru);
	bx->bx_onlru = false;
	bp->b_flags |= B_BUSY;
}

/*
 * Give up ownership of a busy buffer.  A buffer that holds neither valid
 * nor dirty data (a failed read, an unused getblk) is dropped; others go
 * to the tail of the LRU.  Wakes waiters.  bc_lock held.
 */
void
bio_release(struct buf *bp)
{
	struct bufx *bx = bufx(bp);

	KASSERT(mutex_owned(&bufcache.bc_lock));
	KASSERT(bp->b_flags & B_BUSY);
	bp->b_flags &= ~B_BUSY;
	if (!(bp->b_flags & (B_VALID | B_DIRTY))) {
		bio_drop(bp);
		return;
	}
	TAILQ_INSERT_TAIL(&bufcache.bc_lru, bp, b_lru);
	bx->bx_onlru = true;
	if (bp->b_waiters > 0)
		cv_broadcast(&bufcache.bc_cv);
}

/*
 * Sleep until some buffer is released or dropped.  bp must not be used
 * afterwards: the caller looks it up again.  bc_lock held.
 */
void
bio_wait(struct buf *bp)
{
	struct bufx *bx = bufx(bp);

	KASSERT(mutex_owned(&bufcache.bc_lock));
	bp->b_waiters++;
	cv_wait(&bufcache.bc_cv, &bufcache.bc_lock);
	bp->b_waiters--;
	if (bx->bx_gone && bp->b_waiters == 0)
		kmem_free(bx, sizeof(*bx));
}

/* The oldest idle buffer nobody waits for, clean ones only if asked. */
static struct buf *
bio_victim(bool cleanonly)
{
	struct buf *bp;

	TAILQ_FOREACH(bp, &bufcache.bc_lru, b_lru) {
		if (bp->b_waiters > 0)
			continue;
		if (cleanonly && (bp->b_flags & B_DIRTY))
			continue;
		return bp;
	}
	return NULL;
}

static bool
bio_overlimit(uint64_t need)
{
	const struct bio_stats *st = &bufcache.bc_stats;

	return st->bs_bytes + need > st->bs_limit;
}

/*
 * Drop clean idle buffers until need more bytes fit under the bound.
 * Never sleeps.  Returns whether they fit.  bc_lock held.
 */
bool
bio_evict_clean(uint64_t need)
{
	struct buf *bp;

	KASSERT(mutex_owned(&bufcache.bc_lock));
	while (bio_overlimit(need)) {
		if ((bp = bio_victim(true)) == NULL)
			return false;
		bio_drop(bp);
		bufcache.bc_stats.bs_evictions++;
	}
	return true;
}

/*
 * Write busy bp to its device with bc_lock released meanwhile, marked
 * bx_writing so that bio_sync can wait for the write before it flushes
 * the device.  bc_lock held on entry and return.
 */
int
bio_write_unlocked(struct buf *bp)
{
	struct bufx *bx = bufx(bp);
	int error;

	KASSERT(mutex_owned(&bufcache.bc_lock));
	KASSERT(bp->b_flags & B_BUSY);
	bx->bx_writing = true;
	bufcache.bc_nwriting++;
	mutex_exit(&bufcache.bc_lock);
	error = blkdev_write(bp->b_dev, bp->b_data, bp->b_size, bp->b_off);
	mutex_enter(&bufcache.bc_lock);
	bx->bx_writing = false;
	bufcache.bc_nwriting--;
	return error;
}

/*
 * Write a dirty victim back.  On success it is dropped; on failure it
 * stays cached, dirty.  bc_lock held, released around the write.
 */
static int
bio_writeback(struct buf *bp)
{
	int error;

	bio_take(bp);
	error = bio_write_unlocked(bp);
	if (error != 0) {
		bio_release(bp);
		return error;
	}
	bufcache.bc_stats.bs_writebacks++;
	bio_drop(bp);
	return 0;
}

/*
 * Evict idle buffers, writing dirty ones back, until need more bytes fit
 * under the bound or nothing more can go.  A failed write-back stops the
 * eviction (the buffer stays dirty and the bound is exceeded for now).
 * bc_lock held; it is released around write-backs.
 */
void
bio_evict(uint64_t need)
{
	struct buf *bp;
	int error;

	KASSERT(mutex_owned(&bufcache.bc_lock));
	while (bio_overlimit(need)) {
		if ((bp = bio_victim(false)) == NULL)
			return;
		if (!(bp->b_flags & B_DIRTY)) {
			bio_drop(bp);
			bufcache.bc_stats.bs_evictions++;
			continue;
		}
		if ((error = bio_writeback(bp)) != 0) {
			log_debug(1, "bio: write-back of %s@%llu failed: %d\n",
			    bp->b_dev->bd_name,
			    (unsigned long long)bp->b_off, error);
			return;
		}
		bufcache.bc_stats.bs_evictions++;
	}
}

/*
 * A cached buffer at (dev, off) whose size is not size: write it back if
 * dirty, then drop it.  bp is busy for the caller; it is released on
 * error.  bc_lock held, released around the write.
 */
static int
bio_resize_drop(struct buf *bp)
{
	int error;

	if (bp->b_flags & B_DIRTY) {
		if ((error = bio_write_unlocked(bp)) != 0) {
			bio_release(bp);
			return error;
		}
		bufcache.bc_stats.bs_writebacks++;
	}
	bio_drop(bp);
	return 0;
}

static int
bio_checkargs(struct blkdev *dev, uint64_t off, uint32_t size)
{
	if (size == 0 || size > MAXBSIZE)
		return EINVAL;
	if (off > dev->bd_size || size > dev->bd_size - off)
		return EIO;
	return 0;
}

/*
 * Find or make the buffer at (dev, off, size) and make it busy for the
 * caller; it may or may not be valid.  bc_lock held.
 */
static int
bio_getbuf_locked(struct blkdev *dev, uint64_t off, uint32_t size,
    struct buf **bpp)
{
	struct buf *bp;
	bool evicted = false;
	int error;

	for (;;) {
		if ((bp = bio_lookup(dev, off)) != NULL) {
			if (bp->b_flags & B_BUSY) {
				bio_wait(bp);
				continue;
			}
			bio_take(bp);
			if (bp->b_size == size) {
				bufcache.bc_stats.bs_hits++;
				*bpp = bp;
				return 0;
			}
			if ((error = bio_resize_drop(bp)) != 0)
				return error;
			continue;
		}
		/* Eviction may sleep: look again afterwards. */
		if (!evicted && bio_overlimit(size)) {
			bio_evict(size);
			evicted = true;
			continue;
		}
		if ((bp = bio_newbuf(dev, off, size)) == NULL)
			return ENOMEM;
		*bpp = bp;
		return 0;
	}
}

int
bio_getbuf(struct blkdev *dev, uint64_t off, uint32_t size,
    struct buf **bpp)
{
	int error;

	if ((error = bio_checkargs(dev, off, size)) != 0)
		return error;
	mutex_enter(&bufcache.bc_lock);
	error = bio_getbuf_locked(dev, off, size, bpp);
	mutex_exit(&bufcache.bc_lock);
	return error;
}

int
getblk(struct blkdev *dev, uint64_t off, uint32_t size, struct buf **bpp)
{
	return bio_getbuf(dev, off, size, bpp);
}

void
brelse(struct buf *bp)
{
	mutex_enter(&bufcache.bc_lock);
	bio_release(bp);
	mutex_exit(&bufcache.bc_lock);
}

void
bdwrite(struct buf *bp)
{
	mutex_enter(&bufcache.bc_lock);
	bp->b_flags |= B_VALID;
	bio_setdirty(bp, true);
	bio_release(bp);
	mutex_exit(&bufcache.bc_lock);
}

/*
 * Write the buffer now and release it.  On failure the buffer stays
 * cached and dirty, so that a later bio_sync retries it.
 */
int
bwrite(struct buf *bp)
{
	int error;

	KASSERT(bp->b_flags & B_BUSY);
	error = blkdev_write(bp->b_dev, bp->b_data, bp->b_size, bp->b_off);
	mutex_enter(&bufcache.bc_lock);
	bp->b_flags |= B_VALID;
	bio_setdirty(bp, error != 0);
	bio_release(bp);
	mutex_exit(&bufcache.bc_lock);
	return error;
}

void
bio_getstats(struct bio_stats *st)
{
	mutex_enter(&bufcache.bc_lock);
	*st = bufcache.bc_stats;
	mutex_exit(&bufcache.bc_lock);
}

void
bio_setlimit(uint64_t bytes)
{
	mutex_enter(&bufcache.bc_lock);
	bufcache.bc_stats.bs_limit = bytes;
	bio_evict(0);
	mutex_exit(&bufcache.bc_lock);
}
