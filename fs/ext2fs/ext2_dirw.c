/*
 * ext2_dirw.c: changing directories: adding, removing and retargeting
 * entries, the first block of a new directory, the emptiness test of
 * rmdir, and turning an indexed (htree) directory back into a linear
 * one.
 *
 * An entry is added in the first record with room for it (an unused
 * record, or the slack after a used record's name), else in a new block
 * at the end.  A removed entry is merged into the record before it, or
 * marked unused if it is the first of its block.  With metadata_csum
 * every leaf block ends in the 12-byte checksum record, which is kept
 * and updated.
 *
 * Indexed directories: an entry is added through the index, splitting
 * leaves (ext2_htree_add.c).  Where the index cannot grow further (a
 * full root over full nodes, an unknown hash) it is dropped instead
 * (ext2_dir_unindex): the index blocks become empty linear blocks and
 * EXT2_INDEX_FL is cleared, which is a valid directory for Linux and
 * e2fsck.  Removing and retargeting entries keeps the index, as they
 * do not change the hashes it holds.  A linear directory whose one
 * block is full is indexed (ext2_htree_make), as Linux does.
 * Inline-data directories are not changed (EOPNOTSUPP).
 *
 * Every change of a linear directory's names tells its in-memory name
 * index (ext2_dcache.c) which block the name went into or left.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

uint16_t
ext2_reclen_encode(uint32_t len)
{
	if (len < 65536)
		return (uint16_t)len;
	if (len == 65536)
		return 65535;
	return (uint16_t)((len & 65532) | ((len >> 16) & 3));
}

static uint8_t
ext2_vtype_to_ft(enum vtype type)
{
	switch (type) {
	case VREG:	return EXT2_FT_REG_FILE;
	case VDIR:	return EXT2_FT_DIR;
	case VCHR:	return EXT2_FT_CHRDEV;
	case VBLK:	return EXT2_FT_BLKDEV;
	case VFIFO:	return EXT2_FT_FIFO;
	case VSOCK:	return EXT2_FT_SOCK;
	case VLNK:	return EXT2_FT_SYMLINK;
	default:	return EXT2_FT_UNKNOWN;
	}
}

/* Write a record header and name at rec. */
void
ext2_dirent_put(struct ext2_mount *em, uint8_t *rec, uint32_t ino,
    uint32_t reclen, const char *name, size_t namelen, enum vtype type)
{
	le32enc(rec, ino);
	le16enc(rec + 4, ext2_reclen_encode(reclen));
	if (em->em_filetype) {
		rec[6] = (uint8_t)namelen;
		rec[7] = ext2_vtype_to_ft(type);
	} else
		le16enc(rec + 6, (uint16_t)namelen);
	memcpy(rec + EXT2_DIRENT_HDR, name, namelen);
}

/* Bytes of blk holding records (all but the checksum tail). */
uint32_t
ext2_dir_usable(struct ext2_node *dp, const uint8_t *blk, bool *tailp)
{
	uint32_t bsize = dp->en_mount->em_bsize;
	const uint8_t *t = blk + bsize - EXT2_DIR_TAIL_SIZE;

	*tailp = le32dec(t) == 0 && le16dec(t + 4) == EXT2_DIR_TAIL_SIZE &&
	    t[6] == 0 && t[7] == EXT2_DIR_TAIL_FT;
	return *tailp ? bsize - EXT2_DIR_TAIL_SIZE : bsize;
}

/* The block is done: checksum it (if it has a tail) and write it. */
void
ext2_dir_block_done(struct ext2_node *dp, struct buf *bp, bool tail)
{
	if (tail && dp->en_mount->em_metacsum)
		ext2_dirblock_csum_set(dp, bp->b_data);
	bdwrite(bp);
}

/* Put the checksum tail record at the end of blk. */
void
ext2_dir_put_tail(struct ext2_mount *em, uint8_t *blk)
{
	uint8_t *t = blk + em->em_bsize - EXT2_DIR_TAIL_SIZE;

	memset(t, 0, EXT2_DIR_TAIL_SIZE);
	le16enc(t + 4, EXT2_DIR_TAIL_SIZE);
	t[7] = EXT2_DIR_TAIL_FT;
}

/* Check the record at off of a region of len bytes; decode into de. */
int
ext2_dirw_get(struct ext2_node *dp, const uint8_t *recs, uint32_t len,
    uint32_t off, struct ext2_dirent *de)
{
	if (len - off < EXT2_DIRENT_HDR)
		goto corrupt;
	ext2_dirent_decode(recs + off, dp->en_mount->em_filetype, de);
	if (de->d_reclen < EXT2_DIRENT_MIN || (de->d_reclen & 3) != 0 ||
	    de->d_reclen > len - off ||
	    EXT2_DIRENT_HDR + (uint32_t)de->d_namelen > de->d_reclen)
		goto corrupt;
	return 0;
corrupt:
	return FS_CORRUPT(EXT2_FSNAME, "directory %u: bad entry at offset %u",
	    dp->en_ino, off);
}

/* Try to place the entry in blk; *donep if it was, at *offp (if asked). */
int
ext2_dir_add_block(struct ext2_node *dp, struct buf *bp, const char *name,
    size_t namelen, uint32_t ino, enum vtype type, bool *donep,
    uint32_t *offp)
{
	struct ext2_mount *em = dp->en_mount;
	uint8_t *blk = bp->b_data;
	uint32_t need = EXT2_REC_LEN(namelen), len, off, used;
	struct ext2_dirent de;
	bool tail;
	int error;

	*donep = false;
	len = ext2_dir_usable(dp, blk, &tail);
	if (em->em_metacsum && !tail)
		return 0;	/* an htree node: no records to use */
	for (off = 0; off < len; off += de.d_reclen) {
		if ((error = ext2_dirw_get(dp, blk, len, off, &de)) != 0)
			return error;
		used = de.d_ino != 0 ? EXT2_REC_LEN(de.d_namelen) : 0;
		if (de.d_reclen - used < need)
			continue;
		if (used > 0) {
			le16enc(blk + off + 4, ext2_reclen_encode(used));
			off += used;
		}
		ext2_dirent_put(em, blk + off, ino, de.d_reclen - used, name,
		    namelen, type);
		ext2_dir_block_done(dp, bp, tail);
		*donep = true;
		if (offp != NULL)
			*offp = off;
		return 0;
	}
	return 0;
}

/* A new directory block at lblk holding one record (ino 0: unused). */
int
ext2_dir_newblock(struct ext2_node *dp, uint64_t lblk, struct buf **bpp)
{
	struct ext2_mount *em = dp->en_mount;
	struct ext2_blkmap map;
	struct buf *bp;
	int error;

	if ((error = ext2_balloc(dp, lblk, 1, &map)) != 0)
		return error;
	if (map.bm_lblk != lblk || (map.bm_flags & BMAP_HOLE))
		return FS_CORRUPT(EXT2_FSNAME, "directory %u: block %llu "
		    "not allocated", dp->en_ino, (unsigned long long)lblk);
	if ((error = getblk(em->em_dev, (map.bm_pblk + (lblk - map.bm_lblk)) <<
	    em->em_bshift, em->em_bsize, &bp)) != 0)
		return error;
	memset(bp->b_data, 0, em->em_bsize);
	le16enc((uint8_t *)bp->b_data + 4, ext2_reclen_encode(em->em_bsize -
	    (em->em_metacsum ? EXT2_DIR_TAIL_SIZE : 0)));
	if (em->em_metacsum)
		ext2_dir_put_tail(em, bp->b_data);
	*bpp = bp;
	return 0;
}

/*
 * Index dp and add the entry through the index.  EAGAIN (the index
 * dropped again if it was made) when the caller must add it linearly.
 */
static int
ext2_dir_add_indexing(struct ext2_node *dp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type)
{
	int error;

	error = ext2_htree_make(dp);
	if (error == 0)
		error = ext2_htree_add(dp, name, namelen, ino, type);
	if (error != EAGAIN)
		return error;
	if ((dp->en_di.di_flags & EXT2_INDEX_FL) &&
	    (error = ext2_dir_unindex(dp)) != 0)
		return error;
	return EAGAIN;
}

/* Add an entry name -> ino (the caller checked it is not there). */
int
ext2_dir_add(struct ext2_node *dp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type)
{
	struct ext2_mount *em = dp->en_mount;
	uint64_t nblocks, lblk;
	uint32_t off;
	struct buf *bp;
	bool done = false;
	int error;

	if (dp->en_inline != NULL && (error = ext2_uninline(dp)) != 0)
		return error;
	nblocks = (uint64_t)dp->en_size >> em->em_bshift;
	if ((dp->en_di.di_flags & EXT2_INDEX_FL) && nblocks > 1 &&
	    (em->em_sb.s_feature_compat & EXT2_FEATURE_COMPAT_DIR_INDEX)) {
		error = ext2_htree_add(dp, name, namelen, ino, type);
		if (error != EAGAIN)
			return error;
	}
	if ((dp->en_di.di_flags & EXT2_INDEX_FL) &&
	    (error = ext2_dir_unindex(dp)) != 0)
		return error;
	nblocks = (uint64_t)dp->en_size >> em->em_bshift;
	for (lblk = 0; lblk < nblocks && !done; lblk++) {
		if ((error = ext2_dir_read_block(dp, lblk, &bp)) != 0)
			return error;
		if (bp == NULL)
			continue;
		error = ext2_dir_add_block(dp, bp, name, namelen, ino, type,
		    &done, &off);
		if (done)
			ext2_dcache_add(dp, name, namelen, lblk, off);
		else
			brelse(bp);
		if (error != 0)
			return error;
	}
	if (done)
		return 0;
	/* A full first block: index the directory, as Linux does. */
	if (nblocks == 1 && !(dp->en_di.di_flags & EXT2_INDEX_FL) &&
	    (em->em_sb.s_feature_compat & EXT2_FEATURE_COMPAT_DIR_INDEX)) {
		if ((error = ext2_dir_add_indexing(dp, name, namelen, ino,
		    type)) != EAGAIN)
			return error;
		nblocks = (uint64_t)dp->en_size >> em->em_bshift;
	}
	if (nblocks >= UINT32_MAX || (!em->em_largedir &&
	    (nblocks + 1) << em->em_bshift > INT32_MAX))
		return EFBIG;
	if ((error = ext2_dir_newblock(dp, nblocks, &bp)) != 0)
		return error;
	error = ext2_dir_add_block(dp, bp, name, namelen, ino, type, &done,
	    &off);
	if (done)
		ext2_dcache_add(dp, name, namelen, nblocks, off);
	else
		brelse(bp);
	ext2_node_setsize(dp, (int64_t)((nblocks + 1) << em->em_bshift));
	if (error == 0)
		error = ext2_node_write(dp);
	return error;
}

/*
 * Find name in block bp of dp: the offset of its record and of the
 * record before it (UINT32_MAX if first).  ENOENT if absent.
 */
static int
ext2_dir_find_block(struct ext2_node *dp, struct buf *bp, const char *name,
    size_t namelen, uint32_t *offp, uint32_t *prevp, bool *tailp)
{
	uint32_t off, prev = UINT32_MAX, len;
	struct ext2_dirent de;
	int error;

	len = ext2_dir_usable(dp, bp->b_data, tailp);
	for (off = 0; off < len; prev = off, off += de.d_reclen) {
		if ((error = ext2_dirw_get(dp, bp->b_data, len, off, &de)) != 0)
			return error;
		if (de.d_ino != 0 && de.d_namelen == namelen &&
		    memcmp((uint8_t *)bp->b_data + off + EXT2_DIRENT_HDR, name,
		    namelen) == 0) {
			*offp = off;
			*prevp = prev;
			return 0;
		}
	}
	return ENOENT;
}

/*
 * Find name in dp: the block (busy, in *bpp, its number in *lblkp) and
 * offsets as ext2_dir_find_block.  An htree, or a linear directory with
 * a name index (ext2_dcache.c), is searched in the block the index
 * names only.
 */
static int
ext2_dir_find(struct ext2_node *dp, const char *name, size_t namelen,
    struct buf **bpp, uint64_t *lblkp, uint32_t *offp, uint32_t *prevp,
    bool *tailp)
{
	struct ext2_mount *em = dp->en_mount;
	uint64_t nblocks, lblk = 0;
	uint32_t ino;
	struct buf *bp;
	int error;

	if (dp->en_inline != NULL && (error = ext2_uninline(dp)) != 0)
		return error;
	nblocks = (uint64_t)dp->en_size >> em->em_bshift;
	/* "." and ".." of an htree sit in block 0, outside the hashes. */
	if ((dp->en_di.di_flags & EXT2_INDEX_FL) && nblocks > 1 &&
	    (em->em_sb.s_feature_compat & EXT2_FEATURE_COMPAT_DIR_INDEX) &&
	    !(name[0] == '.' && (namelen == 1 || (namelen == 2 &&
	    name[1] == '.'))))
		error = ext2_htree_lookup(dp, name, namelen, &ino, &lblk);
	else if (!(dp->en_di.di_flags & EXT2_INDEX_FL))
		error = ext2_dcache_lookup(dp, name, namelen, &ino, &lblk);
	else
		error = EAGAIN;
	if (error == 0)
		nblocks = lblk + 1;	/* just the block an index names */
	else if (error == EAGAIN || error == EOPNOTSUPP)
		lblk = 0;		/* no index: scan */
	else
		return error;
	for (; lblk < nblocks; lblk++) {
		if ((error = ext2_dir_read_block(dp, lblk, &bp)) != 0)
			return error;
		if (bp == NULL)
			continue;
		error = ext2_dir_find_block(dp, bp, name, namelen, offp, prevp,
		    tailp);
		if (error == 0) {
			*bpp = bp;
			*lblkp = lblk;
			return 0;
		}
		brelse(bp);
		if (error != ENOENT)
			return error;
	}
	return ENOENT;
}

/* Remove the entry name from dp. */
int
ext2_dir_remove(struct ext2_node *dp, const char *name, size_t namelen)
{
	struct ext2_dirent de, pde;
	uint32_t off, prev;
	uint64_t lblk;
	struct buf *bp;
	uint8_t *blk;
	bool tail;
	int error;

	error = ext2_dir_find(dp, name, namelen, &bp, &lblk, &off, &prev,
	    &tail);
	if (error != 0)
		return error;
	ext2_dcache_remove(dp, name, namelen, lblk, off);
	blk = bp->b_data;
	ext2_dirent_decode(blk + off, dp->en_mount->em_filetype, &de);
	if (prev == UINT32_MAX)
		le32enc(blk + off, 0);
	else {
		ext2_dirent_decode(blk + prev, dp->en_mount->em_filetype, &pde);
		le16enc(blk + prev + 4,
		    ext2_reclen_encode(pde.d_reclen + de.d_reclen));
	}
	ext2_dir_block_done(dp, bp, tail);
	return 0;
}

/* Point the existing entry name at ino (rename over it, ".."). */
int
ext2_dir_setino(struct ext2_node *dp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type)
{
	uint32_t off, prev;
	uint64_t lblk;
	struct buf *bp;
	uint8_t *blk;
	bool tail;
	int error;

	error = ext2_dir_find(dp, name, namelen, &bp, &lblk, &off, &prev,
	    &tail);
	if (error != 0)
		return error;
	blk = bp->b_data;
	le32enc(blk + off, ino);
	if (dp->en_mount->em_filetype)
		blk[off + 7] = ext2_vtype_to_ft(type);
	ext2_dir_block_done(dp, bp, tail);
	return 0;
}

/* 0 if dp holds nothing but "." and "..", else ENOTEMPTY. */
int
ext2_dir_isempty(struct ext2_node *dp)
{
	struct ext2_mount *em = dp->en_mount;
	uint64_t nblocks, lblk;
	struct ext2_dirent de;
	uint32_t off, len;
	struct buf *bp;
	const uint8_t *blk;
	bool tail;
	int error = 0;

	/* (rmdir of an inline directory: a block made and freed again.) */
	if (dp->en_inline != NULL && (error = ext2_uninline(dp)) != 0)
		return error;
	nblocks = (uint64_t)dp->en_size >> em->em_bshift;
	for (lblk = 0; lblk < nblocks && error == 0; lblk++) {
		if ((error = ext2_dir_read_block(dp, lblk, &bp)) != 0)
			return error;
		if (bp == NULL)
			continue;
		blk = bp->b_data;
		len = ext2_dir_usable(dp, blk, &tail);
		for (off = 0; off < len && error == 0; off += de.d_reclen) {
			if ((error = ext2_dirw_get(dp, blk, len, off,
			    &de)) != 0)
				break;
			if (de.d_ino == 0 || (de.d_namelen == 1 &&
			    blk[off + 8] == '.') || (de.d_namelen == 2 &&
			    blk[off + 8] == '.' && blk[off + 9] == '.'))
				continue;
			error = ENOTEMPTY;
		}
		brelse(bp);
	}
	return error;
}

/* The first block of the new directory dp: "." and "..". */
int
ext2_dir_init(struct ext2_node *dp, uint32_t parent)
{
	struct ext2_mount *em = dp->en_mount;
	uint32_t usable = em->em_bsize - (em->em_metacsum ?
	    EXT2_DIR_TAIL_SIZE : 0);
	struct buf *bp;
	uint8_t *blk;
	int error;

	if ((error = ext2_dir_newblock(dp, 0, &bp)) != 0)
		return error;
	blk = bp->b_data;
	ext2_dirent_put(em, blk, dp->en_ino, EXT2_REC_LEN(1), ".", 1, VDIR);
	ext2_dirent_put(em, blk + EXT2_REC_LEN(1), parent,
	    usable - EXT2_REC_LEN(1), "..", 2, VDIR);
	ext2_dir_block_done(dp, bp, em->em_metacsum);
	ext2_node_setsize(dp, em->em_bsize);
	return ext2_node_write(dp);
}

/*
 * Rewrite index block lblk of dp as an empty linear block, or for block
 * 0 as "." and ".." alone.
 */
static int
ext2_dir_unindex_block(struct ext2_node *dp, uint64_t lblk)
{
	struct ext2_mount *em = dp->en_mount;
	uint32_t usable = em->em_bsize - (em->em_metacsum ?
	    EXT2_DIR_TAIL_SIZE : 0), dotdot;
	struct ext2_blkmap map;
	struct buf *bp;
	uint8_t *blk;
	int error;

	if ((error = ext2_bmap_blocks(dp, lblk, &map)) != 0)
		return error;
	if (map.bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN))
		return FS_CORRUPT(EXT2_FSNAME, "directory %u: index block "
		    "%llu is a hole", dp->en_ino, (unsigned long long)lblk);
	if ((error = ext2_bread(em, map.bm_pblk, &bp)) != 0)
		return error;
	blk = bp->b_data;
	if (lblk == 0) {
		dotdot = ext2_reclen_decode(le16dec(blk + 4));
		if (dotdot != EXT2_REC_LEN(1) || blk[EXT2_REC_LEN(1) + 6] != 2) {
			brelse(bp);
			return FS_CORRUPT(EXT2_FSNAME, "directory %u: htree "
			    "root without . and ..", dp->en_ino);
		}
		dotdot = EXT2_REC_LEN(1) + EXT2_REC_LEN(2);
		memset(blk + dotdot, 0, em->em_bsize - dotdot);
		le16enc(blk + EXT2_REC_LEN(1) + 4,
		    ext2_reclen_encode(usable - EXT2_REC_LEN(1)));
	} else {
		memset(blk, 0, em->em_bsize);
		le16enc(blk + 4, ext2_reclen_encode(usable));
	}
	if (em->em_metacsum)
		ext2_dir_put_tail(em, blk);
	ext2_dir_block_done(dp, bp, em->em_metacsum);
	return 0;
}

/*
 * The blocks an index node names, appended to v (n so far, at most
 * max).  raw is the node; cloff its count/limit offset.
 */
static int
ext2_dx_children(struct ext2_node *dp, const uint8_t *raw, uint32_t cloff,
    uint32_t *v, uint32_t *n, uint32_t max)
{
	uint32_t bsize = dp->en_mount->em_bsize, i;
	uint64_t nblocks = (uint64_t)dp->en_size >> dp->en_mount->em_bshift;
	struct ext2_dx_countlimit cl;
	struct ext2_dx_entry de;

	if (cloff + 4 > bsize)
		goto corrupt;
	ext2_dx_countlimit_decode(raw + cloff, &cl);
	if (cl.cl_count > cl.cl_limit || cl.cl_count == 0 ||
	    cloff + (uint32_t)cl.cl_count * EXT2_DX_ENTRY_SIZE > bsize)
		goto corrupt;
	for (i = 0; i < cl.cl_count; i++) {
		ext2_dx_entry_decode(raw + cloff + i * EXT2_DX_ENTRY_SIZE, &de);
		if (de.de_block == 0 || de.de_block >= nblocks || *n >= max)
			goto corrupt;
		v[(*n)++] = de.de_block;
	}
	return 0;
corrupt:
	return FS_CORRUPT(EXT2_FSNAME, "directory %u: bad htree index",
	    dp->en_ino);
}

#define EXT2_DX_MAXNODES	256	/* index nodes we rewrite */

/* Drop the htree index of dp, leaving a valid linear directory. */
int
ext2_dir_unindex(struct ext2_node *dp)
{
	struct ext2_mount *em = dp->en_mount;
	uint32_t nodes[EXT2_DX_MAXNODES], nn = 0, lvl1 = 0, i, levels;
	struct ext2_dx_root_info ri;
	struct ext2_blkmap map;
	struct buf *bp;
	int error;

	ext2_dcache_drop(dp);	/* index blocks become name blocks */
	if ((error = ext2_bmap_blocks(dp, 0, &map)) != 0)
		return error;
	if (map.bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN))
		return FS_CORRUPT(EXT2_FSNAME, "directory %u: no block 0",
		    dp->en_ino);
	if ((error = ext2_bread(em, map.bm_pblk, &bp)) != 0)
		return error;
	ext2_dx_root_info_decode((uint8_t *)bp->b_data + EXT2_DX_ROOT_INFO_OFF,
	    &ri);
	levels = ri.ri_levels;
	error = levels >= EXT2_DX_MAXLEVELS ? FS_CORRUPT(EXT2_FSNAME,
	    "directory %u: %u htree levels", dp->en_ino, levels) : 0;
	/* Root entries point at index nodes when levels > 0. */
	if (error == 0 && levels > 0)
		error = ext2_dx_children(dp, bp->b_data,
		    EXT2_DX_ROOT_INFO_OFF + ri.ri_info_length, nodes, &nn,
		    EXT2_DX_MAXNODES);
	brelse(bp);
	lvl1 = nn;
	for (i = 0; i < lvl1 && levels > 1 && error == 0; i++) {
		if ((error = ext2_dir_read_block(dp, nodes[i], &bp)) != 0)
			break;
		if (bp == NULL)
			continue;
		error = ext2_dx_children(dp, bp->b_data,
		    EXT2_DX_NODE_LIMIT_OFF, nodes, &nn, EXT2_DX_MAXNODES);
		brelse(bp);
	}
	if (error != 0)
		return error;
	/* nodes[]: the root's children, and with 2 levels theirs too. */
	for (i = 0; i < nn && error == 0; i++)
		error = ext2_dir_unindex_block(dp, nodes[i]);
	if (error == 0)
		error = ext2_dir_unindex_block(dp, 0);
	if (error != 0)
		return error;
	ext2_node_setflags(dp, dp->en_di.di_flags & ~(uint32_t)EXT2_INDEX_FL);
	return ext2_node_write(dp);
}
