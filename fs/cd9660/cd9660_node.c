/*
 * cd9660_node.c: loading a file from its vnode key (see cd9660.h): a
 * directory from its "." record, anything else from its directory
 * record, with the Rock Ridge attributes and the data parts of a
 * multi-extent or interleaved file.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/cd9660/cd9660.h"

uint64_t
iso_dirkey(uint32_t block)
{
	return ISO_KEY_DIR | (uint64_t)block << ISO_BSHIFT;
}

/* The inode number of a file (see cd9660.h). */
uint64_t
iso_fileid(enum vtype type, uint64_t key, const struct iso_dirrec *dr,
    const struct rr_info *rr)
{
	if (type == VDIR)
		return key & ~ISO_KEY_DIR;
	if ((rr->rr_have & RRH_PX) && rr->rr_px.px_ino != 0)
		return ISO_INO_PX | rr->rr_px.px_ino;
	if (type == VREG && dr->dr_size > 0)
		return ((uint64_t)dr->dr_extent + dr->dr_xarlen) << ISO_BSHIFT;
	return key;
}

/*
 * Copy the directory record at device offset *physp into rec (256
 * bytes).  With skip set, a zero byte (the padding at the end of a
 * block) or the end of the block moves *physp to the next block first.
 */
static int
iso_read_rec_at(struct iso_mount *im, uint64_t *physp, bool skip,
    uint8_t *rec, struct iso_dirrec *dr)
{
	uint64_t phys = *physp, blk;
	uint32_t within;
	struct buf *bp;
	int error, tries;

	for (tries = 0; tries < 2; tries++) {
		blk = phys & ~(uint64_t)(ISO_BSIZE - 1);
		within = (uint32_t)(phys - blk);
		if (blk + ISO_BSIZE > im->im_devsize)
			return FS_CORRUPT(ISO_FSNAME, "directory record at "
			    "%llu past the device end",
			    (unsigned long long)phys);
		if ((error = bread(im->im_dev, blk, ISO_BSIZE, &bp)) != 0)
			return error;
		if (within < ISO_BSIZE && ((uint8_t *)bp->b_data)[within] != 0)
			break;
		brelse(bp);
		if (!skip || tries > 0)
			return FS_CORRUPT(ISO_FSNAME, "no directory record at "
			    "%llu", (unsigned long long)phys);
		phys = blk + ISO_BSIZE;
	}
	error = iso_dirrec_decode((uint8_t *)bp->b_data + within,
	    ISO_BSIZE - within, dr);
	if (error == 0)
		memcpy(rec, (uint8_t *)bp->b_data + within, dr->dr_len);
	brelse(bp);
	*physp = phys;
	return error;
}

int
iso_read_rec(struct iso_mount *im, uint64_t phys, uint8_t *rec,
    struct iso_dirrec *dr)
{
	return iso_read_rec_at(im, &phys, false, rec, dr);
}

/* Default attributes, then those Rock Ridge recorded. */
static void
iso_node_attrs(struct iso_node *in, const struct iso_dirrec *dr,
    const struct rr_info *rr)
{
	in->in_mode = in->in_type == VDIR ? 0555 : 0444;
	in->in_nlink = in->in_type == VDIR ? 2 : 1;
	in->in_mtime = in->in_atime = in->in_ctime = dr->dr_mtime;
	if (rr->rr_have & RRH_PX) {
		in->in_mode = rr->rr_px.px_mode & ALLPERMS;
		in->in_nlink = MAX(rr->rr_px.px_nlink, 1);
		in->in_uid = rr->rr_px.px_uid;
		in->in_gid = rr->rr_px.px_gid;
	}
	if (rr->rr_have & RRH_PN)
		in->in_rdev = rr->rr_rdev;
	if (rr->rr_tf & RR_TF_MODIFY)
		in->in_mtime = rr->rr_mtime;
	if (rr->rr_tf & RR_TF_ACCESS)
		in->in_atime = rr->rr_atime;
	if (rr->rr_tf & RR_TF_ATTRIBUTES)
		in->in_ctime = rr->rr_ctime;
	if (rr->rr_tf & RR_TF_CREATE)
		in->in_btime = rr->rr_btime;
}

/* A directory from its "." record at phys. */
static int
iso_load_dir(struct iso_mount *im, struct iso_node *in, uint64_t phys)
{
	uint8_t rec[ISO_DR_MAXLEN + 1];
	struct iso_dirrec dr;
	struct rr_info rr;
	uint64_t pphys;
	int error;

	if ((error = iso_read_rec(im, phys, rec, &dr)) != 0)
		return error;
	if (dr.dr_namelen != 1 || rec[ISO_DR_HDR] != 0 ||
	    !(dr.dr_flags & ISO_FLAG_DIR) ||
	    ((uint64_t)dr.dr_extent + dr.dr_xarlen) << ISO_BSHIFT != phys)
		return FS_CORRUPT(ISO_FSNAME, "directory at %llu does not "
		    "start with its own record", (unsigned long long)phys);
	if (dr.dr_size == 0 || phys + roundup((uint64_t)dr.dr_size,
	    ISO_BSIZE) > im->im_devsize)
		return FS_CORRUPT(ISO_FSNAME, "directory at %llu: size %u",
		    (unsigned long long)phys, dr.dr_size);
	in->in_type = VDIR;
	in->in_size = dr.dr_size;
	in->in_dirphys = phys;
	in->in_fileid = phys;
	memset(&rr, 0, sizeof(rr));
	if ((error = rr_parse_rec(im, rec, &dr, &rr)) != 0)
		return error;
	iso_node_attrs(in, &dr, &rr);
	/* The parent: the ".." record, or its PL pointer if relocated. */
	pphys = phys + dr.dr_len;
	if ((error = iso_read_rec(im, pphys, rec, &dr)) != 0)
		return error;
	if (dr.dr_namelen != 1 || rec[ISO_DR_HDR] != 1)
		return FS_CORRUPT(ISO_FSNAME, "directory at %llu: no \"..\"",
		    (unsigned long long)phys);
	memset(&rr, 0, sizeof(rr));
	if ((error = rr_parse_rec(im, rec, &dr, &rr)) != 0)
		return error;
	in->in_parent = (rr.rr_have & RRH_PL) ? iso_dirkey(rr.rr_pl) :
	    iso_dirkey(dr.dr_extent + dr.dr_xarlen);
	return 0;
}

/* Append the data part a record describes. */
static int
iso_add_extent(struct iso_node *in, const struct iso_dirrec *dr,
    uint32_t *capp)
{
	struct iso_mount *im = in->in_mount;
	struct iso_extent *ie, *n;
	uint64_t span, phys;

	if (in->in_next == *capp) {
		if (*capp >= ISO_MAX_EXTENTS)
			return FS_CORRUPT(ISO_FSNAME, "more than %d extents",
			    ISO_MAX_EXTENTS);
		if ((n = kmem_alloc(2 * *capp * sizeof(*n))) == NULL)
			return ENOMEM;
		memcpy(n, in->in_ext, in->in_next * sizeof(*n));
		kmem_free(in->in_ext, *capp * sizeof(*n));
		in->in_ext = n;
		*capp *= 2;
	}
	phys = ((uint64_t)dr->dr_extent + dr->dr_xarlen) << ISO_BSHIFT;
	span = dr->dr_size;
	if (dr->dr_unit != 0)
		span = howmany(span, (uint64_t)dr->dr_unit << ISO_BSHIFT) *
		    ((uint64_t)dr->dr_unit + dr->dr_gap) << ISO_BSHIFT;
	if (dr->dr_size != 0 && (phys > im->im_devsize ||
	    span > im->im_devsize - phys))
		return FS_CORRUPT(ISO_FSNAME, "extent %u, %u bytes, past the "
		    "device end", dr->dr_extent, dr->dr_size);
	ie = &in->in_ext[in->in_next++];
	ie->ie_off = in->in_size;
	ie->ie_len = dr->dr_size;
	ie->ie_phys = phys;
	ie->ie_unit = dr->dr_unit;
	ie->ie_gap = dr->dr_unit != 0 ? dr->dr_gap : 0;
	in->in_size += dr->dr_size;
	return 0;
}

/* The data parts: this record and, while flagged, the ones after it. */
static int
iso_load_extents(struct iso_node *in, uint64_t phys, const uint8_t *first,
    const struct iso_dirrec *fdr)
{
	uint8_t rec[ISO_DR_MAXLEN + 1];
	struct iso_dirrec dr = *fdr;
	uint32_t cap = 1;
	int error;

	if ((in->in_ext = kmem_alloc(sizeof(*in->in_ext))) == NULL)
		return ENOMEM;
	in->in_extcap = cap;
	for (;;) {
		error = iso_add_extent(in, &dr, &cap);
		in->in_extcap = cap;
		if (error != 0 || !(dr.dr_flags & ISO_FLAG_MULTI))
			return error;
		phys += dr.dr_len;
		if ((error = iso_read_rec_at(in->in_mount, &phys, true, rec,
		    &dr)) != 0)
			return error;
		if (dr.dr_namelen != fdr->dr_namelen ||
		    memcmp(rec + ISO_DR_HDR, first + ISO_DR_HDR,
		    dr.dr_namelen) != 0 || (dr.dr_flags & ISO_FLAG_DIR))
			return FS_CORRUPT(ISO_FSNAME, "multi-extent file at "
			    "%llu: part of another name",
			    (unsigned long long)phys);
	}
}

/* Any file but a directory, from its record at phys. */
static int
iso_load_file(struct iso_mount *im, struct iso_node *in, uint64_t phys)
{
	uint8_t rec[ISO_DR_MAXLEN + 1];
	struct iso_dirrec dr;
	struct rr_info rr;
	int error;

	if ((error = iso_read_rec(im, phys, rec, &dr)) != 0)
		return error;
	memset(&rr, 0, sizeof(rr));
	if ((rr.rr_link = kmem_alloc(PATH_MAX)) == NULL)
		return ENOMEM;
	if ((error = rr_parse_rec(im, rec, &dr, &rr)) != 0)
		goto out_free;
	in->in_type = (rr.rr_have & RRH_PX) ?
	    vtype_from_mode(rr.rr_px.px_mode) : VREG;
	if ((dr.dr_flags & ISO_FLAG_DIR) || in->in_type == VDIR ||
	    in->in_type == VNON || in->in_type == VBAD) {
		error = FS_CORRUPT(ISO_FSNAME, "record at %llu: bad type",
		    (unsigned long long)phys);
		goto out_free;
	}
	iso_node_attrs(in, &dr, &rr);
	if (in->in_type == VLNK) {
		if (!(rr.rr_have & RRH_SL) || rr.rr_linklen == 0) {
			error = FS_CORRUPT(ISO_FSNAME, "symlink at %llu has no "
			    "SL entry", (unsigned long long)phys);
			goto out_free;
		}
		in->in_link = rr.rr_link;
		in->in_linklen = rr.rr_linklen;
		in->in_size = (int64_t)rr.rr_linklen;
		rr.rr_link = NULL;
	} else if (in->in_type == VREG) {
		if ((error = iso_load_extents(in, phys, rec, &dr)) != 0)
			goto out_free;
		if ((rr.rr_have & RRH_ZF) &&
		    (error = iso_zisofs_setup(in, &rr)) != 0)
			goto out_free;
	}
	in->in_fileid = iso_fileid(in->in_type, phys, &dr, &rr);

out_free:
	if (rr.rr_link != NULL)
		kmem_free(rr.rr_link, PATH_MAX);
	return error;
}

int
iso_node_load(struct iso_mount *im, uint64_t key, struct iso_node **inp)
{
	struct iso_node *in;
	int error;

	if ((in = kmem_zalloc(sizeof(*in))) == NULL)
		return ENOMEM;
	in->in_mount = im;
	in->in_key = key;
	if (key & ISO_KEY_BOOT)
		error = iso_boot_load(im, key, in);
	else if (key & ISO_KEY_DIR)
		error = iso_load_dir(im, in, key & ~ISO_KEY_DIR);
	else
		error = iso_load_file(im, in, key);
	if (error != 0) {
		iso_node_free(in);
		return error;
	}
	*inp = in;
	return 0;
}

void
iso_node_free(struct iso_node *in)
{
	if (in->in_ext != NULL)
		kmem_free(in->in_ext, in->in_extcap * sizeof(*in->in_ext));
	if (in->in_link != NULL)
		kmem_free(in->in_link, PATH_MAX);
	kmem_free(in, sizeof(*in));
}
