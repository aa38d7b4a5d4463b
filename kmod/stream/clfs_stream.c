// SPDX-License-Identifier: GPL-2.0
/*
 * clfs stream table: creating, opening, closing, deleting and resetting
 * streams.
 *
 * A dedicated log has exactly stream 0, from the moment it is formatted. A
 * multiplexed log has up to CLFS_MAX_STREAMS, all sharing its containers.
 * A stream begins at its created_lsn: blocks of the same id below it
 * belong to an earlier stream of that id (deleted) or to the stream before
 * a reset, and are never read as this stream's. Every table change is a
 * metadata commit, durable on return.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include "clfs_stream.h"
#include "clfs_mgmt.h"

/**
 * clfs_streams_attach() - set up the stream layer of a freshly opened log
 * @log: the log, recovered
 *
 * Return: 0 or -ENOMEM.
 */
int clfs_streams_attach(struct clfs_log *log)
{
	struct clfs_streams *ss;
	u32 i;

	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	if (!ss)
		return -ENOMEM;
	ss->log = log;
	mutex_init(&ss->table_lock);
	mutex_init(&ss->append_lock);
	INIT_DELAYED_WORK(&ss->flush_work, clfs_append_flush_worker);
	ss->flush_delay = msecs_to_jiffies(CLFS_FLUSH_DELAY_MS);
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		ss->st[i].last_lsn = max(log->stream_last[i],
					 log->md->streams[i].last_lsn);
		ss->st[i].first_lsn = log->stream_first[i];
	}
	if (clfs_resv_attach(ss)) {
		kfree(ss);
		return -ENOMEM;
	}
	if (clfs_mgmt_attach(ss)) {
		clfs_resv_detach(ss);
		kfree(ss);
		return -ENOMEM;
	}
	log->streams = ss;
	return 0;
}

/**
 * clfs_streams_detach() - write out the open block and tear down
 * @log: the log being closed; no stream handle may be open
 */
void clfs_streams_detach(struct clfs_log *log)
{
	struct clfs_streams *ss = log->streams;
	u32 i;

	if (!ss)
		return;
	cancel_delayed_work_sync(&ss->flush_work);
	mutex_lock(&ss->append_lock);
	clfs_append_submit_cur(ss);
	mutex_unlock(&ss->append_lock);
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		WARN_ONCE(ss->st[i].open_count,
			  "clfs: %s: stream %u still open at log close\n",
			  log->name, i);
	clfs_mgmt_detach(ss);
	log->streams = NULL;
	clfs_resv_detach(ss);
	kfree(ss);
}

/**
 * clfs_streams_seal_stream() - write out the open block if it is a stream's
 * @ss: the stream layer
 * @stream_id: the stream
 *
 * Return: 0, or the error of the submission (-EIO after shutdown).
 */
int clfs_streams_seal_stream(struct clfs_streams *ss, u32 stream_id)
{
	int ret = 0;

	mutex_lock(&ss->append_lock);
	if (ss->cur && ss->cur_owner->stream->id == stream_id)
		ret = clfs_append_submit_cur(ss);
	mutex_unlock(&ss->append_lock);
	return ret;
}

static u64 clfs_streams_head(struct clfs_log *log)
{
	u64 head;

	spin_lock_irq(&log->lock);
	head = log->head_lsn;
	spin_unlock_irq(&log->lock);
	return head;
}

/* Commit stream @id as a new, empty stream beginning at the log head. */
static int clfs_stream_begin(struct clfs_streams *ss, u32 id)
{
	struct clfs_log *log = ss->log;
	struct clfs_md_stream *st;
	int ret;

	/*
	 * created_lsn must be a position the log never writes below again,
	 * even after a crash. A block submitted before it and still in
	 * flight (another stream's, or this id's earlier records) is not
	 * covered by the commit's PREFLUSH: a crash that lost it would end
	 * the log there, and this stream's next records would get LSNs below
	 * its own created_lsn - not read as its own, and refused as its
	 * restart LSN by the format. So every submitted block is made
	 * durable first, under append_lock so that none is submitted before
	 * the commit.
	 */
	mutex_lock(&ss->append_lock);
	if (ss->cur && ss->cur_owner->stream->id == id)
		ret = clfs_append_submit_cur(ss);
	else
		ret = 0;
	if (!ret)
		ret = clfs_log_flush(log, CLFS_LSN_INVALID);
	if (ret)
		goto out;
	mutex_lock(&log->md_lock);
	memcpy(log->md_next, log->md, sizeof(*log->md_next));
	st = &log->md_next->streams[id];
	memset(st, 0, sizeof(*st));
	st->state = CLFS_STREAM_ACTIVE;
	st->created_lsn = clfs_streams_head(log);
	ret = clfs_md_commit(log);
	mutex_unlock(&log->md_lock);
	if (!ret) {
		ss->st[id].last_lsn = CLFS_LSN_NULL;
		ss->st[id].first_lsn = CLFS_LSN_NULL;
		clfs_resv_drop_stream(ss, id);
		clfs_holes_forget(log, id, U64_MAX);
	}
out:
	mutex_unlock(&ss->append_lock);
	return ret;
}

static bool clfs_log_multiplexed(const struct clfs_log *log)
{
	return log->md->log_flags & CLFS_MD_LOG_MULTIPLEXED;
}

/**
 * clfs_stream_create() - add a stream to a multiplexed log
 * @log: the log
 * @stream_id: receives the new stream's id, the lowest unused one
 *
 * Return: 0; -EINVAL on a dedicated log (it has exactly stream 0);
 * -ENOSPC if all CLFS_MAX_STREAMS ids are in use; -EROFS; -EIO.
 */
int clfs_stream_create(struct clfs_log *log, u32 *stream_id)
{
	struct clfs_streams *ss = log->streams;
	u32 id;
	int ret = -ENOSPC;

	if (!clfs_log_multiplexed(log))
		return -EINVAL;
	mutex_lock(&ss->table_lock);
	for (id = 0; id < CLFS_MAX_STREAMS; id++) {
		if (log->md->streams[id].state == CLFS_STREAM_NONE) {
			ret = clfs_stream_begin(ss, id);
			break;
		}
	}
	mutex_unlock(&ss->table_lock);
	if (!ret)
		*stream_id = id;
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_stream_create);

/**
 * clfs_stream_open() - get a handle on a stream
 * @log: the log
 * @stream_id: an existing stream (0 in a dedicated log)
 *
 * Return: the handle, or an ERR_PTR: -ENOENT for no such stream, -ENOMEM.
 */
struct clfs_stream *clfs_stream_open(struct clfs_log *log, u32 stream_id)
{
	struct clfs_streams *ss = log->streams;
	struct clfs_stream *s;

	if (stream_id >= CLFS_MAX_STREAMS)
		return ERR_PTR(-ENOENT);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&ss->table_lock);
	if (log->md->streams[stream_id].state != CLFS_STREAM_ACTIVE) {
		mutex_unlock(&ss->table_lock);
		kfree(s);
		return ERR_PTR(-ENOENT);
	}
	ss->st[stream_id].open_count++;
	mutex_unlock(&ss->table_lock);
	s->log = log;
	s->id = stream_id;
	return s;
}
EXPORT_SYMBOL_GPL(clfs_stream_open);

/**
 * clfs_stream_close() - drop a stream handle
 * @s: the handle; its marshalling areas must have been deleted
 */
void clfs_stream_close(struct clfs_stream *s)
{
	struct clfs_streams *ss;

	if (!s)
		return;
	ss = s->log->streams;
	mutex_lock(&ss->table_lock);
	ss->st[s->id].open_count--;
	mutex_unlock(&ss->table_lock);
	kfree(s);
}
EXPORT_SYMBOL_GPL(clfs_stream_close);

/**
 * clfs_stream_delete() - remove a stream of a multiplexed log
 * @log: the log
 * @stream_id: the stream; nobody may have it open
 *
 * Its records are forgotten; its id can be created again, and the new
 * stream never sees them.
 *
 * Return: 0; -EINVAL on a dedicated log; -ENOENT for no such stream;
 * -EBUSY while a handle is open; -EROFS; -EIO.
 */
int clfs_stream_delete(struct clfs_log *log, u32 stream_id)
{
	struct clfs_streams *ss = log->streams;
	int ret;

	if (!clfs_log_multiplexed(log))
		return -EINVAL;
	if (stream_id >= CLFS_MAX_STREAMS)
		return -ENOENT;
	mutex_lock(&ss->table_lock);
	ret = -ENOENT;
	if (log->md->streams[stream_id].state != CLFS_STREAM_ACTIVE)
		goto out;
	ret = -EBUSY;
	if (ss->st[stream_id].open_count)
		goto out;
	ret = clfs_streams_seal_stream(ss, stream_id);
	if (ret)
		goto out;
	mutex_lock(&log->md_lock);
	memcpy(log->md_next, log->md, sizeof(*log->md_next));
	memset(&log->md_next->streams[stream_id], 0,
	       sizeof(log->md_next->streams[stream_id]));
	ret = clfs_md_commit(log);
	mutex_unlock(&log->md_lock);
	if (!ret) {
		ss->st[stream_id].last_lsn = CLFS_LSN_NULL;
		ss->st[stream_id].first_lsn = CLFS_LSN_NULL;
		clfs_resv_drop_stream(ss, stream_id);
		clfs_holes_forget(log, stream_id, U64_MAX);
		/*
		 * The containers only this stream held can go now. The delete
		 * is durable whatever happens next: a failed recycle has shut
		 * the log down, and the next call reports that.
		 */
		clfs_tail_recycle(log);
	}
out:
	mutex_unlock(&ss->table_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_stream_delete);

/**
 * clfs_stream_reset() - forget every record of a stream
 * @s: the stream
 *
 * The stream starts again, empty, at the log head: base, last and restart
 * LSNs become NULL, and no earlier record of it can be read. Only the one
 * client holding the stream may reset it: records another client is
 * appending or reading would vanish under it.
 *
 * Return: 0; -EBUSY while another handle on the stream is open; -EROFS;
 * -EIO.
 */
int clfs_stream_reset(struct clfs_stream *s)
{
	struct clfs_streams *ss = s->log->streams;
	int ret;

	mutex_lock(&ss->table_lock);
	ret = -EBUSY;
	if (ss->st[s->id].open_count == 1)
		ret = clfs_stream_begin(ss, s->id);
	/* The containers only its old records held can go (see delete). */
	if (!ret)
		clfs_tail_recycle(s->log);
	mutex_unlock(&ss->table_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_stream_reset);

/**
 * clfs_stream_query() - describe a stream
 * @s: the stream
 * @info: filled in; reserved fields zeroed
 *
 * Return: 0.
 */
int clfs_stream_query(struct clfs_stream *s, struct clfs_stream_info *info)
{
	struct clfs_log *log = s->log;
	const struct clfs_md_stream *st;
	u64 start;

	memset(info, 0, sizeof(*info));
	info->stream_id = s->id;
	mutex_lock(&log->md_lock);
	st = &log->md->streams[s->id];
	info->created_lsn = st->created_lsn;
	info->base_lsn = st->base_lsn;
	info->archive_tail_lsn = st->archive_tail_lsn;
	info->restart_lsn = st->restart_lsn;
	start = clfs_stream_start(log->md, st);
	mutex_unlock(&log->md_lock);
	mutex_lock(&log->streams->append_lock);
	info->last_lsn = log->streams->st[s->id].last_lsn;
	/* Where a forward read of everything still kept begins. */
	info->first_lsn = start ?: log->streams->st[s->id].first_lsn;
	mutex_unlock(&log->streams->append_lock);
	spin_lock_irq(&log->lock);
	info->flushed_lsn = log->durable_lsn;
	spin_unlock_irq(&log->lock);
	clfs_resv_query(log->streams, s->id, &info->reserved_bytes,
			&info->reserved_records);
	clfs_mgmt_stream_state(log->streams, s->id, &info->mgmt_flags,
			       &info->tail_request_lsn);
	return 0;
}
EXPORT_SYMBOL_GPL(clfs_stream_query);
