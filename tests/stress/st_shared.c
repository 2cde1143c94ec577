/*
 * st_shared.c: random operations by all threads on one small tree,
 * /st/sh, whose few names (d0..d3 for directories, n0..n5 for files,
 * but any may become either) make the threads collide constantly.
 * Nothing about the outcome is predictable, so each operation is
 * checked against the errno values it may legitimately return while
 * others change the tree, and file bytes against the bytes anyone
 * writes: each thread writes only its own letter ('a' + id).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "ak/ak.h"
#include "tests/stress/stress.h"

static const char *const sh_names[] = {
	"d0", "d1", "d2", "d3", "n0", "n1", "n2", "n3", "n4", "n5"
};
#define SH_NNAMES	(sizeof(sh_names) / sizeof(sh_names[0]))

int
st_shared_setup(void)
{
	return ak_sys_mkdir("/st/sh", 0755);
}

/* A random path of depth 1 to 3 under /st/sh. */
static void
sh_path(struct st_thread *t, char *buf, size_t len)
{
	int depth = (int)(st_rand(t) % 3) + 1, k;
	size_t o;

	o = (size_t)snprintf(buf, len, "/st/sh");
	for (k = 0; k < depth; k++) {
		/* Inner components are directory names more often. */
		const char *n = k < depth - 1 ? sh_names[st_rand(t) % 4] :
		    sh_names[st_rand(t) % SH_NNAMES];

		o += (size_t)snprintf(buf + o, len - o, "/%s", n);
	}
}

/* errno e is one of the zero-terminated list. */
static int
sh_allowed(int e, const int *ok)
{
	for (; *ok != 0; ok++)
		if (*ok == e)
			return 1;
	return 0;
}

static void
sh_check(struct st_thread *t, const char *op, const char *path, long ret,
    const int *ok)
{
	int e = errno;

	if (ret != -1 || sh_allowed(e, ok))
		return;
	t->t_fail++;
	st_fail("shared t%d: %s %s: unexpected %s", t->t_id, op, path,
	    strerror(e));
}

static const int ok_name[] = { ENOENT, ENOTDIR, 0 };
static const int ok_create[] = { ENOENT, ENOTDIR, EISDIR, 0 };
static const int ok_mkdir[] = { ENOENT, ENOTDIR, EEXIST, 0 };
static const int ok_rmdir[] = { ENOENT, ENOTDIR, ENOTEMPTY, EEXIST, 0 };
static const int ok_unlink[] = { ENOENT, ENOTDIR, EISDIR, 0 };
static const int ok_rename[] = {
	ENOENT, ENOTDIR, EISDIR, ENOTEMPTY, EEXIST, EINVAL, 0
};
static const int ok_link[] = { ENOENT, ENOTDIR, EEXIST, EPERM, 0 };
static const int ok_read[] = { EISDIR, 0 };

static void
sh_write(struct st_thread *t, const char *path)
{
	char buf[512];
	size_t len = st_rand(t) % sizeof(buf) + 1;
	int fd;

	fd = ak_sys_open(path, O_CREAT | O_WRONLY, 0644);
	sh_check(t, "create", path, fd, ok_create);
	if (fd < 0)
		return;
	memset(buf, 'a' + t->t_id, len);
	if (ak_sys_pwrite(fd, buf, len, (off_t)(st_rand(t) % 4096)) !=
	    (ssize_t)len) {
		t->t_fail++;
		st_fail("shared t%d: pwrite %s: %s", t->t_id, path,
		    strerror(errno));
	}
	ak_sys_close(fd);
}

/* Whatever is read must be bytes somebody wrote, or zeros of a hole. */
static void
sh_read(struct st_thread *t, const char *path)
{
	char buf[8192];
	ssize_t n, k;
	int fd;

	fd = ak_sys_open(path, O_RDONLY);
	sh_check(t, "open", path, fd, ok_name);
	if (fd < 0)
		return;
	n = ak_sys_read(fd, buf, sizeof(buf));
	sh_check(t, "read", path, n, ok_read);
	for (k = 0; k < n; k++) {
		if (buf[k] == 0 || (buf[k] >= 'a' &&
		    buf[k] < 'a' + ST_NTHREADS))
			continue;
		t->t_fail++;
		st_fail("shared t%d: %s: byte %zd is 0x%02x, which nobody "
		    "wrote", t->t_id, path, k, (unsigned char)buf[k]);
		break;
	}
	ak_sys_close(fd);
}

static void
sh_readdir(struct st_thread *t, const char *path)
{
	struct ak_dirent *de;
	AK_DIR *d;

	if ((d = ak_sys_opendir(path)) == NULL) {
		sh_check(t, "opendir", path, -1, ok_name);
		return;
	}
	errno = 0;
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (de->d_name[0] == '\0' || strchr(de->d_name, '/')) {
			t->t_fail++;
			st_fail("shared t%d: readdir %s: bad name \"%s\"",
			    t->t_id, path, de->d_name);
		}
	}
	sh_check(t, "readdir", path, errno ? -1 : 0, ok_name);
	ak_sys_closedir(d);
}

void
st_shared_step(struct st_thread *t)
{
	char a[128], b[128];
	struct stat st;

	sh_path(t, a, sizeof(a));
	sh_path(t, b, sizeof(b));
	switch (st_rand(t) % 11) {
	case 0:
	case 1:
		sh_write(t, a);
		break;
	case 2:
		sh_read(t, a);
		break;
	case 3:
		sh_check(t, "mkdir", a, ak_sys_mkdir(a, 0755), ok_mkdir);
		break;
	case 4:
		sh_check(t, "rmdir", a, ak_sys_rmdir(a), ok_rmdir);
		break;
	case 5:
		sh_check(t, "unlink", a, ak_sys_unlink(a), ok_unlink);
		break;
	case 6:
	case 7:
		sh_check(t, "rename", a, ak_sys_rename(a, b), ok_rename);
		break;
	case 8:
		sh_check(t, "link", a, ak_sys_link(a, b), ok_link);
		break;
	case 9:
		sh_readdir(t, a);
		break;
	default:
		sh_check(t, "stat", a, ak_sys_lstat(a, &st), ok_name);
		break;
	}
}
