/*
 * fsu.h: what the fs-utils commands share.  Every command is a function
 * int fsu_CMD(int argc, char **argv) called by the multi-call front end
 * (or by fsu_sh) once the image is mounted and made the kernel's root;
 * paths the user gives are absolute from the image's root, or relative
 * to fsu_sh's working directory.
 *
 * Commands are reentrant: fsu_sh calls many of them in one process, so
 * they never exit(), free what they allocate and start getopt afresh
 * (fsu_getopt_reset).
 *
 * Exit statuses: 0 success, 1 any failure, 2 usage error.
 */
#ifndef _FSU_FSU_H_
#define _FSU_FSU_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#define FSU_EXIT_OK	0
#define FSU_EXIT_FAIL	1
#define FSU_EXIT_USAGE	2

/* Name used in messages: "fsu_ls" (or "ls" inside fsu_sh). */
extern const char *fsu_prog;

/* "prog: msg" on stderr. */
void	fsu_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* "prog: path: strerror(err)" on stderr; returns FSU_EXIT_FAIL. */
int	fsu_warn_path(const char *path, int err);
/* "usage: prog ..." on stderr; returns FSU_EXIT_USAGE. */
int	fsu_usage(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* --- the command table (cmds.c) ------------------------------------- */
#define FSU_RO		0	/* reads the image only */
#define FSU_RW		1	/* writes to the image */
#define FSU_NOIMAGE	2	/* parts: looks at the raw image itself */
#define FSU_CHECK	3	/* fsck: mounts the image itself, to check it */

struct fsu_cmd {
	const char	*c_name;	/* "ls" */
	int		(*c_fn)(int, char **);
	int		c_mode;		/* FSU_RO, FSU_RW, FSU_NOIMAGE */
	const char	*c_usage;	/* options and operands */
	const char	*c_what;	/* one line for --help */
};
extern const struct fsu_cmd fsu_cmds[];
const struct fsu_cmd *fsu_cmd_find(const char *name);
/* Does this invocation write?  (ecp -g does not.) */
int	fsu_cmd_writes(const struct fsu_cmd *c, int argc, char **argv);
/* --help: a command's usage line and what it does. */
void	fsu_cmd_help(const struct fsu_cmd *c, FILE *fp);

/* The usage line of a command on stderr; returns FSU_EXIT_USAGE. */
int	fsu_cmd_usage(const char *name);
/* Non-zero inside fsu_sh (no IMAGE in usage lines). */
extern int fsu_in_sh;

/* Reset getopt so the next getopt call parses a new vector. */
void	fsu_getopt_reset(void);
/* 1 if --help is among argv[1..argc) (before any "--"). */
int	fsu_wants_help(int argc, char **argv);

/* --- the image (mount.c, parts.c) ------------------------------------ */
struct fsu_image {
	const char	*im_path;	/* host file or device */
	const char	*im_type;	/* -t, NULL: probe */
	const char	*im_opts;	/* -o */
	int		im_part;	/* -p, 0: choose */
	int		im_partset;	/* -p given */
	const char	*im_offset;	/* --offset, NULL none */
	int		im_rdonly;
	int		im_verbose;
	int		im_listparts;	/* --partitions */
};
/* Boot the kernel, mount the image and make it the root. */
int	fsu_mount(const struct fsu_image *im);
/* Sync, unmount, stop the kernel; non-zero if that failed. */
int	fsu_unmount(const struct fsu_image *im);
/*
 * Pick a partition when the image has a table and no -p: 0 ok, -1 with
 * errno if the image cannot be read, else an exit status (reported).
 */
int	fsu_parts_choose(const struct fsu_image *im, int *partp);
/* The -o options plus part= or offset=, malloc'ed (NULL: none). */
char	*fsu_mount_opts(const struct fsu_image *im, int part);
int	fsu_parts_list(const char *image, FILE *fp);

/* --- helpers (fsu_util.c, fmt.c, mode.c, names.c, walk.c) ----------- */
/* Human-readable size as ls -h / du -h / df -h print it. */
void	fsu_human(char *buf, size_t len, uint64_t n);
/* "drwxr-xr-x" (10 characters and NUL). */
void	fsu_modestr(mode_t mode, char buf[11]);
/* Parse a chmod mode (octal or symbolic) against the old mode. */
int	fsu_mode_parse(const char *s, mode_t old, mode_t umask, int isdir,
	    mode_t *newp);
int	fsu_mode_valid(const char *s);
/* Strict unsigned parse; 0 ok, -1 not a number. */
int	fsu_strtou64(const char *s, uint64_t *vp);

/* Names from the image's /etc/passwd and /etc/group. */
const char *fsu_uid_name(uid_t uid);
const char *fsu_gid_name(gid_t gid);
int	fsu_name_uid(const char *name, uid_t *uidp);
int	fsu_name_gid(const char *name, gid_t *gidp);
void	fsu_names_reset(void);

/* Join dir and name into a malloc'ed path ("/" + "a" = "/a"). */
char	*fsu_join(const char *dir, const char *name);
/* Last component of a path, without trailing slashes, in buf. */
const char *fsu_basename(const char *path, char *buf, size_t len);
/* Read a whole image directory: sorted, malloc'ed names, NULL ended. */
char	**fsu_readdir(const char *path, int *errp);
void	fsu_freenames(char **names);

/*
 * Tree walk over the image (fts-like): fn sees every entry in preorder
 * (w_post 0) and, with FSU_WALK_POST, directories again after their
 * contents (w_post 1).  fn returns 0 to go on, FSU_WALK_PRUNE not to
 * descend, or FSU_WALK_STOP.  An unreadable directory is reported and
 * makes the walk return FSU_EXIT_FAIL.
 */
struct fsu_went {
	const char	*w_path;
	const char	*w_name;
	struct stat	w_st;
	int		w_err;		/* stat failed: errno */
	int		w_depth;	/* 0 for the operand */
	int		w_post;
};
#define FSU_WALK_POST	0x01	/* postorder visits of directories */
#define FSU_WALK_FOLLOW	0x02	/* -L: follow every symlink */
#define FSU_WALK_ARGS	0x04	/* -H: follow the operand only */
#define FSU_WALK_PRUNE	1
#define FSU_WALK_STOP	2
int	fsu_walk(const char *root, int flags,
	    int (*fn)(struct fsu_went *, void *), void *arg);

/* The ls-style time string: style NULL is the default. */
int	fsu_timestr(char *buf, size_t len, const struct timespec *ts,
	    const char *style);

/* --- commands --------------------------------------------------------- */
int	fsu_cat(int, char **);
int	fsu_chmod(int, char **);
int	fsu_chown(int, char **);
int	fsu_chgrp(int, char **);
int	fsu_cp(int, char **);
int	fsu_diff(int, char **);
int	fsu_df(int, char **);
int	fsu_fsck(int, char **);
int	fsu_du(int, char **);
int	fsu_ecp(int, char **);
int	fsu_exec(int, char **);
int	fsu_find(int, char **);
int	fsu_get(int, char **);
int	fsu_ln(int, char **);
int	fsu_ls(int, char **);
int	fsu_mkdir(int, char **);
int	fsu_mkfifo(int, char **);
int	fsu_mknod(int, char **);
int	fsu_mv(int, char **);
int	fsu_parts(int, char **);
int	fsu_put(int, char **);
int	fsu_rm(int, char **);
int	fsu_rmdir(int, char **);
int	fsu_stat(int, char **);
int	fsu_touch(int, char **);
int	fsu_write(int, char **);

int	fsu_sh(int, char **);

/* The image mounted now (for fsu_sh and parts). */
extern const struct fsu_image *fsu_image_cur;
/* Run a command on the mounted image (fsu_sh's commands too). */
int	fsu_cmd_run(const struct fsu_cmd *c, int argc, char **argv);

/*
 * Set by SIGINT, SIGTERM and SIGHUP: long commands (copies) stop at the
 * next file or chunk, and the image is still unmounted and synced.
 */
extern volatile sig_atomic_t fsu_interrupted;

/* sandbox.c: confine the process for command c (after the mount). */
extern int fsu_no_sandbox;		/* --no-sandbox */
void	fsu_sandbox(const struct fsu_cmd *c, int verbose);
/* heap.c: the heap in huge pages where the host has them. */
void	fsu_heap_init(void);

#endif /* !_FSU_FSU_H_ */
