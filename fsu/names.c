/*
 * names.c: user and group names from the image's own /etc/passwd and
 * /etc/group (the host's names mean nothing for an image).  The files
 * are read once and kept until fsu_names_reset (fsu_sh calls it after
 * every command, since a command may have changed them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

#define FSU_NAMES_MAX	(4 * 1024 * 1024)

struct fsu_idname {
	unsigned long	in_id;
	char		*in_name;
};

struct fsu_idtab {
	const char		*t_path;
	int			t_loaded;
	size_t			t_n;
	struct fsu_idname	*t_v;
	char			*t_buf;
};

static struct fsu_idtab fsu_pw = { "/etc/passwd", 0, 0, NULL, NULL };
static struct fsu_idtab fsu_gr = { "/etc/group", 0, 0, NULL, NULL };

static char *
fsu_names_slurp(const char *path)
{
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = ak_sys_open(path, O_RDONLY)) < 0)
		return NULL;
	if ((buf = malloc(FSU_NAMES_MAX + 1)) == NULL) {
		ak_sys_close(fd);
		return NULL;
	}
	while (len < FSU_NAMES_MAX &&
	    (n = ak_sys_read(fd, buf + len, FSU_NAMES_MAX - len)) > 0)
		len += (size_t)n;
	ak_sys_close(fd);
	buf[len] = '\0';
	return buf;
}

/* "name:x:id:..." lines; anything malformed is skipped. */
static void
fsu_names_load(struct fsu_idtab *t)
{
	char *line, *next, *c1, *c2, *end;
	size_t cap = 0;
	void *nv;

	t->t_loaded = 1;
	if ((t->t_buf = fsu_names_slurp(t->t_path)) == NULL)
		return;
	for (line = t->t_buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((c1 = strchr(line, ':')) == NULL ||
		    (c2 = strchr(c1 + 1, ':')) == NULL)
			continue;
		*c1 = '\0';
		if (t->t_n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((nv = realloc(t->t_v, cap * sizeof(*t->t_v))) ==
			    NULL)
				return;
			t->t_v = nv;
		}
		t->t_v[t->t_n].in_id = strtoul(c2 + 1, &end, 10);
		if (end == c2 + 1 || (*end != ':' && *end != '\0'))
			continue;
		t->t_v[t->t_n++].in_name = line;
	}
}

static void
fsu_names_free(struct fsu_idtab *t)
{
	free(t->t_v);
	free(t->t_buf);
	t->t_v = NULL;
	t->t_buf = NULL;
	t->t_n = 0;
	t->t_loaded = 0;
}

void
fsu_names_reset(void)
{
	fsu_names_free(&fsu_pw);
	fsu_names_free(&fsu_gr);
}

static const char *
fsu_id2name(struct fsu_idtab *t, unsigned long id)
{
	size_t i;

	if (!t->t_loaded)
		fsu_names_load(t);
	for (i = 0; i < t->t_n; i++)
		if (t->t_v[i].in_id == id)
			return t->t_v[i].in_name;
	return NULL;
}

/* A number is taken as an id; a name must be in the image's table. */
static int
fsu_name2id(struct fsu_idtab *t, const char *name, unsigned long *idp)
{
	uint64_t v;
	size_t i;

	if (fsu_strtou64(name, &v) == 0 && v <= 0xfffffffeULL) {
		*idp = (unsigned long)v;
		return 0;
	}
	if (!t->t_loaded)
		fsu_names_load(t);
	for (i = 0; i < t->t_n; i++)
		if (strcmp(t->t_v[i].in_name, name) == 0) {
			*idp = t->t_v[i].in_id;
			return 0;
		}
	return -1;
}

const char *
fsu_uid_name(uid_t uid)
{
	return fsu_id2name(&fsu_pw, uid);
}

const char *
fsu_gid_name(gid_t gid)
{
	return fsu_id2name(&fsu_gr, gid);
}

int
fsu_name_uid(const char *name, uid_t *uidp)
{
	unsigned long id;

	if (fsu_name2id(&fsu_pw, name, &id) != 0)
		return -1;
	*uidp = (uid_t)id;
	return 0;
}

int
fsu_name_gid(const char *name, gid_t *gidp)
{
	unsigned long id;

	if (fsu_name2id(&fsu_gr, name, &id) != 0)
		return -1;
	*gidp = (gid_t)id;
	return 0;
}
