/*
 * sqfs_inode.c: loading an inode from its reference (every type, basic
 * and extended), and reading file data: full blocks, sparse blocks (size
 * 0: zeros) and the tail packed in a fragment block.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include "fs/squashfs/squashfs.h"

/* Largest type-specific part of an inode (extended file). */
#define SQFS_INODE_MAXBODY	40

static const enum vtype sqfs_vtypes[] = {
	[SQFS_DIR] = VDIR, [SQFS_REG] = VREG, [SQFS_SYMLINK] = VLNK,
	[SQFS_BLKDEV] = VBLK, [SQFS_CHRDEV] = VCHR, [SQFS_FIFO] = VFIFO,
	[SQFS_SOCKET] = VSOCK,
};

static int
sqfs_load_dir(struct sqfs_node *sn, const struct sqfs_dbody *b,
    struct sqfs_mcur *cur)
{
	const struct sqfs_dsuper *sb = &sn->sn_mount->sm_sb;

	sn->sn_parent = b->b_parent;
	sn->sn_nidx = b->b_nidx;
	/* The index entries of an extended directory follow its inode. */
	sn->sn_idx = *cur;
	if (b->b_size < 3 || b->b_doff >= SQFS_META_SIZE ||
	    b->b_dstart >= sb->s_bytes_used - sb->s_dir_table)
		return FS_CORRUPT(SQFS_FSNAME, "directory %u: size %llu at "
		    "%u+%u", sn->sn_ino, (unsigned long long)b->b_size,
		    b->b_dstart, b->b_doff);
	sn->sn_dir.mc_block = sb->s_dir_table + b->b_dstart;
	sn->sn_dir.mc_off = b->b_doff;
	return 0;
}

/* The disk position and size word of fragment i. */
static int
sqfs_frag_lookup(struct sqfs_mount *sm, uint32_t i, uint64_t *posp,
    uint32_t *sizep)
{
	const uint32_t per = SQFS_META_SIZE / SQFS_FRAG_ENTRY_SIZE;
	struct sqfs_mcur cur;
	uint8_t ent[SQFS_FRAG_ENTRY_SIZE];
	int error;

	if (i >= sm->sm_sb.s_fragments)
		return FS_CORRUPT(SQFS_FSNAME, "fragment %u of %u", i,
		    sm->sm_sb.s_fragments);
	cur.mc_block = sm->sm_fragidx[i / per];
	cur.mc_off = (i % per) * SQFS_FRAG_ENTRY_SIZE;
	if ((error = sqfs_meta_read(sm, &cur, ent, sizeof(ent))) != 0)
		return error;
	sqfs_dfrag_dec(ent, posp, sizep);
	if ((*sizep & SQFS_DATA_SIZEMASK) == 0)
		return FS_CORRUPT(SQFS_FSNAME, "fragment %u: empty", i);
	return 0;
}

/* The block list: size words, and from them each block's position. */
static int
sqfs_load_blocklist(struct sqfs_node *sn, struct sqfs_mcur *cur)
{
	struct sqfs_mount *sm = sn->sn_mount;
	uint64_t pos = sn->sn_blkstart, end = sm->sm_sb.s_bytes_used;
	uint32_t i, n = sn->sn_nblocks, len;
	int error;

	if (n == 0)
		return 0;
	if ((sn->sn_bsizes = kmem_alloc((size_t)n * 4)) == NULL)
		return ENOMEM;
	if ((sn->sn_boffs = kmem_alloc((size_t)n * 8)) == NULL)
		return ENOMEM;
	if ((error = sqfs_meta_read(sm, cur, sn->sn_bsizes,
	    (size_t)n * 4)) != 0)
		return error;
	sqfs_dwords_dec(sn->sn_bsizes, n);
	for (i = 0; i < n; i++) {
		len = sn->sn_bsizes[i] & SQFS_DATA_SIZEMASK;
		if (len > sm->sm_sb.s_block_size || pos > end ||
		    end - pos < len)
			return FS_CORRUPT(SQFS_FSNAME, "file %u: block %u of "
			    "%u bytes at %llu", sn->sn_ino, i, len,
			    (unsigned long long)pos);
		sn->sn_boffs[i] = pos;
		pos += len;
	}
	return 0;
}

static int
sqfs_load_file(struct sqfs_node *sn, const struct sqfs_dbody *b,
    struct sqfs_mcur *cur)
{
	struct sqfs_mount *sm = sn->sn_mount;
	uint32_t bs = sm->sm_sb.s_block_size, blog = sm->sm_sb.s_block_log;
	uint64_t nblocks;
	int error;

	sn->sn_blkstart = b->b_blkstart;
	sn->sn_frag = b->b_frag;
	sn->sn_fragoff = b->b_fragoff;
	if (sn->sn_size > INT64_MAX)
		return FS_CORRUPT(SQFS_FSNAME, "file %u: size %llu",
		    sn->sn_ino, (unsigned long long)sn->sn_size);
	nblocks = sn->sn_frag == SQFS_NONE32 ?
	    howmany(sn->sn_size, (uint64_t)bs) : sn->sn_size >> blog;
	if (nblocks > SQFS_MAXFILEBLOCKS)
		return EFBIG;
	sn->sn_nblocks = (uint32_t)nblocks;
	if (sn->sn_frag != SQFS_NONE32) {
		if ((sn->sn_size & (bs - 1)) == 0 || sn->sn_fragoff >= bs)
			return FS_CORRUPT(SQFS_FSNAME, "file %u: fragment "
			    "offset %u", sn->sn_ino, sn->sn_fragoff);
		if ((error = sqfs_frag_lookup(sm, sn->sn_frag,
		    &sn->sn_fragpos, &sn->sn_fragsize)) != 0)
			return error;
	}
	return sqfs_load_blocklist(sn, cur);
}

/* The target follows the body; an extended symlink's xattr id, it. */
static int
sqfs_load_symlink(struct sqfs_node *sn, bool ext, struct sqfs_mcur *cur)
{
	uint8_t x[4];
	int error;

	if (sn->sn_size == 0 || sn->sn_size >= PATH_MAX)
		return FS_CORRUPT(SQFS_FSNAME, "symlink %u: length %llu",
		    sn->sn_ino, (unsigned long long)sn->sn_size);
	if ((sn->sn_target = kmem_alloc(sn->sn_size)) == NULL)
		return ENOMEM;
	if ((error = sqfs_meta_read(sn->sn_mount, cur, sn->sn_target,
	    sn->sn_size)) != 0 || !ext)
		return error;
	if ((error = sqfs_meta_read(sn->sn_mount, cur, x, sizeof(x))) != 0)
		return error;
	sn->sn_xattr = sqfs_dword_dec(x);
	return 0;
}

/* The rest of an inode after its header, by type. */
static int
sqfs_load_body(struct sqfs_node *sn, uint16_t type, struct sqfs_mcur *cur)
{
	uint8_t raw[SQFS_INODE_MAXBODY];
	struct sqfs_dbody b;
	int error;

	if ((error = sqfs_meta_read(sn->sn_mount, cur, raw,
	    sqfs_dbody_size(type))) != 0)
		return error;
	sqfs_dbody_dec(type, raw, &b);
	sn->sn_nlink = b.b_nlink;
	sn->sn_size = b.b_size;
	sn->sn_xattr = b.b_xattr;
	switch (sn->sn_type) {
	case SQFS_DIR:
		return sqfs_load_dir(sn, &b, cur);
	case SQFS_REG:
		return sqfs_load_file(sn, &b, cur);
	case SQFS_SYMLINK:
		return sqfs_load_symlink(sn, type != sn->sn_type, cur);
	case SQFS_BLKDEV:
	case SQFS_CHRDEV:
		sn->sn_rdev = sqfs_rdev_dec(b.b_rdev);
		return 0;
	default:
		return 0;
	}
}

int
sqfs_node_load(struct sqfs_mount *sm, uint64_t ref, struct sqfs_node **snp)
{
	const struct sqfs_dsuper *sb = &sm->sm_sb;
	struct sqfs_dinode_hdr ih;
	struct sqfs_node *sn;
	struct sqfs_mcur cur;
	uint8_t hdr[SQFS_INODE_HDR];
	int error;

	if ((ref >> 16) >= sb->s_dir_table - sb->s_inode_table ||
	    (ref & 0xFFFF) >= SQFS_META_SIZE)
		return FS_CORRUPT(SQFS_FSNAME, "inode reference %llx",
		    (unsigned long long)ref);
	cur.mc_block = sb->s_inode_table + (ref >> 16);
	cur.mc_off = ref & 0xFFFF;
	if ((error = sqfs_meta_read(sm, &cur, hdr, sizeof(hdr))) != 0)
		return error;
	sqfs_dinode_hdr_dec(hdr, &ih);
	if (sqfs_basic_type(ih.ih_type) == 0 || ih.ih_uid >= sb->s_ids ||
	    ih.ih_gid >= sb->s_ids || ih.ih_ino == 0 ||
	    ih.ih_ino > sb->s_inodes)
		return FS_CORRUPT(SQFS_FSNAME, "inode %llx: type %u, ids "
		    "%u/%u, number %u", (unsigned long long)ref, ih.ih_type,
		    ih.ih_uid, ih.ih_gid, ih.ih_ino);
	if ((sn = kmem_zalloc(sizeof(*sn))) == NULL)
		return ENOMEM;
	sn->sn_mount = sm;
	sn->sn_ref = ref;
	sn->sn_type = sqfs_basic_type(ih.ih_type);
	sn->sn_vtype = sqfs_vtypes[sn->sn_type];
	sn->sn_mode = ih.ih_mode & ALLPERMS;
	sn->sn_uid = sm->sm_ids[ih.ih_uid];
	sn->sn_gid = sm->sm_ids[ih.ih_gid];
	sn->sn_mtime = ih.ih_mtime;
	sn->sn_ino = ih.ih_ino;
	sn->sn_xattr = SQFS_NONE32;
	sn->sn_frag = SQFS_NONE32;
	if ((error = sqfs_load_body(sn, ih.ih_type, &cur)) != 0) {
		sqfs_node_free(sn);
		return error;
	}
	*snp = sn;
	return 0;
}

void
sqfs_node_free(struct sqfs_node *sn)
{
	if (sn->sn_bsizes != NULL)
		kmem_free(sn->sn_bsizes, (size_t)sn->sn_nblocks * 4);
	if (sn->sn_boffs != NULL)
		kmem_free(sn->sn_boffs, (size_t)sn->sn_nblocks * 8);
	if (sn->sn_target != NULL)
		kmem_free(sn->sn_target, sn->sn_size);
	kmem_free(sn, sizeof(*sn));
}

/* Copy n bytes at off of a cached block, of expected length len, out. */
static int
sqfs_read_cached(struct sqfs_node *sn, uint64_t pos, uint32_t sizeword,
    uint32_t off, uint32_t len, size_t n, struct uio *uio)
{
	struct sqfs_mount *sm = sn->sn_mount;
	struct sqfs_cent *ce;
	int error;

	if ((error = sqfs_cache_get(sm, &sm->sm_data, pos, sizeword,
	    &ce)) != 0)
		return error;
	if (ce->ce_len < len)
		error = FS_CORRUPT(SQFS_FSNAME, "file %u: block at %llu has "
		    "%u bytes, not %u", sn->sn_ino, (unsigned long long)pos,
		    ce->ce_len, len);
	else
		error = uiomove(ce->ce_data + off, n, uio);
	sqfs_cache_put(&sm->sm_data, ce);
	return error;
}

int
sqfs_read(struct sqfs_node *sn, struct uio *uio)
{
	struct sqfs_mount *sm = sn->sn_mount;
	uint32_t bs = sm->sm_sb.s_block_size, boff, blen;
	uint64_t bi, off;
	size_t n;
	int error = 0;

	while (error == 0 && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < sn->sn_size) {
		off = (uint64_t)uio->uio_offset;
		bi = off >> sm->sm_sb.s_block_log;
		boff = (uint32_t)(off & (bs - 1));
		blen = (uint32_t)MIN((uint64_t)bs, sn->sn_size - bi * bs);
		n = MIN(uio->uio_resid, (size_t)(blen - boff));
		if (bi >= sn->sn_nblocks) {
			/* The tail, in a fragment block. */
			error = sqfs_read_cached(sn, sn->sn_fragpos,
			    sn->sn_fragsize, sn->sn_fragoff + boff,
			    sn->sn_fragoff + blen, n, uio);
		} else if ((sn->sn_bsizes[bi] & SQFS_DATA_SIZEMASK) == 0) {
			error = uiomove_zero(n, uio);
		} else {
			/* Starting a block: have the next ones loaded. */
			if (boff == 0)
				sqfs_ra_after(sn, bi);
			error = sqfs_read_cached(sn, sn->sn_boffs[bi],
			    sn->sn_bsizes[bi], boff, blen, n, uio);
		}
	}
	return error;
}

/*
 * SEEK_DATA / SEEK_HOLE: a block stored with size 0 is a hole (whole
 * blocks only; the tail in a fragment is data).
 */
int
sqfs_seek(struct sqfs_node *sn, int64_t off, int whence, int64_t *res)
{
	uint32_t blog = sn->sn_mount->sm_sb.s_block_log;
	uint64_t bi, start;
	bool hole;

	if (off < 0 || (uint64_t)off >= sn->sn_size)
		return ENXIO;
	for (bi = (uint64_t)off >> blog; (bi << blog) < sn->sn_size; bi++) {
		hole = bi < sn->sn_nblocks &&
		    (sn->sn_bsizes[bi] & SQFS_DATA_SIZEMASK) == 0;
		if ((whence == SEEK_DATA) != hole) {
			start = bi << blog;
			*res = (int64_t)MAX(start, (uint64_t)off);
			return 0;
		}
	}
	if (whence == SEEK_DATA)
		return ENXIO;
	*res = (int64_t)sn->sn_size;
	return 0;
}
