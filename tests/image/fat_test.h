/*
 * fat_test.h: what tests/image/fat_read.c (the program: read tests),
 * fat_corrupt.c (the corruption sweep) and fat_write.c (the write tests)
 * share.  Checks are counted by tests/lib/tcheck.h.
 */
#ifndef _TESTS_IMAGE_FAT_TEST_H_
#define _TESTS_IMAGE_FAT_TEST_H_

#include <stdlib.h>
#include <sys/types.h>

#define MAXNAMES	4096
/* Format into a char array; a path that does not fit is a test bug. */
#define PATHF(buf, ...) do {						\
	if (snprintf(buf, sizeof(buf), __VA_ARGS__) >= (int)sizeof(buf))	\
		abort();						\
} while (0)

extern char workdir[4096];		/* images and trees (mkfat.sh) */
extern int compare_mtime;		/* compare_dir checks mtimes */

/* A whole host file in a new buffer (*bufp); its size or -1. */
long	host_slurp(const char *path, char **bufp);
/* tests/lib/treecmp with what FAT keeps (fat_read.c). */
void	compare_data(const char *hpath, const char *apath);
void	compare_dir(const char *hdir, const char *adir);
int	mount_img(const char *type, const char *imgpath, const char *mnt,
	    int flags, const char *opts);
unsigned get16(const unsigned char *p);
int	listed(const char *dir, const char *name);
void	test_write(void);
void	test_corruption(void);	/* fat_corrupt.c */

#endif /* !_TESTS_IMAGE_FAT_TEST_H_ */
