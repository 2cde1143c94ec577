/*
 * ffs_truncate.c: changing a file's length.
 *
 * Shortening: the part of the new last block past the end is zeroed
 * (FFS keeps the bytes after the end of a file zero, so that growing it
 * later shows zeros), every block past it is freed, direct ones and
 * whole subtrees of pointer blocks, pointer blocks left partly used are
 * rewritten, and a new last block below NDADDR shrinks to the fragments
 * its bytes need.  Lengthening: the block holding the new last byte is
 * allocated (as FreeBSD does, so that fsck finds the file's end backed)
 * and zeroed, with a hole before it; an old last block of fragments
 * becomes a full block first (ffs_balloc).
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ffs/ffs.h"

/* Does the inode own blocks (not a device, fifo, socket, fast link)? */
static bool
ffs_has_blocks(const struct ffs_node *fn)
{
	if (fn->fn_type == VREG || fn->fn_type == VDIR)
		return true;
	return fn->fn_type == VLNK && fn->fn_di.di_blocks != 0;
}

/*
 * The subtree of pointer block frag (level 1 points at data) whose first
 * entry is block base: free what lies at or after block keep.  *emptyp
 * when all of it went (the caller frees frag itself).
 */
static int
ffs_trunc_ind(struct ffs_node *fn, int64_t frag, int level, uint64_t base,
    uint64_t keep, bool *emptyp)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t span = 1, eb;
	uint32_t i, first;
	struct buf *bp;
	int64_t ptr;
	bool changed = false, e;
	int l, error = 0;

	for (l = 1; l < level; l++)
		span *= fs->fs_nindir;
	if ((error = ffs_bread(fm, frag, fs->fs_bsize, &bp)) != 0)
		return error;
	first = keep <= base ? 0 : (uint32_t)MIN((keep - base) / span,
	    (uint64_t)fs->fs_nindir);
	for (i = first; i < fs->fs_nindir && error == 0; i++) {
		eb = base + i * span;
		ptr = ffs_ptr_decode(fs, bp->b_data, i);
		if (ptr == 0)
			continue;
		if (level > 1) {
			error = ffs_trunc_ind(fn, ptr, level - 1, eb, keep, &e);
			if (error != 0 || !e)
				continue;
		}
		if ((error = ffs_frags_free(fm, ptr, fs->fs_frag)) != 0)
			break;
		ffs_node_addfrags(fn, -(int64_t)fs->fs_frag);
		ffs_ptr_encode(fs, bp->b_data, i, 0);
		changed = true;
	}
	*emptyp = error == 0 && keep <= base;
	if (changed && !*emptyp)
		bdwrite(bp);
	else
		brelse(bp);
	return error;
}

/* The pointer trees: free what lies at or after block keep. */
static int
ffs_trunc_trees(struct ffs_node *fn, uint64_t keep)
{
	const struct ffs_super *fs = &fn->fn_mount->fm_fs;
	uint64_t base = FFS_NDADDR, span = fs->fs_nindir;
	int64_t frag;
	bool empty;
	int level, error;

	for (level = 1; level <= FFS_NIADDR; level++) {
		frag = fn->fn_di.di_ib[level - 1];
		if (frag != 0 && keep < base + span) {
			error = ffs_trunc_ind(fn, frag, level, base, keep,
			    &empty);
			if (error != 0)
				return error;
			if (empty) {
				error = ffs_frags_free(fn->fn_mount, frag,
				    fs->fs_frag);
				if (error != 0)
					return error;
				ffs_node_addfrags(fn, -(int64_t)fs->fs_frag);
				fn->fn_di.di_ib[level - 1] = 0;
			}
		}
		base += span;
		span *= fs->fs_nindir;
	}
	return 0;
}

/* Zero bytes [from, to) of the block at frag (to bytes allocated there). */
static int
ffs_zero_tail(struct ffs_node *fn, int64_t frag, uint32_t from, uint32_t to)
{
	struct ffs_mount *fm = fn->fn_mount;
	struct buf *bp;
	int error;

	if (from >= to)
		return 0;
	if ((error = ffs_bread(fm, frag, to, &bp)) != 0)
		return error;
	memset((uint8_t *)bp->b_data + from, 0, to - from);
	if (fn->fn_type != VREG) {
		bdwrite(bp);
		return 0;
	}
	/* Regular file data lives on the device, not in the cache. */
	error = bwrite(bp);
	bio_forget(fm->fm_dev, (uint64_t)frag << fm->fm_fs.fs_fshift, to);
	return error;
}

/*
 * Shorten to length (sizes from the old length), in an order that keeps
 * the old length valid if a step fails: zero the new last block past
 * the end, free every block after it (their pointers cleared: holes),
 * and only then give back the new last block's unneeded fragments.
 */
static int
ffs_shrink(struct ffs_node *fn, uint64_t length)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t keep = howmany(length, fs->fs_bsize), nb = keep - 1, i;
	uint32_t oldsz = 0, newsz = 0, fshift = fs->fs_fshift;
	struct ffs_run r;
	int64_t frag = 0, f;
	int error;

	if (keep > 0) {
		if ((error = ffs_bmap_run(fn, nb, &r)) != 0)
			return error;
		frag = r.r_frag;
		oldsz = ffs_blksize(fn, nb);
		newsz = nb < FFS_NDADDR ? (uint32_t)roundup(length -
		    (nb << fs->fs_bshift), fs->fs_fsize) : fs->fs_bsize;
		if (frag != 0 && (error = ffs_zero_tail(fn, frag,
		    (uint32_t)(length - (nb << fs->fs_bshift)), newsz)) != 0)
			return error;
	}
	if ((error = ffs_trunc_trees(fn, keep)) != 0)
		return error;
	for (i = keep; i < FFS_NDADDR; i++) {
		if ((f = fn->fn_di.di_db[i]) == 0)
			continue;
		if ((error = ffs_frags_free(fm, f, ffs_blksize(fn, i) >>
		    fshift)) != 0)
			return error;
		ffs_node_addfrags(fn, -(int64_t)(ffs_blksize(fn, i) >> fshift));
		fn->fn_di.di_db[i] = 0;
	}
	if (frag != 0 && newsz < oldsz) {
		error = ffs_frags_free(fm, frag + (newsz >> fshift),
		    (oldsz - newsz) >> fshift);
		if (error != 0)
			return error;
		ffs_node_addfrags(fn, -(int64_t)((oldsz - newsz) >> fshift));
	}
	return 0;
}

int
ffs_truncate(struct ffs_node *fn, uint64_t length)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t lbn, osize;
	int error, error2;

	if (!fm->fm_writable)
		return EROFS;
	if (length > ffs_maxsize(fs) || length > (uint64_t)INT64_MAX)
		return EFBIG;
	if (!ffs_has_blocks(fn)) {
		ffs_node_setsize(fn, length);
		return ffs_node_update(fn);
	}
	if ((int64_t)length > fn->fn_size) {
		osize = (uint64_t)fn->fn_size;
		lbn = (length - 1) >> fs->fs_bshift;
		error = ffs_balloc(fn, lbn, (uint32_t)(length -
		    (lbn << fs->fs_bshift)), NULL);
		if (error == 0)
			ffs_node_setsize(fn, length);
		else if (ffs_shrink(fn, osize) == 0)
			ffs_node_setsize(fn, osize);	/* as it was */
		error2 = ffs_node_update(fn);
		return error != 0 ? error : error2;
	}
	/* On failure the old length still describes what is allocated. */
	if ((error = ffs_shrink(fn, length)) == 0)
		ffs_node_setsize(fn, length);
	error2 = ffs_node_update(fn);
	return error != 0 ? error : error2;
}
