/*
 * ffs_dir.c: directories: lookup and readdir.
 *
 * A directory is a sequence of 512-byte chunks (DIRBLKSIZ); each holds
 * records (d_ino, d_reclen, d_type, d_namlen, name, NUL, padding) that
 * cover it exactly and never cross into the next chunk.  A record with
 * d_ino 0 is free space (only the first of a chunk may be); a whiteout
 * (DT_WHT, inode 1) names nothing and is skipped.
 *
 * Each record is checked before use: d_reclen a non-zero multiple of 4,
 * inside its chunk and long enough for the name; a used record's name
 * non-empty, NUL-terminated and without '/', its inode number in range.
 * The walk is bounded by the directory size, so a hostile directory can
 * only make it fail (EFSCORRUPTED), not loop or read past a buffer.
 *
 * Readdir cookies are byte offsets in the directory of the next record.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ffs/ffs.h"

#define FFS_DT_WHT	14

/* The VFS type of a d_type (VNON if unknown). */
static enum vtype
ffs_dt_to_vtype(uint8_t dt)
{
	static const enum vtype map[] = {
		[1] = VFIFO, [2] = VCHR, [4] = VDIR, [6] = VBLK, [8] = VREG,
		[10] = VLNK, [12] = VSOCK,
	};

	return dt < __arraycount(map) ? map[dt] : VNON;
}

/*
 * Decode and check the record at off of a chunk of FFS_DIRBLKSIZ bytes
 * (the writer, ffs_dirw.c, checks what it changes the same way).
 */
int
ffs_direct_get(struct ffs_node *dp, const uint8_t *chunk, uint32_t off,
    uint64_t choff, struct ffs_direct *d)
{
	struct ffs_mount *fm = dp->fn_mount;
	const uint8_t *name = chunk + off + FFS_DIRHDR;

	if (FFS_DIRBLKSIZ - off < FFS_DIRHDR)
		goto corrupt;
	ffs_direct_decode(&fm->fm_fs, chunk + off, d);
	if (d->d_reclen == 0 || (d->d_reclen & 3) != 0 ||
	    d->d_reclen > FFS_DIRBLKSIZ - off)
		goto corrupt;
	if (d->d_ino == 0)
		return 0;
	if (d->d_namlen == 0 || FFS_DIRSIZ(d->d_namlen) > d->d_reclen ||
	    name[d->d_namlen] != '\0' ||
	    memchr(name, '/', d->d_namlen) != NULL ||
	    memchr(name, '\0', d->d_namlen) != NULL)
		goto corrupt;
	if (d->d_type == FFS_DT_WHT)
		return 0;
	if (!ffs_ino_valid(fm, d->d_ino))
		goto corrupt;
	return 0;

corrupt:
	return FS_CORRUPT(FFS_FSNAME, "directory %u: bad entry at offset "
	    "%llu", dp->fn_ino, (unsigned long long)(choff + off));
}

/*
 * Read the directory block holding byte offset pos: *bpp and the bytes
 * of it that belong to the directory in *lenp.  For a hole (skipped, as
 * the BSDs do) *bpp is NULL and *lenp covers the whole run of holes, so
 * that a hostile size full of holes costs one lookup per run.
 */
static int
ffs_dir_block(struct ffs_node *dp, uint64_t pos, struct buf **bpp,
    uint64_t *lenp)
{
	struct ffs_mount *fm = dp->fn_mount;
	uint32_t bshift = fm->fm_fs.fs_bshift, bsize;
	uint64_t lbn = pos >> bshift, left;
	struct ffs_run r;
	int error;

	*bpp = NULL;
	bsize = ffs_blksize(dp, lbn);
	left = (uint64_t)dp->fn_size - (lbn << bshift);
	*lenp = MIN((uint64_t)bsize, left);
	if ((error = ffs_bmap_run(dp, lbn, &r)) != 0)
		return error;
	if (r.r_frag == 0) {
		*lenp = r.r_count > (left >> bshift) ? left :
		    r.r_count << bshift;
		return 0;
	}
	return ffs_bread(fm, r.r_frag, bsize, bpp);
}

/*
 * Call fn for each used record of dp from byte offset start on, until
 * it returns non-zero (that value is returned; 0 at the end).
 */
typedef int (*ffs_dir_fn)(void *arg, const struct ffs_direct *d,
    const char *name, uint64_t off);

struct ffs_foreach_arg {
	int		(*fa_fn)(void *, uint32_t);
	void		*fa_arg;
};

static int
ffs_foreach_fn(void *arg, const struct ffs_direct *d, const char *name,
    uint64_t off)
{
	struct ffs_foreach_arg *fa = arg;

	return fa->fa_fn(fa->fa_arg, d->d_ino);
}

static int
ffs_dir_walk(struct ffs_node *dp, uint64_t start, ffs_dir_fn fn, void *arg)
{
	uint64_t bmask = dp->fn_mount->fm_fs.fs_bsize - 1, pos, base;
	struct ffs_direct d;
	struct buf *bp;
	uint64_t len;
	uint32_t c, off;
	const uint8_t *chunk;
	int error = 0;

	for (pos = start & ~(uint64_t)(FFS_DIRBLKSIZ - 1);
	    pos < (uint64_t)dp->fn_size && error == 0;
	    pos = base + len) {
		base = pos & ~bmask;
		if ((error = ffs_dir_block(dp, pos, &bp, &len)) != 0)
			break;
		if (bp == NULL)
			continue;
		for (c = (uint32_t)(pos - base); c < len && error == 0;
		    c += FFS_DIRBLKSIZ) {
			chunk = (const uint8_t *)bp->b_data + c;
			for (off = 0; off < FFS_DIRBLKSIZ && error == 0;
			    off += d.d_reclen) {
				error = ffs_direct_get(dp, chunk, off,
				    base + c, &d);
				if (error == 0 && d.d_ino != 0 &&
				    d.d_type != FFS_DT_WHT &&
				    base + c + off >= start)
					error = fn(arg, &d, (const char *)chunk +
					    off + FFS_DIRHDR, base + c + off);
			}
		}
		brelse(bp);
	}
	return error;
}

/* Every used record of dp, for the checker (ffs_check.c). */
int
ffs_dir_foreach(struct ffs_node *dp, int (*fn)(void *arg, uint32_t ino),
    void *arg)
{
	struct ffs_foreach_arg fa = { fn, arg };

	return ffs_dir_walk(dp, 0, ffs_foreach_fn, &fa);
}

struct ffs_lookup_arg {
	const char	*la_name;
	size_t		 la_namelen;
	uint32_t	 la_ino;
};

static int
ffs_lookup_fn(void *arg, const struct ffs_direct *d, const char *name,
    uint64_t off)
{
	struct ffs_lookup_arg *la = arg;

	if (d->d_namlen != la->la_namelen ||
	    memcmp(name, la->la_name, la->la_namelen) != 0)
		return 0;
	la->la_ino = d->d_ino;
	return -1;
}

/*
 * Look name up in directory dp: its inode number in *inop, ENOENT if
 * absent.  "." is answered here, ".." and the rest from the records.
 */
int
ffs_dir_lookup(struct ffs_node *dp, const char *name, size_t namelen,
    uint32_t *inop)
{
	struct ffs_lookup_arg la = { name, namelen, 0 };
	int error;

	if (namelen == 1 && name[0] == '.') {
		*inop = dp->fn_ino;
		return 0;
	}
	error = ffs_dir_walk(dp, 0, ffs_lookup_fn, &la);
	if (error == -1) {
		*inop = la.la_ino;
		return 0;
	}
	return error != 0 ? error : ENOENT;
}

struct ffs_readdir_arg {
	struct uio	*ra_uio;
	bool		 ra_full;
};

static int
ffs_readdir_fn(void *arg, const struct ffs_direct *d, const char *name,
    uint64_t off)
{
	struct ffs_readdir_arg *ra = arg;

	if (vfs_dirent_emit(ra->ra_uio, d->d_ino, ffs_dt_to_vtype(d->d_type),
	    name, d->d_namlen, (int64_t)(off + d->d_reclen)) != 0) {
		ra->ra_full = true;
		return -1;
	}
	return 0;
}

/* Readdir from cookie uio_offset (a byte offset in the directory) on. */
int
ffs_dir_readdir(struct ffs_node *dp, struct uio *uio, int *eofp)
{
	struct ffs_readdir_arg ra = { uio, false };
	int error;

	*eofp = 0;
	if (uio->uio_offset < 0)
		return EINVAL;
	error = ffs_dir_walk(dp, (uint64_t)uio->uio_offset, ffs_readdir_fn,
	    &ra);
	if (error == -1 && ra.ra_full)
		return 0;
	if (error != 0)
		return error;
	if (uio->uio_offset < dp->fn_size)
		uio->uio_offset = dp->fn_size;
	*eofp = 1;
	return 0;
}
