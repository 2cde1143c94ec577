/*
 * cmd_mknod.c: fsu_mknod [-m MODE] NAME b|c|u|p [MAJOR MINOR] and
 * fsu_mkfifo [-m MODE] NAME..., as in coreutils.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"

/* -m MODE against a+rw (the default before the umask). */
static int
fsu_node_mode(const char *s, mode_t *modep, int *exactp)
{
	mode_t um;

	*modep = 0666;
	*exactp = s != NULL;
	if (s == NULL)
		return 0;
	um = ak_sys_umask(0);
	(void)ak_sys_umask(um);
	if (fsu_mode_parse(s, 0666, um, 0, modep) != 0) {
		fsu_warnx("invalid mode '%s'", s);
		return -1;
	}
	return 0;
}

static int
fsu_mknod1(const char *path, mode_t type, mode_t mode, dev_t dev, int exact)
{
	if (ak_sys_mknod(path, type | mode, dev) != 0)
		return fsu_warn_path(path, errno);
	if (exact && ak_sys_chmod(path, mode) != 0)
		return fsu_warn_path(path, errno);
	return FSU_EXIT_OK;
}

int
fsu_mkfifo(int argc, char **argv)
{
	const char *ms = NULL;
	mode_t mode;
	int ch, i, exact, status = FSU_EXIT_OK;

	while ((ch = getopt(argc, argv, "m:")) != -1) {
		if (ch != 'm')
			return fsu_cmd_usage("mkfifo");
		ms = optarg;
	}
	if (optind >= argc)
		return fsu_cmd_usage("mkfifo");
	if (fsu_node_mode(ms, &mode, &exact) != 0)
		return FSU_EXIT_USAGE;
	for (i = optind; i < argc; i++)
		status |= fsu_mknod1(argv[i], S_IFIFO, mode, 0, exact);
	return status;
}

int
fsu_mknod(int argc, char **argv)
{
	const char *ms = NULL;
	uint64_t maj = 0, min = 0;
	mode_t mode, type;
	int ch, n, exact;

	while ((ch = getopt(argc, argv, "m:")) != -1) {
		if (ch != 'm')
			return fsu_cmd_usage("mknod");
		ms = optarg;
	}
	n = argc - optind;
	if (n < 2 || strlen(argv[optind + 1]) != 1)
		return fsu_cmd_usage("mknod");
	switch (argv[optind + 1][0]) {
	case 'b': type = S_IFBLK; break;
	case 'c': case 'u': type = S_IFCHR; break;
	case 'p': type = S_IFIFO; break;
	default: return fsu_cmd_usage("mknod");
	}
	if ((type == S_IFIFO && n != 2) || (type != S_IFIFO && (n != 4 ||
	    fsu_strtou64(argv[optind + 2], &maj) != 0 || maj > 0xfff ||
	    fsu_strtou64(argv[optind + 3], &min) != 0 || min > 0xfffff)))
		return fsu_cmd_usage("mknod");
	if (fsu_node_mode(ms, &mode, &exact) != 0)
		return FSU_EXIT_USAGE;
	return fsu_mknod1(argv[optind], type, mode, type == S_IFIFO ? 0 :
	    makedev((unsigned)maj, (unsigned)min), exact);
}
