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
#include <sys/sysmacros.h>
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

static void
free_list(char **v, int n)
{
	while (n-- > 0)
		free(v[n]);
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

/* Read up to len bytes, as many as there are (pipes return less). */
static ssize_t
read_full(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len && (n = read(fd, buf + got, len - got)) != 0) {
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Compare the bytes of an open host file and an open image file. */
static void
cmp_fds(int hfd, int kfd, const char *path)
{
	ssize_t hn, kn;
	off_t off = 0;

	for (;;) {
		hn = read_full(hfd, hbuf, CHUNK);
		kn = ak_sys_read(kfd, kbuf, CHUNK);
		if (hn != kn || hn < 0) {
			tcheck(false, "%s: read %zd vs %zd at %lld (%s)", path,
			    hn, kn, (long long)off, strerror(errno));
			return;
		}
		if (hn == 0)
			break;
		if (memcmp(hbuf, kbuf, (size_t)hn) != 0) {
			tcheck(false, "%s: bytes differ in [%lld, +%zd)", path,
			    (long long)off, hn);
			return;
		}
		off += hn;
	}
	tcheck(true, "%s: bytes", path);
}

/* Sorted entry names of a directory, host or image. */
static int
dir_names(const char *path, bool image, char **names, bool isroot)
{
	struct dirent *de;
	struct ak_dirent *ade;
	const char *name;
	DIR *d = NULL;
	AK_DIR *ad = NULL;
	int n = 0;

	if (image ? (ad = ak_sys_opendir(path)) == NULL :
	    (d = opendir(path)) == NULL)
		return -1;
	for (;;) {
		if (image) {
			if ((ade = ak_sys_readdir(ad)) == NULL)
				break;
			name = ade->d_name;
		} else {
			if ((de = readdir(d)) == NULL)
				break;
			name = de->d_name;
		}
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    n == MAXPATHS)
			continue;
		/* The relocation directory is an artifact of the writer. */
		if (image && isroot && (strcmp(name, "rr_moved") == 0 ||
		    strcmp(name, ".rr_moved") == 0))
			continue;
		names[n++] = strdup(name);
	}
	if (image)
		ak_sys_closedir(ad);
	else
		closedir(d);
	qsort(names, n, sizeof(*names), cmpstr);
	return n;
}

/* One entry of a Rock Ridge mount against the source tree. */
static void
cmp_entry(const char *hp, const char *kp)
{
	struct stat hs, ks;
	char ht[PATH_MAX], kt[PATH_MAX];
	ssize_t hl, kl;
	int hfd, kfd;

	if (lstat(hp, &hs) != 0 || ak_sys_lstat(kp, &ks) != 0) {
		tcheck(false, "%s: lstat: %s", kp, strerror(errno));
		return;
	}
	tcheck((hs.st_mode & S_IFMT) == (ks.st_mode & S_IFMT), "%s: type "
	    "%o vs %o", kp, hs.st_mode & S_IFMT, ks.st_mode & S_IFMT);
	tcheck((hs.st_mode & 07777) == (ks.st_mode & 07777), "%s: mode %o "
	    "vs %o", kp, hs.st_mode & 07777, ks.st_mode & 07777);
	tcheck(hs.st_uid == ks.st_uid && hs.st_gid == ks.st_gid,
	    "%s: owner %u:%u vs %u:%u", kp, hs.st_uid, hs.st_gid, ks.st_uid,
	    ks.st_gid);
	tcheck(hs.st_mtime == ks.st_mtime, "%s: mtime %lld vs %lld", kp,
	    (long long)hs.st_mtime, (long long)ks.st_mtime);
	if (!S_ISDIR(hs.st_mode))
		tcheck(hs.st_nlink == ks.st_nlink, "%s: nlink %u vs %u", kp,
		    (unsigned)hs.st_nlink, (unsigned)ks.st_nlink);
	if (S_ISCHR(hs.st_mode) || S_ISBLK(hs.st_mode))
		tcheck(hs.st_rdev == ks.st_rdev, "%s: rdev", kp);
	if (S_ISLNK(hs.st_mode)) {
		hl = readlink(hp, ht, sizeof(ht));
		kl = ak_sys_readlink(kp, kt, sizeof(kt));
		tcheck(hl == kl && hl > 0 && memcmp(ht, kt, (size_t)hl) == 0,
		    "%s: symlink target (%zd vs %zd bytes)", kp, hl, kl);
		tcheck(ks.st_size == hl, "%s: symlink size %lld", kp,
		    (long long)ks.st_size);
	}
	if (S_ISREG(hs.st_mode)) {
		tcheck(hs.st_size == ks.st_size, "%s: size %lld vs %lld", kp,
		    (long long)hs.st_size, (long long)ks.st_size);
		hfd = open(hp, O_RDONLY);
		kfd = ak_sys_open(kp, O_RDONLY);
		if (hfd >= 0 && kfd >= 0)
			cmp_fds(hfd, kfd, kp);
		else
			tcheck(false, "%s: open: %s", kp, strerror(errno));
		if (hfd >= 0)
			close(hfd);
		if (kfd >= 0)
			ak_sys_close(kfd);
	}
}

static void
walk_rr(const char *hdir, const char *kdir, bool isroot, int depth)
{
	char *hn[MAXPATHS], *kn[MAXPATHS], hp[PATH_MAX], kp[PATH_MAX];
	int nh, nk, i;
	struct stat st;

	nh = dir_names(hdir, false, hn, false);
	nk = dir_names(kdir, true, kn, isroot);
	tcheck(nk >= 0, "%s: opendir: %s", kdir, strerror(errno));
	tcheck(nh == nk, "%s: %d entries, the tree has %d", kdir, nk, nh);
	for (i = 0; i < nh && i < nk; i++) {
		if (strcmp(hn[i], kn[i]) != 0) {
			tcheck(false, "%s: entry %d: %s vs %s", kdir, i, kn[i],
			    hn[i]);
			break;
		}
		snprintf(hp, sizeof(hp), "%s/%s", hdir, hn[i]);
		snprintf(kp, sizeof(kp), "%s/%s", kdir, kn[i]);
		cmp_entry(hp, kp);
		if (lstat(hp, &st) == 0 && S_ISDIR(st.st_mode) && depth < 20)
			walk_rr(hp, kp, false, depth + 1);
	}
	free_list(hn, nh > 0 ? nh : 0);
	free_list(kn, nk > 0 ? nk : 0);
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

	tcheck(ino_of(MNT "/hard_a") != 0 &&
	    ino_of(MNT "/hard_a") == ino_of(MNT "/sub/hard_b"),
	    "hard links have different inode numbers");
	tcheck(ino_of(MNT "/size_2048") != ino_of(MNT "/size_2049"),
	    "distinct files share an inode number");
	tcheck(ino_of(MNT "/empty") != ino_of(MNT "/empty2"),
	    "distinct empty files share an inode number");
	tcheck(ino_of(MNT) == ino_of(MNT "/sub/.."), "/sub/.. is not /");
	tcheck(ino_of(MNT "/sub") == ino_of(MNT "/sub/inner/.."),
	    "/sub/inner/.. is not /sub");
	/* The relocated directory's ".." is its original parent. */
	snprintf(p, sizeof(p), "%s/level10/..", deep);
	tcheck(ino_of(p) != 0 && ino_of(p) == ino_of(deep),
	    "relocated directory's .. is not its parent");
}

static void
test_rr(const char *treename)
{
	char tree[PATH_MAX];
	int fd;

	snprintf(tree, sizeof(tree), "%s/%s", outdir, treename);
	walk_rr(tree, MNT, true, 0);
	rr_inodes();
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
	walk_rr(tree, MNT, true, 0);
	/* Reads that start inside a block and cross into the next. */
	snprintf(hp, sizeof(hp), "%s/text", tree);
	hfd = open(hp, O_RDONLY);
	fd = ak_sys_open(MNT "/text", O_RDONLY);
	tcheck(hfd >= 0 && fd >= 0, "zisofs: open text");
	for (i = 0; hfd >= 0 && fd >= 0 && i < sizeof(offs) / sizeof(offs[0]);
	    i++) {
		hn = pread(hfd, hbuf, 70000, offs[i]);
		kn = ak_sys_pread(fd, kbuf, 70000, offs[i]);
		tcheck(hn == kn && hn >= 0 && memcmp(hbuf, kbuf, hn) == 0,
		    "zisofs: pread at %lld: %zd vs %zd", (long long)offs[i],
		    kn, hn);
	}
	if (fd >= 0)
		ak_sys_close(fd);
	if (hfd >= 0)
		close(hfd);
}

/*
 * Whether the first len bytes of host file hp and image file kp agree
 * and the image file has no more.
 */
static bool
same_prefix(const char *hp, const char *kp, size_t len)
{
	int hfd = open(hp, O_RDONLY), kfd = ak_sys_open(kp, O_RDONLY);
	bool ok = hfd >= 0 && kfd >= 0;
	size_t off, n;

	for (off = 0; ok && off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		ok = pread(hfd, hbuf, n, off) == (ssize_t)n &&
		    ak_sys_pread(kfd, kbuf, n, off) == (ssize_t)n &&
		    memcmp(hbuf, kbuf, n) == 0;
	}
	ok = ok && ak_sys_pread(kfd, kbuf, 1, len) == 0;
	if (hfd >= 0)
		close(hfd);
	if (kfd >= 0)
		ak_sys_close(kfd);
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
	int n, i;

	n = dir_names(MNT, true, names, true);
	tcheck(n == 3 && strcmp(names[0], "[BOOT]") == 0,
	    "root: %d entries, first %s", n, n > 0 ? names[0] : "-");
	free_list(names, n > 0 ? n : 0);
	tcheck(ak_sys_stat(MNT "/[BOOT]", &st) == 0 && S_ISDIR(st.st_mode),
	    "[BOOT] is not a directory");
	tcheck(ino_of(MNT "/[BOOT]/..") == ino_of(MNT), "[BOOT]/.. is not /");
	n = dir_names(MNT "/[BOOT]", true, names, false);
	tcheck(n == 2, "[BOOT]: %d entries", n);
	for (i = 0; i < n && i < 2; i++)
		tcheck(strcmp(names[i], want[i]) == 0, "[BOOT]: %s, want %s",
		    names[i], want[i]);
	free_list(names, n > 0 ? n : 0);
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
	int n, i;

	if ((n = dir_names(kdir, true, names, false)) < 0) {
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
	free_list(names, n);
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
	cmp_fds(fileno(f), kfd, kpath);
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
	free_list(got, ng);
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
	hfd = open(hp, O_RDONLY);
	fd = ak_sys_open(MNT "/head", O_RDONLY);
	if (hfd >= 0 && fd >= 0)
		cmp_fds(hfd, fd, MNT "/head");
	else
		tcheck(false, "head: open");
	if (hfd >= 0)
		close(hfd);
	if (fd >= 0)
		ak_sys_close(fd);
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

/* The image builder: next to this program's source, or from the cwd. */
static int
build_images(const char *argv0)
{
	char script[PATH_MAX], *p;
	int rc;

	if (access("tests/image/mkiso.sh", R_OK) == 0)
		snprintf(script, sizeof(script), "tests/image/mkiso.sh");
	else {
		/* BUILD/tests/image/iso_read -> BUILD/../tests/image */
		snprintf(script, sizeof(script), "%s", argv0);
		for (rc = 0; rc < 4 && (p = strrchr(script, '/')) != NULL; rc++)
			*p = '\0';
		strncat(script, "/tests/image/mkiso.sh",
		    sizeof(script) - strlen(script) - 1);
	}
	return tsh("sh '%s' '%s'", script, outdir);
}

int
main(int argc, char **argv)
{
	const char *tmp = getenv("AK_TESTDIR");
	const char *keep = getenv("ISO_IMGDIR");
	char line[512], img[128], kind[32], opts[128], tree[128];
	char path[PATH_MAX];
	int rc;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (keep != NULL) {
		snprintf(outdir, sizeof(outdir), "%s", keep);
		rc = 0;
	} else {
		snprintf(outdir, sizeof(outdir), "%s/isoimg.%d",
		    tmp != NULL ? tmp : "/tmp", (int)getpid());
		rc = build_images(argv[0]);
	}
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
