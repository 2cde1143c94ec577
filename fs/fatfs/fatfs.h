/*
 * fatfs.h: the FAT12/16/32 + VFAT file system, shared by the files of
 * fs/fatfs:
 *	fat_fmt.[ch]	on-disk structures, the only decoders and encoders
 *	fat_name.c	UTF-16/UTF-8, short names, case folding
 *	fat_fat.c	reading the FAT, chains, VOP_BMAP for reading
 *	fat_alloc.c	changing the FAT, FSInfo, the dirty bit
 *	fat_dir.c	directory iteration, lookup, "..", the label
 *	fat_dirw.c	adding and removing entries, short-name generation,
 *			the moved-key table
 *	fat_dcache.c	the per-directory name index
 *	fat_vnops.c	node loading and the reading vnode operations
 *	fat_wnops.c	the vnode operations that write
 *	fat_xattr.c	user.fat.attr and user.fat.label
 *	fat_vfsops.c	probe, mount options, mount, statvfs, registration
 *
 * Vnode keys.  FAT has no inode numbers; a file is its directory entry.
 * The key of a vnode (and the inode number stat and readdir report) is
 * the byte offset on the device of the file's short (8.3) directory
 * entry.  Those are multiples of 32, so the root directory, which has no
 * entry, takes the fixed key FAT_ROOT_KEY (1).  loadvnode needs nothing
 * but the key: it reads and decodes the 32 bytes at that offset.  A
 * directory's ".." is found by reading its own ".." entry (the parent's
 * first cluster), the parent's ".." (the grandparent's first cluster),
 * and searching the grandparent for the entry whose first cluster is the
 * parent's.
 *
 * Renames and removals move or free the entry while its vnode may live
 * on (the key is immutable for the vnode's life).  Such a vnode's key is
 * recorded in the mount's moved table (struct fat_moved) with where its
 * entry is now (or 0 if removed), and the vnode is recycled when its
 * last reference goes.  While the record exists the slot at the key is
 * never reused (so no other file can be given that key), lookups that
 * find the moved entry answer the old key, and loadvnode of the key reads
 * the entry where it is now.  After the record goes, the file's key is
 * simply its new entry's offset.
 *
 * Metadata (boot sector aside) goes through the buffer cache in units
 * of one BPB sector, everywhere: FAT sectors, fixed root directory
 * sectors and directory cluster sectors, so that no offset is ever
 * cached with two buffer sizes.  The FAT sectors cached there are the
 * bounded in-memory FAT cache.  File data never does: VOP_BMAP maps a
 * file range to runs of contiguous clusters and genfs_read_bmap moves
 * them straight to the caller.
 *
 * Exposed metadata:
 *	- mode: 0777 & ~dmask for directories, & ~fmask for files, the write
 *	  bits cleared on files with the read-only attribute (as Linux vfat,
 *	  which ignores it on directories); owner and group from uid=/gid=.
 *	- nlink: 1 for files, 2 + subdirectories for directories (counted
 *	  on first use: FAT keeps no link count), 0 once removed.
 *	- mtime (2 s), birthtime (10 ms), atime (a date: midnight), ctime =
 *	  mtime; the volume's local time is UTC + tz= minutes (default 0).
 *	  Writes set mtime and the access date; reads do not (noatime).
 *	- xattr "user.fat.attr": the attribute byte as text, "0x20";
 *	  setting it (hex "0x.." or decimal) changes the read-only,
 *	  hidden, system and archive bits.
 *	- xattr "user.fat.label" on the root: the volume label (the root's
 *	  label entry, else the boot sector's; absent if "NO NAME").
 *	  Setting it writes both, and FAT32's backup boot sector; removing
 *	  it leaves "NO NAME".
 *
 * FAT32's backups: the backup boot sector (BPB_BkBootSec) is rewritten
 * with sector 0 (only the label changes it); the backup FSInfo after it
 * gets the free count and hint whenever FSInfo does, if it carries
 * FSInfo's signatures (mkfs.fat writes both; Linux updates only the
 * primary, fsck.fat reads only the primary).  The backup boot sector is
 * read when sector 0 is broken (fat_vfsops.c).
 *
 * Lock order: vnode locks (taken by the VFS), fn_lock, fm_alloclock,
 * fm_lock; buffers are taken and released inside one function.
 */
#ifndef _FS_FATFS_FATFS_H_
#define _FS_FATFS_FATFS_H_

#include <sys/param.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include "fs/fatfs/fat_fmt.h"

struct buf;
struct blkdev;
struct fat_dcache;

#define FAT_ROOT_KEY		1	/* vnode key of the root directory */
#define FAT_MAXFILESIZE		0xffffffffLL	/* 4 GiB - 1 */
/* Chain end as returned by fat_chain_next. */
#define FAT_CHAIN_END		0
/*
 * Default masks when neither umask= nor dmask=/fmask= is given:
 * directories 0755, files 0644 (Linux vfat takes the mounting process's
 * umask for both, so files show as executable; 0133 is what most vfat
 * fstab lines ask for).
 */
#define FAT_DEFAULT_DMASK	022
#define FAT_DEFAULT_FMASK	0133

/*
 * A mounted FAT volume.
 * Locks protecting fields: m = fm_lock, I = immutable after mount.
 */
struct fat_mount {
	struct mount	*fm_mp;		/* [I] VFS mount */
	struct blkdev	*fm_dev;	/* [I] device */
	struct fat_bpb	 fm_bpb;	/* [I] geometry */
	uint64_t	 fm_fatoff;	/* [I] byte offset of the FAT read */
	uint32_t	 fm_uid;	/* [I] owner of every file */
	uint32_t	 fm_gid;	/* [I] group of every file */
	uint32_t	 fm_dmask;	/* [I] mode bits cleared on dirs */
	uint32_t	 fm_fmask;	/* [I] mode bits cleared on files */
	int32_t		 fm_tzmin;	/* [I] volume time - UTC, minutes */
	struct fat_fsinfo fm_fsinfo;	/* [a] FSInfo (rw: kept current) */
	bool		 fm_writable;	/* [I] mounted read-write */
	bool		 fm_wasclean;	/* [I] FAT[1] said clean at mount */
	struct kmutex	 fm_lock;	/* free count, fm_moved */
	bool		 fm_freeknown;	/* [m] fm_freecount is valid */
	uint32_t	 fm_freecount;	/* [m] free clusters */
	/* Allocation: taken around every change of the FAT. */
	struct kmutex	 fm_alloclock;
	uint32_t	 fm_nextfree;	/* [a] where the next search starts */
	LIST_HEAD(, fat_moved) fm_moved; /* [m] keys of moved entries */
};

/*
 * A live vnode whose entry is no longer at its key: renamed (the entry
 * is now at fmv_devoff) or removed (fmv_devoff 0).  While it exists the
 * slot at fmv_key is never reused, so no other file can get the key, and
 * lookups of the entry at fmv_devoff answer fmv_key.  Removed when the
 * vnode is reclaimed.
 */
struct fat_moved {
	LIST_ENTRY(fat_moved) fmv_list;	/* [m] on fm_moved */
	uint64_t	fmv_key;	/* [m] vnode key (old entry offset) */
	uint64_t	fmv_devoff;	/* [m] entry now, 0 if removed */
};

/*
 * A file or directory, decoded from its directory entry at load.  The
 * entry copy (fn_de) is the one that is written back.
 * Locks protecting fields: l = the vnode lock (shared to read, exclusive
 * to change), n = fn_lock, I = immutable.
 */
struct fat_node {
	struct fat_mount *fn_fmp;	/* [I] volume */
	uint64_t	 fn_key;	/* [I] entry offset or FAT_ROOT_KEY */
	enum vtype	 fn_type;	/* [I] VREG or VDIR */
	struct fat_dirent fn_de;	/* [l] entry (zero for the root) */
	uint32_t	 fn_startcl;	/* [l] first cluster, 0: none/fixed */
	int64_t		 fn_size;	/* [l] bytes (dirs: chain length) */
	uint64_t	 fn_devoff;	/* [l] entry offset now (0: root) */
	bool		 fn_removed;	/* [l] entry removed: free at reclaim */
	uint64_t	 fn_dirhint;	/* [l] dirs: slots below are in use */
	int64_t		 fn_nsubdirs;	/* [n] dirs: subdirectories, -1 unknown */
	struct fat_dcache *fn_dcache;	/* [n] dirs: name index or NULL */
	bool		 fn_dcfailed;	/* [n] building the index failed */
	struct kmutex	 fn_lock;	/* the fields below */
	int64_t		 fn_chainlen;	/* [n] clusters, -1 not yet known */
	uint32_t	 fn_hintidx;	/* [n] chain index of... */
	uint32_t	 fn_hintcl;	/* [n] ...this cluster (0: no hint) */
	/*
	 * For a directory the hint is the last cluster an iterator
	 * reached: a directory's chain only grows while its node lives,
	 * so the pair stays true and iterators start from it instead of
	 * walking the chain from its first cluster (fat_diriter_initnode).
	 */
};

#define VFS_TO_FAT(mp)	((struct fat_mount *)(mp)->mnt_data)
#define VTON(vp)	((struct fat_node *)(vp)->v_data)

/*
 * A decoded directory slot with its name, as the directory iterator
 * returns it.
 */
struct fat_dname {
	struct fat_dirent dn_de;	/* the short entry */
	uint64_t	dn_devoff;	/* its byte offset on the device */
	uint64_t	dn_index;	/* its index in the directory */
	uint64_t	dn_first;	/* index of its first (LFN) slot */
	uint32_t	dn_firstcl;	/* cluster holding it (0: fixed root) */
	bool		dn_isdot;	/* "." or ".." entry */
	size_t		dn_namelen;	/* bytes of dn_name */
	size_t		dn_shortlen;	/* bytes of dn_short */
	char		dn_name[FAT_NAME_MAXUTF8];  /* long or short name */
	char		dn_short[40];	/* short name (cp437 as UTF-8) */
};

/*
 * Directory iterator: walks the 32-byte slots of a directory in order,
 * assembling long names.  Holds at most one buffer (di_bp).
 */
struct fat_diriter {
	struct fat_mount *di_fmp;	/* volume */
	uint32_t	di_startcl;	/* first cluster, 0: fixed root */
	uint32_t	di_cl;		/* cluster of di_clidx (0: none yet) */
	uint32_t	di_clidx;	/* index of di_cl in the chain */
	uint64_t	di_index;	/* next slot to read */
	struct buf	*di_bp;		/* buffer of the last sector read */
	bool		di_dirty;	/* di_bp was changed: bdwrite it */
	/* Long name being assembled from LFN slots. */
	uint16_t	di_lfn[FAT_LFN_MAXSLOTS * FAT_LFN_CHARS];
	int		di_lfnslots;	/* slots of the sequence, 0: none */
	int		di_lfnnext;	/* ordinal expected next */
	uint8_t		di_lfncsum;	/* checksum the slots carry */
	uint64_t	di_lfnstart;	/* slot index of the sequence's start */
	uint32_t	di_lfnstartcl;	/* cluster holding it */
};

/* fat_name.c */
int	fat_utf16_to_utf8(const uint16_t *u, size_t n, char *out,
	    size_t outsz, size_t *outlen);
int	fat_utf8_next(const char **sp, const char *end, uint32_t *cpp);
int	fat_utf8_to_utf16(const char *s, size_t len, uint16_t *u,
	    size_t maxu, size_t *nu);
int	fat_shortname_to_utf8(const uint8_t name[11], uint8_t ntflags,
	    char *out, size_t outsz, size_t *outlen);
int	fat_label_to_utf8(const uint8_t name[11], char *out, size_t outsz,
	    size_t *outlen);
uint32_t fat_fold(uint32_t cp);
int	fat_unicode_to_oem(uint32_t cp);
bool	fat_name_eq(const char *a, size_t alen, const char *b, size_t blen);

/* fat_fat.c */
uint64_t fat_cluster_off(const struct fat_mount *fmp, uint32_t cl);
bool	fat_cluster_valid(const struct fat_mount *fmp, uint32_t cl);
int	fat_bread_fat(struct fat_mount *fmp, uint64_t base, uint64_t secoff,
	    struct buf **bpp);
int	fat_get(struct fat_mount *fmp, uint32_t cl, uint32_t *valp);
int	fat_get_many(struct fat_mount *fmp, uint32_t cl, uint32_t n,
	    uint32_t *vals);
int	fat_chain_next(struct fat_mount *fmp, uint32_t cl, uint32_t *nextp);
int	fat_chain_length(struct fat_mount *fmp, uint32_t startcl,
	    uint32_t *lenp);
int	fat_count_free(struct fat_mount *fmp, uint32_t *freep);
int	fat_bmap(struct fat_node *fn, int64_t off, int64_t len,
	    struct bmap *bm);

/* fat_alloc.c */
int	fat_set(struct fat_mount *fmp, uint32_t cl, uint32_t v);
int	fat_alloc_cluster(struct fat_mount *fmp, uint32_t near,
	    uint32_t *clp);
int	fat_alloc_run(struct fat_mount *fmp, uint32_t near, uint32_t want,
	    uint32_t *clp, uint32_t *np);
int	fat_free_chain(struct fat_mount *fmp, uint32_t cl);
int	fat_link(struct fat_mount *fmp, uint32_t prev, uint32_t cl);
int	fat_chain_cut(struct fat_mount *fmp, uint32_t startcl, uint32_t keep);
int	fat_rw_start(struct fat_mount *fmp);
int	fat_rw_sync(struct fat_mount *fmp);
int	fat_rw_finish(struct fat_mount *fmp);

/* fat_dir.c */
void	fat_diriter_init(struct fat_diriter *di, struct fat_mount *fmp,
	    uint32_t startcl, uint64_t index);
void	fat_diriter_done(struct fat_diriter *di);
void	fat_diriter_seek(struct fat_diriter *di, uint64_t index, uint32_t cl);
void	fat_diriter_initnode(struct fat_diriter *di, struct fat_node *dnode,
	    uint64_t index);
void	fat_diriter_remember(struct fat_diriter *di, struct fat_node *dnode);
int	fat_diriter_next(struct fat_diriter *di, struct fat_dname *dn);
int	fat_diriter_slotoff(struct fat_diriter *di, uint64_t index,
	    uint64_t *offp);
int	fat_diriter_slot(struct fat_diriter *di, uint64_t index,
	    const uint8_t **rawp, uint64_t *offp);
static inline void
fat_diriter_dirty(struct fat_diriter *di)
{
	di->di_dirty = true;
}
int	fat_dir_lookup(struct fat_node *dn, const char *name, size_t len,
	    uint64_t *keyp);
int	fat_dir_parent(struct fat_node *dn, uint64_t *keyp);
int	fat_volume_label(struct fat_mount *fmp, char *label, size_t size);
int	fat_read_slot(struct fat_mount *fmp, uint64_t devoff,
	    struct fat_dirent *de, uint8_t *byte0);

/* fat_dcache.c */
int	fat_dcache_lookup(struct fat_node *dnode, const char *name, size_t len,
	    uint64_t *devoffp);
void	fat_dcache_add(struct fat_node *dnode, const char *name, size_t len,
	    const uint8_t sn[11], uint8_t ntflags, uint64_t first,
	    uint32_t firstcl, uint64_t devoff);
void	fat_dcache_remove(struct fat_node *dnode, const char *name,
	    size_t len, uint64_t devoff);
void	fat_dcache_free(struct fat_node *dnode);
bool	fat_dcache_prime(struct fat_node *dnode);

/* fat_dirw.c */
int	fat_dir_addentry(struct fat_node *dnode, const char *name, size_t len,
	    struct fat_dirent *de, uint64_t *devoffp);
int	fat_dir_removeentry(struct fat_node *dnode, const char *name,
	    size_t len, uint64_t devoff);
int	fat_write_slot(struct fat_mount *fmp, uint64_t devoff,
	    const struct fat_dirent *de);
int	fat_dir_isempty(struct fat_node *dnode);
int	fat_dir_setlabel(struct fat_node *root, const uint8_t name[11]);
int	fat_dir_nsubdirs(struct fat_node *dnode, int64_t *np);
void	fat_dir_nsubdirs_adjust(struct fat_node *dnode, int delta);
bool	fat_slot_busy(struct fat_mount *fmp, uint64_t devoff);
uint64_t fat_key_of(struct fat_mount *fmp, uint64_t devoff);
uint64_t fat_devoff_of(struct fat_mount *fmp, uint64_t key);
int	fat_moved_set(struct fat_mount *fmp, uint64_t key, uint64_t devoff);
void	fat_moved_drop(struct fat_mount *fmp, uint64_t key);

/* fat_wnops.c */
int	fat_node_update(struct fat_node *fn);
int	fat_wbmap(struct vnode *vp, int64_t off, int64_t len, uint32_t flags,
	    struct bmap *bm);
int	fat_write(struct vnode *vp, struct uio *uio, int ioflag);
int	fat_setattr(struct vnode *vp, const struct vattr *vap);
int	fat_create(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
int	fat_mkdir(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
int	fat_remove(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	fat_rmdir(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	fat_rename(struct vnode *fdvp, struct componentname *fcnp,
	    struct vnode *fvp, struct vnode *tdvp, struct componentname *tcnp,
	    struct vnode *tvp, uint32_t flags);
int	fat_fsync(struct vnode *vp, int flags);
int	fat_symlink(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, const char *target, struct vnode **vpp);
int	fat_link_vop(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);

/* fat_xattr.c */
int	fat_getxattr(struct vnode *vp, const char *name, void *buf,
	    size_t size, size_t *retlen);
int	fat_setxattr(struct vnode *vp, const char *name, const void *buf,
	    size_t size, int flags);
int	fat_listxattr(struct vnode *vp, char *buf, size_t size,
	    size_t *retlen);
int	fat_removexattr(struct vnode *vp, const char *name);

/* fat_vnops.c */
extern const struct vnodeops fat_vnodeops;
int	fat_node_load(struct fat_mount *fmp, uint64_t key,
	    struct fat_node **fnp);
void	fat_node_free(struct fat_node *fn);

#endif /* !_FS_FATFS_FATFS_H_ */
