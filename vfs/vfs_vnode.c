/*
 * vfs_vnode.c: the vnode cache, references and the idle LRU.
 *
 * Vnodes are cached by (mount, key).  A referenced vnode is ACTIVE; when
 * its last reference goes, VOP_INACTIVE runs under the exclusive vnode
 * lock and the vnode joins the idle LRU, still cached, unless the driver
 * or vrecycle_later asked for it to be reclaimed at once.  The LRU is
 * bounded (AK_MAXVNODES, by default one idle vnode per 4 KiB of
 * AK_MEMLIMIT, 256 to 16384): beyond it the oldest idle vnode is
 * reclaimed.
 *
 * Lock order: vnode lock (v_lock) -> vcache_lock.  vcache_lock is never
 * held across a VOP or a sleep other than cv_wait(vcache_cv); a vnode in
 * state LOADING or RECLAIMING makes lookups wait on vcache_cv.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include "vfs/vfs_internal.h"

#define VCACHE_HASHSIZE	16384		/* buckets, power of two */

static struct kmutex	vcache_lock;
static struct kcondvar	vcache_cv;
static LIST_HEAD(, vnode) vcache_hash[VCACHE_HASHSIZE];	/* [c] */
static TAILQ_HEAD(, vnode) vcache_lru = TAILQ_HEAD_INITIALIZER(vcache_lru);
static uint32_t		vcache_nidle;	/* [c] vnodes on the LRU */
static uint32_t		vcache_maxidle;	/* [I] LRU bound */
static struct pool	vnode_pool;

/*
 * Idle vnodes kept by default: one per 4 KiB of AK_MEMLIMIT (a vnode
 * and its node take well under 1 KiB), between 256 and 16384, so that
 * the cache of a hostile image with many inodes grows with the memory
 * bound instead of beside it.
 */
static uint32_t
vcache_default_max(void)
{
	uint64_t n = kern_param_u64("AK_MEMLIMIT", 64ULL << 20) / 4096;

	return (uint32_t)MAX(256, MIN(n, 16384));
}

static inline uint32_t
vcache_hashfn(const struct mount *mp, uint64_t key)
{
	uint64_t h = (uint64_t)(uintptr_t)mp ^ (key * 0x9e3779b97f4a7c15ULL);

	h ^= h >> 29;
	return (uint32_t)h & (VCACHE_HASHSIZE - 1);
}

KCOMPONENT(vcache, COMP_VFS, vcache_init);
int
vcache_init(void)
{
	int error;

	if ((error = mutex_init(&vcache_lock)) != 0)
		return error;
	if ((error = cv_init(&vcache_cv)) != 0)
		return error;
	if ((error = pool_init(&vnode_pool, sizeof(struct vnode), "vnode")))
		return error;
	/*
	 * vcache_hash needs no LIST_INIT: static storage starts zeroed, a
	 * zeroed head is an empty list, and every chain is empty again once
	 * the mounts are gone (a later kern_init finds it so).  Writing the
	 * 128 KiB of heads here cost 32 page faults, a fifth of those of
	 * a one-shot `fsu_ls IMAGE /`.
	 */
	vcache_maxidle = (uint32_t)kern_param_u64("AK_MAXVNODES",
	    vcache_default_max());
	return 0;
}

/* Free a vnode that is out of the hash and has no references. */
static void
vnode_free(struct vnode *vp)
{
	rw_destroy(&vp->v_lock);
	pool_put(&vnode_pool, vp);
}

/*
 * Reclaim vp: it is RECLAIMING, off the LRU, unreferenced.  Called
 * without vcache_lock; takes it to unhash the vnode.
 */
static void
vnode_reclaim(struct vnode *vp)
{
	int error;

	if ((error = vp->v_op->vop_reclaim(vp)) != 0)
		printf("vfs: reclaim of vnode %llu failed: %s\n",
		    (unsigned long long)vp->v_key, strerror(error));
	mutex_enter(&vcache_lock);
	LIST_REMOVE(vp, v_hash);
	TAILQ_REMOVE(&vp->v_mount->mnt_vnodes, vp, v_mntvnodes);
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
	vnode_free(vp);
}

/* Take the oldest idle vnode off the LRU for reclaim, or NULL. */
static struct vnode *
vcache_trim_one(void)
{
	struct vnode *vp;

	KASSERT(mutex_owned(&vcache_lock));
	if (vcache_nidle <= vcache_maxidle)
		return NULL;
	vp = TAILQ_FIRST(&vcache_lru);
	TAILQ_REMOVE(&vcache_lru, vp, v_lru);
	vcache_nidle--;
	vp->v_state = VS_RECLAIMING;
	return vp;
}

/* Allocate a LOADING vnode for (mp, key) and hash it; vcache_lock held. */
static struct vnode *
vcache_alloc(struct mount *mp, uint64_t key, uint32_t h)
{
	struct vnode *vp;

	if ((vp = pool_zget(&vnode_pool)) == NULL)
		return NULL;
	if (rw_init(&vp->v_lock) != 0) {
		pool_put(&vnode_pool, vp);
		return NULL;
	}
	vp->v_state = VS_LOADING;
	vp->v_usecount = 1;
	vp->v_mount = mp;
	vp->v_key = key;
	LIST_INSERT_HEAD(&vcache_hash[h], vp, v_hash);
	TAILQ_INSERT_TAIL(&mp->mnt_vnodes, vp, v_mntvnodes);
	return vp;
}

int
vcache_get(struct mount *mp, uint64_t key, struct vnode **vpp)
{
	uint32_t h = vcache_hashfn(mp, key);
	struct vnode *vp;
	int error;

	mutex_enter(&vcache_lock);
again:
	LIST_FOREACH(vp, &vcache_hash[h], v_hash)
		if (vp->v_mount == mp && vp->v_key == key)
			break;
	if (vp != NULL) {
		if (vp->v_state != VS_ACTIVE) {
			cv_wait(&vcache_cv, &vcache_lock);
			goto again;
		}
		if (vp->v_usecount++ == 0) {
			TAILQ_REMOVE(&vcache_lru, vp, v_lru);
			vcache_nidle--;
		}
		mutex_exit(&vcache_lock);
		*vpp = vp;
		return 0;
	}
	vp = vcache_alloc(mp, key, h);
	mutex_exit(&vcache_lock);
	if (vp == NULL)
		return ENOMEM;

	error = mp->mnt_op->vfs_loadvnode(mp, vp, key);

	mutex_enter(&vcache_lock);
	if (error != 0) {
		LIST_REMOVE(vp, v_hash);
		TAILQ_REMOVE(&mp->mnt_vnodes, vp, v_mntvnodes);
		cv_broadcast(&vcache_cv);
		mutex_exit(&vcache_lock);
		vnode_free(vp);
		return error;
	}
	KASSERT(vp->v_op != NULL && vp->v_type != VNON);
	vp->v_state = VS_ACTIVE;
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
	*vpp = vp;
	return 0;
}

void
vref(struct vnode *vp)
{
	mutex_enter(&vcache_lock);
	KASSERT(vp->v_usecount > 0 && vp->v_state == VS_ACTIVE);
	vp->v_usecount++;
	mutex_exit(&vcache_lock);
}

void
vrecycle_later(struct vnode *vp)
{
	mutex_enter(&vcache_lock);
	vp->v_recycle = true;
	mutex_exit(&vcache_lock);
}

/*
 * Drop a reference.  The last one runs VOP_INACTIVE (vnode lock held
 * exclusive, vcache_lock not held) and then either parks the vnode on
 * the idle LRU or reclaims it.  The caller holds no vnode lock of a
 * descendant of vp (lock order).
 */
void
vrele(struct vnode *vp)
{
	struct vnode *victim;
	bool recycle = false;

	mutex_enter(&vcache_lock);
	KASSERT(vp->v_usecount > 0);
	if (vp->v_usecount > 1) {
		vp->v_usecount--;
		mutex_exit(&vcache_lock);
		return;
	}
	mutex_exit(&vcache_lock);

	rw_enter(&vp->v_lock, RW_WRITER);
	if (vp->v_op->vop_inactive != NULL)
		(void)vp->v_op->vop_inactive(vp, &recycle);
	rw_exit(&vp->v_lock);

	mutex_enter(&vcache_lock);
	if (--vp->v_usecount > 0) {
		/* Revived by vcache_get while inactive ran. */
		mutex_exit(&vcache_lock);
		return;
	}
	if (recycle || vp->v_recycle || vp->v_mount->mnt_unmounting) {
		vp->v_state = VS_RECLAIMING;
		mutex_exit(&vcache_lock);
		vnode_reclaim(vp);
		return;
	}
	TAILQ_INSERT_TAIL(&vcache_lru, vp, v_lru);
	vcache_nidle++;
	victim = vcache_trim_one();
	mutex_exit(&vcache_lock);
	if (victim != NULL)
		vnode_reclaim(victim);
}

void
vput(struct vnode *vp)
{
	vn_unlock(vp);
	vrele(vp);
}

void
vn_lock(struct vnode *vp, enum krw_t op)
{
	rw_enter(&vp->v_lock, op);
}

void
vn_unlock(struct vnode *vp)
{
	rw_exit(&vp->v_lock);
}

/*
 * Unmount support: fail with EBUSY if any vnode of mp other than its
 * root (held once by the mount) is referenced; otherwise reclaim all
 * idle vnodes of mp.  The root vnode is left to the caller.
 * Called with the mount lock held exclusive.
 */
int
vflush(struct mount *mp)
{
	struct vnode *vp, *next;
	TAILQ_HEAD(, vnode) doomed = TAILQ_HEAD_INITIALIZER(doomed);

	mutex_enter(&vcache_lock);
	TAILQ_FOREACH(vp, &mp->mnt_vnodes, v_mntvnodes) {
		if (vp->v_state == VS_LOADING ||
		    (vp->v_usecount > 0 &&
		    !(vp == mp->mnt_rootvp && vp->v_usecount == 1))) {
			mutex_exit(&vcache_lock);
			return EBUSY;
		}
	}
	mp->mnt_unmounting = true;
	TAILQ_FOREACH_SAFE(vp, &mp->mnt_vnodes, v_mntvnodes, next) {
		if (vp->v_usecount != 0 || vp->v_state != VS_ACTIVE)
			continue;
		TAILQ_REMOVE(&vcache_lru, vp, v_lru);
		vcache_nidle--;
		vp->v_state = VS_RECLAIMING;
		TAILQ_INSERT_TAIL(&doomed, vp, v_lru);
	}
	mutex_exit(&vcache_lock);
	while ((vp = TAILQ_FIRST(&doomed)) != NULL) {
		TAILQ_REMOVE(&doomed, vp, v_lru);
		vnode_reclaim(vp);
	}
	return 0;
}

/* Undo the unmounting mark when an unmount fails after vflush. */
void
vflush_abort(struct mount *mp)
{
	mutex_enter(&vcache_lock);
	mp->mnt_unmounting = false;
	mutex_exit(&vcache_lock);
}

/* Whether mp has no cached vnodes left (after the root is released). */
bool
vcache_mount_empty(struct mount *mp)
{
	bool empty;

	mutex_enter(&vcache_lock);
	empty = TAILQ_EMPTY(&mp->mnt_vnodes);
	mutex_exit(&vcache_lock);
	return empty;
}
