/*
 * ffs.h: the Berkeley Fast File System driver (UFS1 and UFS2, both byte
 * orders), read side, shared by the files of fs/ffs.
 *
 * Mount (ffs_super.c) finds the superblock, checks every geometry field
 * it uses, and keeps the decoded copy.  A node (struct ffs_node) is an
 * inode decoded at load; it changes under its vnode's exclusive lock
 * (the write half: ffs_iwrite.c writes it back).
 *
 * Metadata (inode blocks, indirect blocks, directory blocks, extended
 * attribute blocks) goes through the buffer cache; file data straight
 * between the device and the caller through VOP_BMAP and genfs_read_bmap.
 *
 * Hostile images: every disk address is checked against fs_size before
 * it is read (ffs_frag_ok), every inode number against ncg * ipg, the
 * indirect walk has a fixed depth, directory walks are bounded by the
 * size and every record is checked before use.  Bad data gives
 * EFSCORRUPTED (FS_CORRUPT), never a crash or a loop.
 *
 * Locking: the geometry of a mount is immutable once loaded; the
 * allocation state (cylinder group maps and summaries, the summary
 * totals, the raw superblock) changes under fm_lock; a node changes only
 * under its vnode's exclusive lock.  Order: vnode lock, then buffers of
 * the node (indirect and directory blocks), then fm_lock, then
 * cylinder group and inode table buffers.
 *
 * Files: ffs_fmt.c (decoding), ffs_super.c (superblock search and
 * checks), ffs_inode.c (inodes), ffs_bmap.c (block map), ffs_dir.c
 * (directories), ffs_xattr.c (UFS2 extended attributes), ffs_check.c
 * (the read-only consistency check of the mount option "check"),
 * ffs_vnops.c, ffs_vfsops.c; the write half: ffs_wsuper.c (read-write
 * mounts, superblock and summaries), ffs_iwrite.c (inodes), ffs_alloc.c
 * (cylinder groups), ffs_balloc.c (block allocation), ffs_truncate.c.
 */
#ifndef _FS_FFS_FFS_H_
#define _FS_FFS_FFS_H_

#include <sys/param.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/mutex.h>
#include "fs/ffs/ffs_fmt.h"

struct buf;

#define FFS_FSNAME	"ffs"		/* for FS_CORRUPT messages */
#define FFS_MAXSYMLINK	(PATH_MAX - 1)

/*
 * A mounted FFS.
 * Locks protecting fields: I = immutable after mount, l = fm_lock.
 * fm_fs is immutable but for fs_cstotal [l] (read unlocked by statvfs)
 * and fs_clean/fs_time [l].
 */
struct ffs_mount {
	struct mount	*fm_mp;		/* [I] VFS mount */
	struct blkdev	*fm_dev;	/* [I] device */
	struct ffs_super fm_fs;		/* [I,l] decoded superblock */
	uint32_t	 fm_isize;	/* [I] on-disk inode size */
	uint32_t	 fm_ptrsize;	/* [I] block pointer size, 4 or 8 */
	uint32_t	 fm_maxsymlink;	/* [I] longest fast symlink + 1 */
	uint64_t	 fm_ninodes;	/* [I] ncg * ipg */
	/* The write half (read-write mounts only). */
	bool		 fm_writable;	/* [I] mounted read-write */
	bool		 fm_newfields;	/* [I] 64-bit fs_cstotal/fs_time */
	bool		 fm_oldcs;	/* [I] keep fs_old_cstotal too */
	uint32_t	 fm_contigsumsize; /* [I] cluster summary length */
	struct kmutex	 fm_lock;	/* allocation state */
	uint8_t		*fm_sbraw;	/* [l] raw superblock, fs_sbsize */
	int32_t		(*fm_cs)[4];	/* [l] per-group ndir, nbfree,
					   nifree, nffree (ncg entries) */
	int		 fm_lost;	/* [l] an error no caller saw */
	bool		 fm_unclean;	/* [l] a write failed: never mark
					   the file system clean again */
};

#define VFS_TO_FFS(mp)	((struct ffs_mount *)(mp)->mnt_data)
#define VTOF(vp)	((struct ffs_node *)(vp)->v_data)

/*
 * An inode in memory.
 * Locks protecting fields: I = immutable after load, v = the vnode lock
 * (changes with it held exclusively, reads with it held shared).
 * fn_size is the truth for the size; ffs_node_update copies it into
 * fn_di.di_size.
 */
struct ffs_node {
	struct ffs_mount *fn_mount;	/* [I] file system */
	uint32_t	 fn_ino;	/* [I] inode number */
	enum vtype	 fn_type;	/* [I] from the mode */
	int64_t		 fn_size;	/* [v] bytes */
	struct ffs_dinode fn_di;	/* [v] decoded inode */
};

/* A run of a file's blocks (ffs_bmap_run). */
struct ffs_run {
	uint64_t	 r_lbn;		/* first logical block */
	uint64_t	 r_count;	/* blocks (> 0) */
	int64_t		 r_frag;	/* first fragment address (0: hole) */
};

extern const struct vnodeops ffs_vnodeops;

/* ffs_super.c */
int	ffs_super_find(struct blkdev *dev, uint8_t *raw, uint64_t *locp);
int	ffs_super_load(struct ffs_mount *fm);

/* ffs_inode.c */
bool	ffs_ino_valid(const struct ffs_mount *fm, uint64_t ino);
bool	ffs_frag_ok(const struct ffs_mount *fm, int64_t frag, uint64_t nfrag);
int	ffs_bread(struct ffs_mount *fm, int64_t frag, uint32_t size,
	    struct buf **bpp);
int	ffs_node_load(struct ffs_mount *fm, uint32_t ino,
	    struct ffs_node **fnp);
void	ffs_node_free(struct ffs_node *fn);
uint32_t ffs_blksize(const struct ffs_node *fn, uint64_t lbn);
uint64_t ffs_cgstart(const struct ffs_super *fs, uint32_t cg);

/* ffs_bmap.c */
int	ffs_bmap_run(struct ffs_node *fn, uint64_t lbn, struct ffs_run *r);

/* ffs_dir.c */
int	ffs_direct_get(struct ffs_node *dp, const uint8_t *chunk, uint32_t off,
	    uint64_t choff, struct ffs_direct *d);
int	ffs_dir_lookup(struct ffs_node *dp, const char *name, size_t namelen,
	    uint32_t *inop);
int	ffs_dir_readdir(struct ffs_node *dp, struct uio *uio, int *eofp);
int	ffs_dir_foreach(struct ffs_node *dp, int (*fn)(void *arg,
	    uint32_t ino), void *arg);

/* ffs_check.c */
int	ffs_check(struct ffs_mount *fm);

/* ffs_xattr.c */
int	ffs_xattr_get(struct ffs_node *fn, const char *name, void *buf,
	    size_t size, size_t *retlen);
int	ffs_xattr_list(struct ffs_node *fn, char *buf, size_t size,
	    size_t *retlen);

/*
 * The write half (the interface between the allocation layer and the
 * name layer).  All of it runs with the node's vnode lock held
 * exclusively; the allocators take fm_lock inside it.
 */

/* ffs_wsuper.c: read-write mounts, superblock and summary writes. */
int	ffs_rw_start(struct ffs_mount *fm);
int	ffs_rw_sync(struct ffs_mount *fm);	/* data, maps, counts */
int	ffs_rw_finish(struct ffs_mount *fm);	/* clean unmount */
void	ffs_rw_free(struct ffs_mount *fm);
void	ffs_lost_error(struct ffs_mount *fm, int error);
int	ffs_sbupdate(struct ffs_mount *fm, bool clean);

/* ffs_iwrite.c: inodes. */
int	ffs_node_update(struct ffs_node *fn);	/* fn_di to the table */
void	ffs_node_touch(struct ffs_node *fn, int what);	/* FFS_T_* now */
void	ffs_node_setsize(struct ffs_node *fn, uint64_t size);
void	ffs_node_addfrags(struct ffs_node *fn, int64_t nfrags);
int	ffs_inode_write_new(struct ffs_mount *fm, uint32_t ino,
	    uint16_t mode);
#define FFS_T_ATIME	0x1
#define FFS_T_MTIME	0x2
#define FFS_T_CTIME	0x4
uint64_t ffs_maxsize(const struct ffs_super *fs);

/*
 * ffs_alloc.c: inodes, blocks and fragments from the cylinder groups.
 * ffs_inode_alloc writes the new inode: zeroed, the mode, a random
 * generation, all times (UFS2: birth time) now, nlink 0; the caller
 * loads it (vcache_get) and sets the rest.  ffs_inode_free only clears
 * the map bit and counts: the caller has already written the inode
 * with mode 0 and no blocks (ffs_truncate to 0 first).
 */
int	ffs_inode_alloc(struct ffs_node *dp, uint16_t mode, uint32_t *inop);
int	ffs_inode_free(struct ffs_mount *fm, uint32_t ino, uint16_t mode);
int	ffs_frags_alloc(struct ffs_mount *fm, uint32_t cg, int64_t pref,
	    uint32_t nfrags, bool exact, int64_t *fragp);
int	ffs_frags_extend(struct ffs_mount *fm, int64_t frag, uint32_t ofrags,
	    uint32_t nfrags);
int	ffs_frags_free(struct ffs_mount *fm, int64_t frag, uint32_t nfrags);
uint32_t ffs_ino_to_cg(const struct ffs_mount *fm, uint32_t ino);

/*
 * ffs_balloc.c: logical block lbn of fn backed by at least size bytes
 * (size <= bsize).  A block below NDADDR past the file's last one gets
 * only the fragments size needs; the old last block, if it was a run of
 * fragments, first grows to a full block; a tail grows in place or is
 * moved (copied).  fn_size grows to cover lbn * bsize + size (so a
 * failed caller truncates back).  New storage reads as zeros.  With bpp
 * the block's buffer (of its allocated size) is returned busy; without,
 * nothing is read.  The inode is written (ffs_node_update).
 */
int	ffs_balloc(struct ffs_node *fn, uint64_t lbn, uint32_t size,
	    struct buf **bpp);
int	ffs_balloc_map(struct ffs_node *fn, uint64_t lbn, uint32_t size,
	    int64_t exact, int64_t *fragp, uint32_t *allocp, bool *newp);
int	ffs_bmap_alloc(struct ffs_node *fn, int64_t off, int64_t len,
	    struct bmap *bm);

/*
 * ffs_truncate.c: shorten (freeing blocks, indirect blocks and trailing
 * fragments, zeroing the new last block past the end) or lengthen (the
 * new last block allocated, a hole before it) to length bytes; writes
 * the inode.  Device nodes, fifos, sockets and fast symlinks own no
 * blocks: only their size changes.
 */
int	ffs_truncate(struct ffs_node *fn, uint64_t length);

/* ffs_dirw.c: directory entries. */
int	ffs_dir_enter(struct ffs_node *dp, const char *name, size_t namelen,
	    uint32_t ino, enum vtype type);
int	ffs_dir_remove(struct ffs_node *dp, const char *name, size_t namelen);
int	ffs_dir_rewrite(struct ffs_node *dp, const char *name, size_t namelen,
	    uint32_t ino, enum vtype type);
int	ffs_dir_init(struct ffs_node *dp, uint32_t parent);
int	ffs_dir_isempty(struct ffs_node *dp, bool *emptyp);

#endif /* !_FS_FFS_FFS_H_ */
