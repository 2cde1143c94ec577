/*
 * fuzz_replay.c: every input that once crashed a harness, run again in
 * make check (and under ASan in check-asan).  tests/fuzz/regress/TYPE/
 * holds the inputs found by fuzzing TYPE; the seeds of the corpus are
 * run too.  A crash, sanitizer report or hang (alarm) fails the suite;
 * an input that runs through counts as passed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/fuzz/fuzz.h"

static const char *const types[] = { "vfat", "ext4", "cd9660", "squashfs",
    "ffs" };

/* Run every file of dir through the harness for type. */
static int
replay_dir(const char *type, const char *dir, int *nrun)
{
	static uint8_t buf[1 << 20];
	char path[1024];
	struct dirent *d;
	size_t n;
	DIR *dp;
	FILE *f;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if ((f = fopen(path, "rb")) == NULL) {
			printf("FAIL: %s: cannot open\n", path);
			closedir(dp);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		fuzz_one(type, buf, n);
		(*nrun)++;
	}
	closedir(dp);
	return 0;
}

int
main(void)
{
	char dir[256];
	size_t i;
	int nrun = 0, nfail = 0;

	alarm(600);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(dir, sizeof(dir), "tests/fuzz/regress/%s", types[i]);
		nfail += replay_dir(types[i], dir, &nrun);
		snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", types[i]);
		nfail += replay_dir(types[i], dir, &nrun);
	}
	printf("fuzz_replay: %d passed, %d failed\n", nrun, nfail);
	return nfail != 0;
}
