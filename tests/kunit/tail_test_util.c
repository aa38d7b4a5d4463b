// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the tail KUnit suites: see tail_test_util.h.
 */
#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include "storage/clfs_storage.h"
#include "tail_test_util.h"

void tt_close_all(struct tt *tt)
{
	u32 i;

	for (i = 0; i < TT_STREAMS; i++) {
		if (tt->m[i])
			clfs_marshal_delete(tt->m[i]);
		tt->m[i] = NULL;
		if (tt->s[i])
			clfs_stream_close(tt->s[i]);
		tt->s[i] = NULL;
	}
}

/* Registered after the tl resource, so it is freed before the log is. */
static void tt_res_free(struct kunit_resource *res)
{
	struct tt *tt = res->data;

	clfs_memdev_set_completion(tt->tl->m, CLFS_MEMDEV_INLINE);
	clfs_memdev_clear_faults(tt->tl->m);
	tt_close_all(tt);
}

static int tt_res_init(struct kunit_resource *res, void *data)
{
	res->data = data;
	return 0;
}

/* A formatted, open log of @nr 64 KiB containers with CLFS_LOG_* @flags. */
struct tt *tt_new(struct kunit *test, unsigned int sector, u32 nr,
		  u32 flags)
{
	return tt_new_slots(test, sector, nr, nr, flags);
}

/* A log of @nr containers on a device with room for @slots. */
struct tt *tt_new_slots(struct kunit *test, unsigned int sector, u32 nr,
			u32 slots, u32 flags)
{
	struct tt *tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tt);
	tt->tl = tl_new(test, sector, TL_MD_AREA + (u64)slots * CB);
	KUNIT_ASSERT_EQ(test, tl_format(tt->tl, CB, nr, flags), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tt->tl, 0), 0);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, tt_res_init,
							 tt_res_free,
							 GFP_KERNEL, tt));
	return tt;
}

struct clfs_log *tt_log(struct tt *tt)
{
	return tt->tl->log;
}

/* Open stream @id as handle @i, with a marshalling area. */
void tt_open(struct tt *tt, u32 i, u32 id)
{
	struct kunit *test = tt->tl->test;
	struct clfs_marshal_params p = { .block_bytes = TT_BLOCK };
	struct clfs_stream *s;
	struct clfs_marshal *m;

	s = clfs_stream_open(tt_log(tt), id);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	tt->s[i] = s;
	tt->id[i] = id;
	m = clfs_marshal_create(s, &p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	tt->m[i] = m;
}

/* Create a stream of a multiplexed log and open it as handle @i. */
void tt_create(struct tt *tt, u32 i)
{
	u32 id;

	KUNIT_ASSERT_EQ(tt->tl->test, clfs_stream_create(tt_log(tt), &id), 0);
	tt_open(tt, i, id);
}

/* Close cleanly (everything is flushed) and open again; reopen handles. */
void tt_reopen(struct tt *tt)
{
	u32 ids[TT_STREAMS], i;
	bool had[TT_STREAMS];

	for (i = 0; i < TT_STREAMS; i++) {
		had[i] = tt->s[i];
		ids[i] = tt->id[i];
	}
	tt_close_all(tt);
	tl_close(tt->tl);
	KUNIT_ASSERT_EQ(tt->tl->test, tl_open(tt->tl, 0), 0);
	for (i = 0; i < TT_STREAMS; i++)
		if (had[i])
			tt_open(tt, i, ids[i]);
}

/*
 * Lose power: what is not durable is gone, and nothing the teardown of
 * the handles and the log tries to write reaches the medium (every write
 * and flush fails from before the power cycle on). Then open again.
 */
void tt_crash_reopen(struct tt *tt)
{
	u32 ids[TT_STREAMS], i;
	bool had[TT_STREAMS];

	for (i = 0; i < TT_STREAMS; i++) {
		had[i] = tt->s[i];
		ids[i] = tt->id[i];
	}
	clfs_memdev_inject_write_fault(tt->tl->m, 1, true);
	clfs_memdev_inject_flush_fault(tt->tl->m, 1, true);
	clfs_memdev_power_cycle(tt->tl->m, NULL, NULL);
	clfs_memdev_set_completion(tt->tl->m, CLFS_MEMDEV_INLINE);
	tt_close_all(tt);
	tl_crash(tt->tl, NULL, NULL);
	clfs_memdev_clear_faults(tt->tl->m);
	KUNIT_ASSERT_EQ(tt->tl->test, tl_open(tt->tl, 0), 0);
	for (i = 0; i < TT_STREAMS; i++)
		if (had[i])
			tt_open(tt, i, ids[i]);
}

/* Append a data record of @len pattern bytes through handle @i. */
int tt_append(struct tt *tt, u32 i, u32 len, u32 flags,
	      struct tt_rec *r)
{
	struct kvec v = { .iov_base = tt->tl->data, .iov_len = len };
	struct clfs_append a = {
		.entries = &v,
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
		.flags = flags,
	};
	struct tt_rec rec = { .seq = tt->seq, .len = len };
	int ret;

	tl_fill(tt->tl->data, len, rec.seq);
	ret = clfs_reserve_and_append(tt->m[i], &a, &rec.lsn);
	if (!ret) {
		tt->seq++;
		if (r)
			*r = rec;
	}
	return ret;
}

/* Append @n records of varied sizes through handle @i into @r. */
void tt_append_n(struct tt *tt, u32 i, u32 n, struct tt_rec *r)
{
	u32 k;

	for (k = 0; k < n; k++)
		KUNIT_ASSERT_EQ(tt->tl->test,
				tt_append(tt, i, 100 + (tt->seq * 37) % 300, 0,
					  &r[k]), 0);
}

int tt_restart(struct tt *tt, u32 i, const char *text, u64 new_base,
	       u64 *lsn)
{
	return clfs_write_restart_area(tt->m[i], text, strlen(text), new_base,
				       0, lsn);
}

void tt_query(struct tt *tt, u32 i, struct clfs_stream_info *info)
{
	KUNIT_ASSERT_EQ(tt->tl->test, clfs_stream_query(tt->s[i], info), 0);
}

/*
 * Read the record at @lsn from its block (which must have completed) into
 * @rec; its bytes are at tt->tl->buf + rec->data_offset. Returns 0 or
 * -ENOENT; @stream receives the block's stream id.
 */
int tt_read(struct tt *tt, u64 lsn, struct clfs_rec *rec, u32 *stream)
{
	struct clfs_rec_iter it;
	struct clfs_blk blk;
	int ret;

	ret = clfs_log_read_block(tt_log(tt), clfs_lsn_block(lsn), tt->tl->buf,
				  CLFS_BLK_MAX_BYTES, &blk);
	if (ret)
		return ret;
	*stream = blk.stream_id;
	ret = clfs_rec_iter_init(&it, tt_log(tt)->md, &blk, tt->tl->buf,
				 CLFS_BLK_MAX_BYTES);
	if (ret)
		return ret;
	while ((ret = clfs_rec_iter_next(&it, rec)) > 0)
		if (rec->lsn == lsn)
			return 0;
	return ret ?: -ENOENT;
}

/*
 * Walk every block from the recovery start to the head and check that
 * stream @id holds exactly @r[0..@n) from @from on, in order and byte for
 * byte. Restart records not in @r are allowed (restart areas the case did
 * not note). Returns how many of @r were found.
 */
u32 tt_walk(struct tt *tt, u32 id, u64 from, const struct tt_rec *r,
	    u32 n)
{
	struct kunit *test = tt->tl->test;
	struct clfs_log *log = tt_log(tt);
	struct clfs_log_info info;
	struct clfs_rec_iter it;
	struct clfs_blk blk;
	struct clfs_rec rec;
	u32 k = 0;
	u64 lsn;
	int ret;

	while (k < n && r[k].lsn < from)
		k++;
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(tt->m[0]) == 0 ||
			log->read_only, true);
	tl_info(tt->tl, &info);
	for (lsn = info.recovery_lsn; lsn < info.head_lsn;
	     lsn = clfs_blk_next_lsn(log->md, &blk)) {
		ret = clfs_log_read_block(log, lsn, tt->tl->buf,
					  CLFS_BLK_MAX_BYTES, &blk);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "block %#llx", lsn);
		if (blk.stream_id != id)
			continue;
		KUNIT_ASSERT_EQ(test, clfs_rec_iter_init(&it, log->md, &blk,
							 tt->tl->buf,
							 CLFS_BLK_MAX_BYTES), 0);
		while ((ret = clfs_rec_iter_next(&it, &rec)) > 0) {
			if (rec.lsn < from)
				continue;
			if (k < n && rec.lsn == r[k].lsn) {
				KUNIT_EXPECT_EQ(test, rec.type, CLFS_REC_DATA);
				KUNIT_EXPECT_EQ(test, rec.data_bytes, r[k].len);
				tl_fill(tt->tl->data, r[k].len, r[k].seq);
				KUNIT_EXPECT_EQ_MSG(test,
					memcmp(tt->tl->buf + rec.data_offset,
					       tt->tl->data, r[k].len), 0,
					"record %#llx", rec.lsn);
				k++;
			} else {
				KUNIT_EXPECT_EQ_MSG(test, rec.type,
						    CLFS_REC_RESTART,
						    "unexpected record %#llx",
						    rec.lsn);
			}
		}
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	KUNIT_EXPECT_EQ(test, lsn, info.head_lsn);
	KUNIT_EXPECT_EQ_MSG(test, k, n, "records from %#llx missing", from);
	return k;
}

