/*
 * ext2_ind.c: allocating and freeing blocks of block-mapped files (ext2
 * and ext3 without extents): twelve direct pointers in the inode, then
 * single, double and triple indirect blocks of bsize / 4 pointers.
 *
 * A run of data blocks is allocated first, contiguous from the goal;
 * the pointer blocks it needs come after it (zeroed through the buffer
 * cache and counted in i_blocks).  Truncation walks the three trees,
 * frees data blocks in contiguous runs and frees each pointer block
 * that ends up empty.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

/* Contiguous blocks waiting to be freed together. */
struct ext2_freerun {
	struct ext2_node *fr_en;
	uint64_t	 fr_start;	/* first block, 0: none */
	uint64_t	 fr_count;	/* blocks */
	bool		 fr_meta;	/* directory or symlink blocks */
};

static int
ext2_freerun_flush(struct ext2_freerun *fr)
{
	int error = 0;

	if (fr->fr_count > 0) {
		error = ext2_free_blocks(fr->fr_en->en_mount, fr->fr_start,
		    fr->fr_count, fr->fr_meta);
		ext2_node_addblocks(fr->fr_en, -(int64_t)fr->fr_count);
	}
	fr->fr_count = 0;
	return error;
}

static int
ext2_freerun_add(struct ext2_freerun *fr, uint64_t pblk)
{
	int error;

	if (fr->fr_count > 0 && fr->fr_start + fr->fr_count == pblk) {
		fr->fr_count++;
		return 0;
	}
	if ((error = ext2_freerun_flush(fr)) != 0)
		return error;
	fr->fr_start = pblk;
	fr->fr_count = 1;
	return 0;
}

/* A zeroed pointer block near goal, counted in i_blocks. */
static int
ext2_ind_newblock(struct ext2_node *en, uint64_t goal, uint32_t *pblkp)
{
	struct ext2_mount *em = en->en_mount;
	uint64_t start, cnt;
	struct buf *bp;
	int error;

	if ((error = ext2_alloc_blocks(em, goal, 1, &start, &cnt)) != 0)
		return error;
	if (start > UINT32_MAX) {
		(void)ext2_free_blocks(em, start, 1, true);
		return ENOSPC;
	}
	if ((error = getblk(em->em_dev, start << em->em_bshift, em->em_bsize,
	    &bp)) != 0) {
		(void)ext2_free_blocks(em, start, 1, true);
		return error;
	}
	memset(bp->b_data, 0, em->em_bsize);
	bdwrite(bp);
	ext2_node_addblocks(en, 1);
	*pblkp = (uint32_t)start;
	return 0;
}

/*
 * Point logical block lblk at pblk, creating pointer blocks on the way
 * (near goal).  The inode is written by the caller.
 */
static int
ext2_ind_setptr(struct ext2_node *en, uint64_t lblk, uint32_t pblk,
    uint64_t goal)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t pshift = em->em_bshift - 2, p = 1U << pshift, idx, ptr;
	uint8_t iblk[EXT2_I_BLOCK_SIZE];
	uint64_t rel = lblk - EXT2_NDADDR, span;
	struct buf *bp;
	int levels, d, error;

	memcpy(iblk, en->en_di.di_block, sizeof(iblk));
	if (lblk < EXT2_NDADDR) {
		le32enc(iblk + 4 * lblk, pblk);
		ext2_node_set_iblock(en, iblk);
		return 0;
	}
	for (levels = 1; levels <= 3; levels++) {
		span = (uint64_t)1 << (pshift * levels);
		if (rel < span)
			break;
		rel -= span;
	}
	if (levels > 3)
		return EFBIG;
	ptr = le32dec(iblk + 4 * (EXT2_IND_BLOCK + levels - 1));
	if (ptr == 0) {
		if ((error = ext2_ind_newblock(en, goal, &ptr)) != 0)
			return error;
		memcpy(iblk, en->en_di.di_block, sizeof(iblk));
		le32enc(iblk + 4 * (EXT2_IND_BLOCK + levels - 1), ptr);
		ext2_node_set_iblock(en, iblk);
	}
	for (d = levels; d > 0; d--) {
		uint32_t child;

		if ((error = ext2_bread(em, ptr, &bp)) != 0)
			return error;
		idx = (uint32_t)(rel >> (pshift * (d - 1))) & (p - 1);
		child = le32dec((uint8_t *)bp->b_data + 4 * idx);
		if (d == 1) {
			le32enc((uint8_t *)bp->b_data + 4 * idx, pblk);
			bdwrite(bp);
			return 0;
		}
		if (child == 0) {
			if ((error = ext2_ind_newblock(en, goal, &child)) != 0) {
				brelse(bp);
				return error;
			}
			le32enc((uint8_t *)bp->b_data + 4 * idx, child);
			bdwrite(bp);
		} else
			brelse(bp);
		ptr = child;
	}
	return 0;
}

/* The block before lblk, if mapped, as the goal; else the inode's. */
static uint64_t
ext2_ind_goal(struct ext2_node *en, uint64_t lblk)
{
	struct ext2_blkmap map;

	if (lblk > 0 && ext2_bmap_blocks(en, lblk - 1, &map) == 0 &&
	    map.bm_pblk != 0)
		return map.bm_pblk + 1;
	return ext2_goal(en);
}

/* Map lblk for writing, allocating up to want blocks into a hole. */
int
ext2_ind_alloc(struct ext2_node *en, uint64_t lblk, uint64_t want,
    struct ext2_blkmap *map)
{
	struct ext2_mount *em = en->en_mount;
	uint64_t start, cnt, n, i;
	int error;

	if ((error = ext2_bmap_blocks(en, lblk, map)) != 0)
		return error;
	if (!(map->bm_flags & BMAP_HOLE))
		return 0;
	n = MIN(MIN(want, map->bm_count), (uint64_t)4096);
	error = ext2_alloc_blocks(em, ext2_ind_goal(en, lblk), MAX(n, 1),
	    &start, &cnt);
	if (error != 0)
		return error;
	if (start + cnt - 1 > UINT32_MAX) {
		(void)ext2_free_blocks(em, start, cnt, false);
		return ENOSPC;
	}
	ext2_node_addblocks(en, (int64_t)cnt);
	for (i = 0; i < cnt; i++) {
		error = ext2_ind_setptr(en, lblk + i, (uint32_t)(start + i),
		    start + cnt);
		if (error != 0)
			break;
	}
	if (i < cnt) {
		/* Give back what was not linked in. */
		(void)ext2_free_blocks(em, start + i, cnt - i, false);
		ext2_node_addblocks(en, -(int64_t)(cnt - i));
		cnt = i;
	}
	if (cnt > 0) {
		map->bm_lblk = lblk;
		map->bm_count = cnt;
		map->bm_pblk = start;
		map->bm_flags = BMAP_NEW;
	}
	if (ext2_node_write(en) != 0 && error == 0)
		error = EIO;
	return cnt > 0 ? 0 : error;
}

/*
 * Free what pointer block pblk (depth d: 1 points at data) maps at or
 * after keep; its first entry maps logical block base.  *emptyp: no
 * pointer is left in it.
 */
static int
ext2_ind_trunc_tree(struct ext2_node *en, struct ext2_freerun *fr,
    uint32_t pblk, int d, uint64_t base, uint64_t keep, bool *emptyp)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t pshift = em->em_bshift - 2, p = 1U << pshift, i, ptr;
	uint64_t span = (uint64_t)1 << (pshift * (d - 1));
	bool dirty = false, cempty;
	struct buf *bp;
	uint8_t *raw;
	int error = 0;

	*emptyp = false;
	if ((error = ext2_bread(em, pblk, &bp)) != 0)
		return error;
	raw = bp->b_data;
	for (i = 0; i < p && error == 0; i++) {
		uint64_t lo = base + (uint64_t)i * span;

		ptr = le32dec(raw + 4 * i);
		if (ptr == 0 || lo + span <= keep)
			continue;
		if (ptr <= em->em_sb.s_first_data_block ||
		    ptr >= em->em_sb.s_blocks_count) {
			error = FS_CORRUPT(EXT2_FSNAME, "inode %u: block %u",
			    en->en_ino, ptr);
			break;
		}
		if (d == 1)
			error = ext2_freerun_add(fr, ptr);
		else {
			error = ext2_ind_trunc_tree(en, fr, ptr, d - 1, lo,
			    keep, &cempty);
			if (error == 0 && cempty) {
				/* Pointer blocks are metadata. */
				error = ext2_freerun_flush(fr);
				if (error == 0)
					error = ext2_free_blocks(em, ptr, 1,
					    true);
				ext2_node_addblocks(en, -1);
			} else
				continue;
		}
		le32enc(raw + 4 * i, 0);
		dirty = true;
	}
	*emptyp = true;
	for (i = 0; i < p; i++)
		if (le32dec(raw + 4 * i) != 0)
			*emptyp = false;
	if (dirty)
		bdwrite(bp);
	else
		brelse(bp);
	return error;
}

/* Free every block at or after logical block keep. */
int
ext2_ind_trunc(struct ext2_node *en, uint64_t keep)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t pshift = em->em_bshift - 2;
	struct ext2_freerun fr = { en, 0, 0, en->en_type != VREG };
	uint8_t iblk[EXT2_I_BLOCK_SIZE];
	uint64_t base = EXT2_NDADDR, span;
	uint32_t ptr, i;
	bool empty;
	int levels, error = 0;

	memcpy(iblk, en->en_di.di_block, sizeof(iblk));
	for (i = 0; i < EXT2_NDADDR && error == 0; i++) {
		ptr = le32dec(iblk + 4 * i);
		if (ptr == 0 || i < keep)
			continue;
		if ((error = ext2_freerun_add(&fr, ptr)) == 0)
			le32enc(iblk + 4 * i, 0);
	}
	for (levels = 1; levels <= 3 && error == 0; levels++) {
		span = (uint64_t)1 << (pshift * levels);
		ptr = le32dec(iblk + 4 * (EXT2_IND_BLOCK + levels - 1));
		if (ptr != 0 && base + span > keep) {
			if (ptr >= em->em_sb.s_blocks_count)
				error = FS_CORRUPT(EXT2_FSNAME,
				    "inode %u: block %u", en->en_ino, ptr);
			else
				error = ext2_ind_trunc_tree(en, &fr, ptr,
				    levels, base, keep, &empty);
			if (error == 0 && empty) {
				error = ext2_freerun_flush(&fr);
				if (error == 0)
					error = ext2_free_blocks(em, ptr, 1,
					    true);
				ext2_node_addblocks(en, -1);
				le32enc(iblk + 4 * (EXT2_IND_BLOCK + levels -
				    1), 0);
			}
		}
		base += span;
	}
	if (error == 0)
		error = ext2_freerun_flush(&fr);
	ext2_node_set_iblock(en, iblk);
	if (ext2_node_write(en) != 0 && error == 0)
		error = EIO;
	return error;
}

/* Allocation and truncation for either kind of file. */
int
ext2_balloc(struct ext2_node *en, uint64_t lblk, uint64_t want,
    struct ext2_blkmap *map)
{
	if (en->en_di.di_flags & EXT4_INLINE_DATA_FL)
		return EOPNOTSUPP;
	if (en->en_di.di_flags & EXT4_EXTENTS_FL)
		return ext4_ext_alloc(en, lblk, want, map);
	return ext2_ind_alloc(en, lblk, want, map);
}

int
ext2_btrunc(struct ext2_node *en, uint64_t keep)
{
	if (en->en_di.di_flags & EXT4_INLINE_DATA_FL)
		return EOPNOTSUPP;
	if (en->en_di.di_flags & EXT4_EXTENTS_FL)
		return ext4_ext_trunc(en, keep);
	return ext2_ind_trunc(en, keep);
}
