/*
 * vfs_internal.h: interfaces between the files of the VFS core.
 * Drivers never include this.
 */
#ifndef _VFS_VFS_INTERNAL_H_
#define _VFS_VFS_INTERNAL_H_

#include <sys/param.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/lwp.h>
#include <sys/file.h>

/* vfs_vnode.c */
int	vcache_init(void);
int	vflush(struct mount *mp);
void	vflush_abort(struct mount *mp);
bool	vcache_mount_empty(struct mount *mp);

/* vfs_mount.c: the mount lock guards v_mountedhere and the mount list. */
extern struct krwlock vfs_mountlock;
extern struct vnode *rootvnode;		/* root of the kernel namespace */
/* Root of the file system mounted on vp, held, or NULL. */
struct vnode *vfs_mounted_root(struct vnode *vp);

/* vfs_lookup.c */
#define NI_FOLLOW	0x01	/* follow a symlink in the last component */
#define NI_PARENT	0x02	/* stop at the parent of the last component */
#define NI_EMPTYPATH	0x04	/* "" means the start directory (AT_EMPTY_PATH) */
#define NI_DOTS		0x08	/* (out) last component is "." or ".." */
#define NI_TRAILSLASH	0x10	/* (out) path ended in '/' */
struct nameidata {
	int		 ni_dirfd;		/* start for relative paths */
	const char	*ni_path;		/* path to resolve */
	uint32_t	 ni_flags;		/* NI_* */
	struct vnode	*ni_vp;			/* out: result (held) */
	struct vnode	*ni_dvp;		/* out, NI_PARENT: parent (held) */
	char		 ni_name[NAME_MAX + 1];	/* out, NI_PARENT: last name */
	size_t		 ni_namelen;		/* its length */
};
/*
 * Resolve ni_path.  Without NI_PARENT: ni_vp is the file (held).  With
 * NI_PARENT: ni_dvp is the directory that holds (or would hold) the last
 * component, ni_name that component, ni_vp NULL; the caller locks ni_dvp
 * and looks the name up itself.
 */
int	namei(struct nameidata *ndp);
void	nameidone(struct nameidata *ndp);
int	namei_simple(int dirfd, const char *path, uint32_t flags,
	    struct vnode **vpp);

/* vfs_perm.c: permission checks. */
#define VEXEC	1
#define VWRITE	2
#define VREAD	4
int	vaccess(const struct vattr *va, int acc, const struct kcred *cr);
int	vn_access(struct vnode *vp, int acc, const struct kcred *cr);
/* Sticky-directory rule for removing/renaming vp out of dvp. */
int	vn_sticky_ok(const struct vattr *dva, const struct vattr *va,
	    const struct kcred *cr);
bool	cred_is_root(const struct kcred *cr);

/* vnode_if.c: checked calls into the driver. */
int	VOP_LOOKUP(struct vnode *dvp, struct componentname *cnp,
	    struct vnode **vpp);
int	VOP_CREATE(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
int	VOP_MKDIR(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
int	VOP_SYMLINK(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, const char *target, struct vnode **vpp);
int	VOP_LINK(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	VOP_REMOVE(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	VOP_RMDIR(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	VOP_RENAME(struct vnode *fdvp, struct componentname *fcnp,
	    struct vnode *fvp, struct vnode *tdvp, struct componentname *tcnp,
	    struct vnode *tvp, uint32_t flags);
int	VOP_GETATTR(struct vnode *vp, struct vattr *vap);
int	VOP_SETATTR(struct vnode *vp, const struct vattr *vap);
int	VOP_READ(struct vnode *vp, struct uio *uio, int ioflag);
int	VOP_WRITE(struct vnode *vp, struct uio *uio, int ioflag);
int	VOP_READDIR(struct vnode *vp, struct uio *uio, int *eofp);
int	VOP_READLINK(struct vnode *vp, struct uio *uio);
int	VOP_FSYNC(struct vnode *vp, int flags);
int	VOP_SEEK(struct vnode *vp, int64_t off, int whence, int64_t *res);
int	VOP_GETXATTR(struct vnode *vp, const char *name, void *buf,
	    size_t size, size_t *retlen);
int	VOP_SETXATTR(struct vnode *vp, const char *name, const void *buf,
	    size_t size, int flags);
int	VOP_LISTXATTR(struct vnode *vp, char *buf, size_t size,
	    size_t *retlen);
int	VOP_REMOVEXATTR(struct vnode *vp, const char *name);

/* vfs_syscalls*.c helpers */
int	vn_getattr_locked(struct vnode *vp, struct vattr *va);
int	vn_rdonly(struct vnode *vp);	/* EROFS if on a read-only mount */



/*
 * Every system call starts here: make sure the calling host thread has
 * its lwp (the first call of a new thread allocates it).
 */
#define SYSCALL_ENTER() do {						\
	int _error;							\
	if (curlwp_try(&_error) == NULL)				\
		return _error;						\
} while (0)

/* vfs_syscalls_file.c */
int	fd_getvnode(int fd, struct file **fpp);

/* vfs_mount.c */
int	vfs_do_mount(const char *fstype, struct vnode *vp, const char *path,
	    int flags, const char *source, const char *opts);
int	vfs_do_unmount(struct vnode *rootvp, int flags);

/*
 * vfs_mountdev.c: open the device of a mount from source and the device
 * options in opts (part=, offset=, sizelimit=); *drvopts (kmem, length
 * *drvoptslen) receives the other options, for the driver.  *devp is
 * NULL when source is empty.
 */
struct blkdev;
int	mountdev_open(const char *source, int flags, const char *opts,
	    char **drvopts, size_t *drvoptslen, struct blkdev **devp);
int	vfs_sync_all(void);
void	vfs_shutdown(void);
#endif /* !_VFS_VFS_INTERNAL_H_ */
