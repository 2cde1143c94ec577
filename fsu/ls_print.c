/*
 * ls_print.c: ls output as GNU ls prints it in the C locale: -l columns
 * (right-aligned numbers, "major, minor" for devices, "total" in 1K
 * blocks), -i, -F, colours, and the column layout on a terminal.
 * Lines are built by hand in ls_out.c's buffer; the few things that are
 * slow to compute for every entry (an owner's name, a formatted time)
 * are remembered from the entry before, which in a large directory is
 * nearly always the same.
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
ls_indicator(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:	return '/';
	case S_IFLNK:	return '@';
	case S_IFIFO:	return '|';
	case S_IFSOCK:	return '=';
	case S_IFREG:
		return (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ? '*' : 0;
	default:	return 0;
	}
}

static const char *
ls_colour(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:	return "01;34";
	case S_IFLNK:	return "01;36";
	case S_IFIFO:	return "40;33";
	case S_IFSOCK:	return "01;35";
	case S_IFBLK:
	case S_IFCHR:	return "40;33;01";
	case S_IFREG:
		return (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ?
		    "01;32" : NULL;
	default:	return NULL;
	}
}

/* The name (coloured), and its -F indicator; returns the width used. */
static size_t
ls_name(const struct ls_opt *o, const char *name, mode_t mode)
{
	const char *c = o->color ? ls_colour(mode) : NULL;
	char ind = o->classify ? ls_indicator(mode) : 0;
	size_t len = strlen(name);

	if (c != NULL) {
		ls_putn("\033[", 2);
		ls_puts(c);
		ls_putc('m');
		ls_putn(name, len);
		ls_putn("\033[0m", 4);
	} else
		ls_putn(name, len);
	if (ind)
		ls_putc(ind);
	return len + (ind != 0);
}

/*
 * What one ls_print call remembers: the last owner and group looked up
 * and the last time formatted (by second, and by nanosecond only when
 * the style shows it).
 */
struct ls_cache {
	int		c_uidok, c_gidok;
	uid_t		c_uid;
	gid_t		c_gid;
	const char	*c_uname, *c_gname;
	int		c_tok, c_tns;
	struct timespec	c_ts;
	size_t		c_tlen;
	char		c_tbuf[128];
};

struct ls_widths {
	size_t	ino, nlink, owner, group, size, major, minor;
};

/* The image's name for the owner or group, NULL for a number. */
static const char *
ls_uname(const struct ls_opt *o, struct ls_cache *c, uid_t uid)
{
	if (o->numeric)
		return NULL;
	if (!c->c_uidok || c->c_uid != uid) {
		c->c_uid = uid;
		c->c_uname = fsu_uid_name(uid);
		c->c_uidok = 1;
	}
	return c->c_uname;
}

static const char *
ls_gname(const struct ls_opt *o, struct ls_cache *c, gid_t gid)
{
	if (o->numeric)
		return NULL;
	if (!c->c_gidok || c->c_gid != gid) {
		c->c_gid = gid;
		c->c_gname = fsu_gid_name(gid);
		c->c_gidok = 1;
	}
	return c->c_gname;
}

/* An id: a name left-aligned, a number right-aligned, as GNU ls. */
static void
ls_putid(const char *name, uintmax_t id, size_t width)
{
	size_t len;

	if (name == NULL) {
		ls_putu(id, width);
		return;
	}
	len = strlen(name);
	ls_putn(name, len);
	if (len < width)
		ls_pad(width - len);
}

static size_t
ls_idlen(const char *name, uintmax_t id)
{
	return name != NULL ? strlen(name) : ls_udigits(id);
}

/* The size as shown (-h or bytes) into buf; returns its length. */
static size_t
ls_size(const struct ls_opt *o, const struct ls_ent *e, char *buf,
    size_t len)
{
	if (o->human)
		fsu_human(buf, len, (uint64_t)e->e_size);
	else
		snprintf(buf, len, "%jd", (intmax_t)e->e_size);
	return strlen(buf);
}

static size_t
ls_max(size_t a, size_t b)
{
	return a > b ? a : b;
}

static int
ls_isdev(const struct ls_ent *e)
{
	return S_ISCHR(e->e_mode) || S_ISBLK(e->e_mode);
}

static void
ls_measure(const struct ls_opt *o, struct ls_cache *c, struct ls_ent **v,
    size_t n, struct ls_widths *w)
{
	char a[64];
	size_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < n; i++) {
		const struct ls_ent *e = v[i];

		w->ino = ls_max(w->ino, ls_udigits(e->e_ino));
		if (!o->lng)
			continue;
		w->nlink = ls_max(w->nlink, ls_udigits(e->e_nlink));
		w->owner = ls_max(w->owner,
		    ls_idlen(ls_uname(o, c, e->e_uid), e->e_uid));
		w->group = ls_max(w->group,
		    ls_idlen(ls_gname(o, c, e->e_gid), e->e_gid));
		if (ls_isdev(e)) {
			w->major = ls_max(w->major,
			    ls_udigits(major(e->e_rdev)));
			w->minor = ls_max(w->minor,
			    ls_udigits(minor(e->e_rdev)));
		} else if (!o->human && e->e_size >= 0)
			w->size = ls_max(w->size,
			    ls_udigits((uintmax_t)e->e_size));
		else
			w->size = ls_max(w->size, ls_size(o, e, a, sizeof(a)));
	}
	if (w->major > 0)
		w->size = ls_max(w->size, w->major + 2 + w->minor);
}

/* The time field, formatted once per distinct time. */
static void
ls_puttime(const struct ls_opt *o, struct ls_cache *c, const struct ls_ent *e)
{
	const struct timespec *ts = &e->e_time;

	if (!c->c_tok || c->c_ts.tv_sec != ts->tv_sec ||
	    (c->c_tns && c->c_ts.tv_nsec != ts->tv_nsec)) {
		fsu_timestr(c->c_tbuf, sizeof(c->c_tbuf), ts, o->timestyle);
		c->c_tlen = strlen(c->c_tbuf);
		c->c_ts = *ts;
		c->c_tok = 1;
	}
	ls_putn(c->c_tbuf, c->c_tlen);
}

static void
ls_long1(const struct ls_opt *o, struct ls_cache *c, const struct ls_ent *e,
    const struct ls_widths *w)
{
	char mode[11], sz[64];
	size_t len;

	if (o->inode) {
		ls_putu(e->e_ino, w->ino);
		ls_putc(' ');
	}
	fsu_modestr(e->e_mode, mode);
	ls_putn(mode, 10);
	ls_putc(' ');
	ls_putu(e->e_nlink, w->nlink);
	ls_putc(' ');
	ls_putid(ls_uname(o, c, e->e_uid), e->e_uid, w->owner);
	ls_putc(' ');
	ls_putid(ls_gname(o, c, e->e_gid), e->e_gid, w->group);
	ls_putc(' ');
	if (ls_isdev(e)) {
		ls_pad(w->size - (w->major + 2 + w->minor));
		ls_putu(major(e->e_rdev), w->major);
		ls_putn(", ", 2);
		ls_putu(minor(e->e_rdev), w->minor);
	} else if (!o->human && e->e_size >= 0)
		ls_putu((uintmax_t)e->e_size, w->size);
	else {
		len = ls_size(o, e, sz, sizeof(sz));
		if (len < w->size)
			ls_pad(w->size - len);
		ls_putn(sz, len);
	}
	ls_putc(' ');
	ls_puttime(o, c, e);
	ls_putc(' ');
	ls_name(o, e->e_name, e->e_mode);
	if (e->e_link != NULL) {
		ls_putn(" -> ", 4);
		if (e->e_tmode != 0)
			ls_name(o, e->e_link, e->e_tmode);
		else
			ls_puts(e->e_link);
	}
	ls_putc('\n');
}

/* Move from column from to column to with tabs and blanks, as ls does. */
static void
ls_indent(size_t from, size_t to)
{
	while (from < to) {
		if (to / 8 > (from + 1) / 8) {
			ls_putc('\t');
			from += 8 - from % 8;
		} else {
			ls_putc(' ');
			from++;
		}
	}
}

static size_t
ls_entlen(const struct ls_opt *o, const struct ls_ent *e, size_t iw)
{
	return strlen(e->e_name) + (o->inode ? iw + 1 : 0) +
	    (o->classify && ls_indicator(e->e_mode) ? 1 : 0);
}

/* -i without -l: the inode number right-aligned; returns the width. */
static size_t
ls_putino(const struct ls_ent *e, size_t iw)
{
	ls_putu(e->e_ino, iw);
	ls_putc(' ');
	return ls_max(iw, ls_udigits(e->e_ino)) + 1;
}

/*
 * ls -C as GNU ls lays it out: the most columns (filled top to bottom)
 * whose widths, each the longest name in it plus two, stay under the
 * line width.
 */
static void
ls_columns(const struct ls_opt *o, struct ls_ent **v, size_t n, size_t iw)
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
			pos = ls_entlen(o, v[i], iw) + (c == cols - 1 ? 0 : 2);
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
			len = o->inode ? ls_putino(v[i], iw) : 0;
			len += ls_name(o, v[i]->e_name, v[i]->e_mode);
			if ((i += rows) >= n)
				break;
			ls_indent(pos + len, pos + w[c]);
			pos += w[c];
		}
		ls_putc('\n');
	}
	free(w);
}

static void
ls_total(const struct ls_opt *o, struct ls_ent **v, size_t n)
{
	uint64_t blocks = 0;
	char buf[32];
	size_t i;

	for (i = 0; i < n; i++)
		blocks += (uint64_t)v[i]->e_blocks;
	ls_putn("total ", 6);
	if (o->human) {
		fsu_human(buf, sizeof(buf), blocks * 512);
		ls_puts(buf);
	} else
		ls_putu((blocks + 1) / 2, 0);
	ls_putc('\n');
}

void
ls_print(struct ls_opt *o, struct ls_ent **v, size_t n, int total)
{
	struct ls_widths w;
	struct ls_cache c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.c_tns = o->timestyle != NULL && (strcmp(o->timestyle,
	    "full-iso") == 0 || strstr(o->timestyle, "%N") != NULL);
	ls_measure(o, &c, v, n, &w);
	if (total && o->lng)
		ls_total(o, v, n);
	if (o->lng) {
		for (i = 0; i < n; i++)
			ls_long1(o, &c, v[i], &w);
	} else if (o->columns && n > 0) {
		ls_columns(o, v, n, w.ino);
	} else {
		for (i = 0; i < n; i++) {
			if (o->inode)
				(void)ls_putino(v[i], w.ino);
			ls_name(o, v[i]->e_name, v[i]->e_mode);
			ls_putc('\n');
		}
	}
	if (ls_flush() != 0)
		o->status = FSU_EXIT_FAIL;
	if (n > 0 || total)
		o->printed = 1;
}
