/*
 * hyp_random.c: random bytes from the host's kernel.
 *
 * Linux has getrandom(2), which needs no file descriptor and works in a
 * chroot; it returns at most 32 MiB - 1 per call and may be interrupted,
 * so it is called in a loop.  A kernel too old for it (ENOSYS), and hosts
 * without it, read /dev/urandom instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/random.h>
#endif

#include "hyp/hyp.h"
#include "hyp_posix.h"

/* The most we ask of one read(2), well below SSIZE_MAX everywhere. */
#define RANDOM_CHUNK	(1U << 20)

/*
 * Fill buf with len bytes from /dev/urandom.  0, or EIO if the device
 * cannot be opened or read.
 */
int
hyp_posix_urandom(void *buf, hyp_u64 len)
{
	unsigned char *p = buf;
	ssize_t n;
	int fd;

	do {
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return hyp_posix_errno(EIO);
	while (len > 0) {
		n = read(fd, p, len > RANDOM_CHUNK ? RANDOM_CHUNK : (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return hyp_posix_errno(EIO);
		}
		p += n;
		len -= (hyp_u64)n;
	}
	close(fd);
	return 0;
}

/*
 * Fill buf with len random bytes suitable for keys and salts: all of
 * them, or fail with EIO.
 */
int
hyp_getrandom(void *buf, hyp_u64 len)
{
#ifdef __linux__
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len > RANDOM_CHUNK ? RANDOM_CHUNK :
		    (size_t)len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOSYS)
			return hyp_posix_urandom(p, len);
		if (n <= 0)
			return hyp_posix_errno(EIO);
		p += n;
		len -= (hyp_u64)n;
	}
	return 0;
#else
	return hyp_posix_urandom(buf, len);
#endif
}
