/*
 * fuse_conform.c: the VFS conformance suite (tests/vfs) run a second
 * time, through akfuse.  Usage: fuse_conform [PREFIX] (as vfs_conform).
 *
 * Each target of vc_target.c (tmpfs, FAT, ext4, ext2) is made as for
 * vfs_conform, but mounted on the host with akfuse; each scenario then
 * runs twice with the host's own calls (vt_host_ops): in a directory of
 * the FUSE mount, and in a directory of the host's $AK_TESTDIR, and the
 * two records are compared.  The host kernel's FUSE client sits between
 * the scenario and the driver, so this checks akfuse's translation and
 * what the host kernel's caching makes of it.  After the unmount the
 * image must pass the reference fsck, and akfuse must exit with 0.
 * The read-only drivers (cd9660, squashfs, ffs) run vc_ro.c's scenarios
 * on an image of its tree mounted with -o ro.
 *
 * Scenarios flagged VS_AKONLY assert through libak's own calls
 * (ak_sys_getdents, ak_sys_mount, ak_setcred) that a mount point cannot
 * take: they are reported as SKIP lines, never silently dropped.  The
 * one read-only assertion scenario (ro_erofs) uses the call table only
 * and runs here, on the mount.
 *
 * SKIP (everything) when akfuse is not built or /dev/fuse is unusable.
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ak/ak.h"
#include "tests/fuse/fc_xattrat.h"
#include "tests/vfs/vfs_conform.h"

#define FC_TIMEOUT	60	/* seconds one scenario may take */
#define FC_MOUNTWAIT	100	/* tenths of a second for akfuse to mount */
#define FC_EXITWAIT	300	/* tenths of a second for it to write back */

extern char **environ;

static const struct vc_scen *const fc_tables[] = {
	vc_open_scen, vc_rw_scen, vc_dir_scen, vc_link_scen, vc_rename_scen,
	vc_attr_scen, vc_xattr_scen, vc_misc_scen, vc_perm_scen,
	vc_mount_scen, vc_scale_scen,
};

static char fc_akfuse[PATH_MAX + 16];	/* the akfuse binary */
static char fc_hostbase[PATH_MAX];	/* host side of this run */
static const char *fc_current;		/* scenario running, for alarms */
static volatile pid_t fc_server = -1;	/* akfuse serving now */
static int fc_host_xattr, fc_host_exchange;

static void
fc_alarm(int sig)
{
	static const char m[] = "FAIL: scenario timed out (hang?)\n";

	(void)sig;
	(void)!write(1, m, sizeof(m) - 1);
	if (fc_current != NULL)
		(void)!write(1, fc_current, strlen(fc_current));
	/* SIGTERM: akfuse unmounts itself, leaving no dead mount behind. */
	if (fc_server > 0)
		kill(fc_server, SIGTERM);
	_exit(1);
}

/* akfuse next to this program: BUILD/tests/fuse/.. -> BUILD/fuse. */
static int
fc_find_akfuse(void)
{
	char self[PATH_MAX];
	ssize_t n;
	char *s;
	int i;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		return -1;
	self[n] = '\0';
	for (i = 0; i < 3; i++) {
		if ((s = strrchr(self, '/')) == NULL)
			return -1;
		*s = '\0';
	}
	snprintf(fc_akfuse, sizeof(fc_akfuse), "%s/fuse/akfuse", self);
	return access(fc_akfuse, X_OK);
}

/* Why FUSE cannot be used here, or NULL. */
static const char *
fc_unusable(void)
{
	int fd;

	if (fc_find_akfuse() != 0)
		return "akfuse not built";
	if ((fd = open("/dev/fuse", O_RDWR)) < 0)
		return "/dev/fuse unusable";
	close(fd);
	if (access("/usr/bin/fusermount3", X_OK) != 0 &&
	    access("/bin/fusermount3", X_OK) != 0)
		return "no fusermount3";
	return NULL;
}

/* Spawn argv (stdout to stderr: stdout is the report); its pid or -1. */
static pid_t
fc_spawn(char *const *argv)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rv;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	rv = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return rv == 0 ? pid : -1;
}

/* Whether dir is a mount point of its own (another device than ..). */
static int
fc_mounted(const char *dir)
{
	char up[PATH_MAX + 4];
	struct stat a, b;

	snprintf(up, sizeof(up), "%s/..", dir);
	return stat(dir, &a) == 0 && stat(up, &b) == 0 && a.st_dev != b.st_dev;
}

/* Wait up to tenths/10 s for pid; its wait status, or -1 if it runs. */
static int
fc_wait(pid_t pid, int tenths)
{
	struct timespec ts = { 0, 100000000 };
	int status, i;

	for (i = 0; i < tenths; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* akfuse -f [-o opts] image mnt; 0 once mounted, -1 after a FAIL line. */
static int
fc_mount(const char *id, const char *image, const char *mnt,
    const char *opts)
{
	struct timespec ts = { 0, 100000000 };
	char *av[8];
	int n = 0, i, status;

	av[n++] = fc_akfuse;
	av[n++] = "-f";
	if (opts != NULL) {
		av[n++] = "-o";
		av[n++] = (char *)opts;
	}
	av[n++] = (char *)image;
	av[n++] = (char *)mnt;
	av[n] = NULL;
	if (mkdir(mnt, 0755) != 0 || (fc_server = fc_spawn(av)) < 0) {
		printf("FAIL: %s/setup: akfuse: %s\n", id, vt_errname(errno));
		return -1;
	}
	for (i = 0; i < FC_MOUNTWAIT; i++) {
		if (fc_mounted(mnt))
			return 0;
		if (waitpid(fc_server, &status, WNOHANG) == fc_server) {
			printf("FAIL: %s/setup: akfuse exited (status %d) "
			    "before mounting %s\n", id, status, image);
			fc_server = -1;
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	printf("FAIL: %s/setup: %s not mounted after %d s\n", id, mnt,
	    FC_MOUNTWAIT / 10);
	kill(fc_server, SIGTERM);
	(void)fc_wait(fc_server, FC_EXITWAIT);
	fc_server = -1;
	return -1;
}

/* fusermount3 -u, then akfuse must write back and exit with 0. */
static int
fc_umount(const char *id, const char *mnt)
{
	char *av[] = { "fusermount3", "-u", (char *)mnt, NULL };
	pid_t pid;
	int status;

	if ((pid = fc_spawn(av)) < 0 || fc_wait(pid, FC_EXITWAIT) != 0) {
		printf("FAIL: %s/teardown: fusermount3 -u %s failed\n", id,
		    mnt);
		kill(fc_server, SIGTERM);
		(void)fc_wait(fc_server, FC_EXITWAIT);
		fc_server = -1;
		return -1;
	}
	status = fc_wait(fc_server, FC_EXITWAIT);
	if (status == -1)
		kill(fc_server, SIGKILL), (void)waitpid(fc_server, NULL, 0);
	fc_server = -1;
	if (status != 0) {
		printf("FAIL: %s/teardown: akfuse exit status %d\n", id,
		    status);
		return -1;
	}
	(void)rmdir(mnt);
	return 0;
}

/* Run argv + arg (a reference tool); 0 if it exits with 0. */
static int
fc_tool(const char *id, const char *const *argv, const char *arg)
{
	char *av[20];
	pid_t pid;
	int n, status;

	for (n = 0; argv[n] != NULL && n < 17; n++)
		av[n] = (char *)argv[n];
	av[n++] = (char *)arg;
	av[n] = NULL;
	if ((pid = fc_spawn(av)) < 0 || waitpid(pid, &status, 0) != pid ||
	    status != 0) {
		printf("FAIL: %s: %s %s failed\n", id, av[0], arg);
		return -1;
	}
	return 0;
}

/* 1 (and a SKIP line) if s cannot run on target t through FUSE. */
static int
fc_skipped(const struct vc_target *t, const struct vc_scen *s,
    const char *id)
{
	const char *lack;

	if (s->s_flags & VS_AKONLY) {
		printf("SKIP: %s (%s through libak's own calls, not a mount "
		    "point)\n", id, strncmp(s->s_name, "perm_", 5) == 0 ?
		    "switches credentials" : "asserts");
		return 1;
	}
	if (t != NULL && (lack = vc_target_lacks(t, s->s_flags)) != NULL) {
		printf("SKIP: %s (no %s)\n", id, lack);
		return 1;
	}
	if ((s->s_flags & VS_XATTR) && !fc_host_xattr) {
		printf("SKIP: %s (no user xattrs on the host)\n", id);
		return 1;
	}
	if ((s->s_flags & VS_EXCHANGE) && !fc_host_exchange) {
		printf("SKIP: %s (no RENAME_EXCHANGE on the host)\n", id);
		return 1;
	}
	if ((s->s_flags & VS_ROOT) && geteuid() != 0) {
		printf("SKIP: %s (host oracle needs root)\n", id);
		return 1;
	}
	return 0;
}

/*
 * Run s on one side in dir (made fresh when fresh, then removed), with
 * umask 022 and dir as the current directory.  0 ran and cleaned up,
 * 1 ran but the cleanup failed, -1 could not run.
 */
static int
fc_side(const struct vc_scen *s, struct vc *c, const char *dir, int fresh,
    int ro)
{
	const struct vt_ops *o = &vt_host_ops;
	mode_t omask;

	vc_reset(c);
	c->c_o = o;
	c->c_ak = 0;
	if (ro) {
		c->c_owners = 1;	/* as vc_ro.c: owners yes, times no */
		c->c_times = 0;
	}
	snprintf(c->c_root, sizeof(c->c_root), "%s", dir);
	if ((fresh && mkdir(dir, 0755) != 0) || chdir(dir) != 0) {
		printf("FAIL: %s: cannot set up %s: %s\n", c->c_scen, dir,
		    vt_errname(errno));
		return -1;
	}
	omask = umask(022);
	s->s_fn(c);
	umask(omask);
	if (chdir("/") != 0)
		return 1;
	if (fresh && vt_rmtree(o, dir) != 0) {
		printf("FAIL: %s: cleanup of %s: %s\n", c->c_scen, dir,
		    vt_errname(errno));
		return 1;
	}
	return 0;
}

/*
 * s on the mount (fdir) and on the oracle (hdir): 1 passed, 0 failed.
 * fresh: each side gets a new directory; ro: a read-only tree.
 */
static int
fc_run(const char *id, const struct vc_scen *s, const char *fdir,
    const char *hdir, int fresh, int ro)
{
	struct vc f, h;
	size_t lf = strlen(fdir), lh = strlen(hdir);
	int ok, rf, rh;

	memset(&f, 0, sizeof(f));
	memset(&h, 0, sizeof(h));
	f.c_scen = h.c_scen = fc_current = id;
	f.c_rootmax = h.c_rootmax = lf > lh ? lf : lh;
	alarm(FC_TIMEOUT);
	if ((rf = fc_side(s, &f, fdir, fresh, ro)) < 0) {
		ok = 0;
	} else if (s->s_flags & VS_AKONLY) {
		ok = rf == 0 && f.c_nfail == 0;	/* ro_erofs */
	} else {
		rh = fc_side(s, &h, hdir, fresh, ro);
		ok = rh >= 0 && vc_compare(&f, &h) == 0 && rf == 0 &&
		    rh == 0;
	}
	alarm(0);
	fc_current = NULL;
	vc_reset(&f);
	vc_reset(&h);
	return ok;
}

static int
fc_wanted(const char *id, const char *name, const char *filter)
{
	return filter == NULL || strncmp(name, filter, strlen(filter)) == 0 ||
	    strncmp(id, filter, strlen(filter)) == 0;
}

/* Every wanted scenario on target t, mounted through akfuse. */
static void
fc_target(const struct vc_target *t, const char *filter, int *np, int *nf)
{
	char tid[64], id[160], img[PATH_MAX + 80], mnt[PATH_MAX + 80];
	char fdir[2 * PATH_MAX + 80], hdir[2 * PATH_MAX];
	const struct vc_scen *s;
	size_t i;
	int r;

	snprintf(tid, sizeof(tid), "fuse-%s", t->t_name);
	snprintf(img, sizeof(img), "%s/%s.img", fc_hostbase, tid);
	snprintf(mnt, sizeof(mnt), "%s/%s.mnt", fc_hostbase, tid);
	vc_modebits = (t->t_caps & AK_FSCAP_OWNERS) != 0;
	if (t->t_mkimage != NULL && t->t_mkimage(img) != 0) {
		printf("FAIL: %s/setup: cannot make %s\n", tid, img);
		(*nf)++;
		return;
	}
	if (fc_mount(tid, t->t_mkimage != NULL ? img : "none", mnt,
	    t->t_mkimage != NULL ? NULL : "type=tmpfs") != 0) {
		(*nf)++;
		return;
	}
	for (i = 0; i < sizeof(fc_tables) / sizeof(fc_tables[0]); i++) {
		for (s = fc_tables[i]; s->s_name != NULL; s++) {
			snprintf(id, sizeof(id), "%s/%s", tid, s->s_name);
			if (!fc_wanted(id, s->s_name, filter) ||
			    fc_skipped(t, s, id))
				continue;
			snprintf(fdir, sizeof(fdir), "%s/%s", mnt, s->s_name);
			snprintf(hdir, sizeof(hdir), "%s/%s", fc_hostbase,
			    s->s_name);
			r = fc_run(id, s, fdir, hdir, 1, 0);
			*(r ? np : nf) += 1;
		}
	}
	if (fc_umount(tid, mnt) != 0 || (t->t_fsck != NULL &&
	    fc_tool(tid, t->t_fsck, img) != 0))
		(*nf)++;
	else
		(*np)++;	/* clean unmount, write-back and fsck */
	unlink(img);
}

/* The read-only drivers: images of vc_ro.c's tree, mounted -o ro. */
static const struct {
	const char	*r_name;
	const char	*r_mk[12];	/* "@TREE", "@IMG" replaced */
} fc_rotargets[] = {
	{ "cd9660", { "genisoimage", "-quiet", "-R", "-J", "-o", "@IMG",
	    "@TREE", NULL } },
	{ "squashfs", { "mksquashfs", "@TREE", "@IMG", "-quiet",
	    "-no-progress", "-noappend", NULL } },
	{ "ffs2", { "makefs", "-t", "ffs", "-o", "version=2", "-M", "1m",
	    "@IMG", "@TREE", NULL } },
	{ "ffs1", { "makefs", "-t", "ffs", "-B", "be", "-o", "version=1",
	    "-M", "1m", "@IMG", "@TREE", NULL } },
};

static void
fc_rotarget(size_t k, const char *filter, int *np, int *nf)
{
	char tid[64], id[160], tree[PATH_MAX + 80], img[PATH_MAX + 80];
	char mnt[PATH_MAX + 80];
	const struct vc_scen *s;
	char *av[12];
	pid_t pid;
	int i, status;

	snprintf(tid, sizeof(tid), "fuse-%s", fc_rotargets[k].r_name);
	snprintf(tree, sizeof(tree), "%s/%s.tree", fc_hostbase, tid);
	snprintf(img, sizeof(img), "%s/%s.img", fc_hostbase, tid);
	snprintf(mnt, sizeof(mnt), "%s/%s.mnt", fc_hostbase, tid);
	for (i = 0; fc_rotargets[k].r_mk[i] != NULL; i++)
		av[i] = strcmp(fc_rotargets[k].r_mk[i], "@TREE") == 0 ? tree :
		    strcmp(fc_rotargets[k].r_mk[i], "@IMG") == 0 ? img :
		    (char *)fc_rotargets[k].r_mk[i];
	av[i] = NULL;
	if (mkdir(tree, 0755) != 0 || vc_ro_populate(tree) != 0) {
		printf("FAIL: %s/setup: tree: %s\n", tid, vt_errname(errno));
		(*nf)++;
		return;
	}
	if ((pid = fc_spawn(av)) < 0) {
		printf("SKIP: %s/* (%s cannot run)\n", tid, av[0]);
		return;
	}
	if (waitpid(pid, &status, 0) != pid || status != 0) {
		printf("FAIL: %s/setup: %s exited %d\n", tid, av[0], status);
		(*nf)++;
		return;
	}
	if (fc_mount(tid, img, mnt, "ro") != 0) {
		(*nf)++;
		return;
	}
	vc_modebits = 1;
	for (s = vc_ro_scen; s->s_name != NULL; s++) {
		snprintf(id, sizeof(id), "%s/%s", tid, s->s_name);
		if (!fc_wanted(id, s->s_name, filter))
			continue;
		*(fc_run(id, s, mnt, tree, 0, 1) ? np : nf) += 1;
	}
	*(fc_umount(tid, mnt) == 0 ? np : nf) += 1;
}

/* What the host's file system under $AK_TESTDIR can do (as vc_main). */
static void
fc_probe_host(void)
{
	char a[PATH_MAX + 8], b[PATH_MAX + 8];
	int fd;

	snprintf(a, sizeof(a), "%s/pa", fc_hostbase);
	snprintf(b, sizeof(b), "%s/pb", fc_hostbase);
	if ((fd = open(a, O_CREAT | O_WRONLY, 0644)) >= 0)
		close(fd);
	if ((fd = open(b, O_CREAT | O_WRONLY, 0644)) >= 0)
		close(fd);
	fc_host_xattr = vt_host_ops.o_setxattr(a, "user.probe", "1", 1,
	    0) == 0;
	fc_host_exchange = renameat2(AT_FDCWD, a, AT_FDCWD, b,
	    RENAME_EXCHANGE) == 0;
	unlink(a);
	unlink(b);
}

int
main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL, *why;
	const struct vc_target *t;
	int passed = 0, failed = 0;
	size_t k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, fc_alarm);
	/* libak's *xattrat calls, which akfuse stands on: no mount needed. */
	if (filter == NULL || strncmp("xattrat", filter, strlen(filter)) == 0)
		fc_xattrat(&passed, &failed);
	if ((why = fc_unusable()) != NULL) {
		printf("SKIP: fuse_conform (%s)\n", why);
		vt_summary("fuse_conform", passed, failed);
		return failed != 0;
	}
	if (vt_host_mktemp("fuse_conform", fc_hostbase,
	    sizeof(fc_hostbase)) != 0) {
		printf("FAIL: setup: %s\n", vt_errname(errno));
		vt_summary("fuse_conform", 0, 1);
		return 1;
	}
	fc_probe_host();
	for (t = vc_targets; t->t_name != NULL; t++)
		fc_target(t, filter, &passed, &failed);
	for (k = 0; k < sizeof(fc_rotargets) / sizeof(fc_rotargets[0]); k++)
		fc_rotarget(k, filter, &passed, &failed);
	(void)chdir("/");
	vt_rmtree(&vt_host_ops, fc_hostbase);
	vt_summary("fuse_conform", passed, failed);
	return failed != 0;
}
