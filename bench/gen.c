/*
 * gen.c: the deterministic inputs of the benchmarks.
 *
 *	gen data BYTES SEED		incompressible bytes on stdout
 *	gen tree DIR NFILES NDIRS SEED	NFILES files of 1-8 KiB in NDIRS
 *					directories under DIR
 *	gen flat DIR NFILES		NFILES empty files in DIR, named
 *					e0000000...: 8.3 names, so that FAT
 *					holds 50,000 in one directory
 *
 * The same arguments give the same bytes on every machine (xorshift64*),
 * so images built on two machines hold the same data.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t state;

static uint64_t
next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dULL;
}

static int
fill(int fd, uint64_t len)
{
	static uint64_t buf[8192];
	size_t n, i;

	while (len > 0) {
		n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		for (i = 0; i < (n + 7) / 8; i++)
			buf[i] = next();
		if (write(fd, buf, n) != (ssize_t)n)
			return -1;
		len -= n;
	}
	return 0;
}

static int
tree(const char *dir, long nfiles, long ndirs)
{
	char path[4096];
	long i;
	int fd;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	for (i = 0; i < ndirs; i++) {
		snprintf(path, sizeof(path), "%s/d%03ld", dir, i);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -1;
	}
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/d%03ld/f%05ld", dir,
		    i % ndirs, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || fill(fd, 1024 + next() % 7169) != 0)
			return -1;
		close(fd);
	}
	return 0;
}

static int
flat(const char *dir, long nfiles)
{
	char path[4096];
	long i;
	int fd;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/e%07ld", dir, i);
		if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) < 0)
			return -1;
		close(fd);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int rc = -1;

	if (argc == 4 && strcmp(argv[1], "data") == 0) {
		state = strtoull(argv[3], NULL, 0) | 1;
		rc = fill(1, strtoull(argv[2], NULL, 0));
	} else if (argc == 6 && strcmp(argv[1], "tree") == 0) {
		state = strtoull(argv[5], NULL, 0) | 1;
		rc = tree(argv[2], atol(argv[3]), atol(argv[4]));
	} else if (argc == 4 && strcmp(argv[1], "flat") == 0) {
		rc = flat(argv[2], atol(argv[3]));
	} else {
		fprintf(stderr, "usage: gen data BYTES SEED | "
		    "gen tree DIR NFILES NDIRS SEED | gen flat DIR NFILES\n");
		return 2;
	}
	if (rc != 0) {
		perror("gen");
		return 1;
	}
	return 0;
}
