/*
 * ext2w_orphan.c: the on-disk orphan list.  A child process (this
 * program run as `ext2_write --orphans IMAGE N CLOSE`) makes N files,
 * unlinks them while open, closes the one numbered CLOSE (so a middle
 * link of the chain goes), syncs and dies without unmounting: a crash.
 * Then the superblock must name an orphan chain that dumpe2fs and
 * debugfs agree with, e2fsck -fy must repair a copy to a clean state,
 * and a read-write mount of the image itself must free the chain: no
 * orphan left, every block and inode back, e2fsck -fn clean.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ext2w.h"

#define NORPHAN_MAX	8

/* The child: orphans on the image, then a crash (no unmount). */
int
orphans_main(const char *img, int n, int close_one)
{
	static char buf[1 << 16];
	char path[64];
	int fd[NORPHAN_MAX], i, j;

	if (n > NORPHAN_MAX || ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0 ||
	    ak_sys_mount("ext4", MNT, 0, img, NULL) != 0)
		return 2;
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), MNT "/orphan%d", i);
		if ((fd[i] = ak_sys_open(path, O_CREAT | O_RDWR, 0600)) < 0)
			return 3;
		for (j = 0; j < 4 + i; j++)
			if (ak_sys_write(fd[i], buf, sizeof(buf)) !=
			    (ssize_t)sizeof(buf))
				return 4;
		if (ak_sys_unlink(path) != 0)
			return 5;
	}
	if (close_one >= 0 && close_one < n && ak_sys_close(fd[close_one]))
		return 6;
	ak_sys_sync();
	_exit(0);	/* the crash: open files, no unmount */
}

/* A number from a dumpe2fs -h line ("First orphan inode: 12"); 0 if none. */
static unsigned long
sb_field(const char *img, const char *field)
{
	char *out = ew_output(NULL, "dumpe2fs -h '%s' 2>/dev/null | "
	    "sed -n 's/^%s: *//p'", img, field);
	unsigned long v = out != NULL ? strtoul(out, NULL, 10) : 0;

	free(out);
	return v;
}

/* Follow the chain through debugfs (dtime is the link); its length. */
static int
chain_length(const char *img, unsigned long ino)
{
	int n = 0;

	while (ino != 0 && n <= NORPHAN_MAX) {
		char *out = ew_output(NULL, "debugfs -R 'stat <%lu>' '%s' "
		    "2>/dev/null | sed -n 's/.*dtime: *0x\\([0-9a-f]*\\).*/"
		    "\\1/p'", ino, img);

		ino = out != NULL && out[0] != '\0' ?
		    strtoul(out, NULL, 16) : 0;
		free(out);
		n++;
	}
	return n;
}

static void
orphan_case(const char *self, int n, int close_one)
{
	char img[PATH_MAX], fresh[PATH_MAX + 8];
	unsigned long head, bfree0, ifree0;
	int left = n - (close_one >= 0 && close_one < n);

	snprintf(img, sizeof(img), "%s/orph%d.img", workdir, n);
	snprintf(fresh, sizeof(fresh), "%s.copy", img);
	if (mkimage(img, "-t ext4 -b 1024", 16) != 0) {
		tcheck(0, "mke2fs");
		return;
	}
	bfree0 = sb_field(img, "Free blocks");
	ifree0 = sb_field(img, "Free inodes");
	tcheck(tsh("'%s' --orphans '%s' %d %d >/dev/null 2>&1", self, img, n,
	    close_one) == 0, "%d orphans: the crashing child failed", n);
	head = sb_field(img, "First orphan inode");
	tcheck(head != 0, "%d orphans: no orphan chain after the crash", n);
	tcheck(chain_length(img, head) == left,
	    "%d orphans, one closed: chain of %d, expected %d", n,
	    chain_length(img, head), left);
	/* The reference repairs a copy to a clean state. */
	tsh("cp '%s' '%s'", img, fresh);
	tsh("e2fsck -fy '%s' >/dev/null 2>&1", fresh);
	ew_fsck_ok(fresh, "e2fsck -fy of the crashed image");
	/* A read-write mount frees the chain. */
	tcheck(ak_sys_mount("ext4", MNT, 0, img, NULL) == 0,
	    "mount after the crash: %s", strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount after the cleanup");
	tcheck(sb_field(img, "First orphan inode") == 0,
	    "%d orphans: chain still there after a read-write mount", n);
	tcheck(sb_field(img, "Free blocks") == bfree0 &&
	    sb_field(img, "Free inodes") == ifree0,
	    "%d orphans: blocks %lu/%lu inodes %lu/%lu after the cleanup", n,
	    sb_field(img, "Free blocks"), bfree0,
	    sb_field(img, "Free inodes"), ifree0);
	ew_fsck_ok(img, "after the orphan cleanup");
	unlink(fresh);
	unlink(img);
}

/* A read-only mount of a crashed image leaves the chain alone. */
static void
orphan_readonly(const char *self)
{
	char img[PATH_MAX];
	unsigned long head;

	snprintf(img, sizeof(img), "%s/orphro.img", workdir);
	if (mkimage(img, "-t ext4", 16) != 0 ||
	    tsh("'%s' --orphans '%s' 2 -1 >/dev/null 2>&1", self, img) != 0) {
		tcheck(0, "read-only case: setup");
		return;
	}
	head = sb_field(img, "First orphan inode");
	tcheck(head != 0 && ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, img,
	    NULL) == 0 && ak_sys_unmount(MNT, 0) == 0 &&
	    sb_field(img, "First orphan inode") == head,
	    "a read-only mount changed the orphan chain");
	unlink(img);
}

void
test_orphans(const char *self)
{
	tc_prefix = "orphan list";
	orphan_case(self, 1, -1);
	orphan_case(self, 4, -1);
	orphan_case(self, 5, 2);	/* a middle link went */
	orphan_case(self, 3, 2);	/* the head went */
	orphan_case(self, 3, 0);	/* the tail went */
	orphan_readonly(self);
}
