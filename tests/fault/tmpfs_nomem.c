/*
 * tmpfs_nomem.c: tmpfs under ENOMEM at every allocation of a workload,
 * on the fault-injection host (hyp/test).  tmpfs has no image, so there
 * is nothing to crash or to fsck; what is left to check is that running
 * out of memory at any point is an error and nothing worse.
 *
 * The workload (mount, mkdir, files written and grown, a symlink, a hard
 * link, an xattr, rename, truncate, readdir, unlink) runs once without
 * faults to count its allocations, then once with ENOMEM at allocation n
 * for every n.  Checked each time:
 *
 *  - every call returns success, or -1 with an errno;
 *  - what the calls left is consistent: every entry readdir lists can be
 *    stat'ed, and a regular file reads back exactly st_size bytes of the
 *    pattern written (a failed write may leave a shorter file, but never
 *    garbage or a size that cannot be read);
 *  - the file system still works: a fresh file can be made and removed;
 *  - nothing leaks on an error path: the fault host counts hyp_malloc
 *    and hyp_free, and a second run with the same fault must leave the
 *    kernel holding exactly the bytes it held before it (the first may
 *    fill the pools' free lists, which a leak-free second run reuses).
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "hyp/test/hyp_fault.h"
#include "tests/lib/tcheck.h"

#define MNT	"/t"

static int bad;		/* calls that failed without an errno */
static char buf[70000];

static long
call(long rc)
{
	if (rc < 0 && errno == 0)
		bad++;
	errno = 0;
	return rc;
}

static char
pat(size_t i)
{
	return (char)('a' + i % 23);
}

static void
wfile(const char *path, size_t len)
{
	size_t i;
	int fd;

	for (i = 0; i < len; i++)
		buf[i] = pat(i);
	if ((fd = (int)call(ak_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC,
	    0644))) < 0)
		return;
	/* At their offsets: after a failed first half, a hole. */
	(void)call(ak_sys_pwrite(fd, buf, len / 2, 0));
	(void)call(ak_sys_pwrite(fd, buf + len / 2, len - len / 2,
	    (off_t)(len / 2)));
	(void)call(ak_sys_close(fd));
}

static void
workload(void)
{
	errno = 0;
	(void)call(ak_sys_mkdir(MNT "/d", 0755));
	wfile(MNT "/a", 5000);
	wfile(MNT "/d/b", 66000);
	wfile(MNT "/d/c", 1);
	(void)call(ak_sys_symlink("d/b", MNT "/l"));
	(void)call(ak_sys_link(MNT "/a", MNT "/d/a2"));
	(void)call(ak_sys_lsetxattr(MNT "/a", "user.k", "value", 5, 0));
	(void)call(ak_sys_rename(MNT "/d/c", MNT "/c2"));
	(void)call(ak_sys_truncate(MNT "/d/b", 30000));
	(void)call(ak_sys_unlink(MNT "/a"));
	(void)call(ak_sys_mkdir(MNT "/d/e", 0755));
	(void)call(ak_sys_rmdir(MNT "/d/e"));
}

/*
 * Whether the regular file path holds st_size bytes, each of the pattern
 * or zero (a hole where a write failed).
 */
static bool
readable(const char *path, off_t size)
{
	ssize_t n, got = 0;
	int fd;

	if ((fd = ak_sys_open(path, O_RDONLY)) < 0)
		return false;
	while ((n = ak_sys_read(fd, buf + got, sizeof(buf) - (size_t)got)) > 0)
		got += n;
	ak_sys_close(fd);
	if (got != size)
		return false;
	for (n = 0; n < got; n++)
		if (buf[n] != pat((size_t)n) && buf[n] != 0)
			return false;
	return true;
}

/* Every entry under path stat's and reads back; how many are bad. */
static int
consistent(const char *path, int depth)
{
	struct ak_dirent *d;
	struct stat sb;
	char sub[512];
	AK_DIR *dp;
	int nbad = 0;

	if ((dp = ak_sys_opendir(path)) == NULL)
		return 1;
	while ((d = ak_sys_readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
		if (ak_sys_lstat(sub, &sb) != 0) {
			printf("%s: lstat: %s\n", sub, strerror(errno));
			nbad++;
		} else if (S_ISDIR(sb.st_mode) && depth < 4)
			nbad += consistent(sub, depth + 1);
		else if (S_ISREG(sb.st_mode) && !readable(sub, sb.st_size)) {
			printf("%s: does not read back %lld bytes\n", sub,
			    (long long)sb.st_size);
			nbad++;
		}
	}
	ak_sys_closedir(dp);
	return nbad;
}

/*
 * One run with ENOMEM at allocation n (0: none); its allocations.  With
 * leakcheck, the bytes the kernel holds must not grow.
 */
static uint64_t
run(uint64_t n, bool leakcheck)
{
	struct hypfault_stats st;
	uint64_t before, allocs;
	int fd, nbad;

	hypfault_reset();
	hypfault_stats(&st);
	before = st.mem_inuse;
	if (ak_sys_mount("tmpfs", MNT, 0, NULL, NULL) != 0) {
		tcheck(false, "mount tmpfs: %s", strerror(errno));
		return 0;
	}
	bad = 0;
	hypfault_stats(&st);
	allocs = st.allocs;
	hypfault_fail_alloc(n);
	workload();
	hypfault_stats(&st);
	allocs = st.allocs - allocs;
	hypfault_fail_alloc(0);
	tcheck(bad == 0, "ENOMEM at allocation %llu: %d calls failed "
	    "without an errno", (unsigned long long)n, bad);
	nbad = consistent(MNT, 0);
	tcheck(nbad == 0, "ENOMEM at allocation %llu: %d entries do not "
	    "stat or read back", (unsigned long long)n, nbad);
	fd = ak_sys_open(MNT "/fresh", O_WRONLY | O_CREAT, 0644);
	tcheck(fd >= 0 && ak_sys_write(fd, "x", 1) == 1 &&
	    ak_sys_close(fd) == 0 && ak_sys_unlink(MNT "/fresh") == 0,
	    "ENOMEM at allocation %llu: tmpfs does not work afterwards: %s",
	    (unsigned long long)n, strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "ENOMEM at allocation %llu: "
	    "unmount: %s", (unsigned long long)n, strerror(errno));
	hypfault_stats(&st);
	if (leakcheck)
		tcheck(st.mem_inuse == before, "ENOMEM at allocation %llu: "
		    "%lld bytes leaked", (unsigned long long)n,
		    (long long)(st.mem_inuse - before));
	return allocs;
}

int
main(void)
{
	uint64_t total, n;

	alarm(300);
	if (ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: setup: %s\ntmpfs_nomem: 0 passed, 1 failed\n",
		    strerror(errno));
		return 1;
	}
	(void)run(0, false);	/* warm the pools */
	total = run(0, true);
	printf("tmpfs: fault-free run: %llu allocations\n",
	    (unsigned long long)total);
	tcheck(total > 10, "the workload allocates (%llu)",
	    (unsigned long long)total);
	for (n = 1; n <= total; n++) {
		(void)run(n, false);
		(void)run(n, true);
	}
	tcheck(ak_fini() == 0, "ak_fini: %s", strerror(errno));
	return tsummary("tmpfs_nomem");
}
