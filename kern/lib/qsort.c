/*
 * qsort: sort n elements of the given size in place; not stable.
 *
 * Introsort: quicksort with a median-of-three pivot, recursing into the
 * smaller part and looping on the larger, so the stack holds at most
 * log2(n) frames; small ranges are finished by insertion sort; a range
 * that has been split more than 2 log2(n) times (an adversarial or
 * unlucky input) is handed to heapsort, so the worst case is O(n log n)
 * comparisons and no input can make it quadratic.  Nothing is allocated.
 */
#include <sys/libkern.h>

/* Ranges this short are left to insertion sort. */
#define QS_SMALL	12

typedef int (*qs_cmp_fn)(const void *, const void *);

/* Swapped a long at a time when elements allow; may alias anything. */
typedef long __attribute__((__may_alias__)) qs_word;

struct qs {
	size_t		 qs_size;	/* element size in bytes */
	qs_cmp_fn	 qs_cmp;	/* caller's comparison */
	bool		 qs_words;	/* elements are whole, aligned longs */
};

static void
qs_swap(const struct qs *q, char *a, char *b)
{
	size_t i;

	if (a == b)
		return;
	if (q->qs_words) {
		qs_word *la = (qs_word *)(void *)a, *lb = (qs_word *)(void *)b;
		qs_word t;

		for (i = 0; i < q->qs_size / sizeof(qs_word); i++) {
			t = la[i];
			la[i] = lb[i];
			lb[i] = t;
		}
		return;
	}
	for (i = 0; i < q->qs_size; i++) {
		char t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

static void
qs_insertion(const struct qs *q, char *base, size_t n)
{
	char *i, *j, *end = base + n * q->qs_size;

	for (i = base + q->qs_size; i < end; i += q->qs_size)
		for (j = i; j > base && q->qs_cmp(j - q->qs_size, j) > 0;
		    j -= q->qs_size)
			qs_swap(q, j - q->qs_size, j);
}

/* Move element i of the heap base[0..n) down to its place. */
static void
qs_sift(const struct qs *q, char *base, size_t i, size_t n)
{
	size_t child;

	while ((child = 2 * i + 1) < n) {
		if (child + 1 < n && q->qs_cmp(base + child * q->qs_size,
		    base + (child + 1) * q->qs_size) < 0)
			child++;
		if (q->qs_cmp(base + i * q->qs_size,
		    base + child * q->qs_size) >= 0)
			return;
		qs_swap(q, base + i * q->qs_size, base + child * q->qs_size);
		i = child;
	}
}

static void
qs_heapsort(const struct qs *q, char *base, size_t n)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		qs_sift(q, base, i, n);
	for (i = n; i-- > 1;) {
		qs_swap(q, base, base + i * q->qs_size);
		qs_sift(q, base, 0, i);
	}
}

/*
 * Partition base[0..n) (n > QS_SMALL) around the median of its first,
 * middle and last elements; returns the pivot's final index.  The median
 * of three also leaves sentinels at both ends, so the scans below cannot
 * run off the range.
 */
static size_t
qs_partition(const struct qs *q, char *base, size_t n)
{
	size_t sz = q->qs_size;
	char *lo = base, *mid = base + (n / 2) * sz, *hi = base + (n - 1) * sz;
	char *i, *j;

	if (q->qs_cmp(mid, lo) < 0)
		qs_swap(q, mid, lo);
	if (q->qs_cmp(hi, mid) < 0) {
		qs_swap(q, hi, mid);
		if (q->qs_cmp(mid, lo) < 0)
			qs_swap(q, mid, lo);
	}
	/* Park the pivot at lo + 1; lo and hi are sentinels. */
	qs_swap(q, mid, lo + sz);
	i = lo + sz;
	j = hi;
	for (;;) {
		do
			i += sz;
		while (q->qs_cmp(i, lo + sz) < 0);
		do
			j -= sz;
		while (q->qs_cmp(j, lo + sz) > 0);
		if (i >= j)
			break;
		qs_swap(q, i, j);
	}
	qs_swap(q, lo + sz, j);
	return (size_t)(j - base) / sz;
}

static void
qs_intro(const struct qs *q, char *base, size_t n, int depth)
{
	size_t p;

	while (n > QS_SMALL) {
		if (depth-- == 0) {
			qs_heapsort(q, base, n);
			return;
		}
		p = qs_partition(q, base, n);
		/* Recurse into the smaller side, loop on the larger. */
		if (p < n - p - 1) {
			qs_intro(q, base, p, depth);
			base += (p + 1) * q->qs_size;
			n -= p + 1;
		} else {
			qs_intro(q, base + (p + 1) * q->qs_size, n - p - 1,
			    depth);
			n = p;
		}
	}
	qs_insertion(q, base, n);
}

void
qsort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	struct qs q = { size, cmp, false };

	if (n < 2 || size == 0)
		return;
	q.qs_words = size % sizeof(qs_word) == 0 &&
	    ((uintptr_t)base & (sizeof(qs_word) - 1)) == 0;
	qs_intro(&q, base, n, 2 * fls64(n));
}
