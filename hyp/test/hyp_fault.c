/*
 * hyp_fault.c: the fault-injection host.  It wraps the POSIX host, whose
 * hyp_blk_read, hyp_blk_write, hyp_blk_flush and hyp_malloc the Makefile
 * renames to hypposix_* in libak-fault.a, and decides call by call
 * whether to pass through, fail, or (after a simulated crash) pretend.
 *
 * A crash is simulated with an undo log: while a crash is armed, every
 * write first saves the bytes it overwrites; a flush barrier forgets the
 * saved bytes of its device (they are durable now).  At the crash the
 * saved bytes are written back, newest first, which leaves on the image
 * exactly what a disk that had lost its unflushed writes would hold.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/hyp.h"
#include "hyp/test/hyp_fault.h"

/* The kernel's numbers for the two errors injected. */
enum {
#define ERRNO(name, num, msg)	K_##name = num,
#include "sys/errno_list.h"
#undef ERRNO
};

/* The POSIX host's calls, renamed. */
int	hypposix_blk_read(struct hyp_blk *, const struct hyp_iovec *,
	    hyp_u32, hyp_u64, hyp_u64 *);
int	hypposix_blk_write(struct hyp_blk *, const struct hyp_iovec *,
	    hyp_u32, hyp_u64, hyp_u64 *);
int	hypposix_blk_flush(struct hyp_blk *);
int	hypposix_malloc(hyp_u64, hyp_u64, void **);
void	hypposix_free(void *, hyp_u64);

struct undo {
	struct undo	*u_next;	/* older */
	struct hyp_blk	*u_blk;
	hyp_u64		 u_off;
	hyp_u64		 u_len;		/* bytes saved (the old contents) */
	hyp_u64		 u_wlen;	/* bytes the write covered */
	unsigned char	 u_data[];
};

static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hypfault_stats st;
static uint64_t fail_read, fail_write, fail_alloc;	/* 0: none */
static uint64_t fail_boff, fail_bnth;	/* the block write fault */
static uint64_t crash_at;				/* 0: none */
static int crash_mode;
static uint32_t crash_rand;
static struct undo *undo_head;

static uint32_t
fault_random(void)
{
	crash_rand = crash_rand * 1103515245 + 12345;
	return crash_rand >> 16;
}

static void
undo_free_all(void)
{
	struct undo *u;

	while ((u = undo_head) != NULL) {
		undo_head = u->u_next;
		free(u);
	}
}

void
hypfault_reset(void)
{
	uint64_t inuse;

	pthread_mutex_lock(&fault_lock);
	inuse = st.mem_inuse;	/* still allocated: not a counter */
	memset(&st, 0, sizeof(st));
	st.mem_inuse = st.mem_peak = inuse;
	fail_read = fail_write = fail_alloc = crash_at = 0;
	fail_bnth = 0;
	undo_free_all();
	pthread_mutex_unlock(&fault_lock);
}

void
hypfault_stats(struct hypfault_stats *out)
{
	pthread_mutex_lock(&fault_lock);
	*out = st;
	pthread_mutex_unlock(&fault_lock);
}

void
hypfault_fail_read(uint64_t nth)
{
	pthread_mutex_lock(&fault_lock);
	fail_read = nth == 0 ? 0 : st.reads + nth;
	pthread_mutex_unlock(&fault_lock);
}

void
hypfault_fail_write(uint64_t nth)
{
	pthread_mutex_lock(&fault_lock);
	fail_write = nth == 0 ? 0 : st.writes + nth;
	pthread_mutex_unlock(&fault_lock);
}

void
hypfault_fail_alloc(uint64_t nth)
{
	pthread_mutex_lock(&fault_lock);
	fail_alloc = nth == 0 ? 0 : st.allocs + nth;
	pthread_mutex_unlock(&fault_lock);
}

void
hypfault_fail_block_write(uint64_t off, uint64_t nth)
{
	pthread_mutex_lock(&fault_lock);
	fail_boff = off;
	fail_bnth = nth;
	st.blockwrites = 0;
	pthread_mutex_unlock(&fault_lock);
}

void
hypfault_crash_after(uint64_t nth, int mode, uint32_t seed)
{
	pthread_mutex_lock(&fault_lock);
	undo_free_all();
	crash_at = nth == 0 ? 0 : st.writes + nth;
	crash_mode = mode;
	crash_rand = seed;
	st.crashed = 0;
	pthread_mutex_unlock(&fault_lock);
}

/*
 * Allocations are counted, and the bytes held (the kernel passes the
 * size to hyp_free), so that a test can bound what a hostile image makes
 * the kernel allocate: the peak, and the largest request even when the
 * host refused it.
 */
int
hyp_malloc(hyp_u64 size, hyp_u64 align, void **ret)
{
	bool fail;
	int error;

	pthread_mutex_lock(&fault_lock);
	fail = ++st.allocs == fail_alloc;
	st.injected += fail;
	if (size > st.mem_maxreq)
		st.mem_maxreq = size;
	pthread_mutex_unlock(&fault_lock);
	if (fail)
		return K_ENOMEM;
	if ((error = hypposix_malloc(size, align, ret)) != 0)
		return error;
	pthread_mutex_lock(&fault_lock);
	st.mem_inuse += size;
	if (st.mem_inuse > st.mem_peak)
		st.mem_peak = st.mem_inuse;
	pthread_mutex_unlock(&fault_lock);
	return 0;
}

void
hyp_free(void *p, hyp_u64 size)
{
	pthread_mutex_lock(&fault_lock);
	st.mem_inuse -= size;
	pthread_mutex_unlock(&fault_lock);
	hypposix_free(p, size);
}

int
hyp_blk_read(struct hyp_blk *b, const struct hyp_iovec *iov, hyp_u32 n,
    hyp_u64 off, hyp_u64 *done)
{
	bool fail;

	pthread_mutex_lock(&fault_lock);
	fail = ++st.reads == fail_read;
	st.injected += fail;
	pthread_mutex_unlock(&fault_lock);
	if (fail) {
		*done = 0;
		return K_EIO;
	}
	return hypposix_blk_read(b, iov, n, off, done);
}

static hyp_u64
iov_total(const struct hyp_iovec *iov, hyp_u32 n)
{
	hyp_u64 len = 0;
	hyp_u32 i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

/* Save what a write of len bytes at off is about to overwrite. */
static int
undo_save(struct hyp_blk *b, hyp_u64 off, hyp_u64 len)
{
	struct hyp_iovec v;
	struct undo *u;
	hyp_u64 got = 0;
	int error;

	if ((u = malloc(sizeof(*u) + len)) == NULL)
		return K_ENOMEM;
	v.iov_base = u->u_data;
	v.iov_len = len;
	if ((error = hypposix_blk_read(b, &v, 1, off, &got)) != 0) {
		free(u);
		return error;
	}
	u->u_blk = b;
	u->u_off = off;
	u->u_len = got;		/* short past the end of a file */
	u->u_wlen = len;
	u->u_next = undo_head;
	undo_head = u;
	return 0;
}

/* The power cut: undo the unflushed writes (all, or some). */
static void
crash_now(void)
{
	static unsigned char zero[4096];
	struct hyp_iovec v;
	struct undo *u;
	hyp_u64 done, pos, n;

	for (u = undo_head; u != NULL; u = u->u_next) {
		if (crash_mode == HYPFAULT_CRASH_SOME && fault_random() % 2)
			continue;	/* this one reached the disk */
		v.iov_base = u->u_data;
		v.iov_len = u->u_len;
		(void)hypposix_blk_write(u->u_blk, &v, 1, u->u_off, &done);
		/* Bytes the write put past the old end become zeros. */
		for (pos = u->u_len; pos < u->u_wlen; pos += n) {
			n = u->u_wlen - pos < sizeof(zero) ? u->u_wlen - pos :
			    sizeof(zero);
			v.iov_base = zero;
			v.iov_len = n;
			(void)hypposix_blk_write(u->u_blk, &v, 1,
			    u->u_off + pos, &done);
		}
	}
	undo_free_all();
	st.crashed = 1;
}

/*
 * Whether a write of len bytes at off reaches past the end of b: a driver
 * must stay inside its device, whatever the image claims (the images of
 * the tests are files, which such a write would quietly grow).
 */
static bool
past_end(struct hyp_blk *b, hyp_u64 off, hyp_u64 len)
{
	hyp_u64 size;

	return hyp_blk_getinfo(b, &size, NULL, NULL) == 0 && off + len > size;
}

int
hyp_blk_write(struct hyp_blk *b, const struct hyp_iovec *iov, hyp_u32 n,
    hyp_u64 off, hyp_u64 *done)
{
	hyp_u64 seq;
	bool fail;
	int error = 0;

	pthread_mutex_lock(&fault_lock);
	seq = ++st.writes;
	st.past_end_writes += past_end(b, off, iov_total(iov, n));
	fail = seq == fail_write;
	/* Only writes that cover the chosen byte count for a block fault. */
	if (fail_bnth != 0 && off <= fail_boff &&
	    fail_boff - off < iov_total(iov, n) &&
	    ++st.blockwrites == fail_bnth)
		fail = true;
	if (fail) {
		st.injected++;
		pthread_mutex_unlock(&fault_lock);
		*done = 0;
		return K_EIO;
	}
	if (crash_at != 0 && !st.crashed && seq >= crash_at) {
		st.injected++;
		crash_now();
	}
	if (st.crashed) {
		pthread_mutex_unlock(&fault_lock);
		*done = iov_total(iov, n);
		return 0;
	}
	if (crash_at != 0)
		error = undo_save(b, off, iov_total(iov, n));
	/* Under the lock, so that the undo log stays in write order. */
	if (error == 0)
		error = hypposix_blk_write(b, iov, n, off, done);
	pthread_mutex_unlock(&fault_lock);
	return error;
}

int
hyp_blk_flush(struct hyp_blk *b)
{
	struct undo **up, *u;

	pthread_mutex_lock(&fault_lock);
	st.flushes++;
	if (st.crashed) {
		pthread_mutex_unlock(&fault_lock);
		return 0;
	}
	for (up = &undo_head; (u = *up) != NULL;) {
		if (u->u_blk == b) {
			*up = u->u_next;
			free(u);
		} else
			up = &u->u_next;
	}
	pthread_mutex_unlock(&fault_lock);
	return hypposix_blk_flush(b);
}
