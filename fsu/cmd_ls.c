/*
 * cmd_ls.c: fsu_ls [-1aAcdFhilnrRStuU] [--color[=WHEN]]
 * [--time-style=STYLE] [--full-time] [--names=image|numeric] [FILE...].
 * Operands that are not directories are listed first, then each
 * directory; -R descends (never through symbolic links).  Ids are
 * numbers unless --names=image asks for the image's own names.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"
#include "fsu/ls.h"

static struct ls_opt *ls_sortopt;	/* qsort has no context argument */

static int
ls_cmp(const void *pa, const void *pb)
{
	const struct ls_ent *a = pa, *b = pb;
	const struct ls_opt *o = ls_sortopt;
	const struct timespec *ta, *tb;
	int r = 0;

	if (o->sort == 't') {
		ta = ls_time(o, &a->e_st);
		tb = ls_time(o, &b->e_st);
		if (ta->tv_sec != tb->tv_sec)
			r = ta->tv_sec < tb->tv_sec ? 1 : -1;
		else if (ta->tv_nsec != tb->tv_nsec)
			r = ta->tv_nsec < tb->tv_nsec ? 1 : -1;
	} else if (o->sort == 'S' && a->e_st.st_size != b->e_st.st_size)
		r = a->e_st.st_size < b->e_st.st_size ? 1 : -1;
	if (r == 0)
		r = strcmp(a->e_name, b->e_name);
	return o->reverse ? -r : r;
}

static void
ls_sort(struct ls_opt *o, struct ls_ent *v, size_t n)
{
	if (o->sort == 'U')
		return;
	ls_sortopt = o;
	qsort(v, n, sizeof(*v), ls_cmp);
}

static void
ls_free(struct ls_ent *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].e_name);
		free(v[i].e_path);
		free(v[i].e_link);
	}
	free(v);
}

/* Fill e for path (shown as name); -1 if it cannot be stat'ed. */
static int
ls_fill(struct ls_opt *o, struct ls_ent *e, const char *name,
    const char *path, int follow)
{
	char buf[4096];
	ssize_t n;

	memset(e, 0, sizeof(*e));
	if ((follow ? ak_sys_stat(path, &e->e_st) :
	    ak_sys_lstat(path, &e->e_st)) != 0 &&
	    (!follow || ak_sys_lstat(path, &e->e_st) != 0)) {
		o->status = fsu_warn_path(path, errno);
		return -1;
	}
	e->e_name = strdup(name);
	e->e_path = strdup(path);
	if (S_ISLNK(e->e_st.st_mode) && o->lng &&
	    (n = ak_sys_readlink(path, buf, sizeof(buf) - 1)) >= 0) {
		buf[n] = '\0';
		e->e_link = strdup(buf);
		e->e_tgtok = ak_sys_stat(path, &e->e_tst) == 0;
	}
	return e->e_name && e->e_path ? 0 : -1;
}

/*
 * Does listing a directory need each entry's attributes?  Not for plain
 * names in name order (or none): GNU ls does not stat then either, and
 * loading a large subdirectory's node (FAT counts its subdirectories)
 * would be most of the work.
 */
static int
ls_needstat(const struct ls_opt *o)
{
	return o->lng || o->inode || o->classify || o->color ||
	    o->recursive || o->sort == 't' || o->sort == 'S';
}

/* Fill e with the name only (ls_needstat said no); -1 on ENOMEM. */
static int
ls_fill_name(struct ls_opt *o, struct ls_ent *e, const char *name,
    const char *path)
{
	memset(e, 0, sizeof(*e));
	e->e_name = strdup(name);
	e->e_path = strdup(path);
	if (e->e_name == NULL || e->e_path == NULL) {
		free(e->e_name);
		free(e->e_path);
		o->status = fsu_warn_path(path, ENOMEM);
		return -1;
	}
	return 0;
}

static void ls_dir(struct ls_opt *o, const char *path, int header);

/* The entries of a directory, with "." and ".." for -a. */
static struct ls_ent *
ls_read(struct ls_opt *o, const char *path, size_t *np)
{
	char **names, *sub;
	struct ls_ent *v;
	size_t i, n = 0, cnt;
	int err;

	if ((names = fsu_readdir(path, &err)) == NULL) {
		o->status = fsu_warn_path(path, err);
		return NULL;
	}
	for (cnt = 0; names[cnt] != NULL; cnt++)
		continue;
	if ((v = calloc(cnt + 2, sizeof(*v))) == NULL) {
		fsu_freenames(names);
		o->status = fsu_warn_path(path, ENOMEM);
		return NULL;
	}
	if (o->all) {
		if (ls_fill(o, &v[n], ".", path, 0) == 0)
			n++;
		if ((sub = fsu_join(path, "..")) != NULL &&
		    ls_fill(o, &v[n], "..", sub, 0) == 0)
			n++;
		free(sub);
	}
	for (i = 0; i < cnt; i++) {
		if (names[i][0] == '.' && !o->all && !o->almost)
			continue;
		if ((sub = fsu_join(path, names[i])) == NULL)
			continue;
		if ((ls_needstat(o) ? ls_fill(o, &v[n], names[i], sub, 0) :
		    ls_fill_name(o, &v[n], names[i], sub)) == 0)
			n++;
		free(sub);
	}
	fsu_freenames(names);
	*np = n;
	return v;
}

static void
ls_dir(struct ls_opt *o, const char *path, int header)
{
	struct ls_ent *v;
	size_t i, n;

	if ((v = ls_read(o, path, &n)) == NULL)
		return;
	ls_sort(o, v, n);
	if (header)
		printf("%s%s:\n", o->printed ? "\n" : "", path);
	o->printed = 1;
	ls_print(o, v, n, 1);
	for (i = 0; o->recursive && i < n; i++)
		if (S_ISDIR(v[i].e_st.st_mode) &&
		    strcmp(v[i].e_name, ".") != 0 &&
		    strcmp(v[i].e_name, "..") != 0)
			ls_dir(o, v[i].e_path, 1);
	ls_free(v, n);
}

static const struct option ls_longopts[] = {
	{ "color", optional_argument, NULL, 'C' + 256 },
	{ "colour", optional_argument, NULL, 'C' + 256 },
	{ "time-style", required_argument, NULL, 'T' + 256 },
	{ "full-time", no_argument, NULL, 'f' + 256 },
	{ "names", required_argument, NULL, 'N' + 256 },
	{ "all", no_argument, NULL, 'a' },
	{ "almost-all", no_argument, NULL, 'A' },
	{ "directory", no_argument, NULL, 'd' },
	{ "recursive", no_argument, NULL, 'R' },
	{ "human-readable", no_argument, NULL, 'h' },
	{ "inode", no_argument, NULL, 'i' },
	{ "numeric-uid-gid", no_argument, NULL, 'n' },
	{ "reverse", no_argument, NULL, 'r' },
	{ "classify", no_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 }
};

static int
ls_longopt(struct ls_opt *o, int ch, const char *arg, int *namesp)
{
	char tb[64];
	struct timespec ts = { 0, 0 };

	switch (ch) {
	case 'C' + 256:
		if (arg == NULL || strcmp(arg, "always") == 0 ||
		    strcmp(arg, "yes") == 0 || strcmp(arg, "force") == 0)
			o->color = 1;
		else if (strcmp(arg, "auto") == 0 || strcmp(arg, "tty") == 0 ||
		    strcmp(arg, "if-tty") == 0)
			o->color = isatty(STDOUT_FILENO);
		else if (strcmp(arg, "never") == 0 || strcmp(arg, "no") == 0 ||
		    strcmp(arg, "none") == 0)
			o->color = 0;
		else
			return -1;
		return 0;
	case 'T' + 256:
		if (strncmp(arg, "posix-", 6) == 0)
			arg += 6;
		if (fsu_timestr(tb, sizeof(tb), &ts, arg) != 0)
			return -1;
		o->timestyle = arg;
		return 0;
	case 'f' + 256:
		o->timestyle = "full-iso";
		o->lng = 1;
		return 0;
	case 'N' + 256:
		if (strcmp(arg, "image") == 0)
			*namesp = 1;
		else if (strcmp(arg, "numeric") == 0)
			*namesp = 0;
		else
			return -1;
		return 0;
	}
	return -1;
}

static int
ls_opts(int argc, char **argv, struct ls_opt *o)
{
	struct winsize ws;
	const char *cols;
	int ch, names = 0, nflag = 0;

	o->sort = 'n';
	o->timefld = 'm';
	o->columns = isatty(STDOUT_FILENO);
	while ((ch = getopt_long(argc, argv, "1aAcdFhilnrRStuUC",
	    ls_longopts, NULL)) != -1) {
		switch (ch) {
		case '1': o->one = 1; o->columns = 0; break;
		case 'a': o->all = 1; o->almost = 0; break;
		case 'A': o->almost = 1; o->all = 0; break;
		case 'c': o->timefld = 'c'; break;
		case 'd': o->dirself = 1; break;
		case 'F': o->classify = 1; break;
		case 'h': o->human = 1; break;
		case 'i': o->inode = 1; break;
		case 'l': o->lng = 1; break;
		case 'n': o->lng = 1; nflag = 1; break;
		case 'r': o->reverse = 1; break;
		case 'R': o->recursive = 1; break;
		case 'S': o->sort = 'S'; break;
		case 't': o->sort = 't'; break;
		case 'u': o->timefld = 'a'; break;
		case 'U': o->sort = 'U'; break;
		case 'C': o->columns = 1; o->one = 0; break;
		case '?': return -1;
		default:
			if (ls_longopt(o, ch, optarg, &names) != 0) {
				fsu_warnx("invalid argument '%s'",
				    optarg ? optarg : "");
				return -1;
			}
		}
	}
	o->numeric = nflag || !names;
	o->width = 80;
	if ((cols = getenv("COLUMNS")) != NULL && atoi(cols) > 0)
		o->width = atoi(cols);
	else if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		o->width = ws.ws_col;
	return 0;
}

int
fsu_ls(int argc, char **argv)
{
	static char *dot[] = { ".", NULL };
	struct ls_opt o;
	struct ls_ent *files, *dirs;
	char **ops;
	size_t nf = 0, nd = 0, i, nops;
	int follow;

	memset(&o, 0, sizeof(o));
	if (ls_opts(argc, argv, &o) != 0)
		return fsu_cmd_usage("ls");
	ops = optind < argc ? argv + optind : dot;
	nops = optind < argc ? (size_t)(argc - optind) : 1;
	files = calloc(nops, sizeof(*files));
	dirs = calloc(nops, sizeof(*dirs));
	if (files == NULL || dirs == NULL) {
		free(files);
		free(dirs);
		return fsu_warn_path(ops[0], ENOMEM);
	}
	/* Operands: files first, as one group; directories after. */
	follow = !o.dirself && !o.lng;
	for (i = 0; i < nops; i++) {
		if (ls_fill(&o, &files[nf], ops[i], ops[i], follow) != 0)
			continue;
		if (S_ISDIR(files[nf].e_st.st_mode) && !o.dirself)
			dirs[nd++] = files[nf];
		else
			nf++;
	}
	ls_sort(&o, files, nf);
	ls_print(&o, files, nf, 0);
	ls_sort(&o, dirs, nd);
	for (i = 0; i < nd; i++)
		ls_dir(&o, dirs[i].e_path, nops > 1 || o.recursive);
	ls_free(files, nf);
	ls_free(dirs, nd);
	if (o.status == 0 && fflush(stdout) != 0)
		o.status = FSU_EXIT_FAIL;
	return o.status;
}
