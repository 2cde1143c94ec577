/*
 * snprintf: vsnprintf with its arguments inline (see vsnprintf.c for the
 * supported conversions and the return value).
 */
#include <sys/libkern.h>

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}
