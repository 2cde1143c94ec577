/*
 * ext2_htree_add.c: adding a name to an indexed (htree) directory while
 * keeping the index valid.
 *
 * The name goes into the leaf its hash leads to.  A full leaf is split:
 * its records are sorted by hash, the upper half moves to a new block
 * at the end of the directory, and an index entry (the first moved
 * hash, with the low bit set when that hash continues from the kept
 * half) goes into the parent right after the entry that led to the old
 * leaf.  A full parent is made room for first: a full root with no
 * index level below it moves its entries into a new index node (one
 * level more); a full index node is split in two with a new entry in
 * the root.  When neither can be done (a full root over full nodes) the
 * caller drops the index instead (ext2_dir_unindex): slower lookups,
 * never a wrong directory.
 *
 * Index blocks carry their dx checksum tail and leaves their dirent
 * tail when the file system has metadata_csum.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

/* One record of a leaf being split. */
struct ext2_dxrec {
	uint32_t	 r_hash;	/* hash of the name */
	uint32_t	 r_off;		/* offset in the old block */
	uint32_t	 r_len;		/* bytes it needs (EXT2_REC_LEN) */
};

static int
ext2_dxrec_cmp(const void *a, const void *b)
{
	const struct ext2_dxrec *x = a, *y = b;

	if (x->r_hash != y->r_hash)
		return x->r_hash < y->r_hash ? -1 : 1;
	return x->r_off < y->r_off ? -1 : x->r_off > y->r_off;
}

/* The tail an index block keeps, and the limit of its entries. */
static uint32_t
ext2_dx_limit(const struct ext2_mount *em, uint32_t cloff)
{
	uint32_t tail = em->em_metacsum ? EXT2_DX_TAIL_SIZE : 0;

	return (em->em_bsize - cloff - tail) / EXT2_DX_ENTRY_SIZE;
}

/* Read index block lblk of dp (no checks beyond the caller's walk). */
static int
ext2_dx_bread(struct ext2_node *dp, uint64_t lblk, struct buf **bpp)
{
	int error = ext2_dir_read_block(dp, lblk, bpp);

	if (error == 0 && *bpp == NULL)
		error = FS_CORRUPT(EXT2_FSNAME, "directory %u: htree hole",
		    dp->en_ino);
	return error;
}

static void
ext2_dx_done(struct ext2_node *dp, struct buf *bp, uint32_t cloff)
{
	if (dp->en_mount->em_metacsum)
		ext2_dx_csum_set(dp, bp->b_data, cloff);
	bdwrite(bp);
}

/* Insert (hash, block) at position pos of the node at cloff in blk. */
static void
ext2_dx_insert(uint8_t *blk, uint32_t cloff, uint32_t pos, uint32_t hash,
    uint32_t block)
{
	uint8_t *cl = blk + cloff, *e = cl + pos * EXT2_DX_ENTRY_SIZE;
	uint16_t count = le16dec(cl + 2);

	memmove(e + EXT2_DX_ENTRY_SIZE, e,
	    (size_t)(count - pos) * EXT2_DX_ENTRY_SIZE);
	le32enc(e, hash);
	le32enc(e + 4, block);
	le16enc(cl + 2, count + 1);
}

/* A new block at the end of dp, grown into the directory's size. */
static int
ext2_dx_newblock(struct ext2_node *dp, uint32_t *lblkp, struct buf **bpp)
{
	struct ext2_mount *em = dp->en_mount;
	uint64_t nblocks = (uint64_t)dp->en_size >> em->em_bshift;
	int error;

	if (nblocks >= UINT32_MAX || (!em->em_largedir &&
	    (nblocks + 1) << em->em_bshift > INT32_MAX))
		return EFBIG;
	if ((error = ext2_dir_newblock(dp, nblocks, bpp)) != 0)
		return error;
	ext2_node_setsize(dp, (int64_t)((nblocks + 1) << em->em_bshift));
	*lblkp = (uint32_t)nblocks;
	return ext2_node_write(dp);
}

/* Make bp an empty index node holding count entries copied from src. */
static void
ext2_dx_make_node(struct ext2_node *dp, struct buf *bp, const uint8_t *src,
    uint32_t count)
{
	struct ext2_mount *em = dp->en_mount;
	uint8_t *blk = bp->b_data, *cl = blk + EXT2_DX_NODE_LIMIT_OFF;

	memset(blk, 0, em->em_bsize);
	le16enc(blk + 4, ext2_reclen_encode(em->em_bsize));
	memcpy(cl, src, (size_t)count * EXT2_DX_ENTRY_SIZE);
	le16enc(cl, (uint16_t)ext2_dx_limit(em, EXT2_DX_NODE_LIMIT_OFF));
	le16enc(cl + 2, (uint16_t)count);
}

/*
 * The root is full and has no index level: move its entries into a new
 * node below it.  The path is updated to go through the new node.
 */
static int
ext2_dx_grow(struct ext2_node *dp, struct ext2_dxpath *p)
{
	uint32_t cloff = p->dp_fr[0].f_cloff, count, nb;
	struct buf *rbp, *nbp;
	uint8_t *root;
	int error;

	if ((error = ext2_dx_newblock(dp, &nb, &nbp)) != 0)
		return error;
	if ((error = ext2_dx_bread(dp, 0, &rbp)) != 0) {
		brelse(nbp);
		return error;
	}
	root = rbp->b_data;
	count = le16dec(root + cloff + 2);
	ext2_dx_make_node(dp, nbp, root + cloff, count);
	ext2_dx_done(dp, nbp, EXT2_DX_NODE_LIMIT_OFF);
	le16enc(root + cloff + 2, 1);
	le32enc(root + cloff + 4, nb);
	root[EXT2_DX_ROOT_INFO_OFF + 6] = 1;	/* ri_levels */
	ext2_dx_done(dp, rbp, cloff);
	p->dp_levels = 1;
	p->dp_fr[1].f_lblk = nb;
	p->dp_fr[1].f_cloff = EXT2_DX_NODE_LIMIT_OFF;
	p->dp_fr[1].f_idx = p->dp_fr[0].f_idx;
	p->dp_fr[0].f_idx = 0;
	return 0;
}

/*
 * The index node at level 1 is full: move its upper half to a new node
 * and name that in the root (which has room: the caller checked).
 */
static int
ext2_dx_split_node(struct ext2_node *dp, struct ext2_dxpath *p)
{
	uint32_t cloff = EXT2_DX_NODE_LIMIT_OFF, count, half, nb, hash;
	struct buf *obp, *nbp, *rbp;
	uint8_t *old;
	int error;

	if ((error = ext2_dx_newblock(dp, &nb, &nbp)) != 0)
		return error;
	if ((error = ext2_dx_bread(dp, p->dp_fr[1].f_lblk, &obp)) != 0) {
		brelse(nbp);
		return error;
	}
	old = obp->b_data;
	count = le16dec(old + cloff + 2);
	half = count / 2;
	hash = le32dec(old + cloff + half * EXT2_DX_ENTRY_SIZE);
	ext2_dx_make_node(dp, nbp, old + cloff + half * EXT2_DX_ENTRY_SIZE,
	    count - half);
	ext2_dx_done(dp, nbp, cloff);
	le16enc(old + cloff + 2, (uint16_t)half);
	ext2_dx_done(dp, obp, cloff);
	if ((error = ext2_dx_bread(dp, 0, &rbp)) != 0)
		return error;
	ext2_dx_insert(rbp->b_data, p->dp_fr[0].f_cloff,
	    p->dp_fr[0].f_idx + 1, hash, nb);
	ext2_dx_done(dp, rbp, p->dp_fr[0].f_cloff);
	if (p->dp_fr[1].f_idx >= half) {
		p->dp_fr[0].f_idx++;
		p->dp_fr[1].f_lblk = nb;
		p->dp_fr[1].f_idx -= half;
	}
	return 0;
}

/* Entries of the node on the path at level lvl, and its limit. */
static int
ext2_dx_fill(struct ext2_node *dp, const struct ext2_dxpath *p, int lvl,
    uint32_t *countp, uint32_t *limitp)
{
	struct buf *bp;
	const uint8_t *cl;
	int error;

	if ((error = ext2_dx_bread(dp, p->dp_fr[lvl].f_lblk, &bp)) != 0)
		return error;
	cl = (const uint8_t *)bp->b_data + p->dp_fr[lvl].f_cloff;
	*limitp = le16dec(cl);
	*countp = le16dec(cl + 2);
	brelse(bp);
	return 0;
}

/*
 * Make room in the leaf's parent for one more entry.  EAGAIN if that
 * needs a level more than this code makes.
 */
static int
ext2_dx_room(struct ext2_node *dp, struct ext2_dxpath *p)
{
	uint32_t count, limit, rcount, rlimit;
	int error;

	if ((error = ext2_dx_fill(dp, p, p->dp_levels, &count, &limit)) != 0)
		return error;
	if (count < limit)
		return 0;
	if (p->dp_levels == 0)
		return ext2_dx_grow(dp, p);
	if (p->dp_levels != 1)
		return EAGAIN;
	if ((error = ext2_dx_fill(dp, p, 0, &rcount, &rlimit)) != 0)
		return error;
	if (rcount >= rlimit)
		return EAGAIN;
	return ext2_dx_split_node(dp, p);
}

/* Write the records recs[0..n) of src compactly into the leaf dst. */
static void
ext2_dx_fill_leaf(struct ext2_node *dp, uint8_t *dst, const uint8_t *src,
    const struct ext2_dxrec *recs, uint32_t n)
{
	struct ext2_mount *em = dp->en_mount;
	uint32_t usable = em->em_bsize - (em->em_metacsum ?
	    EXT2_DIR_TAIL_SIZE : 0), off = 0, i, len;

	memset(dst, 0, em->em_bsize);
	for (i = 0; i < n; i++) {
		len = i + 1 < n ? recs[i].r_len : usable - off;
		memcpy(dst + off, src + recs[i].r_off, recs[i].r_len);
		le16enc(dst + off + 4, ext2_reclen_encode(len));
		off += recs[i].r_len;
	}
	if (n == 0)
		le16enc(dst + 4, ext2_reclen_encode(usable));
	if (em->em_metacsum)
		ext2_dir_put_tail(em, dst);
}

/* The used records of a leaf with their hashes, sorted by hash. */
static int
ext2_dx_collect(struct ext2_node *dp, const struct ext2_dxpath *p,
    const uint8_t *blk, struct ext2_dxrec *recs, uint32_t *np)
{
	struct ext2_mount *em = dp->en_mount;
	struct ext2_dirent de;
	uint32_t off, len, n = 0, minor;
	bool tail;
	int error;

	len = ext2_dir_usable(dp, blk, &tail);
	for (off = 0; off < len; off += de.d_reclen) {
		if ((error = ext2_dirw_get(dp, blk, len, off, &de)) != 0)
			return error;
		if (de.d_ino == 0)
			continue;
		error = ext2_dx_hash(em, p->dp_version,
		    (const char *)blk + off + EXT2_DIRENT_HDR, de.d_namelen,
		    &recs[n].r_hash, &minor);
		if (error != 0)
			return error;
		recs[n].r_off = off;
		recs[n].r_len = EXT2_REC_LEN(de.d_namelen);
		n++;
	}
	qsort(recs, n, sizeof(*recs), ext2_dxrec_cmp);
	*np = n;
	return 0;
}

/*
 * Split the full leaf lbp (path p, parent has room): the upper half by
 * hash to a new leaf.  *hash2p is the split hash (without the
 * continuation bit); *nbpp the new leaf, still busy.
 */
static int
ext2_dx_split_leaf(struct ext2_node *dp, struct ext2_dxpath *p,
    struct buf *lbp, uint32_t *hash2p, struct buf **nbpp)
{
	struct ext2_mount *em = dp->en_mount;
	uint32_t max = em->em_bsize / EXT2_DIRENT_MIN, n, half, nb, hash2;
	struct ext2_dxrec *recs;
	struct buf *pbp, *nbp;
	uint8_t *copy;
	bool cont;
	int error;

	recs = kmem_alloc(max * sizeof(*recs));
	copy = kmem_alloc(em->em_bsize);
	if (recs == NULL || copy == NULL) {
		error = ENOMEM;
		goto out;
	}
	if ((error = ext2_dx_collect(dp, p, lbp->b_data, recs, &n)) != 0)
		goto out;
	if (n < 2) {
		error = EAGAIN;	/* one huge name: nothing to split */
		goto out;
	}
	half = n / 2;
	hash2 = recs[half].r_hash;
	cont = hash2 == recs[half - 1].r_hash;
	if ((error = ext2_dx_newblock(dp, &nb, &nbp)) != 0)
		goto out;
	memcpy(copy, lbp->b_data, em->em_bsize);
	ext2_dx_fill_leaf(dp, nbp->b_data, copy, recs + half, n - half);
	ext2_dx_fill_leaf(dp, lbp->b_data, copy, recs, half);
	if ((error = ext2_dx_bread(dp, p->dp_fr[p->dp_levels].f_lblk,
	    &pbp)) != 0) {
		brelse(nbp);
		goto out;
	}
	ext2_dx_insert(pbp->b_data, p->dp_fr[p->dp_levels].f_cloff,
	    p->dp_fr[p->dp_levels].f_idx + 1, hash2 | (cont ? 1 : 0), nb);
	ext2_dx_done(dp, pbp, p->dp_fr[p->dp_levels].f_cloff);
	*hash2p = hash2;
	*nbpp = nbp;
out:
	if (recs != NULL)
		kmem_free(recs, max * sizeof(*recs));
	if (copy != NULL)
		kmem_free(copy, em->em_bsize);
	return error;
}

/*
 * Add name -> ino to the indexed directory dp.  EAGAIN: the index
 * cannot take it (the caller drops the index and adds linearly).
 */
int
ext2_htree_add(struct ext2_node *dp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type)
{
	struct ext2_dxpath p;
	struct buf *lbp, *nbp;
	uint32_t hash2;
	bool done = false, tail;
	int error;

	ext2_dcache_drop(dp);	/* splits move names between blocks */
	if ((error = ext2_htree_path(dp, name, namelen, &p)) != 0)
		return error == EOPNOTSUPP ? EAGAIN : error;
	if ((error = ext2_dx_bread(dp, p.dp_leaf, &lbp)) != 0)
		return error;
	(void)ext2_dir_usable(dp, lbp->b_data, &tail);
	if (dp->en_mount->em_metacsum && !tail) {
		brelse(lbp);
		return FS_CORRUPT(EXT2_FSNAME, "directory %u: htree leaf "
		    "%llu without checksum", dp->en_ino,
		    (unsigned long long)p.dp_leaf);
	}
	error = ext2_dir_add_block(dp, lbp, name, namelen, ino, type, &done,
	    NULL);
	if (done || error != 0) {
		if (!done)
			brelse(lbp);
		return error;
	}
	brelse(lbp);
	if ((error = ext2_dx_room(dp, &p)) != 0)
		return error;
	if ((error = ext2_dx_bread(dp, p.dp_leaf, &lbp)) != 0)
		return error;
	if ((error = ext2_dx_split_leaf(dp, &p, lbp, &hash2, &nbp)) != 0) {
		brelse(lbp);
		return error;
	}
	/* Both halves are complete blocks now; the name joins one. */
	ext2_dir_block_done(dp, p.dp_hash >= hash2 ? lbp : nbp,
	    dp->en_mount->em_metacsum);
	error = ext2_dir_add_block(dp, p.dp_hash >= hash2 ? nbp : lbp, name,
	    namelen, ino, type, &done, NULL);
	if (!done) {
		ext2_dir_block_done(dp, p.dp_hash >= hash2 ? nbp : lbp,
		    dp->en_mount->em_metacsum);
		if (error == 0)
			error = EAGAIN;
	}
	return error;
}

/*
 * Index the one-block directory dp (its block is full), as Linux does
 * when a second block is needed: the records after "." and ".." move,
 * in hash order, to a new block 1, and block 0 becomes the root of an
 * index with one entry pointing to it.  The caller then adds the new
 * name through the index (which splits block 1 if it must).
 */
int
ext2_htree_make(struct ext2_node *dp)
{
	struct ext2_mount *em = dp->en_mount;
	uint32_t max = em->em_bsize / EXT2_DIRENT_MIN, n, nb, cloff, lim;
	struct ext2_dxpath p;
	struct ext2_dxrec *recs = NULL;
	struct buf *rbp = NULL, *lbp;
	uint8_t *root, *copy = NULL;
	int error;

	ext2_dcache_drop(dp);	/* block 0's names move out */
	memset(&p, 0, sizeof(p));
	p.dp_version = em->em_sb.s_def_hash_version;
	if (p.dp_version > EXT2_HASH_TEA)
		return EAGAIN;
	if (em->em_unsigned_hash)
		p.dp_version += EXT2_HASH_LEGACY_UNSIGNED;
	recs = kmem_alloc(max * sizeof(*recs));
	copy = kmem_alloc(em->em_bsize);
	if (recs == NULL || copy == NULL) {
		error = ENOMEM;
		goto out;
	}
	if ((error = ext2_dx_bread(dp, 0, &rbp)) != 0)
		goto out;
	root = rbp->b_data;
	/* "." (12 bytes) and ".." (12) first, as the root needs them. */
	if (ext2_reclen_decode(le16dec(root + 4)) != EXT2_REC_LEN(1) ||
	    root[6] != 1 || root[8] != '.' || root[12 + 6] != 2 ||
	    ext2_reclen_decode(le16dec(root + 12 + 4)) < EXT2_REC_LEN(2)) {
		error = EAGAIN;
		goto out;
	}
	memcpy(copy, root, em->em_bsize);
	/* The records after "..": collect them from a view that hides the
	 * two (ext2_dx_collect walks from offset 0). */
	le32enc(copy + 0, 0);
	le32enc(copy + 12, 0);
	if ((error = ext2_dx_collect(dp, &p, copy, recs, &n)) != 0)
		goto out;
	if ((error = ext2_dx_newblock(dp, &nb, &lbp)) != 0)
		goto out;
	ext2_dx_fill_leaf(dp, lbp->b_data, copy, recs, n);
	ext2_dir_block_done(dp, lbp, em->em_metacsum);
	/* Block 0: ".", ".." over the rest, the root info, one entry. */
	memset(root + 24, 0, em->em_bsize - 24);
	le16enc(root + 12 + 4, ext2_reclen_encode(em->em_bsize -
	    EXT2_REC_LEN(1)));
	root[EXT2_DX_ROOT_INFO_OFF + 4] = em->em_sb.s_def_hash_version;
	root[EXT2_DX_ROOT_INFO_OFF + 5] = 8;	/* info length */
	cloff = EXT2_DX_ROOT_INFO_OFF + 8;
	lim = ext2_dx_limit(em, cloff);
	le16enc(root + cloff, (uint16_t)lim);
	le16enc(root + cloff + 2, 1);
	le32enc(root + cloff + 4, nb);
	ext2_dx_done(dp, rbp, cloff);
	rbp = NULL;
	ext2_node_setflags(dp, dp->en_di.di_flags | EXT2_INDEX_FL);
	error = ext2_node_write(dp);
out:
	if (rbp != NULL)
		brelse(rbp);
	if (recs != NULL)
		kmem_free(recs, max * sizeof(*recs));
	if (copy != NULL)
		kmem_free(copy, em->em_bsize);
	return error;
}
