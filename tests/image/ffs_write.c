/*
 * ffs_write.c: the write half of the FFS driver (UFS1 and UFS2) checked
 * against a model and the reference readers.
 *
 * For each layout (UFS1 and UFS2, little- and big-endian, block sizes
 * 4 KiB to 32 KiB) an empty image made by NetBSD's makefs gets a seeded
 * random sequence of operations (create and write, also sparse; truncate
 * up and down; mkdir, rmdir, unlink; rename of files and directories,
 * over existing targets, across directories, RENAME_EXCHANGE; link;
 * symlinks short (in the inode) and long (in a block); device nodes,
 * fifos, sockets; chmod, chown, utimens with nanoseconds) through libak,
 * and a tmpfs in the same kernel (the model) the same; every call must
 * give the same result on both.  The trees must then agree in names,
 * types, sizes, modes, owners, link counts, mtimes to the nanosecond,
 * device numbers, link targets and every byte.  After unmounting: the
 * superblock says clean; the driver's consistency check (mount option
 * "check": maps, summaries, link counts, block ownership) finds nothing;
 * The Sleuth Kit's `fls -r -p` lists the model's paths with their types
 * and inode numbers, and `icat` reads a sample of files and symlinks as
 * the model has them.  The image is mounted again, compared, changed
 * some more and checked again.
 *
 * UFS2 images also get extended attributes (user.*, up to 2,000 bytes)
 * set, replaced and removed, and compared.
 *
 * Then big directories: 3,000 entries made and every other one removed,
 * 500 more with longer names (compaction within chunks), checked the
 * same way; a file unlinked while open (written and read through its
 * descriptor, freed at close); a full file system (creates failing with
 * ENOSPC when the directory cannot grow give their inode back, the
 * check passes, and after removing everything the free counts are
 * what they were); UFS's link limit (EMLINK at exactly 32,767 links,
 * the check agreeing).
 *
 * Debian packages no fsck for FFS: the driver's checker and The Sleuth
 * Kit are the oracles (docs/testing.md).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"

#include "tests/lib/tcheck.h"
#include "tests/image/ffsw.h"

char fw_work[1024];

struct variant {
	const char	*name;
	int		 version;	/* UFS1 or UFS2 */
	bool		 be;
	int		 bsize, fsize;
};

static const struct variant variants[] = {
	{ "ufs1-le-4k", 1, false, 4096, 512 },
	{ "ufs1-be-16k", 1, true, 16384, 2048 },
	{ "ufs2-le-8k", 2, false, 8192, 1024 },
	{ "ufs2-be-32k", 2, true, 32768, 4096 },
	{ "ufs2-le-4k", 2, false, 4096, 512 },
};

/*
 * An empty image by makefs: 40 MiB, an inode per 2 KiB so that the
 * first group's inode table covers 256 KiB (see fw_tsk_compare).
 */
static int
mkimage(const char *img, const struct variant *v)
{
	char tree[PATH_MAX];

	snprintf(tree, sizeof(tree), "%s/empty", fw_work);
	mkdir(tree, 0755);
	unlink(img);
	return tsh("makefs -t ffs -B %s -o version=%d,bsize=%d,fsize=%d,"
	    "density=2048 -s 40m '%s' '%s' >/dev/null 2>&1",
	    v->be ? "be" : "le", v->version, v->bsize, v->fsize, img, tree);
}

/* Unmounted: clean, consistent, and what The Sleuth Kit reads. */
static void
offline_checks(const char *img, const struct variant *v, const char *when)
{
	fw_clean_ok(img, when);
	fw_check_ok(img, when);
	fw_tsk_compare(img, v->version, v->be);
}

static bool
mount_rw(const char *img)
{
	if (ak_sys_mount("ffs", MNT, 0, img, NULL) == 0)
		return true;
	tcheck(0, "read-write mount: %s", strerror(errno));
	return false;
}

static void
test_variant(const struct variant *v, uint64_t seed, int nops)
{
	char img[PATH_MAX];
	struct mc_caps caps;
	struct mc_state *w;

	fw_caps(&caps, v->version == 2);
	w = mc_new(&caps, seed);
	tc_prefix = v->name;
	snprintf(img, sizeof(img), "%s/%s.img", fw_work, v->name);
	if (w == NULL || mkimage(img, v) != 0) {
		tcheck(0, "makefs");
		free(w);
		return;
	}
	tcheck(ak_sys_mount("tmpfs", MODEL, 0, NULL, NULL) == 0,
	    "mount tmpfs: %s", strerror(errno));
	if (!mount_rw(img))
		goto out;
	mc_random_ops(w, nops);
	printf("%s: %d operations worked, %d failed alike\n", v->name,
	    w->nok, w->nerr);
	mc_same_times(w);
	mc_cmp_tree(w, "");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount: %s", strerror(errno));
	offline_checks(img, v, "after the random operations");
	/* Mounted again: the same tree, and a few more changes. */
	if (!mount_rw(img))
		goto out;
	mc_cmp_tree(w, "");
	mc_random_ops(w, nops / 4);
	mc_same_times(w);
	mc_cmp_tree(w, "");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "second unmount");
	offline_checks(img, v, "after the second mount");
out:
	ak_sys_unmount(MODEL, AK_MNT_FORCE);
	if (getenv("FFSW_KEEP") == NULL)
		unlink(img);
	free(w);
}

/* Create name in both trees (an empty file). */
static void
both_create(struct mc_state *w, const char *rel)
{
	char mp[800], ip[800];
	int mf, jf, me, je;

	snprintf(mp, sizeof(mp), MODEL "/%s", rel);
	snprintf(ip, sizeof(ip), MNT "/%s", rel);
	errno = 0;
	mf = ak_sys_open(mp, O_CREAT | O_EXCL | O_WRONLY, 0600);
	me = errno;
	errno = 0;
	jf = ak_sys_open(ip, O_CREAT | O_EXCL | O_WRONLY, 0600);
	je = errno;
	mc_result(w, "create", rel, rel, mf < 0 ? -1 : 0, me,
	    jf < 0 ? -1 : 0, je);
	if (mf >= 0)
		ak_sys_close(mf);
	if (jf >= 0)
		ak_sys_close(jf);
}

/*
 * A directory of 3,000 entries, every other one removed, 500 more with
 * longer names: the freed records are reused and chunks compacted.
 */
static void
test_bigdir(const struct variant *v)
{
	char img[PATH_MAX], rel[300];
	struct mc_caps caps;
	struct mc_state *w;
	int i;

	fw_caps(&caps, false);	/* no random operations: the comparison */
	w = mc_new(&caps, 1);
	tc_prefix = "bigdir";
	snprintf(img, sizeof(img), "%s/big-%s.img", fw_work, v->name);
	if (w == NULL || mkimage(img, v) != 0) {
		tcheck(0, "makefs");
		free(w);
		return;
	}
	tcheck(ak_sys_mount("tmpfs", MODEL, 0, NULL, NULL) == 0, "tmpfs");
	if (!mount_rw(img))
		goto out;
	tcheck(ak_sys_mkdir(MODEL "/big", 0755) == 0 &&
	    ak_sys_mkdir(MNT "/big", 0755) == 0, "mkdir big");
	for (i = 0; i < 3000; i++) {
		snprintf(rel, sizeof(rel), "big/entry_%05d%.*s", i, i % 37,
		    "_padding_padding_padding_padding_pad");
		both_create(w, rel);
	}
	for (i = 1; i < 3000; i += 2) {
		snprintf(rel, sizeof(rel), "big/entry_%05d%.*s", i, i % 37,
		    "_padding_padding_padding_padding_pad");
		MC_BOTH(w, "unlink", rel, ak_sys_unlink(P));
	}
	for (i = 0; i < 500; i++) {
		snprintf(rel, sizeof(rel), "big/later_%04d_%.*s", i, 40 + i % 60,
		    "a_much_longer_name_so_that_it_needs_a_compacted_chunk_or_"
		    "a_new_one_at_the_end");
		both_create(w, rel);
	}
	mc_same_times(w);
	mc_cmp_tree(w, "");
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount");
	offline_checks(img, v, "big directory");
out:
	ak_sys_unmount(MODEL, AK_MNT_FORCE);
	unlink(img);
	free(w);
}

int
main(int argc, char **argv)
{
	const char *only = getenv("FFSW_ONLY");
	int nops = getenv("FFSW_NOPS") != NULL ? atoi(getenv("FFSW_NOPS")) :
	    700;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(600);
	if (tsh("{ command -v makefs && command -v fls && command -v icat; } "
	    ">/dev/null 2>&1") != 0) {
		printf("SKIP: ffs write tests (makefs or The Sleuth Kit not "
		    "installed)\n");
		printf("ffs_write: 0 passed, 0 failed\n");
		return 0;
	}
	if (mc_setup(fw_work, sizeof(fw_work), "ffsw") != 0) {
		printf("FAIL: setup: %s\n", strerror(errno));
		printf("ffs_write: 0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (only == NULL || strcmp(only, variants[i].name) == 0)
			test_variant(&variants[i],
			    0x9E3779B97F4A7C15ULL * (i + 1), nops);
	if (only == NULL || strcmp(only, "bigdir") == 0) {
		test_bigdir(&variants[4]);
		test_bigdir(&variants[1]);
	}
	if (only == NULL || strcmp(only, "misc") == 0) {
		fw_test_open_unlinked(1);
		fw_test_open_unlinked(2);
		fw_test_full(1);
		fw_test_full(2);
		fw_test_linkmax(2);
	}
	ak_fini();
	if (tc_nfail == 0)
		tsh("rm -rf '%s'", fw_work);
	(void)argc;
	(void)argv;
	return tsummary("ffs_write");
}
