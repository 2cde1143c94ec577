/*
 * fuzz_fs.c: what the fuzz harnesses do with one input, for a driver
 * type: fuzz_main.c (libFuzzer, one binary per type, -DFUZZ_TYPE) and
 * fuzz_replay.c (make check: every input under tests/fuzz/regress/).
 * Each input is an image: it is mounted read-only, every
 * directory walked, every node stat'ed, every file read (whole, at an
 * odd offset, with SEEK_DATA), every link and xattr read; then, for a
 * writing driver, mounted read-write for a few changes and unmounted.
 * Any crash, sanitizer report, leak or hang is a finding; an error from
 * a call is the expected answer to a broken image.
 *
 * `make fuzz` builds the libFuzzer binaries (clang, ASan+UBSan); seeds in
 * tests/fuzz/corpus/<type>/ are small images made by the reference tools
 * (tests/fuzz/mkseeds.sh).
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/fuzz/fuzz.h"

#define MNT		"/mnt"
#define MAXNODES	4096	/* nodes visited per input */
#define MAXDEPTH	12
#define MAXREAD		(256 * 1024)

static char imgpath[256];
static char buf[65536];
static int nodes;

static void
fuzz_init(void)
{
	const char *t = getenv("TMPDIR");

	/* EBUSY: the caller booted the kernel itself (with options). */
	if ((ak_init() != 0 && errno != EBUSY) ||
	    (ak_sys_mkdir(MNT, 0755) != 0 && errno != EEXIST)) {
		perror("fuzz: ak_init");
		abort();
	}
	snprintf(imgpath, sizeof(imgpath), "%s/akfuzz-%d.img",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : t ? t : "/tmp",
	    (int)getpid());
}

static void
read_file(const char *path)
{
	size_t total = 0;
	ssize_t n;
	int fd;

	if ((fd = ak_sys_open(path, O_RDONLY)) < 0)
		return;
	while (total < MAXREAD &&
	    (n = ak_sys_read(fd, buf, sizeof(buf))) > 0)
		total += (size_t)n;
	(void)ak_sys_pread(fd, buf, 1000, 4093);
	(void)ak_sys_lseek(fd, 0, SEEK_DATA);
	(void)ak_sys_lseek(fd, 0, SEEK_HOLE);
	ak_sys_close(fd);
}

static void
read_xattrs(const char *path)
{
	char list[4096], *p;
	ssize_t n;

	if ((n = ak_sys_llistxattr(path, list, sizeof(list) - 1)) <= 0)
		return;
	list[n] = '\0';
	for (p = list; p < list + n; p += strlen(p) + 1)
		(void)ak_sys_lgetxattr(path, p, buf, sizeof(buf));
}

static void
walk(const char *path, int depth)
{
	struct ak_dirent *d;
	struct stat st;
	char sub[1024];
	AK_DIR *dir;

	if (depth > MAXDEPTH || (dir = ak_sys_opendir(path)) == NULL)
		return;
	while (nodes < MAXNODES && (d = ak_sys_readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		nodes++;
		snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
		if (ak_sys_lstat(sub, &st) != 0)
			continue;
		read_xattrs(sub);
		if (S_ISDIR(st.st_mode))
			walk(sub, depth + 1);
		else if (S_ISREG(st.st_mode))
			read_file(sub);
		else if (S_ISLNK(st.st_mode))
			(void)ak_sys_readlink(sub, buf, sizeof(buf));
	}
	ak_sys_closedir(dir);
}

/* A few changes through a read-write mount; every error is allowed. */
static void
write_some(const char *type)
{
	struct ak_dirent *d;
	char victim[512] = "";
	AK_DIR *dir;
	int fd;

	if (ak_sys_mount(type, MNT, 0, imgpath, NULL) != 0)
		return;
	if ((dir = ak_sys_opendir(MNT)) != NULL) {
		while ((d = ak_sys_readdir(dir)) != NULL)
			if (d->d_name[0] != '.') {
				snprintf(victim, sizeof(victim), MNT "/%s",
				    d->d_name);
				break;
			}
		ak_sys_closedir(dir);
	}
	if ((fd = ak_sys_open(MNT "/NEWFILE", O_WRONLY | O_CREAT, 0644)) >= 0) {
		memset(buf, 'z', 20000);
		(void)ak_sys_write(fd, buf, 20000);
		(void)ak_sys_ftruncate(fd, 3000);
		ak_sys_close(fd);
	}
	(void)ak_sys_mkdir(MNT "/NEWDIR", 0755);
	(void)ak_sys_rename(MNT "/NEWFILE", MNT "/NEWDIR/MOVED");
	if (victim[0] != '\0') {
		(void)ak_sys_unlink(victim);
		(void)ak_sys_rmdir(victim);
	}
	if (ak_sys_unmount(MNT, 0) != 0)
		(void)ak_sys_unmount(MNT, AK_MNT_FORCE);
}

void
fuzz_one(const char *type, const uint8_t *data, size_t size)
{
	static int inited;
	FILE *f;

	if (!inited) {
		fuzz_init();
		inited = 1;
	}
	if ((f = fopen(imgpath, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (ak_sys_mount(type, MNT, AK_MNT_RDONLY, imgpath, NULL) == 0) {
		nodes = 0;
		walk(MNT, 0);
		if (ak_sys_unmount(MNT, 0) != 0)
			abort();	/* nothing held open: must work */
	}
	if (ak_fscaps(type) & AK_FSCAP_WRITE)
		write_some(type);
	/* Not left behind: AFL++ runs many processes, each with its own. */
	(void)unlink(imgpath);
}
