/*
 * ext2w_misc.c: ext2_write's special cases: unlinked open files,
 * unwritten extents, threads, refused mounts
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

/* A file unlinked while open lives until closed, then is freed. */
void
test_open_unlinked(void)
{
	static char buf[1 << 16];
	char img[PATH_MAX];
	struct statvfs before, after;
	struct stat st;
	int fd, i, ok = 1;

	tc_prefix = "unlinked while open";
	snprintf(img, sizeof(img), "%s/orphan.img", workdir);
	if (mkimage(img, "-t ext4", 32) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(0, "image / mount: %s", strerror(errno));
		return;
	}
	ak_sys_statvfs(MNT, &before);
	fd = ak_sys_open(MNT "/tmpfile", O_CREAT | O_RDWR, 0600);
	memset(buf, 0x33, sizeof(buf));
	for (i = 0; i < 32; i++)
		ok &= ak_sys_write(fd, buf, sizeof(buf)) == sizeof(buf);
	tcheck(fd >= 0 && ok && ak_sys_unlink(MNT "/tmpfile") == 0,
	    "write and unlink: %s", strerror(errno));
	for (i = 0; i < 32; i++)
		ok &= ak_sys_write(fd, buf, sizeof(buf)) == sizeof(buf);
	tcheck(ok && ak_sys_fstat(fd, &st) == 0 && st.st_nlink == 0 &&
	    st.st_size == 64 * (off_t)sizeof(buf), "write after unlink");
	tcheck(ak_sys_pread(fd, buf, 100, 3 * sizeof(buf)) == 100 &&
	    buf[0] == 0x33 && buf[99] == 0x33, "read after unlink");
	ak_sys_close(fd);
	ak_sys_statvfs(MNT, &after);
	tcheck(after.f_bfree == before.f_bfree && after.f_ffree ==
	    before.f_ffree, "blocks %llu/%llu inodes %llu/%llu after close",
	    (unsigned long long)after.f_bfree,
	    (unsigned long long)before.f_bfree,
	    (unsigned long long)after.f_ffree,
	    (unsigned long long)before.f_ffree);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	ew_fsck_ok(img, "after the unlinked file went");
	unlink(img);
}

/*
 * Writing into unwritten extents (made by debugfs fallocate): the
 * extent is converted, the rest of it still reads as zeros, and
 * debugfs reads back the same bytes.
 */
void
test_unwritten(void)
{
	static char buf[409600], exp[409600];
	char img[PATH_MAX], dump[PATH_MAX];
	FILE *f;
	int fd;
	size_t n = 0;

	tc_prefix = "unwritten extents";
	snprintf(img, sizeof(img), "%s/unwritten.img", workdir);
	snprintf(dump, sizeof(dump), "%s/unwritten.out", workdir);
	if (mkimage(img, "-t ext4 -b 4096", 16) != 0 ||
	    tsh("debugfs -w -f - '%s' >/dev/null 2>&1 <<'EOF'\n"
	    "write /dev/null f\nfallocate /f 0 99\nsif /f size 409600\n"
	    "EOF", img) != 0) {
		tcheck(0, "image with an unwritten extent");
		return;
	}
	memset(exp, 0, sizeof(exp));
	tcheck(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0, "mount: %s",
	    strerror(errno));
	fd = ak_sys_open(MNT "/f", O_RDWR);
	tcheck(fd >= 0 && ak_sys_pread(fd, buf, sizeof(buf), 0) ==
	    (ssize_t)sizeof(buf) && memcmp(buf, exp, sizeof(buf)) == 0,
	    "reading unwritten blocks");
	memcpy(exp + 50000, "hello, unwritten", 16);
	memcpy(exp + 4096 * 99 + 10, "tail", 4);
	tcheck(ak_sys_pwrite(fd, "hello, unwritten", 16, 50000) == 16 &&
	    ak_sys_pwrite(fd, "tail", 4, 4096 * 99 + 10) == 4,
	    "writing into unwritten blocks");
	tcheck(ak_sys_pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf) &&
	    memcmp(buf, exp, sizeof(buf)) == 0, "reading back");
	ak_sys_close(fd);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	ew_fsck_ok(img, "after writing into unwritten extents");
	unlink(dump);
	tsh("debugfs -R 'dump /f %s' '%s' >/dev/null 2>&1", dump, img);
	if ((f = fopen(dump, "rb")) != NULL) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	tcheck(n == sizeof(buf) && memcmp(buf, exp, sizeof(buf)) == 0,
	    "debugfs reads %zu bytes, not what was written", n);
	unlink(dump);
	unlink(img);
}

/*
 * Threads changing one file system at once, each in its own directory
 * and all in a shared one: files written in pieces (so that allocation
 * interleaves), read back, truncated, renamed, removed, directories
 * made and removed.  Then e2fsck must find it clean and a remount must
 * hold exactly the files the threads kept, with their bytes.
 */
#define TH_N		4
#define TH_FILES	80

struct tharg {
	int	id;
	int	errors;
};

static void
th_path(char *p, size_t sz, int id, int i, bool renamed)
{
	snprintf(p, sz, MNT "/%s/t%d_%d%s", i % 2 ? "shared" : "own",
	    id, i, renamed ? ".r" : "");
	if (i % 2 == 0)
		snprintf(p, sz, MNT "/own%d/t%d_%d%s", id, id, i,
		    renamed ? ".r" : "");
}

static size_t
th_fill(char *buf, int id, int i)
{
	size_t len = (size_t)(1000 + (id * 7919 + i * 104729) % 60000), k;

	for (k = 0; k < len; k++)
		buf[k] = (char)(id * 31 + i * 7 + k % 251);
	return len;
}

static void *
th_main(void *v)
{
	static __thread char buf[65536], back[65536];
	struct tharg *a = v;
	char p[128], q[128];
	size_t len, off;
	int i, fd;

	for (i = 0; i < TH_FILES; i++) {
		th_path(p, sizeof(p), a->id, i, false);
		len = th_fill(buf, a->id, i);
		if ((fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644)) < 0) {
			a->errors++;
			continue;
		}
		for (off = 0; off < len; off += 4000)
			if (ak_sys_pwrite(fd, buf + off, len - off < 4000 ?
			    len - off : 4000, (off_t)off) < 0)
				a->errors++;
		ak_sys_close(fd);
		fd = ak_sys_open(p, O_RDONLY);
		if (fd < 0 || ak_sys_read(fd, back, sizeof(back)) !=
		    (ssize_t)len || memcmp(buf, back, len) != 0)
			a->errors++;
		if (fd >= 0)
			ak_sys_close(fd);
		th_path(q, sizeof(q), a->id, i, true);
		switch (i % 4) {
		case 0:
			a->errors += ak_sys_rename(p, q) != 0;
			break;
		case 1:
			a->errors += ak_sys_unlink(p) != 0;
			break;
		case 2:
			a->errors += ak_sys_mkdir(q, 0755) != 0 ||
			    ak_sys_rmdir(q) != 0;
			break;
		default:
			a->errors += ak_sys_truncate(p, 100) != 0 ||
			    ak_sys_truncate(p, (off_t)len) != 0;
		}
	}
	return NULL;
}

void
test_threads(void)
{
	static char buf[65536], back[65536];
	struct tharg args[TH_N];
	pthread_t th[TH_N];
	char img[PATH_MAX], p[128];
	struct stat st;
	int i, j, bad = 0, fd;
	size_t len;

	tc_prefix = "threads";
	snprintf(img, sizeof(img), "%s/threads.img", workdir);
	if (mkimage(img, "-t ext4 -b 1024", 64) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(0, "image / mount: %s", strerror(errno));
		return;
	}
	ak_sys_mkdir(MNT "/shared", 0755);
	for (i = 0; i < TH_N; i++) {
		snprintf(p, sizeof(p), MNT "/own%d", i);
		ak_sys_mkdir(p, 0755);
		args[i].id = i;
		args[i].errors = 0;
		pthread_create(&th[i], NULL, th_main, &args[i]);
	}
	for (i = 0; i < TH_N; i++) {
		pthread_join(th[i], NULL);
		tcheck(args[i].errors == 0, "thread %d: %d errors", i,
		    args[i].errors);
	}
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	ew_fsck_ok(img, "after the threads");
	tcheck(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0,
	    "remount");
	for (i = 0; i < TH_N; i++)
		for (j = 0; j < TH_FILES; j++) {
			th_path(p, sizeof(p), i, j, j % 4 == 0);
			if (j % 4 == 1) {
				bad += ak_sys_stat(p, &st) == 0;
				continue;
			}
			len = th_fill(buf, i, j);
			if (j % 4 == 3)
				memset(buf + 100, 0, len - 100);
			fd = ak_sys_open(p, O_RDONLY);
			if (fd < 0 || ak_sys_read(fd, back, sizeof(back)) !=
			    (ssize_t)len || memcmp(buf, back, len) != 0) {
				if (bad++ == 0)
					tcheck(0, "%s: wrong after the threads",
					    p);
			}
			if (fd >= 0)
				ak_sys_close(fd);
		}
	tcheck(bad == 0, "%d files wrong after the threads", bad);
	ak_sys_unmount(MNT, 0);
	unlink(img);
}

/* File systems that must not be mounted read-write. */
void
test_refused(void)
{
	char img[PATH_MAX];

	tc_prefix = "refusals";
	snprintf(img, sizeof(img), "%s/refuse.img", workdir);
	if (mkimage(img, "-t ext4", 16) != 0) {
		tcheck(0, "mke2fs");
		return;
	}
	tcheck(tsh("debugfs -w -R 'feature needs_recovery' '%s' "
	    ">/dev/null 2>&1", img) == 0, "debugfs feature needs_recovery");
	/* (An empty journal: replaying it is tests/image/ext2_journal.) */
	tcheck(ak_sys_mount("ext4", MNT, 0, img, "norecovery") != 0 &&
	    errno == EROFS, "needs_recovery with norecovery mounted "
	    "read-write: %s", strerror(errno));
	tcheck(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "needs_recovery read-only mount");
	tcheck(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "needs_recovery read-write mount: "
	    "%s", strerror(errno));
	tcheck(tsh("dumpe2fs -h '%s' 2>/dev/null | grep -q needs_recovery",
	    img) != 0, "needs_recovery still set after a read-write mount");
	ew_fsck_ok(img, "after recovering an empty journal");
	mkimage(img, "-t ext4 -O quota", 16);
	tcheck(ak_sys_mount("ext4", MNT, 0, img, NULL) != 0 &&
	    errno == EROFS, "quota mounted read-write: %s", strerror(errno));
	/* A clean mount and unmount changes only what Linux changes. */
	mkimage(img, "-t ext4", 16);
	tcheck(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "mount and unmount");
	ew_fsck_ok(img, "after an empty mount");
	/* An image that cannot be opened for writing (root ignores the
	 * mode bits, not the immutable flag). */
	chmod(img, 0444);
	if (geteuid() == 0 && tsh("chattr +i '%s' 2>/dev/null", img) != 0)
		printf("SKIP: read-only image file (root, no chattr +i)\n");
	else {
		tcheck(ak_sys_mount("ext4", MNT, 0, img, NULL) != 0,
		    "read-only image file mounted read-write");
		tcheck(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0 &&
		    ak_sys_unmount(MNT, 0) == 0,
		    "read-only image file mounted read-only: %s",
		    strerror(errno));
		if (geteuid() == 0)
			tsh("chattr -i '%s'", img);
	}
	unlink(img);
}

