/*
 * strsep: split off the token at *sp, up to the first byte found in
 * delim.  That byte is overwritten with a NUL and *sp moves past it; at
 * the last token *sp becomes NULL.  Returns NULL once *sp is NULL.
 * Empty tokens are returned, unlike strtok's.
 */
#include <sys/libkern.h>

char *
strsep(char **sp, const char *delim)
{
	char *tok = *sp, *p;

	if (tok == NULL)
		return NULL;
	for (p = tok; *p != '\0'; p++) {
		if (strchr(delim, *p) != NULL) {
			*p = '\0';
			*sp = p + 1;
			return tok;
		}
	}
	*sp = NULL;
	return tok;
}
