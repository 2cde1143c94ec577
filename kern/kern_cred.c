/*
 * kern_cred.c: credentials.  A credential is immutable once made and
 * shared by reference count, so readers need no lock.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/lwp.h>

static struct kcred kcred_root_store = {
	.cr_refcnt = 1,		/* never freed */
	.cr_uid = 0,
	.cr_gid = 0,
	.cr_ngroups = 0,
};
struct kcred *kcred_root = &kcred_root_store;

struct kcred *
kcred_alloc(uint32_t uid, uint32_t gid, uint32_t ngroups,
    const uint32_t *groups)
{
	struct kcred *cr;
	uint32_t i;

	if (ngroups > NGROUPS_MAX)
		return NULL;
	if ((cr = kmem_zalloc(sizeof(*cr))) == NULL)
		return NULL;
	cr->cr_refcnt = 1;
	cr->cr_uid = uid;
	cr->cr_gid = gid;
	cr->cr_ngroups = ngroups;
	for (i = 0; i < ngroups; i++)
		cr->cr_groups[i] = groups[i];
	return cr;
}

void
kcred_hold(struct kcred *cr)
{
	atomic_inc_32(&cr->cr_refcnt);
}

void
kcred_free(struct kcred *cr)
{
	if (atomic_dec_32(&cr->cr_refcnt) == 0) {
		KASSERT(cr != kcred_root);
		kmem_free(cr, sizeof(*cr));
	}
}

bool
kcred_groupmember(const struct kcred *cr, uint32_t gid)
{
	uint32_t i;

	if (cr->cr_gid == gid)
		return true;
	for (i = 0; i < cr->cr_ngroups; i++)
		if (cr->cr_groups[i] == gid)
			return true;
	return false;
}
