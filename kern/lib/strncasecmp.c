/*
 * strncasecmp: compare at most n bytes of two strings, ignoring ASCII
 * case.  Bytes >= 0x80 compare as themselves: the kernel has no locale,
 * and file systems that fold other characters do it themselves.
 */
#include <sys/libkern.h>

static inline int
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *ap = (const unsigned char *)a;
	const unsigned char *bp = (const unsigned char *)b;
	int d;

	for (; n > 0; n--, ap++, bp++) {
		if ((d = ascii_lower(*ap) - ascii_lower(*bp)) != 0)
			return d;
		if (*ap == '\0')
			break;
	}
	return 0;
}
