/*
 * sys/systm.h: core kernel services every file may use: console output,
 * panic and assertions, time, randomness, parameters, components.
 */
#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/libkern.h>

/* Console output (kern/kern_printf.c). */
int	printf(const char *fmt, ...) __printflike(1, 2);
int	vprintf(const char *fmt, va_list ap);
void	log_debug(int level, const char *fmt, ...) __printflike(2, 3);
extern int kern_verbose;	/* AK_VERBOSE: 0 quiet, 1 warnings, 2+ debug */

/* Termination on a broken kernel invariant (never for bad disk data). */
__dead void panic(const char *fmt, ...) __printflike(1, 2);

#ifdef DIAGNOSTIC
#define KASSERT(e)	((e) ? (void)0 : \
	panic("kernel assertion \"%s\" failed: %s:%d", #e, __FILE__, __LINE__))
#define KASSERTMSG(e, ...)	((e) ? (void)0 : panic(__VA_ARGS__))
#else
#define KASSERT(e)		((void)0)
#define KASSERTMSG(e, ...)	((void)0)
#endif
#define CTASSERT(e)	_Static_assert(e, #e)

/*
 * Corrupt on-disk data: log where it was found and return EFSCORRUPTED.
 * Usage: return FS_CORRUPT("ext2", "bad inode %u", ino);
 */
int	fs_corrupt(const char *fs, const char *func, int line,
	    const char *fmt, ...) __printflike(4, 5);
#define FS_CORRUPT(fs, ...)	fs_corrupt(fs, __func__, __LINE__, __VA_ARGS__)

/* Time (kern/kern_time.c). */
void	getnanotime(struct ktimespec *ts);	/* wall clock, UTC */
void	getnanouptime(struct ktimespec *ts);	/* monotonic */
uint64_t getuptime_ns(void);			/* monotonic, in ns */
int	kpause(uint64_t ns);			/* sleep */

/* Randomness: fills buf or fails with EIO. */
int	cprng_bytes(void *buf, size_t len);
uint32_t cprng_u32(void);

/* Parameters from the host (AK_MEMLIMIT, ...); def when unset/invalid. */
uint64_t kern_param_u64(const char *name, uint64_t def);

/*
 * Components: each subsystem or driver declares one init function with
 *	KCOMPONENT(name, level, fn);
 * at the start of a line; tools/mktables.sh collects them into a table
 * that kern_init() runs in ascending level order.
 */
#define COMP_KERN	10	/* kernel core: kmem, locks, threads */
#define COMP_BIO	20	/* buffer cache and devices */
#define COMP_VFS	30	/* VFS core */
#define COMP_FS		40	/* file system drivers: register a vfsops */
#define COMP_LATE	50	/* after all file systems */
struct kcomponent {
	const char	*kc_name;	/* for messages */
	int		 kc_level;	/* COMP_* */
	int		(*kc_init)(void); /* returns 0 or errno */
};
#define KCOMPONENT(name, level, fn)	int fn(void)
extern const struct kcomponent kcomponents[];
extern const int nkcomponents;

/* Kernel start and stop (kern/kern_init.c), called by libak. */
int	kern_init(void);
void	kern_fini(void);

#endif /* !_SYS_SYSTM_H_ */
