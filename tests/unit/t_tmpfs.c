/*
 * t_tmpfs.c: tests of tmpfs, through the system calls on the root tmpfs
 * and on extra tmpfs mounts, and of its internals (directory tables,
 * page table, option parsing) on a mount without the VFS.
 *
 * Oracles: file contents come from a pattern generator computed
 * independently of what was written; errnos are the ones POSIX and Linux
 * specify; counts (links, blocks, inodes) are derived by hand from what
 * each test did.  Each test works in its own directory under "/".
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/fcntl.h>
#include <sys/kapi.h>
#include <sys/lwp.h>
#include "fs/tmpfs/tmpfs.h"
#include "tests/unit/ktest.h"

KTEST(tmpfs_opts);
KTEST(tmpfs_int_dir);
KTEST(tmpfs_int_pages);
KTEST(tmpfs_rw_pattern);
KTEST(tmpfs_sparse);
KTEST(tmpfs_truncate);
KTEST(tmpfs_readdir_cookies);
KTEST(tmpfs_bigdir);
KTEST(tmpfs_links);
KTEST(tmpfs_rename_basic);
KTEST(tmpfs_rename_replace);
KTEST(tmpfs_rename_exchange);
KTEST(tmpfs_enospc_size);
KTEST(tmpfs_enospc_inodes);
KTEST(tmpfs_xattr);
KTEST(tmpfs_unlinked_open);
KTEST(tmpfs_mount_busy);
KTEST(tmpfs_attrs);
KTEST(tmpfs_threads);

/* The byte at offset off of pattern seed: a multiplicative hash. */
static uint8_t
tt_pat(uint64_t off, uint32_t seed)
{
	uint64_t x = (off + seed) * 0x9e3779b97f4a7c15ULL;

	return (uint8_t)(x >> 56);
}

static void
tt_fill(uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = tt_pat(off + i, seed);
}

/* Offset of the first byte of buf that differs from the pattern, or -1. */
static int64_t
tt_check(const uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != tt_pat(off + i, seed))
			return (int64_t)i;
	return -1;
}

static bool
tt_zero(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != 0)
			return false;
	return true;
}

/* Create path with len bytes of pattern seed; errno. */
static int
tt_mkfile(const char *path, size_t len, uint32_t seed)
{
	uint8_t *buf;
	size_t done;
	int fd, error;

	if ((buf = kmem_alloc(len + 1)) == NULL)
		return ENOMEM;
	tt_fill(buf, len, 0, seed);
	error = sys_openat(KAPI_AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC,
	    0644, &fd);
	if (error == 0) {
		error = sys_write(fd, buf, len, &done);
		if (error == 0 && done != len)
			error = EIO;
		(void)sys_close(fd);
	}
	kmem_free(buf, len + 1);
	return error;
}

static uint32_t
tt_nlink(const char *path)
{
	struct vattr va;

	if (sys_fstatat(KAPI_AT_FDCWD, path, &va, AT_SYMLINK_NOFOLLOW) != 0)
		return 0xdead;
	return va.va_nlink;
}

static uint64_t
tt_ino(const char *path)
{
	struct vattr va;

	if (sys_fstatat(KAPI_AT_FDCWD, path, &va, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	return va.va_fileid;
}

static int64_t
tt_size(const char *path)
{
	struct vattr va;

	if (sys_fstatat(KAPI_AT_FDCWD, path, &va, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	return va.va_size;
}

/*
 * Option parsing.  Oracle: the mount(8) tmpfs options as Linux defines
 * them (size rounded up to pages, 0 = unlimited, mode in octal).
 */
KTEST(tmpfs_opts)
{
	struct tmpfs_args ta;

	KT_EQ(t, tmpfs_parse_opts(NULL, &ta), 0);
	KT_EQ(t, ta.ta_maxpages, TMPFS_DEFAULT_SIZE / TMPFS_PAGE_SIZE);
	KT_EQ(t, ta.ta_maxnodes, TMPFS_DEFAULT_INODES);
	KT_EQ(t, ta.ta_mode, TMPFS_DEFAULT_MODE);
	KT_EQ(t, tmpfs_parse_opts("size=1m,nr_inodes=10,mode=1777,uid=5,"
	    "gid=6", &ta), 0);
	KT_EQ(t, ta.ta_maxpages, 256);
	KT_EQ(t, ta.ta_maxnodes, 10);
	KT_EQ(t, ta.ta_mode, 01777);
	KT_EQ(t, ta.ta_uid, 5);
	KT_EQ(t, ta.ta_gid, 6);
	KT_EQ(t, tmpfs_parse_opts("size=5k", &ta), 0);
	KT_EQ(t, ta.ta_maxpages, 2);
	KT_EQ(t, tmpfs_parse_opts("size=4097", &ta), 0);
	KT_EQ(t, ta.ta_maxpages, 2);
	KT_EQ(t, tmpfs_parse_opts("size=2G,nr_inodes=1k", &ta), 0);
	KT_EQ(t, ta.ta_maxpages, 2ULL << 30 >> 12);
	KT_EQ(t, ta.ta_maxnodes, 1024);
	KT_EQ(t, tmpfs_parse_opts("size=0,nr_inodes=0", &ta), 0);
	KT_EQ(t, ta.ta_maxpages, UINT64_MAX);
	KT_EQ(t, ta.ta_maxnodes, UINT64_MAX);
	KT_EQ(t, tmpfs_parse_opts("", &ta), 0);
	KT_EQ(t, tmpfs_parse_opts("bogus=1", &ta), EINVAL);
	KT_EQ(t, tmpfs_parse_opts("size", &ta), EINVAL);
	KT_EQ(t, tmpfs_parse_opts("size=12x", &ta), EINVAL);
	KT_EQ(t, tmpfs_parse_opts("size=k", &ta), EINVAL);
	KT_EQ(t, tmpfs_parse_opts("mode=8", &ta), EINVAL);
	KT_EQ(t, tmpfs_parse_opts("mode=17777", &ta), EINVAL);
	KT_EQ(t, tmpfs_parse_opts("uid=-1", &ta), EINVAL);
	KT_EQ(t, tmpfs_parse_opts("size=99999999999999999999", &ta), EINVAL);
	KT_EQ(t, tmpfs_parse_opts("size=17179869184g", &ta), EINVAL);
}

/*
 * Directory internals on a mount without the VFS: attach, lookup,
 * detach, and cookie seeks through table growth and shrinkage.
 */
KTEST(tmpfs_int_dir)
{
	enum { N = 1000 };
	struct tmpfs_args ta;
	struct tmpfs_mount *tm;
	struct tmpfs_node *dir, *tn;
	struct tmpfs_dirent *de;
	char name[16];
	int i, bad = 0;

	KT_REQUIRE_EQ(t, tmpfs_parse_opts(NULL, &ta), 0);
	KT_REQUIRE_EQ(t, tmpfs_mount_alloc(&ta, NULL, &tm), 0);
	dir = tm->tm_root;
	KT_EQ(t, dir->tn_id, TMPFS_ROOT_INO);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		if (tmpfs_node_alloc(tm, VREG, 0644, 0, 0, &tn) != 0 ||
		    tmpfs_dirent_alloc(name, strlen(name), &de) != 0) {
			bad++;
			break;
		}
		tmpfs_dir_attach(dir, de, tn);
		tn->tn_links = 1;
	}
	KT_REQUIRE_EQ(t, bad, 0);
	KT_EQ(t, dir->tn_u.tn_dir.td_count, N);
	KT_EQ(t, tm->tm_nodes, N + 1);
	/* Every name found, cookie i + 2 is the i-th entry. */
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		de = tmpfs_dir_lookup(dir, name, strlen(name));
		if (de == NULL || de->td_seq != (uint64_t)i + 2 ||
		    tmpfs_dir_seek(dir, i + 2) != de)
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_ASSERT(t, tmpfs_dir_lookup(dir, "n1000", 5) == NULL);
	KT_ASSERT(t, tmpfs_dir_lookup(dir, "n1", 1) == NULL);
	/* Remove the odd ones: seeks to their cookies land on the next. */
	for (i = 1; i < N; i += 2) {
		snprintf(name, sizeof(name), "n%d", i);
		de = tmpfs_dir_lookup(dir, name, strlen(name));
		tmpfs_dir_detach(dir, de);
		tmpfs_dirent_free(de);
	}
	for (i = 1; i < N - 1; i += 2) {
		de = tmpfs_dir_seek(dir, i + 2);
		if (de == NULL || de->td_seq != (uint64_t)i + 3)
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_ASSERT(t, tmpfs_dir_seek(dir, N + 1) == NULL);
	KT_ASSERT(t, tmpfs_dir_seek(dir, 0)->td_seq == 2);
	/* Shrink to a small directory (no hash tables) and check again. */
	for (i = 0; i < N - 8; i += 2) {
		snprintf(name, sizeof(name), "n%d", i);
		de = tmpfs_dir_lookup(dir, name, strlen(name));
		tmpfs_dir_detach(dir, de);
		tmpfs_dirent_free(de);
	}
	KT_EQ(t, dir->tn_u.tn_dir.td_count, 4);
	KT_EQ(t, dir->tn_u.tn_dir.td_nbuckets, 0);
	KT_ASSERT(t, tmpfs_dir_lookup(dir, "n994", 4) != NULL);
	KT_ASSERT(t, tmpfs_dir_seek(dir, 5)->td_seq == N - 8 + 2);
	/* A new entry gets a cookie never used before. */
	KT_REQUIRE_EQ(t, tmpfs_dirent_alloc("new", 3, &de), 0);
	tmpfs_dir_attach(dir, de, dir->tn_u.tn_dir.td_list.tqh_first->td_node);
	KT_EQ(t, de->td_seq, N + 2);
	tmpfs_mount_free(tm);
}

/*
 * The radix page table: pages at scattered indexes, hole and data
 * searches, truncation, and the mount's page count.
 */
KTEST(tmpfs_int_pages)
{
	static const uint64_t idx[] = { 0, 1, 511, 512, 262143, 262144,
	    (1ULL << 27) + 3, (1ULL << 36) + 7 };
	struct tmpfs_args ta;
	struct tmpfs_mount *tm;
	struct tmpfs_node *tn;
	struct tmpfs_pages *tp;
	void *pages[__arraycount(idx)], *p;
	uint64_t res;
	size_t i;

	KT_REQUIRE_EQ(t, tmpfs_parse_opts("size=40k", &ta), 0);
	KT_REQUIRE_EQ(t, tmpfs_mount_alloc(&ta, NULL, &tm), 0);
	KT_REQUIRE_EQ(t, tmpfs_node_alloc(tm, VREG, 0644, 0, 0, &tn), 0);
	tp = &tn->tn_u.tn_pages;
	for (i = 0; i < __arraycount(idx); i++) {
		KT_REQUIRE_EQ(t, tmpfs_page_get(tm, tp, idx[i], true,
		    &pages[i]), 0);
		KT_ASSERT(t, tt_zero(pages[i], TMPFS_PAGE_SIZE));
		memset(pages[i], (int)i + 1, TMPFS_PAGE_SIZE);
	}
	KT_EQ(t, tm->tm_pages, __arraycount(idx));
	KT_EQ(t, tp->tp_count, __arraycount(idx));
	for (i = 0; i < __arraycount(idx); i++) {
		KT_ASSERT(t, tmpfs_page_lookup(tp, idx[i]) == pages[i]);
		KT_REQUIRE_EQ(t, tmpfs_page_get(tm, tp, idx[i], true, &p), 0);
		KT_ASSERT(t, p == pages[i]);
	}
	KT_EQ(t, tm->tm_pages, __arraycount(idx));
	KT_ASSERT(t, tmpfs_page_lookup(tp, 2) == NULL);
	KT_ASSERT(t, tmpfs_page_lookup(tp, 1ULL << 40) == NULL);
	/* Limit 10 pages: 8 used, two more, then ENOSPC. */
	KT_EQ(t, tmpfs_page_get(tm, tp, 100, false, &p), 0);
	KT_EQ(t, tmpfs_page_get(tm, tp, 101, false, &p), 0);
	KT_EQ(t, tmpfs_page_get(tm, tp, 102, false, &p), ENOSPC);
	KT_EQ(t, tm->tm_pages, 10);
	/* Searches. */
	KT_ASSERT(t, tmpfs_pages_find(tp, 2, UINT64_MAX >> 12, true, &res));
	KT_EQ(t, res, 100);
	KT_ASSERT(t, tmpfs_pages_find(tp, 0, 1000, false, &res));
	KT_EQ(t, res, 2);
	KT_ASSERT(t, tmpfs_pages_find(tp, 511, 1000, false, &res));
	KT_EQ(t, res, 513);
	KT_ASSERT(t, tmpfs_pages_find(tp, 262144, 1ULL << 40, true, &res));
	KT_EQ(t, res, 262144);
	KT_ASSERT(t, tmpfs_pages_find(tp, 262145, 1ULL << 40, true, &res));
	KT_EQ(t, res, (1ULL << 27) + 3);
	KT_ASSERT(t, !tmpfs_pages_find(tp, (1ULL << 36) + 8, 1ULL << 40, true,
	    &res));
	KT_ASSERT(t, !tmpfs_pages_find(tp, 103, 511, true, &res));
	/* Truncate to 513 pages: keeps 0, 1, 511, 512, 100, 101. */
	tmpfs_pages_truncate(tm, tp, 513);
	KT_EQ(t, tp->tp_count, 6);
	KT_EQ(t, tm->tm_pages, 6);
	KT_EQ(t, tp->tp_height, 2);
	KT_ASSERT(t, tmpfs_page_lookup(tp, 512) == pages[3]);
	KT_EQ(t, ((uint8_t *)tmpfs_page_lookup(tp, 511))[7], 3);
	KT_ASSERT(t, tmpfs_page_lookup(tp, 262144) == NULL);
	tmpfs_pages_truncate(tm, tp, 1);
	KT_EQ(t, tp->tp_height, 1);
	KT_EQ(t, tm->tm_pages, 1);
	tmpfs_pages_truncate(tm, tp, 0);
	KT_ASSERT(t, tp->tp_root == NULL);
	KT_EQ(t, tm->tm_pages, 0);
	tmpfs_node_free(tn);
	KT_EQ(t, tm->tm_nodes, 1);
	tmpfs_mount_free(tm);
}

/*
 * Writes of many sizes at many offsets, read back through other sizes.
 * Oracle: the pattern generator.
 */
KTEST(tmpfs_rw_pattern)
{
	static const size_t lens[] = { 1, 7, 4095, 4096, 4097, 12288, 70001 };
	const size_t total = 300000;
	uint8_t *buf;
	size_t done, off, i, n;
	int64_t res;
	int fd, bad = 0;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rw", 0755), 0);
	KT_REQUIRE(t, (buf = kmem_alloc(total)) != NULL);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_rw/f",
	    O_RDWR | O_CREAT | O_EXCL, 0644, &fd), 0);
	/* Sequential writes of varying lengths. */
	for (off = 0, i = 0; off < total; off += n, i++) {
		n = MIN(lens[i % __arraycount(lens)], total - off);
		tt_fill(buf, n, off, 1);
		if (sys_write(fd, buf, n, &done) != 0 || done != n)
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, tt_size("/t_rw/f"), total);
	/* Read back in other chunk sizes, from offset 0. */
	KT_EQ(t, sys_lseek(fd, 0, SEEK_SET, &res), 0);
	for (off = 0, i = 3; off < total; off += done, i++) {
		n = lens[i % __arraycount(lens)];
		if (sys_read(fd, buf, n, &done) != 0 || done == 0 ||
		    tt_check(buf, done, off, 1) >= 0) {
			bad++;
			break;
		}
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, sys_read(fd, buf, 10, &done), 0);
	KT_EQ(t, done, 0);
	/* Overwrite in the middle across a page boundary, pread it. */
	tt_fill(buf, 10000, 5000, 2);
	KT_EQ(t, sys_pwrite(fd, buf, 10000, 5000, &done), 0);
	KT_EQ(t, sys_pread(fd, buf, total, 0, &done), 0);
	KT_EQ(t, done, total);
	KT_EQ(t, tt_check(buf, 5000, 0, 1), -1);
	KT_EQ(t, tt_check(buf + 5000, 10000, 5000, 2), -1);
	KT_EQ(t, tt_check(buf + 15000, total - 15000, 15000, 1), -1);
	/* O_APPEND writes at the end whatever the offset. */
	KT_EQ(t, sys_close(fd), 0);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_rw/f",
	    O_WRONLY | O_APPEND, 0, &fd), 0);
	KT_EQ(t, sys_lseek(fd, 0, SEEK_SET, &res), 0);
	tt_fill(buf, 3, total, 1);
	KT_EQ(t, sys_write(fd, buf, 3, &done), 0);
	KT_EQ(t, tt_size("/t_rw/f"), total + 3);
	KT_EQ(t, sys_close(fd), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rw/f", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rw", AT_REMOVEDIR), 0);
	kmem_free(buf, total);
}

/*
 * Holes: writes far apart leave holes that read as zeros, allocate no
 * pages, and are found by SEEK_HOLE/SEEK_DATA (page granularity).
 */
KTEST(tmpfs_sparse)
{
	const int64_t far = (1LL << 40) + 100;	/* 1 TiB + 100 */
	uint8_t buf[8192];
	struct vattr va;
	size_t done;
	int64_t res;
	int fd;

	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_sparse",
	    O_RDWR | O_CREAT | O_EXCL, 0644, &fd), 0);
	tt_fill(buf, 10, 0, 3);
	KT_EQ(t, sys_pwrite(fd, buf, 10, 0, &done), 0);
	tt_fill(buf, 5000, 40960, 3);
	KT_EQ(t, sys_pwrite(fd, buf, 5000, 40960, &done), 0);
	tt_fill(buf, 1, far, 3);
	KT_EQ(t, sys_pwrite(fd, buf, 1, far, &done), 0);
	KT_REQUIRE_EQ(t, sys_fstat(fd, &va), 0);
	KT_EQ(t, va.va_size, far + 1);
	/* Pages 0, 10, 11 and the one at 1 TiB. */
	KT_EQ(t, va.va_bytes, 4 * 4096);
	/* A hole reads as zeros, data around it as written. */
	KT_EQ(t, sys_pread(fd, buf, 8192, 4000, &done), 0);
	KT_EQ(t, done, 8192);
	KT_ASSERT(t, tt_zero(buf, 8192));
	KT_EQ(t, sys_pread(fd, buf, 8192, 40000, &done), 0);
	KT_ASSERT(t, tt_zero(buf, 960));
	KT_EQ(t, tt_check(buf + 960, 5000, 40960, 3), -1);
	KT_ASSERT(t, tt_zero(buf + 5960, 8192 - 5960));
	KT_EQ(t, sys_pread(fd, buf, 100, far - 50, &done), 0);
	KT_EQ(t, done, 51);
	KT_ASSERT(t, tt_zero(buf, 50));
	KT_EQ(t, buf[50], tt_pat(far, 3));
	/* SEEK_DATA / SEEK_HOLE. */
	KT_EQ(t, sys_lseek(fd, 0, SEEK_DATA, &res), 0);
	KT_EQ(t, res, 0);
	KT_EQ(t, sys_lseek(fd, 5, SEEK_HOLE, &res), 0);
	KT_EQ(t, res, 4096);
	KT_EQ(t, sys_lseek(fd, 4096, SEEK_DATA, &res), 0);
	KT_EQ(t, res, 40960);
	KT_EQ(t, sys_lseek(fd, 41000, SEEK_DATA, &res), 0);
	KT_EQ(t, res, 41000);
	KT_EQ(t, sys_lseek(fd, 41000, SEEK_HOLE, &res), 0);
	KT_EQ(t, res, 49152);
	KT_EQ(t, sys_lseek(fd, 49152, SEEK_DATA, &res), 0);
	KT_EQ(t, res, far & ~4095LL);
	KT_EQ(t, sys_lseek(fd, far, SEEK_HOLE, &res), 0);
	KT_EQ(t, res, far + 1);
	KT_EQ(t, sys_lseek(fd, far + 1, SEEK_DATA, &res), ENXIO);
	KT_EQ(t, sys_lseek(fd, far + 1, SEEK_HOLE, &res), ENXIO);
	/* After a truncate in the hole, the tail has no data. */
	KT_EQ(t, sys_ftruncate(fd, 100000), 0);
	KT_EQ(t, sys_lseek(fd, 49152, SEEK_DATA, &res), ENXIO);
	KT_EQ(t, sys_lseek(fd, 49152, SEEK_HOLE, &res), 0);
	KT_EQ(t, res, 49152);
	KT_REQUIRE_EQ(t, sys_fstat(fd, &va), 0);
	KT_EQ(t, va.va_bytes, 3 * 4096);
	KT_EQ(t, sys_close(fd), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_sparse", 0), 0);
}

/*
 * Truncate down into a page then up again: the cut bytes come back as
 * zeros, the rest is untouched.
 */
KTEST(tmpfs_truncate)
{
	const size_t len = 20000;
	uint8_t *buf;
	size_t done;
	int fd;

	KT_REQUIRE(t, (buf = kmem_alloc(2 * len)) != NULL);
	KT_REQUIRE_EQ(t, tt_mkfile("/t_trunc", len, 4), 0);
	KT_EQ(t, sys_truncate("/t_trunc", 5000), 0);
	KT_EQ(t, tt_size("/t_trunc"), 5000);
	KT_EQ(t, sys_truncate("/t_trunc", 30000), 0);
	KT_EQ(t, tt_size("/t_trunc"), 30000);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_trunc", O_RDWR, 0,
	    &fd), 0);
	KT_EQ(t, sys_pread(fd, buf, 2 * len, 0, &done), 0);
	KT_EQ(t, done, 30000);
	KT_EQ(t, tt_check(buf, 5000, 0, 4), -1);
	KT_ASSERT(t, tt_zero(buf + 5000, 25000));
	/* Truncate to 0 and extend by writing past the end. */
	KT_EQ(t, sys_ftruncate(fd, 0), 0);
	KT_EQ(t, tt_size("/t_trunc"), 0);
	tt_fill(buf, 10, 9000, 5);
	KT_EQ(t, sys_pwrite(fd, buf, 10, 9000, &done), 0);
	KT_EQ(t, sys_pread(fd, buf, 2 * len, 0, &done), 0);
	KT_EQ(t, done, 9010);
	KT_ASSERT(t, tt_zero(buf, 9000));
	KT_EQ(t, tt_check(buf + 9000, 10, 9000, 5), -1);
	KT_EQ(t, sys_ftruncate(fd, -1), EINVAL);
	KT_EQ(t, sys_close(fd), 0);
	/* O_TRUNC empties the file. */
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_trunc",
	    O_WRONLY | O_TRUNC, 0, &fd), 0);
	KT_EQ(t, tt_size("/t_trunc"), 0);
	KT_EQ(t, sys_close(fd), 0);
	/* Truncating a directory: EISDIR. */
	KT_EQ(t, sys_truncate("/", 0), EISDIR);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_trunc", 0), 0);
	kmem_free(buf, 2 * len);
}

/*
 * Read up to len bytes of entries from directory fd; call fn for each
 * with its name and cookie.  Returns the number of entries, or -errno.
 */
typedef void tt_dirent_fn(const struct kdirent *d, void *arg);
static int
tt_getdents(int fd, size_t len, tt_dirent_fn *fn, void *arg)
{
	char *buf;
	size_t done, off;
	const struct kdirent *d;
	int n = 0, error;

	if ((buf = kmem_alloc(len)) == NULL)
		return -ENOMEM;
	if ((error = sys_getdents(fd, buf, len, &done)) != 0) {
		kmem_free(buf, len);
		return -error;
	}
	for (off = 0; off < done; off += d->d_reclen, n++) {
		d = (const struct kdirent *)(buf + off);
		fn(d, arg);
	}
	kmem_free(buf, len);
	return n;
}

/* What tmpfs_readdir_cookies has seen: counts per name "e%03d". */
struct tt_seen {
	int		ts_count[400];	/* times seen, by number */
	int		ts_dots;	/* "." and ".." seen */
	int		ts_other;	/* names that should not exist */
	int64_t		ts_lastoff;	/* d_off of the last entry */
	char		ts_lastname[16]; /* name of the last entry */
};

static void
tt_seen_fn(const struct kdirent *d, void *arg)
{
	struct tt_seen *s = arg;
	uint64_t v;

	s->ts_lastoff = d->d_off;
	strlcpy(s->ts_lastname, d->d_name, sizeof(s->ts_lastname));
	if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0) {
		s->ts_dots++;
		return;
	}
	if (d->d_name[0] != 'e' || kstrtou64(d->d_name + 1, 10, &v) != 0 ||
	    v >= __arraycount(s->ts_count)) {
		s->ts_other++;
		return;
	}
	s->ts_count[v]++;
}

static int
tt_mkname(char *path, size_t len, const char *dir, int i)
{
	snprintf(path, len, "%s/e%03d", dir, i);
	return tt_mkfile(path, 0, 0);
}

/*
 * Readdir cookies stay valid across insertions and removals: entries
 * present throughout are seen exactly once, removed ones not yet read
 * are not seen, and seeking back to a cookie resumes at the same entry.
 * Oracle: the set of names the test created and removed.
 */
KTEST(tmpfs_readdir_cookies)
{
	struct tt_seen *s;
	char path[64];
	int64_t res, cookie;
	int fd, i, n, bad = 0;

	KT_REQUIRE(t, (s = kmem_zalloc(sizeof(*s))) != NULL);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_cookie", 0755), 0);
	for (i = 0; i < 200; i++)
		if (tt_mkname(path, sizeof(path), "/t_cookie", i) != 0)
			bad++;
	KT_REQUIRE_EQ(t, bad, 0);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_cookie",
	    O_RDONLY | O_DIRECTORY, 0, &fd), 0);
	/* A small buffer: a few entries per call. */
	n = tt_getdents(fd, 200, tt_seen_fn, s);
	KT_ASSERT(t, n > 2 && n < 20);
	KT_EQ(t, s->ts_dots, 2);
	cookie = s->ts_lastoff;
	/* Remove entries 0..99 (some seen), add 200..249, go on. */
	for (i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/t_cookie/e%03d", i);
		if (sys_unlinkat(KAPI_AT_FDCWD, path, 0) != 0)
			bad++;
	}
	for (i = 200; i < 250; i++)
		if (tt_mkname(path, sizeof(path), "/t_cookie", i) != 0)
			bad++;
	KT_EQ(t, bad, 0);
	while ((n = tt_getdents(fd, 300, tt_seen_fn, s)) > 0)
		continue;
	KT_EQ(t, n, 0);
	for (i = 0; i < 250; i++) {
		/* Seen before removal, or present throughout: once. */
		if (i >= 100 && s->ts_count[i] != 1)
			bad++;
		if (i < 100 && s->ts_count[i] > 1)
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, s->ts_dots, 2);
	KT_EQ(t, s->ts_other, 0);
	/* Removed before being reached: never seen (e050..e099). */
	for (i = 50; i < 100; i++)
		bad += s->ts_count[i];
	KT_EQ(t, bad, 0);
	/* Seek back to the saved cookie: the next entry is e100. */
	KT_EQ(t, sys_lseek(fd, cookie, SEEK_SET, &res), 0);
	n = tt_getdents(fd, 40, tt_seen_fn, s);
	KT_EQ(t, n, 1);
	KT_STREQ(t, s->ts_lastname, "e100");
	/* From cookie 0 again: ".", "..", then e100. */
	KT_EQ(t, sys_lseek(fd, 0, SEEK_SET, &res), 0);
	memset(s, 0, sizeof(*s));
	KT_EQ(t, tt_getdents(fd, 40, tt_seen_fn, s), 1);
	KT_STREQ(t, s->ts_lastname, ".");
	KT_EQ(t, tt_getdents(fd, 40, tt_seen_fn, s), 1);
	KT_STREQ(t, s->ts_lastname, "..");
	KT_EQ(t, tt_getdents(fd, 40, tt_seen_fn, s), 1);
	KT_STREQ(t, s->ts_lastname, "e100");
	/* Too small for one entry: EINVAL (Linux). */
	KT_EQ(t, tt_getdents(fd, 8, tt_seen_fn, s), -EINVAL);
	KT_EQ(t, sys_close(fd), 0);
	for (i = 100; i < 250; i++) {
		snprintf(path, sizeof(path), "/t_cookie/e%03d", i);
		if (sys_unlinkat(KAPI_AT_FDCWD, path, 0) != 0)
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_cookie", AT_REMOVEDIR), 0);
	kmem_free(s, sizeof(*s));
}

/* Counts of "b%05d" names seen by tmpfs_bigdir. */
struct tt_big {
	uint8_t		*tb_seen;	/* per number, times seen */
	int		 tb_n;		/* numbers */
	int		 tb_bad;	/* unexpected names */
	int		 tb_total;	/* entries */
};

static void
tt_big_fn(const struct kdirent *d, void *arg)
{
	struct tt_big *b = arg;
	uint64_t v;

	b->tb_total++;
	if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
		return;
	if (d->d_name[0] != 'b' || kstrtou64(d->d_name + 1, 10, &v) != 0 ||
	    v >= (uint64_t)b->tb_n || d->d_type != VREG) {
		b->tb_bad++;
		return;
	}
	b->tb_seen[v]++;
}

/*
 * A directory of 20000 files: every name is found by lookup with the
 * right inode, readdir lists each exactly once, the size and link count
 * are right, and removing them all leaves it empty.
 */
KTEST(tmpfs_bigdir)
{
	enum { N = 20000 };
	struct tt_big b = { NULL, N, 0, 0 };
	struct vattr va;
	uint64_t *inos;
	char path[64];
	int fd, i, n, bad = 0;

	KT_REQUIRE(t, (b.tb_seen = kmem_zalloc(N)) != NULL);
	KT_REQUIRE(t, (inos = kmem_zalloc(N * sizeof(*inos))) != NULL);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_big", 0755), 0);
	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/t_big/b%05d", i);
		if (sys_mknodat(KAPI_AT_FDCWD, path, VREG, 0644, 0) != 0)
			bad++;
		inos[i] = tt_ino(path);
	}
	KT_REQUIRE_EQ(t, bad, 0);
	KT_EQ(t, sys_mknodat(KAPI_AT_FDCWD, "/t_big/b00007", VREG, 0644, 0),
	    EEXIST);
	/* Lookups in another order find the same inodes. */
	for (i = N - 1; i >= 0; i -= 3) {
		snprintf(path, sizeof(path), "/t_big/b%05d", i);
		if (tt_ino(path) != inos[i] || inos[i] == 0)
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, tt_ino("/t_big/b20000"), 0);
	KT_REQUIRE_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_big", &va, 0), 0);
	KT_EQ(t, va.va_nlink, 2);
	KT_EQ(t, va.va_size, (N + 2) * TMPFS_DIRENT_BOGOSIZE);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_big",
	    O_RDONLY | O_DIRECTORY, 0, &fd), 0);
	while ((n = tt_getdents(fd, 4096, tt_big_fn, &b)) > 0)
		continue;
	KT_EQ(t, n, 0);
	KT_EQ(t, sys_close(fd), 0);
	KT_EQ(t, b.tb_total, N + 2);
	KT_EQ(t, b.tb_bad, 0);
	for (i = 0; i < N; i++)
		if (b.tb_seen[i] != 1)
			bad++;
	KT_EQ(t, bad, 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_big", AT_REMOVEDIR),
	    ENOTEMPTY);
	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/t_big/b%05d", i);
		if (sys_unlinkat(KAPI_AT_FDCWD, path, 0) != 0)
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, tt_size("/t_big"), 2 * TMPFS_DIRENT_BOGOSIZE);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_big", AT_REMOVEDIR), 0);
	kmem_free(inos, N * sizeof(*inos));
	kmem_free(b.tb_seen, N);
}

/*
 * Link counts as POSIX/Linux define them: files count names, directories
 * 2 plus one per subdirectory.
 */
KTEST(tmpfs_links)
{
	struct vattr va;
	size_t done;
	char buf[8];
	int fd, n;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_ln", 0755), 0);
	KT_EQ(t, tt_nlink("/t_ln"), 2);
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_ln/d1", 0755), 0);
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_ln/d2", 0755), 0);
	KT_EQ(t, tt_nlink("/t_ln"), 4);
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_ln/d1", 0755), EEXIST);
	KT_EQ(t, tt_mkfile("/t_ln/f", 3, 6), 0);
	KT_EQ(t, tt_nlink("/t_ln"), 4);
	KT_EQ(t, sys_linkat(KAPI_AT_FDCWD, "/t_ln/f", KAPI_AT_FDCWD,
	    "/t_ln/d1/g", 0), 0);
	KT_EQ(t, tt_nlink("/t_ln/f"), 2);
	KT_EQ(t, tt_ino("/t_ln/f"), tt_ino("/t_ln/d1/g"));
	KT_EQ(t, sys_linkat(KAPI_AT_FDCWD, "/t_ln/f", KAPI_AT_FDCWD,
	    "/t_ln/d1/g", 0), EEXIST);
	KT_EQ(t, sys_linkat(KAPI_AT_FDCWD, "/t_ln/d2", KAPI_AT_FDCWD,
	    "/t_ln/d3", 0), EPERM);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/f", 0), 0);
	KT_EQ(t, tt_nlink("/t_ln/d1/g"), 1);
	/* The data stays with the remaining name. */
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_ln/d1/g", O_RDONLY, 0,
	    &fd), 0);
	KT_EQ(t, sys_read(fd, buf, sizeof(buf), &done), 0);
	KT_EQ(t, done, 3);
	KT_EQ(t, tt_check((uint8_t *)buf, 3, 0, 6), -1);
	KT_EQ(t, sys_close(fd), 0);
	/* ".." of a subdirectory is its parent. */
	KT_EQ(t, tt_ino("/t_ln/d1/.."), tt_ino("/t_ln"));
	KT_EQ(t, tt_ino("/t_ln/d1/."), tt_ino("/t_ln/d1"));
	/* Symlinks are one link; rmdir errors. */
	KT_EQ(t, sys_symlinkat("d1/g", KAPI_AT_FDCWD, "/t_ln/s"), 0);
	KT_EQ(t, tt_nlink("/t_ln/s"), 1);
	KT_EQ(t, tt_nlink("/t_ln"), 4);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/d1", AT_REMOVEDIR),
	    ENOTEMPTY);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/s", AT_REMOVEDIR),
	    ENOTDIR);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/d2", 0), EISDIR);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/d2", AT_REMOVEDIR), 0);
	KT_EQ(t, tt_nlink("/t_ln"), 3);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/d2", AT_REMOVEDIR), ENOENT);
	/* A directory removed while it is the cwd: nothing can be made. */
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_ln/d4", 0755), 0);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_ln/d4",
	    O_RDONLY | O_DIRECTORY, 0, &fd), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/d4", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_fstat(fd, &va), 0);
	KT_EQ(t, va.va_nlink, 0);
	KT_EQ(t, sys_mkdirat(fd, "x", 0755), ENOENT);
	KT_EQ(t, sys_openat(fd, "y", O_RDWR | O_CREAT, 0644, &n), ENOENT);
	KT_EQ(t, sys_close(fd), 0);
	KT_EQ(t, tt_nlink("/t_ln"), 3);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/s", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/d1/g", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln/d1", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_ln", AT_REMOVEDIR), 0);
}

/*
 * Plain renames: within a directory, across directories, a directory
 * moved to a new parent (its ".." and both parents' link counts follow),
 * and the errors POSIX gives for impossible moves.
 */
KTEST(tmpfs_rename_basic)
{
	uint64_t ino;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rn", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rn/a", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rn/b", 0755), 0);
	KT_REQUIRE_EQ(t, tt_mkfile("/t_rn/a/f", 100, 7), 0);
	ino = tt_ino("/t_rn/a/f");
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rn/a/f", KAPI_AT_FDCWD,
	    "/t_rn/a/g", 0), 0);
	KT_EQ(t, tt_ino("/t_rn/a/f"), 0);
	KT_EQ(t, tt_ino("/t_rn/a/g"), ino);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rn/a/g", KAPI_AT_FDCWD,
	    "/t_rn/b/h", 0), 0);
	KT_EQ(t, tt_ino("/t_rn/b/h"), ino);
	KT_EQ(t, tt_nlink("/t_rn/b/h"), 1);
	KT_EQ(t, tt_size("/t_rn/b/h"), 100);
	/* Directory move: a/sub -> b/sub2. */
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rn/a/sub", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rn/a/sub/x", 0755), 0);
	KT_EQ(t, tt_nlink("/t_rn/a"), 3);
	KT_EQ(t, tt_nlink("/t_rn/b"), 2);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rn/a/sub", KAPI_AT_FDCWD,
	    "/t_rn/b/sub2", 0), 0);
	KT_EQ(t, tt_nlink("/t_rn/a"), 2);
	KT_EQ(t, tt_nlink("/t_rn/b"), 3);
	KT_EQ(t, tt_nlink("/t_rn/b/sub2"), 3);
	KT_EQ(t, tt_ino("/t_rn/b/sub2/.."), tt_ino("/t_rn/b"));
	KT_EQ(t, tt_ino("/t_rn/b/sub2/x/../.."), tt_ino("/t_rn/b"));
	/* Into its own subtree: EINVAL; missing source: ENOENT. */
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rn/b", KAPI_AT_FDCWD,
	    "/t_rn/b/sub2/x/y", 0), EINVAL);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rn/nope", KAPI_AT_FDCWD,
	    "/t_rn/z", 0), ENOENT);
	/* Same-directory directory rename keeps the counts. */
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rn/b/sub2", KAPI_AT_FDCWD,
	    "/t_rn/b/sub3", 0), 0);
	KT_EQ(t, tt_nlink("/t_rn/b"), 3);
	/* Two names of one file: rename does nothing (POSIX). */
	KT_EQ(t, sys_linkat(KAPI_AT_FDCWD, "/t_rn/b/h", KAPI_AT_FDCWD,
	    "/t_rn/b/h2", 0), 0);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rn/b/h", KAPI_AT_FDCWD,
	    "/t_rn/b/h2", 0), 0);
	KT_EQ(t, tt_nlink("/t_rn/b/h"), 2);
	KT_EQ(t, tt_ino("/t_rn/b/h2"), ino);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rn/b/h2", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rn/b/h", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rn/b/sub3/x", AT_REMOVEDIR),
	    0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rn/b/sub3", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rn/b", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rn/a", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rn", AT_REMOVEDIR), 0);
}

/*
 * Renames onto an existing target: file over file, empty directory over
 * directory, and the refusals (ENOTEMPTY, EISDIR, ENOTDIR, EEXIST for
 * RENAME_NOREPLACE) that leave both sides as they were.
 */
KTEST(tmpfs_rename_replace)
{
	uint64_t ino;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rr", 0755), 0);
	KT_REQUIRE_EQ(t, tt_mkfile("/t_rr/f1", 10, 8), 0);
	KT_REQUIRE_EQ(t, tt_mkfile("/t_rr/f2", 20, 9), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rr/d1", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rr/d2", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rr/d3", 0755), 0);
	KT_REQUIRE_EQ(t, tt_mkfile("/t_rr/d3/in", 0, 0), 0);
	KT_EQ(t, tt_nlink("/t_rr"), 5);
	/* RENAME_NOREPLACE refuses an existing target. */
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/f1", KAPI_AT_FDCWD,
	    "/t_rr/f2", RENAME_NOREPLACE), EEXIST);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/f1", KAPI_AT_FDCWD,
	    "/t_rr/f3", RENAME_NOREPLACE), 0);
	/* Type mismatches and a non-empty target. */
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/f3", KAPI_AT_FDCWD,
	    "/t_rr/d1", 0), EISDIR);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/d1", KAPI_AT_FDCWD,
	    "/t_rr/f3", 0), ENOTDIR);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/d1", KAPI_AT_FDCWD,
	    "/t_rr/d3", 0), ENOTEMPTY);
	KT_EQ(t, tt_size("/t_rr/f3"), 10);
	KT_EQ(t, tt_ino("/t_rr/d3/in") != 0, 1);
	/* File over file: the target's old file goes, the data is f3's. */
	ino = tt_ino("/t_rr/f3");
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/f3", KAPI_AT_FDCWD,
	    "/t_rr/f2", 0), 0);
	KT_EQ(t, tt_ino("/t_rr/f2"), ino);
	KT_EQ(t, tt_size("/t_rr/f2"), 10);
	KT_EQ(t, tt_ino("/t_rr/f3"), 0);
	/* Empty directory over empty directory: parent loses a link. */
	ino = tt_ino("/t_rr/d1");
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/d1", KAPI_AT_FDCWD,
	    "/t_rr/d2", 0), 0);
	KT_EQ(t, tt_ino("/t_rr/d2"), ino);
	KT_EQ(t, tt_ino("/t_rr/d1"), 0);
	KT_EQ(t, tt_nlink("/t_rr"), 4);
	/* Directory over empty directory in another parent. */
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rr/d3/in", 0), 0);
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rr/d3/e", 0755), 0);
	KT_EQ(t, tt_nlink("/t_rr/d3"), 3);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/d2", KAPI_AT_FDCWD,
	    "/t_rr/d3/e", 0), 0);
	KT_EQ(t, tt_nlink("/t_rr/d3"), 3);
	KT_EQ(t, tt_nlink("/t_rr"), 3);
	KT_EQ(t, tt_ino("/t_rr/d3/e/.."), tt_ino("/t_rr/d3"));
	/* The target's parent is the source: ENOTEMPTY (Linux). */
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rr/d3/e", KAPI_AT_FDCWD,
	    "/t_rr/d3", 0), ENOTEMPTY);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rr/d3/e", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rr/d3", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rr/f2", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rr", AT_REMOVEDIR), 0);
}

/* RENAME_EXCHANGE: two files, a file and a directory across parents. */
KTEST(tmpfs_rename_exchange)
{
	uint64_t fi, di;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rx", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rx/p", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rx/q", 0755), 0);
	KT_REQUIRE_EQ(t, tt_mkfile("/t_rx/p/f", 5, 10), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_rx/q/d", 0755), 0);
	fi = tt_ino("/t_rx/p/f");
	di = tt_ino("/t_rx/q/d");
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rx/p/f", KAPI_AT_FDCWD,
	    "/t_rx/q/none", RENAME_EXCHANGE), ENOENT);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rx/p/f", KAPI_AT_FDCWD,
	    "/t_rx/q/d", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
	KT_EQ(t, tt_nlink("/t_rx/p"), 2);
	KT_EQ(t, tt_nlink("/t_rx/q"), 3);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rx/p/f", KAPI_AT_FDCWD,
	    "/t_rx/q/d", RENAME_EXCHANGE), 0);
	KT_EQ(t, tt_ino("/t_rx/p/f"), di);
	KT_EQ(t, tt_ino("/t_rx/q/d"), fi);
	KT_EQ(t, tt_nlink("/t_rx/p"), 3);
	KT_EQ(t, tt_nlink("/t_rx/q"), 2);
	KT_EQ(t, tt_ino("/t_rx/p/f/.."), tt_ino("/t_rx/p"));
	KT_EQ(t, tt_size("/t_rx/q/d"), 5);
	/* Two files in one directory. */
	KT_REQUIRE_EQ(t, tt_mkfile("/t_rx/q/g", 7, 11), 0);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rx/q/g", KAPI_AT_FDCWD,
	    "/t_rx/q/d", RENAME_EXCHANGE), 0);
	KT_EQ(t, tt_size("/t_rx/q/d"), 7);
	KT_EQ(t, tt_size("/t_rx/q/g"), 5);
	KT_EQ(t, tt_nlink("/t_rx/q"), 2);
	/* Exchanging a directory with its own parent's sibling's child. */
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_rx/p", KAPI_AT_FDCWD,
	    "/t_rx/p/f", RENAME_EXCHANGE), EINVAL);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rx/q/g", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rx/q/d", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rx/p/f", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rx/p", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rx/q", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_rx", AT_REMOVEDIR), 0);
}

/*
 * size= limit on a second tmpfs: a write stops short at the limit, the
 * next one fails with ENOSPC, statvfs counts pages, and freeing the
 * file gives the space back.
 */
KTEST(tmpfs_enospc_size)
{
	struct kstatvfs sv;
	uint8_t *buf;
	size_t done;
	int fd;

	KT_REQUIRE(t, (buf = kmem_alloc(100000)) != NULL);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mnt_s", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mount("tmpfs", "/t_mnt_s", 0, NULL,
	    "size=64k,nr_inodes=100"), 0);
	KT_EQ(t, sys_statvfs("/t_mnt_s", &sv), 0);
	KT_STREQ(t, sv.f_fstypename, "tmpfs");
	KT_EQ(t, sv.f_bsize, 4096);
	KT_EQ(t, sv.f_frsize, 4096);
	KT_EQ(t, sv.f_blocks, 16);
	KT_EQ(t, sv.f_bfree, 16);
	KT_EQ(t, sv.f_bavail, 16);
	KT_EQ(t, sv.f_files, 100);
	KT_EQ(t, sv.f_ffree, 99);
	KT_EQ(t, sv.f_namemax, 255);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_mnt_s/f",
	    O_RDWR | O_CREAT, 0644, &fd), 0);
	tt_fill(buf, 100000, 0, 12);
	KT_EQ(t, sys_write(fd, buf, 100000, &done), 0);
	KT_EQ(t, done, 65536);
	KT_EQ(t, sys_write(fd, buf, 10, &done), ENOSPC);
	KT_EQ(t, done, 0);
	/* Rewriting allocated pages needs no new space. */
	KT_EQ(t, sys_pwrite(fd, buf, 4096, 0, &done), 0);
	KT_EQ(t, sys_statvfs("/t_mnt_s", &sv), 0);
	KT_EQ(t, sv.f_bfree, 0);
	KT_EQ(t, sv.f_ffree, 98);
	memset(buf, 0, 100000);
	KT_EQ(t, sys_pread(fd, buf, 100000, 0, &done), 0);
	KT_EQ(t, done, 65536);
	KT_EQ(t, tt_check(buf, 4096, 0, 12), -1);
	KT_EQ(t, tt_check(buf + 4096, 65536 - 4096, 4096, 12), -1);
	/* Shrink to 5000 bytes: two pages stay. */
	KT_EQ(t, sys_ftruncate(fd, 5000), 0);
	KT_EQ(t, sys_statvfs("/t_mnt_s", &sv), 0);
	KT_EQ(t, sv.f_bfree, 14);
	KT_EQ(t, sys_close(fd), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mnt_s/f", 0), 0);
	KT_EQ(t, sys_statvfs("/t_mnt_s", &sv), 0);
	KT_EQ(t, sv.f_bfree, 16);
	KT_EQ(t, sv.f_ffree, 99);
	KT_EQ(t, sys_unmount("/t_mnt_s", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mnt_s", AT_REMOVEDIR), 0);
	kmem_free(buf, 100000);
}

/*
 * nr_inodes= limit: the root counts, every file type takes a node,
 * removing one gives it back.
 */
KTEST(tmpfs_enospc_inodes)
{
	struct kstatvfs sv;
	char path[64];
	int i, bad = 0;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mnt_i", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mount("tmpfs", "/t_mnt_i", 0, NULL,
	    "nr_inodes=5"), 0);
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mnt_i/d", 0755), 0);
	KT_EQ(t, sys_symlinkat("d", KAPI_AT_FDCWD, "/t_mnt_i/s"), 0);
	KT_EQ(t, sys_mknodat(KAPI_AT_FDCWD, "/t_mnt_i/p", VFIFO, 0644, 0), 0);
	KT_EQ(t, tt_mkfile("/t_mnt_i/f", 1, 0), 0);
	KT_EQ(t, sys_statvfs("/t_mnt_i", &sv), 0);
	KT_EQ(t, sv.f_files, 5);
	KT_EQ(t, sv.f_ffree, 0);
	KT_EQ(t, tt_mkfile("/t_mnt_i/g", 1, 0), ENOSPC);
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mnt_i/d/e", 0755), ENOSPC);
	KT_EQ(t, sys_symlinkat("x", KAPI_AT_FDCWD, "/t_mnt_i/t"), ENOSPC);
	/* A hard link takes no node. */
	KT_EQ(t, sys_linkat(KAPI_AT_FDCWD, "/t_mnt_i/f", KAPI_AT_FDCWD,
	    "/t_mnt_i/d/f2", 0), 0);
	KT_EQ(t, tt_ino("/t_mnt_i/g"), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mnt_i/p", 0), 0);
	KT_EQ(t, tt_mkfile("/t_mnt_i/g", 1, 0), 0);
	/* The node limit is not a size limit (default 1 GiB). */
	KT_EQ(t, sys_statvfs("/t_mnt_i", &sv), 0);
	KT_EQ(t, sv.f_blocks, TMPFS_DEFAULT_SIZE / 4096);
	/* Unmount frees everything, even with files left. */
	KT_EQ(t, sys_unmount("/t_mnt_i", 0), 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/t_mnt_i/%c", "dsf"[i]);
		if (tt_ino(path) != 0)
			bad++;
	}
	KT_EQ(t, bad, 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mnt_i", AT_REMOVEDIR), 0);
}

/* Extended attributes: set, get, list order, flags, remove. */
KTEST(tmpfs_xattr)
{
	char buf[64], big[300];
	size_t done;

	KT_REQUIRE_EQ(t, tt_mkfile("/t_xa", 0, 0), 0);
	KT_EQ(t, sys_setxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a", "one",
	    3, 0), 0);
	KT_EQ(t, sys_setxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.b", "", 0,
	    XATTR_CREATE), 0);
	KT_EQ(t, sys_setxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a", "x", 1,
	    XATTR_CREATE), EEXIST);
	KT_EQ(t, sys_setxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.c", "x", 1,
	    XATTR_REPLACE), ENOATTR);
	KT_EQ(t, sys_getxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a", buf,
	    sizeof(buf), &done), 0);
	KT_EQ(t, done, 3);
	KT_EQ(t, memcmp(buf, "one", 3), 0);
	KT_EQ(t, sys_getxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a", buf,
	    2, &done), ERANGE);
	KT_EQ(t, sys_getxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a", NULL,
	    0, &done), 0);
	KT_EQ(t, done, 3);
	KT_EQ(t, sys_getxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.b", buf,
	    sizeof(buf), &done), 0);
	KT_EQ(t, done, 0);
	KT_EQ(t, sys_getxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.zz", buf,
	    sizeof(buf), &done), ENOATTR);
	/* Replace keeps the list order. */
	KT_EQ(t, sys_setxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a",
	    "longer value", 12, XATTR_REPLACE), 0);
	KT_EQ(t, sys_listxattrat(KAPI_AT_FDCWD, "/t_xa", 0, buf, sizeof(buf),
	    &done), 0);
	KT_EQ(t, done, 14);
	KT_EQ(t, memcmp(buf, "user.a\0user.b\0", 14), 0);
	KT_EQ(t, sys_listxattrat(KAPI_AT_FDCWD, "/t_xa", 0, buf, 5, &done),
	    ERANGE);
	KT_EQ(t, sys_getxattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a", buf,
	    sizeof(buf), &done), 0);
	KT_EQ(t, done, 12);
	KT_EQ(t, memcmp(buf, "longer value", 12), 0);
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	KT_EQ(t, sys_setxattrat(KAPI_AT_FDCWD, "/t_xa", 0, big, "x", 1, 0),
	    ERANGE);
	KT_EQ(t, sys_removexattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a"), 0);
	KT_EQ(t, sys_removexattrat(KAPI_AT_FDCWD, "/t_xa", 0, "user.a"),
	    ENOATTR);
	KT_EQ(t, sys_listxattrat(KAPI_AT_FDCWD, "/t_xa", 0, buf, sizeof(buf),
	    &done), 0);
	KT_EQ(t, done, 7);
	KT_EQ(t, memcmp(buf, "user.b\0", 7), 0);
	/* Directories carry attributes too. */
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_xad", 0755), 0);
	KT_EQ(t, sys_setxattrat(KAPI_AT_FDCWD, "/t_xad", 0, "user.d", "dd",
	    2, 0), 0);
	KT_EQ(t, sys_getxattrat(KAPI_AT_FDCWD, "/t_xad", 0, "user.d", buf,
	    sizeof(buf), &done), 0);
	KT_EQ(t, done, 2);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_xad", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_xa", 0), 0);
}

/*
 * An unlinked file that is still open keeps its data and its space
 * until the last close; then both are freed.  Oracle: the pattern, and
 * the mount's page and node counts.
 */
KTEST(tmpfs_unlinked_open)
{
	struct kstatvfs sv;
	struct vattr va;
	uint8_t buf[12288];
	size_t done;
	int fd, fd2;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mnt_u", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mount("tmpfs", "/t_mnt_u", 0, NULL,
	    "size=1m,nr_inodes=10"), 0);
	KT_REQUIRE_EQ(t, tt_mkfile("/t_mnt_u/f", 10000, 13), 0);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_mnt_u/f", O_RDWR, 0,
	    &fd), 0);
	KT_EQ(t, sys_dup(fd, &fd2), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mnt_u/f", 0), 0);
	KT_EQ(t, tt_ino("/t_mnt_u/f"), 0);
	KT_EQ(t, sys_fstat(fd, &va), 0);
	KT_EQ(t, va.va_nlink, 0);
	KT_EQ(t, va.va_size, 10000);
	KT_EQ(t, sys_statvfs("/t_mnt_u", &sv), 0);
	KT_EQ(t, sv.f_blocks - sv.f_bfree, 3);
	KT_EQ(t, sv.f_files - sv.f_ffree, 2);
	KT_EQ(t, sys_pread(fd, buf, sizeof(buf), 0, &done), 0);
	KT_EQ(t, done, 10000);
	KT_EQ(t, tt_check(buf, 10000, 0, 13), -1);
	/* Still writable. */
	tt_fill(buf, 100, 10000, 13);
	KT_EQ(t, sys_pwrite(fd, buf, 100, 10000, &done), 0);
	KT_EQ(t, sys_close(fd), 0);
	/* One descriptor left: the file lives on. */
	KT_EQ(t, sys_pread(fd2, buf, sizeof(buf), 0, &done), 0);
	KT_EQ(t, done, 10100);
	KT_EQ(t, tt_check(buf, 10100, 0, 13), -1);
	KT_EQ(t, sys_close(fd2), 0);
	KT_EQ(t, sys_statvfs("/t_mnt_u", &sv), 0);
	KT_EQ(t, sv.f_bfree, sv.f_blocks);
	KT_EQ(t, sv.f_files - sv.f_ffree, 1);
	KT_EQ(t, sys_unmount("/t_mnt_u", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mnt_u", AT_REMOVEDIR), 0);
}

/*
 * A second tmpfs: its own fsid and root, EBUSY while a file in it is
 * open or a directory in it is the cwd, gone after unmount, and bad
 * options refused.
 */
KTEST(tmpfs_mount_busy)
{
	struct kstatvfs sv1, sv2;
	struct vattr va;
	int fd;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mnt_b", 0700), 0);
	KT_EQ(t, sys_mount("tmpfs", "/t_mnt_b", 0, NULL, "bogus"), EINVAL);
	KT_EQ(t, sys_mount("tmpfs", "/t_mnt_b", 0, NULL, "size=1q"), EINVAL);
	KT_REQUIRE_EQ(t, sys_mount("tmpfs", "/t_mnt_b", 0, NULL,
	    "mode=1777,uid=42,gid=43"), 0);
	KT_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_mnt_b", &va, 0), 0);
	KT_EQ(t, va.va_mode, 01777);
	KT_EQ(t, va.va_uid, 42);
	KT_EQ(t, va.va_gid, 43);
	KT_EQ(t, va.va_fileid, TMPFS_ROOT_INO);
	KT_EQ(t, va.va_nlink, 2);
	KT_EQ(t, sys_statvfs("/", &sv1), 0);
	KT_EQ(t, sys_statvfs("/t_mnt_b", &sv2), 0);
	KT_ASSERT(t, sv1.f_fsid != sv2.f_fsid);
	/* ".." from the mounted root leads back to "/". */
	KT_EQ(t, tt_ino("/t_mnt_b/.."), tt_ino("/"));
	KT_REQUIRE_EQ(t, tt_mkfile("/t_mnt_b/f", 10, 0), 0);
	KT_REQUIRE_EQ(t, sys_openat(KAPI_AT_FDCWD, "/t_mnt_b/f", O_RDONLY, 0,
	    &fd), 0);
	KT_EQ(t, sys_unmount("/t_mnt_b", 0), EBUSY);
	KT_EQ(t, sys_close(fd), 0);
	KT_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mnt_b/cwd", 0755), 0);
	KT_EQ(t, sys_chdir("/t_mnt_b/cwd"), 0);
	KT_EQ(t, sys_unmount("/t_mnt_b", 0), EBUSY);
	KT_EQ(t, sys_chdir("/"), 0);
	/* Links across file systems: EXDEV. */
	KT_EQ(t, sys_linkat(KAPI_AT_FDCWD, "/t_mnt_b/f", KAPI_AT_FDCWD,
	    "/t_mnt_b_f", 0), EXDEV);
	KT_EQ(t, sys_renameat2(KAPI_AT_FDCWD, "/t_mnt_b/f", KAPI_AT_FDCWD,
	    "/t_mnt_b_f", 0), EXDEV);
	KT_EQ(t, sys_unmount("/t_mnt_b", 0), 0);
	KT_EQ(t, tt_ino("/t_mnt_b/f"), 0);
	KT_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_mnt_b", &va, 0), 0);
	KT_EQ(t, va.va_mode, 0700);
	KT_EQ(t, sys_unmount("/t_mnt_b", 0), EINVAL);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mnt_b", AT_REMOVEDIR), 0);
}

/*
 * Attributes: modes, owners, explicit times, symlinks, device nodes,
 * and ctime moving on changes.
 */
KTEST(tmpfs_attrs)
{
	struct ktimespec ts[2] = { { 1000, 5 }, { 2000, 999999999 } };
	struct vattr va, va2;
	char buf[64];
	size_t done;
	uint32_t omask;

	KT_EQ(t, sys_umask(022, &omask), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_at", 0777), 0);
	KT_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_at", &va, 0), 0);
	KT_EQ(t, va.va_type, VDIR);
	KT_EQ(t, va.va_mode, 0755);
	KT_REQUIRE_EQ(t, tt_mkfile("/t_at/f", 0, 0), 0);
	KT_EQ(t, sys_fchmodat(KAPI_AT_FDCWD, "/t_at/f", 04751, 0), 0);
	KT_EQ(t, sys_fchownat(KAPI_AT_FDCWD, "/t_at/f", 7, 8, 0), 0);
	KT_EQ(t, sys_utimensat(KAPI_AT_FDCWD, "/t_at/f", ts, 0), 0);
	KT_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_at/f", &va, 0), 0);
	/* chown, even by root, drops set-user-id (as Linux does). */
	KT_EQ(t, va.va_mode, 0751);
	KT_EQ(t, va.va_uid, 7);
	KT_EQ(t, va.va_gid, 8);
	KT_EQ(t, va.va_atime.tv_sec, 1000);
	KT_EQ(t, va.va_atime.tv_nsec, 5);
	KT_EQ(t, va.va_mtime.tv_sec, 2000);
	KT_EQ(t, va.va_mtime.tv_nsec, 999999999);
	KT_ASSERT(t, va.va_ctime.tv_sec > 2000);
	KT_EQ(t, va.va_type, VREG);
	KT_EQ(t, va.va_blksize, 4096);
	/* Symlink: size is the target's length, readlink returns it. */
	KT_EQ(t, sys_symlinkat("some/where/else", KAPI_AT_FDCWD, "/t_at/l"),
	    0);
	KT_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_at/l", &va, AT_SYMLINK_NOFOLLOW),
	    0);
	KT_EQ(t, va.va_type, VLNK);
	KT_EQ(t, va.va_size, 15);
	KT_EQ(t, va.va_mode, 0777);
	KT_EQ(t, sys_readlinkat(KAPI_AT_FDCWD, "/t_at/l", buf, sizeof(buf),
	    &done), 0);
	KT_EQ(t, done, 15);
	KT_EQ(t, memcmp(buf, "some/where/else", 15), 0);
	KT_EQ(t, sys_readlinkat(KAPI_AT_FDCWD, "/t_at/l", buf, 4, &done), 0);
	KT_EQ(t, done, 4);
	KT_EQ(t, sys_readlinkat(KAPI_AT_FDCWD, "/t_at/f", buf, 4, &done),
	    EINVAL);
	/* A symlink to a file is followed by stat. */
	KT_EQ(t, sys_symlinkat("f", KAPI_AT_FDCWD, "/t_at/lf"), 0);
	KT_EQ(t, tt_ino("/t_at/f") != 0, 1);
	KT_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_at/lf", &va2, 0), 0);
	KT_EQ(t, va2.va_fileid, tt_ino("/t_at/f"));
	/* Device nodes keep their number. */
	KT_EQ(t, sys_mknodat(KAPI_AT_FDCWD, "/t_at/c", VCHR, 0600,
	    makedev(4, 64)), 0);
	KT_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_at/c", &va, 0), 0);
	KT_EQ(t, va.va_type, VCHR);
	KT_EQ(t, va.va_rdev, makedev(4, 64));
	KT_EQ(t, va.va_mode, 0600);
	/* Creating a file moves the directory's mtime. */
	KT_EQ(t, sys_utimensat(KAPI_AT_FDCWD, "/t_at", ts, 0), 0);
	KT_EQ(t, sys_mknodat(KAPI_AT_FDCWD, "/t_at/s", VSOCK, 0600, 0), 0);
	KT_EQ(t, sys_fstatat(KAPI_AT_FDCWD, "/t_at", &va, 0), 0);
	KT_ASSERT(t, va.va_mtime.tv_sec > 2000);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_at/s", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_at/c", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_at/lf", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_at/l", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_at/f", 0), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_at", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_umask(omask, &omask), 0);
}

/* One worker of tmpfs_threads. */
struct tt_worker {
	int		tw_id;		/* worker number */
	int		tw_errors;	/* failed calls */
};

/*
 * Create a file in d, move it to e, move a private directory back and
 * forth between d and e, list d, remove the file: over and over.
 */
static void
tt_worker_fn(void *arg)
{
	struct tt_worker *w = arg;
	char a[64], b[64], c[64], dd[64];
	size_t done;
	int k, fd;

	snprintf(c, sizeof(c), "/t_mt/d/s%d", w->tw_id);
	snprintf(dd, sizeof(dd), "/t_mt/e/s%d", w->tw_id);
	if (sys_mkdirat(KAPI_AT_FDCWD, c, 0755) != 0)
		w->tw_errors++;
	for (k = 0; k < 200; k++) {
		snprintf(a, sizeof(a), "/t_mt/d/f%d_%d", w->tw_id, k);
		snprintf(b, sizeof(b), "/t_mt/e/g%d_%d", w->tw_id, k);
		if (tt_mkfile(a, 100 + k, (uint32_t)k) != 0 ||
		    sys_renameat2(KAPI_AT_FDCWD, a, KAPI_AT_FDCWD, b, 0) != 0 ||
		    tt_size(b) != 100 + k ||
		    sys_renameat2(KAPI_AT_FDCWD, (k & 1) ? dd : c,
		    KAPI_AT_FDCWD, (k & 1) ? c : dd, 0) != 0)
			w->tw_errors++;
		if (sys_openat(KAPI_AT_FDCWD, "/t_mt/d", O_RDONLY, 0,
		    &fd) == 0) {
			char buf[1024];

			while (sys_getdents(fd, buf, sizeof(buf), &done) == 0 &&
			    done > 0)
				continue;
			(void)sys_close(fd);
		} else
			w->tw_errors++;
		if (sys_unlinkat(KAPI_AT_FDCWD, b, 0) != 0)
			w->tw_errors++;
	}
	if (sys_unlinkat(KAPI_AT_FDCWD, c, AT_REMOVEDIR) != 0)
		w->tw_errors++;
}

/*
 * Several threads create, rename across directories, list and remove
 * in the same two directories.  Oracle: every call succeeds (each thread
 * uses its own names), and the directories end empty with 2 links.
 */
KTEST(tmpfs_threads)
{
	enum { NT = 4 };
	struct tt_worker w[NT];
	struct kthread *kt[NT];
	int i, errors = 0;

	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mt", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mt/d", 0755), 0);
	KT_REQUIRE_EQ(t, sys_mkdirat(KAPI_AT_FDCWD, "/t_mt/e", 0755), 0);
	for (i = 0; i < NT; i++) {
		w[i].tw_id = i;
		w[i].tw_errors = 0;
		KT_REQUIRE_EQ(t, kthread_create(tt_worker_fn, &w[i], "tt_mt",
		    &kt[i]), 0);
	}
	for (i = 0; i < NT; i++) {
		KT_EQ(t, kthread_join(kt[i]), 0);
		errors += w[i].tw_errors;
	}
	KT_EQ(t, errors, 0);
	KT_EQ(t, tt_nlink("/t_mt/d"), 2);
	KT_EQ(t, tt_nlink("/t_mt/e"), 2);
	KT_EQ(t, tt_size("/t_mt/d"), 2 * TMPFS_DIRENT_BOGOSIZE);
	KT_EQ(t, tt_size("/t_mt/e"), 2 * TMPFS_DIRENT_BOGOSIZE);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mt/d", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mt/e", AT_REMOVEDIR), 0);
	KT_EQ(t, sys_unlinkat(KAPI_AT_FDCWD, "/t_mt", AT_REMOVEDIR), 0);
}
