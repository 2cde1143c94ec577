/*
 * hyp_vclock.c: a virtual clock and deterministic random bytes for the
 * fault-injection host, so that a test run is the same every time: file
 * times a driver stores are exactly predictable, and nothing depends on
 * the host's entropy.  Off until a test (or a parameter, hyp_fparam.c)
 * turns them on; then the POSIX host's clock and random calls, renamed
 * hypposix_* by the Makefile, are no longer used.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hyp/hyp.h"
#include "hyp/test/hyp_fault.h"

#define NSEC_PER_SEC	1000000000ULL

enum {
#define ERRNO(name, num, msg)	K_##name = num,
#include "sys/errno_list.h"
#undef ERRNO
};

int	hypposix_clock_gettime(hyp_u32, hyp_i64 *, hyp_i64 *);
int	hypposix_clock_sleep(hyp_i64, hyp_i64);
int	hypposix_getrandom(void *, hyp_u64);

static pthread_mutex_t vc_lock = PTHREAD_MUTEX_INITIALIZER;
static bool vc_on;
static int64_t vc_wall;		/* wall seconds when vc_now was 1 s */
static uint64_t vc_now;		/* virtual monotonic ns */
static uint64_t vc_step;	/* ns added after each reading */
static bool rnd_on;
static uint64_t rnd_state;

void
hypfault_clock(int64_t wall_sec, uint64_t step_ns)
{
	pthread_mutex_lock(&vc_lock);
	vc_on = true;
	vc_wall = wall_sec;
	vc_now = NSEC_PER_SEC;	/* a monotonic clock of 0 looks unset */
	vc_step = step_ns;
	pthread_mutex_unlock(&vc_lock);
}

void
hypfault_clock_advance(uint64_t ns)
{
	pthread_mutex_lock(&vc_lock);
	vc_now += ns;
	pthread_mutex_unlock(&vc_lock);
}

void
hypfault_clock_off(void)
{
	pthread_mutex_lock(&vc_lock);
	vc_on = false;
	pthread_mutex_unlock(&vc_lock);
}

int
hyp_clock_gettime(hyp_u32 clk, hyp_i64 *sec, hyp_i64 *nsec)
{
	uint64_t t;

	if (clk != HYP_CLOCK_WALL && clk != HYP_CLOCK_MONO)
		return K_EINVAL;
	pthread_mutex_lock(&vc_lock);
	if (!vc_on) {
		pthread_mutex_unlock(&vc_lock);
		return hypposix_clock_gettime(clk, sec, nsec);
	}
	t = vc_now;
	vc_now += vc_step;
	if (clk == HYP_CLOCK_WALL)
		t -= NSEC_PER_SEC;
	*sec = (hyp_i64)(t / NSEC_PER_SEC);
	*nsec = (hyp_i64)(t % NSEC_PER_SEC);
	if (clk == HYP_CLOCK_WALL)
		*sec += vc_wall;
	pthread_mutex_unlock(&vc_lock);
	return 0;
}

/* On the virtual clock a sleep is over at once: time jumps ahead. */
int
hyp_clock_sleep(hyp_i64 sec, hyp_i64 nsec)
{
	bool on;

	if (sec < 0 || nsec < 0 || nsec >= (hyp_i64)NSEC_PER_SEC)
		return K_EINVAL;
	pthread_mutex_lock(&vc_lock);
	if ((on = vc_on))
		vc_now += (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
	pthread_mutex_unlock(&vc_lock);
	return on ? 0 : hypposix_clock_sleep(sec, nsec);
}

void
hypfault_random_seed(uint64_t seed)
{
	pthread_mutex_lock(&vc_lock);
	rnd_on = true;
	rnd_state = seed;
	pthread_mutex_unlock(&vc_lock);
}

void
hypfault_random_off(void)
{
	pthread_mutex_lock(&vc_lock);
	rnd_on = false;
	pthread_mutex_unlock(&vc_lock);
}

/* SplitMix64: a small generator whose whole state is the seed. */
static uint64_t
splitmix64(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int
hyp_getrandom(void *buf, hyp_u64 len)
{
	unsigned char *p = buf;
	uint64_t v;
	size_t n;

	pthread_mutex_lock(&vc_lock);
	if (!rnd_on) {
		pthread_mutex_unlock(&vc_lock);
		return hypposix_getrandom(buf, len);
	}
	while (len > 0) {
		v = splitmix64();
		n = len < sizeof(v) ? (size_t)len : sizeof(v);
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	pthread_mutex_unlock(&vc_lock);
	return 0;
}
