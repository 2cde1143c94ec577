/*
 * ext2_orphan.c: the on-disk orphan list.  An inode whose last name goes
 * while it is still open lives on until its vnode is reclaimed; so that a
 * crash in between does not leak it, it is chained from the superblock
 * (s_last_orphan) through the dtime field of each orphan, as Linux does.
 * The next read-write mount (or e2fsck) frees whatever is on the chain.
 *
 * In memory the chain is em_orphans, head first, and each node's next
 * link is en_onext; ext2_node_write stamps en_onext into the inode it
 * writes and ext2_sb_write writes em_ohead into the superblock, so the
 * disk copy follows without extra writes.  Taking a node off the chain
 * patches its predecessor's inode in the inode table directly (the
 * predecessor's vnode belongs to somebody else).
 *
 * Locks: em_olock protects em_ohead, em_orphans and every node's
 * en_orphan, en_onext and en_olink.  It is a leaf below a buffer and
 * below em_lock.
 */
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/blkdev.h>
#include "fs/ext2fs/ext2fs.h"

#define EXT2_SB_LAST_ORPHAN	0xE8
#define EXT2_I_DTIME		0x14

int
ext2_orphan_init(struct ext2_mount *em)
{
	TAILQ_INIT(&em->em_orphans);
	return mutex_init(&em->em_olock);
}

/* The superblock is loaded: where the chain starts. */
void
ext2_orphan_load(struct ext2_mount *em)
{
	em->em_ohead = le32dec(em->em_sbraw + EXT2_SB_LAST_ORPHAN);
}

void
ext2_orphan_fini(struct ext2_mount *em)
{
	mutex_destroy(&em->em_olock);
}

/* The superblock's s_last_orphan (em_lock held by the writer). */
void
ext2_orphan_sbstamp(struct ext2_mount *em, uint8_t *sbraw)
{
	mutex_enter(&em->em_olock);
	le32enc(sbraw + EXT2_SB_LAST_ORPHAN, em->em_ohead);
	mutex_exit(&em->em_olock);
}

/*
 * ext2_node_write's hook, em_olock held: an orphan's dtime is its link
 * in the chain.
 */
void
ext2_orphan_istamp(struct ext2_node *en)
{
	KASSERT(mutex_owned(&en->en_mount->em_olock));
	if (en->en_orphan)
		le32enc(en->en_raw + EXT2_I_DTIME, en->en_onext);
}

/* en lost its last name (vnode locked): chain it at the head. */
void
ext2_orphan_add(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;

	mutex_enter(&em->em_olock);
	if (!en->en_orphan) {
		en->en_onext = em->em_ohead;
		em->em_ohead = en->en_ino;
		TAILQ_INSERT_HEAD(&em->em_orphans, en, en_olink);
		en->en_orphan = true;
	}
	mutex_exit(&em->em_olock);
}

/*
 * Take en off the chain before it is freed.  Its predecessor's inode is
 * patched in its table block, read before em_olock is taken (lock
 * order); if the chain changed meanwhile, look again.
 */
int
ext2_orphan_remove(struct ext2_node *en)
{
	struct ext2_mount *em = en->en_mount;
	struct ext2_node *pred;
	struct buf *bp;
	uint64_t pblk;
	uint32_t pino, off;
	int error;

	for (;;) {
		mutex_enter(&em->em_olock);
		if (!en->en_orphan)
			break;
		if ((pred = TAILQ_PREV(en, ext2_onodes, en_olink)) == NULL) {
			em->em_ohead = en->en_onext;
			break;
		}
		pino = pred->en_ino;
		mutex_exit(&em->em_olock);
		ext2_inode_where(em, pino, &pblk, &off);
		if ((error = ext2_bread(em, pblk, &bp)) != 0)
			return error;
		mutex_enter(&em->em_olock);
		if (TAILQ_PREV(en, ext2_onodes, en_olink) == pred &&
		    pred->en_ino == pino) {
			uint8_t *raw = (uint8_t *)bp->b_data + off;

			pred->en_onext = en->en_onext;
			le32enc(raw + EXT2_I_DTIME, en->en_onext);
			if (em->em_metacsum)
				ext2_inode_csum_set(em, raw,
				    pred->en_csum_seed);
			TAILQ_REMOVE(&em->em_orphans, en, en_olink);
			en->en_orphan = false;
			mutex_exit(&em->em_olock);
			bdwrite(bp);
			return 0;
		}
		mutex_exit(&em->em_olock);
		brelse(bp);
	}
	if (en->en_orphan) {
		TAILQ_REMOVE(&em->em_orphans, en, en_olink);
		en->en_orphan = false;
	}
	mutex_exit(&em->em_olock);
	return 0;
}

/*
 * The head of the chain, just loaded at mount: an unlinked inode is
 * released (its vnode recycled, which frees it and unchains it); one
 * with links left was being truncated by Linux and only leaves the
 * chain (blocks past its size are allowed, as after fallocate).
 */
static int
ext2_orphan_one(struct ext2_mount *em, uint32_t ino)
{
	struct vnode *vp;
	struct ext2_node *en;
	int error;

	em->em_oscan = true;
	error = vcache_get(em->em_mp, ino, &vp);
	em->em_oscan = false;
	if (error != 0)
		return error;
	en = VTOE(vp);
	mutex_enter(&em->em_olock);
	KASSERT(TAILQ_EMPTY(&em->em_orphans));
	en->en_onext = en->en_di.di_dtime;
	TAILQ_INSERT_HEAD(&em->em_orphans, en, en_olink);
	en->en_orphan = true;
	mutex_exit(&em->em_olock);
	if (en->en_di.di_links != 0) {
		if ((error = ext2_orphan_remove(en)) == 0)
			error = ext2_node_write(en);
	} else
		vrecycle_later(vp);
	vrele(vp);
	return error;
}

/*
 * Read-write mount: free what a crash left on the chain.  A chain that
 * is corrupt (a bad inode number, a loop, an inode that will not load)
 * is left for e2fsck with a message; the mount goes on.
 */
void
ext2_orphan_cleanup(struct ext2_mount *em)
{
	uint32_t ino, n = 0, freed = 0;
	int error = 0;

	while ((ino = em->em_ohead) != 0) {
		if (ino < em->em_sb.s_first_ino ||
		    ino > em->em_sb.s_inodes_count ||
		    n++ > em->em_sb.s_inodes_count) {
			error = EFSCORRUPTED;
			break;
		}
		if ((error = ext2_orphan_one(em, ino)) != 0)
			break;
		if (em->em_ohead == ino) {	/* it could not be freed */
			error = EIO;
			break;
		}
		freed++;
	}
	if (freed != 0)
		printf("ext2fs: %s: freed %u orphaned inode%s left by a "
		    "crash\n", em->em_dev->bd_name, freed,
		    freed == 1 ? "" : "s");
	if (error != 0)
		printf("ext2fs: %s: orphan list at inode %u: error %d; left "
		    "for e2fsck\n", em->em_dev->bd_name, ino, error);
}
