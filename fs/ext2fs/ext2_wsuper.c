/*
 * ext2_wsuper.c: read-write mounts: which feature sets may be written,
 * the mount state and counts in the superblock, and writing group
 * descriptors back.
 *
 * As Linux does for a file system it does not journal, a read-write
 * mount clears EXT2_VALID_FS on disk at once (a crash then leaves the
 * file system marked for e2fsck) and puts the state found at mount back
 * at a clean unmount, after everything else is on disk.  The free
 * counts of the superblock are summed from the descriptors whenever it
 * is written.  Backup superblocks and descriptors are not touched (as
 * Linux leaves them, e2fsck only uses them for recovery).
 *
 * The journal, if any, is not written: a file system that needs
 * recovery is replayed first (ext2_jrecover.c), and one with a clean
 * journal is written around it (its contents stay consistent because
 * nothing refers to the journal's past transactions once it is clean).
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_SB_FREEB_LO	0x0C
#define EXT2_SB_FREEI		0x10
#define EXT2_SB_MTIME		0x2C
#define EXT2_SB_WTIME		0x30
#define EXT2_SB_MNTCOUNT	0x34
#define EXT2_SB_STATE		0x3A
#define EXT2_SB_RO_COMPAT	0x64
#define EXT2_SB_FREEB_HI	0x158

/* The ro_compat features this half writes correctly. */
#define EXT2_RO_COMPAT_WRITABLE (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
	EXT2_FEATURE_RO_COMPAT_LARGE_FILE | EXT2_FEATURE_RO_COMPAT_BTREE_DIR | \
	EXT4_FEATURE_RO_COMPAT_HUGE_FILE | EXT4_FEATURE_RO_COMPAT_GDT_CSUM | \
	EXT4_FEATURE_RO_COMPAT_DIR_NLINK | EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE | \
	EXT4_FEATURE_RO_COMPAT_METADATA_CSUM)
/* The incompat features it writes (inline data is moved to a block
 * before a change: ext2_uninline.c). */
#define EXT2_INCOMPAT_WRITABLE (EXT2_FEATURE_INCOMPAT_FILETYPE | \
	EXT2_FEATURE_INCOMPAT_META_BG | EXT4_FEATURE_INCOMPAT_EXTENTS | \
	EXT4_FEATURE_INCOMPAT_64BIT | EXT4_FEATURE_INCOMPAT_FLEX_BG | \
	EXT4_FEATURE_INCOMPAT_CSUM_SEED | EXT4_FEATURE_INCOMPAT_LARGEDIR | \
	EXT4_FEATURE_INCOMPAT_INLINE_DATA)

static const struct {
	uint32_t	 f_bit;
	const char	*f_name;
} ext2_ro_names[] = {
	{ EXT4_FEATURE_RO_COMPAT_QUOTA,		"quota" },
	{ EXT4_FEATURE_RO_COMPAT_BIGALLOC,	"bigalloc" },
	{ EXT4_FEATURE_RO_COMPAT_READONLY,	"read-only" },
	{ EXT4_FEATURE_RO_COMPAT_PROJECT,	"project" },
	{ EXT4_FEATURE_RO_COMPAT_VERITY,	"verity" },
	{ EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT, "orphan_present" },
}, ext2_in_names[] = {
	{ EXT3_FEATURE_INCOMPAT_RECOVER,	"needs_recovery" },
	{ EXT4_FEATURE_INCOMPAT_MMP,		"mmp" },
};

/* Print why a read-write mount is refused: the first feature named. */
static int
ext2_rw_refuse(const struct ext2_mount *em, uint32_t bad, bool ro)
{
	size_t i, n = ro ? __arraycount(ext2_ro_names) :
	    __arraycount(ext2_in_names);

	for (i = 0; i < n; i++) {
		uint32_t bit = ro ? ext2_ro_names[i].f_bit :
		    ext2_in_names[i].f_bit;

		if (bad & bit) {
			printf("ext2fs: %s: cannot write with feature %s; "
			    "mount read-only\n", em->em_dev->bd_name,
			    ro ? ext2_ro_names[i].f_name :
			    ext2_in_names[i].f_name);
			return EROFS;
		}
	}
	printf("ext2fs: %s: cannot write with %s feature bits 0x%x; mount "
	    "read-only\n", em->em_dev->bd_name, ro ? "ro_compat" : "incompat",
	    bad);
	return EROFS;
}

/* May this file system be mounted read-write?  EROFS (said) if not. */
int
ext2_rw_check(struct ext2_mount *em)
{
	const struct ext2_super *sb = &em->em_sb;
	uint32_t bad;

	if ((sb->s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER) &&
	    em->em_norecovery) {
		printf("ext2fs: %s: the journal needs recovery, refused by "
		    "-o norecovery; mount read-only\n", em->em_dev->bd_name);
		return EROFS;
	}
	/* needs_recovery: ext2_journal_recover replays it after this. */
	if ((bad = sb->s_feature_incompat & ~(EXT2_INCOMPAT_WRITABLE |
	    EXT3_FEATURE_INCOMPAT_RECOVER)) != 0)
		return ext2_rw_refuse(em, bad, false);
	if ((bad = sb->s_feature_ro_compat & ~EXT2_RO_COMPAT_WRITABLE) != 0)
		return ext2_rw_refuse(em, bad, true);
	if (em->em_metacsum && !ext2_super_csum_ok(em->em_sbraw))
		return EROFS;
	return 0;
}

/* Write the superblock (counts summed now); em_lock held. */
static int
ext2_sb_write(struct ext2_mount *em)
{
	uint8_t *raw = em->em_sbraw;
	struct ktimespec now;
	uint64_t bfree = 0, ifree = 0;
	uint32_t g;

	KASSERT(mutex_owned(&em->em_lock));
	for (g = 0; g < em->em_ngroups; g++) {
		bfree += em->em_gds[g].gd_free_blocks;
		ifree += em->em_gds[g].gd_free_inodes;
	}
	le32enc(raw + EXT2_SB_FREEB_LO, (uint32_t)bfree);
	if (em->em_64bit)
		le32enc(raw + EXT2_SB_FREEB_HI, (uint32_t)(bfree >> 32));
	le32enc(raw + EXT2_SB_FREEI, (uint32_t)ifree);
	getnanotime(&now);
	le32enc(raw + EXT2_SB_WTIME, (uint32_t)now.tv_sec);
	ext2_orphan_sbstamp(em, raw);
	if (em->em_metacsum)
		ext2_super_csum_set(raw);
	/* Not ext2_super_decode: em_sb is read without the lock. */
	em->em_sb.s_free_blocks_count = bfree;
	em->em_sb.s_free_inodes_count = (uint32_t)ifree;
	return blkdev_write(em->em_dev, raw, EXT2_SB_SIZE, EXT2_SB_OFFSET);
}

/* Start writing: mark the file system in use on disk. */
int
ext2_rw_start(struct ext2_mount *em)
{
	uint8_t *raw = em->em_sbraw;
	struct ktimespec now;
	int error;

	em->em_origstate = em->em_sb.s_state;
	if (!(em->em_origstate & EXT2_VALID_FS) ||
	    (em->em_origstate & EXT2_ERROR_FS))
		printf("ext2fs: %s: mounting a file system that is not clean "
		    "read-write; run e2fsck\n", em->em_dev->bd_name);
	getnanotime(&now);
	em->em_gen = (uint32_t)now.tv_nsec ^ (uint32_t)now.tv_sec;
	le16enc(raw + EXT2_SB_STATE, em->em_origstate &
	    (uint16_t)~EXT2_VALID_FS);
	le16enc(raw + EXT2_SB_MNTCOUNT,
	    (uint16_t)(le16dec(raw + EXT2_SB_MNTCOUNT) + 1));
	le32enc(raw + EXT2_SB_MTIME, (uint32_t)now.tv_sec);
	mutex_enter(&em->em_lock);
	error = ext2_sb_write(em);
	mutex_exit(&em->em_lock);
	if (error == 0)
		error = bio_sync(em->em_dev);
	if (error == 0)
		em->em_writable = true;
	return error;
}

/*
 * A change failed where no caller can be told (freeing an unlinked
 * inode at reclaim): the file system is marked as having errors (for
 * e2fsck) and the next sync, fsync or unmount reports EIO, once.
 */
void
ext2_lost_error(struct ext2_mount *em, int error)
{
	mutex_enter(&em->em_lock);
	em->em_lost = error;
	em->em_origstate |= EXT2_ERROR_FS;
	le16enc(em->em_sbraw + EXT2_SB_STATE, le16dec(em->em_sbraw +
	    EXT2_SB_STATE) | EXT2_ERROR_FS);
	mutex_exit(&em->em_lock);
}

/* Everything dirty to disk, the superblock with current counts. */
int
ext2_rw_sync(struct ext2_mount *em)
{
	int error;

	if (!em->em_writable)
		return 0;
	if ((error = bio_sync(em->em_dev)) != 0)
		return error;
	mutex_enter(&em->em_lock);
	error = ext2_sb_write(em);
	if (error == 0 && em->em_lost != 0) {
		printf("ext2fs: %s: an unlinked inode could not be freed "
		    "(error %d); run e2fsck\n", em->em_dev->bd_name,
		    em->em_lost);
		em->em_lost = 0;
		error = EIO;
	}
	mutex_exit(&em->em_lock);
	if (error == 0)
		error = bio_sync(em->em_dev);
	return error;
}

/* Clean unmount: everything, then the state found at mount. */
int
ext2_rw_finish(struct ext2_mount *em)
{
	int error;

	if (!em->em_writable)
		return 0;
	if ((error = bio_sync(em->em_dev)) != 0)
		return error;
	mutex_enter(&em->em_lock);
	le16enc(em->em_sbraw + EXT2_SB_STATE, em->em_origstate);
	error = ext2_sb_write(em);
	mutex_exit(&em->em_lock);
	if (error == 0)
		error = bio_sync(em->em_dev);
	return error;
}

/* Set a ro_compat feature (large_file) in the superblock. */
void
ext2_feature_ro_set(struct ext2_mount *em, uint32_t bit)
{
	uint8_t *raw = em->em_sbraw;

	mutex_enter(&em->em_lock);
	if (!(em->em_sb.s_feature_ro_compat & bit)) {
		le32enc(raw + EXT2_SB_RO_COMPAT,
		    le32dec(raw + EXT2_SB_RO_COMPAT) | bit);
		if (em->em_metacsum)
			ext2_super_csum_set(raw);
		em->em_sb.s_feature_ro_compat |= bit;
	}
	mutex_exit(&em->em_lock);
}

/*
 * Descriptor g changed in em_gdraw: checksum it, decode it into
 * em_gds[g] and write its descriptor block.  em_lock held.
 */
int
ext2_gd_commit(struct ext2_mount *em, uint32_t g)
{
	uint32_t perblock = em->em_bsize / em->em_descsize, i = g / perblock;
	uint8_t *raw = em->em_gdraw + (size_t)g * em->em_descsize;
	struct ext2_gd gd;
	struct buf *bp;
	int error;

	KASSERT(mutex_owned(&em->em_lock));
	if (em->em_metacsum || em->em_gdtcsum)
		le16enc(raw + EXT2_GD_CSUM_OFF, ext2_gd_csum(em, g, raw));
	/*
	 * Only the counts and flags change; the locations are read
	 * without the lock (inode tables), so they are not rewritten.
	 */
	ext2_gd_decode(raw, em->em_descsize, &gd);
	em->em_gds[g].gd_free_blocks = gd.gd_free_blocks;
	em->em_gds[g].gd_free_inodes = gd.gd_free_inodes;
	em->em_gds[g].gd_used_dirs = gd.gd_used_dirs;
	em->em_gds[g].gd_flags = gd.gd_flags;
	em->em_gds[g].gd_itable_unused = gd.gd_itable_unused;
	em->em_gds[g].gd_checksum = gd.gd_checksum;
	if ((error = ext2_bread(em, ext2_gdblock_loc(em, i), &bp)) != 0)
		return error;
	memcpy(bp->b_data, em->em_gdraw + (size_t)i * em->em_bsize,
	    em->em_bsize);
	bdwrite(bp);
	return 0;
}
