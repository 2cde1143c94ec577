/*
 * ext2_fmt.c: decoders of the ext2/3/4 on-disk structures.  Each takes a
 * pointer to raw bytes that the caller has already bounds-checked for the
 * structure's full size and fills the decoded form; none validates values
 * (that is the caller's job, with the context needed to do it).
 */
#include <sys/systm.h>
#include "fs/ext2fs/ext2_fmt.h"

void
ext2_super_decode(const uint8_t *raw, struct ext2_super *sb)
{
	int i;

	memset(sb, 0, sizeof(*sb));
	sb->s_inodes_count = le32dec(raw + 0x00);
	sb->s_blocks_count = le32dec(raw + 0x04);
	sb->s_r_blocks_count = le32dec(raw + 0x08);
	sb->s_free_blocks_count = le32dec(raw + 0x0C);
	sb->s_free_inodes_count = le32dec(raw + 0x10);
	sb->s_first_data_block = le32dec(raw + 0x14);
	sb->s_log_block_size = le32dec(raw + 0x18);
	sb->s_log_cluster_size = le32dec(raw + 0x1C);
	sb->s_blocks_per_group = le32dec(raw + 0x20);
	sb->s_inodes_per_group = le32dec(raw + 0x28);
	sb->s_mtime = le32dec(raw + 0x2C);
	sb->s_wtime = le32dec(raw + 0x30);
	sb->s_magic = le16dec(raw + EXT2_SB_MAGIC_OFF);
	sb->s_state = le16dec(raw + 0x3A);
	sb->s_rev_level = le32dec(raw + 0x4C);
	if (sb->s_rev_level == EXT2_GOOD_OLD_REV) {
		/* Revision 0 has none of the dynamic fields. */
		sb->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
		sb->s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		sb->s_checksum = le32dec(raw + EXT2_SB_CSUM_OFF);
		return;
	}
	sb->s_first_ino = le32dec(raw + 0x54);
	sb->s_inode_size = le16dec(raw + 0x58);
	sb->s_feature_compat = le32dec(raw + 0x5C);
	sb->s_feature_incompat = le32dec(raw + 0x60);
	sb->s_feature_ro_compat = le32dec(raw + 0x64);
	memcpy(sb->s_uuid, raw + 0x68, 16);
	memcpy(sb->s_volume_name, raw + 0x78, 16);
	sb->s_reserved_gdt_blocks = le16dec(raw + 0xCE);
	sb->s_journal_inum = le32dec(raw + 0xE0);
	for (i = 0; i < 4; i++)
		sb->s_hash_seed[i] = le32dec(raw + 0xEC + 4 * i);
	sb->s_def_hash_version = raw[0xFC];
	sb->s_desc_size = le16dec(raw + 0xFE);
	sb->s_first_meta_bg = le32dec(raw + 0x104);
	if (sb->s_feature_incompat & EXT4_FEATURE_INCOMPAT_64BIT) {
		sb->s_blocks_count |= (uint64_t)le32dec(raw + 0x150) << 32;
		sb->s_r_blocks_count |= (uint64_t)le32dec(raw + 0x154) << 32;
		sb->s_free_blocks_count |=
		    (uint64_t)le32dec(raw + 0x158) << 32;
	}
	sb->s_min_extra_isize = le16dec(raw + 0x15C);
	sb->s_want_extra_isize = le16dec(raw + 0x15E);
	sb->s_flags = le32dec(raw + 0x160);
	sb->s_log_groups_per_flex = raw[0x174];
	sb->s_checksum_type = raw[0x175];
	sb->s_backup_bgs[0] = le32dec(raw + 0x24C);
	sb->s_backup_bgs[1] = le32dec(raw + 0x250);
	sb->s_checksum_seed = le32dec(raw + 0x270);
	sb->s_orphan_file_inum = le32dec(raw + 0x280);
	sb->s_checksum = le32dec(raw + EXT2_SB_CSUM_OFF);
}

/*
 * A group descriptor of descsize bytes: 32 (the _lo halves only) or 64
 * and more (64bit feature: the _hi halves follow at 0x20).
 */
void
ext2_gd_decode(const uint8_t *raw, uint32_t descsize, struct ext2_gd *gd)
{
	gd->gd_block_bitmap = le32dec(raw + 0x00);
	gd->gd_inode_bitmap = le32dec(raw + 0x04);
	gd->gd_inode_table = le32dec(raw + 0x08);
	gd->gd_free_blocks = le16dec(raw + 0x0C);
	gd->gd_free_inodes = le16dec(raw + 0x0E);
	gd->gd_used_dirs = le16dec(raw + 0x10);
	gd->gd_flags = le16dec(raw + 0x12);
	gd->gd_itable_unused = le16dec(raw + 0x1C);
	gd->gd_checksum = le16dec(raw + EXT2_GD_CSUM_OFF);
	if (descsize < EXT2_MIN_DESC_SIZE_64)
		return;
	gd->gd_block_bitmap |= (uint64_t)le32dec(raw + 0x20) << 32;
	gd->gd_inode_bitmap |= (uint64_t)le32dec(raw + 0x24) << 32;
	gd->gd_inode_table |= (uint64_t)le32dec(raw + 0x28) << 32;
	gd->gd_free_blocks |= (uint32_t)le16dec(raw + 0x2C) << 16;
	gd->gd_free_inodes |= (uint32_t)le16dec(raw + 0x2E) << 16;
	gd->gd_used_dirs |= (uint32_t)le16dec(raw + 0x30) << 16;
	gd->gd_itable_unused |= (uint32_t)le16dec(raw + 0x32) << 16;
}

/* A timestamp whose _extra word sits at extraoff, if the inode has it. */
static void
ext2_dtime_decode(const uint8_t *raw, uint32_t secoff, uint32_t extraoff,
    uint32_t used, struct ext2_dtime *t)
{
	t->t_sec = (int32_t)le32dec(raw + secoff);
	t->t_hasextra = extraoff + 4 <= used;
	t->t_extra = t->t_hasextra ? le32dec(raw + extraoff) : 0;
}

/*
 * An inode of isize bytes (128 or more).  Fields beyond 128 exist only
 * within i_extra_isize, which the caller has checked to fit in isize.
 */
void
ext2_dinode_decode(const uint8_t *raw, uint32_t isize, struct ext2_dinode *di)
{
	uint32_t used = EXT2_GOOD_OLD_INODE_SIZE;

	memset(di, 0, sizeof(*di));
	if (isize > EXT2_GOOD_OLD_INODE_SIZE) {
		di->di_extra_isize = le16dec(raw + EXT2_I_EXTRA_ISIZE_OFF);
		used += di->di_extra_isize;
		if (used > isize)
			used = isize;
	}
	di->di_mode = le16dec(raw + 0x00);
	di->di_uid = le16dec(raw + 0x02) | (uint32_t)le16dec(raw + 0x78) << 16;
	di->di_size_lo = le32dec(raw + 0x04);
	di->di_size = di->di_size_lo | (uint64_t)le32dec(raw + 0x6C) << 32;
	ext2_dtime_decode(raw, 0x08, 0x8C, used, &di->di_atime);
	ext2_dtime_decode(raw, 0x0C, 0x84, used, &di->di_ctime);
	ext2_dtime_decode(raw, 0x10, 0x88, used, &di->di_mtime);
	if (used >= EXT2_I_CRTIME_END)
		ext2_dtime_decode(raw, 0x90, 0x94, used, &di->di_crtime);
	di->di_dtime = le32dec(raw + 0x14);
	di->di_gid = le16dec(raw + 0x18) | (uint32_t)le16dec(raw + 0x7A) << 16;
	di->di_links = le16dec(raw + 0x1A);
	di->di_blocks = le32dec(raw + 0x1C) |
	    (uint64_t)le16dec(raw + 0x74) << 32;
	di->di_flags = le32dec(raw + 0x20);
	memcpy(di->di_block, raw + EXT2_I_BLOCK_OFF, EXT2_I_BLOCK_SIZE);
	di->di_generation = le32dec(raw + 0x64);
	di->di_file_acl = le32dec(raw + 0x68) |
	    (uint64_t)le16dec(raw + 0x76) << 32;
	di->di_checksum = le16dec(raw + EXT2_I_CSUM_LO_OFF);
	if (used >= EXT2_I_CSUM_HI_END)
		di->di_checksum |=
		    (uint32_t)le16dec(raw + EXT2_I_CSUM_HI_OFF) << 16;
}

/*
 * rec_len is 16 bits; 64 KiB blocks need 65536, encoded as 65535 or 0,
 * and lengths above that would use the two low bits (always 0 in a
 * 4-byte aligned length) as bits 16-17.
 */
uint32_t
ext2_reclen_decode(uint16_t disk)
{
	if (disk == 65535 || disk == 0)
		return 65536;
	return (disk & 65532U) | ((uint32_t)(disk & 3) << 16);
}

/* Without the filetype feature, name_len is 16 bits and there is no type. */
void
ext2_dirent_decode(const uint8_t *raw, bool filetype, struct ext2_dirent *de)
{
	de->d_ino = le32dec(raw + 0);
	de->d_reclen = ext2_reclen_decode(le16dec(raw + 4));
	if (filetype) {
		de->d_namelen = raw[6];
		de->d_type = raw[7];
	} else {
		de->d_namelen = le16dec(raw + 6);
		de->d_type = EXT2_FT_UNKNOWN;
	}
}

void
ext4_exthdr_decode(const uint8_t *raw, struct ext4_exthdr *eh)
{
	eh->eh_magic = le16dec(raw + 0);
	eh->eh_entries = le16dec(raw + 2);
	eh->eh_max = le16dec(raw + 4);
	eh->eh_depth = le16dec(raw + 6);
	eh->eh_generation = le32dec(raw + 8);
}

/* ee_len above 32768 marks an unwritten extent of ee_len - 32768 blocks. */
void
ext4_extent_decode(const uint8_t *raw, struct ext4_extent *ex)
{
	uint16_t len = le16dec(raw + 4);

	ex->ee_block = le32dec(raw + 0);
	ex->ee_unwritten = len > EXT4_EXT_INIT_MAX_LEN;
	ex->ee_len = ex->ee_unwritten ? len - EXT4_EXT_INIT_MAX_LEN : len;
	ex->ee_start = le32dec(raw + 8) | (uint64_t)le16dec(raw + 6) << 32;
}

void
ext4_extidx_decode(const uint8_t *raw, struct ext4_extidx *ei)
{
	ei->ei_block = le32dec(raw + 0);
	ei->ei_leaf = le32dec(raw + 4) | (uint64_t)le16dec(raw + 8) << 32;
}

void
ext2_xattr_bhdr_decode(const uint8_t *raw, struct ext2_xattr_bhdr *h)
{
	h->h_magic = le32dec(raw + 0x00);
	h->h_refcount = le32dec(raw + 0x04);
	h->h_blocks = le32dec(raw + 0x08);
	h->h_hash = le32dec(raw + 0x0C);
	h->h_checksum = le32dec(raw + EXT2_XATTR_BCSUM_OFF);
}

void
ext2_xattr_entry_decode(const uint8_t *raw, struct ext2_xattr_entry *e)
{
	e->e_name_len = raw[0];
	e->e_name_index = raw[1];
	e->e_value_offs = le16dec(raw + 2);
	e->e_value_inum = le32dec(raw + 4);
	e->e_value_size = le32dec(raw + 8);
	e->e_hash = le32dec(raw + 12);
}

void
ext2_dx_root_info_decode(const uint8_t *raw, struct ext2_dx_root_info *ri)
{
	ri->ri_reserved = le32dec(raw + 0);
	ri->ri_hash_version = raw[4];
	ri->ri_info_length = raw[5];
	ri->ri_levels = raw[6];
	ri->ri_flags = raw[7];
}

void
ext2_dx_countlimit_decode(const uint8_t *raw, struct ext2_dx_countlimit *cl)
{
	cl->cl_limit = le16dec(raw + 0);
	cl->cl_count = le16dec(raw + 2);
}

/* Entry 0 shares its hash slot with the count/limit pair. */
void
ext2_dx_entry_decode(const uint8_t *raw, struct ext2_dx_entry *de)
{
	de->de_hash = le32dec(raw + 0);
	de->de_block = le32dec(raw + 4);
}

/*
 * The _extra word extends the signed 32-bit seconds by two epoch bits
 * (to year 2446) and carries the nanoseconds in its upper 30 bits.
 */
void
ext2_dtime_to_ts(const struct ext2_dtime *t, struct ktimespec *ts)
{
	ts->tv_sec = t->t_sec;
	ts->tv_nsec = 0;
	if (!t->t_hasextra)
		return;
	ts->tv_sec += (int64_t)(t->t_extra & 3) << 32;
	ts->tv_nsec = t->t_extra >> 2;
	if (ts->tv_nsec > 999999999)
		ts->tv_nsec = 999999999;
}
