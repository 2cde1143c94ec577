/*
 * sqfs_vfsops.c: the squashfs file system type: probe, mount (always
 * read-only), unmount, root, statistics, and loading a vnode from its
 * key, the inode reference.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include "fs/squashfs/squashfs.h"

static int
sqfs_vfs_probe(struct blkdev *dev)
{
	uint8_t magic[4];
	int error;

	if (dev->bd_size < SQFS_SB_SIZE)
		return EFTYPE;
	if ((error = blkdev_read(dev, magic, sizeof(magic), 0)) != 0)
		return error;
	return sqfs_magic_dec(magic) == SQFS_MAGIC ? 0 : EFTYPE;
}

/* squashfs has no options of its own; "ro" is accepted. */
static int
sqfs_opt(void *arg, const char *key, const char *val, bool hasval)
{
	return strcmp(key, "ro") == 0 && !hasval ? 0 : EINVAL;
}

static int
sqfs_vfs_mount(struct mount *mp, struct blkdev *dev, const char *opts)
{
	struct sqfs_mount *sm;
	int error;

	if (dev == NULL)
		return ENOTBLK;
	if ((error = vfs_opts_foreach(opts, "squashfs", sqfs_opt, NULL)) != 0)
		return error;
	if ((sm = kmem_zalloc(sizeof(*sm))) == NULL)
		return ENOMEM;
	sm->sm_mp = mp;
	sm->sm_dev = dev;
	if ((error = sqfs_super_load(sm)) != 0) {
		kmem_free(sm, sizeof(*sm));
		return error;
	}
	mp->mnt_data = sm;
	mp->mnt_fsid = (uint64_t)SQFS_MAGIC << 32 | sm->sm_sb.s_mkfs_time;
	return 0;
}

static int
sqfs_vfs_unmount(struct mount *mp, int flags)
{
	struct sqfs_mount *sm = VFS_TO_SQFS(mp);

	sqfs_super_free(sm);
	kmem_free(sm, sizeof(*sm));
	mp->mnt_data = NULL;
	return 0;
}

static int
sqfs_vfs_root(struct mount *mp, struct vnode **vpp)
{
	struct sqfs_mount *sm = VFS_TO_SQFS(mp);
	struct vnode *vp;
	int error;

	if ((error = vcache_get(mp, sm->sm_sb.s_root_ref, &vp)) != 0)
		return error;
	if (vp->v_type != VDIR) {
		vrele(vp);
		return FS_CORRUPT(SQFS_FSNAME, "root inode is not a directory");
	}
	/*
	 * ".." of a top-level directory names the root by inode number,
	 * which only the directory map can turn into a reference.
	 */
	if ((error = sqfs_dmap_add(sm, VTOSQ(vp)->sn_ino,
	    sm->sm_sb.s_root_ref)) != 0) {
		vrele(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

/* Everything is in use: a squashfs has no free space. */
static int
sqfs_vfs_statvfs(struct mount *mp, struct kstatvfs *sbp)
{
	struct sqfs_mount *sm = VFS_TO_SQFS(mp);
	const struct sqfs_dsuper *sb = &sm->sm_sb;

	sbp->f_bsize = sbp->f_frsize = sb->s_block_size;
	sbp->f_blocks = howmany(sb->s_bytes_used, (uint64_t)sb->s_block_size);
	sbp->f_bfree = sbp->f_bavail = 0;
	sbp->f_files = sb->s_inodes;
	sbp->f_ffree = sbp->f_favail = 0;
	sbp->f_namemax = NAME_MAX;
	return 0;
}

static int
sqfs_vfs_sync(struct mount *mp)
{
	return 0;
}

static int
sqfs_vfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct sqfs_node *sn;
	int error;

	if ((error = sqfs_node_load(VFS_TO_SQFS(mp), key, &sn)) != 0)
		return error;
	vp->v_type = sn->sn_vtype;
	vp->v_op = &sqfs_vnodeops;
	vp->v_data = sn;
	return 0;
}

static const char *const sqfs_aliases[] = { "squashfs4", "sqfs", NULL };

static const struct vfsops sqfs_vfsops = {
	.vfs_name = "squashfs",
	.vfs_aliases = sqfs_aliases,
	.vfs_caps = VFSCAP_SYMLINK | VFSCAP_HARDLINK | VFSCAP_XATTR |
	    VFSCAP_SPARSE | VFSCAP_SPECIAL | VFSCAP_OWNERS,
	.vfs_probe = sqfs_vfs_probe,
	.vfs_mount = sqfs_vfs_mount,
	.vfs_unmount = sqfs_vfs_unmount,
	.vfs_root = sqfs_vfs_root,
	.vfs_statvfs = sqfs_vfs_statvfs,
	.vfs_sync = sqfs_vfs_sync,
	.vfs_loadvnode = sqfs_vfs_loadvnode,
};

KCOMPONENT(squashfs, COMP_FS, squashfs_init);
int
squashfs_init(void)
{
	return vfs_register(&sqfs_vfsops);
}
