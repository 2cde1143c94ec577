/*
 * ext2_extent.c: changing the extent tree of a file: allocating blocks
 * into holes, converting unwritten extents, truncating.
 *
 * Every change reads the whole tree into a sorted array of extents,
 * edits the array (inserting, merging neighbours, cutting) and writes
 * the tree again from it: up to four extents in the inode, else full
 * leaves of (bsize - 12) / 12 extents under as many index levels as
 * needed, each block with its checksum tail.  The old tree blocks are
 * reused in order; more are allocated before anything is written (so a
 * full file system fails the change cleanly) and any left over are
 * freed after.  This costs a rewrite of the tree blocks per change,
 * which stays cheap because allocation hands out long contiguous runs
 * that merge into few extents; a block-by-block writer still gets one
 * extent per run.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT4_ROOT_MAX	((EXT2_I_BLOCK_SIZE - EXT4_EXT_HDR_SIZE) / \
			 EXT4_EXT_ENTRY_SIZE)

/* A whole tree in memory: its extents and the blocks it used. */
struct ext4_xlist {
	struct ext4_extent *x_ext;	/* sorted, non-overlapping */
	size_t		 x_n;		/* extents */
	size_t		 x_cap;		/* room at x_ext */
	uint64_t	*x_tblk;	/* tree blocks of the old tree */
	size_t		 x_ntblk;	/* used at x_tblk */
	size_t		 x_tcap;	/* room at x_tblk */
};

static void
ext4_xlist_free(struct ext4_xlist *xl)
{
	if (xl->x_ext != NULL)
		kmem_free(xl->x_ext, xl->x_cap * sizeof(*xl->x_ext));
	if (xl->x_tblk != NULL)
		kmem_free(xl->x_tblk, xl->x_tcap * sizeof(*xl->x_tblk));
	memset(xl, 0, sizeof(*xl));
}

/* Make room for one more element in an array of cap elements. */
static int
ext4_grow(void **arr, size_t *cap, size_t n, size_t elsize)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap < 16 ? 16 : *cap * 2;
	if ((p = kmem_alloc(ncap * elsize)) == NULL)
		return ENOMEM;
	if (*arr != NULL) {
		memcpy(p, *arr, n * elsize);
		kmem_free(*arr, *cap * elsize);
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

static int
ext4_xlist_push(struct ext4_xlist *xl, const struct ext4_extent *ex)
{
	int error;

	if ((error = ext4_grow((void **)&xl->x_ext, &xl->x_cap, xl->x_n,
	    sizeof(*xl->x_ext))) != 0)
		return error;
	xl->x_ext[xl->x_n++] = *ex;
	return 0;
}

/* Check an extent against the file system and the one before it. */
static int
ext4_xlist_check(struct ext2_node *en, const struct ext4_xlist *xl,
    const struct ext4_extent *ex)
{
	const struct ext2_super *sb = &en->en_mount->em_sb;
	const struct ext4_extent *prev = xl->x_n > 0 ?
	    &xl->x_ext[xl->x_n - 1] : NULL;

	if (ex->ee_len == 0 || ex->ee_start <= sb->s_first_data_block ||
	    ex->ee_start >= sb->s_blocks_count ||
	    ex->ee_len > sb->s_blocks_count - ex->ee_start ||
	    (prev != NULL && (uint64_t)prev->ee_block + prev->ee_len >
	    ex->ee_block))
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: bad extent %u+%u",
		    en->en_ino, ex->ee_block, ex->ee_len);
	return 0;
}

/* Read the node raw (len bytes) at level lvl and everything below. */
static int
ext4_xlist_node(struct ext2_node *en, const uint8_t *raw, uint32_t len,
    int lvl, int depth, struct ext4_xlist *xl)
{
	struct ext2_mount *em = en->en_mount;
	struct ext4_exthdr eh;
	struct ext4_extent ex;
	struct ext4_extidx ei;
	struct buf *bp;
	int i, error;

	if ((error = ext4_ext_check_hdr(en, raw, len, lvl, depth, &eh)) != 0)
		return error;
	for (i = 0; i < eh.eh_entries; i++) {
		const uint8_t *e = raw + EXT4_EXT_HDR_SIZE +
		    i * EXT4_EXT_ENTRY_SIZE;

		if (eh.eh_depth == 0) {
			ext4_extent_decode(e, &ex);
			if ((error = ext4_xlist_check(en, xl, &ex)) != 0 ||
			    (error = ext4_xlist_push(xl, &ex)) != 0)
				return error;
			continue;
		}
		ext4_extidx_decode(e, &ei);
		if (ei.ei_leaf <= em->em_sb.s_first_data_block ||
		    ei.ei_leaf >= em->em_sb.s_blocks_count)
			return FS_CORRUPT(EXT2_FSNAME,
			    "inode %u: bad extent index", en->en_ino);
		if ((error = ext4_grow((void **)&xl->x_tblk, &xl->x_tcap,
		    xl->x_ntblk, sizeof(*xl->x_tblk))) != 0)
			return error;
		xl->x_tblk[xl->x_ntblk++] = ei.ei_leaf;
		if ((error = ext2_bread(em, ei.ei_leaf, &bp)) != 0)
			return error;
		error = ext4_xlist_node(en, bp->b_data, em->em_bsize, lvl + 1,
		    lvl == 0 ? eh.eh_depth : depth, xl);
		brelse(bp);
		if (error != 0)
			return error;
	}
	return 0;
}

static int
ext4_xlist_load(struct ext2_node *en, struct ext4_xlist *xl)
{
	memset(xl, 0, sizeof(*xl));
	return ext4_xlist_node(en, en->en_di.di_block, EXT2_I_BLOCK_SIZE, 0,
	    0, xl);
}

static void
ext4_hdr_encode(uint8_t *raw, uint16_t entries, uint16_t max, uint16_t depth)
{
	le16enc(raw + 0, EXT4_EXT_MAGIC);
	le16enc(raw + 2, entries);
	le16enc(raw + 4, max);
	le16enc(raw + 6, depth);
	le32enc(raw + 8, 0);
}

static void
ext4_extent_encode(uint8_t *raw, const struct ext4_extent *ex)
{
	le32enc(raw + 0, ex->ee_block);
	le16enc(raw + 4, (uint16_t)(ex->ee_len +
	    (ex->ee_unwritten ? EXT4_EXT_INIT_MAX_LEN : 0)));
	le16enc(raw + 6, (uint16_t)(ex->ee_start >> 32));
	le32enc(raw + 8, (uint32_t)ex->ee_start);
}

static void
ext4_extidx_encode(uint8_t *raw, uint32_t lblk, uint64_t child)
{
	le32enc(raw + 0, lblk);
	le32enc(raw + 4, (uint32_t)child);
	le16enc(raw + 8, (uint16_t)(child >> 32));
	le16enc(raw + 10, 0);
}

/* One level of the tree being written: first keys and blocks. */
struct ext4_level {
	uint32_t	*lv_key;	/* first logical block of each node */
	uint64_t	*lv_blk;	/* block of each node */
	size_t		 lv_n;		/* nodes */
};

/*
 * Write the nodes of one level: node i holds entries [i * cap, ...) of
 * n, taken from the extents (below == NULL) or from the level below.
 */
static int
ext4_write_level(struct ext2_node *en, const struct ext4_xlist *xl,
    const struct ext4_level *below, struct ext4_level *lv, uint32_t cap,
    uint16_t depth)
{
	struct ext2_mount *em = en->en_mount;
	size_t n = below == NULL ? xl->x_n : below->lv_n, i, j, cnt;
	struct buf *bp;
	uint8_t *raw;
	int error;

	for (i = 0; i < lv->lv_n; i++) {
		if ((error = getblk(em->em_dev, lv->lv_blk[i] << em->em_bshift,
		    em->em_bsize, &bp)) != 0)
			return error;
		raw = bp->b_data;
		memset(raw, 0, em->em_bsize);
		cnt = MIN((size_t)cap, n - i * cap);
		ext4_hdr_encode(raw, (uint16_t)cnt, (uint16_t)cap, depth);
		for (j = 0; j < cnt; j++) {
			uint8_t *e = raw + EXT4_EXT_HDR_SIZE +
			    j * EXT4_EXT_ENTRY_SIZE;
			size_t k = i * cap + j;

			if (below == NULL)
				ext4_extent_encode(e, &xl->x_ext[k]);
			else
				ext4_extidx_encode(e, below->lv_key[k],
				    below->lv_blk[k]);
		}
		lv->lv_key[i] = below == NULL ? xl->x_ext[i * cap].ee_block :
		    below->lv_key[i * cap];
		if (em->em_metacsum)
			ext4_extblock_csum_set(en, raw, (uint16_t)cap);
		bdwrite(bp);
	}
	return 0;
}

/* Blocks per level for n entries: counts[d] for depth d, root excluded. */
static int
ext4_shape(size_t n, uint32_t cap, size_t *counts)
{
	int depth = 0;

	while (n > EXT4_ROOT_MAX) {
		if (depth >= EXT4_EXT_MAX_DEPTH)
			return -1;
		n = howmany(n, (size_t)cap);
		counts[depth++] = n;
	}
	return depth;
}

/* Get nblocks tree blocks: the old tree's first, then new ones. */
static int
ext4_tree_blocks(struct ext2_node *en, struct ext4_xlist *xl, size_t need,
    uint64_t *blks, size_t *nnewp)
{
	uint64_t goal, start, cnt, k;
	size_t have = MIN(need, xl->x_ntblk), i;
	int error;

	for (i = 0; i < have; i++)
		blks[i] = xl->x_tblk[i];
	*nnewp = 0;
	goal = xl->x_n > 0 ? xl->x_ext[0].ee_start : ext2_goal(en);
	while (i < need) {
		error = ext2_alloc_blocks(en->en_mount, goal, need - i, &start,
		    &cnt);
		if (error != 0) {
			for (k = have; k < i; k++)
				(void)ext2_free_blocks(en->en_mount, blks[k],
				    1, true);
			*nnewp = 0;
			return error;
		}
		for (k = 0; k < cnt; k++)
			blks[i++] = start + k;
		*nnewp += cnt;
		goal = start + cnt;
	}
	return 0;
}

/* Write the tree of xl for en (the node is written by the caller). */
static int
ext4_xlist_store(struct ext2_node *en, struct ext4_xlist *xl)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t cap = (em->em_bsize - EXT4_EXT_HDR_SIZE) / EXT4_EXT_ENTRY_SIZE;
	size_t counts[EXT4_EXT_MAX_DEPTH], total = 0, nnew, i, off;
	struct ext4_level lv[EXT4_EXT_MAX_DEPTH + 1];
	uint8_t iblk[EXT2_I_BLOCK_SIZE];
	uint64_t *blks = NULL;
	uint32_t *keys = NULL;
	int depth, d, error;

	if ((depth = ext4_shape(xl->x_n, cap, counts)) < 0)
		return EFBIG;
	for (d = 0; d < depth; d++)
		total += counts[d];
	if (total > 0 && ((blks = kmem_alloc(total * sizeof(*blks))) == NULL ||
	    (keys = kmem_alloc(total * sizeof(*keys))) == NULL)) {
		error = ENOMEM;
		goto out;
	}
	if ((error = ext4_tree_blocks(en, xl, total, blks, &nnew)) != 0)
		goto out;
	for (d = 0, off = 0; d < depth; d++) {
		lv[d].lv_n = counts[d];
		lv[d].lv_blk = blks + off;
		lv[d].lv_key = keys + off;
		off += counts[d];
		error = ext4_write_level(en, xl, d == 0 ? NULL : &lv[d - 1],
		    &lv[d], cap, (uint16_t)d);
		if (error != 0)
			goto out;
	}
	/* The root, in the inode. */
	memset(iblk, 0, sizeof(iblk));
	if (depth == 0) {
		ext4_hdr_encode(iblk, (uint16_t)xl->x_n, EXT4_ROOT_MAX, 0);
		for (i = 0; i < xl->x_n; i++)
			ext4_extent_encode(iblk + EXT4_EXT_HDR_SIZE +
			    i * EXT4_EXT_ENTRY_SIZE, &xl->x_ext[i]);
	} else {
		ext4_hdr_encode(iblk, (uint16_t)lv[depth - 1].lv_n,
		    EXT4_ROOT_MAX, (uint16_t)depth);
		for (i = 0; i < lv[depth - 1].lv_n; i++)
			ext4_extidx_encode(iblk + EXT4_EXT_HDR_SIZE +
			    i * EXT4_EXT_ENTRY_SIZE, lv[depth - 1].lv_key[i],
			    lv[depth - 1].lv_blk[i]);
	}
	ext2_node_set_iblock(en, iblk);
	ext2_node_addblocks(en, (int64_t)nnew);
	/* Old tree blocks not reused. */
	for (i = total; i < xl->x_ntblk && error == 0; i++) {
		error = ext2_free_blocks(em, xl->x_tblk[i], 1, true);
		ext2_node_addblocks(en, -1);
	}
out:
	if (blks != NULL)
		kmem_free(blks, total * sizeof(*blks));
	if (keys != NULL)
		kmem_free(keys, total * sizeof(*keys));
	return error;
}

/* Can b follow a directly (same state, adjacent, short enough)? */
static bool
ext4_mergeable(const struct ext4_extent *a, const struct ext4_extent *b)
{
	uint32_t max = a->ee_unwritten ? EXT4_EXT_INIT_MAX_LEN - 1 :
	    EXT4_EXT_INIT_MAX_LEN;

	return a->ee_unwritten == b->ee_unwritten &&
	    (uint64_t)a->ee_block + a->ee_len == b->ee_block &&
	    a->ee_start + a->ee_len == b->ee_start &&
	    a->ee_len + b->ee_len <= max;
}

/* Insert ex (in a hole) keeping order, merging with its neighbours. */
static int
ext4_xlist_insert(struct ext4_xlist *xl, const struct ext4_extent *ex)
{
	size_t i, pos = xl->x_n;
	int error;

	for (i = 0; i < xl->x_n; i++)
		if (xl->x_ext[i].ee_block > ex->ee_block) {
			pos = i;
			break;
		}
	if (pos > 0 && ext4_mergeable(&xl->x_ext[pos - 1], ex)) {
		xl->x_ext[pos - 1].ee_len += ex->ee_len;
		pos--;
	} else {
		if ((error = ext4_xlist_push(xl, ex)) != 0)
			return error;
		memmove(&xl->x_ext[pos + 1], &xl->x_ext[pos],
		    (xl->x_n - 1 - pos) * sizeof(*xl->x_ext));
		xl->x_ext[pos] = *ex;
	}
	if (pos + 1 < xl->x_n &&
	    ext4_mergeable(&xl->x_ext[pos], &xl->x_ext[pos + 1])) {
		xl->x_ext[pos].ee_len += xl->x_ext[pos + 1].ee_len;
		memmove(&xl->x_ext[pos + 1], &xl->x_ext[pos + 2],
		    (xl->x_n - 2 - pos) * sizeof(*xl->x_ext));
		xl->x_n--;
	}
	return 0;
}

/* Goal for blocks at lblk: after the extent before it, or near it. */
static uint64_t
ext4_xlist_goal(struct ext2_node *en, const struct ext4_xlist *xl,
    uint64_t lblk)
{
	size_t i;

	for (i = xl->x_n; i > 0; i--) {
		const struct ext4_extent *ex = &xl->x_ext[i - 1];

		if (ex->ee_block < lblk)
			return ex->ee_start + (lblk - ex->ee_block);
	}
	if (xl->x_n > 0 && xl->x_ext[0].ee_start > xl->x_ext[0].ee_block -
	    lblk)
		return xl->x_ext[0].ee_start - (xl->x_ext[0].ee_block - lblk);
	return ext2_goal(en);
}

/* Mark the unwritten extent holding lblk written; map it whole. */
static int
ext4_ext_convert(struct ext2_node *en, struct ext4_xlist *xl, uint64_t lblk,
    struct ext2_blkmap *map)
{
	struct ext4_extent *ex;
	size_t i;

	for (i = 0; i < xl->x_n; i++) {
		ex = &xl->x_ext[i];
		if (lblk >= ex->ee_block && lblk < (uint64_t)ex->ee_block +
		    ex->ee_len && ex->ee_unwritten) {
			ex->ee_unwritten = false;
			map->bm_lblk = ex->ee_block;
			map->bm_count = ex->ee_len;
			map->bm_pblk = ex->ee_start;
			map->bm_flags = BMAP_UNWRITTEN;
			return ext4_xlist_store(en, xl);
		}
	}
	return FS_CORRUPT(EXT2_FSNAME, "inode %u: unwritten extent vanished",
	    en->en_ino);
}

/*
 * Map lblk of an extent-mapped file for writing: an existing mapping,
 * or up to want new blocks (BMAP_NEW) allocated into the hole.
 */
int
ext4_ext_alloc(struct ext2_node *en, uint64_t lblk, uint64_t want,
    struct ext2_blkmap *map)
{
	struct ext4_xlist xl;
	struct ext4_extent ex;
	uint64_t start, cnt, n;
	int error;

	if ((error = ext2_bmap_blocks(en, lblk, map)) != 0)
		return error;
	if (map->bm_flags == 0)
		return 0;
	if (lblk >= UINT32_MAX)
		return EFBIG;
	if ((error = ext4_xlist_load(en, &xl)) != 0)
		goto out;
	if (map->bm_flags & BMAP_UNWRITTEN) {
		error = ext4_ext_convert(en, &xl, lblk, map);
		goto out_write;
	}
	n = MIN(MIN(want, map->bm_count), (uint64_t)EXT4_EXT_INIT_MAX_LEN);
	n = MIN(n, (uint64_t)UINT32_MAX - lblk);
	error = ext2_alloc_blocks(en->en_mount, ext4_xlist_goal(en, &xl, lblk),
	    MAX(n, 1), &start, &cnt);
	if (error != 0)
		goto out;
	ex.ee_block = (uint32_t)lblk;
	ex.ee_len = (uint32_t)cnt;
	ex.ee_start = start;
	ex.ee_unwritten = false;
	if ((error = ext4_xlist_insert(&xl, &ex)) == 0)
		error = ext4_xlist_store(en, &xl);
	if (error != 0) {
		(void)ext2_free_blocks(en->en_mount, start, cnt, false);
		goto out;
	}
	ext2_node_addblocks(en, (int64_t)cnt);
	map->bm_lblk = lblk;
	map->bm_count = cnt;
	map->bm_pblk = start;
	map->bm_flags = BMAP_NEW;
out_write:
	if (error == 0)
		error = ext2_node_write(en);
out:
	ext4_xlist_free(&xl);
	return error;
}

/* Free every block of the file at or after logical block keep. */
int
ext4_ext_trunc(struct ext2_node *en, uint64_t keep)
{
	struct ext2_mount *em = en->en_mount;
	bool meta = en->en_type != VREG;
	struct ext4_xlist xl;
	struct ext4_extent *ex;
	uint64_t end, cut;
	size_t i, n = 0;
	int error;

	if ((error = ext4_xlist_load(en, &xl)) != 0)
		goto out;
	for (i = 0; i < xl.x_n && error == 0; i++) {
		ex = &xl.x_ext[i];
		end = (uint64_t)ex->ee_block + ex->ee_len;
		if (end <= keep) {
			n++;
			continue;
		}
		cut = ex->ee_block >= keep ? 0 : keep - ex->ee_block;
		error = ext2_free_blocks(em, ex->ee_start + cut,
		    ex->ee_len - cut, meta);
		if (error != 0)
			break;
		ext2_node_addblocks(en, -(int64_t)(ex->ee_len - cut));
		if (cut > 0) {
			ex->ee_len = (uint32_t)cut;
			n++;
		}
	}
	if (error == 0) {
		xl.x_n = n;
		error = ext4_xlist_store(en, &xl);
	}
	if (error == 0)
		error = ext2_node_write(en);
out:
	ext4_xlist_free(&xl);
	return error;
}
