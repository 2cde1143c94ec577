/*
 * iso_test.h: what the parts of the ISO 9660 image test (iso_read.c,
 * iso_corrupt.c) share.  Checks are counted by tests/lib/tcheck.h;
 * tc_prefix names the image under test.
 */
#ifndef _TESTS_IMAGE_ISO_TEST_H_
#define _TESTS_IMAGE_ISO_TEST_H_

#include <stdbool.h>

#define CHUNK		(1024 * 1024)	/* size of hbuf and kbuf */

extern char outdir[1024];	/* where mkiso.sh put the images */
extern char *hbuf, *kbuf;	/* scratch buffers of CHUNK bytes */

/* Mount outdir/img read-only at /mnt; 0 or the errno. */
int	mount_img(const char *img, const char *opts);
/* The corruption tests, on copies of outdir/base. */
void	test_corruption(const char *base);

#endif /* !_TESTS_IMAGE_ISO_TEST_H_ */
