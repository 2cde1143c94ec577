/*
 * sqfs_fmt.h: the on-disk format of squashfs version 4 (little-endian)
 * and its decoders, which are the only code that reads raw bytes.
 *
 * Layout: a 96-byte superblock at offset 0, then (in the order mksquashfs
 * writes them) data and fragment blocks, the inode table, the directory
 * table, the fragment table, the export table, the id table and the
 * xattr tables.  Inode, directory, fragment, id and xattr records live in
 * metadata blocks: a 16-bit header (size on disk, bit 15 = stored
 * uncompressed) followed by at most 8 KiB of (compressed) data.  An
 * inode reference is (start of its metadata block relative to the inode
 * table) << 16 | (offset inside the decompressed block).
 */
#ifndef _FS_SQUASHFS_SQFS_FMT_H_
#define _FS_SQUASHFS_SQFS_FMT_H_

#include <sys/param.h>

#define SQFS_MAGIC		0x73717368	/* "hsqs" */
#define SQFS_SB_SIZE		96
#define SQFS_META_SIZE		8192	/* decompressed metadata block */
#define SQFS_META_HDR		2	/* metadata block header bytes */
#define SQFS_META_UNCOMP	0x8000	/* header: stored uncompressed */
#define SQFS_DATA_UNCOMP	0x01000000 /* block size: stored uncompressed */
#define SQFS_DATA_SIZEMASK	0x00FFFFFF
#define SQFS_NONE64		UINT64_MAX	/* absent table */
#define SQFS_NONE32		UINT32_MAX	/* no fragment, no xattrs */
#define SQFS_MINBLOCK		4096
#define SQFS_MAXBLOCK		(1024 * 1024)
#define SQFS_DIR_MAXENTRIES	256	/* entries under one dir header */

/* Superblock flags. */
#define SQFS_FL_NO_XATTRS	0x0200
#define SQFS_FL_COMP_OPTS	0x0400

/* Compressor ids. */
#define SQFS_COMP_GZIP		1
#define SQFS_COMP_LZMA		2
#define SQFS_COMP_LZO		3
#define SQFS_COMP_XZ		4
#define SQFS_COMP_LZ4		5
#define SQFS_COMP_ZSTD		6

/* Inode types (basic 1..7, extended 8..14 = basic + 7). */
#define SQFS_DIR	1
#define SQFS_REG	2
#define SQFS_SYMLINK	3
#define SQFS_BLKDEV	4
#define SQFS_CHRDEV	5
#define SQFS_FIFO	6
#define SQFS_SOCKET	7
#define SQFS_LDIR	8
#define SQFS_LREG	9
#define SQFS_LSYMLINK	10
#define SQFS_LBLKDEV	11
#define SQFS_LCHRDEV	12
#define SQFS_LFIFO	13
#define SQFS_LSOCKET	14

/* Table entries per metadata block. */
#define SQFS_FRAG_ENTRY_SIZE	16
#define SQFS_ID_ENTRY_SIZE	4
#define SQFS_XID_ENTRY_SIZE	16

/* Xattr key types (low byte: prefix; 0x100: value stored out of line). */
#define SQFS_XATTR_USER		0
#define SQFS_XATTR_TRUSTED	1
#define SQFS_XATTR_SECURITY	2
#define SQFS_XATTR_OOL		0x100

/* The superblock, decoded. */
struct sqfs_dsuper {
	uint32_t	s_magic;	/* SQFS_MAGIC */
	uint32_t	s_inodes;	/* inode count */
	uint32_t	s_mkfs_time;	/* creation time */
	uint32_t	s_block_size;	/* data block size */
	uint32_t	s_fragments;	/* fragment count */
	uint16_t	s_compression;	/* SQFS_COMP_* */
	uint16_t	s_block_log;	/* log2(s_block_size) */
	uint16_t	s_flags;	/* SQFS_FL_* */
	uint16_t	s_ids;		/* id table entries */
	uint16_t	s_vmajor;	/* 4 */
	uint16_t	s_vminor;	/* 0 */
	uint64_t	s_root_ref;	/* root inode reference */
	uint64_t	s_bytes_used;	/* image size */
	uint64_t	s_id_table;	/* id table index */
	uint64_t	s_xattr_table;	/* xattr id table header */
	uint64_t	s_inode_table;	/* inode table */
	uint64_t	s_dir_table;	/* directory table */
	uint64_t	s_frag_table;	/* fragment table index */
	uint64_t	s_export_table;	/* export table index (unused) */
};

/* The header common to all inodes (16 bytes). */
#define SQFS_INODE_HDR	16
struct sqfs_dinode_hdr {
	uint16_t	ih_type;	/* SQFS_* inode type */
	uint16_t	ih_mode;	/* permission bits */
	uint16_t	ih_uid;		/* index into the id table */
	uint16_t	ih_gid;		/* index into the id table */
	uint32_t	ih_mtime;	/* seconds */
	uint32_t	ih_ino;		/* inode number */
};

/* A directory header (12 bytes) and entry (8 bytes + name). */
#define SQFS_DIRHDR_SIZE	12
#define SQFS_DIRENT_SIZE	8
struct sqfs_ddirhdr {
	uint32_t	dh_count;	/* entries following, minus one */
	uint32_t	dh_start;	/* inode metadata block (relative) */
	uint32_t	dh_ino;		/* inode number base */
};
struct sqfs_ddirent {
	uint16_t	de_offset;	/* inode offset in its block */
	int16_t		de_ino_delta;	/* inode number minus dh_ino */
	uint16_t	de_type;	/* basic inode type */
	uint16_t	de_namelen;	/* name length minus one */
};

/* A directory index entry (12 bytes + name) of an extended directory. */
#define SQFS_DIRIDX_SIZE	12
struct sqfs_ddiridx {
	uint32_t	di_index;	/* byte offset into the listing */
	uint32_t	di_start;	/* dir. metadata block (relative) */
	uint32_t	di_namelen;	/* name length minus one */
};

/*
 * The type-specific part of an inode after its header, decoded (fields a
 * type lacks are 0; b_xattr is SQFS_NONE32 for basic types).  An extended
 * symlink's xattr id follows its target: sqfs_dword_dec.
 */
struct sqfs_dbody {
	uint32_t	b_nlink;	/* links (basic file: 1) */
	uint64_t	b_size;		/* file size, listing + 3, target len */
	uint32_t	b_xattr;	/* xattr id or SQFS_NONE32 */
	uint32_t	b_dstart;	/* dir: listing block (relative) */
	uint16_t	b_doff;		/* dir: listing offset in it */
	uint32_t	b_parent;	/* dir: parent inode number */
	uint16_t	b_nidx;		/* dir: directory index entries */
	uint64_t	b_blkstart;	/* file: disk offset of block 0 */
	uint32_t	b_frag;		/* file: fragment or SQFS_NONE32 */
	uint32_t	b_fragoff;	/* file: tail offset in the fragment */
	uint32_t	b_rdev;		/* device: encoded device number */
};

void	sqfs_dsuper_dec(const uint8_t *p, struct sqfs_dsuper *sb);
uint32_t sqfs_magic_dec(const uint8_t *p);
/* Metadata block header: stored length and whether it is compressed. */
void	sqfs_meta_hdr_dec(const uint8_t *p, uint32_t *len, bool *comp);
/* Bytes of the body of an inode type (valid type), and its decoder. */
uint32_t sqfs_dbody_size(uint16_t type);
void	sqfs_dbody_dec(uint16_t type, const uint8_t *p, struct sqfs_dbody *b);
/* Fragment table entry: block position and size word. */
void	sqfs_dfrag_dec(const uint8_t *p, uint64_t *start, uint32_t *size);
/* Xattr id table header, id entry, key, value size, value reference. */
void	sqfs_dxtable_dec(const uint8_t *p, uint64_t *kvstart, uint32_t *nids);
void	sqfs_dxid_dec(const uint8_t *p, uint64_t *ref, uint32_t *count);
void	sqfs_dxkey_dec(const uint8_t *p, uint16_t *type, uint16_t *namelen);
uint32_t sqfs_dword_dec(const uint8_t *p);
uint64_t sqfs_dxref_dec(const uint8_t *p);
/* Arrays of little-endian words (block sizes, ids, table indexes). */
void	sqfs_dwords_dec(uint32_t *a, size_t n);
void	sqfs_dqwords_dec(uint64_t *a, size_t n);
void	sqfs_dinode_hdr_dec(const uint8_t *p, struct sqfs_dinode_hdr *ih);
void	sqfs_ddirhdr_dec(const uint8_t *p, struct sqfs_ddirhdr *dh);
void	sqfs_ddirent_dec(const uint8_t *p, struct sqfs_ddirent *de);
void	sqfs_ddiridx_dec(const uint8_t *p, struct sqfs_ddiridx *di);
/* The basic type of a (basic or extended) inode type, 0 if invalid. */
uint16_t sqfs_basic_type(uint16_t type);
/* The device number of a squashfs (Linux new_encode_dev) rdev. */
uint64_t sqfs_rdev_dec(uint32_t rdev);

#endif /* !_FS_SQUASHFS_SQFS_FMT_H_ */
