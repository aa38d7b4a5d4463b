/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs log engine: the physical log on one device.
 *
 * A struct clfs_log owns a storage device (kmod/storage) laid out as the
 * on-disk format describes (kmod/format/clfs_format.h): two metadata copies
 * and equal-size containers holding log I/O blocks. The engine's stages
 * live in separate files, in the order of the data's life:
 *
 *   clfs_md_io.c     reading, choosing and committing metadata copies
 *   clfs_log.c       create (format), open, close, query
 *   clfs_recover.c   finding the end of the log when it is opened
 *   clfs_holes.c     the ranges of a stream's LSNs set end of log removed
 *   clfs_blkidx.c    where the blocks start, so client LSNs can be checked
 *   clfs_container.c activating, freeing, adding, removing, scanning
 *   clfs_policy.c    management policies, growth, shrink, set size
 *   clfs_write.c     building blocks, writing them, flushing, shutdown
 *
 * Locking, outermost first:
 *   md_lock    (mutex) the metadata: every change goes through
 *              clfs_md_commit() with it held; the container table changes
 *              only here.
 *   flush_lock (mutex) one device cache flush at a time (group commit).
 *   lock       (spinlock, irq-safe: taken from I/O completion) the write
 *              position, the in-flight list and the flush state.
 */
#ifndef _CLFS_LOG_H
#define _CLFS_LOG_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/clfs.h>
#include "../format/clfs_format_mem.h"
#include "../storage/clfs_storage.h"

struct clfs_wblk;
struct clfs_streams;
struct kvec;

/**
 * struct clfs_blkidx - LSNs of the log's blocks from the recovery start on
 * @lock: protects the fields below
 * @lsn: a ring of @cap entries (a power of two), sorted
 * @cap: its size
 * @first: the ring index of the oldest entry
 * @nr: entries in use
 */
struct clfs_blkidx {
	spinlock_t lock;
	u64 *lsn;
	u32 cap;
	u32 first;
	u32 nr;
};

/* Block buffers a log keeps for reuse (clfs_write.c). */
#define CLFS_SPARE_BUFS	4

/**
 * struct clfs_log - an open log
 * @storage: the device
 * @owns_storage: release @storage on close (opened by target)
 * @shared: in the registry of open logs (clfs_share.c) while @users is
 *	not zero; empty for a log opened on storage by clfs_log_open_on()
 * @share_key: clfs_storage_key() of the target it was opened by
 * @users: references from clfs_log_open() and clfs_log_get(), under the
 *	registry's lock
 * @ro_requested: the first opener asked for read-only: a read-write open
 *	gets -EROFS until it closes
 * @name: for messages
 * @md_lock: serialises metadata changes
 * @md: the metadata as last made durable; changed only under @md_lock, by
 *	clfs_md_commit(); fields fixed at open (geometry, uuid, epoch) may be
 *	read without the lock
 * @md_next: scratch for the next metadata generation, under @md_lock
 * @md_buf: CLFS_MD_COPY_BYTES for encoding a copy, under @md_lock
 * @crc_seed: block crc seed derived from the uuid
 * @read_only: no block or metadata is ever written
 * @recovered_blocks: valid blocks the open-time scan found
 * @stream_last: per stream id, the youngest record the open-time scan found
 *	(CLFS_LSN_NULL if none); the stream layer takes it from there
 * @stream_first: likewise, the oldest
 * @blkidx: where the blocks from the recovery start to the head start
 * @hole_lock: protects @holes
 * @holes: struct clfs_hole, the stream ranges set end of log removed
 * @streams: the stream layer's state (kmod/stream), NULL until it attaches
 * @held_containers: free containers held back for reservations (under
 *	md_lock); only an append that uses a reservation may activate one of
 *	them (kmod/stream/clfs_reserve.c)
 * @lock: protects the fields below
 * @open_blk: the block being filled, at most one (see clfs_write.c)
 * @head_lsn: where the next block to be submitted starts: @open_blk's
 *	position while one is open
 * @inflight: submitted blocks not yet completed, in LSN order
 * @completed_lsn: every block before this position has completed
 * @durable_lsn: every block before this position is durable
 * @shutdown: 0, or the error that shut the log down
 * @nr_inflight: block writes submitted and not yet completed
 * @stats: counters for queries (grown and shrunk: containers added and
 *	removed by the policies, under md_lock)
 * @copied_bytes: client bytes copied into clfs memory (clfs_log_count_copy())
 * @wait: woken when @open_blk, @completed_lsn, @durable_lsn or @shutdown
 *	change
 * @flush_lock: one cache flush at a time
 * @spare_lock: @nr_spare, @spare_bytes and @spare
 * @nr_spare: block buffers of @spare_bytes kept for the next blocks
 *	(clfs_write.c)
 * @spare_bytes: their size
 * @spare: the buffers
 * @wq: runs @complete_work; WQ_MEM_RECLAIM, as log I/O must progress
 *	under memory pressure
 * @seal_wq: runs the crc and write of full blocks (clfs_wblk_submit_async())
 * @complete_work: retires completed blocks in LSN order
 */
struct clfs_log {
	struct clfs_storage *storage;
	bool owns_storage;
	struct list_head shared;
	char share_key[CLFS_STORAGE_KEY_MAX];
	u32 users;
	bool ro_requested;
	char name[32];

	struct mutex md_lock;
	struct clfs_md *md;
	struct clfs_md *md_next;
	void *md_buf;
	u32 crc_seed;
	bool read_only;
	u64 recovered_blocks;
	u64 *stream_last;
	u64 *stream_first;
	struct clfs_blkidx blkidx;
	spinlock_t hole_lock;
	struct list_head holes;
	struct clfs_streams *streams;
	u32 held_containers;

	spinlock_t lock;
	struct clfs_wblk *open_blk;
	u64 head_lsn;
	struct list_head inflight;
	u32 nr_inflight;
	u64 completed_lsn;
	u64 durable_lsn;
	int shutdown;
	struct {
		u64 blocks_written;
		u64 bytes_written;
		u64 records_written;
		u64 record_bytes;
		u64 inflight_sum;
		u64 inflight_max;
		u64 flushes;
		u64 md_writes;
		u64 grown;
		u64 shrunk;
	} stats;
	atomic64_t copied_bytes;
	wait_queue_head_t wait;

	struct mutex flush_lock;
	spinlock_t spare_lock;
	u32 nr_spare;
	u32 spare_bytes;
	void *spare[CLFS_SPARE_BUFS];
	struct workqueue_struct *wq;
	struct workqueue_struct *seal_wq;
	struct work_struct complete_work;
};

/* clfs_md_io.c */
int clfs_md_read(struct clfs_storage *s, struct clfs_md *md, const char *name);
int clfs_md_commit(struct clfs_log *log);
int clfs_md_write_copy(struct clfs_storage *s, const struct clfs_md *md,
		       void *buf);

/* kmod/stream/clfs_stream.c: the layer above, attached at open. */
int clfs_streams_attach(struct clfs_log *log);
void clfs_streams_detach(struct clfs_log *log);

/* clfs_log.c: the engine's own entry points, on any storage. */
int clfs_log_create_on(struct clfs_storage *s,
		       const struct clfs_log_params *params);
struct clfs_log *clfs_log_open_on(struct clfs_storage *s, unsigned int flags);
void clfs_log_release(struct clfs_log *log);

/* clfs_share.c: references on a shared log, besides clfs_log_open/close. */
int clfs_log_get(struct clfs_log *log, unsigned int flags);
u32 clfs_log_users(struct clfs_log *log);
int clfs_log_check_writable(struct clfs_log *log);
void clfs_log_count_copy(struct clfs_log *log, u64 bytes);

/* clfs_recover.c */
int clfs_recover(struct clfs_log *log, u64 *end_lsn, u32 *max_epoch);
int clfs_recover_check_end(const struct clfs_log *log, u64 end_lsn);
int clfs_log_zoned_end(struct clfs_log *log, u64 *end_lsn, u64 *seal_lsn);
int clfs_log_read_block(struct clfs_log *log, u64 lsn, void *buf, u32 len,
			struct clfs_blk *blk);

/* clfs_blkidx.c */
void clfs_blkidx_init(struct clfs_blkidx *x);
void clfs_blkidx_free(struct clfs_blkidx *x);
int clfs_blkidx_reserve(struct clfs_blkidx *x);
u32 clfs_blkidx_tag(const struct clfs_blk *blk);
int clfs_blkidx_add(struct clfs_blkidx *x, u64 lsn, u32 tag);
bool clfs_blkidx_has(struct clfs_blkidx *x, u64 lsn);
bool clfs_blkidx_find_stream(struct clfs_blkidx *x, u64 from, u32 stream,
			     u64 *lsn);
void clfs_blkidx_trim(struct clfs_blkidx *x, u64 below);

/* clfs_holes.c */
struct clfs_hole;
struct clfs_hole *clfs_hole_alloc(void);
void clfs_holes_insert(struct clfs_log *log, struct clfs_hole *h, u32 stream,
		       u64 from, u64 to);
bool clfs_holes_find(struct clfs_log *log, u32 stream, u64 lsn, u64 *to);
void clfs_holes_forget(struct clfs_log *log, u32 stream, u64 below);
u32 clfs_holes_count(struct clfs_log *log, u32 stream);
void clfs_holes_free(struct clfs_log *log);

/* clfs_container.c */
int clfs_container_activate_next(struct clfs_log *log, u32 cid, bool use_held);
int clfs_log_advance_recovery(struct clfs_log *log, u64 lsn);

/* clfs_policy.c */
u32 clfs_md_count(const struct clfs_md *md, u32 state);
u32 clfs_log_usable_free(const struct clfs_log *log, const struct clfs_md *md);
u32 clfs_policy_min(const struct clfs_md *md);
u32 clfs_policy_max(const struct clfs_md *md);
u32 clfs_policy_tail_target(const struct clfs_md *md);
int clfs_log_auto_grow(struct clfs_log *log);
int clfs_log_auto_shrink(struct clfs_log *log);

/*
 * kmod/stream/clfs_mgmt.c: tell the management layer that the log's space
 * or tails changed (0), that the writer took the last free container
 * (CLFS_KICK_SHORT) or that an append found none (CLFS_KICK_FULL); may be
 * called with any clfs lock held.
 */
#define CLFS_KICK_SHORT		(1U << 0)
#define CLFS_KICK_FULL		(1U << 1)
void clfs_mgmt_kick(struct clfs_log *log, unsigned int why);

/* clfs_write.c */
struct clfs_wblk *clfs_wblk_open(struct clfs_log *log, u16 stream_id,
				 u32 max_bytes);
/* clfs_wblk_open_buf() flags */
#define CLFS_WBLK_USE_HELD	(1U << 0) /* may activate a held container */
#define CLFS_WBLK_TRUNCATE	(1U << 1) /* a truncation block (set end of log) */

struct clfs_wblk *clfs_wblk_open_buf(struct clfs_log *log, u16 stream_id,
				     u32 max_bytes,
				     void *(*alloc)(size_t bytes, void *ctx),
				     void (*free)(void *buf, void *ctx),
				     void *ctx, unsigned int flags);
int clfs_wblk_add(struct clfs_wblk *b, u32 type, u64 prev_lsn,
		  u64 undo_next_lsn, const void *data, u32 data_bytes,
		  u64 *lsn);
u32 clfs_gather_bytes(const struct kvec *vec, u32 nr, u32 align);
int clfs_wblk_add_vec(struct clfs_wblk *b, u32 type, u64 prev_lsn,
		      u64 undo_next_lsn, const struct kvec *vec, u32 nr,
		      u32 align, u64 *lsn);
void clfs_wblk_set_retire(struct clfs_wblk *b, void (*fn)(void *arg),
			  void *arg);
u32 clfs_wblk_records(const struct clfs_wblk *b);
bool clfs_wblk_closes_container(const struct clfs_wblk *b);
void clfs_wblk_copy(const struct clfs_wblk *b, void *buf, struct clfs_blk *blk);
int clfs_log_wait_completed(struct clfs_log *log, u64 lsn);
u64 clfs_wblk_lsn(const struct clfs_wblk *b);
int clfs_wblk_submit(struct clfs_wblk *b);
int clfs_wblk_submit_async(struct clfs_wblk *b);
void clfs_wblk_abort(struct clfs_wblk *b);
int clfs_log_flush(struct clfs_log *log, u64 lsn);
void clfs_log_shutdown(struct clfs_log *log, int err);
int clfs_log_init_writer(struct clfs_log *log, u64 end_lsn);
void clfs_log_stop_writer(struct clfs_log *log);

#endif /* _CLFS_LOG_H */
