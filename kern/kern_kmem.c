/*
 * kern_kmem.c: kernel memory allocation on top of hyp_malloc.
 *
 * Every allocation is counted so that tests can check for leaks and the
 * kernel can report its footprint.  Allocation may fail; callers handle
 * NULL (the test host injects failures).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <hyp/hyp.h>

static uint64_t kmem_bytes;	/* bytes allocated, atomic */

void *
kmem_alloc(size_t size)
{
	void *p;

	KASSERT(size > 0);
	if (hyp_malloc(size, 0, &p) != 0)
		return NULL;
	atomic_add_64(&kmem_bytes, size);
	return p;
}

void *
kmem_zalloc(size_t size)
{
	void *p;

	if ((p = kmem_alloc(size)) != NULL)
		memset(p, 0, size);
	return p;
}

void
kmem_free(void *p, size_t size)
{
	if (p == NULL)
		return;
	atomic_add_64(&kmem_bytes, -(uint64_t)size);
	hyp_free(p, size);
}

void *
kmem_alloc_aligned(size_t size, size_t align)
{
	void *p;

	KASSERT(size > 0 && powerof2(align));
	if (hyp_malloc(size, align, &p) != 0)
		return NULL;
	atomic_add_64(&kmem_bytes, size);
	return p;
}

void
kmem_free_aligned(void *p, size_t size)
{
	kmem_free(p, size);
}

char *
kmem_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d;

	if ((d = kmem_alloc(len + 1)) == NULL)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *
kmem_strdup(const char *s)
{
	return kmem_strndup(s, SIZE_MAX);
}

void
kmem_strfree(char *s)
{
	if (s != NULL)
		kmem_free(s, strlen(s) + 1);
}

uint64_t
kmem_inuse(void)
{
	return atomic_load(&kmem_bytes);
}
