/*
 * ext2_vnops.c: the vnode operations of the read half: lookup,
 * attributes, file data through the block map, directories, symlinks,
 * extended attributes; the table also names the write half's operations
 * (ext2_wnops.c).
 *
 * Nodes change only under the exclusive vnode lock, so every operation
 * here is safe under a shared one.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/fcntl.h>
#include "fs/ext2fs/ext2fs.h"

static int
ext2_lookup(struct vnode *dvp, struct componentname *cnp, struct vnode **vpp)
{
	uint32_t ino;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	error = ext2_dir_lookup(VTOE(dvp), cnp->cn_nameptr, cnp->cn_namelen,
	    &ino);
	if (error != 0)
		return error;
	return vcache_get(dvp->v_mount, ino, vpp);
}

/* The device number of a device node: old (16-bit) or new encoding. */
static uint64_t
ext2_rdev(const struct ext2_dinode *di)
{
	uint32_t b0 = le32dec(di->di_block), b1 = le32dec(di->di_block + 4);

	if (b0 != 0)
		return makedev((b0 >> 8) & 0xFF, b0 & 0xFF);
	return makedev((b1 & 0xFFF00) >> 8, (b1 & 0xFF) | ((b1 >> 12) &
	    0xFFF00));
}

static int
ext2_getattr(struct vnode *vp, struct vattr *vap)
{
	struct ext2_node *en = VTOE(vp);
	struct ext2_mount *em = en->en_mount;
	const struct ext2_dinode *di = &en->en_di;

	memset(vap, 0, sizeof(*vap));
	vap->va_type = en->en_type;
	vap->va_mode = di->di_mode & ALLPERMS;
	/* dir_nlink: a directory with too many subdirectories counts 1. */
	vap->va_nlink = di->di_links;
	vap->va_uid = di->di_uid;
	vap->va_gid = di->di_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = en->en_ino;
	vap->va_size = en->en_size;
	vap->va_bytes = (di->di_flags & EXT4_HUGE_FILE_FL) &&
	    (em->em_sb.s_feature_ro_compat & EXT4_FEATURE_RO_COMPAT_HUGE_FILE) ?
	    di->di_blocks << em->em_bshift : di->di_blocks << 9;
	vap->va_blksize = em->em_bsize;
	if (en->en_type == VCHR || en->en_type == VBLK)
		vap->va_rdev = ext2_rdev(di);
	vap->va_gen = di->di_generation;
	ext2_dtime_to_ts(&di->di_atime, &vap->va_atime);
	ext2_dtime_to_ts(&di->di_mtime, &vap->va_mtime);
	ext2_dtime_to_ts(&di->di_ctime, &vap->va_ctime);
	if (di->di_crtime.t_hasextra)
		ext2_dtime_to_ts(&di->di_crtime, &vap->va_birthtime);
	return 0;
}

/* Inline data, then zeros up to the size (see ext2_xattr_inline_data). */
static int
ext2_read_inline(struct ext2_node *en, struct uio *uio)
{
	size_t n;
	int error;

	if (uio->uio_offset >= en->en_size)
		return 0;
	n = (size_t)MIN((int64_t)uio->uio_resid,
	    en->en_size - uio->uio_offset);
	if (uio->uio_offset < en->en_inlinelen) {
		size_t m = MIN(n, en->en_inlinelen - (size_t)uio->uio_offset);

		if ((error = uiomove(en->en_inline + uio->uio_offset, m,
		    uio)) != 0)
			return error;
		n -= m;
	}
	return n != 0 ? uiomove_zero(n, uio) : 0;
}

static int
ext2_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ext2_node *en = VTOE(vp);

	if (en->en_type == VDIR)
		return EISDIR;
	if (en->en_type != VREG)
		return EOPNOTSUPP;
	if (en->en_inline != NULL)
		return ext2_read_inline(en, uio);
	if (en->en_mount->em_jovl != NULL)
		return ext2_jovl_read(en, uio);
	return genfs_read_bmap(vp, uio, en->en_size);
}

static int
ext2_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	if (vp->v_type != VDIR)
		return ENOTDIR;
	return ext2_dir_readdir(VTOE(vp), uio, eofp);
}

/*
 * Fast symlinks keep the target in i_block; inline ones in the inline
 * data; slow ones in their first block.
 */
static int
ext2_readlink(struct vnode *vp, struct uio *uio)
{
	struct ext2_node *en = VTOE(vp);
	struct ext2_mount *em = en->en_mount;
	size_t len = (size_t)en->en_size;
	uint64_t eablocks;
	struct ext2_blkmap map;
	struct buf *bp;
	int error;

	if (en->en_type != VLNK)
		return EINVAL;
	if (len == 0 || len > EXT2_MAXSYMLINK || len >= em->em_bsize)
		return FS_CORRUPT(EXT2_FSNAME, "symlink %u: length %zu",
		    en->en_ino, len);
	if (en->en_inline != NULL) {
		if (len > en->en_inlinelen)
			return FS_CORRUPT(EXT2_FSNAME,
			    "symlink %u: longer than its inline data",
			    en->en_ino);
		return uiomove(en->en_inline, MIN(len, uio->uio_resid), uio);
	}
	/* As Linux: fast if no block is allocated but the xattr block. */
	eablocks = en->en_di.di_file_acl != 0 ? em->em_bsize >> 9 : 0;
	if (en->en_di.di_blocks == eablocks && len < EXT2_I_BLOCK_SIZE)
		return uiomove(en->en_di.di_block, MIN(len, uio->uio_resid),
		    uio);
	if ((error = ext2_bmap_blocks(en, 0, &map)) != 0)
		return error;
	if (map.bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN))
		return FS_CORRUPT(EXT2_FSNAME, "symlink %u: no data block",
		    en->en_ino);
	if ((error = ext2_bread(em, map.bm_pblk, &bp)) != 0)
		return error;
	error = uiomove(bp->b_data, MIN(len, uio->uio_resid), uio);
	brelse(bp);
	return error;
}

/*
 * The extent holding off, block-aligned, cut to about len bytes.  Inline
 * files have no block map (their reads do not come here).
 */
static int
ext2_bmap(struct vnode *vp, int64_t off, int64_t len, uint32_t flags,
    struct bmap *bm)
{
	struct ext2_node *en = VTOE(vp);
	struct ext2_mount *em = en->en_mount;
	uint64_t lblk = (uint64_t)off >> em->em_bshift, want, maxblk;
	struct ext2_blkmap map;
	int error;

	if (en->en_inline != NULL || en->en_type != VREG || off < 0)
		return EOPNOTSUPP;
	if (flags & BMAP_ALLOC)
		return ext2_bmap_alloc(vp, off, len, bm);
	if ((error = ext2_bmap_blocks(en, lblk, &map)) != 0)
		return error;
	want = howmany((uint64_t)off + (uint64_t)MAX(len, 1),
	    (uint64_t)em->em_bsize) - lblk;
	maxblk = ((uint64_t)INT64_MAX >> em->em_bshift) - lblk;
	map.bm_count = MIN(map.bm_count, MAX(want, 1));
	map.bm_count = MIN(map.bm_count, maxblk);
	bm->bm_off = (int64_t)(lblk << em->em_bshift);
	bm->bm_len = (int64_t)(map.bm_count << em->em_bshift);
	bm->bm_physoff = map.bm_pblk << em->em_bshift;
	bm->bm_dev = em->em_dev;
	bm->bm_flags = map.bm_flags;
	return 0;
}

static int
ext2_seek(struct vnode *vp, int64_t off, int whence, int64_t *res)
{
	struct ext2_node *en = VTOE(vp);

	if (en->en_inline == NULL)
		return genfs_seek_bmap(vp, off, whence, en->en_size, res);
	if (off >= en->en_size)
		return ENXIO;
	*res = whence == SEEK_DATA ? off : en->en_size;
	return 0;
}

static int
ext2_getxattr(struct vnode *vp, const char *name, void *buf, size_t size,
    size_t *retlen)
{
	return ext2_xattr_get(VTOE(vp), name, buf, size, retlen);
}

static int
ext2_listxattr(struct vnode *vp, char *buf, size_t size, size_t *retlen)
{
	return ext2_xattr_list(VTOE(vp), buf, size, retlen);
}

const struct vnodeops ext2_vnodeops = {
	.vop_lookup = ext2_lookup,
	.vop_getattr = ext2_getattr,
	.vop_read = ext2_read,
	.vop_readdir = ext2_readdir,
	.vop_readlink = ext2_readlink,
	.vop_bmap = ext2_bmap,
	.vop_seek = ext2_seek,
	.vop_getxattr = ext2_getxattr,
	.vop_listxattr = ext2_listxattr,
	.vop_inactive = ext2_inactive,
	/* The write half (ext2_wnops.c). */
	.vop_write = ext2_write,
	.vop_setattr = ext2_setattr,
	.vop_create = ext2_create,
	.vop_mkdir = ext2_mkdir,
	.vop_symlink = ext2_symlink,
	.vop_link = ext2_link,
	.vop_remove = ext2_remove,
	.vop_rmdir = ext2_rmdir,
	.vop_rename = ext2_rename,
	.vop_fsync = ext2_fsync,
	.vop_setxattr = ext2_setxattr,
	.vop_removexattr = ext2_removexattr,
	.vop_reclaim = ext2_reclaim,
};
