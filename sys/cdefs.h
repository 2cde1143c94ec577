/*
 * sys/cdefs.h: compiler helpers for kernel code.  No host header is ever
 * included by the kernel; everything it needs from the compiler is here.
 */
#ifndef _SYS_CDEFS_H_
#define _SYS_CDEFS_H_

#define __unused		__attribute__((__unused__))
#define __dead			__attribute__((__noreturn__))
#define __packed		__attribute__((__packed__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __printflike(f, a)	__attribute__((__format__(__printf__, f, a)))
#define __predict_true(x)	__builtin_expect(!!(x), 1)
#define __predict_false(x)	__builtin_expect(!!(x), 0)
#define __warn_unused		__attribute__((__warn_unused_result__))

#ifndef NULL
#define NULL			((void *)0)
#endif
#define offsetof(t, m)		__builtin_offsetof(t, m)
#define container_of(p, t, m)	((t *)((char *)(p) - offsetof(t, m)))
#define __arraycount(a)		(sizeof(a) / sizeof((a)[0]))

#define __STRING(x)		#x
#define __XSTRING(x)		__STRING(x)

#endif /* !_SYS_CDEFS_H_ */
