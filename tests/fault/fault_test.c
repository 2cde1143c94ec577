/*
 * fault_test.c: the error paths of a writing driver under injected
 * faults, on the fault-injection host (hyp/test, libak-fault.a).
 *
 * One fixed workload (create, write, fsync, mkdir, rename, unlink,
 * truncate, unmount) runs on a fresh FAT image once without faults, to
 * count its allocations, reads and writes and to keep the image it
 * leaves; then again with one fault at a time:
 *
 *	ENOMEM at allocation n	EIO at read n	EIO at write n
 *	a power cut after write k (all unflushed writes lost, or some)
 *
 * for n and k over the whole run (sampled evenly when it is long).  The
 * oracles: every call returns success or -1 with an errno (a hang is
 * caught by an alarm, a crash or leak by the ASan build); when no call
 * reported an error, the image must hold what the fault-free run left
 * (fsck.fat -n clean before any repair, every file whole, the removed
 * one gone) — a swallowed error is a lie;
 * whatever happened, `fsck.fat -a` must repair the image to a state
 * `fsck.fat -n` accepts and that this driver mounts; after a power cut,
 * every file whose fsync returned before the cut must read back whole.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/lib/tcheck.h"
#include "hyp/test/hyp_fault.h"

#define MNT		"/mnt"
#define MAXPOINTS	120	/* fault points tried per kind */

static char dir[1024], pristine[1200], img[1200];

/* A writing driver and its reference tools. */
struct target {
	const char	*type;		/* for ak_sys_mount */
	const char	*mkfs;		/* printf format: image path */
	const char	*check;		/* report only; exit 0 when clean */
	const char	*repair;	/* repair what it can */
};
static const struct target targets[] = {
	{ "vfat", "mkfs.fat -C -i 12345678 '%s' 2048",
	    "fsck.fat -n '%s'", "fsck.fat -a '%s'" },
	{ "ext4", "mke2fs -q -F -t ext4 -b 1024 '%s' 4M",
	    "e2fsck -fn '%s'", "e2fsck -fy '%s'" },
};
static const struct target *tg;

/* Run the target's tool fmt on img; its exit status. */
static int
tool(const char *fmt)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), fmt, img);
	return tsh("%s >/dev/null 2>&1", cmd);
}



/* What a run did: errors reported, files made durable by fsync. */
struct outcome {
	int	errors;		/* calls that returned -1 */
	int	bad;		/* calls that broke the contract */
	bool	durable[8];	/* fsync of file i returned before a cut */
};

/* Record the result of one call: 0 or -1 with errno set. */
static int
note(struct outcome *o, long rc)
{
	if (rc < 0) {
		o->errors++;
		if (errno == 0)
			o->bad++;
	}
	return rc < 0 ? -1 : 0;
}

static void
fill(char *buf, size_t len, int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('a' + (i * 7 + (size_t)seed) % 26);
}

/* Sizes of the workload's files; files 0, 4 and 6 are fsynced. */
static const size_t fsize[8] = { 3000, 9000, 20000, 7000, 33000, 1, 0,
    45000 };
static const char *const fname[8] = { "/f0", "/f1", "/f2", "/f3",
    "/LongName Four.txt", "/f5", "/d/big", "/f7" };

/* Write all of buf as a careful program would: a short write is retried. */
static long
write_all(int fd, const char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		errno = 0;
		if ((n = ak_sys_write(fd, buf + done, len - done)) < 0)
			return -1;
		if (n == 0) {
			errno = EIO;	/* no progress: a broken contract */
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static void
wfile(struct outcome *o, int i)
{
	struct hypfault_stats st;
	static char buf[65536];
	char path[256];
	int fd;

	snprintf(path, sizeof(path), MNT "%s", fname[i]);
	fill(buf, fsize[i], i);
	errno = 0;
	fd = ak_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (note(o, fd) != 0)
		return;
	if (note(o, write_all(fd, buf, fsize[i])) == 0 &&
	    (i == 0 || i == 4 || i == 6)) {
		errno = 0;
		if (note(o, ak_sys_fsync(fd)) == 0) {
			hypfault_stats(&st);
			o->durable[i] = !st.crashed;
		}
	}
	errno = 0;
	note(o, ak_sys_close(fd));
}

/* The workload on img; returns the outcome. */
static struct outcome
workload(void)
{
	struct outcome o;
	int i;

	memset(&o, 0, sizeof(o));
	errno = 0;
	if (note(&o, ak_sys_mount(tg->type, MNT, 0, img, NULL)) != 0)
		return o;
	errno = 0;
	note(&o, ak_sys_mkdir(MNT "/d", 0755));
	for (i = 0; i < 8; i++)
		wfile(&o, i);
	errno = 0;
	note(&o, ak_sys_rename(MNT "/f1", MNT "/d/g1"));
	errno = 0;
	note(&o, ak_sys_unlink(MNT "/f2"));
	errno = 0;
	note(&o, ak_sys_truncate(MNT "/f3", 100));
	errno = 0;
	if (note(&o, ak_sys_unmount(MNT, 0)) != 0) {
		errno = 0;
		note(&o, ak_sys_unmount(MNT, AK_MNT_FORCE));
	}
	return o;
}

/* Whether file i of the workload reads back whole from the image. */
static bool
intact(int i)
{
	static char want[65536], got[65536 + 1];
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), MNT "%s", fname[i]);
	fill(want, fsize[i], i);
	if ((fd = ak_sys_open(path, O_RDONLY)) < 0)
		return false;
	n = ak_sys_read(fd, got, sizeof(got));
	ak_sys_close(fd);
	return n == (ssize_t)fsize[i] && memcmp(got, want, fsize[i]) == 0;
}

/* Whether the image holds the workload's final tree. */
static bool
final_ok(void)
{
	struct stat sb;
	bool ok;
	int fd;

	if (ak_sys_mount(tg->type, MNT, AK_MNT_RDONLY, img, NULL) != 0)
		return false;
	ok = intact(0) && intact(4) && intact(5) && intact(6) && intact(7) &&
	    ak_sys_stat(MNT "/f3", &sb) == 0 && sb.st_size == 100 &&
	    ak_sys_stat(MNT "/f2", &sb) != 0 && errno == ENOENT &&
	    ak_sys_stat(MNT "/f1", &sb) != 0 &&
	    (fd = ak_sys_open(MNT "/d/g1", O_RDONLY)) >= 0;
	if (ok) {
		ak_sys_close(fd);
		ok = ak_sys_stat(MNT "/d/g1", &sb) == 0 &&
		    sb.st_size == (off_t)fsize[1];
	}
	return ak_sys_unmount(MNT, 0) == 0 && ok;
}

/*
 * After a faulty run: repairable by fsck.fat -a to an image fsck.fat -n
 * accepts and this driver mounts, with the durable files whole.
 */
static void
after(const char *what, uint64_t n, const struct outcome *o, bool cut)
{
	int i;

	tcheck(o->bad == 0, "%s %llu: a call failed without an errno", what,
	    (unsigned long long)n);
	if (o->errors == 0 && !cut)
		tcheck(tool(tg->check) == 0 && final_ok(), "%s %llu: no "
		    "error reported, yet the image is not what the "
		    "fault-free run left", what,
		    (unsigned long long)n);
	/* The image as the fault left it, kept if the repair fails. */
	tsh("cp '%s' '%s.before'", img, img);
	/*
	 * As an administrator would: repair until the check is clean, at
	 * most three passes (fsck.fat clears a directory entry pointing at
	 * a free cluster in one pass and drops the empty entry in the next).
	 */
	for (i = 0; i < 3 && tool(tg->check) != 0; i++)
		(void)tool(tg->repair);
	if (tool(tg->check) != 0) {
		tsh("mv '%s.before' '%s.unrepaired-%llu'", img, img,
		    (unsigned long long)n);
		tcheck(false, "%s %llu: the reference fsck could not repair "
		    "the image (kept as %s.unrepaired-%llu)", what,
		    (unsigned long long)n, img, (unsigned long long)n);
	} else
		tcheck(true, "repaired");
	if (ak_sys_mount(tg->type, MNT, AK_MNT_RDONLY, img, NULL) != 0) {
		tcheck(false, "%s %llu: repaired image does not mount: %s",
		    what, (unsigned long long)n, strerror(errno));
		return;
	}
	for (i = 0; i < 8; i++)
		if (o->durable[i])
			tcheck(intact(i), "%s %llu: %s was fsynced before the "
			    "cut but is not intact", what,
			    (unsigned long long)n, fname[i]);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "%s %llu: unmount", what,
	    (unsigned long long)n);
}

static void
fresh(void)
{
	if (tsh("cp '%s' '%s'", pristine, img) != 0)
		tcheck(false, "copy of the pristine image");
}

enum kind { K_ALLOC, K_READ, K_WRITE, K_CUT_ALL, K_CUT_SOME };
static const char *const kname[] = { "ENOMEM at allocation",
    "EIO at read", "EIO at write", "power cut (all lost) after write",
    "power cut (some lost) after write" };

/* One fault of kind at every sampled point in [1, total]. */
static void
sweep(enum kind k, uint64_t total)
{
	struct outcome o;
	uint64_t n, step = total / MAXPOINTS + 1;
	char what[128];

	snprintf(what, sizeof(what), "%s: %s", tg->type, kname[k]);
	for (n = 1; n <= total; n += step) {
		fresh();
		hypfault_reset();
		switch (k) {
		case K_ALLOC:	hypfault_fail_alloc(n); break;
		case K_READ:	hypfault_fail_read(n); break;
		case K_WRITE:	hypfault_fail_write(n); break;
		case K_CUT_ALL:
			hypfault_crash_after(n, HYPFAULT_CRASH_ALL, (uint32_t)n);
			break;
		case K_CUT_SOME:
			hypfault_crash_after(n, HYPFAULT_CRASH_SOME,
			    (uint32_t)n);
			break;
		}
		o = workload();
		hypfault_reset();
		after(what, n, &o, k == K_CUT_ALL || k == K_CUT_SOME);
	}
}

/* The fault-free run, then every sweep, on target tg. */
static void
run_target(void)
{
	struct hypfault_stats st;
	struct outcome o;
	char cmd[2048];

	if (tsh("command -v %.*s >/dev/null", (int)strcspn(tg->check, " "),
	    tg->check) != 0) {
		printf("SKIP: %s fault injection (%.*s not installed)\n",
		    tg->type, (int)strcspn(tg->check, " "), tg->check);
		return;
	}
	if (!(ak_fscaps(tg->type) & AK_FSCAP_WRITE)) {
		printf("SKIP: %s fault injection (the driver cannot write)\n",
		    tg->type);
		return;
	}
	snprintf(cmd, sizeof(cmd), tg->mkfs, pristine);
	if (tsh("rm -f '%s' && %s >/dev/null", pristine, cmd) != 0) {
		tcheck(false, "%s: %s", tg->type, cmd);
		return;
	}
	fresh();
	hypfault_reset();
	o = workload();
	hypfault_stats(&st);
	tcheck(o.errors == 0 && st.injected == 0, "%s: fault-free run: %d "
	    "errors", tg->type, o.errors);
	tcheck(tool(tg->check) == 0 && final_ok(), "%s: fault-free run: "
	    "reference fsck, or the tree it left", tg->type);
	printf("%s: fault-free run: %llu allocations, %llu reads, %llu "
	    "writes, %llu flushes\n", tg->type, (unsigned long long)st.allocs,
	    (unsigned long long)st.reads, (unsigned long long)st.writes,
	    (unsigned long long)st.flushes);
	sweep(K_ALLOC, st.allocs);
	sweep(K_READ, st.reads);
	sweep(K_WRITE, st.writes);
	sweep(K_CUT_ALL, st.writes);
	sweep(K_CUT_SOME, st.writes);
}

int
main(void)
{
	const char *t = getenv("AK_TESTDIR");
	size_t i;

	alarm(1500);
	snprintf(dir, sizeof(dir), "%s/fault", t ? t : "/tmp");
	snprintf(pristine, sizeof(pristine), "%s/pristine.img", dir);
	snprintf(img, sizeof(img), "%s/work.img", dir);
	if (tsh("rm -rf '%s' && mkdir -p '%s'", dir, dir) != 0 ||
	    ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: setup: %s\n", strerror(errno));
		printf("fault_test: 0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		tg = &targets[i];
		run_target();
	}
	tcheck(ak_fini() == 0, "ak_fini: %s", strerror(errno));
	return tsummary("fault_test");
}
