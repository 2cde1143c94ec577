/* hostile.h: what hostile_mem.c shares with hostile_img.c. */
#ifndef _TESTS_FUZZ_HOSTILE_H_
#define _TESTS_FUZZ_HOSTILE_H_

#include <stddef.h>
#include <stdint.h>

#define MEMLIMIT	(8ULL << 20)	/* the child's AK_MEMLIMIT */
#define MAXIMG		(8 << 20)

/* What a child reports through its pipe. */
struct report {
	uint64_t	peak, maxreq;	/* kernel bytes held, largest request */
	uint64_t	past_end;	/* writes past the end of the image */
	int		mount_err;	/* errno of the read-only mount, or 0 */
	int		read_err;	/* errno of the first failed read */
};

extern uint8_t img[MAXIMG];	/* the input */
extern uint64_t memlimit;	/* the next child's AK_MEMLIMIT */
extern uint64_t maxvnodes;	/* and AK_MAXVNODES (0: the default) */
extern char dir[1024];		/* scratch directory */

/* Read path into img (zero-filled); its length. */
size_t	load(const char *path);
/*
 * Run img[0..len) as type in a child and check the memory bounds: the
 * fuzz harness, or (path set) a mount and a read of path only.
 */
void	check_input(const char *type, size_t len, const char *name,
	    const char *path, struct report *r);
/* The synthetic hostile images (hostile_img.c). */
void	synthetic(void);
/* A large, sound image under a small and a large bound (hostile_img.c). */
void	bound_control(void);

#endif /* !_TESTS_FUZZ_HOSTILE_H_ */
