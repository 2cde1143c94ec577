/*
 * copy_node.c: one node of the copy and, for directories, everything
 * below it: what cp -R does with each kind of file and with what already
 * exists at the destination.
 *
 * Safety of get (an image is untrusted input): names read from a
 * directory must be plain names ("", ".", ".." and names holding '/' are
 * refused); below the destination each directory is opened relative to
 * its parent with O_NOFOLLOW, new files are created with O_EXCL, and a
 * symbolic link this copy created is never written through, so a link
 * planted by the image (a name listed twice, once as a link to /etc and
 * once as a directory) leads nowhere.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsu/copy_impl.h"
#include "fsu/fsu.h"

static int
copy_follow(const struct copy_ctx *cc, const struct copy_end *src, int depth)
{
	switch (cc->cc_opt->deref) {
	case FSU_DEREF_ALWAYS:
		return 1;
	case FSU_DEREF_ARGS:
		return depth == 0 || src->ce_follow;
	case FSU_DEREF_AUTO:
		return !cc->cc_opt->recursive || (depth == 0 &&
		    src->ce_follow);
	case FSU_DEREF_NEVER:
	default:
		return depth == 0 && src->ce_follow;
	}
}

/* A name read from a directory that may not be used as a name. */
static int
copy_badname(const char *name)
{
	return name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strchr(name, '/') != NULL;
}

static int
copy_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Is the directory sst an ancestor of (or the same as) directory dirfd on
 * the destination side?  Only asked when both sides are the image.
 */
static int
copy_inside(struct copy_ctx *cc, const struct stat *sst, int dirfd)
{
	const struct fsu_sideops *sd = cc->cc_dst;
	struct stat st, up;
	int fd, nfd, i, found = 0;

	if ((fd = sd->sd_openat(dirfd, ".", O_RDONLY | O_DIRECTORY, 0)) < 0)
		return 0;
	for (i = 0; i < 4096; i++) {
		if (sd->sd_fstat(fd, &st) != 0)
			break;
		if (copy_same(&st, sst)) {
			found = 1;
			break;
		}
		nfd = sd->sd_openat(fd, "..", O_RDONLY | O_DIRECTORY, 0);
		if (nfd < 0)
			break;
		if (sd->sd_fstat(nfd, &up) != 0 || copy_same(&up, &st)) {
			sd->sd_close(nfd);
			break;		/* the root */
		}
		sd->sd_close(fd);
		fd = nfd;
	}
	sd->sd_close(fd);
	return found;
}

static void
copy_close_src(struct copy_ctx *cc, int sfd)
{
	if (sfd >= 0)
		cc->cc_src->sd_close(sfd);
}

/* Remove a non-directory in the way of a new link or node. */
static int
copy_unlink(struct copy_ctx *cc, const struct copy_end *dst)
{
	if (cc->cc_dst->sd_unlinkat(dst->ce_dirfd, dst->ce_name, 0) != 0 &&
	    errno != ENOENT) {
		copy_fail(cc, dst->ce_path, errno);
		return -1;
	}
	return 0;
}

/* The entries of directory sfd into dfd (fresh: made by this copy). */
static void
copy_children(struct copy_ctx *cc, int sfd, const struct copy_end *src,
    int dfd, const struct copy_end *dst, int fresh, int depth)
{
	struct fsu_names nm = { NULL, NULL, 0, 0 };
	struct copy_end s, d;
	char *sp, *dp;
	size_t i;
	int error;

	if ((error = cc->cc_src->sd_readnames(sfd, &nm)) != 0)
		copy_fail(cc, src->ce_path, error);
	for (i = 0; i < nm.nm_n && !cc->cc_stop; i++) {
		if (copy_badname(nm.nm_v[i])) {
			copy_progress_clear(cc);
			fsu_warnx("%s: refusing the entry named \"%s\"",
			    src->ce_path, nm.nm_v[i]);
			cc->cc_status = FSU_EXIT_FAIL;
			continue;
		}
		sp = copy_join(src->ce_path, nm.nm_v[i]);
		dp = copy_join(dst->ce_path, nm.nm_v[i]);
		if (sp == NULL || dp == NULL)
			copy_fail(cc, src->ce_path, ENOMEM);
		else {
			s.ce_dirfd = sfd;
			s.ce_name = nm.nm_v[i];
			s.ce_path = sp;
			s.ce_follow = 0;
			s.ce_fresh = 0;
			s.ce_dtype = nm.nm_t[i];
			d.ce_dirfd = dfd;
			d.ce_name = nm.nm_v[i];
			d.ce_path = dp;
			d.ce_follow = 0;
			d.ce_fresh = fresh;
			d.ce_dtype = DT_UNKNOWN;
			copy_node(cc, &s, &d, depth + 1);
		}
		free(sp);
		free(dp);
	}
	fsu_names_free(&nm);
}

/* Open (making it if needed) the destination directory: fd or -1. */
static int
copy_dst_dir(struct copy_ctx *cc, const struct stat *sst,
    const struct copy_end *dst, const struct stat *dst_st, int depth,
    int *createdp)
{
	const struct fsu_sideops *sd = cc->cc_dst;
	struct stat st;
	int fd, flags = O_RDONLY | O_DIRECTORY;

	*createdp = 0;
	if (dst_st != NULL && !S_ISDIR(dst_st->st_mode)) {
		/* The one target named by the user may be a link to a dir. */
		if (depth > 0 || !S_ISLNK(dst_st->st_mode) ||
		    sd->sd_fstatat(dst->ce_dirfd, dst->ce_name, &st, 0) != 0 ||
		    !S_ISDIR(st.st_mode)) {
			copy_failx(cc, dst->ce_path, "cannot overwrite "
			    "non-directory with directory");
			return -1;
		}
	}
	if (dst_st == NULL) {
		if (sd->sd_mkdirat(dst->ce_dirfd, dst->ce_name,
		    (sst->st_mode & 0777) | S_IRWXU) != 0) {
			copy_fail(cc, dst->ce_path, errno);
			return -1;
		}
		*createdp = 1;
	}
	if (depth > 0)
		flags |= O_NOFOLLOW;
	if ((fd = sd->sd_openat(dst->ce_dirfd, dst->ce_name, flags, 0)) < 0)
		copy_fail(cc, dst->ce_path, errno);
	return fd;
}

static void
copy_dir(struct copy_ctx *cc, const struct copy_end *src,
    const struct stat *sst, const struct copy_end *dst,
    const struct stat *dst_st, int follow, int depth)
{
	struct stat st;
	int sfd, dfd, created;

	if (copy_ino_find(&cc->cc_dirs, sst->st_dev, sst->st_ino) != NULL) {
		copy_failx(cc, src->ce_path, "directory loop; not copied");
		return;
	}
	if (depth == 0 && cc->cc_from == cc->cc_to &&
	    copy_inside(cc, sst, dst->ce_dirfd)) {
		copy_progress_clear(cc);
		fsu_warnx("cannot copy a directory, '%s', into itself, '%s'",
		    src->ce_path, dst->ce_path);
		cc->cc_status = FSU_EXIT_FAIL;
		return;
	}
	sfd = cc->cc_src->sd_openat(src->ce_dirfd, src->ce_name,
	    O_RDONLY | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW), 0);
	if (sfd < 0) {
		copy_fail(cc, src->ce_path, errno);
		return;
	}
	if ((dfd = copy_dst_dir(cc, sst, dst, dst_st, depth, &created)) < 0)
		goto out;
	if (cc->cc_from == cc->cc_to && cc->cc_dst->sd_fstat(dfd, &st) == 0 &&
	    copy_same(&st, sst)) {
		copy_progress_clear(cc);
		fsu_warnx("cannot copy a directory, '%s', into itself, '%s'",
		    src->ce_path, dst->ce_path);
		cc->cc_status = FSU_EXIT_FAIL;
		goto out;
	}
	if (created)
		copy_verbose(cc, src->ce_path, dst->ce_path);
	if (copy_ino_add(&cc->cc_dirs, sst->st_dev, sst->st_ino, NULL) != 0) {
		copy_fail(cc, src->ce_path, ENOMEM);
		goto out;
	}
	copy_children(cc, sfd, src, dfd, dst, created, depth);
	copy_ino_del(&cc->cc_dirs, sst->st_dev, sst->st_ino);
	/* Times last: filling the directory changed them. */
	copy_meta_fd(cc, sfd, dfd, sst, dst->ce_path, created);
out:
	if (dfd >= 0)
		cc->cc_dst->sd_close(dfd);
	cc->cc_src->sd_close(sfd);
}

static int
copy_symlink(struct copy_ctx *cc, const struct copy_end *src,
    const struct stat *sst, const struct copy_end *dst,
    const struct stat *dst_st)
{
	size_t len = sst->st_size > 0 ? (size_t)sst->st_size + 1 : PATH_MAX;
	struct stat st;
	char *target = NULL;
	ssize_t n;
	int rv = -1;

	for (;;) {
		free(target);
		if ((target = malloc(len + 1)) == NULL) {
			copy_fail(cc, src->ce_path, ENOMEM);
			return -1;
		}
		n = cc->cc_src->sd_readlinkat(src->ce_dirfd, src->ce_name,
		    target, len);
		if (n < 0) {
			copy_fail(cc, src->ce_path, errno);
			goto out;
		}
		if ((size_t)n < len)
			break;
		len *= 2;
	}
	target[n] = '\0';
	if (cc->cc_opt->no_abs_links && target[0] == '/') {
		copy_failx(cc, src->ce_path, "absolute symbolic link target "
		    "refused");
		goto out;
	}
	if (dst_st != NULL && copy_unlink(cc, dst) != 0)
		goto out;
	if (cc->cc_dst->sd_symlinkat(target, dst->ce_dirfd, dst->ce_name)
	    != 0) {
		copy_fail(cc, dst->ce_path, errno);
		goto out;
	}
	if (cc->cc_dst->sd_fstatat(dst->ce_dirfd, dst->ce_name, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 &&
	    copy_ino_add(&cc->cc_made, st.st_dev, st.st_ino, NULL) != 0) {
		copy_fail(cc, dst->ce_path, ENOMEM);
		goto out;
	}
	copy_verbose(cc, src->ce_path, dst->ce_path);
	copy_meta_at(cc, sst, dst);
	rv = 0;
out:
	free(target);
	return rv;
}

/* Device nodes, fifos and sockets as nodes (cp -R, -a). */
static int
copy_special(struct copy_ctx *cc, const struct copy_end *src,
    const struct stat *sst, const struct copy_end *dst,
    const struct stat *dst_st)
{
	mode_t mode = sst->st_mode & (S_IFMT | 0777);

	if ((S_ISCHR(sst->st_mode) || S_ISBLK(sst->st_mode)) &&
	    !cc->cc_canchown) {
		cc->cc_nodevs++;	/* one summary at the end, no spam */
		return -1;
	}
	if (dst_st != NULL && copy_unlink(cc, dst) != 0)
		return -1;
	if (cc->cc_dst->sd_mknodat(dst->ce_dirfd, dst->ce_name, mode,
	    sst->st_rdev) != 0) {
		copy_fail(cc, dst->ce_path, errno);
		return -1;
	}
	copy_verbose(cc, src->ce_path, dst->ce_path);
	copy_meta_at(cc, sst, dst);
	return 0;
}

/* Make dst another name of the file already copied to path. */
static int
copy_hardlink(struct copy_ctx *cc, const char *path,
    const struct copy_end *src, const struct copy_end *dst,
    const struct stat *dst_st)
{
	if (dst_st != NULL && copy_unlink(cc, dst) != 0)
		return -1;
	if (cc->cc_dst->sd_linkat(AT_FDCWD, path, dst->ce_dirfd,
	    dst->ce_name, 0) != 0) {
		copy_fail(cc, dst->ce_path, errno);
		return -1;
	}
	copy_verbose(cc, src->ce_path, dst->ce_path);
	return 0;
}

/*
 * A non-directory; existing dst is what is at the destination (or NULL);
 * sfd the source already open (regular files only), or -1; it is
 * closed.  0, -1 after a message, or COPY_RETRY (see copy_guess).
 */
static int
copy_leaf(struct copy_ctx *cc, const struct copy_end *src,
    const struct stat *sst, int sfd, const struct copy_end *dst,
    const struct stat *dst_st)
{
	struct copy_inode *ci = NULL;
	int keep, rv;

	if (dst_st != NULL && S_ISDIR(dst_st->st_mode)) {
		copy_failx(cc, dst->ce_path, "cannot overwrite directory "
		    "with non-directory");
		copy_close_src(cc, sfd);
		return -1;
	}
	keep = cc->cc_opt->links && sst->st_nlink > 1;
	if (keep)
		ci = copy_ino_find(&cc->cc_links, sst->st_dev, sst->st_ino);
	if (ci != NULL) {
		copy_close_src(cc, sfd);
		return copy_hardlink(cc, ci->ci_path, src, dst, dst_st);
	}
	if (S_ISREG(sst->st_mode))
		rv = copy_regular(cc, src, sst, sfd, dst, dst_st);
	else if (S_ISLNK(sst->st_mode))
		rv = copy_symlink(cc, src, sst, dst, dst_st);
	else if (cc->cc_opt->specials || cc->cc_opt->recursive)
		rv = copy_special(cc, src, sst, dst, dst_st);
	else
		rv = copy_regular(cc, src, sst, -1, dst, dst_st);
	if (rv == 0 && keep &&
	    copy_ino_add(&cc->cc_links, sst->st_dev, sst->st_ino,
	    dst->ce_path) != 0) {
		copy_fail(cc, dst->ce_path, ENOMEM);
		rv = -1;
	}
	return rv;
}

/*
 * A name its directory calls a regular file is opened and then stat'ed
 * (one lookup instead of two, and on the host one system call fewer per
 * file).  O_NONBLOCK so that something else put there meanwhile (a fifo)
 * cannot hang the copy; anything but a regular file is closed again and
 * takes the ordinary path.  The fd, *sst filled, or -1.
 */
static int
copy_open_src(struct copy_ctx *cc, const struct copy_end *src,
    struct stat *sst)
{
	int fd;

	if (src->ce_dtype != DT_REG || src->ce_follow)
		return -1;
	fd = cc->cc_src->sd_openat(src->ce_dirfd, src->ce_name,
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (cc->cc_src->sd_fstat(fd, sst) != 0 || !S_ISREG(sst->st_mode)) {
		cc->cc_src->sd_close(fd);
		return -1;
	}
	return fd;
}

/*
 * A single-link regular file going into a directory this copy made
 * cannot be there yet: no need to ask the destination (a system call
 * per file of a tree extracted to the host).  Should the source list
 * the name twice, the O_EXCL create says so and the file takes the
 * ordinary path.  1 when done that way; else 0 and *sfdp is still the
 * source's fd or -1 (closed on the way).
 */
static int
copy_guess(struct copy_ctx *cc, const struct copy_end *src,
    const struct stat *sst, int *sfdp, const struct copy_end *dst)
{
	int rv;

	if (!dst->ce_fresh || !S_ISREG(sst->st_mode) || sst->st_nlink != 1)
		return 0;
	cc->cc_guess = 1;
	rv = copy_leaf(cc, src, sst, *sfdp, dst, NULL);
	*sfdp = -1;
	cc->cc_guess = 0;
	if (rv == COPY_RETRY)
		return 0;
	copy_progress_add(cc, 0, 1);
	return 1;
}

/*
 * The node src, whose attributes are sst, to dst; sfd is the source
 * already open (a regular file) or -1, and is closed.
 */
static void
copy_node_st(struct copy_ctx *cc, const struct copy_end *src,
    const struct stat *sst, int sfd, const struct copy_end *dst, int depth)
{
	struct stat dst_st, st;
	int exists;

	if (copy_guess(cc, src, sst, &sfd, dst))
		return;
	exists = cc->cc_dst->sd_fstatat(dst->ce_dirfd, dst->ce_name, &dst_st,
	    AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists && errno != ENOENT) {
		copy_fail(cc, dst->ce_path, errno);
		copy_close_src(cc, sfd);
		return;
	}
	if (exists && cc->cc_from == cc->cc_to && !S_ISDIR(sst->st_mode) &&
	    cc->cc_dst->sd_fstatat(dst->ce_dirfd, dst->ce_name, &st, 0) == 0 &&
	    copy_same(&st, sst)) {
		copy_progress_clear(cc);
		fsu_warnx("'%s' and '%s' are the same file", src->ce_path,
		    dst->ce_path);
		cc->cc_status = FSU_EXIT_FAIL;
		copy_close_src(cc, sfd);
		return;
	}
	if (S_ISDIR(sst->st_mode)) {
		copy_dir(cc, src, sst, dst, exists ? &dst_st : NULL,
		    src->ce_follow, depth);
		return;
	}
	if (exists && cc->cc_opt->noclobber) {
		copy_close_src(cc, sfd);
		return;
	}
	(void)copy_leaf(cc, src, sst, sfd, dst, exists ? &dst_st : NULL);
	if (S_ISREG(sst->st_mode))
		copy_progress_add(cc, 0, 1);
}

void
copy_node(struct copy_ctx *cc, const struct copy_end *arg,
    const struct copy_end *dst, int depth)
{
	struct stat sst;
	struct copy_end s = *arg, *src = &s;
	int sfd;

	s.ce_follow = copy_follow(cc, arg, depth); /* from here: followed? */
	if (fsu_interrupted && !cc->cc_stop) {
		copy_progress_clear(cc);
		fsu_warnx("interrupted: stopping the copy before %s",
		    src->ce_path);
		cc->cc_stop = 1;
		cc->cc_status = FSU_EXIT_FAIL;
	}
	if (cc->cc_stop)
		return;
	if ((sfd = copy_open_src(cc, src, &sst)) < 0 &&
	    cc->cc_src->sd_fstatat(src->ce_dirfd, src->ce_name, &sst,
	    src->ce_follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
		copy_fail(cc, src->ce_path, errno);
		return;
	}
	if (S_ISDIR(sst.st_mode) && !cc->cc_opt->recursive) {
		copy_failx(cc, src->ce_path, "-r not specified; omitting "
		    "directory");
		return;
	}
	copy_node_st(cc, src, &sst, sfd, dst, depth);
}
