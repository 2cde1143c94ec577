/*
 * vc_ro.c: read-only drivers (cd9660, squashfs, ffs) in the conformance
 * suite.  The scenarios of the other files write, so these drivers get
 * their own: a tree is made on the host (vc_ro_populate), an image of it
 * by the reference tool (genisoimage -R, mksquashfs, makefs for UFS2 and
 * big-endian UFS1), and the image is
 * mounted read-only at /vc/<target>.  Each read-only scenario then runs
 * on both sides, with the tree itself as the host's side, and the
 * records are compared as for the other targets; the last scenario
 * asserts on the anykernel alone that every call that would change the
 * file system fails with EROFS.
 *
 * Times are left out of stat records (ISO 9660 and squashfs keep whole
 * seconds, and reading the tree changes its atimes); owners and modes
 * are compared, since Rock Ridge and squashfs both keep them.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ak/ak.h"
#include "tests/vfs/vfs_conform.h"

extern char **environ;

struct vc_rotarget {
	const char	*rt_name;
	const char	*rt_fstype;
	/* argv of the image maker; "@TREE" and "@IMG" are replaced */
	const char	*rt_mk[12];
};

static const struct vc_rotarget vc_rotargets[] = {
	{ "cd9660", "cd9660", { "genisoimage", "-quiet", "-R", "-J", "-o",
	    "@IMG", "@TREE", NULL } },
	{ "squashfs", "squashfs", { "mksquashfs", "@TREE", "@IMG", "-quiet",
	    "-no-progress", "-noappend", NULL } },
	{ "ffs2", "ffs", { "makefs", "-t", "ffs", "-o", "version=2", "-M",
	    "1m", "@IMG", "@TREE", NULL } },
	{ "ffs1", "ffs", { "makefs", "-t", "ffs", "-B", "be", "-o",
	    "version=1", "-M", "1m", "@IMG", "@TREE", NULL } },
	{ NULL, NULL, { NULL } }
};

/* Files of the tree: name and size (contents are a pattern). */
static const struct {
	const char	*f_name;
	size_t		 f_size;
	mode_t		 f_mode;
} vc_rofiles[] = {
	{ "empty", 0, 0644 }, { "one", 1, 0600 }, { "small.txt", 100, 0644 },
	{ "block", 4096, 0444 }, { "odd", 5000, 0755 },
	{ "dir/big", 300000, 0640 }, { "dir/sub/deep", 2049, 0644 },
	{ "Mixed Case & spaces", 77, 0644 },
};

static int
vc_ro_file(const char *path, size_t size, mode_t mode)
{
	FILE *f;
	size_t i;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	for (i = 0; i < size; i++)
		fputc((int)((i * 131 + size) % 251), f);
	if (fclose(f) != 0)
		return -1;
	return chmod(path, mode);
}

/* The tree the images are made from, under root (which exists). */
int
vc_ro_populate(const char *root)
{
	char p[2 * PATH_MAX], q[2 * PATH_MAX];
	size_t i;

	snprintf(p, sizeof(p), "%s/dir/sub", root);
	if (vt_mkpath(&vt_host_ops, p, 0755) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/emptydir", root);
	if (mkdir(p, 0700) != 0)
		return -1;
	for (i = 0; i < sizeof(vc_rofiles) / sizeof(vc_rofiles[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, vc_rofiles[i].f_name);
		if (vc_ro_file(p, vc_rofiles[i].f_size,
		    vc_rofiles[i].f_mode) != 0)
			return -1;
	}
	snprintf(p, sizeof(p), "%s/link", root);
	snprintf(q, sizeof(q), "%s/dangling", root);
	if (symlink("dir/big", p) != 0 || symlink("nowhere", q) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/dir/up", root);
	return symlink("../small.txt", p);
}

/* Run the image maker of t on tree into img. */
static int
vc_ro_mkimage(const struct vc_rotarget *t, const char *tree,
    const char *img)
{
	char *av[12];
	int i, status;
	pid_t pid;

	for (i = 0; t->rt_mk[i] != NULL && i < 11; i++) {
		if (strcmp(t->rt_mk[i], "@TREE") == 0)
			av[i] = (char *)tree;
		else if (strcmp(t->rt_mk[i], "@IMG") == 0)
			av[i] = (char *)img;
		else
			av[i] = (char *)t->rt_mk[i];
	}
	av[i] = NULL;
	if (posix_spawnp(&pid, av[0], NULL, NULL, av, environ) != 0) {
		printf("SKIP: %s/* (%s cannot run)\n", t->rt_name, av[0]);
		return 1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("FAIL: %s/setup: %s exited %d\n", t->rt_name, av[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* --- the scenarios (no branching on results: see vfs_conform.h) ----- */

static const char *const vc_ronames[] = { ".", "empty", "one", "small.txt",
    "block", "odd", "dir", "dir/big", "dir/sub", "dir/sub/deep", "dir/up",
    "link", "dangling", "emptydir", "Mixed Case & spaces" };

static void
sc_ro_walk(struct vc *c)
{
	size_t i;

	X_LS(c, ".");
	X_LS(c, "dir");
	X_LS(c, "dir/sub");
	X_LS(c, "emptydir");
	for (i = 0; i < sizeof(vc_ronames) / sizeof(vc_ronames[0]); i++) {
		X_STAT(c, vc_ronames[i]);
		X_LSTAT(c, vc_ronames[i]);
	}
	for (i = 0; i < sizeof(vc_rofiles) / sizeof(vc_rofiles[0]); i++)
		X_CAT(c, vc_rofiles[i].f_name);
	X_CAT(c, "link");
	X_CAT(c, "dir/up");
	X_READLINK(c, "link", 100);
	X_READLINK(c, "dangling", 100);
	X_READLINK(c, "dir/up", 3);
	X_READLINK(c, "small.txt", 100);
}

static void
sc_ro_lookup(struct vc *c)
{
	int fd;

	X_TRYOPEN(c, "missing", O_RDONLY, 0);
	X_TRYOPEN(c, "dir/missing/x", O_RDONLY, 0);
	X_TRYOPEN(c, "small.txt/x", O_RDONLY, 0);
	X_TRYOPEN(c, "small.txt", O_RDONLY | O_DIRECTORY, 0);
	X_TRYOPEN(c, "link", O_RDONLY | O_NOFOLLOW, 0);
	X_TRYOPEN(c, "dangling", O_RDONLY, 0);
	X_STAT(c, "dangling");
	X_STAT(c, "dir/./sub/../up");
	X_STAT(c, "dir/sub/../../one");
	fd = X_OPEN(c, "dir", O_RDONLY | O_DIRECTORY, 0);
	X_READ(c, fd, 10);
	X_FLS(c, fd);
	X_CLOSE(c, fd);
	X_ACCESS(c, "small.txt", R_OK);
	X_ACCESS(c, "missing", F_OK);
}

static void
sc_ro_read(struct vc *c)
{
	int fd;

	fd = X_OPEN(c, "dir/big", O_RDONLY, 0);
	X_PREAD(c, fd, 4096, 0);
	X_PREAD(c, fd, 10000, 4093);
	X_PREAD(c, fd, 100, 299990);
	X_PREAD(c, fd, 100, 300000);
	X_PREAD(c, fd, 100, 1000000);
	X_LSEEK(c, fd, 0, SEEK_END);
	X_LSEEK(c, fd, -5, SEEK_END);
	X_READ(c, fd, 100);
	X_LSEEK(c, fd, 1000, SEEK_SET);
	X_READ(c, fd, 70000);
	X_LSEEK(c, fd, 0, SEEK_DATA);
	X_LSEEK(c, fd, 0, SEEK_HOLE);
	X_LSEEK(c, fd, 400000, SEEK_DATA);
	X_FSTAT(c, fd);
	X_CLOSE(c, fd);
	fd = X_OPEN(c, "empty", O_RDONLY, 0);
	X_READ(c, fd, 10);
	X_LSEEK(c, fd, 0, SEEK_DATA);
	X_CLOSE(c, fd);
}

static void
sc_ro_cwd(struct vc *c)
{
	X_CHDIR(c, "dir/sub");
	X_GETCWD(c, PATH_MAX);
	X_CAT(c, "deep");
	X_CAT(c, "../../one");
	X_CHDIR(c, "..");
	X_LS(c, ".");
	X_CHDIR(c, "small.txt");
	X_CHDIR(c, "missing");
	X_GETCWD(c, PATH_MAX);
}

/* Every change must fail with EROFS (the anykernel side only). */
static void
sc_ro_erofs(struct vc *c)
{
	const struct vt_ops *o = XO(c);
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	struct stat st;

	E_CALL(c, "open O_WRONLY", "one", EROFS,
	    o->o_openat(AT_FDCWD, "one", O_WRONLY, 0));
	E_CALL(c, "open O_RDWR", "one", EROFS,
	    o->o_openat(AT_FDCWD, "one", O_RDWR, 0));
	E_CALL(c, "open O_CREAT", "new", EROFS,
	    o->o_openat(AT_FDCWD, "new", O_WRONLY | O_CREAT, 0644));
	E_CALL(c, "open O_TRUNC", "one", EROFS,
	    o->o_openat(AT_FDCWD, "one", O_RDONLY | O_TRUNC, 0));
	E_CALL(c, "mkdir", "nd", EROFS, o->o_mkdirat(AT_FDCWD, "nd", 0755));
	E_CALL(c, "rmdir", "emptydir", EROFS, o->o_rmdir("emptydir"));
	E_CALL(c, "unlink", "one", EROFS, o->o_unlinkat(AT_FDCWD, "one", 0));
	E_CALL(c, "rename", "one", EROFS,
	    o->o_renameat2(AT_FDCWD, "one", AT_FDCWD, "two", 0));
	E_CALL(c, "link", "one", EROFS,
	    o->o_linkat(AT_FDCWD, "one", AT_FDCWD, "hard", 0));
	E_CALL(c, "symlink", "sl", EROFS, o->o_symlinkat("one", AT_FDCWD,
	    "sl"));
	E_CALL(c, "mknod", "fifo", EROFS,
	    o->o_mknodat(AT_FDCWD, "fifo", S_IFIFO | 0644, 0));
	E_CALL(c, "chmod", "one", EROFS,
	    o->o_fchmodat(AT_FDCWD, "one", 0600, 0));
	E_CALL(c, "chown", "one", EROFS,
	    o->o_fchownat(AT_FDCWD, "one", 1, 1, 0));
	E_CALL(c, "utimens", "one", EROFS,
	    o->o_utimensat(AT_FDCWD, "one", ts, 0));
	E_CALL(c, "truncate", "one", EROFS, o->o_truncate("one", 0));
	E_CALL(c, "setxattr", "one", EROFS,
	    o->o_setxattr("one", "user.x", "1", 1, 0));
	E_CALL(c, "access W_OK", "one", EROFS,
	    o->o_faccessat(AT_FDCWD, "one", W_OK, 0));
	/* And nothing changed. */
	E_CALL(c, "stat", "new", ENOENT, o->o_fstatat(AT_FDCWD, "new", &st,
	    0));
	E_CALL(c, "stat", "one", 0, o->o_fstatat(AT_FDCWD, "one", &st, 0));
	E_TRUE(c, "one keeps its size", st.st_size == 1);
}

/* Also run through akfuse by tests/fuse/fuse_conform.c. */
const struct vc_scen vc_ro_scen[] = {
	{ "ro_walk", sc_ro_walk, 0 },
	{ "ro_lookup", sc_ro_lookup, 0 },
	{ "ro_read", sc_ro_read, 0 },
	{ "ro_cwd", sc_ro_cwd, 0 },
	{ "ro_erofs", sc_ro_erofs, VS_AKONLY },
	{ NULL, NULL, 0 }
};

/* --- running ----------------------------------------------------------- */

/* Run s with dir as the current directory (no directory of its own). */
static int
vc_ro_side(const struct vc_scen *s, struct vc *c, const struct vt_ops *o,
    const char *dir)
{
	mode_t omask;

	vc_reset(c);
	c->c_o = o;
	c->c_ak = o == &vt_ak_ops;
	c->c_owners = 1;
	c->c_times = 0;
	snprintf(c->c_root, sizeof(c->c_root), "%s", dir);
	if (o->o_chdir(dir) != 0) {
		printf("FAIL: %s: %s: chdir %s: %s\n", c->c_scen, o->o_name,
		    dir, vt_errname(errno));
		return -1;
	}
	omask = o->o_umask(022);
	s->s_fn(c);
	o->o_umask(omask);
	return o->o_chdir("/") == 0 ? 0 : -1;
}

/* Scenario s on both sides: 1 passed, 0 failed. */
static int
vc_ro_run(const struct vc_rotarget *t, const struct vc_scen *s,
    const char *akdir, const char *tree)
{
	struct vc ak, h;
	char id[128];
	size_t la = strlen(akdir), lh = strlen(tree);
	int ok;

	snprintf(id, sizeof(id), "%s/%s", t->rt_name, s->s_name);
	memset(&ak, 0, sizeof(ak));
	memset(&h, 0, sizeof(h));
	ak.c_scen = h.c_scen = id;
	ak.c_rootmax = h.c_rootmax = la > lh ? la : lh;
	alarm(60);
	if (vc_ro_side(s, &ak, &vt_ak_ops, akdir) != 0)
		ok = 0;
	else if (s->s_flags & VS_AKONLY)
		ok = ak.c_nfail == 0;
	else
		ok = vc_ro_side(s, &h, &vt_host_ops, tree) == 0 &&
		    vc_compare(&ak, &h) == 0;
	alarm(0);
	vc_reset(&ak);
	vc_reset(&h);
	return ok;
}

static void
vc_ro_target(const struct vc_rotarget *t, const char *hostbase,
    const char *filter, int *np, int *nf)
{
	char tree[PATH_MAX], img[PATH_MAX], akdir[PATH_MAX], id[128];
	const struct vc_scen *s;
	int r;

	snprintf(tree, sizeof(tree), "%s/ro-%s", hostbase, t->rt_name);
	snprintf(img, sizeof(img), "%s/ro-%s.img", hostbase, t->rt_name);
	snprintf(akdir, sizeof(akdir), "/vc/%s", t->rt_name);
	if (mkdir(tree, 0755) != 0 || vc_ro_populate(tree) != 0) {
		printf("FAIL: %s/setup: tree: %s\n", t->rt_name,
		    vt_errname(errno));
		(*nf)++;
		return;
	}
	if ((r = vc_ro_mkimage(t, tree, img)) != 0) {
		*nf += r < 0;
		return;
	}
	if (ak_sys_mkdir(akdir, 0755) != 0 || ak_sys_mount(t->rt_fstype,
	    akdir, AK_MNT_RDONLY, img, NULL) != 0) {
		printf("FAIL: %s/setup: mount: %s\n", t->rt_name,
		    vt_errname(errno));
		(*nf)++;
		return;
	}
	vc_modebits = 1;
	for (s = vc_ro_scen; s->s_name != NULL; s++) {
		snprintf(id, sizeof(id), "%s/%s", t->rt_name, s->s_name);
		if (filter != NULL && strncmp(s->s_name, filter,
		    strlen(filter)) != 0 && strncmp(id, filter,
		    strlen(filter)) != 0)
			continue;
		if (vc_ro_run(t, s, akdir, tree))
			(*np)++;
		else
			(*nf)++;
	}
	if (ak_sys_unmount(akdir, 0) != 0) {
		printf("FAIL: %s/teardown: %s\n", t->rt_name,
		    vt_errname(errno));
		(*nf)++;
	}
}

void
vc_ro_all(const char *hostbase, const char *filter, int *np, int *nf)
{
	const struct vc_rotarget *t;

	for (t = vc_rotargets; t->rt_name != NULL; t++)
		vc_ro_target(t, hostbase, filter, np, nf);
}
