/*
 * ext2_wrename.c: the vnode operations that take names away: remove,
 * rmdir and rename (replacing a target, moving directories with their
 * ".." and the link counts of both parents, RENAME_EXCHANGE).
 *
 * A name removed drops one link; at 0 the inode goes on the on-disk
 * orphan list (ext2_orphan.c), the vnode is recycled when its last
 * reference goes and the inode freed then (ext2_wnops.c).  With
 * dir_nlink a directory whose count overflowed stays at 1.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/fcntl.h>
#include "fs/ext2fs/ext2fs.h"

/* One link of en fewer; at 0 its vnode goes (and the inode with it). */
static int
ext2_droplink(struct vnode *vp, bool dir)
{
	struct ext2_node *en = VTOE(vp);

	if (dir || en->en_di.di_links <= 1) {
		ext2_node_setlinks(en, 0);
		ext2_orphan_add(en);	/* until the vnode goes */
		vrecycle_later(vp);
	} else
		ext2_node_setlinks(en, en->en_di.di_links - 1);
	ext2_node_touch(en, false, true);
	return ext2_node_write(en);
}

/* A subdirectory left dp: one link fewer (not below 2; 1 stays 1). */
static void
ext2_parent_droplink(struct ext2_node *dp)
{
	if (dp->en_di.di_links > 2)
		ext2_node_setlinks(dp, dp->en_di.di_links - 1);
}

static void
ext2_parent_addlink(struct ext2_node *dp)
{
	uint16_t links = dp->en_di.di_links;

	if (links != 1)
		ext2_node_setlinks(dp, links + 1 >= EXT2_LINK_MAX ? 1 :
		    links + 1);
}

/* vop_remove: dvp and vp locked exclusive. */
int
ext2_remove(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct ext2_node *dp = VTOE(dvp);
	int error;

	if (VTOE(vp)->en_type == VDIR)
		return EISDIR;
	if ((error = ext2_dir_remove(dp, cnp->cn_nameptr,
	    cnp->cn_namelen)) != 0)
		return error;
	if ((error = ext2_droplink(vp, false)) != 0)
		return error;
	return ext2_dir_touch(dp);
}

/* vop_rmdir: dvp and vp locked exclusive. */
int
ext2_rmdir(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	struct ext2_node *dp = VTOE(dvp);
	int error;

	if (VTOE(vp)->en_type != VDIR)
		return ENOTDIR;
	if ((error = ext2_dir_isempty(VTOE(vp))) != 0)
		return error;
	if ((error = ext2_dir_remove(dp, cnp->cn_nameptr,
	    cnp->cn_namelen)) != 0)
		return error;
	if ((error = ext2_droplink(vp, true)) != 0)
		return error;
	ext2_parent_droplink(dp);
	return ext2_dir_touch(dp);
}

/* A directory moved from fdp to tdp: its ".." and the link counts. */
static int
ext2_rename_dir(struct ext2_node *en, struct ext2_node *fdp,
    struct ext2_node *tdp)
{
	int error;

	if (fdp == tdp)
		return 0;
	if ((error = ext2_dir_setino(en, "..", 2, tdp->en_ino, VDIR)) != 0)
		return error;
	ext2_parent_droplink(fdp);
	ext2_parent_addlink(tdp);
	return 0;
}

/* RENAME_EXCHANGE: swap the inodes the two entries name. */
static int
ext2_exchange(struct ext2_node *fdp, struct componentname *fcnp,
    struct ext2_node *fn, struct ext2_node *tdp, struct componentname *tcnp,
    struct ext2_node *tn)
{
	int error;

	if ((error = ext2_dir_setino(tdp, tcnp->cn_nameptr, tcnp->cn_namelen,
	    fn->en_ino, fn->en_type)) != 0 ||
	    (error = ext2_dir_setino(fdp, fcnp->cn_nameptr, fcnp->cn_namelen,
	    tn->en_ino, tn->en_type)) != 0)
		return error;
	if (fn->en_type == VDIR && (error = ext2_rename_dir(fn, fdp,
	    tdp)) != 0)
		return error;
	if (tn->en_type == VDIR && (error = ext2_rename_dir(tn, tdp,
	    fdp)) != 0)
		return error;
	ext2_node_touch(tn, false, true);
	return ext2_node_write(tn);
}

/* vop_rename: all locked exclusive; see sys/vnode.h for the checks. */
int
ext2_rename(struct vnode *fdvp, struct componentname *fcnp, struct vnode *fvp,
    struct vnode *tdvp, struct componentname *tcnp, struct vnode *tvp,
    uint32_t flags)
{
	struct ext2_node *fdp = VTOE(fdvp), *tdp = VTOE(tdvp), *fn = VTOE(fvp);
	bool isdir = fn->en_type == VDIR;
	int error;

	if (flags & ~(uint32_t)RENAME_EXCHANGE)
		return EINVAL;
	/* Inline directories get a block first (ext2_uninline.c). */
	if (fdp->en_inline != NULL && (error = ext2_uninline(fdp)) != 0)
		return error;
	if (tdp->en_inline != NULL && (error = ext2_uninline(tdp)) != 0)
		return error;
	if (isdir && fn->en_inline != NULL &&
	    (error = ext2_uninline(fn)) != 0)
		return error;
	if (tdp->en_di.di_links == 0)
		return ENOENT;
	if (flags & RENAME_EXCHANGE)
		error = ext2_exchange(fdp, fcnp, fn, tdp, tcnp, VTOE(tvp));
	else if (tvp != NULL) {
		if (VTOE(tvp)->en_type == VDIR &&
		    (error = ext2_dir_isempty(VTOE(tvp))) != 0)
			return error;
		error = ext2_dir_setino(tdp, tcnp->cn_nameptr,
		    tcnp->cn_namelen, fn->en_ino, fn->en_type);
		if (error == 0 && VTOE(tvp)->en_type == VDIR)
			ext2_parent_droplink(tdp);
		if (error == 0)
			error = ext2_droplink(tvp, VTOE(tvp)->en_type == VDIR);
		if (error == 0)
			error = ext2_dir_remove(fdp, fcnp->cn_nameptr,
			    fcnp->cn_namelen);
		if (error == 0 && isdir)
			error = ext2_rename_dir(fn, fdp, tdp);
	} else {
		if (isdir && tdp != fdp && tdp->en_di.di_links >=
		    EXT2_LINK_MAX && !ext2_dir_nlink(tdp->en_mount))
			return EMLINK;
		error = ext2_dir_add(tdp, tcnp->cn_nameptr, tcnp->cn_namelen,
		    fn->en_ino, fn->en_type);
		if (error == 0)
			error = ext2_dir_remove(fdp, fcnp->cn_nameptr,
			    fcnp->cn_namelen);
		if (error == 0 && isdir)
			error = ext2_rename_dir(fn, fdp, tdp);
	}
	if (error != 0)
		return error;
	ext2_node_touch(fn, false, true);
	if ((error = ext2_node_write(fn)) != 0 ||
	    (error = ext2_dir_touch(fdp)) != 0)
		return error;
	return tdp != fdp ? ext2_dir_touch(tdp) : 0;
}
