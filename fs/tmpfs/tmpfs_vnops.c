/*
 * tmpfs_vnops.c: the vnode operations of tmpfs, except rename
 * (tmpfs_rename.c), file data (tmpfs_rw.c) and extended attributes
 * (tmpfs_xattr.c).
 *
 * The VFS has checked permissions, read-only mounts and that a name to
 * create is free (under the same directory lock) before calling here;
 * these operations check again only what the tree's consistency depends
 * on.  Lock states are those of vfs/vnode_if.src.  A node is changed
 * only under its vnode's exclusive lock, a directory's entries only under
 * the directory's exclusive lock.
 *
 * Link counts: a file has one link per directory entry naming it; a
 * directory has one from its parent's entry, one from its own "." and one
 * from the ".." of each subdirectory.  A node whose count drops to 0 is
 * freed when its vnode is reclaimed, which vop_inactive asks for as soon
 * as the last reference goes.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include "fs/tmpfs/tmpfs.h"

/*
 * The directory of dvp, or ENOTDIR; ENOENT once it has been removed
 * (nothing may be created in it any more).
 */
static int
tmpfs_livedir(struct vnode *dvp, struct tmpfs_node **dnp)
{
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp);

	if (dn->tn_type != VDIR)
		return ENOTDIR;
	if (dn->tn_u.tn_dir.td_parent == NULL)
		return ENOENT;
	*dnp = dn;
	return 0;
}

/* vop_lookup: dvp locked (shared or exclusive). */
static int
tmpfs_lookup(struct vnode *dvp, struct componentname *cnp,
    struct vnode **vpp)
{
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp), *tn;
	struct tmpfs_dirent *de;

	if (dn->tn_type != VDIR)
		return ENOTDIR;
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		tn = dn;
	} else if (cnp->cn_namelen == 2 && cnp->cn_nameptr[0] == '.' &&
	    cnp->cn_nameptr[1] == '.') {
		/* A removed directory has no parent any more. */
		if ((tn = dn->tn_u.tn_dir.td_parent) == NULL)
			return ENOENT;
	} else {
		de = tmpfs_dir_lookup(dn, cnp->cn_nameptr, cnp->cn_namelen);
		if (de == NULL)
			return ENOENT;
		tn = de->td_node;
	}
	if (tn == dn) {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	return vcache_get(dvp->v_mount, tmpfs_node_key(tn), vpp);
}

/*
 * Make a node of vap's type named cnp in the directory of dvp (locked
 * exclusive) and return its vnode.  target is the symlink text (VLNK
 * only).  On error nothing is left behind.
 */
static int
tmpfs_alloc_file(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, const char *target, struct vnode **vpp)
{
	struct tmpfs_node *dn, *tn;
	struct tmpfs_dirent *de;
	int error;

	if ((error = tmpfs_livedir(dvp, &dn)) != 0)
		return error;
	if (tmpfs_dir_lookup(dn, cnp->cn_nameptr, cnp->cn_namelen) != NULL)
		return EEXIST;
	if (vap->va_type == VDIR && dn->tn_links >= TMPFS_LINK_MAX)
		return EMLINK;
	error = tmpfs_node_alloc(dn->tn_mount, vap->va_type, vap->va_mode,
	    vap->va_uid, vap->va_gid, &tn);
	if (error != 0)
		return error;
	if ((error = tmpfs_dirent_alloc(cnp->cn_nameptr, cnp->cn_namelen,
	    &de)) != 0)
		goto out_node;
	switch (vap->va_type) {
	case VDIR:
		tn->tn_u.tn_dir.td_parent = dn;
		tn->tn_links = 2;
		break;
	case VLNK:
		if ((tn->tn_u.tn_link = kmem_strdup(target)) == NULL) {
			error = ENOMEM;
			goto out_dirent;
		}
		tn->tn_size = (int64_t)strlen(target);
		tn->tn_links = 1;
		break;
	case VCHR:
	case VBLK:
		tn->tn_u.tn_rdev = vap->va_rdev;
		tn->tn_links = 1;
		break;
	default:
		tn->tn_links = 1;
		break;
	}
	/* Get the vnode first: it is the last step that can fail. */
	if ((error = vcache_get(dvp->v_mount, tmpfs_node_key(tn), vpp)) != 0)
		goto out_dirent;
	tmpfs_dir_attach(dn, de, tn);
	if (vap->va_type == VDIR)
		dn->tn_links++;
	tmpfs_update(dn, TMPFS_UPD_MTIME | TMPFS_UPD_CTIME);
	return 0;

out_dirent:
	tmpfs_dirent_free(de);
out_node:
	/* No vnode and no entry: nobody else can see the node. */
	tn->tn_links = 0;
	tmpfs_node_free(tn);
	return error;
}

/* vop_create: dvp locked exclusive. */
static int
tmpfs_create(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	switch (vap->va_type) {
	case VREG:
	case VFIFO:
	case VSOCK:
	case VCHR:
	case VBLK:
		return tmpfs_alloc_file(dvp, cnp, vap, NULL, vpp);
	default:
		return EINVAL;
	}
}

/* vop_mkdir: dvp locked exclusive. */
static int
tmpfs_mkdir(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	struct vattr va = *vap;

	va.va_type = VDIR;
	return tmpfs_alloc_file(dvp, cnp, &va, NULL, vpp);
}

/* vop_symlink: dvp locked exclusive. */
static int
tmpfs_symlink(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, const char *target, struct vnode **vpp)
{
	struct vattr va = *vap;

	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return ENAMETOOLONG;
	va.va_type = VLNK;
	return tmpfs_alloc_file(dvp, cnp, &va, target, vpp);
}

/* vop_link: dvp and vp locked exclusive; vp is not a directory. */
static int
tmpfs_link(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct tmpfs_node *dn, *tn = VP_TO_TMPFS(vp);
	struct tmpfs_dirent *de;
	int error;

	if (tn->tn_type == VDIR)
		return EPERM;
	if ((error = tmpfs_livedir(dvp, &dn)) != 0)
		return error;
	/* An open file whose last name is gone cannot get a new one. */
	if (tn->tn_links == 0)
		return ENOENT;
	if (tn->tn_links >= TMPFS_LINK_MAX)
		return EMLINK;
	if (tmpfs_dir_lookup(dn, cnp->cn_nameptr, cnp->cn_namelen) != NULL)
		return EEXIST;
	if ((error = tmpfs_dirent_alloc(cnp->cn_nameptr, cnp->cn_namelen,
	    &de)) != 0)
		return error;
	tmpfs_dir_attach(dn, de, tn);
	tn->tn_links++;
	tmpfs_update(tn, TMPFS_UPD_CTIME);
	tmpfs_update(dn, TMPFS_UPD_MTIME | TMPFS_UPD_CTIME);
	return 0;
}

/*
 * The entry cnp of directory dn, checked to name node tn; ENOENT if the
 * name is gone or names something else.
 */
static int
tmpfs_dir_entry(struct tmpfs_node *dn, struct componentname *cnp,
    struct tmpfs_node *tn, struct tmpfs_dirent **dep)
{
	struct tmpfs_dirent *de;

	if (dn->tn_type != VDIR)
		return ENOTDIR;
	de = tmpfs_dir_lookup(dn, cnp->cn_nameptr, cnp->cn_namelen);
	if (de == NULL || de->td_node != tn)
		return ENOENT;
	*dep = de;
	return 0;
}

/* vop_remove: dvp and vp locked exclusive. */
static int
tmpfs_remove(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp), *tn = VP_TO_TMPFS(vp);
	struct tmpfs_dirent *de;
	int error;

	if (tn->tn_type == VDIR)
		return EISDIR;
	if ((error = tmpfs_dir_entry(dn, cnp, tn, &de)) != 0)
		return error;
	tmpfs_dir_detach(dn, de);
	tmpfs_dirent_free(de);
	KASSERT(tn->tn_links > 0);
	tn->tn_links--;
	tmpfs_update(tn, TMPFS_UPD_CTIME);
	tmpfs_update(dn, TMPFS_UPD_MTIME | TMPFS_UPD_CTIME);
	return 0;
}

/* vop_rmdir: dvp and vp locked exclusive. */
static int
tmpfs_rmdir(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp), *tn = VP_TO_TMPFS(vp);
	struct tmpfs_dirent *de;
	int error;

	if (tn->tn_type != VDIR)
		return ENOTDIR;
	if (tn == dn || tn == tn->tn_mount->tm_root)
		return EBUSY;
	if ((error = tmpfs_dir_entry(dn, cnp, tn, &de)) != 0)
		return error;
	if (tn->tn_u.tn_dir.td_count != 0)
		return ENOTEMPTY;
	tmpfs_dir_detach(dn, de);
	tmpfs_dirent_free(de);
	/* Its ".." no longer counts for the parent; "." and name go. */
	KASSERT(dn->tn_links > 2 && tn->tn_links == 2);
	dn->tn_links--;
	tn->tn_links = 0;
	tn->tn_u.tn_dir.td_parent = NULL;
	tmpfs_update(tn, TMPFS_UPD_CTIME);
	tmpfs_update(dn, TMPFS_UPD_MTIME | TMPFS_UPD_CTIME);
	return 0;
}

/*
 * vop_readdir: vp locked shared.  Cookies: 0 ".", 1 "..", then the
 * sequence numbers of the entries (tmpfs.h), so a readdir resumes at the
 * right place whatever was added or removed in between.
 */
static int
tmpfs_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	struct tmpfs_node *dn = VP_TO_TMPFS(vp), *parent;
	struct tmpfs_dirent *de, *next;
	int64_t cookie = uio->uio_offset;

	*eofp = 0;
	if (dn->tn_type != VDIR)
		return ENOTDIR;
	if (cookie < 0)
		return EINVAL;
	if (cookie == TMPFS_COOKIE_DOT) {
		if (vfs_dirent_emit(uio, dn->tn_id, VDIR, ".", 1,
		    TMPFS_COOKIE_DOTDOT) != 0)
			return 0;
		cookie = TMPFS_COOKIE_DOTDOT;
	}
	if (cookie == TMPFS_COOKIE_DOTDOT) {
		parent = dn->tn_u.tn_dir.td_parent;
		if (parent == NULL)
			parent = dn;
		if (vfs_dirent_emit(uio, parent->tn_id, VDIR, "..", 2,
		    TMPFS_COOKIE_FIRST) != 0)
			return 0;
	}
	for (de = tmpfs_dir_seek(dn, cookie); de != NULL; de = next) {
		next = TAILQ_NEXT(de, td_entries);
		if (vfs_dirent_emit(uio, de->td_node->tn_id,
		    de->td_node->tn_type, de->td_name, de->td_namelen,
		    next != NULL ? (int64_t)next->td_seq :
		    (int64_t)dn->tn_u.tn_dir.td_nextseq) != 0)
			break;
	}
	if (de == NULL)
		*eofp = 1;
	if (tmpfs_atime_enabled(dn))
		tmpfs_update(dn, TMPFS_UPD_ATIME);
	return 0;
}

/* vop_readlink: vp locked shared. */
static int
tmpfs_readlink(struct vnode *vp, struct uio *uio)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	int error;

	if (tn->tn_type != VLNK)
		return EINVAL;
	error = uiomove(tn->tn_u.tn_link,
	    MIN((size_t)tn->tn_size, uio->uio_resid), uio);
	if (tmpfs_atime_enabled(tn))
		tmpfs_update(tn, TMPFS_UPD_ATIME);
	return error;
}

/* vop_getattr: vp locked shared. */
static int
tmpfs_getattr(struct vnode *vp, struct vattr *vap)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	struct tmpfs_mount *tm = tn->tn_mount;

	memset(vap, 0, sizeof(*vap));
	vap->va_type = tn->tn_type;
	vap->va_mode = tn->tn_mode;
	vap->va_nlink = tn->tn_links;
	vap->va_uid = tn->tn_uid;
	vap->va_gid = tn->tn_gid;
	vap->va_fsid = vp->v_mount != NULL ? vp->v_mount->mnt_fsid : 0;
	vap->va_fileid = tn->tn_id;
	vap->va_blksize = TMPFS_PAGE_SIZE;
	vap->va_flags = tn->tn_flags;
	vap->va_gen = tn->tn_gen;
	switch (tn->tn_type) {
	case VDIR:
		vap->va_size = (int64_t)(tn->tn_u.tn_dir.td_count + 2) *
		    TMPFS_DIRENT_BOGOSIZE;
		break;
	case VREG:
		vap->va_size = tn->tn_size;
		vap->va_bytes = tn->tn_u.tn_pages.tp_count * TMPFS_PAGE_SIZE;
		break;
	case VLNK:
		vap->va_size = tn->tn_size;
		vap->va_bytes = (uint64_t)tn->tn_size + 1;
		break;
	case VCHR:
	case VBLK:
		vap->va_rdev = tn->tn_u.tn_rdev;
		break;
	default:
		break;
	}
	mutex_enter(&tm->tm_lock);
	vap->va_atime = tn->tn_atime;
	mutex_exit(&tm->tm_lock);
	vap->va_mtime = tn->tn_mtime;
	vap->va_ctime = tn->tn_ctime;
	vap->va_birthtime = tn->tn_birthtime;
	return 0;
}

/* Change the size of tn as setattr(VA_SIZE) asks. */
static int
tmpfs_setsize(struct tmpfs_node *tn, int64_t size)
{
	int error;

	if (tn->tn_type == VDIR)
		return EISDIR;
	if (tn->tn_type != VREG)
		return EINVAL;
	if ((error = tmpfs_truncate(tn, size)) != 0)
		return error;
	/* truncate(2) sets both times even when the size is unchanged. */
	tmpfs_update(tn, TMPFS_UPD_MTIME | TMPFS_UPD_CTIME);
	return 0;
}

/*
 * vop_setattr: vp locked exclusive.  Changes the fields in va_mask; the
 * VFS has checked the caller's right to.  Every change sets ctime to
 * now, unless VA_CTIME sets it explicitly.  The size goes first: it is
 * the only change that can fail, and then nothing else is changed.
 */
static int
tmpfs_setattr(struct vnode *vp, const struct vattr *vap)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	struct tmpfs_mount *tm = tn->tn_mount;
	uint32_t mask = vap->va_mask;
	int error;

	if ((mask & VA_SIZE) && (error = tmpfs_setsize(tn, vap->va_size)))
		return error;
	if (mask & VA_MODE)
		tn->tn_mode = vap->va_mode & ALLPERMS;
	if (mask & VA_UID)
		tn->tn_uid = vap->va_uid;
	if (mask & VA_GID)
		tn->tn_gid = vap->va_gid;
	if (mask & VA_FLAGS)
		tn->tn_flags = vap->va_flags;
	if (mask & VA_ATIME) {
		mutex_enter(&tm->tm_lock);
		tn->tn_atime = vap->va_atime;
		mutex_exit(&tm->tm_lock);
	}
	if (mask & VA_MTIME)
		tn->tn_mtime = vap->va_mtime;
	if (mask & VA_BIRTHTIME)
		tn->tn_birthtime = vap->va_birthtime;
	if (mask & VA_CTIME)
		tn->tn_ctime = vap->va_ctime;
	else if (mask != 0)
		tmpfs_update(tn, TMPFS_UPD_CTIME);
	return 0;
}

/* vop_fsync: memory is all the storage there is. */
static int
tmpfs_fsync(struct vnode *vp, int flags)
{
	return 0;
}

/*
 * vop_inactive: vp locked exclusive, its last reference just dropped.
 * A node without links can never be found again: reclaim it now.
 */
static int
tmpfs_inactive(struct vnode *vp, bool *recycle)
{
	*recycle = VP_TO_TMPFS(vp)->tn_links == 0;
	return 0;
}

/*
 * vop_reclaim: vp unlocked and unreferenced.  The node of a file that
 * still has links stays (it is the file); an unlinked one is freed.
 */
static int
tmpfs_reclaim(struct vnode *vp)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);

	vp->v_data = NULL;
	if (tn != NULL && tn->tn_links == 0)
		tmpfs_node_free(tn);
	return 0;
}

const struct vnodeops tmpfs_vnodeops = {
	.vop_lookup = tmpfs_lookup,
	.vop_create = tmpfs_create,
	.vop_mkdir = tmpfs_mkdir,
	.vop_symlink = tmpfs_symlink,
	.vop_link = tmpfs_link,
	.vop_remove = tmpfs_remove,
	.vop_rmdir = tmpfs_rmdir,
	.vop_rename = tmpfs_rename,
	.vop_getattr = tmpfs_getattr,
	.vop_setattr = tmpfs_setattr,
	.vop_read = tmpfs_read,
	.vop_write = tmpfs_write,
	.vop_readdir = tmpfs_readdir,
	.vop_readlink = tmpfs_readlink,
	.vop_fsync = tmpfs_fsync,
	.vop_bmap = NULL,
	.vop_seek = tmpfs_seek,
	.vop_getxattr = tmpfs_getxattr,
	.vop_setxattr = tmpfs_setxattr,
	.vop_listxattr = tmpfs_listxattr,
	.vop_removexattr = tmpfs_removexattr,
	.vop_inactive = tmpfs_inactive,
	.vop_reclaim = tmpfs_reclaim,
};
