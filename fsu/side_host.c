/*
 * side_host.c: the host side of a copy: libc.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fsu/side.h"

static int
host_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return openat(dirfd, path, flags | O_CLOEXEC, mode);
}

static int
host_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return fstatat(dirfd, path, st, flags);
}

static int
host_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	return mknodat(dirfd, path, mode, dev);
}

/* Names of directory fd, read through a duplicate so fd stays ours. */
static int
host_readnames(int fd, struct fsu_names *nm)
{
	struct dirent *de;
	DIR *d;
	int dfd, error = 0;

	if ((dfd = dup(fd)) < 0)
		return errno;
	if ((d = fdopendir(dfd)) == NULL) {
		error = errno;
		close(dfd);
		return error;
	}
	rewinddir(d);
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			error = errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((error = fsu_names_add(nm, de->d_name, de->d_type)) != 0)
			break;
	}
	closedir(d);
	return error;
}

static mode_t
host_getumask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
}

static int
host_canchown(void)
{
	return geteuid() == 0;
}

const struct fsu_sideops fsu_side_host = {
	.sd_name = "host",
	.sd_openat = host_openat,
	.sd_close = close,
	.sd_read = read,
	.sd_write = write,
	.sd_pread = pread,
	.sd_pwrite = pwrite,
	.sd_lseek = lseek,
	.sd_ftruncate = ftruncate,
	.sd_fstat = fstat,
	.sd_fstatat = host_fstatat,
	.sd_mkdirat = mkdirat,
	.sd_symlinkat = symlinkat,
	.sd_readlinkat = readlinkat,
	.sd_linkat = linkat,
	.sd_mknodat = host_mknodat,
	.sd_unlinkat = unlinkat,
	.sd_fchmod = fchmod,
	.sd_fchmodat = fchmodat,
	.sd_fchown = fchown,
	.sd_fchownat = fchownat,
	.sd_futimens = futimens,
	.sd_utimensat = utimensat,
	.sd_flistxattr = flistxattr,
	.sd_fgetxattr = fgetxattr,
	.sd_fsetxattr = fsetxattr,
	.sd_readnames = host_readnames,
	.sd_getumask = host_getumask,
	.sd_canchown = host_canchown,
};
