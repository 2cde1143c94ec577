/*
 * dev_part.c: partitions as devices.  A partition table is scanned when
 * asked for (part_scan), and a partition is opened as a byte window of
 * its disk (part_open), so the file system on it sees a device of its
 * own and the window's bounds check keeps it from writing beyond it.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/part.h>

void
part_add(struct part_entry *pe, int max, int *np, const struct part_entry *e)
{
	if (*np < max)
		pe[*np] = *e;
	(*np)++;
}

int
part_scan(struct blkdev *bd, struct part_entry *pe, int max, int *np)
{
	int error;

	/* GPT first: its protective MBR also looks like an MBR. */
	error = part_scan_gpt(bd, pe, max, np);
	if (error != ENOENT)
		return error;
	error = part_scan_mbr(bd, pe, max, np);
	if (error == ENOENT) {
		*np = 0;
		return 0;
	}
	return error;
}

int
part_open(struct blkdev *bd, int index, struct blkdev **partp)
{
	struct part_entry *pe;
	int i, n, error, max = PART_MAXGPT + PART_MAXLOGICAL;

	if ((pe = kmem_alloc(sizeof(*pe) * (size_t)max)) == NULL)
		return ENOMEM;
	error = part_scan(bd, pe, max, &n);
	if (error == 0) {
		error = ENXIO;
		for (i = 0; i < n && i < max; i++) {
			if (pe[i].pe_index != index)
				continue;
			error = blkdev_window_create(bd, pe[i].pe_off,
			    pe[i].pe_len, partp);
			if (error == EINVAL) {
				printf("%s: partition %d lies outside the "
				    "device\n", bd->bd_name, index);
				error = EFSCORRUPTED;
			}
			break;
		}
	}
	kmem_free(pe, sizeof(*pe) * (size_t)max);
	return error;
}
