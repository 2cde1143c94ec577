/*
 * main.c: the multi-call front end.  `fsu CMD ...` and `fsu_CMD ...`
 * (a link named after the command) are the same: the common options up
 * to IMAGE are parsed here, the image is mounted, and the command parses
 * the rest with its own getopt, so no "--" is needed between the two.
 * FSU_DEVICE, FSU_TYPE and FSU_MNTOPTS give defaults; with FSU_DEVICE
 * set the IMAGE operand is left out.  --partitions (any command) prints
 * the image's partition table instead, as fsu_parts does.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

const struct fsu_image *fsu_image_cur;

static void
fsu_onsignal(int sig)
{
	(void)sig;
	fsu_interrupted = 1;
}

/*
 * A writer interrupted by ^C or a kill must still unmount: the signal
 * only sets a flag the copy loops look at (no SA_RESTART, so a blocked
 * read of stdin returns), and the exit status says it was interrupted.
 */
static void
fsu_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fsu_onsignal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
}

static void
fsu_list_cmds(FILE *fp)
{
	const struct fsu_cmd *c;

	fprintf(fp, "usage: fsu COMMAND [-t TYPE] [-o MNTOPTS] [-p PART] "
	    "[--offset BYTES] [-v] IMAGE [OPTIONS] [ARGS...]\n"
	    "       fsu_COMMAND ... (the same, through a link)\n"
	    "IMAGE may be left out when FSU_DEVICE is set; FSU_TYPE and "
	    "FSU_MNTOPTS\ngive defaults for -t and -o.  Commands:\n");
	for (c = fsu_cmds; c->c_name != NULL; c++)
		fprintf(fp, "  %-7s %s\n", c->c_name, c->c_what);
}

int
fsu_cmd_run(const struct fsu_cmd *c, int argc, char **argv)
{
	char *pargv[3];

	fsu_getopt_reset();
	if (c->c_mode == FSU_NOIMAGE) {
		if (argc != 1)
			return fsu_cmd_usage(c->c_name);
		pargv[0] = argv[0];
		pargv[1] = (char *)fsu_image_cur->im_path;
		pargv[2] = NULL;
		return c->c_fn(2, pargv);
	}
	return c->c_fn(argc, argv);
}

static const struct option fsu_common_longopts[] = {
	{ "offset", required_argument, NULL, 'O' },
	{ "help", no_argument, NULL, 'h' },
	{ "partitions", no_argument, NULL, 'P' },
	{ "no-sandbox", no_argument, NULL, 'S' },
	{ NULL, 0, NULL, 0 }
};

/*
 * Parse the common options; *imp is filled, the index of the rest back.
 * fsck also takes its own -n and -f before IMAGE, where fsck(8) has
 * them (both are what it always does), and refuses -y: it repairs
 * nothing.
 */
static int
fsu_common(int argc, char **argv, struct fsu_image *im, int *helpp,
    int check)
{
	uint64_t v;
	int ch;

	fsu_getopt_reset();
	while ((ch = getopt_long(argc, argv, check ? "+t:o:p:vnfy" :
	    "+t:o:p:v", fsu_common_longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
		case 'f':
			break;
		case 'y':
			fsu_warnx("-y: repairs are not supported; "
			    "fsck only checks (-n)");
			return -1;
		case 't':
			im->im_type = optarg;
			break;
		case 'o':
			im->im_opts = optarg;
			break;
		case 'p':
			if (fsu_strtou64(optarg, &v) != 0 || v == 0 ||
			    v > 4096) {
				fsu_warnx("%s: bad partition number", optarg);
				return -1;
			}
			im->im_part = (int)v;
			im->im_partset = 1;
			break;
		case 'O':
			if (fsu_strtou64(optarg, &v) != 0) {
				fsu_warnx("%s: bad offset", optarg);
				return -1;
			}
			im->im_offset = optarg;
			break;
		case 'v':
			im->im_verbose = 1;
			break;
		case 'S':
			fsu_no_sandbox = 1;
			break;
		case 'h':
			*helpp = 1;
			break;
		case 'P':
			im->im_listparts = 1;
			break;
		default:
			return -1;
		}
	}
	return optind;
}

static int
fsu_main_cmd(const struct fsu_cmd *c, int argc, char **argv)
{
	struct fsu_image im;
	const char *dev = getenv("FSU_DEVICE");
	int i, help = 0, status, st2;

	memset(&im, 0, sizeof(im));
	im.im_type = getenv("FSU_TYPE");
	im.im_opts = getenv("FSU_MNTOPTS");
	if (im.im_type != NULL && im.im_type[0] == '\0')
		im.im_type = NULL;
	if ((i = fsu_common(argc, argv, &im, &help,
	    c->c_mode == FSU_CHECK)) < 0)
		return fsu_cmd_usage(c->c_name);
	if (help || fsu_wants_help(argc - i + 1, argv + i - 1)) {
		fsu_cmd_help(c, stdout);
		return FSU_EXIT_OK;
	}
	if (dev != NULL && dev[0] != '\0')
		im.im_path = dev;
	else if (i < argc)
		im.im_path = argv[i++];
	else
		return fsu_cmd_usage(c->c_name);
	/* The command's vector: its name, then everything after IMAGE. */
	argv[i - 1] = (char *)fsu_prog;
	argc -= i - 1;
	argv += i - 1;
	im.im_rdonly = !fsu_cmd_writes(c, argc, argv);
	fsu_image_cur = &im;
	if (im.im_listparts)
		c = fsu_cmd_find("parts");
	if (c->c_mode == FSU_NOIMAGE || c->c_mode == FSU_CHECK) {
		if (ak_init() != 0) {
			fsu_warnx("cannot start the kernel: %s",
			    strerror(errno));
			return FSU_EXIT_FAIL;
		}
		status = fsu_cmd_run(c, argc, argv);
		fflush(stdout);
		(void)ak_fini();
		return status;
	}
	/*
	 * A writer killed by SIGPIPE (fsu_rm -rv ... | head) would leave
	 * the image unsynced: let the write to stdout fail instead.
	 */
	if (!im.im_rdonly) {
		signal(SIGPIPE, SIG_IGN);
		fsu_catch_signals();
	}
	if ((status = fsu_mount(&im)) != 0)
		return status;
	fsu_sandbox(c, im.im_verbose);
	status = fsu_cmd_run(c, argc, argv);
	if (fflush(stdout) != 0 && status == 0) {
		fsu_warnx("standard output: %s", strerror(errno));
		status = FSU_EXIT_FAIL;
	}
	if ((st2 = fsu_unmount(&im)) != 0 && status == 0)
		status = st2;
	if (fsu_interrupted) {
		fsu_warnx("%s: interrupted; the image was %s", im.im_path,
		    st2 == 0 ? "synced and is consistent" : "not synced");
		return 128 + SIGINT;
	}
	return status;
}

int
main(int argc, char **argv)
{
	static char prog[64];
	const struct fsu_cmd *c;
	const char *base;

	fsu_heap_init();
	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if (strncmp(base, "fsu_", 4) == 0) {
		c = fsu_cmd_find(base + 4);
	} else {
		if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0) {
			fsu_list_cmds(argc < 2 ? stderr : stdout);
			return argc < 2 ? FSU_EXIT_USAGE : FSU_EXIT_OK;
		}
		c = fsu_cmd_find(argv[1]);
		argc--;
		argv++;
	}
	if (c == NULL) {
		fprintf(stderr, "fsu: %s: unknown command\n", argv[0]);
		fsu_list_cmds(stderr);
		return FSU_EXIT_USAGE;
	}
	snprintf(prog, sizeof(prog), "fsu_%s", c->c_name);
	fsu_prog = prog;
	argv[0] = prog;
	return fsu_main_cmd(c, argc, argv);
}
