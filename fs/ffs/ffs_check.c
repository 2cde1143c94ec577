/*
 * ffs_check.c: a read-only consistency check of a whole file system, in
 * the spirit of `fsck -n`, run by the mount option "check" (the mount
 * then fails with EFSCORRUPTED if a problem was found; every problem is
 * printed, up to FFS_CHECK_MAXMSG lines).
 *
 * Pass 1, inodes: each group's header (magic, index) and inode map; an
 * inode is allocated when its mode is not 0, and must be marked so in
 * the map (and the other way round).  Every fragment an allocated
 * inode's block tree claims (data, tails, indirect blocks, UFS2
 * extended attribute blocks) is marked in a map of the whole file
 * system; one claimed twice is a duplicate; the total must match
 * di_blocks.  Directories are walked to count the links of each inode.
 * Pass 2: link counts against di_nlink; each group's free-fragment map
 * against the claims and the metadata areas (a fragment both used and
 * free, or neither); the group summaries (free blocks, free fragments,
 * free inodes, directories) against the maps; their sums against the
 * superblock's fs_cstotal; each group's cg_frsum, its free-block
 * (cluster) map and cluster counts (when fs_contigsumsize > 0) and, for
 * UFS2, that no inode in use lies past cg_initediblk, against its maps;
 * the per-group array at fs_csaddr against the group headers.
 *
 * Memory: one bit per fragment and four bytes per inode; file systems
 * needing more than FFS_CHECK_MAXMEM are refused (EFBIG).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ffs/ffs.h"

#define FFS_CHECK_MAXMSG	50
#define FFS_CHECK_MAXMEM	(512ULL << 20)

struct ffs_cx {
	struct ffs_mount *cx_fm;
	uint8_t		*cx_used;	/* a bit per fragment: claimed */
	uint32_t	*cx_links;	/* directory references per inode */
	uint32_t	*cx_nlink;	/* di_nlink, UINT32_MAX if free */
	uint64_t	 cx_problems;
	uint64_t	 cx_blocks;	/* fragments the current inode claims */
	uint32_t	 cx_ino;	/* the inode being walked */
	struct ffs_cstotal cx_sum;	/* from the group maps */
	uint32_t	 cx_contigsum;	/* fs_contigsumsize (0: no clusters) */
};

static void
ffs_cx_problem(struct ffs_cx *cx, const char *fmt, ...)
{
	va_list ap;

	if (cx->cx_problems++ >= FFS_CHECK_MAXMSG)
		return;
	printf("ffs: check: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static bool
bit_get(const uint8_t *map, uint64_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}

static void
bit_set(uint8_t *map, uint64_t i)
{
	map[i >> 3] |= (uint8_t)(1U << (i & 7));
}

/* Claim fragments [frag, frag + n) for the current inode. */
static void
ffs_cx_claim(struct ffs_cx *cx, int64_t frag, uint64_t n)
{
	uint64_t i;

	if (!ffs_frag_ok(cx->cx_fm, frag, n)) {
		ffs_cx_problem(cx, "inode %u: block %lld+%llu out of range",
		    cx->cx_ino, (long long)frag, (unsigned long long)n);
		return;
	}
	cx->cx_blocks += n;
	for (i = 0; i < n; i++) {
		if (bit_get(cx->cx_used, (uint64_t)frag + i))
			ffs_cx_problem(cx, "inode %u: fragment %llu is claimed "
			    "twice", cx->cx_ino,
			    (unsigned long long)frag + i);
		bit_set(cx->cx_used, (uint64_t)frag + i);
	}
}

/* An indirect block of level lvl (1: pointers to data) and below it. */
static int
ffs_cx_ind(struct ffs_cx *cx, int64_t frag, int lvl)
{
	struct ffs_mount *fm = cx->cx_fm;
	const struct ffs_super *fs = &fm->fm_fs;
	uint8_t *copy;
	struct buf *bp;
	int64_t p;
	uint32_t i;
	int error = 0;

	/* Out of range or claimed before: reported, not walked (twice). */
	if (!ffs_frag_ok(fm, frag, fs->fs_frag) ||
	    bit_get(cx->cx_used, (uint64_t)frag)) {
		ffs_cx_claim(cx, frag, fs->fs_frag);
		return 0;
	}
	ffs_cx_claim(cx, frag, fs->fs_frag);
	if ((copy = kmem_alloc(fs->fs_bsize)) == NULL)
		return ENOMEM;
	if ((error = ffs_bread(fm, frag, fs->fs_bsize, &bp)) == 0) {
		memcpy(copy, bp->b_data, fs->fs_bsize);
		brelse(bp);
	}
	for (i = 0; i < fs->fs_nindir && error == 0; i++) {
		p = ffs_ptr_decode(fs, copy, i);
		if (p == 0)
			continue;
		if (lvl > 1)
			error = ffs_cx_ind(cx, p, lvl - 1);
		else
			ffs_cx_claim(cx, p, fs->fs_frag);
	}
	kmem_free(copy, fs->fs_bsize);
	return error;
}

/* Every block an allocated inode claims; their count against di_blocks. */
static int
ffs_cx_blocks(struct ffs_cx *cx, struct ffs_node *fn)
{
	const struct ffs_super *fs = &cx->cx_fm->fm_fs;
	const struct ffs_dinode *di = &fn->fn_di;
	uint32_t i, n;
	int error = 0;

	cx->cx_blocks = 0;
	for (i = 0; i < FFS_NXADDR; i++) {
		if (di->di_extb[i] == 0 || di->di_extsize <= i * fs->fs_bsize)
			continue;
		n = MIN(fs->fs_bsize, di->di_extsize - i * fs->fs_bsize);
		ffs_cx_claim(cx, di->di_extb[i], howmany(n, fs->fs_fsize));
	}
	if (fn->fn_type != VREG && fn->fn_type != VDIR &&
	    !(fn->fn_type == VLNK && di->di_blocks != 0))
		goto count;
	for (i = 0; i < FFS_NDADDR; i++)
		if (di->di_db[i] != 0)
			ffs_cx_claim(cx, di->di_db[i],
			    howmany(ffs_blksize(fn, i), fs->fs_fsize));
	for (i = 0; i < FFS_NIADDR && error == 0; i++)
		if (di->di_ib[i] != 0)
			error = ffs_cx_ind(cx, di->di_ib[i], (int)i + 1);
count:
	if (error == 0 && cx->cx_blocks * (fs->fs_fsize / 512) !=
	    di->di_blocks)
		ffs_cx_problem(cx, "inode %u: holds %llu sectors, di_blocks "
		    "says %llu", fn->fn_ino, (unsigned long long)cx->cx_blocks *
		    (fs->fs_fsize / 512), (unsigned long long)di->di_blocks);
	return error;
}

static int
ffs_cx_link(void *arg, uint32_t ino)
{
	struct ffs_cx *cx = arg;

	cx->cx_links[ino]++;
	return 0;
}

/* One allocated inode: its blocks, and the links of a directory. */
static int
ffs_cx_inode(struct ffs_cx *cx, uint32_t ino, const uint8_t *raw)
{
	struct ffs_node fn;
	int error;

	memset(&fn, 0, sizeof(fn));
	fn.fn_mount = cx->cx_fm;
	fn.fn_ino = cx->cx_ino = ino;
	ffs_dinode_decode(&cx->cx_fm->fm_fs, raw, &fn.fn_di);
	fn.fn_type = vtype_from_mode(fn.fn_di.di_mode);
	fn.fn_size = (int64_t)MIN(fn.fn_di.di_size, (uint64_t)INT64_MAX);
	if (fn.fn_type == VNON) {
		ffs_cx_problem(cx, "inode %u: mode %o", ino, fn.fn_di.di_mode);
		return 0;
	}
	if ((error = ffs_cx_blocks(cx, &fn)) != 0)
		return error;
	if (fn.fn_type == VDIR) {
		cx->cx_sum.cs_ndir++;
		error = ffs_dir_foreach(&fn, ffs_cx_link, cx);
		if (error == EFSCORRUPTED) {
			ffs_cx_problem(cx, "directory %u: bad entries", ino);
			error = 0;
		}
	}
	return error;
}

/* The inodes of group cg (a copy of its header and maps in cgb). */
static int
ffs_cx_inodes(struct ffs_cx *cx, uint32_t cg, const uint8_t *cgb,
    const struct ffs_cg *cgh)
{
	struct ffs_mount *fm = cx->cx_fm;
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t iused = cgh->cg_iusedoff, i, ino;
	uint8_t *blk;
	const uint8_t *raw;
	bool alloc, marked;
	struct buf *bp;
	int64_t frag;
	int error = 0;

	if (iused > fs->fs_cgsize ||
	    fs->fs_cgsize - iused < howmany(fs->fs_ipg, 8)) {
		ffs_cx_problem(cx, "group %u: inode map at %u", cg, iused);
		return 0;
	}
	/* A copy: walking an inode reads other blocks, maybe this one. */
	if ((blk = kmem_alloc(fs->fs_bsize)) == NULL)
		return ENOMEM;
	for (i = 0; i < fs->fs_ipg && error == 0; i++) {
		ino = cg * fs->fs_ipg + i;
		if (i % fs->fs_inopb == 0) {
			frag = (int64_t)(ffs_cgstart(fs, cg) + fs->fs_iblkno +
			    ((uint64_t)(i / fs->fs_inopb) << fs->fs_fragshift));
			if ((error = ffs_bread(fm, frag, fs->fs_bsize, &bp)))
				break;
			memcpy(blk, bp->b_data, fs->fs_bsize);
			brelse(bp);
		}
		raw = blk + (i % fs->fs_inopb) * fm->fm_isize;
		alloc = ffs_get16(fs->fs_be, raw) != 0 && ino >= FFS_ROOTINO;
		marked = bit_get(cgb + iused, i);
		if (!marked)
			cx->cx_sum.cs_nifree++;
		if (ino >= FFS_ROOTINO && alloc != marked)
			ffs_cx_problem(cx, "inode %u: %s but marked %s", ino,
			    alloc ? "in use" : "free", marked ? "used" :
			    "free");
		cx->cx_nlink[ino] = alloc ? ffs_get16(fs->fs_be, raw + 2) :
		    UINT32_MAX;
		if (alloc)
			error = ffs_cx_inode(cx, ino, raw);
	}
	kmem_free(blk, fs->fs_bsize);
	return error;
}

/* Claim the metadata of group cg, and the summary area with group 0. */
static void
ffs_cx_meta(struct ffs_cx *cx, uint32_t cg)
{
	const struct ffs_super *fs = &cx->cx_fm->fm_fs;
	uint64_t start = ffs_cgstart(fs, cg), from, to, i;

	from = cg == 0 ? 0 : start + (uint64_t)fs->fs_sblkno;
	to = MIN(start + (uint64_t)fs->fs_dblkno, (uint64_t)fs->fs_size);
	for (i = from; i < to; i++)
		bit_set(cx->cx_used, i);
	if (cg != 0)
		return;
	cx->cx_ino = 0;
	ffs_cx_claim(cx, fs->fs_csaddr, howmany(fs->fs_cssize,
	    fs->fs_fsize));
}

/* Compare summary field k (0 ndir, 1 nbfree, 2 nifree, 3 nffree). */
static void
ffs_cx_sumcheck(struct ffs_cx *cx, uint32_t cg, const struct ffs_cg *cgh,
    const struct ffs_cstotal *before, int k)
{
	static const char *const names[] = { "directories", "free blocks",
	    "free inodes", "free fragments" };
	int64_t want = cgh->cg_cs[k];
	int64_t got = (&cx->cx_sum.cs_ndir)[k] - (&before->cs_ndir)[k];

	if (want != got)
		ffs_cx_problem(cx, "group %u: %lld %s, the maps say %lld", cg,
		    (long long)want, names[k], (long long)got);
}

/*
 * The free-fragment map of group cg against the claims; free blocks and
 * fragments are counted into cx_sum.
 */
static void
ffs_cx_freemap(struct ffs_cx *cx, uint32_t cg, const uint8_t *cgb,
    const struct ffs_cg *cgh)
{
	const struct ffs_super *fs = &cx->cx_fm->fm_fs;
	uint32_t freeoff = cgh->cg_freeoff, f, j, nfree;
	uint64_t base = (uint64_t)cg * fs->fs_fpg, n;
	bool isfree, used;

	n = MIN((uint64_t)fs->fs_fpg, (uint64_t)fs->fs_size - base);
	if (freeoff > fs->fs_cgsize || fs->fs_cgsize - freeoff < howmany(n, 8)) {
		ffs_cx_problem(cx, "group %u: free map at %u", cg, freeoff);
		return;
	}
	for (f = 0; f < n; f += fs->fs_frag) {
		for (j = 0, nfree = 0; j < fs->fs_frag && f + j < n; j++) {
			isfree = bit_get(cgb + freeoff, f + j);
			used = bit_get(cx->cx_used, base + f + j);
			nfree += isfree;
			if (isfree == used)
				ffs_cx_problem(cx, "fragment %llu: %s but "
				    "marked %s", (unsigned long long)base + f +
				    j, used ? "in use" : "unused", isfree ?
				    "free" : "used");
		}
		if (nfree == fs->fs_frag)
			cx->cx_sum.cs_nbfree++;
		else
			cx->cx_sum.cs_nffree += nfree;
	}
}

/* cg_frsum: free runs of 1..frag-1 fragments in blocks not wholly free. */
static void
ffs_cx_frsum(struct ffs_cx *cx, uint32_t cg, const uint8_t *cgb,
    const struct ffs_cg *cgh, uint32_t n)
{
	const struct ffs_super *fs = &cx->cx_fm->fm_fs;
	uint32_t cnt[FFS_MAXFRAG] = { 0 }, f, j, nb, run, nfree, i;
	int32_t want;

	for (f = 0; f < n; f += fs->fs_frag) {
		nb = MIN(fs->fs_frag, n - f);
		for (j = 0, nfree = 0; j < nb; j++)
			nfree += bit_get(cgb + cgh->cg_freeoff, f + j);
		if (nfree == fs->fs_frag)
			continue;
		for (j = 0, run = 0; j <= nb; j++) {
			if (j < nb && bit_get(cgb + cgh->cg_freeoff, f + j)) {
				run++;
				continue;
			}
			if (run > 0 && run < FFS_MAXFRAG)
				cnt[run]++;
			run = 0;
		}
	}
	for (i = 1; i < fs->fs_frag; i++) {
		want = (int32_t)ffs_get32(fs->fs_be, cgb + CG_FRSUM + 4 * i);
		if (want < 0 || (uint32_t)want != cnt[i])
			ffs_cx_problem(cx, "group %u: frsum[%u] %d, the map "
			    "says %u", cg, i, want, cnt[i]);
	}
}

/* The cluster map (a bit per wholly free block) and cluster counts. */
static void
ffs_cx_clusters(struct ffs_cx *cx, uint32_t cg, const uint8_t *cgb,
    const struct ffs_cg *cgh, uint32_t n)
{
	const struct ffs_super *fs = &cx->cx_fm->fm_fs;
	uint32_t max = cx->cx_contigsum, sumoff, mapoff, nbl, b, j, run, i;
	uint32_t cnt[17] = { 0 };
	bool isfree, marked;
	int32_t want;

	if (max == 0)
		return;
	sumoff = ffs_get32(fs->fs_be, cgb + CG_CLUSTERSUMOFF);
	mapoff = ffs_get32(fs->fs_be, cgb + CG_CLUSTEROFF);
	nbl = ffs_get32(fs->fs_be, cgb + CG_NCLUSTERBLKS);
	if (max > 16 || nbl != n / fs->fs_frag || sumoff > fs->fs_cgsize ||
	    fs->fs_cgsize - sumoff < 4 * (max + 1) || mapoff > fs->fs_cgsize ||
	    fs->fs_cgsize - mapoff < howmany(nbl, 8)) {
		ffs_cx_problem(cx, "group %u: cluster map at %u/%u, %u blocks",
		    cg, sumoff, mapoff, nbl);
		return;
	}
	for (b = 0, run = 0; b <= nbl; b++) {
		if (b < nbl) {
			for (j = 0, isfree = true; j < fs->fs_frag; j++)
				isfree &= bit_get(cgb + cgh->cg_freeoff,
				    b * fs->fs_frag + j);
			marked = bit_get(cgb + mapoff, b);
			if (isfree != marked)
				ffs_cx_problem(cx, "group %u: block %u %s but "
				    "its cluster bit says %s", cg, b, isfree ?
				    "free" : "in use", marked ? "free" :
				    "in use");
			if (marked) {
				run++;
				continue;
			}
		}
		if (run > 0)
			cnt[MIN(run, max)]++;
		run = 0;
	}
	for (i = 1; i <= max; i++) {
		want = (int32_t)ffs_get32(fs->fs_be, cgb + sumoff + 4 * i);
		if (want < 0 || (uint32_t)want != cnt[i])
			ffs_cx_problem(cx, "group %u: %d free clusters of %u "
			    "blocks, the map says %u", cg, want, i, cnt[i]);
	}
}

/* UFS2: no inode in use past cg_initediblk (its block may be garbage). */
static void
ffs_cx_inited(struct ffs_cx *cx, uint32_t cg, const uint8_t *cgb,
    const struct ffs_cg *cgh)
{
	const struct ffs_super *fs = &cx->cx_fm->fm_fs;
	uint32_t inited = ffs_get32(fs->fs_be, cgb + CG_INITEDIBLK), i;

	if (!fs->fs_ufs2)
		return;
	if (inited > fs->fs_ipg) {
		ffs_cx_problem(cx, "group %u: initediblk %u", cg, inited);
		return;
	}
	for (i = inited; i < fs->fs_ipg; i++)
		if (bit_get(cgb + cgh->cg_iusedoff, i)) {
			ffs_cx_problem(cx, "inode %llu: in use past group %u's "
			    "initialised inodes (%u)", (unsigned long long)cg *
			    fs->fs_ipg + i, cg, inited);
			return;
		}
}

/* The per-group summary at fs_csaddr against group cg's header. */
static int
ffs_cx_csarray(struct ffs_cx *cx, uint32_t cg, const struct ffs_cg *cgh)
{
	struct ffs_mount *fm = cx->cx_fm;
	const struct ffs_super *fs = &fm->fm_fs;
	uint64_t at = (uint64_t)cg * FFS_CS_SIZE;
	const uint8_t *p;
	struct buf *bp;
	int32_t v;
	int k, error;

	if (at + FFS_CS_SIZE > fs->fs_cssize) {
		ffs_cx_problem(cx, "superblock: cssize %u for %u groups",
		    fs->fs_cssize, fs->fs_ncg);
		return 0;
	}
	error = ffs_bread(fm, fs->fs_csaddr + (int64_t)(at >> fs->fs_fshift),
	    fs->fs_fsize, &bp);
	if (error != 0)
		return error;
	p = (const uint8_t *)bp->b_data + (at & (fs->fs_fsize - 1));
	for (k = 0; k < 4; k++) {
		v = (int32_t)ffs_get32(fs->fs_be, p + 4 * k);
		if (v != cgh->cg_cs[k]) {
			ffs_cx_problem(cx, "group %u: summary array says "
			    "%d/%d/%d/%d, the header %d/%d/%d/%d", cg,
			    (int32_t)ffs_get32(fs->fs_be, p),
			    (int32_t)ffs_get32(fs->fs_be, p + 4),
			    (int32_t)ffs_get32(fs->fs_be, p + 8),
			    (int32_t)ffs_get32(fs->fs_be, p + 12),
			    cgh->cg_cs[0], cgh->cg_cs[1], cgh->cg_cs[2],
			    cgh->cg_cs[3]);
			break;
		}
	}
	brelse(bp);
	return 0;
}

/* Pass 2's checks of what the allocator maintains beyond the maps. */
static int
ffs_cx_derived(struct ffs_cx *cx, uint32_t cg, const uint8_t *cgb,
    const struct ffs_cg *cgh)
{
	const struct ffs_super *fs = &cx->cx_fm->fm_fs;
	uint64_t base = (uint64_t)cg * fs->fs_fpg;
	uint32_t n = (uint32_t)MIN((uint64_t)fs->fs_fpg,
	    (uint64_t)fs->fs_size - base);

	if (cgh->cg_freeoff > fs->fs_cgsize ||
	    fs->fs_cgsize - cgh->cg_freeoff < howmany(n, 8) ||
	    cgh->cg_iusedoff > fs->fs_cgsize ||
	    fs->fs_cgsize - cgh->cg_iusedoff < howmany(fs->fs_ipg, 8))
		return 0;	/* said already */
	ffs_cx_frsum(cx, cg, cgb, cgh, n);
	ffs_cx_clusters(cx, cg, cgb, cgh, n);
	ffs_cx_inited(cx, cg, cgb, cgh);
	return ffs_cx_csarray(cx, cg, cgh);
}

/*
 * Group cg (its header and maps read into cgb): pass 1 walks its inodes
 * and claims its metadata, pass 2 checks its free map.
 */
static int
ffs_cx_group(struct ffs_cx *cx, uint32_t cg, uint8_t *cgb, int pass)
{
	struct ffs_mount *fm = cx->cx_fm;
	const struct ffs_super *fs = &fm->fm_fs;
	struct ffs_cstotal before = cx->cx_sum;
	struct ffs_cg cgh;
	struct buf *bp;
	int error;

	if (fs->fs_cgsize > fs->fs_bsize) {
		if (pass == 1 && cg == 0)
			ffs_cx_problem(cx, "superblock: cgsize %u", fs->fs_cgsize);
		return 0;
	}
	error = ffs_bread(fm, (int64_t)(ffs_cgstart(fs, cg) +
	    (uint64_t)fs->fs_cblkno), fs->fs_bsize, &bp);
	if (error != 0)
		return error;
	memcpy(cgb, bp->b_data, fs->fs_bsize);
	brelse(bp);
	ffs_cg_decode(fs, cgb, &cgh);
	if (cgh.cg_magic != FFS_CG_MAGIC || cgh.cg_cgx != cg) {
		if (pass == 1)
			ffs_cx_problem(cx, "group %u: bad header", cg);
		return 0;
	}
	if (pass == 2) {
		ffs_cx_freemap(cx, cg, cgb, &cgh);
		ffs_cx_sumcheck(cx, cg, &cgh, &before, 1);
		ffs_cx_sumcheck(cx, cg, &cgh, &before, 3);
		return ffs_cx_derived(cx, cg, cgb, &cgh);
	}
	ffs_cx_meta(cx, cg);
	if ((error = ffs_cx_inodes(cx, cg, cgb, &cgh)) != 0)
		return error;
	ffs_cx_sumcheck(cx, cg, &cgh, &before, 0);
	ffs_cx_sumcheck(cx, cg, &cgh, &before, 2);
	return 0;
}

/* Link counts against the directory entries naming each inode. */
static void
ffs_cx_links(struct ffs_cx *cx)
{
	uint64_t ino;

	for (ino = FFS_ROOTINO; ino < cx->cx_fm->fm_ninodes; ino++) {
		if (cx->cx_nlink[ino] == UINT32_MAX && cx->cx_links[ino] != 0)
			ffs_cx_problem(cx, "inode %llu: free but named %u "
			    "times", (unsigned long long)ino,
			    cx->cx_links[ino]);
		else if (cx->cx_nlink[ino] != UINT32_MAX &&
		    cx->cx_nlink[ino] != cx->cx_links[ino])
			ffs_cx_problem(cx, "inode %llu: link count %u, named "
			    "%u times", (unsigned long long)ino,
			    cx->cx_nlink[ino], cx->cx_links[ino]);
	}
}

/* The group counts against the superblock's summary. */
static void
ffs_cx_total(struct ffs_cx *cx)
{
	const struct ffs_cstotal *t = &cx->cx_fm->fm_fs.fs_cstotal;
	const struct ffs_cstotal *s = &cx->cx_sum;

	if (memcmp(s, t, sizeof(*s)) != 0)
		ffs_cx_problem(cx, "superblock summary: %lld dirs, %lld free "
		    "blocks, %lld free inodes, %lld free fragments; the groups "
		    "say %lld, %lld, %lld, %lld", (long long)t->cs_ndir,
		    (long long)t->cs_nbfree, (long long)t->cs_nifree,
		    (long long)t->cs_nffree, (long long)s->cs_ndir,
		    (long long)s->cs_nbfree, (long long)s->cs_nifree,
		    (long long)s->cs_nffree);
}

static int
ffs_cx_run(struct ffs_cx *cx, uint8_t *cgb)
{
	uint32_t cg, ncg = cx->cx_fm->fm_fs.fs_ncg;
	int pass, error = 0;

	for (pass = 1; pass <= 2 && error == 0; pass++) {
		for (cg = 0; cg < ncg && error == 0; cg++)
			error = ffs_cx_group(cx, cg, cgb, pass);
		if (pass == 1 && error == 0)
			ffs_cx_links(cx);
	}
	if (error == 0)
		ffs_cx_total(cx);
	return error;
}

/* fs_contigsumsize from the raw superblock (not decoded by the read side). */
static int
ffs_cx_contigsum(struct ffs_mount *fm, uint32_t *sump)
{
	uint8_t raw[FFS_SBSIZE];
	int error;

	if ((error = blkdev_read(fm->fm_dev, raw, sizeof(raw),
	    fm->fm_fs.fs_loc)) != 0)
		return error;
	*sump = ffs_get32(fm->fm_fs.fs_be, raw + FS_CONTIGSUMSIZE);
	if ((int32_t)*sump < 0)
		*sump = 0;
	return 0;
}

/*
 * Check the whole file system of fm.  0 if no problem was found,
 * EFSCORRUPTED if one was (each printed), another errno if the check
 * could not run.
 */
int
ffs_check(struct ffs_mount *fm)
{
	const struct ffs_super *fs = &fm->fm_fs;
	size_t mapsize = howmany((uint64_t)fs->fs_size, 8);
	size_t cnt = (size_t)fm->fm_ninodes * sizeof(uint32_t);
	struct ffs_cx cx;
	uint8_t *cgb;
	int error = ENOMEM;

	if ((uint64_t)mapsize + 2 * (uint64_t)cnt > FFS_CHECK_MAXMEM) {
		printf("ffs: check: %s needs more than %llu MiB\n",
		    fm->fm_dev->bd_name, FFS_CHECK_MAXMEM >> 20);
		return EFBIG;
	}
	memset(&cx, 0, sizeof(cx));
	cx.cx_fm = fm;
	if ((error = ffs_cx_contigsum(fm, &cx.cx_contigsum)) != 0)
		return error;
	error = ENOMEM;
	cx.cx_used = kmem_zalloc(mapsize);
	cx.cx_links = kmem_zalloc(cnt);
	cx.cx_nlink = kmem_zalloc(cnt);
	cgb = kmem_alloc(fs->fs_bsize);
	if (cx.cx_used != NULL && cx.cx_links != NULL &&
	    cx.cx_nlink != NULL && cgb != NULL)
		error = ffs_cx_run(&cx, cgb);
	if (cgb != NULL)
		kmem_free(cgb, fs->fs_bsize);
	if (cx.cx_used != NULL)
		kmem_free(cx.cx_used, mapsize);
	if (cx.cx_links != NULL)
		kmem_free(cx.cx_links, cnt);
	if (cx.cx_nlink != NULL)
		kmem_free(cx.cx_nlink, cnt);
	if (error != 0)
		return error;
	if (cx.cx_problems != 0) {
		printf("ffs: check: %s: %llu problems\n", fm->fm_dev->bd_name,
		    (unsigned long long)cx.cx_problems);
		return EFSCORRUPTED;
	}
	log_debug(1, "ffs: check: %s: no problems\n", fm->fm_dev->bd_name);
	return 0;
}
