/*
 * ext2fs.h: the ext2/ext3/ext4 driver, shared by the files of fs/ext2fs.
 *
 * A mount keeps the decoded superblock and group descriptors together
 * with their raw bytes (em_sbraw, em_gdraw); a node (struct ext2_node)
 * keeps the raw on-disk inode next to its decoded form.  The write half
 * patches the raw bytes, re-checksums them and decodes them again, so
 * fields it does not know survive every change.
 *
 * Metadata (superblock, descriptors, inode tables, extent and indirect
 * blocks, directories, xattr blocks) goes through the buffer cache;
 * file data goes straight between the device and the caller through
 * VOP_BMAP and genfs_read_bmap / genfs_write_bmap.
 *
 * Everything taken from the disk is checked before it is used as an
 * index, count or offset; a bad value makes the operation fail with
 * EFSCORRUPTED (FS_CORRUPT), never a crash or an unbounded loop.
 *
 * Locking: a node changes only under its vnode's exclusive lock; the
 * allocators, descriptors and superblock under em_lock (taken inside
 * vnode locks, and around buffer cache calls on bitmaps and descriptor
 * blocks only); the buffer cache serialises each metadata block.
 *
 * Files: ext2_super.c (mount checks), ext2_wsuper.c (read-write mounts,
 * superblock and descriptor writes), ext2_alloc.c (bitmaps),
 * ext2_inode.c / ext2_iwrite.c (inodes), ext2_bmap.c (block maps),
 * ext2_extent.c / ext2_ind.c (allocating and truncating), ext2_dir.c /
 * ext2_dirw.c (directories), ext2_dcache.c (in-memory name index of
 * linear directories), ext2_htree.c / ext2_htree_add.c (hash
 * index), ext2_xattr.c / ext2_xattr_w.c (xattrs), ext2_csum.c,
 * ext2_vnops.c / ext2_wnops.c, ext2_vfsops.c; journal recovery in
 * ext2_journal.c / ext2_jpass.c (jbd2, jbd2_fmt.h) and ext2_jrecover.c
 * (replay home on a read-write mount, into an in-memory overlay of
 * recovered blocks on a read-only one).
 *
 * Not yet: journalling (writes do not go through the journal, so they
 * are not crash-safe; recovery of a journal left by Linux is done), an
 * on-disk orphan list (an inode unlinked while open is freed when its
 * vnode goes), changing inline-data inodes, quota, bigalloc, ea_inode,
 * encryption and casefolding (the last four are refused at mount with
 * their names).
 */
#ifndef _FS_EXT2FS_EXT2FS_H_
#define _FS_EXT2FS_EXT2FS_H_

#include <sys/param.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/mutex.h>
#include "fs/ext2fs/ext2_fmt.h"

struct buf;
struct hashidx;
struct ext2_jovl;

#define EXT2_FSNAME		"ext2fs"	/* for FS_CORRUPT messages */
/* b_fsflags: a directory block whose checksum was verified. */
#define EXT2_BF_DIRCHECKED	0x01
/* Longest symlink target we read (PATH_MAX includes the NUL). */
#define EXT2_MAXSYMLINK		(PATH_MAX - 1)
/* Most htree levels below the root (largedir: 2, else 1). */
#define EXT2_DX_MAXLEVELS	3

/*
 * A mounted ext2/3/4 file system.
 * Locks protecting fields: I = immutable after mount; a = em_lock (the
 * superblock's free counts and ro_compat word, the descriptors).
 */
TAILQ_HEAD(ext2_onodes, ext2_node);

struct ext2_mount {
	struct mount	*em_mp;		/* [I] VFS mount */
	struct blkdev	*em_dev;	/* [I] device */
	struct ext2_super em_sb;	/* [I] decoded superblock, [a] counts */
	uint8_t		*em_sbraw;	/* [a] raw superblock, 1024 bytes */
	uint32_t	 em_bsize;	/* [I] block size */
	uint32_t	 em_bshift;	/* [I] log2(em_bsize) */
	uint32_t	 em_isize;	/* [I] on-disk inode size */
	uint32_t	 em_descsize;	/* [I] group descriptor size */
	uint32_t	 em_ngroups;	/* [I] block groups */
	uint32_t	 em_gdblocks;	/* [I] blocks of descriptors */
	struct ext2_gd	*em_gds;	/* decoded descriptors: locations [I],
					   counts and flags [a] */
	uint8_t		*em_gdraw;	/* [a] raw descriptors, in order */
	size_t		 em_gdrawsize;	/* [I] bytes at em_gdraw */
	uint32_t	 em_csum_seed;	/* [I] crc32c seed (metadata_csum) */
	uint32_t	 em_hash_seed[4]; /* [I] htree seed (zeros: the default) */
	bool		 em_metacsum;	/* [I] metadata_csum */
	bool		 em_gdtcsum;	/* [I] gdt_csum (crc16) */
	bool		 em_filetype;	/* [I] filetype in dirents */
	bool		 em_unsigned_hash; /* [I] htree hash of unsigned chars */
	bool		 em_largedir;	/* [I] largedir: 3 htree levels */
	bool		 em_64bit;	/* [I] 64bit block numbers */
	/* The write half (ext2_alloc.c, ext2_wsuper.c). */
	bool		 em_writable;	/* [I] mounted read-write */
	uint16_t	 em_origstate;	/* [a] s_state to leave at unmount */
	struct kmutex	 em_lock;	/* the [a] fields, the bitmaps */
	struct kmutex	 em_olock;	/* the orphan list [o] (a leaf) */
	uint32_t	 em_ohead;	/* [o] s_last_orphan */
	struct ext2_onodes em_orphans;	/* [o] its nodes, head first */
	bool		 em_oscan;	/* loading the chain at mount: an
					   inode with no links may load */
	uint32_t	 em_gen;	/* [a] next inode generation */
	int		 em_lost;	/* [a] error of a change no caller
					   could be told of (reported by the
					   next sync), 0 if none */
	uint64_t	 em_dcbytes;	/* (atomic) memory of the directory
					   name indexes (ext2_dcache.c) */
	/* Journal recovery (ext2_jrecover.c). */
	bool		 em_jdone;	/* [I] recovery done (or tried) */
	bool		 em_norecovery;	/* [I] -o norecovery / noload */
	struct ext2_jovl *em_jovl;	/* [I] recovered blocks of a read-only
					   mount, NULL if none */
};

#define VFS_TO_EXT2(mp)	((struct ext2_mount *)(mp)->mnt_data)
#define VTOE(vp)	((struct ext2_node *)(vp)->v_data)

/*
 * An inode in memory.  en_inline holds the inline data (i_block plus the
 * system.data attribute) of an inline_data file, directory or symlink.
 * Locks protecting fields: I = immutable after load; l = the vnode lock
 * (held exclusive by every operation that changes the node).
 */
struct ext2_node {
	struct ext2_mount *en_mount;	/* [I] file system */
	uint32_t	 en_ino;	/* [I] inode number */
	struct ext2_dinode en_di;	/* [l] decoded inode */
	uint8_t		*en_raw;	/* [I] raw inode, em_isize bytes */
	enum vtype	 en_type;	/* [I] from the mode */
	int64_t		 en_size;	/* [l] size in bytes */
	uint32_t	 en_csum_seed;	/* [I] per-inode crc32c seed */
	uint8_t		*en_inline;	/* [I] inline data or NULL */
	uint32_t	 en_inlinelen;	/* [I] bytes at en_inline */
	struct hashidx	*en_dcache;	/* name index of a linear directory,
					   or NULL (ext2_dcache.c) */
	/* The on-disk orphan list (ext2_orphan.c), [o] = em_olock. */
	TAILQ_ENTRY(ext2_node) en_olink; /* [o] on em_orphans */
	uint32_t	 en_onext;	/* [o] next inode of the chain */
	bool		 en_orphan;	/* [o] on the chain */
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

/* ext2_jrecover.c: journal recovery and the read-only overlay. */
int	ext2_journal_recover(struct ext2_mount *em, const char *opts,
	    bool rdonly);
const uint8_t *ext2_jovl_find(const struct ext2_mount *em, uint64_t pblk);
void	ext2_jovl_sb(const struct ext2_mount *em, uint8_t *raw);
int	ext2_jovl_read(struct ext2_node *en, struct uio *uio);
void	ext2_jovl_free(struct ext2_mount *em);

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
int	ext4_ext_check_hdr(struct ext2_node *en, const uint8_t *raw,
	    uint32_t len, int lvl, int rootdepth, struct ext4_exthdr *eh);

/* ext2_dir.c */
int	ext2_dir_lookup(struct ext2_node *dp, const char *name, size_t namelen,
	    uint32_t *inop);
int	ext2_dir_readdir(struct ext2_node *dp, struct uio *uio, int *eofp);
int	ext2_dir_scan(struct ext2_node *dp, const uint8_t *recs, uint32_t len,
	    const char *name, size_t namelen, uint32_t *inop);
int	ext2_dir_match(struct ext2_node *dp, const uint8_t *blk, uint32_t off,
	    const char *name, size_t namelen, uint32_t *inop);
int	ext2_dir_read_block(struct ext2_node *dp, uint64_t lblk,
	    struct buf **bpp);
int	ext2_dir_read_next(struct ext2_node *dp, uint64_t *lblkp,
	    uint64_t last, struct buf **bpp);

/* ext2_dcache.c: the name index of linear directories. */
int	ext2_dcache_lookup(struct ext2_node *dp, const char *name,
	    size_t namelen, uint32_t *inop, uint64_t *lblkp);
void	ext2_dcache_add(struct ext2_node *dp, const char *name, size_t namelen,
	    uint64_t lblk, uint32_t off);
void	ext2_dcache_remove(struct ext2_node *dp, const char *name,
	    size_t namelen, uint64_t lblk, uint32_t off);
void	ext2_dcache_drop(struct ext2_node *dp);

/* The path of an htree insertion (ext2_htree_path). */
struct ext2_dxpath {
	int		 dp_levels;	/* index levels below the root */
	int		 dp_version;	/* hash version (unsigned applied) */
	uint32_t	 dp_hash;	/* the name's hash */
	struct {
		uint64_t f_lblk;	/* block of the node */
		uint32_t f_cloff;	/* offset of its count/limit */
		uint32_t f_idx;		/* entry taken */
	} dp_fr[EXT2_DX_MAXLEVELS];
	uint64_t	 dp_leaf;	/* leaf block reached */
};

/* ext2_htree.c */
int	ext2_htree_lookup(struct ext2_node *dp, const char *name,
	    size_t namelen, uint32_t *inop, uint64_t *leafp);
int	ext2_dx_hash(const struct ext2_mount *em, int version,
	    const char *name, size_t len, uint32_t *hashp, uint32_t *minorp);
int	ext2_htree_path(struct ext2_node *dp, const char *name,
	    size_t namelen, struct ext2_dxpath *p);

/* ext2_htree_add.c: insertion into an htree, splitting leaves. */
int	ext2_htree_add(struct ext2_node *dp, const char *name, size_t namelen,
	    uint32_t ino, enum vtype type);
int	ext2_htree_make(struct ext2_node *dp);

/* ext2_alloc.c: bitmaps, descriptors, superblock counts (em_lock). */
#define EXT2_GD_BBCSUM_LO	0x18	/* bg_block_bitmap_csum_lo */
#define EXT2_GD_IBCSUM_LO	0x1A	/* bg_inode_bitmap_csum_lo */
int	ext2_alloc_blocks(struct ext2_mount *em, uint64_t goal, uint64_t want,
	    uint64_t *startp, uint64_t *countp);
int	ext2_free_blocks(struct ext2_mount *em, uint64_t start, uint64_t count,
	    bool meta);
int	ext2_alloc_inode(struct ext2_mount *em, uint32_t dirino, bool isdir,
	    uint32_t *inop);
int	ext2_free_inode(struct ext2_mount *em, uint32_t ino, bool isdir);
uint64_t ext2_group_first(const struct ext2_mount *em, uint32_t g);
uint64_t ext2_free_blocks_total(const struct ext2_mount *em);

/* ext2_wsuper.c: read-write mounts, superblock and descriptor writes. */
int	ext2_rw_check(struct ext2_mount *em);
int	ext2_rw_start(struct ext2_mount *em);
int	ext2_rw_sync(struct ext2_mount *em);
int	ext2_rw_finish(struct ext2_mount *em);
int	ext2_gd_commit(struct ext2_mount *em, uint32_t g);
uint64_t ext2_gdblock_loc(const struct ext2_mount *em, uint32_t i);
void	ext2_feature_ro_set(struct ext2_mount *em, uint32_t bit);
void	ext2_lost_error(struct ext2_mount *em, int error);
/* ext2_orphan.c: the on-disk orphan list */
int	ext2_orphan_init(struct ext2_mount *em);
void	ext2_orphan_load(struct ext2_mount *em);
void	ext2_orphan_fini(struct ext2_mount *em);
void	ext2_orphan_sbstamp(struct ext2_mount *em, uint8_t *sbraw);
void	ext2_orphan_istamp(struct ext2_node *en);
void	ext2_orphan_add(struct ext2_node *en);
int	ext2_orphan_remove(struct ext2_node *en);
void	ext2_orphan_cleanup(struct ext2_mount *em);

/* ext2_csum.c, setters */
void	ext2_inode_csum_set(const struct ext2_mount *em, uint8_t *raw,
	    uint32_t seed);
void	ext4_extblock_csum_set(const struct ext2_node *en, uint8_t *blk,
	    uint16_t eh_max);
void	ext2_dirblock_csum_set(const struct ext2_node *en, uint8_t *blk);
void	ext2_dx_csum_set(const struct ext2_node *en, uint8_t *blk,
	    uint32_t cloff);
void	ext2_xattr_block_csum_set(const struct ext2_mount *em, uint64_t pblk,
	    uint8_t *blk);
uint32_t ext2_bitmap_csum(const struct ext2_mount *em, const uint8_t *map,
	    uint32_t nbytes);
void	ext2_super_csum_set(uint8_t *raw);

/* ext2_iwrite.c: inodes in memory to disk, times, sizes, counts. */
int	ext2_node_write(struct ext2_node *en);
void	ext2_node_settime(struct ext2_node *en, uint32_t off,
	    uint32_t extraoff, const struct ktimespec *ts);
void	ext2_node_touch(struct ext2_node *en, bool m, bool c);
void	ext2_node_setsize(struct ext2_node *en, int64_t size);
void	ext2_node_setlinks(struct ext2_node *en, uint16_t links);
void	ext2_node_addblocks(struct ext2_node *en, int64_t nblocks);
void	ext2_node_setflags(struct ext2_node *en, uint32_t flags);
void	ext2_node_set_iblock(struct ext2_node *en, const uint8_t *iblk);
void	ext4_ext_root_init(uint8_t *ib);
void	ext2_inode_where(const struct ext2_mount *em, uint32_t ino,
	    uint64_t *pblk, uint32_t *off);
/* ext2_uninline.c: inline data moved to a block before a change */
int	ext2_uninline(struct ext2_node *en);
int	ext2_node_init(struct ext2_mount *em, uint32_t ino, uint16_t mode,
	    uint32_t uid, uint32_t gid, bool extents, uint8_t *raw);
int64_t	ext2_maxfilesize(const struct ext2_mount *em, bool extents);
#define EXT2_I_ATIME	0x08, 0x8C
#define EXT2_I_CTIME	0x0C, 0x84
#define EXT2_I_MTIME	0x10, 0x88
#define EXT2_I_CRTIME	0x90, 0x94

/* ext2_extent.c / ext2_ind.c: allocating and freeing file blocks. */
int	ext2_balloc(struct ext2_node *en, uint64_t lblk, uint64_t want,
	    struct ext2_blkmap *map);
int	ext2_btrunc(struct ext2_node *en, uint64_t keep);
int	ext4_ext_alloc(struct ext2_node *en, uint64_t lblk, uint64_t want,
	    struct ext2_blkmap *map);
int	ext4_ext_trunc(struct ext2_node *en, uint64_t keep);
int	ext2_ind_alloc(struct ext2_node *en, uint64_t lblk, uint64_t want,
	    struct ext2_blkmap *map);
int	ext2_ind_trunc(struct ext2_node *en, uint64_t keep);
uint64_t ext2_goal(struct ext2_node *en);

/* ext2_dirw.c: directory entries. */
int	ext2_dir_add(struct ext2_node *dp, const char *name, size_t namelen,
	    uint32_t ino, enum vtype type);
int	ext2_dir_remove(struct ext2_node *dp, const char *name, size_t namelen);
int	ext2_dir_setino(struct ext2_node *dp, const char *name, size_t namelen,
	    uint32_t ino, enum vtype type);
int	ext2_dir_isempty(struct ext2_node *dp);
int	ext2_dir_init(struct ext2_node *dp, uint32_t parent);
int	ext2_dir_unindex(struct ext2_node *dp);
#define EXT2_REC_LEN(namelen)	(((uint32_t)(namelen) + EXT2_DIRENT_HDR + 3) & ~3U)
uint16_t ext2_reclen_encode(uint32_t len);
void	ext2_dirent_put(struct ext2_mount *em, uint8_t *rec, uint32_t ino,
	    uint32_t reclen, const char *name, size_t namelen, enum vtype type);
uint32_t ext2_dir_usable(struct ext2_node *dp, const uint8_t *blk,
	    bool *tailp);
void	ext2_dir_block_done(struct ext2_node *dp, struct buf *bp, bool tail);
void	ext2_dir_put_tail(struct ext2_mount *em, uint8_t *blk);
int	ext2_dirw_get(struct ext2_node *dp, const uint8_t *recs, uint32_t len,
	    uint32_t off, struct ext2_dirent *de);
int	ext2_dir_add_block(struct ext2_node *dp, struct buf *bp,
	    const char *name, size_t namelen, uint32_t ino, enum vtype type,
	    bool *donep, uint32_t *offp);
int	ext2_dir_newblock(struct ext2_node *dp, uint64_t lblk,
	    struct buf **bpp);

/* ext2_wnops.c, ext2_wrename.c: vnode operations of the write half. */
#define EXT2_LINK_MAX		65000	/* as Linux */
bool	ext2_dir_nlink(const struct ext2_mount *em);
int	ext2_dir_touch(struct ext2_node *dp);
int	ext2_write(struct vnode *vp, struct uio *uio, int ioflag);
int	ext2_setattr(struct vnode *vp, const struct vattr *vap);
int	ext2_create(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
int	ext2_mkdir(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
int	ext2_symlink(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, const char *target, struct vnode **vpp);
int	ext2_link(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	ext2_remove(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	ext2_rmdir(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	ext2_rename(struct vnode *fdvp, struct componentname *fcnp,
	    struct vnode *fvp, struct vnode *tdvp, struct componentname *tcnp,
	    struct vnode *tvp, uint32_t flags);
int	ext2_fsync(struct vnode *vp, int flags);
int	ext2_inactive(struct vnode *vp, bool *recycle);
int	ext2_reclaim(struct vnode *vp);
int	ext2_bmap_alloc(struct vnode *vp, int64_t off, int64_t len,
	    struct bmap *bm);

/* ext2_xattr_w.c */
int	ext2_setxattr(struct vnode *vp, const char *name, const void *buf,
	    size_t size, int flags);
int	ext2_removexattr(struct vnode *vp, const char *name);
int	ext2_xattr_remove_system_data(struct ext2_node *en);

/* ext2_xattr.c */
int	ext2_xattr_get(struct ext2_node *en, const char *fullname, void *buf,
	    size_t size, size_t *retlen);
int	ext2_xattr_list(struct ext2_node *en, char *buf, size_t size,
	    size_t *retlen);
int	ext2_xattr_inline_data(struct ext2_node *en);

#endif /* !_FS_EXT2FS_EXT2FS_H_ */
