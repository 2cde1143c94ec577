/*
 * sys/vnode.h: vnodes, the kernel's handle on a file of a mounted file
 * system, and the vnode operations every driver implements.
 *
 * Life cycle (vfs/vfs_vnode.c):
 *
 *	vcache_get() --load--> ACTIVE (v_usecount > 0)
 *	                         |  vrele() drops the last reference:
 *	                         v  VOP_INACTIVE, may ask to recycle now
 *	                       IDLE (on the idle LRU, still cached)
 *	                         |  vcache_get() revives it, or the LRU is
 *	                         v  over its bound / unmount / recycle
 *	                       RECLAIMED (VOP_RECLAIM, freed)
 *
 * Locks protecting fields (order: vnode lock v_lock before vcache_lock;
 * see docs/locking.md):
 *	c = vcache_lock (global, vfs/vfs_vnode.c)
 *	l = v_lock (the vnode lock, held shared or exclusive around VOPs)
 *	I = immutable while the vnode is referenced
 */
#ifndef _SYS_VNODE_H_
#define _SYS_VNODE_H_

#include <sys/param.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <sys/vattr.h>
#include <sys/uio.h>

struct mount;
struct kcred;
struct blkdev;
struct vnodeops;

enum vstate {
	VS_LOADING,	/* being loaded by vfs_loadvnode, wait */
	VS_ACTIVE,	/* usable, usecount may be 0 (idle) */
	VS_RECLAIMING,	/* being torn down, wait then retry */
};

struct vnode {
	struct krwlock	 v_lock;	/* the vnode lock */
	uint32_t	 v_usecount;	/* [c] references */
	enum vstate	 v_state;	/* [c] life cycle */
	enum vtype	 v_type;	/* [I] type */
	struct mount	*v_mount;	/* [I] file system */
	const struct vnodeops *v_op;	/* [I] operations */
	void		*v_data;	/* [l] driver's node */
	uint64_t	 v_key;		/* [I] cache key (inode number) */
	struct mount	*v_mountedhere;	/* [c] file system mounted here */
	LIST_ENTRY(vnode) v_hash;	/* [c] cache hash chain */
	TAILQ_ENTRY(vnode) v_lru;	/* [c] idle LRU */
	TAILQ_ENTRY(vnode) v_mntvnodes;	/* [c] mount's vnode list */
	bool		 v_recycle;	/* [c] reclaim when idle */
};

/* A name component being looked up, created or removed. */
struct componentname {
	const char	*cn_nameptr;	/* not NUL-terminated */
	size_t		 cn_namelen;	/* length, 1..NAME_MAX */
	struct kcred	*cn_cred;	/* caller's credential */
};

/* A file range and where its data lives (VOP_BMAP). */
struct bmap {
	int64_t		 bm_off;	/* file offset of extent start */
	int64_t		 bm_len;	/* length in bytes (> 0) */
	uint64_t	 bm_physoff;	/* byte offset on bm_dev */
	struct blkdev	*bm_dev;	/* device holding the data */
	uint32_t	 bm_flags;	/* BMAP_* below */
};
#define BMAP_HOLE	0x01	/* no storage: reads as zeros */
#define BMAP_UNWRITTEN	0x02	/* storage allocated, reads as zeros */
#define BMAP_NEW	0x04	/* just allocated: caller zeroes what it
				   does not write */
#define BMAP_ALLOC	0x100	/* request: allocate storage for the range */

/* ioflag for VOP_READ / VOP_WRITE */
#define IO_APPEND	0x01	/* write at end of file */
#define IO_SYNC		0x02	/* write through to stable storage */

/*
 * The vnode operations.  A NULL pointer means "not supported" (EOPNOTSUPP;
 * writes on a read-only mount are refused with EROFS before the call).
 * The lock states on entry are listed in vfs/vnode_if.src and asserted by
 * the VOP_* wrappers in DIAGNOSTIC builds: "E" exclusive, "S" shared or
 * exclusive, "U" unlocked.  All return 0 or an errno; vnodes returned
 * through vpp carry a new reference and are unlocked.
 */
struct vnodeops {
	/* dvp S.  Finds name (including "." and ".."). ENOENT if absent. */
	int (*vop_lookup)(struct vnode *dvp, struct componentname *cnp,
	    struct vnode **vpp);
	/* dvp E.  Creates VREG, VFIFO, VSOCK, VCHR or VBLK (vap->va_type). */
	int (*vop_create)(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
	/* dvp E. */
	int (*vop_mkdir)(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
	/* dvp E. */
	int (*vop_symlink)(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, const char *target, struct vnode **vpp);
	/* dvp E, vp E.  vp is not a directory. */
	int (*vop_link)(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
	/* dvp E, vp E.  vp is the non-directory named cnp in dvp. */
	int (*vop_remove)(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
	/* dvp E, vp E.  vp is the directory named cnp; ENOTEMPTY if so. */
	int (*vop_rmdir)(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
	/*
	 * All E (tvp may be NULL).  The VFS has checked permissions, EXDEV,
	 * that fvp is not an ancestor of tdvp, type compatibility of fvp and
	 * tvp, and that fvp != tvp.  The driver checks that a target
	 * directory is empty and does the rest, ".." included.  flags:
	 * RENAME_EXCHANGE (tvp != NULL) or 0.
	 */
	int (*vop_rename)(struct vnode *fdvp, struct componentname *fcnp,
	    struct vnode *fvp, struct vnode *tdvp, struct componentname *tcnp,
	    struct vnode *tvp, uint32_t flags);
	/* vp S. */
	int (*vop_getattr)(struct vnode *vp, struct vattr *vap);
	/* vp E.  Changes the va_mask fields; VA_SIZE truncates or extends. */
	int (*vop_setattr)(struct vnode *vp, const struct vattr *vap);
	/* vp S.  uio_offset >= 0; reading past EOF moves nothing. */
	int (*vop_read)(struct vnode *vp, struct uio *uio, int ioflag);
	/* vp E.  Extends the file as needed; EFBIG past the size limit. */
	int (*vop_write)(struct vnode *vp, struct uio *uio, int ioflag);
	/*
	 * vp S.  Emits struct kdirent records (vfs_dirent_emit) starting at
	 * cookie uio_offset (0: first entry, "." and ".." included) and
	 * leaves uio_offset at the cookie of the next entry; *eofp = 1 when
	 * the end was reached.
	 */
	int (*vop_readdir)(struct vnode *vp, struct uio *uio, int *eofp);
	/* vp S. */
	int (*vop_readlink)(struct vnode *vp, struct uio *uio);
	/* vp E.  Data and metadata of vp on stable storage. */
	int (*vop_fsync)(struct vnode *vp, int flags);
	/*
	 * vp S.  Data map for the direct data path.  Returns the extent
	 * containing off (bm_off <= off < bm_off + bm_len), limited to about
	 * len bytes.  With BMAP_ALLOC in flags (vp E) storage is allocated.
	 * Drivers without block storage (tmpfs) leave it NULL.
	 */
	int (*vop_bmap)(struct vnode *vp, int64_t off, int64_t len,
	    uint32_t flags, struct bmap *bm);
	/*
	 * vp S.  SEEK_DATA / SEEK_HOLE from off; ENXIO past the last data
	 * (SEEK_DATA) or at/after EOF.  NULL: the VFS uses vop_bmap, or
	 * treats the whole file as data.
	 */
	int (*vop_seek)(struct vnode *vp, int64_t off, int whence,
	    int64_t *res);
	/* vp S.  ENOATTR if absent, ERANGE if size is too small (non-0). */
	int (*vop_getxattr)(struct vnode *vp, const char *name, void *buf,
	    size_t size, size_t *retlen);
	/*
	 * vp E.  flags: XATTR_CREATE (EEXIST if present), XATTR_REPLACE
	 * (ENOATTR if absent), both at once applying both tests.
	 */
	int (*vop_setxattr)(struct vnode *vp, const char *name,
	    const void *buf, size_t size, int flags);
	/* vp S.  NUL-separated names; size 0 asks for the length. */
	int (*vop_listxattr)(struct vnode *vp, char *buf, size_t size,
	    size_t *retlen);
	/* vp E. */
	int (*vop_removexattr)(struct vnode *vp, const char *name);
	/*
	 * vp E, last reference just dropped.  Set *recycle to have the vnode
	 * reclaimed now (for example when its link count is 0).
	 */
	int (*vop_inactive)(struct vnode *vp, bool *recycle);
	/* vp U, no references.  Free v_data (and the file, if unlinked). */
	int (*vop_reclaim)(struct vnode *vp);
};

/* Vnode cache and references (vfs/vfs_vnode.c). */
int	vcache_get(struct mount *mp, uint64_t key, struct vnode **vpp);
void	vref(struct vnode *vp);
void	vrele(struct vnode *vp);
void	vput(struct vnode *vp);		/* unlock and release */
void	vn_lock(struct vnode *vp, enum krw_t op);
void	vn_unlock(struct vnode *vp);
/* Ask that vp be reclaimed when its last reference goes. */
void	vrecycle_later(struct vnode *vp);

/*
 * Helpers for drivers.
 */
/* Append one entry to a readdir uio; returns 1 (emit nothing) if full. */
int	vfs_dirent_emit(struct uio *uio, uint64_t ino, enum vtype type,
	    const char *name, size_t namlen, int64_t nextcookie);
/* Generic read/write/seek through vop_bmap: the direct data path. */
int	genfs_read_bmap(struct vnode *vp, struct uio *uio, int64_t filesize);
int	genfs_write_bmap(struct vnode *vp, struct uio *uio);
int	genfs_seek_bmap(struct vnode *vp, int64_t off, int whence,
	    int64_t filesize, int64_t *res);

/* vtype <-> S_IFMT mode bits */
enum vtype	vtype_from_mode(uint32_t mode);
uint32_t	vtype_to_mode(enum vtype type);

#endif /* !_SYS_VNODE_H_ */
