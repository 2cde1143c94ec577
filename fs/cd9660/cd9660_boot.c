/*
 * cd9660_boot.c: El Torito boot images, shown read-only as files of a
 * "[BOOT]" directory in the root (as 7-Zip shows them).
 *
 * The boot record descriptor names the boot catalog: a validation entry
 * (checksummed, 55 AA), the initial/default entry, then sections (header
 * 0x90, the last 0x91) of further entries, all in one 2048-byte sector.
 * Each bootable entry becomes a file: "Boot-<media>.img", numbered
 * "N-Boot-<media>.img" when there are several.  A floppy image has its
 * media's size; any other has the sector count it loads (512-byte
 * sectors), which for "no emulation" images is often only the loader's
 * first part.  A bad catalog only hides the images.
 *
 * Keys: ISO_KEY_BOOT for the directory, ISO_KEY_BOOT | (i + 1) for
 * image i.  Readdir cookies of the directory: 0 ".", 1 "..", 2 + i.
 */
#include <sys/systm.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include "fs/cd9660/cd9660.h"

#define ELTORITO_ID		"EL TORITO SPECIFICATION"
#define ELT_ENTRY		32
#define ELT_VALIDATION		0x01
#define ELT_BOOTABLE		0x88
#define ELT_SECTION		0x90
#define ELT_SECTION_LAST	0x91

static const char *const iso_boot_media[] = {
	"NoEmul", "1.2M", "1.44M", "2.88M", "HardDisk"
};
static const uint32_t iso_boot_floppy[] = { 0, 1228800, 1474560, 2949120 };

/* Add the image a bootable catalog entry describes. */
static void
iso_boot_add(struct iso_mount *im, const uint8_t *e)
{
	struct iso_bootimg *bi;
	uint8_t media = e[1] & 0x0F;
	uint64_t phys = (uint64_t)le32dec(e + 8) << ISO_BSHIFT, size;

	if (im->im_nboot == ISO_MAX_BOOT || media > 4)
		return;
	size = media >= 1 && media <= 3 ? iso_boot_floppy[media] :
	    (uint64_t)le16dec(e + 6) * 512;
	if (size == 0 || phys >= im->im_devsize ||
	    size > im->im_devsize - phys) {
		printf("cd9660: boot image at block %u (%llu bytes) is past "
		    "the device end: hidden\n", le32dec(e + 8),
		    (unsigned long long)size);
		return;
	}
	bi = &im->im_boot[im->im_nboot++];
	bi->bi_phys = phys;
	bi->bi_size = size;
	bi->bi_media = media;
}

/* Whether the validation entry's 16-bit words sum to 0, with 55 AA. */
static bool
iso_boot_valid(const uint8_t *v)
{
	uint16_t sum = 0;
	int i;

	if (v[0] != ELT_VALIDATION || v[30] != 0x55 || v[31] != 0xAA)
		return false;
	for (i = 0; i < ELT_ENTRY; i += 2)
		sum = (uint16_t)(sum + le16dec(v + i));
	return sum == 0;
}

/* Walk the catalog sector. */
static void
iso_boot_catalog(struct iso_mount *im, const uint8_t *cat)
{
	uint32_t off = 2 * ELT_ENTRY, n;
	uint8_t hdr;

	if (!iso_boot_valid(cat)) {
		printf("cd9660: El Torito catalog fails validation\n");
		return;
	}
	if (cat[ELT_ENTRY] == ELT_BOOTABLE)
		iso_boot_add(im, cat + ELT_ENTRY);
	while (off + ELT_ENTRY <= ISO_BSIZE) {
		hdr = cat[off];
		if (hdr != ELT_SECTION && hdr != ELT_SECTION_LAST)
			break;
		n = le16dec(cat + off + 2);
		off += ELT_ENTRY;
		for (; n > 0 && off + ELT_ENTRY <= ISO_BSIZE; n--) {
			/* Extension entries (0x44) follow their entry. */
			if (cat[off] == ELT_BOOTABLE)
				iso_boot_add(im, cat + off);
			off += ELT_ENTRY;
			while (off + ELT_ENTRY <= ISO_BSIZE &&
			    cat[off] == 0x44)
				off += ELT_ENTRY;
		}
		if (hdr == ELT_SECTION_LAST)
			break;
	}
}

/* A boot record descriptor (sector sec): find the images. */
void
iso_boot_scan(struct iso_mount *im, const uint8_t *sec)
{
	uint64_t phys;
	struct buf *bp;

	if (im->im_nboot != 0 || memcmp(sec + 7, ELTORITO_ID,
	    sizeof(ELTORITO_ID) - 1) != 0)
		return;
	phys = (uint64_t)le32dec(sec + 71) << ISO_BSHIFT;
	if (phys + ISO_BSIZE > im->im_devsize ||
	    bread(im->im_dev, phys, ISO_BSIZE, &bp) != 0)
		return;
	iso_boot_catalog(im, bp->b_data);
	brelse(bp);
}

/* The name of image i into buf (32 bytes); its length. */
static size_t
iso_boot_name(const struct iso_mount *im, uint32_t i, char *buf)
{
	const char *media = iso_boot_media[im->im_boot[i].bi_media];

	if (im->im_nboot == 1)
		return (size_t)snprintf(buf, 32, "Boot-%s.img", media);
	return (size_t)snprintf(buf, 32, "%u-Boot-%s.img", i + 1, media);
}

int
iso_boot_load(struct iso_mount *im, uint64_t key, struct iso_node *in)
{
	uint64_t i = key & ~ISO_KEY_BOOT;
	const struct iso_bootimg *bi;

	in->in_fileid = key;
	in->in_mtime = in->in_atime = in->in_ctime = im->im_rootmtime;
	if (i == 0) {
		in->in_type = VDIR;
		in->in_mode = 0555;
		in->in_nlink = 2;
		in->in_parent = im->im_rootkey;
		return 0;
	}
	if (i > im->im_nboot)
		return ENOENT;
	bi = &im->im_boot[i - 1];
	in->in_type = VREG;
	in->in_mode = 0444;
	in->in_nlink = 1;
	in->in_size = (int64_t)bi->bi_size;
	if ((in->in_ext = kmem_zalloc(sizeof(*in->in_ext))) == NULL)
		return ENOMEM;
	in->in_extcap = in->in_next = 1;
	in->in_ext->ie_len = in->in_size;
	in->in_ext->ie_phys = bi->bi_phys;
	return 0;
}

int
iso_boot_lookup(struct iso_mount *im, const char *name, size_t namelen,
    uint64_t *keyp)
{
	char buf[32];
	uint32_t i;

	for (i = 0; i < im->im_nboot; i++)
		if (iso_boot_name(im, i, buf) == namelen &&
		    memcmp(buf, name, namelen) == 0) {
			*keyp = ISO_KEY_BOOT | (i + 1);
			return 0;
		}
	return ENOENT;
}

int
iso_boot_readdir(struct iso_mount *im, struct uio *uio, int *eofp)
{
	enum vtype type;
	uint64_t ino;
	char buf[32];
	int64_t c;
	size_t len;

	*eofp = 0;
	if (uio->uio_offset < 0)
		return EINVAL;
	for (c = uio->uio_offset; c < 2 + (int64_t)im->im_nboot; c++) {
		if (c < 2) {
			memcpy(buf, "..", 2);
			len = (size_t)c + 1;
			ino = c == 0 ? ISO_KEY_BOOT :
			    im->im_rootkey & ~ISO_KEY_DIR;
			type = VDIR;
		} else {
			len = iso_boot_name(im, (uint32_t)(c - 2), buf);
			ino = ISO_KEY_BOOT | (uint64_t)(c - 1);
			type = VREG;
		}
		if (vfs_dirent_emit(uio, ino, type, buf, len, c + 1) != 0)
			return 0;
		uio->uio_offset = c + 1;
	}
	*eofp = 1;
	return 0;
}
