/*
 * ak_dirent.c: the kernel's struct kdirent records to struct ak_dirent.
 *
 * The conversion runs in place, front to back, in the buffer the kernel
 * filled.  That is safe because an ak_dirent record is never longer than
 * the kdirent record it comes from (the header is shorter and both round
 * to 8 bytes; checked below at compile time), so record i is written at
 * or before where kdirent record i starts and ends at or before where
 * record i + 1 starts.  The kernel can therefore be given the caller's
 * whole buffer: whatever it returns fits once converted.
 */
#include <errno.h>
#include <string.h>

#include "lib/ak_impl.h"

#define AK_KHDR		offsetof(struct kdirent, d_name)
#define AK_AHDR		offsetof(struct ak_dirent, d_name)

_Static_assert(offsetof(struct ak_dirent, d_name) <=
    offsetof(struct kdirent, d_name), "ak_dirent header longer");
_Static_assert(AK_DIRENT_RECLEN(0) <= KDIRENT_RECLEN(0),
    "ak_dirent record longer (empty name)");
_Static_assert(AK_DIRENT_RECLEN(255) <= KDIRENT_RECLEN(255),
    "ak_dirent record longer (NAME_MAX name)");
_Static_assert(_Alignof(struct ak_dirent) <= 8,
    "ak_dirent needs more alignment than kdirent records have");

/*
 * Convert the kbytes of kdirent records at buf into ak_dirent records
 * from the start of buf; *abytes is their total length.  Padding is
 * zeroed so no stale bytes reach the caller.  EIO if a record is
 * malformed (a kernel bug: better an error than a loop or an overrun).
 */
int
ak_dirents_k2h(void *buf, size_t kbytes, size_t *abytes)
{
	char *b = buf;
	struct kdirent kd;
	struct ak_dirent ad;
	size_t kpos = 0, apos = 0, arec;

	while (kpos < kbytes) {
		if (kbytes - kpos < AK_KHDR)
			return EIO;
		memcpy(&kd, b + kpos, AK_KHDR);
		if (kd.d_reclen < KDIRENT_RECLEN(kd.d_namlen) ||
		    kd.d_reclen > kbytes - kpos)
			return EIO;
		arec = AK_DIRENT_RECLEN(kd.d_namlen);
		memmove(b + apos + AK_AHDR, b + kpos + AK_KHDR, kd.d_namlen);
		memset(b + apos + AK_AHDR + kd.d_namlen, 0,
		    arec - AK_AHDR - kd.d_namlen);
		memset(&ad, 0, sizeof(ad));
		ad.d_ino = kd.d_fileno;
		ad.d_off = kd.d_off;
		ad.d_reclen = (unsigned short)arec;
		ad.d_type = ak_vtype_to_dtype(kd.d_type);
		memcpy(b + apos, &ad, AK_AHDR);
		kpos += kd.d_reclen;
		apos += arec;
	}
	*abytes = apos;
	return 0;
}
