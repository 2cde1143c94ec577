/*
 * kern/lib/crc_slice8.h: the slice-by-8 loop shared by the reflected
 * 32-bit CRCs of libkern (crc32c.c, crc32.c).  Private to kern/lib/.
 *
 * tab[0][i] is the CRC register after feeding byte i into a zero register;
 * tab[k][i] is the same followed by k zero bytes.  Because a CRC is linear
 * over GF(2), eight bytes fold into the register with eight independent
 * lookups instead of eight dependent ones.  The eight bytes are read with
 * le32dec, which compilers turn into plain loads, so neither alignment
 * nor host byte order matters.
 */
#ifndef _KERN_LIB_CRC_SLICE8_H_
#define _KERN_LIB_CRC_SLICE8_H_

#include <sys/libkern.h>

static inline uint32_t
crc_slice8(const uint32_t tab[8][256], uint32_t crc, const void *buf,
    size_t len)
{
	const uint8_t *p = buf;
	uint32_t lo, hi;

	for (; len >= 8; len -= 8, p += 8) {
		lo = crc ^ le32dec(p);
		hi = le32dec(p + 4);
		crc = tab[7][lo & 0xff] ^ tab[6][(lo >> 8) & 0xff] ^
		    tab[5][(lo >> 16) & 0xff] ^ tab[4][lo >> 24] ^
		    tab[3][hi & 0xff] ^ tab[2][(hi >> 8) & 0xff] ^
		    tab[1][(hi >> 16) & 0xff] ^ tab[0][hi >> 24];
	}
	for (; len > 0; len--, p++)
		crc = (crc >> 8) ^ tab[0][(crc ^ *p) & 0xff];
	return crc;
}

#endif /* !_KERN_LIB_CRC_SLICE8_H_ */
