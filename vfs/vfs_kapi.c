/*
 * vfs_kapi.c: kernel entry points for clients that are not system
 * calls: start, stop, per-thread credentials, file system types.
 */
#include <sys/systm.h>
#include <sys/lwp.h>
#include <sys/mount.h>
#include <sys/kapi.h>
#include "vfs/vfs_internal.h"

static bool kapi_running;

int
kapi_init(void)
{
	int error;

	if (kapi_running)
		return EBUSY;
	if ((error = kern_init()) != 0)
		return error;
	kapi_running = true;
	return 0;
}

void
kapi_fini(void)
{
	if (!kapi_running)
		return;
	(void)curlwp();
	kern_fini();
	kapi_running = false;
}

const char *
kapi_strerror(int error)
{
	return strerror(error);
}

int
kapi_setcred(uint32_t uid, uint32_t gid, uint32_t ngroups,
    const uint32_t *groups)
{
	struct kcred *cr;
	struct lwp *l;
	int error;

	if ((l = curlwp_try(&error)) == NULL)
		return error;
	if (ngroups > NGROUPS_MAX)
		return EINVAL;
	if ((cr = kcred_alloc(uid, gid, ngroups, groups)) == NULL)
		return ENOMEM;
	lwp_setcred(l, cr);
	kcred_free(cr);
	return 0;
}

void
kapi_clearcred(void)
{
	struct lwp *l;
	int error;

	if ((l = curlwp_try(&error)) != NULL)
		lwp_setcred(l, NULL);
}

int
kapi_fscaps(const char *fstype, uint32_t *caps)
{
	const struct vfsops *ops;

	if ((ops = vfs_getopsbyname(fstype)) == NULL)
		return ENODEV;
	*caps = ops->vfs_caps;
	return 0;
}

int
kapi_fstype(int index, const char **name)
{
	const struct vfsops *ops;

	if ((ops = vfs_getopsbyindex(index)) == NULL)
		return ENOENT;
	*name = ops->vfs_name;
	return 0;
}
