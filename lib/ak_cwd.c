/*
 * ak_cwd.c: the kernel process's current and root directories, and its
 * umask.  These are per kernel process, shared by every thread that
 * calls in; they have nothing to do with the host process's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ak_impl.h"

/* Give up growing a getcwd buffer past this size. */
#define AK_GETCWD_MAX	(1024 * 1024)

int
ak_sys_chdir(const char *path)
{
	return ak_ret(sys_chdir(path));
}

int
ak_sys_fchdir(int fd)
{
	return ak_ret(sys_fchdir(fd));
}

int
ak_sys_chroot(const char *path)
{
	return ak_ret(sys_chroot(path));
}

/*
 * getcwd into a buffer of our own, as glibc does for a NULL buf: len
 * bytes if len is not 0 (ERANGE if that is too small), else as large as
 * needed, grown by doubling on ERANGE and trimmed to fit at the end.
 */
static char *
ak_getcwd_alloc(size_t len)
{
	size_t size = len != 0 ? len : 256;
	char *p, *q;
	int error;

	for (;;) {
		if ((p = malloc(size)) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		if ((error = sys_getcwd(p, size)) == 0)
			break;
		free(p);
		if (len != 0 || ak_errno_k2h(error) != ERANGE ||
		    size >= AK_GETCWD_MAX) {
			errno = ak_errno_k2h(error);
			return NULL;
		}
		size *= 2;
	}
	if (len == 0 && (q = realloc(p, strlen(p) + 1)) != NULL)
		p = q;
	return p;
}

/*
 * The kernel's current directory, as a path from its root.  buf NULL:
 * the result is allocated (free it with free(3)), like glibc.  buf with
 * len 0 is EINVAL, as POSIX says.
 */
char *
ak_sys_getcwd(char *buf, size_t len)
{
	int error;

	if (buf == NULL)
		return ak_getcwd_alloc(len);
	if (len == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((error = sys_getcwd(buf, len)) != 0) {
		errno = ak_errno_k2h(error);
		return NULL;
	}
	return buf;
}

/*
 * Set the kernel process's umask; return the old one.  umask(2) cannot
 * fail; should the kernel refuse, the result is (mode_t)-1 with errno.
 */
mode_t
ak_sys_umask(mode_t mask)
{
	uint32_t old;
	int error;

	if ((error = sys_umask((uint32_t)(mask & 0777), &old)) != 0) {
		errno = ak_errno_k2h(error);
		return (mode_t)-1;
	}
	return (mode_t)old;
}
