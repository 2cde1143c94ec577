/*
 * kern_pool.c: pools of fixed-size objects.
 *
 * A pool keeps up to pr_maxfree freed objects on a free list so that the
 * next pool_get is a list pop instead of a host allocation.  Objects are
 * at least pointer-sized; the free list is threaded through them.
 */
#include <sys/systm.h>
#include <sys/kmem.h>

struct pool_item {
	struct pool_item *pi_next;	/* next free object */
};

#define POOL_MAXFREE	256

int
pool_init(struct pool *pp, size_t size, const char *name)
{
	int error;

	if ((error = mutex_init(&pp->pr_lock)) != 0)
		return error;
	pp->pr_name = name;
	pp->pr_size = MAX(size, sizeof(struct pool_item));
	pp->pr_free = NULL;
	pp->pr_nfree = 0;
	pp->pr_maxfree = POOL_MAXFREE;
	pp->pr_nout = 0;
	return 0;
}

void
pool_destroy(struct pool *pp)
{
	struct pool_item *pi;

	KASSERTMSG(pp->pr_nout == 0, "pool %s: %llu objects still out",
	    pp->pr_name, (unsigned long long)pp->pr_nout);
	while ((pi = pp->pr_free) != NULL) {
		pp->pr_free = pi->pi_next;
		kmem_free(pi, pp->pr_size);
	}
	pp->pr_nfree = 0;
	mutex_destroy(&pp->pr_lock);
}

void *
pool_get(struct pool *pp)
{
	struct pool_item *pi;

	mutex_enter(&pp->pr_lock);
	if ((pi = pp->pr_free) != NULL) {
		pp->pr_free = pi->pi_next;
		pp->pr_nfree--;
		pp->pr_nout++;
		mutex_exit(&pp->pr_lock);
		return pi;
	}
	mutex_exit(&pp->pr_lock);
	if ((pi = kmem_alloc(pp->pr_size)) == NULL)
		return NULL;
	mutex_enter(&pp->pr_lock);
	pp->pr_nout++;
	mutex_exit(&pp->pr_lock);
	return pi;
}

void *
pool_zget(struct pool *pp)
{
	void *p;

	if ((p = pool_get(pp)) != NULL)
		memset(p, 0, pp->pr_size);
	return p;
}

void
pool_put(struct pool *pp, void *obj)
{
	struct pool_item *pi = obj;

	mutex_enter(&pp->pr_lock);
	KASSERT(pp->pr_nout > 0);
	pp->pr_nout--;
	if (pp->pr_nfree < pp->pr_maxfree) {
		pi->pi_next = pp->pr_free;
		pp->pr_free = pi;
		pp->pr_nfree++;
		mutex_exit(&pp->pr_lock);
		return;
	}
	mutex_exit(&pp->pr_lock);
	kmem_free(pi, pp->pr_size);
}
