/*
 * ext2_write.c: the write half of the ext2/ext3/ext4 driver checked
 * against a model and the reference tools.
 *
 * For each layout mke2fs makes (ext2, ext3, ext4 with its defaults, 1 KiB
 * blocks, gdt_csum instead of metadata_csum, 64bit with
 * metadata_csum_seed, revision 0 without filetype), a seeded random
 * sequence of operations (create and write at random offsets, sparse and
 * past 4 GiB, truncate up and down, mkdir, rmdir, unlink, rename over
 * files and directories and across directories, link, short and long
 * symlinks, device nodes, fifos, sockets, chmod, chown, utimens with
 * nanoseconds) is applied through libak to a fresh image and to a tmpfs
 * mounted in the same kernel (the model); every call must give the same
 * result on both.  The trees must then agree in names, types, sizes,
 * modes, owners, link counts, mtimes to the nanosecond, device numbers,
 * link targets and every byte.  After unmounting, `e2fsck -fn` must
 * find nothing, and `debugfs` must read back a sample of the files as
 * the model has them; the image is mounted again and compared again.
 *
 * Extended attributes (user., trusted., security.) are part of the
 * random operations and compared too.
 *
 * Then: 10,000 files added to an htree-indexed directory, with 4 KiB
 * blocks and with 1 KiB blocks (the index must grow a level), and a new
 * directory filled past one block (it must become indexed): e2fsck -fn
 * clean, every name found, debugfs sees the index; a 300 MiB file
 * written in order must get few extents (debugfs `ex`) and read back
 * intact through debugfs; full file systems (with uninitialised block
 * groups, meta_bg, gdt_csum) return ENOSPC and stay clean, their free
 * counts come back when the files go; the reserved blocks are kept
 * for root; a file unlinked while open lives
 * until closed, and on the orphan list until then (a crash leaves a
 * chain the next mount frees); writes into unwritten extents (debugfs
 * fallocate); files and directories mke2fs made inline, changed;
 * threads changing one file system at once; a journal that needs
 * recovery is refused read-write with -o norecovery and replayed
 * without; the quota feature and an image file that cannot be written
 * are refused read-write; AK_EXT2FS_WRITE=0 switches writing off.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ext2w.h"

bool curnsec;		/* compare nanoseconds */
char workdir[1024];

/* A command's whole output (NUL-terminated, malloc'd), or NULL. */
char *
ew_output(size_t *lenp, const char *fmt, ...)
{
	char cmd[8192];
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	va_list ap;
	FILE *f;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (buf == NULL || (f = popen(cmd, "r")) == NULL) {
		free(buf);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	pclose(f);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/* e2fsck -fn must exit 0; print its complaints if not. */
void
ew_fsck_ok(const char *img, const char *when)
{
	char *out = ew_output(NULL, "e2fsck -fn '%s' 2>&1; echo \"rc=$?\"", img);
	const char *rc;

	if (out == NULL) {
		tcheck(0, "e2fsck %s: cannot run", when);
		return;
	}
	rc = strstr(out, "rc=");
	tcheck(rc != NULL && strcmp(rc, "rc=0\n") == 0,
	    "e2fsck -fn %s:\n%s", when, out);
	free(out);
}

/* ---- the layouts ---- */

static const struct variant variants[] = {
	{ "ext2", "-t ext2 -b 4096", 64, true, true, 600 },
	{ "ext3", "-t ext3 -b 4096", 64, true, true, 600 },
	{ "ext4", "-t ext4 -b 4096", 64, true, true, 600 },
	{ "ext4_1k", "-t ext4 -b 1024", 48, true, true, 100 },
	{ "ext4_gdtcsum", "-t ext4 -O ^metadata_csum,uninit_bg", 64, true,
	    true, 100 },
	{ "ext4_64seed", "-t ext4 -O 64bit,metadata_csum_seed -b 2048", 64,
	    true, true, 256 },
	{ "ext4_128", "-t ext4 -I 128 -b 4096", 64, true, false, 600 },
	{ "ext4_64k", "-t ext4 -b 65536", 256, true, true, 600 },
	{ "ext4_metabg", "-t ext4 -O meta_bg,^resize_inode -b 1024", 64, true,
	    true, 100 },
	{ "ext2_rev0", "-t ext2 -r 0 -b 1024", 32, false, false, 0 },
};

int
mkimage(const char *img, const char *opts, int mib)
{
	unlink(img);
	return tsh("mke2fs -q -F %s -E root_owner=0:0 '%s' %dM "
	    ">/dev/null 2>&1", opts, img, mib);
}

static void
test_variant(const struct variant *v, uint64_t seed, int nops)
{
	char img[PATH_MAX];
	struct mc_caps caps;
	struct mc_state *w;

	ew_caps(&caps, v->big, v->xmax, v->nsec);
	w = mc_new(&caps, seed);
	tc_prefix = v->name;
	snprintf(img, sizeof(img), "%s/%s.img", workdir, v->name);
	if (w == NULL || mkimage(img, v->opts, v->mib) != 0) {
		tcheck(0, "mke2fs %s", v->opts);
		free(w);
		return;
	}
	curnsec = v->nsec;	/* for linux_check */
	tcheck(ak_sys_mount("tmpfs", MODEL, 0, NULL, NULL) == 0,
	    "mount tmpfs: %s", strerror(errno));
	/* mke2fs makes lost+found: so does the model. */
	tcheck(ak_sys_mkdir(MODEL "/lost+found", 0700) == 0, "model setup");
	if (ak_sys_mount("ext4", MNT, 0, img, NULL) != 0) {
		tcheck(0, "read-write mount: %s", strerror(errno));
		ak_sys_unmount(MODEL, 0);
		free(w);
		return;
	}
	mc_random_ops(w, nops);
	printf("%s: %d operations worked, %d failed alike\n", v->name,
	    w->nok, w->nerr);
	mc_same_times(w);
	mc_cmp_tree(w, "");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
	ew_fsck_ok(img, "after the random operations");
	/* Linux mounts no blocks larger than its pages. */
	if (strstr(v->opts, "65536") == NULL)
		linux_check(img);
	mc_rescan(w);
	debugfs_sample(img, w);
	/* Mounted again: the same tree, and a few more changes. */
	tcheck(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0, "remount: %s",
	    strerror(errno));
	mc_cmp_tree(w, "");
	mc_random_ops(w, nops / 4);
	mc_same_times(w);
	mc_cmp_tree(w, "");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "second unmount");
	ew_fsck_ok(img, "after the second mount");
	tcheck(ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0,
	    "read-only remount");
	mc_cmp_tree(w, "");
	ak_sys_unmount(MNT, 0);
	ak_sys_unmount(MODEL, AK_MNT_FORCE);
	unlink(img);
	free(w);
}

/*
 * Run as `ext2_write --nowrite IMAGE` with AK_EXT2FS_WRITE=0 (by
 * test_switch): a read-write mount must fail with EROFS, a read-only
 * one work.  Exit 0 if so.
 */
static int
nowrite_main(const char *img)
{
	int rc = 1;

	if (ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0)
		return 2;
	if (ak_sys_mount("ext4", MNT, 0, img, NULL) != 0 && errno == EROFS &&
	    ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0)
		rc = 0;
	ak_fini();
	return rc;
}

/* AK_EXT2FS_WRITE=0 switches writing off (checked in a child). */
static void
test_switch(const char *self)
{
	char img[PATH_MAX];

	tc_prefix = "AK_EXT2FS_WRITE";
	snprintf(img, sizeof(img), "%s/switch.img", workdir);
	if (mkimage(img, "-t ext4", 16) != 0) {
		tcheck(0, "mke2fs");
		return;
	}
	tcheck(tsh("AK_EXT2FS_WRITE=0 '%s' --nowrite '%s' >/dev/null 2>&1",
	    self, img) == 0, "AK_EXT2FS_WRITE=0 did not refuse read-write");
	tcheck(tsh("AK_EXT2FS_WRITE=1 '%s' --nowrite '%s' >/dev/null 2>&1",
	    self, img) == 1, "AK_EXT2FS_WRITE=1 refused read-write");
	ew_fsck_ok(img, "after the switch test");
	unlink(img);
}

int
main(int argc, char **argv)
{
	const char *only = getenv("EXT2W_ONLY");
	size_t i;

	if (argc == 3 && strcmp(argv[1], "--nowrite") == 0)
		return nowrite_main(argv[2]);
	if (argc == 5 && strcmp(argv[1], "--orphans") == 0)
		return orphans_main(argv[2], atoi(argv[3]), atoi(argv[4]));

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (tsh("{ command -v mke2fs && command -v e2fsck && command -v "
	    "debugfs; } >/dev/null") != 0) {
		printf("SKIP: ext2 write tests (e2fsprogs not installed)\n");
		printf("ext2_write: 0 passed, 0 failed\n");
		return 0;
	}
	if (mc_setup(workdir, sizeof(workdir), "ext2w") != 0) {
		printf("FAIL: setup: %s\n", strerror(errno));
		printf("ext2_write: 0 passed, 1 failed\n");
		return 1;
	}
	if (only != NULL) {	/* EXT2W_ONLY=orphans|reserved|inline */
		if (strcmp(only, "orphans") == 0)
			test_orphans(argv[0]);
		else if (strcmp(only, "reserved") == 0)
			test_reserved();
		else if (strcmp(only, "inline") == 0)
			test_inline();
		goto out;
	}
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		test_variant(&variants[i], 0x9E3779B97F4A7C15ULL * (i + 1),
		    1500);
	test_bigdir("-t ext4 -b 4096", 0);
	test_bigdir("-t ext4 -b 1024", 1);
	test_bigdir("-t ext3 -b 1024 -O ^metadata_csum", 1);
	test_bigfile();
	/* 1 KiB blocks: three groups, two of them BLOCK_UNINIT. */
	test_enospc("ENOSPC ext4", "-t ext4 -b 1024");
	test_enospc("ENOSPC ext4 meta_bg",
	    "-t ext4 -b 1024 -O meta_bg,^resize_inode");
	test_enospc("ENOSPC ext4 gdt_csum",
	    "-t ext4 -b 1024 -O ^metadata_csum,uninit_bg");
	test_enospc("ENOSPC ext2", "-t ext2");
	test_reserved();
	test_open_unlinked();
	test_orphans(argv[0]);
	test_unwritten();
	test_inline();
	test_threads();
	test_refused();
	test_switch(argv[0]);
out:
	ak_fini();
	if (tc_nfail == 0)
		tsh("rm -rf '%s'", workdir);
	return tsummary("ext2_write");
}
