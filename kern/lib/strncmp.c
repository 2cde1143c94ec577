/*
 * strncmp: compare at most n bytes of two strings as unsigned chars.
 */
#include <sys/libkern.h>

int
strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *ap = (const unsigned char *)a;
	const unsigned char *bp = (const unsigned char *)b;

	for (; n > 0; n--, ap++, bp++) {
		if (*ap != *bp)
			return *ap - *bp;
		if (*ap == '\0')
			break;
	}
	return 0;
}
