/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the KUnit suites of the log engine ("clfs_log" and
 * "clfs_recovery"): a log on an in-memory device, a writer that appends
 * records with a deterministic pattern and remembers what it wrote (the
 * model), and a verifier that reads the log back and checks it against
 * the model.
 *
 * The model is the list of records and blocks written, in LSN order, and
 * how many of them a successful flush made durable. After a (re)open,
 * tl_verify() reads every block from the recovery start to the head and
 * checks that the records found are exactly the first records of the
 * model - a prefix, never a hole followed by data - byte for byte, with
 * their LSNs, back-pointers and types, and at least every durable one;
 * it then cuts the model to what was found, as the log has.
 */
#ifndef _CLFS_LOG_TEST_UTIL_H
#define _CLFS_LOG_TEST_UTIL_H

#include <kunit/test.h>
#include <linux/clfs.h>
#include "log/clfs_log.h"
#include "storage/clfs_storage.h"
#include "storage/clfs_memdev.h"

/* Device bytes before the first container slot. */
#define TL_MD_AREA		((u64)CLFS_MD_AREA_BYTES)
/* tl_write_block() data size: varied, from the record's sequence number. */
#define TL_VAR			U32_MAX
/* Largest varied record, so that several fit a small block. */
#define TL_VAR_MAX		200U

/**
 * struct tl_rec - one record the test appended
 * @lsn: its LSN
 * @prev_lsn: its previous LSN
 * @undo_next_lsn: its undo-next LSN
 * @type: CLFS_REC_DATA or CLFS_REC_RESTART
 * @data_bytes: client bytes
 * @seq: pattern seed of the client bytes (unique per record)
 */
struct tl_rec {
	u64 lsn;
	u64 prev_lsn;
	u64 undo_next_lsn;
	u32 type;
	u32 data_bytes;
	u32 seq;
};

/**
 * struct tl_blk - one block the test submitted
 * @lsn: its LSN
 * @next_lsn: where the block after it starts
 * @dev_offset: where it was written on the device
 * @first_rec: index of its first record in the model
 * @nr_recs: records in it (0 for a header-only block)
 */
struct tl_blk {
	u64 lsn;
	u64 next_lsn;
	u64 dev_offset;
	u32 first_rec;
	u32 nr_recs;
};

/**
 * struct tl - a log on an in-memory device, and the model of its contents
 * @test: the running case
 * @m: the device
 * @s: its storage
 * @log: the open log, or NULL
 * @open: a block the case holds open, aborted by the cleanup
 * @sector: sector size
 * @container_bytes: container size the device was formatted with
 * @block_bytes: block size tl_write_block() asks for
 * @recs: the records written, in LSN order
 * @nr_recs: entries in @recs
 * @cap_recs: room in @recs
 * @blks: the blocks written, in LSN order
 * @nr_blks: entries in @blks
 * @cap_blks: room in @blks
 * @durable_recs: the first @durable_recs records are durable
 * @next_seq: pattern seed of the next record
 * @buf: CLFS_BLK_MAX_BYTES for reading blocks
 * @data: CLFS_BLK_MAX_BYTES for building and checking record data
 */
struct tl {
	struct kunit *test;
	struct clfs_memdev *m;
	struct clfs_storage *s;
	struct clfs_log *log;
	struct clfs_wblk *open;
	unsigned int sector;
	u64 container_bytes;
	u32 block_bytes;
	struct tl_rec *recs;
	u32 nr_recs;
	u32 cap_recs;
	struct tl_blk *blks;
	u32 nr_blks;
	u32 cap_blks;
	u32 durable_recs;
	u32 next_seq;
	u8 *buf;
	u8 *data;
};

const void *tl_sector_params(const void *prev, char *desc);
unsigned int tl_param_sector(struct kunit *test);

struct tl *tl_new(struct kunit *test, unsigned int sector, u64 dev_bytes);
struct tl *tl_new_log(struct kunit *test, unsigned int sector,
		      u64 container_bytes, u32 nr_containers, u32 nr_slots);
int tl_format(struct tl *tl, u64 container_bytes, u32 nr_containers,
	      u32 flags);
int tl_open(struct tl *tl, unsigned int flags);
void tl_close(struct tl *tl);
void tl_crash(struct tl *tl,
	      bool (*keep)(void *arg, const struct clfs_memdev_write *w),
	      void *arg);
void tl_info(struct tl *tl, struct clfs_log_info *info);
u64 tl_head(struct tl *tl);
struct clfs_memdev_stats tl_stats(struct tl *tl);

void tl_fill(void *buf, u32 len, u32 seq);
int tl_write_block(struct tl *tl, u32 nr_records, u32 data_bytes);
int tl_write(struct tl *tl, u32 nr_blocks, u32 recs_per_block,
	     u32 data_bytes);
int tl_fill_container(struct tl *tl, u32 recs_per_block);
int tl_flush(struct tl *tl);
int tl_advance(struct tl *tl, u64 lsn);
const struct tl_blk *tl_last_blk(struct tl *tl);
u32 tl_blk_index(struct tl *tl, u64 lsn);

u32 tl_verify(struct tl *tl);
int tl_check_block(struct tl *tl, u64 lsn, u32 *first_rec);

/*
 * A power cycle's keep callback (struct tl_keep as @arg): keeps the
 * unflushed write of model block @first + j (j < @nr) if bit j of @mask is
 * set, and any other unflushed write if @others; with @completed_only, a
 * write whose completion had not run is never kept.
 */
struct tl_keep {
	const struct tl *tl;
	u32 first;
	u32 nr;
	u64 mask;
	bool others;
	bool completed_only;
};

bool tl_keep_cb(void *arg, const struct clfs_memdev_write *w);

#endif /* _CLFS_LOG_TEST_UTIL_H */
