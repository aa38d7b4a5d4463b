/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the part of <kunit/test.h> the clfs format and
 * LSN suites use, so that tests/kunit/format_test.c and lsn_test.c also run
 * on the host, under ASan and UBSan, in every `make check`, unchanged.
 * kunit_host.c runs the registered suites and prints KTAP like KUnit.
 *
 * Only what those suites need: EXPECT/ASSERT comparisons of integers,
 * kunit_kzalloc (freed after each case), parameterised cases and suite
 * registration. A failed ASSERT ends the case, as in the kernel.
 */
#ifndef _CLFS_KUNIT_SHIM_TEST_H
#define _CLFS_KUNIT_SHIM_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include "format/clfs_format_platform.h"

#define KUNIT_PARAM_DESC_SIZE	128
#define KUNIT_SHIM_MAX_ALLOCS	64

struct kunit {
	const void *param_value;
	bool failed;
	jmp_buf bail;
	void *allocs[KUNIT_SHIM_MAX_ALLOCS];
	unsigned int nr_allocs;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

void kunit_shim_register(struct kunit_suite *suite);
void *kunit_kzalloc(struct kunit *test, size_t size, int gfp);
void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *what, unsigned long long left,
		     unsigned long long right, bool assert);

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static inline void strscpy(char *dst, const char *src, size_t size)
{
	snprintf(dst, size, "%s", src);
}

#define KUNIT_CASE(f)	{ .run_case = f, .name = #f }
#define KUNIT_CASE_PARAM(f, gen) \
	{ .run_case = f, .name = #f, .generate_params = gen }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		typeof(&(array)[0]) next = prev ?			\
			((typeof(next))prev) + 1 : (array);		\
		if ((size_t)(next - (array)) < ARRAY_SIZE(array)) {	\
			get_desc(next, desc);				\
			return next;					\
		}							\
		return NULL;						\
	}

#define KUNIT_SHIM_CAT2(a, b)	a##b
#define KUNIT_SHIM_CAT(a, b)	KUNIT_SHIM_CAT2(a, b)
#define kunit_test_suites(...)						\
	static void __attribute__((constructor))			\
	KUNIT_SHIM_CAT(kunit_shim_reg_, __LINE__)(void)			\
	{								\
		struct kunit_suite *s[] = { __VA_ARGS__ };		\
		size_t i;						\
		for (i = 0; i < ARRAY_SIZE(s); i++)			\
			kunit_shim_register(s[i]);			\
	}

#define KUNIT_SHIM_CMP(test, a, op, b, assert) do {			\
	typeof(a) l_ = (a);						\
	typeof(b) r_ = (b);						\
	if (!(l_ op r_))						\
		kunit_shim_fail(test, __FILE__, __LINE__,		\
				#a " " #op " " #b,			\
				(unsigned long long)l_,			\
				(unsigned long long)r_, assert);	\
} while (0)

#define KUNIT_EXPECT_EQ(t, a, b)	KUNIT_SHIM_CMP(t, a, ==, b, false)
/* The message is the kernel's; here the file and line say which check. */
#define KUNIT_EXPECT_EQ_MSG(t, a, b, fmt, ...) \
	KUNIT_SHIM_CMP(t, a, ==, b, false)
#define KUNIT_EXPECT_NE(t, a, b)	KUNIT_SHIM_CMP(t, a, !=, b, false)
#define KUNIT_EXPECT_GT(t, a, b)	KUNIT_SHIM_CMP(t, a, >, b, false)
#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_SHIM_CMP(t, !!(c), ==, 1, false)
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_SHIM_CMP(t, !!(c), ==, 0, false)
#define KUNIT_ASSERT_EQ(t, a, b)	KUNIT_SHIM_CMP(t, a, ==, b, true)
#define KUNIT_ASSERT_GT(t, a, b)	KUNIT_SHIM_CMP(t, a, >, b, true)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) \
	KUNIT_SHIM_CMP(t, (p) != NULL, ==, 1, true)

#endif
