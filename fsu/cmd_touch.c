/*
 * cmd_touch.c: fsu_touch [-a] [-m] [-c] [-h] [-d DATE | -r REF |
 * -t STAMP] FILE..., as in coreutils.  -d takes "@SECONDS[.frac]",
 * "YYYY-MM-DD", "YYYY-MM-DD[ T]HH:MM[:SS[.frac]]" with an optional
 * "Z"/"UTC" (else local time); -t takes [[CC]YY]MMDDhhmm[.ss].
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

/* ".123" → nanoseconds; the rest of the string is left in *endp. */
static long
fsu_frac(const char *s, const char **endp)
{
	long ns = 0;
	int d = 0;

	if (*s == '.' || *s == ',')
		for (s++; *s >= '0' && *s <= '9'; s++, d++)
			if (d < 9)
				ns = ns * 10 + (*s - '0');
	for (; d < 9 && d > 0; d++)
		ns *= 10;
	*endp = s;
	return ns;
}

static int
fsu_date_parse(const char *s, struct timespec *ts)
{
	static const char *fmts[] = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
	    "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d", NULL };
	struct tm tm;
	const char *end = NULL, *e2;
	char *ep;
	int i, utc;

	if (s[0] == '@') {
		ts->tv_sec = (time_t)strtoll(s + 1, &ep, 10);
		ts->tv_nsec = fsu_frac(ep, &e2);
		return ep == s + 1 || *e2 != '\0' ? -1 : 0;
	}
	for (i = 0; fmts[i] != NULL && end == NULL; i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, fmts[i], &tm);
	}
	if (end == NULL)
		return -1;
	ts->tv_nsec = fsu_frac(end, &end);
	while (*end == ' ')
		end++;
	utc = strcmp(end, "Z") == 0 || strcmp(end, "UTC") == 0 ||
	    strcmp(end, "+0000") == 0 || strcmp(end, "+00:00") == 0;
	if (*end != '\0' && !utc)
		return -1;
	tm.tm_isdst = -1;
	ts->tv_sec = utc ? timegm(&tm) : mktime(&tm);
	return 0;
}

/* POSIX touch -t [[CC]YY]MMDDhhmm[.SS]. */
static int
fsu_stamp_parse(const char *s, struct timespec *ts)
{
	char buf[16];
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	struct tm tm, now;
	time_t t = time(NULL);
	int v[6], i, k = 0;

	if ((n != 8 && n != 10 && n != 12) || strspn(s, "0123456789") != n ||
	    (dot && (strlen(dot) != 3 || strspn(dot + 1, "0123456789") != 2)))
		return -1;
	memset(&tm, 0, sizeof(tm));
	localtime_r(&t, &now);
	for (i = 0; i < (int)n / 2; i++)
		v[i] = (s[2 * i] - '0') * 10 + (s[2 * i + 1] - '0');
	if (n == 12)
		tm.tm_year = v[k] * 100 + v[k + 1] - 1900, k += 2;
	else if (n == 10)
		tm.tm_year = (v[k] < 69 ? 100 : 0) + v[k], k++;
	else
		tm.tm_year = now.tm_year;
	tm.tm_mon = v[k] - 1;
	tm.tm_mday = v[k + 1];
	tm.tm_hour = v[k + 2];
	tm.tm_min = v[k + 3];
	snprintf(buf, sizeof(buf), "%s", dot ? dot + 1 : "0");
	tm.tm_sec = atoi(buf);
	tm.tm_isdst = -1;
	ts->tv_sec = mktime(&tm);
	ts->tv_nsec = 0;
	return 0;
}

struct fsu_touchopt {
	int		noatime, nomtime, nocreate, nofollow;
	int		given;
	struct timespec	ts[2];
};

static int
fsu_touch1(const struct fsu_touchopt *o, const char *path)
{
	struct timespec ts[2];
	int fd;

	ts[0] = o->ts[0];
	ts[1] = o->ts[1];
	if (!o->given)
		ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
	if (o->noatime)
		ts[0].tv_nsec = UTIME_OMIT;
	if (o->nomtime)
		ts[1].tv_nsec = UTIME_OMIT;
	if (ak_sys_utimensat(AT_FDCWD, path, ts,
	    o->nofollow ? AT_SYMLINK_NOFOLLOW : 0) == 0)
		return FSU_EXIT_OK;
	if (errno != ENOENT || o->nocreate || o->nofollow)
		return errno == ENOENT && o->nocreate ? FSU_EXIT_OK :
		    fsu_warn_path(path, errno);
	if ((fd = ak_sys_open(path, O_WRONLY | O_CREAT, 0666)) < 0)
		return fsu_warn_path(path, errno);
	ak_sys_close(fd);
	if (ak_sys_utimensat(AT_FDCWD, path, ts, 0) != 0)
		return fsu_warn_path(path, errno);
	return FSU_EXIT_OK;
}

int
fsu_touch(int argc, char **argv)
{
	struct fsu_touchopt o;
	struct stat st;
	int ch, i, status = FSU_EXIT_OK;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt(argc, argv, "amchd:r:t:f")) != -1) {
		switch (ch) {
		case 'a': o.nomtime = 1; break;
		case 'm': o.noatime = 1; break;
		case 'c': o.nocreate = 1; break;
		case 'h': o.nofollow = 1; break;
		case 'f': break;
		case 'd':
			if (fsu_date_parse(optarg, &o.ts[0]) != 0) {
				fsu_warnx("invalid date format '%s'", optarg);
				return FSU_EXIT_USAGE;
			}
			o.ts[1] = o.ts[0];
			o.given = 1;
			break;
		case 't':
			if (fsu_stamp_parse(optarg, &o.ts[0]) != 0) {
				fsu_warnx("invalid date format '%s'", optarg);
				return FSU_EXIT_USAGE;
			}
			o.ts[1] = o.ts[0];
			o.given = 1;
			break;
		case 'r':
			if (ak_sys_stat(optarg, &st) != 0)
				return fsu_warn_path(optarg, errno);
			o.ts[0] = st.st_atim;
			o.ts[1] = st.st_mtim;
			o.given = 1;
			break;
		default:
			return fsu_cmd_usage("touch");
		}
	}
	if (optind >= argc)
		return fsu_cmd_usage("touch");
	for (i = optind; i < argc; i++)
		status |= fsu_touch1(&o, argv[i]);
	return status;
}
