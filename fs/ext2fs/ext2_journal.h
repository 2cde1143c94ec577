/*
 * ext2_journal.h: jbd2 journal recovery, shared by ext2_journal.c (the
 * journal and its three passes) and ext2_jrecover.c (what a mount does
 * with the result: write it home, or keep it in a read-only overlay).
 */
#ifndef _FS_EXT2FS_EXT2_JOURNAL_H_
#define _FS_EXT2FS_EXT2_JOURNAL_H_

#include "fs/ext2fs/ext2fs.h"

/* Most distinct revoked blocks remembered (32 bytes each). */
#define EXT2_JREVOKE_MAX	(1U << 20)
#define EXT2_JREVOKE_BUCKETS	1024

struct ext2_jrevoke {
	struct ext2_jrevoke *jr_next;	/* hash chain */
	uint64_t	 jr_block;	/* revoked home block */
	uint32_t	 jr_seq;	/* newest transaction revoking it */
};

struct ext2_jnl;
/* Where the replay pass puts a block: home (read-write) or overlay. */
typedef int (*ext2_jsink_t)(struct ext2_jnl *j, uint64_t home,
	    const uint8_t *data);

/* An open journal during recovery. */
struct ext2_jnl {
	struct ext2_mount *j_em;	/* file system */
	struct ext2_node *j_node;	/* journal inode */
	uint8_t		*j_sb;		/* raw journal superblock (bsize) */
	uint8_t		*j_buf;		/* a log block (descriptor etc.) */
	uint8_t		*j_data;	/* a data block being replayed */
	uint32_t	 j_bsize;	/* block size (the file system's) */
	uint32_t	 j_first;	/* log area: [j_first, j_last) */
	uint32_t	 j_last;
	uint32_t	 j_start;	/* log start (s_start) */
	uint32_t	 j_seq;		/* first transaction (s_sequence) */
	uint32_t	 j_end;		/* first transaction not to replay */
	uint32_t	 j_incompat;	/* s_feature_incompat */
	uint32_t	 j_tagsize;	/* bytes per descriptor tag */
	uint32_t	 j_csum_seed;	/* crc32c of the journal UUID */
	bool		 j_csum;	/* csum v2 or v3 */
	bool		 j_csum3;	/* csum v3 */
	bool		 j_64bit;	/* 64-bit block numbers in tags */
	struct ext2_blkmap j_map;	/* last mapping of the journal inode */
	struct ext2_jrevoke *j_rv[EXT2_JREVOKE_BUCKETS]; /* revoke table */
	uint32_t	 j_nrv;		/* entries in the revoke table */
	const char	*j_badwhy;	/* scan: why this transaction is bad */
	uint64_t	 j_badblk;	/* scan: the block it names */
	ext2_jsink_t	 j_sink;	/* replay destination */
	void		*j_sinkarg;	/* for j_sink */
	/* For the report line. */
	uint32_t	 j_ntrans;	/* committed transactions found */
	uint64_t	 j_nblocks;	/* blocks replayed */
	uint64_t	 j_nrevoked;	/* blocks skipped as revoked */
	uint64_t	 j_nrecs;	/* revoke records read */
};

/* ext2_journal.c: the journal inode, its superblock, its blocks. */
int	ext2_jnl_open(struct ext2_mount *em, struct ext2_jnl *j);
void	ext2_jnl_close(struct ext2_jnl *j);
int	ext2_jnl_read(struct ext2_jnl *j, uint32_t lblk, uint8_t *buf);
int	ext2_jnl_sb_clean(struct ext2_jnl *j);
bool	ext2_jnl_tail_ok(const struct ext2_jnl *j, const uint8_t *blk);
bool	ext2_jnl_commit_ok(const struct ext2_jnl *j, const uint8_t *blk);
bool	ext2_jnl_tag_ok(const struct ext2_jnl *j, const uint8_t *tag,
	    uint32_t seq, const uint8_t *data);
int	ext2_jrv_set(struct ext2_jnl *j, uint64_t block, uint32_t seq);
bool	ext2_jrv_revoked(const struct ext2_jnl *j, uint64_t block,
	    uint32_t seq);

/* ext2_jpass.c: scan, revoke and replay passes. */
int	ext2_jnl_recover(struct ext2_jnl *j);

/* ext2_jrecover.c: the read-only overlay. */
int	ext2_jovl_add(struct ext2_jnl *j, uint64_t home, const uint8_t *data);

#endif /* !_FS_EXT2FS_EXT2_JOURNAL_H_ */
