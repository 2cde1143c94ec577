/*
 * ls.h: what cmd_ls.c (options, reading, sorting) and ls_print.c
 * (output formats) share.
 */
#ifndef _FSU_LS_H_
#define _FSU_LS_H_

#include <sys/stat.h>

struct ls_ent {
	char		*e_name;	/* as shown */
	char		*e_path;	/* for lstat, readlink */
	struct stat	e_st;
	char		*e_link;	/* symlink target, NULL */
	int		e_tgtok;	/* e_tst is valid */
	struct stat	e_tst;		/* the link's target */
};

struct ls_opt {
	int		all;		/* -a */
	int		almost;		/* -A */
	int		dirself;	/* -d */
	int		recursive;	/* -R */
	int		lng;		/* -l, -n */
	int		numeric;	/* ids as numbers */
	int		human;		/* -h */
	int		inode;		/* -i */
	int		one;		/* -1 */
	int		classify;	/* -F */
	int		color;
	int		reverse;	/* -r */
	char		sort;		/* 'n'ame, 't'ime, 'S'ize, 'U' none */
	char		timefld;	/* 'm', 'a' (-u), 'c' (-c) */
	const char	*timestyle;
	int		columns;	/* -C (terminal) */
	int		width;		/* terminal width */
	int		printed;	/* something was printed already */
	int		status;
};

/* Print a group of entries (a directory's contents or the operands). */
void	ls_print(struct ls_opt *o, struct ls_ent *v, size_t n, int total);
const struct timespec *ls_time(const struct ls_opt *o, const struct stat *st);

#endif /* !_FSU_LS_H_ */
