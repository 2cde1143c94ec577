/*
 * cmd_find.c: fsu_find [-H|-L] [PATH...] [EXPRESSION]: walks the image
 * and evaluates the expression (find.h) on every entry, as GNU find:
 * -size rounds up to its unit, -mtime counts whole days back from now.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <ak/ak.h>

#include "fsu/fsu.h"
#include "fsu/find.h"

static int
find_cmpnum(const struct find_node *n, int64_t v)
{
	if (n->n_cmp > 0)
		return v > n->n_num;
	if (n->n_cmp < 0)
		return v < n->n_num;
	return v == n->n_num;
}

static char
find_typeof(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return 'f';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFBLK: return 'b';
	case S_IFCHR: return 'c';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	default: return '?';
	}
}

static int
find_empty(const struct fsu_went *e)
{
	char **names;
	int err, r;

	if (S_ISREG(e->w_st.st_mode))
		return e->w_st.st_size == 0;
	if (!S_ISDIR(e->w_st.st_mode) ||
	    (names = fsu_readdir(e->w_path, &err)) == NULL)
		return 0;
	r = names[0] == NULL;
	fsu_freenames(names);
	return r;
}

static int
find_perm(const struct find_node *n, mode_t m)
{
	m &= 07777;
	if (n->n_type == '-')
		return (m & n->n_mode) == n->n_mode;
	if (n->n_type == '/')
		return n->n_mode == 0 || (m & n->n_mode) != 0;
	return m == n->n_mode;
}

static int
find_eval(struct find_ctx *c, const struct find_node *n,
    const struct fsu_went *e)
{
	const struct stat *st = &e->w_st;
	int64_t u;

	switch (n->n_op) {
	case F_AND:
		return find_eval(c, n->n_l, e) && find_eval(c, n->n_r, e);
	case F_OR:
		return find_eval(c, n->n_l, e) || find_eval(c, n->n_r, e);
	case F_NOT:	return !find_eval(c, n->n_l, e);
	case F_TRUE:	return 1;
	case F_NAME:	return fnmatch(n->n_str, e->w_name, 0) == 0;
	case F_INAME:
		return fnmatch(n->n_str, e->w_name, FNM_CASEFOLD) == 0;
	case F_PATH:	return fnmatch(n->n_str, e->w_path, 0) == 0;
	case F_IPATH:
		return fnmatch(n->n_str, e->w_path, FNM_CASEFOLD) == 0;
	case F_TYPE:	return find_typeof(st->st_mode) == n->n_type;
	case F_SIZE:
		u = (st->st_size + n->n_unit - 1) / n->n_unit;
		return find_cmpnum(n, u);
	case F_MTIME:
		return find_cmpnum(n, (c->now - st->st_mtim.tv_sec) / 86400);
	case F_MMIN:
		return find_cmpnum(n, (c->now - st->st_mtim.tv_sec + 59) / 60);
	case F_NEWER:
		return st->st_mtim.tv_sec > n->n_time.tv_sec ||
		    (st->st_mtim.tv_sec == n->n_time.tv_sec &&
		    st->st_mtim.tv_nsec > n->n_time.tv_nsec);
	case F_USER:	return st->st_uid == n->n_id;
	case F_GROUP:	return st->st_gid == n->n_id;
	case F_PERM:	return find_perm(n, st->st_mode);
	case F_EMPTY:	return find_empty(e);
	case F_PRINT:
		printf("%s\n", e->w_path);
		return 1;
	case F_PRINT0:
		fputs(e->w_path, stdout);
		putchar('\0');
		return 1;
	case F_PRUNE:
		c->prune = 1;
		return 1;
	}
	return 0;
}

static int
find_visit(struct fsu_went *e, void *arg)
{
	struct find_ctx *c = arg;

	if (e->w_err != 0) {
		c->status = fsu_warn_path(e->w_path, e->w_err);
		return FSU_WALK_PRUNE;
	}
	c->prune = 0;
	if (e->w_depth >= c->mindepth)
		(void)find_eval(c, c->root, e);
	if (c->prune || (c->maxdepth >= 0 && e->w_depth >= c->maxdepth))
		return FSU_WALK_PRUNE;
	return 0;
}

int
fsu_find(int argc, char **argv)
{
	static char *dot[] = { ".", NULL };
	struct find_ctx c;
	char **paths;
	int i, np, r;

	memset(&c, 0, sizeof(c));
	c.maxdepth = -1;
	c.now = time(NULL);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-H") == 0)
			c.follow = FSU_WALK_ARGS;
		else if (strcmp(argv[i], "-L") == 0)
			c.follow = FSU_WALK_FOLLOW;
		else if (strcmp(argv[i], "-P") == 0)
			c.follow = 0;
		else
			break;
	}
	paths = argv + i;
	for (np = 0; i < argc; i++, np++)
		if (argv[i][0] == '-' || strcmp(argv[i], "(") == 0 ||
		    strcmp(argv[i], "!") == 0)
			break;
	if ((r = find_parse(&c, argc, argv, i)) != 0)
		return r;
	if (np == 0) {
		paths = dot;
		np = 1;
	}
	for (i = 0; i < np; i++)
		if (fsu_walk(paths[i], c.follow, find_visit, &c) != 0)
			c.status = FSU_EXIT_FAIL;
	find_free(c.root);
	return c.status;
}
