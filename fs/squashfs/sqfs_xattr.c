/*
 * sqfs_xattr.c: extended attributes.  An inode's xattr id selects an
 * entry of the xattr id table (reference into the key/value table,
 * count, total size); the key/value table holds, per attribute, a key
 * (type: prefix index, 0x100 if the value is out of line; name without
 * its prefix) and a value (size, bytes), or for an out-of-line value a
 * reference to where the value is.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include "fs/squashfs/squashfs.h"

/* A decoded attribute of an inode. */
struct sqfs_xent {
	char		 x_name[XATTR_NAME_MAX + 1];	/* full name, NUL */
	size_t		 x_namelen;	/* its length */
	uint32_t	 x_vsize;	/* value size */
	struct sqfs_mcur x_vcur;	/* value bytes */
};

static const char *const sqfs_xprefixes[] = {
	[SQFS_XATTR_USER] = "user.",
	[SQFS_XATTR_TRUSTED] = "trusted.",
	[SQFS_XATTR_SECURITY] = "security.",
};

/* Position cur at the first key of sn's attributes; *countp gets them. */
static int
sqfs_xattr_start(struct sqfs_node *sn, struct sqfs_mcur *cur,
    uint32_t *countp)
{
	const uint32_t per = SQFS_META_SIZE / SQFS_XID_ENTRY_SIZE;
	struct sqfs_mount *sm = sn->sn_mount;
	uint8_t ent[SQFS_XID_ENTRY_SIZE];
	struct sqfs_mcur icur;
	uint64_t ref;
	int error;

	*countp = 0;
	if (sn->sn_xattr == SQFS_NONE32)
		return 0;
	if (sn->sn_xattr >= sm->sm_nxids || sm->sm_xididx == NULL)
		return FS_CORRUPT(SQFS_FSNAME, "inode %u: xattr id %u of %u",
		    sn->sn_ino, sn->sn_xattr, sm->sm_nxids);
	icur.mc_block = sm->sm_xididx[sn->sn_xattr / per];
	icur.mc_off = (sn->sn_xattr % per) * SQFS_XID_ENTRY_SIZE;
	if ((error = sqfs_meta_read(sm, &icur, ent, sizeof(ent))) != 0)
		return error;
	sqfs_dxid_dec(ent, &ref, countp);
	if ((ref & 0xFFFF) >= SQFS_META_SIZE ||
	    (ref >> 16) >= sm->sm_sb.s_bytes_used - sm->sm_xkvtable)
		return FS_CORRUPT(SQFS_FSNAME, "inode %u: xattr reference "
		    "%llx", sn->sn_ino, (unsigned long long)ref);
	cur->mc_block = sm->sm_xkvtable + (ref >> 16);
	cur->mc_off = ref & 0xFFFF;
	return 0;
}

/* Decode the next attribute at cur and move cur past it. */
static int
sqfs_xattr_next(struct sqfs_node *sn, struct sqfs_mcur *cur,
    struct sqfs_xent *x)
{
	struct sqfs_mount *sm = sn->sn_mount;
	uint8_t raw[8];
	uint16_t type, nlen;
	const char *pfx;
	uint64_t ref;
	size_t plen;
	int error;

	if ((error = sqfs_meta_read(sm, cur, raw, 4)) != 0)
		return error;
	sqfs_dxkey_dec(raw, &type, &nlen);
	if ((type & 0xFF) >= __arraycount(sqfs_xprefixes) ||
	    (type & ~(SQFS_XATTR_OOL | 0xFF)) != 0)
		return FS_CORRUPT(SQFS_FSNAME, "inode %u: xattr type %x",
		    sn->sn_ino, type);
	pfx = sqfs_xprefixes[type & 0xFF];
	plen = strlen(pfx);
	if (nlen == 0 || plen + nlen > XATTR_NAME_MAX)
		return FS_CORRUPT(SQFS_FSNAME, "inode %u: xattr name length "
		    "%u", sn->sn_ino, nlen);
	memcpy(x->x_name, pfx, plen);
	if ((error = sqfs_meta_read(sm, cur, x->x_name + plen, nlen)) != 0)
		return error;
	x->x_namelen = plen + nlen;
	x->x_name[x->x_namelen] = '\0';
	if ((error = sqfs_meta_read(sm, cur, raw, 4)) != 0)
		return error;
	x->x_vsize = sqfs_dword_dec(raw);
	x->x_vcur = *cur;
	if ((type & SQFS_XATTR_OOL) == 0)
		return sqfs_meta_skip(sm, cur, x->x_vsize);
	/* Out of line: an 8-byte reference to (size, value) elsewhere. */
	if (x->x_vsize != 8)
		return FS_CORRUPT(SQFS_FSNAME, "inode %u: xattr reference "
		    "size %u", sn->sn_ino, x->x_vsize);
	if ((error = sqfs_meta_read(sm, cur, raw, 8)) != 0)
		return error;
	ref = sqfs_dxref_dec(raw);
	if ((ref & 0xFFFF) >= SQFS_META_SIZE ||
	    (ref >> 16) >= sm->sm_sb.s_bytes_used - sm->sm_xkvtable)
		return FS_CORRUPT(SQFS_FSNAME, "inode %u: xattr value "
		    "reference %llx", sn->sn_ino, (unsigned long long)ref);
	x->x_vcur.mc_block = sm->sm_xkvtable + (ref >> 16);
	x->x_vcur.mc_off = ref & 0xFFFF;
	if ((error = sqfs_meta_read(sm, &x->x_vcur, raw, 4)) != 0)
		return error;
	x->x_vsize = sqfs_dword_dec(raw);
	return 0;
}

int
sqfs_xattr_get(struct sqfs_node *sn, const char *name, void *buf,
    size_t size, size_t *retlen)
{
	struct sqfs_mcur cur;
	struct sqfs_xent *x;
	uint32_t count, i;
	int error;

	if ((error = sqfs_xattr_start(sn, &cur, &count)) != 0)
		return error;
	if ((x = kmem_alloc(sizeof(*x))) == NULL)
		return ENOMEM;
	error = ENOATTR;
	for (i = 0; i < count; i++) {
		if ((error = sqfs_xattr_next(sn, &cur, x)) != 0)
			break;
		error = ENOATTR;
		if (strcmp(x->x_name, name) != 0)
			continue;
		if (x->x_vsize > XATTR_SIZE_MAX) {
			error = FS_CORRUPT(SQFS_FSNAME, "inode %u: xattr of "
			    "%u bytes", sn->sn_ino, x->x_vsize);
			break;
		}
		*retlen = x->x_vsize;
		if (size == 0)
			error = 0;
		else if (size < x->x_vsize)
			error = ERANGE;
		else
			error = sqfs_meta_read(sn->sn_mount, &x->x_vcur, buf,
			    x->x_vsize);
		break;
	}
	kmem_free(x, sizeof(*x));
	return error;
}

int
sqfs_xattr_list(struct sqfs_node *sn, char *buf, size_t size,
    size_t *retlen)
{
	struct sqfs_mcur cur;
	struct sqfs_xent *x;
	uint32_t count, i;
	size_t len = 0;
	int error;

	if ((error = sqfs_xattr_start(sn, &cur, &count)) != 0)
		return error;
	if ((x = kmem_alloc(sizeof(*x))) == NULL)
		return ENOMEM;
	for (i = 0; i < count; i++) {
		if ((error = sqfs_xattr_next(sn, &cur, x)) != 0)
			break;
		if (size != 0) {
			if (size - len < x->x_namelen + 1) {
				error = ERANGE;
				break;
			}
			memcpy(buf + len, x->x_name, x->x_namelen + 1);
		}
		len += x->x_namelen + 1;
	}
	kmem_free(x, sizeof(*x));
	if (error == 0)
		*retlen = len;
	return error;
}
