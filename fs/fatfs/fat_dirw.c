/*
 * fat_dirw.c: changing directories: short-name generation, adding an
 * entry (long-name slots and short entry) with directory growth,
 * removing one, rewriting a short entry in place, and the table of moved
 * keys (see struct fat_moved in fatfs.h).
 *
 * Short names follow what Windows and Linux vfat do: a name that is a
 * valid 8.3 name in one case per part is stored as a short entry only,
 * with the NT lower-case flags; a valid 8.3 name in mixed case keeps its
 * upper-cased short name plus a long name; anything else gets a basis
 * name (upper case, in code page 437 where it has the character, spaces
 * and extra dots removed, other characters replaced by '_', base cut to
 * 8 and extension to 3) and the first free numeric tail "~1" to "~4",
 * then a hashed name as Windows makes them (fat_make_shortname); a basis
 * that lost nothing ("café.txt": "CAFÉ.TXT") needs no tail.  Candidates are checked
 * by lookup, which the directory's name index (fat_dcache.c) answers
 * without reading the directory.
 *
 * All changes to a directory happen with its vnode locked exclusive.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/fatfs/fatfs.h"

#define FAT_TAIL_PLAIN	4		/* ~1..~4, then hashed names */
#define FAT_DIR_MAXSLOTS 65536		/* a directory is at most 2 MiB */

/* Characters allowed in a short name besides A-Z and 0-9. */
static bool
fat_short_char(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != 0 && strchr("$%'-_@~`!(){}^#&", (int)c) != NULL);
}

/*
 * Is name an 8.3 name as it stands (after upper-casing)?  If so fill sn
 * and set *ntflags for parts written in lower case and *mixed for parts
 * in mixed case (which then need a long name too).
 */
static bool
fat_name_is83(const char *name, size_t len, uint8_t sn[11],
    uint8_t *ntflags, bool *mixed)
{
	const char *dot = memchr(name, '.', len);
	size_t blen = dot != NULL ? (size_t)(dot - name) : len;
	size_t elen = dot != NULL ? len - blen - 1 : 0, i;
	int lower[2] = { 0, 0 }, upper[2] = { 0, 0 }, part;
	uint8_t c;

	if (blen < 1 || blen > 8 || elen > 3 || (dot != NULL && elen == 0) ||
	    (dot != NULL && memchr(dot + 1, '.', elen) != NULL))
		return false;
	memset(sn, ' ', 11);
	for (i = 0; i < len; i++) {
		if (name + i == dot)
			continue;
		part = dot != NULL && name + i > dot;
		c = (uint8_t)name[i];
		if (c >= 'a' && c <= 'z') {
			lower[part] = 1;
			c = (uint8_t)(c - 'a' + 'A');
		} else if (c >= 'A' && c <= 'Z')
			upper[part] = 1;
		if (!fat_short_char(c))
			return false;
		sn[part ? 8 + (size_t)(name + i - dot - 1) : i] = c;
	}
	if (sn[0] == FAT_NAME_DELETED)
		sn[0] = FAT_NAME_KANJI_E5;
	*ntflags = (lower[0] && !upper[0] ? FAT_NT_LOWER_BASE : 0) |
	    (lower[1] && !upper[1] ? FAT_NT_LOWER_EXT : 0);
	*mixed = (lower[0] && upper[0]) || (lower[1] && upper[1]);
	return true;
}

/*
 * One character of a basis name: the code page 437 byte of its upper
 * case, else of itself (cp437 has no capitals for some of its small
 * letters: a, y with accents, Greek), else '_'.  *lossy is set when the
 * character could not be kept.
 */
static uint8_t
fat_basis_char(uint32_t cp, bool *lossy)
{
	int b = fat_unicode_to_oem(fat_fold(cp));

	if (b < 0)
		b = fat_unicode_to_oem(cp);
	if (b < 0 || (b < 0x80 && !fat_short_char((uint32_t)b))) {
		*lossy = true;
		return '_';
	}
	return (uint8_t)b;
}

/*
 * The basis name of a long name (see the top of this file); *lossy is
 * set when a character had to be replaced.
 */
static void
fat_name_basis(const char *name, size_t len, uint8_t sn[11], bool *lossy)
{
	const char *end = name + len, *lastdot = NULL, *s;
	uint32_t cp;
	int n = 0;

	*lossy = false;
	for (s = name; s < end; s++)
		if (*s == '.')
			lastdot = s;
	if (lastdot == name)
		lastdot = NULL;		/* ".profile": all base */
	memset(sn, ' ', 11);
	for (s = name; s < end && n < 8 && s != lastdot;) {
		if (fat_utf8_next(&s, end, &cp) != 0)
			break;
		if (cp == ' ' || cp == '.')
			continue;
		sn[n++] = fat_basis_char(cp, lossy);
	}
	if (n == 0)
		sn[n++] = '_';
	for (n = 8, s = lastdot != NULL ? lastdot + 1 : end; s < end &&
	    n < 11;) {
		if (fat_utf8_next(&s, end, &cp) != 0)
			break;
		if (cp == ' ')
			continue;
		sn[n++] = fat_basis_char(cp, lossy);
	}
}

/* Length of the basis base name (without padding). */
static int
fat_basis_len(const uint8_t sn[11])
{
	int n;

	for (n = 8; n > 0 && sn[n - 1] == ' '; n--)
		continue;
	return n;
}

/*
 * Is the short name sn taken in dnode?  Asked through lookup (so by the
 * name index when the directory has one): a long name that reads like
 * the short name also counts, which only makes the choice safer.
 */
static int
fat_short_taken(struct fat_node *dnode, const uint8_t sn[11], bool *takenp)
{
	char s[40];
	size_t slen;
	uint64_t off;
	int error;

	if (fat_shortname_to_utf8(sn, 0, s, sizeof(s), &slen) != 0)
		return EINVAL;		/* cannot happen: basis characters */
	error = fat_dir_lookup(dnode, s, slen, &off);
	*takenp = error == 0;
	return error == ENOENT ? 0 : error;
}

/* sn = the first keep (at most) characters of basis b, then text t. */
static void
fat_short_compose(const uint8_t b[11], int keep, const char *t,
    uint8_t sn[11])
{
	int tl = (int)strlen(t);

	memcpy(sn, b, 11);
	keep = MIN(MIN(keep, fat_basis_len(b)), 8 - tl);
	memset(sn + keep, ' ', (size_t)(8 - keep));
	memcpy(sn + keep, t, (size_t)tl);
}

/*
 * Make the short name of a new entry name in directory dnode: sn, its
 * NT flags, and whether a long name is needed.  A name outside ASCII
 * whose basis kept every character and reads back as the name (in any
 * case: "café.txt" -> "CAFÉ.TXT") is its own short name, as Windows and
 * Linux make it, with a long name for the exact spelling.  Names that
 * need a tail try "~1" to "~4" on the basis, then, as Windows does, the
 * first two basis characters, four hex digits of a hash of the long
 * name, "~1".
 */
static int
fat_make_shortname(struct fat_node *dnode, const char *name, size_t len,
    uint8_t sn[11], uint8_t *ntflags, bool *needlfn)
{
	uint8_t basis[11];
	uint32_t h = 0, a;
	char t[12], b[40];
	size_t i, blen;
	bool mixed, is83, taken, lossy;
	int error;

	*ntflags = 0;
	is83 = fat_name_is83(name, len, sn, ntflags, &mixed);
	*needlfn = !is83 || mixed;
	/*
	 * An 8.3 name's short name is the name itself, upper-cased, and
	 * lookup (which the VFS did before asking to create) compares
	 * short names ignoring case: no entry can have it.
	 */
	if (is83)
		return 0;
	fat_name_basis(name, len, basis, &lossy);
	if (basis[0] == FAT_NAME_DELETED)
		basis[0] = FAT_NAME_KANJI_E5;	/* cp437 0xe5 is sigma */
	if (!lossy && fat_shortname_to_utf8(basis, 0, b, sizeof(b),
	    &blen) == 0 && fat_name_eq(name, len, b, blen)) {
		memcpy(sn, basis, 11);
		if ((error = fat_short_taken(dnode, sn, &taken)) != 0 ||
		    !taken)
			return error;
	}
	for (a = 1; a <= FAT_TAIL_PLAIN; a++) {
		snprintf(t, sizeof(t), "~%u", a);
		fat_short_compose(basis, 8, t, sn);
		if ((error = fat_short_taken(dnode, sn, &taken)) != 0 ||
		    !taken)
			return error;
	}
	for (i = 0; i < len; i++)
		h = h * 31 + (uint8_t)name[i];
	for (a = 0; a <= 0xffff; a++) {
		snprintf(t, sizeof(t), "%04X~1", (h + a) & 0xffff);
		fat_short_compose(basis, 2, t, sn);
		if ((error = fat_short_taken(dnode, sn, &taken)) != 0 ||
		    !taken)
			return error;
	}
	return EEXIST;
}

/*
 * Append one cluster to directory dnode, zeroed (so its slots read as
 * the end of the directory).
 */
static int
fat_dir_grow(struct fat_node *dnode, uint32_t lastcl)
{
	struct fat_mount *fmp = dnode->fn_fmp;
	uint32_t secsize = fmp->fm_bpb.bpb_secsize, cl, i;
	uint64_t off;
	struct buf *bp;
	int error;

	if ((error = fat_alloc_cluster(fmp, lastcl, &cl)) != 0)
		return error;
	off = fat_cluster_off(fmp, cl);
	for (i = 0; i < fmp->fm_bpb.bpb_secperclus; i++) {
		if ((error = getblk(fmp->fm_dev, off + (uint64_t)i * secsize,
		    secsize, &bp)) != 0)
			goto out_free;
		memset(bp->b_data, 0, secsize);
		bdwrite(bp);
	}
	if ((error = fat_link(fmp, lastcl, cl)) != 0)
		goto out_free;
	dnode->fn_size += fmp->fm_bpb.bpb_clustersize;
	mutex_enter(&dnode->fn_lock);
	if (dnode->fn_chainlen >= 0)
		dnode->fn_chainlen++;
	dnode->fn_dcfailed = false;	/* try the index again */
	mutex_exit(&dnode->fn_lock);
	return 0;

out_free:
	(void)fat_free_chain(fmp, cl);
	return error;
}

/*
 * Find nslots consecutive free slots in dnode, growing it if needed.
 * Slots whose offset is the key of a live moved vnode are not free.
 * The search starts at fn_dirhint: every slot below it is in use (or
 * was busy when it was passed; such a slot is found again when the
 * directory's node is next loaded, with the hint back at 0).  The hint
 * moves over the used slots the search passes at its start (".", "..",
 * earlier entries), so filling a directory does not rescan it.
 */
static int
fat_dir_findslots(struct fat_node *dnode, int nslots, uint64_t *firstp)
{
	struct fat_mount *fmp = dnode->fn_fmp;
	struct fat_diriter di;
	const uint8_t *raw;
	uint64_t i, off, run = 0;
	int error;

	fat_diriter_initnode(&di, dnode, dnode->fn_dirhint);
	for (i = dnode->fn_dirhint; i < FAT_DIR_MAXSLOTS; i++) {
		error = fat_diriter_slot(&di, i, &raw, &off);
		if (error == ENOENT) {
			if (dnode->fn_startcl == 0) {
				error = ENOSPC;	/* the fixed root is full */
				break;
			}
			/* di_cl is the last cluster: the walk ended there. */
			error = fat_dir_grow(dnode, di.di_cl);
			if (error == 0)
				error = fat_diriter_slot(&di, i, &raw, &off);
		}
		if (error != 0)
			break;
		if ((fat_dirent_byte0(raw) == FAT_NAME_END ||
		    fat_dirent_byte0(raw) == FAT_NAME_DELETED) &&
		    !fat_slot_busy(fmp, off)) {
			if (++run == (uint64_t)nslots) {
				*firstp = i + 1 - run;
				if (*firstp == dnode->fn_dirhint)
					dnode->fn_dirhint = i + 1;
				break;
			}
		} else {
			run = 0;
			if (i == dnode->fn_dirhint)
				dnode->fn_dirhint = i + 1;
		}
	}
	fat_diriter_remember(&di, dnode);
	fat_diriter_done(&di);
	if (error == 0 && i == FAT_DIR_MAXSLOTS)
		error = ENOSPC;
	return error;
}

/*
 * Write nslots slots from first: the LFN slots of u, then de.  *firstclp
 * gets the cluster holding slot first (for the name index).
 */
static int
fat_dir_writeslots(struct fat_node *dnode, uint64_t first, int nslots,
    const uint16_t *u, size_t nu, const struct fat_dirent *de,
    uint32_t *firstclp, uint64_t *devoffp)
{
	struct fat_diriter di;
	struct fat_lfnent le;
	const uint8_t *raw;
	uint64_t off;
	int s, ord, k, error = 0;
	size_t c;

	le.le_csum = fat_lfn_checksum(de->de_name);
	fat_diriter_initnode(&di, dnode, first);
	for (s = 0; s < nslots && error == 0; s++) {
		if ((error = fat_diriter_slot(&di, first + (uint64_t)s, &raw,
		    &off)) != 0)
			break;
		if (s == 0)
			*firstclp = di.di_cl;
		if (s == nslots - 1) {
			fat_dirent_encode(de, (uint8_t *)(uintptr_t)raw);
			*devoffp = off;
		} else {
			ord = nslots - 1 - s;
			le.le_ord = (uint8_t)(ord |
			    (s == 0 ? FAT_LFN_LAST : 0));
			for (k = 0; k < FAT_LFN_CHARS; k++) {
				c = (size_t)(ord - 1) * FAT_LFN_CHARS +
				    (size_t)k;
				le.le_chars[k] = c < nu ? u[c] :
				    c == nu ? 0 : 0xffff;
			}
			fat_lfnent_encode(&le, (uint8_t *)(uintptr_t)raw);
		}
		fat_diriter_dirty(&di);
	}
	fat_diriter_done(&di);
	return error;
}

/*
 * Can name be stored?  Windows forbids control characters and
 * \ / : * ? " < > | in long names, and drops trailing dots and spaces
 * (Linux vfat strips trailing dots); such names are refused with EINVAL
 * rather than stored under another spelling.
 */
static bool
fat_name_storable(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((uint8_t)name[i] < 0x20 ||
		    memchr("\\/:*?\"<>|", name[i], 9) != NULL)
			return false;
	return len > 0 && name[len - 1] != '.' && name[len - 1] != ' ';
}

/*
 * Add an entry for name to directory dnode: de has everything but the
 * name, which is made here.  *devoffp gets the short entry's offset.
 */
int
fat_dir_addentry(struct fat_node *dnode, const char *name, size_t len,
    struct fat_dirent *de, uint64_t *devoffp)
{
	uint16_t *u;
	size_t nu = 0;
	bool needlfn;
	uint64_t first;
	uint32_t firstcl = 0;
	int nslots, error;

	if (!fat_name_storable(name, len))
		return EINVAL;
	if ((u = kmem_alloc(FAT_LFN_MAXLEN * sizeof(*u))) == NULL)
		return ENOMEM;
	error = fat_utf8_to_utf16(name, len, u, FAT_LFN_MAXLEN, &nu);
	if (error == ENAMETOOLONG || (error == 0 && nu > FAT_LFN_MAXLEN))
		error = ENAMETOOLONG;
	else if (error != 0)
		error = EINVAL;		/* not UTF-8 */
	if (error == 0)
		error = fat_make_shortname(dnode, name, len, de->de_name,
		    &de->de_ntflags, &needlfn);
	if (error != 0)
		goto out_free;
	nslots = 1 + (needlfn ? (int)howmany(nu, FAT_LFN_CHARS) : 0);
	if ((error = fat_dir_findslots(dnode, nslots, &first)) != 0)
		goto out_free;
	error = fat_dir_writeslots(dnode, first, nslots, u, nu, de, &firstcl,
	    devoffp);
	if (error == 0)
		fat_dcache_add(dnode, name, len, de->de_name, de->de_ntflags,
		    first, firstcl, *devoffp);
	else
		fat_dcache_free(dnode);	/* slots may be half written */
out_free:
	kmem_free(u, FAT_LFN_MAXLEN * sizeof(*u));
	return error;
}

/*
 * Remove the entry whose short entry is at devoff, and which name names,
 * from dnode, with its long-name slots.  ENOENT if it is not there.
 */
int
fat_dir_removeentry(struct fat_node *dnode, const char *name, size_t len,
    uint64_t devoff)
{
	struct fat_diriter *di;
	struct fat_dname *dn;
	const uint8_t *raw;
	uint64_t i, off, first = 0, last = 0;
	int error;

	if ((di = kmem_alloc(sizeof(*di) + sizeof(*dn))) == NULL)
		return ENOMEM;
	dn = (struct fat_dname *)(di + 1);
	fat_diriter_init(di, dnode->fn_fmp, dnode->fn_startcl, 0);
	while ((error = fat_diriter_next(di, dn)) == 0)
		if (dn->dn_devoff == devoff && !dn->dn_isdot) {
			first = dn->dn_first;
			last = dn->dn_index;
			dnode->fn_dirhint = MIN(dnode->fn_dirhint, first);
			break;
		}
	for (i = first; error == 0 && i <= last; i++) {
		if ((error = fat_diriter_slot(di, i, &raw, &off)) != 0)
			break;
		((uint8_t *)(uintptr_t)raw)[0] = FAT_NAME_DELETED;
		fat_diriter_dirty(di);
	}
	fat_diriter_done(di);
	kmem_free(di, sizeof(*di) + sizeof(*dn));
	if (error == 0)
		fat_dcache_remove(dnode, name, len, devoff);
	else
		fat_dcache_free(dnode);
	return error;
}

/* Rewrite the short entry at devoff from de. */
int
fat_write_slot(struct fat_mount *fmp, uint64_t devoff,
    const struct fat_dirent *de)
{
	uint32_t secsize = fmp->fm_bpb.bpb_secsize;
	uint64_t secoff = rounddown(devoff, secsize);
	struct buf *bp;
	int error;

	if ((error = bread(fmp->fm_dev, secoff, secsize, &bp)) != 0)
		return error;
	fat_dirent_encode(de, (uint8_t *)bp->b_data + (devoff - secoff));
	bdwrite(bp);
	return 0;
}

/* Is directory dnode empty (only "." and "..")?  0, ENOTEMPTY. */
int
fat_dir_isempty(struct fat_node *dnode)
{
	struct fat_diriter *di;
	struct fat_dname *dn;
	int error;

	if ((di = kmem_alloc(sizeof(*di) + sizeof(*dn))) == NULL)
		return ENOMEM;
	dn = (struct fat_dname *)(di + 1);
	fat_diriter_init(di, dnode->fn_fmp, dnode->fn_startcl, 0);
	while ((error = fat_diriter_next(di, dn)) == 0)
		if (!dn->dn_isdot) {
			error = ENOTEMPTY;
			break;
		}
	fat_diriter_done(di);
	kmem_free(di, sizeof(*di) + sizeof(*dn));
	return error == ENOENT ? 0 : error;
}

/*
 * Set the label entry of the root directory to name (all blanks:
 * remove it), adding one if there is none.  The root is locked
 * exclusive.
 */
int
fat_dir_setlabel(struct fat_node *root, const uint8_t name[11])
{
	struct fat_diriter di;
	struct fat_dirent de;
	const uint8_t *raw;
	uint64_t i, off, first;
	bool blank = memcmp(name, "           ", 11) == 0;
	uint32_t cl;
	int error;

	fat_diriter_init(&di, root->fn_fmp, root->fn_startcl, 0);
	for (i = 0; (error = fat_diriter_slot(&di, i, &raw, &off)) == 0;
	    i++) {
		if (fat_dirent_byte0(raw) == FAT_NAME_END)
			break;
		if (fat_dirent_byte0(raw) != FAT_NAME_DELETED &&
		    (fat_dirent_attr(raw) & FAT_ATTR_LFN_MASK) ==
		    FAT_ATTR_VOLUME) {
			if (blank)
				((uint8_t *)(uintptr_t)raw)[0] =
				    FAT_NAME_DELETED;
			else
				memcpy((uint8_t *)(uintptr_t)raw, name, 11);
			fat_diriter_dirty(&di);
			fat_diriter_done(&di);
			return 0;
		}
	}
	fat_diriter_done(&di);
	if (error != 0 && error != ENOENT)
		return error;
	if (blank)
		return 0;
	memset(&de, 0, sizeof(de));
	memcpy(de.de_name, name, 11);
	de.de_attr = FAT_ATTR_VOLUME;
	if ((error = fat_dir_findslots(root, 1, &first)) != 0)
		return error;
	return fat_dir_writeslots(root, first, 1, NULL, 0, &de, &cl, &off);
}

/* The number of subdirectories of dnode (counted once, then kept). */
int
fat_dir_nsubdirs(struct fat_node *dnode, int64_t *np)
{
	struct fat_diriter *di;
	struct fat_dname *dn;
	int64_t n = 0;
	int error;

	mutex_enter(&dnode->fn_lock);
	n = dnode->fn_nsubdirs;
	mutex_exit(&dnode->fn_lock);
	/*
	 * Building the name index counts them on the way: a directory
	 * that is stat'ed is usually looked into next (ls -l, a recursive
	 * copy), which would otherwise scan it a second time.
	 */
	if (n < 0 && fat_dcache_prime(dnode)) {
		mutex_enter(&dnode->fn_lock);
		n = dnode->fn_nsubdirs;
		mutex_exit(&dnode->fn_lock);
	}
	if (n >= 0) {
		*np = n;
		return 0;
	}
	if ((di = kmem_alloc(sizeof(*di) + sizeof(*dn))) == NULL)
		return ENOMEM;
	dn = (struct fat_dname *)(di + 1);
	n = 0;
	fat_diriter_init(di, dnode->fn_fmp, dnode->fn_startcl, 0);
	while ((error = fat_diriter_next(di, dn)) == 0)
		if (!dn->dn_isdot && (dn->dn_de.de_attr & FAT_ATTR_DIR))
			n++;
	fat_diriter_done(di);
	kmem_free(di, sizeof(*di) + sizeof(*dn));
	if (error != ENOENT)
		return error;
	mutex_enter(&dnode->fn_lock);
	dnode->fn_nsubdirs = n;
	mutex_exit(&dnode->fn_lock);
	*np = n;
	return 0;
}

/* A subdirectory was added to (1) or removed from (-1) dnode. */
void
fat_dir_nsubdirs_adjust(struct fat_node *dnode, int delta)
{
	mutex_enter(&dnode->fn_lock);
	if (dnode->fn_nsubdirs >= 0)
		dnode->fn_nsubdirs += delta;
	mutex_exit(&dnode->fn_lock);
}

/*
 * The moved-key table.  All under fm_lock; the table is short (one entry
 * per live vnode that was renamed or removed).
 */
static struct fat_moved *
fat_moved_find(struct fat_mount *fmp, uint64_t key)
{
	struct fat_moved *fmv;

	KASSERT(mutex_owned(&fmp->fm_lock));
	LIST_FOREACH(fmv, &fmp->fm_moved, fmv_list)
		if (fmv->fmv_key == key)
			return fmv;
	return NULL;
}

bool
fat_slot_busy(struct fat_mount *fmp, uint64_t devoff)
{
	bool busy;

	mutex_enter(&fmp->fm_lock);
	busy = fat_moved_find(fmp, devoff) != NULL;
	mutex_exit(&fmp->fm_lock);
	return busy;
}

uint64_t
fat_key_of(struct fat_mount *fmp, uint64_t devoff)
{
	struct fat_moved *fmv;
	uint64_t key = devoff;

	mutex_enter(&fmp->fm_lock);
	LIST_FOREACH(fmv, &fmp->fm_moved, fmv_list)
		if (fmv->fmv_devoff == devoff) {
			key = fmv->fmv_key;
			break;
		}
	mutex_exit(&fmp->fm_lock);
	return key;
}

/* Where the entry of key is now (0: removed; key if never moved). */
uint64_t
fat_devoff_of(struct fat_mount *fmp, uint64_t key)
{
	struct fat_moved *fmv;
	uint64_t devoff = key;

	mutex_enter(&fmp->fm_lock);
	if ((fmv = fat_moved_find(fmp, key)) != NULL)
		devoff = fmv->fmv_devoff;
	mutex_exit(&fmp->fm_lock);
	return devoff;
}

/* Record that the entry of key is now at devoff (0: removed). */
int
fat_moved_set(struct fat_mount *fmp, uint64_t key, uint64_t devoff)
{
	struct fat_moved *fmv, *nfmv;

	if ((nfmv = kmem_alloc(sizeof(*nfmv))) == NULL)
		return ENOMEM;
	mutex_enter(&fmp->fm_lock);
	if ((fmv = fat_moved_find(fmp, key)) == NULL) {
		fmv = nfmv;
		nfmv = NULL;
		fmv->fmv_key = key;
		LIST_INSERT_HEAD(&fmp->fm_moved, fmv, fmv_list);
	}
	fmv->fmv_devoff = devoff;
	mutex_exit(&fmp->fm_lock);
	if (nfmv != NULL)
		kmem_free(nfmv, sizeof(*nfmv));
	return 0;
}

/* Forget key (its vnode is being reclaimed). */
void
fat_moved_drop(struct fat_mount *fmp, uint64_t key)
{
	struct fat_moved *fmv;

	mutex_enter(&fmp->fm_lock);
	if ((fmv = fat_moved_find(fmp, key)) != NULL)
		LIST_REMOVE(fmv, fmv_list);
	mutex_exit(&fmp->fm_lock);
	if (fmv != NULL)
		kmem_free(fmv, sizeof(*fmv));
}
