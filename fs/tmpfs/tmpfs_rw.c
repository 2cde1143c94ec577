/*
 * tmpfs_rw.c: regular file data: the page table, read, write, truncate
 * and SEEK_DATA/SEEK_HOLE.
 *
 * A file's data lives in 4 KiB pages found through a radix table: each
 * level is one page of 512 pointers, the leaves point at data pages, and
 * a NULL pointer at any level is a hole.  A table of height h covers page
 * indexes below 512^h; it grows a level on top when a write goes past
 * that, and loses levels when a truncate leaves only the first slot in
 * use.  A file with one page at 1 TiB costs four tables and a page.
 *
 * Invariants: the bytes of the last page beyond tn_size are zero (write
 * zero-fills new pages, truncate zeroes the tail), so growing a file
 * never exposes old data; no page lies wholly at or beyond tn_size.
 * Writing zeros allocates pages, as Linux tmpfs does.
 *
 * Pages are counted against the mount's limit (tm_pages, under tm_lock)
 * before they are allocated; tables are not counted.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include "fs/tmpfs/tmpfs.h"

static struct pool tmpfs_page_pool;

int
tmpfs_page_pool_init(void)
{
	return pool_init(&tmpfs_page_pool, TMPFS_PAGE_SIZE, "tmpfs_page");
}

/* Page indexes covered by one slot of a table at level (1: leaves). */
static inline uint64_t
tmpfs_radix_span(int level)
{
	return 1ULL << (TMPFS_RADIX_SHIFT * (level - 1));
}

/* Page indexes covered by a table of the given height. */
static inline uint64_t
tmpfs_radix_cover(int height)
{
	return 1ULL << (TMPFS_RADIX_SHIFT * height);
}

static inline unsigned
tmpfs_radix_slot(uint64_t idx, int level)
{
	return (unsigned)(idx >> (TMPFS_RADIX_SHIFT * (level - 1))) &
	    (TMPFS_RADIX_FANOUT - 1);
}

/* The page at index idx, or NULL for a hole.  Vnode locked. */
void *
tmpfs_page_lookup(const struct tmpfs_pages *tp, uint64_t idx)
{
	void **table = tp->tp_root;
	int level;

	if (table == NULL || idx >= tmpfs_radix_cover(tp->tp_height))
		return NULL;
	for (level = tp->tp_height; level > 1; level--) {
		table = table[tmpfs_radix_slot(idx, level)];
		if (table == NULL)
			return NULL;
	}
	return table[tmpfs_radix_slot(idx, 1)];
}

/* Count one page against the limit of tm; ENOSPC if none is left. */
static int
tmpfs_page_reserve(struct tmpfs_mount *tm)
{
	int error = 0;

	mutex_enter(&tm->tm_lock);
	if (tm->tm_pages >= tm->tm_maxpages)
		error = ENOSPC;
	else
		tm->tm_pages++;
	mutex_exit(&tm->tm_lock);
	return error;
}

static void
tmpfs_page_unreserve(struct tmpfs_mount *tm, uint64_t n)
{
	mutex_enter(&tm->tm_lock);
	KASSERT(tm->tm_pages >= n);
	tm->tm_pages -= n;
	mutex_exit(&tm->tm_lock);
}

/* Add levels on top until the table covers idx.  ENOMEM. */
static int
tmpfs_radix_grow(struct tmpfs_pages *tp, uint64_t idx)
{
	void **table;

	if (tp->tp_root == NULL) {
		/* Nothing to keep: start at the needed height. */
		tp->tp_height = 1;
		while (idx >= tmpfs_radix_cover(tp->tp_height))
			tp->tp_height++;
		return 0;
	}
	while (idx >= tmpfs_radix_cover(tp->tp_height)) {
		KASSERT(tp->tp_height < TMPFS_RADIX_MAXHEIGHT);
		if ((table = kmem_zalloc(TMPFS_PAGE_SIZE)) == NULL)
			return ENOMEM;
		table[0] = tp->tp_root;
		tp->tp_root = table;
		tp->tp_height++;
	}
	return 0;
}

/*
 * The page at idx, allocated (zero-filled if zero) when it is a hole.
 * Vnode locked exclusive.  Returns ENOSPC past the mount's page limit,
 * ENOMEM.  A failure may leave empty tables behind; they hold no data
 * and go with the next truncate.
 */
int
tmpfs_page_get(struct tmpfs_mount *tm, struct tmpfs_pages *tp, uint64_t idx,
    bool zero, void **pagep)
{
	void **slotp, *page;
	int error, level;

	KASSERT(idx < tmpfs_radix_cover(TMPFS_RADIX_MAXHEIGHT));
	if ((error = tmpfs_radix_grow(tp, idx)) != 0)
		return error;
	slotp = (void **)&tp->tp_root;
	for (level = tp->tp_height; level >= 1; level--) {
		if (*slotp == NULL) {
			if ((*slotp = kmem_zalloc(TMPFS_PAGE_SIZE)) == NULL)
				return ENOMEM;
		}
		slotp = &((void **)*slotp)[tmpfs_radix_slot(idx, level)];
	}
	if ((page = *slotp) == NULL) {
		if ((error = tmpfs_page_reserve(tm)) != 0)
			return error;
		if ((page = pool_get(&tmpfs_page_pool)) == NULL) {
			tmpfs_page_unreserve(tm, 1);
			return ENOMEM;
		}
		if (zero)
			memset(page, 0, TMPFS_PAGE_SIZE);
		*slotp = page;
		tp->tp_count++;
	}
	*pagep = page;
	return 0;
}

/*
 * Free the pages at index npages and beyond under table (a table at
 * level covering indexes from base), and tables left empty.  Returns the
 * number of pages freed; *emptyp tells whether table is now empty.
 */
static uint64_t
tmpfs_radix_trunc(void **table, int level, uint64_t base, uint64_t npages,
    bool *emptyp)
{
	uint64_t span = tmpfs_radix_span(level), start, freed = 0;
	bool empty = true, subempty;
	unsigned slot;

	for (slot = 0; slot < TMPFS_RADIX_FANOUT; slot++) {
		if (table[slot] == NULL)
			continue;
		start = base + slot * span;
		if (level == 1) {
			if (start >= npages) {
				pool_put(&tmpfs_page_pool, table[slot]);
				table[slot] = NULL;
				freed++;
			} else
				empty = false;
			continue;
		}
		if (start + span > npages) {
			freed += tmpfs_radix_trunc(table[slot], level - 1,
			    start, npages, &subempty);
			if (subempty) {
				kmem_free(table[slot], TMPFS_PAGE_SIZE);
				table[slot] = NULL;
				continue;
			}
		}
		empty = false;
	}
	*emptyp = empty;
	return freed;
}

/*
 * Free every page at index npages and beyond (all of them for 0) and
 * shrink the table.  Vnode locked exclusive, or the node unreachable.
 */
void
tmpfs_pages_truncate(struct tmpfs_mount *tm, struct tmpfs_pages *tp,
    uint64_t npages)
{
	uint64_t freed;
	void **table;
	bool empty;

	if (tp->tp_root == NULL) {
		tp->tp_height = 0;
		return;
	}
	freed = tmpfs_radix_trunc(tp->tp_root, tp->tp_height, 0, npages,
	    &empty);
	if (empty) {
		kmem_free(tp->tp_root, TMPFS_PAGE_SIZE);
		tp->tp_root = NULL;
		tp->tp_height = 0;
	}
	/* Only slot 0 can be in use: drop levels the data no longer needs. */
	while (tp->tp_root != NULL && tp->tp_height > 1 &&
	    npages <= tmpfs_radix_cover(tp->tp_height - 1)) {
		table = tp->tp_root;
		tp->tp_root = table[0];
		tp->tp_height--;
		kmem_free(table, TMPFS_PAGE_SIZE);
	}
	if (tp->tp_root == NULL)
		tp->tp_height = 0;
	KASSERT(tp->tp_count >= freed);
	tp->tp_count -= freed;
	if (freed != 0)
		tmpfs_page_unreserve(tm, freed);
}

/*
 * Search table (at level, covering indexes from base) for the first
 * index in [idx, limit) that is data (a page) or a hole, as data asks.
 */
static bool
tmpfs_radix_find(void **table, int level, uint64_t base, uint64_t idx,
    uint64_t limit, bool data, uint64_t *res)
{
	uint64_t span = tmpfs_radix_span(level), start, from;
	unsigned slot;

	slot = idx > base ? (unsigned)((idx - base) / span) : 0;
	for (; slot < TMPFS_RADIX_FANOUT; slot++) {
		start = base + slot * span;
		if (start >= limit)
			return false;
		from = MAX(idx, start);
		if (table[slot] == NULL) {
			if (!data) {
				*res = from;
				return true;
			}
			continue;
		}
		if (level == 1) {
			if (data) {
				*res = from;
				return true;
			}
			continue;
		}
		if (tmpfs_radix_find(table[slot], level - 1, start, from,
		    limit, data, res))
			return true;
	}
	return false;
}

/*
 * The first page index in [idx, limit) that holds data (data) or is a
 * hole (!data), in *res; false if there is none.  Vnode locked.
 */
bool
tmpfs_pages_find(const struct tmpfs_pages *tp, uint64_t idx, uint64_t limit,
    bool data, uint64_t *res)
{
	uint64_t cover;

	if (idx >= limit)
		return false;
	cover = tp->tp_root == NULL ? 0 : tmpfs_radix_cover(tp->tp_height);
	if (idx < cover &&
	    tmpfs_radix_find(tp->tp_root, tp->tp_height, 0, idx, limit, data,
	    res))
		return true;
	/* Beyond the table everything is a hole. */
	if (data)
		return false;
	*res = MAX(idx, cover);
	return *res < limit;
}

/*
 * Set the size of regular file tn, freeing pages beyond it and zeroing
 * the tail of a last partial page.  Growing allocates nothing.  Vnode
 * locked exclusive; timestamps are the caller's.  EFBIG, EINVAL.
 */
int
tmpfs_truncate(struct tmpfs_node *tn, int64_t size)
{
	struct tmpfs_pages *tp = &tn->tn_u.tn_pages;
	uint64_t off;
	char *page;

	KASSERT(tn->tn_type == VREG);
	if (size < 0)
		return EINVAL;
	if (size > TMPFS_MAXFILESIZE)
		return EFBIG;
	if (size < tn->tn_size) {
		tmpfs_pages_truncate(tn->tn_mount, tp,
		    howmany((uint64_t)size, TMPFS_PAGE_SIZE));
		off = (uint64_t)size & TMPFS_PAGE_MASK;
		page = tmpfs_page_lookup(tp, (uint64_t)size >> TMPFS_PAGE_SHIFT);
		if (off != 0 && page != NULL)
			memset(page + off, 0, TMPFS_PAGE_SIZE - off);
	}
	tn->tn_size = size;
	return 0;
}

/* vop_read: vp locked shared. */
int
tmpfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	const struct tmpfs_pages *tp = &tn->tn_u.tn_pages;
	uint64_t off, pgoff, len;
	char *page;
	int error = 0;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (uio->uio_offset < 0)
		return EINVAL;
	while (uio->uio_resid > 0 && uio->uio_offset < tn->tn_size) {
		off = (uint64_t)uio->uio_offset;
		pgoff = off & TMPFS_PAGE_MASK;
		len = MIN(TMPFS_PAGE_SIZE - pgoff, (uint64_t)tn->tn_size - off);
		len = MIN(len, uio->uio_resid);
		page = tmpfs_page_lookup(tp, off >> TMPFS_PAGE_SHIFT);
		if (page != NULL)
			error = uiomove(page + pgoff, len, uio);
		else
			error = uiomove_zero(len, uio);
		if (error != 0)
			break;
	}
	if (tmpfs_atime_enabled(tn))
		tmpfs_update(tn, TMPFS_UPD_ATIME);
	return error;
}

/*
 * vop_write: vp locked exclusive.  A write that runs out of space after
 * moving some bytes stops there and succeeds (a short write); one that
 * moves nothing returns the error.
 */
int
tmpfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	struct tmpfs_pages *tp = &tn->tn_u.tn_pages;
	size_t resid = uio->uio_resid;
	uint64_t off, pgoff, len;
	void *page;
	int error = 0;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (ioflag & IO_APPEND)
		uio->uio_offset = tn->tn_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (resid == 0)
		return 0;
	if (uio->uio_offset >= TMPFS_MAXFILESIZE ||
	    resid > (uint64_t)(TMPFS_MAXFILESIZE - uio->uio_offset))
		return EFBIG;
	while (uio->uio_resid > 0) {
		off = (uint64_t)uio->uio_offset;
		pgoff = off & TMPFS_PAGE_MASK;
		len = MIN(TMPFS_PAGE_SIZE - pgoff, uio->uio_resid);
		error = tmpfs_page_get(tn->tn_mount, tp,
		    off >> TMPFS_PAGE_SHIFT, len != TMPFS_PAGE_SIZE, &page);
		if (error != 0)
			break;
		if ((error = uiomove((char *)page + pgoff, len, uio)) != 0)
			break;
		if (uio->uio_offset > tn->tn_size)
			tn->tn_size = uio->uio_offset;
	}
	if (uio->uio_resid != resid) {
		tmpfs_update(tn, TMPFS_UPD_MTIME | TMPFS_UPD_CTIME);
		error = 0;
	}
	return error;
}

/*
 * SEEK_DATA / SEEK_HOLE at page granularity: a page is data, a missing
 * page a hole, and there is an implicit hole at the end of the file.
 * ENXIO at or past EOF, and for SEEK_DATA with no data after off.
 */
int
tmpfs_seek_node(struct tmpfs_node *tn, int64_t off, int whence,
    int64_t *res)
{
	uint64_t idx, found, npages;

	if (tn->tn_type != VREG)
		return EINVAL;
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return EINVAL;
	if (off < 0)
		return ENXIO;
	if (off >= tn->tn_size)
		return ENXIO;
	idx = (uint64_t)off >> TMPFS_PAGE_SHIFT;
	npages = howmany((uint64_t)tn->tn_size, TMPFS_PAGE_SIZE);
	if (!tmpfs_pages_find(&tn->tn_u.tn_pages, idx, npages,
	    whence == SEEK_DATA, &found)) {
		if (whence == SEEK_DATA)
			return ENXIO;
		*res = tn->tn_size;
		return 0;
	}
	*res = MAX(off, (int64_t)(found << TMPFS_PAGE_SHIFT));
	return 0;
}

/* vop_seek: vp locked shared. */
int
tmpfs_seek(struct vnode *vp, int64_t off, int whence, int64_t *res)
{
	return tmpfs_seek_node(VP_TO_TMPFS(vp), off, whence, res);
}
