/*
 * bio/bio_impl.h: what the files of the buffer cache share.  Not a
 * public interface: file systems see only sys/buf.h.
 *
 * Each cached buffer is a struct bufx, the public struct buf followed by
 * what only the cache needs.  The device id is copied into the buffer so
 * that lookups compare ids and never dereference the device of a stale
 * buffer.
 *
 * Lock order: bufcache.bc_lock is a leaf; it is never held across device
 * I/O.  A thread that owns a buffer (B_BUSY) may do I/O on it without the
 * lock, and may wait for other buffers.
 */
#ifndef _BIO_BIO_IMPL_H_
#define _BIO_BIO_IMPL_H_

#include <sys/param.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <sys/buf.h>
#include <sys/blkdev.h>

#define BIO_NHASH	4096	/* hash buckets (power of two) */
#define BIO_MAXRA	32	/* most read-ahead buffers per breadn */
#define BIO_MAXCLUSTER	64	/* most buffers in one sync writev */

/* Locks protecting fields: c = bc_lock, I = immutable while cached. */
struct bufx {
	struct buf	 bx_buf;	/* the public part; must be first */
	uint64_t	 bx_devid;	/* [I] b_dev->bd_id */
	bool		 bx_hashed;	/* [c] on a hash chain */
	bool		 bx_onlru;	/* [c] on the idle LRU */
	bool		 bx_gone;	/* [c] dropped; last waiter frees */
	bool		 bx_writing;	/* [c] being written back to evict */
};

LIST_HEAD(bufhead, buf);
TAILQ_HEAD(buflru, buf);

/*
 * The cache.  Locks protecting fields: c = bc_lock, I = set at init.
 */
struct bufcache {
	struct kmutex	 bc_lock;	/* protects the cache */
	struct kcondvar	 bc_cv;		/* a busy buffer was released */
	struct bufhead	*bc_hash;	/* [I] BIO_NHASH chains; lists [c] */
	struct buflru	 bc_lru;	/* [c] idle buffers, oldest first */
	struct bio_stats bc_stats;	/* [c] counters and the bound */
	uint32_t	 bc_nwriting;	/* [c] buffers with bx_writing set */
};
extern struct bufcache bufcache;

static inline struct bufx *
bufx(struct buf *bp)
{
	return (struct bufx *)bp;
}

/* bio_cache.c: under bc_lock. */
struct buf *bio_lookup(struct blkdev *dev, uint64_t off);
struct buf *bio_newbuf(struct blkdev *dev, uint64_t off, uint32_t size);
void	bio_drop(struct buf *bp);
void	bio_take(struct buf *bp);
void	bio_release(struct buf *bp);
void	bio_wait(struct buf *bp);
bool	bio_evict_clean(uint64_t need);
void	bio_evict(uint64_t need);
void	bio_setdirty(struct buf *bp, bool dirty);
int	bio_write_unlocked(struct buf *bp);
/* bio_cache.c: find or make a buffer, busy for the caller. */
int	bio_getbuf(struct blkdev *dev, uint64_t off, uint32_t size,
	    struct buf **bpp);

#endif /* !_BIO_BIO_IMPL_H_ */
