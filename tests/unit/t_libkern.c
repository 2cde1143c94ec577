/*
 * t_libkern.c: tests of the freestanding C library (kern/lib/).
 *
 * Oracles: the mem* routines against plain byte loops written here, over
 * every combination of small alignments and lengths (the word paths
 * start at 4 words); snprintf against strings worked out by hand from the
 * C standard; qsort against an insertion sort; the CRCs against their
 * published check values (the CRC catalogue's "123456789", RFC 3720's
 * iSCSI vectors) and against bit-at-a-time implementations of their
 * definitions; kstrtou64 against hand-computed values and limits.
 */
#define LIBKERN_NO_BUILTINS	/* the routines themselves */
#include <sys/systm.h>
#include "tests/unit/ktest.h"

KTEST(libkern_memcpy);
KTEST(libkern_memmove);
KTEST(libkern_memset);
KTEST(libkern_memcmp);
KTEST(libkern_memchr);
KTEST(libkern_str);
KTEST(libkern_strl);
KTEST(libkern_strsep);
KTEST(libkern_snprintf);
KTEST(libkern_snprintf_trunc);
KTEST(libkern_qsort);
KTEST(libkern_crc_check);
KTEST(libkern_crc_bitwise);
KTEST(libkern_kstrtou64);
KTEST(libkern_endian);
KTEST(libkern_bitops);

#define TB_SIZE		320	/* test buffers: room for offsets and guards */

static uint8_t tb_src[TB_SIZE], tb_dst[TB_SIZE], tb_ref[TB_SIZE];

/* A byte pattern that repeats only every 251 bytes. */
static void
tb_fill(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((i * 7 + seed) % 251 + 1);
}

/* Byte-by-byte comparison that does not use the memcmp under test. */
static bool
tb_same(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* The lengths tried: all small ones, then some around word multiples. */
static const size_t tb_lens[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 34, 39, 40,
	41, 63, 64, 65, 100, 127, 128, 129, 200, 255
};

KTEST(libkern_memcpy)
{
	size_t so, doff, li, n, i;
	void *r;
	int bad = 0;

	tb_fill(tb_src, TB_SIZE, 3);
	for (so = 0; so < 9; so++)
	for (doff = 0; doff < 9; doff++)
	for (li = 0; li < __arraycount(tb_lens); li++) {
		n = tb_lens[li];
		for (i = 0; i < TB_SIZE; i++)
			tb_dst[i] = tb_ref[i] = 0xee;
		for (i = 0; i < n; i++)
			tb_ref[16 + doff + i] = tb_src[so + i];
		r = memcpy(tb_dst + 16 + doff, tb_src + so, n);
		if (r != tb_dst + 16 + doff || !tb_same(tb_dst, tb_ref,
		    TB_SIZE))
			bad++;
	}
	KT_EQ(t, bad, 0);
}

/*
 * Overlapping moves in both directions: the reference goes through a
 * separate buffer, which is what memmove must behave like.
 */
KTEST(libkern_memmove)
{
	uint8_t tmp[TB_SIZE];
	size_t li, n, i, s0;
	int shift, bad = 0;
	void *r;

	for (s0 = 20; s0 < 29; s0++)
	for (shift = -19; shift <= 19; shift++)
	for (li = 0; li < __arraycount(tb_lens); li++) {
		n = tb_lens[li];
		if (s0 + (size_t)(shift + 19) + n + 19 > TB_SIZE)
			continue;
		tb_fill(tb_dst, TB_SIZE, (unsigned)s0);
		tb_fill(tb_ref, TB_SIZE, (unsigned)s0);
		for (i = 0; i < n; i++)
			tmp[i] = tb_ref[s0 + i];
		for (i = 0; i < n; i++)
			tb_ref[s0 + (size_t)shift + i] = tmp[i];
		r = memmove(tb_dst + s0 + shift, tb_dst + s0, n);
		if (r != tb_dst + s0 + shift || !tb_same(tb_dst, tb_ref,
		    TB_SIZE))
			bad++;
	}
	KT_EQ(t, bad, 0);
}

KTEST(libkern_memset)
{
	static const int vals[] = { 0, 0xab, 0x1ff, -1, 0x100 };
	size_t off, li, vi, n, i;
	int bad = 0;
	void *r;

	for (off = 0; off < 9; off++)
	for (li = 0; li < __arraycount(tb_lens); li++)
	for (vi = 0; vi < __arraycount(vals); vi++) {
		n = tb_lens[li];
		tb_fill(tb_dst, TB_SIZE, 5);
		tb_fill(tb_ref, TB_SIZE, 5);
		/* memset stores (unsigned char)c. */
		for (i = 0; i < n; i++)
			tb_ref[8 + off + i] = (uint8_t)vals[vi];
		r = memset(tb_dst + 8 + off, vals[vi], n);
		if (r != tb_dst + 8 + off || !tb_same(tb_dst, tb_ref, TB_SIZE))
			bad++;
	}
	KT_EQ(t, bad, 0);
}

static int
sign(int x)
{
	return x < 0 ? -1 : x > 0;
}

KTEST(libkern_memcmp)
{
	size_t ao, bo, li, n, d;
	int bad = 0;

	tb_fill(tb_src, TB_SIZE, 9);
	for (ao = 0; ao < 9; ao++)
	for (bo = 0; bo < 9; bo++)
	for (li = 0; li < __arraycount(tb_lens); li++) {
		n = tb_lens[li];
		memset(tb_dst, 0, TB_SIZE);
		memset(tb_ref, 0, TB_SIZE);
		/* Same contents at different alignments. */
		tb_fill(tb_dst + ao, n, 9);
		tb_fill(tb_ref + bo, n + 1, 9);
		tb_ref[bo + n] ^= 0xff;		/* just past the range */
		if (memcmp(tb_dst + ao, tb_ref + bo, n) != 0)
			bad++;
		/* One byte differs: the sign follows it as unsigned. */
		for (d = 0; d < n; d += 1 + d / 4) {
			tb_ref[bo + d] = 0x80;
			tb_dst[ao + d] = 0x7f;
			if (sign(memcmp(tb_dst + ao, tb_ref + bo, n)) != -1 ||
			    sign(memcmp(tb_ref + bo, tb_dst + ao, n)) != 1)
				bad++;
			tb_fill(tb_dst + ao, n, 9);
			tb_fill(tb_ref + bo, n, 9);
		}
	}
	KT_EQ(t, bad, 0);
	/* The first difference decides, not a later larger one. */
	KT_ASSERT(t, memcmp("abcz", "abdA", 4) < 0);
	KT_ASSERT(t, memcmp("\xff", "\x01", 1) > 0);
	KT_EQ(t, memcmp("", "x", 0), 0);
}

KTEST(libkern_memchr)
{
	size_t off, li, n, pos;
	int bad = 0;

	for (off = 0; off < 9; off++)
	for (li = 0; li < __arraycount(tb_lens); li++) {
		n = tb_lens[li];
		memset(tb_dst, 'a', TB_SIZE);
		tb_dst[off + n] = 'z';	/* just past the range: not found */
		if (memchr(tb_dst + off, 'z', n) != NULL)
			bad++;
		for (pos = 0; pos < n; pos++) {
			tb_dst[off + pos] = 'z';
			if (pos + 1 < n)
				tb_dst[off + pos + 1] = 'z';	/* later one */
			if (memchr(tb_dst + off, 'z', n) != tb_dst + off + pos)
				bad++;
			tb_dst[off + pos] = 'a';
			if (pos + 1 < n)
				tb_dst[off + pos + 1] = 'a';
		}
	}
	KT_EQ(t, bad, 0);
	/* c is converted to unsigned char. */
	memset(tb_dst, 0, 64);
	tb_dst[40] = 0xff;
	tb_dst[50] = 'a';
	KT_ASSERT(t, memchr(tb_dst, -1, 64) == tb_dst + 40);
	KT_ASSERT(t, memchr(tb_dst, 0x100 + 'a', 64) == tb_dst + 50);
	KT_ASSERT(t, memchr(tb_dst, 0, 64) == tb_dst);
	KT_ASSERT(t, memchr(tb_dst + 1, 'q', 63) == NULL);
}

KTEST(libkern_str)
{
	static const char s[] = "hello, world";
	char big[300];

	KT_EQ(t, strlen(""), 0);
	KT_EQ(t, strlen(s), 12);
	memset(big, 'x', sizeof(big));
	big[299] = '\0';
	KT_EQ(t, strlen(big + 3), 296);
	KT_EQ(t, strnlen(s, 5), 5);
	KT_EQ(t, strnlen(s, 100), 12);
	KT_EQ(t, strnlen("abc", 0), 0);

	KT_EQ(t, strcmp("abc", "abc"), 0);
	KT_ASSERT(t, strcmp("abc", "abd") < 0);
	KT_ASSERT(t, strcmp("abc", "ab") > 0);
	KT_ASSERT(t, strcmp("", "a") < 0);
	KT_ASSERT(t, strcmp("\x80", "\x7f") > 0);	/* as unsigned */
	KT_EQ(t, strncmp("abcdef", "abcxyz", 3), 0);
	KT_ASSERT(t, strncmp("abcdef", "abcxyz", 4) < 0);
	KT_EQ(t, strncmp("ab", "ab\0z", 10), 0);
	KT_EQ(t, strncmp("x", "y", 0), 0);
	KT_ASSERT(t, strncmp("\xe9", "e", 1) > 0);

	KT_EQ(t, strncasecmp("HeLLo", "hello", 5), 0);
	KT_EQ(t, strncasecmp("HeLLo!", "hello?", 5), 0);
	KT_ASSERT(t, strncasecmp("abc", "ABD", 3) < 0);
	KT_ASSERT(t, strncasecmp("b", "A", 1) > 0);
	KT_ASSERT(t, strncasecmp("[", "{", 1) != 0);	/* not letters */
	KT_ASSERT(t, strncasecmp("\xc9", "\xe9", 1) != 0);	/* no locale */
	KT_EQ(t, strncasecmp("ab", "AB\0x", 8), 0);

	KT_ASSERT(t, strchr(s, 'o') == s + 4);
	KT_ASSERT(t, strrchr(s, 'o') == s + 8);
	KT_ASSERT(t, strchr(s, 'h') == s);
	KT_ASSERT(t, strrchr(s, 'h') == s);
	KT_ASSERT(t, strchr(s, 'q') == NULL);
	KT_ASSERT(t, strrchr(s, 'q') == NULL);
	KT_ASSERT(t, strchr(s, '\0') == s + 12);
	KT_ASSERT(t, strrchr(s, '\0') == s + 12);
	KT_ASSERT(t, strchr("a\xff", 0xff) != NULL);
}

KTEST(libkern_strl)
{
	char b[8];

	memset(b, 'x', sizeof(b));
	KT_EQ(t, strlcpy(b, "abc", sizeof(b)), 3);
	KT_STREQ(t, b, "abc");
	KT_EQ(t, strlcpy(b, "abcdefghij", sizeof(b)), 10);
	KT_STREQ(t, b, "abcdefg");
	KT_EQ(t, strlcpy(b, "abcdefg", sizeof(b)), 7);	/* exactly fits */
	KT_STREQ(t, b, "abcdefg");
	b[0] = 'q';
	KT_EQ(t, strlcpy(b, "zz", 0), 2);		/* size 0: untouched */
	KT_EQ(t, b[0], 'q');
	KT_EQ(t, strlcpy(b, "zz", 1), 2);
	KT_EQ(t, b[0], '\0');

	strlcpy(b, "ab", sizeof(b));
	KT_EQ(t, strlcat(b, "cd", sizeof(b)), 4);
	KT_STREQ(t, b, "abcd");
	KT_EQ(t, strlcat(b, "efghij", sizeof(b)), 10);
	KT_STREQ(t, b, "abcdefg");
	KT_EQ(t, strlcat(b, "x", sizeof(b)), 8);	/* already full */
	KT_STREQ(t, b, "abcdefg");
	/* No NUL within size: size + strlen(s), buffer left alone. */
	memset(b, 'y', sizeof(b));
	KT_EQ(t, strlcat(b, "abc", 4), 7);
	KT_EQ(t, b[3], 'y');
	KT_EQ(t, b[4], 'y');
}

KTEST(libkern_strsep)
{
	char buf[] = "a,,b;c";
	char *p = buf, *tok;

	tok = strsep(&p, ",;");
	KT_STREQ(t, tok, "a");
	tok = strsep(&p, ",;");
	KT_STREQ(t, tok, "");			/* empty token kept */
	tok = strsep(&p, ",;");
	KT_STREQ(t, tok, "b");
	tok = strsep(&p, ",;");
	KT_STREQ(t, tok, "c");
	KT_ASSERT(t, p == NULL);
	KT_ASSERT(t, strsep(&p, ",;") == NULL);
}

/* snprintf into a roomy buffer: the text and the returned length. */
#define SNP(exp, ...) do {						\
	char _b[128];							\
	int _n = snprintf(_b, sizeof(_b), __VA_ARGS__);			\
	KT_STREQ(t, _b, exp);						\
	KT_EQ(t, _n, strlen(exp));					\
} while (0)

/* Bad formats, kept from the compiler's format checks. */
static const char *volatile snp_fmt_unknown = "a%yb";
static const char *volatile snp_fmt_trailing = "a%";
/* Legal but warned about: '0' with '-', '0' with a precision. */
static const char *volatile snp_fmt_leftzero = "%-05d|";
static const char *volatile snp_fmt_zeroprec = "%08.3d";
static const char *volatile snp_null = NULL;
/* hh and h with int arguments, which clang's format check refuses. */
static const char *volatile snp_fmt_hh[] = { "%hhd %hu", "%hhd", "%hhu" };

KTEST(libkern_snprintf)
{
	SNP("42 -7 0", "%d %d %d", 42, -7, 0);
	SNP("-2147483648 2147483647", "%d %i", -2147483647 - 1, 2147483647);
	SNP("4294967295", "%u", 0xffffffffU);
	SNP("deadbeef DEADBEEF", "%x %X", 0xdeadbeefU, 0xdeadbeefU);
	SNP("-9223372036854775808", "%lld", -9223372036854775807LL - 1);
	SNP("18446744073709551615", "%llu", 18446744073709551615ULL);
	SNP("ffffffffffffffff", "%llx", ~0ULL);
	SNP("123456789012", "%zu", (size_t)123456789012ULL);
	SNP("-5", "%ld", -5L);
	SNP("777", "%o", 0777);
	SNP("hi there", "%s %s", "hi", "there");
	SNP("(null)", "%s", snp_null);
	SNP("0x1234", "%p", (void *)(uintptr_t)0x1234);
	SNP("0xabcdef", "%p", (void *)(uintptr_t)0xabcdef);
	SNP("x", "%c", 'x');
	SNP("100%", "%d%%", 100);
	SNP("%", "%%");

	/* Width, '-' and '0'. */
	SNP("   42", "%5d", 42);
	SNP("42   |", "%-5d|", 42);
	SNP("00042", "%05d", 42);
	SNP("-0042", "%05d", -42);
	SNP("42", "%1d", 42);			/* too narrow: not cut */
	SNP("  abc", "%5s", "abc");
	SNP("abc  |", "%-5s|", "abc");
	SNP("    x", "%5c", 'x');
	SNP("x    |", "%-5c|", 'x');
	SNP("0x00ff", "%#06x", 255);
	SNP("  0xff", "%#6x", 255);
	SNP("   7", "%*d", 4, 7);
	SNP("7   |", "%*d|", -4, 7);		/* negative '*': '-' */
	SNP("7   |", "%-*d|", 4, 7);
	SNP("42   |", snp_fmt_leftzero, 42);		/* '-' beats '0' */

	/* Precision. */
	SNP("007", "%.3d", 7);
	SNP("-007", "%.3d", -7);
	SNP("     007", "%8.3d", 7);
	SNP("     007", snp_fmt_zeroprec, 7);		/* '0' ignored with prec */
	SNP("", "%.0d", 0);
	SNP("0", "%d", 0);
	SNP("ab", "%.2s", "abc");
	SNP("   ab", "%5.2s", "abcdef");
	SNP("abc", "%.10s", "abc");
	SNP("abc", "%.*s", 3, "abcdef");
	SNP("0000ff", "%.6x", 255);

	/* Flags '+', ' ', '#' and length modifiers. */
	SNP("+5 -5", "%+d %+d", 5, -5);
	SNP(" 5 -5", "% d % d", 5, -5);
	SNP("0xff 0XFF 0", "%#x %#X %#x", 255, 255, 0);
	SNP("010 0", "%#o %#o", 8, 0);
	/* hh and h convert the int argument: kept from clang's checks. */
	SNP("44 1", snp_fmt_hh[0], 300, 65537);
	SNP("-1", snp_fmt_hh[1], 255);
	SNP("255", snp_fmt_hh[2], -1);

	/* Unknown conversions are shown as they stand. */
	SNP("a%yb", snp_fmt_unknown, 0);
	SNP("a%", snp_fmt_trailing, 0);
}

KTEST(libkern_snprintf_trunc)
{
	char b[16];

	memset(b, 'q', sizeof(b));
	KT_EQ(t, snprintf(b, 5, "hello world"), 11);
	KT_STREQ(t, b, "hell");
	KT_EQ(t, b[5], 'q');
	memset(b, 'q', sizeof(b));
	KT_EQ(t, snprintf(b, 0, "%d", 12345), 5);	/* size 0: no write */
	KT_EQ(t, b[0], 'q');
	KT_EQ(t, snprintf(NULL, 0, "%s-%d", "abc", 99), 6);
	KT_EQ(t, snprintf(b, 1, "abc"), 3);
	KT_EQ(t, b[0], '\0');
	KT_EQ(t, snprintf(b, 6, "%5d%s", 42, "xyz"), 8);
	KT_STREQ(t, b, "   42");
	KT_EQ(t, snprintf(b, 6, "abcdef"), 6);	/* one too long */
	KT_STREQ(t, b, "abcde");
	KT_EQ(t, snprintf(b, 7, "abcdef"), 6);	/* just fits */
	KT_STREQ(t, b, "abcdef");
}

/*
 * qsort.
 */

#define QS_MAX	3000

/* A 3-byte element (byte swaps) and a 24-byte one (word swaps). */
struct qs3 {
	uint8_t	q3_b[3];	/* key, big-endian */
};
struct qs24 {
	uint64_t q24_key;	/* sort key */
	uint64_t q24_id;	/* original position: checks the permutation */
	uint64_t q24_pad;	/* filler */
};

static uint64_t qs_a[QS_MAX * 3], qs_b[QS_MAX * 3];	/* 24 B elements */
static long qs_ncmp;		/* comparisons made by the last sort */

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	qs_ncmp++;
	return x < y ? -1 : x > y;
}

static int
cmp_qs3(const void *a, const void *b)
{
	const struct qs3 *x = a, *y = b;
	uint32_t kx, ky;

	qs_ncmp++;
	kx = (uint32_t)x->q3_b[0] << 16 | x->q3_b[1] << 8 | x->q3_b[2];
	ky = (uint32_t)y->q3_b[0] << 16 | y->q3_b[1] << 8 | y->q3_b[2];
	return kx < ky ? -1 : kx > ky;
}

static int
cmp_qs24(const void *a, const void *b)
{
	const struct qs24 *x = a, *y = b;

	qs_ncmp++;
	return x->q24_key < y->q24_key ? -1 : x->q24_key > y->q24_key;
}

/* The reference: a plain insertion sort, byte swaps. */
static void
isort(void *base, size_t n, size_t size, int (*cmp)(const void *,
    const void *))
{
	uint8_t *p = base, tmp;
	size_t i, j, k;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cmp(p + (j - 1) * size, p + j * size) > 0;
		    j--)
			for (k = 0; k < size; k++) {
				tmp = p[(j - 1) * size + k];
				p[(j - 1) * size + k] = p[j * size + k];
				p[j * size + k] = tmp;
			}
}

/* Key number i of pattern pat for n elements. */
static uint32_t
qs_key(int pat, size_t i, size_t n, uint32_t *rnd)
{
	switch (pat) {
	case 0:		/* random */
		*rnd = *rnd * 1103515245 + 12345;
		return *rnd >> 8;
	case 1:		/* sorted */
		return (uint32_t)i;
	case 2:		/* reversed */
		return (uint32_t)(n - i);
	case 3:		/* all equal */
		return 7;
	case 4:		/* organ pipe */
		return (uint32_t)(i < n / 2 ? i : n - i);
	default:	/* few distinct values */
		*rnd = *rnd * 1103515245 + 12345;
		return (*rnd >> 16) % 4;
	}
}

/* Sort n elements of each kind in pattern pat; failures. */
static int
qs_one(size_t n, int pat)
{
	int *ia = (int *)qs_a, *ib = (int *)qs_b;
	struct qs3 *ta = (struct qs3 *)qs_a, *tb = (struct qs3 *)qs_b;
	struct qs24 *wa = (struct qs24 *)qs_a, *wb = (struct qs24 *)qs_b;
	uint32_t rnd = (uint32_t)(n * 31 + (size_t)pat), k;
	int bad = 0, lg = fls64(n) + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		k = qs_key(pat, i, n, &rnd);
		ia[i] = ib[i] = (int)(k & 0xffffff) - 0x800000;
	}
	qs_ncmp = 0;
	qsort(ia, n, sizeof(int), cmp_int);
	bad += qs_ncmp > (long)(4 * n * (size_t)lg + 16);
	isort(ib, n, sizeof(int), cmp_int);
	bad += !tb_same((uint8_t *)ia, (uint8_t *)ib, n * sizeof(int));

	for (i = 0; i < n; i++) {
		k = qs_key(pat, i, n, &rnd);
		ta[i].q3_b[0] = tb[i].q3_b[0] = (uint8_t)(k >> 16);
		ta[i].q3_b[1] = tb[i].q3_b[1] = (uint8_t)(k >> 8);
		ta[i].q3_b[2] = tb[i].q3_b[2] = (uint8_t)k;
	}
	qsort(ta, n, sizeof(*ta), cmp_qs3);
	isort(tb, n, sizeof(*tb), cmp_qs3);
	bad += !tb_same((uint8_t *)ta, (uint8_t *)tb, n * sizeof(*ta));

	for (i = 0; i < n; i++) {
		wa[i].q24_key = qs_key(pat, i, n, &rnd);
		wa[i].q24_id = i;
		wa[i].q24_pad = ~(uint64_t)i;
	}
	qsort(wa, n, sizeof(*wa), cmp_qs24);
	/* Keys in order; every element present once and intact. */
	for (i = 0; i < n; i++)
		wb[i].q24_key = 0;
	for (i = 0; i < n; i++) {
		if (i > 0 && wa[i - 1].q24_key > wa[i].q24_key)
			bad++;
		if (wa[i].q24_id >= n || wa[i].q24_pad != ~wa[i].q24_id ||
		    wb[wa[i].q24_id].q24_key++ != 0)
			bad++;
	}
	return bad;
}

/*
 * McIlroy's adversary ("A killer adversary for quicksort", 1999): values
 * are decided lazily, as the sort compares them, so that every pivot
 * turns out bad.  Against a plain quicksort it forces ~n^2/4 comparisons;
 * introsort must stay O(n log n) and still sort consistently.
 */
static int adv_val[QS_MAX];	/* decided values; adv_gas if undecided */
static int adv_gas;		/* larger than any decided value */
static int adv_nsolid;		/* next value to decide */
static int adv_cand;		/* likely pivot */

static int
cmp_adversary(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	qs_ncmp++;
	if (adv_val[x] == adv_gas && adv_val[y] == adv_gas) {
		if (x == adv_cand)
			adv_val[x] = adv_nsolid++;
		else
			adv_val[y] = adv_nsolid++;
	}
	if (adv_val[x] == adv_gas)
		adv_cand = x;
	else if (adv_val[y] == adv_gas)
		adv_cand = y;
	return adv_val[x] < adv_val[y] ? -1 : adv_val[x] > adv_val[y];
}

/* Failures of qsort against the adversary on n elements. */
static int
qs_adversary(size_t n)
{
	int *ia = (int *)qs_a, *ib = (int *)qs_b;
	long bound = (long)(4 * n * (size_t)(fls64(n) + 1));
	int bad = 0;
	size_t i;

	adv_gas = (int)n;
	adv_nsolid = 0;
	adv_cand = 0;
	for (i = 0; i < n; i++) {
		ia[i] = (int)i;
		adv_val[i] = adv_gas;
	}
	qs_ncmp = 0;
	qsort(ia, n, sizeof(int), cmp_adversary);
	bad += qs_ncmp > bound;
	for (i = 1; i < n; i++)
		bad += adv_val[ia[i - 1]] > adv_val[ia[i]];
	/* The input it built, sorted again as plain numbers. */
	for (i = 0; i < n; i++)
		ia[i] = ib[i] = adv_val[i];
	qs_ncmp = 0;
	qsort(ia, n, sizeof(int), cmp_int);
	bad += qs_ncmp > bound;
	isort(ib, n, sizeof(int), cmp_int);
	bad += !tb_same((uint8_t *)ia, (uint8_t *)ib, n * sizeof(int));
	return bad;
}

KTEST(libkern_qsort)
{
	static const size_t sizes[] = {
		0, 1, 2, 3, 5, 12, 13, 14, 31, 100, 257, 1000, QS_MAX
	};
	size_t si;
	int pat, bad = 0;

	for (si = 0; si < __arraycount(sizes); si++)
		for (pat = 0; pat < 6; pat++)
			bad += qs_one(sizes[si], pat);
	KT_EQ(t, bad, 0);
	KT_EQ(t, qs_adversary(100), 0);
	KT_EQ(t, qs_adversary(QS_MAX), 0);
}

/*
 * CRCs.
 */

static const char crc_check[] = "123456789";

/* Reflected CRC, bit by bit, straight from the definition. */
static uint32_t
crc_bitwise(uint32_t poly, uint32_t crc, const uint8_t *p, size_t len)
{
	int k;

	for (; len > 0; len--, p++) {
		crc ^= *p;
		for (k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
	}
	return crc;
}

KTEST(libkern_crc_check)
{
	static const char fox[] =
	    "The quick brown fox jumps over the lazy dog";

	/* Catalogue check values: CRC-32C, CRC-32, CRC-16/ARC, /MODBUS. */
	KT_EQ(t, crc32c(~0U, crc_check, 9) ^ ~0U, 0xe3069283);
	KT_EQ(t, crc32(~0U, crc_check, 9) ^ ~0U, 0xcbf43926);
	KT_EQ(t, crc16(0, crc_check, 9), 0xbb3d);
	KT_EQ(t, crc16(0xffff, crc_check, 9), 0x4b37);
	KT_EQ(t, crc32(~0U, fox, sizeof(fox) - 1) ^ ~0U, 0x414fa339);
	/* Empty input leaves the register alone. */
	KT_EQ(t, crc32c(0x12345678, crc_check, 0), 0x12345678);
	KT_EQ(t, crc16(0xbeef, crc_check, 0), 0xbeef);

	/* RFC 3720's CRC-32C vectors: t_crc32c.c, for both of its paths. */
}

/*
 * Table-driven (slice-by-8) against bit-by-bit, at every alignment and
 * many lengths, and in pieces (a CRC can be carried across calls).
 */
KTEST(libkern_crc_bitwise)
{
	size_t off, len, cut;
	int bad = 0;

	tb_fill(tb_src, TB_SIZE, 77);
	for (off = 0; off < 8; off++) {
		for (len = 0; len < 300; len += 1 + len / 16) {
			if (crc32c(~0U, tb_src + off, len) !=
			    crc_bitwise(0x82f63b78, ~0U, tb_src + off, len))
				bad++;
			if (crc32(~0U, tb_src + off, len) !=
			    crc_bitwise(0xedb88320, ~0U, tb_src + off, len))
				bad++;
			if (crc16(0xffff, tb_src + off, len) !=
			    crc_bitwise(0xa001, 0xffff, tb_src + off, len))
				bad++;
			cut = len / 3;
			if (crc32c(crc32c(5, tb_src + off, cut),
			    tb_src + off + cut, len - cut) !=
			    crc32c(5, tb_src + off, len))
				bad++;
		}
	}
	KT_EQ(t, bad, 0);
}

/* kstrtou64 of s in base: the error, the value in *v (or 0xbad). */
static int
kst(const char *s, int base, uint64_t *v)
{
	*v = 0xbad;
	return kstrtou64(s, base, v);
}

KTEST(libkern_kstrtou64)
{
	uint64_t v;

	KT_EQ(t, kst("0", 0, &v), 0);
	KT_EQ(t, v, 0);
	KT_EQ(t, kst("123", 0, &v), 0);
	KT_EQ(t, v, 123);
	KT_EQ(t, kst("0x1F", 0, &v), 0);
	KT_EQ(t, v, 31);
	KT_EQ(t, kst("0X1f", 0, &v), 0);
	KT_EQ(t, v, 31);
	KT_EQ(t, kst("017", 0, &v), 0);
	KT_EQ(t, v, 15);
	KT_EQ(t, kst("017", 10, &v), 0);
	KT_EQ(t, v, 17);
	KT_EQ(t, kst("ff", 16, &v), 0);
	KT_EQ(t, v, 255);
	KT_EQ(t, kst("0xff", 16, &v), 0);
	KT_EQ(t, v, 255);
	KT_EQ(t, kst("101", 2, &v), 0);
	KT_EQ(t, v, 5);
	KT_EQ(t, kst("zZ", 36, &v), 0);
	KT_EQ(t, v, 35 * 36 + 35);

	/* Limits: 2^64 - 1 fits, 2^64 does not, in every base. */
	KT_EQ(t, kst("18446744073709551615", 10, &v), 0);
	KT_EQ(t, v, UINT64_MAX);
	KT_EQ(t, kst("0xffffffffffffffff", 0, &v), 0);
	KT_EQ(t, v, UINT64_MAX);
	KT_EQ(t, kst("01777777777777777777777", 0, &v), 0);
	KT_EQ(t, v, UINT64_MAX);
	KT_EQ(t, kst("18446744073709551616", 10, &v), ERANGE);
	KT_EQ(t, v, 0xbad);
	KT_EQ(t, kst("18446744073709551620", 10, &v), ERANGE);
	KT_EQ(t, kst("99999999999999999999999", 10, &v), ERANGE);
	KT_EQ(t, kst("0x10000000000000000", 0, &v), ERANGE);
	KT_EQ(t, kst("02000000000000000000000", 0, &v), ERANGE);

	/* No suffixes, signs, spaces or stray characters. */
	KT_EQ(t, kst("64M", 0, &v), EINVAL);
	KT_EQ(t, kst("4k", 10, &v), EINVAL);
	KT_EQ(t, kst("", 0, &v), EINVAL);
	KT_EQ(t, kst("0x", 0, &v), EINVAL);
	KT_EQ(t, kst("0x", 16, &v), EINVAL);
	KT_EQ(t, kst("08", 0, &v), EINVAL);
	KT_EQ(t, kst("12a", 10, &v), EINVAL);
	KT_EQ(t, kst("-1", 0, &v), EINVAL);
	KT_EQ(t, kst("+1", 0, &v), EINVAL);
	KT_EQ(t, kst(" 1", 0, &v), EINVAL);
	KT_EQ(t, kst("1 ", 0, &v), EINVAL);
	KT_EQ(t, kst("0x1", 10, &v), EINVAL);
	KT_EQ(t, kst("2", 2, &v), EINVAL);
	/* A bad character wins over an overflow before it. */
	KT_EQ(t, kst("99999999999999999999999x", 10, &v), EINVAL);
	KT_EQ(t, v, 0xbad);
	KT_EQ(t, kst("1", 1, &v), EINVAL);
	KT_EQ(t, kst("1", 37, &v), EINVAL);
	KT_EQ(t, kst("1", -2, &v), EINVAL);
}

KTEST(libkern_endian)
{
	static const uint8_t in[10] = {
		0xaa, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xbb
	};
	uint8_t out[10];
	int off;

	/* Odd addresses: the codecs must not care about alignment. */
	KT_EQ(t, le16dec(in + 1), 0x0201);
	KT_EQ(t, be16dec(in + 1), 0x0102);
	KT_EQ(t, le32dec(in + 1), 0x04030201);
	KT_EQ(t, be32dec(in + 1), 0x01020304);
	KT_EQ(t, le64dec(in + 1), 0x0807060504030201ULL);
	KT_EQ(t, be64dec(in + 1), 0x0102030405060708ULL);
	KT_EQ(t, le16dec(in + 8), 0xbb08);
	KT_EQ(t, be32dec(in), 0xaa010203);

	for (off = 0; off < 2; off++) {
		memset(out, 0xcc, sizeof(out));
		le64enc(out + off, 0x0807060504030201ULL);
		KT_ASSERT(t, tb_same(out + off, in + 1, 8));
		KT_EQ(t, out[off + 8], 0xcc);
		memset(out, 0xcc, sizeof(out));
		be64enc(out + off, 0x0102030405060708ULL);
		KT_ASSERT(t, tb_same(out + off, in + 1, 8));
		memset(out, 0xcc, sizeof(out));
		le32enc(out + off, 0x04030201);
		KT_ASSERT(t, tb_same(out + off, in + 1, 4));
		KT_EQ(t, out[off + 4], 0xcc);
		be32enc(out + off, 0x01020304);
		KT_ASSERT(t, tb_same(out + off, in + 1, 4));
		le16enc(out + off, 0x0201);
		KT_ASSERT(t, tb_same(out + off, in + 1, 2));
		be16enc(out + off, 0x0102);
		KT_ASSERT(t, tb_same(out + off, in + 1, 2));
		KT_EQ(t, out[off + 4], 0xcc);
	}
	/* Round trips of values with the top bit set. */
	le64enc(out, 0xfedcba9876543210ULL);
	KT_EQ(t, le64dec(out), 0xfedcba9876543210ULL);
	KT_EQ(t, out[0], 0x10);
	be64enc(out, 0xfedcba9876543210ULL);
	KT_EQ(t, be64dec(out), 0xfedcba9876543210ULL);
	KT_EQ(t, out[0], 0xfe);
	le16enc(out, 0x8001);
	KT_EQ(t, le16dec(out), 0x8001);
	be32enc(out, 0x80000001);
	KT_EQ(t, be32dec(out), 0x80000001);
}

KTEST(libkern_bitops)
{
	KT_EQ(t, ffs64(0), 0);
	KT_EQ(t, ffs64(1), 1);
	KT_EQ(t, ffs64(0x80), 8);
	KT_EQ(t, ffs64(0x8000000000000000ULL), 64);
	KT_EQ(t, ffs64(0x0000000100000100ULL), 9);
	KT_EQ(t, fls64(0), 0);
	KT_EQ(t, fls64(1), 1);
	KT_EQ(t, fls64(0x0000000100000100ULL), 33);
	KT_EQ(t, fls64(~0ULL), 64);
	KT_EQ(t, popcount64(0), 0);
	KT_EQ(t, popcount64(~0ULL), 64);
	KT_EQ(t, popcount64(0xf0f0), 8);
}
