/*
 * sh.c: fsu_sh [-r] [-e] [-c 'CMD; CMD'] [SCRIPT]: one kernel, one
 * mounted image, many commands: cd, pwd, exit, help and every fsu
 * command without the image argument.  Lines are split into words with
 * sh-like quoting ('...', "...", \) and ';' separates commands; '#'
 * starts a comment; "< FILE", "> FILE" and ">> FILE" redirect a
 * command's input or output to host files.  Input is -c, a SCRIPT file, or standard input
 * (line-edited, with history and completion, on a terminal).  The exit
 * status is that of the last command that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ak/ak.h>

#include "fsu/fsu.h"
#include "fsu/sh.h"

#define SH_MAXWORDS	1024

struct sh_state {
	int	last_fail;	/* status of the last failed command */
	int	errexit;	/* -e */
	int	done;		/* exit was run */
	int	exitcode;
};

static int
sh_builtin_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/";

	if (argc > 2)
		return fsu_cmd_usage("cd");
	if (ak_sys_chdir(dir) != 0)
		return fsu_warn_path(dir, errno);
	return FSU_EXIT_OK;
}

static int
sh_builtin_pwd(void)
{
	char buf[4096];

	if (ak_sys_getcwd(buf, sizeof(buf)) == NULL)
		return fsu_warn_path(".", errno);
	printf("%s\n", buf);
	return FSU_EXIT_OK;
}

static void
sh_help(void)
{
	const struct fsu_cmd *c;

	printf("builtins: cd [DIR], pwd, exit [N], help\ncommands:\n");
	for (c = fsu_cmds; c->c_name != NULL; c++)
		if (strcmp(c->c_name, "sh") != 0)
			printf("  %-7s %s %s\n", c->c_name, c->c_name,
			    c->c_usage);
}

/* Run one command (argv[0] is its name). */
static int
sh_exec(struct sh_state *s, int argc, char **argv)
{
	const struct fsu_cmd *c;
	int r;

	fsu_prog = argv[0];
	if (strcmp(argv[0], "cd") == 0)
		return sh_builtin_cd(argc, argv);
	if (strcmp(argv[0], "pwd") == 0)
		return sh_builtin_pwd();
	if (strcmp(argv[0], "help") == 0) {
		sh_help();
		return FSU_EXIT_OK;
	}
	if (strcmp(argv[0], "exit") == 0) {
		s->done = 1;
		s->exitcode = argc > 1 ? atoi(argv[1]) : s->last_fail;
		return s->exitcode;
	}
	if ((c = fsu_cmd_find(argv[0])) == NULL ||
	    strcmp(c->c_name, "sh") == 0) {
		fsu_prog = "fsu_sh";
		fsu_warnx("%s: unknown command (try help)", argv[0]);
		return FSU_EXIT_USAGE;
	}
	if (fsu_wants_help(argc, argv)) {
		fsu_cmd_help(c, stdout);
		return FSU_EXIT_OK;
	}
	if (fsu_cmd_writes(c, argc, argv) && fsu_image_cur->im_rdonly) {
		fsu_warnx("the image is mounted read-only (fsu_sh -r)");
		return FSU_EXIT_FAIL;
	}
	r = fsu_cmd_run(c, argc, argv);
	fflush(stdout);
	fsu_names_reset();
	return r;
}

/*
 * Split the next command off *lp into words (in place); returns the
 * word count, 0 for an empty command, -1 for an unterminated quote.
 * *lp moves past the ';' or to the end of the line.
 */
static int
sh_split(char **lp, char **words, int max)
{
	char *p = *lp, *o, q;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#') {
			*lp = p + strlen(p);
			return n;
		}
		if (*p == ';') {
			*lp = p + 1;
			return n;
		}
		if (n == max - 1)
			return -1;
		words[n++] = o = p;
		while (*p != '\0' && !strchr(" \t\n\r;", *p)) {
			if (*p == '\'' || *p == '"') {
				for (q = *p++; *p != q; p++) {
					if (*p == '\0')
						return -1;
					if (q == '"' && *p == '\\' &&
					    strchr("\"\\$`", p[1]))
						p++;
					*o++ = *p;
				}
				p++;
			} else if (*p == '\\' && p[1] != '\0') {
				*o++ = p[1];
				p += 2;
			} else
				*o++ = *p++;
		}
		words[n] = NULL;
		if (*p == ';') {
			*o = '\0';
			*lp = p + 1;
			return n;
		}
		if (*p != '\0')
			p++;
		*o = '\0';
	}
}

/*
 * Host redirections "< FILE", "> FILE" and ">> FILE" (as separate words)
 * for one command: taken out of argv; the saved descriptors go in save.
 */
static int
sh_redirect(int *argcp, char **argv, int save[2])
{
	int i, j, fd, target, flags;

	save[0] = save[1] = -1;
	for (i = 0; i < *argcp;) {
		if (strcmp(argv[i], "<") == 0)
			flags = O_RDONLY, target = 0;
		else if (strcmp(argv[i], ">") == 0)
			flags = O_WRONLY | O_CREAT | O_TRUNC, target = 1;
		else if (strcmp(argv[i], ">>") == 0)
			flags = O_WRONLY | O_CREAT | O_APPEND, target = 1;
		else {
			i++;
			continue;
		}
		if (i + 1 >= *argcp) {
			fsu_warnx("syntax error: redirection without a file");
			return -1;
		}
		if ((fd = open(argv[i + 1], flags | O_CLOEXEC, 0666)) < 0) {
			fsu_warn_path(argv[i + 1], errno);
			return -1;
		}
		if (target == 1)
			fflush(stdout);
		if (save[target] < 0)
			save[target] = dup(target);
		dup2(fd, target);
		close(fd);
		for (j = i; j + 2 <= *argcp; j++)
			argv[j] = argv[j + 2];
		*argcp -= 2;
	}
	return 0;
}

static void
sh_restore(int save[2])
{
	int t;

	fflush(stdout);
	for (t = 0; t < 2; t++)
		if (save[t] >= 0) {
			dup2(save[t], t);
			close(save[t]);
		}
	clearerr(stdin);
}

/* Run every command of a line. */
static void
sh_line(struct sh_state *s, const char *line)
{
	char *copy, *p, *words[SH_MAXWORDS];
	int n, r, save[2];

	if ((copy = strdup(line)) == NULL)
		return;
	for (p = copy; *p != '\0' && !s->done;) {
		if ((n = sh_split(&p, words, SH_MAXWORDS)) < 0) {
			fsu_prog = "fsu_sh";
			fsu_warnx("syntax error: unterminated quote");
			s->last_fail = FSU_EXIT_USAGE;
			break;
		}
		if (n == 0)
			continue;
		words[n] = NULL;
		fsu_prog = "fsu_sh";	/* the last command's name is gone */
		if (sh_redirect(&n, words, save) != 0)
			r = FSU_EXIT_FAIL;
		else
			r = n > 0 ? sh_exec(s, n, words) : 0;
		sh_restore(save);
		if (r != 0) {
			s->last_fail = r;
			if (s->errexit && !s->done) {
				s->done = 1;
				s->exitcode = r;
			}
		}
	}
	free(copy);
}

static void
sh_stream(struct sh_state *s, FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;

	while (!s->done && getline(&line, &cap, fp) > 0)
		sh_line(s, line);
	free(line);
}

static void
sh_interactive(struct sh_state *s)
{
	struct sh_edit *e;
	const char *line;
	char prompt[4200], cwd[4096];

	if ((e = sh_edit_open("fsu_sh")) == NULL) {
		sh_stream(s, stdin);
		return;
	}
	while (!s->done) {
		if (ak_sys_getcwd(cwd, sizeof(cwd)) == NULL)
			snprintf(cwd, sizeof(cwd), "?");
		snprintf(prompt, sizeof(prompt), "fsu:%s> ", cwd);
		if ((line = sh_edit_line(e, prompt)) == NULL)
			break;
		sh_line(s, line);
	}
	sh_edit_close(e);
}

int
fsu_sh(int argc, char **argv)
{
	struct sh_state s;
	const char *cmd = NULL;
	FILE *fp;
	int ch;

	memset(&s, 0, sizeof(s));
	while ((ch = getopt(argc, argv, "+rec:")) != -1) {
		switch (ch) {
		case 'r': break;	/* the front end mounted read-only */
		case 'e': s.errexit = 1; break;
		case 'c': cmd = optarg; break;
		default: return fsu_cmd_usage("sh");
		}
	}
	if (argc - optind > (cmd ? 0 : 1))
		return fsu_cmd_usage("sh");
	fsu_in_sh = 1;
	if (cmd != NULL)
		sh_line(&s, cmd);
	else if (optind < argc) {
		if ((fp = fopen(argv[optind], "r")) == NULL)
			return fsu_warn_path(argv[optind], errno);
		sh_stream(&s, fp);
		fclose(fp);
	} else if (isatty(STDIN_FILENO))
		sh_interactive(&s);
	else
		sh_stream(&s, stdin);
	fsu_in_sh = 0;
	fsu_prog = "fsu_sh";
	return s.done ? s.exitcode : s.last_fail;
}
