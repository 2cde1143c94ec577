/*
 * vfs_mount.c: file system types, the mount table, mount and unmount.
 *
 * The kernel namespace is rooted in a tmpfs mounted at start-up; other
 * file systems are mounted on its directories.  vfs_mountlock (a
 * reader/writer lock) guards the mount list and every v_mountedhere: namei
 * takes it shared, holding no vnode lock, to step onto a mounted root;
 * mount and unmount take it exclusive.  Lock order: vfs_mountlock before
 * vnode locks (only unmount locks vnodes under it, those of the file
 * system going away).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/blkdev.h>
#include <sys/buf.h>
#include "vfs/vfs_internal.h"

#define VFS_MAXTYPES	32

struct krwlock vfs_mountlock;
struct vnode *rootvnode;
static TAILQ_HEAD(mountlist_head, mount) mountlist =
    TAILQ_HEAD_INITIALIZER(mountlist);
static const struct vfsops *vfs_types[VFS_MAXTYPES];	/* [I] after init */
static int vfs_ntypes;
static uint64_t vfs_nextfsid = 1;	/* [vfs_mountlock] */

KCOMPONENT(vfs, COMP_VFS, vfs_init);
int vfs_init(void);
int
vfs_init(void)
{
	return rw_init(&vfs_mountlock);
}

/* Called from file system component init only (single-threaded). */
int
vfs_register(const struct vfsops *ops)
{
	if (vfs_ntypes == VFS_MAXTYPES)
		return ENOSPC;
	if (vfs_getopsbyname(ops->vfs_name) != NULL)
		return EEXIST;
	vfs_types[vfs_ntypes++] = ops;
	return 0;
}

const struct vfsops *
vfs_getopsbyname(const char *name)
{
	const char *const *alias;
	int i;

	for (i = 0; i < vfs_ntypes; i++) {
		if (strcmp(vfs_types[i]->vfs_name, name) == 0)
			return vfs_types[i];
		for (alias = vfs_types[i]->vfs_aliases;
		    alias != NULL && *alias != NULL; alias++)
			if (strcmp(*alias, name) == 0)
				return vfs_types[i];
	}
	return NULL;
}

const struct vfsops *
vfs_getopsbyindex(int i)
{
	return i >= 0 && i < vfs_ntypes ? vfs_types[i] : NULL;
}

int
vfs_probe_all(struct blkdev *dev, const struct vfsops **opsp)
{
	int i, error;

	for (i = 0; i < vfs_ntypes; i++) {
		if (vfs_types[i]->vfs_probe == NULL)
			continue;
		error = vfs_types[i]->vfs_probe(dev);
		if (error == 0) {
			*opsp = vfs_types[i];
			return 0;
		}
		if (error != EFTYPE)
			return error;
	}
	return EFTYPE;
}

struct vnode *
vfs_mounted_root(struct vnode *vp)
{
	struct vnode *root = NULL;
	struct mount *mp;

	rw_enter(&vfs_mountlock, RW_READER);
	if ((mp = vp->v_mountedhere) != NULL) {
		root = mp->mnt_rootvp;
		vref(root);
	}
	rw_exit(&vfs_mountlock);
	return root;
}

static void
mount_free(struct mount *mp)
{
	mutex_destroy(&mp->mnt_renamelock);
	kmem_free(mp, sizeof(*mp));
}

/*
 * Make a mount of ops on dev (may be NULL) and start the file system:
 * on success mp has its root vnode held and is not yet visible.
 */
static int
mount_start(const struct vfsops *ops, struct blkdev *dev, int flags,
    const char *opts, const char *path, struct mount **mpp)
{
	struct mount *mp;
	int error;

	if ((mp = kmem_zalloc(sizeof(*mp))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&mp->mnt_renamelock)) != 0) {
		kmem_free(mp, sizeof(*mp));
		return error;
	}
	TAILQ_INIT(&mp->mnt_vnodes);
	mp->mnt_op = ops;
	mp->mnt_dev = dev;
	mp->mnt_flag = (uint32_t)flags;
	strlcpy(mp->mnt_path, path, sizeof(mp->mnt_path));
	if ((error = ops->vfs_mount(mp, dev, opts)) != 0)
		goto out_free;
	if ((error = ops->vfs_root(mp, &mp->mnt_rootvp)) != 0)
		goto out_unmount;
	*mpp = mp;
	return 0;

out_unmount:
	(void)vflush(mp);
	(void)ops->vfs_unmount(mp, MNT_FORCE);
out_free:
	mount_free(mp);
	return error;
}

/* Attach mp on covered vnode vp (held; the reference moves to mp). */
static int
mount_attach(struct mount *mp, struct vnode *vp)
{
	rw_enter(&vfs_mountlock, RW_WRITER);
	if (vp->v_mountedhere != NULL) {
		rw_exit(&vfs_mountlock);
		return EBUSY;
	}
	mp->mnt_fsid = vfs_nextfsid++;
	mp->mnt_vnodecovered = vp;
	vp->v_mountedhere = mp;
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
	rw_exit(&vfs_mountlock);
	return 0;
}

/*
 * Tear down a started mount whose vnodes (but the root) are all idle:
 * flush, release the root, unmount the driver, release the device.
 * Called with vfs_mountlock held exclusive.  A failure before the driver
 * is unmounted is returned and leaves the mount in place; the driver's
 * own unmount error (its last writes failed) comes back in *lateerr,
 * when the mount is gone already, so that the caller can still report it.
 */
static int
mount_teardown(struct mount *mp, int flags, int *lateerr)
{
	struct vnode *root = mp->mnt_rootvp;
	int error;

	if ((error = vflush(mp)) != 0)
		return error;
	if (!(mp->mnt_flag & MNT_RDONLY) && mp->mnt_op->vfs_sync != NULL &&
	    (error = mp->mnt_op->vfs_sync(mp)) != 0 && !(flags & MNT_FORCE)) {
		vflush_abort(mp);
		return error;
	}
	mp->mnt_rootvp = NULL;
	vrele(root);		/* reclaimed: mnt_unmounting is set */
	KASSERT(vcache_mount_empty(mp));
	if ((error = mp->mnt_op->vfs_unmount(mp, flags)) != 0)
		printf("vfs: unmount of %s: %s\n", mp->mnt_path,
		    strerror(error));
	*lateerr = error;
	if (mp->mnt_dev != NULL)
		blkdev_rele(mp->mnt_dev);
	return 0;
}

/*
 * A read-write mount of a type that cannot write is refused rather than
 * quietly made read-only: the caller would otherwise learn it only from
 * the first failed write.
 */
static int
mount_check_rw(const struct vfsops *ops, int flags)
{
	if ((ops->vfs_caps & VFSCAP_WRITE) || (flags & MNT_RDONLY))
		return 0;
	printf("%s: no write support; mount it read-only\n", ops->vfs_name);
	return EROFS;
}

/*
 * Mount fstype (NULL: probe source) from source on directory vp (held;
 * on success the reference belongs to the mount).
 */
int
vfs_do_mount(const char *fstype, struct vnode *vp, const char *path,
    int flags, const char *source, const char *opts)
{
	const struct vfsops *ops = NULL;
	struct blkdev *dev = NULL;
	struct mount *mp;
	char *drvopts;
	size_t drvoptslen;
	int error, lateerr;

	if (fstype != NULL && fstype[0] != '\0' &&
	    (ops = vfs_getopsbyname(fstype)) == NULL)
		return ENODEV;
	if (ops != NULL && (error = mount_check_rw(ops, flags)) != 0)
		return error;
	if ((error = mountdev_open(source, flags, opts, &drvopts, &drvoptslen,
	    &dev)) != 0)
		return error;
	if (dev != NULL) {
		if (ops == NULL && (error = vfs_probe_all(dev, &ops)) != 0)
			goto out;
		if ((error = mount_check_rw(ops, flags)) != 0)
			goto out;
	} else if (ops == NULL || !(ops->vfs_caps & VFSCAP_NODEV)) {
		error = ops == NULL ? EINVAL : ENOTBLK;
		goto out;
	}
	error = mount_start(ops, dev, flags, drvopts, path, &mp);
	kmem_free(drvopts, drvoptslen);
	if (error != 0)
		goto out_dev;
	if ((error = mount_attach(mp, vp)) != 0) {
		rw_enter(&vfs_mountlock, RW_WRITER);
		(void)mount_teardown(mp, MNT_FORCE, &lateerr);
		rw_exit(&vfs_mountlock);
		mount_free(mp);
		return error;
	}
	return 0;

out:
	kmem_free(drvopts, drvoptslen);
out_dev:
	if (dev != NULL)
		blkdev_rele(dev);
	return error;
}

/*
 * Unmount the file system whose root is rootvp; the caller's reference
 * on rootvp is consumed.
 */
int
vfs_do_unmount(struct vnode *rootvp, int flags)
{
	struct mount *mp = rootvp->v_mount;
	struct vnode *covered;
	struct mount *other;
	int error, lateerr;

	rw_enter(&vfs_mountlock, RW_WRITER);
	/* The mount holds rootvp too, so this is not the last reference. */
	vrele(rootvp);
	if (mp->mnt_rootvp != rootvp || mp->mnt_vnodecovered == NULL) {
		rw_exit(&vfs_mountlock);
		return EINVAL;
	}
	TAILQ_FOREACH(other, &mountlist, mnt_list) {
		if (other->mnt_vnodecovered != NULL &&
		    other->mnt_vnodecovered->v_mount == mp) {
			rw_exit(&vfs_mountlock);
			return EBUSY;	/* something is mounted inside */
		}
	}
	if ((error = mount_teardown(mp, flags, &lateerr)) != 0) {
		rw_exit(&vfs_mountlock);
		return error;
	}
	covered = mp->mnt_vnodecovered;
	covered->v_mountedhere = NULL;
	TAILQ_REMOVE(&mountlist, mp, mnt_list);
	rw_exit(&vfs_mountlock);
	vrele(covered);
	mount_free(mp);
	return lateerr;		/* gone, but its last writes may have failed */
}

/* Mount the root tmpfs and make it proc0's root and cwd. */
KCOMPONENT(vfs_mountroot, COMP_LATE, vfs_mountroot);
int vfs_mountroot(void);
int
vfs_mountroot(void)
{
	const struct vfsops *ops;
	struct mount *mp;
	int error;

	if ((ops = vfs_getopsbyname("tmpfs")) == NULL)
		panic("vfs_mountroot: no tmpfs");
	if ((error = mount_start(ops, NULL, 0, "mode=0755", "/", &mp)) != 0)
		return error;
	mp->mnt_fsid = vfs_nextfsid++;
	TAILQ_INSERT_HEAD(&mountlist, mp, mnt_list);
	rootvnode = mp->mnt_rootvp;
	vref(rootvnode);
	vref(rootvnode);
	proc0.p_root = rootvnode;
	proc0.p_cwd = rootvnode;
	return 0;
}

/* Sync every file system (sys_sync). */
int
vfs_sync_all(void)
{
	struct mount *mp;
	int error, first = 0;

	rw_enter(&vfs_mountlock, RW_READER);
	TAILQ_FOREACH(mp, &mountlist, mnt_list) {
		if ((mp->mnt_flag & MNT_RDONLY) || mp->mnt_op->vfs_sync == NULL)
			continue;
		if ((error = mp->mnt_op->vfs_sync(mp)) != 0 && first == 0)
			first = error;
	}
	rw_exit(&vfs_mountlock);
	return first;
}

/*
 * Shut down: drop proc0's root and cwd, then unmount everything but the
 * root, newest first, forcing; report file systems that stay busy.
 */
void
vfs_shutdown(void)
{
	struct vnode *cwd, *root;
	struct mount *mp;
	bool gone;
	int error;

	mutex_enter(&proc0.p_lock);
	cwd = proc0.p_cwd;
	root = proc0.p_root;
	proc0.p_cwd = proc0.p_root = NULL;
	mutex_exit(&proc0.p_lock);
	if (cwd != NULL)
		vrele(cwd);
	if (root != NULL)
		vrele(root);
	for (;;) {
		rw_enter(&vfs_mountlock, RW_READER);
		mp = TAILQ_LAST(&mountlist, mountlist_head);
		rw_exit(&vfs_mountlock);
		if (mp == NULL || mp->mnt_vnodecovered == NULL)
			break;
		vref(mp->mnt_rootvp);
		if ((error = vfs_do_unmount(mp->mnt_rootvp, MNT_FORCE)) == 0)
			continue;
		/* A late error (the mount is gone) was logged already. */
		rw_enter(&vfs_mountlock, RW_READER);
		gone = TAILQ_LAST(&mountlist, mountlist_head) != mp;
		rw_exit(&vfs_mountlock);
		if (!gone) {
			printf("vfs: cannot unmount %s at shutdown: %s\n",
			    mp->mnt_path, strerror(error));
			break;
		}
	}
}
