/*
 * crash_long.c: crash consistency of each writing driver under a long
 * seeded workload, on the fault-injection host (hyp/test).
 *
 * The workload is 200 random operations (create, overwrite, append,
 * truncate, rename within and across directories, unlink, fsync, and a
 * sync half way) on a model of at most NFILES files.  It runs once
 * without faults, to count its block writes and to check the driver
 * against the model (the reference fsck clean, every file as the model
 * says, nothing else); then once per sampled crash point k (about
 * NPOINTS spread over all the writes, alternating between losing all
 * unflushed writes and a seeded subset).  After each crash:
 *
 *  - the driver mounts the image or refuses it with an errno;
 *  - the reference fsck repairs it (at most three passes) to a state its
 *    check accepts, and the driver mounts that;
 *  - every file whose fsync (or the sync) returned before the crash, and
 *    that was not changed after it, reads back with the contents it had.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "hyp/test/hyp_fault.h"
#include "tests/lib/tcheck.h"

#define MNT	"/mnt"
#define NOPS	200
#define NFILES	24
#define MAXSIZE	40000
#define NPOINTS	40		/* crash points per driver */

struct target {
	const char	*type, *mkfs, *check, *repair;
};
static const struct target targets[] = {
	{ "vfat", "mkfs.fat -C -i 12345678 '%s' 4096", "fsck.fat -n '%s'",
	    "fsck.fat -a '%s'" },
	{ "ext4", "mke2fs -q -F -t ext4 -b 1024 '%s' 8M", "e2fsck -fn '%s'",
	    "e2fsck -fy '%s'" },
};
static const struct target *tg;
static char dir[1024], pristine[1200], img[1200];

/* The model: file i lives at path[i] with contents (gen, size). */
struct mfile {
	bool		exists;
	char		path[64];
	uint32_t	gen;		/* contents seed */
	size_t		size;
	bool		durable;	/* the state below survives a crash */
	char		dpath[64];
	uint32_t	dgen;
	size_t		dsize;
};
static struct mfile model[NFILES];
static uint32_t rng;
static int errors;		/* calls that failed in this run */
static int nchecked;		/* durable files checked after crashes */

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 1103515245 + 12345;
	return (rng >> 8) % n;
}

static void
fill(char *buf, size_t len, uint32_t gen, size_t from)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('A' + ((from + i) * 31 + gen * 7 +
		    (from + i) / 977) % 53);
}

static int
tool(const char *fmt)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), fmt, img);
	return tsh("%s >/dev/null 2>&1", cmd);
}

/* A call's result: count failures (a failure must set errno). */
static bool
ok(long rc)
{
	if (rc < 0)
		errors++;
	return rc >= 0;
}

static char wbuf[MAXSIZE + 1], rbuf[MAXSIZE + 2];

/* Write file f's contents [from, size) at from; the model follows. */
static void
put(struct mfile *f, size_t from, int oflags)
{
	char p[80];
	size_t done = from;
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), MNT "%s", f->path);
	if (!ok(fd = ak_sys_open(p, O_WRONLY | O_CREAT | oflags, 0644)))
		return;
	fill(wbuf, f->size - from, f->gen, from);
	while (done < f->size && ok(n = ak_sys_pwrite(fd, wbuf + done - from,
	    f->size - done, (off_t)done)) && n > 0)
		done += (size_t)n;
	ok(ak_sys_close(fd));
}

static void
fsync_file(struct mfile *f)
{
	struct hypfault_stats st;
	char p[80];
	int fd;

	snprintf(p, sizeof(p), MNT "%s", f->path);
	if (!ok(fd = ak_sys_open(p, O_RDONLY)))
		return;
	if (ok(ak_sys_fsync(fd))) {
		hypfault_stats(&st);
		if (!st.crashed) {
			f->durable = true;
			strcpy(f->dpath, f->path);
			f->dgen = f->gen;
			f->dsize = f->size;
		}
	}
	ok(ak_sys_close(fd));
}

/* One random operation on the model and the mount. */
static void
step(int op)
{
	static const char *const dirs[] = { "", "/d1", "/d2/sub" };
	struct mfile *f = &model[rnd(NFILES)];
	char a[80], b[80];
	size_t old;
	int r = (int)rnd(100), i;

	if (op == NOPS / 2) {		/* everything is durable after sync */
		struct hypfault_stats st;

		ak_sys_sync();
		hypfault_stats(&st);
		for (i = 0; i < NFILES && !st.crashed; i++)
			if (model[i].exists) {
				model[i].durable = true;
				strcpy(model[i].dpath, model[i].path);
				model[i].dgen = model[i].gen;
				model[i].dsize = model[i].size;
			}
		return;
	}
	if (!f->exists) {		/* create it */
		snprintf(f->path, sizeof(f->path), "%s/F%02d_%d",
		    dirs[rnd(3)], (int)(f - model), op);
		f->gen = rnd(1000000);
		f->size = rnd(MAXSIZE);
		f->exists = true;
		put(f, 0, O_TRUNC);
		return;
	}
	/* A third of the files are kept once durable, as archives are. */
	if (r < 20 || (f->durable && f - model < NFILES / 3)) {
		fsync_file(f);
		return;
	}
	f->durable = false;	/* changed after its last fsync */
	snprintf(a, sizeof(a), MNT "%s", f->path);
	if (r < 40) {			/* overwrite */
		f->gen = rnd(1000000);
		f->size = rnd(MAXSIZE);
		put(f, 0, O_TRUNC);
	} else if (r < 55) {		/* append */
		old = f->size;
		f->size = old + rnd((uint32_t)(MAXSIZE - old) + 1);
		put(f, old, 0);
	} else if (r < 65) {		/* truncate shorter */
		f->size = rnd((uint32_t)f->size + 1);
		ok(ak_sys_truncate(a, (off_t)f->size));
	} else if (r < 85) {		/* rename */
		snprintf(f->path, sizeof(f->path), "%s/R%02d_%d",
		    dirs[rnd(3)], (int)(f - model), op);
		snprintf(b, sizeof(b), MNT "%s", f->path);
		ok(ak_sys_rename(a, b));
	} else {
		f->exists = false;
		ok(ak_sys_unlink(a));
	}
}

/* The workload on img, from a fresh mount to the unmount. */
static void
workload(void)
{
	int op;

	memset(model, 0, sizeof(model));
	rng = 20261125;
	errors = 0;
	if (!ok(ak_sys_mount(tg->type, MNT, 0, img, NULL)))
		return;
	ok(ak_sys_mkdir(MNT "/d1", 0755));
	ok(ak_sys_mkdir(MNT "/d2", 0755));
	ok(ak_sys_mkdir(MNT "/d2/sub", 0755));
	for (op = 0; op < NOPS; op++)
		step(op);
	if (!ok(ak_sys_unmount(MNT, 0)))
		(void)ak_sys_unmount(MNT, AK_MNT_FORCE);
}

/* Whether path reads back as (gen, size). */
static bool
intact(const char *path, uint32_t gen, size_t size)
{
	char p[80];
	ssize_t n, got = 0;
	int fd;

	snprintf(p, sizeof(p), MNT "%s", path);
	if ((fd = ak_sys_open(p, O_RDONLY)) < 0)
		return false;
	while ((n = ak_sys_read(fd, rbuf + got, sizeof(rbuf) - (size_t)got))
	    > 0)
		got += n;
	ak_sys_close(fd);
	fill(wbuf, size, gen, 0);
	return got == (ssize_t)size && memcmp(rbuf, wbuf, size) == 0;
}

/* Entries under the mount (recursively), directories included. */
static int
count_entries(const char *path)
{
	struct ak_dirent *d;
	char sub[512];
	AK_DIR *dp;
	int n = 0;

	if ((dp = ak_sys_opendir(path)) == NULL)
		return -1000;
	while ((d = ak_sys_readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 ||
		    strcmp(d->d_name, "..") == 0 ||
		    strcmp(d->d_name, "lost+found") == 0)	/* mke2fs's */
			continue;
		n++;
		snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
		if (d->d_type == DT_DIR)
			n += count_entries(sub);
	}
	ak_sys_closedir(dp);
	return n;
}

/* The fault-free image holds the model exactly. */
static void
check_model(void)
{
	int i, n = 3;	/* d1, d2, d2/sub */

	tcheck(tool(tg->check) == 0, "%s: fault-free run: fsck", tg->type);
	if (!ok(ak_sys_mount(tg->type, MNT, AK_MNT_RDONLY, img, NULL))) {
		tcheck(false, "%s: mount: %s", tg->type, strerror(errno));
		return;
	}
	for (i = 0; i < NFILES; i++) {
		if (!model[i].exists)
			continue;
		n++;
		tcheck(intact(model[i].path, model[i].gen, model[i].size),
		    "%s: fault-free run: %s", tg->type, model[i].path);
	}
	tcheck(count_entries(MNT) == n, "%s: fault-free run: %d entries "
	    "expected", tg->type, n);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
}

/* After a crash at write k: mountable or refused, repairable, durable. */
static void
after_crash(uint64_t k, int mode)
{
	const char *m = mode == HYPFAULT_CRASH_ALL ? "all" : "some";
	int i;

	errno = 0;
	if (ak_sys_mount(tg->type, MNT, AK_MNT_RDONLY, img, NULL) == 0)
		tcheck(ak_sys_unmount(MNT, 0) == 0, "%s: crash at %llu (%s): "
		    "unmount", tg->type, (unsigned long long)k, m);
	else
		tcheck(errno != 0, "%s: crash at %llu (%s): mount failed "
		    "without an errno", tg->type, (unsigned long long)k, m);
	for (i = 0; i < 3 && tool(tg->check) != 0; i++)
		(void)tool(tg->repair);
	if (tool(tg->check) != 0) {
		tsh("cp '%s' '%s.unrepaired-%llu'", img, img,
		    (unsigned long long)k);
		tcheck(false, "%s: crash at %llu (%s): fsck cannot repair "
		    "(kept as %s.unrepaired-%llu)", tg->type,
		    (unsigned long long)k, m, img, (unsigned long long)k);
		return;
	}
	if (ak_sys_mount(tg->type, MNT, AK_MNT_RDONLY, img, NULL) != 0) {
		tcheck(false, "%s: crash at %llu (%s): repaired image does not "
		    "mount: %s", tg->type, (unsigned long long)k, m,
		    strerror(errno));
		return;
	}
	for (i = 0; i < NFILES; i++)
		if (model[i].durable && ++nchecked)
			tcheck(intact(model[i].dpath, model[i].dgen,
			    model[i].dsize), "%s: crash at %llu (%s): %s "
			    "was durable but is not intact", tg->type,
			    (unsigned long long)k, m, model[i].dpath);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "%s: unmount", tg->type);
}

static void
run_target(void)
{
	struct hypfault_stats st;
	char cmd[2048];
	uint64_t k, total, stepk;
	int mode, n = 0;

	snprintf(cmd, sizeof(cmd), tg->mkfs, pristine);
	if (tsh("command -v %.*s >/dev/null", (int)strcspn(tg->check, " "),
	    tg->check) != 0 || tsh("rm -f '%s' && %s >/dev/null 2>&1",
	    pristine, cmd) != 0) {
		printf("SKIP: %s crash_long (no reference tools)\n", tg->type);
		return;
	}
	tsh("cp '%s' '%s'", pristine, img);
	hypfault_reset();
	workload();
	hypfault_stats(&st);
	total = st.writes;
	tcheck(errors == 0, "%s: fault-free run: %d errors", tg->type, errors);
	printf("%s: %d operations, %llu writes, %llu flushes\n", tg->type,
	    NOPS, (unsigned long long)total, (unsigned long long)st.flushes);
	check_model();
	stepk = total / NPOINTS + 1;
	nchecked = 0;
	for (k = 1 + stepk / 2; k <= total; k += stepk, n++) {
		mode = n % 2 ? HYPFAULT_CRASH_SOME : HYPFAULT_CRASH_ALL;
		tsh("cp '%s' '%s'", pristine, img);
		hypfault_reset();
		hypfault_crash_after(k, mode, (uint32_t)k);
		workload();
		hypfault_reset();
		after_crash(k, mode);
	}
	/* Else the durability oracle would have checked next to nothing. */
	tcheck(nchecked >= n, "%s: %d durable files checked after %d "
	    "crashes", tg->type, nchecked, n);
	printf("%s: %d crash points, %d durable files checked\n", tg->type, n,
	    nchecked);
}

int
main(void)
{
	const char *t = getenv("AK_TESTDIR");
	size_t i;

	alarm(600);
	snprintf(dir, sizeof(dir), "%s/crash_long", t ? t : "/tmp");
	snprintf(pristine, sizeof(pristine), "%s/pristine.img", dir);
	snprintf(img, sizeof(img), "%s/work.img", dir);
	if (tsh("rm -rf '%s' && mkdir -p '%s'", dir, dir) != 0 ||
	    ak_init_opts("fault_clock=1700000000+1000,fault_seed=1") != 0 ||
	    ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: setup: %s\ncrash_long: 0 passed, 1 failed\n",
		    strerror(errno));
		return 1;
	}
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		tg = &targets[i];
		run_target();
	}
	tcheck(ak_fini() == 0, "ak_fini: %s", strerror(errno));
	return tsummary("crash_long");
}
