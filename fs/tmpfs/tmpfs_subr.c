/*
 * tmpfs_subr.c: tmpfs nodes and directory entries, independent of vnodes.
 *
 * A directory keeps its entries on a list in cookie (sequence number)
 * order.  Once it has more than TMPFS_DIR_SMALL entries it also keeps two
 * hash tables of the same size, one by name for lookups and one by
 * sequence number so that readdir resumes at a cookie in O(1); both are
 * rebuilt from the list when the directory grows or shrinks enough.  A
 * failed rebuild is harmless: the old tables (or the list) stay correct,
 * only slower.
 *
 * Callers hold the directory's vnode lock: shared for tmpfs_dir_lookup
 * and tmpfs_dir_seek, exclusive for tmpfs_dir_attach and tmpfs_dir_detach.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include "fs/tmpfs/tmpfs.h"

/* Directories up to this many entries have no hash tables. */
#define TMPFS_DIR_SMALL		8
/* Smallest hash table. */
#define TMPFS_DIR_MINBUCKETS	16

static struct pool tmpfs_node_pool;

int
tmpfs_node_pool_init(void)
{
	return pool_init(&tmpfs_node_pool, sizeof(struct tmpfs_node),
	    "tmpfs_node");
}

/*
 * Allocate a node of the given type, counted against the mount's node
 * limit, with all times set to now and no links.  Directories start
 * empty with no parent; the caller sets td_parent and the link counts.
 * Returns ENOSPC past the node limit, ENOMEM.
 */
int
tmpfs_node_alloc(struct tmpfs_mount *tm, enum vtype type, uint32_t mode,
    uint32_t uid, uint32_t gid, struct tmpfs_node **tnp)
{
	struct tmpfs_node *tn;
	struct ktimespec now;
	uint64_t ino;

	mutex_enter(&tm->tm_lock);
	if (tm->tm_nodes >= tm->tm_maxnodes) {
		mutex_exit(&tm->tm_lock);
		return ENOSPC;
	}
	tm->tm_nodes++;
	ino = tm->tm_nextino++;
	mutex_exit(&tm->tm_lock);

	if ((tn = pool_zget(&tmpfs_node_pool)) == NULL) {
		mutex_enter(&tm->tm_lock);
		tm->tm_nodes--;
		mutex_exit(&tm->tm_lock);
		return ENOMEM;
	}
	tn->tn_mount = tm;
	tn->tn_type = type;
	tn->tn_id = ino;
	tn->tn_gen = 1;		/* inode numbers are never reused */
	tn->tn_mode = mode & ALLPERMS;
	tn->tn_uid = uid;
	tn->tn_gid = gid;
	getnanotime(&now);
	tn->tn_atime = tn->tn_mtime = tn->tn_ctime = tn->tn_birthtime = now;
	TAILQ_INIT(&tn->tn_xattrs);
	if (type == VDIR) {
		TAILQ_INIT(&tn->tn_u.tn_dir.td_list);
		tn->tn_u.tn_dir.td_nextseq = TMPFS_COOKIE_FIRST;
	}

	mutex_enter(&tm->tm_lock);
	LIST_INSERT_HEAD(&tm->tm_nodelist, tn, tn_nodes);
	mutex_exit(&tm->tm_lock);
	*tnp = tn;
	return 0;
}

/* Free the contents of a directory (unmount or node free). */
static void
tmpfs_dir_freeall(struct tmpfs_dir *d)
{
	struct tmpfs_dirent *de;

	while ((de = TAILQ_FIRST(&d->td_list)) != NULL) {
		TAILQ_REMOVE(&d->td_list, de, td_entries);
		tmpfs_dirent_free(de);
	}
	if (d->td_nbuckets != 0) {
		kmem_free(d->td_names, d->td_nbuckets * sizeof(*d->td_names));
		kmem_free(d->td_seqs, d->td_nbuckets * sizeof(*d->td_seqs));
	}
	d->td_names = d->td_seqs = NULL;
	d->td_nbuckets = 0;
	d->td_count = 0;
}

/*
 * Free a node and everything it holds, and return its page and node
 * counts to the mount.  The node is unreachable: no vnode, and no
 * directory entry names it (or the whole mount is going away; entries of
 * a directory are freed with it, the nodes they name are not).
 */
void
tmpfs_node_free(struct tmpfs_node *tn)
{
	struct tmpfs_mount *tm = tn->tn_mount;

	switch (tn->tn_type) {
	case VDIR:
		tmpfs_dir_freeall(&tn->tn_u.tn_dir);
		break;
	case VREG:
		tmpfs_pages_truncate(tm, &tn->tn_u.tn_pages, 0);
		break;
	case VLNK:
		if (tn->tn_u.tn_link != NULL)
			kmem_strfree(tn->tn_u.tn_link);
		break;
	default:
		break;
	}
	tmpfs_xattr_freeall(tn);

	mutex_enter(&tm->tm_lock);
	LIST_REMOVE(tn, tn_nodes);
	KASSERT(tm->tm_nodes > 0);
	tm->tm_nodes--;
	mutex_exit(&tm->tm_lock);
	pool_put(&tmpfs_node_pool, tn);
}

/* FNV-1a over the name: cheap and good enough for a chained table. */
static uint32_t
tmpfs_namehash(const char *name, size_t len)
{
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 16777619U;
	}
	return h;
}

/*
 * Allocate an entry for name (namelen bytes, not NUL-terminated, 1 to
 * NAME_MAX).  It names nothing until tmpfs_dir_attach.
 */
int
tmpfs_dirent_alloc(const char *name, size_t namelen,
    struct tmpfs_dirent **dep)
{
	struct tmpfs_dirent *de;

	KASSERT(namelen > 0 && namelen <= NAME_MAX);
	if ((de = kmem_alloc(sizeof(*de) + namelen + 1)) == NULL)
		return ENOMEM;
	memset(de, 0, sizeof(*de));
	memcpy(de->td_name, name, namelen);
	de->td_name[namelen] = '\0';
	de->td_namelen = (uint16_t)namelen;
	de->td_hash = tmpfs_namehash(name, namelen);
	*dep = de;
	return 0;
}

void
tmpfs_dirent_free(struct tmpfs_dirent *de)
{
	kmem_free(de, sizeof(*de) + de->td_namelen + 1);
}

/*
 * Rebuild both hash tables with n buckets (0: none) from the entry list.
 * On ENOMEM the old tables stay, which is still correct.
 */
static void
tmpfs_dir_rehash(struct tmpfs_dir *d, uint32_t n)
{
	struct tmpfs_dirent_bucket *names = NULL, *seqs = NULL;
	struct tmpfs_dirent *de;
	uint32_t i;

	if (n != 0) {
		names = kmem_alloc(n * sizeof(*names));
		seqs = kmem_alloc(n * sizeof(*seqs));
		if (names == NULL || seqs == NULL) {
			kmem_free(names, n * sizeof(*names));
			kmem_free(seqs, n * sizeof(*seqs));
			return;
		}
		for (i = 0; i < n; i++) {
			LIST_INIT(&names[i]);
			LIST_INIT(&seqs[i]);
		}
		TAILQ_FOREACH(de, &d->td_list, td_entries) {
			LIST_INSERT_HEAD(&names[de->td_hash & (n - 1)], de,
			    td_namehash);
			LIST_INSERT_HEAD(&seqs[de->td_seq & (n - 1)], de,
			    td_seqhash);
		}
	}
	if (d->td_nbuckets != 0) {
		kmem_free(d->td_names, d->td_nbuckets * sizeof(*names));
		kmem_free(d->td_seqs, d->td_nbuckets * sizeof(*seqs));
	}
	d->td_names = names;
	d->td_seqs = seqs;
	d->td_nbuckets = n;
}

/*
 * Grow the tables when chains average more than two entries, shrink them
 * when they are less than one-eighth full, drop them when the directory
 * is down to half the small size.  The gaps between the thresholds keep
 * a directory that hovers around a size from rehashing on every change.
 */
static void
tmpfs_dir_resize(struct tmpfs_dir *d)
{
	uint32_t n = d->td_nbuckets, want;

	if (n == 0 ? d->td_count <= TMPFS_DIR_SMALL :
	    d->td_count <= 2 * n && d->td_count >= n / 8 &&
	    d->td_count > TMPFS_DIR_SMALL / 2)
		return;
	if (d->td_count <= TMPFS_DIR_SMALL) {
		want = 0;
	} else {
		want = TMPFS_DIR_MINBUCKETS;
		while (want < d->td_count && want < (1U << 30))
			want <<= 1;
	}
	if (want != n)
		tmpfs_dir_rehash(d, want);
}

/*
 * Enter de into directory dir, naming tn.  The entry gets the next
 * cookie, so it comes last in readdir order.  Cannot fail.  Link counts
 * are the caller's business.  dir's vnode locked exclusive.
 */
void
tmpfs_dir_attach(struct tmpfs_node *dir, struct tmpfs_dirent *de,
    struct tmpfs_node *tn)
{
	struct tmpfs_dir *d = &dir->tn_u.tn_dir;
	uint32_t mask = d->td_nbuckets - 1;

	KASSERT(dir->tn_type == VDIR);
	de->td_node = tn;
	de->td_seq = d->td_nextseq++;
	TAILQ_INSERT_TAIL(&d->td_list, de, td_entries);
	if (d->td_nbuckets != 0) {
		LIST_INSERT_HEAD(&d->td_names[de->td_hash & mask], de,
		    td_namehash);
		LIST_INSERT_HEAD(&d->td_seqs[de->td_seq & mask], de,
		    td_seqhash);
	}
	d->td_count++;
	tmpfs_dir_resize(d);
}

/*
 * Take de out of directory dir; the caller frees it (or attaches it
 * elsewhere).  Its cookie is never handed out again.  dir's vnode
 * locked exclusive.
 */
void
tmpfs_dir_detach(struct tmpfs_node *dir, struct tmpfs_dirent *de)
{
	struct tmpfs_dir *d = &dir->tn_u.tn_dir;

	KASSERT(dir->tn_type == VDIR && d->td_count > 0);
	TAILQ_REMOVE(&d->td_list, de, td_entries);
	if (d->td_nbuckets != 0) {
		LIST_REMOVE(de, td_namehash);
		LIST_REMOVE(de, td_seqhash);
	}
	de->td_node = NULL;
	d->td_count--;
	tmpfs_dir_resize(d);
}

/* The entry called name in dir, or NULL.  dir's vnode locked. */
struct tmpfs_dirent *
tmpfs_dir_lookup(struct tmpfs_node *dir, const char *name, size_t namelen)
{
	struct tmpfs_dir *d = &dir->tn_u.tn_dir;
	struct tmpfs_dirent *de;
	uint32_t h = tmpfs_namehash(name, namelen);

	KASSERT(dir->tn_type == VDIR);
	if (d->td_nbuckets != 0) {
		LIST_FOREACH(de, &d->td_names[h & (d->td_nbuckets - 1)],
		    td_namehash) {
			if (de->td_hash == h && de->td_namelen == namelen &&
			    memcmp(de->td_name, name, namelen) == 0)
				return de;
		}
		return NULL;
	}
	TAILQ_FOREACH(de, &d->td_list, td_entries) {
		if (de->td_hash == h && de->td_namelen == namelen &&
		    memcmp(de->td_name, name, namelen) == 0)
			return de;
	}
	return NULL;
}

/*
 * The first entry of dir whose cookie is cookie or more, or NULL.  A
 * readdir resumes at the cookie of the entry it stopped before, so the
 * exact cookie is normally found in the hash; if that entry has been
 * removed meanwhile, the list is searched.  dir's vnode locked.
 */
struct tmpfs_dirent *
tmpfs_dir_seek(struct tmpfs_node *dir, int64_t cookie)
{
	struct tmpfs_dir *d = &dir->tn_u.tn_dir;
	struct tmpfs_dirent *de;
	uint64_t seq;

	KASSERT(dir->tn_type == VDIR);
	seq = cookie < TMPFS_COOKIE_FIRST ? TMPFS_COOKIE_FIRST :
	    (uint64_t)cookie;
	if (seq >= d->td_nextseq)
		return NULL;
	if (d->td_nbuckets != 0) {
		LIST_FOREACH(de, &d->td_seqs[seq & (d->td_nbuckets - 1)],
		    td_seqhash) {
			if (de->td_seq == seq)
				return de;
		}
	}
	TAILQ_FOREACH(de, &d->td_list, td_entries) {
		if (de->td_seq >= seq)
			return de;
	}
	return NULL;
}

/*
 * Set the chosen timestamps of tn to now.  The caller holds tn's vnode
 * lock exclusive for mtime and ctime; atime, which reads change under a
 * shared lock, is serialised by tm_lock.
 */
void
tmpfs_update(struct tmpfs_node *tn, int which)
{
	struct tmpfs_mount *tm = tn->tn_mount;
	struct ktimespec now;

	getnanotime(&now);
	if (which & TMPFS_UPD_ATIME) {
		mutex_enter(&tm->tm_lock);
		tn->tn_atime = now;
		mutex_exit(&tm->tm_lock);
	}
	if (which & TMPFS_UPD_MTIME)
		tn->tn_mtime = now;
	if (which & TMPFS_UPD_CTIME)
		tn->tn_ctime = now;
}

/* Whether reads of tn update its access time (not noatime, not ro). */
bool
tmpfs_atime_enabled(const struct tmpfs_node *tn)
{
	const struct mount *mp = tn->tn_mount->tm_mp;

	return mp == NULL || (mp->mnt_flag & (MNT_NOATIME | MNT_RDONLY)) == 0;
}
