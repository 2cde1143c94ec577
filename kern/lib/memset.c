/*
 * memset: fill n bytes with the byte c.
 *
 * Zeroing whole blocks is the common case (new buffers, new inode
 * tables), so once the destination is aligned the byte is replicated into
 * a word and stored four words per iteration.
 */
#define LIBKERN_NO_BUILTINS	/* the routines themselves */
#include <sys/libkern.h>
#include "memword.h"

void *
memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;
	unsigned char b = (unsigned char)c;
	mword w, *wp;

	if (n >= MW_SMALL) {
		while (!mw_aligned(dp)) {
			*dp++ = b;
			n--;
		}
		w = MW_ONES * b;
		for (wp = (mword *)dp; n >= 4 * MW_SIZE; n -= 4 * MW_SIZE) {
			wp[0] = w;
			wp[1] = w;
			wp[2] = w;
			wp[3] = w;
			wp += 4;
		}
		for (; n >= MW_SIZE; n -= MW_SIZE)
			*wp++ = w;
		dp = (unsigned char *)wp;
	}
	while (n-- > 0)
		*dp++ = b;
	return d;
}
