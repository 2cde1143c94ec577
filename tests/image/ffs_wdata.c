/*
 * ffs_wdata.c: the FFS write half's allocation layer (fs/ffs ffs_balloc,
 * ffs_truncate, ffs_alloc, ffs_wsuper) through libak, on images made by
 * NetBSD's makefs: UFS1 and UFS2, both byte orders, block/fragment sizes
 * 4K/512 to 64K/8K, holding files that are opened read-write and:
 *
 *   grow     a small file across fragment -> full block -> indirect
 *   random   seeded random writes and truncations on a file
 *   sparse   writes deep in the double (and where cheap triple) indirect
 *            range, truncations down into and out of them
 *   trunc    down to fragments, up (a hole), writes into the hole
 *   enospc   a file grown until ENOSPC, then truncated to 0
 *
 * Every operation is done on a host-side model file too.  After each
 * scenario the image is unmounted and: (a) read back through libak and
 * compared with the model; (b) mounted with -o check (ffs_check: maps,
 * block ownership, link counts, summaries, frsum, cluster maps, the
 * summary array) which must find nothing; (c) read by The Sleuth Kit
 * (icat/istat: same bytes and sizes; for UFS2 a copy with the
 * superblock also at 256 KiB, where it looks); (d) its superblock parsed
 * here: clean, and fs_cstotal (and UFS1's old copy) equal to the sums of
 * the group headers and of the summary array.  Once, a damaged copy
 * (a free-map bit, a superblock count) must fail (b) and (d), an unclean
 * one or one with a bad group header the read-write mount; seeded damage
 * under writes must give errors, never a crash; and on a five-group
 * image new directories must spread and a file's blocks stay together.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"

#define MNT		"/fw"
#define NFILES		6
#define BIGCMP		(64ULL << 20)	/* compare whole files up to this */

struct cfg {
	int		 version;
	const char	*endian;
	uint32_t	 bsize, fsize;
};

static const struct cfg cfgs[] = {
	{ 1, "le", 4096, 512 },   { 2, "be", 4096, 512 },
	{ 2, "le", 8192, 1024 },  { 1, "be", 8192, 1024 },
	{ 1, "le", 16384, 2048 }, { 2, "be", 16384, 2048 },
	{ 2, "le", 32768, 4096 }, { 1, "be", 32768, 4096 },
	{ 1, "le", 65536, 8192 }, { 2, "be", 65536, 8192 },
};

static const char *const names[NFILES] = {
	"tail", "mid", "big", "sparse", "fill", "keep"
};

static char workdir[PATH_MAX];
static char img[PATH_MAX + 32];
static const struct cfg *cur;
static bool tsk_ok, tsk_viacopy;
static char tsk_img[PATH_MAX + 32];
static uint64_t rng;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
model_path(char *buf, size_t len, int i)
{
	snprintf(buf, len, "%s/model.%s", workdir, names[i]);
}

static int
model_open(int i)
{
	char p[PATH_MAX + 32];

	model_path(p, sizeof(p), i);
	return open(p, O_RDWR);
}

/*
 * Make the tree and the image of configuration c (density: an inode
 * table large enough to cover 256 KiB, see tsk_copy).
 */
static int
make_image(const struct cfg *c)
{
	char src[PATH_MAX + 32], p[PATH_MAX + 64], mp[PATH_MAX + 32];
	static const uint64_t sizes[NFILES] = { 1000, 0, 0, 1, 0, 20000 };
	uint64_t size;
	int i, rc;

	snprintf(src, sizeof(src), "%s/tree", workdir);
	tsh("rm -rf '%s' && mkdir -p '%s'", src, src);
	for (i = 0; i < NFILES; i++) {
		size = sizes[i];
		if (i == 1)
			size = 5 * c->bsize + 300;
		if (i == 2)
			size = 15 * (uint64_t)c->bsize + 17;
		snprintf(p, sizeof(p), "%s/%s", src, names[i]);
		tsh("head -c %llu /dev/urandom > '%s'",
		    (unsigned long long)size, p);
		model_path(mp, sizeof(mp), i);
		tsh("cp '%s' '%s'", p, mp);
	}
	snprintf(img, sizeof(img), "%s/w.img", workdir);
	unlink(img);
	rc = tsh("PATH=$PATH:/usr/sbin:/sbin makefs -t ffs -B %s "
	    "-o version=%d,bsize=%u,fsize=%u,density=4096 -s 12m '%s' '%s' "
	    ">/dev/null 2>&1", c->endian, c->version, c->bsize, c->fsize,
	    img, src);
	return rc;
}

/* ---- (d): the superblock and group headers, parsed here ---------- */

struct sbinfo {
	bool		 be, ufs2;
	uint8_t		 clean;
	int64_t		 cs[4], oldcs[4];
	int64_t		 cgsum[4], arraysum[4];
	bool		 newfields;
};

static uint32_t
g32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : (uint32_t)p[3] << 24 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t
g64(const uint8_t *p, bool be)
{
	return be ? (uint64_t)g32(p, be) << 32 | g32(p + 4, be) :
	    (uint64_t)g32(p + 4, be) << 32 | g32(p, be);
}

static int
sb_read(const char *path, struct sbinfo *si, off_t *sblocp)
{
	static const off_t locs[] = { 65536, 8192 };
	uint8_t sb[1376], cg[64], ent[16];
	uint32_t magic, ncg, fpg, cblkno, fsize, cgoff, cgmask, c;
	uint64_t start, csaddr;
	int fd, k;
	size_t i;

	memset(si, 0, sizeof(*si));
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		if (pread(fd, sb, sizeof(sb), locs[i]) != (ssize_t)sizeof(sb))
			continue;
		for (k = 0; k < 2; k++) {
			magic = g32(sb + 1372, k);
			/* A UFS2 one only where its fs_sblockloc says
			 * (64 KiB may hold group 0's backup). */
			if ((magic == 0x19540119 && g64(sb + 1000, k) ==
			    (uint64_t)locs[i]) || (magic == 0x00011954 &&
			    locs[i] == 8192)) {
				si->be = k;
				si->ufs2 = magic == 0x19540119;
				*sblocp = locs[i];
				goto found;
			}
		}
	}
	close(fd);
	return -1;
found:
	si->clean = sb[209];
	ncg = g32(sb + 44, si->be);
	fpg = g32(sb + 188, si->be);
	cblkno = g32(sb + 12, si->be);
	fsize = g32(sb + 52, si->be);
	cgoff = g32(sb + 24, si->be);
	cgmask = g32(sb + 28, si->be);
	si->newfields = si->ufs2 || g32(sb + 860, si->be) == g32(sb + 48,
	    si->be);
	csaddr = si->newfields ? g64(sb + 1096, si->be) : g32(sb + 152, si->be);
	for (k = 0; k < 4; k++) {
		si->cs[k] = (int64_t)g64(sb + 1008 + 8 * k, si->be);
		si->oldcs[k] = (int32_t)g32(sb + 192 + 4 * k, si->be);
	}
	for (c = 0; c < ncg && c < 100000; c++) {
		start = (uint64_t)c * fpg;
		if (!si->ufs2)
			start += (uint64_t)cgoff * (c & ~cgmask);
		if (pread(fd, cg, sizeof(cg), (off_t)((start + cblkno) *
		    fsize)) != (ssize_t)sizeof(cg) || pread(fd, ent,
		    sizeof(ent), (off_t)(csaddr * fsize + 16 * c)) !=
		    (ssize_t)sizeof(ent))
			break;
		for (k = 0; k < 4; k++) {
			si->cgsum[k] += (int32_t)g32(cg + 24 + 4 * k, si->be);
			si->arraysum[k] += (int32_t)g32(ent + 4 * k, si->be);
		}
	}
	close(fd);
	return c == ncg ? 0 : -1;
}

/* (d): clean, and the totals agree with the groups and the array. */
static bool
sb_consistent(const char *path, bool want_clean, char *why, size_t len)
{
	struct sbinfo si;
	off_t loc;
	int k;

	if (sb_read(path, &si, &loc) != 0) {
		snprintf(why, len, "superblock or groups unreadable");
		return false;
	}
	if ((si.clean == 1) != want_clean) {
		snprintf(why, len, "fs_clean %u", si.clean);
		return false;
	}
	for (k = 0; k < 4; k++) {
		if ((si.newfields && si.cs[k] != si.cgsum[k]) ||
		    (!si.ufs2 && si.oldcs[k] != si.cgsum[k]) ||
		    si.arraysum[k] != si.cgsum[k]) {
			snprintf(why, len, "count %d: superblock %lld (old "
			    "%lld), groups %lld, array %lld", k,
			    (long long)si.cs[k], (long long)si.oldcs[k],
			    (long long)si.cgsum[k], (long long)si.arraysum[k]);
			return false;
		}
	}
	return true;
}

/* ---- (a) and (c): contents against the model ---------------------- */

static char *
run_output(const char *cmd, size_t *lenp)
{
	FILE *f = popen(cmd, "r");
	size_t cap = 1 << 16, len = 0, n;
	char *buf;

	if (f == NULL || (buf = malloc(cap + 1)) == NULL) {
		if (f != NULL)
			pclose(f);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	if (pclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}

/* Compare ak file fd with model mfd over [off, off + len). */
static bool
cmp_range(int fd, int mfd, off_t off, size_t len)
{
	static char a[1 << 20], b[1 << 20];
	size_t n;

	while (len > 0) {
		n = len < sizeof(a) ? len : sizeof(a);
		if (ak_sys_pread(fd, a, n, off) != (ssize_t)n ||
		    pread(mfd, b, n, off) != (ssize_t)n || memcmp(a, b, n) != 0)
			return false;
		off += (off_t)n;
		len -= n;
	}
	return true;
}

/* (a) one file: size, and bytes (big sparse ones: the model's data and
 * samples of its holes). */
static void
verify_ak(int i, struct stat *stp)
{
	char p[64];
	struct stat mst;
	off_t d, h;
	int fd, mfd;
	bool ok = true;

	snprintf(p, sizeof(p), MNT "/%s", names[i]);
	mfd = model_open(i);
	fd = ak_sys_open(p, O_RDONLY);
	if (fd < 0 || mfd < 0 || ak_sys_fstat(fd, stp) != 0 ||
	    fstat(mfd, &mst) != 0) {
		tcheck(false, "%s: open %s: %s", img, p, strerror(errno));
		goto out;
	}
	tcheck(stp->st_size == mst.st_size, "%s: size %lld, model %lld", p,
	    (long long)stp->st_size, (long long)mst.st_size);
	if ((uint64_t)mst.st_size <= BIGCMP)
		ok = cmp_range(fd, mfd, 0, (size_t)mst.st_size);
	else
		for (d = 0; ok && (d = lseek(mfd, d, SEEK_DATA)) >= 0; d = h) {
			h = lseek(mfd, d, SEEK_HOLE);
			ok = cmp_range(fd, mfd, d, (size_t)(h - d)) &&
			    (h >= mst.st_size || cmp_range(fd, mfd, h,
			    (size_t)(mst.st_size - h < 8192 ?
			    mst.st_size - h : 8192)));
		}
	tcheck(ok, "%s: %s differs from the model", img, p);
out:
	if (fd >= 0)
		ak_sys_close(fd);
	if (mfd >= 0)
		close(mfd);
}

/*
 * The Sleuth Kit looks for UFS2 only at 64 and 256 KiB; makefs puts it
 * at 8 KiB.  A copy with the superblock also at 256 KiB (fs_sblockloc
 * naming it) is made for it when those bytes are zero (unused inodes):
 * 0 if made.
 */
static int
tsk_copy(void)
{
	uint8_t sb[1376], old[1376];
	int fd, i, k;

	snprintf(tsk_img, sizeof(tsk_img), "%s/tsk.img", workdir);
	if (tsh("cp '%s' '%s'", img, tsk_img) != 0 ||
	    (fd = open(tsk_img, O_RDWR)) < 0)
		return -1;
	if (pread(fd, sb, sizeof(sb), 8192) != (ssize_t)sizeof(sb) ||
	    pread(fd, old, sizeof(old), 262144) != (ssize_t)sizeof(old)) {
		close(fd);
		return -1;
	}
	for (i = 0; i < (int)sizeof(old) && old[i] == 0; i++)
		continue;
	for (k = 0; k < 8 && i == (int)sizeof(old); k++)
		sb[1000 + k] = (uint8_t)(262144ULL >> (cur->endian[0] == 'b' ?
		    56 - 8 * k : 8 * k));
	if (i < (int)sizeof(old) ||
	    pwrite(fd, sb, sizeof(sb), 262144) != (ssize_t)sizeof(sb)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* (c) one file through The Sleuth Kit. */
static void
verify_tsk(int i, const struct stat *st)
{
	char cmd[PATH_MAX + 128], mp[PATH_MAX + 32], *out, *s;
	size_t len;

	/* istat lists every block pointer: far too slow for huge holes. */
	if ((uint64_t)st->st_size > BIGCMP)
		return;
	snprintf(cmd, sizeof(cmd), "istat -f ufs%d '%s' %llu 2>/dev/null",
	    cur->version, tsk_img, (unsigned long long)st->st_ino);
	out = run_output(cmd, &len);
	s = out != NULL ? strstr(out, "\nsize: ") : NULL;
	tcheck(s != NULL && strtoll(s + 7, NULL, 10) == st->st_size,
	    "%s: istat %s: size %s", img, names[i], s != NULL ? s + 7 : "?");
	free(out);
	model_path(mp, sizeof(mp), i);
	tcheck(tsh("icat -f ufs%d '%s' %llu 2>/dev/null | cmp -s - '%s'",
	    cur->version, tsk_img, (unsigned long long)st->st_ino, mp) == 0,
	    "%s: icat %s differs from the model", img, names[i]);
}

/*
 * After a scenario: (d), then (b)+(a) in one checked mount, then (c) for
 * the files in mask (each TSK run costs a process).
 */
static void
verify(const char *scen, unsigned mask)
{
	struct stat st[NFILES];
	char why[256];
	int i;

	tc_prefix = scen;
	if (getenv("FFS_WDATA_TIME") != NULL) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stderr, "%ld.%03ld %s %s\n", (long)ts.tv_sec,
		    ts.tv_nsec / 1000000, scen, tc_prefix);
	}
	tcheck(sb_consistent(img, true, why, sizeof(why)),
	    "%s: after unmount: %s", img, why);
	if (ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, img, "check") != 0) {
		tcheck(false, "%s: mount -o check: %s", img, strerror(errno));
		return;
	}
	for (i = 0; i < NFILES; i++)
		verify_ak(i, &st[i]);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
	if (!tsk_ok)
		return;
	if (tsk_viacopy && tsk_copy() != 0) {
		tcheck(false, "%s: no copy for The Sleuth Kit", img);
		return;
	}
	for (i = 0; i < NFILES; i++)
		if (mask & (1U << i))
			verify_tsk(i, &st[i]);
}

/* ---- the scenarios --------------------------------------------------- */

/* Both files open read-write, both given the same operations. */
struct pair {
	int	 fd, mfd;
};

static bool
pair_open(int i, struct pair *pp)
{
	char p[64];

	snprintf(p, sizeof(p), MNT "/%s", names[i]);
	pp->fd = ak_sys_open(p, O_RDWR);
	pp->mfd = model_open(i);
	if (pp->fd < 0 || pp->mfd < 0) {
		tcheck(false, "%s: open %s: %s", img, p, strerror(errno));
		if (pp->fd >= 0)
			ak_sys_close(pp->fd);
		if (pp->mfd >= 0)
			close(pp->mfd);
		return false;
	}
	return true;
}

static void
pair_close(struct pair *pp)
{
	tcheck(ak_sys_close(pp->fd) == 0, "close: %s", strerror(errno));
	close(pp->mfd);
}

static char wbuf[1 << 20];

static bool
pair_write(struct pair *pp, off_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		wbuf[i] = (char)rnd();
	if (ak_sys_pwrite(pp->fd, wbuf, len, off) != (ssize_t)len) {
		tcheck(false, "%s: pwrite %zu at %lld: %s", img, len,
		    (long long)off, strerror(errno));
		return false;
	}
	return pwrite(pp->mfd, wbuf, len, off) == (ssize_t)len;
}

static bool
pair_trunc(struct pair *pp, off_t len)
{
	if (ak_sys_ftruncate(pp->fd, len) != 0) {
		tcheck(false, "%s: ftruncate %lld: %s", img, (long long)len,
		    strerror(errno));
		return false;
	}
	return ftruncate(pp->mfd, len) == 0;
}

static bool
mount_rw(void)
{
	char why[256];

	if (ak_sys_mount("ffs", MNT, 0, img, NULL) != 0) {
		tcheck(false, "%s: mount read-write: %s", img, strerror(errno));
		return false;
	}
	/* The clean flag is cleared on disk while mounted. */
	tcheck(sb_consistent(img, false, why, sizeof(why)), "%s: mounted: %s",
	    img, why);
	return true;
}

static void
unmount(void)
{
	tcheck(ak_sys_unmount(MNT, 0) == 0, "%s: unmount: %s", img,
	    strerror(errno));
}

/* A small file across fragment -> full block -> more -> indirect. */
static void
sc_grow(void)
{
	struct pair p;
	uint32_t b = cur->bsize, f = cur->fsize;

	if (!mount_rw())
		return;
	if (pair_open(0, &p)) {
		(void)(pair_write(&p, 1000, f - 1) &&
		    pair_write(&p, 1000 + f - 1, 2 * f) &&
		    pair_write(&p, 1000 + 3 * f, b) &&
		    pair_write(&p, 3 * (off_t)b - 7, 100) &&
		    pair_write(&p, 3 * (off_t)b + 93, 11 * (size_t)b));
		pair_close(&p);
	}
	unmount();
	verify("grow", 1U << 0);
}

/* Seeded random writes and truncations. */
static void
sc_random(void)
{
	struct pair p;
	off_t span = 24 * (off_t)cur->bsize, off;
	size_t len;
	int n;

	if (!mount_rw())
		return;
	if (pair_open(1, &p)) {
		for (n = 0; n < 60; n++) {
			off = (off_t)(rnd() % (uint64_t)span);
			if (rnd() % 8 == 0) {
				if (!pair_trunc(&p, off))
					break;
				continue;
			}
			len = 1 + (size_t)(rnd() % (3 * cur->bsize));
			if (!pair_write(&p, off, len))
				break;
		}
		pair_close(&p);
	}
	unmount();
	verify("random", 1U << 1);
}

/* Deep in the double and (if cheap) triple indirect ranges. */
static void
sc_sparse(void)
{
	uint64_t nindir = cur->bsize / (cur->version == 2 ? 8 : 4);
	uint64_t dbl = (12 + nindir + 7) * cur->bsize + 5;
	uint64_t tri = (12 + nindir + nindir * nindir + 3) * cur->bsize + 9;
	struct pair p;

	if (!mount_rw())
		return;
	if (pair_open(3, &p)) {
		(void)(pair_write(&p, (off_t)dbl, 100) &&
		    pair_write(&p, (off_t)(dbl + nindir * cur->bsize), 3000) &&
		    (tri > (64ULL << 30) || pair_write(&p, (off_t)tri, 5000)));
		pair_close(&p);
	}
	unmount();
	verify("sparse", 1U << 3);
	/* Down into the single indirect range, up again, then fragments. */
	if (!mount_rw())
		return;
	if (pair_open(3, &p)) {
		(void)(pair_trunc(&p, (off_t)(14 * cur->bsize + 77)) &&
		    pair_trunc(&p, (off_t)(dbl + 2 * cur->bsize)) &&
		    pair_write(&p, (off_t)(13 * cur->bsize), 2 * cur->bsize) &&
		    pair_trunc(&p, (off_t)(3 * cur->bsize + 1)));
		pair_close(&p);
	}
	unmount();
	verify("sparse-trunc", 1U << 3);
}

/* Down to fragments, up with a hole, writes into the hole. */
static void
sc_trunc(void)
{
	struct pair p;
	uint32_t b = cur->bsize, f = cur->fsize;

	if (!mount_rw())
		return;
	if (pair_open(2, &p)) {
		(void)(pair_trunc(&p, 2 * (off_t)f + f / 2) &&
		    pair_trunc(&p, 7 * (off_t)b + 3) &&
		    pair_write(&p, 5 * (off_t)b - 1, 2) &&
		    pair_trunc(&p, 12 * (off_t)b + 1) &&
		    pair_trunc(&p, 12 * (off_t)b) &&
		    pair_trunc(&p, 11 * (off_t)b + 1) &&
		    pair_write(&p, 30 * (off_t)b, f) &&
		    pair_trunc(&p, 29 * (off_t)b));
		pair_close(&p);
	}
	unmount();
	verify("trunc", 1U << 2);
}

/* Grow a file until ENOSPC, check, then free it all again. */
static void
sc_enospc(void)
{
	struct statvfs before, full, after;
	struct pair p;
	off_t off = 0;
	ssize_t n;
	size_t i;
	int err = 0;

	if (!mount_rw())
		return;
	tcheck(ak_sys_statvfs(MNT, &before) == 0, "statvfs");
	if (pair_open(4, &p)) {
		for (i = 0; i < sizeof(wbuf); i++)
			wbuf[i] = (char)rnd();
		for (;;) {
			n = ak_sys_pwrite(p.fd, wbuf, sizeof(wbuf), off);
			if (n < 0) {
				err = errno;
				break;
			}
			if (pwrite(p.mfd, wbuf, (size_t)n, off) != n)
				break;
			off += n;
			if (n < (ssize_t)sizeof(wbuf)) {
				err = ENOSPC;
				break;
			}
		}
		tcheck(err == ENOSPC, "%s: filling: %s after %lld bytes", img,
		    strerror(err), (long long)off);
		tcheck(ak_sys_statvfs(MNT, &full) == 0 &&
		    full.f_bfree * full.f_frsize < 2 * (uint64_t)cur->bsize,
		    "%s: full but %llu fragments free", img,
		    (unsigned long long)full.f_bfree);
		/* Whatever the size says was written must be there. */
		{
			struct stat st;

			tcheck(ak_sys_fstat(p.fd, &st) == 0 && ftruncate(p.mfd,
			    st.st_size) == 0, "fstat");
		}
		pair_close(&p);
	}
	unmount();
	verify("enospc-full", 1U << 4);
	if (!mount_rw())
		return;
	if (pair_open(4, &p)) {
		(void)pair_trunc(&p, 0);
		pair_close(&p);
	}
	tcheck(ak_sys_statvfs(MNT, &after) == 0 &&
	    after.f_bfree == before.f_bfree && after.f_ffree == before.f_ffree,
	    "%s: free %llu/%llu after the fill was freed, %llu/%llu before",
	    img, (unsigned long long)after.f_bfree,
	    (unsigned long long)after.f_ffree,
	    (unsigned long long)before.f_bfree,
	    (unsigned long long)before.f_ffree);
	unmount();
	verify("enospc-freed", ~0U);
}

/* Once: a damaged copy must fail the checker (b) and our parse (d). */
static void
sc_damage(void)
{
	char bad[PATH_MAX + 32], why[256];
	struct sbinfo si;
	uint8_t byte;
	off_t loc;
	int fd;

	tc_prefix = "damage";
	snprintf(bad, sizeof(bad), "%s/bad.img", workdir);
	if (tsh("cp '%s' '%s'", img, bad) != 0 ||
	    sb_read(bad, &si, &loc) != 0 || (fd = open(bad, O_RDWR)) < 0) {
		tcheck(false, "damage: set-up");
		return;
	}
	/* The superblock's free block count, one more. */
	(void)pread(fd, &byte, 1, loc + 1008 + 8 + (si.be ? 7 : 0));
	byte ^= 1;
	(void)pwrite(fd, &byte, 1, loc + 1008 + 8 + (si.be ? 7 : 0));
	(void)pread(fd, &byte, 1, loc + 192 + 4 + (si.be ? 3 : 0));
	byte ^= 1;
	(void)pwrite(fd, &byte, 1, loc + 192 + 4 + (si.be ? 3 : 0));
	close(fd);
	tcheck(!sb_consistent(bad, true, why, sizeof(why)),
	    "a wrong superblock count is not seen by the host check");
	errno = 0;
	tcheck(ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, bad, "check") != 0,
	    "ffs_check accepts a wrong superblock count");
	/* A bit of the first group's free map (its first data fragment). */
	tsh("cp '%s' '%s'", img, bad);
	if (ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, bad, NULL) == 0)
		ak_sys_unmount(MNT, 0);
	if ((fd = open(bad, O_RDWR)) >= 0) {
		uint8_t sb[1376], cg[256];
		uint32_t cblk, fsz, dblk, freeoff;

		(void)pread(fd, sb, sizeof(sb), loc);
		cblk = g32(sb + 12, si.be);
		dblk = g32(sb + 20, si.be);
		fsz = g32(sb + 52, si.be);
		(void)pread(fd, cg, sizeof(cg), (off_t)cblk * fsz);
		freeoff = g32(cg + 96, si.be);
		(void)pread(fd, &byte, 1, (off_t)cblk * fsz + freeoff +
		    dblk / 8);
		byte ^= (uint8_t)(1U << (dblk % 8));
		(void)pwrite(fd, &byte, 1, (off_t)cblk * fsz + freeoff +
		    dblk / 8);
		close(fd);
	}
	tcheck(ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, bad, "check") != 0,
	    "ffs_check accepts a flipped free-map bit");
	/* A read-write mount of an image marked not clean is refused. */
	if ((fd = open(bad, O_RDWR)) >= 0) {
		byte = 0;
		(void)pwrite(fd, &byte, 1, loc + 209);
		close(fd);
	}
	tcheck(ak_sys_mount("ffs", MNT, 0, bad, NULL) != 0 && errno == EROFS,
	    "a read-write mount of an unclean image: %s", strerror(errno));
	/* A group header with a bad magic: no read-write mount. */
	tsh("cp '%s' '%s'", img, bad);
	if ((fd = open(bad, O_RDWR)) >= 0) {
		uint8_t sb[64];
		uint32_t cblk, fsz;

		(void)pread(fd, sb, sizeof(sb), loc);
		cblk = g32(sb + 12, si.be);
		fsz = g32(sb + 52, si.be);
		byte = 0x5a;
		(void)pwrite(fd, &byte, 1, (off_t)cblk * fsz + 5);
		close(fd);
	}
	errno = 0;
	tcheck(ak_sys_mount("ffs", MNT, 0, bad, NULL) != 0 &&
	    errno == EUCLEAN, "a read-write mount with a bad group header: "
	    "%s", strerror(errno));
	unlink(bad);
}

/* The fragment numbers istat lists for an inode's data (UFS1). */
static int
istat_frags(const char *path, uint64_t ino, uint64_t *frags, int max)
{
	char cmd[PATH_MAX + 128], *out, *s, *end;
	size_t len;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "istat -f ufs1 '%s' %llu 2>/dev/null",
	    path, (unsigned long long)ino);
	if ((out = run_output(cmd, &len)) == NULL)
		return -1;
	if ((s = strstr(out, "Direct Blocks:")) != NULL)
		s += 14;
	while (s != NULL && n < max) {
		unsigned long long v = strtoull(s, &end, 10);

		if (end == s)
			break;
		frags[n++] = v;
		s = end;
	}
	free(out);
	return n;
}

/*
 * Once, on a UFS1 image of five groups: new directories spread over the
 * groups (dirpref); a file made in one lands in its group, its blocks
 * contiguous there.  Needs the name layer (mkdir, create).
 */
static void
sc_spread(void)
{
	uint64_t frags[4096], cgs = 0, fpg, ipg = 0, cg;
	struct stat st;
	char p[64], why[256];
	int i, fd, n, ncgs = 0, runs = 0;

	tc_prefix = "spread";
	snprintf(img, sizeof(img), "%s/spread.img", workdir);
	unlink(img);
	if (tsh("PATH=$PATH:/usr/sbin:/sbin makefs -t ffs -o version=1,"
	    "bsize=4096,fsize=512 -s 64m '%s' '%s/tree' >/dev/null 2>&1",
	    img, workdir) != 0 || ak_sys_mount("ffs", MNT, 0, img, NULL) != 0) {
		tcheck(false, "spread: set-up: %s", strerror(errno));
		return;
	}
	fpg = 0;
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), MNT "/s%d", i);
		if (ak_sys_mkdir(p, 0755) != 0 || ak_sys_stat(p, &st) != 0) {
			tcheck(false, "spread: mkdir %s: %s", p,
			    strerror(errno));
			break;
		}
		if (ipg == 0) {
			struct sbinfo si;
			off_t loc;
			uint8_t sb[256];
			int sfd = open(img, O_RDONLY);

			(void)sb_read(img, &si, &loc);
			if (sfd >= 0) {
				(void)pread(sfd, sb, sizeof(sb), loc);
				ipg = g32(sb + 184, si.be);
				fpg = g32(sb + 188, si.be);
				close(sfd);
			}
		}
		cg = ipg != 0 ? (uint64_t)st.st_ino / ipg : 0;
		if (cg < 64 && !(cgs & (1ULL << cg))) {
			cgs |= 1ULL << cg;
			ncgs++;
		}
	}
	tcheck(ncgs == 4, "spread: 4 directories in %d groups", ncgs);
	fd = ak_sys_open(MNT "/s2/file", O_CREAT | O_RDWR, 0644);
	for (i = 0; i < 1 << 20; i++)
		wbuf[i] = (char)i;
	tcheck(fd >= 0 && ak_sys_write(fd, wbuf, 40 * 4096) == 40 * 4096 &&
	    ak_sys_fstat(fd, &st) == 0, "spread: write: %s", strerror(errno));
	if (fd >= 0)
		ak_sys_close(fd);
	tcheck(ak_sys_stat(MNT "/s2", &st) == 0, "stat");
	cg = ipg != 0 ? (uint64_t)st.st_ino / ipg : 0;
	fd = ak_sys_open(MNT "/s2/file", O_RDONLY);
	tcheck(fd >= 0 && ak_sys_fstat(fd, &st) == 0 &&
	    st.st_ino / (ipg != 0 ? ipg : 1) == cg,
	    "spread: the file's inode is not in its directory's group %llu",
	    (unsigned long long)cg);
	if (fd >= 0)
		ak_sys_close(fd);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	tcheck(sb_consistent(img, true, why, sizeof(why)), "spread: %s", why);
	tcheck(ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, img, "check") == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "spread: check: %s",
	    strerror(errno));
	if (tsh("command -v istat >/dev/null 2>&1") != 0)
		return;
	/*
	 * Ascending in the group; a few breaks are right: the directory's
	 * own fragments lie near the group's start, and the single
	 * indirect block sits between blocks 11 and 12.
	 */
	n = istat_frags(img, (uint64_t)st.st_ino, frags, 4096);
	for (i = 1; i < n; i++) {
		runs += frags[i] != frags[i - 1] + 1;
		if (frags[i] < frags[i - 1] || (fpg != 0 &&
		    frags[i] / fpg != cg))
			runs += 100;
	}
	tcheck(n == 40 * 8 && runs <= 3 && fpg != 0 && frags[0] / fpg == cg,
	    "spread: %d fragments in %d extra runs, first %llu (group %llu, "
	    "want %llu)", n, runs, n > 0 ? (unsigned long long)frags[0] : 0,
	    fpg != 0 && n > 0 ? (unsigned long long)(frags[0] / fpg) : 0,
	    (unsigned long long)cg);
}

/*
 * Seeded damage to the group header, inode table and first data blocks
 * (the superblock left alone so that the mount gets that far), then the
 * write paths on every file: any error is fine, a crash (or a sanitizer
 * report) is not; the mount must also go away cleanly.
 */
static void
sc_hostile(void)
{
	char bad[PATH_MAX + 32], p[64];
	uint8_t sb[64], byte;
	uint32_t dblk, fsz;
	uint64_t span;
	struct sbinfo si;
	int it, k, fd, i, mounted = 0, unmounted = 0, iters = 25;
	off_t loc, off;

	/* FFS_WDATA_HOSTILE=N: more rounds, for a longer hunt by hand. */
	if (getenv("FFS_WDATA_HOSTILE") != NULL)
		iters = atoi(getenv("FFS_WDATA_HOSTILE"));
	tc_prefix = "hostile";
	snprintf(bad, sizeof(bad), "%s/hostile.img", workdir);
	if (sb_read(img, &si, &loc) != 0 || (fd = open(img, O_RDONLY)) < 0)
		return;
	(void)pread(fd, sb, sizeof(sb), loc);
	close(fd);
	dblk = g32(sb + 20, si.be);
	fsz = g32(sb + 52, si.be);
	span = (uint64_t)dblk * fsz + 16 * (uint64_t)cur->bsize;
	for (it = 0; it < iters; it++) {
		if (tsh("cp '%s' '%s'", img, bad) != 0 ||
		    (fd = open(bad, O_RDWR)) < 0)
			break;
		for (k = 0; k < 12; k++) {
			off = (off_t)(rnd() % span);
			if (off >= loc - 512 && off < loc + 8192)
				continue;
			byte = (uint8_t)rnd();
			(void)pwrite(fd, &byte, 1, off);
		}
		close(fd);
		if (ak_sys_mount("ffs", MNT, 0, bad, NULL) != 0)
			continue;
		mounted++;
		for (i = 0; i < NFILES; i++) {
			snprintf(p, sizeof(p), MNT "/%s", names[i]);
			if ((fd = ak_sys_open(p, O_RDWR)) < 0)
				continue;
			(void)ak_sys_pwrite(fd, wbuf, 3 * cur->bsize,
			    (off_t)(rnd() % (20 * (uint64_t)cur->bsize)));
			(void)ak_sys_ftruncate(fd, (off_t)(rnd() %
			    (16 * (uint64_t)cur->bsize)));
			(void)ak_sys_pwrite(fd, wbuf, 100,
			    (off_t)(rnd() % (600 * (uint64_t)cur->bsize)));
			(void)ak_sys_fsync(fd);
			ak_sys_close(fd);
		}
		(void)ak_sys_unmount(MNT, 0);
		unmounted += ak_sys_unmount(MNT, 0) != 0;
	}
	unlink(bad);
	tcheck(mounted > 0 && unmounted == mounted, "hostile: %d of %d "
	    "damaged images mounted, %d unmounted", mounted, iters,
	    unmounted);
}

static void
run_cfg(const struct cfg *c, int idx)
{
	char why[256], name[64];

	cur = c;
	snprintf(name, sizeof(name), "ufs%d-%s-%u/%u", c->version, c->endian,
	    c->bsize, c->fsize);
	tc_prefix = name;
	rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(idx + 1);
	if (make_image(c) != 0) {
		tcheck(false, "%s: makefs failed", name);
		return;
	}
	tcheck(sb_consistent(img, true, why, sizeof(why)),
	    "%s: makefs's image: %s", name, why);
	snprintf(tsk_img, sizeof(tsk_img), "%s", img);
	tsk_viacopy = false;
	tsk_ok = tsh("istat -f ufs%d '%s' 2 >/dev/null 2>&1", c->version,
	    img) == 0;
	if (!tsk_ok && c->version == 2 && tsk_copy() == 0 &&
	    tsh("istat -f ufs2 '%s' 2 >/dev/null 2>&1", tsk_img) == 0)
		tsk_ok = tsk_viacopy = true;
	else if (!tsk_ok)
		snprintf(tsk_img, sizeof(tsk_img), "%s", img);
	if (!tsk_ok)
		printf("SKIP: %s: The Sleuth Kit oracle (it does not find "
		    "this UFS%d superblock, and 256 KiB is in use)\n", name,
		    c->version);
	sc_grow();
	sc_random();
	sc_sparse();
	sc_trunc();
	sc_enospc();
	if (idx == 0)
		sc_damage();
	if (idx < 2)
		sc_hostile();
}

int
main(void)
{
	const char *base = getenv("AK_TESTDIR");
	char tmpl[] = "/tmp/ffs_wdata.XXXXXX";
	size_t i;

	alarm(600);
	if (tsh("PATH=$PATH:/usr/sbin:/sbin command -v makefs >/dev/null 2>&1")
	    != 0) {
		printf("SKIP: ffs_wdata (makefs is not installed)\n");
		return tsummary("ffs_wdata");
	}
	if (base != NULL)
		snprintf(workdir, sizeof(workdir), "%s/ffs_wdata", base);
	else if (mkdtemp(tmpl) != NULL)
		snprintf(workdir, sizeof(workdir), "%s", tmpl);
	if (workdir[0] == '\0' || tsh("mkdir -p '%s'", workdir) != 0 ||
	    ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: ffs_wdata: set-up\n");
		return 1;
	}
	if (tsh("command -v icat >/dev/null 2>&1") != 0)
		printf("SKIP: The Sleuth Kit oracle (icat is not installed)\n");
	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++)
		run_cfg(&cfgs[i], (int)i);
	sc_spread();
	tc_prefix = NULL;
	tsh("rm -rf '%s'", workdir);
	return tsummary("ffs_wdata");
}
