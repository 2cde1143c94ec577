/*
 * copy_impl.h: the inside of the copy engine (fsu_copy.h is its face).
 *
 * One engine, two sides (side.h).  A node of the copy is named both ways:
 * by a directory descriptor and a name (what the calls use, so that no
 * path below the destination is ever resolved again through a link) and
 * by a full path (for messages, -v and hard links).
 */
#ifndef _FSU_COPY_IMPL_H_
#define _FSU_COPY_IMPL_H_

#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>

#include "fsu/fsu_copy.h"
#include "fsu/side.h"

#define COPY_BUFSIZE	(1024 * 1024)	/* one read or write */

/* Inodes seen, keyed by (dev, ino): hard links, links we made, loops. */
struct copy_inode {
	struct copy_inode *ci_next;
	dev_t		 ci_dev;
	ino_t		 ci_ino;
	char		*ci_path;	/* destination path, or NULL */
};
#define COPY_INOHASH	4096
struct copy_inotab {
	struct copy_inode *it_hash[COPY_INOHASH];
};

struct copy_progress {
	int		pg_on;		/* may print at all */
	double		pg_delay;	/* seconds before the first line */
	double		pg_start;	/* monotonic seconds */
	double		pg_last;	/* last line printed at */
	uint64_t	pg_bytes;
	uint64_t	pg_files;
	uint64_t	pg_total;	/* bytes expected, 0 unknown */
	size_t		pg_width;	/* length of the line on screen */
};

/* One end of a node: where it lives and what it is called. */
struct copy_end {
	int		 ce_dirfd;	/* directory holding it */
	const char	*ce_name;	/* its name in ce_dirfd */
	const char	*ce_path;	/* full path, for messages */
	int		 ce_follow;	/* source: follow it if a link */
	unsigned char	 ce_dtype;	/* source: type its directory gives
					   (DT_UNKNOWN if none) */
	int		 ce_fresh;	/* destination: in a directory this
					   copy made, so (normally) absent */
};

/* copy_regular, told the destination was absent, found it there. */
#define COPY_RETRY	(-2)

struct copy_ctx {
	const struct fsu_copyopt *cc_opt;
	const struct fsu_sideops *cc_src;
	const struct fsu_sideops *cc_dst;
	enum fsu_side	 cc_from, cc_to;
	int		 cc_status;	/* FSU_EXIT_OK or FSU_EXIT_FAIL */
	int		 cc_stop;	/* no space etc.: stop everything */
	int		 cc_canchown;	/* destination takes any owner */
	mode_t		 cc_umask;	/* destination's umask */
	char		*cc_buf;	/* COPY_BUFSIZE bytes */
	int		 cc_sseq;	/* this file's source: read in order */
	int		 cc_dseq;	/* its destination: write in order */
	int		 cc_guess;	/* this file's destination was assumed
					   absent without asking */
	struct copy_inotab cc_links;	/* source inodes with nlink > 1 */
	struct copy_inotab cc_made;	/* symlinks this copy created */
	struct copy_inotab cc_dirs;	/* source directories being copied */
	long		 cc_nodevs;	/* device nodes skipped (not root) */
	struct copy_progress cc_prog;
};

/* copy.c */
void	copy_fail(struct copy_ctx *cc, const char *path, int err);
void	copy_failx(struct copy_ctx *cc, const char *path, const char *why);
char	*copy_join(const char *dir, const char *name);
void	copy_verbose(struct copy_ctx *cc, const char *src, const char *dst);

/* copy_node.c */
void	copy_node(struct copy_ctx *cc, const struct copy_end *src,
	    const struct copy_end *dst, int depth);

/* copy_file.c */
int	copy_regular(struct copy_ctx *cc, const struct copy_end *src,
	    const struct stat *sst, int sfd, const struct copy_end *dst,
	    const struct stat *dst_st);

/* copy_meta.c: owner, mode, xattrs and times of what was made. */
void	copy_meta_fd(struct copy_ctx *cc, int sfd, int dfd,
	    const struct stat *sst, const char *dpath, int created);
void	copy_meta_at(struct copy_ctx *cc, const struct stat *sst,
	    const struct copy_end *dst);

/* copy_inotab.c */
struct copy_inode *copy_ino_find(struct copy_inotab *it, dev_t dev,
	    ino_t ino);
int	copy_ino_add(struct copy_inotab *it, dev_t dev, ino_t ino,
	    const char *path);
void	copy_ino_del(struct copy_inotab *it, dev_t dev, ino_t ino);
void	copy_ino_free(struct copy_inotab *it);

/* copy_ownermap.c */
struct copy_map;
int	copy_map_load(const char *file, struct copy_map **mapp);
int	copy_map_apply(const struct copy_map *map, const struct fsu_sideops *sd,
	    char *const *tops, int ntops);
void	copy_map_free(struct copy_map *map);

/* copy_progress.c */
void	copy_progress_start(struct copy_ctx *cc, uint64_t total);
void	copy_progress_add(struct copy_ctx *cc, uint64_t bytes, int files);
void	copy_progress_clear(struct copy_ctx *cc);

#endif /* !_FSU_COPY_IMPL_H_ */
