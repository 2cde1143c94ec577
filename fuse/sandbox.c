/*
 * sandbox.c: akfuse confines itself with seccomp (ak_sandbox_flags with
 * AK_SANDBOX_FUSE) once the image is mounted and the FUSE session is
 * up, so that a driver bug a hostile image exploits cannot open host
 * files, run programs or reach the network: it can only answer FUSE
 * requests about the image.  -o nosandbox turns it off.
 *
 * Two things akfuse then cannot do itself are left to a helper process
 * forked just before, unconfined but holding no descriptor except one
 * end of a socket pair (not the image, not /dev/fuse):
 *  - reading a caller's supplementary groups from /proc/PID/status,
 *    for akf_cred ('G' + pid -> count + gids);
 *  - unmounting the mount point when akfuse stops on a signal or dies
 *    ('U', or the socket closing): fusermount3 -u -z, only if the
 *    mount it saw at the start is still there.
 *
 * Sanitizer builds skip it, as fs-utils do: their run-times need calls
 * the filter forbids.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AKF_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AKF_SANITIZED	1
#endif
#endif

static int akf_sb_fd = -1;		/* socket to the helper */
static pid_t akf_sb_pid = -1;
static pthread_mutex_t akf_sb_lock = PTHREAD_MUTEX_INITIALIZER;

/* Exactly n bytes; 0, or -1 on error or end of file. */
static int
akf_xfer(int fd, void *buf, size_t n, int out)
{
	char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = out ? write(fd, p, n) : read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* --- the helper --------------------------------------------------------- */
#ifndef AKF_SANITIZED

/* The id of the mount on mnt in /proc/self/mountinfo (last), or -1. */
static long
akf_mount_id(const char *mnt)
{
	char line[PATH_MAX * 2], *save, *f;
	long id, found = -1;
	FILE *mi;
	int i;

	if ((mi = fopen("/proc/self/mountinfo", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), mi) != NULL) {
		id = strtol(line, NULL, 10);
		f = strtok_r(line, " ", &save);
		for (i = 0; i < 4 && f != NULL; i++)
			f = strtok_r(NULL, " ", &save);
		if (f != NULL && strcmp(f, mnt) == 0)
			found = id;
	}
	fclose(mi);
	return found;
}

/* Whether mount id is still on mnt. */
static int
akf_mount_there(const char *mnt, long id)
{
	return id >= 0 && akf_mount_id(mnt) == id;
}

/* fusermount3 -u -z mnt, quietly; waits for it. */
static void
akf_unmount_lazy(const char *mnt)
{
	pid_t pid;

	if ((pid = fork()) == 0) {
		(void)freopen("/dev/null", "w", stderr);
		execlp("fusermount3", "fusermount3", "-u", "-z", mnt,
		    (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		(void)waitpid(pid, NULL, 0);
}

/* The "Groups:" of pid, at most max; the count, or -1. */
static int
akf_read_groups(pid_t pid, gid_t *groups, int max)
{
	char path[64], line[4096], *p, *end;
	FILE *f;
	int n = -1;
	unsigned long g;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		n = 0;
		for (p = line + 7; n < max; p = end) {
			g = strtoul(p, &end, 10);
			if (end == p)
				break;
			groups[n++] = (gid_t)g;
		}
		break;
	}
	fclose(f);
	return n;
}

static void __attribute__((noreturn))
akf_helper(int fd, const char *mnt)
{
	long id = akf_mount_id(mnt);
	gid_t groups[AKF_NGROUPS];
	char op;
	pid_t pid;
	int n, fdmax = (int)sysconf(_SC_OPEN_MAX), i;

	/* Hold nothing of akfuse's: the image lock, /dev/fuse. */
	if (fdmax < 0 || fdmax > 65536)
		fdmax = 65536;
	for (i = 3; i < fdmax; i++)
		if (i != fd)
			(void)close(i);
	/* A ^C to akfuse -f must not kill the one who cleans up. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	while (akf_xfer(fd, &op, 1, 0) == 0 && op == 'G') {
		if (akf_xfer(fd, &pid, sizeof(pid), 0) != 0)
			break;
		n = akf_read_groups(pid, groups, AKF_NGROUPS);
		if (akf_xfer(fd, &n, sizeof(n), 1) != 0 || (n > 0 &&
		    akf_xfer(fd, groups, (size_t)n * sizeof(gid_t), 1) != 0))
			break;
	}
	/* 'U', or akfuse is gone: a dead mount is cleaned up either way. */
	if (akf_mount_there(mnt, id))
		akf_unmount_lazy(mnt);
	op = 'D';
	(void)akf_xfer(fd, &op, 1, 1);
	_exit(0);
}

/* --- akfuse's side ---------------------------------------------------------- */

static void *
akf_idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();	/* a cancellation point */
	return NULL;
}

/*
 * libfuse cancels its worker threads when the loop ends, and glibc
 * loads libgcc_s (by opening it) at the first pthread_cancel: do one
 * now, while files can still be opened.
 */
static void
akf_warm_cancel(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, akf_idle, NULL) == 0) {
		(void)pthread_cancel(t);
		(void)pthread_join(t, NULL);
	}
}

#endif /* !AKF_SANITIZED */

int
akf_sandbox_start(const char *mnt)
{
#ifdef AKF_SANITIZED
	(void)mnt;
	return 0;
#else
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		perror("akfuse: sandbox: socketpair");
		return -1;
	}
	if ((akf_sb_pid = fork()) < 0) {
		perror("akfuse: sandbox: fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (akf_sb_pid == 0) {
		close(sv[0]);
		akf_helper(sv[1], mnt);
	}
	close(sv[1]);
	akf_sb_fd = sv[0];
	akf_warm_cancel();
	if (ak_sandbox_flags(AK_SANDBOX_FUSE) != 0) {
		fprintf(stderr, "akfuse: sandbox not available: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
#endif
}

int
akf_sandbox_groups(pid_t pid, gid_t *groups, int max)
{
	gid_t got[AKF_NGROUPS];
	char op = 'G';
	int n = -1;

	if (akf_sb_fd < 0 || pid <= 0)
		return -1;
	pthread_mutex_lock(&akf_sb_lock);
	if (akf_xfer(akf_sb_fd, &op, 1, 1) != 0 ||
	    akf_xfer(akf_sb_fd, &pid, sizeof(pid), 1) != 0 ||
	    akf_xfer(akf_sb_fd, &n, sizeof(n), 0) != 0)
		n = -1;
	else if (n > AKF_NGROUPS ||
	    (n > 0 && akf_xfer(akf_sb_fd, got, (size_t)n * sizeof(gid_t),
	    0) != 0))
		n = -1;		/* the stream is lost: no more groups */
	pthread_mutex_unlock(&akf_sb_lock);
	if (n > max)
		n = max;
	if (n > 0)
		memcpy(groups, got, (size_t)n * sizeof(gid_t));
	return n;
}

int
akf_sandboxed(void)
{
	return akf_sb_fd >= 0;
}

void
akf_sandbox_stop(void)
{
	char op = 'U';

	if (akf_sb_fd < 0)
		return;
	pthread_mutex_lock(&akf_sb_lock);
	if (akf_xfer(akf_sb_fd, &op, 1, 1) == 0)
		(void)akf_xfer(akf_sb_fd, &op, 1, 0);	/* 'D': done */
	close(akf_sb_fd);
	akf_sb_fd = -1;
	pthread_mutex_unlock(&akf_sb_lock);
	(void)waitpid(akf_sb_pid, NULL, 0);
}
