/*
 * ext2_alloc.c: block and inode allocation through the group bitmaps.
 *
 * Every change to a bitmap updates, under em_lock and in this order: the
 * bitmap block (through the buffer cache), its checksum and the free
 * count in the group descriptor, the descriptor's flags (a group that
 * gets its first allocation loses BLOCK_UNINIT / INODE_UNINIT) and its
 * checksum (ext2_gd_commit).  The superblock's free counts are summed
 * from the descriptors when it is written (ext2_rw_sync), as Linux does.
 *
 * A group still marked BLOCK_UNINIT has no valid bitmap on disk: it is
 * built here from the group's own metadata (superblock and descriptor
 * backups, and its bitmaps and inode table when they lie inside it) and
 * used only if the free count it gives matches the descriptor's, so a
 * layout this code does not understand is never allocated from.
 *
 * Allocation takes the first free block at or after a goal and extends
 * the run as far as the caller wants and the bitmap allows, so a file
 * written front to back gets one extent per free stretch.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/lwp.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_GD_FREEB	0x0C, 0x2C	/* lo, hi offsets in a descriptor */
#define EXT2_GD_FREEI	0x0E, 0x2E
#define EXT2_GD_DIRS	0x10, 0x30
#define EXT2_GD_UNUSED	0x1C, 0x32
#define EXT2_GD_FLAGS	0x12
#define EXT2_GD_BBCSUM_HI 0x38
#define EXT2_SB_DEF_RESUID 0x50	/* in the superblock */
#define EXT2_SB_DEF_RESGID 0x52
#define EXT2_GD_IBCSUM_HI 0x3A

static uint8_t *
ext2_gdraw(struct ext2_mount *em, uint32_t g)
{
	return em->em_gdraw + (size_t)g * em->em_descsize;
}

/* Store a 32-bit count split in 16-bit halves (hi only with 64bit). */
static void
ext2_gd_put(struct ext2_mount *em, uint32_t g, uint32_t lo, uint32_t hi,
    uint32_t v)
{
	uint8_t *raw = ext2_gdraw(em, g);

	le16enc(raw + lo, (uint16_t)v);
	if (em->em_descsize >= EXT2_MIN_DESC_SIZE_64)
		le16enc(raw + hi, (uint16_t)(v >> 16));
}

/* First block of group g. */
uint64_t
ext2_group_first(const struct ext2_mount *em, uint32_t g)
{
	return em->em_sb.s_first_data_block +
	    (uint64_t)g * em->em_sb.s_blocks_per_group;
}

/* Blocks in group g (the last one may be short). */
static uint32_t
ext2_group_nblocks(const struct ext2_mount *em, uint32_t g)
{
	uint64_t left = em->em_sb.s_blocks_count - ext2_group_first(em, g);

	return (uint32_t)MIN(left, (uint64_t)em->em_sb.s_blocks_per_group);
}

uint64_t
ext2_free_blocks_total(const struct ext2_mount *em)
{
	uint64_t n = 0;
	uint32_t g;

	for (g = 0; g < em->em_ngroups; g++)
		n += em->em_gds[g].gd_free_blocks;
	return n;
}

static inline bool
isset8(const uint8_t *m, uint32_t i)
{
	return (m[i >> 3] >> (i & 7)) & 1;
}

static inline void
set8(uint8_t *m, uint32_t i)
{
	m[i >> 3] |= (uint8_t)(1U << (i & 7));
}

static inline void
clr8(uint8_t *m, uint32_t i)
{
	m[i >> 3] &= (uint8_t)~(1U << (i & 7));
}

/* Mark blocks [b, b + n) in group g's bitmap m when they lie in g. */
static void
ext2_mark_in_group(const struct ext2_mount *em, uint32_t g, uint8_t *m,
    uint64_t b, uint64_t n)
{
	uint64_t first = ext2_group_first(em, g);
	uint64_t end = first + ext2_group_nblocks(em, g);

	for (; n > 0; b++, n--)
		if (b >= first && b < end)
			set8(m, (uint32_t)(b - first));
}

/* Superblock and descriptor blocks at the start of group g. */
static uint64_t
ext2_group_overhead(const struct ext2_mount *em, uint32_t g)
{
	const struct ext2_super *sb = &em->em_sb;
	uint32_t perblock = em->em_bsize / em->em_descsize, mg, idx;
	uint64_t n = 0;

	if (ext2_bg_has_super(em, g)) {
		n = 1;
		if (!(sb->s_feature_incompat & EXT2_FEATURE_INCOMPAT_META_BG))
			return n + em->em_gdblocks + sb->s_reserved_gdt_blocks;
		n += sb->s_first_meta_bg + sb->s_reserved_gdt_blocks;
	}
	if (sb->s_feature_incompat & EXT2_FEATURE_INCOMPAT_META_BG) {
		mg = g / perblock;
		idx = g % perblock;
		if (mg >= sb->s_first_meta_bg &&
		    (idx == 0 || idx == 1 || idx == perblock - 1))
			n++;
	}
	return n;
}

/*
 * Build the bitmap of a BLOCK_UNINIT group in m (em_bsize bytes).  EIO
 * (logged) if the result disagrees with the descriptor's free count.
 */
static int
ext2_init_block_bitmap(struct ext2_mount *em, uint32_t g, uint8_t *m)
{
	const struct ext2_gd *gd = &em->em_gds[g];
	uint64_t itblocks = howmany((uint64_t)em->em_sb.s_inodes_per_group *
	    em->em_isize, em->em_bsize);
	uint32_t nb = ext2_group_nblocks(em, g), i, used = 0;

	memset(m, 0, em->em_bsize);
	ext2_mark_in_group(em, g, m, ext2_group_first(em, g),
	    ext2_group_overhead(em, g));
	ext2_mark_in_group(em, g, m, gd->gd_block_bitmap, 1);
	ext2_mark_in_group(em, g, m, gd->gd_inode_bitmap, 1);
	ext2_mark_in_group(em, g, m, gd->gd_inode_table, itblocks);
	for (i = 0; i < nb; i++)
		used += isset8(m, i);
	for (i = nb; i < em->em_bsize * 8; i++)
		set8(m, i);
	if (nb - used != gd->gd_free_blocks) {
		printf("ext2fs: group %u: uninitialised block bitmap would "
		    "give %u free blocks, descriptor says %u; not used\n", g,
		    nb - used, gd->gd_free_blocks);
		return EIO;
	}
	return 0;
}

/* Read group g's block bitmap (built if uninitialised). */
static int
ext2_read_block_bitmap(struct ext2_mount *em, uint32_t g, struct buf **bpp)
{
	int error;

	if ((error = ext2_bread(em, em->em_gds[g].gd_block_bitmap, bpp)) != 0)
		return error;
	if ((em->em_gds[g].gd_flags & EXT2_BG_BLOCK_UNINIT) &&
	    (error = ext2_init_block_bitmap(em, g, (*bpp)->b_data)) != 0) {
		/* Forget the made-up contents. */
		brelse(*bpp);
		bio_forget(em->em_dev, em->em_gds[g].gd_block_bitmap <<
		    em->em_bshift, em->em_bsize);
		return error;
	}
	return 0;
}

/* A block bitmap changed: checksum, flags, count; write both. */
static int
ext2_block_bitmap_done(struct ext2_mount *em, uint32_t g, struct buf *bp,
    uint32_t nfree)
{
	uint8_t *raw = ext2_gdraw(em, g);
	uint32_t csum;

	if (em->em_metacsum) {
		csum = ext2_bitmap_csum(em, bp->b_data,
		    em->em_sb.s_blocks_per_group / 8);
		le16enc(raw + EXT2_GD_BBCSUM_LO, (uint16_t)csum);
		if (em->em_descsize >= EXT2_GD_BBCSUM_HI + 2)
			le16enc(raw + EXT2_GD_BBCSUM_HI,
			    (uint16_t)(csum >> 16));
	}
	le16enc(raw + EXT2_GD_FLAGS, em->em_gds[g].gd_flags &
	    (uint16_t)~EXT2_BG_BLOCK_UNINIT);
	ext2_gd_put(em, g, EXT2_GD_FREEB, nfree);
	bdwrite(bp);
	return ext2_gd_commit(em, g);
}

/*
 * Find a free run in group g from bit `from`: the first free block and
 * as many following free ones as wanted.  Returns the length (0: none).
 */
static uint32_t
ext2_find_run(const uint8_t *m, uint32_t from, uint32_t nb, uint64_t want,
    uint32_t *bitp)
{
	uint32_t i, n;

	for (i = from; i < nb; i++) {
		if (m[i >> 3] == 0xFF && (i & 7) == 0) {
			i += 7;
			continue;
		}
		if (!isset8(m, i))
			break;
	}
	if (i >= nb)
		return 0;
	for (n = 0; i + n < nb && n < want && !isset8(m, i + n); n++)
		continue;
	*bitp = i;
	return n;
}

/* Try group g from bit from; 0 with *countp = 0 if nothing there. */
static int
ext2_alloc_in_group(struct ext2_mount *em, uint32_t g, uint32_t from,
    uint64_t want, uint64_t *startp, uint64_t *countp)
{
	uint32_t nb = ext2_group_nblocks(em, g), bit = 0, n, i;
	struct buf *bp;
	int error;

	*countp = 0;
	if (em->em_gds[g].gd_free_blocks == 0 || from >= nb)
		return 0;
	if ((error = ext2_read_block_bitmap(em, g, &bp)) != 0)
		return error == EIO ? 0 : error;
	n = ext2_find_run(bp->b_data, from, nb, want, &bit);
	if (n == 0) {
		brelse(bp);
		return 0;
	}
	if (n > em->em_gds[g].gd_free_blocks) {
		brelse(bp);
		return FS_CORRUPT(EXT2_FSNAME, "group %u: free count %u below "
		    "the bitmap's", g, em->em_gds[g].gd_free_blocks);
	}
	for (i = 0; i < n; i++)
		set8(bp->b_data, bit + i);
	*startp = ext2_group_first(em, g) + bit;
	*countp = n;
	return ext2_block_bitmap_done(em, g, bp,
	    em->em_gds[g].gd_free_blocks - n);
}

/*
 * May the caller take blocks from the reserve (s_r_blocks_count)?  Root,
 * the reserve's user (s_def_resuid) and its group (s_def_resgid) may, as
 * in Linux.  em_lock held (em_sbraw).
 */
static bool
ext2_may_use_reserve(const struct ext2_mount *em)
{
	const struct kcred *cr = kauth_cred_get();

	return cr == NULL || cr->cr_uid == 0 ||
	    cr->cr_uid == le16dec(em->em_sbraw + EXT2_SB_DEF_RESUID) ||
	    kcred_groupmember(cr, le16dec(em->em_sbraw + EXT2_SB_DEF_RESGID));
}

/*
 * Allocate up to want (>= 1) contiguous blocks, the first as close after
 * goal as possible.  ENOSPC if the file system is full (for callers who
 * may not use the reserve: when only the reserve is left).
 */
int
ext2_alloc_blocks(struct ext2_mount *em, uint64_t goal, uint64_t want,
    uint64_t *startp, uint64_t *countp)
{
	uint32_t g0, g, i, from;
	uint64_t nfree;
	int error = 0;

	KASSERT(want > 0);
	if (goal < em->em_sb.s_first_data_block ||
	    goal >= em->em_sb.s_blocks_count)
		goal = em->em_sb.s_first_data_block;
	g0 = (uint32_t)((goal - em->em_sb.s_first_data_block) /
	    em->em_sb.s_blocks_per_group);
	mutex_enter(&em->em_lock);
	*countp = 0;
	if (em->em_sb.s_r_blocks_count != 0 && !ext2_may_use_reserve(em)) {
		nfree = ext2_free_blocks_total(em);
		if (nfree <= em->em_sb.s_r_blocks_count) {
			mutex_exit(&em->em_lock);
			return ENOSPC;
		}
		want = MIN(want, nfree - em->em_sb.s_r_blocks_count);
	}
	/* Group g0 from the goal, the others whole, g0 again from 0. */
	for (i = 0; i <= em->em_ngroups && *countp == 0 && error == 0; i++) {
		g = (g0 + i) % em->em_ngroups;
		from = i == 0 ? (uint32_t)(goal - ext2_group_first(em, g)) : 0;
		error = ext2_alloc_in_group(em, g, from, want, startp, countp);
	}
	mutex_exit(&em->em_lock);
	if (error == 0 && *countp == 0)
		error = ENOSPC;
	return error;
}

/* Free [start, start + count); meta: drop cached copies too. */
int
ext2_free_blocks(struct ext2_mount *em, uint64_t start, uint64_t count,
    bool meta)
{
	uint32_t g, bit, n, i;
	uint64_t first;
	struct buf *bp;
	int error = 0;

	if (start <= em->em_sb.s_first_data_block ||
	    start >= em->em_sb.s_blocks_count ||
	    count > em->em_sb.s_blocks_count - start)
		return FS_CORRUPT(EXT2_FSNAME, "freeing blocks %llu+%llu",
		    (unsigned long long)start, (unsigned long long)count);
	if (meta)
		bio_forget(em->em_dev, start << em->em_bshift,
		    count << em->em_bshift);
	mutex_enter(&em->em_lock);
	while (count > 0 && error == 0) {
		g = (uint32_t)((start - em->em_sb.s_first_data_block) /
		    em->em_sb.s_blocks_per_group);
		first = ext2_group_first(em, g);
		bit = (uint32_t)(start - first);
		n = (uint32_t)MIN(count, (uint64_t)ext2_group_nblocks(em, g) -
		    bit);
		if ((error = ext2_read_block_bitmap(em, g, &bp)) != 0)
			break;
		for (i = 0; i < n; i++) {
			if (!isset8(bp->b_data, bit + i)) {
				brelse(bp);
				error = FS_CORRUPT(EXT2_FSNAME,
				    "freeing free block %llu",
				    (unsigned long long)(start + i));
				goto out;
			}
			clr8(bp->b_data, bit + i);
		}
		error = ext2_block_bitmap_done(em, g, bp,
		    em->em_gds[g].gd_free_blocks + n);
		start += n;
		count -= n;
	}
out:
	mutex_exit(&em->em_lock);
	return error;
}

/* An inode bitmap changed: checksum, flags, counts; write both. */
static int
ext2_inode_bitmap_done(struct ext2_mount *em, uint32_t g, struct buf *bp,
    uint32_t nfree, uint32_t ndirs, uint32_t unused)
{
	uint8_t *raw = ext2_gdraw(em, g);
	uint32_t csum;

	if (em->em_metacsum) {
		csum = ext2_bitmap_csum(em, bp->b_data,
		    em->em_sb.s_inodes_per_group / 8);
		le16enc(raw + EXT2_GD_IBCSUM_LO, (uint16_t)csum);
		if (em->em_descsize >= EXT2_GD_IBCSUM_HI + 2)
			le16enc(raw + EXT2_GD_IBCSUM_HI,
			    (uint16_t)(csum >> 16));
	}
	le16enc(raw + EXT2_GD_FLAGS, em->em_gds[g].gd_flags &
	    (uint16_t)~EXT2_BG_INODE_UNINIT);
	ext2_gd_put(em, g, EXT2_GD_FREEI, nfree);
	ext2_gd_put(em, g, EXT2_GD_DIRS, ndirs);
	if (em->em_metacsum || em->em_gdtcsum)
		ext2_gd_put(em, g, EXT2_GD_UNUSED, unused);
	bdwrite(bp);
	return ext2_gd_commit(em, g);
}

/* Read group g's inode bitmap; an uninitialised one is all free. */
static int
ext2_read_inode_bitmap(struct ext2_mount *em, uint32_t g, struct buf **bpp)
{
	uint32_t i;
	int error;

	if ((error = ext2_bread(em, em->em_gds[g].gd_inode_bitmap, bpp)) != 0)
		return error;
	if (em->em_gds[g].gd_flags & EXT2_BG_INODE_UNINIT) {
		memset((*bpp)->b_data, 0, em->em_bsize);
		for (i = em->em_sb.s_inodes_per_group; i < em->em_bsize * 8;
		    i++)
			set8((*bpp)->b_data, i);
	}
	return 0;
}

/* Take a free inode of group g, if any: *inop = 0 if none. */
static int
ext2_ialloc_group(struct ext2_mount *em, uint32_t g, bool isdir,
    uint32_t *inop)
{
	struct ext2_gd *gd = &em->em_gds[g];
	uint32_t ipg = em->em_sb.s_inodes_per_group, i, unused;
	struct buf *bp;
	int error;

	*inop = 0;
	if (gd->gd_free_inodes == 0)
		return 0;
	if ((error = ext2_read_inode_bitmap(em, g, &bp)) != 0)
		return error;
	for (i = 0; i < ipg; i++) {
		if (((uint8_t *)bp->b_data)[i >> 3] == 0xFF && (i & 7) == 0) {
			i += 7;
			continue;
		}
		if (!isset8(bp->b_data, i) &&
		    (uint64_t)g * ipg + i + 1 >= em->em_sb.s_first_ino)
			break;
	}
	if (i >= ipg) {
		brelse(bp);
		return FS_CORRUPT(EXT2_FSNAME, "group %u: %u free inodes but "
		    "a full bitmap", g, gd->gd_free_inodes);
	}
	set8(bp->b_data, i);
	unused = gd->gd_itable_unused;
	if (gd->gd_flags & EXT2_BG_INODE_UNINIT)
		unused = ipg;
	if (i >= ipg - MIN(unused, ipg))
		unused = ipg - i - 1;
	*inop = g * ipg + i + 1;
	return ext2_inode_bitmap_done(em, g, bp, gd->gd_free_inodes - 1,
	    gd->gd_used_dirs + (isdir ? 1 : 0), unused);
}

/*
 * The group to search first: a file goes next to its directory; a
 * directory to the first group from its parent's on with more free
 * inodes and blocks than the average, to spread the tree out.
 */
static uint32_t
ext2_ialloc_pref(struct ext2_mount *em, uint32_t pg, bool isdir)
{
	uint64_t avgi, avgb, sumi = 0, sumb = 0;
	uint32_t g, i;

	if (!isdir)
		return pg;
	for (g = 0; g < em->em_ngroups; g++) {
		sumi += em->em_gds[g].gd_free_inodes;
		sumb += em->em_gds[g].gd_free_blocks;
	}
	avgi = sumi / em->em_ngroups;
	avgb = sumb / em->em_ngroups;
	for (i = 0; i < em->em_ngroups; i++) {
		g = (pg + i) % em->em_ngroups;
		if (em->em_gds[g].gd_free_inodes > 0 &&
		    em->em_gds[g].gd_free_inodes >= avgi &&
		    em->em_gds[g].gd_free_blocks >= avgb)
			return g;
	}
	return pg;
}

/* Allocate an inode for a new file (isdir: a directory) in dirino. */
int
ext2_alloc_inode(struct ext2_mount *em, uint32_t dirino, bool isdir,
    uint32_t *inop)
{
	uint32_t pg = (dirino - 1) / em->em_sb.s_inodes_per_group, g0, i;
	int error = 0;

	if (pg >= em->em_ngroups)
		pg = 0;
	mutex_enter(&em->em_lock);
	g0 = ext2_ialloc_pref(em, pg, isdir);
	*inop = 0;
	for (i = 0; i < em->em_ngroups && *inop == 0 && error == 0; i++)
		error = ext2_ialloc_group(em, (g0 + i) % em->em_ngroups,
		    isdir, inop);
	mutex_exit(&em->em_lock);
	if (error == 0 && *inop == 0)
		error = ENOSPC;
	return error;
}

/* Free inode ino (its blocks are already gone). */
int
ext2_free_inode(struct ext2_mount *em, uint32_t ino, bool isdir)
{
	uint32_t ipg = em->em_sb.s_inodes_per_group;
	uint32_t g = (ino - 1) / ipg, i = (ino - 1) % ipg;
	struct ext2_gd *gd;
	struct buf *bp;
	int error;

	if (ino < em->em_sb.s_first_ino || ino > em->em_sb.s_inodes_count)
		return FS_CORRUPT(EXT2_FSNAME, "freeing inode %u", ino);
	gd = &em->em_gds[g];
	mutex_enter(&em->em_lock);
	if ((error = ext2_read_inode_bitmap(em, g, &bp)) != 0)
		goto out;
	if (!isset8(bp->b_data, i) || (isdir && gd->gd_used_dirs == 0)) {
		brelse(bp);
		error = FS_CORRUPT(EXT2_FSNAME, "freeing free inode %u", ino);
		goto out;
	}
	clr8(bp->b_data, i);
	error = ext2_inode_bitmap_done(em, g, bp, gd->gd_free_inodes + 1,
	    gd->gd_used_dirs - (isdir ? 1 : 0), gd->gd_itable_unused);
out:
	mutex_exit(&em->em_lock);
	return error;
}
