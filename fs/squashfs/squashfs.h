/*
 * squashfs.h: the squashfs (version 4) read-only driver, shared by the
 * files of fs/squashfs.
 *
 * Everything but the superblock is compressed, so nothing goes through
 * the buffer cache or VOP_BMAP: metadata blocks (inodes, directories,
 * fragment/id/xattr tables) and data blocks (file blocks, fragment
 * blocks) are read from the device and decompressed by the host's codec
 * service (codec_decompress, sqfs_block.c) into two small bounded
 * LRU caches of decompressed blocks, one for metadata and one for data.
 *
 * Vnode keys are inode references ((metadata block << 16) | offset, as
 * directory entries and the superblock give them), not inode numbers:
 * a reference finds the inode without the optional export table.  Hard
 * links share one inode and so one reference.  ".." is found through
 * the mount's map of directory inode numbers to references (sqfs_dmap),
 * filled as directories are looked up: a directory vnode is only ever
 * reached through its parent (or is the root), so its parent is there.
 *
 * Readdir cookies: 0 is ".", 1 is "..", then 3 + the byte offset of the
 * entry in the directory listing (the scheme Linux uses): stable for the
 * life of the image, and a resume starts at the nearest directory index
 * entry rather than at the beginning of the listing.
 *
 * Locking: the mount and nodes are immutable after load; each cache, the
 * directory map and the read-ahead queue have a mutex of their own,
 * never held across I/O or decompression, and never two at once (a
 * thread wanting a block another is loading sleeps on the cache's
 * condition variable).
 *
 * Everything taken from the image is checked before it is used as an
 * offset, count or length: a bad value gives EFSCORRUPTED (FS_CORRUPT),
 * never a crash; every walk moves forward through a bounded image, so
 * none can loop.
 *
 * Sparse blocks (stored size 0) read as zeros and are the holes that
 * SEEK_HOLE reports.
 *
 * A sequential reader has the next blocks decompressed ahead of it on
 * other CPUs (sqfs_ra.c; AK_NCPU threads, none when it is unset or 1).
 *
 * Limits: a file's block list is kept in memory (12 bytes a block), so
 * files of more than SQFS_MAXFILEBLOCKS blocks are refused with EFBIG
 * (512 GiB with 128 KiB blocks).  The export table is ignored.
 */
#ifndef _FS_SQUASHFS_SQUASHFS_H_
#define _FS_SQUASHFS_SQUASHFS_H_

#include <sys/param.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include "fs/squashfs/sqfs_fmt.h"

#define SQFS_FSNAME		"squashfs"	/* for FS_CORRUPT messages */
#define SQFS_META_CACHE		256	/* decompressed metadata blocks */
#define SQFS_CACHE_HASH		64	/* hash chains of a cache */
#define SQFS_DATA_CACHE		8	/* data/fragment blocks, plus
					   2 per read-ahead thread */
#define SQFS_MAXFILEBLOCKS	(1U << 22)	/* most blocks in one file */
#define SQFS_DMAP_BUCKETS	256	/* directory map hash chains */

/* A decompressed block in a cache. */
struct sqfs_cent {
	uint64_t	 ce_key;	/* disk offset of the block */
	uint8_t		*ce_data;	/* decompressed bytes */
	uint32_t	 ce_len;	/* valid bytes at ce_data */
	uint32_t	 ce_cap;	/* bytes allocated at ce_data */
	uint64_t	 ce_next;	/* metadata: offset of the next block */
	uint32_t	 ce_refs;	/* [c_lock] holders */
	bool		 ce_loading;	/* [c_lock] being loaded, wait */
	int		 ce_error;	/* [c_lock] load failed, off the list */
	TAILQ_ENTRY(sqfs_cent) ce_lru;	/* [c_lock] LRU, most recent first */
	LIST_ENTRY(sqfs_cent) ce_hash;	/* [c_lock] hash chain */
};

/* A bounded cache of decompressed blocks. */
struct sqfs_cache {
	struct kmutex	 c_lock;	/* protects the list and refs */
	struct kcondvar	 c_cv;		/* [c_lock] a load finished */
	TAILQ_HEAD(sqfs_centq, sqfs_cent) c_lru; /* [c_lock] entries */
	LIST_HEAD(, sqfs_cent) c_hash[SQFS_CACHE_HASH]; /* [c_lock] by key */
	uint32_t	 c_count;	/* [c_lock] entries on c_lru */
	uint32_t	 c_max;		/* [I] entries kept when unused */
	uint32_t	 c_bufsize;	/* [I] size of each ce_data */
	bool		 c_meta;	/* [I] metadata blocks, else data */
};

/* A position in a metadata stream: block on disk, offset in its data. */
struct sqfs_mcur {
	uint64_t	 mc_block;	/* disk offset of the metadata block */
	uint32_t	 mc_off;	/* offset in the decompressed block */
};

/*
 * A metadata stream reader that keeps its current block held, so that
 * many small reads (directory entries) cost one cache lookup per block.
 * Never copied; released with sqfs_mr_done.
 */
struct sqfs_mreader {
	struct sqfs_mcur mr_cur;	/* position */
	struct sqfs_cent *mr_ce;	/* held block at mr_cur, or NULL */
};

/* An entry of the directory map (directory inode number -> reference). */
struct sqfs_dment {
	uint32_t	 dm_ino;	/* inode number */
	uint64_t	 dm_ref;	/* inode reference */
	struct sqfs_dment *dm_next;	/* [sm_dmlock] hash chain */
};

/* Read-ahead: a queue of blocks to load and the threads loading them. */
#define SQFS_RA_MAXTHREADS	4	/* most read-ahead threads */
#define SQFS_RA_QUEUE		16	/* most queued blocks */
struct kthread;
struct sqfs_ra {
	struct kmutex	 ra_lock;	/* protects the queue and ra_stop */
	struct kcondvar	 ra_cv;		/* [ra_lock] work queued or stop */
	struct {
		uint64_t rq_pos;	/* disk offset of the block */
		uint32_t rq_sizeword;	/* its size word */
	} ra_q[SQFS_RA_QUEUE];		/* [ra_lock] ring of requests */
	uint32_t	 ra_head;	/* [ra_lock] oldest request */
	uint32_t	 ra_n;		/* [ra_lock] requests queued */
	bool		 ra_stop;	/* [ra_lock] threads must exit */
	uint32_t	 ra_want;	/* [I] threads wanted */
	bool		 ra_started;	/* [ra_lock] threads were started */
	uint32_t	 ra_nthreads;	/* [ra_lock] threads running */
	struct kthread	*ra_threads[SQFS_RA_MAXTHREADS]; /* [I] them */
};

/*
 * A mounted squashfs.
 * Locks protecting fields: I = immutable after mount.
 */
struct sqfs_mount {
	struct mount	*sm_mp;		/* [I] VFS mount */
	struct blkdev	*sm_dev;	/* [I] device */
	struct sqfs_dsuper sm_sb;	/* [I] decoded superblock */
	uint32_t	 sm_codec;	/* [I] CODEC_* */
	uint32_t	*sm_ids;	/* [I] id table (uid/gid values) */
	uint64_t	*sm_fragidx;	/* [I] fragment table block offsets */
	uint32_t	 sm_nfragidx;	/* [I] entries at sm_fragidx */
	uint64_t	 sm_xkvtable;	/* [I] xattr key/value table start */
	uint32_t	 sm_nxids;	/* [I] xattr id entries */
	uint64_t	*sm_xididx;	/* [I] xattr id table block offsets */
	uint32_t	 sm_nxididx;	/* [I] entries at sm_xididx */
	struct sqfs_cache sm_meta;	/* metadata block cache */
	struct sqfs_cache sm_data;	/* data and fragment block cache */
	struct kmutex	 sm_dmlock;	/* protects the directory map */
	struct sqfs_dment *sm_dmap[SQFS_DMAP_BUCKETS]; /* [sm_dmlock] map */
	uint32_t	 sm_dmcount;	/* [sm_dmlock] entries in the map */
	struct sqfs_ra	 sm_ra;		/* read-ahead */
};

#define VFS_TO_SQFS(mp)	((struct sqfs_mount *)(mp)->mnt_data)
#define VTOSQ(vp)	((struct sqfs_node *)(vp)->v_data)

/*
 * An inode in memory.  Locks protecting fields: I = immutable after load.
 */
struct sqfs_node {
	struct sqfs_mount *sn_mount;	/* [I] file system */
	uint64_t	 sn_ref;	/* [I] inode reference (vnode key) */
	uint16_t	 sn_type;	/* [I] basic SQFS_* type */
	enum vtype	 sn_vtype;	/* [I] vnode type */
	uint16_t	 sn_mode;	/* [I] permission bits */
	uint32_t	 sn_uid;	/* [I] owner */
	uint32_t	 sn_gid;	/* [I] group */
	uint32_t	 sn_mtime;	/* [I] modification time */
	uint32_t	 sn_ino;	/* [I] inode number */
	uint32_t	 sn_nlink;	/* [I] links */
	uint64_t	 sn_size;	/* [I] size (dirs: listing + 3) */
	uint32_t	 sn_xattr;	/* [I] xattr id or SQFS_NONE32 */
	uint64_t	 sn_rdev;	/* [I] device number */
	/* Directories. */
	struct sqfs_mcur sn_dir;	/* [I] start of the listing */
	uint32_t	 sn_parent;	/* [I] parent's inode number */
	uint32_t	 sn_nidx;	/* [I] directory index entries */
	struct sqfs_mcur sn_idx;	/* [I] first directory index entry */
	/* Regular files. */
	uint64_t	 sn_blkstart;	/* [I] disk offset of block 0 */
	uint32_t	 sn_frag;	/* [I] fragment or SQFS_NONE32 */
	uint32_t	 sn_fragoff;	/* [I] offset of the tail in it */
	uint64_t	 sn_fragpos;	/* [I] disk offset of the fragment */
	uint32_t	 sn_fragsize;	/* [I] its size word */
	uint32_t	 sn_nblocks;	/* [I] full-size block entries */
	uint32_t	*sn_bsizes;	/* [I] on-disk size words */
	uint64_t	*sn_boffs;	/* [I] disk offset of each block */
	/* Symbolic links. */
	char		*sn_target;	/* [I] target, sn_size bytes */
};

extern const struct vnodeops sqfs_vnodeops;

/* sqfs_super.c */
int	sqfs_super_load(struct sqfs_mount *sm);
void	sqfs_super_free(struct sqfs_mount *sm);

/* sqfs_cache.c */
int	sqfs_cache_init(struct sqfs_cache *c, uint32_t max, uint32_t bufsize,
	    bool meta);
void	sqfs_cache_fini(struct sqfs_cache *c);
int	sqfs_cache_get(struct sqfs_mount *sm, struct sqfs_cache *c,
	    uint64_t key, uint32_t sizeword, struct sqfs_cent **cep);
void	sqfs_cache_put(struct sqfs_cache *c, struct sqfs_cent *ce);
void	sqfs_cache_prefetch(struct sqfs_mount *sm, struct sqfs_cache *c,
	    uint64_t key, uint32_t sizeword);

/* sqfs_block.c */
int	sqfs_block_load(struct sqfs_mount *sm, uint64_t pos, uint32_t sizeword,
	    bool meta, struct sqfs_cent *ce);
int	sqfs_meta_read(struct sqfs_mount *sm, struct sqfs_mcur *cur,
	    void *buf, size_t len);
int	sqfs_meta_skip(struct sqfs_mount *sm, struct sqfs_mcur *cur,
	    size_t len);
const char *sqfs_comp_name(uint16_t comp);
int	sqfs_mr_read(struct sqfs_mount *sm, struct sqfs_mreader *mr, void *buf,
	    size_t len);
void	sqfs_mr_done(struct sqfs_mount *sm, struct sqfs_mreader *mr);

/* sqfs_ra.c */
int	sqfs_ra_start(struct sqfs_mount *sm);
void	sqfs_ra_stop(struct sqfs_mount *sm);
void	sqfs_ra_after(struct sqfs_node *sn, uint64_t bi);

/* sqfs_inode.c */
int	sqfs_node_load(struct sqfs_mount *sm, uint64_t ref,
	    struct sqfs_node **snp);
void	sqfs_node_free(struct sqfs_node *sn);
int	sqfs_read(struct sqfs_node *sn, struct uio *uio);
int	sqfs_seek(struct sqfs_node *sn, int64_t off, int whence,
	    int64_t *res);

/* sqfs_dir.c */
int	sqfs_dir_lookup(struct sqfs_node *dp, const char *name, size_t namelen,
	    uint64_t *refp);
int	sqfs_dir_readdir(struct sqfs_node *dp, struct uio *uio, int *eofp);
int	sqfs_dmap_add(struct sqfs_mount *sm, uint32_t ino, uint64_t ref);
int	sqfs_dmap_find(struct sqfs_mount *sm, uint32_t ino, uint64_t *refp);
void	sqfs_dmap_free(struct sqfs_mount *sm);

/* sqfs_xattr.c */
int	sqfs_xattr_get(struct sqfs_node *sn, const char *name, void *buf,
	    size_t size, size_t *retlen);
int	sqfs_xattr_list(struct sqfs_node *sn, char *buf, size_t size,
	    size_t *retlen);

#endif /* !_FS_SQUASHFS_SQUASHFS_H_ */
