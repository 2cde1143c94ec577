/*
 * vfs_syscalls_file.c: system calls on open files: open, close, read,
 * write, lseek, truncate, fsync, fstat, getdents, dup.
 */
#include <sys/systm.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/kapi.h>
#include "vfs/vfs_internal.h"

#define IO_MAX	((size_t)1 << 40)	/* largest single transfer */

static struct filedesc *
curfd(void)
{
	return curlwp()->l_proc->p_fd;
}

int
fd_getvnode(int fd, struct file **fpp)
{
	return fd_getfile(curfd(), fd, fpp);
}

/* Mode and owner of a new file in directory dva, as Linux sets them. */
void	vn_newattr(struct vattr *va, const struct vattr *dva, enum vtype type,
	    uint32_t mode, const struct kcred *cr);
void
vn_newattr(struct vattr *va, const struct vattr *dva, enum vtype type,
    uint32_t mode, const struct kcred *cr)
{
	uint32_t umask = curlwp()->l_proc->p_umask;

	memset(va, 0, sizeof(*va));
	va->va_type = type;
	va->va_mode = mode & ~umask & ALLPERMS;
	va->va_uid = cr->cr_uid;
	va->va_gid = cr->cr_gid;
	if (dva->va_mode & S_ISGID) {
		va->va_gid = dva->va_gid;
		if (type == VDIR)
			va->va_mode |= S_ISGID;
	}
}

/*
 * Create a regular file for open(O_CREAT): dvp is held, unlocked.  On
 * success *vpp is the file (held) and *created says whether it is new.
 */
static int
open_create(struct nameidata *nd, int flags, uint32_t mode,
    struct vnode **vpp, bool *created)
{
	struct vnode *dvp = nd->ni_dvp;
	struct kcred *cr = kauth_cred_get();
	struct componentname cn = { nd->ni_name, nd->ni_namelen, cr };
	struct vattr dva, va;
	int error;

	*created = false;
	if (nd->ni_flags & (NI_DOTS | NI_TRAILSLASH))
		return EISDIR;
	vn_lock(dvp, RW_WRITER);
	error = VOP_LOOKUP(dvp, &cn, vpp);
	if (error == 0) {
		vn_unlock(dvp);
		return (flags & O_EXCL) ? (vrele(*vpp), EEXIST) : 0;
	}
	if (error != ENOENT)
		goto out;
	if ((error = vn_rdonly(dvp)) != 0 ||
	    (error = VOP_GETATTR(dvp, &dva)) != 0 ||
	    (error = vaccess(&dva, VWRITE | VEXEC, cr)) != 0)
		goto out;
	vn_newattr(&va, &dva, VREG, mode, cr);
	if ((error = VOP_CREATE(dvp, &cn, &va, vpp)) == 0)
		*created = true;
out:
	vn_unlock(dvp);
	return error;
}

/* Resolve the file to open, creating it if asked. */
static int
open_lookup(int dirfd, const char *path, int flags, uint32_t mode,
    struct vnode **vpp, bool *created)
{
	struct nameidata nd;
	int error;

	*created = false;
	nd.ni_dirfd = dirfd;
	nd.ni_path = path;
	nd.ni_flags = NI_PARENT;
	/* O_EXCL never follows: an existing symlink is EEXIST. */
	if ((flags & (O_EXCL | O_NOFOLLOW)) == 0)
		nd.ni_flags |= NI_FOLLOW;
	if (flags & O_CREAT) {
		if ((error = namei(&nd)) != 0)
			return error;
		error = open_create(&nd, flags, mode, vpp, created);
		nameidone(&nd);
		if (error != 0 || *created || (*vpp)->v_type != VLNK ||
		    (flags & O_NOFOLLOW))
			return error;
		/* An existing symlink: open what it points to. */
		vrele(*vpp);
	}
	nd.ni_flags = (flags & O_NOFOLLOW) ? 0 : NI_FOLLOW;
	if ((error = namei(&nd)) != 0)
		return error;
	*vpp = nd.ni_vp;
	return 0;
}

/* Check that vp (locked) may be opened as flags ask; truncate. */
static int
open_check(struct vnode *vp, int flags, bool created)
{
	struct kcred *cr = kauth_cred_get();
	int acc = flags & O_ACCMODE, want = 0, error;
	struct vattr va;

	/* O_NOFOLLOW met a symlink; Linux prefers ENOTDIR if O_DIRECTORY. */
	if (vp->v_type == VLNK)
		return (flags & O_DIRECTORY) ? ENOTDIR : ELOOP;
	if ((flags & O_DIRECTORY) && vp->v_type != VDIR)
		return ENOTDIR;
	if (vp->v_type == VDIR && (acc != O_RDONLY || (flags & O_TRUNC)))
		return EISDIR;
	if (vp->v_type != VREG && vp->v_type != VDIR)
		return ENXIO;	/* no device or fifo drivers here */
	if (acc != O_WRONLY)
		want |= VREAD;
	if (acc != O_RDONLY || (flags & O_TRUNC))
		want |= VWRITE;
	if ((want & VWRITE) && (error = vn_rdonly(vp)) != 0)
		return error;
	if (!created && (error = vn_access(vp, want, cr)) != 0)
		return error;
	/* Even O_RDONLY | O_TRUNC truncates (with write permission). */
	if ((flags & O_TRUNC) && !created) {
		memset(&va, 0, sizeof(va));
		va.va_mask = VA_SIZE;
		va.va_size = 0;
		return VOP_SETATTR(vp, &va);
	}
	return 0;
}

int
sys_openat(int dirfd, const char *path, int flags, uint32_t mode, int *fdp)
{
	struct vnode *vp;
	struct file *fp;
	bool created;
	int error;

	SYSCALL_ENTER();
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return EINVAL;
	if ((error = open_lookup(dirfd, path, flags, mode, &vp, &created)))
		return error;
	vn_lock(vp, (flags & O_TRUNC) ? RW_WRITER : RW_READER);
	error = open_check(vp, flags, created);
	vn_unlock(vp);
	if (error != 0)
		goto out_vrele;
	if ((error = file_alloc(vp, flags, &fp)) != 0)
		goto out_vrele;
	if ((error = fd_alloc(curfd(), fp, fdp)) != 0)
		fd_putfile(fp);		/* releases vp too */
	return error;

out_vrele:
	vrele(vp);
	return error;
}

int
sys_close(int fd)
{
	SYSCALL_ENTER();
	return fd_close(curfd(), fd);
}

int
sys_dup(int fd, int *newfd)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getfile(curfd(), fd, &fp)) != 0)
		return error;
	if ((error = fd_alloc(curfd(), fp, newfd)) != 0)
		fd_putfile(fp);
	return error;
}

/*
 * Read or write through fp at off, or at (and advancing) the file offset
 * when off < 0.  A transfer cut short by an error after moving some
 * data reports the data, like a Unix kernel.
 */
static int
dofileio(struct file *fp, void *buf, size_t len, int64_t off, enum uio_rw rw,
    size_t *done)
{
	struct vnode *vp = fp->f_vp;
	bool useoff = off < 0;
	struct kiovec iov;
	struct uio uio;
	int error, acc = fp->f_flag & O_ACCMODE;

	if (rw == UIO_READ ? acc == O_WRONLY : acc == O_RDONLY)
		return EBADF;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (len > IO_MAX)
		len = IO_MAX;
	if (useoff) {
		mutex_enter(&fp->f_lock);
		off = fp->f_offset;
	}
	uio_setup(&uio, &iov, buf, len, off, rw);
	if (rw == UIO_READ) {
		vn_lock(vp, RW_READER);
		error = VOP_READ(vp, &uio, 0);
	} else {
		vn_lock(vp, RW_WRITER);
		error = VOP_WRITE(vp, &uio,
		    ((fp->f_flag & O_APPEND) ? IO_APPEND : 0) |
		    ((fp->f_flag & (O_SYNC | O_DSYNC)) ? IO_SYNC : 0));
	}
	vn_unlock(vp);
	*done = len - uio.uio_resid;
	if (useoff) {
		fp->f_offset = uio.uio_offset;
		mutex_exit(&fp->f_lock);
	}
	return *done > 0 ? 0 : error;
}

static int
sys_rw(int fd, void *buf, size_t len, int64_t off, enum uio_rw rw,
    size_t *done)
{
	struct file *fp;
	int error;

	*done = 0;
	if ((error = fd_getfile(curfd(), fd, &fp)) != 0)
		return error;
	error = dofileio(fp, buf, len, off, rw, done);
	fd_putfile(fp);
	return error;
}

int
sys_read(int fd, void *buf, size_t len, size_t *done)
{
	SYSCALL_ENTER();
	return sys_rw(fd, buf, len, -1, UIO_READ, done);
}

int
sys_write(int fd, const void *buf, size_t len, size_t *done)
{
	SYSCALL_ENTER();
	return sys_rw(fd, (void *)(uintptr_t)buf, len, -1, UIO_WRITE, done);
}

int
sys_pread(int fd, void *buf, size_t len, int64_t off, size_t *done)
{
	SYSCALL_ENTER();
	if (off < 0)
		return EINVAL;
	return sys_rw(fd, buf, len, off, UIO_READ, done);
}

int
sys_pwrite(int fd, const void *buf, size_t len, int64_t off, size_t *done)
{
	SYSCALL_ENTER();
	if (off < 0)
		return EINVAL;
	return sys_rw(fd, (void *)(uintptr_t)buf, len, off, UIO_WRITE, done);
}

/* SEEK_DATA/SEEK_HOLE on vp (locked) of size size. */
static int
seek_data_hole(struct vnode *vp, int64_t off, int whence, int64_t size,
    int64_t *res)
{
	int error;

	if (vp->v_type != VREG)
		return EINVAL;
	if (off >= size)
		return ENXIO;
	error = VOP_SEEK(vp, off, whence, res);
	if (error != EOPNOTSUPP)
		return error;
	/* No hole information: the whole file is data. */
	*res = whence == SEEK_DATA ? off : size;
	return 0;
}

int
sys_lseek(int fd, int64_t off, int whence, int64_t *res)
{
	struct file *fp;
	struct vattr va;
	struct vnode *vp;
	int64_t base = 0, n;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getfile(curfd(), fd, &fp)) != 0)
		return error;
	vp = fp->f_vp;
	mutex_enter(&fp->f_lock);
	vn_lock(vp, RW_READER);
	error = VOP_GETATTR(vp, &va);
	if (error == 0) {
		switch (whence) {
		case SEEK_SET:
			break;
		case SEEK_CUR:
			base = fp->f_offset;
			break;
		case SEEK_END:
			base = va.va_size;
			break;
		case SEEK_DATA:
		case SEEK_HOLE:
			error = seek_data_hole(vp, off, whence, va.va_size,
			    &base);
			off = 0;
			break;
		default:
			error = EINVAL;
		}
	}
	vn_unlock(vp);
	if (error == 0) {
		if (__builtin_add_overflow(base, off, &n))
			error = EOVERFLOW;
		else if (n < 0)
			error = EINVAL;
		else
			*res = fp->f_offset = n;
	}
	mutex_exit(&fp->f_lock);
	fd_putfile(fp);
	return error;
}

/* Truncate or extend vp (held, unlocked) to len. */
int	vn_truncate(struct vnode *vp, int64_t len);
int
vn_truncate(struct vnode *vp, int64_t len)
{
	struct vattr va;
	int error;

	if (len < 0)
		return EINVAL;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if ((error = vn_rdonly(vp)) != 0)
		return error;
	memset(&va, 0, sizeof(va));
	va.va_mask = VA_SIZE;
	va.va_size = len;
	vn_lock(vp, RW_WRITER);
	error = VOP_SETATTR(vp, &va);
	vn_unlock(vp);
	return error;
}

int
sys_ftruncate(int fd, int64_t len)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getfile(curfd(), fd, &fp)) != 0)
		return error;
	if ((fp->f_flag & O_ACCMODE) == O_RDONLY)
		error = EINVAL;
	else
		error = vn_truncate(fp->f_vp, len);
	fd_putfile(fp);
	return error;
}

int
sys_fsync(int fd)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getfile(curfd(), fd, &fp)) != 0)
		return error;
	vn_lock(fp->f_vp, RW_WRITER);
	error = VOP_FSYNC(fp->f_vp, 0);
	vn_unlock(fp->f_vp);
	fd_putfile(fp);
	return error;
}

int
sys_fstat(int fd, struct vattr *va)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getfile(curfd(), fd, &fp)) != 0)
		return error;
	vn_lock(fp->f_vp, RW_READER);
	error = VOP_GETATTR(fp->f_vp, va);
	vn_unlock(fp->f_vp);
	fd_putfile(fp);
	return error;
}

int
sys_getdents(int fd, void *buf, size_t len, size_t *done)
{
	struct vattr va;
	struct kiovec iov;
	struct uio uio;
	struct file *fp;
	int error, eof = 0;

	SYSCALL_ENTER();
	*done = 0;
	if ((error = fd_getfile(curfd(), fd, &fp)) != 0)
		return error;
	if (fp->f_vp->v_type != VDIR) {
		fd_putfile(fp);
		return ENOTDIR;
	}
	mutex_enter(&fp->f_lock);
	uio_setup(&uio, &iov, buf, len, fp->f_offset, UIO_READ);
	vn_lock(fp->f_vp, RW_READER);
	/* A removed directory lists nothing, not even "." (Linux). */
	if ((error = VOP_GETATTR(fp->f_vp, &va)) == 0 && va.va_nlink == 0)
		eof = 1;
	else if (error == 0)
		error = VOP_READDIR(fp->f_vp, &uio, &eof);
	vn_unlock(fp->f_vp);
	*done = len - uio.uio_resid;
	fp->f_offset = uio.uio_offset;
	mutex_exit(&fp->f_lock);
	fd_putfile(fp);
	if (error == 0 && *done == 0 && !eof)
		error = EINVAL;		/* buffer too small for one entry */
	return error;
}
