// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a KUnit suite with one passing and one failing case.
 * scripts/selftest.sh runs it and checks that the result collection reports
 * exactly one failure. It must never run as part of the real test suites.
 */
#include <kunit/test.h>

static void clfs_selftest_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1 + 1, 2);
}

static void clfs_selftest_fails_on_purpose(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, 1 + 1, 3, "deliberate failure for the harness self-test");
}

static struct kunit_case clfs_selftest_cases[] = {
	KUNIT_CASE(clfs_selftest_passes),
	KUNIT_CASE(clfs_selftest_fails_on_purpose),
	{}
};

static struct kunit_suite clfs_selftest_suite = {
	.name = "clfs_selftest_fail",
	.test_cases = clfs_selftest_cases,
};

kunit_test_suites(&clfs_selftest_suite);

MODULE_DESCRIPTION("clfs harness self-test: a deliberately failing KUnit case");
MODULE_LICENSE("GPL");
