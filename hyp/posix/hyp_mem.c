/*
 * hyp_mem.c: memory for the kernel, from the host's malloc.
 *
 * The kernel keeps its own accounting (kmem), so this is a thin layer:
 * plain malloc when the caller needs no more than malloc's natural
 * alignment, posix_memalign otherwise.  Both are released with free, so
 * hyp_free does not need the size the kernel passes.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "hyp/hyp.h"
#include "hyp_posix.h"

/*
 * Allocate size bytes aligned to align (a power of two, 0 for malloc's
 * natural alignment) into *ret.  EINVAL for a bad alignment, ENOMEM when
 * the host has no memory.  A zero-byte request gets a unique pointer.
 */
int
hyp_malloc(hyp_u64 size, hyp_u64 align, void **ret)
{
	void *p;
	int error;

	if (align != 0 && (align & (align - 1)) != 0)
		return hyp_posix_errno(EINVAL);
	/* No object may be larger than PTRDIFF_MAX; refuse before malloc. */
	if (size > PTRDIFF_MAX)
		return hyp_posix_errno(ENOMEM);
	if (size == 0)
		size = 1;
	if (align <= _Alignof(max_align_t)) {
		if ((p = malloc((size_t)size)) == NULL)
			return hyp_posix_errno(ENOMEM);
	} else {
		/* Always a multiple of sizeof(void *) here, as POSIX wants. */
		error = posix_memalign(&p, (size_t)align, (size_t)size);
		if (error != 0)
			return hyp_posix_errno(error);
	}
	*ret = p;
	return 0;
}

void
hyp_free(void *p, hyp_u64 size)
{
	(void)size;
	free(p);
}
