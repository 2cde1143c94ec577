/*
 * sqfs_vnops.c: the vnode operations of squashfs: lookup, attributes,
 * file data (decompressed block by block, sqfs_read), directories,
 * symlinks and extended attributes.  Operations that would write are
 * NULL; the VFS refuses them with EROFS on this read-only mount first.
 * Nodes are immutable after load, so all of this runs under a shared
 * vnode lock.
 */
#include <sys/systm.h>
#include <sys/fcntl.h>
#include "fs/squashfs/squashfs.h"

static int
sqfs_lookup(struct vnode *dvp, struct componentname *cnp, struct vnode **vpp)
{
	uint64_t ref;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	error = sqfs_dir_lookup(VTOSQ(dvp), cnp->cn_nameptr, cnp->cn_namelen,
	    &ref);
	if (error != 0)
		return error;
	return vcache_get(dvp->v_mount, ref, vpp);
}

static int
sqfs_getattr(struct vnode *vp, struct vattr *vap)
{
	struct sqfs_node *sn = VTOSQ(vp);
	uint32_t bs = sn->sn_mount->sm_sb.s_block_size;

	memset(vap, 0, sizeof(*vap));
	vap->va_type = sn->sn_vtype;
	vap->va_mode = sn->sn_mode;
	vap->va_nlink = sn->sn_nlink;
	vap->va_uid = sn->sn_uid;
	vap->va_gid = sn->sn_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = sn->sn_ino;
	/* A directory's stored size counts 3 bytes for "." and "..". */
	vap->va_size = (int64_t)sn->sn_size;
	vap->va_bytes = roundup(sn->sn_size, (uint64_t)512);
	vap->va_blksize = bs;
	vap->va_rdev = sn->sn_rdev;
	vap->va_atime.tv_sec = vap->va_mtime.tv_sec =
	    vap->va_ctime.tv_sec = sn->sn_mtime;
	return 0;
}

static int
sqfs_vop_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct sqfs_node *sn = VTOSQ(vp);

	if (sn->sn_vtype == VDIR)
		return EISDIR;
	if (sn->sn_vtype != VREG)
		return EOPNOTSUPP;
	if (uio->uio_offset < 0)
		return EINVAL;
	return sqfs_read(sn, uio);
}

static int
sqfs_vop_seek(struct vnode *vp, int64_t off, int whence, int64_t *res)
{
	struct sqfs_node *sn = VTOSQ(vp);

	if (sn->sn_vtype != VREG) {
		if (off < 0 || (uint64_t)off >= sn->sn_size)
			return ENXIO;
		*res = whence == SEEK_DATA ? off : (int64_t)sn->sn_size;
		return 0;
	}
	return sqfs_seek(sn, off, whence, res);
}

static int
sqfs_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	if (vp->v_type != VDIR)
		return ENOTDIR;
	return sqfs_dir_readdir(VTOSQ(vp), uio, eofp);
}

static int
sqfs_readlink(struct vnode *vp, struct uio *uio)
{
	struct sqfs_node *sn = VTOSQ(vp);

	if (sn->sn_vtype != VLNK)
		return EINVAL;
	return uiomove(sn->sn_target, MIN((size_t)sn->sn_size,
	    uio->uio_resid), uio);
}

static int
sqfs_getxattr(struct vnode *vp, const char *name, void *buf, size_t size,
    size_t *retlen)
{
	return sqfs_xattr_get(VTOSQ(vp), name, buf, size, retlen);
}

static int
sqfs_listxattr(struct vnode *vp, char *buf, size_t size, size_t *retlen)
{
	return sqfs_xattr_list(VTOSQ(vp), buf, size, retlen);
}

/* Nothing is written: keep the vnode cached. */
static int
sqfs_inactive(struct vnode *vp, bool *recycle)
{
	*recycle = false;
	return 0;
}

static int
sqfs_reclaim(struct vnode *vp)
{
	sqfs_node_free(VTOSQ(vp));
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops sqfs_vnodeops = {
	.vop_lookup = sqfs_lookup,
	.vop_getattr = sqfs_getattr,
	.vop_read = sqfs_vop_read,
	.vop_readdir = sqfs_readdir,
	.vop_readlink = sqfs_readlink,
	.vop_seek = sqfs_vop_seek,
	.vop_getxattr = sqfs_getxattr,
	.vop_listxattr = sqfs_listxattr,
	.vop_inactive = sqfs_inactive,
	.vop_reclaim = sqfs_reclaim,
};
