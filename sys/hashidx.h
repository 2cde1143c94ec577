/*
 * sys/hashidx.h: an in-memory multimap from 32-bit name hashes to 64-bit
 * keys, for directory name indexes (kern/subr_hashidx.c).
 *
 * A driver hashes each name of a directory and stores where the name
 * lives (a block, an offset) as the key.  A lookup walks the keys stored
 * under a hash and checks each place against the disk, so a collision
 * costs a read, never a wrong answer.  The index knows nothing of names:
 * keeping it in step with the directory is the caller's job.
 *
 * Entries sit in one array chained from power-of-two buckets; removed
 * entries go on a free list and are reused.  Every operation is O(1) on
 * average; growing doubles the array.  No locking: the caller's.
 */
#ifndef _SYS_HASHIDX_H_
#define _SYS_HASHIDX_H_

#include <sys/param.h>

struct hashidx_ent;

struct hashidx {
	struct hashidx_ent *hx_ents;	/* entries, live and free */
	uint32_t	*hx_buckets;	/* first entry + 1 per bucket */
	uint32_t	 hx_cap;	/* entries allocated */
	uint32_t	 hx_used;	/* entries ever handed out */
	uint32_t	 hx_live;	/* entries holding a key */
	uint32_t	 hx_free;	/* first free entry + 1 (0: none) */
	uint32_t	 hx_nbuckets;	/* power of 2, or 0 */
};

/* Where a walk of one hash's keys is (hashidx_next). */
struct hashidx_iter {
	uint32_t	 hi_hash;	/* the hash walked */
	uint32_t	 hi_next;	/* next entry + 1 */
};

void	hashidx_init(struct hashidx *hx);
void	hashidx_destroy(struct hashidx *hx);
/* Add hash -> key (duplicates allowed).  ENOMEM: the index is intact. */
int	hashidx_add(struct hashidx *hx, uint32_t hash, uint64_t key);
/* Remove one hash -> key; false if there was none. */
bool	hashidx_remove(struct hashidx *hx, uint32_t hash, uint64_t key);
/* Walk the keys of hash: hashidx_first, then hashidx_next until false. */
void	hashidx_first(const struct hashidx *hx, uint32_t hash,
	    struct hashidx_iter *it);
bool	hashidx_next(const struct hashidx *hx, struct hashidx_iter *it,
	    uint64_t *keyp);
/* Bytes of memory the index holds. */
size_t	hashidx_bytes(const struct hashidx *hx);
/* FNV-1a over bytes: a fair name hash for the index. */
uint32_t hashidx_hash(const void *buf, size_t len);

#endif /* !_SYS_HASHIDX_H_ */
