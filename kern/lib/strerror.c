/*
 * strerror: the message of a kernel error number.
 *
 * The table is built from the X-macro list sys/errno_list.h, indexed by
 * number (designated initializers, so the list's order and its gaps do
 * not matter); numbers outside the list give "Unknown error".
 */
#include <sys/libkern.h>
#include <sys/errno.h>

static const char *const errmsg[] = {
#define ERRNO(name, num, msg)	[num] = msg,
#include <sys/errno_list.h>
#undef ERRNO
};

const char *
strerror(int error)
{
	if (error <= 0 || (size_t)error >= __arraycount(errmsg) ||
	    errmsg[error] == NULL)
		return "Unknown error";
	return errmsg[error];
}
