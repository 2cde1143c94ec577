/*
 * hyp_fault.h: the control API of the fault-injection host (hyp/test).
 *
 * A test program linked with libak-fault.a (instead of libak.a) runs the
 * same kernel on the POSIX host, except that four hypercalls pass through
 * hyp/test first: hyp_blk_read, hyp_blk_write, hyp_blk_flush and
 * hyp_malloc.  Counting starts at hypfault_reset(); the test arms at
 * most one fault of each kind at a time.  All calls are thread-safe.
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
	int		crashed;	/* the simulated crash happened */
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
#define HYPFAULT_CRASH_ALL	0
#define HYPFAULT_CRASH_SOME	1
void	hypfault_crash_after(uint64_t nth, int mode, uint32_t seed);

#endif /* !_HYP_TEST_HYP_FAULT_H_ */
