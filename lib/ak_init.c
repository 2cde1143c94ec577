/*
 * ak_init.c: booting and stopping the kernel, credentials, and the
 * registered file system types.
 *
 * The kernel boots at most once per process (kapi_init and kapi_fini are
 * "once each"), so the library keeps a small state machine under a mutex:
 *
 *	AK_DOWN --ak_init--> AK_UP --ak_fini--> AK_DONE
 *	   ^                  |
 *	   +--kapi_init fails-+
 *
 * ak_init while up, or after ak_fini, fails with EBUSY; ak_fini while not
 * up fails with EINVAL.  A failed kapi_init leaves AK_DOWN so the caller
 * may fix the environment and retry.  The mutex only orders ak_init and
 * ak_fini against each other; ak_sys_* calls are not checked (calling
 * them outside ak_init..ak_fini is undefined, as documented in ak(3)).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "lib/ak_impl.h"

enum ak_state {
	AK_DOWN,	/* never booted, or the last boot failed */
	AK_UP,		/* kernel running */
	AK_DONE		/* kernel stopped; cannot boot again */
};

static pthread_mutex_t ak_state_lock = PTHREAD_MUTEX_INITIALIZER;
static enum ak_state ak_state = AK_DOWN;	/* [ak_state_lock] */

int
ak_init(void)
{
	int error = 0;

	pthread_mutex_lock(&ak_state_lock);
	if (ak_state != AK_DOWN) {
		pthread_mutex_unlock(&ak_state_lock);
		return ak_fail(EBUSY);
	}
	if ((error = kapi_init()) == 0)
		ak_state = AK_UP;
	pthread_mutex_unlock(&ak_state_lock);
	return ak_ret(error);
}

int
ak_fini(void)
{
	pthread_mutex_lock(&ak_state_lock);
	if (ak_state != AK_UP) {
		pthread_mutex_unlock(&ak_state_lock);
		return ak_fail(EINVAL);
	}
	kapi_fini();
	ak_state = AK_DONE;
	pthread_mutex_unlock(&ak_state_lock);
	return 0;
}

/*
 * Give the calling thread its own credential.  The groups are copied to
 * the kernel's 32-bit type; the kernel checks ngroups against its limit.
 */
int
ak_setcred(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
	uint32_t *kgroups = NULL;
	int i, error;

	if (ngroups < 0 || (ngroups > 0 && groups == NULL))
		return ak_fail(EINVAL);
	if (ngroups > 0) {
		kgroups = malloc((size_t)ngroups * sizeof(*kgroups));
		if (kgroups == NULL)
			return ak_fail(ENOMEM);
		for (i = 0; i < ngroups; i++)
			kgroups[i] = (uint32_t)groups[i];
	}
	error = kapi_setcred((uint32_t)uid, (uint32_t)gid, (uint32_t)ngroups,
	    kgroups);
	free(kgroups);
	return ak_ret(error);
}

int
ak_clearcred(void)
{
	kapi_clearcred();
	return 0;
}

/*
 * Name of registered type number index, or NULL past the last one
 * (errno untouched, like readdir at the end) or on error (errno set).
 */
const char *
ak_fstype(int index)
{
	const char *name;
	int error;

	if (index < 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((error = kapi_fstype(index, &name)) != 0) {
		if (ak_errno_k2h(error) != ENOENT)
			errno = ak_errno_k2h(error);
		return NULL;
	}
	return name;
}

/* AK_FSCAP_* bits of a type (name or alias), or -1 (ENODEV if unknown). */
long
ak_fscaps(const char *fstype)
{
	uint32_t kcaps;
	int error;

	if (fstype == NULL)
		return ak_fail(EINVAL);
	if ((error = kapi_fscaps(fstype, &kcaps)) != 0)
		return ak_ret(error);
	return ak_fscaps_k2h(kcaps);
}
