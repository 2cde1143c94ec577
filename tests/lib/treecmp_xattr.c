/*
 * treecmp_xattr.c: a host file's extended attributes against the same
 * file's read through libak (treecmp.h).
 */
#include <sys/types.h>
#include <sys/xattr.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ak/ak.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

#define TCMP_MAXXATTR	64	/* attributes of one file compared */

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in an xattr list that start with one of prefixes, sorted. */
static int
xattr_names(char *list, ssize_t len, const char *const *prefixes,
    char **names)
{
	const char *const *pre;
	ssize_t i;
	int n = 0;

	for (i = 0; i < len && n < TCMP_MAXXATTR;
	    i += (ssize_t)strlen(list + i) + 1)
		for (pre = prefixes; *pre != NULL; pre++)
			if (strncmp(list + i, *pre, strlen(*pre)) == 0) {
				names[n++] = list + i;
				break;
			}
	qsort(names, (size_t)n, sizeof(*names), cmpname);
	return n;
}

/* One attribute's name and value, its size query, a too small buffer. */
static void
cmp_xattr(const char *hpath, const char *kpath, const char *hn,
    const char *kn)
{
	char hv[8192], kv[8192];
	ssize_t a, b;

	tcheck(strcmp(hn, kn) == 0, "%s: xattr %s, want %s", kpath, kn, hn);
	a = lgetxattr(hpath, hn, hv, sizeof(hv));
	b = ak_sys_lgetxattr(kpath, kn, kv, sizeof(kv));
	tcheck(a == b && a >= 0 && memcmp(hv, kv, (size_t)a) == 0,
	    "%s: xattr %s value: %zd bytes, the tree %zd (%s)", kpath, kn, b,
	    a, b < 0 ? strerror(errno) : "");
	b = ak_sys_lgetxattr(kpath, kn, NULL, 0);
	tcheck(a == b, "%s: xattr %s size query %zd", kpath, kn, b);
	if (a > 1) {
		b = ak_sys_lgetxattr(kpath, kn, kv, 1);
		tcheck(b < 0 && errno == ERANGE, "%s: xattr %s into 1 byte: "
		    "%zd", kpath, kn, b);
	}
}

void
tcmp_xattrs(const char *hpath, const char *kpath,
    const char *const *prefixes, bool none)
{
	char hl[4096], kl[4096], *hn[TCMP_MAXXATTR], *kn[TCMP_MAXXATTR];
	ssize_t hlen, klen, b;
	int nh, nk, i;

	hlen = llistxattr(hpath, hl, sizeof(hl));
	klen = ak_sys_llistxattr(kpath, kl, sizeof(kl));
	if (klen < 0) {
		tcheck(false, "%s: listxattr: %s", kpath, strerror(errno));
		return;
	}
	nh = hlen < 0 || none ? 0 : xattr_names(hl, hlen, prefixes, hn);
	nk = xattr_names(kl, klen, prefixes, kn);
	tcheck(nh == nk, "%s: %d xattrs, the tree has %d", kpath, nk, nh);
	for (i = 0; i < nh && i < nk; i++)
		cmp_xattr(hpath, kpath, hn[i], kn[i]);
	b = ak_sys_lgetxattr(kpath, "user.no.such.attr", kl, sizeof(kl));
	tcheck(b < 0 && errno == ENODATA, "%s: absent xattr: %zd %s", kpath,
	    b, strerror(errno));
}
