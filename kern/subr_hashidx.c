/*
 * subr_hashidx.c: a multimap from 32-bit hashes to 64-bit keys, the
 * generic half of a directory name index (see sys/hashidx.h).
 *
 * Entries live in one growable array; each bucket heads a chain linked
 * through the entries by index + 1 (0 ends a chain), which keeps an entry
 * at 16 bytes and lets the array move when it grows.  A removed entry is
 * unchained and put on a free list (linked through the same field) for
 * the next add.  The bucket array doubles when the live entries outnumber
 * the buckets, so chains stay about one entry long.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/hashidx.h>

struct hashidx_ent {
	uint32_t	he_hash;	/* the name's hash */
	uint32_t	he_next;	/* next on the chain or free list, +1 */
	uint64_t	he_key;		/* the caller's key */
};

#define HASHIDX_MIN	16		/* first array and bucket count */
#define HASHIDX_MAX	(1U << 28)	/* most entries (4 GiB of array) */

void
hashidx_init(struct hashidx *hx)
{
	memset(hx, 0, sizeof(*hx));
}

void
hashidx_destroy(struct hashidx *hx)
{
	if (hx->hx_ents != NULL)
		kmem_free(hx->hx_ents, hx->hx_cap * sizeof(*hx->hx_ents));
	if (hx->hx_buckets != NULL)
		kmem_free(hx->hx_buckets, hx->hx_nbuckets * sizeof(uint32_t));
	hashidx_init(hx);
}

size_t
hashidx_bytes(const struct hashidx *hx)
{
	return hx->hx_cap * sizeof(*hx->hx_ents) +
	    hx->hx_nbuckets * sizeof(uint32_t);
}

uint32_t
hashidx_hash(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t h = 2166136261u;

	while (len-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Rechain every live entry into n (a power of 2) new buckets. */
static int
hashidx_rehash(struct hashidx *hx, uint32_t n)
{
	uint32_t *nb, b, i, next;

	if ((nb = kmem_zalloc(n * sizeof(*nb))) == NULL)
		return ENOMEM;
	for (b = 0; b < hx->hx_nbuckets; b++)
		for (i = hx->hx_buckets[b]; i != 0; i = next) {
			struct hashidx_ent *e = &hx->hx_ents[i - 1];

			next = e->he_next;
			e->he_next = nb[e->he_hash & (n - 1)];
			nb[e->he_hash & (n - 1)] = i;
		}
	if (hx->hx_buckets != NULL)
		kmem_free(hx->hx_buckets, hx->hx_nbuckets * sizeof(*nb));
	hx->hx_buckets = nb;
	hx->hx_nbuckets = n;
	return 0;
}

/* Make room for one more entry in the array. */
static int
hashidx_grow(struct hashidx *hx)
{
	struct hashidx_ent *n;
	uint32_t cap;

	if (hx->hx_cap >= HASHIDX_MAX)
		return ENOMEM;
	cap = hx->hx_cap == 0 ? HASHIDX_MIN : hx->hx_cap * 2;
	if ((n = kmem_alloc(cap * sizeof(*n))) == NULL)
		return ENOMEM;
	if (hx->hx_ents != NULL) {
		memcpy(n, hx->hx_ents, hx->hx_used * sizeof(*n));
		kmem_free(hx->hx_ents, hx->hx_cap * sizeof(*n));
	}
	hx->hx_ents = n;
	hx->hx_cap = cap;
	return 0;
}

int
hashidx_add(struct hashidx *hx, uint32_t hash, uint64_t key)
{
	struct hashidx_ent *e;
	uint32_t i, b;
	int error;

	if (hx->hx_live >= hx->hx_nbuckets && (error = hashidx_rehash(hx,
	    hx->hx_nbuckets == 0 ? HASHIDX_MIN : hx->hx_nbuckets * 2)) != 0)
		return error;
	if (hx->hx_free != 0) {
		i = hx->hx_free;
		hx->hx_free = hx->hx_ents[i - 1].he_next;
	} else {
		if (hx->hx_used == hx->hx_cap && (error = hashidx_grow(hx)) != 0)
			return error;
		i = ++hx->hx_used;
	}
	e = &hx->hx_ents[i - 1];
	b = hash & (hx->hx_nbuckets - 1);
	e->he_hash = hash;
	e->he_key = key;
	e->he_next = hx->hx_buckets[b];
	hx->hx_buckets[b] = i;
	hx->hx_live++;
	return 0;
}

bool
hashidx_remove(struct hashidx *hx, uint32_t hash, uint64_t key)
{
	uint32_t *linkp, i;
	struct hashidx_ent *e;

	if (hx->hx_nbuckets == 0)
		return false;
	for (linkp = &hx->hx_buckets[hash & (hx->hx_nbuckets - 1)];
	    (i = *linkp) != 0; linkp = &e->he_next) {
		e = &hx->hx_ents[i - 1];
		if (e->he_hash != hash || e->he_key != key)
			continue;
		*linkp = e->he_next;
		e->he_next = hx->hx_free;
		hx->hx_free = i;
		hx->hx_live--;
		return true;
	}
	return false;
}

void
hashidx_first(const struct hashidx *hx, uint32_t hash, struct hashidx_iter *it)
{
	it->hi_hash = hash;
	it->hi_next = hx->hx_nbuckets == 0 ? 0 :
	    hx->hx_buckets[hash & (hx->hx_nbuckets - 1)];
}

bool
hashidx_next(const struct hashidx *hx, struct hashidx_iter *it,
    uint64_t *keyp)
{
	const struct hashidx_ent *e;

	while (it->hi_next != 0) {
		e = &hx->hx_ents[it->hi_next - 1];
		it->hi_next = e->he_next;
		if (e->he_hash == it->hi_hash) {
			*keyp = e->he_key;
			return true;
		}
	}
	return false;
}
