/*
 * cmd_stat.c: fsu_stat [-L] [-t] [-c FORMAT | --printf FORMAT] FILE...,
 * GNU stat's file format letters (with printf-style flags and widths):
 * %a %A %b %B %d %D %f %F %g %G %h %i %m %n %N %o %s %t %T %u %U %w %W
 * %x %X %y %Y %z %Z, %Hd %Ld %Hr %Lr.  Names for %U/%G come from the
 * image.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

static const char *
fsu_ftype(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		return st->st_size == 0 ? "regular empty file" :
		    "regular file";
	case S_IFDIR:	return "directory";
	case S_IFLNK:	return "symbolic link";
	case S_IFCHR:	return "character special file";
	case S_IFBLK:	return "block special file";
	case S_IFIFO:	return "fifo";
	case S_IFSOCK:	return "socket";
	default:	return "weird file";
	}
}

/* One directive: the value as text in out. */
static int
fsu_stat_str(char c, const char *path, const struct stat *st, char *out,
    size_t len)
{
	const char *nm;
	char lnk[4096];
	ssize_t n;

	switch (c) {
	case 'A': fsu_modestr(st->st_mode, out); return 0;
	case 'F': snprintf(out, len, "%s", fsu_ftype(st)); return 0;
	case 'n': snprintf(out, len, "%s", path); return 0;
	case 'm': snprintf(out, len, "/"); return 0;
	case 'U':
		nm = fsu_uid_name(st->st_uid);
		snprintf(out, len, "%s", nm ? nm : "UNKNOWN");
		return 0;
	case 'G':
		nm = fsu_gid_name(st->st_gid);
		snprintf(out, len, "%s", nm ? nm : "UNKNOWN");
		return 0;
	case 'N':
		if (S_ISLNK(st->st_mode) &&
		    (n = ak_sys_readlink(path, lnk, sizeof(lnk) - 1)) >= 0) {
			lnk[n] = '\0';
			snprintf(out, len, "'%s' -> '%s'", path, lnk);
		} else
			snprintf(out, len, "'%s'", path);
		return 0;
	case 'x': fsu_timestr(out, len, &st->st_atim, "full-iso"); return 0;
	case 'y': fsu_timestr(out, len, &st->st_mtim, "full-iso"); return 0;
	case 'z': fsu_timestr(out, len, &st->st_ctim, "full-iso"); return 0;
	case 'w': snprintf(out, len, "-"); return 0;
	case 'D': snprintf(out, len, "%jx", (uintmax_t)st->st_dev); return 0;
	case 'f': snprintf(out, len, "%x", (unsigned)st->st_mode); return 0;
	case 't': snprintf(out, len, "%x", major(st->st_rdev)); return 0;
	case 'T': snprintf(out, len, "%x", minor(st->st_rdev)); return 0;
	}
	return -1;
}

/* Numeric directives, printed with the user's flags as integers. */
static int
fsu_stat_num(char c, const struct stat *st, intmax_t *vp)
{
	switch (c) {
	case 'b': *vp = st->st_blocks; return 0;
	case 'B': *vp = 512; return 0;
	case 'd': *vp = (intmax_t)st->st_dev; return 0;
	case 'g': *vp = st->st_gid; return 0;
	case 'h': *vp = (intmax_t)st->st_nlink; return 0;
	case 'i': *vp = (intmax_t)st->st_ino; return 0;
	case 'o': *vp = st->st_blksize; return 0;
	case 's': *vp = st->st_size; return 0;
	case 'u': *vp = st->st_uid; return 0;
	case 'W': *vp = 0; return 0;
	case 'X': *vp = st->st_atim.tv_sec; return 0;
	case 'Y': *vp = st->st_mtim.tv_sec; return 0;
	case 'Z': *vp = st->st_ctim.tv_sec; return 0;
	}
	return -1;
}

static int
fsu_stat_escape(const char **sp)
{
	const char *s = *sp;
	int c;

	switch (*s) {
	case 'n': c = '\n'; break;
	case 't': c = '\t'; break;
	case '\\': c = '\\'; break;
	case '"': c = '"'; break;
	case 'a': c = '\a'; break;
	case 'r': c = '\r'; break;
	case '0': c = '\0'; break;
	default: putchar('\\'); c = *s; break;
	}
	*sp = s + 1;
	return c;
}

static void
fsu_stat_format(const char *fmt, const char *path, const struct stat *st,
    int escapes)
{
	char spec[32], f[40], val[8192];
	const char *s;
	intmax_t v;
	size_t n;

	for (s = fmt; *s != '\0';) {
		if (escapes && *s == '\\' && s[1] != '\0') {
			s++;
			putchar(fsu_stat_escape(&s));
			continue;
		}
		if (*s != '%') {
			putchar(*s++);
			continue;
		}
		n = strspn(s + 1, "-#+ 0'123456789.");
		if (n >= sizeof(spec) - 2 || s[1 + n] == '\0') {
			fputs(s, stdout);
			return;
		}
		snprintf(spec, sizeof(spec), "%.*s", (int)n, s + 1);
		s += 1 + n;
		if (*s == '%')
			putchar('%');
		else if ((*s == 'H' || *s == 'L') && (s[1] == 'd' ||
		    s[1] == 'r')) {
			dev_t d = s[1] == 'd' ? st->st_dev : st->st_rdev;

			snprintf(f, sizeof(f), "%%%sju", spec);
			printf(f, (uintmax_t)(*s == 'H' ? major(d) : minor(d)));
			s++;
		}
		else if (*s == 'a') {
			snprintf(f, sizeof(f), "%%%sjo", spec);
			printf(f, (intmax_t)(st->st_mode & 07777));
		} else if (fsu_stat_num(*s, st, &v) == 0) {
			snprintf(f, sizeof(f), "%%%sjd", spec);
			printf(f, v);
		} else if (fsu_stat_str(*s, path, st, val, sizeof(val)) == 0) {
			snprintf(f, sizeof(f), "%%%ss", spec);
			printf(f, val);
		} else {
			printf("?");
		}
		s++;
	}
}

#define FSU_STAT_DEFAULT "  File: %n\n" \
	"  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n" \
	"Device: %Hd,%Ld\tInode: %-11i Links: %h\n" \
	"Access: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n" \
	"Access: %x\nModify: %y\nChange: %z\n Birth: %w\n"
#define FSU_STAT_TERSE "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o\n"

static const struct option fsu_stat_longopts[] = {
	{ "format", required_argument, NULL, 'c' },
	{ "printf", required_argument, NULL, 'P' },
	{ "dereference", no_argument, NULL, 'L' },
	{ "terse", no_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

int
fsu_stat(int argc, char **argv)
{
	static const char fsu_stat_default[] = FSU_STAT_DEFAULT;
	const char *fmt = fsu_stat_default;
	struct stat st;
	int ch, i, follow = 0, escapes = 1, nl = 0, r;
	int status = FSU_EXIT_OK;

	while ((ch = getopt_long(argc, argv, "c:Lt", fsu_stat_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': fmt = optarg; escapes = 0; nl = 1; break;
		case 'P': fmt = optarg; escapes = 1; nl = 0; break;
		case 'L': follow = 1; break;
		case 't': fmt = FSU_STAT_TERSE; break;
		default: return fsu_cmd_usage("stat");
		}
	}
	if (optind >= argc)
		return fsu_cmd_usage("stat");
	for (i = optind; i < argc; i++) {
		r = follow ? ak_sys_stat(argv[i], &st) :
		    ak_sys_lstat(argv[i], &st);
		if (r != 0) {
			status = fsu_warn_path(argv[i], errno);
			continue;
		}
		if (fmt == fsu_stat_default && S_ISLNK(st.st_mode))
			fsu_stat_format("  File: %N\n", argv[i], &st, 0);
		fsu_stat_format(fmt == fsu_stat_default &&
		    S_ISLNK(st.st_mode) ? strchr(fmt, '\n') + 1 : fmt,
		    argv[i], &st, escapes);
		if (nl)
			putchar('\n');
	}
	return status;
}
