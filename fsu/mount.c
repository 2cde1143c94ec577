/*
 * mount.c: booting the kernel and mounting the image as its root.
 *
 * Read-only commands mount with AK_MNT_RDONLY: the kernel opens the
 * image read-only and takes a shared lock, so a read-only image file
 * works and readers run side by side.  Writers mount read-write and
 * take the exclusive lock, so a second writer fails cleanly.  The type
 * comes from the superblock probe unless -t forces one.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

#define FSU_MNT	"/fsu"

/* The -o options plus part= or offset= for the chosen partition. */
char *
fsu_mount_opts(const struct fsu_image *im, int part)
{
	char extra[64] = "", *o;
	size_t len;

	if (im->im_offset != NULL)
		snprintf(extra, sizeof(extra), "offset=%s", im->im_offset);
	else if (part > 0)
		snprintf(extra, sizeof(extra), "part=%d", part);
	if (im->im_opts == NULL || im->im_opts[0] == '\0')
		return extra[0] ? strdup(extra) : NULL;
	if (extra[0] == '\0')
		return strdup(im->im_opts);
	len = strlen(im->im_opts) + strlen(extra) + 2;
	if ((o = malloc(len)) != NULL)
		snprintf(o, len, "%s,%s", im->im_opts, extra);
	return o;
}

/* Say why the mount failed, in the user's terms. */
static void
fsu_mount_error(const struct fsu_image *im, int err)
{
	const char *p = im->im_path;

	switch (err) {
	case EBUSY:
	case EAGAIN:
		fsu_warnx("%s: image is in use", p);
		break;
	case ENODEV:
		fsu_warnx("%s: unknown file system type '%s'", p,
		    im->im_type ? im->im_type : "?");
		break;
	case EMEDIUMTYPE:
	case EINVAL:
		if (im->im_type != NULL)
			fsu_warnx("%s: not a %s file system (or bad -o "
			    "options)", p, im->im_type);
		else
			fsu_warnx("%s: no file system found", p);
		break;
	case ENXIO:
		if (im->im_partset)
			fsu_warnx("%s: no partition %d", p, im->im_part);
		else
			fsu_warn_path(p, err);
		break;
	case EROFS:
		fsu_warnx("%s: cannot write: the image or its file system "
		    "type is read-only", p);
		break;
	case EACCES:
	case EPERM:
		fsu_warnx("%s: cannot open %s: %s", p,
		    im->im_rdonly ? "for reading" : "for writing",
		    strerror(err));
		break;
	default:
		fsu_warn_path(p, err);
		break;
	}
}

/* -v: what was mounted, and how. */
static void
fsu_mount_verbose(const struct fsu_image *im, const char *opts)
{
	char type[32];

	if (im->im_type != NULL)
		snprintf(type, sizeof(type), "%s", im->im_type);
	else if (ak_probe(im->im_path, opts, type, sizeof(type)) != 0)
		snprintf(type, sizeof(type), "?");
	fprintf(stderr, "%s: %s: %s file system mounted %s%s%s\n", fsu_prog,
	    im->im_path, type, im->im_rdonly ? "read-only" : "read-write",
	    opts ? ", options " : "", opts ? opts : "");
}

/* The image must exist and be a file or a block device. */
static int
fsu_image_check(const struct fsu_image *im)
{
	struct stat st;

	if (stat(im->im_path, &st) != 0)
		return fsu_warn_path(im->im_path, errno);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		fsu_warnx("%s: not a regular file or block device",
		    im->im_path);
		return FSU_EXIT_FAIL;
	}
	if (!im->im_rdonly && access(im->im_path, W_OK) != 0) {
		fsu_warnx("%s: cannot write: read-only image (%s)",
		    im->im_path, strerror(errno));
		return FSU_EXIT_FAIL;
	}
	return FSU_EXIT_OK;
}

int
fsu_mount(const struct fsu_image *im)
{
	char *opts;
	int part = im->im_part, r, err;

	if ((r = fsu_image_check(im)) != 0)
		return r;
	if (ak_init() != 0) {
		fsu_warnx("cannot start the kernel: %s", strerror(errno));
		return FSU_EXIT_FAIL;
	}
	if (!im->im_partset && im->im_offset == NULL &&
	    (r = fsu_parts_choose(im, &part)) != 0) {
		if (r < 0)
			fsu_mount_error(im, errno);
		(void)ak_fini();
		return FSU_EXIT_FAIL;
	}
	opts = fsu_mount_opts(im, part);
	(void)ak_sys_mkdir(FSU_MNT, 0755);
	r = ak_sys_mount(im->im_type, FSU_MNT,
	    im->im_rdonly ? AK_MNT_RDONLY : 0, im->im_path, opts);
	err = errno;
	if (r == 0 && im->im_verbose)
		fsu_mount_verbose(im, opts);
	free(opts);
	if (r != 0) {
		fsu_mount_error(im, err);
		(void)ak_fini();
		return FSU_EXIT_FAIL;
	}
	if (ak_sys_chroot(FSU_MNT) != 0 || ak_sys_chdir("/") != 0) {
		fsu_warn_path(im->im_path, errno);
		(void)ak_fini();
		return FSU_EXIT_FAIL;
	}
	return FSU_EXIT_OK;
}

/* ak_fini syncs and unmounts: a write error can show only here. */
int
fsu_unmount(const struct fsu_image *im)
{
	if (ak_fini() != 0) {
		fsu_warnx("%s: unmount failed: %s", im->im_path,
		    strerror(errno));
		return FSU_EXIT_FAIL;
	}
	return FSU_EXIT_OK;
}
