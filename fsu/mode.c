/*
 * mode.c: chmod modes, octal ("755") or symbolic ("u+x,go-w", "a=rX",
 * "g=u"), applied as chmod(1) does: without "who", the umask masks the
 * bits given to + and =.
 */
#include <sys/stat.h>
#include <string.h>

#include "fsu/fsu.h"

#define FSU_ALLBITS	07777

static int
fsu_mode_octal(const char *s, mode_t *newp)
{
	mode_t m = 0;

	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '7')
			return -1;
		m = (m << 3) | (mode_t)(*s - '0');
		if (m > FSU_ALLBITS)
			return -1;
	}
	*newp = m;
	return 0;
}

/* The permission bits one clause gives ("rwx", "X", "s", "t", or u/g/o). */
static const char *
fsu_mode_perms(const char *s, mode_t old, int isdir, mode_t who,
    mode_t *bitsp)
{
	mode_t b = 0, src;

	if (*s == 'u' || *s == 'g' || *s == 'o') {
		src = *s == 'u' ? (old & S_IRWXU) >> 6 :
		    *s == 'g' ? (old & S_IRWXG) >> 3 : (old & S_IRWXO);
		*bitsp = (src << 6 | src << 3 | src) & who;
		return s + 1;
	}
	for (; *s != '\0' && strchr("rwxXst", *s) != NULL; s++) {
		switch (*s) {
		case 'r': b |= S_IRUSR | S_IRGRP | S_IROTH; break;
		case 'w': b |= S_IWUSR | S_IWGRP | S_IWOTH; break;
		case 'x': b |= S_IXUSR | S_IXGRP | S_IXOTH; break;
		case 'X':
			if (isdir || (old & (S_IXUSR | S_IXGRP | S_IXOTH)))
				b |= S_IXUSR | S_IXGRP | S_IXOTH;
			break;
		case 's': b |= S_ISUID | S_ISGID; break;
		case 't': b |= S_ISVTX; break;
		}
	}
	*bitsp = b & (who | S_ISVTX);
	return s;
}

static mode_t
fsu_mode_who(char c)
{
	switch (c) {
	case 'u': return S_ISUID | S_IRWXU;
	case 'g': return S_ISGID | S_IRWXG;
	case 'o': return S_IRWXO;
	default: return FSU_ALLBITS;
	}
}

int
fsu_mode_parse(const char *s, mode_t old, mode_t umask, int isdir,
    mode_t *newp)
{
	mode_t m = old & FSU_ALLBITS, who, mask, bits;
	char op;

	if (*s >= '0' && *s <= '7')
		return fsu_mode_octal(s, newp);
	for (;;) {
		for (who = 0; *s != '\0' && strchr("ugoa", *s) != NULL; s++)
			who |= fsu_mode_who(*s);
		mask = who ? FSU_ALLBITS : (FSU_ALLBITS & ~umask);
		if (who == 0)
			who = FSU_ALLBITS;
		if (*s != '+' && *s != '-' && *s != '=')
			return -1;
		while (*s == '+' || *s == '-' || *s == '=') {
			op = *s++;
			s = fsu_mode_perms(s, m, isdir, who, &bits);
			if (!(who & S_ISVTX) && who != FSU_ALLBITS)
				bits &= ~S_ISVTX;
			if (op == '+')
				m |= bits & mask;
			else if (op == '-')
				m &= ~(bits & mask);
			else
				m = (m & ~(who & ~S_ISVTX & mask &
				    ~(isdir ? (S_ISUID | S_ISGID) : 0))) |
				    (bits & mask);
		}
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return -1;
	}
	*newp = m;
	return 0;
}

int
fsu_mode_valid(const char *s)
{
	mode_t m;

	return fsu_mode_parse(s, 0, 0, 0, &m) == 0;
}
