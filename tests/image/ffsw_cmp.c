/*
 * ffsw_cmp.c: the oracles of ffs_write besides the image's tree read
 * back through libak (tests/lib/mcheck_cmp.c): The Sleuth Kit
 * (`fls -r -p` names and types, `icat` contents) against the model;
 * the driver's own consistency check (mount option "check"); the
 * clean flag.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ffsw.h"

#define SBOFF		8192	/* makefs puts UFS1 and UFS2 here */
#define TSK_SBOFF	262144	/* where The Sleuth Kit also looks */

/* ---- The Sleuth Kit ---- */

struct tsk_ent {
	char	*path;
	char	 type;		/* fls's letter */
	unsigned long long ino;
	bool	 seen;
};

static char
tsk_letter(mode_t m)
{
	if (S_ISREG(m))
		return 'r';
	if (S_ISDIR(m))
		return 'd';
	if (S_ISLNK(m))
		return 'l';
	if (S_ISCHR(m))
		return 'c';
	if (S_ISBLK(m))
		return 'b';
	if (S_ISFIFO(m))
		return 'p';
	return 'h';	/* a socket's metadata type ('s' its name type) */
}

/* Every path of the model under rel (with its type and inode). */
static void
model_walk(const char *rel, struct tsk_ent *v, int *np, int max)
{
	char path[1100], sub[1024];
	struct ak_dirent *de;
	struct stat ms, is;
	AK_DIR *d;

	snprintf(path, sizeof(path), MODEL "/%s", rel);
	if ((d = ak_sys_opendir(path)) == NULL)
		return;
	while ((de = ak_sys_readdir(d)) != NULL && *np < max) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", de->d_name);
		snprintf(path, sizeof(path), MODEL "/%s", sub);
		if (ak_sys_lstat(path, &ms) != 0)
			continue;
		snprintf(path, sizeof(path), MNT "/%s", sub);
		v[*np].path = strdup(sub);
		v[*np].type = tsk_letter(ms.st_mode);
		v[*np].ino = ak_sys_lstat(path, &is) == 0 ? is.st_ino : 0;
		v[*np].seen = false;
		(*np)++;
		if (S_ISDIR(ms.st_mode))
			model_walk(sub, v, np, max);
	}
	ak_sys_closedir(d);
}

/*
 * A copy of the image The Sleuth Kit finds: it looks for UFS2 only at
 * 64 KiB and 256 KiB, makefs puts it at 8 KiB.  The superblock is
 * copied to 256 KiB if those bytes are unused (zero: an inode table
 * made large enough holds them); else NULL.
 */
static char *
tsk_copy(const char *img, bool be)
{
	static char out[PATH_MAX];
	char *buf = malloc(1376 * 2);
	int in = open(img, O_RDONLY), fd = -1;
	bool ok = false;
	int i;

	snprintf(out, sizeof(out), "%s/tsk.img", fw_work);
	if (buf == NULL || in < 0 || tsh("cp '%s' '%s'", img, out) != 0 ||
	    pread(in, buf, 1376, SBOFF) != 1376 ||
	    pread(in, buf + 1376, 1376, TSK_SBOFF) != 1376)
		goto out;
	for (i = 0; i < 1376 && buf[1376 + i] == 0; i++)
		continue;
	if (i < 1376 || (fd = open(out, O_WRONLY)) < 0)
		goto out;
	/* fs_sblockloc (offset 1000, 64 bits) names the new place. */
	for (i = 0; i < 8; i++)
		buf[1000 + i] = (char)((uint64_t)TSK_SBOFF >>
		    (be ? 56 - 8 * i : 8 * i));
	ok = pwrite(fd, buf, 1376, TSK_SBOFF) == 1376;
out:
	if (fd >= 0)
		close(fd);
	if (in >= 0)
		close(in);
	free(buf);
	return ok ? out : NULL;
}

/* icat of a slow symlink (in a block) gives its whole target. */
static void
tsk_slowlink(const char *img, int version, const struct tsk_ent *e,
    const char *target, size_t len)
{
	char cmd[PATH_MAX * 2], buf[1200];
	size_t m;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "icat -f ufs%d '%s' %llu", version, img,
	    e->ino);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	m = fread(buf, 1, sizeof(buf), f);
	pclose(f);
	tcheck(m == len && memcmp(buf, target, len) == 0, "icat: symlink %s: "
	    "%zu bytes, model %zu", e->path, m, len);
}

/*
 * istat of inode ino: its size, link count, owner and (symlinks, fast
 * ones included, which icat does not read) target must be the model's.
 */
static void
tsk_istat(const char *img, int version, const struct tsk_ent *e)
{
	char cmd[PATH_MAX * 2], line[4096], mp[1200], target[1100];
	unsigned long long size = ~0ULL, links = ~0ULL, uid = ~0ULL,
	    gid = ~0ULL;
	bool tok = e->type != 'l';
	struct stat ms;
	ssize_t n = 0;
	FILE *f;

	snprintf(mp, sizeof(mp), MODEL "/%s", e->path);
	if (ak_sys_lstat(mp, &ms) != 0)
		return;
	if (e->type == 'l' && (n = ak_sys_readlink(mp, target,
	    sizeof(target) - 1)) > 0)
		target[n] = '\0';
	snprintf(cmd, sizeof(cmd), "istat -f ufs%d '%s' %llu 2>&1", version,
	    img, e->ino);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		/* istat shows 512 bytes of a target at most. */
		if (strncmp(line, "symbolic link to: ", 18) == 0)
			tok = n > 0 && strncmp(line + 18, target, 512) == 0;
		(void)(sscanf(line, "size: %llu", &size) == 1 ||
		    sscanf(line, "num of links: %llu", &links) == 1 ||
		    sscanf(line, "uid / gid: %llu / %llu", &uid, &gid) == 2);
	}
	pclose(f);
	/* A directory's size is the image's own (tmpfs has its own). */
	if (S_ISDIR(ms.st_mode)) {
		snprintf(mp, sizeof(mp), MNT "/%s", e->path);
		if (ak_sys_lstat(mp, &ms) != 0)
			return;
	}
	if (e->type == 'l' && n >= (version == 1 ? 60 : 120))
		tsk_slowlink(img, version, e, target, (size_t)n);
	tcheck(tok && size == (unsigned long long)ms.st_size &&
	    links == (unsigned long long)ms.st_nlink && uid == ms.st_uid &&
	    gid == ms.st_gid, "istat %s: size %llu links %llu owner %llu:%llu%s"
	    ", model %lld %lu %u:%u", e->path, size, links, uid, gid,
	    tok ? "" : " (link target differs)", (long long)ms.st_size,
	    (unsigned long)ms.st_nlink, ms.st_uid, ms.st_gid);
}

/* icat's bytes of inode ino must be the model's file rel. */
static void
tsk_icat(const char *img, int version, const struct tsk_ent *e)
{
	static char a[1 << 16], b[1 << 16];
	char cmd[PATH_MAX * 2], mp[1200];
	ssize_t n, m;
	off_t off = 0;
	FILE *f;
	int fd = -1;

	snprintf(mp, sizeof(mp), MODEL "/%s", e->path);
	snprintf(cmd, sizeof(cmd), "icat -f ufs%d '%s' %llu", version, img,
	    e->ino);
	if ((f = popen(cmd, "r")) == NULL ||
	    (fd = ak_sys_open(mp, O_RDONLY)) < 0) {
		tcheck(0, "icat %s: cannot run", e->path);
		if (f != NULL)
			pclose(f);
		return;
	}
	while ((m = (ssize_t)fread(b, 1, sizeof(b), f)) > 0) {
		n = ak_sys_pread(fd, a, (size_t)m, off);
		if (n != m || memcmp(a, b, (size_t)m) != 0)
			break;
		off += m;
	}
	n = ak_sys_pread(fd, a, 1, off);
	tcheck(m == 0 && n == 0, "icat: %s differs at %lld", e->path,
	    (long long)off);
	pclose(f);
	ak_sys_close(fd);
}

/* Parse fls lines "X/Y [*] INO:<tab>PATH" and mark the model's paths. */
static void
tsk_fls(const char *img, int version, struct tsk_ent *v, int n)
{
	char cmd[PATH_MAX * 2], line[4096], *tab;
	int lines = 0, bad = 0, i, icats = 0;
	unsigned long long ino;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "fls -r -p -f ufs%d '%s' 2>&1", version,
	    img);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((tab = strchr(line, '\t')) == NULL || line[1] != '/' ||
		    strstr(line, " * ") != NULL || tab[1] == '$')
			continue;
		ino = strtoull(line + 4, NULL, 10);
		lines++;
		for (i = 0; i < n; i++)
			if (strcmp(v[i].path, tab + 1) == 0)
				break;
		/* "NAME/META": the d_type, then the inode's type. */
		if (i == n || v[i].seen || v[i].type != line[2] ||
		    line[0] != (line[2] == 'h' ? 's' : line[2]) ||
		    v[i].ino != ino) {
			if (bad++ < 5)
				tcheck(0, "fls: %s (%c, inode %llu) is not in "
				    "the model so", tab + 1, line[2], ino);
			continue;
		}
		v[i].seen = true;
	}
	pclose(f);
	tcheck(bad == 0 && lines == n, "fls: %d paths, %d bad, model %d",
	    lines, bad, n);
	/* A sample: every third entry, at most 30. */
	for (i = 0; i < n && icats < 30; i += 3) {
		if (!v[i].seen)
			continue;
		if (v[i].type == 'r')
			tsk_icat(img, version, &v[i]);
		tsk_istat(img, version, &v[i]);
		icats++;
	}
}

/*
 * The Sleuth Kit reads the unmounted image (the model still mounted,
 * the image mounted read-only for the inode numbers).
 */
void
fw_tsk_compare(const char *img, int version, bool be)
{
	struct tsk_ent *v = calloc(MAXENT * 2, sizeof(*v));
	const char *timg = version == 1 ? img : tsk_copy(img, be);
	int n = 0, i;

	if (v == NULL)
		return;
	if (timg == NULL) {
		printf("SKIP: %s: The Sleuth Kit (no room for a superblock "
		    "copy at 256 KiB)\n", tc_prefix);
		free(v);
		return;
	}
	if (ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, img, NULL) != 0) {
		tcheck(0, "read-only mount for fls: %s", strerror(errno));
		free(v);
		return;
	}
	model_walk("", v, &n, MAXENT * 2);
	tsk_fls(timg, version, v, n);
	ak_sys_unmount(MNT, 0);
	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* The driver's consistency check must pass (mount option "check"). */
void
fw_check_ok(const char *img, const char *when)
{
	int r = ak_sys_mount("ffs", MNT, AK_MNT_RDONLY, img, "check");

	tcheck(r == 0, "check %s: %s", when, strerror(errno));
	if (r == 0)
		ak_sys_unmount(MNT, 0);
}

/* The superblock says clean (fs_clean 1, no FS_UNCLEAN in fs_flags). */
void
fw_clean_ok(const char *img, const char *when)
{
	unsigned char sb[1376];
	int fd = open(img, O_RDONLY);
	bool ok = fd >= 0 && pread(fd, sb, sizeof(sb), SBOFF) ==
	    (ssize_t)sizeof(sb);

	if (fd >= 0)
		close(fd);
	tcheck(ok && sb[209] == 1 && (sb[1312] & 1) == 0 &&
	    (sb[1315] & 1) == 0, "%s: not marked clean (fs_clean %d)", when,
	    ok ? sb[209] : -1);
}
