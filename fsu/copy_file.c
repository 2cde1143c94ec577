/*
 * copy_file.c: the data of a regular file.  Holes stay holes: the source
 * is asked where its data is (SEEK_DATA/SEEK_HOLE, which the kernel
 * answers from the block map), only those ranges are written, and the
 * destination is cut to the source's size so a trailing hole stays one
 * too.  Where the source cannot say (EINVAL: SEEK_DATA unknown) and looks
 * sparse (fewer blocks than its size needs), blocks of zeros are skipped
 * instead, as cp --sparse=auto does.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fsu/copy_impl.h"
#include "fsu/fsu.h"

#define ZBLOCK	4096		/* granule of the zero-block scan */

/* Which end an I/O error came from, to name the right file. */
enum copy_errside { ERR_SRC, ERR_DST };

static int
copy_iszero(const char *p, size_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

static int
copy_write(struct copy_ctx *cc, int dfd, const char *p, size_t len,
    off_t off)
{
	ssize_t n;

	while (len > 0) {
		n = cc->cc_dseq ? cc->cc_dst->sd_write(dfd, p, len) :
		    cc->cc_dst->sd_pwrite(dfd, p, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EIO;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Write len bytes of buf at off, leaving out blocks of zeros. */
static int
copy_write_sparse(struct copy_ctx *cc, int dfd, const char *buf, size_t len,
    off_t off)
{
	size_t i = 0, start, n;
	int error;

	while (i < len) {
		n = len - i < ZBLOCK ? len - i : ZBLOCK;
		if (copy_iszero(buf + i, n)) {
			i += n;
			continue;
		}
		start = i;
		while (i < len) {
			n = len - i < ZBLOCK ? len - i : ZBLOCK;
			if (copy_iszero(buf + i, n))
				break;
			i += n;
		}
		error = copy_write(cc, dfd, buf + start, i - start,
		    off + (off_t)start);
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * Copy [off, end) (or to the end of the file if it is shorter); *endp
 * (if not NULL) gets the offset reached.
 */
static int
copy_range(struct copy_ctx *cc, int sfd, int dfd, off_t off, off_t end,
    int skipzero, enum copy_errside *side, off_t *endp)
{
	size_t want;
	ssize_t n;
	int error;

	while (off < end) {
		if (fsu_interrupted)
			return EINTR;
		want = end - off < COPY_BUFSIZE ? (size_t)(end - off) :
		    COPY_BUFSIZE;
		n = cc->cc_sseq ? cc->cc_src->sd_read(sfd, cc->cc_buf, want) :
		    cc->cc_src->sd_pread(sfd, cc->cc_buf, want, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*side = ERR_SRC;
			return errno;
		}
		if (n == 0)
			break;
		if (skipzero)
			error = copy_write_sparse(cc, dfd, cc->cc_buf,
			    (size_t)n, off);
		else
			error = copy_write(cc, dfd, cc->cc_buf, (size_t)n, off);
		if (error != 0) {
			*side = ERR_DST;
			return error;
		}
		off += n;
		copy_progress_add(cc, (uint64_t)n, 0);
	}
	if (endp != NULL)
		*endp = off;
	return 0;
}

/*
 * All the data of sfd (size bytes, st_blocks blocks) into dfd.  *whole
 * is set when every byte up to the size was written (no hole left to
 * make by cutting the file to size).
 */
static int
copy_data(struct copy_ctx *cc, int sfd, int dfd, const struct stat *st,
    enum copy_errside *side, int *whole)
{
	const struct fsu_sideops *sd = cc->cc_src;
	off_t off = 0, data, hole;
	int error, sparse;

	*side = ERR_SRC;
	*whole = 0;
	/*
	 * Blocks enough for every byte: no hole to find, and two lseeks
	 * saved per file (most of a small-file tree).  Reading stops at the
	 * size, not at a read that returns nothing: the file is cut to that
	 * size anyway, and the empty read was a call per file.
	 */
	if ((off_t)st->st_blocks * 512 >= st->st_size) {
		error = copy_range(cc, sfd, dfd, 0, st->st_size, 0, side,
		    &off);
		*whole = error == 0 && off == st->st_size;
		return error;
	}
	while (off < st->st_size) {
		if ((data = sd->sd_lseek(sfd, off, SEEK_DATA)) < 0) {
			if (errno == ENXIO)
				return 0;	/* only a hole is left */
			if (off > 0 || (errno != EINVAL && errno != ENOTSUP &&
			    errno != EOPNOTSUPP))
				return errno;
			sparse = (off_t)st->st_blocks * 512 < st->st_size;
			return copy_range(cc, sfd, dfd, 0, INT64_MAX, sparse,
			    side, NULL);
		}
		if ((hole = sd->sd_lseek(sfd, data, SEEK_HOLE)) < 0)
			return errno;
		if (hole <= data)
			hole = st->st_size;
		if ((error = copy_range(cc, sfd, dfd, data, hole, 0,
		    side, NULL)) != 0)
			return error;
		off = hole;
	}
	return 0;
}

/*
 * A link in the way of a file: 0 to go ahead (through it, as cp does, or
 * *dst_stp set to NULL once -f removed it), -1 after the message.
 */
static int
copy_dst_link(struct copy_ctx *cc, const struct copy_end *dst,
    const struct stat **dst_stp)
{
	const struct fsu_sideops *sd = cc->cc_dst;
	const struct stat *dst_st = *dst_stp;
	struct stat st;

	if (copy_ino_find(&cc->cc_made, dst_st->st_dev, dst_st->st_ino)) {
		copy_failx(cc, dst->ce_path, "not writing through a symbolic "
		    "link this copy made");
		return -1;
	}
	if (sd->sd_fstatat(dst->ce_dirfd, dst->ce_name, &st, 0) == 0)
		return 0;
	if (!cc->cc_opt->force) {
		copy_failx(cc, dst->ce_path, "not writing through dangling "
		    "symbolic link");
		return -1;
	}
	if (sd->sd_unlinkat(dst->ce_dirfd, dst->ce_name, 0) != 0) {
		copy_fail(cc, dst->ce_path, errno);
		return -1;
	}
	*dst_stp = NULL;
	return 0;
}

/*
 * Open the destination file: fd, -1 after the message, or COPY_RETRY
 * when it was assumed absent (cc_guess) and is not.
 */
static int
copy_open_dst(struct copy_ctx *cc, const struct stat *sst,
    const struct copy_end *dst, const struct stat *dst_st)
{
	const struct fsu_sideops *sd = cc->cc_dst;
	int fd, flags = O_WRONLY | O_CREAT;
	mode_t mode = sst->st_mode & 0777;

	if (dst_st != NULL && S_ISLNK(dst_st->st_mode) &&
	    copy_dst_link(cc, dst, &dst_st) != 0)
		return -1;
	/* A file that was there is overwritten (through a link the user
	 * made, as cp does); a new one must really be new. */
	flags |= dst_st != NULL ? O_TRUNC : O_EXCL | O_NOFOLLOW;
	fd = sd->sd_openat(dst->ce_dirfd, dst->ce_name, flags, mode);
	if (fd < 0 && dst_st != NULL && cc->cc_opt->force &&
	    sd->sd_unlinkat(dst->ce_dirfd, dst->ce_name, 0) == 0)
		fd = sd->sd_openat(dst->ce_dirfd, dst->ce_name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
	if (fd < 0 && errno == EEXIST && cc->cc_guess)
		return COPY_RETRY;
	if (fd < 0)
		copy_fail(cc, dst->ce_path, errno);
	return fd;
}

/*
 * sfd: the source already open, sst its attributes; or -1 to open it
 * here.  sfd is closed.
 */
int
copy_regular(struct copy_ctx *cc, const struct copy_end *src,
    const struct stat *sst, int sfd, const struct copy_end *dst,
    const struct stat *dst_st)
{
	enum copy_errside side;
	struct stat st, dst_now;
	int dfd, error, whole = 0, rv = -1;

	if (sfd >= 0)
		st = *sst;
	else if ((sfd = cc->cc_src->sd_openat(src->ce_dirfd, src->ce_name,
	    O_RDONLY | (src->ce_follow ? 0 : O_NOFOLLOW), 0)) < 0 ||
	    cc->cc_src->sd_fstat(sfd, &st) != 0) {
		copy_fail(cc, src->ce_path, errno);
		if (sfd >= 0)
			cc->cc_src->sd_close(sfd);
		return -1;
	}
	if ((dfd = copy_open_dst(cc, &st, dst, dst_st)) < 0) {
		rv = dfd == COPY_RETRY ? COPY_RETRY : -1;
		goto out;
	}
	copy_verbose(cc, src->ce_path, dst->ce_path);
	/* A fifo, a terminal, /dev/null...: in order, no holes, no size,
	 * no attributes (cp leaves a device it writes to alone). */
	cc->cc_sseq = !S_ISREG(st.st_mode);
	/* A file this copy has just made (O_EXCL) is regular: no need to
	 * ask, which saves a system call per file of a tree. */
	cc->cc_dseq = dst_st != NULL && cc->cc_dst->sd_fstat(dfd,
	    &dst_now) == 0 && !S_ISREG(dst_now.st_mode);
	/* A file made here (O_EXCL) and written to its size is that size. */
	if (cc->cc_sseq || cc->cc_dseq)
		error = copy_range(cc, sfd, dfd, 0, INT64_MAX, 0, &side, NULL);
	else if ((error = copy_data(cc, sfd, dfd, &st, &side, &whole)) == 0 &&
	    !(whole && dst_st == NULL) &&
	    cc->cc_dst->sd_ftruncate(dfd, st.st_size) != 0) {
		error = errno;
		side = ERR_DST;
	}
	if (error != 0)
		copy_fail(cc, side == ERR_SRC ? src->ce_path : dst->ce_path,
		    error);
	else {
		if (!cc->cc_dseq)
			copy_meta_fd(cc, sfd, dfd, &st, dst->ce_path,
			    dst_st == NULL);
		rv = 0;
	}
	cc->cc_sseq = cc->cc_dseq = 0;
	if (cc->cc_dst->sd_close(dfd) != 0 && error == 0) {
		copy_fail(cc, dst->ce_path, errno);
		rv = -1;
	}
out:
	cc->cc_src->sd_close(sfd);
	return rv;
}
