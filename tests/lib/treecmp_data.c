/*
 * treecmp_data.c: the bytes of a host file against the same file read
 * through libak (treecmp.h).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

#define TCMP_PREAD	9000	/* the length of the preads at opts.offs */

static char *hbuf, *kbuf;	/* TCMP_CHUNK bytes each, for all reads */

static bool
have_bufs(void)
{
	if (hbuf == NULL)
		hbuf = malloc(TCMP_CHUNK);
	if (kbuf == NULL)
		kbuf = malloc(TCMP_CHUNK);
	return hbuf != NULL && kbuf != NULL;
}

/*
 * Read up to len bytes with rd (read or ak_sys_read), as many as there
 * are: pipes return less.
 */
static ssize_t
read_full(ssize_t (*rd)(int, void *, size_t), int fd, char *buf,
    size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len && (n = rd(fd, buf + got, len - got)) != 0) {
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The rest of both files, read chunk bytes at a time. */
static bool
same_fds(int hfd, int kfd, size_t chunk, char *why, size_t whylen)
{
	ssize_t hn, kn;
	off_t off;

	if (!have_bufs()) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	if (chunk == 0 || chunk > TCMP_CHUNK)
		chunk = TCMP_CHUNK;
	for (off = 0;; off += hn) {
		hn = read_full(read, hfd, hbuf, chunk);
		kn = read_full(ak_sys_read, kfd, kbuf, chunk);
		if (hn != kn || hn < 0) {
			snprintf(why, whylen, "read %zd, the tree %zd at %lld "
			    "(%s)", kn, hn, (long long)off,
			    kn < 0 ? strerror(errno) : "short");
			return false;
		}
		if (hn == 0)
			return true;
		if (memcmp(hbuf, kbuf, (size_t)hn) != 0) {
			snprintf(why, whylen, "bytes differ in [%lld, +%zd)",
			    (long long)off, hn);
			return false;
		}
	}
}

void
tcmp_fds(int hfd, int kfd, const char *kpath)
{
	char why[256];

	tcheck(same_fds(hfd, kfd, TCMP_CHUNK, why, sizeof(why)), "%s: %s",
	    kpath, why);
}

bool
tcmp_range(int hfd, int kfd, off_t off, off_t len, char *why,
    size_t whylen)
{
	ssize_t h, k;
	size_t want;

	if (!have_bufs()) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	while (len > 0) {
		want = len > TCMP_CHUNK ? TCMP_CHUNK : (size_t)len;
		h = pread(hfd, hbuf, want, off);
		k = ak_sys_pread(kfd, kbuf, want, off);
		if (h != k || h <= 0) {
			snprintf(why, whylen, "read at %lld: %zd, the tree %zd "
			    "(%s)", (long long)off, k, h,
			    k < 0 ? strerror(errno) : "short");
			return false;
		}
		if (memcmp(hbuf, kbuf, (size_t)h) != 0) {
			snprintf(why, whylen, "data differs in [%lld, +%zd)",
			    (long long)off, h);
			return false;
		}
		off += h;
		len -= h;
	}
	return true;
}

bool
tcmp_open(const char *hpath, const char *kpath, int *hfd, int *kfd)
{
	int e;

	*hfd = open(hpath, O_RDONLY);
	*kfd = *hfd >= 0 ? ak_sys_open(kpath, O_RDONLY) : -1;
	if (*kfd >= 0)
		return true;
	e = errno;
	tcmp_close(*hfd, *kfd);
	*hfd = *kfd = -1;
	errno = e;
	return false;
}

void
tcmp_close(int hfd, int kfd)
{
	if (hfd >= 0)
		close(hfd);
	if (kfd >= 0)
		ak_sys_close(kfd);
}

bool
tcmp_same_file(const char *hpath, const char *kpath)
{
	char why[256];
	int hfd, kfd;
	bool same;

	if (!tcmp_open(hpath, kpath, &hfd, &kfd))
		return false;
	same = same_fds(hfd, kfd, TCMP_CHUNK, why, sizeof(why));
	tcmp_close(hfd, kfd);
	return same;
}

/* Half the file from a third of the way in, in one pread. */
static void
mid_read(int hfd, int kfd, off_t size, const char *kpath)
{
	size_t n = (size_t)size / 2;
	char *h = malloc(n), *k = malloc(n);
	ssize_t hn = -1, kn = -1;

	if (h != NULL && k != NULL) {
		hn = pread(hfd, h, n, size / 3);
		kn = ak_sys_pread(kfd, k, n, size / 3);
	}
	tcheck(hn == (ssize_t)n && kn == hn && memcmp(h, k, n) == 0,
	    "%s: pread of %zu at %lld: %zd, the tree %zd", kpath, n,
	    (long long)size / 3, kn, hn);
	free(h);
	free(k);
}

/* Odd preads: straddling blocks, at and past the end. */
static void
odd_reads(int hfd, int kfd, off_t size, const char *kpath,
    const struct tcmp_opts *o)
{
	ssize_t hn, kn;
	int i;

	for (i = 0; o->offs != NULL && o->offs[i] >= 0; i++) {
		if (o->offs[i] > size)
			continue;
		hn = pread(hfd, hbuf, TCMP_PREAD, o->offs[i]);
		kn = ak_sys_pread(kfd, kbuf, TCMP_PREAD, o->offs[i]);
		tcheck(hn == kn && (hn <= 0 || memcmp(hbuf, kbuf, hn) == 0),
		    "%s: pread(%d, %lld): %zd bytes, the tree %zd%s", kpath,
		    TCMP_PREAD, (long long)o->offs[i], kn, hn,
		    hn == kn ? " (they differ)" : "");
	}
	if (o->flags & TCMP_EOF) {
		kn = ak_sys_pread(kfd, kbuf, 10, size + 5);
		tcheck(kn == 0, "%s: read past EOF gave %zd", kpath, kn);
	}
	if ((o->flags & TCMP_MIDREAD) && size > 10)
		mid_read(hfd, kfd, size, kpath);
}

void
tcmp_file(const char *hpath, const char *kpath, const struct tcmp_opts *o)
{
	struct stat st;
	char why[256];
	int hfd, kfd;
	bool opened;

	opened = tcmp_open(hpath, kpath, &hfd, &kfd) && fstat(hfd, &st) == 0;
	tcheck(opened, "%s: open: %s", kpath, strerror(errno));
	if (opened) {
		tcheck(same_fds(hfd, kfd, o->chunk, why, sizeof(why)),
		    "%s: %s", kpath, why);
		if (have_bufs())
			odd_reads(hfd, kfd, st.st_size, kpath, o);
	}
	tcmp_close(hfd, kfd);
}

