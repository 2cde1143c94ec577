/*
 * ext2_fmt.h: the on-disk format of ext2, ext3 and ext4, and the decoded
 * (host-order, in-memory) form of each structure.
 *
 * Raw disk bytes are never cast to a struct: ext2_fmt.c decodes them
 * field by field with the little-endian codecs of sys/libkern.h, so
 * alignment and host byte order never matter.  The decoded structures
 * hold every field the driver uses; the raw buffers stay reachable by the
 * callers (struct ext2_mount, struct ext2_node) so that a writer can
 * re-encode in place without losing fields it does not understand.
 *
 * Offsets (EXT2_*_OFF) name the few raw fields that checksum code must
 * zero or patch.
 */
#ifndef _FS_EXT2FS_EXT2_FMT_H_
#define _FS_EXT2FS_EXT2_FMT_H_

#include <sys/param.h>

/* Superblock. */
#define EXT2_SB_OFFSET		1024	/* byte offset on the device */
#define EXT2_SB_SIZE		1024
#define EXT2_MAGIC		0xEF53
#define EXT2_SB_MAGIC_OFF	0x38
#define EXT2_SB_CSUM_OFF	0x3FC	/* s_checksum */
#define EXT2_MIN_BLOCK_LOG	10	/* 1 KiB */
#define EXT2_MAX_BLOCK_LOG	16	/* 64 KiB */
#define EXT2_GOOD_OLD_REV	0
#define EXT2_DYNAMIC_REV	1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO	11
#define EXT2_ROOT_INO		2
#define EXT2_CRC32C_CHKSUM	1	/* s_checksum_type */

/* s_flags */
#define EXT2_FLAGS_SIGNED_HASH	 0x0001
#define EXT2_FLAGS_UNSIGNED_HASH 0x0002

/* s_state */
#define EXT2_VALID_FS		0x0001
#define EXT2_ERROR_FS		0x0002

/* Compatible features: a reader may ignore them. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC	0x0001
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES	0x0002
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL		0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR		0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE	0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX		0x0020
#define EXT4_FEATURE_COMPAT_SPARSE_SUPER2	0x0200
#define EXT4_FEATURE_COMPAT_FAST_COMMIT		0x0400
#define EXT4_FEATURE_COMPAT_STABLE_INODES	0x0800
#define EXT4_FEATURE_COMPAT_ORPHAN_FILE		0x1000

/* Read-only compatible features: a reader may mount read-only. */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE	0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR	0x0004
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE	0x0008
#define EXT4_FEATURE_RO_COMPAT_GDT_CSUM		0x0010
#define EXT4_FEATURE_RO_COMPAT_DIR_NLINK	0x0020
#define EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE	0x0040
#define EXT4_FEATURE_RO_COMPAT_QUOTA		0x0100
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC		0x0200
#define EXT4_FEATURE_RO_COMPAT_METADATA_CSUM	0x0400
#define EXT4_FEATURE_RO_COMPAT_READONLY		0x1000
#define EXT4_FEATURE_RO_COMPAT_PROJECT		0x2000
#define EXT4_FEATURE_RO_COMPAT_VERITY		0x8000
#define EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT	0x10000

/* Incompatible features: a reader that does not know one must refuse. */
#define EXT2_FEATURE_INCOMPAT_COMPRESSION	0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE		0x0002
#define EXT3_FEATURE_INCOMPAT_RECOVER		0x0004
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV	0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG		0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS		0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT		0x0080
#define EXT4_FEATURE_INCOMPAT_MMP		0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG		0x0200
#define EXT4_FEATURE_INCOMPAT_EA_INODE		0x0400
#define EXT4_FEATURE_INCOMPAT_DIRDATA		0x1000
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED		0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR		0x4000
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA	0x8000
#define EXT4_FEATURE_INCOMPAT_ENCRYPT		0x10000
#define EXT4_FEATURE_INCOMPAT_CASEFOLD		0x20000

/* The incompat features this driver reads. */
#define EXT2_INCOMPAT_SUPPORTED	(EXT2_FEATURE_INCOMPAT_FILETYPE | \
	EXT3_FEATURE_INCOMPAT_RECOVER | EXT2_FEATURE_INCOMPAT_META_BG | \
	EXT4_FEATURE_INCOMPAT_EXTENTS | EXT4_FEATURE_INCOMPAT_64BIT | \
	EXT4_FEATURE_INCOMPAT_MMP | EXT4_FEATURE_INCOMPAT_FLEX_BG | \
	EXT4_FEATURE_INCOMPAT_CSUM_SEED | EXT4_FEATURE_INCOMPAT_LARGEDIR | \
	EXT4_FEATURE_INCOMPAT_INLINE_DATA)

/*
 * The decoded superblock: the fields the driver uses, 64-bit counts
 * already combined from their _lo and _hi halves.
 */
struct ext2_super {
	uint32_t	s_inodes_count;		/* inodes in the file system */
	uint64_t	s_blocks_count;		/* blocks, _lo | _hi << 32 */
	uint64_t	s_r_blocks_count;	/* blocks reserved for root */
	uint64_t	s_free_blocks_count;	/* free blocks (hint) */
	uint32_t	s_free_inodes_count;	/* free inodes (hint) */
	uint32_t	s_first_data_block;	/* block of the superblock */
	uint32_t	s_log_block_size;	/* block size = 1024 << this */
	uint32_t	s_log_cluster_size;	/* bigalloc cluster size */
	uint32_t	s_blocks_per_group;	/* blocks in a group */
	uint32_t	s_inodes_per_group;	/* inodes in a group */
	uint32_t	s_mtime;		/* last mount time */
	uint32_t	s_wtime;		/* last write time */
	uint16_t	s_magic;		/* EXT2_MAGIC */
	uint16_t	s_state;		/* EXT2_VALID_FS, ERROR_FS */
	uint32_t	s_rev_level;		/* 0 old, 1 dynamic */
	uint32_t	s_first_ino;		/* first non-reserved inode */
	uint16_t	s_inode_size;		/* bytes per on-disk inode */
	uint32_t	s_feature_compat;	/* EXT*_FEATURE_COMPAT_* */
	uint32_t	s_feature_incompat;	/* EXT*_FEATURE_INCOMPAT_* */
	uint32_t	s_feature_ro_compat;	/* EXT*_FEATURE_RO_COMPAT_* */
	uint8_t		s_uuid[16];		/* volume UUID */
	char		s_volume_name[16];	/* label, not terminated */
	uint16_t	s_reserved_gdt_blocks;	/* resize reserve */
	uint32_t	s_journal_inum;		/* journal inode */
	uint32_t	s_hash_seed[4];		/* htree hash seed */
	uint8_t		s_def_hash_version;	/* default htree hash */
	uint16_t	s_desc_size;		/* group descriptor size (64bit) */
	uint32_t	s_first_meta_bg;	/* first meta_bg group block */
	uint16_t	s_min_extra_isize;	/* extra inode bytes, minimum */
	uint16_t	s_want_extra_isize;	/* extra inode bytes, wanted */
	uint32_t	s_flags;		/* EXT2_FLAGS_* */
	uint8_t		s_log_groups_per_flex;	/* flex_bg size */
	uint8_t		s_checksum_type;	/* EXT2_CRC32C_CHKSUM */
	uint32_t	s_backup_bgs[2];	/* sparse_super2 backups */
	uint32_t	s_checksum_seed;	/* csum_seed feature */
	uint32_t	s_orphan_file_inum;	/* orphan_file inode */
	uint32_t	s_checksum;		/* crc32c of bytes 0..0x3FB */
};

/* Group descriptors: 32 bytes, or s_desc_size (>= 64) with 64bit. */
#define EXT2_MIN_DESC_SIZE	32
#define EXT2_MIN_DESC_SIZE_64	64
#define EXT2_MAX_DESC_SIZE	1024
#define EXT2_GD_CSUM_OFF	0x1E	/* bg_checksum */

/* bg_flags */
#define EXT2_BG_INODE_UNINIT	0x0001
#define EXT2_BG_BLOCK_UNINIT	0x0002
#define EXT2_BG_INODE_ZEROED	0x0004

struct ext2_gd {
	uint64_t	gd_block_bitmap;	/* block of the block bitmap */
	uint64_t	gd_inode_bitmap;	/* block of the inode bitmap */
	uint64_t	gd_inode_table;		/* first block of inodes */
	uint32_t	gd_free_blocks;		/* free blocks in the group */
	uint32_t	gd_free_inodes;		/* free inodes in the group */
	uint32_t	gd_used_dirs;		/* directories in the group */
	uint16_t	gd_flags;		/* EXT2_BG_* */
	uint32_t	gd_itable_unused;	/* never-used inodes at the end */
	uint16_t	gd_checksum;		/* crc16 or crc32c & 0xffff */
};

/* Inodes. */
#define EXT2_NDADDR		12	/* direct block pointers */
#define EXT2_IND_BLOCK		12
#define EXT2_DIND_BLOCK		13
#define EXT2_TIND_BLOCK		14
#define EXT2_N_BLOCKS		15
#define EXT2_I_BLOCK_OFF	0x28	/* i_block[] */
#define EXT2_I_BLOCK_SIZE	60
#define EXT2_I_CSUM_LO_OFF	0x7C
#define EXT2_I_EXTRA_ISIZE_OFF	0x80
#define EXT2_I_CSUM_HI_OFF	0x82
#define EXT2_I_CSUM_HI_END	0x84	/* i_checksum_hi fits if >= this */
#define EXT2_I_CRTIME_END	0x98	/* i_crtime(_extra) fit if >= this */

/* i_flags */
#define EXT2_INDEX_FL		0x00001000	/* htree directory */
#define EXT4_HUGE_FILE_FL	0x00040000	/* i_blocks in fs blocks */
#define EXT4_EXTENTS_FL		0x00080000	/* extent tree in i_block */
#define EXT4_EA_INODE_FL	0x00200000	/* xattr value inode */
#define EXT4_INLINE_DATA_FL	0x10000000	/* data in the inode */

/* A timestamp: seconds, and the raw _extra word (0 if absent). */
struct ext2_dtime {
	int32_t		t_sec;		/* signed seconds since the epoch */
	uint32_t	t_extra;	/* epoch bits 0-1, nanoseconds << 2 */
	bool		t_hasextra;	/* the _extra word is in the inode */
};

struct ext2_dinode {
	uint16_t	di_mode;		/* type and permissions */
	uint32_t	di_uid;			/* owner, lo | hi << 16 */
	uint32_t	di_gid;			/* group, lo | hi << 16 */
	uint64_t	di_size;		/* size, lo | hi << 32 */
	uint32_t	di_size_lo;		/* low half alone (old dirs) */
	struct ext2_dtime di_atime;		/* access */
	struct ext2_dtime di_ctime;		/* inode change */
	struct ext2_dtime di_mtime;		/* modification */
	struct ext2_dtime di_crtime;		/* creation (extra only) */
	uint32_t	di_dtime;		/* deletion time */
	uint16_t	di_links;		/* hard links */
	uint64_t	di_blocks;		/* lo | hi << 32, unit per flags */
	uint32_t	di_flags;		/* EXT*_FL */
	uint8_t		di_block[EXT2_I_BLOCK_SIZE]; /* raw i_block[] */
	uint32_t	di_generation;		/* NFS generation */
	uint64_t	di_file_acl;		/* xattr block, lo | hi << 32 */
	uint16_t	di_extra_isize;		/* bytes used beyond 128 */
	uint32_t	di_checksum;		/* lo | hi << 16 (hi if present) */
};

/* Directory entries. */
#define EXT2_DIRENT_HDR		8	/* inode, rec_len, name_len, type */
#define EXT2_DIRENT_MIN		12	/* smallest record */
#define EXT2_DIR_TAIL_SIZE	12	/* metadata_csum tail record */
#define EXT2_DIR_TAIL_FT	0xDE	/* file_type of the tail */

/* file_type values with the filetype feature */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHRDEV		3
#define EXT2_FT_BLKDEV		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_SYMLINK		7

struct ext2_dirent {
	uint32_t	d_ino;		/* inode, 0 for an unused record */
	uint32_t	d_reclen;	/* record length, decoded (up to 64K) */
	uint16_t	d_namelen;	/* name length */
	uint8_t		d_type;		/* EXT2_FT_*, 0 without filetype */
};

/* Extent tree. */
#define EXT4_EXT_MAGIC		0xF30A
#define EXT4_EXT_HDR_SIZE	12
#define EXT4_EXT_ENTRY_SIZE	12
#define EXT4_EXT_TAIL_SIZE	4	/* crc32c after eh_max entries */
#define EXT4_EXT_MAX_DEPTH	5
#define EXT4_EXT_INIT_MAX_LEN	32768	/* longer: uninitialized */

struct ext4_exthdr {
	uint16_t	eh_magic;	/* EXT4_EXT_MAGIC */
	uint16_t	eh_entries;	/* valid entries */
	uint16_t	eh_max;		/* capacity */
	uint16_t	eh_depth;	/* 0 for a leaf */
	uint32_t	eh_generation;	/* unused */
};

struct ext4_extent {
	uint32_t	ee_block;	/* first logical block */
	uint32_t	ee_len;		/* blocks, decoded */
	bool		ee_unwritten;	/* allocated, reads as zeros */
	uint64_t	ee_start;	/* first physical block */
};

struct ext4_extidx {
	uint32_t	ei_block;	/* first logical block covered */
	uint64_t	ei_leaf;	/* block of the next level */
};

/* Extended attributes. */
#define EXT2_XATTR_MAGIC	0xEA020000
#define EXT2_XATTR_BHDR_SIZE	32	/* block header */
#define EXT2_XATTR_IHDR_SIZE	4	/* in-inode header: the magic */
#define EXT2_XATTR_ENTRY_SIZE	16	/* fixed part of an entry */
#define EXT2_XATTR_BCSUM_OFF	0x10	/* h_checksum in the block */
#define EXT2_XATTR_PAD		4

/* e_name_index values */
#define EXT2_XATTR_INDEX_USER		1
#define EXT2_XATTR_INDEX_ACL_ACCESS	2
#define EXT2_XATTR_INDEX_ACL_DEFAULT	3
#define EXT2_XATTR_INDEX_TRUSTED	4
#define EXT2_XATTR_INDEX_SECURITY	6
#define EXT2_XATTR_INDEX_SYSTEM		7

struct ext2_xattr_bhdr {
	uint32_t	h_magic;	/* EXT2_XATTR_MAGIC */
	uint32_t	h_refcount;	/* inodes sharing the block */
	uint32_t	h_blocks;	/* must be 1 */
	uint32_t	h_hash;		/* hash of all entries */
	uint32_t	h_checksum;	/* crc32c with metadata_csum */
};

struct ext2_xattr_entry {
	uint8_t		e_name_len;	/* name length (0 ends the list) */
	uint8_t		e_name_index;	/* EXT2_XATTR_INDEX_* prefix */
	uint16_t	e_value_offs;	/* value offset in the value area */
	uint32_t	e_value_inum;	/* ea_inode: value in this inode */
	uint32_t	e_value_size;	/* value length */
	uint32_t	e_hash;		/* hash of name and value */
};

/* Hash trees (dir_index). */
#define EXT2_DX_ROOT_INFO_OFF	24	/* after "." and ".." */
#define EXT2_DX_ROOT_LIMIT_OFF	32	/* count/limit of the root */
#define EXT2_DX_NODE_LIMIT_OFF	8	/* after the empty dirent */
#define EXT2_DX_ENTRY_SIZE	8
#define EXT2_DX_TAIL_SIZE	8

#define EXT2_HASH_LEGACY		0
#define EXT2_HASH_HALF_MD4		1
#define EXT2_HASH_TEA			2
#define EXT2_HASH_LEGACY_UNSIGNED	3
#define EXT2_HASH_HALF_MD4_UNSIGNED	4
#define EXT2_HASH_TEA_UNSIGNED		5

struct ext2_dx_root_info {
	uint32_t	ri_reserved;	/* zero */
	uint8_t		ri_hash_version; /* EXT2_HASH_* */
	uint8_t		ri_info_length;	/* 8 */
	uint8_t		ri_levels;	/* index levels below the root */
	uint8_t		ri_flags;	/* unused */
};

struct ext2_dx_countlimit {
	uint16_t	cl_limit;	/* capacity, entries */
	uint16_t	cl_count;	/* entries used */
};

struct ext2_dx_entry {
	uint32_t	de_hash;	/* lowest hash in the block (0: first) */
	uint32_t	de_block;	/* logical block in the directory */
};

/* Decoders: the only code that reads raw structure bytes. */
void	ext2_super_decode(const uint8_t *raw, struct ext2_super *sb);
void	ext2_gd_decode(const uint8_t *raw, uint32_t descsize,
	    struct ext2_gd *gd);
void	ext2_dinode_decode(const uint8_t *raw, uint32_t isize,
	    struct ext2_dinode *di);
void	ext2_dirent_decode(const uint8_t *raw, bool filetype,
	    struct ext2_dirent *de);
uint32_t ext2_reclen_decode(uint16_t disk);
void	ext4_exthdr_decode(const uint8_t *raw, struct ext4_exthdr *eh);
void	ext4_extent_decode(const uint8_t *raw, struct ext4_extent *ex);
void	ext4_extidx_decode(const uint8_t *raw, struct ext4_extidx *ei);
void	ext2_xattr_bhdr_decode(const uint8_t *raw, struct ext2_xattr_bhdr *h);
void	ext2_xattr_entry_decode(const uint8_t *raw,
	    struct ext2_xattr_entry *e);
void	ext2_dx_root_info_decode(const uint8_t *raw,
	    struct ext2_dx_root_info *ri);
void	ext2_dx_countlimit_decode(const uint8_t *raw,
	    struct ext2_dx_countlimit *cl);
void	ext2_dx_entry_decode(const uint8_t *raw, struct ext2_dx_entry *de);

/* Timestamp conversion: seconds with the epoch bits, nanoseconds. */
void	ext2_dtime_to_ts(const struct ext2_dtime *t, struct ktimespec *ts);

#endif /* !_FS_EXT2FS_EXT2_FMT_H_ */
