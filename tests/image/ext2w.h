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

#include "tests/lib/mcheck.h"

#define MNT		MC_MNT		/* the image, mounted through libak */
#define MODEL		MC_MODEL	/* the tmpfs model */
#define MAXENT		2000		/* entries of the model check */

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

/* ext2_write.c: helpers */
char	*ew_output(size_t *lenp, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 ew_fsck_ok(const char *img, const char *when);
int	 mkimage(const char *img, const char *opts, int mib);

/* ext2w_ops.c: what the random operations are made of */
void	 ew_caps(struct mc_caps *c, bool big, int xmax, bool nsec);

/* ext2w_cmp.c, ext2w_host.c: readers */
void	 debugfs_sample(const char *img, const struct mc_state *w);
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
