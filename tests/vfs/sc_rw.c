/*
 * sc_rw.c: reading and writing: read/write/lseek, pread/pwrite, holes
 * (SEEK_DATA/SEEK_HOLE), ftruncate and truncate in both directions, and
 * a large write in odd-sized pieces.
 */
#include <stdlib.h>

#include "tests/vfs/vfs_conform.h"

#define KB	1024
#define MB	(1024 * 1024)

static void
rw_basic(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_RDWR, 0644);
	X_WRITES(c, fd, "0123456789");
	X_LSEEK(c, fd, 0, SEEK_CUR);
	X_READ(c, fd, 5);
	X_LSEEK(c, fd, 2, SEEK_SET);
	X_READ(c, fd, 3);
	X_LSEEK(c, fd, -4, SEEK_END);
	X_READ(c, fd, 100);
	X_READ(c, fd, 100);
	X_LSEEK(c, fd, -1, SEEK_SET);
	X_LSEEK(c, fd, -20, SEEK_END);
	X_LSEEK(c, fd, 0, 17);
	X_LSEEK(c, fd, 0, SEEK_CUR);
	/* Writing past the end leaves zeros between. */
	X_LSEEK(c, fd, 20, SEEK_SET);
	X_WRITES(c, fd, "tail");
	X_FSTAT(c, fd);
	X_PREAD(c, fd, 100, 0);
	X_WRITE(c, fd, "", 0);
	X_READ(c, fd, 0);
	X_CLOSE(c, fd);
	X_CAT(c, "f");
}

static void
rw_pread_pwrite(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_RDWR, 0644);
	X_PWRITE(c, fd, "abcdef", 6, 100);
	X_LSEEK(c, fd, 0, SEEK_CUR);
	X_PWRITE(c, fd, "XY", 2, 102);
	X_PREAD(c, fd, 10, 100);
	X_PREAD(c, fd, 10, 106);
	X_PREAD(c, fd, 10, 5000);
	X_PREAD(c, fd, 10, -1);
	X_PWRITE(c, fd, "z", 1, -1);
	X_PREAD(c, fd, 4, 98);
	X_LSEEK(c, fd, 0, SEEK_CUR);
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
}

/* Page-aligned data and holes, so that any block size up to 4 KiB agrees. */
static void
rw_sparse(struct vc *c)
{
	char *buf = malloc(8 * KB);
	int fd;

	memset(buf, 'D', 8 * KB);
	fd = X_OPEN(c, "f", O_CREAT | O_RDWR, 0644);
	X_PWRITE(c, fd, buf, 4 * KB, 0);
	X_PWRITE(c, fd, buf, 8 * KB, MB);
	X_LSEEK(c, fd, 0, SEEK_DATA);
	X_LSEEK(c, fd, 0, SEEK_HOLE);
	X_LSEEK(c, fd, 4 * KB, SEEK_DATA);
	X_LSEEK(c, fd, 100 * KB, SEEK_HOLE);
	X_LSEEK(c, fd, MB + 100, SEEK_DATA);
	X_LSEEK(c, fd, MB + 100, SEEK_HOLE);
	X_LSEEK(c, fd, MB + 8 * KB, SEEK_DATA);
	X_LSEEK(c, fd, MB + 8 * KB, SEEK_HOLE);
	X_LSEEK(c, fd, -1, SEEK_DATA);
	X_PREAD(c, fd, 64, 200 * KB);
	/* A trailing hole made by ftruncate. */
	X_FTRUNCATE(c, fd, 4 * MB);
	X_LSEEK(c, fd, MB, SEEK_HOLE);
	X_LSEEK(c, fd, 2 * MB, SEEK_DATA);
	X_LSEEK(c, fd, 2 * MB, SEEK_HOLE);
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
	/* All hole. */
	fd = X_OPEN(c, "h", O_CREAT | O_RDWR, 0644);
	X_FTRUNCATE(c, fd, MB);
	X_LSEEK(c, fd, 0, SEEK_DATA);
	X_LSEEK(c, fd, 0, SEEK_HOLE);
	X_PREAD(c, fd, 100, 5000);
	X_CLOSE(c, fd);
	/* Empty file. */
	fd = X_OPEN(c, "e", O_CREAT | O_RDWR, 0644);
	X_LSEEK(c, fd, 0, SEEK_DATA);
	X_LSEEK(c, fd, 0, SEEK_HOLE);
	X_CLOSE(c, fd);
	X_CAT(c, "f");
	free(buf);
}

static void
rw_truncate(struct vc *c)
{
	int fd, rfd;

	fd = X_OPEN(c, "f", O_CREAT | O_RDWR, 0644);
	X_WRITES(c, fd, "abcdefghijklmnopqrstuvwxyz");
	X_FTRUNCATE(c, fd, 5);
	X_FSTAT(c, fd);
	/* Growing again must not bring the old bytes back. */
	X_FTRUNCATE(c, fd, 20);
	X_PREAD(c, fd, 100, 0);
	X_FTRUNCATE(c, fd, 10000);
	X_PREAD(c, fd, 16, 9990);
	X_FTRUNCATE(c, fd, 4097);
	X_FTRUNCATE(c, fd, 8192);
	X_PREAD(c, fd, 16, 4090);
	X_FTRUNCATE(c, fd, -1);
	/* The offset stays beyond the new end. */
	X_LSEEK(c, fd, 0, SEEK_END);
	X_FTRUNCATE(c, fd, 3);
	X_WRITES(c, fd, "E");
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
	X_CAT(c, "f");
	X_TRUNCATE(c, "f", 0);
	X_STAT(c, "f");
	X_TRUNCATE(c, "f", 123456);
	X_STAT(c, "f");
	X_TRUNCATE(c, "missing", 0);
	X_MKDIR(c, "d", 0755);
	X_TRUNCATE(c, "d", 0);
	rfd = X_OPEN(c, "f", O_RDONLY, 0);
	X_FTRUNCATE(c, rfd, 0);
	X_CLOSE(c, rfd);
	X_STAT(c, "f");
}

/* 300 KiB written in prime-sized pieces, then patched across pages. */
static void
rw_large(struct vc *c)
{
	enum { LEN = 300 * KB };
	char *buf = malloc(LEN);
	size_t off, n, i;
	int fd;

	for (i = 0; i < LEN; i++)
		buf[i] = (char)(i * 7 + i / 4099);
	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	for (off = 0; off < LEN; off += n) {
		n = LEN - off < 7919 ? LEN - off : 7919;
		X_WRITE(c, fd, buf + off, n);
	}
	X_PWRITE(c, fd, "PATCH-ACROSS-A-PAGE-BOUNDARY", 28, 3 * 4096 - 10);
	X_PWRITE(c, fd, buf, 65536, 12345);
	X_CLOSE(c, fd);
	X_CAT(c, "f");
	X_STAT(c, "f");
	fd = X_OPEN(c, "f", O_RDONLY, 0);
	X_PREAD(c, fd, 100000, 4000);
	X_PREAD(c, fd, 100, LEN - 50);
	X_CLOSE(c, fd);
	free(buf);
}

static void
rw_dup(struct vc *c)
{
	int fd, fd2;

	fd = X_OPEN(c, "f", O_CREAT | O_RDWR, 0644);
	fd2 = X_DUP(c, fd);
	X_WRITES(c, fd, "abc");
	X_WRITES(c, fd2, "def");
	X_LSEEK(c, fd2, 0, SEEK_CUR);
	X_CLOSE(c, fd);
	X_LSEEK(c, fd2, 1, SEEK_SET);
	X_READ(c, fd2, 10);
	X_CLOSE(c, fd2);
	X_DUP(c, fd2);
	X_CAT(c, "f");
}

/* An unlinked file stays readable and writable through its descriptor. */
static void
rw_unlinked(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_RDWR, 0644);
	X_WRITES(c, fd, "still here");
	X_UNLINK(c, "f");
	X_FSTAT(c, fd);
	X_PREAD(c, fd, 100, 0);
	X_WRITES(c, fd, " and more");
	X_PREAD(c, fd, 100, 0);
	X_CLOSE(c, fd);
	X_LS(c, ".");
}

/* Offsets far beyond any memory: sizes and holes, not allocation. */
static void
rw_far_offset(struct vc *c)
{
	off_t tb = (off_t)1 << 40;
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_RDWR, 0644);
	X_PWRITE(c, fd, "far", 3, tb);
	X_FSTAT(c, fd);
	X_PREAD(c, fd, 16, tb - 8);
	X_LSEEK(c, fd, 0, SEEK_DATA);
	X_LSEEK(c, fd, 0, SEEK_HOLE);
	X_LSEEK(c, fd, tb + 100, SEEK_SET);
	X_READ(c, fd, 10);
	X_FTRUNCATE(c, fd, tb / 2);
	X_FSTAT(c, fd);
	X_PREAD(c, fd, 16, tb / 2 - 16);
	X_FTRUNCATE(c, fd, 0);
	X_FSTAT(c, fd);
	X_FSYNC(c, fd);
	X_CLOSE(c, fd);
	X_FSYNC(c, fd);
}

const struct vc_scen vc_rw_scen[] = {
	{ "rw_basic", rw_basic, 0 },
	{ "rw_pread_pwrite", rw_pread_pwrite, 0 },
	{ "rw_sparse", rw_sparse, VS_SPARSE },
	{ "rw_truncate", rw_truncate, 0 },
	{ "rw_large", rw_large, 0 },
	{ "rw_dup", rw_dup, 0 },
	{ "rw_unlinked", rw_unlinked, 0 },
	{ "rw_far_offset", rw_far_offset, VS_SPARSE },
	{ NULL, NULL, 0 }
};
