/*
 * sqfs_read.c: the squashfs driver read back against the reference
 * tools.
 *
 * tests/image/mksqfs.sh builds a source tree and images of it with
 * mksquashfs: each compressor (gzip, xz, lzo, lz4, zstd, legacy lzma),
 * -all-root, -no-fragments, -always-use-fragments, 4 KiB and 1 MiB
 * blocks, no xattrs, uncompressed, and a 50,000-entry directory twice.
 * Each image is mounted through libak and walked next to the tree (the
 * oracle is the tree itself, read through the host's C library): names,
 * d_type, modes, owners (0 with -all-root), sizes, mtimes, link counts,
 * hard links sharing an inode number, device numbers, symlink targets,
 * every byte of every file (read in whole and at odd offsets and
 * lengths), and xattrs.  The `unsquashfs -lln` listing of each image is
 * a second oracle: every line must match our lstat of that path.
 *
 * In the big directory, lookups of present and absent names (going
 * through the directory index) and a full readdir are checked.  SEEK_DATA
 * and SEEK_HOLE must find the sparse blocks; four threads reading the
 * same files at once (with read-ahead threads on: AK_NCPU=3 unless set)
 * must all read the tree's bytes.
 *
 * Then corruption (sqfs_corrupt.c): superblock fields set to bad values
 * must make the mount fail; seeded random byte changes over the tables of
 * a compressed and an uncompressed image (where they hit the raw inode and directory
 * records directly) must give errors or wrong data but never a crash or
 * a hang (an alarm kills a hung run; make check-asan runs this under
 * ASan/UBSan).
 *
 * SQFS_IMGDIR=DIR reuses images built before by mksqfs.sh DIR.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/sqfs_test.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

#define BIGDIR_N	50000

char outdir[1024];
char *hbuf, *kbuf;

/* What treecmp leaves to squashfs: the extended attributes. */
static void
cmp_more(const char *hpath, const char *kpath, const struct stat *hs,
    const struct stat *ks, void *arg)
{
	/*
	 * user. and trusted. names come from mksqfs.sh; security.* may come
	 * from the host's security modules, and is left out.
	 */
	static const char *const prefixes[] = { "user.", "trusted.", NULL };

	tcmp_xattrs(hpath, kpath, prefixes, false);
}

/*
 * What is compared with the tree: names, d_type, d_ino, modes, owners
 * (0 with -all-root), mtimes, link counts, sizes, device numbers,
 * symlink targets, every byte (whole and at odd offsets), and xattrs.
 */
static struct tcmp_opts
cmp_opts(bool allroot, bool xattrs)
{
	static const off_t offs[] = { 1, 4095, 4096, 4097, 131071, 131073,
	    1048575, 41943039, 41943040, -1 };
	struct tcmp_opts o = {
		.flags = TCMP_DOTS | TCMP_DTYPE | TCMP_DINO | TCMP_PERMS |
		    TCMP_OWNER | TCMP_MTIME | TCMP_NLINK | TCMP_DIRNLINK |
		    TCMP_RDEV | TCMP_SYMLINK | TCMP_DATA | TCMP_EOF |
		    (allroot ? TCMP_ROOTOWNED : 0),
		.offs = offs,
		.entry = xattrs ? cmp_more : NULL,
	};

	return o;
}

/* "drwxr-xr-x" for a mode. */
static void
mode_string(mode_t m, char *s)
{
	static const char types[] = "?pc?d?b?-?l?s???";
	static const char rwx[] = "rwxrwxrwx";
	int i;

	s[0] = types[(m >> 12) & 0xF];
	for (i = 0; i < 9; i++)
		s[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
	if (m & S_ISUID)
		s[3] = (m & 0100) ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = (m & 0010) ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = (m & 0001) ? 't' : 'T';
	s[10] = '\0';
}

/*
 * The second oracle: each line of `unsquashfs -lln -d /r` ("MODE UID/GID
 * SIZE|MAJ,MIN DATE TIME /r/PATH[ -> TARGET]") against our lstat.
 */
static void
compare_lls(const char *img)
{
	char path[2048], line[4096], mstr[16], owner[64], sz[64], date[32];
	char tm[16], name[2048], want[16], kpath[PATH_MAX + 8], when[32];
	unsigned uid, gid;
	struct stat ks;
	struct tm t;
	FILE *f;
	int lines = 0, bad = 0;
	char *arrow;

	snprintf(path, sizeof(path), "%s/%s.lls", outdir, img);
	if ((f = fopen(path, "r")) == NULL) {
		tcheck(false, "%s: %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((arrow = strstr(line, " -> ")) != NULL)
			*arrow = '\0';
		if (sscanf(line, "%15s %63s %63s %31s %15s %2047s", mstr, owner,
		    sz, date, tm, name) != 6 || strncmp(name, "/r", 2) != 0)
			continue;
		/* A device "MAJ, MIN" takes two fields. */
		if (sz[strlen(sz) - 1] == ',' && sscanf(line, "%15s %63s "
		    "%63s %*s %31s %15s %2047s", mstr, owner, sz, date, tm,
		    name) != 6)
			continue;
		lines++;
		snprintf(kpath, sizeof(kpath), MNT "%s", name + 2);
		if (ak_sys_lstat(kpath, &ks) != 0) {
			bad++;
			tcheck(false, "lls: %s: %s", kpath, strerror(errno));
			continue;
		}
		mode_string(ks.st_mode, want);
		sscanf(owner, "%u/%u", &uid, &gid);
		gmtime_r(&ks.st_mtime, &t);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &t);
		snprintf(path, sizeof(path), "%s %s", date, tm);
		if (strcmp(mstr, want) != 0 || uid != ks.st_uid ||
		    gid != ks.st_gid || strcmp(path, when) != 0 ||
		    ((S_ISREG(ks.st_mode) || S_ISLNK(ks.st_mode)) &&
		    strtoll(sz, NULL, 10) != ks.st_size)) {
			bad++;
			tcheck(false, "lls: %s: %s %s %s %s, ak %s %u/%u "
			    "%lld %s", kpath, mstr, owner, sz, path, want, ks.st_uid,
			    ks.st_gid, (long long)ks.st_size, when);
		}
	}
	fclose(f);
	tcheck(lines > 10, "lls: only %d lines in the listing", lines);
	if (bad == 0)
		tcheck(true, "lls: %s", img);
}

int
mount_img(const char *img)
{
	char path[2048];

	snprintf(path, sizeof(path), "%s/%s", outdir, img);
	if (ak_sys_mount("squashfs", MNT, AK_MNT_RDONLY, path, NULL) != 0)
		return errno;
	return 0;
}

/* Hard links share an inode; writes are refused; reads of dirs fail. */
static void
test_misc(void)
{
	struct stat a;
	char buf[16];
	int fd;

	tcheck(tcmp_same_inode(MNT "/hard_a", MNT "/hard_b") &&
	    tcmp_same_inode(MNT "/hard_a", MNT "/sub/hard_c") &&
	    ak_sys_lstat(MNT "/hard_a", &a) == 0 && a.st_nlink == 3,
	    "hard links do not share an inode");
	fd = ak_sys_open(MNT "/newfile", O_CREAT | O_WRONLY, 0644);
	tcheck(fd < 0 && errno == EROFS, "create on squashfs: %s",
	    strerror(errno));
	tcheck(ak_sys_mkdir(MNT "/newdir", 0755) < 0 && errno == EROFS,
	    "mkdir on squashfs: %s", strerror(errno));
	fd = ak_sys_open(MNT "/sub", O_RDONLY);
	tcheck(fd >= 0 && ak_sys_read(fd, buf, sizeof(buf)) < 0 &&
	    errno == EISDIR, "read of a directory: %s", strerror(errno));
	if (fd >= 0)
		ak_sys_close(fd);
	tcheck(ak_sys_lstat(MNT "/sub/deeper/deepest/../../inner", &a) == 0 &&
	    S_ISREG(a.st_mode), "lookup through ..: %s", strerror(errno));
	tcheck(ak_sys_lstat(MNT "/link_dir/deepest/bottom.txt", &a) == 0 &&
	    a.st_size == 42, "lookup through a symlink: %s",
	    strerror(errno));
	tcheck(ak_sys_lstat(MNT "/no_such_file", &a) < 0 && errno == ENOENT,
	    "absent name: %s", strerror(errno));
	tcheck(ak_sys_lstat(MNT "/hundred/x", &a) < 0 && errno == ENOTDIR,
	    "lookup under a file: %s", strerror(errno));
}

/* Holes of /sparse (3000 bytes, hole, 5000 bytes at 40 MiB); statvfs. */
static void
test_seek(const char *img)
{
	const off_t d2 = 41943040, size = 50000000;
	char path[2048];
	uint8_t sb[16];
	struct statvfs sv;
	off_t bs, h2, r;
	int fd, kfd;

	snprintf(path, sizeof(path), "%s/%s", outdir, img);
	if ((fd = open(path, O_RDONLY)) < 0 || pread(fd, sb, 16, 0) != 16) {
		tcheck(false, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	bs = sb[12] | sb[13] << 8 | sb[14] << 16 | (off_t)sb[15] << 24;
	h2 = (d2 + 5000 + bs - 1) / bs * bs;
	if ((kfd = ak_sys_open(MNT "/sparse", O_RDONLY)) < 0) {
		tcheck(false, "open /sparse: %s", strerror(errno));
		return;
	}
	r = ak_sys_lseek(kfd, 0, SEEK_DATA);
	tcheck(r == 0, "SEEK_DATA 0: %lld", (long long)r);
	r = ak_sys_lseek(kfd, 2999, SEEK_DATA);
	tcheck(r == 2999, "SEEK_DATA 2999: %lld", (long long)r);
	r = ak_sys_lseek(kfd, 0, SEEK_HOLE);
	tcheck(r == bs, "SEEK_HOLE 0: %lld, want %lld", (long long)r,
	    (long long)bs);
	r = ak_sys_lseek(kfd, bs, SEEK_DATA);
	tcheck(r == d2, "SEEK_DATA %lld: %lld", (long long)bs, (long long)r);
	r = ak_sys_lseek(kfd, d2 + 1, SEEK_HOLE);
	tcheck(r == h2, "SEEK_HOLE %lld: %lld, want %lld", (long long)d2 + 1,
	    (long long)r, (long long)h2);
	r = ak_sys_lseek(kfd, h2 + 7, SEEK_HOLE);
	tcheck(r == h2 + 7, "SEEK_HOLE in a hole: %lld", (long long)r);
	r = ak_sys_lseek(kfd, size, SEEK_DATA);
	tcheck(r < 0 && errno == ENXIO, "SEEK_DATA at EOF: %lld",
	    (long long)r);
	r = ak_sys_lseek(kfd, size, SEEK_HOLE);
	tcheck(r < 0 && errno == ENXIO, "SEEK_HOLE at EOF: %lld",
	    (long long)r);
	ak_sys_close(kfd);

	/* statvfs from the superblock: block size, inodes, nothing free. */
	tcheck(ak_sys_statvfs(MNT, &sv) == 0 && (off_t)sv.f_bsize == bs &&
	    sv.f_files == (fsfilcnt_t)(sb[4] | sb[5] << 8 | sb[6] << 16 |
	    (uint32_t)sb[7] << 24) && sv.f_bfree == 0 && sv.f_ffree == 0,
	    "statvfs: bsize %lu files %llu", (unsigned long)sv.f_bsize,
	    (unsigned long long)sv.f_files);
}

/* A reader thread: whole files through libak against the tree. */
struct reader {
	const char	*r_files[4];	/* names under MNT and the tree */
	int		 r_bad;		/* [out] mismatches */
};

static void *
reader_thread(void *p)
{
	struct reader *r = p;
	char hp[2048], kp[PATH_MAX];
	char *hb = malloc(65536), *kb = malloc(65536);
	ssize_t hn, kn;
	off_t off;
	int i, hfd, kfd, round;

	for (round = 0; round < 3 && hb != NULL && kb != NULL; round++) {
		for (i = 0; i < 4 && r->r_files[i] != NULL; i++) {
			snprintf(hp, sizeof(hp), "%s/tree/%s", outdir,
			    r->r_files[i]);
			snprintf(kp, sizeof(kp), MNT "/%s", r->r_files[i]);
			hfd = open(hp, O_RDONLY);
			kfd = ak_sys_open(kp, O_RDONLY);
			for (off = 0; hfd >= 0 && kfd >= 0; off += hn) {
				hn = pread(hfd, hb, 65536 - 4096 * i, off);
				kn = ak_sys_pread(kfd, kb, 65536 - 4096 * i,
				    off);
				if (hn != kn || (hn > 0 &&
				    memcmp(hb, kb, hn) != 0)) {
					r->r_bad++;
					break;
				}
				if (hn <= 0)
					break;
			}
			if (hfd < 0 || kfd < 0)
				r->r_bad++;
			if (hfd >= 0)
				close(hfd);
			if (kfd >= 0)
				ak_sys_close(kfd);
		}
	}
	free(hb);
	free(kb);
	return NULL;
}

/* Several threads reading at once share the block caches. */
static void
test_threads(void)
{
	struct reader r[4] = {
		{ { "big_random", "big_text", "r_131073", NULL }, 0 },
		{ { "big_text", "big_random", "sub/inner", NULL }, 0 },
		{ { "r_1048577", "z_1048577", "big_text", NULL }, 0 },
		{ { "z_131073", "big_random", "hundred", "r_4097" }, 0 },
	};
	pthread_t th[4];
	int i, ok[4];

	for (i = 0; i < 4; i++)
		ok[i] = pthread_create(&th[i], NULL, reader_thread, &r[i]) == 0;
	for (i = 0; i < 4; i++) {
		if (ok[i])
			pthread_join(th[i], NULL);
		tcheck(ok[i] && r[i].r_bad == 0, "reader thread %d: %d bad "
		    "reads", i, r[i].r_bad);
	}
}

static void
test_image(const char *img, bool allroot, bool xattrs)
{
	struct tcmp_opts o;
	char tree[2048];
	int error;

	tc_prefix = img;
	if ((error = mount_img(img)) != 0) {
		tcheck(false, "mount: %s", strerror(error));
		return;
	}
	tcheck(true, "mount");
	snprintf(tree, sizeof(tree), "%s/tree", outdir);
	o = cmp_opts(allroot, xattrs);
	tcmp_tree(tree, MNT, &o);
	o.entry = NULL;		/* the root's xattrs are not the tree's */
	tcmp_entry(tree, MNT, &o);
	compare_lls(img);
	test_misc();
	test_seek(img);
	test_threads();
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
}

/*
 * The host kernel's squashfs driver as a second reader of the same image
 * (as root, where loop devices and the driver exist; else one SKIP):
 * every name, type, mode, owner, time, link, xattr and byte we read must
 * be what it reads.
 */
static void
test_kernel(const char *img)
{
	static bool skipped;
	struct tcmp_opts o;
	char kmnt[2048], cmd[8192];
	int error;

	tc_prefix = img;
	snprintf(kmnt, sizeof(kmnt), "%s/kmnt", outdir);
	snprintf(cmd, sizeof(cmd), "[ \"$(id -u)\" = 0 ] && mkdir -p '%s' && "
	    "mount -t squashfs -o loop,ro '%s/%s' '%s' 2>/dev/null", kmnt,
	    outdir, img, kmnt);
	if (tsh("%s", cmd) != 0) {
		if (!skipped)
			printf("SKIP: squashfs against the host kernel (not "
			    "root, no loop devices or no squashfs driver)\n");
		skipped = true;
		return;
	}
	if ((error = mount_img(img)) != 0)
		tcheck(false, "mount: %s", strerror(error));
	else {
		o = cmp_opts(false, true);
		tcmp_tree(kmnt, MNT, &o);
		tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s",
		    strerror(errno));
	}
	snprintf(cmd, sizeof(cmd), "umount '%s'", kmnt);
	tcheck(tsh("%s", cmd) == 0, "umount of the kernel's mount");
}

/* The 50,000-entry directory: lookups through the index, full readdir. */
static void
test_bigdir(const char *img)
{
	static const char *absent[] = { "entry_50000", "entry_0000",
	    "entry_000000", "a", "zzz", "entry_2500", "entry_", "" };
	char path[256], *seen;
	struct ak_dirent *d;
	struct stat st;
	AK_DIR *dir;
	int i, n = 0, dots = 0, bad = 0, idx;
	size_t j;

	tc_prefix = img;
	if (mount_img(img) != 0) {
		tcheck(false, "mount: %s", strerror(errno));
		return;
	}
	for (i = 0; i < BIGDIR_N; i += 7) {
		snprintf(path, sizeof(path), MNT "/bigdir/entry_%05d", i);
		if (ak_sys_lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			bad++;
	}
	snprintf(path, sizeof(path), MNT "/bigdir/entry_%05d", BIGDIR_N - 1);
	tcheck(bad == 0 && ak_sys_lstat(path, &st) == 0 && st.st_size == 0,
	    "bigdir: %d lookups failed", bad);
	for (j = 0; j < sizeof(absent) / sizeof(absent[0]); j++) {
		snprintf(path, sizeof(path), MNT "/bigdir/%s", absent[j]);
		if (absent[j][0] == '\0')
			continue;
		tcheck(ak_sys_lstat(path, &st) < 0 && errno == ENOENT,
		    "bigdir: %s found", absent[j]);
	}
	seen = calloc(BIGDIR_N, 1);
	if ((dir = ak_sys_opendir(MNT "/bigdir")) == NULL || seen == NULL) {
		tcheck(false, "bigdir: opendir: %s", strerror(errno));
		goto out;
	}
	bad = 0;
	while ((d = ak_sys_readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 ||
		    strcmp(d->d_name, "..") == 0) {
			dots++;
			continue;
		}
		if (sscanf(d->d_name, "entry_%d", &idx) != 1 || idx < 0 ||
		    idx >= BIGDIR_N || seen[idx]++ != 0)
			bad++;
		n++;
	}
	ak_sys_closedir(dir);
	tcheck(n == BIGDIR_N && dots == 2 && bad == 0, "bigdir: readdir gave "
	    "%d entries, %d dots, %d bad", n, dots, bad);
	compare_lls(img);
out:
	free(seen);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
}

int
main(int argc, char **argv)
{
	const char *keep = getenv("SQFS_IMGDIR");
	char listpath[2048], line[512], name[256];
	int rc, allroot, xattrs;
	FILE *f;

	alarm(900);
	rc = timages(argv[0], "tests/image/mksqfs.sh", "SQFS_IMGDIR", outdir,
	    sizeof(outdir));
	if (rc == 77) {
		printf("SKIP: squashfs images (mksquashfs or unsquashfs not "
		    "installed)\n");
		return tsummary("sqfs_read");
	}
	if (rc != 0) {
		tcheck(false, "mksqfs.sh exited %d", rc);
		return tsummary("sqfs_read");
	}
	hbuf = malloc(CHUNK);
	kbuf = malloc(CHUNK);
	/* Read-ahead threads on, unless the caller chose. */
	setenv("AK_NCPU", "3", 0);
	if (hbuf == NULL || kbuf == NULL || ak_init() != 0 ||
	    ak_sys_mkdir(MNT, 0755) != 0) {
		tcheck(false, "setup: %s", strerror(errno));
		return tsummary("sqfs_read");
	}
	snprintf(listpath, sizeof(listpath), "%s/images.txt", outdir);
	if ((f = fopen(listpath, "r")) == NULL) {
		tcheck(false, "%s: %s", listpath, strerror(errno));
		return tsummary("sqfs_read");
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%255s %d %d", name, &allroot, &xattrs) != 3)
			continue;
		if (strncmp(name, "big", 3) == 0)
			test_bigdir(name);
		else
			test_image(name, allroot != 0, xattrs != 0);
	}
	fclose(f);
	test_kernel("gzip.img");
	test_kernel("xz.img");
	test_corruption();
	ak_fini();
	if (tc_nfail == 0 && keep == NULL &&
	    tsh("rm -rf '%s'", outdir) != 0)
		printf("note: could not remove %s\n", outdir);
	return tsummary("sqfs_read");
}
