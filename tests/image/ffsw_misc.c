/*
 * ffsw_misc.c: the special cases of ffs_write: a file unlinked while
 * open, and a full file system (the paths that give an inode or a
 * directory block back when a create cannot finish).
 */
#include <sys/types.h>
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

#include "tests/lib/tcheck.h"
#include "tests/image/ffsw.h"

/* A small empty image by makefs (version 1 or 2), an inode per 4 KiB. */
static int
mksmall(const char *img, int version, const char *size)
{
	char tree[PATH_MAX];

	snprintf(tree, sizeof(tree), "%s/empty", fw_work);
	mkdir(tree, 0755);
	unlink(img);
	return tsh("makefs -t ffs -o version=%d,bsize=4096,fsize=512,"
	    "density=4096 -s %s '%s' '%s' >/dev/null 2>&1", version, size,
	    img, tree);
}

static bool
free_counts(struct statvfs *sv)
{
	return ak_sys_statvfs(MNT, sv) == 0;
}

/*
 * A file unlinked while open keeps its inode and blocks until closed:
 * written and read through the descriptor, then freed (the free counts
 * come back, the check passes).
 */
void
fw_test_open_unlinked(int version)
{
	static char buf[100000], back[100000];
	char img[PATH_MAX];
	struct statvfs a, b;
	struct stat st;
	size_t i;
	int fd;

	tc_prefix = version == 1 ? "open-unlinked ufs1" : "open-unlinked ufs2";
	snprintf(img, sizeof(img), "%s/ou.img", fw_work);
	if (mksmall(img, version, "8m") != 0 ||
	    ak_sys_mount("ffs", MNT, 0, img, NULL) != 0) {
		tcheck(0, "makefs and mount: %s", strerror(errno));
		return;
	}
	tcheck(free_counts(&a), "statvfs");
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 3);
	fd = ak_sys_open(MNT "/f", O_CREAT | O_RDWR, 0644);
	tcheck(fd >= 0 && ak_sys_write(fd, buf, 5000) == 5000, "create");
	tcheck(ak_sys_unlink(MNT "/f") == 0 &&
	    ak_sys_lstat(MNT "/f", &st) != 0 && errno == ENOENT, "unlink");
	tcheck(ak_sys_pwrite(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf)
	    && ak_sys_pread(fd, back, sizeof(back), 0) ==
	    (ssize_t)sizeof(back) && memcmp(buf, back, sizeof(buf)) == 0,
	    "write and read an unlinked file");
	tcheck(ak_sys_fstat(fd, &st) == 0 && st.st_nlink == 0 &&
	    st.st_size == (off_t)sizeof(buf), "fstat: nlink %lu",
	    (unsigned long)st.st_nlink);
	tcheck(free_counts(&b) && b.f_bfree < a.f_bfree &&
	    b.f_ffree == a.f_ffree - 1, "still allocated while open");
	ak_sys_close(fd);
	tcheck(free_counts(&b) && b.f_bfree == a.f_bfree &&
	    b.f_ffree == a.f_ffree, "freed at close: blocks %llu/%llu "
	    "inodes %llu/%llu", (unsigned long long)b.f_bfree,
	    (unsigned long long)a.f_bfree, (unsigned long long)b.f_ffree,
	    (unsigned long long)a.f_ffree);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fw_clean_ok(img, "open-unlinked");
	fw_check_ok(img, "open-unlinked");
	unlink(img);
}

/* Fill the file system with one file; the bytes written. */
static long long
fill(const char *path)
{
	static char buf[65536];
	long long total = 0;
	ssize_t n;
	int fd = ak_sys_open(path, O_CREAT | O_WRONLY, 0644);

	if (fd < 0)
		return -1;
	memset(buf, 0x5A, sizeof(buf));
	while ((n = ak_sys_write(fd, buf, sizeof(buf))) > 0)
		total += n;
	ak_sys_close(fd);
	return total;
}

/*
 * A full file system: names are added until a directory cannot grow
 * (ENOSPC with a new inode already allocated: it must go back), mkdir
 * and long symlinks fail alike; everything is then removed and the
 * free counts must be what they were.
 */
void
fw_test_full(int version)
{
	char img[PATH_MAX], name[300];
	struct statvfs a, b;
	int i, made = 0, err = 0;
	char target[400];

	tc_prefix = version == 1 ? "ENOSPC ufs1" : "ENOSPC ufs2";
	snprintf(img, sizeof(img), "%s/full.img", fw_work);
	if (mksmall(img, version, "4m") != 0 ||
	    ak_sys_mount("ffs", MNT, 0, img, NULL) != 0) {
		tcheck(0, "makefs and mount: %s", strerror(errno));
		return;
	}
	tcheck(free_counts(&a), "statvfs");
	tcheck(ak_sys_mkdir(MNT "/d", 0755) == 0, "mkdir d");
	tcheck(fill(MNT "/big") > 0 && errno == ENOSPC, "fill: %s",
	    strerror(errno));
	for (i = 0; i < 2000; i++) {
		int fd;

		snprintf(name, sizeof(name), MNT "/d/name_%04d_%0200d", i, 0);
		if ((fd = ak_sys_open(name, O_CREAT | O_WRONLY, 0644)) < 0) {
			err = errno;
			break;
		}
		ak_sys_close(fd);
		made++;
	}
	tcheck(made > 0 && err == ENOSPC, "create until full: %d made, %s",
	    made, strerror(err));
	memset(target, 'x', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	tcheck(ak_sys_symlink(target, MNT "/d/long") != 0 && errno == ENOSPC,
	    "long symlink on a full file system: %s", strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount full");
	fw_clean_ok(img, "full");
	fw_check_ok(img, "full");
	if (ak_sys_mount("ffs", MNT, 0, img, NULL) != 0) {
		tcheck(0, "remount: %s", strerror(errno));
		return;
	}
	for (i = 0; i < made; i++) {
		snprintf(name, sizeof(name), MNT "/d/name_%04d_%0200d", i, 0);
		tcheck(ak_sys_unlink(name) == 0, "unlink %d", i);
	}
	tcheck(ak_sys_rmdir(MNT "/d") == 0 && ak_sys_unlink(MNT "/big") == 0,
	    "remove all");
	tcheck(free_counts(&b) && b.f_bfree == a.f_bfree &&
	    b.f_ffree == a.f_ffree, "free counts back: blocks %llu/%llu "
	    "inodes %llu/%llu", (unsigned long long)b.f_bfree,
	    (unsigned long long)a.f_bfree, (unsigned long long)b.f_ffree,
	    (unsigned long long)a.f_ffree);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount emptied");
	fw_clean_ok(img, "emptied");
	fw_check_ok(img, "emptied");
	unlink(img);
}

/*
 * UFS's link limit: links to one file in 128 directories until link
 * fails; it must fail with EMLINK at exactly 32767 links, and the
 * check must agree with the count.
 */
void
fw_test_linkmax(int version)
{
	char img[PATH_MAX], name[64];
	struct stat st;
	int links = 1, d, err = 0;

	tc_prefix = version == 1 ? "EMLINK ufs1" : "EMLINK ufs2";
	snprintf(img, sizeof(img), "%s/links.img", fw_work);
	if (mksmall(img, version, "16m") != 0 ||
	    ak_sys_mount("ffs", MNT, 0, img, NULL) != 0) {
		tcheck(0, "makefs and mount: %s", strerror(errno));
		return;
	}
	d = ak_sys_open(MNT "/f", O_CREAT | O_WRONLY, 0644);
	tcheck(d >= 0, "create");
	ak_sys_close(d);
	for (d = 0; d < 128 && err == 0; d++) {
		snprintf(name, sizeof(name), MNT "/d%03d", d);
		tcheck(ak_sys_mkdir(name, 0755) == 0, "mkdir %s", name);
		for (int i = 0; i < 300 && err == 0; i++) {
			snprintf(name, sizeof(name), MNT "/d%03d/l%03d", d, i);
			if (ak_sys_link(MNT "/f", name) != 0)
				err = errno;
			else
				links++;
		}
	}
	tcheck(err == EMLINK && links == 32767, "link stopped at %d links: "
	    "%s", links, strerror(err));
	tcheck(ak_sys_stat(MNT "/f", &st) == 0 && st.st_nlink == 32767,
	    "nlink %lu", (unsigned long)st.st_nlink);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fw_clean_ok(img, "link limit");
	fw_check_ok(img, "link limit");
	unlink(img);
}
