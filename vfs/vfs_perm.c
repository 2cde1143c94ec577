/*
 * vfs_perm.c: permission checks, done by the VFS for every driver the
 * way a Unix kernel does them: owner, then group, then other bits; root
 * passes every check except execute on a file with no execute bit.
 */
#include <sys/systm.h>
#include <sys/vnode.h>
#include "vfs/vfs_internal.h"

bool
cred_is_root(const struct kcred *cr)
{
	return cr->cr_uid == 0;
}

int
vaccess(const struct vattr *va, int acc, const struct kcred *cr)
{
	uint32_t mode = va->va_mode, bits;

	if (cred_is_root(cr)) {
		if ((acc & VEXEC) && va->va_type != VDIR &&
		    (mode & 0111) == 0)
			return EACCES;
		return 0;
	}
	if (cr->cr_uid == va->va_uid)
		bits = (mode >> 6) & 7;
	else if (kcred_groupmember(cr, va->va_gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((uint32_t)acc & ~bits) == 0 ? 0 : EACCES;
}

/* Check acc on vp, which the caller holds locked (shared is enough). */
int
vn_access(struct vnode *vp, int acc, const struct kcred *cr)
{
	struct vattr va;
	int error;

	if ((acc & VWRITE) && (error = vn_rdonly(vp)) != 0 &&
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK))
		return error;
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	return vaccess(&va, acc, cr);
}

/*
 * In a directory with the sticky bit, only the owner of the file, the
 * owner of the directory, or root may remove or rename the file.
 */
int
vn_sticky_ok(const struct vattr *dva, const struct vattr *va,
    const struct kcred *cr)
{
	if ((dva->va_mode & S_ISVTX) == 0 || cred_is_root(cr))
		return 0;
	if (cr->cr_uid == va->va_uid || cr->cr_uid == dva->va_uid)
		return 0;
	return EPERM;
}

int
vn_rdonly(struct vnode *vp)
{
	return (vp->v_mount->mnt_flag & MNT_RDONLY) ? EROFS : 0;
}

int
vn_getattr_locked(struct vnode *vp, struct vattr *va)
{
	return VOP_GETATTR(vp, va);
}
