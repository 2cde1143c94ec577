/*
 * tcheck.h: what the host test programs share: counted checks that print
 * "FAIL: ..." lines (up to a limit), a shell runner, and the summary line
 * tests/run.sh reads ("NAME: N passed, M failed").
 */
#ifndef _TESTS_LIB_TCHECK_H_
#define _TESTS_LIB_TCHECK_H_

#include <stdbool.h>

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
/* Print the summary line; the exit status for main. */
int	tsummary(const char *name);

#endif /* !_TESTS_LIB_TCHECK_H_ */
