/*
 * ak_xattr.c: extended attributes, with Linux's signatures.  Each family
 * (get, set, list, remove) has one kernel entry point taking a directory
 * descriptor, a path and AT_* flags:
 *
 *	path form	AT_FDCWD, path, 0
 *	l form		AT_FDCWD, path, AT_SYMLINK_NOFOLLOW
 *	f form		fd, "", AT_EMPTY_PATH
 *
 * The f forms check fd themselves: a negative fd must be EBADF, never
 * the kernel's AT_FDCWD, which with AT_EMPTY_PATH would name the current
 * directory instead.
 */
#include <errno.h>

#include "lib/ak_impl.h"

/* Where an xattr call acts: a kernel dirfd, a path and AT_* flags. */
struct ak_xtarget {
	int		 xt_dirfd;	/* kernel descriptor or KAPI_AT_FDCWD */
	const char	*xt_path;	/* path, or "" for the f forms */
	int		 xt_atflags;	/* kernel AT_* flags */
};

static struct ak_xtarget
ak_xpath(const char *path, int atflags)
{
	struct ak_xtarget xt = { KAPI_AT_FDCWD, path, atflags };

	return xt;
}

/* A negative fd becomes -1, which ak_xbad() rejects. */
static struct ak_xtarget
ak_xfd(int fd)
{
	struct ak_xtarget xt = { fd < 0 ? -1 : fd, "", K_AT_EMPTY_PATH };

	return xt;
}

static bool
ak_xbad(struct ak_xtarget xt)
{
	return xt.xt_dirfd == -1;
}

static ssize_t
ak_getxattr(struct ak_xtarget xt, const char *name, void *val, size_t size)
{
	size_t done = 0;
	int error;

	if (ak_xbad(xt))
		return ak_fail(EBADF);
	error = sys_getxattrat(xt.xt_dirfd, xt.xt_path, xt.xt_atflags, name,
	    val, ak_clamp(size), &done);
	return ak_ret_size(error, done);
}

static int
ak_setxattr(struct ak_xtarget xt, const char *name, const void *val,
    size_t size, int flags)
{
	int kflags, error;

	if (ak_xbad(xt))
		return ak_fail(EBADF);
	if ((error = ak_xattrflags_h2k(flags, &kflags)) != 0)
		return ak_fail(error);
	return ak_ret(sys_setxattrat(xt.xt_dirfd, xt.xt_path, xt.xt_atflags,
	    name, val, size, kflags));
}

static ssize_t
ak_listxattr(struct ak_xtarget xt, char *list, size_t size)
{
	size_t done = 0;
	int error;

	if (ak_xbad(xt))
		return ak_fail(EBADF);
	error = sys_listxattrat(xt.xt_dirfd, xt.xt_path, xt.xt_atflags, list,
	    ak_clamp(size), &done);
	return ak_ret_size(error, done);
}

static int
ak_removexattr(struct ak_xtarget xt, const char *name)
{
	if (ak_xbad(xt))
		return ak_fail(EBADF);
	return ak_ret(sys_removexattrat(xt.xt_dirfd, xt.xt_path,
	    xt.xt_atflags, name));
}

ssize_t
ak_sys_getxattr(const char *path, const char *name, void *val, size_t size)
{
	return ak_getxattr(ak_xpath(path, 0), name, val, size);
}

ssize_t
ak_sys_lgetxattr(const char *path, const char *name, void *val,
    size_t size)
{
	return ak_getxattr(ak_xpath(path, K_AT_SYMLINK_NOFOLLOW), name, val,
	    size);
}

ssize_t
ak_sys_fgetxattr(int fd, const char *name, void *val, size_t size)
{
	return ak_getxattr(ak_xfd(fd), name, val, size);
}

int
ak_sys_setxattr(const char *path, const char *name, const void *val,
    size_t size, int flags)
{
	return ak_setxattr(ak_xpath(path, 0), name, val, size, flags);
}

int
ak_sys_lsetxattr(const char *path, const char *name, const void *val,
    size_t size, int flags)
{
	return ak_setxattr(ak_xpath(path, K_AT_SYMLINK_NOFOLLOW), name, val,
	    size, flags);
}

int
ak_sys_fsetxattr(int fd, const char *name, const void *val, size_t size,
    int flags)
{
	return ak_setxattr(ak_xfd(fd), name, val, size, flags);
}

ssize_t
ak_sys_listxattr(const char *path, char *list, size_t size)
{
	return ak_listxattr(ak_xpath(path, 0), list, size);
}

ssize_t
ak_sys_llistxattr(const char *path, char *list, size_t size)
{
	return ak_listxattr(ak_xpath(path, K_AT_SYMLINK_NOFOLLOW), list,
	    size);
}

ssize_t
ak_sys_flistxattr(int fd, char *list, size_t size)
{
	return ak_listxattr(ak_xfd(fd), list, size);
}

int
ak_sys_removexattr(const char *path, const char *name)
{
	return ak_removexattr(ak_xpath(path, 0), name);
}

int
ak_sys_lremovexattr(const char *path, const char *name)
{
	return ak_removexattr(ak_xpath(path, K_AT_SYMLINK_NOFOLLOW), name);
}

int
ak_sys_fremovexattr(int fd, const char *name)
{
	return ak_removexattr(ak_xfd(fd), name);
}

/*
 * The *at forms: any of the above relative to a directory descriptor,
 * with AT_SYMLINK_NOFOLLOW (the l forms) and AT_EMPTY_PATH (the f forms,
 * path "") as flags.  A program that reaches files through directory
 * descriptors (a FUSE server, a tree deeper than PATH_MAX) needs them:
 * no whole path to the file may exist.
 */
static int
ak_xat(int dirfd, const char *path, int flags, struct ak_xtarget *xt)
{
	int error;

	if ((error = ak_dirfd_h2k(dirfd, &xt->xt_dirfd)) != 0 ||
	    (error = ak_atflags_h2k(flags, K_AT_SYMLINK_NOFOLLOW |
	    K_AT_EMPTY_PATH, &xt->xt_atflags)) != 0)
		return error;
	xt->xt_path = path;
	return 0;
}

ssize_t
ak_sys_getxattrat(int dirfd, const char *path, const char *name, void *val,
    size_t size, int flags)
{
	struct ak_xtarget xt;
	int error;

	if ((error = ak_xat(dirfd, path, flags, &xt)) != 0)
		return ak_fail(error);
	return ak_getxattr(xt, name, val, size);
}

int
ak_sys_setxattrat(int dirfd, const char *path, const char *name,
    const void *val, size_t size, int xflags, int flags)
{
	struct ak_xtarget xt;
	int error;

	if ((error = ak_xat(dirfd, path, flags, &xt)) != 0)
		return ak_fail(error);
	return ak_setxattr(xt, name, val, size, xflags);
}

ssize_t
ak_sys_listxattrat(int dirfd, const char *path, char *list, size_t size,
    int flags)
{
	struct ak_xtarget xt;
	int error;

	if ((error = ak_xat(dirfd, path, flags, &xt)) != 0)
		return ak_fail(error);
	return ak_listxattr(xt, list, size);
}

int
ak_sys_removexattrat(int dirfd, const char *path, const char *name,
    int flags)
{
	struct ak_xtarget xt;
	int error;

	if ((error = ak_xat(dirfd, path, flags, &xt)) != 0)
		return ak_fail(error);
	return ak_removexattr(xt, name);
}
