/*
 * ops_util.c: what every operation needs: the caller's credentials and
 * the answer to a request that names a node.
 *
 * Permissions are the image kernel's business: each request runs with
 * the uid, gid and supplementary groups of the process that made it
 * (ak_setcred), so the kernel checks access exactly as for a local
 * caller and new files belong to that caller.  The groups cost a read
 * of /proc (by the sandbox's helper once confined), so each worker
 * thread remembers the last caller's.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

struct akf_credcache {
	pid_t	cc_pid;
	uid_t	cc_uid;
	gid_t	cc_gid;
	int	cc_ngroups;
	gid_t	cc_groups[AKF_NGROUPS];
};

static _Thread_local struct akf_credcache akf_cc = { .cc_pid = -1 };

void
akf_cred(fuse_req_t req)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct akf_credcache *cc = &akf_cc;
	int n;

	if (cc->cc_pid != ctx->pid || cc->cc_uid != ctx->uid ||
	    cc->cc_gid != ctx->gid) {
		cc->cc_pid = ctx->pid;
		cc->cc_uid = ctx->uid;
		cc->cc_gid = ctx->gid;
		n = 0;
		/* Root passes every check anyway: skip the /proc read. */
		if (ctx->uid != 0)
			n = akf_sandboxed() ? akf_sandbox_groups(ctx->pid,
			    cc->cc_groups, AKF_NGROUPS) :
			    fuse_req_getgroups(req, AKF_NGROUPS,
			    cc->cc_groups);
		cc->cc_ngroups = n > 0 && n <= AKF_NGROUPS ? n : 0;
	}
	akf_cred_again();
}

void
akf_cred_root(void)
{
	(void)ak_clearcred();
}

void
akf_cred_again(void)
{
	struct akf_credcache *cc = &akf_cc;

	if (cc->cc_pid == -1)
		return;		/* no request yet: root all along */
	(void)ak_setcred(cc->cc_uid, cc->cc_gid, cc->cc_ngroups,
	    cc->cc_ngroups > 0 ? cc->cc_groups : NULL);
}

double
akf_attr_timeout(const struct stat *st)
{
	(void)st;	/* hard links share one node: no exception now */
	return AKF_TIMEOUT;
}

int
akf_make_entry(fuse_ino_t parent, const char *name, const struct akf_at *at,
    struct fuse_entry_param *e)
{
	uint64_t gen;

	memset(e, 0, sizeof(*e));
	if (ak_sys_fstatat(at->fd, at->name, &e->attr, AT_SYMLINK_NOFOLLOW) !=
	    0)
		return errno;
	if ((e->ino = akf_node_enter(parent, name, &e->attr, &gen)) == 0)
		return ENOMEM;
	e->generation = gen;
	e->attr_timeout = akf_attr_timeout(&e->attr);
	e->entry_timeout = AKF_TIMEOUT;
	return 0;
}

void
akf_reply_entry(fuse_req_t req, fuse_ino_t parent, const char *name,
    const struct akf_at *at)
{
	struct fuse_entry_param e;
	int err;

	if ((err = akf_make_entry(parent, name, at, &e)) != 0) {
		fuse_reply_err(req, err);
		return;
	}
	/* A lost reply (interrupted caller) must not leak the lookup. */
	if (fuse_reply_entry(req, &e) != 0)
		akf_node_forget(e.ino, 1);
}
