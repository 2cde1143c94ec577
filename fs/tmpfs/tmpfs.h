/*
 * tmpfs.h: the in-memory file system, shared by the files of fs/tmpfs.
 *
 * A tmpfs mount is a set of nodes (struct tmpfs_node) that live in kernel
 * memory only.  Directories hold their entries in a list kept in cookie
 * order plus two hash tables (by name, by cookie); regular files keep
 * their data in 4 KiB pages reached through a radix table, so holes cost
 * nothing.  The vnode cache key of a node is its address: a node is
 * reachable only through directory entries (or an existing vnode), and it
 * is freed only when its link count is 0 and its vnode is reclaimed, so
 * the key cannot name a freed node.
 *
 * Lock order: vnode locks (taken by the VFS, see vfs/vnode_if.src) before
 * tm_lock.  tm_lock is a leaf: nothing else is taken while it is held.
 *
 * Node life cycle:
 *
 *	tmpfs_node_alloc --> unreachable (only the creator sees it)
 *	    | tmpfs_dir_attach: first link
 *	    v
 *	linked (tn_links > 0); the vnode comes and goes with vcache_get and
 *	    | the idle LRU; the last unlink sets tn_links = 0
 *	    v
 *	unlinked, vnode still active --> last vrele: vop_inactive asks for
 *	    recycling, vop_reclaim frees the node (tmpfs_node_free).
 */
#ifndef _FS_TMPFS_TMPFS_H_
#define _FS_TMPFS_TMPFS_H_

#include <sys/param.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <sys/vnode.h>
#include <sys/mount.h>

#define TMPFS_PAGE_SHIFT	12
#define TMPFS_PAGE_SIZE		(1U << TMPFS_PAGE_SHIFT)
#define TMPFS_PAGE_MASK		(TMPFS_PAGE_SIZE - 1)
/* Radix table: 512 pointers (one page) per level, 9 index bits each. */
#define TMPFS_RADIX_SHIFT	9
#define TMPFS_RADIX_FANOUT	(1U << TMPFS_RADIX_SHIFT)
/* Enough levels for every page index below TMPFS_MAXFILESIZE. */
#define TMPFS_RADIX_MAXHEIGHT	6
/* Largest file: the largest page-aligned int64 (page index < 2^51). */
#define TMPFS_MAXFILESIZE	((int64_t)(INT64_MAX & ~(int64_t)TMPFS_PAGE_MASK))
/* Highest link count; beyond it link and mkdir fail with EMLINK. */
#define TMPFS_LINK_MAX		INT32_MAX
/* Directory size reported by getattr, per entry (as Linux tmpfs does). */
#define TMPFS_DIRENT_BOGOSIZE	20

/* Defaults when the mount options do not say otherwise. */
#define TMPFS_DEFAULT_SIZE	(1ULL << 30)	/* bytes of file data */
#define TMPFS_DEFAULT_INODES	1000000ULL	/* nodes */
#define TMPFS_DEFAULT_MODE	0755		/* root directory */
#define TMPFS_ROOT_INO		2		/* va_fileid of the root */
/* Cookies: "." and "..", then the sequence numbers of the entries. */
#define TMPFS_COOKIE_DOT	0
#define TMPFS_COOKIE_DOTDOT	1
#define TMPFS_COOKIE_FIRST	2

struct tmpfs_node;

/*
 * Parsed mount options (tmpfs_parse_opts).  "Unlimited" (size=0,
 * nr_inodes=0) is UINT64_MAX.
 */
struct tmpfs_args {
	uint64_t	ta_maxpages;	/* pages of file data */
	uint64_t	ta_maxnodes;	/* nodes, root included */
	uint32_t	ta_mode;	/* root directory permissions */
	uint32_t	ta_uid;		/* root directory owner */
	uint32_t	ta_gid;		/* root directory group */
	bool		ta_sizeset;	/* size= given (statvfs reports 0 */
	bool		ta_nodesset;	/*  blocks/files if set to 0) */
};

/*
 * A mounted tmpfs.
 * Locks protecting fields:
 *	t = tm_lock
 *	I = immutable after mount
 */
struct tmpfs_mount {
	struct kmutex	 tm_lock;	/* leaf lock, see the legend */
	struct mount	*tm_mp;		/* [I] VFS mount (NULL in ktests) */
	struct tmpfs_node *tm_root;	/* [I] root directory */
	uint64_t	 tm_maxpages;	/* [I] page limit, UINT64_MAX: none */
	uint64_t	 tm_pages;	/* [t] pages in use */
	uint64_t	 tm_maxnodes;	/* [I] node limit, UINT64_MAX: none */
	uint64_t	 tm_nodes;	/* [t] nodes in use */
	uint64_t	 tm_nextino;	/* [t] next inode number */
	bool		 tm_reportpages; /* [I] statvfs shows the page limit */
	bool		 tm_reportnodes; /* [I] statvfs shows the node limit */
	LIST_HEAD(, tmpfs_node) tm_nodelist; /* [t] every live node */
};

/*
 * A directory entry.  Entries are kept on td_entries in increasing
 * td_seq order (new entries get the directory's next sequence number and
 * go to the tail), which makes td_seq a readdir cookie that stays valid
 * whatever is added or removed.
 * Locks protecting fields: d = the directory's vnode lock, I = immutable.
 */
struct tmpfs_dirent {
	TAILQ_ENTRY(tmpfs_dirent) td_entries;	/* [d] cookie order */
	LIST_ENTRY(tmpfs_dirent) td_namehash;	/* [d] name hash chain */
	LIST_ENTRY(tmpfs_dirent) td_seqhash;	/* [d] cookie hash chain */
	struct tmpfs_node *td_node;		/* [d] the file named */
	uint64_t	 td_seq;		/* [d] cookie, set by attach */
	uint32_t	 td_hash;		/* [I] hash of the name */
	uint16_t	 td_namelen;		/* [I] name length */
	char		 td_name[];		/* [I] name, NUL-terminated */
};
TAILQ_HEAD(tmpfs_dirent_list, tmpfs_dirent);
LIST_HEAD(tmpfs_dirent_bucket, tmpfs_dirent);

/*
 * Directory contents.  Small directories have no hash tables (td_nbuckets
 * 0) and are searched along the list.
 * Locks protecting fields: d = the directory's vnode lock.
 */
struct tmpfs_dir {
	struct tmpfs_dirent_list td_list;	/* [d] entries, cookie order */
	struct tmpfs_dirent_bucket *td_names;	/* [d] by name, or NULL */
	struct tmpfs_dirent_bucket *td_seqs;	/* [d] by cookie, or NULL */
	uint32_t	 td_nbuckets;		/* [d] size of both, power of 2 */
	uint32_t	 td_count;		/* [d] entries */
	uint64_t	 td_nextseq;		/* [d] cookie of the next entry */
	struct tmpfs_node *td_parent;		/* [d] "..", NULL once removed */
};

/* File data: a radix table of page pointers (NULL: a hole). */
struct tmpfs_pages {
	void		**tp_root;	/* [v] top table, or NULL */
	int		  tp_height;	/* [v] levels, 0 if tp_root NULL */
	uint64_t	  tp_count;	/* [v] pages allocated */
};

/* An extended attribute; name and value are stored after the struct. */
struct tmpfs_xattr {
	TAILQ_ENTRY(tmpfs_xattr) tx_list;	/* [v] node's attributes */
	size_t		 tx_namelen;		/* [I] name length */
	size_t		 tx_size;		/* [I] value length */
	char		*tx_value;		/* [I] after the name's NUL */
	char		 tx_name[];		/* [I] NUL-terminated name */
};
TAILQ_HEAD(tmpfs_xattr_list, tmpfs_xattr);

/*
 * A file of any type.
 * Locks protecting fields:
 *	v = the lock of the node's vnode (shared to read, exclusive to
 *	    change); a node without a vnode is not touched by anyone except
 *	    its creator (before the first link) and tmpfs_node_free
 *	t = tm_lock (fields a read under a shared vnode lock changes)
 *	I = immutable after tmpfs_node_alloc
 */
struct tmpfs_node {
	struct tmpfs_mount *tn_mount;	/* [I] owning mount */
	LIST_ENTRY(tmpfs_node) tn_nodes; /* [t] on tm_nodelist */
	enum vtype	 tn_type;	/* [I] file type */
	uint64_t	 tn_id;		/* [I] inode number */
	uint64_t	 tn_gen;	/* [I] generation */
	uint32_t	 tn_mode;	/* [v] permissions, 07777 */
	uint32_t	 tn_uid;	/* [v] owner */
	uint32_t	 tn_gid;	/* [v] group */
	uint32_t	 tn_links;	/* [v] hard links */
	uint32_t	 tn_flags;	/* [v] file flags (va_flags) */
	int64_t		 tn_size;	/* [v] size in bytes */
	struct ktimespec tn_atime;	/* [t] last access */
	struct ktimespec tn_mtime;	/* [v] last modification */
	struct ktimespec tn_ctime;	/* [v] last status change */
	struct ktimespec tn_birthtime;	/* [I] creation */
	struct tmpfs_xattr_list tn_xattrs; /* [v] extended attributes */
	union {
		struct tmpfs_dir tn_dir;	/* VDIR */
		struct tmpfs_pages tn_pages;	/* VREG */
		char		*tn_link;	/* VLNK: target, [I] */
		uint64_t	 tn_rdev;	/* VCHR, VBLK: device, [I] */
	} tn_u;				/* per-type data */
};

/* The node of a vnode, and the mount of a VFS mount. */
static inline struct tmpfs_node *
VP_TO_TMPFS(struct vnode *vp)
{
	return vp->v_data;
}
static inline struct tmpfs_mount *
VFS_TO_TMPFS(struct mount *mp)
{
	return mp->mnt_data;
}
/* The vnode cache key of a node. */
static inline uint64_t
tmpfs_node_key(const struct tmpfs_node *tn)
{
	return (uint64_t)(uintptr_t)tn;
}

/* Which timestamps tmpfs_update sets to the current time. */
#define TMPFS_UPD_ATIME		0x1
#define TMPFS_UPD_MTIME		0x2
#define TMPFS_UPD_CTIME		0x4

/* tmpfs_vfsops.c */
extern const struct vfsops tmpfs_vfsops;
int	tmpfs_parse_opts(const char *opts, struct tmpfs_args *ta);
int	tmpfs_mount_alloc(const struct tmpfs_args *ta, struct mount *mp,
	    struct tmpfs_mount **tmp);
void	tmpfs_mount_free(struct tmpfs_mount *tm);

/* tmpfs_subr.c: nodes, directory entries, times */
int	tmpfs_node_alloc(struct tmpfs_mount *tm, enum vtype type,
	    uint32_t mode, uint32_t uid, uint32_t gid, struct tmpfs_node **tnp);
void	tmpfs_node_free(struct tmpfs_node *tn);
int	tmpfs_dirent_alloc(const char *name, size_t namelen,
	    struct tmpfs_dirent **dep);
void	tmpfs_dirent_free(struct tmpfs_dirent *de);
void	tmpfs_dir_attach(struct tmpfs_node *dir, struct tmpfs_dirent *de,
	    struct tmpfs_node *tn);
void	tmpfs_dir_detach(struct tmpfs_node *dir, struct tmpfs_dirent *de);
struct tmpfs_dirent *tmpfs_dir_lookup(struct tmpfs_node *dir,
	    const char *name, size_t namelen);
struct tmpfs_dirent *tmpfs_dir_seek(struct tmpfs_node *dir, int64_t cookie);
void	tmpfs_update(struct tmpfs_node *tn, int which);
bool	tmpfs_atime_enabled(const struct tmpfs_node *tn);

/* tmpfs_rw.c: file data */
void	*tmpfs_page_lookup(const struct tmpfs_pages *tp, uint64_t idx);
int	tmpfs_page_get(struct tmpfs_mount *tm, struct tmpfs_pages *tp,
	    uint64_t idx, bool zero, void **pagep);
void	tmpfs_pages_truncate(struct tmpfs_mount *tm, struct tmpfs_pages *tp,
	    uint64_t npages);
bool	tmpfs_pages_find(const struct tmpfs_pages *tp, uint64_t idx,
	    uint64_t limit, bool data, uint64_t *res);
int	tmpfs_truncate(struct tmpfs_node *tn, int64_t size);
int	tmpfs_seek_node(struct tmpfs_node *tn, int64_t off, int whence,
	    int64_t *res);
int	tmpfs_read(struct vnode *vp, struct uio *uio, int ioflag);
int	tmpfs_write(struct vnode *vp, struct uio *uio, int ioflag);
int	tmpfs_seek(struct vnode *vp, int64_t off, int whence, int64_t *res);
int	tmpfs_page_pool_init(void);

/* tmpfs_vnops.c, tmpfs_rename.c */
extern const struct vnodeops tmpfs_vnodeops;
int	tmpfs_rename(struct vnode *fdvp, struct componentname *fcnp,
	    struct vnode *fvp, struct vnode *tdvp, struct componentname *tcnp,
	    struct vnode *tvp, uint32_t flags);
int	tmpfs_node_pool_init(void);

/* tmpfs_xattr.c */
void	tmpfs_xattr_freeall(struct tmpfs_node *tn);
int	tmpfs_getxattr(struct vnode *vp, const char *name, void *buf,
	    size_t size, size_t *retlen);
int	tmpfs_setxattr(struct vnode *vp, const char *name, const void *buf,
	    size_t size, int flags);
int	tmpfs_listxattr(struct vnode *vp, char *buf, size_t size,
	    size_t *retlen);
int	tmpfs_removexattr(struct vnode *vp, const char *name);

#endif /* !_FS_TMPFS_TMPFS_H_ */
