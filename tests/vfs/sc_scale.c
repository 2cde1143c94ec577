/*
 * sc_scale.c: sizes past the small cases: a directory of 10,000
 * entries, and a chain of directories deeper than PATH_MAX.
 *
 * The 10,000-entry loops are folded into one tally record each, and
 * the listings into a hash of the sorted names, so that the record
 * stays a few dozen entries while every call still counts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/vfs/vfs_conform.h"

#define BIG_N		10000	/* entries in the big directory */
#define BIG_SAMPLE	997	/* stat every BIG_SAMPLE-th entry */
#define DEEP_LEN	200	/* bytes in each deep directory's name */
#define DEEP_N		24	/* levels: 24 * 201 bytes passes PATH_MAX */
#define DEEP_FIT	20	/* levels whose relative path fits PATH_MAX */

/* Entry i of the big directory: tag 'f' as created, 'r' once renamed. */
static void
big_name(char *buf, size_t len, int i, int tag)
{
	snprintf(buf, len, "d/%c%05d-%.*s", tag, i, i % 29,
	    "abcdefghijklmnopqrstuvwxyzABC");
}

/* Every tenth entry is renamed. */
static int
big_tag(int i)
{
	return i % 10 == 0 ? 'r' : 'f';
}

static void
big_create(struct vc *c)
{
	const struct vt_ops *o = c->c_o;
	struct vc_tally t, again;
	char name[64];
	int i;

	vc_tally_init(&t);
	vc_tally_init(&again);
	for (i = 0; i < BIG_N; i++) {
		big_name(name, sizeof(name), i, 'f');
		vc_closeif(c, (int)T_CALL(&t, VK_FD, o->o_openat(AT_FDCWD,
		    name, O_CREAT | O_EXCL | O_WRONLY, 0644)));
	}
	vc_tally_push(c, __LINE__, "create O_EXCL x10000", &t);
	/* A second O_EXCL create of an existing name must fail. */
	for (i = 0; i < BIG_N; i += 100) {
		big_name(name, sizeof(name), i, 'f');
		vc_closeif(c, (int)T_CALL(&again, VK_FD, o->o_openat(AT_FDCWD,
		    name, O_CREAT | O_EXCL | O_WRONLY, 0644)));
	}
	vc_tally_push(c, __LINE__, "create O_EXCL again", &again);
}

/* stat a sample, under both the names before and after renaming. */
static void
big_sample(struct vc *c)
{
	char name[64];
	int i;

	for (i = 0; i < BIG_N; i += BIG_SAMPLE) {
		big_name(name, sizeof(name), i, 'f');
		X_STAT(c, name);
		big_name(name, sizeof(name), i, 'r');
		X_STAT(c, name);
	}
}

static void
big_rename(struct vc *c)
{
	struct vc_tally t;
	char from[64], to[64];
	int i;

	vc_tally_init(&t);
	for (i = 0; i < BIG_N; i++) {
		if (big_tag(i) != 'r')
			continue;
		big_name(from, sizeof(from), i, 'f');
		big_name(to, sizeof(to), i, 'r');
		T_CALL(&t, VK_EXACT, c->c_o->o_renameat2(AT_FDCWD, from,
		    AT_FDCWD, to, 0));
	}
	vc_tally_push(c, __LINE__, "rename a tenth", &t);
}

static void
big_unlink(struct vc *c)
{
	struct vc_tally t;
	char name[64];
	int i;

	vc_tally_init(&t);
	for (i = 0; i < BIG_N; i++) {
		big_name(name, sizeof(name), i, big_tag(i));
		T_CALL(&t, VK_EXACT, c->c_o->o_unlinkat(AT_FDCWD, name, 0));
	}
	vc_tally_push(c, __LINE__, "unlink x10000", &t);
}

static void
scale_dir10k(struct vc *c)
{
	X_MKDIR(c, "d", 0755);
	big_create(c);
	big_sample(c);
	X_LSHASH(c, "d");
	X_STAT(c, "d");
	big_rename(c);
	big_sample(c);
	X_LSHASH(c, "d");
	big_unlink(c);
	X_LS(c, "d");
	X_RMDIR(c, "d");
}

/* Level i's name: DEEP_LEN bytes, "Lnn-" and a letter repeated. */
static void
deep_name(char *buf, int i)
{
	memset(buf, 'a' + i % 26, DEEP_LEN);
	buf[0] = 'L';
	buf[1] = (char)('0' + i / 10);
	buf[2] = (char)('0' + i % 10);
	buf[3] = '-';
	buf[DEEP_LEN] = '\0';
}

/*
 * The relative path of the first n levels, malloc'ed with room for a
 * "/leaf" suffix.
 */
static char *
deep_path(int n)
{
	char *p = malloc((size_t)n * (DEEP_LEN + 1) + sizeof("/leaf"));
	int i;

	if (p == NULL)
		abort();
	p[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(p, "/");
		deep_name(p + strlen(p), i);
	}
	return p;
}

/* Each level made with mkdirat relative to its parent's descriptor. */
static void
deep_mkchain(struct vc *c)
{
	char name[DEEP_LEN + 1];
	int i, d, nd, fd;

	d = X_OPEN(c, ".", O_RDONLY | O_DIRECTORY, 0);
	for (i = 0; i < DEEP_N; i++) {
		deep_name(name, i);
		X_MKDIRAT(c, d, name, 0755);
		nd = X_OPENAT(c, d, name, O_RDONLY | O_DIRECTORY, 0);
		X_CLOSE(c, d);
		d = nd;
	}
	fd = X_OPENAT(c, d, "leaf", O_CREAT | O_WRONLY, 0644);
	X_WRITES(c, fd, "at the bottom");
	X_CLOSE(c, fd);
	X_FSTATAT(c, d, "leaf", 0);
	X_FSTATAT(c, d, "..", 0);
	X_CLOSE(c, d);
}

/*
 * Whole paths: one of PATH_MAX - 1 bytes (the prefix that fits, padded
 * with "./" in front) resolves; one byte more, or the full chain, is
 * ENAMETOOLONG.
 */
static void
deep_longpaths(struct vc *c)
{
	char *fit = deep_path(DEEP_FIT), *full = deep_path(DEEP_N);
	char *p = malloc(2 * PATH_MAX);
	size_t pad = PATH_MAX - 1 - strlen(fit);

	p[0] = '\0';
	while (strlen(p) + 2 <= pad)
		strcat(p, "./");
	strcat(p, fit);
	if (strlen(p) < PATH_MAX - 1)
		strcat(p, "/");
	vc_note(c, __LINE__, "padded path is PATH_MAX - 1", strlen(p));
	X_STAT(c, fit);
	X_STAT(c, p);
	strcat(p, "/");
	X_STAT(c, p);
	strcat(full, "/leaf");
	X_STAT(c, full);
	X_TRYOPEN(c, full, O_RDONLY, 0);
	X_MKDIR(c, full, 0755);
	X_UNLINK(c, full);
	free(p);
	free(fit);
	free(full);
}

/* chdir down a level at a time; getcwd while both sides can answer. */
static void
deep_descend(struct vc *c)
{
	char name[DEEP_LEN + 1];
	int i;

	for (i = 0; i < DEEP_N; i++) {
		deep_name(name, i);
		X_CHDIR(c, name);
		if (c->c_rootmax + (size_t)(i + 1) * (DEEP_LEN + 1) <
		    PATH_MAX)
			X_GETCWD(c, PATH_MAX);
	}
	X_CAT(c, "leaf");
	X_STAT(c, "../../..");
	X_LS(c, "..");
}

/* Back up, removing each level; the last one is not empty at first. */
static void
deep_ascend(struct vc *c)
{
	char name[DEEP_LEN + 1];
	int i;

	deep_name(name, DEEP_N - 1);
	X_CHDIR(c, "..");
	X_RMDIR(c, name);
	X_CHDIR(c, name);
	X_UNLINK(c, "leaf");
	for (i = DEEP_N - 1; i >= 0; i--) {
		deep_name(name, i);
		X_CHDIR(c, "..");
		X_RMDIR(c, name);
	}
	X_GETCWD(c, PATH_MAX);
	X_LS(c, ".");
}

static void
scale_deep(struct vc *c)
{
	deep_mkchain(c);
	deep_longpaths(c);
	deep_descend(c);
	deep_ascend(c);
}

const struct vc_scen vc_scale_scen[] = {
	{ "scale_dir10k", scale_dir10k, 0 },
	{ "scale_deep", scale_deep, 0 },
	{ NULL, NULL, 0 }
};
