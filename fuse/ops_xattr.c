/*
 * ops_xattr.c: extended attributes, relative to the node's directory
 * and without following a symbolic link (the node is the link itself).  A size of 0 asks only
 * for the size the value or the list needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

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

static int
akf_is_cap(const char *name)
{
	return strcmp(name, "security.capability") == 0;
}

static void
akf_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct akf_at at;
	uint64_t xgen = 0;
	char *buf = NULL;
	ssize_t n;
	int err;

	/* The host's question before each write: answered once. */
	if (akf_is_cap(name) && akf_node_nocap(ino, &xgen)) {
		fuse_reply_err(req, ENODATA);
		return;
	}
	akf_cred(req);
	if (size > 0 && (buf = malloc(size)) == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &at)) != 0) {
		fuse_reply_err(req, err);
	} else {
		n = ak_sys_getxattrat(at.fd, at.name, name, buf, size,
		    AT_SYMLINK_NOFOLLOW);
		if (n < 0 && errno == ENODATA && akf_is_cap(name))
			akf_node_nocap_set(ino, xgen);
		akf_xattr_reply(req, n, buf, size);
	}
	akf_ns_unlock();
	free(buf);
}

static void
akf_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct akf_at at;
	char *buf = NULL;
	ssize_t n;
	int err;

	akf_cred(req);
	if (size > 0 && (buf = malloc(size)) == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &at)) != 0) {
		fuse_reply_err(req, err);
	} else {
		n = ak_sys_listxattrat(at.fd, at.name, buf, size,
		    AT_SYMLINK_NOFOLLOW);
		akf_xattr_reply(req, n, buf, size);
	}
	akf_ns_unlock();
	free(buf);
}

static void
akf_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
    const char *value, size_t size, int flags)
{
	struct akf_at at;
	int err;

	akf_cred(req);
	akf_node_xchange(ino);
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &at)) == 0)
		err = ak_sys_setxattrat(at.fd, at.name, name, value, size,
		    flags, AT_SYMLINK_NOFOLLOW) != 0 ? errno : 0;
	akf_ns_unlock();
	akf_node_xchange(ino);
	fuse_reply_err(req, err);
}

static void
akf_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct akf_at at;
	int err;

	akf_cred(req);
	akf_node_xchange(ino);
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &at)) == 0)
		err = ak_sys_removexattrat(at.fd, at.name, name,
		    AT_SYMLINK_NOFOLLOW) != 0 ? errno : 0;
	akf_ns_unlock();
	akf_node_xchange(ino);
	fuse_reply_err(req, err);
}

void
akf_ops_xattr(struct fuse_lowlevel_ops *ops)
{
	ops->getxattr = akf_getxattr;
	ops->listxattr = akf_listxattr;
	ops->setxattr = akf_setxattr;
	ops->removexattr = akf_removexattr;
}
