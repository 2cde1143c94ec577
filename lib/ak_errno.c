/*
 * ak_errno.c: kernel errno to host errno, and the -1/errno convention.
 *
 * The kernel numbers its errors itself (sys/errno_list.h); every ak_sys_*
 * call that fails goes through ak_ret(), which stores the host's number
 * for the same name in errno and returns -1 (musl's __syscall_ret).  The
 * switch is generated from the list, so a kernel errno added there is
 * translated as soon as the host knows its name, and fails the build if
 * it does not: then give it a fallback below.
 *
 * Names a host may lack, and what they become:
 *	EFSCORRUPTED	EUCLEAN on Linux ("Structure needs cleaning", what
 *			Linux file systems report for corruption), else
 *			EINTEGRITY (FreeBSD), else EIO.
 *	EFTYPE		kept on the BSDs and macOS.  Linux has no
 *			equivalent; the kernel uses it for "not a file
 *			system of this type" (probe, mount), so it becomes
 *			EMEDIUMTYPE ("Wrong medium type"), which callers can
 *			still tell apart from a bad argument, else EINVAL.
 *	ENODATA		(the kernel's ENOATTR) ENOATTR where the host has no
 *			ENODATA (FreeBSD).
 *	ENOTBLK		EINVAL where the host lacks it.
 * A kernel errno that is not in the list (a kernel bug) becomes EIO.
 */
#include <errno.h>

#include "lib/ak_impl.h"

#ifndef EFSCORRUPTED
#if defined(EUCLEAN)
#define EFSCORRUPTED	EUCLEAN
#elif defined(EINTEGRITY)
#define EFSCORRUPTED	EINTEGRITY
#else
#define EFSCORRUPTED	EIO
#endif
#endif

#ifndef EFTYPE
#if defined(EMEDIUMTYPE)
#define EFTYPE		EMEDIUMTYPE
#else
#define EFTYPE		EINVAL
#endif
#endif

#if !defined(ENODATA) && defined(ENOATTR)
#define ENODATA		ENOATTR
#endif

#ifndef ENOTBLK
#define ENOTBLK		EINVAL
#endif

/*
 * Return the host errno for kernel errno kerror (positive).  0 stays 0.
 */
int
ak_errno_k2h(int kerror)
{
	switch (kerror) {
	case 0:
		return 0;
#define ERRNO(name, num, msg)	case num: return name;
#include "sys/errno_list.h"
#undef ERRNO
	default:
		return EIO;
	}
}

/*
 * Finish a call that returns int: 0 on success, else -1 with errno set
 * to the host's translation of kerror.
 */
int
ak_ret(int kerror)
{
	if (kerror == 0)
		return 0;
	errno = ak_errno_k2h(kerror);
	return -1;
}

/*
 * Finish a call that returns a count: done on success, else -1 with
 * errno set.  Callers clamp their lengths with ak_clamp() so done always
 * fits; a kernel that returns more than that is reported, not truncated.
 */
ssize_t
ak_ret_size(int kerror, size_t done)
{
	if (kerror != 0)
		return ak_ret(kerror);
	if (done > SSIZE_MAX)
		return ak_fail(EOVERFLOW);
	return (ssize_t)done;
}

/* Fail with a host errno found by libak itself (not the kernel). */
int
ak_fail(int herror)
{
	errno = herror;
	return -1;
}
