/*
 * fat_vfsops.c: the FAT file system type ("fatfs", also "vfat" and
 * "msdos"): probe, mount options, mount and unmount, root, statistics,
 * and loading a vnode from its key (see fatfs.h for the keys).
 *
 * Writing (fat_wnops.c, fat_dirw.c, fat_alloc.c) is on unless the kernel
 * parameter AK_FATFS_WRITE is 0 at start-up: then the type does not
 * claim VFSCAP_WRITE, the VFS refuses read-write mounts with EROFS (and
 * so does the driver, should one reach it).  The switch is a way back
 * should the write path misbehave.
 *
 * Options (comma-separated, as Linux vfat takes them): uid=N, gid=N,
 * umask=OOO, dmask=OOO, fmask=OOO (octal), tz=M or time_offset=M (the
 * volume's local time minus UTC, in minutes, may be negative; default
 * 0), codepage=437 (the OEM code page of short names, Linux's default
 * and the only one built in: fstab lines that name it still mount), and
 * ro.  Anything else is EINVAL.
 *
 * A volume whose sector 0 is not a valid boot sector is mounted from
 * FAT32's backup boot sector, read-only and with a warning, when the
 * mount names the type (fat_mount_bpb); neither Linux nor fsck.fat does
 * this, and probing does not either.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/buf.h>
#include <sys/fcntl.h>
#include "fs/fatfs/fatfs.h"

static struct vfsops fat_vfsops;

/* Bounds of a timezone offset: UTC-24h..UTC+24h. */
#define FAT_TZ_MAXMIN	(24 * 60)

/* Parse a signed decimal number of minutes. */
static int
fat_parse_tz(const char *val, int32_t *res)
{
	bool neg = val[0] == '-';
	uint64_t v;

	if (val[0] == '-' || val[0] == '+')
		val++;
	if (kstrtou64(val, 10, &v) != 0 || v > FAT_TZ_MAXMIN)
		return EINVAL;
	*res = neg ? -(int32_t)v : (int32_t)v;
	return 0;
}

/* Apply one option to fmp. */
static int
fat_parse_one(void *arg, const char *key, const char *val, bool hasval)
{
	struct fat_mount *fmp = arg;
	uint64_t v;

	if (strcmp(key, "ro") == 0 && !hasval)
		return 0;
	if (!hasval)
		return EINVAL;
	if (strcmp(key, "tz") == 0 || strcmp(key, "time_offset") == 0)
		return fat_parse_tz(val, &fmp->fm_tzmin);
	if (strcmp(key, "codepage") == 0) {
		if (strcmp(val, "437") == 0)
			return 0;
		printf("fatfs: codepage=%s: only code page 437 is built in\n",
		    val);
		return EINVAL;
	}
	if (strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0) {
		if (kstrtou64(val, 10, &v) != 0 || v >= UINT32_MAX)
			return EINVAL;
		*(key[0] == 'u' ? &fmp->fm_uid : &fmp->fm_gid) = (uint32_t)v;
		return 0;
	}
	if (kstrtou64(val, 8, &v) != 0 || v > ACCESSPERMS)
		return EINVAL;
	if (strcmp(key, "umask") == 0)
		fmp->fm_dmask = fmp->fm_fmask = (uint32_t)v;
	else if (strcmp(key, "dmask") == 0)
		fmp->fm_dmask = (uint32_t)v;
	else if (strcmp(key, "fmask") == 0)
		fmp->fm_fmask = (uint32_t)v;
	else
		return EINVAL;
	return 0;
}

/* Parse opts (may be NULL) into fmp, from the defaults. */
static int
fat_parse_opts(const char *opts, struct fat_mount *fmp)
{
	fmp->fm_dmask = FAT_DEFAULT_DMASK;
	fmp->fm_fmask = FAT_DEFAULT_FMASK;
	return vfs_opts_foreach(opts, "fatfs", fat_parse_one, fmp);
}

/* Read and decode the boot sector at byte offset off of dev. */
static int
fat_read_bootsect(struct blkdev *dev, uint64_t off, struct fat_bpb *bpb)
{
	uint8_t *sec;
	int error;

	if (dev->bd_size < off + FAT_BOOTSECT_SIZE)
		return EFTYPE;
	if ((sec = kmem_alloc(FAT_BOOTSECT_SIZE)) == NULL)
		return ENOMEM;
	error = blkdev_read(dev, sec, FAT_BOOTSECT_SIZE, off);
	if (error == 0)
		error = fat_bpb_decode(sec, dev->bd_size, bpb);
	kmem_free(sec, FAT_BOOTSECT_SIZE);
	return error;
}

/* Read and decode the boot sector of dev. */
static int
fat_read_bpb(struct blkdev *dev, struct fat_bpb *bpb)
{
	return fat_read_bootsect(dev, 0, bpb);
}

/*
 * The FAT32 backup boot sector, for a volume whose sector 0 is not a
 * valid boot sector.  Its place is named by the broken sector, so the
 * place every formatter uses is tried: sector 6 (FAT_BKBOOTSEC), for
 * each sector size.  A candidate counts only if it is a valid FAT32
 * boot sector of that sector size that names sector 6 as its backup.
 * Neither Linux nor fsck.fat falls back like this (both give up); the
 * mount that does is read-only and says so, and probing never does it,
 * so only a mount that names the type reaches a volume this way.
 */
#define FAT_BKBOOTSEC	6
static int
fat_read_backup_bpb(struct blkdev *dev, struct fat_bpb *bpb)
{
	uint32_t ss;

	for (ss = 512; ss <= 4096; ss *= 2)
		if (fat_read_bootsect(dev, (uint64_t)FAT_BKBOOTSEC * ss,
		    bpb) == 0 && bpb->bpb_fattype == FAT32 &&
		    bpb->bpb_secsize == ss &&
		    bpb->bpb_bkbootsec == FAT_BKBOOTSEC)
			return 0;
	return EFTYPE;
}

/*
 * The geometry of the volume on dev for a mount: from sector 0, or,
 * when that is not a valid boot sector, from the FAT32 backup with a
 * warning, read-only (EROFS for a read-write mount, as a volume whose
 * boot sector is broken should be repaired before it is written).
 */
static int
fat_mount_bpb(struct blkdev *dev, bool writable, struct fat_bpb *bpb)
{
	int error;

	error = fat_read_bpb(dev, bpb);
	if ((error != EFTYPE && error != EFSCORRUPTED) ||
	    fat_read_backup_bpb(dev, bpb) != 0)
		return error;
	printf("fatfs: %s: sector 0 is not a valid boot sector; using the "
	    "FAT32 backup boot sector (sector %u)%s\n", dev->bd_name,
	    FAT_BKBOOTSEC, writable ? ": refusing to mount read-write "
	    "(mount read-only, or copy the backup to sector 0 first)" :
	    ", read-only");
	return writable ? EROFS : 0;
}

static int
fat_vfs_probe(struct blkdev *dev)
{
	struct fat_bpb bpb;
	int error;

	error = fat_read_bpb(dev, &bpb);
	return error == EFSCORRUPTED ? EFTYPE : error;
}

/* Read the FSInfo sector of a FAT32 volume (none: left invalid). */
static int
fat_read_fsinfo(struct fat_mount *fmp)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint8_t *sec;
	int error;

	if (bpb->bpb_fattype != FAT32 || bpb->bpb_fsinfosec == 0)
		return 0;
	if ((sec = kmem_alloc(bpb->bpb_secsize)) == NULL)
		return ENOMEM;
	error = blkdev_read(fmp->fm_dev, sec, bpb->bpb_secsize,
	    (uint64_t)bpb->bpb_fsinfosec * bpb->bpb_secsize);
	if (error == 0)
		fat_fsinfo_decode(sec, &fmp->fm_fsinfo);
	kmem_free(sec, bpb->bpb_secsize);
	return error;
}

/*
 * Choose the FAT copy to read: the first, or on FAT32 with mirroring
 * disabled (flag bit 7) the active one the low bits name.
 */
static int
fat_choose_fat(struct fat_mount *fmp)
{
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint32_t active = 0;

	if (bpb->bpb_fattype == FAT32 && (bpb->bpb_fat32flags & 0x80)) {
		active = bpb->bpb_fat32flags & 0x0f;
		if (active >= bpb->bpb_nfats)
			return FS_CORRUPT("fatfs", "active FAT %u of %u",
			    active, bpb->bpb_nfats);
	}
	fmp->fm_fatoff = ((uint64_t)bpb->bpb_rsvdsecs +
	    (uint64_t)active * bpb->bpb_fatsecs) * bpb->bpb_secsize;
	return 0;
}

/* Log (verbose) when the volume was not cleanly unmounted. */
static void
fat_check_dirty(struct fat_mount *fmp)
{
	uint32_t v, clean;

	if (fmp->fm_bpb.bpb_fattype == FAT12 || fat_get(fmp, 1, &v) != 0)
		return;
	clean = fmp->fm_bpb.bpb_fattype == FAT16 ? 0x0fff8000 : 0x08000000;
	if ((v & clean) != clean && kern_verbose > 0)
		printf("fatfs: %s: volume not cleanly unmounted\n",
		    fmp->fm_dev->bd_name);
}

static int
fat_vfs_mount(struct mount *mp, struct blkdev *dev, const char *opts)
{
	struct fat_mount *fmp;
	int error;

	if (dev == NULL)
		return ENOTBLK;
	if (!(mp->mnt_flag & MNT_RDONLY) &&
	    !(fat_vfsops.vfs_caps & VFSCAP_WRITE)) {
		printf("fatfs: %s: writing is switched off "
		    "(AK_FATFS_WRITE=0); mount it read-only\n", dev->bd_name);
		return EROFS;
	}
	if ((fmp = kmem_zalloc(sizeof(*fmp))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&fmp->fm_lock)) != 0)
		goto out_free;
	if ((error = mutex_init(&fmp->fm_alloclock)) != 0)
		goto out_lock;
	LIST_INIT(&fmp->fm_moved);
	fmp->fm_mp = mp;
	fmp->fm_dev = dev;
	fmp->fm_writable = !(mp->mnt_flag & MNT_RDONLY);
	if ((error = fat_parse_opts(opts, fmp)) != 0 ||
	    (error = fat_mount_bpb(dev, fmp->fm_writable, &fmp->fm_bpb)) != 0 ||
	    (error = fat_choose_fat(fmp)) != 0 ||
	    (error = fat_read_fsinfo(fmp)) != 0)
		goto out_mutex;
	fat_check_dirty(fmp);
	if (fmp->fm_writable && (error = fat_rw_start(fmp)) != 0)
		goto out_mutex;
	mp->mnt_data = fmp;
	return 0;

out_mutex:
	bio_invalidate(dev);
	mutex_destroy(&fmp->fm_alloclock);
out_lock:
	mutex_destroy(&fmp->fm_lock);
out_free:
	kmem_free(fmp, sizeof(*fmp));
	return error;
}

static int
fat_vfs_unmount(struct mount *mp, int flags)
{
	struct fat_mount *fmp = VFS_TO_FAT(mp);
	int error;

	if (fmp->fm_writable && (error = fat_rw_finish(fmp)) != 0 &&
	    !(flags & MNT_FORCE))
		return error;
	KASSERT(LIST_EMPTY(&fmp->fm_moved));
	bio_invalidate(fmp->fm_dev);
	mutex_destroy(&fmp->fm_alloclock);
	mutex_destroy(&fmp->fm_lock);
	kmem_free(fmp, sizeof(*fmp));
	mp->mnt_data = NULL;
	return 0;
}

static int
fat_vfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, FAT_ROOT_KEY, vpp);
}

/*
 * Free clusters: FSInfo's count when it is valid and plausible (as Linux
 * trusts it), else counted from the FAT once and remembered.
 */
static int
fat_vfs_statvfs(struct mount *mp, struct kstatvfs *sbp)
{
	struct fat_mount *fmp = VFS_TO_FAT(mp);
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint32_t nfree;
	int error = 0;

	mutex_enter(&fmp->fm_lock);
	if (!fmp->fm_freeknown) {
		if (fmp->fm_fsinfo.fsi_valid &&
		    fmp->fm_fsinfo.fsi_freecount <= bpb->bpb_nclusters)
			nfree = fmp->fm_fsinfo.fsi_freecount;
		else if ((error = fat_count_free(fmp, &nfree)) != 0)
			goto out_unlock;
		fmp->fm_freecount = nfree;
		fmp->fm_freeknown = true;
	}
	sbp->f_bsize = sbp->f_frsize = bpb->bpb_clustersize;
	sbp->f_blocks = bpb->bpb_nclusters;
	sbp->f_bfree = sbp->f_bavail = fmp->fm_freecount;
	sbp->f_namemax = NAME_MAX;
out_unlock:
	mutex_exit(&fmp->fm_lock);
	return error;
}

/* FSInfo and every dirty buffer (nothing when read-only). */
static int
fat_vfs_sync(struct mount *mp)
{
	return fat_rw_sync(VFS_TO_FAT(mp));
}

static int
fat_vfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct fat_node *fn;
	int error;

	if ((error = fat_node_load(VFS_TO_FAT(mp), key, &fn)) != 0)
		return error;
	vp->v_type = fn->fn_type;
	vp->v_op = &fat_vnodeops;
	vp->v_data = fn;
	return 0;
}

static const char *const fat_aliases[] = { "vfat", "msdos", NULL };

/* Not const: fatfs_init adds VFSCAP_WRITE unless writing is off. */
static struct vfsops fat_vfsops = {
	.vfs_name = "fatfs",
	.vfs_aliases = fat_aliases,
	/*
	 * No VFSCAP_XATTR: the two xattrs FAT has (fatfs.h) are not a
	 * store for arbitrary ones.  VFSCAP_WRITE: see fatfs_init.
	 */
	.vfs_caps = 0,
	.vfs_probe = fat_vfs_probe,
	.vfs_mount = fat_vfs_mount,
	.vfs_unmount = fat_vfs_unmount,
	.vfs_root = fat_vfs_root,
	.vfs_statvfs = fat_vfs_statvfs,
	.vfs_sync = fat_vfs_sync,
	.vfs_loadvnode = fat_vfs_loadvnode,
};

KCOMPONENT(fatfs, COMP_FS, fatfs_init);
int
fatfs_init(void)
{
	if (kern_param_u64("AK_FATFS_WRITE", 1) != 0)
		fat_vfsops.vfs_caps |= VFSCAP_WRITE;
	return vfs_register(&fat_vfsops);
}
