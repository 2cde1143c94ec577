/*
 * cmd_chmod.c: fsu_chmod [-R] [-v] [-c] [-f] MODE FILE..., octal or
 * symbolic modes.  Options are read by hand because a mode such as
 * "-w" looks like one; -R never follows symbolic links and leaves them
 * alone (their mode means nothing), as coreutils does.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

struct fsu_chmodopt {
	const char	*mode;
	mode_t		umask;
	int		verbose;
	int		quiet;
	int		status;
};

static void
fsu_chmod1(struct fsu_chmodopt *o, const char *path, const struct stat *st)
{
	mode_t m;

	if (fsu_mode_parse(o->mode, st->st_mode, o->umask,
	    S_ISDIR(st->st_mode), &m) != 0)
		return;
	if (ak_sys_chmod(path, m) != 0) {
		if (!o->quiet)
			fsu_warn_path(path, errno);
		o->status = FSU_EXIT_FAIL;
	} else if (o->verbose)
		printf("mode of '%s' changed to %04o\n", path,
		    (unsigned)(m & 07777));
}

static int
fsu_chmod_visit(struct fsu_went *e, void *arg)
{
	struct fsu_chmodopt *o = arg;

	if (e->w_err != 0) {
		o->status = fsu_warn_path(e->w_path, e->w_err);
		return FSU_WALK_PRUNE;
	}
	if (!S_ISLNK(e->w_st.st_mode))
		fsu_chmod1(o, e->w_path, &e->w_st);
	return 0;
}

/* chmod's flags; returns the index of MODE or -1. */
static int
fsu_chmod_flags(int argc, char **argv, struct fsu_chmodopt *o, int *recp)
{
	const char *f;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		if (argv[i][0] != '-' || fsu_mode_valid(argv[i]))
			return i;
		for (f = argv[i] + 1; *f != '\0'; f++) {
			switch (*f) {
			case 'R': *recp = 1; break;
			case 'v': case 'c': o->verbose = 1; break;
			case 'f': o->quiet = 1; break;
			default: return -1;
			}
		}
	}
	return i;
}

int
fsu_chmod(int argc, char **argv)
{
	struct fsu_chmodopt o;
	struct stat st;
	int i, rec = 0;

	memset(&o, 0, sizeof(o));
	if ((i = fsu_chmod_flags(argc, argv, &o, &rec)) < 0 ||
	    argc - i < 2)
		return fsu_cmd_usage("chmod");
	o.mode = argv[i++];
	if (!fsu_mode_valid(o.mode)) {
		fsu_warnx("invalid mode: '%s'", o.mode);
		return FSU_EXIT_USAGE;
	}
	o.umask = ak_sys_umask(0);
	(void)ak_sys_umask(o.umask);
	for (; i < argc; i++) {
		if (rec) {
			if (fsu_walk(argv[i], FSU_WALK_ARGS, fsu_chmod_visit,
			    &o) != 0)
				o.status = FSU_EXIT_FAIL;
		} else if (ak_sys_stat(argv[i], &st) != 0)
			o.status = fsu_warn_path(argv[i], errno);
		else
			fsu_chmod1(&o, argv[i], &st);
	}
	return o.status;
}
