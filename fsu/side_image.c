/*
 * side_image.c: the image side of a copy: the kernel through libak.  The
 * front end has made the image the kernel's root, so image paths are
 * plain absolute paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "ak/ak.h"
#include "fsu/side.h"

static int
img_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return ak_sys_openat(dirfd, path, flags, mode);
}

/* Names of directory fd, read through a duplicate so fd stays ours. */
static int
img_readnames(int fd, struct fsu_names *nm)
{
	struct ak_dirent *de;
	AK_DIR *d;
	int dfd, error = 0;

	if ((dfd = ak_sys_dup(fd)) < 0)
		return errno;
	if ((d = ak_sys_fdopendir(dfd)) == NULL) {
		error = errno;
		ak_sys_close(dfd);
		return error;
	}
	ak_sys_rewinddir(d);
	for (;;) {
		errno = 0;
		if ((de = ak_sys_readdir(d)) == NULL) {
			error = errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((error = fsu_names_add(nm, de->d_name, de->d_type)) != 0)
			break;
	}
	ak_sys_closedir(d);
	return error;
}

static mode_t
img_getumask(void)
{
	mode_t m = ak_sys_umask(022);

	ak_sys_umask(m);
	return m;
}

/* The kernel's default credential is root: the image takes any owner. */
static int
img_canchown(void)
{
	return 1;
}

const struct fsu_sideops fsu_side_image = {
	.sd_name = "image",
	.sd_openat = img_openat,
	.sd_close = ak_sys_close,
	.sd_read = ak_sys_read,
	.sd_write = ak_sys_write,
	.sd_pread = ak_sys_pread,
	.sd_pwrite = ak_sys_pwrite,
	.sd_lseek = ak_sys_lseek,
	.sd_ftruncate = ak_sys_ftruncate,
	.sd_fstat = ak_sys_fstat,
	.sd_fstatat = ak_sys_fstatat,
	.sd_mkdirat = ak_sys_mkdirat,
	.sd_symlinkat = ak_sys_symlinkat,
	.sd_readlinkat = ak_sys_readlinkat,
	.sd_linkat = ak_sys_linkat,
	.sd_mknodat = ak_sys_mknodat,
	.sd_unlinkat = ak_sys_unlinkat,
	.sd_fchmod = ak_sys_fchmod,
	.sd_fchmodat = ak_sys_fchmodat,
	.sd_fchown = ak_sys_fchown,
	.sd_fchownat = ak_sys_fchownat,
	.sd_futimens = ak_sys_futimens,
	.sd_utimensat = ak_sys_utimensat,
	.sd_flistxattr = ak_sys_flistxattr,
	.sd_fgetxattr = ak_sys_fgetxattr,
	.sd_fsetxattr = ak_sys_fsetxattr,
	.sd_readnames = img_readnames,
	.sd_getumask = img_getumask,
	.sd_canchown = img_canchown,
};
