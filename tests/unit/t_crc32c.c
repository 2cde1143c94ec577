/*
 * t_crc32c.c: the two CRC-32C paths, the host's CPU routine
 * (hyp_crc32c_fn, what crc32c uses once kern_init installed it) and the
 * kernel's tables (crc32c_sw).
 *
 * Oracles: published check values (the CRC catalogue's "123456789",
 * RFC 3720's iSCSI vectors) for each path, a bit-at-a-time
 * implementation of the definition for the tables, and the tables for
 * the CPU routine on random data at every alignment, with lengths from 0
 * to 4 KiB and the register carried across split calls.  Without a CPU
 * routine the comparison is reported as SKIP and the tables are still
 * checked.
 */
#include <sys/systm.h>
#include <hyp/hyp.h>
#include "tests/unit/ktest.h"

KTEST(crc32c_vectors);
KTEST(crc32c_dispatch);
KTEST(crc32c_hw_random);

#define CB_SIZE	(4096 + 16)

static uint8_t cb_buf[CB_SIZE];

/* CRC-32C bit by bit, from the reflected polynomial. */
static uint32_t
crc_bits(uint32_t crc, const uint8_t *p, size_t len)
{
	int k;

	for (; len > 0; len--, p++) {
		crc ^= *p;
		for (k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ 0x82f63b78U : crc >> 1;
	}
	return crc;
}

/* xorshift64: reproducible from the seed printed on failure. */
static uint64_t
cb_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Check one routine against the published vectors. */
static void
crc_vectors(struct ktest *t, crc32c_fn_t fn)
{
	uint8_t v[32];
	int i;

	KT_EQ(t, fn(~0U, "123456789", 9) ^ ~0U, 0xe3069283);
	KT_EQ(t, fn(0x12345678, v, 0), 0x12345678);
	memset(v, 0, sizeof(v));
	KT_EQ(t, fn(~0U, v, 32) ^ ~0U, 0x8a9136aa);
	memset(v, 0xff, sizeof(v));
	KT_EQ(t, fn(~0U, v, 32) ^ ~0U, 0x62a8ab43);
	for (i = 0; i < 32; i++)
		v[i] = (uint8_t)i;
	KT_EQ(t, fn(~0U, v, 32) ^ ~0U, 0x46dd794e);
	for (i = 0; i < 32; i++)
		v[i] = (uint8_t)(31 - i);
	KT_EQ(t, fn(~0U, v, 32) ^ ~0U, 0x113fdb5c);
}

static uint32_t
crc_sw64(uint32_t crc, const void *buf, uint64_t len)
{
	return crc32c_sw(crc, buf, (size_t)len);
}

KTEST(crc32c_vectors)
{
	crc32c_fn_t hw = hyp_crc32c_fn();

	crc_vectors(t, crc_sw64);
	KT_EQ(t, crc32c_sw(~0U, "123456789", 9),
	    crc_bits(~0U, (const uint8_t *)"123456789", 9));
	if (hw == NULL) {
		printf("SKIP: crc32c CPU routine vectors (the host has none "
		    "on this CPU)\n");
		return;
	}
	crc_vectors(t, hw);
}

/* crc32c dispatches to what kern_init installed, and back to tables. */
KTEST(crc32c_dispatch)
{
	crc32c_fn_t saved = crc32c_accel();

	KT_ASSERT(t, saved == NULL || saved == hyp_crc32c_fn());
	crc32c_set_accel(NULL);
	KT_EQ(t, crc32c(~0U, "123456789", 9) ^ ~0U, 0xe3069283);
	crc32c_set_accel(saved);
	KT_EQ(t, crc32c(~0U, "123456789", 9) ^ ~0U, 0xe3069283);
	KT_ASSERT(t, crc32c_accel() == saved);
}

KTEST(crc32c_hw_random)
{
	crc32c_fn_t hw = hyp_crc32c_fn();
	uint64_t seed, s;
	size_t i, off, len, cut;
	uint32_t init, a, b;
	int bad = 0, n;

	KT_REQUIRE_EQ(t, hyp_getrandom(&seed, sizeof(seed)), 0);
	seed |= 1;	/* xorshift needs a non-zero state */
	s = seed;
	for (i = 0; i < CB_SIZE; i++)
		cb_buf[i] = (uint8_t)cb_next(&s);
	/* The tables against the definition on a sample of the data. */
	for (len = 0; len < 600; len += 1 + len / 8)
		if (crc32c_sw(~0U, cb_buf + len % 8, len) !=
		    crc_bits(~0U, cb_buf + len % 8, len))
			bad++;
	KT_EQ(t, bad, 0);
	if (hw == NULL) {
		printf("SKIP: crc32c CPU routine against the tables (the host "
		    "has none on this CPU)\n");
		return;
	}
	for (n = 0; n < 3000; n++) {
		off = (size_t)(cb_next(&s) % 16);
		len = n < 300 ? (size_t)n : (size_t)(cb_next(&s) % 4097);
		init = (uint32_t)cb_next(&s);
		a = hw(init, cb_buf + off, len);
		if (a != crc32c_sw(init, cb_buf + off, len))
			bad++;
		/* Carried across two calls. */
		cut = len == 0 ? 0 : (size_t)(cb_next(&s) % len);
		b = hw(hw(init, cb_buf + off, cut), cb_buf + off + cut,
		    len - cut);
		if (b != a)
			bad++;
	}
	if (bad != 0)
		printf("  crc32c_hw_random: seed %llu\n",
		    (unsigned long long)seed);
	KT_EQ(t, bad, 0);
}
