/*
 * genfs_bmap.c: the direct data path.  A driver with block storage
 * implements vop_bmap (file range -> device extent) and calls these from
 * its vop_read, vop_write and vop_seek; file data then moves between the
 * device and the caller's buffers in whole extents, without the buffer
 * cache.
 *
 * Extents flagged BMAP_HOLE or BMAP_UNWRITTEN read as zeros and count as
 * holes for SEEK_DATA/SEEK_HOLE.  A write asks vop_bmap to allocate
 * (BMAP_ALLOC); in an extent the driver reports as BMAP_NEW or
 * BMAP_UNWRITTEN every byte the write does not cover is zeroed on the
 * device, so that stale contents of the allocated storage never become
 * visible.  Sectors the write covers only in part are read, modified and
 * written back.  The driver owns the file size and its metadata: these
 * functions change neither, and the caller updates the size after a write.
 *
 * Locks: the vnode lock is held by the caller, shared for read and seek,
 * exclusive for write; nothing else is taken here.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include <sys/vnode.h>
#include <sys/blkdev.h>

#define GENFS_MAXIOV	16		/* iovecs per device transfer */
#define GENFS_ZEROBUF	65536		/* zero buffer for filling */
#define GENFS_SMALLNEW	65536		/* new extents written in one go */

/*
 * Map the extent holding off (at most len bytes wanted) and check that
 * the driver's answer contains off.  *np gets the bytes usable from off.
 */
static int
genfs_map(struct vnode *vp, int64_t off, int64_t len, uint32_t flags,
    struct bmap *bm, int64_t *np)
{
	int error;

	if (vp->v_op->vop_bmap == NULL)
		return EOPNOTSUPP;
	memset(bm, 0, sizeof(*bm));
	if ((error = vp->v_op->vop_bmap(vp, off, len, flags, bm)) != 0)
		return error;
	if (bm->bm_len <= 0 || bm->bm_off > off ||
	    off - bm->bm_off >= bm->bm_len)
		return FS_CORRUPT("genfs", "bmap of %lld gave [%lld, +%lld)",
		    (long long)off, (long long)bm->bm_off,
		    (long long)bm->bm_len);
	if (!(bm->bm_flags & BMAP_HOLE) && bm->bm_dev == NULL)
		return FS_CORRUPT("genfs", "bmap of %lld: no device",
		    (long long)off);
	*np = MIN(len, bm->bm_len - (off - bm->bm_off));
	return 0;
}

/* Device offset of file offset off inside extent bm. */
static uint64_t
genfs_phys(const struct bmap *bm, int64_t off)
{
	return bm->bm_physoff + (uint64_t)(off - bm->bm_off);
}

/*
 * Move n bytes between the device at phys and the uio, straight into or
 * out of the caller's buffers, GENFS_MAXIOV iovecs per request.
 */
static int
genfs_xfer(struct blkdev *dev, uint64_t phys, size_t n, struct uio *uio)
{
	struct kiovec iov[GENFS_MAXIOV];
	size_t covered;
	int cnt, error;

	while (n > 0) {
		cnt = uio_peek(uio, n, iov, GENFS_MAXIOV, &covered);
		if (cnt == 0)
			return 0;
		if (uio->uio_rw == UIO_READ)
			error = blkdev_readv(dev, iov, cnt, phys);
		else
			error = blkdev_writev(dev, iov, cnt, phys);
		if (error != 0)
			return error;
		uio_advance(uio, covered);
		phys += covered;
		n -= covered;
	}
	return 0;
}

/*
 * Read from the file into uio up to filesize.  A short read happens only
 * at the end of the file; on error, the bytes moved so far stay moved
 * (uio shows how many).
 */
int
genfs_read_bmap(struct vnode *vp, struct uio *uio, int64_t filesize)
{
	struct bmap bm;
	int64_t off, n;
	int error;

	KASSERT(uio->uio_rw == UIO_READ);
	KASSERT(rw_lock_held(&vp->v_lock));
	if (uio->uio_offset < 0)
		return EINVAL;
	while (uio->uio_resid > 0 && uio->uio_offset < filesize) {
		off = uio->uio_offset;
		n = (int64_t)MIN((uint64_t)uio->uio_resid,
		    (uint64_t)(filesize - off));
		if ((error = genfs_map(vp, off, n, 0, &bm, &n)) != 0)
			return error;
		if (bm.bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN))
			error = uiomove_zero((size_t)n, uio);
		else
			error = genfs_xfer(bm.bm_dev, genfs_phys(&bm, off),
			    (size_t)n, uio);
		if (error != 0)
			return error;
	}
	return 0;
}

/* Write len zero bytes at phys, reusing one zero buffer. */
static int
genfs_zero(struct blkdev *dev, uint64_t phys, uint64_t len)
{
	struct kiovec iov[GENFS_MAXIOV];
	size_t zlen;
	uint64_t chunk;
	void *z;
	int i, error = 0;

	if (len == 0)
		return 0;
	zlen = (size_t)MIN(len, GENFS_ZEROBUF);
	if ((z = kmem_zalloc(zlen)) == NULL)
		return ENOMEM;
	while (len > 0 && error == 0) {
		chunk = 0;
		for (i = 0; i < GENFS_MAXIOV && chunk < len; i++) {
			iov[i].iov_base = z;
			iov[i].iov_len = (size_t)MIN(zlen, len - chunk);
			chunk += iov[i].iov_len;
		}
		error = blkdev_writev(dev, iov, i, phys);
		phys += chunk;
		len -= chunk;
	}
	kmem_free(z, zlen);
	return error;
}

/*
 * Write the part of sector sec that the next n bytes of uio cover,
 * starting at phys (inside that sector): read the sector, merge, write.
 * The uio advances only once the write succeeded: the caller reports
 * the bytes it moved as written, and must not count a failed sector.
 */
static int
genfs_rmw(struct blkdev *dev, uint64_t phys, size_t n, struct uio *uio)
{
	uint32_t ss = dev->bd_secsize;
	uint64_t sec = rounddown(phys, ss);
	uint8_t *buf;
	int error;

	KASSERT(phys - sec + n <= ss);
	if ((buf = kmem_alloc(ss)) == NULL)
		return ENOMEM;
	if ((error = blkdev_read(dev, buf, ss, sec)) == 0) {
		if (uio_peekcopy(uio, buf + (phys - sec), n) != n)
			error = EFAULT;
		else if ((error = blkdev_write(dev, buf, ss, sec)) == 0)
			uio_advance(uio, n);
	}
	kmem_free(buf, ss);
	return error;
}

/*
 * Write n bytes of uio at phys: whole sectors straight from the caller's
 * buffers, partial sectors at either end by read-modify-write.  The
 * device's end is treated as a sector boundary.
 */
static int
genfs_write_data(struct blkdev *dev, uint64_t phys, size_t n,
    struct uio *uio)
{
	uint32_t ss = dev->bd_secsize;
	uint64_t end = phys + n, head, mid;
	int error;

	head = MIN(end, roundup(phys, ss)) - phys;
	if (head > 0 && phys % ss != 0 && rounddown(phys, ss) + ss <=
	    dev->bd_size) {
		if ((error = genfs_rmw(dev, phys, (size_t)head, uio)) != 0)
			return error;
		phys += head;
	}
	mid = end - phys;
	if (end % ss != 0 && rounddown(end, ss) >= phys &&
	    rounddown(end, ss) + ss <= dev->bd_size)
		mid = rounddown(end, ss) - phys;
	if ((error = genfs_xfer(dev, phys, (size_t)mid, uio)) != 0)
		return error;
	phys += mid;
	if (phys < end)
		return genfs_rmw(dev, phys, (size_t)(end - phys), uio);
	return 0;
}

/*
 * A small new extent (a small file's clusters or blocks) in one device
 * write: zeros around the n bytes of uio, built in memory, so that the
 * file's tail costs neither a read-modify-write nor a second write for
 * the zeros after it.  The uio advances only once the write succeeded.
 */
static int
genfs_write_small(const struct bmap *bm, uint64_t phys, size_t n,
    struct uio *uio)
{
	size_t len = (size_t)bm->bm_len, at = (size_t)(phys - bm->bm_physoff);
	uint8_t *buf;
	int error;

	if ((buf = kmem_zalloc(len)) == NULL)
		return ENOMEM;
	if (uio_peekcopy(uio, buf + at, n) != n)
		error = EFAULT;
	else if ((error = blkdev_write(bm->bm_dev, buf, len,
	    bm->bm_physoff)) == 0)
		uio_advance(uio, n);
	kmem_free(buf, len);
	return error;
}

/*
 * Write n bytes of uio at file offset off into the allocated extent bm;
 * zero the rest of the extent if its storage is new or unwritten.
 */
static int
genfs_write_extent(const struct bmap *bm, int64_t off, size_t n,
    struct uio *uio)
{
	uint64_t phys = genfs_phys(bm, off);
	uint64_t xend = bm->bm_physoff + (uint64_t)bm->bm_len;
	int error;

	if ((bm->bm_flags & (BMAP_NEW | BMAP_UNWRITTEN)) &&
	    bm->bm_len <= GENFS_SMALLNEW &&
	    bm->bm_physoff % bm->bm_dev->bd_secsize == 0 &&
	    xend <= bm->bm_dev->bd_size)
		return genfs_write_small(bm, phys, n, uio);
	if (bm->bm_flags & (BMAP_NEW | BMAP_UNWRITTEN)) {
		error = genfs_zero(bm->bm_dev, bm->bm_physoff,
		    phys - bm->bm_physoff);
		if (error == 0)
			error = genfs_zero(bm->bm_dev, phys + n,
			    xend - (phys + n));
		if (error != 0)
			return error;
	}
	return genfs_write_data(bm->bm_dev, phys, n, uio);
}

/*
 * Write uio into the file, allocating storage through vop_bmap.  The
 * file size is not changed here: the caller extends it to uio_offset
 * afterwards (also after a partial write that failed midway).
 */
int
genfs_write_bmap(struct vnode *vp, struct uio *uio)
{
	struct bmap bm;
	int64_t off, n;
	int error;

	KASSERT(uio->uio_rw == UIO_WRITE);
	KASSERT(rw_write_held(&vp->v_lock));
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid > (uint64_t)(INT64_MAX - uio->uio_offset))
		return EFBIG;
	while (uio->uio_resid > 0) {
		off = uio->uio_offset;
		error = genfs_map(vp, off, (int64_t)uio->uio_resid, BMAP_ALLOC,
		    &bm, &n);
		if (error != 0)
			return error;
		if (bm.bm_flags & BMAP_HOLE)
			return FS_CORRUPT("genfs", "bmap did not allocate %lld",
			    (long long)off);
		if ((error = genfs_write_extent(&bm, off, (size_t)n, uio)) != 0)
			return error;
	}
	return 0;
}

/*
 * SEEK_DATA / SEEK_HOLE from off in a file of filesize bytes: ENXIO if
 * off is negative or at/after the end, or (SEEK_DATA) if no data follows
 * off.  The end of the file counts as a hole.
 */
int
genfs_seek_bmap(struct vnode *vp, int64_t off, int whence, int64_t filesize,
    int64_t *res)
{
	struct bmap bm;
	int64_t n;
	bool hole;
	int error;

	KASSERT(rw_lock_held(&vp->v_lock));
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return EINVAL;
	if (off < 0 || off >= filesize)
		return ENXIO;
	while (off < filesize) {
		if ((error = genfs_map(vp, off, filesize - off, 0, &bm,
		    &n)) != 0)
			return error;
		hole = (bm.bm_flags & (BMAP_HOLE | BMAP_UNWRITTEN)) != 0;
		if (hole == (whence == SEEK_HOLE)) {
			*res = off;
			return 0;
		}
		off += n;
	}
	if (whence == SEEK_DATA)
		return ENXIO;
	*res = filesize;
	return 0;
}
