/*
 * ext2r_corrupt.c: copies of the images with bytes changed at the
 * superblock, a group descriptor, an inode, an extent tree block, a
 * directory block, an htree root and an xattr block (located with
 * debugfs, the independent oracle, or computed from the superblock)
 * must fail to mount or to read with an error, never crash; with
 * metadata_csum the checksum must catch each one.
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

static bool
is_corrupt_errno(int e)
{
	/* EMEDIUMTYPE: not an ext2 file system at all (bad magic). */
	return e == EUCLEAN || e == EIO || e == EINVAL || e == EMEDIUMTYPE;
}

/*
 * Mount img and read everything: readdir, lstat, file contents,
 * symlinks, xattrs.  The first error (host errno) or 0.
 */
static int read_all_error;
static void
read_all(const char *kdir, int depth)
{
	AK_DIR *d;
	struct ak_dirent *de;
	struct stat st;
	char p[PATH_MAX];
	ssize_t n;
	int fd;

	if ((d = ak_sys_opendir(kdir)) == NULL) {
		if (read_all_error == 0)
			read_all_error = errno;
		return;
	}
	errno = 0;
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", kdir, de->d_name);
		if (ak_sys_lstat(p, &st) != 0) {
			if (read_all_error == 0)
				read_all_error = errno;
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth < 8)
			read_all(p, depth + 1);
		else if (S_ISREG(st.st_mode) &&
		    (fd = ak_sys_open(p, O_RDONLY)) >= 0) {
			while ((n = ak_sys_read(fd, kbuf, 65536)) > 0)
				if (st.st_size > FULLCMP_MAX)
					break;
			if (n < 0 && read_all_error == 0)
				read_all_error = errno;
			ak_sys_lseek(fd, 0, SEEK_HOLE);
			ak_sys_close(fd);
		} else if (S_ISLNK(st.st_mode) &&
		    ak_sys_readlink(p, hbuf, 4096) < 0 && read_all_error == 0)
			read_all_error = errno;
		/* Only corruption errors count: ENODATA etc. are normal. */
		if (ak_sys_llistxattr(p, hbuf, 4096) < 0 &&
		    is_corrupt_errno(errno) && read_all_error == 0)
			read_all_error = errno;
		if (ak_sys_lgetxattr(p, "user.tiny", hbuf, 4096) < 0 &&
		    is_corrupt_errno(errno) && read_all_error == 0)
			read_all_error = errno;
		errno = 0;
	}
	if (errno != 0 && read_all_error == 0)
		read_all_error = errno;
	ak_sys_closedir(d);
}

/* 0 if img mounts and reads cleanly, else the first errno. */
int
try_image(const char *img)
{
	int error;

	if ((error = mount_img(img, AK_MNT_RDONLY)) != 0)
		return error;
	read_all_error = 0;
	read_all(MNT, 0);
	if (ak_sys_unmount(MNT, 0) != 0)
		tcheck(false, "unmount after corruption: %s", strerror(errno));
	return read_all_error;
}

/*
 * One corruption case: copy src, change it with fn, and expect mount or
 * read to fail with a corruption errno (strict) or at least not crash.
 */
static void
corrupt_case(const char *src, const char *what, bool strict,
    void (*fn)(const char *img, uint32_t bsize, off_t gd0))
{
	char img[PATH_MAX];
	uint32_t bsize;
	off_t gd0;
	int error;

	snprintf(img, sizeof(img), "%s/corrupt.img", outdir);
	if (copy_file(src, img) != 0) {
		tcheck(false, "copy %s", src);
		return;
	}
	geometry(img, &bsize, &gd0);
	fn(img, bsize, gd0);
	error = try_image(img);
	if (strict)
		tcheck(is_corrupt_errno(error), "%s: error %d (%s), want "
		    "EUCLEAN/EIO/EINVAL", what, error, strerror(error));
	else	/* survived: errors or data are both fine */
		tcheck(true, "%s", what);
	unlink(img);
}

static void
c_sb_count(const char *img, uint32_t bsize, off_t gd0)
{
	flip(img, 1024 + 0x00, 0x01);	/* s_inodes_count */
}

static void
c_sb_magic(const char *img, uint32_t bsize, off_t gd0)
{
	flip(img, 1024 + 0x38, 0xFF);
}

static void
c_sb_blocksize(const char *img, uint32_t bsize, off_t gd0)
{
	sb_set32(img, 0x18, 17);	/* 128 MiB blocks */
}

static void
c_sb_blocks(const char *img, uint32_t bsize, off_t gd0)
{
	sb_set32(img, 0x04, 0x7FFFFFF0);	/* far beyond the device */
}

static void
c_sb_inodesize(const char *img, uint32_t bsize, off_t gd0)
{
	uint8_t v[2] = { 200, 0 };	/* not a power of 2 */

	pwrite_img(img, v, 2, 1024 + 0x58);
	fix_sb_csum(img);
}

static void
c_gd_itable(const char *img, uint32_t bsize, off_t gd0)
{
	flip(img, gd0 + 0x08, 0x40);	/* bg_inode_table_lo */
}

static void
c_gd_itable_far(const char *img, uint32_t bsize, off_t gd0)
{
	uint8_t v[4];

	put_le32(v, 0xFFFFFF00);	/* beyond the end; fix nothing */
	pwrite_img(img, v, 4, gd0 + 0x08);
}

/* Where in img inode ino is (debugfs imap), plus off; -1 (a failed
 * check) if debugfs cannot say. */
static off_t
inode_at(const char *img, unsigned ino, uint32_t bsize, off_t off)
{
	off_t at = inode_offset(img, ino, bsize);

	if (at >= 0)
		return at + off;
	tcheck(false, "debugfs imap <%u>", ino);
	return -1;
}

static void
c_root_inode(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = inode_at(img, 2, bsize, 0x04);

	if (at >= 0)
		flip(img, at, 0x10);	/* i_size_lo */
}

/* A regular file's inode: its i_block (extent header or pointers). */
static void
c_file_inode(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = inode_at(img, 12, bsize, 0x28 + 1);

	if (at >= 0)
		flip(img, at, 0x5A);
}

/* Where in img the block debugfs names (cmd, after tag) is, plus off;
 * -1 (a failed check) if debugfs does not name one. */
static off_t
block_at(const char *img, const char *cmd, const char *tag, uint32_t bsize,
    off_t off)
{
	long long blk = debugfs_block(img, cmd, tag);

	if (blk > 0)
		return (off_t)blk * bsize + off;
	tcheck(false, "debugfs %s: no block after \"%s\"", cmd, tag);
	return -1;
}

static void
c_extent_block(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = block_at(img, "stat /fragmented", "(ETB0):", bsize, 16);

	if (at >= 0)
		flip(img, at, 0x01);	/* the first entry's ee_len */
}

static void
c_extent_magic(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = block_at(img, "stat /fragmented", "(ETB0):", bsize, 0);

	if (at >= 0)
		flip(img, at, 0xFF);
}

static void
c_dir_block(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = block_at(img, "bmap /sub 0", "", bsize, 12 + 8 + 1);

	if (at >= 0)
		flip(img, at, 0x20);	/* a name */
}

static void
c_dir_reclen(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = block_at(img, "bmap /sub 0", "", bsize, 12 + 4);
	uint8_t v[2] = { 5, 0 };	/* rec_len 5: below the minimum */

	if (at >= 0)
		pwrite_img(img, v, 2, at);
}

static void
c_htree_root(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = block_at(img, "bmap /many 0", "", bsize, 0x20);
	uint8_t v[2] = { 0xFF, 0x7F };	/* count/limit nonsense */

	if (at >= 0)
		pwrite_img(img, v, 2, at);
}

static void
c_htree_levels(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = block_at(img, "bmap /many 0", "", bsize, 0x1E);
	uint8_t v = 7;			/* indirect levels */

	if (at >= 0)
		pwrite_img(img, &v, 1, at);
}

static void
c_xattr_block(const char *img, uint32_t bsize, off_t gd0)
{
	off_t at = block_at(img, "stat /size_4096", "File ACL: ", bsize,
	    32 + 2);

	if (at >= 0)
		flip(img, at, 0x80);	/* the first entry's value offset */
}

static void
c_incompat(const char *img, uint32_t bsize, off_t gd0)
{
	sb_or32(img, 0x60, 0x40000000);
}

struct ccase {
	const char	*cc_name;	/* what is damaged */
	void		(*cc_fn)(const char *, uint32_t, off_t);
	bool		 cc_csum;	/* must fail with metadata_csum */
	bool		 cc_plain;	/* must fail without it too */
};

static const struct ccase ccases[] = {
	{ "superblock inode count", c_sb_count, true, true },
	{ "superblock magic", c_sb_magic, true, true },
	{ "superblock block size", c_sb_blocksize, true, true },
	{ "superblock block count", c_sb_blocks, true, true },
	{ "superblock inode size", c_sb_inodesize, true, true },
	{ "group descriptor inode table", c_gd_itable, true, false },
	{ "group descriptor table beyond end", c_gd_itable_far, true, true },
	{ "root inode", c_root_inode, true, false },
	{ "file inode i_block", c_file_inode, true, false },
	{ "extent block entry", c_extent_block, true, false },
	{ "extent block magic", c_extent_magic, true, true },
	{ "directory block name", c_dir_block, true, false },
	{ "directory rec_len", c_dir_reclen, true, true },
	{ "htree root count", c_htree_root, true, true },
	{ "htree root levels", c_htree_levels, true, true },
	{ "xattr block entry", c_xattr_block, true, false },
	{ "unknown incompat feature", c_incompat, true, true },
};

void
test_corruption(const char *base, bool csum, bool extents)
{
	char src[PATH_MAX], what[256];
	size_t i;

	snprintf(src, sizeof(src), "%s/%s", outdir, base);
	tc_prefix = base;
	tcheck(try_image(src) == 0, "clean image reads without error");
	for (i = 0; i < sizeof(ccases) / sizeof(ccases[0]); i++) {
		if (!extents && strstr(ccases[i].cc_name, "extent") != NULL)
			continue;
		snprintf(what, sizeof(what), "%s", ccases[i].cc_name);
		corrupt_case(src, what, csum ? ccases[i].cc_csum :
		    ccases[i].cc_plain, ccases[i].cc_fn);
	}
}
