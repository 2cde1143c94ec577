/*
 * hyp_errno.c: host errno values to kernel errno values.
 *
 * The kernel numbers its errors itself (sys/errno_list.h), independently
 * of any host, so every error leaving a hypercall passes through here.
 * The switch is written out name by name rather than generated, because
 * several host names share a number on some hosts (EAGAIN/EWOULDBLOCK,
 * ENOTSUP/EOPNOTSUPP on Linux) and some exist on some hosts only.  Any
 * host error the kernel has no name for becomes EIO: the kernel then
 * treats it as the generic failure of the operation.
 */
#include <errno.h>

#include "hyp/hyp.h"
#include "hyp_posix.h"

/* The kernel's numbers, as K_ENOENT and so on. */
enum {
#define ERRNO(name, num, msg)	K_##name = num,
#include "sys/errno_list.h"
#undef ERRNO
};

/* The host's names for errors that only some hosts have. */
static int
errno_host_only(int error)
{
	switch (error) {
#ifdef ENOTBLK
	case ENOTBLK:		return K_ENOTBLK;
#endif
#ifdef EFTYPE
	case EFTYPE:		return K_EFTYPE;
#endif
#ifdef ENODATA
	case ENODATA:		return K_ENODATA;
#endif
#if defined(ENOATTR) && (!defined(ENODATA) || ENOATTR != ENODATA)
	case ENOATTR:		return K_ENODATA;	/* BSD's xattr error */
#endif
#ifdef EUCLEAN
	case EUCLEAN:		return K_EFSCORRUPTED;	/* Linux's name */
#endif
#if EOPNOTSUPP != ENOTSUP
	case EOPNOTSUPP:	return K_EOPNOTSUPP;
#endif
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:	return K_EAGAIN;
#endif
	default:		return K_EIO;
	}
}

/*
 * Translate the host errno value error into the kernel's number: 0 stays
 * 0, an error the kernel has no name for becomes EIO.
 */
int
hyp_posix_errno(int error)
{
	switch (error) {
	case 0:			return 0;
	case EPERM:		return K_EPERM;
	case ENOENT:		return K_ENOENT;
	case ESRCH:		return K_ESRCH;
	case EINTR:		return K_EINTR;
	case EIO:		return K_EIO;
	case ENXIO:		return K_ENXIO;
	case E2BIG:		return K_E2BIG;
	case EBADF:		return K_EBADF;
	case ENOMEM:		return K_ENOMEM;
	case EACCES:		return K_EACCES;
	case EFAULT:		return K_EFAULT;
	case EBUSY:		return K_EBUSY;
	case EEXIST:		return K_EEXIST;
	case EXDEV:		return K_EXDEV;
	case ENODEV:		return K_ENODEV;
	case ENOTDIR:		return K_ENOTDIR;
	case EISDIR:		return K_EISDIR;
	case EINVAL:		return K_EINVAL;
	case ENFILE:		return K_ENFILE;
	case EMFILE:		return K_EMFILE;
	case ETXTBSY:		return K_ETXTBSY;
	case EFBIG:		return K_EFBIG;
	case ENOSPC:		return K_ENOSPC;
	case ESPIPE:		return K_ESPIPE;
	case EROFS:		return K_EROFS;
	case EMLINK:		return K_EMLINK;
	case ERANGE:		return K_ERANGE;
	case EAGAIN:		return K_EAGAIN;
	case ENOTSUP:		return K_ENOTSUP;
	case ELOOP:		return K_ELOOP;
	case ENAMETOOLONG:	return K_ENAMETOOLONG;
	case ENOTEMPTY:		return K_ENOTEMPTY;
	case EDQUOT:		return K_EDQUOT;
	case ESTALE:		return K_ESTALE;
	case ENOLCK:		return K_ENOLCK;
	case ENOSYS:		return K_ENOSYS;
	case EOVERFLOW:		return K_EOVERFLOW;
	case ETIMEDOUT:		return K_ETIMEDOUT;
	default:		return errno_host_only(error);
	}
}
