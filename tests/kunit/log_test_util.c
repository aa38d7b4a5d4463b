// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the log engine's KUnit suites; see log_test_util.h.
 */
#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "storage/clfs_storage.h"
#include "log_test_util.h"

/* ---- parameters ----------------------------------------------------------- */

/* The sector sizes the format supports; most cases run with both. */
static const unsigned int tl_sectors[] = { 512, 4096 };

static void tl_sector_desc(const unsigned int *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "sector_%u", *p);
}

KUNIT_ARRAY_PARAM(tl_sector, tl_sectors, tl_sector_desc);

/**
 * tl_sector_params() - KUNIT_CASE_PARAM generator: 512, then 4096
 * @prev: the previous parameter, or NULL
 * @desc: receives its description
 *
 * Return: the next parameter, or NULL after the last.
 */
const void *tl_sector_params(const void *prev, char *desc)
{
	return tl_sector_gen_params(prev, desc);
}

/**
 * tl_param_sector() - the sector size of a case run by tl_sector_params()
 * @test: the case
 *
 * Return: the sector size.
 */
unsigned int tl_param_sector(struct kunit *test)
{
	return *(const unsigned int *)test->param_value;
}

/* ---- the device and the log -------------------------------------------- */

static void tl_res_free(struct kunit_resource *res)
{
	struct tl *tl = res->data;

	/* Deliver what a failed case left held: close waits for it. */
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	clfs_memdev_clear_faults(tl->m);
	if (tl->open)
		clfs_wblk_abort(tl->open);
	tl->open = NULL;
	if (tl->log)
		clfs_log_close(tl->log);
	tl->log = NULL;
	clfs_storage_release(tl->s);
	vfree(tl->buf);
	vfree(tl->data);
	kvfree(tl->recs);
	kvfree(tl->blks);
}

static int tl_res_init(struct kunit_resource *res, void *data)
{
	res->data = data;
	return 0;
}

/**
 * tl_new() - an unformatted in-memory device, released when the case ends
 * @test: the case
 * @sector: sector size
 * @dev_bytes: capacity
 *
 * Return: the helper state; the case fails if it cannot be set up.
 */
struct tl *tl_new(struct kunit *test, unsigned int sector, u64 dev_bytes)
{
	struct tl *tl = kunit_kzalloc(test, sizeof(*tl), GFP_KERNEL);
	struct clfs_memdev *m;

	KUNIT_ASSERT_NOT_NULL(test, tl);
	tl->test = test;
	tl->sector = sector;
	tl->block_bytes = sector < 2048 ? 2048 : sector;
	m = clfs_memdev_create(sector, dev_bytes);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	tl->m = m;
	tl->s = clfs_memdev_storage(m);
	if (!kunit_alloc_resource(test, tl_res_init, tl_res_free, GFP_KERNEL,
				  tl)) {
		clfs_storage_release(tl->s);
		KUNIT_ASSERT_FAILURE(test, "cannot track the device");
	}
	tl->buf = vzalloc(CLFS_BLK_MAX_BYTES);
	tl->data = vzalloc(CLFS_BLK_MAX_BYTES);
	KUNIT_ASSERT_NOT_NULL(test, tl->buf);
	KUNIT_ASSERT_NOT_NULL(test, tl->data);
	return tl;
}

/**
 * tl_new_log() - a device formatted and opened as a log
 * @test: the case
 * @sector: sector size
 * @container_bytes: container size
 * @nr_containers: containers of the log
 * @nr_slots: containers the device has room for (>= @nr_containers)
 *
 * Return: the helper state with @log open.
 */
struct tl *tl_new_log(struct kunit *test, unsigned int sector,
		      u64 container_bytes, u32 nr_containers, u32 nr_slots)
{
	struct tl *tl = tl_new(test, sector,
			       TL_MD_AREA + nr_slots * container_bytes);

	KUNIT_ASSERT_EQ(test, tl_format(tl, container_bytes, nr_containers,
					0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	return tl;
}

/**
 * tl_format() - format the device
 * @tl: helper state, no log open
 * @container_bytes: container size
 * @nr_containers: containers
 * @flags: CLFS_LOG_* create flags
 *
 * Return: clfs_log_create_on()'s result.
 */
int tl_format(struct tl *tl, u64 container_bytes, u32 nr_containers,
	      u32 flags)
{
	struct clfs_log_params p = {
		.container_bytes = container_bytes,
		.nr_containers = nr_containers,
		.flags = flags,
	};
	int ret;

	KUNIT_ASSERT_NULL(tl->test, tl->log);
	ret = clfs_log_create_on(tl->s, &p);
	if (!ret)
		tl->container_bytes = container_bytes;
	return ret;
}

/**
 * tl_open() - open the log on the device
 * @tl: helper state, no log open
 * @flags: CLFS_OPEN_* flags
 *
 * Return: 0 with @tl->log set, or the open's error.
 */
int tl_open(struct tl *tl, unsigned int flags)
{
	struct clfs_log *log;

	KUNIT_ASSERT_NULL(tl->test, tl->log);
	log = clfs_log_open_on(tl->s, flags);
	if (IS_ERR(log))
		return PTR_ERR(log);
	KUNIT_ASSERT_NOT_NULL(tl->test, log);
	KUNIT_EXPECT_FALSE(tl->test, log->owns_storage);
	tl->log = log;
	return 0;
}

/**
 * tl_close() - close the log cleanly (it flushes)
 * @tl: helper state
 */
void tl_close(struct tl *tl)
{
	if (tl->open)
		clfs_wblk_abort(tl->open);
	tl->open = NULL;
	clfs_log_close(tl->log);
	tl->log = NULL;
}

/**
 * tl_crash() - lose power, then drop the log object
 * @tl: helper state
 * @keep: which unflushed writes survive (see clfs_memdev_power_cycle())
 * @arg: for @keep
 *
 * The log object is closed after the power cycle only to free it: every
 * I/O it had in flight failed with the power, and its final flush finds
 * an empty cache, so nothing it does reaches the medium.
 */
void tl_crash(struct tl *tl,
	      bool (*keep)(void *arg, const struct clfs_memdev_write *w),
	      void *arg)
{
	if (tl->open)
		clfs_wblk_abort(tl->open);
	tl->open = NULL;
	clfs_memdev_power_cycle(tl->m, keep, arg);
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	if (tl->log)
		clfs_log_close(tl->log);
	tl->log = NULL;
}

/**
 * tl_info() - query the open log
 * @tl: helper state
 * @info: filled in
 */
void tl_info(struct tl *tl, struct clfs_log_info *info)
{
	KUNIT_ASSERT_NOT_NULL(tl->test, tl->log);
	KUNIT_ASSERT_EQ(tl->test, clfs_log_query(tl->log, info), 0);
}

/**
 * tl_head() - where the next block of the open log goes
 * @tl: helper state
 *
 * Return: the head LSN.
 */
u64 tl_head(struct tl *tl)
{
	struct clfs_log_info info;

	tl_info(tl, &info);
	return info.head_lsn;
}

/**
 * tl_stats() - what reached the device so far
 * @tl: helper state
 *
 * Return: the device's counters.
 */
struct clfs_memdev_stats tl_stats(struct tl *tl)
{
	struct clfs_memdev_stats st;

	clfs_memdev_get_stats(tl->m, &st);
	return st;
}

/* ---- writing ------------------------------------------------------------ */

/**
 * tl_fill() - the client bytes of record @seq
 * @buf: receives @len bytes
 * @len: how many
 * @seq: the record's pattern seed
 */
void tl_fill(void *buf, u32 len, u32 seq)
{
	u8 *p = buf;
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seq * 131 + i * 7 + (i >> 8) * 13 + (seq >> 8));
}

static u32 tl_var_len(u32 seq)
{
	return (seq * 37 + 11) % (TL_VAR_MAX + 1);
}

static int tl_grow(struct kunit *test, void **arr, u32 *cap, u32 need,
		   size_t elem)
{
	void *n;
	u32 ncap;

	if (need <= *cap)
		return 0;
	ncap = max(need, *cap ? *cap * 2 : 256U);
	n = kvmalloc_array(ncap, elem, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	if (*arr)
		memcpy(n, *arr, *cap * elem);
	kvfree(*arr);
	*arr = n;
	*cap = ncap;
	return 0;
}

/**
 * tl_write_block() - append records in one block and submit it
 * @tl: helper state, log open
 * @nr_records: records to put in it; fewer if it fills (possibly none:
 *	then the block is submitted header-only, which is what the engine
 *	asks a caller to do with a block that has no room for a record)
 * @data_bytes: client bytes per record, or TL_VAR
 *
 * Each record points back at the one before it (previous LSN) and the
 * one before that (undo-next), so the back-pointers are checked too.
 *
 * Return: the records written (0 for a header-only block), or the
 * negative errno of the failing call (nothing is added to the model then).
 */
int tl_write_block(struct tl *tl, u32 nr_records, u32 data_bytes)
{
	struct kunit *test = tl->test;
	struct clfs_wblk *b;
	struct tl_blk *blk;
	u32 i, first = tl->nr_recs;
	u64 lsn;
	int ret;

	KUNIT_ASSERT_EQ(test, tl_grow(test, (void **)&tl->recs, &tl->cap_recs,
				      tl->nr_recs + nr_records,
				      sizeof(*tl->recs)), 0);
	KUNIT_ASSERT_EQ(test, tl_grow(test, (void **)&tl->blks, &tl->cap_blks,
				      tl->nr_blks + 1, sizeof(*tl->blks)), 0);
	b = clfs_wblk_open(tl->log, 0, tl->block_bytes);
	if (IS_ERR(b))
		return PTR_ERR(b);
	tl->open = b;
	for (i = 0; i < nr_records; i++) {
		struct tl_rec *r = &tl->recs[tl->nr_recs];
		u32 seq = tl->next_seq;

		r->seq = seq;
		r->data_bytes = data_bytes == TL_VAR ? tl_var_len(seq) :
			       data_bytes;
		r->type = seq % 7 == 3 ? CLFS_REC_RESTART : CLFS_REC_DATA;
		r->prev_lsn = tl->nr_recs ? tl->recs[tl->nr_recs - 1].lsn :
			      CLFS_LSN_NULL;
		r->undo_next_lsn = tl->nr_recs > 1 ?
				   tl->recs[tl->nr_recs - 2].lsn :
				   CLFS_LSN_INVALID;
		tl_fill(tl->data, r->data_bytes, seq);
		ret = clfs_wblk_add(b, r->type, r->prev_lsn, r->undo_next_lsn,
				    tl->data, r->data_bytes, &lsn);
		/*
		 * Full: submit what the block has, as the engine asks, even
		 * nothing (which closes the container when the record did not
		 * fit its rest); the caller sees how many records went in.
		 */
		if (ret == -ENOSPC)
			break;
		if (ret)
			goto abort;
		r->lsn = lsn;
		tl->nr_recs++;
		tl->next_seq++;
	}
	blk = &tl->blks[tl->nr_blks];
	blk->lsn = clfs_wblk_lsn(b);
	mutex_lock(&tl->log->md_lock);
	ret = clfs_md_lsn_to_dev(tl->log->md, blk->lsn, &blk->dev_offset);
	mutex_unlock(&tl->log->md_lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
	blk->first_rec = first;
	blk->nr_recs = tl->nr_recs - first;
	tl->open = NULL;
	ret = clfs_wblk_submit(b);
	if (ret) {
		tl->nr_recs = first;
		return ret;
	}
	blk->next_lsn = tl_head(tl);
	tl->nr_blks++;
	return blk->nr_recs;
abort:
	tl->open = NULL;
	clfs_wblk_abort(b);
	tl->nr_recs = first;
	return ret;
}

/**
 * tl_write() - write several blocks
 * @tl: helper state
 * @nr_blocks: how many
 * @recs_per_block: records in each
 * @data_bytes: client bytes per record, or TL_VAR
 *
 * Return: 0, or the first error.
 */
int tl_write(struct tl *tl, u32 nr_blocks, u32 recs_per_block,
	     u32 data_bytes)
{
	u32 i;
	int ret;

	for (i = 0; i < nr_blocks; i++) {
		ret = tl_write_block(tl, recs_per_block, data_bytes);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/**
 * tl_fill_container() - write blocks until the head leaves its container
 * @tl: helper state
 * @recs_per_block: records in each block
 *
 * Return: the number of blocks written, or the first error.
 */
int tl_fill_container(struct tl *tl, u32 recs_per_block)
{
	u32 cid = clfs_lsn_container(tl_head(tl));
	int ret, n = 0;

	while (clfs_lsn_container(tl_head(tl)) == cid) {
		ret = tl_write_block(tl, recs_per_block, TL_VAR);
		if (ret < 0)
			return ret;
		n++;
	}
	return n;
}

/**
 * tl_flush() - flush everything submitted; the model marks it durable
 * @tl: helper state
 *
 * Return: clfs_log_flush()'s result.
 */
int tl_flush(struct tl *tl)
{
	int ret = clfs_log_flush(tl->log, CLFS_LSN_INVALID);

	if (!ret)
		tl->durable_recs = tl->nr_recs;
	return ret;
}

/* The model forgets the records and blocks before @start. */
static void tl_forget_before(struct tl *tl, u64 start)
{
	u32 r = 0, b = 0, i;

	while (r < tl->nr_recs && tl->recs[r].lsn < start)
		r++;
	while (b < tl->nr_blks && tl->blks[b].lsn < start)
		b++;
	memmove(tl->recs, tl->recs + r, (tl->nr_recs - r) * sizeof(*tl->recs));
	tl->nr_recs -= r;
	tl->durable_recs = tl->durable_recs > r ? tl->durable_recs - r : 0;
	memmove(tl->blks, tl->blks + b, (tl->nr_blks - b) * sizeof(*tl->blks));
	tl->nr_blks -= b;
	for (i = 0; i < tl->nr_blks; i++)
		tl->blks[i].first_rec -= min(r, tl->blks[i].first_rec);
}

/**
 * tl_advance() - move the recovery start; the model forgets what is before
 * @tl: helper state
 * @lsn: passed to clfs_log_advance_recovery()
 *
 * Return: clfs_log_advance_recovery()'s result.
 */
int tl_advance(struct tl *tl, u64 lsn)
{
	int ret;

	ret = clfs_log_advance_recovery(tl->log, lsn);
	if (!ret)
		tl_forget_before(tl, clfs_lsn_block(lsn));
	return ret;
}

/**
 * tl_last_blk() - the last block the model has
 * @tl: helper state
 *
 * Return: the block; the case fails if there is none.
 */
const struct tl_blk *tl_last_blk(struct tl *tl)
{
	KUNIT_ASSERT_GT(tl->test, tl->nr_blks, 0U);
	return &tl->blks[tl->nr_blks - 1];
}

/**
 * tl_blk_index() - find a block of the model
 * @tl: helper state
 * @lsn: its LSN
 *
 * Return: its index in @tl->blks, or U32_MAX.
 */
u32 tl_blk_index(struct tl *tl, u64 lsn)
{
	u32 i;

	for (i = 0; i < tl->nr_blks; i++)
		if (tl->blks[i].lsn == lsn)
			return i;
	return U32_MAX;
}

/* ---- reading back -------------------------------------------------------- */

/* Does @rec, read from the log, match model record @k? Reports if not. */
static bool tl_rec_matches(struct tl *tl, u32 k, const struct clfs_rec *rec)
{
	struct kunit *test = tl->test;
	const struct tl_rec *want;

	if (k >= tl->nr_recs) {
		KUNIT_FAIL(test, "record %#llx found beyond the %u records written",
			   rec->lsn, tl->nr_recs);
		return false;
	}
	want = &tl->recs[k];
	if (rec->lsn != want->lsn || rec->prev_lsn != want->prev_lsn ||
	    rec->undo_next_lsn != want->undo_next_lsn ||
	    rec->type != want->type || rec->data_bytes != want->data_bytes) {
		KUNIT_FAIL(test,
			   "record %u: read lsn %#llx prev %#llx undo %#llx type %u len %u, wrote lsn %#llx prev %#llx undo %#llx type %u len %u",
			   k, rec->lsn, rec->prev_lsn, rec->undo_next_lsn,
			   rec->type, rec->data_bytes, want->lsn,
			   want->prev_lsn, want->undo_next_lsn, want->type,
			   want->data_bytes);
		return false;
	}
	tl_fill(tl->data, want->data_bytes, want->seq);
	if (memcmp(tl->buf + rec->data_offset, tl->data, want->data_bytes)) {
		KUNIT_FAIL(test, "record %u (%#llx): data differ", k,
			   rec->lsn);
		return false;
	}
	return true;
}

/* Reads the block at @lsn, checks its records from model index *@k on. */
static int tl_read_check(struct tl *tl, u64 lsn, u32 *k,
			 struct clfs_blk *blk)
{
	struct kunit *test = tl->test;
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	int ret;

	ret = clfs_log_read_block(tl->log, lsn, tl->buf, CLFS_BLK_MAX_BYTES,
				  blk);
	if (ret)
		return ret;
	KUNIT_EXPECT_EQ(test, blk->lsn, lsn);
	ret = clfs_rec_iter_init(&it, tl->log->md, blk, tl->buf,
				 CLFS_BLK_MAX_BYTES);
	if (ret)
		return ret;
	while ((ret = clfs_rec_iter_next(&it, &rec)) > 0) {
		if (!tl_rec_matches(tl, *k, &rec))
			return -EBADMSG;
		(*k)++;
	}
	return ret;
}

/**
 * tl_check_block() - read one block and check it against the model
 * @tl: helper state
 * @lsn: the block's LSN
 * @first_rec: if not NULL, receives the model index of its first record
 *
 * Return: 0, or the read's (or a mismatch's) error.
 */
int tl_check_block(struct tl *tl, u64 lsn, u32 *first_rec)
{
	struct clfs_blk blk;
	u32 k = 0;

	while (k < tl->nr_recs && tl->recs[k].lsn < lsn)
		k++;
	if (first_rec)
		*first_rec = k;
	return tl_read_check(tl, lsn, &k, &blk);
}

/**
 * tl_verify() - read the whole log back and check it against the model
 * @tl: helper state, log just opened
 *
 * Every block from the recovery start to the head must read back, the
 * records must be exactly the model's next ones (LSN, back-pointers, type,
 * bytes), the chain must end exactly at the head, and nothing may be read
 * at the head. The model is then cut to the records found: the log is a
 * prefix of what was written, and every durable record must be in it.
 *
 * Return: the number of model records the log holds.
 */
u32 tl_verify(struct tl *tl)
{
	struct kunit *test = tl->test;
	struct clfs_log_info info;
	struct clfs_blk blk;
	u64 lsn, head;
	u32 k = 0, b;
	int ret;

	tl_info(tl, &info);
	head = info.head_lsn;
	lsn = info.recovery_lsn;
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, head);
	/* What is before the recovery start is no longer needed. */
	tl_forget_before(tl, lsn);
	while (lsn < head) {
		ret = tl_read_check(tl, lsn, &k, &blk);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "reading block %#llx", lsn);
		if (ret)
			break;
		lsn = clfs_blk_next_lsn(tl->log->md, &blk);
	}
	KUNIT_EXPECT_EQ_MSG(test, lsn, head, "the block chain ends at the head");
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, head, tl->buf,
						  CLFS_BLK_MAX_BYTES, &blk),
			-EAGAIN);
	KUNIT_EXPECT_GE_MSG(test, k, tl->durable_recs,
			    "a durable record was lost");
	/* Unless its block's place was sealed: the chain skips the rest. */
	if (k < tl->nr_recs && tl->recs[k].lsn < head &&
	    clfs_md_follow_seal(tl->log->md, clfs_lsn_block(tl->recs[k].lsn)) ==
	    clfs_lsn_block(tl->recs[k].lsn))
		KUNIT_FAIL(test, "record %#llx before the head was not read",
			   tl->recs[k].lsn);

	/* The log now holds exactly this much of what was written. */
	tl->nr_recs = k;
	tl->durable_recs = k;
	for (b = 0; b < tl->nr_blks && tl->blks[b].lsn < head; b++)
		;
	tl->nr_blks = b;
	return k;
}

/**
 * tl_keep_cb() - power cycle keep callback; see struct tl_keep
 * @arg: a struct tl_keep
 * @w: the unflushed write
 *
 * Return: whether the write survives.
 */
bool tl_keep_cb(void *arg, const struct clfs_memdev_write *w)
{
	const struct tl_keep *k = arg;
	u32 j;

	if (k->completed_only && !w->completed)
		return false;
	for (j = 0; j < k->nr; j++)
		if (k->tl->blks[k->first + j].dev_offset == w->offset)
			return k->mask & (1ULL << j);
	return k->others;
}
