/*
 * heap.c: fsu's heap in huge pages where the host offers them.
 *
 * Listing 50,000 ext4 entries touches about 40 MiB (inode tables in the
 * buffer cache, idle vnodes, the listing's own arrays), one 4 KiB page
 * fault at a time: 10,000 faults were most of the CPU time left once
 * the instructions were cut below debugfs's (perf: the fault path and
 * the stores that first touch heap pages).  With the heap in 2 MiB
 * pages they fall to under 2,000 and the CPU time by about half.
 *
 * glibc grows the heap with brk; the first HEAP_PAD bytes of it are
 * reserved at once (M_TOP_PAD) and marked MADV_HUGEPAGE.  Nothing is
 * resident until touched, so small commands pay for what they use,
 * rounded to huge pages.  The heap is not trimmed below the pad, or the
 * marking would be lost when it grew back.  Anywhere this cannot be
 * done (no THP, another libc), fsu runs as before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#endif

#include "fsu/fsu.h"

#define HEAP_PAD	((size_t)64 << 20)
#define HUGE_PAGE	((uintptr_t)2 << 20)
#define HEAP_GROW	((size_t)1 << 20)
#define HEAP_SMALL	((uintptr_t)4 << 20)	/* first bytes left alone */

void
fsu_heap_init(void)
{
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
	uintptr_t lo, hi;
	void *p;

	/* Big blocks from the heap too (the buffer cache's among them). */
	if (mallopt(M_MMAP_THRESHOLD, (int)(HEAP_PAD / 2)) == 0 ||
	    mallopt(M_TOP_PAD, (int)HEAP_PAD) == 0 ||
	    mallopt(M_TRIM_THRESHOLD, (int)(2 * HEAP_PAD)) == 0)
		return;
	/* More than the heap has left, so that it grows by the pad now. */
	lo = (uintptr_t)sbrk(0);
	if ((p = malloc(HEAP_GROW)) == NULL)
		return;
	hi = (uintptr_t)sbrk(0);
	free(p);
	/* Small commands stay in small pages: zeroing a 2 MiB page for the
	 * few KiB a listing of the root needs would cost start-up time. */
	lo = (lo + HEAP_SMALL + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi &= ~(HUGE_PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
}
