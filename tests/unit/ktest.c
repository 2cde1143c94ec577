/*
 * ktest.c: the in-kernel unit test runner (see ktest.h).
 */
#include <sys/systm.h>
#include "tests/unit/ktest.h"

void
ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t->kt_failed++;
	printf("  FAIL %s: %s:%d: ", t->kt_name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int
ktest_run_all(const char *filter)
{
	const struct ktest_entry *ke;
	struct ktest t;
	int passed = 0, failed = 0;

	for (ke = ktest_table; ke->ke_name != NULL; ke++) {
		if (filter != NULL &&
		    strncmp(ke->ke_name, filter, strlen(filter)) != 0)
			continue;
		t.kt_name = ke->ke_name;
		t.kt_failed = 0;
		t.kt_checks = 0;
		ke->ke_fn(&t);
		if (t.kt_failed == 0 && t.kt_checks == 0) {
			printf("  FAIL %s: made no checks\n", ke->ke_name);
			t.kt_failed = 1;
		}
		printf("%s %s (%d checks)\n", t.kt_failed ? "not ok" : "ok",
		    ke->ke_name, t.kt_checks);
		if (t.kt_failed)
			failed++;
		else
			passed++;
	}
	printf("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}
