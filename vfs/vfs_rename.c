/*
 * vfs_rename.c: rename(2) and renameat2(2).
 *
 * Rename is the one operation that locks two directories.  It first
 * takes the file system's mnt_renamelock, so no other rename can change
 * the shape of the tree; then the ancestry tests below are stable, and
 * the two directories are locked ancestor first (either order when
 * neither contains the other), then the two children.  Every other
 * operation locks parent before child, so this order cannot deadlock.
 */
#include <sys/systm.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/kapi.h>
#include "vfs/vfs_internal.h"

/*
 * Whether directory anc is dp or one of its ancestors within dp's file
 * system.  Walks ".." from dp (held by the caller), holding no other lock.
 */
static int
vn_is_ancestor(struct vnode *anc, struct vnode *dp, bool *res)
{
	struct componentname cn = { "..", 2, kcred_root };
	struct vnode *vp, *pvp;
	int error = 0;

	*res = false;
	vref(dp);
	vp = dp;
	for (;;) {
		if (vp == anc) {
			*res = true;
			break;
		}
		if (vp == vp->v_mount->mnt_rootvp)
			break;
		vn_lock(vp, RW_READER);
		error = VOP_LOOKUP(vp, &cn, &pvp);
		vn_unlock(vp);
		if (error != 0)
			break;
		vrele(vp);
		if (pvp == vp)	/* a root that is not the mount's root */
			break;
		vp = pvp;
	}
	vrele(vp);
	return error;
}

struct rename_args {
	struct nameidata	 ra_fnd, ra_tnd;	/* parents, names */
	struct componentname	 ra_fcn, ra_tcn;
	struct vnode		*ra_fvp, *ra_tvp;	/* children */
	uint32_t		 ra_flags;		/* RENAME_* */
	bool			 ra_tdvp_first;		/* lock order */
	bool			 ra_fvp_anc;	/* source contains target dir */
	bool			 ra_tvp_anc;	/* target contains source dir */
};

/* Permission and type checks, with everything locked. */
static int
rename_check(struct rename_args *ra, struct kcred *cr)
{
	struct vnode *fdvp = ra->ra_fnd.ni_dvp, *tdvp = ra->ra_tnd.ni_dvp;
	struct vnode *fvp = ra->ra_fvp, *tvp = ra->ra_tvp;
	struct vattr fdva, tdva, fva, tva;
	int error;

	if ((error = vn_rdonly(fdvp)) != 0 ||
	    (error = VOP_GETATTR(fdvp, &fdva)) != 0 ||
	    (error = VOP_GETATTR(tdvp, &tdva)) != 0 ||
	    (error = VOP_GETATTR(fvp, &fva)) != 0 ||
	    (error = vaccess(&fdva, VWRITE | VEXEC, cr)) != 0 ||
	    (error = vaccess(&tdva, VWRITE | VEXEC, cr)) != 0 ||
	    (error = vn_sticky_ok(&fdva, &fva, cr)) != 0)
		return error;
	if (tvp != NULL) {
		if ((error = VOP_GETATTR(tvp, &tva)) != 0 ||
		    (error = vn_sticky_ok(&tdva, &tva, cr)) != 0)
			return error;
		if (tvp->v_mountedhere != NULL)
			return EBUSY;
		if (!(ra->ra_flags & RENAME_EXCHANGE)) {
			if (fvp->v_type == VDIR && tvp->v_type != VDIR)
				return ENOTDIR;
			if (fvp->v_type != VDIR && tvp->v_type == VDIR)
				return EISDIR;
		}
	}
	if (fvp->v_mountedhere != NULL)
		return EBUSY;
	/* Moving a directory to a new parent rewrites its "..". */
	if (fdvp != tdvp && fvp->v_type == VDIR &&
	    (error = vaccess(&fva, VWRITE, cr)) != 0)
		return error;
	if (fdvp != tdvp && tvp != NULL && tvp->v_type == VDIR &&
	    (ra->ra_flags & RENAME_EXCHANGE) &&
	    (error = vaccess(&tva, VWRITE, cr)) != 0)
		return error;
	return 0;
}

/* Lock the directories in ancestor order, look up the children. */
static int
rename_lock(struct rename_args *ra)
{
	struct vnode *fdvp = ra->ra_fnd.ni_dvp, *tdvp = ra->ra_tnd.ni_dvp;
	struct vnode *first, *second;
	int error;

	first = ra->ra_tdvp_first ? tdvp : fdvp;
	second = ra->ra_tdvp_first ? fdvp : tdvp;
	vn_lock(first, RW_WRITER);
	if (second != first)
		vn_lock(second, RW_WRITER);
	ra->ra_fvp = ra->ra_tvp = NULL;
	if ((error = VOP_LOOKUP(fdvp, &ra->ra_fcn, &ra->ra_fvp)) != 0)
		goto out_unlock;
	error = VOP_LOOKUP(tdvp, &ra->ra_tcn, &ra->ra_tvp);
	if (error == ENOENT) {
		ra->ra_tvp = NULL;
		error = 0;
	}
	if (error == 0)
		return 0;
	vrele(ra->ra_fvp);
	ra->ra_fvp = NULL;
out_unlock:
	if (second != first)
		vn_unlock(second);
	vn_unlock(first);
	return error;
}

static void
rename_unlock(struct rename_args *ra)
{
	if (ra->ra_fnd.ni_dvp != ra->ra_tnd.ni_dvp)
		vn_unlock(ra->ra_tnd.ni_dvp);
	vn_unlock(ra->ra_fnd.ni_dvp);
}

/*
 * Lock fvp and tvp (tvp may be NULL).  A directory goes before a
 * non-directory: a hard-linked file can be both the sibling of a
 * directory here and its child elsewhere, and unlink/link lock the
 * directory first.  Two of a kind (neither contains the other, which
 * rename_prepare made sure of) go in address order.
 */
static void
rename_lock_children(struct vnode *fvp, struct vnode *tvp)
{
	struct vnode *first = fvp, *second = tvp;

	if (tvp == NULL) {
		vn_lock(fvp, RW_WRITER);
		return;
	}
	if ((fvp->v_type == VDIR) == (tvp->v_type == VDIR) ?
	    tvp < fvp : tvp->v_type == VDIR) {
		first = tvp;
		second = fvp;
	}
	vn_lock(first, RW_WRITER);
	vn_lock(second, RW_WRITER);
}

/*
 * With the directories locked and the children found: the checks that
 * need the children, then the driver's rename.
 */
static int
rename_do(struct rename_args *ra, struct kcred *cr)
{
	struct vnode *fdvp = ra->ra_fnd.ni_dvp, *tdvp = ra->ra_tnd.ni_dvp;
	struct vnode *fvp = ra->ra_fvp, *tvp = ra->ra_tvp;
	int error;

	if (fvp == tvp)
		return 0;	/* same file: nothing to do (POSIX) */
	if ((ra->ra_flags & RENAME_NOREPLACE) && tvp != NULL)
		return EEXIST;
	if ((ra->ra_flags & RENAME_EXCHANGE) && tvp == NULL)
		return ENOENT;
	if (fvp->v_type != VDIR &&
	    ((ra->ra_fnd.ni_flags | ra->ra_tnd.ni_flags) & NI_TRAILSLASH))
		return ENOTDIR;
	/* The source contains the target's directory. */
	if (ra->ra_fvp_anc)
		return EINVAL;
	/* The target contains the source: it is not empty (Linux order). */
	if (ra->ra_tvp_anc)
		return (ra->ra_flags & RENAME_EXCHANGE) ? EINVAL : ENOTEMPTY;
	rename_lock_children(fvp, tvp);
	error = rename_check(ra, cr);
	if (error == 0)
		error = VOP_RENAME(fdvp, &ra->ra_fcn, fvp, tdvp, &ra->ra_tcn,
		    tvp, ra->ra_flags & RENAME_EXCHANGE);
	vn_unlock(fvp);
	if (tvp != NULL)
		vn_unlock(tvp);
	return error;
}

/*
 * The unlocked preparation, under mnt_renamelock (so no other rename
 * changes the tree): the lock order of the two directories, and whether
 * either child is a directory containing the other side's directory.
 * The children found here are checked again once locked (the caller
 * retries if another thread replaced one meanwhile).
 */
static int
rename_prepare(struct rename_args *ra, struct vnode **fvpp,
    struct vnode **tvpp)
{
	struct vnode *fdvp = ra->ra_fnd.ni_dvp, *tdvp = ra->ra_tnd.ni_dvp;
	bool anc;
	int error;

	*fvpp = *tvpp = NULL;
	ra->ra_tdvp_first = false;
	ra->ra_fvp_anc = ra->ra_tvp_anc = false;
	if (fdvp == tdvp)
		return 0;
	if ((error = vn_is_ancestor(tdvp, fdvp, &anc)) != 0)
		return error;
	ra->ra_tdvp_first = anc;
	if (!anc) {
		if ((error = vn_is_ancestor(fdvp, tdvp, &anc)) != 0)
			return error;
		ra->ra_tdvp_first = !anc && tdvp < fdvp;
	}
	vn_lock(fdvp, RW_READER);
	error = VOP_LOOKUP(fdvp, &ra->ra_fcn, fvpp);
	vn_unlock(fdvp);
	if (error != 0)
		return error;
	if ((*fvpp)->v_type == VDIR &&
	    (error = vn_is_ancestor(*fvpp, tdvp, &ra->ra_fvp_anc)) != 0)
		return error;
	vn_lock(tdvp, RW_READER);
	error = VOP_LOOKUP(tdvp, &ra->ra_tcn, tvpp);
	vn_unlock(tdvp);
	if (error == ENOENT) {
		*tvpp = NULL;
		return 0;
	}
	if (error != 0)
		return error;
	if ((*tvpp)->v_type == VDIR)
		error = vn_is_ancestor(*tvpp, fdvp, &ra->ra_tvp_anc);
	return error;
}

/* Resolve both parents (held in ra) and check what needs no lock. */
static int
rename_lookup_parents(struct rename_args *ra, int fromfd, const char *from,
    int tofd, const char *to)
{
	int error;

	ra->ra_fnd.ni_dirfd = fromfd;
	ra->ra_fnd.ni_path = from;
	ra->ra_fnd.ni_flags = NI_PARENT;
	ra->ra_tnd.ni_dirfd = tofd;
	ra->ra_tnd.ni_path = to;
	ra->ra_tnd.ni_flags = NI_PARENT;
	if ((error = namei(&ra->ra_fnd)) != 0)
		return error;
	if ((error = namei(&ra->ra_tnd)) != 0) {
		nameidone(&ra->ra_fnd);
		return error;
	}
	/* "." or ".." on either side: busy (Linux), or EEXIST if asked. */
	if (ra->ra_fnd.ni_flags & NI_DOTS)
		error = EBUSY;
	else if (ra->ra_tnd.ni_flags & NI_DOTS)
		error = (ra->ra_flags & RENAME_NOREPLACE) ? EEXIST : EBUSY;
	else if (ra->ra_fnd.ni_dvp->v_mount != ra->ra_tnd.ni_dvp->v_mount)
		error = EXDEV;
	else
		error = vn_rdonly(ra->ra_fnd.ni_dvp);
	if (error != 0) {
		nameidone(&ra->ra_fnd);
		nameidone(&ra->ra_tnd);
	}
	return error;
}

int
sys_renameat2(int fromfd, const char *from, int tofd, const char *to,
    uint32_t flags)
{
	struct kcred *cr = kauth_cred_get();
	struct vnode *pfvp, *ptvp;
	struct rename_args ra;
	struct mount *mp;
	int error, tries;

	SYSCALL_ENTER();
	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0 ||
	    flags == (RENAME_NOREPLACE | RENAME_EXCHANGE))
		return EINVAL;
	ra.ra_flags = flags;
	if ((error = rename_lookup_parents(&ra, fromfd, from, tofd, to)))
		return error;
	ra.ra_fcn = (struct componentname){ ra.ra_fnd.ni_name,
	    ra.ra_fnd.ni_namelen, cr };
	ra.ra_tcn = (struct componentname){ ra.ra_tnd.ni_name,
	    ra.ra_tnd.ni_namelen, cr };
	mp = ra.ra_fnd.ni_dvp->v_mount;
	mutex_enter(&mp->mnt_renamelock);
	/*
	 * The children found unlocked by rename_prepare may have been
	 * replaced (unlink + create by another thread) before the locked
	 * lookup: then the ancestry test is redone.
	 */
	for (tries = 0;; tries++) {
		error = rename_prepare(&ra, &pfvp, &ptvp);
		if (error == 0)
			error = rename_lock(&ra);
		if (error == 0 && tries < 8 && ((pfvp != NULL &&
		    pfvp != ra.ra_fvp) || (ptvp != NULL &&
		    ptvp != ra.ra_tvp))) {
			rename_unlock(&ra);
			vrele(ra.ra_fvp);
			if (ra.ra_tvp != NULL)
				vrele(ra.ra_tvp);
			error = EAGAIN;
		}
		if (pfvp != NULL)
			vrele(pfvp);
		if (ptvp != NULL)
			vrele(ptvp);
		if (error != EAGAIN)
			break;
	}
	if (error == 0) {
		error = rename_do(&ra, cr);
		rename_unlock(&ra);
		vrele(ra.ra_fvp);
		if (ra.ra_tvp != NULL)
			vrele(ra.ra_tvp);
	}
	mutex_exit(&mp->mnt_renamelock);
	nameidone(&ra.ra_fnd);
	nameidone(&ra.ra_tnd);
	return error;
}
