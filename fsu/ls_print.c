/*
 * ls_print.c: ls output as GNU ls prints it in the C locale: -l columns
 * (right-aligned numbers, "major, minor" for devices, "total" in 1K
 * blocks), -i, -F, colours, and the column layout on a terminal.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsu/fsu.h"
#include "fsu/ls.h"

const struct timespec *
ls_time(const struct ls_opt *o, const struct stat *st)
{
	if (o->timefld == 'a')
		return &st->st_atim;
	if (o->timefld == 'c')
		return &st->st_ctim;
	return &st->st_mtim;
}

static char
ls_indicator(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFDIR:	return '/';
	case S_IFLNK:	return '@';
	case S_IFIFO:	return '|';
	case S_IFSOCK:	return '=';
	case S_IFREG:
		return (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ? '*' : 0;
	default:	return 0;
	}
}

static const char *
ls_colour(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFDIR:	return "01;34";
	case S_IFLNK:	return "01;36";
	case S_IFIFO:	return "40;33";
	case S_IFSOCK:	return "01;35";
	case S_IFBLK:
	case S_IFCHR:	return "40;33;01";
	case S_IFREG:
		return (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ?
		    "01;32" : NULL;
	default:	return NULL;
	}
}

/* The name (coloured), and its -F indicator; returns the width used. */
static size_t
ls_name(const struct ls_opt *o, const char *name, const struct stat *st)
{
	const char *c = o->color ? ls_colour(st) : NULL;
	char ind = o->classify ? ls_indicator(st) : 0;

	if (c != NULL)
		printf("\033[%sm%s\033[0m", c, name);
	else
		fputs(name, stdout);
	if (ind)
		putchar(ind);
	return strlen(name) + (ind != 0);
}

struct ls_widths {
	int	ino, nlink, owner, group, size, major, minor;
};

static void
ls_owner(const struct ls_opt *o, const struct stat *st, char *u, char *g,
    size_t len)
{
	const char *nu = o->numeric ? NULL : fsu_uid_name(st->st_uid);
	const char *ng = o->numeric ? NULL : fsu_gid_name(st->st_gid);

	if (nu != NULL)
		snprintf(u, len, "%s", nu);
	else
		snprintf(u, len, "%ju", (uintmax_t)st->st_uid);
	if (ng != NULL)
		snprintf(g, len, "%s", ng);
	else
		snprintf(g, len, "%ju", (uintmax_t)st->st_gid);
}

static void
ls_size(const struct ls_opt *o, const struct stat *st, char *buf,
    size_t len)
{
	if (o->human)
		fsu_human(buf, len, (uint64_t)st->st_size);
	else
		snprintf(buf, len, "%jd", (intmax_t)st->st_size);
}

static int
ls_max(int a, int b)
{
	return a > b ? a : b;
}

static void
ls_measure(const struct ls_opt *o, struct ls_ent *v, size_t n,
    struct ls_widths *w)
{
	char a[64], b[64];
	size_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < n; i++) {
		const struct stat *st = &v[i].e_st;

		w->ino = ls_max(w->ino, snprintf(a, sizeof(a), "%ju",
		    (uintmax_t)st->st_ino));
		w->nlink = ls_max(w->nlink, snprintf(a, sizeof(a), "%ju",
		    (uintmax_t)st->st_nlink));
		ls_owner(o, st, a, b, sizeof(a));
		w->owner = ls_max(w->owner, (int)strlen(a));
		w->group = ls_max(w->group, (int)strlen(b));
		if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
			w->major = ls_max(w->major, snprintf(a, sizeof(a),
			    "%u", major(st->st_rdev)));
			w->minor = ls_max(w->minor, snprintf(a, sizeof(a),
			    "%u", minor(st->st_rdev)));
		} else {
			ls_size(o, st, a, sizeof(a));
			w->size = ls_max(w->size, (int)strlen(a));
		}
	}
	if (w->major > 0)
		w->size = ls_max(w->size, w->major + 2 + w->minor);
}

static void
ls_long1(const struct ls_opt *o, const struct ls_ent *e,
    const struct ls_widths *w)
{
	const struct stat *st = &e->e_st;
	char mode[11], u[64], g[64], sz[64], tm[128];

	fsu_modestr(st->st_mode, mode);
	ls_owner(o, st, u, g, sizeof(u));
	if (o->inode)
		printf("%*ju ", w->ino, (uintmax_t)st->st_ino);
	printf("%s %*ju ", mode, w->nlink, (uintmax_t)st->st_nlink);
	if (o->numeric || fsu_uid_name(st->st_uid) == NULL)
		printf("%*s ", w->owner, u);
	else
		printf("%-*s ", w->owner, u);
	if (o->numeric || fsu_gid_name(st->st_gid) == NULL)
		printf("%*s ", w->group, g);
	else
		printf("%-*s ", w->group, g);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		printf("%*s%*u, %*u ", w->size - (w->major + 2 + w->minor), "",
		    w->major, major(st->st_rdev), w->minor,
		    minor(st->st_rdev));
	else {
		ls_size(o, st, sz, sizeof(sz));
		printf("%*s ", w->size, sz);
	}
	fsu_timestr(tm, sizeof(tm), ls_time(o, st), o->timestyle);
	printf("%s ", tm);
	if (e->e_link != NULL) {
		ls_name(o, e->e_name, st);
		printf(" -> ");
		if (e->e_tgtok)
			ls_name(o, e->e_link, &e->e_tst);
		else
			fputs(e->e_link, stdout);
	} else
		ls_name(o, e->e_name, st);
	putchar('\n');
}

/* Move from column from to column to with tabs and blanks, as ls does. */
static void
ls_indent(size_t from, size_t to)
{
	while (from < to) {
		if (to / 8 > (from + 1) / 8) {
			putchar('\t');
			from += 8 - from % 8;
		} else {
			putchar(' ');
			from++;
		}
	}
}

static size_t
ls_entlen(const struct ls_opt *o, const struct ls_ent *e, int iw)
{
	return strlen(e->e_name) + (o->inode ? (size_t)iw + 1 : 0) +
	    (o->classify && ls_indicator(&e->e_st) ? 1 : 0);
}

/*
 * ls -C as GNU ls lays it out: the most columns (filled top to bottom)
 * whose widths, each the longest name in it plus two, stay under the
 * line width.
 */
static void
ls_columns(const struct ls_opt *o, struct ls_ent *v, size_t n, int iw)
{
	size_t maxc, cols, rows, c, r, i, len, pos, *w;
	int fits;

	maxc = o->width / 3 > 0 ? (size_t)o->width / 3 : 1;
	if (maxc > n)
		maxc = n;
	if ((w = calloc(maxc, sizeof(*w))) == NULL)
		return;
	for (cols = maxc; cols > 1; cols--) {
		rows = (n + cols - 1) / cols;
		memset(w, 0, cols * sizeof(*w));
		for (i = 0, len = 0, fits = 1; i < n && fits; i++) {
			c = i / rows;
			pos = ls_entlen(o, &v[i], iw) + (c == cols - 1 ? 0 : 2);
			if (w[c] < pos) {
				len += pos - w[c];
				w[c] = pos;
				fits = len < (size_t)o->width;
			}
		}
		if (fits)
			break;
	}
	if (cols == 1)
		w[0] = 0;
	rows = (n + cols - 1) / cols;
	for (r = 0; r < rows; r++) {
		for (c = 0, pos = 0, i = r; i < n; c++) {
			len = 0;
			if (o->inode)
				len += (size_t)printf("%*ju ", iw,
				    (uintmax_t)v[i].e_st.st_ino);
			len += ls_name(o, v[i].e_name, &v[i].e_st);
			if ((i += rows) >= n)
				break;
			ls_indent(pos + len, pos + w[c]);
			pos += w[c];
		}
		putchar('\n');
	}
	free(w);
}

void
ls_print(struct ls_opt *o, struct ls_ent *v, size_t n, int total)
{
	struct ls_widths w;
	uint64_t blocks = 0;
	char buf[32];
	size_t i;

	ls_measure(o, v, n, &w);
	if (total && o->lng) {
		for (i = 0; i < n; i++)
			blocks += (uint64_t)v[i].e_st.st_blocks;
		if (o->human)
			fsu_human(buf, sizeof(buf), blocks * 512);
		else
			snprintf(buf, sizeof(buf), "%ju",
			    (uintmax_t)((blocks + 1) / 2));
		printf("total %s\n", buf);
	}
	if (o->lng) {
		for (i = 0; i < n; i++)
			ls_long1(o, &v[i], &w);
	} else if (o->columns && n > 0) {
		ls_columns(o, v, n, w.ino);
	} else {
		for (i = 0; i < n; i++) {
			if (o->inode)
				printf("%*ju ", w.ino,
				    (uintmax_t)v[i].e_st.st_ino);
			ls_name(o, v[i].e_name, &v[i].e_st);
			putchar('\n');
		}
	}
	if (n > 0 || total)
		o->printed = 1;
}
