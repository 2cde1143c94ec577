/*
 * fsu_util.c: messages in the form every command uses, getopt reuse and
 * number parsing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu/fsu.h"

const char *fsu_prog = "fsu";
volatile sig_atomic_t fsu_interrupted;

void
fsu_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", fsu_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int
fsu_warn_path(const char *path, int err)
{
	fsu_warnx("%s: %s", path, strerror(err));
	return FSU_EXIT_FAIL;
}

int
fsu_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "usage: %s ", fsu_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return FSU_EXIT_USAGE;
}

/*
 * glibc starts over with optind 0 (and forgets the half-parsed option
 * cluster and permutation state it keeps); the BSDs want optreset.
 */
void
fsu_getopt_reset(void)
{
#ifdef __GLIBC__
	optind = 0;
#else
	optreset = 1;
	optind = 1;
#endif
	opterr = 1;
}

/* --help anywhere before a "--" asks for help. */
int
fsu_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int
fsu_strtou64(const char *s, uint64_t *vp)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return -1;
	*vp = v;
	return 0;
}
