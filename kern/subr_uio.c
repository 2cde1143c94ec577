/*
 * subr_uio.c: moving data between kernel buffers and a uio.
 *
 * A uio is consumed as data moves: uio_iov points at the first iovec
 * with bytes left (its base and length are advanced in place, as in BSD),
 * uio_iovcnt counts the iovecs left, uio_resid the bytes left, and
 * uio_offset advances with every byte moved.  Empty iovecs are skipped.
 * The caller's buffers are in the kernel's address space, so moving data
 * cannot fault and these functions do not fail.
 */
#include <sys/systm.h>
#include <sys/uio.h>

void
uio_setup(struct uio *uio, struct kiovec *iov, void *buf, size_t len,
    int64_t off, enum uio_rw rw)
{
	iov->iov_base = buf;
	iov->iov_len = len;
	uio->uio_iov = iov;
	uio->uio_iovcnt = 1;
	uio->uio_offset = off;
	uio->uio_resid = len;
	uio->uio_rw = rw;
}

/*
 * Step over exhausted iovecs so that uio_iov has bytes, if any are left.
 */
static void
uio_skipempty(struct uio *uio)
{
	while (uio->uio_iovcnt > 0 && uio->uio_iov->iov_len == 0) {
		uio->uio_iov++;
		uio->uio_iovcnt--;
	}
}

/*
 * The common loop: move up to n bytes, copying from or to buf when it is
 * not NULL, producing zeros when zero is set, or only advancing.
 */
static void
uio_walk(struct uio *uio, uint8_t *buf, size_t n, bool zero)
{
	struct kiovec *iov;
	size_t cnt;

	n = MIN(n, uio->uio_resid);
	while (n > 0) {
		uio_skipempty(uio);
		KASSERT(uio->uio_iovcnt > 0);
		iov = uio->uio_iov;
		cnt = MIN(n, iov->iov_len);
		if (zero)
			memset(iov->iov_base, 0, cnt);
		else if (buf != NULL && uio->uio_rw == UIO_READ)
			memcpy(iov->iov_base, buf, cnt);
		else if (buf != NULL)
			memcpy(buf, iov->iov_base, cnt);
		if (buf != NULL)
			buf += cnt;
		iov->iov_base = (uint8_t *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += (int64_t)cnt;
		n -= cnt;
	}
	uio_skipempty(uio);
}

/*
 * UIO_READ copies from buf into the uio's buffers, UIO_WRITE from the
 * uio's buffers into buf.  Moves min(n, uio_resid) bytes.
 */
int
uiomove(void *buf, size_t n, struct uio *uio)
{
	KASSERT(buf != NULL || n == 0 || uio->uio_resid == 0);
	uio_walk(uio, buf, n, false);
	return 0;
}

int
uiomove_zero(size_t n, struct uio *uio)
{
	KASSERT(uio->uio_rw == UIO_READ);
	uio_walk(uio, NULL, n, true);
	return 0;
}

/*
 * Describe the next min(n, uio_resid) bytes of the uio in at most maxiov
 * entries of iov (empty iovecs left out); *covered (if not NULL) gets the
 * bytes described, which is less than asked when maxiov runs out.
 * Returns the number of entries filled.  The uio is not changed.
 */
int
uio_peek(const struct uio *uio, size_t n, struct kiovec *iov, int maxiov,
    size_t *covered)
{
	const struct kiovec *src = uio->uio_iov;
	size_t done = 0, cnt;
	int i, used = 0;

	n = MIN(n, uio->uio_resid);
	for (i = 0; i < uio->uio_iovcnt && used < maxiov && done < n; i++) {
		if (src[i].iov_len == 0)
			continue;
		cnt = MIN(n - done, src[i].iov_len);
		iov[used].iov_base = src[i].iov_base;
		iov[used].iov_len = cnt;
		used++;
		done += cnt;
	}
	if (covered != NULL)
		*covered = done;
	return used;
}

size_t
uio_peekcopy(const struct uio *uio, void *buf, size_t n)
{
	const struct kiovec *src = uio->uio_iov;
	size_t done = 0, cnt;
	int i;

	n = MIN(n, uio->uio_resid);
	for (i = 0; i < uio->uio_iovcnt && done < n; i++) {
		cnt = MIN(n - done, src[i].iov_len);
		memcpy((uint8_t *)buf + done, src[i].iov_base, cnt);
		done += cnt;
	}
	return done;
}

void
uio_advance(struct uio *uio, size_t n)
{
	KASSERT(n <= uio->uio_resid);
	uio_walk(uio, NULL, n, false);
}
