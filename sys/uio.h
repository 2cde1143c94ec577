/*
 * sys/uio.h: description of a data transfer between the kernel and a
 * caller's buffers (scatter-gather), consumed as data moves.
 */
#ifndef _SYS_UIO_H_
#define _SYS_UIO_H_

#include <sys/param.h>

struct kiovec {
	void	*iov_base;	/* buffer */
	size_t	 iov_len;	/* its length */
};

enum uio_rw { UIO_READ, UIO_WRITE };

struct uio {
	struct kiovec	*uio_iov;	/* current iovec */
	int		 uio_iovcnt;	/* iovecs left */
	int64_t		 uio_offset;	/* file offset (or dir cookie) */
	size_t		 uio_resid;	/* bytes left to move */
	enum uio_rw	 uio_rw;	/* direction */
};

/* Set up a uio over one buffer. */
void	uio_setup(struct uio *uio, struct kiovec *iov, void *buf, size_t len,
	    int64_t off, enum uio_rw rw);
/*
 * Move up to n bytes between buf and the uio (direction from uio_rw),
 * advancing it.  Cannot fail: buffers are in the same address space.
 */
int	uiomove(void *buf, size_t n, struct uio *uio);
/* Produce n zero bytes into a UIO_READ uio (holes). */
int	uiomove_zero(size_t n, struct uio *uio);
/*
 * Describe the next n bytes of the uio as at most maxiov iovecs in iov,
 * without advancing it; returns the number of iovecs used.  For direct
 * device transfers into the caller's buffers.
 */
int	uio_peek(const struct uio *uio, size_t n, struct kiovec *iov, int maxiov,
	    size_t *covered);
/* Advance the uio by n bytes without moving data. */
void	uio_advance(struct uio *uio, size_t n);
/*
 * Copy the next n bytes a UIO_WRITE uio holds into buf without consuming
 * them (so that a failed write leaves the uio as it was); returns the
 * bytes copied, less than n only at the end of the uio.
 */
size_t	uio_peekcopy(const struct uio *uio, void *buf, size_t n);

#endif /* !_SYS_UIO_H_ */
