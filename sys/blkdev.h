/*
 * sys/blkdev.h: block devices.  A device is a stack: a host image (or
 * memory disk) at the bottom, optionally a byte window over it (a
 * partition), with a file system on top.  Every transfer passes
 * blkdev_readv/blkdev_writev, which check bounds and the read-only flag.
 *
 * Locks protecting fields: I = immutable after creation, a = atomic.
 */
#ifndef _SYS_BLKDEV_H_
#define _SYS_BLKDEV_H_

#include <sys/param.h>
#include <sys/uio.h>

struct blkdev;

struct blkdev_ops {
	/* Transfer all of iov at byte offset off, or fail (EIO). */
	int	(*bdo_readv)(struct blkdev *bd, const struct kiovec *iov,
		    int iovcnt, uint64_t off);
	int	(*bdo_writev)(struct blkdev *bd, const struct kiovec *iov,
		    int iovcnt, uint64_t off);
	/* Durability barrier. */
	int	(*bdo_flush)(struct blkdev *bd);
	/* Release backing resources; bd itself is freed by the caller. */
	void	(*bdo_close)(struct blkdev *bd);
};

#define BD_RDONLY	0x01	/* writes fail with EROFS */
#define BD_LOCK_SH	0x10	/* image: shared lock (readers) */
#define BD_LOCK_EX	0x20	/* image: exclusive lock (writer) */

struct blkdev {
	const struct blkdev_ops *bd_ops;	/* [I] backend */
	void		*bd_priv;		/* [I] backend's state */
	struct blkdev	*bd_parent;		/* [I] window: underlying dev */
	uint64_t	 bd_size;		/* [I] bytes */
	uint64_t	 bd_base;		/* [I] window: offset in parent */
	uint32_t	 bd_secsize;		/* [I] logical sector size */
	uint32_t	 bd_flags;		/* [I] BD_* */
	uint32_t	 bd_refcnt;		/* [a] references */
	uint64_t	 bd_id;			/* [I] unique id (cache key) */
	char		 bd_name[128];		/* [I] for messages */
};

/* Open a host file or block device by name through hyp_blk_open. */
int	blkdev_open_image(const char *path, uint32_t flags,
	    struct blkdev **bdp);
/* A zero-filled device in kernel memory. */
int	blkdev_memdisk_create(uint64_t size, struct blkdev **bdp);
/* A window [off, off + len) of parent (holds a reference to parent). */
int	blkdev_window_create(struct blkdev *parent, uint64_t off,
	    uint64_t len, struct blkdev **bdp);
void	blkdev_ref(struct blkdev *bd);
void	blkdev_rele(struct blkdev *bd);

/* The dispatch point: bounds-checked transfers.  EIO beyond the end. */
int	blkdev_readv(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
	    uint64_t off);
int	blkdev_writev(struct blkdev *bd, const struct kiovec *iov, int iovcnt,
	    uint64_t off);
int	blkdev_read(struct blkdev *bd, void *buf, size_t len, uint64_t off);
int	blkdev_write(struct blkdev *bd, const void *buf, size_t len,
	    uint64_t off);
int	blkdev_flush(struct blkdev *bd);

#endif /* !_SYS_BLKDEV_H_ */
