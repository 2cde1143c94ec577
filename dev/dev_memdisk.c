/*
 * dev_memdisk.c: a zero-filled block device in kernel memory.
 *
 * Storage is allocated lazily in chunks of MD_CHUNK bytes on the first
 * write that puts a non-zero byte into them; reading a chunk that was
 * never written yields zeros.  Chunks are found through a two-level
 * table (a top table of leaves of MD_LEAFN chunk pointers, leaves also
 * allocated lazily), so a sparse 1 GiB memdisk costs a few hundred bytes
 * until it is written, and even a terabyte-sized one stays small.
 *
 * Concurrency: chunk and leaf pointers go from NULL to allocated exactly
 * once, under md_lock, and are published with an atomic store; readers
 * load them atomically without the lock.  Transfers of different threads
 * to the same bytes race as they would on a real disk.
 *
 * Locks protecting fields: m = md_lock, I = immutable, a = atomic
 * (written under md_lock).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/blkdev.h>
#include "dev/blkdev_impl.h"

#define MD_CHUNK	65536		/* bytes per storage chunk */
#define MD_LEAFN	512		/* chunk pointers per leaf */

struct memdisk {
	struct kmutex	  md_lock;	/* serialises allocation */
	uint8_t		***md_top;	/* [I] leaves; entries [a] */
	uint64_t	  md_ntop;	/* [I] entries in md_top */
	uint64_t	  md_nchunks;	/* [m] chunks allocated */
};

/* The chunk holding chunk index ci, or NULL if never written. */
static uint8_t *
memdisk_chunk(struct memdisk *md, uint64_t ci)
{
	uint8_t **leaf;

	leaf = atomic_load(&md->md_top[ci / MD_LEAFN]);
	if (leaf == NULL)
		return NULL;
	return atomic_load(&leaf[ci % MD_LEAFN]);
}

/* As memdisk_chunk, allocating the chunk (zeroed) if needed; NULL: ENOMEM. */
static uint8_t *
memdisk_chunk_alloc(struct memdisk *md, uint64_t ci)
{
	uint8_t **leaf, *chunk;

	mutex_enter(&md->md_lock);
	leaf = md->md_top[ci / MD_LEAFN];
	if (leaf == NULL) {
		leaf = kmem_zalloc(MD_LEAFN * sizeof(*leaf));
		if (leaf == NULL)
			goto out_unlock;
		atomic_store(&md->md_top[ci / MD_LEAFN], leaf);
	}
	chunk = leaf[ci % MD_LEAFN];
	if (chunk == NULL) {
		if ((chunk = kmem_zalloc(MD_CHUNK)) == NULL)
			goto out_unlock;
		atomic_store(&leaf[ci % MD_LEAFN], chunk);
		md->md_nchunks++;
	}
	mutex_exit(&md->md_lock);
	return chunk;

out_unlock:
	mutex_exit(&md->md_lock);
	return NULL;
}

static bool
memdisk_iszero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/*
 * Move len bytes between buf and the device at off, within one chunk.
 * Writing zeros to a chunk that was never written allocates nothing.
 */
static int
memdisk_piece(struct memdisk *md, uint8_t *buf, size_t len, uint64_t off,
    bool write)
{
	uint64_t ci = off / MD_CHUNK;
	size_t co = (size_t)(off % MD_CHUNK);
	uint8_t *chunk;

	chunk = memdisk_chunk(md, ci);
	if (!write) {
		if (chunk == NULL)
			memset(buf, 0, len);
		else
			memcpy(buf, chunk + co, len);
		return 0;
	}
	if (chunk == NULL) {
		if (memdisk_iszero(buf, len))
			return 0;
		if ((chunk = memdisk_chunk_alloc(md, ci)) == NULL)
			return ENOMEM;
	}
	memcpy(chunk + co, buf, len);
	return 0;
}

static int
memdisk_xfer(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off, bool write)
{
	struct memdisk *md = bd->bd_priv;
	uint8_t *p;
	size_t left, n;
	int i, error;

	for (i = 0; i < iovcnt; i++) {
		p = iov[i].iov_base;
		for (left = iov[i].iov_len; left > 0; left -= n) {
			n = MIN(left, MD_CHUNK - (size_t)(off % MD_CHUNK));
			if ((error = memdisk_piece(md, p, n, off, write)) != 0)
				return error;
			p += n;
			off += n;
		}
	}
	return 0;
}

static int
memdisk_readv(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	return memdisk_xfer(bd, iov, iovcnt, off, false);
}

static int
memdisk_writev(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
    uint64_t off)
{
	return memdisk_xfer(bd, iov, iovcnt, off, true);
}

static int
memdisk_flush(struct blkdev *bd)
{
	return 0;
}

/* Free every chunk, leaf and the table; md itself stays. */
static void
memdisk_freestore(struct memdisk *md)
{
	uint8_t **leaf;
	uint64_t t, c;

	for (t = 0; t < md->md_ntop; t++) {
		if ((leaf = md->md_top[t]) == NULL)
			continue;
		for (c = 0; c < MD_LEAFN; c++)
			kmem_free(leaf[c], MD_CHUNK);
		kmem_free(leaf, MD_LEAFN * sizeof(*leaf));
	}
	if (md->md_ntop > 0)
		kmem_free(md->md_top, md->md_ntop * sizeof(*md->md_top));
}

static void
memdisk_close(struct blkdev *bd)
{
	struct memdisk *md = bd->bd_priv;

	memdisk_freestore(md);
	mutex_destroy(&md->md_lock);
	kmem_free(md, sizeof(*md));
}

static const struct blkdev_ops memdisk_ops = {
	.bdo_readv = memdisk_readv,
	.bdo_writev = memdisk_writev,
	.bdo_flush = memdisk_flush,
	.bdo_close = memdisk_close,
};

/*
 * Create a memdisk of size bytes (512-byte sectors), reading as zeros.
 * Returns ENOMEM if even the top table cannot be allocated.
 */
int
blkdev_memdisk_create(uint64_t size, struct blkdev **bdp)
{
	struct memdisk *md;
	struct blkdev *bd;
	uint64_t nchunks;
	int error;

	if ((md = kmem_zalloc(sizeof(*md))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&md->md_lock)) != 0)
		goto out_free;
	nchunks = size / MD_CHUNK + (size % MD_CHUNK != 0);
	md->md_ntop = nchunks / MD_LEAFN + (nchunks % MD_LEAFN != 0);
	if (md->md_ntop > SIZE_MAX / sizeof(*md->md_top)) {
		error = ENOMEM;
		goto out_mutex;
	}
	if (md->md_ntop > 0) {
		md->md_top = kmem_zalloc(md->md_ntop * sizeof(*md->md_top));
		if (md->md_top == NULL) {
			error = ENOMEM;
			goto out_mutex;
		}
	}
	error = blkdev_alloc(&memdisk_ops, md, size, DEV_BSIZE, 0, "memdisk",
	    &bd);
	if (error != 0)
		goto out_top;
	snprintf(bd->bd_name, sizeof(bd->bd_name), "memdisk%llu",
	    (unsigned long long)bd->bd_id);
	*bdp = bd;
	return 0;

out_top:
	if (md->md_ntop > 0)
		kmem_free(md->md_top, md->md_ntop * sizeof(*md->md_top));
out_mutex:
	mutex_destroy(&md->md_lock);
out_free:
	kmem_free(md, sizeof(*md));
	return error;
}
