/*
 * fat_name.c: file names of FAT: long names in UTF-16 to and from the
 * kernel's UTF-8, 8.3 short names (code page 437, NT lower-case flags)
 * to UTF-8, and the case-insensitive comparison lookup uses.
 *
 * Invalid input is an error, never a guess: an unpaired surrogate in a
 * long name, or a malformed or overlong UTF-8 sequence, make the
 * conversion fail, and the directory code then falls back to the short
 * name.  Case folding covers ASCII, Latin-1, basic Greek and Cyrillic:
 * the letters of the code pages FAT volumes are made with in practice;
 * other scripts compare exactly.  This is less than the full Unicode
 * upcase table Windows uses, and is documented as such.
 */
#include <sys/systm.h>
#include <sys/libkern.h>
#include "fs/fatfs/fat_fmt.h"
#include "fs/fatfs/fatfs.h"

/* Code page 437, bytes 0x80-0xff, as Unicode (the OEM code page of DOS). */
static const uint16_t fat_cp437[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
	0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
	0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
	0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
	0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
	0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
	0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

/*
 * The code page 437 byte of Unicode code point cp, or -1 if it has none
 * (ASCII maps to itself).  A linear search: short names are made once
 * per create, and only for names outside ASCII.
 */
int
fat_unicode_to_oem(uint32_t cp)
{
	int i;

	if (cp < 0x80)
		return (int)cp;
	for (i = 0; i < 128; i++)
		if (fat_cp437[i] == cp)
			return 0x80 + i;
	return -1;
}

/* Append code point cp as UTF-8; false if it does not fit. */
static bool
fat_put_utf8(uint32_t cp, char *out, size_t outsz, size_t *pos)
{
	uint8_t b[4];
	size_t n, i;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | cp >> 18);
		b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (*pos + n >= outsz)
		return false;
	for (i = 0; i < n; i++)
		out[(*pos)++] = (char)b[i];
	return true;
}

int
fat_utf16_to_utf8(const uint16_t *u, size_t n, char *out, size_t outsz,
    size_t *outlen)
{
	size_t i, pos = 0;
	uint32_t cp;

	for (i = 0; i < n; i++) {
		cp = u[i];
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return EINVAL;		/* low surrogate first */
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 1 == n || u[i + 1] < 0xdc00 ||
			    u[i + 1] > 0xdfff)
				return EINVAL;	/* unpaired high surrogate */
			cp = 0x10000 + ((cp - 0xd800) << 10) +
			    (u[i + 1] - 0xdc00);
			i++;
		}
		if (cp == 0 || cp == '/')
			return EINVAL;
		if (!fat_put_utf8(cp, out, outsz, &pos))
			return ENAMETOOLONG;
	}
	out[pos] = '\0';
	*outlen = pos;
	return 0;
}

int
fat_utf8_next(const char **sp, const char *end, uint32_t *cpp)
{
	const uint8_t *s = (const uint8_t *)*sp;
	uint32_t cp, min;
	size_t n, i;

	if (s[0] < 0x80) {
		cp = s[0];
		n = 1;
		min = 0;
	} else if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		n = 2;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		n = 3;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		n = 4;
		min = 0x10000;
	} else
		return EINVAL;
	if ((size_t)((const uint8_t *)end - s) < n)
		return EINVAL;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return EINVAL;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return EINVAL;		/* overlong, too large, surrogate */
	*sp += n;
	*cpp = cp;
	return 0;
}

int
fat_utf8_to_utf16(const char *s, size_t len, uint16_t *u, size_t maxu,
    size_t *nu)
{
	const char *end = s + len;
	size_t n = 0;
	uint32_t cp;
	int error;

	while (s < end) {
		if ((error = fat_utf8_next(&s, end, &cp)) != 0)
			return error;
		if (cp >= 0x10000) {
			if (n + 2 > maxu)
				return ENAMETOOLONG;
			cp -= 0x10000;
			u[n++] = (uint16_t)(0xd800 + (cp >> 10));
			u[n++] = (uint16_t)(0xdc00 + (cp & 0x3ff));
		} else {
			if (n + 1 > maxu)
				return ENAMETOOLONG;
			u[n++] = (uint16_t)cp;
		}
	}
	*nu = n;
	return 0;
}

/*
 * Lower case of an upper-case letter, the inverse of fat_fold: what the
 * NT lower-case flags ask for (Linux applies them through the code
 * page's tolower, so non-ASCII letters of a short name change too).
 */
static uint32_t
fat_lower(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 0x20;
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;		/* Latin-1 */
	if (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2)
		return cp + 0x20;		/* Greek */
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 0x20;		/* Cyrillic */
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	return cp;
}

/*
 * Append the OEM byte c of a short name, lower-cased if lower.  ASCII,
 * nearly every byte of every short name, is one byte as it stands
 * (every listing and lookup converts short names).
 */
static inline bool
fat_put_oem(uint8_t c, bool lower, char *out, size_t outsz, size_t *pos)
{
	uint32_t cp;

	if (c < 0x80) {
		if (*pos + 1 >= outsz)
			return false;
		if (lower && c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 0x20);
		out[(*pos)++] = (char)c;
		return true;
	}
	cp = fat_cp437[c - 0x80];
	return fat_put_utf8(lower ? fat_lower(cp) : cp, out, outsz, pos);
}

int
fat_shortname_to_utf8(const uint8_t name[11], uint8_t ntflags, char *out,
    size_t outsz, size_t *outlen)
{
	size_t pos = 0;
	int blen, elen, i;
	uint8_t c;

	for (i = 0; i < 11; i++)
		if (name[i] < 0x20 || name[i] == '/' || name[i] == '\\')
			return EINVAL;
	for (blen = 8; blen > 0 && name[blen - 1] == ' '; blen--)
		continue;
	for (elen = 3; elen > 0 && name[8 + elen - 1] == ' '; elen--)
		continue;
	if (blen == 0)
		return EINVAL;
	for (i = 0; i < blen; i++) {
		c = (i == 0 && name[0] == FAT_NAME_KANJI_E5) ? 0xe5 : name[i];
		if (!fat_put_oem(c, (ntflags & FAT_NT_LOWER_BASE) != 0, out,
		    outsz, &pos))
			return ENAMETOOLONG;
	}
	if (elen > 0 && !fat_put_oem('.', false, out, outsz, &pos))
		return ENAMETOOLONG;
	for (i = 0; i < elen; i++)
		if (!fat_put_oem(name[8 + i], (ntflags & FAT_NT_LOWER_EXT) != 0,
		    out, outsz, &pos))
			return ENAMETOOLONG;
	out[pos] = '\0';
	*outlen = pos;
	if ((pos == 1 && out[0] == '.') ||
	    (pos == 2 && out[0] == '.' && out[1] == '.'))
		return EINVAL;	/* only the real dot entries may say that */
	return 0;
}

int
fat_label_to_utf8(const uint8_t name[11], char *out, size_t outsz,
    size_t *outlen)
{
	size_t pos = 0;
	int n, i;

	for (n = 11; n > 0 && (name[n - 1] == ' ' || name[n - 1] == 0); n--)
		continue;
	for (i = 0; i < n; i++) {
		if (name[i] < 0x20)
			return EINVAL;
		if (!fat_put_oem(name[i], false, out, outsz, &pos))
			return ENAMETOOLONG;
	}
	out[pos] = '\0';
	*outlen = pos;
	return 0;
}

uint32_t
fat_fold(uint32_t cp)
{
	if (cp >= 'a' && cp <= 'z')
		return cp - 0x20;
	if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
		return cp - 0x20;		/* Latin-1 */
	if (cp == 0xff)
		return 0x178;
	if (cp >= 0x3b1 && cp <= 0x3c9 && cp != 0x3c2)
		return cp - 0x20;		/* Greek */
	if (cp >= 0x430 && cp <= 0x44f)
		return cp - 0x20;		/* Cyrillic */
	if (cp >= 0x450 && cp <= 0x45f)
		return cp - 0x50;
	return cp;
}

bool
fat_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *aend = a + alen, *bend = b + blen;
	uint32_t ca, cb;

	while (a < aend && b < bend) {
		ca = (uint8_t)*a;
		cb = (uint8_t)*b;
		if (ca < 0x80 && cb < 0x80) {	/* ASCII: no decoding */
			if (ca != cb && fat_fold(ca) != fat_fold(cb))
				return false;
			a++;
			b++;
			continue;
		}
		if (fat_utf8_next(&a, aend, &ca) != 0 ||
		    fat_utf8_next(&b, bend, &cb) != 0)
			return false;
		if (ca != cb && fat_fold(ca) != fat_fold(cb))
			return false;
	}
	return a == aend && b == bend;
}
