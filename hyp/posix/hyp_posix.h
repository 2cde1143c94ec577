/*
 * hyp_posix.h: internals shared by the files of the POSIX host.
 *
 * Nothing here is part of the hypercall contract.  The symbols are hidden
 * so that a shared libak does not export them; a host test program that
 * links the objects directly may still call them.
 */
#ifndef _HYP_POSIX_HYP_POSIX_H_
#define _HYP_POSIX_HYP_POSIX_H_

#include "hyp/hyp.h"

#define HYP_HIDDEN	__attribute__((__visibility__("hidden")))

/* The upcalls registered by hyp_init (members may be NULL). */
extern struct hyp_upcalls hyp_posix_upcalls HYP_HIDDEN;

/* Translate a host errno value into the kernel's number (EIO if unknown). */
int	hyp_posix_errno(int error) HYP_HIDDEN;

/* Create the curlwp key; called by hyp_init, safe to call again. */
int	hyp_posix_thread_init(void) HYP_HIDDEN;

/* Fill buf from /dev/urandom: the fallback of hyp_getrandom.  0 or EIO. */
int	hyp_posix_urandom(void *buf, hyp_u64 len) HYP_HIDDEN;

/* Report a failed host primitive that cannot fail by contract, and abort. */
__attribute__((__noreturn__)) void
	hyp_posix_fatal(const char *what, int error) HYP_HIDDEN;

#endif /* !_HYP_POSIX_HYP_POSIX_H_ */
