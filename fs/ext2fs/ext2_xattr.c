/*
 * ext2_xattr.c: extended attributes, read side: in the inode (after
 * i_extra_isize, behind a 4-byte magic) and in one external block
 * (i_file_acl, behind a 32-byte header, possibly shared by many inodes).
 *
 * An entry names its attribute by a prefix index (user., trusted., ...)
 * and a suffix; its value lies in the same region at e_value_offs
 * (relative to the first entry in the inode, to the block start in a
 * block).  Every entry and value is bounds-checked against its region.
 * Values stored in separate inodes (ea_inode) are refused at mount.
 *
 * Inline data (inline_data feature) is the 60 bytes of i_block followed
 * by the value of the in-inode attribute "system.data".
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/ext2fs/ext2fs.h"

/* The prefixes of the name indexes that names are reported with. */
static const struct {
	uint8_t		 xp_index;	/* EXT2_XATTR_INDEX_* */
	const char	*xp_prefix;	/* full-name prefix */
	bool		 xp_listed;	/* shown by listxattr */
} ext2_xattr_prefixes[] = {
	{ EXT2_XATTR_INDEX_USER,	"user.",	true },
	{ EXT2_XATTR_INDEX_TRUSTED,	"trusted.",	true },
	{ EXT2_XATTR_INDEX_SECURITY,	"security.",	true },
	{ EXT2_XATTR_INDEX_SYSTEM,	"system.",	false },
};

/* A region holding entries and their values. */
struct ext2_xregion {
	const uint8_t	*xr_entries;	/* first entry */
	uint32_t	 xr_entlen;	/* bytes from xr_entries to the end */
	const uint8_t	*xr_values;	/* base of e_value_offs */
	uint32_t	 xr_vallen;	/* bytes from xr_values to the end */
};

/* What to do with each entry (ext2_xattr_walk). */
struct ext2_xvisit {
	/* Return 0 to go on, -1 to stop (found), or an errno. */
	int	(*xv_fn)(struct ext2_xvisit *xv,
		    const struct ext2_xattr_entry *e, const char *name,
		    const uint8_t *value);
	int		 xv_index;	/* get: index wanted */
	const char	*xv_name;	/* get: suffix wanted */
	size_t		 xv_namelen;	/* get: its length */
	uint8_t		*xv_buf;	/* output buffer */
	size_t		 xv_size;	/* its size (0: measure) */
	size_t		 xv_len;	/* bytes produced or needed */
	const uint8_t	*xv_value;	/* get: the value found */
	uint32_t	 xv_vsize;	/* get: its size */
};

/* Visit every entry of a region; EFSCORRUPTED on a malformed one. */
static int
ext2_xattr_walk(struct ext2_node *en, const struct ext2_xregion *xr,
    struct ext2_xvisit *xv)
{
	struct ext2_xattr_entry e;
	uint32_t off = 0, esize;
	int error;

	while (off + 4 <= xr->xr_entlen &&
	    le32dec(xr->xr_entries + off) != 0) {
		if (off + EXT2_XATTR_ENTRY_SIZE > xr->xr_entlen)
			goto corrupt;
		ext2_xattr_entry_decode(xr->xr_entries + off, &e);
		esize = roundup(EXT2_XATTR_ENTRY_SIZE + e.e_name_len,
		    EXT2_XATTR_PAD);
		if (esize > xr->xr_entlen - off || e.e_value_inum != 0 ||
		    e.e_value_offs > xr->xr_vallen ||
		    e.e_value_size > xr->xr_vallen - e.e_value_offs)
			goto corrupt;
		error = xv->xv_fn(xv, &e, (const char *)xr->xr_entries + off +
		    EXT2_XATTR_ENTRY_SIZE, xr->xr_values + e.e_value_offs);
		if (error != 0)
			return error;
		off += esize;
	}
	return 0;

corrupt:
	return FS_CORRUPT(EXT2_FSNAME, "inode %u: bad xattr entry at %u",
	    en->en_ino, off);
}

/* The in-inode region, if the inode has one (returns false if not). */
static bool
ext2_xattr_iregion(struct ext2_node *en, struct ext2_xregion *xr)
{
	uint32_t isize = en->en_mount->em_isize;
	uint32_t start = EXT2_GOOD_OLD_INODE_SIZE + en->en_di.di_extra_isize;

	if (isize <= EXT2_GOOD_OLD_INODE_SIZE ||
	    start + EXT2_XATTR_IHDR_SIZE > isize ||
	    le32dec(en->en_raw + start) != EXT2_XATTR_MAGIC)
		return false;
	start += EXT2_XATTR_IHDR_SIZE;
	xr->xr_entries = xr->xr_values = en->en_raw + start;
	xr->xr_entlen = xr->xr_vallen = isize - start;
	return true;
}

/* Read and check the external block of en (held in *bpp on success). */
static int
ext2_xattr_bread(struct ext2_node *en, struct buf **bpp,
    struct ext2_xregion *xr)
{
	struct ext2_mount *em = en->en_mount;
	uint64_t pblk = en->en_di.di_file_acl;
	struct ext2_xattr_bhdr h;
	struct buf *bp;
	int error;

	if ((error = ext2_bread(em, pblk, &bp)) != 0)
		return error;
	ext2_xattr_bhdr_decode(bp->b_data, &h);
	if (h.h_magic != EXT2_XATTR_MAGIC || h.h_blocks != 1) {
		brelse(bp);
		return FS_CORRUPT(EXT2_FSNAME, "inode %u: bad xattr block %llu",
		    en->en_ino, (unsigned long long)pblk);
	}
	if (em->em_metacsum &&
	    !ext2_xattr_block_csum_ok(em, pblk, bp->b_data)) {
		brelse(bp);
		return FS_CORRUPT(EXT2_FSNAME,
		    "inode %u: xattr block checksum mismatch", en->en_ino);
	}
	xr->xr_entries = (uint8_t *)bp->b_data + EXT2_XATTR_BHDR_SIZE;
	xr->xr_entlen = em->em_bsize - EXT2_XATTR_BHDR_SIZE;
	xr->xr_values = bp->b_data;
	xr->xr_vallen = em->em_bsize;
	*bpp = bp;
	return 0;
}

/* Walk the inode's entries, then those of its block. */
static int
ext2_xattr_walk_all(struct ext2_node *en, struct ext2_xvisit *xv)
{
	struct ext2_xregion xr;
	struct buf *bp = NULL;
	int error;

	if (ext2_xattr_iregion(en, &xr) &&
	    (error = ext2_xattr_walk(en, &xr, xv)) != 0)
		return error;
	if (en->en_di.di_file_acl == 0)
		return 0;
	if ((error = ext2_xattr_bread(en, &bp, &xr)) != 0)
		return error;
	error = ext2_xattr_walk(en, &xr, xv);
	if (error == -1) {
		/* Found: copy the value out before the buffer goes. */
		if (xv->xv_size != 0 && xv->xv_vsize <= xv->xv_size)
			memcpy(xv->xv_buf, xv->xv_value, xv->xv_vsize);
		xv->xv_value = NULL;
	}
	brelse(bp);
	return error;
}

static int
ext2_xattr_get_fn(struct ext2_xvisit *xv, const struct ext2_xattr_entry *e,
    const char *name, const uint8_t *value)
{
	if (e->e_name_index != xv->xv_index ||
	    e->e_name_len != xv->xv_namelen ||
	    memcmp(name, xv->xv_name, xv->xv_namelen) != 0)
		return 0;
	xv->xv_value = value;
	xv->xv_vsize = e->e_value_size;
	return -1;
}

/*
 * Get attribute fullname ("user.x") into buf (size 0: only its length).
 * ENOATTR if absent, ERANGE if size is too small.
 */
int
ext2_xattr_get(struct ext2_node *en, const char *fullname, void *buf,
    size_t size, size_t *retlen)
{
	struct ext2_xvisit xv;
	size_t i, plen;
	int error;

	memset(&xv, 0, sizeof(xv));
	xv.xv_fn = ext2_xattr_get_fn;
	xv.xv_index = -1;
	for (i = 0; i < __arraycount(ext2_xattr_prefixes); i++) {
		plen = strlen(ext2_xattr_prefixes[i].xp_prefix);
		if (strncmp(fullname, ext2_xattr_prefixes[i].xp_prefix,
		    plen) == 0 && ext2_xattr_prefixes[i].xp_listed) {
			xv.xv_index = ext2_xattr_prefixes[i].xp_index;
			xv.xv_name = fullname + plen;
			xv.xv_namelen = strlen(xv.xv_name);
		}
	}
	if (xv.xv_index < 0)
		return ENOATTR;
	xv.xv_buf = buf;
	xv.xv_size = size;
	error = ext2_xattr_walk_all(en, &xv);
	if (error == 0)
		return ENOATTR;
	if (error != -1)
		return error;
	if (size != 0 && xv.xv_vsize > size)
		return ERANGE;
	/* In-inode values are still in en_raw; block ones were copied. */
	if (size != 0 && xv.xv_value != NULL)
		memcpy(buf, xv.xv_value, xv.xv_vsize);
	*retlen = xv.xv_vsize;
	return 0;
}

static int
ext2_xattr_list_fn(struct ext2_xvisit *xv, const struct ext2_xattr_entry *e,
    const char *name, const uint8_t *value)
{
	const char *prefix = NULL;
	size_t i, plen, need;

	for (i = 0; i < __arraycount(ext2_xattr_prefixes); i++)
		if (ext2_xattr_prefixes[i].xp_index == e->e_name_index &&
		    ext2_xattr_prefixes[i].xp_listed)
			prefix = ext2_xattr_prefixes[i].xp_prefix;
	if (prefix == NULL)
		return 0;
	plen = strlen(prefix);
	need = plen + e->e_name_len + 1;
	if (xv->xv_size != 0) {
		if (xv->xv_len + need > xv->xv_size)
			return ERANGE;
		memcpy(xv->xv_buf + xv->xv_len, prefix, plen);
		memcpy(xv->xv_buf + xv->xv_len + plen, name, e->e_name_len);
		xv->xv_buf[xv->xv_len + need - 1] = '\0';
	}
	xv->xv_len += need;
	return 0;
}

/* List the names (NUL-separated) of user., trusted. and security. */
int
ext2_xattr_list(struct ext2_node *en, char *buf, size_t size, size_t *retlen)
{
	struct ext2_xvisit xv;
	int error;

	memset(&xv, 0, sizeof(xv));
	xv.xv_fn = ext2_xattr_list_fn;
	xv.xv_buf = (uint8_t *)buf;
	xv.xv_size = size;
	if ((error = ext2_xattr_walk_all(en, &xv)) != 0)
		return error;
	*retlen = xv.xv_len;
	return 0;
}

/*
 * Gather the inline data of en into en_inline: i_block, then the value
 * of the in-inode "system.data" (which may be absent or empty).
 */
int
ext2_xattr_inline_data(struct ext2_node *en)
{
	struct ext2_xvisit xv;
	struct ext2_xregion xr;
	uint32_t extra = 0;
	int error;

	memset(&xv, 0, sizeof(xv));
	xv.xv_fn = ext2_xattr_get_fn;
	xv.xv_index = EXT2_XATTR_INDEX_SYSTEM;
	xv.xv_name = "data";
	xv.xv_namelen = 4;
	if (ext2_xattr_iregion(en, &xr)) {
		error = ext2_xattr_walk(en, &xr, &xv);
		if (error != 0 && error != -1)
			return error;
		if (error == -1)
			extra = xv.xv_vsize;
	}
	en->en_inlinelen = EXT2_I_BLOCK_SIZE + extra;
	if ((en->en_inline = kmem_alloc(en->en_inlinelen)) == NULL)
		return ENOMEM;
	memcpy(en->en_inline, en->en_di.di_block, EXT2_I_BLOCK_SIZE);
	if (extra != 0)
		memcpy(en->en_inline + EXT2_I_BLOCK_SIZE, xv.xv_value, extra);
	/*
	 * A file may be longer than its inline data (mke2fs makes an
	 * all-zero file so); the rest reads as zeros, as in Linux.
	 */
	return 0;
}
