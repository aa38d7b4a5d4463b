// SPDX-License-Identifier: GPL-2.0
/*
 * clfs append and flush: records go into the log's open block, blocks go
 * to the device, and flushes make them durable.
 *
 * The open block belongs to one stream and was opened for one marshalling
 * area (cur, cur_owner), whose buffer it is and whose block size it has.
 * Every area of the same stream appends into it: with one area per client,
 * as CLFS intends, sealing it whenever another area appends would give
 * each record its own block and its own write, and leave group commit
 * nothing to group. An append to another stream seals it first, since a
 * block holds one stream's records; so does a record too large for the
 * opener's block size, which then opens a block of its own area's size.
 * The block counts against the opener's max_write_buffers only: records
 * that join it use no buffer of their own area.
 *
 * Durability and group commit: a forced flush does not seal the open block
 * when it appends. clfs_flush_to_lsn() seals it only if it holds the
 * target, so threads that append and then flush together fill one block
 * and share one write and one device flush (clfs_log_flush() shares the
 * device flush among concurrent callers). FORCE_APPEND seals at once,
 * queueing the block "in LSN sequence" without waiting for durability.
 *
 * Bounded delay: an append without FORCE_FLUSH (FORCE_APPEND included,
 * whose block is written but not flushed) arms flush_work, which seals
 * whatever is open and flushes the device flush_delay after the first such
 * append; so no record waits in memory or in the device's cache much
 * longer than that.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/module.h>
#include <linux/uio.h>
#include "clfs_stream.h"

/*
 * @full: sealed for an appender that goes on (the block is full, or
 * another stream's record comes): crc and write on another CPU.
 */
static int clfs_append_write_cur(struct clfs_streams *ss, bool full)
{
	struct clfs_wblk *b = ss->cur;

	lockdep_assert_held(&ss->append_lock);
	if (!b)
		return 0;
	ss->cur = NULL;
	ss->cur_owner = NULL;
	if (!clfs_wblk_records(b) && !clfs_wblk_closes_container(b)) {
		clfs_wblk_abort(b);
		return 0;
	}
	return full ? clfs_wblk_submit_async(b) : clfs_wblk_submit(b);
}

/**
 * clfs_append_submit_cur() - write out the open block, if any
 * @ss: the stream layer, append_lock held
 *
 * An open block without records is dropped, unless it closes its
 * container (a record did not fit in the container's tail): then it is
 * written, header only, so the next block starts in the next container.
 *
 * Return: 0, or -EIO after shutdown.
 */
int clfs_append_submit_cur(struct clfs_streams *ss)
{
	return clfs_append_write_cur(ss, false);
}

static void clfs_marshal_retired(void *arg)
{
	struct clfs_marshal *m = arg;

	/*
	 * Wake under the lock: clfs_marshal_delete() frees @m as soon as it
	 * sees @writing at zero under this lock, so a wake_up_all() after
	 * the unlock could touch freed memory.
	 */
	spin_lock(&m->buf_lock);
	m->writing--;
	wake_up_all(&m->wait);
	spin_unlock(&m->buf_lock);
}

static bool clfs_marshal_has_buffer(struct clfs_marshal *m)
{
	return !m->params.max_write_buffers ||
	       READ_ONCE(m->writing) < m->params.max_write_buffers;
}

/*
 * Open a block for @m, append_lock held. Waiting for a write buffer drops
 * the lock, so another appender may have opened a block meanwhile: the
 * caller looks at cur again either way. @use_held: for a record that uses
 * a reservation, which may take a container held back for reservations.
 */
static int clfs_append_open(struct clfs_streams *ss, struct clfs_marshal *m,
			    bool use_held)
{
	struct clfs_log *log = ss->log;
	const struct clfs_marshal_params *p = &m->params;
	struct clfs_wblk *b;
	int ret;

	if (!clfs_marshal_has_buffer(m)) {
		mutex_unlock(&ss->append_lock);
		ret = wait_event_killable(m->wait, clfs_marshal_has_buffer(m) ||
					  READ_ONCE(log->shutdown));
		mutex_lock(&ss->append_lock);
		if (ret)
			return -EINTR;
		return READ_ONCE(log->shutdown) ? -EIO : 0;
	}
	b = clfs_wblk_open_buf(log, m->stream->id, p->block_bytes,
			       p->alloc_buffer, p->free_buffer, p->buffer_ctx,
			       use_held ? CLFS_WBLK_USE_HELD : 0);
	if (IS_ERR(b))
		return PTR_ERR(b);
	spin_lock(&m->buf_lock);
	m->writing++;
	spin_unlock(&m->buf_lock);
	clfs_wblk_set_retire(b, clfs_marshal_retired, m);
	ss->cur = b;
	ss->cur_owner = m;
	return 0;
}

static int clfs_append_check(struct clfs_marshal *m, const struct clfs_append *a)
{
	u32 data, max;

	if (a->flags & ~CLFS_APPEND_FLAGS)
		return -EINVAL;
	if (a->nr_entries > CLFS_APPEND_MAX_ENTRIES ||
	    (a->nr_entries && !a->entries))
		return -EINVAL;
	if (a->entry_align > 1 &&
	    (!is_power_of_2(a->entry_align) || a->entry_align > 4096))
		return -EINVAL;
	if (a->type != CLFS_RECORD_DATA && a->type != CLFS_RECORD_RESTART)
		return -EINVAL;
	data = clfs_gather_bytes(a->entries, a->nr_entries, a->entry_align);
	/*
	 * No block is larger than a container (clfs_wblk_open_buf() caps it
	 * at what is left of one), and an area's block size may be larger:
	 * checked against the block size alone, a record too big for any
	 * container would close container after container, header-only
	 * blocks, until the log was full.
	 */
	max = min_t(u64, m->params.block_bytes,
		    m->stream->log->md->geo.container_bytes);
	if (data > CLFS_REC_DATA_MAX ||
	    CLFS_BLK_HDR_BYTES + clfs_rec_disk_bytes(data) > max)
		return -E2BIG;
	return 0;
}

/**
 * clfs_reserve_and_append() - append a record to a stream
 * @m: the marshalling area
 * @a: the record (gathered from @a->entries) and the flags
 * @lsn: receives the record's LSN, exact and final
 *
 * The record is readable at once. It is durable when the call returns if
 * @a->flags has CLFS_APPEND_FORCE_FLUSH, else after a flush covering it or
 * within the log's flush delay. LSNs of a stream strictly increase.
 * Reservations (kmod/stream/clfs_reserve.c): @a->nr_reserve sizes are
 * reserved in the same atomic step (all or nothing, the append included);
 * with @lsn NULL and no entries, only that happens (a negative size
 * releases the reservation nearest to it). CLFS_APPEND_USE_RESERVATION
 * appends into space reserved earlier, using the smallest reservation that
 * covers the record: such an append never fails for lack of space.
 *
 * Return: 0; -EINVAL for bad flags, type, entries, alignment or
 * back-pointers, or CLFS_APPEND_USE_RESERVATION without a reservation
 * large enough; -E2BIG for a record larger than the area's blocks;
 * -ENOSPC when the log is full; -EROFS; -EIO; -EINTR on a fatal signal
 * while waiting for a write buffer.
 */
int clfs_reserve_and_append(struct clfs_marshal *m, struct clfs_append *a,
			    u64 *lsn)
{
	struct clfs_log *log;
	struct clfs_streams *ss;
	bool use, reserved = false;
	u32 id, charge = 0;
	int ret;

	if (!m || !a || (a->nr_reserve && !a->reserve))
		return -EINVAL;
	log = m->stream->log;
	ss = log->streams;
	id = m->stream->id;
	if (!lsn) {
		/* Reserve (or release) only: no record, no flag. */
		if (a->nr_entries || !a->nr_reserve || a->flags)
			return -EINVAL;
		if (log->read_only)
			return -EROFS;
		mutex_lock(&ss->append_lock);
		ret = clfs_resv_change(ss, id, a->nr_reserve, a->reserve);
		mutex_unlock(&ss->append_lock);
		return ret;
	}
	ret = clfs_append_check(m, a);
	if (ret)
		return ret;
	if (log->read_only)
		return -EROFS;
	use = a->flags & CLFS_APPEND_USE_RESERVATION;
	if (use)
		charge = clfs_resv_charge(log, clfs_gather_bytes(a->entries,
								 a->nr_entries,
								 a->entry_align));

	/*
	 * Reservations change only under append_lock, so the one this record
	 * uses is still there when it is taken, after the record is in its
	 * block: until then it keeps its containers held for the record.
	 */
	mutex_lock(&ss->append_lock);
	if (a->nr_reserve) {
		ret = clfs_resv_change(ss, id, a->nr_reserve, a->reserve);
		if (ret)
			goto unlock;
		reserved = true;
	}
	for (;;) {
		if (use && !clfs_resv_has(ss, id, charge)) {
			ret = -EINVAL;
			break;
		}
		if (ss->cur && ss->cur_owner->stream->id != id) {
			ret = clfs_append_write_cur(ss, true);
			if (ret)
				break;
		}
		if (!ss->cur) {
			ret = clfs_append_open(ss, m, use);
			if (ret)
				break;
			continue;
		}
		ret = clfs_wblk_add_vec(ss->cur, a->type, a->prev_lsn,
					a->undo_next_lsn, a->entries,
					a->nr_entries, a->entry_align, lsn);
		/* Larger than the opener's blocks: this area's own will do. */
		if (ret == -E2BIG && ss->cur_owner != m)
			ret = -ENOSPC;
		if (ret != -ENOSPC)
			break;
		ret = clfs_append_write_cur(ss, true);
		if (ret)
			break;
	}
	if (!ret && use)
		WARN_ON_ONCE(clfs_resv_take(ss, id, charge));
	if (ret && reserved)
		clfs_resv_undo(ss, id, a->nr_reserve, a->reserve);
	if (!ret) {
		ss->st[m->stream->id].last_lsn = *lsn;
		if (!ss->st[m->stream->id].first_lsn)
			ss->st[m->stream->id].first_lsn = *lsn;
		if (a->flags & CLFS_APPEND_FORCE_APPEND)
			ret = clfs_append_submit_cur(ss);
		/*
		 * FORCE_APPEND only writes the block: it stays in the
		 * device's volatile cache until a flush, so the bounded
		 * delay must cover it too.
		 */
		if (!ret && !(a->flags & CLFS_APPEND_FORCE_FLUSH))
			queue_delayed_work(system_unbound_wq, &ss->flush_work,
					   ss->flush_delay);
	}
unlock:
	mutex_unlock(&ss->append_lock);
	if (!ret && (a->flags & CLFS_APPEND_FORCE_FLUSH))
		ret = clfs_flush_to_lsn(m, *lsn, NULL);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_reserve_and_append);

/*
 * Group commit. Sealing the open block as soon as the first forced
 * appender flushes gives every appender its own block write: the others
 * append into the next block while it is written. But while other threads
 * are still making earlier blocks durable, or earlier blocks are still
 * being written, a flush of the open block would wait for that anyway (a
 * device flush covers only completed writes, and flushes run one at a
 * time). So it waits first, once, and seals after: the records appended
 * meanwhile join the block and share its write and its device flush. The
 * wait ends early if someone else seals the block (the head passes @lsn).
 */
static bool clfs_append_log_busy(struct clfs_streams *ss)
{
	struct clfs_log *log = ss->log;

	return atomic_read(&ss->flushing) ||
	       READ_ONCE(log->completed_lsn) < READ_ONCE(log->head_lsn);
}

static int clfs_append_wait_log_idle(struct clfs_streams *ss, u64 lsn)
{
	struct clfs_log *log = ss->log;

	/* -EINTR, as documented: only a fatal signal ends the wait. */
	return wait_event_killable(log->wait, READ_ONCE(log->shutdown) ||
				   READ_ONCE(log->head_lsn) > lsn ||
				   !clfs_append_log_busy(ss)) ? -EINTR : 0;
}

/**
 * clfs_flush_to_lsn() - make records durable
 * @m: a marshalling area of the log
 * @lsn: every record up to this LSN; CLFS_LSN_NULL or CLFS_LSN_INVALID for
 *	everything appended to the log so far
 * @flushed_lsn: if not NULL, receives the position before which every
 *	record of the log is durable (possibly beyond @lsn)
 *
 * Concurrent flushes share device flushes (group commit). A flush whose
 * I/O failed is never reported as a success: the log shuts down.
 *
 * Return: 0; -EINVAL for an LSN that was not appended; -EROFS; -EIO;
 * -EINTR on a fatal signal.
 */
int clfs_flush_to_lsn(struct clfs_marshal *m, u64 lsn, u64 *flushed_lsn)
{
	bool all = lsn == CLFS_LSN_NULL || lsn == CLFS_LSN_INVALID;
	struct clfs_log *log = m->stream->log;
	struct clfs_streams *ss = log->streams;
	bool waited = false;
	int ret = 0;

	if (!all && !clfs_lsn_is_valid(lsn))
		return -EINVAL;
	if (log->read_only)
		return -EROFS;
again:
	mutex_lock(&ss->append_lock);
	if (all) {
		if (ss->cur)
			ret = clfs_append_submit_cur(ss);
	} else if (ss->cur && clfs_lsn_block(lsn) == clfs_wblk_lsn(ss->cur)) {
		/*
		 * An index past the open block's records names no record:
		 * sealing the block would make clfs_log_flush() see a
		 * submitted block and report success for an LSN that was
		 * never appended.
		 */
		if (clfs_lsn_record_index(lsn) >= clfs_wblk_records(ss->cur)) {
			ret = -EINVAL;
		} else if (!waited && clfs_append_log_busy(ss)) {
			/* Group commit: let the block fill meanwhile. */
			mutex_unlock(&ss->append_lock);
			waited = true;
			ret = clfs_append_wait_log_idle(ss, lsn);
			if (!ret)
				goto again;
			goto out;
		} else {
			ret = clfs_append_submit_cur(ss);
		}
	}
	if (!ret)
		atomic_inc(&ss->flushing);
	mutex_unlock(&ss->append_lock);
	if (!ret) {
		ret = clfs_log_flush(log, all ? CLFS_LSN_INVALID : lsn);
		if (atomic_dec_and_test(&ss->flushing))
			wake_up_all(&log->wait);
	}
out:
	if (flushed_lsn) {
		spin_lock_irq(&log->lock);
		*flushed_lsn = log->durable_lsn;
		spin_unlock_irq(&log->lock);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_flush_to_lsn);

/**
 * clfs_flush_buffers() - make everything appended so far durable
 * @m: a marshalling area of the log
 *
 * Return: as clfs_flush_to_lsn().
 */
int clfs_flush_buffers(struct clfs_marshal *m)
{
	return clfs_flush_to_lsn(m, CLFS_LSN_NULL, NULL);
}
EXPORT_SYMBOL_GPL(clfs_flush_buffers);

/**
 * clfs_append_flush_worker() - the bounded-delay flush
 * @work: the stream layer's flush_work
 */
void clfs_append_flush_worker(struct work_struct *work)
{
	struct clfs_streams *ss = container_of(to_delayed_work(work),
					       struct clfs_streams, flush_work);
	int ret;

	mutex_lock(&ss->append_lock);
	ret = clfs_append_submit_cur(ss);
	mutex_unlock(&ss->append_lock);
	if (!ret)
		clfs_log_flush(ss->log, CLFS_LSN_INVALID);
}
