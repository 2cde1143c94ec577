/*
 * fat_volume.c: FAT volume-level behaviour against the reference tools:
 *
 *  - FAT32's backup boot sector and backup FSInfo: after writing, the
 *    backup FSInfo says what the primary says, and both give the free
 *    count fsck.fat counts; a label change keeps the backup boot sector
 *    equal (fsck.fat -n reports no differences).  A volume whose sector
 *    0 is destroyed mounts from the backup read-only when the type is
 *    named (never by probing; read-write is EROFS) and reads the same
 *    files; 512- and 4096-byte sectors.
 *  - Short names of non-ASCII long names through code page 437: the
 *    bytes mshortname reports equal what python3's cp437 codec gives for
 *    the Windows basis-name rule; mdir (code page 437) lists the long
 *    names; 8.3-only names with cp437 bytes written by mcopy read back.
 *  - Full volumes: FAT32 filled to ENOSPC with small files and a growing
 *    directory, FAT16's root entry limit with long names; the counts
 *    follow from the geometry, fsck.fat -n is clean, FSInfo agrees.
 *  - A corruption sweep on FAT32 (the FAT16 one is in fat_read.c): named
 *    damages (root chain loop, root cluster out of range, bad cluster in
 *    a chain, FSInfo garbage, LFN garbage, BPB fields, truncation) and
 *    seeded random bytes in the metadata, each mounted, walked, read and
 *    written in a child with a time limit: errors, never a crash or hang.
 *
 * Each part runs in a child process with its own kernel (ak_init) so a
 * crash is counted as a failure and the rest still runs.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/lib/tcheck.h"

#define MNT		"/m"
#define SWEEP_CASES	120	/* random damages */

static char dir[1024];

/* A path under dir; a path that does not fit is a test bug. */
static const char *
wpath(char *buf, size_t size, const char *name)
{
	if ((size_t)snprintf(buf, size, "%s/%s", dir, name) >= size)
		abort();
	return buf;
}

static uint32_t
le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Read or write len bytes at off of a host file; false on error. */
static bool
hio(const char *path, bool wr, void *buf, size_t len, off_t off)
{
	int fd = open(path, wr ? O_WRONLY : O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = wr ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len;
}

/* fsck.fat -n: exit status, and the used/total clusters it reports. */
static int
fsck_count(const char *img, long *used, long *total)
{
	char out[2048], line[512];
	FILE *f;
	int rc;

	wpath(out, sizeof(out), "fsck.out");
	rc = tsh("fsck.fat -n '%s' > '%s' 2>&1", img, out);
	*used = *total = -1;
	if ((f = fopen(out, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = strstr(line, " files, ");

		if (p != NULL)
			sscanf(p, " files, %ld/%ld", used, total);
		if (strstr(line, "differences") != NULL)
			rc = rc == 0 ? 100 : rc;	/* backup differs */
	}
	fclose(f);
	return rc;
}

/* Write a host file and the same into the image; false on error. */
static bool
put_both(const char *img_path, const char *host_path, size_t len, int seed)
{
	char *buf = malloc(len + 1);
	bool ok;
	int fd;
	size_t i;

	if (buf == NULL)
		return false;
	for (i = 0; i < len; i++)
		buf[i] = (char)('a' + (i * 7 + (size_t)seed) % 26);
	fd = ak_sys_open(img_path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ok = fd >= 0 && ak_sys_write(fd, buf, len) == (ssize_t)len;
	if (fd >= 0)
		ak_sys_close(fd);
	fd = open(host_path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ok = ok && fd >= 0 && write(fd, buf, len) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ok;
}

/* Does the image file equal the host file? */
static bool
same_content(const char *img_path, const char *host_path)
{
	static char a[1 << 16], b[1 << 16];
	ssize_t na, nb;
	int fa = ak_sys_open(img_path, O_RDONLY), fb = open(host_path,
	    O_RDONLY);
	bool same = fa >= 0 && fb >= 0;

	while (same) {
		na = ak_sys_read(fa, a, sizeof(a));
		nb = read(fb, b, sizeof(b));
		same = na == nb && na >= 0 && memcmp(a, b, (size_t)na) == 0;
		if (na <= 0)
			break;
	}
	if (fa >= 0)
		ak_sys_close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}

/* ---- backup boot sector and FSInfo -------------------------------- */

static void backup_fallback(const char *img, const char *ref, int secsize);

/* Write files and the label, then check both backups against fsck. */
static void
backup_one(int secsize)
{
	char img[1100], ref[1100], h[2200], a[64];
	unsigned char s0[512], s6[512], fi[512], bfi[512];
	long used, total;
	int i, rc;

	wpath(img, sizeof(img), "bk.img");
	wpath(ref, sizeof(ref), "bkref");
	tsh("rm -rf '%s' '%s'; mkdir -p '%s'", img, ref, ref);
	if (tsh("mkfs.fat -F 32 -S %d -n OLD -C '%s' %d >/dev/null", secsize,
	    img, secsize == 512 ? 40960 : 300000) != 0) {
		tcheck(false, "mkfs.fat -F 32 -S %d failed", secsize);
		return;
	}
	tcheck(ak_sys_mount("fatfs", MNT, 0, img, NULL) == 0,
	    "bk%d: mount: %s", secsize, strerror(errno));
	for (i = 0; i < 12; i++) {
		snprintf(a, sizeof(a), MNT "/file %02d.bin", i);
		snprintf(h, sizeof(h), "%s/file %02d.bin", ref, i);
		tcheck(put_both(a, h, (size_t)i * 3000 + 1, i),
		    "bk%d: write %s", secsize, a);
	}
	tcheck(ak_sys_unlink(MNT "/file 03.bin") == 0, "bk: unlink");
	snprintf(h, sizeof(h), "%s/file 03.bin", ref);
	unlink(h);
	tcheck(ak_sys_setxattr(MNT, "user.fat.label", "NEWLABEL", 8, 0) == 0,
	    "bk%d: set label: %s", secsize, strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "bk%d: unmount", secsize);

	rc = fsck_count(img, &used, &total);
	tcheck(rc == 0, "bk%d: fsck.fat -n: %d (100: boot sector and backup "
	    "differ)", secsize, rc);
	tcheck(hio(img, false, s0, 512, 0) && hio(img, false, s6, 512,
	    6L * secsize) && memcmp(s0, s6, 512) == 0,
	    "bk%d: backup boot sector differs from sector 0", secsize);
	tcheck(hio(img, false, fi, 512, secsize) && hio(img, false, bfi, 512,
	    7L * secsize), "bk%d: read FSInfo", secsize);
	tcheck(le32(fi) == 0x41615252 && le32(bfi) == 0x41615252,
	    "bk%d: FSInfo signatures %#x %#x", secsize, le32(fi), le32(bfi));
	tcheck(total > 0 && le32(fi + 488) == (uint32_t)(total - used),
	    "bk%d: FSInfo free %u, fsck.fat counts %ld", secsize,
	    le32(fi + 488), total - used);
	tcheck(memcmp(fi + 488, bfi + 488, 8) == 0,
	    "bk%d: backup FSInfo free %u next %u, primary %u %u", secsize,
	    le32(bfi + 488), le32(bfi + 492), le32(fi + 488), le32(fi + 492));

	backup_fallback(img, ref, secsize);
}

/*
 * A copy of img (whose files ref holds) with sector 0 destroyed: the
 * backup boot sector, read-only, only when the type is named.
 */
static void
backup_fallback(const char *img, const char *ref, int secsize)
{
	char h[2200], a[64], bad[1100];
	unsigned char s0[512];
	int i;

	wpath(bad, sizeof(bad), "bk0.img");
	tsh("cp '%s' '%s'", img, bad);
	memset(s0, 0, sizeof(s0));
	hio(bad, true, s0, 512, 0);
	tcheck(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, bad, NULL) != 0,
	    "bk%d: probing found a file system in a zeroed sector 0",
	    secsize);
	errno = 0;
	tcheck(ak_sys_mount("vfat", MNT, 0, bad, NULL) != 0 && errno == EROFS,
	    "bk%d: read-write mount from the backup: %s", secsize,
	    strerror(errno));
	if (ak_sys_mount("vfat", MNT, AK_MNT_RDONLY, bad, NULL) != 0) {
		tcheck(false, "bk%d: read-only mount from the backup: %s",
		    secsize, strerror(errno));
	} else {
		for (i = 0; i < 12; i++) {
			if (i == 3)
				continue;
			snprintf(a, sizeof(a), MNT "/file %02d.bin", i);
			snprintf(h, sizeof(h), "%s/file %02d.bin", ref, i);
			tcheck(same_content(a, h), "bk%d: backup mount: %s",
			    secsize, a);
		}
		tcheck(ak_sys_unmount(MNT, 0) == 0, "bk: unmount");
	}
	/* Both destroyed: nothing to mount. */
	hio(bad, true, s0, 512, 6L * secsize);
	tcheck(ak_sys_mount("vfat", MNT, AK_MNT_RDONLY, bad, NULL) != 0,
	    "bk%d: mounted with sectors 0 and 6 zeroed", secsize);
}

/* A backup FSInfo that is not one (zeroed) is left alone. */
static void
backup_invalid(void)
{
	char img[1100];
	unsigned char z[512], s[512];
	int fd;

	wpath(img, sizeof(img), "bkz.img");
	tsh("rm -f '%s'; mkfs.fat -F 32 -C '%s' 40960 >/dev/null", img, img);
	memset(z, 0, sizeof(z));
	hio(img, true, z, 512, 7 * 512);
	tcheck(ak_sys_mount("fatfs", MNT, 0, img, NULL) == 0, "bkz: mount");
	fd = ak_sys_open(MNT "/x", O_CREAT | O_WRONLY, 0644);
	tcheck(fd >= 0 && ak_sys_write(fd, "x", 1) == 1, "bkz: write");
	ak_sys_close(fd);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "bkz: unmount");
	tcheck(hio(img, false, s, 512, 7 * 512) && memcmp(s, z, 512) == 0,
	    "bkz: a zeroed backup FSInfo was written");
}

static void
part_backup(void)
{
	backup_one(512);
	backup_one(4096);
	backup_invalid();
}

/* ---- code page 437 short names ------------------------------------ */

/* Long names: lossless in cp437, lossy, needing tails, non-Latin. */
static const char *const cp_names[] = {
	"café.txt", "naïve.txt", "ñandú.doc", "Straße.txt", "ÿes.txt",
	"µ.txt", "日本.txt", "Ωmega.txt", "âge.txt", "résumé final.doc",
	"ÆØÅ.txt", "Çava.TXT", "σx.txt", "über-long-näme.text", "ΣΣ",
	"½ off.txt", NULL
};

/*
 * The oracle: the Windows basis-name rule with python3's cp437 codec
 * (upper case where cp437 has it, else the character, else '_'; no
 * tail when nothing was lost and the basis reads as the name, else
 * "~1" after at most 6 characters), one "::/d/NAME" line per name.
 */
static const char cp_oracle[] =
"import sys\n"
"ok = set(\"$%'-_@~`!(){}^#&\")\n"
"def one(c):\n"
"    u = c.upper()\n"
"    for x in ([u] if len(u) == 1 else []) + [c]:\n"
"        try: b = x.encode('cp437')\n"
"        except UnicodeEncodeError: continue\n"
"        if b[0] >= 0x80 or x.isalnum() or x in ok: return b, False\n"
"    return b'_', True\n"
"def fold(s): return ''.join(c.upper() if len(c.upper()) == 1 else c"
" for c in s)\n"
"out = sys.stdout.buffer\n"
"for n in open(sys.argv[1], encoding='utf-8').read().split('\\n'):\n"
"    if not n: continue\n"
"    d = n.rfind('.')\n"
"    if d <= 0: d = len(n)\n"
"    lossy = False; b = b''; e = b''\n"
"    for c in n[:d]:\n"
"        if c in ' .': continue\n"
"        if len(b) < 8:\n"
"            x, l = one(c); b += x; lossy |= l\n"
"    for c in n[d + 1:]:\n"
"        if c == ' ': continue\n"
"        if len(e) < 3:\n"
"            x, l = one(c); e += x; lossy |= l\n"
"    if not b: b = b'_'\n"
"    back = b.decode('cp437') + ('.' + e.decode('cp437') if e else '')\n"
"    if lossy or fold(back) != fold(n): b = b[:6] + b'~1'\n"
"    out.write(b'::/D/' + b + (b'.' + e if e else b'') + b'\\n')\n";

static void cp_read83(const char *img, const char *rc437);

/* Create the names, compare mshortname with the oracle, mdir lists. */
static void
part_cp437(void)
{
	char img[1100], names[1100], py[1100], exp[1100], got[1100];
	char a[512], rc437[1100];
	FILE *f, *p;
	int i, rc;

	if (tsh("command -v python3 >/dev/null && command -v mshortname "
	    ">/dev/null") != 0) {
		printf("SKIP: fatfs cp437 short names (python3 or mtools "
		    "missing)\n");
		return;
	}
	wpath(img, sizeof(img), "cp.img");
	wpath(names, sizeof(names), "cp.names");
	wpath(py, sizeof(py), "cp.py");
	wpath(exp, sizeof(exp), "cp.exp");
	wpath(got, sizeof(got), "cp.got");
	wpath(rc437, sizeof(rc437), "mtools437.rc");
	tsh("rm -f '%s'; mkfs.fat -F 16 -C '%s' 20480 >/dev/null", img, img);
	tcheck(ak_sys_mount("fatfs", MNT, 0, img, NULL) == 0 &&
	    ak_sys_mkdir(MNT "/d", 0755) == 0, "cp: mount, mkdir");
	f = fopen(names, "w");
	p = fopen(py, "w");
	if (f == NULL || p == NULL)
		abort();
	fputs(cp_oracle, p);
	fclose(p);
	for (i = 0; cp_names[i] != NULL; i++) {
		int fd;

		fprintf(f, "%s\n", cp_names[i]);
		snprintf(a, sizeof(a), MNT "/d/%s", cp_names[i]);
		fd = ak_sys_open(a, O_CREAT | O_WRONLY, 0644);
		tcheck(fd >= 0, "cp: create %s: %s", a, strerror(errno));
		if (fd >= 0)
			ak_sys_close(fd);
	}
	fclose(f);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "cp: unmount");
	rc = tsh("python3 '%s' '%s' > '%s'", py, names, exp);
	tcheck(rc == 0, "cp: python3 oracle exited %d", rc);
	rc = tsh("while IFS= read -r n; do MTOOLS_SKIP_CHECK=1 mshortname "
	    "-i '%s' \"::/d/$n\"; done < '%s' > '%s' 2>&1", img, names, got);
	tcheck(rc == 0 && tsh("cmp -s '%s' '%s'", exp, got) == 0,
	    "cp: short names differ from the cp437 oracle (%s vs %s):", exp,
	    got);
	if (tc_nfail > 0)
		tsh("paste '%s' '%s' | cat -v | sed 's/^/    /'", exp, got);
	tcheck(tsh("fsck.fat -n '%s' >/dev/null 2>&1", img) == 0,
	    "cp: fsck.fat -n");
	/* mdir in code page 437 lists every long name. */
	f = fopen(rc437, "w");
	if (f == NULL)
		abort();
	fputs("default_codepage=437\n", f);
	fclose(f);
	for (i = 0; cp_names[i] != NULL; i++)
		tcheck(tsh("MTOOLSRC='%s' MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8 "
		    "mdir -i '%s' ::/d | grep -qF -- '%s'", rc437, img,
		    cp_names[i]) == 0, "cp: mdir does not list %s",
		    cp_names[i]);
	cp_read83(img, rc437);
}

/* 8.3-only names in cp437 written by mcopy read back. */
static void
cp_read83(const char *img, const char *rc437)
{
	static const char *const n83[] = { "ÄÖÜ.TXT", "ÉTÉ.DOC", "Ñ.A" };
	char a[512], h[2200];
	struct stat st;
	int i;

	tsh("rm -rf '%s/cpsrc'; mkdir '%s/cpsrc'; for n in ÄÖÜ.TXT ÉTÉ.DOC "
	    "Ñ.A; do echo \"$n\" > '%s/cpsrc'/$n; done; MTOOLSRC='%s' "
	    "MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8 mcopy -i '%s' '%s/cpsrc'/* "
	    "::/", dir, dir, dir, rc437, img, dir);
	tcheck(tsh("MTOOLSRC='%s' MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8 mdir "
	    "-i '%s' ::/ | grep -q '^ÄÖÜ      TXT  *[0-9]* [0-9-]* *[0-9:]* "
	    "*$'", rc437, img) == 0,
	    "cp: mcopy did not store ÄÖÜ.TXT as a short name only");
	errno = 0;
	tcheck(ak_sys_mount("fatfs", MNT, AK_MNT_RDONLY, img, "codepage=850")
	    != 0 && errno == EINVAL, "cp: codepage=850: %s", strerror(errno));
	tcheck(ak_sys_mount("fatfs", MNT, AK_MNT_RDONLY, img, "codepage=437")
	    == 0, "cp: mount ro, codepage=437: %s", strerror(errno));
	for (i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), MNT "/%s", n83[i]);
		snprintf(h, sizeof(h), "%s/cpsrc/%s", dir, n83[i]);
		tcheck(same_content(a, h), "cp: read 8.3 name %s", n83[i]);
	}
	tcheck(ak_sys_stat(MNT "/äöü.txt", &st) == 0, "cp: lookup of "
	    "äöü.txt (ÄÖÜ.TXT) ignoring case: %s", strerror(errno));
	ak_sys_unmount(MNT, 0);
}

/* ---- full volumes ---------------------------------------------------- */

/* FAT32, 512-byte clusters: a big file, then small ones to ENOSPC. */
static void
full_fat32(void)
{
	char img[1100], p[128];
	struct statvfs sv;
	long used, total, n, made = 0;
	unsigned char fi[512];
	char buf[512];
	int fd, i, rc;

	wpath(img, sizeof(img), "full32.img");
	tsh("rm -f '%s'; mkfs.fat -F 32 -s 1 -C '%s' 34000 >/dev/null", img,
	    img);
	tcheck(ak_sys_mount("fatfs", MNT, 0, img, NULL) == 0 &&
	    ak_sys_statvfs(MNT, &sv) == 0, "full: mount");
	fd = ak_sys_open(MNT "/big", O_CREAT | O_WRONLY, 0644);
	memset(buf, 'b', sizeof(buf));
	for (n = 0; n + 300 < (long)sv.f_bfree; n++)
		if (ak_sys_write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			break;
	ak_sys_close(fd);
	tcheck(ak_sys_mkdir(MNT "/d", 0755) == 0, "full: mkdir");
	for (i = 0; i < 2000; i++) {
		snprintf(p, sizeof(p), MNT "/d/small file %04d.txt", i);
		fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			break;
		made++;
		rc = (int)ak_sys_write(fd, buf, 100);
		ak_sys_close(fd);
		if (rc != 100)
			break;
	}
	tcheck(i < 2000 && errno == ENOSPC, "full: %d files, then %s", i,
	    strerror(errno));
	tcheck(ak_sys_statvfs(MNT, &sv) == 0 && sv.f_bfree == 0,
	    "full: %lu clusters free at ENOSPC", (unsigned long)sv.f_bfree);
	tcheck(ak_sys_mkdir(MNT "/d/more", 0755) != 0 && errno == ENOSPC,
	    "full: mkdir on a full volume: %s", strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "full: unmount");
	rc = fsck_count(img, &used, &total);
	tcheck(rc == 0 && used == total, "full: fsck.fat -n %d, %ld/%ld "
	    "clusters", rc, used, total);
	tcheck(hio(img, false, fi, 512, 512) && le32(fi + 488) == 0,
	    "full: FSInfo free count %u", le32(fi + 488));
	tcheck(tsh("test \"$(MTOOLS_SKIP_CHECK=1 mdir -b -i '%s' ::/d | wc "
	    "-l)\" -eq %ld", img, made) == 0, "full: mdir does not list %ld "
	    "files", made);
}

/* FAT16 root of 64 entries: 3 slots per "long root name NN.t". */
static void
full_root16(void)
{
	char img[1100], p[128];
	int fd, i;

	wpath(img, sizeof(img), "root16.img");
	tsh("rm -f '%s'; mkfs.fat -F 16 -r 64 -C '%s' 20480 >/dev/null", img,
	    img);
	tcheck(ak_sys_mount("fatfs", MNT, 0, img, NULL) == 0, "root: mount");
	for (i = 0; i < 64; i++) {
		snprintf(p, sizeof(p), MNT "/long root name %02d.t", i);
		if ((fd = ak_sys_open(p, O_CREAT | O_WRONLY, 0644)) < 0)
			break;
		ak_sys_close(fd);
	}
	/* 18 characters: 2 LFN slots and the short entry. */
	tcheck(i == 64 / 3 && errno == ENOSPC, "root: %d long names (want "
	    "%d), %s", i, 64 / 3, strerror(errno));
	fd = ak_sys_open(MNT "/A.B", O_CREAT | O_WRONLY, 0644);
	tcheck(fd >= 0, "root: the last slot: %s", strerror(errno));
	ak_sys_close(fd);
	tcheck(ak_sys_open(MNT "/C.D", O_CREAT | O_WRONLY, 0644) < 0 &&
	    errno == ENOSPC, "root: past the limit: %s", strerror(errno));
	tcheck(ak_sys_mkdir(MNT "/e", 0755) != 0 && errno == ENOSPC,
	    "root: mkdir in a full root: %s", strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "root: unmount");
	tcheck(tsh("fsck.fat -n '%s' >/dev/null 2>&1", img) == 0,
	    "root: fsck.fat -n");
	tcheck(tsh("test \"$(MTOOLS_SKIP_CHECK=1 mdir -b -i '%s' ::/ | wc "
	    "-l)\" -eq %d", img, 64 / 3 + 1) == 0, "root: mdir count");
}

static void
part_full(void)
{
	full_fat32();
	full_root16();
}

/* ---- corruption sweep ---------------------------------------------- */

/* Walk a tree reading everything; errors are fine. */
static void
walk(const char *path, int depth)
{
	static char buf[8192];
	struct ak_dirent *de;
	char sub[1024];
	struct stat st;
	AK_DIR *d;
	int fd;

	if (depth > 8 || (d = ak_sys_opendir(path)) == NULL)
		return;
	while ((de = ak_sys_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (ak_sys_lstat(sub, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(sub, depth + 1);
		} else if ((fd = ak_sys_open(sub, O_RDONLY)) >= 0) {
			while (ak_sys_read(fd, buf, sizeof(buf)) > 0)
				continue;
			ak_sys_close(fd);
		}
	}
	ak_sys_closedir(d);
}

/* Read-only walk, then writes, then unmount: in the child. */
static void
exercise(const char *img)
{
	int fd;

	if (ak_sys_mount("fatfs", MNT, AK_MNT_RDONLY, img, NULL) == 0) {
		walk(MNT, 0);
		ak_sys_unmount(MNT, 0);
	}
	if (ak_sys_mount("fatfs", MNT, 0, img, NULL) != 0)
		return;
	walk(MNT, 0);
	if ((fd = ak_sys_open(MNT "/new file.txt", O_CREAT | O_WRONLY,
	    0644)) >= 0) {
		ak_sys_write(fd, img, strlen(img));
		ak_sys_close(fd);
	}
	ak_sys_mkdir(MNT "/dir/newdir", 0755);
	ak_sys_rename(MNT "/dir/sub", MNT "/renamed");
	ak_sys_unlink(MNT "/dir/a file with a long name.txt");
	ak_sys_truncate(MNT "/big.bin", 1000);
	walk(MNT, 0);
	ak_sys_unmount(MNT, AK_MNT_FORCE);
}

/* Run exercise(img) in a child with a time limit; false if it died. */
static bool
survive(const char *img, int *status)
{
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return false;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		alarm(30);
		if (ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0)
			_exit(3);
		exercise(img);
		ak_fini();
		_exit(0);
	}
	waitpid(pid, status, 0);
	return WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

/* Offsets of the base image's structures (made by mkfs.fat -F 32). */
struct geom {
	long	secsize, rsvd, fatsz, nfats, spc, rootclus, fsinfo;
	long	fatoff, dataoff, size;
};

static bool
geom_of(const char *img, struct geom *g)
{
	unsigned char s[512];
	struct stat st;

	if (!hio(img, false, s, 512, 0) || stat(img, &st) != 0)
		return false;
	g->secsize = s[11] | s[12] << 8;
	g->spc = s[13];
	g->rsvd = s[14] | s[15] << 8;
	g->nfats = s[16];
	g->fatsz = le32(s + 36);
	g->rootclus = le32(s + 44);
	g->fsinfo = s[48] | s[49] << 8;
	g->fatoff = g->rsvd * g->secsize;
	g->dataoff = g->fatoff + g->nfats * g->fatsz * g->secsize;
	g->size = st.st_size;
	return true;
}

static long
cl_off(const struct geom *g, long cl)
{
	return g->dataoff + (cl - 2) * g->spc * g->secsize;
}

/* Named damages of the FAT32 base image. */
enum { K_ROOTLOOP, K_ROOT0, K_ROOTBIG, K_BADCL, K_FSIGARBAGE, K_LFNORD0,
	K_LFNORDBIG, K_LFNORPHAN, K_FATSZ0, K_NFATS0, K_RSVD0, K_TOTBIG,
	K_TRUNCFAT, K_TRUNCDATA, K_NKINDS };
static const char *const kind_name[] = { "root chain loop",
	"root cluster 0", "root cluster past the end",
	"bad cluster in a chain", "FSInfo garbage", "LFN ordinal 0", "LFN ordinal 63",
	"orphan LFN at the end", "FAT size 0", "no FATs", "reserved 0",
	"total sectors too big", "truncated in the FAT",
	"truncated in the data" };

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Write a damaged copy of base to out. */
static void
damage(const char *base, const char *out, const struct geom *g, int k)
{
	unsigned char b[512], e[32];
	long off;

	tsh("cp '%s' '%s'", base, out);
	switch (k) {
	case K_ROOTLOOP:
		put32(b, (uint32_t)g->rootclus);
		for (off = 0; off < g->nfats; off++)
			hio(out, true, b, 4, g->fatoff + off * g->fatsz *
			    g->secsize + g->rootclus * 4);
		break;
	case K_ROOT0:
	case K_ROOTBIG:
		put32(b, k == K_ROOT0 ? 0 : 0x0ffffff0);
		hio(out, true, b, 4, 44);
		break;
	case K_BADCL:	/* the cluster after the root: big.bin's first */
		put32(b, 0x0ffffff7);
		hio(out, true, b, 4, g->fatoff + (g->rootclus + 1) * 4);
		break;
	case K_FSIGARBAGE:
		put32(b, 0x7fffffff);
		put32(b + 4, 0x0fffffff);
		hio(out, true, b, 8, g->fsinfo * g->secsize + 488);
		break;
	case K_LFNORD0:
	case K_LFNORDBIG:
	case K_LFNORPHAN:
		/* Root slots: 0 is the label, then entries with LFNs. */
		off = cl_off(g, g->rootclus);
		for (int i = 1; i < 16; i++) {
			hio(out, false, e, 32, off + i * 32);
			if (e[11] != 0x0f)
				continue;
			if (k == K_LFNORPHAN) {
				/* An LFN slot as the directory's last. */
				for (int j = i; j < 64; j++) {
					unsigned char z[32];

					hio(out, false, z, 32, off + j * 32);
					if (z[0] == 0) {
						hio(out, true, e, 32,
						    off + j * 32);
						break;
					}
				}
			} else {
				e[0] = k == K_LFNORD0 ? 0x40 : 0x7f;
				hio(out, true, e, 32, off + i * 32);
			}
			break;
		}
		break;
	case K_FATSZ0:
		put32(b, 0);
		hio(out, true, b, 4, 36);
		break;
	case K_NFATS0:
		b[0] = 0;
		hio(out, true, b, 1, 16);
		break;
	case K_RSVD0:
		b[0] = b[1] = 0;
		hio(out, true, b, 2, 14);
		break;
	case K_TOTBIG:
		put32(b, 0x7fffffff);
		hio(out, true, b, 4, 32);
		break;
	case K_TRUNCFAT:
		tcheck(truncate(out, g->fatoff + g->secsize * 2) == 0,
		    "truncate");
		break;
	case K_TRUNCDATA:
		tcheck(truncate(out, g->dataoff + (g->size - g->dataoff) / 3)
		    == 0, "truncate");
		break;
	}
}

static void
part_sweep(void)
{
	char base[1100], img[1100], src[1100];
	struct geom g;
	unsigned char b;
	int k, st, died = 0, i;
	unsigned seed = 4242;
	/* FAT_VOLUME_SWEEP=N runs N random cases (longer runs by hand). */
	int ncases = getenv("FAT_VOLUME_SWEEP") != NULL ?
	    atoi(getenv("FAT_VOLUME_SWEEP")) : SWEEP_CASES;

	wpath(base, sizeof(base), "sw.img");
	wpath(img, sizeof(img), "swd.img");
	wpath(src, sizeof(src), "swsrc");
	/* big.bin first, so its first cluster follows the root's. */
	tsh("rm -rf '%s'; mkdir -p '%s/dir/sub'; head -c 300000 /dev/zero | "
	    "tr '\\0' x > '%s/big.bin'; for i in 1 2 3 4 5 6 7 8; do echo $i "
	    "> \"%s/dir/a file with a long name $i.txt\"; echo $i > "
	    "'%s/dir/sub/SHORT'$i.TXT; done; echo x > '%s/dir/a file with a "
	    "long name.txt'", src, src, src, src, src, src);
	if (tsh("rm -f '%s'; mkfs.fat -F 32 -n SWEEP -C '%s' 40960 >/dev/null "
	    "&& MTOOLS_SKIP_CHECK=1 mcopy -i '%s' '%s/big.bin' ::/ && "
	    "MTOOLS_SKIP_CHECK=1 mcopy -s -i '%s' '%s/dir' ::/", base, base,
	    base, src, base, src) != 0 || !geom_of(base, &g)) {
		tcheck(false, "sweep: making the base image");
		return;
	}
	/* The control: undamaged, every operation lands, fsck-clean. */
	tsh("cp '%s' '%s'", base, img);
	tcheck(survive(img, &st) && tsh("fsck.fat -n '%s' >/dev/null 2>&1",
	    img) == 0 && tsh("MTOOLS_SKIP_CHECK=1 mdir -b -/ -i '%s' ::/ | "
	    "grep -c -e '/new file.txt$' -e '/renamed/SHORT1.TXT$' -e "
	    "'/dir/newdir/$' | grep -qx 3", img) == 0,
	    "sweep: the undamaged image after the operations");
	for (k = 0; k < K_NKINDS; k++) {
		damage(base, img, &g, k);
		tcheck(survive(img, &st), "sweep: %s: the child died (status "
		    "%#x)", kind_name[k], st);
	}
	/* FSInfo garbage must be ignored: writes leave it fsck-clean. */
	damage(base, img, &g, K_FSIGARBAGE);
	survive(img, &st);
	tcheck(tsh("fsck.fat -n '%s' >/dev/null 2>&1", img) == 0,
	    "sweep: writing with a garbage FSInfo left fsck errors");
	/* Seeded random bytes in the boot area, FAT, root and dir. */
	for (i = 0; i < ncases; i++) {
		long off, span[4][2] = {
			{ 0, g.rsvd * g.secsize },
			{ g.fatoff, 4096 },
			{ cl_off(&g, g.rootclus), g.spc * g.secsize },
			{ cl_off(&g, g.rootclus + 1), 4 * g.spc * g.secsize },
		};
		int r = i % 4, nb = 1 + (int)(seed % 8), j;

		tsh("cp '%s' '%s'", base, img);
		for (j = 0; j < nb; j++) {
			seed = seed * 1103515245u + 12345u;
			off = span[r][0] + (long)((seed >> 8) %
			    (unsigned)span[r][1]);
			b = (unsigned char)(seed >> 24);
			hio(img, true, &b, 1, off);
		}
		if (!survive(img, &st)) {
			died++;
			tcheck(false, "sweep: random case %d (region %d) "
			    "killed the child (status %#x); image kept as "
			    "%s.%d", i, r, st, img, i);
			tsh("cp '%s' '%s.%d'", img, img, i);
		}
	}
	tcheck(died == 0, "sweep: %d of %d random cases died", died, ncases);
}

/* ---- main -------------------------------------------------------- */

/* In a child (tchild): a kernel of its own, then the part fn. */
static void
part_child(void *arg)
{
	void (*const *fn)(void) = arg;

	if (ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0)
		_exit(2);
	(*fn)();
	ak_fini();
}

static void
run_part(const char *name, void (*fn)(void))
{
	tchild(name, part_child, &fn);
}

int
main(void)
{
	const char *t = getenv("AK_TESTDIR"), *only;

	alarm(600);
	if (t != NULL)
		snprintf(dir, sizeof(dir), "%s/fatvol", t);
	else
		snprintf(dir, sizeof(dir), "/tmp/fatvol.%d", (int)getpid());
	if (tsh("command -v mkfs.fat >/dev/null && command -v fsck.fat "
	    ">/dev/null && command -v mcopy >/dev/null") != 0) {
		printf("SKIP: fat_volume (dosfstools or mtools missing)\n");
		return tsummary("fat_volume");
	}
	tsh("rm -rf '%s'; mkdir -p '%s'", dir, dir);
	only = getenv("FAT_VOLUME_ONLY");	/* one part, when debugging */
	if (only == NULL || strcmp(only, "backup") == 0)
		run_part("backup", part_backup);
	if (only == NULL || strcmp(only, "cp437") == 0)
		run_part("cp437", part_cp437);
	if (only == NULL || strcmp(only, "full") == 0)
		run_part("full", part_full);
	if (only != NULL && strcmp(only, "sweep") != 0)
		return tsummary("fat_volume");
	part_sweep();	/* its children start their own kernels */
	if (tc_nfail == 0)
		tsh("rm -rf '%s'", dir);
	return tsummary("fat_volume");
}
