/*
 * vfs_syscalls_proc.c: per-process namespace state (chdir, chroot,
 * getcwd, umask) and mount, unmount, sync.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/kapi.h>
#include "vfs/vfs_internal.h"

/* Make vp (held; consumed) the cwd or root of the current process. */
static int
proc_setdir(struct vnode *vp, bool root)
{
	struct proc *p = curlwp()->l_proc;
	struct vnode *old;
	int error;

	if (vp->v_type != VDIR) {
		vrele(vp);
		return ENOTDIR;
	}
	vn_lock(vp, RW_READER);
	error = vn_access(vp, VEXEC, kauth_cred_get());
	vn_unlock(vp);
	if (error != 0) {
		vrele(vp);
		return error;
	}
	mutex_enter(&p->p_lock);
	if (root) {
		old = p->p_root;
		p->p_root = vp;
	} else {
		old = p->p_cwd;
		p->p_cwd = vp;
	}
	mutex_exit(&p->p_lock);
	vrele(old);
	return 0;
}

int
sys_chdir(const char *path)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if ((error = namei_simple(KAPI_AT_FDCWD, path, NI_FOLLOW, &vp)) != 0)
		return error;
	return proc_setdir(vp, false);
}

int
sys_fchdir(int fd)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getvnode(fd, &fp)) != 0)
		return error;
	vref(fp->f_vp);
	error = proc_setdir(fp->f_vp, false);
	fd_putfile(fp);
	return error;
}

int
sys_chroot(const char *path)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if (!cred_is_root(kauth_cred_get()))
		return EPERM;
	if ((error = namei_simple(KAPI_AT_FDCWD, path, NI_FOLLOW, &vp)) != 0)
		return error;
	return proc_setdir(vp, true);
}

int
sys_umask(uint32_t mask, uint32_t *old)
{
	struct proc *p;

	SYSCALL_ENTER();
	p = curlwp()->l_proc;
	mutex_enter(&p->p_lock);
	*old = p->p_umask;
	p->p_umask = mask & ACCESSPERMS;
	mutex_exit(&p->p_lock);
	return 0;
}

/*
 * Find the name of directory vp in its parent pvp by scanning pvp for
 * vp's inode number.  Writes it at the end of the path being built
 * backwards in buf (*posp moves left).
 */
static int
getcwd_name(struct vnode *pvp, uint64_t ino, char *buf, size_t *posp)
{
	const size_t dlen = 8192;
	struct kdirent *d;
	struct kiovec iov;
	struct uio uio;
	char *dbuf;
	size_t off;
	int error, eof = 0;
	int64_t cookie = 0;

	if ((dbuf = kmem_alloc(dlen)) == NULL)
		return ENOMEM;
	error = ENOENT;
	vn_lock(pvp, RW_READER);
	while (!eof) {
		uio_setup(&uio, &iov, dbuf, dlen, cookie, UIO_READ);
		if ((error = VOP_READDIR(pvp, &uio, &eof)) != 0)
			break;
		error = ENOENT;
		if (uio.uio_resid == dlen)
			break;
		cookie = uio.uio_offset;
		for (off = 0; off < dlen - uio.uio_resid; off += d->d_reclen) {
			d = (struct kdirent *)(void *)(dbuf + off);
			if (d->d_fileno != ino || (d->d_name[0] == '.' &&
			    (d->d_namlen == 1 || (d->d_namlen == 2 &&
			    d->d_name[1] == '.'))))
				continue;
			if ((size_t)d->d_namlen + 1 > *posp) {
				error = ERANGE;
				goto out;
			}
			*posp -= d->d_namlen;
			memcpy(buf + *posp, d->d_name, d->d_namlen);
			buf[--*posp] = '/';
			error = 0;
			goto out;
		}
	}
out:
	vn_unlock(pvp);
	kmem_free(dbuf, dlen);
	return error;
}

/* One step up from vp (held; consumed): its parent, held, and its name. */
static int
getcwd_up(struct vnode **vpp, char *buf, size_t *posp)
{
	struct componentname cn = { "..", 2, kcred_root };
	struct vnode *vp = *vpp, *pvp;
	struct vattr va;
	int error;

	vn_lock(vp, RW_READER);
	if ((error = VOP_GETATTR(vp, &va)) == 0)
		error = VOP_LOOKUP(vp, &cn, &pvp);
	vn_unlock(vp);
	if (error == 0 && pvp == vp)
		error = ENOENT;		/* an unmounted root: cannot happen */
	if (error == 0) {
		error = getcwd_name(pvp, va.va_fileid, buf, posp);
		vrele(vp);
		*vpp = pvp;
	}
	return error;
}

int
sys_getcwd(char *buf, size_t len)
{
	struct proc *p;
	struct vnode *vp, *root, *cov;
	char *tmp;
	size_t pos = PATH_MAX;
	int error = 0;

	SYSCALL_ENTER();
	if ((tmp = kmem_alloc(PATH_MAX)) == NULL)
		return ENOMEM;
	p = curlwp()->l_proc;
	mutex_enter(&p->p_lock);
	vp = p->p_cwd;
	root = p->p_root;
	vref(vp);
	vref(root);
	mutex_exit(&p->p_lock);
	tmp[--pos] = '\0';
	while (vp != root && error == 0) {
		if (vp == vp->v_mount->mnt_rootvp &&
		    (cov = vp->v_mount->mnt_vnodecovered) != NULL) {
			vref(cov);
			vrele(vp);
			vp = cov;
			continue;
		}
		if (vp == vp->v_mount->mnt_rootvp)
			break;		/* cwd outside the process root */
		error = getcwd_up(&vp, tmp, &pos);
	}
	vrele(vp);
	vrele(root);
	if (error == 0 && pos == PATH_MAX - 1)
		tmp[--pos] = '/';
	if (error == 0 && PATH_MAX - pos > len)
		error = ERANGE;
	if (error == 0)
		memcpy(buf, tmp + pos, PATH_MAX - pos);
	kmem_free(tmp, PATH_MAX);
	return error;
}

int
sys_mount(const char *fstype, const char *dir, int flags, const char *source,
    const char *opts)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if (!cred_is_root(kauth_cred_get()))
		return EPERM;
	if (flags & ~(MNT_RDONLY | MNT_NOATIME | MNT_SYNCHRONOUS))
		return EINVAL;
	if ((error = namei_simple(KAPI_AT_FDCWD, dir, NI_FOLLOW, &vp)) != 0)
		return error;
	if (vp->v_type != VDIR) {
		vrele(vp);
		return ENOTDIR;
	}
	if ((error = vfs_do_mount(fstype, vp, dir, flags, source, opts)) != 0)
		vrele(vp);
	return error;
}

int
sys_unmount(const char *dir, int flags)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if (!cred_is_root(kauth_cred_get()))
		return EPERM;
	if (flags & ~MNT_FORCE)
		return EINVAL;
	if ((error = namei_simple(KAPI_AT_FDCWD, dir, NI_FOLLOW, &vp)) != 0)
		return error;
	if (vp != vp->v_mount->mnt_rootvp) {
		vrele(vp);
		return EINVAL;
	}
	return vfs_do_unmount(vp, flags);
}

int
sys_sync(void)
{
	SYSCALL_ENTER();
	return vfs_sync_all();
}
