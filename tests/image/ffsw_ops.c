/*
 * ffsw_ops.c: the seeded random operations of ffs_write, applied to the
 * FFS image and to the tmpfs model alike; each call must give the same
 * result (and the same errno) on both.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ffsw.h"

int fw_nok, fw_nerr;
static const char *fw_rel2;	/* the second path, for the trace */

/* Names of every length class: short, long, 255 bytes, UTF-8. */
static const char *names[] = {
	"a", "bb", "file.txt", "with space", "\xc3\xbcml\xc3\xa4ut", "c",
	"d.dat", "e",
	"a_rather_long_name_that_takes_a_big_record_in_the_chunk_0123456789",
	"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL",
};
static const char *dnames[] = { "sub", "dir2", "x", "deep" };
#define NNAMES	(uint32_t)(sizeof(names) / sizeof(names[0]))
#define NDNAMES	(uint32_t)(sizeof(dnames) / sizeof(dnames[0]))

/* Record rel (shorter than the state's paths) in v[*np]. */
static void
keep(char (*v)[512], int *np, const char *rel)
{
	size_t len = strlen(rel);

	if (*np < MAXENT && len < sizeof(v[0])) {
		memcpy(v[*np], rel, len + 1);
		(*np)++;
	}
}

/* Collect the model's directories and other entries under rel. */
static void
scan(struct fw_state *w, const char *rel)
{
	char path[1100], sub[1024];
	struct ak_dirent *de;
	struct stat st;
	AK_DIR *d;

	keep(w->dirs, &w->ndirs, rel);
	snprintf(path, sizeof(path), MODEL "/%s", rel);
	if ((d = ak_sys_opendir(path)) == NULL)
		return;
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", de->d_name);
		/* Paths too long for the state are left alone. */
		if (strlen(sub) >= sizeof(w->dirs[0]))
			continue;
		snprintf(path, sizeof(path), MODEL "/%s", sub);
		if (ak_sys_lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			scan(w, sub);
		else
			keep(w->files, &w->nfiles, sub);
	}
	ak_sys_closedir(d);
}

void
fw_rescan(struct fw_state *w)
{
	w->ndirs = w->nfiles = 0;
	scan(w, "");
}

void
fw_both_ret(const char *op, const char *rel, long mr, int merr, long ir,
    int ierr)
{
	static int trace = -1;

	if (trace < 0)
		trace = getenv("FFSW_TRACE") != NULL;
	if (trace)
		printf("op %s %.60s -> %.60s: %ld/%ld\n", op, rel, fw_rel2,
		    mr, ir);
	if (mr >= 0)
		fw_nok++;
	else
		fw_nerr++;
	tcheck(mr == ir && (mr >= 0 || merr == ierr),
	    "%s %s: model %ld (%s), image %ld (%s)", op, rel, mr,
	    mr < 0 ? strerror(merr) : "ok", ir, ir < 0 ? strerror(ierr) : "ok");
}

/* Run call with P (and Q) naming rel (and rel2) in the model, then the
 * image; compare. */
#define BOTH2(op, rel, rel2, call)	do {				\
	char mp_[900], ip_[900], mq_[900], iq_[900];			\
	long mr_, ir_;							\
	int me_, ie_;							\
	const char *P, *Q;						\
	snprintf(mp_, sizeof(mp_), MODEL "/%s", rel);			\
	snprintf(ip_, sizeof(ip_), MNT "/%s", rel);			\
	snprintf(mq_, sizeof(mq_), MODEL "/%s", rel2);			\
	snprintf(iq_, sizeof(iq_), MNT "/%s", rel2);			\
	P = mp_; Q = mq_; errno = 0; mr_ = (long)(call); me_ = errno;	\
	P = ip_; Q = iq_; errno = 0; ir_ = (long)(call); ie_ = errno;	\
	(void)Q;							\
	fw_rel2 = rel2;							\
	fw_both_ret(op, rel, mr_, me_, ir_, ie_);			\
} while (0)
#define BOTH(op, rel, call)	BOTH2(op, rel, rel, call)

/* A new path: a random directory and a random name. */
static void
newname(const struct fw_state *w, char *rel, size_t sz, bool dir)
{
	const char *d = w->dirs[fw_rnd((uint32_t)w->ndirs)];

	snprintf(rel, sz, "%s%s%s", d, d[0] != '\0' ? "/" : "",
	    dir ? dnames[fw_rnd(NDNAMES)] : names[fw_rnd(NNAMES)]);
}

static const char *
anyfile(const struct fw_state *w)
{
	return w->nfiles > 0 ? w->files[fw_rnd((uint32_t)w->nfiles)] : NULL;
}

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

/* Create or write a file: appends, overwrites, sparse writes. */
static void
op_write(struct fw_state *w)
{
	static char buf[200000];
	char rel[800], mp[900];
	struct stat st;
	off_t off, size = 0;
	size_t len, i;

	if (fw_rnd(3) == 0 && w->nfiles > 0)
		snprintf(rel, sizeof(rel), "%s", anyfile(w));
	else
		newname(w, rel, sizeof(rel), false);
	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	if (ak_sys_stat(mp, &st) == 0)
		size = st.st_size;
	len = fw_rnd(8) == 0 ? fw_rnd(sizeof(buf)) : fw_rnd(9000);
	switch (fw_rnd(5)) {
	case 0:
		off = size;
		break;
	case 1:
		off = (off_t)fw_rnd(1U << 25);	/* sparse, up to 32 MiB */
		break;
	default:
		off = (off_t)fw_rnd((uint32_t)size + 5000);
	}
	for (i = 0; i < len; i++)
		buf[i] = (char)fw_rnd(256);
	BOTH("write", rel, do_write(P, buf, len, off));
}

static void
op_truncate(struct fw_state *w)
{
	const char *rel = anyfile(w);
	off_t len = fw_rnd(3) == 0 ? 0 : (off_t)fw_rnd(1U << 22);

	if (rel != NULL)
		BOTH("truncate", rel, ak_sys_truncate(P, len));
}

static void
op_unlink(struct fw_state *w)
{
	const char *rel = fw_rnd(8) == 0 ? w->dirs[fw_rnd((uint32_t)w->ndirs)]
	    : anyfile(w);

	if (rel != NULL && rel[0] != '\0')
		BOTH("unlink", rel, ak_sys_unlink(P));
}

static void
op_mkdir(struct fw_state *w)
{
	char rel[800];
	mode_t mode = 0700 + fw_rnd(0100);

	newname(w, rel, sizeof(rel), true);
	if (strlen(rel) < 200)
		BOTH("mkdir", rel, ak_sys_mkdir(P, mode));
}

static void
op_rmdir(struct fw_state *w)
{
	const char *rel = w->dirs[fw_rnd((uint32_t)w->ndirs)];

	if (rel[0] != '\0')
		BOTH("rmdir", rel, ak_sys_rmdir(P));
}

/* Rename files and directories, onto new names and existing ones. */
static void
op_rename(struct fw_state *w)
{
	char to[800];
	const char *from;
	bool dir = fw_rnd(3) == 0 && w->ndirs > 1;
	size_t n;

	from = dir ? w->dirs[1 + fw_rnd((uint32_t)w->ndirs - 1)] : anyfile(w);
	if (from == NULL)
		return;
	if (dir && fw_rnd(2) == 0)
		snprintf(to, sizeof(to), "%s",
		    w->dirs[1 + fw_rnd((uint32_t)w->ndirs - 1)]);
	else if (!dir && fw_rnd(2) == 0 && w->nfiles > 0)
		snprintf(to, sizeof(to), "%s", anyfile(w));
	else
		newname(w, to, sizeof(to), dir);
	n = strlen(from);
	if (strlen(to) > 200)
		return;
	if (fw_rnd(6) == 0) {
		BOTH2("exchange", from, to, ak_sys_renameat2(AT_FDCWD, P,
		    AT_FDCWD, Q, RENAME_EXCHANGE));
		return;
	}
	/* Into itself: both refuse (EINVAL); keep it, rarely. */
	if (dir && strncmp(to, from, n) == 0 && to[n] == '/' &&
	    fw_rnd(4) != 0)
		return;
	BOTH2("rename", from, to, ak_sys_rename(P, Q));
}

static void
op_link(struct fw_state *w)
{
	char to[800];
	const char *from = anyfile(w);

	if (from == NULL)
		return;
	newname(w, to, sizeof(to), false);
	BOTH2("link", from, to, ak_sys_link(P, Q));
}

/* Short (fast, in the inode) and long (a block) symlinks. */
static void
op_symlink(struct fw_state *w)
{
	char rel[800], target[1100];
	size_t len, i;

	switch (fw_rnd(4)) {
	case 0:
		len = 1 + fw_rnd(58);
		break;
	case 1:
		len = 58 + fw_rnd(66);	/* around 60 and 120 */
		break;
	default:
		len = 124 + fw_rnd(900);
	}
	newname(w, rel, sizeof(rel), false);
	for (i = 0; i < len; i++)
		target[i] = (char)('a' + fw_rnd(26));
	target[len] = '\0';
	BOTH("symlink", rel, ak_sys_symlink(target, P));
}

static void
op_mknod(struct fw_state *w)
{
	static const mode_t types[] = { S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK };
	char rel[800];
	mode_t t = types[fw_rnd(4)];
	dev_t dev = fw_rnd(2) ? makedev(fw_rnd(256), fw_rnd(256)) :
	    makedev(fw_rnd(4096), fw_rnd(1U << 20));

	newname(w, rel, sizeof(rel), false);
	BOTH("mknod", rel, ak_sys_mknod(P, t | 0640, dev));
}

static void
op_attr(struct fw_state *w)
{
	const char *rel = fw_rnd(4) == 0 ? w->dirs[fw_rnd((uint32_t)w->ndirs)]
	    : anyfile(w);
	struct timespec ts[2];
	mode_t mode = fw_rnd(07777);
	uid_t uid = fw_rnd(70000);
	gid_t gid = fw_rnd(70000);

	/* The arguments are drawn once: the call is made twice. */
	if (rel == NULL)
		return;
	switch (fw_rnd(3)) {
	case 0:
		BOTH("chmod", rel, ak_sys_fchmodat(AT_FDCWD, P, mode, 0));
		break;
	case 1:
		BOTH("chown", rel, ak_sys_lchown(P, uid, gid));
		break;
	default:
		ts[0].tv_sec = fw_rnd(2000000000);
		ts[0].tv_nsec = fw_rnd(1000000000);
		ts[1].tv_sec = fw_rnd(2000000000);
		ts[1].tv_nsec = fw_rnd(1000000000);
		BOTH("utimens", rel, ak_sys_utimensat(AT_FDCWD, P, ts,
		    AT_SYMLINK_NOFOLLOW));
	}
}

/* UFS2 extended attributes (user.*) of files and directories. */
static void
op_xattr(struct fw_state *w)
{
	static const char *xnames[] = { "user.a", "user.longer.name",
	    "user.b" };
	static char val[2000];
	const char *rel = fw_rnd(3) == 0 ? w->dirs[fw_rnd((uint32_t)w->ndirs)]
	    : anyfile(w);
	const char *name = xnames[fw_rnd(3)];
	size_t len = fw_rnd(4) == 0 ? fw_rnd(sizeof(val)) : fw_rnd(40), i;
	int flags = fw_rnd(4) == 0 ? (int)(1 + fw_rnd(2)) : 0;
	char mp[900];
	struct stat st;

	if (rel == NULL)
		return;
	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	if (ak_sys_lstat(mp, &st) != 0 || !(S_ISREG(st.st_mode) ||
	    S_ISDIR(st.st_mode)))
		return;
	for (i = 0; i < len; i++)
		val[i] = (char)fw_rnd(256);
	if (fw_rnd(3) == 0)
		BOTH("removexattr", rel, ak_sys_removexattr(P, name));
	else
		BOTH("setxattr", rel, ak_sys_setxattr(P, name, val, len,
		    flags));
}

void
fw_random_ops(struct fw_state *w, int nops)
{
	int i;

	for (i = 0; i < nops; i++) {
		if (i % 8 == 0)
			fw_rescan(w);
		switch (fw_rnd(16)) {
		case 0: case 1: case 2:
			op_write(w);
			break;
		case 3:
			op_truncate(w);
			break;
		case 4: case 5:
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
			if (w->xattr) {
				op_xattr(w);
				break;
			}
			/* FALLTHROUGH */
		default:
			op_attr(w);
		}
	}
}

/* Give every entry of both trees the same times (mtimes compare). */
void
fw_same_times(struct fw_state *w)
{
	struct timespec ts[2];
	int i;

	fw_rescan(w);
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
