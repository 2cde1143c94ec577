/*
 * tcheck.c: checks, shell commands and the summary line of the host test
 * programs (tcheck.h).
 */
#include <sys/wait.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/tcheck.h"

#define TC_MAXPRINT	60	/* FAIL lines printed; the rest are counted */

int tc_npass, tc_nfail;
const char *tc_prefix;

void
tcheck(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		tc_npass++;
		return;
	}
	if (tc_nfail++ >= TC_MAXPRINT)
		return;
	printf("FAIL: ");
	if (tc_prefix != NULL && tc_prefix[0] != '\0')
		printf("%s: ", tc_prefix);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int
tsh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

void
tchild(const char *name, void (*fn)(void *), void *arg)
{
	int fds[2], st, np = 0, nf = 1;
	FILE *r;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		tcheck(false, "%s: fork: %s", name, strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		tc_npass = tc_nfail = 0;
		fn(arg);
		fflush(stdout);
		dprintf(fds[1], "%d %d\n", tc_npass, tc_nfail);
		_exit(0);
	}
	close(fds[1]);
	r = fdopen(fds[0], "r");
	if (r == NULL || fscanf(r, "%d %d", &np, &nf) != 2)
		nf = 1;
	if (r != NULL)
		fclose(r);
	waitpid(pid, &st, 0);
	tcheck(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: child died "
	    "(status %#x)", name, st);
	tc_npass += np;
	tc_nfail += nf;
}

int
tsource(const char *argv0, const char *rel, char *out, size_t size)
{
	const char *src = getenv("AK_SRCDIR"), *slash = strrchr(argv0, '/');
	int n;

	if (src != NULL)
		n = snprintf(out, size, "%s/%s", src, rel);
	else if (access(rel, R_OK) == 0 || slash == NULL)
		n = snprintf(out, size, "%s", rel);
	else
		n = snprintf(out, size, "%.*s/../../../%s",
		    (int)(slash - argv0), argv0, rel);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return access(out, R_OK);
}

int
timages(const char *argv0, const char *script, const char *env,
    char *dir, size_t size)
{
	const char *reuse = getenv(env), *base = getenv("AK_TESTDIR");
	const char *name = strrchr(argv0, '/');
	char path[4096];
	int n;

	if (reuse != NULL)
		n = snprintf(dir, size, "%s", reuse);
	else
		n = snprintf(dir, size, "%s/%s.%d", base != NULL ? base :
		    "/tmp", name != NULL ? name + 1 : argv0, (int)getpid());
	if (n < 0 || (size_t)n >= size)
		return 1;
	if (reuse != NULL)
		return 0;
	if (tsource(argv0, script, path, sizeof(path)) != 0)
		return 1;
	return tsh("sh '%s' '%s'", path, dir);
}

int
tsummary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, tc_npass, tc_nfail);
	return tc_nfail != 0;
}
