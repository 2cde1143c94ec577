/*
 * memmove: copy n bytes between buffers that may overlap.
 *
 * When the destination starts below the source, or the buffers do not
 * overlap, a forward copy is safe: every source byte is read before the
 * store that could clobber it.  Otherwise the copy runs backwards.  Both
 * directions move words once the destination is aligned.  Loads and
 * stores are written out in order here (no restrict), unlike memcpy,
 * whose compiler may reorder them.
 */
#include <sys/libkern.h>
#include "memword.h"

static void
memmove_fwd(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= MW_SMALL) {
		while (!mw_aligned(d)) {
			*d++ = *s++;
			n--;
		}
		for (; n >= MW_SIZE; n -= MW_SIZE) {
			*(mword *)d = mw_load_u(s);
			d += MW_SIZE;
			s += MW_SIZE;
		}
	}
	while (n-- > 0)
		*d++ = *s++;
}

/* d and s point one past the end of the ranges. */
static void
memmove_bwd(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= MW_SMALL) {
		while (!mw_aligned(d)) {
			*--d = *--s;
			n--;
		}
		for (; n >= MW_SIZE; n -= MW_SIZE) {
			d -= MW_SIZE;
			s -= MW_SIZE;
			*(mword *)d = mw_load_u(s);
		}
	}
	while (n-- > 0)
		*--d = *--s;
}

void *
memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp == sp || n == 0)
		return d;
	/* Unsigned difference: true when d is below s or past its end. */
	if ((uintptr_t)dp - (uintptr_t)sp >= n)
		memmove_fwd(dp, sp, n);
	else
		memmove_bwd(dp + n, sp + n, n);
	return d;
}
