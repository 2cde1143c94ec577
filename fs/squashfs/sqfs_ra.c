/*
 * sqfs_ra.c: reading ahead.  A sequential reader of a file queues the
 * next few data blocks; a small pool of kernel threads (AK_NCPU of them,
 * at most SQFS_RA_MAXTHREADS, none on one CPU) decompresses
 * them into the data cache meanwhile, so that a large file is
 * decompressed on several CPUs at once.  The queue is bounded: when it
 * is full, new requests are dropped (they are only hints), and a block
 * already cached or being loaded is not loaded twice (sqfs_cache_get).
 * The threads start with the first request: a mount that is only
 * listed (fsu_ls IMAGE /) does not pay for creating them.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/lwp.h>
#include "fs/squashfs/squashfs.h"

static void
sqfs_ra_worker(void *arg)
{
	struct sqfs_mount *sm = arg;
	struct sqfs_ra *ra = &sm->sm_ra;
	uint64_t pos;
	uint32_t sw;

	mutex_enter(&ra->ra_lock);
	for (;;) {
		while (ra->ra_n == 0 && !ra->ra_stop)
			cv_wait(&ra->ra_cv, &ra->ra_lock);
		if (ra->ra_stop)
			break;
		pos = ra->ra_q[ra->ra_head].rq_pos;
		sw = ra->ra_q[ra->ra_head].rq_sizeword;
		ra->ra_head = (ra->ra_head + 1) % SQFS_RA_QUEUE;
		ra->ra_n--;
		mutex_exit(&ra->ra_lock);
		sqfs_cache_prefetch(sm, &sm->sm_data, pos, sw);
		mutex_enter(&ra->ra_lock);
	}
	mutex_exit(&ra->ra_lock);
}

/* Ready the read-ahead (threads: none if there is one CPU). */
int
sqfs_ra_start(struct sqfs_mount *sm)
{
	struct sqfs_ra *ra = &sm->sm_ra;
	uint64_t ncpu = kern_param_u64("AK_NCPU", 1);
	int error;

	if ((error = mutex_init(&ra->ra_lock)) != 0)
		return error;
	if ((error = cv_init(&ra->ra_cv)) != 0) {
		mutex_destroy(&ra->ra_lock);
		return error;
	}
	/*
	 * As many helpers as CPUs: the reader mostly waits for the block
	 * a helper is already decompressing, so it hardly counts as one.
	 */
	ra->ra_want = (uint32_t)MIN(ncpu > 1 ? ncpu : 0, SQFS_RA_MAXTHREADS);
	ra->ra_nthreads = 0;
	ra->ra_started = false;
	return 0;
}

/* The helpers, at the first request.  ra_lock held. */
static void
sqfs_ra_threads(struct sqfs_mount *sm)
{
	struct sqfs_ra *ra = &sm->sm_ra;

	ra->ra_started = true;
	for (ra->ra_nthreads = 0; ra->ra_nthreads < ra->ra_want;
	    ra->ra_nthreads++) {
		if (kthread_create(sqfs_ra_worker, sm, "sqfs_ra",
		    &ra->ra_threads[ra->ra_nthreads]) != 0)
			break;	/* fewer helpers: slower, not wrong */
	}
}

void
sqfs_ra_stop(struct sqfs_mount *sm)
{
	struct sqfs_ra *ra = &sm->sm_ra;
	uint32_t i, n;

	mutex_enter(&ra->ra_lock);
	ra->ra_stop = true;
	cv_broadcast(&ra->ra_cv);
	n = ra->ra_nthreads;
	mutex_exit(&ra->ra_lock);
	for (i = 0; i < n; i++)
		kthread_join(ra->ra_threads[i]);
	ra->ra_nthreads = 0;
	cv_destroy(&ra->ra_cv);
	mutex_destroy(&ra->ra_lock);
}

/*
 * Queue the non-sparse full blocks after block bi of sn (at most as
 * many as there are helper threads, twice over).
 */
void
sqfs_ra_after(struct sqfs_node *sn, uint64_t bi)
{
	struct sqfs_mount *sm = sn->sn_mount;
	struct sqfs_ra *ra = &sm->sm_ra;
	uint64_t b, last;
	uint32_t i, slot;

	if (ra->ra_want == 0)
		return;
	last = MIN(bi + 2 * ra->ra_want, (uint64_t)sn->sn_nblocks - 1);
	mutex_enter(&ra->ra_lock);
	if (!ra->ra_started)
		sqfs_ra_threads(sm);
	if (ra->ra_nthreads == 0) {
		mutex_exit(&ra->ra_lock);
		return;
	}
	for (b = bi + 1; b <= last && ra->ra_n < SQFS_RA_QUEUE; b++) {
		if ((sn->sn_bsizes[b] & SQFS_DATA_SIZEMASK) == 0)
			continue;
		for (i = 0; i < ra->ra_n; i++) {
			slot = (ra->ra_head + i) % SQFS_RA_QUEUE;
			if (ra->ra_q[slot].rq_pos == sn->sn_boffs[b])
				break;
		}
		if (i < ra->ra_n)
			continue;
		slot = (ra->ra_head + ra->ra_n) % SQFS_RA_QUEUE;
		ra->ra_q[slot].rq_pos = sn->sn_boffs[b];
		ra->ra_q[slot].rq_sizeword = sn->sn_bsizes[b];
		ra->ra_n++;
		cv_signal(&ra->ra_cv);
	}
	mutex_exit(&ra->ra_lock);
}
