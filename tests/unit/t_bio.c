/*
 * t_bio.c: the buffer cache.  Each test uses fresh devices, so buffers of
 * other tests never match; counters are compared as differences.
 *
 * Oracles: a byte pattern computed from the device offset, checked on the
 * device itself (read around the cache); and a counting device (tbd_*)
 * that forwards to a memdisk, logs every request and fails on demand.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/lwp.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "dev/blkdev_impl.h"
#include "tests/unit/ktest.h"

/* Prototypes for -Wmissing-prototypes. */
KTEST(bio_read_your_writes);
KTEST(bio_getblk_bwrite);
KTEST(bio_pressure);
KTEST(bio_setlimit_writeback);
KTEST(bio_sync_coalesce);
KTEST(bio_breadn_cluster);
KTEST(bio_size_change);
KTEST(bio_forget);
KTEST(bio_noleak);
KTEST(bio_errors);
KTEST(bio_concurrent);
KTEST(bio_concurrent_pressure);

#define TBD_LOGN	64	/* requests remembered */

struct tbd_req {
	uint64_t	r_off;		/* device offset */
	uint64_t	r_len;		/* bytes */
	int		r_iovcnt;	/* iovecs */
};

/* A counting, failing device over a memdisk (all fields atomic). */
struct tbd {
	struct blkdev	*t_md;		/* the storage */
	uint32_t	 t_reads;	/* read requests */
	uint32_t	 t_writes;	/* write requests */
	uint32_t	 t_flushes;	/* flushes */
	bool		 t_failread;	/* reads fail with EIO */
	bool		 t_failwrite;	/* writes fail with EIO */
	struct tbd_req	 t_rlog[TBD_LOGN]; /* read requests */
	struct tbd_req	 t_wlog[TBD_LOGN]; /* write requests */
};

static void
tbd_log(struct tbd_req *log, uint32_t n, const struct kiovec *iov,
    int iovcnt, uint64_t off)
{
	uint64_t len;

	if (n >= TBD_LOGN)
		return;
	(void)blkdev_iovlen(iov, iovcnt, &len);
	log[n] = (struct tbd_req){ off, len, iovcnt };
}

static int
tbd_readv(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	struct tbd *td = bd->bd_priv;

	if (atomic_load(&td->t_failread))
		return EIO;
	tbd_log(td->t_rlog, atomic_inc_32(&td->t_reads) - 1, iov, iovcnt, off);
	return blkdev_readv(td->t_md, iov, iovcnt, off);
}

static int
tbd_writev(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	struct tbd *td = bd->bd_priv;

	if (atomic_load(&td->t_failwrite))
		return EIO;
	tbd_log(td->t_wlog, atomic_inc_32(&td->t_writes) - 1, iov, iovcnt,
	    off);
	return blkdev_writev(td->t_md, iov, iovcnt, off);
}

static int
tbd_flush(struct blkdev *bd)
{
	struct tbd *td = bd->bd_priv;

	atomic_inc_32(&td->t_flushes);
	return 0;
}

static void
tbd_close(struct blkdev *bd)
{
	struct tbd *td = bd->bd_priv;

	blkdev_rele(td->t_md);
	kmem_free(td, sizeof(*td));
}

static const struct blkdev_ops tbd_ops = {
	.bdo_readv = tbd_readv,
	.bdo_writev = tbd_writev,
	.bdo_flush = tbd_flush,
	.bdo_close = tbd_close,
};

static int
tbd_create(uint64_t size, struct blkdev **bdp)
{
	struct tbd *td;
	int error;

	if ((td = kmem_zalloc(sizeof(*td))) == NULL)
		return ENOMEM;
	if ((error = blkdev_memdisk_create(size, &td->t_md)) != 0)
		goto out_free;
	error = blkdev_alloc(&tbd_ops, td, size, DEV_BSIZE, 0, "tbd", bdp);
	if (error != 0)
		goto out_md;
	return 0;

out_md:
	blkdev_rele(td->t_md);
out_free:
	kmem_free(td, sizeof(*td));
	return error;
}

static struct tbd *
tbd(struct blkdev *bd)
{
	return bd->bd_priv;
}

/* The pattern byte of device offset off under seed (never 0). */
static uint8_t
tp_pat(uint64_t off, uint32_t seed)
{
	uint64_t x = (off + 7) * 0xd6e8feb86659fd93ULL ^ seed;

	x ^= x >> 32;
	return (uint8_t)(x | 1);
}

static void
tp_fill(uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = tp_pat(off + i, seed);
}

static bool
tp_check(const uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != tp_pat(off + i, seed))
			return false;
	return true;
}

/* Whether the device (read around the cache) holds the pattern. */
static bool
tp_devcheck(struct blkdev *bd, uint64_t off, size_t len, uint32_t seed)
{
	uint8_t *buf;
	bool ok;

	if ((buf = kmem_alloc(len)) == NULL)
		return false;
	ok = blkdev_read(bd, buf, len, off) == 0 &&
	    tp_check(buf, len, off, seed);
	kmem_free(buf, len);
	return ok;
}

/* Write the pattern to the device directly. */
static int
tp_devfill(struct blkdev *bd, uint64_t off, size_t len, uint32_t seed)
{
	uint8_t *buf;
	int error;

	if ((buf = kmem_alloc(len)) == NULL)
		return ENOMEM;
	tp_fill(buf, len, off, seed);
	error = blkdev_write(bd, buf, len, off);
	kmem_free(buf, len);
	return error;
}

static bool
tp_iszero(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != 0)
			return false;
	return true;
}

KTEST(bio_read_your_writes)
{
	struct bio_stats s0, s1;
	struct blkdev *md;
	struct buf *bp;
	uint8_t blk[4096];

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &md) == 0);
	tp_fill(blk, sizeof(blk), 8192, 1);
	KT_REQUIRE(t, blkdev_write(md, blk, sizeof(blk), 8192) == 0);
	bio_getstats(&s0);
	KT_REQUIRE(t, bread(md, 8192, 4096, &bp) == 0);
	KT_ASSERT(t, (bp->b_flags & (B_BUSY | B_VALID)) == (B_BUSY | B_VALID));
	KT_EQ(t, bp->b_off, 8192);
	KT_EQ(t, bp->b_size, 4096);
	KT_ASSERT(t, tp_check(bp->b_data, 4096, 8192, 1));
	tp_fill(bp->b_data, 4096, 8192, 2);
	bdwrite(bp);
	/* Delayed: the device still has the old contents. */
	KT_ASSERT(t, tp_devcheck(md, 8192, 4096, 1));
	KT_REQUIRE(t, bread(md, 8192, 4096, &bp) == 0);
	KT_ASSERT(t, tp_check(bp->b_data, 4096, 8192, 2));
	KT_ASSERT(t, (bp->b_flags & B_DIRTY) != 0);
	brelse(bp);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_misses - s0.bs_misses, 1);
	KT_EQ(t, s1.bs_hits - s0.bs_hits, 1);
	KT_EQ(t, s1.bs_devreads - s0.bs_devreads, 1);
	KT_EQ(t, s1.bs_dirty - s0.bs_dirty, 1);
	KT_EQ(t, s1.bs_nbufs - s0.bs_nbufs, 1);
	KT_EQ(t, s1.bs_bytes - s0.bs_bytes, 4096);
	KT_EQ(t, bio_sync(md), 0);
	KT_ASSERT(t, tp_devcheck(md, 8192, 4096, 2));
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_dirty, s0.bs_dirty);
	bio_invalidate(md);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_nbufs, s0.bs_nbufs);
	KT_EQ(t, s1.bs_bytes, s0.bs_bytes);
	blkdev_rele(md);
}

KTEST(bio_getblk_bwrite)
{
	struct bio_stats s0, s1;
	struct blkdev *md;
	struct buf *bp;

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &md) == 0);
	bio_getstats(&s0);
	KT_REQUIRE(t, getblk(md, 512, 1024, &bp) == 0);
	KT_ASSERT(t, !(bp->b_flags & B_VALID));
	tp_fill(bp->b_data, 1024, 512, 3);
	KT_EQ(t, bwrite(bp), 0);
	KT_ASSERT(t, tp_devcheck(md, 512, 1024, 3));
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_dirty, s0.bs_dirty);
	KT_EQ(t, s1.bs_devreads, s0.bs_devreads);
	/* The written buffer is cached and valid. */
	KT_REQUIRE(t, bread(md, 512, 1024, &bp) == 0);
	KT_ASSERT(t, tp_check(bp->b_data, 1024, 512, 3));
	brelse(bp);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_devreads, s0.bs_devreads);
	/* A getblk released unused is not kept. */
	KT_REQUIRE(t, getblk(md, 65536, 4096, &bp) == 0);
	brelse(bp);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_nbufs - s0.bs_nbufs, 1);
	/* Bad arguments. */
	KT_EQ(t, bread(md, 1 << 20, 512, &bp), EIO);
	KT_EQ(t, bread(md, (1 << 20) - 512, 1024, &bp), EIO);
	KT_EQ(t, bread(md, 0, 0, &bp), EINVAL);
	KT_EQ(t, getblk(md, 0, MAXBSIZE * 2, &bp), EINVAL);
	bio_invalidate(md);
	blkdev_rele(md);
}

/*
 * Many more dirty blocks than the bound holds: the bound is kept, dirty
 * victims are written back, and nothing is lost.
 */
KTEST(bio_pressure)
{
	struct bio_stats s0, s1;
	struct blkdev *md;
	struct buf *bp;
	uint64_t limit = 64 * 1024, oldlimit, off;
	int i, n = 256, bad = 0;

	KT_REQUIRE(t, blkdev_memdisk_create(n * 4096, &md) == 0);
	bio_getstats(&s0);
	oldlimit = s0.bs_limit;
	/* Room for this test's buffers only: other tests' are evicted. */
	bio_setlimit(limit);
	bio_getstats(&s0);
	KT_ASSERT(t, s0.bs_bytes <= limit);
	for (i = 0; i < n; i++) {
		off = (uint64_t)((i * 37) % n) * 4096;
		KT_REQUIRE(t, getblk(md, off, 4096, &bp) == 0);
		tp_fill(bp->b_data, 4096, off, 4);
		bdwrite(bp);
		bio_getstats(&s1);
		if (s1.bs_bytes > limit)
			bad++;
	}
	KT_EQ(t, bad, 0);
	bio_getstats(&s1);
	KT_ASSERT(t, s1.bs_writebacks - s0.bs_writebacks >= (uint64_t)n - 16);
	KT_ASSERT(t, s1.bs_evictions - s0.bs_evictions >= (uint64_t)n - 16);
	KT_ASSERT(t, s1.bs_dirty > 0);
	KT_EQ(t, bio_sync(md), 0);
	KT_ASSERT(t, tp_devcheck(md, 0, n * 4096, 4));
	/* And through the cache, still under the bound. */
	for (i = 0; i < n; i++) {
		KT_REQUIRE(t, bread(md, (uint64_t)i * 4096, 4096, &bp) == 0);
		if (!tp_check(bp->b_data, 4096, (uint64_t)i * 4096, 4))
			bad++;
		brelse(bp);
	}
	KT_EQ(t, bad, 0);
	bio_getstats(&s1);
	KT_ASSERT(t, s1.bs_bytes <= limit);
	bio_invalidate(md);
	bio_setlimit(oldlimit);
	blkdev_rele(md);
}

/* Shrinking the bound writes back what it evicts. */
KTEST(bio_setlimit_writeback)
{
	struct bio_stats s0, s1;
	struct blkdev *md;
	struct buf *bp;
	int i;

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &md) == 0);
	bio_getstats(&s0);
	for (i = 0; i < 8; i++) {
		KT_REQUIRE(t, getblk(md, (uint64_t)i * 8192, 8192, &bp) == 0);
		tp_fill(bp->b_data, 8192, (uint64_t)i * 8192, 5);
		bdwrite(bp);
	}
	bio_setlimit(0);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_nbufs, 0);
	KT_EQ(t, s1.bs_dirty, 0);
	KT_ASSERT(t, tp_devcheck(md, 0, 8 * 8192, 5));
	bio_setlimit(s0.bs_limit);
	blkdev_rele(md);
}

/* bio_sync writes in offset order, adjacent buffers in one request. */
KTEST(bio_sync_coalesce)
{
	static const int order[] = { 5, 3, 10, 4, 1, 2, 12, 11 };
	struct blkdev *bd;
	struct buf *bp;
	struct tbd *td;
	uint64_t off;
	size_t i;

	KT_REQUIRE(t, tbd_create(1 << 20, &bd) == 0);
	td = tbd(bd);
	for (i = 0; i < __arraycount(order); i++) {
		off = (uint64_t)order[i] * 4096;
		KT_REQUIRE(t, getblk(bd, off, 4096, &bp) == 0);
		tp_fill(bp->b_data, 4096, off, 6);
		bdwrite(bp);
	}
	KT_EQ(t, td->t_writes, 0);
	KT_EQ(t, bio_sync(bd), 0);
	/* Runs: blocks 1-5, then 10-12. */
	KT_REQUIRE_EQ(t, td->t_writes, 2);
	KT_EQ(t, td->t_wlog[0].r_off, 4096);
	KT_EQ(t, td->t_wlog[0].r_len, 5 * 4096);
	KT_EQ(t, td->t_wlog[0].r_iovcnt, 5);
	KT_EQ(t, td->t_wlog[1].r_off, 10 * 4096);
	KT_EQ(t, td->t_wlog[1].r_len, 3 * 4096);
	KT_EQ(t, td->t_flushes, 1);
	KT_ASSERT(t, tp_devcheck(td->t_md, 4096, 5 * 4096, 6));
	KT_ASSERT(t, tp_devcheck(td->t_md, 10 * 4096, 3 * 4096, 6));
	/* Nothing dirty is left: a second sync writes nothing. */
	KT_EQ(t, bio_sync(bd), 0);
	KT_EQ(t, td->t_writes, 2);
	KT_EQ(t, td->t_flushes, 2);
	bio_invalidate(bd);
	blkdev_rele(bd);
}

/* breadn reads the block and the read-ahead in one request. */
KTEST(bio_breadn_cluster)
{
	struct bio_stats s0, s1;
	struct blkdev *bd;
	struct buf *bp;
	struct tbd *td;
	int i;

	KT_REQUIRE(t, tbd_create(64 * 1024, &bd) == 0);
	td = tbd(bd);
	KT_REQUIRE(t, tp_devfill(td->t_md, 0, 64 * 1024, 8) == 0);
	bio_getstats(&s0);
	KT_REQUIRE(t, breadn(bd, 4096, 4096, 7, &bp) == 0);
	KT_ASSERT(t, tp_check(bp->b_data, 4096, 4096, 8));
	brelse(bp);
	KT_REQUIRE_EQ(t, td->t_reads, 1);
	KT_EQ(t, td->t_rlog[0].r_off, 4096);
	KT_EQ(t, td->t_rlog[0].r_len, 8 * 4096);
	for (i = 2; i <= 8; i++) {
		KT_REQUIRE(t, bread(bd, (uint64_t)i * 4096, 4096, &bp) == 0);
		KT_ASSERT(t, tp_check(bp->b_data, 4096, (uint64_t)i * 4096,
		    8));
		brelse(bp);
	}
	KT_EQ(t, td->t_reads, 1);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_devreads - s0.bs_devreads, 1);
	KT_EQ(t, s1.bs_hits - s0.bs_hits, 7);
	/* Read-ahead stops at the device's end and at cached blocks. */
	KT_REQUIRE(t, breadn(bd, 12 * 4096, 4096, 30, &bp) == 0);
	brelse(bp);
	KT_EQ(t, td->t_rlog[1].r_len, 4 * 4096);
	KT_REQUIRE(t, breadn(bd, 0, 4096, 30, &bp) == 0);
	brelse(bp);
	KT_EQ(t, td->t_rlog[2].r_len, 4096);
	KT_EQ(t, td->t_reads, 3);
	bio_invalidate(bd);
	blkdev_rele(bd);
}

/* A cached buffer of another size is written back, then dropped. */
KTEST(bio_size_change)
{
	struct bio_stats s0, s1;
	struct blkdev *md;
	struct buf *bp;

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &md) == 0);
	bio_getstats(&s0);
	KT_REQUIRE(t, getblk(md, 16384, 4096, &bp) == 0);
	tp_fill(bp->b_data, 4096, 16384, 9);
	bdwrite(bp);
	KT_REQUIRE(t, bread(md, 16384, 1024, &bp) == 0);
	KT_EQ(t, bp->b_size, 1024);
	KT_ASSERT(t, tp_check(bp->b_data, 1024, 16384, 9));
	brelse(bp);
	KT_ASSERT(t, tp_devcheck(md, 16384, 4096, 9));
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_nbufs - s0.bs_nbufs, 1);
	KT_EQ(t, s1.bs_bytes - s0.bs_bytes, 1024);
	KT_EQ(t, s1.bs_dirty, s0.bs_dirty);
	KT_EQ(t, s1.bs_writebacks - s0.bs_writebacks, 1);
	bio_invalidate(md);
	blkdev_rele(md);
}

KTEST(bio_forget)
{
	struct bio_stats s0, s1;
	struct blkdev *md;
	struct buf *bp;
	int i;

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &md) == 0);
	bio_getstats(&s0);
	for (i = 0; i < 4; i++) {
		KT_REQUIRE(t, getblk(md, (uint64_t)i * 4096, 4096, &bp) == 0);
		tp_fill(bp->b_data, 4096, (uint64_t)i * 4096, 10);
		bdwrite(bp);
	}
	/* [5000, 9000) overlaps blocks 1 and 2 only. */
	bio_forget(md, 5000, 4000);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_nbufs - s0.bs_nbufs, 2);
	KT_EQ(t, s1.bs_dirty - s0.bs_dirty, 2);
	KT_EQ(t, bio_sync(md), 0);
	KT_ASSERT(t, tp_devcheck(md, 0, 4096, 10));
	KT_ASSERT(t, tp_devcheck(md, 3 * 4096, 4096, 10));
	KT_REQUIRE(t, bread(md, 4096, 8192, &bp) == 0);
	KT_ASSERT(t, tp_iszero(bp->b_data, 8192));
	brelse(bp);
	bio_invalidate(md);
	blkdev_rele(md);
}

/* Device errors are returned; a failed write keeps the buffer dirty. */
KTEST(bio_errors)
{
	struct bio_stats s0, s1;
	struct blkdev *bd;
	struct buf *bp;
	struct tbd *td;

	KT_REQUIRE(t, tbd_create(1 << 20, &bd) == 0);
	td = tbd(bd);
	bio_getstats(&s0);
	td->t_failread = true;
	KT_EQ(t, bread(bd, 0, 4096, &bp), EIO);
	KT_EQ(t, breadn(bd, 0, 4096, 4, &bp), EIO);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_nbufs, s0.bs_nbufs);
	td->t_failread = false;
	/* Delayed write, failing sync: still dirty, retried later. */
	KT_REQUIRE(t, getblk(bd, 4096, 4096, &bp) == 0);
	tp_fill(bp->b_data, 4096, 4096, 11);
	bdwrite(bp);
	td->t_failwrite = true;
	KT_EQ(t, bio_sync(bd), EIO);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_dirty - s0.bs_dirty, 1);
	/* bwrite failing: error returned, buffer kept dirty. */
	KT_REQUIRE(t, getblk(bd, 8192, 4096, &bp) == 0);
	tp_fill(bp->b_data, 4096, 8192, 11);
	KT_EQ(t, bwrite(bp), EIO);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_dirty - s0.bs_dirty, 2);
	/* Eviction that cannot write back keeps the data. */
	bio_setlimit(0);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_dirty - s0.bs_dirty, 2);
	/* The size-change rule reports the failed write-back too. */
	KT_EQ(t, bread(bd, 4096, 512, &bp), EIO);
	td->t_failwrite = false;
	KT_EQ(t, bio_sync(bd), 0);
	bio_getstats(&s1);
	KT_EQ(t, s1.bs_dirty, s0.bs_dirty);
	KT_ASSERT(t, tp_devcheck(td->t_md, 4096, 8192, 11));
	bio_setlimit(s0.bs_limit);
	bio_invalidate(bd);
	blkdev_rele(bd);
}

#define TC_THREADS	8
#define TC_ROUNDS	300
#define TC_BLOCKS	16

struct tc_arg {
	struct blkdev	*a_dev;		/* shared device */
	int		 a_id;		/* thread number */
	int		 a_bad;		/* inconsistent reads seen */
	int		 a_errors;	/* failed calls */
};

/*
 * Each round: read a pattern block and check it, then increment the
 * counter in block 0 (read-modify-write under buffer ownership).
 */
static void
tc_thread(void *v)
{
	struct tc_arg *a = v;
	struct buf *bp;
	uint64_t off;
	uint32_t ctr;
	int i;

	for (i = 0; i < TC_ROUNDS; i++) {
		off = (uint64_t)(1 + (i * 7 + a->a_id) % TC_BLOCKS) * 4096;
		if (bread(a->a_dev, off, 4096, &bp) != 0) {
			a->a_errors++;
			continue;
		}
		if (!tp_check(bp->b_data, 4096, off, 12))
			a->a_bad++;
		brelse(bp);
		if (breadn(a->a_dev, 0, 4096, 2, &bp) != 0) {
			a->a_errors++;
			continue;
		}
		memcpy(&ctr, bp->b_data, sizeof(ctr));
		ctr++;
		memcpy(bp->b_data, &ctr, sizeof(ctr));
		if (i % 16 == 0) {
			if (bwrite(bp) != 0)
				a->a_errors++;
		} else
			bdwrite(bp);
		/* Clean pattern blocks may be dropped at any time. */
		if (i % 50 == 0)
			bio_forget(a->a_dev, off, 4096);
	}
}

KTEST(bio_concurrent)
{
	struct tc_arg args[TC_THREADS];
	struct kthread *kt[TC_THREADS];
	struct blkdev *md;
	struct buf *bp;
	uint8_t *all;
	uint32_t ctr;
	size_t len = (TC_BLOCKS + 1) * 4096;
	int i, started = 0, bad = 0, errors = 0;

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &md) == 0);
	KT_REQUIRE(t, (all = kmem_zalloc(len)) != NULL);
	tp_fill(all + 4096, len - 4096, 4096, 12);
	KT_REQUIRE(t, blkdev_write(md, all, len, 0) == 0);
	kmem_free(all, len);
	for (i = 0; i < TC_THREADS; i++) {
		args[i] = (struct tc_arg){ md, i, 0, 0 };
		if (kthread_create(tc_thread, &args[i], "tc", &kt[i]) != 0)
			break;
		started++;
	}
	KT_EQ(t, started, TC_THREADS);
	for (i = 0; i < started; i++) {
		KT_EQ(t, kthread_join(kt[i]), 0);
		bad += args[i].a_bad;
		errors += args[i].a_errors;
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, errors, 0);
	KT_REQUIRE(t, bread(md, 0, 4096, &bp) == 0);
	memcpy(&ctr, bp->b_data, sizeof(ctr));
	brelse(bp);
	KT_EQ(t, ctr, started * TC_ROUNDS);
	KT_EQ(t, bio_sync(md), 0);
	ctr = 0;
	KT_EQ(t, blkdev_read(md, &ctr, sizeof(ctr), 0), 0);
	KT_EQ(t, ctr, started * TC_ROUNDS);
	bio_invalidate(md);
	blkdev_rele(md);
}

/* The same, with a bound so small that threads evict each other. */
KTEST(bio_concurrent_pressure)
{
	struct tc_arg args[TC_THREADS];
	struct kthread *kt[TC_THREADS];
	struct bio_stats s0;
	struct blkdev *md;
	uint8_t *all;
	uint32_t ctr;
	size_t len = (TC_BLOCKS + 1) * 4096;
	int i, started = 0, bad = 0, errors = 0;

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &md) == 0);
	KT_REQUIRE(t, (all = kmem_zalloc(len)) != NULL);
	tp_fill(all + 4096, len - 4096, 4096, 12);
	KT_REQUIRE(t, blkdev_write(md, all, len, 0) == 0);
	kmem_free(all, len);
	bio_getstats(&s0);
	bio_setlimit(3 * 4096);
	for (i = 0; i < TC_THREADS; i++) {
		args[i] = (struct tc_arg){ md, i, 0, 0 };
		if (kthread_create(tc_thread, &args[i], "tcp", &kt[i]) != 0)
			break;
		started++;
	}
	KT_EQ(t, started, TC_THREADS);
	for (i = 0; i < started; i++) {
		KT_EQ(t, kthread_join(kt[i]), 0);
		bad += args[i].a_bad;
		errors += args[i].a_errors;
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, errors, 0);
	KT_EQ(t, bio_sync(md), 0);
	ctr = 0;
	KT_EQ(t, blkdev_read(md, &ctr, sizeof(ctr), 0), 0);
	KT_EQ(t, ctr, started * TC_ROUNDS);
	bio_invalidate(md);
	bio_setlimit(s0.bs_limit);
	blkdev_rele(md);
}

/* Every path that drops buffers gives their memory back. */
KTEST(bio_noleak)
{
	struct blkdev *bd;
	struct buf *bp;
	uint64_t k0;
	int i;

	k0 = kmem_inuse();
	KT_REQUIRE(t, tbd_create(1 << 20, &bd) == 0);
	for (i = 0; i < 8; i++) {
		KT_REQUIRE(t, breadn(bd, (uint64_t)i * 2048, 2048, 3, &bp) == 0);
		bdwrite(bp);
	}
	KT_REQUIRE(t, bread(bd, 0, 1024, &bp) == 0);	/* size change */
	brelse(bp);
	KT_REQUIRE(t, getblk(bd, 65536, 512, &bp) == 0);	/* unused */
	brelse(bp);
	tbd(bd)->t_failread = true;
	KT_EQ(t, breadn(bd, 131072, 4096, 4, &bp), EIO);
	tbd(bd)->t_failread = false;
	bio_forget(bd, 4096, 4096);
	KT_EQ(t, bio_sync(bd), 0);
	bio_invalidate(bd);
	blkdev_rele(bd);
	KT_EQ(t, kmem_inuse(), k0);
}
