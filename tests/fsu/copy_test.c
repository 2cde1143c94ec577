/*
 * copy_test.c: the copy engine of fs-utils (fsu/copy*.c) on real file
 * systems in the anykernel, checked against the host.
 *
 * - put -a -X of a generated host tree into a tmpfs in the kernel, get
 *   back into another host directory: the two host trees must agree
 *   (names, types, modes, owners when root, nanosecond mtimes, contents by
 *   cmp(1), hole layout by SEEK_DATA, link counts and shared inodes, link
 *   targets, device numbers, user xattrs); the same after cp -a inside
 *   the image.
 * - get from an ext4 image made by mke2fs -d: the result must agree with
 *   the tree mke2fs was given.
 * - a hostile ext2 image (a name listed twice, once as a link to a host
 *   directory and once as a directory; a name "../escape") must not make
 *   get write outside its destination; absolute link targets refused
 *   only when asked; device nodes made only by root.
 * - put -R onto a small FAT image until it is full: non-zero status, one
 *   message naming the file, and fsck.fat -n clean afterwards; a FAT
 *   round trip checked with mcopy.
 * - -n, -f, -v, -L, -H, no -R on a directory, a directory into itself,
 *   the same file, several sources onto a non-directory, "dir/.", a
 *   dangling link at the destination, --owner, --group and the owner map
 *   (and its errors), the progress line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ak/ak.h"
#include "fsu/fsu.h"
#include "fsu/fsu_copy.h"
#include "tests/fsu/copy_test.h"

int npass, nfail;
int is_root, have_xattr;
static char wd[2048];		/* scratch directory */
static char out[65536];		/* what the last copy printed */

void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		npass++;
		return;
	}
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	nfail++;
}

void
skip(const char *what, const char *why)
{
	printf("SKIP: %s (%s)\n", what, why);
}

static const char *
W(const char *name)
{
	static char buf[8][4096];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", wd, name);
	return buf[i];
}

static int
sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* fsu_copy with stdout and stderr caught into out[]. */
static int
copyv(const struct fsu_copyopt *o, enum fsu_side from, char *const *srcs,
    int n, enum fsu_side to, const char *dst)
{
	int fd, so, se, rv;
	ssize_t k;

	fflush(stdout);
	fd = open(W("out.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	so = dup(1);
	se = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	rv = fsu_copy(o, from, srcs, n, to, dst);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	k = pread(fd, out, sizeof(out) - 1, 0);
	out[k > 0 ? k : 0] = '\0';
	close(fd);
	if (getenv("COPY_TEST_VERBOSE") != NULL)
		printf("copy -> %d: %s", rv, out);
	return rv;
}

static int
copy1(const struct fsu_copyopt *o, enum fsu_side from, const char *src,
    enum fsu_side to, const char *dst)
{
	char *v[1] = { (char *)src };

	return copyv(o, from, v, 1, to, dst);
}

static int
said(const char *s)
{
	return strstr(out, s) != NULL;
}

static int
count(const char *s)
{
	const char *p = out;
	int n = 0;

	while ((p = strstr(p, s)) != NULL) {
		n++;
		p += strlen(s);
	}
	return n;
}

static void
opt_archive(struct fsu_copyopt *o)
{
	fsu_copyopt_init(o);
	o->recursive = o->preserve = o->links = o->specials = 1;
	o->xattrs = 1;
	o->progress = 0;
}

static int
img_exists(const char *path)
{
	struct stat st;

	return ak_sys_lstat(path, &st) == 0;
}

/* Text of a small image file. */
static const char *
img_text(const char *path)
{
	static char buf[256];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((fd = ak_sys_open(path, O_RDONLY)) < 0)
		return "(missing)";
	n = ak_sys_read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	ak_sys_close(fd);
	return buf;
}

static void
img_write(const char *path, const char *text)
{
	int fd = ak_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		ak_sys_write(fd, text, strlen(text));
		ak_sys_close(fd);
	}
}

/* put -a -X, check the image, get -a -X back, compare; then cp -a. */
static void
test_roundtrip(void)
{
	struct fsu_copyopt o;
	struct stat a, b;
	int flags = CMP_ALL, rv;

	if (!is_root)
		flags &= ~CMP_OWNER;
	if (!have_xattr)
		flags &= ~CMP_XATTR;
	opt_archive(&o);
	rv = copy1(&o, FSU_HOST, W("tree"), FSU_IMAGE, "/t1");
	check(rv == FSU_EXIT_OK && out[0] == '\0',
	    "put -a tree: status %d, output: %s", rv, out);
	check(ak_sys_stat("/t1/tree/h1", &a) == 0 &&
	    ak_sys_stat("/t1/tree/sub/h2", &b) == 0 && a.st_ino == b.st_ino &&
	    a.st_nlink == 2, "put -a: hard link h1, sub/h2 in the image");
	check(ak_sys_stat("/t1/tree/sparse1", &a) == 0 &&
	    a.st_blocks * 512 < 1 << 20, "put: sparse1 keeps its holes "
	    "(%lld blocks)", (long long)a.st_blocks);
	rv = copy1(&o, FSU_IMAGE, "/t1/tree", FSU_HOST, W("back"));
	check(rv == FSU_EXIT_OK && out[0] == '\0',
	    "get -a tree: status %d, output: %s", rv, out);
	check(tree_compare(W("tree"), W("back"), flags, NULL) == 0,
	    "put/get round trip differs from the source tree");
	/* cp -a inside the image, then out again. */
	rv = copy1(&o, FSU_IMAGE, "/t1/tree", FSU_IMAGE, "/t1/copy");
	check(rv == FSU_EXIT_OK, "cp -a in the image: status %d: %s", rv,
	    out);
	rv = copy1(&o, FSU_IMAGE, "/t1/copy", FSU_HOST, W("back2"));
	check(rv == FSU_EXIT_OK && tree_compare(W("tree"), W("back2"), flags,
	    NULL) == 0, "cp -a in the image, then get: differs (%d: %s)",
	    rv, out);
	if (!is_root)
		skip("owners and device nodes", "not root");
	if (!have_xattr)
		skip("xattrs", "host directory has no user xattrs");
}

/* get -a from an image mke2fs -d made, against the tree it was made of. */
static void
test_ext4(void)
{
	struct fsu_copyopt o;
	struct stat st;
	struct stat ist;
	int flags = CMP_ALL | CMP_SECS | CMP_NOROOT, rv;

	if (sh("mke2fs -q -F -t ext4 -I 256 -b 4096 -d '%s' '%s' 32M "
	    ">/dev/null 2>&1", W("tree"), W("e.img")) != 0) {
		skip("get from an ext4 image", "mke2fs -d failed or missing");
		return;
	}
	/* mke2fs -d keeps whole seconds: give f1 nanoseconds by hand. */
	sh("debugfs -w -R 'sif /f1 mtime_extra %d' '%s' >/dev/null 2>&1",
	    123456789 << 2, W("e.img"));
	if (ak_sys_mkdir("/e", 0755) != 0 || ak_sys_mount("ext4", "/e",
	    AK_MNT_RDONLY, W("e.img"), NULL) != 0) {
		check(0, "mount ext4 image: %s", strerror(errno));
		return;
	}
	if (!is_root)
		flags &= ~CMP_OWNER;
	if (!have_xattr)
		flags &= ~CMP_XATTR;
	opt_archive(&o);
	mkdir(W("eout"), 0755);
	rv = copy1(&o, FSU_IMAGE, "/e/.", FSU_HOST, W("eout"));
	check(rv == FSU_EXIT_OK, "get -a /e/.: status %d: %s", rv, out);
	/* "/e/." gave eout the image root's times, not the tree's. */
	check(ak_sys_stat("/e", &ist) == 0 && stat(W("eout"), &st) == 0 &&
	    ist.st_mtim.tv_sec == st.st_mtim.tv_sec, "get /e/.: root mtime");
	check(tree_compare(W("tree"), W("eout"), flags, "lost+found") == 0,
	    "get from the mke2fs -d image differs from its tree");
	check(stat(W("eout/f1"), &st) == 0 && st.st_mtim.tv_nsec == 123456789,
	    "get: nanoseconds of an ext4 mtime: %ld", (long)st.st_mtim.tv_nsec);
	ak_sys_unmount("/e", 0);
}

/* Does the ext4 mount at /w take a user xattr? */
static int
ext4_xattr_ok(void)
{
	int fd = ak_sys_open("/w/xprobe", O_WRONLY | O_CREAT, 0644), ok;

	if (fd < 0)
		return 0;
	ok = ak_sys_fsetxattr(fd, "user.probe", "1", 1, 0) == 0;
	ak_sys_close(fd);
	ak_sys_unlink("/w/xprobe");
	return ok;
}

/* put -a into an empty ext4 image: e2fsck -fn, debugfs and get agree. */
static void
test_ext4_put(void)
{
	struct fsu_copyopt o;
	long caps = ak_fscaps("ext4");
	int flags = CMP_ALL, rv;

	if (caps < 0 || !(caps & AK_FSCAP_WRITE)) {
		skip("put onto ext4", "ext2fs cannot write in this build");
		return;
	}
	if (sh("mke2fs -q -F -t ext4 -I 256 '%s' 64M >/dev/null 2>&1",
	    W("w.img")) != 0) {
		skip("put onto ext4", "mke2fs failed or missing");
		return;
	}
	if (ak_sys_mkdir("/w", 0755) != 0 ||
	    ak_sys_mount("ext4", "/w", 0, W("w.img"), NULL) != 0) {
		check(0, "mount ext4 read-write: %s", strerror(errno));
		return;
	}
	if (!ext4_xattr_ok()) {
		skip("xattrs put onto ext4", "the driver cannot write them");
		flags &= ~CMP_XATTR;
	}
	opt_archive(&o);
	rv = copy1(&o, FSU_HOST, W("tree"), FSU_IMAGE, "/w");
	check(rv == FSU_EXIT_OK && out[0] == '\0', "put -a onto ext4: %d %s",
	    rv, out);
	check(ak_sys_unmount("/w", 0) == 0, "unmount ext4: %s",
	    strerror(errno));
	check(sh("e2fsck -fn '%s' >/dev/null 2>&1", W("w.img")) == 0,
	    "e2fsck -fn after put -a");
	mkdir(W("rd"), 0755);
	check(sh("debugfs -R 'rdump /tree %s' '%s' >/dev/null 2>&1", W("rd"),
	    W("w.img")) == 0 && tree_compare(W("tree"), W("rd/tree"),
	    CMP_NOSPEC, NULL) == 0,
	    "debugfs rdump of the put differs from the tree");
	if (ak_sys_mount("ext4", "/w", AK_MNT_RDONLY, W("w.img"), NULL) != 0) {
		check(0, "remount ext4: %s", strerror(errno));
		return;
	}
	if (!is_root)
		flags &= ~CMP_OWNER;
	if (!have_xattr)
		flags &= ~CMP_XATTR;
	rv = copy1(&o, FSU_IMAGE, "/w/tree", FSU_HOST, W("wback"));
	check(rv == FSU_EXIT_OK && tree_compare(W("tree"), W("wback"), flags,
	    NULL) == 0, "put onto ext4 and get back: %d %s", rv, out);
	ak_sys_unmount("/w", 0);
}

/* Replace the one occurrence of from in file by to (same length). */
static int
patch(const char *file, const char *from, const char *to)
{
	size_t n = strlen(from), i, hit = 0, at = 0;
	struct stat st;
	char *buf;
	int fd, rv = -1;

	if ((fd = open(file, O_RDWR)) < 0 || fstat(fd, &st) != 0 ||
	    (buf = malloc((size_t)st.st_size)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (pread(fd, buf, (size_t)st.st_size, 0) == st.st_size) {
		for (i = 0; i + n <= (size_t)st.st_size; i++)
			if (memcmp(buf + i, from, n) == 0) {
				hit++;
				at = i;
			}
		if (hit == 1 && pwrite(fd, to, n, (off_t)at) == (ssize_t)n)
			rv = 0;
	}
	free(buf);
	close(fd);
	return rv;
}

/*
 * A hostile image: "evil" twice (a link to a host directory, and a
 * directory holding "payload") and a file named "../escape".  Made with
 * mke2fs -d from names of the same length, then patched (ext2 without
 * checksums or hashed directories, so the patch is all it takes).
 */
static void
test_hostile(void)
{
	struct fsu_copyopt o;
	struct stat st;
	char buf[4096];
	int rv;

	sh("rm -rf '%s' '%s' '%s'", W("v"), W("outside"), W("escape"));
	mkdir(W("v"), 0755);
	mkdir(W("outside"), 0755);
	mkdir(W("v/evix"), 0755);
	mkdir(W("v/loop"), 0755);
	sh("echo payload > '%s'; echo escape > '%s'; echo ok > '%s'",
	    W("v/evix/payload"), W("v/..zescape"), W("v/ok"));
	sh("echo first > '%s'; echo second > '%s'", W("v/dupa"), W("v/dupb"));
	if (symlink(W("outside"), W("v/evil")) != 0 ||
	    symlink("/etc", W("v/abs")) != 0 ||
	    sh("mke2fs -q -F -t ext2 -O ^dir_index -b 1024 -d '%s' '%s' 2M "
	    ">/dev/null 2>&1", W("v"), W("v.img")) != 0) {
		skip("hostile image", "mke2fs -d failed or missing");
		return;
	}
	if (patch(W("v.img"), "evix", "evil") != 0 ||
	    patch(W("v.img"), "dupa", "dupb") != 0 ||
	    patch(W("v.img"), "..zescape", "../escape") != 0) {
		check(0, "hostile image: names to patch not found once");
		return;
	}
	/* A device node, a directory holding a link to itself and one
	 * holding a link to its parent. */
	sh("printf 'cd /\\nmknod nod c 1 5\\nsif nod mode 020644\\n"
	    "ln loop loop/self\\nmkdir loop/sub\\nln loop loop/sub/up\\n' | "
	    "debugfs -w -f - '%s' >/dev/null 2>&1", W("v.img"));
	if (ak_sys_mkdir("/v", 0755) != 0 || ak_sys_mount("ext2", "/v",
	    AK_MNT_RDONLY, W("v.img"), NULL) != 0) {
		check(0, "mount hostile image: %s", strerror(errno));
		return;
	}
	/* What "/v/../escape" names in the kernel (in fsu, the image's
	 * root is the kernel's: "/v/.." would be the image root itself). */
	img_write("/escape", "escape\n");
	opt_archive(&o);
	rv = copy1(&o, FSU_IMAGE, "/v", FSU_HOST, W("vout"));
	check(rv == FSU_EXIT_FAIL, "get of a hostile image: status %d", rv);
	check(lstat(W("outside/payload"), &st) != 0,
	    "get wrote through a link from the image");
	check(lstat(W("escape"), &st) != 0, "get wrote outside with \"../\"");
	check(lstat(W("vout/ok"), &st) == 0, "hostile image: ok not copied");
	/* A file listed twice in a directory get made: the second name
	 * overwrites the first as in any other directory (the create that
	 * assumed the name absent falls back), with no error. */
	rv = open(W("vout/dupb"), O_RDONLY);
	memset(buf, 0, sizeof(buf));
	check(rv >= 0 && read(rv, buf, sizeof(buf)) > 0 &&
	    (strcmp(buf, "first\n") == 0 || strcmp(buf, "second\n") == 0) &&
	    !said("dupb"), "a file listed twice: \"%s\" %s", buf, out);
	if (rv >= 0)
		close(rv);
	check(said("refusing the entry named \"../escape\""),
	    "hostile image: no message: %s", out);
	/* The kernel refuses an entry naming its own directory (EUCLEAN);
	 * a longer loop is the copy engine's to find. */
	check(said("loop/self: Structure needs cleaning") &&
	    lstat(W("vout/loop/self"), &st) != 0, "self loop: %s", out);
	check(said("loop/sub/up: directory loop") &&
	    lstat(W("vout/loop/sub/up"), &st) != 0, "directory loop: %s",
	    out);
	/* Device nodes: made when root, else one summary line. */
	if (is_root)
		check(lstat(W("vout/nod"), &st) == 0 && S_ISCHR(st.st_mode) &&
		    st.st_rdev == makedev(1, 5), "get: device node");
	else
		check(lstat(W("vout/nod"), &st) != 0 &&
		    count("device node") == 1, "get, not root: device node "
		    "skipped with one message: %s", out);
	/* Absolute link targets: refused only when asked. */
	o.no_abs_links = 1;
	rv = copy1(&o, FSU_IMAGE, "/v/abs", FSU_HOST, W("abs1"));
	check(rv == FSU_EXIT_FAIL && said("absolute") &&
	    lstat(W("abs1"), &st) != 0, "no_abs_links: %d %s", rv, out);
	o.no_abs_links = 0;
	rv = copy1(&o, FSU_IMAGE, "/v/abs", FSU_HOST, W("abs2"));
	check(rv == FSU_EXIT_OK && readlink(W("abs2"), buf, sizeof(buf)) == 4,
	    "absolute link target: %d %s", rv, out);
	ak_sys_unmount("/v", 0);
}

static int
fat_writable(void)
{
	long caps = ak_fscaps("vfat");

	return caps >= 0 && (caps & AK_FSCAP_WRITE);
}

/* put -R until a small FAT image is full. */
static void
test_fat_enospc(void)
{
	struct fsu_copyopt o;
	struct stat st;
	char name[64], *p, *q;
	int i, rv;

	if (sh("mkfs.fat -C '%s' 1024 >/dev/null 2>&1", W("small.img")) != 0) {
		skip("ENOSPC on FAT", "mkfs.fat missing");
		return;
	}
	mkdir(W("big"), 0755);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "big/file%d", i);
		file_random(W(name), 200 * 1024, (unsigned)i + 100);
	}
	if (!fat_writable()) {
		skip("ENOSPC on FAT", "fatfs cannot write in this build");
		return;
	}
	if (ak_sys_mkdir("/f", 0755) != 0 ||
	    ak_sys_mount("vfat", "/f", 0, W("small.img"), NULL) != 0) {
		check(0, "mount FAT read-write: %s", strerror(errno));
		return;
	}
	fsu_copyopt_init(&o);
	o.recursive = 1;
	o.progress = 0;
	rv = copy1(&o, FSU_HOST, W("big"), FSU_IMAGE, "/f");
	check(rv == FSU_EXIT_FAIL, "put onto a full FAT: status %d", rv);
	check(count("No space left on device") == 1 && said("/f/big/file"),
	    "put onto a full FAT: want one message naming the file: %s",
	    out);
	/* As GNU cp: the file being written stays, as far as it got. */
	if ((p = strstr(out, "/f/big/file")) != NULL &&
	    (q = strchr(p, ':')) != NULL) {
		*q = '\0';
		check(ak_sys_stat(p, &st) == 0 && st.st_size < 200 * 1024,
		    "the file that did not fit: %s", p);
	}
	check(ak_sys_unmount("/f", 0) == 0, "unmount full FAT: %s",
	    strerror(errno));
	check(sh("fsck.fat -n '%s' >/dev/null 2>&1", W("small.img")) == 0,
	    "fsck.fat -n after ENOSPC");
}

/* A FAT round trip, mtools the oracle. */
static void
test_fat_roundtrip(void)
{
	struct fsu_copyopt o;
	int rv;

	if (sh("mkfs.fat -C '%s' 16384 >/dev/null 2>&1", W("fat.img")) != 0 ||
	    sh("command -v mcopy >/dev/null") != 0) {
		skip("FAT round trip", "mkfs.fat or mcopy missing");
		return;
	}
	sh("mkdir -p '%s/d/e' && cp '%s/f4097' '%s/f65536' '%s/d/' && "
	    "cp '%s/f1048579' '%s/sparse2' '%s/d/e/'", W("ft"), W("tree"),
	    W("tree"), W("ft"), W("tree"), W("tree"), W("ft"));
	if (!fat_writable()) {
		skip("FAT round trip", "fatfs cannot write in this build");
		return;
	}
	if (ak_sys_mkdir("/g", 0755) != 0 ||
	    ak_sys_mount("vfat", "/g", 0, W("fat.img"), NULL) != 0) {
		check(0, "mount FAT read-write: %s", strerror(errno));
		return;
	}
	/* An xattr FAT cannot keep: skipped without a word. */
	if (have_xattr)
		setxattr(W("ft/d/f4097"), "user.test", "x", 1, 0);
	fsu_copyopt_init(&o);
	o.recursive = o.preserve = o.xattrs = 1;
	o.progress = 0;
	rv = copy1(&o, FSU_HOST, W("ft"), FSU_IMAGE, "/g");
	check(rv == FSU_EXIT_OK && out[0] == '\0', "put -RpX onto FAT: %d %s",
	    rv, out);
	check(ak_sys_unmount("/g", 0) == 0, "unmount FAT");
	check(sh("fsck.fat -n '%s' >/dev/null 2>&1", W("fat.img")) == 0,
	    "fsck.fat -n after put");
	mkdir(W("mc"), 0755);
	check(sh("mcopy -s -n -i '%s' ::/ft '%s' >/dev/null 2>&1",
	    W("fat.img"), W("mc")) == 0 &&
	    tree_compare(W("ft"), W("mc/ft"), 0, NULL) == 0,
	    "FAT put: mcopy sees other contents");
}

/* put /dev/stdin fed by cat(1) from file: the copy's status. */
static int
pipe_put(const char *file, const char *dst)
{
	struct fsu_copyopt o;
	int fd, saved, rv;
	FILE *fp;
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "cat '%s'", file);
	if ((fp = popen(cmd, "r")) == NULL)
		return -1;
	saved = dup(0);
	fd = fileno(fp);
	dup2(fd, 0);
	fsu_copyopt_init(&o);
	o.progress = 0;
	rv = copy1(&o, FSU_HOST, "/dev/stdin", FSU_IMAGE, dst);
	dup2(saved, 0);
	close(saved);
	pclose(fp);
	return rv;
}

/* The single options and the refusals, on the tmpfs at /t1. */
static void
test_options(void)
{
	struct fsu_copyopt o;
	char *two[2];
	struct stat st;
	int rv, s;

	fsu_copyopt_init(&o);
	o.progress = 0;
	rv = copy1(&o, FSU_HOST, W("tree/sub"), FSU_IMAGE, "/t1/norec");
	check(rv == FSU_EXIT_FAIL && said("-r not specified") &&
	    !img_exists("/t1/norec"), "no -R on a directory: %d %s", rv, out);
	rv = copy1(&o, FSU_HOST, W("nosuch"), FSU_IMAGE, "/t1/nosuch");
	check(rv == FSU_EXIT_FAIL && said("No such file"),
	    "missing source: %d %s", rv, out);
	/* -n keeps, plain overwrites. */
	img_write("/t1/n1", "old");
	o.noclobber = 1;
	rv = copy1(&o, FSU_HOST, W("tree/sub/deep/x"), FSU_IMAGE, "/t1/n1");
	check(rv == FSU_EXIT_OK && strcmp(img_text("/t1/n1"), "old") == 0,
	    "-n overwrote: %d %s", rv, out);
	o.noclobber = 0;
	rv = copy1(&o, FSU_HOST, W("tree/sub/deep/x"), FSU_IMAGE, "/t1/n1");
	check(rv == FSU_EXIT_OK && strcmp(img_text("/t1/n1"), "deep\n") == 0,
	    "overwrite: %d %s", rv, out);
	rv = copy1(&o, FSU_HOST, W("tree/h1"), FSU_IMAGE, "/t1/newdir/");
	check(rv == FSU_EXIT_FAIL && said("Not a directory") &&
	    !img_exists("/t1/newdir"), "file onto \"new/\": %d %s", rv, out);
	/* Several sources onto a file. */
	two[0] = (char *)W("tree/f1");
	two[1] = (char *)W("tree/h1");
	rv = copyv(&o, FSU_HOST, two, 2, FSU_IMAGE, "/t1/n1");
	check(rv == FSU_EXIT_FAIL && said("not a directory"),
	    "two sources onto a file: %d %s", rv, out);
	/* Into a directory: both under their names. */
	ak_sys_mkdir("/t1/two", 0755);
	rv = copyv(&o, FSU_HOST, two, 2, FSU_IMAGE, "/t1/two");
	check(rv == FSU_EXIT_OK && img_exists("/t1/two/f1") &&
	    img_exists("/t1/two/h1"), "two sources into a dir: %d %s", rv,
	    out);
	/* -v */
	o.verbose = 1;
	rv = copy1(&o, FSU_HOST, W("tree/h1"), FSU_IMAGE, "/t1/v1");
	check(rv == FSU_EXIT_OK && said("'") && strstr(out, "tree/h1' -> "
	    "'/t1/v1'\n") != NULL, "-v: %s", out);
	o.verbose = 0;
	/* Directories into themselves, the same file. */
	o.recursive = 1;
	rv = copy1(&o, FSU_IMAGE, "/t1/tree", FSU_IMAGE, "/t1/tree/sub/in");
	check(rv == FSU_EXIT_FAIL && said("into itself") &&
	    !img_exists("/t1/tree/sub/in"), "dir into itself: %d %s", rv,
	    out);
	rv = copy1(&o, FSU_IMAGE, "/t1/tree", FSU_IMAGE, "/t1/tree");
	check(rv == FSU_EXIT_FAIL && said("into itself") &&
	    !img_exists("/t1/tree/tree"), "dir into itself (2): %d %s", rv,
	    out);
	rv = copy1(&o, FSU_IMAGE, "/t1/tree/h1", FSU_IMAGE, "/t1/tree/h1");
	check(rv == FSU_EXIT_FAIL && said("same file"), "same file: %d %s",
	    rv, out);
	/* "dir/." merges into an existing directory; -L follows links. */
	ak_sys_mkdir("/t1/merge", 0755);
	rv = copy1(&o, FSU_HOST, W("tree/sub/."), FSU_IMAGE, "/t1/merge");
	check(rv == FSU_EXIT_OK && img_exists("/t1/merge/deep/x") &&
	    !img_exists("/t1/merge/sub"), "dir/. merge: %d %s", rv, out);
	o.deref = FSU_DEREF_ALWAYS;
	rv = copy1(&o, FSU_HOST, W("tree/ldir"), FSU_IMAGE, "/t1/deref");
	check(rv == FSU_EXIT_OK && ak_sys_lstat("/t1/deref", &st) == 0 &&
	    S_ISDIR(st.st_mode) && img_exists("/t1/deref/deep/x"),
	    "-L on a link to a directory: %d %s", rv, out);
	/* -H: the argument followed, the links below it kept. */
	o.deref = FSU_DEREF_ARGS;
	symlink("tree", W("treelink"));
	rv = copy1(&o, FSU_HOST, W("treelink"), FSU_IMAGE, "/t1/hh");
	check(rv == FSU_EXIT_OK && ak_sys_lstat("/t1/hh", &st) == 0 &&
	    S_ISDIR(st.st_mode) && ak_sys_lstat("/t1/hh/lrel", &st) == 0 &&
	    S_ISLNK(st.st_mode), "-H: %d %s", rv, out);
	o.deref = FSU_DEREF_AUTO;
	rv = copy1(&o, FSU_HOST, W("tree/ldir"), FSU_IMAGE, "/t1/noderef");
	check(rv == FSU_EXIT_OK && ak_sys_lstat("/t1/noderef", &st) == 0 &&
	    S_ISLNK(st.st_mode), "-R copies a link as a link: %d %s", rv, out);
	/* Onto a device and from a pipe: written and read in order. */
	rv = copy1(&o, FSU_IMAGE, "/t1/tree/f1048579", FSU_HOST, "/dev/null");
	check(rv == FSU_EXIT_OK, "get onto /dev/null: %d %s", rv, out);
	check(pipe_put(W("tree/sub/deep/x"), "/t1/frompipe") == FSU_EXIT_OK &&
	    strcmp(img_text("/t1/frompipe"), "deep\n") == 0,
	    "put from a pipe: %s", out);
	/* put makes device nodes whoever runs it. */
	o.specials = 1;
	rv = copy1(&o, FSU_HOST, "/dev/null", FSU_IMAGE, "/t1/devnull");
	check(rv == FSU_EXIT_OK && ak_sys_lstat("/t1/devnull", &st) == 0 &&
	    S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	    "put of a device node: %d %s", rv, out);
	o.specials = 0;
	/* A dangling link is not written through; -f replaces it. */
	o.recursive = 0;
	symlink("nothere", W("dangle"));
	rv = copy1(&o, FSU_IMAGE, "/t1/tree/h1", FSU_HOST, W("dangle"));
	check(rv == FSU_EXIT_FAIL && said("dangling") &&
	    lstat(W("nothere"), &st) != 0, "dangling link: %d %s", rv, out);
	o.force = 1;
	rv = copy1(&o, FSU_IMAGE, "/t1/tree/h1", FSU_HOST, W("dangle"));
	check(rv == FSU_EXIT_OK && lstat(W("dangle"), &st) == 0 &&
	    S_ISREG(st.st_mode) && lstat(W("nothere"), &st) != 0,
	    "-f on a dangling link: %d %s", rv, out);
	o.force = 0;
	/* -f: a socket cannot be opened; -f removes it and tries again. */
	o.recursive = 0;
	for (s = 0; s < 2; s++) {
		struct sockaddr_un sun;
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", W("sock"));
		unlink(sun.sun_path);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun,
		    sizeof(sun)) != 0) {
			skip("-f", "cannot make a socket (path too long?)");
			if (fd >= 0)
				close(fd);
			break;
		}
		close(fd);
		o.force = s;
		rv = copy1(&o, FSU_IMAGE, "/t1/tree/h1", FSU_HOST, W("sock"));
		if (s == 0)
			check(rv == FSU_EXIT_FAIL && said("sock"),
			    "open a socket without -f: %d %s", rv, out);
		else
			check(rv == FSU_EXIT_OK && lstat(W("sock"), &st) == 0 &&
			    S_ISREG(st.st_mode), "-f: %d %s", rv, out);
	}
}

/* The progress line, forced on and without its delay. */
static void
test_progress(void)
{
	struct fsu_copyopt o;
	int rv;

	fsu_copyopt_init(&o);
	o.progress = 1;
	setenv("FSU_PROGRESS_DELAY", "0", 1);
	rv = copy1(&o, FSU_HOST, W("tree/f3145745"), FSU_IMAGE, "/t1/pg");
	unsetenv("FSU_PROGRESS_DELAY");
	check(rv == FSU_EXIT_OK && said("\r") && said("MiB") &&
	    said("B/s") && out[strlen(out) - 1] == '\r',
	    "progress line: %d [%s]", rv, out);
	o.progress = 0;
	rv = copy1(&o, FSU_HOST, W("tree/f3145745"), FSU_IMAGE, "/t1/pg");
	check(rv == FSU_EXIT_OK && out[0] == '\0', "no progress: [%s]", out);
}

/* --owner, --group and the owner map. */
static void
test_owners(void)
{
	struct fsu_copyopt o;
	struct stat st;
	FILE *fp;
	int rv;

	fp = fopen(W("map"), "w");
	fprintf(fp, "# owner map\n\n. 0 0 0711\n/f1 100 200 0600\n"
	    "sub/deep/x 5 -\nlrel 9 9\nsuid 0 0\n");
	fclose(fp);
	fsu_copyopt_init(&o);
	o.recursive = o.preserve = 1;
	o.progress = 0;
	o.owner = 1000;
	o.group = 1001;
	o.ownermap = W("map");
	rv = copy1(&o, FSU_HOST, W("tree"), FSU_IMAGE, "/t1/om");
	check(rv == FSU_EXIT_OK, "put with owners: %d %s", rv, out);
	check(ak_sys_lstat("/t1/om/f4096", &st) == 0 && st.st_uid == 1000 &&
	    st.st_gid == 1001, "--owner/--group on a file");
	check(ak_sys_lstat("/t1/om/suid", &st) == 0 && st.st_uid == 0 &&
	    (st.st_mode & 07777) == 04755, "map without MODE keeps setuid");
	check(ak_sys_lstat("/t1/om/sub/deep", &st) == 0 && st.st_uid == 1000 &&
	    st.st_gid == 1001, "--owner/--group on a directory");
	check(ak_sys_lstat("/t1/om/f1", &st) == 0 && st.st_uid == 100 &&
	    st.st_gid == 200 && (st.st_mode & 07777) == 0600, "map: f1");
	check(ak_sys_lstat("/t1/om/sub/deep/x", &st) == 0 && st.st_uid == 5 &&
	    st.st_gid == 1001, "map: sub/deep/x");
	check(ak_sys_lstat("/t1/om/lrel", &st) == 0 && S_ISLNK(st.st_mode) &&
	    st.st_uid == 9 && st.st_gid == 9, "map: lrel (a link)");
	check(ak_sys_lstat("/t1/om", &st) == 0 && st.st_uid == 0 &&
	    (st.st_mode & 07777) == 0711, "map: the root of the copy");
	/* get -p keeps set-id bits only with their owner (cp -p). */
	o.ownermap = NULL;
	o.owner = 0;
	o.group = 0;
	o.recursive = 0;
	rv = copy1(&o, FSU_HOST, W("tree/suid"), FSU_IMAGE, "/t1/suid0");
	o.owner = o.group = -1;
	rv |= copy1(&o, FSU_IMAGE, "/t1/suid0", FSU_HOST, W("suid0"));
	check(rv == FSU_EXIT_OK && out[0] == '\0' &&
	    stat(W("suid0"), &st) == 0 && (st.st_mode & 07777) ==
	    (is_root ? 04755u : 0755u), "get -p of a setuid file: %d %s %o",
	    rv, out, (unsigned)st.st_mode);
	o.recursive = 1;
	/* A bad line: nothing copied, the line named. */
	fp = fopen(W("map2"), "w");
	fprintf(fp, "f1 0 0\nf1 abc 0\nf1 0 0 999\n../x 0 0\n");
	fclose(fp);
	o.ownermap = W("map2");
	rv = copy1(&o, FSU_HOST, W("tree"), FSU_IMAGE, "/t1/om2");
	check(rv == FSU_EXIT_FAIL && said("map2:2: ") && said("map2:3: ") &&
	    said("map2:4: ") && !said("map2:1:") && !img_exists("/t1/om2"),
	    "bad owner map: %d %s", rv, out);
	fp = fopen(W("map3"), "w");
	fprintf(fp, "nothere 1 1\n");
	fclose(fp);
	o.ownermap = W("map3");
	rv = copy1(&o, FSU_HOST, W("tree/f1"), FSU_IMAGE, "/t1/om3");
	check(rv == FSU_EXIT_FAIL && said("map3:1: nothere"),
	    "owner map, missing path: %d %s", rv, out);
}

static int
setup(void)
{
	const char *t = getenv("AK_TESTDIR");
	char tmpl[] = "/tmp/copy_test.XXXXXX";

	if (t != NULL && *t != '\0') {
		snprintf(wd, sizeof(wd), "%s/copy_test", t);
		sh("chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", wd, wd);
		if (mkdir(wd, 0755) != 0)
			return -1;
	} else if (mkdtemp(tmpl) != NULL)
		snprintf(wd, sizeof(wd), "%s", tmpl);
	else
		return -1;
	is_root = geteuid() == 0;
	have_xattr = setxattr(wd, "user.probe", "1", 1, 0) == 0;
	if (have_xattr)
		removexattr(wd, "user.probe");
	umask(022);
	return 0;
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	fsu_prog = "fsu_test";
	if (setup() != 0 || ak_init() != 0) {
		printf("FAIL: setup: %s\n", strerror(errno));
		printf("copy_test: 0 passed, 1 failed\n");
		return 1;
	}
	if (tree_make(W("tree")) != 0) {
		printf("FAIL: making the sample tree: %s\n", strerror(errno));
		nfail++;
	} else if (ak_sys_mkdir("/t1", 0755) != 0 ||
	    ak_sys_mount("tmpfs", "/t1", 0, NULL, NULL) != 0) {
		printf("FAIL: mount tmpfs: %s\n", strerror(errno));
		nfail++;
	} else {
		test_roundtrip();
		test_options();
		test_owners();
		test_progress();
		test_ext4();
		test_ext4_put();
		test_hostile();
		test_fat_roundtrip();
		test_fat_enospc();
	}
	ak_fini();
	if (nfail == 0 && getenv("AK_TESTDIR") == NULL)
		sh("chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", wd, wd);
	printf("copy_test: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
