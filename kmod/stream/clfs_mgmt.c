// SPDX-License-Identifier: GPL-2.0
/*
 * clfs log management: the log-full protocol (docs/management.md).
 *
 * A management client is registered on a stream. When the log runs short
 * of free containers and cannot grow, a round decides which streams keep
 * the oldest containers busy and sends their clients a tail-advance
 * request naming a record of the stream; the log reports pinned when no
 * such stream can move, and unpinned when room appears again.
 *
 * Everything is decided by one work item, the round, on system_unbound_wq:
 * the engine's paths only kick it (clfs_mgmt_kick()), from any context
 * and under any lock, and never wait for it. A round reads the metadata
 * and the streams' last records under their own locks first, then
 * decides under @lock, a spinlock innermost of all clfs locks (it nests
 * only the block index and hole locks), and finally calls in-kernel
 * clients' callbacks with no lock held, so that they may sleep and call
 * back into clfs. The work item never runs concurrently with itself, so
 * callbacks are serialised and @snap needs no lock.
 *
 * Events are state, not a queue: a client has at most one pending event
 * of each type, delivered by the round as callbacks. A userspace client
 * is an in-kernel client too: the stream descriptor's callbacks
 * (kmod/ioctl/clfs_fd_mgmt.c) keep the events for read() and poll().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include "clfs_stream.h"
#include "clfs_mgmt.h"

#define CLFS_EV_BIT(type)	(1U << (type))

/**
 * struct clfs_mgmt_client - a registered management client
 * @mg: its log's management state
 * @stream: the stream id
 * @ops: its callbacks
 * @ctx: their argument
 * @request: a tail-advance request is unanswered (under mg->lock, as all
 *	fields below)
 * @target: its target record
 * @failed: it reported a tail-advance failure; until the log has room
 * @waiting: it waits for a log-full-handled event
 * @pending: CLFS_EVENT_* bits of events not delivered yet
 * @ev_lsn: the pending ADVANCE_TAIL's target
 * @ev_status: the pending LOG_FULL_HANDLED's status
 */
struct clfs_mgmt_client {
	struct clfs_mgmt *mg;
	u32 stream;
	const struct clfs_mgmt_ops *ops;
	void *ctx;
	bool request;
	u64 target;
	bool failed;
	bool waiting;
	u32 pending;
	u64 ev_lsn;
	int ev_status;
};

/* What a round knows of one stream, read before deciding. */
struct clfs_mgmt_snap_stream {
	bool active;
	u64 need;	/* block LSN of its oldest needed record */
	u64 created;
	u64 base;
	u64 last;
};

/**
 * struct clfs_mgmt - the management state of one log
 * @log: the log
 * @lock: everything below, and every client's fields
 * @client: the client of each stream id, or NULL
 * @full: an append found no free container; ends when one appears
 * @pinned: full, and no stream holding the space can move
 * @attention: the last round found the log short of space, so tail
 *	moves must start a round
 * @dying: the log is closing: no more rounds
 * @full_events: times @full was set
 * @pinned_events: times @pinned was set
 * @requests_sent: tail-advance requests sent
 * @work: the round
 * @snap: the round's view of the streams (only the round uses it)
 */
struct clfs_mgmt {
	struct clfs_log *log;
	spinlock_t lock;
	struct clfs_mgmt_client *client[CLFS_MAX_STREAMS];
	bool full;
	bool pinned;
	bool attention;
	bool dying;
	u64 full_events;
	u64 pinned_events;
	u64 requests_sent;
	struct work_struct work;
	struct clfs_mgmt_snap_stream snap[CLFS_MAX_STREAMS];
};

/* The log-wide figures a round needs, read under the engine's locks. */
struct clfs_mgmt_space {
	u32 usable_free;
	u32 target;
	u64 oldest;	/* first LSN of the oldest active container */
	u64 head;	/* first LSN of the head's container */
	u64 open_lsn;	/* the open block, not indexed yet, if it has records */
	u32 open_stream;
	u64 tail;	/* where the recovery start may move: what streams need */
};

static struct clfs_mgmt *clfs_mgmt_of(struct clfs_log *log)
{
	struct clfs_streams *ss = READ_ONCE(log->streams);

	return ss ? ss->mgmt : NULL;
}

static void clfs_mgmt_queue(struct clfs_mgmt *mg)
{
	if (!mg->dying)
		queue_work(system_unbound_wq, &mg->work);
}

/**
 * clfs_mgmt_kick() - the log is short of space, or its space or tails changed
 * @log: the log
 * @why: CLFS_KICK_FULL (an append found no container it may use),
 *	CLFS_KICK_SHORT (the writer took the last one), or 0 (a change)
 *
 * Starts a round when one may be needed: always when the log is short,
 * and after a change only while the last round found it short. Any
 * context, any lock.
 */
void clfs_mgmt_kick(struct clfs_log *log, unsigned int why)
{
	struct clfs_mgmt *mg = clfs_mgmt_of(log);
	unsigned long flags;

	if (!mg)
		return;
	spin_lock_irqsave(&mg->lock, flags);
	if ((why & CLFS_KICK_FULL) && !mg->full) {
		mg->full = true;
		mg->full_events++;
	}
	if (why || mg->attention || mg->full || mg->pinned)
		clfs_mgmt_queue(mg);
	spin_unlock_irqrestore(&mg->lock, flags);
}

/* Read the streams and the space; no mgmt lock held. */
static void clfs_mgmt_snapshot(struct clfs_mgmt *mg,
			       struct clfs_mgmt_space *sp)
{
	struct clfs_log *log = mg->log;
	struct clfs_streams *ss = log->streams;
	const struct clfs_md *md = log->md;
	u64 last[CLFS_MAX_STREAMS];
	u32 i, lo = U32_MAX;
	u64 head;

	mutex_lock(&ss->append_lock);
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		last[i] = ss->st[i].last_lsn;
	sp->open_lsn = CLFS_LSN_NULL;
	if (ss->cur && clfs_wblk_records(ss->cur)) {
		sp->open_lsn = clfs_wblk_lsn(ss->cur);
		sp->open_stream = ss->cur_owner->stream->id;
	}
	spin_lock_irq(&log->lock);
	head = log->head_lsn;
	spin_unlock_irq(&log->lock);
	mutex_unlock(&ss->append_lock);

	mutex_lock(&log->md_lock);
	sp->tail = head;
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		const struct clfs_md_stream *st = &md->streams[i];
		struct clfs_mgmt_snap_stream *s = &mg->snap[i];

		s->active = st->state == CLFS_STREAM_ACTIVE;
		if (!s->active)
			continue;
		s->need = clfs_tail_need(md, st, last[i] != CLFS_LSN_NULL,
					 md->recovery_lsn);
		sp->tail = min(sp->tail, s->need);
		s->created = st->created_lsn;
		s->base = st->base_lsn;
		s->last = last[i];
	}
	for (i = 0; i < md->geo.nr_slots; i++)
		if (md->containers[i].state == CLFS_CONT_ACTIVE)
			lo = min(lo, md->containers[i].logical_id);
	sp->usable_free = clfs_log_usable_free(log, log->md);
	sp->target = clfs_policy_tail_target(md);
	sp->oldest = clfs_lsn_make(lo == U32_MAX ? md->next_cid : lo, 0, 0);
	sp->head = clfs_lsn_make(clfs_lsn_container(head), 0, 0);
	mutex_unlock(&log->md_lock);
}

/*
 * The record a stream is asked to move its tail to: its oldest record in
 * a block at or after @boundary, found in the block index or in the open
 * block (so it is a block the log wrote, of this stream, with client
 * records, not in a hole). If it has none there yet and the log is full,
 * the stream is idle: its youngest record, which frees what lies before
 * it. 0 when there is no such record, or it is not beyond what the
 * stream already needs (the stream cannot move).
 */
static u64 clfs_mgmt_target(struct clfs_log *log, u32 id,
			    const struct clfs_mgmt_snap_stream *s,
			    const struct clfs_mgmt_space *sp, u64 boundary,
			    bool full)
{
	u64 from = max(boundary, clfs_lsn_block(s->created));
	u64 lsn;

	while (clfs_blkidx_find_stream(&log->blkidx, from, id, &lsn) &&
	       lsn <= s->last) {
		if (!clfs_holes_find(log, id, lsn, NULL))
			return lsn;
		from = lsn + 1;
	}
	if (sp->open_lsn >= from && sp->open_stream == id &&
	    sp->open_lsn <= s->last &&
	    !clfs_holes_find(log, id, sp->open_lsn, NULL))
		return sp->open_lsn;
	if (full && s->last != CLFS_LSN_NULL &&
	    clfs_lsn_block(s->last) > s->need)
		return s->last;
	return 0;
}

/* Make an event pending; the round delivers it after deciding. */
static void clfs_mgmt_post(struct clfs_mgmt_client *c, u32 type, u64 lsn,
			   int status)
{
	c->pending |= CLFS_EV_BIT(type);
	if (type == CLFS_EVENT_ADVANCE_TAIL)
		c->ev_lsn = lsn;
	if (type == CLFS_EVENT_LOG_FULL_HANDLED)
		c->ev_status = status;
}

/* Room again: end the full and pinned states. Under mg->lock. */
static void clfs_mgmt_room(struct clfs_mgmt *mg)
{
	u32 i;

	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		struct clfs_mgmt_client *c = mg->client[i];

		if (!c)
			continue;
		if (c->waiting) {
			c->waiting = false;
			clfs_mgmt_post(c, CLFS_EVENT_LOG_FULL_HANDLED, 0, 0);
		}
		if (mg->pinned) {
			c->failed = false;
			clfs_mgmt_post(c, CLFS_EVENT_LOG_UNPINNED, 0, 0);
		}
	}
	mg->full = false;
	mg->pinned = false;
}

/*
 * Send the requests the shortfall calls for. Returns how many streams
 * holding the space may still move. Under mg->lock.
 */
static u32 clfs_mgmt_request(struct clfs_mgmt *mg,
			     const struct clfs_mgmt_space *sp)
{
	u32 short_by = sp->target - sp->usable_free, movable = 0, i;
	u64 boundary;

	boundary = clfs_lsn_make(clfs_lsn_container(sp->oldest) + short_by,
				 0, 0);
	boundary = min(boundary, sp->head);
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		const struct clfs_mgmt_snap_stream *s = &mg->snap[i];
		struct clfs_mgmt_client *c = mg->client[i];
		u64 t;

		if (!s->active || s->need >= boundary || !c || c->failed)
			continue;
		if (c->request) {
			movable++;
			continue;
		}
		t = clfs_mgmt_target(mg->log, i, s, sp, boundary, mg->full);
		if (!t)
			continue;
		c->request = true;
		c->target = t;
		mg->requests_sent++;
		clfs_mgmt_post(c, CLFS_EVENT_ADVANCE_TAIL, t, 0);
		movable++;
	}
	return movable;
}

/* Callbacks of in-kernel clients, with no lock held. */
static void clfs_mgmt_deliver(struct clfs_mgmt *mg)
{
	u32 i;

	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		struct clfs_mgmt_client *c;
		u32 pending;
		u64 lsn;
		int status;

		spin_lock_irq(&mg->lock);
		c = mg->client[i];
		if (!c || !c->pending) {
			spin_unlock_irq(&mg->lock);
			continue;
		}
		pending = c->pending;
		lsn = c->ev_lsn;
		status = c->ev_status;
		c->pending = 0;
		spin_unlock_irq(&mg->lock);
		/*
		 * @c stays valid: clfs_mgmt_deregister() waits for this work
		 * after unlinking it.
		 */
		if ((pending & CLFS_EV_BIT(CLFS_EVENT_LOG_FULL_HANDLED)) &&
		    c->ops->log_full_handled)
			c->ops->log_full_handled(c->ctx, status);
		if ((pending & CLFS_EV_BIT(CLFS_EVENT_LOG_UNPINNED)) &&
		    c->ops->log_unpinned)
			c->ops->log_unpinned(c->ctx);
		if ((pending & CLFS_EV_BIT(CLFS_EVENT_ADVANCE_TAIL)) &&
		    c->ops->advance_tail)
			c->ops->advance_tail(c->ctx, lsn);
	}
}

static void clfs_mgmt_round(struct work_struct *work)
{
	struct clfs_mgmt *mg = container_of(work, struct clfs_mgmt, work);
	struct clfs_log *log = mg->log;
	struct clfs_mgmt_space sp;
	bool full, room;
	u32 i, movable;

	spin_lock_irq(&mg->lock);
	full = mg->full;
	spin_unlock_irq(&mg->lock);
	if (full) {
		mutex_lock(&log->md_lock);
		if (!clfs_log_usable_free(log, log->md))
			clfs_log_auto_grow(log);
		mutex_unlock(&log->md_lock);
	}
	clfs_mgmt_snapshot(mg, &sp);
	room = sp.usable_free > 0;

	spin_lock_irq(&mg->lock);
	if (room && (mg->full || mg->pinned))
		clfs_mgmt_room(mg);
	/* A request is answered once the stream's tail reached its block. */
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		struct clfs_mgmt_client *c = mg->client[i];

		if (c && c->request && (!mg->snap[i].active ||
					mg->snap[i].need >= clfs_lsn_block(c->target)))
			c->request = false;
	}
	mg->attention = sp.usable_free < sp.target;
	if (mg->attention) {
		movable = clfs_mgmt_request(mg, &sp);
		/*
		 * Tails already past the oldest container: its release is
		 * under way (the tail move commits before the recycling).
		 */
		if (clfs_lsn_container(sp.tail) > clfs_lsn_container(sp.oldest))
			movable++;
		if (mg->full && !movable && !mg->pinned) {
			mg->pinned = true;
			mg->pinned_events++;
			for (i = 0; i < CLFS_MAX_STREAMS; i++) {
				struct clfs_mgmt_client *c = mg->client[i];

				if (c && c->waiting) {
					c->waiting = false;
					clfs_mgmt_post(c,
						       CLFS_EVENT_LOG_FULL_HANDLED,
						       0, -ENOSPC);
				}
			}
			pr_debug("%s: log pinned\n", log->name);
		}
	}
	spin_unlock_irq(&mg->lock);
	clfs_mgmt_deliver(mg);
}

/**
 * clfs_mgmt_sync() - wait until no round is queued or running
 * @log: the log
 *
 * For tests: after it returns, every event a kick before the call caused
 * has been delivered.
 */
void clfs_mgmt_sync(struct clfs_log *log)
{
	struct clfs_mgmt *mg = clfs_mgmt_of(log);

	if (mg)
		flush_work(&mg->work);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_mgmt_sync);

/**
 * clfs_mgmt_attach() - set up the management state of a log
 * @ss: the log's stream layer
 *
 * Return: 0 or -ENOMEM.
 */
int clfs_mgmt_attach(struct clfs_streams *ss)
{
	struct clfs_mgmt *mg;

	mg = kzalloc(sizeof(*mg), GFP_KERNEL);
	if (!mg)
		return -ENOMEM;
	mg->log = ss->log;
	spin_lock_init(&mg->lock);
	INIT_WORK(&mg->work, clfs_mgmt_round);
	ss->mgmt = mg;
	return 0;
}

/**
 * clfs_mgmt_detach() - stop rounds and free the management state
 * @ss: the log's stream layer; every client is deregistered (every stream
 *	handle is closed)
 */
void clfs_mgmt_detach(struct clfs_streams *ss)
{
	struct clfs_mgmt *mg = ss->mgmt;
	u32 i;

	if (!mg)
		return;
	spin_lock_irq(&mg->lock);
	mg->dying = true;
	spin_unlock_irq(&mg->lock);
	cancel_work_sync(&mg->work);
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		WARN_ONCE(mg->client[i], "clfs: stream %u still has a client\n",
			  i);
	ss->mgmt = NULL;
	kfree(mg);
}

/**
 * clfs_mgmt_register() - register a stream's management client
 * @s: a handle on the stream, open until the client is deregistered
 * @ops: the client's callbacks
 * @ctx: passed to the callbacks
 *
 * The client gets tail-advance requests for the stream, the answers to
 * its clfs_mgmt_handle_log_full() calls, and unpinned events. A request
 * may come at once, if the log is short of space already.
 *
 * Return: the client, or an ERR_PTR: -EINVAL for NULL @ops, -EBUSY if
 * the stream has one, -EROFS for a read-only log, -ENOMEM.
 */
struct clfs_mgmt_client *clfs_mgmt_register(struct clfs_stream *s,
					    const struct clfs_mgmt_ops *ops,
					    void *ctx)
{
	struct clfs_mgmt *mg = s->log->streams->mgmt;
	struct clfs_mgmt_client *c;
	int ret = 0;

	if (!ops)
		return ERR_PTR(-EINVAL);
	if (s->log->read_only)
		return ERR_PTR(-EROFS);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->mg = mg;
	c->stream = s->id;
	c->ops = ops;
	c->ctx = ctx;
	spin_lock_irq(&mg->lock);
	if (mg->client[s->id])
		ret = -EBUSY;
	else
		mg->client[s->id] = c;
	spin_unlock_irq(&mg->lock);
	if (ret) {
		kfree(c);
		return ERR_PTR(ret);
	}
	clfs_mgmt_kick(s->log, 0);
	return c;
}
EXPORT_SYMBOL_GPL(clfs_mgmt_register);

/**
 * clfs_mgmt_deregister() - remove a management client
 * @c: the client; NULL is ignored
 *
 * Waits for a running callback to return, so it must not be called from
 * one of @c's callbacks. After it returns no callback runs.
 */
void clfs_mgmt_deregister(struct clfs_mgmt_client *c)
{
	struct clfs_mgmt *mg;

	if (!c)
		return;
	mg = c->mg;
	spin_lock_irq(&mg->lock);
	mg->client[c->stream] = NULL;
	spin_unlock_irq(&mg->lock);
	flush_work(&mg->work);
	kfree(c);
	clfs_mgmt_kick(mg->log, 0);
}
EXPORT_SYMBOL_GPL(clfs_mgmt_deregister);

/**
 * clfs_mgmt_handle_log_full() - ask clfs to make room
 * @c: the client
 *
 * CLFS's HandleLogFull: the log grows if its policies allow; if it
 * cannot, a round sends tail-advance requests, and @c gets a
 * log-full-handled event when the log has room again (status 0) or is
 * pinned (-ENOSPC).
 *
 * Return: 0 if the log has room (no event follows); -EINPROGRESS if an
 * event follows; -EROFS, -EIO.
 */
int clfs_mgmt_handle_log_full(struct clfs_mgmt_client *c)
{
	struct clfs_mgmt *mg = c->mg;
	struct clfs_log *log = mg->log;
	int ret;

	ret = clfs_log_check_writable(log);
	if (ret)
		return ret;
	mutex_lock(&log->md_lock);
	ret = clfs_log_usable_free(log, log->md) || !clfs_log_auto_grow(log) ?
	      0 : -EINPROGRESS;
	mutex_unlock(&log->md_lock);
	if (!ret)
		return 0;
	spin_lock_irq(&mg->lock);
	c->waiting = true;
	c->pending &= ~CLFS_EV_BIT(CLFS_EVENT_LOG_FULL_HANDLED);
	if (!mg->full) {
		mg->full = true;
		mg->full_events++;
	}
	clfs_mgmt_queue(mg);
	spin_unlock_irq(&mg->lock);
	return -EINPROGRESS;
}
EXPORT_SYMBOL_GPL(clfs_mgmt_handle_log_full);

/**
 * clfs_mgmt_tail_advance_failure() - the client cannot move its tail
 * @c: the client, with an unanswered tail-advance request
 * @reason: why, a negative errno
 *
 * The request counts as answered. The stream is then no hope for room
 * until the log has room again; if no other stream can move, the log is
 * pinned.
 *
 * Return: 0; -EINVAL for a @reason that is no errno or with no request
 * to answer.
 */
int clfs_mgmt_tail_advance_failure(struct clfs_mgmt_client *c, int reason)
{
	struct clfs_mgmt *mg = c->mg;
	int ret = 0;

	if (reason >= 0 || reason < -MAX_ERRNO)
		return -EINVAL;
	spin_lock_irq(&mg->lock);
	if (!c->request) {
		ret = -EINVAL;
	} else {
		c->request = false;
		c->failed = true;
		clfs_mgmt_queue(mg);
	}
	spin_unlock_irq(&mg->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_mgmt_tail_advance_failure);

/**
 * clfs_mgmt_stream_state() - a stream's management state, for queries
 * @ss: the stream layer
 * @id: the stream
 * @flags: receives CLFS_STREAM_MGMT_* bits
 * @request: receives the unanswered request's target, or CLFS_LSN_NULL
 */
void clfs_mgmt_stream_state(struct clfs_streams *ss, u32 id, u32 *flags,
			    u64 *request)
{
	struct clfs_mgmt *mg = ss->mgmt;
	struct clfs_mgmt_client *c;

	*flags = 0;
	*request = CLFS_LSN_NULL;
	spin_lock_irq(&mg->lock);
	c = mg->client[id];
	if (c) {
		*flags = CLFS_STREAM_MGMT_CLIENT;
		if (c->request) {
			*flags |= CLFS_STREAM_MGMT_REQUEST;
			*request = c->target;
		}
		if (c->failed)
			*flags |= CLFS_STREAM_MGMT_FAILED;
		if (c->waiting)
			*flags |= CLFS_STREAM_MGMT_WAITING;
	}
	spin_unlock_irq(&mg->lock);
}

/**
 * clfs_mgmt_query() - a log's size and management state
 * @log: an open log
 * @info: filled in
 *
 * Return: 0, or -EINVAL for a NULL @info.
 */
int clfs_mgmt_query(struct clfs_log *log, struct clfs_mgmt_info *info)
{
	struct clfs_mgmt *mg = log->streams->mgmt;
	const struct clfs_md *md = log->md;
	u32 i;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	mutex_lock(&log->md_lock);
	info->nr_free = clfs_md_count(md, CLFS_CONT_FREE);
	info->nr_containers = info->nr_free +
			      clfs_md_count(md, CLFS_CONT_ACTIVE);
	info->nr_held = min(log->held_containers, info->nr_free);
	info->min_containers = clfs_policy_min(md);
	info->max_containers = clfs_policy_max(md);
	info->grown = log->stats.grown;
	info->shrunk = log->stats.shrunk;
	mutex_unlock(&log->md_lock);

	spin_lock_irq(&mg->lock);
	info->flags = (mg->full ? CLFS_MGMT_FULL : 0) |
		      (mg->pinned ? CLFS_MGMT_PINNED : 0);
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		const struct clfs_mgmt_client *c = mg->client[i];

		if (!c)
			continue;
		info->nr_clients++;
		info->nr_requests += c->request;
		info->nr_waiting += c->waiting;
	}
	info->full_events = mg->full_events;
	info->pinned_events = mg->pinned_events;
	info->requests_sent = mg->requests_sent;
	spin_unlock_irq(&mg->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(clfs_mgmt_query);
