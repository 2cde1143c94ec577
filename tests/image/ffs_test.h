/*
 * ffs_test.h: what the two halves of the ffs_read test program share
 * (ffs_read.c: images by makefs against their source tree; ffs_corrupt.c:
 * damaged and hand-patched images).
 */
#ifndef _TESTS_IMAGE_FFS_TEST_H_
#define _TESTS_IMAGE_FFS_TEST_H_

#include <stddef.h>

#define FFS_MNT		"/mnt"
#define FFS_CHUNK	(1024 * 1024)

extern char ffs_dir[1024];	/* mkffs.sh's output directory */
extern char *ffs_hbuf, *ffs_kbuf; /* FFS_CHUNK bytes each */

/* ffs_corrupt.c */
void	ffs_corrupt_tests(void);

#endif /* !_TESTS_IMAGE_FFS_TEST_H_ */
