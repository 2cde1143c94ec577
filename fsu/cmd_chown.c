/*
 * cmd_chown.c: fsu_chown [-R] [-h] [-v] OWNER[:GROUP] FILE... and
 * fsu_chgrp [-R] [-h] [-v] GROUP FILE....  Names come from the image's
 * /etc/passwd and /etc/group; numbers are taken as they are.  Inside a
 * -R walk symbolic links are changed themselves, never followed.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

struct fsu_chownopt {
	uid_t	uid;		/* (uid_t)-1: unchanged */
	gid_t	gid;
	int	nofollow;	/* -h */
	int	verbose;
	int	quiet;
	int	status;
};

static void
fsu_chown1(struct fsu_chownopt *o, const char *path, int nofollow)
{
	int r;

	r = nofollow ? ak_sys_lchown(path, o->uid, o->gid) :
	    ak_sys_chown(path, o->uid, o->gid);
	if (r != 0) {
		if (!o->quiet)
			fsu_warn_path(path, errno);
		o->status = FSU_EXIT_FAIL;
	} else if (o->verbose)
		printf("ownership of '%s' changed\n", path);
}

static int
fsu_chown_visit(struct fsu_went *e, void *arg)
{
	struct fsu_chownopt *o = arg;

	if (e->w_err != 0) {
		o->status = fsu_warn_path(e->w_path, e->w_err);
		return FSU_WALK_PRUNE;
	}
	fsu_chown1(o, e->w_path, o->nofollow || e->w_depth > 0);
	return 0;
}

/* "user", "user:group", "user:", ":group" (also '.' as separator). */
static int
fsu_chown_spec(char *spec, int grouponly, struct fsu_chownopt *o)
{
	char *g = NULL;

	if (grouponly)
		g = spec;
	else if ((g = strchr(spec, ':')) != NULL ||
	    (fsu_name_uid(spec, &o->uid) != 0 &&
	    (g = strchr(spec, '.')) != NULL))
		*g++ = '\0';
	if (!grouponly && spec[0] != '\0' &&
	    fsu_name_uid(spec, &o->uid) != 0) {
		fsu_warnx("invalid user: '%s'", spec);
		return -1;
	}
	if (g != NULL && g[0] != '\0' && fsu_name_gid(g, &o->gid) != 0) {
		fsu_warnx("invalid group: '%s'", g);
		return -1;
	}
	return 0;
}

static int
fsu_chown_main(int argc, char **argv, int grouponly)
{
	struct fsu_chownopt o;
	const char *name = grouponly ? "chgrp" : "chown";
	char *spec;
	int ch, i, rec = 0;

	memset(&o, 0, sizeof(o));
	o.uid = (uid_t)-1;
	o.gid = (gid_t)-1;
	while ((ch = getopt(argc, argv, "RhvcfHLP")) != -1) {
		switch (ch) {
		case 'R': rec = 1; break;
		case 'h': o.nofollow = 1; break;
		case 'v': case 'c': o.verbose = 1; break;
		case 'f': o.quiet = 1; break;
		case 'H': case 'L': case 'P': break;
		default: return fsu_cmd_usage(name);
		}
	}
	if (argc - optind < 2)
		return fsu_cmd_usage(name);
	if ((spec = strdup(argv[optind++])) == NULL)
		return fsu_warn_path(name, ENOMEM);
	if (fsu_chown_spec(spec, grouponly, &o) != 0) {
		free(spec);
		return FSU_EXIT_FAIL;
	}
	free(spec);
	for (i = optind; i < argc; i++) {
		if (rec) {
			if (fsu_walk(argv[i], o.nofollow ? 0 : FSU_WALK_ARGS,
			    fsu_chown_visit, &o) != 0)
				o.status = FSU_EXIT_FAIL;
		} else
			fsu_chown1(&o, argv[i], o.nofollow);
	}
	return o.status;
}

int
fsu_chown(int argc, char **argv)
{
	return fsu_chown_main(argc, argv, 0);
}

int
fsu_chgrp(int argc, char **argv)
{
	return fsu_chown_main(argc, argv, 1);
}
