/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs streams: the client-facing layer on top of the physical log.
 *
 *   clfs_stream.c   the stream table: create, open, close, delete, reset
 *   clfs_marshal.c  marshalling areas: a client's block size and buffers
 *   clfs_append.c   reserve-and-append, flush, the background flush
 *   clfs_reserve.c  reservations: space set aside for future records
 *   clfs_read.c     read contexts: records by LSN, forward and along chains
 *   clfs_tail.c     restart areas, base, archive tail, set end of log
 *   clfs_mgmt.c     management clients and the log-full protocol
 *
 * Design notes: docs/streams-design.md. The log keeps one open block at a
 * time (kmod/log/clfs_write.c); this layer decides which stream and which
 * marshalling area it belongs to, under append_lock.
 *
 * Locking, outermost first: table_lock (stream table, open counts), then
 * append_lock (the open block), then the log's own locks. A marshalling
 * area's buf_lock is innermost and taken from block retirement.
 */
#ifndef _CLFS_STREAM_H
#define _CLFS_STREAM_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/clfs.h>
#include "../log/clfs_log.h"

/* How long a non-forced record may wait in an open block, by default. */
#define CLFS_FLUSH_DELAY_MS	100

/**
 * struct clfs_stream_state - what the engine knows of one stream id
 * @open_count: handles from clfs_stream_open()
 * @nr_marshal: marshalling areas on those handles
 * @last_lsn: youngest record appended, or found by recovery
 * @first_lsn: oldest record since the stream began, likewise
 */
struct clfs_stream_state {
	u32 open_count;
	u32 nr_marshal;
	u64 last_lsn;
	u64 first_lsn;
};

/**
 * struct clfs_streams - the stream layer's state of one log
 * @log: the log
 * @table_lock: the stream table and @st
 * @append_lock: @cur and @cur_owner
 * @cur: the log's open block, or NULL
 * @cur_owner: the marshalling area @cur was opened for
 * @flush_work: seals and flushes an open block that waited too long
 * @flush_delay: how long that is, in jiffies
 * @flushing: threads in clfs_flush_to_lsn() waiting for their blocks to
 *	become durable; a forced flush lets the open block fill while there
 *	are any (group commit, clfs_append.c); log->wait is woken at zero
 * @resv: reservations (clfs_reserve.c)
 * @mgmt: management clients and the log-full state (clfs_mgmt.c)
 * @st: per stream id
 */
struct clfs_streams {
	struct clfs_log *log;
	struct mutex table_lock;
	struct mutex append_lock;
	struct clfs_wblk *cur;
	struct clfs_marshal *cur_owner;
	struct delayed_work flush_work;
	unsigned long flush_delay;
	atomic_t flushing;
	struct clfs_resv *resv;
	struct clfs_mgmt *mgmt;
	struct clfs_stream_state st[CLFS_MAX_STREAMS];
};

/**
 * struct clfs_stream - a handle on one stream
 * @log: its log
 * @id: the stream id
 */
struct clfs_stream {
	struct clfs_log *log;
	u32 id;
};

/**
 * struct clfs_marshal - a marshalling area
 * @stream: the stream it appends to and reads from
 * @params: as created, @params.block_bytes rounded up to the sector size
 * @buf_lock: @writing and @reading (taken from block retirement, process
 *	context)
 * @writing: blocks of this area open or being written
 * @reading: read contexts open on this area (clfs_read.c), at most
 *	@params.max_read_buffers unless that is 0
 * @wait: woken when @writing drops
 */
struct clfs_marshal {
	struct clfs_stream *stream;
	struct clfs_marshal_params params;
	spinlock_t buf_lock;
	u32 writing;
	u32 reading;
	wait_queue_head_t wait;
};

/*
 * The oldest LSN the clients still read from, by the metadata: the base;
 * in an archived log the archive tail if older, and nothing (NULL, all of
 * the stream) while the archive tail is unset, since nothing is archived.
 * Records between the archive tail and the base stay readable.
 */
static inline u64 clfs_stream_start(const struct clfs_md *md,
				    const struct clfs_md_stream *st)
{
	u64 start = st->base_lsn;

	if (md->log_flags & CLFS_MD_LOG_ARCHIVED) {
		if (st->archive_tail_lsn == CLFS_LSN_NULL)
			start = CLFS_LSN_NULL;
		else if (st->archive_tail_lsn < start)
			start = st->archive_tail_lsn;
	}
	return start;
}

/* clfs_stream.c */
int clfs_streams_attach(struct clfs_log *log);
void clfs_streams_detach(struct clfs_log *log);
int clfs_streams_seal_stream(struct clfs_streams *ss, u32 stream_id);

/* clfs_reserve.c */
struct clfs_resv;
int clfs_resv_attach(struct clfs_streams *ss);
void clfs_resv_detach(struct clfs_streams *ss);
u32 clfs_resv_charge(const struct clfs_log *log, u64 size);
int clfs_resv_change(struct clfs_streams *ss, u32 stream, u32 nr, s64 *sizes);
void clfs_resv_undo(struct clfs_streams *ss, u32 stream, u32 nr, s64 *sizes);
bool clfs_resv_has(struct clfs_streams *ss, u32 stream, u32 charge);
int clfs_resv_take(struct clfs_streams *ss, u32 stream, u32 charge);
void clfs_resv_drop_stream(struct clfs_streams *ss, u32 stream);
void clfs_resv_query(struct clfs_streams *ss, u32 stream, u64 *bytes,
		     u32 *records);

/* clfs_tail.c */
int clfs_tail_recycle(struct clfs_log *log);
u64 clfs_tail_need(const struct clfs_md *md, const struct clfs_md_stream *st,
		   bool has_records, u64 recovery);

/* clfs_read.c */
int clfs_read_prev_lsn(struct clfs_marshal *m, u64 lsn, u64 *prev);

/* clfs_append.c */
int clfs_append_submit_cur(struct clfs_streams *ss);
void clfs_append_flush_worker(struct work_struct *work);

#endif /* _CLFS_STREAM_H */
