/*
 * ffsw_ops.c: what the seeded random operations of ffs_write are made
 * of (the model check itself is tests/lib/mcheck*.c): names of every
 * length class up to 255 bytes, RENAME_EXCHANGE and renames onto and
 * into themselves, unlink tried on directories, symlinks short (in the
 * inode: < 60 bytes UFS1, < 120 UFS2) and long, user.* xattrs (UFS2).
 */
#include <sys/types.h>
#include <stdbool.h>
#include <string.h>

#include "tests/lib/mcheck.h"
#include "tests/image/ffsw.h"

/* Names of every length class: short, long, 255 bytes, UTF-8. */
static const char *const names[] = {
	"a", "bb", "file.txt", "with space", "\xc3\xbcml\xc3\xa4ut", "c",
	"d.dat", "e",
	"a_rather_long_name_that_takes_a_big_record_in_the_chunk_0123456789",
	"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL",
};
static const char *const xnames[] = { "user.a", "user.longer.name",
    "user.b" };
/* Drawn from rnd(4): around 60 and 120 (UFS1's and UFS2's limits of
 * a fast symlink), and long ones (a block) twice as often. */
static const struct mc_span symlens[] = {
	{ 1, 58 }, { 58, 66 }, { 124, 900 }, { 124, 900 },
};

/* The caps of UFS1 (xattr false) or UFS2 (extended attributes). */
void
fw_caps(struct mc_caps *c, bool xattr)
{
	memset(c, 0, sizeof(*c));
	/* Without xattrs their sixteenth goes to chmod/chown/utimens. */
	c->mix = xattr ? "wwwtuummdrrlsnxa" : "wwwtuummdrrlsnaa";
	c->names = names;
	c->nnames = sizeof(names) / sizeof(names[0]);
	c->maxent = MAXENT;
	c->pathmax = 200;
	c->write_big_in = 8;
	c->write_max = 200000;
	c->sparse_span = 1U << 25;		/* up to 32 MiB */
	c->unlink_dirs = true;
	c->exchange = true;
	c->rename_self = true;
	c->symlens = symlens;
	c->nsymlens = sizeof(symlens) / sizeof(symlens[0]);
	c->xnames = xnames;
	c->nxnames = sizeof(xnames) / sizeof(xnames[0]);
	c->xmax = xattr ? 2000 : 0;
	c->xsmall = 40;
	c->nsec = true;
}
