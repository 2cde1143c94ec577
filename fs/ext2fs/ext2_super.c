/*
 * ext2_super.c: reading and validating the superblock and the group
 * descriptor table at mount time.
 *
 * Every geometry value is checked against the others and against the
 * device size before anything is derived from it, so that later code can
 * trust em_ngroups, em_gds[] and the inode table locations.  The memory
 * allocated for descriptors is bounded by the device size (the group
 * count is, through s_blocks_count <= device blocks).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ext2fs/ext2fs.h"

/* Names of the incompat features, to say which one we refuse. */
static const struct {
	uint32_t	 f_bit;		/* EXT*_FEATURE_INCOMPAT_* */
	const char	*f_name;	/* as mke2fs and dumpe2fs call it */
} ext2_incompat_names[] = {
	{ EXT2_FEATURE_INCOMPAT_COMPRESSION,	"compression" },
	{ EXT3_FEATURE_INCOMPAT_JOURNAL_DEV,	"journal_dev" },
	{ EXT4_FEATURE_INCOMPAT_EA_INODE,	"ea_inode" },
	{ EXT4_FEATURE_INCOMPAT_DIRDATA,	"dirdata" },
	{ EXT4_FEATURE_INCOMPAT_ENCRYPT,	"encrypt" },
	{ EXT4_FEATURE_INCOMPAT_CASEFOLD,	"casefold" },
};

/* Refuse a file system with an incompat feature we cannot read. */
static int
ext2_check_incompat(const struct ext2_super *sb)
{
	uint32_t bad = sb->s_feature_incompat & ~EXT2_INCOMPAT_SUPPORTED;
	size_t i;

	if (bad == 0)
		return 0;
	for (i = 0; i < __arraycount(ext2_incompat_names); i++)
		if (bad & ext2_incompat_names[i].f_bit) {
			printf("ext2fs: unsupported incompat feature %s\n",
			    ext2_incompat_names[i].f_name);
			return EINVAL;
		}
	printf("ext2fs: unsupported incompat feature 0x%x\n", bad);
	return EINVAL;
}

/* Geometry of the block size, groups and inodes. */
static int
ext2_check_geometry(struct ext2_mount *em)
{
	const struct ext2_super *sb = &em->em_sb;
	uint64_t devblocks, groups;

	if (sb->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		return FS_CORRUPT(EXT2_FSNAME, "block size 1024 << %u",
		    sb->s_log_block_size);
	em->em_bshift = EXT2_MIN_BLOCK_LOG + sb->s_log_block_size;
	em->em_bsize = 1U << em->em_bshift;
	if (sb->s_first_data_block != (em->em_bsize == 1024 ? 1U : 0U))
		return FS_CORRUPT(EXT2_FSNAME, "first data block %u",
		    sb->s_first_data_block);
	devblocks = em->em_dev->bd_size >> em->em_bshift;
	if (sb->s_blocks_count <= sb->s_first_data_block ||
	    sb->s_blocks_count > devblocks)
		return FS_CORRUPT(EXT2_FSNAME,
		    "%llu blocks, device holds %llu",
		    (unsigned long long)sb->s_blocks_count,
		    (unsigned long long)devblocks);
	if (sb->s_blocks_per_group == 0 || sb->s_blocks_per_group % 8 != 0 ||
	    sb->s_blocks_per_group > 8 * em->em_bsize)
		return FS_CORRUPT(EXT2_FSNAME, "%u blocks per group",
		    sb->s_blocks_per_group);
	groups = howmany(sb->s_blocks_count - sb->s_first_data_block,
	    (uint64_t)sb->s_blocks_per_group);
	if (groups > UINT32_MAX)
		return FS_CORRUPT(EXT2_FSNAME, "%llu groups",
		    (unsigned long long)groups);
	em->em_ngroups = (uint32_t)groups;
	if (sb->s_inodes_per_group == 0 ||
	    sb->s_inodes_per_group > 8 * em->em_bsize ||
	    (uint64_t)sb->s_inodes_per_group * groups != sb->s_inodes_count)
		return FS_CORRUPT(EXT2_FSNAME, "%u inodes per group, %u inodes",
		    sb->s_inodes_per_group, sb->s_inodes_count);
	em->em_isize = sb->s_inode_size;
	if (em->em_isize < EXT2_GOOD_OLD_INODE_SIZE ||
	    !powerof2(em->em_isize) || em->em_isize > em->em_bsize)
		return FS_CORRUPT(EXT2_FSNAME, "inode size %u", em->em_isize);
	if (sb->s_first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	    sb->s_first_ino > sb->s_inodes_count)
		return FS_CORRUPT(EXT2_FSNAME, "first inode %u",
		    sb->s_first_ino);
	return 0;
}

/* Features: what to refuse, what forces read-only, what we use. */
static int
ext2_check_features(struct ext2_mount *em)
{
	const struct ext2_super *sb = &em->em_sb;
	uint32_t ro = sb->s_feature_ro_compat;
	int error;

	if ((error = ext2_check_incompat(sb)) != 0)
		return error;
	if (ro & EXT4_FEATURE_RO_COMPAT_BIGALLOC) {
		printf("ext2fs: unsupported feature bigalloc\n");
		return EINVAL;
	}
	em->em_64bit = (sb->s_feature_incompat &
	    EXT4_FEATURE_INCOMPAT_64BIT) != 0;
	em->em_descsize = EXT2_MIN_DESC_SIZE;
	if (em->em_64bit) {
		em->em_descsize = sb->s_desc_size;
		if (em->em_descsize < EXT2_MIN_DESC_SIZE_64 ||
		    em->em_descsize > EXT2_MAX_DESC_SIZE ||
		    !powerof2(em->em_descsize) ||
		    em->em_descsize > em->em_bsize)
			return FS_CORRUPT(EXT2_FSNAME, "descriptor size %u",
			    em->em_descsize);
	}
	em->em_metacsum = (ro & EXT4_FEATURE_RO_COMPAT_METADATA_CSUM) != 0;
	em->em_gdtcsum = (ro & EXT4_FEATURE_RO_COMPAT_GDT_CSUM) != 0;
	em->em_filetype = (sb->s_feature_incompat &
	    EXT2_FEATURE_INCOMPAT_FILETYPE) != 0;
	em->em_largedir = (sb->s_feature_incompat &
	    EXT4_FEATURE_INCOMPAT_LARGEDIR) != 0;
	em->em_unsigned_hash = (sb->s_flags & EXT2_FLAGS_UNSIGNED_HASH) != 0;
	if (em->em_metacsum) {
		if (sb->s_checksum_type != EXT2_CRC32C_CHKSUM)
			return FS_CORRUPT(EXT2_FSNAME, "checksum type %u",
			    sb->s_checksum_type);
		if (!ext2_super_csum_ok(em->em_sbraw))
			return FS_CORRUPT(EXT2_FSNAME,
			    "superblock checksum mismatch");
		if (sb->s_feature_incompat & EXT4_FEATURE_INCOMPAT_CSUM_SEED)
			em->em_csum_seed = sb->s_checksum_seed;
		else
			em->em_csum_seed = crc32c(~0U, sb->s_uuid, 16);
	}
	if (sb->s_hash_seed[0] | sb->s_hash_seed[1] | sb->s_hash_seed[2] |
	    sb->s_hash_seed[3])
		memcpy(em->em_hash_seed, sb->s_hash_seed,
		    sizeof(em->em_hash_seed));
	return 0;
}

/*
 * Does group have a superblock (and descriptor) backup?  Group 0 always;
 * with sparse_super2 the two groups named in s_backup_bgs; with
 * sparse_super 1 and powers of 3, 5 and 7; otherwise every group.
 */
bool
ext2_bg_has_super(const struct ext2_mount *em, uint32_t group)
{
	const struct ext2_super *sb = &em->em_sb;
	uint64_t n;
	uint32_t base;

	if (group == 0)
		return true;
	if (sb->s_feature_compat & EXT4_FEATURE_COMPAT_SPARSE_SUPER2)
		return group == sb->s_backup_bgs[0] ||
		    group == sb->s_backup_bgs[1];
	if (!(sb->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	if (group == 1)
		return true;
	for (base = 3; base <= 7; base += 2) {
		for (n = base; n < group; n *= base)
			continue;
		if (n == group)
			return true;
	}
	return false;
}

/*
 * The block holding descriptor block number i.  Without meta_bg (or below
 * s_first_meta_bg) the table follows the superblock; with meta_bg each
 * meta group (one descriptor block's worth of groups) keeps its block in
 * its first group, after the superblock backup if that group has one.
 */
uint64_t
ext2_gdblock_loc(const struct ext2_mount *em, uint32_t i)
{
	const struct ext2_super *sb = &em->em_sb;
	uint64_t group, first;
	uint32_t perblock = em->em_bsize / em->em_descsize;

	if (!(sb->s_feature_incompat & EXT2_FEATURE_INCOMPAT_META_BG) ||
	    i < sb->s_first_meta_bg)
		return (uint64_t)sb->s_first_data_block + 1 + i;
	group = (uint64_t)i * perblock;
	first = sb->s_first_data_block + group * sb->s_blocks_per_group;
	if (group <= UINT32_MAX && ext2_bg_has_super(em, (uint32_t)group))
		first++;
	return first;
}

/* Check one decoded descriptor's locations and counts. */
static int
ext2_gd_check(const struct ext2_mount *em, uint32_t g, const uint8_t *raw,
    const struct ext2_gd *gd)
{
	uint64_t nblocks = em->em_sb.s_blocks_count;
	uint64_t itblocks = howmany((uint64_t)em->em_sb.s_inodes_per_group *
	    em->em_isize, em->em_bsize);

	if ((em->em_metacsum || em->em_gdtcsum) &&
	    ext2_gd_csum(em, g, raw) != gd->gd_checksum)
		return FS_CORRUPT(EXT2_FSNAME,
		    "group %u: descriptor checksum mismatch", g);
	if (gd->gd_block_bitmap >= nblocks || gd->gd_inode_bitmap >= nblocks ||
	    gd->gd_inode_table < em->em_sb.s_first_data_block + 1 ||
	    gd->gd_inode_table >= nblocks ||
	    itblocks > nblocks - gd->gd_inode_table)
		return FS_CORRUPT(EXT2_FSNAME,
		    "group %u: bitmap or inode table out of range", g);
	if (gd->gd_free_inodes > em->em_sb.s_inodes_per_group ||
	    gd->gd_free_blocks > em->em_sb.s_blocks_per_group)
		return FS_CORRUPT(EXT2_FSNAME, "group %u: free counts", g);
	return 0;
}

/* Read, decode and check the group descriptor table. */
static int
ext2_gd_load(struct ext2_mount *em)
{
	uint32_t perblock = em->em_bsize / em->em_descsize, i, g;
	uint64_t pblk;
	struct buf *bp;
	int error;

	em->em_gdblocks = howmany(em->em_ngroups, perblock);
	em->em_gdrawsize = (size_t)em->em_gdblocks * em->em_bsize;
	if ((em->em_gdraw = kmem_alloc(em->em_gdrawsize)) == NULL)
		return ENOMEM;
	em->em_gds = kmem_zalloc((size_t)em->em_ngroups * sizeof(*em->em_gds));
	if (em->em_gds == NULL)
		return ENOMEM;
	for (i = 0; i < em->em_gdblocks; i++) {
		pblk = ext2_gdblock_loc(em, i);
		if (pblk >= em->em_sb.s_blocks_count)
			return FS_CORRUPT(EXT2_FSNAME,
			    "descriptor block %u beyond the end", i);
		if ((error = ext2_bread(em, pblk, &bp)) != 0)
			return error;
		memcpy(em->em_gdraw + (size_t)i * em->em_bsize, bp->b_data,
		    em->em_bsize);
		brelse(bp);
	}
	for (g = 0; g < em->em_ngroups; g++) {
		const uint8_t *raw = em->em_gdraw + (size_t)g * em->em_descsize;

		ext2_gd_decode(raw, em->em_descsize, &em->em_gds[g]);
		if ((error = ext2_gd_check(em, g, raw, &em->em_gds[g])) != 0)
			return error;
	}
	return 0;
}

/* Options: only the read-only ones are known in this half. */
static int
ext2_opt(void *arg, const char *key, const char *val, bool hasval)
{
	struct ext2_mount *em = arg;

	if (hasval)
		return EINVAL;
	if (strcmp(key, "noload") == 0 || strcmp(key, "norecovery") == 0)
		em->em_norecovery = true;
	else if (strcmp(key, "ro") != 0)
		return EINVAL;
	return 0;
}

static int
ext2_parse_opts(struct ext2_mount *em, const char *opts)
{
	return vfs_opts_foreach(opts, "ext2fs", ext2_opt, em);
}

/* Log what a read-only mount cannot honour. */
static void
ext2_note_state(const struct ext2_mount *em)
{
	const struct ext2_super *sb = &em->em_sb;

	if ((sb->s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER) &&
	    !em->em_jdone)
		printf("ext2fs: %s: journal needs recovery; mounted "
		    "read-only without replay (norecovery), recent changes "
		    "in the journal are not visible\n", em->em_dev->bd_name);
	else if (!(sb->s_state & EXT2_VALID_FS) ||
	    (sb->s_state & EXT2_ERROR_FS))
		printf("ext2fs: %s: file system not clean; run e2fsck\n",
		    em->em_dev->bd_name);
}

/*
 * Read and validate the superblock and descriptors of em->em_dev into
 * em.  Unless rdonly, also check that the file system may be written
 * (ext2_rw_check).  On error the caller frees with ext2_super_free.
 */
int
ext2_super_load(struct ext2_mount *em, const char *opts, bool rdonly)
{
	struct ext2_super *sb = &em->em_sb;
	int error;

	if ((error = ext2_parse_opts(em, opts)) != 0)
		return error;
	if (em->em_dev->bd_size < EXT2_SB_OFFSET + EXT2_SB_SIZE)
		return EFTYPE;
	if ((em->em_sbraw = kmem_alloc(EXT2_SB_SIZE)) == NULL)
		return ENOMEM;
	error = blkdev_read(em->em_dev, em->em_sbraw, EXT2_SB_SIZE,
	    EXT2_SB_OFFSET);
	if (error != 0)
		return error;
	ext2_jovl_sb(em, em->em_sbraw);
	ext2_super_decode(em->em_sbraw, sb);
	if (sb->s_magic != EXT2_MAGIC)
		return EFTYPE;
	if (sb->s_rev_level > EXT2_DYNAMIC_REV)
		return FS_CORRUPT(EXT2_FSNAME, "revision %u",
		    sb->s_rev_level);
	if ((error = ext2_check_geometry(em)) != 0 ||
	    (error = ext2_check_features(em)) != 0 ||
	    (error = ext2_gd_load(em)) != 0)
		return error;
	if (!rdonly && (error = ext2_rw_check(em)) != 0)
		return error;
	if ((sb->s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER) &&
	    !em->em_jdone && !em->em_norecovery)
		return ext2_journal_recover(em, opts, rdonly);
	if (rdonly)
		ext2_note_state(em);
	return 0;
}

void
ext2_super_free(struct ext2_mount *em)
{
	if (em->em_gds != NULL)
		kmem_free(em->em_gds, (size_t)em->em_ngroups *
		    sizeof(*em->em_gds));
	if (em->em_gdraw != NULL)
		kmem_free(em->em_gdraw, em->em_gdrawsize);
	if (em->em_sbraw != NULL)
		kmem_free(em->em_sbraw, EXT2_SB_SIZE);
	em->em_gds = NULL;
	em->em_gdraw = NULL;
	em->em_sbraw = NULL;
}
