/*
 * ops_alloc.c: fallocate and copy_file_range.
 *
 * The kernel's VFS has no fallocate, so only what can be done honestly
 * with writes is offered: mode 0 allocates by writing zeros into every
 * hole of the range (found with SEEK_HOLE/SEEK_DATA) and past the end
 * of the file, which then grows; blocks already written are left as
 * they are.  FALLOC_FL_KEEP_SIZE, PUNCH_HOLE and the other modes cannot
 * be done without the driver and fail with EOPNOTSUPP.
 *
 * copy_file_range copies inside the image's kernel (pread and pwrite
 * on the two descriptors), saving the round trips through the host
 * that its fallback (a read and a write request per chunk) would make.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

#define AKF_CHUNK	(128 * 1024)

/* Zeros over [off, end) of fd; 0 or errno. */
static int
akf_zero(int fd, off_t off, off_t end, const char *zeros)
{
	size_t n;
	ssize_t w;

	while (off < end) {
		n = end - off < AKF_CHUNK ? (size_t)(end - off) : AKF_CHUNK;
		if ((w = ak_sys_pwrite(fd, zeros, n, off)) < 0)
			return errno;
		if (w == 0)
			return EIO;
		off += w;
	}
	return 0;
}

/* Write zeros into each hole of [off, end) and past the size; errno. */
static int
akf_alloc(int fd, off_t off, off_t end)
{
	struct stat st;
	off_t hole, data, stop;
	char *zeros;
	int err = 0;

	if (ak_sys_fstat(fd, &st) != 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return ENODEV;
	if ((zeros = calloc(1, AKF_CHUNK)) == NULL)
		return ENOMEM;
	stop = end < st.st_size ? end : st.st_size;
	while (err == 0 && off < stop) {
		if ((hole = ak_sys_lseek(fd, off, SEEK_HOLE)) < 0) {
			err = errno;
			break;
		}
		if (hole >= stop)
			break;
		data = ak_sys_lseek(fd, hole, SEEK_DATA);
		if (data < 0 || data > stop)
			data = stop;	/* ENXIO: a hole up to the end */
		err = akf_zero(fd, hole, data, zeros);
		off = data;
	}
	if (err == 0 && end > st.st_size)
		err = akf_zero(fd, st.st_size, end, zeros);
	free(zeros);
	return err;
}

static void
akf_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
    off_t len, struct fuse_file_info *fi)
{
	int err;

	if (mode != 0)
		err = EOPNOTSUPP;
	else if (off < 0 || len <= 0)
		err = EINVAL;
	else if (off > INT64_MAX - len)
		err = EFBIG;
	else
		err = akf_alloc((int)fi->fh, off, off + len);
	fuse_reply_err(req, err);
}

static void
akf_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
    struct fuse_file_info *fi_in, fuse_ino_t ino_out, off_t off_out,
    struct fuse_file_info *fi_out, size_t len, int flags)
{
	size_t done = 0, n;
	ssize_t r, w;
	char *buf;
	int err = 0;

	if (flags != 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if ((buf = malloc(AKF_CHUNK)) == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	while (done < len) {
		n = len - done < AKF_CHUNK ? len - done : AKF_CHUNK;
		if ((r = ak_sys_pread((int)fi_in->fh, buf, n, off_in)) <= 0) {
			err = r < 0 ? errno : 0;
			break;		/* 0: end of the source */
		}
		if ((w = ak_sys_pwrite((int)fi_out->fh, buf, (size_t)r,
		    off_out)) < 0) {
			err = errno;
			break;
		}
		done += (size_t)w;
		off_in += w;
		off_out += w;
		if (w < r)
			break;
	}
	free(buf);
	/* Bytes already copied are reported; the error only at the start. */
	if (done == 0 && err != 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_write(req, done);
}

void
akf_ops_alloc(struct fuse_lowlevel_ops *ops)
{
	ops->fallocate = akf_fallocate;
	ops->copy_file_range = akf_copy_file_range;
}
