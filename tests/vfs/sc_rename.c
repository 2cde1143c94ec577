/*
 * sc_rename.c: rename(2) in all its forms: over a file, over an empty
 * and a non-empty directory, file onto directory and back, a directory
 * into its own subtree, "." and "..", hard links to one file, dirfds,
 * and the renameat2 flags RENAME_NOREPLACE and RENAME_EXCHANGE.
 */
#include "tests/vfs/vfs_conform.h"

static void
mkfile(struct vc *c, const char *path, const char *data)
{
	int fd;

	fd = X_OPEN(c, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	X_WRITES(c, fd, data);
	X_CLOSE(c, fd);
}

static void
rename_file(struct vc *c)
{
	int fd;

	mkfile(c, "a", "A");
	mkfile(c, "b", "B");
	X_RENAME(c, "a", "b");
	X_CAT(c, "b");
	X_STAT(c, "a");
	X_RENAME(c, "b", "b");
	X_RENAME(c, "missing", "x");
	X_RENAME(c, "b", "missing/x");
	X_RENAME(c, "b", "b/x");
	/* Two names of one file: nothing happens, both stay. */
	X_LINK(c, "b", "b2");
	X_RENAME(c, "b", "b2");
	X_STAT(c, "b");
	X_STAT(c, "b2");
	/* The replaced file lives on while open. */
	mkfile(c, "old", "old data");
	fd = X_OPEN(c, "old", O_RDONLY, 0);
	X_RENAME(c, "b", "old");
	X_FSTAT(c, fd);
	X_READ(c, fd, 100);
	X_CLOSE(c, fd);
	X_CAT(c, "old");
	X_LS(c, ".");
}

static void
rename_dir(struct vc *c)
{
	X_MKDIR(c, "a", 0755);
	X_MKDIR(c, "a/sub", 0755);
	mkfile(c, "a/sub/f", "deep");
	X_MKDIR(c, "empty", 0755);
	X_MKDIR(c, "full", 0755);
	mkfile(c, "full/x", "x");
	mkfile(c, "file", "file");
	X_RENAME(c, "a", "full");
	X_RENAME(c, "a", "file");
	X_RENAME(c, "file", "empty");
	X_RENAME(c, "a", "a/sub/inside");
	X_RENAME(c, "a", "a/sub");
	X_RENAME(c, "a/sub", "a");
	X_RENAME(c, ".", "dot");
	X_RENAME(c, "a/..", "dotdot");
	X_RENAME(c, "a", ".");
	X_RENAME(c, "a", "a");
	X_RENAME(c, "a", "empty");
	X_STAT(c, "a");
	X_STAT(c, "empty");
	X_CAT(c, "empty/sub/f");
	X_STAT(c, ".");
	X_LS(c, ".");
}

/* Moving a directory between parents fixes "..", and both parents. */
static void
rename_dir_parents(struct vc *c)
{
	X_MKDIR(c, "p", 0755);
	X_MKDIR(c, "q", 0755);
	X_MKDIR(c, "p/d", 0755);
	X_MKDIR(c, "p/d/e", 0755);
	mkfile(c, "q/marker", "q");
	X_RENAME(c, "p/d", "q/d");
	X_STAT(c, "p");
	X_STAT(c, "q");
	X_CAT(c, "q/d/../marker");
	X_STAT(c, "q/d/e/../..");
	X_MKDIR(c, "p/over", 0755);
	X_RENAME(c, "q/d", "p/over");
	X_STAT(c, "p");
	X_STAT(c, "q");
	X_STAT(c, "p/over");
	X_LS(c, "p/over");
	X_LS(c, "q");
}

static void
rename_at(struct vc *c)
{
	int dp, dq;

	X_MKDIR(c, "p", 0755);
	X_MKDIR(c, "q", 0755);
	mkfile(c, "p/f", "f");
	dp = X_OPEN(c, "p", O_RDONLY | O_DIRECTORY, 0);
	dq = X_OPEN(c, "q", O_RDONLY | O_DIRECTORY, 0);
	X_RENAMEAT(c, dp, "f", dq, "g");
	X_RENAMEAT(c, dq, "g", AT_FDCWD, "top");
	X_RENAMEAT(c, AT_FDCWD, "top", dp, "back");
	X_RENAMEAT(c, dp, "missing", dq, "x");
	X_RENAMEAT(c, 9999, "back", dq, "x");
	/* A renamed directory keeps serving its descriptor. */
	X_RENAME(c, "p", "r");
	X_FSTATAT(c, dp, "back", 0);
	X_RENAMEAT(c, dp, "back", dp, "again");
	X_CLOSE(c, dp);
	X_CLOSE(c, dq);
	X_LS(c, "r");
	X_LS(c, "q");
}

static void
rename_noreplace(struct vc *c)
{
	mkfile(c, "a", "A");
	mkfile(c, "b", "B");
	X_MKDIR(c, "d", 0755);
	X_RENAME2(c, "a", "b", RENAME_NOREPLACE);
	X_RENAME2(c, "a", "d", RENAME_NOREPLACE);
	X_RENAME2(c, "a", "c", RENAME_NOREPLACE);
	X_RENAME2(c, "missing", "e", RENAME_NOREPLACE);
	X_RENAME2(c, "c", "e", RENAME_NOREPLACE | RENAME_EXCHANGE);
	X_RENAME2(c, "c", "e", 0x80);
	X_CAT(c, "b");
	X_CAT(c, "c");
	X_LS(c, ".");
}

static void
rename_exchange(struct vc *c)
{
	X_MKDIR(c, "d", 0755);
	X_MKDIR(c, "d/sub", 0755);
	X_MKDIR(c, "e", 0755);
	mkfile(c, "a", "A");
	mkfile(c, "e/b", "B");
	X_RENAME2(c, "a", "e/b", RENAME_EXCHANGE);
	X_CAT(c, "a");
	X_CAT(c, "e/b");
	X_RENAME2(c, "a", "missing", RENAME_EXCHANGE);
	/* A file and a directory trade places; parents' links follow. */
	X_RENAME2(c, "e/b", "d", RENAME_EXCHANGE);
	X_STAT(c, "d");
	X_STAT(c, "e/b");
	X_STAT(c, "e");
	X_STAT(c, ".");
	X_STAT(c, "e/b/sub/../..");
	X_RENAME2(c, "e", "e/b/sub", RENAME_EXCHANGE);
	X_RENAME2(c, "a", "a", RENAME_EXCHANGE);
	X_LS(c, ".");
	X_LS(c, "e");
}

const struct vc_scen vc_rename_scen[] = {
	{ "rename_file", rename_file, VS_HARDLINK },
	{ "rename_dir", rename_dir, 0 },
	{ "rename_dir_parents", rename_dir_parents, 0 },
	{ "rename_at", rename_at, 0 },
	{ "rename_noreplace", rename_noreplace, 0 },
	{ "rename_exchange", rename_exchange, VS_EXCHANGE },
	{ NULL, NULL, 0 }
};
