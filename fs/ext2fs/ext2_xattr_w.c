/*
 * ext2_xattr_w.c: setting and removing extended attributes (user.,
 * trusted., security.).
 *
 * A change gathers every attribute of the inode (in the inode body and
 * in its external block) into memory, applies the change, and lays the
 * set out again: entries in order (name index, name length, name, as
 * Linux sorts a block), as many as fit into the inode body, the rest
 * into the external block with its entry hashes, block hash and
 * checksum.  A block shared with other inodes (h_refcount > 1) is left
 * to them, its count lowered, and a private one written instead; a
 * block no longer needed is freed.  Values larger than a block (Linux's
 * ea_inode) are refused with ENOSPC.  Inline-data inodes, whose data
 * lives among their attributes, are refused with EOPNOTSUPP.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_XATTR_MAXN		256	/* attributes per inode we handle */
#define EXT2_I_ACL_LO		0x68
#define EXT2_I_ACL_HI		0x76

struct ext2_xattr {
	uint8_t		 x_index;	/* EXT2_XATTR_INDEX_* */
	uint8_t		 x_namelen;
	char		 x_name[256];
	uint32_t	 x_size;	/* value bytes */
	uint8_t		*x_value;	/* kmem, x_size bytes (NULL if 0) */
};

struct ext2_xset {
	struct ext2_xattr *xs_v;	/* EXT2_XATTR_MAXN entries */
	uint32_t	 xs_n;
};

static void
ext2_xset_free(struct ext2_xset *xs)
{
	uint32_t i;

	for (i = 0; i < xs->xs_n; i++)
		if (xs->xs_v[i].x_value != NULL)
			kmem_free(xs->xs_v[i].x_value, xs->xs_v[i].x_size);
	if (xs->xs_v != NULL)
		kmem_free(xs->xs_v, EXT2_XATTR_MAXN * sizeof(*xs->xs_v));
	xs->xs_v = NULL;
	xs->xs_n = 0;
}

/* Add the entries of a region (values relative to vbase, vlen long). */
static int
ext2_xset_region(struct ext2_node *en, struct ext2_xset *xs,
    const uint8_t *ent, uint32_t entlen, const uint8_t *vbase, uint32_t vlen)
{
	struct ext2_xattr_entry e;
	struct ext2_xattr *x;
	uint32_t off = 0, esize;

	while (off + 4 <= entlen && le32dec(ent + off) != 0) {
		if (off + EXT2_XATTR_ENTRY_SIZE > entlen)
			goto corrupt;
		ext2_xattr_entry_decode(ent + off, &e);
		esize = roundup(EXT2_XATTR_ENTRY_SIZE + e.e_name_len,
		    EXT2_XATTR_PAD);
		if (esize > entlen - off || e.e_value_inum != 0 ||
		    e.e_value_offs > vlen || e.e_value_size > vlen -
		    e.e_value_offs || xs->xs_n >= EXT2_XATTR_MAXN)
			goto corrupt;
		x = &xs->xs_v[xs->xs_n];
		x->x_index = e.e_name_index;
		x->x_namelen = e.e_name_len;
		memcpy(x->x_name, ent + off + EXT2_XATTR_ENTRY_SIZE,
		    e.e_name_len);
		x->x_size = e.e_value_size;
		x->x_value = NULL;
		if (x->x_size > 0) {
			if ((x->x_value = kmem_alloc(x->x_size)) == NULL)
				return ENOMEM;
			memcpy(x->x_value, vbase + e.e_value_offs, x->x_size);
		}
		xs->xs_n++;
		off += esize;
	}
	return 0;
corrupt:
	return FS_CORRUPT(EXT2_FSNAME, "inode %u: bad xattr entry at %u",
	    en->en_ino, off);
}

/* Where the in-inode attributes start (0: the inode has no room). */
static uint32_t
ext2_xattr_ibody(const struct ext2_node *en)
{
	uint32_t isize = en->en_mount->em_isize;
	uint32_t start = EXT2_GOOD_OLD_INODE_SIZE + en->en_di.di_extra_isize;

	if (isize <= EXT2_GOOD_OLD_INODE_SIZE ||
	    start + EXT2_XATTR_IHDR_SIZE + 4 > isize)
		return 0;
	return start;
}

/* Gather all attributes of en; *refsp: the block's reference count. */
static int
ext2_xset_load(struct ext2_node *en, struct ext2_xset *xs, uint32_t *refsp)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t start = ext2_xattr_ibody(en), isize = em->em_isize;
	struct ext2_xattr_bhdr h;
	struct buf *bp;
	int error;

	*refsp = 0;
	xs->xs_n = 0;
	if ((xs->xs_v = kmem_zalloc(EXT2_XATTR_MAXN * sizeof(*xs->xs_v))) ==
	    NULL)
		return ENOMEM;
	if (start != 0 && le32dec(en->en_raw + start) == EXT2_XATTR_MAGIC) {
		start += EXT2_XATTR_IHDR_SIZE;
		error = ext2_xset_region(en, xs, en->en_raw + start,
		    isize - start, en->en_raw + start, isize - start);
		if (error != 0)
			return error;
	}
	if (en->en_di.di_file_acl == 0)
		return 0;
	if ((error = ext2_bread(em, en->en_di.di_file_acl, &bp)) != 0)
		return error;
	ext2_xattr_bhdr_decode(bp->b_data, &h);
	if (h.h_magic != EXT2_XATTR_MAGIC || h.h_blocks != 1 ||
	    (em->em_metacsum && !ext2_xattr_block_csum_ok(em,
	    en->en_di.di_file_acl, bp->b_data)))
		error = FS_CORRUPT(EXT2_FSNAME, "inode %u: bad xattr block",
		    en->en_ino);
	else
		error = ext2_xset_region(en, xs, (uint8_t *)bp->b_data +
		    EXT2_XATTR_BHDR_SIZE, em->em_bsize - EXT2_XATTR_BHDR_SIZE,
		    bp->b_data, em->em_bsize);
	*refsp = h.h_refcount;
	brelse(bp);
	return error;
}

static int
ext2_xattr_cmp(const void *a, const void *b)
{
	const struct ext2_xattr *x = a, *y = b;

	if (x->x_index != y->x_index)
		return x->x_index < y->x_index ? -1 : 1;
	if (x->x_namelen != y->x_namelen)
		return x->x_namelen < y->x_namelen ? -1 : 1;
	return memcmp(x->x_name, y->x_name, x->x_namelen);
}

/* The hash of one entry, as e2fsprogs computes it. */
static uint32_t
ext2_xattr_hash(const struct ext2_xattr *x)
{
	uint32_t hash = 0, i, w;
	uint8_t pad[4];

	for (i = 0; i < x->x_namelen; i++)
		hash = (hash << 5) ^ (hash >> 27) ^
		    (uint8_t)x->x_name[i];
	for (i = 0; i < x->x_size; i += 4) {
		memset(pad, 0, sizeof(pad));
		memcpy(pad, x->x_value + i, MIN(4U, x->x_size - i));
		w = le32dec(pad);
		hash = (hash << 16) ^ (hash >> 16) ^ w;
	}
	return hash;
}

static uint32_t
ext2_xattr_esize(const struct ext2_xattr *x)
{
	return roundup(EXT2_XATTR_ENTRY_SIZE + x->x_namelen, EXT2_XATTR_PAD);
}

static uint32_t
ext2_xattr_vsize(const struct ext2_xattr *x)
{
	return roundup(x->x_size, EXT2_XATTR_PAD);
}

/*
 * Lay entries v[0..n) into a region: entries from ent, values from the
 * end (voff offsets relative to vbase, region ends at vbase + vlen).
 * hashes: fill e_hash (block), else 0.  Returns the block hash.
 */
static uint32_t
ext2_xattr_lay(const struct ext2_xattr *v, uint32_t n, uint8_t *ent,
    uint8_t *vbase, uint32_t vlen, bool hashes)
{
	uint32_t i, vend = vlen, hash, bhash = 0;
	uint8_t *e = ent;

	for (i = 0; i < n; i++) {
		vend -= ext2_xattr_vsize(&v[i]);
		memset(e, 0, ext2_xattr_esize(&v[i]));
		e[0] = v[i].x_namelen;
		e[1] = v[i].x_index;
		le16enc(e + 2, (uint16_t)(v[i].x_size > 0 ? vend : 0));
		le32enc(e + 8, v[i].x_size);
		hash = hashes ? ext2_xattr_hash(&v[i]) : 0;
		le32enc(e + 12, hash);
		memcpy(e + EXT2_XATTR_ENTRY_SIZE, v[i].x_name, v[i].x_namelen);
		if (v[i].x_size > 0) {
			memset(vbase + vend, 0, ext2_xattr_vsize(&v[i]));
			memcpy(vbase + vend, v[i].x_value, v[i].x_size);
		}
		bhash = (bhash << 16) ^ (bhash >> 16) ^ hash;
		e += ext2_xattr_esize(&v[i]);
	}
	le32enc(e, 0);
	return bhash;
}

/* Bytes v[0..n) need in a region: entries, terminator, values. */
static uint32_t
ext2_xattr_need(const struct ext2_xattr *v, uint32_t n)
{
	uint32_t i, need = 4;

	for (i = 0; i < n; i++)
		need += ext2_xattr_esize(&v[i]) + ext2_xattr_vsize(&v[i]);
	return need;
}

/* One reference less on xattr block blk (refs now): freed at 0. */
static int
ext2_xattr_unref(struct ext2_mount *em, uint64_t blk, uint32_t refs)
{
	struct buf *bp;
	int error;

	if (refs <= 1)
		return ext2_free_blocks(em, blk, 1, true);
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	le32enc((uint8_t *)bp->b_data + 4, refs - 1);
	if (em->em_metacsum)
		ext2_xattr_block_csum_set(em, blk, bp->b_data);
	bdwrite(bp);
	return 0;
}

static void
ext2_xattr_setblock(struct ext2_node *en, uint64_t blk)
{
	le32enc(en->en_raw + EXT2_I_ACL_LO, (uint32_t)blk);
	le16enc(en->en_raw + EXT2_I_ACL_HI, (uint16_t)(blk >> 32));
}

/*
 * Write v[0..n) (n > 0) as en's block: the old one if en has it alone,
 * else a new one (a shared old one loses en's reference).
 */
static int
ext2_xattr_write_block(struct ext2_node *en, const struct ext2_xattr *v,
    uint32_t n, uint32_t refs)
{
	struct ext2_mount *em = en->en_mount;
	uint64_t old = en->en_di.di_file_acl, blk = old, cnt;
	struct buf *bp;
	uint8_t *raw;
	int error;

	if (old == 0 || refs > 1) {
		error = ext2_alloc_blocks(em, ext2_goal(en), 1, &blk, &cnt);
		if (error != 0)
			return error;
		if (old != 0 && (error = ext2_xattr_unref(em, old,
		    refs)) != 0) {
			(void)ext2_free_blocks(em, blk, 1, true);
			return error;
		}
		if (old == 0)
			ext2_node_addblocks(en, 1);
	}
	if ((error = getblk(em->em_dev, blk << em->em_bshift, em->em_bsize,
	    &bp)) != 0)
		return error;
	raw = bp->b_data;
	memset(raw, 0, em->em_bsize);
	le32enc(raw + 0x00, EXT2_XATTR_MAGIC);
	le32enc(raw + 0x04, 1);		/* h_refcount */
	le32enc(raw + 0x08, 1);		/* h_blocks */
	le32enc(raw + 0x0C, ext2_xattr_lay(v, n, raw + EXT2_XATTR_BHDR_SIZE,
	    raw, em->em_bsize, true));
	if (em->em_metacsum)
		ext2_xattr_block_csum_set(em, blk, raw);
	bdwrite(bp);
	ext2_xattr_setblock(en, blk);
	return 0;
}

/* Lay the whole set out: inode body first, then the block. */
static int
ext2_xset_store(struct ext2_node *en, struct ext2_xset *xs, uint32_t refs)
{
	struct ext2_mount *em = en->en_mount;
	uint32_t start = ext2_xattr_ibody(en), room = 0, k = 0;
	uint32_t isize = em->em_isize;
	uint8_t *body;
	int error;

	qsort(xs->xs_v, xs->xs_n, sizeof(*xs->xs_v), ext2_xattr_cmp);
	if (start != 0)
		room = isize - start - EXT2_XATTR_IHDR_SIZE;
	while (k < xs->xs_n && ext2_xattr_need(xs->xs_v, k + 1) <= room)
		k++;
	if (k < xs->xs_n && ext2_xattr_need(xs->xs_v + k, xs->xs_n - k) >
	    em->em_bsize - EXT2_XATTR_BHDR_SIZE)
		return ENOSPC;
	if (k < xs->xs_n) {
		error = ext2_xattr_write_block(en, xs->xs_v + k, xs->xs_n - k,
		    refs);
		if (error != 0)
			return error;
	} else if (en->en_di.di_file_acl != 0) {
		if ((error = ext2_xattr_unref(em, en->en_di.di_file_acl,
		    refs)) != 0)
			return error;
		ext2_node_addblocks(en, -1);
		ext2_xattr_setblock(en, 0);
	}
	if (start != 0) {
		body = en->en_raw + start;
		memset(body, 0, isize - start);
		if (k > 0) {
			le32enc(body, EXT2_XATTR_MAGIC);
			body += EXT2_XATTR_IHDR_SIZE;
			(void)ext2_xattr_lay(xs->xs_v, k, body, body,
			    isize - start - EXT2_XATTR_IHDR_SIZE, false);
		}
	}
	return 0;
}

/* The name index and suffix of a settable full name. */
static int
ext2_xattr_parse(const char *fullname, uint8_t *indexp, const char **sufp)
{
	static const struct {
		uint8_t		 p_index;
		const char	*p_prefix;
	} prefixes[] = {
		{ EXT2_XATTR_INDEX_USER,	"user." },
		{ EXT2_XATTR_INDEX_TRUSTED,	"trusted." },
		{ EXT2_XATTR_INDEX_SECURITY,	"security." },
	};
	size_t i, plen;

	for (i = 0; i < __arraycount(prefixes); i++) {
		plen = strlen(prefixes[i].p_prefix);
		if (strncmp(fullname, prefixes[i].p_prefix, plen) == 0) {
			*indexp = prefixes[i].p_index;
			*sufp = fullname + plen;
			if (**sufp == '\0')
				return EINVAL;
			return strlen(*sufp) > 255 ? ERANGE : 0;
		}
	}
	return EOPNOTSUPP;
}

/*
 * Set (value != NULL) or remove (value == NULL) fullname.  flags:
 * XATTR_CREATE, XATTR_REPLACE.  The caller writes the inode.
 */
static int
ext2_xattr_change_ix(struct ext2_node *en, uint8_t index, const char *suf,
    const void *value, size_t size, int flags)
{
	struct ext2_xset xs = { NULL, 0 };
	struct ext2_xattr *x = NULL;
	uint32_t refs, i;
	int error;

	if (size > en->en_mount->em_bsize)
		return ENOSPC;
	if ((error = ext2_xset_load(en, &xs, &refs)) != 0)
		goto out;
	for (i = 0; i < xs.xs_n; i++)
		if (xs.xs_v[i].x_index == index &&
		    xs.xs_v[i].x_namelen == strlen(suf) &&
		    memcmp(xs.xs_v[i].x_name, suf, strlen(suf)) == 0)
			x = &xs.xs_v[i];
	if (value == NULL || (flags & XATTR_REPLACE)) {
		if (x == NULL) {
			error = ENOATTR;
			goto out;
		}
	}
	if (x != NULL && value != NULL && (flags & XATTR_CREATE)) {
		error = EEXIST;
		goto out;
	}
	if (x == NULL) {
		if (xs.xs_n >= EXT2_XATTR_MAXN) {
			error = ENOSPC;
			goto out;
		}
		x = &xs.xs_v[xs.xs_n++];
		x->x_index = index;
		x->x_namelen = (uint8_t)strlen(suf);
		memcpy(x->x_name, suf, x->x_namelen);
	} else if (x->x_value != NULL) {
		kmem_free(x->x_value, x->x_size);
		x->x_value = NULL;
	}
	if (value == NULL) {
		*x = xs.xs_v[--xs.xs_n];
		memset(&xs.xs_v[xs.xs_n], 0, sizeof(*x));
	} else {
		x->x_size = (uint32_t)size;
		if (size > 0) {
			if ((x->x_value = kmem_alloc(size)) == NULL) {
				x->x_size = 0;
				error = ENOMEM;
				goto out;
			}
			memcpy(x->x_value, value, size);
		}
	}
	error = ext2_xset_store(en, &xs, refs);
out:
	ext2_xset_free(&xs);
	return error;
}

static int
ext2_xattr_change(struct ext2_node *en, const char *fullname,
    const void *value, size_t size, int flags)
{
	const char *suf;
	uint8_t index;
	int error;

	if (!en->en_mount->em_writable)
		return EROFS;
	if ((error = ext2_xattr_parse(fullname, &index, &suf)) != 0)
		return error;
	/* The inline data shares the attribute area: move it out first. */
	if (en->en_inline != NULL && (error = ext2_uninline(en)) != 0)
		return error;
	if (en->en_di.di_flags & EXT4_INLINE_DATA_FL)
		return EOPNOTSUPP;
	return ext2_xattr_change_ix(en, index, suf, value, size, flags);
}

/* ext2_uninline: the inline data's attribute goes (ENOATTR if none). */
int
ext2_xattr_remove_system_data(struct ext2_node *en)
{
	return ext2_xattr_change_ix(en, EXT2_XATTR_INDEX_SYSTEM, "data",
	    NULL, 0, 0);
}

int
ext2_setxattr(struct vnode *vp, const char *name, const void *buf,
    size_t size, int flags)
{
	struct ext2_node *en = VTOE(vp);
	int error;

	if ((error = ext2_xattr_change(en, name, buf != NULL ? buf : "",
	    size, flags)) != 0)
		return error;
	ext2_node_touch(en, false, true);
	return ext2_node_write(en);
}

int
ext2_removexattr(struct vnode *vp, const char *name)
{
	struct ext2_node *en = VTOE(vp);
	int error;

	if ((error = ext2_xattr_change(en, name, NULL, 0, 0)) != 0)
		return error;
	ext2_node_touch(en, false, true);
	return ext2_node_write(en);
}
