/*
 * hyp_codec.c: the decompression codec service of the POSIX host, on
 * Debian's zlib, liblzma (xz and legacy lzma), liblzo2, liblz4 and
 * libzstd.
 *
 * Each call decompresses one complete buffer with state of its own, so
 * calls from many threads never share anything but the libraries' own
 * read-only tables.  Memory is bounded: the output goes straight into
 * the caller's buffer, the xz/lzma decoders run under HYP_CODEC_MEMLIMIT
 * (a stream that asks for more is refused as invalid), and nothing else
 * allocates more than a decoder's fixed state.
 *
 * To tell "output too small" (EFBIG) from "corrupt input" (EINVAL), the
 * streaming decoders are given one byte of scratch once dst is full: a
 * decoder that still produces a byte had more to say than dstcap.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "hyp/hyp.h"
#include "hyp/posix/hyp_posix.h"

/* The kernel's numbers, as K_ENOENT and so on. */
enum {
#define ERRNO(name, num, msg)	K_##name = num,
#include "sys/errno_list.h"
#undef ERRNO
};

/* Most memory the xz/lzma decoders may use (dictionary included). */
#define HYP_CODEC_MEMLIMIT	((uint64_t)64 << 20)

static pthread_once_t lzo_once = PTHREAD_ONCE_INIT;
static int lzo_ok;		/* lzo_init succeeded */

static void
lzo_setup(void)
{
	lzo_ok = lzo_init() == LZO_E_OK;
}

int
hyp_codec_available(hyp_u32 codec)
{
	switch (codec) {
	case HYP_CODEC_ZLIB:
	case HYP_CODEC_LZMA:
	case HYP_CODEC_XZ:
	case HYP_CODEC_LZ4:
	case HYP_CODEC_ZSTD:
		return 0;
	case HYP_CODEC_LZO:
		pthread_once(&lzo_once, lzo_setup);
		return lzo_ok ? 0 : K_ENOTSUP;
	default:
		return K_ENOTSUP;
	}
}

static int
codec_zlib(const void *src, hyp_u64 srclen, void *dst, hyp_u64 dstcap,
    hyp_u64 *dstlen)
{
	unsigned char scratch;
	z_stream z;
	int ret, error;

	if (srclen > UINT_MAX)
		return K_EINVAL;
	if (dstcap > UINT_MAX)
		dstcap = UINT_MAX;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return K_ENOMEM;
	z.next_in = (unsigned char *)(uintptr_t)src;
	z.avail_in = (uInt)srclen;
	z.next_out = dst;
	z.avail_out = (uInt)dstcap;
	for (;;) {
		ret = inflate(&z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END) {
			error = z.total_out > dstcap ? K_EFBIG : 0;
			break;
		}
		if (ret == Z_MEM_ERROR) {
			error = K_ENOMEM;
			break;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			error = K_EINVAL;
			break;
		}
		if (z.total_out > dstcap) {
			error = K_EFBIG;
			break;
		}
		if (z.avail_out == 0) {
			/* dst is full: does the stream go on? */
			z.next_out = &scratch;
			z.avail_out = 1;
			continue;
		}
		if (ret == Z_BUF_ERROR || z.avail_in == 0) {
			/* Input used up before the end of the stream. */
			error = K_EINVAL;
			break;
		}
	}
	if (error == 0)
		*dstlen = z.total_out;
	inflateEnd(&z);
	return error;
}

/* xz (.xz container) or legacy lzma ("alone" format). */
static int
codec_lzma(hyp_u32 codec, const void *src, hyp_u64 srclen, void *dst,
    hyp_u64 dstcap, hyp_u64 *dstlen)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint8_t scratch;
	lzma_ret ret;
	int error;

	ret = codec == HYP_CODEC_XZ ?
	    lzma_stream_decoder(&s, HYP_CODEC_MEMLIMIT, 0) :
	    lzma_alone_decoder(&s, HYP_CODEC_MEMLIMIT);
	if (ret != LZMA_OK)
		return K_ENOMEM;
	s.next_in = src;
	s.avail_in = srclen;
	s.next_out = dst;
	s.avail_out = dstcap;
	for (;;) {
		ret = lzma_code(&s, LZMA_FINISH);
		if (s.total_out > dstcap) {
			error = K_EFBIG;
			break;
		}
		if (ret == LZMA_STREAM_END) {
			error = 0;
			break;
		}
		/* A stream that needs more than the limit is refused. */
		if (ret == LZMA_MEM_ERROR) {
			error = K_ENOMEM;
			break;
		}
		if (ret != LZMA_OK && ret != LZMA_BUF_ERROR) {
			error = K_EINVAL;
			break;
		}
		if (s.avail_out == 0) {
			s.next_out = &scratch;
			s.avail_out = 1;
			continue;
		}
		if (ret == LZMA_BUF_ERROR) {
			error = K_EINVAL;
			break;
		}
	}
	if (error == 0)
		*dstlen = s.total_out;
	lzma_end(&s);
	return error;
}

static int
codec_lzo(const void *src, hyp_u64 srclen, void *dst, hyp_u64 dstcap,
    hyp_u64 *dstlen)
{
	lzo_uint out = (lzo_uint)dstcap;
	int ret;

	if (hyp_codec_available(HYP_CODEC_LZO) != 0)
		return K_ENOTSUP;
	ret = lzo1x_decompress_safe(src, (lzo_uint)srclen, dst, &out, NULL);
	if (ret == LZO_E_OUTPUT_OVERRUN)
		return K_EFBIG;
	if (ret != LZO_E_OK)
		return K_EINVAL;
	*dstlen = out;
	return 0;
}

/*
 * LZ4 reports every failure alike.  When a whole decode fails, a partial
 * decode that stops at dstcap tells the two apart: if it fills dst
 * without error, the block had more to give than dstcap (EFBIG);
 * otherwise it is corrupt within the first dstcap bytes (EINVAL).  No
 * scratch memory is needed.
 */
static int
codec_lz4(const void *src, hyp_u64 srclen, void *dst, hyp_u64 dstcap,
    hyp_u64 *dstlen)
{
	int n;

	if (srclen > INT_MAX)
		return K_EINVAL;
	if (dstcap > INT_MAX)
		dstcap = INT_MAX;
	n = LZ4_decompress_safe(src, dst, (int)srclen, (int)dstcap);
	if (n >= 0) {
		*dstlen = (hyp_u64)n;
		return 0;
	}
	n = LZ4_decompress_safe_partial(src, dst, (int)srclen, (int)dstcap,
	    (int)dstcap);
	return n == (int)dstcap ? K_EFBIG : K_EINVAL;
}

static int
codec_zstd(const void *src, hyp_u64 srclen, void *dst, hyp_u64 dstcap,
    hyp_u64 *dstlen)
{
	ZSTD_DCtx *dctx;
	size_t n;
	int error = 0;

	if ((dctx = ZSTD_createDCtx()) == NULL)
		return K_ENOMEM;
	n = ZSTD_decompressDCtx(dctx, dst, dstcap, src, srclen);
	if (ZSTD_isError(n)) {
		switch (ZSTD_getErrorCode(n)) {
		case ZSTD_error_dstSize_tooSmall:
			error = K_EFBIG;
			break;
		case ZSTD_error_memory_allocation:
			error = K_ENOMEM;
			break;
		default:
			error = K_EINVAL;
			break;
		}
	} else
		*dstlen = n;
	ZSTD_freeDCtx(dctx);
	return error;
}

int
hyp_codec_decompress(hyp_u32 codec, const void *src, hyp_u64 srclen,
    void *dst, hyp_u64 dstcap, hyp_u64 *dstlen)
{
	switch (codec) {
	case HYP_CODEC_ZLIB:
		return codec_zlib(src, srclen, dst, dstcap, dstlen);
	case HYP_CODEC_LZMA:
	case HYP_CODEC_XZ:
		return codec_lzma(codec, src, srclen, dst, dstcap, dstlen);
	case HYP_CODEC_LZO:
		return codec_lzo(src, srclen, dst, dstcap, dstlen);
	case HYP_CODEC_LZ4:
		return codec_lz4(src, srclen, dst, dstcap, dstlen);
	case HYP_CODEC_ZSTD:
		return codec_zstd(src, srclen, dst, dstcap, dstlen);
	default:
		return K_ENOTSUP;
	}
}
