/*
 * nodes.c: FUSE node ids and the kernel paths they stand for.
 *
 * A node is one name the host kernel has looked up: its parent node and
 * its name in that parent.  Its path is found by walking up to the root,
 * so renaming a directory moves everything below it at once.  The node
 * id handed to FUSE is the node's address (the root is FUSE_ROOT_ID);
 * a generation number tells apart two nodes that reused one address.
 *
 * A node lives while the host kernel holds lookups on it (FUSE forget
 * drops them) or while child nodes name it as their parent.  When its
 * name is unlinked or renamed over, the node is detached: it keeps
 * living for the open files that use it, but has no path any more.
 *
 * Locks (taken in this order):
 *   ops_dir.c d_lock   one directory handle's snapshot
 *   akf_nslock (rw)    n_parent, n_name: written only with it held
 *                      exclusively (and akf_tlock), read with it shared
 *                      (akf_path), so a path is never built half-renamed
 *   akf_tlock          the hash table, n_lookup, n_refs, n_fds, freeing
 * A node is never freed under a running request: the host holds a
 * lookup on every node it names, and each node holds its parent.
 *
 * Limitation: a node is a name, not an inode, so two hard links to one
 * file are two FUSE nodes (both report the image's inode number in
 * st_ino).  The host page cache does not know they are one file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>		/* RENAME_EXCHANGE */
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

struct akf_node {
	struct akf_node	*n_parent;	/* NULL: the root, or detached */
	char		*n_name;	/* name in n_parent */
	struct akf_node	*n_hnext;	/* hash chain */
	uint64_t	 n_lookup;	/* lookups the host kernel holds */
	uint64_t	 n_refs;	/* child nodes naming us as parent */
	uint64_t	 n_gen;		/* generation of this address */
	int		 n_hashed;	/* on a hash chain */
	int		*n_fds;		/* kernel descriptors open on it */
	size_t		 n_nfds, n_fdcap;
};

static struct akf_node akf_root = { .n_name = AKF_ROOT };
static struct akf_node **akf_hash;	/* (parent, name) -> node */
static size_t akf_hsize, akf_count;
static uint64_t akf_gen;
static pthread_mutex_t akf_tlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t akf_nslock;

void
akf_nodes_init(void)
{
	pthread_rwlockattr_t a;

	/* Writers first: a rename must not starve behind lookups. */
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&akf_nslock, &a);
	pthread_rwlockattr_destroy(&a);
	akf_hsize = 1024;
	akf_hash = calloc(akf_hsize, sizeof(*akf_hash));
	if (akf_hash == NULL)
		abort();
}

void akf_ns_rdlock(void) { pthread_rwlock_rdlock(&akf_nslock); }
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

/* Grow the table when it gets full; chains stay short. */
static void
akf_rehash(void)
{
	struct akf_node **nh, *n, *next;
	size_t i, ns = akf_hsize * 2, b;

	if ((nh = calloc(ns, sizeof(*nh))) == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i < akf_hsize; i++) {
		for (n = akf_hash[i]; n != NULL; n = next) {
			next = n->n_hnext;
			b = akf_hashof(n->n_parent, n->n_name) & (ns - 1);
			n->n_hnext = nh[b];
			nh[b] = n;
		}
	}
	free(akf_hash);
	akf_hash = nh;
	akf_hsize = ns;
}

static struct akf_node **
akf_slot(const struct akf_node *parent, const char *name)
{
	struct akf_node **np;

	np = &akf_hash[akf_hashof(parent, name) & (akf_hsize - 1)];
	for (; *np != NULL; np = &(*np)->n_hnext)
		if ((*np)->n_parent == parent &&
		    strcmp((*np)->n_name, name) == 0)
			break;
	return np;
}

static void
akf_unhash(struct akf_node *n)
{
	struct akf_node **np;

	if (!n->n_hashed)
		return;
	np = akf_slot(n->n_parent, n->n_name);
	if (*np == n)
		*np = n->n_hnext;
	n->n_hashed = 0;
	n->n_hnext = NULL;
}

static void
akf_rehash_in(struct akf_node *n)
{
	struct akf_node **np = akf_slot(n->n_parent, n->n_name);

	n->n_hnext = *np;
	*np = n;
	n->n_hashed = 1;
}

/* Free n and then any ancestor it kept alive.  Table lock held. */
static void
akf_release(struct akf_node *n)
{
	struct akf_node *parent;

	while (n != NULL && n != &akf_root && n->n_lookup == 0 &&
	    n->n_refs == 0) {
		akf_unhash(n);
		parent = n->n_parent;
		free(n->n_fds);
		free(n->n_name);
		free(n);
		akf_count--;
		if (parent != NULL)
			parent->n_refs--;
		n = parent;
	}
}

/* Take n off its name: it has no path from now on.  Table lock held. */
static void
akf_detach(struct akf_node *n)
{
	struct akf_node *parent = n->n_parent;

	akf_unhash(n);
	n->n_parent = NULL;
	if (parent != NULL) {
		parent->n_refs--;
		akf_release(parent);
	}
	akf_release(n);
}

char *
akf_path(fuse_ino_t ino, const char *name, int *errp)
{
	struct akf_node *n, *start = akf_node(ino);
	size_t len = name != NULL ? strlen(name) + 1 : 0, at;
	char *p;

	for (n = start; n != &akf_root; n = n->n_parent) {
		if (n->n_parent == NULL) {
			*errp = ENOENT;	/* detached: unlinked or renamed over */
			return NULL;
		}
		len += strlen(n->n_name) + 1;
	}
	len += strlen(AKF_ROOT);
	if ((p = malloc(len + 1)) == NULL) {
		*errp = ENOMEM;
		return NULL;
	}
	at = len;
	p[at] = '\0';
	if (name != NULL) {
		at -= strlen(name);
		memcpy(p + at, name, strlen(name));
		p[--at] = '/';
	}
	for (n = start; n != &akf_root; n = n->n_parent) {
		at -= strlen(n->n_name);
		memcpy(p + at, n->n_name, strlen(n->n_name));
		p[--at] = '/';
	}
	memcpy(p, AKF_ROOT, strlen(AKF_ROOT));
	return p;
}

fuse_ino_t
akf_node_enter(fuse_ino_t parent, const char *name, uint64_t *genp)
{
	struct akf_node *dir = akf_node(parent), **np, *n;

	pthread_mutex_lock(&akf_tlock);
	np = akf_slot(dir, name);
	if ((n = *np) == NULL) {
		if ((n = calloc(1, sizeof(*n))) == NULL ||
		    (n->n_name = strdup(name)) == NULL) {
			free(n);
			pthread_mutex_unlock(&akf_tlock);
			return 0;
		}
		n->n_parent = dir;
		n->n_gen = ++akf_gen;
		dir->n_refs++;
		n->n_hnext = *np;
		*np = n;
		n->n_hashed = 1;
		if (++akf_count > akf_hsize)
			akf_rehash();
	}
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

void
akf_node_gone(fuse_ino_t parent, const char *name)
{
	struct akf_node *n;

	pthread_mutex_lock(&akf_tlock);
	if ((n = *akf_slot(akf_node(parent), name)) != NULL)
		akf_detach(n);
	pthread_mutex_unlock(&akf_tlock);
}

/* Put n under a new parent and name (reference counts follow). */
static void
akf_move(struct akf_node *n, struct akf_node *np, char *name)
{
	struct akf_node *op = n->n_parent;

	akf_unhash(n);
	np->n_refs++;
	free(n->n_name);
	n->n_name = name;
	n->n_parent = np;
	akf_rehash_in(n);
	op->n_refs--;
	akf_release(op);
}

void
akf_node_moved(fuse_ino_t oparent, const char *oname, fuse_ino_t nparent,
    const char *nname, unsigned int flags)
{
	struct akf_node *op = akf_node(oparent), *np = akf_node(nparent);
	struct akf_node *src, *dst;
	char *sname = strdup(nname), *dname = strdup(oname);

	pthread_mutex_lock(&akf_tlock);
	src = *akf_slot(op, oname);
	dst = *akf_slot(np, nname);
	if (sname == NULL || dname == NULL) {
		/* Out of memory: forget both names rather than lie. */
		if (src != NULL)
			akf_detach(src);
		if (dst != NULL)
			akf_detach(dst);
		free(sname);
		free(dname);
	} else if (flags & RENAME_EXCHANGE) {
		/* Unhash both first: each one's new slot is the other's. */
		if (dst != NULL)
			akf_unhash(dst);
		if (src != NULL)
			akf_move(src, np, sname);
		else
			free(sname);
		if (dst != NULL)
			akf_move(dst, op, dname);
		else
			free(dname);
	} else {
		free(dname);
		if (dst != NULL && dst != src)
			akf_detach(dst);
		if (src != NULL)
			akf_move(src, np, sname);
		else
			free(sname);
	}
	pthread_mutex_unlock(&akf_tlock);
}

/*
 * Open descriptors per node: a node whose name is gone (unlinked while
 * open) is reached through one of them, for getattr and setattr.
 */
void
akf_node_fd_add(fuse_ino_t ino, int fd)
{
	struct akf_node *n = akf_node(ino);
	int *nf;
	size_t cap;

	pthread_mutex_lock(&akf_tlock);
	if (n->n_nfds == n->n_fdcap) {
		cap = n->n_fdcap ? n->n_fdcap * 2 : 2;
		if ((nf = realloc(n->n_fds, cap * sizeof(*nf))) == NULL)
			goto out;	/* only the unlinked case suffers */
		n->n_fds = nf;
		n->n_fdcap = cap;
	}
	n->n_fds[n->n_nfds++] = fd;
out:
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
	if (n->n_nfds > 0)
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
