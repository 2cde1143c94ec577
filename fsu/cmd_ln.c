/*
 * cmd_ln.c: fsu_ln [-s] [-f] [-v] TARGET... [LINK|DIR], as in coreutils:
 * with a directory last, the links go inside it under the targets'
 * names; with one operand, into the working directory.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

struct fsu_lnopt {
	int	sym;
	int	force;
	int	verbose;
};

static int
fsu_ln1(const struct fsu_lnopt *o, const char *target, const char *link)
{
	int r;

	r = o->sym ? ak_sys_symlink(target, link) : ak_sys_link(target, link);
	if (r != 0 && errno == EEXIST && o->force) {
		if (ak_sys_unlink(link) != 0)
			return fsu_warn_path(link, errno);
		r = o->sym ? ak_sys_symlink(target, link) :
		    ak_sys_link(target, link);
	}
	if (r != 0) {
		fsu_warnx("failed to create %s link '%s' -> '%s': %s",
		    o->sym ? "symbolic" : "hard", link, target,
		    strerror(errno));
		return FSU_EXIT_FAIL;
	}
	if (o->verbose)
		printf("'%s' %s '%s'\n", link, o->sym ? "->" : "=>", target);
	return FSU_EXIT_OK;
}

int
fsu_ln(int argc, char **argv)
{
	struct fsu_lnopt o = { 0, 0, 0 };
	struct stat st;
	const char *dir;
	char name[256], *to;
	int ch, i, n, last, status = FSU_EXIT_OK;

	while ((ch = getopt(argc, argv, "sfvn")) != -1) {
		switch (ch) {
		case 's': o.sym = 1; break;
		case 'f': o.force = 1; break;
		case 'v': o.verbose = 1; break;
		case 'n': break;
		default: return fsu_cmd_usage("ln");
		}
	}
	if ((n = argc - optind) < 1)
		return fsu_cmd_usage("ln");
	/* A directory as the last of several operands receives the links. */
	if (n == 1) {
		dir = ".";
		last = argc;
	} else {
		dir = argv[argc - 1];
		last = argc - 1;
		if (ak_sys_stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    (o.force && n == 2 && ak_sys_lstat(dir, &st) == 0 &&
		    S_ISLNK(st.st_mode))) {
			if (n > 2) {
				fsu_warnx("target '%s' is not a directory",
				    dir);
				return FSU_EXIT_FAIL;
			}
			return fsu_ln1(&o, argv[optind], dir);
		}
	}
	for (i = optind; i < last; i++) {
		fsu_basename(argv[i], name, sizeof(name));
		if ((to = fsu_join(dir, name)) == NULL)
			return fsu_warn_path(argv[i], ENOMEM);
		status |= fsu_ln1(&o, argv[i], to);
		free(to);
	}
	return status;
}
