/*
 * ak_sandbox.c: confine the calling process, once its images are open,
 * to the system calls the POSIX host needs to run the kernel (hyp/posix:
 * transfers on open descriptors, memory, threads, locks, clocks, random
 * bytes) and to writing to descriptors already open.  A driver bug that
 * a hostile image turns into code execution can then not open a file,
 * run a program or reach the network: those calls fail with EPERM.
 *
 * The list follows hyp/posix and what glibc calls on its behalf; a host
 * call added to hyp/posix must be added here too (tests/host/
 * sandbox_test.c runs the kernel under the filter).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>

#include "ak/ak.h"

static const int ak_sandbox_calls[] = {
	/* transfers on open descriptors (images, stdin/stdout/stderr) */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(preadv),
	SCMP_SYS(pwritev), SCMP_SYS(preadv2), SCMP_SYS(pwritev2),
	SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(flock), SCMP_SYS(fcntl),
	SCMP_SYS(close), SCMP_SYS(ftruncate), SCMP_SYS(fallocate),
	/* memory */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect),
	SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk),
	/* threads, locks, signals of the process itself */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(gettid), SCMP_SYS(getpid),
	SCMP_SYS(tgkill), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack), SCMP_SYS(sched_yield),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(prlimit64), SCMP_SYS(getrlimit),
	/* clocks and random bytes */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(getrandom),
};

/* AK_SANDBOX_FUSE: libfuse polls /dev/fuse at unmount; akfuse reaps. */
static const int ak_sandbox_fuse_calls[] = {
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(wait4),
};

/* Allow each of calls[0..n); 0 or a libseccomp error. */
static int
ak_sandbox_allow(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	size_t i;
	int error;

	for (i = 0; i < n; i++) {
		error = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
		if (error != 0 && error != -EDOM)	/* EDOM: not on this arch */
			return error;
	}
	return 0;
}

int
ak_sandbox(void)
{
	return ak_sandbox_flags(0);
}

int
ak_sandbox_flags(int flags)
{
	scmp_filter_ctx ctx;
	int error;

	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	error = ak_sandbox_allow(ctx, ak_sandbox_calls,
	    sizeof(ak_sandbox_calls) / sizeof(ak_sandbox_calls[0]));
	if (error == 0 && (flags & AK_SANDBOX_FUSE))
		error = ak_sandbox_allow(ctx, ak_sandbox_fuse_calls,
		    sizeof(ak_sandbox_fuse_calls) /
		    sizeof(ak_sandbox_fuse_calls[0]));
	if (error != 0)
		goto fail;
	/* fstat(2) is newfstatat(fd, "", st, AT_EMPTY_PATH) in glibc. */
	error = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
	    SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
	if (error != 0 && error != -EDOM)
		goto fail;
	/*
	 * Threads, not processes: clone only with CLONE_THREAD; clone3
	 * passes its flags in memory the filter cannot see, so it answers
	 * ENOSYS and glibc falls back to clone.
	 */
	error = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	if (error == 0)
		error = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(clone3), 0);
	if (error != 0 && error != -EDOM)
		goto fail;
	if ((error = seccomp_load(ctx)) != 0)
		goto fail;
	seccomp_release(ctx);
	return 0;
fail:
	seccomp_release(ctx);
	errno = -error;
	return -1;
}
