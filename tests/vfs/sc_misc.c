/*
 * sc_misc.c: the process-wide state and the *at family: umask, chdir
 * and getcwd, fchdir, calls relative to directory descriptors,
 * AT_EMPTY_PATH, access(2) as root, and statvfs sanity.
 */
#include "ak/ak.h"
#include "tests/vfs/vfs_conform.h"

static void
misc_umask(struct vc *c)
{
	int fd;

	X_UMASK(c, 077);
	X_UMASK(c, 0777);
	fd = X_OPEN(c, "none", O_CREAT | O_WRONLY, 0666);
	X_CLOSE(c, fd);
	X_UMASK(c, 077);
	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0666);
	X_CLOSE(c, fd);
	X_MKDIR(c, "d", 0777);
	X_SYMLINK(c, "f", "s");
	X_MKNOD(c, "p", S_IFIFO | 0666, 0);
	X_UMASK(c, 01022);
	X_MKDIR(c, "e", 01777);
	X_UMASK(c, 022);
	X_STAT(c, "none");
	X_STAT(c, "f");
	X_STAT(c, "d");
	X_LSTAT(c, "s");
	X_STAT(c, "p");
	X_STAT(c, "e");
	/* chmod is not subject to the mask. */
	X_CHMOD(c, "f", 0777);
	X_STAT(c, "f");
}

static void
misc_cwd(struct vc *c)
{
	int fd, dfd;

	X_MKDIR(c, "a", 0755);
	X_MKDIR(c, "a/b", 0755);
	fd = X_OPEN(c, "a/f", O_CREAT | O_WRONLY, 0644);
	X_CLOSE(c, fd);
	X_GETCWD(c, PATH_MAX);
	X_CHDIR(c, "a/b");
	X_GETCWD(c, PATH_MAX);
	X_CAT(c, "../f");
	X_CHDIR(c, "..");
	X_GETCWD(c, PATH_MAX);
	X_CHDIR(c, "f");
	X_CHDIR(c, "missing");
	X_CHDIR(c, "");
	X_GETCWD(c, PATH_MAX);
	X_GETCWD(c, 1);
	X_GETCWD(c, 0);
	dfd = X_OPEN(c, "b", O_RDONLY | O_DIRECTORY, 0);
	X_CHDIR(c, "..");
	X_FCHDIR(c, dfd);
	X_GETCWD(c, PATH_MAX);
	X_CLOSE(c, dfd);
	fd = X_OPEN(c, "../f", O_RDONLY, 0);
	X_FCHDIR(c, fd);
	X_CLOSE(c, fd);
	X_FCHDIR(c, 9999);
	/* The current directory removed under us. */
	X_RMDIR(c, "../b");
	X_GETCWD(c, PATH_MAX);
	X_TRYOPEN(c, "new", O_CREAT | O_WRONLY, 0644);
	X_LS(c, ".");
	X_CHDIR(c, c->c_root);
	X_GETCWD(c, PATH_MAX);
	X_CHDIR(c, "a/../a/./");
	X_GETCWD(c, PATH_MAX);
}

static void
misc_at(struct vc *c)
{
	int d, f, fd;

	X_MKDIR(c, "d", 0755);
	d = X_OPEN(c, "d", O_RDONLY | O_DIRECTORY, 0);
	fd = X_OPENAT(c, d, "f", O_CREAT | O_WRONLY, 0640);
	X_WRITES(c, fd, "at");
	X_CLOSE(c, fd);
	X_MKDIRAT(c, d, "sub", 0700);
	X_SYMLINKAT(c, "f", d, "s");
	X_READLINKAT(c, d, "s", 100);
	X_FSTATAT(c, d, "s", 0);
	X_FSTATAT(c, d, "s", AT_SYMLINK_NOFOLLOW);
	X_FSTATAT(c, d, "sub", 0);
	X_FSTATAT(c, d, "", 0);
	X_FSTATAT(c, d, "", AT_EMPTY_PATH);
	X_FSTATAT(c, d, "..", 0);
	X_LINKAT(c, d, "f", AT_FDCWD, "top", 0);
	X_STAT(c, "top");
	X_UNLINKAT(c, d, "sub", 0);
	X_UNLINKAT(c, d, "sub", AT_REMOVEDIR);
	X_UNLINKAT(c, d, "f", 0);
	/* A file as dirfd: relative paths fail, the fd itself is fine. */
	f = X_OPEN(c, "top", O_RDONLY, 0);
	X_OPENAT(c, f, "x", O_RDONLY, 0);
	X_MKDIRAT(c, f, "x", 0755);
	X_FSTATAT(c, f, "", AT_EMPTY_PATH);
	X_OPENAT(c, 9999, "x", O_RDONLY, 0);
	X_FSTATAT(c, 9999, "top", 0);
	X_FSTATAT(c, d, "s", 0x8000000);
	XC(c, "faccessat", "top", NULL, VK_EXACT,
	    XO(c)->o_faccessat(d, "../top", R_OK, 0));
	XC(c, "fchmodat", "s", NULL, VK_EXACT,
	    XO(c)->o_fchmodat(d, "s", 0600, 0));
	X_FSTATAT(c, AT_FDCWD, "top", 0);
	X_CLOSE(c, f);
	X_CLOSE(c, d);
	X_LS(c, "d");
}

/* As root: only X_OK needs some x bit; missing files are ENOENT. */
static void
misc_access_root(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "f", O_CREAT | O_WRONLY, 0);
	X_CLOSE(c, fd);
	X_MKDIR(c, "d", 0);
	X_ACCESS(c, "f", F_OK);
	X_ACCESS(c, "f", R_OK | W_OK);
	X_ACCESS(c, "f", X_OK);
	X_CHMOD(c, "f", 0010);
	X_ACCESS(c, "f", X_OK);
	X_ACCESS(c, "d", R_OK | W_OK | X_OK);
	X_ACCESS(c, "missing", F_OK);
	X_ACCESS(c, "f", 0100);
	X_ACCESS(c, "d/x", F_OK);
}

/*
 * statvfs has no host twin worth comparing: check it for sense, on the
 * target's file system (the scenario directory, not "/").
 */
static void
misc_statvfs(struct vc *c)
{
	struct statvfs a, b;
	int fd;

	E_CALL(c, "statvfs", ".", 0, ak_sys_statvfs(".", &a));
	E_TRUE(c, "f_bsize > 0", a.f_bsize > 0);
	E_TRUE(c, "f_frsize > 0", a.f_frsize > 0);
	E_TRUE(c, "f_bfree <= f_blocks", a.f_bfree <= a.f_blocks);
	E_TRUE(c, "f_bavail <= f_bfree", a.f_bavail <= a.f_bfree);
	E_TRUE(c, "f_ffree <= f_files", a.f_ffree <= a.f_files);
	E_TRUE(c, "f_namemax == 255", a.f_namemax == 255);
	E_TRUE(c, "not read-only", (a.f_flag & ST_RDONLY) == 0);
	fd = (int)E_CALL(c, "open", "..", 0,
	    ak_sys_open("..", O_RDONLY | O_DIRECTORY));
	E_CALL(c, "fstatvfs", "..", 0, ak_sys_fstatvfs(fd, &b));
	E_TRUE(c, "fstatvfs agrees with statvfs",
	    a.f_bsize == b.f_bsize && a.f_blocks == b.f_blocks &&
	    a.f_namemax == b.f_namemax && a.f_fsid == b.f_fsid);
	ak_sys_close(fd);
	E_CALL(c, "statvfs", "/", 0, ak_sys_statvfs("/", &b));
	E_TRUE(c, "the target is a mount of its own", a.f_fsid != b.f_fsid);
	E_CALL(c, "statvfs", "missing", ENOENT,
	    ak_sys_statvfs("missing", &b));
	E_CALL(c, "fstatvfs", "bad fd", EBADF, ak_sys_fstatvfs(9999, &b));
}

const struct vc_scen vc_misc_scen[] = {
	{ "misc_umask", misc_umask, VS_OWNERS | VS_SYMLINK | VS_SPECIAL },
	{ "misc_cwd", misc_cwd, 0 },
	{ "misc_at", misc_at, VS_SYMLINK | VS_HARDLINK | VS_OWNERS },
	{ "misc_access_root", misc_access_root, VS_ROOT | VS_OWNERS },
	{ "misc_statvfs", misc_statvfs, VS_AKONLY },
	{ NULL, NULL, 0 }
};
