/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the KUnit suites of the stream layer's tails
 * ("clfs_tail", "clfs_truncate"): a log on the in-memory device with up
 * to TT_STREAMS stream handles (closed before the log is), appends with
 * a pattern the cases can check, and readers that go to the blocks
 * directly (clfs_log_read_block() and the record iterator), independently
 * of the read API.
 */
#ifndef _CLFS_TAIL_TEST_UTIL_H
#define _CLFS_TAIL_TEST_UTIL_H

#include <kunit/test.h>
#include <linux/sizes.h>
#include "stream/clfs_stream.h"
#include "log_test_util.h"

#define CB		SZ_64K	/* container size */
#define TT_STREAMS	3	/* stream handles a case may hold */
#define TT_BLOCK	4096	/* marshalling area block size */

/**
 * struct tt_rec - a record a case appended
 * @lsn: its LSN
 * @seq: pattern seed of its bytes
 * @len: its size
 */
struct tt_rec {
	u64 lsn;
	u32 seq;
	u32 len;
};

/**
 * struct tt - a log with stream handles, closed before the log is
 * @tl: the device and log (log_test_util.h)
 * @s: stream handles, or NULL
 * @m: a marshalling area on each
 * @id: the stream id of each
 * @seq: next pattern seed
 */
struct tt {
	struct tl *tl;
	struct clfs_stream *s[TT_STREAMS];
	struct clfs_marshal *m[TT_STREAMS];
	u32 id[TT_STREAMS];
	u32 seq;
};

void tt_close_all(struct tt *tt);
struct tt *tt_new(struct kunit *test, unsigned int sector, u32 nr,
		  u32 flags);
struct tt *tt_new_slots(struct kunit *test, unsigned int sector, u32 nr,
			u32 slots, u32 flags);
struct clfs_log *tt_log(struct tt *tt);
void tt_open(struct tt *tt, u32 i, u32 id);
void tt_create(struct tt *tt, u32 i);
void tt_reopen(struct tt *tt);
void tt_crash_reopen(struct tt *tt);
int tt_append(struct tt *tt, u32 i, u32 len, u32 flags,
	      struct tt_rec *r);
void tt_append_n(struct tt *tt, u32 i, u32 n, struct tt_rec *r);
int tt_restart(struct tt *tt, u32 i, const char *text, u64 new_base,
	       u64 *lsn);
void tt_query(struct tt *tt, u32 i, struct clfs_stream_info *info);
int tt_read(struct tt *tt, u64 lsn, struct clfs_rec *rec, u32 *stream);
u32 tt_walk(struct tt *tt, u32 id, u64 from, const struct tt_rec *r,
	    u32 n);

#endif /* _CLFS_TAIL_TEST_UTIL_H */
