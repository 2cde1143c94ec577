/*
 * sys/file.h: open files and per-process descriptor tables.
 *
 * Locks protecting fields:
 *	f = f_lock (serialises offset updates of read/write/lseek/getdents)
 *	d = fd_lock
 *	a = atomic, I = immutable
 * Lock order: f_lock before any vnode lock.
 */
#ifndef _SYS_FILE_H_
#define _SYS_FILE_H_

#include <sys/param.h>
#include <sys/mutex.h>

struct vnode;

struct file {
	struct kmutex	 f_lock;	/* offset lock */
	uint32_t	 f_count;	/* [a] references (table + users) */
	struct vnode	*f_vp;		/* [I] the file (held) */
	int		 f_flag;	/* [I] O_ACCMODE | O_APPEND | ... */
	int64_t		 f_offset;	/* [f] current offset */
};

#define FD_MAX		65536		/* descriptors per process */

struct filedesc {
	struct kmutex	 fd_lock;	/* protects the table */
	struct file	**fd_files;	/* [d] open files by number */
	int		 fd_nfiles;	/* [d] size of fd_files */
	int		 fd_freehint;	/* [d] no free slot below this */
};

int	fd_init(struct filedesc **fdpp);
void	fd_free(struct filedesc *fdp);
/* Install fp (its reference moves to the table) at the lowest free fd. */
int	fd_alloc(struct filedesc *fdp, struct file *fp, int *fdnum);
/* Look up fd and return fp with a new reference (fd_putfile). */
int	fd_getfile(struct filedesc *fdp, int fd, struct file **fpp);
void	fd_putfile(struct file *fp);
int	fd_close(struct filedesc *fdp, int fd);

/* Make a file for vp (takes over the caller's reference on vp). */
int	file_alloc(struct vnode *vp, int flag, struct file **fpp);

#endif /* !_SYS_FILE_H_ */
