/*
 * cd9660_rr.c: the System Use Sharing Protocol (SUSP) and Rock Ridge
 * entries of a directory record: PX, PN, NM, SL, TF, CL, PL, RE, ZF, and
 * the CE continuation areas they may spill into.
 *
 * A record's entries are walked in its system use area, then in each
 * continuation area named by a CE entry, at most ISO_MAX_CE of them (a
 * CE chain that loops ends there with EFSCORRUPTED).  A continuation
 * area must lie inside one block; it is copied out of the buffer cache
 * before its entries are read.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/cd9660/cd9660.h"

#define SIG(a, b)	((uint16_t)((a) << 8 | (b)))

/* NM: append to the name; "." and ".." flags carry no name. */
static int
rr_nm(struct rr_info *rr, const uint8_t *e, uint32_t len)
{
	uint32_t n = len - (SUSP_HDR + 1), i;

	if (len < SUSP_HDR + 1)
		return FS_CORRUPT(ISO_FSNAME, "NM entry of %u bytes", len);
	if (e[4] & (RR_NM_CURRENT | RR_NM_PARENT))
		return 0;
	if (n > NAME_MAX - rr->rr_namelen)
		return FS_CORRUPT(ISO_FSNAME, "NM name longer than %d",
		    NAME_MAX);
	for (i = 0; i < n; i++)
		if (e[5 + i] == '\0' || e[5 + i] == '/')
			return FS_CORRUPT(ISO_FSNAME, "NM name with %#x",
			    e[5 + i]);
	memcpy(rr->rr_name + rr->rr_namelen, e + 5, n);
	rr->rr_namelen += n;
	rr->rr_name[rr->rr_namelen] = '\0';
	rr->rr_have |= RRH_NM;
	return 0;
}

/* Append n bytes to the symlink target being built. */
static int
rr_sl_put(struct rr_info *rr, const void *p, size_t n)
{
	if (n > PATH_MAX - 1 - rr->rr_linklen)
		return FS_CORRUPT(ISO_FSNAME, "SL target longer than %d",
		    PATH_MAX - 1);
	memcpy(rr->rr_link + rr->rr_linklen, p, n);
	rr->rr_linklen += n;
	rr->rr_link[rr->rr_linklen] = '\0';
	return 0;
}

/*
 * SL: components of a symlink target.  A component flagged CONTINUE
 * goes on in the next component (of this entry or of the next SL
 * entry) without a '/' between.
 */
static int
rr_sl(struct rr_info *rr, const uint8_t *e, uint32_t len)
{
	uint32_t p, cl;
	uint8_t cf;
	int error;

	if (len < SUSP_HDR + 1)
		return FS_CORRUPT(ISO_FSNAME, "SL entry of %u bytes", len);
	rr->rr_have |= RRH_SL;
	if (rr->rr_link == NULL)
		return 0;
	for (p = SUSP_HDR + 1; p < len; p += 2 + cl) {
		if (len - p < 2 || (cl = e[p + 1]) > len - p - 2)
			return FS_CORRUPT(ISO_FSNAME, "SL component overruns "
			    "its entry");
		cf = e[p];
		if (rr->rr_linksep && (error = rr_sl_put(rr, "/", 1)) != 0)
			return error;
		if (cf & RR_SLC_ROOT)
			error = rr_sl_put(rr, "/", 1);
		else if (cf & RR_SLC_PARENT)
			error = rr_sl_put(rr, "..", 2);
		else if (cf & RR_SLC_CURRENT)
			error = rr_sl_put(rr, ".", 1);
		else if (memchr(e + p + 2, '\0', cl) != NULL)
			error = FS_CORRUPT(ISO_FSNAME, "SL component with NUL");
		else
			error = rr_sl_put(rr, e + p + 2, cl);
		if (error != 0)
			return error;
		rr->rr_linksep = !(cf & (RR_SLC_CONTINUE | RR_SLC_ROOT));
	}
	return 0;
}

/* Entries that decode into fixed fields. */
static int
rr_fixed(struct rr_info *rr, uint16_t sig, const uint8_t *e, uint32_t len)
{
	switch (sig) {
	case SIG('P', 'X'):
		rr->rr_have |= RRH_PX;
		return rr_px_decode(e, len, &rr->rr_px);
	case SIG('P', 'N'):
		rr->rr_have |= RRH_PN;
		return rr_pn_decode(e, len, &rr->rr_rdev);
	case SIG('T', 'F'):
		return rr_tf_decode(e, len, &rr->rr_mtime, &rr->rr_atime,
		    &rr->rr_ctime, &rr->rr_btime, &rr->rr_tf);
	case SIG('C', 'L'):
		rr->rr_have |= RRH_CL;
		return rr_loc_decode(e, len, &rr->rr_cl);
	case SIG('P', 'L'):
		rr->rr_have |= RRH_PL;
		return rr_loc_decode(e, len, &rr->rr_pl);
	case SIG('R', 'E'):
		rr->rr_have |= RRH_RE;
		return 0;
	case SIG('Z', 'F'):
		rr->rr_have |= RRH_ZF;
		/* An unknown algorithm only makes the file unreadable. */
		rr->rr_zferr = rr_zf_decode(e, len, &rr->rr_zfhdr,
		    &rr->rr_zfbits, &rr->rr_zfsize);
		return rr->rr_zferr == EOPNOTSUPP ? 0 : rr->rr_zferr;
	case SIG('E', 'R'):
		rr->rr_have |= RRH_ER;
		return 0;
	case SIG('S', 'P'):
		if (len >= SUSP_SP_LEN && e[4] == 0xBE && e[5] == 0xEF) {
			rr->rr_have |= RRH_SP;
			rr->rr_skip = e[6];
		}
		return 0;
	default:
		/* Unknown entries (AA, AS, SF, ...) are skipped. */
		return 0;
	}
}

/*
 * The entries of one area.  *cep gets the CE entry if there is one;
 * the area ends at ST, at padding (a zero byte) or at its end.
 */
static int
rr_area(struct rr_info *rr, const uint8_t *su, uint32_t sulen,
    struct susp_ce *cep, bool *hascep)
{
	const uint8_t *e;
	uint32_t off, len;
	uint16_t sig;
	int error;

	for (off = 0; sulen - off >= SUSP_HDR; off += len) {
		e = su + off;
		len = e[2];
		if (e[0] == '\0')
			break;
		if (len < SUSP_HDR || len > sulen - off)
			return FS_CORRUPT(ISO_FSNAME, "SUSP entry %c%c of %u "
			    "bytes with %u left", e[0], e[1], len,
			    sulen - off);
		sig = SIG(e[0], e[1]);
		if (sig == SIG('S', 'T'))
			break;
		if (sig == SIG('C', 'E')) {
			if ((error = susp_ce_decode(e, len, cep)) != 0)
				return error;
			*hascep = true;
		} else if (sig == SIG('N', 'M'))
			error = rr_nm(rr, e, len);
		else if (sig == SIG('S', 'L'))
			error = rr_sl(rr, e, len);
		else
			error = rr_fixed(rr, sig, e, len);
		if (error != 0)
			return error;
	}
	return 0;
}

/* Copy continuation area ce into area (ISO_BSIZE bytes). */
static int
rr_read_ce(struct iso_mount *im, const struct susp_ce *ce, uint8_t *area)
{
	struct buf *bp;
	uint64_t phys = (uint64_t)ce->ce_block << ISO_BSHIFT;
	int error;

	if (ce->ce_off >= ISO_BSIZE || ce->ce_len > ISO_BSIZE - ce->ce_off ||
	    phys + ISO_BSIZE > im->im_devsize)
		return FS_CORRUPT(ISO_FSNAME, "continuation area %u+%u, %u "
		    "bytes", ce->ce_block, ce->ce_off, ce->ce_len);
	if ((error = bread(im->im_dev, phys, ISO_BSIZE, &bp)) != 0)
		return error;
	memcpy(area, (uint8_t *)bp->b_data + ce->ce_off, ce->ce_len);
	brelse(bp);
	return 0;
}

/* Walk a system use area and the continuation areas it leads to. */
int
rr_parse(struct iso_mount *im, const uint8_t *su, uint32_t sulen,
    struct rr_info *rr)
{
	struct susp_ce ce;
	uint8_t *area = NULL;
	bool hasce;
	int hops = 0, error;

	for (;;) {
		hasce = false;
		if ((error = rr_area(rr, su, sulen, &ce, &hasce)) != 0 ||
		    !hasce)
			break;
		if (++hops > ISO_MAX_CE) {
			error = FS_CORRUPT(ISO_FSNAME, "more than %d "
			    "continuation areas", ISO_MAX_CE);
			break;
		}
		if (area == NULL && (area = kmem_alloc(ISO_BSIZE)) == NULL) {
			error = ENOMEM;
			break;
		}
		if ((error = rr_read_ce(im, &ce, area)) != 0)
			break;
		su = area;
		sulen = ce.ce_len;
	}
	if (area != NULL)
		kmem_free(area, ISO_BSIZE);
	return error;
}

/* The Rock Ridge entries of a directory record (Rock Ridge mounts). */
int
rr_parse_rec(struct iso_mount *im, const uint8_t *rec,
    const struct iso_dirrec *dr, struct rr_info *rr)
{
	if (!im->im_rr || dr->dr_sulen <= im->im_rrskip)
		return 0;
	return rr_parse(im, rec + dr->dr_suoff + im->im_rrskip,
	    dr->dr_sulen - im->im_rrskip, rr);
}
