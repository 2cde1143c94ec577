/*
 * strrchr: the last occurrence of (char)c in s; c == '\0' finds the
 * terminating NUL.
 */
#include <sys/libkern.h>

char *
strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (*s == '\0')
			return (char *)(uintptr_t)last;
	}
}
