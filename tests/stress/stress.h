/*
 * stress.h: the multi-threaded stress test of the anykernel's VFS.
 *
 * Three parts, each in its own file:
 *	st_own.c	each thread keeps files in a directory only it
 *			changes, with a model of their contents and link
 *			counts that every read and fstat is checked against;
 *	st_shared.c	random operations on a small shared tree with
 *			overlapping names, where any errno outside the
 *			operation's legitimate set is a failure;
 *	st_storm.c	renames between two directory trees that try to
 *			provoke lock-order deadlocks, with an invariant
 *			(no name lost or duplicated) checked afterwards;
 *	st_walk.c	a consistency walk of the whole tree at the end.
 * st_main.c runs them (own and shared steps interleaved on the same
 * threads, then the storm) with a watchdog that aborts when no operation
 * completes for ST_STALL seconds.
 */
#ifndef _TESTS_STRESS_STRESS_H_
#define _TESTS_STRESS_STRESS_H_

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define ST_NTHREADS	8	/* worker threads per phase */
#define ST_STALL	30	/* seconds without progress = deadlock */
#define ST_MAXREPORT	20	/* FAIL lines printed per category */

/* Per-thread state of a phase. */
struct st_thread {
	int		 t_id;		/* 0..ST_NTHREADS-1 */
	uint64_t	 t_rng;		/* xorshift state */
	long		 t_ops;		/* operations done */
	long		 t_fail;	/* verification failures */
};

/* Shared by all parts. */
extern atomic_long st_progress;		/* operations completed, all threads */
extern atomic_int st_stop;		/* set when the phase must end */
extern atomic_long st_failures;		/* failures, all parts */

uint64_t st_rand(struct st_thread *);
int	 st_should_stop(struct st_thread *, long);
void	 st_fail(const char *, ...) __attribute__((format(printf, 1, 2)));

/* st_own.c: one step on the calling thread's own files. */
int	 st_own_setup(int);
void	 st_own_step(struct st_thread *);
int	 st_own_final(int);
/* st_shared.c: one random step on the shared tree. */
int	 st_shared_setup(void);
void	 st_shared_step(struct st_thread *);
/* st_storm.c */
int	 st_storm_setup(void);
void	 st_storm_step(struct st_thread *);
int	 st_storm_check(void);
/* st_walk.c */
int	 st_walk(const char *);

#endif /* !_TESTS_STRESS_STRESS_H_ */
