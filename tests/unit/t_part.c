/*
 * t_part.c: partition-table cases the reference tools of Debian 12
 * cannot write to a file (tests/image/part_read.c covers the rest with
 * sfdisk as the oracle): a GPT with 4096-byte sectors, built here by the
 * UEFI specification's layout, and sectors that end in 55 AA without
 * being an MBR.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/blkdev.h>
#include <sys/part.h>
#include "tests/unit/ktest.h"

/* Prototypes for -Wmissing-prototypes. */
KTEST(part_gpt_4k);
KTEST(part_mbr_plausible);

#define TP_LBA		4096
#define TP_NLBA		1024		/* a 4 MiB disk */
#define TP_NENT		128
#define TP_ENTSZ	128

static uint32_t
tp_crc(const void *p, size_t len)
{
	return crc32(~0U, p, len) ^ ~0U;
}

/* Write a GPT header for LBA self at the device's offset self * 4096. */
static int
tp_gpt_header(struct blkdev *bd, uint64_t self, uint64_t alt,
    uint64_t entlba, uint32_t entcrc)
{
	uint8_t h[TP_LBA];

	memset(h, 0, sizeof(h));
	memcpy(h, "EFI PART", 8);
	le32enc(h + 8, 0x00010000);
	le32enc(h + 12, 92);
	le64enc(h + 24, self);
	le64enc(h + 32, alt);
	le64enc(h + 40, 6);			/* first usable */
	le64enc(h + 48, TP_NLBA - 6);		/* last usable */
	le64enc(h + 72, entlba);
	le32enc(h + 80, TP_NENT);
	le32enc(h + 84, TP_ENTSZ);
	le32enc(h + 88, entcrc);
	le32enc(h + 16, tp_crc(h, 92));
	return blkdev_write(bd, h, sizeof(h), self * TP_LBA);
}

KTEST(part_gpt_4k)
{
	struct part_entry pe[4];
	struct blkdev *bd;
	uint8_t *ent, mbr[512];
	size_t entlen = TP_NENT * TP_ENTSZ;
	uint32_t crc;
	int n;

	KT_REQUIRE(t, blkdev_memdisk_create(TP_NLBA * TP_LBA, &bd) == 0);
	KT_REQUIRE(t, (ent = kmem_zalloc(entlen)) != NULL);
	/* Protective MBR: one slot of type 0xee over the disk. */
	memset(mbr, 0, sizeof(mbr));
	mbr[446 + 4] = 0xee;
	le32enc(mbr + 446 + 8, 1);
	le32enc(mbr + 446 + 12, TP_NLBA * 8 - 1);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	KT_EQ(t, blkdev_write(bd, mbr, sizeof(mbr), 0), 0);
	/* Slot 3: LBAs 10-265 (1 MiB), type and name known. */
	le32enc(ent + 2 * TP_ENTSZ, 0x0fc63daf);
	le16enc(ent + 2 * TP_ENTSZ + 4, 0x8483);
	le16enc(ent + 2 * TP_ENTSZ + 6, 0x4772);
	memcpy(ent + 2 * TP_ENTSZ + 8, "\x8e\x79\x3d\x47\x42\x49\x44\xe4", 8);
	le64enc(ent + 2 * TP_ENTSZ + 32, 10);
	le64enc(ent + 2 * TP_ENTSZ + 40, 265);
	le16enc(ent + 2 * TP_ENTSZ + 56, 'r');
	le16enc(ent + 2 * TP_ENTSZ + 58, 0xe9);	/* é */
	crc = tp_crc(ent, entlen);
	KT_EQ(t, blkdev_write(bd, ent, entlen, 2 * TP_LBA), 0);
	KT_EQ(t, tp_gpt_header(bd, 1, TP_NLBA - 1, 2, crc), 0);

	KT_EQ(t, part_scan(bd, pe, 4, &n), 0);
	KT_REQUIRE_EQ(t, n, 1);
	KT_EQ(t, pe[0].pe_index, 3);
	KT_EQ(t, pe[0].pe_off, 10 * TP_LBA);
	KT_EQ(t, pe[0].pe_len, 256 * TP_LBA);
	KT_STREQ(t, pe[0].pe_type, "0FC63DAF-8483-4772-8E79-3D47424944E4");
	KT_STREQ(t, pe[0].pe_name, "r\xc3\xa9");
	KT_STREQ(t, pe[0].pe_scheme, "gpt");

	/* Only a backup at the last LBA (its entries at LBA 1014). */
	memset(mbr, 0, sizeof(mbr));
	KT_EQ(t, blkdev_write(bd, mbr, sizeof(mbr), TP_LBA), 0);
	KT_EQ(t, part_scan(bd, pe, 4, &n), EFSCORRUPTED);
	KT_EQ(t, blkdev_write(bd, ent, entlen, (TP_NLBA - 10) * TP_LBA), 0);
	KT_EQ(t, tp_gpt_header(bd, TP_NLBA - 1, 1, TP_NLBA - 10, crc), 0);
	KT_EQ(t, part_scan(bd, pe, 4, &n), 0);
	KT_EQ(t, n, 1);
	/* An entry past the last usable LBA breaks the table. */
	le64enc(ent + 2 * TP_ENTSZ + 40, TP_NLBA - 2);
	KT_EQ(t, blkdev_write(bd, ent, entlen, (TP_NLBA - 10) * TP_LBA), 0);
	KT_EQ(t, tp_gpt_header(bd, TP_NLBA - 1, 1, TP_NLBA - 10,
	    tp_crc(ent, entlen)), 0);
	KT_EQ(t, part_scan(bd, pe, 4, &n), EFSCORRUPTED);
	kmem_free(ent, entlen);
	blkdev_rele(bd);
}

KTEST(part_mbr_plausible)
{
	struct part_entry pe[8];
	struct blkdev *bd, *w;
	uint8_t s[512];
	int n;

	KT_REQUIRE(t, blkdev_memdisk_create(1 << 20, &bd) == 0);
	memset(s, 0, sizeof(s));
	s[510] = 0x55;
	s[511] = 0xaa;
	/* Signature but no slot used: no table. */
	KT_EQ(t, blkdev_write(bd, s, sizeof(s), 0), 0);
	KT_EQ(t, part_scan(bd, pe, 8, &n), 0);
	KT_EQ(t, n, 0);
	/* Boot code where the slots are (a boot flag of 0x4f): none. */
	memcpy(s + 446, "Oops, not a table: just boot code here.", 39);
	KT_EQ(t, blkdev_write(bd, s, sizeof(s), 0), 0);
	KT_EQ(t, part_scan(bd, pe, 8, &n), 0);
	KT_EQ(t, n, 0);
	/* A slot starting at sector 0 is not believed either. */
	memset(s + 446, 0, 64);
	s[446 + 4] = 0x83;
	le32enc(s + 446 + 12, 100);
	KT_EQ(t, blkdev_write(bd, s, sizeof(s), 0), 0);
	KT_EQ(t, part_scan(bd, pe, 8, &n), 0);
	/* One good slot (slot 2: sectors 64-1087): partition 2. */
	memset(s + 446, 0, 64);
	s[446 + 16] = 0x80;
	s[446 + 16 + 4] = 0x0c;
	le32enc(s + 446 + 16 + 8, 64);
	le32enc(s + 446 + 16 + 12, 1024);
	KT_EQ(t, blkdev_write(bd, s, sizeof(s), 0), 0);
	KT_EQ(t, part_scan(bd, pe, 8, &n), 0);
	KT_REQUIRE_EQ(t, n, 1);
	KT_EQ(t, pe[0].pe_index, 2);
	KT_EQ(t, pe[0].pe_off, 64 * 512);
	KT_STREQ(t, pe[0].pe_type, "0x0c");
	KT_EQ(t, part_open(bd, 2, &w), 0);
	KT_EQ(t, w->bd_size, 1024 * 512);
	blkdev_rele(w);
	KT_EQ(t, part_open(bd, 1, &w), ENXIO);
	/* A partition past the end of the disk cannot be opened. */
	le32enc(s + 446 + 16 + 12, 4096);
	KT_EQ(t, blkdev_write(bd, s, sizeof(s), 0), 0);
	KT_EQ(t, part_open(bd, 2, &w), EFSCORRUPTED);
	blkdev_rele(bd);
}
