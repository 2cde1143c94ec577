/*
 * sys/fcntl_list.h: flag bits of the kernel's system-call interface, as
 * X-macro lists, so that clients can translate host flags bit by bit.
 * Each group has its own macro; undefined groups are skipped.
 * No include guard: included once per use.
 */
#ifndef OFLAG
#define OFLAG(name, val)
#define _OFLAG_DUMMY
#endif
#ifndef ATFLAG
#define ATFLAG(name, val)
#define _ATFLAG_DUMMY
#endif

/* open(2) flags; the access mode is O_ACCMODE, the low two bits. */
OFLAG(O_WRONLY,		0x00000001)
OFLAG(O_RDWR,		0x00000002)
OFLAG(O_NONBLOCK,	0x00000004)
OFLAG(O_APPEND,		0x00000008)
OFLAG(O_SYNC,		0x00000080)
OFLAG(O_NOFOLLOW,	0x00000100)
OFLAG(O_CREAT,		0x00000200)
OFLAG(O_TRUNC,		0x00000400)
OFLAG(O_EXCL,		0x00000800)
OFLAG(O_NOCTTY,		0x00008000)
OFLAG(O_DSYNC,		0x00010000)
OFLAG(O_DIRECTORY,	0x00200000)
OFLAG(O_CLOEXEC,	0x00400000)
OFLAG(O_NOATIME,	0x00800000)

/* *at(2) flags. */
ATFLAG(AT_EACCESS,		0x0100)
ATFLAG(AT_SYMLINK_NOFOLLOW,	0x0200)
ATFLAG(AT_SYMLINK_FOLLOW,	0x0400)
ATFLAG(AT_REMOVEDIR,		0x0800)
ATFLAG(AT_EMPTY_PATH,		0x1000)

#ifdef _OFLAG_DUMMY
#undef OFLAG
#undef _OFLAG_DUMMY
#endif
#ifdef _ATFLAG_DUMMY
#undef ATFLAG
#undef _ATFLAG_DUMMY
#endif
