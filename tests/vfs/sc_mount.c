/*
 * sc_mount.c: a second tmpfs mounted with ak_sys_mount: its size= and
 * nr_inodes= limits (ENOSPC), unmount refused while in use (EBUSY),
 * read-only mounts (EROFS), calls across the mount point (EXDEV), and
 * the errors of bad mount requests.  The anykernel only: the host
 * oracle would need root and a mount namespace.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ak/ak.h"
#include "tests/vfs/vfs_conform.h"

#define KB	1024

/* Fill a file 4 KiB at a time; bytes written, errno of the stop in *err. */
static long
fill(const char *path, int *err)
{
	char buf[4 * KB];
	long total = 0;
	ssize_t n;
	int fd;

	*err = 0;
	if ((fd = ak_sys_open(path, O_CREAT | O_WRONLY, 0644)) < 0) {
		*err = errno;
		return -1;
	}
	memset(buf, 'F', sizeof(buf));
	while (total < 1024 * KB) {
		if ((n = ak_sys_write(fd, buf, sizeof(buf))) < 0) {
			*err = errno;
			break;
		}
		if (n == 0)
			break;
		/* After a short write the next one must say why. */
		total += n;
	}
	ak_sys_close(fd);
	return total;
}

static void
mount_size_limit(struct vc *c)
{
	struct statvfs sv;
	struct stat st;
	char mnt[PATH_MAX + 8], f[PATH_MAX + 16];
	long total;
	int err, fd;

	snprintf(mnt, sizeof(mnt), "%s/mnt", c->c_root);
	snprintf(f, sizeof(f), "%s/mnt/f", c->c_root);
	E_CALL(c, "mkdir", "mnt", 0, ak_sys_mkdir("mnt", 0755));
	E_CALL(c, "mount", "size=64k", 0,
	    ak_sys_mount("tmpfs", mnt, 0, NULL, "size=64k"));
	E_CALL(c, "statvfs", "mnt", 0, ak_sys_statvfs(mnt, &sv));
	E_TRUE(c, "statvfs size is 64 KiB",
	    (unsigned long long)sv.f_blocks * sv.f_frsize == 64 * KB);
	total = fill(f, &err);
	E_TRUE(c, "filling stops with ENOSPC", err == ENOSPC);
	E_TRUE(c, "between 48 and 64 KiB fit", total >= 48 * KB &&
	    total <= 64 * KB);
	E_CALL(c, "stat", "mnt/f", 0, ak_sys_stat(f, &st));
	E_TRUE(c, "size is what was written", st.st_size == total);
	E_CALL(c, "statvfs", "mnt", 0, ak_sys_statvfs(mnt, &sv));
	E_TRUE(c, "statvfs shows it full", sv.f_bavail <= 1);
	/* Freeing space makes writes possible again. */
	E_CALL(c, "truncate", "mnt/f", 0, ak_sys_truncate(f, 8 * KB));
	fd = (int)E_CALL(c, "open", "mnt/f", 0,
	    ak_sys_open(f, O_WRONLY | O_APPEND));
	E_CALL(c, "write after truncate", "mnt/f", 0,
	    ak_sys_write(fd, "more", 4));
	/* Busy while a file is open, and while it is the cwd. */
	E_CALL(c, "unmount with open file", "mnt", EBUSY,
	    ak_sys_unmount(mnt, 0));
	ak_sys_close(fd);
	E_CALL(c, "chdir", "mnt", 0, ak_sys_chdir(mnt));
	E_CALL(c, "unmount with cwd inside", "mnt", EBUSY,
	    ak_sys_unmount(mnt, 0));
	E_CALL(c, "chdir", "..", 0, ak_sys_chdir(c->c_root));
	E_CALL(c, "rename across mounts", "mnt/f", EXDEV,
	    ak_sys_rename(f, "g"));
	E_CALL(c, "link across mounts", "mnt/f", EXDEV, ak_sys_link(f, "g"));
	E_CALL(c, "unmount", "mnt", 0, ak_sys_unmount(mnt, 0));
	E_CALL(c, "stat after unmount", "mnt/f", ENOENT, ak_sys_stat(f, &st));
	E_CALL(c, "unmount again", "mnt", EINVAL, ak_sys_unmount(mnt, 0));
}

static void
mount_inodes_ro(struct vc *c)
{
	char mnt[PATH_MAX + 8], f[PATH_MAX + 32];
	int i, fd = -1, err = 0;

	snprintf(mnt, sizeof(mnt), "%s/mnt", c->c_root);
	E_CALL(c, "mkdir", "mnt", 0, ak_sys_mkdir("mnt", 0755));
	E_CALL(c, "mount", "nr_inodes=4", 0,
	    ak_sys_mount("tmpfs", mnt, 0, NULL, "nr_inodes=4"));
	/* The root directory takes one of the four. */
	for (i = 0; i < 10; i++) {
		snprintf(f, sizeof(f), "%s/f%d", mnt, i);
		if ((fd = ak_sys_open(f, O_CREAT | O_WRONLY, 0644)) < 0) {
			err = errno;
			break;
		}
		ak_sys_close(fd);
	}
	E_TRUE(c, "nr_inodes=4 allows 3 files, then ENOSPC",
	    i == 3 && err == ENOSPC);
	E_CALL(c, "unmount", "mnt", 0, ak_sys_unmount(mnt, 0));
	E_CALL(c, "mount", "ro", 0,
	    ak_sys_mount("tmpfs", mnt, AK_MNT_RDONLY, NULL, NULL));
	snprintf(f, sizeof(f), "%s/x", mnt);
	E_CALL(c, "create on ro", "mnt/x", EROFS,
	    ak_sys_open(f, O_CREAT | O_WRONLY, 0644));
	E_CALL(c, "mkdir on ro", "mnt/x", EROFS, ak_sys_mkdir(f, 0755));
	E_CALL(c, "unmount", "mnt", 0, ak_sys_unmount(mnt, 0));
	E_CALL(c, "mount bad type", "mnt", ENODEV,
	    ak_sys_mount("no-such-fs", mnt, 0, NULL, NULL));
	E_CALL(c, "mount on missing", "nodir", ENOENT,
	    ak_sys_mount("tmpfs", "nodir", 0, NULL, NULL));
	fd = ak_sys_open("file", O_CREAT | O_WRONLY, 0644);
	ak_sys_close(fd);
	E_CALL(c, "mount on a file", "file", ENOTDIR,
	    ak_sys_mount("tmpfs", "file", 0, NULL, NULL));
	E_CALL(c, "mount bad option", "mnt", EINVAL,
	    ak_sys_mount("tmpfs", mnt, 0, NULL, "size=lots"));
	E_CALL(c, "unmount not mounted", "mnt", EINVAL,
	    ak_sys_unmount(mnt, 0));
	E_CALL(c, "mount bad flag", "mnt", EINVAL,
	    ak_sys_mount("tmpfs", mnt, AK_MNT_FORCE, NULL, NULL));
}

const struct vc_scen vc_mount_scen[] = {
	{ "mount_size_limit", mount_size_limit, VS_AKONLY },
	{ "mount_inodes_ro", mount_inodes_ro, VS_AKONLY },
	{ NULL, NULL, 0 }
};
