/*
 * hostile_img.c: images with one size field blown up, made from the fuzz
 * seeds: a superblock that claims more than the device holds must be
 * refused at mount; a file or directory whose size runs past its data
 * must give an error when read (or, where the format allows holes, read
 * as zeros) — within the memory bound hostile_mem.c checks for all.
 * Byte offsets are those of the on-disk formats; ext4 fields are set
 * with debugfs, which keeps the checksums right.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/hostile.h"
#include "tests/lib/tcheck.h"

enum expect { MOUNT_FAILS, FAILS, BOUNDED };

/* A field to overwrite: little-endian (ISO both-endian: and big after). */
struct field {
	uint32_t	off;
	int		width;		/* bytes; 0: no field */
	uint64_t	value;
	int		both;
};

struct hostile {
	const char	*name;
	const char	*type;
	const char	*seed;		/* under tests/fuzz/corpus/ */
	const char	*debugfs;	/* a debugfs -w request, or NULL */
	struct field	 f[2];		/* else: the fields to overwrite */
	const char	*probe;		/* path read after the mount */
	enum expect	 expect;
};

#define JOLIET	0x8800		/* rr.iso's Joliet descriptor (sector 17) */
/* An offset in the root directory's extent (found from the PVD). */
#define ISOROOT(off)	(0x80000000U | (off))

static const struct hostile cases[] = {
	/* The 16-bit count is zero, so the 32-bit one counts. */
	{ "vfat: 2^32-1 sectors", "vfat", "vfat/fat12.img", NULL,
	    { { 19, 2, 0, 0 }, { 32, 4, 0xffffffff, 0 } }, "a", MOUNT_FAILS },
	{ "vfat: 65535 sectors per FAT", "vfat", "vfat/fat12.img", NULL,
	    { { 22, 2, 0xffff, 0 } }, "a", MOUNT_FAILS },
	{ "vfat: 65535 root entries", "vfat", "vfat/fat12.img", NULL,
	    { { 17, 2, 0xffff, 0 } }, "/", MOUNT_FAILS },
	{ "ext4: 2^32-1 blocks", "ext4", "ext4/ext4.img",
	    "ssv blocks_count 4294967295", { { 0 } }, "a", MOUNT_FAILS },
	{ "ext4: 2^32-1 inodes", "ext4", "ext4/ext4.img",
	    "ssv inodes_count 4294967295", { { 0 } }, "a", MOUNT_FAILS },
	{ "ext4: a file of 2^40 bytes", "ext4", "ext4/ext4.img",
	    "sif /a size 0x10000000000", { { 0 } }, "a", BOUNDED },
	/* Holes in a directory are skipped (as Linux does), in bounded time. */
	{ "ext4: a directory of 2^40 bytes", "ext4", "ext4/ext4.img",
	    "sif /sub size 0x10000000000", { { 0 } }, "sub/", BOUNDED },
	{ "ext2: a directory of 2^40 bytes", "ext4", "ext4/ext2.img",
	    "sif /sub size 0x10000000000", { { 0 } }, "sub/", BOUNDED },
	{ "ext2: a file of 2^40 bytes", "ext4", "ext4/ext2.img",
	    "sif /a size 0x10000000000", { { 0 } }, "a", BOUNDED },
	{ "squashfs: 2^40 bytes used", "squashfs", "squashfs/gzip.sqfs",
	    NULL, { { 40, 8, 1ULL << 40, 0 } }, "a", MOUNT_FAILS },
	{ "squashfs: 2^32-1 inodes", "squashfs", "squashfs/gzip.sqfs",
	    NULL, { { 4, 4, 0xffffffff, 0 } }, "a", BOUNDED },
	{ "cd9660: 2^32-1 blocks", "cd9660", "cd9660/rr.iso", NULL,
	    { { 0x8000 + 80, 4, 0xffffffff, 1 },
	      { JOLIET + 80, 4, 0xffffffff, 1 } }, "a", BOUNDED },
	/* A directory's size is that of its own "." record. */
	{ "cd9660: a root directory of 2^32-1 bytes", "cd9660",
	    "cd9660/rr.iso", NULL, { { ISOROOT(10), 4, 0xffffffff, 1 } },
	    "/", FAILS },
};

static void
patch(const struct field *f)
{
	uint32_t off = f->off;
	int i;

	if (off & 0x80000000U) {	/* ISOROOT: the PVD's root extent */
		off &= ~0x80000000U;
		off += (uint32_t)(img[0x8000 + 158] | img[0x8000 + 159] << 8 |
		    img[0x8000 + 160] << 16) * 2048;
		if (off + 2 * f->width > MAXIMG)
			return;
	}
	for (i = 0; i < f->width; i++)
		img[off + i] = (uint8_t)(f->value >> (8 * i));
	for (i = 0; f->both && i < f->width; i++)
		img[off + f->width + i] =
		    (uint8_t)(f->value >> (8 * (f->width - 1 - i)));
}

/* The seed with the case's change, in img; its length, or 0. */
static size_t
make(const struct hostile *h)
{
	char path[1200];
	size_t len;
	int i;

	if (h->debugfs == NULL) {
		snprintf(path, sizeof(path), "tests/fuzz/corpus/%s", h->seed);
		if ((len = load(path)) > 0)
			for (i = 0; i < 2; i++)
				patch(&h->f[i]);
		return len;
	}
	snprintf(path, sizeof(path), "%s/debugfs.img", dir);
	if (tsh("cp 'tests/fuzz/corpus/%s' '%s' && debugfs -w -R '%s' '%s' "
	    ">/dev/null 2>&1", h->seed, path, h->debugfs, path) != 0)
		return 0;
	return load(path);
}

void
synthetic(void)
{
	static const char *const what[] = { "the mount is refused",
	    "the mount or the read fails", "bounded" };
	const struct hostile *h;
	struct report r;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h = &cases[i];
		if ((len = make(h)) == 0) {
			tcheck(false, "%s: cannot make the image", h->name);
			continue;
		}
		check_input(h->type, len, h->name, NULL, &r);
		check_input(h->type, len, h->name, h->probe, &r);
		if (r.mount_err < 0)
			continue;	/* the child failed: reported */
		switch (h->expect) {
		case MOUNT_FAILS:
			tcheck(r.mount_err != 0, "%s: mounted", h->name);
			break;
		case FAILS:
			tcheck(r.mount_err != 0 || r.read_err != 0, "%s: %s "
			    "(mount: %s, read: %s)", h->name, what[h->expect],
			    strerror(r.mount_err), strerror(r.read_err));
			break;
		case BOUNDED:
			break;
		}
		if (getenv("HOSTILE_VERBOSE") != NULL)
			printf("%s: mount %s, read %s\n", h->name,
			    strerror(r.mount_err), strerror(r.read_err));
	}
}

/*
 * The control: without it the bound above could hold only because the
 * seeds are small.  A sound ext4 image with 4,000 inodes in use (1 MiB
 * of inode tables, 1 KiB blocks) is walked under AK_MEMLIMIT 256 KiB and
 * 64 MiB: the first must stay under its bound, and the second must hold
 * clearly more, so that it is the bound that kept the first small.
 * AK_MEMLIMIT bounds the buffer cache only: cached vnodes are bounded by
 * their number (AK_MAXVNODES, 16,384 by default), so a third run with
 * 256 vnodes must hold clearly less again.
 */
void
bound_control(void)
{
	char tree[1100], path[1200], file[1300];
	struct report lo, hi, few;
	size_t len;
	FILE *f;
	int i;

	snprintf(tree, sizeof(tree), "%s/tree", dir);
	snprintf(path, sizeof(path), "%s/big.img", dir);
	if (tsh("mkdir -p '%s/a' '%s/b' '%s/c'", tree, tree, tree) != 0)
		return;
	for (i = 0; i < 4000; i++) {
		snprintf(file, sizeof(file), "%s/%c/f%d", tree, 'a' + i % 3, i);
		if ((f = fopen(file, "w")) == NULL)
			break;
		fclose(f);
	}
	if (tsh("mke2fs -q -F -t ext4 -b 1024 -N 4200 -d '%s' '%s' 6M "
	    ">/dev/null 2>&1", tree, path) != 0 || (len = load(path)) == 0) {
		tcheck(false, "mke2fs -d of 4,000 files");
		return;
	}
	memlimit = 256 << 10;
	check_input("ext4", len, "ext4 with 4,000 inodes, 256 KiB bound",
	    NULL, &lo);
	memlimit = 64 << 20;
	check_input("ext4", len, "ext4 with 4,000 inodes, 64 MiB bound",
	    NULL, &hi);
	memlimit = 256 << 10;
	maxvnodes = 256;
	check_input("ext4", len, "ext4 with 4,000 inodes, 256 KiB and 256 "
	    "vnodes", NULL, &few);
	memlimit = MEMLIMIT;
	maxvnodes = 0;
	tcheck(few.peak + (1 << 20) <= lo.peak, "AK_MAXVNODES does not bind: "
	    "%llu KiB at its peak with 256 vnodes, %llu KiB with 16,384",
	    (unsigned long long)few.peak >> 10,
	    (unsigned long long)lo.peak >> 10);
	tcheck(hi.peak >= lo.peak + (512 << 10), "the bound does not bind: "
	    "%llu KiB at its peak under 256 KiB, %llu KiB under 64 MiB",
	    (unsigned long long)lo.peak >> 10,
	    (unsigned long long)hi.peak >> 10);
	if (getenv("HOSTILE_VERBOSE") != NULL)
		printf("control: %llu KiB under 256 KiB, %llu KiB under "
		    "64 MiB, %llu KiB with 256 vnodes\n",
		    (unsigned long long)lo.peak >> 10,
		    (unsigned long long)hi.peak >> 10,
		    (unsigned long long)few.peak >> 10);
}
