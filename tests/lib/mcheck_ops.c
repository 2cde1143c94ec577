/*
 * mcheck_ops.c: the random operations of a model check (mcheck.h),
 * each applied to the model and to the image alike.  Every random
 * argument is drawn before the call, which is made twice; the order of
 * the draws is the sequence a seed stands for: do not reorder them.
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
#include "tests/lib/mcheck.h"

static const char *dnames[] = { "sub", "dir2", "x", "deep" };
#define NDNAMES	(uint32_t)(sizeof(dnames) / sizeof(dnames[0]))

/* A new path: a random directory and a random name. */
static void
newname(struct mc_state *w, char *rel, size_t sz, bool dir)
{
	const char *d = w->dirs[mc_rnd(w, (uint32_t)w->ndirs)];

	snprintf(rel, sz, "%s%s%s", d, d[0] != '\0' ? "/" : "",
	    dir ? dnames[mc_rnd(w, NDNAMES)] :
	    w->caps.names[mc_rnd(w, w->caps.nnames)]);
}

static const char *
anyfile(struct mc_state *w)
{
	return w->nfiles > 0 ? w->files[mc_rnd(w, (uint32_t)w->nfiles)] :
	    NULL;
}

static const char *
anydir(struct mc_state *w)
{
	return w->dirs[mc_rnd(w, (uint32_t)w->ndirs)];
}

/* Write len bytes at off into p (created if needed). */
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

/* Where a write of a file of size bytes goes. */
static off_t
write_offset(struct mc_state *w, off_t size)
{
	const struct mc_caps *c = &w->caps;
	uint32_t k = mc_rnd(w, c->far_span != 0 ? 6 : 5);

	if (k == 0)
		return size;				/* append */
	if (k == 1)
		return (off_t)mc_rnd(w, c->sparse_span);	/* sparse */
	if (k == 2 && c->far_span != 0)
		return c->far_off + mc_rnd(w, c->far_span);
	return (off_t)mc_rnd(w, (uint32_t)size + 5000);	/* overwrite */
}

/* Create or write a file: appends, overwrites, sparse writes. */
static void
op_write(struct mc_state *w)
{
	static char buf[MC_WRITEMAX];
	uint32_t max = w->caps.write_max < sizeof(buf) ? w->caps.write_max :
	    (uint32_t)sizeof(buf);
	char rel[1024], mp[1100];
	struct stat st;
	off_t off, size = 0;
	size_t len, i;

	if (mc_rnd(w, 3) == 0 && w->nfiles > 0)
		snprintf(rel, sizeof(rel), "%s", anyfile(w));
	else
		newname(w, rel, sizeof(rel), false);
	snprintf(mp, sizeof(mp), MC_MODEL "/%s", rel);
	if (ak_sys_stat(mp, &st) == 0)
		size = st.st_size;
	len = mc_rnd(w, w->caps.write_big_in) == 0 ? mc_rnd(w, max) :
	    mc_rnd(w, 9000);
	off = write_offset(w, size);
	for (i = 0; i < len; i++)
		buf[i] = (char)mc_rnd(w, 256);
	MC_BOTH(w, "write", rel, do_write(P, buf, len, off));
}

static void
op_truncate(struct mc_state *w)
{
	const char *rel = anyfile(w);
	off_t len = mc_rnd(w, 3) == 0 ? 0 : (off_t)mc_rnd(w, 1U << 22);

	if (rel != NULL)
		MC_BOTH(w, "truncate", rel, ak_sys_truncate(P, len));
}

static void
op_unlink(struct mc_state *w)
{
	const char *rel = w->caps.unlink_dirs && mc_rnd(w, 8) == 0 ?
	    anydir(w) : anyfile(w);

	if (rel != NULL && rel[0] != '\0')
		MC_BOTH(w, "unlink", rel, ak_sys_unlink(P));
}

static void
op_mkdir(struct mc_state *w)
{
	char rel[1024];
	mode_t mode = 0700 + mc_rnd(w, 0100);

	newname(w, rel, sizeof(rel), true);
	if (strlen(rel) < w->caps.pathmax)
		MC_BOTH(w, "mkdir", rel, ak_sys_mkdir(P, mode));
}

static void
op_rmdir(struct mc_state *w)
{
	const char *rel = anydir(w);

	if (rel[0] != '\0')
		MC_BOTH(w, "rmdir", rel, ak_sys_rmdir(P));
}

/* Rename files and directories, onto new names and existing ones. */
static void
op_rename(struct mc_state *w)
{
	const struct mc_caps *c = &w->caps;
	char to[1024];
	const char *from;
	bool dir = mc_rnd(w, 3) == 0 && w->ndirs > 1, into;
	size_t n;

	from = dir ? w->dirs[1 + mc_rnd(w, (uint32_t)w->ndirs - 1)] :
	    anyfile(w);
	if (from == NULL)
		return;
	if (dir && mc_rnd(w, 2) == 0)
		snprintf(to, sizeof(to), "%s",
		    w->dirs[1 + mc_rnd(w, (uint32_t)w->ndirs - 1)]);
	else if (!dir && mc_rnd(w, 2) == 0 && w->nfiles > 0)
		snprintf(to, sizeof(to), "%s", anyfile(w));
	else
		newname(w, to, sizeof(to), dir);
	n = strlen(from);
	into = dir && strncmp(to, from, n) == 0 && to[n] == '/';
	if (strlen(to) > c->pathmax ||
	    (!c->rename_self && strcmp(from, to) == 0))
		return;
	if (c->exchange && mc_rnd(w, 6) == 0) {
		MC_BOTH2(w, "exchange", from, to, ak_sys_renameat2(AT_FDCWD,
		    P, AT_FDCWD, Q, RENAME_EXCHANGE));
		return;
	}
	/* Into itself: both refuse (EINVAL); kept rarely, if at all. */
	if (into && (!c->rename_self || mc_rnd(w, 4) != 0))
		return;
	MC_BOTH2(w, "rename", from, to, ak_sys_rename(P, Q));
}

static void
op_link(struct mc_state *w)
{
	char to[1024];
	const char *from = anyfile(w);

	if (from == NULL)
		return;
	newname(w, to, sizeof(to), false);
	MC_BOTH2(w, "link", from, to, ak_sys_link(P, Q));
}

/* Symlinks of the caps' length classes (in the inode, in a block). */
static void
op_symlink(struct mc_state *w)
{
	const struct mc_span *k =
	    &w->caps.symlens[mc_rnd(w, w->caps.nsymlens)];
	char rel[1024], target[1100];
	size_t len = k->base + mc_rnd(w, k->span), i;

	if (len >= sizeof(target))
		len = sizeof(target) - 1;
	newname(w, rel, sizeof(rel), false);
	for (i = 0; i < len; i++)
		target[i] = (char)('a' + mc_rnd(w, 26));
	target[len] = '\0';
	MC_BOTH(w, "symlink", rel, ak_sys_symlink(target, P));
}

static void
op_mknod(struct mc_state *w)
{
	static const mode_t types[] = { S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK };
	char rel[1024];
	mode_t t = types[mc_rnd(w, 4)];
	dev_t dev = mc_rnd(w, 2) ? makedev(mc_rnd(w, 256), mc_rnd(w, 256)) :
	    makedev(mc_rnd(w, 4096), mc_rnd(w, 1U << 20));

	newname(w, rel, sizeof(rel), false);
	MC_BOTH(w, "mknod", rel, ak_sys_mknod(P, t | 0640, dev));
}

static void
op_attr(struct mc_state *w)
{
	const char *rel = mc_rnd(w, 4) == 0 ? anydir(w) : anyfile(w);
	struct timespec ts[2];
	mode_t mode = mc_rnd(w, 07777);
	uid_t uid = mc_rnd(w, 70000);
	gid_t gid = mc_rnd(w, 70000);

	if (rel == NULL)
		return;
	switch (mc_rnd(w, 3)) {
	case 0:
		MC_BOTH(w, "chmod", rel, ak_sys_fchmodat(AT_FDCWD, P, mode, 0));
		break;
	case 1:
		MC_BOTH(w, "chown", rel, ak_sys_lchown(P, uid, gid));
		break;
	default:
		ts[0].tv_sec = mc_rnd(w, 2000000000);
		ts[0].tv_nsec = mc_rnd(w, 1000000000);
		ts[1].tv_sec = mc_rnd(w, 2000000000);
		ts[1].tv_nsec = mc_rnd(w, 1000000000);
		MC_BOTH(w, "utimens", rel, ak_sys_utimensat(AT_FDCWD, P, ts,
		    AT_SYMLINK_NOFOLLOW));
	}
}

/* Extended attributes of files and directories set and removed. */
static void
op_xattr(struct mc_state *w)
{
	static char val[MC_XATTRMAX];
	const struct mc_caps *c = &w->caps;
	const char *rel = mc_rnd(w, 3) == 0 ? anydir(w) : anyfile(w);
	const char *name = c->xnames[mc_rnd(w, c->nxnames)];
	size_t len = mc_rnd(w, 4) == 0 ? mc_rnd(w, c->xmax) :
	    mc_rnd(w, c->xsmall), i;
	int flags = mc_rnd(w, 4) == 0 ? (int)(1 + mc_rnd(w, 2)) : 0;
	char mp[1100];
	struct stat st;

	if (rel == NULL || len > sizeof(val))
		return;
	snprintf(mp, sizeof(mp), MC_MODEL "/%s", rel);
	if (ak_sys_lstat(mp, &st) != 0 || !(S_ISREG(st.st_mode) ||
	    S_ISDIR(st.st_mode)))
		return;
	for (i = 0; i < len; i++)
		val[i] = (char)mc_rnd(w, 256);
	if (mc_rnd(w, 3) == 0)
		MC_BOTH(w, "removexattr", rel, ak_sys_removexattr(P, name));
	else
		MC_BOTH(w, "setxattr", rel, ak_sys_setxattr(P, name, val, len,
		    flags));
}

void
mc_op(struct mc_state *w, char op)
{
	switch (op) {
	case 'w':
		op_write(w);
		break;
	case 't':
		op_truncate(w);
		break;
	case 'u':
		op_unlink(w);
		break;
	case 'm':
		op_mkdir(w);
		break;
	case 'd':
		op_rmdir(w);
		break;
	case 'r':
		op_rename(w);
		break;
	case 'l':
		op_link(w);
		break;
	case 's':
		op_symlink(w);
		break;
	case 'n':
		op_mknod(w);
		break;
	case 'x':
		op_xattr(w);
		break;
	case 'a':
		op_attr(w);
		break;
	default:	/* '-': nothing */
		break;
	}
}
