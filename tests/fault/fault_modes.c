/*
 * fault_modes.c: the deterministic modes of the fault-injection host
 * (hyp/test): the virtual clock, seeded random bytes, the fault at the
 * Nth write to one block, and choosing them through ak_init_opts (the
 * AK_FAULT_* parameters).
 *
 * Oracles: file times read back through the driver and by the reference
 * tools (debugfs for ext4, mdir for FAT) equal the virtual time exactly;
 * two processes booted with the same options see the same times and the
 * same random bytes; a block fault is injected exactly once, only at the
 * Nth write that covers the named block (counted in a fault-free run),
 * reaches the caller as EIO, and leaves that block as it was; writes
 * past the end of an image are counted (none normally, some once the
 * image is cut short under a mount).
 */
#define _HYP			/* to call hyp_getrandom directly */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "hyp/hyp.h"
#include "hyp/test/hyp_fault.h"
#include "tests/lib/tcheck.h"

#define T0	1600000000LL	/* 2020-09-13 12:26:40 UTC, even */
#define MNT	"/mnt"

static char dir[1024], img[1200], ref[1200];

/* Create path with len bytes of c; 0 or an errno. */
static int
mkfile(const char *path, size_t len, int c)
{
	static char buf[8192];
	int fd, error = 0;

	memset(buf, c, sizeof(buf));
	if ((fd = ak_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return errno;
	if (len > sizeof(buf))
		len = sizeof(buf);
	if (ak_sys_write(fd, buf, len) != (ssize_t)len)
		error = errno ? errno : EIO;
	if (ak_sys_fsync(fd) != 0 && error == 0)
		error = errno;
	if (ak_sys_close(fd) != 0 && error == 0)
		error = errno;
	return error;
}

static bool
mtime_is(const char *path, long long sec, long nsec)
{
	struct stat sb;

	return ak_sys_stat(path, &sb) == 0 && sb.st_mtim.tv_sec == sec &&
	    sb.st_mtim.tv_nsec == nsec;
}

/*
 * In a child process: boot with opts, create three tmpfs files, print
 * their mtimes (and 16 random bytes) on fd; exits 0, or 1 if the boot
 * failed (the errno is printed instead).
 */
static void
child_run(const char *opts, int fd)
{
	unsigned char r[16];
	struct stat sb;
	char path[32];
	int i;

	if (ak_init_opts(opts) != 0) {
		dprintf(fd, "boot: %d\n", errno);
		_exit(1);
	}
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		if (mkfile(path, 10, 'a') != 0 || ak_sys_stat(path, &sb) != 0)
			_exit(2);
		dprintf(fd, "%lld.%09ld\n", (long long)sb.st_mtim.tv_sec,
		    (long)sb.st_mtim.tv_nsec);
	}
	if (hyp_getrandom(r, sizeof(r)) != 0)
		_exit(3);
	for (i = 0; i < (int)sizeof(r); i++)
		dprintf(fd, "%02x", r[i]);
	dprintf(fd, "\n");
	_exit(0);
}

/* Run child_run(opts) in a fork; its output into out, its exit status. */
static int
child(const char *opts, char *out, size_t len)
{
	int p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(p) != 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		child_run(opts, p[1]);
	}
	close(p[1]);
	while ((size_t)got < len - 1 &&
	    (n = read(p[0], out + got, len - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Options chosen at boot, in separate processes (before our own boot). */
static void
test_opts(void)
{
	char a[512], b[512], c[512];
	long long s0, s1, s2;
	long n0, n1, n2;

	tcheck(child("fault_clock=1600000000+1000,fault_seed=42", a,
	    sizeof(a)) == 0, "boot with fault_clock and fault_seed: %s", a);
	tcheck(child("fault_clock=1600000000+1000,fault_seed=42", b,
	    sizeof(b)) == 0 && strcmp(a, b) == 0, "two runs with the same "
	    "options differ:\n%s---\n%s", a, b);
	tcheck(sscanf(a, "%lld.%ld %lld.%ld %lld.%ld", &s0, &n0, &s1, &n1,
	    &s2, &n2) == 6 && s0 == T0 && s1 == T0 && s2 == T0 && n0 < n1 &&
	    n1 < n2 && n2 < 1000000, "a clock stepping 1 us per reading from "
	    "%lld: times %s", T0, a);
	tcheck(child("fault_clock=1600000000+1000,fault_seed=43", c,
	    sizeof(c)) == 0 && strlen(a) == strlen(c) && strlen(a) > 33,
	    "boot with another seed: %s", c);
	/* The last line (32 hex digits and a newline) is the random one. */
	tcheck(strlen(a) > 33 && strcmp(a + strlen(a) - 33,
	    c + strlen(a) - 33) != 0, "another seed, other random bytes");
	tcheck(strlen(a) > 33 && strncmp(a, c, strlen(a) - 33) == 0,
	    "the times do not depend on the seed");
	tcheck(child("fault_clock=soon", a, sizeof(a)) == 1 &&
	    atoi(a + 6) == EINVAL, "a malformed fault_clock: EINVAL, got %s",
	    a);
	tcheck(child("Memlimit=8m", a, sizeof(a)) == 1 && atoi(a + 6) ==
	    EINVAL, "a name in upper case: EINVAL, got %s", a);
	tcheck(child("memlimit", a, sizeof(a)) == 1 && atoi(a + 6) ==
	    EINVAL, "a name without a value: EINVAL, got %s", a);
	tcheck(child("fault_crash=3:some:5,fault_blockwrite=1024:2,"
	    "fault_read=7,fault_write=0x10", a, sizeof(a)) == 0,
	    "every fault parameter, well formed: boots: %s", a);
	tcheck(child("fault_crash=3:most", a, sizeof(a)) == 1 &&
	    atoi(a + 6) == EINVAL, "fault_crash=3:most: EINVAL, got %s", a);
	tcheck(child("fault_blockwrite=1024", a, sizeof(a)) == 1 &&
	    atoi(a + 6) == EINVAL, "fault_blockwrite without N: EINVAL, "
	    "got %s", a);
	tcheck(child("fault_alloc=1", a, sizeof(a)) == 1 &&
	    atoi(a + 6) == ENOMEM, "fault_alloc=1: the boot's first "
	    "allocation fails: ENOMEM, got %s", a);
	tcheck(child("fault_alloc=100000000", a, sizeof(a)) == 0,
	    "fault_alloc beyond the run: boots: %s", a);
}

/* Seeded random bytes, steered from here. */
static void
test_random(void)
{
	unsigned char a[64], b[64], c[64];

	hypfault_random_seed(7);
	tcheck(hyp_getrandom(a, sizeof(a)) == 0, "hyp_getrandom");
	hypfault_random_seed(7);
	tcheck(hyp_getrandom(b, 5) == 0 && hyp_getrandom(b + 5, 59) == 0 &&
	    memcmp(a, b, 5) == 0, "the same seed, the same first bytes");
	hypfault_random_seed(8);
	tcheck(hyp_getrandom(c, sizeof(c)) == 0 && memcmp(a, c, 64) != 0,
	    "another seed, other bytes");
	hypfault_random_off();
	tcheck(hyp_getrandom(b, sizeof(b)) == 0 &&
	    hyp_getrandom(c, sizeof(c)) == 0 && memcmp(b, c, 64) != 0,
	    "the host's random bytes once the seed is off");
}

/* Virtual time through tmpfs, ext4 and FAT, checked by the tools. */
static void
test_clock(void)
{
	char out[4096];
	FILE *p;
	size_t n;

	hypfault_clock(T0, 0);
	tcheck(mkfile("/t0", 1, 'x') == 0 && mtime_is("/t0", T0, 0),
	    "tmpfs: a file made at virtual time %lld", T0);
	hypfault_clock_advance(3600ULL * 1000000000 + 123456789);
	tcheck(mkfile("/t0", 1, 'x') == 0 &&
	    mtime_is("/t0", T0 + 3600, 123456789), "tmpfs: an hour and "
	    "123456789 ns later");

	/* ext4: the driver's times as debugfs reads them (ns included). */
	if (tsh("mke2fs -q -F -t ext4 -I 256 '%s' 4M >/dev/null", img) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(false, "ext4: mke2fs and mount: %s", strerror(errno));
		return;
	}
	hypfault_clock(T0, 0);
	hypfault_clock_advance(500000000);
	tcheck(mkfile(MNT "/e", 100, 'e') == 0 &&
	    mtime_is(MNT "/e", T0, 500000000), "ext4: mtime through the "
	    "driver");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "ext4: unmount");
	tcheck(tsh("debugfs -R 'stat /e' '%s' 2>/dev/null | grep -q "
	    "'mtime: 0x%08llx:%08x'", img, T0, 500000000 << 2) == 0,
	    "ext4: debugfs shows mtime %llx.5 s", T0);

	/* FAT stores local 2-second times; the driver's zone is UTC. */
	if (tsh("rm -f '%s' && mkfs.fat -C '%s' 2048 >/dev/null", img,
	    img) != 0 ||
	    ak_sys_mount("vfat", MNT, 0, img, NULL) != 0) {
		tcheck(false, "vfat: mkfs and mount: %s", strerror(errno));
		return;
	}
	hypfault_clock(T0 + 86400 * 3 + 3, 0);	/* 2020-09-16 12:26:43 */
	tcheck(mkfile(MNT "/F", 100, 'f') == 0 &&
	    mtime_is(MNT "/F", T0 + 86400 * 3 + 2, 0), "vfat: mtime "
	    "rounded down to 2 s");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "vfat: unmount");
	snprintf(out, sizeof(out), "MTOOLS_SKIP_CHECK=1 mdir -i '%s' ::/F "
	    "2>&1", img);
	n = 0;
	if ((p = popen(out, "r")) != NULL) {
		n = fread(out, 1, sizeof(out) - 1, p);
		pclose(p);
	}
	out[n] = '\0';
	tcheck(strstr(out, "2020-09-16") != NULL && strstr(out, "12:26") !=
	    NULL, "vfat: mdir shows 2020-09-16 12:26: %s", out);
	hypfault_clock_off();
}

/* The ext4 block that holds file /d's data, from debugfs; -1 if none. */
static long long
data_block(void)
{
	char cmd[1400];
	long long b = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'bmap /d 0' '%s' 2>/dev/null",
	    ref);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fscanf(p, "%lld", &b) != 1)
			b = -1;
		pclose(p);
	}
	return b;
}

/* One run: mount img, write /d (8 KiB of 'd'), unmount; errors seen. */
static int
block_run(void)
{
	int errors = 0;

	hypfault_clock(T0, 0);	/* the same times: images compare equal */
	if (ak_sys_mount("ext4", MNT, 0, img, NULL) != 0)
		return 1;
	errors += mkfile(MNT "/d", 8192, 'd') != 0;
	errors += ak_sys_unmount(MNT, 0) != 0;
	if (errors > 0 && ak_sys_unmount(MNT, AK_MNT_FORCE) == 0)
		errors++;
	return errors;
}

/* Bytes of img at off equal to those of ref? */
static bool
same_bytes(uint64_t off, size_t len)
{
	char a[1024], b[1024];
	FILE *f, *g;
	bool same;

	f = fopen(img, "rb");
	g = fopen(ref, "rb");
	same = f != NULL && g != NULL && fseek(f, (long)off, SEEK_SET) == 0 &&
	    fseek(g, (long)off, SEEK_SET) == 0 && fread(a, 1, len, f) == len &&
	    fread(b, 1, len, g) == len && memcmp(a, b, len) == 0;
	if (f != NULL)
		fclose(f);
	if (g != NULL)
		fclose(g);
	return same;
}

/*
 * The Nth write to one block: the data block of a new file (written
 * once) and the superblock (written several times).
 */
static void
test_block(void)
{
	struct hypfault_stats st;
	uint64_t offs[2], w, n;
	long long b;
	int i, errors;

	if (tsh("mke2fs -q -F -t ext4 -b 1024 '%s.pristine' 4M >/dev/null &&"
	    " cp '%s.pristine' '%s'", img, img, ref) != 0) {
		tcheck(false, "mke2fs");
		return;
	}
	/* The fault-free run, into ref, to find and count the writes. */
	tsh("cp '%s.pristine' '%s'", img, img);
	hypfault_reset();
	tcheck(block_run() == 0, "ext4 block run without faults");
	tsh("cp '%s' '%s'", img, ref);
	if ((b = data_block()) <= 0) {
		tcheck(false, "debugfs bmap /d 0");
		return;
	}
	offs[0] = (uint64_t)b * 1024 + 512;	/* inside the data block */
	offs[1] = 1024;				/* the superblock */
	for (i = 0; i < 2; i++) {
		tsh("cp '%s.pristine' '%s'", img, img);
		hypfault_reset();
		hypfault_fail_block_write(offs[i], UINT64_MAX);
		tcheck(block_run() == 0, "block %d: a fault never reached", i);
		hypfault_stats(&st);
		w = st.blockwrites;
		tcheck(w >= 1 && st.injected == 0 && tsh("cmp -s '%s' '%s'",
		    img, ref) == 0, "block %d: %llu writes cover byte %llu, "
		    "image as without faults", i, (unsigned long long)w,
		    (unsigned long long)offs[i]);
		for (n = 1; n <= w + 1; n++) {
			tsh("cp '%s.pristine' '%s'", img, img);
			hypfault_reset();
			hypfault_fail_block_write(offs[i], n);
			errors = block_run();
			hypfault_stats(&st);
			tcheck(st.injected == (n <= w) &&
			    (errors > 0) == (n <= w), "byte %llu, write %llu "
			    "of %llu: %llu injected, %d errors reported",
			    (unsigned long long)offs[i],
			    (unsigned long long)n, (unsigned long long)w,
			    (unsigned long long)st.injected, errors);
		}
	}
	/* The one data write failed: its block is still as mke2fs left it. */
	tsh("cp '%s.pristine' '%s' && cp '%s.pristine' '%s'", img, img, img,
	    ref);
	hypfault_reset();
	hypfault_fail_block_write(offs[0], 1);
	(void)block_run();
	tcheck(same_bytes(offs[0] - 512, 1024), "the failed block was "
	    "left as it was");
	hypfault_reset();
	hypfault_clock_off();
}

/*
 * The count of writes past the end of the image (which hostile_mem
 * asserts is 0): none in a normal run; some once the image file is cut
 * short under a mounted file system that fills it.
 */
static void
test_past_end(void)
{
	struct hypfault_stats st;
	int i;

	for (i = 0; i < 2; i++) {
		if (tsh("rm -f '%s' && mkfs.fat -C '%s' 2048 >/dev/null", img,
		    img) != 0 || ak_sys_mount("vfat", MNT, 0, img, NULL) != 0) {
			tcheck(false, "vfat: mkfs and mount: %s",
			    strerror(errno));
			return;
		}
		hypfault_reset();
		if (i == 1 && truncate(img, 16 * 1024) != 0)
			tcheck(false, "truncate %s", img);
		(void)mkfile(MNT "/big", 8192, 'b');
		(void)mkfile(MNT "/BIG2", 8192, 'b');
		(void)ak_sys_mkdir(MNT "/D", 0755);
		(void)ak_sys_unmount(MNT, 0);
		hypfault_stats(&st);
		tcheck((st.past_end_writes > 0) == (i == 1), "vfat, image %s: "
		    "%llu writes past its end", i ? "cut to 16 KiB" : "whole",
		    (unsigned long long)st.past_end_writes);
	}
}

int
main(void)
{
	const char *t = getenv("AK_TESTDIR");

	alarm(300);
	snprintf(dir, sizeof(dir), "%s/fault_modes", t ? t : "/tmp");
	snprintf(img, sizeof(img), "%s/work.img", dir);
	snprintf(ref, sizeof(ref), "%s/ref.img", dir);
	if (tsh("rm -rf '%s' && mkdir -p '%s'", dir, dir) != 0) {
		printf("FAIL: mkdir %s\nfault_modes: 0 passed, 1 failed\n",
		    dir);
		return 1;
	}
	fflush(stdout);
	test_opts();		/* before our own boot: children boot */
	if (ak_init_opts("verbose=0") != 0 || ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: ak_init_opts: %s\n", strerror(errno));
		return tsummary("fault_modes");
	}
	test_random();
	test_clock();
	test_block();
	test_past_end();
	tcheck(ak_fini() == 0, "ak_fini: %s", strerror(errno));
	tsh("rm -rf '%s'", dir);
	return tsummary("fault_modes");
}
