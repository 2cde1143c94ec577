/*
 * sc_dir.c: directories: mkdir/rmdir and their errors, "." and "..",
 * trailing slashes, unlink of a directory, link counts, and listings
 * after many creates and deletes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ak/ak.h"
#include "tests/vfs/vfs_conform.h"

static void
dir_mkdir_rmdir(struct vc *c)
{
	int fd;

	X_MKDIR(c, "d", 0755);
	X_MKDIR(c, "d", 0755);
	X_MKDIR(c, "e/", 0700);
	X_MKDIR(c, "x/y", 0755);
	X_MKDIR(c, ".", 0755);
	X_MKDIR(c, "..", 0755);
	X_MKDIR(c, "", 0755);
	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_MKDIR(c, "f", 0755);
	X_MKDIR(c, "f/sub", 0755);
	X_MKDIR(c, "d/sub", 0751);
	X_STAT(c, "d");
	X_STAT(c, "d/sub");
	X_STAT(c, "e");
	X_STAT(c, ".");
	X_RMDIR(c, "d");
	X_RMDIR(c, "f");
	X_RMDIR(c, "missing");
	X_RMDIR(c, ".");
	X_RMDIR(c, "d/.");
	X_RMDIR(c, "d/..");
	X_RMDIR(c, "d/sub/");
	X_STAT(c, "d");
	X_RMDIR(c, "d");
	X_RMDIR(c, "e//");
	X_LS(c, ".");
}

static void
dir_unlink(struct vc *c)
{
	int fd;

	X_MKDIR(c, "d", 0755);
	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_UNLINK(c, "d");
	X_UNLINK(c, "d/");
	X_UNLINK(c, "f/");
	X_UNLINK(c, "missing");
	X_UNLINK(c, "missing/x");
	X_UNLINK(c, "f/x");
	X_UNLINKAT(c, AT_FDCWD, "f", AT_REMOVEDIR);
	X_UNLINKAT(c, AT_FDCWD, "d", AT_REMOVEDIR);
	X_UNLINKAT(c, AT_FDCWD, "f", 0x4000000);
	X_UNLINK(c, "f");
	X_LS(c, ".");
}

static void
dir_trailing_slash(struct vc *c)
{
	int fd;

	X_MKDIR(c, "d", 0755);
	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_SYMLINK(c, "d", "sd");
	X_SYMLINK(c, "f", "sf");
	X_STAT(c, "f/");
	X_STAT(c, "d/");
	X_STAT(c, "d//");
	X_LSTAT(c, "sd");
	X_LSTAT(c, "sd/");
	X_LSTAT(c, "sf/");
	X_STAT(c, "d/./.");
	X_RENAME(c, "f/", "g");
	X_RENAME(c, "f", "g/");
	X_RENAME(c, "d/", "e/");
	X_STAT(c, "e");
	X_RENAME(c, "e", "d/");
	X_LINK(c, "f", "h/");
	X_SYMLINK(c, "f", "t/");
	X_LS(c, ".");
}

static void
dir_dots(struct vc *c)
{
	int fd;

	X_MKDIR(c, "a", 0755);
	X_MKDIR(c, "a/b", 0755);
	fd = X_OPEN(c, "a/b/f", O_CREAT | O_WRONLY, 0644);
	X_WRITES(c, fd, "f");
	X_CLOSE(c, fd);
	X_CAT(c, "a/b/../b/./f");
	X_CAT(c, "./a//b///f");
	X_STAT(c, "a/b/..");
	X_STAT(c, "a/b/../..");
	X_LS(c, "a/b/..");
	X_LS(c, "a/./b");
	X_STAT(c, "a/b/f/..");
	X_STAT(c, "missing/..");
	X_LS(c, "a/b");
}

/* Link counts of directories as subdirectories come and go. */
static void
dir_nlink(struct vc *c)
{
	int fd;

	X_MKDIR(c, "p", 0755);
	X_STAT(c, "p");
	X_MKDIR(c, "p/a", 0755);
	X_MKDIR(c, "p/b", 0755);
	X_MKDIR(c, "p/b/c", 0755);
	fd = X_OPEN(c, "p/file", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_STAT(c, "p");
	X_STAT(c, "p/b");
	X_STAT(c, "p/a");
	X_RMDIR(c, "p/a");
	X_STAT(c, "p");
	X_RENAME(c, "p/b/c", "p/c");
	X_STAT(c, "p");
	X_STAT(c, "p/b");
	X_STAT(c, "p/c");
	X_RENAME(c, "p/c", "q");
	X_STAT(c, "p");
	X_STAT(c, ".");
}

/* Many entries, removed in a pattern, listed at every stage. */
static void
dir_many(struct vc *c)
{
	char name[64];
	int i, fd;

	X_MKDIR(c, "d", 0755);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "d/file-%03d-%.*s", i, i % 40,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP");
		fd = X_OPEN(c, name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		X_CLOSE(c, fd);
	}
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "d/sub%02d", i);
		X_MKDIR(c, name, 0755);
	}
	X_LS(c, "d");
	X_STAT(c, "d");
	for (i = 0; i < 300; i += 3) {
		snprintf(name, sizeof(name), "d/file-%03d-%.*s", i, i % 40,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP");
		X_UNLINK(c, name);
	}
	for (i = 0; i < 20; i += 2) {
		snprintf(name, sizeof(name), "d/sub%02d", i);
		X_RMDIR(c, name);
	}
	X_LS(c, "d");
	X_STAT(c, "d");
	/* Re-use freed names. */
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "d/file-%03d-%.*s", i, i % 40,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP");
		fd = X_OPEN(c, name, O_CREAT | O_WRONLY, 0644);
		X_CLOSE(c, fd);
	}
	X_LS(c, "d");
	fd = X_OPEN(c, "d", O_RDONLY | O_DIRECTORY, 0);
	X_FLS(c, fd);
	X_CLOSE(c, fd);
}

/* A listing taken through a descriptor, and of an emptied directory. */
static void
dir_empty_listing(struct vc *c)
{
	int fd;

	X_MKDIR(c, "d", 0755);
	X_LS(c, "d");
	fd = X_OPEN(c, "d/x", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_UNLINK(c, "d/x");
	X_LS(c, "d");
	fd = X_OPEN(c, "d", O_RDONLY, 0);
	X_RMDIR(c, "d");
	X_FLS(c, fd);
	X_FSTAT(c, fd);
	X_OPENAT(c, fd, "new", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_LS(c, "missing");
	X_LS(c, "d");
}

/*
 * Read a directory with ak_sys_getdents into a small buffer, count each
 * name of "s<n>" into seen[n].  Between the first and the rest of the
 * reading, mid() may change the directory.  -1 on a getdents error.
 */
static int
gd_read(struct vc *c, int fd, size_t bufsz, int *seen, int nseen,
    void (*mid)(struct vc *), int *nrec)
{
	_Alignas(8) char buf[512];
	struct ak_dirent *de;
	ssize_t n, off;
	int calls = 0, k;

	*nrec = 0;
	while ((n = ak_sys_getdents(fd, buf, bufsz)) > 0) {
		for (off = 0; off < n; off += de->d_reclen) {
			de = (struct ak_dirent *)(buf + off);
			(*nrec)++;
			if (de->d_reclen == 0 || de->d_reclen > n - off) {
				E_TRUE(c, "d_reclen within the buffer", 0);
				return -1;
			}
			if (de->d_name[0] == 's' &&
			    (k = atoi(de->d_name + 1)) >= 0 && k < nseen)
				seen[k]++;
		}
		if (++calls == 3 && mid != NULL)
			mid(c);
	}
	return n < 0 ? -1 : 0;
}

#define GD_N	120

/* Remove every odd-numbered file and add new ones, mid-listing. */
static void
gd_churn(struct vc *c)
{
	char name[32];
	int k, fd;

	for (k = 1; k < GD_N; k += 2) {
		snprintf(name, sizeof(name), "d/s%d", k);
		E_CALL(c, "unlink", name, 0, ak_sys_unlink(name));
	}
	for (k = 0; k < GD_N; k++) {
		snprintf(name, sizeof(name), "d/new%d", k);
		fd = (int)E_CALL(c, "create", name, 0,
		    ak_sys_open(name, O_CREAT | O_WRONLY, 0644));
		ak_sys_close(fd);
	}
}

/*
 * getdents in small pieces: every record well-formed, every name seen
 * once, and (POSIX) while the directory changes under the reader, every
 * entry neither removed nor added in the meantime still seen exactly
 * once.  libak's readdir hides getdents behind a 32 KiB buffer, so this
 * goes straight to ak_sys_getdents.
 */
static void
dir_getdents(struct vc *c)
{
	_Alignas(8) char buf[64];
	int seen[GD_N], k, fd, nrec, ok;
	char name[32];

	E_CALL(c, "mkdir", "d", 0, ak_sys_mkdir("d", 0755));
	for (k = 0; k < GD_N; k++) {
		snprintf(name, sizeof(name), "d/s%d", k);
		fd = (int)E_CALL(c, "create", name, 0,
		    ak_sys_open(name, O_CREAT | O_WRONLY, 0644));
		ak_sys_close(fd);
	}
	fd = (int)E_CALL(c, "open", "d", 0,
	    ak_sys_open("d", O_RDONLY | O_DIRECTORY));
	E_CALL(c, "getdents tiny buffer", "d", EINVAL,
	    ak_sys_getdents(fd, buf, 8));
	memset(seen, 0, sizeof(seen));
	E_CALL(c, "getdents", "d", 0,
	    gd_read(c, fd, 100, seen, GD_N, NULL, &nrec));
	E_TRUE(c, "all entries and . and .. listed", nrec == GD_N + 2);
	for (ok = 1, k = 0; k < GD_N; k++)
		ok &= seen[k] == 1;
	E_TRUE(c, "each name listed once", ok);
	E_CALL(c, "getdents at end", "d", 0, ak_sys_getdents(fd, buf, 64));
	E_CALL(c, "lseek 0", "d", 0, ak_sys_lseek(fd, 0, SEEK_SET));
	memset(seen, 0, sizeof(seen));
	E_CALL(c, "getdents with churn", "d", 0,
	    gd_read(c, fd, 200, seen, GD_N, gd_churn, &nrec));
	for (ok = 1, k = 0; k < GD_N; k += 2)
		ok &= seen[k] == 1;
	E_TRUE(c, "entries kept through churn listed exactly once", ok);
	for (ok = 1, k = 1; k < GD_N; k += 2)
		ok &= seen[k] <= 1;
	E_TRUE(c, "removed entries listed at most once", ok);
	ak_sys_close(fd);
	fd = (int)E_CALL(c, "open", "d/s0", 0, ak_sys_open("d/s0", O_RDONLY));
	E_CALL(c, "getdents on a file", "d/s0", ENOTDIR,
	    ak_sys_getdents(fd, buf, sizeof(buf)));
	ak_sys_close(fd);
	E_CALL(c, "getdents bad fd", "9999", EBADF,
	    ak_sys_getdents(9999, buf, sizeof(buf)));
}

const struct vc_scen vc_dir_scen[] = {
	{ "dir_mkdir_rmdir", dir_mkdir_rmdir, 0 },
	{ "dir_unlink", dir_unlink, 0 },
	{ "dir_trailing_slash", dir_trailing_slash, VS_SYMLINK | VS_HARDLINK },
	{ "dir_dots", dir_dots, 0 },
	{ "dir_nlink", dir_nlink, 0 },
	{ "dir_many", dir_many, 0 },
	{ "dir_empty_listing", dir_empty_listing, 0 },
	{ "dir_getdents", dir_getdents, VS_AKONLY },
	{ NULL, NULL, 0 }
};
