/*
 * strnlen: the length of s, looking at no more than max bytes (for
 * fixed-size on-disk name fields that may lack a NUL).
 */
#include <sys/libkern.h>

size_t
strnlen(const char *s, size_t max)
{
	size_t n;

	for (n = 0; n < max && s[n] != '\0'; n++)
		continue;
	return n;
}
