/*
 * ext2_journal: jbd2 journal recovery of the ext2fs driver against
 * e2fsprogs.
 *
 * For each variant (ext3/ext4, 1 KiB and 4 KiB blocks, 64bit, journal
 * checksums none / v2 / v3) a script builds, with mke2fs and debugfs, a
 * base image, two modified copies (mod1, mod2) and a journal image: the
 * base with three transactions written by debugfs's journal_write and
 * left unreplayed (needs_recovery): T1 logs mod1's changed blocks plus a
 * garbage block G, T2 mod2's changed blocks, T3 revokes G.  Then:
 *  A = e2fsck -fy (the reference replay);
 *  B = mounted read-write through libak and unmounted: the tree read
 *      through libak equals A's, the replayed blocks equal A's byte for
 *      byte, G was not written, e2fsck -fn is clean, and debugfs reads
 *      the same directory listing from both;
 *  C = mounted read-only: the tree equals A's, and the image is
 *      byte-for-byte what it was.
 * Hostile journals (bad superblock, descriptor, commit checksum, home
 * block beyond the file system, sequence gap): the mount either fails
 * or yields the tree of the valid prefix, and a read-only mount never
 * changes the image.
 */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ak/ak.h>
#include "tests/lib/tcheck.h"

#define MNT	"/mnt"

static char tdir[512];

/* The image builder (run by bash). */
static const char mkj_script[] =
"set -e\n"
"d=$1; bs=$2; mk=$3; jo=$4\n"
"cd \"$d\"\n"
"rm -f *.img blks* f1 f2 f3\n"
"mke2fs -q -F $mk -b $bs base.img 8M >/dev/null\n"
"head -c 3000 /dev/urandom > f1\n"
"{ printf '\\300\\073\\071\\230'; head -c $((bs * 3 + 96)) /dev/urandom; } > f2\n"
"head -c 700 /dev/urandom > f3\n"
"dbg() { debugfs -w -f - \"$1\" >/dev/null 2>&1; }\n"
"printf 'mkdir d1\\nwrite f1 d1/f1\\nmkdir d1/sub\\n' | dbg base.img\n"
"cp base.img mod1.img\n"
"printf 'write f2 d1/f2\\nmkdir d2\\nsymlink d2/ln /d1/f1\\n' | dbg mod1.img\n"
"cp mod1.img mod2.img\n"
"printf 'write f3 d2/f3\\nrm d1/f1\\nmkdir d1/sub/deep\\n' | dbg mod2.img\n"
"changed() { cmp -l \"$1\" \"$2\" | awk -v bs=$bs '{print int(($1-1)/bs)}' |"
" uniq | tr '\\n' ',' | sed 's/,$//'; }\n"
"extract() { rm -f \"$2\"; for b in $(echo $3 | tr ',' ' '); do"
" dd if=\"$1\" bs=$bs skip=$b count=1 status=none >> \"$2\"; done; }\n"
"l1=$(changed base.img mod1.img); l2=$(changed mod1.img mod2.img)\n"
"extract mod1.img blks1 \"$l1\"; extract mod2.img blks2 \"$l2\"\n"
"g=$(( 8 * 1048576 / bs - 5 ))\n"
"head -c $bs /dev/urandom > blkg; cat blks1 blkg > blks1g\n"
"cp base.img j.img; cp base.img j1.img\n"
"printf 'jo %s\\njw -b %s,%s blks1g\\njw -b %s blks2\\njw -r %s blkg\\njc\\n'"
" \"$jo\" $l1 $g $l2 $g | dbg j.img\n"
"printf 'jo %s\\njw -b %s blks1\\njc\\n' \"$jo\" $l1 | dbg j1.img\n"
"echo $l1 > l1.txt; echo $l2 > l2.txt; echo $g > g.txt\n"
"debugfs -R logdump j.img 2>/dev/null | sed -n 's/^Found expected sequence"
" \\([0-9]*\\), type \\([0-9]\\).* at block \\([0-9]*\\)$/\\1 \\2 \\3/p'"
" > log.txt\n"
"test -s log.txt\n"
"dumpe2fs -h j.img 2>/dev/null | grep -q needs_recovery\n";

struct variant {
	const char	*name;
	int		 bs;
	const char	*mkfs;
	const char	*jo;	/* debugfs journal_open options */
};

static const struct variant variants[] = {
	{ "ext4-1k-csum3", 1024, "-t ext4 -O metadata_csum", "-c" },
	{ "ext4-4k-nocsum", 4096, "-t ext4 -O ^metadata_csum", "" },
	{ "ext3-1k", 1024, "-t ext3", "" },
	{ "ext4-4k-64bit-csum3", 4096, "-t ext4 -O 64bit,metadata_csum", "-c" },
	{ "ext4-1k-csum2", 1024, "-t ext4", "-c -v 2" },
};

/* 64-bit FNV-1a over a file read through libak. */
static int
hash_file(const char *path, uint64_t *hp)
{
	uint64_t h = 1469598103934665603ULL;
	char buf[8192];
	ssize_t n, i;
	int fd;

	if ((fd = ak_sys_open(path, O_RDONLY)) < 0)
		return -1;
	while ((n = ak_sys_read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			h = (h ^ (uint8_t)buf[i]) * 1099511628211ULL;
	ak_sys_close(fd);
	*hp = h;
	return n < 0 ? -1 : 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line per node below path (sorted): attributes and contents. */
static int
dump_tree(const char *path, const char *rel, FILE *out)
{
	char *names[512], sub[1024], subrel[1024], tgt[1024];
	struct ak_dirent *de;
	struct stat st;
	AK_DIR *dir;
	uint64_t h = 0;
	int n = 0, i, err = 0;
	ssize_t len;

	if ((dir = ak_sys_opendir(path)) == NULL)
		return -1;
	while ((de = ak_sys_readdir(dir)) != NULL && n < 512)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "lost+found") != 0)
			names[n++] = strdup(de->d_name);
	ak_sys_closedir(dir);
	qsort(names, (size_t)n, sizeof(names[0]), cmpstr);
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, names[i]);
		snprintf(subrel, sizeof(subrel), "%s/%s", rel, names[i]);
		if (ak_sys_lstat(sub, &st) != 0) {
			err = -1;
			continue;
		}
		fprintf(out, "%s mode=%o uid=%u nlink=%u size=%lld "
		    "mtime=%lld.%09ld", subrel, (unsigned)st.st_mode,
		    (unsigned)st.st_uid, (unsigned)st.st_nlink,
		    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		    st.st_mtim.tv_nsec);
		if (S_ISREG(st.st_mode)) {
			if (hash_file(sub, &h) != 0)
				err = -1;
			fprintf(out, " data=%016llx", (unsigned long long)h);
		} else if (S_ISLNK(st.st_mode)) {
			len = ak_sys_readlink(sub, tgt, sizeof(tgt) - 1);
			tgt[len < 0 ? 0 : len] = '\0';
			fprintf(out, " -> %s", tgt);
		}
		fputc('\n', out);
		if (S_ISDIR(st.st_mode) && dump_tree(sub, subrel, out) != 0)
			err = -1;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return err;
}

/* Mount img (read-only or not), dump its tree to out, unmount. */
static int
mount_dump(const char *img, bool ro, const char *out)
{
	FILE *f;
	int err;

	if (ak_sys_mount("ext4", MNT, ro ? AK_MNT_RDONLY : 0, img, NULL) != 0)
		return -1;
	if ((f = fopen(out, "w")) == NULL) {
		ak_sys_unmount(MNT, 0);
		return -1;
	}
	err = dump_tree(MNT, "", f);
	fclose(f);
	if (ak_sys_unmount(MNT, 0) != 0)
		err = -1;
	return err;
}

/* A path in the scratch directory. */
static const char *
P(const char *name)
{
	static char buf[4][768];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tdir, name);
	return buf[i];
}

static bool
same_file(const char *a, const char *b)
{
	return tsh("cmp -s '%s' '%s'", P(a), P(b)) == 0;
}

/*
 * The blocks both transactions logged (but the superblock's, which each
 * mount stamps) are byte-equal in a.img and img.
 */
static bool
home_blocks_equal(const char *img, int bs)
{
	return tsh("cd '%s' && for b in $(cat l1.txt l2.txt | tr , ' '); do "
	    "[ $b -eq %d ] && continue; "
	    "dd if=a.img bs=%d skip=$b count=1 status=none > x1; "
	    "dd if=%s bs=%d skip=$b count=1 status=none > x2; "
	    "cmp -s x1 x2 || { echo \"block $b differs\"; exit 1; }; done",
	    tdir, 1024 / bs, bs, img, bs) == 0;
}

/* Block G (logged in T1, revoked by T3) kept the base image's contents. */
static bool
revoked_untouched(const char *img, int bs)
{
	return tsh("cd '%s' && g=$(cat g.txt) && "
	    "dd if=base.img bs=%d skip=$g count=1 status=none > x1 && "
	    "dd if=%s bs=%d skip=$g count=1 status=none > x2 && "
	    "cmp -s x1 x2 && ! cmp -s x2 blkg", tdir, bs, img, bs) == 0;
}

/* e2fsck: -fy replays (exit 0 or 1); -fn must find nothing. */
static int
fsck(const char *opt, const char *img)
{
	return tsh("e2fsck %s '%s' >/dev/null 2>&1", opt, P(img));
}

/* The reference: e2fsck's replay of src into dst, and its tree. */
static bool
reference(const char *src, const char *dst, const char *tree)
{
	int rc;

	tsh("cp '%s' '%s'", P(src), P(dst));
	rc = fsck("-fy", dst);
	tcheck(rc == 0 || rc == 1, "e2fsck -fy %s: exit %d", dst, rc);
	tcheck(fsck("-fn", dst) == 0, "e2fsck -fn %s after its replay", dst);
	if (mount_dump(P(dst), true, P(tree)) != 0) {
		tcheck(false, "reading the reference %s: %s", dst,
		    strerror(errno));
		return false;
	}
	return true;
}

/* Read-write replay of j.img by libak (B), checked against A. */
static void
check_rw(const struct variant *v)
{
	tsh("cp '%s' '%s'", P("j.img"), P("b.img"));
	if (ak_sys_mount("ext4", MNT, 0, P("b.img"), NULL) != 0) {
		tcheck(false, "read-write mount of j.img: %s", strerror(errno));
		return;
	}
	tcheck(ak_sys_unmount(MNT, 0) == 0, "unmount b.img");
	tcheck(fsck("-fn", "b.img") == 0, "e2fsck -fn after libak's replay");
	tcheck(tsh("dumpe2fs -h '%s' 2>/dev/null | grep -q needs_recovery",
	    P("b.img")) != 0, "needs_recovery still set after replay");
	tcheck(mount_dump(P("b.img"), true, P("b.txt")) == 0,
	    "reading b.img: %s", strerror(errno));
	tcheck(same_file("a.txt", "b.txt"), "tree after libak's replay "
	    "differs from e2fsck's (diff %s %s)", P("a.txt"), P("b.txt"));
	tcheck(home_blocks_equal("b.img", v->bs),
	    "replayed blocks differ from e2fsck's");
	tcheck(revoked_untouched("b.img", v->bs),
	    "the revoked block was written");
	tcheck(tsh("cd '%s' && debugfs -R 'ls -l /d1' a.img > da 2>&1 && "
	    "debugfs -R 'ls -l /d1' b.img > db 2>&1 && sed -i 1d da db && "
	    "cmp -s da db", tdir) == 0, "debugfs lists /d1 differently");
}

/*
 * Writing right after a read-write replay: the allocators must work
 * from the recovered bitmaps and descriptors (reloaded after replay).
 */
static void
check_write_after(void)
{
	static const char data[] = "written after the journal replay\n";
	char buf[64];
	ssize_t n = -1;
	int fd;

	tsh("cp '%s' '%s'", P("j.img"), P("bw.img"));
	if (ak_sys_mount("ext4", MNT, 0, P("bw.img"), NULL) != 0) {
		tcheck(false, "write after replay: mount: %s", strerror(errno));
		return;
	}
	tcheck(ak_sys_mkdir(MNT "/after", 0755) == 0 &&
	    (fd = ak_sys_open(MNT "/after/x", O_WRONLY | O_CREAT, 0644)) >= 0 &&
	    ak_sys_write(fd, data, sizeof(data) - 1) ==
	    (ssize_t)sizeof(data) - 1 && ak_sys_close(fd) == 0,
	    "write after replay: %s", strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "write after replay: unmount");
	tcheck(fsck("-fn", "bw.img") == 0, "write after replay: e2fsck -fn");
	if (ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, P("bw.img"), NULL) == 0) {
		if ((fd = ak_sys_open(MNT "/after/x", O_RDONLY)) >= 0) {
			n = ak_sys_read(fd, buf, sizeof(buf));
			ak_sys_close(fd);
		}
		ak_sys_unmount(MNT, 0);
	}
	tcheck(n == (ssize_t)sizeof(data) - 1 && memcmp(buf, data,
	    sizeof(data) - 1) == 0, "write after replay: reading back");
	tcheck(tsh("debugfs -R 'cat /after/x' '%s' 2>/dev/null | "
	    "grep -q 'written after'", P("bw.img")) == 0,
	    "write after replay: debugfs does not read the file");
}

/* Read-only mount of j.img (C): A's tree, the image unchanged. */
static void
check_ro(void)
{
	tsh("cp '%s' '%s'; cp '%s' '%s'", P("j.img"), P("c.img"), P("j.img"),
	    P("c0.img"));
	tcheck(mount_dump(P("c.img"), true, P("c.txt")) == 0,
	    "read-only mount of j.img: %s", strerror(errno));
	tcheck(same_file("a.txt", "c.txt"), "read-only tree differs from "
	    "e2fsck's replay (diff %s %s)", P("a.txt"), P("c.txt"));
	tcheck(same_file("c.img", "c0.img"),
	    "read-only mount changed the image");
}

/* -o norecovery: read-only shows the disk as it is, read-write fails. */
static void
check_norecovery(void)
{
	FILE *f;
	int rc;

	tsh("cp '%s' '%s'; cp '%s' '%s'", P("j.img"), P("n.img"), P("j.img"),
	    P("n0.img"));
	rc = ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, P("n.img"),
	    "norecovery");
	tcheck(rc == 0, "norecovery: read-only mount: %s", strerror(errno));
	if (rc == 0) {
		if ((f = fopen(P("n.txt"), "w")) != NULL) {
			tcheck(dump_tree(MNT, "", f) == 0, "norecovery: read");
			fclose(f);
		}
		tcheck(ak_sys_unmount(MNT, 0) == 0, "norecovery: unmount");
		tcheck(same_file("n.txt", "base.txt"), "norecovery: the tree "
		    "is not the one on disk");
	}
	rc = ak_sys_mount("ext4", MNT, 0, P("n.img"), "norecovery");
	tcheck(rc != 0 && errno == EROFS, "norecovery: read-write mount %s",
	    rc == 0 ? "succeeded" : strerror(errno));
	if (rc == 0)
		ak_sys_unmount(MNT, 0);
	tcheck(same_file("n.img", "n0.img"), "norecovery: image changed");
}

static void
run_variant(const struct variant *v)
{
	tc_prefix = v->name;
	if (tsh("bash '%s' '%s' %d '%s' '%s'", P("mkj.sh"), tdir, v->bs,
	    v->mkfs, v->jo) != 0) {
		tcheck(false, "building the journal images failed");
		return;
	}
	if (!reference("j.img", "a.img", "a.txt") ||
	    !reference("j1.img", "a1.img", "a1.txt"))
		return;
	tcheck(mount_dump(P("base.img"), true, P("base.txt")) == 0,
	    "reading base.img");
	tcheck(!same_file("a.txt", "base.txt") && !same_file("a.txt",
	    "a1.txt"), "the journal's transactions change nothing visible");
	check_rw(v);
	check_write_after();
	check_ro();
	check_norecovery();
}

/* crc32c (Castagnoli), no final inversion, as jbd2 computes it. */
static uint32_t
crc32c_raw(uint32_t crc, const uint8_t *p, size_t len)
{
	int k;

	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78U & (0U - (crc & 1)));
	}
	return crc;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Set s_start of the journal superblock at byte off of img (re-sum it). */
static bool
set_jstart(const char *img, long long off, uint32_t start)
{
	uint8_t sb[1024];
	int fd;
	bool ok;

	if ((fd = open(P(img), O_RDWR)) < 0)
		return false;
	ok = pread(fd, sb, sizeof(sb), off) == (ssize_t)sizeof(sb);
	put_be32(sb + 0x1C, start);
	/* csum v2 or v3: crc32c(~0) of the block with s_checksum zero. */
	if (ok && (get_be32(sb + 0x28) & 0x18) != 0) {
		put_be32(sb + 0xFC, 0);
		put_be32(sb + 0xFC, crc32c_raw(~0U, sb, sizeof(sb)));
	}
	ok = ok && pwrite(fd, sb, sizeof(sb), off) == (ssize_t)sizeof(sb);
	close(fd);
	return ok;
}

/*
 * Rotate the log of j.img so that it starts k blocks before the end of
 * the journal and wraps to its first block; the transactions are the
 * same, so recovery must give A's tree.
 */
static void
check_wrap(const struct variant *v)
{
	char line[64];
	long long jsb = -1;
	FILE *f;

	tc_prefix = v->name;
	if (tsh("cd '%s' && cp j.img w.img && bs=%d && k=5 && "
	    "jb() { debugfs -R \"bmap <8> $1\" j.img 2>/dev/null; } && "
	    "max=$(dumpe2fs -h j.img 2>/dev/null | "
	    "sed -n 's/^Total journal blocks: *//p') && "
	    "n=$(awk '{ if ($3 > m) m = $3 } END { print m }' log.txt) && "
	    "for i in $(seq 1 $n); do "
	    "dd if=j.img bs=$bs skip=$(jb $i) count=1 status=none > w$i; "
	    "dd if=/dev/zero of=w.img bs=$bs seek=$(jb $i) count=1 "
	    "conv=notrunc status=none; done && "
	    "for i in $(seq 1 $n); do "
	    "if [ $i -le $k ]; then p=$((max - k + i - 1)); else p=$((i - k)); "
	    "fi; dd if=w$i of=w.img bs=$bs seek=$(jb $p) count=1 conv=notrunc "
	    "status=none; done && echo $((max - k)) > wstart && "
	    "echo $(( $(jb 0) * bs )) > wsb", tdir, v->bs) != 0 ||
	    (f = fopen(P("wsb"), "r")) == NULL) {
		tcheck(false, "wrap: rotating the log failed");
		return;
	}
	if (fgets(line, sizeof(line), f) != NULL)
		jsb = atoll(line);
	fclose(f);
	f = fopen(P("wstart"), "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL || jsb < 0 ||
	    !set_jstart("w.img", jsb, (uint32_t)atol(line))) {
		tcheck(false, "wrap: setting s_start failed");
		if (f != NULL)
			fclose(f);
		return;
	}
	fclose(f);
	if (!reference("w.img", "aw.img", "aw.txt"))
		return;
	tcheck(same_file("aw.txt", "a.txt"), "wrap: e2fsck's replay of the "
	    "rotated log differs from the original's");
	tsh("cp '%s' '%s'; cp '%s' '%s'", P("w.img"), P("w0.img"),
	    P("w.img"), P("wb.img"));
	tcheck(mount_dump(P("w.img"), true, P("wc.txt")) == 0 &&
	    same_file("wc.txt", "a.txt"), "wrap: read-only tree differs");
	tcheck(same_file("w.img", "w0.img"), "wrap: ro mount wrote");
	tcheck(ak_sys_mount("ext4", MNT, 0, P("wb.img"), NULL) == 0 &&
	    ak_sys_unmount(MNT, 0) == 0, "wrap: read-write mount");
	tcheck(mount_dump(P("wb.img"), true, P("wb.txt")) == 0 &&
	    same_file("wb.txt", "a.txt"), "wrap: read-write tree differs");
	tcheck(fsck("-fn", "wb.img") == 0, "wrap: e2fsck -fn after replay");
}

/* A read-only replay bigger than AK_EXT2FS_JOVERLAY is refused. */
static void
check_overlay_bound(void)
{
	int rc;

	tsh("cp '%s' '%s'; cp '%s' '%s'", P("j.img"), P("o.img"), P("j.img"),
	    P("o0.img"));
	setenv("AK_EXT2FS_JOVERLAY", "16k", 1);
	rc = ak_sys_mount("ext4", MNT, AK_MNT_RDONLY, P("o.img"), NULL);
	unsetenv("AK_EXT2FS_JOVERLAY");
	tcheck(rc != 0 && errno == ENOMEM, "overlay bound: mount %s",
	    rc == 0 ? "succeeded" : strerror(errno));
	if (rc == 0)
		ak_sys_unmount(MNT, 0);
	tcheck(same_file("o.img", "o0.img"), "overlay bound: image changed");
}

enum expect { EX_FAIL, EX_PREFIX, EX_EITHER };

/* One mount of h.img (a fresh copy of j.img with edit applied). */
static void
hostile_mount(const char *what, bool ro, enum expect ex)
{
	int rc;

	tsh("cp '%s' '%s'", P("h.img"), P("h1.img"));
	if (ro) {
		rc = mount_dump(P("h1.img"), true, P("h.txt"));
		tcheck(same_file("h.img", "h1.img"),
		    "%s: a read-only mount changed the image", what);
	} else {
		rc = ak_sys_mount("ext4", MNT, 0, P("h1.img"), NULL);
		if (rc == 0) {
			tcheck(ak_sys_unmount(MNT, 0) == 0, "%s: unmount",
			    what);
			tcheck(fsck("-fn", "h1.img") == 0, "%s: e2fsck -fn "
			    "after a read-write replay", what);
			rc = mount_dump(P("h1.img"), true, P("h.txt"));
		}
	}
	tcheck(rc != 0 || ex != EX_FAIL, "%s (%s): mounted, should fail",
	    what, ro ? "ro" : "rw");
	tcheck(rc == 0 || ex != EX_PREFIX, "%s (%s): mount failed, should "
	    "replay the valid prefix", what, ro ? "ro" : "rw");
	if (rc == 0)
		tcheck(same_file("h.txt", "a1.txt"), "%s (%s): tree is not "
		    "the valid prefix's (diff %s %s)", what, ro ? "ro" : "rw",
		    P("h.txt"), P("a1.txt"));
}

/*
 * Edit a copy of j.img with a shell snippet that may use: jb N (the
 * physical block of journal block N), poke OFFSET 'BYTES' (printf
 * escapes), $bs, $d2 and $c2 (journal blocks of T2's descriptor and
 * commit), then mount it read-only and read-write.
 */
static void
hostile(const struct variant *v, const char *what, const char *edit,
    enum expect ex)
{
	tc_prefix = v->name;
	if (tsh("cd '%s' && cp j.img h.img && bs=%d && "
	    "jb() { debugfs -R \"bmap <8> $1\" h.img 2>/dev/null; } && "
	    "poke() { printf \"$2\" | dd of=h.img bs=1 seek=$1 conv=notrunc "
	    "status=none; } && "
	    "d2=$(awk '$1==2 && $2==1 {print $3}' log.txt) && "
	    "c2=$(awk '$1==2 && $2==2 {print $3}' log.txt) && %s",
	    tdir, v->bs, edit) != 0) {
		tcheck(false, "%s: editing the journal failed", what);
		return;
	}
	/* The oracle: e2fsck's replay of the same journal is the prefix. */
	if (ex == EX_PREFIX && reference("h.img", "he.img", "he.txt"))
		tcheck(same_file("he.txt", "a1.txt"), "%s: e2fsck does not "
		    "replay the prefix either (diff %s %s)", what, P("he.txt"),
		    P("a1.txt"));
	hostile_mount(what, true, ex);
	hostile_mount(what, false, ex);
}

static void
hostile_all(void)
{
	const struct variant *c3 = &variants[0], *nc = &variants[1];

	run_variant(c3);
	check_wrap(c3);
	check_overlay_bound();
	hostile(c3, "external journal (s_journal_inum 0)",
	    "debugfs -w -R 'ssv journal_inum 0' h.img >/dev/null 2>&1",
	    EX_FAIL);
	hostile(c3, "journal superblock magic",
	    "poke $(( $(jb 0) * bs )) '\\000'", EX_FAIL);
	/* As the kernel and e2fsck: a committed transaction whose
	 * descriptor or revoke block fails its checksum fails recovery. */
	hostile(c3, "descriptor checksum of T2",
	    "poke $(( $(jb $d2) * bs + 13 )) '\\377'", EX_FAIL);
	hostile(c3, "revoke block checksum of T3",
	    "r3=$(awk '$1==3 && $2==5 {print $3}' log.txt) && "
	    "poke $(( $(jb $r3) * bs + 17 )) '\\377'", EX_FAIL);
	hostile(c3, "commit checksum of T2",
	    "poke $(( $(jb $c2) * bs + 16 )) '\\336\\255'", EX_PREFIX);
	run_variant(nc);
	check_wrap(nc);
	hostile(nc, "journal superblock block size",
	    "poke $(( $(jb 0) * bs + 12 )) '\\177'", EX_FAIL);
	hostile(nc, "journal longer than its inode",
	    "poke $(( $(jb 0) * bs + 16 )) '\\177'", EX_FAIL);
	hostile(nc, "log start beyond the journal",
	    "poke $(( $(jb 0) * bs + 28 )) '\\001'", EX_FAIL);
	hostile(nc, "T2 logs a block beyond the file system",
	    "poke $(( $(jb $d2) * bs + 12 )) '\\177\\377\\377\\377'", EX_FAIL);
	hostile(nc, "sequence gap before T2",
	    "poke $(( $(jb $d2) * bs + 8 )) '\\000\\000\\000\\011'", EX_PREFIX);
	hostile(nc, "T2's commit block torn", "dd if=/dev/zero of=h.img "
	    "bs=$bs seek=$(jb $c2) count=1 conv=notrunc status=none",
	    EX_PREFIX);
}

int
main(void)
{
	const char *env = getenv("AK_TESTDIR");
	size_t i;
	FILE *f;

	if (tsh("{ command -v mke2fs && command -v debugfs && "
	    "command -v e2fsck && command -v dumpe2fs; } >/dev/null") != 0) {
		printf("SKIP: ext2_journal (e2fsprogs not installed)\n");
		return tsummary("ext2_journal");
	}
	if (env != NULL && *env != '\0')
		snprintf(tdir, sizeof(tdir), "%s/ext2_journal", env);
	else
		snprintf(tdir, sizeof(tdir), "/tmp/ext2_journal.%d",
		    (int)getpid());
	if (tsh("mkdir -p '%s'", tdir) != 0 || (f = fopen(P("mkj.sh"), "w"))
	    == NULL) {
		printf("FAIL: ext2_journal: cannot create %s\n", tdir);
		return 1;
	}
	fputs(mkj_script, f);
	fclose(f);
	if (ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: ext2_journal: ak_init: %s\n", strerror(errno));
		return 1;
	}
	hostile_all();
	for (i = 2; i < sizeof(variants) / sizeof(variants[0]); i++)
		run_variant(&variants[i]);
	tc_prefix = NULL;
	ak_fini();
	if (tc_nfail == 0 && (env == NULL || *env == '\0'))
		tsh("rm -rf '%s'", tdir);
	return tsummary("ext2_journal");
}
