/*
 * fmt.c: how sizes, modes and times look in ls, du, df, stat and find:
 * the same as in GNU coreutils, so their output can be compared.
 */
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fsu/fsu.h"

/*
 * -h: powers of 1024, rounded up (never understate a size), one decimal
 * below 10 ("4.0K", "12K", "1.5M").
 */
void
fsu_human(char *buf, size_t len, uint64_t n)
{
	static const char units[] = "KMGTPEZ";
	double v;
	int u;

	if (n < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)n);
		return;
	}
	v = (double)n;
	for (u = -1; v >= 1024 && u < 6; u++)
		v /= 1024;
	if (v < 10) {
		v = ceil(v * 10) / 10;
		if (v < 10) {
			snprintf(buf, len, "%.1f%c", v, units[u]);
			return;
		}
	}
	v = ceil(v);
	if (v >= 1024 && u < 6) {
		snprintf(buf, len, "1.0%c", units[u + 1]);
		return;
	}
	snprintf(buf, len, "%.0f%c", v, units[u]);
}

static char
fsu_typechar(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR:	return 'd';
	case S_IFLNK:	return 'l';
	case S_IFCHR:	return 'c';
	case S_IFBLK:	return 'b';
	case S_IFIFO:	return 'p';
	case S_IFSOCK:	return 's';
	case S_IFREG:	return '-';
	default:	return '?';
	}
}

void
fsu_modestr(mode_t m, char buf[11])
{
	buf[0] = fsu_typechar(m);
	buf[1] = (m & S_IRUSR) ? 'r' : '-';
	buf[2] = (m & S_IWUSR) ? 'w' : '-';
	buf[3] = (m & S_ISUID) ? ((m & S_IXUSR) ? 's' : 'S') :
	    ((m & S_IXUSR) ? 'x' : '-');
	buf[4] = (m & S_IRGRP) ? 'r' : '-';
	buf[5] = (m & S_IWGRP) ? 'w' : '-';
	buf[6] = (m & S_ISGID) ? ((m & S_IXGRP) ? 's' : 'S') :
	    ((m & S_IXGRP) ? 'x' : '-');
	buf[7] = (m & S_IROTH) ? 'r' : '-';
	buf[8] = (m & S_IWOTH) ? 'w' : '-';
	buf[9] = (m & S_ISVTX) ? ((m & S_IXOTH) ? 't' : 'T') :
	    ((m & S_IXOTH) ? 'x' : '-');
	buf[10] = '\0';
}

/* strftime with GNU's %N (nanoseconds) added. */
static void
fsu_strftime_ns(char *buf, size_t len, const char *fmt, const struct tm *tm,
    long nsec)
{
	char f[256], ns[16];
	size_t i, o;

	snprintf(ns, sizeof(ns), "%09ld", nsec);
	for (i = o = 0; fmt[i] != '\0' && o + 10 < sizeof(f); i++) {
		if (fmt[i] == '%' && fmt[i + 1] == 'N') {
			memcpy(f + o, ns, 9);
			o += 9;
			i++;
		} else if (fmt[i] == '%' && fmt[i + 1] != '\0') {
			f[o++] = fmt[i++];
			f[o++] = fmt[i];
		} else
			f[o++] = fmt[i];
	}
	f[o] = '\0';
	if (strftime(buf, len, f, tm) == 0 && len > 0)
		buf[0] = '\0';
}

/*
 * ls's --time-style: full-iso, long-iso, iso, locale (the default) or
 * +FORMAT.  The short styles show the year instead of the time for
 * files older than six months or in the future, as ls does.
 */
int
fsu_timestr(char *buf, size_t len, const struct timespec *ts,
    const char *style)
{
	struct tm tm;
	time_t now, t;
	int recent;

	t = ts->tv_sec;
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "%lld", (long long)t);
		return 0;
	}
	now = time(NULL);
	recent = t <= now && now - t < 31556952 / 2;
	if (style == NULL || strcmp(style, "locale") == 0)
		fsu_strftime_ns(buf, len, recent ? "%b %e %H:%M" :
		    "%b %e  %Y", &tm, 0);
	else if (strcmp(style, "full-iso") == 0)
		fsu_strftime_ns(buf, len, "%Y-%m-%d %H:%M:%S.%N %z", &tm,
		    ts->tv_nsec);
	else if (strcmp(style, "long-iso") == 0)
		fsu_strftime_ns(buf, len, "%Y-%m-%d %H:%M", &tm, 0);
	else if (strcmp(style, "iso") == 0)
		fsu_strftime_ns(buf, len, recent ? "%m-%d %H:%M" :
		    "%Y-%m-%d ", &tm, 0);
	else if (style[0] == '+')
		fsu_strftime_ns(buf, len, style + 1, &tm, ts->tv_nsec);
	else
		return -1;
	return 0;
}
