/*
 * ffs_iwrite.c: changing inodes.  A node's decoded inode (fn_di) is
 * changed by the callers under the exclusive vnode lock; ffs_node_update
 * encodes it into the raw inode in its inode table block, patching only
 * the fields the driver knows (the rest of the 128 or 256 bytes is kept
 * as it is), and decodes the result back so that the aliases of the
 * block pointer area (fast symlink, device number) stay in step.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include "fs/ffs/ffs.h"

/* The fragment of the inode table block holding ino, and its index. */
static int64_t
ffs_ino_block(const struct ffs_mount *fm, uint32_t ino, uint32_t *idxp)
{
	const struct ffs_super *fs = &fm->fm_fs;
	uint32_t cg = ino / fs->fs_ipg, idx = ino % fs->fs_ipg;

	*idxp = idx % fs->fs_inopb;
	return (int64_t)(ffs_cgstart(fs, cg) + (uint64_t)fs->fs_iblkno +
	    ((uint64_t)(idx / fs->fs_inopb) << fs->fs_fragshift));
}

int
ffs_node_update(struct ffs_node *fn)
{
	struct ffs_mount *fm = fn->fn_mount;
	const struct ffs_super *fs = &fm->fm_fs;
	struct buf *bp;
	uint8_t *raw;
	uint32_t idx;
	int error;

	KASSERT(fm->fm_writable);
	fn->fn_di.di_size = (uint64_t)fn->fn_size;
	error = ffs_bread(fm, ffs_ino_block(fm, fn->fn_ino, &idx), fs->fs_bsize,
	    &bp);
	if (error != 0)
		return error;
	raw = (uint8_t *)bp->b_data + (size_t)idx * fm->fm_isize;
	ffs_dinode_encode(fs, &fn->fn_di, raw);
	ffs_dinode_decode(fs, raw, &fn->fn_di);
	bdwrite(bp);
	return 0;
}

/* Set the times named by what (FFS_T_*) to now. */
void
ffs_node_touch(struct ffs_node *fn, int what)
{
	struct ffs_dinode *di = &fn->fn_di;
	struct ktimespec now;

	getnanotime(&now);
	if (what & FFS_T_ATIME) {
		di->di_atime = now.tv_sec;
		di->di_atimensec = (int32_t)now.tv_nsec;
	}
	if (what & FFS_T_MTIME) {
		di->di_mtime = now.tv_sec;
		di->di_mtimensec = (int32_t)now.tv_nsec;
	}
	if (what & FFS_T_CTIME) {
		di->di_ctime = now.tv_sec;
		di->di_ctimensec = (int32_t)now.tv_nsec;
	}
}

void
ffs_node_setsize(struct ffs_node *fn, uint64_t size)
{
	fn->fn_size = (int64_t)size;
	fn->fn_di.di_size = size;
}

/* di_blocks (512-byte units) for nfrags fragments gained (or lost). */
void
ffs_node_addfrags(struct ffs_node *fn, int64_t nfrags)
{
	int64_t d = nfrags * (int64_t)(fn->fn_mount->fm_fs.fs_fsize >> 9);

	fn->fn_di.di_blocks = (uint64_t)((int64_t)fn->fn_di.di_blocks + d);
}

/*
 * Write a just allocated inode: zeroed (a free inode's bytes are not
 * trusted), its mode, a random generation, every time now.  The inode
 * must be free on disk (mode 0): else the maps lied, EFSCORRUPTED.
 */
int
ffs_inode_write_new(struct ffs_mount *fm, uint32_t ino, uint16_t mode)
{
	const struct ffs_super *fs = &fm->fm_fs;
	struct ffs_dinode di;
	struct ktimespec now;
	struct buf *bp;
	uint8_t *raw;
	uint32_t idx;
	int error;

	error = ffs_bread(fm, ffs_ino_block(fm, ino, &idx), fs->fs_bsize, &bp);
	if (error != 0)
		return error;
	raw = (uint8_t *)bp->b_data + (size_t)idx * fm->fm_isize;
	if (ffs_get16(fs->fs_be, raw) != 0) {
		brelse(bp);
		return FS_CORRUPT(FFS_FSNAME, "inode %u: marked free but in "
		    "use", ino);
	}
	memset(raw, 0, fm->fm_isize);
	memset(&di, 0, sizeof(di));
	getnanotime(&now);
	di.di_mode = mode;
	do
		di.di_gen = cprng_u32();
	while (di.di_gen == 0);
	di.di_atime = di.di_mtime = di.di_ctime = now.tv_sec;
	di.di_atimensec = di.di_mtimensec = di.di_ctimensec =
	    (int32_t)now.tv_nsec;
	if (fs->fs_ufs2) {
		di.di_birthtime = now.tv_sec;
		di.di_birthnsec = (int32_t)now.tv_nsec;
	}
	ffs_dinode_encode(fs, &di, raw);
	bdwrite(bp);
	return 0;
}
