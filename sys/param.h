/*
 * sys/param.h: kernel-wide limits, mode bits and arithmetic helpers.
 */
#ifndef _SYS_PARAM_H_
#define _SYS_PARAM_H_

#include <sys/cdefs.h>
#include <sys/ktypes.h>

#define INT32_MAX	0x7fffffff
#define INT64_MAX	0x7fffffffffffffffLL
#define UINT32_MAX	0xffffffffU
#define UINT64_MAX	0xffffffffffffffffULL
#define SIZE_MAX	__SIZE_MAX__

#define va_start(ap, last)	__builtin_va_start(ap, last)
#define va_arg(ap, type)	__builtin_va_arg(ap, type)
#define va_end(ap)		__builtin_va_end(ap)
#define va_copy(d, s)		__builtin_va_copy(d, s)

#define NAME_MAX	255	/* longest file name component */
#define PATH_MAX	4096	/* longest path, including the NUL */
#define MAXSYMLINKS	40	/* symlinks followed before ELOOP */
#define NGROUPS_MAX	32	/* supplementary groups per credential */
#define DEV_BSIZE	512	/* default sector size */
#define MAXBSIZE	65536	/* largest file system block */
#define XATTR_NAME_MAX	255	/* longest xattr name */
#define XATTR_SIZE_MAX	65536	/* largest xattr value */

/* File type and permission bits, identical on every Unix. */
#define S_IFMT		0170000
#define S_IFIFO		0010000
#define S_IFCHR		0020000
#define S_IFDIR		0040000
#define S_IFBLK		0060000
#define S_IFREG		0100000
#define S_IFLNK		0120000
#define S_IFSOCK	0140000
#define S_ISUID		0004000
#define S_ISGID		0002000
#define S_ISVTX		0001000
#define ALLPERMS	0007777
#define ACCESSPERMS	0000777

/* Device numbers: 32-bit major and minor in one 64-bit value. */
static inline uint64_t
makedev(uint32_t maj, uint32_t min)
{
	return ((uint64_t)maj << 32) | min;
}
static inline uint32_t major(uint64_t d) { return (uint32_t)(d >> 32); }
static inline uint32_t minor(uint64_t d) { return (uint32_t)d; }

#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#define roundup(x, y)	(howmany(x, y) * (y))
#define rounddown(x, y)	(((x) / (y)) * (y))
#define powerof2(x)	((((x) - 1) & (x)) == 0)

#endif /* !_SYS_PARAM_H_ */
