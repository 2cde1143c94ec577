/*
 * hyp_sync.c: mutexes, reader/writer locks and condition variables as
 * plain pthread objects.
 *
 * The kernel tracks lock owners and asserts on misuse, so these are the
 * fastest host kinds (default attributes).  A failure of a call that the
 * contract says cannot fail means a corrupt or misused lock; the host
 * reports it and aborts rather than carry on without mutual exclusion.
 *
 * Condition variables time out against CLOCK_MONOTONIC, so a change of
 * the wall clock neither shortens nor stretches a kernel timeout.  macOS
 * lacks pthread_condattr_setclock and keeps the default clock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "hyp/hyp.h"
#include "hyp_posix.h"

#define NSEC_PER_SEC	1000000000LL

#ifdef __APPLE__
#define CV_CLOCK	CLOCK_REALTIME
#else
#define CV_CLOCK	CLOCK_MONOTONIC
#endif

struct hyp_mtx {
	pthread_mutex_t	hm_mtx;		/* the host mutex */
};

struct hyp_rw {
	pthread_rwlock_t hr_rw;		/* the host reader/writer lock */
};

struct hyp_cv {
	pthread_cond_t	hc_cv;		/* the host condvar, on CV_CLOCK */
};

/*
 * Mutexes.
 */

int
hyp_mutex_init(struct hyp_mtx **ret)
{
	struct hyp_mtx *m;
	int error;

	if ((m = malloc(sizeof(*m))) == NULL)
		return hyp_posix_errno(ENOMEM);
	if ((error = pthread_mutex_init(&m->hm_mtx, NULL)) != 0) {
		free(m);
		return hyp_posix_errno(error);
	}
	*ret = m;
	return 0;
}

/* Blocks. */
void
hyp_mutex_enter(struct hyp_mtx *m)
{
	int error;

	if ((error = pthread_mutex_lock(&m->hm_mtx)) != 0)
		hyp_posix_fatal("pthread_mutex_lock", error);
}

/* 0 with the mutex held, or EBUSY if another thread holds it. */
int
hyp_mutex_tryenter(struct hyp_mtx *m)
{
	int error;

	error = pthread_mutex_trylock(&m->hm_mtx);
	if (error != 0 && error != EBUSY)
		hyp_posix_fatal("pthread_mutex_trylock", error);
	return hyp_posix_errno(error);
}

void
hyp_mutex_exit(struct hyp_mtx *m)
{
	int error;

	if ((error = pthread_mutex_unlock(&m->hm_mtx)) != 0)
		hyp_posix_fatal("pthread_mutex_unlock", error);
}

void
hyp_mutex_destroy(struct hyp_mtx *m)
{
	int error;

	if ((error = pthread_mutex_destroy(&m->hm_mtx)) != 0)
		hyp_posix_fatal("pthread_mutex_destroy", error);
	free(m);
}

/*
 * Reader/writer locks.  XXX The host decides whom to favour; glibc lets
 * new readers overtake a waiting writer.
 */

int
hyp_rw_init(struct hyp_rw **ret)
{
	struct hyp_rw *rw;
	int error;

	if ((rw = malloc(sizeof(*rw))) == NULL)
		return hyp_posix_errno(ENOMEM);
	if ((error = pthread_rwlock_init(&rw->hr_rw, NULL)) != 0) {
		free(rw);
		return hyp_posix_errno(error);
	}
	*ret = rw;
	return 0;
}

/* Take rw as HYP_RW_READER or HYP_RW_WRITER.  Blocks. */
void
hyp_rw_enter(struct hyp_rw *rw, hyp_u32 op)
{
	int error;

	if (op == HYP_RW_WRITER)
		error = pthread_rwlock_wrlock(&rw->hr_rw);
	else
		error = pthread_rwlock_rdlock(&rw->hr_rw);
	if (error != 0)
		hyp_posix_fatal("pthread_rwlock_(rd|wr)lock", error);
}

/*
 * 0 with rw held as op, or EBUSY if it cannot be had now (including the
 * host's limit on concurrent readers, EAGAIN).
 */
int
hyp_rw_tryenter(struct hyp_rw *rw, hyp_u32 op)
{
	int error;

	if (op == HYP_RW_WRITER)
		error = pthread_rwlock_trywrlock(&rw->hr_rw);
	else
		error = pthread_rwlock_tryrdlock(&rw->hr_rw);
	if (error == EAGAIN)
		error = EBUSY;
	if (error != 0 && error != EBUSY)
		hyp_posix_fatal("pthread_rwlock_try(rd|wr)lock", error);
	return hyp_posix_errno(error);
}

/* Release rw, held as reader or writer. */
void
hyp_rw_exit(struct hyp_rw *rw)
{
	int error;

	if ((error = pthread_rwlock_unlock(&rw->hr_rw)) != 0)
		hyp_posix_fatal("pthread_rwlock_unlock", error);
}

void
hyp_rw_destroy(struct hyp_rw *rw)
{
	int error;

	if ((error = pthread_rwlock_destroy(&rw->hr_rw)) != 0)
		hyp_posix_fatal("pthread_rwlock_destroy", error);
	free(rw);
}

/*
 * Condition variables.
 */

/* Make the condvar time out against CV_CLOCK where the host allows it. */
static int
cv_attr_setclock(pthread_condattr_t *attr)
{
#ifdef __APPLE__
	(void)attr;
	return 0;
#else
	return pthread_condattr_setclock(attr, CV_CLOCK);
#endif
}

int
hyp_cv_init(struct hyp_cv **ret)
{
	struct hyp_cv *cv;
	pthread_condattr_t attr;
	int error;

	if ((cv = malloc(sizeof(*cv))) == NULL)
		return hyp_posix_errno(ENOMEM);
	if ((error = pthread_condattr_init(&attr)) != 0)
		goto out_free;
	if ((error = cv_attr_setclock(&attr)) == 0)
		error = pthread_cond_init(&cv->hc_cv, &attr);
	pthread_condattr_destroy(&attr);
	if (error != 0)
		goto out_free;
	*ret = cv;
	return 0;

out_free:
	free(cv);
	return hyp_posix_errno(error);
}

/* Release m, wait for a signal, take m again.  Blocks; may wake early. */
void
hyp_cv_wait(struct hyp_cv *cv, struct hyp_mtx *m)
{
	int error;

	if ((error = pthread_cond_wait(&cv->hc_cv, &m->hm_mtx)) != 0)
		hyp_posix_fatal("pthread_cond_wait", error);
}

/*
 * Turn a relative timeout into an absolute CV_CLOCK time.  A negative
 * timeout is already over; one past what time_t can hold is cut.
 */
static void
cv_deadline(hyp_i64 sec, hyp_i64 nsec, struct timespec *ts)
{
	const hyp_i64 tmax = sizeof(time_t) == 4 ? 0x7fffffffLL :
	    0x7fffffffffffffffLL / 2;
	hyp_i64 s;

	if (clock_gettime(CV_CLOCK, ts) != 0)
		hyp_posix_fatal("clock_gettime", errno);
	/* Clamp before normalising, so that adding nsec / 1e9 cannot overflow. */
	if (sec > tmax)
		sec = tmax;
	if (sec < -tmax)
		sec = -tmax;
	/* Normalise first: the kernel may pass nsec outside [0, 1e9). */
	sec += nsec / NSEC_PER_SEC;
	nsec %= NSEC_PER_SEC;
	if (nsec < 0) {
		sec--;
		nsec += NSEC_PER_SEC;
	}
	if (sec < 0)
		return;
	nsec += ts->tv_nsec;
	if (nsec >= NSEC_PER_SEC) {
		sec++;
		nsec -= NSEC_PER_SEC;
	}
	s = (hyp_i64)ts->tv_sec;
	s = sec > tmax - s ? tmax : s + sec;
	ts->tv_sec = (time_t)s;
	ts->tv_nsec = (long)nsec;
}

/*
 * hyp_cv_wait with a timeout of sec seconds and nsec nanoseconds from now.
 * Blocks.  0 if woken (perhaps spuriously), ETIMEDOUT when the time is up;
 * m is held again in both cases.
 */
int
hyp_cv_timedwait(struct hyp_cv *cv, struct hyp_mtx *m, hyp_i64 sec,
    hyp_i64 nsec)
{
	struct timespec ts;
	int error;

	cv_deadline(sec, nsec, &ts);
	error = pthread_cond_timedwait(&cv->hc_cv, &m->hm_mtx, &ts);
	if (error != 0 && error != ETIMEDOUT)
		hyp_posix_fatal("pthread_cond_timedwait", error);
	return hyp_posix_errno(error);
}

void
hyp_cv_signal(struct hyp_cv *cv)
{
	int error;

	if ((error = pthread_cond_signal(&cv->hc_cv)) != 0)
		hyp_posix_fatal("pthread_cond_signal", error);
}

void
hyp_cv_broadcast(struct hyp_cv *cv)
{
	int error;

	if ((error = pthread_cond_broadcast(&cv->hc_cv)) != 0)
		hyp_posix_fatal("pthread_cond_broadcast", error);
}

void
hyp_cv_destroy(struct hyp_cv *cv)
{
	int error;

	if ((error = pthread_cond_destroy(&cv->hc_cv)) != 0)
		hyp_posix_fatal("pthread_cond_destroy", error);
	free(cv);
}
