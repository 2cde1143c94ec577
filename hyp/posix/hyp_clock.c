/*
 * hyp_clock.c: wall and monotonic clocks and sleeping for POSIX hosts.
 *
 * HYP_CLOCK_WALL is CLOCK_REALTIME and HYP_CLOCK_MONO is CLOCK_MONOTONIC,
 * which POSIX guarantees never to go backwards.  Sleeping is relative and
 * restarts after a signal with the time left, so a signal delivered to the
 * calling thread never cuts a kernel sleep short.
 */
#include <errno.h>
#include <time.h>

#include "hyp/hyp.h"
#include "hyp_posix.h"

#define NSEC_PER_SEC	1000000000LL

/*
 * Read clock clk (HYP_CLOCK_*) as seconds and nanoseconds.  EINVAL for an
 * unknown clock.
 */
int
hyp_clock_gettime(hyp_u32 clk, hyp_i64 *sec, hyp_i64 *nsec)
{
	struct timespec ts;
	clockid_t id;

	switch (clk) {
	case HYP_CLOCK_WALL:
		id = CLOCK_REALTIME;
		break;
	case HYP_CLOCK_MONO:
		id = CLOCK_MONOTONIC;
		break;
	default:
		return hyp_posix_errno(EINVAL);
	}
	if (clock_gettime(id, &ts) != 0)
		return hyp_posix_errno(errno);
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}

/*
 * Sleep for sec seconds and nsec nanoseconds.  EINVAL unless
 * 0 <= nsec < 1e9 and sec >= 0.  A sleep longer than time_t can hold
 * is cut to the longest one that it can.
 */
int
hyp_clock_sleep(hyp_i64 sec, hyp_i64 nsec)
{
	struct timespec req, rem;

	if (sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
		return hyp_posix_errno(EINVAL);
	req.tv_sec = (time_t)sec;
	if ((hyp_i64)req.tv_sec != sec)
		req.tv_sec = sizeof(time_t) == 4 ? (time_t)0x7fffffff :
		    (time_t)(0x7fffffffffffffffLL / 2);
	req.tv_nsec = (long)nsec;
	while (nanosleep(&req, &rem) != 0) {
		if (errno != EINTR)
			return hyp_posix_errno(errno);
		req = rem;
	}
	return 0;
}
