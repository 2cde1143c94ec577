/*
 * copy_tree.c: the sample tree the copy test sends through the engine,
 * and the comparison of two host trees (the oracle: the host kernel's
 * own view of both, contents through cmp(1)).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tests/fsu/copy_test.h"

#define T0	1600000000

/* dir/name into buf (4096 bytes); "" if too long. */
static char *
pjoin(char *buf, const char *dir, const char *name)
{
	if (snprintf(buf, 4096, "%s/%s", dir, name) >= 4096)
		buf[0] = '\0';
	return buf;
}


int
file_random(const char *path, size_t n, unsigned seed)
{
	uint64_t x = seed * 2654435761u + 1;
	unsigned char buf[8192];
	size_t i, k;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	while (n > 0) {
		k = n < sizeof(buf) ? n : sizeof(buf);
		for (i = 0; i < k; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (unsigned char)(x | 1);	/* never 0 */
		}
		if (write(fd, buf, k) != (ssize_t)k) {
			close(fd);
			return -1;
		}
		n -= k;
	}
	return close(fd);
}

/* A sparse file: data of len bytes at each offs[i], then size total. */
static int
file_sparse(const char *path, const off_t *offs, int n, size_t len,
    off_t size)
{
	char buf[8192];
	int fd, i;

	memset(buf, 'S', sizeof(buf));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (pwrite(fd, buf, len, offs[i]) != (ssize_t)len)
			goto bad;
	if (ftruncate(fd, size) != 0)
		goto bad;
	return close(fd);
bad:
	close(fd);
	return -1;
}

static int
put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[4096];
	int fd;

	pjoin(p, dir, name);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode)) < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	fchmod(fd, mode);
	return close(fd);
}

/* Distinct nanosecond mtimes on everything, children before parents. */
static void
tree_times(const char *path, int *k)
{
	struct timespec ts[2];
	struct dirent *de;
	struct stat st;
	char p[4096];
	DIR *d;

	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
			    strcmp(de->d_name, "..") == 0))
				continue;
			pjoin(p, path, de->d_name);
			tree_times(p, k);
		}
		closedir(d);
	}
	++*k;
	ts[0].tv_sec = T0 + *k * 3607 + 11;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = T0 + *k * 3607;
	ts[1].tv_nsec = (*k * 123456789L) % 1000000000L;
	utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

#define P(name)	pjoin(p, dir, name)

int
tree_make(const char *dir)
{
	static const size_t sizes[] = { 1, 511, 4095, 4096, 4097, 65536,
	    (1 << 20) + 3, (3 << 20) + 17 };
	off_t s1[] = { 1 << 20 }, s2[] = { 0, 2 << 20 };
	char p[4096], q[4096];
	unsigned i;
	int k = 0;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(q, sizeof(q), "f%zu", sizes[i]);
		if (file_random(P(q), sizes[i], i + 1) != 0)
			return -1;
	}
	if (put_file(dir, "empty", "", 0640) != 0 ||
	    put_file(dir, "suid", "#!/bin/sh\n", 04755) != 0 ||
	    file_sparse(P("sparse1"), s1, 1, 8192, 5 << 20) != 0 ||
	    file_sparse(P("sparse2"), s2, 2, 4096, (2 << 20) + 4096) != 0 ||
	    file_sparse(P("allhole"), s1, 0, 0, 3 << 20) != 0)
		return -1;
	if (mkdir(P("sub"), 0750) != 0 || mkdir(P("sub/deep"), 0700) != 0 ||
	    put_file(dir, "sub/deep/x", "deep\n", 0600) != 0 ||
	    put_file(dir, "sub/ro", "read only\n", 0444) != 0 ||
	    mkdir(P("rodir"), 0755) != 0 ||
	    put_file(dir, "rodir/inside", "in a read-only dir\n", 0644) != 0)
		return -1;
	/* Hard links: two names, and three across directories. */
	if (put_file(dir, "h1", "two links\n", 0644) != 0 ||
	    link(P("h1"), pjoin(q, dir, "sub/h2")) ||
	    put_file(dir, "h3a", "three links\n", 0604) != 0 ||
	    link(P("h3a"), pjoin(q, dir, "h3b")) ||
	    link(P("h3a"), pjoin(q, dir, "sub/deep/h3c")))
		return -1;
	if (symlink("f1", P("lrel")) || symlink("/nonexistent/abs", P("labs"))
	    || symlink("nothere", P("ldang")) || symlink("sub", P("ldir")) ||
	    mkfifo(P("fifo1"), 0620))
		return -1;
	if (is_root && mknod(P("cdev"), S_IFCHR | 0640, makedev(1, 3)))
		return -1;
	if (have_xattr && (setxattr(P("f1"), "user.test", "hello", 5, 0) ||
	    setxattr(P("sub"), "user.bin", "\0\1\2", 3, 0) ||
	    setxattr(P("f4096"), "user.empty", "", 0, 0)))
		return -1;
	if (is_root && (chown(P("f1"), 1234, 5678) ||
	    chown(P("sub"), 42, 43) || lchown(P("lrel"), 7, 8) ||
	    chown(P("fifo1"), 99, 98)))
		return -1;
	chmod(P("rodir"), 0555);
	tree_times(dir, &k);
	return 0;
}

int
hole_map(const char *path, char *buf, size_t len)
{
	off_t off = 0, data, hole;
	size_t n = 0;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	while ((data = lseek(fd, off, SEEK_DATA)) >= 0) {
		hole = lseek(fd, data, SEEK_HOLE);
		n += (size_t)snprintf(buf + n, len - n, "%lld-%lld,",
		    (long long)data, (long long)hole);
		if (hole <= data || n >= len - 1)
			break;
		off = hole;
	}
	close(fd);
	return 0;
}

/* user.* xattrs of path, sorted into one string. */
static void
xattr_text(const char *path, char *out, size_t len)
{
	char list[4096], val[1024], *names[64], *t;
	ssize_t n, v;
	size_t o = 0;
	int i, j, m = 0;

	out[0] = '\0';
	if ((n = llistxattr(path, list, sizeof(list))) <= 0)
		return;
	for (i = 0; i < n && m < 64; i += (int)strlen(list + i) + 1)
		if (strncmp(list + i, "user.", 5) == 0)
			names[m++] = list + i;
	for (i = 1; i < m; i++)		/* insertion sort */
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (i = 0; i < m && o < len; i++) {
		v = lgetxattr(path, names[i], val, sizeof(val));
		o += (size_t)snprintf(out + o, len - o, "%s=%zd:", names[i], v);
		for (j = 0; j < v && o + 3 < len; j++)
			o += (size_t)snprintf(out + o, len - o, "%02x",
			    (unsigned char)val[j]);
		if (o < len - 1)
			out[o++] = ';', out[o] = '\0';
	}
}

static int
cmp_files(const char *a, const char *b)
{
	char cmd[8400];

	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	return system(cmd) == 0;
}

/* Inode pairs (a's inode, b's inode) of files with several links. */
struct inopair { ino_t ip_a, ip_b; };
static struct inopair pairs[4096];
static int npairs;

static int
link_ok(ino_t a, ino_t b)
{
	int i;

	for (i = 0; i < npairs; i++)
		if ((pairs[i].ip_a == a) != (pairs[i].ip_b == b))
			return 0;
	if (npairs < 4096) {
		pairs[npairs].ip_a = a;
		pairs[npairs++].ip_b = b;
	}
	return 1;
}

static int
same_time(const struct stat *a, const struct stat *b, int flags)
{
	return a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    ((flags & CMP_SECS) || a->st_mtim.tv_nsec == b->st_mtim.tv_nsec);
}

static int
diff(const char *p, const char *what)
{
	printf("FAIL: compare: %s: %s differs\n", p, what);
	return 1;
}

static int tree_cmp(const char *a, const char *b, int flags,
    const char *ignore);

static int
node_cmp(const char *a, const char *b, int flags)
{
	struct stat sa, sb;
	char ta[4096], tb[4096];
	ssize_t n, m;
	int bad = 0;

	if (lstat(a, &sa) != 0 || lstat(b, &sb) != 0)
		return diff(b, "existence");
	if ((sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT))
		return diff(b, "type");
	if ((flags & CMP_MODE) && !S_ISLNK(sa.st_mode) &&
	    (sa.st_mode & 07777) != (sb.st_mode & 07777))
		bad += diff(b, "mode");
	if ((flags & CMP_OWNER) && (sa.st_uid != sb.st_uid ||
	    sa.st_gid != sb.st_gid))
		bad += diff(b, "owner");
	if ((flags & CMP_TIMES) && !same_time(&sa, &sb, flags))
		bad += diff(b, "mtime");
	if (S_ISREG(sa.st_mode)) {
		if (sa.st_size != sb.st_size)
			bad += diff(b, "size");
		else if (!cmp_files(a, b))
			bad += diff(b, "content (cmp)");
		hole_map(a, ta, sizeof(ta));
		hole_map(b, tb, sizeof(tb));
		if ((flags & CMP_HOLES) && strcmp(ta, tb) != 0) {
			printf("FAIL: compare: %s: holes %s vs %s\n", b, ta,
			    tb);
			bad++;
		}
		if ((flags & CMP_LINKS) && (sa.st_nlink != sb.st_nlink ||
		    (sa.st_nlink > 1 && !link_ok(sa.st_ino, sb.st_ino))))
			bad += diff(b, "hard links");
	}
	if (S_ISLNK(sa.st_mode)) {
		n = readlink(a, ta, sizeof(ta) - 1);
		m = readlink(b, tb, sizeof(tb) - 1);
		if (n < 0 || n != m || memcmp(ta, tb, (size_t)n) != 0)
			bad += diff(b, "link target");
	}
	if ((S_ISCHR(sa.st_mode) || S_ISBLK(sa.st_mode)) &&
	    sa.st_rdev != sb.st_rdev)
		bad += diff(b, "device number");
	if ((flags & CMP_XATTR) && !S_ISLNK(sa.st_mode)) {
		xattr_text(a, ta, sizeof(ta));
		xattr_text(b, tb, sizeof(tb));
		if (strcmp(ta, tb) != 0)
			bad += diff(b, "xattrs");
	}
	if (S_ISDIR(sa.st_mode))
		bad += tree_cmp(a, b, flags, NULL);
	return bad;
}

/* A name tree_compare leaves out. */
static int
left_out(const char *dir, const char *name, int flags, const char *ignore)
{
	char p[4096];
	struct stat st;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    (ignore != NULL && strcmp(name, ignore) == 0))
		return 1;
	return (flags & CMP_NOSPEC) && lstat(pjoin(p, dir, name), &st) == 0 &&
	    !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
	    !S_ISLNK(st.st_mode);
}

static int
names_of(const char *dir, char **v, int max, int flags, const char *ignore)
{
	struct dirent *de;
	int n = 0, i, j;
	char *t;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < max)
		if (!left_out(dir, de->d_name, flags, ignore))
			v[n++] = strdup(de->d_name);
	closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n;
}

static int
tree_cmp(const char *a, const char *b, int flags, const char *ignore)
{
	char *na[256], *nb[256], pa[4096], pb[4096];
	int n = names_of(a, na, 256, flags, NULL);
	int m = names_of(b, nb, 256, flags, ignore);
	int i, bad = 0;

	if (n < 0 || m < 0)
		return diff(b, "directory (unreadable)");
	if (n != m)
		bad += diff(b, "directory (number of names)");
	for (i = 0; i < n && i < m; i++) {
		if (strcmp(na[i], nb[i]) != 0) {
			bad += diff(b, "directory (names)");
			break;
		}
		pjoin(pa, a, na[i]);
		pjoin(pb, b, nb[i]);
		bad += node_cmp(pa, pb, flags);
	}
	for (i = 0; i < n; i++)
		free(na[i]);
	for (i = 0; i < m; i++)
		free(nb[i]);
	return bad;
}

int
tree_compare(const char *a, const char *b, int flags, const char *ignore)
{
	struct stat sa, sb;
	int bad;

	npairs = 0;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return diff(b, "existence");
	bad = tree_cmp(a, b, flags, ignore);
	if (flags & CMP_NOROOT)
		return bad;
	if ((flags & CMP_MODE) && (sa.st_mode & 07777) != (sb.st_mode & 07777))
		bad += diff(b, "mode");
	if ((flags & CMP_TIMES) && !same_time(&sa, &sb, flags))
		bad += diff(b, "mtime");
	return bad;
}
