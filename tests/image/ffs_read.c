/*
 * ffs_read.c: the FFS driver read back against its source tree and The
 * Sleuth Kit.
 *
 * tests/image/mkffs.sh builds a source tree and images of it with
 * makefs (NetBSD's, as Debian packages it): UFS1 and UFS2, little- and
 * big-endian, block sizes 4 KiB to 64 KiB with their fragment sizes.
 * Each image is mounted read-only through libak (half of them by type
 * name, half by probing) and walked next to the tree, which is the
 * oracle (read through the host's C library): names, d_type, modes,
 * owners, sizes, link counts, mtimes (makefs keeps whole seconds),
 * device numbers, symlink targets, every byte of every file (whole and
 * at odd offsets), and hard links: two paths share an inode in the
 * image exactly when they do in the tree.  `fls -r -p` of The Sleuth Kit
 * is a second oracle for the inode number of every path, where it reads
 * the image (it does not read every geometry).
 *
 * Each image must also pass the driver's consistency check (mount
 * option "check").  ffs_corrupt.c adds damaged images and hand-patched
 * ones (holes, the triple indirect block, nanosecond times, extended
 * attributes) and damage the check must find.
 *
 * FFS_IMGDIR=DIR reuses images built before by mkffs.sh DIR.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/lib/tcheck.h"
#include "tests/image/ffs_test.h"

#define MAXNAMES	4096
#define MAXDEPTH	24
#define MAXLINKS	64

char ffs_dir[1024];
char *ffs_hbuf, *ffs_kbuf;
static const char *curimg = "";

/* Hard links: host inode to image inode, for files with nlink > 1. */
static struct { ino_t h; uint64_t k; } links[MAXLINKS];
static int nlinks;
static int nentries;

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
host_names(const char *path, char **names)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL && n < MAXNAMES)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			names[n++] = strdup(d->d_name);
	closedir(dir);
	qsort(names, n, sizeof(names[0]), cmpstr);
	return n;
}

/* The image's names, sorted, with d_type and d_ino; *ndots "." and "..". */
struct kent {
	char		*name;
	unsigned char	 type;
	uint64_t	 ino;
};

static int
cmpkent(const void *a, const void *b)
{
	return strcmp(((const struct kent *)a)->name,
	    ((const struct kent *)b)->name);
}

static int
ak_names(const char *path, struct kent *ents, int *ndots)
{
	struct ak_dirent *d;
	AK_DIR *dir;
	int n = 0;

	*ndots = 0;
	if ((dir = ak_sys_opendir(path)) == NULL)
		return -1;
	while ((d = ak_sys_readdir(dir)) != NULL && n < MAXNAMES) {
		if (strcmp(d->d_name, ".") == 0 ||
		    strcmp(d->d_name, "..") == 0) {
			(*ndots)++;
			continue;
		}
		ents[n].name = strdup(d->d_name);
		ents[n].type = d->d_type;
		ents[n++].ino = d->d_ino;
	}
	ak_sys_closedir(dir);
	qsort(ents, n, sizeof(ents[0]), cmpkent);
	return n;
}

static unsigned char
dtype_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR:	return DT_DIR;
	case S_IFREG:	return DT_REG;
	case S_IFLNK:	return DT_LNK;
	case S_IFCHR:	return DT_CHR;
	case S_IFBLK:	return DT_BLK;
	case S_IFIFO:	return DT_FIFO;
	case S_IFSOCK:	return DT_SOCK;
	default:	return DT_UNKNOWN;
	}
}

/* Every byte of a regular file, in chunks and at odd offsets. */
static void
compare_data(const char *hpath, const char *kpath, off_t size)
{
	static const off_t offs[] = { 1, 511, 4095, 8193, 49151, 98305,
	    786431, 1048577, 8999000 };
	int hfd = open(hpath, O_RDONLY), kfd = ak_sys_open(kpath, O_RDONLY);
	ssize_t hn, kn;
	off_t off;
	size_t i;

	tcheck(hfd >= 0 && kfd >= 0, "%s: %s: open: %s", curimg, kpath,
	    strerror(errno));
	if (hfd < 0 || kfd < 0)
		goto out;
	for (off = 0;; off += hn) {
		hn = pread(hfd, ffs_hbuf, FFS_CHUNK, off);
		kn = ak_sys_pread(kfd, ffs_kbuf, FFS_CHUNK, off);
		if (hn != kn || (hn > 0 && memcmp(ffs_hbuf, ffs_kbuf, hn))) {
			tcheck(false, "%s: %s: data differs at %lld: host "
			    "%zd, ak %zd (%s)", curimg, kpath, (long long)off,
			    hn, kn, kn < 0 ? strerror(errno) : "");
			goto out;
		}
		if (hn <= 0)
			break;
	}
	tcheck(true, "data");
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]) && offs[i] < size;
	    i++) {
		hn = pread(hfd, ffs_hbuf, 9000, offs[i]);
		kn = ak_sys_pread(kfd, ffs_kbuf, 9000, offs[i]);
		tcheck(hn == kn && (hn <= 0 || !memcmp(ffs_hbuf, ffs_kbuf, hn)),
		    "%s: %s: pread(9000, %lld): host %zd, ak %zd", curimg,
		    kpath, (long long)offs[i], hn, kn);
	}
	if (size > 0) {
		/* makefs stores no holes: all data, then the end. */
		tcheck(ak_sys_lseek(kfd, 0, SEEK_DATA) == 0 &&
		    ak_sys_lseek(kfd, 0, SEEK_HOLE) == size, "%s: %s: "
		    "SEEK_DATA/SEEK_HOLE", curimg, kpath);
	}
	kn = ak_sys_pread(kfd, ffs_kbuf, 10, size + 5);
	tcheck(kn == 0, "%s: %s: read past EOF gave %zd", curimg, kpath, kn);
out:
	if (hfd >= 0)
		close(hfd);
	if (kfd >= 0)
		ak_sys_close(kfd);
}

/* Paths share an image inode exactly when they share a host inode. */
static void
check_link(const struct stat *hs, const struct stat *ks, const char *kpath)
{
	int i;

	if (hs->st_nlink < 2 || S_ISDIR(hs->st_mode))
		return;
	for (i = 0; i < nlinks; i++) {
		if (links[i].h == hs->st_ino || links[i].k == ks->st_ino) {
			tcheck(links[i].h == hs->st_ino &&
			    links[i].k == ks->st_ino, "%s: %s: hard link "
			    "inode %llu", curimg, kpath,
			    (unsigned long long)ks->st_ino);
			return;
		}
	}
	if (nlinks < MAXLINKS) {
		links[nlinks].h = hs->st_ino;
		links[nlinks++].k = ks->st_ino;
	}
}

static void
compare_entry(const char *hpath, const char *kpath)
{
	struct stat hs, ks;
	char ht[PATH_MAX], kt[PATH_MAX];
	ssize_t hn, kn;

	if (lstat(hpath, &hs) != 0 || ak_sys_lstat(kpath, &ks) != 0) {
		tcheck(false, "%s: %s: lstat: %s", curimg, kpath,
		    strerror(errno));
		return;
	}
	nentries++;
	tcheck(hs.st_mode == ks.st_mode, "%s: %s: mode %o, want %o", curimg,
	    kpath, ks.st_mode, hs.st_mode);
	tcheck(ks.st_uid == hs.st_uid && ks.st_gid == hs.st_gid, "%s: %s: "
	    "owner %u:%u, want %u:%u", curimg, kpath, ks.st_uid, ks.st_gid,
	    hs.st_uid, hs.st_gid);
	/* makefs keeps whole seconds; the nanoseconds must then be 0. */
	tcheck(ks.st_mtim.tv_sec == hs.st_mtim.tv_sec &&
	    (ks.st_mtim.tv_nsec == 0 ||
	    ks.st_mtim.tv_nsec == hs.st_mtim.tv_nsec), "%s: %s: mtime "
	    "%lld.%09ld, want %lld", curimg, kpath,
	    (long long)ks.st_mtim.tv_sec, ks.st_mtim.tv_nsec,
	    (long long)hs.st_mtim.tv_sec);
	tcheck(ks.st_nlink == hs.st_nlink, "%s: %s: nlink %lu, want %lu",
	    curimg, kpath, (unsigned long)ks.st_nlink,
	    (unsigned long)hs.st_nlink);
	if (!S_ISDIR(hs.st_mode))
		tcheck(ks.st_size == hs.st_size, "%s: %s: size %lld, want "
		    "%lld", curimg, kpath, (long long)ks.st_size,
		    (long long)hs.st_size);
	if (S_ISCHR(hs.st_mode) || S_ISBLK(hs.st_mode))
		tcheck(major(ks.st_rdev) == major(hs.st_rdev) &&
		    minor(ks.st_rdev) == minor(hs.st_rdev), "%s: %s: rdev "
		    "%u,%u, want %u,%u", curimg, kpath, major(ks.st_rdev),
		    minor(ks.st_rdev), major(hs.st_rdev), minor(hs.st_rdev));
	if (S_ISLNK(hs.st_mode)) {
		hn = readlink(hpath, ht, sizeof(ht));
		kn = ak_sys_readlink(kpath, kt, sizeof(kt));
		tcheck(hn == kn && hn > 0 && memcmp(ht, kt, hn) == 0,
		    "%s: %s: symlink target differs (%zd/%zd)", curimg,
		    kpath, hn, kn);
	}
	check_link(&hs, &ks, kpath);
	if (S_ISREG(hs.st_mode))
		compare_data(hpath, kpath, hs.st_size);
}

static void
walk(const char *hdir, const char *kdir, int depth)
{
	static struct kent kn[MAXDEPTH + 1][MAXNAMES];
	char *hn[MAXNAMES];
	char hp[PATH_MAX], kp[PATH_MAX];
	struct kent *k = kn[depth];
	struct stat hs, ks;
	int nh, nk, i, ndots;

	if (depth > MAXDEPTH)
		return;
	nh = host_names(hdir, hn);
	nk = ak_names(kdir, k, &ndots);
	tcheck(nk == nh, "%s: %s: %d entries, want %d (%s)", curimg, kdir,
	    nk, nh, nk < 0 ? strerror(errno) : "");
	tcheck(ndots == 2, "%s: %s: %d dot entries", curimg, kdir, ndots);
	for (i = 0; i < nh && i < nk; i++) {
		if (strcmp(hn[i], k[i].name) != 0) {
			tcheck(false, "%s: %s: entry %d is %s, want %s", curimg,
			    kdir, i, k[i].name, hn[i]);
			break;
		}
		snprintf(hp, sizeof(hp), "%s/%s", hdir, hn[i]);
		snprintf(kp, sizeof(kp), "%s/%s", kdir, k[i].name);
		if (lstat(hp, &hs) != 0)
			continue;
		tcheck(k[i].type == dtype_of(hs.st_mode), "%s: %s: d_type %u",
		    curimg, kp, k[i].type);
		compare_entry(hp, kp);
		tcheck(ak_sys_lstat(kp, &ks) == 0 && ks.st_ino == k[i].ino,
		    "%s: %s: d_ino %llu", curimg, kp,
		    (unsigned long long)k[i].ino);
		if (S_ISDIR(hs.st_mode))
			walk(hp, kp, depth + 1);
	}
	for (i = 0; i < nh; i++)
		free(hn[i]);
	for (i = 0; i < nk; i++)
		free(k[i].name);
}

/*
 * The second oracle: each "TYPE INO:<tab>PATH" line of `fls -r -p`
 * against our lstat of that path.  SKIP if fls cannot read the image.
 */
static void
compare_fls(const char *img, int version)
{
	char cmd[4096], line[4096], path[PATH_MAX + 8], *tab, *colon;
	struct stat ks;
	int lines = 0, bad = 0;
	unsigned long long ino;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "fls -r -p -f ufs%d '%s/%s' 2>/dev/null",
	    version, ffs_dir, img);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((tab = strchr(line, '\t')) == NULL ||
		    (colon = strchr(line, ':')) == NULL || colon > tab ||
		    strchr(line, '*') != NULL || tab[1] == '$')
			continue;
		ino = strtoull(line + 4, NULL, 10);
		snprintf(path, sizeof(path), FFS_MNT "/%s", tab + 1);
		lines++;
		if (ak_sys_lstat(path, &ks) != 0 || ks.st_ino != ino) {
			if (bad++ < 5)
				tcheck(false, "%s: fls: %s is inode %llu, ak "
				    "says %llu", img, tab + 1, ino,
				    (unsigned long long)ks.st_ino);
		}
	}
	if (pclose(f) != 0 || lines == 0) {
		printf("SKIP: %s: fls oracle (The Sleuth Kit finds no UFS%d "
		    "superblock: it looks for UFS2 at 64 KiB only)\n", img,
		    version);
		return;
	}
	tcheck(bad == 0 && lines == nentries, "%s: fls: %d paths, %d bad, "
	    "the walk saw %d", img, lines, bad, nentries);
}

/* Mount one image (by name or by probing), compare, unmount. */
static void
check_image(const char *img, int version, int bsize, int fsize, bool probe)
{
	char path[2048], tree[2048];
	struct statvfs sv;

	snprintf(path, sizeof(path), "%s/%s", ffs_dir, img);
	snprintf(tree, sizeof(tree), "%s/tree", ffs_dir);
	curimg = img;
	nlinks = nentries = 0;
	tcheck(ak_sys_mount("ffs", FFS_MNT, 0, path, NULL) != 0 &&
	    errno == EROFS, "%s: read-write mount: %s", img, strerror(errno));
	if (ak_sys_mount(probe ? NULL : (version == 1 ? "ufs1" : "ffs"),
	    FFS_MNT, AK_MNT_RDONLY, path, NULL) != 0) {
		tcheck(false, "%s: mount: %s", img, strerror(errno));
		return;
	}
	tcheck(ak_sys_statvfs(FFS_MNT, &sv) == 0 &&
	    sv.f_bsize == (unsigned long)bsize &&
	    sv.f_frsize == (unsigned long)fsize && sv.f_blocks > 0 &&
	    sv.f_bfree < sv.f_blocks && sv.f_ffree < sv.f_files,
	    "%s: statvfs %lu/%lu blocks %lu free %lu files %lu free %lu", img,
	    sv.f_bsize, sv.f_frsize, sv.f_blocks, sv.f_bfree, sv.f_files,
	    sv.f_ffree);
	walk(tree, FFS_MNT, 0);
	/* Every inode of the tree, and the root, is counted as used. */
	tcheck(sv.f_files - sv.f_ffree >= (unsigned long)nentries - 2,
	    "%s: %lu inodes used for %d entries", img,
	    sv.f_files - sv.f_ffree, nentries);
	compare_fls(img, version);
	tcheck(ak_sys_unmount(FFS_MNT, 0) == 0, "%s: unmount: %s", img,
	    strerror(errno));
	/* makefs's bitmaps, counts and links pass the driver's check. */
	tcheck(ak_sys_mount("ffs", FFS_MNT, AK_MNT_RDONLY, path, "check") ==
	    0 && ak_sys_unmount(FFS_MNT, 0) == 0, "%s: check: %s", img,
	    strerror(errno));
}

static int
setup(void)
{
	const char *reuse = getenv("FFS_IMGDIR"), *base = getenv("AK_TESTDIR");
	char tmpl[] = "/tmp/ffs_read.XXXXXX";
	int rc;

	if (reuse != NULL) {
		snprintf(ffs_dir, sizeof(ffs_dir), "%s", reuse);
		return 0;
	}
	if (base == NULL && (base = mkdtemp(tmpl)) == NULL)
		return -1;
	snprintf(ffs_dir, sizeof(ffs_dir), "%s/ffs", base);
	rc = tsh("sh tests/image/mkffs.sh '%s'", ffs_dir);
	if (rc == 77) {
		printf("SKIP: ffs images (makefs is not installed)\n");
		return 1;
	}
	return rc == 0 ? 0 : -1;
}

int
main(void)
{
	char line[2048], img[256];
	int version, bsize, fsize, n = 0, rc;
	char endian[8];
	FILE *f;

	alarm(900);
	ffs_hbuf = malloc(FFS_CHUNK);
	ffs_kbuf = malloc(FFS_CHUNK);
	if (ffs_hbuf == NULL || ffs_kbuf == NULL || ak_init() != 0 ||
	    ak_sys_mkdir(FFS_MNT, 0755) != 0) {
		printf("FAIL: ffs_read: set-up\n");
		return 1;
	}
	if ((rc = setup()) != 0) {
		tcheck(rc > 0, "mkffs.sh failed");
		return tsummary("ffs_read");
	}
	snprintf(line, sizeof(line), "%s/images.txt", ffs_dir);
	if ((f = fopen(line, "r")) == NULL) {
		tcheck(false, "%s: %s", line, strerror(errno));
		return tsummary("ffs_read");
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%255s %d %7s %d %d", img, &version, endian,
		    &bsize, &fsize) != 5)
			continue;
		check_image(img, version, bsize, fsize, (n++ & 1) != 0);
		/* 17 MiB each: keep the scratch space small (unless reused). */
		if (getenv("FFS_IMGDIR") == NULL) {
			snprintf(line, sizeof(line), "%s/%s", ffs_dir, img);
			unlink(line);
		}
	}
	fclose(f);
	tcheck(n == 20, "%d images made, want 20", n);
	ffs_corrupt_tests();
	return tsummary("ffs_read");
}
