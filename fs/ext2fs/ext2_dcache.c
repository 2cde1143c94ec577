/*
 * ext2_dcache.c: an in-memory name index of linear (non-htree)
 * directories, so that looking names up one by one (ls -l, an
 * extraction, every create's check that the name is free) does not read
 * the whole directory each time.  mke2fs -d and old kernels leave large
 * directories linear.
 *
 * The index maps the hash of each name (hashidx_hash) to where its
 * record starts: logical block and offset (sys/hashidx.h).  It is built
 * by one pass over the directory at the first lookup that would scan
 * it, and kept in step by every change of the directory's names:
 * ext2_dir_add puts the place it used, ext2_dir_remove takes it out
 * (a removed record merges into the one before it, which stays where it
 * is), retargeting (ext2_dir_setino) moves nothing.  Whatever moves
 * records (making, growing or dropping an htree) drops the index; the
 * next lookup builds it again if the directory is still linear.  A
 * lookup reads the record at each place the name's hash leads to and
 * compares the name (after the usual checks of the record), so a
 * collision costs a block read, never a wrong answer.
 *
 * Memory: about 20 bytes a name, charged to the mount (em_dcbytes) and
 * bounded by EXT2_DC_MAXBYTES; a directory that would pass the bound,
 * or whose pass fails (no memory, a bad record), is scanned instead
 * until its vnode goes.  The index lives and dies with the node: idle
 * vnodes are reclaimed by the VFS (its LRU is bounded), which frees it.
 *
 * Locking: names change only under the directory's exclusive vnode
 * lock, lookups hold at least a shared one, so a published index never
 * changes while it is read.  Two lookups under shared locks may both
 * build; the first to publish (compare-and-swap of en_dcache) wins and
 * the other frees its copy.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/hashidx.h>
#include "fs/ext2fs/ext2fs.h"

/*
 * Directories with fewer blocks are scanned.  One full block holds a
 * hundred names or more, and extracting a tree looks each of them up:
 * an index of a block costs a few hundred bytes and pays for itself.
 */
#define EXT2_DC_MINBLOCKS	1
/* Bound on the memory of all the indexes of a mount. */
#define EXT2_DC_MAXBYTES	((uint64_t)32 << 20)

#define EXT2_DC_FAILED		((struct hashidx *)(uintptr_t)1)

/* The key of a record: block and offset (less than 64 KiB). */
#define EXT2_DC_KEY(lblk, off)	((uint64_t)(lblk) << 16 | (off))
#define EXT2_DC_LBLK(key)	((key) >> 16)
#define EXT2_DC_OFF(key)	((uint32_t)(key) & 0xFFFF)

/* Charge (or with a negative n, credit) n bytes; false if over bound. */
static bool
ext2_dc_charge(struct ext2_mount *em, int64_t n)
{
	uint64_t now = atomic_add_64(&em->em_dcbytes, (uint64_t)n);

	return n <= 0 || now <= EXT2_DC_MAXBYTES;
}

static void
ext2_dc_destroy(struct ext2_mount *em, struct hashidx *hx)
{
	ext2_dc_charge(em, -(int64_t)(hashidx_bytes(hx) + sizeof(*hx)));
	hashidx_destroy(hx);
	kmem_free(hx, sizeof(*hx));
}

/* Index the names of one directory block into hx. */
static int
ext2_dc_add_block(struct ext2_node *dp, struct hashidx *hx, uint64_t lblk,
    const uint8_t *blk)
{
	uint32_t len = dp->en_mount->em_bsize, off;
	struct ext2_dirent de;
	int error;

	for (off = 0; off < len; off += de.d_reclen) {
		if ((error = ext2_dirw_get(dp, blk, len, off, &de)) != 0)
			return error;
		if (de.d_ino != 0 && (error = hashidx_add(hx, hashidx_hash(blk +
		    off + EXT2_DIRENT_HDR, de.d_namelen),
		    EXT2_DC_KEY(lblk, off))) != 0)
			return error;
	}
	return 0;
}

/* One pass over dp: its index, NULL on any error. */
static struct hashidx *
ext2_dc_build(struct ext2_node *dp)
{
	struct ext2_mount *em = dp->en_mount;
	uint64_t nblocks = (uint64_t)dp->en_size >> em->em_bshift, lblk;
	struct hashidx *hx;
	struct buf *bp;
	int error = 0;

	if ((hx = kmem_alloc(sizeof(*hx))) == NULL)
		return NULL;
	hashidx_init(hx);
	for (lblk = 0; lblk < nblocks && error == 0; lblk++) {
		if ((error = ext2_dir_read_next(dp, &lblk, nblocks, &bp)) != 0 ||
		    bp == NULL)
			break;
		error = ext2_dc_add_block(dp, hx, lblk, bp->b_data);
		brelse(bp);
	}
	if (error == 0 && ext2_dc_charge(em, (int64_t)(hashidx_bytes(hx) +
	    sizeof(*hx))))
		return hx;
	if (error == 0)		/* charged but over the bound */
		ext2_dc_charge(em, -(int64_t)(hashidx_bytes(hx) + sizeof(*hx)));
	hashidx_destroy(hx);
	kmem_free(hx, sizeof(*hx));
	return NULL;
}

/* The index of dp, built if needed; NULL: scan instead. */
static struct hashidx *
ext2_dc_get(struct ext2_node *dp)
{
	struct hashidx *hx = atomic_load(&dp->en_dcache), *expect = NULL;

	if (hx == EXT2_DC_FAILED)
		return NULL;
	if (hx != NULL)
		return hx;
	if (dp->en_inline != NULL || ((uint64_t)dp->en_size >>
	    dp->en_mount->em_bshift) < EXT2_DC_MINBLOCKS)
		return NULL;
	if ((hx = ext2_dc_build(dp)) == NULL) {
		__atomic_compare_exchange_n(&dp->en_dcache, &expect,
		    EXT2_DC_FAILED, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		return NULL;
	}
	if (__atomic_compare_exchange_n(&dp->en_dcache, &expect, hx, false,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return hx;
	ext2_dc_destroy(dp->en_mount, hx);	/* another lookup won */
	return expect == EXT2_DC_FAILED ? NULL : expect;
}

/*
 * Look name up in linear directory dp through its index: 0 with its
 * inode in *inop and its block in *lblkp, ENOENT, or EAGAIN when dp has
 * no index (the caller scans).
 */
int
ext2_dcache_lookup(struct ext2_node *dp, const char *name, size_t namelen,
    uint32_t *inop, uint64_t *lblkp)
{
	struct hashidx *hx = ext2_dc_get(dp);
	struct hashidx_iter it;
	struct buf *bp;
	uint64_t key, lblk;
	int error;

	if (hx == NULL)
		return EAGAIN;
	hashidx_first(hx, hashidx_hash(name, namelen), &it);
	while (hashidx_next(hx, &it, &key)) {
		lblk = EXT2_DC_LBLK(key);
		if ((error = ext2_dir_read_block(dp, lblk, &bp)) != 0)
			return error;
		if (bp == NULL)
			continue;
		error = ext2_dir_match(dp, bp->b_data, EXT2_DC_OFF(key), name,
		    namelen, inop);
		brelse(bp);
		if (error == 0)
			*lblkp = lblk;
		if (error != ENOENT)
			return error;
	}
	return ENOENT;
}

/* Forget the index of dp (records move, or the node goes). */
void
ext2_dcache_drop(struct ext2_node *dp)
{
	struct hashidx *hx = dp->en_dcache;

	dp->en_dcache = NULL;
	if (hx != NULL && hx != EXT2_DC_FAILED)
		ext2_dc_destroy(dp->en_mount, hx);
}

/* name was added at off in block lblk of dp (locked exclusive). */
void
ext2_dcache_add(struct ext2_node *dp, const char *name, size_t namelen,
    uint64_t lblk, uint32_t off)
{
	struct hashidx *hx = dp->en_dcache;
	size_t before;

	if (hx == NULL || hx == EXT2_DC_FAILED)
		return;
	before = hashidx_bytes(hx);
	if (hashidx_add(hx, hashidx_hash(name, namelen),
	    EXT2_DC_KEY(lblk, off)) != 0 ||
	    !ext2_dc_charge(dp->en_mount, (int64_t)(hashidx_bytes(hx) -
	    before))) {
		ext2_dcache_drop(dp);
		dp->en_dcache = EXT2_DC_FAILED;
	}
}

/* name was removed from off in block lblk of dp (locked exclusive). */
void
ext2_dcache_remove(struct ext2_node *dp, const char *name, size_t namelen,
    uint64_t lblk, uint32_t off)
{
	struct hashidx *hx = dp->en_dcache;

	if (hx == NULL || hx == EXT2_DC_FAILED)
		return;
	if (!hashidx_remove(hx, hashidx_hash(name, namelen),
	    EXT2_DC_KEY(lblk, off)))
		ext2_dcache_drop(dp);	/* out of step: build again */
}
