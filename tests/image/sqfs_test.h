/*
 * sqfs_test.h: what the parts of the squashfs image test (sqfs_read.c,
 * sqfs_corrupt.c) share.  Checks are counted by tests/lib/tcheck.h;
 * tc_prefix names the image or the corruption under test.
 */
#ifndef _TESTS_IMAGE_SQFS_TEST_H_
#define _TESTS_IMAGE_SQFS_TEST_H_

#define MNT		"/mnt"
#define CHUNK		(1024 * 1024)	/* size of hbuf and kbuf */
#define MAXNAMES	4096

extern char outdir[1024];	/* where mksqfs.sh put the images */
extern char *hbuf, *kbuf;	/* scratch buffers of CHUNK bytes */

/* Mount outdir/img read-only at MNT; 0 or the errno. */
int	mount_img(const char *img);
/* The corruption tests, on copies of the images. */
void	test_corruption(void);

#endif /* !_TESTS_IMAGE_SQFS_TEST_H_ */
