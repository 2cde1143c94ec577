/*
 * mcheck_cmp.c: the image's tree read back through libak against the
 * model's (mcheck.h): the same names, then for each entry the same
 * type, mode, owner, link count, mtime, extended attributes, size,
 * bytes, device number and link target.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/lib/mcheck.h"

/*
 * The bytes of a regular file.  With caps.holes the model's holes are
 * skipped (SEEK_DATA) and the image's bytes there sampled for zeros:
 * files of a driver that writes far out are mostly holes.
 */
static void
cmp_data(const struct mc_caps *c, const char *mp, const char *ip,
    off_t size)
{
	static char a[1 << 20], b[1 << 20];
	int mf = ak_sys_open(mp, O_RDONLY), jf = ak_sys_open(ip, O_RDONLY);
	off_t off, d;
	ssize_t n, m;

	tcheck(mf >= 0 && jf >= 0, "open %s", ip);
	for (off = 0; mf >= 0 && jf >= 0 && off < size; off += n) {
		if (c->holes && (d = ak_sys_lseek(mf, off, SEEK_DATA)) != off) {
			if (d < 0)
				d = size;
			n = ak_sys_pread(jf, b, 4096, off);
			memset(a, 0, 4096);
			tcheck(n >= 0 && memcmp(a, b, (size_t)n) == 0,
			    "%s: hole at %lld not zero", ip, (long long)off);
			n = d - off;
			continue;
		}
		n = ak_sys_pread(mf, a, sizeof(a), off);
		m = ak_sys_pread(jf, b, sizeof(b), off);
		if (n <= 0 || n != m || memcmp(a, b, (size_t)n) != 0) {
			tcheck(0, "%s: data differ at %lld (%zd/%zd)", ip,
			    (long long)off, n, m);
			break;
		}
	}
	if (mf >= 0)
		ak_sys_close(mf);
	if (jf >= 0)
		ak_sys_close(jf);
}

static int
strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of a listxattr result (pointers into buf), sorted; the count. */
int
mc_xnames(char *buf, ssize_t len, char **v, int max)
{
	ssize_t off;
	int n = 0;

	for (off = 0; off < len && n < max;
	    off += (ssize_t)strlen(buf + off) + 1)
		v[n++] = buf + off;
	qsort(v, (size_t)n, sizeof(*v), strcmp_p);
	return n;
}

/* Extended attributes: the same names, the same values. */
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
		return;		/* neither has any (ENOTSUP) */
	n = mc_xnames(ml, a < 0 ? 0 : a, mn, 64);
	m = mc_xnames(il, b < 0 ? 0 : b, in, 64);
	tcheck(n == m, "%s: %d xattrs in the model, %d on the image", rel, n,
	    m);
	for (i = 0; i < n && i < m; i++) {
		tcheck(strcmp(mn[i], in[i]) == 0, "%s: xattr %s vs %s", rel,
		    mn[i], in[i]);
		a = ak_sys_lgetxattr(mp, mn[i], mv, sizeof(mv));
		b = ak_sys_lgetxattr(ip, in[i], iv, sizeof(iv));
		tcheck(a >= 0 && a == b && memcmp(mv, iv, (size_t)a) == 0,
		    "%s: xattr %s value (%zd/%zd bytes)", rel, mn[i], a, b);
	}
}

/* What a non-directory has besides its attributes. */
static void
cmp_contents(const struct mc_caps *c, const char *mp, const char *ip,
    const char *rel, const struct stat *ms, const struct stat *is)
{
	char ma[1200], ia[1200];
	ssize_t n, m;

	tcheck(ms->st_size == is->st_size, "%s: size %lld vs %lld", rel,
	    (long long)ms->st_size, (long long)is->st_size);
	if (S_ISREG(ms->st_mode) && ms->st_size == is->st_size)
		cmp_data(c, mp, ip, ms->st_size);
	if (S_ISCHR(ms->st_mode) || S_ISBLK(ms->st_mode))
		tcheck(ms->st_rdev == is->st_rdev, "%s: rdev %llx vs %llx", rel,
		    (unsigned long long)ms->st_rdev,
		    (unsigned long long)is->st_rdev);
	if (S_ISLNK(ms->st_mode)) {
		n = ak_sys_readlink(mp, ma, sizeof(ma));
		m = ak_sys_readlink(ip, ia, sizeof(ia));
		tcheck(n > 0 && n == m && memcmp(ma, ia, (size_t)n) == 0,
		    "%s: link target (%zd/%zd bytes)", rel, n, m);
	}
}

static void
cmp_entry(const struct mc_state *w, const char *rel)
{
	const struct mc_caps *c = &w->caps;
	char mp[1100], ip[1100];
	struct stat ms, is;

	snprintf(mp, sizeof(mp), MC_MODEL "/%s", rel);
	snprintf(ip, sizeof(ip), MC_MNT "/%s", rel);
	if (ak_sys_lstat(mp, &ms) != 0 || ak_sys_lstat(ip, &is) != 0) {
		tcheck(0, "%s: missing on the image (%s)", rel,
		    strerror(errno));
		return;
	}
	tcheck(ms.st_mode == is.st_mode && ms.st_uid == is.st_uid &&
	    ms.st_gid == is.st_gid && ms.st_nlink == is.st_nlink,
	    "%s: mode %o/%o uid %u/%u gid %u/%u nlink %lu/%lu", rel,
	    ms.st_mode, is.st_mode, ms.st_uid, is.st_uid, ms.st_gid,
	    is.st_gid, (unsigned long)ms.st_nlink, (unsigned long)is.st_nlink);
	tcheck(ms.st_mtim.tv_sec == is.st_mtim.tv_sec &&
	    (!c->nsec || ms.st_mtim.tv_nsec == is.st_mtim.tv_nsec),
	    "%s: mtime %lld.%09ld vs %lld.%09ld", rel,
	    (long long)ms.st_mtim.tv_sec, ms.st_mtim.tv_nsec,
	    (long long)is.st_mtim.tv_sec, is.st_mtim.tv_nsec);
	if (c->xattr_all || S_ISDIR(ms.st_mode) || S_ISREG(ms.st_mode))
		cmp_xattrs(mp, ip, rel);
	if (S_ISDIR(ms.st_mode))
		mc_cmp_tree(w, rel);
	else
		cmp_contents(c, mp, ip, rel, &ms, &is);
}

/* Names in a directory (without . and ..), sorted; the count, or -1. */
int
mc_listdir(const char *path, char (*v)[256], int max)
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

/* The image's tree under rel must be the model's. */
void
mc_cmp_tree(const struct mc_state *w, const char *rel)
{
	int max = w->caps.maxent, n, m, i;
	char (*mv)[256] = malloc((size_t)max * 256);
	char (*iv)[256] = malloc((size_t)max * 256);
	char mp[1100], ip[1100], sub[1024];

	if (mv == NULL || iv == NULL)
		goto out;
	snprintf(mp, sizeof(mp), MC_MODEL "/%s", rel);
	snprintf(ip, sizeof(ip), MC_MNT "/%s", rel);
	n = mc_listdir(mp, mv, max);
	m = mc_listdir(ip, iv, max);
	tcheck(n == m && n >= 0, "%s/: %d entries in the model, %d on the "
	    "image", rel, n, m);
	for (i = 0; i < n && i < m; i++)
		if (strcmp(mv[i], iv[i]) != 0) {
			tcheck(0, "%s/: entry %s vs %s", rel, mv[i], iv[i]);
			goto out;
		}
	for (i = 0; i < n && n == m; i++) {
		snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", mv[i]);
		cmp_entry(w, sub);
	}
out:
	free(mv);
	free(iv);
}
