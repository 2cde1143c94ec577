/*
 * ext2r_features.c: feature bits that must be refused or tolerated, the
 * journal flag, mounting by probing and by the other names, options,
 * and a directory whose size claims 4 GiB of holes.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/ext2r.h"
#include "tests/lib/tcheck.h"

/*
 * A directory whose size claims 4 GiB of holes (debugfs keeps the inode
 * checksum right): read without error and without walking the holes
 * block by block.
 */
static void
dir_of_holes(const char *img, const char *base)
{
	char src[PATH_MAX], cmd[3 * PATH_MAX];
	time_t t0 = time(NULL);

	snprintf(src, sizeof(src), "%s/%s", outdir, base);
	copy_file(src, img);
	snprintf(cmd, sizeof(cmd), "debugfs -w -R 'set_inode_field "
	    "/sub size 0xfffff000' '%s' >/dev/null 2>&1", img);
	tcheck(system(cmd) == 0, "debugfs set_inode_field");
	tcheck(try_image(img) == 0 && time(NULL) - t0 < 20,
	    "%s: directory of holes", src);
}

/* Feature bits that must be tolerated, and the journal flag. */
void
test_features(void)
{
	char src[PATH_MAX], img[PATH_MAX];
	uint8_t sb[1024];
	int fd, rc;

	tc_prefix = "features";
	snprintf(img, sizeof(img), "%s/feat.img", outdir);
	/* An unknown ro_compat bit: mounts (read-only). */
	snprintf(src, sizeof(src), "%s/ext4.img", outdir);
	copy_file(src, img);
	sb_or32(img, 0x64, 0x40000000);
	tcheck(try_image(img) == 0, "unknown ro_compat feature is accepted");
	/* needs_recovery: mounts read-only without replay. */
	copy_file(src, img);
	sb_or32(img, 0x60, 0x4);
	tcheck(try_image(img) == 0, "needs_recovery mounts read-only");
	/* Read-write recovers its (empty) journal: tests/image/ext2_journal. */
	rc = mount_img(img, 0);
	tcheck(rc == 0, "needs_recovery read-write mount: %s", strerror(rc));
	if (rc == 0)
		ak_sys_unmount(MNT, 0);
	/* The type is found by probing, and by its other names. */
	tcheck(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, src, NULL) == 0 &&
	    ak_sys_access(MNT "/sub/inner", R_OK) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "probed mount: %s", strerror(errno));
	tcheck(ak_sys_mount("ext3", MNT, AK_MNT_RDONLY, src, NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "mount as ext3: %s", strerror(errno));
	tcheck(ak_sys_mount("ext2fs", MNT, AK_MNT_RDONLY, src, "bogus=1") != 0 &&
	    errno == EINVAL, "unknown mount option refused");
	/* Read-only: writes fail. */
	tcheck(mount_img(src, AK_MNT_RDONLY) == 0, "read-only mount");
	fd = ak_sys_open(MNT "/one", O_WRONLY);
	tcheck(fd < 0 && errno == EROFS, "write open: %s", strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	dir_of_holes(img, "ext4.img");
	dir_of_holes(img, "ext2_1k.img");
	/* The superblock checksum our test computes is the one mke2fs wrote. */
	pread_img(src, sb, sizeof(sb), 1024);
	tcheck(crc32c_bits(~0U, sb, 0x3FC) == le32(sb + 0x3FC),
	    "superblock crc32c agrees with mke2fs");
	unlink(img);
}
