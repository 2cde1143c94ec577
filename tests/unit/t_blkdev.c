/*
 * t_blkdev.c: block devices: the memdisk, windows and the dispatch
 * point's checks (bounds, read-only, scatter-gather).  The oracle is a
 * byte pattern computed independently of the device for each offset.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include "dev/blkdev_impl.h"
#include "tests/unit/ktest.h"

/* Prototypes for -Wmissing-prototypes. */
KTEST(blkdev_memdisk_rw);
KTEST(blkdev_bounds);
KTEST(blkdev_scatter);
KTEST(blkdev_window);
KTEST(blkdev_rdonly);

/* The pattern byte for device offset off under seed. */
static uint8_t
tb_pat(uint64_t off, uint32_t seed)
{
	uint64_t x = (off + 1) * 0x9e3779b97f4a7c15ULL + seed;

	x ^= x >> 31;
	return (uint8_t)(x | 1);	/* never 0: tells data from zeros */
}

static void
tb_fill(uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = tb_pat(off + i, seed);
}

/* Whether buf holds the pattern for [off, off + len). */
static bool
tb_check(const uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != tb_pat(off + i, seed))
			return false;
	return true;
}

static bool
tb_iszero(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != 0)
			return false;
	return true;
}

KTEST(blkdev_memdisk_rw)
{
	struct blkdev *bd;
	uint8_t *buf;
	size_t len = 200000;	/* spans several 64 KiB chunks, unaligned */

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &bd) == 0);
	KT_REQUIRE(t, (buf = kmem_alloc(len)) != NULL);
	KT_EQ(t, bd->bd_size, 1 << 20);
	KT_EQ(t, bd->bd_secsize, DEV_BSIZE);
	/* A fresh memdisk reads as zeros. */
	memset(buf, 0xff, len);
	KT_EQ(t, blkdev_read(bd, buf, len, 12345), 0);
	KT_ASSERT(t, tb_iszero(buf, len));
	tb_fill(buf, len, 12345, 1);
	KT_EQ(t, blkdev_write(bd, buf, len, 12345), 0);
	memset(buf, 0, len);
	KT_EQ(t, blkdev_read(bd, buf, len, 12345), 0);
	KT_ASSERT(t, tb_check(buf, len, 12345, 1));
	/* Bytes around the write are untouched. */
	KT_EQ(t, blkdev_read(bd, buf, 12345, 0), 0);
	KT_ASSERT(t, tb_iszero(buf, 12345));
	KT_EQ(t, blkdev_read(bd, buf, 1000, 12345 + len), 0);
	KT_ASSERT(t, tb_iszero(buf, 1000));
	kmem_free(buf, len);
	blkdev_rele(bd);
}

KTEST(blkdev_bounds)
{
	struct blkdev *bd;
	uint8_t buf[1024];

	KT_REQUIRE(t, blkdev_memdisk_create(64 * 1024, &bd) == 0);
	/* The last byte is readable, one past it is not. */
	KT_EQ(t, blkdev_read(bd, buf, 1, 64 * 1024 - 1), 0);
	KT_EQ(t, blkdev_read(bd, buf, 2, 64 * 1024 - 1), EIO);
	KT_EQ(t, blkdev_write(bd, buf, 1024, 64 * 1024 - 512), EIO);
	KT_EQ(t, blkdev_read(bd, buf, 1, 64 * 1024), EIO);
	KT_EQ(t, blkdev_read(bd, buf, 1, UINT64_MAX), EIO);
	/* Zero-length transfers succeed, even at the very end. */
	KT_EQ(t, blkdev_read(bd, buf, 0, 64 * 1024), 0);
	KT_EQ(t, blkdev_flush(bd), 0);
	blkdev_rele(bd);
}

KTEST(blkdev_scatter)
{
	struct kiovec iov[3];
	struct blkdev *bd;
	uint8_t a[700], b[70000], c[3], *all;
	size_t total = sizeof(a) + sizeof(b) + sizeof(c);
	uint64_t off = 65536 - 900;	/* crosses a chunk boundary */

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &bd) == 0);
	KT_REQUIRE(t, (all = kmem_alloc(total)) != NULL);
	tb_fill(a, sizeof(a), off, 7);
	tb_fill(b, sizeof(b), off + sizeof(a), 7);
	tb_fill(c, sizeof(c), off + sizeof(a) + sizeof(b), 7);
	iov[0] = (struct kiovec){ a, sizeof(a) };
	iov[1] = (struct kiovec){ b, sizeof(b) };
	iov[2] = (struct kiovec){ c, sizeof(c) };
	KT_EQ(t, blkdev_writev(bd, iov, 3, off), 0);
	KT_EQ(t, blkdev_read(bd, all, total, off), 0);
	KT_ASSERT(t, tb_check(all, total, off, 7));
	/* And back into pieces. */
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(c, 0, sizeof(c));
	KT_EQ(t, blkdev_readv(bd, iov, 3, off), 0);
	KT_ASSERT(t, tb_check(b, sizeof(b), off + sizeof(a), 7));
	KT_ASSERT(t, tb_check(c, sizeof(c), off + sizeof(a) + sizeof(b), 7));
	kmem_free(all, total);
	blkdev_rele(bd);
}

KTEST(blkdev_window)
{
	struct blkdev *md, *w, *ww;
	uint8_t buf[4096];

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &md) == 0);
	KT_EQ(t, blkdev_window_create(md, 0, 0, &w), EINVAL);
	KT_EQ(t, blkdev_window_create(md, 1 << 20, 1, &w), EINVAL);
	KT_EQ(t, blkdev_window_create(md, 4096, 1 << 20, &w), EINVAL);
	KT_EQ(t, blkdev_window_create(md, UINT64_MAX, 2, &w), EINVAL);
	KT_REQUIRE(t, blkdev_window_create(md, 8192, 16384, &w) == 0);
	KT_EQ(t, w->bd_size, 16384);
	KT_EQ(t, w->bd_secsize, md->bd_secsize);
	/* A write through the window lands at base + off in the parent. */
	tb_fill(buf, sizeof(buf), 100, 3);
	KT_EQ(t, blkdev_write(w, buf, sizeof(buf), 100), 0);
	memset(buf, 0, sizeof(buf));
	KT_EQ(t, blkdev_read(md, buf, sizeof(buf), 8192 + 100), 0);
	KT_ASSERT(t, tb_check(buf, sizeof(buf), 100, 3));
	/* The window's end is enforced, though the parent goes on. */
	KT_EQ(t, blkdev_read(w, buf, 1, 16384), EIO);
	KT_EQ(t, blkdev_write(w, buf, 4096, 16384 - 4095), EIO);
	KT_EQ(t, blkdev_read(w, buf, 4096, 16384 - 4096), 0);
	/* A window of a window adds the bases. */
	KT_REQUIRE(t, blkdev_window_create(w, 100, 4096, &ww) == 0);
	memset(buf, 0, sizeof(buf));
	KT_EQ(t, blkdev_read(ww, buf, sizeof(buf), 0), 0);
	KT_ASSERT(t, tb_check(buf, sizeof(buf), 100, 3));
	KT_EQ(t, blkdev_read(ww, buf, 1, 4096), EIO);
	/* The windows keep their parents alive. */
	blkdev_rele(md);
	blkdev_rele(w);
	KT_EQ(t, blkdev_read(ww, buf, sizeof(buf), 0), 0);
	KT_ASSERT(t, tb_check(buf, sizeof(buf), 100, 3));
	blkdev_rele(ww);
}

/* A backend that must never be reached. */
static int
tb_never_xfer(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	panic("tb_never_xfer reached");
}

static int
tb_never_flush(struct blkdev *bd)
{
	panic("tb_never_flush reached");
}

static const struct blkdev_ops tb_never_ops = {
	.bdo_readv = tb_never_xfer,
	.bdo_writev = tb_never_xfer,
	.bdo_flush = tb_never_flush,
	.bdo_close = NULL,
};

KTEST(blkdev_rdonly)
{
	struct blkdev *bd, *w;
	uint8_t buf[512];

	KT_REQUIRE(t, blkdev_alloc(&tb_never_ops, NULL, 1 << 20, 4096,
	    BD_RDONLY, "never", &bd) == 0);
	KT_EQ(t, blkdev_write(bd, buf, sizeof(buf), 0), EROFS);
	KT_EQ(t, blkdev_flush(bd), 0);
	/* Checks happen before the backend: beyond the end is EIO. */
	KT_EQ(t, blkdev_read(bd, buf, sizeof(buf), 1 << 20), EIO);
	KT_REQUIRE(t, blkdev_window_create(bd, 4096, 8192, &w) == 0);
	KT_ASSERT(t, (w->bd_flags & BD_RDONLY) != 0);
	KT_EQ(t, w->bd_secsize, 4096);
	KT_EQ(t, blkdev_write(w, buf, sizeof(buf), 0), EROFS);
	blkdev_rele(w);
	blkdev_rele(bd);
}
