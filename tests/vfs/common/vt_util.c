/*
 * vt_util.c: small helpers of the VFS tests: string lists, hashing,
 * errno names, the scratch directory, booting libak once, recursive
 * create and remove through a vt_ops table, and the summary line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ak/ak.h"
#include "tests/vfs/common/vt.h"

void
vt_sl_init(struct vt_strlist *sl)
{
	memset(sl, 0, sizeof(*sl));
}

int
vt_sl_add(struct vt_strlist *sl, const char *s)
{
	char **nv;

	if (sl->sl_n == sl->sl_cap) {
		size_t ncap = sl->sl_cap ? 2 * sl->sl_cap : 16;

		if ((nv = realloc(sl->sl_v, ncap * sizeof(*nv))) == NULL)
			return -1;
		sl->sl_v = nv;
		sl->sl_cap = ncap;
	}
	if ((sl->sl_v[sl->sl_n] = strdup(s)) == NULL)
		return -1;
	sl->sl_n++;
	return 0;
}

static int
vt_strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
vt_sl_sort(struct vt_strlist *sl)
{
	if (sl->sl_n > 1)
		qsort(sl->sl_v, sl->sl_n, sizeof(*sl->sl_v), vt_strpcmp);
}

void
vt_sl_free(struct vt_strlist *sl)
{
	size_t i;

	for (i = 0; i < sl->sl_n; i++)
		free(sl->sl_v[i]);
	free(sl->sl_v);
	vt_sl_init(sl);
}

/* FNV-1a, 64 bits: enough to tell file contents apart in a report. */
uint64_t
vt_hash(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Symbolic name of a host errno ("ENOENT"), or its number as text. */
const char *
vt_errname(int e)
{
	static __thread char buf[16];
	const char *n;

	if (e == 0)
		return "0";
	if ((n = strerrorname_np(e)) != NULL)
		return n;
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* $AK_TESTDIR, where temporary files go, or /tmp. */
const char *
vt_testdir(void)
{
	const char *d = getenv("AK_TESTDIR");

	return d != NULL && *d != '\0' ? d : "/tmp";
}

/* Boot libak once per process; later calls return the first result. */
int
vt_ak_boot(void)
{
	static int booted, result;

	if (!booted) {
		booted = 1;
		result = ak_init();
		if (result != 0)
			fprintf(stderr, "ak_init: %s\n", strerror(errno));
	}
	return result;
}

/* mkdir -p through ops; 0 or -1 with errno. */
int
vt_mkpath(const struct vt_ops *o, const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (strlen(path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, path);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (o->o_mkdirat(AT_FDCWD, buf, mode) != 0 &&
			    errno != EEXIST)
				return -1;
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	return 0;
}

/*
 * rm -rf through ops.  Permissions are widened first so that a test
 * that left a mode 0 directory behind can still be cleaned up.
 */
int
vt_rmtree(const struct vt_ops *o, const char *path)
{
	struct vt_strlist sl;
	struct stat st;
	char sub[PATH_MAX];
	size_t i;
	int rv = 0;

	if (o->o_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return o->o_unlinkat(AT_FDCWD, path, 0);
	(void)o->o_fchmodat(AT_FDCWD, path, 0700, 0);
	vt_sl_init(&sl);
	if (o->o_listdir(path, &sl) != 0)
		return -1;
	for (i = 0; i < sl.sl_n; i++) {
		if (strcmp(sl.sl_v[i], ".") == 0 ||
		    strcmp(sl.sl_v[i], "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, sl.sl_v[i]);
		if (vt_rmtree(o, sub) != 0)
			rv = -1;
	}
	vt_sl_free(&sl);
	if (o->o_unlinkat(AT_FDCWD, path, AT_REMOVEDIR) != 0)
		rv = -1;
	return rv;
}

/* A fresh host directory $AK_TESTDIR/<prefix>.XXXXXX, its path in buf. */
int
vt_host_mktemp(const char *prefix, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s.XXXXXX", vt_testdir(),
	    prefix) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(buf) != NULL ? 0 : -1;
}

/* The contract's last line. */
void
vt_summary(const char *name, int passed, int failed)
{
	fflush(stderr);
	printf("%s: %d passed, %d failed\n", name, passed, failed);
	fflush(stdout);
}
