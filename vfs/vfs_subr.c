/*
 * vfs_subr.c: small helpers for drivers: file type conversion,
 * directory entry emission, mount option parsing.
 */
#include <sys/systm.h>
#include <sys/vnode.h>
#include <sys/mount.h>

enum vtype
vtype_from_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:	return VREG;
	case S_IFDIR:	return VDIR;
	case S_IFLNK:	return VLNK;
	case S_IFCHR:	return VCHR;
	case S_IFBLK:	return VBLK;
	case S_IFIFO:	return VFIFO;
	case S_IFSOCK:	return VSOCK;
	default:	return VNON;
	}
}

uint32_t
vtype_to_mode(enum vtype type)
{
	switch (type) {
	case VREG:	return S_IFREG;
	case VDIR:	return S_IFDIR;
	case VLNK:	return S_IFLNK;
	case VCHR:	return S_IFCHR;
	case VBLK:	return S_IFBLK;
	case VFIFO:	return S_IFIFO;
	case VSOCK:	return S_IFSOCK;
	default:	return 0;
	}
}

int
vfs_dirent_emit(struct uio *uio, uint64_t ino, enum vtype type,
    const char *name, size_t namlen, int64_t nextcookie)
{
	size_t reclen = KDIRENT_RECLEN(namlen);
	union {
		struct kdirent	d;
		char		buf[KDIRENT_RECLEN(NAME_MAX)];
	} u;

	KASSERT(namlen > 0 && namlen <= NAME_MAX);
	if (reclen > uio->uio_resid)
		return 1;
	memset(&u, 0, reclen);
	u.d.d_fileno = ino;
	u.d.d_off = nextcookie;
	u.d.d_reclen = (uint16_t)reclen;
	u.d.d_namlen = (uint16_t)namlen;
	u.d.d_type = (uint8_t)type;
	memcpy(u.d.d_name, name, namlen);
	uiomove(&u, reclen, uio);
	/* The offset is the cookie, not a byte position. */
	uio->uio_offset = nextcookie;
	return 0;
}

/*
 * Take the next "key[=value]" from a comma-separated option list,
 * advancing *optsp.  Returns ENOENT at the end, ENAMETOOLONG if the key
 * or value does not fit.
 */
int
vfs_opt_next(const char **optsp, char *key, size_t keylen, char *val,
    size_t vallen, bool *hasval)
{
	const char *s = *optsp, *end, *eq;
	size_t n;

	if (s == NULL)
		return ENOENT;
	while (*s == ',')
		s++;
	if (*s == '\0')
		return ENOENT;
	for (end = s; *end != '\0' && *end != ','; end++)
		continue;
	for (eq = s; eq < end && *eq != '='; eq++)
		continue;
	n = (size_t)(eq - s);
	if (n + 1 > keylen)
		return ENAMETOOLONG;
	memcpy(key, s, n);
	key[n] = '\0';
	*hasval = eq < end;
	val[0] = '\0';
	if (*hasval) {
		n = (size_t)(end - eq - 1);
		if (n + 1 > vallen)
			return ENAMETOOLONG;
		memcpy(val, eq + 1, n);
		val[n] = '\0';
	}
	*optsp = end;
	return 0;
}

int
vfs_opts_foreach(const char *opts, const char *fsname,
    int (*fn)(void *arg, const char *key, const char *val, bool hasval),
    void *arg)
{
	char key[VFS_OPT_KEYLEN], val[VFS_OPT_VALLEN];
	bool hasval;
	int error;

	for (;;) {
		error = vfs_opt_next(&opts, key, sizeof(key), val, sizeof(val),
		    &hasval);
		if (error == ENOENT)
			return 0;
		if (error != 0)
			error = EINVAL;
		else
			error = fn(arg, key, val, hasval);
		if (error != 0) {
			printf("%s: bad mount option \"%s%s%s\"\n", fsname,
			    key, hasval ? "=" : "", hasval ? val : "");
			return error;
		}
	}
}
