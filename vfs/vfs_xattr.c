/*
 * vfs_xattr.c: extended attribute system calls, with Linux's namespace
 * rules: "user." needs read/write permission on a regular file or
 * directory, "trusted." is root's alone (and hidden from others in
 * listings), "security." may be read by anyone and written by root,
 * "system." (ACLs) is not supported.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/kapi.h>
#include "vfs/vfs_internal.h"

enum xattr_ns { XNS_USER, XNS_TRUSTED, XNS_SECURITY };

static int
xattr_namespace(const char *name, enum xattr_ns *ns)
{
	size_t len = strnlen(name, XATTR_NAME_MAX + 1);

	if (len == 0 || len > XATTR_NAME_MAX)
		return ERANGE;
	if (strncmp(name, "user.", 5) == 0 && len > 5)
		*ns = XNS_USER;
	else if (strncmp(name, "trusted.", 8) == 0 && len > 8)
		*ns = XNS_TRUSTED;
	else if (strncmp(name, "security.", 9) == 0 && len > 9)
		*ns = XNS_SECURITY;
	else
		return EOPNOTSUPP;
	return 0;
}

/* May cred access attributes of namespace ns on vp (locked)? */
static int
xattr_access(struct vnode *vp, enum xattr_ns ns, bool write,
    struct kcred *cr)
{
	int error;

	if (write && (error = vn_rdonly(vp)) != 0)
		return error;
	switch (ns) {
	case XNS_TRUSTED:
		return cred_is_root(cr) ? 0 : EPERM;
	case XNS_SECURITY:
		return !write || cred_is_root(cr) ? 0 : EPERM;
	case XNS_USER:
		if (vp->v_type != VREG && vp->v_type != VDIR)
			return write ? EPERM : ENODATA;
		return vn_access(vp, write ? VWRITE : VREAD, cr);
	}
	return EOPNOTSUPP;
}

static int
xattr_lookup(int dirfd, const char *path, int atflags, struct vnode **vpp)
{
	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return EINVAL;
	return namei_simple(dirfd, path,
	    ((atflags & AT_SYMLINK_NOFOLLOW) ? 0 : NI_FOLLOW) |
	    ((atflags & AT_EMPTY_PATH) ? NI_EMPTYPATH : 0), vpp);
}

int
sys_getxattrat(int dirfd, const char *path, int atflags, const char *name,
    void *buf, size_t size, size_t *done)
{
	struct vnode *vp;
	enum xattr_ns ns;
	int error;

	SYSCALL_ENTER();
	*done = 0;
	if ((error = xattr_namespace(name, &ns)) != 0)
		return error;
	if ((error = xattr_lookup(dirfd, path, atflags, &vp)) != 0)
		return error;
	vn_lock(vp, RW_READER);
	if ((error = xattr_access(vp, ns, false, kauth_cred_get())) == 0)
		error = VOP_GETXATTR(vp, name, size ? buf : NULL, size, done);
	vn_unlock(vp);
	vrele(vp);
	return error;
}

int
sys_setxattrat(int dirfd, const char *path, int atflags, const char *name,
    const void *buf, size_t size, int flags)
{
	struct vnode *vp;
	enum xattr_ns ns;
	int error;

	SYSCALL_ENTER();
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return EINVAL;
	if (size > XATTR_SIZE_MAX)
		return E2BIG;
	if ((error = xattr_namespace(name, &ns)) != 0)
		return error;
	if ((error = xattr_lookup(dirfd, path, atflags, &vp)) != 0)
		return error;
	vn_lock(vp, RW_WRITER);
	if ((error = xattr_access(vp, ns, true, kauth_cred_get())) == 0)
		error = VOP_SETXATTR(vp, name, buf, size, flags);
	vn_unlock(vp);
	vrele(vp);
	return error;
}

int
sys_removexattrat(int dirfd, const char *path, int atflags,
    const char *name)
{
	struct vnode *vp;
	enum xattr_ns ns;
	int error;

	SYSCALL_ENTER();
	if ((error = xattr_namespace(name, &ns)) != 0)
		return error;
	if ((error = xattr_lookup(dirfd, path, atflags, &vp)) != 0)
		return error;
	vn_lock(vp, RW_WRITER);
	if ((error = xattr_access(vp, ns, true, kauth_cred_get())) == 0)
		error = VOP_REMOVEXATTR(vp, name);
	vn_unlock(vp);
	vrele(vp);
	return error;
}

/*
 * Drop the names a non-root caller may not see ("trusted.") from a
 * NUL-separated list in place; returns the new length.
 */
static size_t
xattr_filter(char *list, size_t len)
{
	size_t in = 0, out = 0, n;

	while (in < len) {
		n = strnlen(list + in, len - in) + 1;
		if (strncmp(list + in, "trusted.", 8) != 0) {
			memmove(list + out, list + in, n);
			out += n;
		}
		in += n;
	}
	return out;
}

int
sys_listxattrat(int dirfd, const char *path, int atflags, char *buf,
    size_t size, size_t *done)
{
	struct kcred *cr = kauth_cred_get();
	struct vnode *vp;
	size_t need, alloc = 0;
	char *tmp = NULL;
	int error;

	SYSCALL_ENTER();
	*done = 0;
	if ((error = xattr_lookup(dirfd, path, atflags, &vp)) != 0)
		return error;
	vn_lock(vp, RW_READER);
	if (cred_is_root(cr)) {
		error = VOP_LISTXATTR(vp, size ? buf : NULL, size, done);
		goto out;
	}
	/* Non-root: list everything, filter, then report or copy. */
	if ((error = VOP_LISTXATTR(vp, NULL, 0, &need)) != 0 || need == 0)
		goto out;
	alloc = need;
	if ((tmp = kmem_alloc(alloc)) == NULL) {
		error = ENOMEM;
		goto out;
	}
	if ((error = VOP_LISTXATTR(vp, tmp, alloc, &need)) != 0)
		goto out;
	need = xattr_filter(tmp, need);
	if (size != 0 && need > size)
		error = ERANGE;
	else {
		if (size != 0)
			memcpy(buf, tmp, need);
		*done = need;
	}
out:
	vn_unlock(vp);
	vrele(vp);
	if (tmp != NULL)
		kmem_free(tmp, alloc);
	return error;
}
