/*
 * ak_attr.c: file attributes: the stat family, chmod, chown, utimensat,
 * access and statvfs.  Each *at call states which AT_* flags it takes
 * (see ak_atflags_h2k for why it must); the others are EINVAL.
 */
#include <errno.h>
#include <fcntl.h>

#include "lib/ak_impl.h"

/* Owners for chown: the host's -1 (leave unchanged) becomes the kernel's. */
static uint32_t
ak_uid_h2k(uid_t uid)
{
	return uid == (uid_t)-1 ? KAPI_NOCHANGE : (uint32_t)uid;
}

static uint32_t
ak_gid_h2k(gid_t gid)
{
	return gid == (gid_t)-1 ? KAPI_NOCHANGE : (uint32_t)gid;
}

/* Finish a stat call: translate va into st. */
static int
ak_stat_ret(int kerror, const struct vattr *va, struct stat *st)
{
	int error;

	if (kerror != 0)
		return ak_ret(kerror);
	if ((error = ak_vattr_to_stat(va, st)) != 0)
		return ak_fail(error);
	return 0;
}

/*
 * AT_NO_AUTOMOUNT is accepted and ignored: the kernel has no automount
 * points, so every stat already behaves as if it were given.
 */
int
ak_sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct vattr va;
	int kdirfd, kflags, error;

#ifdef AT_NO_AUTOMOUNT
	flags &= ~AT_NO_AUTOMOUNT;
#endif
	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0 ||
	    (error = ak_atflags_h2k(flags, K_AT_SYMLINK_NOFOLLOW |
	    K_AT_EMPTY_PATH, &kflags)) != 0)
		return ak_fail(error);
	return ak_stat_ret(sys_fstatat(kdirfd, path, &va, kflags), &va, st);
}

int
ak_sys_stat(const char *path, struct stat *st)
{
	return ak_sys_fstatat(AT_FDCWD, path, st, 0);
}

int
ak_sys_lstat(const char *path, struct stat *st)
{
	return ak_sys_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int
ak_sys_fstat(int fd, struct stat *st)
{
	struct vattr va;

	return ak_stat_ret(sys_fstat(fd, &va), &va, st);
}

int
ak_sys_fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	int kdirfd, kflags, error;

	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0 ||
	    (error = ak_atflags_h2k(flags, K_AT_SYMLINK_NOFOLLOW,
	    &kflags)) != 0)
		return ak_fail(error);
	return ak_ret(sys_fchmodat(kdirfd, path,
	    (uint32_t)(mode & K_ALLPERMS), kflags));
}

int
ak_sys_chmod(const char *path, mode_t mode)
{
	return ak_sys_fchmodat(AT_FDCWD, path, mode, 0);
}

int
ak_sys_fchmod(int fd, mode_t mode)
{
	return ak_ret(sys_fchmod(fd, (uint32_t)(mode & K_ALLPERMS)));
}

int
ak_sys_fchownat(int dirfd, const char *path, uid_t uid, gid_t gid,
    int flags)
{
	int kdirfd, kflags, error;

	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0 ||
	    (error = ak_atflags_h2k(flags, K_AT_SYMLINK_NOFOLLOW |
	    K_AT_EMPTY_PATH, &kflags)) != 0)
		return ak_fail(error);
	return ak_ret(sys_fchownat(kdirfd, path, ak_uid_h2k(uid),
	    ak_gid_h2k(gid), kflags));
}

int
ak_sys_chown(const char *path, uid_t uid, gid_t gid)
{
	return ak_sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

int
ak_sys_lchown(const char *path, uid_t uid, gid_t gid)
{
	return ak_sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int
ak_sys_fchown(int fd, uid_t uid, gid_t gid)
{
	return ak_ret(sys_fchown(fd, ak_uid_h2k(uid), ak_gid_h2k(gid)));
}

/*
 * ts NULL sets both times to now.  A NULL path acts on dirfd itself, as
 * Linux's utimensat does (and glibc's futimens relies on).
 */
int
ak_sys_utimensat(int dirfd, const char *path, const struct timespec ts[2],
    int flags)
{
	struct ktimespec kts[2];
	int kdirfd, kflags, error;

	if (path == NULL) {
		if (flags != 0)
			return ak_fail(EINVAL);
		return ak_sys_futimens(dirfd, ts);
	}
	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0 ||
	    (error = ak_atflags_h2k(flags, K_AT_SYMLINK_NOFOLLOW |
	    K_AT_EMPTY_PATH, &kflags)) != 0 ||
	    (ts != NULL && (error = ak_times_h2k(ts, kts)) != 0))
		return ak_fail(error);
	return ak_ret(sys_utimensat(kdirfd, path, ts != NULL ? kts : NULL,
	    kflags));
}

int
ak_sys_futimens(int fd, const struct timespec ts[2])
{
	struct ktimespec kts[2];
	int error;

	if (ts != NULL && (error = ak_times_h2k(ts, kts)) != 0)
		return ak_fail(error);
	return ak_ret(sys_futimens(fd, ts != NULL ? kts : NULL));
}

int
ak_sys_faccessat(int dirfd, const char *path, int mode, int flags)
{
	int kdirfd, kmode, kflags, error;

	if ((error = ak_dirfd_h2k(dirfd, &kdirfd)) != 0 ||
	    (error = ak_access_h2k(mode, &kmode)) != 0 ||
	    (error = ak_atflags_h2k(flags, K_AT_EACCESS |
	    K_AT_SYMLINK_NOFOLLOW | K_AT_EMPTY_PATH, &kflags)) != 0)
		return ak_fail(error);
	return ak_ret(sys_faccessat(kdirfd, path, kmode, kflags));
}

int
ak_sys_access(const char *path, int mode)
{
	return ak_sys_faccessat(AT_FDCWD, path, mode, 0);
}

/* Finish a statvfs call: translate ksb into sb. */
static int
ak_statvfs_ret(int kerror, const struct kstatvfs *ksb, struct statvfs *sb)
{
	int error;

	if (kerror != 0)
		return ak_ret(kerror);
	if ((error = ak_kstatvfs_to_statvfs(ksb, sb)) != 0)
		return ak_fail(error);
	return 0;
}

int
ak_sys_statvfs(const char *path, struct statvfs *sb)
{
	struct kstatvfs ksb;

	return ak_statvfs_ret(sys_statvfs(path, &ksb), &ksb, sb);
}

int
ak_sys_fstatvfs(int fd, struct statvfs *sb)
{
	struct kstatvfs ksb;

	return ak_statvfs_ret(sys_fstatvfs(fd, &ksb), &ksb, sb);
}
