/*
 * strlen: the length of a NUL-terminated string.
 *
 * A byte loop on purpose: a word-at-a-time scan reads past the NUL, which
 * is harmless on real memory but reported by the address sanitizer the
 * kernel's tests run under; kernel strings are short (names, paths).
 */
#include <sys/libkern.h>

size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}
