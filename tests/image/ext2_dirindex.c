/*
 * ext2_dirindex.c: lookups in large linear (non-htree) ext2/ext4
 * directories, which go through the driver's in-memory name index
 * (fs/ext2fs/ext2_dcache.c), and the index staying exact while names
 * come and go.
 *
 * mke2fs -d builds a directory of several thousand files (it makes no
 * htree: the test checks the directory is linear with debugfs first;
 * mke2fs itself needs time quadratic in the count, hence not more),
 * each file holding a size of its own.  The oracles: the model of names,
 * sizes and inode numbers (the numbers read back by readdir, which does
 * not use the index), ENOENT for absent names (near misses of present
 * ones too), a directory listing equal to the model after every phase,
 * e2fsck -fn on the image after unmounting, and a read-only remount (a
 * fresh index built from the disk) that must agree with the model.
 *
 * In between, creates, unlinks, renames (to a new name, over an existing
 * name, across to an indexed subdirectory and back) and mkdir/rmdir are
 * interleaved with lookups of the names they touched and of random
 * others, so that an index left stale by any of them answers wrongly.
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
#include "tests/lib/tcheck.h"

#define MNT	"/mnt"
#define BIG	MNT "/big"
#define SUB	MNT "/big/sub"
#define MAXN	40000		/* names in the model at most */
#define NAMEMAX	256

/* One name of the big directory (or of SUB when insub). */
struct ent {
	char	 name[NAMEMAX];
	bool	 present;
	bool	 insub;		/* lives in SUB (moved there) */
	bool	 isdir;
	off_t	 size;
	ino_t	 ino;		/* 0: not known yet */
};

static struct ent *ents;
static int nents;
static char tdir[1024];
static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Names of many lengths, so that records of all sizes are in play. */
static void
mkname(char *buf, int i)
{
	static const char pad[] = "abcdefghijklmnopqrstuvwxyz0123456789_-";
	int len, k;

	k = snprintf(buf, NAMEMAX, "n%d.", i);
	len = 1 + (i * 37) % 90;
	if (i % 101 == 0)
		len = 200 + i % 50;	/* a few long ones */
	for (; k < len && k < NAMEMAX - 1; k++)
		buf[k] = pad[(i + k) % (int)(sizeof(pad) - 1)];
	buf[k] = '\0';
}

static void
path_of(const struct ent *e, char *p, size_t n)
{
	snprintf(p, n, "%s/%s", e->insub ? SUB : BIG, e->name);
}

/* A lookup of e must agree with the model. */
static void
check_ent(struct ent *e, const char *why)
{
	char p[NAMEMAX + 64];
	struct stat st;
	int rc;

	path_of(e, p, sizeof(p));
	rc = ak_sys_lstat(p, &st);
	if (!e->present) {
		tcheck(rc != 0 && errno == ENOENT, "%s: %s: absent name found "
		    "(rc %d, %s)", why, e->name, rc, strerror(errno));
		return;
	}
	if (rc != 0) {
		tcheck(0, "%s: %s: %s", why, e->name, strerror(errno));
		return;
	}
	tcheck((e->isdir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) &&
	    (e->isdir || st.st_size == e->size) &&
	    (e->ino == 0 || st.st_ino == e->ino), "%s: %s: size %lld ino %llu, "
	    "want %lld %llu", why, e->name, (long long)st.st_size,
	    (unsigned long long)st.st_ino, (long long)e->size,
	    (unsigned long long)e->ino);
	if (e->ino == 0)
		e->ino = st.st_ino;
}

/* Names near a present one (one byte changed, one byte longer). */
static void
check_near_misses(const struct ent *e, const char *why)
{
	char p[NAMEMAX + 64], n[NAMEMAX];
	size_t len = strlen(e->name);
	struct stat st;

	snprintf(n, sizeof(n), "%s", e->name);
	n[len / 2] = n[len / 2] == 'Z' ? 'Y' : 'Z';
	snprintf(p, sizeof(p), "%s/%s", e->insub ? SUB : BIG, n);
	tcheck(ak_sys_lstat(p, &st) != 0 && errno == ENOENT,
	    "%s: near miss %s found", why, n);
	if (len + 1 < NAMEMAX - 1) {
		snprintf(p, sizeof(p), "%s/%sx", e->insub ? SUB : BIG,
		    e->name);
		tcheck(ak_sys_lstat(p, &st) != 0 && errno == ENOENT,
		    "%s: near miss %sx found", why, e->name);
	}
}

/* Read directory d; each entry must be in the model, and all of it. */
static void
check_listing(const char *d, bool sub, const char *why)
{
	AK_DIR *dp = ak_sys_opendir(d);
	struct ak_dirent *de;
	int seen = 0, want = 0, i, found;

	if (dp == NULL) {
		tcheck(0, "%s: opendir %s: %s", why, d, strerror(errno));
		return;
	}
	/* A linear search per name would be slow: mark through a hash. */
	while ((de = ak_sys_readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (!sub && strcmp(de->d_name, "sub") == 0))
			continue;
		found = 0;
		if (sscanf(de->d_name, "n%d.", &i) == 1 && i >= 0 &&
		    i < nents && ents[i].present && ents[i].insub == sub &&
		    strcmp(ents[i].name, de->d_name) == 0) {
			found = 1;
			if (ents[i].ino == 0)
				ents[i].ino = de->d_ino;
			tcheck(ents[i].ino == de->d_ino, "%s: %s: readdir ino "
			    "%llu, lookup %llu", why, de->d_name,
			    (unsigned long long)de->d_ino,
			    (unsigned long long)ents[i].ino);
		}
		tcheck(found, "%s: %s lists %s, not in the model", why, d,
		    de->d_name);
		seen++;
	}
	ak_sys_closedir(dp);
	for (i = 0; i < nents; i++)
		want += ents[i].present && ents[i].insub == sub;
	tcheck(seen == want, "%s: %s lists %d names, the model %d", why, d,
	    seen, want);
}

/* Every name of the model, present or gone, through a lookup. */
static void
check_all(const char *why)
{
	int i;

	for (i = 0; i < nents; i++) {
		check_ent(&ents[i], why);
		if (ents[i].present && i % 7 == 0)
			check_near_misses(&ents[i], why);
	}
	check_listing(BIG, false, why);
	check_listing(SUB, true, why);
}

static int
put_file(const char *p, off_t size)
{
	char buf[512];
	int fd = ak_sys_open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);

	if (fd < 0)
		return -1;
	memset(buf, 'x', sizeof(buf));
	if (size > 0 && ak_sys_write(fd, buf, (size_t)size) != size) {
		ak_sys_close(fd);
		return -1;
	}
	return ak_sys_close(fd);
}

/* A new name: a file (or sometimes a directory) in BIG or SUB. */
static void
op_create(bool sub)
{
	struct ent *e;
	char p[NAMEMAX + 64];

	if (nents >= MAXN)
		return;
	e = &ents[nents];
	mkname(e->name, nents);
	e->insub = sub;
	e->isdir = rnd(10) == 0;
	e->size = e->isdir ? 0 : (off_t)rnd(300);
	e->ino = 0;
	path_of(e, p, sizeof(p));
	nents++;
	if (e->isdir)
		e->present = ak_sys_mkdir(p, 0755) == 0;
	else
		e->present = put_file(p, e->size) == 0;
	tcheck(e->present, "create %s: %s", p, strerror(errno));
	check_ent(e, "after create");
	if (!e->isdir)
		tcheck(ak_sys_open(p, O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 &&
		    errno == EEXIST, "create %s again: not EEXIST", p);
}

/* A random present (or, for want == false, absent) entry, or NULL. */
static struct ent *
pick(bool want)
{
	int i, tries;

	for (tries = 0; tries < 64; tries++) {
		i = (int)rnd((uint32_t)nents);
		if (ents[i].present == want)
			return &ents[i];
	}
	return NULL;
}

static void
op_remove(void)
{
	struct ent *e = pick(true);
	char p[NAMEMAX + 64];

	if (e == NULL)
		return;
	path_of(e, p, sizeof(p));
	tcheck((e->isdir ? ak_sys_rmdir(p) : ak_sys_unlink(p)) == 0,
	    "remove %s: %s", p, strerror(errno));
	e->present = false;
	check_ent(e, "after remove");
}

/* Rename e to a new name (in BIG or SUB), or over another file. */
static void
op_rename(void)
{
	struct ent *e = pick(true), *t, *n;
	char from[NAMEMAX + 64], to[NAMEMAX + 64];

	if (e == NULL || nents >= MAXN)
		return;
	path_of(e, from, sizeof(from));
	t = pick(true);
	if (rnd(3) == 0 && t != NULL && t != e && !t->isdir && !e->isdir) {
		path_of(t, to, sizeof(to));
		tcheck(ak_sys_rename(from, to) == 0, "rename %s over %s: %s",
		    from, to, strerror(errno));
		t->size = e->size;
		t->ino = e->ino;
		e->present = false;
		check_ent(e, "after rename over (source)");
		check_ent(t, "after rename over (target)");
		return;
	}
	n = &ents[nents++];
	*n = *e;
	mkname(n->name, nents - 1);
	n->insub = rnd(4) == 0 ? !e->insub : e->insub;
	path_of(n, to, sizeof(to));
	tcheck(ak_sys_rename(from, to) == 0, "rename %s to %s: %s", from, to,
	    strerror(errno));
	e->present = false;
	check_ent(e, "after rename (source)");
	check_ent(n, "after rename (target)");
}

/* Is directory PATH of IMG indexed (htree)?  -1 if debugfs fails. */
static int
indexed(const char *img, const char *path)
{
	char cmd[2048], line[512];
	FILE *f;
	int r = -1;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'stat %s' '%s' 2>/dev/null",
	    path, img);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned flags;

		if (sscanf(line, "Inode: %*u Type: %*s Mode: %*o Flags: %x",
		    &flags) == 1)
			r = (flags & 0x1000) != 0;
	}
	pclose(f);
	return r;
}

/* Make the source tree and the image; 0 if it worked. */
static int
make_image(const char *img, const char *mkfsopts, int n)
{
	char p[NAMEMAX + 1200];
	FILE *f;
	int i;

	if (tsh("rm -rf '%s/src' && mkdir -p '%s/src/big' && rm -f '%s'",
	    tdir, tdir, img) != 0)
		return -1;
	free(ents);
	if ((ents = calloc(MAXN, sizeof(*ents))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct ent *e = &ents[i];

		mkname(e->name, i);
		e->present = true;
		e->size = i % 97;
		snprintf(p, sizeof(p), "%s/src/big/%s", tdir, e->name);
		if ((f = fopen(p, "w")) == NULL)
			return -1;
		fprintf(f, "%.*s", (int)e->size, "0123456789abcdefghijklmnopqr"
		    "stuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abc"
		    "defghijklmnopqrstuvwxyz");
		fclose(f);
	}
	nents = n;
	return tsh("mke2fs -q -F %s -d '%s/src' '%s' 96M >/dev/null 2>&1",
	    mkfsopts, tdir, img);
}

static void
run_case(const char *label, const char *mkfsopts, int n, int nops)
{
	char img[1200], why[64];
	int i, k;

	snprintf(img, sizeof(img), "%s/%s.img", tdir, label);
	tc_prefix = label;
	if (make_image(img, mkfsopts, n) != 0) {
		tcheck(0, "mke2fs %s -d: failed", mkfsopts);
		return;
	}
	tcheck(indexed(img, "/big") == 0,
	    "/big of the mke2fs image is not a linear directory");
	if (ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(0, "mount %s: %s", img, strerror(errno));
		return;
	}
	tcheck(ak_sys_mkdir(SUB, 0755) == 0, "mkdir %s: %s", SUB,
	    strerror(errno));
	check_all("first lookups");
	/* SUB grows past a block, so it becomes indexed (htree). */
	for (i = 0; i < 150; i++)
		op_create(true);
	for (k = 0; k < nops; k++) {
		switch (rnd(8)) {
		case 0: case 1: case 2:
			op_create(rnd(5) == 0);
			break;
		case 3: case 4:
			op_remove();
			break;
		default:
			op_rename();
			break;
		}
		for (i = 0; i < 3; i++)
			check_ent(&ents[rnd((uint32_t)nents)], "random lookup");
		if (k % 1000 == 999) {
			snprintf(why, sizeof(why), "after %d changes", k + 1);
			check_all(why);
		}
	}
	check_all("after the changes");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
	tcheck(tsh("e2fsck -fn '%s' >'%s/fsck.out' 2>&1", img, tdir) == 0,
	    "e2fsck -fn after the changes: see %s/fsck.out", tdir);
	tcheck(indexed(img, "/big") == 0, "/big became indexed");
	tcheck(indexed(img, "/big/sub") == 1, "/big/sub is not indexed");
	/* A fresh mount builds the index again, from the disk. */
	if (ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) != 0) {
		tcheck(0, "remount %s: %s", img, strerror(errno));
		return;
	}
	check_all("read-only remount");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
	tc_prefix = NULL;
}

int
main(void)
{
	const char *t = getenv("AK_TESTDIR");
	int rc;

	if (t != NULL)
		rc = snprintf(tdir, sizeof(tdir), "%s/ext2_dirindex", t) < 0 ||
		    tsh("mkdir -p '%s'", tdir) != 0;
	else {
		snprintf(tdir, sizeof(tdir), "/tmp/ext2_dirindex.XXXXXX");
		rc = mkdtemp(tdir) == NULL;
	}
	if (rc != 0 || ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: setup: %s\n", strerror(errno));
		printf("ext2_dirindex: 0 passed, 1 failed\n");
		return 1;
	}
	if (tsh("command -v mke2fs && command -v e2fsck && command -v "
	    "debugfs >/dev/null") != 0) {
		printf("SKIP: ext2_dirindex (mke2fs, e2fsck or debugfs missing)\n");
	} else {
		/* ext4: 4 KiB blocks, metadata_csum, extents. */
		run_case("ext4", "-t ext4 -N 30000", 6000, 4000);
		/* ext2: 1 KiB blocks, no checksums, indirect blocks. */
		run_case("ext2", "-t ext2 -b 1024 -N 20000", 3000, 3000);
	}
	tcheck(ak_fini() == 0, "ak_fini: %s", strerror(errno));
	if (t == NULL)
		tsh("rm -rf '%s'", tdir);
	return tsummary("ext2_dirindex");
}
