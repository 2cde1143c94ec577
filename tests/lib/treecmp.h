/*
 * treecmp.h: a host tree (the oracle, read through the C library)
 * against the same tree read through libak: sorted names both ways,
 * attributes, symlink targets and every byte of every file, as counted
 * checks (tests/lib/tcheck.h).  The options say what the format keeps:
 * ISO 9660 without Rock Ridge has no owners, FAT keeps 2-second mtimes
 * and no permissions, squashfs -all-root makes every owner root...
 */
#ifndef _TESTS_LIB_TREECMP_H_
#define _TESTS_LIB_TREECMP_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCMP_MAXNAMES	4096	/* entries of one directory */
#define TCMP_CHUNK	(1024 * 1024)	/* default read size */

/* What is compared (tcmp_opts.flags). */
#define TCMP_DOTS	0x00001	/* "." and ".." are both listed */
#define TCMP_DTYPE	0x00002	/* d_type is the entry's type */
#define TCMP_DTYPE_ANY	0x00004	/* ... or DT_UNKNOWN */
#define TCMP_DINO	0x00008	/* d_ino is the entry's st_ino */
#define TCMP_PERMS	0x00010	/* the permission bits, not just the type */
#define TCMP_OWNER	0x00020	/* uid and gid */
#define TCMP_ROOTOWNED	0x00040	/* ... are 0:0 whatever the tree says */
#define TCMP_NLINK	0x00080	/* link counts of non-directories */
#define TCMP_DIRNLINK	0x00100	/* ... and of directories */
#define TCMP_MTIME	0x00200	/* mtime, whole seconds */
#define TCMP_MTIME_NS	0x00400	/* ... nanoseconds the tree's or 0 */
#define TCMP_MTIME_2S	0x00800	/* ... rounded down to 2 s (FAT) */
#define TCMP_FILETIME	0x01000	/* ... of regular files only */
#define TCMP_RDEV	0x02000	/* device numbers */
#define TCMP_SYMLINK	0x04000	/* symlink targets */
#define TCMP_DATA	0x08000	/* the bytes of regular files */
#define TCMP_EOF	0x10000	/* a read past the end gives 0 bytes */
#define TCMP_MIDREAD	0x20000	/* a pread of half the file at a third */
#define TCMP_HARDLINK	0x40000	/* paths share an inode iff the tree's do */
#define TCMP_DOTDOT	0x80000	/* a subdirectory's ".." is its parent */

struct tcmp_opts {
	unsigned	 flags;
	/* Names in the image's root the tree lacks (NULL-ended list). */
	const char *const *rootskip;
	/* TCMP_DATA: the read size (0: TCMP_CHUNK); 9000-byte preads at
	 * these offsets where they are at or before the end (-1 ends). */
	size_t		 chunk;
	const off_t	*offs;
	/* Called for each pair after the checks above (xattrs, holes...). */
	void		(*entry)(const char *hpath, const char *kpath,
			    const struct stat *hs, const struct stat *ks,
			    void *arg);
	void		*arg;
};

/*
 * Compare the trees below hdir and kdir (not the two roots themselves);
 * the number of entries compared.
 */
int	tcmp_tree(const char *hdir, const char *kdir,
	    const struct tcmp_opts *o);
/* Compare one entry's attributes (and data), not a directory's entries. */
void	tcmp_entry(const char *hpath, const char *kpath,
	    const struct tcmp_opts *o);
/* The bytes of a regular file (TCMP_DATA, TCMP_EOF, TCMP_MIDREAD); the
 * open is a check of its own, then all bytes one more. */
void	tcmp_file(const char *hpath, const char *kpath,
	    const struct tcmp_opts *o);
/* One check: the rest of host fd hfd (a file or a pipe) is the rest of
 * image fd kfd. */
void	tcmp_fds(int hfd, int kfd, const char *kpath);
/* Whether len bytes at off agree; if not, why[] says where. */
bool	tcmp_range(int hfd, int kfd, off_t off, off_t len, char *why,
	    size_t whylen);
/*
 * The extended attributes whose names start with one of prefixes
 * (NULL-ended): the same names (none if the format keeps none), values
 * and size queries, ERANGE into 1 byte, ENODATA for an absent name.
 */
void	tcmp_xattrs(const char *hpath, const char *kpath,
	    const char *const *prefixes, bool none);
/* Open hpath on the host and kpath through libak: both, or (false)
 * neither, with errno from the failed open. */
bool	tcmp_open(const char *hpath, const char *kpath, int *hfd, int *kfd);
void	tcmp_close(int hfd, int kfd);
/* Whether the two files hold the same bytes (no check counted). */
bool	tcmp_same_file(const char *hpath, const char *kpath);

/* Whether two image paths are the same inode (hard links, ".."). */
bool	tcmp_same_inode(const char *a, const char *b);

/* Sorted names of a host directory without "." and ".."; -1 if it
 * cannot be opened. */
int	tcmp_host_names(const char *path, char **names, int max);
/* The same of an image directory; "." and ".." are counted in *ndots. */
int	tcmp_ak_names(const char *path, char **names, int max, int *ndots);
void	tcmp_free_names(char **names, int n);

#endif /* !_TESTS_LIB_TREECMP_H_ */
