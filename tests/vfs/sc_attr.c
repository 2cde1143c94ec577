/*
 * sc_attr.c: attributes: chmod, chown (the host must be root to be an
 * oracle), utimensat with UTIME_NOW and UTIME_OMIT, timestamps that
 * writes must update, and special files made with mknod.
 */
#include <sys/sysmacros.h>

#include "tests/vfs/vfs_conform.h"

#define T0	1000000000	/* 2001-09-09, a time no test runs at */

static void
mkfile(struct vc *c, const char *path)
{
	int fd;

	fd = X_OPEN(c, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	X_WRITES(c, fd, "data");
	X_CLOSE(c, fd);
}

/* The mtime of path, seconds, without recording anything; -1 if none. */
static long long
mtime_of(struct vc *c, const char *path)
{
	struct stat st;

	if (c->c_o->o_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	return (long long)st.st_mtim.tv_sec;
}

static long long
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec;
}

static void
attr_chmod(struct vc *c)
{
	int fd;

	mkfile(c, "f");
	X_MKDIR(c, "d", 0755);
	X_SYMLINK(c, "f", "s");
	X_CHMOD(c, "f", 0);
	X_STAT(c, "f");
	X_CHMOD(c, "f", 07777);
	X_STAT(c, "f");
	X_CHMOD(c, "f", 0100644);
	X_STAT(c, "f");
	X_CHMOD(c, "s", 0600);
	X_STAT(c, "f");
	X_LSTAT(c, "s");
	X_CHMOD(c, "d", 01777);
	X_STAT(c, "d");
	X_CHMOD(c, "missing", 0644);
	fd = X_OPEN(c, "f", O_RDONLY, 0);
	X_FCHMOD(c, fd, 0444);
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
	X_FCHMOD(c, fd, 0444);
}

static void
attr_chown(struct vc *c)
{
	int fd;

	c->c_owners = 1;
	mkfile(c, "f");
	X_SYMLINK(c, "f", "s");
	X_MKDIR(c, "d", 0755);
	X_CHOWN(c, "f", 1234, 5678);
	X_STAT(c, "f");
	X_CHOWN(c, "f", (uid_t)-1, 42);
	X_STAT(c, "f");
	X_CHOWN(c, "f", 77, (gid_t)-1);
	X_STAT(c, "f");
	X_LCHOWN(c, "s", 999, 888);
	X_LSTAT(c, "s");
	X_STAT(c, "s");
	X_CHOWN(c, "s", 5, 6);
	X_LSTAT(c, "s");
	X_STAT(c, "f");
	X_CHOWN(c, "d", 100, 200);
	X_STAT(c, "d");
	X_CHOWN(c, "missing", 1, 1);
	/* Linux clears set-id bits of a regular file on chown, even by root. */
	X_CHMOD(c, "f", 06755);
	X_CHOWN(c, "f", 3, 3);
	X_STAT(c, "f");
	X_CHMOD(c, "f", 06745);
	X_CHOWN(c, "f", (uid_t)-1, (gid_t)-1);
	X_STAT(c, "f");
	X_CHMOD(c, "d", 06755);
	X_CHOWN(c, "d", 4, 4);
	X_STAT(c, "d");
	fd = X_OPEN(c, "f", O_RDONLY, 0);
	X_FCHOWN(c, fd, 11, 12);
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
}

static void
attr_utimens(struct vc *c)
{
	struct timespec ts[2];
	long long before;
	int fd;

	c->c_times = 1;
	mkfile(c, "f");
	X_SYMLINK(c, "f", "s");
	ts[0].tv_sec = T0;
	ts[0].tv_nsec = 123456789;
	ts[1].tv_sec = T0 + 100;
	ts[1].tv_nsec = 987654321;
	X_UTIMENS(c, "f", ts, 0);
	X_STAT(c, "f");
	/* UTIME_OMIT leaves one alone. */
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = T0 + 200;
	ts[1].tv_nsec = 5;
	X_UTIMENS(c, "f", ts, 0);
	X_STAT(c, "f");
	ts[0].tv_sec = T0 + 300;
	ts[0].tv_nsec = 0;
	ts[1].tv_nsec = UTIME_OMIT;
	X_UTIMENS(c, "f", ts, 0);
	X_STAT(c, "f");
	/* Through the symlink, and of the symlink itself. */
	ts[0].tv_sec = T0 + 400;
	ts[1].tv_sec = T0 + 500;
	ts[1].tv_nsec = 0;
	X_UTIMENS(c, "s", ts, 0);
	X_STAT(c, "f");
	ts[0].tv_sec = T0 + 600;
	X_UTIMENS(c, "s", ts, AT_SYMLINK_NOFOLLOW);
	X_LSTAT(c, "s");
	X_STAT(c, "f");
	ts[1].tv_nsec = 1000000000;
	X_UTIMENS(c, "f", ts, 0);
	ts[1].tv_nsec = -1;
	X_UTIMENS(c, "f", ts, 0);
	ts[1].tv_nsec = 0;
	X_UTIMENS(c, "missing", ts, 0);
	fd = X_OPEN(c, "f", O_RDONLY, 0);
	ts[0].tv_sec = T0 + 700;
	ts[1].tv_sec = T0 + 800;
	ts[1].tv_nsec = 0;
	X_FUTIMENS(c, fd, ts);
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
	/* UTIME_NOW and NULL: the values differ, so note their sanity. */
	c->c_times = 0;
	before = now_sec();
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	X_UTIMENS(c, "f", ts, 0);
	vc_note(c, __LINE__, "UTIME_NOW mtime is now",
	    mtime_of(c, "f") >= before - 1 && mtime_of(c, "f") <= now_sec() + 1);
	ts[1].tv_sec = T0;
	ts[1].tv_nsec = 0;
	X_UTIMENS(c, "f", ts, 0);
	X_UTIMENS(c, "f", NULL, 0);
	vc_note(c, __LINE__, "NULL times mtime is now",
	    mtime_of(c, "f") >= before - 1 && mtime_of(c, "f") <= now_sec() + 1);
}

/* Writes, truncation and directory changes move mtime forward. */
static void
attr_mtime_updates(struct vc *c)
{
	struct timespec ts[2] = { { T0, 0 }, { T0, 0 } };
	int fd;

	mkfile(c, "f");
	X_MKDIR(c, "d", 0755);
	X_UTIMENS(c, "f", ts, 0);
	X_UTIMENS(c, "d", ts, 0);
	fd = X_OPEN(c, "f", O_WRONLY, 0);
	X_WRITES(c, fd, "x");
	X_CLOSE(c, fd);
	vc_note(c, __LINE__, "write moved mtime", mtime_of(c, "f") > T0);
	X_UTIMENS(c, "f", ts, 0);
	X_TRUNCATE(c, "f", 100);
	vc_note(c, __LINE__, "truncate moved mtime", mtime_of(c, "f") > T0);
	X_UTIMENS(c, "f", ts, 0);
	fd = X_OPEN(c, "f", O_RDONLY, 0);
	X_READ(c, fd, 10);
	X_CLOSE(c, fd);
	vc_note(c, __LINE__, "read kept mtime", mtime_of(c, "f") == T0);
	mkfile(c, "d/new");
	vc_note(c, __LINE__, "create moved dir mtime", mtime_of(c, "d") > T0);
	X_UTIMENS(c, "d", ts, 0);
	X_UNLINK(c, "d/new");
	vc_note(c, __LINE__, "unlink moved dir mtime", mtime_of(c, "d") > T0);
	X_UTIMENS(c, "d", ts, 0);
	X_CHMOD(c, "d", 0700);
	vc_note(c, __LINE__, "chmod kept dir mtime", mtime_of(c, "d") == T0);
}

static void
attr_mknod(struct vc *c)
{
	X_MKNOD(c, "fifo", S_IFIFO | 0644, 0);
	X_STAT(c, "fifo");
	X_MKNOD(c, "null", S_IFCHR | 0600, makedev(1, 3));
	X_STAT(c, "null");
	X_MKNOD(c, "blk", S_IFBLK | 0600, makedev(7, 0));
	X_STAT(c, "blk");
	X_MKNOD(c, "reg", S_IFREG | 0640, 0);
	X_STAT(c, "reg");
	X_MKNOD(c, "fifo", S_IFIFO | 0644, 0);
	X_MKNOD(c, "missing/x", S_IFIFO | 0644, 0);
	X_MKNOD(c, "dir", S_IFDIR | 0755, 0);
	X_LS(c, ".");
}

/* A setgid directory hands its group, and to subdirectories its bit. */
static void
attr_setgid_dir(struct vc *c)
{
	int fd;

	c->c_owners = 1;
	X_MKDIR(c, "d", 0755);
	X_CHOWN(c, "d", 0, 4242);
	X_CHMOD(c, "d", 02775);
	fd = X_OPEN(c, "d/f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_MKDIR(c, "d/sub", 0755);
	X_MKNOD(c, "d/fifo", S_IFIFO | 0644, 0);
	X_SYMLINK(c, "f", "d/s");
	X_STAT(c, "d");
	X_STAT(c, "d/f");
	X_STAT(c, "d/sub");
	X_STAT(c, "d/fifo");
	X_LSTAT(c, "d/s");
	X_MKDIR(c, "plain", 0755);
	X_RENAME(c, "d/f", "plain/f");
	X_STAT(c, "plain/f");
}

const struct vc_scen vc_attr_scen[] = {
	{ "attr_chmod", attr_chmod, VS_OWNERS | VS_SYMLINK },
	{ "attr_chown", attr_chown, VS_ROOT | VS_OWNERS | VS_SYMLINK },
	{ "attr_utimens", attr_utimens, VS_NSEC | VS_SYMLINK },
	{ "attr_mtime_updates", attr_mtime_updates, VS_OWNERS },
	{ "attr_mknod", attr_mknod, VS_ROOT | VS_SPECIAL },
	{ "attr_setgid_dir", attr_setgid_dir,
	    VS_ROOT | VS_OWNERS | VS_SPECIAL | VS_SYMLINK },
	{ NULL, NULL, 0 }
};
