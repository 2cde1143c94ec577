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
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/ffs_test.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

char ffs_dir[1024];
char *ffs_hbuf, *ffs_kbuf;

/* makefs stores no holes: all data, then the end. */
static void
cmp_holes(const char *hpath, const char *kpath, const struct stat *hs,
    const struct stat *ks, void *arg)
{
	int kfd;

	if (!S_ISREG(hs->st_mode) || hs->st_size == 0)
		return;
	kfd = ak_sys_open(kpath, O_RDONLY);
	tcheck(kfd >= 0 && ak_sys_lseek(kfd, 0, SEEK_DATA) == 0 &&
	    ak_sys_lseek(kfd, 0, SEEK_HOLE) == hs->st_size,
	    "%s: SEEK_DATA/SEEK_HOLE", kpath);
	if (kfd >= 0)
		ak_sys_close(kfd);
}

/* The mounted image against the tree; the number of entries compared. */
static int
walk(const char *tree, const char *img)
{
	/* Around fragment and block boundaries and the indirect blocks. */
	static const off_t offs[] = { 1, 511, 4095, 8193, 49151, 98305,
	    786431, 1048577, 8999000, -1 };
	static const struct tcmp_opts o = {
		/* makefs keeps whole seconds: the nanoseconds must be 0. */
		.flags = TCMP_DOTS | TCMP_DTYPE | TCMP_DINO | TCMP_PERMS |
		    TCMP_OWNER | TCMP_MTIME | TCMP_MTIME_NS | TCMP_NLINK |
		    TCMP_DIRNLINK | TCMP_RDEV | TCMP_SYMLINK | TCMP_DATA |
		    TCMP_EOF | TCMP_HARDLINK,
		.offs = offs,
		.entry = cmp_holes,
	};
	int n;

	tc_prefix = img;
	n = tcmp_tree(tree, FFS_MNT, &o);
	tc_prefix = NULL;
	return n;
}

/*
 * The second oracle: each "TYPE INO:<tab>PATH" line of `fls -r -p`
 * against our lstat of that path.  SKIP if fls cannot read the image.
 */
static void
compare_fls(const char *img, int version, int nentries)
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
	int nentries;

	snprintf(path, sizeof(path), "%s/%s", ffs_dir, img);
	snprintf(tree, sizeof(tree), "%s/tree", ffs_dir);
	/* Read-write (the write half): mounts, and unmounts clean. */
	tcheck(ak_sys_mount("ffs", FFS_MNT, 0, path, NULL) == 0 &&
	    ak_sys_unmount(FFS_MNT, 0) == 0, "%s: read-write mount: %s",
	    img, strerror(errno));
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
	nentries = walk(tree, img);
	/* Every inode of the tree, and the root, is counted as used. */
	tcheck(sv.f_files - sv.f_ffree >= (unsigned long)nentries - 2,
	    "%s: %lu inodes used for %d entries", img,
	    sv.f_files - sv.f_ffree, nentries);
	compare_fls(img, version, nentries);
	tcheck(ak_sys_unmount(FFS_MNT, 0) == 0, "%s: unmount: %s", img,
	    strerror(errno));
	/* makefs's bitmaps, counts and links pass the driver's check. */
	tcheck(ak_sys_mount("ffs", FFS_MNT, AK_MNT_RDONLY, path, "check") ==
	    0 && ak_sys_unmount(FFS_MNT, 0) == 0, "%s: check: %s", img,
	    strerror(errno));
}

int
main(int argc, char **argv)
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
	rc = timages(argv[0], "tests/image/mkffs.sh", "FFS_IMGDIR", ffs_dir,
	    sizeof(ffs_dir));
	if (rc == 77)
		printf("SKIP: ffs images (makefs is not installed)\n");
	if (rc != 0) {
		tcheck(rc == 77, "mkffs.sh exited %d", rc);
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
