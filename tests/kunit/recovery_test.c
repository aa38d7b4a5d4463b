// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_recovery": what a log holds after a crash, on the
 * in-memory device with 512- and 4096-byte sectors.
 *
 * Every case writes through the engine, loses power with
 * clfs_memdev_power_cycle() - choosing which unflushed writes the device
 * had written back - and reopens. tl_verify() (log_test_util.c) then reads
 * the whole log and checks the guarantees of SPEC section 3: every flushed
 * record is there, byte for byte with its LSN, back-pointers and type;
 * the log is a prefix of what was written, never a hole followed by data;
 * a block never acknowledged and not on the recovered path never comes
 * back, after one crash or several, during recovery or after it (the
 * epochs of clfs_format.h section 5).
 *
 * Blocks in these cases have one fixed size, so that a later session's
 * blocks line up exactly with the old ones and its chain of blocks walks
 * straight onto any orphan left from before: the orphan must be refused.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "storage/clfs_storage.h"
#include "log_test_util.h"

#define CB		SZ_64K	/* container size */
#define SMALL_RECS	3	/* a small block: 3 records of 100 bytes */
#define SMALL_DATA	100

/* One small block: one sector on either sector size. */
static int write_small(struct tl *tl, u32 nr_blocks)
{
	return tl_write(tl, nr_blocks, SMALL_RECS, SMALL_DATA);
}

/* A log for these cases: @nr containers of 64 KiB. */
static struct tl *new_log(struct kunit *test, u32 nr)
{
	struct tl *tl = tl_new_log(test, tl_param_sector(test), CB, nr, nr);

	tl->block_bytes = max(tl->sector, 4096U);
	return tl;
}

/* Format again and forget everything: a fresh log on the same device. */
static void reformat(struct tl *tl, u32 nr)
{
	if (tl->log)
		tl_close(tl);
	tl->nr_recs = 0;
	tl->nr_blks = 0;
	tl->durable_recs = 0;
	KUNIT_ASSERT_EQ(tl->test, tl_format(tl, CB, nr, 0), 0);
	KUNIT_ASSERT_EQ(tl->test, tl_open(tl, 0), 0);
}

static void reopen(struct tl *tl)
{
	KUNIT_ASSERT_EQ(tl->test, tl_open(tl, 0), 0);
}

static u64 device_writes(struct tl *tl)
{
	return tl_stats(tl).writes;
}

/* ---- flushed data survives, unflushed data is a suffix ------------------- */

static void clfs_recovery_flushed_records_survive_power_cut(struct kunit *test)
{
	struct tl *tl = new_log(test, 4);
	struct clfs_log_info info;
	u32 s;

	tl->block_bytes = 4096;
	for (s = 0; s < 4; s++) {
		KUNIT_ASSERT_EQ(test, tl_write(tl, 10 + s, 6, TL_VAR), 0);
		KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
		/* Lost: none of these was flushed. */
		KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 6, TL_VAR), 0);
		tl_crash(tl, NULL, NULL);
		reopen(tl);
		KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->durable_recs);
		tl_info(tl, &info);
		KUNIT_EXPECT_EQ(test, info.head_lsn, tl_last_blk(tl)->next_lsn);
	}
}

/* Unflushed blocks the device did write back are recovered too. */
static void clfs_recovery_unflushed_blocks_written_back_are_kept(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .others = true };
	u32 all;

	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	KUNIT_ASSERT_EQ(test, write_small(tl, 4), 0);
	all = tl->nr_recs;
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(tl->m), 4U);
	tl_crash(tl, tl_keep_cb, &keep);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), all);
}

struct mask_result {
	u32 first;	/* model block index of the first unflushed block */
	u32 recs;	/* records expected after the crash */
};

/* Records of the flushed blocks plus the leading run of kept ones. */
static u32 expected_recs(struct tl *tl, u32 first, u32 nr, u64 mask)
{
	u32 j = 0;

	while (j < nr && (mask & (1ULL << j)))
		j++;
	return first + j < tl->nr_blks ? tl->blks[first + j].first_rec :
					 tl->nr_recs;
}

/*
 * A crash that keeps any subset of the unflushed blocks: the log ends at
 * the first one dropped, whatever comes after it. Then a shorter session
 * over the hole, and a crash: its chain leads onto the old blocks beyond,
 * which must never come back.
 */
static void clfs_recovery_any_subset_of_unflushed_blocks_is_a_prefix(
	struct kunit *test)
{
	const u32 nr = 6;
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .nr = nr };
	u32 want, found;
	u64 mask;

	for (mask = 0; mask < (1ULL << nr); mask++) {
		if (mask)
			reformat(tl, 2);
		KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
		KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
		KUNIT_ASSERT_EQ(test, write_small(tl, nr), 0);
		keep.first = 2;
		keep.mask = mask;
		want = expected_recs(tl, 2, nr, mask);
		tl_crash(tl, tl_keep_cb, &keep);
		reopen(tl);
		found = tl_verify(tl);
		KUNIT_ASSERT_EQ_MSG(test, found, want, "mask %#llx", mask);

		/* One block over the hole, flushed; then a power cut. */
		KUNIT_ASSERT_EQ(test, write_small(tl, 1), 0);
		KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
		tl_crash(tl, NULL, NULL);
		reopen(tl);
		KUNIT_ASSERT_EQ_MSG(test, tl_verify(tl), want + SMALL_RECS,
				    "mask %#llx, second session", mask);
		/* And a crash right after recovery, writing nothing. */
		tl_crash(tl, NULL, NULL);
		reopen(tl);
		KUNIT_ASSERT_EQ_MSG(test, tl_verify(tl), want + SMALL_RECS,
				    "mask %#llx, third session", mask);
	}
}

/*
 * The device wrote back a later block but not an earlier one: the later
 * one is beyond a hole and must not be recovered, now or after the next
 * session has filled the hole with blocks of its own.
 */
static void clfs_recovery_later_block_without_earlier_is_not_recovered(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .first = 4, .nr = 4, .mask = 0xc };
	u64 orphan;

	KUNIT_ASSERT_EQ(test, write_small(tl, 4), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	KUNIT_ASSERT_EQ(test, write_small(tl, 4), 0);
	orphan = tl->blks[7].lsn;
	tl_crash(tl, tl_keep_cb, &keep);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 4U * SMALL_RECS);
	KUNIT_EXPECT_EQ(test, tl_head(tl), tl->blks[3].next_lsn);

	/* Three blocks: the chain after them is where the orphan lies. */
	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	KUNIT_EXPECT_EQ(test, tl_head(tl), orphan);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 7U * SMALL_RECS);
	KUNIT_EXPECT_EQ(test, tl_head(tl), orphan);
	tl_close(tl);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 7U * SMALL_RECS);
}

/* ---- torn, failed and reordered writes --------------------------------- */

/*
 * A block torn by the power cut, with any number of its sectors on the
 * medium, is rejected; only a complete one may be recovered.
 */
static void clfs_recovery_torn_last_block_is_rejected(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .others = true };
	u32 big, nsect, k, want;
	u64 torn;

	/* Three records filling a block of several sectors. */
	tl->block_bytes = sector == 512 ? 2048 : SZ_16K;
	big = (tl->block_bytes - CLFS_BLK_HDR_BYTES) / 3 - CLFS_REC_HDR_BYTES;
	big &= ~7U;
	nsect = DIV_ROUND_UP(CLFS_BLK_HDR_BYTES +
			     3 * clfs_rec_disk_bytes(big), sector);
	KUNIT_ASSERT_GT(test, nsect, 1U);
	for (k = 0; k <= nsect + 1; k++) {
		if (k)
			reformat(tl, 2);
		KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 3, big), 0);
		KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
		/* Completed, unflushed, written back: may be recovered. */
		KUNIT_ASSERT_EQ(test, tl_write(tl, 1, 3, big), 0);
		clfs_memdev_inject_torn_write(tl->m, 1, k);
		KUNIT_ASSERT_EQ(test, tl_write_block(tl, 3, big), 3);
		KUNIT_EXPECT_TRUE(test, clfs_memdev_is_dead(tl->m));
		torn = tl_last_blk(tl)->lsn;
		want = k >= nsect ? 12 : 9;
		tl_crash(tl, tl_keep_cb, &keep);
		reopen(tl);
		KUNIT_EXPECT_EQ_MSG(test, tl_verify(tl), want, "%u of %u sectors",
				    k, nsect);
		if (k < nsect)
			KUNIT_EXPECT_EQ(test, tl_head(tl), torn);

		/* A small block over it, and another crash. */
		KUNIT_ASSERT_EQ(test, write_small(tl, 1), 0);
		KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
		tl_crash(tl, NULL, NULL);
		reopen(tl);
		KUNIT_EXPECT_EQ(test, tl_verify(tl), want + SMALL_RECS);
	}
}

/*
 * Writes complete out of order: later blocks completed, earlier ones
 * still in flight when the power went. The completed ones are on the far
 * side of a hole and must not come back, ever.
 */
static void clfs_recovery_out_of_order_completion_is_not_recovered(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .others = true,
				.completed_only = true };
	struct clfs_log_info info;
	struct clfs_blk blk;
	u64 flushed, orphan;

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_info(tl, &info);
	flushed = info.flushed_lsn;
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_HOLD);
	KUNIT_ASSERT_EQ(test, write_small(tl, 4), 0);
	orphan = tl->blks[4].lsn;
	/* The two newest complete; the two before them do not. */
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(tl->m, 3), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(tl->m, 2), 0);
	msleep(20);
	KUNIT_EXPECT_EQ(test, clfs_log_read_block(tl->log, orphan, tl->buf,
						  CLFS_BLK_MAX_BYTES, &blk),
			-EAGAIN);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.flushed_lsn, flushed);
	tl_crash(tl, tl_keep_cb, &keep);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 2U * SMALL_RECS);

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_EXPECT_EQ(test, tl_head(tl), orphan);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 4U * SMALL_RECS);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 4U * SMALL_RECS);
}

/*
 * A block write fails; the one after it was already submitted and
 * succeeded. The failed one leaves a hole and ends the log; the one after
 * it is an orphan that never comes back.
 */
static void clfs_recovery_failed_write_ends_the_log(struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .others = true };
	u64 orphan;

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	clfs_memdev_inject_write_fault(tl->m, 2, false);
	/* Held, so that all three are submitted before the failure shows. */
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_HOLD);
	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	orphan = tl->blks[4].lsn;
	clfs_memdev_set_completion(tl->m, CLFS_MEMDEV_INLINE);
	KUNIT_EXPECT_EQ(test, tl_flush(tl), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_log_flush(tl->log, tl->recs[0].lsn), -EIO);
	tl_crash(tl, tl_keep_cb, &keep);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 3U * SMALL_RECS);
	KUNIT_EXPECT_EQ(test, tl_head(tl), tl->blks[2].next_lsn);

	KUNIT_ASSERT_EQ(test, write_small(tl, 1), 0);
	KUNIT_EXPECT_EQ(test, tl_head(tl), orphan);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 4U * SMALL_RECS);
}

/* ---- a second crash during recovery ------------------------------------ */

struct open_fault {
	const char *name;
	unsigned int sector;
	bool torn;
	unsigned int keep_sectors;	/* torn: sectors of the copy written */
	unsigned int nth;		/* which metadata write of the open */
};

static const struct open_fault open_faults[] = {
	{ "fail_512", 512, false, 0 },
	{ "fail_4096", 4096, false, 0 },
	{ "torn_0_512", 512, true, 0 },
	{ "torn_1_512", 512, true, 1 },
	{ "torn_16_512", 512, true, 16 },
	{ "torn_32_512", 512, true, 32 },
	{ "torn_all_512", 512, true, 1000 },
	{ "torn_0_4096", 4096, true, 0 },
	{ "torn_1_4096", 4096, true, 1 },
	{ "torn_4_4096", 4096, true, 4 },
	{ "torn_all_4096", 4096, true, 1000 },
	{ "fail_second_512", 512, false, 0, 2 },
	{ "fail_second_4096", 4096, false, 0, 2 },
	{ "torn_1_second_512", 512, true, 1, 2 },
	{ "torn_all_second_4096", 4096, true, 1000, 2 },
};

static void open_fault_desc(const struct open_fault *f, char *desc)
{
	strscpy(desc, f->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(open_fault, open_faults, open_fault_desc);

/*
 * A block of the log's own making but for its epoch, the largest there is
 * (its crc recomputed, as an attacker would): the next read-write session
 * would need an epoch above it. The log opens read-only; a read-write open
 * is refused with -EUCLEAN and a message. It used to build metadata with
 * epoch 0, refuse to commit it with a WARN, and fail the same way: a WARN
 * reachable from a device's content.
 */
static void clfs_recovery_last_possible_epoch_refuses_read_write(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new_log(test, sector, CB, 2, 2);
	struct clfs_log_info info;
	struct clfs_blk hdr;
	struct tl_blk b;

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	b = tl->blks[1];
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(tl->m, b.dev_offset, tl->buf,
					       sector), 0);
	KUNIT_ASSERT_EQ(test, clfs_blk_decode(tl->log->md, b.lsn, 0, tl->buf,
					      sector, &hdr), 0);
	hdr.epoch = U32_MAX;
	KUNIT_ASSERT_EQ(test, clfs_blk_seal(tl->log->md, &hdr, tl->buf,
					    sector), (int)sector);
	tl_close(tl);
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m, b.dev_offset, tl->buf,
					       sector), 0);

	KUNIT_ASSERT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 2ULL);
	tl_close(tl);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EUCLEAN);
	KUNIT_EXPECT_NULL(test, tl->log);
}

/* The log's metadata as a read-only open finds it, into @md; log closed after. */
static void md_snapshot(struct kunit *test, struct tl *tl, struct clfs_md *md)
{
	KUNIT_ASSERT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), 0);
	memcpy(md, tl->log->md, sizeof(*md));
	tl_close(tl);
}

/* @md written, crc and all, to the copy its generation belongs in. */
static void md_poke(struct kunit *test, struct tl *tl, const struct clfs_md *md)
{
	int n = clfs_md_encode(md, tl->data, CLFS_MD_COPY_BYTES);

	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m,
					       clfs_md_copy_offset(clfs_md_copy_of_generation(md->generation)),
					       tl->data, n), 0);
}

/*
 * The same for the metadata generation: a copy of the log's own metadata
 * but for a generation a session's commits could overflow, its crc
 * recomputed. The log opens read-only and reads; a read-write open is
 * refused with -EUCLEAN and a message, not a WARN from the first commit.
 */
static void clfs_recovery_generation_at_its_limit_refuses_read_write(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new_log(test, sector, CB, 2, 2);
	struct clfs_md *md = kunit_kzalloc(test, sizeof(*md), GFP_KERNEL);
	struct clfs_log_info info;
	u64 gen = U64_MAX - U32_MAX + 1;

	KUNIT_ASSERT_NOT_NULL(test, md);
	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_close(tl);
	md_snapshot(test, tl, md);
	md->generation = gen;
	md_poke(test, tl, md);

	KUNIT_ASSERT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.generation, gen);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 2U * SMALL_RECS);
	tl_close(tl);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EUCLEAN);
	KUNIT_EXPECT_NULL(test, tl->log);
	/* Below the limit (the same copy, so 2 below) it is a log like any other. */
	md->generation = gen - 2;
	md_poke(test, tl, md);
	KUNIT_ASSERT_EQ(test, tl_open(tl, 0), 0);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 2U * SMALL_RECS);
	tl_info(tl, &info);
	KUNIT_EXPECT_GT(test, info.generation, gen - 2);
}

/*
 * A damaged block cuts recovery short of a stream's base: the metadata
 * says the stream starts in the third block, and the second one's crc no
 * longer matches. A session appending at the recovered end would give its
 * records LSNs below the stream's base, acknowledged and unreadable. The
 * log opens read-only; a read-write open is refused with -EUCLEAN. Found
 * by the corrupted-image campaign (tests/crash/corrupt.c), which saw such
 * an append acknowledged and then not read back.
 */
static void clfs_recovery_base_beyond_a_damaged_block_refuses_read_write(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new_log(test, sector, CB, 2, 2);
	struct clfs_md *md = kunit_kzalloc(test, sizeof(*md), GFP_KERNEL);
	struct clfs_log_info info;
	struct tl_blk b;

	KUNIT_ASSERT_NOT_NULL(test, md);
	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_close(tl);
	md_snapshot(test, tl, md);
	md->generation++;
	md->streams[0].base_lsn = tl->blks[2].lsn;
	md->streams[0].last_lsn = tl->blks[2].lsn + SMALL_RECS - 1;
	md_poke(test, tl, md);
	/* A byte of the first record header: inside what the crc covers. */
	b = tl->blks[1];
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(tl->m, b.dev_offset, tl->buf, sector), 0);
	((u8 *)tl->buf)[sizeof(struct clfs_blk_disk)] ^= 0x5a;
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m, b.dev_offset, tl->buf, sector), 0);

	KUNIT_ASSERT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 1ULL);
	tl_close(tl);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EUCLEAN);
	KUNIT_EXPECT_NULL(test, tl->log);
	/* The block repaired, the same metadata opens read-write. */
	((u8 *)tl->buf)[sizeof(struct clfs_blk_disk)] ^= 0x5a;
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m, b.dev_offset, tl->buf, sector), 0);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), 0);
}

/*
 * A block the last read-write open recovered is damaged afterwards (a zone
 * emptied behind the log's back is the same): recovery ends before the
 * epoch's start, where that open found the end. A session writing there
 * would reuse the LSNs of acknowledged records. The log opens read-only;
 * a read-write open is refused with -EUCLEAN, until the block is back.
 */
static void clfs_recovery_end_before_the_epoch_start_refuses_read_write(struct kunit *test)
{
	unsigned int sector = tl_param_sector(test);
	struct tl *tl = tl_new_log(test, sector, CB, 2, 2);
	struct clfs_log_info info;
	struct tl_blk b;

	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_close(tl);
	/* This session's epoch starts after the three blocks. */
	reopen(tl);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 3ULL);
	tl_close(tl);
	b = tl->blks[1];
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(tl->m, b.dev_offset, tl->buf, sector), 0);
	((u8 *)tl->buf)[sizeof(struct clfs_blk_disk)] ^= 0x5a;
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m, b.dev_offset, tl->buf, sector), 0);

	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EUCLEAN);
	KUNIT_EXPECT_NULL(test, tl->log);
	KUNIT_ASSERT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 1ULL);
	tl_close(tl);
	((u8 *)tl->buf)[sizeof(struct clfs_blk_disk)] ^= 0x5a;
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m, b.dev_offset, tl->buf, sector), 0);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 3ULL);
}

/*
 * Recovery itself crashes: the metadata commit that starts the new epoch
 * fails or is torn. The next open must find the same end, and orphans
 * beyond it must stay dead through the sessions that follow.
 */
static void clfs_recovery_crash_in_epoch_commit_then_open_again(
	struct kunit *test)
{
	const struct open_fault *f = test->param_value;
	struct tl *tl = tl_new_log(test, f->sector, CB, 2, 2);
	struct tl_keep keep = { .tl = tl, .first = 2, .nr = 4, .mask = 0xe };
	struct clfs_log_info info;
	u64 orphan;
	u32 epoch;

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	KUNIT_ASSERT_EQ(test, write_small(tl, 4), 0);
	orphan = tl->blks[3].lsn;
	tl_info(tl, &info);
	epoch = info.epoch;
	/* Blocks 3..5 written back, block 2 lost: orphans beyond a hole. */
	tl_crash(tl, tl_keep_cb, &keep);

	if (f->torn)
		clfs_memdev_inject_torn_write(tl->m, f->nth ?: 1,
					      f->keep_sectors);
	else
		clfs_memdev_inject_write_fault(tl->m, f->nth ?: 1, false);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EIO);
	KUNIT_EXPECT_NULL(test, tl->log);
	if (f->torn)
		clfs_memdev_power_cycle(tl->m, NULL, NULL);
	clfs_memdev_clear_faults(tl->m);

	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 2U * SMALL_RECS);
	tl_info(tl, &info);
	KUNIT_EXPECT_GT(test, info.epoch, epoch);
	KUNIT_EXPECT_EQ(test, info.head_lsn, tl->blks[1].next_lsn);

	/* One block fills the hole; its successor's place holds an orphan. */
	KUNIT_ASSERT_EQ(test, write_small(tl, 1), 0);
	KUNIT_EXPECT_EQ(test, tl_head(tl), orphan);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 3U * SMALL_RECS);
	/* And a crash after recovery, before anything is written. */
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 3U * SMALL_RECS);
	KUNIT_EXPECT_EQ(test, tl_head(tl), orphan);
}

/*
 * Sessions that each write fewer blocks than the one before, crash, and
 * recover: the old blocks beyond the first recovered end never return.
 */
static void clfs_recovery_shorter_sessions_never_resurrect_old_blocks(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .others = true };
	u32 s, base;

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	base = tl->nr_recs;
	/* Session 1: ten blocks after the flush, all written back but #0. */
	KUNIT_ASSERT_EQ(test, write_small(tl, 10), 0);
	keep.first = 2;
	keep.nr = 10;
	keep.mask = 0x3fe;
	tl_crash(tl, tl_keep_cb, &keep);
	reopen(tl);
	KUNIT_ASSERT_EQ(test, tl_verify(tl), base);
	/* Each later session: s blocks, all written back, none flushed. */
	for (s = 1; s <= 5; s++) {
		keep.first = tl->nr_blks;
		keep.nr = s;
		keep.mask = (1ULL << s) - 1;
		KUNIT_ASSERT_EQ(test, write_small(tl, s), 0);
		tl_crash(tl, tl_keep_cb, &keep);
		reopen(tl);
		base += s * SMALL_RECS;
		KUNIT_ASSERT_EQ_MSG(test, tl_verify(tl), base, "session %u", s);
		/* Crash again at once. */
		tl_crash(tl, NULL, NULL);
		reopen(tl);
		KUNIT_ASSERT_EQ(test, tl_verify(tl), base);
	}
}

/* Many sessions with pseudo-random writes, flushes and write-backs. */
static void clfs_recovery_random_crashes_keep_a_durable_prefix(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 4);
	struct tl_keep keep = { .tl = tl };
	struct clfs_log_info info;
	u32 s, n, f, rnd = 12345;

	for (s = 0; s < 40; s++) {
		rnd = rnd * 1103515245 + 12345;
		n = 1 + (rnd >> 16) % 8;
		f = (rnd >> 8) % (n + 1);
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
		/* Keep the log from filling: recycle what is durable. */
		tl_info(tl, &info);
		if (tl->nr_recs &&
		    clfs_lsn_container(info.head_lsn) >
		    clfs_lsn_container(info.recovery_lsn) + 1)
			KUNIT_ASSERT_EQ(test, tl_advance(tl,
					tl->recs[tl->nr_recs - 1].lsn), 0);
	}
	tl_info(tl, &info);
	kunit_info(test, "after 40 sessions: head %#llx, epoch %u\n",
		   info.head_lsn, info.epoch);
}

enum md_op { MD_ACTIVATE, MD_ADVANCE, MD_ADD, MD_REMOVE };

struct md_crash {
	const char *name;
	enum md_op op;
	unsigned int nth;	/* which write of the operation */
	bool torn;
	unsigned int keep_sectors;
};

static const struct md_crash md_crashes[] = {
	{ "activate_first_fails", MD_ACTIVATE, 1, false, 0 },
	{ "activate_first_torn", MD_ACTIVATE, 1, true, 3 },
	{ "activate_second_fails", MD_ACTIVATE, 2, false, 0 },
	{ "activate_second_torn", MD_ACTIVATE, 2, true, 3 },
	{ "activate_then_block_fails", MD_ACTIVATE, 3, false, 0 },
	{ "activate_then_block_torn", MD_ACTIVATE, 3, true, 1 },
	{ "advance_first_fails", MD_ADVANCE, 1, false, 0 },
	{ "advance_first_torn", MD_ADVANCE, 1, true, 5 },
	{ "advance_second_fails", MD_ADVANCE, 2, false, 0 },
	{ "advance_second_torn", MD_ADVANCE, 2, true, 5 },
	{ "add_fails", MD_ADD, 1, false, 0 },
	{ "add_torn", MD_ADD, 1, true, 2 },
	{ "remove_fails", MD_REMOVE, 1, false, 0 },
	{ "remove_torn", MD_REMOVE, 1, true, 2 },
};

static void md_crash_desc(const struct md_crash *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(md_crash, md_crashes, md_crash_desc);

/*
 * A crash in the middle of any metadata change - activating a container
 * (two commits, then its first block), recycling (two commits), adding or
 * removing a container: the log opens with every flushed record, in the
 * state before or after the change, and goes on working.
 */
static void clfs_recovery_crash_in_metadata_change(struct kunit *test)
{
	const struct md_crash *c = test->param_value;
	struct tl *tl = tl_new_log(test, 512, CB, 3, 4);
	struct clfs_log_info a, b;
	u32 slot = 2;
	u64 to = 0;
	int ret;

	tl->block_bytes = 4096;
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, 8), 0);
	if (c->op != MD_ACTIVATE)
		KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 8, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	if (c->op == MD_ADVANCE)
		to = tl->recs[tl->nr_recs - 1].lsn;
	tl_info(tl, &a);

	if (c->torn)
		clfs_memdev_inject_torn_write(tl->m, c->nth, c->keep_sectors);
	else
		clfs_memdev_inject_write_fault(tl->m, c->nth, false);
	switch (c->op) {
	case MD_ACTIVATE:
		ret = tl_write_block(tl, 4, TL_VAR);
		if (c->nth == 3) {
			/* The block write itself failed, after submission. */
			KUNIT_EXPECT_EQ(test, ret, 4);
			ret = tl_flush(tl);
		}
		break;
	case MD_ADVANCE:
		ret = clfs_log_advance_recovery(tl->log, to);
		break;
	case MD_ADD:
		ret = clfs_container_add(tl->log, 1);
		break;
	case MD_REMOVE:
		ret = clfs_container_remove(tl->log, &slot, 1);
		break;
	}
	KUNIT_EXPECT_EQ(test, ret, -EIO);
	tl_info(tl, &b);
	KUNIT_EXPECT_TRUE(test, b.flags & CLFS_LOG_SHUT_DOWN);
	tl_crash(tl, NULL, NULL);
	clfs_memdev_clear_faults(tl->m);

	reopen(tl);
	tl_verify(tl);
	tl_info(tl, &b);
	switch (c->op) {
	case MD_ACTIVATE:
		KUNIT_EXPECT_EQ(test, b.head_lsn,
				clfs_lsn_make(CLFS_CID_FIRST + 1, 0, 0));
		KUNIT_EXPECT_TRUE(test, b.nr_active == 1 || b.nr_active == 2);
		break;
	case MD_ADVANCE:
		KUNIT_EXPECT_TRUE(test, b.recovery_lsn == a.recovery_lsn ||
				  b.recovery_lsn == clfs_lsn_block(to));
		if (b.recovery_lsn == a.recovery_lsn)
			KUNIT_EXPECT_EQ(test, b.nr_active, 2U);
		break;
	case MD_ADD:
		KUNIT_EXPECT_TRUE(test, b.nr_containers == 3 ||
				  b.nr_containers == 4);
		break;
	case MD_REMOVE:
		KUNIT_EXPECT_TRUE(test, b.nr_containers == 3 ||
				  b.nr_containers == 2);
		break;
	}
	/* It goes on: recycle, write across a container, crash, reopen. */
	KUNIT_ASSERT_GT(test, tl->nr_recs, 0U);
	KUNIT_ASSERT_EQ(test, tl_advance(tl, tl->recs[tl->nr_recs - 1].lsn), 0);
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, 8), 0);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 8, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), tl->durable_recs);
}

/* ---- metadata copies ---------------------------------------------------- */

struct md_damage {
	const char *name;
	bool newest;		/* damage the newest copy, else the older */
	u32 offset;		/* where in the copy */
	u32 len;		/* how many bytes of garbage (0: zero it all) */
};

static const struct md_damage md_damages[] = {
	{ "newest_header_garbage", true, 8, 64 },
	{ "newest_container_table", true, 9000, 16 },
	{ "newest_one_byte_of_crc", true, 4, 1 },
	{ "newest_last_byte", true, CLFS_MD_DISK_BYTES - 1, 1 },
	{ "newest_zeroed", true, 0, 0 },
	{ "older_header_garbage", false, 8, 64 },
	{ "older_zeroed", false, 0, 0 },
};

static void md_damage_desc(const struct md_damage *d, char *desc)
{
	strscpy(desc, d->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(md_damage, md_damages, md_damage_desc);

static void damage_copy(struct tl *tl, u32 copy, u32 offset, u32 len)
{
	u8 *junk = tl->data;
	u32 i;

	if (!len) {
		memset(junk, 0, CLFS_MD_COPY_BYTES);
		offset = 0;
		len = CLFS_MD_COPY_BYTES;
	} else {
		for (i = 0; i < len; i++)
			junk[i] = (u8)(0x5a ^ (i * 29));
	}
	KUNIT_ASSERT_EQ(tl->test, clfs_memdev_poke(tl->m,
						   clfs_md_copy_offset(copy) +
						   offset, junk, len), 0);
}

/*
 * One metadata copy is damaged on the medium. The log opens from the
 * other one with every flushed record, including records of sessions
 * newer than that copy, and the next commit repairs the damaged one.
 */
static void clfs_recovery_damaged_md_copy_falls_back_to_the_other(
	struct kunit *test)
{
	const struct md_damage *d = test->param_value;
	struct tl *tl = tl_new_log(test, 512, CB, 3, 3);
	struct clfs_log_info info;
	u32 copy, all;

	tl->block_bytes = 4096;
	/* Session 1 crosses into a second container; session 2 adds more. */
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, 8), 0);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 8, TL_VAR), 0);
	tl_close(tl);
	reopen(tl);
	KUNIT_ASSERT_EQ(test, tl_write(tl, 3, 8, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	all = tl->nr_recs;
	tl_info(tl, &info);
	tl_close(tl);

	copy = clfs_md_copy_of_generation(info.generation + (d->newest ? 0 : 1));
	damage_copy(tl, copy, d->offset, d->len);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), all);
	/* Write on, crash, open again: all good, nothing lost. */
	KUNIT_ASSERT_EQ(test, tl_write(tl, 2, 8, TL_VAR), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	all = tl->nr_recs;
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), all);
	/* Both copies are whole again. */
	tl_close(tl);
	damage_copy(tl, 0, 8, 64);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), all);
	tl_close(tl);
	damage_copy(tl, 1, 8, 64);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), all);
}

/*
 * Media damage on top of a crash. A session opened (new epoch, written to
 * the newest metadata copy), lost its first block and left a later one
 * behind as an orphan, and crashed; then its metadata copy is damaged and
 * the log opens from the other, older copy. The orphan must still never
 * come back: the next session's epoch must be above the orphan's, which
 * the older copy alone cannot tell if it predates that session's epoch.
 */
static void clfs_recovery_damaged_newest_copy_after_crash_keeps_orphans_out(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .first = 2, .nr = 3, .mask = 0x6 };
	struct clfs_log_info info;
	u64 orphan;

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	tl_close(tl);
	/* This session's first block is lost, the next two survive. */
	reopen(tl);
	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	orphan = tl->blks[3].lsn;
	tl_info(tl, &info);
	tl_crash(tl, tl_keep_cb, &keep);
	damage_copy(tl, clfs_md_copy_of_generation(info.generation), 8, 64);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 2U * SMALL_RECS);
	KUNIT_ASSERT_EQ(test, write_small(tl, 1), 0);
	KUNIT_EXPECT_EQ(test, tl_head(tl), orphan);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 3U * SMALL_RECS);
	KUNIT_EXPECT_EQ(test, tl_head(tl), orphan);
}

/* Both copies damaged: the log is refused, clearly, and nothing written. */
static void clfs_recovery_both_md_copies_damaged_is_euclean(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	u64 writes;

	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	tl_close(tl);
	damage_copy(tl, 0, 8, 64);
	damage_copy(tl, 1, 9000, 16);
	writes = device_writes(tl);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), -EUCLEAN);
	/* One garbage, one gone: still corrupt, not "no log". */
	damage_copy(tl, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, device_writes(tl), writes);
	/* Both gone: no log at all. */
	damage_copy(tl, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -ENODATA);
}

static void clfs_recovery_unformatted_device_is_enodata(struct kunit *test)
{
	struct tl *tl = tl_new(test, tl_param_sector(test), TL_MD_AREA + 2 * CB);
	u8 *junk = tl->data;
	u32 i;

	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -ENODATA);
	/* Random data where a log's metadata would be is not a log either. */
	for (i = 0; i < 4096; i++)
		junk[i] = (u8)(i * 131 + 7);
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m, 0, junk, 4096), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(tl->m, CLFS_MD_COPY_BYTES, junk,
					       4096), 0);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -ENODATA);
	KUNIT_EXPECT_EQ(test, device_writes(tl), 0ULL);
}

/*
 * A read error while looking for the end fails the open: the end of a
 * log is never guessed. Once the device reads again, nothing was lost.
 */
static void clfs_recovery_read_error_fails_the_open(struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	u64 writes;

	KUNIT_ASSERT_EQ(test, write_small(tl, 4), 0);
	tl_close(tl);
	writes = device_writes(tl);
	/* In the third block. */
	clfs_memdev_inject_bad_range(tl->m, tl->blks[2].dev_offset, 1);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EIO);
	KUNIT_EXPECT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), -EIO);
	/* In a metadata copy. */
	clfs_memdev_inject_bad_range(tl->m, clfs_md_copy_offset(1) + 512, 1);
	KUNIT_EXPECT_EQ(test, tl_open(tl, 0), -EIO);
	KUNIT_EXPECT_EQ(test, device_writes(tl), writes);
	clfs_memdev_inject_bad_range(tl->m, 0, 0);
	reopen(tl);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 4U * SMALL_RECS);
}

/* ---- where recovery starts, and what it costs --------------------------- */

/*
 * Recovery reads from the recovery start on: after the start moves, the
 * blocks it scans are those written since, however much came before.
 */
static void clfs_recovery_scans_only_from_recovery_lsn(struct kunit *test)
{
	struct tl *tl = new_log(test, 6);
	struct clfs_log_info info;
	u32 before, i;

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_GT(test, tl_fill_container(tl, 4), 0);
	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	before = tl->nr_blks;
	tl_close(tl);
	reopen(tl);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, (u64)before);
	tl_verify(tl);

	/* Nothing before the last block is needed; five more follow it. */
	KUNIT_ASSERT_EQ(test, tl_advance(tl, tl->recs[tl->nr_recs - 1].lsn), 0);
	KUNIT_ASSERT_EQ(test, write_small(tl, 5), 0);
	tl_close(tl);
	reopen(tl);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 6ULL);
	KUNIT_EXPECT_EQ(test, info.recovery_lsn, tl->blks[0].lsn);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 6U * SMALL_RECS);

	/* The same after a crash that loses the unflushed part. */
	KUNIT_ASSERT_EQ(test, write_small(tl, 4), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.recovered_blocks, 6ULL);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 6U * SMALL_RECS);
}

/*
 * A crash with the head in a container that was activated (durably) but
 * whose blocks were all lost: the log ends at its offset 0, and writing
 * resumes there without activating anything again.
 */
static void clfs_recovery_end_at_start_of_activated_container(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 4);
	struct clfs_log_info info;
	u64 start;

	KUNIT_ASSERT_GT(test, tl_fill_container(tl, 4), 0);
	KUNIT_ASSERT_GT(test, tl_fill_container(tl, 4), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	start = tl_head(tl);
	KUNIT_EXPECT_EQ(test, start, clfs_lsn_make(CLFS_CID_FIRST + 2, 0, 0));
	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.nr_active, 3U);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	tl_verify(tl);
	tl_info(tl, &info);
	KUNIT_EXPECT_EQ(test, info.head_lsn, start);
	KUNIT_EXPECT_EQ(test, info.nr_active, 3U);
	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_EXPECT_EQ(test, tl->blks[tl->nr_blks - 2].lsn, start);
	tl_info(tl, &info);
	/* Only the open's epoch commits: nothing to activate. */
	KUNIT_EXPECT_EQ(test, info.md_writes, 2ULL);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	tl_crash(tl, NULL, NULL);
	reopen(tl);
	tl_verify(tl);
	KUNIT_EXPECT_EQ(test, tl_head(tl), tl_last_blk(tl)->next_lsn);
}

/* A read-only open after a crash finds the same log and writes nothing. */
static void clfs_recovery_read_only_open_recovers_without_writing(
	struct kunit *test)
{
	struct tl *tl = new_log(test, 2);
	struct tl_keep keep = { .tl = tl, .first = 2, .nr = 3, .mask = 0x6 };
	struct clfs_log_info a, b;
	u64 writes;

	KUNIT_ASSERT_EQ(test, write_small(tl, 2), 0);
	KUNIT_ASSERT_EQ(test, tl_flush(tl), 0);
	KUNIT_ASSERT_EQ(test, write_small(tl, 3), 0);
	tl_crash(tl, tl_keep_cb, &keep);
	writes = device_writes(tl);
	KUNIT_ASSERT_EQ(test, tl_open(tl, CLFS_OPEN_READ_ONLY), 0);
	tl_info(tl, &a);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 2U * SMALL_RECS);
	tl_close(tl);
	KUNIT_EXPECT_EQ(test, device_writes(tl), writes);
	reopen(tl);
	tl_info(tl, &b);
	KUNIT_EXPECT_EQ(test, b.head_lsn, a.head_lsn);
	KUNIT_EXPECT_EQ(test, b.epoch, a.epoch + 1);
	KUNIT_EXPECT_EQ(test, tl_verify(tl), 2U * SMALL_RECS);
}

static struct kunit_case clfs_recovery_cases[] = {
	KUNIT_CASE_PARAM(clfs_recovery_flushed_records_survive_power_cut,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_unflushed_blocks_written_back_are_kept,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_any_subset_of_unflushed_blocks_is_a_prefix,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_later_block_without_earlier_is_not_recovered,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_torn_last_block_is_rejected,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_out_of_order_completion_is_not_recovered,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_failed_write_ends_the_log,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_last_possible_epoch_refuses_read_write,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_generation_at_its_limit_refuses_read_write,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_base_beyond_a_damaged_block_refuses_read_write,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_end_before_the_epoch_start_refuses_read_write,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_crash_in_epoch_commit_then_open_again,
			 open_fault_gen_params),
	KUNIT_CASE_PARAM(clfs_recovery_shorter_sessions_never_resurrect_old_blocks,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_random_crashes_keep_a_durable_prefix,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_crash_in_metadata_change,
			 md_crash_gen_params),
	KUNIT_CASE_PARAM(clfs_recovery_damaged_md_copy_falls_back_to_the_other,
			 md_damage_gen_params),
	KUNIT_CASE_PARAM(clfs_recovery_damaged_newest_copy_after_crash_keeps_orphans_out,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_both_md_copies_damaged_is_euclean,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_unformatted_device_is_enodata,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_read_error_fails_the_open,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_scans_only_from_recovery_lsn,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_end_at_start_of_activated_container,
			 tl_sector_params),
	KUNIT_CASE_PARAM(clfs_recovery_read_only_open_recovers_without_writing,
			 tl_sector_params),
	{}
};

static struct kunit_suite clfs_recovery_suite = {
	.name = "clfs_recovery",
	.test_cases = clfs_recovery_cases,
};

kunit_test_suites(&clfs_recovery_suite);
