/*
 * kern_printf.c: console output, debug logging, panic and the report of
 * corrupt on-disk data.
 *
 * Every message is formatted into a bounded buffer on the stack and
 * handed to the host in one hyp_console_write call, so messages from
 * different threads do not interleave mid-line (as far as the host's
 * console write is atomic) and no message can overflow anything: a longer
 * one is cut and ends in "..." to show it.
 */
#include <sys/systm.h>
#include <hyp/hyp.h>

/* Longest message, including a NUL; the rest of a longer one is cut. */
#define KPRINTF_BUFSIZE	512

/* AK_VERBOSE: 0 quiet, 1 warnings, 2+ debug (set by kern_init). */
int kern_verbose;

/*
 * Write the len characters formatted into buf (of size bytes, at least
 * 5), marking a cut message with "..." and keeping the trailing newline
 * that fmt promised.  Returns the number of characters written.
 */
static int
kprintf_emit(char *buf, size_t size, int len, const char *fmt)
{
	size_t n = (size_t)len, flen;

	if (len < 0)
		return 0;
	if (n >= size) {
		flen = strlen(fmt);
		n = size - 1;
		if (flen > 0 && fmt[flen - 1] == '\n')
			memcpy(buf + n - 4, "...\n", 4);
		else
			memcpy(buf + n - 3, "...", 3);
	}
	hyp_console_write(buf, n);
	return (int)n;
}

int
vprintf(const char *fmt, va_list ap)
{
	char buf[KPRINTF_BUFSIZE];

	return kprintf_emit(buf, sizeof(buf), vsnprintf(buf, sizeof(buf), fmt,
	    ap), fmt);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void
log_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > kern_verbose)
		return;
	va_start(ap, fmt);
	(void)vprintf(fmt, ap);
	va_end(ap);
}

/*
 * Format "prefix" + message + "\n" into one buffer and write it, so that
 * the line reaches the console whole.  A message that already ends in a
 * newline does not get a second one.
 */
static void
kprintf_line(const char *prefix, const char *fmt, va_list ap)
{
	char buf[KPRINTF_BUFSIZE];
	size_t plen;
	int len;

	plen = strlcpy(buf, prefix, sizeof(buf));
	if (plen >= sizeof(buf) - 1)
		plen = sizeof(buf) - 2;
	len = vsnprintf(buf + plen, sizeof(buf) - plen - 1, fmt, ap);
	if (len < 0)
		len = 0;
	if ((size_t)len >= sizeof(buf) - plen - 1) {
		/* Cut: leave room for "...\n" and mark it. */
		len = (int)(sizeof(buf) - plen - 2);
		if (len >= 3)
			memcpy(buf + plen + len - 3, "...", 3);
	}
	if (len == 0 || buf[plen + len - 1] != '\n')
		buf[plen + len++] = '\n';
	hyp_console_write(buf, plen + (size_t)len);
}

__dead void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kprintf_line("panic: ", fmt, ap);
	va_end(ap);
	hyp_abort();
}

int
fs_corrupt(const char *fs, const char *func, int line, const char *fmt, ...)
{
	char prefix[128];
	va_list ap;

	/*
	 * Always said, whatever AK_VERBOSE: the caller only gets
	 * EFSCORRUPTED, and a user looking at a damaged image needs to
	 * know which structure is wrong and why.
	 */
	snprintf(prefix, sizeof(prefix), "%s: corrupt: %s:%d: ", fs, func,
	    line);
	va_start(ap, fmt);
	kprintf_line(prefix, fmt, ap);
	va_end(ap);
	return EFSCORRUPTED;
}
