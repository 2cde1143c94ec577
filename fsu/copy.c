/*
 * copy.c: fsu_copy, the entry of the copy engine: the meaning cp -R gives
 * to its arguments (into an existing directory, or one source as a new
 * name), the context every step shares, and how failures are reported.
 *
 * A failure stops the copy of that one node and makes the status
 * FSU_EXIT_FAIL; the copy of everything else goes on, except when the
 * destination is out of room or cannot be written at all (ENOSPC,
 * EDQUOT, EFBIG, EROFS), where every further file would fail the same way.
 * A regular file whose copy failed half way is left as far as it got, as
 * GNU cp leaves it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsu/copy_impl.h"
#include "fsu/fsu.h"

void
fsu_copyopt_init(struct fsu_copyopt *o)
{
	memset(o, 0, sizeof(*o));
	o->deref = FSU_DEREF_AUTO;
	o->progress = -1;
	o->owner = -1;
	o->group = -1;
}

/* Errors after which every further write would fail too. */
static int
copy_fatal(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG || err == EROFS;
}

void
copy_fail(struct copy_ctx *cc, const char *path, int err)
{
	copy_progress_clear(cc);
	fsu_warn_path(path, err);
	cc->cc_status = FSU_EXIT_FAIL;
	if (copy_fatal(err))
		cc->cc_stop = 1;
}

void
copy_failx(struct copy_ctx *cc, const char *path, const char *why)
{
	copy_progress_clear(cc);
	fsu_warnx("%s: %s", path, why);
	cc->cc_status = FSU_EXIT_FAIL;
}

void
copy_verbose(struct copy_ctx *cc, const char *src, const char *dst)
{
	if (!cc->cc_opt->verbose)
		return;
	copy_progress_clear(cc);
	printf("'%s' -> '%s'\n", src, dst);
	fflush(stdout);
}

/* dir/name, or dir itself for "." (malloc'd; NULL only without memory). */
char *
copy_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *s;

	if (strcmp(name, ".") == 0)
		return strdup(dir);
	if ((s = malloc(n + strlen(name) + 2)) == NULL)
		return NULL;
	memcpy(s, dir, n);
	if (n == 0 || dir[n - 1] != '/')
		s[n++] = '/';
	strcpy(s + n, name);
	return s;
}

/*
 * Split path into its directory and last name (both malloc'd): "a/b/"
 * gives "a" and "b", "b" gives "." and "b", "/" gives "/" and ".".
 * Returns 0 or ENOMEM.
 */
static int
copy_split(const char *path, char **dirp, char **namep)
{
	size_t n = strlen(path), i;

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 1 && path[0] == '/') {
		*dirp = strdup("/");
		*namep = strdup(".");
	} else {
		for (i = n; i > 0 && path[i - 1] != '/'; i--)
			continue;
		*namep = strndup(path + i, n - i);
		if (i == 0)
			*dirp = strdup(".");
		else {
			while (i > 1 && path[i - 1] == '/')
				i--;
			*dirp = strndup(path, i);
		}
	}
	if (*dirp == NULL || *namep == NULL) {
		free(*dirp);
		free(*namep);
		return ENOMEM;
	}
	return 0;
}

static int
copy_isdot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/*
 * Copy one command-line source.  dstdir: dst is an existing directory.
 * *topp gets the destination path the source became (for the owner map).
 */
static void
copy_arg(struct copy_ctx *cc, const char *src, const char *dst, int dstdir,
    char **topp)
{
	char *sdir = NULL, *sname = NULL, *tdir = NULL, *tname = NULL;
	struct copy_end s, d;
	struct stat st;
	int sfd = -1, dfd = -1;

	*topp = NULL;
	if (copy_split(src, &sdir, &sname) != 0)
		goto nomem;
	if (dstdir && !copy_isdot(sname)) {
		if ((tdir = strdup(dst)) == NULL ||
		    (tname = strdup(sname)) == NULL)
			goto nomem;
	} else if (copy_split(dst, &tdir, &tname) != 0)
		goto nomem;
	if ((*topp = copy_join(tdir, tname)) == NULL)
		goto nomem;
	sfd = cc->cc_src->sd_openat(AT_FDCWD, sdir, O_RDONLY | O_DIRECTORY,
	    0);
	if (sfd < 0) {
		copy_fail(cc, src, errno);
		goto out;
	}
	dfd = cc->cc_dst->sd_openat(AT_FDCWD, tdir, O_RDONLY | O_DIRECTORY,
	    0);
	if (dfd < 0) {
		copy_fail(cc, *topp, errno);
		goto out;
	}
	/* "new/" can only become a directory, as in cp. */
	if (!dstdir && dst[0] != '\0' && dst[strlen(dst) - 1] == '/' &&
	    (cc->cc_src->sd_fstatat(sfd, sname, &st, 0) != 0 ||
	    !S_ISDIR(st.st_mode))) {
		copy_fail(cc, dst, ENOTDIR);
		goto out;
	}
	s.ce_dirfd = sfd;
	s.ce_name = sname;
	s.ce_path = src;
	/* "dir/" names the directory a link points to, as in cp. */
	s.ce_follow = src[0] != '\0' && src[strlen(src) - 1] == '/';
	d.ce_dirfd = dfd;
	d.ce_name = tname;
	d.ce_path = *topp;
	d.ce_follow = 0;
	s.ce_fresh = d.ce_fresh = 0;
	s.ce_dtype = d.ce_dtype = DT_UNKNOWN;
	copy_node(cc, &s, &d, 0);
	goto out;
nomem:
	copy_fail(cc, src, ENOMEM);
out:
	if (sfd >= 0)
		cc->cc_src->sd_close(sfd);
	if (dfd >= 0)
		cc->cc_dst->sd_close(dfd);
	free(sdir);
	free(sname);
	free(tdir);
	free(tname);
}

/* Bytes to copy when that is cheap to know (no directory to walk). */
static uint64_t
copy_total(struct copy_ctx *cc, char *const *srcs, int nsrc)
{
	struct stat st;
	uint64_t total = 0;
	int i;

	for (i = 0; i < nsrc; i++) {
		if (cc->cc_src->sd_fstatat(AT_FDCWD, srcs[i], &st, 0) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			return 0;
		if (S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	}
	return total;
}

static void
copy_ctx_init(struct copy_ctx *cc, const struct fsu_copyopt *o,
    enum fsu_side from, enum fsu_side to)
{
	memset(cc, 0, sizeof(*cc));
	cc->cc_opt = o;
	cc->cc_from = from;
	cc->cc_to = to;
	cc->cc_src = from == FSU_HOST ? &fsu_side_host : &fsu_side_image;
	cc->cc_dst = to == FSU_HOST ? &fsu_side_host : &fsu_side_image;
	cc->cc_status = FSU_EXIT_OK;
	cc->cc_canchown = cc->cc_dst->sd_canchown();
	cc->cc_umask = cc->cc_dst->sd_getumask();
}

static void
copy_ctx_free(struct copy_ctx *cc)
{
	copy_ino_free(&cc->cc_links);
	copy_ino_free(&cc->cc_made);
	copy_ino_free(&cc->cc_dirs);
	free(cc->cc_buf);
}

int
fsu_copy(const struct fsu_copyopt *o, enum fsu_side from,
    char *const *srcs, int nsrc, enum fsu_side to, const char *dst)
{
	struct copy_map *map = NULL;
	struct copy_ctx *cc;
	struct stat st;
	char **tops;
	int dstdir, i, ntops = 0, status;

	/* On the heap: the inode tables are too big for a small stack. */
	if ((cc = malloc(sizeof(*cc))) == NULL)
		return fsu_warn_path(dst, ENOMEM);
	copy_ctx_init(cc, o, from, to);
	if (o->ownermap != NULL && copy_map_load(o->ownermap, &map) != 0) {
		free(cc);
		return FSU_EXIT_FAIL;
	}
	tops = calloc((size_t)nsrc + 1, sizeof(*tops));
	if ((cc->cc_buf = malloc(COPY_BUFSIZE)) == NULL || tops == NULL) {
		fsu_warn_path(dst, ENOMEM);
		cc->cc_status = FSU_EXIT_FAIL;
		goto out;
	}
	dstdir = cc->cc_dst->sd_fstatat(AT_FDCWD, dst, &st, 0) == 0 &&
	    S_ISDIR(st.st_mode);
	if (nsrc > 1 && !dstdir) {
		copy_failx(cc, dst, "target is not a directory");
		goto out;
	}
	copy_progress_start(cc, copy_total(cc, srcs, nsrc));
	for (i = 0; i < nsrc && !cc->cc_stop; i++) {
		copy_arg(cc, srcs[i], dst, dstdir, &tops[ntops]);
		if (tops[ntops] != NULL)
			ntops++;
	}
	copy_progress_clear(cc);
	if (cc->cc_nodevs > 0)
		fsu_warnx("%ld device node%s not copied (only root can "
		    "make them)", cc->cc_nodevs, cc->cc_nodevs == 1 ? "" : "s");
	if (map != NULL && !cc->cc_stop &&
	    copy_map_apply(map, cc->cc_dst, tops, ntops) != 0)
		cc->cc_status = FSU_EXIT_FAIL;
out:
	for (i = 0; i < ntops; i++)
		free(tops[i]);
	free(tops);
	copy_map_free(map);
	status = cc->cc_status;
	copy_ctx_free(cc);
	free(cc);
	return status;
}
