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
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * Boot with parameters: opts is "name=value,..." where each name is a
 * parameter of ak(3) ENVIRONMENT without its AK_ prefix, in lower case
 * (memlimit=8m, fault_clock=1600000000).  Each is put into the
 * environment as AK_NAME before the kernel boots, because the host reads
 * its parameters from there (hyp_getparam); a value given here replaces
 * one already set.  A malformed list fails with EINVAL before anything
 * is set.
 */
/*
 * Split one "name=value" option of len bytes at p into AK_NAME and value;
 * false if it is malformed (no '=', an empty name, a character other
 * than a-z, 0-9, '_' in the name, or too long).
 */
static bool
opt_split(const char *p, size_t len, char *name, size_t namesz,
    char *value, size_t valuesz)
{
	const char *eq = memchr(p, '=', len);
	size_t i, nlen, vlen;

	if (eq == NULL || (nlen = (size_t)(eq - p)) == 0 ||
	    nlen + 3 >= namesz || (vlen = len - nlen - 1) >= valuesz)
		return false;
	memcpy(name, "AK_", 3);
	for (i = 0; i < nlen; i++) {
		if (!islower((unsigned char)p[i]) &&
		    !isdigit((unsigned char)p[i]) && p[i] != '_')
			return false;
		name[3 + i] = (char)toupper((unsigned char)p[i]);
	}
	name[3 + nlen] = '\0';
	memcpy(value, eq + 1, vlen);
	value[vlen] = '\0';
	return true;
}

int
ak_init_opts(const char *opts)
{
	char name[64], value[256];
	const char *p, *end;
	int pass;

	if (opts == NULL)
		return ak_init();
	for (pass = 0; pass < 2; pass++) {	/* check all, then set */
		for (p = opts; *p != '\0'; p = *end == ',' ? end + 1 : end) {
			end = p + strcspn(p, ",");
			if (!opt_split(p, (size_t)(end - p), name, sizeof(name),
			    value, sizeof(value)))
				return ak_fail(EINVAL);
			if (pass == 1 && setenv(name, value, 1) != 0)
				return -1;
		}
	}
	return ak_init();
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
