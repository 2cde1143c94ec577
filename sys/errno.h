/*
 * sys/errno.h: kernel error numbers (positive; 0 means success).
 * The list lives in sys/errno_list.h so that clients can translate.
 */
#ifndef _SYS_ERRNO_H_
#define _SYS_ERRNO_H_

enum kerrno {
#define ERRNO(name, num, msg)	name = num,
#include <sys/errno_list.h>
#undef ERRNO
	EWOULDBLOCK = EAGAIN,
	ENOATTR = ENODATA,	/* missing extended attribute (Linux ENODATA) */
	EFSCORRUPT = EFSCORRUPTED,
};

const char *strerror(int error);

#endif /* !_SYS_ERRNO_H_ */
