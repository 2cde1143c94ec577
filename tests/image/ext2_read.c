/*
 * ext2_read.c: the ext2/ext3/ext4 driver read back against the reference
 * tools.
 *
 * tests/image/mkext2.sh builds a source tree and one image per layout
 * with `mke2fs -d` (the oracle is the tree mke2fs copied, read through the
 * host's C library).  Each image is mounted read-only through libak and
 * walked next to the tree: names, types (d_type too), modes, owners,
 * sizes, link counts, mtimes (mke2fs 1.47.0 copies whole seconds; the
 * nanoseconds are checked on a file mkext2.sh sets with debugfs), device
 * numbers, symlink targets, every byte of every file, SEEK_DATA and
 * SEEK_HOLE positions, and xattrs must agree; statvfs must agree with
 * dumpe2fs.  Lookups in the 3000-entry directory go through its htree.
 *
 * Then corruption tests: copies of images with bytes changed at the
 * superblock, a group descriptor, an inode, an extent tree block, a
 * directory block, an htree root and an xattr block (located with
 * debugfs, the independent oracle, or computed from the superblock here)
 * must fail to mount or to read with an error, never crash; with
 * metadata_csum the checksum must catch each one.  Unknown feature bits
 * must be refused (incompat) or tolerated (ro_compat); a file system
 * that needs recovery mounts (its empty journal is recovered).  Seeded
 * random flips and zeroes, over the first blocks and aimed at the parsed
 * structures, must never crash or hang (run under ASan/UBSan by make
 * check-asan).
 *
 * EXT2_IMGDIR=DIR reuses images built before by mkext2.sh DIR.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ak/ak.h"

#define MNT		"/mnt"
#define CHUNK		(1024 * 1024)
#define MAXNAMES	4096
#define MAXFAILPRINT	40
/* Files larger than this are compared where the host says there is data. */
#define FULLCMP_MAX	(64LL * 1024 * 1024)
/* The nanoseconds mkext2.sh gives /hundred's mtime (0x1d6f3454 >> 2). */
#define HUNDRED_NSEC	123456789L

static int npass, nfail, nprinted;
static char outdir[1024];
static const char *curimg = "";
static bool curnsec;
static bool curxattr;		/* the image has ext_attr */
static long long curbsize;	/* its block size */
static char *hbuf, *kbuf;

static void
fail(const char *fmt, ...)
{
	va_list ap;

	nfail++;
	if (nprinted++ >= MAXFAILPRINT)
		return;
	printf("FAIL: %s: ", curimg);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		npass++;
		return;
	}
	nfail++;
	if (nprinted++ >= MAXFAILPRINT)
		return;
	printf("FAIL: %s: ", curimg);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entry names of a host directory (without . and ..). */
static int
host_names(const char *path, char **names, bool isroot)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < MAXNAMES) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	(void)isroot;
	qsort(names, n, sizeof(*names), cmpstr);
	return n;
}

/* Sorted names of an image directory, checking d_type against lstat. */
static int
ak_names(const char *path, char **names, bool isroot)
{
	AK_DIR *d = ak_sys_opendir(path);
	struct ak_dirent *de;
	char p[PATH_MAX];
	struct stat st;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = ak_sys_readdir(d)) != NULL && n < MAXNAMES) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (isroot && strcmp(de->d_name, "lost+found") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		if (ak_sys_lstat(p, &st) != 0)
			fail("lstat %s: %s", p, strerror(errno));
		else {
			check(de->d_ino == st.st_ino, "%s: d_ino %llu, st_ino "
			    "%llu", p, (unsigned long long)de->d_ino,
			    (unsigned long long)st.st_ino);
			check(de->d_type == DT_UNKNOWN ||
			    de->d_type == IFTODT(st.st_mode),
			    "%s: d_type %d", p, de->d_type);
		}
		names[n++] = strdup(de->d_name);
	}
	ak_sys_closedir(d);
	qsort(names, n, sizeof(*names), cmpstr);
	return n;
}

static void
free_names(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
}

/* Compare len bytes at off of both files; false on any difference. */
static bool
cmp_range(int hfd, int kfd, off_t off, off_t len, const char *path)
{
	ssize_t h, k;
	size_t want;

	while (len > 0) {
		want = len > CHUNK ? CHUNK : (size_t)len;
		h = pread(hfd, hbuf, want, off);
		k = ak_sys_pread(kfd, kbuf, want, off);
		if (h != k || h <= 0) {
			fail("%s: read at %lld: host %zd, image %zd (%s)",
			    path, (long long)off, h, k,
			    k < 0 ? strerror(errno) : "short");
			return false;
		}
		if (memcmp(hbuf, kbuf, (size_t)h) != 0) {
			fail("%s: data differs in [%lld, +%zd)", path,
			    (long long)off, h);
			return false;
		}
		off += h;
		len -= h;
	}
	return true;
}

/*
 * SEEK_DATA/SEEK_HOLE: where the host file system reports holes, the
 * image must report the same data ranges; elsewhere, all data.
 */
static void
cmp_seek(int hfd, int kfd, off_t size, const char *path)
{
	off_t off = 0, hd, hh, kd, kh;
	int n = 0;

	if (size == 0)
		return;
	if (lseek(hfd, 0, SEEK_HOLE) >= size) {
		kh = ak_sys_lseek(kfd, 0, SEEK_HOLE);
		check(kh == size, "%s: SEEK_HOLE(0) = %lld, want EOF %lld",
		    path, (long long)kh, (long long)size);
		return;
	}
	while (off < size && n++ < 1000) {
		hd = lseek(hfd, off, SEEK_DATA);
		kd = ak_sys_lseek(kfd, off, SEEK_DATA);
		check(hd == kd, "%s: SEEK_DATA(%lld) host %lld image %lld",
		    path, (long long)off, (long long)hd, (long long)kd);
		if (hd < 0 || hd != kd)
			return;
		hh = lseek(hfd, hd, SEEK_HOLE);
		kh = ak_sys_lseek(kfd, hd, SEEK_HOLE);
		check(hh == kh, "%s: SEEK_HOLE(%lld) host %lld image %lld",
		    path, (long long)hd, (long long)hh, (long long)kh);
		if (hh != kh)
			return;
		off = hh;
	}
}

/* File contents: all bytes, or for huge files the data ranges and a few
 * hole samples. */
static void
cmp_file(const char *hpath, const char *kpath, off_t size)
{
	int hfd, kfd;
	off_t off, d, h;

	hfd = open(hpath, O_RDONLY);
	kfd = ak_sys_open(kpath, O_RDONLY);
	if (hfd < 0 || kfd < 0) {
		fail("%s: open: %s", kpath, strerror(errno));
		goto out;
	}
	if (size <= FULLCMP_MAX) {
		check(cmp_range(hfd, kfd, 0, size, kpath), "%s: contents",
		    kpath);
	} else {
		for (off = 0; off < size; off = h) {
			if ((d = lseek(hfd, off, SEEK_DATA)) < 0)
				break;
			h = lseek(hfd, d, SEEK_HOLE);
			check(cmp_range(hfd, kfd, d, h - d, kpath),
			    "%s: data at %lld", kpath, (long long)d);
			/* The hole before it reads as zeros. */
			if (d > off)
				check(cmp_range(hfd, kfd, off + (d - off) / 2,
				    4096, kpath), "%s: hole", kpath);
		}
	}
	/*
	 * zeros40k is data on the host but a hole (or unwritten) here;
	 * deep_extents has holes smaller than the blocks of some images.
	 */
	if (strstr(kpath, "zeros40k") == NULL &&
	    (strstr(kpath, "deep_extents") == NULL || curbsize <= 4096))
		cmp_seek(hfd, kfd, size, kpath);
out:
	if (hfd >= 0)
		close(hfd);
	if (kfd >= 0)
		ak_sys_close(kfd);
}

/* The user., trusted. and security. attributes, sorted, as one string. */
static ssize_t
xattr_names(char *list, ssize_t len, char **names)
{
	ssize_t i;
	int n = 0;

	for (i = 0; i < len; i += (ssize_t)strlen(list + i) + 1)
		if (strncmp(list + i, "user.", 5) == 0 ||
		    strncmp(list + i, "trusted.", 8) == 0 ||
		    strncmp(list + i, "security.", 9) == 0)
			names[n++] = list + i;
	qsort(names, n, sizeof(*names), cmpstr);
	return n;
}

static void
cmp_xattrs(const char *hpath, const char *kpath)
{
	char hl[4096], kl[4096], *hn[64], *kn[64], hv[4096], kv[4096];
	ssize_t hlen, klen, nh, nk, i, a, b;

	hlen = llistxattr(hpath, hl, sizeof(hl));
	klen = ak_sys_llistxattr(kpath, kl, sizeof(kl));
	if (hlen < 0) {
		if (errno != ENOTSUP)
			fail("%s: host listxattr: %s", hpath, strerror(errno));
		return;
	}
	if (klen < 0) {
		fail("%s: listxattr: %s", kpath, strerror(errno));
		return;
	}
	nh = curxattr ? xattr_names(hl, hlen, hn) : 0;
	nk = xattr_names(kl, klen, kn);
	check(nh == nk, "%s: %zd xattrs, host has %zd", kpath, nk, nh);
	for (i = 0; i < nh && i < nk; i++) {
		check(strcmp(hn[i], kn[i]) == 0, "%s: xattr %s vs %s", kpath,
		    hn[i], kn[i]);
		a = lgetxattr(hpath, hn[i], hv, sizeof(hv));
		b = ak_sys_lgetxattr(kpath, kn[i], kv, sizeof(kv));
		check(a == b && a >= 0 && memcmp(hv, kv, (size_t)a) == 0,
		    "%s: xattr %s value (%zd vs %zd)", kpath, hn[i], a, b);
		/* Asking for the size alone, and a too small buffer. */
		b = ak_sys_lgetxattr(kpath, kn[i], NULL, 0);
		check(a == b, "%s: xattr %s size query %zd", kpath, kn[i], b);
		if (a > 1) {
			b = ak_sys_lgetxattr(kpath, kn[i], kv, 1);
			check(b < 0 && errno == ERANGE, "%s: xattr %s ERANGE",
			    kpath, kn[i]);
		}
	}
	b = ak_sys_lgetxattr(kpath, "user.does.not.exist", kv, sizeof(kv));
	check(b < 0 && errno == ENODATA, "%s: absent xattr: %zd %s", kpath, b,
	    strerror(errno));
}

/* Attributes of one entry; returns the image's stat in *kst. */
static bool
cmp_attrs(const char *hpath, const char *kpath, struct stat *hst,
    struct stat *kst)
{
	long want;

	if (lstat(hpath, hst) != 0) {
		fail("host lstat %s: %s", hpath, strerror(errno));
		return false;
	}
	if (ak_sys_lstat(kpath, kst) != 0) {
		fail("lstat %s: %s", kpath, strerror(errno));
		return false;
	}
	check(hst->st_mode == kst->st_mode, "%s: mode %o, want %o", kpath,
	    kst->st_mode, hst->st_mode);
	check(hst->st_uid == kst->st_uid && hst->st_gid == kst->st_gid,
	    "%s: owner %u:%u, want %u:%u", kpath, kst->st_uid, kst->st_gid,
	    hst->st_uid, hst->st_gid);
	check(hst->st_nlink == kst->st_nlink, "%s: nlink %lu, want %lu",
	    kpath, (unsigned long)kst->st_nlink,
	    (unsigned long)hst->st_nlink);
	/*
	 * mke2fs 1.47.0 stores whole seconds (later versions the
	 * nanoseconds too); mkext2.sh gives /hundred a known nanosecond
	 * part with debugfs where the inodes have room for one.
	 */
	if (strcmp(kpath, MNT "/hundred") == 0)
		want = curnsec ? HUNDRED_NSEC : 0;
	else
		want = kst->st_mtim.tv_nsec == 0 ? 0 : hst->st_mtim.tv_nsec;
	check(hst->st_mtim.tv_sec == kst->st_mtim.tv_sec &&
	    kst->st_mtim.tv_nsec == want && (curnsec || want == 0),
	    "%s: mtime %lld.%09ld, want %lld.%09ld", kpath,
	    (long long)kst->st_mtim.tv_sec, kst->st_mtim.tv_nsec,
	    (long long)hst->st_mtim.tv_sec, want);
	if (!S_ISDIR(hst->st_mode))
		check(hst->st_size == kst->st_size, "%s: size %lld, want %lld",
		    kpath, (long long)kst->st_size, (long long)hst->st_size);
	if (S_ISCHR(hst->st_mode) || S_ISBLK(hst->st_mode))
		check(major(hst->st_rdev) == major(kst->st_rdev) &&
		    minor(hst->st_rdev) == minor(kst->st_rdev),
		    "%s: rdev %u,%u want %u,%u", kpath, major(kst->st_rdev),
		    minor(kst->st_rdev), major(hst->st_rdev),
		    minor(hst->st_rdev));
	return true;
}

static void walk(const char *hdir, const char *kdir, bool isroot, int depth);
static long long debugfs_block(const char *img, const char *cmd,
    const char *tag);

/* One entry of both trees. */
static void
cmp_entry(const char *hpath, const char *kpath, int depth)
{
	struct stat hst, kst;
	char ht[PATH_MAX], kt[PATH_MAX];
	ssize_t a, b;

	if (!cmp_attrs(hpath, kpath, &hst, &kst))
		return;
	if (S_ISREG(hst.st_mode)) {
		cmp_file(hpath, kpath, hst.st_size);
		cmp_xattrs(hpath, kpath);
	} else if (S_ISLNK(hst.st_mode)) {
		a = readlink(hpath, ht, sizeof(ht));
		b = ak_sys_readlink(kpath, kt, sizeof(kt));
		check(a == b && a > 0 && memcmp(ht, kt, (size_t)a) == 0,
		    "%s: symlink target (%zd vs %zd)", kpath, b, a);
	} else if (S_ISDIR(hst.st_mode)) {
		cmp_xattrs(hpath, kpath);
		if (depth < 32)
			walk(hpath, kpath, false, depth + 1);
	}
}

static void
walk(const char *hdir, const char *kdir, bool isroot, int depth)
{
	char **hn = calloc(MAXNAMES, sizeof(char *));
	char **kn = calloc(MAXNAMES, sizeof(char *));
	char hp[PATH_MAX], kp[PATH_MAX];
	int nh, nk, i;

	nh = host_names(hdir, hn, isroot);
	nk = ak_names(kdir, kn, isroot);
	check(nh == nk && nh >= 0, "%s: %d entries, host has %d", kdir, nk,
	    nh);
	for (i = 0; i < nh && i < nk; i++) {
		if (strcmp(hn[i], kn[i]) != 0) {
			fail("%s: entry %s, want %s", kdir, kn[i], hn[i]);
			break;
		}
		snprintf(hp, sizeof(hp), "%s/%s", hdir, hn[i]);
		snprintf(kp, sizeof(kp), "%s/%s", kdir, kn[i]);
		cmp_entry(hp, kp, depth);
	}
	free_names(hn, nh > 0 ? nh : 0);
	free_names(kn, nk > 0 ? nk : 0);
	free(hn);
	free(kn);
}

/* Lookups that readdir does not exercise. */
static void
extra_checks(void)
{
	struct stat a, b, c;
	char buf[64];
	int fd;

	check(ak_sys_stat(MNT "/sub/hardlinked", &a) == 0 &&
	    ak_sys_stat(MNT "/hard2", &b) == 0 &&
	    ak_sys_stat(MNT "/sub/deeper/hard3", &c) == 0 &&
	    a.st_ino == b.st_ino && b.st_ino == c.st_ino,
	    "hard links share an inode");
	check(ak_sys_stat(MNT "/many/entry_02999_with_a_rather_long_name_to_"
	    "fill_blocks", &a) == 0 && a.st_size == 4,
	    "lookup in the big directory");
	check(ak_sys_stat(MNT "/many/entry_03000_with_a_rather_long_name_to_"
	    "fill_blocks", &a) != 0 && errno == ENOENT,
	    "absent name in the big directory: %s", strerror(errno));
	check(ak_sys_stat(MNT "/many/..", &a) == 0 &&
	    ak_sys_stat(MNT "/", &b) == 0 && a.st_ino == b.st_ino,
	    "'..' of the big directory");
	check(ak_sys_stat(MNT "/symlink_long", &a) != 0 && errno == ENOENT,
	    "long symlink to a missing target: %s", strerror(errno));
	check(ak_sys_stat(MNT "/symlink_255", &a) == 0 && a.st_size == 2,
	    "following a symlink to a 250-byte name");
	check(ak_sys_stat(MNT "/many/日本語", &a) == 0 && a.st_size == 1,
	    "UTF-8 name in the big directory");
	check(ak_sys_stat(MNT "/symlink_short", &a) == 0 && a.st_size == 1,
	    "following a short symlink");
	/* Read-only: writes are refused. */
	fd = ak_sys_open(MNT "/new", O_CREAT | O_WRONLY, 0644);
	check(fd < 0 && errno == EROFS, "create on a read-only mount: %s",
	    strerror(errno));
	fd = ak_sys_open(MNT "/hundred", O_RDONLY);
	check(fd >= 0 && ak_sys_pread(fd, buf, sizeof(buf), 100) == 0,
	    "read at EOF");
	if (fd >= 0)
		ak_sys_close(fd);
}

static int
mount_img(const char *img, int flags)
{
	if (ak_sys_mount("ext2fs", MNT, flags, img, NULL) != 0)
		return errno;
	return 0;
}

/* A number dumpe2fs -h prints after tag, or -1. */
static long long
dumpe2fs_field(const char *img, const char *tag)
{
	char cmd[2 * PATH_MAX], line[512];
	long long v = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "dumpe2fs -h '%s' 2>/dev/null", img);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, tag, strlen(tag)) == 0)
			sscanf(line + strlen(tag), " %lld", &v);
	pclose(f);
	return v;
}

/* Does dumpe2fs -h list feature feat? */
static bool
has_feature(const char *img, const char *feat)
{
	char cmd[2 * PATH_MAX], line[1024], *p;
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "dumpe2fs -h '%s' 2>/dev/null", img);
	if ((f = popen(cmd, "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Filesystem features:", 20) != 0)
			continue;
		for (p = strtok(line + 20, " \n"); p != NULL;
		    p = strtok(NULL, " \n"))
			if (strcmp(p, feat) == 0)
				found = true;
	}
	pclose(f);
	return found;
}

/* st_blocks against debugfs's i_blocks ("Blockcount", 512-byte units). */
static void
check_blocks(const char *img, const char *path)
{
	char cmd[PATH_MAX], kpath[PATH_MAX];
	long long want;
	struct stat st;

	snprintf(cmd, sizeof(cmd), "stat %s", path);
	snprintf(kpath, sizeof(kpath), MNT "%s", path);
	want = debugfs_block(img, cmd, "Blockcount: ");
	check(ak_sys_lstat(kpath, &st) == 0 && (long long)st.st_blocks == want,
	    "%s: st_blocks %lld, debugfs says %lld", path,
	    (long long)st.st_blocks, want);
}

/* statvfs against what dumpe2fs reads from the superblock. */
static void
check_statvfs(const char *img)
{
	struct statvfs sv;
	long long bsize = dumpe2fs_field(img, "Block size:");

	if (ak_sys_statvfs(MNT, &sv) != 0) {
		fail("statvfs: %s", strerror(errno));
		return;
	}
	check((long long)sv.f_bsize == bsize && sv.f_namemax == 255,
	    "statvfs block size %lu, want %lld", sv.f_bsize, bsize);
	check((long long)sv.f_files == dumpe2fs_field(img, "Inode count:") &&
	    (long long)sv.f_ffree == dumpe2fs_field(img, "Free inodes:"),
	    "statvfs files %llu free %llu",
	    (unsigned long long)sv.f_files, (unsigned long long)sv.f_ffree);
	check((long long)sv.f_bfree == dumpe2fs_field(img, "Free blocks:"),
	    "statvfs free blocks %llu, dumpe2fs %lld",
	    (unsigned long long)sv.f_bfree,
	    dumpe2fs_field(img, "Free blocks:"));
}

static void
test_image(const char *name, bool nsec)
{
	char img[PATH_MAX], tree[PATH_MAX];
	int error;

	snprintf(img, sizeof(img), "%s/%s", outdir, name);
	snprintf(tree, sizeof(tree), "%s/tree", outdir);
	curimg = name;
	curnsec = nsec;
	/* Without ext_attr (revision 0), mke2fs -d copies no xattrs. */
	curxattr = has_feature(img, "ext_attr");
	curbsize = dumpe2fs_field(img, "Block size:");
	if ((error = mount_img(img, AK_MNT_RDONLY)) != 0) {
		fail("mount: %s", strerror(error));
		return;
	}
	npass++;
	walk(tree, MNT, true, 0);
	extra_checks();
	check_blocks(img, "/size_300000");
	check_blocks(img, "/fragmented");
	check_blocks(img, "/size_4096");
	if (strcmp(name, "ext4_1k.img") == 0)
		check(debugfs_block(img, "stat /deep_extents", "(ETB1):") > 0,
		    "/deep_extents has a depth 2 extent tree");
	check_statvfs(img);
	check(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
}

/* --- corruption ----------------------------------------------------- */

/* CRC-32C, bit by bit (independent of the kernel's table version). */
static uint32_t
crc32c_bits(uint32_t crc, const uint8_t *p, size_t n)
{
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78U & (0U - (crc & 1)));
	}
	return crc;
}

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static int
copy_file(const char *from, const char *to)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "cp --sparse=always '%s' '%s'", from, to);
	return system(cmd);
}

static void
pread_img(const char *img, void *buf, size_t len, off_t off)
{
	int fd = open(img, O_RDONLY);

	if (fd < 0 || pread(fd, buf, len, off) != (ssize_t)len)
		fail("read %s at %lld", img, (long long)off);
	if (fd >= 0)
		close(fd);
}

static void
pwrite_img(const char *img, const void *buf, size_t len, off_t off)
{
	int fd = open(img, O_WRONLY);

	if (fd < 0 || pwrite(fd, buf, len, off) != (ssize_t)len)
		fail("write %s at %lld", img, (long long)off);
	if (fd >= 0)
		close(fd);
}

static void
flip(const char *img, off_t off, uint8_t mask)
{
	uint8_t b;

	pread_img(img, &b, 1, off);
	b ^= mask;
	pwrite_img(img, &b, 1, off);
}

/* Re-checksum a superblock we changed (metadata_csum images). */
static void
fix_sb_csum(const char *img)
{
	uint8_t sb[1024];

	pread_img(img, sb, sizeof(sb), 1024);
	put_le32(sb + 0x3FC, crc32c_bits(~0U, sb, 0x3FC));
	pwrite_img(img, sb, sizeof(sb), 1024);
}

static bool
is_corrupt_errno(int e)
{
	/* EMEDIUMTYPE: not an ext2 file system at all (bad magic). */
	return e == EUCLEAN || e == EIO || e == EINVAL || e == EMEDIUMTYPE;
}

/*
 * Mount img and read everything: readdir, lstat, file contents,
 * symlinks, xattrs.  The first error (host errno) or 0.
 */
static int read_all_error;
static void
read_all(const char *kdir, int depth)
{
	AK_DIR *d;
	struct ak_dirent *de;
	struct stat st;
	char p[PATH_MAX];
	ssize_t n;
	int fd;

	if ((d = ak_sys_opendir(kdir)) == NULL) {
		if (read_all_error == 0)
			read_all_error = errno;
		return;
	}
	errno = 0;
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", kdir, de->d_name);
		if (ak_sys_lstat(p, &st) != 0) {
			if (read_all_error == 0)
				read_all_error = errno;
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth < 8)
			read_all(p, depth + 1);
		else if (S_ISREG(st.st_mode) &&
		    (fd = ak_sys_open(p, O_RDONLY)) >= 0) {
			while ((n = ak_sys_read(fd, kbuf, 65536)) > 0)
				if (st.st_size > FULLCMP_MAX)
					break;
			if (n < 0 && read_all_error == 0)
				read_all_error = errno;
			ak_sys_lseek(fd, 0, SEEK_HOLE);
			ak_sys_close(fd);
		} else if (S_ISLNK(st.st_mode) &&
		    ak_sys_readlink(p, hbuf, 4096) < 0 && read_all_error == 0)
			read_all_error = errno;
		/* Only corruption errors count: ENODATA etc. are normal. */
		if (ak_sys_llistxattr(p, hbuf, 4096) < 0 &&
		    is_corrupt_errno(errno) && read_all_error == 0)
			read_all_error = errno;
		if (ak_sys_lgetxattr(p, "user.tiny", hbuf, 4096) < 0 &&
		    is_corrupt_errno(errno) && read_all_error == 0)
			read_all_error = errno;
		errno = 0;
	}
	if (errno != 0 && read_all_error == 0)
		read_all_error = errno;
	ak_sys_closedir(d);
}

/* 0 if img mounts and reads cleanly, else the first errno. */
static int
try_image(const char *img)
{
	int error;

	if ((error = mount_img(img, AK_MNT_RDONLY)) != 0)
		return error;
	read_all_error = 0;
	read_all(MNT, 0);
	if (ak_sys_unmount(MNT, 0) != 0)
		fail("unmount after corruption: %s", strerror(errno));
	return read_all_error;
}


/* Run debugfs -R cmd on img; its output in out. */
static bool
debugfs(const char *img, const char *cmd, char *out, size_t len)
{
	char line[3 * PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(line, sizeof(line), "debugfs -R '%s' '%s' 2>/dev/null",
	    cmd, img);
	if ((f = popen(line, "r")) == NULL)
		return false;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	return pclose(f) == 0 && n > 0;
}

/* Block size and the first group descriptor offset of img. */
static void
geometry(const char *img, uint32_t *bsize, off_t *gd0)
{
	uint8_t sb[1024];

	pread_img(img, sb, sizeof(sb), 1024);
	*bsize = 1024U << le32(sb + 0x18);
	*gd0 = *bsize == 1024 ? 2048 : *bsize;
}

/* Where debugfs says inode ino lives: byte offset in img, or -1. */
static off_t
inode_offset(const char *img, unsigned ino, uint32_t bsize)
{
	char out[4096], cmd[64], *p;
	unsigned long long blk;
	unsigned off;

	snprintf(cmd, sizeof(cmd), "imap <%u>", ino);
	if (!debugfs(img, cmd, out, sizeof(out)) ||
	    (p = strstr(out, "located at block")) == NULL ||
	    sscanf(p, "located at block %llu, offset 0x%x", &blk, &off) != 2)
		return -1;
	return (off_t)blk * bsize + off;
}

/* The first block number debugfs prints after tag in "stat" output. */
static long long
debugfs_block(const char *img, const char *cmd, const char *tag)
{
	char out[65536], *p;
	long long blk;

	if (!debugfs(img, cmd, out, sizeof(out)) ||
	    (p = strstr(out, tag)) == NULL ||
	    sscanf(p + strlen(tag), "%lld", &blk) != 1)
		return -1;
	return blk;
}

/*
 * One corruption case: copy src, change it with fn, and expect mount or
 * read to fail with a corruption errno (strict) or at least not crash.
 */
static void
corrupt_case(const char *src, const char *what, bool strict,
    void (*fn)(const char *img, uint32_t bsize, off_t gd0))
{
	char img[PATH_MAX];
	uint32_t bsize;
	off_t gd0;
	int error;

	snprintf(img, sizeof(img), "%s/corrupt.img", outdir);
	if (copy_file(src, img) != 0) {
		fail("copy %s", src);
		return;
	}
	geometry(img, &bsize, &gd0);
	fn(img, bsize, gd0);
	error = try_image(img);
	if (strict)
		check(is_corrupt_errno(error), "%s: error %d (%s), want "
		    "EUCLEAN/EIO/EINVAL", what, error, strerror(error));
	else
		npass++;	/* survived; errors or data are both fine */
	unlink(img);
}

static void
c_sb_count(const char *img, uint32_t bsize, off_t gd0)
{
	flip(img, 1024 + 0x00, 0x01);	/* s_inodes_count */
}

static void
c_sb_magic(const char *img, uint32_t bsize, off_t gd0)
{
	flip(img, 1024 + 0x38, 0xFF);
}

static void
c_sb_blocksize(const char *img, uint32_t bsize, off_t gd0)
{
	uint8_t v[4];

	put_le32(v, 17);		/* 128 MiB blocks */
	pwrite_img(img, v, 4, 1024 + 0x18);
	fix_sb_csum(img);
}

static void
c_sb_blocks(const char *img, uint32_t bsize, off_t gd0)
{
	uint8_t v[4];

	put_le32(v, 0x7FFFFFF0);	/* far beyond the device */
	pwrite_img(img, v, 4, 1024 + 0x04);
	fix_sb_csum(img);
}

static void
c_sb_inodesize(const char *img, uint32_t bsize, off_t gd0)
{
	uint8_t v[2] = { 200, 0 };	/* not a power of 2 */

	pwrite_img(img, v, 2, 1024 + 0x58);
	fix_sb_csum(img);
}

static void
c_gd_itable(const char *img, uint32_t bsize, off_t gd0)
{
	flip(img, gd0 + 0x08, 0x40);	/* bg_inode_table_lo */
}

static void
c_gd_itable_far(const char *img, uint32_t bsize, off_t gd0)
{
	uint8_t v[4];

	put_le32(v, 0xFFFFFF00);	/* beyond the end; fix nothing */
	pwrite_img(img, v, 4, gd0 + 0x08);
}

static void
c_root_inode(const char *img, uint32_t bsize, off_t gd0)
{
	off_t off = inode_offset(img, 2, bsize);

	if (off < 0)
		fail("debugfs imap <2>");
	else
		flip(img, off + 0x04, 0x10);	/* i_size_lo */
}

static void
c_file_inode(const char *img, uint32_t bsize, off_t gd0)
{
	struct stat st;
	off_t off;

	/* A regular file's inode: its i_block (extent header or pointers). */
	if (stat(img, &st) != 0)
		return;
	off = inode_offset(img, 12, bsize);
	if (off < 0)
		fail("debugfs imap <12>");
	else
		flip(img, off + 0x28 + 1, 0x5A);
}

static void
c_extent_block(const char *img, uint32_t bsize, off_t gd0)
{
	long long blk = debugfs_block(img, "stat /fragmented", "(ETB0):");

	if (blk <= 0)
		fail("no extent tree block for /fragmented");
	else
		flip(img, (off_t)blk * bsize + 12 + 4, 0x01); /* ee_len */
}

static void
c_extent_magic(const char *img, uint32_t bsize, off_t gd0)
{
	long long blk = debugfs_block(img, "stat /fragmented", "(ETB0):");

	if (blk > 0)
		flip(img, (off_t)blk * bsize, 0xFF);
	else
		fail("no extent tree block for /fragmented");
}

static void
c_dir_block(const char *img, uint32_t bsize, off_t gd0)
{
	long long blk = debugfs_block(img, "bmap /sub 0", "");

	if (blk <= 0)
		fail("debugfs bmap /sub 0");
	else
		flip(img, (off_t)blk * bsize + 12 + 8 + 1, 0x20); /* a name */
}

static void
c_dir_reclen(const char *img, uint32_t bsize, off_t gd0)
{
	long long blk = debugfs_block(img, "bmap /sub 0", "");
	uint8_t v[2] = { 5, 0 };	/* rec_len 5: below the minimum */

	if (blk <= 0)
		fail("debugfs bmap /sub 0");
	else
		pwrite_img(img, v, 2, (off_t)blk * bsize + 12 + 4);
}

static void
c_htree_root(const char *img, uint32_t bsize, off_t gd0)
{
	long long blk = debugfs_block(img, "bmap /many 0", "");
	uint8_t v[2] = { 0xFF, 0x7F };	/* count/limit nonsense */

	if (blk <= 0)
		fail("debugfs bmap /many 0");
	else
		pwrite_img(img, v, 2, (off_t)blk * bsize + 0x20);
}

static void
c_htree_levels(const char *img, uint32_t bsize, off_t gd0)
{
	long long blk = debugfs_block(img, "bmap /many 0", "");
	uint8_t v = 7;			/* indirect levels */

	if (blk <= 0)
		fail("debugfs bmap /many 0");
	else
		pwrite_img(img, &v, 1, (off_t)blk * bsize + 0x1E);
}

static void
c_xattr_block(const char *img, uint32_t bsize, off_t gd0)
{
	long long blk = debugfs_block(img, "stat /size_4096",
	    "File ACL: ");

	if (blk <= 0)
		fail("no xattr block for /size_4096");
	else
		flip(img, (off_t)blk * bsize + 32 + 2, 0x80); /* value offs */
}

static void
c_incompat(const char *img, uint32_t bsize, off_t gd0)
{
	uint8_t v[4];

	pread_img(img, v, 4, 1024 + 0x60);
	put_le32(v, le32(v) | 0x40000000);
	pwrite_img(img, v, 4, 1024 + 0x60);
	fix_sb_csum(img);
}

struct ccase {
	const char	*cc_name;	/* what is damaged */
	void		(*cc_fn)(const char *, uint32_t, off_t);
	bool		 cc_csum;	/* must fail with metadata_csum */
	bool		 cc_plain;	/* must fail without it too */
};

static const struct ccase ccases[] = {
	{ "superblock inode count", c_sb_count, true, true },
	{ "superblock magic", c_sb_magic, true, true },
	{ "superblock block size", c_sb_blocksize, true, true },
	{ "superblock block count", c_sb_blocks, true, true },
	{ "superblock inode size", c_sb_inodesize, true, true },
	{ "group descriptor inode table", c_gd_itable, true, false },
	{ "group descriptor table beyond end", c_gd_itable_far, true, true },
	{ "root inode", c_root_inode, true, false },
	{ "file inode i_block", c_file_inode, true, false },
	{ "extent block entry", c_extent_block, true, false },
	{ "extent block magic", c_extent_magic, true, true },
	{ "directory block name", c_dir_block, true, false },
	{ "directory rec_len", c_dir_reclen, true, true },
	{ "htree root count", c_htree_root, true, true },
	{ "htree root levels", c_htree_levels, true, true },
	{ "xattr block entry", c_xattr_block, true, false },
	{ "unknown incompat feature", c_incompat, true, true },
};

static void
test_corruption(const char *base, bool csum, bool extents)
{
	char src[PATH_MAX], what[256];
	size_t i;

	snprintf(src, sizeof(src), "%s/%s", outdir, base);
	curimg = base;
	check(try_image(src) == 0, "clean image reads without error");
	for (i = 0; i < sizeof(ccases) / sizeof(ccases[0]); i++) {
		if (!extents && strstr(ccases[i].cc_name, "extent") != NULL)
			continue;
		snprintf(what, sizeof(what), "%s", ccases[i].cc_name);
		corrupt_case(src, what, csum ? ccases[i].cc_csum :
		    ccases[i].cc_plain, ccases[i].cc_fn);
	}
}

/* Feature bits that must be tolerated, and the journal flag. */
static void
test_features(void)
{
	char src[PATH_MAX], img[PATH_MAX];
	uint8_t v[4];
	int fd, rc, k;

	curimg = "features";
	snprintf(img, sizeof(img), "%s/feat.img", outdir);
	/* An unknown ro_compat bit: mounts (read-only). */
	snprintf(src, sizeof(src), "%s/ext4.img", outdir);
	copy_file(src, img);
	pread_img(img, v, 4, 1024 + 0x64);
	put_le32(v, le32(v) | 0x40000000);
	pwrite_img(img, v, 4, 1024 + 0x64);
	fix_sb_csum(img);
	check(try_image(img) == 0, "unknown ro_compat feature is accepted");
	/* needs_recovery: mounts read-only without replay. */
	copy_file(src, img);
	pread_img(img, v, 4, 1024 + 0x60);
	put_le32(v, le32(v) | 0x4);
	pwrite_img(img, v, 4, 1024 + 0x60);
	fix_sb_csum(img);
	check(try_image(img) == 0, "needs_recovery mounts read-only");
	/* Read-write recovers its (empty) journal: tests/image/ext2_journal. */
	rc = mount_img(img, 0);
	check(rc == 0, "needs_recovery read-write mount: %s", strerror(rc));
	if (rc == 0)
		ak_sys_unmount(MNT, 0);
	/* The type is found by probing, and by its other names. */
	check(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, src, NULL) == 0 &&
	    ak_sys_access(MNT "/sub/inner", R_OK) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "probed mount: %s", strerror(errno));
	check(ak_sys_mount("ext3", MNT, AK_MNT_RDONLY, src, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "mount as ext3: %s", strerror(errno));
	check(ak_sys_mount("ext2fs", MNT, AK_MNT_RDONLY, src, "bogus=1") != 0 &&
	    errno == EINVAL, "unknown mount option refused");
	/* Read-only: writes fail. */
	check(mount_img(src, AK_MNT_RDONLY) == 0, "read-only mount");
	fd = ak_sys_open(MNT "/one", O_WRONLY);
	check(fd < 0 && errno == EROFS, "write open: %s", strerror(errno));
	check(ak_sys_unmount(MNT, 0) == 0, "unmount");
	/*
	 * A directory whose size claims 4 GiB of holes (debugfs keeps the
	 * inode checksum right): read without error and without walking
	 * the holes block by block.
	 */
	for (k = 0; k < 2; k++) {
		char cmd[3 * PATH_MAX];
		time_t t0 = time(NULL);

		snprintf(src, sizeof(src), "%s/%s", outdir,
		    k == 0 ? "ext4.img" : "ext2_1k.img");
		copy_file(src, img);
		snprintf(cmd, sizeof(cmd), "debugfs -w -R 'set_inode_field "
		    "/sub size 0xfffff000' '%s' >/dev/null 2>&1", img);
		check(system(cmd) == 0, "debugfs set_inode_field");
		check(try_image(img) == 0 && time(NULL) - t0 < 20,
		    "%s: directory of holes", src);
	}
	snprintf(src, sizeof(src), "%s/ext4.img", outdir);
	/* The superblock checksum our test computes is the one mke2fs wrote. */
	{
		uint8_t sb[1024];

		pread_img(src, sb, sizeof(sb), 1024);
		check(crc32c_bits(~0U, sb, 0x3FC) == le32(sb + 0x3FC),
		    "superblock crc32c agrees with mke2fs");
	}
	unlink(img);
}

/* Seeded random byte flips over the first blocks: never a crash. */
static void
test_sweep(const char *base, unsigned seed, int rounds)
{
	char src[PATH_MAX], img[PATH_MAX];
	uint32_t bsize;
	off_t gd0, span;
	int r, k, nerr = 0;

	snprintf(src, sizeof(src), "%s/%s", outdir, base);
	snprintf(img, sizeof(img), "%s/sweep.img", outdir);
	curimg = base;
	srandom(seed);
	geometry(src, &bsize, &gd0);
	span = (off_t)bsize * 600;
	for (r = 0; r < rounds; r++) {
		copy_file(src, img);
		for (k = 0; k < 16; k++)
			flip(img, 1024 + random() % (span - 1024),
			    (uint8_t)(1 + random() % 255));
		if (try_image(img) != 0)
			nerr++;
	}
	npass++;	/* reaching here: no crash, no hang */
	printf("sweep %s: %d rounds, %d reported errors\n", base, rounds,
	    nerr);
	unlink(img);
}

/* Append the block numbers debugfs prints for cmd (after tag) to blks. */
static int
add_blocks(const char *img, const char *cmd, const char *tag,
    long long *blks, int n, int max)
{
	char out[65536], *p, *end;
	long long b;

	if (!debugfs(img, cmd, out, sizeof(out)))
		return n;
	p = out;
	if (tag != NULL) {
		if ((p = strstr(out, tag)) == NULL)
			return n;
		p += strlen(tag);
	}
	while (n < max) {
		b = strtoll(p, &end, 10);
		if (end == p)
			break;
		if (b > 0)
			blks[n++] = b;
		if (tag != NULL)
			break;
		p = end;
	}
	return n;
}

/*
 * Seeded damage aimed at the structures a walk parses: the htree root,
 * nodes and leaves of /many, a plain directory block, the extent tree
 * block of /fragmented, the indirect block of a block-mapped file, the
 * xattr block, and the inode table blocks holding the root and the
 * first files.  Bytes are flipped or zeroed.  Without metadata_csum the
 * parsers see the damage: errors or (possibly wrong) data are fine; a
 * crash, a hang or a sanitizer report is not.
 */
static void
test_targeted(const char *base, unsigned seed, int rounds)
{
	char src[PATH_MAX], img[PATH_MAX];
	long long blks[64], itab[2];
	uint32_t bsize;
	off_t gd0, off;
	int n = 0, r, k, nerr = 0;

	snprintf(src, sizeof(src), "%s/%s", outdir, base);
	snprintf(img, sizeof(img), "%s/target.img", outdir);
	curimg = base;
	geometry(src, &bsize, &gd0);
	n = add_blocks(src, "blocks /many", NULL, blks, n, 24);
	n = add_blocks(src, "bmap /sub 0", NULL, blks, n, 64);
	n = add_blocks(src, "stat /fragmented", "(ETB0):", blks, n, 64);
	n = add_blocks(src, "stat /size_1100000", "(IND):", blks, n, 64);
	n = add_blocks(src, "stat /size_1100000", "(DIND):", blks, n, 64);
	n = add_blocks(src, "stat /size_4096", "File ACL: ", blks, n, 64);
	itab[0] = inode_offset(src, 2, bsize);
	itab[1] = inode_offset(src, 12, bsize);
	for (k = 0; k < 2 && n < 64; k++)
		if (itab[k] > 0)
			blks[n++] = itab[k] / bsize;
	check(n >= 6, "targets found: %d", n);
	if (n == 0)
		return;
	srandom(seed);
	for (r = 0; r < rounds; r++) {
		copy_file(src, img);
		off = (off_t)blks[random() % n] * bsize;
		for (k = 0; k < 4; k++) {
			off_t at = off + random() % bsize;

			if (random() % 3 == 0)
				pwrite_img(img, "\0\0\0\0", 4,
				    at - (at % bsize) + (at % bsize) / 4 * 4);
			else
				flip(img, at, (uint8_t)(1 + random() % 255));
		}
		if (try_image(img) != 0)
			nerr++;
	}
	npass++;	/* reaching here: no crash, no hang */
	printf("targeted %s: %d blocks, %d rounds, %d reported errors\n",
	    base, n, rounds, nerr);
	unlink(img);
}

/* The image builder: next to this program's source, or from the cwd. */
static int
build_images(const char *argv0)
{
	char script[PATH_MAX], cmd[3 * PATH_MAX], *p;
	const char *env = getenv("EXT2_MKSCRIPT");
	int rc;

	if (env != NULL)
		snprintf(script, sizeof(script), "%s", env);
	else if (access("tests/image/mkext2.sh", R_OK) == 0)
		snprintf(script, sizeof(script), "tests/image/mkext2.sh");
	else {
		/* BUILD/tests/image/ext2_read -> BUILD/../tests/image */
		snprintf(script, sizeof(script), "%s", argv0);
		for (rc = 0; rc < 4 && (p = strrchr(script, '/')) != NULL; rc++)
			*p = '\0';
		strncat(script, "/tests/image/mkext2.sh",
		    sizeof(script) - strlen(script) - 1);
	}
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s'", script, outdir);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

int
main(int argc, char **argv)
{
	const char *tmp = getenv("AK_TESTDIR");
	const char *keep = getenv("EXT2_IMGDIR");
	char line[512], name[256], listpath[PATH_MAX];
	int nsec, rc;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* EXT2_IMGDIR: reuse images built before (while debugging). */
	if (keep != NULL) {
		snprintf(outdir, sizeof(outdir), "%s", keep);
		rc = 0;
	} else {
		snprintf(outdir, sizeof(outdir), "%s/ext2img.%d",
		    tmp != NULL ? tmp : "/tmp", (int)getpid());
		rc = build_images(argv[0]);
	}
	if (rc == 77) {
		printf("SKIP: ext2 images (mke2fs or debugfs not installed)\n");
		printf("ext2_read: 0 passed, 0 failed\n");
		return 0;
	}
	if (rc != 0) {
		printf("FAIL: mkext2.sh exited %d\n", rc);
		printf("ext2_read: 0 passed, 1 failed\n");
		return 1;
	}
	hbuf = malloc(CHUNK);
	kbuf = malloc(CHUNK);
	if (hbuf == NULL || kbuf == NULL || ak_init() != 0 ||
	    ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: setup: %s\n", strerror(errno));
		printf("ext2_read: 0 passed, 1 failed\n");
		return 1;
	}
	snprintf(listpath, sizeof(listpath), "%s/images.txt", outdir);
	if ((f = fopen(listpath, "r")) == NULL) {
		printf("FAIL: %s: %s\n", listpath, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%255s %d", name, &nsec) == 2)
			test_image(name, nsec != 0);
	fclose(f);
	test_corruption("ext4.img", true, true);
	test_corruption("ext4_1k.img", true, true);
	test_corruption("ext2_1k.img", false, false);
	test_corruption("ext4_nocsum.img", false, true);
	test_features();
	test_sweep("ext4_1k.img", 1, 30);
	test_sweep("ext2_4k.img", 2, 30);
	test_targeted("ext4_nocsum.img", 3, 60);
	test_targeted("ext2_1k.img", 4, 60);
	test_targeted("ext4_blockmap.img", 5, 40);
	test_targeted("ext4_1k.img", 6, 40);
	ak_fini();
	if (nfail == 0 && keep == NULL) {
		snprintf(listpath, sizeof(listpath), "rm -rf '%s'", outdir);
		if (system(listpath) != 0)
			printf("note: could not remove %s\n", outdir);
	}
	printf("ext2_read: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
