/*
 * find.h: fsu_find's expression tree, built by find_parse.c and
 * evaluated by cmd_find.c.
 */
#ifndef _FSU_FIND_H_
#define _FSU_FIND_H_

#include <sys/stat.h>
#include <stdint.h>
#include <time.h>

enum find_op {
	F_AND, F_OR, F_NOT, F_TRUE,
	F_NAME, F_INAME, F_PATH, F_IPATH, F_TYPE, F_SIZE, F_MTIME, F_MMIN,
	F_NEWER, F_USER, F_GROUP, F_PERM, F_EMPTY,
	F_PRINT, F_PRINT0, F_PRUNE,
};

struct find_node {
	enum find_op		n_op;
	struct find_node	*n_l, *n_r;
	const char		*n_str;		/* pattern */
	int			n_cmp;		/* -1 less, 0 equal, 1 more */
	int64_t			n_num;		/* number, units applied */
	int64_t			n_unit;		/* -size unit in bytes */
	char			n_type;		/* -type letter, -perm kind */
	mode_t			n_mode;
	struct timespec		n_time;		/* -newer */
	unsigned long		n_id;		/* -user, -group */
};

struct find_ctx {
	struct find_node	*root;
	int			mindepth, maxdepth;	/* -1: none */
	int			follow;		/* FSU_WALK_* bits */
	int			hasaction;
	time_t			now;
	int			prune;		/* set by -prune */
	int			status;
};

/* Parse argv[i..argc) into c->root; returns 0 or an exit status. */
int	find_parse(struct find_ctx *c, int argc, char **argv, int i);
void	find_free(struct find_node *n);

#endif /* !_FSU_FIND_H_ */
