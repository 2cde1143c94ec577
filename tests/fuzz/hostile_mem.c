/*
 * hostile_mem.c: the memory a hostile image can make the kernel use is
 * bounded by AK_MEMLIMIT plus a small constant.
 *
 * Every seed and regression input of every fuzzed driver
 * (tests/fuzz/corpus/TYPE, tests/fuzz/regress/TYPE: each TYPE with a
 * corpus directory, so a new driver is covered), and images with a
 * size field blown up (made here from the seeds), run through the fuzz
 * harness (fuzz_fs.c: mount, walk, read everything, then a few writes)
 * in a child process booted with ak_init_opts("memlimit=8m") on the
 * fault-injection host, which counts the bytes the kernel holds.  Checked
 * for each input:
 *
 *  - the kernel's peak (hyp_malloc minus hyp_free) stays under
 *    AK_MEMLIMIT + SLACK, and no single request exceeds AK_MEMLIMIT (a
 *    size taken from the image without a limit would);
 *  - the child's peak resident set (ru_maxrss), less that of a child
 *    that ran an empty input, stays under AK_MEMLIMIT + RSS_SLACK (not
 *    under ASan, whose quarantine and shadow inflate the resident set);
 *  - no write reaches past the end of the image (the fault host checks
 *    each against the image's size);
 *  - the child finishes in time (alarm) and without a crash;
 *  - for the synthetic images: the mount is refused when a superblock
 *    claims more than the device holds, or the blown-up structure gives
 *    an error when read.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "hyp/test/hyp_fault.h"
#include "tests/fuzz/fuzz.h"
#include "tests/lib/tcheck.h"

#include "tests/fuzz/hostile.h"

#define SLACK		(4ULL << 20)	/* kernel structures, not cache */
#define RSS_SLACK	(16ULL << 20)	/* + the host's codecs, malloc arenas */
#define CHILD_SECS	20

#if defined(__SANITIZE_ADDRESS__)
#define ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN	1
#endif
#endif

uint8_t img[MAXIMG];
uint64_t memlimit = MEMLIMIT;
uint64_t maxvnodes;
char dir[1024];
static long base_rss;		/* KiB, of a child given an empty input */

/*
 * For a synthetic image: mount it and read path (a file, or a directory
 * when it ends in '/') whole; the first error into r.
 */
static void
probe(const char *type, size_t len, const char *path, struct report *r)
{
	static char buf[65536];
	char file[1200], full[600];
	struct ak_dirent *d;
	AK_DIR *dp;
	ssize_t n;
	int fd, i;

	snprintf(file, sizeof(file), "%s/probe.img", dir);
	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return;
	(void)!write(fd, img, len);	/* a short image: the mount sees it */
	close(fd);
	if (ak_sys_mount(type, "/p", AK_MNT_RDONLY, file, NULL) != 0) {
		r->mount_err = errno;
		return;
	}
	snprintf(full, sizeof(full), "/p/%s", path);
	if (path[strlen(path) - 1] == '/') {
		if ((dp = ak_sys_opendir(full)) == NULL)
			r->read_err = errno;
		for (i = 0; dp != NULL && i < 100000; i++) {
			errno = 0;
			if ((d = ak_sys_readdir(dp)) == NULL) {
				r->read_err = errno;
				break;
			}
		}
		if (dp != NULL)
			ak_sys_closedir(dp);
	} else if ((fd = ak_sys_open(full, O_RDONLY)) < 0)
		r->read_err = errno;
	else {
		for (i = 0; i < 64; i++)	/* at most 4 MiB */
			if ((n = ak_sys_read(fd, buf, sizeof(buf))) <= 0) {
				r->read_err = n < 0 ? errno : 0;
				break;
			}
		ak_sys_close(fd);
	}
	(void)ak_sys_unmount("/p", AK_MNT_FORCE);
}

/* The child: boot, run the input, report on fd. */
static void
child_run(const char *type, size_t len, const char *path, int fd)
{
	struct hypfault_stats st;
	struct report r;
	char opts[64];

	alarm(CHILD_SECS);
	memset(&r, 0, sizeof(r));
	snprintf(opts, sizeof(opts), "memlimit=%llu,maxvnodes=%llu",
	    (unsigned long long)memlimit,
	    (unsigned long long)(maxvnodes ? maxvnodes : 16384));
	if (ak_init_opts(opts) != 0 ||
	    ak_sys_mkdir("/p", 0755) != 0)
		_exit(2);
	if (path != NULL)
		probe(type, len, path, &r);
	else
		fuzz_one(type, img, len);
	hypfault_stats(&st);
	r.peak = st.mem_peak;
	r.maxreq = st.mem_maxreq;
	r.past_end = st.past_end_writes;
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(3);
	_exit(0);
}

/*
 * Run img[0..len) as type in a child (the harness, or probe(path) when
 * path is set); 0 with r and the child's peak RSS in KiB, or -1.
 */
static int
run(const char *type, size_t len, const char *path, struct report *r,
    long *rss, char *why, size_t whylen)
{
	struct rusage ru;
	int p[2], status;
	pid_t pid;
	ssize_t n;

	fflush(stdout);
	if (pipe(p) != 0 || (pid = fork()) < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child_run(type, len, path, p[1]);
	}
	close(p[1]);
	n = read(p[0], r, sizeof(*r));
	close(p[0]);
	if (wait4(pid, &status, 0, &ru) != pid) {
		snprintf(why, whylen, "wait4: %s", strerror(errno));
		return -1;
	}
	*rss = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    n != (ssize_t)sizeof(*r)) {
		snprintf(why, whylen, "child %s %d (%s)", WIFEXITED(status) ?
		    "exited" : "killed by signal", WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status),
		    WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ?
		    "over the time limit" : "crash or abort");
		return -1;
	}
	return 0;
}

/* Run one input and check the bounds; name says what it is. */
void
check_input(const char *type, size_t len, const char *name,
    const char *path, struct report *r)
{
	char why[256];
	long rss;

	memset(r, 0, sizeof(*r));
	if (run(type, len, path, r, &rss, why, sizeof(why)) != 0) {
		tcheck(false, "%s: %s", name, why);
		r->mount_err = -1;
		return;
	}
	tcheck(r->peak <= memlimit + SLACK, "%s: the kernel held %llu KiB "
	    "at its peak (bound %llu KiB)", name,
	    (unsigned long long)r->peak >> 10,
	    (unsigned long long)(memlimit + SLACK) >> 10);
	tcheck(r->maxreq <= MEMLIMIT, "%s: one allocation of %llu bytes",
	    name, (unsigned long long)r->maxreq);
	tcheck(r->past_end == 0, "%s: %llu writes past the end of the image",
	    name, (unsigned long long)r->past_end);
#ifndef ASAN
	/* img is resident whole in every child, the empty one's too. */
	tcheck(rss - base_rss <= (long)((memlimit + RSS_SLACK) >> 10),
	    "%s: peak RSS %ld KiB over an empty run's %ld KiB", name,
	    rss - base_rss, base_rss);
#endif
	if (getenv("HOSTILE_VERBOSE") != NULL)
		printf("%s: peak %llu KiB, largest request %llu, RSS +%ld "
		    "KiB\n", name, (unsigned long long)r->peak >> 10,
		    (unsigned long long)r->maxreq, rss - base_rss);
}

size_t
load(const char *path)
{
	FILE *f;
	size_t n;

	memset(img, 0, sizeof(img));
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(img, 1, sizeof(img), f);
	fclose(f);
	return n;
}

/* Every file of d through the harness as type. */
static void
corpus_dir(const char *type, const char *d)
{
	struct report r;
	char path[1024];
	struct dirent *e;
	size_t len;
	DIR *dp;

	if ((dp = opendir(d)) == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", d, e->d_name);
		len = load(path);
		tcheck(len > 0, "%s: cannot read", path);
		check_input(type, len, path, NULL, &r);
	}
	closedir(dp);
}

/* Every driver with seeds: tests/fuzz/corpus/TYPE/ (and regress/TYPE/). */
static void
every_driver(void)
{
	struct dirent *e;
	char d[512];
	DIR *dp;

	if ((dp = opendir("tests/fuzz/corpus")) == NULL) {
		tcheck(false, "tests/fuzz/corpus: %s", strerror(errno));
		return;
	}
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(d, sizeof(d), "tests/fuzz/corpus/%s", e->d_name);
		corpus_dir(e->d_name, d);
		snprintf(d, sizeof(d), "tests/fuzz/regress/%s", e->d_name);
		corpus_dir(e->d_name, d);
	}
	closedir(dp);
}

int
main(void)
{
	const char *t = getenv("AK_TESTDIR");
	char why[256];
	struct report r;

	alarm(600);
	snprintf(dir, sizeof(dir), "%s/hostile", t ? t : "/tmp");
	if (tsh("rm -rf '%s' && mkdir -p '%s'", dir, dir) != 0)
		tcheck(false, "mkdir %s", dir);
	memset(img, 0, sizeof(img));
	if (run("vfat", 0, NULL, &r, &base_rss, why, sizeof(why)) != 0) {
		tcheck(false, "an empty input: %s", why);
		return tsummary("hostile_mem");
	}
#ifdef ASAN
	printf("SKIP: hostile_mem: resident set bound (ASan inflates it)\n");
#endif
	every_driver();
	synthetic();
	bound_control();
	tsh("rm -rf '%s'", dir);
	return tsummary("hostile_mem");
}
