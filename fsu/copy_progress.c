/*
 * copy_progress.c: the progress line of a long copy.  Nothing is shown
 * for the first two seconds (most copies are over by then); after that
 * one line on stderr, redrawn at most five times a second: bytes, files,
 * rate and, when the total was cheap to know beforehand, the time left.
 * It is wiped before any message and at the end.  FSU_PROGRESS_DELAY
 * (seconds) replaces the two seconds, for tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsu/copy_impl.h"

#define PG_DELAY	2.0	/* seconds before the line appears */
#define PG_EVERY	0.2	/* seconds between redraws */

static double
pg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n bytes as "12.3 MiB". */
static void
pg_size(char *buf, size_t len, double n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while (n >= 1024 && i < 4) {
		n /= 1024;
		i++;
	}
	snprintf(buf, len, i == 0 ? "%.0f %s" : "%.1f %s", n, unit[i]);
}

void
copy_progress_start(struct copy_ctx *cc, uint64_t total)
{
	struct copy_progress *pg = &cc->cc_prog;
	int p = cc->cc_opt->progress;

	const char *d = getenv("FSU_PROGRESS_DELAY");

	memset(pg, 0, sizeof(*pg));
	pg->pg_on = p > 0 || (p < 0 && isatty(STDERR_FILENO));
	pg->pg_delay = d != NULL ? strtod(d, NULL) : PG_DELAY;
	pg->pg_start = pg_now();
	pg->pg_last = pg->pg_start - PG_EVERY;
	pg->pg_total = total;
}

static void
pg_draw(struct copy_progress *pg, double now)
{
	char line[160], sz[32], rate[32], eta[32] = "";
	double el = now - pg->pg_start, r = el > 0 ? pg->pg_bytes / el : 0;
	double left;
	size_t n;

	pg_size(sz, sizeof(sz), (double)pg->pg_bytes);
	pg_size(rate, sizeof(rate), r);
	if (pg->pg_total > pg->pg_bytes && r > 0) {
		left = (double)(pg->pg_total - pg->pg_bytes) / r;
		snprintf(eta, sizeof(eta), ", ETA %d:%02d",
		    (int)(left / 60), (int)left % 60);
	}
	snprintf(line, sizeof(line), "%s, %llu file%s, %s/s%s", sz,
	    (unsigned long long)pg->pg_files, pg->pg_files == 1 ? "" : "s",
	    rate, eta);
	n = strlen(line);
	/* Pad over the longer line before: no escape codes needed. */
	fprintf(stderr, "\r%s%*s", line,
	    pg->pg_width > n ? (int)(pg->pg_width - n) : 0, "");
	fflush(stderr);
	pg->pg_width = n;
	pg->pg_last = now;
}

void
copy_progress_add(struct copy_ctx *cc, uint64_t bytes, int files)
{
	struct copy_progress *pg = &cc->cc_prog;
	double now;

	pg->pg_bytes += bytes;
	pg->pg_files += (uint64_t)files;
	if (!pg->pg_on)
		return;
	now = pg_now();
	if (now - pg->pg_start >= pg->pg_delay &&
	    now - pg->pg_last >= PG_EVERY)
		pg_draw(pg, now);
}

void
copy_progress_clear(struct copy_ctx *cc)
{
	struct copy_progress *pg = &cc->cc_prog;

	if (pg->pg_width == 0)
		return;
	fprintf(stderr, "\r%*s\r", (int)pg->pg_width, "");
	fflush(stderr);
	pg->pg_width = 0;
}
