/*
 * ffs_balloc.c: giving a file's logical blocks storage.
 *
 * Blocks below NDADDR: the file's last block may be a run of fragments
 * (as many as its size needs).  Writing past it first makes it a full
 * block; writing more into it grows the run, in place when the
 * fragments after it are free (ffs_frags_extend), else by moving it to
 * a new place (copied; the old fragments freed).  Blocks past NDADDR are
 * always full blocks, under single, double and triple indirect blocks
 * allocated (zeroed) as the walk needs them.
 *
 * A file's next block is asked for right after the previous one, so
 * files written front to back are contiguous where space allows; the
 * first block of a file goes to the start of its inode's group.
 *
 * New storage reads as zeros: fragments added to a run are zeroed on
 * the device, a moved run is copied and its rest zeroed, a new block
 * is zeroed by the caller (BMAP_NEW for the direct data path, a zeroed
 * buffer for ffs_balloc with bpp, on the device without).  A failure
 * leaves nothing half allocated: indirect blocks allocated for a block
 * that then found no space are freed again.
 *
 * Regular file data moves between the device and the caller directly
 * (genfs); directory and symlink blocks go through the buffer cache.
 * A copy made here is written through the cache and, for a regular
 * file, forgotten there at once so that the direct path stays the truth.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ffs/ffs.h"

#define FFS_RUNMAX	256	/* blocks allocated for one bmap call */

/* The index of lbn in each pointer block from the top; levels 0: direct. */
static int
ffs_ind_path(const struct ffs_mount *fm, uint64_t lbn, int *levelsp,
    uint32_t idx[FFS_NIADDR])
{
	uint32_t nindir = fm->fm_fs.fs_nindir, pshift = 0;
	uint64_t rel, span;
	int levels, i;

	if (lbn < FFS_NDADDR) {
		*levelsp = 0;
		idx[0] = (uint32_t)lbn;
		return 0;
	}
	while ((1U << pshift) != nindir)
		pshift++;
	rel = lbn - FFS_NDADDR;
	span = nindir;
	for (levels = 1; rel >= span; levels++) {
		if (levels == FFS_NIADDR)
			return EFBIG;
		rel -= span;
		span *= nindir;
	}
	for (i = 0; i < levels; i++)
		idx[i] = (uint32_t)(rel >> (pshift * (uint32_t)(levels - 1 -
		    i))) & (nindir - 1);
	*levelsp = levels;
	return 0;
}

/* Where a block with no neighbour to follow should go: its inode's group. */
static int64_t
ffs_blkpref_ino(const struct ffs_node *fn)
{
	const struct ffs_super *fs = &fn->fn_mount->fm_fs;
	uint32_t cg = ffs_ino_to_cg(fn->fn_mount, fn->fn_ino);

	return (int64_t)(ffs_cgstart(fs, cg) + (uint64_t)fs->fs_dblkno);
}

/* Write nfrags zeroed fragments at frag on the device. */
static int
ffs_zero_frags(struct ffs_mount *fm, int64_t frag, uint32_t nfrags)
{
	size_t len = (size_t)nfrags << fm->fm_fs.fs_fshift;
	void *z;
	int error;

	if ((z = kmem_zalloc(len)) == NULL)
		return ENOMEM;
	error = blkdev_write(fm->fm_dev, z, len,
	    (uint64_t)frag << fm->fm_fs.fs_fshift);
	kmem_free(z, len);
	return error;
}

/* Copy osize bytes at ofrag to nsize new bytes at nfrag (rest zeroed). */
static int
ffs_copy_run(struct ffs_node *fn, int64_t ofrag, uint32_t osize,
    int64_t nfrag, uint32_t nsize)
{
	struct ffs_mount *fm = fn->fn_mount;
	struct buf *obp, *nbp;
	int error;

	if ((error = ffs_bread(fm, ofrag, osize, &obp)) != 0)
		return error;
	error = getblk(fm->fm_dev, (uint64_t)nfrag << fm->fm_fs.fs_fshift,
	    nsize, &nbp);
	if (error != 0) {
		brelse(obp);
		return error;
	}
	memcpy(nbp->b_data, obp->b_data, osize);
	memset((uint8_t *)nbp->b_data + osize, 0, nsize - osize);
	brelse(obp);
	if (fn->fn_type != VREG) {
		bdwrite(nbp);
		return 0;
	}
	error = bwrite(nbp);
	bio_forget(fm->fm_dev, (uint64_t)nfrag << fm->fm_fs.fs_fshift, nsize);
	return error;
}

/*
 * Grow direct block lbn (a run of osize bytes) to nsize bytes: in place
 * if the fragments after it are free, else moved.
 */
static int
ffs_realloc_tail(struct ffs_node *fn, uint64_t lbn, uint32_t osize,
    uint32_t nsize)
{
	struct ffs_mount *fm = fn->fn_mount;
	uint32_t fshift = fm->fm_fs.fs_fshift;
	uint32_t ofr = osize >> fshift, nfr = nsize >> fshift;
	int64_t bprev = fn->fn_di.di_db[lbn], nfrag, pref;
	int error;

	error = ffs_frags_extend(fm, bprev, ofr, nfr);
	if (error == 0) {
		if ((error = ffs_zero_frags(fm, bprev + ofr, nfr - ofr)) != 0) {
			/* The size would not cover them: give them back. */
			(void)ffs_frags_free(fm, bprev + ofr, nfr - ofr);
			return error;
		}
		ffs_node_addfrags(fn, nfr - ofr);
		return 0;
	}
	if (error != ENOSPC)
		return error;
	pref = lbn > 0 && fn->fn_di.di_db[lbn - 1] != 0 ?
	    fn->fn_di.di_db[lbn - 1] + (int64_t)fm->fm_fs.fs_frag :
	    ffs_blkpref_ino(fn);
	error = ffs_frags_alloc(fm, ffs_ino_to_cg(fm, fn->fn_ino), pref, nfr,
	    false, &nfrag);
	if (error != 0)
		return error;
	if ((error = ffs_copy_run(fn, bprev, osize, nfrag, nsize)) != 0) {
		(void)ffs_frags_free(fm, nfrag, nfr);
		return error;
	}
	fn->fn_di.di_db[lbn] = nfrag;
	ffs_node_addfrags(fn, nfr - ofr);
	return ffs_frags_free(fm, bprev, ofr);
}

/* A new zeroed pointer block near pref. */
static int
ffs_alloc_indir(struct ffs_node *fn, int64_t pref, int64_t *fragp)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	struct buf *bp;
	int error;

	error = ffs_frags_alloc(fm, ffs_ino_to_cg(fm, fn->fn_ino), pref,
	    fs->fs_frag, false, fragp);
	if (error != 0)
		return error;
	error = getblk(fm->fm_dev, (uint64_t)*fragp << fs->fs_fshift,
	    fs->fs_bsize, &bp);
	if (error != 0) {
		(void)ffs_frags_free(fm, *fragp, fs->fs_frag);
		return error;
	}
	memset(bp->b_data, 0, fs->fs_bsize);
	bdwrite(bp);
	ffs_node_addfrags(fn, fs->fs_frag);
	return 0;
}

/* Undo the pointer blocks a failed walk allocated (see ffs_balloc_ind). */
static void
ffs_balloc_undo(struct ffs_node *fn, int level, int64_t parent,
    uint32_t pidx, const int64_t *newblk, int nnew)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	struct buf *bp;
	int i;

	if (nnew == 0)
		return;
	if (parent == 0)
		fn->fn_di.di_ib[level - 1] = 0;
	else if (ffs_bread(fm, parent, fs->fs_bsize, &bp) == 0) {
		ffs_ptr_encode(fs, bp->b_data, pidx, 0);
		bdwrite(bp);
	}
	for (i = 0; i < nnew; i++) {
		(void)ffs_frags_free(fm, newblk[i], fs->fs_frag);
		ffs_node_addfrags(fn, -(int64_t)fs->fs_frag);
	}
}

/*
 * Block lbn (past NDADDR) through its pointer blocks, allocating those
 * missing.  exact != 0: the data block only there, and no pointer block
 * allocated (ENOSPC instead).
 */
static int
ffs_balloc_ind(struct ffs_node *fn, uint64_t lbn, int64_t exact,
    int64_t *fragp, bool *newp)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t idx[FFS_NIADDR], pidx = 0;
	int64_t frag, ptr, pref, newblk[FFS_NIADDR], parent = 0;
	int levels, i, nnew = 0, error;
	struct buf *bp;

	if ((error = ffs_ind_path(fm, lbn, &levels, idx)) != 0)
		return error;
	frag = fn->fn_di.di_ib[levels - 1];
	if (frag == 0) {
		if (exact != 0)
			return ENOSPC;
		pref = fn->fn_di.di_db[FFS_NDADDR - 1] != 0 ?
		    fn->fn_di.di_db[FFS_NDADDR - 1] + (int64_t)fs->fs_frag :
		    ffs_blkpref_ino(fn);
		if ((error = ffs_alloc_indir(fn, pref, &frag)) != 0)
			return error;
		fn->fn_di.di_ib[levels - 1] = frag;
		newblk[nnew++] = frag;
	}
	for (i = 0; i < levels; i++) {
		if ((error = ffs_bread(fm, frag, fs->fs_bsize, &bp)) != 0)
			goto undo;
		ptr = ffs_ptr_decode(fs, bp->b_data, idx[i]);
		if (ptr != 0 && !ffs_frag_ok(fm, ptr, fs->fs_frag)) {
			brelse(bp);
			error = FS_CORRUPT(FFS_FSNAME, "inode %u: block %lld "
			    "outside the file system", fn->fn_ino,
			    (long long)ptr);
			goto undo;
		}
		if (ptr != 0) {
			brelse(bp);
			frag = ptr;
			continue;
		}
		if (i == levels - 1) {
			pref = exact != 0 ? exact : idx[i] > 0 &&
			    ffs_ptr_decode(fs, bp->b_data, idx[i] - 1) != 0 ?
			    ffs_ptr_decode(fs, bp->b_data, idx[i] - 1) +
			    (int64_t)fs->fs_frag : frag + (int64_t)fs->fs_frag;
			error = ffs_frags_alloc(fm, ffs_ino_to_cg(fm,
			    fn->fn_ino), pref, fs->fs_frag, exact != 0, &ptr);
			if (error == 0)
				ffs_node_addfrags(fn, fs->fs_frag);
		} else if (exact != 0)
			error = ENOSPC;
		else
			error = ffs_alloc_indir(fn, frag + (int64_t)fs->fs_frag,
			    &ptr);
		if (error != 0) {
			brelse(bp);
			goto undo;
		}
		ffs_ptr_encode(fs, bp->b_data, idx[i], ptr);
		bdwrite(bp);
		if (i == levels - 1) {
			*fragp = ptr;
			*newp = true;
			return 0;
		}
		if (nnew == 0) {
			parent = frag;
			pidx = idx[i];
		}
		newblk[nnew++] = ptr;
		frag = ptr;
	}
	*fragp = frag;
	*newp = false;
	return 0;
undo:
	ffs_balloc_undo(fn, levels, parent, pidx, newblk, nnew);
	return error;
}

/* The last block of the file (UINT64_MAX if empty). */
static uint64_t
ffs_lastblk(const struct ffs_node *fn)
{
	if (fn->fn_size <= 0)
		return UINT64_MAX;
	return (uint64_t)(fn->fn_size - 1) >> fn->fn_mount->fm_fs.fs_bshift;
}

/* Grow the size to end if it is smaller. */
static void
ffs_growsize(struct ffs_node *fn, uint64_t end)
{
	if ((int64_t)end > fn->fn_size)
		ffs_node_setsize(fn, end);
}

/* Direct block lbn: allocate it or grow its tail. */
static int
ffs_balloc_direct(struct ffs_node *fn, uint64_t lbn, uint32_t size,
    int64_t exact, uint32_t *allocp, bool *newp)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t nb = ffs_lastblk(fn);
	uint32_t want = roundup(size, fs->fs_fsize), osize, nsize;
	int64_t cur = fn->fn_di.di_db[lbn], pref, frag;
	int error;

	*newp = false;
	if (cur != 0) {
		osize = nb != UINT64_MAX && lbn == nb ? ffs_blksize(fn, lbn) :
		    fs->fs_bsize;
		*allocp = osize;
		if (osize >= want)
			return 0;
		if (exact != 0)
			return ENOSPC;
		if ((error = ffs_realloc_tail(fn, lbn, osize, want)) != 0)
			return error;
		*allocp = want;
		return 0;
	}
	nsize = nb == UINT64_MAX || lbn > nb ? want :
	    MAX(want, ffs_blksize(fn, lbn));
	pref = exact != 0 ? exact : lbn > 0 && fn->fn_di.di_db[lbn - 1] != 0 ?
	    fn->fn_di.di_db[lbn - 1] + (int64_t)fs->fs_frag :
	    ffs_blkpref_ino(fn);
	error = ffs_frags_alloc(fm, ffs_ino_to_cg(fm, fn->fn_ino), pref,
	    nsize >> fs->fs_fshift, exact != 0, &frag);
	if (error != 0)
		return error;
	fn->fn_di.di_db[lbn] = frag;
	ffs_node_addfrags(fn, nsize >> fs->fs_fshift);
	*allocp = nsize;
	*newp = true;
	return 0;
}

/*
 * Storage for at least size bytes of block lbn: its first fragment in
 * *fragp, the bytes allocated there in *allocp, *newp if just allocated
 * (its contents are not zeroed: the caller does it).  exact != 0: only
 * a new block exactly there, or an existing one (else ENOSPC, nothing
 * done).  The inode is not written.
 */
int
ffs_balloc_map(struct ffs_node *fn, uint64_t lbn, uint32_t size,
    int64_t exact, int64_t *fragp, uint32_t *allocp, bool *newp)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t nb = ffs_lastblk(fn);
	uint32_t osize;
	int error;

	if (!fm->fm_writable)
		return EROFS;
	if (size == 0 || size > fs->fs_bsize)
		return EINVAL;
	if (lbn >= ((uint64_t)INT64_MAX >> fs->fs_bshift) ||
	    (lbn << fs->fs_bshift) + size > ffs_maxsize(fs))
		return EFBIG;
	/* Writing past a last block of fragments: make it a full block. */
	if (nb < FFS_NDADDR && lbn > nb && fn->fn_di.di_db[nb] != 0) {
		osize = ffs_blksize(fn, nb);
		if (osize < fs->fs_bsize) {
			if (exact != 0)
				return ENOSPC;
			error = ffs_realloc_tail(fn, nb, osize, fs->fs_bsize);
			if (error != 0)
				return error;
			ffs_growsize(fn, (nb + 1) << fs->fs_bshift);
		}
	}
	if (lbn < FFS_NDADDR) {
		error = ffs_balloc_direct(fn, lbn, size, exact, allocp, newp);
		if (error == 0)
			*fragp = fn->fn_di.di_db[lbn];
	} else {
		error = ffs_balloc_ind(fn, lbn, exact, fragp, newp);
		*allocp = fs->fs_bsize;
	}
	if (error != 0)
		return error;
	ffs_growsize(fn, (lbn << fs->fs_bshift) + size);
	return 0;
}

int
ffs_balloc(struct ffs_node *fn, uint64_t lbn, uint32_t size,
    struct buf **bpp)
{
	struct ffs_mount *fm = fn->fn_mount;
	uint32_t fshift = fm->fm_fs.fs_fshift, alloc;
	int64_t frag;
	bool new;
	int error, error2;

	error = ffs_balloc_map(fn, lbn, size, 0, &frag, &alloc, &new);
	if (error == 0 && bpp != NULL) {
		if (new && (error = getblk(fm->fm_dev, (uint64_t)frag << fshift,
		    alloc, bpp)) == 0)
			memset((*bpp)->b_data, 0, alloc);
		else if (!new)
			error = ffs_bread(fm, frag, alloc, bpp);
	} else if (error == 0 && new)
		error = ffs_zero_frags(fm, frag, alloc >> fshift);
	error2 = ffs_node_update(fn);
	if (error == 0 && error2 != 0 && bpp != NULL)
		brelse(*bpp);
	return error != 0 ? error : error2;
}

/* Do lbn and lbn2 (both past NDADDR, or both below) share a pointer block? */
static bool
ffs_same_ptrblock(const struct ffs_mount *fm, uint64_t lbn, uint64_t lbn2)
{
	uint32_t a[FFS_NIADDR], b[FFS_NIADDR];
	int la, lb, i;

	if (ffs_ind_path(fm, lbn, &la, a) != 0 ||
	    ffs_ind_path(fm, lbn2, &lb, b) != 0 || la != lb)
		return false;
	for (i = 0; i + 1 < la; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Bytes of block l a write ending at end needs (a full block past it). */
static uint32_t
ffs_need(const struct ffs_super *fs, uint64_t l, uint64_t end)
{
	uint64_t start = l << fs->fs_bshift;

	return end - start >= fs->fs_bsize ? fs->fs_bsize :
	    (uint32_t)(end - start);
}

/*
 * VOP_BMAP with BMAP_ALLOC: storage for the write of len bytes at off,
 * as a run of blocks either all new (BMAP_NEW, contiguous, allocated one
 * after the other) or all existing.  The size grows to cover what the
 * run will hold of the write (the caller truncates back on failure).
 */
int
ffs_bmap_alloc(struct ffs_node *fn, int64_t off, int64_t len, struct bmap *bm)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t lbn = (uint64_t)off >> fs->fs_bshift, end, l, nb;
	uint32_t alloc, a2, need;
	uint64_t count = 1;
	int64_t frag, f2;
	struct ffs_run r;
	bool new, n2;
	int error;

	end = (uint64_t)off + (uint64_t)MAX(len, 1);
	error = ffs_balloc_map(fn, lbn, ffs_need(fs, lbn, end), 0, &frag,
	    &alloc, &new);
	if (error != 0)
		return error;
	if (alloc == fs->fs_bsize && !new) {
		if ((error = ffs_bmap_run(fn, lbn, &r)) != 0)
			return error;
		nb = ffs_lastblk(fn);
		count = MIN(r.r_count, howmany(end, fs->fs_bsize) - lbn);
		count = MIN(count, FFS_RUNMAX);
		/* Not into a last block of fragments (it may have to grow). */
		if (nb < FFS_NDADDR && nb > lbn && lbn + count > nb)
			count = nb - lbn;
		count = MAX(count, 1);
	}
	while (new && alloc == fs->fs_bsize && count < FFS_RUNMAX &&
	    ((lbn + count) << fs->fs_bshift) < end) {
		l = lbn + count;
		need = ffs_need(fs, l, end);
		if ((l < FFS_NDADDR && need < fs->fs_bsize) ||
		    (l < FFS_NDADDR) != (lbn < FFS_NDADDR) ||
		    (l >= FFS_NDADDR && !ffs_same_ptrblock(fm, lbn, l)))
			break;
		error = ffs_balloc_map(fn, l, need, frag + (int64_t)(count *
		    fs->fs_frag), &f2, &a2, &n2);
		if (error == ENOSPC)
			break;
		if (error != 0)
			return error;
		if (!n2 || f2 != frag + (int64_t)(count * fs->fs_frag) ||
		    a2 != fs->fs_bsize)
			break;
		count++;
	}
	bm->bm_off = (int64_t)(lbn << fs->fs_bshift);
	bm->bm_len = count == 1 ? (int64_t)alloc :
	    (int64_t)(count << fs->fs_bshift);
	bm->bm_physoff = (uint64_t)frag << fs->fs_fshift;
	bm->bm_dev = fm->fm_dev;
	bm->bm_flags = new ? BMAP_NEW : 0;
	ffs_growsize(fn, MIN(end, (uint64_t)bm->bm_off + (uint64_t)bm->bm_len));
	return 0;
}
