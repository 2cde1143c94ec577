/*
 * sqfs_cache.c: a small bounded LRU cache of decompressed blocks, keyed
 * by their disk offset.
 *
 * An entry is held (ce_refs) while a caller copies out of it and is
 * evicted only when nobody holds it.  A miss puts a held entry marked
 * loading on the list and loads the block without the lock (I/O and
 * decompression of different blocks run in parallel on several
 * threads); a thread wanting a block being loaded waits on c_cv for it,
 * so each block is decompressed once.  A load that fails takes its entry
 * off the list, and its waiters get the error.  When more entries are
 * held at once than the cache keeps, the extra ones are freed as they
 * are released, so memory stays within c_max entries plus one per
 * thread inside the driver.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include "fs/squashfs/squashfs.h"

int
sqfs_cache_init(struct sqfs_cache *c, uint32_t max, uint32_t bufsize,
    bool meta)
{
	int error, i;

	if ((error = mutex_init(&c->c_lock)) != 0)
		return error;
	if ((error = cv_init(&c->c_cv)) != 0) {
		mutex_destroy(&c->c_lock);
		return error;
	}
	TAILQ_INIT(&c->c_lru);
	for (i = 0; i < SQFS_CACHE_HASH; i++)
		LIST_INIT(&c->c_hash[i]);
	c->c_count = 0;
	c->c_max = max;
	c->c_bufsize = bufsize;
	c->c_meta = meta;
	return 0;
}

static void
sqfs_cent_free(struct sqfs_cache *c, struct sqfs_cent *ce)
{
	kmem_free(ce->ce_data, ce->ce_cap);
	kmem_free(ce, sizeof(*ce));
}

void
sqfs_cache_fini(struct sqfs_cache *c)
{
	struct sqfs_cent *ce;

	while ((ce = TAILQ_FIRST(&c->c_lru)) != NULL) {
		KASSERT(ce->ce_refs == 0);
		TAILQ_REMOVE(&c->c_lru, ce, ce_lru);
		sqfs_cent_free(c, ce);
	}
	c->c_count = 0;
	cv_destroy(&c->c_cv);
	mutex_destroy(&c->c_lock);
}

static uint32_t
sqfs_cache_hash(uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> 58) %
	    SQFS_CACHE_HASH;
}

/* Put ce on the list and in the hash (c_lock held). */
static void
sqfs_cache_link(struct sqfs_cache *c, struct sqfs_cent *ce)
{
	TAILQ_INSERT_HEAD(&c->c_lru, ce, ce_lru);
	LIST_INSERT_HEAD(&c->c_hash[sqfs_cache_hash(ce->ce_key)], ce, ce_hash);
	c->c_count++;
}

static void
sqfs_cache_unlink(struct sqfs_cache *c, struct sqfs_cent *ce)
{
	TAILQ_REMOVE(&c->c_lru, ce, ce_lru);
	LIST_REMOVE(ce, ce_hash);
	c->c_count--;
}

/* The entry of key, held and made most recent, or NULL. */
static struct sqfs_cent *
sqfs_cache_find(struct sqfs_cache *c, uint64_t key)
{
	struct sqfs_cent *ce;

	KASSERT(mutex_owned(&c->c_lock));
	LIST_FOREACH(ce, &c->c_hash[sqfs_cache_hash(key)], ce_hash) {
		if (ce->ce_key == key) {
			TAILQ_REMOVE(&c->c_lru, ce, ce_lru);
			TAILQ_INSERT_HEAD(&c->c_lru, ce, ce_lru);
			ce->ce_refs++;
			return ce;
		}
	}
	return NULL;
}

/* Free unheld entries from the cold end until the cache is in bounds. */
static void
sqfs_cache_trim(struct sqfs_cache *c)
{
	struct sqfs_cent *ce, *prev;

	KASSERT(mutex_owned(&c->c_lock));
	for (ce = TAILQ_LAST(&c->c_lru, sqfs_centq);
	    ce != NULL && c->c_count > c->c_max; ce = prev) {
		prev = TAILQ_PREV(ce, sqfs_centq, ce_lru);
		if (ce->ce_refs != 0)
			continue;
		sqfs_cache_unlink(c, ce);
		sqfs_cent_free(c, ce);
	}
}

/* A new entry for key, not yet loaded. */
static struct sqfs_cent *
sqfs_cent_alloc(struct sqfs_cache *c, uint64_t key)
{
	struct sqfs_cent *ce;

	if ((ce = kmem_zalloc(sizeof(*ce))) == NULL)
		return NULL;
	if ((ce->ce_data = kmem_alloc(c->c_bufsize)) == NULL) {
		kmem_free(ce, sizeof(*ce));
		return NULL;
	}
	ce->ce_cap = c->c_bufsize;
	ce->ce_key = key;
	return ce;
}

/* Drop a reference with c_lock held; free a failed entry on the last. */
static void
sqfs_cache_drop(struct sqfs_cache *c, struct sqfs_cent *ce)
{
	KASSERT(mutex_owned(&c->c_lock));
	KASSERT(ce->ce_refs > 0);
	ce->ce_refs--;
	if (ce->ce_refs == 0 && ce->ce_error != 0)
		sqfs_cent_free(c, ce);
	else if (ce->ce_refs == 0 && c->c_count > c->c_max)
		sqfs_cache_trim(c);
}

/*
 * Load a block into ce, which is on the list, held, and marked loading;
 * then wake those waiting for it.  A failed entry leaves the list and is
 * freed with its last reference.
 */
static int
sqfs_cache_fill(struct sqfs_mount *sm, struct sqfs_cache *c,
    struct sqfs_cent *ce, uint32_t sizeword)
{
	int error;

	error = sqfs_block_load(sm, ce->ce_key, sizeword, c->c_meta, ce);
	mutex_enter(&c->c_lock);
	ce->ce_loading = false;
	if (error != 0) {
		ce->ce_error = error;
		sqfs_cache_unlink(c, ce);
	}
	cv_broadcast(&c->c_cv);
	mutex_exit(&c->c_lock);
	return error;
}

/*
 * The entry of key, held: found (waiting if another thread is loading
 * it) or, if absent, new and marked loading (*newp true), for the caller
 * to fill.  Called and returns with c_lock held.
 */
static int
sqfs_cache_lookup(struct sqfs_cache *c, uint64_t key, struct sqfs_cent **cep,
    bool *newp)
{
	struct sqfs_cent *ce, *nce = NULL;
	int error;

	KASSERT(mutex_owned(&c->c_lock));
	*newp = false;
	while ((ce = sqfs_cache_find(c, key)) == NULL && nce == NULL) {
		/* Allocate unlocked, then look again. */
		mutex_exit(&c->c_lock);
		nce = sqfs_cent_alloc(c, key);
		mutex_enter(&c->c_lock);
		if (nce == NULL)
			return ENOMEM;
	}
	if (ce == NULL) {
		nce->ce_refs = 1;
		nce->ce_loading = true;
		sqfs_cache_link(c, nce);
		*cep = nce;
		*newp = true;
		return 0;
	}
	if (nce != NULL)
		sqfs_cent_free(c, nce);
	while (ce->ce_loading)
		cv_wait(&c->c_cv, &c->c_lock);
	if ((error = ce->ce_error) != 0) {
		sqfs_cache_drop(c, ce);
		return error;
	}
	*cep = ce;
	return 0;
}

/*
 * The held entry of the block at key, loaded if not cached.  Only one
 * thread loads a given block; others wait for it.
 */
int
sqfs_cache_get(struct sqfs_mount *sm, struct sqfs_cache *c, uint64_t key,
    uint32_t sizeword, struct sqfs_cent **cep)
{
	struct sqfs_cent *ce;
	bool isnew;
	int error;

	mutex_enter(&c->c_lock);
	error = sqfs_cache_lookup(c, key, &ce, &isnew);
	mutex_exit(&c->c_lock);
	if (error != 0)
		return error;
	if (isnew && (error = sqfs_cache_fill(sm, c, ce, sizeword)) != 0) {
		mutex_enter(&c->c_lock);
		sqfs_cache_drop(c, ce);
		mutex_exit(&c->c_lock);
		return error;
	}
	*cep = ce;
	return 0;
}

/* Load the block at key into the cache unless it is there (read-ahead). */
void
sqfs_cache_prefetch(struct sqfs_mount *sm, struct sqfs_cache *c,
    uint64_t key, uint32_t sizeword)
{
	struct sqfs_cent *ce;

	mutex_enter(&c->c_lock);
	ce = sqfs_cache_find(c, key);
	mutex_exit(&c->c_lock);
	if (ce == NULL && sqfs_cache_get(sm, c, key, sizeword, &ce) != 0)
		return;
	sqfs_cache_put(c, ce);
}

void
sqfs_cache_put(struct sqfs_cache *c, struct sqfs_cent *ce)
{
	mutex_enter(&c->c_lock);
	sqfs_cache_drop(c, ce);
	mutex_exit(&c->c_lock);
}
