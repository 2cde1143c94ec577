/*
 * path.c: path strings and whole-directory reads in the image.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

char *
fsu_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if ((p = malloc(dl + nl + 2)) == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (dl == 0 || dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

const char *
fsu_basename(const char *path, char *buf, size_t len)
{
	size_t e = strlen(path), b;

	while (e > 1 && path[e - 1] == '/')
		e--;
	for (b = e; b > 0 && path[b - 1] != '/'; b--)
		continue;
	if (e == 0 || (e == 1 && path[0] == '/')) {
		snprintf(buf, len, "%s", e == 0 ? "." : "/");
		return buf;
	}
	snprintf(buf, len, "%.*s", (int)(e - b), path + b);
	return buf;
}

static int
fsu_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
fsu_freenames(char **names)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

/*
 * Every name but "." and "..", sorted (byte order, as LC_ALL=C ls), read
 * before the caller descends so no directory stays open while it does.
 */
char **
fsu_readdir(const char *path, int *errp)
{
	struct ak_dirent *d;
	AK_DIR *dir;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;

	if ((dir = ak_sys_opendir(path)) == NULL) {
		*errp = errno;
		return NULL;
	}
	for (;;) {
		errno = 0;
		if ((d = ak_sys_readdir(dir)) == NULL)
			break;
		if (strcmp(d->d_name, ".") == 0 ||
		    strcmp(d->d_name, "..") == 0)
			continue;
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 32;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto fail;
			v = nv;
		}
		if ((v[n] = strdup(d->d_name)) == NULL)
			goto fail;
		v[++n] = NULL;
	}
	if (errno != 0)
		goto fail;
	ak_sys_closedir(dir);
	if (v == NULL && (v = calloc(1, sizeof(*v))) == NULL) {
		*errp = ENOMEM;
		return NULL;
	}
	qsort(v, n, sizeof(*v), fsu_namecmp);
	return v;
fail:
	*errp = errno ? errno : ENOMEM;
	ak_sys_closedir(dir);
	if (v != NULL)
		v[n] = NULL;
	fsu_freenames(v);
	return NULL;
}
