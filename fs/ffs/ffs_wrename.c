/*
 * ffs_wrename.c: vop_rename: a plain move, replacing a target (a file,
 * or an empty directory), directories moving between parents with their
 * ".." rewritten and both parents' link counts, and RENAME_EXCHANGE.
 *
 * Order, as ufs_rename keeps it: the new name is made (or the target's
 * entry rewritten) before the old name goes, so a failure part way
 * leaves the file under at least one name.  A replaced target loses a
 * link; at 0 its vnode is recycled when released and reclaim frees it
 * (ffs_wnops.c).
 */
#include <sys/systm.h>
#include <sys/fcntl.h>
#include "fs/ffs/ffs.h"
#include "fs/ffs/ffs_w.h"

/* A directory moved from fdp to tdp: its ".." and the link counts. */
static int
ffs_rename_dir(struct ffs_node *fn, struct ffs_node *fdp,
    struct ffs_node *tdp)
{
	int error;

	if (fdp == tdp)
		return 0;
	if ((error = ffs_dir_rewrite(fn, "..", 2, tdp->fn_ino, VDIR)) != 0)
		return error;
	if (fdp->fn_di.di_nlink > 0)
		ffs_setlinks(fdp, fdp->fn_di.di_nlink - 1U);
	ffs_setlinks(tdp, tdp->fn_di.di_nlink + 1U);
	return 0;
}

/* RENAME_EXCHANGE: the two entries swap the inodes they name. */
static int
ffs_exchange(struct ffs_node *fdp, struct componentname *fcnp,
    struct ffs_node *fn, struct ffs_node *tdp, struct componentname *tcnp,
    struct ffs_node *tn)
{
	int error;

	/* A directory gaining a subdirectory must have a link to spare. */
	if (fdp != tdp && fn->fn_type != tn->fn_type &&
	    ((fn->fn_type == VDIR && tdp->fn_di.di_nlink >= FFS_LINK_MAX) ||
	    (tn->fn_type == VDIR && fdp->fn_di.di_nlink >= FFS_LINK_MAX)))
		return EMLINK;
	if ((error = ffs_dir_rewrite(tdp, tcnp->cn_nameptr, tcnp->cn_namelen,
	    fn->fn_ino, fn->fn_type)) != 0)
		return error;
	if ((error = ffs_dir_rewrite(fdp, fcnp->cn_nameptr, fcnp->cn_namelen,
	    tn->fn_ino, tn->fn_type)) != 0)
		return error;
	if (fn->fn_type == VDIR &&
	    (error = ffs_rename_dir(fn, fdp, tdp)) != 0)
		return error;
	if (tn->fn_type == VDIR &&
	    (error = ffs_rename_dir(tn, tdp, fdp)) != 0)
		return error;
	ffs_node_touch(tn, FFS_T_CTIME);
	return ffs_node_update(tn);
}

/* Rename onto an existing target tvp: its entry now names fn. */
static int
ffs_replace(struct ffs_node *fdp, struct componentname *fcnp,
    struct ffs_node *fn, struct ffs_node *tdp, struct componentname *tcnp,
    struct vnode *tvp)
{
	struct ffs_node *tn = VTOF(tvp);
	bool empty;
	int error;

	if (tn->fn_type == VDIR) {
		if ((error = ffs_dir_isempty(tn, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	}
	if ((error = ffs_dir_rewrite(tdp, tcnp->cn_nameptr, tcnp->cn_namelen,
	    fn->fn_ino, fn->fn_type)) != 0)
		return error;
	if (tn->fn_type == VDIR) {
		/* Its entry and "." go, and its ".." from tdp. */
		ffs_setlinks(tn, 0);
		if (tdp->fn_di.di_nlink > 0)
			ffs_setlinks(tdp, tdp->fn_di.di_nlink - 1U);
		ffs_node_touch(tn, FFS_T_CTIME);
		error = ffs_node_update(tn);
	} else
		error = ffs_droplink(tn);
	if (error == 0)
		error = ffs_dir_remove(fdp, fcnp->cn_nameptr, fcnp->cn_namelen);
	if (error == 0 && fn->fn_type == VDIR)
		error = ffs_rename_dir(fn, fdp, tdp);
	return error;
}

/* A plain move to a name that does not exist. */
static int
ffs_move(struct ffs_node *fdp, struct componentname *fcnp,
    struct ffs_node *fn, struct vnode *tdvp, struct componentname *tcnp)
{
	struct ffs_node *tdp = VTOF(tdvp);
	int error;

	if (fn->fn_type == VDIR && fdp != tdp &&
	    tdp->fn_di.di_nlink >= FFS_LINK_MAX)
		return EMLINK;
	if ((error = ffs_dir_enter_vp(tdvp, tcnp->cn_nameptr,
	    tcnp->cn_namelen, fn->fn_ino, fn->fn_type)) != 0)
		return error;
	if ((error = ffs_dir_remove(fdp, fcnp->cn_nameptr,
	    fcnp->cn_namelen)) != 0)
		return error;
	if (fn->fn_type == VDIR)
		error = ffs_rename_dir(fn, fdp, tdp);
	return error;
}

/* vop_rename: all locked exclusive; see sys/vnode.h for the checks. */
int
ffs_rename(struct vnode *fdvp, struct componentname *fcnp, struct vnode *fvp,
    struct vnode *tdvp, struct componentname *tcnp, struct vnode *tvp,
    uint32_t flags)
{
	struct ffs_node *fdp = VTOF(fdvp), *tdp = VTOF(tdvp), *fn = VTOF(fvp);
	int error;

	if (flags & ~(uint32_t)RENAME_EXCHANGE)
		return EINVAL;
	if (tcnp->cn_namelen > FFS_MAXNAMLEN)
		return ENAMETOOLONG;
	if (tdp->fn_di.di_nlink == 0)
		return ENOENT;
	if (flags & RENAME_EXCHANGE) {
		if (tvp == NULL)
			return EINVAL;
		error = ffs_exchange(fdp, fcnp, fn, tdp, tcnp, VTOF(tvp));
	} else if (tvp != NULL)
		error = ffs_replace(fdp, fcnp, fn, tdp, tcnp, tvp);
	else
		error = ffs_move(fdp, fcnp, fn, tdvp, tcnp);
	if (error != 0)
		return error;
	ffs_node_touch(fn, FFS_T_CTIME);
	if ((error = ffs_node_update(fn)) != 0 ||
	    (error = ffs_dir_touch(fdp)) != 0)
		return error;
	return tdp != fdp ? ffs_dir_touch(tdp) : 0;
}
