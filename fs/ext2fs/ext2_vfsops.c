/*
 * ext2_vfsops.c: the ext2/ext3/ext4 file system type: probe, mount,
 * unmount, root, statistics, sync, and loading a vnode from its inode
 * number.
 *
 * Writing (ext2_wnops.c and below) is on unless the kernel parameter
 * AK_EXT2FS_WRITE is 0 at start-up: then the type does not claim
 * VFSCAP_WRITE and read-write mounts are refused with EROFS.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include <sys/fcntl.h>
#include "fs/ext2fs/ext2fs.h"

/* Is there an ext2 superblock magic at byte 1024 + 0x38? */
static int
ext2_vfs_probe(struct blkdev *dev)
{
	uint8_t magic[2];
	int error;

	if (dev->bd_size < EXT2_SB_OFFSET + EXT2_SB_SIZE)
		return EFTYPE;
	error = blkdev_read(dev, magic, sizeof(magic),
	    EXT2_SB_OFFSET + EXT2_SB_MAGIC_OFF);
	if (error != 0)
		return error;
	return le16dec(magic) == EXT2_MAGIC ? 0 : EFTYPE;
}

static struct vfsops ext2_vfsops;

static void
ext2_mount_free(struct ext2_mount *em)
{
	ext2_super_free(em);
	ext2_jovl_free(em);
	ext2_orphan_fini(em);
	mutex_destroy(&em->em_lock);
	kmem_free(em, sizeof(*em));
}

static int
ext2_vfs_mount(struct mount *mp, struct blkdev *dev, const char *opts)
{
	struct ext2_mount *em;
	int error;

	if (dev == NULL)
		return ENOTBLK;
	if (!(mp->mnt_flag & MNT_RDONLY) &&
	    !(ext2_vfsops.vfs_caps & VFSCAP_WRITE)) {
		printf("ext2fs: %s: writing is switched off "
		    "(AK_EXT2FS_WRITE=0); mount it read-only\n", dev->bd_name);
		return EROFS;
	}
	if ((em = kmem_zalloc(sizeof(*em))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&em->em_lock)) != 0) {
		kmem_free(em, sizeof(*em));
		return error;
	}
	if ((error = ext2_orphan_init(em)) != 0) {
		mutex_destroy(&em->em_lock);
		kmem_free(em, sizeof(*em));
		return error;
	}
	em->em_mp = mp;
	em->em_dev = dev;
	error = ext2_super_load(em, opts, (mp->mnt_flag & MNT_RDONLY) != 0);
	if (error == 0)
		ext2_orphan_load(em);
	if (error == 0 && !(mp->mnt_flag & MNT_RDONLY))
		error = ext2_rw_start(em);
	if (error != 0) {
		ext2_mount_free(em);
		/* Drop what we cached: the device may be reused. */
		bio_invalidate(dev);
		return error;
	}
	mp->mnt_data = em;
	mp->mnt_fsid = ((uint64_t)le32dec(em->em_sb.s_uuid) << 32) |
	    le32dec(em->em_sb.s_uuid + 12);
	if (em->em_writable)
		ext2_orphan_cleanup(em);
	return 0;
}

/* All vnodes are gone: free the mount and drop its cached blocks. */
static int
ext2_vfs_unmount(struct mount *mp, int flags)
{
	struct ext2_mount *em = VFS_TO_EXT2(mp);
	int error;

	/* The VFS synced first (and stopped there on error): finish. */
	error = ext2_rw_finish(em);
	bio_invalidate(em->em_dev);
	ext2_mount_free(em);
	mp->mnt_data = NULL;
	return error;
}

/*
 * Read the root inode's table block on its own, before the root is
 * loaded.  Loading an inode whose block is not cached reads the next 15
 * blocks of the table with it (ext2_inode_read), which pays when a
 * directory's inodes are listed; for the root at mount it brought 60 KiB
 * into 16 fresh buffers, a fifth of the page faults of a one-shot
 * `fsu_ls IMAGE /`, while the root's neighbours (lost+found and the
 * first files made) share its block anyway.  Errors are left to the load.
 */
static void
ext2_root_block(struct ext2_mount *em)
{
	uint64_t byte = (uint64_t)(EXT2_ROOT_INO - 1) * em->em_isize;
	struct buf *bp;

	if (em->em_ngroups == 0 || EXT2_ROOT_INO > em->em_sb.s_inodes_per_group)
		return;
	if (ext2_bread(em, em->em_gds[0].gd_inode_table +
	    (byte >> em->em_bshift), &bp) == 0)
		brelse(bp);
}

static int
ext2_vfs_root(struct mount *mp, struct vnode **vpp)
{
	struct vnode *vp;
	int error;

	ext2_root_block(VFS_TO_EXT2(mp));
	if ((error = vcache_get(mp, EXT2_ROOT_INO, &vp)) != 0)
		return error;
	if (vp->v_type != VDIR) {
		vrele(vp);
		return FS_CORRUPT(EXT2_FSNAME, "root inode is not a directory");
	}
	*vpp = vp;
	return 0;
}

/* Free counts come from the group descriptors, as Linux sums them. */
static int
ext2_vfs_statvfs(struct mount *mp, struct kstatvfs *sbp)
{
	struct ext2_mount *em = VFS_TO_EXT2(mp);
	const struct ext2_super *sb = &em->em_sb;
	uint64_t bfree = 0, ifree = 0;
	uint32_t g;

	mutex_enter(&em->em_lock);
	for (g = 0; g < em->em_ngroups; g++) {
		bfree += em->em_gds[g].gd_free_blocks;
		ifree += em->em_gds[g].gd_free_inodes;
	}
	mutex_exit(&em->em_lock);
	sbp->f_bsize = sbp->f_frsize = em->em_bsize;
	sbp->f_blocks = sb->s_blocks_count - sb->s_first_data_block;
	sbp->f_bfree = MIN(bfree, sbp->f_blocks);
	sbp->f_bavail = sbp->f_bfree > sb->s_r_blocks_count ?
	    sbp->f_bfree - sb->s_r_blocks_count : 0;
	sbp->f_files = sb->s_inodes_count;
	sbp->f_ffree = sbp->f_favail = MIN(ifree, sbp->f_files);
	sbp->f_namemax = NAME_MAX;
	return 0;
}

/* Dirty metadata and the superblock (nothing when read-only). */
static int
ext2_vfs_sync(struct mount *mp)
{
	return ext2_rw_sync(VFS_TO_EXT2(mp));
}

static int
ext2_vfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct ext2_node *en;
	int error;

	if (key > UINT32_MAX)
		return EINVAL;
	if ((error = ext2_node_load(VFS_TO_EXT2(mp), (uint32_t)key, &en)) != 0)
		return error;
	vp->v_type = en->en_type;
	vp->v_op = &ext2_vnodeops;
	vp->v_data = en;
	return 0;
}

static const char *const ext2_aliases[] = { "ext2fs", "ext2", "ext3", NULL };

/* Not const: ext2fs_init adds VFSCAP_WRITE unless writing is off. */
static struct vfsops ext2_vfsops = {
	.vfs_name = "ext4",
	.vfs_aliases = ext2_aliases,
	.vfs_caps = VFSCAP_SYMLINK | VFSCAP_HARDLINK | VFSCAP_XATTR |
	    VFSCAP_SPARSE | VFSCAP_SPECIAL | VFSCAP_OWNERS | VFSCAP_NSEC |
	    VFSCAP_EXCHANGE,
	.vfs_probe = ext2_vfs_probe,
	.vfs_mount = ext2_vfs_mount,
	.vfs_unmount = ext2_vfs_unmount,
	.vfs_root = ext2_vfs_root,
	.vfs_statvfs = ext2_vfs_statvfs,
	.vfs_sync = ext2_vfs_sync,
	.vfs_loadvnode = ext2_vfs_loadvnode,
};

KCOMPONENT(ext2fs, COMP_FS, ext2fs_init);
int
ext2fs_init(void)
{
	if (kern_param_u64("AK_EXT2FS_WRITE", 1) != 0)
		ext2_vfsops.vfs_caps |= VFSCAP_WRITE;
	return vfs_register(&ext2_vfsops);
}
