/*
 * st_own.c: files only one thread changes.  Thread t works in
 * /st/own/t<t> on names f0..f5 and keeps a model: which object each
 * name denotes, each object's bytes and link count.  Every result is
 * predictable, so every result is checked: return values, errno, sizes,
 * link counts from fstat, and the bytes read back.  Other threads may
 * look (stat, readdir, read) but never change these files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ak/ak.h"
#include "tests/stress/stress.h"

#define OWN_NAMES	6
#define OWN_MAXSIZE	16384

struct own_obj {
	unsigned char	o_data[OWN_MAXSIZE];	/* expected contents */
	size_t		o_size;			/* expected size */
	int		o_nlink;		/* names denoting it; 0 = free */
};

struct own_state {
	struct own_obj	s_obj[OWN_NAMES];	/* at most one per name */
	int		s_name[OWN_NAMES];	/* object of f<i>, or -1 */
};

static struct own_state own[ST_NTHREADS];

static void
own_path(int tid, int i, char *buf, size_t len)
{
	snprintf(buf, len, "/st/own/t%d/f%d", tid, i);
}

int
st_own_setup(int tid)
{
	char dir[64];
	int i;

	for (i = 0; i < OWN_NAMES; i++)
		own[tid].s_name[i] = -1;
	snprintf(dir, sizeof(dir), "/st/own/t%d", tid);
	return ak_sys_mkdir(dir, 0755);
}

static int
own_newobj(struct own_state *s)
{
	int o;

	for (o = 0; o < OWN_NAMES; o++)
		if (s->s_obj[o].o_nlink == 0) {
			s->s_obj[o].o_size = 0;
			s->s_obj[o].o_nlink = 1;
			return o;
		}
	return -1;
}

/* A call's result against the model: want 0 means success expected. */
static void
own_expect(struct st_thread *t, const char *op, int i, long ret, int want)
{
	int err = errno;

	if (want == 0 && ret >= 0)
		return;
	if (want != 0 && ret == -1 && err == want)
		return;
	t->t_fail++;
	st_fail("own t%d: %s f%d: expected %s, got %ld (%s)", t->t_id, op, i,
	    want ? strerror(want) : "success", ret,
	    ret == -1 ? strerror(err) : "ok");
}

/* Read f<i> back whole and compare with its object. */
static void
own_verify(struct st_thread *t, int i)
{
	struct own_state *s = &own[t->t_id];
	unsigned char buf[OWN_MAXSIZE + 1];
	struct own_obj *ob;
	struct stat st;
	char path[64];
	ssize_t n;
	int fd;

	own_path(t->t_id, i, path, sizeof(path));
	fd = ak_sys_open(path, O_RDONLY);
	if (s->s_name[i] < 0) {
		own_expect(t, "open missing", i, fd, ENOENT);
		if (fd >= 0)
			ak_sys_close(fd);
		return;
	}
	own_expect(t, "open", i, fd, 0);
	if (fd < 0)
		return;
	ob = &s->s_obj[s->s_name[i]];
	if (ak_sys_fstat(fd, &st) != 0 || st.st_size != (off_t)ob->o_size ||
	    st.st_nlink != (nlink_t)ob->o_nlink) {
		t->t_fail++;
		st_fail("own t%d: fstat f%d: size %lld nlink %lu, model %zu %d",
		    t->t_id, i, (long long)st.st_size,
		    (unsigned long)st.st_nlink, ob->o_size, ob->o_nlink);
	}
	n = ak_sys_pread(fd, buf, sizeof(buf), 0);
	if (n != (ssize_t)ob->o_size || memcmp(buf, ob->o_data, ob->o_size)) {
		t->t_fail++;
		st_fail("own t%d: contents of f%d differ from what it wrote "
		    "(read %zd, model %zu bytes)", t->t_id, i, n, ob->o_size);
	}
	ak_sys_close(fd);
}

static void
own_write(struct st_thread *t, int i)
{
	struct own_state *s = &own[t->t_id];
	unsigned char buf[3000];
	struct own_obj *ob;
	size_t len = st_rand(t) % sizeof(buf) + 1, k;
	off_t off = (off_t)(st_rand(t) % (OWN_MAXSIZE - sizeof(buf)));
	char path[64];
	ssize_t n;
	int fd;

	own_path(t->t_id, i, path, sizeof(path));
	fd = ak_sys_open(path, O_RDWR);
	own_expect(t, "open rw", i, fd, s->s_name[i] < 0 ? ENOENT : 0);
	if (fd < 0)
		return;
	for (k = 0; k < len; k++)
		buf[k] = (unsigned char)st_rand(t);
	n = ak_sys_pwrite(fd, buf, len, off);
	ak_sys_close(fd);
	if (n != (ssize_t)len) {
		t->t_fail++;
		st_fail("own t%d: pwrite f%d: %zd of %zu", t->t_id, i, n, len);
		return;
	}
	ob = &s->s_obj[s->s_name[i]];
	if ((size_t)off > ob->o_size)
		memset(ob->o_data + ob->o_size, 0, (size_t)off - ob->o_size);
	memcpy(ob->o_data + off, buf, len);
	if ((size_t)off + len > ob->o_size)
		ob->o_size = (size_t)off + len;
}

static void
own_truncate(struct st_thread *t, int i)
{
	struct own_state *s = &own[t->t_id];
	size_t len = st_rand(t) % OWN_MAXSIZE;
	struct own_obj *ob;
	char path[64];
	int rv;

	own_path(t->t_id, i, path, sizeof(path));
	rv = ak_sys_truncate(path, (off_t)len);
	own_expect(t, "truncate", i, rv, s->s_name[i] < 0 ? ENOENT : 0);
	if (rv != 0)
		return;
	ob = &s->s_obj[s->s_name[i]];
	if (len > ob->o_size)
		memset(ob->o_data + ob->o_size, 0, len - ob->o_size);
	ob->o_size = len;
}

static void
own_create(struct st_thread *t, int i)
{
	struct own_state *s = &own[t->t_id];
	char path[64];
	int fd;

	own_path(t->t_id, i, path, sizeof(path));
	fd = ak_sys_open(path, O_CREAT | O_EXCL | O_RDWR, 0644);
	own_expect(t, "create", i, fd, s->s_name[i] < 0 ? 0 : EEXIST);
	if (fd >= 0) {
		ak_sys_close(fd);
		if (s->s_name[i] < 0)
			s->s_name[i] = own_newobj(s);
	}
}

/* Drop name i from the model. */
static void
own_dropname(struct own_state *s, int i)
{
	if (s->s_name[i] >= 0)
		s->s_obj[s->s_name[i]].o_nlink--;
	s->s_name[i] = -1;
}

static void
own_rename(struct st_thread *t, int i, int j)
{
	struct own_state *s = &own[t->t_id];
	char from[64], to[64];
	int rv;

	own_path(t->t_id, i, from, sizeof(from));
	own_path(t->t_id, j, to, sizeof(to));
	rv = ak_sys_rename(from, to);
	own_expect(t, "rename", i, rv, s->s_name[i] < 0 ? ENOENT : 0);
	if (rv != 0 || i == j || s->s_name[i] == s->s_name[j])
		return;	/* same name or two links of one file: no change */
	own_dropname(s, j);
	s->s_name[j] = s->s_name[i];
	s->s_name[i] = -1;
}

static void
own_link(struct st_thread *t, int i, int j)
{
	struct own_state *s = &own[t->t_id];
	char from[64], to[64];
	int rv;

	own_path(t->t_id, i, from, sizeof(from));
	own_path(t->t_id, j, to, sizeof(to));
	rv = ak_sys_link(from, to);
	own_expect(t, "link", i, rv, s->s_name[i] < 0 ? ENOENT :
	    s->s_name[j] >= 0 ? EEXIST : 0);
	if (rv == 0) {
		s->s_name[j] = s->s_name[i];
		s->s_obj[s->s_name[j]].o_nlink++;
	}
}

static void
own_unlink(struct st_thread *t, int i)
{
	struct own_state *s = &own[t->t_id];
	char path[64];
	int rv;

	own_path(t->t_id, i, path, sizeof(path));
	rv = ak_sys_unlink(path);
	own_expect(t, "unlink", i, rv, s->s_name[i] < 0 ? ENOENT : 0);
	if (rv == 0)
		own_dropname(s, i);
}

void
st_own_step(struct st_thread *t)
{
	int i = (int)(st_rand(t) % OWN_NAMES);
	int j = (int)(st_rand(t) % OWN_NAMES);

	switch (st_rand(t) % 10) {
	case 0:
	case 1:
		own_create(t, i);
		break;
	case 2:
	case 3:
		own_write(t, i);
		break;
	case 4:
		own_truncate(t, i);
		break;
	case 5:
		own_rename(t, i, j);
		break;
	case 6:
		own_link(t, i, j);
		break;
	case 7:
		own_unlink(t, i);
		break;
	default:
		own_verify(t, i);
		break;
	}
	own_verify(t, j);
}

/* After the run: every name as the model says, and nothing else. */
int
st_own_final(int tid)
{
	struct st_thread t = { .t_id = tid };
	struct ak_dirent *de;
	char dir[64];
	AK_DIR *d;
	int i, n = 0, want = 0;

	for (i = 0; i < OWN_NAMES; i++) {
		own_verify(&t, i);
		want += own[tid].s_name[i] >= 0;
	}
	snprintf(dir, sizeof(dir), "/st/own/t%d", tid);
	if ((d = ak_sys_opendir(dir)) == NULL) {
		st_fail("own t%d: opendir: %s", tid, strerror(errno));
		return 1;
	}
	while ((de = ak_sys_readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	ak_sys_closedir(d);
	if (n != want) {
		st_fail("own t%d: %d names listed, model has %d", tid, n,
		    want);
		t.t_fail++;
	}
	return t.t_fail != 0;
}
