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
		if ((error = fat_bread_fat(fmp, base, secoff, &bp)) != 0)
			return error;
		for (; i < n && off + i < secoff + secsize; i++) {
			p = (uint8_t *)bp->b_data + (off + i - secoff);
			*p = (uint8_t)((*p & keep[i]) | (val[i] & ~keep[i]));
		}
		bdwrite(bp);
	}
	return 0;
}

/* The number of FAT copies that are written. */
static uint32_t
fat_ncopies(const struct fat_mount *fmp)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;

	if (bpb->bpb_fattype == FAT32 && (bpb->bpb_fat32flags & 0x80))
		return 1;	/* mirroring off: the active FAT only */
	return bpb->bpb_nfats;
}

/* Byte offset on the device of FAT copy i of ncopies. */
static uint64_t
fat_copy_base(const struct fat_mount *fmp, uint32_t i, uint32_t ncopies)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;

	if (ncopies == 1)
		return fmp->fm_fatoff;
	return ((uint64_t)bpb->bpb_rsvdsecs + (uint64_t)i * bpb->bpb_fatsecs) *
	    bpb->bpb_secsize;
}

/* Set the FAT entry of cl to v (FAT32 encoding) in every copy in use. */
int
fat_set(struct fat_mount *fmp, uint32_t cl, uint32_t v)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint8_t val[4], keep[4] = { 0, 0, 0, 0 };
	uint64_t off, base;
	uint32_t i, ncopies;
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
	ncopies = fat_ncopies(fmp);
	for (i = 0; i < ncopies; i++) {
		base = fat_copy_base(fmp, i, ncopies);
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
 * Chain clusters cl .. cl + n - 1 in that order and end the chain, in
 * every copy: one buffer per FAT sector and copy, not one per entry.
 * FAT32's reserved top bits are kept.  fm_alloclock held.
 */
static int
fat_put_chain(struct fat_mount *fmp, uint32_t cl, uint32_t n)
{
	uint32_t secsize = fmp->fm_bpb.bpb_secsize, esz, i, c, v;
	uint32_t ncopies = fat_ncopies(fmp);
	uint64_t base, off, secoff;
	struct buf *bp;
	uint8_t *p;
	int error;

	KASSERT(mutex_owned(&fmp->fm_alloclock));
	if (fmp->fm_bpb.bpb_fattype == FAT12) {
		for (i = 0; i < n; i++)
			if ((error = fat_set(fmp, cl + i, i + 1 < n ?
			    cl + i + 1 : FAT_CLUSTER_EOC_MIN | 0xf)) != 0)
				return error;
		return 0;
	}
	esz = fmp->fm_bpb.bpb_fattype == FAT16 ? 2 : 4;
	for (c = 0; c < ncopies; c++) {
		base = fat_copy_base(fmp, c, ncopies);
		for (i = 0; i < n;) {
			off = (uint64_t)(cl + i) * esz;
			secoff = rounddown(off, secsize);
			if ((error = fat_bread_fat(fmp, base, secoff,
			    &bp)) != 0)
				return error;
			for (; i < n && off < secoff + secsize; i++,
			    off += esz) {
				v = i + 1 < n ? cl + i + 1 :
				    FAT_CLUSTER_EOC_MIN | 0xf;
				p = (uint8_t *)bp->b_data + (off - secoff);
				if (esz == 2)
					le16enc(p, (uint16_t)v);
				else
					le32enc(p, (le32dec(p) & 0xf0000000u) |
					    (v & 0x0fffffff));
			}
			bdwrite(bp);
		}
	}
	return 0;
}

#define FAT_SCAN	128	/* FAT entries read per fat_get_many */

/*
 * The first free cluster from cl on, wrapping around.  ENOSPC if none.
 * fm_alloclock held.
 */
static int
fat_find_free(struct fat_mount *fmp, uint32_t cl, uint32_t *clp)
{
	uint32_t vals[FAT_SCAN], nclus = fmp->fm_bpb.bpb_nclusters;
	uint32_t end = nclus + FAT_FIRST_CLUSTER, seen = 0, k, i, batch;
	int error;

	if (!fat_cluster_valid(fmp, cl))
		cl = FAT_FIRST_CLUSTER;
	/* Usually the hint is free: read few entries first. */
	for (batch = 8; seen < nclus; batch = MIN(batch * 4, FAT_SCAN)) {
		k = MIN(MIN(batch, end - cl), nclus - seen);
		if ((error = fat_get_many(fmp, cl, k, vals)) != 0)
			return error;
		for (i = 0; i < k; i++)
			if (vals[i] == FAT_CLUSTER_FREE) {
				*clp = cl + i;
				return 0;
			}
		seen += k;
		cl += k;
		if (cl == end)
			cl = FAT_FIRST_CLUSTER;
	}
	return ENOSPC;
}

/*
 * Allocate a run of up to want (>= 1) consecutive clusters, chained and
 * ended: the first free cluster after near (a valid cluster or 0: the
 * next-free hint), wrapping around, and the free clusters right after
 * it.  *clp gets the first, *np how many.  ENOSPC if none is free.
 * Writing the FAT once per run rather than once per cluster is what
 * makes a large file cheap to write.
 */
int
fat_alloc_run(struct fat_mount *fmp, uint32_t near, uint32_t want,
    uint32_t *clp, uint32_t *np)
{
	uint32_t vals[FAT_SCAN];
	uint32_t end = fmp->fm_bpb.bpb_nclusters + FAT_FIRST_CLUSTER;
	uint32_t cl, n, k, i;
	int error;

	KASSERT(want >= 1);
	mutex_enter(&fmp->fm_alloclock);
	if (fmp->fm_freeknown && fmp->fm_freecount == 0) {
		error = ENOSPC;
		goto out_unlock;
	}
	error = fat_find_free(fmp, fat_cluster_valid(fmp, near) ? near + 1 :
	    fmp->fm_nextfree, &cl);
	if (error != 0)
		goto out_unlock;
	for (n = 1; n < want && cl + n < end; n += k) {
		k = MIN(MIN(FAT_SCAN, want - n), end - (cl + n));
		if ((error = fat_get_many(fmp, cl + n, k, vals)) != 0)
			goto out_unlock;
		for (i = 0; i < k && vals[i] == FAT_CLUSTER_FREE; i++)
			continue;
		if (i < k) {
			n += i;
			break;
		}
	}
	if ((error = fat_put_chain(fmp, cl, n)) != 0)
		goto out_unlock;
	fat_free_adjust(fmp, -(int)n);
	fmp->fm_nextfree = cl + n;
	*clp = cl;
	*np = n;
out_unlock:
	mutex_exit(&fmp->fm_alloclock);
	return error;
}

/*
 * Allocate one cluster, marked end-of-chain: the first free one after
 * near (a valid cluster or 0), wrapping around.  ENOSPC if none.
 */
int
fat_alloc_cluster(struct fat_mount *fmp, uint32_t near, uint32_t *clp)
{
	uint32_t n;

	return fat_alloc_run(fmp, near, 1, clp, &n);
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
