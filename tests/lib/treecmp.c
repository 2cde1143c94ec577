/*
 * treecmp.c: a host tree against the same tree read through libak
 * (treecmp.h): the walk, names and attributes; treecmp_data.c compares
 * bytes, treecmp_xattr.c extended attributes.  Every comparison is one
 * counted check, so a format's test counts what its options ask for.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

#define TCMP_MAXDEPTH	32	/* deeper directories are not entered */
#define TCMP_MAXLINKS	256	/* hard-linked files remembered */

/* An image directory entry. */
struct tcmp_dent {
	char		*name;
	unsigned char	 type;		/* d_type */
	uint64_t	 ino;		/* d_ino */
};

/* One walk: its options and what it has seen. */
struct walk {
	const struct tcmp_opts *o;
	int		 n;		/* entries compared */
	int		 nlinks;
	struct {
		ino_t		h;	/* the tree's inode */
		uint64_t	k;	/* the image's */
	} links[TCMP_MAXLINKS];
};

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmpdent(const void *a, const void *b)
{
	return strcmp(((const struct tcmp_dent *)a)->name,
	    ((const struct tcmp_dent *)b)->name);
}

/* DT_* of a st_mode. */
static unsigned char
dtype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:	return DT_DIR;
	case S_IFREG:	return DT_REG;
	case S_IFLNK:	return DT_LNK;
	case S_IFCHR:	return DT_CHR;
	case S_IFBLK:	return DT_BLK;
	case S_IFIFO:	return DT_FIFO;
	case S_IFSOCK:	return DT_SOCK;
	default:	return DT_UNKNOWN;
	}
}

int
tcmp_host_names(const char *path, char **names, int max)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL && n < max)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			names[n++] = strdup(d->d_name);
	closedir(dir);
	qsort(names, (size_t)n, sizeof(*names), cmpstr);
	return n;
}

static bool
listed_in(const char *name, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

/* Sorted entries of an image directory, without the names in skip. */
static int
ak_dents(const char *path, struct tcmp_dent *ents, int max, int *ndots,
    const char *const *skip)
{
	struct ak_dirent *d;
	AK_DIR *dir;
	int n = 0;

	*ndots = 0;
	if ((dir = ak_sys_opendir(path)) == NULL)
		return -1;
	while ((d = ak_sys_readdir(dir)) != NULL && n < max) {
		if (strcmp(d->d_name, ".") == 0 ||
		    strcmp(d->d_name, "..") == 0) {
			(*ndots)++;
			continue;
		}
		if (listed_in(d->d_name, skip))
			continue;
		ents[n].name = strdup(d->d_name);
		ents[n].type = d->d_type;
		ents[n++].ino = d->d_ino;
	}
	ak_sys_closedir(dir);
	qsort(ents, (size_t)n, sizeof(*ents), cmpdent);
	return n;
}

int
tcmp_ak_names(const char *path, char **names, int max, int *ndots)
{
	struct tcmp_dent *ents = calloc((size_t)max, sizeof(*ents));
	int n, i;

	*ndots = 0;
	if (ents == NULL)
		return -1;
	n = ak_dents(path, ents, max, ndots, NULL);
	for (i = 0; i < n; i++)
		names[i] = ents[i].name;
	free(ents);
	return n;
}

void
tcmp_free_names(char **names, int n)
{
	while (n-- > 0)
		free(names[n]);
}

bool
tcmp_same_inode(const char *a, const char *b)
{
	struct stat sa, sb;

	return ak_sys_lstat(a, &sa) == 0 && ak_sys_lstat(b, &sb) == 0 &&
	    sa.st_ino == sb.st_ino;
}

static void
cmp_mtime(unsigned f, const char *kp, const struct stat *hs,
    const struct stat *ks)
{
	time_t want = hs->st_mtim.tv_sec;
	bool ok;

	if (f & TCMP_MTIME_2S)
		want &= ~(time_t)1;
	ok = ks->st_mtim.tv_sec == want;
	/* Formats with whole seconds give 0 nanoseconds. */
	if (f & TCMP_MTIME_NS)
		ok = ok && (ks->st_mtim.tv_nsec == 0 ||
		    ks->st_mtim.tv_nsec == hs->st_mtim.tv_nsec);
	tcheck(ok, "%s: mtime %lld.%09ld, want %lld.%09ld", kp,
	    (long long)ks->st_mtim.tv_sec, ks->st_mtim.tv_nsec,
	    (long long)want, hs->st_mtim.tv_nsec);
}

/* The attributes lstat gives, as far as the format keeps them. */
static void
cmp_stat(unsigned f, const char *kp, const struct stat *hs,
    const struct stat *ks)
{
	mode_t mask = S_IFMT | ((f & TCMP_PERMS) ? 07777 : 0);
	uid_t uid = (f & TCMP_ROOTOWNED) ? 0 : hs->st_uid;
	gid_t gid = (f & TCMP_ROOTOWNED) ? 0 : hs->st_gid;
	bool dir = S_ISDIR(hs->st_mode);

	tcheck((ks->st_mode & mask) == (hs->st_mode & mask), "%s: mode %o, "
	    "want %o", kp, ks->st_mode & mask, hs->st_mode & mask);
	if (f & TCMP_OWNER)
		tcheck(ks->st_uid == uid && ks->st_gid == gid, "%s: owner "
		    "%u:%u, want %u:%u", kp, ks->st_uid, ks->st_gid, uid, gid);
	if ((f & TCMP_MTIME) && (!(f & TCMP_FILETIME) ||
	    S_ISREG(hs->st_mode)))
		cmp_mtime(f, kp, hs, ks);
	if (f & (dir ? TCMP_DIRNLINK : TCMP_NLINK))
		tcheck(ks->st_nlink == hs->st_nlink, "%s: nlink %lu, want %lu",
		    kp, (unsigned long)ks->st_nlink,
		    (unsigned long)hs->st_nlink);
	if (!dir)
		tcheck(ks->st_size == hs->st_size, "%s: size %lld, want %lld",
		    kp, (long long)ks->st_size, (long long)hs->st_size);
	if ((f & TCMP_RDEV) && (S_ISCHR(hs->st_mode) || S_ISBLK(hs->st_mode)))
		tcheck(major(ks->st_rdev) == major(hs->st_rdev) &&
		    minor(ks->st_rdev) == minor(hs->st_rdev), "%s: rdev %u,%u, "
		    "want %u,%u", kp, major(ks->st_rdev), minor(ks->st_rdev),
		    major(hs->st_rdev), minor(hs->st_rdev));
}

static void
cmp_symlink(const char *hp, const char *kp)
{
	char ht[PATH_MAX], kt[PATH_MAX];
	ssize_t hn, kn;

	hn = readlink(hp, ht, sizeof(ht));
	kn = ak_sys_readlink(kp, kt, sizeof(kt));
	tcheck(hn == kn && hn > 0 && memcmp(ht, kt, (size_t)hn) == 0,
	    "%s: symlink target (%zd bytes, the tree %zd)", kp, kn, hn);
}

/* Paths share an image inode exactly when they share a tree inode. */
static void
cmp_hardlink(struct walk *w, const char *kp, const struct stat *hs,
    const struct stat *ks)
{
	int i;

	if (hs->st_nlink < 2 || S_ISDIR(hs->st_mode))
		return;
	for (i = 0; i < w->nlinks; i++) {
		if (w->links[i].h == hs->st_ino || w->links[i].k == ks->st_ino) {
			tcheck(w->links[i].h == hs->st_ino &&
			    w->links[i].k == ks->st_ino, "%s: hard link inode "
			    "%llu", kp, (unsigned long long)ks->st_ino);
			return;
		}
	}
	if (w->nlinks < TCMP_MAXLINKS) {
		w->links[w->nlinks].h = hs->st_ino;
		w->links[w->nlinks++].k = ks->st_ino;
	}
}

/* One entry, not its directory's entries; false if lstat failed. */
static bool
cmp_entry(struct walk *w, const char *hp, const char *kp, struct stat *hs,
    struct stat *ks)
{
	const struct tcmp_opts *o = w->o;

	if (lstat(hp, hs) != 0 || ak_sys_lstat(kp, ks) != 0) {
		tcheck(false, "%s: lstat: %s", kp, strerror(errno));
		return false;
	}
	w->n++;
	cmp_stat(o->flags, kp, hs, ks);
	if ((o->flags & TCMP_SYMLINK) && S_ISLNK(hs->st_mode))
		cmp_symlink(hp, kp);
	if (o->flags & TCMP_HARDLINK)
		cmp_hardlink(w, kp, hs, ks);
	if ((o->flags & TCMP_DATA) && S_ISREG(hs->st_mode))
		tcmp_file(hp, kp, o);
	if (o->entry != NULL)
		o->entry(hp, kp, hs, ks, o->arg);
	return true;
}

void
tcmp_entry(const char *hpath, const char *kpath, const struct tcmp_opts *o)
{
	struct walk w = { .o = o };
	struct stat hs, ks;

	cmp_entry(&w, hpath, kpath, &hs, &ks);
}

static void walk(struct walk *w, const char *hdir, const char *kdir,
    int depth);

/* A listed pair: its entry, the listing's d_type and d_ino, below it. */
static void
cmp_pair(struct walk *w, const char *kdir, const char *hp, const char *kp,
    const struct tcmp_dent *d, int depth)
{
	unsigned f = w->o->flags;
	struct stat hs, ks, a, b;
	char dd[PATH_MAX + 4];

	if (!cmp_entry(w, hp, kp, &hs, &ks))
		return;
	if (f & TCMP_DTYPE)
		tcheck(d->type == dtype(hs.st_mode) ||
		    ((f & TCMP_DTYPE_ANY) && d->type == DT_UNKNOWN),
		    "%s: d_type %u", kp, d->type);
	if (f & TCMP_DINO)
		tcheck(d->ino == ks.st_ino, "%s: d_ino %llu, st_ino %llu", kp,
		    (unsigned long long)d->ino, (unsigned long long)ks.st_ino);
	if (!S_ISDIR(hs.st_mode) || depth + 1 >= TCMP_MAXDEPTH)
		return;
	if (f & TCMP_DOTDOT) {
		snprintf(dd, sizeof(dd), "%s/..", kp);
		tcheck(ak_sys_stat(dd, &a) == 0 && ak_sys_stat(kdir, &b) == 0 &&
		    a.st_ino == b.st_ino, "%s: \"..\" is not the parent", kp);
	}
	walk(w, hp, kp, depth + 1);
}

static void
walk(struct walk *w, const char *hdir, const char *kdir, int depth)
{
	char **hn = calloc(TCMP_MAXNAMES, sizeof(*hn));
	struct tcmp_dent *kn = calloc(TCMP_MAXNAMES, sizeof(*kn));
	char hp[PATH_MAX], kp[PATH_MAX];
	int nh = -1, nk = -1, ndots = 0, i;

	if (hn != NULL && kn != NULL) {
		nh = tcmp_host_names(hdir, hn, TCMP_MAXNAMES);
		nk = ak_dents(kdir, kn, TCMP_MAXNAMES, &ndots,
		    depth == 0 ? w->o->rootskip : NULL);
	}
	tcheck(nk == nh && nk >= 0, "%s: %d entries, want %d (%s)", kdir, nk,
	    nh, nk < 0 ? strerror(errno) : "listed");
	if (w->o->flags & TCMP_DOTS)
		tcheck(ndots == 2, "%s: %d dot entries", kdir, ndots);
	for (i = 0; i < nh && i < nk; i++) {
		if (strcmp(hn[i], kn[i].name) != 0) {
			tcheck(false, "%s: entry %d is %s, want %s", kdir, i,
			    kn[i].name, hn[i]);
			break;
		}
		snprintf(hp, sizeof(hp), "%s/%s", hdir, hn[i]);
		snprintf(kp, sizeof(kp), "%s/%s", kdir, kn[i].name);
		cmp_pair(w, kdir, hp, kp, &kn[i], depth);
	}
	for (i = 0; i < nk; i++)
		free(kn[i].name);
	if (hn != NULL)
		tcmp_free_names(hn, nh > 0 ? nh : 0);
	free(hn);
	free(kn);
}

int
tcmp_tree(const char *hdir, const char *kdir, const struct tcmp_opts *o)
{
	struct walk *w = calloc(1, sizeof(*w));
	int n;

	if (w == NULL) {
		tcheck(false, "%s: out of memory", kdir);
		return 0;
	}
	w->o = o;
	walk(w, hdir, kdir, 0);
	n = w->n;
	free(w);
	return n;
}
