/*
 * iso_fmt.h: the on-disk format of ISO 9660 (ECMA-119), its Joliet
 * supplementary descriptor, and the SUSP / Rock Ridge entries, with the
 * decoders that turn raw bytes into the structures below.  Fixed-layout
 * structures are decoded only here; the walks over variable-length ones
 * (SUSP entry lists and SL components in cd9660_rr.c, the El Torito
 * catalog in cd9660_boot.c, the zisofs block table in cd9660_zisofs.c)
 * live next to their users and bound every read the same way.
 *
 * Numbers recorded "both-endian" (7.2.3, 7.3.3: little-endian then
 * big-endian) are decoded from both halves; a mismatch is corruption.
 */
#ifndef _FS_CD9660_ISO_FMT_H_
#define _FS_CD9660_ISO_FMT_H_

#include <sys/param.h>
#include <sys/libkern.h>

#define ISO_FSNAME		"cd9660"	/* for FS_CORRUPT messages */

/* Volume descriptors: from sector 16 (of 2048 bytes) on. */
#define ISO_SECTOR		2048
#define ISO_VD_FIRST		16
#define ISO_VD_MAX		64	/* descriptors scanned at most */
#define ISO_VD_BOOT		0
#define ISO_VD_PRIMARY		1
#define ISO_VD_SUPPLEMENTARY	2
#define ISO_VD_PARTITION	3
#define ISO_VD_TERMINATOR	255

/* Directory records. */
#define ISO_DR_HDR		33	/* fixed part before the name */
#define ISO_DR_ROOT_OFF		156	/* root record in a descriptor */
#define ISO_DR_MAXLEN		255
#define ISO_FLAG_HIDDEN		0x01
#define ISO_FLAG_DIR		0x02
#define ISO_FLAG_ASSOC		0x04
#define ISO_FLAG_MULTI		0x80

/* A decoded primary or supplementary volume descriptor. */
struct iso_vd {
	uint8_t		 vd_type;	/* ISO_VD_* */
	uint32_t	 vd_blocks;	/* volume space size, logical blocks */
	uint16_t	 vd_bsize;	/* logical block size */
	uint8_t		 vd_joliet;	/* Joliet level 1-3, 0 if not */
	uint8_t		 vd_root[34];	/* the root directory record */
	uint8_t		 vd_volid[32];	/* volume identifier, raw */
};

/* A timestamp: seconds since 1970 (UTC) and nanoseconds. */
struct iso_time {
	int64_t		 t_sec;		/* seconds since the epoch */
	uint32_t	 t_nsec;	/* nanoseconds */
};

/* A decoded directory record (the name stays in the raw record). */
struct iso_dirrec {
	uint8_t		 dr_len;	/* record length */
	uint8_t		 dr_xarlen;	/* extended attribute blocks */
	uint32_t	 dr_extent;	/* first logical block */
	uint32_t	 dr_size;	/* data length in bytes */
	struct iso_time	 dr_mtime;	/* recording date */
	uint8_t		 dr_flags;	/* ISO_FLAG_* */
	uint8_t		 dr_unit;	/* interleave file unit size */
	uint8_t		 dr_gap;	/* interleave gap size */
	uint8_t		 dr_namelen;	/* identifier length */
	uint32_t	 dr_suoff;	/* offset of the system use area */
	uint32_t	 dr_sulen;	/* its length */
};

/* SUSP / Rock Ridge. */
#define SUSP_HDR		4	/* signature, length, version */
#define SUSP_SP_LEN		7
#define SUSP_CE_LEN		28
#define RR_NM_CONTINUE		0x01
#define RR_NM_CURRENT		0x02
#define RR_NM_PARENT		0x04
#define RR_SL_CONTINUE		0x01
#define RR_SLC_CONTINUE		0x01
#define RR_SLC_CURRENT		0x02
#define RR_SLC_PARENT		0x04
#define RR_SLC_ROOT		0x08
#define RR_TF_CREATE		0x01
#define RR_TF_MODIFY		0x02
#define RR_TF_ACCESS		0x04
#define RR_TF_ATTRIBUTES	0x08
#define RR_TF_LONG		0x80

/* zisofs: the ZF entry and the header of a compressed file. */
#define ZF_LEN			16
#define ZISOFS_MAGIC		"\x37\xE4\x53\x96\xC9\xDB\xD6\x07"
#define ZISOFS_MINBITS		15
#define ZISOFS_MAXBITS		17

/* A SUSP continuation area (CE). */
struct susp_ce {
	uint32_t	 ce_block;	/* logical block */
	uint32_t	 ce_off;	/* byte offset in it */
	uint32_t	 ce_len;	/* bytes */
};

/* Rock Ridge PX: POSIX attributes. */
struct rr_px {
	uint32_t	 px_mode;	/* st_mode */
	uint32_t	 px_nlink;	/* st_nlink */
	uint32_t	 px_uid;	/* st_uid */
	uint32_t	 px_gid;	/* st_gid */
	uint32_t	 px_ino;	/* st_ino (RRIP 1.12), 0 if absent */
};

int	iso_both16(const uint8_t *p, uint16_t *vp);
int	iso_both32(const uint8_t *p, uint32_t *vp);
int	iso_vd_decode(const uint8_t *sec, struct iso_vd *vd);
int	iso_dirrec_decode(const uint8_t *p, uint32_t avail,
	    struct iso_dirrec *dr);
void	iso_time7_decode(const uint8_t *p, struct iso_time *t);
void	iso_time17_decode(const uint8_t *p, struct iso_time *t);
int	susp_ce_decode(const uint8_t *e, uint32_t len, struct susp_ce *ce);
int	rr_px_decode(const uint8_t *e, uint32_t len, struct rr_px *px);
int	rr_pn_decode(const uint8_t *e, uint32_t len, uint64_t *rdevp);
int	rr_zf_decode(const uint8_t *e, uint32_t len, uint8_t *hdrp,
	    uint8_t *bitsp, uint32_t *sizep);
int	rr_loc_decode(const uint8_t *e, uint32_t len, uint32_t *blkp);
int	rr_tf_decode(const uint8_t *e, uint32_t len, struct iso_time *mtime,
	    struct iso_time *atime, struct iso_time *ctime,
	    struct iso_time *btime, uint8_t *present);
size_t	iso_name_plain(const uint8_t *id, size_t len, char *out);
int	iso_name_joliet(const uint8_t *id, size_t len, char *out,
	    size_t *outlen);

#endif /* !_FS_CD9660_ISO_FMT_H_ */
