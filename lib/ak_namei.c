/*
 * ak_namei.c: calls that create, remove and rename names: mkdir, rmdir,
 * unlink, rename, link, symlink, readlink, mknod.  The plain forms are
 * the *at forms relative to the current directory.
 */
#include <errno.h>
#include <fcntl.h>

#include "lib/ak_impl.h"

int
ak_sys_mkdirat(int dirfd, const char *path, mode_t mode)
{
	int kdirfd, error;

	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0)
		return ak_fail(error);
	return ak_ret(sys_mkdirat(kdirfd, path,
	    (uint32_t)(mode & K_ALLPERMS)));
}

int
ak_sys_mkdir(const char *path, mode_t mode)
{
	return ak_sys_mkdirat(AT_FDCWD, path, mode);
}

int
ak_sys_unlinkat(int dirfd, const char *path, int flags)
{
	int kdirfd, kflags, error;

	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0 ||
	    (error = ak_atflags_h2k(flags, K_AT_REMOVEDIR, &kflags)) != 0)
		return ak_fail(error);
	return ak_ret(sys_unlinkat(kdirfd, path, kflags));
}

int
ak_sys_unlink(const char *path)
{
	return ak_sys_unlinkat(AT_FDCWD, path, 0);
}

int
ak_sys_rmdir(const char *path)
{
	return ak_sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

/* flags: ak.h's RENAME_NOREPLACE (1) and RENAME_EXCHANGE (2). */
int
ak_sys_renameat2(int fromfd, const char *from, int tofd, const char *to,
    unsigned int flags)
{
	uint32_t kflags;
	int kfromfd, ktofd, error;

	if ((error = ak_dirfd_h2k(fromfd, &kfromfd)) != 0 ||
	    (error = ak_dirfd_h2k(tofd, &ktofd)) != 0 ||
	    (error = ak_renameflags_h2k(flags, &kflags)) != 0)
		return ak_fail(error);
	return ak_ret(sys_renameat2(kfromfd, from, ktofd, to, kflags));
}

int
ak_sys_rename(const char *from, const char *to)
{
	return ak_sys_renameat2(AT_FDCWD, from, AT_FDCWD, to, 0);
}

/* Like linkat(2), a symbolic link from is linked itself unless asked. */
int
ak_sys_linkat(int fromfd, const char *from, int tofd, const char *to,
    int flags)
{
	int kfromfd, ktofd, kflags, error;

	if ((error = ak_dirfd_h2k(fromfd, &kfromfd)) != 0 ||
	    (error = ak_dirfd_h2k(tofd, &ktofd)) != 0 ||
	    (error = ak_atflags_h2k(flags, K_AT_SYMLINK_FOLLOW |
	    K_AT_EMPTY_PATH, &kflags)) != 0)
		return ak_fail(error);
	return ak_ret(sys_linkat(kfromfd, from, ktofd, to, kflags));
}

int
ak_sys_link(const char *from, const char *to)
{
	return ak_sys_linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

int
ak_sys_symlinkat(const char *target, int dirfd, const char *path)
{
	int kdirfd, error;

	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0)
		return ak_fail(error);
	return ak_ret(sys_symlinkat(target, kdirfd, path));
}

int
ak_sys_symlink(const char *target, const char *path)
{
	return ak_sys_symlinkat(target, AT_FDCWD, path);
}

/* Like readlink(2): no NUL is added; the result may be truncated. */
ssize_t
ak_sys_readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	size_t done = 0;
	int kdirfd, error;

	/* Linux refuses an empty buffer before it looks at the path. */
	if (len == 0)
		return ak_fail(EINVAL);
	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0)
		return ak_fail(error);
	error = sys_readlinkat(kdirfd, path, buf, ak_clamp(len), &done);
	return ak_ret_size(error, done);
}

ssize_t
ak_sys_readlink(const char *path, char *buf, size_t len)
{
	return ak_sys_readlinkat(AT_FDCWD, path, buf, len);
}

/* The file type in mode picks the node's type; see ak_mknod_h2k. */
int
ak_sys_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	enum vtype type;
	uint32_t kmode;
	uint64_t krdev;
	int kdirfd, error;

	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0 ||
	    (error = ak_mknod_h2k(mode, dev, &type, &kmode, &krdev)) != 0)
		return ak_fail(error);
	return ak_ret(sys_mknodat(kdirfd, path, type, kmode, krdev));
}

int
ak_sys_mknod(const char *path, mode_t mode, dev_t dev)
{
	return ak_sys_mknodat(AT_FDCWD, path, mode, dev);
}
