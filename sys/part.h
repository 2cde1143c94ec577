/*
 * sys/part.h: partition tables (MBR with extended and logical
 * partitions, GPT).  A table is read, never guessed: an MBR is taken only
 * when its signature and every entry are plausible, a GPT only when its
 * header and entry-array CRCs match (the backup header is used when the
 * primary is damaged).
 *
 * Partitions are numbered as Linux numbers them: MBR 1-4 for the primary
 * slots, 5 and up for logical partitions in chain order; GPT by slot in
 * the entry array, from 1.
 */
#ifndef _SYS_PART_H_
#define _SYS_PART_H_

#include <sys/param.h>
#include <sys/kapi.h>		/* struct part_entry */

struct blkdev;

#define PART_MAXLOGICAL	128	/* longest extended chain followed */
#define PART_MAXGPT	1024	/* most GPT entries read */


/*
 * Read the table of bd into pe[0..max).  *np is set to the number of
 * partitions found (may exceed max; 0 when bd has no table).  Returns
 * EFSCORRUPTED for a table that is present but broken (a GPT whose two
 * headers both fail their checks, an extended chain that loops).
 */
int	part_scan(struct blkdev *bd, struct part_entry *pe, int max, int *np);
/*
 * The same, for each scheme; ENOENT when the scheme's table is absent.
 * part_scan_mbr takes a protective MBR (type 0xee) for a broken GPT, so
 * it is to be called after part_scan_gpt found none.
 */
int	part_scan_mbr(struct blkdev *bd, struct part_entry *pe, int max,
	    int *np);
int	part_scan_gpt(struct blkdev *bd, struct part_entry *pe, int max,
	    int *np);
/* Open partition index of bd as a window device (ENXIO: no such). */
int	part_open(struct blkdev *bd, int index, struct blkdev **partp);

/* Store pe at slot n of pe[0..max) if it fits; used by the scanners. */
void	part_add(struct part_entry *pe, int max, int *np,
	    const struct part_entry *e);

#endif /* !_SYS_PART_H_ */
