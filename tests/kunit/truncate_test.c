// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_truncate": set end of log (clfs_set_end_of_log(),
 * kmod/stream/clfs_tail.c, holes in kmod/log/clfs_holes.c), through the
 * stream and read APIs on the in-memory device.
 *
 * What the cases hold the code to: after a truncation to record T the
 * stream's later records are gone for every reader - by LSN, forward, and
 * as base or truncation targets - and stay gone after a clean reopen, a
 * power cut, and a power cut between the truncation block and its
 * metadata commit; the restart area falls back to the newest one at or
 * before T; records appended afterwards get larger LSNs and read back
 * after the hole; other streams lose nothing; a second truncation below an
 * older hole swallows it; holes are forgotten once the base passes them,
 * and a log that truncates and advances its base keeps recycling.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/string.h>
#include "storage/clfs_storage.h"
#include "tail_test_util.h"

enum tr_reopen {
	TR_NONE,	/* read back in the same session */
	TR_CLEAN,	/* close and open again */
	TR_CRASH,	/* lose power, open again */
};

static const char *const tr_reopen_names[] = { "live", "reopen", "crash" };

static void tr_reopen_desc(const enum tr_reopen *r, char *desc)
{
	strscpy(desc, tr_reopen_names[*r], KUNIT_PARAM_DESC_SIZE);
}

static const enum tr_reopen tr_reopens[] = { TR_NONE, TR_CLEAN, TR_CRASH };

KUNIT_ARRAY_PARAM(tr_reopen, tr_reopens, tr_reopen_desc);

static void tr_apply(struct tt *tt, enum tr_reopen how)
{
	if (how == TR_CLEAN)
		tt_reopen(tt);
	else if (how == TR_CRASH)
		tt_crash_reopen(tt);
}

/*
 * Stream handle @i holds exactly the data records @want[0..@n), in order
 * and byte for byte, from @want[0] on: read forward with the read API.
 */
static void tr_expect(struct tt *tt, u32 i, const struct tt_rec *want, u32 n)
{
	struct kunit *test = tt->tl->test;
	struct clfs_record rec;
	struct clfs_read_ctx *c;
	u32 k;

	c = clfs_read_log_record(tt->m[i], want[0].lsn, CLFS_READ_FORWARD,
				 CLFS_FILTER_DATA, &rec);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	for (k = 0; k < n; k++) {
		if (k)
			KUNIT_ASSERT_EQ_MSG(test,
					    clfs_read_next_log_record(c, &rec),
					    0, "record %u", k);
		KUNIT_ASSERT_EQ_MSG(test, rec.lsn, want[k].lsn, "record %u", k);
		KUNIT_ASSERT_EQ(test, rec.data_bytes, want[k].len);
		tl_fill(tt->tl->data, want[k].len, want[k].seq);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(rec.data, tt->tl->data,
						 want[k].len), 0,
				    "record %#llx", rec.lsn);
	}
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ENODATA);
	clfs_terminate_read_log(c);
}

/* Reading @lsn through handle @i fails with @err. */
static void tr_expect_gone(struct tt *tt, u32 i, u64 lsn, int err)
{
	struct clfs_record rec;
	struct clfs_read_ctx *c;

	c = clfs_read_log_record(tt->m[i], lsn, CLFS_READ_FORWARD,
				 CLFS_FILTER_ALL, &rec);
	KUNIT_EXPECT_EQ_MSG(tt->tl->test, PTR_ERR_OR_ZERO(c), err,
			    "lsn %#llx", lsn);
	if (!IS_ERR(c))
		clfs_terminate_read_log(c);
}

static u64 tr_last(struct tt *tt, u32 i)
{
	struct clfs_stream_info info;

	tt_query(tt, i, &info);
	return info.last_lsn;
}

static u64 tr_restart(struct tt *tt, u32 i)
{
	struct clfs_stream_info info;

	tt_query(tt, i, &info);
	return info.restart_lsn;
}

/*
 * Truncate back into the open block, append more, and read: the records
 * after the truncation point are gone, the new ones follow the hole.
 */
static void clfs_truncate_hides_later_records(struct kunit *test)
{
	const enum tr_reopen *how = test->param_value;
	struct tt *tt = tt_new(test, 512, 4, 0);
	struct tt_rec r[15];
	u32 k;

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 12, r);
	KUNIT_ASSERT_EQ(test, clfs_set_end_of_log(tt->m[0], r[5].lsn), 0);
	KUNIT_EXPECT_EQ(test, tr_last(tt, 0), r[5].lsn);
	tr_expect(tt, 0, r, 6);
	for (k = 6; k < 12; k++)
		tr_expect_gone(tt, 0, r[k].lsn, -ENOENT);

	tt_append_n(tt, 0, 3, &r[6]);
	KUNIT_EXPECT_GT(test, r[6].lsn, r[11].lsn);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);
	tr_apply(tt, *how);
	tr_expect(tt, 0, r, 9);
	KUNIT_EXPECT_EQ(test, tr_last(tt, 0), r[8].lsn);
	KUNIT_EXPECT_EQ(test, clfs_holes_count(tt_log(tt), 0), 1U);
}

/*
 * The truncation block is durable but the metadata commit after it fails
 * and power is lost: recovery replays the block, so the truncation holds,
 * and corrects the metadata's restart area, which named a removed record.
 */
static void clfs_truncate_survives_crash_before_its_commit(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, 0);
	struct clfs_record rec;
	struct clfs_read_ctx *c;
	struct tt_rec r[10];
	u64 ra1, ra2;

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 3, r);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "one", CLFS_LSN_NULL, &ra1), 0);
	tt_append_n(tt, 0, 4, &r[3]);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "two", CLFS_LSN_NULL, &ra2), 0);
	tt_append_n(tt, 0, 3, &r[7]);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);

	/* Write 1: the truncation block. Write 2: the metadata. */
	clfs_memdev_inject_write_fault(tt->tl->m, 2, true);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], r[4].lsn), -EIO);
	tt_crash_reopen(tt);

	KUNIT_EXPECT_EQ(test, tr_last(tt, 0), r[4].lsn);
	KUNIT_EXPECT_EQ(test, tr_restart(tt, 0), ra1);
	tr_expect(tt, 0, r, 5);
	tr_expect_gone(tt, 0, ra2, -ENOENT);
	c = clfs_read_restart_area(tt->m[0], &rec);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	KUNIT_EXPECT_EQ(test, rec.lsn, ra1);
	KUNIT_EXPECT_EQ(test, rec.data_bytes, 3U);
	KUNIT_EXPECT_EQ(test, memcmp(rec.data, "one", 3), 0);
	clfs_terminate_read_log(c);
}

/* The restart area goes back to the newest one at or before the point. */
static void clfs_truncate_brings_back_older_restart_area(struct kunit *test)
{
	const enum tr_reopen *how = test->param_value;
	struct tt *tt = tt_new(test, 512, 4, 0);
	struct clfs_record rec;
	struct clfs_read_ctx *c;
	struct tt_rec r[10];
	u64 ra1, ra2, ra3;

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 3, r);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "one", CLFS_LSN_NULL, &ra1), 0);
	tt_append_n(tt, 0, 4, &r[3]);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "two", CLFS_LSN_NULL, &ra2), 0);
	tt_append_n(tt, 0, 3, &r[7]);

	KUNIT_ASSERT_EQ(test, clfs_set_end_of_log(tt->m[0], r[4].lsn), 0);
	tr_apply(tt, *how);
	KUNIT_EXPECT_EQ(test, tr_restart(tt, 0), ra1);
	c = clfs_read_restart_area(tt->m[0], &rec);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	KUNIT_EXPECT_EQ(test, rec.lsn, ra1);
	KUNIT_EXPECT_EQ(test, clfs_read_previous_restart_area(c, &rec),
			-ENODATA);
	clfs_terminate_read_log(c);

	/* The next restart area chains back past the hole. */
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "three", CLFS_LSN_NULL, &ra3),
			0);
	KUNIT_EXPECT_GT(test, ra3, ra2);
	c = clfs_read_restart_area(tt->m[0], &rec);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	KUNIT_EXPECT_EQ(test, rec.lsn, ra3);
	KUNIT_EXPECT_EQ(test, rec.prev_lsn, ra1);
	KUNIT_EXPECT_EQ(test, clfs_read_previous_restart_area(c, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.lsn, ra1);
	clfs_terminate_read_log(c);

	/* Truncating below every restart area leaves none. */
	KUNIT_ASSERT_EQ(test, clfs_set_end_of_log(tt->m[0], r[1].lsn), 0);
	KUNIT_EXPECT_EQ(test, tr_restart(tt, 0), CLFS_LSN_NULL);
	tt_crash_reopen(tt);
	KUNIT_EXPECT_EQ(test, tr_restart(tt, 0), CLFS_LSN_NULL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR_OR_ZERO(clfs_read_restart_area(tt->m[0], &rec)),
			-ENODATA);
	tr_expect(tt, 0, r, 2);
}

static void clfs_truncate_refuses_bad_lsns(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, 0);
	struct clfs_log_info before, after;
	struct tt_rec r[12];
	u64 trunc_blk;

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 10, r);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(NULL, r[1].lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], CLFS_LSN_NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], CLFS_LSN_INVALID),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], r[9].lsn + 1),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], r[3].lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], r[1].lsn),
			-ERANGE);

	/* To the last record: nothing to do, nothing written. */
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);
	tl_info(tt->tl, &before);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], r[9].lsn), 0);
	tl_info(tt->tl, &after);
	KUNIT_EXPECT_EQ(test, after.head_lsn, before.head_lsn);
	KUNIT_EXPECT_EQ(test, after.blocks_written, before.blocks_written);

	/* The truncation block goes where the head was. */
	trunc_blk = before.head_lsn;
	KUNIT_ASSERT_EQ(test, clfs_set_end_of_log(tt->m[0], r[6].lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], r[8].lsn),
			-EINVAL);	/* after the last record now */
	tt_append_n(tt, 0, 2, &r[10]);
	KUNIT_EXPECT_GT(test, r[10].lsn, trunc_blk);
	/* Removed records, and the truncation record, are no records. */
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], r[8].lsn),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], trunc_blk),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], r[8].lsn), -ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], trunc_blk), -ENOENT);
	tr_expect_gone(tt, 0, trunc_blk, -ENOENT);
	/* None of that changed anything. */
	KUNIT_EXPECT_EQ(test, tr_last(tt, 0), r[11].lsn);
	r[7] = r[10];
	r[8] = r[11];
	tr_expect(tt, 0, &r[3], 6);
}

static void clfs_truncate_refuses_read_only_log(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, 0);
	struct tt_rec r[4];

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 4, r);
	tt_close_all(tt);
	tl_close(tt->tl);
	KUNIT_ASSERT_EQ(test, tl_open(tt->tl, CLFS_OPEN_READ_ONLY), 0);
	tt_open(tt, 0, 0);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], r[1].lsn), -EROFS);
	tr_expect(tt, 0, r, 4);
}

/* A truncation below an older hole swallows it: one hole, not two. */
static void clfs_truncate_below_older_hole(struct kunit *test)
{
	const enum tr_reopen *how = test->param_value;
	struct tt *tt = tt_new(test, 512, 4, 0);
	struct tt_rec r[16], gone[2];

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 12, r);
	KUNIT_ASSERT_EQ(test, clfs_set_end_of_log(tt->m[0], r[8].lsn), 0);
	tt_append_n(tt, 0, 2, gone);
	KUNIT_ASSERT_EQ(test, clfs_set_end_of_log(tt->m[0], r[3].lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_holes_count(tt_log(tt), 0), 1U);
	tt_append_n(tt, 0, 2, &r[4]);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);
	tr_apply(tt, *how);
	KUNIT_EXPECT_EQ(test, clfs_holes_count(tt_log(tt), 0), 1U);
	tr_expect(tt, 0, r, 6);
	tr_expect_gone(tt, 0, gone[0].lsn, -ENOENT);
	tr_expect_gone(tt, 0, gone[1].lsn, -ENOENT);
}

/* Records of other streams inside the hole's range are untouched. */
static void clfs_truncate_leaves_other_streams_alone(struct kunit *test)
{
	const enum tr_reopen *how = test->param_value;
	struct tt *tt = tt_new(test, 512, 4, CLFS_LOG_MULTIPLEXED);
	struct tt_rec a[6], b[6];
	u32 k;

	tt_create(tt, 0);
	tt_create(tt, 1);
	for (k = 0; k < 6; k++) {
		KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 120, 0, &a[k]), 0);
		KUNIT_ASSERT_EQ(test, tt_append(tt, 1, 130, 0, &b[k]), 0);
	}
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], b[1].lsn),
			-ENOENT);	/* the other stream's record */
	KUNIT_ASSERT_EQ(test, clfs_set_end_of_log(tt->m[0], a[2].lsn), 0);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[1]), 0);
	tr_apply(tt, *how);
	tr_expect(tt, 0, a, 3);
	tr_expect(tt, 1, b, 6);
	KUNIT_EXPECT_EQ(test, tr_last(tt, 1), b[5].lsn);
	KUNIT_EXPECT_EQ(test, clfs_holes_count(tt_log(tt), tt->id[1]), 0U);
}

/*
 * Truncate and move the base round after round on a small log: holes are
 * forgotten once the base passes them, and the space keeps coming back
 * across many wraps of the containers.
 */
static void clfs_truncate_and_base_recycle_across_wraps(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, 0);
	struct clfs_log_info info;
	struct tt_rec r[30];
	u32 round;
	u64 first;

	tt_open(tt, 0, 0);
	tl_info(tt->tl, &info);
	first = clfs_lsn_container(info.head_lsn);
	for (round = 0; round < 60; round++) {
		tt_append_n(tt, 0, 30, r);
		KUNIT_ASSERT_EQ(test, clfs_set_end_of_log(tt->m[0], r[19].lsn),
				0);
		KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], r[19].lsn),
				0);
		KUNIT_ASSERT_EQ(test, clfs_holes_count(tt_log(tt), 0), 1U);
	}
	tl_info(tt->tl, &info);
	/* 60 rounds of ~7 KiB on four 64 KiB containers: several wraps. */
	KUNIT_EXPECT_GT(test, clfs_lsn_container(info.head_lsn), first + 5);
	tt_crash_reopen(tt);
	tr_expect(tt, 0, &r[19], 1);
	KUNIT_EXPECT_EQ(test, tr_last(tt, 0), r[19].lsn);
}

static struct kunit_case clfs_truncate_cases[] = {
	KUNIT_CASE_PARAM(clfs_truncate_hides_later_records,
			 tr_reopen_gen_params),
	KUNIT_CASE(clfs_truncate_survives_crash_before_its_commit),
	KUNIT_CASE_PARAM(clfs_truncate_brings_back_older_restart_area,
			 tr_reopen_gen_params),
	KUNIT_CASE(clfs_truncate_refuses_bad_lsns),
	KUNIT_CASE(clfs_truncate_refuses_read_only_log),
	KUNIT_CASE_PARAM(clfs_truncate_below_older_hole, tr_reopen_gen_params),
	KUNIT_CASE_PARAM(clfs_truncate_leaves_other_streams_alone,
			 tr_reopen_gen_params),
	KUNIT_CASE(clfs_truncate_and_base_recycle_across_wraps),
	{}
};

static struct kunit_suite clfs_truncate_suite = {
	.name = "clfs_truncate",
	.test_cases = clfs_truncate_cases,
};

kunit_test_suite(clfs_truncate_suite);
