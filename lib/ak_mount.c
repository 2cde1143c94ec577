/*
 * ak_mount.c: mounting and unmounting in the kernel's namespace, and
 * sync.  The AK_MNT_* flags of ak.h are translated to the kernel's
 * MNT_*; a flag that does not belong to the call is EINVAL.
 */
#include <errno.h>

#include "lib/ak_impl.h"

int
ak_sys_mount(const char *fstype, const char *dir, int flags,
    const char *source, const char *opts)
{
	int kflags, error;

	error = ak_mntflags_h2k(flags,
	    AK_MNT_RDONLY | AK_MNT_NOATIME | AK_MNT_SYNCHRONOUS, &kflags);
	if (error != 0)
		return ak_fail(error);
	return ak_ret(sys_mount(fstype, dir, kflags, source, opts));
}

int
ak_sys_unmount(const char *dir, int flags)
{
	int kflags, error;

	if ((error = ak_mntflags_h2k(flags, AK_MNT_FORCE, &kflags)) != 0)
		return ak_fail(error);
	return ak_ret(sys_unmount(dir, kflags));
}

/* Like sync(2), this cannot fail: a write error shows at fsync or unmount. */
void
ak_sys_sync(void)
{
	(void)sys_sync();
}
