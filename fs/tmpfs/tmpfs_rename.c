/*
 * tmpfs_rename.c: rename, renameat2 with RENAME_EXCHANGE.
 *
 * The VFS holds mnt_renamelock and all four vnodes exclusive, and has
 * checked permissions, that no directory moves into its own subtree, the
 * type compatibility of source and target, RENAME_NOREPLACE, and that
 * source and target are different files (vop_rename in sys/vnode.h).
 * Here the entries are found again and checked to name the vnodes, a
 * replaced directory must be empty, and then the entries, the ".." of a
 * moved directory and the link counts change together.  Every check and
 * the one allocation come before the first change, so an error leaves
 * the tree as it was.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include "fs/tmpfs/tmpfs.h"

/*
 * The entry named cnp in directory dn, which must name tn (or be absent
 * when tn is NULL).  ENOENT if the tree changed under the VFS's feet.
 */
static int
tmpfs_rename_entry(struct tmpfs_node *dn, struct componentname *cnp,
    struct tmpfs_node *tn, struct tmpfs_dirent **dep)
{
	struct tmpfs_dirent *de;

	if (dn->tn_type != VDIR)
		return ENOTDIR;
	de = tmpfs_dir_lookup(dn, cnp->cn_nameptr, cnp->cn_namelen);
	if (tn == NULL) {
		if (de != NULL)
			return EEXIST;
	} else if (de == NULL || de->td_node != tn)
		return ENOENT;
	*dep = de;
	return 0;
}

/*
 * Swap the files named by fde (in fdn) and tde (in tdn).  A directory
 * that changes parent gets a new ".." and moves one link from its old
 * parent to its new one.
 */
static int
tmpfs_exchange(struct tmpfs_node *fdn, struct tmpfs_dirent *fde,
    struct tmpfs_node *tdn, struct tmpfs_dirent *tde)
{
	struct tmpfs_node *fn = fde->td_node, *tn = tde->td_node;
	int fdir = fn->tn_type == VDIR, tdir = tn->tn_type == VDIR;

	if (fdn != tdn) {
		/* fdn loses fdir links and gains tdir, tdn the reverse. */
		if ((tdir > fdir && fdn->tn_links >= TMPFS_LINK_MAX) ||
		    (fdir > tdir && tdn->tn_links >= TMPFS_LINK_MAX))
			return EMLINK;
		fdn->tn_links = fdn->tn_links - fdir + tdir;
		tdn->tn_links = tdn->tn_links - tdir + fdir;
		if (fdir)
			fn->tn_u.tn_dir.td_parent = tdn;
		if (tdir)
			tn->tn_u.tn_dir.td_parent = fdn;
	}
	fde->td_node = tn;
	tde->td_node = fn;
	tmpfs_update(fn, TMPFS_UPD_CTIME);
	tmpfs_update(tn, TMPFS_UPD_CTIME);
	return 0;
}

/*
 * Move fde's file (fn) from fdn to the name tcnp in tdn, replacing tde's
 * file when tde is not NULL.
 */
static int
tmpfs_move(struct tmpfs_node *fdn, struct tmpfs_dirent *fde,
    struct tmpfs_node *tdn, struct componentname *tcnp,
    struct tmpfs_dirent *tde)
{
	struct tmpfs_node *fn = fde->td_node, *tn;
	struct tmpfs_dirent *nde = NULL;
	bool fdir = fn->tn_type == VDIR;
	int error;

	tn = tde != NULL ? tde->td_node : NULL;
	if (tn != NULL && tn->tn_type == VDIR) {
		if (!fdir)
			return EISDIR;
		if (tn->tn_u.tn_dir.td_count != 0)
			return ENOTEMPTY;
	} else if (tn != NULL && fdir)
		return ENOTDIR;
	/* tdn gains a ".." link unless it loses the replaced directory's. */
	if (fdir && fdn != tdn && tn == NULL &&
	    tdn->tn_links >= TMPFS_LINK_MAX)
		return EMLINK;
	if (tde == NULL && (error = tmpfs_dirent_alloc(tcnp->cn_nameptr,
	    tcnp->cn_namelen, &nde)) != 0)
		return error;

	/* From here on nothing fails. */
	if (tn != NULL) {
		if (tn->tn_type == VDIR) {
			tn->tn_links = 0;
			tn->tn_u.tn_dir.td_parent = NULL;
			tdn->tn_links--;
		} else
			tn->tn_links--;
		tmpfs_update(tn, TMPFS_UPD_CTIME);
		/* The target's entry keeps its cookie and names fn. */
		tde->td_node = fn;
	}
	tmpfs_dir_detach(fdn, fde);
	tmpfs_dirent_free(fde);
	if (nde != NULL)
		tmpfs_dir_attach(tdn, nde, fn);
	if (fdir && fdn != tdn) {
		fn->tn_u.tn_dir.td_parent = tdn;
		fdn->tn_links--;
		tdn->tn_links++;
	}
	tmpfs_update(fn, TMPFS_UPD_CTIME);
	return 0;
}

/*
 * vop_rename: fdvp, fvp, tdvp and tvp (may be NULL) locked exclusive.
 * flags is RENAME_EXCHANGE (tvp not NULL) or 0.
 */
int
tmpfs_rename(struct vnode *fdvp, struct componentname *fcnp,
    struct vnode *fvp, struct vnode *tdvp, struct componentname *tcnp,
    struct vnode *tvp, uint32_t flags)
{
	struct tmpfs_node *fdn = VP_TO_TMPFS(fdvp), *tdn = VP_TO_TMPFS(tdvp);
	struct tmpfs_node *fn = VP_TO_TMPFS(fvp);
	struct tmpfs_node *tn = tvp != NULL ? VP_TO_TMPFS(tvp) : NULL;
	struct tmpfs_dirent *fde, *tde;
	int error;

	if ((flags & ~RENAME_EXCHANGE) != 0)
		return EINVAL;
	if ((flags & RENAME_EXCHANGE) && tn == NULL)
		return ENOENT;
	if (fn == tn)
		return 0;
	if ((error = tmpfs_rename_entry(fdn, fcnp, fn, &fde)) != 0 ||
	    (error = tmpfs_rename_entry(tdn, tcnp, tn, &tde)) != 0)
		return error;
	/* A removed directory takes no new entries. */
	if (tdn->tn_u.tn_dir.td_parent == NULL)
		return ENOENT;
	/* Neither file may be an ancestor of the other's new place. */
	if (fn == tdn || tn == fdn)
		return EINVAL;
	if (flags & RENAME_EXCHANGE)
		error = tmpfs_exchange(fdn, fde, tdn, tde);
	else
		error = tmpfs_move(fdn, fde, tdn, tcnp, tde);
	if (error != 0)
		return error;
	tmpfs_update(fdn, TMPFS_UPD_MTIME | TMPFS_UPD_CTIME);
	if (tdn != fdn)
		tmpfs_update(tdn, TMPFS_UPD_MTIME | TMPFS_UPD_CTIME);
	return 0;
}
