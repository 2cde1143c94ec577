/*
 * sys/mutex.h: kernel locks (atomic lock words, host primitives to sleep
 * on), with owner tracking so that code can assert what it holds
 * (KASSERT(mutex_owned(&m))).
 *
 * mutex_init, rw_init and cv_init may fail with ENOMEM (only the first
 * lock of a kernel, which makes the host sleep chains).  A lock is never
 * taken recursively.  See docs/locking.md for the lock order.
 */
#ifndef _SYS_MUTEX_H_
#define _SYS_MUTEX_H_

#include <sys/param.h>

struct lwp;

/*
 * The lock words are taken with atomic operations; a thread that finds
 * a lock taken sleeps on a host mutex and condition variable shared by
 * every lock whose address hashes to the same chain (kern_mutex.c).
 */
struct kmutex {
	struct lwp	*mtx_owner;		/* holder, NULL when free */
};

int	mutex_init(struct kmutex *m);
void	mutex_destroy(struct kmutex *m);
void	mutex_enter(struct kmutex *m);
bool	mutex_tryenter(struct kmutex *m);
void	mutex_exit(struct kmutex *m);
bool	mutex_owned(const struct kmutex *m);

enum krw_t { RW_READER = 0, RW_WRITER = 1 };
struct krwlock {
	struct lwp	*rw_owner;		/* writer, NULL if none */
	uint32_t	 rw_state;		/* readers, or RW_WLOCKED */
};

int	rw_init(struct krwlock *rw);
void	rw_destroy(struct krwlock *rw);
void	rw_enter(struct krwlock *rw, enum krw_t op);
bool	rw_tryenter(struct krwlock *rw, enum krw_t op);
void	rw_exit(struct krwlock *rw);
bool	rw_write_held(const struct krwlock *rw);
bool	rw_read_held(const struct krwlock *rw);	/* some reader holds it */
bool	rw_lock_held(const struct krwlock *rw);	/* read or write */

struct kcondvar {
	uint32_t	 cv_gen;		/* bumped by each wakeup */
	uint32_t	 cv_waiters;		/* threads in cv_wait */
};

int	cv_init(struct kcondvar *cv);
void	cv_destroy(struct kcondvar *cv);
void	cv_wait(struct kcondvar *cv, struct kmutex *m);
/* Returns 0 when woken, ETIMEDOUT after ns nanoseconds. */
int	cv_timedwait(struct kcondvar *cv, struct kmutex *m, uint64_t ns);
void	cv_signal(struct kcondvar *cv);
void	cv_broadcast(struct kcondvar *cv);

/* Atomic operations (compiler builtins, sequentially consistent). */
#define atomic_inc_32(p)	__atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_dec_32(p)	__atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_add_64(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define atomic_load(p)		__atomic_load_n((p), __ATOMIC_SEQ_CST)
#define atomic_store(p, v)	__atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

#endif /* !_SYS_MUTEX_H_ */
