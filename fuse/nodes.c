/*
 * nodes.c: FUSE node ids and where they are in the kernel.
 *
 * A node is a file the host kernel has looked up, with the names it was
 * found under: a parent node and a name in it (struct akf_name).  It is
 * reached relative to its parent, never by a whole path (which could be
 * longer than PATH_MAX: the host makes trees of any depth with mkdirat):
 * a directory used as a parent keeps a kernel descriptor (n_dfd, opened
 * on first use relative to its own parent's), and a node is its first
 * name in its parent's descriptor (akf_at).  Renaming a directory moves
 * everything below it at once, since descriptors follow the vnode.  The
 * node id handed to FUSE is the node's address (the root is
 * FUSE_ROOT_ID); a generation number tells apart two nodes that reused
 * one address.
 *
 * Each descriptor holds a vnode, and the kernel's descriptor table is
 * bounded (FD_MAX), so past akf_dfd_max of them all those of named
 * directories are closed, under the exclusive namespace lock, when no
 * request can be using one; they reopen on demand.
 *
 * A node lives while the host kernel holds lookups on it (FUSE forget
 * drops them) or while names of child nodes are in it.  When its last
 * name is unlinked or renamed over, the node is detached: it keeps
 * living for the open files that use it, but has no path any more.
 *
 * Locks (taken in this order):
 *   ops_dir.c d_lock   one directory handle's snapshot
 *   akf_nslock (rw)    the names (a_parent, a_name): written only with it held
 *                      exclusively (and akf_tlock), read with it shared
 *                      (akf_at), so a name is never used half-renamed;
 *                      an n_dfd is closed only with it held exclusively
 *   akf_tlock          the hash tables, n_lookup, n_refs, n_fds, n_dfd,
 *                      freeing
 * A node is never freed under a running request: the host holds a
 * lookup on every node it names, and each node holds its parent.
 *
 * Hard links: a node is an inode with a list of names.  A lookup of a
 * file whose link count is above one joins the node already entered for
 * its inode number (the inode table), so the host kernel sees one inode
 * under every name: one page cache, one set of attributes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>		/* RENAME_EXCHANGE */
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

/* One name of a node: its directory and the name in it. */
struct akf_name {
	struct akf_node	*a_node;	/* the node named */
	struct akf_node	*a_parent;	/* the directory holding the name */
	char		*a_name;
	struct akf_name	*a_hnext;	/* name hash chain */
	struct akf_name	*a_next;	/* the node's other names */
};

struct akf_node {
	struct akf_name	*n_names;	/* NULL: the root, or detached */
	struct akf_node	*n_ihnext;	/* inode hash chain */
	uint64_t	 n_ino;		/* the image's inode number */
	int		 n_ihashed;	/* on an inode hash chain */
	uint64_t	 n_lookup;	/* lookups the host kernel holds */
	uint64_t	 n_refs;	/* names in this directory we keep */
	uint64_t	 n_gen;		/* generation of this address */
	int		*n_fds;		/* kernel descriptors open on it */
	size_t		 n_nfds, n_fdcap;
	int		 n_dfd;		/* a directory's own descriptor, or -1 */
	int		 n_nocap;	/* known: no security.capability */
	uint64_t	 n_xgen;	/* xattr changes begun and ended */
	struct akf_node	*n_allnext;	/* every node but the root, */
	struct akf_node	**n_allprev;	/* for akf_nodes_fini */
};

static struct akf_node akf_root;
static struct akf_node *akf_all;
static struct akf_name **akf_hash;	/* (parent, name) -> name */
static struct akf_node **akf_ihash;	/* inode number -> node */
static size_t akf_hsize, akf_nnames, akf_count;
static uint64_t akf_gen;
static atomic_size_t akf_ndfd;		/* n_dfd open */
static size_t akf_dfd_max = 16384;	/* AKFUSE_DIRFDS */
static pthread_mutex_t akf_tlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t akf_nslock;

int
akf_nodes_init(void)
{
	pthread_rwlockattr_t a;
	const char *e;
	char *end;
	long v;

	/* Writers first: a rename must not starve behind lookups. */
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&akf_nslock, &a);
	pthread_rwlockattr_destroy(&a);
	akf_hsize = 1024;
	akf_hash = calloc(akf_hsize, sizeof(*akf_hash));
	akf_ihash = calloc(akf_hsize, sizeof(*akf_ihash));
	if (akf_hash == NULL || akf_ihash == NULL)
		abort();
	if ((e = getenv("AKFUSE_DIRFDS")) != NULL) {
		v = strtol(e, &end, 10);
		if (*e != '\0' && *end == '\0' && v > 0 && v <= 60000)
			akf_dfd_max = (size_t)v;
	}
	/* The root's never closes: every other is opened from it. */
	akf_root.n_dfd = ak_sys_open(AKF_ROOT, O_RDONLY | O_DIRECTORY);
	return akf_root.n_dfd < 0 ? -1 : 0;
}

/*
 * Serving is over: close every descriptor, which would keep the image
 * busy at its unmount: the directories' own, and those of files the
 * host had open when it stopped (a signal does not wait for RELEASE).
 */
void
akf_nodes_fini(void)
{
	struct akf_node *n;
	size_t i;

	pthread_mutex_lock(&akf_tlock);
	for (n = akf_all; n != NULL; n = n->n_allnext) {
		if (n->n_dfd >= 0)
			(void)ak_sys_close(n->n_dfd);
		n->n_dfd = -1;
		for (i = 0; i < n->n_nfds; i++)
			(void)ak_sys_close(n->n_fds[i]);
		n->n_nfds = 0;
	}
	if (akf_root.n_dfd >= 0)
		(void)ak_sys_close(akf_root.n_dfd);
	akf_root.n_dfd = -1;
	pthread_mutex_unlock(&akf_tlock);
}

static void akf_dfd_evict(void);

void
akf_ns_rdlock(void)
{
	if (atomic_load_explicit(&akf_ndfd, memory_order_relaxed) >
	    akf_dfd_max) {
		pthread_rwlock_wrlock(&akf_nslock);
		akf_dfd_evict();
		pthread_rwlock_unlock(&akf_nslock);
	}
	pthread_rwlock_rdlock(&akf_nslock);
}

void akf_ns_wrlock(void) { pthread_rwlock_wrlock(&akf_nslock); }
void akf_ns_unlock(void) { pthread_rwlock_unlock(&akf_nslock); }

static struct akf_node *
akf_node(fuse_ino_t ino)
{
	return ino == FUSE_ROOT_ID ? &akf_root : (struct akf_node *)ino;
}

static fuse_ino_t
akf_ino(struct akf_node *n)
{
	return n == &akf_root ? FUSE_ROOT_ID : (fuse_ino_t)n;
}

static size_t
akf_hashof(const struct akf_node *parent, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ (uintptr_t)parent;

	while (*name != '\0')
		h = (h ^ (unsigned char)*name++) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static size_t
akf_ihashof(uint64_t ino)
{
	ino *= 0x9e3779b97f4a7c15ull;
	return (size_t)(ino ^ (ino >> 31));
}

/* Grow both tables when the names outnumber the buckets. */
static void
akf_rehash(void)
{
	struct akf_name **nh, *a, *anext;
	struct akf_node **ih, *n, *nnext;
	size_t i, ns = akf_hsize * 2, b;

	nh = calloc(ns, sizeof(*nh));
	ih = calloc(ns, sizeof(*ih));
	if (nh == NULL || ih == NULL) {
		free(nh);
		free(ih);
		return;		/* longer chains, still correct */
	}
	for (i = 0; i < akf_hsize; i++) {
		for (a = akf_hash[i]; a != NULL; a = anext) {
			anext = a->a_hnext;
			b = akf_hashof(a->a_parent, a->a_name) & (ns - 1);
			a->a_hnext = nh[b];
			nh[b] = a;
		}
		for (n = akf_ihash[i]; n != NULL; n = nnext) {
			nnext = n->n_ihnext;
			b = akf_ihashof(n->n_ino) & (ns - 1);
			n->n_ihnext = ih[b];
			ih[b] = n;
		}
	}
	free(akf_hash);
	free(akf_ihash);
	akf_hash = nh;
	akf_ihash = ih;
	akf_hsize = ns;
}

static struct akf_name **
akf_slot(const struct akf_node *parent, const char *name)
{
	struct akf_name **ap;

	ap = &akf_hash[akf_hashof(parent, name) & (akf_hsize - 1)];
	for (; *ap != NULL; ap = &(*ap)->a_hnext)
		if ((*ap)->a_parent == parent &&
		    strcmp((*ap)->a_name, name) == 0)
			break;
	return ap;
}

static struct akf_node **
akf_islot(uint64_t ino)
{
	struct akf_node **np;

	np = &akf_ihash[akf_ihashof(ino) & (akf_hsize - 1)];
	for (; *np != NULL; np = &(*np)->n_ihnext)
		if ((*np)->n_ino == ino)
			break;
	return np;
}

static void
akf_unhash(struct akf_name *a)
{
	struct akf_name **ap;

	ap = &akf_hash[akf_hashof(a->a_parent, a->a_name) & (akf_hsize - 1)];
	for (; *ap != NULL; ap = &(*ap)->a_hnext) {
		if (*ap == a) {
			*ap = a->a_hnext;
			break;
		}
	}
	a->a_hnext = NULL;
}

static void
akf_rehash_in(struct akf_name *a)
{
	struct akf_name **ap = akf_slot(a->a_parent, a->a_name);

	a->a_hnext = *ap;
	*ap = a;
}

static void
akf_iunhash(struct akf_node *n)
{
	struct akf_node **np;

	if (!n->n_ihashed)
		return;
	for (np = &akf_ihash[akf_ihashof(n->n_ino) & (akf_hsize - 1)];
	    *np != NULL; np = &(*np)->n_ihnext) {
		if (*np == n) {
			*np = n->n_ihnext;
			break;
		}
	}
	n->n_ihashed = 0;
}

/*
 * Take name a away from its node; returns its directory, whose count
 * of kept names dropped (the caller releases it).  A node without names
 * is detached: it leaves the inode table, since its inode number may
 * now be reused by the image.  Table lock held.
 */
static struct akf_node *
akf_drop_name(struct akf_name *a)
{
	struct akf_node *n = a->a_node, *parent = a->a_parent;
	struct akf_name **ap;

	akf_unhash(a);
	for (ap = &n->n_names; *ap != NULL; ap = &(*ap)->a_next) {
		if (*ap == a) {
			*ap = a->a_next;
			break;
		}
	}
	if (n->n_names == NULL)
		akf_iunhash(n);
	parent->n_refs--;
	free(a->a_name);
	free(a);
	akf_nnames--;
	return parent;
}

/* Free n and then any ancestor it kept alive.  Table lock held. */
static void
akf_release(struct akf_node *n)
{
	struct akf_node *parent;

	while (n != NULL && n != &akf_root && n->n_lookup == 0 &&
	    n->n_refs == 0) {
		parent = NULL;
		while (n->n_names != NULL) {
			/* A file's other names: their directories too. */
			if (parent != NULL)
				akf_release(parent);
			parent = akf_drop_name(n->n_names);
		}
		akf_iunhash(n);
		if (n->n_dfd >= 0) {
			(void)ak_sys_close(n->n_dfd);
			atomic_fetch_sub(&akf_ndfd, 1);
		}
		free(n->n_fds);
		if ((*n->n_allprev = n->n_allnext) != NULL)
			n->n_allnext->n_allprev = n->n_allprev;
		free(n);
		akf_count--;
		n = parent;
	}
}

/*
 * Open n's descriptor relative to its parent's, which has one.  As
 * root: a directory its caller may search but not read is a parent too;
 * the requests made through it check the caller's access.  Namespace
 * lock held (n's name stays put).
 */
static int
akf_dfd_open(struct akf_node *n)
{
	struct akf_name *a = n->n_names;
	int pfd, fd, err;

	if (a == NULL)
		return ENOENT;
	pthread_mutex_lock(&akf_tlock);
	pfd = a->a_parent->n_dfd;
	pthread_mutex_unlock(&akf_tlock);
	akf_cred_root();
	fd = ak_sys_openat(pfd, a->a_name, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW);
	err = errno;
	akf_cred_again();
	if (fd < 0)
		return err;
	pthread_mutex_lock(&akf_tlock);
	if (n->n_dfd < 0) {
		n->n_dfd = fd;		/* another request may have won */
		fd = -1;
		atomic_fetch_add(&akf_ndfd, 1);
	}
	pthread_mutex_unlock(&akf_tlock);
	if (fd >= 0)
		(void)ak_sys_close(fd);
	return 0;
}

/*
 * The descriptor of directory n into *fdp, opening first those of its
 * ancestors that have none, from the top down; 0 or an errno.
 * Namespace lock held.
 */
static int
akf_dfd(struct akf_node *n, int *fdp)
{
	struct akf_node *t;
	int err;

	for (;;) {
		pthread_mutex_lock(&akf_tlock);
		if ((*fdp = n->n_dfd) >= 0) {
			pthread_mutex_unlock(&akf_tlock);
			return 0;
		}
		/* The root always has one, so t stops below it. */
		for (t = n; t->n_names != NULL &&
		    t->n_names->a_parent->n_dfd < 0; t = t->n_names->a_parent)
			;
		pthread_mutex_unlock(&akf_tlock);
		if ((err = akf_dfd_open(t)) != 0)
			return err;
	}
}

/*
 * Close the descriptors of all named directories (a removed one's is
 * its only way in: kept).  Namespace lock held exclusively, so no
 * request is using one.
 */
static void
akf_dfd_evict(void)
{
	struct akf_name *a;
	struct akf_node *n;
	size_t i;

	pthread_mutex_lock(&akf_tlock);
	for (i = 0; i < akf_hsize; i++) {
		for (a = akf_hash[i]; a != NULL; a = a->a_hnext) {
			n = a->a_node;
			if (n->n_dfd >= 0 && n->n_names == a) {
				(void)ak_sys_close(n->n_dfd);
				n->n_dfd = -1;
				atomic_fetch_sub(&akf_ndfd, 1);
			}
		}
	}
	pthread_mutex_unlock(&akf_tlock);
}

int
akf_at(fuse_ino_t ino, const char *name, struct akf_at *at)
{
	struct akf_node *n = akf_node(ino);

	if (name != NULL) {
		at->name = name;
		return akf_dfd(n, &at->fd);
	}
	if (n == &akf_root) {
		at->fd = AT_FDCWD;
		at->name = AKF_ROOT;
		return 0;
	}
	if (n->n_names == NULL)
		return ENOENT;	/* detached: unlinked or renamed over */
	at->name = n->n_names->a_name;
	return akf_dfd(n->n_names->a_parent, &at->fd);
}

/* Record n's inode number; files go in the inode table. */
static void
akf_set_ino(struct akf_node *n, const struct stat *st)
{
	struct akf_node **np;

	akf_iunhash(n);
	n->n_ino = (uint64_t)st->st_ino;
	n->n_nocap = 0;		/* another file now, perhaps */
	if (!S_ISDIR(st->st_mode)) {
		np = &akf_ihash[akf_ihashof(n->n_ino) & (akf_hsize - 1)];
		n->n_ihnext = *np;
		*np = n;
		n->n_ihashed = 1;
	}
}

/*
 * The node a new name of an inode joins: for a file with several links,
 * the node of one of its other names, so that the host kernel sees one
 * inode (one page cache, one set of attributes) whatever name it used.
 * Only there is the inode number trusted: drivers without hard links
 * (FAT) may give a renamed file another number.
 */
static struct akf_node *
akf_node_of(const struct stat *st)
{
	struct akf_node *n;

	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1 &&
	    (n = *akf_islot((uint64_t)st->st_ino)) != NULL)
		return n;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->n_dfd = -1;
	n->n_gen = ++akf_gen;
	if ((n->n_allnext = akf_all) != NULL)
		akf_all->n_allprev = &n->n_allnext;
	n->n_allprev = &akf_all;
	akf_all = n;
	akf_set_ino(n, st);
	akf_count++;
	return n;
}

fuse_ino_t
akf_node_enter(fuse_ino_t parent, const char *name, const struct stat *st,
    uint64_t *genp)
{
	struct akf_node *dir = akf_node(parent), *n = NULL;
	struct akf_name **ap, **np, *a;

	pthread_mutex_lock(&akf_tlock);
	ap = akf_slot(dir, name);
	if ((a = *ap) == NULL) {
		if ((n = akf_node_of(st)) == NULL ||
		    (a = calloc(1, sizeof(*a))) == NULL ||
		    (a->a_name = strdup(name)) == NULL) {
			free(a);
			if (n != NULL && n->n_names == NULL)
				akf_release(n);
			pthread_mutex_unlock(&akf_tlock);
			return 0;
		}
		a->a_node = n;
		a->a_parent = dir;
		dir->n_refs++;
		a->a_hnext = *ap;
		*ap = a;
		/*
		 * At the end: the first name is the one used (akf_at) and
		 * may change only under the exclusive namespace lock, while
		 * this runs under the shared one.
		 */
		for (np = &n->n_names; *np != NULL; np = &(*np)->a_next)
			;
		*np = a;
		if (++akf_nnames > akf_hsize)
			akf_rehash();
	} else if (a->a_node->n_ino != (uint64_t)st->st_ino) {
		/* Renumbered (FAT numbers by directory slot). */
		akf_set_ino(a->a_node, st);
	}
	n = a->a_node;
	n->n_lookup++;
	*genp = n->n_gen;
	pthread_mutex_unlock(&akf_tlock);
	return akf_ino(n);
}

void
akf_node_forget(fuse_ino_t ino, uint64_t nlookup)
{
	struct akf_node *n = akf_node(ino);

	if (n == &akf_root)
		return;
	pthread_mutex_lock(&akf_tlock);
	n->n_lookup = nlookup < n->n_lookup ? n->n_lookup - nlookup : 0;
	akf_release(n);
	pthread_mutex_unlock(&akf_tlock);
}

/* Drop name a and let its node and directory go if unused. */
static void
akf_forget_name(struct akf_name *a)
{
	struct akf_node *n = a->a_node;

	akf_release(akf_drop_name(a));
	akf_release(n);
}

void
akf_node_gone(fuse_ino_t parent, const char *name, int keepfd)
{
	struct akf_name *a;
	struct akf_node *n;

	pthread_mutex_lock(&akf_tlock);
	if ((a = *akf_slot(akf_node(parent), name)) != NULL) {
		n = a->a_node;
		/* Its own descriptor, if the host still holds the node. */
		if (keepfd >= 0 && n->n_dfd < 0 && n->n_lookup > 0) {
			n->n_dfd = keepfd;
			keepfd = -1;
			atomic_fetch_add(&akf_ndfd, 1);
		}
		akf_forget_name(a);
	}
	pthread_mutex_unlock(&akf_tlock);
	if (keepfd >= 0)
		(void)ak_sys_close(keepfd);
}

/* Put the unhashed name a under np as name; np gains a kept name. */
static void
akf_place(struct akf_name *a, struct akf_node *np, char *name)
{
	np->n_refs++;
	free(a->a_name);
	a->a_name = name;
	a->a_parent = np;
	akf_rehash_in(a);
}

void
akf_node_moved(fuse_ino_t oparent, const char *oname, fuse_ino_t nparent,
    const char *nname, unsigned int flags)
{
	struct akf_node *op = akf_node(oparent), *np = akf_node(nparent);
	struct akf_name *src, *dst;
	char *sname = strdup(nname), *dname = strdup(oname);

	pthread_mutex_lock(&akf_tlock);
	src = *akf_slot(op, oname);
	dst = *akf_slot(np, nname);
	if (sname == NULL || dname == NULL) {
		/* Out of memory: forget both names rather than lie. */
		if (src != NULL)
			akf_forget_name(src);
		if (dst != NULL && dst != src)
			akf_forget_name(dst);
		free(sname);
		free(dname);
		goto out;
	}
	if (!(flags & RENAME_EXCHANGE) && src != NULL && dst != NULL &&
	    src->a_node == dst->a_node) {
		/* Two links of one file: rename(2) changes nothing. */
		free(sname);
		free(dname);
		goto out;
	}
	if (!(flags & RENAME_EXCHANGE) && dst != NULL && dst != src) {
		akf_forget_name(dst);
		dst = NULL;
	}
	/* Unhash both first: in an exchange each takes the other's slot. */
	if (src != NULL)
		akf_unhash(src);
	if (dst != NULL)
		akf_unhash(dst);
	if (src != NULL) {
		akf_place(src, np, sname);
		op->n_refs--;
	} else {
		free(sname);
	}
	if (dst != NULL) {
		akf_place(dst, op, dname);
		np->n_refs--;
	} else {
		free(dname);
	}
	akf_release(op);
	akf_release(np);
out:
	pthread_mutex_unlock(&akf_tlock);
}

/*
 * Open descriptors per node: a node whose name is gone (unlinked while
 * open) is reached through one of them, for getattr and setattr.
 */
/* Add fd to n's list; 0, or -1 out of memory.  Table lock held. */
static int
akf_fd_push(struct akf_node *n, int fd)
{
	int *nf;
	size_t cap;

	if (n->n_nfds == n->n_fdcap) {
		cap = n->n_fdcap ? n->n_fdcap * 2 : 2;
		if ((nf = realloc(n->n_fds, cap * sizeof(*nf))) == NULL)
			return -1;	/* only the unlinked case suffers */
		n->n_fds = nf;
		n->n_fdcap = cap;
	}
	n->n_fds[n->n_nfds++] = fd;
	return 0;
}

void
akf_node_fd_add(fuse_ino_t ino, int fd)
{
	pthread_mutex_lock(&akf_tlock);
	(void)akf_fd_push(akf_node(ino), fd);
	pthread_mutex_unlock(&akf_tlock);
}

void
akf_node_fd_del(fuse_ino_t ino, int fd)
{
	struct akf_node *n = akf_node(ino);
	size_t i;

	pthread_mutex_lock(&akf_tlock);
	for (i = 0; i < n->n_nfds; i++) {
		if (n->n_fds[i] == fd) {
			n->n_fds[i] = n->n_fds[--n->n_nfds];
			break;
		}
	}
	pthread_mutex_unlock(&akf_tlock);
}

/* A new descriptor (ak_sys_dup) for ino, or -1 and ENOENT. */
int
akf_node_fd_dup(fuse_ino_t ino)
{
	struct akf_node *n = akf_node(ino);
	int fd = -1;

	pthread_mutex_lock(&akf_tlock);
	if (n->n_dfd >= 0)
		fd = ak_sys_dup(n->n_dfd);
	else if (n->n_nfds > 0)
		fd = ak_sys_dup(n->n_fds[0]);
	pthread_mutex_unlock(&akf_tlock);
	if (fd < 0)
		errno = ENOENT;
	return fd;
}

size_t
akf_node_count(void)
{
	size_t c;

	pthread_mutex_lock(&akf_tlock);
	c = akf_count;
	pthread_mutex_unlock(&akf_tlock);
	return c;
}

/*
 * The host asks for security.capability before every write and chown
 * (to drop it), and a file system rarely has one: the answer "none"
 * (ENODATA) is remembered per node, so that the next question is
 * answered without the kernel.  Only akfuse changes the image, so only
 * its setxattr and removexattr can add one; they count in n_xgen, before
 * and after, and forget the answer, so that an answer read while one
 * ran is not kept.
 */
int
akf_node_nocap(fuse_ino_t ino, uint64_t *xgenp)
{
	struct akf_node *n = akf_node(ino);
	int r;

	pthread_mutex_lock(&akf_tlock);
	r = n->n_nocap;
	*xgenp = n->n_xgen;
	pthread_mutex_unlock(&akf_tlock);
	return r;
}

void
akf_node_nocap_set(fuse_ino_t ino, uint64_t xgen)
{
	struct akf_node *n = akf_node(ino);

	pthread_mutex_lock(&akf_tlock);
	if (n->n_xgen == xgen)
		n->n_nocap = 1;
	pthread_mutex_unlock(&akf_tlock);
}

void
akf_node_xchange(fuse_ino_t ino)
{
	struct akf_node *n = akf_node(ino);

	pthread_mutex_lock(&akf_tlock);
	n->n_xgen++;
	n->n_nocap = 0;
	pthread_mutex_unlock(&akf_tlock);
}
