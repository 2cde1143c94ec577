/*
 * side.c: what both sides share: the list of names of a directory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsu/side.h"

int
fsu_names_add(struct fsu_names *nm, const char *name, unsigned char dtype)
{
	unsigned char *t;
	char **v, *s;
	size_t cap;

	if (nm->nm_n == nm->nm_cap) {
		cap = nm->nm_cap ? nm->nm_cap * 2 : 64;
		if ((v = realloc(nm->nm_v, cap * sizeof(*v))) == NULL)
			return ENOMEM;
		nm->nm_v = v;
		if ((t = realloc(nm->nm_t, cap)) == NULL)
			return ENOMEM;
		nm->nm_t = t;
		nm->nm_cap = cap;
	}
	if ((s = strdup(name)) == NULL)
		return ENOMEM;
	nm->nm_t[nm->nm_n] = dtype;
	nm->nm_v[nm->nm_n++] = s;
	return 0;
}

void
fsu_names_free(struct fsu_names *nm)
{
	size_t i;

	for (i = 0; i < nm->nm_n; i++)
		free(nm->nm_v[i]);
	free(nm->nm_v);
	free(nm->nm_t);
	nm->nm_v = NULL;
	nm->nm_t = NULL;
	nm->nm_n = nm->nm_cap = 0;
}
