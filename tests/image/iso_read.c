/*
 * iso_read.c: the ISO 9660 driver read back against the reference tools.
 *
 * tests/image/mkiso.sh builds a source tree and images of it with
 * genisoimage and xorriso.  Each image is mounted read-only through
 * libak and checked:
 *  - Rock Ridge mounts ("rr") walk next to the source tree: names,
 *    types, modes, owners, link counts, mtimes, device numbers, symlink
 *    targets and every byte of every file; hard links share an inode
 *    number; "." and a child's ".." agree; relocated directories are
 *    back in place.
 *  - Joliet and plain mounts: the set of paths must equal what isoinfo
 *    -f lists (the second oracle, from another implementation), and each
 *    file's bytes what isoinfo -x extracts.
 *  - The multi-extent image: a file over 4 GiB whose markers sit at its
 *    start, across the end of its first part, and at its end.
 * Then corruption: bad descriptors, both-endian mismatches, record
 * lengths overrunning their block, a looping CE chain, a directory
 * pointing at itself or at an ancestor, oversized lengths, and seeded
 * random damage: errors, never a crash or a hang.
 *
 * ISO_IMGDIR=DIR reuses images built before by mkiso.sh DIR.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/iso_test.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

#define MNT		"/mnt"
#define MAXPATHS	1024
#define SECTOR		2048

char outdir[1024];
char *hbuf, *kbuf;

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
mount_img(const char *img, const char *opts)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", outdir, img);
	if (ak_sys_mount("cd9660", MNT, AK_MNT_RDONLY, path,
	    opts != NULL && strcmp(opts, "-") != 0 ? opts : NULL) != 0)
		return errno;
	return 0;
}

/*
 * A Rock Ridge mount against the source tree: names (the relocation
 * directory is an artifact of the writer), types, modes, owners, link
 * counts, mtimes, sizes, device numbers, symlink targets, every byte.
 */
static void
walk_rr(const char *tree)
{
	static const char *const rootskip[] = { "rr_moved", ".rr_moved",
	    NULL };
	static const struct tcmp_opts o = {
		.flags = TCMP_DOTS | TCMP_PERMS | TCMP_OWNER | TCMP_MTIME |
		    TCMP_NLINK | TCMP_RDEV | TCMP_SYMLINK | TCMP_DATA,
		.rootskip = rootskip,
	};

	tcmp_tree(tree, MNT, &o);
}

static ino_t
ino_of(const char *p)
{
	struct stat st;

	return ak_sys_lstat(p, &st) == 0 ? st.st_ino : 0;
}

/* Inode numbers: hard links share one, "." and ".." agree. */
static void
rr_inodes(void)
{
	const char *deep = MNT "/deep/level1/level2/level3/level4/level5/"
	    "level6/level7/level8/level9";
	char p[PATH_MAX];

	tcheck(tcmp_same_inode(MNT "/hard_a", MNT "/sub/hard_b"),
	    "hard links have different inode numbers");
	tcheck(ino_of(MNT "/size_2048") != ino_of(MNT "/size_2049"),
	    "distinct files share an inode number");
	tcheck(ino_of(MNT "/empty") != ino_of(MNT "/empty2"),
	    "distinct empty files share an inode number");
	tcheck(tcmp_same_inode(MNT, MNT "/sub/.."), "/sub/.. is not /");
	tcheck(tcmp_same_inode(MNT "/sub", MNT "/sub/inner/.."),
	    "/sub/inner/.. is not /sub");
	/* The relocated directory's ".." is its original parent. */
	snprintf(p, sizeof(p), "%s/level10/..", deep);
	tcheck(tcmp_same_inode(p, deep),
	    "relocated directory's .. is not its parent");
}

/*
 * Lookups in any order find what readdir lists: the driver starts each
 * lookup where the last match ended and wraps around, so names are
 * looked up backwards, in a seeded shuffle and after a miss, each
 * checked against the inode number readdir gave (an independent path).
 */
static void
lookup_orders(const char *dir)
{
	static char names[MAXPATHS][256];
	static uint64_t inos[MAXPATHS];
	struct ak_dirent *de;
	char p[PATH_MAX];
	unsigned seed = 12345;
	int n = 0, i, j, k, t, bad = 0, order[MAXPATHS];
	AK_DIR *d;

	if ((d = ak_sys_opendir(dir)) == NULL) {
		tcheck(false, "%s: opendir: %s", dir, strerror(errno));
		return;
	}
	while ((de = ak_sys_readdir(d)) != NULL && n < MAXPATHS)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			snprintf(names[n], sizeof(names[n]), "%s", de->d_name);
			inos[n++] = de->d_ino;
		}
	ak_sys_closedir(d);
	tcheck(n >= 3, "%s: only %d names", dir, n);
	for (i = 0; i < n; i++)
		order[i] = n - 1 - i;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < n; i++) {
			snprintf(p, sizeof(p), "%s/%s", dir, names[order[i]]);
			bad += ino_of(p) != inos[order[i]];
			if (i == n / 2) {
				snprintf(p, sizeof(p), "%s/no such name", dir);
				bad += ino_of(p) != 0 || errno != ENOENT;
			}
		}
		for (i = n - 1; i > 0; i--) {	/* then a shuffle */
			seed = seed * 1103515245u + 12345u;
			j = (int)((seed >> 16) % (unsigned)(i + 1));
			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
	}
	tcheck(bad == 0, "%s: %d lookups out of order disagree with readdir",
	    dir, bad);
}

static void
test_rr(const char *treename)
{
	char tree[PATH_MAX];
	int fd;

	snprintf(tree, sizeof(tree), "%s/%s", outdir, treename);
	walk_rr(tree);
	rr_inodes();
	lookup_orders(MNT);
	lookup_orders(MNT "/sub");
	fd = ak_sys_open(MNT "/newfile", O_RDWR | O_CREAT, 0644);
	tcheck(fd < 0 && errno == EROFS, "create on a read-only mount");
	if (fd >= 0)
		ak_sys_close(fd);
}

/* zisofs files read back inflated, with the source's attributes. */
static void
test_zisofs(const char *treename)
{
	static const off_t offs[] = { 32768 - 3, 1000, 65535, 300000 - 2,
	    300000 };
	char tree[PATH_MAX], hp[PATH_MAX + 16];
	ssize_t hn, kn;
	int fd, hfd;
	size_t i;

	snprintf(tree, sizeof(tree), "%s/%s", outdir, treename);
	walk_rr(tree);
	/* Reads that start inside a block and cross into the next. */
	snprintf(hp, sizeof(hp), "%s/text", tree);
	tcheck(tcmp_open(hp, MNT "/text", &hfd, &fd), "zisofs: open text");
	for (i = 0; hfd >= 0 && i < sizeof(offs) / sizeof(offs[0]); i++) {
		hn = pread(hfd, hbuf, 70000, offs[i]);
		kn = ak_sys_pread(fd, kbuf, 70000, offs[i]);
		tcheck(hn == kn && hn >= 0 && memcmp(hbuf, kbuf, hn) == 0,
		    "zisofs: pread at %lld: %zd vs %zd", (long long)offs[i],
		    kn, hn);
	}
	tcmp_close(hfd, fd);
}

/*
 * Whether the first len bytes of host file hp and image file kp agree
 * and the image file has no more.
 */
static bool
same_prefix(const char *hp, const char *kp, size_t len)
{
	char why[256], c;
	int hfd, kfd;
	bool ok;

	if (!tcmp_open(hp, kp, &hfd, &kfd))
		return false;
	ok = tcmp_range(hfd, kfd, 0, (off_t)len, why, sizeof(why)) &&
	    ak_sys_pread(kfd, &c, 1, len) == 0;
	tcmp_close(hfd, kfd);
	return ok;
}

/* El Torito images under [BOOT]. */
static void
test_boot(const char *treename)
{
	static const char *const want[] = { "1-Boot-1.44M.img",
	    "2-Boot-NoEmul.img" };
	char *names[MAXPATHS], hp[PATH_MAX + 16];
	struct stat st;
	int n, i, dots;

	n = tcmp_ak_names(MNT, names, MAXPATHS, &dots);
	tcheck(n == 3 && strcmp(names[0], "[BOOT]") == 0,
	    "root: %d entries, first %s", n, n > 0 ? names[0] : "-");
	tcmp_free_names(names, n > 0 ? n : 0);
	tcheck(ak_sys_stat(MNT "/[BOOT]", &st) == 0 && S_ISDIR(st.st_mode),
	    "[BOOT] is not a directory");
	tcheck(tcmp_same_inode(MNT "/[BOOT]/..", MNT), "[BOOT]/.. is not /");
	n = tcmp_ak_names(MNT "/[BOOT]", names, MAXPATHS, &dots);
	tcheck(n == 2, "[BOOT]: %d entries", n);
	for (i = 0; i < n && i < 2; i++)
		tcheck(strcmp(names[i], want[i]) == 0, "[BOOT]: %s, want %s",
		    names[i], want[i]);
	tcmp_free_names(names, n > 0 ? n : 0);
	snprintf(hp, sizeof(hp), "%s/%s/floppy.img", outdir, treename);
	tcheck(ak_sys_stat(MNT "/[BOOT]/1-Boot-1.44M.img", &st) == 0 &&
	    st.st_size == 1474560 && same_prefix(hp,
	    MNT "/[BOOT]/1-Boot-1.44M.img", 1474560), "floppy image");
	/* A no-emulation image shows the 4 sectors the BIOS loads. */
	snprintf(hp, sizeof(hp), "%s/%s/loader.bin", outdir, treename);
	tcheck(ak_sys_stat(MNT "/[BOOT]/2-Boot-NoEmul.img", &st) == 0 &&
	    st.st_size == 2048 && same_prefix(hp,
	    MNT "/[BOOT]/2-Boot-NoEmul.img", 2048), "no-emulation image");
	tcheck(ak_sys_stat(MNT "/[BOOT]/3-Boot-NoEmul.img", &st) != 0 &&
	    errno == ENOENT, "a third boot image");
}

/* All paths below kdir (relative to MNT), recursively. */
static void
collect(const char *kdir, char **paths, int *np, int depth)
{
	char *names[MAXPATHS], p[PATH_MAX];
	struct stat st;
	int n, i, dots;

	if ((n = tcmp_ak_names(kdir, names, MAXPATHS, &dots)) < 0) {
		tcheck(false, "%s: opendir: %s", kdir, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", kdir, names[i]);
		if (*np < MAXPATHS)
			paths[(*np)++] = strdup(p + strlen(MNT));
		if (ak_sys_lstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
		    depth < 20)
			collect(p, paths, np, depth + 1);
	}
	tcmp_free_names(names, n);
}

/* A path as isoinfo lists it, as the driver names it. */
static void
oracle_name(const char *in, char *out, size_t len)
{
	char *s, *e;

	snprintf(out, len, "%s", in);
	for (s = out; (s = strchr(s, ';')) != NULL; ) {
		e = s + strcspn(s, "/");
		if (s > out && s[-1] == '.' && s - 1 > out && s[-2] != '/')
			s--;
		memmove(s, e, strlen(e) + 1);
	}
}

/* Bytes of path as isoinfo extracts them against the image's. */
static void
cmp_extract(const char *img, const char *flags, const char *isopath,
    const char *kpath)
{
	char cmd[2 * PATH_MAX];
	FILE *f;
	int kfd;

	snprintf(cmd, sizeof(cmd), "isoinfo -i '%s/%s' %s -x '%s'", outdir,
	    img, flags, isopath);
	if ((f = popen(cmd, "r")) == NULL ||
	    (kfd = ak_sys_open(kpath, O_RDONLY)) < 0) {
		tcheck(false, "%s: cannot compare: %s", kpath, strerror(errno));
		if (f != NULL)
			pclose(f);
		return;
	}
	tcmp_fds(fileno(f), kfd, kpath);
	pclose(f);
	ak_sys_close(kfd);
}

/* A path of the oracle: as the driver names it, as isoinfo does. */
struct listed {
	char	*name;		/* driver's name */
	char	*orig;		/* isoinfo's name */
};

static int
cmplisted(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->name,
	    ((const struct listed *)b)->name);
}

/* Joliet or plain names: paths and bytes against isoinfo. */
static void
test_listed(const char *img, const char *kind)
{
	static struct listed want[MAXPATHS];
	struct listed key;
	char *got[MAXPATHS], line[PATH_MAX], name[PATH_MAX], kp[PATH_MAX];
	const char *flags = strcmp(kind, "joliet") == 0 ? "-J" : "";
	int nw = 0, ng = 0, i, j;
	struct stat st;
	FILE *f;

	snprintf(line, sizeof(line), "%s/%s.%s.list", outdir, img, kind);
	if ((f = fopen(line, "r")) == NULL) {
		tcheck(false, "%s: %s", line, strerror(errno));
		return;
	}
	while (nw < MAXPATHS && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		oracle_name(line, name, sizeof(name));
		want[nw].orig = strdup(line);
		want[nw++].name = strdup(name);
	}
	fclose(f);
	qsort(want, nw, sizeof(*want), cmplisted);
	collect(MNT, got, &ng, 0);
	qsort(got, ng, sizeof(*got), cmpstr);
	tcheck(nw == ng, "%d paths, isoinfo lists %d", ng, nw);
	for (i = 0; i < nw; i++) {
		if (bsearch(&want[i].name, got, ng, sizeof(*got), cmpstr) ==
		    NULL) {
			tcheck(false, "%s missing (isoinfo: %s)", want[i].name,
			    want[i].orig);
			continue;
		}
		snprintf(kp, sizeof(kp), MNT "%s", want[i].name);
		if (ak_sys_lstat(kp, &st) == 0 && S_ISREG(st.st_mode))
			cmp_extract(img, flags, want[i].orig, kp);
	}
	for (j = 0; j < ng; j++) {
		key.name = got[j];
		if (bsearch(&key, want, nw, sizeof(*want), cmplisted) == NULL)
			tcheck(false, "%s: not listed by isoinfo", got[j]);
	}
	for (i = 0; i < nw; i++) {
		free(want[i].name);
		free(want[i].orig);
	}
	tcmp_free_names(got, ng);
}

/* n bytes at off of path equal s. */
static bool
bytes_at(int fd, off_t off, const char *s)
{
	char b[16];
	size_t n = strlen(s);

	return ak_sys_pread(fd, b, n, off) == (ssize_t)n &&
	    memcmp(b, s, n) == 0;
}

/* The multi-extent file over 4 GiB. */
static void
test_big(void)
{
	const off_t g4 = 4096LL * 1024 * 1024;
	const off_t size = g4 + 1024 * 1024 + 123;
	char hp[PATH_MAX];
	struct stat st;
	int fd, hfd;
	char z[4096];
	bool zero = true;
	size_t i;

	memset(&st, 0, sizeof(st));
	tcheck(ak_sys_stat(MNT "/huge", &st) == 0 && st.st_size == size,
	    "huge: size %lld", (long long)st.st_size);
	if ((fd = ak_sys_open(MNT "/huge", O_RDONLY)) < 0) {
		tcheck(false, "huge: open: %s", strerror(errno));
		return;
	}
	tcheck(bytes_at(fd, 0, "START"), "huge: start marker");
	tcheck(bytes_at(fd, g4 - 2048 - 3, "MIDDLE"),
	    "huge: marker across the first part's end");
	tcheck(bytes_at(fd, size - 3, "END"), "huge: end marker");
	tcheck(ak_sys_pread(fd, z, sizeof(z), g4 + 4096) == sizeof(z),
	    "huge: read in the second part");
	for (i = 0; i < sizeof(z); i++)
		zero &= z[i] == 0;
	tcheck(zero, "huge: zeros in the second part");
	tcheck(ak_sys_pread(fd, z, sizeof(z), size) == 0, "huge: read at EOF");
	ak_sys_close(fd);
	snprintf(hp, sizeof(hp), "%s/bigtree/head", outdir);
	if (tcmp_open(hp, MNT "/head", &hfd, &fd))
		tcmp_fds(hfd, fd, MNT "/head");
	else
		tcheck(false, "head: open");
	tcmp_close(hfd, fd);
}

static void
test_image(const char *img, const char *kind, const char *opts,
    const char *tree)
{
	static char label[512];
	int error;

	snprintf(label, sizeof(label), "%s(%s)", img, opts);
	tc_prefix = label;
	if ((error = mount_img(img, opts)) != 0) {
		tcheck(false, "mount: %s", strerror(error));
		return;
	}
	if (strcmp(kind, "rr") == 0)
		test_rr(tree);
	else if (strcmp(kind, "boot") == 0)
		test_boot(tree);
	else if (strcmp(kind, "rrz") == 0)
		test_zisofs(tree);
	else if (strcmp(kind, "big") == 0)
		test_big();
	else
		test_listed(img, kind);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
}

int
main(int argc, char **argv)
{
	const char *keep = getenv("ISO_IMGDIR");
	char line[512], img[128], kind[32], opts[128], tree[128];
	char path[PATH_MAX];
	int rc;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = timages(argv[0], "tests/image/mkiso.sh", "ISO_IMGDIR", outdir,
	    sizeof(outdir));
	if (rc == 77) {
		printf("SKIP: ISO 9660 images (genisoimage or isoinfo not "
		    "installed)\n");
		return tsummary("iso_read");
	}
	if (rc != 0) {
		tcheck(false, "mkiso.sh exited %d", rc);
		return tsummary("iso_read");
	}
	hbuf = malloc(CHUNK);
	kbuf = malloc(CHUNK);
	if (hbuf == NULL || kbuf == NULL || ak_init() != 0 ||
	    ak_sys_mkdir(MNT, 0755) != 0) {
		tcheck(false, "setup: %s", strerror(errno));
		return tsummary("iso_read");
	}
	snprintf(path, sizeof(path), "%s/skipped.txt", outdir);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			printf("SKIP: %s\n", line);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/images.txt", outdir);
	if ((f = fopen(path, "r")) == NULL) {
		tcheck(false, "%s: %s", path, strerror(errno));
		return tsummary("iso_read");
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%127s %31s %127s %127s", img, kind, opts,
		    tree) == 4)
			test_image(img, kind, opts, tree);
	fclose(f);
	test_corruption("g_rr.iso");
	ak_fini();
	if (tc_nfail == 0 && keep == NULL &&
	    tsh("rm -rf '%s'", outdir) != 0)
		printf("note: could not remove %s\n", outdir);
	return tsummary("iso_read");
}
