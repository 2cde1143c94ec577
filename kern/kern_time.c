/*
 * kern_time.c: clocks, sleeping and randomness, over the hypercalls.
 */
#include <sys/systm.h>
#include <hyp/hyp.h>

void
getnanotime(struct ktimespec *ts)
{
	int64_t sec, nsec;

	if (hyp_clock_gettime(HYP_CLOCK_WALL, &sec, &nsec) != 0)
		sec = nsec = 0;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
}

void
getnanouptime(struct ktimespec *ts)
{
	int64_t sec, nsec;

	if (hyp_clock_gettime(HYP_CLOCK_MONO, &sec, &nsec) != 0)
		panic("getnanouptime: no monotonic clock");
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
}

uint64_t
getuptime_ns(void)
{
	struct ktimespec ts;

	getnanouptime(&ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
kpause(uint64_t ns)
{
	return hyp_clock_sleep((int64_t)(ns / 1000000000ULL),
	    (int64_t)(ns % 1000000000ULL));
}

int
cprng_bytes(void *buf, size_t len)
{
	return hyp_getrandom(buf, len);
}

uint32_t
cprng_u32(void)
{
	uint32_t v;

	if (hyp_getrandom(&v, sizeof(v)) != 0)
		v = (uint32_t)getuptime_ns() * 2654435761U;
	return v;
}
