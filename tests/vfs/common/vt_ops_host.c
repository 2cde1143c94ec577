/*
 * vt_ops_host.c: the vt_ops table over the host's libc, the oracle of
 * the differential tests.  Only the calls whose libc shape differs from
 * the table (variadic open, DIR streams) need a wrapper.
 */
#include <sys/xattr.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/vfs/common/vt.h"

static int
host_openat3(int dirfd, const char *path, int flags, mode_t mode)
{
	return openat(dirfd, path, flags, mode);
}

static int
host_collect(DIR *d, struct vt_strlist *sl)
{
	struct dirent *de;
	int error = 0;

	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			error = errno;
			break;
		}
		if (vt_sl_add(sl, de->d_name) != 0) {
			error = ENOMEM;
			break;
		}
	}
	closedir(d);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}

static int
host_listdir(const char *path, struct vt_strlist *sl)
{
	DIR *d;

	if ((d = opendir(path)) == NULL)
		return -1;
	return host_collect(d, sl);
}

static int
host_flistdir(int fd, struct vt_strlist *sl)
{
	DIR *d;
	int nfd;

	if ((nfd = dup(fd)) < 0)
		return -1;
	if ((d = fdopendir(nfd)) == NULL) {
		int e = errno;

		close(nfd);
		errno = e;
		return -1;
	}
	/* The duplicate shares the offset: start from the beginning. */
	rewinddir(d);
	return host_collect(d, sl);
}

static int
host_renameat2(int ofd, const char *from, int nfd, const char *to,
    unsigned int flags)
{
	return renameat2(ofd, from, nfd, to, flags);
}

const struct vt_ops vt_host_ops = {
	.o_name = "host",
	.o_openat = host_openat3,
	.o_close = close,
	.o_dup = dup,
	.o_read = read,
	.o_write = write,
	.o_pread = pread,
	.o_pwrite = pwrite,
	.o_lseek = lseek,
	.o_ftruncate = ftruncate,
	.o_truncate = truncate,
	.o_fsync = fsync,
	.o_fstatat = fstatat,
	.o_fstat = fstat,
	.o_mkdirat = mkdirat,
	.o_rmdir = rmdir,
	.o_unlinkat = unlinkat,
	.o_renameat2 = host_renameat2,
	.o_linkat = linkat,
	.o_symlinkat = symlinkat,
	.o_readlinkat = readlinkat,
	.o_mknodat = mknodat,
	.o_fchmodat = fchmodat,
	.o_fchmod = fchmod,
	.o_fchownat = fchownat,
	.o_fchown = fchown,
	.o_utimensat = utimensat,
	.o_futimens = futimens,
	.o_faccessat = faccessat,
	.o_statvfs = statvfs,
	.o_chdir = chdir,
	.o_fchdir = fchdir,
	.o_getcwd = getcwd,
	.o_umask = umask,
	.o_listdir = host_listdir,
	.o_flistdir = host_flistdir,
	.o_getxattr = getxattr,
	.o_lgetxattr = lgetxattr,
	.o_fgetxattr = fgetxattr,
	.o_setxattr = setxattr,
	.o_fsetxattr = fsetxattr,
	.o_listxattr = listxattr,
	.o_removexattr = removexattr,
};
