/*
 * ak_stat.c: the kernel's struct vattr and struct kstatvfs to the host's
 * struct stat and struct statvfs, and vnode types to host file types.
 *
 * A value that does not fit the host's field (a 64-bit inode number in a
 * 32-bit ino_t, a time past 2038 in a 32-bit time_t) is EOVERFLOW, as the
 * host's own stat(2) reports it, rather than a silently wrong number.
 * st_dev and f_fsid are opaque identifiers and are truncated if needed.
 */
#include <errno.h>
#include <string.h>
#include <dirent.h>
#ifdef __has_include
#if __has_include(<sys/sysmacros.h>)
#include <sys/sysmacros.h>
#endif
#endif

#include "lib/ak_impl.h"

/* Host S_IF* type bits of a vnode type; 0 for VNON, VBAD and unknown. */
mode_t
ak_vtype_to_ifmt(int vtype)
{
	switch (vtype) {
	case VREG:
		return S_IFREG;
	case VDIR:
		return S_IFDIR;
	case VBLK:
		return S_IFBLK;
	case VCHR:
		return S_IFCHR;
	case VLNK:
		return S_IFLNK;
	case VSOCK:
		return S_IFSOCK;
	case VFIFO:
		return S_IFIFO;
	default:
		return 0;
	}
}

/* Host DT_* of a vnode type; DT_UNKNOWN for VNON (the driver did not say). */
unsigned char
ak_vtype_to_dtype(int vtype)
{
	switch (vtype) {
	case VREG:
		return DT_REG;
	case VDIR:
		return DT_DIR;
	case VBLK:
		return DT_BLK;
	case VCHR:
		return DT_CHR;
	case VLNK:
		return DT_LNK;
	case VSOCK:
		return DT_SOCK;
	case VFIFO:
		return DT_FIFO;
	default:
		return DT_UNKNOWN;
	}
}

/* Copy a kernel time; EOVERFLOW if the seconds do not fit a time_t. */
static int
ak_time_k2h(const struct ktimespec *kts, struct timespec *ts)
{
	ts->tv_sec = (time_t)kts->tv_sec;
	ts->tv_nsec = (long)kts->tv_nsec;
	if ((int64_t)ts->tv_sec != kts->tv_sec)
		return EOVERFLOW;
	return 0;
}

/*
 * Fill st from va.  The device number goes from the kernel's 32:32 split
 * through the host's makedev; st_blocks counts 512-byte units, rounded
 * up.  Returns 0 or EOVERFLOW (st is then filled as far as it fits).
 */
int
ak_vattr_to_stat(const struct vattr *va, struct stat *st)
{
	uint64_t blocks;
	uint32_t maj, min;
	int error = 0;

	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)va->va_fsid;
	st->st_ino = (ino_t)va->va_fileid;
	st->st_mode = ak_vtype_to_ifmt(va->va_type) |
	    (mode_t)(va->va_mode & K_ALLPERMS);
	st->st_nlink = (nlink_t)va->va_nlink;
	st->st_uid = (uid_t)va->va_uid;
	st->st_gid = (gid_t)va->va_gid;
	maj = (uint32_t)(va->va_rdev >> 32);
	min = (uint32_t)va->va_rdev;
	st->st_rdev = makedev(maj, min);
	st->st_size = (off_t)va->va_size;
	st->st_blksize = (blksize_t)va->va_blksize;
	blocks = va->va_bytes / 512 + (va->va_bytes % 512 != 0);
	st->st_blocks = (blkcnt_t)blocks;

	if ((uint64_t)st->st_ino != va->va_fileid ||
	    (uint64_t)st->st_nlink != va->va_nlink ||
	    (uint64_t)st->st_uid != va->va_uid ||
	    (uint64_t)st->st_gid != va->va_gid ||
	    major(st->st_rdev) != maj || minor(st->st_rdev) != min ||
	    (int64_t)st->st_size != va->va_size ||
	    (int64_t)st->st_blksize != (int64_t)va->va_blksize ||
	    st->st_blocks < 0 || (uint64_t)st->st_blocks != blocks)
		error = EOVERFLOW;
	if (ak_time_k2h(&va->va_atime, &st->st_atim) != 0 ||
	    ak_time_k2h(&va->va_mtime, &st->st_mtim) != 0 ||
	    ak_time_k2h(&va->va_ctime, &st->st_ctim) != 0)
		error = EOVERFLOW;
	return error;
}

/*
 * Fill sb from ksb.  Mount flags the host can express become ST_*; the
 * type name has no place in struct statvfs and is dropped.  Returns 0 or
 * EOVERFLOW (a count that does not fit the host's fsblkcnt_t or
 * fsfilcnt_t).
 */
int
ak_kstatvfs_to_statvfs(const struct kstatvfs *ksb, struct statvfs *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->f_bsize = ksb->f_bsize;
	sb->f_frsize = ksb->f_frsize;
	sb->f_blocks = (fsblkcnt_t)ksb->f_blocks;
	sb->f_bfree = (fsblkcnt_t)ksb->f_bfree;
	sb->f_bavail = (fsblkcnt_t)ksb->f_bavail;
	sb->f_files = (fsfilcnt_t)ksb->f_files;
	sb->f_ffree = (fsfilcnt_t)ksb->f_ffree;
	sb->f_favail = (fsfilcnt_t)ksb->f_favail;
	sb->f_fsid = (unsigned long)ksb->f_fsid;
	sb->f_namemax = ksb->f_namemax;
	if (ksb->f_flag & K_MNT_RDONLY)
		sb->f_flag |= ST_RDONLY;
#ifdef ST_NOATIME
	if (ksb->f_flag & K_MNT_NOATIME)
		sb->f_flag |= ST_NOATIME;
#endif
#ifdef ST_SYNCHRONOUS
	if (ksb->f_flag & K_MNT_SYNCHRONOUS)
		sb->f_flag |= ST_SYNCHRONOUS;
#endif
	if ((uint64_t)sb->f_blocks != ksb->f_blocks ||
	    (uint64_t)sb->f_bfree != ksb->f_bfree ||
	    (uint64_t)sb->f_bavail != ksb->f_bavail ||
	    (uint64_t)sb->f_files != ksb->f_files ||
	    (uint64_t)sb->f_ffree != ksb->f_ffree ||
	    (uint64_t)sb->f_favail != ksb->f_favail)
		return EOVERFLOW;
	return 0;
}
