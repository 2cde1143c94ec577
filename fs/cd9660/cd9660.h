/*
 * cd9660.h: the ISO 9660 driver (read-only), shared by the files of
 * fs/cd9660.
 *
 * A mount picks one directory tree: the primary descriptor's with Rock
 * Ridge when its root carries the SUSP "SP" entry, else the Joliet
 * supplementary descriptor's, else the primary's with plain names.  The
 * mount options "norock" and "nojoliet" skip the first or second choice.
 *
 * Vnode keys.  A directory's key is ISO_KEY_DIR | the byte offset of its
 * records (extent plus extended attribute blocks): its "." record and
 * the record naming it in its parent (or a Rock Ridge CL / PL pointer)
 * all give the same key.  Any other file's key is the byte offset of
 * its (first) directory record on the device.  Inode numbers
 * (va_fileid) are, for directories, the key without the flag; for other
 * files the Rock Ridge PX inode number when the writer recorded one
 * (tagged with ISO_INO_PX so it cannot meet an offset), else the byte
 * offset of the data when the file has data (hard links share their
 * extent, so they share the number), else the record's offset.  All are
 * stable across mounts.  El Torito images have keys of their own
 * (ISO_KEY_BOOT, cd9660_boot.c).
 *
 * Only 2048-byte logical blocks are supported (every known writer); a
 * directory record never crosses a block.  File data goes through
 * VOP_BMAP and genfs_read_bmap; directory blocks and continuation areas
 * through the buffer cache.  Every record is copied out of its buffer
 * before it is interpreted, so a continuation area that points back at
 * the block being read cannot deadlock on a busy buffer.
 *
 * Locking: the mount and its nodes are immutable once loaded.
 */
#ifndef _FS_CD9660_CD9660_H_
#define _FS_CD9660_CD9660_H_

#include <sys/param.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include "fs/cd9660/iso_fmt.h"

#define ISO_BSIZE	2048		/* the one supported block size */
#define ISO_BSHIFT	11
#define ISO_KEY_DIR	(1ULL << 62)	/* key flag: a directory */
#define ISO_INO_PX	(1ULL << 61)	/* va_fileid from a PX inode */
#define ISO_KEY_BOOT	(1ULL << 60)	/* key flag: El Torito ([BOOT]) */
#define ISO_MAX_BOOT	8		/* boot images shown at most */
/* Root readdir cookie after the "[BOOT]" entry (beyond any record). */
#define ISO_COOKIE_BOOTEND	(1LL << 40)
#define ISO_MAX_CE	32		/* continuation areas per record */
#define ISO_MAX_EXTENTS	4096		/* parts of a multi-extent file */

/* An El Torito boot image. */
struct iso_bootimg {
	uint64_t	 bi_phys;	/* device byte offset */
	uint64_t	 bi_size;	/* bytes shown */
	uint8_t		 bi_media;	/* emulation: 0 none, 1-3 floppy, 4 disk */
};

/*
 * A mounted ISO 9660 file system.
 * Locks protecting fields: I = immutable after mount.
 */
struct iso_mount {
	struct mount	*im_mp;		/* [I] VFS mount */
	struct blkdev	*im_dev;	/* [I] device */
	uint64_t	 im_devsize;	/* [I] device size in bytes */
	struct iso_vd	 im_pvd;	/* [I] primary descriptor */
	uint64_t	 im_rootkey;	/* [I] root directory key */
	bool		 im_rr;		/* [I] Rock Ridge in use */
	uint8_t		 im_rrskip;	/* [I] SUSP bytes to skip (SP) */
	uint8_t		 im_joliet;	/* [I] Joliet level in use, 0 if not */
	struct iso_time	 im_rootmtime;	/* [I] root's recording date */
	uint32_t	 im_nboot;	/* [I] El Torito images */
	struct iso_bootimg im_boot[ISO_MAX_BOOT]; /* [I] the images */
};

#define VFS_TO_ISO(mp)	((struct iso_mount *)(mp)->mnt_data)
#define VTOI(vp)	((struct iso_node *)(vp)->v_data)

/* One part of a file's data. */
struct iso_extent {
	int64_t		 ie_off;	/* file offset of the part */
	int64_t		 ie_len;	/* bytes */
	uint64_t	 ie_phys;	/* device byte offset of its start */
	uint32_t	 ie_unit;	/* interleave unit, blocks (0: none) */
	uint32_t	 ie_gap;	/* interleave gap, blocks */
};

/* What a directory record says about a file (iso_rec_info). */
struct iso_recinfo {
	enum vtype	 ri_type;	/* file type */
	uint64_t	 ri_key;	/* vnode key */
	uint64_t	 ri_fileid;	/* inode number */
	bool		 ri_skip;	/* hidden: associated file, RE */
	bool		 ri_multi;	/* more parts follow (multi-extent) */
	char		 ri_name[NAME_MAX + 1]; /* name (NUL-terminated) */
	size_t		 ri_namelen;	/* its length, 0 for none */
};

/* Rock Ridge information gathered from a record's SUSP entries. */
#define RRH_SP		0x0001	/* SP: SUSP in use */
#define RRH_PX		0x0002
#define RRH_PN		0x0004
#define RRH_NM		0x0008
#define RRH_SL		0x0010
#define RRH_CL		0x0020
#define RRH_PL		0x0040
#define RRH_RE		0x0080
#define RRH_ZF		0x0100
#define RRH_ER		0x0200
struct rr_info {
	uint32_t	 rr_have;	/* RRH_* entries seen */
	struct rr_px	 rr_px;		/* PX */
	uint64_t	 rr_rdev;	/* PN */
	uint32_t	 rr_cl;		/* CL: child's block */
	uint32_t	 rr_pl;		/* PL: parent's block */
	int		 rr_zferr;	/* ZF: 0 or why it cannot be read */
	uint8_t		 rr_zfhdr;	/* ZF: header size / 4 */
	uint8_t		 rr_zfbits;	/* ZF: log2 of the block size */
	uint32_t	 rr_zfsize;	/* ZF: uncompressed size */
	uint8_t		 rr_skip;	/* SP: bytes to skip */
	uint8_t		 rr_tf;		/* RR_TF_* times decoded */
	struct iso_time	 rr_mtime;	/* TF modify */
	struct iso_time	 rr_atime;	/* TF access */
	struct iso_time	 rr_ctime;	/* TF attributes */
	struct iso_time	 rr_btime;	/* TF create */
	char		 rr_name[NAME_MAX + 1]; /* NM */
	size_t		 rr_namelen;	/* its length */
	char		*rr_link;	/* SL target buffer (PATH_MAX) or NULL */
	size_t		 rr_linklen;	/* its length */
	bool		 rr_linksep;	/* SL: next component needs a '/' */
};

/*
 * A file in memory.
 * Locks protecting fields: I = immutable after load.
 */
struct iso_node {
	struct iso_mount *in_mount;	/* [I] file system */
	uint64_t	 in_key;	/* [I] vnode key */
	uint64_t	 in_fileid;	/* [I] inode number */
	enum vtype	 in_type;	/* [I] type */
	uint32_t	 in_mode;	/* [I] permission bits */
	uint32_t	 in_nlink;	/* [I] links */
	uint32_t	 in_uid;	/* [I] owner */
	uint32_t	 in_gid;	/* [I] group */
	uint64_t	 in_rdev;	/* [I] device number */
	int64_t		 in_size;	/* [I] bytes */
	struct iso_time	 in_atime;	/* [I] access time */
	struct iso_time	 in_mtime;	/* [I] modification time */
	struct iso_time	 in_ctime;	/* [I] change time */
	struct iso_time	 in_btime;	/* [I] creation time (0: unknown) */
	uint64_t	 in_dirphys;	/* [I] directory: its records */
	uint64_t	 in_parent;	/* [I] directory: parent's key */
	uint64_t	 in_lookhint;	/* [A] directory: where the last
					   lookup's match ended (a hint) */
	bool		 in_zisofs;	/* [I] zisofs-compressed (ZF) */
	int		 in_zerr;	/* [I] zisofs: why unreadable, or 0 */
	uint8_t		 in_zbits;	/* [I] zisofs: log2 block size */
	uint32_t	 in_zhdr;	/* [I] zisofs: header bytes */
	int64_t		 in_zcsize;	/* [I] zisofs: compressed bytes */
	uint32_t	 in_next;	/* [I] parts in in_ext */
	uint32_t	 in_extcap;	/* [I] room in in_ext */
	struct iso_extent *in_ext;	/* [I] data parts */
	char		*in_link;	/* [I] symlink target or NULL */
	size_t		 in_linklen;	/* [I] its length */
};

extern const struct vnodeops cd9660_vnodeops;

/* cd9660_rr.c */
int	rr_parse(struct iso_mount *im, const uint8_t *su, uint32_t sulen,
	    struct rr_info *rr);
int	rr_parse_rec(struct iso_mount *im, const uint8_t *rec,
	    const struct iso_dirrec *dr, struct rr_info *rr);

/* cd9660_node.c */
int	iso_node_load(struct iso_mount *im, uint64_t key,
	    struct iso_node **inp);
void	iso_node_free(struct iso_node *in);
int	iso_read_rec(struct iso_mount *im, uint64_t phys, uint8_t *rec,
	    struct iso_dirrec *dr);
uint64_t iso_dirkey(uint32_t block);
uint64_t iso_fileid(enum vtype type, uint64_t key,
	    const struct iso_dirrec *dr, const struct rr_info *rr);

/* cd9660_boot.c */
void	iso_boot_scan(struct iso_mount *im, const uint8_t *sec);
int	iso_boot_load(struct iso_mount *im, uint64_t key,
	    struct iso_node *in);
int	iso_boot_lookup(struct iso_mount *im, const char *name,
	    size_t namelen, uint64_t *keyp);
int	iso_boot_readdir(struct iso_mount *im, struct uio *uio, int *eofp);

/* cd9660_zisofs.c */
int	iso_zisofs_setup(struct iso_node *in, const struct rr_info *rr);
int	iso_zisofs_read(struct iso_node *in, struct uio *uio);

/* cd9660_dir.c */
int	iso_rec_info(struct iso_mount *im, const uint8_t *rec,
	    const struct iso_dirrec *dr, uint64_t recphys,
	    struct iso_recinfo *ri);
int	iso_dir_next(struct iso_node *dp, uint64_t *posp, uint64_t *recposp,
	    uint8_t *rec, struct iso_dirrec *dr);
int	iso_dir_lookup(struct iso_node *dp, const char *name, size_t namelen,
	    uint64_t *keyp);
int	iso_dir_readdir(struct iso_node *dp, struct uio *uio, int *eofp);

#endif /* !_FS_CD9660_CD9660_H_ */
