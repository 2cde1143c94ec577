/*
 * sys/lwp.h: threads (lwps), processes and credentials.
 *
 * Every host thread that enters the kernel has an lwp, made on first entry
 * (curlwp()) and freed when the host thread exits.  An lwp belongs to a
 * process, which holds the descriptor table, cwd, root, umask and the
 * default credential.  An lwp may carry its own credential (a FUSE server
 * thread acting for the caller of one request); otherwise it uses its
 * process's.
 */
#ifndef _SYS_LWP_H_
#define _SYS_LWP_H_

#include <sys/ktypes.h>
#include <sys/param.h>
#include <sys/mutex.h>

/*
 * A credential: immutable once made, shared by reference count.
 * Locks protecting fields: I = immutable, a = atomic.
 */
struct kcred {
	uint32_t	cr_refcnt;		/* [a] references */
	uint32_t	cr_uid;			/* [I] effective user */
	uint32_t	cr_gid;			/* [I] effective group */
	uint32_t	cr_ngroups;		/* [I] supplementary groups */
	uint32_t	cr_groups[NGROUPS_MAX];	/* [I] */
};

struct kcred	*kcred_alloc(uint32_t uid, uint32_t gid, uint32_t ngroups,
		    const uint32_t *groups);	/* NULL on ENOMEM */
void		 kcred_hold(struct kcred *cr);
void		 kcred_free(struct kcred *cr);
bool		 kcred_groupmember(const struct kcred *cr, uint32_t gid);
extern struct kcred *kcred_root;		/* uid 0, gid 0 */

struct filedesc;
struct vnode;

/*
 * A process.
 * Locks protecting fields: p = p_lock, I = immutable.
 */
struct proc {
	struct kmutex	 p_lock;	/* protects the fields below */
	struct filedesc	*p_fd;		/* [I] descriptor table */
	struct vnode	*p_cwd;		/* [p] current directory (held) */
	struct vnode	*p_root;	/* [p] root directory (held) */
	uint32_t	 p_umask;	/* [p] file creation mask */
	struct kcred	*p_cred;	/* [p] default credential (held) */
	uint32_t	 p_refcnt;	/* [p] lwps + explicit references */
};

/*
 * A thread's kernel context.
 * Locks protecting fields: l = only the thread itself touches it.
 */
struct lwp {
	struct proc	*l_proc;	/* [l] process */
	struct kcred	*l_cred;	/* [l] override credential or NULL */
	char		 l_name[32];	/* [l] for messages */
	bool		 l_kthread;	/* [l] created by kthread_create */
	char		*l_namebuf;	/* [l] namei's spare buffer or NULL */
};

/* Size of l_namebuf: a path and a symlink target (vfs_lookup.c). */
#define LWP_NAMEBUFSZ	(2 * PATH_MAX)

struct lwp	*curlwp(void);		/* never NULL; may panic on ENOMEM */
struct lwp	*curlwp_try(int *error);	/* NULL and *error on ENOMEM */
struct kcred	*kauth_cred_get(void);	/* current credential, not held */
extern struct proc proc0;		/* the default process */

/* Switch a thread to another process (libak: ak_proc_*). */
int	proc_create(struct proc *parent, struct proc **pp);
void	proc_rele(struct proc *p);
void	lwp_setproc(struct lwp *l, struct proc *p);
/* Set (or with NULL clear) the thread's own credential; holds cr. */
void	lwp_setcred(struct lwp *l, struct kcred *cr);

/* Kernel threads. */
struct kthread;
int	kthread_create(void (*fn)(void *), void *arg, const char *name,
	    struct kthread **ret);
int	kthread_join(struct kthread *t);

#endif /* !_SYS_LWP_H_ */
