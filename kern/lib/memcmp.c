/*
 * memcmp: compare n bytes as unsigned chars; the sign of the result is
 * that of the first differing byte of a minus that of b.
 *
 * Equal prefixes are skipped a word at a time (a aligned, b read with
 * unaligned loads if need be); the word that differs is then compared
 * byte by byte, which keeps the result independent of byte order.
 */
#include <sys/libkern.h>
#include "memword.h"

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *ap = a, *bp = b;

	if (n >= MW_SMALL) {
		while (!mw_aligned(ap)) {
			if (*ap != *bp)
				return *ap - *bp;
			ap++;
			bp++;
			n--;
		}
		while (n >= MW_SIZE && *(const mword *)ap == mw_load_u(bp)) {
			ap += MW_SIZE;
			bp += MW_SIZE;
			n -= MW_SIZE;
		}
	}
	for (; n > 0; n--, ap++, bp++)
		if (*ap != *bp)
			return *ap - *bp;
	return 0;
}
