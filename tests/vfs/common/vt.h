/*
 * vt.h: helpers shared by the VFS conformance suite (tests/vfs) and the
 * stress test (tests/stress).
 *
 * The central piece is struct vt_ops: one table of POSIX-shaped calls
 * with two implementations, one over libak (the anykernel) and one over
 * the host's libc.  A test written against the table runs unchanged on
 * both, which is what lets the host kernel serve as the oracle.  Every
 * call follows the libc convention: -1 (or NULL) and errno on failure.
 */
#ifndef _TESTS_VFS_COMMON_VT_H_
#define _TESTS_VFS_COMMON_VT_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A growable list of strings (directory names, xattr names). */
struct vt_strlist {
	char	**sl_v;		/* the strings, each malloc'ed */
	size_t	  sl_n;		/* number used */
	size_t	  sl_cap;	/* number allocated */
};

/* One implementation of the calls a test may make. */
struct vt_ops {
	const char *o_name;	/* "ak" or "host" */
	int	(*o_openat)(int, const char *, int, mode_t);
	int	(*o_close)(int);
	int	(*o_dup)(int);
	ssize_t	(*o_read)(int, void *, size_t);
	ssize_t	(*o_write)(int, const void *, size_t);
	ssize_t	(*o_pread)(int, void *, size_t, off_t);
	ssize_t	(*o_pwrite)(int, const void *, size_t, off_t);
	off_t	(*o_lseek)(int, off_t, int);
	int	(*o_ftruncate)(int, off_t);
	int	(*o_truncate)(const char *, off_t);
	int	(*o_fsync)(int);
	int	(*o_fstatat)(int, const char *, struct stat *, int);
	int	(*o_fstat)(int, struct stat *);
	int	(*o_mkdirat)(int, const char *, mode_t);
	int	(*o_rmdir)(const char *);
	int	(*o_unlinkat)(int, const char *, int);
	int	(*o_renameat2)(int, const char *, int, const char *,
		    unsigned int);
	int	(*o_linkat)(int, const char *, int, const char *, int);
	int	(*o_symlinkat)(const char *, int, const char *);
	ssize_t	(*o_readlinkat)(int, const char *, char *, size_t);
	int	(*o_mknodat)(int, const char *, mode_t, dev_t);
	int	(*o_fchmodat)(int, const char *, mode_t, int);
	int	(*o_fchmod)(int, mode_t);
	int	(*o_fchownat)(int, const char *, uid_t, gid_t, int);
	int	(*o_fchown)(int, uid_t, gid_t);
	int	(*o_utimensat)(int, const char *, const struct timespec *,
		    int);
	int	(*o_futimens)(int, const struct timespec *);
	int	(*o_faccessat)(int, const char *, int, int);
	int	(*o_statvfs)(const char *, struct statvfs *);
	int	(*o_chdir)(const char *);
	int	(*o_fchdir)(int);
	char	*(*o_getcwd)(char *, size_t);
	mode_t	(*o_umask)(mode_t);
	/* Names of a directory's entries, unsorted, "." and ".." included. */
	int	(*o_listdir)(const char *, struct vt_strlist *);
	int	(*o_flistdir)(int, struct vt_strlist *);
	ssize_t	(*o_getxattr)(const char *, const char *, void *, size_t);
	ssize_t	(*o_lgetxattr)(const char *, const char *, void *, size_t);
	ssize_t	(*o_fgetxattr)(int, const char *, void *, size_t);
	int	(*o_setxattr)(const char *, const char *, const void *,
		    size_t, int);
	int	(*o_fsetxattr)(int, const char *, const void *, size_t, int);
	ssize_t	(*o_listxattr)(const char *, char *, size_t);
	int	(*o_removexattr)(const char *, const char *);
};

extern const struct vt_ops vt_ak_ops;
extern const struct vt_ops vt_host_ops;

/* vt_util.c */
void	 vt_sl_init(struct vt_strlist *);
int	 vt_sl_add(struct vt_strlist *, const char *);
void	 vt_sl_sort(struct vt_strlist *);
void	 vt_sl_free(struct vt_strlist *);
uint64_t vt_hash(const void *, size_t);
const char *vt_errname(int);
const char *vt_testdir(void);
int	 vt_ak_boot(void);
int	 vt_mkpath(const struct vt_ops *, const char *, mode_t);
int	 vt_rmtree(const struct vt_ops *, const char *);
int	 vt_host_mktemp(const char *, char *, size_t);
void	 vt_summary(const char *, int, int);

#endif /* !_TESTS_VFS_COMMON_VT_H_ */
