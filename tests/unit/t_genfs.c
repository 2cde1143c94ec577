/*
 * t_genfs.c: the direct data path (genfs_read_bmap, genfs_write_bmap,
 * genfs_seek_bmap) over a fake file system whose vop_bmap serves a table
 * of extents (data, holes, unwritten) on a memdisk.
 *
 * Oracles: a reference copy of the file kept by the test (what a file
 * must contain after each write), and for seeking a list of data ranges
 * written by hand.  Newly allocated and unwritten storage is filled with
 * garbage on the device first, so that missing zero-filling shows.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/blkdev.h>
#include "tests/unit/ktest.h"

/* Prototypes for -Wmissing-prototypes. */
KTEST(genfs_read);
KTEST(genfs_write);
KTEST(genfs_seek);
KTEST(genfs_errors);

#define TG_BS		4096		/* fake file system block */
#define TG_MAXX		256		/* extents per file */
#define TG_MAXSIZE	(256 * 1024)	/* largest file in the tests */
#define TG_DEVSIZE	(16 << 20)	/* memdisk size */
#define TG_ALLOCMAX	(3 * TG_BS)	/* most bytes one allocation maps */

struct tg_ext {
	int64_t		x_off;		/* file offset */
	int64_t		x_len;		/* bytes, multiple of TG_BS */
	uint64_t	x_phys;		/* device offset */
	uint32_t	x_flags;	/* 0 or BMAP_UNWRITTEN */
};

/* The fake file: sorted extents; what is not covered is a hole. */
struct tg_file {
	struct blkdev	*f_dev;			/* storage */
	struct tg_ext	 f_ext[TG_MAXX];	/* extents, sorted */
	int		 f_next;		/* extents used */
	uint64_t	 f_nextphys;		/* allocator: next free */
	int64_t		 f_size;		/* file size */
	bool		 f_corrupt;		/* bmap answers nonsense */
	int		 f_allocs;		/* allocations made */
};

static uint8_t
tg_pat(int64_t off, uint32_t seed)
{
	uint64_t x = ((uint64_t)off + 3) * 0x9e3779b97f4a7c15ULL + seed;

	x ^= x >> 29;
	return (uint8_t)(x | 1);
}

static void
tg_fill(uint8_t *buf, size_t len, int64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = tg_pat(off + (int64_t)i, seed);
}

/* Fill [phys, phys + len) of dev with byte c. */
static int
tg_devset(struct blkdev *dev, uint64_t phys, size_t len, uint8_t c)
{
	uint8_t *buf;
	int error;

	if ((buf = kmem_alloc(len)) == NULL)
		return ENOMEM;
	memset(buf, c, len);
	error = blkdev_write(dev, buf, len, phys);
	kmem_free(buf, len);
	return error;
}

/* Insert an extent, keeping the table sorted. */
static void
tg_insert(struct tg_file *f, const struct tg_ext *x)
{
	int i;

	KASSERT(f->f_next < TG_MAXX);
	for (i = f->f_next; i > 0 && f->f_ext[i - 1].x_off > x->x_off; i--)
		f->f_ext[i] = f->f_ext[i - 1];
	f->f_ext[i] = *x;
	f->f_next++;
}

/* Allocate storage for the hole [hs, he) around off: BMAP_NEW. */
static int
tg_alloc(struct tg_file *f, int64_t off, int64_t len, int64_t hs,
    int64_t he, struct bmap *bm)
{
	struct tg_ext x;
	int64_t a, e;
	int error;

	a = MAX(hs, rounddown(off, TG_BS));
	e = MIN(he, roundup(off + len, TG_BS));
	e = MIN(e, a + TG_ALLOCMAX);
	x = (struct tg_ext){ a, e - a, f->f_nextphys, 0 };
	/* Leave a gap so that extents are not contiguous on the device. */
	if (x.x_phys + (uint64_t)x.x_len > TG_DEVSIZE)
		return ENOSPC;
	f->f_nextphys += (uint64_t)x.x_len + TG_BS;
	/* Stale contents that must never show. */
	if ((error = tg_devset(f->f_dev, x.x_phys, (size_t)x.x_len, 0xee)))
		return error;
	tg_insert(f, &x);
	f->f_allocs++;
	*bm = (struct bmap){ a, e - a, x.x_phys, f->f_dev, BMAP_NEW };
	return 0;
}

static int
tg_bmap(struct vnode *vp, int64_t off, int64_t len, uint32_t flags,
    struct bmap *bm)
{
	struct tg_file *f = vp->v_data;
	struct tg_ext *x;
	int64_t hs = 0, he = INT64_MAX;
	int i;

	if (f->f_corrupt) {
		*bm = (struct bmap){ off + 1, 10, 0, f->f_dev, 0 };
		return 0;
	}
	for (i = 0; i < f->f_next; i++) {
		x = &f->f_ext[i];
		if (x->x_off > off) {
			he = x->x_off;
			break;
		}
		if (off < x->x_off + x->x_len) {
			*bm = (struct bmap){ x->x_off, x->x_len, x->x_phys,
			    f->f_dev, x->x_flags };
			/* Written from now on: the caller zero-fills. */
			if (flags & BMAP_ALLOC)
				x->x_flags = 0;
			return 0;
		}
		hs = x->x_off + x->x_len;
	}
	if (flags & BMAP_ALLOC)
		return tg_alloc(f, off, len, hs, he, bm);
	*bm = (struct bmap){ hs, he - hs, 0, NULL, BMAP_HOLE };
	return 0;
}

static const struct vnodeops tg_vnodeops = {
	.vop_bmap = tg_bmap,
};

/*
 * The initial file and its reference contents:
 *	[0, 8K) data, [8K, 20K) hole, [20K, 28K) unwritten,
 *	[28K, 40K) data, [40K, 52K) hole, [52K, 60K) data, EOF at 59515.
 * Bytes after EOF in the last block are zero on the device, as a file
 * system keeps them.
 */
#define TG_SIZE0	59515
static const struct tg_ext tg_layout[] = {
	{ 0, 8192, 65536, 0 },
	{ 20480, 8192, 131072, BMAP_UNWRITTEN },
	{ 28672, 12288, 196608, 0 },
	{ 53248, 8192, 262144, 0 },
};

struct tg_ctx {
	struct tg_file	*c_file;	/* the fake file */
	struct vnode	 c_vn;		/* its vnode, locked exclusive */
	uint8_t		*c_ref;		/* reference contents */
};

static int
tg_setup_extent(struct tg_ctx *c, const struct tg_ext *x)
{
	struct tg_file *f = c->c_file;
	uint8_t *buf;
	size_t len = (size_t)x->x_len;
	int error;

	tg_insert(f, x);
	if (x->x_flags & BMAP_UNWRITTEN)
		return tg_devset(f->f_dev, x->x_phys, len, 0xaa);
	if ((buf = kmem_zalloc(len)) == NULL)
		return ENOMEM;
	tg_fill(buf, (size_t)MIN(x->x_len, TG_SIZE0 - x->x_off), x->x_off, 1);
	memcpy(c->c_ref + x->x_off, buf, len);
	error = blkdev_write(f->f_dev, buf, len, x->x_phys);
	kmem_free(buf, len);
	return error;
}

static int
tg_setup(struct tg_ctx *c)
{
	struct tg_file *f;
	size_t i;
	int error;

	memset(c, 0, sizeof(*c));
	if ((f = kmem_zalloc(sizeof(*f))) == NULL)
		return ENOMEM;
	c->c_file = f;
	if ((c->c_ref = kmem_zalloc(TG_MAXSIZE)) == NULL)
		return ENOMEM;
	if ((error = blkdev_memdisk_create(TG_DEVSIZE, &f->f_dev)) != 0)
		return error;
	f->f_nextphys = 1 << 20;
	f->f_size = TG_SIZE0;
	for (i = 0; i < __arraycount(tg_layout); i++)
		if ((error = tg_setup_extent(c, &tg_layout[i])) != 0)
			return error;
	if ((error = rw_init(&c->c_vn.v_lock)) != 0)
		return error;
	c->c_vn.v_type = VREG;
	c->c_vn.v_op = &tg_vnodeops;
	c->c_vn.v_data = f;
	rw_enter(&c->c_vn.v_lock, RW_WRITER);
	return 0;
}

static void
tg_teardown(struct tg_ctx *c)
{
	if (c->c_vn.v_op != NULL) {
		rw_exit(&c->c_vn.v_lock);
		rw_destroy(&c->c_vn.v_lock);
	}
	if (c->c_file != NULL && c->c_file->f_dev != NULL)
		blkdev_rele(c->c_file->f_dev);
	kmem_free(c->c_file, sizeof(*c->c_file));
	kmem_free(c->c_ref, TG_MAXSIZE);
}

/*
 * Read [off, off + len) through genfs into a buffer split over three
 * iovecs and compare with the reference; returns false on a mismatch.
 */
static bool
tg_readcheck(struct ktest *t, struct tg_ctx *c, int64_t off, size_t len)
{
	struct kiovec iov[3];
	struct uio uio;
	uint8_t *buf;
	size_t a = len / 3, b = len / 2, want;
	bool ok;
	int error;

	if ((buf = kmem_alloc(len + 1)) == NULL)
		return false;
	memset(buf, 0x55, len + 1);
	iov[0] = (struct kiovec){ buf, a };
	iov[1] = (struct kiovec){ buf + a, b - a };
	iov[2] = (struct kiovec){ buf + b, len - b };
	uio = (struct uio){ iov, 3, off, len, UIO_READ };
	error = genfs_read_bmap(&c->c_vn, &uio, c->c_file->f_size);
	want = off >= c->c_file->f_size ? 0 :
	    (size_t)MIN((int64_t)len, c->c_file->f_size - off);
	ok = error == 0 && uio.uio_resid == len - want &&
	    uio.uio_offset == off + (int64_t)want &&
	    memcmp(buf, c->c_ref + off, want) == 0 && buf[len] == 0x55;
	if (!ok)
		ktest_fail(t, __FILE__, __LINE__, "read [%lld, +%zu): error %d,"
		    " resid %zu", (long long)off, len, error, uio.uio_resid);
	kmem_free(buf, len + 1);
	return ok;
}

KTEST(genfs_read)
{
	static const int64_t offs[] = { 0, 1, 4095, 8191, 8192, 9000, 20480,
	    20481, 28671, 40000, 52000, 59000, 59514, 59515, 70000 };
	static const size_t lens[] = { 1, 100, 4096, 5000, 30000, 70000 };
	struct tg_ctx c;
	size_t i, j;
	int bad = 0;

	if (tg_setup(&c) != 0) {
		KT_ASSERT(t, !"setup");
		goto out;
	}
	for (i = 0; i < __arraycount(offs); i++)
		for (j = 0; j < __arraycount(lens); j++)
			if (offs[i] + (int64_t)lens[j] < TG_MAXSIZE &&
			    !tg_readcheck(t, &c, offs[i], lens[j]))
				bad++;
	KT_EQ(t, bad, 0);
	/* The reference itself: holes and unwritten space are zeros. */
	KT_EQ(t, c.c_ref[10000], 0);
	KT_EQ(t, c.c_ref[21000], 0);
	KT_ASSERT(t, c.c_ref[30000] != 0);
out:
	tg_teardown(&c);
}

/* A deterministic sequence of writes, each checked by a full read. */
KTEST(genfs_write)
{
	static const struct { int64_t off; size_t len; } fixed[] = {
		{ 9000, 100 },		/* inside a hole, unaligned */
		{ 22000, 50 },		/* inside the unwritten extent */
		{ 4000, 200 },		/* across a block boundary */
		{ 39990, 30 },		/* data into a hole */
		{ 59515, 10 },		/* append at EOF */
		{ 70000, 5000 },	/* beyond EOF: leaves a hole */
		{ 100000, 40000 },	/* several allocations */
	};
	struct kiovec iov;
	struct uio uio;
	struct tg_ctx c;
	uint8_t *buf;
	uint32_t rnd = 12345;
	int64_t off;
	size_t len, i;
	int bad = 0, error;

	buf = kmem_alloc(TG_MAXSIZE);
	if (buf == NULL || tg_setup(&c) != 0) {
		KT_ASSERT(t, !"setup");
		goto out;
	}
	for (i = 0; i < __arraycount(fixed) + 40; i++) {
		if (i < __arraycount(fixed)) {
			off = fixed[i].off;
			len = fixed[i].len;
		} else {
			rnd = rnd * 1103515245 + 12345;
			off = (rnd >> 8) % (TG_MAXSIZE - 30000);
			rnd = rnd * 1103515245 + 12345;
			len = 1 + (rnd >> 8) % 20000;
		}
		tg_fill(buf, len, off, 100 + (uint32_t)i);
		uio_setup(&uio, &iov, buf, len, off, UIO_WRITE);
		error = genfs_write_bmap(&c.c_vn, &uio);
		if (error != 0 || uio.uio_resid != 0 ||
		    uio.uio_offset != off + (int64_t)len) {
			KT_EQ(t, error, 0);
			bad++;
			break;
		}
		/* The driver's part: extend the size. */
		memcpy(c.c_ref + off, buf, len);
		c.c_file->f_size = MAX(c.c_file->f_size, off + (int64_t)len);
		if (!tg_readcheck(t, &c, 0, (size_t)c.c_file->f_size + 100))
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_ASSERT(t, c.c_file->f_allocs > 10);
	/* Writing over existing data allocated nothing. */
	i = (size_t)c.c_file->f_allocs;
	tg_fill(buf, 8192, 0, 7);
	uio_setup(&uio, &iov, buf, 8192, 0, UIO_WRITE);
	KT_EQ(t, genfs_write_bmap(&c.c_vn, &uio), 0);
	KT_EQ(t, c.c_file->f_allocs, i);
	memcpy(c.c_ref, buf, 8192);
	KT_ASSERT(t, tg_readcheck(t, &c, 0, 20000));
out:
	tg_teardown(&c);
	if (buf != NULL)
		kmem_free(buf, TG_MAXSIZE);
}

/* Data ranges of the initial file, by hand (unwritten is a hole). */
static const struct { int64_t s, e; } tg_data[] = {
	{ 0, 8192 }, { 28672, 40960 }, { 53248, TG_SIZE0 },
};

static bool
tg_isdata(int64_t off)
{
	size_t i;

	for (i = 0; i < __arraycount(tg_data); i++)
		if (off >= tg_data[i].s && off < tg_data[i].e)
			return true;
	return false;
}

/* The expected answer by scanning byte by byte: 0 or ENXIO. */
static int
tg_seekref(int64_t off, int whence, int64_t *res)
{
	for (; off < TG_SIZE0; off++) {
		if (tg_isdata(off) == (whence == SEEK_DATA)) {
			*res = off;
			return 0;
		}
	}
	if (whence == SEEK_DATA)
		return ENXIO;
	*res = TG_SIZE0;
	return 0;
}

KTEST(genfs_seek)
{
	struct tg_ctx c;
	int64_t off, res, want;
	int whence, err, werr, bad = 0;

	if (tg_setup(&c) != 0) {
		KT_ASSERT(t, !"setup");
		goto out;
	}
	for (off = 0; off < TG_SIZE0; off += 509) {
		for (whence = SEEK_DATA; whence <= SEEK_HOLE; whence++) {
			res = want = -1;
			err = genfs_seek_bmap(&c.c_vn, off, whence, TG_SIZE0,
			    &res);
			werr = tg_seekref(off, whence, &want);
			if (err != werr || (err == 0 && res != want)) {
				ktest_fail(t, __FILE__, __LINE__, "seek %d "
				    "from %lld: %d %lld, want %d %lld", whence,
				    (long long)off, err, (long long)res, werr,
				    (long long)want);
				bad++;
			}
		}
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, genfs_seek_bmap(&c.c_vn, 8192, SEEK_DATA, TG_SIZE0, &res), 0);
	KT_EQ(t, res, 28672);
	KT_EQ(t, genfs_seek_bmap(&c.c_vn, 0, SEEK_HOLE, TG_SIZE0, &res), 0);
	KT_EQ(t, res, 8192);
	KT_EQ(t, genfs_seek_bmap(&c.c_vn, 53248, SEEK_HOLE, TG_SIZE0, &res),
	    0);
	KT_EQ(t, res, TG_SIZE0);
	KT_EQ(t, genfs_seek_bmap(&c.c_vn, TG_SIZE0, SEEK_HOLE, TG_SIZE0,
	    &res), ENXIO);
	KT_EQ(t, genfs_seek_bmap(&c.c_vn, -1, SEEK_DATA, TG_SIZE0, &res),
	    ENXIO);
	/* Data after the last extent only up to a shorter size: none. */
	KT_EQ(t, genfs_seek_bmap(&c.c_vn, 41000, SEEK_DATA, 50000, &res),
	    ENXIO);
	KT_EQ(t, genfs_seek_bmap(&c.c_vn, 41000, SEEK_HOLE, 50000, &res), 0);
	KT_EQ(t, res, 41000);
out:
	tg_teardown(&c);
}

KTEST(genfs_errors)
{
	static const struct vnodeops nobmap = { .vop_bmap = NULL };
	struct tg_ext far = { 90112, 4096, TG_DEVSIZE - 2048, 0 };
	struct kiovec iov;
	struct uio uio;
	struct tg_ctx c;
	uint8_t buf[4096];
	int64_t res;

	if (tg_setup(&c) != 0) {
		KT_ASSERT(t, !"setup");
		goto out;
	}
	/* An extent that does not contain the offset asked for. */
	c.c_file->f_corrupt = true;
	uio_setup(&uio, &iov, buf, sizeof(buf), 100, UIO_READ);
	KT_EQ(t, genfs_read_bmap(&c.c_vn, &uio, TG_SIZE0), EFSCORRUPTED);
	uio_setup(&uio, &iov, buf, sizeof(buf), 100, UIO_WRITE);
	KT_EQ(t, genfs_write_bmap(&c.c_vn, &uio), EFSCORRUPTED);
	KT_EQ(t, genfs_seek_bmap(&c.c_vn, 100, SEEK_DATA, TG_SIZE0, &res),
	    EFSCORRUPTED);
	c.c_file->f_corrupt = false;
	/* An extent running off the device: EIO, after the good part. */
	tg_insert(c.c_file, &far);
	c.c_file->f_size = 90112 + 4096;
	uio_setup(&uio, &iov, buf, sizeof(buf), 90112 - 1000, UIO_READ);
	KT_EQ(t, genfs_read_bmap(&c.c_vn, &uio, c.c_file->f_size), EIO);
	KT_EQ(t, uio.uio_offset, 90112);
	uio_setup(&uio, &iov, buf, 100, 90112 + 3000, UIO_WRITE);
	KT_EQ(t, genfs_write_bmap(&c.c_vn, &uio), EIO);
	uio_setup(&uio, &iov, buf, 100, -5, UIO_READ);
	KT_EQ(t, genfs_read_bmap(&c.c_vn, &uio, TG_SIZE0), EINVAL);
	/* No bmap at all. */
	c.c_vn.v_op = &nobmap;
	uio_setup(&uio, &iov, buf, sizeof(buf), 0, UIO_READ);
	KT_EQ(t, genfs_read_bmap(&c.c_vn, &uio, TG_SIZE0), EOPNOTSUPP);
	c.c_vn.v_op = &tg_vnodeops;
out:
	tg_teardown(&c);
}
