/*
 * vsnprintf: the kernel's formatter, C99 semantics for what it supports.
 *
 * Writes at most size - 1 characters and a NUL into buf (nothing when
 * size is 0) and returns the length the whole output would have had, so
 * a result >= size means the output was cut.
 *
 * Supported: flags '-' '0' '+' ' ' '#', field width and precision (either
 * may be '*'), length modifiers hh h l ll z j t, conversions d i u x X o
 * c s p and %%.  A NULL %s prints "(null)"; %p prints 0x and lower-case
 * hex digits.  There is no floating point, no %n and no wide characters:
 * an unknown conversion is copied to the output as it stands, so a bad
 * format shows in the message instead of consuming arguments.
 */
#include <sys/libkern.h>

#define FL_LEFT		0x01	/* '-': pad on the right */
#define FL_ZERO		0x02	/* '0': pad numbers with zeros */
#define FL_PLUS		0x04	/* '+': sign on positive numbers */
#define FL_SPACE	0x08	/* ' ': space before positive numbers */
#define FL_ALT		0x10	/* '#': 0x prefix, leading octal 0 */

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

/* Cap on widths and precisions, so that parsing cannot overflow an int. */
#define FMT_NUM_MAX	100000

struct fmt_out {
	char	*fo_buf;	/* destination */
	size_t	 fo_size;	/* its size, including room for the NUL */
	size_t	 fo_len;	/* characters produced, stored or not */
};

struct fmt_spec {
	int	fs_flags;	/* FL_* */
	int	fs_width;	/* minimum field width, 0 if none */
	int	fs_prec;	/* precision, -1 if none */
	int	fs_len;		/* LEN_* */
	char	fs_conv;	/* conversion character, '\0' at end of fmt */
};

static void
fmt_putc(struct fmt_out *fo, char c)
{
	if (fo->fo_len + 1 < fo->fo_size)
		fo->fo_buf[fo->fo_len] = c;
	fo->fo_len++;
}

static void
fmt_puts(struct fmt_out *fo, const char *s, size_t n)
{
	while (n-- > 0)
		fmt_putc(fo, *s++);
}

static void
fmt_pad(struct fmt_out *fo, char c, int n)
{
	while (n-- > 0)
		fmt_putc(fo, c);
}

/* Parse a decimal number or '*' at *pp, for a width or a precision. */
static int
fmt_num(const char **pp, va_list *ap)
{
	const char *p = *pp;
	int n = 0;

	if (*p == '*') {
		*pp = p + 1;
		/* Negative values mean something; only cap large ones. */
		n = va_arg(*ap, int);
		return n < FMT_NUM_MAX ? n : FMT_NUM_MAX;
	}
	for (; *p >= '0' && *p <= '9'; p++)
		if (n < FMT_NUM_MAX)
			n = n * 10 + (*p - '0');
	*pp = p;
	return n < FMT_NUM_MAX ? n : FMT_NUM_MAX;
}

static const char *
fmt_parse_flags(const char *p, struct fmt_spec *fs)
{
	for (;; p++) {
		switch (*p) {
		case '-': fs->fs_flags |= FL_LEFT; break;
		case '0': fs->fs_flags |= FL_ZERO; break;
		case '+': fs->fs_flags |= FL_PLUS; break;
		case ' ': fs->fs_flags |= FL_SPACE; break;
		case '#': fs->fs_flags |= FL_ALT; break;
		default: return p;
		}
	}
}

static const char *
fmt_parse_len(const char *p, struct fmt_spec *fs)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			fs->fs_len = LEN_HH;
			return p + 2;
		}
		fs->fs_len = LEN_H;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			fs->fs_len = LEN_LL;
			return p + 2;
		}
		fs->fs_len = LEN_L;
		return p + 1;
	case 'z': fs->fs_len = LEN_Z; return p + 1;
	case 'j': fs->fs_len = LEN_J; return p + 1;
	case 't': fs->fs_len = LEN_T; return p + 1;
	default: return p;
	}
}

/* Parse the directive after a '%'; returns the conversion character. */
static const char *
fmt_parse(const char *p, struct fmt_spec *fs, va_list *ap)
{
	fs->fs_flags = 0;
	fs->fs_width = 0;
	fs->fs_prec = -1;
	fs->fs_len = LEN_NONE;
	p = fmt_parse_flags(p, fs);
	fs->fs_width = fmt_num(&p, ap);
	/* A negative '*' width means '-' and its absolute value. */
	if (fs->fs_width < 0) {
		fs->fs_flags |= FL_LEFT;
		fs->fs_width = fs->fs_width < -FMT_NUM_MAX ? FMT_NUM_MAX :
		    -fs->fs_width;
	}
	if (*p == '.') {
		p++;
		fs->fs_prec = fmt_num(&p, ap);
		/* A negative '*' precision counts as none. */
		if (fs->fs_prec < 0)
			fs->fs_prec = -1;
	}
	p = fmt_parse_len(p, fs);
	fs->fs_conv = *p;
	return p;
}

/* Fetch a signed integer argument; its magnitude, the sign in *neg. */
static uint64_t
fmt_arg_signed(const struct fmt_spec *fs, va_list *ap, bool *neg)
{
	int64_t v;

	switch (fs->fs_len) {
	case LEN_HH: v = (signed char)va_arg(*ap, int); break;
	case LEN_H: v = (short)va_arg(*ap, int); break;
	case LEN_L: v = va_arg(*ap, long); break;
	case LEN_LL: v = va_arg(*ap, long long); break;
	case LEN_Z:
		/* The signed type of the size of size_t (ssize_t). */
		v = sizeof(size_t) == sizeof(long) ? va_arg(*ap, long) :
		    va_arg(*ap, int);
		break;
	case LEN_J: v = va_arg(*ap, __INTMAX_TYPE__); break;
	case LEN_T: v = va_arg(*ap, __PTRDIFF_TYPE__); break;
	default: v = va_arg(*ap, int); break;
	}
	*neg = v < 0;
	/* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

static uint64_t
fmt_arg_unsigned(const struct fmt_spec *fs, va_list *ap)
{
	switch (fs->fs_len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, __UINTMAX_TYPE__);
	case LEN_T: return (size_t)va_arg(*ap, __PTRDIFF_TYPE__);
	default: return va_arg(*ap, unsigned);
	}
}

/* The sign or base prefix of a number: "-", "+", " ", "0x", "0X" or "". */
static const char *
fmt_prefix(const struct fmt_spec *fs, uint64_t u, bool neg)
{
	switch (fs->fs_conv) {
	case 'd':
	case 'i':
		if (neg)
			return "-";
		if (fs->fs_flags & FL_PLUS)
			return "+";
		return fs->fs_flags & FL_SPACE ? " " : "";
	case 'x':
		return (fs->fs_flags & FL_ALT) && u != 0 ? "0x" : "";
	case 'X':
		return (fs->fs_flags & FL_ALT) && u != 0 ? "0X" : "";
	case 'p':
		return "0x";
	default:
		return "";
	}
}

/*
 * Format the magnitude u.  The precision is the minimum number of digits
 * (default 1; precision 0 prints nothing for 0).  '0' pads with zeros
 * after the prefix, unless '-' or a precision is given.
 */
static void
fmt_int(struct fmt_out *fo, const struct fmt_spec *fs, uint64_t u, bool neg)
{
	const char *xd = fs->fs_conv == 'X' ? "0123456789ABCDEF" :
	    "0123456789abcdef";
	const char *prefix = fmt_prefix(fs, u, neg);
	unsigned base = fs->fs_conv == 'o' ? 8 :
	    fs->fs_conv == 'x' || fs->fs_conv == 'X' || fs->fs_conv == 'p' ?
	    16 : 10;
	char digits[24];	/* 2^64 - 1 has 22 octal digits */
	int nd = 0, zeros, pad;
	int prec = fs->fs_prec < 0 ? 1 : fs->fs_prec;

	for (; u != 0; u /= base)
		digits[nd++] = xd[u % base];
	zeros = prec > nd ? prec - nd : 0;
	/* '#' with 'o': the first digit printed must be a 0. */
	if (fs->fs_conv == 'o' && (fs->fs_flags & FL_ALT) && zeros == 0 &&
	    (nd == 0 || digits[nd - 1] != '0'))
		zeros = 1;
	pad = fs->fs_width - (int)strlen(prefix) - zeros - nd;
	if ((fs->fs_flags & (FL_ZERO | FL_LEFT)) == FL_ZERO &&
	    fs->fs_prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!(fs->fs_flags & FL_LEFT))
		fmt_pad(fo, ' ', pad);
	fmt_puts(fo, prefix, strlen(prefix));
	fmt_pad(fo, '0', zeros);
	while (nd > 0)
		fmt_putc(fo, digits[--nd]);
	if (fs->fs_flags & FL_LEFT)
		fmt_pad(fo, ' ', pad);
}

/* Output n characters of s in the field, padded with spaces. */
static void
fmt_field(struct fmt_out *fo, const struct fmt_spec *fs, const char *s,
    size_t n)
{
	int pad = fs->fs_width > (int)n ? fs->fs_width - (int)n : 0;

	if (!(fs->fs_flags & FL_LEFT))
		fmt_pad(fo, ' ', pad);
	fmt_puts(fo, s, n);
	if (fs->fs_flags & FL_LEFT)
		fmt_pad(fo, ' ', pad);
}

/* Carry out one conversion; false if fs_conv is not one we know. */
static bool
fmt_convert(struct fmt_out *fo, const struct fmt_spec *fs, va_list *ap)
{
	const char *s;
	uint64_t u;
	bool neg = false;
	char c;

	switch (fs->fs_conv) {
	case 'd':
	case 'i':
		u = fmt_arg_signed(fs, ap, &neg);
		fmt_int(fo, fs, u, neg);
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		fmt_int(fo, fs, fmt_arg_unsigned(fs, ap), false);
		return true;
	case 'p':
		fmt_int(fo, fs, (uintptr_t)va_arg(*ap, void *), false);
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		fmt_field(fo, fs, &c, 1);
		return true;
	case 's':
		if ((s = va_arg(*ap, const char *)) == NULL)
			s = "(null)";
		fmt_field(fo, fs, s, fs->fs_prec < 0 ? strlen(s) :
		    strnlen(s, (size_t)fs->fs_prec));
		return true;
	case '%':
		fmt_putc(fo, '%');
		return true;
	default:
		return false;
	}
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
	struct fmt_out fo = { buf, size, 0 };
	struct fmt_spec fs;
	const char *p, *start;
	va_list ap;

	/* A copy, so that helpers can take its address portably. */
	va_copy(ap, ap0);
	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			fmt_putc(&fo, *p);
			continue;
		}
		start = p;
		p = fmt_parse(p + 1, &fs, &ap);
		if (!fmt_convert(&fo, &fs, &ap)) {
			fmt_puts(&fo, start, (size_t)(p - start) +
			    (*p != '\0'));
			if (*p == '\0')
				break;
		}
	}
	va_end(ap);
	if (size > 0)
		buf[fo.fo_len < size ? fo.fo_len : size - 1] = '\0';
	return fo.fo_len > INT32_MAX ? INT32_MAX : (int)fo.fo_len;
}
