/*
 * main.c: akfuse IMAGE MOUNTPOINT: the command line, the image mount in
 * libak's kernel, and the FUSE session that serves it to the host.
 *
 * Options given with -o are sorted three ways: ours (type=), FUSE's own
 * (allow_other, fsname=, ...: left for libfuse), and everything else,
 * which is the file system's (part=, offset=, uid=, ...: passed to
 * ak_sys_mount).  "ro" is both FUSE's and ours.
 *
 * Without -f the process forks at once, before the kernel boots, and the
 * parent waits until the child has mounted or failed: errors are
 * reported on the terminal and in the exit status, as for mount(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fuse/akfuse.h"

struct akf_conf {
	char	*image;
	char	*type;
	char	*fsopts;	/* the file system's options, comma-separated */
	int	 rdonly;
	int	 explicit_rw;
	int	 nonopts;
	int	 has_fsname;
	int	 has_subtype;
	int	 nosandbox;	/* -o nosandbox */
	char	 probed[32];	/* the type found on the image, or "" */
};

enum { AKF_KEY_RO, AKF_KEY_RW, AKF_KEY_TYPE, AKF_KEY_NOSANDBOX };

static const struct fuse_opt akf_spec[] = {
	FUSE_OPT_KEY("ro", AKF_KEY_RO),
	FUSE_OPT_KEY("rw", AKF_KEY_RW),
	FUSE_OPT_KEY("type=", AKF_KEY_TYPE),
	FUSE_OPT_KEY("nosandbox", AKF_KEY_NOSANDBOX),
	FUSE_OPT_END
};

/* Mount options that libfuse (or the host's mount) understands. */
static const char *const akf_fuseopts[] = {
	"allow_other", "allow_root", "auto_unmount", "default_permissions",
	"fsname=", "subtype=", "blkdev", "blksize=", "max_read=", "context=",
	"fscontext=", "defcontext=", "rootcontext=", "dev", "nodev", "suid",
	"nosuid", "exec", "noexec", "async", "sync", "dirsync", "atime",
	"noatime", "nodiratime", "relatime", "norelatime", "strictatime",
	"lazytime", "nolazytime", "debug", "clone_fd", "max_idle_threads=",
	"max_threads=", NULL
};

static int
akf_is_fuseopt(const char *arg)
{
	size_t i, n;

	for (i = 0; akf_fuseopts[i] != NULL; i++) {
		n = strlen(akf_fuseopts[i]);
		if (akf_fuseopts[i][n - 1] == '=' ?
		    strncmp(arg, akf_fuseopts[i], n) == 0 :
		    strcmp(arg, akf_fuseopts[i]) == 0)
			return 1;
	}
	return 0;
}

static int
akf_add_fsopt(struct akf_conf *c, const char *opt)
{
	size_t len = (c->fsopts ? strlen(c->fsopts) + 1 : 0) + strlen(opt) + 1;
	char *s;

	if ((s = malloc(len)) == NULL)
		return -1;
	snprintf(s, len, "%s%s%s", c->fsopts ? c->fsopts : "",
	    c->fsopts ? "," : "", opt);
	free(c->fsopts);
	c->fsopts = s;
	return 0;
}

/* fuse_opt_parse callback: 1 keeps arg for libfuse, 0 consumes it. */
static int
akf_opt_proc(void *data, const char *arg, int key, struct fuse_args *out)
{
	struct akf_conf *c = data;

	switch (key) {
	case AKF_KEY_RO:
		c->rdonly = 1;
		return 1;
	case AKF_KEY_RW:
		c->explicit_rw = 1;
		return 1;
	case AKF_KEY_NOSANDBOX:
		c->nosandbox = 1;
		return 0;
	case AKF_KEY_TYPE:
		free(c->type);
		c->type = strdup(arg + strlen("type="));
		return c->type != NULL ? 0 : -1;
	case FUSE_OPT_KEY_NONOPT:
		if (c->nonopts++ == 0) {
			c->image = strdup(arg);
			return c->image != NULL ? 0 : -1;
		}
		return 1;	/* the mount point, and errors, for libfuse */
	case FUSE_OPT_KEY_OPT:
		if (arg[0] == '-')
			return 1;	/* -f, -d, -s, -h, -V */
		if (akf_is_fuseopt(arg)) {
			c->has_fsname |= strncmp(arg, "fsname=", 7) == 0;
			c->has_subtype |= strncmp(arg, "subtype=", 8) == 0;
			return 1;
		}
		return akf_add_fsopt(c, arg);
	}
	return 1;
}

static void
akf_usage(FILE *f)
{
	fprintf(f, "usage: akfuse [-f] [-d] [-s] [-o ro] [-o type=TYPE] "
	    "[-o part=N] [-o nosandbox] [-o opt,...] IMAGE MOUNTPOINT\n");
}

/* Say why mounting the image failed, in the user's terms. */
static void
akf_mount_error(const struct akf_conf *c, int err)
{
	const char *p = c->image;

	switch (err) {
	case EBUSY:
	case EAGAIN:
		fprintf(stderr, "akfuse: %s: image is in use\n", p);
		break;
	case ENODEV:
		fprintf(stderr, "akfuse: %s: unknown file system type '%s'\n",
		    p, c->type ? c->type : "?");
		break;
	case ENXIO:
		fprintf(stderr, "akfuse: %s: no such partition\n", p);
		break;
	case EMEDIUMTYPE:
	case EINVAL:
		if (c->type != NULL)
			fprintf(stderr, "akfuse: %s: not a %s file system (or "
			    "bad -o options)\n", p, c->type);
		else
			fprintf(stderr, "akfuse: %s: no file system found\n",
			    p);
		break;
	default:
		fprintf(stderr, "akfuse: %s: %s\n", p, strerror(err));
		break;
	}
}

/* A memory file system (-o type=tmpfs): no image behind it. */
static int
akf_memfs(const struct akf_conf *c)
{
	return c->type != NULL && strcmp(c->type, "tmpfs") == 0;
}

/*
 * Boot the kernel and mount the image on AKF_ROOT.  A read-write mount
 * of a read-only type or file falls back to read-only unless -o rw was
 * given.  Returns 0, or -1 after a message.
 */
static int
akf_mount_image(struct akf_conf *c, struct fuse_args *args)
{
	char popt[32];
	int r, err, part;

	if (ak_init() != 0) {
		fprintf(stderr, "akfuse: cannot start the kernel: %s\n",
		    strerror(errno));
		return -1;
	}
	(void)ak_sys_umask(0);		/* the host already applied it */
	if (akf_memfs(c)) {
		/* Nothing to read: IMAGE is only a name (as "none"). */
		if (ak_sys_mkdir(AKF_ROOT, 0755) == 0 &&
		    ak_sys_mount(c->type, AKF_ROOT, 0, NULL, c->fsopts) == 0)
			return 0;
		akf_mount_error(c, errno);
		(void)ak_fini();
		return -1;
	}
	if (akf_choose_part(c->image, c->fsopts, &part) != 0) {
		(void)ak_fini();
		return -1;
	}
	if (part > 0) {
		snprintf(popt, sizeof(popt), "part=%d", part);
		if (akf_add_fsopt(c, popt) != 0) {
			(void)ak_fini();
			return -1;
		}
	}
	/* Probe now: a mounted image is locked against a second look. */
	if (c->type == NULL &&
	    ak_probe(c->image, c->fsopts, c->probed, sizeof(c->probed)) != 0)
		c->probed[0] = '\0';
	(void)ak_sys_mkdir(AKF_ROOT, 0755);
	r = ak_sys_mount(c->type, AKF_ROOT, c->rdonly ? AK_MNT_RDONLY : 0,
	    c->image, c->fsopts);
	err = errno;
	if (r != 0 && !c->rdonly && !c->explicit_rw &&
	    (err == EROFS || err == EACCES || err == EPERM)) {
		r = ak_sys_mount(c->type, AKF_ROOT, AK_MNT_RDONLY, c->image,
		    c->fsopts);
		if (r == 0) {
			fprintf(stderr, "akfuse: %s: mounted read-only\n",
			    c->image);
			c->rdonly = 1;
			(void)fuse_opt_add_arg(args, "-oro");
		}
	}
	if (r != 0) {
		akf_mount_error(c, err);
		(void)ak_fini();
		return -1;
	}
	return 0;
}

/* -o fsname=IMAGE,subtype=ak.TYPE unless given; commas escaped. */
static void
akf_names(struct akf_conf *c, struct fuse_args *args)
{
	char type[32], buf[PATH_MAX * 2 + 32], *o;
	const char *s;

	if (!c->has_fsname) {
		o = buf + snprintf(buf, sizeof(buf), "-ofsname=");
		for (s = c->image; *s != '\0' && o < buf + sizeof(buf) - 3;
		    s++) {
			if (*s == ',' || *s == '\\')
				*o++ = '\\';
			*o++ = *s;
		}
		*o = '\0';
		(void)fuse_opt_add_arg(args, buf);
	}
	if (!c->has_subtype) {
		if (c->type != NULL)
			snprintf(type, sizeof(type), "%s", c->type);
		else if (c->probed[0] != '\0')
			snprintf(type, sizeof(type), "%s", c->probed);
		else
			snprintf(type, sizeof(type), "image");
		snprintf(buf, sizeof(buf), "-osubtype=ak.%s", type);
		(void)fuse_opt_add_arg(args, buf);
	}
}

/* --- running in the background -------------------------------------------- */
static int akf_notify = -1;	/* pipe to the waiting parent */

static void
akf_daemon_start(void)
{
	int p[2];
	pid_t pid;
	char ok;

	if (pipe(p) != 0 || (pid = fork()) < 0) {
		perror("akfuse: fork");
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &ok, 1) == 1 && ok == 0 ? 0 : 1);
	}
	close(p[0]);
	akf_notify = p[1];
	(void)setsid();
}

/* Mounted: let the parent go and leave the terminal. */
static void
akf_daemon_done(void)
{
	char ok = 0;
	int fd;

	if (akf_notify < 0)
		return;
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		(void)dup2(fd, 0);
		(void)dup2(fd, 1);
		(void)dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	(void)chdir("/");
	(void)write(akf_notify, &ok, 1);
	close(akf_notify);
}

static void
akf_init_conn(void *userdata, struct fuse_conn_info *conn)
{
	/* open(O_TRUNC) arrives as such: one call instead of two. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	/* Requests in memory, where loop.c can see which ones are slow. */
	conn->want &= ~FUSE_CAP_SPLICE_READ;
}

/* Serve requests until unmounted or signalled; 0 or -1. */
static int
akf_serve(struct fuse_session *se, const struct fuse_cmdline_opts *o)
{
	struct fuse_loop_config *cfg;
	sigset_t set;
	int r;

	/* Signals were blocked while the kernel started its threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (o->singlethread)
		return fuse_session_loop(se) < 0 ? -1 : 0;
	/* Our own loop (loop.c), but for clone_fd, which only libfuse's has. */
	if (!o->clone_fd)
		return akf_loop_run(se, o->max_threads != UINT_MAX ?
		    o->max_threads : AKF_MAXTHREADS);
	if ((cfg = fuse_loop_cfg_create()) == NULL)
		return -1;
	fuse_loop_cfg_set_clone_fd(cfg, (unsigned int)o->clone_fd);
	/* UINT_MAX: not given, keep libfuse's default. */
	if (o->max_idle_threads != UINT_MAX)
		fuse_loop_cfg_set_idle_threads(cfg, o->max_idle_threads);
	if (o->max_threads != UINT_MAX)
		fuse_loop_cfg_set_max_threads(cfg, o->max_threads);
	r = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	return r < 0 ? -1 : 0;
}

/* Everything after the command line: mount, serve, unmount. */
static int
akf_run(struct akf_conf *c, struct fuse_args *args,
    struct fuse_cmdline_opts *o)
{
	struct fuse_lowlevel_ops ops;
	struct fuse_session *se;
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (akf_mount_image(c, args) != 0)
		return 1;
	akf_names(c, args);
	if (akf_nodes_init() != 0) {
		fprintf(stderr, "akfuse: %s: cannot open its root: %s\n",
		    c->image, strerror(errno));
		(void)ak_fini();
		return 1;
	}
	memset(&ops, 0, sizeof(ops));
	ops.init = akf_init_conn;
	akf_ops_name(&ops);
	akf_ops_attr(&ops);
	akf_ops_file(&ops);
	akf_ops_dir(&ops);
	akf_ops_xattr(&ops);
	akf_ops_alloc(&ops);
	if ((se = fuse_session_new(args, &ops, sizeof(ops), NULL)) == NULL) {
		akf_nodes_fini();
		(void)ak_fini();
		return 1;
	}
	if (fuse_set_signal_handlers(se) != 0 ||
	    fuse_session_mount(se, o->mountpoint) != 0) {
		fuse_session_destroy(se);
		akf_nodes_fini();
		(void)ak_fini();
		return 1;
	}
	akf_daemon_done();
	if (!c->nosandbox)
		(void)akf_sandbox_start(o->mountpoint);
	r = akf_serve(se, o);
	/* Confined, akfuse cannot unmount: its helper does (sandbox.c). */
	akf_sandbox_stop();
	fuse_session_unmount(se);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);
	akf_nodes_fini();
	/* Only now, with no request left, write everything back. */
	if (ak_fini() != 0) {
		fprintf(stderr, "akfuse: %s: unmount failed: %s\n", c->image,
		    strerror(errno));
		return 1;
	}
	return r != 0;
}

int
main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts o;
	struct akf_conf c;
	char *abs = NULL;
	int r = 2;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	if (fuse_opt_parse(&args, &c, akf_spec, akf_opt_proc) != 0 ||
	    fuse_parse_cmdline(&args, &o) != 0) {
		akf_usage(stderr);
		goto out;
	}
	if (o.show_help) {
		akf_usage(stdout);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		r = 0;
	} else if (o.show_version) {
		printf("akfuse (anykernel) libak %d\n", AK_VERSION);
		fuse_lowlevel_version();
		r = 0;
	} else if (c.image == NULL || o.mountpoint == NULL) {
		akf_usage(stderr);
	} else if (!akf_memfs(&c) &&
	    (abs = realpath(c.image, NULL)) == NULL) {
		fprintf(stderr, "akfuse: %s: %s\n", c.image, strerror(errno));
		r = 1;
	} else {
		if (!akf_memfs(&c)) {
			free(c.image);
			c.image = abs;
		}
		if (!o.foreground)
			akf_daemon_start();
		r = akf_run(&c, &args, &o);
	}
out:
	free(o.mountpoint);
	fuse_opt_free_args(&args);
	free(c.image);
	free(c.type);
	free(c.fsopts);
	return r;
}
