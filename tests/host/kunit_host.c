// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the KUnit suites of tests/kunit/ that only need the pure format
 * code (clfs_format, clfs_lsn) on the host, through kunit_shim/, and
 * prints their results as KTAP in KUnit's own layout. Exit status 0 only
 * if every case passed.
 */
#include <stdlib.h>
#include <kunit/test.h>

#define MAX_SUITES	8

static struct kunit_suite *suites[MAX_SUITES];
static unsigned int nr_suites;

void kunit_shim_register(struct kunit_suite *suite)
{
	if (nr_suites == MAX_SUITES)
		abort();
	suites[nr_suites++] = suite;
}

void *kunit_kzalloc(struct kunit *test, size_t size, int gfp)
{
	void *p;

	(void)gfp;
	if (test->nr_allocs == KUNIT_SHIM_MAX_ALLOCS)
		return NULL;
	/* 8-byte aligned like kmalloc, which the format code relies on. */
	p = aligned_alloc(16, (size + 15) / 16 * 16);
	if (p) {
		memset(p, 0, size);
		test->allocs[test->nr_allocs++] = p;
	}
	return p;
}

void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *what, unsigned long long left,
		     unsigned long long right, bool assert)
{
	printf("# %s:%d: %s failed: %s (%lld vs %lld, %#llx vs %#llx)\n",
	       file, line, assert ? "ASSERTION" : "EXPECTATION", what,
	       (long long)left, (long long)right, left, right);
	test->failed = true;
	if (assert)
		longjmp(test->bail, 1);
}

/* Run one case (one parameter of it); true if it passed. */
static bool run_one(struct kunit_case *c, const void *param)
{
	struct kunit test = { .param_value = param };
	unsigned int i;

	if (!setjmp(test.bail))
		c->run_case(&test);
	for (i = 0; i < test.nr_allocs; i++)
		free(test.allocs[i]);
	return !test.failed;
}

static bool run_case(struct kunit_case *c, unsigned int nr)
{
	char desc[KUNIT_PARAM_DESC_SIZE];
	const void *param;
	unsigned int n = 0;
	bool ok = true, one;

	if (!c->generate_params) {
		ok = run_one(c, NULL);
		printf("    %sok %u %s\n", ok ? "" : "not ", nr, c->name);
		return ok;
	}
	for (param = c->generate_params(NULL, desc); param;
	     param = c->generate_params(param, desc))
		n++;
	printf("        KTAP version 1\n        # Subtest: %s\n        1..%u\n",
	       c->name, n);
	n = 0;
	for (param = c->generate_params(NULL, desc); param;
	     param = c->generate_params(param, desc)) {
		one = run_one(c, param);
		printf("        %sok %u %s\n", one ? "" : "not ", ++n, desc);
		ok &= one;
	}
	printf("    %sok %u %s\n", ok ? "" : "not ", nr, c->name);
	return ok;
}

int main(void)
{
	unsigned int s, n;
	bool all = true;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n1..%u\n", nr_suites);
	for (s = 0; s < nr_suites; s++) {
		struct kunit_suite *suite = suites[s];
		bool ok = true;

		for (n = 0; suite->test_cases[n].run_case; n++)
			;
		printf("    KTAP version 1\n    # Subtest: %s\n    1..%u\n",
		       suite->name, n);
		for (n = 0; suite->test_cases[n].run_case; n++)
			ok &= run_case(&suite->test_cases[n], n + 1);
		printf("%sok %u %s\n", ok ? "" : "not ", s + 1, suite->name);
		all &= ok;
	}
	return all ? 0 : 1;
}
