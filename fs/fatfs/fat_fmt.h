/*
 * fat_fmt.h: the on-disk format of FAT12/16/32 with VFAT long names, and
 * the only decoders of it (fat_fmt.c).  Nothing else in fs/fatfs looks
 * at raw bytes of a boot sector, FSInfo sector or directory entry: it
 * calls these, which read every field through le16dec/le32dec so host
 * byte order and alignment never matter.
 *
 * References: the Microsoft "FAT: General Overview of On-Disk Format"
 * specification (FAT type by cluster count, BPB fields, LFN checksum),
 * and what mkfs.fat and the Linux vfat driver accept where it is silent.
 */
#ifndef _FS_FATFS_FAT_FMT_H_
#define _FS_FATFS_FAT_FMT_H_

#include <sys/param.h>
#include <sys/vattr.h>

/* Size of the part of sector 0 the BPB decoder reads. */
#define FAT_BOOTSECT_SIZE	512
/* A directory entry, short or long. */
#define FAT_DIRENT_SIZE		32
/* Characters of a long name held by one LFN entry. */
#define FAT_LFN_CHARS		13
/* Longest long name in UTF-16 units, and LFN entries it takes. */
#define FAT_LFN_MAXLEN		255
#define FAT_LFN_MAXSLOTS	20
/* Longest UTF-8 form of a long name (4 bytes per surrogate pair). */
#define FAT_NAME_MAXUTF8	(FAT_LFN_MAXLEN * 3 + 1)

/* FAT types, decided by the cluster count only. */
#define FAT12			12
#define FAT16			16
#define FAT32			32
/* Cluster counts at which FAT16 and FAT32 begin (the specification's). */
#define FAT12_MAXCLUSTERS	4084
#define FAT16_MAXCLUSTERS	65524
/* Highest cluster count FAT32 can address (28-bit entries, minus 11). */
#define FAT32_MAXCLUSTERS	0x0ffffff4u

/* The first data cluster; clusters 0 and 1 are reserved entries. */
#define FAT_FIRST_CLUSTER	2
/* FAT entry values, already masked to the type's width and widened. */
#define FAT_CLUSTER_FREE	0
#define FAT_CLUSTER_BAD		0x0ffffff7u
#define FAT_CLUSTER_EOC_MIN	0x0ffffff8u	/* any >= this ends a chain */

/* Directory entry attributes. */
#define FAT_ATTR_RDONLY		0x01
#define FAT_ATTR_HIDDEN		0x02
#define FAT_ATTR_SYSTEM		0x04
#define FAT_ATTR_VOLUME		0x08
#define FAT_ATTR_DIR		0x10
#define FAT_ATTR_ARCHIVE	0x20
#define FAT_ATTR_LFN		0x0f	/* RDONLY|HIDDEN|SYSTEM|VOLUME */
#define FAT_ATTR_LFN_MASK	0x3f

/* First name byte of an entry. */
#define FAT_NAME_END		0x00	/* this and all later: free */
#define FAT_NAME_DELETED	0xe5	/* free */
#define FAT_NAME_KANJI_E5	0x05	/* stands for a real 0xe5 */

/* Windows NT case flags (byte 12): this part is all lower case. */
#define FAT_NT_LOWER_BASE	0x08
#define FAT_NT_LOWER_EXT	0x10

/* LFN ordinal byte. */
#define FAT_LFN_LAST		0x40	/* first on disk, highest order */
#define FAT_LFN_ORD_MASK	0x1f

/*
 * The boot sector's BIOS parameter block, decoded and validated, with
 * the geometry derived from it.  All sector numbers are in BPB sectors
 * (bytes per sector), relative to the start of the volume.
 */
struct fat_bpb {
	uint32_t	bpb_secsize;	/* bytes per sector, 512..4096 */
	uint32_t	bpb_secperclus;	/* sectors per cluster, 1..128 */
	uint32_t	bpb_clustersize; /* bytes per cluster */
	uint32_t	bpb_rsvdsecs;	/* reserved sectors, >= 1 */
	uint32_t	bpb_nfats;	/* number of FAT copies, >= 1 */
	uint32_t	bpb_rootents;	/* FAT12/16 root entries (0: FAT32) */
	uint32_t	bpb_totsecs;	/* sectors in the volume */
	uint8_t		bpb_media;	/* media descriptor, 0xf0 or >= 0xf8 */
	uint32_t	bpb_fatsecs;	/* sectors per FAT copy */
	uint32_t	bpb_rootclus;	/* FAT32: first cluster of the root */
	uint32_t	bpb_fsinfosec;	/* FAT32: FSInfo sector, 0 if none */
	uint32_t	bpb_fat32flags;	/* FAT32 ext flags (mirroring) */
	uint32_t	bpb_bkbootsec;	/* FAT32: backup boot sector, 0 none */
	uint32_t	bpb_labeloff;	/* label's offset in sector 0, 0 none */
	uint32_t	bpb_volid;	/* volume serial number */
	bool		bpb_hasextbpb;	/* extended BPB (0x29): id, label */
	char		bpb_label[12];	/* volume label, NUL-terminated */
	/* Derived. */
	int		bpb_fattype;	/* FAT12, FAT16 or FAT32 */
	uint32_t	bpb_rootsecs;	/* sectors of the FAT12/16 root */
	uint32_t	bpb_rootsec;	/* first sector of the FAT12/16 root */
	uint32_t	bpb_datasec;	/* first sector of cluster 2 */
	uint32_t	bpb_nclusters;	/* data clusters (2..nclusters+1) */
};

/* FSInfo (FAT32): cached free count and allocation hint. */
struct fat_fsinfo {
	bool		fsi_valid;	/* all three signatures present */
	uint32_t	fsi_freecount;	/* free clusters, 0xffffffff unknown */
	uint32_t	fsi_nextfree;	/* hint, 0xffffffff unknown */
};

/* A short (8.3) directory entry, decoded. */
struct fat_dirent {
	uint8_t		de_name[11];	/* base (8) + extension (3), padded */
	uint8_t		de_attr;	/* FAT_ATTR_* */
	uint8_t		de_ntflags;	/* FAT_NT_LOWER_* */
	uint8_t		de_ctime10ms;	/* creation time, 10 ms units 0..199 */
	uint16_t	de_ctime;	/* creation time */
	uint16_t	de_cdate;	/* creation date */
	uint16_t	de_adate;	/* last access date */
	uint16_t	de_mtime;	/* last write time */
	uint16_t	de_mdate;	/* last write date */
	uint32_t	de_startcl;	/* first cluster (high word: FAT32) */
	uint32_t	de_size;	/* file size in bytes */
};

/* A long-name (LFN) directory entry, decoded. */
struct fat_lfnent {
	uint8_t		le_ord;		/* ordinal | FAT_LFN_LAST */
	uint8_t		le_csum;	/* checksum of the short name */
	uint16_t	le_chars[FAT_LFN_CHARS]; /* UTF-16 units */
};

/*
 * Decode and validate the boot sector (FAT_BOOTSECT_SIZE bytes of sector
 * 0) of a volume of devsize bytes.  EFTYPE if it is not a FAT boot
 * sector at all, EFSCORRUPTED (logged) if it is one with impossible
 * values.
 */
int	fat_bpb_decode(const uint8_t *sec, uint64_t devsize,
	    struct fat_bpb *bpb);
/* Decode an FSInfo sector (at least 512 bytes). */
void	fat_fsinfo_decode(const uint8_t *sec, struct fat_fsinfo *fsi);
/* Decode a 32-byte directory entry as a short entry. */
void	fat_dirent_decode(const uint8_t *raw, struct fat_dirent *de);
/* Decode a 32-byte directory entry as an LFN entry. */
void	fat_lfnent_decode(const uint8_t *raw, struct fat_lfnent *le);
/* The first byte and attribute byte of a raw entry (for classifying). */
static inline uint8_t
fat_dirent_byte0(const uint8_t *raw)
{
	return raw[0];
}
static inline uint8_t
fat_dirent_attr(const uint8_t *raw)
{
	return raw[11];
}
/* The LFN checksum of an 11-byte short name. */
uint8_t	fat_lfn_checksum(const uint8_t name[11]);
/*
 * A FAT date and time (time and cs may be 0 for a date only; cs is in
 * 10 ms units) as seconds since the epoch, for a volume whose local time
 * is UTC + tzmin minutes.  A zero or invalid date gives 0/0.
 */
void	fat_time_decode(uint16_t date, uint16_t time, uint8_t cs,
	    int32_t tzmin, struct ktimespec *ts);

/* Encoders (the write path). */
/* Store de into a 32-byte raw entry. */
void	fat_dirent_encode(const struct fat_dirent *de, uint8_t *raw);
/* Store an LFN entry: ordinal, checksum and 13 UTF-16 units. */
void	fat_lfnent_encode(const struct fat_lfnent *le, uint8_t *raw);
/* Update the free count and next-free hint of an FSInfo sector. */
void	fat_fsinfo_encode(const struct fat_fsinfo *fsi, uint8_t *sec);
/*
 * Seconds since the epoch as a FAT date and time (and 10 ms units) of a
 * volume whose local time is UTC + tzmin minutes.  Times before 1980 or
 * after 2107 are clamped to the ends of the range.
 */
void	fat_time_encode(const struct ktimespec *ts, int32_t tzmin,
	    uint16_t *date, uint16_t *time, uint8_t *cs);

#endif /* !_FS_FATFS_FAT_FMT_H_ */
