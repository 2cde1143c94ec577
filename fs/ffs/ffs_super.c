/*
 * ffs_super.c: finding and checking the superblock.
 *
 * The superblock is searched at 64 KiB, 8 KiB and 256 KiB, in that
 * order (as FreeBSD does), with either magic in either byte order.  A
 * UFS1 superblock is taken only at 8 KiB, its standard place; a UFS2 one
 * wherever it is found as long as its fs_sblockloc names that place, so
 * that a stale copy (or file data that happens to look like one) is not
 * taken for the real thing.
 *
 * Every geometry field the driver computes with is then checked against
 * the others and against the device: a bad one fails the mount with
 * EFSCORRUPTED and a one-line message naming the field.
 */
#include <sys/systm.h>
#include <sys/blkdev.h>
#include "fs/ffs/ffs.h"

static const uint64_t ffs_sblocks[] = {
	FFS_SBLOCK_UFS2, FFS_SBLOCK_UFS1, FFS_SBLOCK_PIGGY
};

/*
 * Read the superblock of dev into raw (FFS_SBSIZE bytes); its offset in
 * *locp.  EFTYPE if there is none.
 */
int
ffs_super_find(struct blkdev *dev, uint8_t *raw, uint64_t *locp)
{
	uint64_t loc;
	size_t i;
	bool be;
	int magic, error;

	for (i = 0; i < __arraycount(ffs_sblocks); i++) {
		loc = ffs_sblocks[i];
		if (dev->bd_size < loc + FFS_SBSIZE)
			break;
		if ((error = blkdev_read(dev, raw, FFS_SBSIZE, loc)) != 0)
			return error;
		magic = ffs_sb_magic(raw, &be);
		if (magic == FFS_UFS1_MAGIC && loc == FFS_SBLOCK_UFS1)
			break;
		if (magic == FFS_UFS2_MAGIC &&
		    ffs_get64(be, raw + FS_SBLOCKLOC) == loc)
			break;
	}
	if (i == __arraycount(ffs_sblocks) || dev->bd_size < loc + FFS_SBSIZE)
		return EFTYPE;
	*locp = loc;
	return 0;
}

/* log2 of a power of two, or -1 if v is not one. */
static int
ffs_log2(uint32_t v)
{
	int n = 0;

	if (v == 0 || !powerof2(v))
		return -1;
	while ((1U << n) != v)
		n++;
	return n;
}

/* Block and fragment sizes and the shifts derived from them. */
static int
ffs_check_sizes(const struct ffs_super *fs)
{
	int bl = ffs_log2(fs->fs_bsize), fl = ffs_log2(fs->fs_fsize);

	if (bl < 0 || fs->fs_bsize < FFS_MINBSIZE ||
	    fs->fs_bsize > FFS_MAXBSIZE)
		return FS_CORRUPT(FFS_FSNAME, "superblock: block size %u",
		    fs->fs_bsize);
	if (fl < 0 || fs->fs_fsize < FFS_MINFSIZE ||
	    fs->fs_fsize > fs->fs_bsize ||
	    fs->fs_bsize / fs->fs_fsize > FFS_MAXFRAG)
		return FS_CORRUPT(FFS_FSNAME, "superblock: fragment size %u "
		    "for block size %u", fs->fs_fsize, fs->fs_bsize);
	if (fs->fs_frag != fs->fs_bsize / fs->fs_fsize ||
	    fs->fs_bshift != (uint32_t)bl || fs->fs_fshift != (uint32_t)fl ||
	    fs->fs_fragshift != (uint32_t)(bl - fl))
		return FS_CORRUPT(FFS_FSNAME, "superblock: frag %u, shifts "
		    "%u/%u/%u disagree with the sizes", fs->fs_frag,
		    fs->fs_bshift, fs->fs_fshift, fs->fs_fragshift);
	if (fs->fs_sbsize > FFS_SBSIZE_MAX)
		return FS_CORRUPT(FFS_FSNAME, "superblock: sbsize %u",
		    fs->fs_sbsize);
	return 0;
}

/* Cylinder groups: counts, inodes, and the layout inside a group. */
static int
ffs_check_groups(const struct ffs_super *fs, uint32_t isize)
{
	uint64_t iblocks;

	if (fs->fs_ncg == 0 || fs->fs_ipg == 0 || fs->fs_fpg == 0 ||
	    fs->fs_fpg % fs->fs_frag != 0 ||
	    (uint64_t)fs->fs_ncg * fs->fs_ipg > UINT32_MAX)
		return FS_CORRUPT(FFS_FSNAME, "superblock: %u groups of %u "
		    "inodes and %u fragments", fs->fs_ncg, fs->fs_ipg,
		    fs->fs_fpg);
	if (fs->fs_inopb != fs->fs_bsize / isize ||
	    fs->fs_ipg % fs->fs_inopb != 0)
		return FS_CORRUPT(FFS_FSNAME, "superblock: %u inodes per "
		    "block, %u per group", fs->fs_inopb, fs->fs_ipg);
	if (fs->fs_nindir != fs->fs_bsize / (fs->fs_ufs2 ? 8 : 4))
		return FS_CORRUPT(FFS_FSNAME, "superblock: nindir %u",
		    fs->fs_nindir);
	iblocks = (uint64_t)(fs->fs_ipg / fs->fs_inopb) << fs->fs_fragshift;
	if (fs->fs_sblkno < 0 || fs->fs_cblkno < 0 || fs->fs_iblkno < 0 ||
	    fs->fs_dblkno <= fs->fs_iblkno ||
	    (uint32_t)fs->fs_dblkno > fs->fs_fpg ||
	    (uint64_t)fs->fs_iblkno + iblocks > (uint64_t)fs->fs_dblkno)
		return FS_CORRUPT(FFS_FSNAME, "superblock: group layout "
		    "sb %d cg %d inodes %d data %d of %u", fs->fs_sblkno,
		    fs->fs_cblkno, fs->fs_iblkno, fs->fs_dblkno, fs->fs_fpg);
	if (!fs->fs_ufs2 && (fs->fs_cgoffset < 0 ||
	    (uint32_t)fs->fs_cgoffset >= fs->fs_fpg))
		return FS_CORRUPT(FFS_FSNAME, "superblock: cgoffset %d",
		    fs->fs_cgoffset);
	return 0;
}

/* The file system size against the groups and the device. */
static int
ffs_check_size(const struct ffs_super *fs, uint64_t devsize)
{
	uint64_t maxfrags = (uint64_t)fs->fs_ncg * fs->fs_fpg;

	if (fs->fs_size <= 0 || (uint64_t)fs->fs_size > maxfrags ||
	    (uint64_t)fs->fs_size <= maxfrags - fs->fs_fpg)
		return FS_CORRUPT(FFS_FSNAME, "superblock: size %lld "
		    "fragments for %u groups of %u", (long long)fs->fs_size,
		    fs->fs_ncg, fs->fs_fpg);
	if ((uint64_t)fs->fs_size > devsize >> fs->fs_fshift)
		return FS_CORRUPT(FFS_FSNAME, "superblock: %llu bytes, the "
		    "device has %llu", (unsigned long long)fs->fs_size <<
		    fs->fs_fshift, (unsigned long long)devsize);
	if (fs->fs_dsize < 0 || fs->fs_dsize > fs->fs_size)
		return FS_CORRUPT(FFS_FSNAME, "superblock: dsize %lld",
		    (long long)fs->fs_dsize);
	return 0;
}

/*
 * One line about the state and journalling of the file system: on the
 * console when the image was not cleanly unmounted or uses soft updates,
 * SUJ or WAPBL (its contents may lag behind a log this driver does not
 * replay), else only with AK_VERBOSE.
 */
static void
ffs_super_report(struct ffs_mount *fm)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t fl = fs->fs_flags;
	const char *name = fm->fm_dev->bd_name, *order;
	int ufs = fs->fs_ufs2 ? 2 : 1;

	order = fs->fs_be ? "big" : "little";
	if (fs->fs_clean != 0 && !(fl & (FFS_FL_DOSOFTDEP | FFS_FL_SUJ |
	    FFS_FL_WAPBL | FFS_FL_NEEDSFSCK | FFS_FL_GJOURNAL))) {
		log_debug(1, "ffs: %s: UFS%d %s-endian, %u/%u, clean\n", name,
		    ufs, order, fs->fs_bsize, fs->fs_fsize);
		return;
	}
	printf("ffs: %s: UFS%d %s-endian, %s%s%s%s%s%s; read-only, "
	    "as it is\n", name, ufs, order,
	    fs->fs_clean ? "clean" : "not clean",
	    fl & FFS_FL_DOSOFTDEP ? ", soft updates" : "",
	    fl & FFS_FL_SUJ ? ", soft updates journal (SUJ)" : "",
	    fl & FFS_FL_WAPBL ? ", WAPBL log (NetBSD)" : "",
	    fl & FFS_FL_GJOURNAL ? ", gjournal" : "",
	    fl & FFS_FL_NEEDSFSCK ? ", needs fsck" : "");
}

/* Read, decode and check the superblock of fm->fm_dev. */
int
ffs_super_load(struct ffs_mount *fm)
{
	struct ffs_super *fs = &fm->fm_fs;
	uint8_t raw[FFS_SBSIZE];
	uint64_t loc;
	bool be;
	int error;

	if ((error = ffs_super_find(fm->fm_dev, raw, &loc)) != 0)
		return error;
	(void)ffs_sb_magic(raw, &be);
	ffs_super_decode(raw, be, fs);
	fs->fs_loc = loc;
	fm->fm_isize = fs->fs_ufs2 ? FFS_UFS2_INOSIZE : FFS_UFS1_INOSIZE;
	fm->fm_ptrsize = fs->fs_ufs2 ? 8 : 4;
	if ((error = ffs_check_sizes(fs)) != 0 ||
	    (error = ffs_check_groups(fs, fm->fm_isize)) != 0 ||
	    (error = ffs_check_size(fs, fm->fm_dev->bd_size)) != 0)
		return error;
	if (fs->fs_inodefmt < FFS_44INODEFMT) {
		printf("ffs: %s: 4.2BSD inode format is not supported\n",
		    fm->fm_dev->bd_name);
		return EOPNOTSUPP;
	}
	if (fs->fs_maxsymlinklen < 0 || (uint32_t)fs->fs_maxsymlinklen >
	    (FFS_NDADDR + FFS_NIADDR) * fm->fm_ptrsize)
		return FS_CORRUPT(FFS_FSNAME, "superblock: maxsymlinklen %d",
		    fs->fs_maxsymlinklen);
	fm->fm_maxsymlink = (uint32_t)fs->fs_maxsymlinklen;
	fm->fm_ninodes = (uint64_t)fs->fs_ncg * fs->fs_ipg;
	ffs_super_report(fm);
	return 0;
}
