/*
 * strcmp: compare two strings as unsigned chars.
 */
#include <sys/libkern.h>

int
strcmp(const char *a, const char *b)
{
	const unsigned char *ap = (const unsigned char *)a;
	const unsigned char *bp = (const unsigned char *)b;

	while (*ap != '\0' && *ap == *bp) {
		ap++;
		bp++;
	}
	return *ap - *bp;
}
