/*
 * ops_attr.c: getattr, setattr and statfs.
 *
 * When the host passes an open file (fi), the calls go through its
 * kernel descriptor: that works for a file whose name is already gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

static void
akf_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct akf_at at;
	struct stat st;
	int err = 0, fd, gone = 0;

	akf_cred(req);
	if (fi != NULL) {
		err = ak_sys_fstat((int)fi->fh, &st) != 0 ? errno : 0;
	} else {
		akf_ns_rdlock();
		if ((err = akf_at(ino, NULL, &at)) != 0)
			gone = 1;
		else if (ak_sys_fstatat(at.fd, at.name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0)
			err = errno;
		akf_ns_unlock();
		/* No name any more: an open descriptor still reaches it. */
		if (gone && (fd = akf_node_fd_dup(ino)) >= 0) {
			err = ak_sys_fstat(fd, &st) != 0 ? errno : 0;
			(void)ak_sys_close(fd);
		}
	}
	if (err != 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_attr(req, &st, akf_attr_timeout(&st));
}

/* The times of a setattr, with UTIME_NOW and UTIME_OMIT. */
static void
akf_times(const struct stat *attr, int to_set, struct timespec ts[2])
{
	ts[0].tv_sec = ts[1].tv_sec = 0;
	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		ts[0].tv_nsec = UTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_ATIME)
		ts[0] = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		ts[1].tv_nsec = UTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_MTIME)
		ts[1] = attr->st_mtim;
}

/*
 * truncate(2) where only a directory descriptor and a name are known:
 * through a descriptor opened for writing, which needs the same write
 * access.  Never blocks on a FIFO, never follows a symbolic link.
 */
static int
akf_truncate_at(const struct akf_at *at, off_t size)
{
	int fd, r;

	fd = ak_sys_openat(at->fd, at->name, O_WRONLY | O_NOFOLLOW |
	    O_NONBLOCK);
	if (fd < 0)
		return -1;
	r = ak_sys_ftruncate(fd, size);
	(void)ak_sys_close(fd);
	return r;
}

/* Apply the changes, by descriptor (fd >= 0) or by at; 0 or errno. */
static int
akf_apply(int fd, const struct akf_at *at, const struct stat *attr,
    int to_set)
{
	struct timespec ts[2];
	uid_t uid;
	gid_t gid;
	int r;

	if (to_set & FUSE_SET_ATTR_MODE) {
		r = fd >= 0 ? ak_sys_fchmod(fd, attr->st_mode) :
		    ak_sys_fchmodat(at->fd, at->name, attr->st_mode, 0);
		if (r != 0)
			return errno;
	}
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		uid = to_set & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1;
		gid = to_set & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1;
		r = fd >= 0 ? ak_sys_fchown(fd, uid, gid) :
		    ak_sys_fchownat(at->fd, at->name, uid, gid,
		    AT_SYMLINK_NOFOLLOW);
		if (r != 0)
			return errno;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		r = fd >= 0 ? ak_sys_ftruncate(fd, attr->st_size) :
		    akf_truncate_at(at, attr->st_size);
		if (r != 0)
			return errno;
	}
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
	    FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW)) {
		akf_times(attr, to_set, ts);
		r = fd >= 0 ? ak_sys_futimens(fd, ts) :
		    ak_sys_utimensat(at->fd, at->name, ts,
		    AT_SYMLINK_NOFOLLOW);
		if (r != 0)
			return errno;
	}
	return 0;
}

static void
akf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi)
{
	struct akf_at at = { -1, NULL };
	struct stat st;
	int err = 0, fd = fi != NULL ? (int)fi->fh : -1, dupfd = -1;

	akf_cred(req);
	akf_ns_rdlock();
	if (fd < 0 && (err = akf_at(ino, NULL, &at)) != 0 &&
	    (dupfd = fd = akf_node_fd_dup(ino)) < 0)
		;
	else if ((err = akf_apply(fd, &at, attr, to_set)) != 0)
		;
	else if ((fd >= 0 ? ak_sys_fstat(fd, &st) :
	    ak_sys_fstatat(at.fd, at.name, &st, AT_SYMLINK_NOFOLLOW)) != 0)
		err = errno;
	akf_ns_unlock();
	if (dupfd >= 0)
		(void)ak_sys_close(dupfd);
	if (err != 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_attr(req, &st, akf_attr_timeout(&st));
}

/*
 * access(2) and the checks the host makes for chdir and exec.  Without
 * it the host would answer every access() with success (ENOSYS), even
 * X_OK for root on a file without any x bit.
 */
static void
akf_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct akf_at at;
	int err;

	akf_cred(req);
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &at)) == 0)
		err = ak_sys_faccessat(at.fd, at.name, mask, 0) != 0 ?
		    errno : 0;
	akf_ns_unlock();
	fuse_reply_err(req, err);
}

static void
akf_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sb;

	akf_cred(req);
	if (ak_sys_statvfs(AKF_ROOT, &sb) != 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sb);
}

void
akf_ops_attr(struct fuse_lowlevel_ops *ops)
{
	ops->getattr = akf_getattr;
	ops->setattr = akf_setattr;
	ops->statfs = akf_statfs;
	ops->access = akf_access;
}
