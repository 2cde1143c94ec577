/*
 * ext2w_host.c: the host kernel as a third reader of what ext2_write
 * wrote: a loop mount compared with the model, when root can mount
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ext2w.h"

static char loopdir[1100];
static int loopstate;		/* 0 unknown, 1 usable, -1 not here */

/* Can the host kernel mount ext4 images here (root, loop devices)? */
static bool
loop_usable(void)
{
	char ref[1200];

	if (loopstate != 0)
		return loopstate > 0;
	loopstate = -1;
	snprintf(loopdir, sizeof(loopdir), "%s/loopmnt", workdir);
	snprintf(ref, sizeof(ref), "%s/loopref.img", workdir);
	if (geteuid() == 0 && mkdir(loopdir, 0755) == 0 &&
	    mkimage(ref, "-t ext4", 4) == 0 &&
	    tsh("mount -t ext4 -o loop,ro '%s' '%s' 2>/dev/null", ref,
	    loopdir) == 0 && tsh("umount '%s'", loopdir) == 0)
		loopstate = 1;
	unlink(ref);
	if (loopstate < 0)
		printf("SKIP: host kernel loop mounts (not root, or no loop "
		    "devices or ext4 driver here)\n");
	return loopstate > 0;
}

static int
hnames(const char *path, char (*v)[256], int max)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 && n < max)
			snprintf(v[n++], 256, "%s", de->d_name);
	closedir(d);
	qsort(v, (size_t)n, 256, (int (*)(const void *, const void *))strcmp);
	return n;
}

/* Contents of the model's mp and the host's hp agree. */
static bool
hsame_data(const char *mp, const char *hp)
{
	static char a[1 << 16], b[1 << 16];
	int mf = ak_sys_open(mp, O_RDONLY), hf = open(hp, O_RDONLY);
	bool ok = mf >= 0 && hf >= 0;
	ssize_t n, m;
	off_t off = 0, d1, d2;

	/* Chunks from wherever either side says data starts (sparse files
	 * reach past 4 GiB); both must read the same there. */
	while (ok) {
		d1 = lseek(hf, off, SEEK_DATA);
		d2 = ak_sys_lseek(mf, off, SEEK_DATA);
		if (d1 < 0 && d2 < 0)
			break;
		off = d1 < 0 ? d2 : d2 < 0 ? d1 : d1 < d2 ? d1 : d2;
		n = ak_sys_pread(mf, a, sizeof(a), off);
		m = pread(hf, b, sizeof(b), off);
		ok = n >= 0 && n == m && memcmp(a, b, (size_t)n) == 0;
		if (n <= 0)
			break;
		off += n;
	}
	if (mf >= 0)
		ak_sys_close(mf);
	if (hf >= 0)
		close(hf);
	return ok;
}

static bool
hsame_xattrs(const char *mp, const char *hp)
{
	static char ml[4096], hl[4096], mv[4096], hv[4096];
	char *mn[64], *hn[64];
	ssize_t a = ak_sys_llistxattr(mp, ml, sizeof(ml));
	ssize_t b = llistxattr(hp, hl, sizeof(hl));
	int n, m, i;

	n = mc_xnames(ml, a < 0 ? 0 : a, mn, 64);
	m = mc_xnames(hl, b < 0 ? 0 : b, hn, 64);
	if (n != m)
		return false;
	for (i = 0; i < n; i++) {
		if (strcmp(mn[i], hn[i]) != 0)
			return false;
		/* The host's capability code rewrites what it reads. */
		if (strcmp(mn[i], "security.capability") == 0)
			continue;
		a = ak_sys_lgetxattr(mp, mn[i], mv, sizeof(mv));
		b = lgetxattr(hp, hn[i], hv, sizeof(hv));
		if (a < 0 || a != b || memcmp(mv, hv, (size_t)a) != 0)
			return false;
	}
	return true;
}

/* The tree under the host's loop mount must be the model's. */
static void
hcmp_tree(const char *rel)
{
	char (*mv)[256] = malloc(MAXENT * 256), (*hv)[256] =
	    malloc(MAXENT * 256);
	char mp[800], hp[1900], sub[600], ma[400], ha[400];
	struct stat ms, hs;
	int n, m, i;

	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	snprintf(hp, sizeof(hp), "%s/%s", loopdir, rel);
	n = mv != NULL ? mc_listdir(mp, mv, MAXENT) : -1;
	m = hv != NULL ? hnames(hp, hv, MAXENT) : -1;
	tcheck(n >= 0 && n == m, "linux: %s: %d entries in the model, %d seen "
	    "by the host kernel", rel, n, m);
	for (i = 0; n == m && i < n; i++) {
		snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    rel[0] != '\0' ? "/" : "", mv[i]);
		snprintf(mp, sizeof(mp), MODEL "/%s", sub);
		snprintf(hp, sizeof(hp), "%s/%s", loopdir, sub);
		if (strcmp(mv[i], hv[i]) != 0 || ak_sys_lstat(mp, &ms) != 0 ||
		    lstat(hp, &hs) != 0) {
			tcheck(0, "linux: %s: %s vs %s", rel, mv[i], hv[i]);
			break;
		}
		tcheck(ms.st_mode == hs.st_mode && ms.st_uid == hs.st_uid &&
		    ms.st_gid == hs.st_gid && ms.st_nlink == hs.st_nlink &&
		    ms.st_mtim.tv_sec == hs.st_mtim.tv_sec &&
		    (!curnsec || ms.st_mtim.tv_nsec == hs.st_mtim.tv_nsec) &&
		    (S_ISDIR(ms.st_mode) || ms.st_size == hs.st_size) &&
		    ((!S_ISCHR(ms.st_mode) && !S_ISBLK(ms.st_mode)) ||
		    ms.st_rdev == hs.st_rdev), "linux: %s: attributes differ",
		    sub);
		tcheck(hsame_xattrs(mp, hp), "linux: %s: xattrs differ", sub);
		if (S_ISDIR(ms.st_mode))
			hcmp_tree(sub);
		else if (S_ISREG(ms.st_mode))
			tcheck(hsame_data(mp, hp), "linux: %s: data differ",
			    sub);
		else if (S_ISLNK(ms.st_mode)) {
			ssize_t a = ak_sys_readlink(mp, ma, sizeof(ma));
			ssize_t b = readlink(hp, ha, sizeof(ha));

			tcheck(a > 0 && a == b && memcmp(ma, ha, (size_t)a) == 0,
			    "linux: %s: link target", sub);
		}
	}
	free(mv);
	free(hv);
}

/* Mount img with the host's ext4 driver and compare with the model. */
void
linux_check(const char *img)
{
	if (!loop_usable())
		return;
	if (tsh("mount -t ext4 -o loop,ro '%s' '%s'", img, loopdir) != 0) {
		tcheck(0, "the host kernel refuses to mount the image");
		return;
	}
	hcmp_tree("");
	tcheck(tsh("umount '%s'", loopdir) == 0, "umount of the loop mount");
}
