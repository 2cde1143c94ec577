/*
 * hyp_fparam.c: the fault-injection host's start-up.  hyp_init (the
 * POSIX host's, renamed hypposix_init) is wrapped to read the AK_FAULT_*
 * parameters listed in hyp_fault.h, so that a program linked with
 * libak-fault.a can be steered without calling hyp_fault.h: from the
 * environment, or through ak_init_opts("fault_clock=1600000000,...").
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/hyp.h"
#include "hyp/test/hyp_fault.h"

enum {
#define ERRNO(name, num, msg)	K_##name = num,
#include "sys/errno_list.h"
#undef ERRNO
};

int	hypposix_init(hyp_u32, const struct hyp_upcalls *);

/* Parse an unsigned number at *sp up to a separator; advance *sp. */
static bool
num(const char **sp, uint64_t *v)
{
	char *end;

	if (**sp < '0' || **sp > '9')
		return false;
	*v = strtoull(*sp, &end, 0);
	*sp = end;
	return true;
}

/* After the N of AK_FAULT_CRASH: "", ":some" or ":some:SEED". */
static bool
crash_mode(const char *s, uint64_t *mode, uint64_t *seed)
{
	*mode = HYPFAULT_CRASH_ALL;
	*seed = 0;
	if (*s == '\0')
		return true;
	if (strncmp(s, ":some", 5) != 0)
		return false;
	*mode = HYPFAULT_CRASH_SOME;
	s += 5;
	if (*s == '\0')
		return true;
	return *s++ == ':' && num(&s, seed) && *s == '\0';
}

/* One parameter: 0 if unset or applied, EINVAL if malformed. */
static int
param(const char *name)
{
	char buf[128];
	const char *s = buf;
	uint64_t a = 0, b = 0, c;
	bool ok;

	if (hyp_getparam(name, buf, sizeof(buf)) != 0)
		return 0;
	ok = num(&s, &a);
	if (strcmp(name, "AK_FAULT_READ") == 0 && ok && *s == '\0')
		hypfault_fail_read(a);
	else if (strcmp(name, "AK_FAULT_WRITE") == 0 && ok && *s == '\0')
		hypfault_fail_write(a);
	else if (strcmp(name, "AK_FAULT_ALLOC") == 0 && ok && *s == '\0')
		hypfault_fail_alloc(a);
	else if (strcmp(name, "AK_FAULT_SEED") == 0 && ok && *s == '\0')
		hypfault_random_seed(a);
	else if (strcmp(name, "AK_FAULT_BLOCKWRITE") == 0 && ok &&
	    *s++ == ':' && num(&s, &b) && *s == '\0')
		hypfault_fail_block_write(a, b);
	else if (strcmp(name, "AK_FAULT_CLOCK") == 0 && ok &&
	    (*s == '\0' || (*s++ == '+' && num(&s, &b) && *s == '\0')))
		hypfault_clock((int64_t)a, b);
	else if (strcmp(name, "AK_FAULT_CRASH") == 0 && ok &&
	    crash_mode(s, &b, &c))
		hypfault_crash_after(a, (int)b, (uint32_t)c);
	else {
		fprintf(stderr, "hyp_fault: malformed %s=%s\n", name, buf);
		return K_EINVAL;
	}
	return 0;
}

int
hyp_init(hyp_u32 version, const struct hyp_upcalls *up)
{
	static const char *const names[] = { "AK_FAULT_READ",
	    "AK_FAULT_WRITE", "AK_FAULT_ALLOC", "AK_FAULT_BLOCKWRITE",
	    "AK_FAULT_CRASH", "AK_FAULT_CLOCK", "AK_FAULT_SEED" };
	size_t i;
	int error;

	if ((error = hypposix_init(version, up)) != 0)
		return error;
	hypfault_reset();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((error = param(names[i])) != 0)
			return error;
	return 0;
}
