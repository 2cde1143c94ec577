/*
 * sys/fcntl.h: constants of the kernel's file system-call interface.
 * Clients never see these names; libak translates host values to them.
 */
#ifndef _SYS_FCNTL_H_
#define _SYS_FCNTL_H_

enum {
	O_RDONLY = 0,
#define OFLAG(name, val)	name = val,
#define ATFLAG(name, val)	name = val,
#include <sys/fcntl_list.h>
#undef OFLAG
#undef ATFLAG
	O_ACCMODE = 3,
	AT_FDCWD = -100,
};

/* lseek whence */
enum { SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4 };

/* access(2) modes; identical on every Unix. */
enum { F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4 };

/* renameat2 flags */
#define RENAME_NOREPLACE	0x1
#define RENAME_EXCHANGE		0x2

/* setxattr flags */
#define XATTR_CREATE		0x1
#define XATTR_REPLACE		0x2

/* Special tv_nsec values for utimensat. */
#define UTIME_NOW		((1L << 30) - 1)
#define UTIME_OMIT		((1L << 30) - 2)

/* mount and unmount flags */
#define MNT_RDONLY		0x0001	/* read-only mount */
#define MNT_NOATIME		0x0002	/* do not update access times */
#define MNT_SYNCHRONOUS		0x0004	/* write data synchronously */
#define MNT_FORCE		0x0100	/* unmount: even with files open */

#endif /* !_SYS_FCNTL_H_ */
