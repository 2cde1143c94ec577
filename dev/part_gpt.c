/*
 * part_gpt.c: the GUID partition table.  The primary header sits in
 * LBA 1 and the backup in the last LBA; each has a CRC-32 of itself and
 * one of the entry array it points to.  The primary is used when both of
 * its checks pass, else the backup; when both fail the table is reported
 * broken rather than half-believed.
 *
 * The LBA size is the device's sector size; an image file knows none, so
 * 512 is tried first and then 4096 (the sizes sfdisk and Linux use).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/part.h>

#define GPT_SIG		"EFI PART"
#define GPT_HDRMIN	92
#define GPT_ENTMIN	128
#define GPT_ENTMAXLEN	(1u << 20)	/* bytes of entry array read */

struct gpt_hdr {
	uint64_t	gh_self;	/* LBA of this header */
	uint64_t	gh_first;	/* first usable LBA */
	uint64_t	gh_last;	/* last usable LBA */
	uint64_t	gh_entlba;	/* entry array */
	uint32_t	gh_nent;
	uint32_t	gh_entsize;
	uint32_t	gh_entcrc;
};

/* Check and decode the header in sec (one LBA of lbasize bytes). */
static int
gpt_hdr_decode(uint8_t *sec, uint32_t lbasize, uint64_t lba,
    uint64_t nlba, struct gpt_hdr *h)
{
	uint32_t hsize, crc;

	if (memcmp(sec, GPT_SIG, 8) != 0)
		return EFTYPE;
	hsize = le32dec(sec + 12);
	if (hsize < GPT_HDRMIN || hsize > lbasize)
		return EFSCORRUPTED;
	crc = le32dec(sec + 16);
	memset(sec + 16, 0, 4);
	if ((crc32(~0U, sec, hsize) ^ ~0U) != crc)
		return EFSCORRUPTED;
	h->gh_self = le64dec(sec + 24);
	h->gh_first = le64dec(sec + 40);
	h->gh_last = le64dec(sec + 48);
	h->gh_entlba = le64dec(sec + 72);
	h->gh_nent = le32dec(sec + 80);
	h->gh_entsize = le32dec(sec + 84);
	h->gh_entcrc = le32dec(sec + 88);
	if (h->gh_self != lba || h->gh_first > h->gh_last ||
	    h->gh_last >= nlba || h->gh_entlba >= nlba ||
	    h->gh_entsize < GPT_ENTMIN || (h->gh_entsize & 7) != 0 ||
	    h->gh_nent == 0 || h->gh_nent > PART_MAXGPT ||
	    (uint64_t)h->gh_nent * h->gh_entsize > GPT_ENTMAXLEN)
		return EFSCORRUPTED;
	return 0;
}

/* GUIDs are stored with their first three fields little-endian. */
static void
gpt_guid_format(const uint8_t *g, char *buf, size_t len)
{
	snprintf(buf, len,
	    "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
	    le32dec(g), le16dec(g + 4), le16dec(g + 6), g[8], g[9], g[10],
	    g[11], g[12], g[13], g[14], g[15]);
}

/* The UTF-16LE name (36 units) as UTF-8; units outside the BMP as '?'. */
static void
gpt_name_format(const uint8_t *p, char *buf, size_t len)
{
	size_t o = 0;
	uint32_t c;
	int i;

	for (i = 0; i < 36 && (c = le16dec(p + 2 * i)) != 0; i++) {
		if (c >= 0xd800 && c <= 0xdfff)
			c = '?';
		if (c < 0x80 && o + 1 < len)
			buf[o++] = (char)c;
		else if (c < 0x800 && o + 2 < len) {
			buf[o++] = (char)(0xc0 | c >> 6);
			buf[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c >= 0x800 && o + 3 < len) {
			buf[o++] = (char)(0xe0 | c >> 12);
			buf[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			buf[o++] = (char)(0x80 | (c & 0x3f));
		} else
			break;
	}
	buf[o] = '\0';
}

static bool
gpt_zero(const uint8_t *p, size_t len)
{
	while (len-- > 0)
		if (*p++ != 0)
			return false;
	return true;
}

/* Read, check and decode the entry array of h. */
static int
gpt_entries(struct blkdev *bd, uint32_t lbasize, const struct gpt_hdr *h,
    struct part_entry *pe, int max, int *np)
{
	size_t len = (size_t)h->gh_nent * h->gh_entsize;
	struct part_entry e;
	uint64_t first, last;
	uint8_t *buf, *p;
	uint32_t i;
	int error;

	if ((buf = kmem_alloc(len)) == NULL)
		return ENOMEM;
	error = blkdev_read(bd, buf, len, h->gh_entlba * lbasize);
	if (error == 0 && (crc32(~0U, buf, len) ^ ~0U) != h->gh_entcrc)
		error = EFSCORRUPTED;
	for (i = 0; error == 0 && i < h->gh_nent; i++) {
		p = buf + (size_t)i * h->gh_entsize;
		if (gpt_zero(p, 16))
			continue;
		first = le64dec(p + 32);
		last = le64dec(p + 40);
		if (first < h->gh_first || last > h->gh_last || last < first) {
			error = EFSCORRUPTED;
			break;
		}
		memset(&e, 0, sizeof(e));
		e.pe_index = (int)i + 1;
		e.pe_off = first * lbasize;
		e.pe_len = (last - first + 1) * lbasize;
		strlcpy(e.pe_scheme, "gpt", sizeof(e.pe_scheme));
		gpt_guid_format(p, e.pe_type, sizeof(e.pe_type));
		gpt_name_format(p + 56, e.pe_name, sizeof(e.pe_name));
		part_add(pe, max, np, &e);
	}
	kmem_free(buf, len);
	return error;
}

/* Try the header at lba; EFTYPE when there is none. */
static int
gpt_try(struct blkdev *bd, uint32_t lbasize, uint64_t lba,
    struct part_entry *pe, int max, int *np)
{
	uint64_t nlba = bd->bd_size / lbasize;
	struct gpt_hdr h;
	uint8_t *sec;
	int error;

	*np = 0;
	if (lba >= nlba)
		return EFTYPE;
	if ((sec = kmem_alloc(lbasize)) == NULL)
		return ENOMEM;
	error = blkdev_read(bd, sec, lbasize, lba * lbasize);
	if (error == 0)
		error = gpt_hdr_decode(sec, lbasize, lba, nlba, &h);
	kmem_free(sec, lbasize);
	if (error == 0)
		error = gpt_entries(bd, lbasize, &h, pe, max, np);
	return error;
}

int
part_scan_gpt(struct blkdev *bd, struct part_entry *pe, int max, int *np)
{
	static const uint32_t sizes[] = { 512, 4096 };
	uint64_t nlba;
	unsigned i;
	int error, primary;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		nlba = bd->bd_size / sizes[i];
		primary = gpt_try(bd, sizes[i], 1, pe, max, np);
		if (primary == 0)
			return 0;
		if (primary != EFTYPE && primary != EFSCORRUPTED)
			return primary;
		error = gpt_try(bd, sizes[i], nlba - 1, pe, max, np);
		if (error == 0) {
			printf("%s: GPT primary header damaged; using the "
			    "backup\n", bd->bd_name);
			return 0;
		}
		if (error != EFTYPE && error != EFSCORRUPTED)
			return error;
		if (primary == EFSCORRUPTED || error == EFSCORRUPTED) {
			printf("%s: GPT headers fail their checks\n",
			    bd->bd_name);
			return EFSCORRUPTED;
		}
	}
	*np = 0;
	return ENOENT;
}
