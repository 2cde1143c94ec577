/*
 * sqfs_block.c: reading a metadata or data block from the image and
 * decompressing it through the host's codec service, and reading byte
 * ranges of a metadata stream (which runs on from block to block).
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/codec.h>
#include "fs/squashfs/squashfs.h"

const char *
sqfs_comp_name(uint16_t comp)
{
	switch (comp) {
	case SQFS_COMP_GZIP:	return "gzip";
	case SQFS_COMP_LZMA:	return "lzma";
	case SQFS_COMP_LZO:	return "lzo";
	case SQFS_COMP_XZ:	return "xz";
	case SQFS_COMP_LZ4:	return "lz4";
	case SQFS_COMP_ZSTD:	return "zstd";
	default:		return "unknown";
	}
}

/* Decompress src into ce; a codec's EINVAL/EFBIG mean a corrupt block. */
static int
sqfs_decompress(struct sqfs_mount *sm, uint64_t pos, const void *src,
    uint32_t srclen, struct sqfs_cent *ce)
{
	size_t out;
	int error;

	error = codec_decompress(sm->sm_codec, src, srclen, ce->ce_data,
	    ce->ce_cap, &out);
	if (error == EINVAL || error == EFBIG)
		return FS_CORRUPT(SQFS_FSNAME,
		    "block at %llu: %s data does not decompress (error %d)",
		    (unsigned long long)pos, sqfs_comp_name(
		    sm->sm_sb.s_compression), error);
	if (error != 0)
		return error;
	ce->ce_len = (uint32_t)out;
	return 0;
}

/*
 * Load the block at pos into ce.  Metadata: pos is the 2-byte header;
 * data: sizeword is the block's size word (not 0: holes never come here).
 */
int
sqfs_block_load(struct sqfs_mount *sm, uint64_t pos, uint32_t sizeword,
    bool meta, struct sqfs_cent *ce)
{
	uint64_t end = sm->sm_sb.s_bytes_used;
	uint32_t len;
	uint8_t hdr[SQFS_META_HDR], *raw;
	bool comp;
	int error;

	if (meta) {
		if (pos >= end || end - pos < SQFS_META_HDR)
			return FS_CORRUPT(SQFS_FSNAME,
			    "metadata block at %llu past the end",
			    (unsigned long long)pos);
		if ((error = blkdev_read(sm->sm_dev, hdr, sizeof(hdr),
		    pos)) != 0)
			return error;
		sqfs_meta_hdr_dec(hdr, &len, &comp);
		pos += SQFS_META_HDR;
		if (len == 0 || len > SQFS_META_SIZE)
			return FS_CORRUPT(SQFS_FSNAME,
			    "metadata block at %llu: length %u",
			    (unsigned long long)pos - SQFS_META_HDR, len);
	} else {
		len = sizeword & SQFS_DATA_SIZEMASK;
		comp = (sizeword & SQFS_DATA_UNCOMP) == 0;
		if (len == 0 || len > sm->sm_sb.s_block_size)
			return FS_CORRUPT(SQFS_FSNAME,
			    "data block at %llu: length %u",
			    (unsigned long long)pos, len);
	}
	if (pos > end || end - pos < len)
		return FS_CORRUPT(SQFS_FSNAME, "block at %llu+%u past the end",
		    (unsigned long long)pos, len);
	ce->ce_next = pos + len;
	if (!comp) {
		if ((error = blkdev_read(sm->sm_dev, ce->ce_data, len,
		    pos)) != 0)
			return error;
		ce->ce_len = len;
		return 0;
	}
	if ((raw = kmem_alloc(len)) == NULL)
		return ENOMEM;
	error = blkdev_read(sm->sm_dev, raw, len, pos);
	if (error == 0)
		error = sqfs_decompress(sm, pos, raw, len, ce);
	kmem_free(raw, len);
	return error;
}

/*
 * Copy len bytes of a metadata stream from cur (buf NULL: skip them),
 * moving cur past them.  Each step moves to a later block on disk, so
 * the walk ends.
 */
static int
sqfs_meta_copy(struct sqfs_mount *sm, struct sqfs_mcur *cur, uint8_t *buf,
    size_t len)
{
	struct sqfs_cent *ce;
	size_t n;
	int error;

	while (len > 0) {
		error = sqfs_cache_get(sm, &sm->sm_meta, cur->mc_block, 0, &ce);
		if (error != 0)
			return error;
		if (cur->mc_off >= ce->ce_len) {
			/* Past this block: go on in the next one. */
			if (ce->ce_len == 0 || cur->mc_off > ce->ce_len) {
				sqfs_cache_put(&sm->sm_meta, ce);
				return FS_CORRUPT(SQFS_FSNAME,
				    "metadata offset %u past block of %u",
				    cur->mc_off, ce->ce_len);
			}
			cur->mc_off -= ce->ce_len;
			cur->mc_block = ce->ce_next;
			sqfs_cache_put(&sm->sm_meta, ce);
			continue;
		}
		n = MIN(len, ce->ce_len - cur->mc_off);
		if (buf != NULL) {
			memcpy(buf, ce->ce_data + cur->mc_off, n);
			buf += n;
		}
		cur->mc_off += (uint32_t)n;
		len -= n;
		sqfs_cache_put(&sm->sm_meta, ce);
	}
	return 0;
}

int
sqfs_meta_read(struct sqfs_mount *sm, struct sqfs_mcur *cur, void *buf,
    size_t len)
{
	return sqfs_meta_copy(sm, cur, buf, len);
}

int
sqfs_meta_skip(struct sqfs_mount *sm, struct sqfs_mcur *cur, size_t len)
{
	return sqfs_meta_copy(sm, cur, NULL, len);
}

/*
 * Read len bytes through mr: from its held block when they lie in it,
 * else through sqfs_meta_read (crossing into the next block).
 */
int
sqfs_mr_read(struct sqfs_mount *sm, struct sqfs_mreader *mr, void *buf,
    size_t len)
{
	struct sqfs_mcur *cur = &mr->mr_cur;
	int error;

	if (mr->mr_ce != NULL && mr->mr_ce->ce_key != cur->mc_block)
		sqfs_mr_done(sm, mr);
	if (mr->mr_ce == NULL && (error = sqfs_cache_get(sm, &sm->sm_meta,
	    cur->mc_block, 0, &mr->mr_ce)) != 0) {
		mr->mr_ce = NULL;
		return error;
	}
	if (cur->mc_off <= mr->mr_ce->ce_len &&
	    len <= mr->mr_ce->ce_len - cur->mc_off) {
		memcpy(buf, mr->mr_ce->ce_data + cur->mc_off, len);
		cur->mc_off += (uint32_t)len;
		return 0;
	}
	sqfs_mr_done(sm, mr);
	return sqfs_meta_read(sm, cur, buf, len);
}

void
sqfs_mr_done(struct sqfs_mount *sm, struct sqfs_mreader *mr)
{
	if (mr->mr_ce != NULL)
		sqfs_cache_put(&sm->sm_meta, mr->mr_ce);
	mr->mr_ce = NULL;
}
