/*
 * cmds.c: the table of commands, their usage lines and --help.
 */
#include <stdio.h>
#include <string.h>

#include "fsu/fsu.h"

const struct fsu_cmd fsu_cmds[] = {
	{ "cat", fsu_cat, FSU_RO, "FILE...",
	    "print files" },
	{ "chgrp", fsu_chgrp, FSU_RW, "[-R] [-h] GROUP FILE...",
	    "change group (image names or numbers)" },
	{ "chmod", fsu_chmod, FSU_RW, "[-R] MODE FILE...",
	    "change mode (octal or symbolic)" },
	{ "chown", fsu_chown, FSU_RW, "[-R] [-h] OWNER[:GROUP] FILE...",
	    "change owner and group (image names or numbers)" },
	{ "cp", fsu_cp, FSU_RW, "[-R|-r] [-p] [-a] [-L|-P|-H] [-n] [-f] [-v] "
	    "SRC... DST", "copy inside the image" },
	{ "diff", fsu_diff, FSU_RO, "[-q] [-H] PATH1 PATH2",
	    "compare two image files (-H: PATH2 on the host)" },
	{ "df", fsu_df, FSU_RO, "[-h] [-i] [FILE]",
	    "space and inodes used" },
	{ "du", fsu_du, FSU_RO, "[-s] [-a] [-h] [-k] [-b] [-c] [-l] [-d N] "
	    "[FILE...]", "space used by trees" },
	{ "ecp", fsu_ecp, FSU_RW, "[-g|-p] [-R] [cp options] SRC... DST",
	    "copy to the image (-p, default) or out of it (-g)" },
	{ "exec", fsu_exec, FSU_RW, "PROGRAM [ARGS...] FILE",
	    "run a host program on a copy of FILE, write back if changed" },
	{ "find", fsu_find, FSU_RO, "[-H|-L] [PATH...] [EXPRESSION]",
	    "search a tree" },
	{ "fsck", fsu_fsck, FSU_CHECK, "[-n] [-f]",
	    "check the file system without changing it (ffs)" },
	{ "get", fsu_get, FSU_RO, "[-R] [-p] [-a] [-L|-P|-H] [-n] [-f] [-v] "
	    "[-X] IMAGE-SRC... HOST-DST", "copy from the image to the host" },
	{ "ln", fsu_ln, FSU_RW, "[-s] [-f] [-v] TARGET... LINK",
	    "make hard or symbolic links" },
	{ "ls", fsu_ls, FSU_RO, "[-1aAdFhilnrRStu] [--color[=WHEN]] "
	    "[--time-style=STYLE] [--names=image|numeric] [FILE...]",
	    "list directories" },
	{ "mkdir", fsu_mkdir, FSU_RW, "[-p] [-m MODE] [-v] DIR...",
	    "make directories" },
	{ "mkfifo", fsu_mkfifo, FSU_RW, "[-m MODE] NAME...",
	    "make named pipes" },
	{ "mknod", fsu_mknod, FSU_RW, "[-m MODE] NAME b|c|u|p [MAJOR MINOR]",
	    "make device nodes" },
	{ "mv", fsu_mv, FSU_RW, "[-f] [-n] [-v] SRC... DST",
	    "rename or move into a directory" },
	{ "parts", fsu_parts, FSU_NOIMAGE, "",
	    "print the partition table" },
	{ "put", fsu_put, FSU_RW, "[-R] [-p] [-a] [-L|-P|-H] [-n] [-f] [-v] "
	    "[-X] [--owner UID] [--group GID] [--owner-map FILE] HOST-SRC... "
	    "IMAGE-DST", "copy from the host into the image" },
	{ "rm", fsu_rm, FSU_RW, "[-r|-R] [-f] [-d] [-v] FILE...",
	    "remove files" },
	{ "rmdir", fsu_rmdir, FSU_RW, "[-p] [-v] DIR...",
	    "remove empty directories" },
	{ "sh", fsu_sh, FSU_RW, "[-r] [-c 'CMD; CMD...'] [-e] [SCRIPT]",
	    "shell on the image (interactive, -c, or a script)" },
	{ "stat", fsu_stat, FSU_RO, "[-L] [-c FORMAT | --printf FORMAT] "
	    "[-t] FILE...", "file status" },
	{ "touch", fsu_touch, FSU_RW, "[-a] [-m] [-c] [-h] [-d DATE | -r REF "
	    "| -t STAMP] FILE...", "change times or create files" },
	{ "write", fsu_write, FSU_RW, "[-a] FILE",
	    "write stdin to FILE (truncating; -a appends)" },
	{ NULL, NULL, 0, NULL, NULL }
};

const struct fsu_cmd *
fsu_cmd_find(const char *name)
{
	const struct fsu_cmd *c;

	for (c = fsu_cmds; c->c_name != NULL; c++)
		if (strcmp(c->c_name, name) == 0)
			return c;
	return NULL;
}

/* Does an option flag appear before the first operand? */
static int
fsu_has_flag(int argc, char **argv, char flag)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (argv[i][1] != '-' && strchr(argv[i] + 1, flag) != NULL)
			return 1;
	}
	return 0;
}

int
fsu_cmd_writes(const struct fsu_cmd *c, int argc, char **argv)
{
	if (strcmp(c->c_name, "ecp") == 0)
		return !fsu_has_flag(argc, argv, 'g');
	if (strcmp(c->c_name, "sh") == 0)
		return !fsu_has_flag(argc, argv, 'r');
	return c->c_mode == FSU_RW;
}

void
fsu_cmd_help(const struct fsu_cmd *c, FILE *fp)
{
	fprintf(fp, "usage: fsu_%s [-t TYPE] [-o MNTOPTS] [-p PART] "
	    "[--offset BYTES] [-v] IMAGE %s\n", c->c_name, c->c_usage);
	fprintf(fp, "%s\n", c->c_what);
}

int fsu_in_sh;

int
fsu_cmd_usage(const char *name)
{
	const struct fsu_cmd *c = fsu_cmd_find(name);

	if (fsu_in_sh)
		fprintf(stderr, "usage: %s %s\n", name, c ? c->c_usage : "");
	else
		fprintf(stderr, "usage: %s [-t TYPE] [-o MNTOPTS] [-p PART] "
		    "[--offset BYTES] [-v] IMAGE %s\n", fsu_prog,
		    c ? c->c_usage : "");
	return FSU_EXIT_USAGE;
}
