/*
 * vc_main.c: vfs_conform, the differential VFS conformance suite.
 * Usage: vfs_conform [PREFIX], PREFIX of a scenario name or of
 * <target>/<scenario>.
 *
 * Each scenario runs on every target (vc_target.c) that declares the
 * capabilities it needs: on the anykernel in /vc/<target>/<name>, a
 * fresh mount of the target's driver, and on the host in
 * $AK_TESTDIR/vfs_conform.XXXXXX/<name>, and the two records are
 * compared (see vfs_conform.h).  Results count per target/scenario
 * pair, plus one per target for its capability check.  A pair passes
 * when the records agree (or, for VS_AKONLY scenarios, when every
 * assertion holds).  A
 * scenario that hangs is reported and ends the run: a deadlocked kernel
 * must fail the suite, not stall it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ak/ak.h"
#include "tests/vfs/vfs_conform.h"

#define VC_TIMEOUT	60	/* seconds one scenario may take */

static const struct vc_scen *const vc_tables[] = {
	vc_open_scen, vc_rw_scen, vc_dir_scen, vc_link_scen, vc_rename_scen,
	vc_attr_scen, vc_xattr_scen, vc_misc_scen, vc_perm_scen,
	vc_mount_scen, vc_scale_scen,
};

static char vc_hostbase[PATH_MAX];	/* host directory of this run */
static const char *vc_current;		/* scenario running, for alarms */
static int vc_host_xattr;		/* host supports user.* xattrs */
static int vc_host_exchange;		/* host supports RENAME_EXCHANGE */

static void
vc_alarm(int sig)
{
	static const char m1[] = "FAIL: ";
	static const char m2[] = ": timed out (deadlock?)\n";

	(void)sig;
	(void)!write(1, m1, sizeof(m1) - 1);
	if (vc_current != NULL)
		(void)!write(1, vc_current, strlen(vc_current));
	(void)!write(1, m2, sizeof(m2) - 1);
	_exit(1);
}

/* What the host's file system under $AK_TESTDIR can do. */
static void
vc_probe_host(void)
{
	char a[PATH_MAX + 8], b[PATH_MAX + 8];
	FILE *f;

	snprintf(a, sizeof(a), "%s/pa", vc_hostbase);
	snprintf(b, sizeof(b), "%s/pb", vc_hostbase);
	if ((f = fopen(a, "w")) != NULL)
		fclose(f);
	if ((f = fopen(b, "w")) != NULL)
		fclose(f);
	vc_host_xattr = setxattr(a, "user.probe", "1", 1, 0) == 0;
	vc_host_exchange = renameat2(AT_FDCWD, a, AT_FDCWD, b,
	    RENAME_EXCHANGE) == 0;
	unlink(a);
	unlink(b);
}

/*
 * Run one scenario on one side in a fresh directory base/<name>; umask
 * 022 and the scenario directory as the current directory, both put
 * back after.  c->c_scen (the report name) and c_rootmax are set.
 * 0 if all went well, 1 if the scenario ran but its directory could
 * not be removed, -1 if it could not run.
 */
static int
vc_run_side(const struct vc_scen *s, struct vc *c, const struct vt_ops *o,
    const char *base)
{
	const char *id = c->c_scen;
	mode_t omask;

	vc_reset(c);
	c->c_o = o;
	c->c_ak = o == &vt_ak_ops;
	if ((size_t)snprintf(c->c_root, sizeof(c->c_root), "%s/%s", base,
	    s->s_name) >= sizeof(c->c_root))
		return -1;
	if (o->o_mkdirat(AT_FDCWD, c->c_root, 0755) != 0 ||
	    o->o_chdir(c->c_root) != 0) {
		printf("FAIL: %s: %s: cannot set up %s: %s\n", id,
		    o->o_name, c->c_root, vt_errname(errno));
		return -1;
	}
	omask = o->o_umask(022);
	s->s_fn(c);
	o->o_umask(omask);
	if (c->c_ak)
		ak_clearcred();
	if (o->o_chdir(base) != 0) {
		printf("FAIL: %s: %s: chdir back: %s\n", id, o->o_name,
		    vt_errname(errno));
		return 1;
	}
	if (vt_rmtree(o, c->c_root) != 0) {
		printf("FAIL: %s: %s: cleanup of %s: %s\n", id, o->o_name,
		    c->c_root, vt_errname(errno));
		return 1;
	}
	return 0;
}

/* 1 (and a SKIP line) if s cannot run on t here. */
static int
vc_skipped(const struct vc_target *t, const struct vc_scen *s,
    const char *id)
{
	const char *lack;

	if ((lack = vc_target_lacks(t, s->s_flags)) != NULL) {
		printf("SKIP: %s (no %s)\n", id, lack);
		return 1;
	}
	if ((s->s_flags & VS_XATTR) && !vc_host_xattr) {
		printf("SKIP: %s (no user xattrs on the host's %s)\n", id,
		    vt_testdir());
		return 1;
	}
	if ((s->s_flags & VS_EXCHANGE) && !vc_host_exchange) {
		printf("SKIP: %s (no RENAME_EXCHANGE on the host)\n", id);
		return 1;
	}
	if ((s->s_flags & VS_ROOT) && geteuid() != 0) {
		printf("SKIP: %s (host oracle needs root)\n", id);
		return 1;
	}
	return 0;
}

/* The longer of the two scenario directories' paths. */
static size_t
vc_rootmax(const char *akbase, const struct vc_scen *s)
{
	size_t a = strlen(akbase), h = strlen(vc_hostbase);

	return (a > h ? a : h) + 1 + strlen(s->s_name);
}

/* Scenario s on target t: 1 passed, 0 failed, -1 skipped. */
static int
vc_run(const struct vc_target *t, const struct vc_scen *s)
{
	char id[128], akbase[PATH_MAX];
	struct vc ak, h;
	int ok, ra, rh;

	snprintf(id, sizeof(id), "%s/%s", t->t_name, s->s_name);
	snprintf(akbase, sizeof(akbase), "/vc/%s", t->t_name);
	if (vc_skipped(t, s, id))
		return -1;
	memset(&ak, 0, sizeof(ak));
	memset(&h, 0, sizeof(h));
	ak.c_scen = h.c_scen = vc_current = id;
	ak.c_rootmax = h.c_rootmax = vc_rootmax(akbase, s);
	alarm(VC_TIMEOUT);
	if ((ra = vc_run_side(s, &ak, &vt_ak_ops, akbase)) < 0) {
		ok = 0;
	} else if (s->s_flags & VS_AKONLY) {
		ok = ra == 0 && ak.c_nfail == 0;
	} else {
		/* Compare even after a failed cleanup: it shows why. */
		rh = vc_run_side(s, &h, &vt_host_ops, vc_hostbase);
		ok = rh >= 0 && vc_compare(&ak, &h) == 0 && ra == 0 &&
		    rh == 0;
	}
	alarm(0);
	vc_current = NULL;
	vc_reset(&ak);
	vc_reset(&h);
	return ok;
}

/*
 * The driver must have every capability the target declares for it:
 * a target that claims more than its driver has would skip nothing and
 * fail for the wrong reason, or hide a driver that lost one.
 */
static int
vc_check_caps(const struct vc_target *t)
{
	long have = ak_fscaps(t->t_fstype);

	if (have == -1) {
		printf("FAIL: %s/caps: type %s: %s\n", t->t_name,
		    t->t_fstype, vt_errname(errno));
		return 0;
	}
	if ((t->t_caps & ~have) != 0) {
		printf("FAIL: %s/caps: declares 0x%lx, %s has 0x%lx\n",
		    t->t_name, t->t_caps, t->t_fstype, have);
		return 0;
	}
	return 1;
}

/* Whether filter is a prefix of s's name or of "<target>/<name>". */
static int
vc_wanted(const struct vc_target *t, const struct vc_scen *s,
    const char *filter)
{
	char id[128];

	if (filter == NULL || strncmp(s->s_name, filter, strlen(filter)) == 0)
		return 1;
	snprintf(id, sizeof(id), "%s/%s", t->t_name, s->s_name);
	return strncmp(id, filter, strlen(filter)) == 0;
}

/* Every scenario matching filter on target t, counted into np and nf. */
static void
vc_run_target(const struct vc_target *t, const char *filter, int *np,
    int *nf)
{
	char dir[PATH_MAX];
	const struct vc_scen *s;
	size_t i;
	int r;

	snprintf(dir, sizeof(dir), "/vc/%s", t->t_name);
	vc_modebits = (t->t_caps & AK_FSCAP_OWNERS) != 0;
	if (ak_sys_mkdir(dir, 0755) != 0 || t->t_setup(t, dir) != 0) {
		printf("FAIL: %s/setup: %s\n", t->t_name, vt_errname(errno));
		(*nf)++;
		return;
	}
	for (i = 0; i < sizeof(vc_tables) / sizeof(vc_tables[0]); i++) {
		for (s = vc_tables[i]; s->s_name != NULL; s++) {
			if (!vc_wanted(t, s, filter))
				continue;
			if ((r = vc_run(t, s)) > 0)
				(*np)++;
			else if (r == 0)
				(*nf)++;
		}
	}
	/* The runner's cwd is left in dir, which would keep it busy. */
	if (ak_sys_chdir("/") != 0 || t->t_teardown(t, dir) != 0) {
		printf("FAIL: %s/teardown: %s\n", t->t_name,
		    vt_errname(errno));
		(*nf)++;
	}
}

int
main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const struct vc_target *t;
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, vc_alarm);
	if (vt_ak_boot() != 0 ||
	    vt_host_mktemp("vfs_conform", vc_hostbase,
	    sizeof(vc_hostbase)) != 0 ||
	    ak_sys_mkdir("/vc", 0755) != 0) {
		printf("FAIL: setup: %s\n", vt_errname(errno));
		vt_summary("vfs_conform", 0, 1);
		return 1;
	}
	vc_probe_host();
	for (t = vc_targets; t->t_name != NULL; t++) {
		if (vc_check_caps(t))
			passed++;
		else
			failed++;
		vc_run_target(t, filter, &passed, &failed);
	}
	vc_ro_all(vc_hostbase, filter, &passed, &failed);
	(void)chdir("/");
	vt_rmtree(&vt_host_ops, vc_hostbase);
	ak_fini();
	vt_summary("vfs_conform", passed, failed);
	return failed != 0;
}
