/*
 * ext2r_tools.c: what ext2_read learns from the reference tools
 * (dumpe2fs -h, debugfs) and the raw image bytes it reads and changes
 * for the corruption tests.
 */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/image/ext2r.h"
#include "tests/lib/tcheck.h"

int
mount_img(const char *img, int flags)
{
	if (ak_sys_mount("ext2fs", MNT, flags, img, NULL) != 0)
		return errno;
	return 0;
}

/* A number dumpe2fs -h prints after tag, or -1. */
long long
dumpe2fs_field(const char *img, const char *tag)
{
	char cmd[2 * PATH_MAX], line[512];
	long long v = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "dumpe2fs -h '%s' 2>/dev/null", img);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, tag, strlen(tag)) == 0)
			sscanf(line + strlen(tag), " %lld", &v);
	pclose(f);
	return v;
}

/* Does dumpe2fs -h list feature feat? */
bool
has_feature(const char *img, const char *feat)
{
	char cmd[2 * PATH_MAX], line[1024], *p;
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "dumpe2fs -h '%s' 2>/dev/null", img);
	if ((f = popen(cmd, "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Filesystem features:", 20) != 0)
			continue;
		for (p = strtok(line + 20, " \n"); p != NULL;
		    p = strtok(NULL, " \n"))
			if (strcmp(p, feat) == 0)
				found = true;
	}
	pclose(f);
	return found;
}

/* Run debugfs -R cmd on img; its output in out. */
bool
debugfs(const char *img, const char *cmd, char *out, size_t len)
{
	char line[3 * PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(line, sizeof(line), "debugfs -R '%s' '%s' 2>/dev/null",
	    cmd, img);
	if ((f = popen(line, "r")) == NULL)
		return false;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	return pclose(f) == 0 && n > 0;
}

/* The first block number debugfs prints after tag in "stat" output. */
long long
debugfs_block(const char *img, const char *cmd, const char *tag)
{
	char out[65536], *p;
	long long blk;

	if (!debugfs(img, cmd, out, sizeof(out)) ||
	    (p = strstr(out, tag)) == NULL ||
	    sscanf(p + strlen(tag), "%lld", &blk) != 1)
		return -1;
	return blk;
}

/* Where debugfs says inode ino lives: byte offset in img, or -1. */
off_t
inode_offset(const char *img, unsigned ino, uint32_t bsize)
{
	char out[4096], cmd[64], *p;
	unsigned long long blk;
	unsigned off;

	snprintf(cmd, sizeof(cmd), "imap <%u>", ino);
	if (!debugfs(img, cmd, out, sizeof(out)) ||
	    (p = strstr(out, "located at block")) == NULL ||
	    sscanf(p, "located at block %llu, offset 0x%x", &blk, &off) != 2)
		return -1;
	return (off_t)blk * bsize + off;
}

/* Block size and the first group descriptor offset of img. */
void
geometry(const char *img, uint32_t *bsize, off_t *gd0)
{
	uint8_t sb[1024];

	pread_img(img, sb, sizeof(sb), 1024);
	*bsize = 1024U << le32(sb + 0x18);
	*gd0 = *bsize == 1024 ? 2048 : *bsize;
}

/* CRC-32C, bit by bit (independent of the kernel's table version). */
uint32_t
crc32c_bits(uint32_t crc, const uint8_t *p, size_t n)
{
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78U & (0U - (crc & 1)));
	}
	return crc;
}

uint32_t
le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

int
copy_file(const char *from, const char *to)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "cp --sparse=always '%s' '%s'", from, to);
	return system(cmd);
}

/* len bytes at off of img, read or written; a failure is a check. */
static void
img_io(const char *img, void *buf, size_t len, off_t off, bool wr)
{
	int fd = open(img, wr ? O_WRONLY : O_RDONLY);

	if (fd < 0 || (wr ? pwrite(fd, buf, len, off) :
	    pread(fd, buf, len, off)) != (ssize_t)len)
		tcheck(false, "%s %s at %lld", wr ? "write" : "read", img,
		    (long long)off);
	if (fd >= 0)
		close(fd);
}

void
pread_img(const char *img, void *buf, size_t len, off_t off)
{
	img_io(img, buf, len, off, false);
}

void
pwrite_img(const char *img, const void *buf, size_t len, off_t off)
{
	img_io(img, (void *)buf, len, off, true);
}

void
flip(const char *img, off_t off, uint8_t mask)
{
	uint8_t b;

	pread_img(img, &b, 1, off);
	b ^= mask;
	pwrite_img(img, &b, 1, off);
}

/* Re-checksum a superblock we changed (metadata_csum images). */
void
fix_sb_csum(const char *img)
{
	uint8_t sb[1024];

	pread_img(img, sb, sizeof(sb), 1024);
	put_le32(sb + 0x3FC, crc32c_bits(~0U, sb, 0x3FC));
	pwrite_img(img, sb, sizeof(sb), 1024);
}

/* Set the 32-bit superblock field at off to v; re-checksum. */
void
sb_set32(const char *img, off_t off, uint32_t v)
{
	uint8_t b[4];

	put_le32(b, v);
	pwrite_img(img, b, 4, 1024 + off);
	fix_sb_csum(img);
}

/* Set bits of a 32-bit superblock field (feature flags); re-checksum. */
void
sb_or32(const char *img, off_t off, uint32_t bits)
{
	uint8_t b[4];

	pread_img(img, b, 4, 1024 + off);
	sb_set32(img, off, le32(b) | bits);
}
