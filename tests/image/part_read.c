/*
 * part_read.c: partition tables and the device mount options (part=,
 * offset=, sizelimit=) against the reference tools.
 *
 * tests/image/mkpart.sh writes MBR (primary, extended, logical) and GPT
 * disks with sfdisk and puts a file system made by its own tool in each
 * partition.  The oracles: `sfdisk -d` (saved by mkpart.sh) for the
 * table ak_partitions must report, the marker file each file system was
 * made with for what a mount of each partition must read, fsck.fat for
 * a partition written through part=, and the image's bytes outside that
 * partition, which must not change.  Then damage: a GPT whose primary
 * header is broken must be read from its backup; both broken, and an
 * extended chain that loops, must fail with EUCLEAN, not hang; random
 * bytes in the table sectors must give an error or partitions inside
 * the image, never a crash.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "ak/ak.h"
#include "tests/lib/tcheck.h"
#include "tests/lib/treecmp.h"

#define MNT	"/mnt"
#define MAXP	16

static char dir[1024];



/* One line of `sfdisk -d`. */
struct dumpent {
	int		index;
	uint64_t	start, size;	/* sectors */
	char		type[40];
	char		name[72];
};

/* Parse DISK.dump; returns the number of partitions. */
static int
dump_read(const char *disk, struct dumpent *d, int max)
{
	char path[2048], line[1024], *p, *q;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s.dump", dir, disk);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL && n < max) {
		if ((p = strstr(line, ".img")) == NULL ||
		    (q = strstr(line, " : start=")) == NULL)
			continue;
		memset(&d[n], 0, sizeof(d[n]));
		d[n].index = atoi(p + 4);
		d[n].start = strtoull(q + 9, NULL, 10);
		if ((p = strstr(line, "size=")) != NULL)
			d[n].size = strtoull(p + 5, NULL, 10);
		if ((p = strstr(line, "type=")) != NULL)
			sscanf(p + 5, "%39[^,\n]", d[n].type);
		if ((p = strstr(line, "name=\"")) != NULL)
			sscanf(p + 6, "%71[^\"]", d[n].name);
		n++;
	}
	fclose(f);
	return n;
}

/* The table of DISK through ak_partitions against its sfdisk dump. */
static void
table_check(const char *disk, const char *scheme)
{
	struct dumpent d[MAXP];
	struct ak_part p[MAXP];
	char img[2048], type[48];
	int i, nd, np;

	snprintf(img, sizeof(img), "%s/%s.img", dir, disk);
	nd = dump_read(disk, d, MAXP);
	np = ak_partitions(img, p, MAXP);
	tcheck(nd > 0 && np == nd, "%s: %d partitions, sfdisk has %d (%s)",
	    disk, np, nd, np < 0 ? strerror(errno) : "");
	for (i = 0; i < nd && i < np; i++) {
		/* sfdisk prints MBR types as bare hex ("6", "83"). */
		if (strcmp(scheme, "mbr") == 0)
			snprintf(type, sizeof(type), "0x%02lx",
			    strtoul(d[i].type, NULL, 16));
		else
			snprintf(type, sizeof(type), "%s", d[i].type);
		tcheck(p[i].ap_index == d[i].index &&
		    p[i].ap_offset == d[i].start * 512 &&
		    p[i].ap_size == d[i].size * 512,
		    "%s: partition %d at %llu+%llu, sfdisk: %d at %llu+%llu",
		    disk, p[i].ap_index, (unsigned long long)p[i].ap_offset,
		    (unsigned long long)p[i].ap_size, d[i].index,
		    (unsigned long long)d[i].start * 512,
		    (unsigned long long)d[i].size * 512);
		tcheck(strcasecmp(p[i].ap_type, type) == 0 &&
		    strcmp(p[i].ap_name, d[i].name) == 0 &&
		    strcmp(p[i].ap_scheme, scheme) == 0,
		    "%s%d: type %s name \"%s\" scheme %s, sfdisk: %s \"%s\"",
		    disk, d[i].index, p[i].ap_type, p[i].ap_name,
		    p[i].ap_scheme, type, d[i].name);
	}
}

/* Mount DISK with opts, expect type, and compare the marker of NAME. */
static void
mount_check(const char *disk, const char *opts, const char *type,
    const char *name)
{
	char img[2048], marker[2048], got[32] = "";

	snprintf(img, sizeof(img), "%s/%s", dir, disk);
	snprintf(marker, sizeof(marker), "%s/%s.marker", dir, name);
	tcheck(ak_probe(img, opts, got, sizeof(got)) == 0 &&
	    strcmp(got, type) == 0, "%s %s: probe gave \"%s\" (%s), want %s",
	    disk, opts, got, strerror(errno), type);
	if (ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, img, opts) != 0) {
		tcheck(false, "%s %s: mount: %s", disk, opts, strerror(errno));
		return;
	}
	tcheck(tcmp_same_file(marker, MNT "/marker"), "%s %s: marker differs",
	    disk, opts);
	tcheck(ak_sys_unmount(MNT, 0) == 0, "%s %s: unmount: %s", disk, opts,
	    strerror(errno));
}

/* The probed type of each partition, as ak_partitions reports it. */
static void
fstype_check(const char *disk, const char *const *want, int n)
{
	struct ak_part p[MAXP];
	char img[2048];
	int i, np;

	snprintf(img, sizeof(img), "%s/%s.img", dir, disk);
	np = ak_partitions(img, p, MAXP);
	tcheck(np == n, "%s: %d partitions, want %d", disk, np, n);
	for (i = 0; i < np && i < n; i++)
		tcheck(strcmp(p[i].ap_fstype, want[i]) == 0,
		    "%s%d: fstype \"%s\", want \"%s\"", disk, p[i].ap_index,
		    p[i].ap_fstype, want[i]);
}

static void
mounts(void)
{
	static const char *const mbrt[] = { "fatfs", "ext4", "", "ext4",
	    "fatfs", "" };
	static const char *const gptt[] = { "fatfs", "ext4", "squashfs" };
	char opts[128];

	mount_check("mbr.img", "part=1", "fatfs", "mbr1");
	mount_check("mbr.img", "part=2", "ext4", "mbr2");
	mount_check("mbr.img", "part=5", "ext4", "mbr5");
	mount_check("mbr.img", "part=6", "fatfs", "mbr6");
	mount_check("gpt.img", "part=1", "fatfs", "gpt1");
	mount_check("gpt.img", "part=2", "ext4", "gpt2");
	mount_check("gpt.img", "part=4", "squashfs", "gpt4");
	snprintf(opts, sizeof(opts), "offset=%d,sizelimit=%d", 34816 * 512,
	    16 * 1024 * 1024);
	mount_check("gpt.img", opts, "ext4", "gpt2");
	snprintf(opts, sizeof(opts), "offset=%d", 67584 * 512);
	mount_check("gpt.img", opts, "squashfs", "gpt4");
	mount_check("fat.img", NULL, "fatfs", "fat");
	fstype_check("mbr", mbrt, 6);
	fstype_check("gpt", gptt, 3);
}

/* A call that must fail with errno want. */
static void
fails(int rc, int want, const char *what)
{
	tcheck(rc == -1 && errno == want, "%s: rc %d errno %s, want %s", what,
	    rc, strerror(errno), strerror(want));
}

static void
errors(void)
{
	char mbr[2048], fat[2048], got[32];
	struct ak_part p[4];

	snprintf(mbr, sizeof(mbr), "%s/mbr.img", dir);
	snprintf(fat, sizeof(fat), "%s/fat.img", dir);
	fails(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, mbr, "part=4"), ENXIO,
	    "part=4 (unused slot)");
	fails(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, mbr, "part=99"), ENXIO,
	    "part=99");
	fails(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, fat, "part=1"), ENXIO,
	    "part=1 of a disk without a table");
	fails(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, mbr, "part=1,offset=1"),
	    EINVAL, "part= with offset=");
	fails(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, mbr, "part=x"), EINVAL,
	    "part=x");
	fails(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, mbr, "offset=67108864"), EINVAL,
	    "offset beyond the end");
	fails(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, mbr, "part=3"),
	    EMEDIUMTYPE, "the extended partition itself");
	fails(ak_sys_mount("tmpfs", MNT, 0, NULL, "part=1"), EINVAL,
	    "part= without an image");
	fails(ak_probe(mbr, NULL, got, sizeof(got)), EMEDIUMTYPE,
	    "probe of the whole partitioned disk");
	/* A FAT boot sector ends in 55 AA too: it is no MBR. */
	tcheck(ak_partitions(fat, p, 4) == 0, "fat.img: partitions found");
	fails(ak_partitions("/nonexistent.img", p, 4), ENOENT,
	    "partitions of a missing image");
}

/* CRC-32 of the image outside [off, off + len), for "nothing else moved". */
static uint32_t
outside_crc(const char *img, uint64_t off, uint64_t len)
{
	static unsigned char buf[65536];
	uint32_t crc = 0xffffffff;
	uint64_t pos = 0;
	size_t i, n;
	int k;
	FILE *f;

	if ((f = fopen(img, "rb")) == NULL)
		return 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (i = 0; i < n; i++, pos++) {
			if (pos >= off && pos < off + len)
				continue;
			crc ^= buf[i];
			for (k = 0; k < 8; k++)
				crc = crc >> 1 ^ (0xedb88320 & -(crc & 1));
		}
	}
	fclose(f);
	return ~crc;
}

/* Write to a FAT partition through part=; check it with fsck.fat. */
static void
write_partition(void)
{
	const uint64_t off = 79872ull * 512, len = 12288ull * 512;
	char img[2048];
	uint32_t before;
	int fd;

	snprintf(img, sizeof(img), "%s/mbr.img", dir);
	before = outside_crc(img, off, len);
	if (ak_sys_mount("fatfs", MNT, 0, img, "part=6") != 0) {
		tcheck(false, "mbr.img part=6: rw mount: %s", strerror(errno));
		return;
	}
	fd = ak_sys_open(MNT "/NEW.TXT", O_WRONLY | O_CREAT, 0644);
	tcheck(fd >= 0 && ak_sys_write(fd, "hello partition\n", 16) == 16 &&
	    ak_sys_close(fd) == 0, "part=6: write: %s", strerror(errno));
	tcheck(ak_sys_unmount(MNT, 0) == 0, "part=6: unmount: %s",
	    strerror(errno));
	tcheck(outside_crc(img, off, len) == before,
	    "bytes outside partition 6 changed");
	tcheck(tsh("dd if='%s' of='%s/p6.fs' bs=512 skip=79872 count=12288 "
	    "status=none && fsck.fat -n '%s/p6.fs' >/dev/null 2>&1", img, dir,
	    dir) == 0, "fsck.fat -n of partition 6 after the write");
	tcheck(tsh("test \"$(MTOOLS_SKIP_CHECK=1 mtype -i '%s/p6.fs' ::/NEW.TXT)\""
	    " = 'hello partition'", dir) == 0, "mtype of the new file");
}

/* Patch len bytes at off of a copy of DISK named NAME. */
static void
patch(const char *disk, const char *name, long off, const void *b, size_t n)
{
	char path[2048];
	int fd;

	if (strcmp(disk, name) != 0)
		tsh("cp '%s/%s' '%s/%s'", dir, disk, dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY)) < 0 ||
	    pwrite(fd, b, n, off) != (ssize_t)n)
		tcheck(false, "patch %s: %s", name, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void
damage(void)
{
	static const unsigned char junk[8] = "JUNKJUNK";
	/* MBR slot 2 of the EBR of logical 6: type 5, start 0, length 1. */
	static const unsigned char loop[16] = { 0, 0, 0, 0, 5, 0, 0, 0,
	    0, 0, 0, 0, 1, 0, 0, 0 };
	struct ak_part p[MAXP];
	char img[2048];
	int n;

	patch("gpt.img", "gpt-p.img", 512 + 8, junk, 4);
	snprintf(img, sizeof(img), "%s/gpt-p.img", dir);
	n = ak_partitions(img, p, MAXP);
	tcheck(n == 3 && p[2].ap_index == 4 && p[2].ap_offset == 67584 * 512,
	    "GPT with a broken primary header: %d partitions", n);
	patch("gpt-p.img", "gpt-pb.img", 64 * 1024 * 1024 - 512 + 8, junk, 4);
	snprintf(img, sizeof(img), "%s/gpt-pb.img", dir);
	fails(ak_partitions(img, p, MAXP), EUCLEAN, "GPT, both headers broken");
	/* Entry array of the primary damaged: its CRC fails, backup used. */
	patch("gpt.img", "gpt-e.img", 1024 + 40, junk, 8);
	snprintf(img, sizeof(img), "%s/gpt-e.img", dir);
	tcheck(ak_partitions(img, p, MAXP) == 3,
	    "GPT with a broken primary entry array");
	/* The EBR of logical 6 sits at sector 79872 - 2048. */
	patch("mbr.img", "mbr-loop.img", (79872 - 2048) * 512 + 446 + 16,
	    loop, 16);
	snprintf(img, sizeof(img), "%s/mbr-loop.img", dir);
	fails(ak_partitions(img, p, MAXP), EUCLEAN, "extended chain loop");
	fails(ak_sys_mount(NULL, MNT, AK_MNT_RDONLY, img, "part=5"), EUCLEAN,
	    "mount of a partition in a looping chain");
}

/*
 * Random bytes in the table sectors (span bytes from the start, and the
 * last sector, where a GPT keeps its backup): an error or partitions
 * that are sane.  Each round patches 4 bytes and puts them back after.
 */
static void
fuzz(const char *disk, long span)
{
	struct ak_part p[MAXP];
	unsigned char b, old[4];
	long off[4], size = 64L * 1024 * 1024;
	char img[2048];
	int round, i, n, fd, bad = 0;

	snprintf(img, sizeof(img), "%s/fuzz-%s", dir, disk);
	if (tsh("cp '%s/%s' '%s'", dir, disk, img) != 0 ||
	    (fd = open(img, O_RDWR)) < 0) {
		tcheck(false, "fuzz %s: copy", disk);
		return;
	}
	srandom(7);
	for (round = 0; round < 300; round++) {
		for (i = 0; i < 4; i++) {
			off[i] = random() % (span + 512);
			if (off[i] >= span)
				off[i] += size - span - 512;
			b = (unsigned char)random();
			if (pread(fd, &old[i], 1, off[i]) != 1 ||
			    pwrite(fd, &b, 1, off[i]) != 1)
				bad++;
		}
		n = ak_partitions(img, p, MAXP);
		for (i = 0; i < n && i < MAXP; i++)
			if (p[i].ap_offset + p[i].ap_size < p[i].ap_offset ||
			    p[i].ap_index < 1)
				bad++;
		if (n < 0 && errno != EUCLEAN && errno != EIO)
			bad++;
		for (i = 3; i >= 0; i--)
			if (pwrite(fd, &old[i], 1, off[i]) != 1)
				bad++;
	}
	close(fd);
	tcheck(bad == 0, "%s: %d fuzzed tables gave nonsense", disk, bad);
}

int
main(void)
{
	const char *t = getenv("AK_TESTDIR");
	int rc;

	alarm(600);
	snprintf(dir, sizeof(dir), "%s/part", t ? t : "/tmp");
	rc = tsh("sh tests/image/mkpart.sh '%s'", dir);
	if (rc == 77) {
		printf("SKIP: partition images (sfdisk or mkfs tools missing)\n");
		printf("part_read: 0 passed, 0 failed\n");
		return 0;
	}
	if (rc != 0 || ak_init() != 0 || ak_sys_mkdir(MNT, 0755) != 0) {
		printf("FAIL: setup (mkpart.sh exited %d): %s\n", rc,
		    strerror(errno));
		printf("part_read: 0 passed, 1 failed\n");
		return 1;
	}
	table_check("mbr", "mbr");
	table_check("gpt", "gpt");
	mounts();
	errors();
	write_partition();
	damage();
	fuzz("gpt.img", 34 * 512);
	fuzz("mbr.img", 512);
	tcheck(ak_fini() == 0, "ak_fini: %s", strerror(errno));
	return tsummary("part_read");
}
