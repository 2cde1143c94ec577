/*
 * sys/ktypes.h: the kernel's basic types, from compiler-provided macros.
 *
 * The typedefs name the same types a C library uses for the same names on
 * the same ABI, so client code (libak) may include this (and the client
 * API headers built on it: sys/kapi.h, sys/vattr.h) next to the host's
 * <stdint.h> without conflict.  For that reason this header defines no
 * macro that a host header might also define; those are in sys/param.h.
 */
#ifndef _SYS_KTYPES_H_
#define _SYS_KTYPES_H_

typedef __INT8_TYPE__		int8_t;
typedef __INT16_TYPE__		int16_t;
typedef __INT32_TYPE__		int32_t;
typedef __INT64_TYPE__		int64_t;
typedef __UINT8_TYPE__		uint8_t;
typedef __UINT16_TYPE__		uint16_t;
typedef __UINT32_TYPE__		uint32_t;
typedef __UINT64_TYPE__		uint64_t;
typedef __INTPTR_TYPE__		intptr_t;
typedef __UINTPTR_TYPE__	uintptr_t;
typedef __SIZE_TYPE__		size_t;
typedef __builtin_va_list	va_list;

#if !defined(__cplusplus) && !defined(bool)
#define bool	_Bool
#define true	1
#define false	0
#endif

/* Time as the kernel keeps it: seconds and nanoseconds since the epoch. */
struct ktimespec {
	int64_t	tv_sec;		/* seconds */
	int64_t	tv_nsec;	/* nanoseconds, 0..999999999 */
};

#endif /* !_SYS_KTYPES_H_ */
