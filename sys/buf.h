/*
 * sys/buf.h: the buffer cache, for file system metadata.
 *
 * Buffers are keyed by (device, byte offset); sizes vary from 512 B to
 * 64 KiB.  bread/getblk return a buffer owned exclusively by the caller
 * (B_BUSY) until brelse/bwrite/bdwrite.  Idle buffers sit on an LRU; the
 * total size of cached data is bounded (AK_MEMLIMIT, default 64 MiB): when
 * a new buffer would exceed the bound, the least recently used idle
 * buffers are dropped, dirty ones written back first.
 *
 * File data does not go through here: it moves between the device and
 * the caller's buffer directly (VOP_BMAP, genfs_*_bmap).
 *
 * Buffer states:
 *
 *	      getblk/bread             brelse/bdwrite
 *	(none) -----------> BUSY <-----------------------> IDLE (LRU)
 *	                     |  bwrite: write, then IDLE      |
 *	                     |                                | evicted
 *	                     +-- B_DIRTY may be set ---------> freed
 *
 * A file system calls bio_sync and bio_invalidate on its device before
 * it releases the device at unmount: buffers hold no device reference.
 *
 * Locks protecting fields: c = bc_lock (bio/bio_impl.h),
 * o = the owner while B_BUSY, I = immutable while cached.
 */
#ifndef _SYS_BUF_H_
#define _SYS_BUF_H_

#include <sys/param.h>
#include <sys/queue.h>

struct blkdev;

struct buf {
	LIST_ENTRY(buf)	 b_hash;	/* [c] hash chain */
	TAILQ_ENTRY(buf) b_lru;		/* [c] idle LRU (not busy) */
	struct blkdev	*b_dev;		/* [I] device */
	uint64_t	 b_off;		/* [I] byte offset on device */
	uint32_t	 b_size;	/* [I] bytes */
	uint32_t	 b_flags;	/* [c] B_* */
	void		*b_data;	/* [o] contents */
	uint32_t	 b_waiters;	/* [c] threads waiting for B_BUSY */
	uint32_t	 b_fsflags;	/* [o] the file system's own marks
					   (e.g. "checksum verified"); 0 in a
					   new buffer, so 0 whenever the
					   contents come from the device */
};
#define B_BUSY		0x01	/* owned by a thread */
#define B_VALID		0x02	/* b_data holds the device contents */
#define B_DIRTY		0x04	/* b_data must be written back */

/*
 * Read the buffer at (dev, off, size), from the cache or the device.
 * Returns it busy in *bpp.  A cached buffer at off with another size is
 * written back if dirty and dropped first.
 */
int	bread(struct blkdev *dev, uint64_t off, uint32_t size,
	    struct buf **bpp);
/*
 * As bread, and start reading the next nra buffers of the same size in
 * the same device request when they are not cached (clustered
 * read-ahead).  Read-ahead failures are ignored.
 */
int	breadn(struct blkdev *dev, uint64_t off, uint32_t size, int nra,
	    struct buf **bpp);
/* The buffer without reading it: for blocks about to be overwritten. */
int	getblk(struct blkdev *dev, uint64_t off, uint32_t size,
	    struct buf **bpp);
void	brelse(struct buf *bp);		/* release, contents kept */
int	bwrite(struct buf *bp);		/* write now, then release */
void	bdwrite(struct buf *bp);	/* mark dirty, release */

/* Write back all dirty buffers of dev, then flush dev. */
int	bio_sync(struct blkdev *dev);
/* Drop every buffer of dev (none may be busy; dirty ones are lost). */
void	bio_invalidate(struct blkdev *dev);
/* Drop buffers overlapping [off, off + len) of dev (freed blocks). */
void	bio_forget(struct blkdev *dev, uint64_t off, uint64_t len);

struct bio_stats {
	uint64_t	bs_limit;	/* bound on cached bytes */
	uint64_t	bs_bytes;	/* bytes cached now */
	uint64_t	bs_nbufs;	/* buffers cached now */
	uint64_t	bs_dirty;	/* dirty buffers now */
	uint64_t	bs_hits;	/* lookups found in cache */
	uint64_t	bs_misses;	/* lookups that read the device */
	uint64_t	bs_writebacks;	/* dirty buffers written to free space */
	uint64_t	bs_evictions;	/* buffers dropped for space */
	uint64_t	bs_devreads;	/* device read requests */
};
void	bio_getstats(struct bio_stats *st);
/* Change the bound (tests); evicts down to it. */
void	bio_setlimit(uint64_t bytes);

#endif /* !_SYS_BUF_H_ */
