/*
 * sqfs_dir.c: directories.  A listing is a run of headers (entry count,
 * inode metadata block, inode number base) each followed by up to 256
 * entries sorted by name, in the directory table; an extended directory
 * adds an index (listing offset, metadata block, first name) with one
 * entry per metadata block crossed, used to start lookups and readdir
 * resumes near their target.  Also the map from directory inode number
 * to reference that resolves "..".
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include "fs/squashfs/squashfs.h"

#define SQFS_NAMEMAX	256	/* longest name an entry can hold */

/* A walk through a directory listing. */
struct sqfs_dscan {
	struct sqfs_mreader ds_mr;	/* next byte of the listing */
	uint64_t	 ds_pos;	/* its offset in the listing */
	uint64_t	 ds_end;	/* listing length */
	uint32_t	 ds_left;	/* entries left under ds_hdr */
	struct sqfs_ddirhdr ds_hdr;	/* current header */
};

/* One decoded entry. */
struct sqfs_dentry {
	uint64_t	 e_pos;		/* listing offset of the entry */
	uint64_t	 e_ref;		/* inode reference */
	uint32_t	 e_ino;		/* inode number */
	uint16_t	 e_type;	/* basic SQFS_* type */
	uint32_t	 e_namelen;	/* bytes at e_name */
	char		 e_name[SQFS_NAMEMAX];	/* not NUL-terminated */
};

static const enum vtype sqfs_dtypes[] = {
	[SQFS_DIR] = VDIR, [SQFS_REG] = VREG, [SQFS_SYMLINK] = VLNK,
	[SQFS_BLKDEV] = VBLK, [SQFS_CHRDEV] = VCHR, [SQFS_FIFO] = VFIFO,
	[SQFS_SOCKET] = VSOCK,
};

static void
sqfs_dscan_init(struct sqfs_node *dp, struct sqfs_dscan *ds)
{
	ds->ds_mr.mr_cur = dp->sn_dir;
	ds->ds_mr.mr_ce = NULL;
	ds->ds_pos = 0;
	ds->ds_end = dp->sn_size - 3;
	ds->ds_left = 0;
}

static int
sqfs_dscan_header(struct sqfs_node *dp, struct sqfs_dscan *ds)
{
	struct sqfs_mount *sm = dp->sn_mount;
	const struct sqfs_dsuper *sb = &sm->sm_sb;
	uint8_t raw[SQFS_DIRHDR_SIZE];
	int error;

	if (ds->ds_end - ds->ds_pos < SQFS_DIRHDR_SIZE)
		return FS_CORRUPT(SQFS_FSNAME, "directory %u: header cut at "
		    "%llu", dp->sn_ino, (unsigned long long)ds->ds_pos);
	if ((error = sqfs_mr_read(sm, &ds->ds_mr, raw, sizeof(raw))) != 0)
		return error;
	ds->ds_pos += SQFS_DIRHDR_SIZE;
	sqfs_ddirhdr_dec(raw, &ds->ds_hdr);
	if (ds->ds_hdr.dh_count >= SQFS_DIR_MAXENTRIES ||
	    ds->ds_hdr.dh_start >= sb->s_dir_table - sb->s_inode_table)
		return FS_CORRUPT(SQFS_FSNAME, "directory %u: header with %u "
		    "entries at block %u", dp->sn_ino, ds->ds_hdr.dh_count,
		    ds->ds_hdr.dh_start);
	ds->ds_left = ds->ds_hdr.dh_count + 1;
	return 0;
}

/* The next entry; ENOENT at the end of the listing. */
static int
sqfs_dscan_next(struct sqfs_node *dp, struct sqfs_dscan *ds,
    struct sqfs_dentry *e)
{
	struct sqfs_mount *sm = dp->sn_mount;
	struct sqfs_ddirent de;
	uint8_t raw[SQFS_DIRENT_SIZE];
	int error;

	if (ds->ds_left == 0) {
		if (ds->ds_pos >= ds->ds_end)
			return ENOENT;
		if ((error = sqfs_dscan_header(dp, ds)) != 0)
			return error;
	}
	e->e_pos = ds->ds_pos;
	if (ds->ds_end - ds->ds_pos < SQFS_DIRENT_SIZE)
		return FS_CORRUPT(SQFS_FSNAME, "directory %u: entry cut",
		    dp->sn_ino);
	if ((error = sqfs_mr_read(sm, &ds->ds_mr, raw, sizeof(raw))) != 0)
		return error;
	sqfs_ddirent_dec(raw, &de);
	e->e_namelen = de.de_namelen + 1U;
	e->e_ino = ds->ds_hdr.dh_ino + (uint32_t)(int32_t)de.de_ino_delta;
	e->e_type = sqfs_basic_type(de.de_type);
	if (e->e_namelen > NAME_MAX || de.de_offset >= SQFS_META_SIZE ||
	    e->e_type == 0 || e->e_ino == 0 || e->e_ino > sm->sm_sb.s_inodes ||
	    ds->ds_end - ds->ds_pos - SQFS_DIRENT_SIZE < e->e_namelen)
		return FS_CORRUPT(SQFS_FSNAME, "directory %u: bad entry at "
		    "%llu", dp->sn_ino, (unsigned long long)ds->ds_pos);
	if ((error = sqfs_mr_read(sm, &ds->ds_mr, e->e_name,
	    e->e_namelen)) != 0)
		return error;
	ds->ds_pos += SQFS_DIRENT_SIZE + e->e_namelen;
	ds->ds_left--;
	e->e_ref = (uint64_t)ds->ds_hdr.dh_start << 16 | de.de_offset;
	if (memchr(e->e_name, '/', e->e_namelen) != NULL ||
	    memchr(e->e_name, '\0', e->e_namelen) != NULL)
		return FS_CORRUPT(SQFS_FSNAME, "directory %u: bad name",
		    dp->sn_ino);
	return 0;
}

static int
sqfs_namecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, MIN(alen, blen));

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/*
 * Move ds to the last index point before the target: the last index
 * entry whose name sorts at or before name (name NULL: whose listing
 * offset is at or before pos).
 */
static int
sqfs_dscan_seek(struct sqfs_node *dp, struct sqfs_dscan *ds,
    const char *name, size_t namelen, uint64_t pos)
{
	struct sqfs_mount *sm = dp->sn_mount;
	struct sqfs_mreader mr = { dp->sn_idx, NULL };
	struct sqfs_ddiridx di;
	uint8_t raw[SQFS_DIRIDX_SIZE];
	char iname[SQFS_NAMEMAX];
	uint64_t last = 0;
	uint32_t i;
	int error = 0;

	for (i = 0; i < dp->sn_nidx; i++) {
		if ((error = sqfs_mr_read(sm, &mr, raw, sizeof(raw))) != 0)
			break;
		sqfs_ddiridx_dec(raw, &di);
		if (di.di_namelen >= SQFS_NAMEMAX || di.di_index < last ||
		    di.di_index >= ds->ds_end ||
		    di.di_start >= sm->sm_sb.s_bytes_used -
		    sm->sm_sb.s_dir_table) {
			error = FS_CORRUPT(SQFS_FSNAME, "directory %u: index "
			    "entry %u", dp->sn_ino, i);
			break;
		}
		last = di.di_index;
		if ((error = sqfs_mr_read(sm, &mr, iname,
		    di.di_namelen + 1)) != 0)
			break;
		if (name != NULL ? sqfs_namecmp(iname, di.di_namelen + 1,
		    name, namelen) > 0 : di.di_index > pos)
			break;
		ds->ds_mr.mr_cur.mc_block = sm->sm_sb.s_dir_table +
		    di.di_start;
		ds->ds_mr.mr_cur.mc_off = (uint32_t)((dp->sn_dir.mc_off +
		    di.di_index) % SQFS_META_SIZE);
		ds->ds_pos = di.di_index;
		ds->ds_left = 0;
	}
	sqfs_mr_done(sm, &mr);
	return error;
}

/* The reference of name in dp (".", ".." included); ENOENT if absent. */
int
sqfs_dir_lookup(struct sqfs_node *dp, const char *name, size_t namelen,
    uint64_t *refp)
{
	struct sqfs_mount *sm = dp->sn_mount;
	struct sqfs_dscan ds;
	struct sqfs_dentry *e;
	int error, c;

	if (namelen == 1 && name[0] == '.') {
		*refp = dp->sn_ref;
		return 0;
	}
	if (namelen == 2 && name[0] == '.' && name[1] == '.') {
		if (dp->sn_ref == sm->sm_sb.s_root_ref) {
			*refp = dp->sn_ref;
			return 0;
		}
		if (sqfs_dmap_find(sm, dp->sn_parent, refp) == 0)
			return 0;
		return FS_CORRUPT(SQFS_FSNAME, "directory %u: parent %u "
		    "unknown", dp->sn_ino, dp->sn_parent);
	}
	if ((e = kmem_alloc(sizeof(*e))) == NULL)
		return ENOMEM;
	sqfs_dscan_init(dp, &ds);
	if ((error = sqfs_dscan_seek(dp, &ds, name, namelen, 0)) != 0)
		goto out_free;
	while ((error = sqfs_dscan_next(dp, &ds, e)) == 0) {
		c = sqfs_namecmp(e->e_name, e->e_namelen, name, namelen);
		if (c > 0) {
			error = ENOENT;
			break;
		}
		if (c == 0) {
			*refp = e->e_ref;
			if (e->e_type == SQFS_DIR)
				error = sqfs_dmap_add(sm, e->e_ino, e->e_ref);
			break;
		}
	}
out_free:
	sqfs_mr_done(dp->sn_mount, &ds.ds_mr);
	kmem_free(e, sizeof(*e));
	return error;
}

int
sqfs_dir_readdir(struct sqfs_node *dp, struct uio *uio, int *eofp)
{
	struct sqfs_dscan ds;
	struct sqfs_dentry *e;
	uint32_t parent;
	int64_t from;
	int error;

	*eofp = 0;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_offset == 0 &&
	    vfs_dirent_emit(uio, dp->sn_ino, VDIR, ".", 1, 1) != 0)
		return 0;
	if (uio->uio_offset == 1) {
		parent = dp->sn_parent;
		if (parent == 0 || parent > dp->sn_mount->sm_sb.s_inodes)
			parent = dp->sn_ino;	/* the root */
		if (vfs_dirent_emit(uio, parent, VDIR, "..", 2, 2) != 0)
			return 0;
	}
	from = uio->uio_offset - 3;
	if ((e = kmem_alloc(sizeof(*e))) == NULL)
		return ENOMEM;
	sqfs_dscan_init(dp, &ds);
	if (from > 0 && (error = sqfs_dscan_seek(dp, &ds, NULL, 0,
	    (uint64_t)from)) != 0)
		goto out_free;
	while ((error = sqfs_dscan_next(dp, &ds, e)) == 0) {
		if ((int64_t)e->e_pos < from)
			continue;
		if (vfs_dirent_emit(uio, e->e_ino, sqfs_dtypes[e->e_type],
		    e->e_name, e->e_namelen, (int64_t)ds.ds_pos + 3) != 0)
			goto out_free;
	}
	if (error == ENOENT) {
		error = 0;
		*eofp = 1;
	}
out_free:
	sqfs_mr_done(dp->sn_mount, &ds.ds_mr);
	kmem_free(e, sizeof(*e));
	return error;
}

/*
 * The directory map.
 */

static uint32_t
sqfs_dmap_hash(uint32_t ino)
{
	return (ino * 2654435761U) >> 24;
}

int
sqfs_dmap_add(struct sqfs_mount *sm, uint32_t ino, uint64_t ref)
{
	struct sqfs_dment *dm, *nd;
	uint32_t h = sqfs_dmap_hash(ino) % SQFS_DMAP_BUCKETS;

	if ((nd = kmem_alloc(sizeof(*nd))) == NULL)
		return ENOMEM;
	mutex_enter(&sm->sm_dmlock);
	for (dm = sm->sm_dmap[h]; dm != NULL; dm = dm->dm_next) {
		if (dm->dm_ino == ino) {
			dm->dm_ref = ref;
			mutex_exit(&sm->sm_dmlock);
			kmem_free(nd, sizeof(*nd));
			return 0;
		}
	}
	nd->dm_ino = ino;
	nd->dm_ref = ref;
	nd->dm_next = sm->sm_dmap[h];
	sm->sm_dmap[h] = nd;
	sm->sm_dmcount++;
	mutex_exit(&sm->sm_dmlock);
	return 0;
}

int
sqfs_dmap_find(struct sqfs_mount *sm, uint32_t ino, uint64_t *refp)
{
	struct sqfs_dment *dm;
	uint32_t h = sqfs_dmap_hash(ino) % SQFS_DMAP_BUCKETS;
	int error = ENOENT;

	mutex_enter(&sm->sm_dmlock);
	for (dm = sm->sm_dmap[h]; dm != NULL; dm = dm->dm_next) {
		if (dm->dm_ino == ino) {
			*refp = dm->dm_ref;
			error = 0;
			break;
		}
	}
	mutex_exit(&sm->sm_dmlock);
	return error;
}

void
sqfs_dmap_free(struct sqfs_mount *sm)
{
	struct sqfs_dment *dm;
	uint32_t h;

	for (h = 0; h < SQFS_DMAP_BUCKETS; h++) {
		while ((dm = sm->sm_dmap[h]) != NULL) {
			sm->sm_dmap[h] = dm->dm_next;
			kmem_free(dm, sizeof(*dm));
		}
	}
	sm->sm_dmcount = 0;
}
