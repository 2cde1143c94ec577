/*
 * sys/codec.h: the decompression service, for drivers of compressed
 * formats (squashfs, zisofs, later qcow2).
 *
 * The work is the host's (hyp_codec_decompress: Debian's zlib, liblzma,
 * liblzo2, liblz4 and libzstd on POSIX); drivers call it through here so
 * that no driver includes hyp/hyp.h.  Streams are whole: one call
 * decompresses one complete block.
 */
#ifndef _SYS_CODEC_H_
#define _SYS_CODEC_H_

#include <sys/param.h>

/* Codecs; the values are squashfs's compressor ids. */
#define CODEC_ZLIB	1	/* zlib stream (header + Adler-32) */
#define CODEC_LZMA	2	/* legacy .lzma "alone" stream */
#define CODEC_LZO	3	/* raw LZO1X */
#define CODEC_XZ	4	/* .xz stream */
#define CODEC_LZ4	5	/* raw LZ4 block */
#define CODEC_ZSTD	6	/* zstd frame */

/* 0 if the host can decompress codec, else ENOTSUP. */
int	codec_available(uint32_t codec);
/*
 * Decompress src[0..srclen) into dst (dstcap bytes); *dstlen gets the
 * bytes written.  ENOTSUP: no such codec here; EINVAL: corrupt input;
 * EFBIG: the output would exceed dstcap; ENOMEM.
 */
int	codec_decompress(uint32_t codec, const void *src, size_t srclen,
	    void *dst, size_t dstcap, size_t *dstlen);
/* The codec's name, for messages ("xz"), or "unknown". */
const char *codec_name(uint32_t codec);

#endif /* !_SYS_CODEC_H_ */
