/*
 * hostio.c: whole files between the image and a host descriptor, for
 * exec and diff, and a private temporary copy of an image file
 * (mkstemp in $TMPDIR: never a predictable name).
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

#define FSU_IOSIZE	(128 * 1024)

int
fsu_hwrite(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
fsu_export(const char *ipath, int hfd, const char *hname)
{
	char *buf;
	ssize_t n;
	int fd, status = FSU_EXIT_OK;

	if ((fd = ak_sys_open(ipath, O_RDONLY)) < 0)
		return fsu_warn_path(ipath, errno);
	if ((buf = malloc(FSU_IOSIZE)) == NULL) {
		ak_sys_close(fd);
		return fsu_warn_path(ipath, ENOMEM);
	}
	while ((n = ak_sys_read(fd, buf, FSU_IOSIZE)) > 0)
		if (fsu_hwrite(hfd, buf, (size_t)n) != 0) {
			status = fsu_warn_path(hname, errno);
			break;
		}
	if (n < 0)
		status = fsu_warn_path(ipath, errno);
	free(buf);
	ak_sys_close(fd);
	return status;
}

int
fsu_import(int hfd, const char *hname, const char *ipath)
{
	char *buf;
	ssize_t n, w;
	int fd, status = FSU_EXIT_OK;

	if (lseek(hfd, 0, SEEK_SET) != 0)
		return fsu_warn_path(hname, errno);
	if ((fd = ak_sys_open(ipath, O_WRONLY | O_TRUNC)) < 0)
		return fsu_warn_path(ipath, errno);
	if ((buf = malloc(FSU_IOSIZE)) == NULL) {
		ak_sys_close(fd);
		return fsu_warn_path(ipath, ENOMEM);
	}
	while ((n = read(hfd, buf, FSU_IOSIZE)) > 0) {
		for (w = 0; w < n;) {
			ssize_t k = ak_sys_write(fd, buf + w, (size_t)(n - w));

			if (k < 0)
				break;
			w += k;
		}
		if (w < n) {
			status = fsu_warn_path(ipath, errno);
			break;
		}
	}
	if (n < 0)
		status = fsu_warn_path(hname, errno);
	free(buf);
	if (ak_sys_close(fd) != 0 && status == 0)
		status = fsu_warn_path(ipath, errno);
	return status;
}

/* 0 same, 1 different, -1 error (reported). */
int
fsu_same_as_host(const char *ipath, int hfd, const char *hname)
{
	char *a, *b;
	ssize_t n, m;
	int fd, r = 0;

	if (lseek(hfd, 0, SEEK_SET) != 0)
		return fsu_warn_path(hname, errno), -1;
	if ((fd = ak_sys_open(ipath, O_RDONLY)) < 0)
		return fsu_warn_path(ipath, errno), -1;
	a = malloc(FSU_IOSIZE);
	b = malloc(FSU_IOSIZE);
	while (a != NULL && b != NULL) {
		if ((n = ak_sys_read(fd, a, FSU_IOSIZE)) < 0) {
			r = -fsu_warn_path(ipath, errno);
			break;
		}
		for (m = 0; m < n;) {
			ssize_t k = read(hfd, b + m, (size_t)(n - m));

			if (k <= 0)
				break;
			m += k;
		}
		if (m != n || memcmp(a, b, (size_t)n) != 0) {
			r = 1;
			break;
		}
		if (n == 0) {
			r = read(hfd, b, 1) == 0 ? 0 : 1;
			break;
		}
	}
	if (a == NULL || b == NULL)
		r = -fsu_warn_path(ipath, ENOMEM);
	free(a);
	free(b);
	ak_sys_close(fd);
	return r;
}

int
fsu_tmpcopy(const char *ipath, char *tmpl, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char base[128];
	int fd;

	fsu_basename(ipath, base, sizeof(base));
	snprintf(tmpl, len, "%s/fsu.XXXXXX.%s", dir && *dir ? dir : "/tmp",
	    base);
	if ((fd = mkstemps(tmpl, (int)strlen(base) + 1)) < 0) {
		fsu_warn_path(tmpl, errno);
		return -1;
	}
	if (fsu_export(ipath, fd, tmpl) != 0) {
		close(fd);
		unlink(tmpl);
		return -1;
	}
	return fd;
}
