/*
 * strlcpy: copy s into the buffer d of size bytes, always NUL-terminated
 * when size > 0.  Returns strlen(s): a result >= size means the copy was
 * truncated (OpenBSD semantics).
 */
#include <sys/libkern.h>

size_t
strlcpy(char *d, const char *s, size_t size)
{
	size_t len = strlen(s), n;

	if (size > 0) {
		n = len < size - 1 ? len : size - 1;
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return len;
}
