/*
 * ffs_bmap.c: logical block to disk address, through the 12 direct
 * pointers of the inode and the single, double and triple indirect
 * blocks below di_ib[0..2].  Pointers are fragment addresses, 32-bit on
 * UFS1 and 64-bit on UFS2, in the image's byte order; 0 is a hole.
 *
 * The walker returns the longest run it can see without reading another
 * block: consecutive pointers that are contiguous on disk (or all zero).
 * The descent has a fixed depth (at most three pointer blocks), and
 * every address is checked against the file system size before use.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ffs/ffs.h"

/*
 * Pointer i: of the inode's direct pointers (direct != NULL, decoded
 * already) or of a pointer block's raw bytes.
 */
static int64_t
ffs_ptr(const struct ffs_mount *fm, const int64_t *direct,
    const uint8_t *raw, uint32_t i)
{
	return direct != NULL ? direct[i] :
	    ffs_ptr_decode(&fm->fm_fs, raw, i);
}

/*
 * The run starting at pointer i of n: as far as the following pointers
 * stay one block apart (or all zero).
 */
static uint64_t
ffs_ptr_run(const struct ffs_mount *fm, const int64_t *direct,
    const uint8_t *raw, uint32_t i, uint32_t n, int64_t *fragp)
{
	int64_t first = ffs_ptr(fm, direct, raw, i), want;
	uint64_t count = 1;
	uint32_t j;

	for (j = i + 1; j < n; j++, count++) {
		want = first == 0 ? 0 :
		    first + (int64_t)(count * fm->fm_fs.fs_frag);
		if (ffs_ptr(fm, direct, raw, j) != want)
			break;
	}
	*fragp = first;
	return count;
}

/* Walk the indirect tree of levels levels for relative block rel. */
static int
ffs_bmap_ind(struct ffs_node *fn, int levels, uint64_t rel,
    struct ffs_run *r)
{
	struct ffs_mount *fm = fn->fn_mount;
	uint32_t nindir = fm->fm_fs.fs_nindir, idx;
	int pshift = 0, d, error;
	uint64_t span;
	int64_t frag;
	struct buf *bp;

	while ((1U << pshift) != nindir)
		pshift++;
	frag = fn->fn_di.di_ib[levels - 1];
	for (d = levels; d > 0; d--) {
		span = (uint64_t)1 << (pshift * d);
		if (frag == 0) {
			/* A missing pointer block: a hole to its end. */
			r->r_count = span - (rel & (span - 1));
			r->r_frag = 0;
			return 0;
		}
		if ((error = ffs_bread(fm, frag, fm->fm_fs.fs_bsize, &bp)) != 0)
			return error;
		idx = (uint32_t)(rel >> (pshift * (d - 1))) & (nindir - 1);
		if (d == 1)
			r->r_count = ffs_ptr_run(fm, NULL, bp->b_data, idx,
			    nindir, &frag);
		else
			frag = ffs_ptr_decode(&fm->fm_fs, bp->b_data, idx);
		brelse(bp);
	}
	r->r_frag = frag;
	return 0;
}

/*
 * Map logical block lbn of fn: the run of blocks starting there that is
 * contiguous on disk, or a hole.
 */
int
ffs_bmap_run(struct ffs_node *fn, uint64_t lbn, struct ffs_run *r)
{
	struct ffs_mount *fm = fn->fn_mount;
	uint64_t rel, span, nfrag, last;
	int levels, error;

	r->r_lbn = lbn;
	if (lbn < FFS_NDADDR) {
		r->r_count = ffs_ptr_run(fm, fn->fn_di.di_db, NULL,
		    (uint32_t)lbn, FFS_NDADDR, &r->r_frag);
	} else {
		rel = lbn - FFS_NDADDR;
		span = fm->fm_fs.fs_nindir;
		for (levels = 1; levels <= FFS_NIADDR && rel >= span;
		    levels++) {
			rel -= span;
			span *= fm->fm_fs.fs_nindir;
		}
		if (levels > FFS_NIADDR)
			return FS_CORRUPT(FFS_FSNAME, "inode %u: block %llu "
			    "beyond the triple indirect range", fn->fn_ino,
			    (unsigned long long)lbn);
		if ((error = ffs_bmap_ind(fn, levels, rel, r)) != 0)
			return error;
	}
	if (r->r_frag == 0)
		return 0;
	/* The run's last block may be a tail of fragments. */
	last = lbn + r->r_count - 1;
	nfrag = (r->r_count - 1) * fm->fm_fs.fs_frag +
	    howmany(ffs_blksize(fn, last), fm->fm_fs.fs_fsize);
	if (!ffs_frag_ok(fm, r->r_frag, nfrag))
		return FS_CORRUPT(FFS_FSNAME, "inode %u: block %lld+%llu "
		    "outside the file system", fn->fn_ino,
		    (long long)r->r_frag, (unsigned long long)nfrag);
	return 0;
}
