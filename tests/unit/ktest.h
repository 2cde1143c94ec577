/*
 * ktest.h: in-kernel unit tests.  Test files in tests/unit/ are kernel
 * code (freestanding, kernel headers only) linked with the kernel into
 * build/ktest.o; tests/unit/host/ktest_run.c boots the kernel and runs
 * them.  A test is declared at the start of a line:
 *
 *	KTEST(crc32c_vectors)
 *	{
 *		KT_EQ(t, crc32c(~0U, "123456789", 9) ^ ~0U, 0xe3069283);
 *	}
 *
 * The KT_* checks record a failure (file, line, expression) and go on;
 * KT_REQUIRE* return from the test on failure.
 */
#ifndef _TESTS_UNIT_KTEST_H_
#define _TESTS_UNIT_KTEST_H_

#include <sys/systm.h>

struct ktest {
	const char	*kt_name;	/* test being run */
	int		 kt_failed;	/* failed checks */
	int		 kt_checks;	/* checks made */
};

struct ktest_entry {
	const char	*ke_name;
	void		(*ke_fn)(struct ktest *);
};
extern const struct ktest_entry ktest_table[];

void	ktest_fail(struct ktest *t, const char *file, int line,
	    const char *fmt, ...) __printflike(4, 5);
/* Run the tests whose name starts with filter (NULL: all); failures. */
int	ktest_run_all(const char *filter);

#define KTEST(name)	void kt_##name(struct ktest *t)

#define KT_CHECK_(t, e, ...) do {					\
	(t)->kt_checks++;						\
	if (!(e))							\
		ktest_fail((t), __FILE__, __LINE__, __VA_ARGS__);	\
} while (0)
#define KT_ASSERT(t, e)		KT_CHECK_(t, e, "%s", #e)
#define KT_EQ(t, a, b) do {						\
	uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);		\
	KT_CHECK_(t, _a == _b, "%s == %s: 0x%llx != 0x%llx", #a, #b,	\
	    (unsigned long long)_a, (unsigned long long)_b);		\
} while (0)
#define KT_STREQ(t, a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	KT_CHECK_(t, _a != NULL && _b != NULL && strcmp(_a, _b) == 0,	\
	    "%s == %s: \"%s\" != \"%s\"", #a, #b, _a ? _a : "(null)",	\
	    _b ? _b : "(null)");					\
} while (0)
#define KT_REQUIRE(t, e) do {						\
	int _before = (t)->kt_failed;					\
	KT_ASSERT(t, e);						\
	if ((t)->kt_failed != _before)					\
		return;							\
} while (0)
#define KT_REQUIRE_EQ(t, a, b) do {					\
	int _before = (t)->kt_failed;					\
	KT_EQ(t, a, b);							\
	if ((t)->kt_failed != _before)					\
		return;							\
} while (0)

#endif /* !_TESTS_UNIT_KTEST_H_ */
