/*
 * sqfs_fmt.c: decoders of the squashfs v4 on-disk structures.  Callers
 * have checked that the bytes are there; nothing here is validated.
 */
#include <sys/systm.h>
#include "fs/squashfs/sqfs_fmt.h"

void
sqfs_dsuper_dec(const uint8_t *p, struct sqfs_dsuper *sb)
{
	sb->s_magic = le32dec(p + 0);
	sb->s_inodes = le32dec(p + 4);
	sb->s_mkfs_time = le32dec(p + 8);
	sb->s_block_size = le32dec(p + 12);
	sb->s_fragments = le32dec(p + 16);
	sb->s_compression = le16dec(p + 20);
	sb->s_block_log = le16dec(p + 22);
	sb->s_flags = le16dec(p + 24);
	sb->s_ids = le16dec(p + 26);
	sb->s_vmajor = le16dec(p + 28);
	sb->s_vminor = le16dec(p + 30);
	sb->s_root_ref = le64dec(p + 32);
	sb->s_bytes_used = le64dec(p + 40);
	sb->s_id_table = le64dec(p + 48);
	sb->s_xattr_table = le64dec(p + 56);
	sb->s_inode_table = le64dec(p + 64);
	sb->s_dir_table = le64dec(p + 72);
	sb->s_frag_table = le64dec(p + 80);
	sb->s_export_table = le64dec(p + 88);
}

void
sqfs_dinode_hdr_dec(const uint8_t *p, struct sqfs_dinode_hdr *ih)
{
	ih->ih_type = le16dec(p + 0);
	ih->ih_mode = le16dec(p + 2);
	ih->ih_uid = le16dec(p + 4);
	ih->ih_gid = le16dec(p + 6);
	ih->ih_mtime = le32dec(p + 8);
	ih->ih_ino = le32dec(p + 12);
}

void
sqfs_ddirhdr_dec(const uint8_t *p, struct sqfs_ddirhdr *dh)
{
	dh->dh_count = le32dec(p + 0);
	dh->dh_start = le32dec(p + 4);
	dh->dh_ino = le32dec(p + 8);
}

void
sqfs_ddirent_dec(const uint8_t *p, struct sqfs_ddirent *de)
{
	de->de_offset = le16dec(p + 0);
	de->de_ino_delta = (int16_t)le16dec(p + 2);
	de->de_type = le16dec(p + 4);
	de->de_namelen = le16dec(p + 6);
}

void
sqfs_ddiridx_dec(const uint8_t *p, struct sqfs_ddiridx *di)
{
	di->di_index = le32dec(p + 0);
	di->di_start = le32dec(p + 4);
	di->di_namelen = le32dec(p + 8);
}

uint16_t
sqfs_basic_type(uint16_t type)
{
	if (type >= SQFS_DIR && type <= SQFS_SOCKET)
		return type;
	if (type >= SQFS_LDIR && type <= SQFS_LSOCKET)
		return type - 7;
	return 0;
}

uint64_t
sqfs_rdev_dec(uint32_t rdev)
{
	return makedev((rdev >> 8) & 0xFFF, (rdev & 0xFF) |
	    ((rdev >> 12) & 0xFFF00));
}

uint32_t
sqfs_magic_dec(const uint8_t *p)
{
	return le32dec(p);
}

void
sqfs_meta_hdr_dec(const uint8_t *p, uint32_t *len, bool *comp)
{
	uint16_t h = le16dec(p);

	*len = h & ~SQFS_META_UNCOMP;
	*comp = (h & SQFS_META_UNCOMP) == 0;
}

/* Body sizes of the basic (index 0) and extended (1) inode of a type. */
static const uint8_t sqfs_bodysizes[][2] = {
	[SQFS_DIR] = { 16, 24 }, [SQFS_REG] = { 16, 40 },
	[SQFS_SYMLINK] = { 8, 8 }, [SQFS_BLKDEV] = { 8, 12 },
	[SQFS_CHRDEV] = { 8, 12 }, [SQFS_FIFO] = { 4, 8 },
	[SQFS_SOCKET] = { 4, 8 },
};

uint32_t
sqfs_dbody_size(uint16_t type)
{
	return sqfs_bodysizes[sqfs_basic_type(type)][type >= SQFS_LDIR];
}

static void
sqfs_ddir_dec(uint16_t type, const uint8_t *p, struct sqfs_dbody *b)
{
	if (type == SQFS_DIR) {
		b->b_dstart = le32dec(p);
		b->b_nlink = le32dec(p + 4);
		b->b_size = le16dec(p + 8);
		b->b_doff = le16dec(p + 10);
		b->b_parent = le32dec(p + 12);
		return;
	}
	b->b_nlink = le32dec(p);
	b->b_size = le32dec(p + 4);
	b->b_dstart = le32dec(p + 8);
	b->b_parent = le32dec(p + 12);
	b->b_nidx = le16dec(p + 16);
	b->b_doff = le16dec(p + 18);
	b->b_xattr = le32dec(p + 20);
}

static void
sqfs_dreg_dec(uint16_t type, const uint8_t *p, struct sqfs_dbody *b)
{
	if (type == SQFS_REG) {
		b->b_blkstart = le32dec(p);
		b->b_frag = le32dec(p + 4);
		b->b_fragoff = le32dec(p + 8);
		b->b_size = le32dec(p + 12);
		b->b_nlink = 1;
		return;
	}
	b->b_blkstart = le64dec(p);
	b->b_size = le64dec(p + 8);
	/* p + 16: bytes saved by sparse blocks, not needed. */
	b->b_nlink = le32dec(p + 24);
	b->b_frag = le32dec(p + 28);
	b->b_fragoff = le32dec(p + 32);
	b->b_xattr = le32dec(p + 36);
}

void
sqfs_dbody_dec(uint16_t type, const uint8_t *p, struct sqfs_dbody *b)
{
	bool ext = type >= SQFS_LDIR;

	memset(b, 0, sizeof(*b));
	b->b_xattr = SQFS_NONE32;
	switch (sqfs_basic_type(type)) {
	case SQFS_DIR:
		sqfs_ddir_dec(type, p, b);
		break;
	case SQFS_REG:
		sqfs_dreg_dec(type, p, b);
		break;
	case SQFS_SYMLINK:
		b->b_nlink = le32dec(p);
		b->b_size = le32dec(p + 4);
		break;
	case SQFS_BLKDEV:
	case SQFS_CHRDEV:
		b->b_nlink = le32dec(p);
		b->b_rdev = le32dec(p + 4);
		if (ext)
			b->b_xattr = le32dec(p + 8);
		break;
	default:
		b->b_nlink = le32dec(p);
		if (ext)
			b->b_xattr = le32dec(p + 4);
		break;
	}
}

void
sqfs_dfrag_dec(const uint8_t *p, uint64_t *start, uint32_t *size)
{
	*start = le64dec(p);
	*size = le32dec(p + 8);
}

void
sqfs_dxtable_dec(const uint8_t *p, uint64_t *kvstart, uint32_t *nids)
{
	*kvstart = le64dec(p);
	*nids = le32dec(p + 8);
}

void
sqfs_dxid_dec(const uint8_t *p, uint64_t *ref, uint32_t *count)
{
	*ref = le64dec(p);
	*count = le32dec(p + 8);
}

void
sqfs_dxkey_dec(const uint8_t *p, uint16_t *type, uint16_t *namelen)
{
	*type = le16dec(p);
	*namelen = le16dec(p + 2);
}

uint32_t
sqfs_dword_dec(const uint8_t *p)
{
	return le32dec(p);
}

uint64_t
sqfs_dxref_dec(const uint8_t *p)
{
	return le64dec(p);
}

void
sqfs_dwords_dec(uint32_t *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = le32dec(&a[i]);
}

void
sqfs_dqwords_dec(uint64_t *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = le64dec(&a[i]);
}
