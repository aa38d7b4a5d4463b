// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_tail": restart areas, the base, the archive tail and
 * the recycling they allow (kmod/stream/clfs_tail.c), through the stream
 * API on the in-memory device.
 *
 * What the cases hold the code to: a restart area and everything before
 * it survive a power cut; restart areas chain along previous LSNs; every
 * tail change is one atomic metadata commit (a crash in it leaves the old
 * values or the new ones, never a mix); bad LSNs are refused and change
 * nothing; containers are recycled once no stream needs them - base and
 * archive tail of every stream - and never before, so a log whose base
 * keeps up with its writes never fills, and everything from the base on
 * reads back after a reopen. Reading back walks the block chain from the
 * recovery start with clfs_log_read_block() and the record iterator, as
 * log_test_util.c does, independently of the read API.
 */
#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include "storage/clfs_storage.h"
#include "stream/clfs_stream.h"
#include "tail_test_util.h"

/* ---- restart areas ------------------------------------------------------ */

/*
 * A restart area is durable when the call returns, and so is everything
 * appended before it, flushed or not: a power cut loses none of it.
 */
static void clfs_tail_restart_area_makes_it_and_earlier_records_durable(
	struct kunit *test)
{
	struct tt *tt = tt_new(test, tl_param_sector(test), 3, 0);
	struct clfs_stream_info info;
	struct tt_rec r[20];
	struct clfs_rec rec;
	u64 rlsn;
	u32 sid;

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, ARRAY_SIZE(r), r);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "checkpoint one",
					 CLFS_LSN_NULL, &rlsn), 0);
	KUNIT_EXPECT_GT(test, rlsn, r[19].lsn);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, rlsn);
	KUNIT_EXPECT_EQ(test, info.last_lsn, rlsn);
	KUNIT_EXPECT_GT(test, info.flushed_lsn, rlsn);

	tt_crash_reopen(tt);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, rlsn);
	KUNIT_EXPECT_EQ(test, info.last_lsn, rlsn);
	KUNIT_EXPECT_EQ(test, info.base_lsn, CLFS_LSN_NULL);
	KUNIT_ASSERT_EQ(test, tt_read(tt, rlsn, &rec, &sid), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CLFS_REC_RESTART);
	KUNIT_EXPECT_EQ(test, rec.prev_lsn, CLFS_LSN_NULL);
	KUNIT_EXPECT_EQ(test, rec.data_bytes, (u32)strlen("checkpoint one"));
	KUNIT_EXPECT_EQ(test, memcmp(tt->tl->buf + rec.data_offset,
				     "checkpoint one", rec.data_bytes), 0);
	tt_walk(tt, 0, r[0].lsn, r, ARRAY_SIZE(r));
}

/* Each restart record's previous LSN is the restart area before it. */
static void clfs_tail_restart_areas_chain_via_prev_lsn(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 3, CLFS_LOG_MULTIPLEXED);
	struct clfs_stream_info info;
	struct clfs_rec rec;
	struct tt_rec r[4];
	u64 rl[4];
	u32 k, sid;

	tt_create(tt, 0);
	tt_create(tt, 1);
	for (k = 0; k < 3; k++) {
		tt_append_n(tt, 0, 2, r);
		/* Another stream's restart area is not in this chain. */
		KUNIT_ASSERT_EQ(test, tt_restart(tt, 1, "other", CLFS_LSN_NULL,
						 &rl[3]), 0);
		KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "chain", CLFS_LSN_NULL,
						 &rl[k]), 0);
	}
	tt_reopen(tt);
	tt_append_n(tt, 0, 2, r);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "after reopen", CLFS_LSN_NULL,
					 &rl[3]), 0);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, rl[3]);

	for (k = 0; k < 4; k++) {
		KUNIT_ASSERT_EQ(test, tt_read(tt, rl[k], &rec, &sid), 0);
		KUNIT_EXPECT_EQ(test, sid, tt->id[0]);
		KUNIT_EXPECT_EQ(test, rec.type, CLFS_REC_RESTART);
		KUNIT_EXPECT_EQ(test, rec.prev_lsn,
				k ? rl[k - 1] : CLFS_LSN_NULL);
	}
}

/* Bad arguments are refused and change nothing: no record, no commit. */
static void clfs_tail_restart_area_refuses_bad_arguments(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 3, 0);
	struct clfs_stream_info a, b;
	struct clfs_log_info la, lb;
	struct tt_rec r[5];
	u64 lsn = 0;
	void *big;

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 4, r);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "first", r[1].lsn, &lsn), 0);
	/* The restart area sealed its block: this one starts another. */
	KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 10, CLFS_APPEND_FORCE_FLUSH,
					&r[4]), 0);
	KUNIT_ASSERT_NE(test, clfs_lsn_block(r[4].lsn), clfs_lsn_block(lsn));
	tt_query(tt, 0, &a);
	tl_info(tt->tl, &la);

	/* No reservation to use. */
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], "x", 1,
						      CLFS_LSN_NULL,
						      CLFS_APPEND_USE_RESERVATION,
						      &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], "x", 1,
						      CLFS_LSN_NULL, 1U << 7,
						      &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], "x", 1,
						      CLFS_LSN_NULL,
						      CLFS_APPEND_FORCE_FLUSH,
						      &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], "x", 1,
						      CLFS_LSN_NULL, 0, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], NULL, 5,
						      CLFS_LSN_NULL, 0, &lsn),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(NULL, "x", 1,
						      CLFS_LSN_NULL, 0, &lsn),
			-EINVAL);
	/* New bases: backwards, beyond the last record, not a record. */
	KUNIT_EXPECT_EQ(test, tt_restart(tt, 0, "x", r[0].lsn, &lsn), -ERANGE);
	KUNIT_EXPECT_EQ(test, tt_restart(tt, 0, "x", a.last_lsn + 1, &lsn),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, tt_restart(tt, 0, "x", CLFS_LSN_INVALID, &lsn),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, tt_restart(tt, 0, "x",
					 clfs_lsn_block(r[0].lsn) + 300, &lsn),
			-ENOENT);
	big = kunit_kzalloc(test, TT_BLOCK, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], big, TT_BLOCK,
						      CLFS_LSN_NULL, 0, &lsn),
			-E2BIG);

	tt_query(tt, 0, &b);
	tl_info(tt->tl, &lb);
	KUNIT_EXPECT_EQ(test, b.restart_lsn, a.restart_lsn);
	KUNIT_EXPECT_EQ(test, b.base_lsn, a.base_lsn);
	KUNIT_EXPECT_EQ(test, b.last_lsn, a.last_lsn);
	KUNIT_EXPECT_EQ(test, lb.generation, la.generation);
	KUNIT_EXPECT_EQ(test, lb.head_lsn, la.head_lsn);
}

/*
 * A restart area can be written into space reserved for it: the smallest
 * covering reservation is used up; without one the call is refused and
 * changes nothing.
 */
static void clfs_tail_restart_area_uses_a_reservation(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, 0);
	struct clfs_stream_info info;
	s64 sizes[2] = { 2, 600 };	/* charged one and two sectors */
	struct clfs_append a = { .nr_reserve = 2, .reserve = sizes };
	const u32 use = CLFS_APPEND_USE_RESERVATION;
	u8 *buf = tt->tl->data;
	u64 lsn, first;

	tt_open(tt, 0, 0);
	memset(buf, 0x5a, 1000);
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], buf, 4,
						      CLFS_LSN_NULL, use,
						      &lsn), -EINVAL);
	KUNIT_ASSERT_EQ(test, clfs_reserve_and_append(tt->m[0], &a, NULL), 0);
	tt_query(tt, 0, &info);
	KUNIT_ASSERT_EQ(test, info.reserved_records, 2U);
	KUNIT_ASSERT_EQ(test, info.reserved_bytes, 3 * 512ULL);

	/* Three sectors: larger than either reservation. */
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], buf, 1000,
						      CLFS_LSN_NULL, use,
						      &lsn), -EINVAL);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.reserved_records, 2U);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, CLFS_LSN_NULL);

	/* Two sectors: uses the larger one, the smaller is left. */
	KUNIT_ASSERT_EQ(test, clfs_write_restart_area(tt->m[0], buf, 500,
						      CLFS_LSN_NULL, use,
						      &first), 0);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, first);
	KUNIT_EXPECT_EQ(test, info.reserved_records, 1U);
	KUNIT_EXPECT_EQ(test, info.reserved_bytes, 512ULL);
	KUNIT_ASSERT_EQ(test, clfs_write_restart_area(tt->m[0], buf, 2,
						      CLFS_LSN_NULL, use,
						      &lsn), 0);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.reserved_records, 0U);
	KUNIT_EXPECT_EQ(test, info.reserved_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, clfs_write_restart_area(tt->m[0], buf, 2,
						      CLFS_LSN_NULL, use,
						      &lsn), -EINVAL);
	tt_crash_reopen(tt);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_GT(test, info.restart_lsn, first);
}

/* A restart area with a new base moves both, durably, in one commit. */
static void clfs_tail_restart_area_with_new_base_moves_both(
	struct kunit *test)
{
	struct tt *tt = tt_new(test, tl_param_sector(test), 3, 0);
	struct clfs_stream_info info;
	struct clfs_log_info la, lb;
	struct tt_rec r[10];
	u64 r1, r2;

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, ARRAY_SIZE(r), r);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "one", r[3].lsn, &r1), 0);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.base_lsn, r[3].lsn);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, r1);
	/* The same base again, with a second restart area: one commit. */
	tl_info(tt->tl, &la);
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "two", r[3].lsn, &r2), 0);
	tl_info(tt->tl, &lb);
	KUNIT_EXPECT_EQ(test, lb.generation, la.generation + 1);

	tt_crash_reopen(tt);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.base_lsn, r[3].lsn);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, r2);
	tt_walk(tt, 0, r[3].lsn, r, ARRAY_SIZE(r));
}

/* ---- the base ------------------------------------------------------------ */

/*
 * Advancing the base checks its LSN: never backwards, not beyond the last
 * record, a real record of this stream; a refusal changes nothing. A base
 * in the open block is flushed before it is committed.
 */
static void clfs_tail_advance_base_checks_the_lsn(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 3, CLFS_LOG_MULTIPLEXED);
	struct clfs_stream_info a, b;
	struct clfs_log_info la, lb;
	struct tt_rec ra[6], rb[3], open;
	u32 k;

	tt_create(tt, 0);
	tt_create(tt, 1);
	tt_append_n(tt, 0, 3, ra);
	/* Large records: B's block is longer than a sector. */
	for (k = 0; k < 3; k++)
		KUNIT_ASSERT_EQ(test, tt_append(tt, 1, 1000, 0, &rb[k]), 0);
	tt_append_n(tt, 0, 3, ra + 3);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], ra[2].lsn), 0);
	tt_query(tt, 0, &a);
	KUNIT_EXPECT_EQ(test, a.base_lsn, ra[2].lsn);
	tl_info(tt->tl, &la);

	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], ra[2].lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], ra[1].lsn), -ERANGE);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], ra[5].lsn + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0],
						clfs_lsn_make(CLFS_CID_FIRST + 2,
							      0, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], CLFS_LSN_NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], CLFS_LSN_INVALID),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(NULL, ra[3].lsn), -EINVAL);
	/* The other stream's record, between two of this one's. */
	KUNIT_ASSERT_GT(test, rb[1].lsn, ra[2].lsn);
	KUNIT_ASSERT_LT(test, rb[1].lsn, ra[5].lsn);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], rb[1].lsn), -ENOENT);
	/* Past the records of a block; inside a block, not at its start. */
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0],
						clfs_lsn_block(ra[0].lsn) + 3),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0],
						clfs_lsn_block(rb[0].lsn) + 512),
			-ENOENT);
	tt_query(tt, 0, &b);
	tl_info(tt->tl, &lb);
	KUNIT_EXPECT_EQ(test, b.base_lsn, a.base_lsn);
	KUNIT_EXPECT_EQ(test, lb.generation, la.generation);

	/* A record still in the open block is a good base: flushed first. */
	KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 50, 0, &open), 0);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], open.lsn), 0);
	tt_query(tt, 0, &b);
	KUNIT_EXPECT_EQ(test, b.base_lsn, open.lsn);
	KUNIT_EXPECT_GT(test, b.flushed_lsn, open.lsn);
	/* The other stream keeps its own base, and can move it. */
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[1], ra[1].lsn), -ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[1], rb[2].lsn), 0);
	tt_query(tt, 1, &b);
	KUNIT_EXPECT_EQ(test, b.base_lsn, rb[2].lsn);

	tt_crash_reopen(tt);
	tt_query(tt, 0, &a);
	tt_query(tt, 1, &b);
	KUNIT_EXPECT_EQ(test, a.base_lsn, open.lsn);
	KUNIT_EXPECT_EQ(test, b.base_lsn, rb[2].lsn);
	KUNIT_EXPECT_EQ(test, a.last_lsn, open.lsn);
	tt_walk(tt, tt->id[0], open.lsn, &open, 1);
}

/*
 * With small containers and a base that follows the writes, the logical
 * container ids run far beyond the physical ones, the log never reports
 * full, and after a reopen everything from the base on reads back.
 */
static void clfs_tail_base_keeping_up_recycles_across_many_wraps(
	struct kunit *test)
{
	const u32 nr = 3, lag = 8, wraps = 10;
	struct tt *tt = tt_new(test, tl_param_sector(test), nr, 0);
	struct clfs_stream_info info;
	struct clfs_log_info li;
	struct tt_rec *r;
	u32 n = 0, cap = 8192;
	u64 base = CLFS_LSN_NULL;
	u32 until;

	r = kunit_kcalloc(test, cap, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	tt_open(tt, 0, 0);
	while (clfs_lsn_container(tl_head(tt->tl)) < CLFS_CID_FIRST + nr * wraps) {
		KUNIT_ASSERT_LT(test, n, cap);
		KUNIT_ASSERT_EQ_MSG(test, tt_append(tt, 0,
						    600 + (n * 37) % 400, 0,
						    &r[n]), 0,
				    "append %u, head %#llx", n,
				    tl_head(tt->tl));
		n++;
		if (n % lag == 0 && n > lag) {
			base = r[n - lag].lsn;
			KUNIT_ASSERT_EQ_MSG(test, clfs_advance_base(tt->m[0],
								    base), 0,
					    "base %#llx", base);
			tl_info(tt->tl, &li);
			KUNIT_ASSERT_EQ(test, li.recovery_lsn,
					clfs_lsn_block(base));
			KUNIT_ASSERT_LE(test, li.nr_active, nr);
		}
	}
	tl_info(tt->tl, &li);
	kunit_info(test, "%u records, head %#llx, recovery %#llx\n", n,
		   li.head_lsn, li.recovery_lsn);
	KUNIT_EXPECT_EQ(test, li.nr_containers, nr);

	tt_reopen(tt);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.base_lsn, base);
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, clfs_lsn_block(base));
	tt_walk(tt, 0, base, r, n);

	/* And on after the reopen, across a wrap again. */
	until = clfs_lsn_container(base) + nr + 1;
	while (clfs_lsn_container(tl_head(tt->tl)) < until) {
		KUNIT_ASSERT_LT(test, n, cap);
		KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 900, 0, &r[n]), 0);
		n++;
		if (n % lag == 0) {
			base = r[n - lag].lsn;
			KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], base),
					0);
		}
	}
	/* Everything flushed, then a power cut: all from the base is there. */
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);
	tt_crash_reopen(tt);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.base_lsn, base);
	tt_walk(tt, 0, base, r, n);
}

/* ---- recycling with several streams and the archive tail ------------------ */

/*
 * In a multiplexed log, a container is recycled only when every stream
 * has left it. A stream with records and no base needs all of them; an
 * empty stream needs nothing.
 */
static void clfs_tail_multiplexed_log_recycles_what_every_stream_left(
	struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, CLFS_LOG_MULTIPLEXED);
	struct clfs_log_info li;
	struct tt_rec *ra, rb[2];
	u32 n = 0, cap = 4096;
	u64 pinned, abase;

	ra = kunit_kcalloc(test, cap, sizeof(*ra), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ra);
	tt_create(tt, 0);
	tt_create(tt, 1);
	tt_create(tt, 2);	/* stays empty */
	KUNIT_ASSERT_EQ(test, tt_append(tt, 1, 64, CLFS_APPEND_FORCE_FLUSH,
					&rb[0]), 0);
	tl_info(tt->tl, &li);
	pinned = li.recovery_lsn;

	/* A moves its base along while it fills the log up to the last one. */
	while (clfs_lsn_container(tl_head(tt->tl)) < CLFS_CID_FIRST + 3) {
		KUNIT_ASSERT_LT(test, n, cap);
		KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 700, 0, &ra[n]), 0);
		n++;
		if (n % 8 == 0)
			KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0],
								ra[n - 1].lsn),
					0);
	}
	abase = ra[n - 1].lsn;
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], abase), 0);
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, pinned);
	/* The head may be at the start of the last one, not yet active. */
	KUNIT_EXPECT_LE(test, li.nr_free, 1U);

	/* B's base at its old record still pins the first container. */
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[1], rb[0].lsn), 0);
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, clfs_lsn_block(rb[0].lsn));
	KUNIT_EXPECT_LE(test, li.nr_free, 1U);

	/* B moves on: now only A's base counts (the empty stream does not). */
	KUNIT_ASSERT_EQ(test, tt_append(tt, 1, 64, 0, &rb[1]), 0);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[1], rb[1].lsn), 0);
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, clfs_lsn_block(abase));
	KUNIT_EXPECT_GE(test, li.nr_free, 3U);

	/* A goes on writing two more containers' worth. */
	while (clfs_lsn_container(tl_head(tt->tl)) < CLFS_CID_FIRST + 5) {
		KUNIT_ASSERT_LT(test, n, cap);
		KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 700, 0, &ra[n]), 0);
		n++;
		if (n % 8)
			continue;
		abase = ra[n - 1].lsn;
		KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], abase), 0);
	}
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, clfs_lsn_block(rb[1].lsn));

	tt_reopen(tt);
	tt_walk(tt, tt->id[1], rb[1].lsn, &rb[1], 1);
	tt_walk(tt, tt->id[0], abase, ra, n);
}

/*
 * A deleted stream, or one reset, needs nothing any more: the next tail
 * change of another stream recycles what only it was holding.
 */
static void clfs_tail_deleted_or_reset_stream_pins_nothing(
	struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, CLFS_LOG_MULTIPLEXED);
	struct clfs_log_info li;
	struct tt_rec *ra, rb;
	u32 n = 0, cap = 4096, step;
	u64 pinned;

	ra = kunit_kcalloc(test, cap, sizeof(*ra), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ra);
	tt_create(tt, 0);
	tt_create(tt, 1);
	tt_create(tt, 2);
	KUNIT_ASSERT_EQ(test, tt_append(tt, 1, 64, CLFS_APPEND_FORCE_FLUSH,
					&rb), 0);
	for (step = 0; step < 2; step++) {
		tl_info(tt->tl, &li);
		pinned = li.recovery_lsn;
		/*
		 * Stream 2, empty so far, gets a record in the second step:
		 * from then on it pins from the recovery start of that time
		 * (its created_lsn is older, and was passed while it was
		 * empty).
		 */
		if (step == 1)
			KUNIT_ASSERT_EQ(test, tt_append(tt, 2, 64, 0, &rb), 0);
		while (clfs_lsn_container(tl_head(tt->tl)) <
		       clfs_lsn_container(pinned) + 2) {
			KUNIT_ASSERT_LT(test, n, cap);
			KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 700, 0, &ra[n]),
					0);
			n++;
			if (n % 8 == 0)
				KUNIT_ASSERT_EQ(test,
						clfs_advance_base(tt->m[0],
								  ra[n - 1].lsn),
						0);
		}
		KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0],
							ra[n - 1].lsn), 0);
		tl_info(tt->tl, &li);
		KUNIT_EXPECT_EQ(test, li.recovery_lsn, pinned);
		if (step == 0) {
			/* Delete stream 1: its handles first. */
			KUNIT_ASSERT_EQ(test, clfs_marshal_delete(tt->m[1]), 0);
			tt->m[1] = NULL;
			clfs_stream_close(tt->s[1]);
			tt->s[1] = NULL;
			KUNIT_ASSERT_EQ(test, clfs_stream_delete(tt_log(tt),
								 tt->id[1]), 0);
		} else {
			KUNIT_ASSERT_EQ(test, clfs_stream_reset(tt->s[2]), 0);
		}
		/* The delete or reset itself released the space. */
		tl_info(tt->tl, &li);
		KUNIT_EXPECT_EQ(test, li.recovery_lsn,
				clfs_lsn_block(ra[n - 1].lsn));
		/* Nothing pins any more but stream 0's own base. */
		KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 700, 0, &ra[n]), 0);
		n++;
		KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0],
							ra[n - 1].lsn), 0);
		tl_info(tt->tl, &li);
		KUNIT_EXPECT_EQ(test, li.recovery_lsn,
				clfs_lsn_block(ra[n - 1].lsn));
		KUNIT_EXPECT_GT(test, li.recovery_lsn, pinned);
	}
	tt_reopen(tt);
	tt_walk(tt, tt->id[0], ra[n - 1].lsn, ra, n);
}

/*
 * In an archived log the archive tail pins containers, whatever the base:
 * all of the stream's records until it is first set, then those from it
 * on, until it moves.
 */
static void clfs_tail_archive_tail_pins_containers_until_it_moves(
	struct kunit *test)
{
	struct tt *tt = tt_new(test, tl_param_sector(test), 4,
			       CLFS_LOG_ARCHIVED);
	struct clfs_stream_info info;
	struct clfs_log_info li;
	struct tt_rec *r;
	u32 n = 0, cap = 4096;
	u64 start;

	r = kunit_kcalloc(test, cap, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	tt_open(tt, 0, 0);
	tl_info(tt->tl, &li);
	start = li.recovery_lsn;
	tt_append_n(tt, 0, 20, r);
	n = 20;
	/* No archive tail yet: the base moves, nothing is released. */
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], r[19].lsn), 0);
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, start);

	KUNIT_ASSERT_EQ(test, clfs_set_archive_tail(tt->s[0], r[10].lsn), 0);
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, clfs_lsn_block(r[10].lsn));
	/* Checks: backwards, beyond the last record, not a record. */
	KUNIT_EXPECT_EQ(test, clfs_set_archive_tail(tt->s[0], r[9].lsn),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, clfs_set_archive_tail(tt->s[0], r[19].lsn + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_set_archive_tail(tt->s[0], CLFS_LSN_NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_set_archive_tail(NULL, r[15].lsn), -EINVAL);

	/* Two more containers, the base following: the tail holds them. */
	while (clfs_lsn_container(tl_head(tt->tl)) < CLFS_CID_FIRST + 3) {
		KUNIT_ASSERT_LT(test, n, cap);
		KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 700, 0, &r[n]), 0);
		n++;
		if (n % 8 == 0)
			KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0],
								r[n - 1].lsn),
					0);
	}
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, clfs_lsn_block(r[10].lsn));
	/* The head may be at the start of the last one, not yet active. */
	KUNIT_EXPECT_LE(test, li.nr_free, 1U);
	/* Not a record: an index past the records of a block. */
	KUNIT_EXPECT_EQ(test, clfs_set_archive_tail(tt->s[0],
						    clfs_lsn_block(r[n - 20].lsn) +
						    CLFS_LSN_INDEX_MAX),
			-ENOENT);

	/* The tail survives a crash, and still pins. */
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);
	tt_crash_reopen(tt);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.archive_tail_lsn, r[10].lsn);
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, clfs_lsn_block(r[10].lsn));
	tt_walk(tt, 0, r[10].lsn, r, n);

	/* It moves past the base: now the base is what counts. */
	KUNIT_ASSERT_EQ(test, clfs_set_archive_tail(tt->s[0], r[n - 1].lsn), 0);
	tl_info(tt->tl, &li);
	KUNIT_EXPECT_EQ(test, li.recovery_lsn, clfs_lsn_block(info.base_lsn));
	KUNIT_EXPECT_GE(test, li.nr_free, 2U);
	tt_reopen(tt);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.archive_tail_lsn, r[n - 1].lsn);
}

#define RACE_STREAMS	3
#define RACE_ROUNDS	40
#define RACE_RECS	3	/* data records per round */
#define RACE_BYTES	500

/**
 * struct race - one thread of the concurrent tails case
 * @tt: the log
 * @i: its stream handle
 * @r: the data records it appended
 * @restart: the last restart area it wrote
 * @base: the last base it set
 * @buf: its record bytes
 * @err: the first error, or 0
 * @done: completed when the thread ends
 */
struct race {
	struct tt *tt;
	u32 i;
	struct tt_rec r[RACE_ROUNDS * RACE_RECS];
	u64 restart;
	u64 base;
	u8 buf[RACE_BYTES];
	int err;
	struct completion done;
};

static int race_fn(void *arg)
{
	struct race *x = arg;
	struct kvec v = { .iov_base = x->buf, .iov_len = RACE_BYTES };
	struct clfs_append a = {
		.entries = &v,
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
	};
	struct clfs_marshal *m = x->tt->m[x->i];
	u32 k, j, n = 0;
	u64 prev;

	for (k = 0; k < RACE_ROUNDS && !x->err; k++) {
		for (j = 0; j < RACE_RECS && !x->err; j++, n++) {
			x->r[n].seq = x->i * 100000 + n;
			x->r[n].len = RACE_BYTES;
			tl_fill(x->buf, RACE_BYTES, x->r[n].seq);
			x->err = clfs_reserve_and_append(m, &a, &x->r[n].lsn);
		}
		if (x->err)
			break;
		/* The base trails by a round; the restart area chains. */
		prev = x->restart;
		x->base = k ? x->r[n - 2 * RACE_RECS].lsn : CLFS_LSN_NULL;
		x->err = clfs_write_restart_area(m, "race", 4, x->base, 0,
						 &x->restart);
		if (!x->err && x->restart <= prev)
			x->err = -EILSEQ;
	}
	complete(&x->done);
	return 0;
}

/*
 * Streams of a multiplexed log that write restart areas and move their
 * bases at the same time: each stream's chain and base are its own, the
 * log never fills while the bases keep up, and every stream reads back
 * from its base after a reopen.
 */
static void clfs_tail_concurrent_streams_keep_their_own_tails(
	struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, CLFS_LOG_MULTIPLEXED);
	struct clfs_stream_info info;
	struct task_struct *t;
	struct race *x;
	u32 i, started = 0;

	x = kunit_kcalloc(test, RACE_STREAMS, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	for (i = 0; i < RACE_STREAMS; i++) {
		tt_create(tt, i);
		x[i].tt = tt;
		x[i].i = i;
		init_completion(&x[i].done);
	}
	for (i = 0; i < RACE_STREAMS; i++) {
		t = kthread_run(race_fn, &x[i], "clfs-tail-%u", i);
		KUNIT_EXPECT_FALSE(test, IS_ERR(t));
		if (IS_ERR(t))
			break;
		started++;
	}
	for (i = 0; i < started; i++)
		wait_for_completion(&x[i].done);
	KUNIT_ASSERT_EQ(test, started, RACE_STREAMS);
	for (i = 0; i < RACE_STREAMS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, x[i].err, 0, "stream %u", i);
		tt_query(tt, i, &info);
		KUNIT_EXPECT_EQ(test, info.restart_lsn, x[i].restart);
		KUNIT_EXPECT_EQ(test, info.base_lsn, x[i].base);
	}
	tt_reopen(tt);
	for (i = 0; i < RACE_STREAMS; i++) {
		tt_query(tt, i, &info);
		KUNIT_EXPECT_EQ(test, info.restart_lsn, x[i].restart);
		tt_walk(tt, tt->id[i], x[i].base, x[i].r,
			RACE_ROUNDS * RACE_RECS);
	}
}

/**
 * struct creator - creates a stream in a thread
 * @log: the log
 * @id: the new stream's id
 * @err: clfs_stream_create()'s result
 * @done: completed when it returned
 */
struct creator {
	struct clfs_log *log;
	u32 id;
	int err;
	struct completion done;
};

static int creator_fn(void *arg)
{
	struct creator *c = arg;

	c->err = clfs_stream_create(c->log, &c->id);
	complete(&c->done);
	return 0;
}

/*
 * A stream created while another stream's block is still in flight, and
 * a power cut that loses that block: the log resumes below where the old
 * block was, but never below the new stream's created_lsn, so the new
 * stream's records are its own and its restart area commits.
 */
static void clfs_tail_stream_created_over_a_lost_block_gets_restart_areas(
	struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 3, CLFS_LOG_MULTIPLEXED);
	struct creator *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct clfs_stream_info info;
	struct task_struct *t;
	struct tt_rec a, b;
	struct clfs_io *io;
	u64 off, lsn;
	u32 round, k;

	KUNIT_ASSERT_NOT_NULL(test, c);
	tt_create(tt, 0);
	clfs_memdev_set_completion(tt->tl->m, CLFS_MEMDEV_HOLD);
	KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 200, CLFS_APPEND_FORCE_APPEND,
					&a), 0);
	KUNIT_ASSERT_EQ(test, clfs_md_lsn_to_dev(tt_log(tt)->md,
						 clfs_lsn_block(a.lsn), &off), 0);
	c->log = tt_log(tt);
	init_completion(&c->done);
	t = kthread_run(creator_fn, c, "clfs-tail-create");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/*
	 * Deliver every completion but the block's for a while: a create
	 * that does not wait for it returns meanwhile. Then deliver all.
	 */
	for (round = 0; !wait_for_completion_timeout(&c->done, HZ / 50);
	     round++) {
		KUNIT_ASSERT_LT(test, round, 1000U);
		for (k = 0; (io = clfs_memdev_held_io(tt->tl->m, k)); ) {
			if (round < 10 && io->offset == off)
				k++;
			else
				clfs_memdev_complete_held(tt->tl->m, k);
		}
	}
	KUNIT_ASSERT_EQ(test, c->err, 0);
	tt_open(tt, 1, c->id);

	tt_crash_reopen(tt);
	tt_query(tt, 1, &info);
	KUNIT_ASSERT_EQ(test, tt_append(tt, 1, 100, CLFS_APPEND_FORCE_FLUSH,
					&b), 0);
	KUNIT_EXPECT_GE(test, b.lsn, info.created_lsn);
	KUNIT_EXPECT_EQ(test, tt_restart(tt, 1, "mine", b.lsn, &lsn), 0);
	tt_query(tt, 1, &info);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, lsn);
	KUNIT_EXPECT_EQ(test, info.base_lsn, b.lsn);
}

/* An ephemeral log has no archive tail. */
/*
 * A client can put a well-formed block - right magic, crc, LSN, epoch -
 * inside its own record's data, on a sector boundary. It is no block of
 * the log: reading it, or naming it as a base (which would make it the
 * recovery start), is refused, before and after a reopen.
 */
static void clfs_tail_forged_block_inside_a_record_is_no_block(
	struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, 0);
	const u32 lead = 512 - CLFS_BLK_HDR_BYTES - CLFS_REC_HDR_BYTES;
	struct clfs_rec rec = { .type = CLFS_REC_DATA, .data_bytes = 8 };
	struct clfs_blk hdr = { .nr_records = 1, .stream_id = 0 };
	struct kvec v = { .iov_len = lead + 512 };
	struct clfs_append a = {
		.entries = &v, .nr_entries = 1, .type = CLFS_RECORD_DATA,
		.flags = CLFS_APPEND_FORCE_FLUSH,
	};
	struct clfs_read_ctx *c;
	struct clfs_record out;
	struct clfs_blk check;
	u64 head, fake, lsn, off;
	u8 *data, *fb;
	int pass;

	tt_open(tt, 0, 0);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);
	head = tl_head(tt->tl);
	fake = head + 512;

	/* The forgery: one 8-byte record in a block claiming to be at @fake. */
	data = tt->tl->data;
	memset(data, 0x33, lead);
	fb = data + lead;
	memset(fb, 0, 512);
	rec.lsn = fake;
	KUNIT_ASSERT_GT(test, clfs_rec_encode(tt_log(tt)->md, &rec,
					      fb + CLFS_BLK_HDR_BYTES,
					      512 - CLFS_BLK_HDR_BYTES), 0);
	memcpy(fb + CLFS_BLK_HDR_BYTES + CLFS_REC_HDR_BYTES, "FORGED!!", 8);
	hdr.lsn = fake;
	hdr.epoch = tt_log(tt)->md->epoch;
	hdr.used_bytes = CLFS_BLK_HDR_BYTES + CLFS_REC_HDR_BYTES + 8;
	KUNIT_ASSERT_EQ(test, clfs_blk_seal(tt_log(tt)->md, &hdr, fb, 512),
			512);
	v.iov_base = data;
	KUNIT_ASSERT_EQ(test, clfs_reserve_and_append(tt->m[0], &a, &lsn), 0);
	KUNIT_ASSERT_EQ(test, lsn, head);	/* first record of a new block */

	for (pass = 0; pass < 2; pass++) {
		/* On the device, the forgery does decode as a block there. */
		KUNIT_ASSERT_EQ(test, clfs_md_lsn_to_dev(tt_log(tt)->md, fake,
							 &off), 0);
		KUNIT_ASSERT_EQ(test, clfs_memdev_peek(tt->tl->m, off,
						       tt->tl->buf, 512), 0);
		KUNIT_ASSERT_EQ(test, clfs_blk_decode(tt_log(tt)->md, fake, 0,
						      tt->tl->buf, 512,
						      &check), 0);
		/* Yet the log never put a block there. */
		KUNIT_EXPECT_EQ(test, clfs_log_read_block(tt_log(tt), fake,
							  tt->tl->buf,
							  CLFS_BLK_MAX_BYTES,
							  &check), -ENODATA);
		KUNIT_EXPECT_EQ(test,
				PTR_ERR_OR_ZERO(clfs_read_log_record(tt->m[0],
					fake, CLFS_READ_FORWARD,
					CLFS_FILTER_DATA, &out)), -ENOENT);
		KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], fake),
				-EINVAL);	/* after the last record */
		/* The real record reads back whole, forgery included. */
		c = clfs_read_log_record(tt->m[0], head, CLFS_READ_FORWARD,
					 CLFS_FILTER_DATA, &out);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
		KUNIT_EXPECT_EQ(test, out.data_bytes, lead + 512);
		KUNIT_EXPECT_EQ(test, memcmp(out.data, data, lead + 512), 0);
		clfs_terminate_read_log(c);
		tt_reopen(tt);
	}
	/* With a later record the forgery is below the last: still no record. */
	KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 100, CLFS_APPEND_FORCE_FLUSH,
					NULL), 0);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], fake), -ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_set_end_of_log(tt->m[0], fake), -ENOENT);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR_OR_ZERO(clfs_read_log_record(tt->m[0], fake,
							     CLFS_READ_FORWARD,
							     CLFS_FILTER_DATA,
							     &out)), -ENOENT);
}

/*
 * first_lsn names where a forward read of everything kept begins: the
 * stream's first record (not its created_lsn, where another stream's
 * block may sit), then its base once it has one; found again by recovery.
 */
static void clfs_tail_first_lsn_is_where_reads_begin(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 4, CLFS_LOG_MULTIPLEXED);
	struct clfs_stream_info info;
	struct clfs_record out;
	struct clfs_read_ctx *c;
	struct tt_rec a, b[3];

	tt_create(tt, 0);
	tt_create(tt, 1);
	tt_query(tt, 1, &info);
	KUNIT_EXPECT_EQ(test, info.first_lsn, CLFS_LSN_NULL);
	/* Stream 0's block takes the place where stream 1 began. */
	KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 64, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, clfs_lsn_block(a.lsn), info.created_lsn);
	tt_append_n(tt, 1, 3, b);
	tt_query(tt, 1, &info);
	KUNIT_EXPECT_EQ(test, info.first_lsn, b[0].lsn);
	KUNIT_EXPECT_NE(test, info.first_lsn, info.created_lsn);
	c = clfs_read_log_record(tt->m[1], info.first_lsn, CLFS_READ_FORWARD,
				 CLFS_FILTER_ALL, &out);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	clfs_terminate_read_log(c);

	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[1]), 0);
	tt_crash_reopen(tt);
	tt_query(tt, 1, &info);
	KUNIT_EXPECT_EQ(test, info.first_lsn, b[0].lsn);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[1], b[1].lsn), 0);
	tt_query(tt, 1, &info);
	KUNIT_EXPECT_EQ(test, info.first_lsn, b[1].lsn);
	tt_reopen(tt);
	tt_query(tt, 1, &info);
	KUNIT_EXPECT_EQ(test, info.first_lsn, b[1].lsn);
	KUNIT_ASSERT_EQ(test, clfs_stream_reset(tt->s[1]), 0);
	tt_query(tt, 1, &info);
	KUNIT_EXPECT_EQ(test, info.first_lsn, CLFS_LSN_NULL);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.first_lsn, a.lsn);
}

static void clfs_tail_ephemeral_log_refuses_archive_tail(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 3, 0);
	struct clfs_stream_info info;
	struct tt_rec r[3];

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 3, r);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]), 0);
	KUNIT_EXPECT_EQ(test, clfs_set_archive_tail(tt->s[0], r[1].lsn),
			-EINVAL);
	tt_query(tt, 0, &info);
	KUNIT_EXPECT_EQ(test, info.archive_tail_lsn, CLFS_LSN_NULL);
}

/* A read-only log refuses every tail change. */
static void clfs_tail_read_only_log_refuses_tail_changes(struct kunit *test)
{
	struct tt *tt = tt_new(test, 512, 3, CLFS_LOG_ARCHIVED);
	struct tt_rec r[3];
	u64 lsn;

	tt_open(tt, 0, 0);
	tt_append_n(tt, 0, 3, r);
	tt_close_all(tt);
	tl_close(tt->tl);
	KUNIT_ASSERT_EQ(test, tl_open(tt->tl, CLFS_OPEN_READ_ONLY), 0);
	tt_open(tt, 0, 0);
	KUNIT_EXPECT_EQ(test, clfs_advance_base(tt->m[0], r[1].lsn), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_set_archive_tail(tt->s[0], r[1].lsn),
			-EROFS);
	KUNIT_EXPECT_EQ(test, tt_restart(tt, 0, "x", CLFS_LSN_NULL, &lsn),
			-EROFS);
}

/* ---- crashes in the commits ------------------------------------------------ */

enum tail_op { OP_RESTART, OP_BASE, OP_ARCHIVE };

/* What must be in effect after the reopen. */
enum tail_outcome {
	OLD,		/* the values before the operation */
	NEW,		/* the operation's values */
	EITHER,		/* one or the other, never a mix */
};

struct tail_crash {
	const char *name;
	enum tail_op op;
	unsigned int nth;	/* which write of the operation fails */
	bool torn;
	unsigned int keep_sectors;
	enum tail_outcome outcome;
};

/*
 * Writes of each operation, from a state where the records it names are
 * durable: restart = the record's block, then the commit; base and
 * archive tail = the commit; then recycling's two commits. A commit torn
 * after a few sectors may still be the whole new copy: the rest of its
 * slot, two generations old, can hold the same bytes. Either outcome is
 * right then; what is checked is that it is one of them.
 */
static const struct tail_crash tail_crashes[] = {
	{ "restart_commit_fails", OP_RESTART, 2, false, 0, OLD },
	{ "restart_commit_torn_before_writing", OP_RESTART, 2, true, 0, OLD },
	{ "restart_commit_torn_after_header", OP_RESTART, 2, true, 1, OLD },
	{ "restart_commit_torn_after_streams", OP_RESTART, 2, true, 3, EITHER },
	{ "restart_commit_written_whole", OP_RESTART, 2, true, 1000, NEW },
	{ "restart_recycle_fails", OP_RESTART, 3, false, 0, NEW },
	{ "base_commit_fails", OP_BASE, 1, false, 0, OLD },
	{ "base_commit_torn_after_header", OP_BASE, 1, true, 1, OLD },
	{ "base_commit_torn_after_streams", OP_BASE, 1, true, 3, EITHER },
	{ "base_commit_written_whole", OP_BASE, 1, true, 1000, NEW },
	{ "base_recovery_commit_fails", OP_BASE, 2, false, 0, NEW },
	{ "base_free_commit_torn", OP_BASE, 3, true, 2, NEW },
	{ "archive_commit_fails", OP_ARCHIVE, 1, false, 0, OLD },
	{ "archive_commit_torn_after_header", OP_ARCHIVE, 1, true, 1, OLD },
	{ "archive_commit_torn_after_streams", OP_ARCHIVE, 1, true, 5, EITHER },
	{ "archive_commit_written_whole", OP_ARCHIVE, 1, true, 1000, NEW },
	{ "archive_free_commit_fails", OP_ARCHIVE, 3, false, 0, NEW },
};

static void tail_crash_desc(const struct tail_crash *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tail_crash, tail_crashes, tail_crash_desc);

/*
 * A crash in a tail change - its own commit, or the recycling after it -
 * leaves after reopen either every old value or every new one, with every
 * durable record from the base on, and the log goes on working.
 */
static void clfs_tail_crash_in_a_tail_commit_keeps_old_or_new(
	struct kunit *test)
{
	const struct tail_crash *c = test->param_value;
	struct tt *tt = tt_new(test, 512, 4,
			       c->op == OP_ARCHIVE ? CLFS_LOG_ARCHIVED : 0);
	struct clfs_stream_info old, now;
	struct tt_rec *r;
	u32 n = 0, cap = 1024;
	u64 target, rl = 0;
	bool changed;
	int ret;

	r = kunit_kcalloc(test, cap, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	tt_open(tt, 0, 0);
	/* A container and a half, an old restart area, base and tail. */
	while (clfs_lsn_container(tl_head(tt->tl)) < CLFS_CID_FIRST + 1 ||
	       clfs_lsn_block_offset(tl_head(tt->tl)) < CB / 2) {
		KUNIT_ASSERT_LT(test, n, cap);
		KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 500, 0, &r[n]), 0);
		n++;
	}
	KUNIT_ASSERT_EQ(test, tt_restart(tt, 0, "old", r[2].lsn, &rl), 0);
	if (c->op == OP_ARCHIVE) {
		KUNIT_ASSERT_EQ(test, clfs_set_archive_tail(tt->s[0], r[2].lsn),
				0);
		KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0],
							r[n - 2].lsn), 0);
	}
	KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 300, CLFS_APPEND_FORCE_FLUSH,
					&r[n]), 0);
	n++;
	target = r[n - 2].lsn;
	KUNIT_ASSERT_GT(test, clfs_lsn_container(target), CLFS_CID_FIRST);
	tt_query(tt, 0, &old);

	if (c->torn)
		clfs_memdev_inject_torn_write(tt->tl->m, c->nth,
					      c->keep_sectors);
	else
		clfs_memdev_inject_write_fault(tt->tl->m, c->nth, false);
	switch (c->op) {
	case OP_RESTART:
		ret = tt_restart(tt, 0, "new", target, &rl);
		break;
	case OP_BASE:
		ret = clfs_advance_base(tt->m[0], target);
		break;
	case OP_ARCHIVE:
		ret = clfs_set_archive_tail(tt->s[0], target);
		break;
	}
	KUNIT_EXPECT_EQ(test, ret, -EIO);
	tt_crash_reopen(tt);

	tt_query(tt, 0, &now);
	changed = c->op == OP_ARCHIVE ? now.archive_tail_lsn != old.archive_tail_lsn :
		  now.base_lsn != old.base_lsn;
	if (c->outcome != EITHER)
		KUNIT_EXPECT_EQ(test, changed, c->outcome == NEW);
	if (changed) {
		if (c->op == OP_ARCHIVE)
			KUNIT_EXPECT_EQ(test, now.archive_tail_lsn, target);
		else
			KUNIT_EXPECT_EQ(test, now.base_lsn, target);
	}
	/* The restart area moved with the base, or neither did. */
	if (c->op == OP_RESTART)
		KUNIT_EXPECT_EQ(test, now.restart_lsn != old.restart_lsn,
				changed);
	else
		KUNIT_EXPECT_EQ(test, now.restart_lsn, old.restart_lsn);
	if (c->op == OP_ARCHIVE)
		KUNIT_EXPECT_EQ(test, now.base_lsn, old.base_lsn);
	tt_walk(tt, 0, min(now.base_lsn, now.archive_tail_lsn ?: U64_MAX),
		r, n);

	/* It goes on: the base moves to the last record, containers free. */
	KUNIT_ASSERT_EQ(test, tt_append(tt, 0, 300, 0, &r[n]), 0);
	n++;
	if (c->op == OP_ARCHIVE)
		KUNIT_ASSERT_EQ(test, clfs_set_archive_tail(tt->s[0],
							    r[n - 1].lsn), 0);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], r[n - 1].lsn), 0);
	tt_reopen(tt);
	tt_query(tt, 0, &now);
	KUNIT_EXPECT_EQ(test, now.base_lsn, r[n - 1].lsn);
	tt_walk(tt, 0, r[n - 1].lsn, r, n);
}

static struct kunit_case clfs_tail_cases[] = {
	KUNIT_CASE_PARAM(clfs_tail_restart_area_makes_it_and_earlier_records_durable,
			 tl_sector_params),
	KUNIT_CASE(clfs_tail_restart_areas_chain_via_prev_lsn),
	KUNIT_CASE(clfs_tail_restart_area_refuses_bad_arguments),
	KUNIT_CASE(clfs_tail_restart_area_uses_a_reservation),
	KUNIT_CASE_PARAM(clfs_tail_restart_area_with_new_base_moves_both,
			 tl_sector_params),
	KUNIT_CASE(clfs_tail_advance_base_checks_the_lsn),
	KUNIT_CASE_PARAM(clfs_tail_base_keeping_up_recycles_across_many_wraps,
			 tl_sector_params),
	KUNIT_CASE(clfs_tail_multiplexed_log_recycles_what_every_stream_left),
	KUNIT_CASE(clfs_tail_deleted_or_reset_stream_pins_nothing),
	KUNIT_CASE_PARAM(clfs_tail_archive_tail_pins_containers_until_it_moves,
			 tl_sector_params),
	KUNIT_CASE(clfs_tail_concurrent_streams_keep_their_own_tails),
	KUNIT_CASE(clfs_tail_stream_created_over_a_lost_block_gets_restart_areas),
	KUNIT_CASE(clfs_tail_ephemeral_log_refuses_archive_tail),
	KUNIT_CASE(clfs_tail_read_only_log_refuses_tail_changes),
	KUNIT_CASE(clfs_tail_forged_block_inside_a_record_is_no_block),
	KUNIT_CASE(clfs_tail_first_lsn_is_where_reads_begin),
	KUNIT_CASE_PARAM(clfs_tail_crash_in_a_tail_commit_keeps_old_or_new,
			 tail_crash_gen_params),
	{}
};

static struct kunit_suite clfs_tail_suite = {
	.name = "clfs_tail",
	.test_cases = clfs_tail_cases,
};

kunit_test_suites(&clfs_tail_suite);
