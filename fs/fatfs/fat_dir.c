/*
 * fat_dir.c: reading directories: the slot iterator with long-name
 * assembly, name lookup, the ".." search and the volume label.
 *
 * A directory is an array of 32-byte slots: the fixed root region of
 * FAT12/16, or a cluster chain.  A slot index is the position in that
 * array; readdir cookies are built from it (fat_vnops.c).  A long name
 * is a run of LFN slots, highest ordinal first with FAT_LFN_LAST set,
 * each carrying the checksum of the short entry that follows.  A run
 * that is interrupted, out of order, or whose checksum does not match
 * the short name is ignored and the short name is used, as Windows and
 * Linux do; so is a long name that is not valid UTF-16.  A first byte of
 * 0 ends the directory.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/kmem.h>
#include "fs/fatfs/fatfs.h"

void
fat_diriter_init(struct fat_diriter *di, struct fat_mount *fmp,
    uint32_t startcl, uint64_t index)
{
	memset(di, 0, offsetof(struct fat_diriter, di_lfn));
	di->di_fmp = fmp;
	di->di_startcl = startcl;
	di->di_index = index;
	di->di_lfnslots = 0;
}

/*
 * Continue at slot index, held by cluster cl of the chain (0: not
 * known, found by walking the chain; ignored for the fixed root).
 */
void
fat_diriter_seek(struct fat_diriter *di, uint64_t index, uint32_t cl)
{
	uint32_t perclus = di->di_fmp->fm_bpb.bpb_clustersize /
	    FAT_DIRENT_SIZE;

	di->di_index = index;
	di->di_lfnslots = 0;
	if (cl != 0 && di->di_startcl != 0) {
		di->di_cl = cl;
		di->di_clidx = (uint32_t)(index / perclus);
	}
}

/*
 * Start di at slot index of directory dnode from the cluster the last
 * iterator of dnode reached, when that is not past index (see
 * fn_hintcl in fatfs.h): scanning on from a readdir cookie or from the
 * free-slot hint then costs no walk from the chain's start.
 */
void
fat_diriter_initnode(struct fat_diriter *di, struct fat_node *dnode,
    uint64_t index)
{
	uint32_t perclus = dnode->fn_fmp->fm_bpb.bpb_clustersize /
	    FAT_DIRENT_SIZE;

	fat_diriter_init(di, dnode->fn_fmp, dnode->fn_startcl, index);
	if (dnode->fn_startcl == 0)
		return;
	mutex_enter(&dnode->fn_lock);
	if (dnode->fn_hintcl != 0 && dnode->fn_hintidx <= index / perclus) {
		di->di_cl = dnode->fn_hintcl;
		di->di_clidx = dnode->fn_hintidx;
	}
	mutex_exit(&dnode->fn_lock);
}

/* Remember where di (an iterator of dnode) got to, for the next one. */
void
fat_diriter_remember(struct fat_diriter *di, struct fat_node *dnode)
{
	if (di->di_cl == 0 || dnode->fn_startcl == 0)
		return;
	mutex_enter(&dnode->fn_lock);
	dnode->fn_hintcl = di->di_cl;
	dnode->fn_hintidx = di->di_clidx;
	mutex_exit(&dnode->fn_lock);
}

void
fat_diriter_done(struct fat_diriter *di)
{
	if (di->di_bp != NULL) {
		if (di->di_dirty)
			bdwrite(di->di_bp);
		else
			brelse(di->di_bp);
		di->di_bp = NULL;
		di->di_dirty = false;
	}
}

/*
 * The device offset of slot index of the directory, or ENOENT past its
 * end.  Moves along the chain from the last cluster used.
 */
int
fat_diriter_slotoff(struct fat_diriter *di, uint64_t index, uint64_t *offp)
{
	struct fat_mount *fmp = di->di_fmp;
	const struct fat_bpb *bpb = &fmp->fm_bpb;
	uint32_t perclus = bpb->bpb_clustersize / FAT_DIRENT_SIZE;
	uint64_t clidx = index / perclus;
	uint32_t next;
	int error;

	if (di->di_startcl == 0) {
		if (index >= bpb->bpb_rootents)
			return ENOENT;
		*offp = (uint64_t)bpb->bpb_rootsec * bpb->bpb_secsize +
		    index * FAT_DIRENT_SIZE;
		return 0;
	}
	if (clidx >= bpb->bpb_nclusters)
		return ENOENT;	/* a longer chain would loop */
	if (di->di_cl == 0 || clidx < di->di_clidx) {
		di->di_cl = di->di_startcl;
		di->di_clidx = 0;
	}
	while (di->di_clidx < clidx) {
		if ((error = fat_chain_next(fmp, di->di_cl, &next)) != 0)
			return error;
		if (next == FAT_CHAIN_END)
			return ENOENT;	/* di_cl stays the last cluster */
		di->di_cl = next;
		di->di_clidx++;
	}
	*offp = fat_cluster_off(fmp, di->di_cl) +
	    (index % perclus) * FAT_DIRENT_SIZE;
	return 0;
}

/*
 * The raw 32 bytes of slot index, valid until the next call; ENOENT past
 * the end of the directory.  A caller that changes them calls
 * fat_diriter_dirty before the next call.
 */
int
fat_diriter_slot(struct fat_diriter *di, uint64_t index, const uint8_t **rawp,
    uint64_t *offp)
{
	const struct fat_bpb *bpb = &di->di_fmp->fm_bpb;
	uint32_t secsize = bpb->bpb_secsize, perclus, nra;
	uint64_t off, secoff;
	int error;

	if ((error = fat_diriter_slotoff(di, index, &off)) != 0)
		return error;
	secoff = rounddown(off, secsize);
	if (di->di_bp == NULL || di->di_bp->b_off != secoff) {
		fat_diriter_done(di);
		/* The rest of the cluster comes in the same request: a
		 * scan of a large directory is one read per cluster. */
		perclus = bpb->bpb_clustersize / FAT_DIRENT_SIZE;
		nra = di->di_startcl == 0 ? 0 : (bpb->bpb_clustersize -
		    (uint32_t)(index % perclus) * FAT_DIRENT_SIZE) / secsize - 1;
		error = breadn(di->di_fmp->fm_dev, secoff, secsize, (int)nra,
		    &di->di_bp);
		if (error != 0) {
			di->di_bp = NULL;
			return error;
		}
	}
	*rawp = (const uint8_t *)di->di_bp->b_data + (off - secoff);
	*offp = off;
	return 0;
}

/* Take an LFN slot into the long name being assembled. */
static void
fat_diriter_lfn(struct fat_diriter *di, const uint8_t *raw)
{
	struct fat_lfnent le;
	int ord;

	fat_lfnent_decode(raw, &le);
	ord = le.le_ord & FAT_LFN_ORD_MASK;
	if (le.le_ord & FAT_LFN_LAST) {
		if (ord < 1 || ord > FAT_LFN_MAXSLOTS) {
			di->di_lfnslots = 0;
			return;
		}
		di->di_lfnslots = ord;
		di->di_lfncsum = le.le_csum;
		di->di_lfnstart = di->di_index;
		di->di_lfnstartcl = di->di_cl;
	} else if (di->di_lfnslots == 0 || ord != di->di_lfnnext ||
	    le.le_csum != di->di_lfncsum) {
		di->di_lfnslots = 0;	/* orphan or out of order */
		return;
	}
	memcpy(&di->di_lfn[(ord - 1) * FAT_LFN_CHARS], le.le_chars,
	    sizeof(le.le_chars));
	di->di_lfnnext = ord - 1;
}

/*
 * The long name assembled for short name sn, as UTF-8 in dn, if the run
 * is complete and its checksum matches.  Returns false otherwise.
 */
static bool
fat_diriter_longname(struct fat_diriter *di, const uint8_t sn[11],
    struct fat_dname *dn)
{
	size_t n, max;

	if (di->di_lfnslots == 0 || di->di_lfnnext != 0 ||
	    fat_lfn_checksum(sn) != di->di_lfncsum)
		return false;
	max = (size_t)di->di_lfnslots * FAT_LFN_CHARS;
	for (n = 0; n < max && di->di_lfn[n] != 0; n++)
		continue;
	if (n == 0 || n > FAT_LFN_MAXLEN)
		return false;
	if (fat_utf16_to_utf8(di->di_lfn, n, dn->dn_name,
	    sizeof(dn->dn_name), &dn->dn_namelen) != 0 ||
	    dn->dn_namelen > NAME_MAX)
		return false;
	if ((n == 1 && di->di_lfn[0] == '.') ||
	    (n == 2 && di->di_lfn[0] == '.' && di->di_lfn[1] == '.'))
		return false;
	return true;
}

/* Is this short entry the "." or ".." of a subdirectory? */
static bool
fat_is_dot(const struct fat_dirent *de)
{
	return (de->de_attr & FAT_ATTR_DIR) && de->de_name[0] == '.' &&
	    (memcmp(de->de_name + 1, "          ", 10) == 0 ||
	    (de->de_name[1] == '.' &&
	    memcmp(de->de_name + 2, "         ", 9) == 0));
}

/* Fill dn from a short entry at devoff; false if it has no usable name. */
static bool
fat_diriter_short(struct fat_diriter *di, const uint8_t *raw, uint64_t devoff,
    struct fat_dname *dn)
{
	struct fat_dirent *de = &dn->dn_de;

	fat_dirent_decode(raw, de);
	dn->dn_devoff = devoff;
	dn->dn_index = di->di_index;
	dn->dn_isdot = fat_is_dot(de);
	if (dn->dn_isdot) {
		dn->dn_namelen = de->de_name[1] == '.' ? 2 : 1;
		memcpy(dn->dn_name, "..", dn->dn_namelen);
		dn->dn_name[dn->dn_namelen] = '\0';
		dn->dn_shortlen = 0;
		dn->dn_first = dn->dn_index;
		dn->dn_firstcl = di->di_cl;
		return true;
	}
	if (fat_shortname_to_utf8(de->de_name, de->de_ntflags, dn->dn_short,
	    sizeof(dn->dn_short), &dn->dn_shortlen) != 0) {
		if (kern_verbose > 0)
			printf("fatfs: entry at %llu: invalid short name, "
			    "skipped\n", (unsigned long long)devoff);
		return false;
	}
	dn->dn_first = dn->dn_index;
	dn->dn_firstcl = di->di_cl;
	if (!fat_diriter_longname(di, de->de_name, dn)) {
		memcpy(dn->dn_name, dn->dn_short, dn->dn_shortlen + 1);
		dn->dn_namelen = dn->dn_shortlen;
	} else {
		dn->dn_first = di->di_lfnstart;
		dn->dn_firstcl = di->di_lfnstartcl;
	}
	return true;
}

/*
 * The next live entry of the directory (files, subdirectories, and the
 * "." and ".." entries marked dn_isdot), skipping free slots, volume
 * labels and unusable entries.  ENOENT at the end.
 */
int
fat_diriter_next(struct fat_diriter *di, struct fat_dname *dn)
{
	const uint8_t *raw;
	uint64_t off;
	uint8_t b0, attr;
	bool found;
	int error;

	for (;; di->di_index++) {
		error = fat_diriter_slot(di, di->di_index, &raw, &off);
		if (error != 0)
			return error;
		b0 = fat_dirent_byte0(raw);
		attr = fat_dirent_attr(raw);
		if (b0 == FAT_NAME_END)
			return ENOENT;
		if (b0 == FAT_NAME_DELETED) {
			di->di_lfnslots = 0;
			continue;
		}
		if ((attr & FAT_ATTR_LFN_MASK) == FAT_ATTR_LFN) {
			fat_diriter_lfn(di, raw);
			continue;
		}
		found = !(attr & FAT_ATTR_VOLUME) &&
		    fat_diriter_short(di, raw, off, dn);
		di->di_lfnslots = 0;
		if (found) {
			di->di_index++;
			return 0;
		}
	}
}

/*
 * Look name up in directory node dn (not "." or ".."): the key of the
 * entry whose long or short name matches, ignoring case.  ENOENT.
 */
int
fat_dir_lookup(struct fat_node *dnode, const char *name, size_t len,
    uint64_t *keyp)
{
	struct fat_diriter *di;
	struct fat_dname *dn;
	int error;

	if ((error = fat_dcache_lookup(dnode, name, len, keyp)) != EAGAIN)
		return error;
	if ((di = kmem_alloc(sizeof(*di) + sizeof(*dn))) == NULL)
		return ENOMEM;
	dn = (struct fat_dname *)(di + 1);
	fat_diriter_init(di, dnode->fn_fmp, dnode->fn_startcl, 0);
	while ((error = fat_diriter_next(di, dn)) == 0) {
		if (dn->dn_isdot)
			continue;
		if (fat_name_eq(name, len, dn->dn_name, dn->dn_namelen) ||
		    fat_name_eq(name, len, dn->dn_short, dn->dn_shortlen)) {
			*keyp = dn->dn_devoff;
			break;
		}
	}
	fat_diriter_done(di);
	kmem_free(di, sizeof(*di) + sizeof(*dn));
	return error;
}

/*
 * The first cluster recorded in the ".." entry (slot 1) of the directory
 * starting at cl; 0 means the root.
 */
static int
fat_dotdot_cluster(struct fat_mount *fmp, uint32_t cl, uint32_t *pclp)
{
	struct fat_diriter di;
	struct fat_dirent de;
	const uint8_t *raw;
	uint64_t off;
	int error;

	fat_diriter_init(&di, fmp, cl, 1);
	error = fat_diriter_slot(&di, 1, &raw, &off);
	if (error == 0) {
		fat_dirent_decode(raw, &de);
		if (!fat_is_dot(&de) || de.de_name[1] != '.')
			error = FS_CORRUPT("fatfs", "directory at cluster %u "
			    "has no \"..\" entry", cl);
		else if (de.de_startcl == fmp->fm_bpb.bpb_rootclus &&
		    fmp->fm_bpb.bpb_fattype == FAT32)
			*pclp = 0;	/* some writers name the root's cluster */
		else if (de.de_startcl != 0 &&
		    !fat_cluster_valid(fmp, de.de_startcl))
			error = FS_CORRUPT("fatfs", "directory at cluster %u: "
			    "\"..\" cluster %u", cl, de.de_startcl);
		else
			*pclp = de.de_startcl;
	} else if (error == ENOENT)
		error = FS_CORRUPT("fatfs", "directory at cluster %u is empty",
		    cl);
	fat_diriter_done(&di);
	return error;
}

/*
 * The key of the parent of directory node dn: its ".." names the
 * parent's cluster, the parent's ".." the grandparent, in which the
 * parent's entry is found by its first cluster.
 */
int
fat_dir_parent(struct fat_node *dnode, uint64_t *keyp)
{
	struct fat_mount *fmp = dnode->fn_fmp;
	struct fat_diriter *di;
	struct fat_dname *dn;
	uint32_t pcl, gcl;
	int error;

	if (dnode->fn_key == FAT_ROOT_KEY) {
		*keyp = FAT_ROOT_KEY;
		return 0;
	}
	if ((error = fat_dotdot_cluster(fmp, dnode->fn_startcl, &pcl)) != 0)
		return error;
	if (pcl == 0) {
		*keyp = FAT_ROOT_KEY;
		return 0;
	}
	if ((error = fat_dotdot_cluster(fmp, pcl, &gcl)) != 0)
		return error;
	if (gcl == 0 && fmp->fm_bpb.bpb_fattype == FAT32)
		gcl = fmp->fm_bpb.bpb_rootclus;
	if ((di = kmem_alloc(sizeof(*di) + sizeof(*dn))) == NULL)
		return ENOMEM;
	dn = (struct fat_dname *)(di + 1);
	fat_diriter_init(di, fmp, gcl, 0);
	while ((error = fat_diriter_next(di, dn)) == 0) {
		if (!dn->dn_isdot && (dn->dn_de.de_attr & FAT_ATTR_DIR) &&
		    dn->dn_de.de_startcl == pcl) {
			*keyp = dn->dn_devoff;
			break;
		}
	}
	fat_diriter_done(di);
	kmem_free(di, sizeof(*di) + sizeof(*dn));
	if (error == ENOENT)
		error = FS_CORRUPT("fatfs", "parent at cluster %u not found "
		    "in its parent", pcl);
	return error;
}

/*
 * The volume label: the label entry of the root directory, else the
 * boot sector's.  ENOATTR if there is none (or it is "NO NAME").
 */
int
fat_volume_label(struct fat_mount *fmp, char *label, size_t size)
{
	struct fat_diriter di;
	struct fat_dirent de;
	const uint8_t *raw;
	uint8_t name[11];
	uint64_t off, i;
	size_t len;
	int error;

	memset(name, ' ', sizeof(name));
	memcpy(name, fmp->fm_bpb.bpb_label, strlen(fmp->fm_bpb.bpb_label));
	fat_diriter_init(&di, fmp, fmp->fm_bpb.bpb_fattype == FAT32 ?
	    fmp->fm_bpb.bpb_rootclus : 0, 0);
	for (i = 0; (error = fat_diriter_slot(&di, i, &raw, &off)) == 0;
	    i++) {
		if (fat_dirent_byte0(raw) == FAT_NAME_END)
			break;
		if (fat_dirent_byte0(raw) != FAT_NAME_DELETED &&
		    (fat_dirent_attr(raw) & FAT_ATTR_LFN_MASK) ==
		    FAT_ATTR_VOLUME) {
			fat_dirent_decode(raw, &de);
			memcpy(name, de.de_name, sizeof(name));
			break;
		}
	}
	fat_diriter_done(&di);
	if (error != 0 && error != ENOENT)
		return error;
	if (memcmp(name, "NO NAME    ", 11) == 0)
		return ENOATTR;
	if (fat_label_to_utf8(name, label, size, &len) != 0 || len == 0)
		return ENOATTR;
	return 0;
}

/*
 * Read the short entry at devoff (a slot of some directory) and its raw
 * first byte.
 */
int
fat_read_slot(struct fat_mount *fmp, uint64_t devoff, struct fat_dirent *de,
    uint8_t *byte0)
{
	uint32_t secsize = fmp->fm_bpb.bpb_secsize;
	uint64_t secoff = rounddown(devoff, secsize);
	struct buf *bp;
	const uint8_t *raw;
	int error;

	if ((error = bread(fmp->fm_dev, secoff, secsize, &bp)) != 0)
		return error;
	raw = (const uint8_t *)bp->b_data + (devoff - secoff);
	*byte0 = fat_dirent_byte0(raw);
	fat_dirent_decode(raw, de);
	brelse(bp);
	return 0;
}
