/*
 * sc_open.c: open(2) flags: O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
 * O_DIRECTORY, O_NOFOLLOW, the access mode, and the errors of a path
 * that cannot be opened.  (libak has no O_PATH: nothing to test.)
 */
#include "tests/vfs/vfs_conform.h"

static void
open_creat_excl(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_EXCL | O_WRONLY, 0644);
	X_WRITES(c, fd, "abc");
	X_CLOSE(c, fd);
	X_TRYOPEN(c, "f", O_CREAT | O_EXCL | O_WRONLY, 0644);
	/* O_CREAT alone opens the existing file and keeps its data. */
	fd = X_OPEN(c, "f", O_CREAT | O_RDWR, 0600);
	X_READ(c, fd, 10);
	X_CLOSE(c, fd);
	/* O_EXCL without O_CREAT is ignored on Linux. */
	fd = X_OPEN(c, "f", O_EXCL | O_RDONLY, 0);
	X_CLOSE(c, fd);
	X_STAT(c, "f");
	/* A dangling symlink: O_EXCL refuses it, O_CREAT creates its target. */
	X_SYMLINK(c, "target", "dangle");
	X_TRYOPEN(c, "dangle", O_CREAT | O_EXCL | O_WRONLY, 0644);
	fd = X_OPEN(c, "dangle", O_CREAT | O_WRONLY, 0640);
	X_CLOSE(c, fd);
	X_STAT(c, "target");
	X_LSTAT(c, "dangle");
	X_LS(c, ".");
}

static void
open_trunc(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_WRITES(c, fd, "hello, world");
	X_CLOSE(c, fd);
	fd = X_OPEN(c, "f", O_WRONLY | O_TRUNC, 0);
	X_FSTAT(c, fd);
	X_WRITES(c, fd, "hi");
	X_CLOSE(c, fd);
	X_CAT(c, "f");
	/* Linux truncates even when opened read-only. */
	fd = X_OPEN(c, "f", O_RDONLY | O_TRUNC, 0);
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
	fd = X_OPEN(c, "g", O_CREAT | O_TRUNC | O_RDWR, 0644);
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
}

static void
open_append(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY | O_APPEND, 0644);
	X_WRITES(c, fd, "one,");
	X_LSEEK(c, fd, 0, SEEK_SET);
	X_WRITES(c, fd, "two,");
	X_LSEEK(c, fd, 0, SEEK_CUR);
	X_CLOSE(c, fd);
	fd = X_OPEN(c, "f", O_RDWR | O_APPEND, 0);
	X_READ(c, fd, 3);
	X_WRITES(c, fd, "three");
	X_LSEEK(c, fd, 0, SEEK_CUR);
	X_CLOSE(c, fd);
	X_CAT(c, "f");
}

static void
open_directory(struct vc *c)
{
	int fd;

	X_MKDIR(c, "d", 0755);
	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_TRYOPEN(c, "f", O_RDONLY | O_DIRECTORY, 0);
	fd = X_OPEN(c, "d", O_RDONLY | O_DIRECTORY, 0);
	X_FSTAT(c, fd);
	X_READ(c, fd, 10);
	X_WRITE(c, fd, "x", 1);
	X_CLOSE(c, fd);
	X_TRYOPEN(c, "d", O_WRONLY, 0);
	X_TRYOPEN(c, "d", O_RDWR, 0);
	X_TRYOPEN(c, "d", O_CREAT | O_WRONLY, 0644);
	X_TRYOPEN(c, "d", O_CREAT | O_EXCL | O_WRONLY, 0644);
	X_SYMLINK(c, "d", "sd");
	fd = X_OPEN(c, "sd", O_RDONLY | O_DIRECTORY, 0);
	X_CLOSE(c, fd);
	X_TRYOPEN(c, "sd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	fd = X_OPEN(c, ".", O_RDONLY | O_DIRECTORY, 0);
	X_CLOSE(c, fd);
}

static void
open_nofollow(struct vc *c)
{
	int fd;

	X_MKDIR(c, "d", 0755);
	fd = X_OPEN(c, "d/f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_SYMLINK(c, "d/f", "sf");
	X_SYMLINK(c, "d", "sd");
	X_TRYOPEN(c, "sf", O_RDONLY | O_NOFOLLOW, 0);
	X_TRYOPEN(c, "sf", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644);
	fd = X_OPEN(c, "d/f", O_RDONLY | O_NOFOLLOW, 0);
	X_CLOSE(c, fd);
	/* Only the last component is protected. */
	fd = X_OPEN(c, "sd/f", O_RDONLY | O_NOFOLLOW, 0);
	X_CLOSE(c, fd);
	fd = X_OPEN(c, "sf", O_RDONLY, 0);
	X_CLOSE(c, fd);
}

static void
open_errors(struct vc *c)
{
	int fd;

	X_TRYOPEN(c, "missing", O_RDONLY, 0);
	X_TRYOPEN(c, "nodir/f", O_CREAT | O_WRONLY, 0644);
	X_TRYOPEN(c, "", O_RDONLY, 0);
	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_TRYOPEN(c, "f/x", O_RDONLY, 0);
	X_TRYOPEN(c, "f/x", O_CREAT | O_WRONLY, 0644);
	X_TRYOPEN(c, "f/", O_RDONLY, 0);
	X_TRYOPEN(c, "new/", O_CREAT | O_WRONLY, 0644);
	X_LS(c, ".");
	X_CLOSE(c, fd);
	X_CLOSE(c, -1);
}

static void
open_accmode(struct vc *c)
{
	int fd, rfd, wfd;

	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_WRITES(c, fd, "data");
	X_CLOSE(c, fd);
	rfd = X_OPEN(c, "f", O_RDONLY, 0);
	X_WRITE(c, rfd, "x", 1);
	X_FTRUNCATE(c, rfd, 0);
	X_READ(c, rfd, 100);
	wfd = X_OPEN(c, "f", O_WRONLY, 0);
	X_READ(c, wfd, 100);
	X_PREAD(c, wfd, 100, 0);
	X_WRITES(c, wfd, "D");
	X_CLOSE(c, wfd);
	X_PREAD(c, rfd, 100, 0);
	X_CLOSE(c, rfd);
	X_READ(c, rfd, 1);
}

static void
open_creat_mode(struct vc *c)
{
	int fd;

	X_UMASK(c, 027);
	fd = X_OPEN(c, "a", O_CREAT | O_WRONLY, 0777);
	X_CLOSE(c, fd);
	X_UMASK(c, 0);
	fd = X_OPEN(c, "b", O_CREAT | O_WRONLY, 04755);
	X_CLOSE(c, fd);
	fd = X_OPEN(c, "c", O_CREAT | O_WRONLY, 0);
	X_CLOSE(c, fd);
	X_UMASK(c, 022);
	X_STAT(c, "a");
	X_STAT(c, "b");
	X_STAT(c, "c");
}

const struct vc_scen vc_open_scen[] = {
	{ "open_creat_excl", open_creat_excl, VS_SYMLINK },
	{ "open_trunc", open_trunc, 0 },
	{ "open_append", open_append, 0 },
	{ "open_directory", open_directory, VS_SYMLINK },
	{ "open_nofollow", open_nofollow, VS_SYMLINK },
	{ "open_errors", open_errors, 0 },
	{ "open_accmode", open_accmode, 0 },
	{ "open_creat_mode", open_creat_mode, VS_OWNERS },
	{ NULL, NULL, 0 }
};
