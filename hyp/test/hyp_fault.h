/*
 * hyp_fault.h: the control API of the fault-injection host (hyp/test).
 *
 * A test program linked with libak-fault.a (instead of libak.a) runs the
 * same kernel on the POSIX host, except that some hypercalls pass through
 * hyp/test first: hyp_init, hyp_blk_read, hyp_blk_write, hyp_blk_flush,
 * hyp_malloc, hyp_free, hyp_clock_gettime, hyp_clock_sleep and
 * hyp_getrandom.  Counting starts at hypfault_reset(); the test arms at
 * most one fault of each kind at a time.  All calls are thread-safe.
 *
 * Without a call from the test, the host can be steered by parameters
 * (environment variables, or ak_init_opts("fault_write=3,...")), read once
 * when the kernel boots (hyp_init):
 *
 *	AK_FAULT_READ=N		hypfault_fail_read(N)
 *	AK_FAULT_WRITE=N	hypfault_fail_write(N)
 *	AK_FAULT_ALLOC=N	hypfault_fail_alloc(N)
 *	AK_FAULT_BLOCKWRITE=OFF:N  hypfault_fail_block_write(OFF, N)
 *	AK_FAULT_CRASH=N[:some[:SEED]]  hypfault_crash_after(N, ...)
 *	AK_FAULT_CLOCK=SEC[+STEP]  hypfault_clock(SEC, STEP)
 *	AK_FAULT_SEED=SEED	hypfault_random_seed(SEED)
 *
 * Numbers are decimal or 0x-hexadecimal; a malformed value is reported
 * on standard error and makes the boot fail with EINVAL.
 */
#ifndef _HYP_TEST_HYP_FAULT_H_
#define _HYP_TEST_HYP_FAULT_H_

#include <stdint.h>

/* Forget every armed fault and zero the counters (disarms a crash). */
void	hypfault_reset(void);

/* What happened since the last reset. */
struct hypfault_stats {
	uint64_t	reads;		/* hyp_blk_read calls */
	uint64_t	writes;		/* hyp_blk_write calls */
	uint64_t	flushes;	/* hyp_blk_flush calls */
	uint64_t	allocs;		/* hyp_malloc calls */
	uint64_t	injected;	/* faults injected */
	uint64_t	blockwrites;	/* writes covering the armed block */
	int		crashed;	/* the simulated crash happened */
	/* Memory through hyp_malloc/hyp_free (what the kernel holds). */
	uint64_t	mem_inuse;	/* bytes allocated now */
	uint64_t	mem_peak;	/* most bytes allocated at once */
	uint64_t	mem_maxreq;	/* largest request, even refused */
	/* Writes that reached past the end of their image (a driver bug). */
	uint64_t	past_end_writes;
};
void	hypfault_stats(struct hypfault_stats *st);

/* The nth read (or write) from now, counting from 1, fails with EIO. */
void	hypfault_fail_read(uint64_t nth);
void	hypfault_fail_write(uint64_t nth);
/* The nth allocation from now fails with ENOMEM. */
void	hypfault_fail_alloc(uint64_t nth);

/*
 * A power cut after the nth write from now: that write and every write
 * after it never reach the image (they report success, as a disk cache
 * would), and the writes since the last flush barrier are undone, all
 * of them (HYPFAULT_CRASH_ALL) or a subset chosen by seed
 * (HYPFAULT_CRASH_SOME).  Reads go on seeing the image as it is.
 */
/*
 * The nth write from now whose byte range covers byte offset off of any
 * block device fails with EIO (a bad sector that the drive reports once).
 * Writes elsewhere are not counted.
 */
void	hypfault_fail_block_write(uint64_t off, uint64_t nth);

#define HYPFAULT_CRASH_ALL	0
#define HYPFAULT_CRASH_SOME	1
void	hypfault_crash_after(uint64_t nth, int mode, uint32_t seed);

/*
 * A virtual clock (hyp_vclock.c): from now on both clocks read virtual
 * time, which starts at wall_sec seconds (HYP_CLOCK_WALL; the monotonic
 * clock starts at 1 s) and moves only by step_ns after each reading, by
 * hypfault_clock_advance, and by the interval of a hyp_clock_sleep (which
 * returns at once).  hypfault_clock_off goes back to the host's clocks.
 * hypfault_reset leaves the clock as it is.
 */
void	hypfault_clock(int64_t wall_sec, uint64_t step_ns);
void	hypfault_clock_advance(uint64_t ns);
void	hypfault_clock_off(void);

/*
 * Deterministic hyp_getrandom: from now on the bytes come from a
 * generator seeded with seed (the same seed, the same bytes);
 * hypfault_random_off goes back to the host's random source.
 */
void	hypfault_random_seed(uint64_t seed);
void	hypfault_random_off(void);

#endif /* !_HYP_TEST_HYP_FAULT_H_ */
