/*
 * ak_file.c: opening, reading and writing files through kernel
 * descriptors.  Descriptors are the kernel's, not the host's: they index
 * the kernel process's table and mean nothing to the host's read(2).
 *
 * Lengths above SSIZE_MAX are clamped (as Linux clamps to MAX_RW_COUNT)
 * so that every count returned fits the ssize_t result.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>

#include "lib/ak_impl.h"

int
ak_sys_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;

	/* mode_t may be narrower than int: it arrives promoted. */
	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return ak_sys_openat(AT_FDCWD, path, flags, mode);
}

int
ak_sys_openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;
	int kdirfd, kflags, fd, error;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0 ||
	    (error = ak_oflags_h2k(flags, &kflags)) != 0)
		return ak_fail(error);
	error = sys_openat(kdirfd, path, kflags,
	    (uint32_t)(mode & K_ALLPERMS), &fd);
	if (error != 0)
		return ak_ret(error);
	return fd;
}

int
ak_sys_close(int fd)
{
	return ak_ret(sys_close(fd));
}

int
ak_sys_dup(int fd)
{
	int newfd, error;

	if ((error = sys_dup(fd, &newfd)) != 0)
		return ak_ret(error);
	return newfd;
}

ssize_t
ak_sys_read(int fd, void *buf, size_t len)
{
	size_t done = 0;
	int error;

	error = sys_read(fd, buf, ak_clamp(len), &done);
	return ak_ret_size(error, done);
}

ssize_t
ak_sys_write(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	int error;

	error = sys_write(fd, buf, ak_clamp(len), &done);
	return ak_ret_size(error, done);
}

ssize_t
ak_sys_pread(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	int error;

	error = sys_pread(fd, buf, ak_clamp(len), (int64_t)off, &done);
	return ak_ret_size(error, done);
}

ssize_t
ak_sys_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	size_t done = 0;
	int error;

	error = sys_pwrite(fd, buf, ak_clamp(len), (int64_t)off, &done);
	return ak_ret_size(error, done);
}

/* SEEK_DATA and SEEK_HOLE are passed on where the host defines them. */
off_t
ak_sys_lseek(int fd, off_t off, int whence)
{
	int64_t res;
	int kwhence, error;

	if ((error = ak_whence_h2k(whence, &kwhence)) != 0)
		return ak_fail(error);
	if ((error = sys_lseek(fd, (int64_t)off, kwhence, &res)) != 0)
		return ak_ret(error);
	if ((int64_t)(off_t)res != res)
		return ak_fail(EOVERFLOW);
	return (off_t)res;
}

int
ak_sys_ftruncate(int fd, off_t len)
{
	return ak_ret(sys_ftruncate(fd, (int64_t)len));
}

int
ak_sys_truncate(const char *path, off_t len)
{
	return ak_ret(sys_truncate(path, (int64_t)len));
}

int
ak_sys_fsync(int fd)
{
	return ak_ret(sys_fsync(fd));
}
