/*
 * t_hashidx.c: tests of the hash-to-key multimap of directory name
 * indexes (kern/subr_hashidx.c).
 *
 * Oracles: a plain array of (hash, key, live) triples kept beside the
 * index through thousands of random adds and removes, with hashes drawn
 * from a small range so that chains, duplicates and bucket collisions
 * are common; after each step a walk of a hash must yield exactly the
 * model's keys for it.  FNV-1a against its published test vectors
 * (Fowler, Noll, Vo: "", "a", "foobar").  kmem_inuse back to where it
 * was after destroy (no leak).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/hashidx.h>
#include "tests/unit/ktest.h"

KTEST(hashidx_fnv);
KTEST(hashidx_model);
KTEST(hashidx_empty);

#define THX_N		3000	/* model entries at most */
#define THX_HASHES	97	/* distinct hashes drawn */

struct thx_ent {
	uint32_t	h;
	uint64_t	k;
	bool		live;
};

static struct thx_ent thx_model[THX_N];
static bool thx_seen[THX_N];

static uint32_t
thx_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

KTEST(hashidx_fnv)
{
	KT_EQ(t, hashidx_hash("", 0), 0x811c9dc5U);
	KT_EQ(t, hashidx_hash("a", 1), 0xe40c292cU);
	KT_EQ(t, hashidx_hash("foobar", 6), 0xbf9cf968U);
}

/* Every key the index walks for h is live in the model, and all. */
static void
thx_check_hash(struct ktest *t, const struct hashidx *hx, int n, uint32_t h)
{
	struct hashidx_iter it;
	uint64_t key;
	int i, want = 0, got = 0, j;

	memset(thx_seen, 0, sizeof(thx_seen));
	for (i = 0; i < n; i++)
		want += thx_model[i].live && thx_model[i].h == h;
	hashidx_first(hx, h, &it);
	while (hashidx_next(hx, &it, &key)) {
		got++;
		/* Keys are unique in the model: key == index. */
		j = (int)key;
		KT_ASSERT(t, j >= 0 && j < n && thx_model[j].live &&
		    thx_model[j].h == h && !thx_seen[j]);
		if (j >= 0 && j < n)
			thx_seen[j] = true;
		if (got > n + 1)
			break;		/* a loop: stop */
	}
	KT_EQ(t, got, want);
}

KTEST(hashidx_model)
{
	uint64_t base = kmem_inuse(), s = 0x1234567887654321ULL;
	struct hashidx hx;
	int n = 0, step, i, live = 0;
	uint32_t h;

	hashidx_init(&hx);
	for (step = 0; step < 20000; step++) {
		if (n < THX_N && thx_rnd(&s) % 3 != 0) {
			/* Add: hashes spread over the whole word or not. */
			h = thx_rnd(&s) % THX_HASHES;
			if (step & 1)
				h *= 0x9E3779B1U;
			thx_model[n].h = h;
			thx_model[n].k = (uint64_t)n;
			thx_model[n].live = true;
			KT_REQUIRE(t, hashidx_add(&hx, h, (uint64_t)n) == 0);
			n++;
			live++;
		} else if (n > 0) {
			i = (int)(thx_rnd(&s) % (uint32_t)n);
			KT_EQ(t, hashidx_remove(&hx, thx_model[i].h,
			    thx_model[i].k), thx_model[i].live);
			live -= thx_model[i].live;
			thx_model[i].live = false;
		}
		KT_EQ(t, hx.hx_live, live);
		if (step % 97 == 0 && n > 0)
			thx_check_hash(t, &hx, n, thx_model[thx_rnd(&s) %
			    (uint32_t)n].h);
	}
	for (i = 0; i < n; i += 7)
		thx_check_hash(t, &hx, n, thx_model[i].h);
	/* A hash never added, and a removed key, are not found. */
	thx_check_hash(t, &hx, n, 0xFFFFFFFFU);
	KT_ASSERT(t, hashidx_bytes(&hx) > 0);
	hashidx_destroy(&hx);
	KT_EQ(t, hashidx_bytes(&hx), 0);
	KT_EQ(t, kmem_inuse(), base);
}

KTEST(hashidx_empty)
{
	struct hashidx hx;
	struct hashidx_iter it;
	uint64_t key;

	hashidx_init(&hx);
	hashidx_first(&hx, 42, &it);
	KT_ASSERT(t, !hashidx_next(&hx, &it, &key));
	KT_ASSERT(t, !hashidx_remove(&hx, 42, 1));
	/* Duplicates: both come back, one remove takes one. */
	KT_EQ(t, hashidx_add(&hx, 42, 7), 0);
	KT_EQ(t, hashidx_add(&hx, 42, 7), 0);
	KT_ASSERT(t, hashidx_remove(&hx, 42, 7));
	hashidx_first(&hx, 42, &it);
	KT_ASSERT(t, hashidx_next(&hx, &it, &key) && key == 7);
	KT_ASSERT(t, !hashidx_next(&hx, &it, &key));
	hashidx_destroy(&hx);
}
