/*
 * iso_corrupt.c: damaged copies of an ISO 9660 image must fail to mount
 * or to read with an error, never crash or hang; and a multi-extent
 * file made by joining two records.
 *
 * The structures are located by parsing the image here (the primary
 * descriptor at 32 KiB, the root directory it names, records found by
 * their ISO identifier), independently of the driver.  Targeted cases
 * expect EFSCORRUPTED (EUCLEAN on the host) where the damage is
 * detectable; seeded random damage only has to end without a crash.
 * A watchdog alarm turns a hang into a failure.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/iso_test.h"
#include "tests/lib/tcheck.h"

#define MNT		"/mnt"
#define SECTOR		2048
#define PVD		(16 * SECTOR)
#define COPY		"corrupt.iso"
#define WATCHDOG	300	/* seconds for all corruption tests */
#define MIN(a, b)	((a) < (b) ? (a) : (b))

static uint8_t *img;		/* the pristine image */
static size_t imgsize;		/* its size */
static uint8_t *work;		/* the copy being damaged */

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A both-endian 32-bit field. */
static void
put_both32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

/*
 * The byte offset of the record named id in the directory at block blk
 * of size bytes, or 0.
 */
static size_t
find_rec(uint32_t blk, uint32_t size, const char *id)
{
	size_t base = (size_t)blk * SECTOR, pos = 0, len = strlen(id);
	const uint8_t *r;

	while (pos < size && base + pos < imgsize) {
		r = work + base + pos;
		if (r[0] == 0) {
			pos = (pos / SECTOR + 1) * SECTOR;
			continue;
		}
		if (r[32] == len && memcmp(r + 33, id, len) == 0)
			return base + pos;
		pos += r[0];
	}
	return 0;
}

/* The record of a subdirectory: its block and size through *blkp. */
static size_t
find_dir(uint32_t pblk, uint32_t psize, const char *id, uint32_t *blkp,
    uint32_t *sizep)
{
	size_t off = find_rec(pblk, psize, id);

	if (off != 0) {
		*blkp = le32(work + off + 2);
		*sizep = le32(work + off + 10);
	}
	return off;
}

static uint32_t
root_blk(void)
{
	return le32(work + PVD + 156 + 2);
}

static uint32_t
root_size(void)
{
	return le32(work + PVD + 156 + 10);
}

/* Read everything below kdir; the first errno in *errp. */
static void
read_all(const char *kdir, int depth, int *errp, int *budget)
{
	struct ak_dirent *de;
	struct stat st;
	char p[PATH_MAX];
	AK_DIR *d;
	int fd;

	if ((d = ak_sys_opendir(kdir)) == NULL) {
		if (*errp == 0)
			*errp = errno;
		return;
	}
	errno = 0;
	while ((de = ak_sys_readdir(d)) != NULL && --*budget > 0) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", kdir, de->d_name);
		if (ak_sys_lstat(p, &st) != 0) {
			if (*errp == 0)
				*errp = errno;
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth < 14)
			read_all(p, depth + 1, errp, budget);
		else if (S_ISREG(st.st_mode) &&
		    (fd = ak_sys_open(p, O_RDONLY)) >= 0) {
			if (ak_sys_read(fd, kbuf, CHUNK) < 0 && *errp == 0)
				*errp = errno;
			ak_sys_close(fd);
		} else if (S_ISLNK(st.st_mode) &&
		    ak_sys_readlink(p, hbuf, 4096) < 0 && *errp == 0)
			*errp = errno;
		errno = 0;
	}
	if (de == NULL && errno != 0 && *errp == 0)
		*errp = errno;
	ak_sys_closedir(d);
}

/* Write the damaged copy; mount and read it.  0 or the first errno. */
static int
try_work(void)
{
	char path[PATH_MAX];
	int error, budget = 20000;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, COPY);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(work, 1, imgsize, f) != imgsize || fclose(f) != 0) {
		tcheck(false, "%s: %s", path, strerror(errno));
		return EIO;
	}
	if ((error = mount_img(COPY, NULL)) != 0)
		return error;
	read_all(MNT, 0, &error, &budget);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount after damage: %s",
	    strerror(errno));
	return error;
}

static void
expect(const char *what, int error, int want)
{
	if (want == 0)
		tcheck(error != 0, "%s: no error", what);
	else
		tcheck(error == want, "%s: %s, want %s", what, strerror(error),
		    strerror(want));
}

/* Damage to the descriptors and the root record. */
static void
c_descriptors(void)
{
	int i;

	memcpy(work, img, imgsize);
	work[PVD + 1] = 'X';
	expect("no CD001 signature", try_work(), 0);
	memcpy(work, img, imgsize);
	work[PVD + 80] ^= 1;
	expect("volume size both-endian mismatch", try_work(), EUCLEAN);
	memcpy(work, img, imgsize);
	work[PVD + 128 + 1] = 0x10;
	work[PVD + 128 + 2] = 0x10;
	expect("4 KiB logical blocks", try_work(), 0);
	memcpy(work, img, imgsize);
	work[PVD + 156 + 2] ^= 4;
	expect("root extent both-endian mismatch", try_work(), EUCLEAN);
	memcpy(work, img, imgsize);
	put_both32(work + PVD + 156 + 2, 0x7FFFFFF0);
	expect("root extent past the end", try_work(), EUCLEAN);
	memcpy(work, img, imgsize);
	put_both32(work + PVD + 156 + 2, 17);
	expect("root extent at a descriptor", try_work(), EUCLEAN);
	/* Many descriptors without a terminator: the scan is bounded. */
	memcpy(work, img, imgsize);
	for (i = 17; i < 17 + 100 && (size_t)(i + 1) * SECTOR <= imgsize;
	    i++) {
		memcpy(work + (size_t)i * SECTOR, img + PVD, SECTOR);
		work[(size_t)i * SECTOR] = 3;
	}
	tcheck(true, "descriptors without a terminator");
	(void)try_work();
}

/* Damage to directory records. */
static void
c_records(void)
{
	uint32_t rb, rs, db, ds, pos;
	size_t off, last;
	const uint8_t *r;

	memcpy(work, img, imgsize);
	rb = root_blk();
	rs = root_size();
	/* The last record of the root's first block overruns it. */
	for (pos = 0, last = 0; pos < SECTOR && work[(size_t)rb * SECTOR +
	    pos] != 0; pos += r[0]) {
		r = work + (size_t)rb * SECTOR + pos;
		last = pos;
	}
	tcheck(last > 0 && last + 255 > SECTOR, "no record near the block end");
	work[(size_t)rb * SECTOR + last] = (uint8_t)MIN(255, 2 * (SECTOR -
	    last) + 34);
	expect("record overrunning its block", try_work(), EUCLEAN);

	memcpy(work, img, imgsize);
	off = find_rec(rb, rs, "ONE.;1");
	tcheck(off != 0, "ONE.;1 not found");
	if (off != 0) {
		put_both32(work + off + 10, 0xFFFFF000);
		expect("file size past the end", try_work(), EUCLEAN);
		memcpy(work, img, imgsize);
		work[off + 10] ^= 1;
		expect("file size both-endian mismatch", try_work(), EUCLEAN);
	}
	memcpy(work, img, imgsize);
	put_both32(work + (size_t)rb * SECTOR + 10, 0x7FFFF800);
	expect("root directory size past the end", try_work(), EUCLEAN);

	/* A directory pointing at itself, then at an ancestor. */
	memcpy(work, img, imgsize);
	off = find_dir(rb, rs, "SUB", &db, &ds);
	tcheck(off != 0, "SUB not found");
	if (off != 0) {
		put_both32(work + off + 2, rb);
		put_both32(work + off + 10, rs);
		expect("directory pointing at the root", try_work(), 0);
	}
	memcpy(work, img, imgsize);
	off = find_dir(rb, rs, "DEEP", &db, &ds);
	if (off != 0)
		off = find_rec(db, ds, "LEVEL1");
	tcheck(off != 0, "DEEP/LEVEL1 not found");
	if (off != 0) {
		put_both32(work + off + 2, rb);
		put_both32(work + off + 10, rs);
		/* A cycle Linux does not catch either: it must end. */
		(void)try_work();
		tcheck(true, "directory cycle");
	}
	memcpy(work, img, imgsize);
	off = find_dir(rb, rs, "SUB", &db, &ds);
	if (off != 0) {
		put_both32(work + off + 2, 16);
		expect("directory at a descriptor", try_work(), EUCLEAN);
	}
}

/* A CE entry pointing at itself: the continuation chain loops. */
static void
c_ce_loop(void)
{
	size_t i, found = 0;

	memcpy(work, img, imgsize);
	for (i = 18 * SECTOR; i + 28 < imgsize && i < 400 * SECTOR; i++)
		if (memcmp(work + i, "CE\x1c\x01", 4) == 0) {
			found = i;
			break;
		}
	tcheck(found != 0, "no CE entry in the image");
	if (found == 0)
		return;
	put_both32(work + found + 4, (uint32_t)(found / SECTOR));
	put_both32(work + found + 12, (uint32_t)(found % SECTOR));
	put_both32(work + found + 20, 28);
	expect("looping CE chain", try_work(), EUCLEAN);

	memcpy(work, img, imgsize);
	put_both32(work + found + 20, 4096);
	expect("CE area longer than a block", try_work(), EUCLEAN);
}

/* Seeded random damage over the descriptors and directories. */
static void
c_random(unsigned seed, int rounds)
{
	size_t lo = PVD, hi, off;
	int r, k;

	memcpy(work, img, imgsize);
	hi = MIN(imgsize, ((size_t)root_blk() + 64) * SECTOR);
	srand(seed);
	for (r = 0; r < rounds; r++) {
		memcpy(work, img, imgsize);
		for (k = 0; k < 16; k++) {
			off = lo + (size_t)rand() % (hi - lo);
			work[off] = (uint8_t)(rand() % 3 == 0 ? 0 : rand());
		}
		(void)try_work();
	}
	tcheck(true, "random damage");
}

/*
 * A multi-extent file made by hand, for when xorriso is too slow to
 * write a real one: two neighbouring records of non-empty files whose
 * identifiers have the same length become the parts of one file (the
 * first flagged 0x80, the second renamed).  The file must read as the
 * two extents' bytes, taken from the image here, one after the other.
 */
static void
c_multi_extent(void)
{
	uint32_t rb = root_blk(), pos, e1, s1, e2, s2;
	uint8_t *r1 = NULL, *r2;
	char name[64];
	uint8_t *want;
	int error, fd;
	ssize_t n;

	memcpy(work, img, imgsize);
	for (pos = 0; pos + 34 < SECTOR; pos += r2[0]) {
		r2 = work + (size_t)rb * SECTOR + pos;
		if (r2[0] == 0)
			break;
		if (r1 != NULL && !(r1[25] & 2) && !(r2[25] & 2) &&
		    r1[32] == r2[32] && le32(r1 + 10) != 0 &&
		    le32(r2 + 10) != 0 && r1[33] != 0 && r1[33] != 1 &&
		    le32(r1 + 10) + le32(r2 + 10) <= CHUNK)
			break;
		r1 = r2;
	}
	if (r1 == NULL || pos + 34 >= SECTOR || r2[0] == 0) {
		tcheck(false, "no two neighbouring files to join");
		return;
	}
	e1 = le32(r1 + 2), s1 = le32(r1 + 10);
	e2 = le32(r2 + 2), s2 = le32(r2 + 10);
	r1[25] |= 0x80;
	memcpy(r2 + 33, r1 + 33, r1[32]);
	/* The name the driver shows: no ";1", no trailing dot. */
	snprintf(name, sizeof(name), "%s/%.*s", MNT, (int)strcspn(
	    (char *)r1 + 33, ";"), (char *)r1 + 33);
	if (name[strlen(name) - 1] == '.')
		name[strlen(name) - 1] = '\0';
	want = malloc(s1 + s2);
	memcpy(want, img + (size_t)e1 * SECTOR, s1);
	memcpy(want + s1, img + (size_t)e2 * SECTOR, s2);
	error = try_work();
	tcheck(error == 0, "joined image: %s", strerror(error));
	if (mount_img(COPY, "norock,nojoliet") == 0) {
		fd = ak_sys_open(name, O_RDONLY);
		n = fd >= 0 ? ak_sys_pread(fd, kbuf, CHUNK, 0) : -1;
		tcheck(n == (ssize_t)(s1 + s2) && memcmp(kbuf, want, n) == 0,
		    "%s: %zd bytes, want %u from two extents", name, n,
		    s1 + s2);
		if (fd >= 0)
			ak_sys_close(fd);
		ak_sys_unmount(MNT, 0);
	} else
		tcheck(false, "mount the joined image");
	free(want);
}

/*
 * An interleaved file made by hand (no current tool writes them): a
 * file's record gets a file unit of 1 block and a gap of 2, so block i
 * of the file is block extent + 3i of the image.
 */
static void
c_interleaved(void)
{
	uint32_t rb = root_blk(), rs = root_size(), e, sz, i, n;
	uint8_t *want;
	size_t off;
	ssize_t got;
	int fd;

	memcpy(work, img, imgsize);
	off = find_rec(rb, rs, "SIZE_655.;1");
	if (off == 0)
		off = find_rec(rb, rs, "SIZE_000.;1");
	tcheck(off != 0, "no file to interleave");
	if (off == 0)
		return;
	e = le32(work + off + 2);
	sz = le32(work + off + 10);
	n = (sz + SECTOR - 1) / SECTOR;
	if (sz == 0 || sz > CHUNK || ((size_t)e + 3 * n) * SECTOR > imgsize) {
		tcheck(false, "file of %u bytes at %u cannot be interleaved",
		    sz, e);
		return;
	}
	work[off + 26] = 1;
	work[off + 27] = 2;
	want = malloc((size_t)n * SECTOR);
	for (i = 0; i < n; i++)
		memcpy(want + (size_t)i * SECTOR,
		    img + ((size_t)e + 3 * i) * SECTOR, SECTOR);
	(void)try_work();
	if (mount_img(COPY, "norock,nojoliet") != 0) {
		tcheck(false, "mount the interleaved image");
		free(want);
		return;
	}
	snprintf(hbuf, 64, MNT "/%.*s", (int)strcspn((char *)work +
	    off + 33, ";"), (char *)work + off + 33);
	if (hbuf[strlen(hbuf) - 1] == '.')
		hbuf[strlen(hbuf) - 1] = '\0';
	fd = ak_sys_open(hbuf, O_RDONLY);
	got = fd >= 0 ? ak_sys_pread(fd, kbuf, CHUNK, 0) : -1;
	tcheck(got == (ssize_t)sz && memcmp(kbuf, want, sz) == 0,
	    "interleaved %s: %zd bytes, want %u", hbuf, got, sz);
	if (fd >= 0)
		ak_sys_close(fd);
	ak_sys_unmount(MNT, 0);
	free(want);
}

void
test_corruption(const char *base)
{
	char path[PATH_MAX];
	struct stat st;
	FILE *f;

	tc_prefix = base;
	snprintf(path, sizeof(path), "%s/%s", outdir, base);
	if (stat(path, &st) != 0 || (img = malloc(st.st_size)) == NULL ||
	    (work = malloc(st.st_size)) == NULL ||
	    (f = fopen(path, "rb")) == NULL) {
		tcheck(false, "%s: %s", path, strerror(errno));
		return;
	}
	imgsize = (size_t)st.st_size;
	tcheck(fread(img, 1, imgsize, f) == imgsize, "read %s", path);
	fclose(f);
	alarm(WATCHDOG);
	c_descriptors();
	c_records();
	c_ce_loop();
	c_multi_extent();
	c_interleaved();
	c_random(1, 60);
	c_random(2, 60);
	alarm(0);
	free(img);
	free(work);
}
