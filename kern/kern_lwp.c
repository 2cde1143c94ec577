/*
 * kern_lwp.c: lwps (per-thread kernel context) and processes.
 *
 * A host thread gets its lwp on its first entry into the kernel; the host
 * calls lwp_exit_upcall when the thread ends, which frees it.  The lwp is
 * installed with hyp_curlwp_set before anything else is done, because
 * lock owner tracking uses it.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/lwp.h>
#include <sys/file.h>
#include <sys/vnode.h>
#include <hyp/hyp.h>

struct proc proc0;

static void
lwp_init_common(struct lwp *l, struct proc *p, const char *name)
{
	l->l_proc = p;
	l->l_cred = NULL;
	strlcpy(l->l_name, name, sizeof(l->l_name));
	mutex_enter(&p->p_lock);
	p->p_refcnt++;
	mutex_exit(&p->p_lock);
}

/* Make and install an lwp of proc0 for the calling host thread. */
static struct lwp *
lwp_create_self(int *error)
{
	struct lwp *l;

	if ((l = kmem_zalloc(sizeof(*l))) == NULL) {
		*error = ENOMEM;
		return NULL;
	}
	hyp_curlwp_set(l);
	l->l_proc = &proc0;
	lwp_init_common(l, &proc0, "host");
	return l;
}

struct lwp *
curlwp_try(int *error)
{
	struct lwp *l;

	if ((l = hyp_curlwp()) != NULL)
		return l;
	return lwp_create_self(error);
}

struct lwp *
curlwp(void)
{
	struct lwp *l;
	int error;

	if ((l = curlwp_try(&error)) == NULL)
		panic("curlwp: cannot allocate a thread context (%d)", error);
	return l;
}

/* Called by the host when a thread with an lwp exits. */
void lwp_exit_upcall(void *arg);
void
lwp_exit_upcall(void *arg)
{
	struct lwp *l = arg;

	hyp_curlwp_set(l);	/* locks below record it as owner */
	if (l->l_cred != NULL)
		kcred_free(l->l_cred);
	kmem_free(l->l_namebuf, LWP_NAMEBUFSZ);
	proc_rele(l->l_proc);
	hyp_curlwp_set(NULL);
	kmem_free(l, sizeof(*l));
}

struct kcred *
kauth_cred_get(void)
{
	struct lwp *l = curlwp();

	return l->l_cred != NULL ? l->l_cred : l->l_proc->p_cred;
}

void
lwp_setcred(struct lwp *l, struct kcred *cr)
{
	KASSERT(l == hyp_curlwp());
	if (cr != NULL)
		kcred_hold(cr);
	if (l->l_cred != NULL)
		kcred_free(l->l_cred);
	l->l_cred = cr;
}

void
lwp_setproc(struct lwp *l, struct proc *p)
{
	struct proc *old = l->l_proc;

	KASSERT(l == hyp_curlwp());
	mutex_enter(&p->p_lock);
	p->p_refcnt++;
	mutex_exit(&p->p_lock);
	l->l_proc = p;
	proc_rele(old);
}

/* Set up proc0 (called once from kern_init, before any lwp exists). */
int proc0_init(void);
int
proc0_init(void)
{
	int error;

	if ((error = mutex_init(&proc0.p_lock)) != 0)
		return error;
	if ((error = fd_init(&proc0.p_fd)) != 0) {
		mutex_destroy(&proc0.p_lock);
		return error;
	}
	proc0.p_cred = kcred_root;
	proc0.p_umask = 022;
	proc0.p_refcnt = 1;	/* the kernel's own reference */
	return 0;
}

int
proc_create(struct proc *parent, struct proc **pp)
{
	struct proc *p;
	int error;

	if ((p = kmem_zalloc(sizeof(*p))) == NULL)
		return ENOMEM;
	if ((error = mutex_init(&p->p_lock)) != 0)
		goto out_free;
	if ((error = fd_init(&p->p_fd)) != 0)
		goto out_mutex;
	mutex_enter(&parent->p_lock);
	p->p_cwd = parent->p_cwd;
	p->p_root = parent->p_root;
	p->p_umask = parent->p_umask;
	p->p_cred = parent->p_cred;
	mutex_exit(&parent->p_lock);
	if (p->p_cwd != NULL)
		vref(p->p_cwd);
	if (p->p_root != NULL)
		vref(p->p_root);
	kcred_hold(p->p_cred);
	p->p_refcnt = 1;
	*pp = p;
	return 0;

out_mutex:
	mutex_destroy(&p->p_lock);
out_free:
	kmem_free(p, sizeof(*p));
	return error;
}

void
proc_rele(struct proc *p)
{
	uint32_t left;

	mutex_enter(&p->p_lock);
	left = --p->p_refcnt;
	mutex_exit(&p->p_lock);
	if (left > 0 || p == &proc0)
		return;
	fd_free(p->p_fd);
	if (p->p_cwd != NULL)
		vrele(p->p_cwd);
	if (p->p_root != NULL)
		vrele(p->p_root);
	kcred_free(p->p_cred);
	mutex_destroy(&p->p_lock);
	kmem_free(p, sizeof(*p));
}
