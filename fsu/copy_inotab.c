/*
 * copy_inotab.c: sets of inodes keyed by (device, inode number): the
 * sources with several links (and where their first copy went), the
 * links this copy made, the directories being copied (loops under -L).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsu/copy_impl.h"

static size_t
copy_ino_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (size_t)(h >> 20) % COPY_INOHASH;
}

struct copy_inode *
copy_ino_find(struct copy_inotab *it, dev_t dev, ino_t ino)
{
	struct copy_inode *ci;

	for (ci = it->it_hash[copy_ino_hash(dev, ino)]; ci != NULL;
	    ci = ci->ci_next)
		if (ci->ci_dev == dev && ci->ci_ino == ino)
			return ci;
	return NULL;
}

/* Add (dev, ino) with a copy of path (may be NULL): 0 or ENOMEM. */
int
copy_ino_add(struct copy_inotab *it, dev_t dev, ino_t ino, const char *path)
{
	struct copy_inode *ci;
	size_t h = copy_ino_hash(dev, ino);

	if ((ci = calloc(1, sizeof(*ci))) == NULL)
		return ENOMEM;
	if (path != NULL && (ci->ci_path = strdup(path)) == NULL) {
		free(ci);
		return ENOMEM;
	}
	ci->ci_dev = dev;
	ci->ci_ino = ino;
	ci->ci_next = it->it_hash[h];
	it->it_hash[h] = ci;
	return 0;
}

void
copy_ino_del(struct copy_inotab *it, dev_t dev, ino_t ino)
{
	struct copy_inode **pp, *ci;

	for (pp = &it->it_hash[copy_ino_hash(dev, ino)]; (ci = *pp) != NULL;
	    pp = &ci->ci_next)
		if (ci->ci_dev == dev && ci->ci_ino == ino) {
			*pp = ci->ci_next;
			free(ci->ci_path);
			free(ci);
			return;
		}
}

void
copy_ino_free(struct copy_inotab *it)
{
	struct copy_inode *ci, *next;
	size_t i;

	for (i = 0; i < COPY_INOHASH; i++) {
		for (ci = it->it_hash[i]; ci != NULL; ci = next) {
			next = ci->ci_next;
			free(ci->ci_path);
			free(ci);
		}
		it->it_hash[i] = NULL;
	}
}
