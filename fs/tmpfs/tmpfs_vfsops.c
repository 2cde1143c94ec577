/*
 * tmpfs_vfsops.c: the tmpfs file system type: mount options, mount and
 * unmount, the root, statistics, and turning a vnode cache key back into
 * its node.
 *
 * A tmpfs lives only in memory, so mount creates an empty root directory
 * and unmount frees every node still on tm_nodelist.  When unmount is
 * called the VFS has reclaimed every vnode of the mount, so no node is in
 * use and no lock is needed to walk the list.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include "fs/tmpfs/tmpfs.h"

/*
 * Parse a number with an optional k, m or g suffix (powers of 1024),
 * as size= and nr_inodes= take it.  EINVAL if malformed or too large.
 */
static int
tmpfs_parse_size(const char *str, uint64_t *res)
{
	char val[VFS_OPT_VALLEN];
	size_t len = strlcpy(val, str, sizeof(val));
	unsigned shift = 0;
	uint64_t v;

	if (len == 0 || len >= sizeof(val))
		return EINVAL;
	switch (val[len - 1]) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift != 0)
		val[len - 1] = '\0';
	if (kstrtou64(val, 10, &v) != 0)
		return EINVAL;
	if (v > (UINT64_MAX >> shift))
		return EINVAL;
	*res = v << shift;
	return 0;
}

/* Parse a decimal uid or gid. */
static int
tmpfs_parse_id(const char *val, uint32_t *res)
{
	uint64_t v;

	if (kstrtou64(val, 10, &v) != 0 || v >= UINT32_MAX)
		return EINVAL;
	*res = (uint32_t)v;
	return 0;
}

/* Apply one option key=val to ta. */
static int
tmpfs_parse_one(void *arg, const char *key, const char *val, bool hasval)
{
	struct tmpfs_args *ta = arg;
	uint64_t v;

	if (!hasval)
		return EINVAL;
	if (strcmp(key, "size") == 0) {
		if (tmpfs_parse_size(val, &v) != 0)
			return EINVAL;
		/* Linux rounds the size up to whole pages; 0 is no limit. */
		ta->ta_maxpages = v == 0 ? UINT64_MAX :
		    v / TMPFS_PAGE_SIZE + (v % TMPFS_PAGE_SIZE != 0);
		ta->ta_sizeset = true;
	} else if (strcmp(key, "nr_inodes") == 0) {
		if (tmpfs_parse_size(val, &v) != 0)
			return EINVAL;
		ta->ta_maxnodes = v == 0 ? UINT64_MAX : v;
		ta->ta_nodesset = true;
	} else if (strcmp(key, "mode") == 0) {
		if (kstrtou64(val, 8, &v) != 0 || v > ALLPERMS)
			return EINVAL;
		ta->ta_mode = (uint32_t)v;
	} else if (strcmp(key, "uid") == 0) {
		return tmpfs_parse_id(val, &ta->ta_uid);
	} else if (strcmp(key, "gid") == 0) {
		return tmpfs_parse_id(val, &ta->ta_gid);
	} else
		return EINVAL;
	return 0;
}

/*
 * Parse the comma-separated mount options (opts may be NULL) into ta,
 * starting from the defaults.  EINVAL for an unknown option or a bad
 * value.
 */
int
tmpfs_parse_opts(const char *opts, struct tmpfs_args *ta)
{
	memset(ta, 0, sizeof(*ta));
	ta->ta_maxpages = TMPFS_DEFAULT_SIZE / TMPFS_PAGE_SIZE;
	ta->ta_maxnodes = TMPFS_DEFAULT_INODES;
	ta->ta_mode = TMPFS_DEFAULT_MODE;
	return vfs_opts_foreach(opts, "tmpfs", tmpfs_parse_one, ta);
}

/*
 * Create the in-memory state of a mount: the limits of ta and an empty
 * root directory.  mp may be NULL (ktests use a tmpfs without the VFS).
 * ENOMEM, ENOSPC (no node left for the root).
 */
int
tmpfs_mount_alloc(const struct tmpfs_args *ta, struct mount *mp,
    struct tmpfs_mount **tmp)
{
	struct tmpfs_mount *tm;
	struct tmpfs_node *root;
	int error;

	if ((tm = kmem_zalloc(sizeof(*tm))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&tm->tm_lock)) != 0)
		goto out_free;
	tm->tm_mp = mp;
	tm->tm_maxpages = ta->ta_maxpages;
	tm->tm_maxnodes = ta->ta_maxnodes;
	tm->tm_nextino = TMPFS_ROOT_INO;
	tm->tm_reportpages = ta->ta_maxpages != UINT64_MAX;
	tm->tm_reportnodes = ta->ta_maxnodes != UINT64_MAX;
	LIST_INIT(&tm->tm_nodelist);
	error = tmpfs_node_alloc(tm, VDIR, ta->ta_mode, ta->ta_uid,
	    ta->ta_gid, &root);
	if (error != 0)
		goto out_mutex;
	/* The root is its own parent; "." and ".." make two links. */
	root->tn_u.tn_dir.td_parent = root;
	root->tn_links = 2;
	tm->tm_root = root;
	*tmp = tm;
	return 0;

out_mutex:
	mutex_destroy(&tm->tm_lock);
out_free:
	kmem_free(tm, sizeof(*tm));
	return error;
}

/* Free a mount and every node in it.  No vnode of it exists. */
void
tmpfs_mount_free(struct tmpfs_mount *tm)
{
	struct tmpfs_node *tn;

	while ((tn = LIST_FIRST(&tm->tm_nodelist)) != NULL)
		tmpfs_node_free(tn);
	KASSERT(tm->tm_nodes == 0 && tm->tm_pages == 0);
	mutex_destroy(&tm->tm_lock);
	kmem_free(tm, sizeof(*tm));
}

static int
tmpfs_vfs_mount(struct mount *mp, struct blkdev *dev, const char *opts)
{
	struct tmpfs_args ta;
	struct tmpfs_mount *tm;
	int error;

	if ((error = tmpfs_parse_opts(opts, &ta)) != 0)
		return error;
	if ((error = tmpfs_mount_alloc(&ta, mp, &tm)) != 0)
		return error;
	mp->mnt_data = tm;
	return 0;
}

static int
tmpfs_vfs_unmount(struct mount *mp, int flags)
{
	tmpfs_mount_free(VFS_TO_TMPFS(mp));
	mp->mnt_data = NULL;
	return 0;
}

static int
tmpfs_vfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, tmpfs_node_key(VFS_TO_TMPFS(mp)->tm_root), vpp);
}

/*
 * Blocks are pages.  A mount without a limit reports zero blocks and
 * files, as Linux does for size=0 and nr_inodes=0.
 */
static int
tmpfs_vfs_statvfs(struct mount *mp, struct kstatvfs *sbp)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(mp);

	sbp->f_bsize = sbp->f_frsize = TMPFS_PAGE_SIZE;
	sbp->f_namemax = NAME_MAX;
	mutex_enter(&tm->tm_lock);
	if (tm->tm_reportpages) {
		sbp->f_blocks = tm->tm_maxpages;
		sbp->f_bfree = sbp->f_bavail = tm->tm_maxpages - tm->tm_pages;
	}
	if (tm->tm_reportnodes) {
		sbp->f_files = tm->tm_maxnodes;
		sbp->f_ffree = sbp->f_favail = tm->tm_maxnodes - tm->tm_nodes;
	}
	mutex_exit(&tm->tm_lock);
	return 0;
}

/* Nothing to write back: memory is the only storage. */
static int
tmpfs_vfs_sync(struct mount *mp)
{
	return 0;
}

/*
 * The key is the node's address (tmpfs_node_key).  The caller found it in
 * a directory entry it holds locked, or in a vnode it holds, so the node
 * is alive (see tmpfs.h).
 */
static int
tmpfs_vfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct tmpfs_node *tn = (struct tmpfs_node *)(uintptr_t)key;

	KASSERT(tn != NULL && tn->tn_mount == VFS_TO_TMPFS(mp));
	vp->v_type = tn->tn_type;
	vp->v_op = &tmpfs_vnodeops;
	vp->v_data = tn;
	return 0;
}

const struct vfsops tmpfs_vfsops = {
	.vfs_name = "tmpfs",
	.vfs_aliases = NULL,
	.vfs_caps = VFSCAP_WRITE | VFSCAP_SYMLINK | VFSCAP_HARDLINK |
	    VFSCAP_XATTR | VFSCAP_SPARSE | VFSCAP_SPECIAL | VFSCAP_OWNERS |
	    VFSCAP_NSEC | VFSCAP_EXCHANGE | VFSCAP_NODEV,
	.vfs_probe = NULL,
	.vfs_mount = tmpfs_vfs_mount,
	.vfs_unmount = tmpfs_vfs_unmount,
	.vfs_root = tmpfs_vfs_root,
	.vfs_statvfs = tmpfs_vfs_statvfs,
	.vfs_sync = tmpfs_vfs_sync,
	.vfs_loadvnode = tmpfs_vfs_loadvnode,
};

KCOMPONENT(tmpfs, COMP_FS, tmpfs_init);
int
tmpfs_init(void)
{
	int error;

	if ((error = tmpfs_node_pool_init()) != 0 ||
	    (error = tmpfs_page_pool_init()) != 0)
		return error;
	return vfs_register(&tmpfs_vfsops);
}
