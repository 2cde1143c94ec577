/*
 * cd9660_dir.c: directories: walking the records, naming them (Rock
 * Ridge NM, Joliet or plain), lookup and readdir.
 *
 * Records are read one at a time from the buffer cache and copied out.
 * A zero length byte is the padding at the end of a block: the walk goes
 * on at the next block.  Associated files and the records Rock Ridge
 * marks as relocated (RE) are hidden; a CL record stands for the
 * directory it points to.  The parts of a multi-extent file after the
 * first are skipped.
 *
 * Readdir cookies are byte offsets in the directory of the next record
 * (0 is the "." record); "." and ".." are the directory's first two
 * records.  The root of an image with El Torito boot images ends with a
 * "[BOOT]" entry (cd9660_boot.c); should a real file have that name,
 * lookup finds the real one.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/cd9660/cd9660.h"

/*
 * The next record at or after *posp: copied into rec, decoded into dr,
 * its offset in the directory in *recposp, *posp moved past it.  ENOENT
 * at the end of the directory.
 */
int
iso_dir_next(struct iso_node *dp, uint64_t *posp, uint64_t *recposp,
    uint8_t *rec, struct iso_dirrec *dr)
{
	struct iso_mount *im = dp->in_mount;
	uint64_t pos, blkoff, size = (uint64_t)dp->in_size;
	uint32_t within, end;
	struct buf *bp;
	const uint8_t *p;
	int error;

	for (;;) {
		pos = *posp;
		if (pos >= size)
			return ENOENT;
		blkoff = pos & ~(uint64_t)(ISO_BSIZE - 1);
		within = (uint32_t)(pos - blkoff);
		end = (uint32_t)MIN((uint64_t)ISO_BSIZE, size - blkoff);
		if (within >= end) {
			*posp = blkoff + ISO_BSIZE;
			continue;
		}
		if ((error = bread(im->im_dev, dp->in_dirphys + blkoff,
		    ISO_BSIZE, &bp)) != 0)
			return error;
		p = (const uint8_t *)bp->b_data + within;
		if (p[0] == 0) {
			brelse(bp);
			*posp = blkoff + ISO_BSIZE;
			continue;
		}
		error = iso_dirrec_decode(p, end - within, dr);
		if (error == 0)
			memcpy(rec, p, dr->dr_len);
		brelse(bp);
		if (error != 0)
			return error;
		*recposp = pos;
		*posp = pos + dr->dr_len;
		return 0;
	}
}

/* The name of a (non-dot) record as this mount shows it. */
static void
iso_rec_name(struct iso_mount *im, const uint8_t *rec,
    const struct iso_dirrec *dr, const struct rr_info *rr,
    struct iso_recinfo *ri)
{
	const uint8_t *id = rec + ISO_DR_HDR;

	ri->ri_namelen = 0;
	if (rr->rr_have & RRH_NM) {
		memcpy(ri->ri_name, rr->rr_name, rr->rr_namelen);
		ri->ri_namelen = rr->rr_namelen;
	} else if (im->im_joliet != 0) {
		/* Names that cannot be shown are hidden. */
		if (iso_name_joliet(id, dr->dr_namelen, ri->ri_name,
		    &ri->ri_namelen) != 0)
			ri->ri_namelen = 0;
	} else
		ri->ri_namelen = iso_name_plain(id, dr->dr_namelen,
		    ri->ri_name);
	ri->ri_name[ri->ri_namelen] = '\0';
	if (ri->ri_namelen == 0 || (ri->ri_namelen == 1 &&
	    ri->ri_name[0] == '.') || (ri->ri_namelen == 2 &&
	    ri->ri_name[0] == '.' && ri->ri_name[1] == '.'))
		ri->ri_skip = true;
}

/*
 * What the (non-dot) record rec at device offset recphys names: name,
 * type, key, inode number, or ri_skip for a hidden record.
 */
int
iso_rec_info(struct iso_mount *im, const uint8_t *rec,
    const struct iso_dirrec *dr, uint64_t recphys, struct iso_recinfo *ri)
{
	struct rr_info rr;
	int error;

	ri->ri_skip = (dr->dr_flags & ISO_FLAG_ASSOC) != 0;
	ri->ri_multi = (dr->dr_flags & ISO_FLAG_MULTI) != 0;
	if (ri->ri_skip)
		return 0;
	memset(&rr, 0, sizeof(rr));
	if ((error = rr_parse_rec(im, rec, dr, &rr)) != 0)
		return error;
	if (rr.rr_have & RRH_RE) {
		ri->ri_skip = true;
		return 0;
	}
	iso_rec_name(im, rec, dr, &rr, ri);
	if (dr->dr_flags & ISO_FLAG_DIR) {
		ri->ri_type = VDIR;
		ri->ri_key = iso_dirkey(dr->dr_extent + dr->dr_xarlen);
	} else if (rr.rr_have & RRH_CL) {
		ri->ri_type = VDIR;
		ri->ri_key = iso_dirkey(rr.rr_cl);
	} else {
		ri->ri_type = (rr.rr_have & RRH_PX) ?
		    vtype_from_mode(rr.rr_px.px_mode) : VREG;
		ri->ri_key = recphys;
	}
	ri->ri_fileid = iso_fileid(ri->ri_type, ri->ri_key, dr, &rr);
	return 0;
}

/*
 * Skip the remaining parts of a multi-extent file whose first record
 * ended at *posp.
 */
static int
iso_dir_skip_parts(struct iso_node *dp, uint64_t *posp)
{
	uint8_t rec[ISO_DR_MAXLEN + 1];
	struct iso_dirrec dr;
	uint64_t recpos;
	int error;

	do {
		if ((error = iso_dir_next(dp, posp, &recpos, rec, &dr)) != 0)
			return error == ENOENT ? FS_CORRUPT(ISO_FSNAME,
			    "multi-extent file without its last part") :
			    error;
	} while (dr.dr_flags & ISO_FLAG_MULTI);
	return 0;
}

/* Does dp show the "[BOOT]" directory (the root, with boot images)? */
static bool
iso_dir_hasboot(const struct iso_node *dp)
{
	return dp->in_key == dp->in_mount->im_rootkey &&
	    dp->in_mount->im_nboot != 0;
}

/*
 * Lookups start where the last one in this directory matched and wrap
 * around (as NetBSD's cd9660 does with i_diroff): a caller walking the
 * names in directory order (cp -R, ls -l) then parses one record per
 * name instead of half the directory, which made extracting a tree
 * quadratic in the size of its directories.  The hint is a record
 * boundary (a match's last part), kept with relaxed atomics: concurrent
 * lookups may overwrite each other's, never tear it.
 */
int
iso_dir_lookup(struct iso_node *dp, const char *name, size_t namelen,
    uint64_t *keyp)
{
	uint8_t rec[ISO_DR_MAXLEN + 1];
	struct iso_recinfo ri;
	struct iso_dirrec dr;
	uint64_t start, pos, recpos;
	bool wrapped = false;
	int error;

	if (namelen == 1 && name[0] == '.') {
		*keyp = dp->in_key;
		return 0;
	}
	if (namelen == 2 && name[0] == '.' && name[1] == '.') {
		*keyp = dp->in_parent;
		return 0;
	}
	if (dp->in_key & ISO_KEY_BOOT)
		return iso_boot_lookup(dp->in_mount, name, namelen, keyp);
	start = __atomic_load_n(&dp->in_lookhint, __ATOMIC_RELAXED);
	if (start >= (uint64_t)dp->in_size)
		start = 0;
	pos = start;
	for (;;) {
		error = iso_dir_next(dp, &pos, &recpos, rec, &dr);
		if (error == ENOENT && !wrapped && start != 0) {
			wrapped = true;
			pos = 0;
			continue;
		}
		if (error != 0)
			break;
		if (wrapped && recpos >= start) {
			error = ENOENT;
			break;
		}
		if (dr.dr_namelen == 1 && rec[ISO_DR_HDR] <= 1)
			continue;
		error = iso_rec_info(dp->in_mount, rec, &dr,
		    dp->in_dirphys + recpos, &ri);
		if (error != 0)
			return error;
		if (ri.ri_multi && (error = iso_dir_skip_parts(dp, &pos)) != 0)
			return error;
		if (!ri.ri_skip && ri.ri_namelen == namelen &&
		    memcmp(ri.ri_name, name, namelen) == 0) {
			__atomic_store_n(&dp->in_lookhint, pos,
			    __ATOMIC_RELAXED);
			*keyp = ri.ri_key;
			return 0;
		}
	}
	if (error == ENOENT && iso_dir_hasboot(dp) && namelen == 6 &&
	    memcmp(name, "[BOOT]", 6) == 0) {
		*keyp = ISO_KEY_BOOT;
		return 0;
	}
	return error;
}

int
iso_dir_readdir(struct iso_node *dp, struct uio *uio, int *eofp)
{
	uint8_t rec[ISO_DR_MAXLEN + 1];
	struct iso_recinfo ri;
	struct iso_dirrec dr;
	uint64_t pos, recpos;
	int error;

	if (dp->in_key & ISO_KEY_BOOT)
		return iso_boot_readdir(dp->in_mount, uio, eofp);
	if (uio->uio_offset < 0)
		return EINVAL;
	pos = (uint64_t)uio->uio_offset;
	*eofp = 0;
	while ((error = iso_dir_next(dp, &pos, &recpos, rec, &dr)) == 0) {
		if (dr.dr_namelen == 1 && rec[ISO_DR_HDR] <= 1) {
			ri.ri_skip = false;
			ri.ri_type = VDIR;
			ri.ri_namelen = rec[ISO_DR_HDR] + 1;
			memcpy(ri.ri_name, "..", 2);
			ri.ri_fileid = rec[ISO_DR_HDR] == 0 ? dp->in_fileid :
			    dp->in_parent & ~ISO_KEY_DIR;
		} else {
			error = iso_rec_info(dp->in_mount, rec, &dr,
			    dp->in_dirphys + recpos, &ri);
			if (error == 0 && ri.ri_multi)
				error = iso_dir_skip_parts(dp, &pos);
			if (error != 0)
				return error;
		}
		if (!ri.ri_skip && vfs_dirent_emit(uio, ri.ri_fileid,
		    ri.ri_type, ri.ri_name, ri.ri_namelen, (int64_t)pos) != 0)
			return 0;
		uio->uio_offset = (int64_t)pos;
	}
	if (error != ENOENT)
		return error;
	/* The El Torito images' directory comes last in the root. */
	if (iso_dir_hasboot(dp) && uio->uio_offset < ISO_COOKIE_BOOTEND) {
		if (vfs_dirent_emit(uio, ISO_KEY_BOOT, VDIR, "[BOOT]", 6,
		    ISO_COOKIE_BOOTEND) != 0)
			return 0;
		uio->uio_offset = ISO_COOKIE_BOOTEND;
	}
	*eofp = 1;
	return 0;
}
