/*
 * ak_part.c: partition tables and file-system probing, without mounting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ak_impl.h"

#define AK_PART_SCANMAX	1152	/* PART_MAXGPT + PART_MAXLOGICAL */

int
ak_partitions(const char *image, struct ak_part *parts, int max)
{
	struct part_entry *pe;
	int i, n, error;

	if (image == NULL || max < 0 || (parts == NULL && max > 0))
		return ak_fail(EINVAL);
	/*
	 * Room for what the caller takes, no more: the kernel counts past
	 * it.  A count alone (max 0) needs no array; zeroing one for every
	 * possible entry was 45 of the 107 page faults of `fsu_ls IMAGE /`.
	 */
	if (max > AK_PART_SCANMAX)
		max = AK_PART_SCANMAX;
	pe = NULL;
	if (max > 0 && (pe = calloc((size_t)max, sizeof(*pe))) == NULL)
		return ak_fail(ENOMEM);
	error = sys_partitions(image, pe, max, &n);
	if (error != 0) {
		free(pe);
		return ak_ret(error);
	}
	for (i = 0; i < n && i < max; i++) {
		memset(&parts[i], 0, sizeof(parts[i]));
		parts[i].ap_index = pe[i].pe_index;
		parts[i].ap_offset = pe[i].pe_off;
		parts[i].ap_size = pe[i].pe_len;
		memcpy(parts[i].ap_scheme, pe[i].pe_scheme,
		    sizeof(parts[i].ap_scheme));
		memcpy(parts[i].ap_type, pe[i].pe_type,
		    sizeof(parts[i].ap_type));
		memcpy(parts[i].ap_name, pe[i].pe_name,
		    sizeof(parts[i].ap_name));
		memcpy(parts[i].ap_fstype, pe[i].pe_fstype,
		    sizeof(parts[i].ap_fstype));
	}
	free(pe);
	return n;
}

int
ak_probe(const char *image, const char *opts, char *fstype, size_t size)
{
	if (image == NULL || fstype == NULL || size == 0)
		return ak_fail(EINVAL);
	return ak_ret(sys_probe(image, opts, fstype, size));
}
