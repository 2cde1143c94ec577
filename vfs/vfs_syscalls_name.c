/*
 * vfs_syscalls_name.c: system calls that change the namespace: mkdir,
 * mknod, symlink, link, unlink/rmdir, readlink.  (rename has its own
 * file.)  Each resolves the parent, locks it exclusive, looks the name up
 * again under the lock and then acts, so the check and the change are
 * atomic with respect to other threads.
 */
#include <sys/systm.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/kapi.h>
#include "vfs/vfs_internal.h"

void	vn_newattr(struct vattr *va, const struct vattr *dva, enum vtype type,
	    uint32_t mode, const struct kcred *cr);

/*
 * Resolve path's parent for creating a new entry, lock it exclusive and
 * check that the name is free and may be created.  On success the
 * parent is locked and held in nd->ni_dvp and *dva holds its attributes.
 */
static int
create_begin(struct nameidata *nd, int dirfd, const char *path,
    struct componentname *cn, struct vattr *dva)
{
	struct vnode *vp;
	int error;

	nd->ni_dirfd = dirfd;
	nd->ni_path = path;
	nd->ni_flags = NI_PARENT;
	if ((error = namei(nd)) != 0)
		return error;
	cn->cn_nameptr = nd->ni_name;
	cn->cn_namelen = nd->ni_namelen;
	cn->cn_cred = kauth_cred_get();
	if (nd->ni_flags & NI_DOTS) {
		error = EEXIST;
		goto out;
	}
	vn_lock(nd->ni_dvp, RW_WRITER);
	error = VOP_LOOKUP(nd->ni_dvp, cn, &vp);
	if (error == 0) {
		vrele(vp);
		error = EEXIST;
	} else if (error == ENOENT) {
		if ((error = vn_rdonly(nd->ni_dvp)) == 0 &&
		    (error = VOP_GETATTR(nd->ni_dvp, dva)) == 0)
			error = vaccess(dva, VWRITE | VEXEC, cn->cn_cred);
	}
	if (error == 0)
		return 0;
	vn_unlock(nd->ni_dvp);
out:
	nameidone(nd);
	return error;
}

static void
create_end(struct nameidata *nd, struct vnode *vp)
{
	vn_unlock(nd->ni_dvp);
	nameidone(nd);
	if (vp != NULL)
		vrele(vp);
}

int
sys_mkdirat(int dirfd, const char *path, uint32_t mode)
{
	struct componentname cn;
	struct nameidata nd;
	struct vattr dva, va;
	struct vnode *vp = NULL;
	int error;

	SYSCALL_ENTER();
	if ((error = create_begin(&nd, dirfd, path, &cn, &dva)) != 0)
		return error;
	vn_newattr(&va, &dva, VDIR, mode, cn.cn_cred);
	error = VOP_MKDIR(nd.ni_dvp, &cn, &va, &vp);
	create_end(&nd, vp);
	return error;
}

int
sys_mknodat(int dirfd, const char *path, enum vtype type, uint32_t mode,
    uint64_t rdev)
{
	struct componentname cn;
	struct nameidata nd;
	struct vattr dva, va;
	struct vnode *vp = NULL;
	int error;

	SYSCALL_ENTER();
	if (type != VREG && type != VFIFO && type != VSOCK && type != VCHR &&
	    type != VBLK)
		return EINVAL;
	if ((type == VCHR || type == VBLK) && !cred_is_root(kauth_cred_get()))
		return EPERM;
	if ((error = create_begin(&nd, dirfd, path, &cn, &dva)) != 0)
		return error;
	if (nd.ni_flags & NI_TRAILSLASH) {
		create_end(&nd, NULL);
		return ENOENT;
	}
	vn_newattr(&va, &dva, type, mode, cn.cn_cred);
	va.va_rdev = (type == VCHR || type == VBLK) ? rdev : 0;
	error = VOP_CREATE(nd.ni_dvp, &cn, &va, &vp);
	create_end(&nd, vp);
	return error;
}

int
sys_symlinkat(const char *target, int dirfd, const char *path)
{
	struct componentname cn;
	struct nameidata nd;
	struct vattr dva, va;
	struct vnode *vp = NULL;
	size_t len;
	int error;

	SYSCALL_ENTER();
	len = strnlen(target, PATH_MAX);
	if (len == 0)
		return ENOENT;
	if (len >= PATH_MAX)
		return ENAMETOOLONG;
	if ((error = create_begin(&nd, dirfd, path, &cn, &dva)) != 0)
		return error;
	/* "name/" can only be a directory: it does not exist (Linux). */
	if (nd.ni_flags & NI_TRAILSLASH) {
		create_end(&nd, NULL);
		return ENOENT;
	}
	vn_newattr(&va, &dva, VLNK, ACCESSPERMS, cn.cn_cred);
	va.va_mode = ACCESSPERMS;	/* symlinks ignore the umask */
	error = VOP_SYMLINK(nd.ni_dvp, &cn, &va, target, &vp);
	create_end(&nd, vp);
	return error;
}

int
sys_linkat(int fromfd, const char *from, int tofd, const char *to,
    int atflags)
{
	struct componentname cn;
	struct nameidata nd;
	struct vattr dva;
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if (atflags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return EINVAL;
	error = namei_simple(fromfd, from,
	    ((atflags & AT_SYMLINK_FOLLOW) ? NI_FOLLOW : 0) |
	    ((atflags & AT_EMPTY_PATH) ? NI_EMPTYPATH : 0), &vp);
	if (error != 0)
		return error;
	if (vp->v_type == VDIR) {
		error = EPERM;
		goto out;
	}
	if ((error = create_begin(&nd, tofd, to, &cn, &dva)) != 0)
		goto out;
	if (nd.ni_dvp->v_mount != vp->v_mount)
		error = EXDEV;
	else if (nd.ni_flags & NI_TRAILSLASH)
		error = ENOENT;
	else {
		vn_lock(vp, RW_WRITER);
		error = VOP_LINK(nd.ni_dvp, &cn, vp);
		vn_unlock(vp);
	}
	create_end(&nd, NULL);
out:
	vrele(vp);
	return error;
}

/* Checks for removing vp (locked) named cn from dvp (locked). */
static int
remove_check(struct vnode *dvp, struct vnode *vp, bool rmdir,
    const struct nameidata *nd, struct kcred *cr)
{
	struct vattr dva, va;
	int error;

	if (rmdir && vp->v_type != VDIR)
		return ENOTDIR;
	if (!rmdir && vp->v_type == VDIR)
		return EISDIR;
	if (!rmdir && (nd->ni_flags & NI_TRAILSLASH))
		return ENOTDIR;
	if (vp->v_mountedhere != NULL || vp == vp->v_mount->mnt_rootvp)
		return EBUSY;
	if ((error = vn_rdonly(dvp)) != 0 ||
	    (error = VOP_GETATTR(dvp, &dva)) != 0 ||
	    (error = vaccess(&dva, VWRITE | VEXEC, cr)) != 0 ||
	    (error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	return vn_sticky_ok(&dva, &va, cr);
}

int
sys_unlinkat(int dirfd, const char *path, int atflags)
{
	bool rmdir = (atflags & AT_REMOVEDIR) != 0;
	struct componentname cn;
	struct nameidata nd;
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if (atflags & ~AT_REMOVEDIR)
		return EINVAL;
	nd.ni_dirfd = dirfd;
	nd.ni_path = path;
	nd.ni_flags = NI_PARENT;
	if ((error = namei(&nd)) != 0)
		return error;
	if (nd.ni_flags & NI_DOTS) {
		error = !rmdir ? EISDIR : nd.ni_namelen == 1 ? EINVAL :
		    ENOTEMPTY;
		goto out;
	}
	cn.cn_nameptr = nd.ni_name;
	cn.cn_namelen = nd.ni_namelen;
	cn.cn_cred = kauth_cred_get();
	vn_lock(nd.ni_dvp, RW_WRITER);
	if ((error = VOP_LOOKUP(nd.ni_dvp, &cn, &vp)) != 0)
		goto out_unlock;
	vn_lock(vp, RW_WRITER);
	error = remove_check(nd.ni_dvp, vp, rmdir, &nd, cn.cn_cred);
	if (error == 0)
		error = rmdir ? VOP_RMDIR(nd.ni_dvp, &cn, vp) :
		    VOP_REMOVE(nd.ni_dvp, &cn, vp);
	vn_unlock(vp);
	vn_unlock(nd.ni_dvp);
	vrele(vp);
	goto out;

out_unlock:
	vn_unlock(nd.ni_dvp);
out:
	nameidone(&nd);
	return error;
}

int
sys_readlinkat(int dirfd, const char *path, char *buf, size_t len,
    size_t *done)
{
	struct kiovec iov;
	struct uio uio;
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	*done = 0;
	if ((error = namei_simple(dirfd, path, NI_EMPTYPATH, &vp)) != 0)
		return error;
	if (vp->v_type != VLNK) {
		vrele(vp);
		return EINVAL;
	}
	uio_setup(&uio, &iov, buf, len, 0, UIO_READ);
	vn_lock(vp, RW_READER);
	error = VOP_READLINK(vp, &uio);
	vn_unlock(vp);
	vrele(vp);
	*done = len - uio.uio_resid;
	return error;
}
