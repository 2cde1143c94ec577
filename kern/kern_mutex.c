/*
 * kern_mutex.c: mutexes, reader/writer locks and condition variables
 * with owner tracking.
 *
 * A lock is a word taken with one atomic operation when it is free, so
 * an uncontended enter/exit pair costs two atomic instructions instead
 * of two host calls, and a lock needs no host object (a vnode used to
 * malloc a host rwlock).  A thread that finds a lock taken sleeps on a
 * "chain": one of LOCK_NCHAINS host mutex + condvar pairs, picked by
 * hashing the lock's address.  Before sleeping it counts itself in the
 * chain's waiters and tries once more under the chain mutex; the thread
 * that frees the lock reads the count after freeing it (both sequentially
 * consistent, so one of the two sees the other) and, if non-zero,
 * broadcasts the chain under its mutex.  Broadcast, because unrelated
 * locks share a chain; each woken thread retries and sleeps again.  The
 * count lives in the chain, not in the lock: once a lock is free another
 * thread may take it, and free the object holding it, before the
 * releaser looks for waiters, so the releaser must not touch the lock
 * again (as with a pthread mutex, which may be destroyed as soon as it
 * is unlocked).
 *
 * Condition variables carry a generation: a waiter reads it and counts
 * itself before releasing the mutex, and sleeps on its chain until a
 * cv_signal/cv_broadcast bumps it.  A signal therefore wakes every
 * current waiter, which the contract allows (waiters re-check).
 *
 * The owner is the thread's lwp as stored with hyp_curlwp_set; every
 * thread that runs kernel code has one (kapi entry points and
 * kthread_create make sure of it).  Owners let code assert the locks it
 * expects to hold and turn a recursive acquisition into a panic instead
 * of a silent deadlock.  A thread without an lwp holds locks as LOCK_ANON.
 */
#include <sys/systm.h>
#include <sys/mutex.h>
#include <hyp/hyp.h>

#define LOCK_NCHAINS	64		/* sleep chains, power of two */
#define LOCK_ANON	((struct lwp *)(uintptr_t)1)
#define RW_WLOCKED	UINT32_MAX	/* rw_state of a write-held lock */

struct lock_chain {
	struct hyp_mtx	*lc_mtx;	/* guards sleeping on lc_cv */
	struct hyp_cv	*lc_cv;		/* broadcast when a lock is freed */
	uint32_t	 lc_waiters;	/* threads asleep for one of its
					   mutexes or rwlocks (atomic) */
};

/*
 * Made by the first lock init (kern_init's, single-threaded) and kept
 * for the life of the process: a kernel restarted later reuses them.
 */
static struct lock_chain lock_chains[LOCK_NCHAINS];
static bool		 lock_chains_ready;

static int
lock_chains_init(void)
{
	int i, error;

	if (__atomic_load_n(&lock_chains_ready, __ATOMIC_ACQUIRE))
		return 0;
	for (i = 0; i < LOCK_NCHAINS; i++) {
		if (lock_chains[i].lc_mtx == NULL &&
		    (error = hyp_mutex_init(&lock_chains[i].lc_mtx)) != 0)
			return error;
		if (lock_chains[i].lc_cv == NULL &&
		    (error = hyp_cv_init(&lock_chains[i].lc_cv)) != 0)
			return error;
	}
	__atomic_store_n(&lock_chains_ready, true, __ATOMIC_RELEASE);
	return 0;
}

static inline struct lock_chain *
lock_chain(const void *lock)
{
	uintptr_t a = (uintptr_t)lock;

	return &lock_chains[(a >> 4 ^ a >> 10) & (LOCK_NCHAINS - 1)];
}

/*
 * A lock was freed: wake the sleepers of its chain if it has any.  Only
 * the lock's address is used, never what is there (see the top).
 */
static void
lock_wake(const void *lock)
{
	struct lock_chain *c = lock_chain(lock);

	if (__atomic_load_n(&c->lc_waiters, __ATOMIC_SEQ_CST) == 0)
		return;
	hyp_mutex_enter(c->lc_mtx);
	hyp_cv_broadcast(c->lc_cv);
	hyp_mutex_exit(c->lc_mtx);
}

static inline struct lwp *
lock_owner_self(void)
{
	return hyp_curlwp();
}

static inline struct lwp *
lock_token(struct lwp *self)
{
	return self != NULL ? self : LOCK_ANON;
}

/*
 * Owner fields are read by other threads (assertions) while written by
 * the holder, so they are accessed atomically.  The mutex owner is also
 * the lock word: taken with an acquiring CAS, freed with an exchange.
 */
#define OWNER_GET(p)	__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define OWNER_SET(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

/*
 * Mutexes.
 */

int
mutex_init(struct kmutex *m)
{
	OWNER_SET(m->mtx_owner, NULL);
	return lock_chains_init();
}

void
mutex_destroy(struct kmutex *m)
{
	KASSERT(OWNER_GET(m->mtx_owner) == NULL);
}

static inline bool
mutex_try(struct kmutex *m, struct lwp *tok)
{
	struct lwp *free = NULL;

	return __atomic_compare_exchange_n(&m->mtx_owner, &free, tok, false,
	    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

/* The lock was taken: sleep on its chain until it is ours. */
static void
mutex_enter_slow(struct kmutex *m, struct lwp *tok)
{
	struct lock_chain *c = lock_chain(m);

	hyp_mutex_enter(c->lc_mtx);
	__atomic_add_fetch(&c->lc_waiters, 1, __ATOMIC_SEQ_CST);
	while (!mutex_try(m, tok))
		hyp_cv_wait(c->lc_cv, c->lc_mtx);
	__atomic_sub_fetch(&c->lc_waiters, 1, __ATOMIC_SEQ_CST);
	hyp_mutex_exit(c->lc_mtx);
}

void
mutex_enter(struct kmutex *m)
{
	struct lwp *self = lock_owner_self();

	KASSERTMSG(self == NULL || OWNER_GET(m->mtx_owner) != self,
	    "mutex_enter: recursive acquisition of %p", m);
	if (!mutex_try(m, lock_token(self)))
		mutex_enter_slow(m, lock_token(self));
}

bool
mutex_tryenter(struct kmutex *m)
{
	return mutex_try(m, lock_token(lock_owner_self()));
}

void
mutex_exit(struct kmutex *m)
{
	KASSERTMSG(OWNER_GET(m->mtx_owner) == lock_token(lock_owner_self()),
	    "mutex_exit: %p not held by caller", m);
	(void)__atomic_exchange_n(&m->mtx_owner, NULL, __ATOMIC_SEQ_CST);
	lock_wake(m);
}

bool
mutex_owned(const struct kmutex *m)
{
	struct lwp *o = OWNER_GET(m->mtx_owner);

	return o != NULL && o == lock_owner_self();
}

/*
 * Reader/writer locks.  rw_state counts readers, or is RW_WLOCKED.  New
 * readers may overtake a sleeping writer (as glibc's default rwlock did).
 */

int
rw_init(struct krwlock *rw)
{
	OWNER_SET(rw->rw_owner, NULL);
	rw->rw_state = 0;
	return lock_chains_init();
}

void
rw_destroy(struct krwlock *rw)
{
	KASSERT(OWNER_GET(rw->rw_owner) == NULL && rw->rw_state == 0);
}

static bool
rw_try(struct krwlock *rw, enum krw_t op)
{
	uint32_t s = 0;

	if (op == RW_WRITER)
		return __atomic_compare_exchange_n(&rw->rw_state, &s,
		    RW_WLOCKED, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	s = __atomic_load_n(&rw->rw_state, __ATOMIC_RELAXED);
	while (s < RW_WLOCKED - 1) {
		if (__atomic_compare_exchange_n(&rw->rw_state, &s, s + 1,
		    false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

static void
rw_enter_slow(struct krwlock *rw, enum krw_t op)
{
	struct lock_chain *c = lock_chain(rw);

	hyp_mutex_enter(c->lc_mtx);
	__atomic_add_fetch(&c->lc_waiters, 1, __ATOMIC_SEQ_CST);
	while (!rw_try(rw, op))
		hyp_cv_wait(c->lc_cv, c->lc_mtx);
	__atomic_sub_fetch(&c->lc_waiters, 1, __ATOMIC_SEQ_CST);
	hyp_mutex_exit(c->lc_mtx);
}

void
rw_enter(struct krwlock *rw, enum krw_t op)
{
	struct lwp *self = lock_owner_self();

	KASSERTMSG(self == NULL || OWNER_GET(rw->rw_owner) != self,
	    "rw_enter: recursive acquisition of %p", rw);
	if (!rw_try(rw, op))
		rw_enter_slow(rw, op);
	if (op == RW_WRITER)
		OWNER_SET(rw->rw_owner, lock_token(self));
}

bool
rw_tryenter(struct krwlock *rw, enum krw_t op)
{
	if (!rw_try(rw, op))
		return false;
	if (op == RW_WRITER)
		OWNER_SET(rw->rw_owner, lock_token(lock_owner_self()));
	return true;
}

void
rw_exit(struct krwlock *rw)
{
	uint32_t left;

	if (OWNER_GET(rw->rw_owner) != NULL) {
		KASSERTMSG(OWNER_GET(rw->rw_owner) ==
		    lock_token(lock_owner_self()),
		    "rw_exit: %p write-held by another thread", rw);
		OWNER_SET(rw->rw_owner, NULL);
		left = __atomic_exchange_n(&rw->rw_state, 0, __ATOMIC_SEQ_CST);
		KASSERT(left == RW_WLOCKED);
		left = 0;
	} else {
		KASSERTMSG(rw_read_held(rw), "rw_exit: %p not held", rw);
		left = __atomic_sub_fetch(&rw->rw_state, 1, __ATOMIC_SEQ_CST);
	}
	/* Only writers wait while readers hold: wake when the last goes. */
	if (left == 0)
		lock_wake(rw);
}

bool
rw_write_held(const struct krwlock *rw)
{
	struct lwp *o = OWNER_GET(rw->rw_owner);

	return o != NULL && o == lock_owner_self();
}

bool
rw_read_held(const struct krwlock *rw)
{
	uint32_t s = __atomic_load_n(&rw->rw_state, __ATOMIC_RELAXED);

	return s > 0 && s != RW_WLOCKED;
}

bool
rw_lock_held(const struct krwlock *rw)
{
	return rw_write_held(rw) || rw_read_held(rw);
}

/*
 * Condition variables.
 */

int
cv_init(struct kcondvar *cv)
{
	cv->cv_gen = 0;
	cv->cv_waiters = 0;
	return lock_chains_init();
}

/*
 * Like the mutex it pairs with, a condvar may only be destroyed when no
 * thread is in cv_wait on it, returning from it included (a woken waiter
 * reads cv_gen and counts itself out after the wakeup).
 */
void
cv_destroy(struct kcondvar *cv)
{
	KASSERT(cv->cv_waiters == 0);
}

/*
 * Sleep on cv's chain until its generation moves past gen (or, with a
 * timeout, until the time is up: ETIMEDOUT).  Called with the chain
 * mutex held, which every bump takes, so no wakeup falls between the
 * check and the sleep.
 */
static int
cv_sleep(struct kcondvar *cv, struct lock_chain *c, uint32_t gen,
    bool timed, uint64_t ns)
{
	int error = 0;

	if (!timed) {
		while (__atomic_load_n(&cv->cv_gen, __ATOMIC_RELAXED) == gen)
			hyp_cv_wait(c->lc_cv, c->lc_mtx);
	} else if (__atomic_load_n(&cv->cv_gen, __ATOMIC_RELAXED) == gen) {
		/* One timed sleep: an early wakeup is allowed. */
		error = hyp_cv_timedwait(c->lc_cv, c->lc_mtx,
		    (int64_t)(ns / 1000000000ULL),
		    (int64_t)(ns % 1000000000ULL));
	}
	return error;
}

static int
cv_wait_common(struct kcondvar *cv, struct kmutex *m, bool timed,
    uint64_t ns)
{
	struct lock_chain *c = lock_chain(cv);
	uint32_t gen;
	int error;

	KASSERT(mutex_owned(m));
	/*
	 * Counted and generation read while m is held: a waker that takes
	 * m after us sees the count and bumps past gen.
	 */
	__atomic_add_fetch(&cv->cv_waiters, 1, __ATOMIC_SEQ_CST);
	gen = __atomic_load_n(&cv->cv_gen, __ATOMIC_SEQ_CST);
	mutex_exit(m);
	hyp_mutex_enter(c->lc_mtx);
	error = cv_sleep(cv, c, gen, timed, ns);
	hyp_mutex_exit(c->lc_mtx);
	__atomic_sub_fetch(&cv->cv_waiters, 1, __ATOMIC_SEQ_CST);
	mutex_enter(m);
	return error;
}

void
cv_wait(struct kcondvar *cv, struct kmutex *m)
{
	(void)cv_wait_common(cv, m, false, 0);
}

int
cv_timedwait(struct kcondvar *cv, struct kmutex *m, uint64_t ns)
{
	return cv_wait_common(cv, m, true, ns);
}

void
cv_broadcast(struct kcondvar *cv)
{
	struct lock_chain *c;

	if (__atomic_load_n(&cv->cv_waiters, __ATOMIC_SEQ_CST) == 0)
		return;
	c = lock_chain(cv);
	hyp_mutex_enter(c->lc_mtx);
	__atomic_add_fetch(&cv->cv_gen, 1, __ATOMIC_RELAXED);
	hyp_cv_broadcast(c->lc_cv);
	hyp_mutex_exit(c->lc_mtx);
}

void
cv_signal(struct kcondvar *cv)
{
	cv_broadcast(cv);
}
