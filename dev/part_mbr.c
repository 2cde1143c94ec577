/*
 * part_mbr.c: the MS-DOS partition table: four primary slots in sector
 * 0, and an extended partition holding a chain of extended boot records
 * (EBRs), each with one logical partition and a link to the next.
 *
 * A FAT boot sector also ends in 55 AA, so the signature alone proves
 * nothing: the table is believed only when every slot's boot flag is 0
 * or 0x80 and every used slot starts after sector 0 and has a length.
 * MBR sectors are 512 bytes whatever the device's sector size.
 */
#include <sys/systm.h>
#include <sys/blkdev.h>
#include <sys/part.h>

#define MBR_SECSIZE	512
#define MBR_TABLE	446	/* offset of the four 16-byte slots */
#define MBR_SIG		510	/* 0x55 0xaa */
#define MBR_TYPE_GPT	0xee	/* protective MBR of a GPT disk */

struct mbr_slot {
	uint8_t		ms_flag;	/* 0x80 active, 0 not */
	uint8_t		ms_type;
	uint64_t	ms_start;	/* sectors, relative */
	uint64_t	ms_len;		/* sectors */
};

static void
mbr_slot_decode(const uint8_t *sec, int i, struct mbr_slot *s)
{
	const uint8_t *p = sec + MBR_TABLE + 16 * i;

	s->ms_flag = p[0];
	s->ms_type = p[4];
	s->ms_start = le32dec(p + 8);
	s->ms_len = le32dec(p + 12);
}

static bool
mbr_slot_used(const struct mbr_slot *s)
{
	return s->ms_type != 0 && s->ms_len != 0;
}

static bool
mbr_is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/* Read the 512-byte sector at byte offset off; EFTYPE without 55 AA. */
static int
mbr_read(struct blkdev *bd, uint64_t off, uint8_t *sec)
{
	int error;

	if (off > bd->bd_size || bd->bd_size - off < MBR_SECSIZE)
		return EFSCORRUPTED;
	if ((error = blkdev_read(bd, sec, MBR_SECSIZE, off)) != 0)
		return error;
	if (sec[MBR_SIG] != 0x55 || sec[MBR_SIG + 1] != 0xaa)
		return EFTYPE;
	return 0;
}

/* Whether sector 0 holds a believable table of the four slots. */
static bool
mbr_plausible(const uint8_t *sec)
{
	struct mbr_slot s;
	int i, used = 0;

	for (i = 0; i < 4; i++) {
		mbr_slot_decode(sec, i, &s);
		if (s.ms_flag != 0 && s.ms_flag != 0x80)
			return false;
		if (!mbr_slot_used(&s))
			continue;
		if (s.ms_start == 0)
			return false;
		used++;
	}
	return used > 0;
}

static void
mbr_entry(struct part_entry *e, int index, uint64_t start, uint64_t len,
    uint8_t type)
{
	memset(e, 0, sizeof(*e));
	e->pe_index = index;
	e->pe_off = start * MBR_SECSIZE;
	e->pe_len = len * MBR_SECSIZE;
	strlcpy(e->pe_scheme, "mbr", sizeof(e->pe_scheme));
	snprintf(e->pe_type, sizeof(e->pe_type), "0x%02x", type);
}

/*
 * Follow the EBR chain of the extended partition [ext, ext + extlen)
 * (sectors), adding its logical partitions from number 5.  Every link
 * must point forward inside the extended partition, which with the
 * PART_MAXLOGICAL bound makes a looping chain an error, not a hang.
 */
static int
mbr_scan_logical(struct blkdev *bd, uint64_t ext, uint64_t extlen,
    struct part_entry *pe, int max, int *np)
{
	uint8_t sec[MBR_SECSIZE];
	struct part_entry e;
	struct mbr_slot s, next;
	uint64_t ebr = ext;
	int n, error;

	for (n = 0; n < PART_MAXLOGICAL; n++) {
		if ((error = mbr_read(bd, ebr * MBR_SECSIZE, sec)) != 0)
			return error == EFTYPE ? EFSCORRUPTED : error;
		mbr_slot_decode(sec, 0, &s);
		mbr_slot_decode(sec, 1, &next);
		if (mbr_slot_used(&s)) {
			mbr_entry(&e, 5 + n, ebr + s.ms_start, s.ms_len,
			    s.ms_type);
			part_add(pe, max, np, &e);
		}
		if (!mbr_slot_used(&next))
			return 0;
		if (ext + next.ms_start <= ebr ||
		    next.ms_start >= extlen)
			return EFSCORRUPTED;
		ebr = ext + next.ms_start;
	}
	return EFSCORRUPTED;
}

int
part_scan_mbr(struct blkdev *bd, struct part_entry *pe, int max, int *np)
{
	uint8_t sec[MBR_SECSIZE];
	struct part_entry e;
	struct mbr_slot s;
	int i, error, extended = -1;

	*np = 0;
	if ((error = mbr_read(bd, 0, sec)) != 0)
		return error == EFTYPE || error == EFSCORRUPTED ? ENOENT :
		    error;
	if (!mbr_plausible(sec))
		return ENOENT;
	for (i = 0; i < 4; i++) {
		mbr_slot_decode(sec, i, &s);
		if (s.ms_type == MBR_TYPE_GPT) {
			/* part_scan tried the GPT first and found none. */
			printf("%s: protective MBR but no valid GPT\n",
			    bd->bd_name);
			return EFSCORRUPTED;
		}
	}
	for (i = 0; i < 4; i++) {
		mbr_slot_decode(sec, i, &s);
		if (!mbr_slot_used(&s))
			continue;
		mbr_entry(&e, i + 1, s.ms_start, s.ms_len, s.ms_type);
		part_add(pe, max, np, &e);
		if (mbr_is_extended(s.ms_type) && extended < 0)
			extended = i;
	}
	if (extended < 0)
		return 0;
	mbr_slot_decode(sec, extended, &s);
	return mbr_scan_logical(bd, s.ms_start, s.ms_len, pe, max, np);
}
