/*
 * vc_target.c: the file system drivers vfs_conform runs its scenarios
 * on, each mounted fresh at /vc/<name>.
 *
 * A target declares the AK_FSCAP_* capabilities it is to be tested for;
 * the runner fails a target that declares one its driver does not
 * report (ak_fscaps), and skips the scenarios needing a capability the
 * target does not declare.
 *
 * tmpfs needs nothing but a mount.  A disk driver joins with a table
 * entry and a function that makes an empty image with the reference
 * tools; vc_image_setup makes the image under $AK_TESTDIR and mounts it
 * read-write, and vc_image_teardown unmounts it and runs the reference
 * fsck on it, so that every scenario also checks what the driver left
 * on disk (fatfs, ext4 and ext2 below are such targets: mkfs.fat or
 * mke2fs make the image, fsck.fat -n or e2fsck -fn check it), with the
 * capabilities the driver has (no AK_FSCAP_EXCHANGE or
 * AK_FSCAP_NODEV), as fatfs below.  A target without AK_FSCAP_OWNERS
 * has its permission bits left out of stat records (vc_modebits).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ak/ak.h"
#include "tests/vfs/vfs_conform.h"

#define VC_ARGMAX	16	/* words in a tool's command line */

extern char **environ;

static int vc_tool(const char *const *argv, const char *arg);
static void vc_imgpath(const struct vc_target *t, char *buf, size_t len);

/* FAT32 of 64 MiB: the smallest size mkfs.fat makes FAT32 without fuss. */
static int
vc_mkfat(const char *img)
{
	static const char *const argv[] = { "mkfs.fat", "-F", "32", NULL };

	return vc_mkimage(img, 64 * 1024 * 1024, argv);
}
static const char *const vc_fsckfat[] = { "fsck.fat", "-n", NULL };

/* ext4 with mke2fs's defaults (metadata_csum, extents, flex_bg). */
static int
vc_mkext4(const char *img)
{
	static const char *const argv[] = { "mke2fs", "-q", "-F", "-t",
	    "ext4", "-b", "4096", "-N", "16384", NULL };

	return vc_mkimage(img, 64 * 1024 * 1024, argv);
}
/* ext2: indirect blocks, no checksums, no extents. */
static int
vc_mkext2(const char *img)
{
	static const char *const argv[] = { "mke2fs", "-q", "-F", "-t",
	    "ext2", "-b", "4096", "-N", "16384", NULL };

	return vc_mkimage(img, 64 * 1024 * 1024, argv);
}
static const char *const vc_e2fsck[] = { "e2fsck", "-fn", NULL };

/*
 * FFS: an empty image by NetBSD's makefs (image before tree, so not
 * through vc_mkimage); Debian has no fsck for it, so teardown runs the
 * driver's own check (mount option "check") instead.
 */
static int
vc_mkffs(const char *img, const char *version, const char *endian)
{
	char tree[PATH_MAX], opt[64];
	const char *const argv[] = { "makefs", "-t", "ffs", "-B", endian,
	    "-o", opt, "-s", "64m", img, tree, NULL };

	snprintf(tree, sizeof(tree), "%s/vc-ffs-empty", vt_testdir());
	snprintf(opt, sizeof(opt), "version=%s,density=4096", version);
	(void)mkdir(tree, 0755);
	return vc_tool(argv, NULL);
}

static int
vc_mkffs2(const char *img)
{
	return vc_mkffs(img, "2", "le");
}

static int
vc_mkffs1(const char *img)
{
	return vc_mkffs(img, "1", "be");
}

/* Unmount, then the driver's own check must find the image clean. */
static int
vc_ffs_teardown(const struct vc_target *t, const char *dir)
{
	char img[PATH_MAX];
	int rv;

	vc_imgpath(t, img, sizeof(img));
	if (ak_sys_unmount(dir, 0) != 0)
		return -1;
	rv = ak_sys_mount("ffs", dir, AK_MNT_RDONLY, img, "check");
	if (rv != 0) {
		printf("FAIL: %s: the driver's check: %s\n", t->t_name,
		    vt_errname(errno));
		return -1;
	}
	rv = ak_sys_unmount(dir, 0);
	if (rv == 0)
		unlink(img);
	return rv;
}

/*
 * Extended attributes on UFS2 only.  Not AK_FSCAP_SPARSE here: FFS
 * keeps holes, but in whole blocks and always with the last block
 * allocated (as the BSDs do), so SEEK_DATA and SEEK_HOLE do not answer
 * as the host's page-sized holes do.
 */
#define VC_FFSCAPS (AK_FSCAP_WRITE | AK_FSCAP_SYMLINK | AK_FSCAP_HARDLINK | \
	AK_FSCAP_SPECIAL | AK_FSCAP_OWNERS | AK_FSCAP_NSEC | AK_FSCAP_EXCHANGE)

const struct vc_target vc_targets[] = {
	{ "tmpfs", "tmpfs", AK_FSCAP_WRITE | AK_FSCAP_SYMLINK |
	    AK_FSCAP_HARDLINK | AK_FSCAP_XATTR | AK_FSCAP_SPARSE |
	    AK_FSCAP_SPECIAL | AK_FSCAP_OWNERS | AK_FSCAP_NSEC |
	    AK_FSCAP_EXCHANGE | AK_FSCAP_NODEV,
	    vc_mem_setup, vc_mem_teardown, NULL, NULL },
	{ "fatfs", "fatfs", AK_FSCAP_WRITE, vc_image_setup, vc_image_teardown,
	    vc_mkfat, vc_fsckfat },
	{ "ext4", "ext4", AK_FSCAP_WRITE | AK_FSCAP_SYMLINK |
	    AK_FSCAP_HARDLINK | AK_FSCAP_XATTR | AK_FSCAP_SPARSE |
	    AK_FSCAP_SPECIAL |
	    AK_FSCAP_OWNERS | AK_FSCAP_NSEC | AK_FSCAP_EXCHANGE,
	    vc_image_setup, vc_image_teardown, vc_mkext4, vc_e2fsck },
	{ "ext2", "ext2", AK_FSCAP_WRITE | AK_FSCAP_SYMLINK |
	    AK_FSCAP_HARDLINK | AK_FSCAP_XATTR | AK_FSCAP_SPARSE |
	    AK_FSCAP_SPECIAL | AK_FSCAP_OWNERS | AK_FSCAP_NSEC |
	    AK_FSCAP_EXCHANGE,
	    vc_image_setup, vc_image_teardown, vc_mkext2, vc_e2fsck },
	{ "ffs2rw", "ffs", VC_FFSCAPS | AK_FSCAP_XATTR, vc_image_setup,
	    vc_ffs_teardown, vc_mkffs2, NULL },
	{ "ffs1rw", "ffs", VC_FFSCAPS, vc_image_setup, vc_ffs_teardown,
	    vc_mkffs1, NULL },
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL }
};

/* Scenario flags that name a capability, and what the SKIP line says. */
static const struct {
	int		 m_flag;	/* VS_* */
	long		 m_cap;		/* AK_FSCAP_* */
	const char	*m_name;	/* as in "(no symlinks)" */
} vc_capmap[] = {
	{ VS_SYMLINK,	AK_FSCAP_SYMLINK,	"symlinks" },
	{ VS_HARDLINK,	AK_FSCAP_HARDLINK,	"hard links" },
	{ VS_XATTR,	AK_FSCAP_XATTR,		"xattrs" },
	{ VS_SPARSE,	AK_FSCAP_SPARSE,	"sparse files" },
	{ VS_SPECIAL,	AK_FSCAP_SPECIAL,	"special files" },
	{ VS_OWNERS,	AK_FSCAP_OWNERS,	"owners and modes" },
	{ VS_NSEC,	AK_FSCAP_NSEC,		"nanosecond times" },
	{ VS_EXCHANGE,	AK_FSCAP_EXCHANGE,	"RENAME_EXCHANGE" },
};

/*
 * The first capability scenario flags need that t does not declare, as
 * a name, or NULL if it has them all.  Every scenario writes.
 */
const char *
vc_target_lacks(const struct vc_target *t, int flags)
{
	size_t i;

	if (!(t->t_caps & AK_FSCAP_WRITE))
		return "write";
	for (i = 0; i < sizeof(vc_capmap) / sizeof(vc_capmap[0]); i++)
		if ((flags & vc_capmap[i].m_flag) &&
		    !(t->t_caps & vc_capmap[i].m_cap))
			return vc_capmap[i].m_name;
	return NULL;
}

int
vc_mem_setup(const struct vc_target *t, const char *dir)
{
	return ak_sys_mount(t->t_fstype, dir, 0, NULL, NULL);
}

int
vc_mem_teardown(const struct vc_target *t, const char *dir)
{
	return ak_sys_unmount(dir, 0);
}

/* Run argv with one more argument, arg; 0 if it exits with 0. */
static int
vc_tool(const char *const *argv, const char *arg)
{
	posix_spawn_file_actions_t fa;
	char *av[VC_ARGMAX + 2];
	int n, status, rv;
	pid_t pid;

	for (n = 0; argv[n] != NULL && n < VC_ARGMAX; n++)
		av[n] = (char *)argv[n];
	av[n++] = (char *)arg;
	av[n] = NULL;
	/* The tool's chatter goes to stderr: stdout is the report. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	rv = posix_spawnp(&pid, av[0], &fa, NULL, av, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rv != 0) {
		printf("SKIP: %s (cannot run: %s)\n", av[0], vt_errname(rv));
		return -1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("FAIL: %s %s: exit status %d\n", av[0], arg,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* An empty file of size bytes at img, formatted by mkfs (argv + img). */
int
vc_mkimage(const char *img, off_t size, const char *const *mkfs)
{
	int fd, rv;

	if ((fd = open(img, O_CREAT | O_TRUNC | O_WRONLY, 0644)) < 0)
		return -1;
	rv = ftruncate(fd, size);
	close(fd);
	return rv == 0 ? vc_tool(mkfs, img) : -1;
}

static void
vc_imgpath(const struct vc_target *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s/vc-%s.img", vt_testdir(), t->t_name);
}

int
vc_image_setup(const struct vc_target *t, const char *dir)
{
	char img[PATH_MAX];

	vc_imgpath(t, img, sizeof(img));
	if (t->t_mkimage(img) != 0)
		return -1;
	return ak_sys_mount(t->t_fstype, dir, 0, img, NULL);
}

/* Unmount, then the reference fsck must find the image clean. */
int
vc_image_teardown(const struct vc_target *t, const char *dir)
{
	char img[PATH_MAX];
	int rv;

	vc_imgpath(t, img, sizeof(img));
	if (ak_sys_unmount(dir, 0) != 0)
		return -1;
	rv = t->t_fsck != NULL ? vc_tool(t->t_fsck, img) : 0;
	if (rv == 0)
		unlink(img);
	return rv;
}
