/*
 * sh.h: fsu_sh's parts: the command loop (sh.c) and line editing with
 * completion (sh_edit.c).
 */
#ifndef _FSU_SH_H_
#define _FSU_SH_H_

struct sh_edit;

/* Interactive input; NULL if the terminal cannot be used. */
struct sh_edit *sh_edit_open(const char *prog);
/* The next line (without its newline), NULL at the end. */
const char *sh_edit_line(struct sh_edit *e, const char *prompt);
void	sh_edit_close(struct sh_edit *e);

#endif /* !_FSU_SH_H_ */
