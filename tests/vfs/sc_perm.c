/*
 * sc_perm.c: permission checks under a non-root credential.  The host
 * oracle runs as root (or as one fixed user), so it cannot show what a
 * second user sees; these scenarios run on the anykernel only and assert
 * the results POSIX specifies (with Linux's choice where POSIX allows
 * two: EPERM for the sticky directory).
 */
#include <sys/xattr.h>

#include "ak/ak.h"
#include "tests/vfs/vfs_conform.h"

#define UID	1000
#define GID	1000
#define OTHERGID 50

static void
mkfile(struct vc *c, const char *path, mode_t mode)
{
	int fd;

	fd = (int)E_CALL(c, "open", path, 0,
	    ak_sys_open(path, O_CREAT | O_WRONLY | O_TRUNC, mode));
	E_CALL(c, "write", path, 0, ak_sys_write(fd, "secret", 6));
	ak_sys_close(fd);
	E_CALL(c, "chmod", path, 0, ak_sys_chmod(path, mode));
}

/* The tree the scenarios work in, made as root. */
static void
perm_setup(struct vc *c)
{
	mkfile(c, "secret", 0600);
	mkfile(c, "pub", 0644);
	mkfile(c, "w", 0666);
	mkfile(c, "grp", 0640);
	E_CALL(c, "chown", "grp", 0, ak_sys_chown("grp", 0, OTHERGID));
	E_CALL(c, "mkdir", "closed", 0, ak_sys_mkdir("closed", 0700));
	mkfile(c, "closed/f", 0644);
	E_CALL(c, "mkdir", "ro", 0, ak_sys_mkdir("ro", 0555));
	E_CALL(c, "mkdir", "mine", 0, ak_sys_mkdir("mine", 0755));
	E_CALL(c, "chown", "mine", 0, ak_sys_chown("mine", UID, GID));
	E_CALL(c, "mkdir", "sticky", 0, ak_sys_mkdir("sticky", 0777));
	E_CALL(c, "chmod", "sticky", 0, ak_sys_chmod("sticky", 01777));
	mkfile(c, "sticky/rootfile", 0666);
}

static void
perm_user(struct vc *c)
{
	struct stat st;
	int fd;

	perm_setup(c);
	E_CALL(c, "ak_setcred", "1000", 0, ak_setcred(UID, GID, 0, NULL));
	E_CALL(c, "open", "secret", EACCES, ak_sys_open("secret", O_RDONLY));
	fd = (int)E_CALL(c, "open", "pub", 0, ak_sys_open("pub", O_RDONLY));
	ak_sys_close(fd);
	E_CALL(c, "open", "pub", EACCES, ak_sys_open("pub", O_WRONLY));
	E_CALL(c, "open", "pub", EACCES,
	    ak_sys_open("pub", O_RDONLY | O_TRUNC));
	fd = (int)E_CALL(c, "open", "w", 0, ak_sys_open("w", O_RDWR));
	ak_sys_close(fd);
	E_CALL(c, "open", "grp", EACCES, ak_sys_open("grp", O_RDONLY));
	E_CALL(c, "stat", "closed/f", EACCES, ak_sys_stat("closed/f", &st));
	E_CALL(c, "open", "closed/f", EACCES,
	    ak_sys_open("closed/f", O_RDONLY));
	E_CALL(c, "opendir", "closed", EACCES,
	    ak_sys_open("closed", O_RDONLY | O_DIRECTORY));
	E_CALL(c, "stat", "closed", 0, ak_sys_stat("closed", &st));
	E_CALL(c, "create", "new", EACCES,
	    ak_sys_open("new", O_CREAT | O_WRONLY, 0644));
	E_CALL(c, "mkdir", "ro/x", EACCES, ak_sys_mkdir("ro/x", 0755));
	E_CALL(c, "unlink", "pub", EACCES, ak_sys_unlink("pub"));
	E_CALL(c, "rename", "pub", EACCES, ak_sys_rename("pub", "pub2"));
	E_CALL(c, "rename", "w -> mine/w", EACCES,
	    ak_sys_rename("w", "mine/w"));
	E_CALL(c, "link", "pub", EACCES, ak_sys_link("pub", "ro/pub"));
	E_CALL(c, "symlink", "ro/s", EACCES, ak_sys_symlink("x", "ro/s"));
	E_CALL(c, "rmdir", "ro", EACCES, ak_sys_rmdir("ro"));
	E_CALL(c, "truncate", "pub", EACCES, ak_sys_truncate("pub", 0));
	E_CALL(c, "access R", "secret", EACCES, ak_sys_access("secret", R_OK));
	E_CALL(c, "access R", "pub", 0, ak_sys_access("pub", R_OK));
	E_CALL(c, "access W", "pub", EACCES, ak_sys_access("pub", W_OK));
	E_CALL(c, "access X", "pub", EACCES, ak_sys_access("pub", X_OK));
	E_CALL(c, "access", "closed/f", EACCES,
	    ak_sys_access("closed/f", F_OK));
	E_CALL(c, "access F", "closed", 0, ak_sys_access("closed", F_OK));
	E_CALL(c, "ak_clearcred", "", 0, ak_clearcred());
	E_CALL(c, "open as root", "secret", 0,
	    fd = ak_sys_open("secret", O_RDONLY));
	ak_sys_close(fd);
}

/* Owner-only operations: chmod, chown, explicit times. */
static void
perm_owner(struct vc *c)
{
	struct timespec ts[2] = { { 1, 0 }, { 2, 0 } };
	struct stat st;
	int fd;

	perm_setup(c);
	E_CALL(c, "ak_setcred", "1000", 0, ak_setcred(UID, GID, 0, NULL));
	E_CALL(c, "chmod", "pub", EPERM, ak_sys_chmod("pub", 0777));
	E_CALL(c, "chown", "pub", EPERM, ak_sys_chown("pub", UID, GID));
	E_CALL(c, "chown", "mine", EPERM, ak_sys_chown("mine", 0, GID));
	E_CALL(c, "chown", "mine", 0, ak_sys_chown("mine", UID, GID));
	E_CALL(c, "chgrp", "mine", EPERM, ak_sys_chown("mine", -1, 0));
	E_CALL(c, "utimens", "w", EPERM,
	    ak_sys_utimensat(AT_FDCWD, "w", ts, 0));
	E_CALL(c, "utimens NULL", "w", 0,
	    ak_sys_utimensat(AT_FDCWD, "w", NULL, 0));
	E_CALL(c, "utimens NULL", "pub", EACCES,
	    ak_sys_utimensat(AT_FDCWD, "pub", NULL, 0));
	E_CALL(c, "setxattr", "pub", EACCES,
	    ak_sys_setxattr("pub", "user.x", "1", 1, 0));
	fd = (int)E_CALL(c, "create", "mine/f", 0,
	    ak_sys_open("mine/f", O_CREAT | O_WRONLY, 0644));
	ak_sys_close(fd);
	E_CALL(c, "stat", "mine/f", 0, ak_sys_stat("mine/f", &st));
	E_TRUE(c, "new file owned by creator",
	    st.st_uid == UID && st.st_gid == GID);
	E_CALL(c, "chmod", "mine/f", 0, ak_sys_chmod("mine/f", 0600));
	E_CALL(c, "utimens", "mine/f", 0,
	    ak_sys_utimensat(AT_FDCWD, "mine/f", ts, 0));
	/* A non-member group in chmod's setgid bit is silently dropped. */
	E_CALL(c, "ak_clearcred", "", 0, ak_clearcred());
	E_CALL(c, "chown", "mine/f", 0, ak_sys_chown("mine/f", UID, 7));
	E_CALL(c, "ak_setcred", "1000", 0, ak_setcred(UID, GID, 0, NULL));
	E_CALL(c, "chmod", "mine/f", 0, ak_sys_chmod("mine/f", 02755));
	E_CALL(c, "stat", "mine/f", 0, ak_sys_stat("mine/f", &st));
	E_TRUE(c, "setgid dropped for a non-member group",
	    (st.st_mode & 07777) == 0755);
	ak_clearcred();
}

static void
perm_sticky_groups(struct vc *c)
{
	gid_t groups[1] = { OTHERGID };
	int fd;

	perm_setup(c);
	E_CALL(c, "ak_setcred", "1000+50", 0,
	    ak_setcred(UID, GID, 1, groups));
	fd = (int)E_CALL(c, "open", "grp", 0, ak_sys_open("grp", O_RDONLY));
	ak_sys_close(fd);
	E_CALL(c, "open", "grp", EACCES, ak_sys_open("grp", O_WRONLY));
	fd = (int)E_CALL(c, "create", "sticky/mine", 0,
	    ak_sys_open("sticky/mine", O_CREAT | O_WRONLY, 0666));
	ak_sys_close(fd);
	E_CALL(c, "unlink", "sticky/rootfile", EPERM,
	    ak_sys_unlink("sticky/rootfile"));
	E_CALL(c, "rename", "sticky/rootfile", EPERM,
	    ak_sys_rename("sticky/rootfile", "sticky/x"));
	E_CALL(c, "rename onto", "sticky/rootfile", EPERM,
	    ak_sys_rename("sticky/mine", "sticky/rootfile"));
	fd = (int)E_CALL(c, "open", "sticky/rootfile", 0,
	    ak_sys_open("sticky/rootfile", O_WRONLY));
	ak_sys_close(fd);
	E_CALL(c, "unlink", "sticky/mine", 0, ak_sys_unlink("sticky/mine"));
	E_CALL(c, "ak_setcred", "bad ngroups", EINVAL,
	    ak_setcred(UID, GID, -1, NULL));
	ak_clearcred();
	/* Root ignores the sticky bit. */
	E_CALL(c, "unlink as root", "sticky/rootfile", 0,
	    ak_sys_unlink("sticky/rootfile"));
}

const struct vc_scen vc_perm_scen[] = {
	{ "perm_user", perm_user, VS_AKONLY | VS_OWNERS },
	{ "perm_owner", perm_owner, VS_AKONLY | VS_OWNERS },
	{ "perm_sticky_groups", perm_sticky_groups, VS_AKONLY | VS_OWNERS },
	{ NULL, NULL, 0 }
};
