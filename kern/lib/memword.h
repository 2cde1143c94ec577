/*
 * kern/lib/memword.h: word-at-a-time helpers shared by the mem* routines
 * of libkern.  Private to kern/lib/.
 *
 * A "word" is a uintptr_t: the widest integer the machine loads and stores
 * in one instruction on every target we know of.  Words are accessed
 * through may_alias types, so that reading a char buffer as words is not
 * undefined behaviour under strict aliasing.  Unaligned loads go through
 * a packed structure: the compiler emits a plain load where the machine
 * allows it (x86, arm64) and byte loads elsewhere.
 */
#ifndef _KERN_LIB_MEMWORD_H_
#define _KERN_LIB_MEMWORD_H_

#include <sys/param.h>

typedef uintptr_t __attribute__((__may_alias__)) mword;

struct mword_u {
	mword	mu_w;		/* a word at any address */
} __packed __attribute__((__may_alias__));

#define MW_SIZE		sizeof(mword)
#define MW_MASK		(MW_SIZE - 1)
#define MW_ONES		((mword)-1 / 0xff)	/* 0x0101...01 */
#define MW_HIGHS	(MW_ONES << 7)		/* 0x8080...80 */

/*
 * Below this length the byte loop wins: aligning the destination and
 * choosing a path costs more than it saves.
 */
#define MW_SMALL	(4 * MW_SIZE)

static inline bool
mw_aligned(const void *p)
{
	return ((uintptr_t)p & MW_MASK) == 0;
}

static inline mword
mw_load_u(const void *p)
{
	return ((const struct mword_u *)p)->mu_w;
}

/* Nonzero iff some byte of x is zero (exact, not just a hint). */
static inline mword
mw_haszero(mword x)
{
	return (x - MW_ONES) & ~x & MW_HIGHS;
}

#endif /* !_KERN_LIB_MEMWORD_H_ */
