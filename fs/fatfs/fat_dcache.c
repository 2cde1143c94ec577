/*
 * fat_dcache.c: a per-directory index of names, so that looking a name
 * up (and finding it absent, as every create does) does not read the
 * whole directory each time.
 *
 * The index is built by one scan at the first lookup in a directory and
 * then kept up to date by every change of the directory's names (add,
 * remove; rename is both).  It holds, per entry, hashes of the long and
 * the short name folded to upper case (fat_fold) and where the entry
 * starts; a lookup checks the few candidates with equal hashes against
 * the names read from the disk, so a hash collision costs a read, never
 * a wrong answer.  It lives and dies with the directory's node.
 *
 * Locking: names change only with the directory's vnode locked
 * exclusive, and lookups hold it shared, so a built index is never
 * changed while it is read.  Building happens under the shared lock, so
 * fn_lock serialises two builders; the index pointer is published under
 * fn_lock.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include "fs/fatfs/fatfs.h"

/*
 * Every directory that is looked up in gets an index, however small:
 * building it costs one scan, which the first lookup would pay anyway,
 * and a directory of 100 entries filled by creates was otherwise
 * scanned (and every name folded) three times per create.
 */

struct fat_dcent {
	uint32_t	dce_lhash;	/* folded long (or only) name */
	uint32_t	dce_shash;	/* folded short name */
	uint32_t	dce_lnext;	/* next on the long-hash chain, +1 */
	uint32_t	dce_snext;	/* next on the short-hash chain, +1 */
	uint32_t	dce_firstcl;	/* the cluster holding that slot */
	uint64_t	dce_first;	/* slot index of the entry's first slot */
	uint64_t	dce_devoff;	/* its short entry (0: removed) */
};

/* Two chained hash tables over one array of entries. */
struct fat_dcache {
	uint32_t	dc_nent;	/* entries used, removed ones included */
	uint32_t	dc_cap;		/* entries allocated */
	struct fat_dcent *dc_ents;	/* the entries */
	uint32_t	dc_nbuckets;	/* power of 2 */
	uint32_t	*dc_lbuckets;	/* first entry + 1 per long hash */
	uint32_t	*dc_sbuckets;	/* first entry + 1 per short hash */
};

/* FNV-1a over the folded code points of a UTF-8 name. */
static uint32_t
fat_dc_hash(const char *name, size_t len)
{
	const char *s = name, *end = name + len;
	uint32_t h = 2166136261u, cp;

	while (s < end) {
		if ((uint8_t)*s < 0x80)		/* ASCII: no decoding */
			cp = (uint8_t)*s++;
		else if (fat_utf8_next(&s, end, &cp) != 0) {
			cp = (uint8_t)*s;	/* hash the raw byte */
			s++;
		}
		cp = fat_fold(cp);
		h = (h ^ (cp & 0xff)) * 16777619u;
		h = (h ^ (cp >> 8)) * 16777619u;
	}
	return h;
}

/* (Re)make the bucket arrays with n buckets and chain every entry. */
static int
fat_dc_rehash(struct fat_dcache *dc, uint32_t n)
{
	uint32_t *lb, *sb, i, m;
	struct fat_dcent *e;

	lb = kmem_zalloc(n * sizeof(*lb));
	sb = kmem_zalloc(n * sizeof(*sb));
	if (lb == NULL || sb == NULL) {
		if (lb != NULL)
			kmem_free(lb, n * sizeof(*lb));
		if (sb != NULL)
			kmem_free(sb, n * sizeof(*sb));
		return ENOMEM;
	}
	if (dc->dc_lbuckets != NULL) {
		kmem_free(dc->dc_lbuckets, dc->dc_nbuckets * sizeof(*lb));
		kmem_free(dc->dc_sbuckets, dc->dc_nbuckets * sizeof(*sb));
	}
	/* Drop removed entries while every chain is remade anyway. */
	for (i = m = 0; i < dc->dc_nent; i++)
		if (dc->dc_ents[i].dce_devoff != 0)
			dc->dc_ents[m++] = dc->dc_ents[i];
	dc->dc_nent = m;
	m = n - 1;
	dc->dc_lbuckets = lb;
	dc->dc_sbuckets = sb;
	dc->dc_nbuckets = n;
	for (i = 0; i < dc->dc_nent; i++) {
		e = &dc->dc_ents[i];
		e->dce_lnext = lb[e->dce_lhash & m];
		lb[e->dce_lhash & m] = i + 1;
		e->dce_snext = sb[e->dce_shash & m];
		sb[e->dce_shash & m] = i + 1;
	}
	return 0;
}

/* Append an entry, growing the array and the tables. */
static int
fat_dc_append(struct fat_dcache *dc, const struct fat_dcent *e)
{
	struct fat_dcent *n;
	uint32_t cap, m, i;

	if (dc->dc_nent == dc->dc_cap) {
		cap = dc->dc_cap == 0 ? 64 : dc->dc_cap * 2;
		if ((n = kmem_alloc(cap * sizeof(*n))) == NULL)
			return ENOMEM;
		if (dc->dc_ents != NULL) {
			memcpy(n, dc->dc_ents, dc->dc_nent * sizeof(*n));
			kmem_free(dc->dc_ents, dc->dc_cap * sizeof(*n));
		}
		dc->dc_ents = n;
		dc->dc_cap = cap;
	}
	i = dc->dc_nent++;
	dc->dc_ents[i] = *e;
	if (dc->dc_nent > dc->dc_nbuckets)
		return fat_dc_rehash(dc, dc->dc_nbuckets == 0 ? 64 :
		    dc->dc_nbuckets * 4);
	m = dc->dc_nbuckets - 1;
	dc->dc_ents[i].dce_lnext = dc->dc_lbuckets[e->dce_lhash & m];
	dc->dc_lbuckets[e->dce_lhash & m] = i + 1;
	dc->dc_ents[i].dce_snext = dc->dc_sbuckets[e->dce_shash & m];
	dc->dc_sbuckets[e->dce_shash & m] = i + 1;
	return 0;
}

void
fat_dcache_free(struct fat_node *dnode)
{
	struct fat_dcache *dc = dnode->fn_dcache;

	if (dc == NULL)
		return;
	if (dc->dc_ents != NULL)
		kmem_free(dc->dc_ents, dc->dc_cap * sizeof(*dc->dc_ents));
	if (dc->dc_lbuckets != NULL) {
		kmem_free(dc->dc_lbuckets, dc->dc_nbuckets * sizeof(uint32_t));
		kmem_free(dc->dc_sbuckets, dc->dc_nbuckets * sizeof(uint32_t));
	}
	kmem_free(dc, sizeof(*dc));
	dnode->fn_dcache = NULL;
}

/* Build the index of dnode by one scan (NULL on error). */
static struct fat_dcache *
fat_dc_build(struct fat_node *dnode)
{
	struct fat_diriter *di;
	struct fat_dname *dn;
	struct fat_dcache *dc;
	struct fat_dcent e;
	int64_t nsub = 0;
	int error;

	KASSERT(mutex_owned(&dnode->fn_lock));
	if ((dc = kmem_zalloc(sizeof(*dc))) == NULL)
		return NULL;
	if ((di = kmem_alloc(sizeof(*di) + sizeof(*dn))) == NULL) {
		kmem_free(dc, sizeof(*dc));
		return NULL;
	}
	dn = (struct fat_dname *)(di + 1);
	fat_diriter_init(di, dnode->fn_fmp, dnode->fn_startcl, 0);
	while ((error = fat_diriter_next(di, dn)) == 0) {
		if (dn->dn_isdot)
			continue;
		if (dn->dn_de.de_attr & FAT_ATTR_DIR)
			nsub++;
		e.dce_lhash = fat_dc_hash(dn->dn_name, dn->dn_namelen);
		e.dce_shash = fat_dc_hash(dn->dn_short, dn->dn_shortlen);
		e.dce_first = dn->dn_first;
		e.dce_firstcl = dn->dn_firstcl;
		e.dce_devoff = dn->dn_devoff;
		if ((error = fat_dc_append(dc, &e)) != 0)
			break;
	}
	fat_diriter_done(di);
	kmem_free(di, sizeof(*di) + sizeof(*dn));
	/* An empty directory's index needs its (empty) tables too. */
	if (error == ENOENT && dc->dc_nbuckets == 0 &&
	    fat_dc_rehash(dc, 64) != 0)
		error = ENOMEM;
	if (error != ENOENT) {
		dnode->fn_dcache = dc;	/* borrowed by fat_dcache_free */
		fat_dcache_free(dnode);
		return NULL;
	}
	/* The scan counted the subdirectories: getattr need not. */
	if (dnode->fn_nsubdirs < 0)
		dnode->fn_nsubdirs = nsub;
	return dc;
}

/* The index of dnode, built if needed; NULL: scan instead. */
static struct fat_dcache *
fat_dc_get(struct fat_node *dnode)
{
	struct fat_dcache *dc;

	mutex_enter(&dnode->fn_lock);
	if ((dc = dnode->fn_dcache) == NULL && !dnode->fn_dcfailed) {
		if ((dc = fat_dc_build(dnode)) == NULL)
			dnode->fn_dcfailed = true;
		dnode->fn_dcache = dc;
	}
	mutex_exit(&dnode->fn_lock);
	return dc;
}

/*
 * Build the index of dnode now if it has none (which also counts its
 * subdirectories, see fat_dir_nsubdirs).  False if it cannot be built.
 */
bool
fat_dcache_prime(struct fat_node *dnode)
{
	return fat_dc_get(dnode) != NULL;
}

/*
 * Look name up through the index: 0 and the key, ENOENT, or EAGAIN when
 * there is no index (the caller scans).
 */
int
fat_dcache_lookup(struct fat_node *dnode, const char *name, size_t len,
    uint64_t *devoffp)
{
	struct fat_dcache *dc = fat_dc_get(dnode);
	struct fat_diriter *di;
	struct fat_dname *dn;
	struct fat_dcent *e;
	uint32_t h, i, pass;
	int error = ENOENT;

	if (dc == NULL)
		return EAGAIN;
	h = fat_dc_hash(name, len);
	if ((di = kmem_alloc(sizeof(*di) + sizeof(*dn))) == NULL)
		return ENOMEM;
	dn = (struct fat_dname *)(di + 1);
	/* Pass 0 walks the long-name chain, pass 1 the short-name one. */
	for (pass = 0; pass < 2 && error == ENOENT; pass++) {
		i = (pass == 0 ? dc->dc_lbuckets :
		    dc->dc_sbuckets)[h & (dc->dc_nbuckets - 1)];
		for (; i != 0 && error == ENOENT; i = pass == 0 ?
		    e->dce_lnext : e->dce_snext) {
			e = &dc->dc_ents[i - 1];
			if (e->dce_devoff == 0 || (pass == 0 ?
			    e->dce_lhash : e->dce_shash) != h)
				continue;
			/* Straight to the entry's cluster: no chain walk. */
			fat_diriter_init(di, dnode->fn_fmp, dnode->fn_startcl,
			    0);
			fat_diriter_seek(di, e->dce_first, e->dce_firstcl);
			error = fat_diriter_next(di, dn);
			fat_diriter_done(di);
			if (error == 0 && (fat_name_eq(name, len, dn->dn_name,
			    dn->dn_namelen) || fat_name_eq(name, len,
			    dn->dn_short, dn->dn_shortlen)))
				*devoffp = dn->dn_devoff;
			else if (error == 0 || error == ENOENT)
				error = ENOENT;
		}
	}
	kmem_free(di, sizeof(*di) + sizeof(*dn));
	return error;
}

/*
 * An entry was added to dnode (vnode locked exclusive): name, its short
 * name, its first slot and the cluster holding that, and its short
 * entry's offset.  If the index cannot grow it is dropped (and rebuilt
 * by the next lookup).
 */
void
fat_dcache_add(struct fat_node *dnode, const char *name, size_t len,
    const uint8_t sn[11], uint8_t ntflags, uint64_t first, uint32_t firstcl,
    uint64_t devoff)
{
	struct fat_dcache *dc = dnode->fn_dcache;
	char sname[40];
	size_t slen = 0;
	struct fat_dcent e;

	if (dc == NULL)
		return;
	e.dce_lhash = fat_dc_hash(name, len);
	e.dce_shash = fat_shortname_to_utf8(sn, ntflags, sname, sizeof(sname),
	    &slen) == 0 ? fat_dc_hash(sname, slen) : 0;
	e.dce_first = first;
	e.dce_firstcl = firstcl;
	e.dce_devoff = devoff;
	if (fat_dc_append(dc, &e) != 0)
		fat_dcache_free(dnode);
}

/*
 * The entry at devoff, which name (in any case, long or short) names,
 * was removed from dnode (locked exclusive).
 */
void
fat_dcache_remove(struct fat_node *dnode, const char *name, size_t len,
    uint64_t devoff)
{
	struct fat_dcache *dc = dnode->fn_dcache;
	struct fat_dcent *e;
	uint32_t h, i, pass;

	if (dc == NULL)
		return;
	h = fat_dc_hash(name, len);
	for (pass = 0; pass < 2; pass++) {
		i = (pass == 0 ? dc->dc_lbuckets :
		    dc->dc_sbuckets)[h & (dc->dc_nbuckets - 1)];
		for (; i != 0; i = pass == 0 ? e->dce_lnext : e->dce_snext) {
			e = &dc->dc_ents[i - 1];
			if (e->dce_devoff == devoff) {
				e->dce_devoff = 0;	/* stays chained */
				return;
			}
		}
	}
	fat_dcache_free(dnode);		/* not found: start over */
}
