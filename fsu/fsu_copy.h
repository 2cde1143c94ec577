/*
 * fsu_copy.h: the copy engine behind cp, get, put and ecp: copies between
 * the host and the image, and inside the image, with the meaning cp -R
 * has.  Host paths go to libc, image paths to ak_sys_* (absolute from the
 * image root, which the front end has made the kernel's root).
 */
#ifndef _FSU_FSU_COPY_H_
#define _FSU_FSU_COPY_H_

#include <sys/types.h>

enum fsu_side { FSU_HOST, FSU_IMAGE };

/* What to do with symbolic links met in the source. */
enum fsu_deref {
	FSU_DEREF_NEVER,	/* -P: copy links as links */
	FSU_DEREF_ALWAYS,	/* -L */
	FSU_DEREF_ARGS,		/* -H: follow command-line arguments only */
	FSU_DEREF_AUTO,		/* cp's default: -L without -R, else -P */
};

struct fsu_copyopt {
	int		recursive;	/* -R, -r */
	int		preserve;	/* -p: mode, owner, ns timestamps */
	int		links;		/* keep hard links (-a) */
	int		specials;	/* copy device nodes, fifos (-a, -R) */
	int		xattrs;		/* -X (and -a) */
	enum fsu_deref	deref;
	int		noclobber;	/* -n */
	int		force;		/* -f */
	int		verbose;	/* -v */
	int		progress;	/* -1 auto (terminal), 0 off, 1 on */
	long		owner;		/* put: --owner UID, -1 none */
	long		group;		/* put: --group GID, -1 none */
	const char	*ownermap;	/* put: mapping file, NULL none */
	int		no_abs_links;	/* get: refuse absolute link targets */
};

/* Defaults: cp without options. */
void	fsu_copyopt_init(struct fsu_copyopt *o);

/*
 * Copy the nsrc paths srcs (on side from) to dst (on side to).  If dst is
 * an existing directory each source goes inside it under its last name;
 * otherwise there must be one source and it becomes dst.  Errors are
 * reported as "prog: path: reason"; the copy of the other sources goes
 * on.  Returns FSU_EXIT_OK, or FSU_EXIT_FAIL if anything failed.
 */
int	fsu_copy(const struct fsu_copyopt *o, enum fsu_side from,
	    char *const *srcs, int nsrc, enum fsu_side to, const char *dst);

#endif /* !_FSU_FSU_COPY_H_ */
