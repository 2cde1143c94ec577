/*
 * hostio.h: whole files between the image and the host (hostio.c).
 */
#ifndef _FSU_HOSTIO_H_
#define _FSU_HOSTIO_H_

#include <stddef.h>

/* All of buf to host descriptor fd (again after EINTR): 0, or -1, errno. */
int	fsu_hwrite(int fd, const char *buf, size_t len);
/* Image file ipath → host descriptor hfd (named hname in messages). */
int	fsu_export(const char *ipath, int hfd, const char *hname);
/* Host descriptor (from its start) → image file ipath, truncated. */
int	fsu_import(int hfd, const char *hname, const char *ipath);
/* 0 same bytes, 1 different, -1 error. */
int	fsu_same_as_host(const char *ipath, int hfd, const char *hname);
/* A mkstemp copy of ipath, its name in tmpl; the descriptor or -1. */
int	fsu_tmpcopy(const char *ipath, char *tmpl, size_t len);

#endif /* !_FSU_HOSTIO_H_ */
