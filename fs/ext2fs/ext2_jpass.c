/*
 * ext2_jpass.c: the three passes of jbd2 recovery over the circular log,
 * as the kernel and e2fsck make them.
 *
 * SCAN walks from s_start expecting s_sequence, one transaction after
 * the other (descriptor blocks with their data blocks, revoke blocks, a
 * commit block), and stops at the first block that does not continue
 * the log: wrong magic or sequence, a commit block whose checksum
 * fails (a torn write), an unknown type; a descriptor or revoke block
 * whose checksum fails is judged by the next commit time (jnl_commit).
 * The transactions committed before that point are the ones replayed.  A
 * committed transaction that is itself wrong (a data block whose
 * checksum fails, a home block beyond the file system, a malformed
 * revoke block) makes recovery fail before anything is written, unless
 * async_commit says a commit block may precede its data: then it ends
 * the log like a torn write.
 *
 * REVOKE collects the revoke records with the transaction that made
 * them; REPLAY hands every logged block to j_sink unless a record of
 * the same or a later transaction revokes it, restoring the magic
 * number of escaped blocks.
 *
 * Every walk is bounded by the log's length: a log that would go round
 * more than once ends (SCAN) or is corrupt (the other passes).
 */
#include <sys/systm.h>
#include <sys/blkdev.h>
#include "fs/ext2fs/ext2_journal.h"
#include "fs/ext2fs/jbd2_fmt.h"

enum jpass { JP_SCAN, JP_REVOKE, JP_REPLAY };

/* A walk over the log. */
struct jwalk {
	enum jpass	 w_pass;
	uint32_t	 w_blk;		/* next log block */
	uint32_t	 w_left;	/* blocks we may still read */
	uint32_t	 w_seq;		/* transaction expected */
	bool		 w_bad;		/* SCAN: this transaction is wrong */
	bool		 w_needtime;	/* SCAN: a descriptor or revoke block
					   of it failed its checksum */
	uint64_t	 w_lasttime;	/* SCAN: last commit's h_commit_sec */
};

#define JNL_END		(-1)	/* the log ends here (not an error) */

/*
 * Step to the next log block, wrapping; JNL_END once the walk has seen
 * as many blocks as the log holds (w_left starts one short: the first
 * block is read before any step).
 */
static int
jw_next(struct ext2_jnl *j, struct jwalk *w)
{
	if (w->w_left == 0)
		return JNL_END;
	w->w_left--;
	if (++w->w_blk >= j->j_last)
		w->w_blk = j->j_first;
	return 0;
}

/* SCAN: note the first thing wrong with the current transaction. */
static void
jw_bad(struct ext2_jnl *j, struct jwalk *w, const char *why, uint64_t blk)
{
	if (!w->w_bad) {
		w->w_bad = true;
		j->j_badwhy = why;
		j->j_badblk = blk;
	}
}

/* Decode a descriptor tag: home block and flags. */
static void
jnl_tag(const struct ext2_jnl *j, const uint8_t *tag, uint64_t *homep,
    uint32_t *flagsp)
{
	uint64_t home = be32dec(tag);
	uint32_t hioff = j->j_csum3 ? JBD2_TAG3_BLOCKHI : JBD2_TAG_BLOCKHI;

	*flagsp = j->j_csum3 ? be32dec(tag + JBD2_TAG3_FLAGS) :
	    be16dec(tag + JBD2_TAG_FLAGS);
	if (j->j_64bit)
		home |= (uint64_t)be32dec(tag + hioff) << 32;
	*homep = home;
}

/* REPLAY one logged block (at log block blk) to its home. */
static int
jnl_replay_one(struct ext2_jnl *j, struct jwalk *w, const uint8_t *tag,
    uint64_t home, uint32_t flags)
{
	int error;

	if (ext2_jrv_revoked(j, home, w->w_seq)) {
		j->j_nrevoked++;
		return 0;
	}
	if ((error = ext2_jnl_read(j, w->w_blk, j->j_data)) != 0)
		return error;
	if (home >= j->j_em->em_sb.s_blocks_count ||
	    !ext2_jnl_tag_ok(j, tag, w->w_seq, j->j_data))
		return FS_CORRUPT(EXT2_FSNAME, "journal: transaction %u "
		    "changed while it was replayed", w->w_seq);
	if (flags & JBD2_FLAG_ESCAPE)
		be32enc(j->j_data, JBD2_MAGIC);
	j->j_nblocks++;
	return j->j_sink(j, home, j->j_data);
}

/* SCAN one logged block: its home must exist, its checksum match. */
static int
jnl_scan_one(struct ext2_jnl *j, struct jwalk *w, const uint8_t *tag,
    uint64_t home)
{
	int error;

	if (home >= j->j_em->em_sb.s_blocks_count) {
		jw_bad(j, w, "block beyond the file system", home);
		return 0;
	}
	if (!j->j_csum)
		return 0;
	if ((error = ext2_jnl_read(j, w->w_blk, j->j_data)) != 0)
		return error;
	if (!ext2_jnl_tag_ok(j, tag, w->w_seq, j->j_data))
		jw_bad(j, w, "checksum mismatch of the block logged for",
		    home);
	return 0;
}

/* A descriptor block (in j_buf) and the data blocks after it. */
static int
jnl_descriptor(struct ext2_jnl *j, struct jwalk *w)
{
	uint32_t off = JBD2_HDR_SIZE, flags = 0;
	uint32_t end = j->j_bsize - (j->j_csum ? JBD2_TAIL_SIZE : 0);
	uint64_t home;
	int error;

	if (!ext2_jnl_tail_ok(j, j->j_buf)) {
		if (w->w_pass != JP_SCAN)
			return JNL_END;
		/* Stale or corrupt: the commit time decides (jnl_commit). */
		w->w_needtime = true;
	}
	while (off + j->j_tagsize <= end && !(flags & JBD2_FLAG_LAST_TAG)) {
		const uint8_t *tag = j->j_buf + off;

		jnl_tag(j, tag, &home, &flags);
		off += j->j_tagsize;
		if (!(flags & JBD2_FLAG_SAME_UUID))
			off += JBD2_TAG_UUID_SIZE;
		if ((error = jw_next(j, w)) != 0)
			return error;
		if (w->w_pass == JP_SCAN && !w->w_needtime)
			error = jnl_scan_one(j, w, tag, home);
		else if (w->w_pass == JP_REPLAY)
			error = jnl_replay_one(j, w, tag, home, flags);
		if (error != 0)
			return error;
	}
	return 0;
}

/* A revoke block (in j_buf): its records into the table (REVOKE). */
static int
jnl_revoke(struct ext2_jnl *j, struct jwalk *w)
{
	uint32_t used = be32dec(j->j_buf + JBD2_REVOKE_COUNT), off;
	uint32_t rsize = j->j_64bit ? 8 : 4;
	uint32_t end = j->j_bsize - (j->j_csum ? JBD2_TAIL_SIZE : 0);
	uint64_t block;
	int error;

	if (!ext2_jnl_tail_ok(j, j->j_buf)) {
		if (w->w_pass != JP_SCAN)
			return JNL_END;
		w->w_needtime = true;
		return 0;
	}
	if (used < JBD2_REVOKE_RECS || used > end) {
		jw_bad(j, w, "revoke block with a byte count of", used);
		return 0;
	}
	if (w->w_pass != JP_REVOKE)
		return 0;
	for (off = JBD2_REVOKE_RECS; off + rsize <= used; off += rsize) {
		block = j->j_64bit ? be64dec(j->j_buf + off) :
		    be32dec(j->j_buf + off);
		if ((error = ext2_jrv_set(j, block, w->w_seq)) != 0)
			return error;
		j->j_nrecs++;
	}
	return 0;
}

/*
 * A commit block (in j_buf): the transaction is complete.  As the kernel
 * does, a checksum failure before it (descriptor, revoke) or in it is a
 * stale block from an older use of the journal, ending the log, if the
 * commit time goes backwards; if not, a failed descriptor or revoke
 * block is corruption (recovery fails) and a failed commit block ends
 * the log before this transaction.
 */
static int
jnl_commit(struct ext2_jnl *j, struct jwalk *w)
{
	uint64_t t = be64dec(j->j_buf + JBD2_COMMIT_SEC);

	if (w->w_pass != JP_SCAN)
		return 0;
	if (w->w_needtime) {
		if (t < w->w_lasttime)
			return JNL_END;
		printf("ext2fs: %s: journal transaction %u: a descriptor or "
		    "revoke block fails its checksum; run e2fsck\n",
		    j->j_em->em_dev->bd_name, w->w_seq);
		return EFSCORRUPTED;
	}
	if (!ext2_jnl_commit_ok(j, j->j_buf))
		return JNL_END;
	w->w_lasttime = t;
	if (w->w_bad) {
		if (j->j_incompat & JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT)
			return JNL_END;
		printf("ext2fs: %s: journal transaction %u: %s %llu; "
		    "run e2fsck\n", j->j_em->em_dev->bd_name, w->w_seq,
		    j->j_badwhy, (unsigned long long)j->j_badblk);
		return EFSCORRUPTED;
	}
	j->j_ntrans++;
	return 0;
}

/* One log block (already in j_buf): dispatch on its type. */
static int
jnl_block(struct ext2_jnl *j, struct jwalk *w)
{
	int error;

	if (be32dec(j->j_buf + JBD2_H_MAGIC) != JBD2_MAGIC ||
	    be32dec(j->j_buf + JBD2_H_SEQ) != w->w_seq)
		return JNL_END;
	switch (be32dec(j->j_buf + JBD2_H_TYPE)) {
	case JBD2_DESCRIPTOR:
		return jnl_descriptor(j, w);
	case JBD2_REVOKE:
		return jnl_revoke(j, w);
	case JBD2_COMMIT:
		if ((error = jnl_commit(j, w)) != 0)
			return error;
		w->w_seq++;
		w->w_bad = false;
		return 0;
	default:
		return JNL_END;
	}
}

/*
 * One pass from the log's start.  SCAN sets j_end, the first transaction
 * not to replay; the others stop there and must not meet the log's end
 * before (the log changed under us).
 */
static int
jnl_pass(struct ext2_jnl *j, enum jpass pass)
{
	struct jwalk w = {
		.w_pass = pass, .w_blk = j->j_start,
		.w_left = j->j_last - j->j_first - 1, .w_seq = j->j_seq,
	};
	int error;

	for (;;) {
		if (pass != JP_SCAN && w.w_seq == j->j_end) {
			error = 0;
			break;
		}
		if ((error = ext2_jnl_read(j, w.w_blk, j->j_buf)) != 0 ||
		    (error = jnl_block(j, &w)) != 0 ||
		    (error = jw_next(j, &w)) != 0)
			break;
	}
	if (pass == JP_SCAN && error <= 0) {
		j->j_end = w.w_seq;
		return 0;
	}
	if (error == JNL_END)
		return FS_CORRUPT(EXT2_FSNAME, "journal: the log changed "
		    "while it was replayed (transaction %u)", w.w_seq);
	return error;
}

/* Scan, collect revokes, replay into j_sink.  Nothing to do if clean. */
int
ext2_jnl_recover(struct ext2_jnl *j)
{
	int error;

	if (j->j_start == 0) {
		j->j_end = j->j_seq;
		return 0;
	}
	if ((error = jnl_pass(j, JP_SCAN)) != 0 ||
	    (error = jnl_pass(j, JP_REVOKE)) != 0)
		return error;
	return jnl_pass(j, JP_REPLAY);
}
