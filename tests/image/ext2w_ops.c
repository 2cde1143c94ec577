/*
 * ext2w_ops.c: what the seeded random operations of ext2_write are made
 * of (the model check itself is tests/lib/mcheck*.c): names up to 62
 * bytes, writes up to 300,000 bytes and past 4 GiB, symlinks in the
 * inode (< 60 bytes) and in a block, user., trusted. and security.
 * xattrs up to what fits a block six times.
 */
#include <sys/types.h>
#include <stdbool.h>
#include <string.h>

#include "tests/lib/mcheck.h"
#include "tests/image/ext2w.h"

static const char *const names[] = {
	"a", "bee", "file.txt", "with space", "\xc3\xbcml\xc3\xa4ut",
	"long_name_long_name_long_name_long_name_long_name_long_name_x",
	"c", "d.dat", "e", "f",
};
static const char *const xnames[] = { "user.a", "user.longer.name",
    "trusted.t", "security.selinux", "security.capability", "user.b" };
/* Drawn from rnd(2): 1 a fast symlink, 0 one in a block. */
static const struct mc_span symlens[] = { { 60, 300 }, { 1, 59 } };

/*
 * The caps of a layout: big, offsets past 4 GiB (else below 4 KiB);
 * xmax, the longest xattr value (0: no xattrs); nsec, mtimes compared
 * to the nanosecond.
 */
void
ew_caps(struct mc_caps *c, bool big, int xmax, bool nsec)
{
	memset(c, 0, sizeof(*c));
	/* Without xattrs their sixteenth of the operations does nothing. */
	c->mix = xmax > 0 ? "wwwwtummdrrlsnxa" : "wwwwtummdrrlsn-a";
	c->names = names;
	c->nnames = sizeof(names) / sizeof(names[0]);
	c->maxent = MAXENT;
	c->pathmax = 60;
	c->write_big_in = 6;
	c->write_max = 300000;
	c->sparse_span = 1U << 26;		/* up to 64 MiB */
	c->far_off = big ? (off_t)5 << 30 : 0;
	c->far_span = big ? 1U << 20 : 4096;
	c->symlens = symlens;
	c->nsymlens = sizeof(symlens) / sizeof(symlens[0]);
	c->xnames = xnames;
	c->nxnames = sizeof(xnames) / sizeof(xnames[0]);
	c->xmax = (uint32_t)xmax;
	c->xsmall = 32;
	c->nsec = nsec;
	c->holes = true;
	c->xattr_all = true;
}
