// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_stream": streams, marshalling areas, append and flush
 * (kmod/stream) on the in-memory device.
 *
 * - the stream table: a dedicated log's single stream, ids handed out and
 *   refused in a multiplexed log, delete and re-create, reset, reopen;
 * - marshalling areas: block size rounding, parameter checks, client
 *   buffer callbacks, delete flushing;
 * - append: LSN order across blocks and containers, gather lists and entry
 *   alignment read back byte for byte, argument checks, -E2BIG, -EROFS,
 *   -ENOSPC;
 * - durability: forced flushes, flush to an LSN, the background flush,
 *   FORCE_APPEND, group commit, the write-buffer limit, many threads on
 *   many streams with a crash, and a failed block write.
 *
 * Records are read back from the device with clfs_log_read_block() and
 * the record iterator, after the blocks holding them completed.
 */
#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/bsearch.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include "storage/clfs_storage.h"
#include "stream/clfs_stream.h"
#include "log_test_util.h"

#define CB		SZ_64K	/* container size */
#define SX_MAX		16	/* streams and areas a case tracks */

/**
 * struct sx - a log with streams and marshalling areas on a memdev
 * @tl: the device and log (log_test_util)
 * @s: stream handles the case holds, closed by the cleanup
 * @m: marshalling areas the case holds, deleted by the cleanup
 * @buf: CLFS_BLK_MAX_BYTES for reading blocks
 * @buf_lsn: the block in @buf, or CLFS_LSN_NULL
 * @blk: its header
 */
struct sx {
	struct tl *tl;
	struct clfs_stream *s[SX_MAX];
	struct clfs_marshal *m[SX_MAX];
	u8 *buf;
	u64 buf_lsn;
	struct clfs_blk blk;
};

static void sx_release_all(struct sx *sx)
{
	u32 i;

	for (i = 0; i < SX_MAX; i++) {
		if (sx->m[i])
			clfs_marshal_delete(sx->m[i]);
		sx->m[i] = NULL;
	}
	for (i = 0; i < SX_MAX; i++) {
		if (sx->s[i])
			clfs_stream_close(sx->s[i]);
		sx->s[i] = NULL;
	}
}

static void sx_res_free(struct kunit_resource *res)
{
	struct sx *sx = res->data;

	/* Before the log closes (resources are freed newest first). */
	clfs_memdev_set_completion(sx->tl->m, CLFS_MEMDEV_INLINE);
	sx_release_all(sx);
	vfree(sx->buf);
}

static int sx_res_init(struct kunit_resource *res, void *data)
{
	res->data = data;
	return 0;
}

/* A device formatted with @flags and opened; torn down with the case. */
static struct sx *sx_new(struct kunit *test, unsigned int sector,
			 u64 container_bytes, u32 nr_containers, u32 flags)
{
	struct sx *sx = kunit_kzalloc(test, sizeof(*sx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sx);
	/* Two spare slots, for cases that add containers. */
	sx->tl = tl_new(test, sector, TL_MD_AREA + (nr_containers + 2) *
			container_bytes);
	KUNIT_ASSERT_EQ(test, tl_format(sx->tl, container_bytes,
					nr_containers, flags), 0);
	KUNIT_ASSERT_EQ(test, tl_open(sx->tl, 0), 0);
	sx->buf = vzalloc(CLFS_BLK_MAX_BYTES);
	KUNIT_ASSERT_NOT_NULL(test, sx->buf);
	if (!kunit_alloc_resource(test, sx_res_init, sx_res_free, GFP_KERNEL,
				  sx)) {
		vfree(sx->buf);
		KUNIT_ASSERT_FAILURE(test, "cannot track the streams");
	}
	return sx;
}

static struct clfs_log *sx_log(struct sx *sx)
{
	return sx->tl->log;
}

static struct clfs_stream *sx_open(struct sx *sx, u32 id)
{
	struct kunit *test = sx->tl->test;
	struct clfs_stream *s;
	u32 i;

	s = clfs_stream_open(sx_log(sx), id);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	for (i = 0; i < SX_MAX && sx->s[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, SX_MAX);
	sx->s[i] = s;
	return s;
}

static void sx_close_stream(struct sx *sx, struct clfs_stream *s)
{
	u32 i;

	for (i = 0; i < SX_MAX; i++)
		if (sx->s[i] == s)
			sx->s[i] = NULL;
	clfs_stream_close(s);
}

static struct clfs_marshal *sx_area_p(struct sx *sx, struct clfs_stream *s,
				      const struct clfs_marshal_params *p)
{
	struct kunit *test = sx->tl->test;
	struct clfs_marshal *m;
	u32 i;

	m = clfs_marshal_create(s, p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	for (i = 0; i < SX_MAX && sx->m[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, SX_MAX);
	sx->m[i] = m;
	return m;
}

static struct clfs_marshal *sx_area(struct sx *sx, struct clfs_stream *s,
				    u32 block_bytes, u32 max_write_buffers)
{
	struct clfs_marshal_params p = {
		.block_bytes = block_bytes,
		.max_write_buffers = max_write_buffers,
	};

	return sx_area_p(sx, s, &p);
}

static int sx_delete_area(struct sx *sx, struct clfs_marshal *m)
{
	u32 i;

	for (i = 0; i < SX_MAX; i++)
		if (sx->m[i] == m)
			sx->m[i] = NULL;
	return clfs_marshal_delete(m);
}

/* A stream (0 of a dedicated log) with one area of @block_bytes. */
static struct clfs_marshal *sx_stream0(struct sx *sx, u32 block_bytes)
{
	return sx_area(sx, sx_open(sx, 0), block_bytes, 0);
}

/* Keep the background flush out of a case that counts device flushes. */
static void sx_no_background_flush(struct sx *sx)
{
	sx_log(sx)->streams->flush_delay = 3600 * HZ;
}

/* Close every handle and the log cleanly (which flushes). */
static void sx_close(struct sx *sx)
{
	sx_release_all(sx);
	tl_close(sx->tl);
	sx->buf_lsn = CLFS_LSN_NULL;
}

static void sx_reopen(struct sx *sx, unsigned int flags)
{
	KUNIT_ASSERT_EQ(sx->tl->test, tl_open(sx->tl, flags), 0);
	sx->buf_lsn = CLFS_LSN_NULL;
}

/*
 * Lose power with everything open. Every write is failed first, so that
 * tearing down the areas (which flush) and the log reaches nothing; then
 * the power cycle keeps what @keep says of what was not durable.
 */
static void sx_crash(struct sx *sx,
		     bool (*keep)(void *arg, const struct clfs_memdev_write *w),
		     void *arg)
{
	struct clfs_memdev *m = sx->tl->m;

	clfs_memdev_inject_write_fault(m, 1, true);
	clfs_memdev_inject_flush_fault(m, 1, true);
	clfs_memdev_power_cycle(m, keep, arg);
	clfs_memdev_set_completion(m, CLFS_MEMDEV_INLINE);
	sx_release_all(sx);
	tl_close(sx->tl);
	clfs_memdev_clear_faults(m);
	/* Nothing reached the medium since: this drops nothing further. */
	clfs_memdev_power_cycle(m, NULL, NULL);
	sx->buf_lsn = CLFS_LSN_NULL;
}

static int sx_append_vec(struct clfs_marshal *m, const struct kvec *v, u32 nr,
			 u32 align, u32 flags, u64 *lsn)
{
	struct clfs_append a = {
		.entries = v,
		.nr_entries = nr,
		.entry_align = align,
		.type = CLFS_RECORD_DATA,
		.flags = flags,
		.prev_lsn = CLFS_LSN_NULL,
		.undo_next_lsn = CLFS_LSN_NULL,
	};

	return clfs_reserve_and_append(m, &a, lsn);
}

/* Append @len bytes of pattern @seq (tl_fill()) as one entry. */
static int sx_append(struct clfs_marshal *m, u32 seq, u32 len, u32 flags,
		     u64 *lsn)
{
	struct kvec v;
	void *data = kvmalloc(max(len, 1U), GFP_KERNEL);
	int ret;

	if (!data)
		return -ENOMEM;
	tl_fill(data, len, seq);
	v.iov_base = data;
	v.iov_len = len;
	ret = sx_append_vec(m, &v, 1, 0, flags, lsn);
	kvfree(data);
	return ret;
}

static u64 sx_last_lsn(struct clfs_stream *s)
{
	struct clfs_stream_info info;

	clfs_stream_query(s, &info);
	return info.last_lsn;
}

/*
 * Find record @lsn on the device: 0 with @rec set (its data at
 * sx->buf + rec->data_offset), or the read's error, or -ENOENT.
 */
static int sx_find(struct sx *sx, u64 lsn, struct clfs_rec *rec)
{
	u64 blk_lsn = clfs_lsn_block(lsn);
	struct clfs_rec_iter it;
	int ret;

	if (sx->buf_lsn != blk_lsn) {
		sx->buf_lsn = CLFS_LSN_NULL;
		ret = clfs_log_read_block(sx_log(sx), blk_lsn, sx->buf,
					  CLFS_BLK_MAX_BYTES, &sx->blk);
		if (ret)
			return ret;
		sx->buf_lsn = blk_lsn;
	}
	ret = clfs_rec_iter_init(&it, sx_log(sx)->md, &sx->blk, sx->buf,
				 CLFS_BLK_MAX_BYTES);
	if (ret)
		return ret;
	while ((ret = clfs_rec_iter_next(&it, rec)) > 0)
		if (rec->lsn == lsn)
			return 0;
	return ret ? ret : -ENOENT;
}

/* Is record @lsn on the device, in stream @stream, with pattern @seq? */
static bool sx_check(struct sx *sx, u64 lsn, u32 stream, u32 seq, u32 len)
{
	struct kunit *test = sx->tl->test;
	struct clfs_rec rec;
	int ret;

	ret = sx_find(sx, lsn, &rec);
	if (ret) {
		KUNIT_FAIL(test, "record %#llx: not found (%d)", lsn, ret);
		return false;
	}
	if (sx->blk.stream_id != stream || rec.data_bytes != len ||
	    rec.type != CLFS_REC_DATA) {
		KUNIT_FAIL(test, "record %#llx: stream %u len %u type %u, wrote stream %u len %u",
			   lsn, sx->blk.stream_id, rec.data_bytes, rec.type,
			   stream, len);
		return false;
	}
	tl_fill(sx->tl->data, len, seq);
	if (memcmp(sx->buf + rec.data_offset, sx->tl->data, len)) {
		KUNIT_FAIL(test, "record %#llx: data differ", lsn);
		return false;
	}
	return true;
}

static struct clfs_memdev_stats sx_stats(struct sx *sx)
{
	return tl_stats(sx->tl);
}

/* ---- the stream table ---------------------------------------------------- */

static void clfs_stream_dedicated_log_has_only_stream_0(struct kunit *test)
{
	struct sx *sx = sx_new(test, 512, CB, 2, 0);
	struct clfs_stream_info info;
	struct clfs_stream *s;
	u32 id = 77;

	s = sx_open(sx, 0);
	KUNIT_EXPECT_EQ(test, clfs_stream_query(s, &info), 0);
	KUNIT_EXPECT_EQ(test, info.stream_id, 0U);
	KUNIT_EXPECT_EQ(test, info.last_lsn, CLFS_LSN_NULL);
	KUNIT_EXPECT_EQ(test, info.base_lsn, CLFS_LSN_NULL);
	KUNIT_EXPECT_NE(test, info.created_lsn, CLFS_LSN_NULL);
	KUNIT_EXPECT_EQ(test, clfs_stream_create(sx_log(sx), &id), -EINVAL);
	KUNIT_EXPECT_EQ(test, id, 77U);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), 0), -EINVAL);
	sx_close_stream(sx, s);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_stream_open(sx_log(sx), 1)),
			-ENOENT);
	/* Still there. */
	sx_close_stream(sx, sx_open(sx, 0));
}

static void clfs_stream_create_gives_lowest_free_ids_then_enospc(struct kunit *test)
{
	struct sx *sx = sx_new(test, 512, CB, 2, CLFS_LOG_MULTIPLEXED);
	u32 i, id;

	for (i = 0; i < CLFS_MAX_STREAM_ID + 1; i++) {
		id = U32_MAX;
		KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
		KUNIT_ASSERT_EQ(test, id, i);
	}
	id = U32_MAX;
	KUNIT_EXPECT_EQ(test, clfs_stream_create(sx_log(sx), &id), -ENOSPC);
	KUNIT_EXPECT_EQ(test, id, U32_MAX);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), 77), 0);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), 5), 0);
	KUNIT_EXPECT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
	KUNIT_EXPECT_EQ(test, id, 5U);
	KUNIT_EXPECT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
	KUNIT_EXPECT_EQ(test, id, 77U);
	KUNIT_EXPECT_EQ(test, clfs_stream_create(sx_log(sx), &id), -ENOSPC);
}

static void clfs_stream_open_unknown_id_is_enoent(struct kunit *test)
{
	struct sx *sx = sx_new(test, 512, CB, 2, CLFS_LOG_MULTIPLEXED);
	static const u32 ids[] = { 0, 1, CLFS_MAX_STREAM_ID,
				   CLFS_MAX_STREAM_ID + 1, U32_MAX };
	u32 i, id;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    PTR_ERR(clfs_stream_open(sx_log(sx), ids[i])),
				    -ENOENT, "id %u", ids[i]);
	KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
	sx_close_stream(sx, sx_open(sx, id));
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_stream_open(sx_log(sx), id + 1)),
			-ENOENT);
}

static void clfs_stream_delete_rules(struct kunit *test)
{
	struct sx *sx = sx_new(test, 512, CB, 2, CLFS_LOG_MULTIPLEXED);
	struct clfs_stream *s;
	u32 id;

	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), 128), -ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), U32_MAX),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
	s = sx_open(sx, id);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), id), -EBUSY);
	/* A second handle: busy until both are closed. */
	sx_open(sx, id);
	sx_close_stream(sx, s);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), id), -EBUSY);
	sx_release_all(sx);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), id), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_stream_open(sx_log(sx), id)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), id), -ENOENT);
}

/* Records of a deleted stream never show in the stream re-created. */
static void clfs_stream_recreated_id_never_sees_old_records(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4,
			       CLFS_LOG_MULTIPLEXED);
	struct clfs_stream_info info;
	struct clfs_marshal *m;
	struct clfs_stream *s;
	u64 lsn, old = 0;
	u32 id, other, i;

	KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
	KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &other), 0);
	s = sx_open(sx, id);
	m = sx_area(sx, s, 4096, 0);
	for (i = 0; i < 5; i++) {
		KUNIT_ASSERT_EQ(test, sx_append(m, i, 100, 0, &lsn), 0);
		KUNIT_EXPECT_GT(test, lsn, old);
		old = lsn;
	}
	/* The last one stays in the open block: delete must not keep it. */
	KUNIT_ASSERT_EQ(test, sx_delete_area(sx, m), 0);
	sx_close_stream(sx, s);
	KUNIT_ASSERT_EQ(test, clfs_stream_delete(sx_log(sx), id), 0);
	KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &i), 0);
	KUNIT_ASSERT_EQ(test, i, id);
	s = sx_open(sx, id);
	KUNIT_EXPECT_EQ(test, clfs_stream_query(s, &info), 0);
	KUNIT_EXPECT_EQ(test, info.last_lsn, CLFS_LSN_NULL);
	KUNIT_EXPECT_GT(test, info.created_lsn, old);
	sx_close(sx);

	/* Recovery finds the old blocks, but they are not this stream's. */
	sx_reopen(sx, 0);
	s = sx_open(sx, id);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), CLFS_LSN_NULL);
	m = sx_area(sx, s, 4096, 0);
	KUNIT_ASSERT_EQ(test, sx_append(m, 99, 10, CLFS_APPEND_FORCE_FLUSH,
					&lsn), 0);
	KUNIT_EXPECT_GT(test, lsn, old);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), lsn);
	sx_close(sx);
	sx_reopen(sx, 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx_open(sx, id)), lsn);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx_open(sx, other)), CLFS_LSN_NULL);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, id, 99, 10));
}

static void clfs_stream_reset_forgets_records(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_stream_info info;
	struct clfs_marshal *m;
	struct clfs_stream *s;
	u64 lsn, old;
	u32 i;

	s = sx_open(sx, 0);
	m = sx_area(sx, s, 4096, 0);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, sx_append(m, i, 64, 0, &old), 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), old);
	KUNIT_ASSERT_EQ(test, clfs_stream_reset(s), 0);
	KUNIT_EXPECT_EQ(test, clfs_stream_query(s, &info), 0);
	KUNIT_EXPECT_EQ(test, info.last_lsn, CLFS_LSN_NULL);
	KUNIT_EXPECT_EQ(test, info.base_lsn, CLFS_LSN_NULL);
	KUNIT_EXPECT_EQ(test, info.restart_lsn, CLFS_LSN_NULL);
	KUNIT_EXPECT_GT(test, info.created_lsn, old);
	sx_close(sx);

	sx_reopen(sx, 0);
	s = sx_open(sx, 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), CLFS_LSN_NULL);
	m = sx_area(sx, s, 4096, 0);
	KUNIT_ASSERT_EQ(test, sx_append(m, 7, 64, CLFS_APPEND_FORCE_FLUSH,
					&lsn), 0);
	KUNIT_EXPECT_GT(test, lsn, old);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), lsn);
	/* A reset of a stream with nothing open in the block, then reopen. */
	KUNIT_ASSERT_EQ(test, clfs_stream_reset(s), 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), CLFS_LSN_NULL);
	sx_close(sx);
	sx_reopen(sx, 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx_open(sx, 0)), CLFS_LSN_NULL);
}

static void clfs_stream_table_survives_reopen(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4,
			       CLFS_LOG_MULTIPLEXED);
	u64 last[3] = { 0 };
	u32 i, id;

	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
		KUNIT_ASSERT_EQ(test, id, i);
	}
	for (i = 0; i < 3; i += 2) {
		struct clfs_marshal *m = sx_area(sx, sx_open(sx, i), 4096, 0);

		KUNIT_ASSERT_EQ(test, sx_append(m, i, 32, 0, &last[i]), 0);
		KUNIT_ASSERT_EQ(test, sx_append(m, i + 1, 32, 0, &last[i]), 0);
		sx_release_all(sx);
	}
	KUNIT_ASSERT_EQ(test, clfs_stream_delete(sx_log(sx), 1), 0);
	sx_close(sx);

	sx_reopen(sx, 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx_open(sx, 0)), last[0]);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx_open(sx, 2)), last[2]);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_stream_open(sx_log(sx), 1)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_stream_open(sx_log(sx), 3)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
	KUNIT_EXPECT_EQ(test, id, 1U);
	KUNIT_EXPECT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
	KUNIT_EXPECT_EQ(test, id, 3U);
}

/* ---- marshalling areas --------------------------------------------------- */

struct round_case {
	unsigned int sector;
	u32 asked;
	u32 got;
};

static const struct round_case round_cases[] = {
	{ 512, 1, 512 },
	{ 512, 512, 512 },
	{ 512, 513, 1024 },
	{ 512, 3000, 3072 },
	{ 512, SZ_1M - 1, SZ_1M },
	{ 4096, 1, 4096 },
	{ 4096, 4097, 8192 },
	{ 4096, 65535, 65536 },
	{ 4096, SZ_1M, SZ_1M },
};

static void round_case_desc(const struct round_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "sector_%u_asked_%u",
		 c->sector, c->asked);
}

KUNIT_ARRAY_PARAM(round_case, round_cases, round_case_desc);

/* The block size is rounded up, and a record that fills it fits. */
static void clfs_stream_marshal_block_size_rounded_up_to_sector(struct kunit *test)
{
	const struct round_case *c = test->param_value;
	struct sx *sx = sx_new(test, c->sector, SZ_2M, 2, 0);
	struct clfs_marshal *m = sx_stream0(sx, c->asked);
	u32 fill = c->got - CLFS_BLK_HDR_BYTES - CLFS_REC_HDR_BYTES;
	u64 lsn;

	KUNIT_EXPECT_EQ(test, m->params.block_bytes, c->got);
	KUNIT_EXPECT_EQ(test, sx_append(m, 1, fill + 1, 0, &lsn), -E2BIG);
	KUNIT_ASSERT_EQ(test, sx_append(m, 1, fill, CLFS_APPEND_FORCE_FLUSH,
					&lsn), 0);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 1, fill));
	KUNIT_EXPECT_EQ(test, sx->blk.disk_bytes, c->got);
}

static void *cb_alloc(size_t bytes, void *ctx)
{
	return NULL;
}

static void cb_free(void *buf, void *ctx)
{
}

struct bad_area {
	const char *name;
	struct clfs_marshal_params p;
};

static const struct bad_area bad_areas[] = {
	{ "zero_block", { .block_bytes = 0 } },
	{ "above_1M", { .block_bytes = SZ_1M + 1 } },
	{ "2M", { .block_bytes = SZ_2M } },
	{ "u32_max", { .block_bytes = U32_MAX } },
	{ "only_alloc", { .block_bytes = 4096, .alloc_buffer = cb_alloc } },
	{ "only_free", { .block_bytes = 4096, .free_buffer = cb_free } },
};

static void bad_area_desc(const struct bad_area *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(bad_area, bad_areas, bad_area_desc);

static void clfs_stream_marshal_create_checks_params(struct kunit *test)
{
	const struct bad_area *c = test->param_value;
	struct sx *sx = sx_new(test, 512, CB, 2, 0);
	struct clfs_stream *s = sx_open(sx, 0);
	struct clfs_marshal *m;

	m = clfs_marshal_create(s, &c->p);
	KUNIT_EXPECT_EQ(test, PTR_ERR(m), -EINVAL);
	if (!IS_ERR(m))
		clfs_marshal_delete(m);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_marshal_create(s, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_marshal_create(NULL, &c->p)),
			-EINVAL);
}

struct cb_count {
	atomic_t allocs;
	atomic_t frees;
	atomic_t bad_ctx;
	size_t bytes;
};

static void *cnt_alloc(size_t bytes, void *ctx)
{
	struct cb_count *c = ctx;

	atomic_inc(&c->allocs);
	c->bytes = bytes;
	return vmalloc(bytes);
}

static void cnt_free(void *buf, void *ctx)
{
	struct cb_count *c = ctx;

	if (!buf)
		atomic_inc(&c->bad_ctx);
	atomic_inc(&c->frees);
	vfree(buf);
}

static void clfs_stream_marshal_buffer_callbacks_used_and_balanced(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct sx *sx = sx_new(test, sector, CB, 4, 0);
	struct cb_count *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct clfs_marshal_params p = {
		.block_bytes = 8192,
		.alloc_buffer = cnt_alloc,
		.free_buffer = cnt_free,
	};
	struct clfs_marshal *m;
	u64 lsn[40];
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	p.buffer_ctx = c;
	m = sx_area_p(sx, sx_open(sx, 0), &p);
	for (i = 0; i < ARRAY_SIZE(lsn); i++)
		KUNIT_ASSERT_EQ(test, sx_append(m, i, 700, i % 9 == 8 ?
						CLFS_APPEND_FORCE_APPEND : 0,
						&lsn[i]), 0);
	KUNIT_EXPECT_EQ(test, clfs_flush_buffers(m), 0);
	/* 40 records of 700 bytes fill several 8 KiB blocks. */
	KUNIT_EXPECT_GE(test, atomic_read(&c->allocs), 4);
	KUNIT_EXPECT_GE(test, c->bytes, (size_t)8192);
	for (i = 0; i < ARRAY_SIZE(lsn); i++)
		KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn[i], 0, i, 700));
	KUNIT_EXPECT_EQ(test, sx_delete_area(sx, m), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->allocs),
			atomic_read(&c->frees));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->bad_ctx), 0);
	kunit_info(test, "%d buffers allocated and freed\n",
		   atomic_read(&c->allocs));
}

struct cb_fail {
	atomic_t allocs;
	atomic_t frees;
	bool fail;
};

static void *fail_alloc(size_t bytes, void *ctx)
{
	struct cb_fail *c = ctx;

	if (READ_ONCE(c->fail))
		return NULL;
	atomic_inc(&c->allocs);
	return vmalloc(bytes);
}

static void fail_free(void *buf, void *ctx)
{
	struct cb_fail *c = ctx;

	atomic_inc(&c->frees);
	vfree(buf);
}

/* A client allocator that fails gives -ENOMEM and changes nothing. */
static void clfs_stream_marshal_failing_allocator_is_enomem(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct cb_fail *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct clfs_marshal_params p = {
		.block_bytes = 4096,
		.alloc_buffer = fail_alloc,
		.free_buffer = fail_free,
	};
	struct clfs_marshal *m;
	u64 lsn, head, first;

	KUNIT_ASSERT_NOT_NULL(test, c);
	p.buffer_ctx = c;
	m = sx_area_p(sx, sx_open(sx, 0), &p);
	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 10, CLFS_APPEND_FORCE_FLUSH,
					&first), 0);
	head = tl_head(sx->tl);
	WRITE_ONCE(c->fail, true);
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, 10, 0, &lsn), -ENOMEM);
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, 10, CLFS_APPEND_FORCE_FLUSH,
					&lsn), -ENOMEM);
	KUNIT_EXPECT_EQ(test, tl_head(sx->tl), head);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[0]), first);
	KUNIT_EXPECT_EQ(test, clfs_flush_buffers(m), 0);
	WRITE_ONCE(c->fail, false);
	KUNIT_ASSERT_EQ(test, sx_append(m, 3, 10, CLFS_APPEND_FORCE_FLUSH,
					&lsn), 0);
	KUNIT_EXPECT_GT(test, lsn, first);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 3, 10));
	KUNIT_EXPECT_EQ(test, sx_delete_area(sx, m), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->allocs), atomic_read(&c->frees));
}

/* Deleting an area makes what it appended durable. */
static void clfs_stream_marshal_delete_flushes(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	struct clfs_memdev_stats before;
	u64 lsn[10];
	u32 i;

	sx_no_background_flush(sx);
	for (i = 0; i < ARRAY_SIZE(lsn); i++)
		KUNIT_ASSERT_EQ(test, sx_append(m, i, 300, 0, &lsn[i]), 0);
	before = sx_stats(sx);
	KUNIT_EXPECT_EQ(test, sx_delete_area(sx, m), 0);
	KUNIT_EXPECT_GT(test, sx_stats(sx).flushes, before.flushes);
	sx_crash(sx, NULL, NULL);
	sx_reopen(sx, 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx_open(sx, 0)),
			lsn[ARRAY_SIZE(lsn) - 1]);
	for (i = 0; i < ARRAY_SIZE(lsn); i++)
		KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn[i], 0, i, 300));
}

/* ---- append -------------------------------------------------------------- */

/* Many records: LSNs increase across blocks and containers, all read back. */
static void clfs_stream_append_lsns_strictly_increase(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct sx *sx = sx_new(test, sector, CB, 6, 0);
	struct clfs_marshal *m = sx_stream0(sx, sector == 512 ? 2048 : 4096);
	const u32 n = 1000;
	u64 *lsn = kunit_kcalloc(test, n, sizeof(*lsn), GFP_KERNEL);
	u32 i, blocks = 1;

	KUNIT_ASSERT_NOT_NULL(test, lsn);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test, sx_append(m, i, (i * 37) % 301, 0,
						&lsn[i]), 0);
		if (i) {
			KUNIT_ASSERT_GT(test, lsn[i], lsn[i - 1]);
			blocks += clfs_lsn_block(lsn[i]) !=
				  clfs_lsn_block(lsn[i - 1]);
		}
	}
	KUNIT_EXPECT_GE(test, clfs_lsn_container(lsn[n - 1]),
			clfs_lsn_container(lsn[0]) + 2);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(m), 0);
	for (i = 0; i < n; i++)
		if (!sx_check(sx, lsn[i], 0, i, (i * 37) % 301))
			break;
	kunit_info(test, "%u records in %u blocks, containers %u..%u\n", n,
		   blocks, clfs_lsn_container(lsn[0]),
		   clfs_lsn_container(lsn[n - 1]));
}

struct gather_case {
	unsigned int sector;
	u32 align;
};

static const struct gather_case gather_cases[] = {
	{ 512, 0 }, { 512, 1 }, { 512, 2 }, { 512, 8 }, { 512, 64 },
	{ 512, 512 }, { 512, 4096 }, { 4096, 0 }, { 4096, 16 },
	{ 4096, 4096 },
};

static void gather_case_desc(const struct gather_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "sector_%u_align_%u", c->sector,
		 c->align);
}

KUNIT_ARRAY_PARAM(gather_case, gather_cases, gather_case_desc);

/* The entries are concatenated, each on its boundary, with zero padding. */
static void clfs_stream_append_gathers_entries_on_their_boundary(struct kunit *test)
{
	const struct gather_case *c = test->param_value;
	static const u32 lens[] = { 3, 1, 17, 0, 100, 4096, 5 };
	struct sx *sx = sx_new(test, c->sector, CB * 4, 2, 0);
	struct clfs_marshal *m = sx_stream0(sx, SZ_64K);
	struct kvec v[ARRAY_SIZE(lens)];
	u32 align = max(c->align, 1U), off = 0, i;
	u8 *want = kunit_kzalloc(test, SZ_64K, GFP_KERNEL);
	u8 *src = kunit_kzalloc(test, SZ_64K, GFP_KERNEL);
	struct clfs_rec rec;
	u64 lsn, lsn2;

	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, src);
	/* Put garbage where the padding goes: it must not leak. */
	memset(src, 0xa5, SZ_64K);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		/* Apart, at odd offsets. */
		u8 *p = src + 5000 * i + i % 5;

		tl_fill(p, lens[i], 1000 + i);
		v[i].iov_base = p;
		v[i].iov_len = lens[i];
		off = round_up(off, align);
		memcpy(want + off, p, lens[i]);
		off += lens[i];
	}
	/* One record before, so the gathered one is not first in its block. */
	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 13, 0, &lsn2), 0);
	KUNIT_ASSERT_EQ(test, sx_append_vec(m, v, ARRAY_SIZE(v), c->align,
					    CLFS_APPEND_FORCE_FLUSH, &lsn), 0);
	KUNIT_ASSERT_EQ(test, sx_find(sx, lsn, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.data_bytes, off);
	KUNIT_EXPECT_EQ(test, memcmp(sx->buf + rec.data_offset, want, off), 0);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn2, 0, 1, 13));
}

struct bad_append {
	const char *name;
	u32 nr_entries;
	bool null_entries;
	u32 entry_align;
	u32 type;
	u32 flags;
};

static const struct bad_append bad_appends[] = {
	{ "unknown_flag", 1, false, 0, CLFS_RECORD_DATA, 1U << 3 },
	{ "high_flag", 1, false, 0, CLFS_RECORD_DATA, 1U << 31 },
	{ "type_0", 1, false, 0, 0, 0 },
	{ "type_3", 1, false, 0, 3, 0 },
	{ "type_max", 1, false, 0, U32_MAX, 0 },
	{ "align_3", 2, false, 3, CLFS_RECORD_DATA, 0 },
	{ "align_4095", 2, false, 4095, CLFS_RECORD_DATA, 0 },
	{ "align_8192", 2, false, 8192, CLFS_RECORD_DATA, 0 },
	{ "align_u32_max", 2, false, U32_MAX, CLFS_RECORD_DATA, 0 },
	{ "65_entries", CLFS_APPEND_MAX_ENTRIES + 1, false, 0,
	  CLFS_RECORD_DATA, 0 },
	{ "u32_max_entries", U32_MAX, false, 0, CLFS_RECORD_DATA, 0 },
	{ "null_entries", 1, true, 0, CLFS_RECORD_DATA, 0 },
};

static void bad_append_desc(const struct bad_append *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(bad_append, bad_appends, bad_append_desc);

static void clfs_stream_append_checks_args(struct kunit *test)
{
	const struct bad_append *c = test->param_value;
	struct sx *sx = sx_new(test, 512, CB, 2, 0);
	struct clfs_stream *s = sx_open(sx, 0);
	struct clfs_marshal *m = sx_area(sx, s, 4096, 0);
	struct kvec *v = kunit_kcalloc(test, CLFS_APPEND_MAX_ENTRIES + 1,
				       sizeof(*v), GFP_KERNEL);
	static u8 byte = 1;
	struct clfs_append a = {
		.nr_entries = c->nr_entries,
		.entry_align = c->entry_align,
		.type = c->type,
		.flags = c->flags,
	};
	u64 lsn = 42, head = tl_head(sx->tl);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, v);
	for (i = 0; i <= CLFS_APPEND_MAX_ENTRIES; i++) {
		v[i].iov_base = &byte;
		v[i].iov_len = 1;
	}
	a.entries = c->null_entries ? NULL : v;
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, &a, &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, lsn, 42ULL);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), CLFS_LSN_NULL);
	KUNIT_EXPECT_EQ(test, clfs_flush_buffers(m), 0);
	KUNIT_EXPECT_EQ(test, tl_head(sx->tl), head);
	/* The largest legal ones pass. */
	a.entries = v;
	a.nr_entries = CLFS_APPEND_MAX_ENTRIES;
	a.entry_align = 128;
	a.type = CLFS_RECORD_RESTART;
	a.flags = CLFS_APPEND_FORCE_APPEND | CLFS_APPEND_FORCE_FLUSH;
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, &a, &lsn), -E2BIG);
	a.entry_align = 32;
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, &a, &lsn), 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), lsn);
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(NULL, &a, &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, NULL, &lsn), -EINVAL);
}

/* The largest record of an area fits; one byte more is -E2BIG. */
static void clfs_stream_append_bigger_than_block_is_e2big(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct sx *sx = sx_new(test, sector, CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 8192);
	u32 max = 8192 - CLFS_BLK_HDR_BYTES - CLFS_REC_HDR_BYTES;
	struct kvec v[2];
	u8 *p = kunit_kzalloc(test, 8192, GFP_KERNEL);
	u64 lsn, before;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 100, 0, &before), 0);
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, max + 1, 0, &lsn), -E2BIG);
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, 8192, 0, &lsn), -E2BIG);
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, SZ_1M, 0, &lsn), -E2BIG);
	/* Gathered: the alignment padding counts. */
	v[0].iov_base = p;
	v[0].iov_len = 1;
	v[1].iov_base = p;
	v[1].iov_len = max - 4096 + 1;
	KUNIT_EXPECT_EQ(test, sx_append_vec(m, v, 2, 4096, 0, &lsn), -E2BIG);
	/* A length that would wrap to a small one in 32 bits. */
	v[1].iov_len = (size_t)U32_MAX + 11;
	KUNIT_EXPECT_EQ(test, sx_append_vec(m, v, 2,
					    0, 0, &lsn), -E2BIG);
	v[1].iov_len = max - 4096;
	KUNIT_EXPECT_EQ(test, sx_append_vec(m, v, 2, 4096, 0, &lsn), 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[0]), lsn);
	KUNIT_ASSERT_EQ(test, sx_append(m, 3, max, CLFS_APPEND_FORCE_FLUSH,
					&lsn), 0);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 3, max));
	KUNIT_EXPECT_TRUE(test, sx_check(sx, before, 0, 1, 100));
}

/*
 * An area's blocks may be larger than a container: a record that no
 * container can hold is -E2BIG, and appending it uses up no container.
 */
static void clfs_stream_append_bigger_than_container_is_e2big(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, SZ_1M);
	struct clfs_log_info before, after;
	u64 lsn, small;

	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 100, 0, &small), 0);
	tl_info(sx->tl, &before);
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, CB, 0, &lsn), -E2BIG);
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, CB + 1000, CLFS_APPEND_FORCE_FLUSH,
					&lsn), -E2BIG);
	tl_info(sx->tl, &after);
	KUNIT_EXPECT_EQ(test, after.nr_active, before.nr_active);
	KUNIT_EXPECT_EQ(test, after.head_lsn, before.head_lsn);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[0]), small);
	/* The largest record a container holds still goes in, in the next. */
	KUNIT_ASSERT_EQ(test, sx_append(m, 3, CB - CLFS_BLK_HDR_BYTES -
					CLFS_REC_HDR_BYTES,
					CLFS_APPEND_FORCE_FLUSH, &lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_lsn_container(lsn),
			clfs_lsn_container(small) + 1);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 3, CB -
					 CLFS_BLK_HDR_BYTES -
					 CLFS_REC_HDR_BYTES));
	KUNIT_EXPECT_TRUE(test, sx_check(sx, small, 0, 1, 100));
}

/* A block holds at most 512 records; the next one goes in a new block. */
static void clfs_stream_append_512_records_fill_a_block(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB * 4, 2, 0);
	struct clfs_marshal *m = sx_stream0(sx, SZ_64K);
	const u32 n = 3 * CLFS_LSN_RECORDS_PER_BLOCK + 7;
	u64 *lsn = kunit_kcalloc(test, n, sizeof(*lsn), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, lsn);
	/* The bounded-delay flush would seal a block early on a slow guest. */
	sx_no_background_flush(sx);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test, sx_append(m, i, i % 3, 0, &lsn[i]), 0);
		KUNIT_EXPECT_EQ(test, clfs_lsn_record_index(lsn[i]),
				i % CLFS_LSN_RECORDS_PER_BLOCK);
		if (i)
			KUNIT_ASSERT_GT(test, lsn[i], lsn[i - 1]);
	}
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(m), 0);
	for (i = 0; i < n; i++)
		if (!sx_check(sx, lsn[i], 0, i, i % 3))
			break;
}

/* Records are readable through the read API before any flush. */
static void clfs_stream_append_readable_before_flush(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 8192);
	static const u32 lens[] = { 5, 0, 33, 200 };
	struct clfs_memdev_stats before;
	struct kvec v[ARRAY_SIZE(lens)];
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u8 *src = kunit_kzalloc(test, 1024, GFP_KERNEL);
	u8 *want = kunit_kzalloc(test, 1024, GFP_KERNEL);
	u32 i, off = 0;
	u64 lsn, first;

	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, want);
	sx_no_background_flush(sx);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		tl_fill(src + 256 * i, lens[i], 70 + i);
		v[i].iov_base = src + 256 * i;
		v[i].iov_len = lens[i];
		off = round_up(off, 16U);
		memcpy(want + off, src + 256 * i, lens[i]);
		off += lens[i];
	}
	KUNIT_ASSERT_EQ(test, sx_append(m, 9, 77, 0, &first), 0);
	KUNIT_ASSERT_EQ(test, sx_append_vec(m, v, ARRAY_SIZE(v), 16, 0, &lsn),
			0);
	before = sx_stats(sx);
	c = clfs_read_log_record(m, first, CLFS_READ_FORWARD, CLFS_FILTER_ALL,
				 &rec);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	KUNIT_EXPECT_EQ(test, rec.lsn, first);
	KUNIT_EXPECT_EQ(test, rec.data_bytes, 77U);
	tl_fill(sx->tl->data, 77, 9);
	KUNIT_EXPECT_EQ(test, memcmp(rec.data, sx->tl->data, 77), 0);
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.lsn, lsn);
	KUNIT_EXPECT_EQ(test, rec.type, (u32)CLFS_RECORD_DATA);
	KUNIT_EXPECT_EQ(test, rec.data_bytes, off);
	KUNIT_EXPECT_EQ(test, memcmp(rec.data, want, off), 0);
	KUNIT_EXPECT_EQ(test, clfs_read_next_log_record(c, &rec), -ENODATA);
	clfs_terminate_read_log(c);
	/* Nothing was written to read them. */
	KUNIT_EXPECT_EQ(test, sx_stats(sx).writes, before.writes);
}

/* The reservation paths of reserve-and-append check their arguments. */
static void clfs_stream_append_reservation_arguments(struct kunit *test)
{
	struct sx *sx = sx_new(test, 512, CB, 2, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	u8 byte = 0;
	struct kvec v = { .iov_base = &byte, .iov_len = 1 };
	s64 res = 100;
	struct clfs_append a = {
		.entries = &v,
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
	};
	u64 lsn;

	/* Sizes announced but not given. */
	a.nr_reserve = 1;
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, &a, &lsn), -EINVAL);
	/* Using a reservation that was never made. */
	a.nr_reserve = 0;
	a.flags = CLFS_APPEND_USE_RESERVATION;
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, &a, &lsn), -EINVAL);
	/* Reserve only takes no record and no flag. */
	a.nr_reserve = 1;
	a.reserve = &res;
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, &a, NULL), -EINVAL);
	a.flags = 0;
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, &a, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[0]), CLFS_LSN_NULL);
	/* Reserve only, right: nothing is appended. */
	a.nr_entries = 0;
	KUNIT_EXPECT_EQ(test, clfs_reserve_and_append(m, &a, NULL), 0);
	KUNIT_EXPECT_GT(test, res, 100LL);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[0]), CLFS_LSN_NULL);
}

static void clfs_stream_append_read_only_log_is_erofs(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 2, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	struct clfs_memdev_stats before;
	u64 lsn, old;

	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 10, CLFS_APPEND_FORCE_FLUSH,
					&old), 0);
	sx_close(sx);
	sx_reopen(sx, CLFS_OPEN_READ_ONLY);
	before = sx_stats(sx);
	m = sx_stream0(sx, 4096);
	lsn = 42;
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, 10, 0, &lsn), -EROFS);
	KUNIT_EXPECT_EQ(test, sx_append(m, 2, 10, CLFS_APPEND_FORCE_FLUSH,
					&lsn), -EROFS);
	KUNIT_EXPECT_EQ(test, lsn, 42ULL);
	KUNIT_EXPECT_EQ(test, clfs_flush_buffers(m), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, old, NULL), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_stream_reset(sx->s[0]), -EROFS);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[0]), old);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, old, 0, 1, 10));
	KUNIT_EXPECT_EQ(test, sx_delete_area(sx, m), 0);
	KUNIT_EXPECT_EQ(test, sx_stats(sx).writes, before.writes);
	KUNIT_EXPECT_EQ(test, sx_stats(sx).flushes, before.flushes);
}

/* A full log refuses appends with -ENOSPC and stays usable. */
static void clfs_stream_append_full_log_is_enospc(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct sx *sx = sx_new(test, sector, CB, 2, 0);
	struct clfs_marshal *m = sx_stream0(sx, 8192);
	u64 lsn = 0, last = 0, first = 0;
	struct clfs_log_info info;
	u32 i, n = 0;
	int ret = 0;

	for (i = 0; i < 1000; i++) {
		ret = sx_append(m, i, 1000, 0, &lsn);
		if (ret)
			break;
		if (!first)
			first = lsn;
		last = lsn;
		n++;
	}
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	/* Both containers, nearly full. */
	KUNIT_EXPECT_GE(test, n, 100U);
	KUNIT_EXPECT_EQ(test, sx_append(m, i, 10, 0, &lsn), -ENOSPC);
	KUNIT_EXPECT_EQ(test, sx_append(m, i, 1000, CLFS_APPEND_FORCE_FLUSH,
					&lsn), -ENOSPC);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[0]), last);
	KUNIT_EXPECT_EQ(test, clfs_flush_buffers(m), 0);
	tl_info(sx->tl, &info);
	KUNIT_EXPECT_FALSE(test, info.flags & CLFS_LOG_SHUT_DOWN);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, first, 0, 0, 1000));
	KUNIT_EXPECT_TRUE(test, sx_check(sx, last, 0, n - 1, 1000));
	kunit_info(test, "%u records before the log was full\n", n);
	/* Room again: appends go on, in the new container. */
	KUNIT_ASSERT_EQ(test, clfs_container_add(sx_log(sx), 1), 0);
	KUNIT_ASSERT_EQ(test, sx_append(m, 5000, 1000, CLFS_APPEND_FORCE_FLUSH,
					&lsn), 0);
	KUNIT_EXPECT_GT(test, lsn, last);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[0]), lsn);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 5000, 1000));
}

/* ---- durability ---------------------------------------------------------- */

static void clfs_stream_force_flush_survives_power_cycle(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	u64 lsn;

	sx_no_background_flush(sx);
	KUNIT_ASSERT_EQ(test, sx_append(m, 5, 123, CLFS_APPEND_FORCE_FLUSH,
					&lsn), 0);
	sx_crash(sx, NULL, NULL);
	sx_reopen(sx, 0);
	KUNIT_EXPECT_EQ(test, sx_last_lsn(sx_open(sx, 0)), lsn);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 5, 123));
}

static void clfs_stream_flush_to_lsn_makes_records_durable(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	struct clfs_stream_info info;
	u64 lsn[12], flushed = 0;
	u32 i;

	sx_no_background_flush(sx);
	for (i = 0; i < 6; i++)
		KUNIT_ASSERT_EQ(test, sx_append(m, i, 500, 0, &lsn[i]), 0);
	KUNIT_ASSERT_EQ(test, clfs_flush_to_lsn(m, lsn[3], &flushed), 0);
	KUNIT_EXPECT_GT(test, flushed, lsn[3]);
	KUNIT_EXPECT_EQ(test, clfs_stream_query(sx->s[0], &info), 0);
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, flushed);
	/* Already durable: nothing to do, still reported. */
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, lsn[0], &flushed), 0);
	KUNIT_EXPECT_GT(test, flushed, lsn[3]);
	for (i = 6; i < 12; i++)
		KUNIT_ASSERT_EQ(test, sx_append(m, i, 500, 0, &lsn[i]), 0);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(m), 0);
	KUNIT_ASSERT_EQ(test, sx_append(m, 12, 500, 0, &flushed), 0);
	sx_crash(sx, NULL, NULL);
	sx_reopen(sx, 0);
	for (i = 0; i < 12; i++)
		KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn[i], 0, i, 500));
	KUNIT_EXPECT_GE(test, sx_last_lsn(sx_open(sx, 0)), lsn[11]);
}

static void clfs_stream_flush_to_lsn_not_appended_is_einval(struct kunit *test)
{
	struct sx *sx = sx_new(test, 512, CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	u64 lsn, flushed;

	sx_no_background_flush(sx);
	/* Nothing appended yet: the head names no record. */
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, tl_head(sx->tl), NULL),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 10, 0, &lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, lsn + 1, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, lsn + 0x200, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, clfs_lsn_make(40, 0, 1),
						NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, CLFS_LSN_INVALID + 1,
						NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, lsn, &flushed), 0);
	KUNIT_EXPECT_GT(test, flushed, lsn);
}

struct bg_case {
	unsigned int sector;
	u32 flags;
};

static const struct bg_case bg_cases[] = {
	{ 512, 0 },
	{ 4096, 0 },
	{ 512, CLFS_APPEND_FORCE_APPEND },
	{ 4096, CLFS_APPEND_FORCE_APPEND },
};

static void bg_case_desc(const struct bg_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "sector_%u%s", c->sector,
		 c->flags ? "_force_append" : "");
}

KUNIT_ARRAY_PARAM(bg_case, bg_cases, bg_case_desc);

/*
 * A record not forced to disk is durable by itself within the flush
 * delay: one left in the open block, and one whose block FORCE_APPEND
 * queued for writing (written, but not yet flushed from the device's
 * cache).
 */
static void clfs_stream_background_flush_makes_record_durable(struct kunit *test)
{
	const struct bg_case *c = test->param_value;
	struct sx *sx = sx_new(test, c->sector, CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	struct clfs_memdev_stats before, after;
	u64 lsn;

	before = sx_stats(sx);
	KUNIT_ASSERT_EQ(test, sx_append(m, 3, 200, c->flags, &lsn), 0);
	msleep(1000);
	after = sx_stats(sx);
	KUNIT_EXPECT_GT(test, after.writes, before.writes);
	KUNIT_EXPECT_GT(test, after.flushes + after.preflushes +
			after.fua_writes, before.flushes + before.preflushes +
			before.fua_writes);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(sx->tl->m), 0U);
	kunit_info(test, "after 1 s: %llu writes, %llu flushes\n",
		   after.writes - before.writes,
		   after.flushes - before.flushes);
	sx_crash(sx, NULL, NULL);
	sx_reopen(sx, 0);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 3, 200));
}

/* FORCE_APPEND writes the block at once, without a device flush. */
static void clfs_stream_force_append_queues_block_without_flush(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	struct clfs_memdev_stats before, after;
	struct clfs_rec rec;
	u64 lsn, lsn2;

	sx_no_background_flush(sx);
	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 20, 0, &lsn), 0);
	before = sx_stats(sx);
	KUNIT_ASSERT_EQ(test, sx_append(m, 2, 20, CLFS_APPEND_FORCE_APPEND,
					&lsn2), 0);
	after = sx_stats(sx);
	KUNIT_EXPECT_EQ(test, after.writes, before.writes + 1);
	KUNIT_EXPECT_EQ(test, after.flushes, before.flushes);
	KUNIT_EXPECT_EQ(test, after.preflushes, before.preflushes);
	KUNIT_EXPECT_EQ(test, after.fua_writes, before.fua_writes);
	/* Both records went in that one block, readable once written. */
	KUNIT_EXPECT_EQ(test, clfs_lsn_block(lsn), clfs_lsn_block(lsn2));
	KUNIT_EXPECT_EQ(test, clfs_log_wait_completed(sx_log(sx), lsn2), 0);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 1, 20));
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn2, 0, 2, 20));
	/* The next record goes in a new block. */
	KUNIT_ASSERT_EQ(test, sx_append(m, 3, 20, 0, &lsn), 0);
	KUNIT_EXPECT_GT(test, clfs_lsn_block(lsn), clfs_lsn_block(lsn2));
	KUNIT_EXPECT_EQ(test, sx_find(sx, lsn, &rec), -EAGAIN);
}

/* ---- threads ------------------------------------------------------------- */

/**
 * struct appender - a thread appending @nr records to one area
 * @m: the area
 * @stream: its stream id
 * @go: waited for before the first append
 * @done: completed when the thread ends
 * @first_seq: pattern of record i is @first_seq + i
 * @nr: records to append
 * @force_every: every this many records (1: all) is FORCE_FLUSH, 0: none
 * @lsn: the LSNs returned
 * @acked: record i was appended with FORCE_FLUSH and that succeeded
 * @ret: the first error, or 0
 * @appended: records appended
 */
struct appender {
	struct clfs_marshal *m;
	u32 stream;
	struct completion *go;
	struct completion done;
	u32 first_seq;
	u32 nr;
	u32 force_every;
	u64 *lsn;
	bool *acked;
	int ret;
	u32 appended;
};

static u32 app_len(u32 seq)
{
	return (seq * 53) % 400;
}

static int appender_fn(void *arg)
{
	struct appender *a = arg;
	u32 i;

	wait_for_completion(a->go);
	for (i = 0; i < a->nr; i++) {
		bool force = a->force_every && (i + 1) % a->force_every == 0;
		u32 seq = a->first_seq + i;

		a->ret = sx_append(a->m, seq, app_len(seq),
				   force ? CLFS_APPEND_FORCE_FLUSH : 0,
				   &a->lsn[i]);
		if (a->ret)
			break;
		a->acked[i] = force;
		a->appended++;
	}
	kthread_complete_and_exit(&a->done, 0);
}

/* Starts @nr appenders (allocated by the case), which wait for @go. */
static u32 start_appenders(struct kunit *test, struct appender *a, u32 nr,
			   struct completion *go)
{
	struct task_struct *t;
	u32 i, started = 0;

	for (i = 0; i < nr; i++) {
		a[i].go = go;
		a[i].ret = 0;
		a[i].appended = 0;
		init_completion(&a[i].done);
		a[i].lsn = kunit_kcalloc(test, a[i].nr, sizeof(u64),
					 GFP_KERNEL);
		a[i].acked = kunit_kcalloc(test, a[i].nr, sizeof(bool),
					   GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, a[i].lsn);
		KUNIT_ASSERT_NOT_NULL(test, a[i].acked);
		t = kthread_run(appender_fn, &a[i], "clfs-app-%u", i);
		KUNIT_EXPECT_FALSE(test, IS_ERR(t));
		if (IS_ERR(t))
			break;
		started++;
	}
	return started;
}

static void join_appenders(struct kunit *test, struct appender *a, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&a[i].done,
								    60 * HZ));
}

/*
 * N threads append one forced record each at the same moment: they share
 * block writes and device flushes (group commit through the open block).
 */
static void clfs_stream_group_commit_shares_writes_and_flushes(struct kunit *test)
{
	const u32 n = 16;
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 8192);
	struct appender *a = kunit_kcalloc(test, n, sizeof(*a), GFP_KERNEL);
	struct completion go;
	struct clfs_memdev_stats before, after;
	u64 writes, flushes;
	u32 i, started;

	KUNIT_ASSERT_NOT_NULL(test, a);
	sx_no_background_flush(sx);
	init_completion(&go);
	for (i = 0; i < n; i++) {
		a[i].m = m;
		a[i].first_seq = i;
		a[i].nr = 1;
		a[i].force_every = 1;
	}
	started = start_appenders(test, a, n, &go);
	KUNIT_ASSERT_EQ(test, started, n);
	msleep(100);
	before = sx_stats(sx);
	complete_all(&go);
	join_appenders(test, a, n);
	after = sx_stats(sx);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, a[i].ret, 0, "thread %u", i);
	writes = after.writes - before.writes;
	flushes = after.flushes + after.preflushes -
		  before.flushes - before.preflushes;
	kunit_info(test, "%u forced appends: %llu block writes, %llu device flushes\n",
		   n, writes, flushes);
	KUNIT_EXPECT_LE(test, writes, (u64)n / 2);
	KUNIT_EXPECT_LE(test, flushes, (u64)n / 2);
	sx_crash(sx, NULL, NULL);
	sx_reopen(sx, 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, sx_check(sx, a[i].lsn[0], 0, i,
						 app_len(i)));
}

/* Records in the open block, read under the lock that guards it. */
static u32 sx_open_records(struct sx *sx)
{
	struct clfs_streams *ss = sx_log(sx)->streams;
	u32 n = 0;

	mutex_lock(&ss->append_lock);
	if (ss->cur)
		n = clfs_wblk_records(ss->cur);
	mutex_unlock(&ss->append_lock);
	return n;
}

/*
 * Areas of one stream append into the same open block; it counts against
 * the area it was opened for, and the others use no write buffer of theirs.
 */
static void clfs_stream_areas_of_a_stream_share_the_open_block(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_stream *s = sx_open(sx, 0);
	struct clfs_marshal *a = sx_area(sx, s, 8192, 1);
	struct clfs_marshal *b = sx_area(sx, s, 8192, 1);
	struct clfs_memdev_stats before, after;
	u64 lsn[3];

	sx_no_background_flush(sx);
	before = sx_stats(sx);
	KUNIT_ASSERT_EQ(test, sx_append(a, 1, 100, 0, &lsn[0]), 0);
	KUNIT_ASSERT_EQ(test, sx_append(b, 2, 200, 0, &lsn[1]), 0);
	KUNIT_ASSERT_EQ(test, sx_append(a, 3, 300, 0, &lsn[2]), 0);
	KUNIT_EXPECT_EQ(test, clfs_lsn_block(lsn[1]), clfs_lsn_block(lsn[0]));
	KUNIT_EXPECT_EQ(test, clfs_lsn_block(lsn[2]), clfs_lsn_block(lsn[0]));
	KUNIT_EXPECT_EQ(test, sx_open_records(sx), 3U);
	KUNIT_EXPECT_EQ(test, a->writing, 1U);
	KUNIT_EXPECT_EQ(test, b->writing, 0U);
	KUNIT_ASSERT_EQ(test, clfs_flush_to_lsn(b, lsn[1], NULL), 0);
	after = sx_stats(sx);
	KUNIT_EXPECT_EQ(test, after.writes - before.writes, 1ULL);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn[0], 0, 1, 100));
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn[1], 0, 2, 200));
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn[2], 0, 3, 300));
}

/*
 * A record too large for the open block's size (the opener's) but not for
 * its own area's goes into a block of its own area; the open block is
 * written first, so LSNs still increase.
 */
static void clfs_stream_record_larger_than_openers_block_opens_its_own(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_stream *s = sx_open(sx, 0);
	struct clfs_marshal *small = sx_area(sx, s, 4096, 0);
	struct clfs_marshal *big = sx_area(sx, s, 16384, 0);
	u64 lsn[2];

	sx_no_background_flush(sx);
	KUNIT_ASSERT_EQ(test, sx_append(small, 1, 100, 0, &lsn[0]), 0);
	KUNIT_ASSERT_EQ(test, sx_append(big, 2, 8000, 0, &lsn[1]), 0);
	KUNIT_EXPECT_GT(test, clfs_lsn_block(lsn[1]), clfs_lsn_block(lsn[0]));
	KUNIT_EXPECT_EQ(test, sx_open_records(sx), 1U);
	KUNIT_EXPECT_EQ(test, big->writing, 1U);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(small), 0);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn[0], 0, 1, 100));
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn[1], 0, 2, 8000));
}

/*
 * Group commit with one marshalling area per client: while a block is
 * being written, forced appends of 15 clients, each through its own area,
 * gather in the next block, and all 15 become durable with one block
 * write and one device flush once the first write completes.
 */
static void clfs_stream_group_commit_one_area_per_client(struct kunit *test)
{
	const u32 n = SX_MAX - 1;
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_stream *s = sx_open(sx, 0);
	struct clfs_marshal *first = sx_area(sx, s, SZ_16K, 0);
	struct appender *a = kunit_kcalloc(test, n, sizeof(*a), GFP_KERNEL);
	struct clfs_memdev_stats before, after;
	unsigned long until;
	struct completion go;
	u64 lsn;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, a);
	sx_no_background_flush(sx);
	init_completion(&go);
	clfs_memdev_set_completion(sx->tl->m, CLFS_MEMDEV_HOLD);
	KUNIT_ASSERT_EQ(test, sx_append(first, 0, 100,
					CLFS_APPEND_FORCE_APPEND, &lsn), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_nr_held(sx->tl->m), 1U);
	for (i = 0; i < n; i++) {
		a[i].m = sx_area(sx, s, SZ_16K, 0);
		a[i].first_seq = i + 1;
		a[i].nr = 1;
		a[i].force_every = 1;
	}
	KUNIT_ASSERT_EQ(test, start_appenders(test, a, n, &go), n);
	complete_all(&go);
	/* Every client's record is in the open block, waiting to be flushed. */
	until = jiffies + 10 * HZ;
	while (sx_open_records(sx) < n && time_before(jiffies, until))
		msleep(20);
	KUNIT_ASSERT_EQ(test, sx_open_records(sx), n);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_held(sx->tl->m), 1U);
	before = sx_stats(sx);
	/* Completes the held write, then every later I/O at once. */
	clfs_memdev_set_completion(sx->tl->m, CLFS_MEMDEV_INLINE);
	join_appenders(test, a, n);
	after = sx_stats(sx);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, a[i].ret, 0, "client %u", i);
		KUNIT_EXPECT_EQ(test, clfs_lsn_block(a[i].lsn[0]),
				clfs_lsn_block(a[0].lsn[0]));
	}
	KUNIT_EXPECT_EQ(test, after.writes - before.writes, 1ULL);
	KUNIT_EXPECT_EQ(test, after.flushes + after.preflushes -
			before.flushes - before.preflushes, 1ULL);
	sx_crash(sx, NULL, NULL);
	sx_reopen(sx, 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, sx_check(sx, a[i].lsn[0], 0, i + 1,
						 app_len(i + 1)));
}

/*
 * An area with one write buffer: while its block is being written, the
 * next block's append waits, and goes on when the write completes.
 */
static void clfs_stream_write_buffer_limit_waits_for_write(struct kunit *test)
{
	struct sx *sx = sx_new(test, tl_param_sector(test), CB, 4, 0);
	struct clfs_marshal *m = sx_area(sx, sx_open(sx, 0), 4096, 1);
	struct appender *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct completion go;
	struct clfs_io *io;
	u64 lsn;

	KUNIT_ASSERT_NOT_NULL(test, a);
	sx_no_background_flush(sx);
	init_completion(&go);
	clfs_memdev_set_completion(sx->tl->m, CLFS_MEMDEV_HOLD);
	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 100, CLFS_APPEND_FORCE_APPEND,
					&lsn), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_nr_held(sx->tl->m), 1U);
	io = clfs_memdev_held_io(sx->tl->m, 0);
	KUNIT_EXPECT_TRUE(test, io && io->op == CLFS_IO_WRITE);
	a->m = m;
	a->first_seq = 2;
	a->nr = 1;
	KUNIT_ASSERT_EQ(test, start_appenders(test, a, 1, &go), 1U);
	complete_all(&go);
	msleep(300);
	KUNIT_EXPECT_FALSE(test, completion_done(&a->done));
	KUNIT_EXPECT_EQ(test, a->appended, 0U);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_held(sx->tl->m), 1U);
	KUNIT_EXPECT_EQ(test, clfs_memdev_complete_held(sx->tl->m, 0), 0);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&a->done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, a->ret, 0);
	KUNIT_EXPECT_EQ(test, a->appended, 1U);
	KUNIT_EXPECT_GT(test, a->lsn[0], lsn);
	clfs_memdev_set_completion(sx->tl->m, CLFS_MEMDEV_INLINE);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(m), 0);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, lsn, 0, 1, 100));
	KUNIT_EXPECT_TRUE(test, sx_check(sx, a->lsn[0], 0, 2, app_len(2)));
}

struct found {
	u64 lsn;
	u32 stream;
	u32 seq;
	bool acked;
	bool seen;
};

static int found_cmp(const void *x, const void *y)
{
	const struct found *a = x, *b = y;

	return clfs_lsn_cmp(a->lsn, b->lsn);
}

static struct found *found_lookup(struct found *f, u32 nr, u64 lsn)
{
	struct found key = { .lsn = lsn };

	return bsearch(&key, f, nr, sizeof(*f), found_cmp);
}

/* Collect what the appenders wrote, sorted by LSN. */
static u32 collect(struct kunit *test, struct appender *a, u32 nr,
		   struct found *f)
{
	u32 i, j, k = 0;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < a[i].appended; j++) {
			f[k].lsn = a[i].lsn[j];
			f[k].stream = a[i].stream;
			f[k].seq = a[i].first_seq + j;
			f[k].acked = a[i].acked[j];
			f[k].seen = false;
			k++;
			if (j)
				KUNIT_EXPECT_GT(test, a[i].lsn[j],
						a[i].lsn[j - 1]);
		}
	}
	sort(f, k, sizeof(*f), found_cmp, NULL);
	for (i = 1; i < k; i++)
		KUNIT_EXPECT_NE(test, f[i].lsn, f[i - 1].lsn);
	return k;
}

#define MT_STREAMS	4
#define MT_PER_STREAM	2
#define MT_THREADS	(MT_STREAMS * MT_PER_STREAM)
#define MT_RECS		100

static void run_appenders(struct kunit *test, struct sx *sx,
			  struct appender *a, u32 first_seq)
{
	struct completion go;
	u32 i;

	init_completion(&go);
	for (i = 0; i < MT_THREADS; i++) {
		a[i].m = sx->m[i];
		a[i].stream = i / MT_PER_STREAM;
		a[i].first_seq = first_seq + i * MT_RECS;
		a[i].nr = MT_RECS;
		a[i].force_every = 10;
	}
	KUNIT_ASSERT_EQ(test, start_appenders(test, a, MT_THREADS, &go),
			(u32)MT_THREADS);
	complete_all(&go);
	join_appenders(test, a, MT_THREADS);
	for (i = 0; i < MT_THREADS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, a[i].ret, 0, "thread %u", i);
		KUNIT_EXPECT_EQ(test, a[i].appended, (u32)MT_RECS);
	}
}

/*
 * Threads on several streams of a multiplexed log at once, with
 * completions racing on another CPU: every LSN reads back as its stream's
 * record; after a crash every force-acknowledged record is there, and the
 * log is a prefix of what was appended.
 */
static void clfs_stream_many_threads_many_streams(struct kunit *test)
{
	struct sx *sx = sx_new(test, 512, SZ_256K, 8, CLFS_LOG_MULTIPLEXED);
	struct appender *a = kunit_kcalloc(test, MT_THREADS, sizeof(*a),
					   GFP_KERNEL);
	struct found *f = kunit_kcalloc(test, MT_THREADS * MT_RECS,
					sizeof(*f), GFP_KERNEL);
	u64 last[MT_STREAMS] = { 0 }, head, lsn;
	struct clfs_log_info info;
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	struct clfs_blk blk;
	u32 i, k, nr, acked = 0, seen = 0;
	struct found *r;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < MT_STREAMS; i++)
		KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &k), 0);
	for (i = 0; i < MT_THREADS; i++)
		sx_area(sx, sx_open(sx, i / MT_PER_STREAM),
			i % 2 ? 2048 : 4096, i % 3);
	clfs_memdev_set_completion(sx->tl->m, CLFS_MEMDEV_ASYNC);

	/* Round 1: everything flushed, every LSN read back. */
	run_appenders(test, sx, a, 0);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(sx->m[0]), 0);
	clfs_memdev_drain(sx->tl->m);
	nr = collect(test, a, MT_THREADS, f);
	for (i = 0; i < nr; i++)
		if (!sx_check(sx, f[i].lsn, f[i].stream, f[i].seq,
			      app_len(f[i].seq)))
			break;
	for (i = 0; i < MT_STREAMS; i++)
		last[i] = sx_last_lsn(sx->s[i * MT_PER_STREAM]);

	/* Round 2: a crash right after the threads end. */
	run_appenders(test, sx, a, MT_THREADS * MT_RECS);
	nr = collect(test, a, MT_THREADS, f);
	sx_crash(sx, NULL, NULL);
	sx_reopen(sx, 0);

	/* Walk the log from round 2's first record to the head. */
	tl_info(sx->tl, &info);
	head = info.head_lsn;
	lsn = clfs_lsn_block(f[0].lsn);
	while (lsn < head) {
		ret = clfs_log_read_block(sx_log(sx), lsn, sx->buf,
					  CLFS_BLK_MAX_BYTES, &blk);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "block %#llx", lsn);
		KUNIT_ASSERT_EQ(test, clfs_rec_iter_init(&it, sx_log(sx)->md,
							 &blk, sx->buf,
							 CLFS_BLK_MAX_BYTES), 0);
		while ((ret = clfs_rec_iter_next(&it, &rec)) > 0) {
			r = found_lookup(f, nr, rec.lsn);
			if (!r) {
				KUNIT_FAIL(test, "record %#llx was never appended",
					   rec.lsn);
				continue;
			}
			KUNIT_EXPECT_EQ(test, (u32)blk.stream_id, r->stream);
			KUNIT_EXPECT_EQ(test, rec.data_bytes, app_len(r->seq));
			tl_fill(sx->tl->data, rec.data_bytes, r->seq);
			KUNIT_EXPECT_EQ(test, memcmp(sx->buf + rec.data_offset,
						     sx->tl->data,
						     rec.data_bytes), 0);
			/* Order per stream: strictly increasing. */
			KUNIT_EXPECT_GT(test, rec.lsn, last[r->stream]);
			last[r->stream] = rec.lsn;
			r->seen = true;
		}
		KUNIT_ASSERT_EQ(test, ret, 0);
		lsn = clfs_blk_next_lsn(sx_log(sx)->md, &blk);
	}
	KUNIT_EXPECT_EQ(test, lsn, head);
	/* A prefix: everything below the head is there, the forced ones too. */
	for (i = 0; i < nr; i++) {
		if (f[i].acked) {
			acked++;
			KUNIT_EXPECT_TRUE_MSG(test, f[i].seen,
					      "forced record %#llx lost",
					      f[i].lsn);
		}
		if (f[i].lsn < head)
			KUNIT_EXPECT_TRUE_MSG(test, f[i].seen,
					      "record %#llx below the head missing",
					      f[i].lsn);
		seen += f[i].seen;
	}
	for (i = 0; i < MT_STREAMS; i++) {
		struct clfs_stream *s = sx_open(sx, i);

		KUNIT_EXPECT_EQ(test, sx_last_lsn(s), last[i]);
	}
	kunit_info(test, "round 2: %u records, %u forced, %u recovered\n", nr,
		   acked, seen);
}

/*
 * The stream table changes while other streams are appended to: creates,
 * deletes and resets go through while appenders run, and each appender's
 * records all read back afterwards.
 */
static void clfs_stream_table_changes_race_with_appends(struct kunit *test)
{
	struct sx *sx = sx_new(test, 512, SZ_256K, 8, CLFS_LOG_MULTIPLEXED);
	struct appender *a = kunit_kcalloc(test, 2, sizeof(*a), GFP_KERNEL);
	struct clfs_stream *s;
	struct completion go;
	u32 i, j, id, rounds = 0;

	KUNIT_ASSERT_NOT_NULL(test, a);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
	for (i = 0; i < 2; i++) {
		a[i].m = sx_area(sx, sx_open(sx, i), 4096, 0);
		a[i].stream = i;
		a[i].first_seq = i * 1000;
		a[i].nr = 150;
		a[i].force_every = 7;
	}
	s = sx_open(sx, 2);
	init_completion(&go);
	KUNIT_ASSERT_EQ(test, start_appenders(test, a, 2, &go), 2U);
	clfs_memdev_set_completion(sx->tl->m, CLFS_MEMDEV_ASYNC);
	complete_all(&go);
	while (!completion_done(&a[0].done) || !completion_done(&a[1].done)) {
		KUNIT_EXPECT_EQ(test, clfs_stream_create(sx_log(sx), &id), 0);
		KUNIT_EXPECT_EQ(test, id, 3U);
		KUNIT_EXPECT_EQ(test, clfs_stream_reset(s), 0);
		KUNIT_EXPECT_EQ(test, clfs_stream_delete(sx_log(sx), id), 0);
		rounds++;
	}
	join_appenders(test, a, 2);
	clfs_memdev_set_completion(sx->tl->m, CLFS_MEMDEV_INLINE);
	KUNIT_ASSERT_EQ(test, clfs_flush_buffers(a[0].m), 0);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, a[i].ret, 0);
		KUNIT_EXPECT_EQ(test, a[i].appended, a[i].nr);
		for (j = 0; j < a[i].appended; j++)
			if (!sx_check(sx, a[i].lsn[j], i, a[i].first_seq + j,
				      app_len(a[i].first_seq + j)))
				break;
		KUNIT_EXPECT_EQ(test, sx_last_lsn(sx->s[i]),
				a[i].lsn[a[i].appended - 1]);
	}
	KUNIT_EXPECT_EQ(test, sx_last_lsn(s), CLFS_LSN_NULL);
	kunit_info(test, "%u create/reset/delete rounds during the appends\n",
		   rounds);
}

struct fault_case {
	unsigned int sector;
	bool flush;
};

static const struct fault_case fault_cases[] = {
	{ 512, false }, { 4096, false }, { 512, true }, { 4096, true },
};

static void fault_case_desc(const struct fault_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "sector_%u_%s", c->sector,
		 c->flush ? "flush" : "write");
}

KUNIT_ARRAY_PARAM(fault_case, fault_cases, fault_case_desc);

/*
 * A failed block write, or a failed device flush: the forced append fails
 * (never a success), and so does everything that writes after it.
 */
static void clfs_stream_failed_io_fails_force_flush(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct sx *sx = sx_new(test, c->sector, CB, 4, 0);
	struct clfs_marshal *m = sx_stream0(sx, 4096);
	struct clfs_log_info info;
	u64 lsn, good;

	sx_no_background_flush(sx);
	KUNIT_ASSERT_EQ(test, sx_append(m, 1, 50, CLFS_APPEND_FORCE_FLUSH,
					&good), 0);
	KUNIT_ASSERT_EQ(test, sx_append(m, 2, 50, 0, &lsn), 0);
	if (c->flush)
		clfs_memdev_inject_flush_fault(sx->tl->m, 1, false);
	else
		clfs_memdev_inject_write_fault(sx->tl->m, 1, false);
	KUNIT_EXPECT_EQ(test, sx_append(m, 3, 50, CLFS_APPEND_FORCE_FLUSH,
					&lsn), -EIO);
	KUNIT_EXPECT_EQ(test, sx_append(m, 4, 50, 0, &lsn), -EIO);
	KUNIT_EXPECT_EQ(test, sx_append(m, 5, 50, CLFS_APPEND_FORCE_FLUSH,
					&lsn), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_flush_buffers(m), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_flush_to_lsn(m, good, NULL), -EIO);
	tl_info(sx->tl, &info);
	KUNIT_EXPECT_TRUE(test, info.flags & CLFS_LOG_SHUT_DOWN);
	/* What was durable before still reads. */
	KUNIT_EXPECT_TRUE(test, sx_check(sx, good, 0, 1, 50));
	KUNIT_EXPECT_EQ(test, sx_delete_area(sx, m), -EIO);
	sx_close(sx);
	sx_reopen(sx, 0);
	KUNIT_EXPECT_TRUE(test, sx_check(sx, good, 0, 1, 50));
	/* A block whose flush failed may still have reached the medium. */
	if (c->flush)
		KUNIT_EXPECT_GE(test, sx_last_lsn(sx_open(sx, 0)), good);
	else
		KUNIT_EXPECT_EQ(test, sx_last_lsn(sx_open(sx, 0)), good);
}

static struct kunit_case clfs_stream_cases[] = {
	KUNIT_CASE(clfs_stream_dedicated_log_has_only_stream_0),
	KUNIT_CASE(clfs_stream_create_gives_lowest_free_ids_then_enospc),
	KUNIT_CASE(clfs_stream_open_unknown_id_is_enoent),
	KUNIT_CASE(clfs_stream_delete_rules),
	KUNIT_CASE_PARAM(clfs_stream_recreated_id_never_sees_old_records,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_reset_forgets_records, tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_table_survives_reopen, tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_marshal_block_size_rounded_up_to_sector,
			 round_case_gen_params),
	KUNIT_CASE_PARAM(clfs_stream_marshal_create_checks_params,
			 bad_area_gen_params),
	KUNIT_CASE_PARAM(clfs_stream_marshal_buffer_callbacks_used_and_balanced,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_marshal_failing_allocator_is_enomem,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_marshal_delete_flushes, tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_append_lsns_strictly_increase,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_append_gathers_entries_on_their_boundary,
			 gather_case_gen_params),
	KUNIT_CASE_PARAM(clfs_stream_append_checks_args,
			 bad_append_gen_params),
	KUNIT_CASE_PARAM(clfs_stream_append_bigger_than_block_is_e2big,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_append_bigger_than_container_is_e2big,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_append_512_records_fill_a_block,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_append_readable_before_flush,
			 tl_sector_params),
	KUNIT_CASE(clfs_stream_append_reservation_arguments),
	KUNIT_CASE_PARAM(clfs_stream_append_read_only_log_is_erofs,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_append_full_log_is_enospc,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_force_flush_survives_power_cycle,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_flush_to_lsn_makes_records_durable,
			 tl_sector_params),
	KUNIT_CASE(clfs_stream_flush_to_lsn_not_appended_is_einval),
	KUNIT_CASE_PARAM(clfs_stream_background_flush_makes_record_durable,
			 bg_case_gen_params),
	KUNIT_CASE_PARAM(clfs_stream_force_append_queues_block_without_flush,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_group_commit_shares_writes_and_flushes,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_areas_of_a_stream_share_the_open_block,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_record_larger_than_openers_block_opens_its_own,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_group_commit_one_area_per_client,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_stream_write_buffer_limit_waits_for_write,
			 tl_sector_params),
	KUNIT_CASE(clfs_stream_many_threads_many_streams),
	KUNIT_CASE(clfs_stream_table_changes_race_with_appends),
	KUNIT_CASE_PARAM(clfs_stream_failed_io_fails_force_flush,
			 fault_case_gen_params),
	{}
};

static struct kunit_suite clfs_stream_suite = {
	.name = "clfs_stream",
	.test_cases = clfs_stream_cases,
};

kunit_test_suites(&clfs_stream_suite);
