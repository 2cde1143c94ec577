/*
 * ext2w_ops.c: the seeded random operations of ext2_write, applied to
 * the image and to the tmpfs model alike (ext2_write.c)
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

#include "tests/lib/tcheck.h"
#include "tests/image/ext2w.h"

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

void
wrescan(struct wstate *w)
{
	w->ndirs = w->nfiles = 0;
	wscan(w, "");
}

/* Both results of one call must agree. */
int nok, nerr;		/* operations that worked, that failed */

static void
same(const char *op, const char *rel, long mr, int merr, long ir, int ierr)
{
	if (mr >= 0)
		nok++;
	else
		nerr++;
	tcheck(mr == ir && (mr >= 0 || merr == ierr),
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

void
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
void
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
