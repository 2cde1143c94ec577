/*
 * ext2_wnops.c: the vnode operations that change an ext2/3/4 file
 * system: write, setattr, create and mknod, mkdir, symlink, link,
 * fsync, and freeing an unlinked inode when its vnode goes
 * (ext2_node_release); remove, rmdir and rename are in ext2_wrename.c.
 *
 * Invariants kept here:
 *	- Bytes of a file's last block past its size are zero on disk:
 *	  new blocks are zeroed where not written (BMAP_NEW), and a
 *	  shrinking truncate zeroes the tail of the new last block.  So a
 *	  file grows by setting its size: the new range is a hole.
 *	- A file whose link count reaches 0 keeps its inode and blocks
 *	  until its vnode is reclaimed (it may still be open): inactive
 *	  asks for the recycle, reclaim frees.  Meanwhile it is on the
 *	  on-disk orphan list (ext2_orphan.c), which the next read-write
 *	  mount or e2fsck empties after a crash.
 *	- A new inode is written with its link count set before its entry
 *	  is added; if the entry cannot be added, its count goes back to 0
 *	  and the release path frees it.
 * Inline-data files and directories get a block before their first
 * change (ext2_uninline.c); inline symlinks never change.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/fcntl.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_ZEROCHUNK		65536
#define EXT2_I_DTIME_OFF	0x14
#define EXT2_I_ACL_LO		0x68
#define EXT2_I_ACL_HI		0x76

bool
ext2_dir_nlink(const struct ext2_mount *em)
{
	return (em->em_sb.s_feature_ro_compat &
	    EXT4_FEATURE_RO_COMPAT_DIR_NLINK) != 0;
}

/* Write zeros over [off, end) of vp's mapped storage (no allocation). */
static int
ext2_zero_range(struct vnode *vp, int64_t off, int64_t end)
{
	struct kiovec iov;
	struct uio uio;
	void *z;
	int error;

	if (end <= off)
		return 0;
	if ((z = kmem_zalloc((size_t)(end - off))) == NULL)
		return ENOMEM;
	uio_setup(&uio, &iov, z, (size_t)(end - off), off, UIO_WRITE);
	error = genfs_write_bmap(vp, &uio);
	kmem_free(z, (size_t)(end - off));
	return error;
}

/* Change the size of a regular file. */
static int
ext2_setsize(struct vnode *vp, int64_t size)
{
	struct ext2_node *en = VTOE(vp);
	struct ext2_mount *em = en->en_mount;
	int64_t bend;
	struct ext2_blkmap map;
	int error;

	if (en->en_type == VDIR)
		return EISDIR;
	if (en->en_type != VREG)
		return EINVAL;
	if (en->en_inline != NULL && (error = ext2_uninline(en)) != 0)
		return error;
	if (size < 0)
		return EINVAL;
	if (size > ext2_maxfilesize(em, (en->en_di.di_flags &
	    EXT4_EXTENTS_FL) != 0))
		return EFBIG;
	if (size < en->en_size) {
		bend = (int64_t)roundup((uint64_t)size, em->em_bsize);
		if (bend != size) {
			error = ext2_bmap_blocks(en, (uint64_t)size >>
			    em->em_bshift, &map);
			if (error == 0 && map.bm_flags == 0)
				error = ext2_zero_range(vp, size, bend);
			if (error != 0)
				return error;
		}
		if ((error = ext2_btrunc(en, (uint64_t)bend >>
		    em->em_bshift)) != 0)
			return error;
	}
	ext2_node_setsize(en, size);
	return 0;
}

/* vop_write: vp locked exclusive. */
int
ext2_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ext2_node *en = VTOE(vp);
	struct ext2_mount *em = en->en_mount;
	int64_t max;
	int error, error2;

	if (en->en_type == VDIR)
		return EISDIR;
	if (en->en_type != VREG)
		return EINVAL;
	if (en->en_inline != NULL && (error = ext2_uninline(en)) != 0)
		return error;
	if (ioflag & IO_APPEND)
		uio->uio_offset = en->en_size;
	if (uio->uio_resid == 0)
		return 0;
	max = ext2_maxfilesize(em, (en->en_di.di_flags & EXT4_EXTENTS_FL) != 0);
	if (uio->uio_offset < 0 || uio->uio_offset >= max ||
	    uio->uio_resid > (uint64_t)(max - uio->uio_offset))
		return EFBIG;
	error = genfs_write_bmap(vp, uio);
	if (uio->uio_offset > en->en_size)
		ext2_node_setsize(en, uio->uio_offset);
	ext2_node_touch(en, true, true);
	error2 = ext2_node_write(en);
	if (error == 0 && error2 == 0 && (ioflag & IO_SYNC))
		error2 = ext2_rw_sync(em);
	return error != 0 ? error : error2;
}

/* vop_setattr: vp locked exclusive. */
int
ext2_setattr(struct vnode *vp, const struct vattr *vap)
{
	struct ext2_node *en = VTOE(vp);
	uint8_t *raw = en->en_raw;
	struct ktimespec now;
	int error;

	if ((vap->va_mask & VA_SIZE) &&
	    (error = ext2_setsize(vp, vap->va_size)) != 0)
		return error;
	if (vap->va_mask & VA_SIZE)
		ext2_node_touch(en, true, false);
	if (vap->va_mask & VA_MODE)
		le16enc(raw + 0x00, (uint16_t)((en->en_di.di_mode & S_IFMT) |
		    (vap->va_mode & ALLPERMS)));
	if (vap->va_mask & VA_UID) {
		le16enc(raw + 0x02, (uint16_t)vap->va_uid);
		le16enc(raw + 0x78, (uint16_t)(vap->va_uid >> 16));
	}
	if (vap->va_mask & VA_GID) {
		le16enc(raw + 0x18, (uint16_t)vap->va_gid);
		le16enc(raw + 0x7A, (uint16_t)(vap->va_gid >> 16));
	}
	if (vap->va_mask & VA_ATIME)
		ext2_node_settime(en, EXT2_I_ATIME, &vap->va_atime);
	if (vap->va_mask & VA_MTIME)
		ext2_node_settime(en, EXT2_I_MTIME, &vap->va_mtime);
	if (vap->va_mask & VA_BIRTHTIME)
		ext2_node_settime(en, EXT2_I_CRTIME, &vap->va_birthtime);
	if (vap->va_mask & VA_CTIME)
		ext2_node_settime(en, EXT2_I_CTIME, &vap->va_ctime);
	else {
		getnanotime(&now);
		ext2_node_settime(en, EXT2_I_CTIME, &now);
	}
	return ext2_node_write(en);
}

/* The directory dp changed: its times, then write it. */
int
ext2_dir_touch(struct ext2_node *dp)
{
	ext2_node_touch(dp, true, true);
	return ext2_node_write(dp);
}

/* Device numbers in i_block: the old 8:8 form when it fits. */
static void
ext2_rdev_encode(uint8_t *raw, uint64_t rdev)
{
	uint32_t ma = major(rdev), mi = minor(rdev);
	uint8_t *ib = raw + EXT2_I_BLOCK_OFF;

	if (ma < 256 && mi < 256)
		le32enc(ib, (ma << 8) | mi);
	else
		le32enc(ib + 4, (mi & 0xFF) | ((ma & 0xFFF) << 8) |
		    ((mi & ~0xFFU) << 12));
}

/*
 * Make a new inode of mode for an entry in dp: allocated, initialised
 * (links 1, or 2 for a directory), written, and loaded as *vpp.  The
 * caller adds the entry or, failing, calls ext2_abandon.
 */
static int
ext2_newnode(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, uint16_t mode, bool extents, uint64_t rdev,
    struct vnode **vpp)
{
	struct ext2_node *dp = VTOE(dvp), tmp;
	struct ext2_mount *em = dp->en_mount;
	bool isdir = (mode & S_IFMT) == S_IFDIR;
	uint32_t ino, probe;
	uint8_t *raw;
	int error;

	if (dp->en_di.di_links == 0)
		return ENOENT;
	if (dp->en_inline != NULL && (error = ext2_uninline(dp)) != 0)
		return error;
	error = ext2_dir_lookup(dp, cnp->cn_nameptr, cnp->cn_namelen, &probe);
	if (error == 0)
		return EEXIST;
	if (error != ENOENT)
		return error;
	if ((error = ext2_alloc_inode(em, dp->en_ino, isdir, &ino)) != 0)
		return error;
	if ((raw = kmem_alloc(em->em_isize)) == NULL) {
		(void)ext2_free_inode(em, ino, isdir);
		return ENOMEM;
	}
	ext2_node_init(em, ino, mode, vap->va_uid, vap->va_gid, extents, raw);
	le16enc(raw + 0x1A, isdir ? 2 : 1);
	if ((mode & S_IFMT) == S_IFCHR || (mode & S_IFMT) == S_IFBLK)
		ext2_rdev_encode(raw, rdev);
	memset(&tmp, 0, sizeof(tmp));
	tmp.en_mount = em;
	tmp.en_ino = ino;
	tmp.en_raw = raw;
	if (em->em_metacsum)
		tmp.en_csum_seed = ext2_inode_csum_seed(em, ino,
		    le32dec(raw + 0x64));
	error = ext2_node_write(&tmp);
	kmem_free(raw, em->em_isize);
	if (error == 0)
		error = vcache_get(dvp->v_mount, ino, vpp);
	if (error != 0)
		(void)ext2_free_inode(em, ino, isdir);
	return error;
}

/* A new node that got no entry: let the release path free it. */
static void
ext2_abandon(struct vnode *vp)
{
	struct ext2_node *en = VTOE(vp);

	ext2_node_setlinks(en, 0);
	(void)ext2_node_write(en);
	vrecycle_later(vp);
	vrele(vp);
}

/* Add the entry for the new node vp, or abandon it. */
static int
ext2_newnode_link(struct vnode *dvp, struct componentname *cnp,
    struct vnode *vp)
{
	struct ext2_node *dp = VTOE(dvp);
	int error;

	error = ext2_dir_add(dp, cnp->cn_nameptr, cnp->cn_namelen,
	    VTOE(vp)->en_ino, VTOE(vp)->en_type);
	if (error == 0)
		error = ext2_dir_touch(dp);
	if (error != 0)
		ext2_abandon(vp);
	return error;
}

/* vop_create: regular files, device nodes, fifos, sockets. */
int
ext2_create(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	uint32_t mode = vtype_to_mode(vap->va_type);
	int error;

	if (vap->va_type != VREG && vap->va_type != VCHR &&
	    vap->va_type != VBLK && vap->va_type != VFIFO &&
	    vap->va_type != VSOCK)
		return EINVAL;
	error = ext2_newnode(dvp, cnp, vap, (uint16_t)(mode |
	    (vap->va_mode & ALLPERMS)), vap->va_type == VREG, vap->va_rdev,
	    vpp);
	if (error != 0)
		return error;
	if ((error = ext2_newnode_link(dvp, cnp, *vpp)) != 0)
		*vpp = NULL;
	return error;
}

/* vop_mkdir */
int
ext2_mkdir(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	struct ext2_node *dp = VTOE(dvp);
	uint16_t links = dp->en_di.di_links;
	struct vnode *vp;
	int error;

	if (links >= EXT2_LINK_MAX && !ext2_dir_nlink(dp->en_mount))
		return EMLINK;
	error = ext2_newnode(dvp, cnp, vap, (uint16_t)(S_IFDIR |
	    (vap->va_mode & ALLPERMS)), true, 0, &vp);
	if (error != 0)
		return error;
	if ((error = ext2_dir_init(VTOE(vp), dp->en_ino)) != 0) {
		ext2_abandon(vp);
		return error;
	}
	if ((error = ext2_newnode_link(dvp, cnp, vp)) != 0)
		return error;
	/* dir_nlink: past the limit a directory counts 1 link. */
	if (links != 1)
		ext2_node_setlinks(dp, links + 1 >= EXT2_LINK_MAX ? 1 :
		    links + 1);
	if ((error = ext2_node_write(dp)) != 0) {
		vrele(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

/* vop_symlink: fast (in i_block) below 60 bytes, else one block. */
int
ext2_symlink(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, const char *target, struct vnode **vpp)
{
	struct ext2_mount *em = VTOE(dvp)->en_mount;
	size_t len = strlen(target);
	struct ext2_blkmap map;
	struct ext2_node *en;
	uint8_t iblk[EXT2_I_BLOCK_SIZE];
	struct vnode *vp;
	struct buf *bp;
	int error;

	if (len == 0)
		return ENOENT;
	if (len >= em->em_bsize || len > EXT2_MAXSYMLINK)
		return ENAMETOOLONG;
	error = ext2_newnode(dvp, cnp, vap, (uint16_t)(S_IFLNK |
	    (vap->va_mode & ALLPERMS)), len >= EXT2_I_BLOCK_SIZE, 0, &vp);
	if (error != 0)
		return error;
	en = VTOE(vp);
	if (len < EXT2_I_BLOCK_SIZE) {
		memset(iblk, 0, sizeof(iblk));
		memcpy(iblk, target, len);
		ext2_node_set_iblock(en, iblk);
	} else {
		error = ext2_balloc(en, 0, 1, &map);
		if (error == 0)
			error = getblk(em->em_dev, map.bm_pblk << em->em_bshift,
			    em->em_bsize, &bp);
		if (error != 0) {
			ext2_abandon(vp);
			return error;
		}
		memset(bp->b_data, 0, em->em_bsize);
		memcpy(bp->b_data, target, len);
		bdwrite(bp);
	}
	ext2_node_setsize(en, (int64_t)len);
	if ((error = ext2_node_write(en)) != 0) {
		ext2_abandon(vp);
		return error;
	}
	if ((error = ext2_newnode_link(dvp, cnp, vp)) != 0)
		return error;
	*vpp = vp;
	return 0;
}

/* vop_link: dvp and vp locked exclusive. */
int
ext2_link(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct ext2_node *dp = VTOE(dvp), *en = VTOE(vp);
	uint32_t probe;
	int error;

	if (en->en_type == VDIR)
		return EPERM;
	if (dp->en_di.di_links == 0 || en->en_di.di_links == 0)
		return ENOENT;
	if (en->en_di.di_links >= EXT2_LINK_MAX)
		return EMLINK;
	error = ext2_dir_lookup(dp, cnp->cn_nameptr, cnp->cn_namelen, &probe);
	if (error == 0)
		return EEXIST;
	if (error != ENOENT)
		return error;
	if ((error = ext2_dir_add(dp, cnp->cn_nameptr, cnp->cn_namelen,
	    en->en_ino, en->en_type)) != 0)
		return error;
	ext2_node_setlinks(en, en->en_di.di_links + 1);
	ext2_node_touch(en, false, true);
	if ((error = ext2_node_write(en)) != 0)
		return error;
	return ext2_dir_touch(dp);
}

/* vop_fsync: the node is written already; everything to disk. */
int
ext2_fsync(struct vnode *vp, int flags)
{
	return ext2_rw_sync(VTOE(vp)->en_mount);
}

/* Drop the inode's reference on its xattr block (freed at 0). */
static int
ext2_release_xattr(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;
	uint64_t blk = en->en_di.di_file_acl;
	uint32_t refs;
	struct buf *bp;
	int error;

	if (blk == 0)
		return 0;
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	refs = le32dec((uint8_t *)bp->b_data + 4);
	if (le32dec(bp->b_data) != EXT2_XATTR_MAGIC) {
		brelse(bp);
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: bad xattr block",
		    en->en_ino);
	}
	if (refs > 1) {
		le32enc((uint8_t *)bp->b_data + 4, refs - 1);
		if (em->em_metacsum)
			ext2_xattr_block_csum_set(em, blk, bp->b_data);
		bdwrite(bp);
	} else {
		brelse(bp);
		if ((error = ext2_free_blocks(em, blk, 1, true)) != 0)
			return error;
		ext2_node_addblocks(en, -1);
	}
	le32enc(en->en_raw + EXT2_I_ACL_LO, 0);
	le16enc(en->en_raw + EXT2_I_ACL_HI, 0);
	return 0;
}

/* Does the inode own data blocks (not inline, a device or fast link)? */
static bool
ext2_has_blocks(const struct ext2_node *en)
{
	uint64_t ea = en->en_di.di_file_acl != 0 ?
	    en->en_mount->em_bsize >> 9 : 0;

	if (en->en_di.di_flags & EXT4_INLINE_DATA_FL)
		return false;
	if (en->en_type == VREG || en->en_type == VDIR)
		return true;
	if (en->en_type == VLNK)
		return (en->en_di.di_flags & EXT4_EXTENTS_FL) ||
		    en->en_di.di_blocks != ea;
	return false;
}

/* An unlinked inode's last vnode went: free its blocks and itself. */
static int
ext2_node_release(struct ext2_node *en)
{
	struct ktimespec now;
	int error = 0;

	if (ext2_has_blocks(en))
		error = ext2_btrunc(en, 0);
	if (error == 0)
		error = ext2_release_xattr(en);
	if (error == 0)
		error = ext2_orphan_remove(en);
	if (error != 0) {
		printf("ext2fs: inode %u: not freed (error %d); run e2fsck\n",
		    en->en_ino, error);
		return error;
	}
	getnanotime(&now);
	le32enc(en->en_raw + EXT2_I_DTIME_OFF, (uint32_t)now.tv_sec);
	if (en->en_type == VREG || en->en_type == VDIR)
		ext2_node_setsize(en, 0);
	if ((error = ext2_node_write(en)) != 0)
		return error;
	return ext2_free_inode(en->en_mount, en->en_ino, en->en_type == VDIR);
}

/* Unlinked: reclaim at once, which frees the inode. */
int
ext2_inactive(struct vnode *vp, bool *recycle)
{
	struct ext2_node *en = VTOE(vp);

	*recycle = en->en_mount->em_writable && en->en_di.di_links == 0;
	return 0;
}

int
ext2_reclaim(struct vnode *vp)
{
	struct ext2_node *en = VTOE(vp);
	int error;

	if (en->en_mount->em_writable && en->en_di.di_links == 0 &&
	    (error = ext2_node_release(en)) != 0)
		ext2_lost_error(en->en_mount, error);
	ext2_node_free(en);
	vp->v_data = NULL;
	return 0;
}

/* The allocating half of vop_bmap (vp locked exclusive). */
int
ext2_bmap_alloc(struct vnode *vp, int64_t off, int64_t len, struct bmap *bm)
{
	struct ext2_node *en = VTOE(vp);
	struct ext2_mount *em = en->en_mount;
	uint64_t lblk = (uint64_t)off >> em->em_bshift, want;
	struct ext2_blkmap map;
	int error;

	if (!em->em_writable)
		return EROFS;
	want = howmany((uint64_t)off + (uint64_t)MAX(len, 1),
	    (uint64_t)em->em_bsize) - lblk;
	if ((error = ext2_balloc(en, lblk, want, &map)) != 0)
		return error;
	if (map.bm_flags == 0)
		map.bm_count = MIN(map.bm_count, want);
	bm->bm_off = (int64_t)(map.bm_lblk << em->em_bshift);
	bm->bm_len = (int64_t)(map.bm_count << em->em_bshift);
	bm->bm_physoff = map.bm_pblk << em->em_bshift;
	bm->bm_dev = em->em_dev;
	bm->bm_flags = map.bm_flags;
	return 0;
}
