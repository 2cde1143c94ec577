/*
 * cd9660_vfsops.c: the ISO 9660 file system type: probe, mount (always
 * read-only), unmount, root, statistics, loading a vnode from its key.
 *
 * Mount scans the volume descriptors from sector 16 until the set
 * terminator, at most ISO_VD_MAX of them, and picks the tree to show
 * (cd9660.h).  A hybrid image (an MBR or GPT in front) needs nothing
 * special: the descriptors are at 32 KiB either way.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/cd9660/cd9660.h"

#define ISO_OPT_NOROCK		0x01
#define ISO_OPT_NOJOLIET	0x02

/* Is there a "CD001" descriptor at sector 16? */
static int
cd9660_vfs_probe(struct blkdev *dev)
{
	uint8_t id[6];
	int error;

	if (dev->bd_size < (ISO_VD_FIRST + 1) * ISO_SECTOR)
		return EFTYPE;
	error = blkdev_read(dev, id, sizeof(id), ISO_VD_FIRST * ISO_SECTOR);
	if (error != 0)
		return error;
	return memcmp(id + 1, "CD001", 5) == 0 ? 0 : EFTYPE;
}

static int
cd9660_opt(void *arg, const char *key, const char *val, bool hasval)
{
	int *flagsp = arg;

	if (strcmp(key, "norock") == 0 && !hasval)
		*flagsp |= ISO_OPT_NOROCK;
	else if (strcmp(key, "nojoliet") == 0 && !hasval)
		*flagsp |= ISO_OPT_NOJOLIET;
	else if (strcmp(key, "ro") != 0 || hasval)
		return EINVAL;
	return 0;
}

static int
cd9660_opts(const char *opts, int *flagsp)
{
	*flagsp = 0;
	return vfs_opts_foreach(opts, "cd9660", cd9660_opt, flagsp);
}

/*
 * The primary descriptor into im->im_pvd and the first Joliet one into
 * *svd (vd_type 0 if there is none).
 */
static int
cd9660_scan_vds(struct iso_mount *im, struct iso_vd *svd)
{
	struct iso_vd vd;
	struct buf *bp;
	bool havepvd = false;
	int i, error = 0;

	memset(svd, 0, sizeof(*svd));
	for (i = ISO_VD_FIRST; i < ISO_VD_FIRST + ISO_VD_MAX; i++) {
		if ((uint64_t)(i + 1) * ISO_SECTOR > im->im_devsize)
			break;
		if ((error = bread(im->im_dev, (uint64_t)i * ISO_SECTOR,
		    ISO_SECTOR, &bp)) != 0)
			return error;
		error = iso_vd_decode(bp->b_data, &vd);
		if (error == 0 && vd.vd_type == ISO_VD_BOOT)
			iso_boot_scan(im, bp->b_data);
		brelse(bp);
		if (error == EFTYPE && havepvd)
			break;
		if (error == EFTYPE)
			return FS_CORRUPT(ISO_FSNAME, "descriptor %d has no "
			    "CD001 signature", i);
		if (error != 0)
			return error;
		if (vd.vd_type == ISO_VD_TERMINATOR)
			break;
		if (vd.vd_type == ISO_VD_PRIMARY && !havepvd) {
			im->im_pvd = vd;
			havepvd = true;
		} else if (vd.vd_type == ISO_VD_SUPPLEMENTARY &&
		    vd.vd_joliet != 0 && svd->vd_type == 0)
			*svd = vd;
	}
	if (!havepvd)
		return FS_CORRUPT(ISO_FSNAME, "no primary volume descriptor");
	if (im->im_pvd.vd_bsize != ISO_BSIZE) {
		printf("cd9660: logical block size %u is not supported\n",
		    im->im_pvd.vd_bsize);
		return EOPNOTSUPP;
	}
	return 0;
}

/*
 * The key of the root a descriptor names; *rrp and *skipp say whether
 * its "." record starts with the SUSP SP entry.
 */
static int
cd9660_root_of(struct iso_mount *im, const struct iso_vd *vd,
    uint64_t *keyp, bool *rrp, uint8_t *skipp)
{
	uint8_t rec[ISO_DR_MAXLEN + 1];
	struct iso_dirrec dr;
	const uint8_t *sp;
	int error;

	if ((error = iso_dirrec_decode(vd->vd_root, sizeof(vd->vd_root),
	    &dr)) != 0)
		return error;
	if (!(dr.dr_flags & ISO_FLAG_DIR))
		return FS_CORRUPT(ISO_FSNAME, "root record is not a directory");
	im->im_rootmtime = dr.dr_mtime;
	*keyp = iso_dirkey(dr.dr_extent + dr.dr_xarlen);
	if ((error = iso_read_rec(im, *keyp & ~ISO_KEY_DIR, rec, &dr)) != 0)
		return error;
	/*
	 * SP is the first entry of the root's "." record, unskipped.  Only
	 * it is looked at here: damage further on is found (and reported)
	 * when the root is loaded, rather than silently hiding Rock Ridge.
	 */
	sp = rec + dr.dr_suoff;
	*rrp = dr.dr_sulen >= SUSP_SP_LEN && sp[0] == 'S' && sp[1] == 'P' &&
	    sp[2] >= SUSP_SP_LEN && sp[4] == 0xBE && sp[5] == 0xEF;
	if (*rrp)
		*skipp = sp[6];
	return 0;
}

/* A file system id from the volume identifier and size. */
static uint64_t
cd9660_fsid(const struct iso_vd *pvd)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < sizeof(pvd->vd_volid); i++)
		h = (h ^ pvd->vd_volid[i]) * 0x100000001b3ULL;
	return h ^ pvd->vd_blocks;
}

static int
cd9660_load(struct iso_mount *im, const char *opts)
{
	struct iso_vd svd;
	bool rr;
	int flags, error;

	if ((error = cd9660_opts(opts, &flags)) != 0 ||
	    (error = cd9660_scan_vds(im, &svd)) != 0)
		return error;
	error = cd9660_root_of(im, &im->im_pvd, &im->im_rootkey, &rr,
	    &im->im_rrskip);
	if (error != 0)
		return error;
	im->im_rr = rr && !(flags & ISO_OPT_NOROCK);
	if (!im->im_rr && svd.vd_type != 0 && !(flags & ISO_OPT_NOJOLIET)) {
		error = cd9660_root_of(im, &svd, &im->im_rootkey, &rr,
		    &im->im_rrskip);
		if (error != 0)
			return error;
		im->im_joliet = svd.vd_joliet;
	}
	return 0;
}

static int
cd9660_vfs_mount(struct mount *mp, struct blkdev *dev, const char *opts)
{
	struct iso_mount *im;
	int error;

	if (dev == NULL)
		return ENOTBLK;
	if ((im = kmem_zalloc(sizeof(*im))) == NULL)
		return ENOMEM;
	im->im_mp = mp;
	im->im_dev = dev;
	im->im_devsize = dev->bd_size;
	if ((error = cd9660_load(im, opts)) != 0) {
		kmem_free(im, sizeof(*im));
		bio_invalidate(dev);
		return error;
	}
	mp->mnt_data = im;
	mp->mnt_fsid = cd9660_fsid(&im->im_pvd);
	return 0;
}

static int
cd9660_vfs_unmount(struct mount *mp, int flags)
{
	struct iso_mount *im = VFS_TO_ISO(mp);

	bio_invalidate(im->im_dev);
	kmem_free(im, sizeof(*im));
	mp->mnt_data = NULL;
	return 0;
}

static int
cd9660_vfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, VFS_TO_ISO(mp)->im_rootkey, vpp);
}

static int
cd9660_vfs_statvfs(struct mount *mp, struct kstatvfs *sbp)
{
	struct iso_mount *im = VFS_TO_ISO(mp);

	sbp->f_bsize = sbp->f_frsize = ISO_BSIZE;
	sbp->f_blocks = im->im_pvd.vd_blocks;
	sbp->f_bfree = sbp->f_bavail = 0;
	sbp->f_files = 0;
	sbp->f_ffree = sbp->f_favail = 0;
	sbp->f_namemax = NAME_MAX;
	return 0;
}

static int
cd9660_vfs_sync(struct mount *mp)
{
	return 0;
}

static int
cd9660_vfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct iso_node *in;
	int error;

	if ((error = iso_node_load(VFS_TO_ISO(mp), key, &in)) != 0)
		return error;
	vp->v_type = in->in_type;
	vp->v_op = &cd9660_vnodeops;
	vp->v_data = in;
	return 0;
}

static const char *const cd9660_aliases[] = { "iso9660", "isofs", NULL };

static const struct vfsops cd9660_vfsops = {
	.vfs_name = "cd9660",
	.vfs_aliases = cd9660_aliases,
	.vfs_caps = VFSCAP_SYMLINK | VFSCAP_HARDLINK | VFSCAP_SPECIAL |
	    VFSCAP_OWNERS,
	.vfs_probe = cd9660_vfs_probe,
	.vfs_mount = cd9660_vfs_mount,
	.vfs_unmount = cd9660_vfs_unmount,
	.vfs_root = cd9660_vfs_root,
	.vfs_statvfs = cd9660_vfs_statvfs,
	.vfs_sync = cd9660_vfs_sync,
	.vfs_loadvnode = cd9660_vfs_loadvnode,
};

KCOMPONENT(cd9660, COMP_FS, cd9660_init);
int
cd9660_init(void)
{
	return vfs_register(&cd9660_vfsops);
}
