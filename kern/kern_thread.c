/*
 * kern_thread.c: kernel threads.  Each runs with its own lwp in proc0,
 * installed before the thread function starts.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/lwp.h>
#include <hyp/hyp.h>

struct kthread {
	struct hyp_thread *kt_hyp;	/* host thread */
	void		(*kt_fn)(void *); /* function to run */
	void		*kt_arg;	/* its argument */
	char		 kt_name[32];	/* for messages */
};

static void *
kthread_start(void *arg)
{
	struct kthread *kt = arg;
	struct lwp *l;

	l = curlwp();		/* creates the lwp for this host thread */
	strlcpy(l->l_name, kt->kt_name, sizeof(l->l_name));
	l->l_kthread = true;
	kt->kt_fn(kt->kt_arg);
	return NULL;
}

int
kthread_create(void (*fn)(void *), void *arg, const char *name,
    struct kthread **ret)
{
	struct kthread *kt;
	int error;

	if ((kt = kmem_zalloc(sizeof(*kt))) == NULL)
		return ENOMEM;
	kt->kt_fn = fn;
	kt->kt_arg = arg;
	strlcpy(kt->kt_name, name, sizeof(kt->kt_name));
	error = hyp_thread_create(kthread_start, kt, kt->kt_name,
	    HYP_THREAD_JOINABLE, &kt->kt_hyp);
	if (error != 0) {
		kmem_free(kt, sizeof(*kt));
		return error;
	}
	*ret = kt;
	return 0;
}

int
kthread_join(struct kthread *kt)
{
	int error;

	error = hyp_thread_join(kt->kt_hyp);
	kmem_free(kt, sizeof(*kt));
	return error;
}
