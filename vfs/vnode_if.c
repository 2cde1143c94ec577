/*
 * vnode_if.c: checked calls into drivers.  Each wrapper asserts the lock
 * state listed in vfs/vnode_if.src (DIAGNOSTIC builds) and turns a
 * missing operation into EOPNOTSUPP.
 */
#include <sys/systm.h>
#include <sys/vnode.h>
#include "vfs/vfs_internal.h"

#define LOCKED_E(vp)	KASSERT(rw_write_held(&(vp)->v_lock))
#define LOCKED_S(vp)	KASSERT(rw_lock_held(&(vp)->v_lock))
#define CALL(vp, op, ...) \
	((vp)->v_op->op == NULL ? EOPNOTSUPP : (vp)->v_op->op(__VA_ARGS__))

/*
 * Only "." and ".." may lead back to the directory itself (".." at a
 * root).  Any other name that does is a corrupt entry of a hostile
 * image, and the callers, which lock the directory and then what they
 * found, would take the same lock twice.
 */
int
VOP_LOOKUP(struct vnode *dvp, struct componentname *cnp, struct vnode **vpp)
{
	const char *n = cnp->cn_nameptr;
	size_t len = cnp->cn_namelen;
	int error;

	LOCKED_S(dvp);
	error = CALL(dvp, vop_lookup, dvp, cnp, vpp);
	if (error != 0 || *vpp != dvp || (len == 1 && n[0] == '.') ||
	    (len == 2 && n[0] == '.' && n[1] == '.'))
		return error;
	vrele(*vpp);
	*vpp = NULL;
	return FS_CORRUPT(dvp->v_mount->mnt_op->vfs_name, "the entry \"%.*s\" "
	    "of a directory names the directory itself", (int)MIN(len, 64),
	    n);
}

int
VOP_CREATE(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	LOCKED_E(dvp);
	return CALL(dvp, vop_create, dvp, cnp, vap, vpp);
}

int
VOP_MKDIR(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	LOCKED_E(dvp);
	return CALL(dvp, vop_mkdir, dvp, cnp, vap, vpp);
}

int
VOP_SYMLINK(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, const char *target, struct vnode **vpp)
{
	LOCKED_E(dvp);
	return CALL(dvp, vop_symlink, dvp, cnp, vap, target, vpp);
}

int
VOP_LINK(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	LOCKED_E(dvp);
	LOCKED_E(vp);
	return CALL(dvp, vop_link, dvp, cnp, vp);
}

int
VOP_REMOVE(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	LOCKED_E(dvp);
	LOCKED_E(vp);
	return CALL(dvp, vop_remove, dvp, cnp, vp);
}

int
VOP_RMDIR(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	LOCKED_E(dvp);
	LOCKED_E(vp);
	return CALL(dvp, vop_rmdir, dvp, cnp, vp);
}

int
VOP_RENAME(struct vnode *fdvp, struct componentname *fcnp, struct vnode *fvp,
    struct vnode *tdvp, struct componentname *tcnp, struct vnode *tvp,
    uint32_t flags)
{
	LOCKED_E(fdvp);
	LOCKED_E(fvp);
	LOCKED_E(tdvp);
	if (tvp != NULL)
		LOCKED_E(tvp);
	return CALL(fdvp, vop_rename, fdvp, fcnp, fvp, tdvp, tcnp, tvp,
	    flags);
}

int
VOP_GETATTR(struct vnode *vp, struct vattr *vap)
{
	LOCKED_S(vp);
	return CALL(vp, vop_getattr, vp, vap);
}

int
VOP_SETATTR(struct vnode *vp, const struct vattr *vap)
{
	LOCKED_E(vp);
	return CALL(vp, vop_setattr, vp, vap);
}

int
VOP_READ(struct vnode *vp, struct uio *uio, int ioflag)
{
	LOCKED_S(vp);
	return CALL(vp, vop_read, vp, uio, ioflag);
}

int
VOP_WRITE(struct vnode *vp, struct uio *uio, int ioflag)
{
	LOCKED_E(vp);
	return CALL(vp, vop_write, vp, uio, ioflag);
}

int
VOP_READDIR(struct vnode *vp, struct uio *uio, int *eofp)
{
	LOCKED_S(vp);
	return CALL(vp, vop_readdir, vp, uio, eofp);
}

int
VOP_READLINK(struct vnode *vp, struct uio *uio)
{
	LOCKED_S(vp);
	return CALL(vp, vop_readlink, vp, uio);
}

int
VOP_FSYNC(struct vnode *vp, int flags)
{
	LOCKED_E(vp);
	if (vp->v_op->vop_fsync == NULL)
		return 0;	/* nothing to write back */
	return vp->v_op->vop_fsync(vp, flags);
}

int
VOP_SEEK(struct vnode *vp, int64_t off, int whence, int64_t *res)
{
	LOCKED_S(vp);
	return CALL(vp, vop_seek, vp, off, whence, res);
}

int
VOP_GETXATTR(struct vnode *vp, const char *name, void *buf, size_t size,
    size_t *retlen)
{
	LOCKED_S(vp);
	return CALL(vp, vop_getxattr, vp, name, buf, size, retlen);
}

int
VOP_SETXATTR(struct vnode *vp, const char *name, const void *buf,
    size_t size, int flags)
{
	LOCKED_E(vp);
	return CALL(vp, vop_setxattr, vp, name, buf, size, flags);
}

int
VOP_LISTXATTR(struct vnode *vp, char *buf, size_t size, size_t *retlen)
{
	LOCKED_S(vp);
	return CALL(vp, vop_listxattr, vp, buf, size, retlen);
}

int
VOP_REMOVEXATTR(struct vnode *vp, const char *name)
{
	LOCKED_E(vp);
	return CALL(vp, vop_removexattr, vp, name);
}
