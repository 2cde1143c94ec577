/*
 * cmd_rm.c: fsu_rm [-r|-R] [-f] [-d] [-v] FILE..., as in coreutils:
 * -f ignores missing files, -d removes empty directories, -r whole
 * trees (depth first, never following symlinks).  "/" is refused.
 */
#include <sys/stat.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

struct fsu_rmopt {
	int	force;
	int	dirs;
	int	verbose;
	int	status;
};

static void
fsu_rm_done(const struct fsu_rmopt *o, const char *path, int dir)
{
	if (o->verbose)
		printf("removed %s'%s'\n", dir ? "directory " : "", path);
}

static int
fsu_rm_visit(struct fsu_went *e, void *arg)
{
	struct fsu_rmopt *o = arg;

	if (e->w_err != 0) {
		if (!(o->force && e->w_err == ENOENT))
			o->status = fsu_warn_path(e->w_path, e->w_err);
		return FSU_WALK_PRUNE;
	}
	if (S_ISDIR(e->w_st.st_mode) && !e->w_post)
		return 0;
	if (S_ISDIR(e->w_st.st_mode) ? ak_sys_rmdir(e->w_path) :
	    ak_sys_unlink(e->w_path)) {
		o->status = fsu_warn_path(e->w_path, errno);
		return 0;
	}
	fsu_rm_done(o, e->w_path, S_ISDIR(e->w_st.st_mode));
	return 0;
}

static void
fsu_rm1(struct fsu_rmopt *o, const char *path)
{
	struct stat st;

	if (ak_sys_lstat(path, &st) != 0) {
		if (!(o->force && errno == ENOENT))
			o->status = fsu_warn_path(path, errno);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (ak_sys_unlink(path) != 0)
			o->status = fsu_warn_path(path, errno);
		else
			fsu_rm_done(o, path, 0);
		return;
	}
	if (!o->dirs) {
		o->status = fsu_warn_path(path, EISDIR);
		return;
	}
	if (ak_sys_rmdir(path) != 0)
		o->status = fsu_warn_path(path, errno);
	else
		fsu_rm_done(o, path, 1);
}

int
fsu_rm(int argc, char **argv)
{
	struct fsu_rmopt o = { 0, 0, 0, FSU_EXIT_OK };
	char name[8];
	int ch, i, recursive = 0;

	while ((ch = getopt(argc, argv, "rRfdvi")) != -1) {
		switch (ch) {
		case 'r': case 'R': recursive = 1; break;
		case 'f': o.force = 1; break;
		case 'd': o.dirs = 1; break;
		case 'v': o.verbose = 1; break;
		case 'i': break;	/* no prompting on an image */
		default: return fsu_cmd_usage("rm");
		}
	}
	if (optind >= argc && !o.force)
		return fsu_cmd_usage("rm");
	for (i = optind; i < argc; i++) {
		fsu_basename(argv[i], name, sizeof(name));
		if (strcmp(name, "/") == 0 || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0) {
			fsu_warnx("refusing to remove '%s'", argv[i]);
			o.status = FSU_EXIT_FAIL;
		} else if (recursive) {
			if (fsu_walk(argv[i], FSU_WALK_POST, fsu_rm_visit,
			    &o) != 0)
				o.status = FSU_EXIT_FAIL;
		} else
			fsu_rm1(&o, argv[i]);
	}
	return o.status;
}
