/*
 * ffs_dirw.c: changing directories: adding, removing and rewriting
 * entries, the first chunk of a new directory, and the emptiness test.
 *
 * The format is ffs_dir.c's: 512-byte chunks (FFS_DIRBLKSIZ) whose
 * records cover each chunk exactly and never cross into the next.  As
 * the BSDs' ufs_direnter and ufs_dirremove do:
 *	- a new entry goes into the first chunk with room for it: into the
 *	  slack of one record (split off its end), or, when only the sum
 *	  of the chunk's slack is enough, after compacting the chunk (its
 *	  records packed to their minimal length, the free space moved to
 *	  the end);
 *	- with no room anywhere a chunk is appended: ffs_balloc grows the
 *	  last block by fragments (or starts a new block), the size grows
 *	  by FFS_DIRBLKSIZ;
 *	- a removed record is merged into the previous record of its
 *	  chunk; the first record of a chunk has no previous one and only
 *	  has its d_ino cleared.
 * Directories never shrink here (the BSDs trim empty tail chunks as an
 * optimisation; an empty chunk is valid).
 *
 * Every chunk is checked before it is changed (reclen, name lengths):
 * a damaged directory gives EFSCORRUPTED, never a write past a record.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ffs/ffs.h"
#include "fs/ffs/ffs_w.h"

/* The d_type of a VFS type (DT_UNKNOWN 0 for VNON). */
static uint8_t
ffs_vtype_to_dt(enum vtype type)
{
	static const uint8_t map[] = {
		[VREG] = 8, [VDIR] = 4, [VBLK] = 6, [VCHR] = 2, [VLNK] = 10,
		[VSOCK] = 12, [VFIFO] = 1,
	};

	return (unsigned)type < __arraycount(map) ? map[type] : 0;
}

/* Write a whole record header and name at p (padding zeroed). */
static void
ffs_direct_put(const struct ffs_mount *fm, uint8_t *p, uint32_t ino,
    uint16_t reclen, uint8_t dt, const char *name, size_t namelen)
{
	bool be = fm->fm_fs.fs_be;

	ffs_put32(be, p, ino);
	ffs_put16(be, p + 4, reclen);
	p[6] = dt;
	p[7] = (uint8_t)namelen;
	memcpy(p + FFS_DIRHDR, name, namelen);
	memset(p + FFS_DIRHDR + namelen, 0, FFS_DIRSIZ(namelen) - FFS_DIRHDR -
	    namelen);
}

/* One checked record of a chunk. */
struct ffs_rec {
	uint32_t	 r_off;		/* in the chunk */
	struct ffs_direct r_d;
};

/* Decode and check the record at off of chunk (ffs_direct_get). */
static int
ffs_rec_get(struct ffs_node *dp, const uint8_t *chunk, uint32_t off,
    uint64_t choff, struct ffs_rec *r)
{
	r->r_off = off;
	return ffs_direct_get(dp, chunk, off, choff, &r->r_d);
}

/* The bytes of a record its entry does not need (all if unused). */
static uint32_t
ffs_rec_slack(const struct ffs_rec *r)
{
	if (r->r_d.d_ino == 0)
		return r->r_d.d_reclen;
	return r->r_d.d_reclen - FFS_DIRSIZ(r->r_d.d_namlen);
}

static bool
ffs_rec_is(const struct ffs_rec *r, const uint8_t *chunk, const char *name,
    size_t namelen)
{
	return r->r_d.d_ino != 0 && r->r_d.d_namlen == namelen &&
	    memcmp(chunk + r->r_off + FFS_DIRHDR, name, namelen) == 0;
}

/*
 * Called for each chunk of a directory; *dirtyp set when it changed the
 * chunk.  Non-zero stops the walk (-1: done, not an error).
 */
typedef int (*ffs_chunk_fn)(struct ffs_node *dp, void *arg, uint8_t *chunk,
    uint64_t choff, bool *dirtyp);

/* Call fn for every chunk of dp's existing blocks (holes skipped). */
static int
ffs_chunk_walk(struct ffs_node *dp, ffs_chunk_fn fn, void *arg)
{
	struct ffs_mount *fm = dp->fn_mount;
	uint32_t bshift = fm->fm_fs.fs_bshift, len, c;
	uint64_t lbn, nblk = howmany((uint64_t)dp->fn_size,
	    (uint64_t)fm->fm_fs.fs_bsize);
	struct ffs_run r;
	struct buf *bp;
	bool dirty;
	int error = 0;

	for (lbn = 0; lbn < nblk && error == 0; lbn++) {
		if ((error = ffs_bmap_run(dp, lbn, &r)) != 0)
			break;
		if (r.r_frag == 0) {
			lbn += r.r_count - 1;
			continue;
		}
		len = ffs_blksize(dp, lbn);
		if ((error = ffs_bread(fm, r.r_frag, len, &bp)) != 0)
			break;
		len = (uint32_t)MIN((uint64_t)len,
		    (uint64_t)dp->fn_size - (lbn << bshift));
		dirty = false;
		for (c = 0; c + FFS_DIRBLKSIZ <= len && error == 0;
		    c += FFS_DIRBLKSIZ)
			error = fn(dp, arg, (uint8_t *)bp->b_data + c,
			    (lbn << bshift) + c, &dirty);
		if (dirty)
			bdwrite(bp);
		else
			brelse(bp);
	}
	return error == -1 ? 0 : error;
}

/*
 * Pack the used records of a chunk to their minimal length, in order;
 * the free space is then all at the end, from *freep on, for the
 * caller's new record (which must end the chunk: the last packed
 * record is left at its minimal length).
 */
static void
ffs_chunk_compact(struct ffs_node *dp, uint8_t *chunk, uint32_t *freep)
{
	bool be = dp->fn_mount->fm_fs.fs_be;
	uint8_t tmp[FFS_DIRBLKSIZ];
	struct ffs_direct d;
	uint32_t off, out = 0, len;

	memcpy(tmp, chunk, FFS_DIRBLKSIZ);
	memset(chunk, 0, FFS_DIRBLKSIZ);
	for (off = 0; off < FFS_DIRBLKSIZ; off += d.d_reclen) {
		ffs_direct_decode(&dp->fn_mount->fm_fs, tmp + off, &d);
		if (d.d_ino == 0)
			continue;
		len = FFS_DIRSIZ(d.d_namlen);
		memcpy(chunk + out, tmp + off, len);
		ffs_put16(be, chunk + out + 4, (uint16_t)len);
		out += len;
	}
	*freep = out;
}

struct ffs_enter_arg {
	const char	*ea_name;
	size_t		 ea_namelen;
	uint32_t	 ea_ino;
	uint8_t		 ea_dt;
	bool		 ea_compact;	/* records may move */
	bool		 ea_done;
};

/*
 * Put the entry into this chunk if it fits: into the slack of a record
 * or, failing that, after compacting the chunk.  EEXIST if the name is
 * here already.
 */
static int
ffs_enter_fn(struct ffs_node *dp, void *arg, uint8_t *chunk, uint64_t choff,
    bool *dirtyp)
{
	struct ffs_enter_arg *ea = arg;
	struct ffs_mount *fm = dp->fn_mount;
	uint32_t need = FFS_DIRSIZ(ea->ea_namelen), total = 0, off, keep;
	struct ffs_rec r, best = { 0 };
	bool found = false;
	int error;

	for (off = 0; off < FFS_DIRBLKSIZ; off += r.r_d.d_reclen) {
		if ((error = ffs_rec_get(dp, chunk, off, choff, &r)) != 0)
			return error;
		if (ffs_rec_is(&r, chunk, ea->ea_name, ea->ea_namelen))
			return EEXIST;
		total += ffs_rec_slack(&r);
		if (!found && ffs_rec_slack(&r) >= need) {
			best = r;
			found = true;
		}
	}
	if (ea->ea_done || total < need || (!found && !ea->ea_compact))
		return 0;
	if (found && best.r_d.d_ino == 0) {
		/* An unused first record: the entry takes it over. */
		ffs_direct_put(fm, chunk, ea->ea_ino, best.r_d.d_reclen,
		    ea->ea_dt, ea->ea_name, ea->ea_namelen);
	} else if (found) {
		keep = FFS_DIRSIZ(best.r_d.d_namlen);
		ffs_put16(fm->fm_fs.fs_be, chunk + best.r_off + 4,
		    (uint16_t)keep);
		ffs_direct_put(fm, chunk + best.r_off + keep, ea->ea_ino,
		    (uint16_t)(best.r_d.d_reclen - keep), ea->ea_dt,
		    ea->ea_name, ea->ea_namelen);
	} else {
		ffs_chunk_compact(dp, chunk, &off);
		ffs_direct_put(fm, chunk + off, ea->ea_ino,
		    (uint16_t)(FFS_DIRBLKSIZ - off), ea->ea_dt, ea->ea_name,
		    ea->ea_namelen);
	}
	ea->ea_done = true;
	*dirtyp = true;
	return -1;
}

/* Set a directory's size (in memory and in the inode; caller writes). */
static void
ffs_dir_setsize(struct ffs_node *dp, uint64_t size)
{
	ffs_node_setsize(dp, size);
}

/* Append a chunk holding one entry (the rest of the chunk its slack). */
static int
ffs_dir_append(struct ffs_node *dp, const char *name, size_t namelen,
    uint32_t ino, uint8_t dt)
{
	struct ffs_mount *fm = dp->fn_mount;
	uint64_t size = (uint64_t)dp->fn_size;
	uint32_t boff = (uint32_t)(size & (fm->fm_fs.fs_bsize - 1));
	struct buf *bp;
	uint8_t *chunk;
	int error;

	if (size + FFS_DIRBLKSIZ > fm->fm_fs.fs_maxfilesize)
		return EFBIG;
	error = ffs_balloc(dp, size >> fm->fm_fs.fs_bshift,
	    boff + FFS_DIRBLKSIZ, &bp);
	if (error != 0)
		return error;
	chunk = (uint8_t *)bp->b_data + boff;
	memset(chunk, 0, FFS_DIRBLKSIZ);
	ffs_direct_put(fm, chunk, ino, FFS_DIRBLKSIZ, dt, name, namelen);
	bdwrite(bp);
	ffs_dir_setsize(dp, size + FFS_DIRBLKSIZ);
	return ffs_node_update(dp);
}

/*
 * Add name -> ino (of type) to directory dp; EEXIST if name is there.
 * The caller has checked the name (1..255 bytes, no '/' or NUL).
 * Without compact, records never move: a chunk whose free space is
 * only in pieces is passed over (see ffs_dir_enter_vp).
 */
int
ffs_dir_enter_c(struct ffs_node *dp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type, bool compact)
{
	struct ffs_enter_arg ea = { name, namelen, ino, ffs_vtype_to_dt(type),
	    compact, false };
	int error;

	if (namelen == 0 || namelen > FFS_MAXNAMLEN)
		return namelen == 0 ? ENOENT : ENAMETOOLONG;
	if ((error = ffs_chunk_walk(dp, ffs_enter_fn, &ea)) != 0)
		return error;
	if (ea.ea_done)
		return 0;
	return ffs_dir_append(dp, name, namelen, ino, ea.ea_dt);
}

int
ffs_dir_enter(struct ffs_node *dp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type)
{
	return ffs_dir_enter_c(dp, name, namelen, ino, type, true);
}

/*
 * The entry for a VOP on dvp.  Compacting a chunk moves records, so a
 * reader part way through the directory (its readdir cookie is a byte
 * offset) could see an entry twice or miss it; the chunk is compacted
 * only when no one else holds the directory (no open descriptor, no
 * working directory): the caller's reference is the only one (and the
 * mount's, for the root).  v_usecount is read without vcache_lock: a
 * reference taken meanwhile needs dvp's lock (held here) to read it.
 */
int
ffs_dir_enter_vp(struct vnode *dvp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type)
{
	uint32_t mine = dvp == dvp->v_mount->mnt_rootvp ? 2 : 1;

	return ffs_dir_enter_c(VTOF(dvp), name, namelen, ino, type,
	    dvp->v_usecount <= mine);
}

struct ffs_change_arg {
	const char	*ca_name;
	size_t		 ca_namelen;
	uint32_t	 ca_ino;	/* rewrite: new inode (0: remove) */
	uint8_t		 ca_dt;
	bool		 ca_done;
};

/* Remove or rewrite the record named ca_name if it is in this chunk. */
static int
ffs_change_fn(struct ffs_node *dp, void *arg, uint8_t *chunk, uint64_t choff,
    bool *dirtyp)
{
	struct ffs_change_arg *ca = arg;
	bool be = dp->fn_mount->fm_fs.fs_be;
	struct ffs_rec r, prev = { 0 };
	uint32_t off;
	int error;

	for (off = 0; off < FFS_DIRBLKSIZ; off += r.r_d.d_reclen) {
		if ((error = ffs_rec_get(dp, chunk, off, choff, &r)) != 0)
			return error;
		if (!ffs_rec_is(&r, chunk, ca->ca_name, ca->ca_namelen)) {
			prev = r;
			continue;
		}
		if (ca->ca_ino != 0) {
			ffs_put32(be, chunk + off, ca->ca_ino);
			chunk[off + 6] = ca->ca_dt;
		} else if (off == 0) {
			ffs_put32(be, chunk, 0);
		} else {
			ffs_put16(be, chunk + prev.r_off + 4,
			    (uint16_t)(prev.r_d.d_reclen + r.r_d.d_reclen));
		}
		ca->ca_done = true;
		*dirtyp = true;
		return -1;
	}
	return 0;
}

static int
ffs_dir_change(struct ffs_node *dp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type)
{
	struct ffs_change_arg ca = { name, namelen, ino,
	    ffs_vtype_to_dt(type), false };
	int error;

	if ((error = ffs_chunk_walk(dp, ffs_change_fn, &ca)) != 0)
		return error;
	return ca.ca_done ? 0 : ENOENT;
}

/* Remove the entry name from dp (ENOENT if absent). */
int
ffs_dir_remove(struct ffs_node *dp, const char *name, size_t namelen)
{
	return ffs_dir_change(dp, name, namelen, 0, VNON);
}

/* Point the existing entry name of dp at ino of type (ENOENT: absent). */
int
ffs_dir_rewrite(struct ffs_node *dp, const char *name, size_t namelen,
    uint32_t ino, enum vtype type)
{
	if (ino == 0)
		return EINVAL;
	return ffs_dir_change(dp, name, namelen, ino, type);
}

/*
 * The first chunk of the new, empty directory dp: "." and "..".  As
 * the BSDs make it, one chunk of 512 bytes (in one fragment).
 */
int
ffs_dir_init(struct ffs_node *dp, uint32_t parent)
{
	struct ffs_mount *fm = dp->fn_mount;
	uint32_t dotlen = FFS_DIRSIZ(1);
	struct buf *bp;
	uint8_t *chunk;
	int error;

	if (dp->fn_size != 0)
		return EINVAL;
	if ((error = ffs_balloc(dp, 0, FFS_DIRBLKSIZ, &bp)) != 0)
		return error;
	chunk = bp->b_data;
	memset(chunk, 0, FFS_DIRBLKSIZ);
	ffs_direct_put(fm, chunk, dp->fn_ino, (uint16_t)dotlen, 4, ".", 1);
	ffs_direct_put(fm, chunk + dotlen, parent,
	    (uint16_t)(FFS_DIRBLKSIZ - dotlen), 4, "..", 2);
	bdwrite(bp);
	ffs_dir_setsize(dp, FFS_DIRBLKSIZ);
	return ffs_node_update(dp);
}

/* Stop at the first entry other than "." and "..". */
static int
ffs_empty_fn(struct ffs_node *dp, void *arg, uint8_t *chunk, uint64_t choff,
    bool *dirtyp)
{
	bool *emptyp = arg;
	struct ffs_rec r;
	uint32_t off;
	int error;

	for (off = 0; off < FFS_DIRBLKSIZ; off += r.r_d.d_reclen) {
		if ((error = ffs_rec_get(dp, chunk, off, choff, &r)) != 0)
			return error;
		if (r.r_d.d_ino == 0 || ffs_rec_is(&r, chunk, ".", 1) ||
		    ffs_rec_is(&r, chunk, "..", 2))
			continue;
		*emptyp = false;
		return -1;
	}
	return 0;
}

/* Does dp hold nothing but "." and ".."? */
int
ffs_dir_isempty(struct ffs_node *dp, bool *emptyp)
{
	*emptyp = true;
	return ffs_chunk_walk(dp, ffs_empty_fn, emptyp);
}
