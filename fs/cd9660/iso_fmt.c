/*
 * iso_fmt.c: decoders of the ISO 9660 on-disk structures (volume
 * descriptors, directory records, timestamps, identifiers) and of the
 * fixed-layout Rock Ridge entries.  Each takes a length and refuses to
 * read past it; each both-endian number is checked for consistency.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include "fs/cd9660/iso_fmt.h"

/* A both-endian 16-bit number (ECMA-119 7.2.3). */
int
iso_both16(const uint8_t *p, uint16_t *vp)
{
	*vp = le16dec(p);
	if (be16dec(p + 2) != *vp)
		return FS_CORRUPT(ISO_FSNAME, "both-endian mismatch %#x/%#x",
		    *vp, be16dec(p + 2));
	return 0;
}

/* A both-endian 32-bit number (ECMA-119 7.3.3). */
int
iso_both32(const uint8_t *p, uint32_t *vp)
{
	*vp = le32dec(p);
	if (be32dec(p + 4) != *vp)
		return FS_CORRUPT(ISO_FSNAME, "both-endian mismatch %#x/%#x",
		    *vp, be32dec(p + 4));
	return 0;
}

/* The Joliet level an SVD's escape sequences announce, 0 if none. */
static uint8_t
iso_joliet_level(const uint8_t *esc)
{
	if (esc[0] != '%' || esc[1] != '/')
		return 0;
	switch (esc[2]) {
	case '@':
		return 1;
	case 'C':
		return 2;
	case 'E':
		return 3;
	default:
		return 0;
	}
}

/*
 * Decode the volume descriptor in sec (2048 bytes).  EFTYPE if it has no
 * "CD001" signature; for primary and supplementary descriptors the
 * sizes are checked.
 */
int
iso_vd_decode(const uint8_t *sec, struct iso_vd *vd)
{
	uint16_t bsize;
	int error;

	memset(vd, 0, sizeof(*vd));
	if (memcmp(sec + 1, "CD001", 5) != 0)
		return EFTYPE;
	vd->vd_type = sec[0];
	if (vd->vd_type != ISO_VD_PRIMARY &&
	    vd->vd_type != ISO_VD_SUPPLEMENTARY)
		return 0;
	if ((error = iso_both32(sec + 80, &vd->vd_blocks)) != 0 ||
	    (error = iso_both16(sec + 128, &bsize)) != 0)
		return error;
	/* 512, 1024 or 2048: a block never spans sectors (6.1.2). */
	if (bsize != 512 && bsize != 1024 && bsize != 2048)
		return FS_CORRUPT(ISO_FSNAME, "logical block size %u", bsize);
	vd->vd_bsize = bsize;
	if (vd->vd_type == ISO_VD_SUPPLEMENTARY)
		vd->vd_joliet = iso_joliet_level(sec + 88);
	memcpy(vd->vd_root, sec + ISO_DR_ROOT_OFF, sizeof(vd->vd_root));
	memcpy(vd->vd_volid, sec + 40, sizeof(vd->vd_volid));
	return 0;
}

/*
 * Decode the directory record at p, of which avail bytes are readable.
 * The caller has checked that p[0] (the length) is non-zero.
 */
int
iso_dirrec_decode(const uint8_t *p, uint32_t avail, struct iso_dirrec *dr)
{
	uint32_t pad;
	int error;

	memset(dr, 0, sizeof(*dr));
	dr->dr_len = p[0];
	if (dr->dr_len < ISO_DR_HDR + 1 || dr->dr_len > avail)
		return FS_CORRUPT(ISO_FSNAME, "directory record length %u "
		    "(%u bytes left)", dr->dr_len, avail);
	dr->dr_namelen = p[32];
	if (dr->dr_namelen == 0 ||
	    ISO_DR_HDR + (uint32_t)dr->dr_namelen > dr->dr_len)
		return FS_CORRUPT(ISO_FSNAME, "directory record name length "
		    "%u in a %u-byte record", dr->dr_namelen, dr->dr_len);
	if ((error = iso_both32(p + 2, &dr->dr_extent)) != 0 ||
	    (error = iso_both32(p + 10, &dr->dr_size)) != 0)
		return error;
	dr->dr_xarlen = p[1];
	iso_time7_decode(p + 18, &dr->dr_mtime);
	dr->dr_flags = p[25];
	dr->dr_unit = p[26];
	dr->dr_gap = p[27];
	/* The system use area starts after the name, padded to even. */
	pad = (dr->dr_namelen & 1) == 0 ? 1 : 0;
	dr->dr_suoff = MIN((uint32_t)dr->dr_len,
	    ISO_DR_HDR + (uint32_t)dr->dr_namelen + pad);
	dr->dr_sulen = dr->dr_len - dr->dr_suoff;
	return 0;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t
iso_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Seconds since the epoch, out-of-range fields clamped to sane ones. */
static int64_t
iso_mktime(int64_t y, int mo, int d, int h, int mi, int s, int8_t gmtoff)
{
	mo = mo < 1 ? 1 : mo > 12 ? 12 : mo;
	d = d < 1 ? 1 : d > 31 ? 31 : d;
	h = MIN(h, 23);
	mi = MIN(mi, 59);
	s = MIN(s, 59);
	/* Offsets outside -48..52 quarter hours are ignored (as Linux). */
	if (gmtoff < -48 || gmtoff > 52)
		gmtoff = 0;
	return iso_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
	    (int64_t)gmtoff * 15 * 60;
}

/* A 7-byte recording date (9.1.5); all zeros is "not specified": 0. */
void
iso_time7_decode(const uint8_t *p, struct iso_time *t)
{
	t->t_nsec = 0;
	if (p[0] == 0 && p[1] == 0 && p[2] == 0) {
		t->t_sec = 0;
		return;
	}
	t->t_sec = iso_mktime(1900 + p[0], p[1], p[2], p[3], p[4], p[5],
	    (int8_t)p[6]);
}

/* n decimal digits at p, 0 for anything that is not a digit. */
static int
iso_digits(const uint8_t *p, int n)
{
	int v = 0;

	while (n-- > 0) {
		v = v * 10 + (*p >= '0' && *p <= '9' ? *p - '0' : 0);
		p++;
	}
	return v;
}

/* A 17-byte date (8.4.26.1); year 0 is "not specified": 0. */
void
iso_time17_decode(const uint8_t *p, struct iso_time *t)
{
	int year = iso_digits(p, 4);

	if (year == 0) {
		t->t_sec = 0;
		t->t_nsec = 0;
		return;
	}
	t->t_sec = iso_mktime(year, iso_digits(p + 4, 2),
	    iso_digits(p + 6, 2), iso_digits(p + 8, 2),
	    iso_digits(p + 10, 2), iso_digits(p + 12, 2), (int8_t)p[16]);
	t->t_nsec = (uint32_t)iso_digits(p + 14, 2) * 10000000;
}

/* CE: block, offset and length of the continuation area. */
int
susp_ce_decode(const uint8_t *e, uint32_t len, struct susp_ce *ce)
{
	int error;

	if (len < SUSP_CE_LEN)
		return FS_CORRUPT(ISO_FSNAME, "CE entry of %u bytes", len);
	if ((error = iso_both32(e + 4, &ce->ce_block)) != 0 ||
	    (error = iso_both32(e + 12, &ce->ce_off)) != 0 ||
	    (error = iso_both32(e + 20, &ce->ce_len)) != 0)
		return error;
	return 0;
}

/* PX: mode, links, owner, group and (RRIP 1.12, 44 bytes) inode. */
int
rr_px_decode(const uint8_t *e, uint32_t len, struct rr_px *px)
{
	int error;

	memset(px, 0, sizeof(*px));
	if (len < 36)
		return FS_CORRUPT(ISO_FSNAME, "PX entry of %u bytes", len);
	if ((error = iso_both32(e + 4, &px->px_mode)) != 0 ||
	    (error = iso_both32(e + 12, &px->px_nlink)) != 0 ||
	    (error = iso_both32(e + 20, &px->px_uid)) != 0 ||
	    (error = iso_both32(e + 28, &px->px_gid)) != 0)
		return error;
	if (len >= 44 && (error = iso_both32(e + 36, &px->px_ino)) != 0)
		return error;
	return 0;
}

/* PN: device number, high and low halves. */
int
rr_pn_decode(const uint8_t *e, uint32_t len, uint64_t *rdevp)
{
	uint32_t hi, lo;
	int error;

	if (len < 20)
		return FS_CORRUPT(ISO_FSNAME, "PN entry of %u bytes", len);
	if ((error = iso_both32(e + 4, &hi)) != 0 ||
	    (error = iso_both32(e + 12, &lo)) != 0)
		return error;
	/*
	 * Writers on Linux put the whole dev_t in the low half when the
	 * high half is 0; otherwise the halves are major and minor.
	 */
	if (hi == 0)
		*rdevp = makedev((lo >> 8) & 0xFFF, (lo & 0xFF) |
		    ((lo >> 12) & 0xFFF00));
	else
		*rdevp = makedev(hi, lo);
	return 0;
}

/*
 * ZF: a zisofs ("pz") file: header size, log2 of the block size and
 * the uncompressed size.
 */
int
rr_zf_decode(const uint8_t *e, uint32_t len, uint8_t *hdrp, uint8_t *bitsp,
    uint32_t *sizep)
{
	if (len < ZF_LEN)
		return FS_CORRUPT(ISO_FSNAME, "ZF entry of %u bytes", len);
	if (e[4] != 'p' || e[5] != 'z')
		return EOPNOTSUPP;
	*hdrp = e[6];
	*bitsp = e[7];
	return iso_both32(e + 8, sizep);
}

/* CL or PL: a directory's logical block. */
int
rr_loc_decode(const uint8_t *e, uint32_t len, uint32_t *blkp)
{
	if (len < 12)
		return FS_CORRUPT(ISO_FSNAME, "%c%c entry of %u bytes", e[0],
		    e[1], len);
	return iso_both32(e + 4, blkp);
}

/*
 * TF: the times present, in the order of their flag bits, short (7
 * bytes) or long (17 bytes) form.  *present gets the flags of those
 * decoded.
 */
int
rr_tf_decode(const uint8_t *e, uint32_t len, struct iso_time *mtime,
    struct iso_time *atime, struct iso_time *ctime, struct iso_time *btime,
    uint8_t *present)
{
	struct iso_time *slot[7] = { btime, mtime, atime, ctime, NULL, NULL,
	    NULL };
	uint32_t off = SUSP_HDR + 1, tlen;
	uint8_t flags;
	int i;

	if (len < SUSP_HDR + 1)
		return FS_CORRUPT(ISO_FSNAME, "TF entry of %u bytes", len);
	flags = e[4];
	tlen = (flags & RR_TF_LONG) ? 17 : 7;
	*present = 0;
	for (i = 0; i < 7; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (off + tlen > len)
			return FS_CORRUPT(ISO_FSNAME, "TF entry of %u bytes "
			    "with flags %#x", len, flags);
		if (slot[i] != NULL) {
			if (tlen == 17)
				iso_time17_decode(e + off, slot[i]);
			else
				iso_time7_decode(e + off, slot[i]);
			*present |= (uint8_t)(1u << i);
		}
		off += tlen;
	}
	return 0;
}

/*
 * A plain ISO 9660 identifier as a file name: the ";version" suffix and
 * a trailing '.' (a name without extension) removed.  Returns the
 * length, 0 if nothing usable is left.
 */
size_t
iso_name_plain(const uint8_t *id, size_t len, char *out)
{
	size_t i, n;

	for (n = 0; n < len && id[n] != ';'; n++)
		continue;
	if (n > 1 && id[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++) {
		if (id[i] == '\0' || id[i] == '/')
			return 0;
		out[i] = (char)id[i];
	}
	return n;
}

/* Append code point c as UTF-8; false if it does not fit. */
static bool
iso_put_utf8(uint32_t c, char *out, size_t *np, size_t max)
{
	uint8_t b[4];
	size_t k;

	if (c < 0x80) {
		b[0] = (uint8_t)c;
		k = 1;
	} else if (c < 0x800) {
		b[0] = (uint8_t)(0xC0 | c >> 6);
		b[1] = (uint8_t)(0x80 | (c & 0x3F));
		k = 2;
	} else if (c < 0x10000) {
		b[0] = (uint8_t)(0xE0 | c >> 12);
		b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (uint8_t)(0x80 | (c & 0x3F));
		k = 3;
	} else {
		b[0] = (uint8_t)(0xF0 | c >> 18);
		b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (uint8_t)(0x80 | (c & 0x3F));
		k = 4;
	}
	if (*np + k > max)
		return false;
	memcpy(out + *np, b, k);
	*np += k;
	return true;
}

/*
 * A Joliet identifier (UCS-2 big-endian; UTF-16 surrogate pairs are
 * combined) as a UTF-8 file name of at most NAME_MAX bytes, version
 * suffix removed.  ENAMETOOLONG if it does not fit, EINVAL for a NUL,
 * a '/' or a lone surrogate.  (Joliet keeps a name's trailing dot.)
 */
int
iso_name_joliet(const uint8_t *id, size_t len, char *out, size_t *outlen)
{
	size_t i, n = 0;
	uint32_t c, c2;

	len &= ~(size_t)1;
	for (i = 0; i < len; i += 2) {
		c = be16dec(id + i);
		if (c == ';')
			break;
		if (c >= 0xD800 && c < 0xDC00 && i + 4 <= len &&
		    (c2 = be16dec(id + i + 2)) >= 0xDC00 && c2 < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
			i += 2;
		} else if (c >= 0xD800 && c < 0xE000)
			return EINVAL;
		if (c == 0 || c == '/')
			return EINVAL;
		if (!iso_put_utf8(c, out, &n, NAME_MAX))
			return ENAMETOOLONG;
	}
	if (n == 0)
		return EINVAL;
	*outlen = n;
	return 0;
}
