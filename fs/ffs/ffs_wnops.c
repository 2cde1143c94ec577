/*
 * ffs_wnops.c: the vnode operations that change names and attributes:
 * create (files, device nodes, fifos, sockets), mkdir, symlink, link,
 * remove, rmdir, setattr, and freeing an unlinked inode when its vnode
 * goes (inactive, reclaim).  Rename is in ffs_wrename.c; file data
 * (write, fsync), allocation and truncation are the allocation layer's
 * (ffs_alloc.c, ffs_balloc.c, ffs_truncate.c, ffs_iwrite.c).
 *
 * Link counts follow the BSDs (ufs_vnops.c): a file has one link per
 * entry; a directory two (its entry and its own ".") plus one per
 * subdirectory (their ".."); a new subdirectory adds one to its parent,
 * removing it takes that one back.  FFS_LINK_MAX is UFS's limit.
 *
 * Invariants kept here:
 *	- A new inode is written whole (mode, links, owner, times, a
 *	  symlink's length and fast target, a device number) before it is
 *	  loaded and before its entry is added; if the entry cannot be
 *	  added, its count goes back to 0 and the vnode is recycled, so
 *	  reclaim frees it (ffs_abandon).
 *	- A file whose link count reaches 0 keeps its inode and blocks
 *	  until its vnode is reclaimed (it may still be open): inactive
 *	  asks for the recycle, reclaim frees its extended attribute area
 *	  (ffs_xattr_w.c), truncates it and frees the inode.
 *	- The block pointer area of a fast symlink or a device node holds
 *	  no block pointers: it is cleared, not truncated, when freed.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/fcntl.h>
#include "fs/ffs/ffs.h"
#include "fs/ffs/ffs_w.h"

bool
ffs_writable(const struct ffs_node *fn)
{
	return fn->fn_mount->fm_writable;
}

/* Is the node a symlink whose target lives in its inode? */
bool
ffs_fastlink(const struct ffs_node *fn)
{
	const struct ffs_mount *fm = fn->fn_mount;

	return fn->fn_type == VLNK && ((uint64_t)fn->fn_size <
	    fm->fm_maxsymlink || (fm->fm_maxsymlink == 0 &&
	    fn->fn_di.di_blocks == 0));
}

/*
 * The block pointer area was set as bytes (di_shortlink): make the
 * decoded pointers (di_db, di_ib, di_rdev) say the same, so that the
 * inode encodes to those bytes whichever form is written.
 */
void
ffs_di_ptrs_from_bytes(const struct ffs_mount *fm, struct ffs_dinode *di)
{
	bool be = fm->fm_fs.fs_be;
	const uint8_t *p = di->di_shortlink;
	uint32_t i, w = fm->fm_ptrsize;

	for (i = 0; i < FFS_NDADDR + FFS_NIADDR; i++) {
		int64_t v = w == 8 ? (int64_t)ffs_get64(be, p + i * w) :
		    (int32_t)ffs_get32(be, p + i * w);

		if (i < FFS_NDADDR)
			di->di_db[i] = v;
		else
			di->di_ib[i - FFS_NDADDR] = v;
	}
	di->di_rdev = w == 8 ? ffs_get64(be, p) : ffs_get32(be, p);
}

/* Clear the block pointer area in every form. */
void
ffs_di_ptrs_clear(const struct ffs_mount *fm, struct ffs_dinode *di)
{
	memset(di->di_shortlink, 0, sizeof(di->di_shortlink));
	ffs_di_ptrs_from_bytes(fm, di);
}

void
ffs_setlinks(struct ffs_node *fn, uint32_t n)
{
	fn->fn_di.di_nlink = (uint16_t)n;
}

/* The directory dp changed: its times, then write it. */
int
ffs_dir_touch(struct ffs_node *dp)
{
	ffs_node_touch(dp, FFS_T_MTIME | FFS_T_CTIME);
	return ffs_node_update(dp);
}

/*
 * A device number as ffs_vnops.c's ffs_rdev decodes it (the BSD and
 * Linux 32-bit form: minor 0-7 and 20-31, major 8-19).
 */
static int
ffs_rdev_encode(uint64_t rdev, uint32_t *rawp)
{
	uint32_t ma = major(rdev), mi = minor(rdev);

	if (ma > 0xFFF || mi > 0xFFFFF)
		return EINVAL;
	*rawp = (mi & 0xFF) | (ma << 8) | ((mi & ~0xFFU) << 12);
	return 0;
}

/* Put raw into the first block pointer slot of fn's inode. */
static void
ffs_set_rdev(struct ffs_node *fn, uint32_t raw)
{
	struct ffs_mount *fm = fn->fn_mount;
	uint8_t *p = fn->fn_di.di_shortlink;

	memset(p, 0, sizeof(fn->fn_di.di_shortlink));
	if (fm->fm_fs.fs_be) {
		if (fm->fm_ptrsize == 8)
			be64enc(p, raw);
		else
			be32enc(p, raw);
	} else {
		if (fm->fm_ptrsize == 8)
			le64enc(p, raw);
		else
			le32enc(p, raw);
	}
	ffs_di_ptrs_from_bytes(fm, &fn->fn_di);
}

/*
 * What a new inode starts with besides its mode: a symlink's length
 * (a fast one's target in the block pointer area too), a device number.
 */
struct ffs_newinit {
	const char	*ni_target;	/* symlink target, or NULL */
	size_t		 ni_len;	/* its length */
	bool		 ni_dev;	/* ni_rdev is set */
	uint32_t	 ni_rdev;	/* raw device number */
};

/*
 * Write inode ino whole, as it is to be loaded: mode, links, owner,
 * times now, a new generation, and the contents of ni.  A symlink gets
 * its length now (the reader refuses an empty one); a slow one's block
 * comes after the load.  Mode 0 with ni NULL: back to a free inode.
 */
static int
ffs_newnode_write(struct ffs_mount *fm, uint32_t ino, uint16_t mode,
    const struct vattr *vap, const struct ffs_newinit *ni)
{
	struct ffs_node tmp;
	struct ffs_dinode *di = &tmp.fn_di;

	memset(&tmp, 0, sizeof(tmp));
	tmp.fn_mount = fm;
	tmp.fn_ino = ino;
	tmp.fn_type = vtype_from_mode(mode);
	if (mode == 0)
		return ffs_node_update(&tmp);
	di->di_mode = mode;
	di->di_nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
	di->di_uid = vap->va_uid;
	di->di_gid = vap->va_gid;
	do
		di->di_gen = cprng_u32();
	while (di->di_gen == 0);
	ffs_node_touch(&tmp, FFS_T_ATIME | FFS_T_MTIME | FFS_T_CTIME);
	if (fm->fm_fs.fs_ufs2) {
		di->di_birthtime = di->di_ctime;
		di->di_birthnsec = di->di_ctimensec;
	}
	if (ni->ni_target != NULL) {
		tmp.fn_size = (int64_t)ni->ni_len;
		if (ni->ni_len < fm->fm_maxsymlink)
			memcpy(di->di_shortlink, ni->ni_target, ni->ni_len);
	}
	if (ni->ni_dev)
		ffs_set_rdev(&tmp, ni->ni_rdev);
	ffs_di_ptrs_from_bytes(fm, di);
	return ffs_node_update(&tmp);
}

/*
 * Make a new inode of mode for an entry named cnp in dvp: allocated,
 * written whole (one link, two for a directory) and loaded as *vpp.
 * The caller adds the entry or, failing, calls ffs_abandon.
 */
static int
ffs_newnode(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, uint16_t mode, const struct ffs_newinit *ni,
    struct vnode **vpp)
{
	struct ffs_node *dp = VTOF(dvp);
	struct ffs_mount *fm = dp->fn_mount;
	uint32_t ino, probe;
	int error;

	if (dp->fn_di.di_nlink == 0)
		return ENOENT;
	if (cnp->cn_namelen > FFS_MAXNAMLEN)
		return ENAMETOOLONG;
	error = ffs_dir_lookup(dp, cnp->cn_nameptr, cnp->cn_namelen, &probe);
	if (error == 0)
		return EEXIST;
	if (error != ENOENT)
		return error;
	if ((error = ffs_inode_alloc(dp, mode, &ino)) != 0)
		return error;
	error = ffs_newnode_write(fm, ino, mode, vap, ni);
	if (error == 0)
		error = vcache_get(dvp->v_mount, ino, vpp);
	if (error != 0) {
		/* Never loaded: the inode goes back as it came. */
		(void)ffs_newnode_write(fm, ino, 0, NULL, NULL);
		(void)ffs_inode_free(fm, ino, mode);
	}
	return error;
}

/* A new node that got no entry (or lost it): reclaim frees it. */
void
ffs_abandon(struct vnode *vp)
{
	struct ffs_node *fn = VTOF(vp);

	ffs_setlinks(fn, 0);
	(void)ffs_node_update(fn);
	vrecycle_later(vp);
	vrele(vp);
}

/* Add the entry for the new node vp to dvp, or abandon the node. */
static int
ffs_newnode_link(struct vnode *dvp, struct componentname *cnp,
    struct vnode *vp)
{
	struct ffs_node *dp = VTOF(dvp), *fn = VTOF(vp);
	int error;

	error = ffs_dir_enter_vp(dvp, cnp->cn_nameptr, cnp->cn_namelen,
	    fn->fn_ino, fn->fn_type);
	if (error == 0)
		error = ffs_dir_touch(dp);
	if (error != 0)
		ffs_abandon(vp);
	return error;
}

/* vop_create: regular files, device nodes, fifos, sockets. */
int
ffs_create(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	uint32_t mode = vtype_to_mode(vap->va_type);
	struct ffs_newinit ni = { NULL, 0, false, 0 };
	struct vnode *vp;
	int error;

	ni.ni_dev = vap->va_type == VCHR || vap->va_type == VBLK;
	if (vap->va_type != VREG && !ni.ni_dev && vap->va_type != VFIFO &&
	    vap->va_type != VSOCK)
		return EINVAL;
	if (ni.ni_dev &&
	    (error = ffs_rdev_encode(vap->va_rdev, &ni.ni_rdev)) != 0)
		return error;
	error = ffs_newnode(dvp, cnp, vap, (uint16_t)(mode |
	    (vap->va_mode & ALLPERMS)), &ni, &vp);
	if (error != 0)
		return error;
	if ((error = ffs_newnode_link(dvp, cnp, vp)) != 0)
		return error;
	*vpp = vp;
	return 0;
}

/* vop_mkdir: "." and ".." in one chunk; the parent gains a link. */
int
ffs_mkdir(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	struct ffs_node *dp = VTOF(dvp);
	struct ffs_newinit ni = { NULL, 0, false, 0 };
	struct vnode *vp;
	int error;

	if (dp->fn_di.di_nlink >= FFS_LINK_MAX)
		return EMLINK;
	error = ffs_newnode(dvp, cnp, vap, (uint16_t)(S_IFDIR |
	    (vap->va_mode & ALLPERMS)), &ni, &vp);
	if (error != 0)
		return error;
	if ((error = ffs_dir_init(VTOF(vp), dp->fn_ino)) != 0) {
		ffs_abandon(vp);
		return error;
	}
	/* The parent's link first: a crash leaves it too high, not low. */
	ffs_setlinks(dp, dp->fn_di.di_nlink + 1U);
	if ((error = ffs_newnode_link(dvp, cnp, vp)) != 0) {
		ffs_setlinks(dp, dp->fn_di.di_nlink - 1U);
		(void)ffs_node_update(dp);
		return error;
	}
	*vpp = vp;
	return 0;
}

/* The target of a slow symlink: its first block (fragments). */
static int
ffs_symlink_block(struct ffs_node *fn, const char *target, size_t len)
{
	struct buf *bp;
	int error;

	if ((error = ffs_balloc(fn, 0, (uint32_t)len, &bp)) != 0)
		return error;
	memset(bp->b_data, 0, roundup(len, fn->fn_mount->fm_fs.fs_fsize));
	memcpy(bp->b_data, target, len);
	bdwrite(bp);
	return 0;
}

/*
 * vop_symlink: fast (in the block pointer area) when shorter than
 * fs_maxsymlinklen, else in a block, as the BSDs do.
 */
int
ffs_symlink(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, const char *target, struct vnode **vpp)
{
	struct ffs_mount *fm = VTOF(dvp)->fn_mount;
	struct ffs_newinit ni = { target, strlen(target), false, 0 };
	struct ffs_node *fn;
	struct vnode *vp;
	int error;

	if (ni.ni_len == 0)
		return ENOENT;
	if (ni.ni_len > FFS_MAXSYMLINK || ni.ni_len > fm->fm_fs.fs_bsize)
		return ENAMETOOLONG;
	error = ffs_newnode(dvp, cnp, vap, (uint16_t)(S_IFLNK |
	    (vap->va_mode & ALLPERMS)), &ni, &vp);
	if (error != 0)
		return error;
	fn = VTOF(vp);
	if (ni.ni_len >= fm->fm_maxsymlink) {
		/* ffs_balloc grows the size back to the length. */
		ffs_node_setsize(fn, 0);
		if ((error = ffs_symlink_block(fn, target, ni.ni_len)) != 0 ||
		    (error = ffs_node_update(fn)) != 0) {
			ffs_abandon(vp);
			return error;
		}
	}
	if ((error = ffs_newnode_link(dvp, cnp, vp)) != 0)
		return error;
	*vpp = vp;
	return 0;
}

/* vop_link: dvp and vp locked exclusive; vp is not a directory. */
int
ffs_link(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct ffs_node *dp = VTOF(dvp), *fn = VTOF(vp);
	uint32_t probe;
	int error;

	if (fn->fn_type == VDIR)
		return EPERM;
	if (dp->fn_di.di_nlink == 0 || fn->fn_di.di_nlink == 0)
		return ENOENT;
	if (fn->fn_di.di_nlink >= FFS_LINK_MAX)
		return EMLINK;
	error = ffs_dir_lookup(dp, cnp->cn_nameptr, cnp->cn_namelen, &probe);
	if (error == 0)
		return EEXIST;
	if (error != ENOENT)
		return error;
	/* The count first: a crash leaves it too high, which fsck mends. */
	ffs_setlinks(fn, fn->fn_di.di_nlink + 1U);
	ffs_node_touch(fn, FFS_T_CTIME);
	if ((error = ffs_node_update(fn)) != 0)
		return error;
	error = ffs_dir_enter_vp(dvp, cnp->cn_nameptr, cnp->cn_namelen,
	    fn->fn_ino, fn->fn_type);
	if (error != 0) {
		ffs_setlinks(fn, fn->fn_di.di_nlink - 1U);
		(void)ffs_node_update(fn);
		return error;
	}
	return ffs_dir_touch(dp);
}

/* Take one link from fn (its ctime changes). */
int
ffs_droplink(struct ffs_node *fn)
{
	if (fn->fn_di.di_nlink > 0)
		ffs_setlinks(fn, fn->fn_di.di_nlink - 1U);
	ffs_node_touch(fn, FFS_T_CTIME);
	return ffs_node_update(fn);
}

/* vop_remove: vp is the non-directory named cnp in dvp. */
int
ffs_remove(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct ffs_node *dp = VTOF(dvp), *fn = VTOF(vp);
	int error;

	if (fn->fn_type == VDIR)
		return EISDIR;
	error = ffs_dir_remove(dp, cnp->cn_nameptr, cnp->cn_namelen);
	if (error == 0)
		error = ffs_dir_touch(dp);
	if (error == 0)
		error = ffs_droplink(fn);
	return error;
}

/*
 * vop_rmdir: vp is the empty directory named cnp in dvp.  It loses both
 * its links (entry and "."), the parent the one of vp's "..".
 */
int
ffs_rmdir(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct ffs_node *dp = VTOF(dvp), *fn = VTOF(vp);
	bool empty;
	int error;

	if (fn->fn_type != VDIR)
		return ENOTDIR;
	if (vp == dvp)
		return EINVAL;
	if ((error = ffs_dir_isempty(fn, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	if ((error = ffs_dir_remove(dp, cnp->cn_nameptr,
	    cnp->cn_namelen)) != 0)
		return error;
	if (dp->fn_di.di_nlink > 0)
		ffs_setlinks(dp, dp->fn_di.di_nlink - 1U);
	if ((error = ffs_dir_touch(dp)) != 0)
		return error;
	ffs_setlinks(fn, 0);
	ffs_node_touch(fn, FFS_T_CTIME);
	return ffs_node_update(fn);
}

/* A time from the VFS into an inode's seconds and nanoseconds. */
static void
ffs_settime(const struct ktimespec *ts, int64_t *secp, int32_t *nsecp)
{
	*secp = ts->tv_sec;
	*nsecp = (int32_t)ts->tv_nsec;
}

/* Change the size of a regular file (the allocation layer's work). */
static int
ffs_setsize(struct ffs_node *fn, int64_t size)
{
	if (fn->fn_type == VDIR)
		return EISDIR;
	if (fn->fn_type != VREG)
		return EINVAL;
	if (size < 0)
		return EINVAL;
	if ((uint64_t)size > fn->fn_mount->fm_fs.fs_maxfilesize)
		return EFBIG;
	return ffs_truncate(fn, (uint64_t)size);
}

/* vop_setattr: vp locked exclusive. */
int
ffs_setattr(struct vnode *vp, const struct vattr *vap)
{
	struct ffs_node *fn = VTOF(vp);
	struct ffs_dinode *di = &fn->fn_di;
	int error;

	if (vap->va_mask & VA_SIZE) {
		if ((error = ffs_setsize(fn, vap->va_size)) != 0)
			return error;
		ffs_node_touch(fn, FFS_T_MTIME);
	}
	if (vap->va_mask & VA_MODE)
		di->di_mode = (uint16_t)((di->di_mode & S_IFMT) |
		    (vap->va_mode & ALLPERMS));
	if (vap->va_mask & VA_UID)
		di->di_uid = vap->va_uid;
	if (vap->va_mask & VA_GID)
		di->di_gid = vap->va_gid;
	if (vap->va_mask & VA_ATIME)
		ffs_settime(&vap->va_atime, &di->di_atime, &di->di_atimensec);
	if (vap->va_mask & VA_MTIME)
		ffs_settime(&vap->va_mtime, &di->di_mtime, &di->di_mtimensec);
	if ((vap->va_mask & VA_BIRTHTIME) && fn->fn_mount->fm_fs.fs_ufs2)
		ffs_settime(&vap->va_birthtime, &di->di_birthtime,
		    &di->di_birthnsec);
	if (vap->va_mask & VA_CTIME)
		ffs_settime(&vap->va_ctime, &di->di_ctime, &di->di_ctimensec);
	else
		ffs_node_touch(fn, FFS_T_CTIME);
	return ffs_node_update(fn);
}

/* An unlinked inode's last vnode went: free its blocks and itself. */
static int
ffs_node_release(struct ffs_node *fn)
{
	struct ffs_mount *fm = fn->fn_mount;
	uint16_t mode = fn->fn_di.di_mode;
	int error;

	error = ffs_ea_release(fn);
	if (error == 0 && (fn->fn_type == VREG || fn->fn_type == VDIR ||
	    (fn->fn_type == VLNK && !ffs_fastlink(fn))))
		error = ffs_truncate(fn, 0);
	else if (error == 0) {
		ffs_di_ptrs_clear(fm, &fn->fn_di);
		ffs_node_setsize(fn, 0);
	}
	if (error != 0) {
		printf("ffs: inode %u: not freed (error %d)\n", fn->fn_ino,
		    error);
		return error;
	}
	fn->fn_di.di_mode = 0;
	ffs_node_touch(fn, FFS_T_CTIME);
	if ((error = ffs_node_update(fn)) != 0)
		return error;
	return ffs_inode_free(fm, fn->fn_ino, mode);
}

/* Unlinked: reclaim at once, which frees the inode. */
int
ffs_inactive(struct vnode *vp, bool *recycle)
{
	struct ffs_node *fn = VTOF(vp);

	*recycle = ffs_writable(fn) && fn->fn_di.di_nlink == 0;
	return 0;
}

int
ffs_reclaim(struct vnode *vp)
{
	struct ffs_node *fn = VTOF(vp);
	int error;

	if (ffs_writable(fn) && fn->fn_di.di_nlink == 0 &&
	    fn->fn_di.di_mode != 0 && (error = ffs_node_release(fn)) != 0)
		ffs_lost_error(fn->fn_mount, error);
	ffs_node_free(fn);
	vp->v_data = NULL;
	return 0;
}
