/*
 * cmd_du.c: fsu_du [-a] [-s] [-h] [-k] [-b] [-c] [-d N]
 * [--apparent-size] [FILE...], as GNU du: sizes are allocated blocks in
 * KiB (or bytes with -b), a directory's includes everything below it,
 * and an inode with several links counts once.
 */
#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

struct du_ctx {
	int		all, human, bytes, apparent, countlinks;
	int		maxdepth;		/* -1: no limit */
	uint64_t	*sum;			/* per depth */
	size_t		nsum;
	uint64_t	*seen;			/* ino numbers of links */
	size_t		nseen, capseen;
	uint64_t	total;
	int		status;
};

static void
du_show(const struct du_ctx *d, uint64_t bytes, const char *path)
{
	char buf[32];

	if (d->human)
		fsu_human(buf, sizeof(buf), bytes);
	else if (d->bytes)
		snprintf(buf, sizeof(buf), "%" PRIu64, bytes);
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, (bytes + 1023) / 1024);
	printf("%s\t%s\n", buf, path);
}

/* Grow the open-addressing set of inode numbers (0 marks a free slot). */
static int
du_rehash(struct du_ctx *d)
{
	uint64_t *nv, v;
	size_t i, j, ncap = d->capseen ? 2 * d->capseen : 1024;

	if ((nv = calloc(ncap, sizeof(*nv))) == NULL)
		return -1;
	for (i = 0; i < d->capseen; i++) {
		if ((v = d->seen[i]) == 0)
			continue;
		for (j = (v * 0x9e3779b97f4a7c15ULL) % ncap; nv[j] != 0;
		    j = (j + 1) % ncap)
			continue;
		nv[j] = v;
	}
	free(d->seen);
	d->seen = nv;
	d->capseen = ncap;
	return 0;
}

/*
 * 1 if this multiply-linked inode was counted before.  A hash set, so
 * an image full of hard links costs linear time, not quadratic.
 */
static int
du_seen(struct du_ctx *d, const struct stat *st)
{
	uint64_t v = (uint64_t)st->st_ino + 1;
	size_t j;

	if (S_ISDIR(st->st_mode) || st->st_nlink < 2 || d->countlinks)
		return 0;
	if (2 * (d->nseen + 1) > d->capseen && du_rehash(d) != 0)
		return 0;
	for (j = (v * 0x9e3779b97f4a7c15ULL) % d->capseen; d->seen[j] != 0;
	    j = (j + 1) % d->capseen)
		if (d->seen[j] == v)
			return 1;
	d->seen[j] = v;
	d->nseen++;
	return 0;
}

static int
du_grow(struct du_ctx *d, size_t depth)
{
	uint64_t *nv;

	if (depth < d->nsum)
		return 0;
	if ((nv = realloc(d->sum, (depth + 16) * sizeof(*nv))) == NULL)
		return -1;
	d->sum = nv;
	d->nsum = depth + 16;
	return 0;
}

static int
du_visit(struct fsu_went *e, void *arg)
{
	struct du_ctx *d = arg;
	size_t k = (size_t)e->w_depth;
	uint64_t sz;
	int show = d->maxdepth < 0 || e->w_depth <= d->maxdepth;

	if (e->w_err != 0) {
		d->status = fsu_warn_path(e->w_path, e->w_err);
		return FSU_WALK_PRUNE;
	}
	if (du_grow(d, k + 1) != 0) {
		d->status = fsu_warn_path(e->w_path, ENOMEM);
		return FSU_WALK_STOP;
	}
	sz = d->apparent ? (uint64_t)e->w_st.st_size :
	    (uint64_t)e->w_st.st_blocks * 512;
	if (S_ISDIR(e->w_st.st_mode) && !e->w_post) {
		d->sum[k] = sz;
		return 0;
	}
	if (e->w_post)
		sz = d->sum[k];
	else if (du_seen(d, &e->w_st))
		return 0;
	if (show && (e->w_post || d->all || e->w_depth == 0))
		du_show(d, sz, e->w_path);
	if (k > 0)
		d->sum[k - 1] += sz;
	else
		d->total += sz;
	return 0;
}

static const struct option du_longopts[] = {
	{ "apparent-size", no_argument, NULL, 'A' },
	{ "max-depth", required_argument, NULL, 'd' },
	{ "summarize", no_argument, NULL, 's' },
	{ "human-readable", no_argument, NULL, 'h' },
	{ "total", no_argument, NULL, 'c' },
	{ "bytes", no_argument, NULL, 'b' },
	{ "count-links", no_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 }
};

int
fsu_du(int argc, char **argv)
{
	static char *dot[] = { ".", NULL };
	struct du_ctx d;
	char **ops;
	uint64_t v;
	int ch, i, nops, total = 0;

	memset(&d, 0, sizeof(d));
	d.maxdepth = -1;
	while ((ch = getopt_long(argc, argv, "ashkbcd:lxLP", du_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a': d.all = 1; break;
		case 's': d.maxdepth = 0; break;
		case 'h': d.human = 1; break;
		case 'k': d.human = d.bytes = 0; break;
		case 'b': d.bytes = d.apparent = 1; break;
		case 'A': d.apparent = 1; d.bytes = 1; break;
		case 'c': total = 1; break;
		case 'l': d.countlinks = 1; break;
		case 'd':
			if (fsu_strtou64(optarg, &v) != 0 || v > 1000000) {
				fsu_warnx("invalid maximum depth '%s'",
				    optarg);
				return FSU_EXIT_USAGE;
			}
			d.maxdepth = (int)v;
			break;
		case 'x': case 'L': case 'P': break;
		default: return fsu_cmd_usage("du");
		}
	}
	ops = optind < argc ? argv + optind : dot;
	nops = optind < argc ? argc - optind : 1;
	for (i = 0; i < nops; i++)
		if (fsu_walk(ops[i], FSU_WALK_POST, du_visit, &d) != 0)
			d.status = FSU_EXIT_FAIL;
	if (total)
		du_show(&d, d.total, "total");
	free(d.sum);
	free(d.seen);
	return d.status;
}
