/*
 * sc_link.c: hard links, symbolic links, readlink, symlink loops and
 * the MAXSYMLINKS limit, and names too long.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/vfs/vfs_conform.h"

static void
link_hard(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_WRITES(c, fd, "shared");
	X_CLOSE(c, fd);
	X_MKDIR(c, "d", 0755);
	X_LINK(c, "f", "d/g");
	X_STAT(c, "f");
	X_LINK(c, "f", "d/g");
	X_LINK(c, "missing", "x");
	X_LINK(c, "d", "dd");
	X_LINK(c, "f", "missing/x");
	X_LINK(c, "f", "f/x");
	X_UNLINK(c, "f");
	X_STAT(c, "d/g");
	X_CAT(c, "d/g");
	fd = X_OPEN(c, "d/g", O_WRONLY | O_APPEND, 0);
	X_LINK(c, "d/g", "h");
	X_WRITES(c, fd, "+more");
	X_CLOSE(c, fd);
	X_CAT(c, "h");
	X_STAT(c, "h");
	X_LS(c, ".");
	X_LS(c, "d");
}

static void
link_linkat_follow(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_SYMLINK(c, "f", "s");
	/* Without AT_SYMLINK_FOLLOW Linux links the symlink itself. */
	X_LINKAT(c, AT_FDCWD, "s", AT_FDCWD, "l1", 0);
	X_LINKAT(c, AT_FDCWD, "s", AT_FDCWD, "l2", AT_SYMLINK_FOLLOW);
	X_LSTAT(c, "l1");
	X_LSTAT(c, "l2");
	X_LSTAT(c, "s");
	X_STAT(c, "f");
	X_READLINK(c, "l1", 100);
	X_SYMLINK(c, "nowhere", "dangle");
	X_LINKAT(c, AT_FDCWD, "dangle", AT_FDCWD, "l3", AT_SYMLINK_FOLLOW);
	X_LINKAT(c, AT_FDCWD, "dangle", AT_FDCWD, "l4", 0);
	X_LINKAT(c, AT_FDCWD, "f", AT_FDCWD, "l5", 0x40000000);
	X_LS(c, ".");
}

static void
link_symlink(struct vc *c)
{
	int fd;

	X_MKDIR(c, "d", 0755);
	fd = X_OPEN(c, "d/f", O_CREAT | O_WRONLY, 0644);
	X_WRITES(c, fd, "via link");
	X_CLOSE(c, fd);
	X_SYMLINK(c, "d/f", "s");
	X_SYMLINK(c, "../d/f", "d/up");
	X_SYMLINK(c, "d", "sd");
	X_SYMLINK(c, "x", "s");
	X_SYMLINK(c, "x", "d");
	X_SYMLINK(c, "", "empty");
	X_SYMLINK(c, "x", "missing/s");
	X_LSTAT(c, "s");
	X_STAT(c, "s");
	X_CAT(c, "s");
	X_CAT(c, "d/up");
	X_CAT(c, "sd/f");
	X_CAT(c, "sd/up");
	X_READLINK(c, "s", 100);
	X_READLINK(c, "s", 2);
	X_READLINK(c, "d/up", 100);
	X_READLINK(c, "d", 100);
	X_READLINK(c, "d/f", 100);
	X_READLINK(c, "missing", 100);
	X_READLINK(c, "s", 0);
	X_READLINK(c, "sd/", 100);
	X_SYMLINK(c, "nowhere", "dangle");
	X_STAT(c, "dangle");
	X_LSTAT(c, "dangle");
	X_SYMLINK(c, "/", "abs");
	X_LSTAT(c, "abs");
	X_READLINK(c, "abs", 100);
	X_UNLINK(c, "sd");
	X_STAT(c, "d");
	X_LS(c, ".");
}

/* Loops, and a chain just within and just past MAXSYMLINKS (40). */
static void
link_loops(struct vc *c)
{
	char from[32], to[32];
	int i, fd;

	X_SYMLINK(c, "b", "a");
	X_SYMLINK(c, "a", "b");
	X_SYMLINK(c, "self", "self");
	X_STAT(c, "a");
	X_LSTAT(c, "a");
	X_TRYOPEN(c, "a", O_RDONLY, 0);
	X_TRYOPEN(c, "self", O_CREAT | O_WRONLY, 0644);
	X_STAT(c, "a/x");
	X_MKDIR(c, "a/x", 0755);
	X_MKDIR(c, "d", 0755);
	X_SYMLINK(c, "../d/loop", "d/loop");
	X_STAT(c, "d/loop/f");
	X_CHDIR(c, "self");
	fd = X_OPEN(c, "end", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	for (i = 0; i < 41; i++) {
		snprintf(from, sizeof(from), "c%02d", i);
		if (i == 0)
			snprintf(to, sizeof(to), "end");
		else
			snprintf(to, sizeof(to), "c%02d", i - 1);
		X_SYMLINK(c, to, from);
	}
	X_STAT(c, "c38");
	X_STAT(c, "c39");
	X_STAT(c, "c40");
	X_TRYOPEN(c, "c39", O_RDONLY, 0);
	X_TRYOPEN(c, "c40", O_RDONLY, 0);
	X_LSTAT(c, "c40");
}

static void
link_nametoolong(struct vc *c)
{
	char name[300], *path, *target;
	int fd;

	memset(name, 'n', 255);
	name[255] = '\0';
	fd = X_OPEN(c, name, O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_STAT(c, name);
	X_LS(c, ".");
	X_UNLINK(c, name);
	name[255] = 'n';
	name[256] = '\0';
	X_TRYOPEN(c, name, O_CREAT | O_WRONLY, 0644);
	X_TRYOPEN(c, name, O_RDONLY, 0);
	X_STAT(c, name);
	X_MKDIR(c, name, 0755);
	X_SYMLINK(c, "x", name);
	X_SYMLINK(c, name, "s");
	X_LSTAT(c, "s");
	X_STAT(c, "s");
	X_RENAME(c, "s", name);
	X_UNLINK(c, name);
	/* A path longer than PATH_MAX made of short components. */
	path = malloc(5000);
	target = malloc(5000);
	for (fd = 0; fd < 4998; fd += 2)
		memcpy(path + fd, "./", 2);
	path[4998] = 'x';
	path[4999] = '\0';
	X_STAT(c, path);
	X_TRYOPEN(c, path, O_CREAT | O_WRONLY, 0644);
	/* Symlink targets: PATH_MAX - 1 bytes is the most Linux takes. */
	memset(target, 't', 4095);
	target[4095] = '\0';
	X_SYMLINK(c, target, "long");
	X_READLINK(c, "long", 4096);
	X_LSTAT(c, "long");
	target[4095] = 't';
	target[4096] = '\0';
	X_SYMLINK(c, target, "toolong");
	X_LS(c, ".");
	free(path);
	free(target);
}

/* Operations on a symlink that act on the link, not its target. */
static void
link_symlink_ops(struct vc *c)
{
	int fd;

	X_MKDIR(c, "d", 0755);
	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_SYMLINK(c, "d", "sd");
	X_SYMLINK(c, "f", "sf");
	X_RMDIR(c, "sd");
	X_RMDIR(c, "sd/");
	X_UNLINK(c, "sd/");
	X_RENAME(c, "sf", "sf2");
	X_READLINK(c, "sf2", 100);
	X_RENAME(c, "sd", "d/inside");
	X_READLINK(c, "d/inside", 100);
	X_STAT(c, "d/inside");
	X_RENAME(c, "sf2", "f");
	X_LSTAT(c, "f");
	X_STAT(c, "f");
	X_UNLINK(c, "f");
	X_LS(c, ".");
}

const struct vc_scen vc_link_scen[] = {
	{ "link_hard", link_hard, VS_HARDLINK },
	{ "link_linkat_follow", link_linkat_follow, VS_HARDLINK | VS_SYMLINK },
	{ "link_symlink", link_symlink, VS_SYMLINK },
	{ "link_loops", link_loops, VS_SYMLINK },
	{ "link_nametoolong", link_nametoolong, VS_SYMLINK },
	{ "link_symlink_ops", link_symlink_ops, VS_SYMLINK },
	{ NULL, NULL, 0 }
};
