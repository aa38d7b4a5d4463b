// SPDX-License-Identifier: GPL-2.0
/*
 * clfs reads: a record by LSN, then forward through the stream, back along
 * previous LSNs, back along ARIES undo-next LSNs, or back through the
 * restart areas.
 *
 * A read context holds one block at a time, in a buffer of its own
 * (CLFS_BLK_MAX_BYTES, since blocks of other streams and areas can be as
 * large as the format allows), and an index of that block's records. Where
 * the block comes from depends on how far the log has got with it:
 *   - the log's open block: copied under append_lock (clfs_wblk_copy()),
 *     so records are readable the moment they are appended; the copy is
 *     marked open, and taken again when a reader wants more than it held;
 *   - a block in flight: its write is waited for, then it is read back;
 *   - a completed block: read from the device and validated (crc, LSN,
 *     epoch) like recovery does, so a torn or stale block is never
 *     returned.
 * Records of the cached block are served without touching the device.
 *
 * Every step checks the target against the stream, read fresh each time
 * (the base, archive tail and end move under a reader):
 *   -EINVAL   a client LSN that is not an LSN (NULL, INVALID, container
 *             0xffffffff);
 *   -ENOENT   an LSN that names no record of this stream: before its
 *             created_lsn, after its last record, in another stream's
 *             block, past the records of its block, where no block
 *             starts, or removed by set end of log;
 *   -ERANGE   below the start of the log: the base and the archive tail
 *             (records between the two stay readable), or the log's
 *             recovery start, below which containers are recycled;
 *   -ENODATA  the end of a walk: forward past the last record, or a
 *             previous or undo-next LSN of CLFS_LSN_NULL or
 *             CLFS_LSN_INVALID.
 * A failed step leaves the context on the record it last returned, so a
 * forward reader that hit the end can try again once more is appended.
 *
 * Walks always end: forward, block positions grow; backward, the format
 * only accepts back-pointers to strictly older LSNs (clfs_rec_iter_next()).
 *
 * Locking: a context's mutex is outermost; under it the stream layer's
 * append_lock (to copy the open block), then the log's md_lock and lock.
 * The mutex only serialises misuse (CLFS read contexts are not thread
 * safe); terminating a context another thread is using is still the
 * caller's bug.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "clfs_stream.h"

/**
 * struct clfs_read_ctx - a read context
 * @lock: serialises calls on the context
 * @m: the marshalling area it counts against
 * @mode: CLFS_READ_*
 * @filter: CLFS_FILTER_* mask of the record types returned
 * @restart: created by clfs_read_restart_area()
 * @cur: the record last returned
 * @have_blk: @blk and @recs describe what is in @buf
 * @blk_open: @buf is a copy of the log's open block, which may have grown
 * @blk: header of the block in @buf
 * @buf: the block, CLFS_BLK_MAX_BYTES
 * @recs: its records, validated, in index order
 */
struct clfs_read_ctx {
	struct mutex lock;
	struct clfs_marshal *m;
	u32 mode;
	u32 filter;
	bool restart;
	struct clfs_rec cur;
	bool have_blk;
	bool blk_open;
	struct clfs_blk blk;
	void *buf;
	struct clfs_rec recs[CLFS_LSN_RECORDS_PER_BLOCK];
};

/*
 * What a step checks its target against, read fresh for every step:
 * @created: where the stream (or its last reset) began;
 * @start: its lowest readable LSN (base, archive tail, recovery start);
 * @recovery: the log's recovery start: blocks below it may be recycled;
 * @last: its last record, CLFS_LSN_NULL if none.
 */
struct clfs_read_bounds {
	u64 created;
	u64 start;
	u64 recovery;
	u64 last;
};

static struct clfs_log *clfs_read_log(const struct clfs_read_ctx *c)
{
	return c->m->stream->log;
}

static u32 clfs_read_stream_id(const struct clfs_read_ctx *c)
{
	return c->m->stream->id;
}

static void clfs_read_get_bounds(struct clfs_read_ctx *c,
				 struct clfs_read_bounds *b)
{
	struct clfs_log *log = clfs_read_log(c);
	const struct clfs_md_stream *st;
	u64 start;

	mutex_lock(&log->md_lock);
	st = &log->md->streams[clfs_read_stream_id(c)];
	b->created = st->created_lsn;
	start = clfs_stream_start(log->md, st);
	/* Below the recovery start, containers may already be recycled. */
	b->recovery = log->md->recovery_lsn;
	b->start = max(start, b->recovery);
	mutex_unlock(&log->md_lock);

	mutex_lock(&log->streams->append_lock);
	b->last = log->streams->st[clfs_read_stream_id(c)].last_lsn;
	mutex_unlock(&log->streams->append_lock);
}

/*
 * Where a step may go, before any block is read: -ENOENT for an LSN that
 * cannot be the stream's (before it began, after its end), -ERANGE below
 * the start of the log. Before created_lsn wins over -ERANGE: such an LSN
 * never named a record of this stream at all.
 */
static int clfs_read_check_lsn(const struct clfs_read_bounds *b, u64 lsn)
{
	if (lsn < b->created)
		return -ENOENT;
	if (lsn < b->start)
		return -ERANGE;
	if (b->last == CLFS_LSN_NULL || lsn > b->last)
		return -ENOENT;
	return 0;
}

/* Validate the block in @buf record by record, and index its records. */
static int clfs_read_index(struct clfs_read_ctx *c)
{
	struct clfs_rec_iter it;
	u32 i = 0;
	int ret;

	ret = clfs_rec_iter_init(&it, clfs_read_log(c)->md, &c->blk, c->buf,
				 CLFS_BLK_MAX_BYTES);
	if (ret)
		return -EUCLEAN;
	while ((ret = clfs_rec_iter_next(&it, &c->recs[i])) > 0)
		if (++i == CLFS_LSN_RECORDS_PER_BLOCK)
			break;
	if (ret < 0 || i != c->blk.nr_records)
		return -EUCLEAN;
	return 0;
}

/*
 * Load the block at @blk_lsn into the context. -ENOENT when no block of
 * the log starts there (yet); -EUCLEAN for a corrupt one; -EIO.
 */
static int clfs_read_load(struct clfs_read_ctx *c, u64 blk_lsn)
{
	struct clfs_log *log = clfs_read_log(c);
	struct clfs_streams *ss = log->streams;
	bool open = false;
	u64 head;
	int ret;

	c->have_blk = false;
	/*
	 * The stream layer submits the open block only under append_lock, so
	 * while it is held the block is either still open (copy it) or its
	 * position is below the head (wait for it, read it back).
	 */
	mutex_lock(&ss->append_lock);
	if (ss->cur && clfs_wblk_lsn(ss->cur) == blk_lsn) {
		clfs_wblk_copy(ss->cur, c->buf, &c->blk);
		open = true;
	}
	spin_lock_irq(&log->lock);
	head = log->head_lsn;
	spin_unlock_irq(&log->lock);
	mutex_unlock(&ss->append_lock);

	if (!open) {
		if (blk_lsn >= head)
			return -ENOENT;
		ret = clfs_log_wait_completed(log, blk_lsn);
		if (ret)
			return ret == -EINVAL ? -ENOENT : ret;
		ret = clfs_log_read_block(log, blk_lsn, c->buf,
					  CLFS_BLK_MAX_BYTES, &c->blk);
		switch (ret) {
		case 0:
			break;
		case -EINVAL:	/* not a position of this log's geometry */
		case -ENODATA:	/* no block starts here */
		case -ESTALE:	/* a block of an earlier use of the place */
		case -ENOENT:	/* its container is not mapped */
			return -ENOENT;
		default:	/* -EUCLEAN, -EIO: report, never guess */
			return ret;
		}
	}
	ret = clfs_read_index(c);
	if (ret)
		return ret;
	c->blk_open = open;
	c->have_blk = true;
	return 0;
}

/*
 * clfs_read_load(), telling a block recycled since the caller looked at
 * the bounds (-ERANGE, the start of the log moved past it) from a place
 * where no block of the log ever was (-ENOENT).
 */
static int clfs_read_load_at(struct clfs_read_ctx *c, u64 blk_lsn)
{
	struct clfs_read_bounds b;
	int ret;

	ret = clfs_read_load(c, blk_lsn);
	if (ret == -ENOENT) {
		clfs_read_get_bounds(c, &b);
		if (blk_lsn < b.recovery)
			ret = -ERANGE;
	}
	return ret;
}

static bool clfs_read_cached(const struct clfs_read_ctx *c, u64 blk_lsn)
{
	return c->have_blk && c->blk.lsn == blk_lsn;
}

/*
 * Find the record at @lsn, a record of this stream within @b: the cached
 * block serves it if it can; a copy of the open block is taken again when
 * the record was appended after the copy.
 */
static int clfs_read_find(struct clfs_read_ctx *c,
			  const struct clfs_read_bounds *b, u64 lsn,
			  const struct clfs_rec **rec)
{
	u64 blk_lsn = clfs_lsn_block(lsn);
	u32 idx = clfs_lsn_record_index(lsn);
	int ret;

	ret = clfs_read_check_lsn(b, lsn);
	if (ret)
		return ret;
	if (clfs_holes_find(clfs_read_log(c), clfs_read_stream_id(c), lsn,
			    NULL))
		return -ENOENT;
	if (!clfs_read_cached(c, blk_lsn) ||
	    (c->blk_open && idx >= c->blk.nr_records)) {
		ret = clfs_read_load_at(c, blk_lsn);
		if (ret)
			return ret;
	}
	if (c->blk.stream_id != clfs_read_stream_id(c) ||
	    c->blk.flags & CLFS_BLK_F_TRUNCATE || idx >= c->blk.nr_records)
		return -ENOENT;
	*rec = &c->recs[idx];
	return 0;
}

static bool clfs_read_wanted(const struct clfs_read_ctx *c,
			     const struct clfs_rec *r)
{
	return c->filter & (1U << r->type);
}

/* Make @r the context's current record and describe it to the client. */
static void clfs_read_deliver(struct clfs_read_ctx *c,
			      const struct clfs_rec *r,
			      struct clfs_record *out)
{
	c->cur = *r;
	out->lsn = r->lsn;
	out->prev_lsn = r->prev_lsn;
	out->undo_next_lsn = r->undo_next_lsn;
	out->type = r->type;
	out->data_bytes = r->data_bytes;
	out->data = c->buf + r->data_offset;
}

/*
 * Where a forward walk goes after the block ending at @from: the stream's
 * next block of records. The block index (clfs_blkidx.c) knows it without
 * reading the other streams' blocks between, which in a multiplexed log
 * may be most of the log. Blocks not yet submitted are not indexed: the
 * head, read first, stands for them, since a block submitted since then
 * starts at it or later and is indexed before the head moves. md_lock
 * keeps the index from being trimmed past @from during the search; below
 * the recovery start @from itself is returned, and the walk reports that
 * it fell behind.
 */
static u64 clfs_read_next_block(struct clfs_read_ctx *c, u64 from)
{
	struct clfs_log *log = clfs_read_log(c);
	u64 head, lsn;
	bool found;

	spin_lock_irq(&log->lock);
	head = log->head_lsn;
	spin_unlock_irq(&log->lock);
	mutex_lock(&log->md_lock);
	if (from < log->md->recovery_lsn || from >= head) {
		mutex_unlock(&log->md_lock);
		return from;
	}
	found = clfs_blkidx_find_stream(&log->blkidx, from, clfs_read_stream_id(c), &lsn);
	mutex_unlock(&log->md_lock);
	return found ? min(lsn, head) : head;
}

/*
 * The stream's next record after the current one, of a wanted type:
 * through the rest of the block, then from block to block of the stream
 * (clfs_read_next_block()), past holes left by set end of log and
 * truncation records (of no type a filter can ask for).
 */
static int clfs_read_forward(struct clfs_read_ctx *c, struct clfs_record *out)
{
	struct clfs_log *log = clfs_read_log(c);
	u64 blk_lsn = clfs_lsn_block(c->cur.lsn);
	u32 idx = clfs_lsn_record_index(c->cur.lsn) + 1;
	struct clfs_read_bounds b;
	const struct clfs_rec *r;
	u64 hole_end;
	u32 nr;
	int ret;

	clfs_read_get_bounds(c, &b);
	for (;;) {
		/* After the stream's last record: nothing of it follows. */
		if (b.last == CLFS_LSN_NULL || blk_lsn > b.last)
			return -ENODATA;
		/* The reader fell behind recycling: the block may be gone. */
		if (blk_lsn < b.recovery)
			return -ERANGE;
		if (!clfs_read_cached(c, blk_lsn)) {
			ret = clfs_read_load_at(c, blk_lsn);
			if (ret)
				return ret;
		}
		if (c->blk.stream_id == clfs_read_stream_id(c) &&
		    idx < c->blk.nr_records) {
			r = &c->recs[idx++];
			if (r->lsn > b.last)
				return -ENODATA;
			/* Left by the stream before a reset: not its records. */
			if (r->lsn < b.created)
				continue;
			if (r->lsn < b.start)
				return -ERANGE;
			/* Truncated away: resume at the truncation block. */
			if (clfs_holes_find(log, clfs_read_stream_id(c),
					    r->lsn, &hole_end)) {
				blk_lsn = hole_end;
				idx = 0;
				continue;
			}
			if (clfs_read_wanted(c, r)) {
				clfs_read_deliver(c, r, out);
				return 0;
			}
			continue;
		}
		if (c->blk_open) {
			/*
			 * Read all of the open block. Only the stream's own
			 * block can still grow with records of the stream;
			 * nothing of the stream follows an open block.
			 */
			if (c->blk.stream_id != clfs_read_stream_id(c))
				return -ENODATA;
			nr = c->blk.nr_records;
			clfs_read_get_bounds(c, &b);
			ret = clfs_read_load(c, blk_lsn);
			if (ret)
				return ret;
			if (c->blk_open && c->blk.nr_records == nr)
				return -ENODATA;
			continue;
		}
		blk_lsn = clfs_blk_next_lsn(log->md, &c->blk);
		idx = 0;
		if (blk_lsn == CLFS_LSN_INVALID)
			return -ENODATA;
		blk_lsn = clfs_read_next_block(c, blk_lsn);
		/*
		 * The stream's own blocks can hold nothing the filter wants
		 * for as long as the log: the walk must die with its caller.
		 * The current record has not moved, so nothing is lost.
		 */
		if (fatal_signal_pending(current))
			return -EINTR;
	}
}

/* The chain pointer @r gives in the context's mode. */
static u64 clfs_read_chain_next(const struct clfs_read_ctx *c,
				const struct clfs_rec *r)
{
	return c->mode == CLFS_READ_UNDO_NEXT ? r->undo_next_lsn : r->prev_lsn;
}

/*
 * Follow previous or undo-next LSNs from the current record to the next
 * record of a wanted type. Records of other types are passed through
 * along their own pointers of the same kind.
 */
static int clfs_read_chain(struct clfs_read_ctx *c, struct clfs_record *out)
{
	u64 lsn = clfs_read_chain_next(c, &c->cur);
	struct clfs_read_bounds b;
	const struct clfs_rec *r;
	int ret;

	clfs_read_get_bounds(c, &b);
	for (;;) {
		if (lsn == CLFS_LSN_NULL || lsn == CLFS_LSN_INVALID)
			return -ENODATA;
		ret = clfs_read_find(c, &b, lsn, &r);
		if (ret)
			return ret;
		if (clfs_read_wanted(c, r)) {
			clfs_read_deliver(c, r, out);
			return 0;
		}
		lsn = clfs_read_chain_next(c, r);
		/* A chain of records of filtered types can be as long. */
		if (fatal_signal_pending(current))
			return -EINTR;
	}
}

static int clfs_read_step(struct clfs_read_ctx *c, struct clfs_record *out)
{
	if (c->mode == CLFS_READ_FORWARD)
		return clfs_read_forward(c, out);
	return clfs_read_chain(c, out);
}

/* A context and its block buffer, or NULL. */
static struct clfs_read_ctx *clfs_read_ctx_alloc(struct clfs_marshal *m,
						 u32 mode, u32 filter)
{
	struct clfs_read_ctx *c;

	c = kvzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->buf = kvmalloc(CLFS_BLK_MAX_BYTES, GFP_KERNEL);
	if (!c->buf) {
		kvfree(c);
		return NULL;
	}
	mutex_init(&c->lock);
	c->m = m;
	c->mode = mode;
	c->filter = filter;
	return c;
}

static void clfs_read_ctx_release(struct clfs_read_ctx *c)
{
	mutex_destroy(&c->lock);
	kvfree(c->buf);
	kvfree(c);
}

/* A context counting against @m's read buffers, or an ERR_PTR. */
static struct clfs_read_ctx *clfs_read_ctx_new(struct clfs_marshal *m,
					       u32 mode, u32 filter)
{
	u32 max = m->params.max_read_buffers;
	struct clfs_read_ctx *c;
	bool ok;

	/*
	 * Refuse rather than wait at the limit: a thread holding contexts
	 * could otherwise wait for itself.
	 */
	spin_lock(&m->buf_lock);
	ok = !max || m->reading < max;
	if (ok)
		m->reading++;
	spin_unlock(&m->buf_lock);
	if (!ok)
		return ERR_PTR(-EBUSY);

	c = clfs_read_ctx_alloc(m, mode, filter);
	if (!c) {
		spin_lock(&m->buf_lock);
		m->reading--;
		spin_unlock(&m->buf_lock);
		return ERR_PTR(-ENOMEM);
	}
	return c;
}

static void clfs_read_ctx_free(struct clfs_read_ctx *c)
{
	struct clfs_marshal *m = c->m;

	clfs_read_ctx_release(c);
	spin_lock(&m->buf_lock);
	m->reading--;
	spin_unlock(&m->buf_lock);
}

/* Position a new context on the record at @lsn, which must be wanted. */
static int clfs_read_first(struct clfs_read_ctx *c, u64 lsn,
			   struct clfs_record *out)
{
	struct clfs_read_bounds b;
	const struct clfs_rec *r;
	int ret;

	clfs_read_get_bounds(c, &b);
	mutex_lock(&c->lock);
	ret = clfs_read_find(c, &b, lsn, &r);
	if (!ret && !clfs_read_wanted(c, r))
		ret = -ENOENT;
	if (!ret)
		clfs_read_deliver(c, r, out);
	mutex_unlock(&c->lock);
	return ret;
}

/**
 * clfs_read_log_record() - read a record and open a read context on it
 * @m: a marshalling area of the stream to read
 * @lsn: the record, as returned by clfs_reserve_and_append() or read
 * @mode: where clfs_read_next_log_record() goes from each record:
 *	CLFS_READ_FORWARD, the stream's next record; CLFS_READ_PREVIOUS,
 *	the record's previous LSN; CLFS_READ_UNDO_NEXT, its undo-next LSN
 * @filter: CLFS_FILTER_DATA and/or CLFS_FILTER_RESTART: the record types
 *	the context returns; the record at @lsn must be one of them, and
 *	walks pass over records of other types
 * @rec: receives the record at @lsn; its data stays valid until the next
 *	read on the context or its termination
 *
 * Records are readable as soon as they are appended, flushed or not. The
 * context holds a buffer of the area's max_read_buffers until
 * clfs_terminate_read_log(), which must come before @m is deleted. Calls
 * on one context are serialised.
 *
 * Return: the context, or an ERR_PTR: -EINVAL for a bad mode, filter or
 * argument, or an @lsn that is not an LSN; -ENOENT if @lsn names no record
 * of the stream (or one of a type @filter excludes); -ERANGE if it lies
 * below the stream's base and archive tail; -EBUSY when the area has
 * max_read_buffers contexts open; -ENOMEM; -EUCLEAN for a corrupt block;
 * -EIO; -EINTR on a fatal signal while waiting for a write.
 */
struct clfs_read_ctx *clfs_read_log_record(struct clfs_marshal *m, u64 lsn,
					   u32 mode, u32 filter,
					   struct clfs_record *rec)
{
	struct clfs_read_ctx *c;
	int ret;

	if (!m || !rec)
		return ERR_PTR(-EINVAL);
	if (mode != CLFS_READ_FORWARD && mode != CLFS_READ_PREVIOUS &&
	    mode != CLFS_READ_UNDO_NEXT)
		return ERR_PTR(-EINVAL);
	if (!filter || (filter & ~CLFS_FILTER_ALL))
		return ERR_PTR(-EINVAL);
	if (!clfs_lsn_is_valid(lsn))
		return ERR_PTR(-EINVAL);
	c = clfs_read_ctx_new(m, mode, filter);
	if (IS_ERR(c))
		return c;
	ret = clfs_read_first(c, lsn, rec);
	if (ret) {
		clfs_read_ctx_free(c);
		return ERR_PTR(ret);
	}
	return c;
}
EXPORT_SYMBOL_GPL(clfs_read_log_record);

/**
 * clfs_read_next_log_record() - move a read context to its next record
 * @c: the context
 * @rec: receives the record; the previous record's data is no longer
 *	valid, whatever the result
 *
 * The next record is the stream's next one (CLFS_READ_FORWARD) or the one
 * the current record's previous or undo-next LSN names, passing over
 * records the context's filter excludes. On failure the context stays on
 * its current record: a forward reader at the end can try again later.
 *
 * Return: 0; -ENODATA at the end (forward past the last record, or a
 * pointer of CLFS_LSN_NULL or CLFS_LSN_INVALID); -ERANGE when the next
 * record lies below the base and the archive tail; -ENOENT when a pointer
 * names no record of the stream; -EINVAL for a NULL argument; -EUCLEAN;
 * -EIO; -EINTR.
 */
int clfs_read_next_log_record(struct clfs_read_ctx *c, struct clfs_record *rec)
{
	int ret;

	if (!c || !rec)
		return -EINVAL;
	mutex_lock(&c->lock);
	ret = clfs_read_step(c, rec);
	mutex_unlock(&c->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_read_next_log_record);

/**
 * clfs_read_current_log_record() - the record a context is on, once more
 * @c: the context
 * @rec: receives the record the last successful read returned
 *
 * For a caller whose buffer was too small for that record: the context
 * does not move.
 *
 * Return: 0; -EINVAL for a NULL argument; -ERANGE if the record has left
 * the active portion of the stream since; -ENOENT if it was truncated
 * away; -EUCLEAN; -EIO; -EINTR.
 */
int clfs_read_current_log_record(struct clfs_read_ctx *c,
				 struct clfs_record *rec)
{
	struct clfs_read_bounds b;
	const struct clfs_rec *r;
	int ret;

	if (!c || !rec)
		return -EINVAL;
	mutex_lock(&c->lock);
	clfs_read_get_bounds(c, &b);
	ret = clfs_read_find(c, &b, c->cur.lsn, &r);
	if (!ret)
		clfs_read_deliver(c, r, rec);
	mutex_unlock(&c->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_read_current_log_record);

/**
 * clfs_read_restart_area() - read the stream's newest restart area
 * @m: a marshalling area of the stream
 * @rec: receives the restart record (type CLFS_RECORD_RESTART)
 *
 * The newest restart area is the one whose metadata commit made it the
 * stream's restart LSN (clfs_write_restart_area()). Restart records chain
 * through their previous LSNs, so the returned context walks to older
 * ones with clfs_read_previous_restart_area().
 *
 * Return: the context, or an ERR_PTR: -ENODATA if the stream has no
 * restart area; -ERANGE if it lies below the base and archive tail;
 * -EINVAL; -EBUSY; -ENOMEM; -EUCLEAN; -EIO; -EINTR.
 */
struct clfs_read_ctx *clfs_read_restart_area(struct clfs_marshal *m,
					     struct clfs_record *rec)
{
	struct clfs_read_ctx *c;
	struct clfs_log *log;
	u64 lsn;
	int ret;

	if (!m || !rec)
		return ERR_PTR(-EINVAL);
	log = m->stream->log;
	/* table_lock: not in the middle of a set end of log (clfs_tail.c). */
	mutex_lock(&log->streams->table_lock);
	mutex_lock(&log->md_lock);
	lsn = log->md->streams[m->stream->id].restart_lsn;
	mutex_unlock(&log->md_lock);
	mutex_unlock(&log->streams->table_lock);
	if (lsn == CLFS_LSN_NULL)
		return ERR_PTR(-ENODATA);
	c = clfs_read_ctx_new(m, CLFS_READ_PREVIOUS, CLFS_FILTER_RESTART);
	if (IS_ERR(c))
		return c;
	c->restart = true;
	ret = clfs_read_first(c, lsn, rec);
	if (ret) {
		clfs_read_ctx_free(c);
		return ERR_PTR(ret);
	}
	return c;
}
EXPORT_SYMBOL_GPL(clfs_read_restart_area);

/**
 * clfs_read_previous_restart_area() - move to the next older restart area
 * @c: a context from clfs_read_restart_area()
 * @rec: receives the restart record
 *
 * Return: 0; -ENODATA past the oldest restart area; -ERANGE when the
 * older one lies below the base and the archive tail; -EINVAL for a
 * context that clfs_read_restart_area() did not return; -ENOENT;
 * -EUCLEAN; -EIO; -EINTR.
 */
int clfs_read_previous_restart_area(struct clfs_read_ctx *c,
				    struct clfs_record *rec)
{
	int ret;

	if (!c || !rec || !c->restart)
		return -EINVAL;
	mutex_lock(&c->lock);
	ret = clfs_read_chain(c, rec);
	mutex_unlock(&c->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_read_previous_restart_area);

/**
 * clfs_read_prev_lsn() - the previous LSN of a record, for the engine
 * @m: a marshalling area of the stream
 * @lsn: a record of the stream
 * @prev: receives its previous LSN
 *
 * Uses a read context of its own that does not count against the area's
 * max_read_buffers: the engine must not fail for a client's limit.
 *
 * Return: 0, or the errors of clfs_read_log_record().
 */
int clfs_read_prev_lsn(struct clfs_marshal *m, u64 lsn, u64 *prev)
{
	struct clfs_read_bounds b;
	const struct clfs_rec *r;
	struct clfs_read_ctx *c;
	int ret;

	c = clfs_read_ctx_alloc(m, CLFS_READ_PREVIOUS, CLFS_FILTER_ALL);
	if (!c)
		return -ENOMEM;
	clfs_read_get_bounds(c, &b);
	ret = clfs_read_find(c, &b, lsn, &r);
	if (!ret)
		*prev = r->prev_lsn;
	clfs_read_ctx_release(c);
	return ret;
}

/**
 * clfs_terminate_read_log() - close a read context
 * @c: the context, or NULL; nobody may be using it
 *
 * Frees its buffer and gives it back to the marshalling area's
 * max_read_buffers. Records it returned are no longer valid.
 */
void clfs_terminate_read_log(struct clfs_read_ctx *c)
{
	if (c)
		clfs_read_ctx_free(c);
}
EXPORT_SYMBOL_GPL(clfs_terminate_read_log);
