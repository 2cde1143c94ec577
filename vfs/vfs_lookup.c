/*
 * vfs_lookup.c: path name resolution (namei).
 *
 * One component at a time: the current directory is locked shared only
 * while its search permission is checked and the component is looked up,
 * so a thread never holds a vnode lock while it waits for another one
 * here.  Symbolic links are expanded in place in a private buffer (at
 * most MAXSYMLINKS of them, then ELOOP); ".." at the root of a mounted
 * file system continues in the directory it is mounted on; a directory
 * with a file system mounted on it is replaced by that file system's
 * root.  The process root (chroot) is never left through "..".
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include "vfs/vfs_internal.h"

/* The held starting directory for a relative path. */
static int
namei_startdir(struct nameidata *ndp, struct proc *p, struct vnode **dpp)
{
	struct file *fp;
	int error;

	if (ndp->ni_dirfd == AT_FDCWD) {
		mutex_enter(&p->p_lock);
		*dpp = p->p_cwd;
		vref(*dpp);
		mutex_exit(&p->p_lock);
		return 0;
	}
	if ((error = fd_getfile(p->p_fd, ndp->ni_dirfd, &fp)) != 0)
		return error;
	*dpp = fp->f_vp;
	vref(*dpp);
	fd_putfile(fp);
	return 0;
}

static struct vnode *
namei_rootdir(struct proc *p)
{
	struct vnode *vp;

	mutex_enter(&p->p_lock);
	vp = p->p_root;
	vref(vp);
	mutex_exit(&p->p_lock);
	return vp;
}

/*
 * Replace the component [name, rest) of buf by the target of symlink vp,
 * keeping rest.  *cpp is left at the start of buf.
 */
static int
namei_expand_link(struct vnode *vp, char *buf, const char *rest,
    char *lbuf)
{
	struct kiovec iov;
	struct uio uio;
	size_t linklen, restlen;
	int error;

	uio_setup(&uio, &iov, lbuf, PATH_MAX, 0, UIO_READ);
	vn_lock(vp, RW_READER);
	error = VOP_READLINK(vp, &uio);
	vn_unlock(vp);
	if (error != 0)
		return error;
	linklen = PATH_MAX - uio.uio_resid;
	if (linklen == 0)
		return ENOENT;
	restlen = strlen(rest);
	if (linklen + restlen + 1 >= PATH_MAX)
		return ENAMETOOLONG;
	memmove(buf + linklen, rest, restlen + 1);
	memcpy(buf, lbuf, linklen);
	return 0;
}

/* Whether name is "." or "..". */
static bool
namei_isdots(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.');
}

/*
 * For "..": leave the roots of mounted file systems for the directories
 * they cover (repeatedly, for stacked mounts), but never the process
 * root.  dp is held; returns the held directory to look ".." up in.
 */
static struct vnode *
namei_dotdot_cross(struct vnode *dp, struct vnode *rootdir)
{
	struct vnode *cov;

	while (dp != rootdir && dp == dp->v_mount->mnt_rootvp &&
	    (cov = dp->v_mount->mnt_vnodecovered) != NULL) {
		vref(cov);
		vrele(dp);
		dp = cov;
	}
	return dp;
}

/* Look up one component in dp (held), checking search permission. */
static int
namei_step(struct vnode *dp, const char *name, size_t len,
    struct kcred *cr, struct vnode **vpp)
{
	struct componentname cn = { name, len, cr };
	struct vnode *vp, *mr;
	int error;

	vn_lock(dp, RW_READER);
	if ((error = vn_access(dp, VEXEC, cr)) == 0)
		error = VOP_LOOKUP(dp, &cn, &vp);
	vn_unlock(dp);
	if (error != 0)
		return error;
	while (vp->v_type == VDIR && (mr = vfs_mounted_root(vp)) != NULL) {
		vrele(vp);
		vp = mr;
	}
	*vpp = vp;
	return 0;
}

/*
 * Expand symlink vp (held; consumed) found in *dpp in place of the
 * component ending at end; an absolute target restarts at rootdir.
 */
static int
namei_follow(struct vnode *vp, char *buf, const char *end, char *lbuf,
    int *nlinks, struct vnode **dpp, struct vnode *rootdir)
{
	int error;

	if (++*nlinks > MAXSYMLINKS)
		error = ELOOP;
	else
		error = namei_expand_link(vp, buf, end, lbuf);
	vrele(vp);
	if (error == 0 && buf[0] == '/') {
		vrele(*dpp);
		vref(rootdir);
		*dpp = rootdir;
	}
	return error;
}

/*
 * NI_PARENT and the last component name[0..len) of directory dp: check
 * search permission and hand dp (held) and the name to ndp, setting
 * *linkp NULL.  With NI_FOLLOW (open with O_CREAT) a symlink in the last
 * place is returned in *linkp instead, for the caller to follow, so that
 * a dangling one creates its target as on Linux.
 */
static int
namei_lastparent(struct nameidata *ndp, struct vnode *dp, const char *name,
    size_t len, bool trail, struct kcred *cr, struct vnode **linkp)
{
	struct vnode *vp;
	int error;

	*linkp = NULL;
	vn_lock(dp, RW_READER);
	error = vn_access(dp, VEXEC, cr);
	vn_unlock(dp);
	if (error != 0)
		return error;
	if ((ndp->ni_flags & NI_FOLLOW) && !trail &&
	    !namei_isdots(name, len)) {
		error = namei_step(dp, name, len, cr, &vp);
		if (error == 0 && vp->v_type == VLNK) {
			*linkp = vp;
			return 0;
		}
		if (error == 0)
			vrele(vp);
		else if (error != ENOENT)
			return error;
	}
	memcpy(ndp->ni_name, name, len);
	ndp->ni_name[len] = '\0';
	ndp->ni_namelen = len;
	if (namei_isdots(name, len))
		ndp->ni_flags |= NI_DOTS;
	if (trail)
		ndp->ni_flags |= NI_TRAILSLASH;
	ndp->ni_dvp = dp;
	return 0;
}

/*
 * The component loop.  buf holds the path (modified by symlink
 * expansion); dp is the held start directory.  Consumes dp.
 */
static int
namei_walk(struct nameidata *ndp, char *buf, struct vnode *dp,
    struct vnode *rootdir, struct kcred *cr, char *lbuf)
{
	char *cp = buf, *name, *end;
	struct vnode *vp;
	int nlinks = 0, error;
	size_t len;
	bool last, trail;

	for (;;) {
		while (*cp == '/')
			cp++;
		if (*cp == '\0') {
			/* Nothing after the last slash: the result is dp. */
			if (ndp->ni_flags & NI_PARENT) {
				ndp->ni_dvp = dp;
				strlcpy(ndp->ni_name, ".", sizeof(ndp->ni_name));
				ndp->ni_namelen = 1;
				ndp->ni_flags |= NI_DOTS;
			} else
				ndp->ni_vp = dp;
			return 0;
		}
		if (dp->v_type != VDIR) {
			error = ENOTDIR;
			goto out;
		}
		name = cp;
		for (end = cp; *end != '\0' && *end != '/'; end++)
			continue;
		len = (size_t)(end - name);
		if (len > NAME_MAX) {
			error = ENAMETOOLONG;
			goto out;
		}
		for (cp = end; *cp == '/'; cp++)
			continue;
		last = (*cp == '\0');
		trail = last && end != cp;

		if (last && (ndp->ni_flags & NI_PARENT)) {
			if ((error = namei_lastparent(ndp, dp, name, len,
			    trail, cr, &vp)) != 0)
				goto out;
			if (vp == NULL)
				return 0;	/* dp now belongs to ndp */
			if ((error = namei_follow(vp, buf, end, lbuf, &nlinks,
			    &dp, rootdir)) != 0)
				goto out;
			cp = buf;
			continue;
		}
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			if (dp == rootdir) {
				cp = end;
				continue;
			}
			dp = namei_dotdot_cross(dp, rootdir);
		}
		if ((error = namei_step(dp, name, len, cr, &vp)) != 0)
			goto out;
		if (vp->v_type == VLNK &&
		    (!last || trail || (ndp->ni_flags & NI_FOLLOW))) {
			if ((error = namei_follow(vp, buf, end, lbuf, &nlinks,
			    &dp, rootdir)) != 0)
				goto out;
			cp = buf;
			continue;
		}
		vrele(dp);
		dp = vp;
		if (last) {
			if (trail && vp->v_type != VDIR) {
				error = ENOTDIR;
				goto out;
			}
			ndp->ni_vp = vp;
			return 0;
		}
	}
out:
	vrele(dp);
	return error;
}

int
namei(struct nameidata *ndp)
{
	struct lwp *l = curlwp();
	struct kcred *cr = kauth_cred_get();
	struct vnode *dp, *rootdir;
	char *buf, *lbuf;
	size_t len;
	int error;

	ndp->ni_vp = ndp->ni_dvp = NULL;
	ndp->ni_flags &= ~(NI_DOTS | NI_TRAILSLASH);
	len = strnlen(ndp->ni_path, PATH_MAX);
	if (len >= PATH_MAX)
		return ENAMETOOLONG;
	if (len == 0 && !(ndp->ni_flags & NI_EMPTYPATH))
		return ENOENT;
	/*
	 * The thread's spare buffer when it has one (a namei inside a namei
	 * finds it taken and allocates): 8 KiB is above the host malloc's
	 * per-thread cache, so a malloc and free per lookup cost about 180
	 * instructions, 2% of an `fsu ls -l`.  Freed with the lwp.
	 */
	if ((buf = l->l_namebuf) != NULL)
		l->l_namebuf = NULL;
	else if ((buf = kmem_alloc(LWP_NAMEBUFSZ)) == NULL)
		return ENOMEM;
	lbuf = buf + PATH_MAX;
	memcpy(buf, ndp->ni_path, len + 1);

	rootdir = namei_rootdir(l->l_proc);
	if (buf[0] == '/') {
		vref(rootdir);
		dp = rootdir;
	} else if ((error = namei_startdir(ndp, l->l_proc, &dp)) != 0)
		goto out;
	if (len == 0) {
		/* AT_EMPTY_PATH: the start directory or file itself. */
		ndp->ni_vp = dp;
		error = 0;
		goto out;
	}
	error = namei_walk(ndp, buf, dp, rootdir, cr, lbuf);
out:
	vrele(rootdir);
	if (l->l_namebuf == NULL)
		l->l_namebuf = buf;
	else
		kmem_free(buf, LWP_NAMEBUFSZ);
	return error;
}

void
nameidone(struct nameidata *ndp)
{
	if (ndp->ni_vp != NULL)
		vrele(ndp->ni_vp);
	if (ndp->ni_dvp != NULL)
		vrele(ndp->ni_dvp);
	ndp->ni_vp = ndp->ni_dvp = NULL;
}

int
namei_simple(int dirfd, const char *path, uint32_t flags, struct vnode **vpp)
{
	struct nameidata nd;
	int error;

	nd.ni_dirfd = dirfd;
	nd.ni_path = path;
	nd.ni_flags = flags;
	if ((error = namei(&nd)) != 0)
		return error;
	*vpp = nd.ni_vp;
	return 0;
}
