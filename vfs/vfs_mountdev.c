/*
 * vfs_mountdev.c: the device under a mount.  Three mount options belong
 * to the VFS, not to the driver, and work for every image-backed type:
 *
 *	part=N		partition N of the image's MBR or GPT
 *	offset=BYTES	the file system starts BYTES into the image
 *	sizelimit=BYTES	and is at most BYTES long (default: to the end)
 *
 * (offset and sizelimit as losetup names them).  They are taken out of
 * the option string before the driver sees it.  The same code answers
 * "which partitions are there, and what is on them" (sys_partitions) and
 * "what is on this device" (sys_probe) without mounting anything.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/mount.h>
#include <sys/blkdev.h>
#include <sys/part.h>
#include <sys/kapi.h>
#include "vfs/vfs_internal.h"

struct devspec {
	uint64_t	ds_part;	/* 0: none */
	uint64_t	ds_off;
	uint64_t	ds_len;		/* 0: to the end */
	bool		ds_any;		/* any device option given */
	char		*ds_rest;	/* the driver's options */
	size_t		ds_restlen;	/* bytes allocated */
};

static int
devspec_take(struct devspec *ds, const char *key, const char *val,
    bool hasval)
{
	uint64_t *field;

	if (strcmp(key, "part") == 0)
		field = &ds->ds_part;
	else if (strcmp(key, "offset") == 0)
		field = &ds->ds_off;
	else if (strcmp(key, "sizelimit") == 0)
		field = &ds->ds_len;
	else
		return ENOENT;
	if (!hasval || kstrtou64(val, 0, field) != 0) {
		printf("vfs: bad mount option \"%s%s%s\"\n", key,
		    hasval ? "=" : "", hasval ? val : "");
		return EINVAL;
	}
	ds->ds_any = true;
	return 0;
}

/* Split opts into ds's device options and the rest (ds_rest). */
static int
devspec_parse(const char *opts, struct devspec *ds)
{
	char key[VFS_OPT_KEYLEN], val[VFS_OPT_VALLEN];
	const char *s = opts, *start;
	size_t o = 0;
	bool hasval;
	int error;

	memset(ds, 0, sizeof(*ds));
	ds->ds_restlen = (opts != NULL ? strlen(opts) : 0) + 1;
	if ((ds->ds_rest = kmem_zalloc(ds->ds_restlen)) == NULL)
		return ENOMEM;
	for (;;) {
		while (s != NULL && *s == ',')
			s++;
		start = s;
		error = vfs_opt_next(&s, key, sizeof(key), val, sizeof(val),
		    &hasval);
		if (error == ENOENT)
			break;
		if (error == 0)
			error = devspec_take(ds, key, val, hasval);
		if (error == ENOENT) {		/* the driver's: keep it */
			if (o > 0)
				ds->ds_rest[o++] = ',';
			memcpy(ds->ds_rest + o, start, (size_t)(s - start));
			o += (size_t)(s - start);
		} else if (error != 0)
			goto fail;
	}
	if (ds->ds_part != 0 && (ds->ds_off != 0 || ds->ds_len != 0)) {
		printf("vfs: part= cannot be combined with offset= or "
		    "sizelimit=\n");
		error = EINVAL;
		goto fail;
	}
	return 0;
fail:
	kmem_free(ds->ds_rest, ds->ds_restlen);
	return error;
}

/* Replace *devp by the window or partition ds asks for. */
static int
devspec_apply(const struct devspec *ds, struct blkdev **devp)
{
	struct blkdev *dev = *devp, *sub;
	uint64_t len;
	int error;

	if (ds->ds_part != 0) {
		if (ds->ds_part > INT32_MAX)
			return ENXIO;
		error = part_open(dev, (int)ds->ds_part, &sub);
	} else if (ds->ds_off != 0 || ds->ds_len != 0) {
		if (ds->ds_off >= dev->bd_size)
			return EINVAL;
		len = ds->ds_len != 0 ? ds->ds_len : dev->bd_size - ds->ds_off;
		error = blkdev_window_create(dev, ds->ds_off, len, &sub);
	} else
		return 0;
	if (error != 0)
		return error;
	blkdev_rele(dev);
	*devp = sub;
	return 0;
}

static uint32_t
mountdev_bdflags(int flags)
{
	return (flags & MNT_RDONLY) ? BD_RDONLY | BD_LOCK_SH : BD_LOCK_EX;
}

int
mountdev_open(const char *source, int flags, const char *opts,
    char **drvopts, size_t *drvoptslen, struct blkdev **devp)
{
	struct devspec ds;
	struct blkdev *dev = NULL;
	int error;

	if ((error = devspec_parse(opts, &ds)) != 0)
		return error;
	if (source == NULL || source[0] == '\0') {
		error = ds.ds_any ? EINVAL : 0;
	} else if ((error = blkdev_open_image(source, mountdev_bdflags(flags),
	    &dev)) == 0 && (error = devspec_apply(&ds, &dev)) != 0) {
		blkdev_rele(dev);
		dev = NULL;
	}
	if (error != 0) {
		kmem_free(ds.ds_rest, ds.ds_restlen);
		return error;
	}
	*drvopts = ds.ds_rest;
	*drvoptslen = ds.ds_restlen;
	*devp = dev;
	return 0;
}

int
sys_probe(const char *source, const char *opts, char *fstype, size_t len)
{
	const struct vfsops *ops;
	struct blkdev *dev;
	char *rest;
	size_t restlen;
	int error;

	SYSCALL_ENTER();
	if (source == NULL || source[0] == '\0')
		return EINVAL;
	error = mountdev_open(source, MNT_RDONLY, opts, &rest, &restlen,
	    &dev);
	if (error != 0)
		return error;
	kmem_free(rest, restlen);
	if ((error = vfs_probe_all(dev, &ops)) == 0)
		strlcpy(fstype, ops->vfs_name, len);
	blkdev_rele(dev);
	return error;
}

/* Fill in what lies on each partition of pe[0..n) (errors: none found). */
static void
partitions_probe(struct blkdev *dev, struct part_entry *pe, int n)
{
	const struct vfsops *ops;
	struct blkdev *sub;
	int i;

	for (i = 0; i < n; i++) {
		pe[i].pe_fstype[0] = '\0';
		if (blkdev_window_create(dev, pe[i].pe_off, pe[i].pe_len,
		    &sub) != 0)
			continue;
		if (vfs_probe_all(sub, &ops) == 0)
			strlcpy(pe[i].pe_fstype, ops->vfs_name,
			    sizeof(pe[i].pe_fstype));
		blkdev_rele(sub);
	}
}

int
sys_partitions(const char *source, struct part_entry *pe, int max, int *np)
{
	struct blkdev *dev;
	int error;

	SYSCALL_ENTER();
	if (source == NULL || source[0] == '\0' || max < 0)
		return EINVAL;
	error = blkdev_open_image(source, BD_RDONLY | BD_LOCK_SH, &dev);
	if (error != 0)
		return error;
	if ((error = part_scan(dev, pe, max, np)) == 0)
		partitions_probe(dev, pe, *np < max ? *np : max);
	blkdev_rele(dev);
	return error;
}
