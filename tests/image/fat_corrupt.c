/*
 * fat_corrupt.c: the corruption sweep of fat_read.  A small FAT16 image
 * is damaged one way at a time (boot sector fields, FAT chains that loop
 * or leave the volume, bad long-name entries, a size past the chain, a
 * truncated image) at offsets found without the driver; each damage must
 * give an error, or the fallback the format defines, never a crash or a
 * hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/fat_test.h"
#include "tests/lib/tcheck.h"

/* Little-endian helpers for the damage below. */
static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

unsigned
get16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

/* Layout of corrupt.img (FAT16), read independently of the driver. */
struct layout {
	long fatoff, rootoff, dataoff;
	unsigned bps;
};

static void
layout_of(const unsigned char *img, struct layout *l)
{
	unsigned rsvd = get16(img + 14), nfats = img[16];
	unsigned rootents = get16(img + 17), fatsz = get16(img + 22);

	l->bps = get16(img + 11);
	l->fatoff = (long)rsvd * l->bps;
	l->rootoff = l->fatoff + (long)nfats * fatsz * l->bps;
	l->dataoff = l->rootoff + (long)rootents * 32;
}

/* The root entry whose 11-byte short name is sn (-1 if none). */
static long
root_entry(const unsigned char *img, const struct layout *l, const char *sn)
{
	long off;

	for (off = l->rootoff; off < l->dataoff && img[off] != 0; off += 32)
		if (memcmp(img + off, sn, 11) == 0 && img[off + 11] != 0x0f)
			return off;
	return -1;
}

enum damage {
	D_NONE, D_LOOP, D_BEYOND, D_FREE, D_BPS0, D_BPS3000, D_SPC3,
	D_MEDIA, D_ROOTENTS0, D_START1, D_DIRLOOP, D_LFNCSUM, D_SIZEBIG,
	D_TRUNC, D_EMOJI, D_SURROGATE, D_NDAMAGE
};
static const char *damage_name[] = {
	"none", "chain loop", "cluster beyond end", "free cluster in chain",
	"bytes/sector 0", "bytes/sector 3000", "sectors/cluster 3",
	"media byte 0x12", "root entries 0", "start cluster 1",
	"directory chain loop", "LFN checksum", "size past chain",
	"truncated image", "non-BMP long name", "unpaired surrogate"
};

/*
 * Replace the long name of longname_file.txt (two LFN slots before its
 * short entry) by one slot holding the n UTF-16 units of u: the first
 * slot is deleted, the second becomes the last and only one.  mtools
 * cannot write non-BMP names (it truncates them), so this does.
 */
static void
set_lfn(unsigned char *img, const struct layout *l, const unsigned *u,
    int n)
{
	static const int off[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24,
	    28, 30 };
	long e = root_entry(img, l, "LONGNA~1TXT");
	unsigned char *s1, *s2;
	int i;

	if (e < 0 || e - 64 < l->rootoff)
		return;
	s1 = img + e - 64;
	s2 = img + e - 32;
	if (s1[11] != 0x0f || s2[11] != 0x0f)
		return;
	s1[0] = 0xe5;
	s2[0] = 0x41;
	for (i = 0; i < 13; i++)
		put16(s2 + off[i], i < n ? u[i] : i == n ? 0 : 0xffff);
}

/* Write a damaged copy of corrupt.img; returns the damaged image. */
static int
make_damaged(enum damage d, const char *out, long *truncp)
{
	char src[4096];
	unsigned char *img;
	static const unsigned emoji[] = { 0xd83d, 0xde00, '.', 't', 'x', 't' };
	struct layout l;
	long size, e;
	FILE *f;

	PATHF(src, "%s/corrupt.img", workdir);
	if ((size = host_slurp(src, (char **)&img)) < 0)
		return -1;
	layout_of(img, &l);
	*truncp = size;
	e = root_entry(img, &l, "A       BIN");
	switch (d) {
	case D_LOOP:	put16(img + l.fatoff + 2 * 5, 3); break;
	case D_BEYOND:	put16(img + l.fatoff + 2 * 4, 0xfff0); break;
	case D_FREE:	put16(img + l.fatoff + 2 * 3, 0); break;
	case D_BPS0:	put16(img + 11, 0); break;
	case D_BPS3000:	put16(img + 11, 3000); break;
	case D_SPC3:	img[13] = 3; break;
	case D_MEDIA:	img[21] = 0x12; break;
	case D_ROOTENTS0: put16(img + 17, 0); break;
	case D_START1:	if (e >= 0) put16(img + e + 26, 1); break;
	case D_DIRLOOP:
		e = root_entry(img, &l, "SUB        ");
		if (e >= 0)
			put16(img + l.fatoff + 2 * get16(img + e + 26),
			    get16(img + e + 26));
		break;
	case D_LFNCSUM:
		for (e = l.rootoff; e < l.dataoff; e += 32)
			if (img[e + 11] == 0x0f)
				img[e + 13] ^= 0x5a;
		break;
	case D_SIZEBIG:	if (e >= 0) img[e + 29] = 0x80; break;
	case D_TRUNC:	*truncp = l.dataoff + 3 * 512 + 100; break;
	case D_EMOJI:	set_lfn(img, &l, emoji, 6); break;
	case D_SURROGATE: set_lfn(img, &l, emoji, 1); break;
	default:	break;
	}
	if ((f = fopen(out, "wb")) == NULL)
		return -1;
	fwrite(img, 1, (size_t)*truncp, f);
	fclose(f);
	free(img);
	return 0;
}

/* Read a file in the image; returns bytes read, -1 with errno on error. */
static long
read_all(const char *path, char *buf, size_t size)
{
	long got = 0;
	ssize_t r;
	int fd;

	if ((fd = ak_sys_open(path, O_RDONLY)) < 0)
		return -1;
	while ((r = ak_sys_read(fd, buf + got, size - (size_t)got)) > 0)
		got += r;
	ak_sys_close(fd);
	return r < 0 ? -1 : got;
}

/* Walk everything, ignoring errors: must come back, not crash or hang. */
static void
walk_all(const char *path, int depth)
{
	AK_DIR *d;
	struct ak_dirent *de;
	char p[4096], buf[8192];
	struct stat st;

	if (depth > 8 || (d = ak_sys_opendir(path)) == NULL)
		return;
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		PATHF(p, "%s/%s", path, de->d_name);
		if (ak_sys_stat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk_all(p, depth + 1);
		else
			(void)read_all(p, buf, sizeof(buf));
	}
	ak_sys_closedir(d);
}

/* The checks of one damaged image, mounted on /bad. */
static void
check_damage(enum damage d, const char *orig)
{
	static char buf[200000];
	const char *what = damage_name[d];
	char want[4096];
	struct stat st;
	long n;

	n = read_all("/bad/a.bin", buf, sizeof(buf));
	switch (d) {
	case D_NONE:
		PATHF(want, "%s/ctree/a.bin", workdir);
		tcheck(n == 4096, "undamaged: a.bin read %ld", n);
		compare_data(want, "/bad/a.bin");
		tcheck(listed("/bad", "longname_file.txt") == 1 &&
		    listed("/bad/sub", "inner.txt") == 1, "undamaged names");
		break;
	case D_LOOP:
	case D_BEYOND:
	case D_FREE:
		tcheck(n < 0 && errno == EUCLEAN, "%s: read %ld (%s)", what, n,
		    strerror(errno));
		break;
	case D_START1:
		tcheck(ak_sys_stat("/bad/a.bin", &st) != 0 && errno == EUCLEAN,
		    "%s: stat: %s", what, strerror(errno));
		tcheck(listed("/bad", "a.bin") == 1, "%s: not listed", what);
		break;
	case D_DIRLOOP:
		tcheck(ak_sys_stat("/bad/sub", &st) != 0 && errno == EUCLEAN,
		    "%s: stat: %s", what, strerror(errno));
		break;
	case D_LFNCSUM:
		tcheck(listed("/bad", "longname_file.txt") == 0 &&
		    listed("/bad", "LONGNA~1.TXT") == 1,
		    "%s: no fallback to the short name", what);
		break;
	case D_EMOJI:
		tcheck(listed("/bad", "\xf0\x9f\x98\x80.txt") == 1,
		    "%s: U+1F600 not decoded", what);
		tcheck(ak_sys_stat("/bad/\xf0\x9f\x98\x80.TXT", &st) == 0,
		    "%s: lookup: %s", what, strerror(errno));
		break;
	case D_SURROGATE:
		tcheck(listed("/bad", "LONGNA~1.TXT") == 1,
		    "%s: no fallback to the short name", what);
		break;
	case D_SIZEBIG:
		tcheck(ak_sys_stat("/bad/a.bin", &st) == 0 &&
		    st.st_size > 4096, "%s: size", what);
		tcheck(n < 0 && errno == EUCLEAN, "%s: read %ld", what, n);
		break;
	default:
		break;
	}
	(void)orig;
	walk_all("/bad", 0);
}

/* The corruption sweep. */
void
test_corruption(void)
{
	char path[4096];
	long size;
	int d, rc;

	PATHF(path, "%s/damaged.img", workdir);
	for (d = D_NONE; d < D_NDAMAGE; d++) {
		if (make_damaged((enum damage)d, path, &size) != 0) {
			tcheck(false, "cannot build damaged image");
			return;
		}
		rc = mount_img("fatfs", path, "/bad", AK_MNT_RDONLY, NULL);
		switch (d) {
		case D_BPS0:
		case D_BPS3000:
		case D_SPC3:
		case D_MEDIA:
		case D_ROOTENTS0:
			tcheck(rc != 0, "%s: mounted", damage_name[d]);
			if (rc == 0)
				ak_sys_unmount("/bad", 0);
			continue;
		default:
			break;
		}
		if (rc != 0) {
			tcheck(false, "%s: mount: %s", damage_name[d],
			    strerror(errno));
			continue;
		}
		check_damage((enum damage)d, path);
		tcheck(ak_sys_unmount("/bad", 0) == 0, "%s: unmount",
		    damage_name[d]);
	}
}
