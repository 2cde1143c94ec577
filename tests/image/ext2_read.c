/*
 * ext2_read.c: the ext2/ext3/ext4 driver read back against the reference
 * tools.
 *
 * tests/image/mkext2.sh builds a source tree and one image per layout
 * with `mke2fs -d` (the oracle is the tree mke2fs copied, read through the
 * host's C library).  Each image is mounted read-only through libak and
 * walked next to the tree: names, types (d_type too), modes, owners,
 * sizes, link counts, mtimes (mke2fs 1.47.0 copies whole seconds; the
 * nanoseconds are checked on a file mkext2.sh sets with debugfs), device
 * numbers, symlink targets, every byte of every file, SEEK_DATA and
 * SEEK_HOLE positions, and xattrs must agree; statvfs must agree with
 * dumpe2fs.  Lookups in the 3000-entry directory go through its htree.
 *
 * Then corruption tests: copies of images with bytes changed at the
 * superblock, a group descriptor, an inode, an extent tree block, a
 * directory block, an htree root and an xattr block (located with
 * debugfs, the independent oracle, or computed from the superblock here)
 * must fail to mount or to read with an error, never crash; with
 * metadata_csum the checksum must catch each one.  Unknown feature bits
 * must be refused (incompat) or tolerated (ro_compat); a file system
 * that needs recovery mounts (its empty journal is recovered).  Seeded
 * random flips and zeroes, over the first blocks and aimed at the parsed
 * structures, must never crash or hang (run under ASan/UBSan by make
 * check-asan).
 *
 * The parts: ext2r_tree.c (the walk), ext2r_tools.c (dumpe2fs, debugfs,
 * raw image bytes), ext2r_corrupt.c, ext2r_features.c, ext2r_sweep.c.
 *
 * EXT2_IMGDIR=DIR reuses images built before by mkext2.sh DIR.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/ext2r.h"
#include "tests/lib/tcheck.h"

char outdir[1024];
char *hbuf, *kbuf;

/* st_blocks against debugfs's i_blocks ("Blockcount", 512-byte units). */
static void
check_blocks(const char *img, const char *path)
{
	char cmd[PATH_MAX], kpath[PATH_MAX];
	long long want;
	struct stat st;

	snprintf(cmd, sizeof(cmd), "stat %s", path);
	snprintf(kpath, sizeof(kpath), MNT "%s", path);
	want = debugfs_block(img, cmd, "Blockcount: ");
	tcheck(ak_sys_lstat(kpath, &st) == 0 && (long long)st.st_blocks == want,
	    "%s: st_blocks %lld, debugfs says %lld", path,
	    (long long)st.st_blocks, want);
}

/* statvfs against what dumpe2fs reads from the superblock. */
static void
check_statvfs(const char *img)
{
	struct statvfs sv;
	long long bsize = dumpe2fs_field(img, "Block size:");

	if (ak_sys_statvfs(MNT, &sv) != 0) {
		tcheck(false, "statvfs: %s", strerror(errno));
		return;
	}
	tcheck((long long)sv.f_bsize == bsize && sv.f_namemax == 255,
	    "statvfs block size %lu, want %lld", sv.f_bsize, bsize);
	tcheck((long long)sv.f_files == dumpe2fs_field(img, "Inode count:") &&
	    (long long)sv.f_ffree == dumpe2fs_field(img, "Free inodes:"),
	    "statvfs files %llu free %llu",
	    (unsigned long long)sv.f_files, (unsigned long long)sv.f_ffree);
	tcheck((long long)sv.f_bfree == dumpe2fs_field(img, "Free blocks:"),
	    "statvfs free blocks %llu, dumpe2fs %lld",
	    (unsigned long long)sv.f_bfree,
	    dumpe2fs_field(img, "Free blocks:"));
}

static void
test_image(const char *name, bool nsec)
{
	char img[PATH_MAX], tree[PATH_MAX];
	struct ext2r_image im;
	int error;

	snprintf(img, sizeof(img), "%s/%s", outdir, name);
	snprintf(tree, sizeof(tree), "%s/tree", outdir);
	tc_prefix = name;
	im.nsec = nsec;
	im.xattr = has_feature(img, "ext_attr");
	im.bsize = dumpe2fs_field(img, "Block size:");
	if ((error = mount_img(img, AK_MNT_RDONLY)) != 0) {
		tcheck(false, "mount: %s", strerror(error));
		return;
	}
	tcheck(true, "mount");
	ext2r_walk(tree, &im);
	ext2r_lookups();
	check_blocks(img, "/size_300000");
	check_blocks(img, "/fragmented");
	check_blocks(img, "/size_4096");
	if (strcmp(name, "ext4_1k.img") == 0)
		tcheck(debugfs_block(img, "stat /deep_extents", "(ETB1):") > 0,
		    "/deep_extents has a depth 2 extent tree");
	check_statvfs(img);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
}

int
main(int argc, char **argv)
{
	const char *keep = getenv("EXT2_IMGDIR");
	char line[512], name[256], listpath[PATH_MAX];
	int nsec, rc;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = timages(argv[0], "tests/image/mkext2.sh", "EXT2_IMGDIR", outdir,
	    sizeof(outdir));
	if (rc == 77) {
		printf("SKIP: ext2 images (mke2fs or debugfs not installed)\n");
		return tsummary("ext2_read");
	}
	if (rc != 0) {
		tcheck(false, "mkext2.sh exited %d", rc);
		return tsummary("ext2_read");
	}
	hbuf = malloc(CHUNK);
	kbuf = malloc(CHUNK);
	if (hbuf == NULL || kbuf == NULL || ak_init() != 0 ||
	    ak_sys_mkdir(MNT, 0755) != 0) {
		tcheck(false, "setup: %s", strerror(errno));
		return tsummary("ext2_read");
	}
	snprintf(listpath, sizeof(listpath), "%s/images.txt", outdir);
	if ((f = fopen(listpath, "r")) == NULL) {
		tcheck(false, "%s: %s", listpath, strerror(errno));
		return tsummary("ext2_read");
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%255s %d", name, &nsec) == 2)
			test_image(name, nsec != 0);
	fclose(f);
	test_corruption("ext4.img", true, true);
	test_corruption("ext4_1k.img", true, true);
	test_corruption("ext2_1k.img", false, false);
	test_corruption("ext4_nocsum.img", false, true);
	test_features();
	test_sweep("ext4_1k.img", 1, 30);
	test_sweep("ext2_4k.img", 2, 30);
	test_targeted("ext4_nocsum.img", 3, 60);
	test_targeted("ext2_1k.img", 4, 60);
	test_targeted("ext4_blockmap.img", 5, 40);
	test_targeted("ext4_1k.img", 6, 40);
	ak_fini();
	if (tc_nfail == 0 && keep == NULL &&
	    tsh("rm -rf '%s'", outdir) != 0)
		printf("note: could not remove %s\n", outdir);
	return tsummary("ext2_read");
}
