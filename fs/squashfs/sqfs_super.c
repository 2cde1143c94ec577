/*
 * sqfs_super.c: reading and checking the superblock, choosing the codec,
 * and loading the id table and the indexes of the fragment and xattr id
 * tables at mount.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/codec.h>
#include "fs/squashfs/squashfs.h"

#define SQFS_IDS_PER_BLOCK	(SQFS_META_SIZE / SQFS_ID_ENTRY_SIZE)
#define SQFS_XATTR_HDR		16	/* xattr id table header bytes */

/* The host codec for a compressor id; ENOTSUP (and says so) if none. */
static int
sqfs_codec_pick(struct sqfs_mount *sm)
{
	uint16_t comp = sm->sm_sb.s_compression;
	static const uint32_t codecs[] = {
		[SQFS_COMP_GZIP] = CODEC_ZLIB,
		[SQFS_COMP_LZMA] = CODEC_LZMA,
		[SQFS_COMP_LZO] = CODEC_LZO,
		[SQFS_COMP_XZ] = CODEC_XZ,
		[SQFS_COMP_LZ4] = CODEC_LZ4,
		[SQFS_COMP_ZSTD] = CODEC_ZSTD,
	};

	if (comp == 0 || comp >= __arraycount(codecs)) {
		printf("squashfs: unknown compressor %u\n", comp);
		return ENOTSUP;
	}
	sm->sm_codec = codecs[comp];
	if (codec_available(sm->sm_codec) != 0) {
		printf("squashfs: compressor %s is not available on this "
		    "host\n", sqfs_comp_name(comp));
		return ENOTSUP;
	}
	return 0;
}

/* Is a table at off (n bytes) inside the image? */
static bool
sqfs_fits(const struct sqfs_dsuper *sb, uint64_t off, uint64_t n)
{
	return off < sb->s_bytes_used && sb->s_bytes_used - off >= n;
}

static int
sqfs_super_check(struct sqfs_mount *sm)
{
	const struct sqfs_dsuper *sb = &sm->sm_sb;

	if (sb->s_vmajor != 4 || sb->s_vminor != 0)
		return FS_CORRUPT(SQFS_FSNAME, "version %u.%u, not 4.0",
		    sb->s_vmajor, sb->s_vminor);
	if (sb->s_block_log < 12 || sb->s_block_log > 20 ||
	    sb->s_block_size != 1U << sb->s_block_log)
		return FS_CORRUPT(SQFS_FSNAME, "block size %u, log %u",
		    sb->s_block_size, sb->s_block_log);
	if (sb->s_bytes_used < SQFS_SB_SIZE ||
	    sb->s_bytes_used > sm->sm_dev->bd_size)
		return FS_CORRUPT(SQFS_FSNAME, "%llu bytes used, device has "
		    "%llu", (unsigned long long)sb->s_bytes_used,
		    (unsigned long long)sm->sm_dev->bd_size);
	if (sb->s_inodes == 0 || sb->s_ids == 0)
		return FS_CORRUPT(SQFS_FSNAME, "%u inodes, %u ids",
		    sb->s_inodes, sb->s_ids);
	if (sb->s_inode_table < SQFS_SB_SIZE ||
	    sb->s_dir_table <= sb->s_inode_table ||
	    !sqfs_fits(sb, sb->s_dir_table, SQFS_META_HDR) ||
	    !sqfs_fits(sb, sb->s_id_table, 8))
		return FS_CORRUPT(SQFS_FSNAME, "table offsets out of order");
	if ((sb->s_root_ref >> 16) >= sb->s_dir_table - sb->s_inode_table ||
	    (sb->s_root_ref & 0xFFFF) >= SQFS_META_SIZE)
		return FS_CORRUPT(SQFS_FSNAME, "root reference %llx",
		    (unsigned long long)sb->s_root_ref);
	return 0;
}

/* Read n 64-bit table block offsets starting at off. */
static int
sqfs_index_load(struct sqfs_mount *sm, uint64_t off, uint32_t n,
    uint64_t **idxp)
{
	uint64_t *idx;
	int error;

	if (n == 0)
		return FS_CORRUPT(SQFS_FSNAME, "empty table index at %llu",
		    (unsigned long long)off);
	if (!sqfs_fits(&sm->sm_sb, off, (uint64_t)n * 8))
		return FS_CORRUPT(SQFS_FSNAME, "table index at %llu past the "
		    "end", (unsigned long long)off);
	if ((idx = kmem_alloc((size_t)n * 8)) == NULL)
		return ENOMEM;
	if ((error = blkdev_read(sm->sm_dev, idx, (size_t)n * 8, off)) != 0) {
		kmem_free(idx, (size_t)n * 8);
		return error;
	}
	sqfs_dqwords_dec(idx, n);
	*idxp = idx;
	return 0;
}

static int
sqfs_ids_load(struct sqfs_mount *sm)
{
	uint32_t nids = sm->sm_sb.s_ids, nblk, i, n;
	uint64_t *idx;
	struct sqfs_mcur cur;
	uint8_t *raw;
	int error;

	nblk = howmany(nids, SQFS_IDS_PER_BLOCK);
	if ((error = sqfs_index_load(sm, sm->sm_sb.s_id_table, nblk,
	    &idx)) != 0)
		return error;
	if ((sm->sm_ids = kmem_alloc(nids * 4)) == NULL) {
		error = ENOMEM;
		goto out_idx;
	}
	raw = (uint8_t *)sm->sm_ids;
	for (i = 0; i < nblk; i++) {
		n = MIN(nids - i * SQFS_IDS_PER_BLOCK, SQFS_IDS_PER_BLOCK);
		cur.mc_block = idx[i];
		cur.mc_off = 0;
		if ((error = sqfs_meta_read(sm, &cur,
		    raw + i * SQFS_META_SIZE, n * 4)) != 0)
			goto out_idx;
	}
	sqfs_dwords_dec(sm->sm_ids, nids);
out_idx:
	kmem_free(idx, (size_t)nblk * 8);
	return error;
}

static int
sqfs_xattr_load(struct sqfs_mount *sm)
{
	const struct sqfs_dsuper *sb = &sm->sm_sb;
	uint8_t hdr[SQFS_XATTR_HDR];
	int error;

	if (sb->s_xattr_table == SQFS_NONE64)
		return 0;
	if (!sqfs_fits(sb, sb->s_xattr_table, SQFS_XATTR_HDR))
		return FS_CORRUPT(SQFS_FSNAME, "xattr table past the end");
	if ((error = blkdev_read(sm->sm_dev, hdr, sizeof(hdr),
	    sb->s_xattr_table)) != 0)
		return error;
	sqfs_dxtable_dec(hdr, &sm->sm_xkvtable, &sm->sm_nxids);
	if (sm->sm_xkvtable >= sb->s_xattr_table)
		return FS_CORRUPT(SQFS_FSNAME, "xattr table offsets");
	if (sm->sm_nxids == 0)
		return 0;
	/* In 64 bits: a count near 2^32 must not wrap to 0 blocks. */
	sm->sm_nxididx = (uint32_t)howmany((uint64_t)sm->sm_nxids,
	    SQFS_META_SIZE / SQFS_XID_ENTRY_SIZE);
	return sqfs_index_load(sm, sb->s_xattr_table + SQFS_XATTR_HDR,
	    sm->sm_nxididx, &sm->sm_xididx);
}

static void
sqfs_super_free_tables(struct sqfs_mount *sm)
{
	if (sm->sm_ids != NULL)
		kmem_free(sm->sm_ids, (size_t)sm->sm_sb.s_ids * 4);
	if (sm->sm_fragidx != NULL)
		kmem_free(sm->sm_fragidx, (size_t)sm->sm_nfragidx * 8);
	if (sm->sm_xididx != NULL)
		kmem_free(sm->sm_xididx, (size_t)sm->sm_nxididx * 8);
	sm->sm_ids = NULL;
	sm->sm_fragidx = NULL;
	sm->sm_xididx = NULL;
}

/* Undo a successful sqfs_super_load. */
void
sqfs_super_free(struct sqfs_mount *sm)
{
	sqfs_ra_stop(sm);
	sqfs_super_free_tables(sm);
	sqfs_dmap_free(sm);
	mutex_destroy(&sm->sm_dmlock);
	sqfs_cache_fini(&sm->sm_data);
	sqfs_cache_fini(&sm->sm_meta);
}

int
sqfs_super_load(struct sqfs_mount *sm)
{
	const struct sqfs_dsuper *sb = &sm->sm_sb;
	uint8_t raw[SQFS_SB_SIZE];
	int error;

	if ((error = blkdev_read(sm->sm_dev, raw, sizeof(raw), 0)) != 0)
		return error;
	sqfs_dsuper_dec(raw, &sm->sm_sb);
	if (sb->s_magic != SQFS_MAGIC)
		return EFTYPE;
	if ((error = sqfs_super_check(sm)) != 0)
		return error;
	if ((error = sqfs_codec_pick(sm)) != 0)
		return error;
	if ((error = sqfs_cache_init(&sm->sm_meta, SQFS_META_CACHE,
	    SQFS_META_SIZE, true)) != 0)
		return error;
	if ((error = sqfs_cache_init(&sm->sm_data, SQFS_DATA_CACHE +
	    2 * SQFS_RA_MAXTHREADS, sb->s_block_size, false)) != 0)
		goto out_meta;
	if ((error = mutex_init(&sm->sm_dmlock)) != 0)
		goto out_data;
	if ((error = sqfs_ids_load(sm)) != 0)
		goto out_tables;
	if (sb->s_fragments != 0) {
		sm->sm_nfragidx = (uint32_t)howmany((uint64_t)sb->s_fragments,
		    SQFS_META_SIZE / SQFS_FRAG_ENTRY_SIZE);
		if ((error = sqfs_index_load(sm, sb->s_frag_table,
		    sm->sm_nfragidx, &sm->sm_fragidx)) != 0)
			goto out_tables;
	}
	if ((error = sqfs_xattr_load(sm)) != 0)
		goto out_tables;
	if ((error = sqfs_ra_start(sm)) != 0)
		goto out_tables;
	return 0;

out_tables:
	sqfs_super_free_tables(sm);
	mutex_destroy(&sm->sm_dmlock);
out_data:
	sqfs_cache_fini(&sm->sm_data);
out_meta:
	sqfs_cache_fini(&sm->sm_meta);
	return error;
}
