// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_read": reading records back through read contexts
 * (kmod/stream/clfs_read.c): by LSN, forward, along previous and undo-next
 * LSNs, restart areas; from the open block, from blocks in flight and from
 * the device, before and after a crash; and the errors of each.
 *
 * Every case appends through the stream API and keeps a model of what it
 * appended (struct rt_rec), then checks each record read against it, byte
 * for byte.
 */
#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "stream/clfs_stream.h"
#include "log_test_util.h"

/* Container size of every case: the smallest the format allows. */
#define RT_CB		(64 * 1024)
#define RT_MAX_STREAMS	4
#define RT_MAX_CTX	16
#define RT_MAX_RECS	1024

/* One record the case appended. */
struct rt_rec {
	u64 lsn;
	u64 prev_lsn;
	u64 undo_next_lsn;
	u32 type;
	u32 len;
	u32 seq;
	u32 sid;
};

/*
 * A log on a memdev with stream handles and marshalling areas, read
 * contexts the case has not terminated, and the model.
 */
struct rt {
	struct kunit *test;
	struct tl *tl;
	struct clfs_stream *s[RT_MAX_STREAMS];
	struct clfs_marshal *m[RT_MAX_STREAMS];
	struct clfs_read_ctx *ctx[RT_MAX_CTX];
	struct rt_rec *recs;
	u32 nr_recs;
	u32 next_seq;
	u8 *data;
};

/* ---- setup and teardown --------------------------------------------------- */

static void rt_term_all(struct rt *rt)
{
	u32 i;

	for (i = 0; i < RT_MAX_CTX; i++) {
		clfs_terminate_read_log(rt->ctx[i]);
		rt->ctx[i] = NULL;
	}
}

/* Contexts, areas and handles go before the log closes (tl's cleanup). */
static void rt_detach(struct rt *rt)
{
	u32 i;

	rt_term_all(rt);
	for (i = 0; i < RT_MAX_STREAMS; i++) {
		if (rt->m[i])
			clfs_marshal_delete(rt->m[i]);
		rt->m[i] = NULL;
		if (rt->s[i])
			clfs_stream_close(rt->s[i]);
		rt->s[i] = NULL;
	}
}

static void rt_res_free(struct kunit_resource *res)
{
	struct rt *rt = res->data;

	/* A failed case may have left held I/O: the deletes wait for it. */
	if (rt->tl->log)
		clfs_memdev_set_completion(rt->tl->m, CLFS_MEMDEV_INLINE);
	rt_detach(rt);
	kvfree(rt->recs);
	kvfree(rt->data);
}

static int rt_res_init(struct kunit_resource *res, void *data)
{
	res->data = data;
	return 0;
}

static struct clfs_marshal_params rt_params(u32 block_bytes)
{
	struct clfs_marshal_params p = { .block_bytes = block_bytes };

	return p;
}

/* Open stream @sid and an area on it with @p; index @i in @rt. */
static void rt_attach(struct rt *rt, u32 i, u32 sid,
		      const struct clfs_marshal_params *p)
{
	struct kunit *test = rt->test;
	struct clfs_stream *s;
	struct clfs_marshal *m;

	s = clfs_stream_open(rt->tl->log, sid);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	rt->s[i] = s;
	m = clfs_marshal_create(s, p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	rt->m[i] = m;
}

/* Stream @i of a multiplexed log: created, opened, with an area. */
static void rt_add_stream(struct rt *rt, u32 i, u32 block_bytes)
{
	struct clfs_marshal_params p = rt_params(block_bytes);
	u32 sid;

	KUNIT_ASSERT_EQ(rt->test, clfs_stream_create(rt->tl->log, &sid), 0);
	rt_attach(rt, i, sid, &p);
}

/*
 * A log of @nr_containers containers of RT_CB on a @sector device, with
 * create @flags, stream 0 open with an area of @block_bytes. The
 * bounded-delay flush is pushed out of the way, so that what a case leaves
 * in the open block stays there until the case seals it.
 */
static struct rt *rt_new(struct kunit *test, unsigned int sector,
			 u32 nr_containers, u32 flags, u32 block_bytes)
{
	struct rt *rt = kunit_kzalloc(test, sizeof(*rt), GFP_KERNEL);
	struct clfs_marshal_params p = rt_params(block_bytes);

	KUNIT_ASSERT_NOT_NULL(test, rt);
	rt->test = test;
	rt->tl = tl_new(test, sector, TL_MD_AREA + nr_containers * RT_CB);
	KUNIT_ASSERT_EQ(test, tl_format(rt->tl, RT_CB, nr_containers, flags),
			0);
	KUNIT_ASSERT_EQ(test, tl_open(rt->tl, 0), 0);
	rt->recs = kvcalloc(RT_MAX_RECS, sizeof(*rt->recs), GFP_KERNEL);
	rt->data = kvmalloc(CLFS_BLK_MAX_BYTES, GFP_KERNEL);
	if (!rt->recs || !rt->data || !kunit_alloc_resource(test, rt_res_init,
							    rt_res_free,
							    GFP_KERNEL, rt)) {
		kvfree(rt->recs);
		kvfree(rt->data);
		KUNIT_ASSERT_FAILURE(test, "cannot set up the case");
	}
	rt->tl->log->streams->flush_delay = 3600 * HZ;
	/* A multiplexed log starts without streams. */
	if (flags & CLFS_LOG_MULTIPLEXED)
		rt_add_stream(rt, 0, block_bytes);
	else
		rt_attach(rt, 0, 0, &p);
	return rt;
}

/* ---- appending, with the model -------------------------------------------- */

/*
 * Append a record through area @i: @len bytes of pattern, @type, the two
 * back-pointers, append @flags. Returns its model entry.
 */
static struct rt_rec *rt_append_full(struct rt *rt, u32 i, u32 type,
				     u64 prev, u64 undo, u32 len, u32 flags)
{
	struct kunit *test = rt->test;
	struct rt_rec *r;
	struct kvec v;
	struct clfs_append a = {
		.entries = &v,
		.nr_entries = 1,
		.type = type,
		.flags = flags,
		.prev_lsn = prev,
		.undo_next_lsn = undo,
	};
	u64 lsn;

	KUNIT_ASSERT_LT(test, rt->nr_recs, (u32)RT_MAX_RECS);
	r = &rt->recs[rt->nr_recs];
	r->seq = rt->next_seq++;
	tl_fill(rt->data, len, r->seq);
	v.iov_base = rt->data;
	v.iov_len = len;
	KUNIT_ASSERT_EQ(test, clfs_reserve_and_append(rt->m[i], &a, &lsn), 0);
	if (rt->nr_recs)
		KUNIT_ASSERT_GT(test, lsn, rt->recs[rt->nr_recs - 1].lsn);
	r->lsn = lsn;
	r->prev_lsn = prev;
	r->undo_next_lsn = undo;
	r->type = type;
	r->len = len;
	r->sid = rt->s[i]->id;
	rt->nr_recs++;
	return r;
}

/* A data record whose length varies with its sequence number. */
static struct rt_rec *rt_append(struct rt *rt, u32 i, u32 flags)
{
	u32 len = (rt->next_seq * 37 + 5) % 201;
	u64 prev = rt->nr_recs ? rt->recs[rt->nr_recs - 1].lsn : CLFS_LSN_NULL;

	return rt_append_full(rt, i, CLFS_RECORD_DATA, prev, prev, len, flags);
}

static struct rt_rec *rt_find(struct rt *rt, u64 lsn)
{
	u32 i;

	for (i = 0; i < rt->nr_recs; i++)
		if (rt->recs[i].lsn == lsn)
			return &rt->recs[i];
	return NULL;
}

/* ---- checking --------------------------------------------------------------- */

/* Does @rec hold exactly what the model says was appended at @want? */
static void rt_expect_rec(struct rt *rt, const struct clfs_record *rec,
			  const struct rt_rec *want)
{
	struct kunit *test = rt->test;

	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_EXPECT_EQ(test, rec->lsn, want->lsn);
	KUNIT_EXPECT_EQ(test, rec->prev_lsn, want->prev_lsn);
	KUNIT_EXPECT_EQ(test, rec->undo_next_lsn, want->undo_next_lsn);
	KUNIT_EXPECT_EQ(test, rec->type, want->type);
	KUNIT_ASSERT_EQ(test, rec->data_bytes, want->len);
	KUNIT_ASSERT_NOT_NULL(test, rec->data);
	tl_fill(rt->data, want->len, want->seq);
	KUNIT_EXPECT_EQ(test, memcmp(rec->data, rt->data, want->len), 0);
}

/* Keep @c to be terminated at cleanup; returns its slot. */
static u32 rt_keep(struct rt *rt, struct clfs_read_ctx *c)
{
	u32 i;

	for (i = 0; i < RT_MAX_CTX; i++) {
		if (!rt->ctx[i]) {
			rt->ctx[i] = c;
			return i;
		}
	}
	clfs_terminate_read_log(c);
	KUNIT_FAIL(rt->test, "too many read contexts");
	return 0;
}

static void rt_term(struct rt *rt, struct clfs_read_ctx *c)
{
	u32 i;

	for (i = 0; i < RT_MAX_CTX; i++)
		if (rt->ctx[i] == c)
			rt->ctx[i] = NULL;
	clfs_terminate_read_log(c);
}

/* Read @lsn through area @i; returns the context (kept) or an ERR_PTR. */
static struct clfs_read_ctx *rt_read(struct rt *rt, u32 i, u64 lsn, u32 mode,
				     u32 filter, struct clfs_record *rec)
{
	struct clfs_read_ctx *c;

	c = clfs_read_log_record(rt->m[i], lsn, mode, filter, rec);
	if (!IS_ERR_OR_NULL(c))
		rt_keep(rt, c);
	KUNIT_EXPECT_NOT_NULL(rt->test, c);
	return c;
}

/* The error of reading @lsn (0 if it reads; the context is dropped). */
static int rt_read_err(struct rt *rt, u32 i, u64 lsn, u32 mode, u32 filter)
{
	struct clfs_record rec;
	struct clfs_read_ctx *c = rt_read(rt, i, lsn, mode, filter, &rec);

	if (IS_ERR(c))
		return PTR_ERR(c);
	rt_term(rt, c);
	return 0;
}

/*
 * Walk @c with clfs_read_next_log_record() and expect exactly the records
 * @want[0..@n) (LSNs), checked against the model, then @end.
 */
static void rt_expect_walk(struct rt *rt, struct clfs_read_ctx *c,
			   const u64 *want, u32 n, int end)
{
	struct kunit *test = rt->test;
	struct clfs_record rec;
	u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = clfs_read_next_log_record(c, &rec);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "step %u of %u", i, n);
		KUNIT_ASSERT_EQ_MSG(test, rec.lsn, want[i], "step %u", i);
		rt_expect_rec(rt, &rec, rt_find(rt, want[i]));
	}
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), end);
}

static u64 rt_blocks_written(struct rt *rt)
{
	struct clfs_log_info info;

	tl_info(rt->tl, &info);
	return info.blocks_written;
}

static u64 rt_device_reads(struct rt *rt)
{
	return tl_stats(rt->tl).reads;
}

/* Forward from the first record of stream area @i: every one, in order. */
static void rt_expect_forward_all(struct rt *rt, u32 i, u32 filter)
{
	struct kunit *test = rt->test;
	u32 sid = rt->s[i]->id, n = 0, k;
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 *want;

	want = kunit_kcalloc(test, rt->nr_recs, sizeof(*want), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (k = 0; k < rt->nr_recs; k++)
		if (rt->recs[k].sid == sid &&
		    (filter & (1U << rt->recs[k].type)))
			want[n++] = rt->recs[k].lsn;
	KUNIT_ASSERT_GT(test, n, 0U);
	c = rt_read(rt, i, want[0], CLFS_READ_FORWARD, filter, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	rt_expect_rec(rt, &rec, rt_find(rt, want[0]));
	rt_expect_walk(rt, c, want + 1, n - 1, -ENODATA);
	rt_term(rt, c);
}

/* ---- reading by LSN ------------------------------------------------------- */

/*
 * Each record read by its LSN is exactly what was appended: bytes, size
 * (zero included), type and both back-pointers, from the open block and,
 * after a flush, from the device.
 */
static void clfs_read_by_lsn_returns_exact_record(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 4096);
	static const u32 lens[] = { 0, 1, 7, 8, 100, 1000, 3000 };
	struct clfs_record rec;
	struct rt_rec *r;
	u32 i, pass;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		u64 prev = i ? rt->recs[i - 1].lsn : CLFS_LSN_INVALID;
		u64 undo = i > 1 ? rt->recs[i - 2].lsn : CLFS_LSN_NULL;

		rt_append_full(rt, 0, i % 3 ? CLFS_RECORD_DATA :
			       CLFS_RECORD_RESTART, prev, undo, lens[i], 0);
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < rt->nr_recs; i++) {
			r = &rt->recs[i];
			KUNIT_ASSERT_FALSE(test, IS_ERR(rt_read(rt, 0, r->lsn,
						CLFS_READ_FORWARD,
						CLFS_FILTER_ALL, &rec)));
			rt_expect_rec(rt, &rec, r);
			rt_term_all(rt);
		}
		KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	}
}

/* Records of one completed block are served from the context's copy. */
static void clfs_read_caches_the_current_block(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 8192);
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 reads, want[7];
	u32 i;

	for (i = 0; i < 8; i++)
		rt_append(rt, 0, 0);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	/* All in one block. */
	KUNIT_ASSERT_EQ(test, clfs_lsn_block(rt->recs[7].lsn),
			clfs_lsn_block(rt->recs[0].lsn));
	reads = rt_device_reads(rt);
	c = rt_read(rt, 0, rt->recs[0].lsn, CLFS_READ_FORWARD,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_GT(test, rt_device_reads(rt), reads);
	reads = rt_device_reads(rt);
	for (i = 0; i < 7; i++)
		want[i] = rt->recs[i + 1].lsn;
	rt_expect_walk(rt, c, want, 7, -ENODATA);
	KUNIT_EXPECT_EQ(test, rt_device_reads(rt), reads);
}

/* ---- forward ------------------------------------------------------------------ */

/*
 * Forward from the first record visits every record of the stream in
 * order, through many blocks and several containers, then -ENODATA.
 */
static void clfs_read_forward_visits_every_record_across_containers(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct rt *rt = rt_new(test, sector, 4, 0, sector);
	/* Two and a half containers of one-record blocks. */
	u32 n = 5 * (RT_CB / sector) / 2, i;
	struct clfs_log_info info;

	for (i = 0; i < n; i++)
		rt_append(rt, 0, CLFS_APPEND_FORCE_APPEND);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	KUNIT_EXPECT_GE(test, clfs_lsn_container(rt->recs[n - 1].lsn),
			clfs_lsn_container(rt->recs[0].lsn) + 2);
	tl_info(rt->tl, &info);
	KUNIT_EXPECT_GE(test, info.blocks_written, (u64)n);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
}

/*
 * At the end, a forward context stays on the last record: once more is
 * appended (into the open block, then sealed), it goes on from there.
 */
static void clfs_read_forward_at_end_continues_after_append(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 4096);
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 want[3];

	rt_append(rt, 0, 0);
	c = rt_read(rt, 0, rt->recs[0].lsn, CLFS_READ_FORWARD,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ENODATA);
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ENODATA);
	/* Same (open) block, after the context copied it. */
	want[0] = rt_append(rt, 0, 0)->lsn;
	rt_expect_walk(rt, c, want, 1, -ENODATA);
	/* Sealed and written, then a record in the next block. */
	want[0] = rt_append(rt, 0, CLFS_APPEND_FORCE_APPEND)->lsn;
	want[1] = rt_append(rt, 0, 0)->lsn;
	KUNIT_EXPECT_NE(test, clfs_lsn_block(want[1]), clfs_lsn_block(want[0]));
	rt_expect_walk(rt, c, want, 2, -ENODATA);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	want[0] = rt_append(rt, 0, CLFS_APPEND_FORCE_FLUSH)->lsn;
	rt_expect_walk(rt, c, want, 1, -ENODATA);
}

/*
 * In a multiplexed log, forward reads of each stream see only that
 * stream's records, skipping the other streams' blocks between them.
 */
static void clfs_read_forward_skips_other_streams(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 3,
			       CLFS_LOG_MULTIPLEXED, 4096);
	u32 i;

	rt_add_stream(rt, 1, 4096);
	rt_add_stream(rt, 2, 4096);
	for (i = 0; i < 60; i++) {
		/* Runs of different lengths, so blocks differ too. */
		rt_append(rt, i % 3 == 2 ? 2 : i % 7 < 4 ? 0 : 1, 0);
	}
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
	rt_expect_forward_all(rt, 1, CLFS_FILTER_ALL);
	rt_expect_forward_all(rt, 2, CLFS_FILTER_ALL);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
	rt_expect_forward_all(rt, 1, CLFS_FILTER_ALL);
	rt_expect_forward_all(rt, 2, CLFS_FILTER_ALL);
}

/* The filter passes over records of the types it excludes. */
static void clfs_read_forward_filter_skips_types(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 1024);
	u32 i;

	for (i = 0; i < 40; i++) {
		u64 prev = i ? rt->recs[i - 1].lsn : CLFS_LSN_NULL;

		rt_append_full(rt, 0, (i * i) % 5 == 1 ? CLFS_RECORD_RESTART :
			       CLFS_RECORD_DATA, prev, prev, 10 + i * 3,
			       i % 9 == 0 ? CLFS_APPEND_FORCE_APPEND : 0);
	}
	/* Starts on a record of the filtered type. */
	KUNIT_ASSERT_EQ(test, rt->recs[0].type, (u32)CLFS_RECORD_DATA);
	KUNIT_ASSERT_EQ(test, rt->recs[1].type, (u32)CLFS_RECORD_RESTART);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_DATA);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_RESTART);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
	/* The first record itself must pass the filter. */
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[0].lsn,
					  CLFS_READ_FORWARD,
					  CLFS_FILTER_RESTART), -ENOENT);
}

/* ---- previous and undo-next ---------------------------------------------- */

/*
 * Two interleaved transactions: previous LSNs link each one's records,
 * and the walk visits exactly them, newest first, ending at the
 * transaction's first record (CLFS_LSN_NULL, or CLFS_LSN_INVALID).
 */
static void clfs_read_previous_follows_prev_lsn(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 1024);
	u64 last[2] = { CLFS_LSN_NULL, CLFS_LSN_INVALID };
	u64 want[2][20];
	u32 n[2] = { 0, 0 }, i, t, k;
	struct clfs_read_ctx *c;
	struct clfs_record rec;

	for (i = 0; i < 30; i++) {
		t = (i % 3) == 1;
		last[t] = rt_append_full(rt, 0, CLFS_RECORD_DATA, last[t],
					 CLFS_LSN_NULL, 50 + i, 0)->lsn;
		want[t][n[t]++] = last[t];
	}
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	for (t = 0; t < 2; t++) {
		u64 back[20];

		for (k = 0; k + 1 < n[t]; k++)
			back[k] = want[t][n[t] - 2 - k];
		c = rt_read(rt, 0, last[t], CLFS_READ_PREVIOUS,
			    CLFS_FILTER_ALL, &rec);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c));
		rt_expect_rec(rt, &rec, rt_find(rt, last[t]));
		rt_expect_walk(rt, c, back, n[t] - 1, -ENODATA);
		/* The end is sticky: the context stays on the first record. */
		KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec),
				-ENODATA);
		rt_term(rt, c);
	}
}

/*
 * The ARIES worked example (SPEC 1, CLFS's "records 1, 2, 3, 4, 5, 5',
 * 4', 6"): a transaction writes updates 1-5, rolls back 5 and 4 with
 * compensation records 5' and 4' whose undo-next LSNs skip what they
 * undid (5' -> 4, 4' -> 3), then writes 6, whose undo-next is 3. Another
 * transaction's records are interleaved throughout. Undo-next from 6
 * visits exactly 3, 2, 1; previous from 6 visits every record of the
 * transaction.
 */
static void clfs_read_undo_next_aries_worked_example(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 1024);
	u64 u[7], c5, c4, six, other = CLFS_LSN_NULL, prev = CLFS_LSN_NULL;
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u32 i;

	/* Updates 1..5: ordinary records, undo-next = previous. */
	for (i = 1; i <= 5; i++) {
		u[i] = rt_append_full(rt, 0, CLFS_RECORD_DATA, prev, prev,
				      40 + i, i == 3 ? CLFS_APPEND_FORCE_APPEND :
				      0)->lsn;
		prev = u[i];
		other = rt_append_full(rt, 0, CLFS_RECORD_DATA, other, other,
				       11, 0)->lsn;
	}
	/* Rollback of 5, then of 4: compensation records. */
	c5 = rt_append_full(rt, 0, CLFS_RECORD_DATA, u[5], u[4], 20, 0)->lsn;
	rt_append_full(rt, 0, CLFS_RECORD_DATA, other, other, 11, 0);
	c4 = rt_append_full(rt, 0, CLFS_RECORD_DATA, c5, u[3], 21,
			    CLFS_APPEND_FORCE_APPEND)->lsn;
	six = rt_append_full(rt, 0, CLFS_RECORD_DATA, c4, u[3], 60, 0)->lsn;

	{
		const u64 undo6[] = { u[3], u[2], u[1] };
		const u64 undo5c[] = { u[4], u[3], u[2], u[1] };
		const u64 undo4c[] = { u[3], u[2], u[1] };
		const u64 prev6[] = { c4, c5, u[5], u[4], u[3], u[2], u[1] };

		c = rt_read(rt, 0, six, CLFS_READ_UNDO_NEXT, CLFS_FILTER_ALL,
			    &rec);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c));
		rt_expect_rec(rt, &rec, rt_find(rt, six));
		rt_expect_walk(rt, c, undo6, ARRAY_SIZE(undo6), -ENODATA);
		rt_term(rt, c);

		c = rt_read(rt, 0, c5, CLFS_READ_UNDO_NEXT, CLFS_FILTER_ALL,
			    &rec);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c));
		rt_expect_walk(rt, c, undo5c, ARRAY_SIZE(undo5c), -ENODATA);
		rt_term(rt, c);

		c = rt_read(rt, 0, c4, CLFS_READ_UNDO_NEXT, CLFS_FILTER_ALL,
			    &rec);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c));
		rt_expect_walk(rt, c, undo4c, ARRAY_SIZE(undo4c), -ENODATA);
		rt_term(rt, c);

		c = rt_read(rt, 0, six, CLFS_READ_PREVIOUS, CLFS_FILTER_ALL,
			    &rec);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c));
		rt_expect_walk(rt, c, prev6, ARRAY_SIZE(prev6), -ENODATA);
		rt_term(rt, c);
	}
}

/* A chain passes over records the filter excludes, along their pointers. */
static void clfs_read_chain_filter_passes_over_types(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 1024);
	u64 prev = CLFS_LSN_NULL, want[10];
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u32 i, n = 0;

	for (i = 0; i < 12; i++) {
		u32 type = i % 3 ? CLFS_RECORD_DATA : CLFS_RECORD_RESTART;

		prev = rt_append_full(rt, 0, type, prev, prev, 30, 0)->lsn;
	}
	/* Newest restart record first, then the older ones. */
	for (i = 12; i-- > 0;)
		if (rt->recs[i].type == CLFS_RECORD_RESTART)
			want[n++] = rt->recs[i].lsn;
	c = rt_read(rt, 0, want[0], CLFS_READ_PREVIOUS, CLFS_FILTER_RESTART,
		    &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	rt_expect_walk(rt, c, want + 1, n - 1, -ENODATA);
	rt_term(rt, c);
	c = rt_read(rt, 0, want[0], CLFS_READ_UNDO_NEXT, CLFS_FILTER_RESTART,
		    &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	rt_expect_walk(rt, c, want + 1, n - 1, -ENODATA);
}

/* ---- where the records are ------------------------------------------------ */

/* Records still in the open block read without a write or a device read. */
static void clfs_read_open_block_records_without_io(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 8192);
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 blocks, reads, want[5];
	u32 i;

	for (i = 0; i < 6; i++)
		rt_append(rt, 0, 0);
	blocks = rt_blocks_written(rt);
	reads = rt_device_reads(rt);
	c = rt_read(rt, 0, rt->recs[0].lsn, CLFS_READ_FORWARD,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	rt_expect_rec(rt, &rec, &rt->recs[0]);
	for (i = 0; i < 5; i++)
		want[i] = rt->recs[i + 1].lsn;
	rt_expect_walk(rt, c, want, 5, -ENODATA);
	rt_term(rt, c);
	c = rt_read(rt, 0, rt->recs[5].lsn, CLFS_READ_PREVIOUS,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	for (i = 0; i < 5; i++)
		want[i] = rt->recs[4 - i].lsn;
	rt_expect_walk(rt, c, want, 5, -ENODATA);
	KUNIT_EXPECT_EQ(test, rt_blocks_written(rt), blocks);
	KUNIT_EXPECT_EQ(test, rt_device_reads(rt), reads);
}

struct rt_reader {
	struct clfs_marshal *m;
	u64 lsn;
	struct clfs_record rec;
	int ret;
	struct completion done;
};

static int rt_reader_fn(void *arg)
{
	struct rt_reader *r = arg;
	struct clfs_read_ctx *c;

	c = clfs_read_log_record(r->m, r->lsn, CLFS_READ_FORWARD,
				 CLFS_FILTER_ALL, &r->rec);
	r->ret = PTR_ERR_OR_ZERO(c);
	/* Keep the data for the checker: the context goes with the thread. */
	if (!IS_ERR(c)) {
		r->rec.data = kmemdup(r->rec.data, r->rec.data_bytes ?: 1,
				      GFP_KERNEL);
		clfs_terminate_read_log(c);
	}
	complete(&r->done);
	return 0;
}

/*
 * A record whose block is being written is read once the write completes,
 * from the device; the reader waits for the completion, not for a flush.
 */
static void clfs_read_in_flight_block_waits_for_its_write(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 4096);
	struct rt_reader *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t;
	struct rt_rec *want;

	KUNIT_ASSERT_NOT_NULL(test, r);
	rt_append(rt, 0, CLFS_APPEND_FORCE_FLUSH);
	clfs_memdev_set_completion(rt->tl->m, CLFS_MEMDEV_HOLD);
	rt_append(rt, 0, 0);
	want = rt_append(rt, 0, CLFS_APPEND_FORCE_APPEND);
	KUNIT_ASSERT_EQ(test, clfs_memdev_nr_held(rt->tl->m), 1U);
	r->m = rt->m[0];
	r->lsn = want->lsn;
	init_completion(&r->done);
	t = kthread_run(rt_reader_fn, r, "clfs-read-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&r->done,
							     HZ / 5));
	/* Delivers the held write; the reader's own read is not held. */
	clfs_memdev_set_completion(rt->tl->m, CLFS_MEMDEV_INLINE);
	/* Never leave while the reader still uses the area. */
	wait_for_completion(&r->done);
	KUNIT_ASSERT_EQ(test, r->ret, 0);
	rt_expect_rec(rt, &r->rec, want);
	kfree(r->rec.data);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
}

/* Power is cut after a flush; after recovery every record reads the same. */
static void clfs_read_same_records_after_crash_and_reopen(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct rt *rt = rt_new(test, sector, 3, 0, 2 * sector);
	struct clfs_marshal_params p = rt_params(2 * sector);
	struct clfs_record rec;
	u32 i, n = RT_CB / sector + 10;

	for (i = 0; i < n; i++)
		rt_append(rt, 0, i % 4 == 0 ? CLFS_APPEND_FORCE_APPEND : 0);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	rt_detach(rt);
	tl_crash(rt->tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(rt->tl, 0), 0);
	rt->tl->log->streams->flush_delay = 3600 * HZ;
	rt_attach(rt, 0, 0, &p);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_FALSE(test, IS_ERR(rt_read(rt, 0, rt->recs[i].lsn,
							CLFS_READ_PREVIOUS,
							CLFS_FILTER_ALL,
							&rec)));
		rt_expect_rec(rt, &rec, &rt->recs[i]);
		rt_term_all(rt);
	}
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
	/* And the stream goes on after them. */
	rt_append(rt, 0, 0);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
}

/* A read-only log (e.g. opened to recover from) reads like any other. */
static void clfs_read_read_only_log_reads(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 2048);
	struct clfs_marshal_params p = rt_params(2048);
	u32 i;

	for (i = 0; i < 30; i++)
		rt_append(rt, 0, i % 6 == 5 ? CLFS_APPEND_FORCE_APPEND : 0);
	rt_detach(rt);
	tl_close(rt->tl);
	KUNIT_ASSERT_EQ(test, tl_open(rt->tl, CLFS_OPEN_READ_ONLY), 0);
	rt_attach(rt, 0, 0, &p);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_DATA);
}

/*
 * Containers recycled after the base moved on: their LSNs are before the
 * start of the log, also once the physical container holds newer
 * records, and a forward reader left behind there gets -ERANGE.
 */
static void clfs_read_recycled_container_is_erange(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct rt *rt = rt_new(test, sector, 4, 0, sector);
	u32 per = RT_CB / sector, n = 5 * per / 2, i, base;
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 first = CLFS_LSN_NULL;

	for (i = 0; i < n; i++)
		rt_append(rt, 0, CLFS_APPEND_FORCE_APPEND);
	c = rt_read(rt, 0, rt->recs[0].lsn, CLFS_READ_FORWARD,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	/* The base moves into the third container: two are freed. */
	for (base = 0; base < n; base++)
		if (clfs_lsn_container(rt->recs[base].lsn) ==
		    clfs_lsn_container(rt->recs[0].lsn) + 2)
			break;
	KUNIT_ASSERT_LT(test, base, n);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(rt->m[0], rt->recs[base].lsn),
			0);
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ERANGE);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[0].lsn,
					  CLFS_READ_FORWARD, CLFS_FILTER_ALL),
			-ERANGE);
	/* Fill on until a recycled physical container is in use again. */
	for (i = 0; i < 2 * per + per / 4; i++) {
		struct rt_rec *r = rt_append(rt, 0, CLFS_APPEND_FORCE_APPEND);

		if (first == CLFS_LSN_NULL && clfs_lsn_container(r->lsn) ==
		    clfs_lsn_container(rt->recs[0].lsn) + 4)
			first = r->lsn;
	}
	KUNIT_EXPECT_NE(test, first, CLFS_LSN_NULL);
	for (i = 0; i < base; i += per / 4)
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[i].lsn,
						  CLFS_READ_PREVIOUS,
						  CLFS_FILTER_ALL), -ERANGE);
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ERANGE);
	rt_term(rt, c);
	/* From the base on, everything reads. */
	memmove(rt->recs, rt->recs + base,
		(rt->nr_recs - base) * sizeof(*rt->recs));
	rt->nr_recs -= base;
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
}

/* A block whose bytes changed on the medium is -EUCLEAN, never returned. */
static void clfs_read_corrupt_block_is_euclean(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 4096);
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 off;
	u8 byte;

	rt_append(rt, 0, 0);
	rt_append(rt, 0, CLFS_APPEND_FORCE_APPEND);
	rt_append(rt, 0, 0);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	c = rt_read(rt, 0, rt->recs[2].lsn, CLFS_READ_PREVIOUS,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	/* The first block's second record's data. */
	KUNIT_ASSERT_EQ(test, clfs_md_lsn_to_dev(rt->tl->log->md,
						 rt->recs[0].lsn, &off), 0);
	off += CLFS_BLK_HDR_BYTES + clfs_rec_disk_bytes(rt->recs[0].len) +
	       CLFS_REC_HDR_BYTES;
	KUNIT_ASSERT_GT(test, rt->recs[1].len, 0U);
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(rt->tl->m, off, &byte, 1), 0);
	byte ^= 0x20;
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(rt->tl->m, off, &byte, 1), 0);
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[0].lsn,
					  CLFS_READ_FORWARD, CLFS_FILTER_ALL),
			-EUCLEAN);
	/* The other block is fine. */
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[2].lsn,
					  CLFS_READ_FORWARD, CLFS_FILTER_ALL),
			0);
}

/* ---- errors ---------------------------------------------------------------- */

static void clfs_read_bad_arguments_are_einval(struct kunit *test)
{
	struct rt *rt = rt_new(test, 512, 2, 0, 4096);
	u64 lsn = rt_append(rt, 0, 0)->lsn;
	struct clfs_record rec;

	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, lsn, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), 0);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, lsn, 0, CLFS_FILTER_ALL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, lsn, 4, CLFS_FILTER_ALL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, lsn, CLFS_READ_FORWARD, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, lsn, CLFS_READ_FORWARD,
					  1U << 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, lsn, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL | (1U << 3)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, CLFS_LSN_NULL,
					  CLFS_READ_FORWARD, CLFS_FILTER_ALL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, CLFS_LSN_INVALID,
					  CLFS_READ_FORWARD, CLFS_FILTER_ALL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, CLFS_LSN_INVALID | 0x200,
					  CLFS_READ_FORWARD, CLFS_FILTER_ALL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_read_log_record(NULL, lsn,
					CLFS_READ_FORWARD, CLFS_FILTER_ALL,
					&rec)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_read_log_record(rt->m[0], lsn,
					CLFS_READ_FORWARD, CLFS_FILTER_ALL,
					NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(NULL, &rec), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_read_restart_area(NULL, &rec)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_read_previous_restart_area(NULL, &rec),
			-EINVAL);
	clfs_terminate_read_log(NULL);
}

/* LSNs that are well formed but name no record of the stream. */
static void clfs_read_lsn_naming_no_record_is_enoent(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct rt *rt = rt_new(test, sector, 2, 0, 8192);
	u64 first, last;
	u32 i, pass;

	/* One block of twelve records, then one in the (open) next block. */
	for (i = 0; i < 12; i++)
		rt_append_full(rt, 0, CLFS_RECORD_DATA, CLFS_LSN_NULL,
			       CLFS_LSN_NULL, 600,
			       i == 11 ? CLFS_APPEND_FORCE_APPEND : 0);
	rt_append(rt, 0, 0);
	first = rt->recs[0].lsn;
	last = rt->recs[11].lsn;
	KUNIT_ASSERT_EQ(test, clfs_lsn_block(first), clfs_lsn_block(last));
	KUNIT_ASSERT_GT(test, rt->recs[12].lsn, first + 4096);
	for (pass = 0; pass < 2; pass++) {
		/* Past the records of the block (open, then written). */
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, last + 1,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ENOENT);
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, first + 300,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ENOENT);
		/* Inside the block, where no block starts. */
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, first + sector,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ENOENT);
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, first + 512,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ENOENT);
		/* Beyond the stream's end: next index, far away, unmapped. */
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[12].lsn + 1,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ENOENT);
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0,
						  clfs_lsn_make(40, 0, 0),
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ENOENT);
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0,
						  clfs_lsn_make(1, RT_CB * 8, 1),
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ENOENT);
		/* Before the stream's first record. */
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0,
						  clfs_lsn_make(0, 512, 0),
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ENOENT);
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, last,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), 0);
		KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	}
	/* After a reset the old records are no longer the stream's. */
	rt_term_all(rt);
	KUNIT_ASSERT_EQ(test, clfs_stream_reset(rt->s[0]), 0);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, first, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, last, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
	rt->nr_recs = 0;
	rt_append(rt, 0, 0);
	rt_expect_forward_all(rt, 0, CLFS_FILTER_ALL);
}

/* Another stream's record is not this stream's, flushed or not. */
static void clfs_read_other_streams_record_is_enoent(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2,
			       CLFS_LOG_MULTIPLEXED, 4096);
	u64 a, b;

	rt_add_stream(rt, 1, 4096);
	a = rt_append(rt, 0, 0)->lsn;
	b = rt_append(rt, 1, 0)->lsn;
	rt_append(rt, 0, 0);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, b, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 1, a, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, b, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 1, a, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 1, b, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), 0);
	/* A stream created after the records never had them. */
	rt_add_stream(rt, 2, 4096);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 2, a, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
	/* A stream with no records reads nothing. */
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 2, tl_head(rt->tl),
					  CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
}

/* A chain pointer naming another stream's record ends in -ENOENT. */
static void clfs_read_chain_into_other_stream_is_enoent(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2,
			       CLFS_LOG_MULTIPLEXED, 4096);
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 a, b;

	rt_add_stream(rt, 1, 4096);
	a = rt_append(rt, 0, 0)->lsn;
	b = rt_append_full(rt, 1, CLFS_RECORD_DATA, a, a, 10, 0)->lsn;
	c = rt_read(rt, 1, b, CLFS_READ_PREVIOUS, CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ENOENT);
	/* The context is still on its record. */
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ENOENT);
}

/*
 * Records below the base (and the archive tail) are before the start of
 * the log: -ERANGE, by LSN and at the end of a walk; at and after the
 * base they read.
 */
static void clfs_read_below_base_is_erange(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 1024);
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 want[4];
	u32 i;

	for (i = 0; i < 20; i++)
		rt_append(rt, 0, i % 5 == 4 ? CLFS_APPEND_FORCE_APPEND : 0);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(rt->m[0], rt->recs[8].lsn), 0);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[i].lsn,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ERANGE);
	for (i = 8; i < 20; i++)
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[i].lsn,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), 0);
	c = rt_read(rt, 0, rt->recs[11].lsn, CLFS_READ_PREVIOUS,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	for (i = 0; i < 3; i++)
		want[i] = rt->recs[10 - i].lsn;
	rt_expect_walk(rt, c, want, 3, -ERANGE);
	rt_term(rt, c);
	c = rt_read(rt, 0, rt->recs[9].lsn, CLFS_READ_UNDO_NEXT,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	want[0] = rt->recs[8].lsn;
	rt_expect_walk(rt, c, want, 1, -ERANGE);
}

/*
 * In an archived log, records between the archive tail and the base
 * still read; only those below both are before the start of the log.
 */
static void clfs_read_between_archive_tail_and_base_reads(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2,
			       CLFS_LOG_ARCHIVED, 1024);
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 want[6];
	u32 i;

	for (i = 0; i < 12; i++)
		rt_append(rt, 0, i % 3 == 2 ? CLFS_APPEND_FORCE_APPEND : 0);
	KUNIT_ASSERT_EQ(test, clfs_advance_base(rt->m[0], rt->recs[9].lsn), 0);
	/* No archive tail yet: nothing is archived, everything reads. */
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[0].lsn,
					  CLFS_READ_FORWARD, CLFS_FILTER_ALL),
			0);
	KUNIT_ASSERT_EQ(test, clfs_set_archive_tail(rt->s[0], rt->recs[4].lsn),
			0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[i].lsn,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), -ERANGE);
	for (i = 4; i < 12; i++)
		KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, rt->recs[i].lsn,
						  CLFS_READ_FORWARD,
						  CLFS_FILTER_ALL), 0);
	c = rt_read(rt, 0, rt->recs[10].lsn, CLFS_READ_PREVIOUS,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	for (i = 0; i < 6; i++)
		want[i] = rt->recs[9 - i].lsn;
	rt_expect_walk(rt, c, want, 6, -ERANGE);
}

/* Previous and undo-next LSNs of NULL or INVALID end a walk: -ENODATA. */
static void clfs_read_chain_end_is_enodata(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 1024);
	static const u32 modes[] = { CLFS_READ_PREVIOUS, CLFS_READ_UNDO_NEXT };
	static const u64 ends[] = { CLFS_LSN_NULL, CLFS_LSN_INVALID };
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(ends); i++)
		rt_append_full(rt, 0, CLFS_RECORD_DATA, ends[i], ends[i], 9, 0);
	for (i = 0; i < ARRAY_SIZE(ends); i++) {
		for (j = 0; j < ARRAY_SIZE(modes); j++) {
			c = rt_read(rt, 0, rt->recs[i].lsn, modes[j],
				    CLFS_FILTER_ALL, &rec);
			KUNIT_ASSERT_FALSE(test, IS_ERR(c));
			KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec),
					-ENODATA);
			rt_term(rt, c);
		}
	}
	/* Forward past the last record too, open block or written. */
	c = rt_read(rt, 0, rt->recs[1].lsn, CLFS_READ_FORWARD,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ENODATA);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(rt->m[0]), 0);
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ENODATA);
	/* Forward whose remaining records are all filtered out. */
	rt_term(rt, c);
	c = rt_read(rt, 0, rt->recs[0].lsn, CLFS_READ_FORWARD,
		    CLFS_FILTER_DATA, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	rt_append_full(rt, 0, CLFS_RECORD_RESTART, CLFS_LSN_NULL,
		       CLFS_LSN_NULL, 9, 0);
	rt_expect_walk(rt, c, &rt->recs[1].lsn, 1, -ENODATA);
}

/* ---- read buffers and threads -------------------------------------------- */

/* At max_read_buffers contexts, another one is -EBUSY until one ends. */
static void clfs_read_buffers_limit_is_ebusy(struct kunit *test)
{
	struct rt *rt = rt_new(test, 512, 2, 0, 4096);
	struct clfs_marshal_params p = rt_params(4096);
	struct clfs_read_ctx *c[3];
	struct clfs_record rec;
	u64 lsn;
	u32 i;

	p.max_read_buffers = 2;
	rt_attach(rt, 1, 0, &p);
	lsn = rt_append(rt, 1, 0)->lsn;
	for (i = 0; i < 2; i++) {
		c[i] = rt_read(rt, 1, lsn, CLFS_READ_FORWARD, CLFS_FILTER_ALL,
			       &rec);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[i]));
	}
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 1, lsn, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -EBUSY);
	/* Failed reads give their buffer back. */
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 1, lsn + 1, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -EBUSY);
	/* The limit is the area's: another area on the stream is not at it. */
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 0, lsn, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), 0);
	rt_term(rt, c[0]);
	KUNIT_EXPECT_EQ(test, rt_read_err(rt, 1, lsn + 1, CLFS_READ_FORWARD,
					  CLFS_FILTER_ALL), -ENOENT);
	c[2] = rt_read(rt, 1, lsn, CLFS_READ_FORWARD, CLFS_FILTER_ALL, &rec);
	KUNIT_EXPECT_FALSE(test, IS_ERR(c[2]));
	KUNIT_EXPECT_EQ(test, rt->m[1]->reading, 2U);
	/* 0 is no limit. */
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_FALSE(test, IS_ERR(rt_read(rt, 0, lsn,
							CLFS_READ_FORWARD,
							CLFS_FILTER_ALL,
							&rec)));
	KUNIT_EXPECT_EQ(test, rt->m[0]->reading, 10U);
	rt_term_all(rt);
	KUNIT_EXPECT_EQ(test, rt->m[0]->reading, 0U);
	KUNIT_EXPECT_EQ(test, rt->m[1]->reading, 0U);
}

struct rt_racer {
	struct clfs_read_ctx *c;
	u64 *seen;
	u32 nr_seen;
	u32 max;
	int end;
	struct completion done;
};

static int rt_racer_fn(void *arg)
{
	struct rt_racer *r = arg;
	struct clfs_record rec;
	int ret;

	while ((ret = clfs_read_next_log_record(r->c, &rec)) == 0)
		if (r->nr_seen < r->max)
			r->seen[r->nr_seen++] = rec.lsn;
	r->end = ret;
	complete(&r->done);
	return 0;
}

/*
 * One context misused by two threads at once: calls are serialised, so
 * together they see every record exactly once, each in order.
 */
static void clfs_read_context_shared_by_two_threads(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 3, 0, 1024);
	struct rt_racer *r = kunit_kcalloc(test, 2, sizeof(*r), GFP_KERNEL);
	u32 n = 200, i, j, k, total = 0;
	struct clfs_read_ctx *c;
	struct clfs_record rec;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < n; i++)
		rt_append(rt, 0, i % 7 == 6 ? CLFS_APPEND_FORCE_APPEND : 0);
	c = rt_read(rt, 0, rt->recs[0].lsn, CLFS_READ_FORWARD,
		    CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	for (i = 0; i < 2; i++) {
		r[i].c = c;
		r[i].max = n;
		r[i].seen = kunit_kcalloc(test, n, sizeof(u64), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r[i].seen);
		init_completion(&r[i].done);
	}
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(rt_racer_fn, &r[i],
							    "clfs-race-%u",
							    i)));
	for (i = 0; i < 2; i++) {
		/* Both walks end; never leave while one uses the context. */
		wait_for_completion(&r[i].done);
		KUNIT_EXPECT_EQ(test, r[i].end, -ENODATA);
		total += r[i].nr_seen;
		for (j = 1; j < r[i].nr_seen; j++)
			KUNIT_EXPECT_GT(test, r[i].seen[j], r[i].seen[j - 1]);
	}
	KUNIT_EXPECT_EQ(test, total, n - 1);
	/* Every record after the first, seen by exactly one of them. */
	for (k = 1; k < n; k++) {
		u32 hits = 0;

		for (i = 0; i < 2; i++)
			for (j = 0; j < r[i].nr_seen; j++)
				hits += r[i].seen[j] == rt->recs[k].lsn;
		KUNIT_EXPECT_EQ_MSG(test, hits, 1U, "record %u", k);
	}
}

/* The length of follower record @seq. */
static u32 rt_follow_len(u32 seq)
{
	return (seq * 53 + 3) % 301;
}

struct rt_follower {
	struct clfs_read_ctx *c;
	bool stop;
	u32 want;
	u32 seen;
	u32 bad;
	int ret;
	u8 *buf;
	struct completion done;
};

/*
 * Read forward until @want records were seen, retrying at the end while
 * the appender goes on; each record must be the next one, byte for byte.
 */
static int rt_follower_fn(void *arg)
{
	struct rt_follower *f = arg;
	unsigned long end = jiffies + 60 * HZ;
	struct clfs_record rec;
	int ret;

	while (f->seen < f->want && !READ_ONCE(f->stop) &&
	       time_before(jiffies, end)) {
		ret = clfs_read_next_log_record(f->c, &rec);
		if (ret == -ENODATA) {
			usleep_range(100, 500);
			continue;
		}
		if (ret) {
			f->ret = ret;
			break;
		}
		tl_fill(f->buf, rt_follow_len(f->seen), f->seen);
		if (rec.data_bytes != rt_follow_len(f->seen) ||
		    memcmp(rec.data, f->buf, rec.data_bytes))
			f->bad++;
		f->seen++;
	}
	complete(&f->done);
	return 0;
}

/*
 * A forward reader follows a stream while it is appended to, with writes
 * completing in any order and flushes of every kind: it sees every
 * record, in order, whether it finds it in the open block, in flight or
 * on the device.
 */
static void clfs_read_forward_follows_concurrent_appends(struct kunit *test)
{
	/*
	 * 64 containers: with 4 KiB sectors every block the 2 ms flush or a
	 * FORCE_APPEND seals costs at least 4 KiB, so 300 small records can
	 * take more than 1 MiB of log; a full log is not what this tests.
	 */
	struct rt *rt = rt_new(test, tl_param_sector(test), 64, 0, 2048);
	struct rt_follower *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	u32 n = 300, i;
	struct clfs_record rec;
	struct kvec v;
	struct clfs_append a = {
		.entries = &v,
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
	};
	int ret = 0;
	u64 lsn;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->buf);
	rt->tl->log->streams->flush_delay = msecs_to_jiffies(2);
	clfs_memdev_set_completion(rt->tl->m, CLFS_MEMDEV_ASYNC);
	rt_append_full(rt, 0, CLFS_RECORD_DATA, CLFS_LSN_NULL, CLFS_LSN_NULL,
		       rt_follow_len(0), 0);
	f->c = rt_read(rt, 0, rt->recs[0].lsn, CLFS_READ_FORWARD,
		       CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->c));
	f->seen = 1;
	f->want = n;
	init_completion(&f->done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(rt_follower_fn, f,
						    "clfs-follow")));
	/* No assertion while the follower runs: it uses the context. */
	for (i = 1; i < n && !ret; i++) {
		a.flags = i % 5 == 0 ? CLFS_APPEND_FORCE_APPEND :
			  i % 11 == 0 ? CLFS_APPEND_FORCE_FLUSH : 0;
		tl_fill(rt->data, rt_follow_len(i), i);
		v.iov_base = rt->data;
		v.iov_len = rt_follow_len(i);
		ret = clfs_reserve_and_append(rt->m[0], &a, &lsn);
		if (i % 64 == 0)
			usleep_range(200, 1000);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		WRITE_ONCE(f->stop, true);
	wait_for_completion(&f->done);
	KUNIT_EXPECT_EQ(test, f->ret, 0);
	KUNIT_EXPECT_EQ(test, f->seen, n);
	KUNIT_EXPECT_EQ(test, f->bad, 0U);
	clfs_memdev_set_completion(rt->tl->m, CLFS_MEMDEV_INLINE);
}

/* ---- restart areas ------------------------------------------------------- */

static void clfs_read_restart_area_none_is_enodata(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 4096);
	struct clfs_record rec;

	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_read_restart_area(rt->m[0], &rec)),
			-ENODATA);
	rt_append(rt, 0, 0);
	/* A restart record appended by hand is not a restart area. */
	rt_append_full(rt, 0, CLFS_RECORD_RESTART, CLFS_LSN_NULL,
		       CLFS_LSN_NULL, 5, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_read_restart_area(rt->m[0], &rec)),
			-ENODATA);
	KUNIT_EXPECT_EQ(test, rt->m[0]->reading, 0U);
}

/* Write a restart area of @len pattern bytes; record it in the model. */
static u64 rt_write_restart(struct rt *rt, u64 new_base, u32 len)
{
	struct kunit *test = rt->test;
	u64 prev, lsn;
	struct rt_rec *r;

	KUNIT_ASSERT_LT(test, rt->nr_recs, (u32)RT_MAX_RECS);
	mutex_lock(&rt->tl->log->md_lock);
	prev = rt->tl->log->md->streams[rt->s[0]->id].restart_lsn;
	mutex_unlock(&rt->tl->log->md_lock);
	r = &rt->recs[rt->nr_recs];
	r->seq = rt->next_seq++;
	tl_fill(rt->data, len, r->seq);
	KUNIT_ASSERT_EQ(test, clfs_write_restart_area(rt->m[0], rt->data, len,
						      new_base, 0, &lsn), 0);
	r->lsn = lsn;
	r->prev_lsn = prev;
	/* The writer leaves the undo-next LSN to the format's "none". */
	r->type = CLFS_RECORD_RESTART;
	r->len = len;
	r->sid = rt->s[0]->id;
	rt->nr_recs++;
	return lsn;
}

/*
 * The newest restart area first, then back through the older ones, with
 * data records between them, to -ENODATA past the oldest; the same after
 * a crash and reopen.
 */
static void clfs_read_restart_areas_newest_first(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct rt *rt = rt_new(test, sector, 2, 0, 2048);
	struct clfs_marshal_params p = rt_params(2048);
	u64 ra[4];
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u32 i, j, pass;

	for (i = 0; i < 4; i++) {
		for (j = 0; j < 3 + i; j++)
			rt_append(rt, 0, 0);
		ra[i] = rt_write_restart(rt, CLFS_LSN_NULL, 20 + 100 * i);
	}
	for (i = 0; i < rt->nr_recs; i++)
		if (rt->recs[i].type == CLFS_RECORD_RESTART)
			KUNIT_EXPECT_TRUE(test, rt->recs[i].lsn == ra[0] ||
					  rt->recs[i].lsn == ra[1] ||
					  rt->recs[i].lsn == ra[2] ||
					  rt->recs[i].lsn == ra[3]);
	for (pass = 0; pass < 2; pass++) {
		c = clfs_read_restart_area(rt->m[0], &rec);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c));
		rt_keep(rt, c);
		KUNIT_EXPECT_EQ(test, rec.lsn, ra[3]);
		/* Undo-next is whatever the writer put there: not checked. */
		rt_find(rt, ra[3])->undo_next_lsn = rec.undo_next_lsn;
		rt_expect_rec(rt, &rec, rt_find(rt, ra[3]));
		for (i = 3; i-- > 0;) {
			KUNIT_ASSERT_EQ(test,
					clfs_read_previous_restart_area(c, &rec),
					0);
			KUNIT_EXPECT_EQ(test, rec.lsn, ra[i]);
			rt_find(rt, ra[i])->undo_next_lsn = rec.undo_next_lsn;
			rt_expect_rec(rt, &rec, rt_find(rt, ra[i]));
		}
		KUNIT_EXPECT_EQ(test, clfs_read_previous_restart_area(c, &rec),
				-ENODATA);
		rt_term(rt, c);

		rt_detach(rt);
		tl_crash(rt->tl, NULL, NULL);
		KUNIT_ASSERT_EQ(test, tl_open(rt->tl, 0), 0);
		rt_attach(rt, 0, 0, &p);
	}
}

/*
 * Walking back to a restart area below the base is -ERANGE; a context
 * that does not walk restart areas refuses to.
 */
static void clfs_read_restart_area_below_base_is_erange(struct kunit *test)
{
	struct rt *rt = rt_new(test, tl_param_sector(test), 2, 0, 2048);
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u64 ra[3];
	u32 i;

	for (i = 0; i < 3; i++) {
		rt_append(rt, 0, 0);
		ra[i] = rt_write_restart(rt, i == 2 ? ra[1] : CLFS_LSN_NULL, 30);
	}
	c = clfs_read_restart_area(rt->m[0], &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	rt_keep(rt, c);
	KUNIT_EXPECT_EQ(test, rec.lsn, ra[2]);
	KUNIT_EXPECT_EQ(test, rec.type, (u32)CLFS_RECORD_RESTART);
	KUNIT_ASSERT_EQ(test, clfs_read_previous_restart_area(c, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.lsn, ra[1]);
	KUNIT_EXPECT_EQ(test, clfs_read_previous_restart_area(c, &rec),
			-ERANGE);
	/* And the restart record is readable by LSN like any other. */
	c = rt_read(rt, 0, ra[2], CLFS_READ_FORWARD, CLFS_FILTER_ALL, &rec);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, rec.type, (u32)CLFS_RECORD_RESTART);
	KUNIT_EXPECT_EQ(test, clfs_read_previous_restart_area(c, &rec),
			-EINVAL);
}

static struct kunit_case clfs_read_cases[] = {
	KUNIT_CASE_PARAM(clfs_read_by_lsn_returns_exact_record,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_caches_the_current_block, tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_forward_visits_every_record_across_containers,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_forward_at_end_continues_after_append,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_forward_skips_other_streams,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_forward_filter_skips_types,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_previous_follows_prev_lsn, tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_undo_next_aries_worked_example,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_chain_filter_passes_over_types,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_open_block_records_without_io,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_in_flight_block_waits_for_its_write,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_same_records_after_crash_and_reopen,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_read_only_log_reads, tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_recycled_container_is_erange,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_corrupt_block_is_euclean, tl_sector_params),
	KUNIT_CASE(clfs_read_bad_arguments_are_einval),
	KUNIT_CASE_PARAM(clfs_read_lsn_naming_no_record_is_enoent,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_other_streams_record_is_enoent,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_chain_into_other_stream_is_enoent,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_below_base_is_erange, tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_between_archive_tail_and_base_reads,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_chain_end_is_enodata, tl_sector_params),
	KUNIT_CASE(clfs_read_buffers_limit_is_ebusy),
	KUNIT_CASE_PARAM(clfs_read_context_shared_by_two_threads,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_forward_follows_concurrent_appends,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_restart_area_none_is_enodata,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_restart_areas_newest_first,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_read_restart_area_below_base_is_erange,
			 tl_sector_params),
	{}
};

static struct kunit_suite clfs_read_suite = {
	.name = "clfs_read",
	.test_cases = clfs_read_cases,
};

kunit_test_suite(clfs_read_suite);
