/*
 * vc_main.c: vfs_conform, the differential VFS conformance suite.
 * Usage: vfs_conform [NAME-PREFIX]
 *
 * Each scenario runs on the anykernel's root tmpfs in /vc/<name> and on
 * the host in $AK_TESTDIR/vfs_conform.XXXXXX/<name>, and the two records
 * are compared (see vfs_conform.h).  A scenario passes when the records
 * agree (or, for VS_AKONLY ones, when every assertion holds).  A
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
	vc_mount_scen,
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
 * Run one scenario on one side in a fresh directory; umask 022 and the
 * scenario directory as the current directory, both put back after.
 */
static int
vc_run_side(const struct vc_scen *s, struct vc *c, const struct vt_ops *o)
{
	const char *base = o == &vt_ak_ops ? "/vc" : vc_hostbase;
	mode_t omask;

	vc_reset(c);
	c->c_o = o;
	c->c_ak = o == &vt_ak_ops;
	c->c_scen = s->s_name;
	if ((size_t)snprintf(c->c_root, sizeof(c->c_root), "%s/%s", base,
	    s->s_name) >= sizeof(c->c_root))
		return -1;
	if (o->o_mkdirat(AT_FDCWD, c->c_root, 0755) != 0 ||
	    o->o_chdir(c->c_root) != 0) {
		printf("FAIL: %s: %s: cannot set up %s: %s\n", s->s_name,
		    o->o_name, c->c_root, vt_errname(errno));
		return -1;
	}
	omask = o->o_umask(022);
	s->s_fn(c);
	o->o_umask(omask);
	if (c->c_ak)
		ak_clearcred();
	if (o->o_chdir(base) != 0) {
		printf("FAIL: %s: %s: chdir back: %s\n", s->s_name,
		    o->o_name, vt_errname(errno));
		return -1;
	}
	if (vt_rmtree(o, c->c_root) != 0) {
		printf("FAIL: %s: %s: cleanup of %s: %s\n", s->s_name,
		    o->o_name, c->c_root, vt_errname(errno));
		return -1;
	}
	return 0;
}

/* 1 if the scenario passed, 0 if it failed, -1 if it was skipped. */
static int
vc_run(const struct vc_scen *s)
{
	struct vc ak, h;
	int ok;

	memset(&ak, 0, sizeof(ak));
	memset(&h, 0, sizeof(h));
	if ((s->s_flags & VS_XATTR) && !vc_host_xattr) {
		printf("SKIP: %s (no user xattrs on the host's %s)\n",
		    s->s_name, vt_testdir());
		return -1;
	}
	if ((s->s_flags & VS_EXCHANGE) && !vc_host_exchange) {
		printf("SKIP: %s (no RENAME_EXCHANGE on the host)\n",
		    s->s_name);
		return -1;
	}
	if ((s->s_flags & VS_ROOT) && geteuid() != 0) {
		printf("SKIP: %s (host oracle needs root)\n", s->s_name);
		return -1;
	}
	vc_current = s->s_name;
	alarm(VC_TIMEOUT);
	if (vc_run_side(s, &ak, &vt_ak_ops) != 0) {
		ok = 0;
	} else if (s->s_flags & VS_AKONLY) {
		ok = ak.c_nfail == 0;
	} else {
		ok = vc_run_side(s, &h, &vt_host_ops) == 0 &&
		    vc_compare(&ak, &h) == 0;
	}
	alarm(0);
	vc_reset(&ak);
	vc_reset(&h);
	return ok;
}

int
main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const struct vc_scen *s;
	size_t t;
	int r, passed = 0, failed = 0;

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
	for (t = 0; t < sizeof(vc_tables) / sizeof(vc_tables[0]); t++) {
		for (s = vc_tables[t]; s->s_name != NULL; s++) {
			if (filter != NULL &&
			    strncmp(s->s_name, filter, strlen(filter)) != 0)
				continue;
			if ((r = vc_run(s)) > 0)
				passed++;
			else if (r == 0)
				failed++;
		}
	}
	(void)chdir("/");
	vt_rmtree(&vt_host_ops, vc_hostbase);
	ak_fini();
	vt_summary("vfs_conform", passed, failed);
	return failed != 0;
}
