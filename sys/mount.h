/*
 * sys/mount.h: mounted file systems and the operations of a file system
 * type (vfsops).  A driver registers its vfsops from its component init.
 *
 * Locks protecting fields:
 *	m = vfs_mountlock (vfs/vfs_mount.c; exclusive to change)
 *	c = vcache_lock (vfs/vfs_vnode.c)
 *	r = mnt_renamelock (serialises renames in this file system)
 *	I = immutable after mount
 */
#ifndef _SYS_MOUNT_H_
#define _SYS_MOUNT_H_

#include <sys/param.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <sys/vattr.h>
#include <sys/fcntl.h>

struct vnode;
struct blkdev;

/* Capabilities, for the conformance suite and for clients. */
#define VFSCAP_WRITE	0x0001	/* can be mounted read-write */
#define VFSCAP_SYMLINK	0x0002	/* symbolic links */
#define VFSCAP_HARDLINK	0x0004	/* hard links */
#define VFSCAP_XATTR	0x0008	/* extended attributes */
#define VFSCAP_SPARSE	0x0010	/* holes are stored, SEEK_HOLE works */
#define VFSCAP_SPECIAL	0x0020	/* device nodes, fifos, sockets */
#define VFSCAP_OWNERS	0x0040	/* per-file owner, group, mode */
#define VFSCAP_NSEC	0x0080	/* nanosecond timestamps */
#define VFSCAP_EXCHANGE	0x0100	/* RENAME_EXCHANGE */
#define VFSCAP_NODEV	0x0200	/* mounts without a block device */

struct mount;

struct vfsops {
	const char	*vfs_name;	/* canonical type name: "ext4" */
	const char *const *vfs_aliases;	/* other names, NULL-terminated */
	uint32_t	 vfs_caps;	/* VFSCAP_* */
	/*
	 * Probe dev for this file system by its magic numbers; 0 if found,
	 * EFTYPE if not, or an I/O errno.  NULL for device-less types.
	 */
	int	(*vfs_probe)(struct blkdev *dev);
	/*
	 * Mount: read the superblock from dev (NULL for tmpfs), parse opts
	 * (comma-separated, may be NULL), set mp->mnt_data, mnt_fsid.  On
	 * error nothing is left allocated.
	 */
	int	(*vfs_mount)(struct mount *mp, struct blkdev *dev,
		    const char *opts);
	/* All vnodes are released when called (MNT_FORCE: not enforced). */
	int	(*vfs_unmount)(struct mount *mp, int flags);
	int	(*vfs_root)(struct mount *mp, struct vnode **vpp);
	int	(*vfs_statvfs)(struct mount *mp, struct kstatvfs *sbp);
	/* Write all dirty data and metadata and flush the device. */
	int	(*vfs_sync)(struct mount *mp);
	/*
	 * Called by vcache_get for a vnode not in the cache: look up the
	 * file with this key (inode number) and set v_type, v_op, v_data.
	 */
	int	(*vfs_loadvnode)(struct mount *mp, struct vnode *vp,
		    uint64_t key);
};

struct mount {
	TAILQ_ENTRY(mount) mnt_list;		/* [m] mount list */
	const struct vfsops *mnt_op;		/* [I] type */
	struct vnode	*mnt_vnodecovered;	/* [I] mounted on (held) */
	struct vnode	*mnt_rootvp;		/* [I] root (held) */
	struct blkdev	*mnt_dev;		/* [I] device or NULL */
	void		*mnt_data;		/* [I] driver's mount */
	uint32_t	 mnt_flag;		/* [I] MNT_* */
	uint64_t	 mnt_fsid;		/* [I] file system id */
	bool		 mnt_unmounting;	/* [c] unmount in progress */
	struct kmutex	 mnt_renamelock;	/* serialises renames */
	TAILQ_HEAD(, vnode) mnt_vnodes;		/* [c] all cached vnodes */
	char		 mnt_path[PATH_MAX];	/* [I] where mounted */
};

int	vfs_register(const struct vfsops *ops);
const struct vfsops *vfs_getopsbyname(const char *name);
/* Iterate registered types: i from 0 until NULL. */
const struct vfsops *vfs_getopsbyindex(int i);
/* Probe dev with every registered type; the first match or EFTYPE. */
int	vfs_probe_all(struct blkdev *dev, const struct vfsops **opsp);

/* Mount-option parsing helper: next "key[=value]" of a comma list. */
int	vfs_opt_next(const char **optsp, char *key, size_t keylen,
	    char *val, size_t vallen, bool *hasval);
/*
 * Call fn(arg, key, value, hasval) for each option of the comma list opts
 * (NULL: none).  A malformed or too long option, or an error from fn,
 * is reported on the console as "<fsname>: bad mount option ..." and
 * returned (EINVAL for a malformed one).
 */
#define VFS_OPT_KEYLEN	64
#define VFS_OPT_VALLEN	128
int	vfs_opts_foreach(const char *opts, const char *fsname,
	    int (*fn)(void *arg, const char *key, const char *val,
	    bool hasval), void *arg);

#endif /* !_SYS_MOUNT_H_ */
