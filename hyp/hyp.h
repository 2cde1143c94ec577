/*
 * hyp.h: the hypercall interface, version 1.
 *
 * This is the one contract between the anykernel and the host it runs on.
 * Everything the kernel needs from the outside world (memory, threads,
 * locks, clocks, block storage, randomness, a console, parameters) is a
 * call declared here.  The kernel side includes this header with _KERNEL
 * defined; a host implementation (hyp/<host>/) includes it with _HYP
 * defined and nothing else from the kernel.
 *
 * Rules (after NetBSD's rumpuser(3)):
 *  - only fixed-width integers, pointers and opaque handles cross the line:
 *    no off_t, no enums, no host structures;
 *  - an int hypercall returns 0 or a *kernel* errno (sys/errno_list.h),
 *    translated by the host implementation; a void hypercall cannot fail;
 *  - a hypercall that may block says so in docs/hypercall.md; the kernel
 *    holds no spin state across one.
 *
 * This header includes nothing: it must build on any host and in the
 * freestanding kernel alike.
 */
#ifndef _HYP_HYP_H_
#define _HYP_HYP_H_

#if !defined(_KERNEL) && !defined(_HYP)
#error "hyp.h is for the kernel (_KERNEL) or a hypervisor (_HYP) only"
#endif

#define HYP_VERSION	1

/* Types shared with the host: only compiler-provided fixed-width types. */
typedef __UINT8_TYPE__	hyp_u8;
typedef __UINT32_TYPE__	hyp_u32;
typedef __INT32_TYPE__	hyp_i32;
typedef __UINT64_TYPE__	hyp_u64;
typedef __INT64_TYPE__	hyp_i64;

/* Opaque handles: defined by each host, never dereferenced by the kernel. */
struct hyp_mtx;
struct hyp_rw;
struct hyp_cv;
struct hyp_thread;
struct hyp_blk;

/*
 * Initialisation.
 */

/*
 * Upcalls: kernel functions the host calls.  hu_lwp_exit is called when a
 * host thread that has a kernel context (hyp_curlwp_set) exits, so the
 * kernel can free it.  Any member may be NULL.
 */
struct hyp_upcalls {
	void	(*hu_lwp_exit)(void *l);
};

/* Check the version and prepare the host; first call made. */
int	hyp_init(hyp_u32 version, const struct hyp_upcalls *up);

/*
 * Parameters.  Names are "AK_MEMLIMIT", "AK_NCPU", "AK_VERBOSE"; the value is
 * returned as a NUL-terminated string.  ENOENT if unset, ENAMETOOLONG if
 * buf is too small.
 */
int	hyp_getparam(const char *name, char *buf, hyp_u64 buflen);

/*
 * Memory.  align is a power of two (0 means natural).  ENOMEM on failure.
 * hyp_free gets the size that was allocated.
 */
int	hyp_malloc(hyp_u64 size, hyp_u64 align, void **ret);
void	hyp_free(void *p, hyp_u64 size);

/*
 * Console and termination.
 */
void	hyp_console_write(const char *buf, hyp_u64 len);
__attribute__((__noreturn__)) void hyp_exit(int status);
__attribute__((__noreturn__)) void hyp_abort(void);

/*
 * Clocks.  HYP_CLOCK_WALL is the calendar time (UTC), HYP_CLOCK_MONO never
 * goes backwards.  hyp_clock_sleep sleeps for a relative interval (blocks).
 */
#define HYP_CLOCK_WALL	0
#define HYP_CLOCK_MONO	1
int	hyp_clock_gettime(hyp_u32 clk, hyp_i64 *sec, hyp_i64 *nsec);
int	hyp_clock_sleep(hyp_i64 sec, hyp_i64 nsec);

/*
 * Random bytes: fills buf completely or fails (EIO).
 */
int	hyp_getrandom(void *buf, hyp_u64 len);

/*
 * Threads.  A thread created joinable must be joined.  Each host thread
 * carries one kernel pointer of context ("curlwp"), set and read here; a
 * host thread that enters the kernel for the first time has NULL.
 */
#define HYP_THREAD_JOINABLE	0x01
int	hyp_thread_create(void *(*fn)(void *), void *arg, const char *name,
	    hyp_u32 flags, struct hyp_thread **ret);
int	hyp_thread_join(struct hyp_thread *t);
__attribute__((__noreturn__)) void hyp_thread_exit(void);
void	hyp_curlwp_set(void *l);
void	*hyp_curlwp(void);

/*
 * Mutexes, reader/writer locks and condition variables.  The kernel
 * tracks owners itself; these are plain host primitives.  Initialisation
 * may fail with ENOMEM; all other calls cannot fail.
 */
int	hyp_mutex_init(struct hyp_mtx **ret);
void	hyp_mutex_enter(struct hyp_mtx *m);
int	hyp_mutex_tryenter(struct hyp_mtx *m);	/* 0 or EBUSY */
void	hyp_mutex_exit(struct hyp_mtx *m);
void	hyp_mutex_destroy(struct hyp_mtx *m);

#define HYP_RW_READER	0
#define HYP_RW_WRITER	1
int	hyp_rw_init(struct hyp_rw **ret);
void	hyp_rw_enter(struct hyp_rw *rw, hyp_u32 op);
int	hyp_rw_tryenter(struct hyp_rw *rw, hyp_u32 op);	/* 0 or EBUSY */
void	hyp_rw_exit(struct hyp_rw *rw);
void	hyp_rw_destroy(struct hyp_rw *rw);

int	hyp_cv_init(struct hyp_cv **ret);
void	hyp_cv_wait(struct hyp_cv *cv, struct hyp_mtx *m);
/* Relative timeout; returns 0 if signalled, ETIMEDOUT otherwise. */
int	hyp_cv_timedwait(struct hyp_cv *cv, struct hyp_mtx *m,
	    hyp_i64 sec, hyp_i64 nsec);
void	hyp_cv_signal(struct hyp_cv *cv);
void	hyp_cv_broadcast(struct hyp_cv *cv);
void	hyp_cv_destroy(struct hyp_cv *cv);

/*
 * Checksums the CPU may compute faster than the kernel's tables.
 * hyp_crc32c_fn returns the host's CRC-32C routine, with the contract of
 * the kernel's crc32c (reflected polynomial 0x82F63B78, register passed
 * in and returned without inversion, any alignment), or NULL when the
 * CPU has no such instruction.  The routine only uses the CPU.
 */
typedef hyp_u32 (*hyp_crc32c_t)(hyp_u32 crc, const void *buf, hyp_u64 len);
hyp_crc32c_t hyp_crc32c_fn(void);

/*
 * Block objects: a host file or host block device used as backing store.
 * All block I/O of the kernel passes hyp_blk_read/hyp_blk_write (the one
 * dispatch point a test host wraps).
 */
#define HYP_BLK_RDONLY	0x01	/* open read-only */
#define HYP_BLK_RDWR	0x02	/* open read-write */
#define HYP_BLK_CREAT	0x04	/* create a regular file if missing */
#define HYP_BLK_LOCK_SH	0x10	/* take a shared lock, EBUSY if held excl. */
#define HYP_BLK_LOCK_EX	0x20	/* take an exclusive lock, EBUSY if held */

#define HYP_BLKTYPE_FILE 1	/* regular file: byte-granular, can grow */
#define HYP_BLKTYPE_DEV	2	/* block device: fixed size */

struct hyp_iovec {
	void	*iov_base;	/* buffer */
	hyp_u64	 iov_len;	/* its length in bytes */
};
#define HYP_IOV_MAX	64	/* most iovecs one call takes */

int	hyp_blk_open(const char *name, hyp_u32 flags, struct hyp_blk **ret);
/* Size in bytes, HYP_BLKTYPE_*, and logical sector size (512 for files). */
int	hyp_blk_getinfo(struct hyp_blk *b, hyp_u64 *size, hyp_u32 *type,
	    hyp_u32 *secsize);
/*
 * Scatter-gather transfer at byte offset off.  *done gets the bytes moved;
 * a read past the end of a file is short, not an error.  Blocks.
 */
int	hyp_blk_read(struct hyp_blk *b, const struct hyp_iovec *iov,
	    hyp_u32 iovcnt, hyp_u64 off, hyp_u64 *done);
int	hyp_blk_write(struct hyp_blk *b, const struct hyp_iovec *iov,
	    hyp_u32 iovcnt, hyp_u64 off, hyp_u64 *done);
/* Durability barrier: every completed write is on stable storage. */
int	hyp_blk_flush(struct hyp_blk *b);
/* Set the size of a HYP_BLKTYPE_FILE object (grow sparse or shrink). */
int	hyp_blk_setsize(struct hyp_blk *b, hyp_u64 size);
int	hyp_blk_close(struct hyp_blk *b);

/*
 * Decompression codecs (a service for squashfs, qcow2, zisofs).  The host
 * decompresses one whole buffer: src holds a complete stream in the
 * format the on-disk users store (HYP_CODEC_ZLIB: a zlib stream with its
 * header and Adler-32; HYP_CODEC_XZ: an .xz stream; HYP_CODEC_LZMA: a
 * legacy .lzma "alone" stream; HYP_CODEC_LZO: raw LZO1X; HYP_CODEC_LZ4: a
 * raw LZ4 block; HYP_CODEC_ZSTD: a zstd frame).  On success *dstlen gets
 * the bytes written to dst.  Errors: ENOTSUP for a codec the host lacks,
 * EINVAL for corrupt or truncated input (or a stream that would need more
 * decoder memory than the host allows), EFBIG when the output would not
 * fit in dstcap, ENOMEM.  Does not block on anything but the CPU; any
 * thread may call it concurrently.  hyp_codec_available returns 0 or
 * ENOTSUP.
 */
#define HYP_CODEC_ZLIB	1
#define HYP_CODEC_LZMA	2
#define HYP_CODEC_LZO	3
#define HYP_CODEC_XZ	4
#define HYP_CODEC_LZ4	5
#define HYP_CODEC_ZSTD	6
int	hyp_codec_available(hyp_u32 codec);
int	hyp_codec_decompress(hyp_u32 codec, const void *src, hyp_u64 srclen,
	    void *dst, hyp_u64 dstcap, hyp_u64 *dstlen);

#endif /* !_HYP_HYP_H_ */
