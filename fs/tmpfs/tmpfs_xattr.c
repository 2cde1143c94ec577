/*
 * tmpfs_xattr.c: extended attributes, a list of (name, value) pairs per
 * node, in the order they were first set.
 *
 * Each attribute is one allocation holding the struct, the name and the
 * value.  Replacing a value allocates the new attribute before the old
 * one goes, so a failed setxattr changes nothing.  Name and size limits
 * (XATTR_NAME_MAX, XATTR_SIZE_MAX) are checked again here because the
 * node's memory depends on them.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include "fs/tmpfs/tmpfs.h"

static size_t
tmpfs_xattr_allocsize(size_t namelen, size_t size)
{
	return sizeof(struct tmpfs_xattr) + namelen + 1 + size;
}

static void
tmpfs_xattr_free(struct tmpfs_xattr *tx)
{
	kmem_free(tx, tmpfs_xattr_allocsize(tx->tx_namelen, tx->tx_size));
}

/* Free every attribute of tn (the node is going away). */
void
tmpfs_xattr_freeall(struct tmpfs_node *tn)
{
	struct tmpfs_xattr *tx;

	while ((tx = TAILQ_FIRST(&tn->tn_xattrs)) != NULL) {
		TAILQ_REMOVE(&tn->tn_xattrs, tx, tx_list);
		tmpfs_xattr_free(tx);
	}
}

/* Check an attribute name; its length in *lenp.  ERANGE if too long. */
static int
tmpfs_xattr_name(const char *name, size_t *lenp)
{
	size_t len = strnlen(name, XATTR_NAME_MAX + 1);

	if (len == 0)
		return EINVAL;
	if (len > XATTR_NAME_MAX)
		return ERANGE;
	*lenp = len;
	return 0;
}

/* Put tx just before old (sys/queue.h has no TAILQ_INSERT_BEFORE). */
static void
tmpfs_xattr_insert_before(struct tmpfs_xattr *old, struct tmpfs_xattr *tx)
{
	tx->tx_list.tqe_prev = old->tx_list.tqe_prev;
	tx->tx_list.tqe_next = old;
	*old->tx_list.tqe_prev = tx;
	old->tx_list.tqe_prev = &tx->tx_list.tqe_next;
}

static struct tmpfs_xattr *
tmpfs_xattr_find(struct tmpfs_node *tn, const char *name, size_t len)
{
	struct tmpfs_xattr *tx;

	TAILQ_FOREACH(tx, &tn->tn_xattrs, tx_list) {
		if (tx->tx_namelen == len && memcmp(tx->tx_name, name, len) == 0)
			return tx;
	}
	return NULL;
}

/*
 * vop_getxattr: vp locked shared.  With size 0 only the length is
 * returned; ERANGE if size is too small, ENOATTR if there is no such
 * attribute.
 */
int
tmpfs_getxattr(struct vnode *vp, const char *name, void *buf, size_t size,
    size_t *retlen)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	struct tmpfs_xattr *tx;
	size_t len;
	int error;

	if ((error = tmpfs_xattr_name(name, &len)) != 0)
		return error;
	if ((tx = tmpfs_xattr_find(tn, name, len)) == NULL)
		return ENOATTR;
	*retlen = tx->tx_size;
	if (size == 0)
		return 0;
	if (size < tx->tx_size)
		return ERANGE;
	memcpy(buf, tx->tx_value, tx->tx_size);
	return 0;
}

/*
 * vop_setxattr: vp locked exclusive.  XATTR_CREATE fails with EEXIST if
 * the attribute exists, XATTR_REPLACE with ENOATTR if it does not; with
 * both, one of the two always fails (as on Linux).
 */
int
tmpfs_setxattr(struct vnode *vp, const char *name, const void *buf,
    size_t size, int flags)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	struct tmpfs_xattr *old, *tx;
	size_t len;
	int error;

	if ((error = tmpfs_xattr_name(name, &len)) != 0)
		return error;
	if (size > XATTR_SIZE_MAX)
		return E2BIG;
	old = tmpfs_xattr_find(tn, name, len);
	if (old != NULL && (flags & XATTR_CREATE))
		return EEXIST;
	if (old == NULL && (flags & XATTR_REPLACE))
		return ENOATTR;

	if ((tx = kmem_alloc(tmpfs_xattr_allocsize(len, size))) == NULL)
		return ENOMEM;
	tx->tx_namelen = len;
	tx->tx_size = size;
	memcpy(tx->tx_name, name, len);
	tx->tx_name[len] = '\0';
	tx->tx_value = tx->tx_name + len + 1;
	if (size != 0)
		memcpy(tx->tx_value, buf, size);
	if (old != NULL) {
		/* Keep the attribute's place in the list order. */
		tmpfs_xattr_insert_before(old, tx);
		TAILQ_REMOVE(&tn->tn_xattrs, old, tx_list);
		tmpfs_xattr_free(old);
	} else
		TAILQ_INSERT_TAIL(&tn->tn_xattrs, tx, tx_list);
	tmpfs_update(tn, TMPFS_UPD_CTIME);
	return 0;
}

/*
 * vop_listxattr: vp locked shared.  The names, each NUL-terminated; size
 * 0 asks for the length, ERANGE if size is too small.
 */
int
tmpfs_listxattr(struct vnode *vp, char *buf, size_t size, size_t *retlen)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	struct tmpfs_xattr *tx;
	size_t total = 0;

	TAILQ_FOREACH(tx, &tn->tn_xattrs, tx_list)
		total += tx->tx_namelen + 1;
	*retlen = total;
	if (size == 0)
		return 0;
	if (size < total)
		return ERANGE;
	TAILQ_FOREACH(tx, &tn->tn_xattrs, tx_list) {
		memcpy(buf, tx->tx_name, tx->tx_namelen + 1);
		buf += tx->tx_namelen + 1;
	}
	return 0;
}

/* vop_removexattr: vp locked exclusive.  ENOATTR if absent. */
int
tmpfs_removexattr(struct vnode *vp, const char *name)
{
	struct tmpfs_node *tn = VP_TO_TMPFS(vp);
	struct tmpfs_xattr *tx;
	size_t len;
	int error;

	if ((error = tmpfs_xattr_name(name, &len)) != 0)
		return error;
	if ((tx = tmpfs_xattr_find(tn, name, len)) == NULL)
		return ENOATTR;
	TAILQ_REMOVE(&tn->tn_xattrs, tx, tx_list);
	tmpfs_xattr_free(tx);
	tmpfs_update(tn, TMPFS_UPD_CTIME);
	return 0;
}
