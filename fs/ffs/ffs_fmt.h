/*
 * ffs_fmt.h: the on-disk format of the Berkeley Fast File System (UFS1
 * and UFS2) as the BSDs lay it out, and the decoded forms the driver
 * works with.
 *
 * Every field is little- or big-endian as the image was made (makefs -B);
 * the byte order is found from the superblock magic at mount and every
 * multi-byte field afterwards goes through ffs_get16/32/64 with it.
 * Nothing here is a C struct overlaid on disk bytes: the offsets below
 * are the published layout (struct fs, struct ufs1_dinode, struct
 * ufs2_dinode, struct direct), decoded field by field.
 *
 * Units: "fragment" (fsize bytes) is the unit of every disk address
 * (block pointers, csaddr, cylinder-group offsets); a block is frag
 * fragments (bsize bytes).
 */
#ifndef _FS_FFS_FFS_FMT_H_
#define _FS_FFS_FFS_FMT_H_

#include <sys/param.h>
#include <sys/libkern.h>

/* Where a superblock may live (bytes), and its size as read. */
#define FFS_SBLOCK_UFS1		8192
#define FFS_SBLOCK_UFS2		65536
#define FFS_SBLOCK_PIGGY	262144
#define FFS_SBSIZE		1376	/* sizeof(struct fs) */
#define FFS_SBSIZE_MAX		8192	/* fs_sbsize at most */

#define FFS_UFS1_MAGIC		0x00011954
#define FFS_UFS2_MAGIC		0x19540119
#define FFS_44INODEFMT		2	/* fs_old_inodefmt: 4.4BSD dirents */

#define FFS_MINBSIZE		4096
#define FFS_MAXBSIZE		65536
#define FFS_MINFSIZE		512
#define FFS_MAXFRAG		8

#define FFS_NDADDR		12	/* direct block pointers */
#define FFS_NIADDR		3	/* indirect levels */
#define FFS_NXADDR		2	/* UFS2 extended attribute blocks */
#define FFS_ROOTINO		2
#define FFS_DIRBLKSIZ		512	/* directory chunk: entries never cross */
#define FFS_DIRHDR		8	/* d_ino, d_reclen, d_type, d_namlen */
#define FFS_MAXNAMLEN		255

#define FFS_UFS1_INOSIZE	128
#define FFS_UFS2_INOSIZE	256

/* Superblock field offsets (struct fs). */
#define FS_SBLKNO	8
#define FS_CBLKNO	12
#define FS_IBLKNO	16
#define FS_DBLKNO	20
#define FS_OLD_CGOFFSET	24
#define FS_OLD_CGMASK	28
#define FS_OLD_TIME	32
#define FS_OLD_SIZE	36
#define FS_OLD_DSIZE	40
#define FS_NCG		44
#define FS_BSIZE	48
#define FS_FSIZE	52
#define FS_FRAG		56
#define FS_MINFREE	60
#define FS_MAXCONTIG	88
#define FS_MAXBPG	92
#define FS_BSHIFT	80
#define FS_FSHIFT	84
#define FS_FRAGSHIFT	96
#define FS_SBSIZEF	104
#define FS_NINDIR	116
#define FS_INOPB	120
#define FS_ID		144
#define FS_OLD_CSADDR	152
#define FS_CSSIZE	156
#define FS_CGSIZE	160
#define FS_IPG		184
#define FS_FPG		188
#define FS_OLD_CSTOTAL	192	/* 4 x int32: ndir, nbfree, nifree, nffree */
#define FS_FMOD		208	/* in-core "modified" flag: 0 on disk */
#define FS_CLEAN	209
#define FS_RONLY	210
#define FS_OLD_FLAGS	211
#define FS_VOLNAME	680
#define FS_VOLNAMELEN	32
#define FS_MAXBSIZEF	860
#define FS_SBLOCKLOC	1000
#define FS_CSTOTAL	1008	/* 4 x int64 (of 8) */
#define FS_TIME		1072
#define FS_SIZE		1080
#define FS_DSIZE	1088
#define FS_CSADDR	1096
#define FS_AVGFILESIZE	1196
#define FS_AVGFPDIR	1200
#define FS_METACKHASH	1308	/* FreeBSD CK_* check hashes in use */
#define FS_FLAGS	1312
#define FS_CONTIGSUMSIZE 1316
#define FS_MAXSYMLINKLEN 1320
#define FS_OLD_INODEFMT	1324
#define FS_MAXFILESIZE	1328
#define FS_MAGIC	1372

/* fs_flags (fs_old_flags for old UFS1 without FS_FLAGS_UPDATED). */
#define FFS_FL_UNCLEAN		0x001
#define FFS_FL_DOSOFTDEP	0x002
#define FFS_FL_NEEDSFSCK	0x004
#define FFS_FL_SUJ		0x008
#define FFS_FL_ACLS		0x010
#define FFS_FL_MULTILABEL	0x020
#define FFS_FL_GJOURNAL		0x040
#define FFS_FL_UPDATED		0x080	/* fs_old_flags: fs_flags is valid */
#define FFS_FL_WAPBL		0x100	/* NetBSD (FreeBSD: NFSv4 ACLs) */
#define FFS_FL_QUOTA2		0x200	/* NetBSD */

/* The summary counts (fs_cstotal / fs_old_cstotal). */
struct ffs_cstotal {
	int64_t		cs_ndir;	/* directories */
	int64_t		cs_nbfree;	/* free blocks */
	int64_t		cs_nifree;	/* free inodes */
	int64_t		cs_nffree;	/* free fragments */
};

/* A decoded superblock. */
struct ffs_super {
	bool		fs_ufs2;	/* UFS2 (else UFS1) */
	bool		fs_be;		/* big-endian image */
	uint64_t	fs_loc;		/* byte offset it was found at */
	int32_t		fs_sblkno, fs_cblkno, fs_iblkno, fs_dblkno;
	int32_t		fs_cgoffset;	/* UFS1 cg rotation (fragments) */
	int32_t		fs_cgmask;	/* UFS1 cg rotation mask */
	uint32_t	fs_ncg;		/* cylinder groups */
	uint32_t	fs_bsize, fs_fsize, fs_frag;
	uint32_t	fs_bshift, fs_fshift, fs_fragshift;
	int32_t		fs_minfree;	/* percent reserved */
	uint32_t	fs_sbsize;
	uint32_t	fs_nindir;	/* pointers per indirect block */
	uint32_t	fs_inopb;	/* inodes per block */
	uint32_t	fs_ipg;		/* inodes per group */
	uint32_t	fs_fpg;		/* fragments per group */
	uint32_t	fs_cssize, fs_cgsize;
	uint32_t	fs_id[2];
	int8_t		fs_clean;
	uint32_t	fs_flags;	/* FFS_FL_* (from the right field) */
	int32_t		fs_maxsymlinklen;
	int32_t		fs_inodefmt;	/* fs_old_inodefmt */
	uint64_t	fs_maxfilesize;
	int64_t		fs_time;
	int64_t		fs_size;	/* fragments in the file system */
	int64_t		fs_dsize;	/* data fragments */
	int64_t		fs_csaddr;	/* summary area (fragment) */
	struct ffs_cstotal fs_cstotal;
	char		fs_volname[FS_VOLNAMELEN + 1];
};

/* A decoded inode (UFS1 or UFS2). */
struct ffs_dinode {
	uint16_t	di_mode;
	uint16_t	di_nlink;
	uint32_t	di_uid, di_gid;
	uint64_t	di_size;
	uint64_t	di_blocks;	/* 512-byte units */
	int64_t		di_atime, di_mtime, di_ctime, di_birthtime;
	int32_t		di_atimensec, di_mtimensec, di_ctimensec;
	int32_t		di_birthnsec;
	uint32_t	di_gen;
	uint32_t	di_flags;
	uint32_t	di_extsize;	/* UFS2 extended attribute bytes */
	int64_t		di_extb[FFS_NXADDR];
	int64_t		di_db[FFS_NDADDR];
	int64_t		di_ib[FFS_NIADDR];
	uint64_t	di_rdev;	/* raw di_db[0] for devices */
	uint8_t		di_shortlink[(FFS_NDADDR + FFS_NIADDR) * 8];
};

/* A decoded directory entry header. */
struct ffs_direct {
	uint32_t	d_ino;
	uint16_t	d_reclen;
	uint8_t		d_type;		/* DT_* */
	uint8_t		d_namlen;
};
#define FFS_DIRSIZ(namlen)	((FFS_DIRHDR + (uint32_t)(namlen) + 1 + 3) & ~3U)

/* A decoded cylinder group header (struct cg). */
#define FFS_CG_MAGIC		0x090255
/* struct cg field offsets (the maps are at the offsets these give). */
#define CG_OLD_TIME	8
#define CG_CGX		12
#define CG_NDBLK	20
#define CG_CS		24	/* 4 x int32: ndir, nbfree, nifree, nffree */
#define CG_ROTOR	40
#define CG_FROTOR	44
#define CG_IROTOR	48
#define CG_FRSUM	52	/* int32 [MAXFRAG]: free runs of i fragments */
#define CG_IUSEDOFF	92
#define CG_FREEOFF	96
#define CG_CLUSTERSUMOFF 104	/* int32 [contigsumsize + 1], [0] unused */
#define CG_CLUSTEROFF	108	/* a bit per block: set = free */
#define CG_NCLUSTERBLKS	112
#define CG_NIBLK	116
#define CG_INITEDIBLK	120	/* UFS2: inodes initialised on disk */
#define CG_TIME		136	/* UFS2 */
#define FFS_CS_SIZE	16	/* struct csum at fs_csaddr, one per group */
struct ffs_cg {
	uint32_t	cg_magic;
	uint32_t	cg_cgx;		/* its index */
	int32_t		cg_cs[4];	/* ndir, nbfree, nifree, nffree */
	uint32_t	cg_iusedoff;	/* used-inode map: bit set = used */
	uint32_t	cg_freeoff;	/* fragment map: bit set = free */
};

/* A decoded UFS2 extended attribute record header (struct extattr). */
#define FFS_EA_HDR		7	/* length, namespace, padlen, namelen */
struct ffs_ea_hdr {
	uint32_t	ea_length;	/* whole record, a multiple of 8 */
	uint8_t		ea_namespace;	/* 1 user, 2 system */
	uint8_t		ea_contentpadlen; /* padding after the value */
	uint8_t		ea_namelength;	/* name bytes after the header */
};

/* The endian-aware field accessors, chosen by the superblock's order. */
static inline uint16_t
ffs_get16(bool be, const uint8_t *p)
{
	return be ? be16dec(p) : le16dec(p);
}

static inline uint32_t
ffs_get32(bool be, const uint8_t *p)
{
	return be ? be32dec(p) : le32dec(p);
}

static inline uint64_t
ffs_get64(bool be, const uint8_t *p)
{
	return be ? be64dec(p) : le64dec(p);
}

static inline void
ffs_put16(bool be, uint8_t *p, uint16_t v)
{
	if (be)
		be16enc(p, v);
	else
		le16enc(p, v);
}

static inline void
ffs_put32(bool be, uint8_t *p, uint32_t v)
{
	if (be)
		be32enc(p, v);
	else
		le32enc(p, v);
}

static inline void
ffs_put64(bool be, uint8_t *p, uint64_t v)
{
	if (be)
		be64enc(p, v);
	else
		le64enc(p, v);
}

/* Which magic (if any) a raw superblock carries; its byte order in *bep. */
int	ffs_sb_magic(const uint8_t *raw, bool *bep);
void	ffs_super_decode(const uint8_t *raw, bool be, struct ffs_super *fs);
void	ffs_dinode_decode(const struct ffs_super *fs, const uint8_t *raw,
	    struct ffs_dinode *di);
void	ffs_direct_decode(const struct ffs_super *fs, const uint8_t *raw,
	    struct ffs_direct *d);
void	ffs_cg_decode(const struct ffs_super *fs, const uint8_t *raw,
	    struct ffs_cg *cg);
void	ffs_ea_decode(const struct ffs_super *fs, const uint8_t *raw,
	    struct ffs_ea_hdr *ea);
int64_t	ffs_ptr_decode(const struct ffs_super *fs, const uint8_t *raw,
	    uint32_t i);

/*
 * Encoders (the write half): each known field is put back into the raw
 * bytes in the image's byte order; bytes this driver does not know are
 * left as they are.
 */
void	ffs_dinode_encode(const struct ffs_super *fs,
	    const struct ffs_dinode *di, uint8_t *raw);
void	ffs_ptr_encode(const struct ffs_super *fs, uint8_t *raw, uint32_t i,
	    int64_t v);

#endif /* !_FS_FFS_FFS_FMT_H_ */
