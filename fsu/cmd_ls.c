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
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"
#include "fsu/ls.h"

/*
 * Sorting sorts pointers; name order (the default) has its own
 * comparators so that the common case costs one strcmp per comparison.
 */
static int
ls_cmp_name(const void *pa, const void *pb)
{
	const struct ls_ent *a = *(struct ls_ent *const *)pa;
	const struct ls_ent *b = *(struct ls_ent *const *)pb;

	return strcmp(a->e_name, b->e_name);
}

static int
ls_cmp_rname(const void *pa, const void *pb)
{
	return -ls_cmp_name(pa, pb);
}

static int
ls_cmp(const void *pa, const void *pb, void *arg)
{
	const struct ls_ent *a = *(struct ls_ent *const *)pa;
	const struct ls_ent *b = *(struct ls_ent *const *)pb;
	const struct ls_opt *o = arg;
	int r = 0;

	if (o->sort == 't') {
		if (a->e_time.tv_sec != b->e_time.tv_sec)
			r = a->e_time.tv_sec < b->e_time.tv_sec ? 1 : -1;
		else if (a->e_time.tv_nsec != b->e_time.tv_nsec)
			r = a->e_time.tv_nsec < b->e_time.tv_nsec ? 1 : -1;
	} else if (o->sort == 'S' && a->e_size != b->e_size)
		r = a->e_size < b->e_size ? 1 : -1;
	if (r == 0)
		r = strcmp(a->e_name, b->e_name);
	return o->reverse ? -r : r;
}

static void
ls_sort(struct ls_opt *o, struct ls_ent **v, size_t n)
{
	if (o->sort == 'U')
		return;
	if (o->sort == 'n')
		qsort(v, n, sizeof(*v), o->reverse ? ls_cmp_rname :
		    ls_cmp_name);
	else
		qsort_r(v, n, sizeof(*v), ls_cmp, o);
}

static void
ls_free(struct ls_ent *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].e_link);
	free(v);
}

/*
 * Fill e's attributes from name relative to dirfd (AT_FDCWD: a path);
 * -1 with errno set if it cannot be stat'ed.
 */
static int
ls_stat(const struct ls_opt *o, struct ls_ent *e, int dirfd,
    const char *name, int follow)
{
	struct stat st;
	char buf[4096];
	ssize_t n;

	if ((follow ? ak_sys_fstatat(dirfd, name, &st, 0) :
	    ak_sys_fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW)) != 0 &&
	    (!follow || ak_sys_fstatat(dirfd, name, &st,
	    AT_SYMLINK_NOFOLLOW) != 0))
		return -1;
	e->e_ino = st.st_ino;
	e->e_size = st.st_size;
	e->e_blocks = st.st_blocks;
	e->e_rdev = st.st_rdev;
	e->e_nlink = st.st_nlink;
	e->e_time = *ls_time(o, &st);
	e->e_mode = st.st_mode;
	e->e_uid = st.st_uid;
	e->e_gid = st.st_gid;
	if (S_ISLNK(st.st_mode) && o->lng &&
	    (n = ak_sys_readlinkat(dirfd, name, buf, sizeof(buf) - 1)) >= 0) {
		buf[n] = '\0';
		e->e_link = strdup(buf);
		if (ak_sys_fstatat(dirfd, name, &st, 0) == 0)
			e->e_tmode = st.st_mode;
	}
	return 0;
}

/* Fill e for path, shown as name (not copied); -1 if it cannot be stat'ed. */
static int
ls_fill(struct ls_opt *o, struct ls_ent *e, const char *name,
    const char *path, int follow)
{
	memset(e, 0, sizeof(*e));
	e->e_name = name;
	if (ls_stat(o, e, AT_FDCWD, path, follow) != 0) {
		o->status = fsu_warn_path(path, errno);
		return -1;
	}
	return 0;
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

#define LS_CHUNK	65536	/* bytes of names per arena chunk */
#define LS_READSZ	32768	/* bytes of records per getdents */

/* Names, packed into chunks that never move. */
struct ls_chunk {
	struct ls_chunk	*c_next;
	size_t		c_used;
	char		c_data[LS_CHUNK];
};

/*
 * A directory's contents: the entries, the pointers to those shown (in
 * the order shown) and the names.
 */
struct ls_list {
	struct ls_ent	*l_ents;
	size_t		l_n;		/* entries in l_ents */
	size_t		l_cap;
	struct ls_ent	**l_v;
	size_t		l_nv;
	struct ls_chunk	*l_names;
};

/* A copy of name in l's arena, or NULL. */
static const char *
ls_keep(struct ls_list *l, const char *name)
{
	struct ls_chunk *c = l->l_names;
	size_t len = strlen(name) + 1;
	char *p;

	if (len > LS_CHUNK)
		return NULL;
	if (c == NULL || LS_CHUNK - c->c_used < len) {
		if ((c = malloc(sizeof(*c))) == NULL)
			return NULL;
		c->c_next = l->l_names;
		c->c_used = 0;
		l->l_names = c;
	}
	p = memcpy(c->c_data + c->c_used, name, len);
	c->c_used += len;
	return p;
}

/* A new zeroed entry at the end of l->l_ents, or NULL. */
static struct ls_ent *
ls_add(struct ls_list *l)
{
	struct ls_ent *nv;
	size_t cap;

	if (l->l_n == l->l_cap) {
		cap = l->l_cap ? 2 * l->l_cap : 64;
		if ((nv = realloc(l->l_ents, cap * sizeof(*nv))) == NULL)
			return NULL;
		l->l_ents = nv;
		l->l_cap = cap;
	}
	memset(&l->l_ents[l->l_n], 0, sizeof(l->l_ents[0]));
	return &l->l_ents[l->l_n];
}

/* An entry for every name the directory fd shows; -1 with errno. */
static int
ls_names(const struct ls_opt *o, int fd, struct ls_list *l)
{
	const struct ak_dirent *d;
	struct ls_ent *e;
	size_t pos;
	ssize_t n;
	char *buf;

	if ((buf = malloc(LS_READSZ)) == NULL)
		return -1;
	while ((n = ak_sys_getdents(fd, buf, LS_READSZ)) > 0) {
		for (pos = 0; pos < (size_t)n; pos += d->d_reclen) {
			d = (const struct ak_dirent *)(buf + pos);
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0 ||
			    (d->d_name[0] == '.' && !o->all && !o->almost))
				continue;
			if ((e = ls_add(l)) == NULL ||
			    (e->e_name = ls_keep(l, d->d_name)) == NULL) {
				free(buf);
				errno = ENOMEM;
				return -1;
			}
			l->l_n++;
		}
	}
	free(buf);
	return n < 0 ? -1 : 0;
}

/*
 * Stat the entries l_v[first..], relative to the directory fd, in name
 * order (the order of any error messages); failures drop out of l_v.
 */
static void
ls_stat_all(struct ls_opt *o, const char *path, int fd, struct ls_list *l,
    size_t first)
{
	struct ls_ent *e;
	size_t i, n = first;
	char *sub;

	for (i = first; i < l->l_nv; i++) {
		e = l->l_v[i];
		if (ls_stat(o, e, fd, e->e_name, 0) == 0) {
			l->l_v[n++] = e;
			continue;
		}
		sub = fsu_join(path, e->e_name);
		o->status = fsu_warn_path(sub ? sub : path, errno);
		free(sub);
	}
	l->l_nv = n;
}

static void
ls_list_free(struct ls_list *l)
{
	struct ls_chunk *c;

	ls_free(l->l_ents, l->l_n);
	free(l->l_v);
	while ((c = l->l_names) != NULL) {
		l->l_names = c->c_next;
		free(c);
	}
}

/* "." and ".." for -a, stat'ed by path as any operand. */
static void
ls_dots(struct ls_opt *o, const char *path, struct ls_list *l)
{
	struct ls_ent *e;
	char *sub;

	if ((e = ls_add(l)) != NULL && ls_fill(o, e, ".", path, 0) == 0)
		l->l_n++;
	if ((sub = fsu_join(path, "..")) != NULL && (e = ls_add(l)) != NULL &&
	    ls_fill(o, e, "..", sub, 0) == 0)
		l->l_n++;
	free(sub);
}

/*
 * The entries of a directory, with "." and ".." first for -a, then the
 * names in byte order (what -U shows); *firstp is where the names start.
 */
static int
ls_read(struct ls_opt *o, const char *path, struct ls_list *l,
    size_t *firstp)
{
	size_t i, first = 0;
	int fd, err;

	memset(l, 0, sizeof(*l));
	if ((fd = ak_sys_open(path, O_RDONLY | O_DIRECTORY)) < 0)
		goto fail;
	if (o->all)
		ls_dots(o, path, l);
	*firstp = first = l->l_n;
	if (ls_names(o, fd, l) != 0)
		goto fail;
	if ((l->l_v = calloc(l->l_n + 1, sizeof(*l->l_v))) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	for (i = 0; i < l->l_n; i++)
		l->l_v[i] = &l->l_ents[i];
	l->l_nv = l->l_n;
	qsort(l->l_v + first, l->l_nv - first, sizeof(*l->l_v), ls_cmp_name);
	if (ls_needstat(o))
		ls_stat_all(o, path, fd, l, first);
	ak_sys_close(fd);
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		ak_sys_close(fd);
	ls_list_free(l);
	o->status = fsu_warn_path(path, err);
	return -1;
}

static void
ls_dir(struct ls_opt *o, const char *path, int header)
{
	struct ls_list l;
	const struct ls_ent *e;
	char *sub;
	size_t i, first;

	if (ls_read(o, path, &l, &first) != 0)
		return;
	/* Already in name order unless "." and ".." lead. */
	if (o->sort != 'n' || o->reverse || first > 0)
		ls_sort(o, l.l_v, l.l_nv);
	if (header)
		printf("%s%s:\n", o->printed ? "\n" : "", path);
	o->printed = 1;
	ls_print(o, l.l_v, l.l_nv, 1);
	for (i = 0; o->recursive && i < l.l_nv; i++) {
		e = l.l_v[i];
		if (!S_ISDIR(e->e_mode) || strcmp(e->e_name, ".") == 0 ||
		    strcmp(e->e_name, "..") == 0)
			continue;
		if ((sub = fsu_join(path, e->e_name)) == NULL) {
			o->status = fsu_warn_path(path, ENOMEM);
			continue;
		}
		ls_dir(o, sub, 1);
		free(sub);
	}
	ls_list_free(&l);
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
	struct ls_ent *ops_e, **files, **dirs;
	char **ops;
	size_t nf = 0, nd = 0, ne = 0, i, nops;
	int follow;

	memset(&o, 0, sizeof(o));
	if (ls_opts(argc, argv, &o) != 0)
		return fsu_cmd_usage("ls");
	ops = optind < argc ? argv + optind : dot;
	nops = optind < argc ? (size_t)(argc - optind) : 1;
	ops_e = calloc(nops, sizeof(*ops_e));
	files = calloc(nops, sizeof(*files));
	dirs = calloc(nops, sizeof(*dirs));
	if (ops_e == NULL || files == NULL || dirs == NULL) {
		free(ops_e);
		free(files);
		free(dirs);
		return fsu_warn_path(ops[0], ENOMEM);
	}
	/* Operands: files first, as one group; directories after. */
	follow = !o.dirself && !o.lng;
	for (i = 0; i < nops; i++) {
		if (ls_fill(&o, &ops_e[ne], ops[i], ops[i], follow) != 0)
			continue;
		if (S_ISDIR(ops_e[ne].e_mode) && !o.dirself)
			dirs[nd++] = &ops_e[ne];
		else
			files[nf++] = &ops_e[ne];
		ne++;
	}
	ls_sort(&o, files, nf);
	ls_print(&o, files, nf, 0);
	ls_sort(&o, dirs, nd);
	for (i = 0; i < nd; i++)
		ls_dir(&o, dirs[i]->e_name, nops > 1 || o.recursive);
	ls_free(ops_e, ne);
	free(files);
	free(dirs);
	if (o.status == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		o.status = FSU_EXIT_FAIL;
	return o.status;
}
