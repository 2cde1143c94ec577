/*
 * parts.c: partition tables (MBR with logical partitions, GPT) through
 * libak's ak_partitions: the parts command, and the choice of partition
 * when the user gave no -p: the only partition holding a file system
 * the kernel knows is used; otherwise the table is listed and the
 * command fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

#define FSU_MAXPARTS	128

/* All partitions of image in a malloc'ed array; -1 on failure. */
static int
fsu_parts_read(const char *image, struct ak_part **pp)
{
	struct ak_part *p;
	int n;

	if ((p = calloc(FSU_MAXPARTS, sizeof(*p))) == NULL)
		return -1;
	if ((n = ak_partitions(image, p, FSU_MAXPARTS)) < 0) {
		free(p);
		return -1;
	}
	*pp = p;
	return n < FSU_MAXPARTS ? n : FSU_MAXPARTS;
}

static void
fsu_parts_print(const struct ak_part *p, int n, FILE *fp)
{
	char sz[16];
	int i;

	fprintf(fp, "%-4s %-4s %12s %10s %-8s %-38s %s\n", "PART", "TBL",
	    "OFFSET", "SIZE", "FS", "TYPE", "NAME");
	for (i = 0; i < n; i++) {
		fsu_human(sz, sizeof(sz), p[i].ap_size);
		fprintf(fp, "%-4d %-4s %12llu %10s %-8s %-38s %s\n",
		    p[i].ap_index, p[i].ap_scheme,
		    (unsigned long long)p[i].ap_offset, sz,
		    p[i].ap_fstype[0] ? p[i].ap_fstype : "-",
		    p[i].ap_type, p[i].ap_name);
	}
}

int
fsu_parts_list(const char *image, FILE *fp)
{
	struct ak_part *p;
	int n;

	if ((n = fsu_parts_read(image, &p)) < 0) {
		if (errno == EBUSY || errno == EAGAIN) {
			fsu_warnx("%s: image is in use", image);
			return FSU_EXIT_FAIL;
		}
		return fsu_warn_path(image, errno);
	}
	if (n == 0)
		fprintf(fp, "%s: no partition table\n", image);
	else
		fsu_parts_print(p, n, fp);
	free(p);
	return FSU_EXIT_OK;
}

int
fsu_parts_choose(const struct fsu_image *im, int *partp)
{
	struct ak_part *p;
	int n, i, found = 0, which = 0;

	*partp = 0;
	/*
	 * Most images hold no table: count first, so that they cost no
	 * array (zeroing it was a tenth of the instructions of a one-shot
	 * `fsu_ls IMAGE /`, and 5 page faults).
	 */
	if ((n = ak_partitions(im->im_path, NULL, 0)) <= 0)
		return n < 0 ? -1 : FSU_EXIT_OK;
	if ((n = fsu_parts_read(im->im_path, &p)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (p[i].ap_fstype[0] != '\0') {
			found++;
			which = p[i].ap_index;
		}
	if (n > 0 && found != 1) {
		fsu_warnx("%s: %s; choose one with -p:", im->im_path,
		    found ? "several partitions hold file systems" :
		    "no partition holds a known file system");
		fsu_parts_print(p, n, stderr);
		free(p);
		return FSU_EXIT_FAIL;
	}
	free(p);
	*partp = which;
	return FSU_EXIT_OK;
}


/* fsu_parts IMAGE: argv[1] is the image (the front end passes it). */
int
fsu_parts(int argc, char **argv)
{
	if (argc != 2)
		return fsu_usage("IMAGE");
	return fsu_parts_list(argv[1], stdout);
}
