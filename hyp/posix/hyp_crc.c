/*
 * hyp_crc.c: CRC-32C with the CPU's instruction, when it has one.
 *
 * ext4 checksums every inode it reads with CRC-32C; the kernel's
 * slice-by-8 tables take about 1,200 instructions for a 256-byte inode,
 * the SSE4.2 crc32 instruction about 40.  The kernel cannot test the CPU
 * (it builds freestanding), so it asks here once and falls back to its
 * tables on NULL.  The instruction uses the same reflected polynomial and
 * does no inversion, so the register passes through unchanged.
 *
 * XXX aarch64 has crc32c{b,h,w,x} behind HWCAP_CRC32; not done yet.
 */
#include <stdint.h>
#include <string.h>

#include "hyp/hyp.h"
#include "hyp_posix.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

__attribute__((__target__("sse4.2")))
static hyp_u32
crc32c_sse42(hyp_u32 crc, const void *buf, hyp_u64 len)
{
	const unsigned char *p = buf;
	uint64_t c = crc, w;

	/* Eight bytes a step; memcpy makes the load alignment-free. */
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, sizeof(w));
		c = __builtin_ia32_crc32di(c, w);
	}
	for (; len > 0; len--, p++)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p);
	return (hyp_u32)c;
}

hyp_crc32c_t
hyp_crc32c_fn(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("sse4.2") ? crc32c_sse42 : NULL;
}

#else

hyp_crc32c_t
hyp_crc32c_fn(void)
{
	return NULL;
}

#endif
