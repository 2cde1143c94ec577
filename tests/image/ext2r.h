/*
 * ext2r.h: what the parts of the ext2_read test program share
 * (ext2_read.c: the images against their tree; ext2r_tree.c: the walk;
 * ext2r_tools.c: dumpe2fs, debugfs and raw image bytes; ext2r_corrupt.c,
 * ext2r_features.c, ext2r_sweep.c: damaged images).  Checks are counted
 * by tests/lib/tcheck.h; tc_prefix names the image under test.
 */
#ifndef _TESTS_IMAGE_EXT2R_H_
#define _TESTS_IMAGE_EXT2R_H_

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MNT		"/mnt"
#define CHUNK		(1024 * 1024)	/* size of hbuf and kbuf */
/* Files larger than this are compared where the host says there is data. */
#define FULLCMP_MAX	(64LL * 1024 * 1024)

extern char outdir[1024];	/* where mkext2.sh put the images */
extern char *hbuf, *kbuf;	/* scratch buffers of CHUNK bytes */

/* ext2r_tree.c: the mounted image at MNT against the tree. */
struct ext2r_image {
	bool		 nsec;		/* the inodes keep nanoseconds */
	bool		 xattr;		/* the image has ext_attr */
	long long	 bsize;		/* its block size */
};
void	ext2r_walk(const char *tree, const struct ext2r_image *im);
void	ext2r_lookups(void);

/* ext2r_tools.c */
int	mount_img(const char *img, int flags);
long long dumpe2fs_field(const char *img, const char *tag);
bool	has_feature(const char *img, const char *feat);
bool	debugfs(const char *img, const char *cmd, char *out, size_t len);
long long debugfs_block(const char *img, const char *cmd, const char *tag);
off_t	inode_offset(const char *img, unsigned ino, uint32_t bsize);
void	geometry(const char *img, uint32_t *bsize, off_t *gd0);
uint32_t crc32c_bits(uint32_t crc, const uint8_t *p, size_t n);
uint32_t le32(const uint8_t *p);
void	put_le32(uint8_t *p, uint32_t v);
int	copy_file(const char *from, const char *to);
void	pread_img(const char *img, void *buf, size_t len, off_t off);
void	pwrite_img(const char *img, const void *buf, size_t len, off_t off);
void	flip(const char *img, off_t off, uint8_t mask);
void	fix_sb_csum(const char *img);
void	sb_set32(const char *img, off_t off, uint32_t v);
void	sb_or32(const char *img, off_t off, uint32_t bits);

/* ext2r_corrupt.c */
int	try_image(const char *img);
void	test_corruption(const char *base, bool csum, bool extents);
/* ext2r_features.c */
void	test_features(void);
/* ext2r_sweep.c */
void	test_sweep(const char *base, unsigned seed, int rounds);
void	test_targeted(const char *base, unsigned seed, int rounds);

#endif /* !_TESTS_IMAGE_EXT2R_H_ */
