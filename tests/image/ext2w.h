/*
 * ext2w.h: what the parts of the ext2_write test share (ext2_write.c is
 * the main program and describes the whole test).
 */
#ifndef _TESTS_IMAGE_EXT2W_H_
#define _TESTS_IMAGE_EXT2W_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MNT		"/mnt"		/* the image, mounted through libak */
#define MODEL		"/model"	/* the tmpfs model */
#define MAXENT		2000

struct wstate {
	char	dirs[MAXENT][512];	/* relative directories ("" root) */
	int	ndirs;
	char	files[MAXENT][512];	/* relative non-directories */
	int	nfiles;
	bool	big;			/* offsets past 4 GiB allowed */
	int	xmax;			/* longest xattr value, 0: none */
};

struct variant {
	const char	*name;
	const char	*opts;		/* mke2fs options */
	int		 mib;		/* image size */
	bool		 big;		/* may hold > 4 GiB sparse files */
	bool		 nsec;		/* inodes big enough for nanoseconds */
	int		 xmax;		/* longest xattr value (fits a
					   block six times), 0: no ext_attr */
};

extern char workdir[1024];	/* scratch directory of this run */
extern bool curnsec;		/* compare nanoseconds */
extern uint64_t rng;		/* state of rnd() */
extern int nok, nerr;		/* random operations that worked, failed */

/* ext2_write.c: helpers */
uint32_t rnd(uint32_t n);
char	*ew_output(size_t *lenp, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 ew_fsck_ok(const char *img, const char *when);
int	 mkimage(const char *img, const char *opts, int mib);

/* ext2w_ops.c: the random operations */
void	 wrescan(struct wstate *w);
void	 random_ops(struct wstate *w, int nops);
void	 same_times(struct wstate *w);

/* ext2w_cmp.c, ext2w_host.c: readers */
void	 cmp_tree(const char *rel);
int	 listdir(const char *path, char (*v)[256], int max);
int	 xnames_of(char *buf, ssize_t len, char **v, int max);
void	 debugfs_sample(const char *img, struct wstate *w);
void	 linux_check(const char *img);

/* ext2w_big.c, ext2w_misc.c: the special cases */
void	 test_bigdir(const char *opts, int levels);
void	 test_bigfile(void);
void	 test_enospc(const char *name, const char *opts);
void	 test_reserved(void);
void	 test_inline(void);
void	 test_open_unlinked(void);
void	 test_unwritten(void);
void	 test_threads(void);
void	 test_refused(void);

/* ext2w_orphan.c: the on-disk orphan list */
void	 test_orphans(const char *self);
int	 orphans_main(const char *img, int n, int close_one);

#endif /* !_TESTS_IMAGE_EXT2W_H_ */
