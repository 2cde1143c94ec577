/*
 * ops_file.c: open files: open, create, read, write, release, fsync
 * and lseek.  The FUSE file handle is the kernel descriptor, and
 * reads and writes are positioned (pread, pwrite), so threads serving
 * one file never disturb each other's offsets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

/*
 * The open flags that mean something to the image's kernel; the host
 * adds others (O_LARGEFILE, FMODE_EXEC bits) that it would refuse.
 */
#define AKF_OPEN_KEEP	(O_ACCMODE | O_APPEND | O_TRUNC | O_SYNC | \
			 O_DSYNC | O_NONBLOCK)

/*
 * May the host keep the pages it has cached for this file?  Nobody but
 * us changes the image (a read-write mount holds it exclusively), and
 * a file's hard links share its node (nodes.c), so yes.
 */
static int
akf_keep_cache(int fd)
{
	struct stat st;

	return ak_sys_fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

static void
akf_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct akf_at at;
	int err, fd;

	akf_cred(req);
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &at)) != 0) {
		fuse_reply_err(req, err);
	} else if ((fd = ak_sys_openat(at.fd, at.name,
	    fi->flags & AKF_OPEN_KEEP)) < 0) {
		fuse_reply_err(req, errno);
	} else {
		fi->fh = (uint64_t)fd;
		fi->keep_cache = akf_keep_cache(fd);
		akf_node_fd_add(ino, fd);
		if (fuse_reply_open(req, fi) != 0) {
			akf_node_fd_del(ino, fd);
			(void)ak_sys_close(fd);
		}
	}
	akf_ns_unlock();
}

static void
akf_create(fuse_req_t req, fuse_ino_t parent, const char *name,
    mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	struct akf_at at;
	int err, fd;

	akf_cred(req);
	akf_ns_rdlock();
	if ((err = akf_at(parent, name, &at)) != 0) {
		fuse_reply_err(req, err);
		goto out;
	}
	fd = ak_sys_openat(at.fd, at.name,
	    (fi->flags & (AKF_OPEN_KEEP | O_EXCL)) | O_CREAT, mode);
	if (fd < 0) {
		fuse_reply_err(req, errno);
		goto out;
	}
	if ((err = akf_make_entry(parent, name, &at, &e)) != 0) {
		(void)ak_sys_close(fd);
		fuse_reply_err(req, err);
		goto out;
	}
	fi->fh = (uint64_t)fd;
	akf_node_fd_add(e.ino, fd);
	if (fuse_reply_create(req, &e, fi) != 0) {
		akf_node_fd_del(e.ino, fd);
		(void)ak_sys_close(fd);
		akf_node_forget(e.ino, 1);
	}
out:
	akf_ns_unlock();
}

static void
akf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	ssize_t n;
	char *buf;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if ((n = ak_sys_pread((int)fi->fh, buf, size, off)) < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	free(buf);
}

static void
akf_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
    off_t off, struct fuse_file_info *fi)
{
	ssize_t n;

	if ((n = ak_sys_pwrite((int)fi->fh, buf, size, off)) < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_write(req, (size_t)n);
}

static void
akf_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	akf_node_fd_del(ino, (int)fi->fh);
	fuse_reply_err(req, ak_sys_close((int)fi->fh) != 0 ? errno : 0);
}

static void
akf_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
    struct fuse_file_info *fi)
{
	fuse_reply_err(req, ak_sys_fsync((int)fi->fh) != 0 ? errno : 0);
}

static void
akf_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
    struct fuse_file_info *fi)
{
	off_t r;

	if ((r = ak_sys_lseek((int)fi->fh, off, whence)) < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_lseek(req, r);
}

void
akf_ops_file(struct fuse_lowlevel_ops *ops)
{
	ops->open = akf_open;
	ops->create = akf_create;
	ops->read = akf_read;
	ops->write = akf_write;
	/*
	 * No flush: close(2) of a host descriptor needs nothing here (the
	 * data went with each write, locks are the host's), and without
	 * the operation the host stops sending FLUSH after the first
	 * ENOSYS: one request less per file closed.
	 */
	ops->release = akf_release;
	ops->fsync = akf_fsync;
	ops->lseek = akf_lseek;
}
