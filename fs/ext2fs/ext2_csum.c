/*
 * ext2_csum.c: metadata checksums.  With metadata_csum every structure
 * carries a crc32c (sys/libkern.h: no final inversion, as ext4 computes
 * it) seeded by the file system's seed, and for per-inode structures
 * (extent blocks, directory blocks, htree nodes) by the inode number and
 * generation too.  gdt_csum protects only the group descriptors, with a
 * crc16 over the UUID, the group number and the descriptor.
 *
 * Checksum fields are excluded by hashing around them (or as zeros), so
 * the raw buffers are never modified here.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

static const uint8_t ext2_zeros[4];

/* The per-inode seed: the file system seed, the inode number and gen. */
uint32_t
ext2_inode_csum_seed(const struct ext2_mount *em, uint32_t ino, uint32_t gen)
{
	uint8_t le[4];
	uint32_t crc;

	le32enc(le, ino);
	crc = crc32c(em->em_csum_seed, le, 4);
	le32enc(le, gen);
	return crc32c(crc, le, 4);
}

/* The superblock: crc32c(~0) of everything before s_checksum. */
bool
ext2_super_csum_ok(const uint8_t *raw)
{
	return crc32c(~0U, raw, EXT2_SB_CSUM_OFF) ==
	    le32dec(raw + EXT2_SB_CSUM_OFF);
}

/*
 * The checksum a group descriptor should carry: the low 16 bits of a
 * crc32c (metadata_csum) or a crc16 (gdt_csum); 0 with neither.
 */
uint16_t
ext2_gd_csum(const struct ext2_mount *em, uint32_t group, const uint8_t *raw)
{
	uint32_t off = EXT2_GD_CSUM_OFF + 2, crc;
	uint8_t le[4];
	uint16_t c16;

	le32enc(le, group);
	if (em->em_metacsum) {
		crc = crc32c(em->em_csum_seed, le, 4);
		crc = crc32c(crc, raw, EXT2_GD_CSUM_OFF);
		crc = crc32c(crc, ext2_zeros, 2);
		if (off < em->em_descsize)
			crc = crc32c(crc, raw + off, em->em_descsize - off);
		return (uint16_t)crc;
	}
	if (!em->em_gdtcsum)
		return 0;
	c16 = crc16(0xFFFF, em->em_sb.s_uuid, 16);
	c16 = crc16(c16, le, 4);
	c16 = crc16(c16, raw, EXT2_GD_CSUM_OFF);
	if (em->em_64bit && off < em->em_descsize)
		c16 = crc16(c16, raw + off, em->em_descsize - off);
	return c16;
}

/*
 * An inode: crc32c over all em_isize bytes with both checksum halves
 * taken as zero.  The high half exists only when i_extra_isize covers
 * it; otherwise only the low 16 bits are stored and compared.
 */
static uint32_t
ext2_inode_csum(const struct ext2_mount *em, const uint8_t *raw,
    uint32_t seed, bool *haship)
{
	uint32_t isize = em->em_isize, crc, extra;
	bool hashi = false;

	crc = crc32c(seed, raw, EXT2_I_CSUM_LO_OFF);
	crc = crc32c(crc, ext2_zeros, 2);
	crc = crc32c(crc, raw + EXT2_I_CSUM_LO_OFF + 2,
	    EXT2_GOOD_OLD_INODE_SIZE - EXT2_I_CSUM_LO_OFF - 2);
	if (isize > EXT2_GOOD_OLD_INODE_SIZE) {
		extra = le16dec(raw + EXT2_I_EXTRA_ISIZE_OFF);
		hashi = EXT2_GOOD_OLD_INODE_SIZE + extra >= EXT2_I_CSUM_HI_END;
		crc = crc32c(crc, raw + EXT2_GOOD_OLD_INODE_SIZE,
		    EXT2_I_CSUM_HI_OFF - EXT2_GOOD_OLD_INODE_SIZE);
		if (hashi) {
			crc = crc32c(crc, ext2_zeros, 2);
			crc = crc32c(crc, raw + EXT2_I_CSUM_HI_END,
			    isize - EXT2_I_CSUM_HI_END);
		} else
			crc = crc32c(crc, raw + EXT2_I_CSUM_HI_OFF,
			    isize - EXT2_I_CSUM_HI_OFF);
	}
	*haship = hashi;
	return hashi ? crc : crc & 0xFFFF;
}

bool
ext2_inode_csum_ok(const struct ext2_mount *em, const uint8_t *raw,
    uint32_t seed)
{
	uint32_t stored = le16dec(raw + EXT2_I_CSUM_LO_OFF);
	bool hashi;
	uint32_t crc = ext2_inode_csum(em, raw, seed, &hashi);

	if (hashi)
		stored |= (uint32_t)le16dec(raw + EXT2_I_CSUM_HI_OFF) << 16;
	return crc == stored;
}

void
ext2_inode_csum_set(const struct ext2_mount *em, uint8_t *raw, uint32_t seed)
{
	bool hashi;
	uint32_t crc = ext2_inode_csum(em, raw, seed, &hashi);

	le16enc(raw + EXT2_I_CSUM_LO_OFF, (uint16_t)crc);
	if (hashi)
		le16enc(raw + EXT2_I_CSUM_HI_OFF, (uint16_t)(crc >> 16));
}

/*
 * An extent tree block: the tail after eh_max entries holds the crc32c
 * of everything before it.  The caller checked that the tail fits.
 */
bool
ext4_extblock_csum_ok(const struct ext2_mount *em, const struct ext2_node *en,
    const uint8_t *blk, uint16_t eh_max)
{
	uint32_t off = EXT4_EXT_HDR_SIZE + (uint32_t)eh_max *
	    EXT4_EXT_ENTRY_SIZE;

	return crc32c(en->en_csum_seed, blk, off) == le32dec(blk + off);
}

/*
 * A directory leaf block ends in a 12-byte fake entry (inode 0, rec_len
 * 12, name_len 0, type 0xDE) holding the crc32c of the block before it.
 * *hastail says whether the block has one; if it has, 0 when the
 * checksum matches, else EFSCORRUPTED.
 */
int
ext2_dirblock_csum_check(const struct ext2_node *en, const uint8_t *blk,
    bool *hastail)
{
	uint32_t bsize = en->en_mount->em_bsize;
	const uint8_t *t = blk + bsize - EXT2_DIR_TAIL_SIZE;

	*hastail = le32dec(t) == 0 && le16dec(t + 4) == EXT2_DIR_TAIL_SIZE &&
	    t[6] == 0 && t[7] == EXT2_DIR_TAIL_FT;
	if (!*hastail)
		return 0;
	if (crc32c(en->en_csum_seed, blk, bsize - EXT2_DIR_TAIL_SIZE) !=
	    le32dec(t + 8))
		return FS_CORRUPT(EXT2_FSNAME,
		    "inode %u: directory block checksum mismatch", en->en_ino);
	return 0;
}

/*
 * An htree index block: the 8-byte tail after cl_limit entries holds
 * the crc32c of the block up to the used entries, then the tail's
 * reserved word.  cloff is the offset of the count/limit pair; the
 * caller checked that cloff + limit entries + tail fit in the block.
 */
bool
ext2_dx_csum_ok(const struct ext2_node *en, const uint8_t *blk, uint32_t cloff)
{
	struct ext2_dx_countlimit cl;
	const uint8_t *t;
	uint32_t crc;

	ext2_dx_countlimit_decode(blk + cloff, &cl);
	t = blk + cloff + (uint32_t)cl.cl_limit * EXT2_DX_ENTRY_SIZE;
	crc = crc32c(en->en_csum_seed, blk,
	    cloff + (uint32_t)cl.cl_count * EXT2_DX_ENTRY_SIZE);
	crc = crc32c(crc, t, 4);
	crc = crc32c(crc, ext2_zeros, 4);
	return crc == le32dec(t + 4);
}

/* An xattr block: seeded by its block number, h_checksum as zero. */
bool
ext2_xattr_block_csum_ok(const struct ext2_mount *em, uint64_t pblk,
    const uint8_t *blk)
{
	uint8_t le[8];
	uint32_t crc, off = EXT2_XATTR_BCSUM_OFF + 4;

	le64enc(le, pblk);
	crc = crc32c(em->em_csum_seed, le, 8);
	crc = crc32c(crc, blk, EXT2_XATTR_BCSUM_OFF);
	crc = crc32c(crc, ext2_zeros, 4);
	crc = crc32c(crc, blk + off, em->em_bsize - off);
	return crc == le32dec(blk + EXT2_XATTR_BCSUM_OFF);
}

/* Setters for the write half: the same sums, stored. */
void
ext4_extblock_csum_set(const struct ext2_node *en, uint8_t *blk,
    uint16_t eh_max)
{
	uint32_t off = EXT4_EXT_HDR_SIZE + (uint32_t)eh_max *
	    EXT4_EXT_ENTRY_SIZE;

	le32enc(blk + off, crc32c(en->en_csum_seed, blk, off));
}

/* The caller has put the 12-byte tail record at the end of blk. */
void
ext2_dirblock_csum_set(const struct ext2_node *en, uint8_t *blk)
{
	uint32_t bsize = en->en_mount->em_bsize;

	le32enc(blk + bsize - 4, crc32c(en->en_csum_seed, blk,
	    bsize - EXT2_DIR_TAIL_SIZE));
}

void
ext2_dx_csum_set(const struct ext2_node *en, uint8_t *blk, uint32_t cloff)
{
	struct ext2_dx_countlimit cl;
	uint8_t *t;
	uint32_t crc;

	ext2_dx_countlimit_decode(blk + cloff, &cl);
	t = blk + cloff + (uint32_t)cl.cl_limit * EXT2_DX_ENTRY_SIZE;
	crc = crc32c(en->en_csum_seed, blk,
	    cloff + (uint32_t)cl.cl_count * EXT2_DX_ENTRY_SIZE);
	crc = crc32c(crc, t, 4);
	crc = crc32c(crc, ext2_zeros, 4);
	le32enc(t + 4, crc);
}

/* A block or inode bitmap of nbytes: crc32c with the fs seed. */
uint32_t
ext2_bitmap_csum(const struct ext2_mount *em, const uint8_t *map,
    uint32_t nbytes)
{
	return crc32c(em->em_csum_seed, map, nbytes);
}

void
ext2_super_csum_set(uint8_t *raw)
{
	le32enc(raw + EXT2_SB_CSUM_OFF, crc32c(~0U, raw, EXT2_SB_CSUM_OFF));
}

void
ext2_xattr_block_csum_set(const struct ext2_mount *em, uint64_t pblk,
    uint8_t *blk)
{
	uint8_t le[8];
	uint32_t crc, off = EXT2_XATTR_BCSUM_OFF + 4;

	le64enc(le, pblk);
	crc = crc32c(em->em_csum_seed, le, 8);
	crc = crc32c(crc, blk, EXT2_XATTR_BCSUM_OFF);
	crc = crc32c(crc, ext2_zeros, 4);
	crc = crc32c(crc, blk + off, em->em_bsize - off);
	le32enc(blk + EXT2_XATTR_BCSUM_OFF, crc);
}
