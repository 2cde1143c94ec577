/*
 * hyp_test.c: the POSIX hypercalls tested directly against the host.
 *
 * The program links the hypervisor objects only (no kernel) and checks
 * each hypercall against the host's own view of the same thing: the file
 * it wrote read back with pread(2), sizes with fstat(2), clocks with
 * clock_gettime(2), locks with flock(2) from another process, errors
 * against the kernel's numbering in sys/errno_list.h.  Temporary files
 * go under $AK_TESTDIR (or /tmp).  Prints "FAIL: ..." for each failed
 * check, "SKIP: ..." for what cannot run here, and as its last line
 * "hyp_test: N passed, M failed"; exits non-zero on any failure.
 */
#ifndef _HYP
#define _HYP
#endif
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The codec libraries, to make the data the codec service must undo. */
#include <pthread.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "hyp/hyp.h"
#include "hyp/posix/hyp_posix.h"

/* The kernel's error numbers, as K_ENOENT and so on. */
enum {
#define ERRNO(name, num, msg)	K_##name = num,
#include "sys/errno_list.h"
#undef ERRNO
};

#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL

static int npass;		/* checks passed */
static int nfail;		/* checks failed */
static char testdir[1024];	/* $AK_TESTDIR or /tmp */

/*
 * Checks.
 */

static void
check(int ok, const char *what, int line)
{
	if (ok) {
		npass++;
		return;
	}
	nfail++;
	printf("FAIL: hyp_test.c:%d: %s\n", line, what);
}

static void
check_eq(long long a, long long b, const char *sa, const char *sb, int line)
{
	if (a == b) {
		npass++;
		return;
	}
	nfail++;
	printf("FAIL: hyp_test.c:%d: %s == %s: %lld != %lld\n", line, sa, sb,
	    a, b);
}

#define CHECK(e)	check((e) != 0, #e, __LINE__)
#define CHECK_EQ(a, b)	check_eq((long long)(a), (long long)(b), #a, #b, \
			    __LINE__)

/* Nanoseconds on the host's monotonic clock: the oracle for durations. */
static long long
host_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void
tmppath(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/hyp_test.%ld.%s", testdir, (long)getpid(),
	    name);
}

/*
 * Initialisation, parameters, memory.
 */

static int lwp_exits;		/* hu_lwp_exit upcalls seen */
static void *lwp_exit_last;	/* the last curlwp handed to it */
static struct hyp_mtx *lwp_mtx;	/* protects the two above */

static void
test_lwp_exit(void *l)
{
	hyp_mutex_enter(lwp_mtx);
	lwp_exits++;
	lwp_exit_last = l;
	hyp_mutex_exit(lwp_mtx);
}

static void
test_init(void)
{
	struct hyp_upcalls up = { .hu_lwp_exit = test_lwp_exit };

	CHECK_EQ(hyp_init(HYP_VERSION + 1, &up), K_EINVAL);
	CHECK_EQ(hyp_init(0, NULL), K_EINVAL);
	CHECK_EQ(hyp_init(HYP_VERSION, &up), 0);
	/* Calling again (after a kernel shut-down) is allowed. */
	CHECK_EQ(hyp_init(HYP_VERSION, &up), 0);
	CHECK_EQ(hyp_mutex_init(&lwp_mtx), 0);
}

static void
test_param(void)
{
	static const char *const names[] = {
		"AK_MEMLIMIT", "AK_NCPU", "AK_VERBOSE"
	};
	static const char *const vals[] = { "64M", "3", "2" };
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		setenv(names[i], vals[i], 1);
		memset(buf, 'x', sizeof(buf));
		CHECK_EQ(hyp_getparam(names[i], buf, sizeof(buf)), 0);
		CHECK(strcmp(buf, vals[i]) == 0);
		/* Exactly the length and its NUL fits; one less does not. */
		CHECK_EQ(hyp_getparam(names[i], buf, strlen(vals[i]) + 1), 0);
		CHECK_EQ(hyp_getparam(names[i], buf, strlen(vals[i])),
		    K_ENAMETOOLONG);
		CHECK_EQ(hyp_getparam(names[i], buf, 0), K_ENAMETOOLONG);
		unsetenv(names[i]);
		if (strcmp(names[i], "AK_NCPU") != 0) {
			CHECK_EQ(hyp_getparam(names[i], buf, sizeof(buf)),
			    K_ENOENT);
			continue;
		}
		/* Unset AK_NCPU is the host's processors online. */
		CHECK_EQ(hyp_getparam(names[i], buf, sizeof(buf)), 0);
		CHECK_EQ(strtol(buf, NULL, 10), sysconf(_SC_NPROCESSORS_ONLN));
	}
	setenv("AK_VERBOSE", "", 1);
	CHECK_EQ(hyp_getparam("AK_VERBOSE", buf, sizeof(buf)), 0);
	CHECK_EQ(buf[0], '\0');
	unsetenv("AK_VERBOSE");
}

static void
test_mem(void)
{
	static const hyp_u64 aligns[] = { 0, 1, 8, 16, 64, 4096, 65536 };
	static const hyp_u64 sizes[] = { 0, 1, 13, 4096, 100000 };
	size_t i, j;
	void *p;

	for (i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			p = NULL;
			CHECK_EQ(hyp_malloc(sizes[j], aligns[i], &p), 0);
			CHECK(p != NULL);
			if (p == NULL)
				continue;
			if (aligns[i] != 0)
				CHECK_EQ((uintptr_t)p & (aligns[i] - 1), 0);
			/* Every byte is ours: ASan builds would notice. */
			memset(p, 0xa5, sizes[j]);
			hyp_free(p, sizes[j]);
		}
	}
	CHECK_EQ(hyp_malloc(16, 3, &p), K_EINVAL);
	CHECK_EQ(hyp_malloc(16, 48, &p), K_EINVAL);
	CHECK_EQ(hyp_malloc(UINT64_MAX, 0, &p), K_ENOMEM);
	/*
	 * Past PTRDIFF_MAX: refused before the host allocator sees it (a
	 * sanitizer's allocator would abort on such a request).
	 */
	CHECK_EQ(hyp_malloc((hyp_u64)PTRDIFF_MAX + 1, 4096, &p), K_ENOMEM);
}

/*
 * Clocks, sleep, randomness.
 */

static void
test_clock(void)
{
	hyp_i64 s, ns, ps, pns;
	struct timespec host;
	int i, ok;

	CHECK_EQ(hyp_clock_gettime(7, &s, &ns), K_EINVAL);
	CHECK_EQ(hyp_clock_gettime(HYP_CLOCK_WALL, &s, &ns), 0);
	clock_gettime(CLOCK_REALTIME, &host);
	CHECK(ns >= 0 && ns < NSEC_PER_SEC);
	CHECK(s <= host.tv_sec && s >= host.tv_sec - 1);
	CHECK_EQ(hyp_clock_gettime(HYP_CLOCK_MONO, &ps, &pns), 0);
	clock_gettime(CLOCK_MONOTONIC, &host);
	CHECK(ps <= host.tv_sec && ps >= host.tv_sec - 1);

	/* Never goes backwards, over many reads. */
	ok = 1;
	for (i = 0; i < 100000; i++) {
		if (hyp_clock_gettime(HYP_CLOCK_MONO, &s, &ns) != 0 ||
		    ns < 0 || ns >= NSEC_PER_SEC ||
		    s < ps || (s == ps && ns < pns))
			ok = 0;
		ps = s;
		pns = ns;
	}
	CHECK(ok);
}

static volatile sig_atomic_t alarms;	/* SIGALRMs caught */

static void
on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/*
 * Sleep for 120 ms while a timer interrupts every 10 ms (no SA_RESTART):
 * the sleep must still last the full time.
 */
static void
test_sleep(void)
{
	struct sigaction sa, osa;
	struct itimerval it, oit;
	long long t0, dt;

	CHECK_EQ(hyp_clock_sleep(-1, 0), K_EINVAL);
	CHECK_EQ(hyp_clock_sleep(0, -1), K_EINVAL);
	CHECK_EQ(hyp_clock_sleep(0, NSEC_PER_SEC), K_EINVAL);
	CHECK_EQ(hyp_clock_sleep(0, 0), 0);

	t0 = host_mono_ns();
	CHECK_EQ(hyp_clock_sleep(0, 50 * NSEC_PER_MSEC), 0);
	dt = host_mono_ns() - t0;
	CHECK(dt >= 50 * NSEC_PER_MSEC);
	CHECK(dt < 3 * NSEC_PER_SEC);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &osa);
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = 10000;
	it.it_value.tv_usec = 10000;
	alarms = 0;
	setitimer(ITIMER_REAL, &it, &oit);
	t0 = host_mono_ns();
	CHECK_EQ(hyp_clock_sleep(0, 120 * NSEC_PER_MSEC), 0);
	dt = host_mono_ns() - t0;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &osa, NULL);
	CHECK(dt >= 120 * NSEC_PER_MSEC);
	CHECK(dt < 3 * NSEC_PER_SEC);
	CHECK(alarms > 0);
}

static void
test_random(void)
{
	unsigned char a[4096], b[4096];
	size_t i, same;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK_EQ(hyp_getrandom(a, sizeof(a)), 0);
	CHECK_EQ(hyp_getrandom(b, sizeof(b)), 0);
	CHECK_EQ(hyp_getrandom(a, 0), 0);
	for (i = 1, same = 0; i < sizeof(a); i++)
		same += a[i] == a[0];
	CHECK(same < sizeof(a) - 1);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* The tail of a buffer is filled too, not only its start. */
	for (i = 2048, same = 0; i < sizeof(b); i++)
		same += b[i] == 0;
	CHECK(same < 2048 / 8);
	/* The /dev/urandom fallback works on its own. */
	memset(a, 0, sizeof(a));
	CHECK_EQ(hyp_posix_urandom(a, sizeof(a)), 0);
	for (i = 0, same = 0; i < sizeof(a); i++)
		same += a[i] == 0;
	CHECK(same < sizeof(a) / 8);
}

/*
 * Threads and locks.
 */

#define NTHREADS	4
#define NINCR		200000

struct counter {
	struct hyp_mtx	*c_mtx;		/* protects c_value */
	long		 c_value;	/* incremented by every thread */
	int		 c_lwp_ok;	/* threads whose curlwp stayed theirs */
};

static void *
count_thread(void *arg)
{
	struct counter *c = arg;
	int i, mine;

	hyp_curlwp_set(&mine);
	for (i = 0; i < NINCR; i++) {
		hyp_mutex_enter(c->c_mtx);
		c->c_value++;
		hyp_mutex_exit(c->c_mtx);
	}
	hyp_mutex_enter(c->c_mtx);
	if (hyp_curlwp() == &mine)
		c->c_lwp_ok++;
	hyp_mutex_exit(c->c_mtx);
	/* Leave a context set: the exit upcall must see it. */
	hyp_curlwp_set(c);
	return NULL;
}

/* Another thread's try at a lock, and its answer. */
struct tryarg {
	struct hyp_mtx	*ta_mtx;	/* mutex to try, or NULL */
	struct hyp_rw	*ta_rw;		/* rwlock to try, or NULL */
	int		 ta_result;	/* answer: rw gives rd << 8 | wr */
};

static void *
try_thread(void *arg)
{
	struct tryarg *ta = arg;
	int rd, wr;

	if (ta->ta_mtx != NULL) {
		ta->ta_result = hyp_mutex_tryenter(ta->ta_mtx);
		if (ta->ta_result == 0)
			hyp_mutex_exit(ta->ta_mtx);
		return NULL;
	}
	rd = hyp_rw_tryenter(ta->ta_rw, HYP_RW_READER);
	if (rd == 0)
		hyp_rw_exit(ta->ta_rw);
	wr = hyp_rw_tryenter(ta->ta_rw, HYP_RW_WRITER);
	if (wr == 0)
		hyp_rw_exit(ta->ta_rw);
	ta->ta_result = rd << 8 | wr;
	return NULL;
}

/* Try m or rw from a new thread; its answer, or -1 if none. */
static int
try_other(struct hyp_mtx *m, struct hyp_rw *rw)
{
	struct hyp_thread *t;
	struct tryarg ta = { .ta_mtx = m, .ta_rw = rw, .ta_result = -1 };

	if (hyp_thread_create(try_thread, &ta, "a-very-long-thread-name",
	    HYP_THREAD_JOINABLE, &t) != 0)
		return -1;
	if (hyp_thread_join(t) != 0)
		return -1;
	return ta.ta_result;
}

static void
test_mutex(void)
{
	struct hyp_thread *t[NTHREADS];
	struct counter c;
	int i, exits0;

	memset(&c, 0, sizeof(c));
	CHECK_EQ(hyp_mutex_init(&c.c_mtx), 0);
	CHECK(hyp_curlwp() == NULL);
	hyp_mutex_enter(lwp_mtx);
	exits0 = lwp_exits;
	hyp_mutex_exit(lwp_mtx);
	for (i = 0; i < NTHREADS; i++)
		CHECK_EQ(hyp_thread_create(count_thread, &c, "hyp_test_count",
		    HYP_THREAD_JOINABLE, &t[i]), 0);
	for (i = 0; i < NTHREADS; i++)
		CHECK_EQ(hyp_thread_join(t[i]), 0);
	CHECK_EQ(c.c_value, (long)NTHREADS * NINCR);
	CHECK_EQ(c.c_lwp_ok, NTHREADS);
	CHECK(hyp_curlwp() == NULL);
	hyp_mutex_enter(lwp_mtx);
	CHECK_EQ(lwp_exits - exits0, NTHREADS);
	CHECK(lwp_exit_last == &c);
	hyp_mutex_exit(lwp_mtx);

	/* tryenter: EBUSY while another thread holds the mutex. */
	CHECK_EQ(try_other(c.c_mtx, NULL), 0);
	CHECK_EQ(hyp_mutex_tryenter(c.c_mtx), 0);
	CHECK_EQ(try_other(c.c_mtx, NULL), K_EBUSY);
	hyp_mutex_exit(c.c_mtx);
	CHECK_EQ(try_other(c.c_mtx, NULL), 0);
	hyp_mutex_destroy(c.c_mtx);
}

struct rwstate {
	struct hyp_rw	*r_rw;		/* the lock under test */
	long		 r_value;	/* written under r_rw as writer */
	int		 r_torn;	/* readers that saw a torn pair */
	long		 r_pair[2];	/* written together by writers */
	struct hyp_mtx	*r_mtx;		/* protects r_torn */
};

static void *
rw_thread(void *arg)
{
	struct rwstate *r = arg;
	long a, b;
	int i;

	for (i = 0; i < 20000; i++) {
		if (i % 4 == 0) {
			hyp_rw_enter(r->r_rw, HYP_RW_WRITER);
			r->r_value++;
			r->r_pair[0]++;
			r->r_pair[1]++;
			hyp_rw_exit(r->r_rw);
			continue;
		}
		hyp_rw_enter(r->r_rw, HYP_RW_READER);
		a = r->r_pair[0];
		b = r->r_pair[1];
		hyp_rw_exit(r->r_rw);
		if (a != b) {
			hyp_mutex_enter(r->r_mtx);
			r->r_torn++;
			hyp_mutex_exit(r->r_mtx);
		}
	}
	return NULL;
}

static void
test_rwlock(void)
{
	struct hyp_thread *t[NTHREADS];
	struct rwstate r;
	int i;

	memset(&r, 0, sizeof(r));
	CHECK_EQ(hyp_rw_init(&r.r_rw), 0);
	CHECK_EQ(hyp_mutex_init(&r.r_mtx), 0);
	for (i = 0; i < NTHREADS; i++)
		CHECK_EQ(hyp_thread_create(rw_thread, &r, "hyp_test_rw",
		    HYP_THREAD_JOINABLE, &t[i]), 0);
	for (i = 0; i < NTHREADS; i++)
		CHECK_EQ(hyp_thread_join(t[i]), 0);
	CHECK_EQ(r.r_value, (long)NTHREADS * 5000);
	CHECK_EQ(r.r_torn, 0);

	/* Free: both kinds can be had. */
	CHECK_EQ(try_other(NULL, r.r_rw), 0);
	/* Held as reader: another reader yes, a writer no. */
	hyp_rw_enter(r.r_rw, HYP_RW_READER);
	CHECK_EQ(try_other(NULL, r.r_rw), K_EBUSY);
	CHECK_EQ(hyp_rw_tryenter(r.r_rw, HYP_RW_READER), 0);
	hyp_rw_exit(r.r_rw);
	hyp_rw_exit(r.r_rw);
	/* Held as writer: nothing else. */
	CHECK_EQ(hyp_rw_tryenter(r.r_rw, HYP_RW_WRITER), 0);
	CHECK_EQ(try_other(NULL, r.r_rw), K_EBUSY << 8 | K_EBUSY);
	hyp_rw_exit(r.r_rw);
	CHECK_EQ(try_other(NULL, r.r_rw), 0);
	hyp_rw_destroy(r.r_rw);
	hyp_mutex_destroy(r.r_mtx);
}

struct cvstate {
	struct hyp_mtx	*s_mtx;		/* protects s_flag */
	struct hyp_cv	*s_cv;		/* signalled when s_flag is set */
	int		 s_flag;	/* set by the signalling thread */
	int		 s_done;	/* detached thread finished */
};

static void *
cv_signal_thread(void *arg)
{
	struct cvstate *s = arg;

	hyp_clock_sleep(0, 30 * NSEC_PER_MSEC);
	hyp_mutex_enter(s->s_mtx);
	s->s_flag = 1;
	hyp_cv_broadcast(s->s_cv);
	hyp_mutex_exit(s->s_mtx);
	return NULL;
}

static void *
cv_detached_thread(void *arg)
{
	struct cvstate *s = arg;

	hyp_mutex_enter(s->s_mtx);
	s->s_done = 1;
	hyp_cv_signal(s->s_cv);
	hyp_mutex_exit(s->s_mtx);
	return NULL;
}

static void
test_cv(void)
{
	struct hyp_thread *t;
	struct cvstate s;
	long long t0, dt;
	int error;

	memset(&s, 0, sizeof(s));
	CHECK_EQ(hyp_mutex_init(&s.s_mtx), 0);
	CHECK_EQ(hyp_cv_init(&s.s_cv), 0);

	/* Nobody signals: ETIMEDOUT after about 100 ms, mutex held again. */
	hyp_mutex_enter(s.s_mtx);
	t0 = host_mono_ns();
	error = hyp_cv_timedwait(s.s_cv, s.s_mtx, 0, 100 * NSEC_PER_MSEC);
	dt = host_mono_ns() - t0;
	CHECK_EQ(error, K_ETIMEDOUT);
	CHECK(dt >= 99 * NSEC_PER_MSEC);
	CHECK(dt < 3 * NSEC_PER_SEC);
	CHECK_EQ(hyp_mutex_tryenter(s.s_mtx), K_EBUSY);

	/* A timeout already over, or one with nsec to normalise. */
	CHECK_EQ(hyp_cv_timedwait(s.s_cv, s.s_mtx, -1, 0), K_ETIMEDOUT);
	CHECK_EQ(hyp_cv_timedwait(s.s_cv, s.s_mtx, INT64_MIN, INT64_MIN),
	    K_ETIMEDOUT);
	t0 = host_mono_ns();
	CHECK_EQ(hyp_cv_timedwait(s.s_cv, s.s_mtx, 1, -950 * NSEC_PER_MSEC),
	    K_ETIMEDOUT);
	dt = host_mono_ns() - t0;
	CHECK(dt >= 49 * NSEC_PER_MSEC);
	CHECK(dt < 900 * NSEC_PER_MSEC);

	/* Signalled before the timeout: 0, well before it. */
	CHECK_EQ(hyp_thread_create(cv_signal_thread, &s, "hyp_test_cv",
	    HYP_THREAD_JOINABLE, &t), 0);
	t0 = host_mono_ns();
	error = 0;
	while (!s.s_flag && error == 0)
		error = hyp_cv_timedwait(s.s_cv, s.s_mtx, 10, 0);
	dt = host_mono_ns() - t0;
	CHECK_EQ(error, 0);
	CHECK(s.s_flag);
	CHECK(dt < 5 * NSEC_PER_SEC);
	hyp_mutex_exit(s.s_mtx);
	CHECK_EQ(hyp_thread_join(t), 0);

	/* A detached thread, waited for with hyp_cv_wait. */
	t = (struct hyp_thread *)&s;
	CHECK_EQ(hyp_thread_create(cv_detached_thread, &s, NULL, 0, &t), 0);
	CHECK(t == NULL);
	hyp_mutex_enter(s.s_mtx);
	while (!s.s_done)
		hyp_cv_wait(s.s_cv, s.s_mtx);
	hyp_mutex_exit(s.s_mtx);
	CHECK_EQ(hyp_thread_create(cv_detached_thread, &s, NULL, 0, NULL), 0);
	hyp_clock_sleep(0, 20 * NSEC_PER_MSEC);
	hyp_mutex_enter(s.s_mtx);
	hyp_mutex_exit(s.s_mtx);

	hyp_cv_destroy(s.s_cv);
	hyp_mutex_destroy(s.s_mtx);
}

/*
 * Block objects.
 */

/* Fill buf with a pattern that differs at every offset (mod 251). */
static void
fill_pattern(unsigned char *buf, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)((i + seed) % 251);
}

/* The host's view of the file: pread of len bytes at off into buf. */
static ssize_t
host_pread(const char *path, void *buf, size_t len, off_t off)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	n = pread(fd, buf, len, off);
	close(fd);
	return n;
}

static long long
host_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void
test_blk_flags(const char *path)
{
	struct hyp_blk *b;

	CHECK_EQ(hyp_blk_open(path, 0, &b), K_EINVAL);
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY | HYP_BLK_RDWR, &b),
	    K_EINVAL);
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY | HYP_BLK_CREAT, &b),
	    K_EINVAL);
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDWR | HYP_BLK_LOCK_SH |
	    HYP_BLK_LOCK_EX, &b), K_EINVAL);
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDWR | 0x1000, &b), K_EINVAL);
	/* Missing: the kernel's ENOENT, whatever the host calls it. */
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY, &b), K_ENOENT);
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDWR, &b), K_ENOENT);
	CHECK_EQ(host_size(path), -1);
	CHECK_EQ(hyp_blk_open(testdir, HYP_BLK_RDONLY, &b), K_EISDIR);
	CHECK_EQ(hyp_blk_open("/dev/null", HYP_BLK_RDONLY, &b), K_ENOTBLK);
	CHECK_EQ(hyp_blk_open("/dev/null/x", HYP_BLK_RDWR | HYP_BLK_CREAT,
	    &b), K_ENOTDIR);
}

/* Scatter-gather write and read back, checked against pread. */
static void
test_blk_rw(struct hyp_blk *b, const char *path)
{
	static unsigned char src[3 * 4096 + 7], dst[sizeof(src)];
	static unsigned char host[sizeof(src)];
	struct hyp_iovec iov[HYP_IOV_MAX + 1];
	hyp_u64 done, size;
	hyp_u32 type, secsize;

	CHECK_EQ(hyp_blk_getinfo(b, &size, &type, &secsize), 0);
	CHECK_EQ(size, 0);
	CHECK_EQ(type, HYP_BLKTYPE_FILE);
	CHECK_EQ(secsize, 512);

	/* Three unaligned pieces and an empty one, at an odd offset. */
	fill_pattern(src, sizeof(src), 3);
	iov[0] = (struct hyp_iovec){ src, 1000 };
	iov[1] = (struct hyp_iovec){ src + 1000, 0 };
	iov[2] = (struct hyp_iovec){ src + 1000, 5000 };
	iov[3] = (struct hyp_iovec){ src + 6000, sizeof(src) - 6000 };
	done = 1;
	CHECK_EQ(hyp_blk_write(b, iov, 4, 777, &done), 0);
	CHECK_EQ(done, sizeof(src));
	CHECK_EQ(host_size(path), 777 + sizeof(src));
	CHECK_EQ(host_pread(path, host, sizeof(src), 777), sizeof(src));
	CHECK(memcmp(host, src, sizeof(src)) == 0);
	/* The gap before the data reads as zeros. */
	CHECK_EQ(host_pread(path, host, 777, 0), 777);
	memset(dst, 0, 777);
	CHECK(memcmp(host, dst, 777) == 0);
	CHECK_EQ(hyp_blk_getinfo(b, &size, NULL, NULL), 0);
	CHECK_EQ(size, 777 + sizeof(src));

	/* Read back in a different shape. */
	memset(dst, 0xee, sizeof(dst));
	iov[0] = (struct hyp_iovec){ dst, 1 };
	iov[1] = (struct hyp_iovec){ dst + 1, 4095 };
	iov[2] = (struct hyp_iovec){ dst + 4096, sizeof(dst) - 4096 };
	CHECK_EQ(hyp_blk_read(b, iov, 3, 777, &done), 0);
	CHECK_EQ(done, sizeof(dst));
	CHECK(memcmp(dst, src, sizeof(src)) == 0);

	/* Past the end: short, then nothing, never an error. */
	iov[0] = (struct hyp_iovec){ dst, 100 };
	iov[1] = (struct hyp_iovec){ dst + 100, 100 };
	CHECK_EQ(hyp_blk_read(b, iov, 2, 777 + sizeof(src) - 150, &done), 0);
	CHECK_EQ(done, 150);
	CHECK(memcmp(dst, src + sizeof(src) - 150, 150) == 0);
	CHECK_EQ(hyp_blk_read(b, iov, 2, 1 << 30, &done), 0);
	CHECK_EQ(done, 0);
	CHECK_EQ(hyp_blk_read(b, iov, 0, 0, &done), 0);
	CHECK_EQ(done, 0);

	/* Limits. */
	CHECK_EQ(hyp_blk_read(b, iov, HYP_IOV_MAX + 1, 0, &done), K_EINVAL);
	CHECK_EQ(hyp_blk_read(b, iov, 1, (hyp_u64)INT64_MAX + 1, &done),
	    K_EINVAL);
	CHECK_EQ(hyp_blk_write(b, iov, 1, (hyp_u64)INT64_MAX - 10, &done),
	    K_EINVAL);
	CHECK_EQ(hyp_blk_flush(b), 0);
}

/* HYP_IOV_MAX iovecs of odd sizes totalling about 1 MiB. */
static void
test_blk_big(struct hyp_blk *b, const char *path)
{
	struct hyp_iovec iov[HYP_IOV_MAX];
	unsigned char *src, *dst, *host;
	size_t len, pos;
	hyp_u64 done;
	int i;

	len = 0;
	for (i = 0; i < HYP_IOV_MAX; i++)
		len += 16384 + (size_t)i * 13;
	src = malloc(len);
	dst = calloc(1, len);
	host = malloc(len);
	if (src == NULL || dst == NULL || host == NULL) {
		CHECK(!"out of memory");
		goto out_free;
	}
	CHECK_EQ(hyp_getrandom(src, len), 0);
	for (i = 0, pos = 0; i < HYP_IOV_MAX; i++) {
		iov[i].iov_base = src + pos;
		iov[i].iov_len = 16384 + (size_t)i * 13;
		pos += iov[i].iov_len;
	}
	CHECK_EQ(hyp_blk_write(b, iov, HYP_IOV_MAX, 4096, &done), 0);
	CHECK_EQ(done, len);
	CHECK_EQ(host_pread(path, host, len, 4096), len);
	CHECK(memcmp(host, src, len) == 0);
	for (i = 0, pos = 0; i < HYP_IOV_MAX; i++) {
		iov[HYP_IOV_MAX - 1 - i].iov_len = 16384 + (size_t)i * 13;
		iov[HYP_IOV_MAX - 1 - i].iov_base = dst + len - pos -
		    iov[HYP_IOV_MAX - 1 - i].iov_len;
		pos += iov[HYP_IOV_MAX - 1 - i].iov_len;
	}
	CHECK_EQ(hyp_blk_read(b, iov, HYP_IOV_MAX, 4096, &done), 0);
	CHECK_EQ(done, len);
	CHECK(memcmp(dst, src, len) == 0);
out_free:
	free(src);
	free(dst);
	free(host);
}

struct blk_reader {
	struct hyp_blk	*br_blk;	/* shared object */
	const char	*br_path;	/* its host path */
	int		 br_index;	/* which reader */
	int		 br_bad;	/* reads that differed from pread */
};

/* Concurrent positioned reads of one object must not disturb each other. */
static void *
blk_reader_thread(void *arg)
{
	struct blk_reader *r = arg;
	unsigned char a[4096], h[4096];
	struct hyp_iovec iov = { a, sizeof(a) };
	hyp_u64 done, off;
	int i, fd;

	if ((fd = open(r->br_path, O_RDONLY)) < 0) {
		r->br_bad++;
		return NULL;
	}
	for (i = 0; i < 300; i++) {
		off = (hyp_u64)((i * 7 + r->br_index * 1031) % 200) * 5000;
		if (hyp_blk_read(r->br_blk, &iov, 1, off, &done) != 0 ||
		    pread(fd, h, sizeof(h), (off_t)off) != (ssize_t)done ||
		    memcmp(a, h, done) != 0)
			r->br_bad++;
	}
	close(fd);
	return NULL;
}

static void
test_blk_threads(struct hyp_blk *b, const char *path)
{
	struct blk_reader r[NTHREADS];
	struct hyp_thread *t[NTHREADS];
	int i;

	for (i = 0; i < NTHREADS; i++) {
		r[i] = (struct blk_reader){ b, path, i, 0 };
		CHECK_EQ(hyp_thread_create(blk_reader_thread, &r[i], NULL,
		    HYP_THREAD_JOINABLE, &t[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		CHECK_EQ(hyp_thread_join(t[i]), 0);
		CHECK_EQ(r[i].br_bad, 0);
	}
}

static void
test_blk_setsize(struct hyp_blk *b, const char *path)
{
	unsigned char buf[512], zero[512];
	struct hyp_iovec iov = { buf, sizeof(buf) };
	hyp_u64 size, done;

	CHECK_EQ(hyp_blk_setsize(b, 10 << 20), 0);
	CHECK_EQ(host_size(path), 10 << 20);
	CHECK_EQ(hyp_blk_getinfo(b, &size, NULL, NULL), 0);
	CHECK_EQ(size, 10 << 20);
	memset(buf, 0xff, sizeof(buf));
	memset(zero, 0, sizeof(zero));
	CHECK_EQ(hyp_blk_read(b, &iov, 1, (10 << 20) - 512, &done), 0);
	CHECK_EQ(done, 512);
	CHECK(memcmp(buf, zero, sizeof(buf)) == 0);
	CHECK_EQ(hyp_blk_setsize(b, 1000), 0);
	CHECK_EQ(host_size(path), 1000);
	CHECK_EQ(hyp_blk_getinfo(b, &size, NULL, NULL), 0);
	CHECK_EQ(size, 1000);
	CHECK_EQ(hyp_blk_read(b, &iov, 1, 900, &done), 0);
	CHECK_EQ(done, 100);
	CHECK_EQ(hyp_blk_setsize(b, (hyp_u64)INT64_MAX + 1), K_EFBIG);
	CHECK_EQ(hyp_blk_flush(b), 0);
}

/* A read-only object: reads work, writes and resizing are refused. */
static void
test_blk_rdonly(const char *path)
{
	unsigned char buf[100], host[100];
	struct hyp_iovec iov = { buf, sizeof(buf) };
	struct hyp_blk *b;
	hyp_u64 done;

	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY, &b), 0);
	CHECK_EQ(hyp_blk_read(b, &iov, 1, 10, &done), 0);
	CHECK_EQ(done, sizeof(buf));
	CHECK_EQ(host_pread(path, host, sizeof(host), 10), sizeof(host));
	CHECK(memcmp(buf, host, sizeof(buf)) == 0);
	CHECK_EQ(hyp_blk_write(b, &iov, 1, 0, &done), K_EROFS);
	CHECK_EQ(done, 0);
	CHECK_EQ(hyp_blk_setsize(b, 0), K_EROFS);
	CHECK_EQ(hyp_blk_flush(b), 0);
	CHECK_EQ(host_size(path), 1000);
	CHECK_EQ(hyp_blk_close(b), 0);
}

/*
 * In a child process, try the host's own non-blocking flock of kind op
 * and hyp_blk_open with flags: exit status bit 0 set if flock was
 * refused, bit 1 if hyp_blk_open gave EBUSY, 4 for anything unexpected.
 */
static int
child_lock(const char *path, int op, hyp_u32 flags)
{
	struct hyp_blk *b;
	pid_t pid;
	int fd, st, rv;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		rv = 0;
		if ((fd = open(path, O_RDONLY)) < 0)
			_exit(4);
		if (flock(fd, op | LOCK_NB) != 0)
			rv |= errno == EWOULDBLOCK ? 1 : 4;
		close(fd);
		switch (hyp_blk_open(path, flags, &b)) {
		case 0:
			hyp_blk_close(b);
			break;
		case K_EBUSY:
			rv |= 2;
			break;
		default:
			rv |= 4;
		}
		_exit(rv);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void
test_blk_lock(const char *path)
{
	struct hyp_blk *a, *b;

	/* Exclusive: a second opener, here or elsewhere, is refused. */
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDWR | HYP_BLK_LOCK_EX, &a), 0);
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDWR | HYP_BLK_LOCK_EX, &b),
	    K_EBUSY);
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY | HYP_BLK_LOCK_SH, &b),
	    K_EBUSY);
	CHECK_EQ(child_lock(path, LOCK_SH, HYP_BLK_RDONLY | HYP_BLK_LOCK_SH),
	    3);
	/* Opening without a lock is not stopped. */
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY, &b), 0);
	CHECK_EQ(hyp_blk_close(b), 0);
	CHECK_EQ(hyp_blk_close(a), 0);
	/* Closing released it. */
	CHECK_EQ(child_lock(path, LOCK_EX, HYP_BLK_RDWR | HYP_BLK_LOCK_EX), 0);

	/* Shared: readers together, a writer refused until they go. */
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY | HYP_BLK_LOCK_SH, &a), 0);
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY | HYP_BLK_LOCK_SH, &b), 0);
	CHECK_EQ(child_lock(path, LOCK_SH, HYP_BLK_RDONLY | HYP_BLK_LOCK_SH),
	    0);
	CHECK_EQ(child_lock(path, LOCK_EX, HYP_BLK_RDWR | HYP_BLK_LOCK_EX), 3);
	CHECK_EQ(hyp_blk_close(b), 0);
	{
		struct hyp_blk *c;

		CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDWR | HYP_BLK_LOCK_EX,
		    &c), K_EBUSY);
	}
	CHECK_EQ(hyp_blk_close(a), 0);
	/* An exclusive lock needs no write access. */
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDONLY | HYP_BLK_LOCK_EX, &a), 0);
	CHECK_EQ(child_lock(path, LOCK_SH, HYP_BLK_RDONLY | HYP_BLK_LOCK_SH),
	    3);
	CHECK_EQ(hyp_blk_close(a), 0);
}

/* A host block device, if one can be opened here: size as lseek sees it. */
static void
test_blk_device(void)
{
	static const char *const cand[] = {
		"/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1",
		"/dev/xvda"
	};
	struct hyp_blk *b;
	hyp_u64 size;
	hyp_u32 type, secsize;
	off_t end;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		if ((fd = open(cand[i], O_RDONLY)) < 0)
			continue;
		end = lseek(fd, 0, SEEK_END);
		close(fd);
		if (end <= 0 || hyp_blk_open(cand[i], HYP_BLK_RDONLY, &b) != 0)
			continue;
		CHECK_EQ(hyp_blk_getinfo(b, &size, &type, &secsize), 0);
		CHECK_EQ(type, HYP_BLKTYPE_DEV);
		CHECK_EQ(size, end);
		CHECK(secsize >= 512 && (secsize & (secsize - 1)) == 0);
		CHECK_EQ(hyp_blk_setsize(b, size), K_ENOTSUP);
		CHECK_EQ(hyp_blk_close(b), 0);
		return;
	}
	printf("SKIP: hyp_blk on a host block device (none readable "
	    "with a size here)\n");
}

static void
test_blk(void)
{
	char path[1100];
	struct hyp_blk *b;

	tmppath(path, sizeof(path), "img");
	unlink(path);
	test_blk_flags(path);
	b = NULL;
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDWR | HYP_BLK_CREAT, &b), 0);
	if (b == NULL)
		return;
	CHECK_EQ(host_size(path), 0);
	test_blk_rw(b, path);
	test_blk_big(b, path);
	test_blk_threads(b, path);
	test_blk_setsize(b, path);
	CHECK_EQ(hyp_blk_close(b), 0);
	/* Creating an existing file opens it as it is. */
	CHECK_EQ(hyp_blk_open(path, HYP_BLK_RDWR | HYP_BLK_CREAT, &b), 0);
	CHECK_EQ(hyp_blk_close(b), 0);
	CHECK_EQ(host_size(path), 1000);
	test_blk_rdonly(path);
	test_blk_lock(path);
	test_blk_device();
	unlink(path);
}

/*
 * Error translation: host numbers become the kernel's, which differ from
 * Linux's for many names (EAGAIN is 11 on Linux, 35 in the kernel).
 */
static void
test_errno(void)
{
	CHECK_EQ(hyp_posix_errno(0), 0);
	CHECK_EQ(hyp_posix_errno(ENOENT), K_ENOENT);
	CHECK_EQ(hyp_posix_errno(EAGAIN), K_EAGAIN);
	CHECK_EQ(hyp_posix_errno(EWOULDBLOCK), K_EAGAIN);
	CHECK_EQ(hyp_posix_errno(ENOTEMPTY), K_ENOTEMPTY);
	CHECK_EQ(hyp_posix_errno(ENAMETOOLONG), K_ENAMETOOLONG);
	CHECK_EQ(hyp_posix_errno(ELOOP), K_ELOOP);
	CHECK_EQ(hyp_posix_errno(EDQUOT), K_EDQUOT);
	CHECK_EQ(hyp_posix_errno(ETIMEDOUT), K_ETIMEDOUT);
	CHECK_EQ(hyp_posix_errno(ENOSYS), K_ENOSYS);
	CHECK_EQ(hyp_posix_errno(EOVERFLOW), K_EOVERFLOW);
	CHECK_EQ(hyp_posix_errno(ENOTSUP), K_ENOTSUP);
#ifdef ENODATA
	CHECK_EQ(hyp_posix_errno(ENODATA), K_ENODATA);
#endif
#ifdef EUCLEAN
	CHECK_EQ(hyp_posix_errno(EUCLEAN), K_EFSCORRUPTED);
#endif
	/* Names the kernel lacks become EIO. */
	CHECK_EQ(hyp_posix_errno(EPIPE), K_EIO);
	CHECK_EQ(hyp_posix_errno(100000), K_EIO);
	/* The kernel's numbers are its own, not the host's. */
	CHECK_EQ(K_ENOENT, 2);
	CHECK_EQ(K_EAGAIN, 35);
	CHECK_EQ(K_ETIMEDOUT, 60);
}

/* The console writes everything, through a pipe read back here. */
static void
test_console(void)
{
	static const char msg[] = "hyp_test: console check\n";
	char buf[64];
	int p[2], saved;
	ssize_t n;

	if (pipe(p) != 0 || (saved = dup(STDERR_FILENO)) < 0) {
		CHECK(!"pipe or dup");
		return;
	}
	dup2(p[1], STDERR_FILENO);
	hyp_console_write(msg, sizeof(msg) - 1);
	hyp_console_write(msg, 0);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	close(p[0]);
	CHECK_EQ(n, sizeof(msg) - 1);
	CHECK(n > 0 && memcmp(buf, msg, sizeof(msg) - 1) == 0);
}

/*
 * Codecs: data compressed here with each host library (the oracle) must
 * come back byte for byte through hyp_codec_decompress; truncated or
 * garbage input must give EINVAL, a dst one byte short EFBIG, an unknown
 * codec ENOTSUP; four threads decompressing at once must all succeed.
 */
#define CODEC_LEN	200000	/* bytes of test data */

/* Text-like data that compresses, with some noise so that it is not trivial. */
static void
codec_fill(unsigned char *p, size_t len)
{
	unsigned x = 12345;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		p[i] = (i % 97 < 60) ? "squashfs codec "[i % 15] :
		    (unsigned char)(x >> 16);
	}
}

/* Compress src with codec; returns the compressed length, 0 on failure. */
static size_t
codec_compress(hyp_u32 codec, const unsigned char *src, size_t len,
    unsigned char *dst, size_t cap)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma opt;
	static unsigned char wrk[LZO1X_999_MEM_COMPRESS];
	uLongf zl = cap;
	lzo_uint ol = cap;
	ZSTD_CCtx *cctx;
	size_t out = 0;
	int n;

	switch (codec) {
	case HYP_CODEC_ZLIB:
		return compress2(dst, &zl, src, len, 9) == Z_OK ? zl : 0;
	case HYP_CODEC_XZ:
		return lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, src,
		    len, dst, &out, cap) == LZMA_OK ? out : 0;
	case HYP_CODEC_LZMA:
		if (lzma_lzma_preset(&opt, 6) || lzma_alone_encoder(&s, &opt) !=
		    LZMA_OK)
			return 0;
		s.next_in = src;
		s.avail_in = len;
		s.next_out = dst;
		s.avail_out = cap;
		while (lzma_code(&s, LZMA_FINISH) == LZMA_OK)
			;
		out = s.total_out;
		lzma_end(&s);
		return out;
	case HYP_CODEC_LZO:
		return lzo_init() == LZO_E_OK && lzo1x_999_compress(src, len,
		    dst, &ol, wrk) == LZO_E_OK ? ol : 0;
	case HYP_CODEC_LZ4:
		n = LZ4_compress_default((const char *)src, (char *)dst,
		    (int)len, (int)cap);
		return n > 0 ? (size_t)n : 0;
	case HYP_CODEC_ZSTD:
		/* With a content checksum, so that a flipped byte shows. */
		if ((cctx = ZSTD_createCCtx()) == NULL)
			return 0;
		ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
		out = ZSTD_compress2(cctx, dst, cap, src, len);
		ZSTD_freeCCtx(cctx);
		return ZSTD_isError(out) ? 0 : out;
	}
	return 0;
}

/* Arguments of a decompressing thread. */
struct codec_arg {
	hyp_u32		 ca_codec;	/* codec */
	const unsigned char *ca_src;	/* compressed data */
	size_t		 ca_srclen;	/* its length */
	const unsigned char *ca_want;	/* expected output */
	int		 ca_bad;	/* [out] failed rounds */
};

static void *
codec_thread(void *p)
{
	struct codec_arg *a = p;
	unsigned char *out = malloc(CODEC_LEN);
	hyp_u64 n;
	int i;

	for (i = 0; i < 20 && out != NULL; i++) {
		if (hyp_codec_decompress(a->ca_codec, a->ca_src, a->ca_srclen,
		    out, CODEC_LEN, &n) != 0 || n != CODEC_LEN ||
		    memcmp(out, a->ca_want, CODEC_LEN) != 0)
			a->ca_bad++;
	}
	if (out == NULL)
		a->ca_bad++;
	free(out);
	return NULL;
}

static void
test_codec_one(hyp_u32 codec, const unsigned char *data, unsigned char *comp,
    unsigned char *out)
{
	unsigned char garbage[256];
	struct codec_arg args[4];
	pthread_t th[4];
	size_t clen;
	hyp_u64 n = 0;
	int i;

	CHECK_EQ(hyp_codec_available(codec), 0);
	clen = codec_compress(codec, data, CODEC_LEN, comp, 2 * CODEC_LEN);
	CHECK(clen > 0 && clen < CODEC_LEN);
	if (clen == 0)
		return;
	memset(out, 0xA5, CODEC_LEN + 1);
	CHECK_EQ(hyp_codec_decompress(codec, comp, clen, out, CODEC_LEN + 1,
	    &n), 0);
	CHECK_EQ(n, CODEC_LEN);
	CHECK(memcmp(out, data, CODEC_LEN) == 0);
	n = 0;
	CHECK_EQ(hyp_codec_decompress(codec, comp, clen, out, CODEC_LEN, &n),
	    0);
	CHECK_EQ(n, CODEC_LEN);
	CHECK_EQ(hyp_codec_decompress(codec, comp, clen, out, CODEC_LEN - 1,
	    &n), K_EFBIG);
	CHECK_EQ(hyp_codec_decompress(codec, comp, clen, out, 1000, &n),
	    K_EFBIG);
	CHECK_EQ(hyp_codec_decompress(codec, comp, clen / 2, out, CODEC_LEN,
	    &n), K_EINVAL);
	if (codec != HYP_CODEC_LZO && codec != HYP_CODEC_LZ4) {
		/* Formats with a header or checksum reject garbage. */
		for (i = 0; i < (int)sizeof(garbage); i++)
			garbage[i] = (unsigned char)(i * 37 + 11);
		CHECK_EQ(hyp_codec_decompress(codec, garbage, sizeof(garbage),
		    out, CODEC_LEN, &n), K_EINVAL);
		/* A flipped byte inside is caught by the checksum. */
		comp[clen / 2] ^= 0x55;
		CHECK_EQ(hyp_codec_decompress(codec, comp, clen, out,
		    CODEC_LEN, &n), K_EINVAL);
		comp[clen / 2] ^= 0x55;
	}
	for (i = 0; i < 4; i++) {
		args[i] = (struct codec_arg){ codec, comp, clen, data, 0 };
		CHECK_EQ(pthread_create(&th[i], NULL, codec_thread, &args[i]),
		    0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(args[i].ca_bad, 0);
	}
}

static void
test_codec(void)
{
	static const hyp_u32 codecs[] = { HYP_CODEC_ZLIB, HYP_CODEC_LZMA,
	    HYP_CODEC_LZO, HYP_CODEC_XZ, HYP_CODEC_LZ4, HYP_CODEC_ZSTD };
	unsigned char *data, *comp, *out;
	hyp_u64 n;
	size_t i;

	data = malloc(CODEC_LEN);
	comp = malloc(2 * CODEC_LEN);
	out = malloc(CODEC_LEN + 1);
	CHECK(data != NULL && comp != NULL && out != NULL);
	if (data == NULL || comp == NULL || out == NULL)
		goto out;
	codec_fill(data, CODEC_LEN);
	for (i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		test_codec_one(codecs[i], data, comp, out);
	CHECK_EQ(hyp_codec_available(0), K_ENOTSUP);
	CHECK_EQ(hyp_codec_available(99), K_ENOTSUP);
	CHECK_EQ(hyp_codec_decompress(99, data, 10, out, 10, &n), K_ENOTSUP);
out:
	free(data);
	free(comp);
	free(out);
}

int
main(void)
{
	const char *d;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((d = getenv("AK_TESTDIR")) == NULL || *d == '\0')
		d = "/tmp";
	snprintf(testdir, sizeof(testdir), "%s", d);

	test_init();
	test_errno();
	test_param();
	test_mem();
	test_clock();
	test_sleep();
	test_random();
	test_console();
	test_mutex();
	test_rwlock();
	test_cv();
	test_blk();
	test_codec();
	printf("hyp_test: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
