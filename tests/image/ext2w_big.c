/*
 * ext2w_big.c: ext2_write's large cases: htree directories of 10,000
 * names, a 300 MiB file, full file systems
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ext2w.h"

/*
 * 10,000 names added to a directory mke2fs and e2fsck -D indexed; with
 * 1 KiB blocks the index must grow a level (levels is what debugfs must
 * then report).
 */
void
test_bigdir(const char *opts, int levels)
{
	char img[PATH_MAX], src[PATH_MAX], p[300];
	struct stat st;
	int i, fd, bad = 0;
	char *out;

	tc_prefix = opts;
	snprintf(img, sizeof(img), "%s/htree.img", workdir);
	snprintf(src, sizeof(src), "%s/htree.src", workdir);
	tsh("rm -rf '%s' && mkdir -p '%s/big' && cd '%s/big' && "
	    "for i in $(seq 1 1500); do : > name_$i; done", src, src, src);
	unlink(img);
	if (tsh("mke2fs -q -F %s -d '%s' '%s' 64M >/dev/null 2>&1",
	    opts, src, img) != 0 || tsh("e2fsck -fyD '%s' >/dev/null 2>&1", img) > 2) {
		tcheck(0, "mke2fs -d / e2fsck -D");
		return;
	}
	out = ew_output(NULL, "debugfs -R 'htree /big' '%s' 2>&1 | "
	    "grep 'Indirect levels'", img);
	tcheck(out != NULL && strstr(out, "levels: 0") != NULL,
	    "/big is not indexed: %s", out != NULL ? out : "");
	free(out);
	if (ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(0, "mount: %s", strerror(errno));
		return;
	}
	/* Remove some first (the index stays), then add 10,000. */
	for (i = 1; i <= 1500; i += 3) {
		snprintf(p, sizeof(p), MNT "/big/name_%d", i);
		bad += ak_sys_unlink(p) != 0;
	}
	tcheck(bad == 0, "unlink in an indexed directory: %d failed", bad);
	for (i = 0; i < 10000; i++) {
		snprintf(p, sizeof(p), MNT "/big/new file %d", i);
		fd = ak_sys_open(p, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (fd < 0) {
			bad++;
			continue;
		}
		ak_sys_close(fd);
	}
	tcheck(bad == 0, "creating 10000 files: %d failed", bad);
	/* A new directory grows past one block: indexed as it grows. */
	bad = ak_sys_mkdir(MNT "/fresh", 0755) != 0;
	for (i = 0; i < 3000; i++) {
		snprintf(p, sizeof(p), MNT "/fresh/entry number %d", i);
		fd = ak_sys_open(p, O_CREAT | O_EXCL | O_WRONLY, 0600);
		bad += fd < 0;
		if (fd >= 0)
			ak_sys_close(fd);
		if (i % 5 == 0 && i > 0) {
			snprintf(p, sizeof(p), MNT "/fresh/entry number %d",
			    i - 1);
			bad += ak_sys_unlink(p) != 0;
		}
	}
	tcheck(bad == 0, "filling a new directory: %d failed", bad);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	ew_fsck_ok(img, "after 10000 creates");
	tcheck(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0,
	    "remount");
	for (i = 0, bad = 0; i < 10000; i += 7) {
		snprintf(p, sizeof(p), MNT "/big/new file %d", i);
		bad += ak_sys_stat(p, &st) != 0;
	}
	for (i = 1; i <= 1500; i++) {
		snprintf(p, sizeof(p), MNT "/big/name_%d", i);
		bad += (ak_sys_stat(p, &st) == 0) != (i % 3 != 1);
	}
	for (i = 0; i < 3000; i++) {
		snprintf(p, sizeof(p), MNT "/fresh/entry number %d", i);
		bad += (ak_sys_stat(p, &st) == 0) != (i % 5 != 4 || i == 2999);
	}
	tcheck(bad == 0, "lookups after remount: %d wrong", bad);
	ak_sys_unmount(MNT, 0);
	out = ew_output(NULL, "debugfs -R 'ls /big' '%s' 2>/dev/null | "
	    "grep -c 'new file 9999'", img);
	tcheck(out != NULL && atoi(out) == 1, "debugfs does not list a name");
	free(out);
	out = ew_output(NULL, "debugfs -R 'htree /fresh' '%s' 2>&1 | "
	    "grep -c 'Indirect levels'", img);
	tcheck(out != NULL && atoi(out) == 1, "new directory not indexed");
	free(out);
	/* Still indexed, with the levels expected. */
	out = ew_output(NULL, "debugfs -R 'htree /big' '%s' 2>&1 | "
	    "grep 'Indirect levels'", img);
	tcheck(out != NULL && strstr(out, "levels: ") != NULL &&
	    atoi(strstr(out, "levels: ") + 8) == levels,
	    "htree after 10000 creates: %s", out != NULL ? out : "");
	free(out);
	unlink(img);
	tsh("rm -rf '%s'", src);
}

/* The byte at off of the big file. */
static inline unsigned char
pattern(uint64_t off)
{
	return (unsigned char)((off * 2654435761U) >> 13);
}

/* A 300 MiB file written front to back: few extents, intact. */
void
test_bigfile(void)
{
	static unsigned char buf[1 << 20];
	char img[PATH_MAX], dump[PATH_MAX];
	uint64_t off, total = 300ULL << 20;
	int fd, nex = -1, bad = 0;
	char *out, *s;
	FILE *f;
	size_t n, i;

	tc_prefix = "ext4 big file";
	snprintf(img, sizeof(img), "%s/bigfile.img", workdir);
	snprintf(dump, sizeof(dump), "%s/bigfile.out", workdir);
	if (mkimage(img, "-t ext4", 512) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(0, "image / mount: %s", strerror(errno));
		return;
	}
	fd = ak_sys_open(MNT "/big", O_CREAT | O_WRONLY, 0644);
	for (off = 0; fd >= 0 && off < total; off += sizeof(buf)) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pattern(off + i);
		if (ak_sys_write(fd, buf, sizeof(buf)) != sizeof(buf)) {
			bad++;
			break;
		}
	}
	tcheck(fd >= 0 && bad == 0, "writing 300 MiB: %s", strerror(errno));
	if (fd >= 0)
		ak_sys_close(fd);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	ew_fsck_ok(img, "after the big file");
	out = ew_output(NULL, "debugfs -R 'ex /big' '%s' 2>/dev/null", img);
	if (out != NULL) {
		/* Leaf lines: "level/depth ... lblk - lblk pblk - pblk". */
		nex = 0;
		for (s = out; (s = strchr(s, '\n')) != NULL; s++)
			if (strstr(s + 1, " - ") != NULL && s[1] != '\0' &&
			    strncmp(s + 1, "Level", 5) != 0)
				nex++;
	}
	tcheck(nex > 0 && nex <= 24, "300 MiB in %d extent lines:\n%s", nex,
	    out != NULL ? out : "");
	free(out);
	unlink(dump);
	tcheck(tsh("debugfs -R 'dump /big %s' '%s' >/dev/null 2>&1", dump,
	    img) == 0, "debugfs dump");
	bad = 0;
	if ((f = fopen(dump, "rb")) != NULL) {
		for (off = 0; (n = fread(buf, 1, sizeof(buf), f)) > 0;
		    off += n)
			for (i = 0; i < n; i++)
				if (buf[i] != pattern(off + i))
					bad = 1;
		fclose(f);
	}
	tcheck(f != NULL && off == total && bad == 0,
	    "debugfs reads the big file back wrong");
	unlink(dump);
	unlink(img);
}

/* Fill a small file system: ENOSPC, still clean, counts come back. */
void
test_enospc(const char *name, const char *opts)
{
	static char buf[1 << 16];
	char img[PATH_MAX], p[64];
	struct statvfs before, after;
	int fd, i, err = 0;
	ssize_t n = 0;

	tc_prefix = name;
	snprintf(img, sizeof(img), "%s/full.img", workdir);
	if (mkimage(img, opts, 24) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(0, "image / mount: %s", strerror(errno));
		return;
	}
	ak_sys_statvfs(MNT, &before);
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < 8 && err == 0; i++) {
		snprintf(p, sizeof(p), MNT "/fill%d", i);
		if ((fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644)) < 0)
			break;
		while ((n = ak_sys_write(fd, buf, sizeof(buf))) > 0)
			continue;
		err = errno;
		ak_sys_close(fd);
	}
	tcheck(n < 0 && err == ENOSPC, "filling: %zd, %s", n, strerror(err));
	tcheck(ak_sys_mkdir(MNT "/more", 0755) != 0 && errno == ENOSPC,
	    "mkdir on a full file system: %s", strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	ew_fsck_ok(img, "when full");
	tcheck(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0, "remount");
	for (i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), MNT "/fill%d", i);
		ak_sys_unlink(p);
	}
	ak_sys_statvfs(MNT, &after);
	tcheck(after.f_bfree == before.f_bfree && after.f_ffree ==
	    before.f_ffree, "free counts %llu/%llu blocks %llu/%llu inodes "
	    "after removing everything", (unsigned long long)after.f_bfree,
	    (unsigned long long)before.f_bfree,
	    (unsigned long long)after.f_ffree,
	    (unsigned long long)before.f_ffree);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	ew_fsck_ok(img, "after emptying");
	unlink(img);
}


/* Write 64 KiB pieces to a new file until an error; that errno. */
static int
fill_file(const char *p, ssize_t *total)
{
	static char buf[1 << 16];
	int fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644), err;
	ssize_t n;

	*total = 0;
	if (fd < 0)
		return errno;
	memset(buf, 0x6b, sizeof(buf));
	while ((n = ak_sys_write(fd, buf, sizeof(buf))) > 0)
		*total += n;
	err = errno;
	ak_sys_close(fd);
	return err;
}

/*
 * The reserve (mke2fs -m): a user other than root gets ENOSPC when only
 * the reserved blocks are left; root may still write.
 */
void
test_reserved(void)
{
	char img[PATH_MAX];
	struct statvfs sv;
	ssize_t user, root;
	int err;

	tc_prefix = "reserved blocks";
	snprintf(img, sizeof(img), "%s/reserve.img", workdir);
	if (mkimage(img, "-t ext4 -b 1024 -m 30", 16) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0 ||
	    ak_sys_chmod(MNT, 0777) != 0) {
		tcheck(0, "image / mount: %s", strerror(errno));
		return;
	}
	tcheck(ak_setcred(1000, 1000, 0, NULL) == 0, "setcred");
	err = fill_file(MNT "/user", &user);
	tcheck(err == ENOSPC && user > 0, "a user filling: %zd bytes, %s",
	    user, strerror(err));
	tcheck(ak_sys_statvfs(MNT, &sv) == 0 && sv.f_bavail == 0 &&
	    sv.f_bfree * sv.f_frsize >= 16 * 1024 * 1024 * 3 / 10 - 65536,
	    "after a user filled it: bavail %llu, bfree %llu",
	    (unsigned long long)sv.f_bavail, (unsigned long long)sv.f_bfree);
	ak_clearcred();
	err = fill_file(MNT "/root", &root);
	tcheck(err == ENOSPC && root > 4 * 1024 * 1024,
	    "root writing into the reserve: %zd bytes, %s", root,
	    strerror(err));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	ew_fsck_ok(img, "after filling the reserve");
	unlink(img);
}
