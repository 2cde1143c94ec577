/*
 * ffs_alloc.c: inodes, blocks and fragments from the cylinder groups.
 *
 * A group's header block holds its summary (cg_cs), the rotors where
 * the last searches ended, cg_frsum (how many free runs of 1..frag-1
 * fragments lie in blocks that are not wholly free), the used-inode map,
 * the free-fragment map and, when fs_contigsumsize > 0, a free-block
 * (cluster) map with the counts of free runs of each length up to
 * contigsumsize.  Every change of a block's fragments goes through
 * ffs_blk_change, which takes the block's old state out of all these
 * counts, changes the bits and puts the new state in: the maps and every
 * count derived from them stay consistent by construction.  The group's
 * summary is mirrored in fm_cs and summed into fs_cstotal (written with
 * the superblock, ffs_wsuper.c).  All of it under fm_lock.
 *
 * Policy, after FFS: a file's blocks follow each other (the caller's
 * preference is the block after the previous one), then the group's
 * rotor; other groups are tried by quadratic rehash then one by one.
 * Directories go to a group with more free inodes than average and the
 * fewest directories, files to their directory's group.
 *
 * Nothing read is trusted: a group header with a bad magic or index or
 * maps outside it, a bit claiming a metadata area free, or freeing what
 * is already free give EFSCORRUPTED.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ffs/ffs.h"

/* A group header block being changed (busy buffer, fm_lock held). */
struct ffs_cgv {
	struct buf	*cv_bp;
	uint8_t		*cv_raw;
	uint32_t	 cv_cg;
	uint32_t	 cv_nfrags;	/* fragments of the group */
	uint8_t		*cv_free;	/* a bit per fragment: set = free */
	uint8_t		*cv_iused;	/* a bit per inode: set = used */
	uint8_t		*cv_clmap;	/* a bit per block (or NULL) */
	uint8_t		*cv_clsum;	/* int32 [contigsumsize + 1] */
	uint32_t	 cv_nclblks;
};

static inline bool
bit_isset(const uint8_t *m, uint32_t i)
{
	return (m[i >> 3] >> (i & 7)) & 1;
}

static inline void
bit_put(uint8_t *m, uint32_t i, bool on)
{
	if (on)
		m[i >> 3] |= (uint8_t)(1U << (i & 7));
	else
		m[i >> 3] &= (uint8_t)~(1U << (i & 7));
}

static int32_t
cg_get32(const struct ffs_mount *fm, const struct ffs_cgv *cv, uint32_t off)
{
	return (int32_t)ffs_get32(fm->fm_fs.fs_be, cv->cv_raw + off);
}

static void
cg_add32(const struct ffs_mount *fm, struct ffs_cgv *cv, uint32_t off,
    int32_t d)
{
	ffs_put32(fm->fm_fs.fs_be, cv->cv_raw + off,
	    (uint32_t)(cg_get32(fm, cv, off) + d));
}

/* Fragments of group cg in its map (the last group may be short). */
static uint32_t
ffs_cg_nfrags(const struct ffs_super *fs, uint32_t cg)
{
	uint64_t base = (uint64_t)cg * fs->fs_fpg;

	return (uint32_t)MIN((uint64_t)fs->fs_fpg,
	    (uint64_t)fs->fs_size - base);
}

/* Map at offset off of n bits inside the group header? */
static bool
ffs_cg_fits(const struct ffs_super *fs, uint32_t off, uint64_t nbytes)
{
	return off >= CG_TIME && off <= fs->fs_cgsize &&
	    nbytes <= fs->fs_cgsize - off;
}

/* Read group cg's header, checked.  Released by ffs_cg_put/ffs_cg_rele. */
static int
ffs_cg_get(struct ffs_mount *fm, uint32_t cg, struct ffs_cgv *cv)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t iused, freeoff, clsum, cloff;
	int error;

	KASSERT(mutex_owned(&fm->fm_lock));
	if (cg >= fs->fs_ncg)
		return FS_CORRUPT(FFS_FSNAME, "group %u out of range", cg);
	error = ffs_bread(fm, (int64_t)(ffs_cgstart(fs, cg) +
	    (uint64_t)fs->fs_cblkno), fs->fs_bsize, &cv->cv_bp);
	if (error != 0)
		return error;
	cv->cv_raw = cv->cv_bp->b_data;
	cv->cv_cg = cg;
	cv->cv_nfrags = ffs_cg_nfrags(fs, cg);
	iused = (uint32_t)cg_get32(fm, cv, CG_IUSEDOFF);
	freeoff = (uint32_t)cg_get32(fm, cv, CG_FREEOFF);
	if ((uint32_t)cg_get32(fm, cv, 4) != FFS_CG_MAGIC ||
	    (uint32_t)cg_get32(fm, cv, CG_CGX) != cg ||
	    !ffs_cg_fits(fs, iused, howmany(fs->fs_ipg, 8)) ||
	    !ffs_cg_fits(fs, freeoff, howmany(cv->cv_nfrags, 8)))
		goto bad;
	cv->cv_iused = cv->cv_raw + iused;
	cv->cv_free = cv->cv_raw + freeoff;
	cv->cv_clmap = cv->cv_clsum = NULL;
	if (fm->fm_contigsumsize > 0) {
		clsum = (uint32_t)cg_get32(fm, cv, CG_CLUSTERSUMOFF);
		cloff = (uint32_t)cg_get32(fm, cv, CG_CLUSTEROFF);
		cv->cv_nclblks = (uint32_t)cg_get32(fm, cv, CG_NCLUSTERBLKS);
		if (cv->cv_nclblks != cv->cv_nfrags / fs->fs_frag ||
		    !ffs_cg_fits(fs, clsum, 4 * ((uint64_t)
		    fm->fm_contigsumsize + 1)) ||
		    !ffs_cg_fits(fs, cloff, howmany(cv->cv_nclblks, 8)))
			goto bad;
		cv->cv_clmap = cv->cv_raw + cloff;
		cv->cv_clsum = cv->cv_raw + clsum;
	}
	return 0;
bad:
	brelse(cv->cv_bp);
	return FS_CORRUPT(FFS_FSNAME, "group %u: bad header", cg);
}

static void
ffs_cg_rele(struct ffs_cgv *cv)
{
	brelse(cv->cv_bp);
}

/* The header changed: stamp its time and leave it dirty in the cache. */
static void
ffs_cg_put(struct ffs_mount *fm, struct ffs_cgv *cv)
{
	struct ktimespec now;

	getnanotime(&now);
	if (fm->fm_fs.fs_ufs2)
		ffs_put64(fm->fm_fs.fs_be, cv->cv_raw + CG_TIME,
		    (uint64_t)now.tv_sec);
	else
		ffs_put32(fm->fm_fs.fs_be, cv->cv_raw + CG_OLD_TIME,
		    (uint32_t)now.tv_sec);
	bdwrite(cv->cv_bp);
}

/* Summary field k (0 ndir, 1 nbfree, 2 nifree, 3 nffree) += d. */
static void
ffs_cs_add(struct ffs_mount *fm, struct ffs_cgv *cv, int k, int32_t d)
{
	cg_add32(fm, cv, CG_CS + 4 * (uint32_t)k, d);
	fm->fm_cs[cv->cv_cg][k] += d;
	(&fm->fm_fs.fs_cstotal.cs_ndir)[k] += d;
}

/* Free block (cluster) map and counts: block blkno freed (+1) or taken. */
static void
ffs_cluster_acct(struct ffs_mount *fm, struct ffs_cgv *cv, uint32_t blkno,
    int cnt)
{
	uint32_t max = fm->fm_contigsumsize, back = 0, forw = 0, i, end, so;

	if (cv->cv_clmap == NULL || blkno >= cv->cv_nclblks)
		return;
	bit_put(cv->cv_clmap, blkno, cnt > 0);
	end = MIN(cv->cv_nclblks, blkno + 1 + max);
	for (i = blkno + 1; i < end && bit_isset(cv->cv_clmap, i); i++)
		forw++;
	for (i = blkno; i > 0 && back < max && bit_isset(cv->cv_clmap, i - 1);
	    i--)
		back++;
	so = (uint32_t)(cv->cv_clsum - cv->cv_raw);
	cg_add32(fm, cv, so + 4 * MIN(back + forw + 1, max), cnt);
	if (back > 0)
		cg_add32(fm, cv, so + 4 * MIN(back, max), -cnt);
	if (forw > 0)
		cg_add32(fm, cv, so + 4 * MIN(forw, max), -cnt);
}

/* Free fragments in the block at bfrag (nb of them in the group). */
static uint32_t
ffs_blk_nfree(const struct ffs_cgv *cv, uint32_t bfrag, uint32_t nb)
{
	uint32_t j, n = 0;

	for (j = 0; j < nb; j++)
		n += bit_isset(cv->cv_free, bfrag + j);
	return n;
}

/* cg_frsum: the free runs of a block that is not wholly free, +-1. */
static void
ffs_frsum_acct(struct ffs_mount *fm, struct ffs_cgv *cv, uint32_t bfrag,
    uint32_t nb, int32_t sign)
{
	uint32_t j, run = 0;

	for (j = 0; j <= nb; j++) {
		if (j < nb && bit_isset(cv->cv_free, bfrag + j)) {
			run++;
			continue;
		}
		if (run > 0 && run < FFS_MAXFRAG)
			cg_add32(fm, cv, CG_FRSUM + 4 * run, sign);
		run = 0;
	}
}

/* Take a block's state out of (sign -1) or into (+1) every count. */
static void
ffs_blk_acct(struct ffs_mount *fm, struct ffs_cgv *cv, uint32_t bfrag,
    uint32_t nb, int sign)
{
	uint32_t nfree = ffs_blk_nfree(cv, bfrag, nb);

	if (nfree == fm->fm_fs.fs_frag) {
		ffs_cs_add(fm, cv, 1, sign);
		ffs_cluster_acct(fm, cv, bfrag / fm->fm_fs.fs_frag, sign);
	} else {
		ffs_frsum_acct(fm, cv, bfrag, nb, sign);
		ffs_cs_add(fm, cv, 3, sign * (int32_t)nfree);
	}
}

/*
 * Mark fragments [rel, rel + n) of the group (inside one block) free or
 * used, keeping every count.  EFSCORRUPTED if one is already so.
 */
static int
ffs_blk_change(struct ffs_mount *fm, struct ffs_cgv *cv, uint32_t rel,
    uint32_t n, bool tofree)
{
	uint32_t frag = fm->fm_fs.fs_frag, bfrag = rounddown(rel, frag), nb, j;

	nb = MIN(frag, cv->cv_nfrags - bfrag);
	if (n == 0 || rel + n > bfrag + nb)
		return FS_CORRUPT(FFS_FSNAME, "group %u: fragments %u+%u "
		    "cross a block", cv->cv_cg, rel, n);
	for (j = rel; j < rel + n; j++)
		if (bit_isset(cv->cv_free, j) == tofree)
			return FS_CORRUPT(FFS_FSNAME, "group %u: fragment %u "
			    "is already %s", cv->cv_cg, j, tofree ? "free" :
			    "in use");
	ffs_blk_acct(fm, cv, bfrag, nb, -1);
	for (j = rel; j < rel + n; j++)
		bit_put(cv->cv_free, j, tofree);
	ffs_blk_acct(fm, cv, bfrag, nb, 1);
	return 0;
}

/*
 * May fragments [abs, abs + n) hold data?  Not the group's metadata (or
 * the boot area and summary area), inside the file system.
 */
static bool
ffs_is_data(const struct ffs_mount *fm, uint32_t cg, uint64_t abs, uint32_t n)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t start = ffs_cgstart(fs, cg), mfrom, mto, cs;

	mfrom = cg == 0 ? 0 : start + (uint64_t)fs->fs_sblkno;
	mto = start + (uint64_t)fs->fs_dblkno;
	if (abs + n > (uint64_t)fs->fs_size || (abs < mto && abs + n > mfrom))
		return false;
	cs = (uint64_t)fs->fs_csaddr;
	return !(abs < cs + howmany(fs->fs_cssize, fs->fs_fsize) &&
	    abs + n > cs);
}

/* Is the block at bfrag (group relative) wholly free? */
static bool
ffs_blk_isfree(const struct ffs_mount *fm, const struct ffs_cgv *cv,
    uint32_t bfrag)
{
	uint32_t frag = fm->fm_fs.fs_frag;

	return bfrag + frag <= cv->cv_nfrags &&
	    ffs_blk_nfree(cv, bfrag, frag) == frag;
}

/* Take [rel, rel + n) after checking it may hold data. */
static int
ffs_cg_take(struct ffs_mount *fm, struct ffs_cgv *cv, uint32_t rel,
    uint32_t n, int64_t *fragp)
{
	uint64_t abs = (uint64_t)cv->cv_cg * fm->fm_fs.fs_fpg + rel;
	int error;

	if (!ffs_is_data(fm, cv->cv_cg, abs, n))
		return FS_CORRUPT(FFS_FSNAME, "group %u: metadata fragment %u "
		    "marked free", cv->cv_cg, rel);
	if ((error = ffs_blk_change(fm, cv, rel, n, false)) != 0)
		return error;
	*fragp = (int64_t)abs;
	return 0;
}

/* A whole block: at pref (group relative) if free, else from the rotor. */
static int
ffs_cg_allocblk(struct ffs_mount *fm, struct ffs_cgv *cv, int64_t pref,
    bool exact, uint32_t *relp)
{
	uint32_t frag = fm->fm_fs.fs_frag, nblk = cv->cv_nfrags / frag, b, i;
	uint32_t rotor;

	if (pref >= 0 && (uint64_t)pref < cv->cv_nfrags &&
	    ffs_blk_isfree(fm, cv, rounddown((uint32_t)pref, frag))) {
		*relp = rounddown((uint32_t)pref, frag);
		return 0;
	}
	if (exact || nblk == 0)
		return ENOSPC;
	rotor = (uint32_t)cg_get32(fm, cv, CG_ROTOR) / frag;
	if (rotor >= nblk)
		rotor = 0;
	for (i = 0; i < nblk; i++) {
		b = (rotor + i) % nblk;
		if (ffs_blk_isfree(fm, cv, b * frag)) {
			ffs_put32(fm->fm_fs.fs_be, cv->cv_raw + CG_ROTOR,
			    b * frag);
			*relp = b * frag;
			return 0;
		}
	}
	return ENOSPC;
}

/* A run of n < frag free fragments inside a block not wholly free. */
static int
ffs_cg_allocfrags(struct ffs_mount *fm, struct ffs_cgv *cv, uint32_t n,
    uint32_t *relp)
{
	uint32_t frag = fm->fm_fs.fs_frag, nblk, b, i, j, run, rotor, nb;

	for (i = n; i < frag; i++)
		if (cg_get32(fm, cv, CG_FRSUM + 4 * i) > 0)
			break;
	if (i == frag)
		return ENOSPC;
	nblk = howmany(cv->cv_nfrags, frag);
	rotor = (uint32_t)cg_get32(fm, cv, CG_FROTOR) / frag;
	if (rotor >= nblk)
		rotor = 0;
	for (i = 0; i < nblk; i++) {
		b = ((rotor + i) % nblk) * frag;
		nb = MIN(frag, cv->cv_nfrags - b);
		if (ffs_blk_nfree(cv, b, nb) == frag)
			continue;
		for (j = 0, run = 0; j < nb; j++) {
			run = bit_isset(cv->cv_free, b + j) ? run + 1 : 0;
			if (run == n) {
				ffs_put32(fm->fm_fs.fs_be, cv->cv_raw +
				    CG_FROTOR, b);
				*relp = b + j + 1 - n;
				return 0;
			}
		}
	}
	return ENOSPC;
}

/* nfrags (a block, or fewer) from group cg near pref (group relative). */
static int
ffs_cg_alloc(struct ffs_mount *fm, uint32_t cg, int64_t pref, uint32_t nfrags,
    bool exact, int64_t *fragp)
{
	uint32_t frag = fm->fm_fs.fs_frag, rel;
	struct ffs_cgv cv;
	int error;

	if ((error = ffs_cg_get(fm, cg, &cv)) != 0)
		return error;
	if (nfrags < frag && !exact)
		error = ffs_cg_allocfrags(fm, &cv, nfrags, &rel);
	else
		error = ENOSPC;
	if (error == ENOSPC)
		error = ffs_cg_allocblk(fm, &cv, pref, exact, &rel);
	if (error == 0)
		error = ffs_cg_take(fm, &cv, rel, nfrags, fragp);
	if (error != 0) {
		ffs_cg_rele(&cv);
		return error;
	}
	ffs_cg_put(fm, &cv);
	return 0;
}

/* Could group cg have nfrags (from its summary, without reading it)? */
static bool
ffs_cg_maybe(const struct ffs_mount *fm, uint32_t cg, uint32_t nfrags)
{
	return fm->fm_cs[cg][1] > 0 || (nfrags < fm->fm_fs.fs_frag &&
	    fm->fm_cs[cg][3] >= (int32_t)nfrags);
}

/*
 * nfrags fragments (a whole block, or fewer inside one block) in *fragp:
 * at pref (an absolute fragment, 0 for none) if free; exact: there or
 * ENOSPC.  Else near pref in its group (or group cg), then other groups
 * by quadratic rehash, then every group in turn.
 */
int
ffs_frags_alloc(struct ffs_mount *fm, uint32_t cg, int64_t pref,
    uint32_t nfrags, bool exact, int64_t *fragp)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t ncg = fs->fs_ncg, c, i;
	int64_t rel = -1;
	int error = ENOSPC;

	if (nfrags == 0 || nfrags > fs->fs_frag)
		return EINVAL;
	if (pref > 0 && pref < fs->fs_size) {
		cg = (uint32_t)((uint64_t)pref / fs->fs_fpg);
		rel = pref - (int64_t)((uint64_t)cg * fs->fs_fpg);
	} else if (exact)
		return ENOSPC;
	if (cg >= ncg)
		cg = 0;
	mutex_enter(&fm->fm_lock);
	if (exact) {
		error = ffs_cg_alloc(fm, cg, rel, nfrags, true, fragp);
		mutex_exit(&fm->fm_lock);
		return error;
	}
	if (ffs_cg_maybe(fm, cg, nfrags))
		error = ffs_cg_alloc(fm, cg, rel, nfrags, false, fragp);
	/* Quadratic rehash, then the rest one by one. */
	for (i = 1, c = cg; error == ENOSPC && i < ncg; i *= 2) {
		c = (c + i) % ncg;
		if (ffs_cg_maybe(fm, c, nfrags))
			error = ffs_cg_alloc(fm, c, -1, nfrags, false, fragp);
	}
	for (i = 1; error == ENOSPC && i < ncg; i++) {
		c = (cg + i) % ncg;
		if (ffs_cg_maybe(fm, c, nfrags))
			error = ffs_cg_alloc(fm, c, -1, nfrags, false, fragp);
	}
	mutex_exit(&fm->fm_lock);
	return error;
}

/*
 * Grow the run of ofrags fragments at frag to nfrags in place (all in
 * one block): ENOSPC if the fragments after it are not free.
 */
int
ffs_frags_extend(struct ffs_mount *fm, int64_t frag, uint32_t ofrags,
    uint32_t nfrags)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t cg, rel, j;
	struct ffs_cgv cv;
	int64_t got;
	int error;

	if (!ffs_frag_ok(fm, frag, nfrags) || nfrags <= ofrags ||
	    (uint64_t)frag % fs->fs_frag + nfrags > fs->fs_frag)
		return ENOSPC;
	cg = (uint32_t)((uint64_t)frag / fs->fs_fpg);
	rel = (uint32_t)((uint64_t)frag % fs->fs_fpg);
	mutex_enter(&fm->fm_lock);
	if ((error = ffs_cg_get(fm, cg, &cv)) != 0)
		goto out;
	for (j = rel + ofrags; j < rel + nfrags; j++)
		if (j >= cv.cv_nfrags || !bit_isset(cv.cv_free, j))
			error = ENOSPC;
	if (error == 0)
		error = ffs_cg_take(fm, &cv, rel + ofrags, nfrags - ofrags,
		    &got);
	if (error != 0)
		ffs_cg_rele(&cv);
	else
		ffs_cg_put(fm, &cv);
out:
	mutex_exit(&fm->fm_lock);
	return error;
}

/*
 * Free nfrags fragments at frag (a block, or fewer inside one block),
 * and drop any buffer cached over them.
 */
int
ffs_frags_free(struct ffs_mount *fm, int64_t frag, uint32_t nfrags)
{
	const struct ffs_super *fs = &fm->fm_fs;
	struct ffs_cgv cv;
	uint32_t cg;
	int error;

	if (!ffs_frag_ok(fm, frag, nfrags) || nfrags == 0 ||
	    (uint64_t)frag % fs->fs_frag + nfrags > fs->fs_frag)
		return FS_CORRUPT(FFS_FSNAME, "freeing fragments %lld+%u",
		    (long long)frag, nfrags);
	cg = (uint32_t)((uint64_t)frag / fs->fs_fpg);
	if (!ffs_is_data(fm, cg, (uint64_t)frag, nfrags))
		return FS_CORRUPT(FFS_FSNAME, "freeing metadata fragments "
		    "%lld+%u", (long long)frag, nfrags);
	bio_forget(fm->fm_dev, (uint64_t)frag << fs->fs_fshift,
	    (uint64_t)nfrags << fs->fs_fshift);
	mutex_enter(&fm->fm_lock);
	if ((error = ffs_cg_get(fm, cg, &cv)) == 0) {
		error = ffs_blk_change(fm, &cv, (uint32_t)((uint64_t)frag %
		    fs->fs_fpg), nfrags, true);
		if (error != 0)
			ffs_cg_rele(&cv);
		else
			ffs_cg_put(fm, &cv);
	}
	mutex_exit(&fm->fm_lock);
	return error;
}

uint32_t
ffs_ino_to_cg(const struct ffs_mount *fm, uint32_t ino)
{
	return ino / fm->fm_fs.fs_ipg;
}

/*
 * A group for a new directory: at least the average free inodes, some
 * free blocks, and the fewest directories (4.4BSD's ffs_dirpref:
 * directories spread); else the parent's.
 */
static uint32_t
ffs_dirpref(struct ffs_mount *fm, uint32_t pcg)
{
	const struct ffs_super *fs = &fm->fm_fs;
	int64_t avgifree = fs->fs_cstotal.cs_nifree / fs->fs_ncg;
	uint32_t cg, best = UINT32_MAX, i;
	int32_t minndir = INT32_MAX;

	for (i = 0; i < fs->fs_ncg; i++) {
		cg = (pcg + i) % fs->fs_ncg;
		if (fm->fm_cs[cg][2] > 0 && fm->fm_cs[cg][2] >= avgifree &&
		    fm->fm_cs[cg][1] > 0 && fm->fm_cs[cg][0] < minndir) {
			best = cg;
			minndir = fm->fm_cs[cg][0];
		}
	}
	return best != UINT32_MAX ? best : pcg;
}

/*
 * UFS2 groups initialise their inode blocks lazily: cg_initediblk
 * inodes are on disk; zero blocks of inodes until idx is among them.
 */
static int
ffs_cg_initino(struct ffs_mount *fm, struct ffs_cgv *cv, uint32_t idx)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t inited = (uint32_t)cg_get32(fm, cv, CG_INITEDIBLK);
	struct buf *bp;
	int64_t frag;
	int error;

	if (!fs->fs_ufs2)
		return 0;
	if (inited > fs->fs_ipg || inited % fs->fs_inopb != 0)
		return FS_CORRUPT(FFS_FSNAME, "group %u: initediblk %u",
		    cv->cv_cg, inited);
	while (idx >= inited) {
		frag = (int64_t)(ffs_cgstart(fs, cv->cv_cg) +
		    (uint64_t)fs->fs_iblkno +
		    ((uint64_t)(inited / fs->fs_inopb) << fs->fs_fragshift));
		if ((error = getblk(fm->fm_dev, (uint64_t)frag << fs->fs_fshift,
		    fs->fs_bsize, &bp)) != 0)
			return error;
		memset(bp->b_data, 0, fs->fs_bsize);
		bdwrite(bp);
		inited += fs->fs_inopb;
		ffs_put32(fs->fs_be, cv->cv_raw + CG_INITEDIBLK, inited);
	}
	return 0;
}

/* A free inode of group cg from its rotor; ENOSPC if none. */
static int
ffs_cg_allocino(struct ffs_mount *fm, uint32_t cg, bool dir, uint32_t *inop)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t ipg = fs->fs_ipg, rotor, i, idx;
	struct ffs_cgv cv;
	int error;

	if ((error = ffs_cg_get(fm, cg, &cv)) != 0)
		return error;
	rotor = (uint32_t)cg_get32(fm, &cv, CG_IROTOR);
	if (rotor >= ipg)
		rotor = 0;
	for (i = 0; i < ipg; i++) {
		idx = (rotor + i) % ipg;
		if (!bit_isset(cv.cv_iused, idx) &&
		    (uint64_t)cg * ipg + idx >= FFS_ROOTINO)
			break;
	}
	if (i == ipg)
		error = ENOSPC;
	if (error == 0)
		error = ffs_cg_initino(fm, &cv, idx);
	if (error != 0) {
		ffs_cg_rele(&cv);
		return error;
	}
	bit_put(cv.cv_iused, idx, true);
	ffs_cs_add(fm, &cv, 2, -1);
	if (dir)
		ffs_cs_add(fm, &cv, 0, 1);
	ffs_put32(fs->fs_be, cv.cv_raw + CG_IROTOR, idx);
	ffs_cg_put(fm, &cv);
	*inop = cg * ipg + idx;
	return 0;
}

int
ffs_inode_alloc(struct ffs_node *dp, uint16_t mode, uint32_t *inop)
{
	struct ffs_mount *fm = dp->fn_mount;
	uint32_t ncg = fm->fm_fs.fs_ncg, cg, i;
	bool dir = (mode & S_IFMT) == S_IFDIR;
	int error = ENOSPC;

	if (!fm->fm_writable)
		return EROFS;
	mutex_enter(&fm->fm_lock);
	cg = ffs_ino_to_cg(fm, dp->fn_ino);
	if (dir)
		cg = ffs_dirpref(fm, cg);
	for (i = 0; i < ncg && error == ENOSPC; i++)
		if (fm->fm_cs[(cg + i) % ncg][2] > 0)
			error = ffs_cg_allocino(fm, (cg + i) % ncg, dir, inop);
	mutex_exit(&fm->fm_lock);
	if (error != 0)
		return error;
	if ((error = ffs_inode_write_new(fm, *inop, mode)) != 0)
		(void)ffs_inode_free(fm, *inop, mode);
	return error;
}

int
ffs_inode_free(struct ffs_mount *fm, uint32_t ino, uint16_t mode)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t idx = ino % fs->fs_ipg;
	struct ffs_cgv cv;
	int error;

	if (!ffs_ino_valid(fm, ino))
		return FS_CORRUPT(FFS_FSNAME, "freeing inode %u", ino);
	mutex_enter(&fm->fm_lock);
	if ((error = ffs_cg_get(fm, ffs_ino_to_cg(fm, ino), &cv)) != 0)
		goto out;
	if (!bit_isset(cv.cv_iused, idx)) {
		ffs_cg_rele(&cv);
		error = FS_CORRUPT(FFS_FSNAME, "freeing free inode %u", ino);
		goto out;
	}
	bit_put(cv.cv_iused, idx, false);
	ffs_cs_add(fm, &cv, 2, 1);
	if ((mode & S_IFMT) == S_IFDIR)
		ffs_cs_add(fm, &cv, 0, -1);
	if (idx < (uint32_t)cg_get32(fm, &cv, CG_IROTOR))
		ffs_put32(fs->fs_be, cv.cv_raw + CG_IROTOR, idx);
	ffs_cg_put(fm, &cv);
out:
	mutex_exit(&fm->fm_lock);
	return error;
}
