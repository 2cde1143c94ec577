/*
 * akfuse.h: akfuse, an image served to the host through FUSE.
 *
 * The image is mounted inside libak's kernel at AKF_ROOT; every FUSE
 * request is turned into the ak_sys_* call of the same meaning, made
 * relative to a directory descriptor (the *at calls), so that no path
 * length limits the tree.  nodes.c maps FUSE node ids to a directory
 * descriptor and a name; the ops_*.c files implement the low-level
 * operations.
 */
#ifndef _FUSE_AKFUSE_H_
#define _FUSE_AKFUSE_H_

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#define AKF_ROOT	"/mnt"	/* the image's mount point in the kernel */

/* Seconds the host kernel may cache names and attributes. */
#define AKF_TIMEOUT	1.0

/* --- nodes.c: node ids and where they are ------------------------------ */
/* After the image is mounted: 0, or -1 (its root cannot be opened). */
int	akf_nodes_init(void);
/* Serving is over: close the directory descriptors before ak_fini. */
void	akf_nodes_fini(void);
/*
 * The namespace lock: held shared while a request turns a node id into
 * a descriptor and a name and uses them, exclusively while unlink, rmdir
 * and rename change the names, so that no request ever uses a name that
 * is being renamed.
 */
void	akf_ns_rdlock(void);
void	akf_ns_wrlock(void);
void	akf_ns_unlock(void);
/* Where a node is: a kernel directory descriptor and a name in it. */
struct akf_at {
	int		 fd;	/* a kernel descriptor, or AT_FDCWD */
	const char	*name;	/* valid while the namespace lock is held */
};
/*
 * Where ino is (name NULL), or name in directory ino: 0, or an errno
 * (ENOENT for a node whose every name is gone).  Namespace lock held.
 */
int	akf_at(fuse_ino_t ino, const char *name, struct akf_at *at);
/*
 * The node of name in directory parent (st: its lstat), with one more
 * lookup; a hard-linked file's names share one node.
 */
fuse_ino_t akf_node_enter(fuse_ino_t parent, const char *name,
	    const struct stat *st, uint64_t *genp);
void	akf_node_forget(fuse_ino_t ino, uint64_t nlookup);
/*
 * name in parent is gone (unlink, rmdir).  keepfd (or -1): a descriptor
 * of the removed directory, kept as its own while the host still uses
 * the node, so that fstat and readdir of a removed cwd work; closed
 * otherwise.
 */
void	akf_node_gone(fuse_ino_t parent, const char *name, int keepfd);
/* A rename succeeded: move (or exchange) the nodes to match. */
void	akf_node_moved(fuse_ino_t oparent, const char *oname,
	    fuse_ino_t nparent, const char *nname, unsigned int flags);
/* Kernel descriptors open on a node (open, create; release). */
void	akf_node_fd_add(fuse_ino_t ino, int fd);
void	akf_node_fd_del(fuse_ino_t ino, int fd);
/* A duplicate of one of them, to reach a node whose name is gone. */
int	akf_node_fd_dup(fuse_ino_t ino);
/*
 * security.capability known absent on ino (ops_xattr.c); *xgenp: the
 * count of xattr changes to give akf_node_nocap_set when the kernel
 * answered ENODATA, which records it unless a change ran meanwhile.
 * akf_node_xchange: before and after each setxattr and removexattr.
 */
int	akf_node_nocap(fuse_ino_t ino, uint64_t *xgenp);
void	akf_node_nocap_set(fuse_ino_t ino, uint64_t xgen);
void	akf_node_xchange(fuse_ino_t ino);
/* Number of live nodes (the root excluded), for debugging. */
size_t	akf_node_count(void);

/* --- loop.c: the multi-threaded loop ---------------------------------- */
#define AKF_MAXTHREADS	10	/* threads at most, unless -o max_threads= */
/* Serve se until it ends; 0, or -1 if no thread could start. */
int	akf_loop_run(struct fuse_session *se, unsigned int max_threads);

/* --- part.c ------------------------------------------------------------------- */
/*
 * The partition to mount when opts names none: *partp = N, or 0 for the
 * whole image; -1 (after a message) when the user must choose.
 */
int	akf_choose_part(const char *image, const char *opts, int *partp);

/* --- sandbox.c: seccomp once mounted, and its unconfined helper ------------- */
#define AKF_NGROUPS	64	/* supplementary groups passed per caller */
/* Fork the helper, then confine akfuse; 0, or -1 (after a message). */
int	akf_sandbox_start(const char *mountpoint);
int	akf_sandboxed(void);
/* The helper reads pid's groups (at most max); their count, or -1. */
int	akf_sandbox_groups(pid_t pid, gid_t *groups, int max);
/* Serving ended: the helper unmounts if still mounted, and exits. */
void	akf_sandbox_stop(void);

/* --- ops_util.c: shared helpers ------------------------------------------- */
/* Run the rest of this request with the caller's credentials. */
void	akf_cred(fuse_req_t req);
/* Briefly as root (akf_cred_root), then the caller's again. */
void	akf_cred_root(void);
void	akf_cred_again(void);
/* Answer a request that created or found name in parent (at: where). */
void	akf_reply_entry(fuse_req_t req, fuse_ino_t parent, const char *name,
	    const struct akf_at *at);
/* How long the host may cache st. */
double	akf_attr_timeout(const struct stat *st);
/* Fill e for name in parent; 0 or an errno. */
int	akf_make_entry(fuse_ino_t parent, const char *name,
	    const struct akf_at *at, struct fuse_entry_param *e);

/* --- the operation tables, filled by each ops_*.c ------------------------- */
void	akf_ops_name(struct fuse_lowlevel_ops *ops);
void	akf_ops_attr(struct fuse_lowlevel_ops *ops);
void	akf_ops_file(struct fuse_lowlevel_ops *ops);
void	akf_ops_dir(struct fuse_lowlevel_ops *ops);
void	akf_ops_xattr(struct fuse_lowlevel_ops *ops);
void	akf_ops_alloc(struct fuse_lowlevel_ops *ops);

#endif /* !_FUSE_AKFUSE_H_ */
