/*
 * cd9660_vnops.c: the vnode operations: lookup, attributes, file data
 * through the block map, directories, symlinks.  Operations that would
 * write are NULL; the VFS refuses them with EROFS first (read-only).
 *
 * Nodes are immutable after load, so everything here is safe under a
 * shared vnode lock.
 */
#include <sys/systm.h>
#include <sys/fcntl.h>
#include "fs/cd9660/cd9660.h"

static int
cd9660_lookup(struct vnode *dvp, struct componentname *cnp,
    struct vnode **vpp)
{
	struct iso_node *dp = VTOI(dvp);
	uint64_t key;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	error = iso_dir_lookup(dp, cnp->cn_nameptr, cnp->cn_namelen, &key);
	if (error != 0)
		return error;
	/* A directory listing itself under a name would loop the VFS. */
	if (key == dp->in_key && !(cnp->cn_namelen == 1 &&
	    cnp->cn_nameptr[0] == '.'))
		return FS_CORRUPT(ISO_FSNAME, "directory %llu contains itself",
		    (unsigned long long)dp->in_fileid);
	return vcache_get(dvp->v_mount, key, vpp);
}

static void
iso_ts(const struct iso_time *t, struct ktimespec *ts)
{
	ts->tv_sec = t->t_sec;
	ts->tv_nsec = t->t_nsec;
}

static int
cd9660_getattr(struct vnode *vp, struct vattr *vap)
{
	struct iso_node *in = VTOI(vp);

	memset(vap, 0, sizeof(*vap));
	vap->va_type = in->in_type;
	vap->va_mode = in->in_mode;
	vap->va_nlink = in->in_nlink;
	vap->va_uid = in->in_uid;
	vap->va_gid = in->in_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = in->in_fileid;
	vap->va_size = in->in_size;
	vap->va_bytes = in->in_type == VREG || in->in_type == VDIR ?
	    roundup((uint64_t)in->in_size, ISO_BSIZE) : 0;
	vap->va_blksize = ISO_BSIZE;
	vap->va_rdev = in->in_rdev;
	iso_ts(&in->in_atime, &vap->va_atime);
	iso_ts(&in->in_mtime, &vap->va_mtime);
	iso_ts(&in->in_ctime, &vap->va_ctime);
	iso_ts(&in->in_btime, &vap->va_birthtime);
	return 0;
}

static int
cd9660_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct iso_node *in = VTOI(vp);

	if (in->in_type == VDIR)
		return EISDIR;
	if (in->in_type != VREG)
		return EOPNOTSUPP;
	if (in->in_zisofs)
		return iso_zisofs_read(in, uio);
	return genfs_read_bmap(vp, uio, in->in_size);
}

static int
cd9660_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	if (vp->v_type != VDIR)
		return ENOTDIR;
	return iso_dir_readdir(VTOI(vp), uio, eofp);
}

static int
cd9660_readlink(struct vnode *vp, struct uio *uio)
{
	struct iso_node *in = VTOI(vp);

	if (in->in_type != VLNK || in->in_link == NULL)
		return EINVAL;
	return uiomove(in->in_link, MIN(in->in_linklen, uio->uio_resid), uio);
}

/*
 * The part of the data holding off: a whole extent, or for an
 * interleaved one the rest of the file unit.
 */
static int
cd9660_bmap(struct vnode *vp, int64_t off, int64_t len, uint32_t flags,
    struct bmap *bm)
{
	struct iso_node *in = VTOI(vp);
	const struct iso_extent *ie;
	uint64_t rel, ublk, unit;
	uint32_t i;

	if (flags & BMAP_ALLOC)
		return EROFS;
	if (in->in_type != VREG || in->in_zisofs)
		return EOPNOTSUPP;
	if (off < 0 || off >= in->in_size)
		return EINVAL;
	for (i = 0; i < in->in_next; i++) {
		ie = &in->in_ext[i];
		if (off >= ie->ie_off && off - ie->ie_off < ie->ie_len)
			break;
	}
	if (i == in->in_next)
		return FS_CORRUPT(ISO_FSNAME, "file %llu: no extent at %lld",
		    (unsigned long long)in->in_fileid, (long long)off);
	rel = (uint64_t)(off - ie->ie_off);
	bm->bm_dev = in->in_mount->im_dev;
	bm->bm_flags = 0;
	if (ie->ie_unit == 0) {
		bm->bm_off = ie->ie_off;
		bm->bm_len = ie->ie_len;
		bm->bm_physoff = ie->ie_phys;
		return 0;
	}
	ublk = (uint64_t)ie->ie_unit << ISO_BSHIFT;
	unit = rel / ublk;
	bm->bm_off = ie->ie_off + (int64_t)(unit * ublk);
	bm->bm_len = (int64_t)MIN(ublk, (uint64_t)ie->ie_len - unit * ublk);
	bm->bm_physoff = ie->ie_phys + unit * ((uint64_t)ie->ie_unit +
	    ie->ie_gap) * ISO_BSIZE;
	return 0;
}

static int
cd9660_seek(struct vnode *vp, int64_t off, int whence, int64_t *res)
{
	struct iso_node *in = VTOI(vp);

	if (in->in_zisofs) {
		if (off < 0 || off >= in->in_size)
			return ENXIO;
		*res = whence == SEEK_DATA ? off : in->in_size;
		return 0;
	}
	return genfs_seek_bmap(vp, off, whence, in->in_size, res);
}

/* Nothing is written: keep the vnode cached. */
static int
cd9660_inactive(struct vnode *vp, bool *recycle)
{
	*recycle = false;
	return 0;
}

static int
cd9660_reclaim(struct vnode *vp)
{
	iso_node_free(VTOI(vp));
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops cd9660_vnodeops = {
	.vop_lookup = cd9660_lookup,
	.vop_getattr = cd9660_getattr,
	.vop_read = cd9660_read,
	.vop_readdir = cd9660_readdir,
	.vop_readlink = cd9660_readlink,
	.vop_bmap = cd9660_bmap,
	.vop_seek = cd9660_seek,
	.vop_inactive = cd9660_inactive,
	.vop_reclaim = cd9660_reclaim,
};
