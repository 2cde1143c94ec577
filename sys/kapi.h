/*
 * sys/kapi.h: the kernel's system-call entry points, for clients (libak,
 * later akfuse and the server).  Client-visible: includes only
 * client-safe headers.  Every call returns 0 or a kernel errno; results
 * come back through out-parameters.  Flags are the kernel's (sys/fcntl.h
 * values, which clients translate from the host's via sys/fcntl_list.h).
 * Paths are NUL-terminated; dirfd may be KAPI_AT_FDCWD.
 *
 * The calling host thread acts as an lwp of the current process with the
 * process's credential unless kapi_setcred gave it its own.
 */
#ifndef _SYS_KAPI_H_
#define _SYS_KAPI_H_

#include "sys/ktypes.h"
#include "sys/vattr.h"

#define KAPI_AT_FDCWD	(-100)
#define KAPI_NOCHANGE	0xffffffffU	/* chown: leave uid or gid as is */

/* Boot and shut down the kernel (once each). */
int	kapi_init(void);
void	kapi_fini(void);
const char *kapi_strerror(int error);

/* Credentials of the calling thread (NULL groups: none). */
int	kapi_setcred(uint32_t uid, uint32_t gid, uint32_t ngroups,
	    const uint32_t *groups);
void	kapi_clearcred(void);
/* Capabilities of a registered file system type (VFSCAP_*). */
int	kapi_fscaps(const char *fstype, uint32_t *caps);
/* Canonical names of registered types: index from 0 until ENOENT. */
int	kapi_fstype(int index, const char **name);

int	sys_openat(int dirfd, const char *path, int flags, uint32_t mode,
	    int *fdp);
int	sys_close(int fd);
int	sys_dup(int fd, int *newfd);
int	sys_read(int fd, void *buf, size_t len, size_t *done);
int	sys_write(int fd, const void *buf, size_t len, size_t *done);
int	sys_pread(int fd, void *buf, size_t len, int64_t off, size_t *done);
int	sys_pwrite(int fd, const void *buf, size_t len, int64_t off,
	    size_t *done);
int	sys_lseek(int fd, int64_t off, int whence, int64_t *res);
int	sys_ftruncate(int fd, int64_t len);
int	sys_truncate(const char *path, int64_t len);
int	sys_fsync(int fd);
int	sys_fstat(int fd, struct vattr *va);
int	sys_fstatat(int dirfd, const char *path, struct vattr *va,
	    int atflags);
int	sys_mkdirat(int dirfd, const char *path, uint32_t mode);
int	sys_mknodat(int dirfd, const char *path, enum vtype type,
	    uint32_t mode, uint64_t rdev);
int	sys_unlinkat(int dirfd, const char *path, int atflags);
int	sys_renameat2(int fromfd, const char *from, int tofd, const char *to,
	    uint32_t flags);
int	sys_linkat(int fromfd, const char *from, int tofd, const char *to,
	    int atflags);
int	sys_symlinkat(const char *target, int dirfd, const char *path);
int	sys_readlinkat(int dirfd, const char *path, char *buf, size_t len,
	    size_t *done);
int	sys_fchmodat(int dirfd, const char *path, uint32_t mode, int atflags);
int	sys_fchmod(int fd, uint32_t mode);
int	sys_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid,
	    int atflags);
int	sys_fchown(int fd, uint32_t uid, uint32_t gid);
/* ts NULL: both now; tv_nsec may be the kernel's UTIME_NOW/UTIME_OMIT. */
int	sys_utimensat(int dirfd, const char *path, const struct ktimespec *ts,
	    int atflags);
int	sys_futimens(int fd, const struct ktimespec *ts);
int	sys_faccessat(int dirfd, const char *path, int mode, int atflags);
/* Fill buf with struct kdirent records; *done 0 at the end. */
int	sys_getdents(int fd, void *buf, size_t len, size_t *done);
int	sys_fstatvfs(int fd, struct kstatvfs *sb);
int	sys_statvfs(const char *path, struct kstatvfs *sb);
int	sys_chdir(const char *path);
int	sys_fchdir(int fd);
int	sys_chroot(const char *path);
int	sys_getcwd(char *buf, size_t len);
int	sys_umask(uint32_t mask, uint32_t *old);
/*
 * Extended attributes of path (or of dirfd itself with AT_EMPTY_PATH and
 * path ""); AT_SYMLINK_NOFOLLOW for the l* variants.
 */
int	sys_getxattrat(int dirfd, const char *path, int atflags,
	    const char *name, void *buf, size_t size, size_t *done);
int	sys_setxattrat(int dirfd, const char *path, int atflags,
	    const char *name, const void *buf, size_t size, int flags);
int	sys_listxattrat(int dirfd, const char *path, int atflags, char *buf,
	    size_t size, size_t *done);
int	sys_removexattrat(int dirfd, const char *path, int atflags,
	    const char *name);
/*
 * Mount fstype at dir.  source: a host image path (opened through
 * hyp_blk_open), or NULL/"" for device-less types.  fstype NULL or ""
 * probes the image.  flags: MNT_RDONLY, MNT_NOATIME, ...
 */
int	sys_mount(const char *fstype, const char *dir, int flags,
	    const char *source, const char *opts);
int	sys_unmount(const char *dir, int flags);

/* A partition of an image (sys/part.h tells how they are numbered). */
struct part_entry {
	int		pe_index;		/* number, from 1 */
	uint64_t	pe_off;			/* bytes from device start */
	uint64_t	pe_len;			/* bytes */
	char		pe_scheme[8];		/* "mbr" or "gpt" */
	char		pe_type[40];		/* "0x83" or type GUID */
	char		pe_name[72];		/* GPT name, UTF-8 */
	char		pe_fstype[16];		/* probed type, "" if none */
};
/*
 * The partitions of the image source into pe[0..max), each with the file
 * system type found on it; *np: how many there are (0: no table).
 */
int	sys_partitions(const char *source, struct part_entry *pe, int max,
	    int *np);
/*
 * The type of the file system on source (opts: the device options of
 * mounting, part=, offset=, sizelimit=); EFTYPE if none is recognised.
 */
int	sys_probe(const char *source, const char *opts, char *fstype,
	    size_t len);
int	sys_sync(void);

#endif /* !_SYS_KAPI_H_ */
