/*
 * memcpy: copy n bytes between buffers that do not overlap.
 *
 * Used on whole metadata blocks (4 KiB to 64 KiB), so it moves words:
 * the destination is aligned first, because a split store costs more than
 * a split load, then four words go per iteration.  When the source ends
 * up misaligned it is read with unaligned loads (see memword.h).
 *
 * This file is built with loop-to-memcpy pattern matching turned off (see
 * the Makefile), otherwise the compiler would turn the loops below into a
 * call to memcpy itself.
 */
#define LIBKERN_NO_BUILTINS	/* the routines themselves */
#include <sys/libkern.h>
#include "memword.h"

/* Copy whole words from an aligned source; returns the bytes copied. */
static size_t
memcpy_aligned(mword *d, const mword *s, size_t nw)
{
	size_t i;

	for (i = 0; i + 4 <= nw; i += 4) {
		mword a = s[i], b = s[i + 1], c = s[i + 2], e = s[i + 3];

		d[i] = a;
		d[i + 1] = b;
		d[i + 2] = c;
		d[i + 3] = e;
	}
	for (; i < nw; i++)
		d[i] = s[i];
	return nw * MW_SIZE;
}

/* Copy whole words from a misaligned source; returns the bytes copied. */
static size_t
memcpy_unaligned(mword *d, const unsigned char *s, size_t nw)
{
	size_t i;

	for (i = 0; i + 4 <= nw; i += 4) {
		mword a = mw_load_u(s), b = mw_load_u(s + MW_SIZE);
		mword c = mw_load_u(s + 2 * MW_SIZE);
		mword e = mw_load_u(s + 3 * MW_SIZE);

		d[i] = a;
		d[i + 1] = b;
		d[i + 2] = c;
		d[i + 3] = e;
		s += 4 * MW_SIZE;
	}
	for (; i < nw; i++) {
		d[i] = mw_load_u(s);
		s += MW_SIZE;
	}
	return nw * MW_SIZE;
}

void *
memcpy(void *restrict d, const void *restrict s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	size_t done;

	if (n >= MW_SMALL) {
		while (!mw_aligned(dp)) {
			*dp++ = *sp++;
			n--;
		}
		if (mw_aligned(sp))
			done = memcpy_aligned((mword *)dp, (const mword *)sp,
			    n / MW_SIZE);
		else
			done = memcpy_unaligned((mword *)dp, sp, n / MW_SIZE);
		dp += done;
		sp += done;
		n -= done;
	}
	while (n-- > 0)
		*dp++ = *sp++;
	return d;
}
