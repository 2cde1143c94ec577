/*
 * sc_xattr.c: user.* extended attributes: set with XATTR_CREATE and
 * XATTR_REPLACE, get with a size query and a short buffer, list and
 * remove, on files and directories and through descriptors.
 */
#include <stdlib.h>
#include <sys/xattr.h>

#include "tests/vfs/vfs_conform.h"

static void
xattr_basic(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_SETXATTR(c, "f", "user.a", "alpha", 5, 0);
	X_SETXATTR(c, "f", "user.b", "", 0, 0);
	X_GETXATTR(c, "f", "user.a", 100);
	X_GETXATTR(c, "f", "user.a", 0);
	X_GETXATTR(c, "f", "user.a", 3);
	X_GETXATTR(c, "f", "user.b", 100);
	X_GETXATTR(c, "f", "user.none", 100);
	X_SETXATTR(c, "f", "user.a", "x", 1, XATTR_CREATE);
	X_SETXATTR(c, "f", "user.c", "x", 1, XATTR_REPLACE);
	X_SETXATTR(c, "f", "user.a", "replaced", 8, XATTR_REPLACE);
	X_GETXATTR(c, "f", "user.a", 100);
	X_SETXATTR(c, "f", "user.a", "s", 1, 0);
	X_GETXATTR(c, "f", "user.a", 100);
	X_LISTXATTR(c, "f", 4096);
	X_REMOVEXATTR(c, "f", "user.a");
	X_REMOVEXATTR(c, "f", "user.a");
	X_GETXATTR(c, "f", "user.a", 100);
	X_LISTXATTR(c, "f", 4096);
	X_SETXATTR(c, "missing", "user.a", "x", 1, 0);
	X_GETXATTR(c, "missing", "user.a", 100);
	X_SETXATTR(c, "f", "user.a", "x", 1, XATTR_CREATE | XATTR_REPLACE);
}

static void
xattr_dir_and_fd(struct vc *c)
{
	char *big = malloc(2000);
	int fd;

	memset(big, 'v', 2000);
	big[0] = '\0';
	big[1999] = '\377';
	X_MKDIR(c, "d", 0755);
	X_SETXATTR(c, "d", "user.dir", "on a dir", 8, 0);
	X_GETXATTR(c, "d", "user.dir", 100);
	X_SETXATTR(c, "d", "user.big", big, 2000, 0);
	X_GETXATTR(c, "d", "user.big", 4096);
	X_LISTXATTR(c, "d", 4096);
	fd = X_OPEN(c, "d/f", O_CREAT | O_WRONLY, 0644);
	XC(c, "fsetxattr", NULL, NULL, VK_EXACT,
	    XO(c)->o_fsetxattr(fd, "user.fd", "through fd", 10, 0));
	XC(c, "fgetxattr", NULL, NULL, VK_EXACT,
	    XO(c)->o_fgetxattr(fd, "user.fd", NULL, 0));
	X_CLOSE(c, fd);
	X_GETXATTR(c, "d/f", "user.fd", 100);
	/* A renamed or hard-linked file keeps its attributes. */
	X_RENAME(c, "d/f", "g");
	X_LINK(c, "g", "h");
	X_GETXATTR(c, "h", "user.fd", 100);
	X_SYMLINK(c, "g", "s");
	X_GETXATTR(c, "s", "user.fd", 100);
	XC(c, "lgetxattr", "s", NULL, VK_EXACT,
	    XO(c)->o_lgetxattr("s", "user.fd", NULL, 0));
	/* A name in no namespace. */
	X_SETXATTR(c, "g", "nonamespace", "x", 1, 0);
	X_GETXATTR(c, "g", "nonamespace", 10);
	free(big);
}

const struct vc_scen vc_xattr_scen[] = {
	{ "xattr_basic", xattr_basic, VS_XATTR },
	{ "xattr_dir_and_fd", xattr_dir_and_fd,
	    VS_XATTR | VS_HARDLINK | VS_SYMLINK },
	{ NULL, NULL, 0 }
};
