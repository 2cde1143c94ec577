/*
 * ext2_write.c: the write half of the ext2/ext3/ext4 driver checked
 * against a model and the reference tools.
 *
 * For each layout mke2fs makes (ext2, ext3, ext4 with its defaults, 1 KiB
 * blocks, gdt_csum instead of metadata_csum, 64bit with
 * metadata_csum_seed, revision 0 without filetype), a seeded random
 * sequence of operations (create and write at random offsets, sparse and
 * past 4 GiB, truncate up and down, mkdir, rmdir, unlink, rename over
 * files and directories and across directories, link, short and long
 * symlinks, device nodes, fifos, sockets, chmod, chown, utimens with
 * nanoseconds) is applied through libak to a fresh image and to a tmpfs
 * mounted in the same kernel (the model); every call must give the same
 * result on both.  The trees must then agree in names, types, sizes,
 * modes, owners, link counts, mtimes to the nanosecond, device numbers,
 * link targets and every byte.  After unmounting, `e2fsck -fn` must
 * find nothing, and `debugfs` must read back a sample of the files as
 * the model has them; the image is mounted again and compared again.
 *
 * Extended attributes (user., trusted., security.) are part of the
 * random operations and compared too.
 *
 * Then: 10,000 files added to an htree-indexed directory, with 4 KiB
 * blocks and with 1 KiB blocks (the index must grow a level), and a new
 * directory filled past one block (it must become indexed): e2fsck -fn
 * clean, every name found, debugfs sees the index; a 300 MiB file
 * written in order must get few extents (debugfs `ex`) and read back
 * intact through debugfs; full file systems (with uninitialised block
 * groups, meta_bg, gdt_csum) return ENOSPC and stay clean, their free
 * counts come back when the files go; a file unlinked while open lives
 * until closed; writes into unwritten extents (debugfs fallocate);
 * threads changing one file system at once; a journal that needs
 * recovery, the quota feature and an image file that cannot be written
 * are refused read-write; AK_EXT2FS_WRITE=0 switches writing off.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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
#define MODEL		"/model"
#define MAXPRINT	40
#define MAXENT		2000

static int npass, nfail, nprinted;
static bool curnsec;		/* compare nanoseconds */
static char workdir[1024];
static const char *curvar = "";

static void __attribute__((format(printf, 2, 3)))
check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		npass++;
		return;
	}
	nfail++;
	if (nprinted++ >= MAXPRINT)
		return;
	printf("FAIL: %s: ", curvar);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n == 0 ? 0 : (uint32_t)(rng % n);
}

/* Run a shell command quietly; its exit status. */
static int
run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A command's whole output (NUL-terminated, malloc'd), or NULL. */
static char *
output(size_t *lenp, const char *fmt, ...)
{
	char cmd[8192];
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	va_list ap;
	FILE *f;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (buf == NULL || (f = popen(cmd, "r")) == NULL) {
		free(buf);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	pclose(f);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/* e2fsck -fn must exit 0; print its complaints if not. */
static void
fsck_ok(const char *img, const char *when)
{
	char *out = output(NULL, "e2fsck -fn '%s' 2>&1; echo \"rc=$?\"", img);
	const char *rc;

	if (out == NULL) {
		check(0, "e2fsck %s: cannot run", when);
		return;
	}
	rc = strstr(out, "rc=");
	check(rc != NULL && strcmp(rc, "rc=0\n") == 0,
	    "e2fsck -fn %s:\n%s", when, out);
	free(out);
}

/* ---- the random operations ---- */

struct wstate {
	char	dirs[MAXENT][512];	/* relative directories ("" root) */
	int	ndirs;
	char	files[MAXENT][512];	/* relative non-directories */
	int	nfiles;
	bool	big;			/* offsets past 4 GiB allowed */
	int	xmax;			/* longest xattr value, 0: none */
};

static const char *names[] = {
	"a", "bee", "file.txt", "with space", "\xc3\xbcml\xc3\xa4ut",
	"long_name_long_name_long_name_long_name_long_name_long_name_x",
	"c", "d.dat", "e", "f",
};
static const char *dnames[] = { "sub", "dir2", "x", "deep" };
#define NNAMES	(uint32_t)(sizeof(names) / sizeof(names[0]))
#define NDNAMES	(uint32_t)(sizeof(dnames) / sizeof(dnames[0]))

/* Collect the model's directories and other entries under rel. */
static void
wscan(struct wstate *w, const char *rel)
{
	char path[1024], sub[512];
	struct ak_dirent *de;
	struct stat st;
	AK_DIR *d;

	if (w->ndirs < MAXENT)
		snprintf(w->dirs[w->ndirs++], sizeof(w->dirs[0]), "%s", rel);
	snprintf(path, sizeof(path), MODEL "/%s", rel);
	if ((d = ak_sys_opendir(path)) == NULL)
		return;
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", de->d_name) >= (int)sizeof(sub))
			continue;
		snprintf(path, sizeof(path), MODEL "/%s", sub);
		if (ak_sys_lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			wscan(w, sub);
		else if (w->nfiles < MAXENT)
			snprintf(w->files[w->nfiles++], sizeof(w->files[0]),
			    "%s", sub);
	}
	ak_sys_closedir(d);
}

static void
wrescan(struct wstate *w)
{
	w->ndirs = w->nfiles = 0;
	wscan(w, "");
}

/* Both results of one call must agree. */
static int nok, nerr;		/* operations that worked, that failed */

static void
same(const char *op, const char *rel, long mr, int merr, long ir, int ierr)
{
	if (mr >= 0)
		nok++;
	else
		nerr++;
	check(mr == ir && (mr >= 0 || merr == ierr),
	    "%s %s: model %ld (%s), image %ld (%s)", op, rel, mr,
	    mr < 0 ? strerror(merr) : "ok", ir, ir < 0 ? strerror(ierr) : "ok");
}

#define BOTH(op, rel, call)	do {					\
	char mp_[800], ip_[800];					\
	long mr_, ir_;							\
	int me_, ie_;							\
	const char *P;							\
	snprintf(mp_, sizeof(mp_), MODEL "/%s", rel);			\
	snprintf(ip_, sizeof(ip_), MNT "/%s", rel);			\
	P = mp_; errno = 0; mr_ = (long)(call); me_ = errno;		\
	P = ip_; errno = 0; ir_ = (long)(call); ie_ = errno;		\
	same(op, rel, mr_, me_, ir_, ie_);				\
} while (0)

#define BOTH2(op, rel, rel2, call)	do {				\
	char mp_[800], ip_[800], mq_[800], iq_[800];			\
	long mr_, ir_;							\
	int me_, ie_;							\
	const char *P, *Q;						\
	snprintf(mp_, sizeof(mp_), MODEL "/%s", rel);			\
	snprintf(ip_, sizeof(ip_), MNT "/%s", rel);			\
	snprintf(mq_, sizeof(mq_), MODEL "/%s", rel2);			\
	snprintf(iq_, sizeof(iq_), MNT "/%s", rel2);			\
	P = mp_; Q = mq_; errno = 0; mr_ = (long)(call); me_ = errno;	\
	P = ip_; Q = iq_; errno = 0; ir_ = (long)(call); ie_ = errno;	\
	same(op, rel, mr_, me_, ir_, ie_);				\
} while (0)

static void
newname(const struct wstate *w, char *rel, size_t sz, bool dir)
{
	const char *d = w->dirs[rnd((uint32_t)w->ndirs)];

	snprintf(rel, sz, "%s%s%s", d, d[0] != '\0' ? "/" : "",
	    dir ? dnames[rnd(NDNAMES)] : names[rnd(NNAMES)]);
}

static const char *
anyfile(const struct wstate *w)
{
	return w->nfiles > 0 ? w->files[rnd((uint32_t)w->nfiles)] : NULL;
}

/* Write len random bytes at off into P (created if needed). */
static long
do_write(const char *p, const char *buf, size_t len, off_t off)
{
	int fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644);
	long r;

	if (fd < 0)
		return -1;
	r = ak_sys_pwrite(fd, buf, len, off);
	ak_sys_close(fd);
	return r;
}

static void
op_write(struct wstate *w)
{
	static char buf[300000];
	char rel[600];
	struct stat st;
	off_t off, size = 0;
	size_t len, i;

	if (rnd(3) == 0 && w->nfiles > 0)
		snprintf(rel, sizeof(rel), "%s", anyfile(w));
	else
		newname(w, rel, sizeof(rel), false);
	{
		char mp[800];

		snprintf(mp, sizeof(mp), MODEL "/%s", rel);
		if (ak_sys_stat(mp, &st) == 0)
			size = st.st_size;
	}
	len = rnd(6) == 0 ? rnd(sizeof(buf)) : rnd(9000);
	switch (rnd(6)) {
	case 0:
		off = size;
		break;
	case 1:
		off = (off_t)rnd(1U << 26);	/* sparse, up to 64 MiB */
		break;
	case 2:
		off = w->big ? ((off_t)5 << 30) + rnd(1U << 20) : rnd(4096);
		break;
	default:
		off = (off_t)rnd((uint32_t)size + 5000);
	}
	for (i = 0; i < len; i++)
		buf[i] = (char)rnd(256);
	BOTH("write", rel, do_write(P, buf, len, off));
}

static void
op_truncate(struct wstate *w)
{
	const char *rel = anyfile(w);
	off_t len = rnd(3) == 0 ? 0 : (off_t)rnd(1U << 22);

	if (rel != NULL)
		BOTH("truncate", rel, ak_sys_truncate(P, len));
}

static void
op_unlink(struct wstate *w)
{
	const char *rel = anyfile(w);

	if (rel != NULL)
		BOTH("unlink", rel, ak_sys_unlink(P));
}

static void
op_mkdir(struct wstate *w)
{
	char rel[300];

	mode_t mode = 0700 + rnd(0100);

	newname(w, rel, sizeof(rel), true);
	if (strlen(rel) < 60)
		BOTH("mkdir", rel, ak_sys_mkdir(P, mode));
}

static void
op_rmdir(struct wstate *w)
{
	const char *rel = w->dirs[rnd((uint32_t)w->ndirs)];

	if (rel[0] != '\0')
		BOTH("rmdir", rel, ak_sys_rmdir(P));
}

static void
op_rename(struct wstate *w)
{
	char to[300];
	const char *from;
	bool dir = rnd(3) == 0 && w->ndirs > 1;
	size_t n;

	from = dir ? w->dirs[1 + rnd((uint32_t)w->ndirs - 1)] : anyfile(w);
	if (from == NULL)
		return;
	if (dir && rnd(2) == 0)
		snprintf(to, sizeof(to), "%s",
		    w->dirs[1 + rnd((uint32_t)w->ndirs - 1)]);
	else if (!dir && rnd(2) == 0 && w->nfiles > 0)
		snprintf(to, sizeof(to), "%s", anyfile(w));
	else
		newname(w, to, sizeof(to), dir);
	n = strlen(from);
	if (strcmp(from, to) == 0 || strlen(to) > 60 ||
	    (dir && strncmp(to, from, n) == 0 && to[n] == '/'))
		return;
	BOTH2("rename", from, to, ak_sys_rename(P, Q));
}

static void
op_link(struct wstate *w)
{
	char to[300];
	const char *from = anyfile(w);

	if (from == NULL)
		return;
	newname(w, to, sizeof(to), false);
	BOTH2("link", from, to, ak_sys_link(P, Q));
}

static void
op_symlink(struct wstate *w)
{
	char rel[300], target[400];
	size_t len = rnd(2) ? 1 + rnd(59) : 60 + rnd(300), i;

	newname(w, rel, sizeof(rel), false);
	for (i = 0; i < len; i++)
		target[i] = (char)('a' + rnd(26));
	target[len] = '\0';
	BOTH("symlink", rel, ak_sys_symlink(target, P));
}

static void
op_mknod(struct wstate *w)
{
	static const mode_t types[] = { S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK };
	char rel[300];
	mode_t t = types[rnd(4)];
	dev_t dev = rnd(2) ? makedev(rnd(256), rnd(256)) :
	    makedev(rnd(4096), rnd(1U << 20));

	newname(w, rel, sizeof(rel), false);
	BOTH("mknod", rel, ak_sys_mknod(P, t | 0640, dev));
}

static void
op_attr(struct wstate *w)
{
	const char *rel = rnd(4) == 0 ? w->dirs[rnd((uint32_t)w->ndirs)] :
	    anyfile(w);
	struct timespec ts[2];
	mode_t mode = rnd(07777);
	uid_t uid = rnd(70000);
	gid_t gid = rnd(70000);

	if (rel == NULL)
		return;
	switch (rnd(3)) {
	case 0:
		BOTH("chmod", rel, ak_sys_fchmodat(AT_FDCWD, P, mode, 0));
		break;
	case 1:
		BOTH("chown", rel, ak_sys_lchown(P, uid, gid));
		break;
	default:
		ts[0].tv_sec = rnd(2000000000);
		ts[0].tv_nsec = rnd(1000000000);
		ts[1].tv_sec = rnd(2000000000);
		ts[1].tv_nsec = rnd(1000000000);
		BOTH("utimens", rel, ak_sys_utimensat(AT_FDCWD, P, ts,
		    AT_SYMLINK_NOFOLLOW));
	}
}

static void
op_xattr(struct wstate *w)
{
	static const char *xnames[] = { "user.a", "user.longer.name",
	    "trusted.t", "security.selinux", "security.capability",
	    "user.b" };
	static char val[3000];
	const char *rel = rnd(3) == 0 ? w->dirs[rnd((uint32_t)w->ndirs)] :
	    anyfile(w);
	const char *name = xnames[rnd(6)];
	size_t len = rnd(4) == 0 ? rnd((uint32_t)w->xmax) : rnd(32), i;
	int flags = rnd(4) == 0 ? (int)(1 + rnd(2)) : 0;
	char mp[800];
	struct stat st;

	if (rel == NULL)
		return;
	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	if (ak_sys_lstat(mp, &st) != 0 || !(S_ISREG(st.st_mode) ||
	    S_ISDIR(st.st_mode)))
		return;
	for (i = 0; i < len; i++)
		val[i] = (char)rnd(256);
	if (rnd(3) == 0)
		BOTH("removexattr", rel, ak_sys_removexattr(P, name));
	else
		BOTH("setxattr", rel, ak_sys_setxattr(P, name, val, len,
		    flags));
}

static void
random_ops(struct wstate *w, int nops)
{
	int i;

	for (i = 0; i < nops; i++) {
		if (i % 8 == 0)
			wrescan(w);
		switch (rnd(16)) {
		case 0: case 1: case 2: case 3:
			op_write(w);
			break;
		case 4:
			op_truncate(w);
			break;
		case 5:
			op_unlink(w);
			break;
		case 6: case 7:
			op_mkdir(w);
			break;
		case 8:
			op_rmdir(w);
			break;
		case 9: case 10:
			op_rename(w);
			break;
		case 11:
			op_link(w);
			break;
		case 12:
			op_symlink(w);
			break;
		case 13:
			op_mknod(w);
			break;
		case 14:
			if (w->xmax > 0)
				op_xattr(w);
			break;
		default:
			op_attr(w);
		}
	}
}

/* Give every entry of both trees the same times (mtimes compare). */
static void
same_times(struct wstate *w)
{
	struct timespec ts[2];
	int i;

	wrescan(w);
	for (i = 0; i < w->nfiles + w->ndirs; i++) {
		const char *rel = i < w->nfiles ? w->files[i] :
		    w->dirs[w->ndirs - 1 - (i - w->nfiles)];

		ts[0].tv_sec = 1000000000 + i;
		ts[0].tv_nsec = 1 + i;
		ts[1].tv_sec = 1100000000 + i * 7;
		ts[1].tv_nsec = 999999999 - i;
		BOTH("utimens", rel, ak_sys_utimensat(AT_FDCWD, P, ts,
		    AT_SYMLINK_NOFOLLOW));
	}
}

/* ---- comparing trees ---- */

static void
cmp_data(const char *mp, const char *ip, off_t size)
{
	static char a[1 << 20], b[1 << 20];
	int mf = ak_sys_open(mp, O_RDONLY), jf = ak_sys_open(ip, O_RDONLY);
	off_t off;
	ssize_t n, m;

	check(mf >= 0 && jf >= 0, "open %s", ip);
	for (off = 0; mf >= 0 && jf >= 0 && off < size; off += n) {
		/* Skip holes of the model (its data is where it says). */
		off_t d = ak_sys_lseek(mf, off, SEEK_DATA);

		if (d < 0)
			d = size;
		if (d > off) {
			/* The image must read zeros there: sample it. */
			n = ak_sys_pread(jf, b, 4096, off);
			memset(a, 0, sizeof(a));
			check(n >= 0 && memcmp(a, b, (size_t)n) == 0,
			    "%s: hole at %lld not zero", ip, (long long)off);
			n = d - off;
			continue;
		}
		n = ak_sys_pread(mf, a, sizeof(a), off);
		m = ak_sys_pread(jf, b, sizeof(b), off);
		if (n <= 0 || n != m || memcmp(a, b, (size_t)n) != 0) {
			check(0, "%s: data differ at %lld (%zd/%zd)", ip,
			    (long long)off, n, m);
			break;
		}
	}
	if (mf >= 0)
		ak_sys_close(mf);
	if (jf >= 0)
		ak_sys_close(jf);
}

static void cmp_tree(const char *rel);

static int
strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names (sorted pointers into buf) of a listxattr result; the count. */
static int
xnames_of(char *buf, ssize_t len, char **v, int max)
{
	ssize_t off;
	int n = 0;

	for (off = 0; off < len && n < max; off += (ssize_t)strlen(buf + off) +
	    1)
		v[n++] = buf + off;
	qsort(v, (size_t)n, sizeof(*v), strcmp_p);
	return n;
}

static void
cmp_xattrs(const char *mp, const char *ip, const char *rel)
{
	static char ml[4096], il[4096], mv[4096], iv[4096];
	char *mn[64], *in[64];
	ssize_t a, b;
	int n, m, i;

	a = ak_sys_llistxattr(mp, ml, sizeof(ml));
	b = ak_sys_llistxattr(ip, il, sizeof(il));
	if (a < 0 && b < 0)
		return;
	n = xnames_of(ml, a < 0 ? 0 : a, mn, 64);
	m = xnames_of(il, b < 0 ? 0 : b, in, 64);
	check(n == m, "%s: %d xattrs in the model, %d on the image", rel, n,
	    m);
	for (i = 0; i < n && i < m; i++) {
		check(strcmp(mn[i], in[i]) == 0, "%s: xattr %s vs %s", rel,
		    mn[i], in[i]);
		a = ak_sys_lgetxattr(mp, mn[i], mv, sizeof(mv));
		b = ak_sys_lgetxattr(ip, in[i], iv, sizeof(iv));
		check(a >= 0 && a == b && memcmp(mv, iv, (size_t)a) == 0,
		    "%s: xattr %s value (%zd/%zd bytes)", rel, mn[i], a, b);
	}
}

static void
cmp_entry(const char *rel)
{
	char mp[800], ip[800], ma[400], ia[400];
	struct stat ms, is;
	ssize_t n, m;

	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	snprintf(ip, sizeof(ip), MNT "/%s", rel);
	if (ak_sys_lstat(mp, &ms) != 0 || ak_sys_lstat(ip, &is) != 0) {
		check(0, "%s: missing on image (%s)", rel, strerror(errno));
		return;
	}
	check(ms.st_mode == is.st_mode && ms.st_uid == is.st_uid &&
	    ms.st_gid == is.st_gid && ms.st_nlink == is.st_nlink,
	    "%s: mode %o/%o uid %u/%u gid %u/%u nlink %lu/%lu", rel,
	    ms.st_mode, is.st_mode, ms.st_uid, is.st_uid, ms.st_gid,
	    is.st_gid, (unsigned long)ms.st_nlink, (unsigned long)is.st_nlink);
	check(ms.st_mtim.tv_sec == is.st_mtim.tv_sec &&
	    (!curnsec || ms.st_mtim.tv_nsec == is.st_mtim.tv_nsec),
	    "%s: mtime %lld.%09ld vs %lld.%09ld", rel,
	    (long long)ms.st_mtim.tv_sec, ms.st_mtim.tv_nsec,
	    (long long)is.st_mtim.tv_sec, is.st_mtim.tv_nsec);
	cmp_xattrs(mp, ip, rel);
	if (S_ISDIR(ms.st_mode)) {
		cmp_tree(rel);
		return;
	}
	check(ms.st_size == is.st_size, "%s: size %lld vs %lld", rel,
	    (long long)ms.st_size, (long long)is.st_size);
	if (S_ISREG(ms.st_mode) && ms.st_size == is.st_size)
		cmp_data(mp, ip, ms.st_size);
	if (S_ISCHR(ms.st_mode) || S_ISBLK(ms.st_mode))
		check(ms.st_rdev == is.st_rdev, "%s: rdev", rel);
	if (S_ISLNK(ms.st_mode)) {
		n = ak_sys_readlink(mp, ma, sizeof(ma));
		m = ak_sys_readlink(ip, ia, sizeof(ia));
		check(n > 0 && n == m && memcmp(ma, ia, (size_t)n) == 0,
		    "%s: link target", rel);
	}
}

/* Names in a directory (without . and ..), sorted; returns the count. */
static int
listdir(const char *path, char (*v)[256], int max)
{
	struct ak_dirent *de;
	AK_DIR *d = ak_sys_opendir(path);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = ak_sys_readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 && n < max)
			snprintf(v[n++], 256, "%s", de->d_name);
	ak_sys_closedir(d);
	qsort(v, (size_t)n, 256, (int (*)(const void *, const void *))strcmp);
	return n;
}

static void
cmp_tree(const char *rel)
{
	static char mv[MAXENT][256], iv[MAXENT][256];
	char mp[800], ip[800], sub[600];
	char (*names_)[256];
	int n, m, i;

	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	snprintf(ip, sizeof(ip), MNT "/%s", rel);
	n = listdir(mp, mv, MAXENT);
	m = listdir(ip, iv, MAXENT);
	check(n == m, "%s: %d entries in the model, %d on the image", rel, n,
	    m);
	for (i = 0; i < n && i < m; i++)
		if (strcmp(mv[i], iv[i]) != 0) {
			check(0, "%s: entry %s vs %s", rel, mv[i], iv[i]);
			return;
		}
	if (n != m || n < 0)
		return;
	/* Recursion reuses the static arrays: copy the names first. */
	if ((names_ = malloc((size_t)n * 256 + 1)) == NULL)
		return;
	memcpy(names_, mv, (size_t)n * 256);
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", names_[i]);
		cmp_entry(sub);
	}
	free(names_);
}

/* debugfs must read a sample of regular files as the model has them. */
static void
debugfs_sample(const char *img, struct wstate *w)
{
	char mp[800], out[PATH_MAX];
	static char a[1 << 16];
	struct stat st;
	int i, done = 0, fd;
	FILE *f;
	size_t n;
	off_t off;

	snprintf(out, sizeof(out), "%s/dump.bin", workdir);
	for (i = 0; i < w->nfiles && done < 8; i++) {
		snprintf(mp, sizeof(mp), MODEL "/%s", w->files[i]);
		if (ak_sys_lstat(mp, &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_size > (64 << 20))
			continue;
		done++;
		unlink(out);
		check(run("debugfs -R 'dump \"/%s\" %s' '%s' >/dev/null 2>&1",
		    w->files[i], out, img) == 0, "debugfs dump %s",
		    w->files[i]);
		if ((f = fopen(out, "rb")) == NULL ||
		    (fd = ak_sys_open(mp, O_RDONLY)) < 0) {
			check(0, "debugfs dump %s: no output", w->files[i]);
			if (f != NULL)
				fclose(f);
			continue;
		}
		off = 0;
		while ((n = fread(a, 1, sizeof(a), f)) > 0) {
			static char b[1 << 16];

			if (ak_sys_pread(fd, b, n, off) != (ssize_t)n ||
			    memcmp(a, b, n) != 0)
				break;
			off += (off_t)n;
		}
		check(off == st.st_size, "debugfs dump %s: differs at %lld "
		    "(size %lld)", w->files[i], (long long)off,
		    (long long)st.st_size);
		fclose(f);
		ak_sys_close(fd);
	}
}

/* ---- the host kernel as a third reader ---- */

static int mkimage(const char *img, const char *opts, int mib);

static char loopdir[1100];
static int loopstate;		/* 0 unknown, 1 usable, -1 not here */

/* Can the host kernel mount ext4 images here (root, loop devices)? */
static bool
loop_usable(void)
{
	char ref[1200];

	if (loopstate != 0)
		return loopstate > 0;
	loopstate = -1;
	snprintf(loopdir, sizeof(loopdir), "%s/loopmnt", workdir);
	snprintf(ref, sizeof(ref), "%s/loopref.img", workdir);
	if (geteuid() == 0 && mkdir(loopdir, 0755) == 0 &&
	    mkimage(ref, "-t ext4", 4) == 0 &&
	    run("mount -t ext4 -o loop,ro '%s' '%s' 2>/dev/null", ref,
	    loopdir) == 0 && run("umount '%s'", loopdir) == 0)
		loopstate = 1;
	unlink(ref);
	if (loopstate < 0)
		printf("SKIP: host kernel loop mounts (not root, or no loop "
		    "devices or ext4 driver here)\n");
	return loopstate > 0;
}

static int
hnames(const char *path, char (*v)[256], int max)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 && n < max)
			snprintf(v[n++], 256, "%s", de->d_name);
	closedir(d);
	qsort(v, (size_t)n, 256, (int (*)(const void *, const void *))strcmp);
	return n;
}

/* Contents of the model's mp and the host's hp agree. */
static bool
hsame_data(const char *mp, const char *hp)
{
	static char a[1 << 16], b[1 << 16];
	int mf = ak_sys_open(mp, O_RDONLY), hf = open(hp, O_RDONLY);
	bool ok = mf >= 0 && hf >= 0;
	ssize_t n, m;
	off_t off = 0, d1, d2;

	/* Chunks from wherever either side says data starts (sparse files
	 * reach past 4 GiB); both must read the same there. */
	while (ok) {
		d1 = lseek(hf, off, SEEK_DATA);
		d2 = ak_sys_lseek(mf, off, SEEK_DATA);
		if (d1 < 0 && d2 < 0)
			break;
		off = d1 < 0 ? d2 : d2 < 0 ? d1 : d1 < d2 ? d1 : d2;
		n = ak_sys_pread(mf, a, sizeof(a), off);
		m = pread(hf, b, sizeof(b), off);
		ok = n >= 0 && n == m && memcmp(a, b, (size_t)n) == 0;
		if (n <= 0)
			break;
		off += n;
	}
	if (mf >= 0)
		ak_sys_close(mf);
	if (hf >= 0)
		close(hf);
	return ok;
}

static bool
hsame_xattrs(const char *mp, const char *hp)
{
	static char ml[4096], hl[4096], mv[4096], hv[4096];
	char *mn[64], *hn[64];
	ssize_t a = ak_sys_llistxattr(mp, ml, sizeof(ml));
	ssize_t b = llistxattr(hp, hl, sizeof(hl));
	int n, m, i;

	n = xnames_of(ml, a < 0 ? 0 : a, mn, 64);
	m = xnames_of(hl, b < 0 ? 0 : b, hn, 64);
	if (n != m)
		return false;
	for (i = 0; i < n; i++) {
		if (strcmp(mn[i], hn[i]) != 0)
			return false;
		/* The host's capability code rewrites what it reads. */
		if (strcmp(mn[i], "security.capability") == 0)
			continue;
		a = ak_sys_lgetxattr(mp, mn[i], mv, sizeof(mv));
		b = lgetxattr(hp, hn[i], hv, sizeof(hv));
		if (a < 0 || a != b || memcmp(mv, hv, (size_t)a) != 0)
			return false;
	}
	return true;
}

/* The tree under the host's loop mount must be the model's. */
static void
hcmp_tree(const char *rel)
{
	char (*mv)[256] = malloc(MAXENT * 256), (*hv)[256] =
	    malloc(MAXENT * 256);
	char mp[800], hp[1900], sub[600], ma[400], ha[400];
	struct stat ms, hs;
	int n, m, i;

	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	snprintf(hp, sizeof(hp), "%s/%s", loopdir, rel);
	n = mv != NULL ? listdir(mp, mv, MAXENT) : -1;
	m = hv != NULL ? hnames(hp, hv, MAXENT) : -1;
	check(n >= 0 && n == m, "linux: %s: %d entries in the model, %d seen "
	    "by the host kernel", rel, n, m);
	for (i = 0; n == m && i < n; i++) {
		snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", mv[i]);
		snprintf(mp, sizeof(mp), MODEL "/%s", sub);
		snprintf(hp, sizeof(hp), "%s/%s", loopdir, sub);
		if (strcmp(mv[i], hv[i]) != 0 || ak_sys_lstat(mp, &ms) != 0 ||
		    lstat(hp, &hs) != 0) {
			check(0, "linux: %s: %s vs %s", rel, mv[i], hv[i]);
			break;
		}
		check(ms.st_mode == hs.st_mode && ms.st_uid == hs.st_uid &&
		    ms.st_gid == hs.st_gid && ms.st_nlink == hs.st_nlink &&
		    ms.st_mtim.tv_sec == hs.st_mtim.tv_sec &&
		    (!curnsec || ms.st_mtim.tv_nsec == hs.st_mtim.tv_nsec) &&
		    (S_ISDIR(ms.st_mode) || ms.st_size == hs.st_size) &&
		    ((!S_ISCHR(ms.st_mode) && !S_ISBLK(ms.st_mode)) ||
		    ms.st_rdev == hs.st_rdev), "linux: %s: attributes differ",
		    sub);
		check(hsame_xattrs(mp, hp), "linux: %s: xattrs differ", sub);
		if (S_ISDIR(ms.st_mode))
			hcmp_tree(sub);
		else if (S_ISREG(ms.st_mode))
			check(hsame_data(mp, hp), "linux: %s: data differ",
			    sub);
		else if (S_ISLNK(ms.st_mode)) {
			ssize_t a = ak_sys_readlink(mp, ma, sizeof(ma));
			ssize_t b = readlink(hp, ha, sizeof(ha));

			check(a > 0 && a == b && memcmp(ma, ha, (size_t)a) == 0,
			    "linux: %s: link target", sub);
		}
	}
	free(mv);
	free(hv);
}

/* Mount img with the host's ext4 driver and compare with the model. */
static void
linux_check(const char *img)
{
	if (!loop_usable())
		return;
	if (run("mount -t ext4 -o loop,ro '%s' '%s'", img, loopdir) != 0) {
		check(0, "the host kernel refuses to mount the image");
		return;
	}
	hcmp_tree("");
	check(run("umount '%s'", loopdir) == 0, "umount of the loop mount");
}

/* ---- the layouts ---- */

struct variant {
	const char	*name;
	const char	*opts;		/* mke2fs options */
	int		 mib;		/* image size */
	bool		 big;		/* may hold > 4 GiB sparse files */
	bool		 nsec;		/* inodes big enough for nanoseconds */
	int		 xmax;		/* longest xattr value (fits a
					   block six times), 0: no ext_attr */
};

static const struct variant variants[] = {
	{ "ext2", "-t ext2 -b 4096", 64, true, true, 600 },
	{ "ext3", "-t ext3 -b 4096", 64, true, true, 600 },
	{ "ext4", "-t ext4 -b 4096", 64, true, true, 600 },
	{ "ext4_1k", "-t ext4 -b 1024", 48, true, true, 100 },
	{ "ext4_gdtcsum", "-t ext4 -O ^metadata_csum,uninit_bg", 64, true,
	    true, 100 },
	{ "ext4_64seed", "-t ext4 -O 64bit,metadata_csum_seed -b 2048", 64,
	    true, true, 256 },
	{ "ext4_128", "-t ext4 -I 128 -b 4096", 64, true, false, 600 },
	{ "ext4_64k", "-t ext4 -b 65536", 256, true, true, 600 },
	{ "ext4_metabg", "-t ext4 -O meta_bg,^resize_inode -b 1024", 64, true,
	    true, 100 },
	{ "ext2_rev0", "-t ext2 -r 0 -b 1024", 32, false, false, 0 },
};

static int
mkimage(const char *img, const char *opts, int mib)
{
	unlink(img);
	return run("mke2fs -q -F %s -E root_owner=0:0 '%s' %dM "
	    ">/dev/null 2>&1", opts, img, mib);
}

static void
test_variant(const struct variant *v, uint64_t seed, int nops)
{
	char img[PATH_MAX];
	struct wstate *w = calloc(1, sizeof(*w));

	curvar = v->name;
	snprintf(img, sizeof(img), "%s/%s.img", workdir, v->name);
	if (w == NULL || mkimage(img, v->opts, v->mib) != 0) {
		check(0, "mke2fs %s", v->opts);
		free(w);
		return;
	}
	w->big = v->big;
	w->xmax = v->xmax;
	curnsec = v->nsec;
	rng = seed;
	check(ak_sys_mount("tmpfs", MODEL, 0, NULL, NULL) == 0,
	    "mount tmpfs: %s", strerror(errno));
	/* mke2fs makes lost+found: so does the model. */
	check(ak_sys_mkdir(MODEL "/lost+found", 0700) == 0, "model setup");
	if (ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		check(0, "read-write mount: %s", strerror(errno));
		ak_sys_unmount(MODEL, 0);
		free(w);
		return;
	}
	nok = nerr = 0;
	random_ops(w, nops);
	printf("%s: %d operations worked, %d failed alike\n", v->name, nok,
	    nerr);
	same_times(w);
	cmp_tree("");
	check(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
	fsck_ok(img, "after the random operations");
	/* Linux mounts no blocks larger than its pages. */
	if (strstr(v->opts, "65536") == NULL)
		linux_check(img);
	wrescan(w);
	debugfs_sample(img, w);
	/* Mounted again: the same tree, and a few more changes. */
	check(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0, "remount: %s",
	    strerror(errno));
	cmp_tree("");
	random_ops(w, nops / 4);
	same_times(w);
	cmp_tree("");
	check(ak_sys_unmount(MNT, 0) == 0, "second unmount");
	fsck_ok(img, "after the second mount");
	check(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0,
	    "read-only remount");
	cmp_tree("");
	ak_sys_unmount(MNT, 0);
	ak_sys_unmount(MODEL, AK_MNT_FORCE);
	unlink(img);
	free(w);
}

/*
 * 10,000 names added to a directory mke2fs and e2fsck -D indexed; with
 * 1 KiB blocks the index must grow a level (levels is what debugfs must
 * then report).
 */
static void
test_bigdir(const char *opts, int levels)
{
	char img[PATH_MAX], src[PATH_MAX], p[300];
	struct stat st;
	int i, fd, bad = 0;
	char *out;

	curvar = opts;
	snprintf(img, sizeof(img), "%s/htree.img", workdir);
	snprintf(src, sizeof(src), "%s/htree.src", workdir);
	run("rm -rf '%s' && mkdir -p '%s/big' && cd '%s/big' && "
	    "for i in $(seq 1 1500); do : > name_$i; done", src, src, src);
	unlink(img);
	if (run("mke2fs -q -F %s -d '%s' '%s' 64M >/dev/null 2>&1",
	    opts, src, img) != 0 || run("e2fsck -fyD '%s' >/dev/null 2>&1", img) > 2) {
		check(0, "mke2fs -d / e2fsck -D");
		return;
	}
	out = output(NULL, "debugfs -R 'htree /big' '%s' 2>&1 | "
	    "grep 'Indirect levels'", img);
	check(out != NULL && strstr(out, "levels: 0") != NULL,
	    "/big is not indexed: %s", out != NULL ? out : "");
	free(out);
	if (ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		check(0, "mount: %s", strerror(errno));
		return;
	}
	/* Remove some first (the index stays), then add 10,000. */
	for (i = 1; i <= 1500; i += 3) {
		snprintf(p, sizeof(p), MNT "/big/name_%d", i);
		bad += ak_sys_unlink(p) != 0;
	}
	check(bad == 0, "unlink in an indexed directory: %d failed", bad);
	for (i = 0; i < 10000; i++) {
		snprintf(p, sizeof(p), MNT "/big/new file %d", i);
		fd = ak_sys_open(p, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (fd < 0) {
			bad++;
			continue;
		}
		ak_sys_close(fd);
	}
	check(bad == 0, "creating 10000 files: %d failed", bad);
	/* A new directory grows past one block: indexed as it grows. */
	bad = ak_sys_mkdir(MNT "/fresh", 0755) != 0;
	for (i = 0; i < 3000; i++) {
		snprintf(p, sizeof(p), MNT "/fresh/entry number %d", i);
		fd = ak_sys_open(p, O_CREAT | O_EXCL | O_WRONLY, 0600);
		bad += fd < 0;
		if (fd >= 0)
			ak_sys_close(fd);
		if (i % 5 == 0 && i > 0) {
			snprintf(p, sizeof(p), MNT "/fresh/entry number %d",
			    i - 1);
			bad += ak_sys_unlink(p) != 0;
		}
	}
	check(bad == 0, "filling a new directory: %d failed", bad);
	check(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fsck_ok(img, "after 10000 creates");
	check(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0,
	    "remount");
	for (i = 0, bad = 0; i < 10000; i += 7) {
		snprintf(p, sizeof(p), MNT "/big/new file %d", i);
		bad += ak_sys_stat(p, &st) != 0;
	}
	for (i = 1; i <= 1500; i++) {
		snprintf(p, sizeof(p), MNT "/big/name_%d", i);
		bad += (ak_sys_stat(p, &st) == 0) != (i % 3 != 1);
	}
	for (i = 0; i < 3000; i++) {
		snprintf(p, sizeof(p), MNT "/fresh/entry number %d", i);
		bad += (ak_sys_stat(p, &st) == 0) != (i % 5 != 4 || i == 2999);
	}
	check(bad == 0, "lookups after remount: %d wrong", bad);
	ak_sys_unmount(MNT, 0);
	out = output(NULL, "debugfs -R 'ls /big' '%s' 2>/dev/null | "
	    "grep -c 'new file 9999'", img);
	check(out != NULL && atoi(out) == 1, "debugfs does not list a name");
	free(out);
	out = output(NULL, "debugfs -R 'htree /fresh' '%s' 2>&1 | "
	    "grep -c 'Indirect levels'", img);
	check(out != NULL && atoi(out) == 1, "new directory not indexed");
	free(out);
	/* Still indexed, with the levels expected. */
	out = output(NULL, "debugfs -R 'htree /big' '%s' 2>&1 | "
	    "grep 'Indirect levels'", img);
	check(out != NULL && strstr(out, "levels: ") != NULL &&
	    atoi(strstr(out, "levels: ") + 8) == levels,
	    "htree after 10000 creates: %s", out != NULL ? out : "");
	free(out);
	unlink(img);
	run("rm -rf '%s'", src);
}

/* The byte at off of the big file. */
static inline unsigned char
pattern(uint64_t off)
{
	return (unsigned char)((off * 2654435761U) >> 13);
}

/* A 300 MiB file written front to back: few extents, intact. */
static void
test_bigfile(void)
{
	static unsigned char buf[1 << 20];
	char img[PATH_MAX], dump[PATH_MAX];
	uint64_t off, total = 300ULL << 20;
	int fd, nex = -1, bad = 0;
	char *out, *s;
	FILE *f;
	size_t n, i;

	curvar = "ext4 big file";
	snprintf(img, sizeof(img), "%s/bigfile.img", workdir);
	snprintf(dump, sizeof(dump), "%s/bigfile.out", workdir);
	if (mkimage(img, "-t ext4", 512) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		check(0, "image / mount: %s", strerror(errno));
		return;
	}
	fd = ak_sys_open(MNT "/big", O_CREAT | O_WRONLY, 0644);
	for (off = 0; fd >= 0 && off < total; off += sizeof(buf)) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pattern(off + i);
		if (ak_sys_write(fd, buf, sizeof(buf)) != sizeof(buf)) {
			bad++;
			break;
		}
	}
	check(fd >= 0 && bad == 0, "writing 300 MiB: %s", strerror(errno));
	if (fd >= 0)
		ak_sys_close(fd);
	check(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fsck_ok(img, "after the big file");
	out = output(NULL, "debugfs -R 'ex /big' '%s' 2>/dev/null", img);
	if (out != NULL) {
		/* Leaf lines: "level/depth ... lblk - lblk pblk - pblk". */
		nex = 0;
		for (s = out; (s = strchr(s, '\n')) != NULL; s++)
			if (strstr(s + 1, " - ") != NULL && s[1] != '\0' &&
			    strncmp(s + 1, "Level", 5) != 0)
				nex++;
	}
	check(nex > 0 && nex <= 24, "300 MiB in %d extent lines:\n%s", nex,
	    out != NULL ? out : "");
	free(out);
	unlink(dump);
	check(run("debugfs -R 'dump /big %s' '%s' >/dev/null 2>&1", dump,
	    img) == 0, "debugfs dump");
	bad = 0;
	if ((f = fopen(dump, "rb")) != NULL) {
		for (off = 0; (n = fread(buf, 1, sizeof(buf), f)) > 0;
		    off += n)
			for (i = 0; i < n; i++)
				if (buf[i] != pattern(off + i))
					bad = 1;
		fclose(f);
	}
	check(f != NULL && off == total && bad == 0,
	    "debugfs reads the big file back wrong");
	unlink(dump);
	unlink(img);
}

/* Fill a small file system: ENOSPC, still clean, counts come back. */
static void
test_enospc(const char *name, const char *opts)
{
	static char buf[1 << 16];
	char img[PATH_MAX], p[64];
	struct statvfs before, after;
	int fd, i, err = 0;
	ssize_t n = 0;

	curvar = name;
	snprintf(img, sizeof(img), "%s/full.img", workdir);
	if (mkimage(img, opts, 24) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		check(0, "image / mount: %s", strerror(errno));
		return;
	}
	ak_sys_statvfs(MNT, &before);
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < 8 && err == 0; i++) {
		snprintf(p, sizeof(p), MNT "/fill%d", i);
		if ((fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644)) < 0)
			break;
		while ((n = ak_sys_write(fd, buf, sizeof(buf))) > 0)
			continue;
		err = errno;
		ak_sys_close(fd);
	}
	check(n < 0 && err == ENOSPC, "filling: %zd, %s", n, strerror(err));
	check(ak_sys_mkdir(MNT "/more", 0755) != 0 && errno == ENOSPC,
	    "mkdir on a full file system: %s", strerror(errno));
	check(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fsck_ok(img, "when full");
	check(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0, "remount");
	for (i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), MNT "/fill%d", i);
		ak_sys_unlink(p);
	}
	ak_sys_statvfs(MNT, &after);
	check(after.f_bfree == before.f_bfree && after.f_ffree ==
	    before.f_ffree, "free counts %llu/%llu blocks %llu/%llu inodes "
	    "after removing everything", (unsigned long long)after.f_bfree,
	    (unsigned long long)before.f_bfree,
	    (unsigned long long)after.f_ffree,
	    (unsigned long long)before.f_ffree);
	check(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fsck_ok(img, "after emptying");
	unlink(img);
}

/* A file unlinked while open lives until closed, then is freed. */
static void
test_open_unlinked(void)
{
	static char buf[1 << 16];
	char img[PATH_MAX];
	struct statvfs before, after;
	struct stat st;
	int fd, i, ok = 1;

	curvar = "unlinked while open";
	snprintf(img, sizeof(img), "%s/orphan.img", workdir);
	if (mkimage(img, "-t ext4", 32) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		check(0, "image / mount: %s", strerror(errno));
		return;
	}
	ak_sys_statvfs(MNT, &before);
	fd = ak_sys_open(MNT "/tmpfile", O_CREAT | O_RDWR, 0600);
	memset(buf, 0x33, sizeof(buf));
	for (i = 0; i < 32; i++)
		ok &= ak_sys_write(fd, buf, sizeof(buf)) == sizeof(buf);
	check(fd >= 0 && ok && ak_sys_unlink(MNT "/tmpfile") == 0,
	    "write and unlink: %s", strerror(errno));
	for (i = 0; i < 32; i++)
		ok &= ak_sys_write(fd, buf, sizeof(buf)) == sizeof(buf);
	check(ok && ak_sys_fstat(fd, &st) == 0 && st.st_nlink == 0 &&
	    st.st_size == 64 * (off_t)sizeof(buf), "write after unlink");
	check(ak_sys_pread(fd, buf, 100, 3 * sizeof(buf)) == 100 &&
	    buf[0] == 0x33 && buf[99] == 0x33, "read after unlink");
	ak_sys_close(fd);
	ak_sys_statvfs(MNT, &after);
	check(after.f_bfree == before.f_bfree && after.f_ffree ==
	    before.f_ffree, "blocks %llu/%llu inodes %llu/%llu after close",
	    (unsigned long long)after.f_bfree,
	    (unsigned long long)before.f_bfree,
	    (unsigned long long)after.f_ffree,
	    (unsigned long long)before.f_ffree);
	check(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fsck_ok(img, "after the unlinked file went");
	unlink(img);
}

/*
 * Writing into unwritten extents (made by debugfs fallocate): the
 * extent is converted, the rest of it still reads as zeros, and
 * debugfs reads back the same bytes.
 */
static void
test_unwritten(void)
{
	static char buf[409600], exp[409600];
	char img[PATH_MAX], dump[PATH_MAX];
	FILE *f;
	int fd;
	size_t n = 0;

	curvar = "unwritten extents";
	snprintf(img, sizeof(img), "%s/unwritten.img", workdir);
	snprintf(dump, sizeof(dump), "%s/unwritten.out", workdir);
	if (mkimage(img, "-t ext4 -b 4096", 16) != 0 ||
	    run("debugfs -w -f - '%s' >/dev/null 2>&1 <<'EOF'\n"
	    "write /dev/null f\nfallocate /f 0 99\nsif /f size 409600\n"
	    "EOF", img) != 0) {
		check(0, "image with an unwritten extent");
		return;
	}
	memset(exp, 0, sizeof(exp));
	check(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0, "mount: %s",
	    strerror(errno));
	fd = ak_sys_open(MNT "/f", O_RDWR);
	check(fd >= 0 && ak_sys_pread(fd, buf, sizeof(buf), 0) ==
	    (ssize_t)sizeof(buf) && memcmp(buf, exp, sizeof(buf)) == 0,
	    "reading unwritten blocks");
	memcpy(exp + 50000, "hello, unwritten", 16);
	memcpy(exp + 4096 * 99 + 10, "tail", 4);
	check(ak_sys_pwrite(fd, "hello, unwritten", 16, 50000) == 16 &&
	    ak_sys_pwrite(fd, "tail", 4, 4096 * 99 + 10) == 4,
	    "writing into unwritten blocks");
	check(ak_sys_pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf) &&
	    memcmp(buf, exp, sizeof(buf)) == 0, "reading back");
	ak_sys_close(fd);
	check(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fsck_ok(img, "after writing into unwritten extents");
	unlink(dump);
	run("debugfs -R 'dump /f %s' '%s' >/dev/null 2>&1", dump, img);
	if ((f = fopen(dump, "rb")) != NULL) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	check(n == sizeof(buf) && memcmp(buf, exp, sizeof(buf)) == 0,
	    "debugfs reads %zu bytes, not what was written", n);
	unlink(dump);
	unlink(img);
}

/*
 * Threads changing one file system at once, each in its own directory
 * and all in a shared one: files written in pieces (so that allocation
 * interleaves), read back, truncated, renamed, removed, directories
 * made and removed.  Then e2fsck must find it clean and a remount must
 * hold exactly the files the threads kept, with their bytes.
 */
#define TH_N		4
#define TH_FILES	80

struct tharg {
	int	id;
	int	errors;
};

static void
th_path(char *p, size_t sz, int id, int i, bool renamed)
{
	snprintf(p, sz, MNT "/%s/t%d_%d%s", i % 2 ? "shared" : "own",
	    id, i, renamed ? ".r" : "");
	if (i % 2 == 0)
		snprintf(p, sz, MNT "/own%d/t%d_%d%s", id, id, i,
		    renamed ? ".r" : "");
}

static size_t
th_fill(char *buf, int id, int i)
{
	size_t len = (size_t)(1000 + (id * 7919 + i * 104729) % 60000), k;

	for (k = 0; k < len; k++)
		buf[k] = (char)(id * 31 + i * 7 + k % 251);
	return len;
}

static void *
th_main(void *v)
{
	static __thread char buf[65536], back[65536];
	struct tharg *a = v;
	char p[128], q[128];
	size_t len, off;
	int i, fd;

	for (i = 0; i < TH_FILES; i++) {
		th_path(p, sizeof(p), a->id, i, false);
		len = th_fill(buf, a->id, i);
		if ((fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644)) < 0) {
			a->errors++;
			continue;
		}
		for (off = 0; off < len; off += 4000)
			if (ak_sys_pwrite(fd, buf + off, len - off < 4000 ?
			    len - off : 4000, (off_t)off) < 0)
				a->errors++;
		ak_sys_close(fd);
		fd = ak_sys_open(p, O_RDONLY);
		if (fd < 0 || ak_sys_read(fd, back, sizeof(back)) !=
		    (ssize_t)len || memcmp(buf, back, len) != 0)
			a->errors++;
		if (fd >= 0)
			ak_sys_close(fd);
		th_path(q, sizeof(q), a->id, i, true);
		switch (i % 4) {
		case 0:
			a->errors += ak_sys_rename(p, q) != 0;
			break;
		case 1:
			a->errors += ak_sys_unlink(p) != 0;
			break;
		case 2:
			a->errors += ak_sys_mkdir(q, 0755) != 0 ||
			    ak_sys_rmdir(q) != 0;
			break;
		default:
			a->errors += ak_sys_truncate(p, 100) != 0 ||
			    ak_sys_truncate(p, (off_t)len) != 0;
		}
	}
	return NULL;
}

static void
test_threads(void)
{
	static char buf[65536], back[65536];
	struct tharg args[TH_N];
	pthread_t th[TH_N];
	char img[PATH_MAX], p[128];
	struct stat st;
	int i, j, bad = 0, fd;
	size_t len;

	curvar = "threads";
	snprintf(img, sizeof(img), "%s/threads.img", workdir);
	if (mkimage(img, "-t ext4 -b 1024", 64) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		check(0, "image / mount: %s", strerror(errno));
		return;
	}
	ak_sys_mkdir(MNT "/shared", 0755);
	for (i = 0; i < TH_N; i++) {
		snprintf(p, sizeof(p), MNT "/own%d", i);
		ak_sys_mkdir(p, 0755);
		args[i].id = i;
		args[i].errors = 0;
		pthread_create(&th[i], NULL, th_main, &args[i]);
	}
	for (i = 0; i < TH_N; i++) {
		pthread_join(th[i], NULL);
		check(args[i].errors == 0, "thread %d: %d errors", i,
		    args[i].errors);
	}
	check(ak_sys_unmount(MNT, 0) == 0, "unmount");
	fsck_ok(img, "after the threads");
	check(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0,
	    "remount");
	for (i = 0; i < TH_N; i++)
		for (j = 0; j < TH_FILES; j++) {
			th_path(p, sizeof(p), i, j, j % 4 == 0);
			if (j % 4 == 1) {
				bad += ak_sys_stat(p, &st) == 0;
				continue;
			}
			len = th_fill(buf, i, j);
			if (j % 4 == 3)
				memset(buf + 100, 0, len - 100);
			fd = ak_sys_open(p, O_RDONLY);
			if (fd < 0 || ak_sys_read(fd, back, sizeof(back)) !=
			    (ssize_t)len || memcmp(buf, back, len) != 0) {
				if (bad++ == 0)
					check(0, "%s: wrong after the threads",
					    p);
			}
			if (fd >= 0)
				ak_sys_close(fd);
		}
	check(bad == 0, "%d files wrong after the threads", bad);
	ak_sys_unmount(MNT, 0);
	unlink(img);
}

/* File systems that must not be mounted read-write. */
static void
test_refused(void)
{
	char img[PATH_MAX];

	curvar = "refusals";
	snprintf(img, sizeof(img), "%s/refuse.img", workdir);
	if (mkimage(img, "-t ext4", 16) != 0) {
		check(0, "mke2fs");
		return;
	}
	check(run("debugfs -w -R 'feature needs_recovery' '%s' "
	    ">/dev/null 2>&1", img) == 0, "debugfs feature needs_recovery");
	check(ak_sys_mount("ext4", MNT, 0, img, NULL) != 0 &&
	    errno == EROFS, "needs_recovery mounted read-write: %s",
	    strerror(errno));
	check(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "needs_recovery read-only mount");
	mkimage(img, "-t ext4 -O quota", 16);
	check(ak_sys_mount("ext4", MNT, 0, img, NULL) != 0 &&
	    errno == EROFS, "quota mounted read-write: %s", strerror(errno));
	/* A clean mount and unmount changes only what Linux changes. */
	mkimage(img, "-t ext4", 16);
	check(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "mount and unmount");
	fsck_ok(img, "after an empty mount");
	/* An image that cannot be opened for writing (root ignores the
	 * mode bits, not the immutable flag). */
	chmod(img, 0444);
	if (geteuid() == 0 && run("chattr +i '%s' 2>/dev/null", img) != 0)
		printf("SKIP: read-only image file (root, no chattr +i)\n");
	else {
		check(ak_sys_mount("ext4", MNT, 0, img, NULL) != 0,
		    "read-only image file mounted read-write");
		check(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0 &&
		    ak_sys_unmount(MNT, 0) == 0,
		    "read-only image file mounted read-only: %s",
		    strerror(errno));
		if (geteuid() == 0)
			run("chattr -i '%s'", img);
	}
	unlink(img);
}

/*
 * Run as `ext2_write --nowrite IMAGE` with AK_EXT2FS_WRITE=0 (by
 * test_switch): a read-write mount must fail with EROFS, a read-only
 * one work.  Exit 0 if so.
 */
static int
nowrite_main(const char *img)
{
	int rc = 1;

	if (ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0)
		return 2;
	if (ak_sys_mount("ext4", MNT, 0, img, NULL) != 0 && errno == EROFS &&
	    ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0)
		rc = 0;
	ak_fini();
	return rc;
}

/* AK_EXT2FS_WRITE=0 switches writing off (checked in a child). */
static void
test_switch(const char *self)
{
	char img[PATH_MAX];

	curvar = "AK_EXT2FS_WRITE";
	snprintf(img, sizeof(img), "%s/switch.img", workdir);
	if (mkimage(img, "-t ext4", 16) != 0) {
		check(0, "mke2fs");
		return;
	}
	check(run("AK_EXT2FS_WRITE=0 '%s' --nowrite '%s' >/dev/null 2>&1",
	    self, img) == 0, "AK_EXT2FS_WRITE=0 did not refuse read-write");
	check(run("AK_EXT2FS_WRITE=1 '%s' --nowrite '%s' >/dev/null 2>&1",
	    self, img) == 1, "AK_EXT2FS_WRITE=1 refused read-write");
	fsck_ok(img, "after the switch test");
	unlink(img);
}

int
main(int argc, char **argv)
{
	const char *tmp = getenv("AK_TESTDIR");
	size_t i;

	if (argc == 3 && strcmp(argv[1], "--nowrite") == 0)
		return nowrite_main(argv[2]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (run("{ command -v mke2fs && command -v e2fsck && command -v "
	    "debugfs; } >/dev/null") != 0) {
		printf("SKIP: ext2 write tests (e2fsprogs not installed)\n");
		printf("ext2_write: 0 passed, 0 failed\n");
		return 0;
	}
	snprintf(workdir, sizeof(workdir), "%.900s/ext2w.%d",
	    tmp != NULL ? tmp : "/tmp", (int)getpid());
	if (mkdir(workdir, 0755) != 0 || ak_init() != 0 ||
	    ak_sys_mkdir(MNT, 0755) != 0 || ak_sys_mkdir(MODEL, 0755) != 0) {
		printf("FAIL: setup: %s\n", strerror(errno));
		printf("ext2_write: 0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		test_variant(&variants[i], 0x9E3779B97F4A7C15ULL * (i + 1),
		    1500);
	test_bigdir("-t ext4 -b 4096", 0);
	test_bigdir("-t ext4 -b 1024", 1);
	test_bigdir("-t ext3 -b 1024 -O ^metadata_csum", 1);
	test_bigfile();
	/* 1 KiB blocks: three groups, two of them BLOCK_UNINIT. */
	test_enospc("ENOSPC ext4", "-t ext4 -b 1024");
	test_enospc("ENOSPC ext4 meta_bg",
	    "-t ext4 -b 1024 -O meta_bg,^resize_inode");
	test_enospc("ENOSPC ext4 gdt_csum",
	    "-t ext4 -b 1024 -O ^metadata_csum,uninit_bg");
	test_enospc("ENOSPC ext2", "-t ext2");
	test_open_unlinked();
	test_unwritten();
	test_threads();
	test_refused();
	test_switch(argv[0]);
	ak_fini();
	if (nfail == 0)
		run("rm -rf '%s'", workdir);
	printf("ext2_write: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
