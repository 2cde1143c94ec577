/*
 * t_uio.c: tests of the uio routines (kern/subr_uio.c).
 *
 * Oracle: a flat byte model.  A uio over several iovecs (some of them
 * empty) is the concatenation of its buffers; after moving k bytes,
 * bytes [0, k) of that concatenation must hold what was moved and the
 * rest must be untouched, and uio_resid, uio_offset and the position of
 * uio_iov must match k.  The model is computed here by hand, independently
 * of the routines under test.
 */
#include <sys/systm.h>
#include <sys/uio.h>
#include "tests/unit/ktest.h"

KTEST(uio_setup_one);
KTEST(uio_read_scatter);
KTEST(uio_write_gather);
KTEST(uio_move_past_resid);
KTEST(uio_zero);
KTEST(uio_peek_advance);
KTEST(uio_peek_maxiov);

/* Iovec lengths: two empty ones, odd sizes, 30 bytes in all. */
static const size_t ut_lens[] = { 3, 0, 10, 0, 7, 1, 9 };
#define UT_NIOV		__arraycount(ut_lens)
#define UT_TOTAL	30

static uint8_t ut_mem[UT_TOTAL + 16];	/* the iovecs' storage, guarded */
static struct kiovec ut_iov[UT_NIOV];

/* Lay the iovecs out back to back from ut_mem; 16 guard bytes follow. */
static void
ut_setup(struct uio *uio, enum uio_rw rw, int64_t off)
{
	size_t i;
	uint8_t *p = ut_mem;

	memset(ut_mem, 0xee, sizeof(ut_mem));
	for (i = 0; i < UT_NIOV; i++) {
		ut_iov[i].iov_base = p;
		ut_iov[i].iov_len = ut_lens[i];
		p += ut_lens[i];
	}
	uio->uio_iov = ut_iov;
	uio->uio_iovcnt = (int)UT_NIOV;
	uio->uio_offset = off;
	uio->uio_resid = UT_TOTAL;
	uio->uio_rw = rw;
}

/*
 * After k bytes moved: resid, offset, and the current iovec is the one
 * holding byte k of the concatenation (with its remaining length), or
 * none is left.
 */
static bool
ut_position(const struct uio *uio, size_t k, int64_t off0)
{
	size_t i, start = 0;

	if (uio->uio_resid != UT_TOTAL - k || uio->uio_offset !=
	    off0 + (int64_t)k)
		return false;
	if (k == UT_TOTAL)
		return uio->uio_iovcnt == 0 ||
		    (uio->uio_iovcnt > 0 && uio->uio_iov->iov_len == 0);
	for (i = 0; i < UT_NIOV; i++) {
		if (k < start + ut_lens[i])
			break;
		start += ut_lens[i];
	}
	return uio->uio_iov == &ut_iov[i] &&
	    uio->uio_iovcnt == (int)(UT_NIOV - i) &&
	    uio->uio_iov->iov_len == start + ut_lens[i] - k &&
	    (uint8_t *)uio->uio_iov->iov_base == ut_mem + k;
}

KTEST(uio_setup_one)
{
	struct kiovec iov;
	struct uio uio;
	uint8_t buf[10], src[10];
	size_t i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i + 1);
	memset(buf, 0, sizeof(buf));
	uio_setup(&uio, &iov, buf, sizeof(buf), 100, UIO_READ);
	KT_EQ(t, uio.uio_resid, 10);
	KT_EQ(t, uio.uio_offset, 100);
	KT_EQ(t, uio.uio_iovcnt, 1);
	KT_ASSERT(t, uio.uio_iov == &iov && iov.iov_base == buf);
	KT_EQ(t, uiomove(src, 4, &uio), 0);
	KT_EQ(t, uiomove(src + 4, 6, &uio), 0);
	KT_ASSERT(t, memcmp(buf, src, sizeof(buf)) == 0);
	KT_EQ(t, uio.uio_resid, 0);
	KT_EQ(t, uio.uio_offset, 110);
}

/* UIO_READ: data goes from a kernel buffer into the iovecs, in steps. */
KTEST(uio_read_scatter)
{
	static const size_t steps[] = { 1, 2, 3, 5, 6, 13, 30 };
	uint8_t src[UT_TOTAL];
	struct uio uio;
	size_t si, k, n, i;
	int bad = 0;

	for (i = 0; i < UT_TOTAL; i++)
		src[i] = (uint8_t)(0x40 + i);
	for (si = 0; si < __arraycount(steps); si++) {
		ut_setup(&uio, UIO_READ, 1000);
		for (k = 0; k < UT_TOTAL; k += n) {
			n = MIN(steps[si], UT_TOTAL - k);
			if (uiomove(src + k, n, &uio) != 0)
				bad++;
			if (!ut_position(&uio, k + n, 1000))
				bad++;
			/* Moved bytes arrived; the rest are untouched. */
			for (i = 0; i < UT_TOTAL + 16; i++)
				if (ut_mem[i] != (i < k + n ? src[i] : 0xee))
					bad++;
		}
	}
	KT_EQ(t, bad, 0);
}

/* UIO_WRITE: data comes out of the iovecs into a kernel buffer. */
KTEST(uio_write_gather)
{
	uint8_t dst[UT_TOTAL + 4];
	struct uio uio;
	size_t i;

	ut_setup(&uio, UIO_WRITE, 0);
	for (i = 0; i < UT_TOTAL; i++)
		ut_mem[i] = (uint8_t)(3 * i + 1);
	memset(dst, 0, sizeof(dst));
	KT_EQ(t, uiomove(dst, 11, &uio), 0);
	KT_ASSERT(t, ut_position(&uio, 11, 0));
	KT_EQ(t, uiomove(dst + 11, 19, &uio), 0);
	KT_ASSERT(t, ut_position(&uio, UT_TOTAL, 0));
	for (i = 0; i < UT_TOTAL; i++)
		KT_EQ(t, dst[i], 3 * i + 1);
	KT_EQ(t, dst[UT_TOTAL], 0);
	/* The source iovecs are read, not changed. */
	for (i = 0; i < UT_TOTAL; i++)
		KT_EQ(t, ut_mem[i], 3 * i + 1);
}

/* Asking for more than is left moves only what is left. */
KTEST(uio_move_past_resid)
{
	uint8_t src[64];
	struct uio uio;

	memset(src, 0x5a, sizeof(src));
	ut_setup(&uio, UIO_READ, 0);
	KT_EQ(t, uiomove(src, 25, &uio), 0);
	KT_EQ(t, uiomove(src, 64, &uio), 0);
	KT_ASSERT(t, ut_position(&uio, UT_TOTAL, 0));
	KT_EQ(t, ut_mem[UT_TOTAL - 1], 0x5a);
	KT_EQ(t, ut_mem[UT_TOTAL], 0xee);
	/* Nothing left: a further move changes nothing. */
	KT_EQ(t, uiomove(src, 8, &uio), 0);
	KT_ASSERT(t, ut_position(&uio, UT_TOTAL, 0));
	KT_EQ(t, uiomove(src, 0, &uio), 0);
}

KTEST(uio_zero)
{
	uint8_t src[UT_TOTAL];
	struct uio uio;
	size_t i;
	int bad = 0;

	memset(src, 0x11, sizeof(src));
	ut_setup(&uio, UIO_READ, 50);
	/* 4 data bytes, 15 zeros (a hole), then data up to the end. */
	KT_EQ(t, uiomove(src, 4, &uio), 0);
	KT_EQ(t, uiomove_zero(15, &uio), 0);
	KT_ASSERT(t, ut_position(&uio, 19, 50));
	KT_EQ(t, uiomove(src, 100, &uio), 0);
	KT_ASSERT(t, ut_position(&uio, UT_TOTAL, 50));
	for (i = 0; i < UT_TOTAL; i++)
		if (ut_mem[i] != (i >= 4 && i < 19 ? 0 : 0x11))
			bad++;
	KT_EQ(t, bad, 0);
	KT_EQ(t, ut_mem[UT_TOTAL], 0xee);
	/* Zeros past the end are not produced. */
	ut_setup(&uio, UIO_READ, 0);
	KT_EQ(t, uiomove_zero(UT_TOTAL + 10, &uio), 0);
	KT_ASSERT(t, ut_position(&uio, UT_TOTAL, 0));
	KT_EQ(t, ut_mem[UT_TOTAL], 0xee);
	KT_EQ(t, ut_mem[0], 0);
}

/*
 * uio_peek describes the next bytes without moving; uio_advance then
 * consumes them as a device transfer into those buffers would.
 */
KTEST(uio_peek_advance)
{
	struct kiovec pk[UT_NIOV];
	struct uio uio;
	size_t covered;
	int n;

	ut_setup(&uio, UIO_READ, 0);
	/* 15 bytes: 3 + (empty) + 10 + (empty) + 2, empties left out. */
	n = uio_peek(&uio, 15, pk, (int)UT_NIOV, &covered);
	KT_EQ(t, n, 3);
	KT_EQ(t, covered, 15);
	KT_ASSERT(t, pk[0].iov_base == ut_mem && pk[0].iov_len == 3);
	KT_ASSERT(t, pk[1].iov_base == ut_mem + 3 && pk[1].iov_len == 10);
	KT_ASSERT(t, pk[2].iov_base == ut_mem + 13 && pk[2].iov_len == 2);
	KT_ASSERT(t, ut_position(&uio, 0, 0));		/* unchanged */
	KT_EQ(t, uio_peek(&uio, 15, pk, (int)UT_NIOV, NULL), 3);

	uio_advance(&uio, 15);
	KT_ASSERT(t, ut_position(&uio, 15, 0));
	KT_EQ(t, ut_mem[0], 0xee);			/* no data moved */
	/* From the middle of an iovec, asking for more than is left. */
	n = uio_peek(&uio, 100, pk, (int)UT_NIOV, &covered);
	KT_EQ(t, covered, 15);
	KT_EQ(t, n, 3);
	KT_ASSERT(t, pk[0].iov_base == ut_mem + 15 && pk[0].iov_len == 5);
	KT_ASSERT(t, pk[1].iov_base == ut_mem + 20 && pk[1].iov_len == 1);
	KT_ASSERT(t, pk[2].iov_base == ut_mem + 21 && pk[2].iov_len == 9);
	KT_EQ(t, uio_peek(&uio, 0, pk, (int)UT_NIOV, &covered), 0);
	KT_EQ(t, covered, 0);
	uio_advance(&uio, 0);
	KT_ASSERT(t, ut_position(&uio, 15, 0));
	uio_advance(&uio, 15);
	KT_ASSERT(t, ut_position(&uio, UT_TOTAL, 0));
	KT_EQ(t, uio_peek(&uio, 10, pk, (int)UT_NIOV, &covered), 0);
	KT_EQ(t, covered, 0);
}

/* Running out of entries: covered says how far the entries reach. */
KTEST(uio_peek_maxiov)
{
	struct kiovec pk[2];
	struct uio uio;
	size_t covered;

	ut_setup(&uio, UIO_READ, 0);
	KT_EQ(t, uio_peek(&uio, UT_TOTAL, pk, 2, &covered), 2);
	KT_EQ(t, covered, 13);
	KT_EQ(t, uio_peek(&uio, UT_TOTAL, pk, 1, &covered), 1);
	KT_EQ(t, covered, 3);
	KT_EQ(t, uio_peek(&uio, UT_TOTAL, pk, 0, &covered), 0);
	KT_EQ(t, covered, 0);
	/* The peeked entries can drive a real transfer. */
	memset(pk[0].iov_base, 0x77, pk[0].iov_len);
	uio_advance(&uio, 3);
	KT_ASSERT(t, ut_position(&uio, 3, 0));
	KT_EQ(t, uio_peek(&uio, 4, pk, 2, &covered), 1);
	KT_EQ(t, covered, 4);
	KT_ASSERT(t, pk[0].iov_base == ut_mem + 3 && pk[0].iov_len == 4);
	KT_EQ(t, ut_mem[2], 0x77);
}
