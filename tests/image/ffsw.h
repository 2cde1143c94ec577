/*
 * ffsw.h: what the parts of the ffs_write test share (ffs_write.c is
 * the main program and describes the whole test).
 */
#ifndef _TESTS_IMAGE_FFSW_H_
#define _TESTS_IMAGE_FFSW_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MNT		"/mnt"		/* the image, mounted through libak */
#define MODEL		"/model"	/* the tmpfs model */
#define MAXENT		4000

/* The model's tree as the random operations pick from it. */
struct fw_state {
	char	dirs[MAXENT][512];	/* relative directories ("" root) */
	int	ndirs;
	char	files[MAXENT][512];	/* relative non-directories */
	int	nfiles;
	bool	xattr;			/* UFS2: extended attributes too */
};

extern char fw_work[1024];	/* scratch directory of this run */
extern uint64_t fw_rng;		/* state of fw_rnd() */
extern int fw_nok, fw_nerr;	/* operations that worked, failed alike */

/* ffs_write.c */
uint32_t fw_rnd(uint32_t n);

/* ffsw_ops.c: the random operations, applied to the model and image. */
void	fw_rescan(struct fw_state *w);
void	fw_random_ops(struct fw_state *w, int nops);
void	fw_same_times(struct fw_state *w);
void	fw_both_ret(const char *op, const char *rel, long mr, int merr,
	    long ir, int ierr);

/* ffsw_cmp.c: the oracles. */
void	fw_cmp_tree(const char *rel);
void	fw_tsk_compare(const char *img, int version, bool be);
void	fw_check_ok(const char *img, const char *when);
void	fw_clean_ok(const char *img, const char *when);

/* ffsw_misc.c: the special cases. */
void	fw_test_open_unlinked(int version);
void	fw_test_full(int version);
void	fw_test_linkmax(int version);

#endif /* !_TESTS_IMAGE_FFSW_H_ */
