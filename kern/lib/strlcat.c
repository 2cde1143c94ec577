/*
 * strlcat: append s to the string in the buffer d of size bytes, keeping
 * it NUL-terminated.  Returns the length the result would have had
 * (strlen of d, but at most size, plus strlen(s)): a result >= size
 * means truncation.  A d with no NUL within size bytes is left alone.
 */
#include <sys/libkern.h>

size_t
strlcat(char *d, const char *s, size_t size)
{
	size_t dlen = strnlen(d, size), slen = strlen(s), n;

	if (dlen == size)
		return size + slen;
	n = slen < size - dlen - 1 ? slen : size - dlen - 1;
	memcpy(d + dlen, s, n);
	d[dlen + n] = '\0';
	return dlen + slen;
}
