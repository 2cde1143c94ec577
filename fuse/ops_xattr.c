/*
 * ops_xattr.c: extended attributes, by path and without following a
 * symbolic link (the node is the link itself).  A size of 0 asks only
 * for the size the value or the list needs.
 */
#include <errno.h>
#include <stdlib.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

/* Answer a get or list: the size, the bytes, or the error. */
static void
akf_xattr_reply(fuse_req_t req, ssize_t n, const char *buf, size_t size)
{
	if (n < 0)
		fuse_reply_err(req, errno);
	else if (size == 0)
		fuse_reply_xattr(req, (size_t)n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
}

static void
akf_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	char *path, *buf = NULL;
	ssize_t n;
	int err;

	akf_cred(req);
	if (size > 0 && (buf = malloc(size)) == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	akf_ns_rdlock();
	if ((path = akf_path(ino, NULL, &err)) == NULL) {
		fuse_reply_err(req, err);
	} else {
		n = ak_sys_lgetxattr(path, name, buf, size);
		akf_xattr_reply(req, n, buf, size);
	}
	akf_ns_unlock();
	free(path);
	free(buf);
}

static void
akf_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	char *path, *buf = NULL;
	ssize_t n;
	int err;

	akf_cred(req);
	if (size > 0 && (buf = malloc(size)) == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	akf_ns_rdlock();
	if ((path = akf_path(ino, NULL, &err)) == NULL) {
		fuse_reply_err(req, err);
	} else {
		n = ak_sys_llistxattr(path, buf, size);
		akf_xattr_reply(req, n, buf, size);
	}
	akf_ns_unlock();
	free(path);
	free(buf);
}

static void
akf_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
    const char *value, size_t size, int flags)
{
	char *path;
	int err;

	akf_cred(req);
	akf_ns_rdlock();
	if ((path = akf_path(ino, NULL, &err)) != NULL)
		err = ak_sys_lsetxattr(path, name, value, size, flags) != 0 ?
		    errno : 0;
	fuse_reply_err(req, err);
	akf_ns_unlock();
	free(path);
}

static void
akf_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	char *path;
	int err;

	akf_cred(req);
	akf_ns_rdlock();
	if ((path = akf_path(ino, NULL, &err)) != NULL)
		err = ak_sys_lremovexattr(path, name) != 0 ? errno : 0;
	fuse_reply_err(req, err);
	akf_ns_unlock();
	free(path);
}

void
akf_ops_xattr(struct fuse_lowlevel_ops *ops)
{
	ops->getxattr = akf_getxattr;
	ops->listxattr = akf_listxattr;
	ops->setxattr = akf_setxattr;
	ops->removexattr = akf_removexattr;
}
