/*
 * cd9660_zisofs.c: files compressed with zisofs (Rock Ridge ZF "pz", as
 * mkzftree and xorriso write them).
 *
 * The file's extent holds a 16-byte header, a table of nblocks + 1
 * little-endian 32-bit offsets (from the start of the extent), and the
 * blocks, each a zlib stream that inflates to 2^bits bytes (the last to
 * the rest of the size).  Two equal offsets stand for a block of zeros.
 * Blocks are inflated by the host's codec service (hyp_codec_*); nothing
 * is cached, so a read decompresses the blocks it touches.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/codec.h>
#include "fs/cd9660/cd9660.h"

/* Longest compressed block accepted: zlib's worst case, rounded up. */
#define ZISOFS_CMAX(bsize)	((bsize) + (bsize) / 8 + 64)

/*
 * Check the ZF entry against the extent; the node's size becomes the
 * uncompressed size.
 */
int
iso_zisofs_setup(struct iso_node *in, const struct rr_info *rr)
{
	uint64_t nblk;

	in->in_zisofs = true;
	in->in_zcsize = in->in_size;
	in->in_size = rr->rr_zfsize;
	if (rr->rr_zferr != 0 || in->in_next != 1) {
		/* Another algorithm, or zisofs over several extents. */
		in->in_zerr = EOPNOTSUPP;
		return 0;
	}
	if (rr->rr_zfbits < ZISOFS_MINBITS || rr->rr_zfbits > ZISOFS_MAXBITS ||
	    rr->rr_zfhdr < 4)
		return FS_CORRUPT(ISO_FSNAME, "file %llu: ZF block size 2^%u, "
		    "header %u", (unsigned long long)in->in_fileid,
		    rr->rr_zfbits, rr->rr_zfhdr * 4u);
	in->in_zbits = rr->rr_zfbits;
	in->in_zhdr = rr->rr_zfhdr * 4u;
	nblk = howmany((uint64_t)in->in_size, 1ULL << in->in_zbits);
	if (in->in_zhdr + 4 * (nblk + 1) > (uint64_t)in->in_zcsize)
		return FS_CORRUPT(ISO_FSNAME, "file %llu: zisofs block table "
		    "larger than the file", (unsigned long long)in->in_fileid);
	return 0;
}

/*
 * Inflate block blk (want bytes) into out, a buffer of 2^bits bytes;
 * cbuf has room for ZISOFS_CMAX of that.
 */
static int
iso_zisofs_block(struct iso_node *in, uint64_t blk, uint32_t want,
    uint8_t *cbuf, uint8_t *out)
{
	const struct iso_extent *ie = &in->in_ext[0];
	uint32_t bsize = 1u << in->in_zbits;
	uint8_t ptr[8];
	uint32_t p0, p1;
	size_t got;
	int error;

	error = blkdev_read(in->in_mount->im_dev, ptr, sizeof(ptr),
	    ie->ie_phys + in->in_zhdr + 4 * blk);
	if (error != 0)
		return error;
	p0 = le32dec(ptr);
	p1 = le32dec(ptr + 4);
	if (p1 < p0 || p1 > in->in_zcsize || p1 - p0 > ZISOFS_CMAX(bsize))
		return FS_CORRUPT(ISO_FSNAME, "file %llu: zisofs block %llu "
		    "at [%u, %u)", (unsigned long long)in->in_fileid,
		    (unsigned long long)blk, p0, p1);
	if (p0 == p1) {
		memset(out, 0, want);
		return 0;
	}
	error = blkdev_read(in->in_mount->im_dev, cbuf, p1 - p0,
	    ie->ie_phys + p0);
	if (error != 0)
		return error;
	error = codec_decompress(CODEC_ZLIB, cbuf, p1 - p0, out,
	    bsize, &got);
	if (error == EINVAL || error == EFBIG || (error == 0 && got != want))
		return FS_CORRUPT(ISO_FSNAME, "file %llu: zisofs block %llu "
		    "does not inflate to %u bytes",
		    (unsigned long long)in->in_fileid,
		    (unsigned long long)blk, want);
	return error;
}

int
iso_zisofs_read(struct iso_node *in, struct uio *uio)
{
	uint32_t bsize = 1u << in->in_zbits, cmax, want, skip;
	uint8_t *cbuf = NULL, *out = NULL;
	uint64_t blk;
	int error = 0;

	if (in->in_zerr != 0 || codec_available(CODEC_ZLIB) != 0) {
		printf("cd9660: file %llu: cannot read this zisofs file%s\n",
		    (unsigned long long)in->in_fileid, in->in_zerr != 0 ?
		    " (not \"pz\" in one extent)" : " (no zlib codec)");
		return EOPNOTSUPP;
	}
	if (uio->uio_offset >= in->in_size || uio->uio_resid == 0)
		return 0;
	cmax = ZISOFS_CMAX(bsize);
	if ((cbuf = kmem_alloc(cmax)) == NULL ||
	    (out = kmem_alloc(bsize)) == NULL) {
		error = ENOMEM;
		goto out_free;
	}
	while (uio->uio_resid > 0 && uio->uio_offset < in->in_size) {
		blk = (uint64_t)uio->uio_offset >> in->in_zbits;
		want = (uint32_t)MIN((int64_t)bsize,
		    in->in_size - (int64_t)(blk << in->in_zbits));
		if ((error = iso_zisofs_block(in, blk, want, cbuf, out)) != 0)
			break;
		skip = (uint32_t)(uio->uio_offset - (int64_t)(blk <<
		    in->in_zbits));
		error = uiomove(out + skip, MIN((size_t)(want - skip),
		    uio->uio_resid), uio);
		if (error != 0)
			break;
	}

out_free:
	if (cbuf != NULL)
		kmem_free(cbuf, cmax);
	if (out != NULL)
		kmem_free(out, bsize);
	return error;
}
