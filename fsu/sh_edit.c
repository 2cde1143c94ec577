/*
 * sh_edit.c: fsu_sh's terminal input through libedit: emacs-style
 * editing, history, and TAB completion of command names (first word)
 * and image paths (the others), read from the mounted image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <histedit.h>

#include <ak/ak.h>

#include "fsu/fsu.h"
#include "fsu/sh.h"

struct sh_edit {
	EditLine	*se_el;
	History		*se_hist;
	char		se_prompt[4200];
	char		*se_line;
};

static char *
sh_prompt(EditLine *el)
{
	struct sh_edit *e = NULL;

	el_get(el, EL_CLIENTDATA, &e);
	return e ? e->se_prompt : "fsu> ";
}

/* Candidates for word among names; the common extension goes in ext. */
static size_t
sh_common(char **names, const char *word, char *ext, size_t extlen,
    const char **onep)
{
	size_t i, n = 0, wl = strlen(word), cl = 0;

	ext[0] = '\0';
	for (i = 0; names[i] != NULL; i++) {
		if (strncmp(names[i], word, wl) != 0)
			continue;
		if (n++ == 0) {
			snprintf(ext, extlen, "%s", names[i] + wl);
			cl = strlen(ext);
			*onep = names[i];
		} else {
			while (cl > 0 && strncmp(ext, names[i] + wl, cl) != 0)
				cl--;
			ext[cl] = '\0';
		}
	}
	return n;
}

static void
sh_listmatches(char **names, const char *word)
{
	size_t i, wl = strlen(word);

	putchar('\n');
	for (i = 0; names[i] != NULL; i++)
		if (strncmp(names[i], word, wl) == 0)
			printf("%s  ", names[i]);
	putchar('\n');
}

/* The command names, as a NULL-ended vector borrowing the table. */
static char **
sh_cmdnames(void)
{
	static char *v[64];
	size_t i, n = 0;

	if (v[0] == NULL) {
		for (i = 0; fsu_cmds[i].c_name != NULL && n < 58; i++)
			if (strcmp(fsu_cmds[i].c_name, "sh") != 0)
				v[n++] = (char *)fsu_cmds[i].c_name;
		v[n++] = "cd";
		v[n++] = "pwd";
		v[n++] = "exit";
		v[n++] = "help";
		v[n] = NULL;
	}
	return v;
}

static unsigned char
sh_complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	const char *start = li->cursor, *one = NULL, *slash;
	char word[4096], dir[4096], ext[4096], **names, suffix[2] = "";
	struct stat st;
	char *full;
	int err, first;
	size_t n;

	while (start > li->buffer && start[-1] != ' ' && start[-1] != ';')
		start--;
	snprintf(word, sizeof(word), "%.*s", (int)(li->cursor - start), start);
	for (first = 1; start > li->buffer; start--)
		if (start[-1] != ' ' && start[-1] != ';')
			first = 0;
	if (first) {
		names = sh_cmdnames();
		dir[0] = '\0';
	} else {
		slash = strrchr(word, '/');
		snprintf(dir, sizeof(dir), "%.*s",
		    slash ? (int)(slash - word + 1) : 0, word);
		if (slash)
			memmove(word, slash + 1, strlen(slash + 1) + 1);
		if ((names = fsu_readdir(dir[0] ? dir : ".", &err)) == NULL)
			return CC_ERROR;
	}
	n = sh_common(names, word, ext, sizeof(ext), &one);
	if (n == 1) {
		suffix[0] = ' ';
		if (!first && (full = malloc(strlen(dir) + strlen(one) + 1))) {
			sprintf(full, "%s%s", dir, one);
			if (ak_sys_stat(full, &st) == 0 && S_ISDIR(st.st_mode))
				suffix[0] = '/';
			free(full);
		}
		strncat(ext, suffix, sizeof(ext) - strlen(ext) - 1);
	}
	if (ext[0] != '\0')
		el_insertstr(el, ext);
	else if (n > 1)
		sh_listmatches(names, word);
	if (!first)
		fsu_freenames(names);
	return n == 0 ? CC_ERROR : n > 1 && ext[0] == '\0' ? CC_REDISPLAY :
	    CC_REFRESH;
}

struct sh_edit *
sh_edit_open(const char *prog)
{
	struct sh_edit *e;
	HistEvent ev;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((e->se_el = el_init(prog, stdin, stdout, stderr)) == NULL ||
	    (e->se_hist = history_init()) == NULL) {
		sh_edit_close(e);
		return NULL;
	}
	history(e->se_hist, &ev, H_SETSIZE, 1000);
	history(e->se_hist, &ev, H_SETUNIQUE, 1);
	el_set(e->se_el, EL_CLIENTDATA, e);
	el_set(e->se_el, EL_PROMPT, sh_prompt);
	el_set(e->se_el, EL_EDITOR, "emacs");
	el_set(e->se_el, EL_HIST, history, e->se_hist);
	el_set(e->se_el, EL_ADDFN, "fsu-complete", "complete an image path",
	    sh_complete);
	el_set(e->se_el, EL_BIND, "^I", "fsu-complete", NULL);
	el_source(e->se_el, NULL);
	return e;
}

const char *
sh_edit_line(struct sh_edit *e, const char *prompt)
{
	HistEvent ev;
	const char *line;
	int n;

	snprintf(e->se_prompt, sizeof(e->se_prompt), "%s", prompt);
	if ((line = el_gets(e->se_el, &n)) == NULL || n <= 0)
		return NULL;
	if (strspn(line, " \t\n") != strlen(line))
		history(e->se_hist, &ev, H_ENTER, line);
	return line;
}

void
sh_edit_close(struct sh_edit *e)
{
	if (e == NULL)
		return;
	if (e->se_el != NULL)
		el_end(e->se_el);
	if (e->se_hist != NULL)
		history_end(e->se_hist);
	free(e);
}
