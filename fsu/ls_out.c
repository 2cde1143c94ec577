/*
 * ls_out.c: ls's output buffer.  A -l line has eight fields; formatting
 * each with printf cost more than reading the entry from the image, so
 * lines are assembled here by hand and reach stdout in large writes.
 * Everything ls_print writes goes through here and is flushed before it
 * returns, so it stays in order with what cmd_ls.c prints itself.
 */
#include <stdio.h>
#include <string.h>

#include "fsu/ls.h"

#define LS_OUTSZ	65536

static char	ls_obuf[LS_OUTSZ];
static size_t	ls_olen;
static int	ls_oerr;		/* a write to stdout failed */

static void
ls_drain(void)
{
	if (ls_olen > 0 && fwrite(ls_obuf, 1, ls_olen, stdout) != ls_olen)
		ls_oerr = 1;
	ls_olen = 0;
}

void
ls_putn(const char *s, size_t len)
{
	if (ls_olen + len > sizeof(ls_obuf)) {
		ls_drain();
		if (len > sizeof(ls_obuf)) {
			if (fwrite(s, 1, len, stdout) != len)
				ls_oerr = 1;
			return;
		}
	}
	memcpy(ls_obuf + ls_olen, s, len);
	ls_olen += len;
}

void
ls_putc(char c)
{
	if (ls_olen == sizeof(ls_obuf))
		ls_drain();
	ls_obuf[ls_olen++] = c;
}

void
ls_puts(const char *s)
{
	ls_putn(s, strlen(s));
}

void
ls_pad(size_t n)
{
	static const char blanks[] = "                                ";
	size_t k;

	for (; n > 0; n -= k) {
		k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;
		ls_putn(blanks, k);
	}
}

size_t
ls_udigits(uintmax_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

void
ls_putu(uintmax_t v, size_t width)
{
	char d[24];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (width > sizeof(d) - i)
		ls_pad(width - (sizeof(d) - i));
	ls_putn(d + i, sizeof(d) - i);
}

int
ls_flush(void)
{
	int err;

	ls_drain();
	err = ls_oerr;
	ls_oerr = 0;
	return err ? -1 : 0;
}
