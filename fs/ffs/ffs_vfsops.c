/*
 * ffs_vfsops.c: the FFS file system type ("ffs", also "ufs", "ufs1",
 * "ufs2"): probe, mount (read-write: ffs_wsuper.c), unmount, sync, root,
 * statistics,
 * loading a vnode from its inode number.  The mount option "check" runs
 * the consistency check (ffs_check.c) first: a file system with problems
 * is then not mounted (EFSCORRUPTED), which makes any mounting client a
 * read-only fsck, e.g. `fsu_ls -o check IMAGE /`.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ffs/ffs.h"

/* Is there a UFS1 or UFS2 superblock where one belongs? */
static int
ffs_vfs_probe(struct blkdev *dev)
{
	uint8_t raw[FFS_SBSIZE];
	uint64_t loc;

	return ffs_super_find(dev, raw, &loc);
}

/* Options: "ro", and "check" (run ffs_check before the mount is made). */
static int
ffs_opt(void *arg, const char *key, const char *val, bool hasval)
{
	bool *checkp = arg;

	if (hasval)
		return EINVAL;
	if (strcmp(key, "check") == 0)
		*checkp = true;
	else if (strcmp(key, "ro") != 0)
		return EINVAL;
	return 0;
}

static int
ffs_vfs_mount(struct mount *mp, struct blkdev *dev, const char *opts)
{
	struct ffs_mount *fm;
	bool check = false;
	int error;

	if (dev == NULL)
		return ENOTBLK;
	if ((error = vfs_opts_foreach(opts, FFS_FSNAME, ffs_opt, &check)) != 0)
		return error;
	if ((fm = kmem_zalloc(sizeof(*fm))) == NULL)
		return ENOMEM;
	fm->fm_mp = mp;
	fm->fm_dev = dev;
	error = ffs_super_load(fm);
	if (error == 0 && check)
		error = ffs_check(fm);
	if (error == 0 && !(mp->mnt_flag & MNT_RDONLY))
		error = ffs_rw_start(fm);
	if (error != 0) {
		ffs_rw_free(fm);
		kmem_free(fm, sizeof(*fm));
		/* Drop what we cached: the device may be reused. */
		bio_invalidate(dev);
		return error;
	}
	mp->mnt_data = fm;
	mp->mnt_fsid = ((uint64_t)fm->fm_fs.fs_id[0] << 32) |
	    fm->fm_fs.fs_id[1];
	return 0;
}

static int
ffs_vfs_unmount(struct mount *mp, int flags)
{
	struct ffs_mount *fm = VFS_TO_FFS(mp);
	int error;

	/* The VFS synced first (and stopped there on error): finish. */
	error = ffs_rw_finish(fm);
	bio_invalidate(fm->fm_dev);
	ffs_rw_free(fm);
	kmem_free(fm, sizeof(*fm));
	mp->mnt_data = NULL;
	return error;
}

static int
ffs_vfs_root(struct mount *mp, struct vnode **vpp)
{
	struct vnode *vp;
	int error;

	if ((error = vcache_get(mp, FFS_ROOTINO, &vp)) != 0)
		return error;
	if (vp->v_type != VDIR) {
		vrele(vp);
		return FS_CORRUPT(FFS_FSNAME, "root inode is not a directory");
	}
	*vpp = vp;
	return 0;
}

/*
 * From the superblock's summary (fs_cstotal), as the BSDs report it:
 * free space is whole free blocks plus free fragments, in fragments;
 * what ordinary users may use leaves minfree percent of the data aside.
 */
static int
ffs_vfs_statvfs(struct mount *mp, struct kstatvfs *sbp)
{
	const struct ffs_super *fs = &VFS_TO_FFS(mp)->fm_fs;
	const struct ffs_cstotal *cs = &fs->fs_cstotal;
	uint64_t bfree, reserve;

	bfree = (uint64_t)MAX(cs->cs_nbfree, 0) * fs->fs_frag +
	    (uint64_t)MAX(cs->cs_nffree, 0);
	sbp->f_bsize = fs->fs_bsize;
	sbp->f_frsize = fs->fs_fsize;
	sbp->f_blocks = (uint64_t)fs->fs_dsize;
	sbp->f_bfree = MIN(bfree, sbp->f_blocks);
	reserve = fs->fs_minfree > 0 && fs->fs_minfree < 100 ?
	    sbp->f_blocks * (uint64_t)fs->fs_minfree / 100 : 0;
	sbp->f_bavail = sbp->f_bfree > reserve ? sbp->f_bfree - reserve : 0;
	sbp->f_files = VFS_TO_FFS(mp)->fm_ninodes - FFS_ROOTINO;
	sbp->f_ffree = sbp->f_favail = MIN((uint64_t)MAX(cs->cs_nifree, 0),
	    sbp->f_files);
	sbp->f_namemax = FFS_MAXNAMLEN;
	return 0;
}

static int
ffs_vfs_sync(struct mount *mp)
{
	return ffs_rw_sync(VFS_TO_FFS(mp));
}

static int
ffs_vfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct ffs_node *fn;
	int error;

	if (key > UINT32_MAX)
		return EINVAL;
	if ((error = ffs_node_load(VFS_TO_FFS(mp), (uint32_t)key, &fn)) != 0)
		return error;
	vp->v_type = fn->fn_type;
	vp->v_op = &ffs_vnodeops;
	vp->v_data = fn;
	return 0;
}

static const char *const ffs_aliases[] = { "ufs", "ufs1", "ufs2", NULL };

static const struct vfsops ffs_vfsops = {
	.vfs_name = "ffs",
	.vfs_aliases = ffs_aliases,
	.vfs_caps = VFSCAP_SYMLINK | VFSCAP_HARDLINK | VFSCAP_SPARSE |
	    VFSCAP_SPECIAL | VFSCAP_OWNERS | VFSCAP_NSEC | VFSCAP_XATTR |
	    VFSCAP_WRITE | VFSCAP_EXCHANGE,
	.vfs_probe = ffs_vfs_probe,
	.vfs_mount = ffs_vfs_mount,
	.vfs_unmount = ffs_vfs_unmount,
	.vfs_root = ffs_vfs_root,
	.vfs_statvfs = ffs_vfs_statvfs,
	.vfs_sync = ffs_vfs_sync,
	.vfs_loadvnode = ffs_vfs_loadvnode,
};

KCOMPONENT(ffs, COMP_FS, ffs_init);
int
ffs_init(void)
{
	return vfs_register(&ffs_vfsops);
}
