/*
 * ext2_jrecover.c: what a mount does with a journal that needs recovery.
 *
 * Read-write: the replay writes every block home, flushes, marks the
 * journal empty (s_start 0, the next sequence), flushes, and clears
 * needs_recovery in the superblock the replay left, as e2fsck does.
 *
 * Read-only (or a read-only device): nothing is written.  The replay
 * goes into an overlay, a map from home block to its recovered
 * contents that the driver consults wherever it reads the device: the
 * superblock (ext2_jovl_sb), metadata blocks (ext2_bread) and file data
 * (ext2_jovl_read, for data=journal).  The overlay is bounded by
 * AK_EXT2FS_JOVERLAY bytes (default: AK_MEMLIMIT, the buffer cache's
 * budget, itself 64 MiB by default); a journal that needs more is
 * refused with a message saying how to recover it instead.
 *
 * Either way the superblock and descriptors are then loaded again, as
 * the replay may have changed them.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ext2fs/ext2_journal.h"

#define EXT2_JOVL_BUCKETS	1024
#define EXT2_JOVL_DEFMAX	(64ULL << 20)
#define EXT2_SB_INCOMPAT	0x60
#define EXT2_SB_RO_COMPAT	0x64

struct ext2_jovlblk {
	struct ext2_jovlblk *ob_next;	/* hash chain */
	uint64_t	 ob_home;	/* home block */
	uint8_t		 ob_data[];	/* its recovered contents */
};

struct ext2_jovl {
	struct ext2_jovlblk *ov_hash[EXT2_JOVL_BUCKETS];
	uint32_t	 ov_bsize;	/* block size */
	uint64_t	 ov_bytes;	/* memory held */
	uint64_t	 ov_max;	/* bound on ov_bytes */
};

static struct ext2_jovlblk *
jovl_lookup(const struct ext2_jovl *ov, uint64_t home)
{
	struct ext2_jovlblk *ob;

	for (ob = ov->ov_hash[home % EXT2_JOVL_BUCKETS]; ob != NULL;
	    ob = ob->ob_next)
		if (ob->ob_home == home)
			return ob;
	return NULL;
}

/* The recovered contents of block pblk, or NULL if the journal had none. */
const uint8_t *
ext2_jovl_find(const struct ext2_mount *em, uint64_t pblk)
{
	const struct ext2_jovlblk *ob;

	if (em->em_jovl == NULL)
		return NULL;
	ob = jovl_lookup(em->em_jovl, pblk);
	return ob != NULL ? ob->ob_data : NULL;
}

/* The j_sink of a read-only replay: a later copy replaces an earlier. */
int
ext2_jovl_add(struct ext2_jnl *j, uint64_t home, const uint8_t *data)
{
	struct ext2_jovl *ov = j->j_sinkarg;
	struct ext2_jovlblk *ob, **head;
	size_t size = sizeof(*ob) + ov->ov_bsize;

	if ((ob = jovl_lookup(ov, home)) == NULL) {
		if (ov->ov_bytes + size > ov->ov_max) {
			printf("ext2fs: %s: replaying the journal in memory "
			    "needs more than %llu bytes (AK_EXT2FS_JOVERLAY); "
			    "mount read-write to replay it on disk, or run "
			    "e2fsck\n", j->j_em->em_dev->bd_name,
			    (unsigned long long)ov->ov_max);
			return ENOMEM;
		}
		if ((ob = kmem_alloc(size)) == NULL)
			return ENOMEM;
		ov->ov_bytes += size;
		head = &ov->ov_hash[home % EXT2_JOVL_BUCKETS];
		ob->ob_home = home;
		ob->ob_next = *head;
		*head = ob;
	}
	memcpy(ob->ob_data, data, ov->ov_bsize);
	return 0;
}

static void
jovl_free(struct ext2_jovl *ov)
{
	struct ext2_jovlblk *ob;
	uint32_t i;

	for (i = 0; i < EXT2_JOVL_BUCKETS; i++)
		while ((ob = ov->ov_hash[i]) != NULL) {
			ov->ov_hash[i] = ob->ob_next;
			kmem_free(ob, sizeof(*ob) + ov->ov_bsize);
		}
	kmem_free(ov, sizeof(*ov));
}

void
ext2_jovl_free(struct ext2_mount *em)
{
	if (em->em_jovl != NULL)
		jovl_free(em->em_jovl);
	em->em_jovl = NULL;
}

/* Patch the raw superblock just read with its recovered copy, if any. */
void
ext2_jovl_sb(const struct ext2_mount *em, uint8_t *raw)
{
	const struct ext2_jovl *ov = em->em_jovl;
	const struct ext2_jovlblk *ob;

	if (ov == NULL)
		return;
	ob = jovl_lookup(ov, EXT2_SB_OFFSET / ov->ov_bsize);
	if (ob != NULL)
		memcpy(raw, ob->ob_data + EXT2_SB_OFFSET % ov->ov_bsize,
		    EXT2_SB_SIZE);
}

/*
 * Read file data through the buffer cache, so that the overlay applies
 * (ext2_bread): the read path of a read-only mount with an overlay,
 * which may hold data blocks logged with data=journal.
 */
int
ext2_jovl_read(struct ext2_node *en, struct uio *uio)
{
	struct ext2_mount *em = en->en_mount;
	struct ext2_blkmap map = { .bm_count = 0 };
	uint64_t lblk, off;
	size_t n;
	struct buf *bp;
	int error = 0;

	while (error == 0 && uio->uio_resid > 0 &&
	    uio->uio_offset < en->en_size) {
		off = (uint64_t)uio->uio_offset;
		lblk = off >> em->em_bshift;
		n = MIN(uio->uio_resid, (size_t)(em->em_bsize -
		    (off & (em->em_bsize - 1))));
		n = (size_t)MIN((uint64_t)n, (uint64_t)en->en_size - off);
		if ((map.bm_count == 0 || lblk < map.bm_lblk ||
		    lblk - map.bm_lblk >= map.bm_count) &&
		    (error = ext2_bmap_blocks(en, lblk, &map)) != 0)
			break;
		if (map.bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN)) {
			error = uiomove_zero(n, uio);
			continue;
		}
		error = ext2_bread(em, map.bm_pblk + (lblk - map.bm_lblk), &bp);
		if (error != 0)
			break;
		error = uiomove((uint8_t *)bp->b_data +
		    (off & (em->em_bsize - 1)), n, uio);
		brelse(bp);
	}
	return error;
}

/* The j_sink of a read-write replay: the block goes home now. */
static int
jrec_write_home(struct ext2_jnl *j, uint64_t home, const uint8_t *data)
{
	struct ext2_mount *em = j->j_em;

	return blkdev_write(em->em_dev, data, j->j_bsize,
	    home << em->em_bshift);
}

/* Clear needs_recovery in the superblock as the replay left it. */
static int
jrec_clear_flag(struct ext2_mount *em)
{
	uint8_t *raw;
	int error;

	if ((raw = kmem_alloc(EXT2_SB_SIZE)) == NULL)
		return ENOMEM;
	error = blkdev_read(em->em_dev, raw, EXT2_SB_SIZE, EXT2_SB_OFFSET);
	if (error == 0 && le16dec(raw + EXT2_SB_MAGIC_OFF) != EXT2_MAGIC)
		error = FS_CORRUPT(EXT2_FSNAME,
		    "no superblock after the journal replay");
	if (error == 0) {
		le32enc(raw + EXT2_SB_INCOMPAT, le32dec(raw + EXT2_SB_INCOMPAT) &
		    ~(uint32_t)EXT3_FEATURE_INCOMPAT_RECOVER);
		if (le32dec(raw + EXT2_SB_RO_COMPAT) &
		    EXT4_FEATURE_RO_COMPAT_METADATA_CSUM)
			ext2_super_csum_set(raw);
		error = blkdev_write(em->em_dev, raw, EXT2_SB_SIZE,
		    EXT2_SB_OFFSET);
	}
	if (error == 0)
		error = blkdev_flush(em->em_dev);
	kmem_free(raw, EXT2_SB_SIZE);
	return error;
}

/* Replay home, then mark the journal and the file system recovered. */
static int
jrec_disk(struct ext2_jnl *j)
{
	struct ext2_mount *em = j->j_em;
	int error;

	j->j_sink = jrec_write_home;
	if ((error = ext2_jnl_recover(j)) != 0 ||
	    (error = blkdev_flush(em->em_dev)) != 0 ||
	    (error = ext2_jnl_sb_clean(j)) != 0 ||
	    (error = blkdev_flush(em->em_dev)) != 0)
		return error;
	return jrec_clear_flag(em);
}

/* Replay into a new overlay, attached to em if it holds anything. */
static int
jrec_memory(struct ext2_jnl *j)
{
	struct ext2_mount *em = j->j_em;
	struct ext2_jovl *ov;
	int error;

	if ((ov = kmem_zalloc(sizeof(*ov))) == NULL)
		return ENOMEM;
	ov->ov_bsize = em->em_bsize;
	ov->ov_max = kern_param_u64("AK_EXT2FS_JOVERLAY",
	    kern_param_u64("AK_MEMLIMIT", EXT2_JOVL_DEFMAX));
	j->j_sink = ext2_jovl_add;
	j->j_sinkarg = ov;
	if ((error = ext2_jnl_recover(j)) != 0 || ov->ov_bytes == 0) {
		/* Nothing recovered: reads need not look at an overlay. */
		jovl_free(ov);
		return error;
	}
	em->em_jovl = ov;
	return 0;
}

/* The one line that says what recovery did. */
static void
jrec_report(const struct ext2_jnl *j, bool ondisk)
{
	printf("ext2fs: %s: journal recovered %s: %u transaction%s "
	    "from %u, %llu block%s replayed, %llu revoke record%s "
	    "(%llu block%s skipped)\n", j->j_em->em_dev->bd_name,
	    ondisk ? "on disk" : "in memory (read-only, image unchanged)",
	    j->j_ntrans, j->j_ntrans == 1 ? "" : "s", j->j_seq,
	    (unsigned long long)j->j_nblocks,
	    j->j_nblocks == 1 ? "" : "s", (unsigned long long)j->j_nrecs,
	    j->j_nrecs == 1 ? "" : "s", (unsigned long long)j->j_nrevoked,
	    j->j_nrevoked == 1 ? "" : "s");
}

/*
 * The superblock and descriptors of em are loaded and say the journal
 * needs recovery: recover it (on disk unless rdonly) and load them again.
 */
int
ext2_journal_recover(struct ext2_mount *em, const char *opts, bool rdonly)
{
	struct ext2_jnl j;
	int error;

	em->em_jdone = true;
	if (!(em->em_sb.s_feature_compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL)) {
		/* Nothing to replay: e2fsck would just clear the flag. */
		printf("ext2fs: %s: needs_recovery is set but there is no "
		    "journal; %s\n", em->em_dev->bd_name, rdonly ?
		    "mounted as it is" : "run e2fsck or mount read-only");
		return rdonly ? 0 : EINVAL;
	}
	if (!rdonly && (em->em_dev->bd_flags & BD_RDONLY)) {
		printf("ext2fs: %s: the journal needs recovery and the "
		    "device is read-only; mount read-only\n",
		    em->em_dev->bd_name);
		return EROFS;
	}
	error = ext2_jnl_open(em, &j);
	if (error == 0)
		error = rdonly ? jrec_memory(&j) : jrec_disk(&j);
	if (error == 0)
		jrec_report(&j, !rdonly);
	ext2_jnl_close(&j);
	if (error != 0)
		return error;
	ext2_super_free(em);
	bio_invalidate(em->em_dev);
	return ext2_super_load(em, opts, rdonly);
}
