/*
 * cmd_mkdir.c: fsu_mkdir [-p] [-m MODE] [-v] DIR... and
 * fsu_rmdir [-p] [-v] DIR..., as in coreutils.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

static mode_t
fsu_umask(void)
{
	mode_t m = ak_sys_umask(0);

	(void)ak_sys_umask(m);
	return m;
}

/* mkdir -p: each missing component, as mkdir -p makes them. */
static int
fsu_mkdir_p(char *path, mode_t mode, int verbose)
{
	struct stat st;
	char *p;
	int last;

	for (p = path; *p == '/'; p++)
		continue;
	for (;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		last = *p == '\0' || strspn(p, "/") == strlen(p);
		*p = '\0';
		if (ak_sys_mkdir(path, last ? mode : 0777) == 0) {
			if (verbose)
				printf("mkdir: created directory '%s'\n",
				    path);
		} else if (errno != EEXIST || ak_sys_stat(path, &st) != 0 ||
		    !S_ISDIR(st.st_mode)) {
			return fsu_warn_path(path, errno == EEXIST ?
			    ENOTDIR : errno);
		}
		if (last)
			return FSU_EXIT_OK;
		*p = '/';
	}
}

int
fsu_mkdir(int argc, char **argv)
{
	const char *mstr = NULL;
	mode_t mode = 0777;
	char *copy;
	int ch, i, pflag = 0, verbose = 0, status = FSU_EXIT_OK;

	while ((ch = getopt(argc, argv, "pm:v")) != -1) {
		switch (ch) {
		case 'p': pflag = 1; break;
		case 'm': mstr = optarg; break;
		case 'v': verbose = 1; break;
		default: return fsu_cmd_usage("mkdir");
		}
	}
	if (optind >= argc)
		return fsu_cmd_usage("mkdir");
	if (mstr != NULL && fsu_mode_parse(mstr, 0777, fsu_umask(), 1,
	    &mode) != 0) {
		fsu_warnx("invalid mode '%s'", mstr);
		return FSU_EXIT_USAGE;
	}
	for (i = optind; i < argc; i++) {
		if (pflag) {
			if ((copy = strdup(argv[i])) == NULL)
				return fsu_warn_path(argv[i], ENOMEM);
			if (fsu_mkdir_p(copy, mode, verbose) != 0)
				status = FSU_EXIT_FAIL;
			free(copy);
		} else if (ak_sys_mkdir(argv[i], mode) != 0) {
			status = fsu_warn_path(argv[i], errno);
			continue;
		} else if (verbose)
			printf("mkdir: created directory '%s'\n", argv[i]);
		/* -m is the exact mode, not masked by the umask. */
		if (mstr != NULL && ak_sys_chmod(argv[i], mode) != 0)
			status = fsu_warn_path(argv[i], errno);
	}
	return status;
}

/* rmdir -p a/b/c: c, then a/b, then a. */
static int
fsu_rmdir_p(char *path, int verbose)
{
	char *s;

	for (;;) {
		if (ak_sys_rmdir(path) != 0)
			return fsu_warn_path(path, errno);
		if (verbose)
			printf("rmdir: removing directory, '%s'\n", path);
		s = path + strlen(path);
		while (s > path && s[-1] == '/')
			*--s = '\0';
		if ((s = strrchr(path, '/')) == NULL)
			return FSU_EXIT_OK;
		while (s > path && s[-1] == '/')
			s--;
		if (s == path)
			return FSU_EXIT_OK;
		*s = '\0';
	}
}

int
fsu_rmdir(int argc, char **argv)
{
	char *copy;
	int ch, i, pflag = 0, verbose = 0, status = FSU_EXIT_OK;

	while ((ch = getopt(argc, argv, "pv")) != -1) {
		switch (ch) {
		case 'p': pflag = 1; break;
		case 'v': verbose = 1; break;
		default: return fsu_cmd_usage("rmdir");
		}
	}
	if (optind >= argc)
		return fsu_cmd_usage("rmdir");
	for (i = optind; i < argc; i++) {
		if (pflag) {
			if ((copy = strdup(argv[i])) == NULL)
				return fsu_warn_path(argv[i], ENOMEM);
			if (fsu_rmdir_p(copy, verbose) != 0)
				status = FSU_EXIT_FAIL;
			free(copy);
		} else if (ak_sys_rmdir(argv[i]) != 0)
			status = fsu_warn_path(argv[i], errno);
		else if (verbose)
			printf("rmdir: removing directory, '%s'\n", argv[i]);
	}
	return status;
}
