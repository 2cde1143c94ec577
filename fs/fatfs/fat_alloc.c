/*
 * fat_alloc.c: changing the FAT: setting entries in every copy,
 * allocating clusters (next to the previous one, so files stay
 * contiguous), freeing and truncating chains, the free count, FSInfo and
 * the dirty bit.
 *
 * Every change of the FAT happens under fm_alloclock, so a search for a
 * free cluster and the marking of it are one step.  The free count is
 * kept exact while mounted read-write (counted at mount when FSInfo's is
 * not trustworthy) and written to FSInfo on sync.
 *
 * Lock order: vnode locks, fm_alloclock, fm_lock; buffers are taken
 * and released inside one function.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/fatfs/fatfs.h"

/* FAT[1] bits that say "cleanly unmounted". */
#define FAT16_CLEAN	0x8000u
#define FAT32_CLEAN	0x08000000u

/*
 * Store n (<= 4) bytes at byte offset off of the FAT copy at base, with
 * keep[i] the bits of the old byte to preserve (FAT12 nibbles, FAT32's
 * reserved top bits).  One buffer per sector touched (a FAT12 entry may
 * straddle two), not one per byte.
 */
static int
fat_write_fatbytes(struct fat_mount *fmp, uint64_t base, uint64_t off,
    const uint8_t *val, const uint8_t *keep, unsigned n)
{
	uint32_t secsize = fmp->fm_bpb.bpb_secsize;
	uint64_t secoff;
	struct buf *bp;
	uint8_t *p;
	unsigned i = 0;
	int error;

	while (i < n) {
		secoff = rounddown(off + i, secsize);
		if ((error = bread(fmp->fm_dev, base + secoff, secsize,
		    &bp)) != 0)
			return error;
		for (; i < n && off + i < secoff + secsize; i++) {
			p = (uint8_t *)bp->b_data + (off + i - secoff);
			*p = (uint8_t)((*p & keep[i]) | (val[i] & ~keep[i]));
		}
		bdwrite(bp);
	}
	return 0;
}

/* Set the FAT entry of cl to v (FAT32 encoding) in every copy in use. */
int
fat_set(struct fat_mount *fmp, uint32_t cl, uint32_t v)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint8_t val[4], keep[4] = { 0, 0, 0, 0 };
	uint64_t off, base;
	uint32_t i, ncopies = bpb->bpb_nfats;
	unsigned n;
	int error;

	KASSERT(fmp->fm_writable);
	switch (bpb->bpb_fattype) {
	case FAT12:
		off = (uint64_t)cl + cl / 2;
		v &= 0x0fff;
		le16enc(val, (uint16_t)((cl & 1) ? v << 4 : v));
		keep[0] = (cl & 1) ? 0x0f : 0x00;
		keep[1] = (cl & 1) ? 0x00 : 0xf0;
		n = 2;
		break;
	case FAT16:
		off = (uint64_t)cl * 2;
		le16enc(val, (uint16_t)v);
		n = 2;
		break;
	default:
		off = (uint64_t)cl * 4;
		le32enc(val, v & 0x0fffffff);
		keep[3] = 0xf0;
		n = 4;
		break;
	}
	if (bpb->bpb_fattype == FAT32 && (bpb->bpb_fat32flags & 0x80))
		ncopies = 1;		/* mirroring off: the active FAT only */
	for (i = 0; i < ncopies; i++) {
		base = ncopies == 1 ? fmp->fm_fatoff :
		    ((uint64_t)bpb->bpb_rsvdsecs +
		    (uint64_t)i * bpb->bpb_fatsecs) * bpb->bpb_secsize;
		error = fat_write_fatbytes(fmp, base, off, val, keep, n);
		if (error != 0)
			return error;
	}
	return 0;
}

/* Adjust the free count by delta.  fm_alloclock held. */
static void
fat_free_adjust(struct fat_mount *fmp, int delta)
{
	mutex_enter(&fmp->fm_lock);
	if (fmp->fm_freeknown)
		fmp->fm_freecount = (uint32_t)((int64_t)fmp->fm_freecount +
		    delta);
	mutex_exit(&fmp->fm_lock);
}

/*
 * Allocate one cluster, marked end-of-chain: the first free one after
 * near (a valid cluster or 0), wrapping around.  ENOSPC if none.
 */
int
fat_alloc_cluster(struct fat_mount *fmp, uint32_t near, uint32_t *clp)
{
	uint32_t n = fmp->fm_bpb.bpb_nclusters, cl, v, i;
	int error;

	mutex_enter(&fmp->fm_alloclock);
	if (fmp->fm_freeknown && fmp->fm_freecount == 0) {
		error = ENOSPC;
		goto out_unlock;
	}
	cl = fat_cluster_valid(fmp, near) ? near + 1 : fmp->fm_nextfree;
	for (i = 0; i < n; i++, cl++) {
		if (!fat_cluster_valid(fmp, cl))
			cl = FAT_FIRST_CLUSTER;
		if ((error = fat_get(fmp, cl, &v)) != 0)
			goto out_unlock;
		if (v == FAT_CLUSTER_FREE)
			break;
	}
	if (i == n) {
		error = ENOSPC;
		goto out_unlock;
	}
	if ((error = fat_set(fmp, cl, FAT_CLUSTER_EOC_MIN | 0xf)) != 0)
		goto out_unlock;
	fat_free_adjust(fmp, -1);
	fmp->fm_nextfree = cl + 1;
	*clp = cl;
out_unlock:
	mutex_exit(&fmp->fm_alloclock);
	return error;
}

/*
 * Free the chain starting at cl (a valid cluster), forgetting cached
 * metadata of its clusters (they may have been a directory's).
 */
int
fat_free_chain(struct fat_mount *fmp, uint32_t cl)
{
	uint32_t next, n = 0;
	int error = 0;

	mutex_enter(&fmp->fm_alloclock);
	while (cl != FAT_CHAIN_END) {
		if (++n > fmp->fm_bpb.bpb_nclusters) {
			error = FS_CORRUPT("fatfs", "freeing a looping chain");
			break;
		}
		if ((error = fat_chain_next(fmp, cl, &next)) != 0)
			break;
		if ((error = fat_set(fmp, cl, FAT_CLUSTER_FREE)) != 0)
			break;
		bio_forget(fmp->fm_dev, fat_cluster_off(fmp, cl),
		    fmp->fm_bpb.bpb_clustersize);
		fat_free_adjust(fmp, 1);
		cl = next;
	}
	mutex_exit(&fmp->fm_alloclock);
	return error;
}

/* Link cl after prev (prev ends its chain). */
int
fat_link(struct fat_mount *fmp, uint32_t prev, uint32_t cl)
{
	int error;

	KASSERT(fat_cluster_valid(fmp, prev) && fat_cluster_valid(fmp, cl));
	mutex_enter(&fmp->fm_alloclock);
	error = fat_set(fmp, prev, cl);
	mutex_exit(&fmp->fm_alloclock);
	return error;
}

/*
 * Cut the chain starting at startcl after keep clusters (keep >= 1):
 * the keep-th becomes its end and the rest is freed.
 */
int
fat_chain_cut(struct fat_mount *fmp, uint32_t startcl, uint32_t keep)
{
	uint32_t cl = startcl, next, i;
	int error;

	KASSERT(keep >= 1);
	for (i = 1; i < keep; i++) {
		if ((error = fat_chain_next(fmp, cl, &cl)) != 0)
			return error;
		if (cl == FAT_CHAIN_END)
			return 0;	/* already that short */
	}
	if ((error = fat_chain_next(fmp, cl, &next)) != 0)
		return error;
	if (next == FAT_CHAIN_END)
		return 0;
	mutex_enter(&fmp->fm_alloclock);
	error = fat_set(fmp, cl, FAT_CLUSTER_EOC_MIN | 0xf);
	mutex_exit(&fmp->fm_alloclock);
	if (error != 0)
		return error;
	return fat_free_chain(fmp, next);
}

/*
 * Prepare a read-write mount: an exact free count, the allocation hint,
 * and the dirty bit set in FAT[1] (FAT16/32) until a clean unmount.
 */
int
fat_rw_start(struct fat_mount *fmp)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint32_t v, nfree, clean;
	int error;

	if (fmp->fm_fsinfo.fsi_valid &&
	    fmp->fm_fsinfo.fsi_freecount <= bpb->bpb_nclusters)
		nfree = fmp->fm_fsinfo.fsi_freecount;
	else if ((error = fat_count_free(fmp, &nfree)) != 0)
		return error;
	fmp->fm_freecount = nfree;
	fmp->fm_freeknown = true;
	fmp->fm_nextfree = fat_cluster_valid(fmp, fmp->fm_fsinfo.fsi_nextfree) ?
	    fmp->fm_fsinfo.fsi_nextfree : FAT_FIRST_CLUSTER;
	if (bpb->bpb_fattype == FAT12)
		return 0;
	clean = bpb->bpb_fattype == FAT16 ? FAT16_CLEAN : FAT32_CLEAN;
	if ((error = fat_get(fmp, 1, &v)) != 0)
		return error;
	/* fat_get widens FAT16 values >= 0xfff7; the bit is what counts. */
	fmp->fm_wasclean = (v & clean) != 0;
	if (!fmp->fm_wasclean)
		return 0;
	mutex_enter(&fmp->fm_alloclock);
	error = fat_set(fmp, 1, v & ~clean);
	mutex_exit(&fmp->fm_alloclock);
	return error;
}

/*
 * Write the free count and hint into the FSInfo sector at sector sec,
 * if it carries FSInfo's signatures (a backup that was never written or
 * was overwritten is left alone).
 */
static int
fat_fsinfo_write(struct fat_mount *fmp, uint32_t sec)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	struct fat_fsinfo old;
	struct buf *bp;
	int error;

	error = bread(fmp->fm_dev, (uint64_t)sec * bpb->bpb_secsize,
	    bpb->bpb_secsize, &bp);
	if (error != 0)
		return error;
	fat_fsinfo_decode(bp->b_data, &old);
	if (!old.fsi_valid) {
		brelse(bp);
		return 0;
	}
	fat_fsinfo_encode(&fmp->fm_fsinfo, bp->b_data);
	bdwrite(bp);
	return 0;
}

/*
 * Write the free count and hint into FSInfo (FAT32 with a valid one),
 * and into the backup FSInfo that follows the backup boot sector, as
 * mkfs.fat lays them out.  Linux updates the primary only and fsck.fat
 * reads the primary only; keeping the backup equal costs one sector per
 * sync and leaves a volume whose two copies agree, as after mkfs.fat.
 */
static int
fat_fsinfo_sync(struct fat_mount *fmp)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint32_t bk = bpb->bpb_bkbootsec;
	int error;

	if (!fmp->fm_fsinfo.fsi_valid)
		return 0;
	mutex_enter(&fmp->fm_lock);
	fmp->fm_fsinfo.fsi_freecount = fmp->fm_freecount;
	mutex_exit(&fmp->fm_lock);
	fmp->fm_fsinfo.fsi_nextfree = fmp->fm_nextfree;
	if ((error = fat_fsinfo_write(fmp, bpb->bpb_fsinfosec)) != 0)
		return error;
	if (bk != 0 && bk + bpb->bpb_fsinfosec < bpb->bpb_rsvdsecs)
		error = fat_fsinfo_write(fmp, bk + bpb->bpb_fsinfosec);
	return error;
}

/* Write everything back: FSInfo, the buffer cache, a device flush. */
int
fat_rw_sync(struct fat_mount *fmp)
{
	int error;

	if (!fmp->fm_writable)
		return 0;
	if ((error = fat_fsinfo_sync(fmp)) != 0)
		return error;
	return bio_sync(fmp->fm_dev);
}

/* Clean unmount: sync, then clear the dirty bit if we set it. */
int
fat_rw_finish(struct fat_mount *fmp)
{
	uint32_t v, clean;
	int error;

	if ((error = fat_rw_sync(fmp)) != 0)
		return error;
	if (fmp->fm_bpb.bpb_fattype == FAT12 || !fmp->fm_wasclean)
		return 0;
	clean = fmp->fm_bpb.bpb_fattype == FAT16 ? FAT16_CLEAN : FAT32_CLEAN;
	if ((error = fat_get(fmp, 1, &v)) != 0)
		return error;
	mutex_enter(&fmp->fm_alloclock);
	error = fat_set(fmp, 1, v | clean);
	mutex_exit(&fmp->fm_alloclock);
	if (error == 0)
		error = bio_sync(fmp->fm_dev);
	return error;
}
