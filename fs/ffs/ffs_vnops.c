/*
 * ffs_vnops.c: the vnode operations: lookup, attributes, file data
 * through the block map (read, and write with BMAP_ALLOC), directories,
 * symlinks, extended attributes; the name layer's operations are in
 * ffs_wnops.c.
 *
 * Nodes change only under the exclusive vnode lock, so the read side
 * here is safe under a shared one.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/fcntl.h>
#include "fs/ffs/ffs.h"
#include "fs/ffs/ffs_w.h"

static int
ffs_lookup(struct vnode *dvp, struct componentname *cnp, struct vnode **vpp)
{
	struct ffs_node *dp = VTOF(dvp);
	uint32_t ino;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	error = ffs_dir_lookup(dp, cnp->cn_nameptr, cnp->cn_namelen, &ino);
	if (error != 0)
		return error;
	/* A directory listing itself under a name would loop the VFS. */
	if (ino == dp->fn_ino && !(cnp->cn_namelen == 1 &&
	    cnp->cn_nameptr[0] == '.') && ino != FFS_ROOTINO)
		return FS_CORRUPT(FFS_FSNAME, "directory %u contains itself",
		    dp->fn_ino);
	return vcache_get(dvp->v_mount, ino, vpp);
}

/*
 * A device number as the BSDs (and Linux's 32-bit encoding, which makefs
 * copies from the host) store it: minor bits 0-7 and 20-31, major bits
 * 8-19; UFS2's 64-bit field may carry more of each above bit 32.
 */
static uint64_t
ffs_rdev(uint64_t raw)
{
	uint32_t maj = (uint32_t)(((raw >> 8) & 0xFFF) |
	    ((raw >> 32) & ~0xFFFULL));
	uint32_t min = (uint32_t)((raw & 0xFF) | ((raw >> 12) & ~0xFFULL));

	return makedev(maj, min);
}

/* A time from seconds and nanoseconds (out-of-range nanoseconds: 0). */
static void
ffs_ts(int64_t sec, int32_t nsec, struct ktimespec *ts)
{
	ts->tv_sec = sec;
	ts->tv_nsec = nsec >= 0 && nsec < 1000000000 ? nsec : 0;
}

static int
ffs_getattr(struct vnode *vp, struct vattr *vap)
{
	struct ffs_node *fn = VTOF(vp);
	const struct ffs_dinode *di = &fn->fn_di;

	memset(vap, 0, sizeof(*vap));
	vap->va_type = fn->fn_type;
	vap->va_mode = di->di_mode & ALLPERMS;
	vap->va_nlink = di->di_nlink;
	vap->va_uid = di->di_uid;
	vap->va_gid = di->di_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = fn->fn_ino;
	vap->va_size = fn->fn_size;
	vap->va_bytes = di->di_blocks << 9;
	vap->va_blksize = fn->fn_mount->fm_fs.fs_bsize;
	if (fn->fn_type == VCHR || fn->fn_type == VBLK)
		vap->va_rdev = ffs_rdev(di->di_rdev);
	vap->va_gen = di->di_gen;
	ffs_ts(di->di_atime, di->di_atimensec, &vap->va_atime);
	ffs_ts(di->di_mtime, di->di_mtimensec, &vap->va_mtime);
	ffs_ts(di->di_ctime, di->di_ctimensec, &vap->va_ctime);
	if (fn->fn_mount->fm_fs.fs_ufs2)
		ffs_ts(di->di_birthtime, di->di_birthnsec,
		    &vap->va_birthtime);
	return 0;
}

static int
ffs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ffs_node *fn = VTOF(vp);

	if (fn->fn_type == VDIR)
		return EISDIR;
	if (fn->fn_type != VREG)
		return EOPNOTSUPP;
	return genfs_read_bmap(vp, uio, fn->fn_size);
}

static int
ffs_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	if (vp->v_type != VDIR)
		return ENOTDIR;
	return ffs_dir_readdir(VTOF(vp), uio, eofp);
}

/*
 * Fast symlinks keep the target in the block pointer area (shorter than
 * fs_maxsymlinklen); slow ones in their first block.
 */
static int
ffs_readlink(struct vnode *vp, struct uio *uio)
{
	struct ffs_node *fn = VTOF(vp);
	struct ffs_mount *fm = fn->fn_mount;
	size_t len = (size_t)fn->fn_size;
	struct ffs_run r;
	struct buf *bp;
	int error;

	if (fn->fn_type != VLNK)
		return EINVAL;
	if (len < fm->fm_maxsymlink || (fm->fm_maxsymlink == 0 &&
	    fn->fn_di.di_blocks == 0)) {
		if (len > sizeof(fn->fn_di.di_shortlink))
			return FS_CORRUPT(FFS_FSNAME, "symlink %u: length %zu",
			    fn->fn_ino, len);
		return uiomove(fn->fn_di.di_shortlink,
		    MIN(len, uio->uio_resid), uio);
	}
	if ((error = ffs_bmap_run(fn, 0, &r)) != 0)
		return error;
	if (r.r_frag == 0)
		return FS_CORRUPT(FFS_FSNAME, "symlink %u: no data block",
		    fn->fn_ino);
	if ((error = ffs_bread(fm, r.r_frag, ffs_blksize(fn, 0), &bp)) != 0)
		return error;
	error = uiomove(bp->b_data, MIN(len, uio->uio_resid), uio);
	brelse(bp);
	return error;
}

/* The run of blocks holding off, block-aligned, cut to about len bytes. */
static int
ffs_bmap(struct vnode *vp, int64_t off, int64_t len, uint32_t flags,
    struct bmap *bm)
{
	struct ffs_node *fn = VTOF(vp);
	struct ffs_mount *fm = fn->fn_mount;
	uint32_t bshift = fm->fm_fs.fs_bshift;
	uint64_t lbn, want;
	struct ffs_run r;
	int error;

	if (fn->fn_type != VREG || off < 0)
		return EOPNOTSUPP;
	if (flags & BMAP_ALLOC)
		return ffs_bmap_alloc(fn, off, len, bm);
	lbn = (uint64_t)off >> bshift;
	if ((error = ffs_bmap_run(fn, lbn, &r)) != 0)
		return error;
	want = howmany((uint64_t)off + (uint64_t)MAX(len, 1),
	    (uint64_t)fm->fm_fs.fs_bsize) - lbn;
	r.r_count = MIN(r.r_count, MAX(want, 1));
	bm->bm_off = (int64_t)(lbn << bshift);
	bm->bm_len = (int64_t)(r.r_count << bshift);
	bm->bm_physoff = (uint64_t)r.r_frag << fm->fm_fs.fs_fshift;
	bm->bm_dev = fm->fm_dev;
	bm->bm_flags = r.r_frag == 0 ? BMAP_HOLE : 0;
	return 0;
}

/*
 * Regular files: the data straight to the device (genfs_write_bmap),
 * storage from ffs_bmap_alloc, which grows the size as it goes; on a
 * failure the file is cut back to what was written (or its old size),
 * so nothing stays allocated past its end.
 */
static int
ffs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ffs_node *fn = VTOF(vp);
	struct ffs_mount *fm = fn->fn_mount;
	uint64_t max = ffs_maxsize(&fm->fm_fs), osize;
	int error, error2;

	if (fn->fn_type == VDIR)
		return EISDIR;
	if (fn->fn_type != VREG)
		return EINVAL;
	if (!fm->fm_writable)
		return EROFS;
	if (ioflag & IO_APPEND)
		uio->uio_offset = fn->fn_size;
	if (uio->uio_resid == 0)
		return 0;
	if (uio->uio_offset < 0 || (uint64_t)uio->uio_offset >= max ||
	    uio->uio_resid > max - (uint64_t)uio->uio_offset)
		return EFBIG;
	osize = (uint64_t)fn->fn_size;
	error = genfs_write_bmap(vp, uio);
	if (error != 0 && ffs_truncate(fn, MAX(osize,
	    (uint64_t)uio->uio_offset)) != 0)
		ffs_lost_error(fm, error);	/* blocks past the end */
	else if (uio->uio_offset > fn->fn_size)
		ffs_node_setsize(fn, (uint64_t)uio->uio_offset);
	ffs_node_touch(fn, FFS_T_MTIME | FFS_T_CTIME);
	error2 = ffs_node_update(fn);
	if (error == 0 && error2 == 0 && (ioflag & IO_SYNC))
		error2 = ffs_rw_sync(fm);
	return error != 0 ? error : error2;
}

static int
ffs_fsync(struct vnode *vp, int flags)
{
	return ffs_rw_sync(VTOF(vp)->fn_mount);
}

static int
ffs_seek(struct vnode *vp, int64_t off, int whence, int64_t *res)
{
	return genfs_seek_bmap(vp, off, whence, VTOF(vp)->fn_size, res);
}

static int
ffs_getxattr(struct vnode *vp, const char *name, void *buf, size_t size,
    size_t *retlen)
{
	return ffs_xattr_get(VTOF(vp), name, buf, size, retlen);
}

static int
ffs_listxattr(struct vnode *vp, char *buf, size_t size, size_t *retlen)
{
	return ffs_xattr_list(VTOF(vp), buf, size, retlen);
}

const struct vnodeops ffs_vnodeops = {
	.vop_lookup = ffs_lookup,
	.vop_getattr = ffs_getattr,
	.vop_read = ffs_read,
	.vop_readdir = ffs_readdir,
	.vop_readlink = ffs_readlink,
	.vop_bmap = ffs_bmap,
	.vop_seek = ffs_seek,
	.vop_getxattr = ffs_getxattr,
	.vop_listxattr = ffs_listxattr,
	.vop_inactive = ffs_inactive,
	.vop_reclaim = ffs_reclaim,
	/* The name layer (ffs_wnops.c, ffs_wrename.c). */
	.vop_create = ffs_create,
	.vop_mkdir = ffs_mkdir,
	.vop_symlink = ffs_symlink,
	.vop_link = ffs_link,
	.vop_remove = ffs_remove,
	.vop_rmdir = ffs_rmdir,
	.vop_rename = ffs_rename,
	.vop_setattr = ffs_setattr,
	.vop_setxattr = ffs_setxattr,		/* ffs_xattr_w.c */
	.vop_removexattr = ffs_removexattr,
	/* The write half: file data (ffs_balloc.c). */
	.vop_write = ffs_write,
	.vop_fsync = ffs_fsync,
};
