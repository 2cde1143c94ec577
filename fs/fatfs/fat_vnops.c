/*
 * fat_vnops.c: loading nodes from their directory entries and the vnode
 * operations that only read: lookup, getattr, read (through VOP_BMAP),
 * readdir, seek, and the vnode life cycle.  The operations that change
 * the volume are in fat_wnops.c, extended attributes in fat_xattr.c.
 *
 * Readdir cookies: 0 is ".", 1 is "..", and 2 + i resumes the scan at
 * slot i of the directory.  After an entry the cookie points at the slot
 * following its short entry, which starts the next entry's long name, so
 * a resumed scan sees whole long-name runs.  The on-disk "." and ".."
 * entries of subdirectories are skipped in favour of the two synthetic
 * ones, which the root (having none on disk) needs anyway.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include "fs/fatfs/fatfs.h"

#define FAT_COOKIE_DOT		0
#define FAT_COOKIE_DOTDOT	1
#define FAT_COOKIE_FIRST	2

static int
fat_node_alloc(struct fat_mount *fmp, uint64_t key, struct fat_node **fnp)
{
	struct fat_node *fn;
	int error;

	if ((fn = kmem_zalloc(sizeof(*fn))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&fn->fn_lock)) != 0) {
		kmem_free(fn, sizeof(*fn));
		return error;
	}
	fn->fn_fmp = fmp;
	fn->fn_key = key;
	fn->fn_chainlen = -1;
	fn->fn_nsubdirs = -1;
	*fnp = fn;
	return 0;
}

void
fat_node_free(struct fat_node *fn)
{
	fat_dcache_free(fn);
	mutex_destroy(&fn->fn_lock);
	kmem_free(fn, sizeof(*fn));
}

/* The root: the fixed region of FAT12/16, or the FAT32 root chain. */
static int
fat_node_loadroot(struct fat_node *fn)
{
	struct fat_mount *fmp = fn->fn_fmp;
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint32_t len;
	int error;

	fn->fn_type = VDIR;
	fn->fn_de.de_attr = FAT_ATTR_DIR;
	if (bpb->bpb_fattype != FAT32) {
		fn->fn_size = (int64_t)bpb->bpb_rootents * FAT_DIRENT_SIZE;
		return 0;
	}
	fn->fn_startcl = bpb->bpb_rootclus;
	if ((error = fat_chain_length(fmp, fn->fn_startcl, &len)) != 0)
		return error;
	fn->fn_chainlen = len;
	fn->fn_size = (int64_t)len * bpb->bpb_clustersize;
	return 0;
}

/* A file or directory from the short entry at key. */
static int
fat_node_loadentry(struct fat_node *fn)
{
	struct fat_mount *fmp = fn->fn_fmp;
	struct fat_dirent *de = &fn->fn_de;
	uint32_t len;
	uint8_t b0;
	int error;

	fn->fn_devoff = fat_devoff_of(fmp, fn->fn_key);
	if (fn->fn_devoff == 0 || fn->fn_devoff % FAT_DIRENT_SIZE != 0 ||
	    fn->fn_devoff >= fmp->fm_dev->bd_size)
		return ENOENT;
	if ((error = fat_read_slot(fmp, fn->fn_devoff, de, &b0)) != 0)
		return error;
	if (b0 == FAT_NAME_END || b0 == FAT_NAME_DELETED ||
	    (de->de_attr & FAT_ATTR_VOLUME))
		return ENOENT;		/* a stale key: no file there now */
	if (fmp->fm_bpb.bpb_fattype != FAT32)
		de->de_startcl &= 0xffff;	/* high word: EA handle */
	fn->fn_startcl = de->de_startcl;
	if (fn->fn_startcl != 0 && !fat_cluster_valid(fmp, fn->fn_startcl))
		return FS_CORRUPT("fatfs", "entry at %llu: first cluster %u",
		    (unsigned long long)fn->fn_key, fn->fn_startcl);
	if (!(de->de_attr & FAT_ATTR_DIR)) {
		fn->fn_type = VREG;
		fn->fn_size = de->de_size;
		return 0;
	}
	fn->fn_type = VDIR;
	if (fn->fn_startcl == 0)
		return FS_CORRUPT("fatfs", "directory entry at %llu: no "
		    "cluster", (unsigned long long)fn->fn_key);
	if ((error = fat_chain_length(fmp, fn->fn_startcl, &len)) != 0)
		return error;
	fn->fn_chainlen = len;
	fn->fn_size = (int64_t)len * fmp->fm_bpb.bpb_clustersize;
	return 0;
}

/*
 * Make the node of key: FAT_ROOT_KEY or the device offset of a short
 * entry.  ENOENT if no live entry is there, EFSCORRUPTED if it is
 * unusable.
 */
int
fat_node_load(struct fat_mount *fmp, uint64_t key, struct fat_node **fnp)
{
	struct fat_node *fn;
	int error;

	if ((error = fat_node_alloc(fmp, key, &fn)) != 0)
		return error;
	if (key == FAT_ROOT_KEY)
		error = fat_node_loadroot(fn);
	else
		error = fat_node_loadentry(fn);
	if (error != 0) {
		fat_node_free(fn);
		return error;
	}
	*fnp = fn;
	return 0;
}

/* vop_lookup: dvp locked shared. */
static int
fat_lookup(struct vnode *dvp, struct componentname *cnp, struct vnode **vpp)
{
	struct fat_node *dn = VTON(dvp);
	uint64_t key;
	int error;

	if (dn->fn_type != VDIR)
		return ENOTDIR;
	if (dn->fn_removed && !(cnp->cn_namelen == 1 &&
	    cnp->cn_nameptr[0] == '.'))
		return ENOENT;		/* removed: empty, even of ".." */
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	if (cnp->cn_namelen == 2 && cnp->cn_nameptr[0] == '.' &&
	    cnp->cn_nameptr[1] == '.')
		error = fat_dir_parent(dn, &key);
	else
		error = fat_dir_lookup(dn, cnp->cn_nameptr, cnp->cn_namelen,
		    &key);
	if (error != 0)
		return error;
	return vcache_get(dvp->v_mount, fat_key_of(dn->fn_fmp, key), vpp);
}

/* vop_getattr: vp locked shared.  See fatfs.h for the mapping. */
static int
fat_getattr(struct vnode *vp, struct vattr *vap)
{
	struct fat_node *fn = VTON(vp);
	struct fat_mount *fmp = fn->fn_fmp;
	const struct fat_dirent *de = &fn->fn_de;
	uint32_t csize = fmp->fm_bpb.bpb_clustersize;
	int64_t nsub;

	memset(vap, 0, sizeof(*vap));
	vap->va_type = fn->fn_type;
	if (fn->fn_type == VDIR)
		vap->va_mode = ACCESSPERMS & ~fmp->fm_dmask;
	else {
		vap->va_mode = ACCESSPERMS & ~fmp->fm_fmask;
		if (de->de_attr & FAT_ATTR_RDONLY)
			vap->va_mode &= ~0222u;
	}
	vap->va_nlink = 1;
	if (fn->fn_removed)
		vap->va_nlink = 0;
	else if (fn->fn_type == VDIR && fat_dir_nsubdirs(fn, &nsub) == 0)
		vap->va_nlink = (uint32_t)MIN(nsub + 2, UINT32_MAX);
	vap->va_uid = fmp->fm_uid;
	vap->va_gid = fmp->fm_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = fn->fn_key;
	vap->va_size = fn->fn_size;
	vap->va_bytes = (uint64_t)roundup(fn->fn_size, csize);
	vap->va_blksize = csize;
	if (fn->fn_key != FAT_ROOT_KEY) {
		fat_time_decode(de->de_mdate, de->de_mtime, 0, fmp->fm_tzmin,
		    &vap->va_mtime);
		fat_time_decode(de->de_adate, 0, 0, fmp->fm_tzmin,
		    &vap->va_atime);
		fat_time_decode(de->de_cdate, de->de_ctime, de->de_ctime10ms,
		    fmp->fm_tzmin, &vap->va_birthtime);
		vap->va_ctime = vap->va_mtime;
	}
	return 0;
}

/* vop_read: vp locked shared.  Data moves through fat_bmap. */
static int
fat_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct fat_node *fn = VTON(vp);

	if (fn->fn_type == VDIR)
		return EISDIR;
	return genfs_read_bmap(vp, uio, fn->fn_size);
}

/* vop_seek: files have no holes; the generic code answers from bmap. */
static int
fat_seek(struct vnode *vp, int64_t off, int whence, int64_t *res)
{
	return genfs_seek_bmap(vp, off, whence, VTON(vp)->fn_size, res);
}

/* Emit "." and ".." from cookie *cookiep; returns 1 if the uio is full. */
static int
fat_readdir_dots(struct vnode *vp, struct uio *uio, int64_t *cookiep)
{
	struct fat_node *fn = VTON(vp);
	uint64_t pkey;
	int error;

	if (*cookiep == FAT_COOKIE_DOT) {
		if (vfs_dirent_emit(uio, fn->fn_key, VDIR, ".", 1,
		    FAT_COOKIE_DOTDOT) != 0)
			return 1;
		*cookiep = FAT_COOKIE_DOTDOT;
	}
	if (*cookiep == FAT_COOKIE_DOTDOT) {
		if ((error = fat_dir_parent(fn, &pkey)) != 0)
			return -error;
		pkey = fat_key_of(fn->fn_fmp, pkey);
		if (vfs_dirent_emit(uio, pkey, VDIR, "..", 2,
		    FAT_COOKIE_FIRST) != 0)
			return 1;
		*cookiep = FAT_COOKIE_FIRST;
	}
	return 0;
}

/*
 * vop_readdir: vp locked shared.  Cookies as described at the top of
 * this file.
 */
static int
fat_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	struct fat_node *fn = VTON(vp);
	struct fat_diriter *di;
	struct fat_dname *dn;
	int64_t cookie = uio->uio_offset;
	enum vtype type;
	int error;

	*eofp = 0;
	if (fn->fn_type != VDIR)
		return ENOTDIR;
	if (cookie < 0)
		return EINVAL;
	if (fn->fn_removed) {
		*eofp = 1;	/* a removed directory lists nothing */
		return 0;
	}
	if ((error = fat_readdir_dots(vp, uio, &cookie)) != 0)
		return error < 0 ? -error : 0;
	if ((di = kmem_alloc(sizeof(*di) + sizeof(*dn))) == NULL)
		return ENOMEM;
	dn = (struct fat_dname *)(di + 1);
	fat_diriter_initnode(di, fn, (uint64_t)(cookie - FAT_COOKIE_FIRST));
	while ((error = fat_diriter_next(di, dn)) == 0) {
		if (dn->dn_isdot)
			continue;
		type = (dn->dn_de.de_attr & FAT_ATTR_DIR) ? VDIR : VREG;
		if (vfs_dirent_emit(uio, fat_key_of(fn->fn_fmp,
		    dn->dn_devoff), type, dn->dn_name,
		    dn->dn_namelen,
		    (int64_t)di->di_index + FAT_COOKIE_FIRST) != 0)
			break;
	}
	if (error == ENOENT) {
		*eofp = 1;
		error = 0;
	}
	fat_diriter_remember(di, fn);
	fat_diriter_done(di);
	kmem_free(di, sizeof(*di) + sizeof(*dn));
	return error;
}

/* vop_inactive: a removed file goes now (and a renamed one, by
 * vrecycle_later). */
static int
fat_inactive(struct vnode *vp, bool *recycle)
{
	*recycle = VTON(vp)->fn_removed;
	return 0;
}

/*
 * vop_reclaim: vp unreferenced.  A removed file's clusters are freed now
 * that nobody can read them, and a moved or removed key is forgotten.
 */
static int
fat_reclaim(struct vnode *vp)
{
	struct fat_node *fn = VTON(vp);
	struct fat_mount *fmp = fn->fn_fmp;
	int error = 0;

	if (fn->fn_removed && fn->fn_startcl != 0)
		error = fat_free_chain(fmp, fn->fn_startcl);
	if (fn->fn_key != FAT_ROOT_KEY)
		fat_moved_drop(fmp, fn->fn_key);
	fat_node_free(fn);
	vp->v_data = NULL;
	return error;
}

const struct vnodeops fat_vnodeops = {
	.vop_lookup = fat_lookup,
	.vop_getattr = fat_getattr,
	.vop_read = fat_read,
	.vop_readdir = fat_readdir,
	.vop_bmap = fat_wbmap,
	.vop_write = fat_write,
	.vop_setattr = fat_setattr,
	.vop_create = fat_create,
	.vop_mkdir = fat_mkdir,
	.vop_remove = fat_remove,
	.vop_rmdir = fat_rmdir,
	.vop_rename = fat_rename,
	.vop_fsync = fat_fsync,
	.vop_symlink = fat_symlink,
	.vop_link = fat_link_vop,
	.vop_seek = fat_seek,
	.vop_getxattr = fat_getxattr,
	.vop_setxattr = fat_setxattr,
	.vop_listxattr = fat_listxattr,
	.vop_removexattr = fat_removexattr,
	.vop_inactive = fat_inactive,
	.vop_reclaim = fat_reclaim,
};
