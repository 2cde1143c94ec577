/*
 * ak.h: libak, the anykernel as a library.
 *
 * ak_init() boots a kernel inside the calling process; the ak_sys_* calls
 * then act on the kernel's own namespace (a tmpfs root onto which images
 * are mounted), exactly like the host system calls of the same names:
 * they return -1 and set errno on failure (host errno values), take and
 * return host structures (struct stat, struct statvfs, ...) and host flag
 * values (O_CREAT, AT_SYMLINK_NOFOLLOW, ...).  Descriptors are the
 * kernel's, not the host's.  All calls are thread-safe.
 */
#ifndef _AK_AK_H_
#define _AK_AK_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AK_VERSION	1

/* Boot the kernel (environment: AK_MEMLIMIT, AK_NCPU, AK_VERBOSE). */
int	ak_init(void);
/*
 * ak_init with parameters "name=value,..." (memlimit=8m,ncpu=1): each
 * sets the environment variable AK_NAME first, replacing its value.
 */
int	ak_init_opts(const char *opts);
/* Sync and unmount everything, stop the kernel. */
int	ak_fini(void);

/*
 * Confine the process (Linux, seccomp) to the system calls the kernel
 * needs once its images are open: from then on opening files, running
 * programs and networking fail with EPERM.  Cannot be undone.
 */
int	ak_sandbox(void);
/*
 * ak_sandbox with more allowed for flags: AK_SANDBOX_FUSE adds what a
 * FUSE server's loop needs (poll on /dev/fuse, waiting for a child).
 */
#define AK_SANDBOX_FUSE	0x1
int	ak_sandbox_flags(int flags);

/*
 * Credentials for calls made by this thread (ak_setcred), or back to the
 * process's (ak_clearcred).  The default credential is root.
 */
int	ak_setcred(uid_t uid, gid_t gid, int ngroups, const gid_t *groups);
int	ak_clearcred(void);

/* Names of the registered file system types: index from 0, NULL at end. */
const char *ak_fstype(int index);
/* AK_FSCAP_* capability bits of a type, or -1 (ENODEV). */
long	ak_fscaps(const char *fstype);
#define AK_FSCAP_WRITE		0x0001
#define AK_FSCAP_SYMLINK	0x0002
#define AK_FSCAP_HARDLINK	0x0004
#define AK_FSCAP_XATTR		0x0008
#define AK_FSCAP_SPARSE		0x0010
#define AK_FSCAP_SPECIAL	0x0020
#define AK_FSCAP_OWNERS		0x0040
#define AK_FSCAP_NSEC		0x0080
#define AK_FSCAP_EXCHANGE	0x0100
#define AK_FSCAP_NODEV		0x0200

/* ak_sys_mount flags */
#define AK_MNT_RDONLY		0x0001
#define AK_MNT_NOATIME		0x0002
#define AK_MNT_SYNCHRONOUS	0x0004
/* ak_sys_unmount flags */
#define AK_MNT_FORCE		0x0100

/*
 * Mount a file system of type fstype (NULL: probe the image) found in the
 * host file or device source (NULL for tmpfs) on dir, a directory in the
 * kernel's namespace; opts is a comma-separated option list or NULL.
 */
int	ak_sys_mount(const char *fstype, const char *dir, int flags,
	    const char *source, const char *opts);
int	ak_sys_unmount(const char *dir, int flags);

/*
 * Device options of ak_sys_mount, for any image-backed type: part=N
 * (partition N of an MBR or GPT: 1-4 primary, 5 and up logical, GPT by
 * entry slot), offset=BYTES and sizelimit=BYTES (a byte window).
 */

/* A partition of an image, as ak_partitions reports it. */
struct ak_part {
	int		ap_index;	/* the N of part=N */
	uint64_t	ap_offset;	/* bytes from the image start */
	uint64_t	ap_size;	/* bytes */
	char		ap_scheme[8];	/* "mbr" or "gpt" */
	char		ap_type[40];	/* MBR type "0x83", or GPT type GUID */
	char		ap_name[72];	/* GPT partition name, UTF-8 */
	char		ap_fstype[16];	/* file system found on it, or "" */
};
/*
 * The partitions of image into parts[0..max): returns how many there are
 * (may exceed max; 0 when the image has no partition table), or -1 and
 * errno (EUCLEAN for a damaged table).
 */
int	ak_partitions(const char *image, struct ak_part *parts, int max);
/*
 * The type of the file system on image (opts: device options as for
 * ak_sys_mount, or NULL) into fstype: 0, or -1 and errno (EMEDIUMTYPE
 * when nothing is recognised).
 */
int	ak_probe(const char *image, const char *opts, char *fstype,
	    size_t size);
void	ak_sys_sync(void);

int	ak_sys_open(const char *path, int flags, ...);
int	ak_sys_openat(int dirfd, const char *path, int flags, ...);
int	ak_sys_close(int fd);
int	ak_sys_dup(int fd);
ssize_t	ak_sys_read(int fd, void *buf, size_t len);
ssize_t	ak_sys_write(int fd, const void *buf, size_t len);
ssize_t	ak_sys_pread(int fd, void *buf, size_t len, off_t off);
ssize_t	ak_sys_pwrite(int fd, const void *buf, size_t len, off_t off);
off_t	ak_sys_lseek(int fd, off_t off, int whence);
int	ak_sys_ftruncate(int fd, off_t len);
int	ak_sys_truncate(const char *path, off_t len);
int	ak_sys_fsync(int fd);
int	ak_sys_stat(const char *path, struct stat *st);
int	ak_sys_lstat(const char *path, struct stat *st);
int	ak_sys_fstat(int fd, struct stat *st);
int	ak_sys_fstatat(int dirfd, const char *path, struct stat *st,
	    int flags);
int	ak_sys_mkdir(const char *path, mode_t mode);
int	ak_sys_mkdirat(int dirfd, const char *path, mode_t mode);
int	ak_sys_rmdir(const char *path);
int	ak_sys_unlink(const char *path);
int	ak_sys_unlinkat(int dirfd, const char *path, int flags);
int	ak_sys_rename(const char *from, const char *to);
/* flags: RENAME_NOREPLACE, RENAME_EXCHANGE (Linux values, 1 and 2) */
int	ak_sys_renameat2(int fromfd, const char *from, int tofd,
	    const char *to, unsigned int flags);
int	ak_sys_link(const char *from, const char *to);
int	ak_sys_linkat(int fromfd, const char *from, int tofd, const char *to,
	    int flags);
int	ak_sys_symlink(const char *target, const char *path);
int	ak_sys_symlinkat(const char *target, int dirfd, const char *path);
ssize_t	ak_sys_readlink(const char *path, char *buf, size_t len);
ssize_t	ak_sys_readlinkat(int dirfd, const char *path, char *buf, size_t len);
int	ak_sys_mknod(const char *path, mode_t mode, dev_t dev);
int	ak_sys_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev);
int	ak_sys_chmod(const char *path, mode_t mode);
int	ak_sys_fchmod(int fd, mode_t mode);
int	ak_sys_fchmodat(int dirfd, const char *path, mode_t mode, int flags);
int	ak_sys_chown(const char *path, uid_t uid, gid_t gid);
int	ak_sys_lchown(const char *path, uid_t uid, gid_t gid);
int	ak_sys_fchown(int fd, uid_t uid, gid_t gid);
int	ak_sys_fchownat(int dirfd, const char *path, uid_t uid, gid_t gid,
	    int flags);
int	ak_sys_utimensat(int dirfd, const char *path,
	    const struct timespec ts[2], int flags);
int	ak_sys_futimens(int fd, const struct timespec ts[2]);
int	ak_sys_access(const char *path, int mode);
int	ak_sys_faccessat(int dirfd, const char *path, int mode, int flags);
int	ak_sys_statvfs(const char *path, struct statvfs *sb);
int	ak_sys_fstatvfs(int fd, struct statvfs *sb);
int	ak_sys_chdir(const char *path);
int	ak_sys_fchdir(int fd);
int	ak_sys_chroot(const char *path);
char	*ak_sys_getcwd(char *buf, size_t len);
mode_t	ak_sys_umask(mode_t mask);

/*
 * Directory entries: ak_sys_getdents fills buf with struct ak_dirent
 * records (d_reclen apart) and returns the bytes used, 0 at the end.
 */
struct ak_dirent {
	uint64_t	d_ino;		/* inode number */
	int64_t		d_off;		/* position after this entry */
	unsigned short	d_reclen;	/* length of this record */
	unsigned char	d_type;		/* DT_REG, DT_DIR, ... */
	char		d_name[];	/* NUL-terminated name */
};
ssize_t	ak_sys_getdents(int fd, void *buf, size_t len);

/* opendir/readdir/closedir over ak_sys_getdents. */
typedef struct ak_dir AK_DIR;
AK_DIR	*ak_sys_opendir(const char *path);
AK_DIR	*ak_sys_fdopendir(int fd);
struct ak_dirent *ak_sys_readdir(AK_DIR *dir);
void	ak_sys_rewinddir(AK_DIR *dir);
int	ak_sys_closedir(AK_DIR *dir);

/* Extended attributes (Linux signatures). */
ssize_t	ak_sys_getxattr(const char *path, const char *name, void *val,
	    size_t size);
ssize_t	ak_sys_lgetxattr(const char *path, const char *name, void *val,
	    size_t size);
ssize_t	ak_sys_fgetxattr(int fd, const char *name, void *val, size_t size);
int	ak_sys_setxattr(const char *path, const char *name, const void *val,
	    size_t size, int flags);
int	ak_sys_lsetxattr(const char *path, const char *name, const void *val,
	    size_t size, int flags);
int	ak_sys_fsetxattr(int fd, const char *name, const void *val,
	    size_t size, int flags);
ssize_t	ak_sys_listxattr(const char *path, char *list, size_t size);
ssize_t	ak_sys_llistxattr(const char *path, char *list, size_t size);
ssize_t	ak_sys_flistxattr(int fd, char *list, size_t size);
int	ak_sys_removexattr(const char *path, const char *name);
int	ak_sys_lremovexattr(const char *path, const char *name);
int	ak_sys_fremovexattr(int fd, const char *name);
/*
 * The same relative to a directory descriptor (AT_FDCWD: the current
 * directory); flags AT_SYMLINK_NOFOLLOW (act on a symbolic link itself,
 * as the l forms) and AT_EMPTY_PATH (path "": dirfd itself, any type).
 * xflags of ak_sys_setxattrat: XATTR_CREATE, XATTR_REPLACE.
 */
ssize_t	ak_sys_getxattrat(int dirfd, const char *path, const char *name,
	    void *val, size_t size, int flags);
int	ak_sys_setxattrat(int dirfd, const char *path, const char *name,
	    const void *val, size_t size, int xflags, int flags);
ssize_t	ak_sys_listxattrat(int dirfd, const char *path, char *list,
	    size_t size, int flags);
int	ak_sys_removexattrat(int dirfd, const char *path, const char *name,
	    int flags);

#ifdef __cplusplus
}
#endif

#endif /* !_AK_AK_H_ */
