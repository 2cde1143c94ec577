/*
 * fuzz_afl.c: the AFL++ entry point, for the driver named by -DFUZZ_TYPE
 * (make fuzz-afl, built with afl-clang-fast into build-afl/afl_TYPE).
 * It runs the same harness as libFuzzer (fuzz_fs.c).
 *
 * Under afl-clang-fast it is a persistent-mode program: the fork server
 * starts before the kernel boots (a booted kernel may have threads, which
 * a fork would not carry), each child boots once and then takes up to
 * 1000 inputs from AFL's shared memory.  Built by any other compiler, or
 * run by hand, it reads one input from the file named by its argument,
 * or from standard input: `build-afl/afl_vfat crash-file` replays a
 * finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "tests/fuzz/fuzz.h"

#ifndef FUZZ_TYPE
#error "FUZZ_TYPE must name the driver"
#endif

#define MAXINPUT	(4 << 20)

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

/* One input from path (NULL: standard input) into a new buffer. */
static unsigned char *
slurp(const char *path, size_t *lenp)
{
	unsigned char *buf;
	FILE *f;

	if ((buf = malloc(MAXINPUT)) == NULL)
		return NULL;
	f = path != NULL ? fopen(path, "rb") : stdin;
	if (f == NULL) {
		perror(path);
		free(buf);
		return NULL;
	}
	*lenp = fread(buf, 1, MAXINPUT, f);
	if (f != stdin)
		fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	unsigned char *buf;
	size_t len;

#ifdef __AFL_FUZZ_TESTCASE_LEN
	if (argc < 2) {
		__AFL_INIT();
		buf = __AFL_FUZZ_TESTCASE_BUF;
		while (__AFL_LOOP(1000))
			fuzz_one(FUZZ_TYPE, buf,
			    (size_t)__AFL_FUZZ_TESTCASE_LEN);
		return 0;
	}
#endif
	if ((buf = slurp(argc > 1 ? argv[1] : NULL, &len)) == NULL)
		return 1;
	fuzz_one(FUZZ_TYPE, buf, len);
	free(buf);
	return 0;
}
