/*
 * fat_fat.c: the file allocation table: reading entries, walking
 * cluster chains, counting free clusters, and mapping a file range to
 * contiguous runs of clusters (VOP_BMAP).
 *
 * FAT sectors are read through the buffer cache one BPB sector at a
 * time; the cache bounds how much of the FAT stays in memory.  A FAT12
 * entry may straddle two sectors, so entries are assembled byte by byte
 * from at most two buffers.
 *
 * Chains are never trusted: a next-cluster value that is free, bad,
 * reserved or beyond the last cluster ends the walk with EFSCORRUPTED,
 * and so does a chain longer than the number of clusters (a loop).
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/fatfs/fatfs.h"

uint64_t
fat_cluster_off(const struct fat_mount *fmp, uint32_t cl)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;

	KASSERT(fat_cluster_valid(fmp, cl));
	return ((uint64_t)bpb->bpb_datasec +
	    (uint64_t)(cl - FAT_FIRST_CLUSTER) * bpb->bpb_secperclus) *
	    bpb->bpb_secsize;
}

bool
fat_cluster_valid(const struct fat_mount *fmp, uint32_t cl)
{
	return cl >= FAT_FIRST_CLUSTER &&
	    cl - FAT_FIRST_CLUSTER < fmp->fm_bpb.bpb_nclusters;
}

#define FAT_RA		15	/* FAT sectors read ahead on a miss */

/*
 * Read the FAT sector at byte offset secoff of the FAT copy at device
 * offset base, with up to FAT_RA following sectors of the same copy in
 * the same request when it is not cached (never past the copy: the
 * data area's sectors are not all metadata).  Walking a long chain or
 * allocating a large file then costs a request per 16 sectors, not one
 * per sector.
 */
int
fat_bread_fat(struct fat_mount *fmp, uint64_t base, uint64_t secoff,
    struct buf **bpp)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint64_t size = (uint64_t)bpb->bpb_fatsecs * bpb->bpb_secsize;
	int nra = 0;

	if (secoff < size)
		nra = (int)MIN((size - secoff) / bpb->bpb_secsize - 1, FAT_RA);
	return breadn(fmp->fm_dev, base + secoff, bpb->bpb_secsize, nra, bpp);
}

/* Read n (<= 4) bytes at byte offset off of the FAT in use. */
static int
fat_read_fatbytes(struct fat_mount *fmp, uint64_t off, uint8_t *out,
    unsigned n)
{
	uint32_t secsize = fmp->fm_bpb.bpb_secsize;
	uint64_t secoff = UINT64_MAX;
	struct buf *bp = NULL;
	unsigned i;
	int error;

	for (i = 0; i < n; i++) {
		if (rounddown(off + i, secsize) != secoff) {
			if (bp != NULL)
				brelse(bp);
			secoff = rounddown(off + i, secsize);
			error = fat_bread_fat(fmp, fmp->fm_fatoff, secoff, &bp);
			if (error != 0)
				return error;
		}
		out[i] = ((const uint8_t *)bp->b_data)[off + i - secoff];
	}
	brelse(bp);
	return 0;
}

/*
 * Read the FAT entry of cluster cl (0 <= cl < nclusters + 2) into *valp,
 * widened to the FAT32 encoding: end-of-chain values become
 * >= FAT_CLUSTER_EOC_MIN and the bad mark FAT_CLUSTER_BAD.
 */
int
fat_get(struct fat_mount *fmp, uint32_t cl, uint32_t *valp)
{
	uint8_t b[4];
	uint32_t v;
	int error;

	switch (fmp->fm_bpb.bpb_fattype) {
	case FAT12:
		error = fat_read_fatbytes(fmp, (uint64_t)cl + cl / 2, b, 2);
		if (error != 0)
			return error;
		v = le16dec(b);
		v = (cl & 1) ? v >> 4 : v & 0x0fff;
		if (v >= 0x0ff7)
			v |= 0x0ffff000;
		break;
	case FAT16:
		error = fat_read_fatbytes(fmp, (uint64_t)cl * 2, b, 2);
		if (error != 0)
			return error;
		v = le16dec(b);
		if (v >= 0xfff7)
			v |= 0x0fff0000;
		break;
	default:
		error = fat_read_fatbytes(fmp, (uint64_t)cl * 4, b, 4);
		if (error != 0)
			return error;
		v = le32dec(b) & 0x0fffffff;	/* top 4 bits are reserved */
		break;
	}
	*valp = v;
	return 0;
}

/*
 * Read the entries of clusters cl .. cl + n - 1 (all below nclusters +
 * 2) into vals, widened as by fat_get: one buffer per FAT sector instead
 * of one per entry.  FAT16 and FAT32 entries never straddle a sector;
 * FAT12's may, and FAT12 volumes are small: entry by entry.
 */
int
fat_get_many(struct fat_mount *fmp, uint32_t cl, uint32_t n, uint32_t *vals)
{
	uint32_t secsize = fmp->fm_bpb.bpb_secsize, esz, i = 0, v;
	uint64_t off, secoff;
	const uint8_t *p;
	struct buf *bp;
	int error;

	if (fmp->fm_bpb.bpb_fattype == FAT12) {
		for (; i < n; i++)
			if ((error = fat_get(fmp, cl + i, &vals[i])) != 0)
				return error;
		return 0;
	}
	esz = fmp->fm_bpb.bpb_fattype == FAT16 ? 2 : 4;
	while (i < n) {
		off = (uint64_t)(cl + i) * esz;
		secoff = rounddown(off, secsize);
		if ((error = fat_bread_fat(fmp, fmp->fm_fatoff, secoff,
		    &bp)) != 0)
			return error;
		for (; i < n && off < secoff + secsize; i++, off += esz) {
			p = (const uint8_t *)bp->b_data + (off - secoff);
			if (esz == 2) {
				v = le16dec(p);
				if (v >= 0xfff7)
					v |= 0x0fff0000;
			} else
				v = le32dec(p) & 0x0fffffff;
			vals[i] = v;
		}
		brelse(bp);
	}
	return 0;
}

/*
 * The cluster after cl in its chain, or FAT_CHAIN_END.  EFSCORRUPTED if
 * the entry is free, bad or points outside the data area.
 */
int
fat_chain_next(struct fat_mount *fmp, uint32_t cl, uint32_t *nextp)
{
	uint32_t v;
	int error;

	if ((error = fat_get(fmp, cl, &v)) != 0)
		return error;
	if (v >= FAT_CLUSTER_EOC_MIN) {
		*nextp = FAT_CHAIN_END;
		return 0;
	}
	if (!fat_cluster_valid(fmp, v))
		return FS_CORRUPT("fatfs", "cluster %u: next cluster %#x is "
		    "%s", cl, v, v == FAT_CLUSTER_FREE ? "free" :
		    v == FAT_CLUSTER_BAD ? "bad" : "out of range");
	*nextp = v;
	return 0;
}

#define FAT_CONTIG	128	/* entries per fat_get_many in fat_contig */

/*
 * How many of the clusters after cl continue its chain in order (the
 * entry of cl is cl + 1, that of cl + 1 is cl + 2, ...), at most max:
 * the entries of a contiguous file are read a FAT sector at a time,
 * not one at a time.
 */
static int
fat_contig(struct fat_mount *fmp, uint32_t cl, uint32_t max, uint32_t *np)
{
	uint32_t vals[FAT_CONTIG], n = 0, k, i;
	uint32_t end = fmp->fm_bpb.bpb_nclusters + FAT_FIRST_CLUSTER;
	int error;

	while (n < max) {
		/* Successors must stay below end. */
		k = MIN(MIN(FAT_CONTIG, max - n), end - 1 - (cl + n));
		if (k == 0)
			break;
		if ((error = fat_get_many(fmp, cl + n, k, vals)) != 0)
			return error;
		for (i = 0; i < k && vals[i] == cl + n + i + 1; i++)
			continue;
		n += i;
		if (i < k)
			break;
	}
	*np = n;
	return 0;
}

/*
 * The number of clusters in the chain starting at startcl (a valid
 * cluster).  A chain longer than the volume has clusters loops.
 */
int
fat_chain_length(struct fat_mount *fmp, uint32_t startcl, uint32_t *lenp)
{
	uint32_t cl = startcl, n = 0, k;
	int error;

	while (cl != FAT_CHAIN_END) {
		if (++n > fmp->fm_bpb.bpb_nclusters)
			return FS_CORRUPT("fatfs", "cluster chain from %u "
			    "loops", startcl);
		/* Runs in order go by whole FAT sectors. */
		if ((error = fat_contig(fmp, cl, fmp->fm_bpb.bpb_nclusters - n,
		    &k)) != 0)
			return error;
		n += k;
		cl += k;
		if ((error = fat_chain_next(fmp, cl, &cl)) != 0)
			return error;
	}
	*lenp = n;
	return 0;
}

/* Count free clusters by reading the whole FAT. */
int
fat_count_free(struct fat_mount *fmp, uint32_t *freep)
{
	uint32_t cl, v, n = 0;
	uint32_t last = fmp->fm_bpb.bpb_nclusters + FAT_FIRST_CLUSTER;
	int error;

	for (cl = FAT_FIRST_CLUSTER; cl < last; cl++) {
		if ((error = fat_get(fmp, cl, &v)) != 0)
			return error;
		if (v == FAT_CLUSTER_FREE)
			n++;
	}
	*freep = n;
	return 0;
}

/*
 * Find the cluster holding file cluster index idx, starting from the
 * node's hint when it is not past idx.  fn_lock held.
 */
static int
fat_bmap_seek(struct fat_node *fn, uint32_t idx, uint32_t *clp)
{
	struct fat_mount *fmp = fn->fn_fmp;
	uint32_t cl = fn->fn_startcl, i = 0;
	int error;

	KASSERT(mutex_owned(&fn->fn_lock));
	if (fn->fn_hintcl != 0 && fn->fn_hintidx <= idx) {
		cl = fn->fn_hintcl;
		i = fn->fn_hintidx;
	}
	for (; i < idx; i++) {
		if ((error = fat_chain_next(fmp, cl, &cl)) != 0)
			return error;
		if (cl == FAT_CHAIN_END)
			return FS_CORRUPT("fatfs", "file at %llu: chain of "
			    "%u clusters shorter than its size %lld",
			    (unsigned long long)fn->fn_key, i + 1,
			    (long long)fn->fn_size);
	}
	*clp = cl;
	return 0;
}

/*
 * Map [off, off + len) of a file to the run of contiguous clusters that
 * holds off, limited to about len bytes.  The chain is measured (and so
 * checked for loops) once, at the first call.  Reading past what the
 * chain holds is EFSCORRUPTED (the callers never ask past the file
 * size, or past the chain when writing).
 */
int
fat_bmap(struct fat_node *fn, int64_t off, int64_t len, struct bmap *bm)
{
	struct fat_mount *fmp = fn->fn_fmp;
	uint32_t csize = fmp->fm_bpb.bpb_clustersize;
	uint32_t idx = (uint32_t)(off / csize), cl = 0, n, want, clen;
	int error = 0;

	if (off < 0)
		return EINVAL;
	if (fn->fn_startcl == 0)
		return FS_CORRUPT("fatfs", "file at %llu: %lld bytes, no "
		    "clusters", (unsigned long long)fn->fn_key,
		    (long long)fn->fn_size);
	mutex_enter(&fn->fn_lock);
	if (fn->fn_chainlen < 0) {
		if ((error = fat_chain_length(fmp, fn->fn_startcl, &clen)) != 0)
			goto out_unlock;
		fn->fn_chainlen = clen;
	}
	if (idx >= fn->fn_chainlen) {
		error = FS_CORRUPT("fatfs", "file at %llu: offset %lld past "
		    "its chain of %lld clusters", (unsigned long long)fn->fn_key,
		    (long long)off, (long long)fn->fn_chainlen);
		goto out_unlock;
	}
	if ((error = fat_bmap_seek(fn, idx, &cl)) != 0)
		goto out_unlock;
	want = (uint32_t)MIN(howmany(off % csize + MAX(len, 1), csize),
	    (int64_t)fn->fn_chainlen - idx);
	bm->bm_off = (int64_t)idx * csize;
	bm->bm_physoff = fat_cluster_off(fmp, cl);
	bm->bm_dev = fmp->fm_dev;
	bm->bm_flags = 0;
	if ((error = fat_contig(fmp, cl, want - 1, &n)) != 0)
		goto out_unlock;
	cl += n;
	n++;
	fn->fn_hintidx = idx + n - 1;
	fn->fn_hintcl = cl;
	bm->bm_len = (int64_t)n * csize;
out_unlock:
	mutex_exit(&fn->fn_lock);
	return error;
}
