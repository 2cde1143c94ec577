/*
 * strchr: the first occurrence of (char)c in s; c == '\0' finds the
 * terminating NUL, as the C standard requires.
 */
#include <sys/libkern.h>

char *
strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)(uintptr_t)s;
		if (*s == '\0')
			return NULL;
	}
}
