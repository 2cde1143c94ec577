/*
 * walk.c: a depth-first walk of an image tree for chmod -R, chown -R,
 * rm -r, du, find and ls -R.  Names are sorted; each directory is read
 * whole and closed before the walk descends, so depth costs memory, not
 * descriptors.  With -L the ancestors' inode numbers catch loops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

struct fsu_wctx {
	int	flags;
	int	(*fn)(struct fsu_went *, void *);
	void	*arg;
	int	status;
	dev_t	anc_dev[256];
	ino_t	anc_ino[256];
};

static int fsu_walk1(struct fsu_wctx *, const char *, const char *, int);

static int
fsu_walk_stat(struct fsu_wctx *w, struct fsu_went *e)
{
	int follow = (w->flags & FSU_WALK_FOLLOW) ||
	    ((w->flags & FSU_WALK_ARGS) && e->w_depth == 0);
	int r;

	r = follow ? ak_sys_stat(e->w_path, &e->w_st) :
	    ak_sys_lstat(e->w_path, &e->w_st);
	if (r != 0 && follow && errno == ENOENT)
		r = ak_sys_lstat(e->w_path, &e->w_st);	/* dangling */
	e->w_err = r != 0 ? errno : 0;
	return r;
}

/* Is this directory one of its own ancestors (a -L loop)? */
static int
fsu_walk_loop(struct fsu_wctx *w, const struct fsu_went *e)
{
	int i, n = e->w_depth < 256 ? e->w_depth : 256;

	for (i = 0; i < n; i++)
		if (w->anc_dev[i] == e->w_st.st_dev &&
		    w->anc_ino[i] == e->w_st.st_ino)
			return 1;
	return 0;
}

static int
fsu_walk_dir(struct fsu_wctx *w, struct fsu_went *e)
{
	char **names, *sub;
	size_t i;
	int err, r = 0;

	if ((names = fsu_readdir(e->w_path, &err)) == NULL) {
		w->status = fsu_warn_path(e->w_path, err);
		return 0;
	}
	if (e->w_depth < 256) {
		w->anc_dev[e->w_depth] = e->w_st.st_dev;
		w->anc_ino[e->w_depth] = e->w_st.st_ino;
	}
	for (i = 0; names[i] != NULL && r != FSU_WALK_STOP; i++) {
		if ((sub = fsu_join(e->w_path, names[i])) == NULL) {
			w->status = fsu_warn_path(e->w_path, ENOMEM);
			break;
		}
		r = fsu_walk1(w, sub, names[i], e->w_depth + 1);
		free(sub);
	}
	fsu_freenames(names);
	return r;
}

static int
fsu_walk1(struct fsu_wctx *w, const char *path, const char *name, int depth)
{
	struct fsu_went e;
	int r;

	memset(&e, 0, sizeof(e));
	e.w_path = path;
	e.w_name = name;
	e.w_depth = depth;
	(void)fsu_walk_stat(w, &e);
	if ((r = w->fn(&e, w->arg)) != 0)
		return r == FSU_WALK_STOP ? r : 0;
	if (e.w_err != 0 || !S_ISDIR(e.w_st.st_mode))
		return 0;
	if ((w->flags & FSU_WALK_FOLLOW) && fsu_walk_loop(w, &e)) {
		fsu_warnx("%s: file system loop detected", path);
		w->status = FSU_EXIT_FAIL;
		return 0;
	}
	if ((r = fsu_walk_dir(w, &e)) == FSU_WALK_STOP)
		return r;
	if (w->flags & FSU_WALK_POST) {
		e.w_post = 1;
		if (w->fn(&e, w->arg) == FSU_WALK_STOP)
			return FSU_WALK_STOP;
	}
	return 0;
}

int
fsu_walk(const char *root, int flags,
    int (*fn)(struct fsu_went *, void *), void *arg)
{
	struct fsu_wctx *w;
	char name[256];
	int status;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return fsu_warn_path(root, ENOMEM);
	w->flags = flags;
	w->fn = fn;
	w->arg = arg;
	(void)fsu_walk1(w, root, fsu_basename(root, name, sizeof(name)), 0);
	status = w->status;
	free(w);
	return status;
}
