/*
 * loop.c: the multi-threaded request loop, leader and followers.
 *
 * libfuse's own loop keeps every idle worker blocked in read(2) on
 * /dev/fuse, so each request of a serial caller (tar x: one request at
 * a time) wakes a sleeping thread, often on another processor, while
 * the one that just replied goes to sleep: two expensive switches per
 * request.  Here one thread at a time reads (the leader) and serves
 * what it reads itself, staying hot, as the single-threaded loop does;
 * only before a request that may take long or block (reads, opens,
 * fsync, large directory listings), or one its caller does not wait
 * for (release: see akf_slow), does it hand the reading over to a
 * follower (woken, or started while fewer than max_threads exist), so
 * that other callers, or the same one, are served meanwhile.  When that
 * request is done its thread becomes a follower again.
 *
 * Ending: an unmount makes the leader's read fail (it ends the session);
 * a signal (libfuse's handlers end the session) interrupts the main
 * thread, the only one not blocking them, which cancels the leader's
 * read.  A worker can be cancelled only inside that read.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuse/akfuse.h"

/* Opcodes of the FUSE protocol (linux/fuse.h, a stable ABI). */
#define AKF_OP_OPEN		14
#define AKF_OP_READ		15
#define AKF_OP_RELEASE		18
#define AKF_OP_FSYNC		20
#define AKF_OP_OPENDIR		27
#define AKF_OP_READDIR		28
#define AKF_OP_RELEASEDIR	29
#define AKF_OP_FSYNCDIR		30
#define AKF_OP_FALLOCATE	43
#define AKF_OP_READDIRPLUS	44
#define AKF_OP_LSEEK		46
#define AKF_OP_COPY_FILE_RANGE	47

struct akf_loop {
	struct fuse_session *l_se;
	pthread_mutex_t	 l_lock;
	pthread_cond_t	 l_cv;		/* followers wait here */
	sem_t		 l_finish;	/* posted when the session ends */
	int		 l_leader;	/* a thread is reading */
	int		 l_idle;	/* followers waiting */
	int		 l_exiting;
	unsigned int	 l_max;		/* threads at most */
	unsigned int	 l_n;		/* threads started */
	pthread_t	*l_threads;
};

/*
 * May this request take long or block?  Then another thread should
 * read meanwhile.  So too for RELEASE, which the caller does not wait
 * for (close(2) returns at once): served beside its next request, on
 * another processor, rather than before it.  A request spliced into a
 * pipe cannot be looked at: treated as slow.
 */
static int
akf_slow(const struct fuse_buf *buf)
{
	uint32_t op;

	if ((buf->flags & FUSE_BUF_IS_FD) || buf->mem == NULL ||
	    buf->size < 8)
		return 1;
	memcpy(&op, (const char *)buf->mem + 4, sizeof(op));
	switch (op) {
	case AKF_OP_OPEN: case AKF_OP_READ: case AKF_OP_FSYNC:
	case AKF_OP_OPENDIR: case AKF_OP_READDIR: case AKF_OP_FSYNCDIR:
	case AKF_OP_FALLOCATE: case AKF_OP_READDIRPLUS: case AKF_OP_LSEEK:
	case AKF_OP_COPY_FILE_RANGE: case AKF_OP_RELEASE:
	case AKF_OP_RELEASEDIR:
		return 1;
	default:
		return 0;
	}
}

static void *akf_worker(void *);

/* Another thread to lead: wake a follower or start one.  Lock held. */
static void
akf_handoff(struct akf_loop *l)
{
	l->l_leader = 0;
	if (l->l_exiting)
		return;
	if (l->l_idle > 0)
		pthread_cond_signal(&l->l_cv);
	else if (l->l_n < l->l_max &&
	    pthread_create(&l->l_threads[l->l_n], NULL, akf_worker, l) == 0)
		l->l_n++;
	/* else: the next thread to finish reads. */
}

/* The session is over: everyone leaves.  Lock held. */
static void
akf_end(struct akf_loop *l)
{
	l->l_exiting = 1;
	pthread_cond_broadcast(&l->l_cv);
	sem_post(&l->l_finish);
}

static void
akf_free_buf(void *p)
{
	free(((struct fuse_buf *)p)->mem);
}

/* Read one request and serve it, or end the session.  Lock not held. */
static int
akf_serve_one(struct akf_loop *l, struct fuse_buf *buf, int lead)
{
	int res;

	do {
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		res = fuse_session_receive_buf(l->l_se, buf);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	} while ((res == -EINTR || res == -EAGAIN) &&
	    !fuse_session_exited(l->l_se));
	if (res <= 0 || fuse_session_exited(l->l_se)) {
		fuse_session_exit(l->l_se);
		pthread_mutex_lock(&l->l_lock);
		akf_end(l);
		pthread_mutex_unlock(&l->l_lock);
		return -1;
	}
	if (lead && akf_slow(buf)) {
		pthread_mutex_lock(&l->l_lock);
		akf_handoff(l);
		pthread_mutex_unlock(&l->l_lock);
		fuse_session_process_buf(l->l_se, buf);
		return 1;	/* no longer the leader */
	}
	fuse_session_process_buf(l->l_se, buf);
	return 0;
}

/*
 * Read as leader, serving fast requests at once, until a slow one
 * (served after a hand-off) or the end.  Lock not held.
 */
static void
akf_lead(struct akf_loop *l, struct fuse_buf *buf)
{
	while (akf_serve_one(l, buf, 1) == 0)
		;
}

static void *
akf_worker(void *arg)
{
	struct akf_loop *l = arg;
	struct fuse_buf buf;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	memset(&buf, 0, sizeof(buf));
	pthread_cleanup_push(akf_free_buf, &buf);
	pthread_mutex_lock(&l->l_lock);
	while (!l->l_exiting) {
		if (l->l_leader) {
			l->l_idle++;
			pthread_cond_wait(&l->l_cv, &l->l_lock);
			l->l_idle--;
			continue;
		}
		l->l_leader = 1;
		pthread_mutex_unlock(&l->l_lock);
		akf_lead(l, &buf);
		pthread_mutex_lock(&l->l_lock);
	}
	pthread_mutex_unlock(&l->l_lock);
	pthread_cleanup_pop(1);
	return NULL;
}

int
akf_loop_run(struct fuse_session *se, unsigned int max_threads)
{
	struct akf_loop l;
	struct timespec ts;
	sigset_t set, old;
	unsigned int i, n;
	int started;

	memset(&l, 0, sizeof(l));
	l.l_se = se;
	l.l_max = max_threads > 0 ? max_threads : 1;
	if ((l.l_threads = calloc(l.l_max, sizeof(pthread_t))) == NULL)
		return -1;
	pthread_mutex_init(&l.l_lock, NULL);
	pthread_cond_init(&l.l_cv, NULL);
	sem_init(&l.l_finish, 0, 0);
	/* Workers block the signals: they must interrupt this thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	pthread_mutex_lock(&l.l_lock);
	if (pthread_create(&l.l_threads[0], NULL, akf_worker, &l) == 0)
		l.l_n = 1;
	started = l.l_n > 0;	/* l_n itself changes under the lock */
	pthread_mutex_unlock(&l.l_lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/*
	 * A signal that came just before sem_wait would be missed: look
	 * again every second.
	 */
	while (started && !fuse_session_exited(se)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec++;
		if (sem_timedwait(&l.l_finish, &ts) == 0)
			break;
	}
	pthread_mutex_lock(&l.l_lock);
	akf_end(&l);
	n = l.l_n;
	pthread_mutex_unlock(&l.l_lock);
	/* Only a thread reading can be cancelled; the others just leave. */
	for (i = 0; i < n; i++)
		pthread_cancel(l.l_threads[i]);
	for (i = 0; i < n; i++)
		pthread_join(l.l_threads[i], NULL);
	free(l.l_threads);
	sem_destroy(&l.l_finish);
	pthread_cond_destroy(&l.l_cv);
	pthread_mutex_destroy(&l.l_lock);
	return n > 0 ? 0 : -1;
}
