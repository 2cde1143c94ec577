/*
 * side.h: one side of a copy, the host (libc) or the image (ak_sys_*),
 * behind the same table of calls so that the copy engine is written once
 * for put (host to image), get (image to host) and cp (image to image).
 *
 * Every call has the meaning and the error convention of the libc call of
 * the same name (-1 and errno).  The engine works relative to directory
 * descriptors (the *at forms) so that a hostile image cannot make get
 * write through a symbolic link it planted: each step of a path below the
 * destination is opened with O_NOFOLLOW.
 */
#ifndef _FSU_SIDE_H_
#define _FSU_SIDE_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <time.h>

/*
 * The names of one directory (without "." and ".."), malloc'd, with the
 * type the directory gives each (DT_REG...; DT_UNKNOWN if it does not).
 */
struct fsu_names {
	char	**nm_v;
	unsigned char *nm_t;
	size_t	  nm_n;
	size_t	  nm_cap;
};

struct fsu_sideops {
	const char *sd_name;		/* "host" or "image" */
	int	(*sd_openat)(int dirfd, const char *path, int flags,
		    mode_t mode);
	int	(*sd_close)(int fd);
	ssize_t	(*sd_read)(int fd, void *buf, size_t len);
	ssize_t	(*sd_write)(int fd, const void *buf, size_t len);
	ssize_t	(*sd_pread)(int fd, void *buf, size_t len, off_t off);
	ssize_t	(*sd_pwrite)(int fd, const void *buf, size_t len, off_t off);
	off_t	(*sd_lseek)(int fd, off_t off, int whence);
	int	(*sd_ftruncate)(int fd, off_t len);
	int	(*sd_fstat)(int fd, struct stat *st);
	int	(*sd_fstatat)(int dirfd, const char *path, struct stat *st,
		    int flags);
	int	(*sd_mkdirat)(int dirfd, const char *path, mode_t mode);
	int	(*sd_symlinkat)(const char *target, int dirfd,
		    const char *path);
	ssize_t	(*sd_readlinkat)(int dirfd, const char *path, char *buf,
		    size_t len);
	int	(*sd_linkat)(int fromfd, const char *from, int tofd,
		    const char *to, int flags);
	int	(*sd_mknodat)(int dirfd, const char *path, mode_t mode,
		    dev_t dev);
	int	(*sd_unlinkat)(int dirfd, const char *path, int flags);
	int	(*sd_fchmod)(int fd, mode_t mode);
	int	(*sd_fchmodat)(int dirfd, const char *path, mode_t mode,
		    int flags);
	int	(*sd_fchown)(int fd, uid_t uid, gid_t gid);
	int	(*sd_fchownat)(int dirfd, const char *path, uid_t uid,
		    gid_t gid, int flags);
	int	(*sd_futimens)(int fd, const struct timespec ts[2]);
	int	(*sd_utimensat)(int dirfd, const char *path,
		    const struct timespec ts[2], int flags);
	ssize_t	(*sd_flistxattr)(int fd, char *list, size_t size);
	ssize_t	(*sd_fgetxattr)(int fd, const char *name, void *val,
		    size_t size);
	int	(*sd_fsetxattr)(int fd, const char *name, const void *val,
		    size_t size, int flags);
	/* Names of the open directory fd (fd stays open): 0 or an errno. */
	int	(*sd_readnames)(int fd, struct fsu_names *nm);
	/* The umask that creations on this side get. */
	mode_t	(*sd_getumask)(void);
	/* Can this side give files away (chown to anyone)? */
	int	(*sd_canchown)(void);
};

extern const struct fsu_sideops fsu_side_host;
extern const struct fsu_sideops fsu_side_image;

/* Append a copy of name, of type dtype, to nm: 0 or ENOMEM. */
int	fsu_names_add(struct fsu_names *nm, const char *name,
	    unsigned char dtype);
void	fsu_names_free(struct fsu_names *nm);

#endif /* !_FSU_SIDE_H_ */
