/*
 * ffs_w.h: what the name layer's files (ffs_dirw.c, ffs_wnops.c,
 * ffs_wrename.c, ffs_xattr_w.c) share with each other, with the read
 * side of extended attributes (ffs_xattr.c) and with the vnodeops table
 * in ffs_vnops.c.  The interface to the allocation layer is in ffs.h.
 */
#ifndef _FS_FFS_FFS_W_H_
#define _FS_FFS_FFS_W_H_

#include "fs/ffs/ffs.h"

#define FFS_LINK_MAX	32767	/* UFS_LINK_MAX: di_nlink is an int16_t */

/* ffs_dirw.c: an entry added, records moved or not. */
int	ffs_dir_enter_c(struct ffs_node *dp, const char *name, size_t namelen,
	    uint32_t ino, enum vtype type, bool compact);
int	ffs_dir_enter_vp(struct vnode *dvp, const char *name, size_t namelen,
	    uint32_t ino, enum vtype type);

/* ffs_xattr.c (read side), ffs_xattr_w.c: UFS2 extended attributes. */
#define FFS_EA_USER	1
#define FFS_EA_SYSTEM	2
struct ffs_ea {			/* one decoded record */
	char		 ea_name[16 + 256];	/* namespace prefix + name */
	size_t		 ea_namelen;
	const uint8_t	*ea_value;
	uint32_t	 ea_valuelen;
};
int	ffs_ea_read(struct ffs_node *fn, uint8_t **areap);
int	ffs_ea_next(struct ffs_node *fn, const uint8_t *area, uint32_t size,
	    uint32_t *offp, struct ffs_ea *ea);
int	ffs_ea_release(struct ffs_node *fn);
int	ffs_setxattr(struct vnode *vp, const char *name, const void *buf,
	    size_t size, int flags);
int	ffs_removexattr(struct vnode *vp, const char *name);

/* ffs_wnops.c: helpers. */
bool	ffs_writable(const struct ffs_node *fn);
bool	ffs_fastlink(const struct ffs_node *fn);
void	ffs_di_ptrs_from_bytes(const struct ffs_mount *fm,
	    struct ffs_dinode *di);
void	ffs_di_ptrs_clear(const struct ffs_mount *fm, struct ffs_dinode *di);
void	ffs_setlinks(struct ffs_node *fn, uint32_t n);
int	ffs_dir_touch(struct ffs_node *dp);
int	ffs_droplink(struct ffs_node *fn);
void	ffs_abandon(struct vnode *vp);

/* ffs_wnops.c, ffs_wrename.c: vnode operations. */
int	ffs_create(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
int	ffs_mkdir(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, struct vnode **vpp);
int	ffs_symlink(struct vnode *dvp, struct componentname *cnp,
	    const struct vattr *vap, const char *target, struct vnode **vpp);
int	ffs_link(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	ffs_remove(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	ffs_rmdir(struct vnode *dvp, struct componentname *cnp,
	    struct vnode *vp);
int	ffs_rename(struct vnode *fdvp, struct componentname *fcnp,
	    struct vnode *fvp, struct vnode *tdvp, struct componentname *tcnp,
	    struct vnode *tvp, uint32_t flags);
int	ffs_setattr(struct vnode *vp, const struct vattr *vap);
int	ffs_inactive(struct vnode *vp, bool *recycle);
int	ffs_reclaim(struct vnode *vp);

#endif /* !_FS_FFS_FFS_W_H_ */
