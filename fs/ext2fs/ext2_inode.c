/*
 * ext2_inode.c: reading inodes from the inode tables into nodes.
 *
 * An inode is located through its group descriptor (checked at mount),
 * copied out of the buffer cache into the node (so the buffer is not
 * held while the vnode lives), checksummed, decoded and validated.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

/* Read file system block pblk through the buffer cache. */
int
ext2_bread(struct ext2_mount *em, uint64_t pblk, struct buf **bpp)
{
	const uint8_t *rec;
	int error;

	if (pblk >= em->em_sb.s_blocks_count)
		return FS_CORRUPT(EXT2_FSNAME, "block %llu beyond the end",
		    (unsigned long long)pblk);
	error = bread(em->em_dev, pblk << em->em_bshift, em->em_bsize, bpp);
	/* A read-only mount sees what journal recovery made of it. */
	if (error == 0 && (rec = ext2_jovl_find(em, pblk)) != NULL)
		memcpy((*bpp)->b_data, rec, em->em_bsize);
	return error;
}

/* Inode table blocks read ahead of an inode's (ext2_inode_read). */
#define EXT2_INODE_RA	15

/* May a directory entry name inode ino? (Not a reserved inode.) */
bool
ext2_ino_valid(const struct ext2_mount *em, uint32_t ino)
{
	return ino == EXT2_ROOT_INO ||
	    (ino >= em->em_sb.s_first_ino && ino <= em->em_sb.s_inodes_count);
}

/*
 * Copy inode ino's raw bytes into en->en_raw.  A block of the inode
 * table read from the device brings the next ones of the same table
 * with it (as Linux's inode_readahead_blks): listing or copying a
 * directory loads its inodes in table order.
 */
static int
ext2_inode_read(struct ext2_mount *em, uint32_t ino, uint8_t *raw)
{
	uint32_t ipg = em->em_sb.s_inodes_per_group;
	uint32_t group = (ino - 1) / ipg;
	uint64_t byte = (uint64_t)((ino - 1) % ipg) * em->em_isize;
	uint64_t tblocks = ((uint64_t)ipg * em->em_isize) >> em->em_bshift;
	uint64_t pblk = em->em_gds[group].gd_inode_table +
	    (byte >> em->em_bshift);
	uint64_t nra = MIN(EXT2_INODE_RA, tblocks - 1 - (byte >> em->em_bshift));
	struct buf *bp;
	int error;

	/* Bring the cluster in (a no-op if cached); errors: ext2_bread's. */
	if (nra > 0 && pblk + nra < em->em_sb.s_blocks_count &&
	    breadn(em->em_dev, pblk << em->em_bshift, em->em_bsize, (int)nra,
	    &bp) == 0)
		brelse(bp);
	error = ext2_bread(em, pblk, &bp);
	if (error != 0)
		return error;
	memcpy(raw, (uint8_t *)bp->b_data + (byte & (em->em_bsize - 1)),
	    em->em_isize);
	brelse(bp);
	return 0;
}

/* The size of the file, as Linux reads it. */
static int
ext2_inode_size(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;
	struct ext2_dinode *di = &en->en_di;
	uint64_t size = di->di_size;

	/* Old directories used i_size_high as i_dir_acl. */
	if (en->en_type == VDIR && !em->em_largedir)
		size = di->di_size_lo;
	if (size > (uint64_t)INT64_MAX)
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: size %llu",
		    en->en_ino, (unsigned long long)size);
	if (en->en_type == VDIR && !(di->di_flags & EXT4_INLINE_DATA_FL) &&
	    (size & (em->em_bsize - 1)) != 0)
		return FS_CORRUPT(EXT2_FSNAME,
		    "inode %u: directory size %llu not in whole blocks",
		    en->en_ino, (unsigned long long)size);
	en->en_size = (int64_t)size;
	return 0;
}

/* Check the decoded inode for values the rest of the driver relies on. */
static int
ext2_inode_check(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;
	struct ext2_dinode *di = &en->en_di;

	if (em->em_isize > EXT2_GOOD_OLD_INODE_SIZE &&
	    (di->di_extra_isize > em->em_isize - EXT2_GOOD_OLD_INODE_SIZE ||
	    (di->di_extra_isize & 3) != 0))
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: extra size %u",
		    en->en_ino, di->di_extra_isize);
	if (di->di_links == 0 && !em->em_oscan)
		return FS_CORRUPT(EXT2_FSNAME,
		    "inode %u: in use but link count is 0", en->en_ino);
	if ((en->en_type = vtype_from_mode(di->di_mode)) == VNON)
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: mode %#o",
		    en->en_ino, di->di_mode);
	if ((di->di_flags & EXT4_EXTENTS_FL) &&
	    (di->di_flags & EXT4_INLINE_DATA_FL))
		return FS_CORRUPT(EXT2_FSNAME,
		    "inode %u: both extents and inline data", en->en_ino);
	if (di->di_file_acl != 0 &&
	    (di->di_file_acl <= em->em_sb.s_first_data_block ||
	    di->di_file_acl >= em->em_sb.s_blocks_count))
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: xattr block %llu",
		    en->en_ino, (unsigned long long)di->di_file_acl);
	return ext2_inode_size(en);
}

/*
 * Load inode ino into a new node.  EFSCORRUPTED if the number is out of
 * range, the checksum does not match or a field is inconsistent.
 */
int
ext2_node_load(struct ext2_mount *em, uint32_t ino, struct ext2_node **enp)
{
	struct ext2_node *en;
	int error;

	if (ino == 0 || ino > em->em_sb.s_inodes_count)
		return FS_CORRUPT(EXT2_FSNAME, "inode number %u", ino);
	if ((en = kmem_zalloc(sizeof(*en))) == NULL)
		return ENOMEM;
	en->en_mount = em;
	en->en_ino = ino;
	if ((en->en_raw = kmem_alloc(em->em_isize)) == NULL) {
		error = ENOMEM;
		goto out_free;
	}
	if ((error = ext2_inode_read(em, ino, en->en_raw)) != 0)
		goto out_free;
	ext2_dinode_decode(en->en_raw, em->em_isize, &en->en_di);
	if (em->em_metacsum) {
		en->en_csum_seed = ext2_inode_csum_seed(em, ino,
		    en->en_di.di_generation);
		if (!ext2_inode_csum_ok(em, en->en_raw, en->en_csum_seed)) {
			error = FS_CORRUPT(EXT2_FSNAME,
			    "inode %u: checksum mismatch", ino);
			goto out_free;
		}
	}
	if ((error = ext2_inode_check(en)) != 0)
		goto out_free;
	if ((en->en_di.di_flags & EXT4_INLINE_DATA_FL) &&
	    (error = ext2_xattr_inline_data(en)) != 0)
		goto out_free;
	*enp = en;
	return 0;

out_free:
	ext2_node_free(en);
	return error;
}

void
ext2_node_free(struct ext2_node *en)
{
	ext2_dcache_drop(en);
	if (en->en_inline != NULL)
		kmem_free(en->en_inline, en->en_inlinelen);
	if (en->en_raw != NULL)
		kmem_free(en->en_raw, en->en_mount->em_isize);
	kmem_free(en, sizeof(*en));
}
