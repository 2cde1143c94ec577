/*
 * ffs_inode.c: inodes: where an inode lives (cylinder group arithmetic),
 * loading and checking it, and the checked metadata read every other
 * file uses.
 *
 * Cylinder group c starts at fragment c * fpg; UFS1 file systems made
 * for rotating disks shift the metadata of each group by
 * cgoffset * (c & ~cgmask) fragments so that it does not all sit on one
 * platter.  Inside a group, the inodes start at iblkno.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/ffs/ffs.h"

/* A file's inode number (not 0, not the whiteout 1, inside the groups). */
bool
ffs_ino_valid(const struct ffs_mount *fm, uint64_t ino)
{
	return ino >= FFS_ROOTINO && ino < fm->fm_ninodes;
}

/* Are fragments [frag, frag + nfrag) inside the file system? */
bool
ffs_frag_ok(const struct ffs_mount *fm, int64_t frag, uint64_t nfrag)
{
	uint64_t size = (uint64_t)fm->fm_fs.fs_size;

	return frag > 0 && nfrag <= size && (uint64_t)frag <= size - nfrag;
}

/* Read size bytes at fragment frag through the buffer cache, checked. */
int
ffs_bread(struct ffs_mount *fm, int64_t frag, uint32_t size,
    struct buf **bpp)
{
	uint64_t nfrag = howmany(size, fm->fm_fs.fs_fsize);

	if (!ffs_frag_ok(fm, frag, nfrag))
		return FS_CORRUPT(FFS_FSNAME, "block %lld+%llu is outside the "
		    "file system", (long long)frag, (unsigned long long)nfrag);
	return bread(fm->fm_dev, (uint64_t)frag << fm->fm_fs.fs_fshift, size,
	    bpp);
}

/* The first fragment of cylinder group cg (cgstart). */
uint64_t
ffs_cgstart(const struct ffs_super *fs, uint32_t cg)
{
	uint64_t base = (uint64_t)cg * fs->fs_fpg;

	if (fs->fs_ufs2)
		return base;
	return base + (uint64_t)fs->fs_cgoffset * (cg & ~(uint32_t)fs->fs_cgmask);
}

/*
 * The bytes in a block at which a file's data ends: a full block but for
 * the last direct block, which may be a run of fragments.
 */
uint32_t
ffs_blksize(const struct ffs_node *fn, uint64_t lbn)
{
	const struct ffs_super *fs = &fn->fn_mount->fm_fs;
	uint64_t size = (uint64_t)fn->fn_size;

	if (lbn >= FFS_NDADDR || size >= (lbn + 1) << fs->fs_bshift)
		return fs->fs_bsize;
	return (uint32_t)roundup(size & (fs->fs_bsize - 1), fs->fs_fsize);
}

/* The largest file a block map of this geometry can describe. */
uint64_t
ffs_maxsize(const struct ffs_super *fs)
{
	uint64_t n = fs->fs_nindir, blocks = FFS_NDADDR + n + n * n + n * n * n;

	if (blocks > (uint64_t)INT64_MAX >> fs->fs_bshift)
		return (uint64_t)INT64_MAX;
	return blocks << fs->fs_bshift;
}

/* Check what the rest of the driver relies on in a decoded inode. */
static int
ffs_node_check(struct ffs_mount *fm, struct ffs_node *fn)
{
	const struct ffs_dinode *di = &fn->fn_di;

	fn->fn_type = vtype_from_mode(di->di_mode);
	if (fn->fn_type == VNON || fn->fn_type == VBAD)
		return FS_CORRUPT(FFS_FSNAME, "inode %u: mode %o", fn->fn_ino,
		    di->di_mode);
	if (di->di_size > ffs_maxsize(&fm->fm_fs))
		return FS_CORRUPT(FFS_FSNAME, "inode %u: size %llu",
		    fn->fn_ino, (unsigned long long)di->di_size);
	fn->fn_size = (int64_t)di->di_size;
	if (fn->fn_type == VDIR && (di->di_size % FFS_DIRBLKSIZ) != 0)
		return FS_CORRUPT(FFS_FSNAME, "directory %u: size %llu is not "
		    "a multiple of %u", fn->fn_ino,
		    (unsigned long long)di->di_size, FFS_DIRBLKSIZ);
	if (fn->fn_type == VLNK && (di->di_size == 0 ||
	    di->di_size > FFS_MAXSYMLINK))
		return FS_CORRUPT(FFS_FSNAME, "symlink %u: length %llu",
		    fn->fn_ino, (unsigned long long)di->di_size);
	if (di->di_extsize > FFS_NXADDR * fm->fm_fs.fs_bsize)
		return FS_CORRUPT(FFS_FSNAME, "inode %u: %u bytes of extended "
		    "attributes", fn->fn_ino, di->di_extsize);
	return 0;
}

/* Read inode ino and check it. */
int
ffs_node_load(struct ffs_mount *fm, uint32_t ino, struct ffs_node **fnp)
{
	const struct ffs_super *fs = &fm->fm_fs;
	struct ffs_node *fn;
	struct buf *bp;
	uint32_t cg, idx;
	uint64_t frag;
	int error;

	if (!ffs_ino_valid(fm, ino))
		return FS_CORRUPT(FFS_FSNAME, "inode number %u out of range",
		    ino);
	cg = ino / fs->fs_ipg;
	idx = ino % fs->fs_ipg;
	frag = ffs_cgstart(fs, cg) + (uint64_t)fs->fs_iblkno +
	    ((uint64_t)(idx / fs->fs_inopb) << fs->fs_fragshift);
	if (frag > INT64_MAX)
		return FS_CORRUPT(FFS_FSNAME, "inode %u: block out of range",
		    ino);
	if ((error = ffs_bread(fm, (int64_t)frag, fs->fs_bsize, &bp)) != 0)
		return error;
	if ((fn = kmem_zalloc(sizeof(*fn))) == NULL) {
		brelse(bp);
		return ENOMEM;
	}
	fn->fn_mount = fm;
	fn->fn_ino = ino;
	ffs_dinode_decode(fs, (const uint8_t *)bp->b_data +
	    (idx % fs->fs_inopb) * fm->fm_isize, &fn->fn_di);
	brelse(bp);
	if ((error = ffs_node_check(fm, fn)) != 0) {
		ffs_node_free(fn);
		return error;
	}
	*fnp = fn;
	return 0;
}

void
ffs_node_free(struct ffs_node *fn)
{
	kmem_free(fn, sizeof(*fn));
}
