/*
 * hyp_thread.c: host threads and the per-thread kernel context (curlwp).
 *
 * Every kernel thread is a pthread.  Its name is set by the thread itself,
 * because some hosts can only name the calling thread.  Threads the kernel
 * creates start with asynchronous signals blocked, so that an application
 * linking libak keeps receiving its signals on its own threads.
 *
 * curlwp is one pointer per host thread, read on every lock operation,
 * so it lives in a thread-local variable (initial-exec: one load at a
 * fixed offset from the thread pointer, where pthread_getspecific cost
 * about 20 instructions and 8% of an `fsu ls -l`).  It is also kept
 * under a pthread key, written only when it changes, whose destructor
 * hands a non-NULL value to the kernel's hu_lwp_exit upcall when the
 * thread ends.  That covers kernel threads and application
 * threads that entered the kernel alike; the process's initial thread has
 * no destructor run when it returns from main, which is harmless because
 * the process is going away.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/hyp.h"
#include "hyp_posix.h"

/* Thread names longer than this are cut: Linux allows 15 bytes and a NUL. */
#define THREAD_NAMELEN	16

struct hyp_thread {
	pthread_t	 ht_pthread;	/* host thread, if joinable */
	void		*(*ht_fn)(void *); /* function the thread runs */
	void		*ht_arg;	/* its argument */
	int		 ht_joinable;	/* nonzero: freed by hyp_thread_join */
	char		 ht_name[THREAD_NAMELEN]; /* name, possibly cut */
};

static pthread_key_t	lwp_key;	/* curlwp, for its destructor */
static __thread void	*lwp_cur	/* curlwp of this host thread */
    __attribute__((__tls_model__("initial-exec")));
static pthread_once_t	lwp_key_once = PTHREAD_ONCE_INIT;
static int		lwp_key_error;	/* host errno of the key creation */

/*
 * Key destructor: the host thread is ending with a kernel context set.
 * The key's value is already NULL; the kernel may set and clear it again
 * inside the upcall (it does, to own the locks it takes while freeing).
 */
static void
lwp_key_destroy(void *l)
{
	lwp_cur = NULL;		/* as the key's value */
	if (hyp_posix_upcalls.hu_lwp_exit != NULL)
		hyp_posix_upcalls.hu_lwp_exit(l);
}

static void
lwp_key_create(void)
{
	lwp_key_error = pthread_key_create(&lwp_key, lwp_key_destroy);
}

int
hyp_posix_thread_init(void)
{
	(void)pthread_once(&lwp_key_once, lwp_key_create);
	return lwp_key_error != 0 ? hyp_posix_errno(lwp_key_error) : 0;
}

/* Name the calling thread for debuggers and ps; best effort. */
static void
thread_setname(const char *name)
{
#ifdef __linux__
	(void)pthread_setname_np(pthread_self(), name);
#else
	/* XXX macOS, FreeBSD and NetBSD spell this differently. */
	(void)name;
#endif
}

static void *
thread_start(void *arg)
{
	struct hyp_thread *t = arg;
	void *(*fn)(void *) = t->ht_fn;
	void *fnarg = t->ht_arg;

	thread_setname(t->ht_name);
	if (!t->ht_joinable)
		free(t);
	return fn(fnarg);
}

/*
 * Start a host thread running fn(arg), named name (may be NULL).  With
 * HYP_THREAD_JOINABLE, *ret gets a handle to pass to hyp_thread_join;
 * otherwise the thread is detached and *ret (if ret is not NULL) gets
 * NULL.  ENOMEM or EAGAIN when the host is out of memory or threads.
 */
int
hyp_thread_create(void *(*fn)(void *), void *arg, const char *name,
    hyp_u32 flags, struct hyp_thread **ret)
{
	struct hyp_thread *t;
	pthread_attr_t attr;
	pthread_t pt;
	sigset_t all, old;
	int error, joinable;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return hyp_posix_errno(ENOMEM);
	t->ht_fn = fn;
	t->ht_arg = arg;
	joinable = (flags & HYP_THREAD_JOINABLE) != 0;
	t->ht_joinable = joinable;
	if (name != NULL)
		strncpy(t->ht_name, name, sizeof(t->ht_name) - 1);
	if ((error = pthread_attr_init(&attr)) != 0)
		goto out_free;
	if (!joinable &&
	    (error = pthread_attr_setdetachstate(&attr,
	    PTHREAD_CREATE_DETACHED)) != 0)
		goto out_attr;

	/*
	 * The new thread inherits the signal mask.  Faults stay unblocked
	 * so that a crash in a kernel thread is still reported.
	 */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	error = pthread_create(&pt, &attr, thread_start, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0)
		goto out_attr;
	pthread_attr_destroy(&attr);

	/* A detached thread owns (and may already have freed) t. */
	if (!joinable) {
		if (ret != NULL)
			*ret = NULL;
		return 0;
	}
	t->ht_pthread = pt;
	*ret = t;
	return 0;

out_attr:
	pthread_attr_destroy(&attr);
out_free:
	free(t);
	return hyp_posix_errno(error);
}

/*
 * Wait for a joinable thread to end and free its handle.  Blocks.  The
 * thread's return value is dropped.
 */
int
hyp_thread_join(struct hyp_thread *t)
{
	int error;

	if ((error = pthread_join(t->ht_pthread, NULL)) != 0)
		return hyp_posix_errno(error);
	free(t);
	return 0;
}

/* End the calling thread; its curlwp goes to hu_lwp_exit as usual. */
void
hyp_thread_exit(void)
{
	pthread_exit(NULL);
}

void
hyp_curlwp_set(void *l)
{
	int error;

	lwp_cur = l;
	if ((error = pthread_setspecific(lwp_key, l)) != 0)
		hyp_posix_fatal("pthread_setspecific", error);
}

void *
hyp_curlwp(void)
{
	return lwp_cur;
}
