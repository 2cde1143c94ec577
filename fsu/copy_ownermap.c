/*
 * copy_ownermap.c: put's owner map, for building images without root.
 *
 * A text file of lines
 *
 *	PATH UID GID [MODE]
 *
 * separated by blanks; '#' starts a comment line; blank lines are
 * ignored.  PATH is relative to the root of the copy, that is the file or
 * directory each source became in the image ("." or "/" is that root
 * itself; a leading '/' is ignored; ".." is not allowed; PATH cannot hold
 * blanks).  UID and GID are numbers, or "-" to leave that one alone; MODE,
 * optional, is octal (at most 07777) or "-".  The map is read before the
 * copy starts (a bad line is an error "FILE:LINE: reason" and nothing is
 * copied) and applied after it, over --owner/--group and -p: lchown, then
 * chmod (not for symbolic links).  A PATH found under none of the copy
 * roots is an error.  Like the device tables of genext2fs and makefs.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsu/copy_impl.h"
#include "fsu/fsu.h"

struct copy_mapent {
	char	*me_path;	/* relative, "." for the root */
	long	 me_uid;	/* -1: unchanged */
	long	 me_gid;
	long	 me_mode;	/* -1: unchanged */
	int	 me_line;
};

struct copy_map {
	char			*m_file;
	struct copy_mapent	*m_ent;
	size_t			 m_n;
};

/* A number in base, or "-" (-1); max the largest allowed.  0 or -1. */
static int
map_num(const char *s, int base, long max, long *vp)
{
	char *end;
	long v;

	if (strcmp(s, "-") == 0) {
		*vp = -1;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtol(s, &end, base);
	if (errno != 0 || *end != '\0' || v < 0 || v > max)
		return -1;
	*vp = v;
	return 0;
}

/* PATH made relative and checked: NULL if it has a ".." component. */
static char *
map_path(const char *p)
{
	const char *c;
	size_t n;

	while (*p == '/')
		p++;
	if (*p == '\0')
		return strdup(".");
	for (c = p; *c != '\0'; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return NULL;
	}
	return strdup(p);
}

/* One line: 0 and *e filled, 1 for nothing there, -1 with *why. */
static int
map_line(char *line, struct copy_mapent *e, const char **why)
{
	char *f[5], *save = NULL;
	int n = 0;

	for (f[n] = strtok_r(line, " \t\r\n", &save); f[n] != NULL && n < 5;
	    f[n] = strtok_r(NULL, " \t\r\n", &save))
		n++;
	if (n == 0 || f[0][0] == '#')
		return 1;
	*why = "expected PATH UID GID [MODE]";
	if (n < 3 || n > 4)
		return -1;
	*why = "bad UID";
	if (map_num(f[1], 10, 0x7fffffffL, &e->me_uid) != 0)
		return -1;
	*why = "bad GID";
	if (map_num(f[2], 10, 0x7fffffffL, &e->me_gid) != 0)
		return -1;
	e->me_mode = -1;
	*why = "bad MODE (octal, at most 7777)";
	if (n == 4 && map_num(f[3], 8, 07777, &e->me_mode) != 0)
		return -1;
	*why = "PATH may not contain \"..\"";
	if ((e->me_path = map_path(f[0])) == NULL)
		return -1;
	return 0;
}

static int
map_add(struct copy_map *m, const struct copy_mapent *e)
{
	struct copy_mapent *v;

	if ((m->m_n & (m->m_n - 1)) == 0) {	/* 0, 1, 2, 4...: grow */
		v = realloc(m->m_ent, (m->m_n ? m->m_n * 2 : 1) * sizeof(*v));
		if (v == NULL)
			return ENOMEM;
		m->m_ent = v;
	}
	m->m_ent[m->m_n++] = *e;
	return 0;
}

int
copy_map_load(const char *file, struct copy_map **mapp)
{
	struct copy_mapent e;
	struct copy_map *m;
	const char *why;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, bad = 0, rv;
	FILE *fp;

	*mapp = NULL;
	if ((fp = fopen(file, "r")) == NULL)
		return fsu_warn_path(file, errno);
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->m_file = strdup(file)) == NULL) {
		free(m);
		fclose(fp);
		return fsu_warn_path(file, ENOMEM);
	}
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		memset(&e, 0, sizeof(e));
		e.me_line = lineno;
		if ((rv = map_line(line, &e, &why)) > 0)
			continue;
		if (rv < 0) {
			fsu_warnx("%s:%d: %s", file, lineno, why);
			bad = 1;
		} else if (map_add(m, &e) != 0) {
			free(e.me_path);
			fsu_warn_path(file, ENOMEM);
			bad = 1;
			break;
		}
	}
	if (ferror(fp)) {
		fsu_warn_path(file, EIO);
		bad = 1;
	}
	free(line);
	fclose(fp);
	if (bad) {
		copy_map_free(m);
		return FSU_EXIT_FAIL;
	}
	*mapp = m;
	return 0;
}

/*
 * Apply entry e to path (which exists, st): 0 or an errno.  The mode is
 * set again even without MODE: a chown may clear set-id bits, and a
 * setuid program given to root by the map must stay setuid.
 */
static int
map_one(const struct copy_mapent *e, const struct fsu_sideops *sd,
    const char *path, const struct stat *st)
{
	mode_t mode = e->me_mode >= 0 ? (mode_t)e->me_mode :
	    st->st_mode & 07777;

	if ((e->me_uid >= 0 || e->me_gid >= 0) &&
	    sd->sd_fchownat(AT_FDCWD, path, (uid_t)e->me_uid,
	    (gid_t)e->me_gid, AT_SYMLINK_NOFOLLOW) != 0)
		return errno;
	if (!S_ISLNK(st->st_mode) &&
	    sd->sd_fchmodat(AT_FDCWD, path, mode, 0) != 0)
		return errno;
	return 0;
}

int
copy_map_apply(const struct copy_map *m, const struct fsu_sideops *sd,
    char *const *tops, int ntops)
{
	const struct copy_mapent *e;
	struct stat st;
	size_t i;
	int t, found, error, rv = 0;
	char *path;

	for (i = 0; i < m->m_n; i++) {
		e = &m->m_ent[i];
		for (found = t = 0; t < ntops; t++) {
			if ((path = copy_join(tops[t], e->me_path)) == NULL)
				return fsu_warn_path(m->m_file, ENOMEM);
			error = sd->sd_fstatat(AT_FDCWD, path, &st,
			    AT_SYMLINK_NOFOLLOW) != 0 ? errno : 0;
			if (error == 0) {
				found = 1;
				error = map_one(e, sd, path, &st);
			}
			if (error != 0 && error != ENOENT &&
			    error != ENOTDIR) {
				fsu_warnx("%s:%d: %s: %s", m->m_file,
				    e->me_line, path, strerror(error));
				rv = -1;
			}
			free(path);
		}
		if (!found && ntops > 0) {
			fsu_warnx("%s:%d: %s: not in the copy", m->m_file,
			    e->me_line, e->me_path);
			rv = -1;
		}
	}
	return rv;
}

void
copy_map_free(struct copy_map *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->m_n; i++)
		free(m->m_ent[i].me_path);
	free(m->m_ent);
	free(m->m_file);
	free(m);
}
