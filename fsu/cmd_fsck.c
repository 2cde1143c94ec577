/*
 * cmd_fsck.c: fsu_fsck [-n] [-f] IMAGE: a read-only consistency check.
 *
 * The check is the driver's own (the mount option "check"; today only
 * ffs has one, fs/ffs/ffs_check.c): the image is mounted read-only with
 * it, the driver prints each problem it finds on the console (stderr)
 * and then refuses the mount with EFSCORRUPTED.  Nothing is ever
 * written; there is no repair.  For the other types the reference
 * tools (e2fsck -fn, fsck.fat -n) exist and are named instead.
 *
 * Exit status as fsck(8): 0 no problem found, 4 problems found (left
 * as they are), 8 the check could not run.
 */
#include <sys/statvfs.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

#define FSCK_OK		0
#define FSCK_PROBLEMS	4
#define FSCK_ERROR	8
#define FSCK_MNT	"/fsck"

/* Types with a checker in their driver, and the tool for the others. */
static const struct {
	const char	*type;
	const char	*tool;		/* NULL: the driver checks */
} fsck_types[] = {
	{ "ffs", NULL }, { "ufs", NULL }, { "ufs1", NULL }, { "ufs2", NULL },
	{ "ext4", "e2fsck -fn" }, { "ext3", "e2fsck -fn" },
	{ "ext2", "e2fsck -fn" },
	{ "fatfs", "fsck.fat -n" }, { "vfat", "fsck.fat -n" },
	{ "msdos", "fsck.fat -n" },
};

/* 1: the driver checks; 0: not (*toolp names a tool or is NULL). */
static int
fsck_has_checker(const char *type, const char **toolp)
{
	size_t i;

	*toolp = NULL;
	for (i = 0; i < sizeof(fsck_types) / sizeof(fsck_types[0]); i++) {
		if (strcmp(type, fsck_types[i].type) != 0)
			continue;
		*toolp = fsck_types[i].tool;
		return fsck_types[i].tool == NULL;
	}
	return 0;
}

/* "opts,check" (opts may be NULL); NULL when out of memory. */
static char *
fsck_opts(const char *opts)
{
	size_t len = (opts ? strlen(opts) + 1 : 0) + sizeof("check");
	char *o = malloc(len);

	if (o != NULL)
		snprintf(o, len, "%s%scheck", opts ? opts : "",
		    opts ? "," : "");
	return o;
}

/* The summary line of a file system that passed, as e2fsck -n prints. */
static void
fsck_summary(const char *img, const char *type)
{
	struct statvfs sv;

	if (ak_sys_statvfs(FSCK_MNT, &sv) != 0) {
		printf("%s: %s: no problems found\n", img, type);
		return;
	}
	printf("%s: %s: no problems found: %" PRIu64 "/%" PRIu64 " files, "
	    "%" PRIu64 "/%" PRIu64 " blocks of %lu bytes\n", img, type,
	    (uint64_t)(sv.f_files - sv.f_ffree), (uint64_t)sv.f_files,
	    (uint64_t)(sv.f_blocks - sv.f_bfree), (uint64_t)sv.f_blocks,
	    (unsigned long)(sv.f_frsize ? sv.f_frsize : sv.f_bsize));
}

/* Mount read-only with "check" and say what came of it. */
static int
fsck_run(const struct fsu_image *im, const char *type, const char *opts)
{
	char *o = fsck_opts(opts);
	int r, err;

	if (o == NULL)
		return fsu_warn_path(im->im_path, ENOMEM), FSCK_ERROR;
	(void)ak_sys_mkdir(FSCK_MNT, 0755);
	r = ak_sys_mount(type, FSCK_MNT, AK_MNT_RDONLY, im->im_path, o);
	err = errno;
	free(o);
	if (r != 0 && err == EUCLEAN) {
		printf("%s: %s: problems found (listed above); the image was "
		    "not changed\n", im->im_path, type);
		return FSCK_PROBLEMS;
	}
	if (r != 0) {
		fsu_warnx("%s: cannot check: %s", im->im_path, strerror(err));
		return FSCK_ERROR;
	}
	fsck_summary(im->im_path, type);
	if (ak_sys_unmount(FSCK_MNT, 0) != 0) {
		fsu_warn_path(im->im_path, errno);
		return FSCK_ERROR;
	}
	return FSCK_OK;
}

int
fsu_fsck(int argc, char **argv)
{
	const struct fsu_image *im = fsu_image_cur;
	const char *tool;
	char type[32], *opts;
	int ch, part = im->im_part, r;

	if (fsu_in_sh) {
		fsu_warnx("not inside fsu_sh: the image is mounted already");
		return FSCK_ERROR;
	}
	while ((ch = getopt(argc, argv, "nf")) != -1)
		if (ch != 'n' && ch != 'f')
			return fsu_cmd_usage("fsck");
	if (optind != argc)
		return fsu_cmd_usage("fsck");
	/* A chooser that fails with r > 0 has said why (the table). */
	if (!im->im_partset && im->im_offset == NULL &&
	    (r = fsu_parts_choose(im, &part)) != 0) {
		if (r < 0)
			fsu_warn_path(im->im_path, errno);
		return FSCK_ERROR;
	}
	opts = fsu_mount_opts(im, part);
	if (im->im_type != NULL)
		snprintf(type, sizeof(type), "%s", im->im_type);
	else if (ak_probe(im->im_path, opts, type, sizeof(type)) != 0) {
		fsu_warnx("%s: no file system found", im->im_path);
		free(opts);
		return FSCK_ERROR;
	}
	if (fsck_has_checker(type, &tool))
		r = fsck_run(im, type, opts);
	else {
		fsu_warnx("%s: %s: no checker here%s%s", im->im_path, type,
		    tool ? "; use " : "", tool ? tool : "");
		r = FSCK_ERROR;
	}
	free(opts);
	return r;
}
