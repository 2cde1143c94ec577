/*
 * cmd_write.c: fsu_write [-a] FILE: standard input into an image file.
 * The file is truncated first (fs-utils' fsu_write was not), or
 * appended to with -a.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

#define FSU_IOSIZE	(128 * 1024)

static int
fsu_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = ak_sys_write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsu_write_fd(int fd, const char *path)
{
	char *buf;
	ssize_t n;
	int status = FSU_EXIT_OK;

	if ((buf = malloc(FSU_IOSIZE)) == NULL)
		return fsu_warn_path(path, ENOMEM);
	for (;;) {
		n = read(STDIN_FILENO, buf, FSU_IOSIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			status = fsu_warn_path("standard input", errno);
			break;
		}
		if (n == 0)
			break;
		if (fsu_write_all(fd, buf, (size_t)n) != 0) {
			status = fsu_warn_path(path, errno);
			break;
		}
	}
	free(buf);
	return status;
}

int
fsu_write(int argc, char **argv)
{
	int ch, fd, flags = O_WRONLY | O_CREAT | O_TRUNC, status;

	while ((ch = getopt(argc, argv, "a")) != -1) {
		if (ch != 'a')
			return fsu_cmd_usage("write");
		flags = O_WRONLY | O_CREAT | O_APPEND;
	}
	if (optind != argc - 1)
		return fsu_cmd_usage("write");
	if ((fd = ak_sys_open(argv[optind], flags, 0666)) < 0)
		return fsu_warn_path(argv[optind], errno);
	status = fsu_write_fd(fd, argv[optind]);
	if (ak_sys_close(fd) != 0 && status == 0)
		status = fsu_warn_path(argv[optind], errno);
	return status;
}
