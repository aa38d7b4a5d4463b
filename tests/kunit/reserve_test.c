// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_reserve": reservations (kmod/stream/clfs_reserve.c).
 * Reserved space counts against free space, so an append that uses a
 * reservation never fails for lack of space, while unreserved appends get
 * a clear log-full error.
 */
#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "storage/clfs_storage.h"
#include "stream/clfs_stream.h"
#include "log_test_util.h"

#define RC		SZ_64K	/* container size */
#define RS_REC		2000	/* record size of the filling cases */

/**
 * struct rs - one case's log, stream 0 and a marshalling area on it
 * @tl: the device and log
 * @s: stream 0
 * @m: a marshalling area with 16 KiB blocks
 * @data: record bytes
 */
struct rs {
	struct tl *tl;
	struct clfs_stream *s;
	struct clfs_marshal *m;
	u8 *data;
};

static void rs_res_free(struct kunit_resource *res)
{
	struct rs *rs = res->data;

	/* Before the log closes: resources are freed newest first. */
	if (!IS_ERR_OR_NULL(rs->m))
		clfs_marshal_delete(rs->m);
	if (!IS_ERR_OR_NULL(rs->s))
		clfs_stream_close(rs->s);
	kfree(rs->data);
}

static int rs_res_init(struct kunit_resource *res, void *data)
{
	res->data = data;
	return 0;
}

static struct rs *rs_new(struct kunit *test, unsigned int sector,
			 u32 nr_containers)
{
	struct clfs_marshal_params mp = { .block_bytes = SZ_16K };
	struct rs *rs = kunit_kzalloc(test, sizeof(*rs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rs);
	rs->tl = tl_new(test, sector, TL_MD_AREA + (u64)nr_containers * RC);
	KUNIT_ASSERT_EQ(test, tl_format(rs->tl, RC, nr_containers, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(rs->tl, 0), 0);
	rs->data = kzalloc(RS_REC, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rs->data);
	if (!kunit_alloc_resource(test, rs_res_init, rs_res_free, GFP_KERNEL, rs))
		KUNIT_ASSERT_FAILURE(test, "cannot track the stream");
	rs->s = clfs_stream_open(rs->tl->log, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rs->s);
	rs->m = clfs_marshal_create(rs->s, &mp);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rs->m);
	return rs;
}

static int rs_append(struct rs *rs, u32 len, u32 flags, u32 nr_reserve,
		     s64 *reserve, u64 *lsn)
{
	struct kvec v = { .iov_base = rs->data, .iov_len = len };
	struct clfs_append a = {
		.entries = &v,
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
		.flags = flags,
		.nr_reserve = nr_reserve,
		.reserve = reserve,
	};

	return clfs_reserve_and_append(rs->m, &a, lsn);
}

static void rs_query(struct rs *rs, u64 *bytes, u32 *records)
{
	struct clfs_stream_info info;

	KUNIT_ASSERT_EQ(rs->tl->test, clfs_stream_query(rs->s, &info), 0);
	*bytes = info.reserved_bytes;
	*records = info.reserved_records;
}

/* The charge of a record alone in a block: what a reservation takes. */
static s64 rs_charge(unsigned int sector, u32 size)
{
	return round_up(CLFS_BLK_HDR_BYTES + clfs_rec_disk_bytes(size), sector);
}

static void clfs_reserve_align_reports_true_sizes(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct rs *rs = rs_new(test, sector, 4);
	s64 sizes[] = { 1, 100, 4000 }, bad[] = { 100, 0 }, huge[] = { SZ_2M };
	s64 total;

	KUNIT_ASSERT_EQ(test, clfs_align_reservation(rs->m, 3, sizes, &total), 0);
	KUNIT_EXPECT_EQ(test, total, rs_charge(sector, 1) + rs_charge(sector, 100) +
			rs_charge(sector, 4000));
	/* 1 byte: 32 + 24 + 8 = 64 bytes, one whole sector. */
	KUNIT_EXPECT_EQ(test, rs_charge(sector, 1), (s64)sector);
	KUNIT_EXPECT_EQ(test, clfs_align_reservation(rs->m, 2, bad, &total), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_align_reservation(rs->m, 1, huge, &total), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_align_reservation(rs->m, 0, sizes, &total), -EINVAL);
}

static void clfs_reserve_release_takes_the_nearest(struct kunit *test)
{
	struct rs *rs = rs_new(test, 512, 8);
	s64 sizes[] = { 100, 1000, 3000 }, rel[] = { -1000 };
	u64 bytes;
	u32 recs;

	KUNIT_ASSERT_EQ(test, clfs_alloc_reserved(rs->m, 3, sizes), 0);
	KUNIT_EXPECT_EQ(test, sizes[1], rs_charge(512, 1000));
	rs_query(rs, &bytes, &recs);
	KUNIT_EXPECT_EQ(test, recs, 3U);
	KUNIT_EXPECT_EQ(test, bytes, (u64)(sizes[0] + sizes[1] + sizes[2]));

	KUNIT_ASSERT_EQ(test, clfs_alloc_reserved(rs->m, 1, rel), 0);
	/* Charges 512, 1536 and 3072: -1000 (1536) matches the middle one. */
	KUNIT_EXPECT_EQ(test, rel[0], -rs_charge(512, 1000));
	KUNIT_EXPECT_EQ(test, rs_charge(512, 1000), 1536LL);
	rs_query(rs, &bytes, &recs);
	KUNIT_EXPECT_EQ(test, recs, 2U);
	KUNIT_EXPECT_EQ(test, bytes, (u64)(sizes[0] + sizes[2]));
}

static void clfs_reserve_release_without_reservation_changes_nothing(struct kunit *test)
{
	struct rs *rs = rs_new(test, 512, 8);
	s64 one[] = { 500 }, two[] = { -500, -500 };
	u64 bytes;
	u32 recs;

	KUNIT_EXPECT_EQ(test, clfs_alloc_reserved(rs->m, 1, two), -EINVAL);
	KUNIT_ASSERT_EQ(test, clfs_alloc_reserved(rs->m, 1, one), 0);
	two[0] = -500;
	two[1] = -500;
	/* The second release finds nothing: neither happens. */
	KUNIT_EXPECT_EQ(test, clfs_alloc_reserved(rs->m, 2, two), -EINVAL);
	rs_query(rs, &bytes, &recs);
	KUNIT_EXPECT_EQ(test, recs, 1U);
	KUNIT_EXPECT_EQ(test, bytes, (u64)one[0]);
}

/*
 * The log filled with reservations: unreserved appends get -ENOSPC once
 * the head container is full, and every reserved record still goes in.
 */
static void clfs_reserve_full_log_keeps_room_for_reserved_appends(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct rs *rs = rs_new(test, sector, 6);
	s64 one[1];
	u32 reserved = 0, unreserved = 0, i;
	u64 bytes, lsn;
	u32 recs;
	int ret;

	for (;;) {
		one[0] = RS_REC;
		ret = clfs_alloc_reserved(rs->m, 1, one);
		if (ret)
			break;
		reserved++;
	}
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_ASSERT_GT(test, reserved, 0U);
	for (i = 0; i < 1000; i++) {
		ret = rs_append(rs, RS_REC, 0, 0, NULL, &lsn);
		if (ret)
			break;
		unreserved++;
	}
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	kunit_info(test, "%u reservations, then %u unreserved appends before log full\n",
		   reserved, unreserved);
	for (i = 0; i < reserved; i++)
		KUNIT_ASSERT_EQ_MSG(test, rs_append(rs, RS_REC,
						    CLFS_APPEND_USE_RESERVATION,
						    0, NULL, &lsn), 0,
				    "reserved append %u of %u", i, reserved);
	rs_query(rs, &bytes, &recs);
	KUNIT_EXPECT_EQ(test, recs, 0U);
	KUNIT_EXPECT_EQ(test, bytes, 0ULL);
	/* Everything appended is durable after a flush: nothing was lost. */
	KUNIT_EXPECT_EQ(test, clfs_flush_buffers(rs->m), 0);
}

static void clfs_reserve_use_without_reservation_is_einval(struct kunit *test)
{
	struct rs *rs = rs_new(test, 512, 4);
	s64 small[] = { 100 };
	u64 lsn;

	KUNIT_EXPECT_EQ(test, rs_append(rs, 100, CLFS_APPEND_USE_RESERVATION,
					0, NULL, &lsn), -EINVAL);
	/* A reservation smaller than the record does not cover it. */
	KUNIT_ASSERT_EQ(test, clfs_alloc_reserved(rs->m, 1, small), 0);
	KUNIT_EXPECT_EQ(test, rs_append(rs, RS_REC, CLFS_APPEND_USE_RESERVATION,
					0, NULL, &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, rs_append(rs, 100, CLFS_APPEND_USE_RESERVATION,
					0, NULL, &lsn), 0);
}

static void clfs_reserve_append_and_reserve_more_is_atomic(struct kunit *test)
{
	struct rs *rs = rs_new(test, 512, 4);
	struct clfs_stream_info before, after;
	s64 many[] = { SZ_16K - 512, SZ_16K - 512, SZ_16K - 512,
		       SZ_16K - 512, SZ_16K - 512, SZ_16K - 512,
		       SZ_16K - 512, SZ_16K - 512, SZ_16K - 512,
		       SZ_16K - 512, SZ_16K - 512, SZ_16K - 512 };
	s64 two[] = { 300, 400 };
	u64 lsn, bytes;
	u32 recs;

	KUNIT_ASSERT_EQ(test, clfs_stream_query(rs->s, &before), 0);
	/* Too much to reserve: the append does not happen either. */
	KUNIT_EXPECT_EQ(test, rs_append(rs, 100, 0, ARRAY_SIZE(many), many, &lsn),
			-ENOSPC);
	KUNIT_ASSERT_EQ(test, clfs_stream_query(rs->s, &after), 0);
	KUNIT_EXPECT_EQ(test, after.last_lsn, before.last_lsn);
	KUNIT_EXPECT_EQ(test, after.reserved_records, 0U);
	/* Enough: both happen, and the sizes come back as charges. */
	KUNIT_ASSERT_EQ(test, rs_append(rs, 100, 0, 2, two, &lsn), 0);
	KUNIT_EXPECT_EQ(test, two[0], rs_charge(512, 300));
	rs_query(rs, &bytes, &recs);
	KUNIT_EXPECT_EQ(test, recs, 2U);
	KUNIT_ASSERT_EQ(test, clfs_stream_query(rs->s, &after), 0);
	KUNIT_EXPECT_EQ(test, after.last_lsn, lsn);
}

static void clfs_reserve_reset_drops_reservations(struct kunit *test)
{
	struct rs *rs = rs_new(test, 512, 4);
	s64 sizes[] = { 100, 200 };
	u64 bytes;
	u32 recs;

	KUNIT_ASSERT_EQ(test, clfs_alloc_reserved(rs->m, 2, sizes), 0);
	KUNIT_ASSERT_EQ(test, clfs_stream_reset(rs->s), 0);
	rs_query(rs, &bytes, &recs);
	KUNIT_EXPECT_EQ(test, recs, 0U);
	KUNIT_EXPECT_EQ(test, bytes, 0ULL);
}

static void clfs_reserve_released_space_is_usable_again(struct kunit *test)
{
	struct rs *rs = rs_new(test, 512, 6);
	s64 one[1];
	u32 reserved = 0, i;
	u64 lsn;

	for (;;) {
		one[0] = RS_REC;
		if (clfs_alloc_reserved(rs->m, 1, one))
			break;
		reserved++;
	}
	for (i = 0; i < reserved; i++) {
		one[0] = -RS_REC;
		KUNIT_ASSERT_EQ(test, clfs_alloc_reserved(rs->m, 1, one), 0);
	}
	/* With nothing held back, unreserved appends reach every container. */
	for (i = 0; i < reserved; i++)
		KUNIT_ASSERT_EQ_MSG(test, rs_append(rs, RS_REC, 0, 0, NULL, &lsn),
				    0, "append %u of %u", i, reserved);
}

static struct kunit_case clfs_reserve_cases[] = {
	KUNIT_CASE_PARAM(clfs_reserve_align_reports_true_sizes, tl_sector_params),
	KUNIT_CASE(clfs_reserve_release_takes_the_nearest),
	KUNIT_CASE(clfs_reserve_release_without_reservation_changes_nothing),
	KUNIT_CASE_PARAM(clfs_reserve_full_log_keeps_room_for_reserved_appends,
			 tl_sector_params),
	KUNIT_CASE(clfs_reserve_use_without_reservation_is_einval),
	KUNIT_CASE(clfs_reserve_append_and_reserve_more_is_atomic),
	KUNIT_CASE(clfs_reserve_reset_drops_reservations),
	KUNIT_CASE(clfs_reserve_released_space_is_usable_again),
	{}
};

static struct kunit_suite clfs_reserve_suite = {
	.name = "clfs_reserve",
	.test_cases = clfs_reserve_cases,
};

kunit_test_suites(&clfs_reserve_suite);
