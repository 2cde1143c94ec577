/*
 * fat_test.h: what tests/image/fat_read.c (the program: read tests,
 * corruption sweep) and tests/image/fat_write.c (the write tests) share.
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

extern int npass, nfail;		/* checks passed and failed */
extern char workdir[4096];		/* images and trees (mkfat.sh) */
extern int compare_mtime;		/* compare_dir checks mtimes */

void	fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	check(int ok, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	ak_names(const char *path, char **names, int *dots);
void	free_names(char **names, int n);
void	compare_data(const char *hpath, const char *apath);
void	compare_dir(const char *hdir, const char *adir, ino_t parentino);
int	mount_img(const char *type, const char *imgpath, const char *mnt,
	    int flags, const char *opts);
unsigned get16(const unsigned char *p);
int	listed(const char *dir, const char *name);
void	test_write(void);

#endif /* !_TESTS_IMAGE_FAT_TEST_H_ */
