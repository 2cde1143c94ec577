/*
 * ext2r_sweep.c: seeded random flips and zeroes, over the first blocks
 * and aimed at the structures a walk parses, must never crash or hang
 * (make check-asan runs them under ASan/UBSan).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/ext2r.h"
#include "tests/lib/tcheck.h"

/* Seeded random byte flips over the first blocks: never a crash. */
void
test_sweep(const char *base, unsigned seed, int rounds)
{
	char src[PATH_MAX], img[PATH_MAX];
	uint32_t bsize;
	off_t gd0, span;
	int r, k, nerr = 0;

	snprintf(src, sizeof(src), "%s/%s", outdir, base);
	snprintf(img, sizeof(img), "%s/sweep.img", outdir);
	tc_prefix = base;
	srandom(seed);
	geometry(src, &bsize, &gd0);
	span = (off_t)bsize * 600;
	for (r = 0; r < rounds; r++) {
		copy_file(src, img);
		for (k = 0; k < 16; k++)
			flip(img, 1024 + random() % (span - 1024),
			    (uint8_t)(1 + random() % 255));
		if (try_image(img) != 0)
			nerr++;
	}
	tcheck(true, "%s: no crash, no hang", base);
	printf("sweep %s: %d rounds, %d reported errors\n", base, rounds,
	    nerr);
	unlink(img);
}

/* Append the block numbers debugfs prints for cmd (after tag) to blks. */
static int
add_blocks(const char *img, const char *cmd, const char *tag,
    long long *blks, int n, int max)
{
	char out[65536], *p, *end;
	long long b;

	if (!debugfs(img, cmd, out, sizeof(out)))
		return n;
	p = out;
	if (tag != NULL) {
		if ((p = strstr(out, tag)) == NULL)
			return n;
		p += strlen(tag);
	}
	while (n < max) {
		b = strtoll(p, &end, 10);
		if (end == p)
			break;
		if (b > 0)
			blks[n++] = b;
		if (tag != NULL)
			break;
		p = end;
	}
	return n;
}

/*
 * Seeded damage aimed at the structures a walk parses: the htree root,
 * nodes and leaves of /many, a plain directory block, the extent tree
 * block of /fragmented, the indirect block of a block-mapped file, the
 * xattr block, and the inode table blocks holding the root and the
 * first files.  Bytes are flipped or zeroed.  Without metadata_csum the
 * parsers see the damage: errors or (possibly wrong) data are fine; a
 * crash, a hang or a sanitizer report is not.
 */
void
test_targeted(const char *base, unsigned seed, int rounds)
{
	char src[PATH_MAX], img[PATH_MAX];
	long long blks[64], itab[2];
	uint32_t bsize;
	off_t gd0, off;
	int n = 0, r, k, nerr = 0;

	snprintf(src, sizeof(src), "%s/%s", outdir, base);
	snprintf(img, sizeof(img), "%s/target.img", outdir);
	tc_prefix = base;
	geometry(src, &bsize, &gd0);
	n = add_blocks(src, "blocks /many", NULL, blks, n, 24);
	n = add_blocks(src, "bmap /sub 0", NULL, blks, n, 64);
	n = add_blocks(src, "stat /fragmented", "(ETB0):", blks, n, 64);
	n = add_blocks(src, "stat /size_1100000", "(IND):", blks, n, 64);
	n = add_blocks(src, "stat /size_1100000", "(DIND):", blks, n, 64);
	n = add_blocks(src, "stat /size_4096", "File ACL: ", blks, n, 64);
	itab[0] = inode_offset(src, 2, bsize);
	itab[1] = inode_offset(src, 12, bsize);
	for (k = 0; k < 2 && n < 64; k++)
		if (itab[k] > 0)
			blks[n++] = itab[k] / bsize;
	tcheck(n >= 6, "targets found: %d", n);
	if (n == 0)
		return;
	srandom(seed);
	for (r = 0; r < rounds; r++) {
		copy_file(src, img);
		off = (off_t)blks[random() % n] * bsize;
		for (k = 0; k < 4; k++) {
			off_t at = off + random() % bsize;

			if (random() % 3 == 0)
				pwrite_img(img, "\0\0\0\0", 4,
				    at - (at % bsize) + (at % bsize) / 4 * 4);
			else
				flip(img, at, (uint8_t)(1 + random() % 255));
		}
		if (try_image(img) != 0)
			nerr++;
	}
	tcheck(true, "%s: no crash, no hang", base);
	printf("targeted %s: %d blocks, %d rounds, %d reported errors\n",
	    base, n, rounds, nerr);
	unlink(img);
}
