/*
 * ext2_journal.c: the internal jbd2 journal of a file system that needs
 * recovery: its inode, its superblock (v1 or v2 with features), reading
 * its blocks through the inode's block map, its checksums and the table
 * of revoked blocks.  The passes over the log are in ext2_jpass.c.
 *
 * Everything read from the journal is untrusted: the superblock's
 * lengths are checked against the journal inode's size, and the revoke
 * table is bounded (EXT2_JREVOKE_MAX entries).  Log blocks are read
 * straight from the device (not through the buffer cache), so a replay
 * that writes home blocks never meets a stale cached copy.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include "fs/ext2fs/ext2_journal.h"
#include "fs/ext2fs/jbd2_fmt.h"

static const uint8_t jnl_zeros[4];

/* Journal-relative block lblk into buf (one block). */
int
ext2_jnl_read(struct ext2_jnl *j, uint32_t lblk, uint8_t *buf)
{
	struct ext2_mount *em = j->j_em;
	struct ext2_blkmap *m = &j->j_map;
	int error;

	if (m->bm_count == 0 || lblk < m->bm_lblk ||
	    lblk - m->bm_lblk >= m->bm_count) {
		if ((error = ext2_bmap_blocks(j->j_node, lblk, m)) != 0) {
			m->bm_count = 0;
			return error;
		}
		if (m->bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN)) {
			m->bm_count = 0;
			return FS_CORRUPT(EXT2_FSNAME,
			    "journal: block %u is not allocated", lblk);
		}
	}
	return blkdev_read(em->em_dev, buf, j->j_bsize,
	    (m->bm_pblk + (lblk - m->bm_lblk)) << em->em_bshift);
}

/* crc32c(seed) of a block with the 4 bytes at off taken as zeros. */
static uint32_t
jnl_crc_hole(const struct ext2_jnl *j, const uint8_t *blk, uint32_t off)
{
	uint32_t crc = crc32c(j->j_csum_seed, blk, off);

	crc = crc32c(crc, jnl_zeros, 4);
	return crc32c(crc, blk + off + 4, j->j_bsize - off - 4);
}

/* Descriptor and revoke blocks: the tail checksum (csum v2/v3). */
bool
ext2_jnl_tail_ok(const struct ext2_jnl *j, const uint8_t *blk)
{
	uint32_t off = j->j_bsize - JBD2_TAIL_SIZE;

	return !j->j_csum || jnl_crc_hole(j, blk, off) == be32dec(blk + off);
}

/* Commit blocks: h_chksum[0] over the block (csum v2/v3). */
bool
ext2_jnl_commit_ok(const struct ext2_jnl *j, const uint8_t *blk)
{
	return !j->j_csum || jnl_crc_hole(j, blk, JBD2_COMMIT_CSUM) ==
	    be32dec(blk + JBD2_COMMIT_CSUM);
}

/*
 * A data block against its tag: crc32c(seed) of the big-endian sequence
 * then of the block as logged (still escaped); v2 keeps the low 16 bits.
 */
bool
ext2_jnl_tag_ok(const struct ext2_jnl *j, const uint8_t *tag, uint32_t seq,
    const uint8_t *data)
{
	uint8_t be[4];
	uint32_t crc;

	if (!j->j_csum)
		return true;
	be32enc(be, seq);
	crc = crc32c(j->j_csum_seed, be, 4);
	crc = crc32c(crc, data, j->j_bsize);
	if (j->j_csum3)
		return be32dec(tag + JBD2_TAG3_CSUM) == crc;
	return be16dec(tag + JBD2_TAG_CSUM) == (uint16_t)crc;
}

/* Remember that block is revoked by transaction seq (the newest wins). */
int
ext2_jrv_set(struct ext2_jnl *j, uint64_t block, uint32_t seq)
{
	struct ext2_jrevoke **head = &j->j_rv[block % EXT2_JREVOKE_BUCKETS];
	struct ext2_jrevoke *rv;

	for (rv = *head; rv != NULL; rv = rv->jr_next)
		if (rv->jr_block == block) {
			if ((int32_t)(seq - rv->jr_seq) > 0)
				rv->jr_seq = seq;
			return 0;
		}
	if (j->j_nrv >= EXT2_JREVOKE_MAX) {
		printf("ext2fs: %s: journal revokes more than %u blocks; "
		    "run e2fsck\n", j->j_em->em_dev->bd_name,
		    EXT2_JREVOKE_MAX);
		return EFBIG;
	}
	if ((rv = kmem_alloc(sizeof(*rv))) == NULL)
		return ENOMEM;
	rv->jr_block = block;
	rv->jr_seq = seq;
	rv->jr_next = *head;
	*head = rv;
	j->j_nrv++;
	return 0;
}

/* Is block revoked for transaction seq (by it or a later one)? */
bool
ext2_jrv_revoked(const struct ext2_jnl *j, uint64_t block, uint32_t seq)
{
	const struct ext2_jrevoke *rv;

	for (rv = j->j_rv[block % EXT2_JREVOKE_BUCKETS]; rv != NULL;
	    rv = rv->jr_next)
		if (rv->jr_block == block)
			return (int32_t)(seq - rv->jr_seq) <= 0;
	return false;
}

/* The superblock's checksum: crc32c(~0) of 1 KiB, s_checksum as 0. */
static uint32_t
jnl_sbcrc(const uint8_t *sb)
{
	uint32_t crc = crc32c(~0U, sb, JBD2_SB_CSUM);

	crc = crc32c(crc, jnl_zeros, 4);
	return crc32c(crc, sb + JBD2_SB_CSUM + 4,
	    JBD2_SB_SIZE - JBD2_SB_CSUM - 4);
}

/* Features of a v2 superblock: what we can replay, the tag size. */
static int
jnl_features(struct ext2_jnl *j)
{
	const char *name = j->j_em->em_dev->bd_name;
	uint8_t *sb = j->j_sb;
	uint32_t in = be32dec(sb + JBD2_SB_INCOMPAT);

	if (in & JBD2_FEATURE_INCOMPAT_FAST_COMMIT) {
		printf("ext2fs: %s: the journal has fast commits, which are "
		    "not replayed here; run e2fsck\n", name);
		return EINVAL;
	}
	if (in & ~JBD2_INCOMPAT_KNOWN) {
		printf("ext2fs: %s: unknown journal features 0x%x; run "
		    "e2fsck\n", name, in & ~JBD2_INCOMPAT_KNOWN);
		return EINVAL;
	}
	j->j_incompat = in;
	j->j_64bit = (in & JBD2_FEATURE_INCOMPAT_64BIT) != 0;
	j->j_csum3 = (in & JBD2_FEATURE_INCOMPAT_CSUM_V3) != 0;
	j->j_csum = j->j_csum3 || (in & JBD2_FEATURE_INCOMPAT_CSUM_V2);
	if (j->j_csum3 && (in & JBD2_FEATURE_INCOMPAT_CSUM_V2))
		return FS_CORRUPT(EXT2_FSNAME, "journal: csum v2 and v3");
	if (j->j_csum) {
		if (sb[JBD2_SB_CSUM_TYPE] != JBD2_CRC32C_CHKSUM)
			return FS_CORRUPT(EXT2_FSNAME,
			    "journal: checksum type %u", sb[JBD2_SB_CSUM_TYPE]);
		if (jnl_sbcrc(sb) != be32dec(sb + JBD2_SB_CSUM))
			return FS_CORRUPT(EXT2_FSNAME,
			    "journal: superblock checksum mismatch");
		j->j_csum_seed = crc32c(~0U, sb + JBD2_SB_UUID, 16);
	}
	if (j->j_csum3)
		j->j_tagsize = JBD2_TAG3_SIZE;
	else
		j->j_tagsize = 8 + (j->j_64bit ? 4 : 0) + (j->j_csum ? 2 : 0);
	return 0;
}

/* Check the journal superblock in j_sb and take its geometry. */
static int
jnl_sb_check(struct ext2_jnl *j, uint64_t iblocks)
{
	uint8_t *sb = j->j_sb;
	uint32_t type = be32dec(sb + JBD2_H_TYPE), maxlen, first;

	if (be32dec(sb + JBD2_H_MAGIC) != JBD2_MAGIC ||
	    (type != JBD2_SB_V1 && type != JBD2_SB_V2))
		return FS_CORRUPT(EXT2_FSNAME, "journal: bad superblock");
	if (be32dec(sb + JBD2_SB_BLOCKSIZE) != j->j_bsize)
		return FS_CORRUPT(EXT2_FSNAME, "journal: block size %u",
		    be32dec(sb + JBD2_SB_BLOCKSIZE));
	maxlen = be32dec(sb + JBD2_SB_MAXLEN);
	first = be32dec(sb + JBD2_SB_FIRST);
	if (maxlen > iblocks || first == 0 || first >= maxlen)
		return FS_CORRUPT(EXT2_FSNAME, "journal: %u blocks from %u, "
		    "inode holds %llu", maxlen, first,
		    (unsigned long long)iblocks);
	j->j_first = first;
	j->j_last = maxlen;
	j->j_start = be32dec(sb + JBD2_SB_START);
	j->j_seq = be32dec(sb + JBD2_SB_SEQUENCE);
	if (j->j_start != 0 && (j->j_start < first || j->j_start >= maxlen))
		return FS_CORRUPT(EXT2_FSNAME, "journal: log starts at %u",
		    j->j_start);
	if (type == JBD2_SB_V1) {
		j->j_tagsize = 8;
		return 0;
	}
	return jnl_features(j);
}

/* The journal inode: an internal, block-mapped regular file. */
static int
jnl_inode(struct ext2_mount *em, struct ext2_jnl *j, uint64_t *iblocksp)
{
	const struct ext2_super *sb = &em->em_sb;
	int error;

	if (sb->s_journal_inum == 0) {
		printf("ext2fs: %s: the journal needs recovery but is on an "
		    "external device, which is not supported; run e2fsck "
		    "with the journal device, or mount read-only with -o "
		    "norecovery to see the unrecovered state\n",
		    em->em_dev->bd_name);
		return EINVAL;
	}
	if (sb->s_journal_inum > sb->s_inodes_count)
		return FS_CORRUPT(EXT2_FSNAME, "journal inode %u",
		    sb->s_journal_inum);
	if ((error = ext2_node_load(em, sb->s_journal_inum, &j->j_node)) != 0)
		return error;
	if (j->j_node->en_type != VREG || j->j_node->en_inline != NULL)
		return FS_CORRUPT(EXT2_FSNAME, "journal inode %u: not a file",
		    sb->s_journal_inum);
	*iblocksp = (uint64_t)j->j_node->en_size >> em->em_bshift;
	return 0;
}

/* Open the journal of em; on error the caller still calls close. */
int
ext2_jnl_open(struct ext2_mount *em, struct ext2_jnl *j)
{
	uint64_t iblocks = 0;
	int error;

	memset(j, 0, sizeof(*j));
	j->j_em = em;
	j->j_bsize = em->em_bsize;
	if ((error = jnl_inode(em, j, &iblocks)) != 0)
		return error;
	if (iblocks < 2)
		return FS_CORRUPT(EXT2_FSNAME, "journal: %llu blocks",
		    (unsigned long long)iblocks);
	j->j_sb = kmem_alloc(j->j_bsize);
	j->j_buf = kmem_alloc(j->j_bsize);
	j->j_data = kmem_alloc(j->j_bsize);
	if (j->j_sb == NULL || j->j_buf == NULL || j->j_data == NULL)
		return ENOMEM;
	if ((error = ext2_jnl_read(j, 0, j->j_sb)) != 0)
		return error;
	return jnl_sb_check(j, iblocks);
}

void
ext2_jnl_close(struct ext2_jnl *j)
{
	struct ext2_jrevoke *rv;
	uint32_t i;

	for (i = 0; i < EXT2_JREVOKE_BUCKETS; i++)
		while ((rv = j->j_rv[i]) != NULL) {
			j->j_rv[i] = rv->jr_next;
			kmem_free(rv, sizeof(*rv));
		}
	if (j->j_sb != NULL)
		kmem_free(j->j_sb, j->j_bsize);
	if (j->j_buf != NULL)
		kmem_free(j->j_buf, j->j_bsize);
	if (j->j_data != NULL)
		kmem_free(j->j_data, j->j_bsize);
	if (j->j_node != NULL)
		ext2_node_free(j->j_node);
	j->j_sb = j->j_buf = j->j_data = NULL;
	j->j_node = NULL;
}

/*
 * After a replay on disk: the journal is empty (s_start 0) and expects
 * the transaction after the last one replayed, as e2fsck leaves it.
 */
int
ext2_jnl_sb_clean(struct ext2_jnl *j)
{
	struct ext2_mount *em = j->j_em;
	uint8_t *sb = j->j_sb;
	int error;

	be32enc(sb + JBD2_SB_START, 0);
	be32enc(sb + JBD2_SB_SEQUENCE, j->j_end + 1);
	if (be32dec(sb + JBD2_H_TYPE) == JBD2_SB_V2 && j->j_csum)
		be32enc(sb + JBD2_SB_CSUM, jnl_sbcrc(sb));
	/* Block 0 of the journal: j_map may have moved on; map again. */
	j->j_map.bm_count = 0;
	if ((error = ext2_jnl_read(j, 0, j->j_buf)) != 0)
		return error;
	return blkdev_write(em->em_dev, sb, j->j_bsize,
	    j->j_map.bm_pblk << em->em_bshift);
}
