/*
 * vc_engine.c: recording calls and comparing the two sides' records.
 *
 * Each recorder captures errno before doing anything else, so that its
 * own work (formatting, allocation) cannot disturb the value compared.
 * Data returned by a call is turned into a canonical text that leaves
 * out what legitimately differs between two file systems: inode
 * numbers, directory sizes, block counts, and times unless the scenario
 * set them (c_times) or owners unless it set them (c_owners).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vfs/vfs_conform.h"

#define VC_MAXFAIL	8	/* FAIL lines printed per scenario */
#define VC_SHOWBYTES	48	/* data bytes shown in a record */

static void
vc_push(struct vc *c, int line, const char *op, const char *a,
    const char *b, long ret, int err, char *data)
{
	struct vc_rec *r;

	if (c->c_nrec == c->c_cap) {
		size_t ncap = c->c_cap ? 2 * c->c_cap : 64;
		struct vc_rec *nr = realloc(c->c_rec, ncap * sizeof(*nr));

		if (nr == NULL) {
			fprintf(stderr, "vfs_conform: out of memory\n");
			exit(2);
		}
		c->c_rec = nr;
		c->c_cap = ncap;
	}
	r = &c->c_rec[c->c_nrec++];
	r->r_line = line;
	if (a != NULL && b != NULL)
		snprintf(r->r_desc, sizeof(r->r_desc), "%s(%.40s, %.40s)",
		    op, a, b);
	else if (a != NULL)
		snprintf(r->r_desc, sizeof(r->r_desc), "%s(%.80s)", op, a);
	else
		snprintf(r->r_desc, sizeof(r->r_desc), "%s()", op);
	r->r_ret = ret;
	r->r_err = ret == -1 ? err : 0;
	r->r_data = data;
}

static char *
vc_strf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

long
vc_int(struct vc *c, int line, const char *op, const char *a, const char *b,
    enum vc_kind kind, long ret)
{
	int err = errno;

	vc_push(c, line, op, a, b, kind == VK_FD && ret >= 0 ? 0 : ret, err,
	    NULL);
	return ret;
}

/* A free-form value the scenario computed; compared like a result. */
void
vc_note(struct vc *c, int line, const char *what, long val)
{
	vc_push(c, line, what, NULL, NULL, val, 0, NULL);
}

static const char *
vc_typename(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:	return "reg";
	case S_IFDIR:	return "dir";
	case S_IFLNK:	return "lnk";
	case S_IFIFO:	return "fifo";
	case S_IFCHR:	return "chr";
	case S_IFBLK:	return "blk";
	case S_IFSOCK:	return "sock";
	default:	return "?";
	}
}

int vc_modebits = 1;

static char *
vc_stattext(const struct vc *c, const struct stat *st)
{
	char size[32] = "", own[48] = "", tim[96] = "";

	/* Directory sizes are a property of each file system. */
	if (!S_ISDIR(st->st_mode))
		snprintf(size, sizeof(size), " size=%lld",
		    (long long)st->st_size);
	if (c->c_owners)
		snprintf(own, sizeof(own), " uid=%u gid=%u",
		    (unsigned)st->st_uid, (unsigned)st->st_gid);
	if (c->c_times)
		snprintf(tim, sizeof(tim), " atime=%lld.%09ld mtime=%lld.%09ld",
		    (long long)st->st_atim.tv_sec, st->st_atim.tv_nsec,
		    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	return vc_strf("%s mode=%04o%s nlink=%lu%s%s",
	    vc_typename(st->st_mode),
	    vc_modebits ? (unsigned)(st->st_mode & 07777) : 0, size,
	    (unsigned long)st->st_nlink, own, tim);
}

int
vc_stat(struct vc *c, int line, int dirfd, const char *path, int flags)
{
	struct stat st;
	int rv, err;

	errno = 0;
	rv = c->c_o->o_fstatat(dirfd, path, &st, flags);
	err = errno;
	vc_push(c, line, flags ? "lstat" : "stat", path, NULL, rv, err,
	    rv == 0 ? vc_stattext(c, &st) : NULL);
	return rv;
}

int
vc_fstat(struct vc *c, int line, int fd)
{
	struct stat st;
	int rv, err;

	errno = 0;
	rv = c->c_o->o_fstat(fd, &st);
	err = errno;
	vc_push(c, line, "fstat", NULL, NULL, rv, err,
	    rv == 0 ? vc_stattext(c, &st) : NULL);
	return rv;
}

/* Data as text: the first bytes escaped, then length and hash. */
static char *
vc_datatext(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	char show[4 * VC_SHOWBYTES + 1];
	size_t i, o = 0;

	for (i = 0; i < len && i < VC_SHOWBYTES; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			show[o++] = (char)p[i];
		else
			o += (size_t)snprintf(show + o, sizeof(show) - o,
			    "\\%02x", p[i]);
	}
	show[o] = '\0';
	return vc_strf("len=%zu hash=%016llx \"%s%s\"", len,
	    (unsigned long long)vt_hash(buf, len), show,
	    len > VC_SHOWBYTES ? "..." : "");
}

static ssize_t
vc_doread(struct vc *c, int line, int fd, size_t n, off_t off, int pos)
{
	char *buf;
	ssize_t rv;
	int err;

	if ((buf = malloc(n ? n : 1)) == NULL)
		exit(2);
	errno = 0;
	rv = pos ? c->c_o->o_pread(fd, buf, n, off) :
	    c->c_o->o_read(fd, buf, n);
	err = errno;
	vc_push(c, line, pos ? "pread" : "read", NULL, NULL, rv, err,
	    rv >= 0 ? vc_datatext(buf, (size_t)rv) : NULL);
	free(buf);
	return rv;
}

ssize_t
vc_read(struct vc *c, int line, int fd, size_t n)
{
	return vc_doread(c, line, fd, n, 0, 0);
}

ssize_t
vc_pread(struct vc *c, int line, int fd, size_t n, off_t off)
{
	return vc_doread(c, line, fd, n, off, 1);
}

/* The whole contents of a file, read in odd-sized pieces. */
int
vc_cat(struct vc *c, int line, const char *path)
{
	const struct vt_ops *o = c->c_o;
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, err = 0, rv = 0;

	if ((fd = o->o_openat(AT_FDCWD, path, O_RDONLY, 0)) < 0) {
		err = errno;
		vc_push(c, line, "cat", path, NULL, -1, err, NULL);
		return -1;
	}
	for (;;) {
		/* Reads of 3001 bytes (odd on purpose); the buffer doubles. */
		if (len + 3001 > cap) {
			cap = cap * 2 + 3001;
			if ((nb = realloc(buf, cap)) == NULL)
				exit(2);
			buf = nb;
		}
		if ((n = o->o_read(fd, buf + len, 3001)) <= 0) {
			if (n < 0) {
				err = errno;
				rv = -1;
			}
			break;
		}
		len += (size_t)n;
	}
	o->o_close(fd);
	vc_push(c, line, "cat", path, NULL, rv, err,
	    rv == 0 ? vc_datatext(buf, len) : NULL);
	free(buf);
	return rv;
}

static char *
vc_listtext(struct vt_strlist *sl)
{
	char *s = NULL, *t;
	size_t i;

	vt_sl_sort(sl);
	for (i = 0; i < sl->sl_n; i++) {
		t = vc_strf("%s%s%s", s ? s : "", s ? " " : "", sl->sl_v[i]);
		free(s);
		s = t;
	}
	return s ? s : vc_strf("(empty)");
}

int
vc_ls(struct vc *c, int line, const char *path)
{
	struct vt_strlist sl;
	int rv, err;

	vt_sl_init(&sl);
	errno = 0;
	rv = c->c_o->o_listdir(path, &sl);
	err = errno;
	vc_push(c, line, "readdir", path, NULL, rv, err,
	    rv == 0 ? vc_listtext(&sl) : NULL);
	vt_sl_free(&sl);
	return rv;
}

int
vc_fls(struct vc *c, int line, int fd)
{
	struct vt_strlist sl;
	int rv, err;

	vt_sl_init(&sl);
	errno = 0;
	rv = c->c_o->o_flistdir(fd, &sl);
	err = errno;
	vc_push(c, line, "fdopendir+readdir", NULL, NULL, rv, err,
	    rv == 0 ? vc_listtext(&sl) : NULL);
	vt_sl_free(&sl);
	return rv;
}

ssize_t
vc_readlink(struct vc *c, int line, int dirfd, const char *path, size_t n)
{
	char buf[PATH_MAX];
	ssize_t rv;
	int err;

	if (n > sizeof(buf))
		n = sizeof(buf);
	errno = 0;
	rv = c->c_o->o_readlinkat(dirfd, path, buf, n);
	err = errno;
	vc_push(c, line, "readlink", path, NULL, rv, err,
	    rv >= 0 ? vc_datatext(buf, (size_t)rv) : NULL);
	return rv;
}

/* The current directory, relative to the scenario's directory. */
int
vc_getcwd(struct vc *c, int line, size_t n)
{
	char buf[PATH_MAX];
	size_t rl = strlen(c->c_root);
	char *p;
	int err;

	if (n > sizeof(buf))
		n = sizeof(buf);
	errno = 0;
	p = c->c_o->o_getcwd(buf, n);
	err = errno;
	if (p == NULL) {
		vc_push(c, line, "getcwd", NULL, NULL, -1, err, NULL);
		return -1;
	}
	if (strncmp(buf, c->c_root, rl) == 0 &&
	    (buf[rl] == '/' || buf[rl] == '\0'))
		p = vc_strf("<root>%s", buf + rl);
	else
		p = vc_strf("outside:%s", buf);
	vc_push(c, line, "getcwd", NULL, NULL, 0, 0, p);
	return 0;
}

ssize_t
vc_getxattr(struct vc *c, int line, const char *path, const char *name,
    size_t n)
{
	char buf[4096];
	ssize_t rv;
	int err;

	if (n > sizeof(buf))
		n = sizeof(buf);
	errno = 0;
	rv = c->c_o->o_getxattr(path, name, n ? buf : NULL, n);
	err = errno;
	vc_push(c, line, "getxattr", path, name, rv, err,
	    rv >= 0 && n > 0 ? vc_datatext(buf, (size_t)rv) : NULL);
	return rv;
}

/*
 * The user.* names only, sorted: a host file system may add its own
 * (security.selinux), and listxattr promises no order.  With n == 0 the
 * size query is recorded, but only as "enough for the user.* names",
 * since the host's other names count in its answer.
 */
ssize_t
vc_listxattr(struct vc *c, int line, const char *path, size_t n)
{
	struct vt_strlist sl;
	char buf[4096];
	ssize_t rv, i;
	int err;

	if (n > sizeof(buf))
		n = sizeof(buf);
	errno = 0;
	rv = c->c_o->o_listxattr(path, n ? buf : NULL, n);
	err = errno;
	if (rv < 0 || n == 0) {
		vc_push(c, line, "listxattr", path, NULL, rv < 0 ? -1 : 0,
		    err, NULL);
		return rv;
	}
	vt_sl_init(&sl);
	for (i = 0; i < rv; i += (ssize_t)strlen(buf + i) + 1)
		if (strncmp(buf + i, "user.", 5) == 0)
			vt_sl_add(&sl, buf + i);
	vc_push(c, line, "listxattr", path, NULL, 0, 0, vc_listtext(&sl));
	vt_sl_free(&sl);
	return rv;
}

/*
 * Direct assertion: with e == 0 the call must succeed (not -1), else it
 * must fail with errno e.  Prints a FAIL line and counts it otherwise.
 */
long
vc_expect(struct vc *c, int line, const char *op, const char *a, int e,
    long ret)
{
	int err = errno;
	int ok = e == 0 ? ret != -1 : (ret == -1 && err == e);

	if (!ok) {
		printf("FAIL: %s: line %d: %s(%s): expected %s, got %ld%s%s\n",
		    c->c_scen, line, op, a ? a : "", e ? vt_errname(e) :
		    "success", ret, ret == -1 ? " " : "",
		    ret == -1 ? vt_errname(err) : "");
		c->c_nfail++;
	}
	return ret;
}

void
vc_check(struct vc *c, int line, const char *what, int cond)
{
	if (!cond) {
		printf("FAIL: %s: line %d: %s\n", c->c_scen, line, what);
		c->c_nfail++;
	}
}

void
vc_skip(struct vc *c, const char *what, const char *why)
{
	printf("SKIP: %s: %s (%s)\n", c->c_scen, what, why);
	c->c_nskip++;
}

void
vc_reset(struct vc *c)
{
	size_t i;

	for (i = 0; i < c->c_nrec; i++)
		free(c->c_rec[i].r_data);
	free(c->c_rec);
	c->c_rec = NULL;
	c->c_nrec = c->c_cap = 0;
	c->c_owners = c->c_times = 0;
	c->c_nfail = c->c_nskip = 0;
}

static void
vc_restext(const struct vc_rec *r, char *buf, size_t len)
{
	if (r->r_ret == -1)
		snprintf(buf, len, "-1 %s", vt_errname(r->r_err));
	else if (r->r_data != NULL)
		snprintf(buf, len, "%ld [%s]", r->r_ret, r->r_data);
	else
		snprintf(buf, len, "%ld", r->r_ret);
}

static int
vc_recsame(const struct vc_rec *x, const struct vc_rec *y)
{
	if (x->r_line != y->r_line || x->r_ret != y->r_ret ||
	    x->r_err != y->r_err)
		return 0;
	if ((x->r_data == NULL) != (y->r_data == NULL))
		return 0;
	return x->r_data == NULL || strcmp(x->r_data, y->r_data) == 0;
}

/*
 * Compare the anykernel's record (ak) with the host's (h); print a FAIL
 * line per difference (at most VC_MAXFAIL) and return their number.
 */
int
vc_compare(const struct vc *ak, const struct vc *h)
{
	char ta[512], th[512];
	size_t i, n = ak->c_nrec > h->c_nrec ? ak->c_nrec : h->c_nrec;
	int nbad = 0;

	for (i = 0; i < n; i++) {
		const struct vc_rec *x = i < ak->c_nrec ? &ak->c_rec[i] : NULL;
		const struct vc_rec *y = i < h->c_nrec ? &h->c_rec[i] : NULL;

		if (x != NULL && y != NULL && vc_recsame(x, y))
			continue;
		if (nbad++ >= VC_MAXFAIL)
			continue;
		if (x == NULL || y == NULL || x->r_line != y->r_line) {
			printf("FAIL: %s: call %zu: records out of step "
			    "(ak line %d, host line %d)\n", ak->c_scen, i,
			    x ? x->r_line : -1, y ? y->r_line : -1);
			break;
		}
		vc_restext(x, ta, sizeof(ta));
		vc_restext(y, th, sizeof(th));
		printf("FAIL: %s: line %d: %s: ak=%s host=%s\n", ak->c_scen,
		    x->r_line, y->r_desc, ta, th);
	}
	if (nbad > VC_MAXFAIL)
		printf("FAIL: %s: ... %d differences in all\n", ak->c_scen,
		    nbad);
	return nbad;
}

/*
 * The names in a directory as one record: their number, the first and
 * last in sorted order, and a hash of the sorted list, so that a
 * directory of thousands of entries is compared as a set without
 * thousands of bytes of record.
 */
int
vc_lshash(struct vc *c, int line, const char *path)
{
	struct vt_strlist sl;
	uint64_t h = 0;
	size_t i;
	int rv, err;

	vt_sl_init(&sl);
	errno = 0;
	rv = c->c_o->o_listdir(path, &sl);
	err = errno;
	vt_sl_sort(&sl);
	for (i = 0; rv == 0 && i < sl.sl_n; i++)
		h = vt_hash(sl.sl_v[i], strlen(sl.sl_v[i]) + 1) ^ (h * 31);
	vc_push(c, line, "readdir (hashed)", path, NULL, rv, err,
	    rv != 0 ? NULL : vc_strf("n=%zu first=%.40s last=%.40s "
	    "hash=%016llx", sl.sl_n, sl.sl_n ? sl.sl_v[0] : "",
	    sl.sl_n ? sl.sl_v[sl.sl_n - 1] : "", (unsigned long long)h));
	vt_sl_free(&sl);
	return rv;
}

void
vc_tally_init(struct vc_tally *t)
{
	memset(t, 0, sizeof(*t));
	t->t_first = -1;
}

/*
 * Fold one call's result into t: like vc_int, but only the count, the
 * first failure and a hash of the sequence of (result, errno) are kept.
 */
long
vc_tally_add(struct vc_tally *t, enum vc_kind kind, long ret)
{
	int err = ret == -1 ? errno : 0;
	long v[2];

	v[0] = kind == VK_FD && ret >= 0 ? 0 : ret;
	v[1] = err;
	if (ret != -1)
		t->t_ok++;
	else if (t->t_first < 0) {
		t->t_first = t->t_n;
		t->t_ferr = err;
	}
	t->t_hash = vt_hash(v, sizeof(v)) ^ (t->t_hash * 31);
	t->t_n++;
	return ret;
}

void
vc_tally_push(struct vc *c, int line, const char *op,
    const struct vc_tally *t)
{
	vc_push(c, line, op, NULL, NULL, 0, 0, vc_strf("n=%ld ok=%ld "
	    "first_fail=%ld:%s hash=%016llx", t->t_n, t->t_ok, t->t_first,
	    t->t_first < 0 ? "-" : vt_errname(t->t_ferr),
	    (unsigned long long)t->t_hash));
}
