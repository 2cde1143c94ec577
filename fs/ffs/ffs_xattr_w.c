/*
 * ffs_xattr_w.c: UFS2 extended attributes, write side: set, remove, and
 * freeing the area with its inode.  The format is ffs_xattr.c's.
 *
 * A change rebuilds the whole area in memory (at most NXADDR blocks):
 * the records kept are copied byte for byte (names of namespaces the
 * driver does not know included), a new or replaced record goes at the
 * end.  Each of the two blocks then holds exactly the fragments its part
 * of di_extsize needs, as ffs_check expects: when that count changes,
 * a new run is allocated near the inode and the old one freed.
 * UFS1 has no area: EOPNOTSUPP.  Only the "user." and "system."
 * namespaces exist on disk.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/fcntl.h>
#include "fs/ffs/ffs.h"
#include "fs/ffs/ffs_w.h"

/* The namespace and bare name of a VFS name ("user.x"). */
static int
ffs_ea_parse(const char *name, int *nsp, const char **barep)
{
	if (strncmp(name, "user.", 5) == 0) {
		*nsp = FFS_EA_USER;
		*barep = name + 5;
	} else if (strncmp(name, "system.", 7) == 0) {
		*nsp = FFS_EA_SYSTEM;
		*barep = name + 7;
	} else
		return EOPNOTSUPP;
	if (**barep == '\0')
		return EINVAL;
	if (strlen(*barep) > 255)
		return ERANGE;
	return 0;
}

/* Fragments part i of an area of size bytes takes. */
static uint32_t
ffs_ea_frags(const struct ffs_mount *fm, uint32_t size, uint32_t i)
{
	uint32_t bsize = fm->fm_fs.fs_bsize;

	if (size <= i * bsize)
		return 0;
	return howmany(MIN(bsize, size - i * bsize), fm->fm_fs.fs_fsize);
}

/*
 * Store area (size bytes; NULL and 0 to free it all) as fn's extended
 * attribute area, and write the inode.
 */
static int
ffs_ea_store(struct ffs_node *fn, const uint8_t *area, uint32_t size)
{
	struct ffs_mount *fm = fn->fn_mount;
	uint32_t bsize = fm->fm_fs.fs_bsize, fsize = fm->fm_fs.fs_fsize;
	uint32_t i, have, need, n;
	int64_t frag;
	struct buf *bp;
	int error;

	for (i = 0; i < FFS_NXADDR; i++) {
		have = fn->fn_di.di_extb[i] != 0 ?
		    ffs_ea_frags(fm, fn->fn_di.di_extsize, i) : 0;
		need = ffs_ea_frags(fm, size, i);
		if (have != need) {
			if (need != 0) {
				error = ffs_frags_alloc(fm, ffs_ino_to_cg(fm,
				    fn->fn_ino), 0, need, false, &frag);
				if (error != 0)
					return error;
			} else
				frag = 0;
			if (have != 0)
				(void)ffs_frags_free(fm, fn->fn_di.di_extb[i],
				    have);
			ffs_node_addfrags(fn, (int64_t)need - have);
			fn->fn_di.di_extb[i] = frag;
		}
		if (need == 0)
			continue;
		n = MIN(bsize, size - i * bsize);
		error = getblk(fm->fm_dev, (uint64_t)fn->fn_di.di_extb[i] <<
		    fm->fm_fs.fs_fshift, need * fsize, &bp);
		if (error != 0)
			return error;
		memset(bp->b_data, 0, need * fsize);
		memcpy(bp->b_data, area + i * bsize, n);
		bdwrite(bp);
	}
	fn->fn_di.di_extsize = size;
	ffs_node_touch(fn, FFS_T_CTIME);
	return ffs_node_update(fn);
}

/*
 * The area without the record named name (*foundp says if it was
 * there), with room for extra more bytes at its end: a new buffer of
 * *lenp + extra bytes, *lenp the bytes kept.
 */
static int
ffs_ea_without(struct ffs_node *fn, const char *name, uint32_t extra,
    uint8_t **outp, uint32_t *lenp, bool *foundp)
{
	uint32_t asize = fn->fn_di.di_extsize, off = 0, start, len = 0;
	uint8_t *area = NULL, *out;
	struct ffs_ea ea;
	int error = 0;

	*foundp = false;
	if (asize != 0 && (error = ffs_ea_read(fn, &area)) != 0)
		return error;
	if ((out = kmem_zalloc(asize + extra + 1)) == NULL) {
		if (area != NULL)
			kmem_free(area, asize);
		return ENOMEM;
	}
	while (asize != 0) {
		start = off;
		if ((error = ffs_ea_next(fn, area, asize, &off, &ea)) != 0)
			break;
		if (strcmp(ea.ea_name, name) == 0) {
			*foundp = true;
			continue;
		}
		memcpy(out + len, area + start, off - start);
		len += off - start;
	}
	if (area != NULL)
		kmem_free(area, asize);
	if (error != 0 && error != ENOENT) {
		kmem_free(out, asize + extra + 1);
		return error;
	}
	*outp = out;
	*lenp = len;
	return 0;
}

/* Append the record (ns, bare, value) at p, rec bytes long. */
static void
ffs_ea_put(const struct ffs_mount *fm, uint8_t *p, uint32_t rec, int ns,
    const char *bare, const void *buf, size_t size)
{
	size_t namelen = strlen(bare);
	uint32_t base = roundup(FFS_EA_HDR + (uint32_t)namelen, 8);

	memset(p, 0, rec);
	ffs_put32(fm->fm_fs.fs_be, p, rec);
	p[4] = (uint8_t)ns;
	p[5] = (uint8_t)(rec - base - size);
	p[6] = (uint8_t)namelen;
	memcpy(p + FFS_EA_HDR, bare, namelen);
	memcpy(p + base, buf, size);
}

/* vop_setxattr */
int
ffs_setxattr(struct vnode *vp, const char *name, const void *buf,
    size_t size, int flags)
{
	struct ffs_node *fn = VTOF(vp);
	struct ffs_mount *fm = fn->fn_mount;
	uint32_t rec, len, cap = FFS_NXADDR * fm->fm_fs.fs_bsize;
	uint32_t extra = fn->fn_di.di_extsize;
	const char *bare;
	uint8_t *out;
	bool found;
	int ns, error;

	if (!fm->fm_fs.fs_ufs2)
		return EOPNOTSUPP;
	if ((error = ffs_ea_parse(name, &ns, &bare)) != 0)
		return error;
	if (size > cap)
		return ENOSPC;
	rec = roundup(FFS_EA_HDR + (uint32_t)strlen(bare), 8) +
	    (uint32_t)roundup(size, 8);
	if ((error = ffs_ea_without(fn, name, rec, &out, &len, &found)) != 0)
		return error;
	if ((flags & XATTR_CREATE) && found)
		error = EEXIST;
	else if ((flags & XATTR_REPLACE) && !found)
		error = ENOATTR;
	else if (len + rec > cap)
		error = ENOSPC;
	if (error == 0) {
		ffs_ea_put(fm, out + len, rec, ns, bare, buf, size);
		error = ffs_ea_store(fn, out, len + rec);
	}
	kmem_free(out, extra + rec + 1);
	return error;
}

/* vop_removexattr */
int
ffs_removexattr(struct vnode *vp, const char *name)
{
	struct ffs_node *fn = VTOF(vp);
	uint32_t len, extra = fn->fn_di.di_extsize;
	const char *bare;
	uint8_t *out;
	bool found;
	int ns, error;

	if (!fn->fn_mount->fm_fs.fs_ufs2)
		return EOPNOTSUPP;
	if ((error = ffs_ea_parse(name, &ns, &bare)) != 0)
		return error;
	if ((error = ffs_ea_without(fn, name, 0, &out, &len, &found)) != 0)
		return error;
	error = found ? ffs_ea_store(fn, out, len) : ENOATTR;
	kmem_free(out, extra + 1);
	return error;
}

/* A freed inode's area goes with it. */
int
ffs_ea_release(struct ffs_node *fn)
{
	if (!fn->fn_mount->fm_fs.fs_ufs2 || (fn->fn_di.di_extsize == 0 &&
	    fn->fn_di.di_extb[0] == 0 && fn->fn_di.di_extb[1] == 0))
		return 0;
	return ffs_ea_store(fn, NULL, 0);
}
