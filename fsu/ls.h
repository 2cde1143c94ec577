/*
 * ls.h: what cmd_ls.c (options, reading, sorting), ls_print.c (output
 * formats) and ls_out.c (the output buffer) share.
 */
#ifndef _FSU_LS_H_
#define _FSU_LS_H_

#include <sys/stat.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One entry, kept small: a directory of 50,000 entries holds 50,000 of
 * them, and fresh memory is a large part of listing it.
 */
struct ls_ent {
	const char	*e_name;	/* as shown; not owned */
	char		*e_link;	/* symlink target, NULL */
	ino_t		e_ino;
	off_t		e_size;
	blkcnt_t	e_blocks;
	dev_t		e_rdev;
	nlink_t		e_nlink;
	struct timespec	e_time;		/* the one shown and sorted by */
	mode_t		e_mode;
	mode_t		e_tmode;	/* the link target's mode, 0: none */
	uid_t		e_uid;
	gid_t		e_gid;
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

/*
 * Print a group of entries (a directory's contents or the operands), in
 * the order of the pointers in v.
 */
void	ls_print(struct ls_opt *o, struct ls_ent **v, size_t n, int total);
/* The time -c, -u or neither selects. */
const struct timespec *ls_time(const struct ls_opt *o, const struct stat *st);

/*
 * ls_out.c: ls builds its lines in one large buffer (printf per field
 * was a third of listing a large directory) and writes it to stdout with
 * ls_flush, which returns -1 if stdout failed.
 */
void	ls_putc(char c);
void	ls_putn(const char *s, size_t len);
void	ls_puts(const char *s);
void	ls_pad(size_t n);		/* n blanks */
size_t	ls_udigits(uintmax_t v);	/* digits of v in decimal */
void	ls_putu(uintmax_t v, size_t width);	/* right-aligned */
int	ls_flush(void);

#endif /* !_FSU_LS_H_ */
