/*
 * sqfs_corrupt.c: damaged copies of the squashfs images must fail to
 * mount or give errors, never crash or hang: superblock fields set to bad
 * values, a bad metadata block under the root inode, and seeded random
 * byte changes over the tables or the whole image, each mounted image
 * walked and read in full.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/sqfs_test.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

static int
copy_file(const char *from, const char *to)
{
	return tsh("cp '%s' '%s'", from, to);
}

static void
poke(const char *path, off_t off, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || pwrite(fd, buf, len, off) != (ssize_t)len)
		printf("note: poke %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void
le_put(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Read every file and directory of the mounted image, ignoring errors. */
static void
read_all(const char *kdir, int depth)
{
	char *kn[MAXNAMES];
	char kp[PATH_MAX], buf[8192];
	struct stat st;
	int nk, i, fd, ndots;

	if (depth > 8 || (nk = tcmp_ak_names(kdir, kn, MAXNAMES, &ndots)) < 0)
		return;
	for (i = 0; i < nk; i++) {
		snprintf(kp, sizeof(kp), "%s/%s", kdir, kn[i]);
		free(kn[i]);
		if (ak_sys_lstat(kp, &st) != 0)
			continue;
		ak_sys_llistxattr(kp, buf, sizeof(buf));
		ak_sys_lgetxattr(kp, "user.colour", buf, sizeof(buf));
		if (S_ISLNK(st.st_mode))
			ak_sys_readlink(kp, buf, sizeof(buf));
		if (S_ISDIR(st.st_mode))
			read_all(kp, depth + 1);
		if (!S_ISREG(st.st_mode) ||
		    (fd = ak_sys_open(kp, O_RDONLY)) < 0)
			continue;
		while (ak_sys_read(fd, hbuf, CHUNK) > 0)
			;
		ak_sys_close(fd);
	}
}

/* Superblock fields set to bad values: the mount must fail. */
static void
test_superblock(const char *img)
{
	static const struct {
		int	 off;		/* field offset */
		int	 len;		/* field size */
		uint64_t val;		/* bad value */
		const char *what;	/* description */
	} bad[] = {
		{ 0, 4, 0x73717369, "magic" },
		{ 4, 4, 0, "inode count 0" },
		{ 12, 4, 12345, "block size not a power of 2" },
		{ 12, 4, 2048, "block size 2 KiB" },
		{ 12, 4, 2 * 1024 * 1024, "block size 2 MiB" },
		{ 22, 2, 13, "block log mismatch" },
		{ 20, 2, 99, "unknown compressor" },
		{ 20, 2, 0, "compressor 0" },
		{ 26, 2, 0, "no ids" },
		{ 28, 2, 3, "version 3" },
		{ 30, 2, 1, "version 4.1" },
		{ 32, 8, 0xFFFFFFFF0000ULL, "root reference" },
		{ 40, 8, 1ULL << 40, "bytes_used past the end" },
		{ 40, 8, 50, "bytes_used tiny" },
		{ 48, 8, 1ULL << 40, "id table past the end" },
		{ 64, 8, 1ULL << 40, "inode table past the end" },
		{ 72, 8, 100, "directory table before the inode table" },
		{ 80, 8, 1ULL << 40, "fragment table past the end" },
		{ 56, 8, 1ULL << 40, "xattr table past the end" },
	};
	char src[2048], dst[2048];
	uint8_t b[8];
	size_t i;
	int error;

	tc_prefix = "superblock";
	snprintf(src, sizeof(src), "%s/%s", outdir, img);
	snprintf(dst, sizeof(dst), "%s/corrupt.img", outdir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (copy_file(src, dst) != 0) {
			tcheck(false, "cp %s", src);
			return;
		}
		le_put(b, bad[i].val, bad[i].len);
		poke(dst, bad[i].off, b, bad[i].len);
		error = mount_img("corrupt.img");
		tcheck(error != 0, "%s: mounted", bad[i].what);
		if (error == 0) {
			read_all(MNT, 0);
			ak_sys_unmount(MNT, 0);
		}
	}
}

/*
 * The metadata block holding the root inode (found from the superblock)
 * made bad: oversized or empty length fields, damaged compressed data.
 * The mount, which loads the root, must fail.
 */
static void
test_rootblock(const char *img, bool compressed)
{
	static const struct {
		int		 hdr;	/* new 16-bit header, or -1 */
		bool		 flip;	/* damage a byte of the data */
		const char	*what;	/* description */
	} bad[] = {
		{ 0xFFFF, false, "stored length 32767" },
		{ 0x8000, false, "stored length 0" },
		{ 0x0000, false, "compressed length 0" },
		{ 0x2001, false, "compressed length 8193" },
		{ -1, true, "damaged compressed data" },
	};
	char src[2048], dst[2048], label[64];
	uint8_t sb[96], b[2];
	uint64_t itab, ref, pos;
	size_t i;
	int fd, error;

	snprintf(label, sizeof(label), "root block %s", img);
	tc_prefix = label;
	snprintf(src, sizeof(src), "%s/%s", outdir, img);
	snprintf(dst, sizeof(dst), "%s/corrupt.img", outdir);
	if ((fd = open(src, O_RDONLY)) < 0 ||
	    pread(fd, sb, sizeof(sb), 0) != (ssize_t)sizeof(sb)) {
		tcheck(false, "%s: %s", src, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	ref = itab = 0;
	for (i = 0; i < 8; i++) {
		ref |= (uint64_t)sb[32 + i] << (8 * i);
		itab |= (uint64_t)sb[64 + i] << (8 * i);
	}
	pos = itab + (ref >> 16);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].flip && !compressed)
			continue;
		if (copy_file(src, dst) != 0) {
			tcheck(false, "cp %s", src);
			return;
		}
		if (bad[i].hdr >= 0) {
			le_put(b, (uint64_t)bad[i].hdr, 2);
			poke(dst, (off_t)pos, b, 2);
		} else {
			b[0] = 0x5A;
			poke(dst, (off_t)pos + 12, b, 1);
		}
		error = mount_img("corrupt.img");
		tcheck(error != 0, "%s: mounted", bad[i].what);
		if (error == 0)
			ak_sys_unmount(MNT, 0);
	}
}

static uint64_t rngstate;

static uint64_t
rng(void)
{
	rngstate ^= rngstate << 13;
	rngstate ^= rngstate >> 7;
	rngstate ^= rngstate << 17;
	return rngstate;
}

/*
 * Seeded random damage after the data blocks (tables), or anywhere:
 * mount, walk, read everything; errors are fine, crashes and hangs not.
 */
static void
test_sweep(const char *img, uint64_t seed, int rounds, bool tables_only)
{
	char src[2048], dst[2048], label[64];
	struct stat st;
	uint8_t sb[96], b;
	uint64_t lo, hi, off;
	int r, k, fd, mounted = 0;

	snprintf(label, sizeof(label), "sweep %s", img);
	tc_prefix = label;
	snprintf(src, sizeof(src), "%s/%s", outdir, img);
	snprintf(dst, sizeof(dst), "%s/corrupt.img", outdir);
	if (stat(src, &st) != 0 || (fd = open(src, O_RDONLY)) < 0) {
		tcheck(false, "%s: %s", src, strerror(errno));
		return;
	}
	if (pread(fd, sb, sizeof(sb), 0) != (ssize_t)sizeof(sb)) {
		close(fd);
		tcheck(false, "%s: short read", src);
		return;
	}
	close(fd);
	lo = tables_only ? (uint64_t)sb[64] | (uint64_t)sb[65] << 8 |
	    (uint64_t)sb[66] << 16 | (uint64_t)sb[67] << 24 : 96;
	hi = (uint64_t)sb[40] | (uint64_t)sb[41] << 8 |
	    (uint64_t)sb[42] << 16 | (uint64_t)sb[43] << 24;
	if (lo >= hi || hi > (uint64_t)st.st_size) {
		tcheck(false, "%s: bad table bounds", src);
		return;
	}
	rngstate = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (r = 0; r < rounds; r++) {
		if (copy_file(src, dst) != 0) {
			tcheck(false, "cp %s", src);
			return;
		}
		for (k = 0; k < 1 + (int)(rng() % 8); k++) {
			off = lo + rng() % (hi - lo);
			b = (uint8_t)rng();
			poke(dst, (off_t)off, &b, 1);
		}
		if (mount_img("corrupt.img") != 0)
			continue;
		mounted++;
		read_all(MNT, 0);
		tcheck(ak_sys_unmount(MNT, 0) == 0, "round %d: unmount: %s", r,
		    strerror(errno));
	}
	tcheck(true, "%s", label);
	printf("%s: %d of %d damaged images mounted, none crashed\n", label,
	    mounted, rounds);
}

void
test_corruption(void)
{
	test_superblock("gzip.img");
	test_rootblock("gzip.img", true);
	test_rootblock("xz.img", true);
	test_rootblock("uncomp.img", false);
	test_sweep("uncomp.img", 1, 150, true);
	test_sweep("gzip.img", 2, 100, true);
	test_sweep("lz4.img", 3, 60, false);
	test_sweep("b4k.img", 4, 60, true);
}
