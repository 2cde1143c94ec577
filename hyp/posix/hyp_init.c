/*
 * hyp_init.c: start-up, parameters, console and termination for POSIX hosts.
 *
 * hyp_init is the first hypercall the kernel makes; it refuses a kernel
 * built against another version of hyp.h, records the upcalls and creates
 * the per-thread curlwp key.  Parameters are plain environment variables.
 * The console is the host's standard error, written unbuffered so that a
 * message is out before a following hyp_abort.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hyp/hyp.h"
#include "hyp_posix.h"

struct hyp_upcalls hyp_posix_upcalls;

/*
 * Check that the kernel speaks our version of the interface and remember
 * its upcalls.  Call once, before any other hypercall and before the
 * kernel starts threads; calling it again (after a kernel shut-down)
 * replaces the upcalls.  EINVAL on a version mismatch.
 */
int
hyp_init(hyp_u32 version, const struct hyp_upcalls *up)
{
	int error;

	if (version != HYP_VERSION)
		return hyp_posix_errno(EINVAL);
	if ((error = hyp_posix_thread_init()) != 0)
		return error;
	if (up != NULL)
		hyp_posix_upcalls = *up;
	else
		memset(&hyp_posix_upcalls, 0, sizeof(hyp_posix_upcalls));
	return 0;
}

/*
 * Copy the environment variable name into buf (AK_NCPU, when unset, is
 * the number of processors online).  ENOENT if it is unset,
 * ENAMETOOLONG if buf cannot hold it and its terminating NUL.  The
 * environment must not be changed by another thread meanwhile (getenv is
 * not safe against a concurrent setenv).
 */
int
hyp_getparam(const char *name, char *buf, hyp_u64 buflen)
{
	const char *v;
	size_t len;

	char ncpu[24];
	long n;

	if ((v = getenv(name)) == NULL) {
		/* Unset AK_NCPU: the processors the host has online. */
		if (strcmp(name, "AK_NCPU") != 0 ||
		    (n = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
			return hyp_posix_errno(ENOENT);
		snprintf(ncpu, sizeof(ncpu), "%ld", n);
		v = ncpu;
	}
	len = strlen(v);
	if ((hyp_u64)len >= buflen)
		return hyp_posix_errno(ENAMETOOLONG);
	memcpy(buf, v, len + 1);
	return 0;
}

/*
 * Write to standard error.  write(2) may be interrupted or transfer only
 * part of the buffer (a pipe, a terminal); keep going until all is out.
 * Any other failure drops the rest: there is nowhere left to report it.
 */
void
hyp_console_write(const char *buf, hyp_u64 len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDERR_FILENO, buf, len > SSIZE_MAX ?
		    (size_t)SSIZE_MAX : (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (hyp_u64)n;
	}
}

/*
 * Leave the process with status.  exit(3) rather than _exit(2) so that
 * the application's own atexit handlers and stdio buffers are honoured.
 */
void
hyp_exit(int status)
{
	exit(status);
}

void
hyp_abort(void)
{
	abort();
}

/*
 * A host primitive failed that the contract says cannot fail (a mutex
 * lock, a thread-specific store).  That is a host or kernel bug with no
 * error path back, so say what failed and stop.
 */
void
hyp_posix_fatal(const char *what, int error)
{
	char msg[160];
	int n;

	n = snprintf(msg, sizeof(msg), "hyp_posix: %s failed: host errno %d\n",
	    what, error);
	if (n > 0)
		hyp_console_write(msg, n < (int)sizeof(msg) ? (hyp_u64)n :
		    sizeof(msg) - 1);
	abort();
}
