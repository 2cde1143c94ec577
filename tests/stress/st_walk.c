/*
 * st_walk.c: the consistency walk after the threads have stopped.
 * Every entry listed must be reachable (lstat succeeds) with the type
 * readdir gave; every directory's link count must be 2 plus its
 * subdirectories and its ".." must be its parent; and each non-directory
 * must have as many names in the tree as its link count says (all links
 * the test makes stay inside the walked tree, and no file is open).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ak/ak.h"
#include "tests/vfs/common/vt.h"
#include "tests/stress/stress.h"

/* One name of a non-directory seen in the walk. */
struct walk_ent {
	ino_t	w_ino;		/* its inode */
	nlink_t	w_nlink;	/* its link count when seen */
	char	w_path[512];	/* one of its names, for the report */
};

struct walk {
	struct walk_ent	*w_ent;	/* names seen */
	size_t		 w_n;	/* number used */
	size_t		 w_cap;	/* number allocated */
	int		 w_bad;	/* problems found */
};

static int
walk_add(struct walk *w, const struct stat *st, const char *path)
{
	struct walk_ent *ne;

	if (strlen(path) >= sizeof(ne->w_path))
		return -1;
	if (w->w_n == w->w_cap) {
		w->w_cap = w->w_cap ? 2 * w->w_cap : 256;
		if ((ne = realloc(w->w_ent, w->w_cap * sizeof(*ne))) == NULL)
			return -1;
		w->w_ent = ne;
	}
	w->w_ent[w->w_n].w_ino = st->st_ino;
	w->w_ent[w->w_n].w_nlink = st->st_nlink;
	memcpy(w->w_ent[w->w_n].w_path, path, strlen(path) + 1);
	w->w_n++;
	return 0;
}

static unsigned char
walk_dtype(mode_t m)
{
	return S_ISDIR(m) ? DT_DIR : S_ISREG(m) ? DT_REG : S_ISLNK(m) ?
	    DT_LNK : DT_UNKNOWN;
}

/* The current directory's entries, each as its d_type byte + name. */
static int
walk_list(struct vt_strlist *sl)
{
	struct ak_dirent *de;
	char buf[300];
	AK_DIR *d;
	int error;

	if ((d = ak_sys_opendir(".")) == NULL)
		return -1;
	errno = 0;
	while ((de = ak_sys_readdir(d)) != NULL) {
		/* DT_UNKNOWN is 0: stored as 0xff so the string goes on. */
		buf[0] = (char)(de->d_type ? de->d_type : 0xff);
		snprintf(buf + 1, sizeof(buf) - 1, "%s", de->d_name);
		if (vt_sl_add(sl, buf) != 0) {
			errno = ENOMEM;
			break;
		}
	}
	error = errno;
	ak_sys_closedir(d);
	errno = error;
	return error != 0 ? -1 : 0;
}

/*
 * Walk the current directory, whose lstat is dst and whose name for
 * reports is disp.  The walk moves the current directory down and back
 * up with chdir, so that neither the tree's depth nor PATH_MAX limits it
 * and no descriptor stays open; coming back through ".." must land on
 * the parent again, which checks every directory's "..".
 */
static void
walk_dir(struct walk *w, const char *disp, const struct stat *dst)
{
	char sub[256];
	struct vt_strlist names;
	struct stat st, here;
	nlink_t subdirs = 0;
	size_t i;

	vt_sl_init(&names);
	if (walk_list(&names) != 0) {
		st_fail("walk: cannot list %s: %s", disp, strerror(errno));
		w->w_bad++;
		vt_sl_free(&names);
		return;
	}
	for (i = 0; i < names.sl_n; i++) {
		const char *name = names.sl_v[i] + 1;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%.200s/%s", disp, name);
		if (ak_sys_lstat(name, &st) != 0) {
			st_fail("walk: %s listed but not reachable: %s", sub,
			    strerror(errno));
			w->w_bad++;
			continue;
		}
		if ((unsigned char)names.sl_v[i][0] != 0xff &&
		    (unsigned char)names.sl_v[i][0] != walk_dtype(st.st_mode)) {
			st_fail("walk: %s: d_type %d, lstat says %d", sub,
			    names.sl_v[i][0], walk_dtype(st.st_mode));
			w->w_bad++;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (walk_add(w, &st, sub) != 0)
				w->w_bad++;
			continue;
		}
		subdirs++;
		if (ak_sys_chdir(name) != 0 || ak_sys_stat(".", &here) != 0 ||
		    here.st_ino != st.st_ino) {
			st_fail("walk: cannot enter %s", sub);
			w->w_bad++;
			continue;
		}
		walk_dir(w, sub, &st);
		if (ak_sys_chdir("..") != 0 || ak_sys_stat(".", &here) != 0 ||
		    here.st_ino != dst->st_ino) {
			st_fail("walk: %s/.. is not %s", sub, disp);
			w->w_bad++;
			(void)ak_sys_chdir(disp);
		}
	}
	vt_sl_free(&names);
	if (dst->st_nlink != 2 + subdirs) {
		st_fail("walk: %s: nlink %lu, but 2 + %lu subdirectories",
		    disp, (unsigned long)dst->st_nlink,
		    (unsigned long)subdirs);
		w->w_bad++;
	}
}

static int
walk_cmp(const void *a, const void *b)
{
	const struct walk_ent *x = a, *y = b;

	return x->w_ino < y->w_ino ? -1 : x->w_ino > y->w_ino;
}

/* Walk the tree at root; the number of problems found. */
int
st_walk(const char *root)
{
	struct walk w = { NULL, 0, 0, 0 };
	struct stat st;
	size_t i, j;

	if (ak_sys_lstat(root, &st) != 0) {
		st_fail("walk: %s: %s", root, strerror(errno));
		return 1;
	}
	if (ak_sys_chdir(root) != 0) {
		st_fail("walk: chdir %s: %s", root, strerror(errno));
		return 1;
	}
	walk_dir(&w, root, &st);
	(void)ak_sys_chdir("/");
	qsort(w.w_ent, w.w_n, sizeof(*w.w_ent), walk_cmp);
	for (i = 0; i < w.w_n; i = j) {
		for (j = i; j < w.w_n && w.w_ent[j].w_ino == w.w_ent[i].w_ino;
		    j++)
			continue;
		if ((nlink_t)(j - i) != w.w_ent[i].w_nlink) {
			st_fail("walk: %s: nlink %lu, but %zu names in the "
			    "tree", w.w_ent[i].w_path,
			    (unsigned long)w.w_ent[i].w_nlink, j - i);
			w.w_bad++;
		}
	}
	free(w.w_ent);
	return w.w_bad;
}
