/*
 * ffs_wfault.c: device write errors under the FFS write half.  Linked
 * with libak-fault.a: the Nth device write from the mount on fails with
 * EIO, for every N a fault-free run of the same workload (mount, writes
 * across fragments and into the indirect range, a truncation, fsync,
 * unmount) makes.
 *
 * Oracles, per N: the caller must have been told (some call failed) or
 * the image must be clean; an image marked clean must pass the checker
 * (-o check) and hold what a fault-free run leaves; an image left not
 * clean must be refused read-write (EROFS: fsck first) and still mount
 * read-only.
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
#include "hyp/test/hyp_fault.h"

#include "tests/lib/tcheck.h"

#define MNT	"/ff"
#define BS	4096

static char work[PATH_MAX], base[PATH_MAX + 16], img[PATH_MAX + 16];
static char expect[PATH_MAX + 16];

/* The workload; the number of calls that reported an error. */
static int
workload(void)
{
	static char buf[3 * BS];
	int fd, errs = 0;
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 1);
	if ((fd = ak_sys_open(MNT "/f", O_RDWR)) < 0)
		return 1;
	errs += ak_sys_pwrite(fd, buf, sizeof(buf), 1000) !=
	    (ssize_t)sizeof(buf);
	errs += ak_sys_pwrite(fd, buf, 2 * BS, 14 * BS) != 2 * BS;
	errs += ak_sys_ftruncate(fd, 5000) != 0;
	errs += ak_sys_pwrite(fd, buf, 100, 7 * BS) != 100;
	errs += ak_sys_fsync(fd) != 0;
	errs += ak_sys_close(fd) != 0;
	return errs;
}

static int
unmount(void)
{
	if (ak_sys_unmount(MNT, 0) == 0)
		return 0;
	(void)ak_sys_unmount(MNT, AK_MNT_FORCE);
	return 1;
}

static int
clean_flag(const char *path)
{
	unsigned char c = 0xff;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		(void)pread(fd, &c, 1, 8192 + 209);
		close(fd);
	}
	return c;
}

/* The file through libak against the fault-free result. */
static bool
same_as_expected(void)
{
	static char a[64 * BS], b[64 * BS];
	ssize_t n, m;
	int fd, efd;

	if ((fd = ak_sys_open(MNT "/f", O_RDONLY)) < 0)
		return false;
	efd = open(expect, O_RDONLY);
	n = ak_sys_read(fd, a, sizeof(a));
	m = efd >= 0 ? read(efd, b, sizeof(b)) : -1;
	ak_sys_close(fd);
	if (efd >= 0)
		close(efd);
	return n >= 0 && n == m && memcmp(a, b, (size_t)n) == 0;
}

static void
one_fault(uint64_t n)
{
	int errs = 0, c, fd;

	if (tsh("cp '%s' '%s'", base, img) != 0)
		return;
	hypfault_reset();
	hypfault_fail_write(n);
	if (ak_sys_mount("ffs", MNT, 0, img, NULL) != 0)
		errs++;
	else {
		errs += workload();
		errs += unmount();
	}
	hypfault_reset();
	c = clean_flag(img);
	tcheck(c == 1 || errs > 0, "write %llu failed: nobody was told and "
	    "the image is not clean", (unsigned long long)n);
	if (c == 1) {
		tcheck(ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, img, "check") ==
		    0, "write %llu failed: marked clean but check: %s",
		    (unsigned long long)n, strerror(errno));
		if (errs == 0)
			tcheck(same_as_expected(), "write %llu failed: "
			    "contents differ", (unsigned long long)n);
		(void)unmount();
		return;
	}
	errno = 0;
	tcheck(ak_sys_mount("ffs", MNT, 0, img, NULL) != 0 && errno == EROFS,
	    "write %llu failed: not clean but mounted read-write (%s)",
	    (unsigned long long)n, strerror(errno));
	tcheck(ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, img, NULL) == 0,
	    "write %llu failed: no read-only mount: %s",
	    (unsigned long long)n, strerror(errno));
	(void)unmount();
	(void)fd;
}

/* One file system: the fault-free run, then a fault at each write. */
static void
run(const char *opts)
{
	struct hypfault_stats st;
	uint64_t n, writes;
	int fd;

	tc_prefix = opts;
	if (tsh("rm -rf '%s/tree' && mkdir -p '%s/tree' && head -c 20000 "
	    "/dev/urandom > '%s/tree/f' && PATH=$PATH:/usr/sbin:/sbin "
	    "makefs -t ffs %s -s 4m '%s' '%s/tree' >/dev/null 2>&1", work,
	    work, work, opts, base, work) != 0) {
		tcheck(false, "makefs");
		return;
	}
	/* The fault-free run: how many writes, and what it leaves. */
	tsh("cp '%s' '%s'", base, img);
	hypfault_reset();
	tcheck(ak_sys_mount("ffs", MNT, 0, img, NULL) == 0 &&
	    workload() == 0 && unmount() == 0, "fault-free run: %s",
	    strerror(errno));
	hypfault_stats(&st);
	writes = st.writes;
	tcheck(clean_flag(img) == 1 && writes > 3, "fault-free run: clean "
	    "%d, %llu writes", clean_flag(img), (unsigned long long)writes);
	if (ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, img, NULL) == 0) {
		static char buf[64 * BS];
		ssize_t len;

		fd = ak_sys_open(MNT "/f", O_RDONLY);
		len = fd >= 0 ? ak_sys_read(fd, buf, sizeof(buf)) : -1;
		if (fd >= 0)
			ak_sys_close(fd);
		(void)unmount();
		fd = open(expect, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			tcheck(len > 0 && write(fd, buf, (size_t)len) == len,
			    "saving the expected file");
			close(fd);
		}
	}
	for (n = 1; n <= writes && n <= 200; n++)
		one_fault(n);
}

int
main(void)
{
	const char *tmp = getenv("AK_TESTDIR");
	char tmpl[] = "/tmp/ffs_wfault.XXXXXX";

	alarm(300);
	if (tsh("PATH=$PATH:/usr/sbin:/sbin command -v makefs >/dev/null "
	    "2>&1") != 0) {
		printf("SKIP: ffs_wfault (makefs is not installed)\n");
		return tsummary("ffs_wfault");
	}
	if (tmp != NULL)
		snprintf(work, sizeof(work), "%s/ffs_wfault", tmp);
	else if (mkdtemp(tmpl) != NULL)
		snprintf(work, sizeof(work), "%s", tmpl);
	snprintf(base, sizeof(base), "%s/base.img", work);
	snprintf(img, sizeof(img), "%s/w.img", work);
	snprintf(expect, sizeof(expect), "%s/expect", work);
	if (work[0] == '\0' || tsh("mkdir -p '%s'", work) != 0 ||
	    ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: ffs_wfault: set-up\n");
		return 1;
	}
	run("-o version=1,bsize=4096,fsize=512");
	run("-B be -o version=2,bsize=8192,fsize=1024");
	tc_prefix = NULL;
	tsh("rm -rf '%s'", work);
	return tsummary("ffs_wfault");
}
