/*
 * kern_init.c: kernel start-up and shut-down.
 *
 * kern_init checks the hypercall version, sets up proc0, then runs every
 * registered component (tools/mktables.sh collects KCOMPONENT lines into
 * kcomponents[]) in ascending level order: kernel core, buffer cache and
 * devices, VFS, file systems, late (root mount).
 */
#include <sys/systm.h>
#include <sys/lwp.h>
#include <hyp/hyp.h>

int	proc0_init(void);
void	lwp_exit_upcall(void *arg);
void	vfs_shutdown(void);


static const struct hyp_upcalls kern_upcalls = {
	.hu_lwp_exit = lwp_exit_upcall,
};

uint64_t
kern_param_u64(const char *name, uint64_t def)
{
	char buf[64];
	uint64_t v, mul = 1;
	size_t len;

	if (hyp_getparam(name, buf, sizeof(buf)) != 0)
		return def;
	len = strlen(buf);
	if (len > 0) {
		switch (buf[len - 1]) {
		case 'k': case 'K': mul = 1ULL << 10; break;
		case 'm': case 'M': mul = 1ULL << 20; break;
		case 'g': case 'G': mul = 1ULL << 30; break;
		default: break;
		}
		if (mul != 1)
			buf[len - 1] = '\0';
	}
	if (kstrtou64(buf, 0, &v) != 0 || v > UINT64_MAX / mul) {
		printf("kernel: ignoring invalid %s=%s\n", name, buf);
		return def;
	}
	return v * mul;
}

/* Run the components of one level, in table order. */
static int
kern_init_level(int level)
{
	int i, error;

	for (i = 0; i < nkcomponents; i++) {
		if (kcomponents[i].kc_level != level)
			continue;
		if ((error = kcomponents[i].kc_init()) != 0) {
			printf("kernel: component %s failed to start: %s\n",
			    kcomponents[i].kc_name, strerror(error));
			return error;
		}
	}
	return 0;
}

int
kern_init(void)
{
	static const int levels[] = { COMP_KERN, COMP_BIO, COMP_VFS, COMP_FS,
	    COMP_LATE };
	size_t i;
	int error;

	if ((error = hyp_init(HYP_VERSION, &kern_upcalls)) != 0)
		return error;
	kern_verbose = (int)kern_param_u64("AK_VERBOSE", 0);
	/* AK_CRC_SOFT=1 keeps the table code (to compare, or to debug). */
	crc32c_set_accel(kern_param_u64("AK_CRC_SOFT", 0) != 0 ? NULL :
	    hyp_crc32c_fn());
	if ((error = proc0_init()) != 0)
		return error;
	(void)curlwp();
	for (i = 0; i < __arraycount(levels); i++)
		if ((error = kern_init_level(levels[i])) != 0)
			return error;
	return 0;
}

void
kern_fini(void)
{
	vfs_shutdown();
}
