/*
 * ext2_iwrite.c: changing inodes.  A node's raw inode (en_raw) is the
 * truth: the setters here patch its bytes, keep the decoded copy
 * (en_di, en_size) in step, and ext2_node_write checksums it and puts
 * it into its inode table block, so fields this driver does not know
 * survive every change.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_I_MODE		0x00
#define EXT2_I_UID		0x02
#define EXT2_I_SIZE		0x04
#define EXT2_I_DTIME		0x14
#define EXT2_I_GID		0x18
#define EXT2_I_LINKS		0x1A
#define EXT2_I_BLOCKS		0x1C
#define EXT2_I_FLAGS		0x20
#define EXT2_I_GEN		0x64
#define EXT2_I_SIZE_HI		0x6C
#define EXT2_I_BLOCKS_HI	0x74
#define EXT2_I_UID_HI		0x78
#define EXT2_I_GID_HI		0x7A
#define EXT2_DEF_EXTRA_ISIZE	32

/* Bytes of the inode in use: 128 plus i_extra_isize. */
static uint32_t
ext2_node_used(const struct ext2_node *en)
{
	return EXT2_GOOD_OLD_INODE_SIZE + (en->en_mount->em_isize >
	    EXT2_GOOD_OLD_INODE_SIZE ? en->en_di.di_extra_isize : 0);
}

static void
ext2_node_redecode(struct ext2_node *en)
{
	ext2_dinode_decode(en->en_raw, en->en_mount->em_isize, &en->en_di);
}

/* An empty extent tree root in i_block (ib: EXT2_I_BLOCK_SIZE bytes). */
void
ext4_ext_root_init(uint8_t *ib)
{
	le16enc(ib + 0, EXT4_EXT_MAGIC);
	le16enc(ib + 2, 0);
	le16enc(ib + 4, (EXT2_I_BLOCK_SIZE - EXT4_EXT_HDR_SIZE) /
	    EXT4_EXT_ENTRY_SIZE);
	le16enc(ib + 6, 0);
}

/* Where inode ino lives in the inode table: block and byte offset. */
void
ext2_inode_where(const struct ext2_mount *em, uint32_t ino, uint64_t *pblk,
    uint32_t *off)
{
	uint32_t ipg = em->em_sb.s_inodes_per_group;
	uint64_t byte = (uint64_t)((ino - 1) % ipg) * em->em_isize;

	*pblk = em->em_gds[(ino - 1) / ipg].gd_inode_table +
	    (byte >> em->em_bshift);
	*off = (uint32_t)(byte & (em->em_bsize - 1));
}

/* Checksum the raw inode and copy it into the inode table. */
int
ext2_node_write(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;
	uint64_t pblk;
	uint32_t off;
	struct buf *bp;
	int error;

	KASSERT(em->em_writable);
	ext2_inode_where(em, en->en_ino, &pblk, &off);
	if ((error = ext2_bread(em, pblk, &bp)) != 0)
		return error;
	/* An orphan's chain link may change under us: stamp it and copy
	 * the inode with the chain held still (ext2_orphan.c). */
	mutex_enter(&em->em_olock);
	ext2_orphan_istamp(en);
	if (em->em_metacsum)
		ext2_inode_csum_set(em, en->en_raw, en->en_csum_seed);
	ext2_node_redecode(en);
	memcpy((uint8_t *)bp->b_data + off, en->en_raw, em->em_isize);
	mutex_exit(&em->em_olock);
	bdwrite(bp);
	return 0;
}

/*
 * Store ts in the seconds field at off and, if the inode is large
 * enough, the _extra word at extraoff (epoch bits, nanoseconds).
 */
void
ext2_node_settime(struct ext2_node *en, uint32_t off, uint32_t extraoff,
    const struct ktimespec *ts)
{
	uint32_t epoch = (uint32_t)(((ts->tv_sec - (int64_t)(int32_t)
	    ts->tv_sec) >> 32) & 3);

	le32enc(en->en_raw + off, (uint32_t)ts->tv_sec);
	if (extraoff + 4 <= ext2_node_used(en))
		le32enc(en->en_raw + extraoff, epoch |
		    ((uint32_t)ts->tv_nsec << 2));
	ext2_node_redecode(en);
}

/* Set mtime (m) and ctime (c) to now. */
void
ext2_node_touch(struct ext2_node *en, bool m, bool c)
{
	struct ktimespec now;

	getnanotime(&now);
	if (m)
		ext2_node_settime(en, EXT2_I_MTIME, &now);
	if (c)
		ext2_node_settime(en, EXT2_I_CTIME, &now);
}

/* The size (i_size_high only for regular files, as old dirs use it). */
void
ext2_node_setsize(struct ext2_node *en, int64_t size)
{
	struct ext2_mount *em = en->en_mount;

	le32enc(en->en_raw + EXT2_I_SIZE, (uint32_t)size);
	if (en->en_type == VREG || em->em_largedir)
		le32enc(en->en_raw + EXT2_I_SIZE_HI,
		    (uint32_t)((uint64_t)size >> 32));
	if (en->en_type == VREG && size > INT32_MAX)
		ext2_feature_ro_set(em, EXT2_FEATURE_RO_COMPAT_LARGE_FILE);
	en->en_size = size;
	ext2_node_redecode(en);
}

void
ext2_node_setlinks(struct ext2_node *en, uint16_t links)
{
	le16enc(en->en_raw + EXT2_I_LINKS, links);
	ext2_node_redecode(en);
}

void
ext2_node_setflags(struct ext2_node *en, uint32_t flags)
{
	le32enc(en->en_raw + EXT2_I_FLAGS, flags);
	ext2_node_redecode(en);
}

void
ext2_node_set_iblock(struct ext2_node *en, const uint8_t *iblk)
{
	memcpy(en->en_raw + EXT2_I_BLOCK_OFF, iblk, EXT2_I_BLOCK_SIZE);
	ext2_node_redecode(en);
}

/*
 * Add (or with a negative count take) nblocks file system blocks to
 * i_blocks, kept in 512-byte sectors while they fit in 48 bits (32
 * without huge_file) and in blocks (EXT4_HUGE_FILE_FL) beyond.
 */
void
ext2_node_addblocks(struct ext2_node *en, int64_t nblocks)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t sh = em->em_bshift - 9, flags = en->en_di.di_flags;
	bool huge = (em->em_sb.s_feature_ro_compat &
	    EXT4_FEATURE_RO_COMPAT_HUGE_FILE) != 0;
	uint64_t sect = en->en_di.di_blocks, v;

	if (huge && (flags & EXT4_HUGE_FILE_FL))
		sect <<= sh;
	if (nblocks < 0 && (uint64_t)-nblocks << sh > sect)
		sect = 0;
	else
		sect += (uint64_t)nblocks << sh;
	flags &= ~(uint32_t)EXT4_HUGE_FILE_FL;
	v = sect;
	if (huge && sect >= (uint64_t)1 << 48) {
		flags |= EXT4_HUGE_FILE_FL;
		v = sect >> sh;
	} else if (!huge && sect > UINT32_MAX)
		v = UINT32_MAX;	/* cannot happen: see ext2_maxfilesize */
	le32enc(en->en_raw + EXT2_I_BLOCKS, (uint32_t)v);
	if (huge)
		le16enc(en->en_raw + EXT2_I_BLOCKS_HI, (uint16_t)(v >> 32));
	le32enc(en->en_raw + EXT2_I_FLAGS, flags);
	ext2_node_redecode(en);
}

/*
 * Largest file size: 2^32 blocks with extents, the indirect tree's
 * reach without, and without huge_file what i_blocks can count.
 */
int64_t
ext2_maxfilesize(const struct ext2_mount *em, bool extents)
{
	uint64_t p = em->em_bsize / 4, blocks;

	if (extents)
		blocks = (uint64_t)UINT32_MAX;
	else
		blocks = MIN(EXT2_NDADDR + p + p * p + p * p * p,
		    (uint64_t)UINT32_MAX);
	if (!(em->em_sb.s_feature_ro_compat &
	    EXT4_FEATURE_RO_COMPAT_HUGE_FILE)) {
		/*
		 * i_blocks counts 2^32 - 1 sectors: as Linux, leave room
		 * for every indirect block a full tree has (tree blocks of
		 * an extent file are few, and Linux leaves none for them).
		 */
		uint64_t lim = (uint64_t)UINT32_MAX >> (em->em_bshift - 9);
		uint64_t meta = extents ? 0 : 3 + 2 * p + p * p;

		blocks = MIN(blocks, lim > meta ? lim - meta : lim / 2);
	}
	if (!(em->em_sb.s_feature_ro_compat &
	    EXT2_FEATURE_RO_COMPAT_LARGE_FILE) &&
	    em->em_sb.s_rev_level == EXT2_GOOD_OLD_REV)
		return INT32_MAX;
	return (int64_t)(blocks << em->em_bshift);
}

/*
 * A fresh inode in raw (em_isize bytes): mode, owner, all times now,
 * the extra size Linux gives new inodes, a new generation, and (extents,
 * on an extents file system) an empty extent tree.
 * The caller sets the link count and writes it.
 */
int
ext2_node_init(struct ext2_mount *em, uint32_t ino, uint16_t mode,
    uint32_t uid, uint32_t gid, bool extents, uint8_t *raw)
{
	struct ext2_node tmp;
	struct ktimespec now;
	uint32_t extra = 0;
	uint8_t *ib = raw + EXT2_I_BLOCK_OFF;

	memset(raw, 0, em->em_isize);
	le16enc(raw + EXT2_I_MODE, mode);
	le16enc(raw + EXT2_I_UID, (uint16_t)uid);
	le16enc(raw + EXT2_I_UID_HI, (uint16_t)(uid >> 16));
	le16enc(raw + EXT2_I_GID, (uint16_t)gid);
	le16enc(raw + EXT2_I_GID_HI, (uint16_t)(gid >> 16));
	if (em->em_isize > EXT2_GOOD_OLD_INODE_SIZE) {
		extra = em->em_sb.s_want_extra_isize;
		if (extra < EXT2_DEF_EXTRA_ISIZE)
			extra = EXT2_DEF_EXTRA_ISIZE;
		extra = MIN(extra, em->em_isize - EXT2_GOOD_OLD_INODE_SIZE);
		extra &= ~3U;
		le16enc(raw + EXT2_I_EXTRA_ISIZE_OFF, (uint16_t)extra);
	}
	mutex_enter(&em->em_lock);
	le32enc(raw + EXT2_I_GEN, em->em_gen++);
	mutex_exit(&em->em_lock);
	if (extents && (em->em_sb.s_feature_incompat &
	    EXT4_FEATURE_INCOMPAT_EXTENTS)) {
		le32enc(raw + EXT2_I_FLAGS, EXT4_EXTENTS_FL);
		ext4_ext_root_init(ib);
	}
	/* Times through the setter, which knows what fits. */
	memset(&tmp, 0, sizeof(tmp));
	tmp.en_mount = em;
	tmp.en_raw = raw;
	tmp.en_ino = ino;
	ext2_dinode_decode(raw, em->em_isize, &tmp.en_di);
	getnanotime(&now);
	ext2_node_settime(&tmp, EXT2_I_ATIME, &now);
	ext2_node_settime(&tmp, EXT2_I_CTIME, &now);
	ext2_node_settime(&tmp, EXT2_I_MTIME, &now);
	if (extra + EXT2_GOOD_OLD_INODE_SIZE >= EXT2_I_CRTIME_END)
		ext2_node_settime(&tmp, EXT2_I_CRTIME, &now);
	return 0;
}

/* Where a file's blocks should go: the start of its (flex) group. */
uint64_t
ext2_goal(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t g = (en->en_ino - 1) / em->em_sb.s_inodes_per_group;
	uint32_t lg = em->em_sb.s_log_groups_per_flex;

	if ((em->em_sb.s_feature_incompat & EXT4_FEATURE_INCOMPAT_FLEX_BG) &&
	    lg < 31)
		g &= ~((1U << lg) - 1);
	if (g >= em->em_ngroups)
		g = 0;
	return ext2_group_first(em, g);
}
