/*
 * ffs_wsuper.c: read-write mounts: which file systems may be written,
 * the clean flag, and the summaries written with the superblock.
 *
 * As the BSD kernels do without soft updates, a read-write mount clears
 * fs_clean on disk at once (a crash then leaves the file system marked
 * for fsck) and a clean unmount sets it again, after everything else is
 * on disk, with the summaries recounted from the groups: fs_cstotal
 * (and UFS1's 32-bit fs_old_cstotal, as NetBSD's ffs_oldfscompat_write
 * keeps it; makefs also fills it on UFS2, so it is kept there when it
 * agreed at mount), the per-group array at fs_csaddr (each group's
 * header carries its own copy, kept by ffs_alloc.c), and fs_time.
 * Only the primary superblock is written: fsck and the kernels read it;
 * the backups in the other groups keep the geometry, which never
 * changes here.
 *
 * Refused read-write (EROFS, one line naming the reason): a file system
 * that is not clean, or marked as needing fsck (whatever journal, log or
 * soft updates it uses: a clean one has nothing pending), or using
 * FreeBSD's metadata check hashes (not maintained here), or a layout
 * this code does not write (a group header larger than a block, or
 * sharing its block with the inodes).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ffs/ffs.h"

#define FFS_MAXCONTIGSUM	16	/* FS_MAXCONTIG */

static int
ffs_rw_refuse(const struct ffs_mount *fm, const char *why)
{
	printf("ffs: %s: %s; mount it read-only\n", fm->fm_dev->bd_name, why);
	return EROFS;
}

/* May fm be written?  EROFS (said) if not. */
static int
ffs_rw_check(struct ffs_mount *fm, const uint8_t *raw)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t csfrags = howmany(fs->fs_cssize, fs->fs_fsize);

	if (fs->fs_clean == 0 || (fs->fs_flags & FFS_FL_UNCLEAN))
		return ffs_rw_refuse(fm, "not clean (run fsck)");
	if (fs->fs_flags & FFS_FL_NEEDSFSCK)
		return ffs_rw_refuse(fm, "marked as needing fsck");
	if (fs->fs_ufs2 && ffs_get32(fs->fs_be, raw + FS_METACKHASH) != 0)
		return ffs_rw_refuse(fm, "uses metadata check hashes, which "
		    "are not maintained");
	if (fs->fs_cgsize > fs->fs_bsize || fs->fs_cgsize < CG_TIME ||
	    fs->fs_iblkno - fs->fs_cblkno < (int32_t)fs->fs_frag ||
	    fs->fs_cblkno % (int32_t)fs->fs_frag != 0)
		return ffs_rw_refuse(fm, "group headers laid out in a way "
		    "this driver does not write");
	if (fm->fm_contigsumsize > FFS_MAXCONTIGSUM ||
	    fs->fs_cssize < (uint64_t)fs->fs_ncg * FFS_CS_SIZE ||
	    !ffs_frag_ok(fm, fs->fs_csaddr, csfrags))
		return FS_CORRUPT(FFS_FSNAME, "superblock: contigsumsize %u, "
		    "cssize %u at %lld", fm->fm_contigsumsize, fs->fs_cssize,
		    (long long)fs->fs_csaddr);
	return 0;
}

/* The counts of every group, from their headers (checked). */
static int
ffs_rw_loadcs(struct ffs_mount *fm)
{
	struct ffs_super *fs = &fm->fm_fs;
	struct ffs_cstotal *t = &fs->fs_cstotal;
	struct ffs_cg cgh;
	struct buf *bp;
	uint32_t cg;
	int k, error;

	memset(t, 0, sizeof(*t));
	for (cg = 0; cg < fs->fs_ncg; cg++) {
		error = ffs_bread(fm, (int64_t)(ffs_cgstart(fs, cg) +
		    (uint64_t)fs->fs_cblkno), fs->fs_bsize, &bp);
		if (error != 0)
			return error;
		ffs_cg_decode(fs, bp->b_data, &cgh);
		brelse(bp);
		if (cgh.cg_magic != FFS_CG_MAGIC || cgh.cg_cgx != cg)
			return FS_CORRUPT(FFS_FSNAME, "group %u: bad header",
			    cg);
		for (k = 0; k < 4; k++) {
			if (cgh.cg_cs[k] < 0)
				return FS_CORRUPT(FFS_FSNAME, "group %u: "
				    "negative count", cg);
			fm->fm_cs[cg][k] = cgh.cg_cs[k];
			(&t->cs_ndir)[k] += cgh.cg_cs[k];
		}
	}
	return 0;
}

/* Start writing: checks, state, then fs_clean = 0 on disk. */
int
ffs_rw_start(struct ffs_mount *fm)
{
	struct ffs_super *fs = &fm->fm_fs;
	uint32_t sbsize = MAX(fs->fs_sbsize, (uint32_t)FFS_SBSIZE);
	uint8_t *raw;
	int k, error;

	sbsize = roundup(sbsize, fm->fm_dev->bd_secsize);
	if (sbsize > FFS_SBSIZE_MAX)
		return FS_CORRUPT(FFS_FSNAME, "superblock: sbsize %u",
		    fs->fs_sbsize);
	if ((raw = kmem_zalloc(FFS_SBSIZE_MAX)) == NULL)
		return ENOMEM;
	fm->fm_sbraw = raw;
	if ((error = blkdev_read(fm->fm_dev, raw, sbsize, fs->fs_loc)) != 0)
		return error;
	fm->fm_contigsumsize = ffs_get32(fs->fs_be, raw + FS_CONTIGSUMSIZE);
	if (!fs->fs_ufs2 && (int32_t)fm->fm_contigsumsize < 0)
		fm->fm_contigsumsize = 0;
	if ((error = ffs_rw_check(fm, raw)) != 0)
		return error;
	fm->fm_newfields = fs->fs_ufs2 ||
	    ffs_get32(fs->fs_be, raw + FS_MAXBSIZEF) == fs->fs_bsize;
	fm->fm_oldcs = !fs->fs_ufs2;
	if (fs->fs_ufs2) {
		fm->fm_oldcs = true;
		for (k = 0; k < 4; k++)
			if ((int64_t)(int32_t)ffs_get32(fs->fs_be, raw +
			    FS_OLD_CSTOTAL + 4 * k) !=
			    (&fs->fs_cstotal.cs_ndir)[k])
				fm->fm_oldcs = false;
	}
	if ((fm->fm_cs = kmem_zalloc((size_t)fs->fs_ncg *
	    sizeof(*fm->fm_cs))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&fm->fm_lock)) != 0) {
		kmem_free(fm->fm_cs, (size_t)fs->fs_ncg * sizeof(*fm->fm_cs));
		fm->fm_cs = NULL;
		return error;
	}
	if ((error = ffs_rw_loadcs(fm)) != 0 ||
	    (error = ffs_sbupdate(fm, false)) != 0 ||
	    (error = bio_sync(fm->fm_dev)) != 0)
		return error;
	fm->fm_writable = true;
	return 0;
}

/* Free what ffs_rw_start set up (also after it failed). */
void
ffs_rw_free(struct ffs_mount *fm)
{
	if (fm->fm_cs != NULL) {
		mutex_destroy(&fm->fm_lock);
		kmem_free(fm->fm_cs, (size_t)fm->fm_fs.fs_ncg *
		    sizeof(*fm->fm_cs));
		fm->fm_cs = NULL;
	}
	if (fm->fm_sbraw != NULL) {
		kmem_free(fm->fm_sbraw, FFS_SBSIZE_MAX);
		fm->fm_sbraw = NULL;
	}
}

/*
 * Write back every dirty buffer.  A failure makes the file system
 * unclean for good: the buffer that failed may never reach the disk,
 * so what is there can no longer be vouched for (fsck first).
 */
static int
ffs_sync_dev(struct ffs_mount *fm)
{
	int error = bio_sync(fm->fm_dev);

	if (error != 0) {
		mutex_enter(&fm->fm_lock);
		fm->fm_unclean = true;
		mutex_exit(&fm->fm_lock);
	}
	return error;
}

/* The per-group summary array at fs_csaddr, from fm_cs.  fm_lock held. */
static int
ffs_csarray_write(struct ffs_mount *fm)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t bytes = (uint64_t)fs->fs_ncg * FFS_CS_SIZE, off, at;
	uint32_t size, cg;
	struct buf *bp;
	uint8_t *p;
	int k, error;

	for (off = 0; off < bytes; off += fs->fs_bsize) {
		size = (uint32_t)MIN((uint64_t)fs->fs_bsize, roundup(bytes -
		    off, fs->fs_fsize));
		if ((error = ffs_bread(fm, fs->fs_csaddr + (int64_t)(off >>
		    fs->fs_fshift), size, &bp)) != 0)
			return error;
		for (at = off; at < bytes && at < off + size;
		    at += FFS_CS_SIZE) {
			cg = (uint32_t)(at / FFS_CS_SIZE);
			p = (uint8_t *)bp->b_data + (at - off);
			for (k = 0; k < 4; k++)
				ffs_put32(fs->fs_be, p + 4 * k,
				    (uint32_t)fm->fm_cs[cg][k]);
		}
		bdwrite(bp);
	}
	return 0;
}

/*
 * Write the summaries and the primary superblock, fs_clean = clean.
 * The caller syncs the buffer cache first (maps before counts).
 */
int
ffs_sbupdate(struct ffs_mount *fm, bool clean)
{
	struct ffs_super *fs = &fm->fm_fs;
	uint32_t sbsize = roundup(MAX(fs->fs_sbsize, (uint32_t)FFS_SBSIZE),
	    fm->fm_dev->bd_secsize);
	uint8_t *raw = fm->fm_sbraw, *copy;
	struct ktimespec now;
	uint32_t cg;
	int k, error;

	if ((copy = kmem_alloc(sbsize)) == NULL)
		return ENOMEM;
	getnanotime(&now);
	mutex_enter(&fm->fm_lock);
	memset(&fs->fs_cstotal, 0, sizeof(fs->fs_cstotal));
	for (cg = 0; cg < fs->fs_ncg; cg++)
		for (k = 0; k < 4; k++)
			(&fs->fs_cstotal.cs_ndir)[k] += fm->fm_cs[cg][k];
	for (k = 0; k < 4; k++) {
		int64_t v = (&fs->fs_cstotal.cs_ndir)[k];

		if (fm->fm_newfields)
			ffs_put64(fs->fs_be, raw + FS_CSTOTAL + 8 * k,
			    (uint64_t)v);
		if (fm->fm_oldcs)
			ffs_put32(fs->fs_be, raw + FS_OLD_CSTOTAL + 4 * k,
			    (uint32_t)v);
	}
	fs->fs_time = now.tv_sec;
	if (fm->fm_newfields)
		ffs_put64(fs->fs_be, raw + FS_TIME, (uint64_t)now.tv_sec);
	if (!fs->fs_ufs2)
		ffs_put32(fs->fs_be, raw + FS_OLD_TIME, (uint32_t)now.tv_sec);
	if (fm->fm_unclean)
		clean = false;
	fs->fs_clean = clean ? 1 : 0;
	raw[FS_CLEAN] = clean ? 1 : 0;
	raw[FS_FMOD] = 0;
	raw[FS_RONLY] = 0;
	memcpy(copy, raw, sbsize);
	error = ffs_csarray_write(fm);
	mutex_exit(&fm->fm_lock);
	if (error == 0)
		error = ffs_sync_dev(fm);
	if (error == 0)
		error = blkdev_write(fm->fm_dev, copy, sbsize, fs->fs_loc);
	kmem_free(copy, sbsize);
	if (error != 0) {
		mutex_enter(&fm->fm_lock);
		fm->fm_unclean = true;
		mutex_exit(&fm->fm_lock);
	}
	return error;
}

/*
 * A change failed where no caller can be told (freeing an unlinked
 * inode at reclaim): the next sync or unmount reports EIO and the file
 * system is left not clean for fsck.
 */
void
ffs_lost_error(struct ffs_mount *fm, int error)
{
	mutex_enter(&fm->fm_lock);
	fm->fm_lost = error;
	fm->fm_unclean = true;
	mutex_exit(&fm->fm_lock);
}

static int
ffs_rw_lost(struct ffs_mount *fm)
{
	int lost;

	mutex_enter(&fm->fm_lock);
	lost = fm->fm_lost;
	mutex_exit(&fm->fm_lock);
	if (lost != 0)
		printf("ffs: %s: a change failed (error %d) where it could not "
		    "be reported; left not clean, run fsck\n",
		    fm->fm_dev->bd_name, lost);
	return lost;
}

/* Everything to disk, the superblock with current counts (not clean). */
int
ffs_rw_sync(struct ffs_mount *fm)
{
	int error;

	if (!fm->fm_writable)
		return 0;
	if ((error = ffs_sync_dev(fm)) != 0 ||
	    (error = ffs_sbupdate(fm, false)) != 0)
		return error;
	if ((error = ffs_sync_dev(fm)) != 0)
		return error;
	return ffs_rw_lost(fm) != 0 ? EIO : 0;
}

/* Clean unmount: everything, then the clean flag (unless an error was lost). */
int
ffs_rw_finish(struct ffs_mount *fm)
{
	bool clean;
	int error;

	if (!fm->fm_writable)
		return 0;
	if ((error = ffs_sync_dev(fm)) != 0) {
		/* Leave it marked in use (it is, on disk, since mount). */
		return error;
	}
	clean = ffs_rw_lost(fm) == 0;
	if ((error = ffs_sbupdate(fm, clean)) == 0)
		error = ffs_sync_dev(fm);
	if (error == 0 && !clean)
		error = EIO;
	return error;
}
