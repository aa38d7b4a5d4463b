// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_mgmt": policies, growth, shrink, set size and the
 * log-full protocol (kmod/log/clfs_policy.c, kmod/stream/clfs_mgmt.c,
 * docs/management.md), through the in-kernel API on the in-memory device.
 *
 * What the cases hold the code to: policies round-trip, merge, persist
 * across a clean reopen and a power cut, and a conflicting set is refused
 * with the documented errno and changes nothing; installing a minimum or
 * maximum resizes the log in the same step; set size grows, shrinks and
 * stops at active containers; a slow consumer's log grows to its maximum
 * before anything fails, then its client gets exactly one tail-advance
 * request naming the stream's first record past the oldest container,
 * and appends resume with a log-full-handled event once it answers; a
 * reported failure (or no client at all) pins the log and the next tail
 * move unpins it; in a multiplexed log only the lagging stream is asked;
 * a client that answers from its callback keeps a producer going through
 * many wraps; auto-shrink follows its rule down to the minimum; a
 * reservation grows the log rather than fail.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include "stream/clfs_mgmt.h"
#include "tail_test_util.h"

#define MT_REC		1000	/* record size: about 60 per container */
#define MT_MAX_RECS	2000
#define MT_TIMEOUT	(10 * HZ)

/* An in-kernel management client that counts what it is told. */
struct mt_client {
	struct tt *tt;
	u32 i;
	struct clfs_mgmt_client *c;
	wait_queue_head_t wait;
	spinlock_t lock;
	u32 nr_advance;
	u32 nr_handled;
	u32 nr_unpinned;
	u64 target;
	int status;
	bool answer;		/* move the base from the callback itself */
	int answer_ret;
};

static void mt_advance_tail(void *ctx, u64 target)
{
	struct mt_client *mc = ctx;
	int ret = 0;

	/* Callbacks run in process context and may call back into clfs. */
	if (mc->answer)
		ret = clfs_advance_base(mc->tt->m[mc->i], target);
	spin_lock(&mc->lock);
	mc->nr_advance++;
	mc->target = target;
	if (ret)
		mc->answer_ret = ret;
	spin_unlock(&mc->lock);
	wake_up(&mc->wait);
}

static void mt_log_full_handled(void *ctx, int status)
{
	struct mt_client *mc = ctx;

	spin_lock(&mc->lock);
	mc->nr_handled++;
	mc->status = status;
	spin_unlock(&mc->lock);
	wake_up(&mc->wait);
}

static void mt_log_unpinned(void *ctx)
{
	struct mt_client *mc = ctx;

	spin_lock(&mc->lock);
	mc->nr_unpinned++;
	spin_unlock(&mc->lock);
	wake_up(&mc->wait);
}

static const struct clfs_mgmt_ops mt_ops = {
	.advance_tail		= mt_advance_tail,
	.log_full_handled	= mt_log_full_handled,
	.log_unpinned		= mt_log_unpinned,
};

/* Deregistered before the stream handles close (resources unwind LIFO). */
static void mt_client_free(struct kunit_resource *res)
{
	struct mt_client *mc = res->data;

	clfs_mgmt_deregister(mc->c);
}

static int mt_client_init(struct kunit_resource *res, void *data)
{
	res->data = data;
	return 0;
}

static struct mt_client *mt_register(struct kunit *test, struct tt *tt, u32 i,
				     bool answer)
{
	struct mt_client *mc = kunit_kzalloc(test, sizeof(*mc), GFP_KERNEL);
	struct clfs_mgmt_client *c;

	KUNIT_ASSERT_NOT_NULL(test, mc);
	mc->tt = tt;
	mc->i = i;
	mc->answer = answer;
	init_waitqueue_head(&mc->wait);
	spin_lock_init(&mc->lock);
	c = clfs_mgmt_register(tt->s[i], &mt_ops, mc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	mc->c = c;
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, mt_client_init,
							 mt_client_free,
							 GFP_KERNEL, mc));
	return mc;
}

#define mt_wait(mc, cond) \
	wait_event_timeout((mc)->wait, ({ bool __c; spin_lock(&(mc)->lock); \
		__c = (cond); spin_unlock(&(mc)->lock); __c; }), MT_TIMEOUT)

static void mt_info(struct tt *tt, struct clfs_mgmt_info *info)
{
	KUNIT_ASSERT_EQ(tt->tl->test, clfs_mgmt_query(tt_log(tt), info), 0);
}

static u32 mt_size(struct tt *tt)
{
	struct clfs_mgmt_info info;

	mt_info(tt, &info);
	return info.nr_containers;
}

static void mt_policy(struct tt *tt, struct clfs_policy *p)
{
	KUNIT_ASSERT_EQ(tt->tl->test, clfs_policy_query(tt_log(tt), p), 0);
}

/*
 * Append MT_REC records through handle @i until the log is full (or
 * @max were appended); their LSNs go to @lsn. Returns how many.
 */
static u32 mt_fill(struct tt *tt, u32 i, u64 *lsn, u32 max)
{
	struct tt_rec r;
	u32 n = 0;
	int ret;

	while (n < max) {
		ret = tt_append(tt, i, MT_REC, 0, &r);
		if (ret == -ENOSPC)
			break;
		KUNIT_ASSERT_EQ(tt->tl->test, ret, 0);
		lsn[n++] = r.lsn;
	}
	return n;
}

static u64 *mt_lsns(struct kunit *test)
{
	u64 *lsn = kunit_kcalloc(test, MT_MAX_RECS, sizeof(*lsn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, lsn);
	return lsn;
}

/* The first of @lsn[0..@n) in a container at or after @cid, or 0. */
static u64 mt_first_from(const u64 *lsn, u32 n, u32 cid)
{
	u32 k;

	for (k = 0; k < n; k++)
		if (clfs_lsn_container(lsn[k]) >= cid)
			return lsn[k];
	return 0;
}

/* The record at @lsn is one of stream @id's, of the size appended. */
static void mt_expect_record(struct tt *tt, u64 lsn, u32 id)
{
	struct kunit *test = tt->tl->test;
	struct clfs_rec rec;
	u32 stream;

	KUNIT_ASSERT_EQ(test, clfs_flush_to_lsn(tt->m[0], CLFS_LSN_NULL, NULL),
			0);
	KUNIT_ASSERT_EQ(test, tt_read(tt, lsn, &rec, &stream), 0);
	KUNIT_EXPECT_EQ(test, stream, id);
	KUNIT_EXPECT_EQ(test, rec.data_bytes, (u32)MT_REC);
	KUNIT_EXPECT_EQ(test, rec.type, (u32)CLFS_REC_DATA);
}

static const struct clfs_policy mt_all = {
	.installed = CLFS_POLICY_ALL,
	.max_containers = 6,
	.min_containers = 3,
	.growth_pct = 50,
	.tail_free_containers = 2,
	.shrink_free_pct = 60,
	.auto_grow = 1,
	.new_container_bytes = CB,
};

/* Install, query, merge and remove. */
static void clfs_mgmt_policy_round_trip(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 2, 8, 0);
	struct clfs_policy tail = {
		.installed = CLFS_POLICY_LOG_TAIL,
		.tail_free_pct = 10,
	};
	struct clfs_policy q, want = mt_all;

	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &mt_all), 0);
	mt_policy(tt, &q);
	KUNIT_EXPECT_EQ(test, memcmp(&q, &mt_all, sizeof(q)), 0);
	/* A minimum above the size grows the log to it. */
	KUNIT_EXPECT_EQ(test, mt_size(tt), 3U);

	/* Only the policy named changes; its either-or partner is cleared. */
	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &tail), 0);
	want.tail_free_containers = 0;
	want.tail_free_pct = 10;
	mt_policy(tt, &q);
	KUNIT_EXPECT_EQ(test, memcmp(&q, &want, sizeof(q)), 0);

	KUNIT_ASSERT_EQ(test, clfs_policy_remove(tt_log(tt),
						 CLFS_POLICY_GROWTH_RATE |
						 CLFS_POLICY_AUTO_GROW), 0);
	want.installed &= ~(CLFS_POLICY_GROWTH_RATE | CLFS_POLICY_AUTO_GROW);
	want.growth_pct = 0;
	want.auto_grow = 0;
	mt_policy(tt, &q);
	KUNIT_EXPECT_EQ(test, memcmp(&q, &want, sizeof(q)), 0);
	KUNIT_EXPECT_EQ(test, clfs_policy_remove(tt_log(tt), 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_policy_remove(tt_log(tt), 1U << 7), -EINVAL);
	/* Removing the size policies keeps the size. */
	KUNIT_ASSERT_EQ(test, clfs_policy_remove(tt_log(tt), CLFS_POLICY_ALL), 0);
	mt_policy(tt, &q);
	KUNIT_EXPECT_EQ(test, q.installed, 0U);
	KUNIT_EXPECT_EQ(test, mt_size(tt), 3U);
}

struct mt_bad {
	const char *what;
	struct clfs_policy p;
	int err;
};

static const struct mt_bad mt_bads[] = {
	{ "max below 2", { .installed = CLFS_POLICY_MAX_SIZE,
			   .max_containers = 1 }, -EINVAL },
	{ "max beyond device", { .installed = CLFS_POLICY_MAX_SIZE,
				 .max_containers = 9 }, -ENOSPC },
	{ "min beyond device", { .installed = CLFS_POLICY_MIN_SIZE,
				 .min_containers = 9 }, -ENOSPC },
	{ "min above max", { .installed = CLFS_POLICY_MIN_SIZE |
					  CLFS_POLICY_MAX_SIZE,
			     .min_containers = 5, .max_containers = 4 },
	  -EINVAL },
	{ "min above installed max", { .installed = CLFS_POLICY_MIN_SIZE,
				       .min_containers = 7 }, -EINVAL },
	{ "growth both", { .installed = CLFS_POLICY_GROWTH_RATE,
			   .growth_containers = 1, .growth_pct = 10 },
	  -EINVAL },
	{ "growth neither", { .installed = CLFS_POLICY_GROWTH_RATE }, -EINVAL },
	{ "growth step of the maximum", { .installed = CLFS_POLICY_GROWTH_RATE,
					  .growth_containers = 6 }, -EINVAL },
	{ "growth pct 101", { .installed = CLFS_POLICY_GROWTH_RATE,
			      .growth_pct = 101 }, -EINVAL },
	{ "tail pct 100", { .installed = CLFS_POLICY_LOG_TAIL,
			    .tail_free_pct = 100 }, -EINVAL },
	{ "tail of the maximum", { .installed = CLFS_POLICY_LOG_TAIL,
				   .tail_free_containers = 6 }, -EINVAL },
	{ "shrink at the installed tail pct",
	  { .installed = CLFS_POLICY_AUTO_SHRINK, .shrink_free_pct = 30 },
	  -EINVAL },
	{ "shrink 0", { .installed = CLFS_POLICY_AUTO_SHRINK }, -EINVAL },
	{ "container size", { .installed = CLFS_POLICY_NEW_CONTAINER_SIZE,
			      .new_container_bytes = 2 * CB }, -EINVAL },
	{ "auto grow 2", { .installed = CLFS_POLICY_AUTO_GROW,
			   .auto_grow = 2 }, -EINVAL },
	{ "field of a policy not named", { .installed = CLFS_POLICY_MAX_SIZE,
					   .max_containers = 5,
					   .min_containers = 3 }, -EINVAL },
	{ "unknown bit", { .installed = 1U << 7 }, -EINVAL },
	{ "nothing named", { .installed = 0 }, -EINVAL },
	{ "reserved", { .installed = CLFS_POLICY_AUTO_GROW, .auto_grow = 1,
			.reserved = { 1 } }, -EINVAL },
};

static void mt_bad_desc(const struct mt_bad *b, char *desc)
{
	strscpy(desc, b->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mt_bad, mt_bads, mt_bad_desc);

/* A bad or conflicting set is refused with its errno; nothing changes. */
static void clfs_mgmt_policy_conflict_refused(struct kunit *test)
{
	const struct mt_bad *b = test->param_value;
	struct tt *tt = tt_new_slots(test, 512, 2, 8, 0);
	struct clfs_policy base = {
		.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_LOG_TAIL,
		.max_containers = 6,
		.tail_free_pct = 30,
	};
	struct clfs_policy before, after;
	struct clfs_log_info i0, i1;

	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &base), 0);
	mt_policy(tt, &before);
	tl_info(tt->tl, &i0);
	KUNIT_EXPECT_EQ(test, clfs_policy_install(tt_log(tt), &b->p), b->err);
	mt_policy(tt, &after);
	tl_info(tt->tl, &i1);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);
	KUNIT_EXPECT_EQ(test, i1.generation, i0.generation);
	KUNIT_EXPECT_EQ(test, i1.nr_containers, i0.nr_containers);
}

/* Policies are metadata: a clean reopen and a power cut keep them. */
static void clfs_mgmt_policy_persists(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 2, 8, 0);
	struct clfs_policy q;

	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &mt_all), 0);
	tt_reopen(tt);
	mt_policy(tt, &q);
	KUNIT_EXPECT_EQ(test, memcmp(&q, &mt_all, sizeof(q)), 0);
	KUNIT_EXPECT_EQ(test, mt_size(tt), 3U);
	KUNIT_ASSERT_EQ(test, clfs_policy_remove(tt_log(tt),
						 CLFS_POLICY_AUTO_SHRINK), 0);
	tt_crash_reopen(tt);
	mt_policy(tt, &q);
	KUNIT_EXPECT_EQ(test, q.installed,
			CLFS_POLICY_ALL & ~CLFS_POLICY_AUTO_SHRINK);
	KUNIT_EXPECT_EQ(test, q.shrink_free_pct, 0U);
	KUNIT_EXPECT_EQ(test, q.growth_pct, 50U);
}

/* A maximum below the size shrinks the log, unless records are in the way. */
static void clfs_mgmt_policy_max_shrinks_or_busy(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 6, 8, 0);
	struct clfs_policy max4 = {
		.installed = CLFS_POLICY_MAX_SIZE, .max_containers = 4,
	};
	struct clfs_policy max2 = max4, q;
	struct clfs_log_info info;
	u64 *lsn = mt_lsns(test);

	tt_open(tt, 0, 0);
	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &max4), 0);
	KUNIT_EXPECT_EQ(test, mt_size(tt), 4U);
	/* Three containers hold records: a maximum of 2 cannot be reached. */
	do {
		KUNIT_ASSERT_EQ(test, mt_fill(tt, 0, lsn, 10), 10U);
		tl_info(tt->tl, &info);
	} while (info.nr_active < 3);
	max2.max_containers = 2;
	KUNIT_EXPECT_EQ(test, clfs_policy_install(tt_log(tt), &max2), -EBUSY);
	KUNIT_EXPECT_EQ(test, mt_size(tt), 4U);
	mt_policy(tt, &q);
	KUNIT_EXPECT_EQ(test, q.max_containers, 4U);
}

/* Set size within the policies, and a shrink that active containers stop. */
static void clfs_mgmt_set_size(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 2, 8, 0);
	struct clfs_policy range = {
		.installed = CLFS_POLICY_MIN_SIZE | CLFS_POLICY_MAX_SIZE,
		.min_containers = 3, .max_containers = 6,
	};
	struct clfs_container_info ci[8];
	struct clfs_log_info info;
	u64 *lsn = mt_lsns(test);
	u32 result = 0;
	int n, k;

	tt_open(tt, 0, 0);
	KUNIT_EXPECT_EQ(test, clfs_log_set_size(tt_log(tt), 5, &result), 0);
	KUNIT_EXPECT_EQ(test, result, 5U);
	KUNIT_EXPECT_EQ(test, clfs_log_set_size(tt_log(tt), 9, &result),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, clfs_log_set_size(tt_log(tt), 1, &result),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, result, 5U);
	/* Growing took the lowest slots: 0..4 are the log, 5..7 are not. */
	n = clfs_container_scan(tt_log(tt), 0, ci, ARRAY_SIZE(ci));
	KUNIT_ASSERT_EQ(test, n, 5);
	for (k = 0; k < n; k++)
		KUNIT_EXPECT_EQ(test, ci[k].physical_id, (u32)k);

	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &range), 0);
	KUNIT_EXPECT_EQ(test, clfs_log_set_size(tt_log(tt), 7, &result),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, clfs_log_set_size(tt_log(tt), 2, &result),
			-ERANGE);

	do {
		KUNIT_ASSERT_EQ(test, mt_fill(tt, 0, lsn, 10), 10U);
		tl_info(tt->tl, &info);
	} while (info.nr_active < 4);
	/* Only the one free container can go: 4 containers, not 3. */
	KUNIT_EXPECT_EQ(test, clfs_log_set_size(tt_log(tt), 3, &result),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, result, 4U);
	KUNIT_EXPECT_EQ(test, mt_size(tt), 4U);
	tt_reopen(tt);
	KUNIT_EXPECT_EQ(test, mt_size(tt), 4U);
}

/*
 * The slow consumer: it never moves its base by itself. The log grows to
 * its maximum first; then, while the last container fills, one request
 * names the stream's first record in the second-oldest container; it
 * stays the only one until answered; answering lets appends resume.
 */
static void clfs_mgmt_slow_consumer(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 2, 6, 0);
	struct clfs_policy grow = {
		.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_AUTO_GROW |
			     CLFS_POLICY_GROWTH_RATE,
		.max_containers = 4, .auto_grow = 1, .growth_containers = 1,
	};
	u64 *lsn = mt_lsns(test);
	struct clfs_stream_info si;
	struct clfs_mgmt_info info;
	struct mt_client *mc;
	struct tt_rec r;
	u32 n;
	u64 want;

	tt_open(tt, 0, 0);
	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &grow), 0);
	mc = mt_register(test, tt, 0, false);

	n = mt_fill(tt, 0, lsn, MT_MAX_RECS);
	KUNIT_ASSERT_LT(test, n, (u32)MT_MAX_RECS);
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.nr_containers, 4U);
	KUNIT_EXPECT_EQ(test, info.grown, 2ULL);
	KUNIT_EXPECT_TRUE(test, info.flags & CLFS_MGMT_FULL);
	KUNIT_EXPECT_FALSE(test, info.flags & CLFS_MGMT_PINNED);
	/* Four containers of records: the log was full, not just growing. */
	KUNIT_EXPECT_EQ(test, clfs_lsn_container(lsn[n - 1]) -
			clfs_lsn_container(lsn[0]), 3U);

	clfs_mgmt_sync(tt_log(tt));
	KUNIT_ASSERT_EQ(test, mc->nr_advance, 1U);
	want = mt_first_from(lsn, n, clfs_lsn_container(lsn[0]) + 1);
	KUNIT_EXPECT_EQ(test, mc->target, want);
	mt_expect_record(tt, mc->target, 0);

	KUNIT_EXPECT_EQ(test, clfs_mgmt_handle_log_full(mc->c), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, tt_append(tt, 0, MT_REC, 0, &r), -ENOSPC);
	clfs_mgmt_sync(tt_log(tt));
	KUNIT_EXPECT_EQ(test, mc->nr_advance, 1U);
	KUNIT_EXPECT_EQ(test, mc->nr_handled, 0U);
	tt_query(tt, 0, &si);
	KUNIT_EXPECT_EQ(test, si.mgmt_flags, CLFS_STREAM_MGMT_CLIENT |
			CLFS_STREAM_MGMT_REQUEST | CLFS_STREAM_MGMT_WAITING);
	KUNIT_EXPECT_EQ(test, si.tail_request_lsn, want);
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.nr_requests, 1U);
	KUNIT_EXPECT_EQ(test, info.nr_waiting, 1U);

	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], mc->target), 0);
	KUNIT_ASSERT_GT(test, mt_wait(mc, mc->nr_handled == 1), 0L);
	KUNIT_EXPECT_EQ(test, mc->status, 0);
	/*
	 * The append takes the container just freed, the last free one
	 * again: the next request goes out at once, one container further.
	 */
	KUNIT_EXPECT_EQ(test, tt_append(tt, 0, MT_REC, 0, &r), 0);
	clfs_mgmt_sync(tt_log(tt));
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
	KUNIT_EXPECT_EQ(test, info.pinned_events, 0ULL);
	KUNIT_EXPECT_EQ(test, mc->nr_unpinned, 0U);
	KUNIT_EXPECT_EQ(test, info.nr_requests, 1U);
	KUNIT_EXPECT_EQ(test, mc->nr_advance, 2U);
	KUNIT_EXPECT_EQ(test, mc->target,
			mt_first_from(lsn, n, clfs_lsn_container(lsn[0]) + 2));
}

/* A failure pins the log; the next tail move unpins it. */
static void clfs_mgmt_pinned_then_unpinned(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 2, 2, 0);
	u64 *lsn = mt_lsns(test);
	struct clfs_stream_info si;
	struct clfs_mgmt_info info;
	struct mt_client *mc;
	struct tt_rec r;
	u32 n;

	tt_open(tt, 0, 0);
	mc = mt_register(test, tt, 0, false);
	n = mt_fill(tt, 0, lsn, MT_MAX_RECS);
	clfs_mgmt_sync(tt_log(tt));
	KUNIT_ASSERT_EQ(test, mc->nr_advance, 1U);
	KUNIT_EXPECT_EQ(test, clfs_mgmt_handle_log_full(mc->c), -EINPROGRESS);

	KUNIT_EXPECT_EQ(test, clfs_mgmt_tail_advance_failure(mc->c, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_mgmt_tail_advance_failure(mc->c, -EAGAIN), 0);
	/* Answered: a second report has nothing to answer. */
	KUNIT_EXPECT_EQ(test, clfs_mgmt_tail_advance_failure(mc->c, -EAGAIN),
			-EINVAL);
	KUNIT_ASSERT_GT(test, mt_wait(mc, mc->nr_handled == 1), 0L);
	KUNIT_EXPECT_EQ(test, mc->status, -ENOSPC);
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.flags, CLFS_MGMT_FULL | CLFS_MGMT_PINNED);
	KUNIT_EXPECT_EQ(test, info.pinned_events, 1ULL);
	tt_query(tt, 0, &si);
	KUNIT_EXPECT_EQ(test, si.mgmt_flags,
			CLFS_STREAM_MGMT_CLIENT | CLFS_STREAM_MGMT_FAILED);
	/* Pinned: no new request either. */
	KUNIT_EXPECT_EQ(test, mc->nr_advance, 1U);

	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], lsn[n - 1]), 0);
	KUNIT_ASSERT_GT(test, mt_wait(mc, mc->nr_unpinned == 1), 0L);
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
	tt_query(tt, 0, &si);
	KUNIT_EXPECT_EQ(test, si.mgmt_flags, CLFS_STREAM_MGMT_CLIENT);
	KUNIT_EXPECT_EQ(test, tt_append(tt, 0, MT_REC, 0, &r), 0);
}

/* With no client to ask, a full log is pinned at once. */
static void clfs_mgmt_no_client_pins(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 2, 2, 0);
	u64 *lsn = mt_lsns(test);
	struct clfs_mgmt_info info;
	u32 n;

	tt_open(tt, 0, 0);
	n = mt_fill(tt, 0, lsn, MT_MAX_RECS);
	clfs_mgmt_sync(tt_log(tt));
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.flags, CLFS_MGMT_FULL | CLFS_MGMT_PINNED);
	KUNIT_EXPECT_EQ(test, info.requests_sent, 0ULL);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], lsn[n - 1]), 0);
	clfs_mgmt_sync(tt_log(tt));
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
}

/*
 * Two streams share a log; B keeps its base near the head, A never moves
 * it. Only A is asked, and its target is A's own first record past the
 * oldest container, though B's records surround it.
 */
static void clfs_mgmt_asks_only_the_lagging_stream(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 3, 3, CLFS_LOG_MULTIPLEXED);
	u64 *a = mt_lsns(test);
	struct mt_client *ma, *mb;
	struct tt_rec r;
	u32 na = 0, k;
	int ret;

	tt_create(tt, 0);
	tt_create(tt, 1);
	ma = mt_register(test, tt, 0, false);
	mb = mt_register(test, tt, 1, false);
	for (k = 0; k < MT_MAX_RECS; k++) {
		ret = tt_append(tt, k & 1, MT_REC, 0, &r);
		if (ret == -ENOSPC)
			break;
		KUNIT_ASSERT_EQ(test, ret, 0);
		if (!(k & 1))
			a[na++] = r.lsn;
		else if (k % 10 == 9)
			KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[1], r.lsn),
					0);
	}
	KUNIT_ASSERT_LT(test, k, (u32)MT_MAX_RECS);
	clfs_mgmt_sync(tt_log(tt));
	KUNIT_EXPECT_EQ(test, mb->nr_advance, 0U);
	KUNIT_ASSERT_EQ(test, ma->nr_advance, 1U);
	KUNIT_EXPECT_EQ(test, ma->target,
			mt_first_from(a, na, clfs_lsn_container(a[0]) + 1));
	mt_expect_record(tt, ma->target, tt->id[0]);
}

/*
 * A client that moves its base from the callback: the producer appends
 * five logs' worth, waiting in handle-log-full whenever it is full.
 */
static void clfs_mgmt_callback_answers_keep_producer_going(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 3, 3, 0);
	struct clfs_mgmt_info info;
	struct mt_client *mc;
	u32 k, handled = 0, waits = 0;
	struct tt_rec r;
	int ret;

	tt_open(tt, 0, 0);
	mc = mt_register(test, tt, 0, true);
	for (k = 0; k < 5 * 3 * 60; k++) {
		ret = tt_append(tt, 0, MT_REC, 0, &r);
		if (ret == -ENOSPC) {
			ret = clfs_mgmt_handle_log_full(mc->c);
			if (ret == -EINPROGRESS) {
				KUNIT_ASSERT_GT(test, mt_wait(mc, mc->nr_handled >
							       handled), 0L);
				handled = mc->nr_handled;
				KUNIT_ASSERT_EQ(test, mc->status, 0);
				waits++;
			} else {
				KUNIT_ASSERT_EQ(test, ret, 0);
			}
			ret = tt_append(tt, 0, MT_REC, 0, &r);
		}
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "record %u", k);
	}
	KUNIT_EXPECT_EQ(test, mc->answer_ret, 0);
	KUNIT_EXPECT_GE(test, mc->nr_advance, 4U);
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.pinned_events, 0ULL);
	mt_expect_record(tt, r.lsn, 0);
	kunit_info(test, "%u requests, %u waits in handle-log-full\n",
		   mc->nr_advance, waits);
}

/* The documented shrink rule, for the expected sizes. */
static u32 mt_shrink_rule(u32 size, u32 nr_free, u32 min, u32 pct)
{
	u32 n = 0;

	while (size - n > min && nr_free - n > 1 &&
	       (nr_free - n) * 100 >= pct * (size - n))
		n++;
	return size - n;
}

static const u32 mt_mins[] = { 0, 3 };

static void mt_min_desc(const u32 *min, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "min %u", *min);
}

KUNIT_ARRAY_PARAM(mt_min, mt_mins, mt_min_desc);

/* A large base move frees containers and AUTO_SHRINK gives them back. */
static void clfs_mgmt_auto_shrink(struct kunit *test)
{
	const u32 *min = test->param_value;
	struct tt *tt = tt_new_slots(test, 512, 8, 8, 0);
	struct clfs_policy p = {
		.installed = CLFS_POLICY_AUTO_SHRINK, .shrink_free_pct = 50,
	};
	struct clfs_container_info ci[8];
	struct clfs_mgmt_info info;
	struct clfs_log_info li;
	u64 *lsn = mt_lsns(test);
	u32 want, k;
	int n;

	if (*min) {
		p.installed |= CLFS_POLICY_MIN_SIZE;
		p.min_containers = *min;
	}
	tt_open(tt, 0, 0);
	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &p), 0);
	do {
		KUNIT_ASSERT_EQ(test, mt_fill(tt, 0, lsn, 10), 10U);
		tl_info(tt->tl, &li);
	} while (li.nr_active < 5);
	KUNIT_EXPECT_EQ(test, mt_size(tt), 8U);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(tt->m[0], lsn[9]), 0);
	tl_info(tt->tl, &li);
	want = mt_shrink_rule(8, 8 - li.nr_active, *min ?: 2, 50);
	mt_info(tt, &info);
	KUNIT_EXPECT_EQ(test, info.nr_containers, want);
	KUNIT_EXPECT_GE(test, info.nr_containers, *min ?: 2U);
	KUNIT_EXPECT_LT(test, info.nr_containers, 8U);
	KUNIT_EXPECT_EQ(test, info.shrunk, (u64)(8 - want));
	/* The highest free slots went first. */
	n = clfs_container_scan(tt_log(tt), 0, ci, ARRAY_SIZE(ci));
	KUNIT_ASSERT_EQ(test, n, (int)want);
	for (k = 0; k < want; k++)
		if (ci[k].state == CLFS_CONTAINER_FREE)
			KUNIT_EXPECT_LT(test, ci[k].physical_id,
					ci[want - 1].physical_id + 1);
	/* Still a working log, and the size is durable. */
	KUNIT_EXPECT_EQ(test, mt_fill(tt, 0, lsn, 100), 100U);
	tt_reopen(tt);
	KUNIT_EXPECT_EQ(test, mt_size(tt), want);
}

/* A reservation the free containers cannot hold grows the log first. */
static void clfs_mgmt_reservation_grows(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 2, 8, 0);
	struct clfs_policy grow = {
		.installed = CLFS_POLICY_AUTO_GROW, .auto_grow = 1,
	};
	struct clfs_mgmt_info info;
	s64 sizes[64];
	u32 k;

	tt_open(tt, 0, 0);
	for (k = 0; k < ARRAY_SIZE(sizes); k++)
		sizes[k] = 3000;
	KUNIT_EXPECT_EQ(test, clfs_alloc_reserved(tt->m[0], 64, sizes),
			-ENOSPC);
	for (k = 0; k < ARRAY_SIZE(sizes); k++)
		sizes[k] = 3000;
	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &grow), 0);
	KUNIT_EXPECT_EQ(test, clfs_alloc_reserved(tt->m[0], 64, sizes), 0);
	mt_info(tt, &info);
	KUNIT_EXPECT_GT(test, info.nr_containers, 2U);
	KUNIT_EXPECT_EQ(test, info.grown, (u64)info.nr_containers - 2);
	KUNIT_EXPECT_GE(test, info.nr_free, info.nr_held);
	KUNIT_EXPECT_GT(test, info.nr_held, 2U);
}

/* Registration and answers are checked; a read-only log refuses changes. */
static void clfs_mgmt_refuses_bad_calls(struct kunit *test)
{
	struct tt *tt = tt_new_slots(test, 512, 2, 4, 0);
	struct clfs_policy q;
	struct mt_client *mc;
	u32 result;

	tt_open(tt, 0, 0);
	KUNIT_EXPECT_PTR_EQ(test, clfs_mgmt_register(tt->s[0], NULL, NULL),
			    ERR_PTR(-EINVAL));
	mc = mt_register(test, tt, 0, false);
	KUNIT_EXPECT_PTR_EQ(test, clfs_mgmt_register(tt->s[0], &mt_ops, mc),
			    ERR_PTR(-EBUSY));
	KUNIT_EXPECT_EQ(test, clfs_mgmt_tail_advance_failure(mc->c, -EIO),
			-EINVAL);
	/* Room: handle-log-full answers at once, with no event. */
	KUNIT_EXPECT_EQ(test, clfs_mgmt_handle_log_full(mc->c), 0);
	clfs_mgmt_sync(tt_log(tt));
	KUNIT_EXPECT_EQ(test, mc->nr_handled, 0U);
	clfs_mgmt_deregister(mc->c);
	mc->c = NULL;

	KUNIT_ASSERT_EQ(test, clfs_policy_install(tt_log(tt), &(struct clfs_policy){
		.installed = CLFS_POLICY_AUTO_GROW, .auto_grow = 1 }), 0);
	tt_close_all(tt);
	tl_close(tt->tl);
	KUNIT_ASSERT_EQ(test, tl_open(tt->tl, CLFS_OPEN_READ_ONLY), 0);
	tt_open(tt, 0, 0);
	KUNIT_EXPECT_PTR_EQ(test, clfs_mgmt_register(tt->s[0], &mt_ops, NULL),
			    ERR_PTR(-EROFS));
	KUNIT_EXPECT_EQ(test, clfs_policy_install(tt_log(tt), &mt_all), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_policy_remove(tt_log(tt), CLFS_POLICY_ALL),
			-EROFS);
	KUNIT_EXPECT_EQ(test, clfs_log_set_size(tt_log(tt), 3, &result), -EROFS);
	mt_policy(tt, &q);
	KUNIT_EXPECT_EQ(test, q.installed, CLFS_POLICY_AUTO_GROW);
}

static struct kunit_case clfs_mgmt_cases[] = {
	KUNIT_CASE(clfs_mgmt_policy_round_trip),
	KUNIT_CASE_PARAM(clfs_mgmt_policy_conflict_refused, mt_bad_gen_params),
	KUNIT_CASE(clfs_mgmt_policy_persists),
	KUNIT_CASE(clfs_mgmt_policy_max_shrinks_or_busy),
	KUNIT_CASE(clfs_mgmt_set_size),
	KUNIT_CASE(clfs_mgmt_slow_consumer),
	KUNIT_CASE(clfs_mgmt_pinned_then_unpinned),
	KUNIT_CASE(clfs_mgmt_no_client_pins),
	KUNIT_CASE(clfs_mgmt_asks_only_the_lagging_stream),
	KUNIT_CASE(clfs_mgmt_callback_answers_keep_producer_going),
	KUNIT_CASE_PARAM(clfs_mgmt_auto_shrink, mt_min_gen_params),
	KUNIT_CASE(clfs_mgmt_reservation_grows),
	KUNIT_CASE(clfs_mgmt_refuses_bad_calls),
	{}
};

static struct kunit_suite clfs_mgmt_suite = {
	.name = "clfs_mgmt",
	.test_cases = clfs_mgmt_cases,
};

kunit_test_suite(clfs_mgmt_suite);
