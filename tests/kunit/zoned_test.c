// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_zoned": the engine on sequential storage, on the
 * in-memory device made zoned (clfs_memdev_set_zones()), with 512- and
 * 4096-byte sectors.
 *
 * The device fails (and counts) any write that writes a sector of a
 * sequential zone twice without a reset, or crosses a zone's end, so every
 * case also proves that the engine keeps the rules of <linux/clfs_storage.h>:
 * containers are zones, written front to back once per activation, each
 * zone reset before its container's first write whatever order the writes
 * come in. Crashes go through the device's power cycle, which leaves a
 * zone's write pointer beyond a lost write when a later one was kept: the
 * engine must seal such an end and go on in the next container, with
 * nothing lost that was durable and no orphan coming back.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include "storage/clfs_storage.h"
#include "log_test_util.h"

#define ZONE		SZ_64K
#define NR_DATA_ZONES	6
#define SMALL_RECS	3
#define SMALL_DATA	100

/* A zoned device of NR_DATA_ZONES data zones, formatted with @nr of them. */
static struct tl *zoned_log(struct kunit *test, u32 nr)
{
	struct tl *tl = tl_new(test, tl_param_sector(test),
			       (u64)(CLFS_STORAGE_MD_ZONES + NR_DATA_ZONES) * ZONE);

	KUNIT_ASSERT_EQ(test, clfs_memdev_set_zones(tl->m, ZONE), 0);
	KUNIT_ASSERT_EQ(test, tl_format(tl, ZONE, nr, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl->block_bytes = max(tl->sector, 4096U);
	return tl;
}

static int write_small(struct tl *tl, u32 nr_blocks)
{
	return tl_write(tl, nr_blocks, SMALL_RECS, SMALL_DATA);
}

static void reopen(struct tl *tl)
{
	KUNIT_ASSERT_EQ(tl->test, tl_open(tl, 0), 0);
}

/* No write broke the zones' rules; the case goes on either way. */
static void expect_no_violation(struct tl *tl)
{
	KUNIT_EXPECT_EQ(tl->test, tl_stats(tl).zone_violations, 0ULL);
}

/*
 * The zone at @zone holds what a crash left there; the next open must
 * empty it (one reset) before the session writes it.
 */
static void reopen_empties_zone(struct tl *tl, u64 zone)
{
	struct kunit *test = tl->test;
	u64 resets, wp;

	KUNIT_ASSERT_EQ(test, tl->s->ops->write_pointer(tl->s, zone, &wp), 0);
	KUNIT_EXPECT_GT(test, wp, zone);
	resets = tl_stats(tl).zone_resets;
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_stats(tl).zone_resets, resets + 1);
	KUNIT_ASSERT_EQ(test, tl->s->ops->write_pointer(tl->s, zone, &wp), 0);
	KUNIT_EXPECT_EQ(test, wp, zone);
}

/* Everything durable so far goes; the head's container stays. */
static void recycle_all(struct tl *tl)
{
	KUNIT_ASSERT_EQ(tl->test, tl_flush(tl), 0);
	KUNIT_ASSERT_GT(tl->test, tl->nr_recs, 0U);
	KUNIT_ASSERT_EQ(tl->test, tl_advance(tl, tl->recs[tl->nr_recs - 1].lsn), 0);
}

/* ---- the device model ---------------------------------------------------- */

static void clfs_zoned_memdev_writes_each_sector_once_per_reset(struct kunit *test)
{
	struct tl *tl = tl_new(test, tl_param_sector(test), 8 * ZONE);
	struct clfs_storage *s = tl->s;
	u32 sec = tl->sector;
	u64 z2 = 2 * ZONE, wp;

	KUNIT_ASSERT_EQ(test, clfs_memdev_set_zones(tl->m, ZONE), 0);
	KUNIT_EXPECT_EQ(test, s->zone_bytes, (u64)ZONE);
	KUNIT_EXPECT_EQ(test, clfs_memdev_set_zones(tl->m, ZONE), -EINVAL);
	memset(tl->buf, 0xa5, 4 * sec);
	/* Conventional zones: rewritten at will. */
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, tl->buf, sec, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, tl->buf, sec, 0), 0);
	/* A sequential zone: in any order, but once. */
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, z2 + sec, tl->buf, sec, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, z2, tl->buf, sec, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, z2, tl->buf, 2 * sec, 0), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, z2 + ZONE - sec, tl->buf,
						      2 * sec, 0), -EIO);
	KUNIT_EXPECT_EQ(test, tl_stats(tl).zone_violations, 2ULL);
	KUNIT_EXPECT_EQ(test, s->ops->write_pointer(s, z2 + 5 * sec, &wp), 0);
	KUNIT_EXPECT_EQ(test, wp, z2 + 2 * sec);
	/* Not flushed: the power cycle takes both writes, and the pointer. */
	clfs_memdev_power_cycle(tl->m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, s->ops->write_pointer(s, z2, &wp), 0);
	KUNIT_EXPECT_EQ(test, wp, z2);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, z2, tl->buf, sec,
						      CLFS_IO_FUA), 0);
	clfs_memdev_power_cycle(tl->m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, s->ops->write_pointer(s, z2, &wp), 0);
	KUNIT_EXPECT_EQ(test, wp, z2 + sec);
	/* A reset empties the zone at once, durably. */
	KUNIT_EXPECT_EQ(test, clfs_storage_reset_zone(s, z2 + sec), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_storage_reset_zone(s, z2), 0);
	KUNIT_EXPECT_EQ(test, s->ops->write_pointer(s, z2, &wp), 0);
	KUNIT_EXPECT_EQ(test, wp, z2);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, z2, tl->buf, sec), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(tl->buf, 0, sec));
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, z2, tl->buf, sec, 0), 0);
	KUNIT_EXPECT_EQ(test, tl_stats(tl).zone_violations, 2ULL);
}

/* ---- the layout ------------------------------------------------------------ */

static void clfs_zoned_containers_are_the_zones(struct kunit *test)
{
	struct tl *tl = tl_new(test, tl_param_sector(test),
			       (u64)(CLFS_STORAGE_MD_ZONES + NR_DATA_ZONES) * ZONE);
	u32 i;

	KUNIT_ASSERT_EQ(test, clfs_memdev_set_zones(tl->m, ZONE), 0);
	KUNIT_EXPECT_EQ(test, tl_format(tl, 2 * ZONE, 2, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, tl_format(tl, ZONE, NR_DATA_ZONES + 1, 0), -ENOSPC);
	KUNIT_ASSERT_EQ(test, tl_format(tl, ZONE, NR_DATA_ZONES, 0), 0);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	tl->block_bytes = max(tl->sector, 4096U);
	/* Three containers' worth: each starts at its zone's start. */
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_GT(test, tl_fill_container(tl, SMALL_RECS), 0);
	for (i = 0; i < tl->nr_blks; i++) {
		if (clfs_lsn_block_offset(tl->blks[i].lsn))
			continue;
		KUNIT_EXPECT_EQ(test, tl->blks[i].dev_offset % ZONE, 0ULL);
		KUNIT_EXPECT_GE(test, tl->blks[i].dev_offset,
				(u64)CLFS_STORAGE_MD_ZONES * ZONE);
	}
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_close(tl);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->nr_recs);
	expect_no_violation(tl);
}

/* ---- wraps, with writes completing out of order ----------------------------- */

static void clfs_zoned_many_wraps_reset_each_zone_before_reuse(struct kunit *test)
{
	struct tl *tl = zoned_log(test, 3);
	struct clfs_log_info info;
	u64 resets;
	u32 w;

	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_ASYNC);
	for (w = 0; w < 12; w++) {
		KUNIT_ASSERT_GT(test, tl_fill_container(tl, SMALL_RECS), 0);
		recycle_all(tl);
	}
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	tl_info(tl, &info);
	KUNIT_EXPECT_GE(test, clfs_lsn_container(info.head_lsn), 12U);
	resets = tl_stats(tl).zone_resets;
	/* One reset per activation after the first use of each zone. */
	KUNIT_EXPECT_GE(test, resets, 9ULL);
	tl_close(tl);
	reopen(tl);
	tl_verify(tl);
	KUNIT_ASSERT_EQ(test, write_small(tl, 4), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_close(tl);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->nr_recs);
	expect_no_violation(tl);
}

/* ---- crashes ------------------------------------------------------------- */

/*
 * The first block after a flush is lost, the next two are written back:
 * the zone's write pointer is beyond the end recovery finds. The end is
 * sealed, the log goes on in the next container, and the orphans never
 * come back, through more crashes.
 */
static void clfs_zoned_written_beyond_the_end_is_sealed(struct kunit *test)
{
	struct tl *tl = zoned_log(test, 4);
	struct tl_keep keep = { .tl = tl, .mask = 0x6 };
	struct clfs_log_info info;
	u64 end, wp, dev;
	u32 durable;

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	durable = tl->nr_recs;
	keep.first = tl->nr_blks;
	keep.nr = 3;
	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	end = tl->blks[keep.first].lsn;
	dev = tl->blks[keep.first].dev_offset;
	tl_crash(tl, tl_keep_cb, &keep);
	KUNIT_ASSERT_EQ(test, tl->s->ops->write_pointer(tl->s, dev, &wp), 0);
	KUNIT_EXPECT_GT(test, wp, dev);

	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), durable);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.head_lsn,
			clfs_lsn_make(clfs_lsn_container(end) + 1, 0, 0));
	KUNIT_EXPECT_EQ(test, tl->log->md->seal_lsn[0], end);
	KUNIT_EXPECT_EQ(test, clfs_md_follow_seal(tl->log->md, end), info.head_lsn);

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), durable + 2 * SMALL_RECS);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), durable + 2 * SMALL_RECS);
	expect_no_violation(tl);
}

/*
 * A container is activated and its first block lost, a later one kept:
 * the end is the zone's start, with the zone not empty. The open resets
 * the zone, and the session writes it from its start.
 */
static void clfs_zoned_end_at_a_zone_start_empties_the_zone(struct kunit *test)
{
	struct tl *tl = zoned_log(test, 4);
	struct tl_keep keep = { .tl = tl, .mask = 0x2 };
	u32 durable;
	u64 start;

	KUNIT_ASSERT_GT(test, tl_fill_container(tl, SMALL_RECS), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	durable = tl->nr_recs;
	/* tl_fill_container() stops with the head at the next container. */
	KUNIT_ASSERT_EQ(test, clfs_lsn_block_offset(tl_head(tl)), 0U);
	keep.first = tl->nr_blks;
	keep.nr = 2;
	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	start = tl->blks[keep.first].dev_offset;
	tl_crash(tl, tl_keep_cb, &keep);

	reopen_empties_zone(tl, start);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), durable);
	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	KUNIT_EXPECT_EQ(test, tl->blks[tl->nr_blks - 3].dev_offset, start);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), durable + 3 * SMALL_RECS);
	expect_no_violation(tl);
}

/*
 * The last block of a container is damaged after a crash that kept the
 * first block of the next container, active already: the end is sealed
 * inside the first container, and the log goes on at the start of the
 * next one, whose zone holds that block, now an orphan. The open empties
 * the zone, so the session can write it from its start.
 */
static void clfs_zoned_sealed_end_empties_the_next_active_zone(struct kunit *test)
{
	struct tl *tl = zoned_log(test, 4);
	struct tl_keep keep = { .tl = tl, .others = true };
	struct clfs_log_info info;
	u64 next_zone;
	struct tl_blk last;
	u32 survivors, b;

	KUNIT_ASSERT_EQ(test, write_small(tl, 1), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, SMALL_RECS), 1);
	KUNIT_ASSERT_EQ(test, write_small(tl, 1), 0);
	last = tl->blks[tl->nr_blks - 2];
	next_zone = tl->blks[tl->nr_blks - 1].dev_offset;
	KUNIT_ASSERT_EQ(test, next_zone % ZONE, 0ULL);
	survivors = last.first_rec;
	tl_crash(tl, tl_keep_cb, &keep);
	/* A byte of the last block's first record: its crc fails. */
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(tl->m, last.dev_offset, tl->buf,
					       tl->sector), 0);
	tl->buf[sizeof(struct clfs_blk_disk)] ^= 0x5a;
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m, last.dev_offset, tl->buf,
					       tl->sector), 0);

	reopen_empties_zone(tl, next_zone);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), survivors);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, tl->log->md->seal_lsn[0], last.lsn);
	KUNIT_EXPECT_EQ(test, info.head_lsn,
			clfs_lsn_make(clfs_lsn_container(last.lsn) + 1, 0, 0));
	/* Into the next container and beyond, with nothing refused. */
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, SMALL_RECS), 0);
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, SMALL_RECS), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	b = tl_blk_index(tl, info.head_lsn);
	KUNIT_ASSERT_NE(test, b, U32_MAX);
	KUNIT_EXPECT_EQ(test, tl->blks[b].dev_offset, next_zone);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->nr_recs);
	expect_no_violation(tl);
}

/*
 * Many sessions of pseudo-random writes, flushes, write-backs and
 * recycling, with completions out of order: every durable record
 * survives each crash, and the zones' rules hold throughout.
 */
static void clfs_zoned_random_power_cycles_keep_a_durable_prefix(struct kunit *test)
{
	struct tl *tl = zoned_log(test, 4);
	struct tl_keep keep = { .tl = tl };
	struct clfs_log_info info;
	u32 s, n, f, rnd = 4242, seals = 0;

	for (s = 0; s < 40; s++) {
		rnd = rnd * 1103515245 + 12345;
		n = 1 + (rnd >> 16) % 8;
		f = (rnd >> 8) % (n + 1);
		clfs_memdev_set_completion(tl->m, (rnd >> 4) & 1 ?
					   CLFS_MEMDEV_ASYNC : CLFS_MEMDEV_INLINE);
		KUNIT_ASSERT_EQ(test, write_small(tl, f), 0);
		if (f)
			KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
		keep.first = tl->nr_blks;
		keep.nr = n - f;
		keep.mask = rnd >> 3;
		keep.others = rnd & 1;
		KUNIT_ASSERT_EQ(test, write_small(tl, n - f), 0);
		tl_crash(tl, tl_keep_cb, &keep);
		reopen(tl);
		tl_verify(tl);
		seals += tl->log->md->seal_lsn[0] != 0;
		tl_info(tl, &info);
		if (tl->nr_recs &&
		    clfs_lsn_container(info.head_lsn) >
		    clfs_lsn_container(info.recovery_lsn) + 1)
			KUNIT_ASSERT_EQ(test, tl_advance(tl,
					tl->recs[tl->nr_recs - 1].lsn), 0);
	}
	tl_info(tl, &info);
	kunit_info(test, "after 40 sessions: head %#llx, epoch %u, %u opens with a seal, %llu zone resets\n",
		   info.head_lsn, info.epoch, seals, tl_stats(tl).zone_resets);
	KUNIT_EXPECT_GT(test, seals, 0U);
	expect_no_violation(tl);
}

static struct kunit_case clfs_zoned_cases[] = {
	KUNIT_CASE_PARAM(clfs_zoned_memdev_writes_each_sector_once_per_reset,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_zoned_containers_are_the_zones, tl_sector_params),
	KUNIT_CASE_PARAM(clfs_zoned_many_wraps_reset_each_zone_before_reuse,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_zoned_written_beyond_the_end_is_sealed,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_zoned_end_at_a_zone_start_empties_the_zone,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_zoned_sealed_end_empties_the_next_active_zone,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_zoned_random_power_cycles_keep_a_durable_prefix,
			 tl_sector_params),
	{}
};

static struct kunit_suite clfs_zoned_suite = {
	.name = "clfs_zoned",
	.test_cases = clfs_zoned_cases,
};

kunit_test_suites(&clfs_zoned_suite);
