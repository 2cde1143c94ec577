/*
 * ffs_fmt.c: decoding the FFS on-disk structures (superblock, UFS1 and
 * UFS2 inodes, directory entries) through the byte order found at mount.
 * Pure functions of their bytes: no checks here (ffs_super.c and the
 * callers check the decoded values before using them).
 */
#include <sys/systm.h>
#include "fs/ffs/ffs_fmt.h"

/*
 * FFS_UFS1_MAGIC or FFS_UFS2_MAGIC if raw (at least FFS_SBSIZE bytes)
 * carries one in either byte order, else 0.
 */
int
ffs_sb_magic(const uint8_t *raw, bool *bep)
{
	uint32_t le = le32dec(raw + FS_MAGIC), be = be32dec(raw + FS_MAGIC);

	*bep = false;
	if (le == FFS_UFS1_MAGIC || le == FFS_UFS2_MAGIC)
		return (int)le;
	*bep = true;
	if (be == FFS_UFS1_MAGIC || be == FFS_UFS2_MAGIC)
		return (int)be;
	return 0;
}

#define G32(off)	ffs_get32(be, raw + (off))
#define G64(off)	ffs_get64(be, raw + (off))

/* The summary counts and sizes: UFS1 keeps old 32-bit copies. */
static void
ffs_super_sizes(const uint8_t *raw, bool be, struct ffs_super *fs)
{
	int i;

	/*
	 * A UFS1 superblock written by a pre-UFS2 system has only the old
	 * fields; newer systems keep both and mark that with fs_maxbsize.
	 */
	if (!fs->fs_ufs2 && (int32_t)G32(FS_MAXBSIZEF) != (int32_t)fs->fs_bsize) {
		fs->fs_time = (int32_t)G32(FS_OLD_TIME);
		fs->fs_size = (int32_t)G32(FS_OLD_SIZE);
		fs->fs_dsize = (int32_t)G32(FS_OLD_DSIZE);
		fs->fs_csaddr = (int32_t)G32(FS_OLD_CSADDR);
		fs->fs_cstotal.cs_ndir = (int32_t)G32(FS_OLD_CSTOTAL);
		fs->fs_cstotal.cs_nbfree = (int32_t)G32(FS_OLD_CSTOTAL + 4);
		fs->fs_cstotal.cs_nifree = (int32_t)G32(FS_OLD_CSTOTAL + 8);
		fs->fs_cstotal.cs_nffree = (int32_t)G32(FS_OLD_CSTOTAL + 12);
		return;
	}
	fs->fs_time = (int64_t)G64(FS_TIME);
	fs->fs_size = (int64_t)G64(FS_SIZE);
	fs->fs_dsize = (int64_t)G64(FS_DSIZE);
	fs->fs_csaddr = (int64_t)G64(FS_CSADDR);
	for (i = 0; i < 4; i++)
		(&fs->fs_cstotal.cs_ndir)[i] = (int64_t)G64(FS_CSTOTAL + 8 * i);
}

void
ffs_super_decode(const uint8_t *raw, bool be, struct ffs_super *fs)
{
	uint8_t oldflags = raw[FS_OLD_FLAGS];

	memset(fs, 0, sizeof(*fs));
	fs->fs_be = be;
	fs->fs_ufs2 = G32(FS_MAGIC) == FFS_UFS2_MAGIC;
	fs->fs_sblkno = (int32_t)G32(FS_SBLKNO);
	fs->fs_cblkno = (int32_t)G32(FS_CBLKNO);
	fs->fs_iblkno = (int32_t)G32(FS_IBLKNO);
	fs->fs_dblkno = (int32_t)G32(FS_DBLKNO);
	fs->fs_cgoffset = (int32_t)G32(FS_OLD_CGOFFSET);
	fs->fs_cgmask = (int32_t)G32(FS_OLD_CGMASK);
	fs->fs_ncg = G32(FS_NCG);
	fs->fs_bsize = G32(FS_BSIZE);
	fs->fs_fsize = G32(FS_FSIZE);
	fs->fs_frag = G32(FS_FRAG);
	fs->fs_minfree = (int32_t)G32(FS_MINFREE);
	fs->fs_bshift = G32(FS_BSHIFT);
	fs->fs_fshift = G32(FS_FSHIFT);
	fs->fs_fragshift = G32(FS_FRAGSHIFT);
	fs->fs_sbsize = G32(FS_SBSIZEF);
	fs->fs_nindir = G32(FS_NINDIR);
	fs->fs_inopb = G32(FS_INOPB);
	fs->fs_id[0] = G32(FS_ID);
	fs->fs_id[1] = G32(FS_ID + 4);
	fs->fs_cssize = G32(FS_CSSIZE);
	fs->fs_cgsize = G32(FS_CGSIZE);
	fs->fs_ipg = G32(FS_IPG);
	fs->fs_fpg = G32(FS_FPG);
	fs->fs_clean = (int8_t)raw[FS_CLEAN];
	fs->fs_flags = fs->fs_ufs2 || (oldflags & FFS_FL_UPDATED) ?
	    G32(FS_FLAGS) : oldflags;
	fs->fs_maxsymlinklen = (int32_t)G32(FS_MAXSYMLINKLEN);
	fs->fs_inodefmt = (int32_t)G32(FS_OLD_INODEFMT);
	fs->fs_maxfilesize = G64(FS_MAXFILESIZE);
	memcpy(fs->fs_volname, raw + FS_VOLNAME, FS_VOLNAMELEN);
	ffs_super_sizes(raw, be, fs);
}

#undef G32
#undef G64
#define G16(off)	ffs_get16(fs->fs_be, raw + (off))
#define G32(off)	ffs_get32(fs->fs_be, raw + (off))
#define G64(off)	ffs_get64(fs->fs_be, raw + (off))

/* struct ufs1_dinode: 128 bytes, 32-bit times and block pointers. */
static void
ffs_dinode1_decode(const struct ffs_super *fs, const uint8_t *raw,
    struct ffs_dinode *di)
{
	int i;

	di->di_size = G64(8);
	di->di_atime = (int32_t)G32(16);
	di->di_atimensec = (int32_t)G32(20);
	di->di_mtime = (int32_t)G32(24);
	di->di_mtimensec = (int32_t)G32(28);
	di->di_ctime = (int32_t)G32(32);
	di->di_ctimensec = (int32_t)G32(36);
	for (i = 0; i < FFS_NDADDR; i++)
		di->di_db[i] = (int32_t)G32(40 + 4 * i);
	for (i = 0; i < FFS_NIADDR; i++)
		di->di_ib[i] = (int32_t)G32(88 + 4 * i);
	di->di_flags = G32(100);
	di->di_blocks = G32(104);
	di->di_gen = G32(108);
	di->di_uid = G32(112);
	di->di_gid = G32(116);
	di->di_rdev = G32(40);
	memcpy(di->di_shortlink, raw + 40, (FFS_NDADDR + FFS_NIADDR) * 4);
}

/* struct ufs2_dinode: 256 bytes, 64-bit times and block pointers. */
static void
ffs_dinode2_decode(const struct ffs_super *fs, const uint8_t *raw,
    struct ffs_dinode *di)
{
	int i;

	di->di_uid = G32(4);
	di->di_gid = G32(8);
	di->di_size = G64(16);
	di->di_blocks = G64(24);
	di->di_atime = (int64_t)G64(32);
	di->di_mtime = (int64_t)G64(40);
	di->di_ctime = (int64_t)G64(48);
	di->di_birthtime = (int64_t)G64(56);
	di->di_mtimensec = (int32_t)G32(64);
	di->di_atimensec = (int32_t)G32(68);
	di->di_ctimensec = (int32_t)G32(72);
	di->di_birthnsec = (int32_t)G32(76);
	di->di_gen = G32(80);
	di->di_flags = G32(88);
	di->di_extsize = G32(92);
	for (i = 0; i < FFS_NXADDR; i++)
		di->di_extb[i] = (int64_t)G64(96 + 8 * i);
	for (i = 0; i < FFS_NDADDR; i++)
		di->di_db[i] = (int64_t)G64(112 + 8 * i);
	for (i = 0; i < FFS_NIADDR; i++)
		di->di_ib[i] = (int64_t)G64(208 + 8 * i);
	di->di_rdev = G64(112);
	memcpy(di->di_shortlink, raw + 112, (FFS_NDADDR + FFS_NIADDR) * 8);
}

void
ffs_dinode_decode(const struct ffs_super *fs, const uint8_t *raw,
    struct ffs_dinode *di)
{
	memset(di, 0, sizeof(*di));
	di->di_mode = G16(0);
	di->di_nlink = G16(2);
	if (fs->fs_ufs2)
		ffs_dinode2_decode(fs, raw, di);
	else
		ffs_dinode1_decode(fs, raw, di);
}

/*
 * struct direct (4.4BSD format: a type byte and a one-byte name length;
 * the 4.2BSD format is refused at mount).
 */
void
ffs_direct_decode(const struct ffs_super *fs, const uint8_t *raw,
    struct ffs_direct *d)
{
	d->d_ino = G32(0);
	d->d_reclen = G16(4);
	d->d_type = raw[6];
	d->d_namlen = raw[7];
}

/* struct cg: the fields the checker reads. */
void
ffs_cg_decode(const struct ffs_super *fs, const uint8_t *raw,
    struct ffs_cg *cg)
{
	int i;

	cg->cg_magic = G32(4);
	cg->cg_cgx = G32(12);
	for (i = 0; i < 4; i++)
		cg->cg_cs[i] = (int32_t)G32(24 + 4 * i);
	cg->cg_iusedoff = G32(92);
	cg->cg_freeoff = G32(96);
}

/* struct extattr, up to the name. */
void
ffs_ea_decode(const struct ffs_super *fs, const uint8_t *raw,
    struct ffs_ea_hdr *ea)
{
	ea->ea_length = G32(0);
	ea->ea_namespace = raw[4];
	ea->ea_contentpadlen = raw[5];
	ea->ea_namelength = raw[6];
}

/* Block pointer i of an array of them: 32-bit on UFS1, 64-bit on UFS2. */
int64_t
ffs_ptr_decode(const struct ffs_super *fs, const uint8_t *raw, uint32_t i)
{
	if (fs->fs_ufs2)
		return (int64_t)G64(8 * (size_t)i);
	return (int32_t)G32(4 * (size_t)i);
}

#define P16(off, v)	ffs_put16(fs->fs_be, raw + (off), (uint16_t)(v))
#define P32(off, v)	ffs_put32(fs->fs_be, raw + (off), (uint32_t)(v))
#define P64(off, v)	ffs_put64(fs->fs_be, raw + (off), (uint64_t)(v))

/*
 * The block pointer area (di_db, di_ib) holds the pointers, a fast
 * symlink's target (no blocks) or a device number in di_db[0].
 */
static void
ffs_dinode_ptrs_encode(const struct ffs_super *fs,
    const struct ffs_dinode *di, uint8_t *raw, uint32_t at, uint32_t psize)
{
	uint32_t fmt = di->di_mode & S_IFMT, i;

	if (fmt == S_IFLNK && di->di_blocks == 0) {
		memcpy(raw + at, di->di_shortlink, (FFS_NDADDR + FFS_NIADDR) *
		    psize);
		return;
	}
	for (i = 0; i < FFS_NDADDR; i++)
		ffs_ptr_encode(fs, raw + at, i, di->di_db[i]);
	for (i = 0; i < FFS_NIADDR; i++)
		ffs_ptr_encode(fs, raw + at, FFS_NDADDR + i, di->di_ib[i]);
	if (fmt == S_IFCHR || fmt == S_IFBLK) {
		if (psize == 8)
			P64(at, di->di_rdev);
		else
			P32(at, di->di_rdev);
	}
}

/* struct ufs1_dinode: the fields ffs_dinode1_decode reads. */
static void
ffs_dinode1_encode(const struct ffs_super *fs, const struct ffs_dinode *di,
    uint8_t *raw)
{
	P64(8, di->di_size);
	P32(16, di->di_atime);
	P32(20, di->di_atimensec);
	P32(24, di->di_mtime);
	P32(28, di->di_mtimensec);
	P32(32, di->di_ctime);
	P32(36, di->di_ctimensec);
	ffs_dinode_ptrs_encode(fs, di, raw, 40, 4);
	P32(100, di->di_flags);
	P32(104, di->di_blocks);
	P32(108, di->di_gen);
	P32(112, di->di_uid);
	P32(116, di->di_gid);
}

/* struct ufs2_dinode: the fields ffs_dinode2_decode reads. */
static void
ffs_dinode2_encode(const struct ffs_super *fs, const struct ffs_dinode *di,
    uint8_t *raw)
{
	int i;

	P32(4, di->di_uid);
	P32(8, di->di_gid);
	P64(16, di->di_size);
	P64(24, di->di_blocks);
	P64(32, di->di_atime);
	P64(40, di->di_mtime);
	P64(48, di->di_ctime);
	P64(56, di->di_birthtime);
	P32(64, di->di_mtimensec);
	P32(68, di->di_atimensec);
	P32(72, di->di_ctimensec);
	P32(76, di->di_birthnsec);
	P32(80, di->di_gen);
	P32(88, di->di_flags);
	P32(92, di->di_extsize);
	for (i = 0; i < FFS_NXADDR; i++)
		P64(96 + 8 * i, di->di_extb[i]);
	ffs_dinode_ptrs_encode(fs, di, raw, 112, 8);
}

void
ffs_dinode_encode(const struct ffs_super *fs, const struct ffs_dinode *di,
    uint8_t *raw)
{
	P16(0, di->di_mode);
	P16(2, di->di_nlink);
	if (fs->fs_ufs2)
		ffs_dinode2_encode(fs, di, raw);
	else
		ffs_dinode1_encode(fs, di, raw);
}

/* Store block pointer i of an array of them. */
void
ffs_ptr_encode(const struct ffs_super *fs, uint8_t *raw, uint32_t i,
    int64_t v)
{
	if (fs->fs_ufs2)
		P64(8 * (size_t)i, v);
	else
		P32(4 * (size_t)i, v);
}
