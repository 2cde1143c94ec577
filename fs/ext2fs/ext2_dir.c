/*
 * ext2_dir.c: directories, read side: linear lookup and readdir over
 * directory blocks or inline data; hashed lookup is in ext2_htree.c,
 * the in-memory name index of large linear directories in
 * ext2_dcache.c.
 *
 * A directory block is a chain of records (inode, rec_len, name_len,
 * file_type, name) that covers the block exactly.  Each record is
 * checked before use: rec_len at least 12, a multiple of 4, within the
 * block and long enough for the name; the inode number in range.  A
 * record with inode 0 is unused (free space, the metadata_csum tail, an
 * htree node's empty entry).
 *
 * Readdir cookies are byte offsets in the directory of the next record.
 * Inline directories have no "." or ".." records (the parent's number is
 * the first 4 bytes of i_block): cookies 0 and 1 are "." and "..", and
 * 2 + offset past those 4 bytes for the records.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_INLINE_PARENT	4	/* parent inode before the records */
#define EXT2_INLINE_COOKIE0	2	/* cookie of the first record */

/* The VFS type of a dirent file_type (VNON if unknown). */
static enum vtype
ext2_ft_to_vtype(uint8_t ft)
{
	static const enum vtype map[] = {
		[EXT2_FT_UNKNOWN] = VNON, [EXT2_FT_REG_FILE] = VREG,
		[EXT2_FT_DIR] = VDIR, [EXT2_FT_CHRDEV] = VCHR,
		[EXT2_FT_BLKDEV] = VBLK, [EXT2_FT_FIFO] = VFIFO,
		[EXT2_FT_SOCK] = VSOCK, [EXT2_FT_SYMLINK] = VLNK,
	};

	return ft < __arraycount(map) ? map[ft] : VNON;
}

/*
 * Decode and check the record at off of a region of len bytes.
 */
static int
ext2_dirent_get(struct ext2_node *dp, const uint8_t *recs, uint32_t len,
    uint32_t off, struct ext2_dirent *de)
{
	struct ext2_mount *em = dp->en_mount;

	if (len - off < EXT2_DIRENT_HDR)
		goto corrupt;
	ext2_dirent_decode(recs + off, em->em_filetype, de);
	if (de->d_reclen < EXT2_DIRENT_MIN || (de->d_reclen & 3) != 0 ||
	    de->d_reclen > len - off ||
	    EXT2_DIRENT_HDR + (uint32_t)de->d_namelen > de->d_reclen)
		goto corrupt;
	if (de->d_ino != 0 && (de->d_namelen == 0 ||
	    de->d_namelen > NAME_MAX || !ext2_ino_valid(em, de->d_ino)))
		goto corrupt;
	return 0;

corrupt:
	return FS_CORRUPT(EXT2_FSNAME,
	    "directory %u: bad entry at offset %u", dp->en_ino, off);
}

/*
 * Find name in a region of records (a block, or a part of inline data).
 * ENOENT if absent.
 */
int
ext2_dir_scan(struct ext2_node *dp, const uint8_t *recs, uint32_t len,
    const char *name, size_t namelen, uint32_t *inop)
{
	struct ext2_dirent de;
	uint32_t off;
	int error;

	for (off = 0; off < len; off += de.d_reclen) {
		if ((error = ext2_dirent_get(dp, recs, len, off, &de)) != 0)
			return error;
		if (de.d_ino != 0 && de.d_namelen == namelen &&
		    memcmp(recs + off + EXT2_DIRENT_HDR, name, namelen) == 0) {
			*inop = de.d_ino;
			return 0;
		}
	}
	return ENOENT;
}

/*
 * Does the record at off of directory block blk hold name?  Its inode
 * in *inop if so, ENOENT if not (or unused).
 */
int
ext2_dir_match(struct ext2_node *dp, const uint8_t *blk, uint32_t off,
    const char *name, size_t namelen, uint32_t *inop)
{
	struct ext2_dirent de;
	int error;

	if (off >= dp->en_mount->em_bsize)
		return ENOENT;
	error = ext2_dirent_get(dp, blk, dp->en_mount->em_bsize, off, &de);
	if (error != 0)
		return error;
	if (de.d_ino == 0 || de.d_namelen != namelen ||
	    memcmp(blk + off + EXT2_DIRENT_HDR, name, namelen) != 0)
		return ENOENT;
	*inop = de.d_ino;
	return 0;
}

/*
 * Is the block without a dirent tail an htree index block whose dx
 * checksum matches?  (Root: block 0; node: one empty record.)
 */
static int
ext2_dir_check_dx(struct ext2_node *dp, uint64_t lblk, const uint8_t *blk)
{
	uint32_t bsize = dp->en_mount->em_bsize, cloff;
	struct ext2_dx_countlimit cl;

	if (!(dp->en_di.di_flags & EXT2_INDEX_FL))
		goto corrupt;
	if (lblk == 0)
		cloff = EXT2_DX_ROOT_INFO_OFF + blk[EXT2_DX_ROOT_INFO_OFF + 5];
	else if (le32dec(blk) == 0 &&
	    ext2_reclen_decode(le16dec(blk + 4)) == bsize)
		cloff = EXT2_DX_NODE_LIMIT_OFF;
	else
		goto corrupt;
	if (cloff + 4 > bsize)
		goto corrupt;
	ext2_dx_countlimit_decode(blk + cloff, &cl);
	if (cl.cl_count > cl.cl_limit || cloff + (uint32_t)cl.cl_limit *
	    EXT2_DX_ENTRY_SIZE + EXT2_DX_TAIL_SIZE > bsize)
		goto corrupt;
	if (!ext2_dx_csum_ok(dp, blk, cloff))
		return FS_CORRUPT(EXT2_FSNAME,
		    "directory %u: htree block %llu checksum mismatch",
		    dp->en_ino, (unsigned long long)lblk);
	return 0;

corrupt:
	return FS_CORRUPT(EXT2_FSNAME,
	    "directory %u: block %llu has no checksum", dp->en_ino,
	    (unsigned long long)lblk);
}

/*
 * Read logical block lblk of directory dp, checked against its checksum
 * (metadata_csum).  *bpp is NULL for a hole (Linux skips those too).
 */
int
ext2_dir_read_block(struct ext2_node *dp, uint64_t lblk, struct buf **bpp)
{
	struct ext2_blkmap map;
	struct buf *bp;
	bool hastail;
	int error;

	*bpp = NULL;
	if ((error = ext2_bmap_blocks(dp, lblk, &map)) != 0)
		return error;
	if (map.bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN))
		return 0;
	if ((error = ext2_bread(dp->en_mount, map.bm_pblk, &bp)) != 0)
		return error;
	/* Checked once per read from the device; our writes keep it. */
	if (dp->en_mount->em_metacsum &&
	    !(bp->b_fsflags & EXT2_BF_DIRCHECKED)) {
		error = ext2_dirblock_csum_check(dp, bp->b_data, &hastail);
		if (error == 0 && !hastail)
			error = ext2_dir_check_dx(dp, lblk, bp->b_data);
		if (error != 0) {
			brelse(bp);
			return error;
		}
		bp->b_fsflags |= EXT2_BF_DIRCHECKED;
	}
	*bpp = bp;
	return 0;
}

/*
 * The first block at or after *lblkp and before last that is not a
 * hole, read and checked into *bpp (NULL if there is none); *lblkp is
 * moved to it.  A hostile size full of holes costs one block map lookup
 * per hole, not one per block.
 */
int
ext2_dir_read_next(struct ext2_node *dp, uint64_t *lblkp, uint64_t last,
    struct buf **bpp)
{
	struct ext2_blkmap map;
	int error;

	*bpp = NULL;
	while (*lblkp < last) {
		if ((error = ext2_bmap_blocks(dp, *lblkp, &map)) != 0)
			return error;
		if (!(map.bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN)))
			return ext2_dir_read_block(dp, *lblkp, bpp);
		*lblkp += MIN(map.bm_count, last - *lblkp);
	}
	return 0;
}

/* Lookup in an inline directory. */
static int
ext2_dir_lookup_inline(struct ext2_node *dp, const char *name,
    size_t namelen, uint32_t *inop)
{
	uint32_t len = dp->en_inlinelen, split = EXT2_I_BLOCK_SIZE;
	int error;

	if (namelen == 2 && name[0] == '.' && name[1] == '.') {
		*inop = le32dec(dp->en_inline);
		if (!ext2_ino_valid(dp->en_mount, *inop))
			return FS_CORRUPT(EXT2_FSNAME,
			    "directory %u: parent %u", dp->en_ino, *inop);
		return 0;
	}
	error = ext2_dir_scan(dp, dp->en_inline + EXT2_INLINE_PARENT,
	    split - EXT2_INLINE_PARENT, name, namelen, inop);
	if (error != ENOENT || len == split)
		return error;
	return ext2_dir_scan(dp, dp->en_inline + split, len - split, name,
	    namelen, inop);
}

/* Linear lookup in blocks [first, last). */
static int
ext2_dir_lookup_linear(struct ext2_node *dp, uint64_t first, uint64_t last,
    const char *name, size_t namelen, uint32_t *inop)
{
	struct buf *bp;
	uint64_t lblk;
	int error;

	for (lblk = first; lblk < last; lblk++) {
		if ((error = ext2_dir_read_next(dp, &lblk, last, &bp)) != 0)
			return error;
		if (bp == NULL)
			break;
		error = ext2_dir_scan(dp, bp->b_data, dp->en_mount->em_bsize,
		    name, namelen, inop);
		brelse(bp);
		if (error != ENOENT)
			return error;
	}
	return ENOENT;
}

/*
 * Look name up in directory dp: its inode number in *inop, ENOENT if
 * absent.  "." is answered here; ".." and the rest from the records.
 */
int
ext2_dir_lookup(struct ext2_node *dp, const char *name, size_t namelen,
    uint32_t *inop)
{
	uint64_t nblocks = (uint64_t)dp->en_size >> dp->en_mount->em_bshift;
	bool dots = name[0] == '.' && (namelen == 1 ||
	    (namelen == 2 && name[1] == '.'));
	uint64_t lblk;
	int error;

	if (namelen == 1 && name[0] == '.') {
		*inop = dp->en_ino;
		return 0;
	}
	if (dp->en_inline != NULL)
		return ext2_dir_lookup_inline(dp, name, namelen, inop);
	if ((dp->en_di.di_flags & EXT2_INDEX_FL) && nblocks > 1 &&
	    (dp->en_mount->em_sb.s_feature_compat &
	    EXT2_FEATURE_COMPAT_DIR_INDEX)) {
		/* ".." is in block 0, next to the htree root. */
		if (dots)
			return ext2_dir_lookup_linear(dp, 0, 1, name, namelen,
			    inop);
		error = ext2_htree_lookup(dp, name, namelen, inop, NULL);
		if (error != EOPNOTSUPP)
			return error;
	}
	/* Linear: through the name index if the directory has one. */
	error = ext2_dcache_lookup(dp, name, namelen, inop, &lblk);
	if (error != EAGAIN)
		return error;
	return ext2_dir_lookup_linear(dp, 0, nblocks, name, namelen, inop);
}

/*
 * Emit the records of a region at directory offset base (cookie = base +
 * offset) from cookie *cookiep on; *fullp when the uio is full.
 */
static int
ext2_dir_emit(struct ext2_node *dp, const uint8_t *recs, uint32_t len,
    int64_t base, struct uio *uio, bool *fullp)
{
	struct ext2_dirent de;
	uint32_t off;
	int error;

	for (off = 0; off < len; off += de.d_reclen) {
		if ((error = ext2_dirent_get(dp, recs, len, off, &de)) != 0)
			return error;
		if (de.d_ino == 0 || base + off < uio->uio_offset)
			continue;
		if (vfs_dirent_emit(uio, de.d_ino, ext2_ft_to_vtype(de.d_type),
		    (const char *)recs + off + EXT2_DIRENT_HDR, de.d_namelen,
		    base + off + de.d_reclen) != 0) {
			*fullp = true;
			return 0;
		}
	}
	/* Skipped trailing unused records still move the cookie on. */
	if (uio->uio_offset < base + len)
		uio->uio_offset = base + len;
	return 0;
}

/* Readdir of an inline directory (see the cookies above). */
static int
ext2_dir_readdir_inline(struct ext2_node *dp, struct uio *uio, int *eofp)
{
	uint32_t split = EXT2_I_BLOCK_SIZE - EXT2_INLINE_PARENT;
	bool full = false;
	int error;

	if (uio->uio_offset == 0) {
		if (vfs_dirent_emit(uio, dp->en_ino, VDIR, ".", 1, 1) != 0)
			return 0;
	}
	if (uio->uio_offset == 1) {
		if (vfs_dirent_emit(uio, le32dec(dp->en_inline), VDIR, "..", 2,
		    EXT2_INLINE_COOKIE0) != 0)
			return 0;
	}
	error = ext2_dir_emit(dp, dp->en_inline + EXT2_INLINE_PARENT, split,
	    EXT2_INLINE_COOKIE0, uio, &full);
	if (error != 0 || full)
		return error;
	error = ext2_dir_emit(dp, dp->en_inline + EXT2_I_BLOCK_SIZE,
	    dp->en_inlinelen - EXT2_I_BLOCK_SIZE, EXT2_INLINE_COOKIE0 + split,
	    uio, &full);
	if (error == 0 && !full)
		*eofp = 1;
	return error;
}

/*
 * Readdir: emit records from cookie uio_offset (a byte offset in the
 * directory) on, block by block.
 */
int
ext2_dir_readdir(struct ext2_node *dp, struct uio *uio, int *eofp)
{
	struct ext2_mount *em = dp->en_mount;
	uint64_t nblocks = (uint64_t)dp->en_size >> em->em_bshift, lblk;
	struct buf *bp;
	bool full = false;
	int error = 0;

	*eofp = 0;
	if (dp->en_inline != NULL)
		return ext2_dir_readdir_inline(dp, uio, eofp);
	if (uio->uio_offset < 0)
		return EINVAL;
	for (lblk = (uint64_t)uio->uio_offset >> em->em_bshift;
	    lblk < nblocks && !full; lblk++) {
		if ((error = ext2_dir_read_next(dp, &lblk, nblocks, &bp)) != 0)
			return error;
		if (bp == NULL) {
			uio->uio_offset = (int64_t)nblocks << em->em_bshift;
			break;
		}
		error = ext2_dir_emit(dp, bp->b_data, em->em_bsize,
		    (int64_t)lblk << em->em_bshift, uio, &full);
		brelse(bp);
		if (error != 0)
			return error;
	}
	if (!full)
		*eofp = 1;
	return 0;
}
