/*
 * ext2w_cmp.c: comparing the image's tree with the model's, through
 * libak and through debugfs (ext2_write.c)
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

static void
cmp_data(const char *mp, const char *ip, off_t size)
{
	static char a[1 << 20], b[1 << 20];
	int mf = ak_sys_open(mp, O_RDONLY), jf = ak_sys_open(ip, O_RDONLY);
	off_t off;
	ssize_t n, m;

	tcheck(mf >= 0 && jf >= 0, "open %s", ip);
	for (off = 0; mf >= 0 && jf >= 0 && off < size; off += n) {
		/* Skip holes of the model (its data is where it says). */
		off_t d = ak_sys_lseek(mf, off, SEEK_DATA);

		if (d < 0)
			d = size;
		if (d > off) {
			/* The image must read zeros there: sample it. */
			n = ak_sys_pread(jf, b, 4096, off);
			memset(a, 0, sizeof(a));
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

/* Names (sorted pointers into buf) of a listxattr result; the count. */
int
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

static void
cmp_entry(const char *rel)
{
	char mp[800], ip[800], ma[400], ia[400];
	struct stat ms, is;
	ssize_t n, m;

	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	snprintf(ip, sizeof(ip), MNT "/%s", rel);
	if (ak_sys_lstat(mp, &ms) != 0 || ak_sys_lstat(ip, &is) != 0) {
		tcheck(0, "%s: missing on image (%s)", rel, strerror(errno));
		return;
	}
	tcheck(ms.st_mode == is.st_mode && ms.st_uid == is.st_uid &&
	    ms.st_gid == is.st_gid && ms.st_nlink == is.st_nlink,
	    "%s: mode %o/%o uid %u/%u gid %u/%u nlink %lu/%lu", rel,
	    ms.st_mode, is.st_mode, ms.st_uid, is.st_uid, ms.st_gid,
	    is.st_gid, (unsigned long)ms.st_nlink, (unsigned long)is.st_nlink);
	tcheck(ms.st_mtim.tv_sec == is.st_mtim.tv_sec &&
	    (!curnsec || ms.st_mtim.tv_nsec == is.st_mtim.tv_nsec),
	    "%s: mtime %lld.%09ld vs %lld.%09ld", rel,
	    (long long)ms.st_mtim.tv_sec, ms.st_mtim.tv_nsec,
	    (long long)is.st_mtim.tv_sec, is.st_mtim.tv_nsec);
	cmp_xattrs(mp, ip, rel);
	if (S_ISDIR(ms.st_mode)) {
		cmp_tree(rel);
		return;
	}
	tcheck(ms.st_size == is.st_size, "%s: size %lld vs %lld", rel,
	    (long long)ms.st_size, (long long)is.st_size);
	if (S_ISREG(ms.st_mode) && ms.st_size == is.st_size)
		cmp_data(mp, ip, ms.st_size);
	if (S_ISCHR(ms.st_mode) || S_ISBLK(ms.st_mode))
		tcheck(ms.st_rdev == is.st_rdev, "%s: rdev", rel);
	if (S_ISLNK(ms.st_mode)) {
		n = ak_sys_readlink(mp, ma, sizeof(ma));
		m = ak_sys_readlink(ip, ia, sizeof(ia));
		tcheck(n > 0 && n == m && memcmp(ma, ia, (size_t)n) == 0,
		    "%s: link target", rel);
	}
}

/* Names in a directory (without . and ..), sorted; returns the count. */
int
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

void
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
	tcheck(n == m, "%s: %d entries in the model, %d on the image", rel, n,
	    m);
	for (i = 0; i < n && i < m; i++)
		if (strcmp(mv[i], iv[i]) != 0) {
			tcheck(0, "%s: entry %s vs %s", rel, mv[i], iv[i]);
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
void
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
		tcheck(tsh("debugfs -R 'dump \"/%s\" %s' '%s' >/dev/null 2>&1",
		    w->files[i], out, img) == 0, "debugfs dump %s",
		    w->files[i]);
		if ((f = fopen(out, "rb")) == NULL ||
		    (fd = ak_sys_open(mp, O_RDONLY)) < 0) {
			tcheck(0, "debugfs dump %s: no output", w->files[i]);
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
		tcheck(off == st.st_size, "debugfs dump %s: differs at %lld "
		    "(size %lld)", w->files[i], (long long)off,
		    (long long)st.st_size);
		fclose(f);
		ak_sys_close(fd);
	}
}

