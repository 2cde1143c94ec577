/*
 * ext2_htree.c: hashed directory lookup (dir_index) and the directory
 * name hashes (legacy, half-MD4, TEA; signed or unsigned characters).
 *
 * Block 0 of an indexed directory holds "." and "..", whose record spans
 * the rest of the block and hides the root of the index: an info header
 * and (hash, block) entries sorted by hash.  Up to two (three with
 * largedir) levels of index nodes, each hidden behind an empty record,
 * lead to leaf blocks of ordinary records.  Names whose hashes collide
 * may continue in the next leaf: its index entry then has the low bit
 * of its hash set.
 *
 * The walk is bounded by the level count and, for collision chains, by
 * the number of blocks of the directory.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_HTREE_EOF_32	0x7FFFFFFFU

/* One level of the walk: the node and the entry taken. */
struct ext2_dxframe {
	uint64_t	 df_lblk;	/* logical block of the node */
	uint32_t	 df_cloff;	/* offset of count/limit */
	uint32_t	 df_count;	/* entries */
	uint32_t	 df_idx;	/* entry taken */
};

/* Pack a name into 32-bit words as the hashes want it. */
static void
ext2_str2hashbuf(const char *msg, size_t len, uint32_t *buf, int num,
    bool unsig)
{
	uint32_t pad, val;
	size_t i;
	int c;

	pad = (uint32_t)len | ((uint32_t)len << 8);
	pad |= pad << 16;
	val = pad;
	if (len > (size_t)num * 4)
		len = (size_t)num * 4;
	for (i = 0; i < len; i++) {
		c = unsig ? (int)(unsigned char)msg[i] : (int)(signed char)msg[i];
		val = (uint32_t)c + (val << 8);
		if (i % 4 == 3) {
			*buf++ = val;
			val = pad;
			num--;
		}
	}
	if (--num >= 0)
		*buf++ = val;
	while (--num >= 0)
		*buf++ = pad;
}

static inline uint32_t
rol32(uint32_t x, int s)
{
	return (x << s) | (x >> (32 - s));
}

#define HF(x, y, z)	((z) ^ ((x) & ((y) ^ (z))))
#define HG(x, y, z)	(((x) & (y)) + (((x) ^ (y)) & (z)))
#define HH(x, y, z)	((x) ^ (y) ^ (z))
#define HROUND(f, a, b, c, d, x, s)	((a) += f(b, c, d) + (x), \
					 (a) = rol32(a, s))
#define HK2	0x5A827999U
#define HK3	0x6ED9EBA1U

/* The reduced MD4 round function of ext3's htree. */
static void
ext2_half_md4(uint32_t buf[4], const uint32_t in[8])
{
	uint32_t a = buf[0], b = buf[1], c = buf[2], d = buf[3];

	HROUND(HF, a, b, c, d, in[0], 3);
	HROUND(HF, d, a, b, c, in[1], 7);
	HROUND(HF, c, d, a, b, in[2], 11);
	HROUND(HF, b, c, d, a, in[3], 19);
	HROUND(HF, a, b, c, d, in[4], 3);
	HROUND(HF, d, a, b, c, in[5], 7);
	HROUND(HF, c, d, a, b, in[6], 11);
	HROUND(HF, b, c, d, a, in[7], 19);
	HROUND(HG, a, b, c, d, in[1] + HK2, 3);
	HROUND(HG, d, a, b, c, in[3] + HK2, 5);
	HROUND(HG, c, d, a, b, in[5] + HK2, 9);
	HROUND(HG, b, c, d, a, in[7] + HK2, 13);
	HROUND(HG, a, b, c, d, in[0] + HK2, 3);
	HROUND(HG, d, a, b, c, in[2] + HK2, 5);
	HROUND(HG, c, d, a, b, in[4] + HK2, 9);
	HROUND(HG, b, c, d, a, in[6] + HK2, 13);
	HROUND(HH, a, b, c, d, in[3] + HK3, 3);
	HROUND(HH, d, a, b, c, in[7] + HK3, 9);
	HROUND(HH, c, d, a, b, in[2] + HK3, 11);
	HROUND(HH, b, c, d, a, in[6] + HK3, 15);
	HROUND(HH, a, b, c, d, in[1] + HK3, 3);
	HROUND(HH, d, a, b, c, in[5] + HK3, 9);
	HROUND(HH, c, d, a, b, in[0] + HK3, 11);
	HROUND(HH, b, c, d, a, in[4] + HK3, 15);
	buf[0] += a;
	buf[1] += b;
	buf[2] += c;
	buf[3] += d;
}

/* Sixteen rounds of TEA over two words of buf. */
static void
ext2_tea(uint32_t buf[4], const uint32_t in[4])
{
	uint32_t sum = 0, b0 = buf[0], b1 = buf[1];
	int n;

	for (n = 0; n < 16; n++) {
		sum += 0x9E3779B9U;
		b0 += ((b1 << 4) + in[0]) ^ (b1 + sum) ^ ((b1 >> 5) + in[1]);
		b1 += ((b0 << 4) + in[2]) ^ (b0 + sum) ^ ((b0 >> 5) + in[3]);
	}
	buf[0] += b0;
	buf[1] += b1;
}

/* The original ext3 hash. */
static uint32_t
ext2_legacy_hash(const char *name, size_t len, bool unsig)
{
	uint32_t hash, hash0 = 0x12A3FE2D, hash1 = 0x37ABE8F9;
	size_t i;
	int c;

	for (i = 0; i < len; i++) {
		c = unsig ? (int)(unsigned char)name[i] :
		    (int)(signed char)name[i];
		hash = hash1 + (hash0 ^ (uint32_t)(c * 7152373));
		if (hash & 0x80000000U)
			hash -= 0x7FFFFFFF;
		hash1 = hash0;
		hash0 = hash;
	}
	return hash0 << 1;
}

/*
 * Hash name with hash version (EXT2_HASH_*).  EOPNOTSUPP for an unknown
 * version.  The low bit of the major hash is cleared (it marks
 * collisions in the index).
 */
int
ext2_dx_hash(const struct ext2_mount *em, int version, const char *name,
    size_t len, uint32_t *hashp, uint32_t *minorp)
{
	uint32_t buf[4] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476 };
	uint32_t in[8], hash = 0, minor = 0;
	bool unsig = version >= EXT2_HASH_LEGACY_UNSIGNED;
	const char *p = name;
	size_t left = len;

	if (em->em_hash_seed[0] | em->em_hash_seed[1] | em->em_hash_seed[2] |
	    em->em_hash_seed[3])
		memcpy(buf, em->em_hash_seed, sizeof(buf));
	switch (version) {
	case EXT2_HASH_LEGACY:
	case EXT2_HASH_LEGACY_UNSIGNED:
		hash = ext2_legacy_hash(name, len, unsig);
		break;
	case EXT2_HASH_HALF_MD4:
	case EXT2_HASH_HALF_MD4_UNSIGNED:
		do {
			ext2_str2hashbuf(p, left, in, 8, unsig);
			ext2_half_md4(buf, in);
			p += MIN(left, 32);
			left -= MIN(left, 32);
		} while (left > 0);
		hash = buf[1];
		minor = buf[2];
		break;
	case EXT2_HASH_TEA:
	case EXT2_HASH_TEA_UNSIGNED:
		do {
			ext2_str2hashbuf(p, left, in, 4, unsig);
			ext2_tea(buf, in);
			p += MIN(left, 16);
			left -= MIN(left, 16);
		} while (left > 0);
		hash = buf[0];
		minor = buf[1];
		break;
	default:
		return EOPNOTSUPP;
	}
	hash &= ~1U;
	if (hash == (EXT2_HTREE_EOF_32 << 1))
		hash = (EXT2_HTREE_EOF_32 - 1) << 1;
	*hashp = hash;
	*minorp = minor;
	return 0;
}

/*
 * Read index node lblk at level lvl (0: root) into frame df, checking
 * its count and limit.  *bpp holds the block.
 */
static int
ext2_dx_read_node(struct ext2_node *dp, uint64_t lblk, int lvl,
    struct ext2_dxframe *df, struct buf **bpp)
{
	struct ext2_mount *em = dp->en_mount;
	uint32_t tail = em->em_metacsum ? EXT2_DX_TAIL_SIZE : 0;
	struct ext2_dx_countlimit cl;
	const uint8_t *blk;
	int error;

	if ((error = ext2_dir_read_block(dp, lblk, bpp)) != 0)
		return error;
	if (*bpp == NULL)
		return FS_CORRUPT(EXT2_FSNAME, "directory %u: htree hole at "
		    "%llu", dp->en_ino, (unsigned long long)lblk);
	blk = (*bpp)->b_data;
	df->df_lblk = lblk;
	if (lvl == 0)
		df->df_cloff = EXT2_DX_ROOT_INFO_OFF +
		    blk[EXT2_DX_ROOT_INFO_OFF + 5];
	else if (le32dec(blk) != 0 ||
	    ext2_reclen_decode(le16dec(blk + 4)) != em->em_bsize)
		goto corrupt;
	else
		df->df_cloff = EXT2_DX_NODE_LIMIT_OFF;
	if (df->df_cloff + 4 + tail > em->em_bsize)
		goto corrupt;
	ext2_dx_countlimit_decode(blk + df->df_cloff, &cl);
	if (cl.cl_limit != (em->em_bsize - df->df_cloff - tail) /
	    EXT2_DX_ENTRY_SIZE || cl.cl_count == 0 ||
	    cl.cl_count > cl.cl_limit)
		goto corrupt;
	df->df_count = cl.cl_count;
	return 0;

corrupt:
	brelse(*bpp);
	return FS_CORRUPT(EXT2_FSNAME, "directory %u: bad htree node %llu",
	    dp->en_ino, (unsigned long long)lblk);
}

/* The entry i of the node in frame df. */
static void
ext2_dx_get(const uint8_t *blk, const struct ext2_dxframe *df, uint32_t i,
    struct ext2_dx_entry *de)
{
	ext2_dx_entry_decode(blk + df->df_cloff + i * EXT2_DX_ENTRY_SIZE, de);
	if (i == 0)
		de->de_hash = 0;
}

/*
 * The last entry of the node in df whose hash is <= hash (entry 0 counts
 * as 0).  The entries are sorted by hash, so a binary search finds it
 * (on a corrupt, unsorted node it still finds an entry in range).
 */
static uint32_t
ext2_dx_search(const uint8_t *blk, const struct ext2_dxframe *df,
    uint32_t hash)
{
	uint32_t lo = 1, hi = df->df_count, mid;
	struct ext2_dx_entry de;

	/* Entries before lo are <= hash, entries from hi on are > hash. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		ext2_dx_get(blk, df, mid, &de);
		if (de.de_hash > hash)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo - 1;
}

/*
 * Descend from frame lvl (already read into frames[lvl]) to a leaf,
 * taking at each level the last entry whose hash is <= hash.  frames
 * [lvl..levels] are filled; *leafp is the leaf's logical block.
 */
static int
ext2_dx_descend(struct ext2_node *dp, struct ext2_dxframe *frames, int lvl,
    int levels, uint32_t hash, bool first, uint64_t *leafp)
{
	uint64_t nblocks = (uint64_t)dp->en_size >> dp->en_mount->em_bshift;
	struct ext2_dx_entry de;
	struct buf *bp;
	uint32_t i;
	int error;

	for (;;) {
		error = ext2_dx_read_node(dp, frames[lvl].df_lblk, lvl,
		    &frames[lvl], &bp);
		if (error != 0)
			return error;
		i = first ? ext2_dx_search(bp->b_data, &frames[lvl], hash) :
		    frames[lvl].df_idx;
		frames[lvl].df_idx = i;
		ext2_dx_get(bp->b_data, &frames[lvl], i, &de);
		brelse(bp);
		if (de.de_block == 0 || de.de_block >= nblocks)
			return FS_CORRUPT(EXT2_FSNAME,
			    "directory %u: htree points to block %u",
			    dp->en_ino, de.de_block);
		if (lvl == levels) {
			*leafp = de.de_block;
			return 0;
		}
		frames[++lvl].df_lblk = de.de_block;
		first = true;
		if (hash == UINT32_MAX)	/* continuation: leftmost path */
			first = false, frames[lvl].df_idx = 0;
	}
}

/*
 * Step to the next leaf if the names of hash may continue there: the
 * next index entry (found by climbing) has hash | 1.  *leafp is 0 when
 * the chain ends.
 */
static int
ext2_dx_next_leaf(struct ext2_node *dp, struct ext2_dxframe *frames,
    int levels, uint32_t hash, uint64_t *leafp)
{
	struct ext2_dx_entry de;
	struct buf *bp;
	int lvl, error;

	*leafp = 0;
	for (lvl = levels; lvl >= 0; lvl--)
		if (frames[lvl].df_idx + 1 < frames[lvl].df_count)
			break;
	if (lvl < 0)
		return 0;
	error = ext2_dx_read_node(dp, frames[lvl].df_lblk, lvl, &frames[lvl],
	    &bp);
	if (error != 0)
		return error;
	if (frames[lvl].df_idx + 1 >= frames[lvl].df_count) {
		brelse(bp);
		return 0;
	}
	ext2_dx_get(bp->b_data, &frames[lvl], ++frames[lvl].df_idx, &de);
	brelse(bp);
	if ((de.de_hash & ~1U) != hash || !(de.de_hash & 1))
		return 0;
	return ext2_dx_descend(dp, frames, lvl, levels, UINT32_MAX, false,
	    leafp);
}

/* Check the root's info header; the number of levels below it. */
static int
ext2_dx_root_info(struct ext2_node *dp, int *levelsp, int *versionp)
{
	struct ext2_dx_root_info ri;
	struct buf *bp;
	int error, maxlevels;

	if ((error = ext2_dir_read_block(dp, 0, &bp)) != 0)
		return error;
	if (bp == NULL)
		return FS_CORRUPT(EXT2_FSNAME, "directory %u: no htree root",
		    dp->en_ino);
	ext2_dx_root_info_decode((uint8_t *)bp->b_data +
	    EXT2_DX_ROOT_INFO_OFF, &ri);
	brelse(bp);
	maxlevels = dp->en_mount->em_largedir ? 3 : 2;
	if (ri.ri_reserved != 0 || ri.ri_info_length < 8 ||
	    ri.ri_levels >= maxlevels)
		return FS_CORRUPT(EXT2_FSNAME, "directory %u: bad htree root",
		    dp->en_ino);
	*levelsp = ri.ri_levels;
	*versionp = ri.ri_hash_version;
	if (*versionp <= EXT2_HASH_TEA && dp->en_mount->em_unsigned_hash)
		*versionp += EXT2_HASH_LEGACY_UNSIGNED;
	return 0;
}

/*
 * Hashed lookup of name in dp: its inode, and the leaf holding it in
 * *leafp if leafp is not NULL.  ENOENT if absent, EOPNOTSUPP if the
 * hash is unknown (the caller falls back to a linear search).
 */
int
ext2_htree_lookup(struct ext2_node *dp, const char *name, size_t namelen,
    uint32_t *inop, uint64_t *leafp)
{
	struct ext2_dxframe frames[EXT2_DX_MAXLEVELS];
	uint64_t nblocks = (uint64_t)dp->en_size >> dp->en_mount->em_bshift;
	uint64_t leaf, steps;
	uint32_t hash, minor;
	int levels = 0, version = 0, error;

	if ((error = ext2_dx_root_info(dp, &levels, &version)) != 0)
		return error;
	error = ext2_dx_hash(dp->en_mount, version, name, namelen, &hash,
	    &minor);
	if (error != 0)
		return error;
	memset(frames, 0, sizeof(frames));
	error = ext2_dx_descend(dp, frames, 0, levels, hash, true, &leaf);
	for (steps = 0; error == 0 && leaf != 0 && steps < nblocks; steps++) {
		struct buf *bp;

		if ((error = ext2_dir_read_block(dp, leaf, &bp)) != 0)
			break;
		if (bp == NULL)
			return FS_CORRUPT(EXT2_FSNAME,
			    "directory %u: htree leaf is a hole", dp->en_ino);
		error = ext2_dir_scan(dp, bp->b_data, dp->en_mount->em_bsize,
		    name, namelen, inop);
		brelse(bp);
		if (error == 0 && leafp != NULL)
			*leafp = leaf;
		if (error != ENOENT)
			return error;
		error = ext2_dx_next_leaf(dp, frames, levels, hash, &leaf);
	}
	return error != 0 ? error : ENOENT;
}

/*
 * The path an insertion of name takes (ext2_htree_add): the hash, the
 * levels, the index nodes with the entry taken in each, and the leaf.
 * EOPNOTSUPP for an unknown hash version.
 */
int
ext2_htree_path(struct ext2_node *dp, const char *name, size_t namelen,
    struct ext2_dxpath *p)
{
	struct ext2_dxframe frames[EXT2_DX_MAXLEVELS];
	uint32_t minor;
	int i, error;

	memset(p, 0, sizeof(*p));
	if ((error = ext2_dx_root_info(dp, &p->dp_levels,
	    &p->dp_version)) != 0)
		return error;
	error = ext2_dx_hash(dp->en_mount, p->dp_version, name, namelen,
	    &p->dp_hash, &minor);
	if (error != 0)
		return error;
	memset(frames, 0, sizeof(frames));
	error = ext2_dx_descend(dp, frames, 0, p->dp_levels, p->dp_hash, true,
	    &p->dp_leaf);
	for (i = 0; i <= p->dp_levels && error == 0; i++) {
		p->dp_fr[i].f_lblk = frames[i].df_lblk;
		p->dp_fr[i].f_cloff = frames[i].df_cloff;
		p->dp_fr[i].f_idx = frames[i].df_idx;
	}
	return error;
}
