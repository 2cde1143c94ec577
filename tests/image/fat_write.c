/*
 * fat_write.c: the write tests of fat_read (see fat_read.c): seeded
 * random operation sequences model-checked against a host directory and
 * checked by fsck.fat -n, mcopy and a remount; the root directory limit
 * and a full volume; semantics (open unlinked files, times, modes, the
 * 4 GiB limit, refused names and file types, xattrs, the label, a
 * non-BMP name) checked also by mtools; the dirty bit; threads.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/fat_test.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

/*
 * Write tests: seeded random operation sequences applied both to an
 * image (through libak) and to a directory of the host (the model), the
 * results compared call by call and the trees compared at the end; then
 * the image is unmounted and checked by fsck.fat -n, extracted by mcopy
 * and compared with the model by diff -r, and mounted again and
 * compared.
 */
static uint64_t rng = 88172645463325252ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n == 0 ? 0 : (uint32_t)(rng % n);
}

/* Names unique ignoring case, without "~" (short names stay out of the
 * way), files and directories from separate pools. */
static const char *wfiles[] = {
	"a.txt", "Bee.TXT", "lower8.ext", "UPPER8.EXT", "x",
	"Mixed Case Name.Data",
	"long name number one.data", "with.many.dots.here",
	"\xc3\xbcn\xc3\xaf" "code \xc3\xb1" "ame.txt",
	"\xe6\x97\xa5\xe6\x9c\xac.txt", "y123456789012345", "sp ace",
	"longfilename1.text",
	"longfilename2.text", "longfilename3.text", "README", "readme2.md",
};
static const char *wdirs[] = {
	"sub", "Another Dir", "\xd0\x94\xd0\x98\xd0\xa0", "d.x", "LongDirectoryName",
};
#define NWFILES	(int)(sizeof(wfiles) / sizeof(wfiles[0]))
#define NWDIRS	(int)(sizeof(wdirs) / sizeof(wdirs[0]))
#define WMAXENT	512

/*
 * A file name: from the pool, or one of 300 generated ones, so that
 * directories grow past the size at which the driver indexes names.
 */
static const char *
wfile_name(void)
{
	static char name[64];

	if (rnd(3) != 0)
		return wfiles[rnd(NWFILES)];
	snprintf(name, sizeof(name), rnd(2) ? "gen %u file.dat" : "g%u.dat",
	    rnd(300));
	return name;
}

struct wstate {
	char	model[4096];		/* host directory */
	char	mnt[256];		/* mount point in the kernel */
	char	dirs[WMAXENT][256];	/* relative directories ("" root) */
	int	ndirs;
	char	files[WMAXENT][256];	/* relative files */
	int	nfiles;
};

/* Collect the model's files and directories under rel. */
static void
wscan(struct wstate *w, const char *rel)
{
	char path[4400], sub[256];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (w->ndirs < WMAXENT)
		snprintf(w->dirs[w->ndirs++], sizeof(w->dirs[0]), "%s", rel);
	PATHF(path, "%s/%s", w->model, rel);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", de->d_name) >= (int)sizeof(sub))
			continue;
		PATHF(path, "%s/%s", w->model, sub);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			wscan(w, sub);
		else if (w->nfiles < WMAXENT)
			snprintf(w->files[w->nfiles++], sizeof(w->files[0]),
			    "%s", sub);
	}
	closedir(d);
}

static void
wrescan(struct wstate *w)
{
	w->ndirs = w->nfiles = 0;
	wscan(w, "");
}

/* Host and kernel paths of rel. */
static void
wpaths(const struct wstate *w, const char *rel, char *hp, size_t hsz,
    char *ap, size_t asz)
{
	if (snprintf(hp, hsz, "%s/%s", w->model, rel) >= (int)hsz ||
	    snprintf(ap, asz, "%s/%s", w->mnt, rel) >= (int)asz)
		abort();
}

/* The host and kernel results of one call must agree. */
static void
wsame(const char *op, const char *rel, long hr, int herr, long ar, int aerr)
{
	tcheck(hr == ar || ((hr < 0) == (ar < 0) && hr < 0),
	    "%s %s: host %ld (%s), image %ld (%s)", op, rel, hr,
	    hr < 0 ? strerror(herr) : "ok", ar, ar < 0 ? strerror(aerr) : "ok");
}

static void
wop_write(struct wstate *w)
{
	static char buf[131072];
	char rel[600], hp[4800], ap[4800];
	const char *dir = w->dirs[rnd((uint32_t)w->ndirs)];
	struct stat st;
	long hr, ar, size;
	int hfd, afd, herr, aerr;
	size_t len, i;
	off_t off;

	PATHF(rel, "%s%s%s", dir, dir[0] != '\0' ? "/" : "", wfile_name());
	wpaths(w, rel, hp, sizeof(hp), ap, sizeof(ap));
	size = stat(hp, &st) == 0 ? (long)st.st_size : 0;
	len = rnd(8) == 0 ? rnd(sizeof(buf)) : rnd(5000);
	off = (off_t)rnd((uint32_t)size + 3000);
	for (i = 0; i < len; i++)
		buf[i] = (char)rnd(256);
	hfd = open(hp, O_CREAT | O_WRONLY, 0644);
	herr = errno;
	afd = ak_sys_open(ap, O_CREAT | O_WRONLY, 0644);
	aerr = errno;
	wsame("open", rel, hfd < 0 ? -1 : 0, herr, afd < 0 ? -1 : 0, aerr);
	if (hfd >= 0 && afd >= 0) {
		hr = pwrite(hfd, buf, len, off);
		herr = errno;
		ar = ak_sys_pwrite(afd, buf, len, off);
		aerr = errno;
		wsame("pwrite", rel, hr, herr, ar, aerr);
	}
	if (hfd >= 0)
		close(hfd);
	if (afd >= 0)
		ak_sys_close(afd);
}

static void
wop_file(struct wstate *w, int op)
{
	char hp[4800], ap[4800];
	const char *rel;
	struct stat st;
	long hr, ar;
	int herr, aerr;
	off_t len;

	if (w->nfiles == 0)
		return;
	rel = w->files[rnd((uint32_t)w->nfiles)];
	wpaths(w, rel, hp, sizeof(hp), ap, sizeof(ap));
	if (op == 0) {
		len = stat(hp, &st) == 0 ? (off_t)rnd((uint32_t)st.st_size *
		    2 + 100) : 0;
		hr = truncate(hp, len);
		herr = errno;
		ar = ak_sys_truncate(ap, len);
		aerr = errno;
		wsame("truncate", rel, hr, herr, ar, aerr);
	} else {
		hr = unlink(hp);
		herr = errno;
		ar = ak_sys_unlink(ap);
		aerr = errno;
		wsame("unlink", rel, hr, herr, ar, aerr);
	}
}

static void
wop_dir(struct wstate *w, int op)
{
	char rel[600], hp[4800], ap[4800];
	const char *dir = w->dirs[rnd((uint32_t)w->ndirs)];
	long hr, ar;
	int herr, aerr;

	if (op == 0) {
		if (strchr(dir, '/') != NULL)
			return;		/* two levels are enough */
		PATHF(rel, "%s%s%s", dir, dir[0] != '\0' ? "/" : "",
		    wdirs[rnd(NWDIRS)]);
		wpaths(w, rel, hp, sizeof(hp), ap, sizeof(ap));
		hr = mkdir(hp, 0755);
		herr = errno;
		ar = ak_sys_mkdir(ap, 0755);
		aerr = errno;
		wsame("mkdir", rel, hr, herr, ar, aerr);
	} else {
		if (dir[0] == '\0')
			return;
		wpaths(w, dir, hp, sizeof(hp), ap, sizeof(ap));
		hr = rmdir(hp);
		herr = errno;
		ar = ak_sys_rmdir(ap);
		aerr = errno;
		wsame("rmdir", dir, hr, herr, ar, aerr);
	}
}

static void
wop_rename(struct wstate *w)
{
	char to[600], hp[4800], ap[4800], hp2[4800], ap2[4800];
	const char *from, *dir = w->dirs[rnd((uint32_t)w->ndirs)];
	int isdir = rnd(4) == 0 && w->ndirs > 1;
	size_t flen;
	long hr, ar;
	int herr, aerr;

	if (isdir)
		from = w->dirs[1 + rnd((uint32_t)w->ndirs - 1)];
	else if (w->nfiles > 0)
		from = w->files[rnd((uint32_t)w->nfiles)];
	else
		return;
	flen = strlen(from);
	if (isdir && strncmp(dir, from, flen) == 0 &&
	    (dir[flen] == '\0' || dir[flen] == '/'))
		return;		/* into itself */
	if (isdir && strchr(dir, '/') != NULL)
		return;
	PATHF(to, "%s%s%s", dir, dir[0] != '\0' ? "/" : "",
	    isdir ? wdirs[rnd(NWDIRS)] : wfile_name());
	if (strcmp(to, from) == 0)
		return;
	wpaths(w, from, hp, sizeof(hp), ap, sizeof(ap));
	wpaths(w, to, hp2, sizeof(hp2), ap2, sizeof(ap2));
	hr = rename(hp, hp2);
	herr = errno;
	ar = ak_sys_rename(ap, ap2);
	aerr = errno;
	wsame("rename", from, hr, herr, ar, aerr);
}

/*
 * The host kernel's vfat driver as a third reader, where this runs as
 * root with loop devices (tests/image/loopcheck.sh; else one SKIP line).
 */
static void
loop_check(const char *img, const char *imgpath, const char *model)
{
	static bool skipped;
	char cmd[16384];
	int rc;

	PATHF(cmd, "sh tests/image/loopcheck.sh vfat '%s' '%s' "
	    "iocharset=utf8,shortname=mixed", imgpath, model);
	rc = tsh("%s", cmd);
	if (rc == 77) {
		if (!skipped)
			printf("SKIP: fatfs loop-mount checks (not root, no "
			    "loop devices or no vfat in the host kernel)\n");
		skipped = true;
		return;
	}
	tcheck(rc == 0, "%s: the host kernel reads it differently", img);
}

/* The checks of a written image by the reference tools. */
static void
wcheck_tools(const char *img, const char *imgpath, const char *model)
{
	char cmd[16384], out[4400];

	PATHF(cmd, "fsck.fat -n '%s' > '%s.fsck' 2>&1 || "
	    "{ cat '%s.fsck'; exit 1; }", imgpath, imgpath, imgpath);
	tcheck(tsh("%s", cmd) == 0, "%s: fsck.fat -n found errors", img);
	if (model == NULL)
		return;
	PATHF(out, "%s.out", imgpath);
	PATHF(cmd, "rm -rf '%s' && mkdir '%s' && LC_ALL=C.UTF-8 "
	    "MTOOLS_SKIP_CHECK=1 mcopy -s -n -i '%s' '::*' '%s' 2>/dev/null; "
	    "diff -r '%s' '%s'", out, out, imgpath, out, model, out);
	tcheck(tsh("%s", cmd) == 0, "%s: mcopy's copy differs from the model",
	    img);
	loop_check(img, imgpath, model);
}

/* FAT[1] of a FAT12/16 image file, read by the host. */
static unsigned
fat1_of(const char *imgpath)
{
	unsigned char b[64];
	FILE *f = fopen(imgpath, "rb");
	unsigned v = 0;

	if (f != NULL && fread(b, 1, sizeof(b), f) == sizeof(b) &&
	    fseek(f, (long)get16(b + 14) * get16(b + 11) + 2, SEEK_SET) == 0 &&
	    fread(b, 1, 2, f) == 2)
		v = get16(b);
	if (f != NULL)
		fclose(f);
	return v;
}

/* Write a file of len bytes of pattern c; returns bytes written. */
static long
wfill(const char *path, long len, int c)
{
	static char buf[8192];
	long done = 0;
	ssize_t r;
	int fd;

	memset(buf, c, sizeof(buf));
	if ((fd = ak_sys_open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644)) < 0)
		return -1;
	while (done < len && (r = ak_sys_write(fd, buf, len - done <
	    (long)sizeof(buf) ? (size_t)(len - done) : sizeof(buf))) > 0)
		done += r;
	ak_sys_close(fd);
	return done;
}

/* The root directory limit of FAT12/16 and filling the volume. */
static void
wtest_limits(const char *imgpath)
{
	struct statvfs sv0, sv;
	char p[64];
	long n, big;
	int i, fd;

	if (mount_img("fatfs", imgpath, "/ws", 0, NULL) != 0) {
		tcheck(false, "wsmall: mount: %s", strerror(errno));
		return;
	}
	for (i = 0; i < 40; i++) {
		PATHF(p, "/ws/f%03d", i);
		if ((fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644)) < 0)
			break;
		ak_sys_close(fd);
	}
	tcheck(i == 32 && errno == ENOSPC, "root limit: %d files (%s)", i,
	    strerror(errno));
	tcheck(ak_sys_unlink("/ws/f005") == 0, "unlink in a full root");
	fd = ak_sys_open("/ws/a long name needing slots", O_CREAT | O_WRONLY,
	    0644);
	tcheck(fd < 0 && errno == ENOSPC, "long name in a full root: %d", fd);
	fd = ak_sys_open("/ws/g005", O_CREAT | O_WRONLY, 0644);
	tcheck(fd >= 0, "deleted slot not reused: %s", strerror(errno));
	ak_sys_close(fd);
	for (i = 0; i < 32; i++) {
		PATHF(p, "/ws/%c%03d", i == 5 ? 'g' : 'f', i);
		ak_sys_unlink(p);
	}
	tcheck(ak_sys_statvfs("/ws", &sv0) == 0, "statvfs");
	tcheck(ak_sys_mkdir("/ws/dir", 0755) == 0, "mkdir");
	big = wfill("/ws/dir/big", 1L << 30, 'b');
	tcheck(big > 0 && big < (long)(sv0.f_bfree * sv0.f_frsize) &&
	    errno == ENOSPC, "fill: %ld bytes of %lu free (%s)", big,
	    (unsigned long)(sv0.f_bfree * sv0.f_frsize), strerror(errno));
	tcheck(ak_sys_statvfs("/ws", &sv) == 0 && sv.f_bfree == 0,
	    "full volume: %lu free", (unsigned long)sv.f_bfree);
	n = wfill("/ws/more", 100, 'm');
	tcheck(n <= 0, "wrote %ld bytes on a full volume", n);
	ak_sys_unlink("/ws/more");
	tcheck(ak_sys_unlink("/ws/dir/big") == 0 && ak_sys_rmdir("/ws/dir") == 0
	    && ak_sys_statvfs("/ws", &sv) == 0 && sv.f_bfree == sv0.f_bfree,
	    "space not given back: %lu of %lu", (unsigned long)sv.f_bfree,
	    (unsigned long)sv0.f_bfree);
	tcheck(ak_sys_unmount("/ws", 0) == 0, "unmount: %s", strerror(errno));
	wcheck_tools("wsmall.img", imgpath, NULL);
}

/* Semantics: open unlinked files, renames, times, limits, the dirty bit. */
static void
wtest_semantics(const char *imgpath)
{
	char buf[100], cmd[8800];
	struct timespec ts[2];
	struct statvfs sv0, sv;
	struct stat st;
	int fd;

	if (mount_img("fatfs", imgpath, "/ws", 0, NULL) != 0) {
		tcheck(false, "wsmall: mount: %s", strerror(errno));
		return;
	}
	ak_sys_sync();
	ak_sys_statvfs("/ws", &sv0);
	tcheck(wfill("/ws/open", 5000, 'o') == 5000, "write");
	fd = ak_sys_open("/ws/open", O_RDONLY);
	tcheck(fd >= 0 && ak_sys_unlink("/ws/open") == 0 &&
	    ak_sys_stat("/ws/open", &st) != 0 &&
	    ak_sys_pread(fd, buf, 100, 4000) == 100 && buf[0] == 'o' &&
	    buf[99] == 'o', "unlinked open file unreadable");
	ak_sys_close(fd);
	tcheck(ak_sys_statvfs("/ws", &sv) == 0 && sv.f_bfree == sv0.f_bfree,
	    "unlinked file's space: %lu of %lu", (unsigned long)sv.f_bfree,
	    (unsigned long)sv0.f_bfree);
	/*
	 * A rename that changes only the case names the same vnode twice,
	 * which the VFS treats as a no-op (POSIX), so the old spelling
	 * stays.  XXX: Linux vfat renames; that needs the VFS to pass it on.
	 */
	tcheck(wfill("/ws/case.txt", 10, 'c') == 10 &&
	    ak_sys_rename("/ws/case.txt", "/ws/CASE.TXT") == 0 &&
	    listed("/ws", "case.txt") == 1, "case-only rename");
	ts[0].tv_sec = ts[1].tv_sec = 1600000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	tcheck(ak_sys_utimensat(AT_FDCWD, "/ws/CASE.TXT", ts, 0) == 0 &&
	    ak_sys_stat("/ws/CASE.TXT", &st) == 0 &&
	    st.st_mtime == 1600000000, "utimensat: %lld",
	    (long long)st.st_mtime);
	tcheck(ak_sys_chmod("/ws/CASE.TXT", 0444) == 0 &&
	    ak_sys_stat("/ws/CASE.TXT", &st) == 0 &&
	    (st.st_mode & 0222) == 0, "chmod 0444: %o", st.st_mode);
	ak_sys_chmod("/ws/CASE.TXT", 0644);
	fd = ak_sys_open("/ws/CASE.TXT", O_WRONLY);
	tcheck(fd >= 0 && ak_sys_pwrite(fd, "x", 1, 0xffffffffLL) < 0 &&
	    errno == EFBIG, "EFBIG past 4 GiB - 1: %s", strerror(errno));
	ak_sys_close(fd);
	tcheck(ak_sys_symlink("CASE.TXT", "/ws/sl") != 0 && errno == EPERM,
	    "symlink: %s", strerror(errno));
	tcheck(ak_sys_link("/ws/CASE.TXT", "/ws/hl") != 0 && errno == EPERM,
	    "link: %s", strerror(errno));
	tcheck(ak_sys_mknod("/ws/fifo", S_IFIFO | 0644, 0) != 0,
	    "mknod accepted");
	/* A non-BMP name is written as a surrogate pair and read back. */
	fd = ak_sys_open("/ws/\xf0\x9f\x98\x80 smile.txt", O_CREAT | O_WRONLY,
	    0644);
	tcheck(fd >= 0 && listed("/ws", "\xf0\x9f\x98\x80 smile.txt") == 1,
	    "non-BMP name: %s", strerror(errno));
	ak_sys_close(fd);
	fd = ak_sys_open("/ws/a:b", O_CREAT | O_WRONLY, 0644);
	tcheck(fd < 0 && errno == EINVAL, "name with ':' accepted");
	fd = ak_sys_open("/ws/trailing.", O_CREAT | O_WRONLY, 0644);
	tcheck(fd < 0 && errno == EINVAL, "name with a trailing dot accepted");
	/* The attribute byte and the label, read back by mtools below. */
	tcheck(ak_sys_setxattr("/ws/CASE.TXT", "user.fat.attr", "0x22", 4, 0)
	    == 0 && ak_sys_getxattr("/ws/CASE.TXT", "user.fat.attr", buf,
	    sizeof(buf)) == 4 && memcmp(buf, "0x22", 4) == 0,
	    "set user.fat.attr: %s", strerror(errno));
	tcheck(ak_sys_setxattr("/ws/CASE.TXT", "user.fat.attr", "0x10", 4, 0)
	    != 0 && errno == EINVAL, "directory bit settable");
	tcheck(ak_sys_setxattr("/ws/CASE.TXT", "user.other", "x", 1, 0) != 0,
	    "arbitrary xattr accepted");
	tcheck(ak_sys_setxattr("/ws", "user.fat.label", "My Label", 8, 0) == 0
	    && ak_sys_getxattr("/ws", "user.fat.label", buf, sizeof(buf)) ==
	    8 && memcmp(buf, "MY LABEL", 8) == 0, "set label: %s",
	    strerror(errno));
	tcheck(ak_sys_setxattr("/ws", "user.fat.label", "bad:label", 9, 0)
	    != 0 && errno == EINVAL, "label with ':' accepted");
	ak_sys_sync();
	tcheck(fat1_of(imgpath) != 0, "FAT[1] unreadable");
	tcheck(ak_sys_unmount("/ws", 0) == 0, "unmount: %s", strerror(errno));
	PATHF(cmd, "MTOOLS_SKIP_CHECK=1 mshortname -i '%s' ::/CASE.TXT | "
	    "grep -qx '::/CASE.TXT'", imgpath);
	tcheck(tsh("%s", cmd) == 0, "short name after a case-only rename");
	PATHF(cmd, "MTOOLS_SKIP_CHECK=1 mattrib -i '%s' ::/case.txt | "
	    "grep -q '^  A   H  '", imgpath);
	tcheck(tsh("%s", cmd) == 0, "mattrib does not see hidden + archive");
	PATHF(cmd, "MTOOLS_SKIP_CHECK=1 mlabel -s -i '%s' :: | "
	    "grep -q 'is MY LABEL'", imgpath);
	tcheck(tsh("%s", cmd) == 0, "mlabel does not see the label");
	if (mount_img("fatfs", imgpath, "/ws", AK_MNT_RDONLY, NULL) == 0) {
		tcheck(listed("/ws", "\xf0\x9f\x98\x80 smile.txt") == 1,
		    "non-BMP name after remount");
		ak_sys_unmount("/ws", 0);
	}
	wcheck_tools("wsmall.img", imgpath, NULL);
}

/* The dirty bit of FAT[1] (FAT16): set while mounted, clear after. */
static void
wtest_dirty(const char *imgpath)
{
	unsigned before = fat1_of(imgpath), during;

	if (mount_img("fatfs", imgpath, "/wd", 0, NULL) != 0) {
		tcheck(false, "dirty: mount: %s", strerror(errno));
		return;
	}
	ak_sys_sync();
	during = fat1_of(imgpath);
	tcheck(ak_sys_unmount("/wd", 0) == 0, "unmount");
	tcheck((before & 0x8000) && !(during & 0x8000) &&
	    fat1_of(imgpath) == before, "dirty bit: %#x %#x %#x", before,
	    during, fat1_of(imgpath));
}

/*
 * Threads writing at once: each creates, fills, checks, renames and
 * removes files in its own directory and in a shared one; then the
 * image must be fsck-clean and hold exactly the files the threads kept.
 */
#define CT_THREADS	4
#define CT_FILES	60

struct ctarg {
	int	id;		/* thread number */
	int	errors;		/* checks that failed */
};

static void *
ct_main(void *v)
{
	struct ctarg *a = v;
	char p[128], q[128], buf[3000], back[3000];
	int i, fd;
	size_t len;

	for (i = 0; i < CT_FILES; i++) {
		PATHF(p, "%s/t%d file %d.dat",
		    i % 2 ? "/wc/shared" : (a->id == 0 ? "/wc/d0" :
		    a->id == 1 ? "/wc/d1" : a->id == 2 ? "/wc/d2" : "/wc/d3"),
		    a->id, i);
		len = (size_t)(500 + (a->id * 977 + i * 131) % 2500);
		memset(buf, 'a' + a->id, len);
		buf[0] = (char)i;
		fd = ak_sys_open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0 || ak_sys_write(fd, buf, len) != (ssize_t)len) {
			a->errors++;
			if (fd >= 0)
				ak_sys_close(fd);
			continue;
		}
		ak_sys_close(fd);
		fd = ak_sys_open(p, O_RDONLY);
		if (fd < 0 || ak_sys_read(fd, back, sizeof(back)) !=
		    (ssize_t)len || memcmp(buf, back, len) != 0)
			a->errors++;
		if (fd >= 0)
			ak_sys_close(fd);
		if (i % 3 == 0) {
			PATHF(q, "%s.renamed", p);
			if (ak_sys_rename(p, q) != 0)
				a->errors++;
		} else if (i % 3 == 1 && ak_sys_unlink(p) != 0)
			a->errors++;
	}
	return NULL;
}

static void
wtest_threads(const char *imgpath)
{
	struct ctarg args[CT_THREADS];
	pthread_t th[CT_THREADS];
	char d[32];
	int i, n, dots, total = 0;
	char **names;

	if (mount_img("fatfs", imgpath, "/wc", 0, NULL) != 0) {
		tcheck(false, "threads: mount: %s", strerror(errno));
		return;
	}
	ak_sys_mkdir("/wc/shared", 0755);
	for (i = 0; i < CT_THREADS; i++) {
		snprintf(d, sizeof(d), "/wc/d%d", i);
		ak_sys_mkdir(d, 0755);
		args[i].id = i;
		args[i].errors = 0;
		pthread_create(&th[i], NULL, ct_main, &args[i]);
	}
	for (i = 0; i < CT_THREADS; i++) {
		pthread_join(th[i], NULL);
		tcheck(args[i].errors == 0, "thread %d: %d errors", i,
		    args[i].errors);
	}
	names = calloc(MAXNAMES, sizeof(char *));
	for (i = -1; i < CT_THREADS; i++) {
		if (i < 0)
			snprintf(d, sizeof(d), "/wc/shared");
		else
			snprintf(d, sizeof(d), "/wc/d%d", i);
		n = tcmp_ak_names(d, names, MAXNAMES, &dots);
		total += n;
		tcmp_free_names(names, n > 0 ? n : 0);
	}
	free(names);
	/* Of CT_FILES per thread, i % 3 == 1 are removed. */
	tcheck(total == CT_THREADS * (CT_FILES - CT_FILES / 3),
	    "threads: %d files kept", total);
	tcheck(ak_sys_unmount("/wc", 0) == 0, "unmount: %s", strerror(errno));
	wcheck_tools("threads", imgpath, NULL);
}

/* One image: nops random operations, then the checks. */
static void
wtest_image(const char *img, int nops, uint64_t seed)
{
	static struct wstate w;
	char imgpath[4400], cmd[9000];
	int i, k;

	rng = seed != 0 ? seed : 1;	/* xorshift stays at 0 */
	PATHF(imgpath, "%s/%s", workdir, img);
	PATHF(w.model, "%s/model-%s", workdir, img);
	PATHF(w.mnt, "/w-%s", img);
	PATHF(cmd, "rm -rf '%s' && mkdir -p '%s'", w.model, w.model);
	if (tsh("%s", cmd) != 0 ||
	    mount_img("fatfs", imgpath, w.mnt, 0, NULL) != 0) {
		tcheck(false, "%s: mount read-write: %s", img, strerror(errno));
		return;
	}
	for (i = 0; i < nops; i++) {
		wrescan(&w);
		k = (int)rnd(100);
		if (k < 40)
			wop_write(&w);
		else if (k < 50)
			wop_file(&w, 0);
		else if (k < 60)
			wop_file(&w, 1);
		else if (k < 72)
			wop_dir(&w, 0);
		else if (k < 78)
			wop_dir(&w, 1);
		else
			wop_rename(&w);
	}
	compare_dir(w.model, w.mnt);
	tcheck(ak_sys_unmount(w.mnt, 0) == 0, "%s: unmount: %s", img,
	    strerror(errno));
	wcheck_tools(img, imgpath, w.model);
	if (mount_img("fatfs", imgpath, w.mnt, AK_MNT_RDONLY, NULL) == 0) {
		compare_dir(w.model, w.mnt);
		ak_sys_unmount(w.mnt, 0);
	} else
		tcheck(false, "%s: remount: %s", img, strerror(errno));
	printf("%s: %d operations written and checked\n", img, nops);
}

/* The write tests. */
void
test_write(void)
{
	char path[4400], line[512], img[256];
	const char *e;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int n = 0, nops = 400;
	FILE *f;

	/* AK_FAT_OPS and AK_FAT_SEED: longer or other runs by hand. */
	if ((e = getenv("AK_FAT_OPS")) != NULL)
		nops = atoi(e);
	if ((e = getenv("AK_FAT_SEED")) != NULL)
		seed = strtoull(e, NULL, 0);
	compare_mtime = 0;
	PATHF(path, "%s/wimages.txt", workdir);
	if ((f = fopen(path, "r")) == NULL) {
		tcheck(false, "no %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%255s", img) == 1)
			wtest_image(img, nops, seed + (uint64_t)n++);
	fclose(f);
	PATHF(path, "%s/wsmall.img", workdir);
	wtest_limits(path);
	wtest_semantics(path);
	PATHF(path, "%s/w16.img", workdir);
	wtest_dirty(path);
	PATHF(path, "%s/w32.img", workdir);
	wtest_threads(path);
}

