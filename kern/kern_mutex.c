/*
 * kern_mutex.c: mutexes, reader/writer locks and condition variables
 * with owner tracking, on top of the host's primitives.
 *
 * The owner is the thread's lwp as stored with hyp_curlwp_set; every
 * thread that runs kernel code has one (kapi entry points and
 * kthread_create make sure of it).  Owners let code assert the locks it
 * expects to hold and turn a recursive acquisition into a panic instead
 * of a silent deadlock.
 */
#include <sys/systm.h>
#include <sys/mutex.h>
#include <hyp/hyp.h>

static inline struct lwp *
lock_owner_self(void)
{
	return hyp_curlwp();
}

/*
 * Owner fields are read by other threads (assertions) while written by
 * the holder, so they are accessed atomically (relaxed: they only ever
 * matter to the thread that wrote them).
 */
#define OWNER_GET(p)	__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define OWNER_SET(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

int
mutex_init(struct kmutex *m)
{
	OWNER_SET(m->mtx_owner, NULL);
	return hyp_mutex_init(&m->mtx_hyp);
}

void
mutex_destroy(struct kmutex *m)
{
	KASSERT(OWNER_GET(m->mtx_owner) == NULL);
	hyp_mutex_destroy(m->mtx_hyp);
	m->mtx_hyp = NULL;
}

void
mutex_enter(struct kmutex *m)
{
	struct lwp *self = lock_owner_self();

	KASSERTMSG(self == NULL || OWNER_GET(m->mtx_owner) != self,
	    "mutex_enter: recursive acquisition of %p", m);
	hyp_mutex_enter(m->mtx_hyp);
	OWNER_SET(m->mtx_owner, self);
}

bool
mutex_tryenter(struct kmutex *m)
{
	if (hyp_mutex_tryenter(m->mtx_hyp) != 0)
		return false;
	OWNER_SET(m->mtx_owner, lock_owner_self());
	return true;
}

void
mutex_exit(struct kmutex *m)
{
	KASSERTMSG(OWNER_GET(m->mtx_owner) == lock_owner_self(),
	    "mutex_exit: %p not held by caller", m);
	OWNER_SET(m->mtx_owner, NULL);
	hyp_mutex_exit(m->mtx_hyp);
}

bool
mutex_owned(const struct kmutex *m)
{
	struct lwp *o = OWNER_GET(m->mtx_owner);

	return o != NULL && o == lock_owner_self();
}

int
rw_init(struct krwlock *rw)
{
	OWNER_SET(rw->rw_owner, NULL);
	rw->rw_readers = 0;
	return hyp_rw_init(&rw->rw_hyp);
}

void
rw_destroy(struct krwlock *rw)
{
	KASSERT(OWNER_GET(rw->rw_owner) == NULL && rw->rw_readers == 0);
	hyp_rw_destroy(rw->rw_hyp);
	rw->rw_hyp = NULL;
}

void
rw_enter(struct krwlock *rw, enum krw_t op)
{
	struct lwp *self = lock_owner_self();

	KASSERTMSG(self == NULL || OWNER_GET(rw->rw_owner) != self,
	    "rw_enter: recursive acquisition of %p", rw);
	hyp_rw_enter(rw->rw_hyp, op == RW_WRITER ? HYP_RW_WRITER :
	    HYP_RW_READER);
	if (op == RW_WRITER)
		OWNER_SET(rw->rw_owner, self);
	else
		atomic_inc_32(&rw->rw_readers);
}

bool
rw_tryenter(struct krwlock *rw, enum krw_t op)
{
	if (hyp_rw_tryenter(rw->rw_hyp, op == RW_WRITER ? HYP_RW_WRITER :
	    HYP_RW_READER) != 0)
		return false;
	if (op == RW_WRITER)
		OWNER_SET(rw->rw_owner, lock_owner_self());
	else
		atomic_inc_32(&rw->rw_readers);
	return true;
}

void
rw_exit(struct krwlock *rw)
{
	struct lwp *self = lock_owner_self();

	if (OWNER_GET(rw->rw_owner) != NULL) {
		KASSERTMSG(OWNER_GET(rw->rw_owner) == self,
		    "rw_exit: %p write-held by another thread", rw);
		OWNER_SET(rw->rw_owner, NULL);
	} else {
		KASSERTMSG(atomic_load(&rw->rw_readers) > 0,
		    "rw_exit: %p not held", rw);
		atomic_dec_32(&rw->rw_readers);
	}
	hyp_rw_exit(rw->rw_hyp);
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
	return atomic_load(&rw->rw_readers) > 0;
}

bool
rw_lock_held(const struct krwlock *rw)
{
	return rw_write_held(rw) || rw_read_held(rw);
}

int
cv_init(struct kcondvar *cv)
{
	return hyp_cv_init(&cv->cv_hyp);
}

void
cv_destroy(struct kcondvar *cv)
{
	hyp_cv_destroy(cv->cv_hyp);
	cv->cv_hyp = NULL;
}

void
cv_wait(struct kcondvar *cv, struct kmutex *m)
{
	struct lwp *self = lock_owner_self();

	KASSERT(mutex_owned(m));
	OWNER_SET(m->mtx_owner, NULL);
	hyp_cv_wait(cv->cv_hyp, m->mtx_hyp);
	OWNER_SET(m->mtx_owner, self);
}

int
cv_timedwait(struct kcondvar *cv, struct kmutex *m, uint64_t ns)
{
	struct lwp *self = lock_owner_self();
	int error;

	KASSERT(mutex_owned(m));
	OWNER_SET(m->mtx_owner, NULL);
	error = hyp_cv_timedwait(cv->cv_hyp, m->mtx_hyp,
	    (int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL));
	OWNER_SET(m->mtx_owner, self);
	return error;
}

void
cv_signal(struct kcondvar *cv)
{
	hyp_cv_signal(cv->cv_hyp);
}

void
cv_broadcast(struct kcondvar *cv)
{
	hyp_cv_broadcast(cv->cv_hyp);
}
