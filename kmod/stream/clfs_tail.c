// SPDX-License-Identifier: GPL-2.0
/*
 * clfs tails: restart areas, the base and the archive tail of a stream,
 * set end of log, and recycling the containers nobody needs any more.
 *
 * Each operation is validate, make durable, commit, recycle:
 *  - validate: an LSN the stream's metadata will name must be a real
 *    record of the stream, read back from its block (or found in the open
 *    block), so that the log's recovery start, which these LSNs become,
 *    is always the start of a block on the log's chain;
 *  - make durable: the record is flushed before the metadata names it.
 *    A base or archive tail beyond the durable records would be harmless
 *    for the records below it, but after a crash the log would resume
 *    writing below the LSNs its own metadata names, and the stream's next
 *    records would come out below its base and last;
 *  - commit: one metadata commit is the atomic point. After a crash the
 *    stream has either its old restart area, base and archive tail or its
 *    new ones, never a mix;
 *  - recycle: only after that commit is durable (SPEC guarantee 5), the
 *    log's recovery start moves to what every stream still needs, and
 *    clfs_log_advance_recovery() frees the containers wholly before it.
 *
 * All of it runs under the stream layer's table_lock, so tail changes of
 * a log, and stream creation, reset and deletion, are serialised: a
 * restart area's prev_lsn is always the restart LSN committed just before
 * it, and what recycling computes cannot be undone by a concurrent change
 * before it commits. Appends are not blocked: they only add records at the
 * head, beyond anything recycling frees.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "clfs_stream.h"

/* A stream's tail LSNs as last committed. */
struct clfs_tail_snap {
	u64 created;
	u64 base;
	u64 archive_tail;
	u64 restart;
	u64 recovery;
};

static void clfs_tail_snapshot(struct clfs_log *log, u32 id,
			       struct clfs_tail_snap *t)
{
	const struct clfs_md_stream *st;

	mutex_lock(&log->md_lock);
	st = &log->md->streams[id];
	t->created = st->created_lsn;
	t->base = st->base_lsn;
	t->archive_tail = st->archive_tail_lsn;
	t->restart = st->restart_lsn;
	t->recovery = log->md->recovery_lsn;
	mutex_unlock(&log->md_lock);
}

static u64 clfs_tail_last(struct clfs_streams *ss, u32 id)
{
	u64 last;

	mutex_lock(&ss->append_lock);
	last = ss->st[id].last_lsn;
	mutex_unlock(&ss->append_lock);
	return last;
}

static bool clfs_tail_format_error(int err)
{
	return err == -ENODATA || err == -EUCLEAN || err == -ESTALE ||
	       err == -ENOENT || err == -EINVAL;
}

/*
 * Is @lsn a record of stream @id (begun at @created), not truncated away?
 * The open block is looked at in memory; any other block is read back,
 * after its write completed. Returns 0, -ENOENT, or -EIO/-ENOMEM/-EINTR.
 */
static int clfs_tail_check_record(struct clfs_log *log, u32 id, u64 lsn,
				  u64 created)
{
	struct clfs_streams *ss = log->streams;
	u64 blk = clfs_lsn_block(lsn);
	u32 idx = clfs_lsn_record_index(lsn);
	struct clfs_blk hdr;
	void *buf;
	int ret;

	if (clfs_holes_find(log, id, lsn, NULL))
		return -ENOENT;
	mutex_lock(&ss->append_lock);
	if (ss->cur && clfs_wblk_lsn(ss->cur) == blk) {
		ret = ss->cur_owner->stream->id == id &&
		      idx < clfs_wblk_records(ss->cur) ? 0 : -ENOENT;
		mutex_unlock(&ss->append_lock);
		return ret;
	}
	mutex_unlock(&ss->append_lock);

	/* -EINVAL: not in a submitted block, so no block starts there. */
	ret = clfs_log_wait_completed(log, blk);
	if (ret)
		return ret == -EINVAL ? -ENOENT : ret;
	buf = kvmalloc(CLFS_BLK_MAX_BYTES, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = clfs_log_read_block(log, blk, buf, CLFS_BLK_MAX_BYTES, &hdr);
	kvfree(buf);
	if (ret)
		return clfs_tail_format_error(ret) ? -ENOENT : ret;
	/* Blocks of this id below created_lsn are an earlier stream's. */
	if (hdr.stream_id != id || hdr.lsn < created ||
	    hdr.flags & CLFS_BLK_F_TRUNCATE || idx >= hdr.nr_records)
		return -ENOENT;
	return 0;
}

/*
 * The checks every LSN a tail operation commits goes through: valid,
 * not before @floor (the current value, or the stream's start) nor the
 * log's recovery start, not after the stream's last record, and a record
 * of the stream.
 */
static int clfs_tail_check_lsn(struct clfs_stream *s, u64 lsn, u64 floor,
			       const struct clfs_tail_snap *t)
{
	struct clfs_log *log = s->log;
	u64 last;

	if (!clfs_lsn_is_valid(lsn))
		return -EINVAL;
	if (lsn < floor || lsn < t->created ||
	    clfs_lsn_block(lsn) < t->recovery)
		return -ERANGE;
	last = clfs_tail_last(log->streams, s->id);
	if (last == CLFS_LSN_NULL || lsn > last)
		return -EINVAL;
	return clfs_tail_check_record(log, s->id, lsn, t->created);
}

/* Flush the block holding @lsn, and everything before it, if need be. */
static int clfs_tail_make_durable(struct clfs_log *log, u64 lsn)
{
	struct clfs_streams *ss = log->streams;
	u64 blk = clfs_lsn_block(lsn);
	u64 durable;
	int ret = 0;

	spin_lock_irq(&log->lock);
	durable = log->durable_lsn;
	spin_unlock_irq(&log->lock);
	if (blk < durable)
		return 0;
	mutex_lock(&ss->append_lock);
	if (ss->cur && clfs_wblk_lsn(ss->cur) == blk)
		ret = clfs_append_submit_cur(ss);
	mutex_unlock(&ss->append_lock);
	if (!ret)
		ret = clfs_log_flush(log, lsn);
	return ret;
}

/*
 * What stream @st still needs, as a position the recovery scan may start
 * from (CLFS_LSN_INVALID: nothing). @has_records: the stream has appended
 * or recovered a record since it began; @recovery: the log's recovery
 * start now.
 *
 * A base (or archive tail) names a record that was validated and made
 * durable: its block is on the chain, and recovery may start there.
 *
 * A NULL base means the clients have not released anything: the stream
 * needs all of its records. A stream that has none needs nothing (any
 * record it appends later lands at the head, beyond every recovery
 * start). One that has records needs everything from where it began,
 * created_lsn. That position was the head when the stream began, but a
 * crash may since have rewritten the log from an earlier end, so it need
 * not be a block start any more; the start of its container always is
 * (blocks fill each container from offset 0). And the stream's records
 * are never below the current recovery start: recovery passed its
 * created_lsn only while it had no records. So the need is the later of
 * the two, both block starts.
 *
 * An archived log's archive tail works the same way, NULL meaning that
 * nothing has been archived yet: the stream's records are all pinned
 * until the archive tail is set.
 */
u64 clfs_tail_need(const struct clfs_md *md, const struct clfs_md_stream *st,
		   bool has_records, u64 recovery)
{
	u64 all = CLFS_LSN_INVALID;
	u64 need;

	if (has_records)
		all = max(clfs_lsn_make(clfs_lsn_container(st->created_lsn),
					0, 0), recovery);
	need = st->base_lsn ? clfs_lsn_block(st->base_lsn) : all;
	if (md->log_flags & CLFS_MD_LOG_ARCHIVED)
		need = min(need, st->archive_tail_lsn ?
				 clfs_lsn_block(st->archive_tail_lsn) : all);
	return need;
}

/*
 * Move the log's recovery start to the oldest position any active stream
 * still needs, freeing the containers wholly before it. With no stream
 * needing anything, that is the head. Called with table_lock held, after
 * the commit that released the space (a tail move here, a stream reset or
 * delete in clfs_stream.c).
 */
int clfs_tail_recycle(struct clfs_log *log)
{
	struct clfs_streams *ss = log->streams;
	const struct clfs_md *md = log->md;
	u64 start = CLFS_LSN_INVALID;
	u64 recovery, head;
	u32 next_cid, i;
	int ret = 0;

	lockdep_assert_held(&ss->table_lock);
	/* append_lock: no block opens or moves the head meanwhile. */
	mutex_lock(&ss->append_lock);
	spin_lock_irq(&log->lock);
	head = log->head_lsn;
	spin_unlock_irq(&log->lock);
	mutex_lock(&log->md_lock);
	recovery = md->recovery_lsn;
	next_cid = md->next_cid;
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		if (md->streams[i].state != CLFS_STREAM_ACTIVE)
			continue;
		start = min(start,
			    clfs_tail_need(md, &md->streams[i],
					   ss->st[i].last_lsn != CLFS_LSN_NULL,
					   recovery));
	}
	mutex_unlock(&log->md_lock);
	mutex_unlock(&ss->append_lock);

	if (start == CLFS_LSN_INVALID)
		start = head;
	/* The head may sit at a container not activated yet: wait for it. */
	if (start > recovery && clfs_lsn_container(start) < next_cid)
		ret = clfs_log_advance_recovery(log, start);
	/* A tail moved: it may answer a tail-advance request. */
	clfs_mgmt_kick(log, 0);
	return ret;
}

/**
 * clfs_write_restart_area() - append a restart area and make it current
 * @m: a marshalling area of the stream
 * @buf: the restart area's bytes
 * @bytes: how many (the record must fit a block of @m)
 * @new_base: CLFS_LSN_NULL, or a record of the stream to become its base,
 *	checked as clfs_advance_base() checks it
 * @flags: 0, or CLFS_APPEND_USE_RESERVATION to write the record into
 *	space reserved earlier (clfs_reserve_and_append())
 * @lsn: receives the restart record's LSN
 *
 * Appends a CLFS_RECORD_RESTART record whose previous LSN is the stream's
 * restart LSN before the call (CLFS_LSN_NULL for the first restart area),
 * so older restart areas are found by walking back along previous LSNs.
 * The record and everything appended to the log before it are flushed;
 * then one metadata commit makes it the stream's restart LSN (and its
 * last LSN as of the metadata) and, if given, @new_base its base. That
 * commit is the atomic point: after a crash the stream has either the old
 * restart area and base or the new ones. If the flush succeeds and the
 * commit fails, the record stays in the stream but is not its restart
 * area, and the next restart area will not point back to it.
 *
 * Return: 0; -EINVAL for bad arguments or flags, or @new_base after the
 * stream's last record; -ERANGE for @new_base before the current base;
 * -ENOENT if @new_base names no record of the stream; -EINVAL also for
 * CLFS_APPEND_USE_RESERVATION without a reservation large enough; -E2BIG;
 * -ENOSPC when the log is full; -EROFS; -EIO; -EINTR on a fatal signal.
 */
int clfs_write_restart_area(struct clfs_marshal *m, const void *buf,
			    u32 bytes, u64 new_base, u32 flags, u64 *lsn)
{
	struct kvec vec = { .iov_base = (void *)buf, .iov_len = bytes };
	struct clfs_append a = {
		.entries = &vec,
		.nr_entries = 1,
		.type = CLFS_RECORD_RESTART,
		.flags = CLFS_APPEND_FORCE_FLUSH,
	};
	struct clfs_tail_snap t;
	struct clfs_streams *ss;
	struct clfs_md_stream *st;
	struct clfs_log *log;
	struct clfs_stream *s;
	u64 rec;
	int ret;

	if (!m || !lsn || (!buf && bytes))
		return -EINVAL;
	if (flags & ~CLFS_APPEND_USE_RESERVATION)
		return -EINVAL;
	a.flags |= flags;
	s = m->stream;
	log = s->log;
	ss = log->streams;
	ret = clfs_log_check_writable(log);
	if (ret)
		return ret;

	mutex_lock(&ss->table_lock);
	clfs_tail_snapshot(log, s->id, &t);
	if (new_base != CLFS_LSN_NULL && new_base != t.base) {
		ret = clfs_tail_check_lsn(s, new_base, t.base, &t);
		if (ret)
			goto out;
	}
	/*
	 * The chain rule the read side walks: previous LSN = the restart
	 * area committed before this one. undo-next follows the ARIES rule
	 * for a record that is not a compensation: the same as previous.
	 */
	a.prev_lsn = t.restart;
	a.undo_next_lsn = t.restart;
	ret = clfs_reserve_and_append(m, &a, &rec);
	if (ret)
		goto out;

	/* The record, and everything before it, is durable now. */
	mutex_lock(&log->md_lock);
	memcpy(log->md_next, log->md, sizeof(*log->md_next));
	st = &log->md_next->streams[s->id];
	st->restart_lsn = rec;
	st->last_lsn = rec;
	if (new_base != CLFS_LSN_NULL)
		st->base_lsn = new_base;
	ret = clfs_md_commit(log);
	mutex_unlock(&log->md_lock);
	if (ret)
		goto out;
	*lsn = rec;
	if (new_base != CLFS_LSN_NULL && new_base != t.base)
		ret = clfs_tail_recycle(log);
out:
	mutex_unlock(&ss->table_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_write_restart_area);

/*
 * Holes wholly below the stream's start (its base, or in an archived log
 * the earlier of base and archive tail) can never be read into again.
 */
static void clfs_tail_forget_holes(struct clfs_log *log, u32 id)
{
	u64 start;

	mutex_lock(&log->md_lock);
	start = clfs_stream_start(log->md, &log->md->streams[id]);
	mutex_unlock(&log->md_lock);
	if (start != CLFS_LSN_NULL)
		clfs_holes_forget(log, id, start);
}

enum clfs_tail_kind {
	CLFS_TAIL_BASE,
	CLFS_TAIL_ARCHIVE,
};

/*
 * Move a stream's base or archive tail forward to @lsn. Both follow one
 * protocol, only the field differs: @lsn must name a record of the stream
 * not before the current value; it is made durable first (so the metadata
 * never names a position recovery would not find), then one commit moves
 * the tail, then whatever no stream needs any more is recycled. Moving to
 * the current value changes nothing.
 */
static int clfs_tail_move(struct clfs_stream *s, u64 lsn,
			  enum clfs_tail_kind kind)
{
	struct clfs_log *log = s->log;
	struct clfs_streams *ss = log->streams;
	struct clfs_tail_snap t;
	struct clfs_md_stream *st;
	u64 cur;
	int ret;

	if (!clfs_lsn_is_valid(lsn))
		return -EINVAL;
	ret = clfs_log_check_writable(log);
	if (ret)
		return ret;

	mutex_lock(&ss->table_lock);
	clfs_tail_snapshot(log, s->id, &t);
	cur = kind == CLFS_TAIL_BASE ? t.base : t.archive_tail;
	if (lsn == cur)
		goto out;
	ret = clfs_tail_check_lsn(s, lsn, cur, &t);
	if (!ret)
		ret = clfs_tail_make_durable(log, lsn);
	if (ret)
		goto out;

	mutex_lock(&log->md_lock);
	memcpy(log->md_next, log->md, sizeof(*log->md_next));
	st = &log->md_next->streams[s->id];
	if (kind == CLFS_TAIL_BASE) {
		st->base_lsn = lsn;
		/* The format wants base <= last; @lsn is durable, a true last. */
		if (st->last_lsn < lsn)
			st->last_lsn = lsn;
	} else {
		st->archive_tail_lsn = lsn;
	}
	ret = clfs_md_commit(log);
	mutex_unlock(&log->md_lock);
	if (ret)
		goto out;
	clfs_tail_forget_holes(log, s->id);
	ret = clfs_tail_recycle(log);
out:
	mutex_unlock(&ss->table_lock);
	return ret;
}

/**
 * clfs_advance_base() - release the records before a new base
 * @m: a marshalling area of the stream
 * @base: the stream's oldest record still needed: a record of the stream,
 *	not before its current base, not after its last record
 *
 * Writes no record, but flushes the block holding @base if it is not
 * durable yet. One metadata commit moves the base; after it, the
 * containers that no stream needs any more (every stream's base and, in
 * an archived log, archive tail are past them) are recycled. A base equal
 * to the current one changes nothing.
 *
 * Return: 0; -EINVAL for a malformed @base or one after the stream's last
 * record; -ERANGE for one before the current base (or the stream's
 * start); -ENOENT if @base names no record of the stream; -EROFS; -EIO;
 * -EINTR on a fatal signal.
 */
int clfs_advance_base(struct clfs_marshal *m, u64 base)
{
	if (!m)
		return -EINVAL;
	return clfs_tail_move(m->stream, base, CLFS_TAIL_BASE);
}
EXPORT_SYMBOL_GPL(clfs_advance_base);

/**
 * clfs_set_archive_tail() - mark the records before an LSN as archived
 * @s: a stream of an archived log
 * @lsn: the oldest record not yet archived: a record of the stream, not
 *	before the current archive tail, not after the stream's last record
 *
 * In an archived log, a stream's records from its archive tail on (all of
 * them while it has none) are never recycled, whatever the base. This
 * moves the archive tail forward, durably (the record is flushed first if
 * need be), then recycles what no stream needs any more. An archive tail
 * equal to the current one changes nothing.
 *
 * Return: 0; -EINVAL for an ephemeral log, a malformed @lsn or one after
 * the stream's last record; -ERANGE for one before the current archive
 * tail (or the stream's start); -ENOENT if @lsn names no record of the
 * stream; -EROFS; -EIO; -EINTR on a fatal signal.
 */
int clfs_set_archive_tail(struct clfs_stream *s, u64 lsn)
{
	if (!s || !(s->log->md->log_flags & CLFS_MD_LOG_ARCHIVED))
		return -EINVAL;
	return clfs_tail_move(s, lsn, CLFS_TAIL_ARCHIVE);
}
EXPORT_SYMBOL_GPL(clfs_set_archive_tail);

/*
 * Append and submit stream @id's truncation block (clfs_format.h section
 * 4). Under append_lock, so that it splits the stream's records exactly:
 * every record appended before it is in the hole (@end, block), every
 * record after it is beyond. The hole (*@hole, consumed and set to NULL)
 * and the new last record take effect for readers at once; the block's
 * flush makes them durable.
 */
static int clfs_tail_write_truncation(struct clfs_streams *ss, u32 id,
				      u64 end, u64 restart,
				      struct clfs_hole **hole, u64 *blk_lsn)
{
	struct clfs_log *log = ss->log;
	struct clfs_trunc_disk td;
	struct clfs_wblk *b;
	int ret;

	mutex_lock(&ss->append_lock);
	ret = clfs_append_submit_cur(ss);
	if (ret)
		goto out;
	b = clfs_wblk_open_buf(log, id, log->md->geo.sector_bytes, NULL, NULL,
			       NULL, CLFS_WBLK_TRUNCATE);
	if (IS_ERR(b)) {
		ret = PTR_ERR(b);
		goto out;
	}
	clfs_trunc_encode(&td, end, restart);
	ret = clfs_wblk_add(b, CLFS_REC_TRUNCATE, CLFS_LSN_NULL, CLFS_LSN_NULL,
			    &td, sizeof(td), blk_lsn);
	if (WARN_ON_ONCE(ret)) {	/* one sector always holds it */
		clfs_wblk_abort(b);
		goto out;
	}
	clfs_holes_insert(log, *hole, id, end, *blk_lsn);
	*hole = NULL;
	ss->st[id].last_lsn = end;
	ret = clfs_wblk_submit(b);
out:
	mutex_unlock(&ss->append_lock);
	return ret;
}

/*
 * The stream's restart area once everything after @end is gone: walk back
 * from @restart along the restart chain (previous LSNs) to the newest one
 * at or before @end.
 */
static int clfs_tail_restart_before(struct clfs_marshal *m, u64 restart,
				    u64 end, u64 *out)
{
	int ret;

	while (restart != CLFS_LSN_NULL && restart != CLFS_LSN_INVALID &&
	       restart > end) {
		/* A read per restart area, as many as the client wrote. */
		if (fatal_signal_pending(current))
			return -EINTR;
		ret = clfs_read_prev_lsn(m, restart, &restart);
		if (ret)
			return ret;
	}
	*out = restart == CLFS_LSN_INVALID ? CLFS_LSN_NULL : restart;
	return 0;
}

/**
 * clfs_set_end_of_log() - truncate a stream back to one of its records
 * @m: a marshalling area of the stream
 * @lsn: the record to become the stream's last: a record of the stream,
 *	not before its base (nor, in an archived log, its archive tail), not
 *	after its last record
 *
 * Every record of the stream after @lsn disappears: reading one by LSN
 * gives -ENOENT, forward reads pass over them, and so it stays after the
 * log is closed or crashes and is recovered. If the stream's restart area
 * was among them, the newest restart area at or before @lsn becomes
 * current again. Records appended later get LSNs beyond everything ever
 * written, so a stream's LSNs still only grow.
 *
 * Nothing is rewritten in place: a one-sector truncation block is
 * appended and flushed (with everything before it), then one metadata
 * commit records the stream's new last LSN and restart area. Success
 * means the truncation is durable. The removed records' space comes back
 * when the base moves past them. Truncating to the last record changes
 * nothing.
 *
 * Return: 0; -EINVAL for a NULL @m, a malformed @lsn or one after the
 * stream's last record; -ERANGE for one before the base or archive tail;
 * -ENOENT if @lsn names no record of the stream (or one already
 * truncated away); -ENOSPC when the log has no room for the truncation
 * block; -ENOMEM; -EROFS; -EIO; -EINTR on a fatal signal.
 */
int clfs_set_end_of_log(struct clfs_marshal *m, u64 lsn)
{
	struct clfs_hole *hole = NULL;
	struct clfs_md_stream *st;
	struct clfs_tail_snap t;
	struct clfs_streams *ss;
	struct clfs_log *log;
	struct clfs_stream *s;
	u64 floor, restart = CLFS_LSN_NULL, blk = 0;
	int ret;

	if (!m || !clfs_lsn_is_valid(lsn))
		return -EINVAL;
	s = m->stream;
	log = s->log;
	ss = log->streams;
	ret = clfs_log_check_writable(log);
	if (ret)
		return ret;
	hole = clfs_hole_alloc();
	if (!hole)
		return -ENOMEM;

	mutex_lock(&ss->table_lock);
	clfs_tail_snapshot(log, s->id, &t);
	if (lsn == clfs_tail_last(ss, s->id))
		goto out;
	/* Archived records stay: the archive tail bounds a truncation too. */
	floor = t.base;
	if (log->md->log_flags & CLFS_MD_LOG_ARCHIVED)
		floor = max(floor, t.archive_tail);
	ret = clfs_tail_check_lsn(s, lsn, floor, &t);
	if (!ret)
		ret = clfs_tail_restart_before(m, t.restart, lsn, &restart);
	if (!ret)
		ret = clfs_tail_write_truncation(ss, s->id, lsn, restart, &hole,
						 &blk);
	if (!ret)
		ret = clfs_log_flush(log, blk);
	if (ret)
		goto out;

	mutex_lock(&log->md_lock);
	memcpy(log->md_next, log->md, sizeof(*log->md_next));
	st = &log->md_next->streams[s->id];
	st->last_lsn = lsn;
	st->restart_lsn = restart;
	ret = clfs_md_commit(log);
	mutex_unlock(&log->md_lock);
out:
	mutex_unlock(&ss->table_lock);
	kfree(hole);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_set_end_of_log);
