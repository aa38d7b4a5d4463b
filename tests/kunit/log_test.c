// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_log": the log engine (kmod/log) on the in-memory
 * device, outside of crash recovery (which is "clfs_recovery").
 *
 * - create, open, close and query: what a new log reports, parameter
 *   validation that changes nothing, identity and epochs across opens,
 *   read-only opens;
 * - blocks and records: LSNs, argument checks, a record that does not fit
 *   the rest of a container;
 * - containers: scan, add, remove (all or nothing), the mapping surviving
 *   a reopen, activation before the first block, a full log, recycling
 *   with logical ids that keep growing over many wraps;
 * - flush: argument checks, waiting for earlier blocks before the device
 *   flush, group commit (N flushers, one device flush), concurrent
 *   writers;
 * - shutdown: a failed block write, flush or metadata write is never
 *   reported as a success, later writes and flushes fail with -EIO and
 *   completed blocks can still be read.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "storage/clfs_storage.h"
#include "log_test_util.h"

#define CB		SZ_64K	/* container size */

static u64 lsn_of(u32 cid, u32 off)
{
	return clfs_lsn_make(cid, off, 0);
}

static u64 md_writes_on_device(struct tl *tl)
{
	return tl_stats(tl).fua_writes;
}

static u64 device_flushes(struct tl *tl)
{
	return tl_stats(tl).flushes;
}

static u64 device_writes(struct tl *tl)
{
	return tl_stats(tl).writes;
}

/* Polls @cond for up to ten seconds. */
#define wait_until(cond) ({						\
	unsigned long __end = jiffies + 10 * HZ;			\
	bool __ok;							\
	while (!(__ok = (cond)) && time_before(jiffies, __end))		\
		usleep_range(5000, 10000);				\
	__ok;								\
})

/* ---- create, open, close, query ---------------------------------------- */

static void clfs_log_new_log_reports_empty_state(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new(test, sector, TL_MD_AREA + 4 * CB);
	struct clfs_log_info info;
	u32 i;

	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 3, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_TRUE(test, memchr_inv(info.uuid, 0, sizeof(info.uuid)));
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
	KUNIT_EXPECT_EQ(test, info.sector_bytes, sector);
	KUNIT_EXPECT_EQ(test, info.container_bytes, (u64)CB);
	KUNIT_EXPECT_EQ(test, info.device_bytes, TL_MD_AREA + 4 * CB);
	KUNIT_EXPECT_EQ(test, info.nr_slots, 4U);
	KUNIT_EXPECT_EQ(test, info.nr_containers, 3U);
	KUNIT_EXPECT_EQ(test, info.nr_active, 1U);
	KUNIT_EXPECT_EQ(test, info.nr_free, 2U);
	/* Format is epoch 1; the first writable open starts epoch 2. */
	KUNIT_EXPECT_EQ(test, info.epoch, 2U);
	/* Format wrote generations 0 and 1, the open 2 and 3. */
	KUNIT_EXPECT_EQ(test, info.generation, 3ULL);
	KUNIT_EXPECT_EQ(test, info.recovery_lsn, lsn_of(CLFS_CID_FIRST, 0));
	KUNIT_EXPECT_EQ(test, info.head_lsn, lsn_of(CLFS_CID_FIRST, 0));
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, lsn_of(CLFS_CID_FIRST, 0));
	KUNIT_EXPECT_EQ(test, info.blocks_written, 0ULL);
	KUNIT_EXPECT_EQ(test, info.bytes_written, 0ULL);
	KUNIT_EXPECT_EQ(test, info.flushes, 0ULL);
	KUNIT_EXPECT_EQ(test, info.md_writes, 2ULL);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 0ULL);
	KUNIT_EXPECT_EQ(test, info.reserved0, 0U);
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++)
		KUNIT_EXPECT_EQ(test, info.reserved[i], 0ULL);
}

static void clfs_log_query_counts_blocks_bytes_and_flushes(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new_log(test, sector, CB, 2, 2);
	struct clfs_log_info info;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 4, TL_VAR), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.blocks_written, 3ULL);
	/* Blocks are back to back from offset 0 of the first container. */
	KUNIT_EXPECT_EQ(test, info.bytes_written,
			(u64)clfs_lsn_block_offset(info.head_lsn));
	KUNIT_EXPECT_EQ(test, info.bytes_written % sector, 0ULL);
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, lsn_of(CLFS_CID_FIRST, 0));
	KUNIT_EXPECT_EQ(test, tl_flush(tl), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.flushes, 1ULL);
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, info.head_lsn);
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
}

struct create_case {
	const char *name;
	unsigned int sector;
	u64 dev_bytes;
	u64 container_bytes;
	u32 nr_containers;
	u32 flags;
	bool reserved;
	int expect;
};

static const struct create_case create_cases[] = {
	{ "exact_fit", 512, TL_MD_AREA + 4 * CB, CB, 4, 0, false, 0 },
	{ "all_flags", 4096, TL_MD_AREA + 4 * CB, CB, 2,
	  CLFS_LOG_MULTIPLEXED | CLFS_LOG_ARCHIVED, false, 0 },
	{ "container_below_64k", 512, TL_MD_AREA + 4 * CB, SZ_32K, 2, 0,
	  false, -EINVAL },
	{ "container_not_sector_multiple", 4096, TL_MD_AREA + 4 * CB,
	  CB + 512, 2, 0, false, -EINVAL },
	{ "container_above_4g", 512, TL_MD_AREA + 4 * CB,
	  4ULL * SZ_1G + 512, 2, 0, false, -EINVAL },
	{ "one_container", 512, TL_MD_AREA + 4 * CB, CB, 1, 0, false,
	  -EINVAL },
	{ "zero_containers", 512, TL_MD_AREA + 4 * CB, CB, 0, 0, false,
	  -EINVAL },
	{ "more_than_1024_containers", 512, TL_MD_AREA + 4 * CB, CB, 1025, 0,
	  false, -EINVAL },
	{ "unknown_flag", 512, TL_MD_AREA + 4 * CB, CB, 2, 1U << 5, false,
	  -EINVAL },
	{ "query_only_flag", 512, TL_MD_AREA + 4 * CB, CB, 2,
	  CLFS_LOG_READ_ONLY, false, -EINVAL },
	{ "reserved_set", 512, TL_MD_AREA + 4 * CB, CB, 2, 0, true, -EINVAL },
	{ "containers_do_not_fit", 512, TL_MD_AREA + 4 * CB, CB, 5, 0, false,
	  -ENOSPC },
	{ "device_only_metadata", 512, TL_MD_AREA, CB, 2, 0, false, -ENOSPC },
	{ "device_one_container", 512, TL_MD_AREA + CB + 512, CB, 2, 0, false,
	  -ENOSPC },
	{ "sector_1024", 1024, TL_MD_AREA + 4 * CB, CB, 2, 0, false,
	  -EOPNOTSUPP },
	{ "sector_2048", 2048, TL_MD_AREA + 4 * CB, CB, 2, 0, false,
	  -EOPNOTSUPP },
};

static void create_case_desc(const struct create_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(create_case, create_cases, create_case_desc);

/* A refused create returns the documented error and writes nothing. */
static void clfs_log_create_checks_params(struct kunit *test)
{
	const struct create_case *c = test->param_value;
	struct tl *tl = tl_new(test, c->sector, c->dev_bytes);
	struct clfs_log_params p = {
		.container_bytes = c->container_bytes,
		.nr_containers = c->nr_containers,
		.flags = c->flags,
	};
	struct clfs_log_info info;

	if (c->reserved)
		p.reserved[3] = 1;
	KUNIT_EXPECT_EQ(test, clfs_log_create_on(tl->s, &p), c->expect);
	if (c->expect) {
		KUNIT_EXPECT_EQ(test, device_writes(tl), 0ULL);
		KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -ENODATA);
		return;
	}
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.nr_containers, c->nr_containers);
	KUNIT_EXPECT_EQ(test, info.flags, c->flags);
}

static void clfs_log_open_rejects_unknown_flags(struct kunit *test)
{
	struct tl *tl = tl_new(test, 512, TL_MD_AREA + 2 * CB);
	u64 writes;

	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 2, 0), 0);
	writes = device_writes(tl);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 1U << 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, tl_open(tl, ~0U), -EINVAL);
	KUNIT_EXPECT_EQ(test, device_writes(tl), writes);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), 0);
}

static void clfs_log_open_unformatted_device_is_enodata(struct kunit *test)
{
	struct tl *tl = tl_new(test, tl_param_sector(test), TL_MD_AREA + 2 * CB);

	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -ENODATA);
	KUNIT_EXPECT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), -ENODATA);
	KUNIT_EXPECT_EQ(test, device_writes(tl), 0ULL);
}

/* A log image moved to a device with another sector size is refused. */
static void clfs_log_open_refuses_other_sector_size(struct kunit *test)
{
	struct tl *a = tl_new(test, 512, TL_MD_AREA + 2 * CB);
	struct tl *b = tl_new(test, 4096, TL_MD_AREA + 2 * CB);
	u8 *img = a->data;

	KUNIT_ASSERT_EQ(test, tl_format(a, CB, 2, 0), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(a->m, 0, img, TL_MD_AREA), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(b->m, 0, img, TL_MD_AREA), 0);
	KUNIT_EXPECT_EQ(test, tl_open(b, 0), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, device_writes(b), 0ULL);
}

static void clfs_log_reopen_keeps_uuid_and_starts_new_epoch(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	struct clfs_log_info a, b;
	u32 i;

	tl_info(tl, &a);
	for (i = 1; i <= 3; i++) {
		KUNIT_ASSERT_EQ(test, tl_write(tl, 1, 2, TL_VAR), 0);
		tl_close(tl);
		KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
		tl_info(tl, &b);
		KUNIT_EXPECT_EQ(test, memcmp(a.uuid, b.uuid, sizeof(a.uuid)), 0);
		KUNIT_EXPECT_EQ(test, b.epoch, a.epoch + i);
		/* The new epoch is committed to both copies. */
		KUNIT_EXPECT_EQ(test, b.generation, a.generation + 2 * i);
		KUNIT_EXPECT_EQ(test, b.md_writes, 2ULL);
		KUNIT_EXPECT_EQ(test, b.recovered_blocks, (u64)i);
		KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->nr_recs);
	}
}

/* Formatting again gives a new log: old blocks fail its crc. */
static void clfs_log_create_over_old_log_starts_empty(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 2, 2);
	struct clfs_log_info a, b;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 4, 3, TL_VAR), 0);
	tl_info(tl, &a);
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 2, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &b);
	KUNIT_EXPECT_NE(test, memcmp(a.uuid, b.uuid, sizeof(a.uuid)), 0);
	KUNIT_EXPECT_EQ(test, b.recovered_blocks, 0ULL);
	KUNIT_EXPECT_EQ(test, b.head_lsn, lsn_of(CLFS_CID_FIRST, 0));
	KUNIT_EXPECT_EQ(test, b.epoch, 2U);
}

static void clfs_log_read_only_open_writes_nothing(struct kunit *test)
{
	/* A spare slot, so that adding a container is refused as read-only. */
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 3, 4);
	struct clfs_log_info a, b;
	u32 ids[1] = { 2 };
	u64 writes;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 3, TL_VAR), 0);
	tl_close(tl);
	writes = device_writes(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), 0);
	tl_info(tl, &a);
	KUNIT_EXPECT_TRUE(test, a.flags & CLFS_LOG_READ_ONLY);
	KUNIT_EXPECT_EQ(test, a.md_writes, 0ULL);
	KUNIT_EXPECT_EQ(test, a.recovered_blocks, 3ULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log, 0, 4096)),
			-EROFS);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, CLFS_LSN_INVALID),
			-EROFS);
	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, 1), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_container_remove(tl->log, ids, 1), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log,
							tl->recs[2].lsn),
			-EROFS);
	/* Reading works, and finds everything. */
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 9U);
	tl_close(tl);
	KUNIT_EXPECT_EQ(test, device_writes(tl), writes);

	/* The epoch did not move: the next writable open takes the next. */
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.epoch, a.epoch + 1);
	KUNIT_EXPECT_EQ(test, b.generation, a.generation + 2);
}

static void clfs_log_read_only_storage_opens_read_only(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	struct clfs_log_info info;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 2, TL_VAR), 0);
	tl_close(tl);
	clfs_memdev_set_read_only(tl->m, true);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_TRUE(test, info.flags & CLFS_LOG_READ_ONLY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log, 0, 4096)),
			-EROFS);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 4U);
	tl_close(tl);
	clfs_memdev_set_read_only(tl->m, false);
}

/*
 * Rewrites both metadata copies with feature bits added, as a newer
 * version of clfs would write them (the encoder refuses unknown bits).
 */
static void set_md_features(struct kunit *test, struct tl *tl, u32 ro_compat,
			    u32 incompat)
{
	struct clfs_md_disk *d = (struct clfs_md_disk *)tl->data;
	u32 copy;

	for (copy = 0; copy < CLFS_MD_COPIES; copy++) {
		KUNIT_ASSERT_EQ(test, clfs_memdev_peek(tl->m,
						       clfs_md_copy_offset(copy),
						       d, CLFS_MD_DISK_BYTES), 0);
		d->ro_compat = cpu_to_le32(le32_to_cpu(d->ro_compat) |
					   ro_compat);
		d->incompat = cpu_to_le32(le32_to_cpu(d->incompat) | incompat);
		d->crc = cpu_to_le32(clfs_md_disk_crc(d, CLFS_MD_DISK_BYTES));
		KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m,
						       clfs_md_copy_offset(copy),
						       d, CLFS_MD_DISK_BYTES), 0);
	}
}

/* A newer format's read-only-compatible feature: readable, not writable. */
static void clfs_log_unknown_ro_compat_feature_opens_read_only(
	struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	struct clfs_log_info info;
	u64 writes;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 3, TL_VAR), 0);
	tl_close(tl);
	set_md_features(test, tl, 1U << 7, 0);
	writes = device_writes(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_TRUE(test, info.flags & CLFS_LOG_READ_ONLY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log, 0, 4096)),
			-EROFS);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 9U);
	tl_close(tl);
	KUNIT_EXPECT_EQ(test, device_writes(tl), writes);
}

/* A newer format's incompatible feature: refused, nothing written. */
static void clfs_log_unknown_incompat_feature_is_refused(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	u64 writes;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 1, 3, TL_VAR), 0);
	tl_close(tl);
	set_md_features(test, tl, 0, 1U << 2);
	writes = device_writes(tl);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, device_writes(tl), writes);
}

/* Close flushes: nothing written before it is lost by a power cut. */
static void clfs_log_close_makes_everything_durable(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 2, 2);

	KUNIT_ASSERT_EQ(test, tl_write(tl, 5, 3, TL_VAR), 0);
	tl_close(tl);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(tl->m), 0U);
	clfs_memdev_power_cycle(tl->m, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 15U);
}

/* ---- blocks and records ------------------------------------------------ */

static void clfs_log_record_lsns_name_block_and_index(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new_log(test, sector, CB, 2, 2);
	u64 pos = lsn_of(CLFS_CID_FIRST, 0);
	u32 b, i;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 6, 5, TL_VAR), 0);
	for (b = 0; b < tl->nr_blks; b++) {
		const struct tl_blk *blk = &tl->blks[b];

		/* Each block starts where the one before it ended. */
		KUNIT_EXPECT_EQ(test, blk->lsn, pos);
		KUNIT_EXPECT_EQ(test, clfs_lsn_block_offset(blk->next_lsn) %
				sector, 0U);
		KUNIT_EXPECT_GT(test, blk->next_lsn, blk->lsn);
		KUNIT_EXPECT_EQ(test, blk->dev_offset,
				TL_MD_AREA + clfs_lsn_block_offset(blk->lsn));
		for (i = 0; i < blk->nr_recs; i++)
			KUNIT_EXPECT_EQ(test, tl->recs[blk->first_rec + i].lsn,
					blk->lsn + i);
		pos = blk->next_lsn;
	}
	for (i = 1; i < tl->nr_recs; i++)
		KUNIT_EXPECT_GT(test, tl->recs[i].lsn, tl->recs[i - 1].lsn);
	KUNIT_EXPECT_EQ(test, tl_head(tl), pos);
}

static void clfs_log_wblk_open_checks_args(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new_log(test, sector, CB, 2, 2);
	struct clfs_wblk *b;

	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log, 1, 4096)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log,
						     CLFS_MAX_STREAMS, 4096)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log, 0, sector - 1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log, 0, 0)), -EINVAL);
	/* More than a block can be is capped, not refused. */
	b = clfs_wblk_open(tl->log, 0, U32_MAX);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_EXPECT_EQ(test, clfs_wblk_lsn(b), lsn_of(CLFS_CID_FIRST, 0));
	clfs_wblk_abort(b);
	/* An aborted block leaves no trace: the next opens at the same place. */
	KUNIT_EXPECT_EQ(test, tl_head(tl), lsn_of(CLFS_CID_FIRST, 0));
	KUNIT_EXPECT_EQ(test, tl_write_block(tl, 1, 10), 1);
	KUNIT_EXPECT_EQ(test, tl->recs[0].lsn, lsn_of(CLFS_CID_FIRST, 0));
}

static void clfs_log_wblk_add_checks_records(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	struct clfs_wblk *b;
	u64 lsn, first;
	u8 *data = tl->data;
	u32 i;

	b = clfs_wblk_open(tl->log, 0, 2048);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	tl->open = b;
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, 0, 0, 0, data, 8, &lsn),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, 3, 0, 0, data, 8, &lsn),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, CLFS_LSN_NULL,
					    CLFS_LSN_INVALID, data, 8, &first),
			0);
	KUNIT_EXPECT_EQ(test, first, lsn_of(CLFS_CID_FIRST, 0));
	/* Back-pointers point backwards, never at the record itself. */
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, first + 1, 0,
					    data, 8, &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, first + 1,
					    data, 8, &lsn), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA,
					    lsn_of(9, 0), 0, data, 8, &lsn),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_RESTART, first, first,
					    data, 8, &lsn), 0);
	KUNIT_EXPECT_EQ(test, lsn, first + 1);
	/* Larger than any 2 KiB block: -E2BIG; larger than what is left: -ENOSPC. */
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, 0, data, 2048,
					    &lsn), -E2BIG);
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, 0, data,
					    CLFS_REC_DATA_MAX + 1, &lsn),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, 0, data,
					    1990, &lsn), -ENOSPC);
	clfs_wblk_abort(b);
	tl->open = NULL;

	/* At most 512 records in a block, whatever its size. */
	b = clfs_wblk_open(tl->log, 0, SZ_32K);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	tl->open = b;
	for (i = 0; i < CLFS_LSN_RECORDS_PER_BLOCK; i++) {
		KUNIT_ASSERT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, 0,
						    data, 0, &lsn), 0);
		KUNIT_EXPECT_EQ(test, lsn, first + i);
	}
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, 0, data, 0,
					    &lsn), -ENOSPC);
	tl->open = NULL;
	KUNIT_EXPECT_EQ(test, clfs_wblk_submit(b), 0);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, first + 511), 0);
}

/*
 * A record that a block of the caller's size could hold, but not the rest
 * of the current container, is -ENOSPC (submit and open another), not
 * -E2BIG (never possible); the caller moves on and it lands in the next
 * container.
 */
static void clfs_log_record_too_big_for_container_rest_is_enospc(
	struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	u32 big = CB - SZ_4K - CLFS_BLK_HDR_BYTES - CLFS_REC_HDR_BYTES;
	struct clfs_log_info info;
	u32 tries = 0;
	int ret;

	/* One block leaves 4 KiB in the container. */
	tl->block_bytes = CB - SZ_4K;
	KUNIT_ASSERT_EQ(test, tl_write_block(tl, 1, big), 1);
	KUNIT_ASSERT_EQ(test, tl_head(tl), lsn_of(CLFS_CID_FIRST, CB - SZ_4K));

	tl->block_bytes = SZ_8K;
	KUNIT_EXPECT_EQ(test, tl_write_block(tl, 1, SZ_8K), -E2BIG);
	KUNIT_EXPECT_EQ(test, tl_head(tl), lsn_of(CLFS_CID_FIRST, CB - SZ_4K));
	/*
	 * What the documentation says: -ENOSPC, submit the block and open
	 * another. The empty block closes the container.
	 */
	while ((ret = tl_write_block(tl, 1, 5000)) == 0 && tries++ < CB / 512)
		;
	KUNIT_ASSERT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, tries, 1U);
	KUNIT_EXPECT_EQ(test, tl->recs[1].lsn, lsn_of(CLFS_CID_FIRST + 1, 0));
	KUNIT_EXPECT_EQ(test, tl_flush(tl), 0);
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 2U);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 3ULL);
}

static void clfs_log_multiplexed_blocks_carry_their_stream(struct kunit *test)
{
	struct tl *tl = tl_new(test, 512, TL_MD_AREA + 2 * CB);
	struct clfs_log_info info;
	struct clfs_wblk *b;
	struct clfs_blk blk;
	u64 lsn;

	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 2, CLFS_LOG_MULTIPLEXED |
					CLFS_LOG_ARCHIVED), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.flags,
			CLFS_LOG_MULTIPLEXED | CLFS_LOG_ARCHIVED);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log,
						     CLFS_MAX_STREAMS, 4096)),
			-EINVAL);
	b = clfs_wblk_open(tl->log, 77, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	tl->open = b;
	KUNIT_ASSERT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, 0, tl->data,
					    40, &lsn), 0);
	tl->open = NULL;
	KUNIT_ASSERT_EQ(test, clfs_wblk_submit(b), 0);
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_ASSERT_EQ(test, clfs_log_read_block(tl->log, lsn, tl->buf,
						  CLFS_BLK_MAX_BYTES, &blk), 0);
	KUNIT_EXPECT_EQ(test, blk.stream_id, 77);
	KUNIT_EXPECT_EQ(test, blk.nr_records, 1);
}

static void clfs_log_read_block_checks_args(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	struct clfs_blk blk;
	u64 first;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 8, 100), 0);
	/* Completions are retired by a work item: wait for them. */
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	first = tl->blks[0].lsn;
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, first, tl->buf,
						  CLFS_BLK_MAX_BYTES, &blk), 0);
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, first + 1, tl->buf,
						  CLFS_BLK_MAX_BYTES, &blk),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, first, tl->buf,
						  CLFS_BLK_MAX_BYTES - 512,
						  &blk), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, CLFS_LSN_NULL,
						  tl->buf, CLFS_BLK_MAX_BYTES,
						  &blk), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, CLFS_LSN_INVALID,
						  tl->buf, CLFS_BLK_MAX_BYTES,
						  &blk), -EINVAL);
	/* Inside a block, where none starts: never a block, never a crash. */
	KUNIT_EXPECT_LT(test, clfs_log_read_block(tl->log, first + 512, tl->buf,
						  CLFS_BLK_MAX_BYTES, &blk), 0);
	/* The head, and beyond: nothing written there yet. */
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, tl_head(tl),
						  tl->buf, CLFS_BLK_MAX_BYTES,
						  &blk), -EAGAIN);
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log,
						  lsn_of(CLFS_CID_FIRST + 1, 0),
						  tl->buf, CLFS_BLK_MAX_BYTES,
						  &blk), -EAGAIN);
	/* A block whose write has not completed. */
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_HOLD);
	KUNIT_ASSERT_EQ(test, tl_write_block(tl, 2, 30), 2);
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, tl_last_blk(tl)->lsn,
						  tl->buf, CLFS_BLK_MAX_BYTES,
						  &blk), -EAGAIN);
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, CLFS_LSN_INVALID), 0);
	KUNIT_EXPECT_EQ(test, tl_check_block(tl, tl_last_blk(tl)->lsn, NULL),
			0);
}

/* ---- containers --------------------------------------------------------- */

static int scan_all(struct tl *tl, struct clfs_container_info *info, u32 max)
{
	return clfs_container_scan(tl->log, 0, info, max);
}

static void clfs_log_container_scan_lists_log_containers(struct kunit *test)
{
	struct tl *tl = tl_new(test, 512, TL_MD_AREA + 8 * CB);
	struct clfs_container_info ci[9];
	struct clfs_log_info info;
	int n, i;

	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 3, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	memset(ci, 0xa5, sizeof(ci));
	n = scan_all(tl, ci, ARRAY_SIZE(ci));
	KUNIT_ASSERT_EQ(test, n, 3);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ci[i].physical_id, (u32)i);
		KUNIT_EXPECT_EQ(test, ci[i].device_offset, TL_MD_AREA + i * CB);
		KUNIT_EXPECT_EQ(test, ci[i].reserved0, 0U);
		KUNIT_EXPECT_EQ(test, ci[i].state,
				i ? CLFS_CONTAINER_FREE : CLFS_CONTAINER_ACTIVE);
		KUNIT_EXPECT_EQ(test, ci[i].logical_id, i ? 0U : CLFS_CID_FIRST);
	}
	/* Paging: from a slot on, at most max entries. */
	KUNIT_EXPECT_EQ(test, clfs_container_scan(tl->log, 1, ci, 1), 1);
	KUNIT_EXPECT_EQ(test, ci[0].physical_id, 1U);
	KUNIT_EXPECT_EQ(test, clfs_container_scan(tl->log, 2, ci, 9), 1);
	KUNIT_EXPECT_EQ(test, clfs_container_scan(tl->log, 3, ci, 9), 0);
	KUNIT_EXPECT_EQ(test, clfs_container_scan(tl->log, 1000, ci, 9), 0);
	KUNIT_EXPECT_EQ(test, clfs_container_scan(tl->log, U32_MAX, ci, 9), 0);
	KUNIT_EXPECT_EQ(test, clfs_container_scan(tl->log, 0, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_container_scan(tl->log, 0, NULL, 1),
			-EINVAL);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.nr_slots, 8U);
	KUNIT_EXPECT_EQ(test, info.nr_containers, 3U);
}

static void clfs_log_container_add_is_all_or_nothing(struct kunit *test)
{
	struct tl *tl = tl_new(test, 512, TL_MD_AREA + 8 * CB);
	struct clfs_container_info ci[8];
	struct clfs_log_info a, b;

	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 3, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &a);
	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, 6), -ENOSPC);
	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, U32_MAX), -ENOSPC);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.generation, a.generation);
	KUNIT_EXPECT_EQ(test, b.nr_containers, 3U);

	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, 2), 0);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.generation, a.generation + 1);
	KUNIT_EXPECT_EQ(test, b.nr_containers, 5U);
	KUNIT_EXPECT_EQ(test, b.nr_free, 4U);
	KUNIT_ASSERT_EQ(test, scan_all(tl, ci, 8), 5);
	KUNIT_EXPECT_EQ(test, ci[3].physical_id, 3U);
	KUNIT_EXPECT_EQ(test, ci[4].physical_id, 4U);
	KUNIT_EXPECT_EQ(test, ci[4].state, (u32)CLFS_CONTAINER_FREE);
	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, 3), 0);
	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, scan_all(tl, ci, 8), 8);
}

struct remove_case {
	const char *name;
	u32 ids[3];
	u32 count;
	bool null_ids;
	int expect;
};

/* A log with slots 0 (active), 1, 2, 3 (free) on a device of 6 slots. */
static const struct remove_case remove_cases[] = {
	{ "one_free", { 2 }, 1, false, 0 },
	{ "several_free", { 3, 1 }, 2, false, 0 },
	{ "active", { 0 }, 1, false, -EBUSY },
	{ "free_then_active", { 1, 0 }, 2, false, -EBUSY },
	{ "not_in_log", { 4 }, 1, false, -ENOENT },
	{ "free_then_not_in_log", { 1, 5 }, 2, false, -ENOENT },
	{ "beyond_device", { 6 }, 1, false, -EINVAL },
	{ "far_beyond_device", { U32_MAX }, 1, false, -EINVAL },
	{ "twice", { 1, 1 }, 2, false, -EINVAL },
	{ "zero_count", { 1 }, 0, false, -EINVAL },
	{ "below_minimum", { 1, 2, 3 }, 3, false, -EINVAL },
	{ "null_ids", { 0 }, 1, true, -EINVAL },
};

static void remove_case_desc(const struct remove_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(remove_case, remove_cases, remove_case_desc);

/* Removal takes only free containers, all or nothing, durably. */
static void clfs_log_container_remove_rules(struct kunit *test)
{
	const struct remove_case *c = test->param_value;
	struct tl *tl = tl_new(test, 512, TL_MD_AREA + 6 * CB);
	struct clfs_container_info before[6], after[6];
	struct clfs_log_info a, b;
	int n, i;

	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 4, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &a);
	n = scan_all(tl, before, 6);
	KUNIT_ASSERT_EQ(test, n, 4);
	KUNIT_EXPECT_EQ(test, clfs_container_remove(tl->log,
						    c->null_ids ? NULL : c->ids,
						    c->count), c->expect);
	tl_info(tl, &b);
	if (c->expect) {
		KUNIT_EXPECT_EQ(test, b.generation, a.generation);
		KUNIT_EXPECT_EQ(test, scan_all(tl, after, 6), 4);
		KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(before)), 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, b.generation, a.generation + 1);
	KUNIT_EXPECT_EQ(test, b.nr_containers, 4 - c->count);
	/* Durable: a power cut right after does not bring them back. */
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	n = scan_all(tl, after, 6);
	KUNIT_EXPECT_EQ(test, n, (int)(4 - c->count));
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_NE(test, after[i].physical_id, c->ids[0]);
		if (c->count > 1)
			KUNIT_EXPECT_NE(test, after[i].physical_id, c->ids[1]);
	}
	/* A removed slot can be added again. */
	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, c->count), 0);
	KUNIT_EXPECT_EQ(test, scan_all(tl, after, 6), 4);
}

/* The logical-physical mapping and the container set survive reopening. */
static void clfs_log_container_mapping_survives_reopen(struct kunit *test)
{
	struct tl *tl = tl_new(test, tl_param_sector(test), TL_MD_AREA + 8 * CB);
	struct clfs_container_info before[8], after[8];
	u32 gone[1] = { 1 };
	int n, i;

	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 4, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl->block_bytes = 4096;
	KUNIT_ASSERT_EQ(test, clfs_container_remove(tl->log, gone, 1), 0);
	KUNIT_ASSERT_EQ(test, clfs_container_add(tl->log, 3), 0);
	/* Slots now 0, 1 (re-added), 2, 3, 4, 5; fill three containers. */
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_GT(test, tl_fill_container(tl, 8), 0);
	KUNIT_ASSERT_EQ(test, tl_write_block(tl, 3, TL_VAR), 3);
	n = scan_all(tl, before, 8);
	KUNIT_ASSERT_EQ(test, n, 6);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, before[i].state,
				(u32)CLFS_CONTAINER_ACTIVE);
		KUNIT_EXPECT_EQ(test, before[i].logical_id, CLFS_CID_FIRST + i);
	}
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_ASSERT_EQ(test, scan_all(tl, after, 8), n);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, n * sizeof(*after)), 0);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->nr_recs);
	/* And a crash loses no mapping either. */
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_ASSERT_EQ(test, scan_all(tl, after, 8), n);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, n * sizeof(*after)), 0);
}

/*
 * The head reaching a container activates the lowest free slot under the
 * next logical id, durably, before the first block goes there.
 */
static void clfs_log_container_activated_durably_before_use(
	struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new(test, sector, TL_MD_AREA + 4 * CB);
	struct clfs_container_info ci[4];
	struct clfs_log_info a, b;
	u8 *zero = tl->data;

	KUNIT_ASSERT_EQ(test, tl_format(tl, CB, 3, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl->block_bytes = 4096;
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, 8), 0);
	KUNIT_ASSERT_EQ(test, tl_head(tl), lsn_of(CLFS_CID_FIRST + 1, 0));
	tl_info(tl, &a);
	KUNIT_EXPECT_EQ(test, a.nr_active, 1U);

	/* If the activation cannot be written, no block goes there. */
	clfs_memdev_inject_write_fault(tl->m, 1, false);
	KUNIT_EXPECT_EQ(test, tl_write_block(tl, 2, TL_VAR), -EIO);
	tl_info(tl, &b);
	KUNIT_EXPECT_TRUE(test, b.flags & CLFS_LOG_SHUT_DOWN);
	KUNIT_EXPECT_EQ(test, b.nr_active, 1U);
	KUNIT_EXPECT_EQ(test, device_writes(tl), md_writes_on_device(tl) +
			a.blocks_written);
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(tl->m, TL_MD_AREA + CB, tl->buf,
					       CB), 0);
	memset(zero, 0, CB);
	KUNIT_EXPECT_EQ(test, memcmp(tl->buf, zero, CB), 0);

	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->nr_recs);
	KUNIT_EXPECT_EQ(test, tl_head(tl), lsn_of(CLFS_CID_FIRST + 1, 0));
	KUNIT_ASSERT_EQ(test, tl_write_block(tl, 2, TL_VAR), 2);
	KUNIT_EXPECT_EQ(test, tl_last_blk(tl)->lsn,
			lsn_of(CLFS_CID_FIRST + 1, 0));
	KUNIT_EXPECT_EQ(test, tl_last_blk(tl)->dev_offset, TL_MD_AREA + CB);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.nr_active, 2U);
	/* The open's epoch, then the activation, each once per copy. */
	KUNIT_EXPECT_EQ(test, b.md_writes, 4ULL);
	KUNIT_ASSERT_EQ(test, scan_all(tl, ci, 4), 3);
	KUNIT_EXPECT_EQ(test, ci[1].state, (u32)CLFS_CONTAINER_ACTIVE);
	KUNIT_EXPECT_EQ(test, ci[1].logical_id, CLFS_CID_FIRST + 1);

	/* Durable without any flush: a power cut keeps the mapping. */
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_ASSERT_EQ(test, scan_all(tl, ci, 4), 3);
	KUNIT_EXPECT_EQ(test, ci[1].state, (u32)CLFS_CONTAINER_ACTIVE);
	KUNIT_EXPECT_EQ(test, ci[1].logical_id, CLFS_CID_FIRST + 1);
	tl_verify(tl);
}

static void clfs_log_full_log_is_enospc_until_recovery_advances(
	struct kunit *test)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 2, 2);
	struct clfs_container_info ci[2];
	struct clfs_log_info info;
	struct clfs_blk blk;
	int ret, i;

	tl->block_bytes = 4096;
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_GT(test, tl_fill_container(tl, 8), 0);
	KUNIT_EXPECT_EQ(test, tl_write_block(tl, 2, TL_VAR), -ENOSPC);
	KUNIT_EXPECT_EQ(test, tl_write_block(tl, 2, TL_VAR), -ENOSPC);
	tl_info(tl, &info);
	/* Full is not broken. */
	KUNIT_EXPECT_FALSE(test, info.flags & CLFS_LOG_SHUT_DOWN);
	KUNIT_EXPECT_EQ(test, info.nr_free, 0U);
	KUNIT_EXPECT_EQ(test, tl_flush(tl), 0);

	/* Nothing in the first container is needed any more. */
	KUNIT_ASSERT_EQ(test, tl_advance(tl, lsn_of(CLFS_CID_FIRST + 1, 0)), 0);
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log,
						  lsn_of(CLFS_CID_FIRST, 0),
						  tl->buf, CLFS_BLK_MAX_BYTES,
						  &blk), -ENOENT);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.nr_free, 1U);
	KUNIT_EXPECT_EQ(test, info.recovery_lsn, lsn_of(CLFS_CID_FIRST + 1, 0));
	ret = tl_write_block(tl, 2, TL_VAR);
	KUNIT_EXPECT_EQ(test, ret, 2);
	KUNIT_EXPECT_EQ(test, tl_last_blk(tl)->lsn,
			lsn_of(CLFS_CID_FIRST + 2, 0));
	/* Physical slot 0 again, under logical id 3. */
	KUNIT_EXPECT_EQ(test, tl_last_blk(tl)->dev_offset, TL_MD_AREA);
	KUNIT_ASSERT_EQ(test, scan_all(tl, ci, 2), 2);
	KUNIT_EXPECT_EQ(test, ci[0].logical_id, CLFS_CID_FIRST + 2);
	KUNIT_EXPECT_EQ(test, ci[1].logical_id, CLFS_CID_FIRST + 1);
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_verify(tl);
	KUNIT_EXPECT_GT(test, tl->nr_recs, 2U);
}

static void clfs_log_advance_recovery_checks_lsn(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 3, 3);
	struct clfs_log_info a, b;
	u64 head, mid;

	tl->block_bytes = 4096;
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, 8), 0);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 4, TL_VAR), 0);
	head = tl_head(tl);
	mid = tl->blks[tl->nr_blks - 2].lsn;
	tl_info(tl, &a);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log, CLFS_LSN_NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log,
							CLFS_LSN_INVALID),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log, head + 512),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log,
							lsn_of(CLFS_CID_FIRST + 2,
							       0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log,
							lsn_of(40, 0)), -EINVAL);
	/* Inside a block: no block of the log starts there. */
	KUNIT_ASSERT_GT(test, tl->blks[tl->nr_blks - 2].next_lsn, mid + 512);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log, mid + 512),
			-EINVAL);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.generation, a.generation);

	/* Forward to a record: its block is where recovery starts. */
	KUNIT_ASSERT_EQ(test, tl_advance(tl, mid + 2), 0);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.recovery_lsn, mid);
	KUNIT_EXPECT_EQ(test, b.nr_active, 1U);
	KUNIT_EXPECT_EQ(test, b.nr_free, 2U);
	/* Never backwards. */
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log,
							tl->blks[0].lsn - 512),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log,
							lsn_of(CLFS_CID_FIRST,
							       0)), -EINVAL);
	/* Up to the head itself is fine. */
	KUNIT_EXPECT_EQ(test, tl_advance(tl, head), 0);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.recovery_lsn, head);
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.recovery_lsn, head);
	KUNIT_EXPECT_EQ(test, b.head_lsn, head);
	KUNIT_EXPECT_EQ(test, b.recovered_blocks, 0ULL);
}

/*
 * Freeing needs two commits: first the recovery start moves, then the
 * containers before it are freed. If the second fails, the log is still
 * consistent: recovery starts at the new place, the container stays.
 */
static void clfs_log_advance_recovery_failing_free_keeps_log_consistent(
	struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 3, 3);
	struct clfs_log_info info;
	u64 to;

	tl->block_bytes = 4096;
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, 8), 0);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 4, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	to = tl->blks[tl->nr_blks - 2].lsn;
	clfs_memdev_inject_write_fault(tl->m, 2, false);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log, to), -EIO);
	tl_info(tl, &info);
	KUNIT_EXPECT_TRUE(test, info.flags & CLFS_LOG_SHUT_DOWN);
	KUNIT_EXPECT_EQ(test, info.recovery_lsn, to);
	KUNIT_EXPECT_EQ(test, info.nr_active, 2U);
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovery_lsn, to);
	KUNIT_EXPECT_EQ(test, info.nr_active, 2U);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 2ULL);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->nr_recs);
	/* Advancing again now frees it. */
	KUNIT_EXPECT_EQ(test, tl_advance(tl, to), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.nr_active, 1U);
}

/*
 * Physical containers are reused under ever-growing logical ids, many
 * times over; the log reads back right after every few wraps.
 */
static void clfs_log_recycling_grows_logical_ids_forever(struct kunit *test)
{
	const u32 nr = 3, wraps = 12;
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, nr, nr);
	struct clfs_container_info ci[3];
	struct clfs_log_info info;
	u32 last_cid = CLFS_CID_FIRST, advances = 0, blocks = 0;
	u32 last_slot = 0;
	u64 prev_lsn = 0, head;
	int n, i, ret;

	tl->block_bytes = 4096;
	while (clfs_lsn_container(tl_head(tl)) < CLFS_CID_FIRST + nr * wraps) {
		ret = tl_write_block(tl, 12, TL_VAR);
		KUNIT_ASSERT_GT_MSG(test, ret, 0, "block %u", blocks);
		blocks++;
		KUNIT_ASSERT_GT(test, tl->recs[tl->nr_recs - 1].lsn, prev_lsn);
		prev_lsn = tl->recs[tl->nr_recs - 1].lsn;
		if (clfs_lsn_container(prev_lsn) == last_cid)
			continue;
		/* The head entered a new container: keep only that one. */
		last_cid = clfs_lsn_container(prev_lsn);
		KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
		KUNIT_ASSERT_EQ(test, tl_advance(tl, prev_lsn), 0);
		advances++;
		tl_info(tl, &info);
		KUNIT_EXPECT_EQ(test, info.nr_active, 1U);
		KUNIT_EXPECT_EQ(test, info.nr_free, nr - 1);
		n = scan_all(tl, ci, nr);
		KUNIT_ASSERT_EQ(test, n, (int)nr);
		for (i = 0; i < n; i++) {
			if (ci[i].state != CLFS_CONTAINER_ACTIVE)
				continue;
			KUNIT_EXPECT_EQ(test, ci[i].logical_id, last_cid);
			/* A slot freed by the last advance is used again. */
			KUNIT_EXPECT_NE(test, ci[i].physical_id, last_slot);
			last_slot = ci[i].physical_id;
		}
		if (advances % 10 == 0) {
			head = tl_head(tl);
			tl_close(tl);
			KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
			KUNIT_EXPECT_EQ(test, tl_head(tl), head);
			tl_verify(tl);
		}
	}
	KUNIT_EXPECT_GE(test, advances, nr * wraps - 2);
	/* A crash with a few unflushed blocks: only they may go. */
	KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 12, TL_VAR), 0);
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_verify(tl);
	tl_info(tl, &info);
	KUNIT_EXPECT_GE(test, clfs_lsn_container(info.head_lsn),
			CLFS_CID_FIRST + nr * wraps);
	kunit_info(test, "%u blocks, %u advances, logical id %u\n", blocks,
		   advances, clfs_lsn_container(info.head_lsn));
}

/* ---- flush --------------------------------------------------------------- */

static void clfs_log_flush_checks_lsn(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	struct clfs_wblk *b;
	u64 lsn, flushes;

	flushes = device_flushes(tl);
	/* Nothing written: nothing to do, no device flush. */
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, CLFS_LSN_INVALID), 0);
	KUNIT_EXPECT_EQ(test, device_flushes(tl), flushes);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, CLFS_LSN_NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, lsn_of(CLFS_CID_FIRST, 0)),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 2, TL_VAR), 0);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, tl_head(tl)), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, lsn_of(7, 0)), -EINVAL);
	/* A record of the open block is not submitted yet. */
	b = clfs_wblk_open(tl->log, 0, 2048);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	tl->open = b;
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, 0, tl->data,
					    4, &lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, lsn), -EINVAL);
	tl->open = NULL;
	clfs_wblk_abort(b);
	KUNIT_EXPECT_EQ(test, device_flushes(tl), flushes);

	/* Flushing one record covers its block; again costs nothing. */
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, tl->recs[3].lsn), 0);
	KUNIT_EXPECT_EQ(test, device_flushes(tl), flushes + 1);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, tl->recs[3].lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, tl->recs[0].lsn), 0);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, CLFS_LSN_INVALID), 0);
	KUNIT_EXPECT_EQ(test, device_flushes(tl), flushes + 1);
}

/* Flushing one record makes its block and every block before it durable. */
static void clfs_log_flush_to_lsn_survives_power_cut(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 2, 2);
	struct clfs_log_info info;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 4, 3, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, clfs_log_flush(tl->log,
					     tl->recs[tl->blks[2].first_rec +
						      1].lsn), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_GE(test, info.flushed_lsn, tl->blks[2].next_lsn);
	tl->durable_recs = tl->blks[3].first_rec;
	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 3, TL_VAR), 0);
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_GE(test, tl_verify(tl), 9U);
}

struct flusher {
	struct clfs_log *log;
	u64 lsn;
	int ret;
	struct completion done;
};

static int flusher_fn(void *arg)
{
	struct flusher *f = arg;

	f->ret = clfs_log_flush(f->log, f->lsn);
	kthread_complete_and_exit(&f->done, 0);
}

static bool start_flusher(struct kunit *test, struct flusher *f,
			  struct clfs_log *log, u64 lsn)
{
	struct task_struct *t;

	f->log = log;
	f->lsn = lsn;
	f->ret = 1;
	init_completion(&f->done);
	t = kthread_run(flusher_fn, f, "clfs-flusher");
	KUNIT_EXPECT_FALSE(test, IS_ERR(t));
	return !IS_ERR(t);
}

/*
 * A device flush covers only writes that had completed, so a flush waits
 * for every earlier block, whatever order they complete in, before
 * flushing the device; then everything up to its record survives.
 */
static void clfs_log_flush_waits_for_earlier_blocks(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 2, 2);
	struct flusher *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct clfs_blk blk;
	struct clfs_io *io;
	u64 flushes;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_HOLD);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 4, 3, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_nr_held(tl->m), 4U);
	flushes = device_flushes(tl);
	if (!start_flusher(test, f, tl->log, tl->recs[tl->nr_recs - 1].lsn))
		return;
	msleep(50);
	/* Newest first: the first block holds everything up. */
	for (i = 3; i >= 1; i--) {
		KUNIT_EXPECT_EQ(test, clfs_memdev_complete_held(tl->m, i), 0);
		msleep(30);
		KUNIT_EXPECT_FALSE(test, completion_done(&f->done));
		KUNIT_EXPECT_EQ(test, device_flushes(tl), flushes);
		KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log,
							  tl->blks[i].lsn,
							  tl->buf,
							  CLFS_BLK_MAX_BYTES,
							  &blk), -EAGAIN);
	}
	KUNIT_EXPECT_EQ(test, clfs_memdev_complete_held(tl->m, 0), 0);
	/* Now, and only now, the device flush. */
	KUNIT_EXPECT_TRUE(test, wait_until(clfs_memdev_nr_held(tl->m) == 1));
	io = clfs_memdev_held_io(tl->m, 0);
	KUNIT_EXPECT_TRUE(test, io && io->op == CLFS_IO_FLUSH);
	KUNIT_EXPECT_FALSE(test, completion_done(&f->done));
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&f->done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, f->ret, 0);
	KUNIT_EXPECT_EQ(test, device_flushes(tl), flushes + 1);
	tl->durable_recs = tl->nr_recs;
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 12U);
}

#define GC_THREADS	8

struct gc_thread {
	struct clfs_log *log;
	u32 id;
	u64 lsn;
	int err;
	struct completion done;
};

static int gc_thread_fn(void *arg)
{
	struct gc_thread *t = arg;
	struct clfs_wblk *b;
	u8 data[24];

	memset(data, 0x40 + t->id, sizeof(data));
	b = clfs_wblk_open(t->log, 0, 4096);
	if (IS_ERR(b)) {
		t->err = PTR_ERR(b);
		goto out;
	}
	t->err = clfs_wblk_add(b, CLFS_REC_DATA, CLFS_LSN_NULL, CLFS_LSN_NULL,
			       data, sizeof(data), &t->lsn);
	if (t->err) {
		clfs_wblk_abort(b);
		goto out;
	}
	t->err = clfs_wblk_submit(b);
	if (!t->err)
		t->err = clfs_log_flush(t->log, t->lsn);
out:
	kthread_complete_and_exit(&t->done, 0);
}

/* Finds record @lsn and checks it holds 24 bytes of 0x40 + @id. */
static void check_gc_record(struct kunit *test, struct tl *tl, u64 lsn,
			    u32 id)
{
	struct clfs_rec_iter it;
	struct clfs_blk blk;
	struct clfs_rec rec;
	u8 want[24];
	int ret;

	memset(want, 0x40 + id, sizeof(want));
	ret = clfs_log_read_block(tl->log, clfs_lsn_block(lsn), tl->buf,
				  CLFS_BLK_MAX_BYTES, &blk);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, clfs_rec_iter_init(&it, tl->log->md, &blk,
						 tl->buf, CLFS_BLK_MAX_BYTES),
			0);
	while ((ret = clfs_rec_iter_next(&it, &rec)) > 0) {
		if (rec.lsn != lsn)
			continue;
		KUNIT_EXPECT_EQ(test, rec.data_bytes, 24U);
		KUNIT_EXPECT_EQ(test, memcmp(tl->buf + rec.data_offset, want,
					     sizeof(want)), 0);
		return;
	}
	KUNIT_FAIL(test, "record %#llx of thread %u not found", lsn, id);
}

/*
 * Group commit: N threads each write a block and flush it. Their blocks
 * complete together; the first flusher's device flush covers them all and
 * the others find their records already durable: one device flush, not N.
 */
static void clfs_log_group_commit_shares_one_device_flush(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 2, 2);
	struct gc_thread *t;
	struct clfs_log_info info;
	struct task_struct *task;
	u64 flushes;
	u32 i, started = 0;
	bool all;

	t = kunit_kcalloc(test, GC_THREADS, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	flushes = device_flushes(tl);
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_HOLD);
	for (i = 0; i < GC_THREADS; i++) {
		t[i].log = tl->log;
		t[i].id = i;
		t[i].err = 1;
		init_completion(&t[i].done);
		task = kthread_run(gc_thread_fn, &t[i], "clfs-gc%u", i);
		if (IS_ERR(task))
			break;
		started++;
	}
	KUNIT_EXPECT_EQ(test, started, GC_THREADS);
	/* Every block written, every writer waiting in its flush. */
	all = wait_until(clfs_memdev_nr_held(tl->m) == started);
	KUNIT_EXPECT_TRUE(test, all);
	msleep(100);
	/* Complete newest first, so all become complete at once. */
	for (i = started; all && i > 0; i--)
		clfs_memdev_complete_held(tl->m, i - 1);
	all = all && wait_until(clfs_memdev_nr_held(tl->m) == 1);
	KUNIT_EXPECT_TRUE(test, all);
	msleep(100);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_held(tl->m), 1U);
	/* Deliver it, and anything else, until every thread is done. */
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	for (i = 0; i < started; i++)
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&t[i].done,
								    10 * HZ));
	for (i = 0; i < started; i++)
		KUNIT_EXPECT_EQ_MSG(test, t[i].err, 0, "thread %u", i);
	KUNIT_EXPECT_EQ(test, device_flushes(tl) - flushes, 1ULL);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.flushes, 1ULL);
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, info.head_lsn);

	/* And every one of them is durable. */
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, (u64)started);
	for (i = 0; i < started; i++)
		check_gc_record(test, tl, t[i].lsn, i);
}

#define CW_THREADS	4
#define CW_ROUNDS	40
#define CW_RECS		3

struct cw_thread {
	struct clfs_log *log;
	u32 id;
	u64 lsn[CW_ROUNDS][CW_RECS];
	u32 nr[CW_ROUNDS];
	int err;
	u32 flushes;
	struct completion done;
};

/* Record bytes: thread, round, index, then a pattern from them. */
static u32 cw_fill(u8 *p, u32 id, u32 round, u32 idx)
{
	u32 len = 12 + (id * 7 + round * 5 + idx * 3) % 40;
	u32 i;

	p[0] = id;
	p[1] = round;
	p[2] = idx;
	for (i = 3; i < len; i++)
		p[i] = (u8)(id * 31 + round * 17 + idx * 5 + i);
	return len;
}

static int cw_thread_fn(void *arg)
{
	struct cw_thread *t = arg;
	struct clfs_wblk *b;
	u8 data[64];
	u32 r, i, len;

	for (r = 0; r < CW_ROUNDS && !t->err; r++) {
		b = clfs_wblk_open(t->log, 0, 2048);
		if (IS_ERR(b)) {
			t->err = PTR_ERR(b);
			break;
		}
		for (i = 0; i < 1 + (r + t->id) % CW_RECS; i++) {
			len = cw_fill(data, t->id, r, i);
			t->err = clfs_wblk_add(b, CLFS_REC_DATA, CLFS_LSN_NULL,
					       CLFS_LSN_NULL, data, len,
					       &t->lsn[r][i]);
			if (t->err)
				break;
			t->nr[r]++;
		}
		if (t->err) {
			clfs_wblk_abort(b);
			break;
		}
		t->err = clfs_wblk_submit(b);
		if (!t->err)
			t->err = clfs_log_flush(t->log,
						t->lsn[r][t->nr[r] - 1]);
		t->flushes++;
	}
	kthread_complete_and_exit(&t->done, 0);
}

/*
 * Reads the whole log written by cw threads (@t: their LSNs) and checks
 * every record's bytes and LSN; returns how many there are.
 */
static u32 count_cw_records(struct kunit *test, struct tl *tl,
			    const struct cw_thread *t, u32 started)
{
	struct clfs_rec_iter it;
	struct clfs_log_info info;
	struct clfs_blk blk;
	struct clfs_rec rec;
	u32 i, r, k, found = 0;
	u8 data[64];
	u64 lsn;
	int ret;

	tl_info(tl, &info);
	for (lsn = info.recovery_lsn; lsn < info.head_lsn;
	     lsn = clfs_blk_next_lsn(tl->log->md, &blk)) {
		ret = clfs_log_read_block(tl->log, lsn, tl->buf,
					  CLFS_BLK_MAX_BYTES, &blk);
		KUNIT_ASSERT_EQ(test, ret, 0);
		KUNIT_ASSERT_EQ(test, clfs_rec_iter_init(&it, tl->log->md, &blk,
							 tl->buf,
							 CLFS_BLK_MAX_BYTES),
				0);
		while ((ret = clfs_rec_iter_next(&it, &rec)) > 0) {
			const u8 *p = tl->buf + rec.data_offset;

			KUNIT_ASSERT_LT(test, (u32)p[0], started);
			KUNIT_ASSERT_LT(test, (u32)p[1], (u32)CW_ROUNDS);
			KUNIT_ASSERT_LT(test, (u32)p[2], (u32)CW_RECS);
			i = p[0];
			r = p[1];
			k = p[2];
			KUNIT_EXPECT_EQ(test, rec.lsn, t[i].lsn[r][k]);
			KUNIT_EXPECT_EQ(test, rec.data_bytes,
					cw_fill(data, i, r, k));
			KUNIT_EXPECT_EQ(test, memcmp(p, data, rec.data_bytes), 0);
			found++;
		}
		KUNIT_EXPECT_EQ(test, ret, 0);
	}
	return found;
}

/*
 * Writers and flushers on one log at once, completions racing on other
 * CPUs: every flushed record survives a power cut, and flushes are shared.
 */
static void clfs_log_concurrent_writers_flush_and_survive(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 8, 8);
	struct cw_thread *t;
	struct task_struct *task;
	u32 i, r, started = 0, calls = 0, want = 0;
	u64 flushes;

	t = kunit_kcalloc(test, CW_THREADS, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	flushes = device_flushes(tl);
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_ASYNC);
	for (i = 0; i < CW_THREADS; i++) {
		t[i].log = tl->log;
		t[i].id = i;
		init_completion(&t[i].done);
		task = kthread_run(cw_thread_fn, &t[i], "clfs-cw%u", i);
		if (IS_ERR(task))
			break;
		started++;
	}
	KUNIT_EXPECT_EQ(test, started, CW_THREADS);
	for (i = 0; i < started; i++)
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&t[i].done,
								    60 * HZ));
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	for (i = 0; i < started; i++) {
		KUNIT_EXPECT_EQ_MSG(test, t[i].err, 0, "thread %u", i);
		calls += t[i].flushes;
		for (r = 0; r < CW_ROUNDS; r++)
			want += t[i].nr[r];
	}
	KUNIT_EXPECT_EQ(test, calls, started * CW_ROUNDS);
	KUNIT_EXPECT_LT(test, device_flushes(tl) - flushes, (u64)calls);
	kunit_info(test, "%u flush calls, %llu device flushes\n", calls,
		   device_flushes(tl) - flushes);

	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_EQ(test, count_cw_records(test, tl, t, started), want);
}

struct mgr_thread {
	struct clfs_log *log;
	bool stop;
	int err;
	u32 loops;
	struct completion done;
};

/* Adds and removes spare containers and queries, while others write. */
static int mgr_thread_fn(void *arg)
{
	struct mgr_thread *m = arg;
	struct clfs_container_info ci[16];
	struct clfs_log_info info;
	u32 id;
	int n, i, ret;

	while (!READ_ONCE(m->stop) && !m->err) {
		ret = clfs_container_add(m->log, 1);
		if (ret && ret != -ENOSPC) {
			m->err = ret;
			break;
		}
		n = clfs_container_scan(m->log, 8, ci, ARRAY_SIZE(ci));
		for (i = n - 1; i >= 0; i--) {
			if (ci[i].state != CLFS_CONTAINER_FREE)
				continue;
			id = ci[i].physical_id;
			ret = clfs_container_remove(m->log, &id, 1);
			/* The writers may have just activated it. */
			if (ret && ret != -EBUSY) {
				m->err = ret;
				break;
			}
			break;
		}
		clfs_log_query(m->log, &info);
		m->loops++;
		usleep_range(100, 200);
	}
	kthread_complete_and_exit(&m->done, 0);
}

/*
 * Container management and queries while writers append and flush: no
 * error that the races do not explain, no lockdep or KASAN report, and
 * every flushed record survives a power cut.
 */
static void clfs_log_container_changes_race_with_writers(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 8, 12);
	struct mgr_thread *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct cw_thread *t;
	struct task_struct *task;
	bool mgr_started;
	u32 i, started = 0, want = 0, r;

	t = kunit_kcalloc(test, CW_THREADS, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->log = tl->log;
	init_completion(&m->done);
	task = kthread_run(mgr_thread_fn, m, "clfs-mgr");
	mgr_started = !IS_ERR(task);
	KUNIT_EXPECT_TRUE(test, mgr_started);
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_ASYNC);
	for (i = 0; i < CW_THREADS; i++) {
		t[i].log = tl->log;
		t[i].id = i;
		init_completion(&t[i].done);
		task = kthread_run(cw_thread_fn, &t[i], "clfs-cw%u", i);
		if (IS_ERR(task))
			break;
		started++;
	}
	for (i = 0; i < started; i++)
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&t[i].done,
								    60 * HZ));
	WRITE_ONCE(m->stop, true);
	if (mgr_started)
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&m->done,
								    10 * HZ));
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	KUNIT_EXPECT_EQ(test, started, CW_THREADS);
	KUNIT_EXPECT_EQ(test, m->err, 0);
	KUNIT_EXPECT_GT(test, m->loops, 0U);
	for (i = 0; i < started; i++) {
		KUNIT_EXPECT_EQ_MSG(test, t[i].err, 0, "thread %u", i);
		for (r = 0; r < CW_ROUNDS; r++)
			want += t[i].nr[r];
	}
	kunit_info(test, "%u management rounds\n", m->loops);
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_EQ(test, count_cw_records(test, tl, t, started), want);
}

struct opener {
	struct clfs_log *log;
	u64 lsn;
	int ret;
	struct completion done;
};

/* Opens a block (waiting for the slot), adds a record, submits it. */
static int opener_fn(void *arg)
{
	struct opener *o = arg;
	struct clfs_wblk *b;
	u8 data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	b = clfs_wblk_open(o->log, 0, 4096);
	if (IS_ERR(b)) {
		o->ret = PTR_ERR(b);
		goto out;
	}
	o->lsn = clfs_wblk_lsn(b);
	o->ret = clfs_wblk_add(b, CLFS_REC_DATA, 0, 0, data, sizeof(data),
			       &o->lsn);
	if (o->ret)
		clfs_wblk_abort(b);
	else
		o->ret = clfs_wblk_submit(b);
out:
	kthread_complete_and_exit(&o->done, 0);
}

static bool start_opener(struct kunit *test, struct opener *o,
			 struct clfs_log *log)
{
	struct task_struct *t;

	o->log = log;
	o->ret = 1;
	init_completion(&o->done);
	t = kthread_run(opener_fn, o, "clfs-opener");
	KUNIT_EXPECT_FALSE(test, IS_ERR(t));
	return !IS_ERR(t);
}

/*
 * One block is open at a time: a second writer waits for the slot and
 * gets the place the first one leaves - the same place if it aborted.
 * A shutdown wakes a waiting writer with -EIO.
 */
static void clfs_log_second_writer_waits_for_the_open_block(
	struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	struct opener *o = kunit_kcalloc(test, 2, sizeof(*o), GFP_KERNEL);
	struct clfs_wblk *b;
	u64 at;

	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 1, 2, TL_VAR), 0);
	b = clfs_wblk_open(tl->log, 0, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	tl->open = b;
	at = clfs_wblk_lsn(b);
	if (!start_opener(test, &o[0], tl->log))
		return;
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&o[0].done));
	tl->open = NULL;
	clfs_wblk_abort(b);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&o[0].done,
							    10 * HZ));
	KUNIT_EXPECT_EQ(test, o[0].ret, 0);
	KUNIT_EXPECT_EQ(test, o[0].lsn, at);

	/* Now a shutdown while a writer waits. */
	b = clfs_wblk_open(tl->log, 0, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	tl->open = b;
	if (!start_opener(test, &o[1], tl->log))
		return;
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&o[1].done));
	clfs_memdev_inject_flush_fault(tl->m, 1, false);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, o[0].lsn), -EIO);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&o[1].done,
							    10 * HZ));
	KUNIT_EXPECT_EQ(test, o[1].ret, -EIO);
	/* The holder's block cannot be written either. */
	KUNIT_EXPECT_EQ(test, clfs_wblk_add(b, CLFS_REC_DATA, 0, 0, tl->data,
					    8, &at), 0);
	tl->open = NULL;
	KUNIT_EXPECT_EQ(test, clfs_wblk_submit(b), -EIO);
}

/* ---- shutdown ------------------------------------------------------------ */

/*
 * A block write that fails is never reported durable, by any flush; the
 * log shuts down: writes and flushes get -EIO, completed blocks can still
 * be read, and the failed block leaves a clean end after a reopen.
 */
static void clfs_log_failed_block_write_shuts_down(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 2, 3);
	struct clfs_log_info info;
	u64 bad_lsn, first;
	int ret;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 3, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	first = tl->recs[0].lsn;
	clfs_memdev_inject_write_fault(tl->m, 2, false);
	KUNIT_ASSERT_EQ(test, tl_write_block(tl, 3, TL_VAR), 3);
	/* Its submission succeeds; the write fails on the device. */
	KUNIT_ASSERT_EQ(test, tl_write_block(tl, 3, TL_VAR), 3);
	bad_lsn = tl->recs[tl->nr_recs - 1].lsn;
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, bad_lsn), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, CLFS_LSN_INVALID), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, first), -EIO);
	/* A block written after it, if its submission got through, is not. */
	ret = tl_write_block(tl, 3, TL_VAR);
	KUNIT_EXPECT_EQ(test, ret, -EIO);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_wblk_open(tl->log, 0, 4096)), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_container_add(tl->log, 1), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_log_advance_recovery(tl->log, first), -EIO);
	tl_info(tl, &info);
	KUNIT_EXPECT_TRUE(test, info.flags & CLFS_LOG_SHUT_DOWN);
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, tl->blks[2].lsn);
	/* Reads still work. */
	KUNIT_EXPECT_EQ(test, tl_check_block(tl, tl->blks[0].lsn, NULL), 0);
	KUNIT_EXPECT_EQ(test, tl_check_block(tl, tl->blks[1].lsn, NULL), 0);
	KUNIT_EXPECT_EQ(test, tl_check_block(tl, tl->blks[2].lsn, NULL), 0);
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	/* The completed block is there; the failed one ends the log. */
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 9U);
	tl_info(tl, &info);
	KUNIT_EXPECT_FALSE(test, info.flags & CLFS_LOG_SHUT_DOWN);
	KUNIT_EXPECT_EQ(test, info.head_lsn, tl->blks[3].lsn);
	KUNIT_EXPECT_EQ(test, tl_write_block(tl, 1, 10), 1);
	KUNIT_EXPECT_EQ(test, tl_flush(tl), 0);
}

/* A failed device flush is -EIO, and so is every later flush. */
static void clfs_log_failed_flush_shuts_down(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, 2, 2);
	struct clfs_log_info info;

	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 3, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 3, TL_VAR), 0);
	clfs_memdev_inject_flush_fault(tl->m, 1, false);
	KUNIT_EXPECT_EQ(test, tl_flush(tl), -EIO);
	/* The device would flush now, but the log must not say so. */
	KUNIT_EXPECT_EQ(test, tl_flush(tl), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, tl->recs[0].lsn), -EIO);
	KUNIT_EXPECT_EQ(test, tl_write_block(tl, 1, 10), -EIO);
	tl_info(tl, &info);
	KUNIT_EXPECT_TRUE(test, info.flags & CLFS_LOG_SHUT_DOWN);
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, tl->blks[2].lsn);
	KUNIT_EXPECT_EQ(test, info.flushes, 1ULL);
	KUNIT_EXPECT_EQ(test, tl_check_block(tl, tl->blks[3].lsn, NULL), 0);
	/* Only the flushed records are promised. */
	tl_crash(tl, NULL, NULL);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 6U);
}

/* A failed flush while other flushers wait: none of them succeeds. */
static void clfs_log_failed_flush_fails_waiting_flushers(struct kunit *test)
{
	struct tl *tl = tl_new_log(test, 512, CB, 2, 2);
	struct flusher *f = kunit_kcalloc(test, 3, sizeof(*f), GFP_KERNEL);
	u32 i, started = 0;

	KUNIT_ASSERT_NOT_NULL(test, f);
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_HOLD);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 2, TL_VAR), 0);
	clfs_memdev_inject_flush_fault(tl->m, 1, false);
	for (i = 0; i < 3; i++)
		started += start_flusher(test, &f[i], tl->log,
					 tl->recs[2 * i].lsn);
	msleep(50);
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	for (i = 0; i < started; i++) {
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&f[i].done,
								    10 * HZ));
		KUNIT_EXPECT_EQ_MSG(test, f[i].ret, -EIO, "flusher %u", i);
	}
}

static struct kunit_case clfs_log_cases[] = {
	KUNIT_CASE_PARAM(clfs_log_new_log_reports_empty_state,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_query_counts_blocks_bytes_and_flushes,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_create_checks_params,
			 create_case_gen_params),
	KUNIT_CASE(clfs_log_open_rejects_unknown_flags),
	KUNIT_CASE_PARAM(clfs_log_open_unformatted_device_is_enodata,
			 tl_sector_params),
	KUNIT_CASE(clfs_log_open_refuses_other_sector_size),
	KUNIT_CASE(clfs_log_reopen_keeps_uuid_and_starts_new_epoch),
	KUNIT_CASE_PARAM(clfs_log_create_over_old_log_starts_empty,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_read_only_open_writes_nothing,
			 tl_sector_params),
	KUNIT_CASE(clfs_log_read_only_storage_opens_read_only),
	KUNIT_CASE(clfs_log_unknown_ro_compat_feature_opens_read_only),
	KUNIT_CASE(clfs_log_unknown_incompat_feature_is_refused),
	KUNIT_CASE_PARAM(clfs_log_close_makes_everything_durable,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_record_lsns_name_block_and_index,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_wblk_open_checks_args, tl_sector_params),
	KUNIT_CASE(clfs_log_wblk_add_checks_records),
	KUNIT_CASE(clfs_log_record_too_big_for_container_rest_is_enospc),
	KUNIT_CASE(clfs_log_multiplexed_blocks_carry_their_stream),
	KUNIT_CASE(clfs_log_read_block_checks_args),
	KUNIT_CASE(clfs_log_container_scan_lists_log_containers),
	KUNIT_CASE(clfs_log_container_add_is_all_or_nothing),
	KUNIT_CASE_PARAM(clfs_log_container_remove_rules,
			 remove_case_gen_params),
	KUNIT_CASE_PARAM(clfs_log_container_mapping_survives_reopen,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_container_activated_durably_before_use,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_full_log_is_enospc_until_recovery_advances,
			 tl_sector_params),
	KUNIT_CASE(clfs_log_advance_recovery_checks_lsn),
	KUNIT_CASE(clfs_log_advance_recovery_failing_free_keeps_log_consistent),
	KUNIT_CASE_PARAM(clfs_log_recycling_grows_logical_ids_forever,
			 tl_sector_params),
	KUNIT_CASE(clfs_log_flush_checks_lsn),
	KUNIT_CASE_PARAM(clfs_log_flush_to_lsn_survives_power_cut,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_flush_waits_for_earlier_blocks,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_group_commit_shares_one_device_flush,
			 tl_sector_params),
	KUNIT_CASE(clfs_log_concurrent_writers_flush_and_survive),
	KUNIT_CASE(clfs_log_container_changes_race_with_writers),
	KUNIT_CASE_PARAM(clfs_log_failed_block_write_shuts_down,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_log_failed_flush_shuts_down, tl_sector_params),
	KUNIT_CASE(clfs_log_failed_flush_fails_waiting_flushers),
	KUNIT_CASE(clfs_log_second_writer_waits_for_the_open_block),
	{}
};

static struct kunit_suite clfs_log_suite = {
	.name = "clfs_log",
	.test_cases = clfs_log_cases,
};

kunit_test_suites(&clfs_log_suite);
