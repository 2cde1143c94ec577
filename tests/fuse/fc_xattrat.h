/* fc_xattrat.h: the ak_sys_*xattrat checks fuse_conform runs first. */
#ifndef _TESTS_FUSE_FC_XATTRAT_H_
#define _TESTS_FUSE_FC_XATTRAT_H_

/* Run them in libak's kernel (booting it if needed); add the counts. */
void	fc_xattrat(int *passed, int *failed);

#endif /* !_TESTS_FUSE_FC_XATTRAT_H_ */
