/*
 * ak_flags.c: host flag values to the kernel's.
 *
 * Clients pass host values (O_CREAT, AT_SYMLINK_NOFOLLOW, SEEK_HOLE, ...)
 * and the kernel has its own (sys/fcntl.h).  Each translator maps the
 * bits it knows and rejects any bit left over with EINVAL, like a host
 * kernel rejects a flag it does not implement: silently dropping a flag
 * (O_TMPFILE, AT_REMOVEDIR in the wrong call) would do something else
 * than asked.  The open and *at tables are generated from
 * sys/fcntl_list.h, keyed by name; a host that lacks a name gets 0 below
 * and that kernel flag is simply unreachable from it.
 *
 * All functions return 0 or a positive host errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#ifdef __has_include
#if __has_include(<sys/sysmacros.h>)
#include <sys/sysmacros.h>
#endif
#if __has_include(<sys/xattr.h>)
#include <sys/xattr.h>
#endif
#endif

#include "lib/ak_impl.h"

#ifndef O_DSYNC
#define O_DSYNC		0
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY	0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC	0
#endif
#ifndef O_NOATIME
#define O_NOATIME	0
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH	0
#endif
/* Linux's values, which ak.h promises whatever the host. */
#ifndef XATTR_CREATE
#define XATTR_CREATE	0x1
#define XATTR_REPLACE	0x2
#endif
#define AK_RENAME_NOREPLACE	0x1
#define AK_RENAME_EXCHANGE	0x2
#ifdef RENAME_NOREPLACE
_Static_assert(RENAME_NOREPLACE == AK_RENAME_NOREPLACE &&
    RENAME_EXCHANGE == AK_RENAME_EXCHANGE, "ak.h promises Linux values");
#endif

/* One flag: its host value (0 if the host lacks it) and the kernel's. */
struct ak_flagmap {
	int	fm_host;	/* host bit(s) */
	int	fm_kern;	/* kernel bit */
};

static const struct ak_flagmap ak_oflag_map[] = {
#define OFLAG(name, val)	{ name, val },
#include "sys/fcntl_list.h"
#undef OFLAG
};

static const struct ak_flagmap ak_atflag_map[] = {
#define ATFLAG(name, val)	{ name, val },
#include "sys/fcntl_list.h"
#undef ATFLAG
};

static const struct ak_flagmap ak_mntflag_map[] = {
	{ AK_MNT_RDONLY,	K_MNT_RDONLY },
	{ AK_MNT_NOATIME,	K_MNT_NOATIME },
	{ AK_MNT_SYNCHRONOUS,	K_MNT_SYNCHRONOUS },
	{ AK_MNT_FORCE,		K_MNT_FORCE },
};

static const struct ak_flagmap ak_fscap_map[] = {
	{ AK_FSCAP_WRITE,	K_VFSCAP_WRITE },
	{ AK_FSCAP_SYMLINK,	K_VFSCAP_SYMLINK },
	{ AK_FSCAP_HARDLINK,	K_VFSCAP_HARDLINK },
	{ AK_FSCAP_XATTR,	K_VFSCAP_XATTR },
	{ AK_FSCAP_SPARSE,	K_VFSCAP_SPARSE },
	{ AK_FSCAP_SPECIAL,	K_VFSCAP_SPECIAL },
	{ AK_FSCAP_OWNERS,	K_VFSCAP_OWNERS },
	{ AK_FSCAP_NSEC,	K_VFSCAP_NSEC },
	{ AK_FSCAP_EXCHANGE,	K_VFSCAP_EXCHANGE },
	{ AK_FSCAP_NODEV,	K_VFSCAP_NODEV },
};

/*
 * Translate the host bits of hflags through map (entries whose kernel
 * bit is in allow only).  An entry matches when all its host bits are
 * set, and several may match the same bits: Linux's O_SYNC contains
 * O_DSYNC's bit and gives kernel O_SYNC|O_DSYNC, which means the same.
 * Returns EINVAL if a host bit matched no entry.
 */
static int
ak_map_h2k(const struct ak_flagmap *map, size_t n, int allow, int hflags,
    int *kflags)
{
	int matched = 0, k = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((map[i].fm_kern & allow) == 0 || map[i].fm_host == 0)
			continue;
		if ((hflags & map[i].fm_host) == map[i].fm_host) {
			k |= map[i].fm_kern;
			matched |= map[i].fm_host;
		}
	}
	if ((hflags & ~matched) != 0)
		return EINVAL;
	*kflags = k;
	return 0;
}

/* The reverse of ak_map_h2k: EINVAL for a kernel bit the host lacks. */
static int
ak_map_k2h(const struct ak_flagmap *map, size_t n, int kflags, int *hflags)
{
	int matched = 0, h = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (map[i].fm_host == 0)
			continue;
		if ((kflags & map[i].fm_kern) == map[i].fm_kern) {
			h |= map[i].fm_host;
			matched |= map[i].fm_kern;
		}
	}
	if ((kflags & ~matched) != 0)
		return EINVAL;
	*hflags = h;
	return 0;
}

/*
 * open(2) flags.  The access mode is a value, not bits, and is mapped
 * on its own.  O_LARGEFILE is accepted and dropped: the kernel's offsets
 * are always 64-bit.
 */
int
ak_oflags_h2k(int hflags, int *kflags)
{
	int acc, rest, error;

	switch (hflags & O_ACCMODE) {
	case O_RDONLY:
		acc = K_O_RDONLY;
		break;
	case O_WRONLY:
		acc = K_O_WRONLY;
		break;
	case O_RDWR:
		acc = K_O_RDWR;
		break;
	default:
		return EINVAL;
	}
	rest = hflags & ~O_ACCMODE;
#ifdef O_LARGEFILE
	rest &= ~O_LARGEFILE;
#endif
	error = ak_map_h2k(ak_oflag_map, sizeof(ak_oflag_map) /
	    sizeof(ak_oflag_map[0]), ~K_O_ACCMODE, rest, kflags);
	if (error != 0)
		return error;
	*kflags |= acc;
	return 0;
}

/* Kernel open flags back to the host's (tests; a future F_GETFL). */
int
ak_oflags_k2h(int kflags, int *hflags)
{
	int acc, error;

	switch (kflags & K_O_ACCMODE) {
	case K_O_RDONLY:
		acc = O_RDONLY;
		break;
	case K_O_WRONLY:
		acc = O_WRONLY;
		break;
	case K_O_RDWR:
		acc = O_RDWR;
		break;
	default:
		return EINVAL;
	}
	error = ak_map_k2h(ak_oflag_map, sizeof(ak_oflag_map) /
	    sizeof(ak_oflag_map[0]), kflags & ~K_O_ACCMODE, hflags);
	if (error != 0)
		return error;
	*hflags |= acc;
	return 0;
}

/*
 * *at(2) flags.  allow is the set of kernel K_AT_* flags the call takes:
 * Linux gives AT_EACCESS and AT_REMOVEDIR the same value, so only the
 * call knows which one is meant.  allow must never hold two flags with
 * the same host value.
 */
int
ak_atflags_h2k(int hflags, int allow, int *kflags)
{
	return ak_map_h2k(ak_atflag_map, sizeof(ak_atflag_map) /
	    sizeof(ak_atflag_map[0]), allow, hflags, kflags);
}

int
ak_atflags_k2h(int kflags, int *hflags)
{
	return ak_map_k2h(ak_atflag_map, sizeof(ak_atflag_map) /
	    sizeof(ak_atflag_map[0]), kflags, hflags);
}

/*
 * A directory descriptor: the host's AT_FDCWD becomes the kernel's; any
 * other negative value is EBADF here, so that it can never alias the
 * kernel's AT_FDCWD on a host whose AT_FDCWD differs.
 */
int
ak_dirfd_h2k(int dirfd, int *kdirfd)
{
	if (dirfd == AT_FDCWD)
		*kdirfd = KAPI_AT_FDCWD;
	else if (dirfd < 0)
		return EBADF;
	else
		*kdirfd = dirfd;
	return 0;
}

int
ak_whence_h2k(int whence, int *kwhence)
{
	switch (whence) {
	case SEEK_SET:
		*kwhence = K_SEEK_SET;
		return 0;
	case SEEK_CUR:
		*kwhence = K_SEEK_CUR;
		return 0;
	case SEEK_END:
		*kwhence = K_SEEK_END;
		return 0;
#ifdef SEEK_DATA
	case SEEK_DATA:
		*kwhence = K_SEEK_DATA;
		return 0;
#endif
#ifdef SEEK_HOLE
	case SEEK_HOLE:
		*kwhence = K_SEEK_HOLE;
		return 0;
#endif
	default:
		return EINVAL;
	}
}

/* access(2) mode: F_OK, or any of R_OK, W_OK, X_OK. */
int
ak_access_h2k(int mode, int *kmode)
{
	int k = K_F_OK;

	if ((mode & ~(R_OK | W_OK | X_OK)) != 0)
		return EINVAL;
	if (mode & R_OK)
		k |= K_R_OK;
	if (mode & W_OK)
		k |= K_W_OK;
	if (mode & X_OK)
		k |= K_X_OK;
	*kmode = k;
	return 0;
}

/* renameat2 flags: ak.h's values are Linux's whatever the host. */
int
ak_renameflags_h2k(unsigned int hflags, uint32_t *kflags)
{
	uint32_t k = 0;

	if ((hflags & ~(unsigned int)(AK_RENAME_NOREPLACE |
	    AK_RENAME_EXCHANGE)) != 0)
		return EINVAL;
	if (hflags & AK_RENAME_NOREPLACE)
		k |= K_RENAME_NOREPLACE;
	if (hflags & AK_RENAME_EXCHANGE)
		k |= K_RENAME_EXCHANGE;
	*kflags = k;
	return 0;
}

/* setxattr flags: XATTR_CREATE, XATTR_REPLACE. */
int
ak_xattrflags_h2k(int hflags, int *kflags)
{
	int k = 0;

	if ((hflags & ~(XATTR_CREATE | XATTR_REPLACE)) != 0)
		return EINVAL;
	if (hflags & XATTR_CREATE)
		k |= K_XATTR_CREATE;
	if (hflags & XATTR_REPLACE)
		k |= K_XATTR_REPLACE;
	*kflags = k;
	return 0;
}

/* AK_MNT_* to the kernel's MNT_*; allow is the AK_MNT_* the call takes. */
int
ak_mntflags_h2k(int akflags, int allow, int *kflags)
{
	int matched = 0, k = 0;
	size_t i;

	for (i = 0; i < sizeof(ak_mntflag_map) / sizeof(ak_mntflag_map[0]);
	    i++) {
		if ((ak_mntflag_map[i].fm_host & allow) == 0)
			continue;
		if (akflags & ak_mntflag_map[i].fm_host) {
			k |= ak_mntflag_map[i].fm_kern;
			matched |= ak_mntflag_map[i].fm_host;
		}
	}
	if ((akflags & ~matched) != 0)
		return EINVAL;
	*kflags = k;
	return 0;
}

/* Kernel VFSCAP_* to AK_FSCAP_*; capabilities libak does not know drop. */
long
ak_fscaps_k2h(uint32_t kcaps)
{
	long caps = 0;
	size_t i;

	for (i = 0; i < sizeof(ak_fscap_map) / sizeof(ak_fscap_map[0]); i++)
		if (kcaps & (uint32_t)ak_fscap_map[i].fm_kern)
			caps |= ak_fscap_map[i].fm_host;
	return caps;
}

/*
 * utimensat times: UTIME_NOW and UTIME_OMIT become the kernel's; any
 * other tv_nsec must be a real nanosecond count, checked here so that a
 * host value can never alias a kernel special value.
 */
int
ak_times_h2k(const struct timespec ts[2], struct ktimespec kts[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		kts[i].tv_sec = ts[i].tv_sec;
		if (ts[i].tv_nsec == UTIME_NOW) {
			kts[i].tv_sec = 0;
			kts[i].tv_nsec = K_UTIME_NOW;
		} else if (ts[i].tv_nsec == UTIME_OMIT) {
			kts[i].tv_sec = 0;
			kts[i].tv_nsec = K_UTIME_OMIT;
		} else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000L) {
			return EINVAL;
		} else {
			kts[i].tv_nsec = ts[i].tv_nsec;
		}
	}
	return 0;
}

/*
 * mknod(2) arguments.  The file type in mode selects the vnode type (0
 * means a regular file, as on Linux); S_IFDIR is EPERM (use mkdir) and
 * anything else EINVAL, as on Linux.  Permission bits are the same on
 * every Unix.  A device number is split into the kernel's 32:32 form;
 * other types ignore dev.
 */
int
ak_mknod_h2k(mode_t mode, dev_t dev, enum vtype *type, uint32_t *kmode,
    uint64_t *krdev)
{
	*krdev = 0;
	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
		*type = VREG;
		break;
	case S_IFCHR:
		*type = VCHR;
		break;
	case S_IFBLK:
		*type = VBLK;
		break;
	case S_IFIFO:
		*type = VFIFO;
		break;
	case S_IFSOCK:
		*type = VSOCK;
		break;
	case S_IFDIR:
		return EPERM;
	default:
		return EINVAL;
	}
	if (*type == VCHR || *type == VBLK)
		*krdev = ((uint64_t)major(dev) << 32) | (uint32_t)minor(dev);
	*kmode = (uint32_t)(mode & K_ALLPERMS);
	return 0;
}
