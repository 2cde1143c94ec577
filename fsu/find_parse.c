/*
 * find_parse.c: find's expression grammar: ( ), !/-not, -a/-and
 * (implicit), -o/-or, the primaries of find.h, and the global options
 * -maxdepth, -mindepth.  Without an action, -print is added.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"
#include "fsu/find.h"

struct find_p {
	struct find_ctx	*c;
	int		argc, i;
	char		**argv;
	int		err;
};

static struct find_node *find_or(struct find_p *);

static struct find_node *
find_new(struct find_p *p, enum find_op op)
{
	struct find_node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		p->err = FSU_EXIT_FAIL;
	else
		n->n_op = op;
	return n;
}

void
find_free(struct find_node *n)
{
	if (n == NULL)
		return;
	find_free(n->n_l);
	find_free(n->n_r);
	free(n);
}

static const char *
find_arg(struct find_p *p, const char *prim)
{
	if (p->i >= p->argc) {
		fsu_warnx("missing argument to '%s'", prim);
		p->err = FSU_EXIT_USAGE;
		return NULL;
	}
	return p->argv[p->i++];
}

/* "+N", "-N", "N" with an optional unit suffix for -size. */
static int
find_num(struct find_node *n, const char *s, int sizeunits)
{
	char *end;

	n->n_cmp = *s == '+' ? 1 : *s == '-' ? -1 : 0;
	if (*s == '+' || *s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	n->n_num = strtoll(s, &end, 10);
	n->n_unit = 512;
	if (sizeunits && *end != '\0') {
		switch (*end++) {
		case 'c': n->n_unit = 1; break;
		case 'w': n->n_unit = 2; break;
		case 'b': n->n_unit = 512; break;
		case 'k': n->n_unit = 1024; break;
		case 'M': n->n_unit = 1024 * 1024; break;
		case 'G': n->n_unit = 1024 * 1024 * 1024; break;
		default: return -1;
		}
	}
	return *end == '\0' ? 0 : -1;
}

static int
find_prim_arg(struct find_p *p, struct find_node *n, const char *prim,
    const char *a)
{
	struct stat st;

	switch (n->n_op) {
	case F_NAME: case F_INAME: case F_PATH: case F_IPATH:
		n->n_str = a;
		return 0;
	case F_TYPE:
		n->n_type = a[0];
		return strlen(a) == 1 && strchr("fdlbcps", a[0]) ? 0 : -1;
	case F_SIZE:
		return find_num(n, a, 1);
	case F_MTIME: case F_MMIN:
		return find_num(n, a, 0);
	case F_NEWER:
		if (ak_sys_stat(a, &st) != 0) {
			p->err = fsu_warn_path(a, errno);
			return 0;
		}
		n->n_time = st.st_mtim;
		return 0;
	case F_USER: case F_GROUP: {
		uid_t u;
		gid_t g;

		if (n->n_op == F_USER ? fsu_name_uid(a, &u) :
		    fsu_name_gid(a, &g))
			return -1;
		n->n_id = n->n_op == F_USER ? u : g;
		return 0;
	}
	case F_PERM:
		n->n_type = (*a == '-' || *a == '/') ? *a++ : '=';
		return fsu_mode_parse(a, 0, 0, 0, &n->n_mode);
	default:
		return -1;
	}
}

static const struct {
	const char	*name;
	enum find_op	op;
	int		hasarg;
} find_prims[] = {
	{ "-name", F_NAME, 1 }, { "-iname", F_INAME, 1 },
	{ "-path", F_PATH, 1 }, { "-wholename", F_PATH, 1 },
	{ "-ipath", F_IPATH, 1 }, { "-type", F_TYPE, 1 },
	{ "-size", F_SIZE, 1 }, { "-mtime", F_MTIME, 1 },
	{ "-mmin", F_MMIN, 1 }, { "-newer", F_NEWER, 1 },
	{ "-user", F_USER, 1 }, { "-group", F_GROUP, 1 },
	{ "-perm", F_PERM, 1 }, { "-empty", F_EMPTY, 0 },
	{ "-print", F_PRINT, 0 }, { "-print0", F_PRINT0, 0 },
	{ "-prune", F_PRUNE, 0 }, { "-true", F_TRUE, 0 },
	{ NULL, F_TRUE, 0 }
};

static struct find_node *
find_primary(struct find_p *p)
{
	struct find_node *n;
	const char *a, *w = p->argv[p->i++];
	uint64_t v;
	int k;

	if (strcmp(w, "-maxdepth") == 0 || strcmp(w, "-mindepth") == 0) {
		if ((a = find_arg(p, w)) == NULL)
			return NULL;
		if (fsu_strtou64(a, &v) != 0 || v > 100000) {
			fsu_warnx("invalid argument '%s' to '%s'", a, w);
			p->err = FSU_EXIT_USAGE;
			return NULL;
		}
		*(w[2] == 'a' ? &p->c->maxdepth : &p->c->mindepth) = (int)v;
		return find_new(p, F_TRUE);
	}
	for (k = 0; find_prims[k].name && strcmp(find_prims[k].name, w); k++)
		continue;
	if (find_prims[k].name == NULL) {
		fsu_warnx("unknown predicate '%s'", w);
		p->err = FSU_EXIT_USAGE;
		return NULL;
	}
	if ((n = find_new(p, find_prims[k].op)) == NULL)
		return NULL;
	if (n->n_op == F_PRINT || n->n_op == F_PRINT0 || n->n_op == F_PRUNE)
		p->c->hasaction |= n->n_op != F_PRUNE;
	if (find_prims[k].hasarg &&
	    ((a = find_arg(p, w)) == NULL || find_prim_arg(p, n, w, a))) {
		if (p->err == 0) {
			fsu_warnx("invalid argument '%s' to '%s'", a, w);
			p->err = FSU_EXIT_USAGE;
		}
		free(n);
		return NULL;
	}
	return n;
}

static struct find_node *
find_unary(struct find_p *p)
{
	struct find_node *n, *x;
	const char *w;

	if (p->i >= p->argc) {
		fsu_warnx("expected an expression");
		p->err = FSU_EXIT_USAGE;
		return NULL;
	}
	w = p->argv[p->i];
	if (strcmp(w, "!") == 0 || strcmp(w, "-not") == 0) {
		p->i++;
		if ((x = find_unary(p)) == NULL)
			return NULL;
		if ((n = find_new(p, F_NOT)) == NULL) {
			find_free(x);
			return NULL;
		}
		n->n_l = x;
		return n;
	}
	if (strcmp(w, "(") == 0) {
		p->i++;
		if ((n = find_or(p)) == NULL)
			return NULL;
		if (p->i >= p->argc || strcmp(p->argv[p->i], ")") != 0) {
			fsu_warnx("missing ')'");
			p->err = FSU_EXIT_USAGE;
			find_free(n);
			return NULL;
		}
		p->i++;
		return n;
	}
	return find_primary(p);
}

static struct find_node *
find_bin(struct find_p *p, enum find_op op, struct find_node *l,
    struct find_node *r)
{
	struct find_node *n;

	if (r == NULL || (n = find_new(p, op)) == NULL) {
		find_free(l);
		find_free(r);
		return NULL;
	}
	n->n_l = l;
	n->n_r = r;
	return n;
}

static struct find_node *
find_and(struct find_p *p)
{
	struct find_node *l;
	const char *w;

	if ((l = find_unary(p)) == NULL)
		return NULL;
	while (p->i < p->argc) {
		w = p->argv[p->i];
		if (strcmp(w, "-o") == 0 || strcmp(w, "-or") == 0 ||
		    strcmp(w, ")") == 0)
			break;
		if (strcmp(w, "-a") == 0 || strcmp(w, "-and") == 0)
			p->i++;
		if ((l = find_bin(p, F_AND, l, find_unary(p))) == NULL)
			return NULL;
	}
	return l;
}

static struct find_node *
find_or(struct find_p *p)
{
	struct find_node *l;

	if ((l = find_and(p)) == NULL)
		return NULL;
	while (p->i < p->argc && (strcmp(p->argv[p->i], "-o") == 0 ||
	    strcmp(p->argv[p->i], "-or") == 0)) {
		p->i++;
		if ((l = find_bin(p, F_OR, l, find_and(p))) == NULL)
			return NULL;
	}
	return l;
}

int
find_parse(struct find_ctx *c, int argc, char **argv, int i)
{
	struct find_p p = { c, argc, i, argv, 0 };
	struct find_node *n;

	if (i >= argc)
		n = find_new(&p, F_TRUE);
	else if ((n = find_or(&p)) != NULL && p.i < argc) {
		fsu_warnx("unexpected '%s'", argv[p.i]);
		find_free(n);
		return FSU_EXIT_USAGE;
	}
	if (n == NULL || p.err != 0) {
		find_free(n);
		return p.err ? p.err : FSU_EXIT_FAIL;
	}
	if (!c->hasaction) {
		struct find_node *pr = find_new(&p, F_PRINT);

		if ((n = find_bin(&p, F_AND, n, pr)) == NULL)
			return FSU_EXIT_FAIL;
	}
	c->root = n;
	return 0;
}
