/*
 * vt_ops_ak.c: the vt_ops table over libak.  Most entries are the
 * ak_sys_* functions themselves; the few below adapt a variadic or
 * stream-based call to the table's fixed shape.
 */
#include <errno.h>

#include "ak/ak.h"
#include "tests/vfs/common/vt.h"

static int
ak_openat3(int dirfd, const char *path, int flags, mode_t mode)
{
	return ak_sys_openat(dirfd, path, flags, mode);
}

/*
 * Collect the names of an open AK_DIR; the stream is closed (and with
 * it the descriptor) whatever happens.  errno of the first failure wins.
 */
static int
ak_collect(AK_DIR *d, struct vt_strlist *sl)
{
	struct ak_dirent *de;
	int error = 0;

	for (;;) {
		errno = 0;
		if ((de = ak_sys_readdir(d)) == NULL) {
			error = errno;
			break;
		}
		if (vt_sl_add(sl, de->d_name) != 0) {
			error = ENOMEM;
			break;
		}
	}
	ak_sys_closedir(d);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}

static int
ak_listdir(const char *path, struct vt_strlist *sl)
{
	AK_DIR *d;

	if ((d = ak_sys_opendir(path)) == NULL)
		return -1;
	return ak_collect(d, sl);
}

/* Lists through a duplicate so that the caller's descriptor stays open. */
static int
ak_flistdir(int fd, struct vt_strlist *sl)
{
	AK_DIR *d;
	int nfd;

	if ((nfd = ak_sys_dup(fd)) < 0)
		return -1;
	if ((d = ak_sys_fdopendir(nfd)) == NULL) {
		int e = errno;

		ak_sys_close(nfd);
		errno = e;
		return -1;
	}
	/* The duplicate shares the offset: start from the beginning. */
	ak_sys_rewinddir(d);
	return ak_collect(d, sl);
}

const struct vt_ops vt_ak_ops = {
	.o_name = "ak",
	.o_openat = ak_openat3,
	.o_close = ak_sys_close,
	.o_dup = ak_sys_dup,
	.o_read = ak_sys_read,
	.o_write = ak_sys_write,
	.o_pread = ak_sys_pread,
	.o_pwrite = ak_sys_pwrite,
	.o_lseek = ak_sys_lseek,
	.o_ftruncate = ak_sys_ftruncate,
	.o_truncate = ak_sys_truncate,
	.o_fsync = ak_sys_fsync,
	.o_fstatat = ak_sys_fstatat,
	.o_fstat = ak_sys_fstat,
	.o_mkdirat = ak_sys_mkdirat,
	.o_rmdir = ak_sys_rmdir,
	.o_unlinkat = ak_sys_unlinkat,
	.o_renameat2 = ak_sys_renameat2,
	.o_linkat = ak_sys_linkat,
	.o_symlinkat = ak_sys_symlinkat,
	.o_readlinkat = ak_sys_readlinkat,
	.o_mknodat = ak_sys_mknodat,
	.o_fchmodat = ak_sys_fchmodat,
	.o_fchmod = ak_sys_fchmod,
	.o_fchownat = ak_sys_fchownat,
	.o_fchown = ak_sys_fchown,
	.o_utimensat = ak_sys_utimensat,
	.o_futimens = ak_sys_futimens,
	.o_faccessat = ak_sys_faccessat,
	.o_statvfs = ak_sys_statvfs,
	.o_chdir = ak_sys_chdir,
	.o_fchdir = ak_sys_fchdir,
	.o_getcwd = ak_sys_getcwd,
	.o_umask = ak_sys_umask,
	.o_listdir = ak_listdir,
	.o_flistdir = ak_flistdir,
	.o_getxattr = ak_sys_getxattr,
	.o_lgetxattr = ak_sys_lgetxattr,
	.o_fgetxattr = ak_sys_fgetxattr,
	.o_setxattr = ak_sys_setxattr,
	.o_fsetxattr = ak_sys_fsetxattr,
	.o_listxattr = ak_sys_listxattr,
	.o_removexattr = ak_sys_removexattr,
};
