/*
 * ext2w_cmp.c: debugfs reading back what ext2_write wrote (the tree
 * through libak is compared by tests/lib/mcheck_cmp.c)
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ext2w.h"

/* debugfs must read a sample of regular files as the model has them. */
void
debugfs_sample(const char *img, const struct mc_state *w)
{
	char mp[800], out[PATH_MAX];
	static char a[1 << 16];
	struct stat st;
	int i, done = 0, fd;
	FILE *f;
	size_t n;
	off_t off;

	snprintf(out, sizeof(out), "%s/dump.bin", workdir);
	for (i = 0; i < w->nfiles && done < 8; i++) {
		snprintf(mp, sizeof(mp), MODEL "/%s", w->files[i]);
		if (ak_sys_lstat(mp, &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_size > (64 << 20))
			continue;
		done++;
		unlink(out);
		tcheck(tsh("debugfs -R 'dump \"/%s\" %s' '%s' >/dev/null 2>&1",
		    w->files[i], out, img) == 0, "debugfs dump %s",
		    w->files[i]);
		if ((f = fopen(out, "rb")) == NULL ||
		    (fd = ak_sys_open(mp, O_RDONLY)) < 0) {
			tcheck(0, "debugfs dump %s: no output", w->files[i]);
			if (f != NULL)
				fclose(f);
			continue;
		}
		off = 0;
		while ((n = fread(a, 1, sizeof(a), f)) > 0) {
			static char b[1 << 16];

			if (ak_sys_pread(fd, b, n, off) != (ssize_t)n ||
			    memcmp(a, b, n) != 0)
				break;
			off += (off_t)n;
		}
		tcheck(off == st.st_size, "debugfs dump %s: differs at %lld "
		    "(size %lld)", w->files[i], (long long)off,
		    (long long)st.st_size);
		fclose(f);
		ak_sys_close(fd);
	}
}
