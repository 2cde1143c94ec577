/*
 * vfs_syscalls_attr.c: system calls that read or change attributes:
 * stat, chmod, chown, utimens, truncate, access, statvfs.
 */
#include <sys/systm.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/kapi.h>
#include "vfs/vfs_internal.h"

int	vn_truncate(struct vnode *vp, int64_t len);

/* Resolve path with the *at() flags: follow unless NOFOLLOW. */
static int
lookup_at(int dirfd, const char *path, int atflags, int allowed,
    struct vnode **vpp)
{
	if (atflags & ~allowed)
		return EINVAL;
	return namei_simple(dirfd, path,
	    ((atflags & AT_SYMLINK_NOFOLLOW) ? 0 : NI_FOLLOW) |
	    ((atflags & AT_EMPTY_PATH) ? NI_EMPTYPATH : 0), vpp);
}

int
sys_fstatat(int dirfd, const char *path, struct vattr *va, int atflags)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	error = lookup_at(dirfd, path, atflags,
	    AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &vp);
	if (error != 0)
		return error;
	vn_lock(vp, RW_READER);
	error = VOP_GETATTR(vp, va);
	vn_unlock(vp);
	vrele(vp);
	return error;
}

/* Change the mode of vp (held, unlocked) as chmod(2) does. */
static int
vn_chmod(struct vnode *vp, uint32_t mode)
{
	struct kcred *cr = kauth_cred_get();
	struct vattr va, nva;
	int error;

	if ((error = vn_rdonly(vp)) != 0)
		return error;
	vn_lock(vp, RW_WRITER);
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		goto out;
	if (!cred_is_root(cr) && cr->cr_uid != va.va_uid) {
		error = EPERM;
		goto out;
	}
	mode &= ALLPERMS;
	if (!cred_is_root(cr) && vp->v_type != VDIR &&
	    !kcred_groupmember(cr, va.va_gid))
		mode &= ~S_ISGID;
	memset(&nva, 0, sizeof(nva));
	nva.va_mask = VA_MODE;
	nva.va_mode = mode;
	error = VOP_SETATTR(vp, &nva);
out:
	vn_unlock(vp);
	return error;
}

/* Change owner and group of vp (held, unlocked) as chown(2) does. */
static int
vn_chown(struct vnode *vp, uint32_t uid, uint32_t gid)
{
	struct kcred *cr = kauth_cred_get();
	struct vattr va, nva;
	int error;

	if ((error = vn_rdonly(vp)) != 0)
		return error;
	vn_lock(vp, RW_WRITER);
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		goto out;
	if (uid == KAPI_NOCHANGE)
		uid = va.va_uid;
	if (gid == KAPI_NOCHANGE)
		gid = va.va_gid;
	if (!cred_is_root(cr) && (uid != va.va_uid ||
	    cr->cr_uid != va.va_uid ||
	    (gid != va.va_gid && !kcred_groupmember(cr, gid)))) {
		error = EPERM;
		goto out;
	}
	memset(&nva, 0, sizeof(nva));
	nva.va_mask = VA_UID | VA_GID;
	nva.va_uid = uid;
	nva.va_gid = gid;
	/*
	 * Any chown of a non-directory, even by root, drops set-user-id
	 * and (when group-executable) set-group-id, as Linux does: the
	 * privilege must not pass to the new owner unnoticed.
	 */
	if (vp->v_type != VDIR && (va.va_mode & (S_ISUID | S_ISGID))) {
		nva.va_mask |= VA_MODE;
		nva.va_mode = va.va_mode & ~S_ISUID;
		if (va.va_mode & 0010)
			nva.va_mode &= ~S_ISGID;
	}
	error = VOP_SETATTR(vp, &nva);
out:
	vn_unlock(vp);
	return error;
}

/*
 * Set access and modification times as utimensat(2) does.  ts NULL
 * means both now; UTIME_NOW and UTIME_OMIT apply per time.
 */
static int
vn_utimens(struct vnode *vp, const struct ktimespec *ts)
{
	struct kcred *cr = kauth_cred_get();
	struct ktimespec now, t[2];
	struct vattr va, nva;
	bool explicit = false;
	int error, i;

	getnanotime(&now);
	memset(&nva, 0, sizeof(nva));
	for (i = 0; i < 2; i++) {
		t[i] = ts == NULL ? (struct ktimespec){ 0, UTIME_NOW } : ts[i];
		if (t[i].tv_nsec == UTIME_OMIT)
			continue;
		if (t[i].tv_nsec == UTIME_NOW)
			t[i] = now;
		else if (t[i].tv_nsec < 0 || t[i].tv_nsec >= 1000000000)
			return EINVAL;
		else
			explicit = true;
		nva.va_mask |= i == 0 ? VA_ATIME : VA_MTIME;
	}
	nva.va_atime = t[0];
	nva.va_mtime = t[1];
	if (nva.va_mask == 0)
		return 0;
	if ((error = vn_rdonly(vp)) != 0)
		return error;
	vn_lock(vp, RW_WRITER);
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		goto out;
	if (!cred_is_root(cr) && cr->cr_uid != va.va_uid) {
		/* Setting "now" only needs write permission. */
		error = explicit ? EPERM : vaccess(&va, VWRITE, cr);
		if (error != 0)
			goto out;
	}
	error = VOP_SETATTR(vp, &nva);
out:
	vn_unlock(vp);
	return error;
}

int
sys_fchmodat(int dirfd, const char *path, uint32_t mode, int atflags)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if (atflags & AT_SYMLINK_NOFOLLOW)
		return EOPNOTSUPP;	/* symlink modes do not exist */
	if ((error = lookup_at(dirfd, path, atflags, AT_EMPTY_PATH, &vp)))
		return error;
	error = vn_chmod(vp, mode);
	vrele(vp);
	return error;
}

int
sys_fchmod(int fd, uint32_t mode)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getvnode(fd, &fp)) != 0)
		return error;
	error = vn_chmod(fp->f_vp, mode);
	fd_putfile(fp);
	return error;
}

int
sys_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid,
    int atflags)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	error = lookup_at(dirfd, path, atflags,
	    AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &vp);
	if (error != 0)
		return error;
	error = vn_chown(vp, uid, gid);
	vrele(vp);
	return error;
}

int
sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getvnode(fd, &fp)) != 0)
		return error;
	error = vn_chown(fp->f_vp, uid, gid);
	fd_putfile(fp);
	return error;
}

int
sys_utimensat(int dirfd, const char *path, const struct ktimespec *ts,
    int atflags)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	error = lookup_at(dirfd, path, atflags,
	    AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &vp);
	if (error != 0)
		return error;
	error = vn_utimens(vp, ts);
	vrele(vp);
	return error;
}

int
sys_futimens(int fd, const struct ktimespec *ts)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getvnode(fd, &fp)) != 0)
		return error;
	error = vn_utimens(fp->f_vp, ts);
	fd_putfile(fp);
	return error;
}

int
sys_truncate(const char *path, int64_t len)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if ((error = namei_simple(KAPI_AT_FDCWD, path, NI_FOLLOW, &vp)) != 0)
		return error;
	if (vp->v_type == VREG) {
		vn_lock(vp, RW_READER);
		error = vn_access(vp, VWRITE, kauth_cred_get());
		vn_unlock(vp);
	}
	if (error == 0)
		error = vn_truncate(vp, len);
	vrele(vp);
	return error;
}

int
sys_faccessat(int dirfd, const char *path, int mode, int atflags)
{
	struct vnode *vp;
	int error, acc = 0;

	SYSCALL_ENTER();
	if (mode & ~(R_OK | W_OK | X_OK))
		return EINVAL;
	error = lookup_at(dirfd, path, atflags,
	    AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH, &vp);
	if (error != 0)
		return error;
	acc = ((mode & R_OK) ? VREAD : 0) | ((mode & W_OK) ? VWRITE : 0) |
	    ((mode & X_OK) ? VEXEC : 0);
	if (acc != 0) {
		vn_lock(vp, RW_READER);
		error = vn_access(vp, acc, kauth_cred_get());
		vn_unlock(vp);
	}
	vrele(vp);
	return error;
}

static int
vn_statvfs(struct vnode *vp, struct kstatvfs *sb)
{
	struct mount *mp = vp->v_mount;
	int error;

	memset(sb, 0, sizeof(*sb));
	if ((error = mp->mnt_op->vfs_statvfs(mp, sb)) != 0)
		return error;
	sb->f_fsid = mp->mnt_fsid;
	sb->f_flag = mp->mnt_flag;
	if (sb->f_namemax == 0)
		sb->f_namemax = NAME_MAX;
	strlcpy(sb->f_fstypename, mp->mnt_op->vfs_name,
	    sizeof(sb->f_fstypename));
	return 0;
}

int
sys_statvfs(const char *path, struct kstatvfs *sb)
{
	struct vnode *vp;
	int error;

	SYSCALL_ENTER();
	if ((error = namei_simple(KAPI_AT_FDCWD, path, NI_FOLLOW, &vp)) != 0)
		return error;
	error = vn_statvfs(vp, sb);
	vrele(vp);
	return error;
}

int
sys_fstatvfs(int fd, struct kstatvfs *sb)
{
	struct file *fp;
	int error;

	SYSCALL_ENTER();
	if ((error = fd_getvnode(fd, &fp)) != 0)
		return error;
	error = vn_statvfs(fp->f_vp, sb);
	fd_putfile(fp);
	return error;
}
