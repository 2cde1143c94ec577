/*
 * jbd2_fmt.h: the on-disk format of the jbd2 journal of ext3/ext4, as
 * described by the kernel's ext4 documentation ("Journal (jbd2)").
 *
 * Unlike the rest of ext4, every journal field is big-endian.  Every
 * journal block but the data blocks starts with a 12-byte header
 * (magic, block type, transaction sequence).  Raw bytes are read with
 * be32dec at the offsets below; nothing is cast to a struct.
 */
#ifndef _FS_EXT2FS_JBD2_FMT_H_
#define _FS_EXT2FS_JBD2_FMT_H_

#define JBD2_MAGIC		0xC03B3998U

/* The common header. */
#define JBD2_H_MAGIC		0x00
#define JBD2_H_TYPE		0x04
#define JBD2_H_SEQ		0x08
#define JBD2_HDR_SIZE		12

/* h_blocktype */
#define JBD2_DESCRIPTOR		1
#define JBD2_COMMIT		2
#define JBD2_SB_V1		3
#define JBD2_SB_V2		4
#define JBD2_REVOKE		5

/* Journal superblock (block 0 of the journal). */
#define JBD2_SB_BLOCKSIZE	0x0C
#define JBD2_SB_MAXLEN		0x10	/* blocks in the journal */
#define JBD2_SB_FIRST		0x14	/* first block of the log */
#define JBD2_SB_SEQUENCE	0x18	/* first transaction expected */
#define JBD2_SB_START		0x1C	/* first block of the log, 0: clean */
#define JBD2_SB_ERRNO		0x20
#define JBD2_SB_COMPAT		0x24	/* v2 only from here */
#define JBD2_SB_INCOMPAT	0x28
#define JBD2_SB_RO_COMPAT	0x2C
#define JBD2_SB_UUID		0x30
#define JBD2_SB_NR_USERS	0x40
#define JBD2_SB_CSUM_TYPE	0x50	/* one byte */
#define JBD2_SB_NUM_FC_BLKS	0x54
#define JBD2_SB_CSUM		0xFC
#define JBD2_SB_SIZE		1024	/* the checksummed part */

#define JBD2_CRC32C_CHKSUM	4	/* s_checksum_type with csum v2/v3 */

/* s_feature_compat */
#define JBD2_FEATURE_COMPAT_CHECKSUM	0x01	/* v1 commit checksums */
/* s_feature_incompat */
#define JBD2_FEATURE_INCOMPAT_REVOKE	0x01
#define JBD2_FEATURE_INCOMPAT_64BIT	0x02
#define JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT 0x04
#define JBD2_FEATURE_INCOMPAT_CSUM_V2	0x08
#define JBD2_FEATURE_INCOMPAT_CSUM_V3	0x10
#define JBD2_FEATURE_INCOMPAT_FAST_COMMIT 0x20
/* What this replay understands (fast commits are refused by name). */
#define JBD2_INCOMPAT_KNOWN	(JBD2_FEATURE_INCOMPAT_REVOKE | \
	JBD2_FEATURE_INCOMPAT_64BIT | JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT | \
	JBD2_FEATURE_INCOMPAT_CSUM_V2 | JBD2_FEATURE_INCOMPAT_CSUM_V3)

/*
 * Descriptor block tags, after the header.  csum v3: 16 bytes (block
 * low, flags, block high, checksum, all 32 bits).  Otherwise: block
 * low (32), checksum (16, csum v2 only meaningful), flags (16), block
 * high (32, 64bit only); the size is 8, +4 with 64bit, +2 with csum v2.
 * A tag without SAME_UUID is followed by a 16-byte UUID.
 */
#define JBD2_TAG3_SIZE		16
#define JBD2_TAG3_FLAGS		0x04
#define JBD2_TAG3_BLOCKHI	0x08
#define JBD2_TAG3_CSUM		0x0C
#define JBD2_TAG_CSUM		0x04	/* 16 bits */
#define JBD2_TAG_FLAGS		0x06	/* 16 bits */
#define JBD2_TAG_BLOCKHI	0x08
#define JBD2_TAG_UUID_SIZE	16

/* Tag flags. */
#define JBD2_FLAG_ESCAPE	0x1	/* data began with JBD2_MAGIC */
#define JBD2_FLAG_SAME_UUID	0x2	/* no UUID follows */
#define JBD2_FLAG_DELETED	0x4	/* unused */
#define JBD2_FLAG_LAST_TAG	0x8	/* last tag of the block */

/* csum v2/v3: the last 4 bytes of descriptor and revoke blocks. */
#define JBD2_TAIL_SIZE		4

/* Commit block. */
#define JBD2_COMMIT_CSUM	0x10	/* h_chksum[0] */
#define JBD2_COMMIT_SEC		0x30	/* h_commit_sec, 64 bits */

/* Revoke block: bytes used (with the header), then the records. */
#define JBD2_REVOKE_COUNT	0x0C
#define JBD2_REVOKE_RECS	0x10

#endif /* !_FS_EXT2FS_JBD2_FMT_H_ */
