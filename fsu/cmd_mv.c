/*
 * cmd_mv.c: fsu_mv [-f] [-n] [-v] SRC... DST.  When DST is a directory
 * each SRC moves into it as DST/NAME (fs-utils dropped the '/').
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	1
#endif

static int
fsu_mv1(const char *src, const char *dst, int noclobber, int verbose)
{
	int r;

	if (noclobber)
		r = ak_sys_renameat2(AT_FDCWD, src, AT_FDCWD, dst,
		    RENAME_NOREPLACE);
	else
		r = ak_sys_rename(src, dst);
	if (r != 0) {
		if (noclobber && errno == EEXIST)
			return FSU_EXIT_OK;
		fsu_warnx("cannot move '%s' to '%s': %s", src, dst,
		    strerror(errno));
		return FSU_EXIT_FAIL;
	}
	if (verbose)
		printf("renamed '%s' -> '%s'\n", src, dst);
	return FSU_EXIT_OK;
}

int
fsu_mv(int argc, char **argv)
{
	struct stat st;
	const char *dst;
	char name[256], *to;
	int ch, i, noclobber = 0, verbose = 0, isdir, status = FSU_EXIT_OK;

	while ((ch = getopt(argc, argv, "fniv")) != -1) {
		switch (ch) {
		case 'f': noclobber = 0; break;
		case 'n': noclobber = 1; break;
		case 'i': break;
		case 'v': verbose = 1; break;
		default: return fsu_cmd_usage("mv");
		}
	}
	if (argc - optind < 2)
		return fsu_cmd_usage("mv");
	dst = argv[argc - 1];
	isdir = ak_sys_stat(dst, &st) == 0 && S_ISDIR(st.st_mode);
	if (!isdir && argc - optind > 2) {
		fsu_warnx("target '%s' is not a directory", dst);
		return FSU_EXIT_FAIL;
	}
	for (i = optind; i < argc - 1; i++) {
		if (!isdir) {
			status |= fsu_mv1(argv[i], dst, noclobber, verbose);
			continue;
		}
		fsu_basename(argv[i], name, sizeof(name));
		if ((to = fsu_join(dst, name)) == NULL)
			return fsu_warn_path(argv[i], ENOMEM);
		status |= fsu_mv1(argv[i], to, noclobber, verbose);
		free(to);
	}
	return status;
}
