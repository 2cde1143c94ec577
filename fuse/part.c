/*
 * part.c: which partition to mount when the command line does not say.
 *
 * As fs-utils do: an image with a partition table and exactly one
 * partition holding a known file system mounts that partition; with
 * several (or none) the user must choose with -o part=N, and the list
 * says what there is.  An image without a table is mounted whole.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

#define AKF_MAXPARTS	128

/* Does the option list opts hold option name (name ends in '=')? */
static int
akf_has_opt(const char *opts, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = opts; p != NULL && *p != '\0'; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

int
akf_choose_part(const char *image, const char *opts, int *partp)
{
	static struct ak_part p[AKF_MAXPARTS];
	int n, i, found = 0;

	*partp = 0;
	if (akf_has_opt(opts, "part=") || akf_has_opt(opts, "offset="))
		return 0;
	if ((n = ak_partitions(image, p, AKF_MAXPARTS)) <= 0)
		return 0;	/* no table (or a damaged one): the whole image */
	if (n > AKF_MAXPARTS)
		n = AKF_MAXPARTS;
	for (i = 0; i < n; i++) {
		if (p[i].ap_fstype[0] != '\0') {
			found++;
			*partp = p[i].ap_index;
		}
	}
	if (found == 1)
		return 0;
	fprintf(stderr, "akfuse: %s: %s; choose one with -o part=N:\n",
	    image, found ? "several partitions hold file systems" :
	    "no partition holds a known file system");
	for (i = 0; i < n; i++)
		fprintf(stderr, "  part=%-3d %s offset %" PRIu64 " size %"
		    PRIu64 " %s\n", p[i].ap_index, p[i].ap_scheme,
		    p[i].ap_offset, p[i].ap_size,
		    p[i].ap_fstype[0] ? p[i].ap_fstype : "-");
	*partp = 0;
	return -1;
}
