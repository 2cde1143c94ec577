/*
 * vfs_conform.h: the differential engine of the VFS conformance suite.
 *
 * A scenario is a function that makes a fixed sequence of calls through
 * a struct vc.  The runner calls it twice per target: once on the
 * anykernel (libak, in a fresh directory /vc/<target>/<scenario> of a
 * fresh mount of the target's driver) and once on the host (libc, in a
 * fresh directory under $AK_TESTDIR), each time with the scenario's
 * directory as the current directory.  Every X_* call records its line,
 * its result, errno on failure and, for calls that return data (stat,
 * read, readdir, readlink, getxattr...), a canonical text of that data.
 * The two records are then compared entry by entry; the host is right.
 *
 * Scenario code must not branch on results, so that both sides record
 * the same sequence.  Scenarios flagged VS_AKONLY test what the host
 * cannot (another credential while the host runs as root, mounts): they
 * run on the anykernel only and assert the POSIX result with E_*.
 */
#ifndef _TESTS_VFS_VFS_CONFORM_H_
#define _TESTS_VFS_VFS_CONFORM_H_

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>		/* RENAME_NOREPLACE, RENAME_EXCHANGE */
#include <string.h>
#include <unistd.h>

#include "tests/vfs/common/vt.h"

/* How a result is compared. */
enum vc_kind {
	VK_EXACT,	/* the value itself */
	VK_FD		/* any descriptor >= 0 is as good as another */
};

/* One recorded call. */
struct vc_rec {
	int	 r_line;	/* line of the call in its scenario */
	char	 r_desc[112];	/* operation and path arguments */
	long	 r_ret;		/* result (normalised for VK_FD) */
	int	 r_err;		/* errno if r_ret == -1, else 0 */
	char	*r_data;	/* canonical text of returned data, or NULL */
};

/* The state of one run of one scenario on one side. */
struct vc {
	const struct vt_ops *c_o;	/* the side's calls */
	const char	*c_scen;	/* scenario name */
	int		 c_ak;		/* 1 on the anykernel side */
	char		 c_root[PATH_MAX]; /* absolute scenario directory */
	struct vc_rec	*c_rec;		/* recorded calls */
	size_t		 c_nrec;	/* number recorded */
	size_t		 c_cap;		/* number allocated */
	int		 c_owners;	/* stat records include uid/gid */
	int		 c_times;	/* stat records include atime/mtime */
	int		 c_nfail;	/* failed E_* assertions */
	int		 c_nskip;	/* SKIPs printed by the scenario */
	size_t		 c_rootmax;	/* longer of the two sides' c_root */
};

/* A loop of calls summed up in one record (vc_tally_*). */
struct vc_tally {
	long		 t_n;		/* calls made */
	long		 t_ok;		/* calls that did not return -1 */
	long		 t_first;	/* index of the first failure, or -1 */
	int		 t_ferr;	/* its errno */
	uint64_t	 t_hash;	/* hash of every (result, errno) */
};

/*
 * Scenario flags: VS_AKONLY and VS_ROOT say how the scenario runs; the
 * others name what it needs of the target's file system (an AK_FSCAP_*
 * capability, see vc_target.c), and VS_XATTR and VS_EXCHANGE of the
 * host's as well.  A scenario runs on a target only if the target
 * declares every capability the scenario needs.
 */
#define VS_AKONLY	0x0001	/* direct assertions on the anykernel only */
#define VS_XATTR	0x0002	/* user.* xattrs (also on the host) */
#define VS_EXCHANGE	0x0004	/* RENAME_EXCHANGE (also on the host) */
#define VS_ROOT		0x0008	/* needs the host to run as root */
#define VS_SYMLINK	0x0010	/* symbolic links */
#define VS_HARDLINK	0x0020	/* hard links */
#define VS_SPARSE	0x0040	/* holes, SEEK_DATA/SEEK_HOLE, huge offsets */
#define VS_SPECIAL	0x0080	/* fifos and device nodes */
#define VS_OWNERS	0x0100	/* per-file owner, group and mode bits */
#define VS_NSEC		0x0200	/* nanosecond timestamps */

struct vc_scen {
	const char	*s_name;		/* unique, used as a dir name */
	void		(*s_fn)(struct vc *);	/* the calls */
	int		 s_flags;		/* VS_* */
};

/*
 * A target: one file system driver the scenarios run on, mounted fresh
 * at /vc/<t_name> by t_setup and unmounted (and, for a disk image,
 * checked with the reference fsck) by t_teardown.
 */
struct vc_target {
	const char	*t_name;	/* report name and directory name */
	const char	*t_fstype;	/* registered type, for ak_fscaps */
	long		 t_caps;	/* AK_FSCAP_* the target declares */
	int		(*t_setup)(const struct vc_target *, const char *);
	int		(*t_teardown)(const struct vc_target *, const char *);
	int		(*t_mkimage)(const char *); /* image drivers: mkfs */
	const char *const *t_fsck;	/* image drivers: checker argv */
};

/*
 * Whether stat records carry permission bits: 0 while a target without
 * AK_FSCAP_OWNERS runs (FAT derives them from mount options).
 */
extern int vc_modebits;

/* vc_target.c: the targets, ending with a NULL name, and their hooks. */
extern const struct vc_target vc_targets[];
const char *vc_target_lacks(const struct vc_target *, int);
int	vc_mem_setup(const struct vc_target *, const char *);
int	vc_mem_teardown(const struct vc_target *, const char *);
int	vc_image_setup(const struct vc_target *, const char *);
int	vc_image_teardown(const struct vc_target *, const char *);
int	vc_mkimage(const char *, off_t, const char *const *);

/* vc_ro.c: the read-only drivers, on images of a tree under hostbase. */
void	vc_ro_all(const char *hostbase, const char *filter, int *np,
	    int *nf);
/* Its tree (under an existing root) and its scenarios, for fuse_conform. */
int	vc_ro_populate(const char *root);
extern const struct vc_scen vc_ro_scen[];

/* Scenario tables, each ending with a NULL name. */
extern const struct vc_scen vc_open_scen[];
extern const struct vc_scen vc_rw_scen[];
extern const struct vc_scen vc_dir_scen[];
extern const struct vc_scen vc_link_scen[];
extern const struct vc_scen vc_rename_scen[];
extern const struct vc_scen vc_attr_scen[];
extern const struct vc_scen vc_xattr_scen[];
extern const struct vc_scen vc_misc_scen[];
extern const struct vc_scen vc_perm_scen[];
extern const struct vc_scen vc_mount_scen[];
extern const struct vc_scen vc_scale_scen[];

/* vc_engine.c: recording. */
long	vc_int(struct vc *, int, const char *, const char *, const char *,
	    enum vc_kind, long);
int	vc_stat(struct vc *, int, int, const char *, int);
int	vc_fstat(struct vc *, int, int);
ssize_t	vc_read(struct vc *, int, int, size_t);
ssize_t	vc_pread(struct vc *, int, int, size_t, off_t);
int	vc_cat(struct vc *, int, const char *);
int	vc_ls(struct vc *, int, const char *);
int	vc_fls(struct vc *, int, int);
ssize_t	vc_readlink(struct vc *, int, int, const char *, size_t);
int	vc_getcwd(struct vc *, int, size_t);
ssize_t	vc_getxattr(struct vc *, int, const char *, const char *, size_t);
ssize_t	vc_listxattr(struct vc *, int, const char *, size_t);
void	vc_note(struct vc *, int, const char *, long);
int	vc_lshash(struct vc *, int, const char *);
void	vc_tally_init(struct vc_tally *);
long	vc_tally_add(struct vc_tally *, enum vc_kind, long);
void	vc_tally_push(struct vc *, int, const char *, const struct vc_tally *);
/* vc_engine.c: direct assertions (VS_AKONLY scenarios). */
long	vc_expect(struct vc *, int, const char *, const char *, int, long);
void	vc_check(struct vc *, int, const char *, int);
/* vc_engine.c: running and comparing. */
void	vc_reset(struct vc *);
int	vc_compare(const struct vc *, const struct vc *);
void	vc_skip(struct vc *, const char *, const char *);

static inline int
vc_asint(long v)
{
	return (int)v;
}

static inline void
vc_closeif(struct vc *c, int fd)
{
	if (fd >= 0)
		c->c_o->o_close(fd);
}

#define XC(c, op, a, b, kind, call) \
	vc_int((c), __LINE__, (op), (a), (b), (kind), \
	    (long)(errno = 0, (call)))
#define XO(c)	((c)->c_o)

#define X_OPEN(c, p, fl, m) \
	vc_asint(XC(c, "open", p, NULL, VK_FD, \
	    XO(c)->o_openat(AT_FDCWD, p, fl, m)))
#define X_OPENAT(c, d, p, fl, m) \
	vc_asint(XC(c, "openat", p, NULL, VK_FD, \
	    XO(c)->o_openat(d, p, fl, m)))
/* An open expected to fail; closed again if it does not. */
#define X_TRYOPEN(c, p, fl, m) \
	vc_closeif(c, X_OPEN(c, p, fl, m))
#define X_CLOSE(c, fd) \
	XC(c, "close", NULL, NULL, VK_EXACT, XO(c)->o_close(fd))
#define X_DUP(c, fd) \
	vc_asint(XC(c, "dup", NULL, NULL, VK_FD, XO(c)->o_dup(fd)))
#define X_WRITE(c, fd, buf, n) \
	XC(c, "write", NULL, NULL, VK_EXACT, XO(c)->o_write(fd, buf, n))
#define X_WRITES(c, fd, s) \
	X_WRITE(c, fd, s, strlen(s))
#define X_PWRITE(c, fd, buf, n, off) \
	XC(c, "pwrite", NULL, NULL, VK_EXACT, \
	    XO(c)->o_pwrite(fd, buf, n, off))
#define X_LSEEK(c, fd, off, wh) \
	XC(c, "lseek", #wh, NULL, VK_EXACT, XO(c)->o_lseek(fd, off, wh))
#define X_FTRUNCATE(c, fd, len) \
	XC(c, "ftruncate", NULL, NULL, VK_EXACT, XO(c)->o_ftruncate(fd, len))
#define X_TRUNCATE(c, p, len) \
	XC(c, "truncate", p, NULL, VK_EXACT, XO(c)->o_truncate(p, len))
#define X_FSYNC(c, fd) \
	XC(c, "fsync", NULL, NULL, VK_EXACT, XO(c)->o_fsync(fd))
#define X_MKDIR(c, p, m) \
	XC(c, "mkdir", p, NULL, VK_EXACT, XO(c)->o_mkdirat(AT_FDCWD, p, m))
#define X_MKDIRAT(c, d, p, m) \
	XC(c, "mkdirat", p, NULL, VK_EXACT, XO(c)->o_mkdirat(d, p, m))
#define X_RMDIR(c, p) \
	XC(c, "rmdir", p, NULL, VK_EXACT, XO(c)->o_rmdir(p))
#define X_UNLINK(c, p) \
	XC(c, "unlink", p, NULL, VK_EXACT, XO(c)->o_unlinkat(AT_FDCWD, p, 0))
#define X_UNLINKAT(c, d, p, fl) \
	XC(c, "unlinkat", p, NULL, VK_EXACT, XO(c)->o_unlinkat(d, p, fl))
#define X_RENAME(c, a, b) \
	XC(c, "rename", a, b, VK_EXACT, \
	    XO(c)->o_renameat2(AT_FDCWD, a, AT_FDCWD, b, 0))
#define X_RENAME2(c, a, b, fl) \
	XC(c, "renameat2 " #fl, a, b, VK_EXACT, \
	    XO(c)->o_renameat2(AT_FDCWD, a, AT_FDCWD, b, fl))
#define X_RENAMEAT(c, da, a, db, b) \
	XC(c, "renameat", a, b, VK_EXACT, XO(c)->o_renameat2(da, a, db, b, 0))
#define X_LINK(c, a, b) \
	XC(c, "link", a, b, VK_EXACT, \
	    XO(c)->o_linkat(AT_FDCWD, a, AT_FDCWD, b, 0))
#define X_LINKAT(c, da, a, db, b, fl) \
	XC(c, "linkat", a, b, VK_EXACT, XO(c)->o_linkat(da, a, db, b, fl))
#define X_SYMLINK(c, t, p) \
	XC(c, "symlink", t, p, VK_EXACT, XO(c)->o_symlinkat(t, AT_FDCWD, p))
#define X_SYMLINKAT(c, t, d, p) \
	XC(c, "symlinkat", t, p, VK_EXACT, XO(c)->o_symlinkat(t, d, p))
#define X_MKNOD(c, p, m, dev) \
	XC(c, "mknod", p, NULL, VK_EXACT, \
	    XO(c)->o_mknodat(AT_FDCWD, p, m, dev))
#define X_CHMOD(c, p, m) \
	XC(c, "chmod", p, NULL, VK_EXACT, XO(c)->o_fchmodat(AT_FDCWD, p, m, 0))
#define X_FCHMOD(c, fd, m) \
	XC(c, "fchmod", NULL, NULL, VK_EXACT, XO(c)->o_fchmod(fd, m))
#define X_CHOWN(c, p, u, g) \
	XC(c, "chown", p, NULL, VK_EXACT, \
	    XO(c)->o_fchownat(AT_FDCWD, p, u, g, 0))
#define X_LCHOWN(c, p, u, g) \
	XC(c, "lchown", p, NULL, VK_EXACT, \
	    XO(c)->o_fchownat(AT_FDCWD, p, u, g, AT_SYMLINK_NOFOLLOW))
#define X_FCHOWN(c, fd, u, g) \
	XC(c, "fchown", NULL, NULL, VK_EXACT, XO(c)->o_fchown(fd, u, g))
#define X_UTIMENS(c, p, ts, fl) \
	XC(c, "utimensat", p, NULL, VK_EXACT, \
	    XO(c)->o_utimensat(AT_FDCWD, p, ts, fl))
#define X_FUTIMENS(c, fd, ts) \
	XC(c, "futimens", NULL, NULL, VK_EXACT, XO(c)->o_futimens(fd, ts))
#define X_ACCESS(c, p, m) \
	XC(c, "access", p, NULL, VK_EXACT, \
	    XO(c)->o_faccessat(AT_FDCWD, p, m, 0))
#define X_CHDIR(c, p) \
	XC(c, "chdir", p, NULL, VK_EXACT, XO(c)->o_chdir(p))
#define X_FCHDIR(c, fd) \
	XC(c, "fchdir", NULL, NULL, VK_EXACT, XO(c)->o_fchdir(fd))
#define X_UMASK(c, m) \
	XC(c, "umask", NULL, NULL, VK_EXACT, (long)XO(c)->o_umask(m))
#define X_SETXATTR(c, p, n, v, len, fl) \
	XC(c, "setxattr", p, n, VK_EXACT, \
	    XO(c)->o_setxattr(p, n, v, len, fl))
#define X_REMOVEXATTR(c, p, n) \
	XC(c, "removexattr", p, n, VK_EXACT, XO(c)->o_removexattr(p, n))

#define X_STAT(c, p)		vc_stat(c, __LINE__, AT_FDCWD, p, 0)
#define X_LSTAT(c, p) \
	vc_stat(c, __LINE__, AT_FDCWD, p, AT_SYMLINK_NOFOLLOW)
#define X_FSTATAT(c, d, p, fl)	vc_stat(c, __LINE__, d, p, fl)
#define X_FSTAT(c, fd)		vc_fstat(c, __LINE__, fd)
#define X_READ(c, fd, n)	vc_read(c, __LINE__, fd, n)
#define X_PREAD(c, fd, n, off)	vc_pread(c, __LINE__, fd, n, off)
#define X_CAT(c, p)		vc_cat(c, __LINE__, p)
#define X_LS(c, p)		vc_ls(c, __LINE__, p)
#define X_FLS(c, fd)		vc_fls(c, __LINE__, fd)
#define X_READLINK(c, p, n)	vc_readlink(c, __LINE__, AT_FDCWD, p, n)
#define X_READLINKAT(c, d, p, n) vc_readlink(c, __LINE__, d, p, n)
#define X_GETCWD(c, n)		vc_getcwd(c, __LINE__, n)
#define X_LSHASH(c, p)		vc_lshash(c, __LINE__, p)
#define X_GETXATTR(c, p, name, n) vc_getxattr(c, __LINE__, p, name, n)
#define X_LISTXATTR(c, p, n)	vc_listxattr(c, __LINE__, p, n)

/* One call of a loop, folded into tally t instead of recorded. */
#define T_CALL(t, kind, call) \
	vc_tally_add((t), (kind), (long)(errno = 0, (call)))

/* Direct assertions: call must fail with e, or succeed when e is 0. */
#define E_CALL(c, op, a, e, call) \
	vc_expect((c), __LINE__, (op), (a), (e), (long)(errno = 0, (call)))
#define E_TRUE(c, what, cond)	vc_check((c), __LINE__, (what), (cond))

#endif /* !_TESTS_VFS_VFS_CONFORM_H_ */
