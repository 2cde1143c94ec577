/*
 * sandbox.c: fs-utils confine themselves once the image is mounted
 * (ak_sandbox: seccomp), for the commands that touch nothing on the
 * host but standard input, output and error, so that a driver bug a
 * hostile image exploits cannot open host files, run programs or reach
 * the network.  Commands that copy to or from the host (get, put, ecp,
 * exec, diff with a host file, sh with its redirections) run without.
 * --no-sandbox (or FSU_NO_SANDBOX=1) turns it off.
 *
 * Sanitizer builds skip it: their run-times need calls the filter
 * forbids (the leak check at exit uses ptrace).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FSU_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FSU_SANITIZED	1
#endif
#endif

int fsu_no_sandbox;

#ifndef FSU_SANITIZED
static const char *const fsu_confinable[] = {
	"cat", "chgrp", "chmod", "chown", "cp", "df", "du", "find", "ln",
	"ls", "mkdir", "mkfifo", "mknod", "mv", "rm", "rmdir", "stat",
	"touch", "write",
};
#endif

void
fsu_sandbox(const struct fsu_cmd *c, int verbose)
{
	const char *env = getenv("FSU_NO_SANDBOX");
	size_t i;

	if (fsu_no_sandbox || (env != NULL && env[0] != '\0' &&
	    strcmp(env, "0") != 0))
		return;
#ifdef FSU_SANITIZED
	(void)c;
	(void)verbose;
	(void)i;
#else
	for (i = 0; i < sizeof(fsu_confinable) / sizeof(fsu_confinable[0]);
	    i++)
		if (strcmp(c->c_name, fsu_confinable[i]) == 0)
			break;
	if (i == sizeof(fsu_confinable) / sizeof(fsu_confinable[0]))
		return;
	/* Files the C library opens lazily must be open before. */
	tzset();
	if (ak_sandbox() != 0 && verbose)
		fsu_warnx("sandbox not available; running without it");
#endif
}
