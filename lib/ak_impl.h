/*
 * ak_impl.h: libak internals, shared by the sources in lib/ and by the
 * host unit test tests/host/ak_translate_test.c.  Never installed.
 *
 * libak is the only place where the kernel's numbers (errno, flags,
 * structures; see sys/errno_list.h, sys/fcntl_list.h, sys/vattr.h) meet
 * the host's.  The translators below are pure functions: they return 0
 * or a positive HOST errno and touch no global state, so that they can
 * be tested without a kernel.  The ak_sys_* wrappers call them, then the
 * kernel, then ak_ret() to turn a kernel errno into -1 and host errno.
 *
 * Host code may not include sys/fcntl.h, sys/mount.h or sys/param.h:
 * their names (O_CREAT, SEEK_SET, S_IFMT, makedev...) clash with the
 * host's.  Constants that come from X-macro lists are generated here with
 * a K_ prefix, so they cannot drift.  The few that are plain #defines or
 * enums in kernel headers are copied below, also with a K_ prefix; they
 * MUST match the kernel header named next to them.  A kernel-side test is
 * meant to check that they do (see the XXX below).
 */
#ifndef _LIB_AK_IMPL_H_
#define _LIB_AK_IMPL_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <limits.h>
#include <stddef.h>
#include <time.h>

#include "ak/ak.h"
#include "sys/kapi.h"

/* Kernel open(2) and *at(2) flags, generated from sys/fcntl_list.h. */
enum {
#define OFLAG(name, val)	K_##name = val,
#define ATFLAG(name, val)	K_##name = val,
#include "sys/fcntl_list.h"
#undef OFLAG
#undef ATFLAG
};

/*
 * XXX Copies of kernel constants that are not in a list.  They must
 * match the header named on each group; keep them only here.
 */
/* sys/fcntl.h: access mode. */
#define K_O_RDONLY		0
#define K_O_ACCMODE		3
/* sys/fcntl.h: lseek whence. */
#define K_SEEK_SET		0
#define K_SEEK_CUR		1
#define K_SEEK_END		2
#define K_SEEK_DATA		3
#define K_SEEK_HOLE		4
/* sys/fcntl.h: access(2) modes. */
#define K_F_OK			0
#define K_X_OK			1
#define K_W_OK			2
#define K_R_OK			4
/* sys/fcntl.h: renameat2 flags. */
#define K_RENAME_NOREPLACE	0x1
#define K_RENAME_EXCHANGE	0x2
/* sys/fcntl.h: setxattr flags. */
#define K_XATTR_CREATE		0x1
#define K_XATTR_REPLACE		0x2
/* sys/fcntl.h: utimensat special tv_nsec values. */
#define K_UTIME_NOW		((1L << 30) - 1)
#define K_UTIME_OMIT		((1L << 30) - 2)
/* sys/fcntl.h: mount and unmount flags (also kstatvfs.f_flag). */
#define K_MNT_RDONLY		0x0001
#define K_MNT_NOATIME		0x0002
#define K_MNT_SYNCHRONOUS	0x0004
#define K_MNT_FORCE		0x0100
/* sys/mount.h: file system type capabilities. */
#define K_VFSCAP_WRITE		0x0001
#define K_VFSCAP_SYMLINK	0x0002
#define K_VFSCAP_HARDLINK	0x0004
#define K_VFSCAP_XATTR		0x0008
#define K_VFSCAP_SPARSE		0x0010
#define K_VFSCAP_SPECIAL	0x0020
#define K_VFSCAP_OWNERS		0x0040
#define K_VFSCAP_NSEC		0x0080
#define K_VFSCAP_EXCHANGE	0x0100
#define K_VFSCAP_NODEV		0x0200
/* sys/param.h: permission bits (07777), identical on every Unix. */
#define K_ALLPERMS		07777

/*
 * Length of an ak_dirent record for a name of namlen bytes: header,
 * name, NUL, rounded up to 8 like struct kdirent (KDIRENT_RECLEN).
 */
#define AK_DIRENT_RECLEN(namlen) \
	((offsetof(struct ak_dirent, d_name) + (namlen) + 1 + 7) & ~(size_t)7)

/* Lengths are clamped so that every count fits a ssize_t result. */
static inline size_t
ak_clamp(size_t len)
{
	return len > SSIZE_MAX ? (size_t)SSIZE_MAX : len;
}

/*
 * Everything below is internal to libak: hidden from libak.so's dynamic
 * symbol table, so clients see only the ak.h API.
 */
#pragma GCC visibility push(hidden)

/* ak_errno.c: kernel errno to host errno; the -1/errno convention. */
int	ak_errno_k2h(int kerror);
int	ak_ret(int kerror);
ssize_t	ak_ret_size(int kerror, size_t done);
int	ak_fail(int herror);

/* ak_flags.c: host flags to the kernel's (0 or a host errno). */
int	ak_oflags_h2k(int hflags, int *kflags);
int	ak_oflags_k2h(int kflags, int *hflags);
int	ak_atflags_h2k(int hflags, int allow, int *kflags);
int	ak_atflags_k2h(int kflags, int *hflags);
int	ak_dirfd_h2k(int dirfd, int *kdirfd);
int	ak_whence_h2k(int whence, int *kwhence);
int	ak_access_h2k(int mode, int *kmode);
int	ak_renameflags_h2k(unsigned int hflags, uint32_t *kflags);
int	ak_xattrflags_h2k(int hflags, int *kflags);
int	ak_mntflags_h2k(int akflags, int allow, int *kflags);
long	ak_fscaps_k2h(uint32_t kcaps);
int	ak_times_h2k(const struct timespec ts[2], struct ktimespec kts[2]);
int	ak_mknod_h2k(mode_t mode, dev_t dev, enum vtype *type,
	    uint32_t *kmode, uint64_t *krdev);

/* ak_stat.c: kernel structures to the host's. */
mode_t	ak_vtype_to_ifmt(int vtype);
unsigned char ak_vtype_to_dtype(int vtype);
int	ak_vattr_to_stat(const struct vattr *va, struct stat *st);
int	ak_kstatvfs_to_statvfs(const struct kstatvfs *ksb,
	    struct statvfs *sb);

/* ak_dirent.c: kdirent records to ak_dirent records, in place. */
int	ak_dirents_k2h(void *buf, size_t kbytes, size_t *abytes);

#pragma GCC visibility pop

#endif /* !_LIB_AK_IMPL_H_ */
