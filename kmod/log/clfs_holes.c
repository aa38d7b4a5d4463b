// SPDX-License-Identifier: GPL-2.0
/*
 * clfs holes: the ranges of a stream's LSNs that set end of log removed.
 *
 * Truncating a stream back to record T appends a truncation block at H
 * (clfs_format.h section 4); the stream's records in (T, H) are a hole:
 * they stay on disk, unread, until their containers are recycled. The
 * stream layer adds a hole when it writes the block, recovery when it
 * scans one, and readers ask whether an LSN is in one. Holes of a stream
 * never overlap: a truncation point is a record, so it is never inside an
 * older hole, and a new hole starting before an older one swallows it.
 *
 * Holes are few (one per truncation, forgotten once the stream's start
 * passes them), so one short list per log under a spinlock is enough.
 */
#include <linux/list.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include "clfs_log.h"

/**
 * struct clfs_hole - removed records of one stream
 * @list: in clfs_log.holes
 * @stream: the stream
 * @from: its last record before the hole (the truncation point)
 * @to: the truncation block: the hole is every LSN strictly between
 */
struct clfs_hole {
	struct list_head list;
	u32 stream;
	u64 from;
	u64 to;
};

/**
 * clfs_hole_alloc() - memory for a hole, allocated before it is known
 *
 * Return: the hole, to give to clfs_holes_insert() or kfree(); or NULL.
 * Truncation allocates first, so that once its block is written nothing
 * can fail.
 */
struct clfs_hole *clfs_hole_alloc(void)
{
	return kzalloc(sizeof(struct clfs_hole), GFP_KERNEL);
}

/**
 * clfs_holes_insert() - record that a stream's LSNs in (@from, @to) are gone
 * @log: the log
 * @h: from clfs_hole_alloc(); the log owns it now
 * @stream: the stream
 * @from: the truncation point
 * @to: the truncation block, after every hole of the stream so far
 */
void clfs_holes_insert(struct clfs_log *log, struct clfs_hole *h, u32 stream,
		       u64 from, u64 to)
{
	struct clfs_hole *old, *tmp;

	h->stream = stream;
	h->from = from;
	h->to = to;
	spin_lock(&log->hole_lock);
	list_for_each_entry_safe(old, tmp, &log->holes, list) {
		if (old->stream == stream && old->from >= from) {
			list_del(&old->list);
			kfree(old);
		}
	}
	list_add_tail(&h->list, &log->holes);
	spin_unlock(&log->hole_lock);
}

/**
 * clfs_holes_find() - is an LSN inside a hole of a stream?
 * @log: the log
 * @stream: the stream
 * @lsn: the LSN
 * @to: NULL, or receives the end of the hole (a block LSN: the stream's
 *	next records, if any, are at or after it)
 *
 * Return: true if @lsn names no record of @stream any more.
 */
bool clfs_holes_find(struct clfs_log *log, u32 stream, u64 lsn, u64 *to)
{
	struct clfs_hole *h;
	bool found = false;

	spin_lock(&log->hole_lock);
	list_for_each_entry(h, &log->holes, list) {
		if (h->stream == stream && lsn > h->from && lsn < h->to) {
			if (to)
				*to = h->to;
			found = true;
			break;
		}
	}
	spin_unlock(&log->hole_lock);
	return found;
}

/**
 * clfs_holes_forget() - drop a stream's holes that end before a position
 * @log: the log
 * @stream: the stream
 * @below: holes ending at or before it are dropped (U64_MAX: all)
 *
 * Called when the stream's start moves past them, and when the stream is
 * reset or deleted.
 */
void clfs_holes_forget(struct clfs_log *log, u32 stream, u64 below)
{
	struct clfs_hole *h, *tmp;

	spin_lock(&log->hole_lock);
	list_for_each_entry_safe(h, tmp, &log->holes, list) {
		if (h->stream == stream && h->to <= below) {
			list_del(&h->list);
			kfree(h);
		}
	}
	spin_unlock(&log->hole_lock);
}

/**
 * clfs_holes_count() - how many holes a stream has
 * @log: the log
 * @stream: the stream
 *
 * Return: the number of holes.
 */
u32 clfs_holes_count(struct clfs_log *log, u32 stream)
{
	struct clfs_hole *h;
	u32 n = 0;

	spin_lock(&log->hole_lock);
	list_for_each_entry(h, &log->holes, list)
		n += h->stream == stream;
	spin_unlock(&log->hole_lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_holes_count);

/**
 * clfs_holes_free() - free every hole, when the log goes away
 * @log: the log
 */
void clfs_holes_free(struct clfs_log *log)
{
	struct clfs_hole *h, *tmp;

	list_for_each_entry_safe(h, tmp, &log->holes, list) {
		list_del(&h->list);
		kfree(h);
	}
}
