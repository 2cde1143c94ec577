/*
 * fat_read.c: read FAT images made by the reference tools through the
 * fatfs driver and compare everything with the source tree they were
 * made from.
 *
 * tests/image/mkfat.sh builds the trees and the images (mkfs.fat -C and
 * mcopy -s -m, FAT12/16/32, 512 and 4096-byte sectors, clusters of 512 B
 * to 64 KiB).  Each image is mounted read-only with ak_sys_mount and
 * walked together with its tree: directory listings both ways (exact
 * names, case included), types, sizes, every byte, mtimes (rounded down
 * to FAT's 2 seconds), "..".  mtools is the second oracle: the short
 * names mshortname reports must resolve to the same files, and the free
 * space mdir reports must match statvfs.  Then mount options (uid, gid,
 * masks, tz), the read-only refusal, probing and aliases, and a
 * corruption sweep over a damaged small image: every damage must give
 * an error (or a fallback the format defines), never a crash or a hang.
 * The write tests are in fat_write.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/fat_test.h"

#define SKIP_RC		77	/* mkfat.sh: tools missing */
int npass, nfail;
char workdir[4096];
int compare_mtime = 1;		/* write tests: the model's mtimes differ */

void
fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	nfail++;
}

/* Count a check: pass if ok, else print the message. */
void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		npass++;
		return;
	}
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	nfail++;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of a host directory, sorted; returns the count. */
static int
host_names(const char *path, char **names)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < MAXNAMES)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmpstr);
	return n;
}

/* Names of a directory in the image, sorted; sets *dots to 2 if "." and
 * ".." were both listed. */
int
ak_names(const char *path, char **names, int *dots)
{
	AK_DIR *d = ak_sys_opendir(path);
	struct ak_dirent *de;
	int n = 0;

	*dots = 0;
	if (d == NULL)
		return -1;
	while ((de = ak_sys_readdir(d)) != NULL && n < MAXNAMES) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			(*dots)++;
		else
			names[n++] = strdup(de->d_name);
	}
	ak_sys_closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmpstr);
	return n;
}

void
free_names(char **names, int n)
{
	while (n-- > 0)
		free(names[n]);
}

/* Read a whole host file; returns its size or -1. */
static long
host_slurp(const char *path, char **bufp)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	*bufp = malloc((size_t)size + 1);
	if (fread(*bufp, 1, (size_t)size, f) != (size_t)size)
		size = -1;
	fclose(f);
	return size;
}

/*
 * Compare the contents of a file: sequential reads in an odd chunk size
 * (so reads straddle clusters), then a pread in the middle.
 */
void
compare_data(const char *hpath, const char *apath)
{
	char *hbuf, *abuf;
	long hsize = host_slurp(hpath, &hbuf);
	long got = 0;
	ssize_t r;
	int fd;

	if (hsize < 0) {
		fail("%s: cannot read host file", hpath);
		return;
	}
	abuf = malloc((size_t)hsize + 70000);
	if ((fd = ak_sys_open(apath, O_RDONLY)) < 0) {
		fail("%s: open: %s", apath, strerror(errno));
		goto out;
	}
	while ((r = ak_sys_read(fd, abuf + got, 65537)) > 0)
		got += r;
	check(r == 0 && got == hsize && memcmp(hbuf, abuf, (size_t)hsize) == 0,
	    "%s: contents differ (read %ld of %ld, last %zd: %s)", apath, got,
	    hsize, r, r < 0 ? strerror(errno) : "");
	if (hsize > 10) {
		r = ak_sys_pread(fd, abuf, (size_t)hsize / 2, hsize / 3);
		check(r == hsize / 2 &&
		    memcmp(abuf, hbuf + hsize / 3, (size_t)r) == 0,
		    "%s: pread at %ld differs", apath, hsize / 3);
	}
	ak_sys_close(fd);
out:
	free(hbuf);
	free(abuf);
}

/* Compare one entry (not a directory's contents). */
static void
compare_entry(const char *hpath, const char *apath, struct stat *ast)
{
	struct stat hst;

	if (lstat(hpath, &hst) != 0 || ak_sys_lstat(apath, ast) != 0) {
		fail("%s: stat: %s", apath, strerror(errno));
		return;
	}
	check((S_ISDIR(hst.st_mode) && S_ISDIR(ast->st_mode)) ||
	    (S_ISREG(hst.st_mode) && S_ISREG(ast->st_mode)),
	    "%s: type %o, host %o", apath, ast->st_mode, hst.st_mode);
	if (!S_ISREG(hst.st_mode))
		return;
	check(ast->st_size == hst.st_size, "%s: size %lld, host %lld", apath,
	    (long long)ast->st_size, (long long)hst.st_size);
	check(!compare_mtime || ast->st_mtime == (hst.st_mtime & ~(time_t)1),
	    "%s: mtime %lld, host %lld", apath, (long long)ast->st_mtime,
	    (long long)hst.st_mtime);
	compare_data(hpath, apath);
}

/* Compare directory trees recursively. */
void
compare_dir(const char *hdir, const char *adir, ino_t parentino)
{
	char **hn = calloc(MAXNAMES, sizeof(char *));
	char **an = calloc(MAXNAMES, sizeof(char *));
	char hp[4096], ap[4096];
	struct stat ast, dst;
	int nh, na, dots, i;

	nh = host_names(hdir, hn);
	na = ak_names(adir, an, &dots);
	check(na >= 0 && dots == 2, "%s: listing (%d names, %d dots): %s",
	    adir, na, dots, strerror(errno));
	check(nh == na, "%s: %d names, host %d", adir, na, nh);
	for (i = 0; i < nh && i < na; i++)
		if (strcmp(hn[i], an[i]) != 0) {
			fail("%s: name \"%s\", host \"%s\"", adir, an[i], hn[i]);
			break;
		}
	PATHF(ap, "%s/..", adir);
	if (parentino != 0)
		check(ak_sys_stat(ap, &dst) == 0 && dst.st_ino == parentino,
		    "%s: \"..\" is not the parent", adir);
	if (ak_sys_stat(adir, &dst) != 0)
		fail("%s: stat", adir);
	for (i = 0; i < nh; i++) {
		PATHF(hp, "%s/%s", hdir, hn[i]);
		PATHF(ap, "%s/%s", adir, hn[i]);
		compare_entry(hp, ap, &ast);
		if (S_ISDIR(ast.st_mode))
			compare_dir(hp, ap, dst.st_ino);
	}
	free_names(hn, nh);
	free_names(an, na > 0 ? na : 0);
	free(hn);
	free(an);
}

/* Same file? (stat both, compare inode numbers) */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return ak_sys_stat(a, &sa) == 0 && ak_sys_stat(b, &sb) == 0 &&
	    sa.st_ino == sb.st_ino;
}

/* Case-insensitive lookup and mtools' short names. */
static void
check_names(const char *img, const char *mnt)
{
	char a[4096], b[4096], line[4096], *f1, *f2, *f3;
	struct stat st;
	FILE *f;

	PATHF(a, "%s/hello.txt", mnt);
	PATHF(b, "%s/HELLO.TXT", mnt);
	check(same_file(a, b), "%s: HELLO.TXT is not hello.txt", img);
	PATHF(a, "%s/This is a long file name.txt", mnt);
	PATHF(b, "%s/this IS A long FILE name.TXT", mnt);
	check(same_file(a, b), "%s: long name lookup ignoring case", img);
	PATHF(a, "%s/CAFÉ.TXT", mnt);
	PATHF(b, "%s/café.txt", mnt);
	check(same_file(a, b), "%s: Latin-1 case folding", img);
	PATHF(a, "%s/no such file", mnt);
	check(ak_sys_stat(a, &st) != 0 && errno == ENOENT,
	    "%s: missing file: %s", img, strerror(errno));
	PATHF(a, "%s/short.txt", workdir);
	if ((f = fopen(a, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		f1 = strtok(line, "\t");
		f2 = strtok(NULL, "\t");
		f3 = strtok(NULL, "\t");
		if (f1 == NULL || f2 == NULL || f3 == NULL ||
		    strcmp(f1, img) != 0)
			continue;
		if (strspn(f3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._") !=
		    strlen(f3))
			continue;	/* mtools printed it in its charset */
		PATHF(a, "%s/%s", mnt, f2);
		PATHF(b, "%s/%s", mnt, f2);
		if (strrchr(b, '/') > b + strlen(mnt))
			strcpy(strrchr(b, '/') + 1, f3);
		else
			PATHF(b, "%s/%s", mnt, f3);
		check(same_file(a, b), "%s: short name %s is not %s", img, b,
		    a);
	}
	fclose(f);
}

/* Free bytes as mdir reports them (-1 if unknown). */
static long long
mdir_free(const char *img)
{
	char cmd[8192], line[512], digits[64];
	long long v = -1;
	size_t i, n;
	FILE *p;

	PATHF(cmd, "MTOOLS_SKIP_CHECK=1 mdir -i '%s' :: "
	    "2>/dev/null", img);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (strstr(line, "bytes free") == NULL)
			continue;
		for (i = n = 0; line[i] != '\0' && n < sizeof(digits) - 1; i++)
			if (line[i] >= '0' && line[i] <= '9')
				digits[n++] = line[i];
		digits[n] = '\0';
		v = atoll(digits);
	}
	pclose(p);
	return v;
}

/* statvfs against mdir, and the xattrs. */
static void
check_fs(const char *img, const char *imgpath, const char *mnt)
{
	struct statvfs sv;
	char val[64], path[4096];
	long long mfree = mdir_free(imgpath);
	ssize_t n;

	if (ak_sys_statvfs(mnt, &sv) != 0) {
		fail("%s: statvfs: %s", img, strerror(errno));
		return;
	}
	if (mfree >= 0)
		check((long long)sv.f_bfree * (long long)sv.f_frsize == mfree,
		    "%s: free %llu x %lu, mdir says %lld", img,
		    (unsigned long long)sv.f_bfree, sv.f_frsize, mfree);
	n = ak_sys_getxattr(mnt, "user.fat.label", val, sizeof(val) - 1);
	check(n == 7 && memcmp(val, "TESTVOL", 7) == 0, "%s: label (%zd)",
	    img, n);
	PATHF(path, "%s/case1", mnt);
	n = ak_sys_getxattr(path, "user.fat.attr", val, sizeof(val) - 1);
	check(n == 4 && memcmp(val, "0x10", 4) == 0, "%s: dir attribute",
	    img);
}

/* Mount imgpath on mnt (a new directory) with type and options. */
int
mount_img(const char *type, const char *imgpath, const char *mnt, int flags,
    const char *opts)
{
	if (ak_sys_mkdir(mnt, 0755) != 0 && errno != EEXIST)
		return -1;
	return ak_sys_mount(type, mnt, flags, imgpath, opts);
}

/* Read every image of images.txt and compare it with its tree. */
static void
test_images(void)
{
	char path[4096], line[512], imgpath[4096], mnt[600], tree[4096];
	char img[256], treename[256];
	FILE *f;
	int i = 0;

	PATHF(path, "%s/images.txt", workdir);
	if ((f = fopen(path, "r")) == NULL) {
		fail("no %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%255s %255s", img, treename) != 2)
			continue;
		PATHF(imgpath, "%s/%s", workdir, img);
		PATHF(tree, "%s/%s", workdir, treename);
		PATHF(mnt, "/img%d", i++);
		if (mount_img("fatfs", imgpath, mnt, AK_MNT_RDONLY, NULL) != 0) {
			fail("%s: mount: %s", img, strerror(errno));
			continue;
		}
		compare_dir(tree, mnt, 0);
		check_names(img, mnt);
		check_fs(img, imgpath, mnt);
		check(ak_sys_unmount(mnt, 0) == 0, "%s: unmount: %s", img,
		    strerror(errno));
		printf("%s: compared\n", img);
	}
	fclose(f);
}

/* Mount options, probing, aliases, the read-only refusal. */
static void
test_options(void)
{
	char imgpath[4096], hpath[4096];
	struct stat st, hst;
	int fd;

	PATHF(imgpath, "%s/fat12_512_s1.img", workdir);
	PATHF(hpath, "%s/small/hello.txt", workdir);
	if (stat(hpath, &hst) != 0) {
		fail("no %s", hpath);
		return;
	}
	check(mount_img("fatfs", imgpath, "/opt1", AK_MNT_RDONLY,
	    "uid=1234,gid=567,fmask=133,dmask=022,tz=60") == 0,
	    "mount with options: %s", strerror(errno));
	check(ak_sys_stat("/opt1/hello.txt", &st) == 0 &&
	    st.st_uid == 1234 && st.st_gid == 567 &&
	    (st.st_mode & 07777) == 0644 &&
	    st.st_mtime == (hst.st_mtime & ~(time_t)1) - 3600,
	    "uid/gid/fmask/tz: uid %u gid %u mode %o mtime %lld",
	    st.st_uid, st.st_gid, st.st_mode, (long long)st.st_mtime);
	check(ak_sys_stat("/opt1/case1", &st) == 0 &&
	    (st.st_mode & 07777) == 0755 && S_ISDIR(st.st_mode),
	    "dmask: mode %o", st.st_mode);
	ak_sys_unmount("/opt1", 0);
	check(mount_img("fatfs", imgpath, "/opt2", AK_MNT_RDONLY,
	    "nosuchoption=1") != 0 && errno == EINVAL,
	    "unknown option accepted");
	/* Probed, by alias, and read-only: writes refused. */
	check(mount_img(NULL, imgpath, "/opt3", AK_MNT_RDONLY, NULL) == 0,
	    "probe: %s", strerror(errno));
	check(ak_sys_stat("/opt3/hello.txt", &st) == 0 &&
	    (st.st_mode & 07777) == 0644, "default mode %o", st.st_mode);
	fd = ak_sys_open("/opt3/new.txt", O_CREAT | O_WRONLY, 0644);
	check(fd < 0 && errno == EROFS, "create on fatfs: %d %s", fd,
	    strerror(errno));
	check(ak_sys_unlink("/opt3/hello.txt") != 0 && errno == EROFS,
	    "unlink on fatfs: %s", strerror(errno));
	fd = ak_sys_open("/opt3/hello.txt", O_RDONLY);
	check(fd >= 0 && ak_sys_fsync(fd) == 0, "fsync read-only: %s",
	    strerror(errno));
	ak_sys_close(fd);
	ak_sys_unmount("/opt3", 0);
	check(mount_img("vfat", imgpath, "/opt4", AK_MNT_RDONLY, NULL) == 0 &&
	    ak_sys_unmount("/opt4", 0) == 0, "alias vfat");
	check(mount_img("msdos", imgpath, "/opt5", AK_MNT_RDONLY, NULL) == 0 &&
	    ak_sys_unmount("/opt5", 0) == 0, "alias msdos");
}

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

/* Is name in the listing of dir? */
int
listed(const char *dir, const char *name)
{
	AK_DIR *d = ak_sys_opendir(dir);
	struct ak_dirent *de;
	int found = 0;

	if (d == NULL)
		return -1;
	while ((de = ak_sys_readdir(d)) != NULL)
		found |= strcmp(de->d_name, name) == 0;
	ak_sys_closedir(d);
	return found;
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
		check(n == 4096, "undamaged: a.bin read %ld", n);
		compare_data(want, "/bad/a.bin");
		check(listed("/bad", "longname_file.txt") == 1 &&
		    listed("/bad/sub", "inner.txt") == 1, "undamaged names");
		break;
	case D_LOOP:
	case D_BEYOND:
	case D_FREE:
		check(n < 0 && errno == EUCLEAN, "%s: read %ld (%s)", what, n,
		    strerror(errno));
		break;
	case D_START1:
		check(ak_sys_stat("/bad/a.bin", &st) != 0 && errno == EUCLEAN,
		    "%s: stat: %s", what, strerror(errno));
		check(listed("/bad", "a.bin") == 1, "%s: not listed", what);
		break;
	case D_DIRLOOP:
		check(ak_sys_stat("/bad/sub", &st) != 0 && errno == EUCLEAN,
		    "%s: stat: %s", what, strerror(errno));
		break;
	case D_LFNCSUM:
		check(listed("/bad", "longname_file.txt") == 0 &&
		    listed("/bad", "LONGNA~1.TXT") == 1,
		    "%s: no fallback to the short name", what);
		break;
	case D_EMOJI:
		check(listed("/bad", "\xf0\x9f\x98\x80.txt") == 1,
		    "%s: U+1F600 not decoded", what);
		check(ak_sys_stat("/bad/\xf0\x9f\x98\x80.TXT", &st) == 0,
		    "%s: lookup: %s", what, strerror(errno));
		break;
	case D_SURROGATE:
		check(listed("/bad", "LONGNA~1.TXT") == 1,
		    "%s: no fallback to the short name", what);
		break;
	case D_SIZEBIG:
		check(ak_sys_stat("/bad/a.bin", &st) == 0 &&
		    st.st_size > 4096, "%s: size", what);
		check(n < 0 && errno == EUCLEAN, "%s: read %ld", what, n);
		break;
	default:
		break;
	}
	(void)orig;
	walk_all("/bad", 0);
}

/* The corruption sweep. */
static void
test_corruption(void)
{
	char path[4096];
	long size;
	int d, rc;

	PATHF(path, "%s/damaged.img", workdir);
	for (d = D_NONE; d < D_NDAMAGE; d++) {
		if (make_damaged((enum damage)d, path, &size) != 0) {
			fail("cannot build damaged image");
			return;
		}
		rc = mount_img("fatfs", path, "/bad", AK_MNT_RDONLY, NULL);
		switch (d) {
		case D_BPS0:
		case D_BPS3000:
		case D_SPC3:
		case D_MEDIA:
		case D_ROOTENTS0:
			check(rc != 0, "%s: mounted", damage_name[d]);
			if (rc == 0)
				ak_sys_unmount("/bad", 0);
			continue;
		default:
			break;
		}
		if (rc != 0) {
			fail("%s: mount: %s", damage_name[d], strerror(errno));
			continue;
		}
		check_damage((enum damage)d, path);
		check(ak_sys_unmount("/bad", 0) == 0, "%s: unmount",
		    damage_name[d]);
	}
}

/*
 * With writing switched off (AK_FATFS_WRITE=0) the type does not claim
 * VFSCAP_WRITE: a read-write mount is refused with EROFS, a read-only
 * one refuses writes.
 */
static void
test_write_off(void)
{
	char imgpath[4400];
	int fd, rc;

	PATHF(imgpath, "%s/fat12_512_s1.img", workdir);
	check(ak_fscaps("fatfs") >= 0 &&
	    !(ak_fscaps("fatfs") & AK_FSCAP_WRITE), "write capability");
	rc = mount_img("fatfs", imgpath, "/off", 0, NULL);
	check(rc != 0 && errno == EROFS, "read-write mount: %d", rc);
	rc = mount_img("fatfs", imgpath, "/off", AK_MNT_RDONLY, NULL);
	check(rc == 0, "read-only mount: %s", strerror(errno));
	fd = ak_sys_open("/off/new.txt", O_CREAT | O_WRONLY, 0644);
	check(fd < 0 && errno == EROFS, "create with writes off: %d %s", fd,
	    strerror(errno));
	check(ak_sys_unlink("/off/hello.txt") != 0 && errno == EROFS,
	    "unlink with writes off: %s", strerror(errno));
	ak_sys_unmount("/off", 0);
}

/*
 * Run fn in a child process whose kernel starts with AK_FATFS_WRITE set
 * to val; add its counts to ours.
 */
static void
run_child(const char *val, void (*fn)(void))
{
	int fds[2], st, wp = 0, wf = 0;
	FILE *r;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		fail("fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		setenv("AK_FATFS_WRITE", val, 1);
		if (ak_init() != 0)
			_exit(2);
		npass = nfail = 0;
		fn();
		ak_fini();
		dprintf(fds[1], "%d %d\n", npass, nfail);
		_exit(0);
	}
	close(fds[1]);
	r = fdopen(fds[0], "r");
	if (r == NULL || fscanf(r, "%d %d", &wp, &wf) != 2)
		wf = 1;
	if (r != NULL)
		fclose(r);
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child died (status "
	    "%#x)", st);
	npass += wp;
	nfail += wf;
}

/* Find tests/image/mkfat.sh: $AK_SRCDIR, the current directory, or
 * three levels above this program (BUILD/tests/image/fat_read). */
static int
find_script(const char *argv0, char *out, size_t size)
{
	const char *src = getenv("AK_SRCDIR");
	char dir[4096], *slash;

	if (src != NULL) {
		if (snprintf(out, size, "%s/tests/image/mkfat.sh", src) >=
		    (int)size)
			return -1;
		return access(out, R_OK);
	}
	snprintf(out, size, "tests/image/mkfat.sh");
	if (access(out, R_OK) == 0)
		return 0;
	PATHF(dir, "%s", argv0);
	if ((slash = strrchr(dir, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (snprintf(out, size, "%s/../../../tests/image/mkfat.sh", dir) >=
	    (int)size)
		return -1;
	return access(out, R_OK);
}

int
main(int argc, char **argv)
{
	const char *tmp = getenv("AK_TESTDIR");
	char script[4096], cmd[12288];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (find_script(argv[0], script, sizeof(script)) != 0) {
		printf("SKIP: fat images (mkfat.sh not found)\n");
		printf("fat_read: 0 passed, 0 failed\n");
		return 0;
	}
	PATHF(workdir, "%s/fatimg.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(workdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	PATHF(cmd, "sh '%s' '%s/w' >'%s/mkfat.log' 2>&1",
	    script, workdir, workdir);
	rc = system(cmd);
	strcat(workdir, "/w");
	if (WIFEXITED(rc) && WEXITSTATUS(rc) == SKIP_RC) {
		printf("SKIP: fat images (dosfstools or mtools missing)\n");
		printf("fat_read: 0 passed, 0 failed\n");
		return 0;
	}
	if (rc != 0) {
		printf("FAIL: mkfat.sh exited %d\n", rc);
		printf("fat_read: 0 passed, 1 failed\n");
		return 1;
	}
	run_child("0", test_write_off);
	if (ak_init() != 0) {
		perror("ak_init");
		return 1;
	}
	check(ak_fscaps("fatfs") >= 0 && (ak_fscaps("fatfs") & AK_FSCAP_WRITE),
	    "no write capability by default");
	test_images();
	test_options();
	test_corruption();
	test_write();
	ak_fini();
	if (getenv("AK_KEEP") == NULL) {
		PATHF(cmd, "rm -rf '%.4000s'", workdir);
		strcpy(strrchr(cmd, '/'), "'");
		if (system(cmd) != 0)
			printf("fat_read: could not remove %s\n", workdir);
	}
	printf("fat_read: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
