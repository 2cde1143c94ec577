/*
 * cmd_df.c: fsu_df [-h] [-i] [-k] [FILE]: the image's space or inodes, in
 * GNU df's layout (Use% rounded up).
 */
#include <sys/statvfs.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

static void
df_num(char *buf, size_t len, uint64_t v, int human, uint64_t unit)
{
	if (human)
		fsu_human(buf, len, v * unit);
	else
		snprintf(buf, len, "%" PRIu64, (v * unit + 1023) / 1024);
}

static void
df_pct(char *buf, size_t len, uint64_t used, uint64_t avail)
{
	if (used + avail == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRIu64 "%%",
		    (used * 100 + used + avail - 1) / (used + avail));
}

int
fsu_df(int argc, char **argv)
{
	struct statvfs sv;
	char a[32], b[32], c[32], p[16];
	const char *img = fsu_image_cur ? fsu_image_cur->im_path : "image";
	uint64_t fr, used;
	int ch, human = 0, inodes = 0;

	while ((ch = getopt(argc, argv, "hikPT")) != -1) {
		switch (ch) {
		case 'h': human = 1; break;
		case 'i': inodes = 1; break;
		case 'k': case 'P': case 'T': break;
		default: return fsu_cmd_usage("df");
		}
	}
	if (argc - optind > 1)
		return fsu_cmd_usage("df");
	if (ak_sys_statvfs(optind < argc ? argv[optind] : "/", &sv) != 0)
		return fsu_warn_path(optind < argc ? argv[optind] : img, errno);
	fr = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
	if (inodes) {
		used = sv.f_files - sv.f_ffree;
		snprintf(a, sizeof(a), "%" PRIu64, (uint64_t)sv.f_files);
		snprintf(b, sizeof(b), "%" PRIu64, used);
		snprintf(c, sizeof(c), "%" PRIu64, (uint64_t)sv.f_ffree);
		df_pct(p, sizeof(p), used, sv.f_ffree);
		printf("%-20s %10s %10s %10s %5s %s\n", "Filesystem",
		    "Inodes", "IUsed", "IFree", "IUse%", "Mounted on");
	} else {
		used = sv.f_blocks - sv.f_bfree;
		df_num(a, sizeof(a), sv.f_blocks, human, fr);
		df_num(b, sizeof(b), used, human, fr);
		df_num(c, sizeof(c), sv.f_bavail, human, fr);
		df_pct(p, sizeof(p), used, sv.f_bavail);
		printf("%-20s %10s %10s %10s %5s %s\n", "Filesystem",
		    human ? "Size" : "1K-blocks", "Used",
		    human ? "Avail" : "Available", "Use%", "Mounted on");
	}
	printf("%-20s %10s %10s %10s %5s %s\n", img, a, b, c, p, "/");
	return FSU_EXIT_OK;
}
