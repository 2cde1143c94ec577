/*
 * ktest_run.c: boot the kernel and run the in-kernel unit tests.
 * Usage: ktest_run [NAME-PREFIX]
 */
#include <stdio.h>
#include "sys/kapi.h"

int ktest_run_all(const char *filter);

int
main(int argc, char **argv)
{
	int error, failed;

	if ((error = kapi_init()) != 0) {
		fprintf(stderr, "ktest_run: kernel init: %s\n",
		    kapi_strerror(error));
		return 1;
	}
	failed = ktest_run_all(argc > 1 ? argv[1] : NULL);
	kapi_fini();
	return failed ? 1 : 0;
}
