/*
 * sys/kmem.h: kernel memory.  kmem_alloc may fail (returns NULL) and every
 * caller handles it: the test host injects ENOMEM at any allocation.
 * kmem_free takes the size that was allocated, as in NetBSD.
 *
 * Pools hand out fixed-size objects from cached free lists; they are for
 * objects allocated and freed at high rates (vnodes, buffers, nodes).
 */
#ifndef _SYS_KMEM_H_
#define _SYS_KMEM_H_

#include <sys/param.h>
#include <sys/mutex.h>

void	*kmem_alloc(size_t size);
void	*kmem_zalloc(size_t size);
void	 kmem_free(void *p, size_t size);
char	*kmem_strdup(const char *s);		/* free: kmem_strfree */
char	*kmem_strndup(const char *s, size_t n);
void	 kmem_strfree(char *s);
/* Page-aligned (4 KiB) allocation for I/O buffers. */
void	*kmem_alloc_aligned(size_t size, size_t align);
void	 kmem_free_aligned(void *p, size_t size);

/* Bytes currently allocated through kmem (for limits and leak tests). */
uint64_t kmem_inuse(void);

/*
 * Pool of fixed-size objects.
 * Locks protecting fields: p = pr_lock, I = immutable after pool_init.
 */
struct pool_item;
struct pool {
	struct kmutex	 pr_lock;	/* protects the free list */
	const char	*pr_name;	/* [I] for messages */
	size_t		 pr_size;	/* [I] object size */
	struct pool_item *pr_free;	/* [p] cached free objects */
	uint32_t	 pr_nfree;	/* [p] objects on pr_free */
	uint32_t	 pr_maxfree;	/* [I] most objects kept cached */
	uint64_t	 pr_nout;	/* [p] objects handed out */
};
int	 pool_init(struct pool *pp, size_t size, const char *name);
void	 pool_destroy(struct pool *pp);
void	*pool_get(struct pool *pp);		/* NULL on ENOMEM */
void	*pool_zget(struct pool *pp);		/* zeroed */
void	 pool_put(struct pool *pp, void *obj);

#endif /* !_SYS_KMEM_H_ */
