/*
 * ext2_bmap.c: logical to physical block mapping, for extent-mapped
 * (ext4) and block-mapped (ext2/ext3: direct, indirect, double and
 * triple indirect pointers) files.
 *
 * Both walkers return the longest run they can see without reading
 * another block: a contiguous extent, or a hole up to the next mapped
 * block.  Every node of an extent tree is checked (magic, depth, counts,
 * order, bounds, checksum) as it is read, and the descent is bounded by
 * EXT4_EXT_MAX_DEPTH, so a hostile tree cannot loop.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

/*
 * Check an extent node header: raw bytes of size len at level lvl of a
 * tree whose root says depth rootdepth.
 */
int
ext4_ext_check_hdr(struct ext2_node *en, const uint8_t *raw, uint32_t len,
    int lvl, int rootdepth, struct ext4_exthdr *eh)
{
	uint32_t maxfit = (len - EXT4_EXT_HDR_SIZE) / EXT4_EXT_ENTRY_SIZE;

	ext4_exthdr_decode(raw, eh);
	if (eh->eh_magic != EXT4_EXT_MAGIC)
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: bad extent magic",
		    en->en_ino);
	if (eh->eh_depth > EXT4_EXT_MAX_DEPTH ||
	    (lvl > 0 && eh->eh_depth != rootdepth - lvl))
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: extent depth %u",
		    en->en_ino, eh->eh_depth);
	if (eh->eh_max > maxfit || eh->eh_entries > eh->eh_max ||
	    eh->eh_max == 0)
		return FS_CORRUPT(EXT2_FSNAME,
		    "inode %u: extent node with %u of %u entries",
		    en->en_ino, eh->eh_entries, eh->eh_max);
	if (lvl > 0 && en->en_mount->em_metacsum) {
		if (EXT4_EXT_HDR_SIZE + (uint32_t)eh->eh_max *
		    EXT4_EXT_ENTRY_SIZE + EXT4_EXT_TAIL_SIZE > len)
			return FS_CORRUPT(EXT2_FSNAME,
			    "inode %u: no room for extent checksum",
			    en->en_ino);
		if (!ext4_extblock_csum_ok(en->en_mount, en, raw, eh->eh_max))
			return FS_CORRUPT(EXT2_FSNAME,
			    "inode %u: extent block checksum mismatch",
			    en->en_ino);
	}
	return 0;
}

/* Scan a leaf: the last extent starting at or before lblk. */
static int
ext4_ext_scan_leaf(struct ext2_node *en, const uint8_t *raw,
    const struct ext4_exthdr *eh, uint64_t lblk, struct ext4_extpath *path,
    struct ext4_extpath_level *pl)
{
	uint64_t nblocks = en->en_mount->em_sb.s_blocks_count, end = 0;
	struct ext4_extent ex;
	int i;

	for (i = 0; i < eh->eh_entries; i++) {
		ext4_extent_decode(raw + EXT4_EXT_HDR_SIZE +
		    i * EXT4_EXT_ENTRY_SIZE, &ex);
		if (ex.ee_len == 0 || ex.ee_block < end ||
		    ex.ee_start <= en->en_mount->em_sb.s_first_data_block ||
		    ex.ee_start >= nblocks || ex.ee_len > nblocks - ex.ee_start)
			return FS_CORRUPT(EXT2_FSNAME,
			    "inode %u: bad extent %u+%u at %llu", en->en_ino,
			    ex.ee_block, ex.ee_len,
			    (unsigned long long)ex.ee_start);
		end = (uint64_t)ex.ee_block + ex.ee_len;
		if (ex.ee_block > lblk) {
			path->ep_next = MIN(path->ep_next, ex.ee_block);
			break;
		}
		path->ep_ext = ex;
		path->ep_found = true;
		pl->pl_idx = i;
	}
	return 0;
}

/*
 * Scan an index node: the last entry starting at or before lblk, or -1;
 * *childp is its child block.  The next entry's start bounds ep_next.
 */
static int
ext4_ext_scan_index(struct ext2_node *en, const uint8_t *raw,
    const struct ext4_exthdr *eh, uint64_t lblk, struct ext4_extpath *path,
    struct ext4_extpath_level *pl, uint64_t *childp)
{
	const struct ext2_super *sb = &en->en_mount->em_sb;
	struct ext4_extidx ei;
	int64_t prev = -1;
	int i;

	pl->pl_idx = -1;
	for (i = 0; i < eh->eh_entries; i++) {
		ext4_extidx_decode(raw + EXT4_EXT_HDR_SIZE +
		    i * EXT4_EXT_ENTRY_SIZE, &ei);
		if ((int64_t)ei.ei_block <= prev ||
		    ei.ei_leaf <= sb->s_first_data_block ||
		    ei.ei_leaf >= sb->s_blocks_count)
			return FS_CORRUPT(EXT2_FSNAME,
			    "inode %u: bad extent index %u -> %llu",
			    en->en_ino, ei.ei_block,
			    (unsigned long long)ei.ei_leaf);
		prev = ei.ei_block;
		if (ei.ei_block > lblk) {
			path->ep_next = MIN(path->ep_next, ei.ei_block);
			break;
		}
		pl->pl_idx = i;
		*childp = ei.ei_leaf;
	}
	return 0;
}

/*
 * Walk the extent tree of en towards logical block lblk, filling path:
 * the nodes visited, the last extent starting at or before lblk (if
 * any) and where the next extent starts.
 */
int
ext4_ext_find(struct ext2_node *en, uint64_t lblk, struct ext4_extpath *path)
{
	struct ext2_mount *em = en->en_mount;
	const uint8_t *raw = en->en_di.di_block;
	uint32_t len = EXT2_I_BLOCK_SIZE;
	struct ext4_extpath_level *pl;
	struct ext4_exthdr eh;
	struct buf *bp = NULL;
	uint64_t child = 0;
	int lvl, error;

	memset(path, 0, sizeof(*path));
	path->ep_next = UINT64_MAX;
	for (lvl = 0; lvl <= EXT4_EXT_MAX_DEPTH; lvl++) {
		pl = &path->ep_lvl[lvl];
		error = ext4_ext_check_hdr(en, raw, len, lvl, path->ep_depth,
		    &eh);
		if (error != 0)
			break;
		if (lvl == 0)
			path->ep_depth = eh.eh_depth;
		pl->pl_pblk = child;
		pl->pl_entries = eh.eh_entries;
		pl->pl_max = eh.eh_max;
		if (eh.eh_depth == 0) {
			error = ext4_ext_scan_leaf(en, raw, &eh, lblk, path, pl);
			break;
		}
		error = ext4_ext_scan_index(en, raw, &eh, lblk, path, pl,
		    &child);
		if (error != 0 || pl->pl_idx < 0)
			break;
		if (bp != NULL)
			brelse(bp);
		bp = NULL;
		if ((error = ext2_bread(em, child, &bp)) != 0)
			break;
		raw = bp->b_data;
		len = em->em_bsize;
	}
	if (bp != NULL)
		brelse(bp);
	return error;
}

/* Map lblk of an extent-mapped file. */
static int
ext4_bmap(struct ext2_node *en, uint64_t lblk, struct ext2_blkmap *map)
{
	struct ext4_extpath path;
	struct ext4_extent *ex = &path.ep_ext;
	int error;

	map->bm_lblk = lblk;
	if (lblk > UINT32_MAX) {
		map->bm_count = UINT64_MAX - lblk;
		map->bm_pblk = 0;
		map->bm_flags = BMAP_HOLE;
		return 0;
	}
	if ((error = ext4_ext_find(en, lblk, &path)) != 0)
		return error;
	if (path.ep_found && lblk < (uint64_t)ex->ee_block + ex->ee_len) {
		map->bm_count = (uint64_t)ex->ee_block + ex->ee_len - lblk;
		map->bm_pblk = ex->ee_start + (lblk - ex->ee_block);
		map->bm_flags = ex->ee_unwritten ? BMAP_UNWRITTEN : 0;
		return 0;
	}
	map->bm_count = path.ep_next == UINT64_MAX ? UINT64_MAX - lblk :
	    path.ep_next - lblk;
	map->bm_pblk = 0;
	map->bm_flags = BMAP_HOLE;
	return 0;
}

/*
 * Extend the run starting at ptrs[i] (n little-endian pointers) as far
 * as the following pointers stay contiguous (or all zero).
 */
static uint64_t
ext2_ptr_run(struct ext2_node *en, const uint8_t *ptrs, uint32_t i,
    uint32_t n, uint64_t *pblkp)
{
	uint64_t first = le32dec(ptrs + 4 * i), count = 1, want;
	uint32_t j;

	for (j = i + 1; j < n; j++, count++) {
		want = first == 0 ? 0 : first + count;
		if (le32dec(ptrs + 4 * j) != want)
			break;
	}
	*pblkp = first;
	return count;
}

/*
 * Map lblk of a block-mapped file.  The tree below i_block[12 + k - 1]
 * has k levels of pointer blocks of p = bsize / 4 pointers each.
 */
static int
ext2_ind_bmap(struct ext2_node *en, uint64_t lblk, struct ext2_blkmap *map)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t pshift = em->em_bshift - 2, p = 1U << pshift, idx;
	uint64_t span, rel = lblk, pblk;
	struct buf *bp;
	int levels, d, error;

	map->bm_lblk = lblk;
	if (lblk < EXT2_NDADDR) {
		map->bm_count = ext2_ptr_run(en, en->en_di.di_block,
		    (uint32_t)lblk, EXT2_NDADDR, &map->bm_pblk);
		goto out;
	}
	rel -= EXT2_NDADDR;
	for (levels = 1; levels <= 3; levels++) {
		span = (uint64_t)1 << (pshift * levels);
		if (rel < span)
			break;
		rel -= span;
	}
	if (levels > 3) {
		map->bm_count = UINT64_MAX - lblk;
		map->bm_pblk = 0;
		goto out;
	}
	pblk = le32dec(en->en_di.di_block + 4 * (EXT2_IND_BLOCK + levels - 1));
	for (d = levels; d > 0; d--) {
		span = (uint64_t)1 << (pshift * d);
		if (pblk == 0) {
			/* A missing pointer block: hole to its end. */
			map->bm_count = span - (rel & (span - 1));
			map->bm_pblk = 0;
			goto out;
		}
		if ((error = ext2_bread(em, pblk, &bp)) != 0)
			return error;
		idx = (uint32_t)(rel >> (pshift * (d - 1))) & (p - 1);
		if (d == 1)
			map->bm_count = ext2_ptr_run(en, bp->b_data, idx, p,
			    &pblk);
		else
			pblk = le32dec((uint8_t *)bp->b_data + 4 * idx);
		brelse(bp);
	}
	map->bm_pblk = pblk;
out:
	map->bm_flags = map->bm_pblk == 0 ? BMAP_HOLE : 0;
	if (map->bm_pblk != 0 && (map->bm_pblk >= em->em_sb.s_blocks_count ||
	    map->bm_count > em->em_sb.s_blocks_count - map->bm_pblk))
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: block %llu out of "
		    "range", en->en_ino, (unsigned long long)map->bm_pblk);
	return 0;
}

/*
 * Map logical block lblk of en: the run of blocks starting there that is
 * contiguous on disk (or a hole, or unwritten).  Inline files have no
 * blocks: the caller handles them.
 */
int
ext2_bmap_blocks(struct ext2_node *en, uint64_t lblk, struct ext2_blkmap *map)
{
	KASSERT(!(en->en_di.di_flags & EXT4_INLINE_DATA_FL));
	if (en->en_di.di_flags & EXT4_EXTENTS_FL)
		return ext4_bmap(en, lblk, map);
	return ext2_ind_bmap(en, lblk, map);
}
