/*
 * cmd_cp.c: the commands of the copy engine (fsu_copy.h): cp (inside
 * the image), get (image to host), put (host to image) and ecp, which
 * is fs-utils' get/put in one: -g copies out of the image, -p (the
 * default) into it.  Options are cp's: -R/-r, -p, -a, -L/-P/-H, -n, -f,
 * -v, -X; put adds --owner, --group and --owner-map, get
 * --no-absolute-links; --progress/--no-progress.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu/fsu.h"
#include "fsu/fsu_copy.h"

enum cp_kind { CP_INSIDE, CP_GET, CP_PUT, CP_ECP };

static const struct option cp_longopts[] = {
	{ "recursive", no_argument, NULL, 'R' },
	{ "archive", no_argument, NULL, 'a' },
	{ "no-clobber", no_argument, NULL, 'n' },
	{ "force", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "dereference", no_argument, NULL, 'L' },
	{ "no-dereference", no_argument, NULL, 'P' },
	{ "progress", no_argument, NULL, 'G' + 256 },
	{ "no-progress", no_argument, NULL, 'N' + 256 },
	{ "owner", required_argument, NULL, 'o' + 256 },
	{ "group", required_argument, NULL, 'g' + 256 },
	{ "owner-map", required_argument, NULL, 'm' + 256 },
	{ "no-absolute-links", no_argument, NULL, 'A' + 256 },
	{ NULL, 0, NULL, 0 }
};

static int
cp_id(const char *s, long *idp)
{
	uint64_t v;

	if (fsu_strtou64(s, &v) != 0 || v > 0xfffffffeULL) {
		fsu_warnx("invalid id '%s'", s);
		return -1;
	}
	*idp = (long)v;
	return 0;
}

/* One option; ecp reads -p as "put" (fs-utils) rather than "preserve". */
static int
cp_opt(struct fsu_copyopt *o, enum cp_kind k, int ch, int *derefp,
    int *getp)
{
	switch (ch) {
	case 'R': case 'r': o->recursive = o->specials = 1; break;
	case 'p':
		if (k == CP_ECP)
			*getp = 0;
		else
			o->preserve = 1;
		break;
	case 'g': *getp = 1; break;
	case 'a':
		o->recursive = o->specials = o->preserve = 1;
		o->links = o->xattrs = 1;
		o->deref = FSU_DEREF_NEVER;
		*derefp = 1;
		break;
	case 'L': o->deref = FSU_DEREF_ALWAYS; *derefp = 1; break;
	case 'P': o->deref = FSU_DEREF_NEVER; *derefp = 1; break;
	case 'H': o->deref = FSU_DEREF_ARGS; *derefp = 1; break;
	case 'n': o->noclobber = 1; o->force = 0; break;
	case 'f': o->force = 1; o->noclobber = 0; break;
	case 'v': o->verbose = 1; break;
	case 'X': o->xattrs = 1; break;
	case 'G' + 256: o->progress = 1; break;
	case 'N' + 256: o->progress = 0; break;
	case 'o' + 256: return k == CP_PUT || k == CP_ECP ?
		    cp_id(optarg, &o->owner) : -1;
	case 'g' + 256: return k == CP_PUT || k == CP_ECP ?
		    cp_id(optarg, &o->group) : -1;
	case 'm' + 256:
		if (k != CP_PUT && k != CP_ECP)
			return -1;
		o->ownermap = optarg;
		break;
	case 'A' + 256: o->no_abs_links = 1; break;
	default: return -1;
	}
	return 0;
}

static int
cp_main(int argc, char **argv, enum cp_kind k, const char *name)
{
	struct fsu_copyopt o;
	enum fsu_side from, to;
	const char *opts = k == CP_ECP ? "RrgpaLPHnfvX" : "RrpaLPHnfvX";
	int ch, deref = 0, get = 0, n;

	fsu_copyopt_init(&o);
	while ((ch = getopt_long(argc, argv, opts, cp_longopts, NULL)) != -1)
		if (cp_opt(&o, k, ch, &deref, &get) != 0)
			return fsu_cmd_usage(name);
	/* cp: without -R symlinks are followed, with -R copied as links. */
	if (!deref)
		o.deref = o.recursive ? FSU_DEREF_NEVER : FSU_DEREF_ALWAYS;
	if ((n = argc - optind) < 2)
		return fsu_cmd_usage(name);
	switch (k) {
	case CP_INSIDE: from = to = FSU_IMAGE; break;
	case CP_GET: from = FSU_IMAGE; to = FSU_HOST; break;
	case CP_PUT: from = FSU_HOST; to = FSU_IMAGE; break;
	default:
		from = get ? FSU_IMAGE : FSU_HOST;
		to = get ? FSU_HOST : FSU_IMAGE;
		break;
	}
	return fsu_copy(&o, from, argv + optind, n - 1, to, argv[argc - 1]);
}

int
fsu_cp(int argc, char **argv)
{
	return cp_main(argc, argv, CP_INSIDE, "cp");
}

int
fsu_get(int argc, char **argv)
{
	return cp_main(argc, argv, CP_GET, "get");
}

int
fsu_put(int argc, char **argv)
{
	return cp_main(argc, argv, CP_PUT, "put");
}

int
fsu_ecp(int argc, char **argv)
{
	return cp_main(argc, argv, CP_ECP, "ecp");
}
