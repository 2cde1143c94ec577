/*
 * fat_wnops.c: the vnode operations that change a FAT volume: write,
 * setattr (truncate, times, the read-only attribute), create, mkdir,
 * remove, rmdir, rename, fsync, and the allocating VOP_BMAP.
 *
 * Invariants kept here:
 *	- The bytes of a file between its size and the end of its last
 *	  cluster are never exposed: a write past the end, or an extension
 *	  by truncate, first writes zeros from the old size on, so the
 *	  chain always grows at its end and only BMAP_NEW clusters (zeroed
 *	  by genfs where not written) are added.
 *	- A removed file keeps its clusters until its vnode is reclaimed
 *	  (it may still be open); its key stays in the moved table until
 *	  then, so its slot is not reused (see fatfs.h).
 *	- After a rename the vnode keeps its key and is recycled when its
 *	  last reference goes; the moved table maps the new entry to it.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include "fs/fatfs/fatfs.h"

#define FAT_ZEROCHUNK	65536	/* bytes of zeros written per call */

/* Set the entry times of de to now (which: 'm' modify, 'c' create). */
static void
fat_touch(struct fat_mount *fmp, struct fat_dirent *de, bool create)
{
	struct ktimespec now;
	uint8_t cs;

	getnanotime(&now);
	fat_time_encode(&now, fmp->fm_tzmin, &de->de_mdate, &de->de_mtime,
	    &cs);
	de->de_adate = de->de_mdate;
	if (create)
		fat_time_encode(&now, fmp->fm_tzmin, &de->de_cdate,
		    &de->de_ctime, &de->de_ctime10ms);
}

/* Write the node's entry back (nothing for the root or a removed one). */
int
fat_node_update(struct fat_node *fn)
{
	if (fn->fn_key == FAT_ROOT_KEY || fn->fn_removed)
		return 0;
	fn->fn_de.de_startcl = fn->fn_startcl;
	if (fn->fn_type == VREG)
		fn->fn_de.de_size = (uint32_t)fn->fn_size;
	return fat_write_slot(fn->fn_fmp, fn->fn_devoff, &fn->fn_de);
}

/* A directory changed: its modification time (the root has none). */
static int
fat_dir_touch(struct fat_node *dnode)
{
	if (dnode->fn_key == FAT_ROOT_KEY)
		return 0;
	fat_touch(dnode->fn_fmp, &dnode->fn_de, false);
	return fat_node_update(dnode);
}

/*
 * Allocating bmap: make the chain reach the cluster holding off (it is
 * at most one past the end, see the invariants), allocating up to about
 * len bytes of clusters next to each other, and map the new run.
 */
static int
fat_bmap_alloc(struct fat_node *fn, int64_t off, int64_t len,
    struct bmap *bm)
{
	struct fat_mount *fmp = fn->fn_fmp;
	uint32_t csize = fmp->fm_bpb.bpb_clustersize;
	uint32_t idx = (uint32_t)(off / csize), want, last, cl, clen, n, got;
	int error = 0;

	mutex_enter(&fn->fn_lock);
	if (fn->fn_chainlen < 0) {
		clen = 0;
		if (fn->fn_startcl != 0 &&
		    (error = fat_chain_length(fmp, fn->fn_startcl, &clen)) != 0)
			goto out_unlock;
		fn->fn_chainlen = clen;
	}
	clen = (uint32_t)fn->fn_chainlen;
	mutex_exit(&fn->fn_lock);
	if (idx < clen)
		return fat_bmap(fn, off, len, bm);
	want = (uint32_t)MIN(howmany(off % csize + MAX(len, 1), csize) +
	    (idx - clen), 4096);
	last = 0;
	if (clen > 0) {
		if ((error = fat_bmap(fn, (int64_t)(clen - 1) * csize, 1,
		    bm)) != 0)
			return error;
		last = FAT_FIRST_CLUSTER + (uint32_t)((bm->bm_physoff -
		    fat_cluster_off(fmp, FAT_FIRST_CLUSTER)) / csize);
	}
	mutex_enter(&fn->fn_lock);
	bm->bm_len = 0;
	/* Whole runs of free clusters at a time, the FAT written once. */
	for (n = 0; n < want; n += got) {
		if ((error = fat_alloc_run(fmp, last, want - n, &cl,
		    &got)) != 0)
			break;
		if (last != 0)
			error = fat_link(fmp, last, cl);
		else {
			fn->fn_startcl = cl;
			fn->fn_de.de_startcl = cl;
		}
		if (error != 0) {
			(void)fat_free_chain(fmp, cl);
			break;
		}
		fn->fn_chainlen += got;
		if (bm->bm_len > 0 && cl == last + 1)
			bm->bm_len += (int64_t)got * csize;
		else if (bm->bm_len == 0 ||
		    bm->bm_off + bm->bm_len <= (int64_t)idx * csize) {
			/* A new run, which must be the one holding off. */
			bm->bm_off = (int64_t)(clen + n) * csize;
			bm->bm_physoff = fat_cluster_off(fmp, cl);
			bm->bm_len = (int64_t)got * csize;
		} else
			want = n + got;	/* the run holding off has ended */
		last = cl + got - 1;
	}
	/* Running out of space after the run holding off is no error. */
	if (fn->fn_chainlen > idx)
		error = 0;
	else if (error == 0)
		error = ENOSPC;
	bm->bm_dev = fmp->fm_dev;
	bm->bm_flags = BMAP_NEW;
	/*
	 * The chain's last cluster is the hint, so the next append (a file
	 * written in small pieces) does not walk the chain from its start:
	 * that made filling a volume with one file quadratic.
	 */
	if (last != 0) {
		fn->fn_hintidx = (uint32_t)fn->fn_chainlen - 1;
		fn->fn_hintcl = last;
	} else
		fn->fn_hintcl = 0;
out_unlock:
	mutex_exit(&fn->fn_lock);
	return error;
}

/* vop_bmap with BMAP_ALLOC (vp locked exclusive) or without. */
int
fat_wbmap(struct vnode *vp, int64_t off, int64_t len, uint32_t flags,
    struct bmap *bm)
{
	struct fat_node *fn = VTON(vp);

	if (fn->fn_type != VREG)
		return EINVAL;
	if (!(flags & BMAP_ALLOC))
		return fat_bmap(fn, off, len, bm);
	if (!fn->fn_fmp->fm_writable)
		return EROFS;
	return fat_bmap_alloc(fn, off, len, bm);
}

/* Write zeros to the file from its size up to end (end > size). */
static int
fat_zero_fill(struct vnode *vp, int64_t end)
{
	struct fat_node *fn = VTON(vp);
	struct kiovec iov;
	struct uio uio;
	void *z;
	size_t n;
	int error = 0;

	if ((z = kmem_zalloc(FAT_ZEROCHUNK)) == NULL)
		return ENOMEM;
	while (fn->fn_size < end && error == 0) {
		n = (size_t)MIN(end - fn->fn_size, FAT_ZEROCHUNK);
		uio_setup(&uio, &iov, z, n, fn->fn_size, UIO_WRITE);
		error = genfs_write_bmap(vp, &uio);
		if (uio.uio_offset > fn->fn_size)
			fn->fn_size = uio.uio_offset;
	}
	kmem_free(z, FAT_ZEROCHUNK);
	return error;
}

/* vop_write: vp locked exclusive. */
int
fat_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct fat_node *fn = VTON(vp);
	int error, error2;

	if (fn->fn_type != VREG)
		return EISDIR;
	if (ioflag & IO_APPEND)
		uio->uio_offset = fn->fn_size;
	if (uio->uio_resid == 0)
		return 0;
	if (uio->uio_offset >= FAT_MAXFILESIZE ||
	    uio->uio_resid > (uint64_t)(FAT_MAXFILESIZE - uio->uio_offset))
		return EFBIG;
	error = 0;
	if (uio->uio_offset > fn->fn_size)
		error = fat_zero_fill(vp, uio->uio_offset);
	if (error == 0)
		error = genfs_write_bmap(vp, uio);
	if (uio->uio_offset > fn->fn_size)
		fn->fn_size = uio->uio_offset;
	fat_touch(fn->fn_fmp, &fn->fn_de, false);
	fn->fn_de.de_attr |= FAT_ATTR_ARCHIVE;
	error2 = fat_node_update(fn);
	if (error == 0 && (ioflag & IO_SYNC))
		error2 = fat_rw_sync(fn->fn_fmp);
	return error != 0 ? error : error2;
}

/* Change the size of a regular file. */
static int
fat_setsize(struct vnode *vp, int64_t size)
{
	struct fat_node *fn = VTON(vp);
	struct fat_mount *fmp = fn->fn_fmp;
	uint32_t keep;
	int error;

	if (fn->fn_type == VDIR)
		return EISDIR;
	if (size < 0)
		return EINVAL;
	if (size > FAT_MAXFILESIZE)
		return EFBIG;
	if (size > fn->fn_size)
		return fat_zero_fill(vp, size);
	keep = (uint32_t)howmany(size, fmp->fm_bpb.bpb_clustersize);
	mutex_enter(&fn->fn_lock);
	if (fn->fn_chainlen == keep && keep > 0) {
		/* A copy sets the size it has just written: no walk. */
		mutex_exit(&fn->fn_lock);
		fn->fn_size = size;
		return 0;
	}
	mutex_exit(&fn->fn_lock);
	if (fn->fn_startcl != 0) {
		if (keep == 0) {
			error = fat_free_chain(fmp, fn->fn_startcl);
			fn->fn_startcl = 0;
		} else
			error = fat_chain_cut(fmp, fn->fn_startcl, keep);
		if (error != 0)
			return error;
	}
	mutex_enter(&fn->fn_lock);
	fn->fn_chainlen = -1;
	fn->fn_hintcl = 0;
	mutex_exit(&fn->fn_lock);
	fn->fn_size = size;
	return 0;
}

/* vop_setattr: vp locked exclusive. */
int
fat_setattr(struct vnode *vp, const struct vattr *vap)
{
	struct fat_node *fn = VTON(vp);
	struct fat_mount *fmp = fn->fn_fmp;
	struct fat_dirent *de = &fn->fn_de;
	uint16_t t;
	uint8_t cs;
	int error;

	if (((vap->va_mask & VA_UID) && vap->va_uid != fmp->fm_uid) ||
	    ((vap->va_mask & VA_GID) && vap->va_gid != fmp->fm_gid))
		return EPERM;	/* FAT has no owners: uid=/gid= say them */
	if ((vap->va_mask & VA_SIZE) &&
	    (error = fat_setsize(vp, vap->va_size)) != 0)
		return error;
	if (vap->va_mask & VA_SIZE)
		fat_touch(fmp, de, false);
	if ((vap->va_mask & VA_MODE) && fn->fn_type == VREG) {
		if (vap->va_mode & 0200)
			de->de_attr &= (uint8_t)~FAT_ATTR_RDONLY;
		else
			de->de_attr |= FAT_ATTR_RDONLY;
	}
	if (vap->va_mask & VA_MTIME)
		fat_time_encode(&vap->va_mtime, fmp->fm_tzmin, &de->de_mdate,
		    &de->de_mtime, &cs);
	if (vap->va_mask & VA_ATIME)
		fat_time_encode(&vap->va_atime, fmp->fm_tzmin, &de->de_adate,
		    &t, &cs);
	if (vap->va_mask & VA_BIRTHTIME)
		fat_time_encode(&vap->va_birthtime, fmp->fm_tzmin,
		    &de->de_cdate, &de->de_ctime, &de->de_ctime10ms);
	return fat_node_update(fn);
}

/* A new entry's short entry from the attributes asked for. */
static void
fat_new_dirent(struct fat_mount *fmp, const struct vattr *vap, uint8_t attr,
    uint32_t startcl, struct fat_dirent *de)
{
	memset(de, 0, sizeof(*de));
	de->de_attr = attr;
	if (attr != FAT_ATTR_DIR && !(vap->va_mode & 0200))
		de->de_attr |= FAT_ATTR_RDONLY;
	de->de_startcl = startcl;
	fat_touch(fmp, de, true);
}

/* vop_create: dvp locked exclusive.  Regular files only. */
int
fat_create(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	struct fat_node *dn = VTON(dvp);
	struct fat_dirent de;
	uint64_t devoff;
	int error;

	if (vap->va_type != VREG) {
		printf("fatfs: FAT cannot store special files\n");
		return EPERM;
	}
	if (dn->fn_removed)
		return ENOENT;
	fat_new_dirent(dn->fn_fmp, vap, FAT_ATTR_ARCHIVE, 0, &de);
	error = fat_dir_addentry(dn, cnp->cn_nameptr, cnp->cn_namelen, &de,
	    &devoff);
	if (error == 0)
		error = fat_dir_touch(dn);
	if (error != 0)
		return error;
	return vcache_get(dvp->v_mount, devoff, vpp);
}

/* Fill a new directory cluster: zeros, then "." and "..". */
static int
fat_mkdir_init(struct fat_mount *fmp, uint32_t cl, uint32_t parentcl,
    const struct fat_dirent *de)
{
	uint32_t secsize = fmp->fm_bpb.bpb_secsize, i;
	uint64_t off = fat_cluster_off(fmp, cl);
	struct fat_dirent dot = *de;
	struct buf *bp;
	int error;

	for (i = 0; i < fmp->fm_bpb.bpb_secperclus; i++) {
		error = getblk(fmp->fm_dev, off + (uint64_t)i * secsize,
		    secsize, &bp);
		if (error != 0)
			return error;
		memset(bp->b_data, 0, secsize);
		if (i == 0) {
			memcpy(dot.de_name, ".          ", 11);
			dot.de_startcl = cl;
			fat_dirent_encode(&dot, bp->b_data);
			memcpy(dot.de_name, "..         ", 11);
			dot.de_startcl = parentcl;
			fat_dirent_encode(&dot,
			    (uint8_t *)bp->b_data + FAT_DIRENT_SIZE);
		}
		bdwrite(bp);
	}
	return 0;
}

/* vop_mkdir: dvp locked exclusive. */
int
fat_mkdir(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, struct vnode **vpp)
{
	struct fat_node *dn = VTON(dvp);
	struct fat_mount *fmp = dn->fn_fmp;
	struct fat_dirent de;
	uint64_t devoff;
	uint32_t cl, parentcl;
	int error;

	if (dn->fn_removed)
		return ENOENT;
	if ((error = fat_alloc_cluster(fmp, 0, &cl)) != 0)
		return error;
	fat_new_dirent(fmp, vap, FAT_ATTR_DIR, cl, &de);
	parentcl = dn->fn_key == FAT_ROOT_KEY ? 0 : dn->fn_startcl;
	if ((error = fat_mkdir_init(fmp, cl, parentcl, &de)) != 0)
		goto out_free;
	error = fat_dir_addentry(dn, cnp->cn_nameptr, cnp->cn_namelen, &de,
	    &devoff);
	if (error != 0)
		goto out_free;
	fat_dir_nsubdirs_adjust(dn, 1);
	if ((error = fat_dir_touch(dn)) != 0)
		return error;
	return vcache_get(dvp->v_mount, devoff, vpp);

out_free:
	(void)fat_free_chain(fmp, cl);
	return error;
}

/*
 * Remove vp's entry, named cnp, from dnode; its clusters go when vp is
 * reclaimed.
 */
static int
fat_unlink_node(struct fat_node *dnode, struct componentname *cnp,
    struct vnode *vp)
{
	struct fat_node *fn = VTON(vp);
	int error;

	if ((error = fat_moved_set(fn->fn_fmp, fn->fn_key, 0)) != 0)
		return error;
	if ((error = fat_dir_removeentry(dnode, cnp->cn_nameptr,
	    cnp->cn_namelen, fn->fn_devoff)) != 0)
		return error;
	fn->fn_removed = true;
	if (fn->fn_type == VDIR)
		fat_dir_nsubdirs_adjust(dnode, -1);
	vrecycle_later(vp);
	return fat_dir_touch(dnode);
}

/* vop_remove: dvp and vp locked exclusive. */
int
fat_remove(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	if (VTON(vp)->fn_type == VDIR)
		return EISDIR;
	return fat_unlink_node(VTON(dvp), cnp, vp);
}

/* vop_rmdir: dvp and vp locked exclusive. */
int
fat_rmdir(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	int error;

	if (VTON(vp)->fn_type != VDIR)
		return ENOTDIR;
	if ((error = fat_dir_isempty(VTON(vp))) != 0)
		return error;
	return fat_unlink_node(VTON(dvp), cnp, vp);
}

/* Point the ".." of directory node fn at the directory tdn. */
static int
fat_set_dotdot(struct fat_node *fn, struct fat_node *tdn)
{
	struct fat_diriter di;
	struct fat_dirent de;
	const uint8_t *raw;
	uint64_t off;
	int error;

	fat_diriter_init(&di, fn->fn_fmp, fn->fn_startcl, 1);
	if ((error = fat_diriter_slot(&di, 1, &raw, &off)) == 0) {
		fat_dirent_decode(raw, &de);
		de.de_startcl = tdn->fn_key == FAT_ROOT_KEY ? 0 :
		    tdn->fn_startcl;
		fat_dirent_encode(&de, (uint8_t *)(uintptr_t)raw);
		fat_diriter_dirty(&di);
	}
	fat_diriter_done(&di);
	return error;
}

/*
 * vop_rename: all locked exclusive.  The old entry goes first so that a
 * rename that changes only the case keeps its short name; if the new
 * entry cannot be added the old one is put back.
 */
int
fat_rename(struct vnode *fdvp, struct componentname *fcnp, struct vnode *fvp,
    struct vnode *tdvp, struct componentname *tcnp, struct vnode *tvp,
    uint32_t flags)
{
	struct fat_node *fdn = VTON(fdvp), *tdn = VTON(tdvp), *fn = VTON(fvp);
	struct fat_dirent de = fn->fn_de;
	uint64_t devoff;
	int error;

	if (flags != 0)
		return EOPNOTSUPP;
	de.de_startcl = fn->fn_startcl;
	if (fn->fn_type == VREG)
		de.de_size = (uint32_t)fn->fn_size;
	if (tdn->fn_removed)
		return ENOENT;
	if (tvp != NULL) {
		if (VTON(tvp)->fn_type == VDIR &&
		    (error = fat_dir_isempty(VTON(tvp))) != 0)
			return error;
		if ((error = fat_unlink_node(tdn, tcnp, tvp)) != 0)
			return error;
	}
	if ((error = fat_moved_set(fn->fn_fmp, fn->fn_key, 0)) != 0 ||
	    (error = fat_dir_removeentry(fdn, fcnp->cn_nameptr,
	    fcnp->cn_namelen, fn->fn_devoff)) != 0)
		return error;
	error = fat_dir_addentry(tdn, tcnp->cn_nameptr, tcnp->cn_namelen,
	    &de, &devoff);
	if (error != 0) {
		memcpy(de.de_name, fn->fn_de.de_name, sizeof(de.de_name));
		if (fat_dir_addentry(fdn, fcnp->cn_nameptr, fcnp->cn_namelen,
		    &de, &devoff) != 0) {
			printf("fatfs: rename: entry lost, run fsck.fat\n");
			return error;
		}
	} else
		fn->fn_de = de;
	fn->fn_devoff = devoff;
	(void)fat_moved_set(fn->fn_fmp, fn->fn_key, devoff);
	vrecycle_later(fvp);
	if (error != 0)
		return error;
	if (fn->fn_type == VDIR && fdn != tdn) {
		fat_dir_nsubdirs_adjust(fdn, -1);
		fat_dir_nsubdirs_adjust(tdn, 1);
		if ((error = fat_set_dotdot(fn, tdn)) != 0)
			return error;
	}
	if ((error = fat_dir_touch(fdn)) != 0)
		return error;
	return fdn != tdn ? fat_dir_touch(tdn) : 0;
}

/* vop_fsync: the entry, then everything of the volume. */
int
fat_fsync(struct vnode *vp, int flags)
{
	int error;

	if (!VTON(vp)->fn_fmp->fm_writable)
		return 0;	/* fsync on a read-only mount */
	if ((error = fat_node_update(VTON(vp))) != 0)
		return error;
	return fat_rw_sync(VTON(vp)->fn_fmp);
}

/* vop_symlink: FAT has no symbolic links. */
int
fat_symlink(struct vnode *dvp, struct componentname *cnp,
    const struct vattr *vap, const char *target, struct vnode **vpp)
{
	printf("fatfs: FAT cannot store symbolic links\n");
	return EPERM;
}

/* vop_link: FAT has no hard links (one entry per file). */
int
fat_link_vop(struct vnode *dvp, struct componentname *cnp, struct vnode *vp)
{
	printf("fatfs: FAT cannot store hard links\n");
	return EPERM;
}
