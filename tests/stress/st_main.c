/*
 * st_main.c: stress, the multi-threaded stress test.
 * Usage: stress [SECONDS]   (also STRESS_SECONDS, STRESS_SEED)
 *
 * Phase 1: ST_NTHREADS threads interleave steps on their own files
 * (st_own.c) and on the shared tree (st_shared.c).  Phase 2: the same
 * number of threads run the rename storm (st_storm.c).  Each phase ends
 * after its share of the time or of the operations, whichever comes
 * first.  Then the model of each thread's files, the storm's invariant
 * and the whole tree's consistency (st_walk.c) are checked.  A watchdog
 * aborts the run if no operation completes for ST_STALL seconds.
 *
 * Results: one test per thread and phase (no failure seen by it), one
 * per thread's final files, one for the storm, one for the walk.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ak/ak.h"
#include "tests/vfs/common/vt.h"
#include "tests/stress/stress.h"

#define ST_SECONDS	12	/* default run time of both phases */
#define ST_MAXOPS	400000	/* operations per thread and phase */
#define ST_MAXLINES	60	/* FAIL lines printed in all */

atomic_long st_progress;
atomic_int st_stop;
atomic_long st_failures;
static atomic_int st_done;		/* tells the watchdog to leave */
static pthread_mutex_t st_printlock = PTHREAD_MUTEX_INITIALIZER;
static int st_lines;			/* [st_printlock] FAILs printed */

uint64_t
st_rand(struct st_thread *t)
{
	uint64_t x = t->t_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return t->t_rng = x;
}

/* Count one operation; 1 if the thread must stop. */
int
st_should_stop(struct st_thread *t, long maxops)
{
	t->t_ops++;
	atomic_fetch_add(&st_progress, 1);
	return atomic_load(&st_stop) || t->t_ops >= maxops;
}

void
st_fail(const char *fmt, ...)
{
	va_list ap;

	atomic_fetch_add(&st_failures, 1);
	pthread_mutex_lock(&st_printlock);
	if (st_lines++ < ST_MAXLINES) {
		fputs("FAIL: stress: ", stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
		fflush(stdout);
	}
	pthread_mutex_unlock(&st_printlock);
}

static double
st_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Abort when the operation counter stands still for ST_STALL seconds. */
static void *
st_watchdog(void *arg)
{
	long last = -1, cur;
	double since = st_now();

	(void)arg;
	while (!atomic_load(&st_done)) {
		usleep(100000);
		cur = atomic_load(&st_progress);
		if (cur != last) {
			last = cur;
			since = st_now();
		} else if (st_now() - since >= ST_STALL) {
			printf("FAIL: stress: no operation completed for %d s "
			    "(deadlock?), %ld done; aborting\n", ST_STALL,
			    cur);
			printf("stress: 0 passed, 1 failed\n");
			fflush(stdout);
			abort();
		}
	}
	return NULL;
}

static int st_phase;		/* 1 or 2 */
static uint64_t st_seed;

static void *
st_worker(void *arg)
{
	struct st_thread *t = arg;

	do {
		if (st_phase == 2)
			st_storm_step(t);
		else if (st_rand(t) % 2)
			st_own_step(t);
		else
			st_shared_step(t);
	} while (!st_should_stop(t, ST_MAXOPS));
	return NULL;
}

/* Run one phase for secs seconds; the number of threads that failed. */
static int
st_run_phase(int phase, double secs, long *ops)
{
	struct st_thread th[ST_NTHREADS];
	pthread_t tid[ST_NTHREADS];
	double end = st_now() + secs;
	int i, nbad = 0;

	st_phase = phase;
	atomic_store(&st_stop, 0);
	for (i = 0; i < ST_NTHREADS; i++) {
		memset(&th[i], 0, sizeof(th[i]));
		th[i].t_id = i;
		th[i].t_rng = st_seed * 0x9e3779b97f4a7c15ULL +
		    (uint64_t)(phase * 100 + i + 1);
		if (pthread_create(&tid[i], NULL, st_worker, &th[i]) != 0) {
			perror("stress: pthread_create");
			exit(2);
		}
	}
	while (st_now() < end)
		usleep(50000);
	atomic_store(&st_stop, 1);
	*ops = 0;
	for (i = 0; i < ST_NTHREADS; i++) {
		pthread_join(tid[i], NULL);
		*ops += th[i].t_ops;
		nbad += th[i].t_fail != 0;
	}
	return nbad;
}

static int
st_setup(void)
{
	int i;

	if (ak_sys_mkdir("/st", 0755) != 0 ||
	    ak_sys_mkdir("/st/own", 0755) != 0 || st_shared_setup() != 0 ||
	    st_storm_setup() != 0)
		return -1;
	for (i = 0; i < ST_NTHREADS; i++)
		if (st_own_setup(i) != 0)
			return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	const char *env;
	double secs = ST_SECONDS;
	pthread_t wd;
	long ops1, ops2;
	int i, bad, passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		secs = atof(argv[1]);
	else if ((env = getenv("STRESS_SECONDS")) != NULL)
		secs = atof(env);
	env = getenv("STRESS_SEED");
	st_seed = env != NULL ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	printf("stress: seed %llu, %.1f s, %d threads\n",
	    (unsigned long long)st_seed, secs, ST_NTHREADS);
	if (vt_ak_boot() != 0 || st_setup() != 0) {
		printf("FAIL: stress: setup: %s\n", vt_errname(errno));
		vt_summary("stress", 0, 1);
		return 1;
	}
	pthread_create(&wd, NULL, st_watchdog, NULL);

	bad = st_run_phase(1, secs * 0.6, &ops1);
	passed += ST_NTHREADS - bad;
	failed += bad;
	bad = st_run_phase(2, secs * 0.4, &ops2);
	passed += ST_NTHREADS - bad;
	failed += bad;
	printf("stress: %ld mixed operations, %ld storm operations\n", ops1,
	    ops2);

	for (i = 0; i < ST_NTHREADS; i++) {
		if (st_own_final(i) == 0)
			passed++;
		else
			failed++;
	}
	if (st_storm_check() == 0)
		passed++;
	else
		failed++;
	if (st_walk("/st") == 0)
		passed++;
	else
		failed++;
	atomic_store(&st_done, 1);
	pthread_join(wd, NULL);
	if (ak_fini() != 0) {
		printf("FAIL: stress: ak_fini: %s\n", vt_errname(errno));
		failed++;
	}
	vt_summary("stress", passed, failed);
	return failed != 0;
}
