// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_lsn": the LSN helpers of <uapi/linux/clfs.h> against
 * hand-computed values, edges included: container 0 and 0xffffffff, the
 * largest block offset (2^23 - 1) * 512 and record index 511.
 */
#include <kunit/test.h>
#include <linux/clfs.h>

struct lsn_parts {
	const char *name;
	u32 container;
	u32 offset;
	u32 index;
	u64 lsn;
};

/* Each LSN written out by hand from the layout, not computed. */
static const struct lsn_parts lsn_parts_cases[] = {
	{ "first_record_after_null", 0, 0, 1, 0x0000000000000001ULL },
	{ "container_0_offset_512", 0, 512, 0, 0x0000000000000200ULL },
	{ "container_1_start", 1, 0, 0, 0x0000000100000000ULL },
	{ "index_511", 1, 0, 511, 0x00000001000001ffULL },
	{ "offset_max", 2, 0xfffffe00, 0, 0x00000002fffffe00ULL },
	{ "offset_max_index_511", 3, 0xfffffe00, 511, 0x00000003ffffffffULL },
	{ "mixed", 0x12345678, 0x00abcc00, 0x42, 0x1234567800abcc42ULL },
	{ "container_max", 0xfffffffe, 0xfffffe00, 511,
	  0xfffffffeffffffffULL },
};

static void lsn_parts_desc(const struct lsn_parts *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lsn_parts, lsn_parts_cases, lsn_parts_desc);

static void clfs_lsn_make_matches_layout(struct kunit *test)
{
	const struct lsn_parts *c = test->param_value;
	u64 lsn = 0;

	KUNIT_EXPECT_EQ(test, clfs_lsn_make(c->container, c->offset, c->index),
			c->lsn);
	KUNIT_EXPECT_EQ(test, clfs_lsn_make_checked(c->container, c->offset,
						    c->index, &lsn), 0);
	KUNIT_EXPECT_EQ(test, lsn, c->lsn);
}

static void clfs_lsn_split_matches_layout(struct kunit *test)
{
	const struct lsn_parts *c = test->param_value;

	KUNIT_EXPECT_EQ(test, clfs_lsn_container(c->lsn), c->container);
	KUNIT_EXPECT_EQ(test, clfs_lsn_block_offset(c->lsn), c->offset);
	KUNIT_EXPECT_EQ(test, clfs_lsn_record_index(c->lsn), c->index);
	KUNIT_EXPECT_EQ(test, clfs_lsn_block(c->lsn), c->lsn - c->index);
	KUNIT_EXPECT_TRUE(test, clfs_lsn_is_valid(c->lsn));
}

struct lsn_bad_parts {
	const char *name;
	u32 container;
	u32 offset;
	u32 index;
};

static const struct lsn_bad_parts lsn_bad_cases[] = {
	{ "null", 0, 0, 0 },
	{ "container_ffffffff", 0xffffffff, 0, 0 },
	{ "container_ffffffff_record", 0xffffffff, 512, 1 },
	{ "offset_not_multiple_of_512", 1, 0x100, 0 },
	{ "offset_one_byte", 1, 1, 0 },
	{ "offset_max_plus_low_bits", 1, 0xffffffff, 0 },
	{ "index_512", 1, 0, 512 },
	{ "index_huge", 1, 0, 0xffffffff },
};

static void lsn_bad_desc(const struct lsn_bad_parts *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lsn_bad, lsn_bad_cases, lsn_bad_desc);

static void clfs_lsn_make_checked_refuses(struct kunit *test)
{
	const struct lsn_bad_parts *c = test->param_value;
	u64 lsn = 0x5a5a5a5a5a5a5a5aULL;

	KUNIT_EXPECT_EQ(test, clfs_lsn_make_checked(c->container, c->offset,
						    c->index, &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, lsn, 0x5a5a5a5a5a5a5a5aULL);
}

static void clfs_lsn_make_drops_stray_bits(struct kunit *test)
{
	/* The unchecked form masks, so it can never corrupt the container. */
	KUNIT_EXPECT_EQ(test, clfs_lsn_make(1, 0x3ff, 0), 0x0000000100000200ULL);
	KUNIT_EXPECT_EQ(test, clfs_lsn_make(1, 0, 0x201), 0x0000000100000001ULL);
	KUNIT_EXPECT_EQ(test, clfs_lsn_make(0xffffffff, 0, 0), CLFS_LSN_INVALID);
}

static void clfs_lsn_constants(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, CLFS_LSN_NULL, 0ULL);
	KUNIT_EXPECT_EQ(test, CLFS_LSN_INVALID, 0xffffffff00000000ULL);
	KUNIT_EXPECT_EQ(test, CLFS_LSN_OFFSET_MAX, (u32)((1U << 23) - 1) * 512);
	KUNIT_EXPECT_EQ(test, CLFS_LSN_RECORDS_PER_BLOCK, 512U);
	KUNIT_EXPECT_EQ(test, CLFS_LSN_OFFSET_UNIT, 512U);
}

struct lsn_validity {
	const char *name;
	u64 lsn;
	bool valid;
};

static const struct lsn_validity lsn_validity_cases[] = {
	{ "null", CLFS_LSN_NULL, false },
	{ "invalid", CLFS_LSN_INVALID, false },
	{ "above_invalid", 0xffffffff00000201ULL, false },
	{ "all_ones", ~0ULL, false },
	{ "one", 1, true },
	{ "container_0_block_1", 0x200, true },
	{ "largest_valid", 0xfffffffeffffffffULL, true },
};

static void lsn_validity_desc(const struct lsn_validity *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lsn_validity, lsn_validity_cases, lsn_validity_desc);

static void clfs_lsn_is_valid_table(struct kunit *test)
{
	const struct lsn_validity *c = test->param_value;

	KUNIT_EXPECT_EQ(test, !!clfs_lsn_is_valid(c->lsn), c->valid);
}

static void clfs_lsn_cmp_orders_null_valid_invalid(struct kunit *test)
{
	const u64 a = 0x0000000100000200ULL, b = 0x0000000100000201ULL;

	KUNIT_EXPECT_EQ(test, clfs_lsn_cmp(a, b), -1);
	KUNIT_EXPECT_EQ(test, clfs_lsn_cmp(b, a), 1);
	KUNIT_EXPECT_EQ(test, clfs_lsn_cmp(a, a), 0);
	KUNIT_EXPECT_EQ(test, clfs_lsn_cmp(CLFS_LSN_NULL, a), -1);
	KUNIT_EXPECT_EQ(test, clfs_lsn_cmp(0xfffffffeffffffffULL,
					   CLFS_LSN_INVALID), -1);
	KUNIT_EXPECT_EQ(test, clfs_lsn_cmp(CLFS_LSN_INVALID, CLFS_LSN_INVALID),
			0);
	/* Container dominates offset, offset dominates index. */
	KUNIT_EXPECT_EQ(test, clfs_lsn_cmp(0x00000001fffffe00ULL,
					   0x0000000200000000ULL), -1);
	KUNIT_EXPECT_EQ(test, clfs_lsn_cmp(0x00000001000001ffULL,
					   0x0000000100000200ULL), -1);
}

static void clfs_lsn_increment_within_block(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, clfs_lsn_increment(0x0000000100000200ULL),
			0x0000000100000201ULL);
	KUNIT_EXPECT_EQ(test, clfs_lsn_increment(0x00000001000003feULL),
			0x00000001000003ffULL);
	KUNIT_EXPECT_EQ(test, clfs_lsn_increment(0xfffffffefffffffeULL),
			0xfffffffeffffffffULL);
}

static void clfs_lsn_increment_past_511_is_invalid(struct kunit *test)
{
	/* Record 511 is the last of its block; the next block is unknown. */
	KUNIT_EXPECT_EQ(test, clfs_lsn_increment(0x00000001000001ffULL),
			CLFS_LSN_INVALID);
	KUNIT_EXPECT_EQ(test, clfs_lsn_increment(0xfffffffeffffffffULL),
			CLFS_LSN_INVALID);
}

static void clfs_lsn_increment_of_non_lsn_is_invalid(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, clfs_lsn_increment(CLFS_LSN_NULL),
			CLFS_LSN_INVALID);
	KUNIT_EXPECT_EQ(test, clfs_lsn_increment(CLFS_LSN_INVALID),
			CLFS_LSN_INVALID);
	KUNIT_EXPECT_EQ(test, clfs_lsn_increment(0xffffffff00000005ULL),
			CLFS_LSN_INVALID);
}

static struct kunit_case clfs_lsn_cases[] = {
	KUNIT_CASE_PARAM(clfs_lsn_make_matches_layout, lsn_parts_gen_params),
	KUNIT_CASE_PARAM(clfs_lsn_split_matches_layout, lsn_parts_gen_params),
	KUNIT_CASE_PARAM(clfs_lsn_make_checked_refuses, lsn_bad_gen_params),
	KUNIT_CASE(clfs_lsn_make_drops_stray_bits),
	KUNIT_CASE(clfs_lsn_constants),
	KUNIT_CASE_PARAM(clfs_lsn_is_valid_table, lsn_validity_gen_params),
	KUNIT_CASE(clfs_lsn_cmp_orders_null_valid_invalid),
	KUNIT_CASE(clfs_lsn_increment_within_block),
	KUNIT_CASE(clfs_lsn_increment_past_511_is_invalid),
	KUNIT_CASE(clfs_lsn_increment_of_non_lsn_is_invalid),
	{}
};

static struct kunit_suite clfs_lsn_suite = {
	.name = "clfs_lsn",
	.test_cases = clfs_lsn_cases,
};

kunit_test_suites(&clfs_lsn_suite);
