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
			error = bread(fmp->fm_dev, fmp->fm_fatoff + secoff,
			    secsize, &bp);
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

/*
 * The number of clusters in the chain starting at startcl (a valid
 * cluster).  A chain longer than the volume has clusters loops.
 */
int
fat_chain_length(struct fat_mount *fmp, uint32_t startcl, uint32_t *lenp)
{
	uint32_t cl = startcl, n = 0;
	int error;

	while (cl != FAT_CHAIN_END) {
		if (++n > fmp->fm_bpb.bpb_nclusters)
			return FS_CORRUPT("fatfs", "cluster chain from %u "
			    "loops", startcl);
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
	uint32_t idx = (uint32_t)(off / csize), cl = 0, next, n, want, clen;
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
	for (n = 1; n < want; n++) {
		if ((error = fat_chain_next(fmp, cl, &next)) != 0)
			goto out_unlock;
		if (next != cl + 1)
			break;
		cl = next;
	}
	fn->fn_hintidx = idx + n - 1;
	fn->fn_hintcl = cl;
	bm->bm_len = (int64_t)n * csize;
out_unlock:
	mutex_exit(&fn->fn_lock);
	return error;
}
