/*
 * copy_test.h: what the parts of the copy engine's test share.
 */
#ifndef _TESTS_FSU_COPY_TEST_H_
#define _TESTS_FSU_COPY_TEST_H_

#include <stddef.h>

/* What tree_compare looks at besides names, types and contents. */
#define CMP_MODE	0x01
#define CMP_TIMES	0x02	/* mtime with nanoseconds */
#define CMP_OWNER	0x04
#define CMP_XATTR	0x08	/* user.* */
#define CMP_HOLES	0x10	/* SEEK_DATA/SEEK_HOLE layout */
#define CMP_LINKS	0x20	/* link counts and shared inodes */
#define CMP_ALL		0x3f
#define CMP_SECS	0x40	/* mtime: whole seconds only (mke2fs -d) */
#define CMP_NOROOT	0x80	/* not the two roots' own mode and times */
#define CMP_NOSPEC	0x100	/* leave out fifos, sockets, devices */

extern int npass, nfail;
extern int is_root, have_xattr;

void	check(int ok, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	skip(const char *what, const char *why);

/* The sample tree: files of many sizes, holes, links, nodes, xattrs. */
int	tree_make(const char *dir);
/* Random bytes without a block of zeros, into a new file of size n. */
int	file_random(const char *path, size_t n, unsigned seed);
/* Differences between two host trees (0: same), each one a FAIL line;
 * ignore: a name left out at the top of b (lost+found), or NULL. */
int	tree_compare(const char *a, const char *b, int flags,
	    const char *ignore);
/* The data/hole layout of a host file as text ("0-4096,..."). */
int	hole_map(const char *path, char *buf, size_t len);

#endif /* !_TESTS_FSU_COPY_TEST_H_ */
