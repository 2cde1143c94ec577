/*
 * cmd_cat.c: fsu_cat FILE...: image files to standard output, byte for
 * byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"
#include "fsu/hostio.h"

/*
 * Large reads and writes straight to the descriptor: of a 1 GiB file,
 * 128 KiB through stdio took 8,213 reads and 16,383 writes, each a trip
 * through the host kernel (about a third of the time, the rest being the
 * copy out of the image's page cache).
 */
#define FSU_IOSIZE	(1024 * 1024)

static int
fsu_cat1(const char *path, char *buf)
{
	ssize_t n;
	int fd, err;

	if ((fd = ak_sys_open(path, O_RDONLY)) < 0)
		return fsu_warn_path(path, errno);
	while ((n = ak_sys_read(fd, buf, FSU_IOSIZE)) > 0) {
		if (fsu_hwrite(STDOUT_FILENO, buf, (size_t)n) != 0) {
			fsu_warnx("standard output: %s", strerror(errno));
			ak_sys_close(fd);
			return FSU_EXIT_FAIL;
		}
	}
	err = errno;
	ak_sys_close(fd);
	if (n < 0)
		return fsu_warn_path(path, err);
	return FSU_EXIT_OK;
}

int
fsu_cat(int argc, char **argv)
{
	char *buf;
	int ch, i, status = FSU_EXIT_OK;

	while ((ch = getopt(argc, argv, "u")) != -1)
		if (ch != 'u')
			return fsu_cmd_usage("cat");
	if (optind >= argc)
		return fsu_cmd_usage("cat");
	if ((buf = malloc(FSU_IOSIZE)) == NULL)
		return fsu_warn_path(argv[optind], ENOMEM);
	if (fflush(stdout) != 0)	/* nothing may overtake what is there */
		status = FSU_EXIT_FAIL;
	for (i = optind; i < argc; i++)
		if (fsu_cat1(argv[i], buf) != 0)
			status = FSU_EXIT_FAIL;
	free(buf);
	if (fflush(stdout) != 0)
		status = FSU_EXIT_FAIL;
	return status;
}
