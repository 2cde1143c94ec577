/*
 * cmd_diff.c: fsu_diff [-q] [-u] [-H] PATH1 PATH2: compares two image
 * files, or with -H an image file with a host file.  Exit 0 same, 1
 * different, 2 trouble, as diff(1).  -q compares the bytes here; else
 * the host's diff(1) prints the differences of private mkstemp copies,
 * labelled with the image paths.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"
#include "fsu/hostio.h"

#define DIFF_TROUBLE	2

extern char **environ;

static int
diff_spawn(char **v)
{
	pid_t pid;
	int err, st;

	fflush(stdout);
	if ((err = posix_spawnp(&pid, "diff", NULL, NULL, v, environ)) != 0) {
		fsu_warnx("cannot run diff: %s", strerror(err));
		return DIFF_TROUBLE;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return DIFF_TROUBLE;
	return WIFEXITED(st) ? WEXITSTATUS(st) : DIFF_TROUBLE;
}

/* An image or host regular file, opened; -1 when it is not one. */
static int
diff_check(const char *path, int host)
{
	struct stat st;
	int r;

	r = host ? stat(path, &st) : ak_sys_stat(path, &st);
	if (r != 0) {
		fsu_warn_path(path, errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		fsu_warn_path(path, EISDIR);
		return -1;
	}
	return 0;
}

int
fsu_diff(int argc, char **argv)
{
	char t1[4096], t2[4096], *v[10];
	const char *p1, *p2;
	int ch, quiet = 0, unified = 0, host = 0, f1, f2 = -1, r, k = 0;

	while ((ch = getopt(argc, argv, "quH")) != -1) {
		switch (ch) {
		case 'q': quiet = 1; break;
		case 'u': unified = 1; break;
		case 'H': host = 1; break;
		default: fsu_cmd_usage("diff"); return DIFF_TROUBLE;
		}
	}
	if (argc - optind != 2) {
		fsu_cmd_usage("diff");
		return DIFF_TROUBLE;
	}
	p1 = argv[optind];
	p2 = argv[optind + 1];
	if (diff_check(p1, 0) != 0 || diff_check(p2, host) != 0)
		return DIFF_TROUBLE;
	if ((f1 = fsu_tmpcopy(p1, t1, sizeof(t1))) < 0)
		return DIFF_TROUBLE;
	if (host) {
		snprintf(t2, sizeof(t2), "%s", p2);
		if ((f2 = open(p2, O_RDONLY)) < 0) {
			fsu_warn_path(p2, errno);
			close(f1);
			unlink(t1);
			return DIFF_TROUBLE;
		}
	} else if ((f2 = fsu_tmpcopy(p2, t2, sizeof(t2))) < 0) {
		close(f1);
		unlink(t1);
		return DIFF_TROUBLE;
	}
	if (quiet) {
		r = fsu_same_as_host(p1, f2, t2);
		r = r < 0 ? DIFF_TROUBLE : r;
		if (r == 1)
			printf("Files %s and %s differ\n", p1, p2);
	} else {
		v[k++] = "diff";
		if (unified)
			v[k++] = "-u";
		v[k++] = "--label";
		v[k++] = (char *)p1;
		v[k++] = "--label";
		v[k++] = (char *)p2;
		v[k++] = t1;
		v[k++] = t2;
		v[k] = NULL;
		r = diff_spawn(v);
	}
	close(f1);
	unlink(t1);
	close(f2);
	if (!host)
		unlink(t2);
	return r;
}
