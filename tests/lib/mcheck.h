/*
 * mcheck.h: a write test's model check.  Seeded random operations are
 * applied through libak to the image (mounted on MC_MNT) and to a tmpfs
 * in the same kernel (the model, on MC_MODEL) alike, and each call must
 * give the same result and errno on both; afterwards the two trees must
 * agree in names, types, sizes, modes, owners, link counts, mtimes,
 * device numbers, link targets, extended attributes and every byte.
 * The results are counted checks (tests/lib/tcheck.h).
 *
 * What the drivers differ in (their names, write sizes and offsets,
 * symlink lengths, the mix of operations, extended attributes, what is
 * compared) is a struct mc_caps, filled by each test (ext2w_ops.c,
 * ffsw_ops.c).  mcheck.c: the setup, the state and the loop;
 * mcheck_ops.c: the operations; mcheck_cmp.c: the comparison of the
 * trees.  MCHECK_TRACE=1 in the environment prints every call.
 */
#ifndef _TESTS_LIB_MCHECK_H_
#define _TESTS_LIB_MCHECK_H_

#include <sys/types.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MC_MNT		"/mnt"		/* the image, mounted through libak */
#define MC_MODEL	"/model"	/* the tmpfs model */
#define MC_MAXENT	4000		/* entries the state can hold */
#define MC_PATH		512		/* longest relative path kept, + 1 */
#define MC_WRITEMAX	(1 << 19)	/* longest write */
#define MC_XATTRMAX	(1 << 16)	/* longest xattr value */

/* A length drawn as base + rnd(span). */
struct mc_span {
	uint32_t	base, span;
};

struct mc_caps {
	/*
	 * The operations, one letter each, drawn with equal chance:
	 * w write, t truncate, u unlink, m mkdir, d rmdir, r rename,
	 * l link, s symlink, n mknod, x set/remove an xattr (needs
	 * xmax > 0), a chmod/chown/utimens, - nothing.
	 */
	const char	*mix;
	const char *const *names;	/* names of new non-directories */
	uint32_t	 nnames;
	int		 maxent;	/* entries kept, listed (<= MC_MAXENT) */
	size_t		 pathmax;	/* mkdir, rename targets no longer */
	/*
	 * Writes: one in write_big_in up to write_max bytes, the others
	 * up to 9,000; at the end, below sparse_span, overwriting, or
	 * (far_span not 0) at far_off + rnd(far_span).
	 */
	uint32_t	 write_big_in;
	uint32_t	 write_max;	/* <= MC_WRITEMAX */
	uint32_t	 sparse_span;
	off_t		 far_off;
	uint32_t	 far_span;
	bool		 unlink_dirs;	/* unlink tried on dirs (one in 8) */
	bool		 exchange;	/* one rename in 6: RENAME_EXCHANGE */
	/* Renames onto themselves, and (one in 4) into themselves. */
	bool		 rename_self;
	/* Symlink target lengths (< 1100): a class drawn, then its span. */
	const struct mc_span *symlens;
	uint32_t	 nsymlens;
	const char *const *xnames;	/* xattr names */
	uint32_t	 nxnames;
	uint32_t	 xmax;		/* one value in 4 shorter than this */
	uint32_t	 xsmall;	/* ... the others shorter than this */
	/* The comparison of the trees. */
	bool		 nsec;		/* mtimes to the nanosecond */
	/* The model's holes sampled on the image (zeros), not read. */
	bool		 holes;
	/* Xattrs of every type, else of directories and files only. */
	bool		 xattr_all;
};

/* The model's tree as the operations pick from it, and the counts. */
struct mc_state {
	struct mc_caps	 caps;
	uint64_t	 rng;		/* state of mc_rnd() */
	char		 dirs[MC_MAXENT][MC_PATH];	/* "" the root */
	int		 ndirs;
	char		 files[MC_MAXENT][MC_PATH];	/* the others */
	int		 nfiles;
	int		 nok, nerr;	/* calls that worked, failed alike */
};

/* mcheck.c */
int		 mc_setup(char *work, size_t size, const char *tag);
struct mc_state	*mc_new(const struct mc_caps *caps, uint64_t seed);
uint32_t	 mc_rnd(struct mc_state *w, uint32_t n);
void		 mc_rescan(struct mc_state *w);
void		 mc_random_ops(struct mc_state *w, int nops);
void		 mc_same_times(struct mc_state *w);
/* One call's results on the model and the image must agree (counted). */
void		 mc_result(struct mc_state *w, const char *op,
		    const char *rel, const char *rel2, long mr, int merr,
		    long ir, int ierr);

/* mcheck_ops.c: one operation (a letter of caps.mix). */
void		 mc_op(struct mc_state *w, char op);

/* mcheck_cmp.c */
void		 mc_cmp_tree(const struct mc_state *w, const char *rel);
int		 mc_listdir(const char *path, char (*v)[256], int max);
int		 mc_xnames(char *buf, ssize_t len, char **v, int max);

/*
 * Evaluate call with P (and Q) the model's path of rel (and rel2), then
 * with the image's, and compare the results (mc_result).  The arguments
 * of call are evaluated twice: draw random ones before.
 */
#define MC_BOTH2(w, op, rel, rel2, call)	do {			\
	char mp_[1100], ip_[1100], mq_[1100], iq_[1100];		\
	long mr_, ir_;							\
	int me_, ie_;							\
	const char *P, *Q;						\
	snprintf(mp_, sizeof(mp_), MC_MODEL "/%s", rel);		\
	snprintf(ip_, sizeof(ip_), MC_MNT "/%s", rel);			\
	snprintf(mq_, sizeof(mq_), MC_MODEL "/%s", rel2);		\
	snprintf(iq_, sizeof(iq_), MC_MNT "/%s", rel2);			\
	P = mp_; Q = mq_; errno = 0; mr_ = (long)(call); me_ = errno;	\
	P = ip_; Q = iq_; errno = 0; ir_ = (long)(call); ie_ = errno;	\
	(void)Q;							\
	mc_result(w, op, rel, rel2, mr_, me_, ir_, ie_);		\
} while (0)
#define MC_BOTH(w, op, rel, call)	MC_BOTH2(w, op, rel, rel, call)

#endif /* !_TESTS_LIB_MCHECK_H_ */
