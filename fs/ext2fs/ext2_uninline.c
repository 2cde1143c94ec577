/*
 * ext2_uninline.c: turning an inline-data file or directory into one
 * with a block, before it is changed.  Linux does the same when inline
 * data outgrows the inode; doing it on every change keeps the write half
 * to one representation.  Inline symlinks never change.
 *
 * A file's bytes go to its logical block 0 (the rest of the file stays
 * a hole, as the part past the inline data read as zeros).  A
 * directory's records are repacked into one block after "." and ".."
 * (an inline directory keeps only its parent's number).  Then the
 * "system.data" attribute goes and the inode is written.  If anything
 * fails on the way the block is freed and the inode left as it was.
 *
 * The node's en_inline changes here, with its vnode locked exclusive.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_INLINE_PARENT	4	/* parent inode before the records */

/* i_block of a node with no blocks yet: an empty extent root or zeros. */
static void
ext2_uninline_iblock(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;
	uint8_t ib[EXT2_I_BLOCK_SIZE];
	uint32_t flags = en->en_di.di_flags & ~EXT4_INLINE_DATA_FL;

	memset(ib, 0, sizeof(ib));
	if (em->em_sb.s_feature_incompat & EXT4_FEATURE_INCOMPAT_EXTENTS) {
		ext4_ext_root_init(ib);
		flags |= EXT4_EXTENTS_FL;
	}
	ext2_node_set_iblock(en, ib);
	ext2_node_setflags(en, flags);
}

/* Append the live records of one inline region to blk at *offp. */
static int
ext2_uninline_recs(struct ext2_node *dp, const uint8_t *recs, uint32_t len,
    uint8_t *blk, uint32_t usable, uint32_t *offp, uint32_t *lastp)
{
	struct ext2_dirent de;
	uint32_t o, need;
	int error;

	for (o = 0; o < len; o += de.d_reclen) {
		if ((error = ext2_dirw_get(dp, recs, len, o, &de)) != 0)
			return error;
		if (de.d_ino == 0)
			continue;
		need = EXT2_REC_LEN(de.d_namelen);
		if (*offp + need > usable)
			return FS_CORRUPT(EXT2_FSNAME, "directory %u: inline "
			    "records do not fit a block", dp->en_ino);
		memcpy(blk + *offp, recs + o, EXT2_DIRENT_HDR + de.d_namelen);
		le16enc(blk + *offp + 4, ext2_reclen_encode(need));
		*lastp = *offp;
		*offp += need;
	}
	return 0;
}

/* The directory's records (data, len: its old inline data) into block 0. */
static int
ext2_uninline_dir(struct ext2_node *dp, const uint8_t *data, uint32_t len)
{
	struct ext2_mount *em = dp->en_mount;
	uint32_t usable = em->em_bsize - (em->em_metacsum ?
	    EXT2_DIR_TAIL_SIZE : 0), off, last;
	struct buf *bp;
	uint8_t *blk;
	int error;

	if (len < EXT2_I_BLOCK_SIZE)
		return FS_CORRUPT(EXT2_FSNAME, "directory %u: inline data of "
		    "%u bytes", dp->en_ino, len);
	if ((error = ext2_dir_newblock(dp, 0, &bp)) != 0)
		return error;
	blk = bp->b_data;
	ext2_dirent_put(em, blk, dp->en_ino, EXT2_REC_LEN(1), ".", 1, VDIR);
	off = last = EXT2_REC_LEN(1);
	ext2_dirent_put(em, blk + off, le32dec(data), EXT2_REC_LEN(2), "..",
	    2, VDIR);
	off += EXT2_REC_LEN(2);
	error = ext2_uninline_recs(dp, data + EXT2_INLINE_PARENT,
	    EXT2_I_BLOCK_SIZE - EXT2_INLINE_PARENT, blk, usable, &off, &last);
	if (error == 0)
		error = ext2_uninline_recs(dp, data + EXT2_I_BLOCK_SIZE,
		    len - EXT2_I_BLOCK_SIZE, blk, usable, &off, &last);
	if (error != 0) {
		brelse(bp);
		return error;
	}
	le16enc(blk + last + 4, ext2_reclen_encode(usable - last));
	ext2_dir_block_done(dp, bp, em->em_metacsum);
	ext2_node_setsize(dp, em->em_bsize);
	return 0;
}

/* The file's first n bytes (its inline data) into block 0. */
static int
ext2_uninline_file(struct ext2_node *en, const uint8_t *data, uint32_t n)
{
	struct ext2_mount *em = en->en_mount;
	struct ext2_blkmap map;
	uint8_t *buf;
	int error;

	if (n == 0)
		return 0;
	if ((error = ext2_balloc(en, 0, 1, &map)) != 0)
		return error;
	if (map.bm_lblk != 0 || (map.bm_flags & BMAP_HOLE))
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: block 0 not "
		    "allocated", en->en_ino);
	if ((buf = kmem_zalloc(em->em_bsize)) == NULL)
		return ENOMEM;
	memcpy(buf, data, n);
	error = blkdev_write(em->em_dev, buf, em->em_bsize,
	    map.bm_pblk << em->em_bshift);
	kmem_free(buf, em->em_bsize);
	return error;
}

int
ext2_uninline(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;
	uint8_t *data = en->en_inline, *saved;
	uint32_t len = en->en_inlinelen;
	int64_t size = en->en_size;
	int error;

	KASSERT(data != NULL);
	if (!em->em_writable)
		return EROFS;
	if (en->en_type != VREG && en->en_type != VDIR)
		return EOPNOTSUPP;
	if ((saved = kmem_alloc(em->em_isize)) == NULL)
		return ENOMEM;
	memcpy(saved, en->en_raw, em->em_isize);
	ext2_uninline_iblock(en);
	if (en->en_type == VDIR)
		error = ext2_uninline_dir(en, data, len);
	else
		error = ext2_uninline_file(en, data,
		    (uint32_t)MIN((int64_t)len, en->en_size));
	if (error == 0) {
		error = ext2_xattr_remove_system_data(en);
		if (error == ENOATTR)
			error = 0;
	}
	if (error != 0) {
		/* Free what was allocated, then the inode as it was. */
		(void)ext2_btrunc(en, 0);
		memcpy(en->en_raw, saved, em->em_isize);
		ext2_dinode_decode(en->en_raw, em->em_isize, &en->en_di);
		en->en_size = size;
		kmem_free(saved, em->em_isize);
		return error;
	}
	kmem_free(saved, em->em_isize);
	en->en_inline = NULL;
	en->en_inlinelen = 0;
	kmem_free(data, len);
	return ext2_node_write(en);
}
