/*
 * memchr: find the first byte equal to (unsigned char)c among the first
 * n bytes of s.
 *
 * Whole aligned words are tested for the byte with the zero-byte trick
 * (memword.h) on w ^ (c replicated); only words lying entirely inside the
 * n bytes are read, so the routine never touches memory past s + n.
 */
#include <sys/libkern.h>
#include "memword.h"

void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char b = (unsigned char)c;
	mword pat;

	if (n >= MW_SMALL) {
		for (; !mw_aligned(p); p++, n--)
			if (*p == b)
				return (void *)(uintptr_t)p;
		pat = MW_ONES * b;
		for (; n >= MW_SIZE; p += MW_SIZE, n -= MW_SIZE)
			if (mw_haszero(*(const mword *)p ^ pat))
				break;
	}
	for (; n > 0; p++, n--)
		if (*p == b)
			return (void *)(uintptr_t)p;
	return NULL;
}
