/*
 * ffs_xattr.c: UFS2 extended attributes, read side.
 *
 * A UFS2 inode may own an "external attribute" area of di_extsize bytes
 * in up to two blocks (di_extb[0..1]; the last may be fragments).  It
 * holds records, each: ea_length (32-bit, the whole record, a multiple
 * of 8), ea_namespace (1 user, 2 system), ea_contentpadlen,
 * ea_namelength, the name (not NUL-terminated), padding to 8 bytes, the
 * value, ea_contentpadlen bytes of padding.  They are shown as
 * "user.NAME" and "system.NAME".  Every record is checked against the
 * area before use; the walk ends at the area's end or a zero length.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/ffs/ffs.h"
#include "fs/ffs/ffs_w.h"

/* Read the whole area into a new buffer of fn_di.di_extsize bytes. */
int
ffs_ea_read(struct ffs_node *fn, uint8_t **areap)
{
	struct ffs_mount *fm = fn->fn_mount;
	uint32_t bsize = fm->fm_fs.fs_bsize, size = fn->fn_di.di_extsize;
	uint32_t i, n, len;
	struct buf *bp;
	uint8_t *area;
	int error = 0;

	if ((area = kmem_zalloc(size)) == NULL)
		return ENOMEM;
	for (i = 0; i * bsize < size && error == 0; i++) {
		n = MIN(bsize, size - i * bsize);
		len = (uint32_t)roundup(n, fm->fm_fs.fs_fsize);
		if (fn->fn_di.di_extb[i] == 0)
			continue;
		error = ffs_bread(fm, fn->fn_di.di_extb[i], len, &bp);
		if (error == 0) {
			memcpy(area + i * bsize, bp->b_data, n);
			brelse(bp);
		}
	}
	if (error != 0) {
		kmem_free(area, size);
		return error;
	}
	*areap = area;
	return 0;
}

/*
 * Decode the record at *offp of area (size bytes) into ea and move *offp
 * past it.  ENOENT at the end.
 */
int
ffs_ea_next(struct ffs_node *fn, const uint8_t *area, uint32_t size,
    uint32_t *offp, struct ffs_ea *ea)
{
	const uint8_t *p = area + *offp;
	struct ffs_ea_hdr h;
	uint32_t len, base;
	const char *ns;
	size_t nslen;

	if (size - *offp < FFS_EA_HDR + 1)
		return ENOENT;
	ffs_ea_decode(&fn->fn_mount->fm_fs, p, &h);
	if ((len = h.ea_length) == 0)
		return ENOENT;
	base = roundup(FFS_EA_HDR + (uint32_t)h.ea_namelength, 8);
	if ((len & 7) != 0 || len > size - *offp ||
	    base + h.ea_contentpadlen > len)
		return FS_CORRUPT(FFS_FSNAME, "inode %u: extended attribute "
		    "at %u", fn->fn_ino, *offp);
	ns = h.ea_namespace == FFS_EA_USER ? "user." :
	    h.ea_namespace == FFS_EA_SYSTEM ? "system." : "unknown.";
	nslen = strlen(ns);
	memcpy(ea->ea_name, ns, nslen);
	memcpy(ea->ea_name + nslen, p + FFS_EA_HDR, h.ea_namelength);
	ea->ea_namelen = nslen + h.ea_namelength;
	ea->ea_name[ea->ea_namelen] = '\0';
	ea->ea_value = p + base;
	ea->ea_valuelen = len - base - h.ea_contentpadlen;
	*offp += len;
	return 0;
}

int
ffs_xattr_get(struct ffs_node *fn, const char *name, void *buf,
    size_t size, size_t *retlen)
{
	uint32_t asize = fn->fn_di.di_extsize, off = 0;
	struct ffs_ea ea;
	uint8_t *area;
	int error;

	if (asize == 0)
		return ENOATTR;
	if ((error = ffs_ea_read(fn, &area)) != 0)
		return error;
	while ((error = ffs_ea_next(fn, area, asize, &off, &ea)) == 0) {
		if (strcmp(ea.ea_name, name) != 0)
			continue;
		*retlen = ea.ea_valuelen;
		if (size != 0 && size < ea.ea_valuelen)
			error = ERANGE;
		else if (size != 0)
			memcpy(buf, ea.ea_value, ea.ea_valuelen);
		break;
	}
	kmem_free(area, asize);
	return error == ENOENT ? ENOATTR : error;
}

int
ffs_xattr_list(struct ffs_node *fn, char *buf, size_t size, size_t *retlen)
{
	uint32_t asize = fn->fn_di.di_extsize, off = 0;
	struct ffs_ea ea;
	uint8_t *area;
	size_t len = 0;
	int error;

	*retlen = 0;
	if (asize == 0)
		return 0;
	if ((error = ffs_ea_read(fn, &area)) != 0)
		return error;
	while ((error = ffs_ea_next(fn, area, asize, &off, &ea)) == 0) {
		if (size != 0) {
			if (size - len < ea.ea_namelen + 1) {
				error = ERANGE;
				break;
			}
			memcpy(buf + len, ea.ea_name, ea.ea_namelen + 1);
		}
		len += ea.ea_namelen + 1;
	}
	kmem_free(area, asize);
	if (error == ENOENT) {
		*retlen = len;
		error = 0;
	}
	return error;
}
