/*
 * fat_read.c: read FAT images made by the reference tools through the
 * fatfs driver and compare everything with the source tree they were
 * made from.
 *
 * tests/image/mkfat.sh builds the trees and the images (mkfs.fat -C and
 * mcopy -s -m, FAT12/16/32, 512 and 4096-byte sectors, clusters of 512 B
 * to 64 KiB).  Each image is mounted read-only with ak_sys_mount and
 * walked together with its tree: directory listings both ways (exact
 * names, case included), types, sizes, every byte, mtimes (rounded down
 * to FAT's 2 seconds), "..".  mtools is the second oracle: the short
 * names mshortname reports must resolve to the same files, and the free
 * space mdir reports must match statvfs.  Then mount options (uid, gid,
 * masks, tz), the read-only refusal, probing and aliases, and a
 * corruption sweep over a damaged small image: every damage must give
 * an error (or a fallback the format defines), never a crash or a hang
 * (fat_corrupt.c).  The write tests are in fat_write.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

#define SKIP_RC		77	/* mkfat.sh: tools missing */
char workdir[4096];
int compare_mtime = 1;		/* write tests: the model's mtimes differ */

/* Is name in the listing of dir? */
int
listed(const char *dir, const char *name)
{
	AK_DIR *d = ak_sys_opendir(dir);
	struct ak_dirent *de;
	int found = 0;

	if (d == NULL)
		return -1;
	while ((de = ak_sys_readdir(d)) != NULL)
		found |= strcmp(de->d_name, name) == 0;
	ak_sys_closedir(d);
	return found;
}

/* A whole host file in a new buffer; its size or -1. */
long
host_slurp(const char *path, char **bufp)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	*bufp = malloc((size_t)size + 1);
	if (fread(*bufp, 1, (size_t)size, f) != (size_t)size)
		size = -1;
	fclose(f);
	return size;
}

/*
 * What FAT keeps of a tree: names (exact, case included), "." and "..",
 * types, sizes, files' mtimes rounded down to 2 s (unless the tree is
 * a model with other times), and the bytes, read in an odd chunk size
 * so reads straddle clusters, then half the file in one pread.
 */
static struct tcmp_opts
fat_opts(void)
{
	struct tcmp_opts o = {
		.flags = TCMP_DOTS | TCMP_DOTDOT | TCMP_DATA | TCMP_MIDREAD,
		.chunk = 65537,
	};

	if (compare_mtime)
		o.flags |= TCMP_MTIME | TCMP_MTIME_2S | TCMP_FILETIME;
	return o;
}

void
compare_data(const char *hpath, const char *apath)
{
	struct tcmp_opts o = fat_opts();

	tcmp_file(hpath, apath, &o);
}

void
compare_dir(const char *hdir, const char *adir)
{
	struct tcmp_opts o = fat_opts();

	tcmp_tree(hdir, adir, &o);
}

/* Case-insensitive lookup and mtools' short names. */
static void
check_names(const char *img, const char *mnt)
{
	char a[4096], b[4096], line[4096], *f1, *f2, *f3;
	struct stat st;
	FILE *f;

	PATHF(a, "%s/hello.txt", mnt);
	PATHF(b, "%s/HELLO.TXT", mnt);
	tcheck(tcmp_same_inode(a, b), "%s: HELLO.TXT is not hello.txt", img);
	PATHF(a, "%s/This is a long file name.txt", mnt);
	PATHF(b, "%s/this IS A long FILE name.TXT", mnt);
	tcheck(tcmp_same_inode(a, b), "%s: long name lookup ignoring case", img);
	PATHF(a, "%s/CAFÉ.TXT", mnt);
	PATHF(b, "%s/café.txt", mnt);
	tcheck(tcmp_same_inode(a, b), "%s: Latin-1 case folding", img);
	PATHF(a, "%s/no such file", mnt);
	tcheck(ak_sys_stat(a, &st) != 0 && errno == ENOENT,
	    "%s: missing file: %s", img, strerror(errno));
	PATHF(a, "%s/short.txt", workdir);
	if ((f = fopen(a, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		f1 = strtok(line, "\t");
		f2 = strtok(NULL, "\t");
		f3 = strtok(NULL, "\t");
		if (f1 == NULL || f2 == NULL || f3 == NULL ||
		    strcmp(f1, img) != 0)
			continue;
		if (strspn(f3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._") !=
		    strlen(f3))
			continue;	/* mtools printed it in its charset */
		PATHF(a, "%s/%s", mnt, f2);
		PATHF(b, "%s/%s", mnt, f2);
		if (strrchr(b, '/') > b + strlen(mnt))
			strcpy(strrchr(b, '/') + 1, f3);
		else
			PATHF(b, "%s/%s", mnt, f3);
		tcheck(tcmp_same_inode(a, b), "%s: short name %s is not %s", img, b,
		    a);
	}
	fclose(f);
}

/* Free bytes as mdir reports them (-1 if unknown). */
static long long
mdir_free(const char *img)
{
	char cmd[8192], line[512], digits[64];
	long long v = -1;
	size_t i, n;
	FILE *p;

	PATHF(cmd, "MTOOLS_SKIP_CHECK=1 mdir -i '%s' :: "
	    "2>/dev/null", img);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (strstr(line, "bytes free") == NULL)
			continue;
		for (i = n = 0; line[i] != '\0' && n < sizeof(digits) - 1; i++)
			if (line[i] >= '0' && line[i] <= '9')
				digits[n++] = line[i];
		digits[n] = '\0';
		v = atoll(digits);
	}
	pclose(p);
	return v;
}

/* statvfs against mdir, and the xattrs. */
static void
check_fs(const char *img, const char *imgpath, const char *mnt)
{
	struct statvfs sv;
	char val[64], path[4096];
	long long mfree = mdir_free(imgpath);
	ssize_t n;

	if (ak_sys_statvfs(mnt, &sv) != 0) {
		tcheck(false, "%s: statvfs: %s", img, strerror(errno));
		return;
	}
	if (mfree >= 0)
		tcheck((long long)sv.f_bfree * (long long)sv.f_frsize == mfree,
		    "%s: free %llu x %lu, mdir says %lld", img,
		    (unsigned long long)sv.f_bfree, sv.f_frsize, mfree);
	n = ak_sys_getxattr(mnt, "user.fat.label", val, sizeof(val) - 1);
	tcheck(n == 7 && memcmp(val, "TESTVOL", 7) == 0, "%s: label (%zd)",
	    img, n);
	PATHF(path, "%s/case1", mnt);
	n = ak_sys_getxattr(path, "user.fat.attr", val, sizeof(val) - 1);
	tcheck(n == 4 && memcmp(val, "0x10", 4) == 0, "%s: dir attribute",
	    img);
}

/* Mount imgpath on mnt (a new directory) with type and options. */
int
mount_img(const char *type, const char *imgpath, const char *mnt, int flags,
    const char *opts)
{
	if (ak_sys_mkdir(mnt, 0755) != 0 && errno != EEXIST)
		return -1;
	return ak_sys_mount(type, mnt, flags, imgpath, opts);
}

/* Read every image of images.txt and compare it with its tree. */
static void
test_images(void)
{
	char path[4096], line[512], imgpath[4096], mnt[600], tree[4096];
	char img[256], treename[256];
	FILE *f;
	int i = 0;

	PATHF(path, "%s/images.txt", workdir);
	if ((f = fopen(path, "r")) == NULL) {
		tcheck(false, "no %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%255s %255s", img, treename) != 2)
			continue;
		PATHF(imgpath, "%s/%s", workdir, img);
		PATHF(tree, "%s/%s", workdir, treename);
		PATHF(mnt, "/img%d", i++);
		if (mount_img("fatfs", imgpath, mnt, AK_MNT_RDONLY, NULL) != 0) {
			tcheck(false, "%s: mount: %s", img, strerror(errno));
			continue;
		}
		compare_dir(tree, mnt);
		check_names(img, mnt);
		check_fs(img, imgpath, mnt);
		tcheck(ak_sys_unmount(mnt, 0) == 0, "%s: unmount: %s", img,
		    strerror(errno));
		printf("%s: compared\n", img);
	}
	fclose(f);
}

/* Mount options, probing, aliases, the read-only refusal. */
static void
test_options(void)
{
	char imgpath[4096], hpath[4096];
	struct stat st, hst;
	int fd;

	PATHF(imgpath, "%s/fat12_512_s1.img", workdir);
	PATHF(hpath, "%s/small/hello.txt", workdir);
	if (stat(hpath, &hst) != 0) {
		tcheck(false, "no %s", hpath);
		return;
	}
	tcheck(mount_img("fatfs", imgpath, "/opt1", AK_MNT_RDONLY,
	    "uid=1234,gid=567,fmask=133,dmask=022,tz=60") == 0,
	    "mount with options: %s", strerror(errno));
	tcheck(ak_sys_stat("/opt1/hello.txt", &st) == 0 &&
	    st.st_uid == 1234 && st.st_gid == 567 &&
	    (st.st_mode & 07777) == 0644 &&
	    st.st_mtime == (hst.st_mtime & ~(time_t)1) - 3600,
	    "uid/gid/fmask/tz: uid %u gid %u mode %o mtime %lld",
	    st.st_uid, st.st_gid, st.st_mode, (long long)st.st_mtime);
	tcheck(ak_sys_stat("/opt1/case1", &st) == 0 &&
	    (st.st_mode & 07777) == 0755 && S_ISDIR(st.st_mode),
	    "dmask: mode %o", st.st_mode);
	ak_sys_unmount("/opt1", 0);
	tcheck(mount_img("fatfs", imgpath, "/opt2", AK_MNT_RDONLY,
	    "nosuchoption=1") != 0 && errno == EINVAL,
	    "unknown option accepted");
	/* Probed, by alias, and read-only: writes refused. */
	tcheck(mount_img(NULL, imgpath, "/opt3", AK_MNT_RDONLY, NULL) == 0,
	    "probe: %s", strerror(errno));
	tcheck(ak_sys_stat("/opt3/hello.txt", &st) == 0 &&
	    (st.st_mode & 07777) == 0644, "default mode %o", st.st_mode);
	fd = ak_sys_open("/opt3/new.txt", O_CREAT | O_WRONLY, 0644);
	tcheck(fd < 0 && errno == EROFS, "create on fatfs: %d %s", fd,
	    strerror(errno));
	tcheck(ak_sys_unlink("/opt3/hello.txt") != 0 && errno == EROFS,
	    "unlink on fatfs: %s", strerror(errno));
	fd = ak_sys_open("/opt3/hello.txt", O_RDONLY);
	tcheck(fd >= 0 && ak_sys_fsync(fd) == 0, "fsync read-only: %s",
	    strerror(errno));
	ak_sys_close(fd);
	ak_sys_unmount("/opt3", 0);
	tcheck(mount_img("vfat", imgpath, "/opt4", AK_MNT_RDONLY, NULL) == 0 &&
	    ak_sys_unmount("/opt4", 0) == 0, "alias vfat");
	tcheck(mount_img("msdos", imgpath, "/opt5", AK_MNT_RDONLY, NULL) == 0 &&
	    ak_sys_unmount("/opt5", 0) == 0, "alias msdos");
}

/*
 * With writing switched off (AK_FATFS_WRITE=0) the type does not claim
 * VFSCAP_WRITE: a read-write mount is refused with EROFS, a read-only
 * one refuses writes.
 */
static void
test_write_off(void)
{
	char imgpath[4400];
	int fd, rc;

	PATHF(imgpath, "%s/fat12_512_s1.img", workdir);
	tcheck(ak_fscaps("fatfs") >= 0 &&
	    !(ak_fscaps("fatfs") & AK_FSCAP_WRITE), "write capability");
	rc = mount_img("fatfs", imgpath, "/off", 0, NULL);
	tcheck(rc != 0 && errno == EROFS, "read-write mount: %d", rc);
	rc = mount_img("fatfs", imgpath, "/off", AK_MNT_RDONLY, NULL);
	tcheck(rc == 0, "read-only mount: %s", strerror(errno));
	fd = ak_sys_open("/off/new.txt", O_CREAT | O_WRONLY, 0644);
	tcheck(fd < 0 && errno == EROFS, "create with writes off: %d %s", fd,
	    strerror(errno));
	tcheck(ak_sys_unlink("/off/hello.txt") != 0 && errno == EROFS,
	    "unlink with writes off: %s", strerror(errno));
	ak_sys_unmount("/off", 0);
}

/* In a child: a kernel that starts with AK_FATFS_WRITE=0. */
static void
write_off_child(void *arg)
{
	(void)arg;
	setenv("AK_FATFS_WRITE", "0", 1);
	if (ak_init() != 0)
		_exit(2);
	test_write_off();
	ak_fini();
}

int
main(int argc, char **argv)
{
	const char *tmp = getenv("AK_TESTDIR");
	char script[4096], cmd[12288];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (tsource(argv[0], "tests/image/mkfat.sh", script,
	    sizeof(script)) != 0) {
		printf("SKIP: fat images (mkfat.sh not found)\n");
		return tsummary("fat_read");
	}
	PATHF(workdir, "%s/fatimg.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(workdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	PATHF(cmd, "sh '%s' '%s/w' >'%s/mkfat.log' 2>&1",
	    script, workdir, workdir);
	rc = tsh("%s", cmd);
	strcat(workdir, "/w");
	if (rc == SKIP_RC) {
		printf("SKIP: fat images (dosfstools or mtools missing)\n");
		return tsummary("fat_read");
	}
	if (rc != 0) {
		tcheck(false, "mkfat.sh exited %d", rc);
		return tsummary("fat_read");
	}
	tchild("AK_FATFS_WRITE=0", write_off_child, NULL);
	if (ak_init() != 0) {
		perror("ak_init");
		return 1;
	}
	tcheck(ak_fscaps("fatfs") >= 0 && (ak_fscaps("fatfs") & AK_FSCAP_WRITE),
	    "no write capability by default");
	test_images();
	test_options();
	test_corruption();
	test_write();
	ak_fini();
	if (getenv("AK_KEEP") == NULL) {
		PATHF(cmd, "rm -rf '%.4000s'", workdir);
		strcpy(strrchr(cmd, '/'), "'");
		if (tsh("%s", cmd) != 0)
			printf("fat_read: could not remove %s\n", workdir);
	}
	return tsummary("fat_read");
}
