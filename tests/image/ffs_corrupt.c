/*
 * ffs_corrupt.c: FFS images damaged or patched on purpose.
 *
 * The structures are located by parsing the image here, independently
 * of the driver (superblock fields at their published offsets, inodes by
 * the cylinder group arithmetic, the root directory's first block).
 *
 * Patched (the oracle is the patch itself): block pointers of a file
 * zeroed make holes that must read as zeros and be found by SEEK_HOLE
 * and SEEK_DATA, in the direct, single and double indirect ranges; a
 * triple indirect chain built in free space makes a sparse file of
 * gigabytes (over 4 GiB on UFS1) whose one data block must be found and
 * read; nanosecond times written into an inode must be reported as
 * written; a UFS2 extended attribute area built by hand must be listed
 * and read back; a superblock moved to 256 KiB must be found.
 *
 * Damaged: superblock, cylinder group, inode and directory fields set to
 * bad values must make the mount or the walk fail with EUCLEAN (or the
 * errno named), and seeded random byte damage over the metadata must
 * end in errors or wrong data, never a crash or a hang (an alarm kills a
 * hung run; make check-asan runs this under ASan/UBSan).
 */
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
#include "tests/lib/tcheck.h"
#include "tests/image/ffs_test.h"

#define SBOFF		8192	/* where makefs puts both superblocks */
#define MIN(a, b)	((a) < (b) ? (a) : (b))

static uint8_t *img;		/* the pristine image */
static size_t imgsize;
static uint8_t *work;		/* the copy being damaged */
static char workpath[2048];
static bool be;			/* byte order of the image */
static bool ufs2;

/* Superblock geometry of the pristine image. */
static uint32_t g_bsize, g_fsize, g_frag, g_ipg, g_inopb, g_fpg, g_iblkno;
static uint32_t g_isize, g_ncg;

static uint64_t
get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = be ? v << 8 | p[i] : v | (uint64_t)p[i] << (8 * i);
	return v;
}

static void
put(uint8_t *p, int n, uint64_t v)
{
	int i;

	for (i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
sb32(int off)
{
	return (uint32_t)get(img + SBOFF + off, 4);
}

static int
load(const char *name)
{
	char path[2048];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", ffs_dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	free(img);
	free(work);
	img = malloc(n);
	work = malloc(n);
	imgsize = (size_t)n;
	if (img == NULL || work == NULL || fread(img, 1, n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	/* The magic's first byte (and second for UFS2) gives the order. */
	be = !(img[SBOFF + 1372] == 0x54 || (img[SBOFF + 1372] == 0x19 &&
	    img[SBOFF + 1373] == 0x01));
	ufs2 = sb32(1372) == 0x19540119;
	g_bsize = sb32(48);
	g_fsize = sb32(52);
	g_frag = sb32(56);
	g_ncg = sb32(44);
	g_ipg = sb32(184);
	g_inopb = sb32(120);
	g_fpg = sb32(188);
	g_iblkno = sb32(16);
	g_isize = ufs2 ? 256 : 128;
	memcpy(work, img, imgsize);
	return 0;
}

/* Byte offset of inode ino (makefs uses no cylinder group rotation). */
static size_t
ino_off(uint32_t ino)
{
	uint64_t cg = ino / g_ipg, idx = ino % g_ipg;
	uint64_t frag = cg * g_fpg + g_iblkno + idx / g_inopb * g_frag;

	return (size_t)(frag * g_fsize + idx % g_inopb * g_isize);
}

/* Offsets inside a dinode. */
static int di_size_off(void) { return ufs2 ? 16 : 8; }
static int di_db_off(int i) { return (ufs2 ? 112 : 40) + i * (ufs2 ? 8 : 4); }
static int di_ib_off(int i) { return (ufs2 ? 208 : 88) + i * (ufs2 ? 8 : 4); }
static int ptrsz(void) { return ufs2 ? 8 : 4; }

static uint64_t
di_get(uint32_t ino, int off, int n)
{
	return get(work + ino_off(ino) + off, n);
}

static void
di_put(uint32_t ino, int off, int n, uint64_t v)
{
	put(work + ino_off(ino) + off, n, v);
}

/* Write the work copy; mount it and read everything.  0 or an errno. */
static int read_all(const char *dir, int depth, int *budget);

static int
try_work(void)
{
	int budget = 4000, error;
	FILE *f;

	if ((f = fopen(workpath, "wb")) == NULL ||
	    fwrite(work, 1, imgsize, f) != imgsize) {
		if (f != NULL)
			fclose(f);
		return EIO;
	}
	fclose(f);
	if (ak_sys_mount("ffs", FFS_MNT, AK_MNT_RDONLY, workpath, NULL) != 0)
		return errno;
	error = read_all(FFS_MNT, 0, &budget);
	if (ak_sys_unmount(FFS_MNT, 0) != 0 && error == 0)
		error = errno;
	return error;
}

static int
read_all(const char *dir, int depth, int *budget)
{
	struct ak_dirent *de;
	struct stat st;
	char p[PATH_MAX];
	AK_DIR *d;
	ssize_t n;
	int fd, error = 0;

	if ((d = ak_sys_opendir(dir)) == NULL)
		return errno;
	errno = 0;
	while ((de = ak_sys_readdir(d)) != NULL && --*budget > 0) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (ak_sys_lstat(p, &st) != 0) {
			error = error != 0 ? error : errno;
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth < 20) {
			int e = read_all(p, depth + 1, budget);
			error = error != 0 ? error : e;
		} else if (S_ISREG(st.st_mode) &&
		    (fd = ak_sys_open(p, O_RDONLY)) >= 0) {
			while ((n = ak_sys_read(fd, ffs_kbuf, FFS_CHUNK)) > 0)
				;
			if (n < 0 && error == 0)
				error = errno;
			(void)ak_sys_lseek(fd, 0, SEEK_HOLE);
			ak_sys_close(fd);
		} else if (S_ISLNK(st.st_mode) &&
		    ak_sys_readlink(p, ffs_kbuf, 4096) < 0 && error == 0)
			error = errno;
		errno = 0;
	}
	if (de == NULL && errno != 0 && error == 0)
		error = errno;
	ak_sys_closedir(d);
	return error;
}

/* The inode number of name in the root directory (first block), or 0. */
static uint32_t
root_lookup(const char *name, size_t *entoff)
{
	size_t dirb = (size_t)di_get(2, di_db_off(0), ptrsz()) * g_fsize;
	size_t off = 0, len = strlen(name);
	uint32_t reclen;
	uint8_t *e;

	while (off < 512 * 8 && dirb + off + 8 < imgsize) {
		e = work + dirb + off;
		reclen = (uint32_t)get(e + 4, 2);
		if (reclen == 0)
			break;
		if (e[7] == len && memcmp(e + 8, name, len) == 0) {
			if (entoff != NULL)
				*entoff = dirb + off;
			return (uint32_t)get(e, 4);
		}
		off += reclen;
	}
	return 0;
}

/* Damage: set n bytes at image offset off to v; expect errno want. */
static void
expect(const char *what, size_t off, int n, uint64_t v, int want)
{
	int error;

	memcpy(work, img, imgsize);
	put(work + off, n, v);
	error = try_work();
	tcheck(want == 0 ? error != 0 : error == want, "damage %s: got %d "
	    "(%s), want %s", what, error, strerror(error), want == 0 ?
	    "an error" : strerror(want));
}

static void
sb_damage(void)
{
	static const struct { const char *f; int off; uint32_t v; } c[] = {
		{ "bsize 3000", 48, 3000 }, { "bsize 128K", 48, 131072 },
		{ "fsize 0", 52, 0 }, { "fsize 256", 52, 256 },
		{ "frag 3", 56, 3 }, { "bshift", 80, 5 }, { "fshift", 84, 20 },
		{ "fragshift", 96, 7 }, { "ncg 0", 44, 0 },
		{ "ncg huge", 44, 0x7fffffff }, { "ipg 0", 184, 0 },
		{ "ipg odd", 184, 33 }, { "inopb", 120, 3 },
		{ "fpg 0", 188, 0 }, { "fpg 7", 188, 7 },
		{ "nindir", 116, 77 }, { "iblkno past dblkno", 16, 1000000 },
		{ "dblkno past fpg", 20, 0x7fffffff },
		{ "sblkno negative", 8, 0xffffffff },
		{ "sbsize huge", 104, 1 << 20 },
		{ "maxsymlinklen huge", 1320, 5000 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		expect(c[i].f, SBOFF + c[i].off, 4, c[i].v, EUCLEAN);
	/* makefs keeps the 64-bit size for UFS1 too (fs_maxbsize set). */
	expect("size past the groups", SBOFF + 1080, 8, (uint64_t)1 << 40,
	    EUCLEAN);
	expect("size 0", SBOFF + 1080, 8, 0, EUCLEAN);
	expect("dsize past size", SBOFF + 1088, 8, (uint64_t)1 << 40, EUCLEAN);
	if (ufs2)
		expect("sblockloc elsewhere", SBOFF + 1000, 8, 65536,
		    EMEDIUMTYPE);
	else
		expect("4.2BSD inode format", SBOFF + 1324, 4, 0xffffffff,
		    EOPNOTSUPP);
	expect("magic", SBOFF + 1372, 4, 0x12345678, EMEDIUMTYPE);
}

/* Inode and directory fields, on the root and on files of the tree. */
static void
inode_damage(void)
{
	uint32_t f = root_lookup("hard_a", NULL), big = root_lookup("double",
	    NULL), lnk = root_lookup("link_long", NULL);
	size_t ent;
	int error;

	tcheck(f != 0 && big != 0 && lnk != 0, "small image: files not found");
	if (f == 0 || big == 0 || lnk == 0)
		return;
	expect("root mode 0", ino_off(2), 2, 0, EUCLEAN);
	expect("root is a file", ino_off(2), 2, 0100644, EUCLEAN);
	expect("root size 100", ino_off(2) + di_size_off(), 8, 100, EUCLEAN);
	expect("file block past the end", ino_off(f) + di_db_off(0),
	    ptrsz(), 0x7fffff00, EUCLEAN);
	expect("file block negative", ino_off(f) + di_db_off(0), ptrsz(),
	    ufs2 ? 0xffffffffffffff00ULL : 0xffffff00, EUCLEAN);
	expect("indirect block past the end", ino_off(big) + di_ib_off(0),
	    ptrsz(), 0x7fffff00, EUCLEAN);
	if (di_get(big, di_ib_off(1), ptrsz()) != 0)
		expect("double indirect past the end", ino_off(big) +
		    di_ib_off(1), ptrsz(), 0x7fffff00, EUCLEAN);
	expect("file size huge", ino_off(big) + di_size_off(), 8,
	    0x7fffffffffffffffULL, EUCLEAN);
	expect("symlink size 0", ino_off(lnk) + di_size_off(), 8, 0, EUCLEAN);
	expect("slow symlink block past the end", ino_off(lnk) +
	    di_db_off(0), ptrsz(), 0x7fffff00, EUCLEAN);
	if (ufs2)
		expect("extsize huge", ino_off(f) + 92, 4, 1 << 20, EUCLEAN);
	/*
	 * A root directory of 128 GiB of holes: walked hole run by hole run
	 * (one lookup per block would not end), listing nothing.
	 */
	memcpy(work, img, imgsize);
	put(work + ino_off(2) + di_size_off(), 8, (uint64_t)1 << 37);
	put(work + ino_off(2) + di_db_off(0), ptrsz(), 0);
	error = try_work();
	tcheck(error == 0, "sparse directory of 128 GiB: %s",
	    strerror(error));
	memcpy(work, img, imgsize);
	root_lookup("hard_a", &ent);
	expect("dirent inode out of range", ent, 4, 0x7fffffff, EUCLEAN);
	expect("dirent inode 0 to 1", ent, 4, 1, EUCLEAN);
	expect("dirent reclen 0", ent + 4, 2, 0, EUCLEAN);
	expect("dirent reclen odd", ent + 4, 2, 14, EUCLEAN);
	expect("dirent reclen past the chunk", ent + 4, 2, 1024, EUCLEAN);
	expect("dirent namlen past reclen", ent + 7, 1, 250, EUCLEAN);
	expect("dot reclen 0", (size_t)di_get(2, di_db_off(0), ptrsz()) *
	    g_fsize + 4, 2, 0, EUCLEAN);
}

/* Fragment address of logical block lbn of ino (0: a hole), up to double. */
static uint64_t
bmap(uint32_t ino, uint64_t lbn, size_t *slotp)
{
	uint64_t n = g_bsize / ptrsz(), blk;
	size_t slot;

	if (lbn < 12) {
		slot = ino_off(ino) + di_db_off((int)lbn);
	} else if (lbn - 12 < n) {
		blk = di_get(ino, di_ib_off(0), ptrsz());
		slot = blk * g_fsize + (lbn - 12) * ptrsz();
	} else {
		lbn -= 12 + n;
		blk = di_get(ino, di_ib_off(1), ptrsz());
		blk = get(work + blk * g_fsize + lbn / n * ptrsz(), ptrsz());
		slot = blk * g_fsize + lbn % n * ptrsz();
	}
	if (slotp != NULL)
		*slotp = slot;
	return get(work + slot, ptrsz());
}

/* Open path in the mounted work copy and read len bytes at off. */
static ssize_t
kread(const char *path, off_t off, size_t len)
{
	int fd = ak_sys_open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = ak_sys_pread(fd, ffs_kbuf, len, off);
	ak_sys_close(fd);
	return n;
}

static off_t
kseek(const char *path, off_t off, int whence)
{
	int fd = ak_sys_open(path, O_RDONLY);
	off_t r;

	if (fd < 0)
		return -2;
	r = ak_sys_lseek(fd, off, whence);
	ak_sys_close(fd);
	return r;
}

static bool
mount_work(void)
{
	FILE *f;

	if ((f = fopen(workpath, "wb")) == NULL)
		return false;
	if (fwrite(work, 1, imgsize, f) != imgsize) {
		fclose(f);
		return false;
	}
	fclose(f);
	return ak_sys_mount("ffs", FFS_MNT, AK_MNT_RDONLY, workpath, NULL) == 0;
}

/*
 * Holes: block pointers of "double" zeroed (a direct one, one in the
 * single indirect block, the whole single indirect block on a second
 * pass); the tree's copy with those blocks zeroed is the oracle.
 */
static void
craft_holes(const char *name)
{
	static const uint64_t lbns[] = { 3, 20, 540 };
	uint32_t ino = root_lookup("double", NULL);
	uint64_t b = g_bsize, i, nblk;
	char host[2048], *want, *got;
	size_t slot, size = 2300000;
	bool same = true;
	FILE *f;

	memcpy(work, img, imgsize);
	snprintf(host, sizeof(host), "%s/small/double", ffs_dir);
	want = malloc(size);
	got = malloc(size);
	if (ino == 0 || want == NULL || got == NULL ||
	    (f = fopen(host, "rb")) == NULL) {
		tcheck(false, "%s: holes: set-up", name);
		goto out;
	}
	same = fread(want, 1, size, f) == size;
	fclose(f);
	for (i = 0; i < sizeof(lbns) / sizeof(lbns[0]); i++) {
		(void)bmap(ino, lbns[i], &slot);
		put(work + slot, ptrsz(), 0);
		memset(want + lbns[i] * b, 0, b);
	}
	if (!mount_work()) {
		tcheck(false, "%s: holes: mount: %s", name, strerror(errno));
		goto out;
	}
	i = ak_sys_open(FFS_MNT "/double", O_RDONLY);
	same = same && (int)i >= 0 &&
	    ak_sys_pread((int)i, got, size, 0) == (ssize_t)size &&
	    memcmp(want, got, size) == 0;
	ak_sys_close((int)i);
	tcheck(same, "%s: holes: data differs", name);
	tcheck(kseek(FFS_MNT "/double", 0, SEEK_HOLE) == (off_t)(3 * b) &&
	    kseek(FFS_MNT "/double", 3 * b, SEEK_DATA) == (off_t)(4 * b) &&
	    kseek(FFS_MNT "/double", 4 * b, SEEK_HOLE) == (off_t)(20 * b) &&
	    kseek(FFS_MNT "/double", 539 * b + 7, SEEK_HOLE) ==
	    (off_t)(540 * b) && kseek(FFS_MNT "/double", 540 * b + 9,
	    SEEK_DATA) == (off_t)(541 * b), "%s: holes: SEEK_HOLE/SEEK_DATA",
	    name);
	ak_sys_unmount(FFS_MNT, 0);
	/* The whole single indirect block missing: blocks 12..12+n-1. */
	memcpy(work, img, imgsize);
	put(work + ino_off(ino) + di_ib_off(0), ptrsz(), 0);
	nblk = 12 + g_bsize / ptrsz();
	if (!mount_work())
		goto out;
	/* Past the last data, SEEK_DATA fails with ENXIO. */
	tcheck(kseek(FFS_MNT "/double", 12 * b, SEEK_DATA) ==
	    (nblk * b < size ? (off_t)(nblk * b) : -1) && kread(FFS_MNT "/double", 12 * b,
	    100) == 100 && ffs_kbuf[0] == 0 && ffs_kbuf[99] == 0,
	    "%s: holes: missing indirect block", name);
	ak_sys_unmount(FFS_MNT, 0);
out:
	free(want);
	free(got);
}

/*
 * The triple indirect block: a chain of three pointer blocks (borrowed
 * from "double", whose contents do not matter here) leading hard_a's
 * logical block T = 12 + n + n^2 to a fourth borrowed block, and the size
 * set to end one block after T.  Only T holds data past hard_a's first
 * block.
 */
static void
craft_triple(const char *name)
{
	uint32_t f = root_lookup("hard_a", NULL), big = root_lookup("double",
	    NULL);
	uint64_t n = g_bsize / ptrsz(), t = 12 + n + n * n, b = g_bsize;
	uint64_t blk[4], size = (t + 1) * b;
	int i;

	memcpy(work, img, imgsize);
	for (i = 0; i < 4; i++)
		blk[i] = bmap(big, 100 + (uint64_t)i, NULL);
	memcpy(ffs_hbuf, work + blk[3] * g_fsize, b);
	for (i = 0; i < 3; i++) {
		memset(work + blk[i] * g_fsize, 0, b);
		put(work + blk[i] * g_fsize, ptrsz(), blk[i + 1]);
	}
	di_put(f, di_ib_off(2), ptrsz(), blk[0]);
	di_put(f, di_size_off(), 8, size);
	if (!mount_work()) {
		tcheck(false, "%s: triple: mount: %s", name, strerror(errno));
		return;
	}
	tcheck(kread(FFS_MNT "/hard_a", (off_t)(t * b), b) == (ssize_t)b &&
	    memcmp(ffs_kbuf, ffs_hbuf, b) == 0, "%s: triple: block %llu",
	    name, (unsigned long long)t);
	tcheck(kseek(FFS_MNT "/hard_a", b, SEEK_DATA) == (off_t)(t * b) &&
	    kseek(FFS_MNT "/hard_a", (off_t)(t * b), SEEK_HOLE) ==
	    (off_t)size, "%s: triple: SEEK_DATA", name);
	tcheck(kread(FFS_MNT "/hard_a", (off_t)(t * b - 10), 10) == 10 &&
	    memcmp(ffs_kbuf, "\0\0\0\0\0\0\0\0\0\0", 10) == 0,
	    "%s: triple: the hole before", name);
	ak_sys_unmount(FFS_MNT, 0);
}

/*
 * An image marked not clean, with soft updates and SUJ (as a crashed
 * FreeBSD leaves it): reported, and still mounted read-only as it is;
 * a read-write mount is refused.
 */
static void
craft_flags(const char *name)
{
	struct stat st;

	memcpy(work, img, imgsize);
	work[SBOFF + 209] = 0;
	put(work + SBOFF + 1312, 4, 0x0a);
	tcheck(mount_work() && ak_sys_lstat(FFS_MNT "/hard_a", &st) == 0 &&
	    st.st_size == 777 && ak_sys_unmount(FFS_MNT, 0) == 0,
	    "%s: unclean SUJ image: %s", name, strerror(errno));
	tcheck(ak_sys_mount("ffs", FFS_MNT, 0, workpath, NULL) != 0 &&
	    errno == EROFS, "%s: unclean SUJ image mounted read-write", name);
}

/*
 * The superblock moved to 256 KiB (over data of "double"), with
 * fs_sblockloc saying so and nothing at 8 KiB: found by the search.
 */
static void
craft_sbloc(const char *name)
{
	struct stat st;

	memcpy(work, img, imgsize);
	memcpy(work + 262144, img + SBOFF, 1376);
	memset(work + SBOFF, 0, 1376);
	put(work + 262144 + 1000, 8, 262144);
	tcheck(!ufs2 || (mount_work() && ak_sys_lstat(FFS_MNT "/hard_a",
	    &st) == 0 && st.st_size == 777 &&
	    ak_sys_unmount(FFS_MNT, 0) == 0), "%s: superblock at 256 KiB: %s",
	    name, strerror(errno));
	if (!ufs2)	/* UFS1 is taken only at 8 KiB */
		tcheck(!mount_work() && errno == EMEDIUMTYPE, "%s: UFS1 "
		    "superblock at 256 KiB accepted", name);
}

/*
 * UFS2 extended attributes (makefs writes none): an area of two records
 * built in a block borrowed from "double" and hung on hard_a.
 */
static void
craft_xattr(const char *name)
{
	uint32_t f = root_lookup("hard_a", NULL), big = root_lookup("double",
	    NULL);
	uint64_t blk = bmap(big, 200, NULL);
	uint8_t *a = work + blk * g_fsize;
	char list[256], val[64];
	ssize_t n;

	memset(a, 0, g_bsize);
	put(a, 4, 24);			/* user.colour = "blue" */
	a[4] = 1;
	a[5] = 4;
	a[6] = 6;
	memcpy(a + 7, "colour", 6);
	memcpy(a + 16, "blue", 4);
	put(a + 24, 4, 8);		/* user.k = "" */
	a[28] = 1;
	a[30] = 1;
	a[31] = 'k';
	di_put(f, 92, 4, 32);
	di_put(f, 96, 8, blk);
	if (!mount_work()) {
		tcheck(false, "%s: xattr: mount: %s", name, strerror(errno));
		return;
	}
	n = ak_sys_llistxattr(FFS_MNT "/hard_a", list, sizeof(list));
	tcheck(n == 19 && memcmp(list, "user.colour\0user.k\0", 19) == 0,
	    "%s: xattr: list gave %zd", name, n);
	n = ak_sys_lgetxattr(FFS_MNT "/hard_a", "user.colour", val,
	    sizeof(val));
	tcheck(n == 4 && memcmp(val, "blue", 4) == 0, "%s: xattr: get %zd",
	    name, n);
	tcheck(ak_sys_lgetxattr(FFS_MNT "/hard_a", "user.colour", NULL, 0) ==
	    4 && ak_sys_lgetxattr(FFS_MNT "/hard_a", "user.k", val, 64) == 0,
	    "%s: xattr: sizes", name);
	tcheck(ak_sys_lgetxattr(FFS_MNT "/hard_a", "user.colour", val, 1) <
	    0 && errno == ERANGE, "%s: xattr: ERANGE", name);
	tcheck(ak_sys_lgetxattr(FFS_MNT "/hard_a", "user.none", val, 64) < 0
	    && errno == ENODATA, "%s: xattr: absent", name);
	ak_sys_unmount(FFS_MNT, 0);
	put(a, 4, 4000);		/* a record longer than the area */
	tcheck(mount_work() && ak_sys_llistxattr(FFS_MNT "/hard_a", list,
	    sizeof(list)) < 0 && errno == EUCLEAN, "%s: xattr: bad length",
	    name);
	ak_sys_unmount(FFS_MNT, 0);
}

/* Times with nanoseconds written into hard_a's inode. */
static void
craft_times(const char *name)
{
	uint32_t f = root_lookup("hard_a", NULL);
	struct stat st;

	memcpy(work, img, imgsize);
	if (ufs2) {
		di_put(f, 32, 8, 1234567890);	/* atime */
		di_put(f, 40, 8, 2345678901ULL);	/* mtime */
		di_put(f, 48, 8, 1111111111);	/* ctime */
		di_put(f, 64, 4, 222222222);
		di_put(f, 68, 4, 111111111);
		di_put(f, 72, 4, 333333333);
	} else {
		di_put(f, 16, 4, 1234567890);
		di_put(f, 20, 4, 111111111);
		di_put(f, 24, 4, 2045678901);
		di_put(f, 28, 4, 222222222);
		di_put(f, 32, 4, 1111111111);
		di_put(f, 36, 4, 333333333);
	}
	if (!mount_work()) {
		tcheck(false, "%s: times: mount: %s", name, strerror(errno));
		return;
	}
	tcheck(ak_sys_lstat(FFS_MNT "/hard_a", &st) == 0 &&
	    st.st_atim.tv_sec == 1234567890 &&
	    st.st_atim.tv_nsec == 111111111 &&
	    st.st_mtim.tv_sec == (ufs2 ? 2345678901LL : 2045678901) &&
	    st.st_mtim.tv_nsec == 222222222 &&
	    st.st_ctim.tv_sec == 1111111111 &&
	    st.st_ctim.tv_nsec == 333333333, "%s: times: %lld.%09ld",
	    name, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ak_sys_unmount(FFS_MNT, 0);
}

/*
 * The consistency check (mount option "check"): the pristine image has
 * no problem; each damage below, which a plain mount does not notice,
 * must make the checked mount fail with EUCLEAN.
 */
static int
try_check(void)
{
	FILE *f;

	if ((f = fopen(workpath, "wb")) == NULL)
		return EIO;
	if (fwrite(work, 1, imgsize, f) != imgsize) {
		fclose(f);
		return EIO;
	}
	fclose(f);
	if (ak_sys_mount("ffs", FFS_MNT, AK_MNT_RDONLY, workpath,
	    "check") != 0)
		return errno;
	ak_sys_unmount(FFS_MNT, 0);
	return 0;
}

static void
check_damage(const char *name)
{
	uint32_t f = root_lookup("hard_a", NULL), big = root_lookup("double",
	    NULL);
	size_t cgoff = (size_t)sb32(12) * g_fsize;	/* group 0's header */
	uint64_t blk = bmap(big, 100, NULL);
	uint32_t iused = (uint32_t)get(work + cgoff + 92, 4);
	uint32_t freeoff = (uint32_t)get(work + cgoff + 96, 4);
	struct { const char *what; size_t off; int n; uint64_t v; } c[] = {
		{ "link count", ino_off(f) + 2, 2, 3 },
		{ "block claimed twice", ino_off(f) + di_db_off(0), ptrsz(),
		    blk },
		{ "di_blocks", ino_off(f) + (ufs2 ? 24 : 104), ufs2 ? 8 : 4,
		    64 },
		{ "used fragment marked free", cgoff + freeoff + blk / 8, 1,
		    work[cgoff + freeoff + blk / 8] | 1U << (blk % 8) },
		{ "inode marked free", cgoff + iused + f / 8, 1,
		    work[cgoff + iused + f / 8] & ~(1U << (f % 8)) },
		{ "group free inodes", cgoff + 32, 4,
		    get(work + cgoff + 32, 4) + 1 },
		{ "superblock free blocks", SBOFF + 1016, 8,
		    get(work + SBOFF + 1016, 8) + 1 },
		{ "superblock directories", SBOFF + 1008, 8, 7 },
	};
	size_t i;
	int error;

	tcheck(blk < g_fpg && try_check() == 0, "%s: check of the pristine "
	    "image: %s", name, strerror(try_check()));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memcpy(work, img, imgsize);
		put(work + c[i].off, c[i].n, c[i].v);
		error = try_check();
		tcheck(error == EUCLEAN, "%s: check: %s: got %s", name,
		    c[i].what, strerror(error));
	}
	memcpy(work, img, imgsize);
}

/* Seeded random damage over the metadata: any result but a crash. */
static void
random_damage(unsigned seed, int rounds)
{
	/* Superblock, group, inodes and the first data (directories). */
	size_t meta = MIN(imgsize, ((size_t)sb32(20) + 4 * g_frag) * g_fsize);
	int r, k, errs = 0;

	srandom(seed);
	for (r = 0; r < rounds; r++) {
		memcpy(work, img, imgsize);
		for (k = 0; k < 1 + (int)(random() % 16); k++)
			work[SBOFF + (size_t)random() % (meta - SBOFF)] ^=
			    (uint8_t)(1 + random() % 255);
		if (try_work() != 0)
			errs++;
		(void)try_check();
	}
	tcheck(true, "random damage");
	printf("ffs_read: random damage seed %u: %d of %d runs gave an "
	    "error\n", seed, errs, rounds);
}

static void
run_damage(const char *name)
{
	if (load(name) != 0) {
		tcheck(false, "%s: cannot load", name);
		return;
	}
	tcheck(try_work() == 0, "%s: pristine copy: %s", name,
	    strerror(try_work()));
	sb_damage();
	inode_damage();
	/* Each starts from the pristine copy (they look names up first). */
	memcpy(work, img, imgsize);
	craft_holes(name);
	memcpy(work, img, imgsize);
	craft_triple(name);
	memcpy(work, img, imgsize);
	craft_times(name);
	memcpy(work, img, imgsize);
	if (ufs2)
		craft_xattr(name);
	craft_sbloc(name);
	craft_flags(name);
	memcpy(work, img, imgsize);
	check_damage(name);
}

void
ffs_corrupt_tests(void)
{
	snprintf(workpath, sizeof(workpath), "%s/work.img", ffs_dir);
	run_damage("small-ufs2-le.img");
	run_damage("small-ufs1-be.img");
	if (load("tiny-ufs2-le.img") == 0)
		random_damage(12345, 300);
	if (load("tiny-ufs1-be.img") == 0)
		random_damage(54321, 300);
	unlink(workpath);
}
