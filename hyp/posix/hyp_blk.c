/*
 * hyp_blk.c: block objects (image files and host block devices) for
 * POSIX hosts.
 *
 * A block object is one host file descriptor.  Every transfer is a
 * positioned preadv/pwritev, so the descriptor's file offset is never
 * used and concurrent calls on one object need no lock; only
 * hyp_blk_close must not race with the others.
 *
 * Locking (HYP_BLK_LOCK_SH/EX) uses flock(2): the lock belongs to the
 * open file description, so two opens of one image conflict whether they
 * are in two processes or in one, it needs no write access for an
 * exclusive lock, and it exists on Linux, the BSDs and macOS alike.  A
 * conflict is reported as EBUSY.  XXX On Linux NFS mounts flock is
 * emulated with per-process POSIX locks, so two opens in one process do
 * not conflict there; two processes still do.
 *
 * Sizes: a regular file's size is its st_size, read afresh by every
 * hyp_blk_getinfo (it grows with writes and hyp_blk_setsize).  A block
 * device's size and logical sector size come from the Linux ioctls
 * BLKGETSIZE64 and BLKSSZGET; other hosts seek to the end for the size
 * and assume 512-byte sectors (XXX FreeBSD DIOCGSECTORSIZE and macOS
 * DKIOCGETBLOCKSIZE would give the real one).  On BSD and macOS disks
 * are character devices, so there a character device counts as a block
 * device; on Linux it is refused with ENOTBLK.
 *
 * Write-behind (Linux): every BLK_WBEHIND bytes written, the host is
 * told to start writing the object's dirty pages back without waiting
 * (sync_file_range SYNC_FILE_RANGE_WRITE).  The disk then works while
 * the caller computes, instead of all at once in the hyp_blk_flush that
 * ends a read-write mount: a 20,000-file put spent 0.17-0.20 s of its
 * 0.55 s in that final fdatasync.  Durability is unchanged (the flush
 * still waits for everything); a page rewritten after its write-back
 * started is simply written again.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/fs.h>
#endif

#include "hyp/hyp.h"
#include "hyp_posix.h"

#define BLK_FILE_SECSIZE	512	/* sector size reported for files */
#define BLK_OPEN_FLAGS		(HYP_BLK_RDONLY | HYP_BLK_RDWR | \
				 HYP_BLK_CREAT | HYP_BLK_LOCK_SH | \
				 HYP_BLK_LOCK_EX)

#if defined(IOV_MAX) && IOV_MAX < HYP_IOV_MAX
#error "the host takes fewer iovecs per call than HYP_IOV_MAX"
#endif

#define BLK_WBEHIND	((hyp_u64)8 << 20)	/* bytes between kicks */

/* All members but hb_unkicked are set by hyp_blk_open, immutable after. */
struct hyp_blk {
	int		hb_fd;		/* host descriptor, O_CLOEXEC */
	hyp_u32		hb_flags;	/* HYP_BLK_* given to open */
	hyp_u32		hb_type;	/* HYP_BLKTYPE_* */
	hyp_u64		hb_unkicked;	/* bytes written since the last kick
					   (atomic) */
};

/* Not a regular file, directory or disk: ENOTBLK where the host has it. */
#ifdef ENOTBLK
#define BLK_EBADTYPE	ENOTBLK
#else
#define BLK_EBADTYPE	ENODEV
#endif

/*
 * Check the flags of hyp_blk_open: exactly one access mode, creation only
 * with write access, at most one lock kind, nothing unknown.
 */
static int
blk_checkflags(hyp_u32 flags)
{
	hyp_u32 mode = flags & (HYP_BLK_RDONLY | HYP_BLK_RDWR);

	if ((flags & ~(hyp_u32)BLK_OPEN_FLAGS) != 0)
		return EINVAL;
	if (mode != HYP_BLK_RDONLY && mode != HYP_BLK_RDWR)
		return EINVAL;
	if ((flags & HYP_BLK_CREAT) != 0 && mode != HYP_BLK_RDWR)
		return EINVAL;
	if ((flags & HYP_BLK_LOCK_SH) != 0 && (flags & HYP_BLK_LOCK_EX) != 0)
		return EINVAL;
	return 0;
}

/*
 * Classify the open descriptor fd as HYP_BLKTYPE_FILE or _DEV into *type;
 * host errno on failure (EISDIR, BLK_EBADTYPE for anything else).
 */
static int
blk_classify(int fd, hyp_u32 *type)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return errno;
	if (S_ISREG(st.st_mode)) {
		*type = HYP_BLKTYPE_FILE;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return EISDIR;
#ifdef __linux__
	if (S_ISBLK(st.st_mode)) {
#else
	if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
#endif
		*type = HYP_BLKTYPE_DEV;
		return 0;
	}
	return BLK_EBADTYPE;
}

/* Take the lock flags ask for on fd, without waiting; host errno. */
static int
blk_lock(int fd, hyp_u32 flags)
{
	int op;

	if (flags & HYP_BLK_LOCK_EX)
		op = LOCK_EX;
	else if (flags & HYP_BLK_LOCK_SH)
		op = LOCK_SH;
	else
		return 0;
	while (flock(fd, op | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK || errno == EAGAIN)
			return EBUSY;
		return errno;
	}
	return 0;
}

/*
 * Open the host object name with HYP_BLK_* flags into *ret.  Errors:
 * EINVAL for bad flags, EISDIR for a directory, ENOTBLK for any other
 * object that is neither a regular file nor a disk, EBUSY if the lock
 * asked for conflicts with another opener's, and whatever open(2) says
 * (ENOENT, EACCES, EROFS, ...).  Does not block on a lock.
 */
int
hyp_blk_open(const char *name, hyp_u32 flags, struct hyp_blk **ret)
{
	struct hyp_blk *b;
	int error, oflags;

	if ((error = blk_checkflags(flags)) != 0)
		return hyp_posix_errno(error);
	if ((b = malloc(sizeof(*b))) == NULL)
		return hyp_posix_errno(ENOMEM);
	b->hb_flags = flags;
	b->hb_unkicked = 0;
	oflags = O_CLOEXEC | O_NOCTTY;
	oflags |= (flags & HYP_BLK_RDWR) ? O_RDWR : O_RDONLY;
	if (flags & HYP_BLK_CREAT)
		oflags |= O_CREAT;
	do {
		b->hb_fd = open(name, oflags, 0666);
	} while (b->hb_fd < 0 && errno == EINTR);
	if (b->hb_fd < 0) {
		error = errno;
		goto out_free;
	}
	if ((error = blk_classify(b->hb_fd, &b->hb_type)) != 0)
		goto out_close;
	if ((error = blk_lock(b->hb_fd, flags)) != 0)
		goto out_close;
	*ret = b;
	return 0;

out_close:
	(void)close(b->hb_fd);
out_free:
	free(b);
	return hyp_posix_errno(error);
}

/* Size in bytes and logical sector size of the disk behind fd. */
static int
blk_devinfo(int fd, hyp_u64 *size, hyp_u32 *secsize)
{
#ifdef __linux__
	uint64_t bytes;
	int ssz;

	if (ioctl(fd, BLKGETSIZE64, &bytes) != 0)
		return errno;
	if (ioctl(fd, BLKSSZGET, &ssz) != 0)
		return errno;
	*size = bytes;
	*secsize = ssz > 0 ? (hyp_u32)ssz : BLK_FILE_SECSIZE;
	return 0;
#else
	off_t end;

	if ((end = lseek(fd, 0, SEEK_END)) < 0)
		return errno;
	*size = (hyp_u64)end;
	*secsize = BLK_FILE_SECSIZE;
	return 0;
#endif
}

/*
 * The object's current size in bytes, HYP_BLKTYPE_* and logical sector
 * size (512 for files).  Any output pointer may be NULL.
 */
int
hyp_blk_getinfo(struct hyp_blk *b, hyp_u64 *size, hyp_u32 *type,
    hyp_u32 *secsize)
{
	struct stat st;
	hyp_u64 sz = 0;
	hyp_u32 ssz = BLK_FILE_SECSIZE;
	int error;

	if (b->hb_type == HYP_BLKTYPE_DEV) {
		if ((error = blk_devinfo(b->hb_fd, &sz, &ssz)) != 0)
			return hyp_posix_errno(error);
	} else {
		if (fstat(b->hb_fd, &st) != 0)
			return hyp_posix_errno(errno);
		sz = (hyp_u64)st.st_size;
		ssz = BLK_FILE_SECSIZE;
	}
	if (size != NULL)
		*size = sz;
	if (type != NULL)
		*type = b->hb_type;
	if (secsize != NULL)
		*secsize = ssz;
	return 0;
}

/*
 * Copy the caller's iovecs into host ones, leaving out empty entries.
 * EINVAL if there are too many, or the total or the end offset is more
 * than the host can address.  *cnt gets the host entries used.
 */
static int
blk_iov_import(const struct hyp_iovec *hiov, hyp_u32 iovcnt, hyp_u64 off,
    struct iovec *iov, int *cnt)
{
	hyp_u64 total = 0;
	hyp_u32 i;
	int n = 0;

	if (iovcnt > HYP_IOV_MAX || off > (hyp_u64)INT64_MAX)
		return EINVAL;
	for (i = 0; i < iovcnt; i++) {
		if (hiov[i].iov_len == 0)
			continue;
		if (hiov[i].iov_len > (hyp_u64)SSIZE_MAX - total)
			return EINVAL;
		total += hiov[i].iov_len;
		iov[n].iov_base = hiov[i].iov_base;
		iov[n].iov_len = (size_t)hiov[i].iov_len;
		n++;
	}
	if (total > (hyp_u64)INT64_MAX - off)
		return EINVAL;
	*cnt = n;
	return 0;
}

/*
 * Move the iovecs at off, looping over short transfers and signals.
 * Stops early at end of file on a read.  *done gets the bytes moved,
 * also on error.  Host errno.
 */
static int
blk_xfer(struct hyp_blk *b, bool wr, const struct hyp_iovec *hiov,
    hyp_u32 iovcnt, hyp_u64 off, hyp_u64 *done)
{
	struct iovec iov[HYP_IOV_MAX], *v = iov;
	hyp_u64 moved = 0;
	ssize_t n;
	int cnt, error;

	*done = 0;
	if ((error = blk_iov_import(hiov, iovcnt, off, iov, &cnt)) != 0)
		return error;
	while (cnt > 0) {
		if (wr)
			n = pwritev(b->hb_fd, v, cnt, (off_t)(off + moved));
		else
			n = preadv(b->hb_fd, v, cnt, (off_t)(off + moved));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = errno;
			break;
		}
		if (n == 0) {
			/* End of file; a write going nowhere is a full disk. */
			error = wr ? ENOSPC : 0;
			break;
		}
		moved += (hyp_u64)n;
		while (cnt > 0 && (size_t)n >= v->iov_len) {
			n -= (ssize_t)v->iov_len;
			v++;
			cnt--;
		}
		if (cnt > 0) {
			v->iov_base = (char *)v->iov_base + n;
			v->iov_len -= (size_t)n;
		}
	}
	*done = moved;
	return error;
}

/*
 * Read into the iovecs from byte offset off.  A read reaching the end of
 * the object is short, not an error.  Blocks.  *done gets the bytes
 * read, also when an error ends the transfer part way.
 */
int
hyp_blk_read(struct hyp_blk *b, const struct hyp_iovec *iov,
    hyp_u32 iovcnt, hyp_u64 off, hyp_u64 *done)
{
	return hyp_posix_errno(blk_xfer(b, false, iov, iovcnt, off, done));
}

/*
 * Count n bytes written; past BLK_WBEHIND since the last kick, start the
 * write-back of the whole object (see the top of the file).  Advice
 * only: an error here is not the write's, and the flush reports any.
 */
static void
blk_writebehind(struct hyp_blk *b, hyp_u64 n)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (__atomic_add_fetch(&b->hb_unkicked, n, __ATOMIC_RELAXED) <
	    BLK_WBEHIND)
		return;
	if (__atomic_exchange_n(&b->hb_unkicked, 0, __ATOMIC_RELAXED) <
	    BLK_WBEHIND)
		return;		/* another thread kicked meanwhile */
	(void)sync_file_range(b->hb_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)b;
	(void)n;
#endif
}

/*
 * Write the iovecs at byte offset off; a file grows, a device past its
 * end gives ENOSPC (or EINVAL, depending on the host).  EROFS on an
 * object opened read-only.  Blocks.  *done as for hyp_blk_read.
 */
int
hyp_blk_write(struct hyp_blk *b, const struct hyp_iovec *iov,
    hyp_u32 iovcnt, hyp_u64 off, hyp_u64 *done)
{
	int error;

	if (b->hb_flags & HYP_BLK_RDONLY) {
		*done = 0;
		return hyp_posix_errno(EROFS);
	}
	error = blk_xfer(b, true, iov, iovcnt, off, done);
	blk_writebehind(b, *done);
	return hyp_posix_errno(error);
}

/*
 * Make every completed write durable.  fdatasync also writes the
 * metadata needed to read the data back (the size).  macOS's fsync
 * leaves data in the drive's cache, so there F_FULLFSYNC is asked for
 * first.  Nothing to do for a read-only object.  Blocks.
 */
int
hyp_blk_flush(struct hyp_blk *b)
{
	int rv;

	if (b->hb_flags & HYP_BLK_RDONLY)
		return 0;
#ifdef F_FULLFSYNC
	if (fcntl(b->hb_fd, F_FULLFSYNC) == 0)
		return 0;
#endif
	do {
#if defined(__APPLE__)
		rv = fsync(b->hb_fd);
#else
		rv = fdatasync(b->hb_fd);
#endif
	} while (rv != 0 && errno == EINTR);
	return rv != 0 ? hyp_posix_errno(errno) : 0;
}

/*
 * Set the size of a regular file: growing leaves a hole, shrinking drops
 * the tail.  ENOTSUP for a device, EROFS when opened read-only, EFBIG
 * past what the host's off_t holds.  Blocks.
 */
int
hyp_blk_setsize(struct hyp_blk *b, hyp_u64 size)
{
	int rv;

	if (b->hb_type != HYP_BLKTYPE_FILE)
		return hyp_posix_errno(ENOTSUP);
	if (b->hb_flags & HYP_BLK_RDONLY)
		return hyp_posix_errno(EROFS);
	if (size > (hyp_u64)INT64_MAX)
		return hyp_posix_errno(EFBIG);
	do {
		rv = ftruncate(b->hb_fd, (off_t)size);
	} while (rv != 0 && errno == EINTR);
	return rv != 0 ? hyp_posix_errno(errno) : 0;
}

/*
 * Close the object and drop its lock; b is freed even when the host
 * reports an error (which is then returned, e.g. EIO from a file system
 * that writes back on close).  close(2) is not retried after EINTR:
 * the descriptor is gone by then on Linux and most BSDs.
 */
int
hyp_blk_close(struct hyp_blk *b)
{
	int error = 0;

	if (close(b->hb_fd) != 0 && errno != EINTR)
		error = errno;
	free(b);
	return hyp_posix_errno(error);
}
