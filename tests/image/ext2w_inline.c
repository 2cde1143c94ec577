/*
 * ext2w_inline.c: changing files and directories that mke2fs -d made
 * with inline data (-O inline_data).  The driver moves the data to a
 * block before the first change; every change is made to the image and
 * to a tmpfs model loaded with the same tree, the trees must agree, and
 * e2fsck -fn must be clean.  debugfs must first confirm that the tree
 * really is inline (else the test would prove nothing).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ext2w.h"

/* Make host file path with len bytes of a pattern. */
static int
put_host(const char *dir, const char *name, size_t len, int seed)
{
	char path[PATH_MAX], buf[256];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < len && i < sizeof(buf); i++)
		buf[i] = (char)('a' + (i * 7 + (size_t)seed) % 26);
	fwrite(buf, 1, len, f);
	return fclose(f);
}

/* The source tree: small files and directories that fit inline. */
static int
make_src(const char *src)
{
	char d[PATH_MAX];
	int rc = 0;

	tsh("rm -rf '%s'", src);
	snprintf(d, sizeof(d), "%.4000s/sd", src);
	rc |= mkdir(src, 0755) | mkdir(d, 0755);
	rc |= put_host(src, "a", 10, 1) | put_host(src, "b", 59, 2);
	rc |= put_host(src, "c", 100, 3) | put_host(src, "empty", 0, 4);
	rc |= put_host(src, "x", 40, 5) | put_host(d, "one", 5, 6);
	rc |= put_host(d, "two", 6, 7);
	snprintf(d, sizeof(d), "%.4000s/sd2", src);
	rc |= mkdir(d, 0755) | put_host(d, "only", 3, 8);
	snprintf(d, sizeof(d), "%.4000s/sd3", src);
	rc |= mkdir(d, 0755);
	return rc;
}

/* Copy the host tree at hp into the kernel at kp (files, dirs). */
static void
copy_in(const char *hp, const char *kp)
{
	char h[PATH_MAX], k[PATH_MAX], buf[4096];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(hp);
	ssize_t n;
	int hf, kf;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(h, sizeof(h), "%s/%s", hp, de->d_name);
		snprintf(k, sizeof(k), "%s/%s", kp, de->d_name);
		if (lstat(h, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			ak_sys_mkdir(k, st.st_mode & 07777);
			copy_in(h, k);
			continue;
		}
		hf = open(h, O_RDONLY);
		kf = ak_sys_open(k, O_CREAT | O_WRONLY, st.st_mode & 07777);
		while (hf >= 0 && kf >= 0 && (n = read(hf, buf, sizeof(buf))) > 0)
			ak_sys_write(kf, buf, (size_t)n);
		if (hf >= 0)
			close(hf);
		if (kf >= 0)
			ak_sys_close(kf);
	}
	if (d != NULL)
		closedir(d);
}

/* Is path in img stored inline (debugfs says so)? */
static bool
is_inline(const char *img, const char *path)
{
	return tsh("debugfs -R 'stat %s' '%s' 2>/dev/null | "
	    "grep -q 'Size of inline data'", path, img) == 0;
}

/* The same call on the image (MNT) and the model (MODEL): same result. */
#define TWICE(what, call)	do {					\
	const char *R = MNT; long r1 = (long)(call); int e1 = errno;	\
	long r2;							\
	R = MODEL; r2 = (long)(call);					\
	tcheck(r1 == r2 && (r1 >= 0 || e1 == errno),			\
	    "%s: image %ld (%s), model %ld", what, r1,			\
	    r1 < 0 ? strerror(e1) : "ok", r2);				\
} while (0)

static long
append(const char *root, const char *rel, const char *data, size_t len,
    off_t off)
{
	char p[PATH_MAX];
	long r;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if ((fd = ak_sys_open(p, O_WRONLY | O_CREAT |
	    (off < 0 ? O_APPEND : 0), 0644)) < 0)
		return -1;
	r = off < 0 ? ak_sys_write(fd, data, len) :
	    ak_sys_pwrite(fd, data, len, off);
	ak_sys_close(fd);
	return r;
}

/* Used in TWICE's expressions: root/rel into buf. */
static long
at(const char *root, const char *rel, char *buf, size_t sz)
{
	return snprintf(buf, sz, "%s/%s", root, rel);
}

/* The changes, each on both trees. */
static void
inline_changes(void)
{
	static char big[10000];
	char p[PATH_MAX], q[PATH_MAX];

	memset(big, 'Q', sizeof(big));
	TWICE("append to a", append(R, "a", "XYZ", 3, -1));
	TWICE("overwrite b", append(R, "b", "!", 1, 30));
	TWICE("truncate c down", (at(R, "c", p, sizeof(p)),
	    ak_sys_truncate(p, 20)));
	TWICE("truncate c up", (at(R, "c", p, sizeof(p)),
	    ak_sys_truncate(p, 5000)));
	TWICE("fill empty", append(R, "empty", big, sizeof(big), 0));
	TWICE("xattr on x", (at(R, "x", p, sizeof(p)),
	    ak_sys_setxattr(p, "user.t", "v", 1, 0)));
	TWICE("create in sd", append(R, "sd/three", "333", 3, 0));
	TWICE("unlink in sd2", (at(R, "sd2/only", p, sizeof(p)),
	    ak_sys_unlink(p)));
	TWICE("rmdir sd2", (at(R, "sd2", p, sizeof(p)), ak_sys_rmdir(p)));
	TWICE("rename sd/one to sd3", (at(R, "sd/one", p, sizeof(p)),
	    at(R, "sd3/uno", q, sizeof(q)), ak_sys_rename(p, q)));
	TWICE("move sd3 into sd", (at(R, "sd3", p, sizeof(p)),
	    at(R, "sd/sub", q, sizeof(q)), ak_sys_rename(p, q)));
	TWICE("mkdir in sd", (at(R, "sd/new", p, sizeof(p)),
	    ak_sys_mkdir(p, 0755)));
}

void
test_inline(void)
{
	char img[PATH_MAX], src[PATH_MAX];
	struct mc_caps caps;
	struct mc_state *w;

	/* No random operations: the caps say how the trees compare. */
	ew_caps(&caps, false, 0, true);
	w = mc_new(&caps, 1);

	tc_prefix = "inline data";
	snprintf(img, sizeof(img), "%s/inline.img", workdir);
	snprintf(src, sizeof(src), "%s/inline.src", workdir);
	if (w == NULL || make_src(src) != 0 || tsh("mke2fs -q -F -t ext4 "
	    "-O inline_data -E root_owner=0:0 -d '%s' '%s' 16M "
	    ">/dev/null 2>&1", src, img) != 0) {
		tcheck(0, "setup (mke2fs -O inline_data -d)");
		free(w);
		return;
	}
	tcheck(is_inline(img, "/a") && is_inline(img, "/c") &&
	    is_inline(img, "/empty") && is_inline(img, "/sd") &&
	    is_inline(img, "/sd2"), "mke2fs did not make the tree inline");
	if (ak_sys_mount("tmpfs", MODEL, 0, NULL, NULL) != 0 ||
	    ak_sys_mkdir(MODEL "/lost+found", 0700) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(0, "mounts: %s", strerror(errno));
		free(w);
		return;
	}
	copy_in(src, MODEL);
	inline_changes();
	mc_same_times(w);
	mc_cmp_tree(w, "");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
	ew_fsck_ok(img, "after changing inline files and directories");
	tcheck(!is_inline(img, "/a") && !is_inline(img, "/b") &&
	    !is_inline(img, "/sd") && is_inline(img, "/sd/two"),
	    "inline flags after the changes");
	tcheck(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0,
	    "read-only remount");
	mc_cmp_tree(w, "");
	ak_sys_unmount(MNT, 0);
	ak_sys_unmount(MODEL, AK_MNT_FORCE);
	tsh("rm -rf '%s' '%s'", src, img);
	free(w);
}
