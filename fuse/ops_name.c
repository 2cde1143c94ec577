/*
 * ops_name.c: operations on names: lookup and forget, the calls that
 * create a name (mknod, mkdir, symlink, link) and those that remove or
 * move one (unlink, rmdir, rename), plus readlink.
 *
 * Creating calls hold the namespace lock shared; removing and moving
 * calls hold it exclusively across the kernel call and the node table
 * update, so the table never disagrees with the image in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

static void
akf_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct akf_at at;
	int err;

	akf_cred(req);
	akf_ns_rdlock();
	if ((err = akf_at(parent, name, &at)) != 0)
		fuse_reply_err(req, err);
	else
		akf_reply_entry(req, parent, name, &at);
	akf_ns_unlock();
}

static void
akf_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	akf_node_forget(ino, nlookup);
	fuse_reply_none(req);
}

static void
akf_forget_multi(fuse_req_t req, size_t count,
    struct fuse_forget_data *forgets)
{
	size_t i;

	for (i = 0; i < count; i++)
		akf_node_forget(forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void
akf_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct akf_at at;
	char buf[PATH_MAX + 1];
	ssize_t n;
	int err;

	akf_cred(req);
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &at)) != 0) {
		fuse_reply_err(req, err);
	} else if ((n = ak_sys_readlinkat(at.fd, at.name, buf,
	    sizeof(buf) - 1)) < 0) {
		fuse_reply_err(req, errno);
	} else {
		buf[n] = '\0';
		fuse_reply_readlink(req, buf);
	}
	akf_ns_unlock();
}

/* The shared part of mknod, mkdir and symlink: make it, then answer. */
enum akf_make { AKF_MKNOD, AKF_MKDIR, AKF_SYMLINK };

static void
akf_create_name(fuse_req_t req, fuse_ino_t parent, const char *name,
    enum akf_make how, mode_t mode, dev_t rdev, const char *target)
{
	struct akf_at at;
	int err, r;

	akf_cred(req);
	akf_ns_rdlock();
	if ((err = akf_at(parent, name, &at)) != 0) {
		fuse_reply_err(req, err);
		goto out;
	}
	if (how == AKF_MKNOD)
		r = ak_sys_mknodat(at.fd, at.name, mode, rdev);
	else if (how == AKF_MKDIR)
		r = ak_sys_mkdirat(at.fd, at.name, mode);
	else
		r = ak_sys_symlinkat(target, at.fd, at.name);
	if (r != 0)
		fuse_reply_err(req, errno);
	else
		akf_reply_entry(req, parent, name, &at);
out:
	akf_ns_unlock();
}

static void
akf_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    dev_t rdev)
{
	akf_create_name(req, parent, name, AKF_MKNOD, mode, rdev, NULL);
}

static void
akf_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	akf_create_name(req, parent, name, AKF_MKDIR, mode, 0, NULL);
}

static void
akf_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
    const char *name)
{
	akf_create_name(req, parent, name, AKF_SYMLINK, 0, 0, link);
}

static void
akf_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
    const char *newname)
{
	struct akf_at from, to;
	int err;

	akf_cred(req);
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &from)) != 0 ||
	    (err = akf_at(newparent, newname, &to)) != 0)
		fuse_reply_err(req, err);
	else if (ak_sys_linkat(from.fd, from.name, to.fd, to.name, 0) != 0)
		fuse_reply_err(req, errno);
	else
		akf_reply_entry(req, newparent, newname, &to);
	akf_ns_unlock();
}

static void
akf_remove(fuse_req_t req, fuse_ino_t parent, const char *name, int isdir)
{
	struct akf_at at;
	int err, r, keep = -1;

	akf_cred(req);
	akf_ns_wrlock();
	if ((err = akf_at(parent, name, &at)) != 0) {
		fuse_reply_err(req, err);
	} else {
		/* A removed directory may still be a cwd: keep it open. */
		if (isdir) {
			akf_cred_root();
			keep = ak_sys_openat(at.fd, at.name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW);
			akf_cred_again();
		}
		r = ak_sys_unlinkat(at.fd, at.name, isdir ? AT_REMOVEDIR : 0);
		err = r != 0 ? errno : 0;
		if (r == 0)
			akf_node_gone(parent, name, keep);
		else if (keep >= 0)
			(void)ak_sys_close(keep);
		fuse_reply_err(req, err);
	}
	akf_ns_unlock();
}

static void
akf_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	akf_remove(req, parent, name, 0);
}

static void
akf_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	akf_remove(req, parent, name, 1);
}

static void
akf_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
    fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct akf_at from, to;
	int err = 0;

	akf_cred(req);
	akf_ns_wrlock();
	if ((err = akf_at(parent, name, &from)) != 0 ||
	    (err = akf_at(newparent, newname, &to)) != 0)
		;
	else if (ak_sys_renameat2(from.fd, from.name, to.fd, to.name,
	    flags) != 0)
		err = errno;
	else
		akf_node_moved(parent, name, newparent, newname, flags);
	fuse_reply_err(req, err);
	akf_ns_unlock();
}

void
akf_ops_name(struct fuse_lowlevel_ops *ops)
{
	ops->lookup = akf_lookup;
	ops->forget = akf_forget;
	ops->forget_multi = akf_forget_multi;
	ops->readlink = akf_readlink;
	ops->mknod = akf_mknod;
	ops->mkdir = akf_mkdir;
	ops->symlink = akf_symlink;
	ops->link = akf_link;
	ops->unlink = akf_unlink;
	ops->rmdir = akf_rmdir;
	ops->rename = akf_rename;
}
