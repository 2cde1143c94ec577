/*
 * cmd_exec.c: fsu_exec PROGRAM [ARGS...] FILE: copies FILE out of the
 * image to a mkstemp file, runs the host PROGRAM with ARGS and that
 * file's name, and writes the file back only if its bytes changed.
 * The program's exit status is the command's.
 */
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

extern char **environ;

static int
exec_run(int n, char **args, char *tmp)
{
	char **v;
	pid_t pid;
	int i, st, err;

	if ((v = calloc((size_t)n + 2, sizeof(*v))) == NULL)
		return fsu_warn_path(args[0], ENOMEM);
	for (i = 0; i < n; i++)
		v[i] = args[i];
	v[n] = tmp;
	fflush(stdout);
	err = posix_spawnp(&pid, v[0], NULL, NULL, v, environ);
	free(v);
	if (err != 0)
		return fsu_warn_path(args[0], err);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return fsu_warn_path(args[0], errno);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	fsu_warnx("%s: killed by signal %d", args[0], WTERMSIG(st));
	return FSU_EXIT_FAIL;
}

int
fsu_exec(int argc, char **argv)
{
	const char *file;
	char tmp[4096];
	int fd, status, same;

	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv++;
		argc--;
	}
	if (argc < 3)
		return fsu_cmd_usage("exec");
	file = argv[argc - 1];
	if ((fd = fsu_tmpcopy(file, tmp, sizeof(tmp))) < 0)
		return FSU_EXIT_FAIL;
	status = exec_run(argc - 2, argv + 1, tmp);
	/* The program may have replaced the file: reopen it by name. */
	close(fd);
	if ((fd = open(tmp, O_RDONLY)) < 0) {
		fsu_warn_path(tmp, errno);
		unlink(tmp);
		return FSU_EXIT_FAIL;
	}
	if ((same = fsu_same_as_host(file, fd, tmp)) < 0)
		status = FSU_EXIT_FAIL;
	else if (same == 1 && fsu_import(fd, tmp, file) != 0)
		status = FSU_EXIT_FAIL;
	close(fd);
	unlink(tmp);
	return status;
}
