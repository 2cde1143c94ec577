/*
 * st_storm.c: a rename storm.  Files F0..F47 and directories D0..D11
 * start spread over six fixed containers in two trees (/st/storm/a,
 * /st/storm/b and two subdirectories of each).  Threads move random
 * entries between random containers, also into and out of the moving
 * D directories, and look up ".." under them, all at once: renames
 * that lock two parents in opposite orders, and directories moved
 * while others walk through them, are the classic deadlocks.
 *
 * Two threads bait a deadlock between rename and link/unlink instead
 * (see bait_step).  Every storm rename uses RENAME_NOREPLACE, so no entry can ever be lost:
 * afterwards each name must be found exactly once, and each F file
 * must still hold its own name as contents.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ak/ak.h"
#include "tests/stress/stress.h"

#define NFILES	48
#define NDIRS	12

static const char *const storm_cont[] = {
	"/st/storm/a", "/st/storm/b", "/st/storm/a/s0", "/st/storm/a/s1",
	"/st/storm/b/s0", "/st/storm/b/s1"
};
#define NCONT	(sizeof(storm_cont) / sizeof(storm_cont[0]))

/*
 * The bait: threads ST_NTHREADS-2 and -1 leave the storm for a pattern
 * aimed at rename's locking of its two children.  One renames a file
 * onto a directory and back (which fails, EISDIR and ENOTDIR, but only
 * after locking both); the other links that file into that directory
 * and unlinks the link again, so the file is at once the directory's
 * sibling (for rename) and its child (for link and unlink, which lock
 * the directory first).
 */
#define NBAIT	8

static void
bait_path(char *buf, size_t len, const char *fmt, int k)
{
	snprintf(buf, len, fmt, k);
}

static int
bait_setup(void)
{
	char path[64];
	int k, fd;

	if (ak_sys_mkdir("/st/bait", 0755) != 0)
		return -1;
	for (k = 0; k < NBAIT; k++) {
		bait_path(path, sizeof(path), "/st/bait/f%d", k);
		if ((fd = ak_sys_open(path, O_CREAT | O_WRONLY, 0644)) < 0)
			return -1;
		ak_sys_close(fd);
		bait_path(path, sizeof(path), "/st/bait/d%d", k);
		if (ak_sys_mkdir(path, 0755) != 0)
			return -1;
	}
	return 0;
}

static void
bait_expect(struct st_thread *t, const char *op, int rv, int e1, int e2)
{
	int e = errno;

	if (rv == 0 ? e1 == 0 || e2 == 0 : e == e1 || e == e2)
		return;
	t->t_fail++;
	st_fail("bait t%d: %s: %s", t->t_id, op, rv == 0 ?
	    "succeeded" : strerror(e));
}

static void
bait_step(struct st_thread *t)
{
	char f[64], d[64], x[64];
	int k = (int)(st_rand(t) % NBAIT);

	bait_path(f, sizeof(f), "/st/bait/f%d", k);
	bait_path(d, sizeof(d), "/st/bait/d%d", k);
	bait_path(x, sizeof(x), "/st/bait/d%d/x", k);
	if (t->t_id == ST_NTHREADS - 2) {
		bait_expect(t, "rename file onto dir",
		    ak_sys_rename(f, d), EISDIR, EISDIR);
		bait_expect(t, "rename dir onto file",
		    ak_sys_rename(d, f), ENOTDIR, ENOTDIR);
	} else {
		bait_expect(t, "link into dir", ak_sys_link(f, x), 0, EEXIST);
		bait_expect(t, "unlink from dir", ak_sys_unlink(x), 0,
		    ENOENT);
	}
}

int
st_storm_setup(void)
{
	char path[128];
	size_t i;
	int fd;

	if (ak_sys_mkdir("/st/storm", 0755) != 0 || bait_setup() != 0)
		return -1;
	for (i = 0; i < NCONT; i++)
		if (ak_sys_mkdir(storm_cont[i], 0755) != 0)
			return -1;
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/F%zu", storm_cont[i % NCONT],
		    i);
		if ((fd = ak_sys_open(path, O_CREAT | O_EXCL | O_WRONLY,
		    0644)) < 0)
			return -1;
		snprintf(path, sizeof(path), "F%zu", i);
		if (ak_sys_write(fd, path, strlen(path)) !=
		    (ssize_t)strlen(path)) {
			ak_sys_close(fd);
			return -1;
		}
		ak_sys_close(fd);
	}
	for (i = 0; i < NDIRS; i++) {
		snprintf(path, sizeof(path), "%s/D%zu",
		    storm_cont[(i + 3) % NCONT], i);
		if (ak_sys_mkdir(path, 0755) != 0)
			return -1;
	}
	return 0;
}

/* A directory a moving entry may be in: a container or a D in one. */
static void
storm_dir(struct st_thread *t, char *buf, size_t len)
{
	const char *c = storm_cont[st_rand(t) % NCONT];

	if (st_rand(t) % 3 == 0)
		snprintf(buf, len, "%s/D%d", c, (int)(st_rand(t) % NDIRS));
	else
		snprintf(buf, len, "%s", c);
}

void
st_storm_step(struct st_thread *t)
{
	static const int ok[] = { ENOENT, EEXIST, EINVAL, ENOTDIR, 0 };
	char sd[96], dd[96], from[128], to[128], name[16];
	struct stat st;
	int e, k;

	if (t->t_id >= ST_NTHREADS - 2) {
		bait_step(t);
		return;
	}
	if (st_rand(t) % 4 == 0)
		snprintf(name, sizeof(name), "D%d", (int)(st_rand(t) % NDIRS));
	else
		snprintf(name, sizeof(name), "F%d",
		    (int)(st_rand(t) % NFILES));
	storm_dir(t, sd, sizeof(sd));
	storm_dir(t, dd, sizeof(dd));
	snprintf(from, sizeof(from), "%s/%s", sd, name);
	snprintf(to, sizeof(to), "%s/%s", dd, name);
	if (st_rand(t) % 5 == 0) {
		/* Walk up through a directory that may be moving. */
		snprintf(to, sizeof(to), "%s/../..", sd);
		(void)ak_sys_stat(to, &st);
		return;
	}
	if (ak_sys_renameat2(AT_FDCWD, from, AT_FDCWD, to,
	    RENAME_NOREPLACE) == 0)
		return;
	e = errno;
	for (k = 0; ok[k] != 0; k++)
		if (ok[k] == e)
			return;
	t->t_fail++;
	st_fail("storm t%d: rename %s %s: unexpected %s", t->t_id, from, to,
	    strerror(e));
}

/* Count the F and D names below path; check each F's contents. */
static int
storm_count(const char *path, int *fseen, int *dseen, int depth)
{
	char sub[512], buf[32];
	struct ak_dirent *de;
	AK_DIR *d;
	ssize_t n;
	int fd, k, bad = 0;

	if (depth > 64 || (d = ak_sys_opendir(path)) == NULL) {
		st_fail("storm: cannot list %s: %s", path, strerror(errno));
		return 1;
	}
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		k = atoi(de->d_name + 1);
		if (de->d_name[0] == 'F' && k >= 0 && k < NFILES) {
			fseen[k]++;
			fd = ak_sys_open(sub, O_RDONLY);
			n = fd < 0 ? -1 : ak_sys_read(fd, buf, sizeof(buf) - 1);
			if (fd >= 0)
				ak_sys_close(fd);
			if (n < 0 || (buf[n] = '\0', strcmp(buf, de->d_name))) {
				st_fail("storm: %s has lost its contents",
				    sub);
				bad++;
			}
		} else if (de->d_name[0] == 'D' && k >= 0 && k < NDIRS) {
			dseen[k]++;
			bad += storm_count(sub, fseen, dseen, depth + 1);
		} else if (de->d_name[0] == 's') {
			bad += storm_count(sub, fseen, dseen, depth + 1);
		} else {
			st_fail("storm: stray entry %s", sub);
			bad++;
		}
	}
	ak_sys_closedir(d);
	return bad;
}

int
st_storm_check(void)
{
	int fseen[NFILES] = { 0 }, dseen[NDIRS] = { 0 };
	int k, bad;

	bad = storm_count("/st/storm/a", fseen, dseen, 0);
	bad += storm_count("/st/storm/b", fseen, dseen, 0);
	for (k = 0; k < NFILES; k++)
		if (fseen[k] != 1) {
			st_fail("storm: F%d found %d times", k, fseen[k]);
			bad++;
		}
	for (k = 0; k < NDIRS; k++)
		if (dseen[k] != 1) {
			st_fail("storm: D%d found %d times", k, dseen[k]);
			bad++;
		}
	return bad != 0;
}
