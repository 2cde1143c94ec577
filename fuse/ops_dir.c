/*
 * ops_dir.c: opendir, readdir, readdirplus, releasedir and fsyncdir.
 *
 * A directory handle keeps the kernel descriptor and a snapshot of the
 * entries, read whole when the host asks for offset 0 (opendir or
 * rewinddir).  The FUSE offset of entry i is i + 1, so a reader that
 * stops half way and comes back with the offset it was given resumes at
 * the right entry whatever the driver's own cookies look like.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

#define AKF_DENTBUF	32768

struct akf_dent {
	uint64_t	 de_ino;
	unsigned char	 de_type;
	char		*de_name;
};

struct akf_dir {
	pthread_mutex_t	 d_lock;
	int		 d_fd;		/* kernel descriptor */
	size_t		 d_n, d_cap;
	struct akf_dent	*d_ents;
};

static void
akf_dir_clear(struct akf_dir *d)
{
	size_t i;

	for (i = 0; i < d->d_n; i++)
		free(d->d_ents[i].de_name);
	d->d_n = 0;
}

static int
akf_dir_add(struct akf_dir *d, const struct ak_dirent *de)
{
	struct akf_dent *ne;
	size_t cap;

	if (d->d_n == d->d_cap) {
		cap = d->d_cap ? d->d_cap * 2 : 64;
		if ((ne = realloc(d->d_ents, cap * sizeof(*ne))) == NULL)
			return ENOMEM;
		d->d_ents = ne;
		d->d_cap = cap;
	}
	ne = &d->d_ents[d->d_n];
	if ((ne->de_name = strdup(de->d_name)) == NULL)
		return ENOMEM;
	ne->de_ino = de->d_ino;
	ne->de_type = de->d_type;
	d->d_n++;
	return 0;
}

/* Read the whole directory again from its start; 0 or errno. */
static int
akf_dir_load(struct akf_dir *d)
{
	_Alignas(8) char buf[AKF_DENTBUF];
	struct ak_dirent *de;
	ssize_t n, at;
	int err;

	akf_dir_clear(d);
	if (d->d_fd < 0)
		return 0;	/* a removed directory: empty */
	if (ak_sys_lseek(d->d_fd, 0, SEEK_SET) < 0)
		return errno;
	for (;;) {
		if ((n = ak_sys_getdents(d->d_fd, buf, sizeof(buf))) < 0)
			return errno;
		if (n == 0)
			return 0;
		for (at = 0; at < n; at += de->d_reclen) {
			de = (struct ak_dirent *)(buf + at);
			if (de->d_reclen == 0)
				return EIO;
			if ((err = akf_dir_add(d, de)) != 0)
				return err;
		}
	}
}

static void
akf_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct akf_dir *d;
	struct akf_at at;
	int err, fd = -1, gone = 0;

	akf_cred(req);
	akf_ns_rdlock();
	if ((err = akf_at(ino, NULL, &at)) != 0)
		gone = 1;
	else if ((fd = ak_sys_openat(at.fd, at.name, O_RDONLY |
	    O_DIRECTORY)) < 0)
		err = errno;
	akf_ns_unlock();
	/*
	 * No name any more (removed, perhaps the caller's cwd): an open
	 * descriptor still reaches it, and if none is left it was empty
	 * when removed, so it lists as empty (d_fd -1), as on the host.
	 */
	if (gone && (fd = akf_node_fd_dup(ino)) < 0)
		err = 0;
	if (fd < 0 && err != 0) {
		fuse_reply_err(req, err);
		return;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		if (fd >= 0)
			(void)ak_sys_close(fd);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_init(&d->d_lock, NULL);
	d->d_fd = fd;
	fi->fh = (uint64_t)(uintptr_t)d;
	/* getattr of a directory whose name is gone goes through it. */
	if (fd >= 0)
		akf_node_fd_add(ino, fd);
	if (fuse_reply_open(req, fi) != 0) {
		if (fd >= 0) {
			akf_node_fd_del(ino, fd);
			(void)ak_sys_close(fd);
		}
		free(d);
	}
}

static int
akf_is_dot(const char *name)
{
	return name[0] == '.' && (name[1] == '\0' ||
	    (name[1] == '.' && name[2] == '\0'));
}

/*
 * Add entry i to buf at *used; returns 0 when it did not fit.  For
 * readdirplus each name but . and .. is looked up (one more lookup on
 * its node, which the host then owns).
 */
static int
akf_dir_put(fuse_req_t req, fuse_ino_t ino, const struct akf_dent *de,
    size_t i, int plus, char *buf, size_t size, size_t *used)
{
	struct fuse_entry_param e;
	struct akf_at at;
	size_t len;

	memset(&e, 0, sizeof(e));
	e.attr.st_ino = de->de_ino;
	e.attr.st_mode = (mode_t)de->de_type << 12;
	if (!plus) {
		len = fuse_add_direntry(req, buf + *used, size - *used,
		    de->de_name, &e.attr, (off_t)(i + 1));
		if (len > size - *used)
			return 0;
		*used += len;
		return 1;
	}
	if (!akf_is_dot(de->de_name) &&
	    akf_at(ino, de->de_name, &at) == 0 &&
	    akf_make_entry(ino, de->de_name, &at, &e) != 0) {
		/* Gone since the snapshot: list it without attributes. */
		memset(&e, 0, sizeof(e));
		e.attr.st_ino = de->de_ino;
		e.attr.st_mode = (mode_t)de->de_type << 12;
	}
	len = fuse_add_direntry_plus(req, buf + *used, size - *used,
	    de->de_name, &e, (off_t)(i + 1));
	if (len > size - *used) {
		if (e.ino != 0)
			akf_node_forget(e.ino, 1);
		return 0;
	}
	*used += len;
	return 1;
}

static void
akf_readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi, int plus)
{
	struct akf_dir *d = (struct akf_dir *)(uintptr_t)fi->fh;
	size_t i, used = 0;
	char *buf;
	int err = 0;

	akf_cred(req);
	if ((buf = malloc(size > 0 ? size : 1)) == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&d->d_lock);
	if (off == 0)
		err = akf_dir_load(d);
	if (plus)
		akf_ns_rdlock();
	for (i = (size_t)off; err == 0 && i < d->d_n; i++)
		if (!akf_dir_put(req, ino, &d->d_ents[i], i, plus, buf, size,
		    &used))
			break;
	if (plus)
		akf_ns_unlock();
	pthread_mutex_unlock(&d->d_lock);
	if (err != 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

static void
akf_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	akf_readdir_common(req, ino, size, off, fi, 0);
}

static void
akf_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	akf_readdir_common(req, ino, size, off, fi, 1);
}

static void
akf_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct akf_dir *d = (struct akf_dir *)(uintptr_t)fi->fh;

	if (d->d_fd >= 0) {
		akf_node_fd_del(ino, d->d_fd);
		(void)ak_sys_close(d->d_fd);
	}
	akf_dir_clear(d);
	free(d->d_ents);
	pthread_mutex_destroy(&d->d_lock);
	free(d);
	fuse_reply_err(req, 0);
}

static void
akf_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
    struct fuse_file_info *fi)
{
	struct akf_dir *d = (struct akf_dir *)(uintptr_t)fi->fh;

	fuse_reply_err(req, d->d_fd >= 0 && ak_sys_fsync(d->d_fd) != 0 ?
	    errno : 0);
}

void
akf_ops_dir(struct fuse_lowlevel_ops *ops)
{
	ops->opendir = akf_opendir;
	ops->readdir = akf_readdir;
	ops->readdirplus = akf_readdirplus;
	ops->releasedir = akf_releasedir;
	ops->fsyncdir = akf_fsyncdir;
}
