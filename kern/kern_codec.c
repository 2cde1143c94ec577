/*
 * kern_codec.c: the decompression service (sys/codec.h) over the codec
 * hypercalls.  The codec numbers are the same on both sides; the
 * assertions below keep them so.
 */
#include <sys/systm.h>
#include <sys/codec.h>
#include <hyp/hyp.h>

_Static_assert(CODEC_ZLIB == HYP_CODEC_ZLIB && CODEC_LZMA == HYP_CODEC_LZMA &&
    CODEC_LZO == HYP_CODEC_LZO && CODEC_XZ == HYP_CODEC_XZ &&
    CODEC_LZ4 == HYP_CODEC_LZ4 && CODEC_ZSTD == HYP_CODEC_ZSTD,
    "sys/codec.h and hyp/hyp.h number the codecs alike");

int
codec_available(uint32_t codec)
{
	return hyp_codec_available(codec);
}

int
codec_decompress(uint32_t codec, const void *src, size_t srclen, void *dst,
    size_t dstcap, size_t *dstlen)
{
	hyp_u64 out = 0;
	int error;

	error = hyp_codec_decompress(codec, src, srclen, dst, dstcap, &out);
	*dstlen = error == 0 ? (size_t)out : 0;
	return error;
}

const char *
codec_name(uint32_t codec)
{
	static const char *const names[] = {
		[CODEC_ZLIB] = "gzip", [CODEC_LZMA] = "lzma",
		[CODEC_LZO] = "lzo", [CODEC_XZ] = "xz", [CODEC_LZ4] = "lz4",
		[CODEC_ZSTD] = "zstd",
	};

	if (codec >= sizeof(names) / sizeof(names[0]) || names[codec] == NULL)
		return "unknown";
	return names[codec];
}
