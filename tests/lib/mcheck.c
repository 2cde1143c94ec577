/*
 * mcheck.c: the setup and the state of a model check (mcheck.h): the
 * random numbers, the model's tree the operations pick from, the loop
 * of operations and the comparison of each call's two results.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/lib/mcheck.h"

/*
 * The scratch directory work ($AK_TESTDIR, else /tmp, /tag.PID), the
 * kernel booted, MC_MNT and MC_MODEL made: 0, or -1 with errno set.
 */
int
mc_setup(char *work, size_t size, const char *tag)
{
	const char *tmp = getenv("AK_TESTDIR");

	snprintf(work, size, "%.900s/%s.%d", tmp != NULL ? tmp : "/tmp", tag,
	    (int)getpid());
	if (mkdir(work, 0755) != 0 || ak_init() != 0 ||
	    ak_sys_mkdir(MC_MNT, 0755) != 0 ||
	    ak_sys_mkdir(MC_MODEL, 0755) != 0)
		return -1;
	return 0;
}

/* A state for caps, its random numbers seeded (free() it); NULL. */
struct mc_state *
mc_new(const struct mc_caps *caps, uint64_t seed)
{
	struct mc_state *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->caps = *caps;
	if (w->caps.maxent > MC_MAXENT)
		w->caps.maxent = MC_MAXENT;
	w->rng = seed;
	return w;
}

/* xorshift64: the same sequence for a seed on every host. */
uint32_t
mc_rnd(struct mc_state *w, uint32_t n)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return n == 0 ? 0 : (uint32_t)(w->rng % n);
}

/* Record rel (shorter than the state's paths) in v[*np]. */
static void
keep(const struct mc_state *w, char (*v)[MC_PATH], int *np, const char *rel)
{
	size_t len = strlen(rel);

	if (*np < w->caps.maxent && len < MC_PATH) {
		memcpy(v[*np], rel, len + 1);
		(*np)++;
	}
}

/* Collect the model's directories and other entries under rel. */
static void
scan(struct mc_state *w, const char *rel)
{
	char path[1100], sub[1024];
	struct ak_dirent *de;
	struct stat st;
	AK_DIR *d;

	keep(w, w->dirs, &w->ndirs, rel);
	snprintf(path, sizeof(path), MC_MODEL "/%s", rel);
	if ((d = ak_sys_opendir(path)) == NULL)
		return;
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", de->d_name);
		/* Paths too long for the state are left alone. */
		if (strlen(sub) >= MC_PATH)
			continue;
		snprintf(path, sizeof(path), MC_MODEL "/%s", sub);
		if (ak_sys_lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			scan(w, sub);
		else
			keep(w, w->files, &w->nfiles, sub);
	}
	ak_sys_closedir(d);
}

void
mc_rescan(struct mc_state *w)
{
	w->ndirs = w->nfiles = 0;
	scan(w, "");
}

/* MCHECK_TRACE set: every call and its results on stdout. */
void
mc_result(struct mc_state *w, const char *op, const char *rel,
    const char *rel2, long mr, int merr, long ir, int ierr)
{
	static int trace = -1;

	if (trace < 0)
		trace = getenv("MCHECK_TRACE") != NULL;
	if (trace)
		printf("op %s %s -> %s: %ld/%ld %d/%d\n", op, rel, rel2, mr,
		    ir, mr < 0 ? merr : 0, ir < 0 ? ierr : 0);
	if (mr >= 0)
		w->nok++;
	else
		w->nerr++;
	tcheck(mr == ir && (mr >= 0 || merr == ierr),
	    "%s %s: model %ld (%s), image %ld (%s)", op, rel, mr,
	    mr < 0 ? strerror(merr) : "ok", ir, ir < 0 ? strerror(ierr) : "ok");
}

/* nops operations drawn from caps.mix; the tree is rescanned often. */
void
mc_random_ops(struct mc_state *w, int nops)
{
	uint32_t nmix = (uint32_t)strlen(w->caps.mix);
	int i;

	for (i = 0; i < nops; i++) {
		if (i % 8 == 0)
			mc_rescan(w);
		mc_op(w, w->caps.mix[mc_rnd(w, nmix)]);
	}
}

/* Give every entry of both trees the same times (mtimes compare). */
void
mc_same_times(struct mc_state *w)
{
	struct timespec ts[2];
	int i;

	mc_rescan(w);
	for (i = 0; i < w->nfiles + w->ndirs; i++) {
		const char *rel = i < w->nfiles ? w->files[i] :
		    w->dirs[w->ndirs - 1 - (i - w->nfiles)];

		ts[0].tv_sec = 1000000000 + i;
		ts[0].tv_nsec = 1 + i;
		ts[1].tv_sec = 1100000000 + i * 7;
		ts[1].tv_nsec = 999999999 - i;
		MC_BOTH(w, "utimens", rel, ak_sys_utimensat(AT_FDCWD, P, ts,
		    AT_SYMLINK_NOFOLLOW));
	}
}
