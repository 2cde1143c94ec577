/*
 * kstrtou64: parse a whole string as an unsigned 64-bit number.
 *
 * base is 2..36, or 0 to choose from the prefix: "0x"/"0X" hexadecimal,
 * a leading "0" octal, else decimal.  Base 16 also accepts the "0x"
 * prefix.  No sign, no white space, no trailing characters: the string
 * must be digits of the base and nothing else.
 *
 * Returns 0 and stores the value in *res, EINVAL for an empty string, a
 * bad base or any character that is not a digit of the base (this wins
 * over overflow), ERANGE if the value does not fit in 64 bits.  *res is
 * untouched on error.
 */
#include <sys/libkern.h>
#include <sys/errno.h>

/* The value of digit c (any base up to 36), or 36 if c is no digit. */
static unsigned
digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A' + 10);
	return 36;
}

/* Skip a base prefix, settling base 0; returns the first digit. */
static const char *
skip_prefix(const char *s, int *base)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if (*base == 0) {
		if (hex)
			*base = 16;
		else if (s[0] == '0')
			*base = 8;
		else
			*base = 10;
	}
	/* "0x" with no hex digit after it is an error, not a zero. */
	if (*base == 16 && hex)
		return s + 2;
	return s;
}

int
kstrtou64(const char *s, int base, uint64_t *res)
{
	uint64_t v = 0;
	unsigned d;
	bool overflow = false;

	if (base < 0 || base == 1 || base > 36)
		return EINVAL;
	s = skip_prefix(s, &base);
	if (*s == '\0')
		return EINVAL;
	for (; *s != '\0'; s++) {
		if ((d = digit_value(*s)) >= (unsigned)base)
			return EINVAL;
		if (v > (UINT64_MAX - d) / (unsigned)base)
			overflow = true;
		v = v * (unsigned)base + d;
	}
	if (overflow)
		return ERANGE;
	*res = v;
	return 0;
}
