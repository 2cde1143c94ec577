/*
 * sys/vattr.h: file attributes, directory entries and file system
 * statistics as the kernel reports them.  Client-visible: includes only
 * sys/ktypes.h and defines no macro a host header could also define;
 * libak converts these to the host's struct stat, dirent and statvfs.
 */
#ifndef _SYS_VATTR_H_
#define _SYS_VATTR_H_

#include "sys/ktypes.h"

/* Vnode (file) types. */
enum vtype {
	VNON = 0,	/* no type */
	VREG,		/* regular file */
	VDIR,		/* directory */
	VBLK,		/* block device */
	VCHR,		/* character device */
	VLNK,		/* symbolic link */
	VSOCK,		/* socket */
	VFIFO,		/* named pipe */
	VBAD		/* dead */
};

/* Bits of va_mask: which fields a setattr changes. */
enum {
	VA_MODE		= 0x0001,
	VA_UID		= 0x0002,
	VA_GID		= 0x0004,
	VA_SIZE		= 0x0008,
	VA_ATIME	= 0x0010,
	VA_MTIME	= 0x0020,
	VA_CTIME	= 0x0040,
	VA_BIRTHTIME	= 0x0080,
	VA_FLAGS	= 0x0100,
};

struct vattr {
	uint32_t	va_mask;	/* setattr: VA_* fields to change */
	enum vtype	va_type;	/* file type */
	uint32_t	va_mode;	/* permission bits, 07777 */
	uint32_t	va_nlink;	/* hard links */
	uint32_t	va_uid;		/* owner */
	uint32_t	va_gid;		/* group */
	uint64_t	va_fsid;	/* file system id */
	uint64_t	va_fileid;	/* inode number */
	int64_t		va_size;	/* size in bytes */
	uint64_t	va_bytes;	/* bytes of storage allocated */
	uint32_t	va_blksize;	/* preferred I/O size */
	uint32_t	va_flags;	/* file flags (reserved, 0) */
	uint64_t	va_rdev;	/* device number (sys/param.h makedev) */
	uint64_t	va_gen;		/* inode generation */
	struct ktimespec va_atime;	/* last access */
	struct ktimespec va_mtime;	/* last modification */
	struct ktimespec va_ctime;	/* last status change */
	struct ktimespec va_birthtime;	/* creation, 0/0 if unknown */
};

/*
 * A directory entry as sys_getdents and VOP_READDIR produce it.  Records
 * are 8-byte aligned; d_off is the cookie to resume after this entry.
 */
struct kdirent {
	uint64_t	d_fileno;	/* inode number */
	int64_t		d_off;		/* cookie of the next entry */
	uint16_t	d_reclen;	/* length of this record */
	uint16_t	d_namlen;	/* name length, without the NUL */
	uint8_t		d_type;		/* enum vtype, VNON if unknown */
	char		d_name[];	/* NUL-terminated name */
};
#define KDIRENT_RECLEN(namlen) \
	((__builtin_offsetof(struct kdirent, d_name) + (namlen) + 1 + 7) & ~(size_t)7)

struct kstatvfs {
	uint32_t	f_bsize;	/* preferred block size */
	uint32_t	f_frsize;	/* fundamental block size */
	uint64_t	f_blocks;	/* size in f_frsize units */
	uint64_t	f_bfree;	/* free blocks */
	uint64_t	f_bavail;	/* free blocks for unprivileged users */
	uint64_t	f_files;	/* inodes */
	uint64_t	f_ffree;	/* free inodes */
	uint64_t	f_favail;	/* free inodes for unprivileged users */
	uint64_t	f_fsid;		/* file system id */
	uint32_t	f_flag;		/* MNT_* flags */
	uint32_t	f_namemax;	/* longest file name */
	char		f_fstypename[16]; /* "tmpfs", "ext4", ... */
};

#endif /* !_SYS_VATTR_H_ */
