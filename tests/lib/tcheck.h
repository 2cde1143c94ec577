/*
 * tcheck.h: what the host test programs share: counted checks that print
 * "FAIL: ..." lines (up to a limit), a shell runner, and the summary line
 * tests/run.sh reads ("NAME: N passed, M failed").
 */
#ifndef _TESTS_LIB_TCHECK_H_
#define _TESTS_LIB_TCHECK_H_

#include <stdbool.h>
#include <stddef.h>

extern int tc_npass, tc_nfail;
/* When set, FAIL lines name it first (the case being tested). */
extern const char *tc_prefix;

/* Count ok; when false, print "FAIL: " and the message (printf format). */
void	tcheck(bool ok, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Run a shell command (printf format); its exit status, 128 if killed. */
int	tsh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Run fn(arg) in a child process (its own kernel, if fn boots one) and
 * add the child's counts to ours; a child that dies counts as a failure
 * named by name.
 */
void	tchild(const char *name, void (*fn)(void *), void *arg);
/*
 * Where the source file rel (e.g. "tests/image/mkfat.sh") is: under
 * $AK_SRCDIR, under the current directory, or from the program's path
 * argv0 (BUILD/tests/DIR/NAME, the sources in BUILD/..); 0 or -1.
 */
int	tsource(const char *argv0, const char *rel, char *out, size_t size);
/*
 * A test's images in dir[]: those made before in $env if it is set, else
 * made now by `sh script DIR` (script as tsource() finds it) in
 * $AK_TESTDIR (or /tmp)/NAME.PID, NAME the program's.  0, 77 if the
 * script says its tools are missing, or the script's failure.
 */
int	timages(const char *argv0, const char *script, const char *env,
	    char *dir, size_t size);
/* Print the summary line; the exit status for main. */
int	tsummary(const char *name);

#endif /* !_TESTS_LIB_TCHECK_H_ */
