/*
 * fat_xattr.c: the two extended attributes of FAT (see fatfs.h):
 * "user.fat.attr", the attribute byte of any file or directory, and
 * "user.fat.label", the volume label, on the root only.  FAT stores no
 * other attributes, so other names are ENOATTR to read and EOPNOTSUPP
 * to set.
 *
 * The label lives in two places that fsck.fat compares: the label entry
 * of the root directory and the boot sector (with its FAT32 backup).
 * The boot sector is written straight to the device: nothing else of it
 * is ever cached.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/fcntl.h>
#include "fs/fatfs/fatfs.h"

#define FAT_XATTR_ATTR		"user.fat.attr"
#define FAT_XATTR_LABEL		"user.fat.label"
/* Attribute bits user.fat.attr may change. */
#define FAT_ATTR_SETTABLE	(FAT_ATTR_RDONLY | FAT_ATTR_HIDDEN | \
				 FAT_ATTR_SYSTEM | FAT_ATTR_ARCHIVE)

/* Copy a value out as getxattr does: size 0 asks for the length. */
static int
fat_xattr_out(const char *val, size_t len, void *buf, size_t size,
    size_t *retlen)
{
	*retlen = len;
	if (size == 0)
		return 0;
	if (size < len)
		return ERANGE;
	memcpy(buf, val, len);
	return 0;
}

/* vop_getxattr: vp locked shared. */
int
fat_getxattr(struct vnode *vp, const char *name, void *buf, size_t size,
    size_t *retlen)
{
	struct fat_node *fn = VTON(vp);
	char val[FAT_NAME_MAXUTF8];
	size_t len;
	int error;

	if (strcmp(name, FAT_XATTR_ATTR) == 0) {
		len = (size_t)snprintf(val, sizeof(val), "0x%02x",
		    fn->fn_de.de_attr);
		return fat_xattr_out(val, len, buf, size, retlen);
	}
	if (strcmp(name, FAT_XATTR_LABEL) == 0 && fn->fn_key == FAT_ROOT_KEY) {
		error = fat_volume_label(fn->fn_fmp, val, sizeof(val));
		if (error != 0)
			return error;
		return fat_xattr_out(val, strlen(val), buf, size, retlen);
	}
	return ENOATTR;
}

/* vop_listxattr: vp locked shared. */
int
fat_listxattr(struct vnode *vp, char *buf, size_t size, size_t *retlen)
{
	struct fat_node *fn = VTON(vp);
	char list[sizeof(FAT_XATTR_ATTR) + sizeof(FAT_XATTR_LABEL)];
	char label[FAT_NAME_MAXUTF8];
	size_t len;

	memcpy(list, FAT_XATTR_ATTR, sizeof(FAT_XATTR_ATTR));
	len = sizeof(FAT_XATTR_ATTR);
	if (fn->fn_key == FAT_ROOT_KEY &&
	    fat_volume_label(fn->fn_fmp, label, sizeof(label)) == 0) {
		memcpy(list + len, FAT_XATTR_LABEL, sizeof(FAT_XATTR_LABEL));
		len += sizeof(FAT_XATTR_LABEL);
	}
	return fat_xattr_out(list, len, buf, size, retlen);
}

/* Set the attribute bits from a text value ("0x22" or "34"). */
static int
fat_setattrbyte(struct fat_node *fn, const void *buf, size_t size)
{
	char val[16];
	uint64_t v;

	if (fn->fn_key == FAT_ROOT_KEY)
		return EPERM;		/* the root has no entry */
	if (size == 0 || size >= sizeof(val))
		return EINVAL;
	memcpy(val, buf, size);
	val[size] = '\0';
	if (kstrtou64(val, 0, &v) != 0 || (v & ~(uint64_t)FAT_ATTR_SETTABLE))
		return EINVAL;
	fn->fn_de.de_attr = (uint8_t)((fn->fn_de.de_attr &
	    ~FAT_ATTR_SETTABLE) | v);
	return fat_node_update(fn);
}

/*
 * A label as an 11-byte name: upper case, characters allowed in short
 * names or spaces, padded with spaces.  EINVAL otherwise.
 */
static int
fat_label_encode(const void *buf, size_t size, uint8_t name[11])
{
	const uint8_t *s = buf;
	uint8_t c;
	size_t i;

	if (size == 0 || size > 11)
		return EINVAL;
	memset(name, ' ', 11);
	for (i = 0; i < size; i++) {
		c = s[i];
		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 'a' + 'A');
		if (c != ' ' && !((c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') ||
		    strchr("$%'-_@~`!(){}^#&", c) != NULL))
			return EINVAL;
		name[i] = c;
	}
	if (name[0] == ' ')
		return EINVAL;
	return 0;
}

/* Write the label into boot sector sec (and nothing else of it). */
static int
fat_bootsect_setlabel(struct fat_mount *fmp, uint32_t sec,
    const uint8_t name[11])
{
	uint64_t off = (uint64_t)sec * fmp->fm_bpb.bpb_secsize +
	    fmp->fm_bpb.bpb_labeloff;

	return blkdev_write(fmp->fm_dev, name, 11, off);
}

/* Set (or with all blanks, remove) the volume label. */
static int
fat_setlabel(struct fat_node *root, const uint8_t name[11])
{
	struct fat_mount *fmp = root->fn_fmp;
	static const uint8_t noname[11] = "NO NAME    ";
	const uint8_t *bs = memcmp(name, "           ", 11) == 0 ? noname :
	    name;
	int error;

	if ((error = fat_dir_setlabel(root, name)) != 0)
		return error;
	if (fmp->fm_bpb.bpb_labeloff == 0)
		return 0;	/* no extended BPB: the entry only */
	if ((error = fat_bootsect_setlabel(fmp, 0, bs)) != 0)
		return error;
	if (fmp->fm_bpb.bpb_bkbootsec != 0 &&
	    (error = fat_bootsect_setlabel(fmp, fmp->fm_bpb.bpb_bkbootsec,
	    bs)) != 0)
		return error;
	memcpy(fmp->fm_bpb.bpb_label, bs, 11);
	fmp->fm_bpb.bpb_label[11] = '\0';
	return 0;
}

/* vop_setxattr: vp locked exclusive. */
int
fat_setxattr(struct vnode *vp, const char *name, const void *buf,
    size_t size, int flags)
{
	struct fat_node *fn = VTON(vp);
	uint8_t label[11];
	int error;

	if (strcmp(name, FAT_XATTR_ATTR) == 0) {
		if (flags & XATTR_CREATE)
			return EEXIST;	/* every entry has attributes */
		return fat_setattrbyte(fn, buf, size);
	}
	if (strcmp(name, FAT_XATTR_LABEL) == 0 && fn->fn_key == FAT_ROOT_KEY) {
		if ((error = fat_label_encode(buf, size, label)) != 0)
			return error;
		return fat_setlabel(fn, label);
	}
	return EOPNOTSUPP;
}

/* vop_removexattr: only the label can go. */
int
fat_removexattr(struct vnode *vp, const char *name)
{
	struct fat_node *fn = VTON(vp);
	char val[FAT_NAME_MAXUTF8];
	int error;

	if (strcmp(name, FAT_XATTR_LABEL) == 0 && fn->fn_key == FAT_ROOT_KEY) {
		if ((error = fat_volume_label(fn->fn_fmp, val,
		    sizeof(val))) != 0)
			return error;
		return fat_setlabel(fn, (const uint8_t *)"           ");
	}
	if (strcmp(name, FAT_XATTR_ATTR) == 0)
		return EPERM;
	return ENOATTR;
}
