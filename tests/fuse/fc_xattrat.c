/*
 * fc_xattrat.c: libak's ak_sys_*xattrat calls, which akfuse uses to
 * reach a file's attributes through its directory's descriptor.  Run
 * by fuse_conform before the mounts, in libak's own kernel on a tmpfs.
 *
 * The oracle is libak's path forms (ak_sys_lgetxattr and company),
 * which the VFS conformance suite checks against the host: each *at
 * call must see and change what the path form sees, follow or not
 * follow a symbolic link as told, honour AT_EMPTY_PATH, refuse unknown
 * flags and bad descriptors, and reach a file deeper than PATH_MAX,
 * where no path form can.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>

#include "ak/ak.h"
#include "tests/fuse/fc_xattrat.h"
#include "tests/vfs/vfs_conform.h"

#define XA_DIR		"/xattrat"
#define XA_DEEP_LEN	200	/* bytes per level of the deep chain */
#define XA_DEEP_N	(PATH_MAX / XA_DEEP_LEN + 4)

static int xa_passed, xa_failed;

static void
xa_check(int ok, int line, const char *what)
{
	if (ok) {
		xa_passed++;
	} else {
		xa_failed++;
		printf("FAIL: xattrat: %s (fc_xattrat.c:%d, errno %s)\n",
		    what, line, vt_errname(errno));
	}
}
#define XA(ok, what)	xa_check((ok), __LINE__, (what))

/* The value of name on path by the path form, as a string ("" if none). */
static const char *
xa_pathval(const char *path, const char *name)
{
	static char v[64];
	ssize_t n = ak_sys_lgetxattr(path, name, v, sizeof(v) - 1);

	v[n > 0 ? n : 0] = '\0';
	return v;
}

/* Get, set, list and remove by directory descriptor, against the path forms. */
static void
xa_basic(int dfd)
{
	char buf[64];
	ssize_t n;
	int fd;

	XA(ak_sys_setxattrat(dfd, "f", "user.a", "one", 3, 0, 0) == 0,
	    "setxattrat relative to a directory");
	XA(strcmp(xa_pathval(XA_DIR "/d/f", "user.a"), "one") == 0,
	    "the path form sees what setxattrat set");
	n = ak_sys_getxattrat(dfd, "f", "user.a", buf, sizeof(buf), 0);
	XA(n == 3 && memcmp(buf, "one", 3) == 0, "getxattrat reads it back");
	XA(ak_sys_getxattrat(dfd, "f", "user.a", NULL, 0, 0) == 3,
	    "getxattrat with size 0 gives the size");
	XA(ak_sys_setxattrat(dfd, "f", "user.a", "x", 1, XATTR_CREATE, 0) ==
	    -1 && errno == EEXIST, "XATTR_CREATE on an existing one: EEXIST");
	n = ak_sys_listxattrat(dfd, "f", buf, sizeof(buf), 0);
	XA(n == (ssize_t)sizeof("user.a") && strcmp(buf, "user.a") == 0,
	    "listxattrat lists it");
	XA(n == ak_sys_llistxattr(XA_DIR "/d/f", NULL, 0),
	    "listxattrat and llistxattr agree on the size");
	/* A symbolic link: followed unless AT_SYMLINK_NOFOLLOW. */
	n = ak_sys_getxattrat(dfd, "l", "user.a", buf, sizeof(buf), 0);
	XA(n == 3, "getxattrat follows a symbolic link by default");
	n = ak_sys_getxattrat(dfd, "l", "user.a", buf, sizeof(buf),
	    AT_SYMLINK_NOFOLLOW);
	XA(n == ak_sys_lgetxattr(XA_DIR "/d/l", "user.a", buf, sizeof(buf)),
	    "AT_SYMLINK_NOFOLLOW acts on the link, as lgetxattr");
	/* AT_EMPTY_PATH: the descriptor's own file. */
	fd = ak_sys_openat(dfd, "f", O_RDONLY);
	XA(fd >= 0, "open the file");
	n = ak_sys_getxattrat(fd, "", "user.a", buf, sizeof(buf),
	    AT_EMPTY_PATH);
	XA(n == 3, "AT_EMPTY_PATH reads the descriptor's file");
	XA(ak_sys_getxattrat(fd, "", "user.a", buf, sizeof(buf), 0) == -1 &&
	    errno == ENOENT, "an empty path without AT_EMPTY_PATH: ENOENT");
	(void)ak_sys_close(fd);
	XA(ak_sys_removexattrat(dfd, "f", "user.a", 0) == 0,
	    "removexattrat");
	XA(ak_sys_lgetxattr(XA_DIR "/d/f", "user.a", buf, sizeof(buf)) == -1 &&
	    errno == ENODATA, "the path form sees it removed");
	XA(ak_sys_getxattrat(dfd, "f", "user.a", buf, sizeof(buf),
	    0x40000000) == -1 && errno == EINVAL, "an unknown flag: EINVAL");
	XA(ak_sys_listxattrat(-5, "f", buf, sizeof(buf), 0) == -1 &&
	    errno == EBADF, "a negative descriptor: EBADF");
	XA(ak_sys_setxattrat(AT_FDCWD, XA_DIR "/d/f", "user.b", "2", 1, 0,
	    0) == 0 && strcmp(xa_pathval(XA_DIR "/d/f", "user.b"), "2") == 0,
	    "AT_FDCWD with a whole path");
}

/* A file below PATH_MAX of directories, reached level by level. */
static void
xa_deep(int dfd)
{
	char name[XA_DEEP_LEN + 1], buf[32];
	int i, d = ak_sys_dup(dfd), nd, fd, ok = 1;

	memset(name, 'n', XA_DEEP_LEN);
	name[XA_DEEP_LEN] = '\0';
	for (i = 0; i < XA_DEEP_N && ok; i++) {
		ok = ak_sys_mkdirat(d, name, 0755) == 0 &&
		    (nd = ak_sys_openat(d, name, O_RDONLY | O_DIRECTORY)) >= 0;
		(void)ak_sys_close(d);
		d = ok ? nd : -1;
	}
	XA(ok, "a chain of directories deeper than PATH_MAX");
	if (!ok)
		return;
	fd = ak_sys_openat(d, "leaf", O_CREAT | O_WRONLY, 0644);
	XA(fd >= 0, "a file at its bottom");
	(void)ak_sys_close(fd);
	XA(ak_sys_setxattrat(d, "leaf", "user.deep", "d", 1, 0, 0) == 0,
	    "setxattrat below PATH_MAX");
	XA(ak_sys_getxattrat(d, "leaf", "user.deep", buf, sizeof(buf),
	    AT_SYMLINK_NOFOLLOW) == 1 && buf[0] == 'd',
	    "getxattrat below PATH_MAX");
	XA(ak_sys_listxattrat(d, "leaf", buf, sizeof(buf), 0) ==
	    (ssize_t)sizeof("user.deep"), "listxattrat below PATH_MAX");
	XA(ak_sys_removexattrat(d, "leaf", "user.deep", 0) == 0 &&
	    ak_sys_getxattrat(d, "leaf", "user.deep", NULL, 0, 0) == -1 &&
	    errno == ENODATA, "removexattrat below PATH_MAX");
	(void)ak_sys_close(d);
}

void
fc_xattrat(int *passed, int *failed)
{
	int dfd;

	if (vt_ak_boot() != 0 || ak_sys_mkdir(XA_DIR, 0755) != 0 ||
	    ak_sys_mount("tmpfs", XA_DIR, 0, NULL, NULL) != 0 ||
	    ak_sys_mkdir(XA_DIR "/d", 0755) != 0 ||
	    ak_sys_close(ak_sys_open(XA_DIR "/d/f", O_CREAT | O_WRONLY,
	    0644)) != 0 || ak_sys_symlink("f", XA_DIR "/d/l") != 0 ||
	    (dfd = ak_sys_open(XA_DIR "/d", O_RDONLY | O_DIRECTORY)) < 0) {
		printf("FAIL: xattrat: setup on a tmpfs: %s\n",
		    vt_errname(errno));
		(*failed)++;
		return;
	}
	xa_basic(dfd);
	xa_deep(dfd);
	(void)ak_sys_close(dfd);
	if (ak_sys_unmount(XA_DIR, 0) != 0) {
		printf("FAIL: xattrat: unmount: %s\n", vt_errname(errno));
		xa_failed++;
	}
	*passed += xa_passed;
	*failed += xa_failed;
}
