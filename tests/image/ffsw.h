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

#include "tests/lib/mcheck.h"

#define MNT		MC_MNT		/* the image, mounted through libak */
#define MODEL		MC_MODEL	/* the tmpfs model */
#define MAXENT		4000		/* entries of the model check */

extern char fw_work[1024];	/* scratch directory of this run */

/* ffsw_ops.c: what the random operations are made of. */
void	fw_caps(struct mc_caps *c, bool xattr);

/* ffsw_cmp.c: the oracles. */
void	fw_tsk_compare(const char *img, int version, bool be);
void	fw_check_ok(const char *img, const char *when);
void	fw_clean_ok(const char *img, const char *when);

/* ffsw_misc.c: the special cases. */
void	fw_test_open_unlinked(int version);
void	fw_test_full(int version);
void	fw_test_linkmax(int version);

#endif /* !_TESTS_IMAGE_FFSW_H_ */
