/*
 * fat_fmt.c: decoders of the FAT on-disk structures (see fat_fmt.h).
 *
 * The boot sector decoder is the gatekeeper of every mount: it checks
 * each BPB field against what the specification and mkfs.fat allow and
 * derives the geometry in 64-bit arithmetic, so that later code may
 * compute sector and cluster positions without overflow checks.
 */
#include <sys/systm.h>
#include <sys/libkern.h>
#include "fs/fatfs/fat_fmt.h"

/* BPB field offsets (all volumes). */
#define BPB_BYTSPERSEC	0x0b
#define BPB_SECPERCLUS	0x0d
#define BPB_RSVDSECCNT	0x0e
#define BPB_NUMFATS	0x10
#define BPB_ROOTENTCNT	0x11
#define BPB_TOTSEC16	0x13
#define BPB_MEDIA	0x15
#define BPB_FATSZ16	0x16
#define BPB_TOTSEC32	0x20
/* Extended BPB of FAT12/16. */
#define BS16_BOOTSIG	0x26
#define BS16_VOLID	0x27
#define BS16_VOLLAB	0x2b
/* FAT32 BPB. */
#define BPB32_FATSZ32	0x24
#define BPB32_EXTFLAGS	0x28
#define BPB32_ROOTCLUS	0x2c
#define BPB32_FSINFO	0x30
#define BPB32_BKBOOTSEC	0x32
#define BS32_BOOTSIG	0x42
#define BS32_VOLID	0x43
#define BS32_VOLLAB	0x47
/* Extended boot signature: volume id and label present. */
#define BS_EXTSIG	0x29

/* FSInfo signatures and fields. */
#define FSI_LEADSIG	0x41615252u
#define FSI_STRUCSIG	0x61417272u
#define FSI_TRAILSIG	0xaa550000u
#define FSI_STRUCSIG_OFF 484
#define FSI_FREECOUNT	488
#define FSI_NXTFREE	492
#define FSI_TRAILSIG_OFF 508

/* Is this sector shaped like a boot sector at all (jump or signature)? */
static bool
fat_bootsect_shape(const uint8_t *sec)
{
	bool jump = (sec[0] == 0xeb && sec[2] == 0x90) || sec[0] == 0xe9;
	bool sig = sec[510] == 0x55 && sec[511] == 0xaa;

	return jump || sig;
}

/* Does the boot sector name itself FAT (file system type strings)? */
static bool
fat_bootsect_named(const uint8_t *sec)
{
	return memcmp(sec + 0x36, "FAT", 3) == 0 ||
	    memcmp(sec + 0x52, "FAT32", 5) == 0;
}

/* Copy an 11-byte space-padded label, trimming the padding. */
static void
fat_label_decode(const uint8_t *raw, char *label)
{
	int n;

	memcpy(label, raw, 11);
	for (n = 11; n > 0 && (label[n - 1] == ' ' || label[n - 1] == '\0');
	    n--)
		continue;
	label[n] = '\0';
}

/* Decode the raw fields; returns false if a field is out of its range. */
static bool
fat_bpb_fields(const uint8_t *sec, struct fat_bpb *bpb)
{
	uint32_t fatsz16 = le16dec(sec + BPB_FATSZ16);
	uint32_t tot16 = le16dec(sec + BPB_TOTSEC16);
	const uint8_t *ext;

	memset(bpb, 0, sizeof(*bpb));
	bpb->bpb_secsize = le16dec(sec + BPB_BYTSPERSEC);
	bpb->bpb_secperclus = sec[BPB_SECPERCLUS];
	bpb->bpb_rsvdsecs = le16dec(sec + BPB_RSVDSECCNT);
	bpb->bpb_nfats = sec[BPB_NUMFATS];
	bpb->bpb_rootents = le16dec(sec + BPB_ROOTENTCNT);
	bpb->bpb_totsecs = tot16 != 0 ? tot16 : le32dec(sec + BPB_TOTSEC32);
	bpb->bpb_media = sec[BPB_MEDIA];
	bpb->bpb_fatsecs = fatsz16 != 0 ? fatsz16 :
	    le32dec(sec + BPB32_FATSZ32);
	if (fatsz16 == 0) {
		bpb->bpb_fat32flags = le16dec(sec + BPB32_EXTFLAGS);
		bpb->bpb_rootclus = le32dec(sec + BPB32_ROOTCLUS);
		bpb->bpb_fsinfosec = le16dec(sec + BPB32_FSINFO);
		bpb->bpb_bkbootsec = le16dec(sec + BPB32_BKBOOTSEC);
		ext = sec + BS32_BOOTSIG;
	} else
		ext = sec + BS16_BOOTSIG;
	if (ext[0] == BS_EXTSIG) {
		bpb->bpb_hasextbpb = true;
		bpb->bpb_volid = le32dec(ext + (BS16_VOLID - BS16_BOOTSIG));
		fat_label_decode(ext + (BS16_VOLLAB - BS16_BOOTSIG),
		    bpb->bpb_label);
		bpb->bpb_labeloff = (uint32_t)(ext - sec) +
		    (BS16_VOLLAB - BS16_BOOTSIG);
	}
	bpb->bpb_clustersize = bpb->bpb_secsize * bpb->bpb_secperclus;
	return bpb->bpb_secsize >= 512 && bpb->bpb_secsize <= 4096 &&
	    powerof2(bpb->bpb_secsize) &&
	    bpb->bpb_secperclus >= 1 && bpb->bpb_secperclus <= 128 &&
	    powerof2(bpb->bpb_secperclus) &&
	    bpb->bpb_rsvdsecs >= 1 &&
	    bpb->bpb_nfats >= 1 && bpb->bpb_nfats <= 16 &&
	    bpb->bpb_totsecs != 0 &&
	    (bpb->bpb_media == 0xf0 || bpb->bpb_media >= 0xf8) &&
	    bpb->bpb_fatsecs != 0 &&
	    (fatsz16 != 0) == (bpb->bpb_rootents != 0);
}

/*
 * Derive the layout from validated fields.  The FAT type is decided by
 * the cluster count alone, as the specification says; a BPB whose shape
 * (FAT32 fields, or a fixed root directory) disagrees with that type is
 * rejected, because either the root directory or the root cluster would
 * be missing.  A FAT too short for the cluster count limits the count,
 * as Linux does.
 */
static int
fat_bpb_geometry(struct fat_bpb *bpb, uint64_t devsize)
{
	uint64_t datasec, nclus, fatents;
	uint32_t bits;

	bpb->bpb_rootsecs = howmany(bpb->bpb_rootents * FAT_DIRENT_SIZE,
	    bpb->bpb_secsize);
	bpb->bpb_rootsec = bpb->bpb_rsvdsecs +
	    bpb->bpb_nfats * bpb->bpb_fatsecs;
	datasec = (uint64_t)bpb->bpb_rsvdsecs +
	    (uint64_t)bpb->bpb_nfats * bpb->bpb_fatsecs + bpb->bpb_rootsecs;
	if (datasec >= bpb->bpb_totsecs)
		return FS_CORRUPT("fatfs", "no data area: data starts at "
		    "sector %llu of %u", (unsigned long long)datasec,
		    bpb->bpb_totsecs);
	bpb->bpb_datasec = (uint32_t)datasec;
	nclus = (bpb->bpb_totsecs - datasec) / bpb->bpb_secperclus;
	if (nclus <= FAT12_MAXCLUSTERS)
		bpb->bpb_fattype = FAT12;
	else if (nclus <= FAT16_MAXCLUSTERS)
		bpb->bpb_fattype = FAT16;
	else
		bpb->bpb_fattype = FAT32;
	if ((bpb->bpb_fattype == FAT32) != (bpb->bpb_rootents == 0))
		return FS_CORRUPT("fatfs", "%llu clusters make FAT%d but "
		    "the BPB is shaped for %s", (unsigned long long)nclus,
		    bpb->bpb_fattype, bpb->bpb_rootents == 0 ? "FAT32" :
		    "FAT12/16");
	if (nclus == 0)
		return FS_CORRUPT("fatfs", "no data clusters");
	bits = (uint32_t)bpb->bpb_fattype;
	fatents = (uint64_t)bpb->bpb_fatsecs * bpb->bpb_secsize * 8 / bits;
	if (fatents < FAT_FIRST_CLUSTER + 1)
		return FS_CORRUPT("fatfs", "FAT of %u sectors too small",
		    bpb->bpb_fatsecs);
	if (nclus > fatents - FAT_FIRST_CLUSTER)
		nclus = fatents - FAT_FIRST_CLUSTER;
	if (nclus > FAT32_MAXCLUSTERS)
		nclus = FAT32_MAXCLUSTERS;
	bpb->bpb_nclusters = (uint32_t)nclus;
	if (bpb->bpb_fattype == FAT32 &&
	    (bpb->bpb_rootclus < FAT_FIRST_CLUSTER ||
	    bpb->bpb_rootclus >= nclus + FAT_FIRST_CLUSTER))
		return FS_CORRUPT("fatfs", "root cluster %u out of range",
		    bpb->bpb_rootclus);
	if (bpb->bpb_fsinfosec >= bpb->bpb_rsvdsecs)
		bpb->bpb_fsinfosec = 0;	/* 0xffff and garbage: none */
	if (bpb->bpb_bkbootsec >= bpb->bpb_rsvdsecs)
		bpb->bpb_bkbootsec = 0;
	if ((uint64_t)bpb->bpb_totsecs * bpb->bpb_secsize > devsize &&
	    kern_verbose > 0)
		printf("fatfs: volume of %llu bytes on a device of %llu\n",
		    (unsigned long long)bpb->bpb_totsecs * bpb->bpb_secsize,
		    (unsigned long long)devsize);
	return 0;
}

int
fat_bpb_decode(const uint8_t *sec, uint64_t devsize, struct fat_bpb *bpb)
{
	if (!fat_bootsect_shape(sec))
		return EFTYPE;
	if (!fat_bpb_fields(sec, bpb)) {
		if (!fat_bootsect_named(sec))
			return EFTYPE;
		return FS_CORRUPT("fatfs", "invalid BPB: %u bytes/sector, "
		    "%u sectors/cluster, %u reserved, %u FATs, media %#x",
		    bpb->bpb_secsize, bpb->bpb_secperclus, bpb->bpb_rsvdsecs,
		    bpb->bpb_nfats, bpb->bpb_media);
	}
	return fat_bpb_geometry(bpb, devsize);
}

void
fat_fsinfo_decode(const uint8_t *sec, struct fat_fsinfo *fsi)
{
	fsi->fsi_valid = le32dec(sec) == FSI_LEADSIG &&
	    le32dec(sec + FSI_STRUCSIG_OFF) == FSI_STRUCSIG &&
	    le32dec(sec + FSI_TRAILSIG_OFF) == FSI_TRAILSIG;
	fsi->fsi_freecount = le32dec(sec + FSI_FREECOUNT);
	fsi->fsi_nextfree = le32dec(sec + FSI_NXTFREE);
}

void
fat_dirent_decode(const uint8_t *raw, struct fat_dirent *de)
{
	memcpy(de->de_name, raw, 11);
	de->de_attr = raw[11];
	de->de_ntflags = raw[12];
	de->de_ctime10ms = raw[13];
	de->de_ctime = le16dec(raw + 14);
	de->de_cdate = le16dec(raw + 16);
	de->de_adate = le16dec(raw + 18);
	de->de_startcl = (uint32_t)le16dec(raw + 20) << 16 |
	    le16dec(raw + 26);
	de->de_mtime = le16dec(raw + 22);
	de->de_mdate = le16dec(raw + 24);
	de->de_size = le32dec(raw + 28);
}

void
fat_lfnent_decode(const uint8_t *raw, struct fat_lfnent *le)
{
	/* The 13 characters sit in three runs: 5 at 1, 6 at 14, 2 at 28. */
	static const uint8_t off[FAT_LFN_CHARS] = {
		1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30
	};
	int i;

	le->le_ord = raw[0];
	le->le_csum = raw[13];
	for (i = 0; i < FAT_LFN_CHARS; i++)
		le->le_chars[i] = le16dec(raw + off[i]);
}

uint8_t
fat_lfn_checksum(const uint8_t name[11])
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t
fat_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
fat_time_decode(uint16_t date, uint16_t time, uint8_t cs, int32_t tzmin,
    struct ktimespec *ts)
{
	unsigned year = 1980 + (date >> 9), mon = (date >> 5) & 0x0f,
	    day = date & 0x1f;
	unsigned hour = time >> 11, min = (time >> 5) & 0x3f,
	    sec = (time & 0x1f) * 2;

	ts->tv_sec = 0;
	ts->tv_nsec = 0;
	if (mon < 1 || mon > 12 || day < 1 || hour > 23 || min > 59 ||
	    sec > 58)
		return;
	if (cs > 199)
		cs = 0;
	ts->tv_sec = fat_days_from_civil(year, mon, day) * 86400 +
	    hour * 3600 + min * 60 + sec + cs / 100 - (int64_t)tzmin * 60;
	ts->tv_nsec = (int64_t)(cs % 100) * 10000000;
}

void
fat_dirent_encode(const struct fat_dirent *de, uint8_t *raw)
{
	memcpy(raw, de->de_name, 11);
	raw[11] = de->de_attr;
	raw[12] = de->de_ntflags;
	raw[13] = de->de_ctime10ms;
	le16enc(raw + 14, de->de_ctime);
	le16enc(raw + 16, de->de_cdate);
	le16enc(raw + 18, de->de_adate);
	le16enc(raw + 20, (uint16_t)(de->de_startcl >> 16));
	le16enc(raw + 22, de->de_mtime);
	le16enc(raw + 24, de->de_mdate);
	le16enc(raw + 26, (uint16_t)de->de_startcl);
	le32enc(raw + 28, de->de_size);
}

void
fat_lfnent_encode(const struct fat_lfnent *le, uint8_t *raw)
{
	static const uint8_t off[FAT_LFN_CHARS] = {
		1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30
	};
	int i;

	memset(raw, 0, FAT_DIRENT_SIZE);
	raw[0] = le->le_ord;
	raw[11] = FAT_ATTR_LFN;
	raw[13] = le->le_csum;
	for (i = 0; i < FAT_LFN_CHARS; i++)
		le16enc(raw + off[i], le->le_chars[i]);
}

void
fat_fsinfo_encode(const struct fat_fsinfo *fsi, uint8_t *sec)
{
	le32enc(sec + FSI_FREECOUNT, fsi->fsi_freecount);
	le32enc(sec + FSI_NXTFREE, fsi->fsi_nextfree);
}

/* The civil date of a day number since 1970-01-01. */
static void
fat_civil_from_days(int64_t z, unsigned *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (unsigned)(yy + (*m <= 2));
}

void
fat_time_encode(const struct ktimespec *ts, int32_t tzmin, uint16_t *date,
    uint16_t *time, uint8_t *cs)
{
	/* 1980-01-01 and 2107-12-31 23:59:58, as local times. */
	const int64_t lo = 315532800, hi = 4354819198LL;
	int64_t t = ts->tv_sec + (int64_t)tzmin * 60, days, rem;
	unsigned y, m, d;

	if (t < lo)
		t = lo;
	if (t > hi)
		t = hi;
	days = t / 86400;
	rem = t % 86400;
	fat_civil_from_days(days, &y, &m, &d);
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	*time = (uint16_t)((rem / 3600) << 11 | ((rem / 60) % 60) << 5 |
	    (rem % 60) / 2);
	*cs = (uint8_t)((rem % 2) * 100 + ts->tv_nsec / 10000000);
	if (t == lo && ts->tv_sec + (int64_t)tzmin * 60 < lo)
		*cs = 0;
}
