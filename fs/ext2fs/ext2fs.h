/*
 * ext2fs.h: the ext2/ext3/ext4 driver, shared by the files of fs/ext2fs.
 *
 * This half of the driver reads.  A mount keeps the decoded superblock
 * and group descriptors together with their raw bytes (em_sbraw,
 * em_gdraw), so that a writer can patch and re-checksum them in place.
 * A node (struct ext2_node) keeps the raw on-disk inode next to its
 * decoded form for the same reason.
 *
 * Metadata (superblock, descriptors, inode tables, extent and indirect
 * blocks, directories, xattr blocks) is read through the buffer cache;
 * file data goes straight between the device and the caller through
 * VOP_BMAP and genfs_read_bmap.
 *
 * Everything taken from the disk is checked before it is used as an
 * index, count or offset; a bad value makes the operation fail with
 * EFSCORRUPTED (FS_CORRUPT), never a crash or an unbounded loop.
 *
 * Locking: a read-only mount and its nodes are immutable once loaded, so
 * this half needs no lock of its own; the buffer cache serialises access
 * to each metadata block.
 *
 * Not yet (the write half): writing of any kind, journal replay (a file
 * system that needs recovery is mounted read-only as it is on disk, and
 * says so), orphan processing, bigalloc, ea_inode, encryption and
 * casefolding (the last four are refused at mount with their names).
 */
#ifndef _FS_EXT2FS_EXT2FS_H_
#define _FS_EXT2FS_EXT2FS_H_

#include <sys/param.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include "fs/ext2fs/ext2_fmt.h"

#define EXT2_FSNAME		"ext2fs"	/* for FS_CORRUPT messages */
/* Longest symlink target we read (PATH_MAX includes the NUL). */
#define EXT2_MAXSYMLINK		(PATH_MAX - 1)
/* Most htree levels below the root (largedir: 2, else 1). */
#define EXT2_DX_MAXLEVELS	3

/*
 * A mounted ext2/3/4 file system.
 * Locks protecting fields: I = immutable after mount.
 */
struct ext2_mount {
	struct mount	*em_mp;		/* [I] VFS mount */
	struct blkdev	*em_dev;	/* [I] device */
	struct ext2_super em_sb;	/* [I] decoded superblock */
	uint8_t		*em_sbraw;	/* [I] raw superblock, 1024 bytes */
	uint32_t	 em_bsize;	/* [I] block size */
	uint32_t	 em_bshift;	/* [I] log2(em_bsize) */
	uint32_t	 em_isize;	/* [I] on-disk inode size */
	uint32_t	 em_descsize;	/* [I] group descriptor size */
	uint32_t	 em_ngroups;	/* [I] block groups */
	uint32_t	 em_gdblocks;	/* [I] blocks of descriptors */
	struct ext2_gd	*em_gds;	/* [I] decoded descriptors */
	uint8_t		*em_gdraw;	/* [I] raw descriptors, in order */
	size_t		 em_gdrawsize;	/* [I] bytes at em_gdraw */
	uint32_t	 em_csum_seed;	/* [I] crc32c seed (metadata_csum) */
	uint32_t	 em_hash_seed[4]; /* [I] htree seed (zeros: the default) */
	bool		 em_metacsum;	/* [I] metadata_csum */
	bool		 em_gdtcsum;	/* [I] gdt_csum (crc16) */
	bool		 em_filetype;	/* [I] filetype in dirents */
	bool		 em_unsigned_hash; /* [I] htree hash of unsigned chars */
	bool		 em_largedir;	/* [I] largedir: 3 htree levels */
	bool		 em_64bit;	/* [I] 64bit block numbers */
};

#define VFS_TO_EXT2(mp)	((struct ext2_mount *)(mp)->mnt_data)
#define VTOE(vp)	((struct ext2_node *)(vp)->v_data)

/*
 * An inode in memory.  en_inline holds the inline data (i_block plus the
 * system.data attribute) of an inline_data file, directory or symlink.
 * Locks protecting fields: I = immutable after load (read-only half).
 */
struct ext2_node {
	struct ext2_mount *en_mount;	/* [I] file system */
	uint32_t	 en_ino;	/* [I] inode number */
	struct ext2_dinode en_di;	/* [I] decoded inode */
	uint8_t		*en_raw;	/* [I] raw inode, em_isize bytes */
	enum vtype	 en_type;	/* [I] from the mode */
	int64_t		 en_size;	/* [I] size in bytes */
	uint32_t	 en_csum_seed;	/* [I] per-inode crc32c seed */
	uint8_t		*en_inline;	/* [I] inline data or NULL */
	uint32_t	 en_inlinelen;	/* [I] bytes at en_inline */
};

/* A mapping of logical blocks (ext2_bmap_blocks). */
struct ext2_blkmap {
	uint64_t	 bm_lblk;	/* first logical block */
	uint64_t	 bm_count;	/* blocks (> 0) */
	uint64_t	 bm_pblk;	/* first physical block (0: hole) */
	uint32_t	 bm_flags;	/* BMAP_HOLE, BMAP_UNWRITTEN */
};

/*
 * The path through an extent tree to the leaf that covers (or would
 * cover) a logical block: for each level from the root (0, in the
 * inode) down, the block holding it and the index of the entry taken.
 * A writer inserts and splits along it.
 */
struct ext4_extpath_level {
	uint64_t	 pl_pblk;	/* block of this node, 0 for the inode */
	int32_t		 pl_idx;	/* entry taken, -1 if none */
	uint16_t	 pl_entries;	/* valid entries in this node */
	uint16_t	 pl_max;	/* capacity of this node */
};
struct ext4_extpath {
	int		 ep_depth;	/* tree depth (0: leaf in the inode) */
	struct ext4_extpath_level ep_lvl[EXT4_EXT_MAX_DEPTH + 1]; /* levels */
	bool		 ep_found;	/* ep_ext holds a leaf entry */
	struct ext4_extent ep_ext;	/* last extent starting <= block */
	uint64_t	 ep_next;	/* first block of the next extent,
					   UINT64_MAX if none */
};

extern const struct vnodeops ext2_vnodeops;

/* ext2_super.c */
int	ext2_super_load(struct ext2_mount *em, const char *opts, bool rdonly);
void	ext2_super_free(struct ext2_mount *em);
bool	ext2_bg_has_super(const struct ext2_mount *em, uint32_t group);

/* ext2_csum.c */
uint32_t ext2_inode_csum_seed(const struct ext2_mount *em, uint32_t ino,
	    uint32_t gen);
bool	ext2_super_csum_ok(const uint8_t *raw);
uint16_t ext2_gd_csum(const struct ext2_mount *em, uint32_t group,
	    const uint8_t *raw);
bool	ext2_inode_csum_ok(const struct ext2_mount *em, const uint8_t *raw,
	    uint32_t seed);
bool	ext4_extblock_csum_ok(const struct ext2_mount *em,
	    const struct ext2_node *en, const uint8_t *blk, uint16_t eh_max);
int	ext2_dirblock_csum_check(const struct ext2_node *en, const uint8_t *blk,
	    bool *hastail);
bool	ext2_dx_csum_ok(const struct ext2_node *en, const uint8_t *blk,
	    uint32_t cloff);
bool	ext2_xattr_block_csum_ok(const struct ext2_mount *em, uint64_t pblk,
	    const uint8_t *blk);

/* ext2_inode.c */
int	ext2_node_load(struct ext2_mount *em, uint32_t ino,
	    struct ext2_node **enp);
void	ext2_node_free(struct ext2_node *en);
bool	ext2_ino_valid(const struct ext2_mount *em, uint32_t ino);
int	ext2_bread(struct ext2_mount *em, uint64_t pblk, struct buf **bpp);

/* ext2_bmap.c */
int	ext2_bmap_blocks(struct ext2_node *en, uint64_t lblk,
	    struct ext2_blkmap *map);
int	ext4_ext_find(struct ext2_node *en, uint64_t lblk,
	    struct ext4_extpath *path);

/* ext2_dir.c */
int	ext2_dir_lookup(struct ext2_node *dp, const char *name, size_t namelen,
	    uint32_t *inop);
int	ext2_dir_readdir(struct ext2_node *dp, struct uio *uio, int *eofp);
int	ext2_dir_scan(struct ext2_node *dp, const uint8_t *recs, uint32_t len,
	    const char *name, size_t namelen, uint32_t *inop);
int	ext2_dir_read_block(struct ext2_node *dp, uint64_t lblk,
	    struct buf **bpp);

/* ext2_htree.c */
int	ext2_htree_lookup(struct ext2_node *dp, const char *name,
	    size_t namelen, uint32_t *inop);
int	ext2_dx_hash(const struct ext2_mount *em, int version,
	    const char *name, size_t len, uint32_t *hashp, uint32_t *minorp);

/* ext2_xattr.c */
int	ext2_xattr_get(struct ext2_node *en, const char *fullname, void *buf,
	    size_t size, size_t *retlen);
int	ext2_xattr_list(struct ext2_node *en, char *buf, size_t size,
	    size_t *retlen);
int	ext2_xattr_inline_data(struct ext2_node *en);

#endif /* !_FS_EXT2FS_EXT2FS_H_ */
