/*
 * vfs_descrip.c: open files and descriptor tables.
 *
 * A descriptor table is an array of file pointers that grows by doubling
 * up to FD_MAX.  A file carries one reference for the table slot and one
 * per syscall using it; the last reference closes the vnode.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/file.h>
#include <sys/vnode.h>

#define FD_INITIAL	64

int
fd_init(struct filedesc **fdpp)
{
	struct filedesc *fdp;
	int error;

	if ((fdp = kmem_zalloc(sizeof(*fdp))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&fdp->fd_lock)) != 0)
		goto out_free;
	fdp->fd_files = kmem_zalloc(FD_INITIAL * sizeof(struct file *));
	if (fdp->fd_files == NULL) {
		error = ENOMEM;
		goto out_mutex;
	}
	fdp->fd_nfiles = FD_INITIAL;
	*fdpp = fdp;
	return 0;

out_mutex:
	mutex_destroy(&fdp->fd_lock);
out_free:
	kmem_free(fdp, sizeof(*fdp));
	return error;
}

void
fd_free(struct filedesc *fdp)
{
	int i;

	for (i = 0; i < fdp->fd_nfiles; i++)
		if (fdp->fd_files[i] != NULL)
			fd_putfile(fdp->fd_files[i]);
	kmem_free(fdp->fd_files, fdp->fd_nfiles * sizeof(struct file *));
	mutex_destroy(&fdp->fd_lock);
	kmem_free(fdp, sizeof(*fdp));
}

/* Double the table; called and returns with fd_lock held. */
static int
fd_grow(struct filedesc *fdp)
{
	struct file **nf;
	int n = fdp->fd_nfiles * 2;

	if (fdp->fd_nfiles >= FD_MAX)
		return EMFILE;
	if ((nf = kmem_zalloc(n * sizeof(*nf))) == NULL)
		return ENOMEM;
	memcpy(nf, fdp->fd_files, fdp->fd_nfiles * sizeof(*nf));
	kmem_free(fdp->fd_files, fdp->fd_nfiles * sizeof(*nf));
	fdp->fd_files = nf;
	fdp->fd_nfiles = n;
	return 0;
}

int
fd_alloc(struct filedesc *fdp, struct file *fp, int *fdnum)
{
	int i, error;

	mutex_enter(&fdp->fd_lock);
	for (;;) {
		for (i = fdp->fd_freehint; i < fdp->fd_nfiles; i++)
			if (fdp->fd_files[i] == NULL)
				break;
		if (i < fdp->fd_nfiles)
			break;
		if ((error = fd_grow(fdp)) != 0) {
			mutex_exit(&fdp->fd_lock);
			return error;
		}
	}
	fdp->fd_files[i] = fp;
	fdp->fd_freehint = i + 1;
	mutex_exit(&fdp->fd_lock);
	*fdnum = i;
	return 0;
}

int
fd_getfile(struct filedesc *fdp, int fd, struct file **fpp)
{
	struct file *fp;

	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles ||
	    (fp = fdp->fd_files[fd]) == NULL) {
		mutex_exit(&fdp->fd_lock);
		return EBADF;
	}
	atomic_inc_32(&fp->f_count);
	mutex_exit(&fdp->fd_lock);
	*fpp = fp;
	return 0;
}

void
fd_putfile(struct file *fp)
{
	if (atomic_dec_32(&fp->f_count) != 0)
		return;
	vrele(fp->f_vp);
	mutex_destroy(&fp->f_lock);
	kmem_free(fp, sizeof(*fp));
}

int
fd_close(struct filedesc *fdp, int fd)
{
	struct file *fp;

	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles ||
	    (fp = fdp->fd_files[fd]) == NULL) {
		mutex_exit(&fdp->fd_lock);
		return EBADF;
	}
	fdp->fd_files[fd] = NULL;
	if (fd < fdp->fd_freehint)
		fdp->fd_freehint = fd;
	mutex_exit(&fdp->fd_lock);
	fd_putfile(fp);
	return 0;
}

int
file_alloc(struct vnode *vp, int flag, struct file **fpp)
{
	struct file *fp;
	int error;

	if ((fp = kmem_zalloc(sizeof(*fp))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&fp->f_lock)) != 0) {
		kmem_free(fp, sizeof(*fp));
		return error;
	}
	fp->f_count = 1;
	fp->f_vp = vp;
	fp->f_flag = flag;
	*fpp = fp;
	return 0;
}
