/*
 * sys/libkern.h: the freestanding C library of the kernel (kern/lib/),
 * one routine per file.  mem* keep their standard names because the
 * compiler may emit calls to them; the kernel object is linked with all
 * such names made local, so they never meet the host's C library.
 */
#ifndef _SYS_LIBKERN_H_
#define _SYS_LIBKERN_H_

#include <sys/param.h>

void	*memcpy(void *restrict d, const void *restrict s, size_t n);
void	*memmove(void *d, const void *s, size_t n);
void	*memset(void *d, int c, size_t n);
int	 memcmp(const void *a, const void *b, size_t n);
void	*memchr(const void *s, int c, size_t n);

/*
 * Through the compiler's builtins, so that a copy or fill whose size is
 * known at compile time (a struct, a raw inode) becomes a few inline
 * moves instead of a call into the loops of kern/lib (memset and memcpy
 * were 9% of the instructions of `fsu ls -l`); other sizes still call
 * them.  kern/lib/mem*.c and the tests of those routines define
 * LIBKERN_NO_BUILTINS before including this header.
 */
#ifndef LIBKERN_NO_BUILTINS
#define memcpy(d, s, n)	__builtin_memcpy((d), (s), (n))
#define memset(d, c, n)	__builtin_memset((d), (c), (n))
#endif

size_t	 strlen(const char *s);
size_t	 strnlen(const char *s, size_t max);
int	 strcmp(const char *a, const char *b);
int	 strncmp(const char *a, const char *b, size_t n);
char	*strchr(const char *s, int c);
char	*strrchr(const char *s, int c);
size_t	 strlcpy(char *d, const char *s, size_t size);
size_t	 strlcat(char *d, const char *s, size_t size);
char	*strsep(char **sp, const char *delim);
int	 strncasecmp(const char *a, const char *b, size_t n);

/* Parse an unsigned number (base 0: 0x hex, 0 octal, else decimal). */
int	 kstrtou64(const char *s, int base, uint64_t *res);

int	 snprintf(char *buf, size_t size, const char *fmt, ...)
	    __printflike(3, 4);
int	 vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

void	 qsort(void *base, size_t n, size_t size,
	    int (*cmp)(const void *, const void *));

/*
 * CRC-32C (Castagnoli), as ext4 and btrfs use it: no final inversion.
 * crc32c uses the host's CPU routine once kern_init has installed it
 * (crc32c_set_accel; NULL goes back to the tables), crc32c_sw always the
 * tables: the two must agree (tests/unit/t_libkern.c).
 */
typedef uint32_t (*crc32c_fn_t)(uint32_t crc, const void *buf, uint64_t len);
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);
uint32_t crc32c_sw(uint32_t crc, const void *buf, size_t len);
void	 crc32c_set_accel(crc32c_fn_t fn);
crc32c_fn_t crc32c_accel(void);
/* CRC-16 (IBM/ANSI, poly 0x8005 reflected), as ext4 group desc. use it. */
uint16_t crc16(uint16_t crc, const void *buf, size_t len);
/* CRC-32 (IEEE 802.3, reflected), zlib's crc32 and GPT's. */
uint32_t crc32(uint32_t crc, const void *buf, size_t len);

/* Bit operations. */
static inline int
ffs64(uint64_t x)
{
	return x == 0 ? 0 : __builtin_ctzll(x) + 1;
}
static inline int
fls64(uint64_t x)
{
	return x == 0 ? 0 : 64 - __builtin_clzll(x);
}
static inline int
popcount64(uint64_t x)
{
	return __builtin_popcountll(x);
}

/*
 * Endian codecs: on-disk fields are read and written through these,
 * byte by byte, so alignment and host byte order never matter.
 */
static inline uint16_t
le16dec(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t
le32dec(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}
static inline uint64_t
le64dec(const void *p)
{
	const uint8_t *b = p;
	return le32dec(b) | (uint64_t)le32dec(b + 4) << 32;
}
static inline uint16_t
be16dec(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}
static inline uint32_t
be32dec(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | (uint32_t)b[3];
}
static inline uint64_t
be64dec(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)be32dec(b) << 32 | be32dec(b + 4);
}
static inline void
le16enc(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}
static inline void
le32enc(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}
static inline void
le64enc(void *p, uint64_t v)
{
	le32enc(p, (uint32_t)v);
	le32enc((uint8_t *)p + 4, (uint32_t)(v >> 32));
}
static inline void
be16enc(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}
static inline void
be32enc(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}
static inline void
be64enc(void *p, uint64_t v)
{
	be32enc(p, (uint32_t)(v >> 32));
	be32enc((uint8_t *)p + 4, (uint32_t)v);
}

#endif /* !_SYS_LIBKERN_H_ */
