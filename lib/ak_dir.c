/*
 * ak_dir.c: reading directories: ak_sys_getdents, and the opendir family
 * on top of it.
 *
 * ak_sys_getdents hands the caller's buffer to the kernel and converts
 * the kdirent records in place (ak_dirent.c explains why they fit).  The
 * kernel stores its records through 8-byte aligned pointers, so a
 * misaligned caller buffer goes through an aligned bounce buffer instead.
 *
 * An AK_DIR owns its kernel descriptor and a buffer of converted
 * records; readdir returns pointers into that buffer, valid until the
 * next readdir, rewinddir or closedir on the same stream.  A mutex per
 * stream keeps the stream consistent when threads share it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ak_impl.h"

#define AK_DIRBUF	32768	/* bytes of records read at a time */

struct ak_dir {
	pthread_mutex_t	 dd_lock;	/* serialises use of the stream */
	int		 dd_fd;		/* kernel descriptor, ours to close */
	size_t		 dd_pos;	/* offset of the next record */
	size_t		 dd_len;	/* bytes of records in dd_buf */
	_Alignas(8) char dd_buf[AK_DIRBUF]; /* ak_dirent records */
};

ssize_t
ak_sys_getdents(int fd, void *buf, size_t len)
{
	void *kbuf = buf;
	size_t done = 0, abytes = 0;
	int error;

	len = ak_clamp(len);
	if ((uintptr_t)buf % 8 != 0 && len > 0) {
		if ((kbuf = malloc(len)) == NULL)
			return ak_fail(ENOMEM);
	}
	if ((error = sys_getdents(fd, kbuf, len, &done)) != 0) {
		error = ak_errno_k2h(error);
		goto out_free;
	}
	if (done > len || (error = ak_dirents_k2h(kbuf, done, &abytes)) != 0) {
		error = EIO;
		goto out_free;
	}
	if (kbuf != buf)
		memcpy(buf, kbuf, abytes);
out_free:
	if (kbuf != buf)
		free(kbuf);
	if (error != 0)
		return ak_fail(error);
	return (ssize_t)abytes;
}

/* Wrap fd, a directory, in a stream; fd is not closed on failure. */
AK_DIR *
ak_sys_fdopendir(int fd)
{
	struct vattr va;
	AK_DIR *dir;
	int error;

	if ((error = sys_fstat(fd, &va)) != 0) {
		errno = ak_errno_k2h(error);
		return NULL;
	}
	if (va.va_type != VDIR) {
		errno = ENOTDIR;
		return NULL;
	}
	if ((dir = malloc(sizeof(*dir))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if ((error = pthread_mutex_init(&dir->dd_lock, NULL)) != 0) {
		free(dir);
		errno = error;
		return NULL;
	}
	dir->dd_fd = fd;
	dir->dd_pos = dir->dd_len = 0;
	return dir;
}

AK_DIR *
ak_sys_opendir(const char *path)
{
	AK_DIR *dir;
	int fd, saved;

	fd = ak_sys_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if ((dir = ak_sys_fdopendir(fd)) == NULL) {
		saved = errno;
		(void)sys_close(fd);
		errno = saved;
	}
	return dir;
}

/*
 * The next entry, or NULL at the end (errno untouched) or on error
 * (errno set), as readdir(3).
 */
struct ak_dirent *
ak_sys_readdir(AK_DIR *dir)
{
	struct ak_dirent *d = NULL;
	ssize_t n;

	pthread_mutex_lock(&dir->dd_lock);
	if (dir->dd_pos >= dir->dd_len) {
		n = ak_sys_getdents(dir->dd_fd, dir->dd_buf,
		    sizeof(dir->dd_buf));
		if (n <= 0)
			goto out_unlock;
		dir->dd_pos = 0;
		dir->dd_len = (size_t)n;
	}
	d = (struct ak_dirent *)(dir->dd_buf + dir->dd_pos);
	dir->dd_pos += d->d_reclen;
out_unlock:
	pthread_mutex_unlock(&dir->dd_lock);
	return d;
}

/* Start again from the first entry; like rewinddir(3), cannot fail. */
void
ak_sys_rewinddir(AK_DIR *dir)
{
	int64_t res;

	pthread_mutex_lock(&dir->dd_lock);
	(void)sys_lseek(dir->dd_fd, 0, K_SEEK_SET, &res);
	dir->dd_pos = dir->dd_len = 0;
	pthread_mutex_unlock(&dir->dd_lock);
}

/* Close the stream and its descriptor; the stream is gone even on error. */
int
ak_sys_closedir(AK_DIR *dir)
{
	int error;

	error = sys_close(dir->dd_fd);
	pthread_mutex_destroy(&dir->dd_lock);
	free(dir);
	return ak_ret(error);
}
