/*
 * copy_meta.c: what -p, -a and -X keep besides the data: extended
 * attributes, owner, mode and nanosecond times, in that order (a chown
 * clears set-id bits, so the mode comes after it; writing anything
 * changes the times, so they come last).
 *
 * Owners: the image takes any owner; the host only when we are root, and
 * otherwise the owner is left to whoever runs the copy, silently, as
 * cp -p does.  A file system without owners (FAT) refuses with EPERM:
 * also silent under -p.  Owners forced by put --owner/--group are
 * reported when refused: the user asked for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fsu/copy_impl.h"
#include "fsu/fsu.h"

static int
copy_notsup(int err)
{
	return err == ENOTSUP || err == EOPNOTSUPP;
}

/* The owner to give: 0 and *uid, *gid (-1: keep), or -1 for nothing. */
static int
copy_owner(const struct copy_ctx *cc, const struct stat *sst, uid_t *uid,
    gid_t *gid, int *forced)
{
	const struct fsu_copyopt *o = cc->cc_opt;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	*forced = o->owner >= 0 || o->group >= 0;
	if (o->preserve && cc->cc_canchown) {
		*uid = sst->st_uid;
		*gid = sst->st_gid;
	}
	if (o->owner >= 0)
		*uid = (uid_t)o->owner;
	if (o->group >= 0)
		*gid = (gid_t)o->group;
	return *uid == (uid_t)-1 && *gid == (gid_t)-1 ? -1 : 0;
}

static void
copy_owner_err(struct copy_ctx *cc, const char *path, int err, int forced)
{
	if (forced || (err != EPERM && err != EINVAL && !copy_notsup(err)))
		copy_fail(cc, path, err);
}

/* Value of xattr name of sfd (malloc'd, *lenp bytes), or NULL, errno. */
static char *
copy_xget(struct copy_ctx *cc, int sfd, const char *name, size_t *lenp)
{
	ssize_t n, m;
	char *v;
	int i;

	for (i = 0; i < 4; i++) {
		if ((n = cc->cc_src->sd_fgetxattr(sfd, name, NULL, 0)) < 0)
			return NULL;
		if ((v = malloc((size_t)n + 1)) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		m = cc->cc_src->sd_fgetxattr(sfd, name, v, (size_t)n);
		if (m >= 0) {
			*lenp = (size_t)m;
			return v;
		}
		free(v);
		if (errno != ERANGE)	/* grew meanwhile: ask again */
			return NULL;
	}
	return NULL;
}

/* The names of sfd's xattrs (malloc'd, *lenp bytes), or NULL, errno. */
static char *
copy_xlist(struct copy_ctx *cc, int sfd, size_t *lenp)
{
	ssize_t n, m;
	char *l;
	int i;

	for (i = 0; i < 4; i++) {
		if ((n = cc->cc_src->sd_flistxattr(sfd, NULL, 0)) <= 0) {
			*lenp = 0;
			return n == 0 ? calloc(1, 1) : NULL;
		}
		if ((l = malloc((size_t)n)) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		if ((m = cc->cc_src->sd_flistxattr(sfd, l, (size_t)n)) >= 0) {
			*lenp = (size_t)m;
			return l;
		}
		free(l);
		if (errno != ERANGE)
			return NULL;
	}
	return NULL;
}

static void
copy_xattrs(struct copy_ctx *cc, int sfd, int dfd, const char *dpath)
{
	size_t len, vlen, i;
	char *list, *v;

	if ((list = copy_xlist(cc, sfd, &len)) == NULL) {
		if (!copy_notsup(errno))
			copy_fail(cc, dpath, errno);
		return;
	}
	for (i = 0; i < len; i += strlen(list + i) + 1) {
		if ((v = copy_xget(cc, sfd, list + i, &vlen)) == NULL) {
			if (errno != ENODATA)	/* removed meanwhile */
				copy_fail(cc, dpath, errno);
			continue;
		}
		if (cc->cc_dst->sd_fsetxattr(dfd, list + i, v, vlen, 0) != 0 &&
		    !copy_notsup(errno)) {
			copy_progress_clear(cc);
			fsu_warnx("%s: extended attribute %s: %s", dpath,
			    list + i, strerror(errno));
			cc->cc_status = FSU_EXIT_FAIL;
		}
		free(v);
	}
	free(list);
}

/*
 * Attributes of what fd dfd is (a file or directory just copied from
 * sfd).  created: new, so without -p a directory still needs its mode.
 */
void
copy_meta_fd(struct copy_ctx *cc, int sfd, int dfd, const struct stat *sst,
    const char *dpath, int created)
{
	const struct fsu_sideops *sd = cc->cc_dst;
	struct timespec ts[2];
	struct stat st;
	mode_t mode = sst->st_mode & 07777;
	uid_t uid;
	gid_t gid;
	int forced;

	if (cc->cc_opt->xattrs)
		copy_xattrs(cc, sfd, dfd, dpath);
	if (copy_owner(cc, sst, &uid, &gid, &forced) == 0 &&
	    sd->sd_fchown(dfd, uid, gid) != 0) {
		copy_owner_err(cc, dpath, errno, forced);
		uid = (uid_t)-1;
		gid = (gid_t)-1;
	}
	if (cc->cc_opt->preserve) {
		/* Set-id bits only with the owner they were for (cp -p):
		 * where no owner was given and the file is not the
		 * source's owner's. */
		if ((mode & (S_ISUID | S_ISGID)) &&
		    sd->sd_fstat(dfd, &st) == 0) {
			if (uid == (uid_t)-1 && st.st_uid != sst->st_uid)
				mode &= (mode_t)~S_ISUID;
			if (gid == (gid_t)-1 && st.st_gid != sst->st_gid)
				mode &= (mode_t)~S_ISGID;
		}
		if (sd->sd_fchmod(dfd, mode) != 0)
			copy_fail(cc, dpath, errno);
	} else if (created && S_ISDIR(sst->st_mode)) {
		if (sd->sd_fchmod(dfd, sst->st_mode & 0777 & ~cc->cc_umask)
		    != 0)
			copy_fail(cc, dpath, errno);
	}
	if (cc->cc_opt->preserve) {
		ts[0] = sst->st_atim;
		ts[1] = sst->st_mtim;
		if (sd->sd_futimens(dfd, ts) != 0)
			copy_fail(cc, dpath, errno);
	}
}

/* Attributes of a symbolic link or node just made at dst. */
void
copy_meta_at(struct copy_ctx *cc, const struct stat *sst,
    const struct copy_end *dst)
{
	const struct fsu_sideops *sd = cc->cc_dst;
	struct timespec ts[2];
	uid_t uid;
	gid_t gid;
	int forced;

	if (copy_owner(cc, sst, &uid, &gid, &forced) == 0 &&
	    sd->sd_fchownat(dst->ce_dirfd, dst->ce_name, uid, gid,
	    AT_SYMLINK_NOFOLLOW) != 0)
		copy_owner_err(cc, dst->ce_path, errno, forced);
	if (cc->cc_opt->preserve && !S_ISLNK(sst->st_mode) &&
	    sd->sd_fchmodat(dst->ce_dirfd, dst->ce_name, sst->st_mode & 07777,
	    0) != 0)
		copy_fail(cc, dst->ce_path, errno);
	if (cc->cc_opt->preserve) {
		ts[0] = sst->st_atim;
		ts[1] = sst->st_mtim;
		if (sd->sd_utimensat(dst->ce_dirfd, dst->ce_name, ts,
		    AT_SYMLINK_NOFOLLOW) != 0 && !copy_notsup(errno))
			copy_fail(cc, dst->ce_path, errno);
	}
}
