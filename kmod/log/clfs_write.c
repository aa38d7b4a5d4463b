// SPDX-License-Identifier: GPL-2.0
/*
 * clfs write path: building log I/O blocks, writing them, making them
 * durable, and shutting the log down when the device fails.
 *
 * A block's life: clfs_wblk_open() fixes its position (the log head) and so
 * the LSNs of the records clfs_wblk_add() puts in it; clfs_wblk_submit()
 * seals it (crc, epoch) and writes it; its completion retires it.
 *
 * Ordering rules, and where they are kept:
 *  - One block is open per log at a time. Its position is fixed when it
 *    opens, so a record's LSN is known when it is added; the next block's
 *    position depends on how long this one ends up, so it cannot open
 *    before this one is submitted. The block's capacity never exceeds what
 *    is left of its container, so no block spans two.
 *  - A container receives blocks only after the metadata that activates it
 *    is durable (clfs_container_activate_next(), called by open).
 *  - Blocks enter the in-flight list in LSN order but may reach the device
 *    (clfs_wblk_submit_async() computes the crc and writes on a workqueue)
 *    and complete in any order.
 *    completed_lsn advances only over a contiguous run of completed blocks,
 *    in LSN order (complete_work), so "completed before X" has no holes.
 *  - A device flush (PREFLUSH) covers only writes that had completed when
 *    it was submitted. clfs_log_flush() therefore waits until every block up
 *    to its target has completed, then flushes; a record is durable once
 *    its block lies below durable_lsn. Concurrent flushers share one flush:
 *    whoever holds flush_lock flushes everything completed so far, and the
 *    others find their target already durable (group commit).
 *  - Any failed block write shuts the log down: the error is recorded
 *    before completed_lsn moves past the failed block, and every flush
 *    checks it after waiting, so a failed write is never reported durable.
 *    After shutdown, writes and flushes fail with -EIO; reads still work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include "clfs_log.h"

/**
 * struct clfs_wblk - a log I/O block being built or written
 * @log: its log
 * @io: the write
 * @list: on log->inflight once submitted
 * @hdr: header fields; @hdr.lsn fixed at open
 * @next_lsn: where the block after this one starts, set at submit
 * @dev_offset: device byte offset of @hdr.lsn
 * @buf: the block buffer, @cap bytes usable, @alloc bytes allocated
 * @max: the block size the caller asked for (sector multiple)
 * @cap: most bytes the block may use: @max, or less near the container end
 * @alloc: allocated size of @buf (whole pages, so sector aligned)
 * @data_bytes: client data in the block's records
 * @close_container: a record did not fit in what is left of the container:
 *	seal with CLFS_BLK_F_CONTAINER_END so the next block starts afresh in
 *	the next container instead of in the sliver after this one
 * @seal_work: computes the crc and submits the write (async submission)
 * @retired: called once when the block is gone (retired after its write,
 *	or aborted), in process context, so its owner can count buffers
 * @retired_arg: for @retired
 * @buf_free: frees @buf when a client allocator provided it, else NULL
 * @buf_ctx: for @buf_free
 * @done: the write completed (under log->lock)
 * @err: its result
 */
struct clfs_wblk {
	struct clfs_log *log;
	struct clfs_io io;
	struct list_head list;
	struct clfs_blk hdr;
	u64 next_lsn;
	u64 dev_offset;
	void *buf;
	u32 max;
	u32 cap;
	u32 alloc;
	u32 data_bytes;
	bool close_container;
	struct work_struct seal_work;
	void (*retired)(void *arg);
	void *retired_arg;
	void (*buf_free)(void *buf, void *ctx);
	void *buf_ctx;
	bool done;
	int err;
};

/*
 * Block buffers are kept for the next blocks rather than freed: a 64 KiB
 * allocation for every block, zeroed by the page allocator on kernels
 * with init_on_alloc (Debian's default), was a quarter of the busy CPU
 * time of a forced append from one client (docs/performance.md). Only buffers of one size are
 * kept, the size the log's clients use.
 */
static void *clfs_spare_get(struct clfs_log *log, u32 bytes)
{
	void *buf = NULL;

	spin_lock(&log->spare_lock);
	if (log->nr_spare && log->spare_bytes == bytes)
		buf = log->spare[--log->nr_spare];
	spin_unlock(&log->spare_lock);
	return buf ?: kvmalloc(bytes, GFP_KERNEL);
}

static void clfs_spare_put(struct clfs_log *log, void *buf, u32 bytes)
{
	spin_lock(&log->spare_lock);
	if (!log->nr_spare)
		log->spare_bytes = bytes;
	if (log->spare_bytes == bytes && log->nr_spare < CLFS_SPARE_BUFS) {
		log->spare[log->nr_spare++] = buf;
		buf = NULL;
	}
	spin_unlock(&log->spare_lock);
	kvfree(buf);
}

static void clfs_wblk_free(struct clfs_wblk *b)
{
	if (b->retired)
		b->retired(b->retired_arg);
	if (b->buf_free)
		b->buf_free(b->buf, b->buf_ctx);
	else
		clfs_spare_put(b->log, b->buf, b->alloc);
	kfree(b);
}

/**
 * clfs_log_count_copy() - account for client bytes copied into clfs memory
 * @log: the log
 * @bytes: how many
 *
 * For the statistics' bytes copied per byte appended: the engine counts its
 * copy into the block, a front end (the ioctl path) any copy it makes first.
 */
void clfs_log_count_copy(struct clfs_log *log, u64 bytes)
{
	atomic64_add(bytes, &log->copied_bytes);
}

/**
 * clfs_log_check_writable() - may the log be written now?
 * @log: the log
 *
 * Return: 0, -EROFS for a read-only log, or the shutdown error (-EIO).
 */
int clfs_log_check_writable(struct clfs_log *log)
{
	int ret;

	if (log->read_only)
		return -EROFS;
	spin_lock_irq(&log->lock);
	ret = log->shutdown;
	spin_unlock_irq(&log->lock);
	return ret;
}

/**
 * clfs_log_shutdown() - stop all writing after a device error
 * @log: the log
 * @err: the error; every later write and flush fails with -EIO
 */
void clfs_log_shutdown(struct clfs_log *log, int err)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&log->lock, flags);
	first = !log->shutdown;
	if (first)
		log->shutdown = -EIO;
	spin_unlock_irqrestore(&log->lock, flags);
	if (first)
		pr_err("%s: I/O error %d: log shut down, no further writes\n",
		       log->name, err);
	wake_up_all(&log->wait);
}

/* Retire completed blocks at the front of the in-flight list, in order. */
static void clfs_complete_work(struct work_struct *work)
{
	struct clfs_log *log = container_of(work, struct clfs_log, complete_work);
	struct clfs_wblk *b, *tmp;
	LIST_HEAD(done);
	u64 failed_lsn = 0;
	int err = 0;

	spin_lock_irq(&log->lock);
	list_for_each_entry_safe(b, tmp, &log->inflight, list) {
		if (!b->done)
			break;
		/* Record the failure before completed_lsn passes the block. */
		if (b->err && !log->shutdown) {
			log->shutdown = -EIO;
			err = b->err;
			failed_lsn = b->hdr.lsn;
		}
		log->completed_lsn = b->next_lsn;
		list_move_tail(&b->list, &done);
	}
	spin_unlock_irq(&log->lock);

	if (err)
		pr_err("%s: writing block %#llx failed: %d: log shut down, no further writes\n",
		       log->name, failed_lsn, err);
	list_for_each_entry_safe(b, tmp, &done, list)
		clfs_wblk_free(b);
	wake_up_all(&log->wait);
}

/* Any context (see clfs_storage.h): note the result, defer the rest. */
static void clfs_wblk_end_io(struct clfs_io *io, int err)
{
	struct clfs_wblk *b = io->private;
	struct clfs_log *log = b->log;
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	b->err = err;
	b->done = true;
	log->nr_inflight--;
	/*
	 * Queue before dropping the lock. Once it is dropped, a complete_work
	 * already running may retire this block, clfs_log_stop_writer() see
	 * the in-flight list empty, destroy the workqueue and the log be
	 * freed: a queue_work() after the unlock could touch freed memory.
	 * Queued under the lock, the work is pending before the list can look
	 * empty, so the stop's flush_workqueue() waits for it.
	 */
	queue_work(log->wq, &log->complete_work);
	spin_unlock_irqrestore(&log->lock, flags);
}

/* The crc and the write of a block clfs_wblk_submit_async() queued. */
static void clfs_wblk_seal_work(struct work_struct *work)
{
	struct clfs_wblk *b = container_of(work, struct clfs_wblk, seal_work);

	clfs_blk_set_crc(b->log->crc_seed, b->buf, b->hdr.used_bytes);
	clfs_storage_submit(b->log->storage, &b->io);
}

/**
 * clfs_wblk_open_buf() - start the log's next block, in a client's buffer
 * @log: the log
 * @stream_id: the stream all its records belong to
 * @max_bytes: the caller's block size; the block may get less (the room
 *	left in its container), never more than CLFS_BLK_MAX_BYTES
 * @alloc: NULL, or allocates the block buffer (sector-aligned kernel
 *	memory from kmalloc, the page allocator or vmalloc)
 * @free: frees what @alloc returned
 * @ctx: for @alloc and @free
 * @flags: CLFS_WBLK_USE_HELD for a block opened for a record that uses a
 *	reservation; CLFS_WBLK_TRUNCATE for a truncation block, whose one
 *	record the caller adds with type CLFS_REC_TRUNCATE
 *
 * Sleeps until no other block is open, and activates the next container
 * (a metadata commit) when the head has reached it.
 *
 * Return: the block, or an ERR_PTR: -EROFS, -EIO after shutdown, -ENOSPC
 * when no free container is left, -EINVAL for a bad stream or size,
 * -EINTR if a fatal signal interrupted the wait.
 */
struct clfs_wblk *clfs_wblk_open_buf(struct clfs_log *log, u16 stream_id,
				     u32 max_bytes,
				     void *(*alloc)(size_t bytes, void *ctx),
				     void (*free)(void *buf, void *ctx),
				     void *ctx, unsigned int flags)
{
	struct clfs_md *md = log->md;
	u32 sector = md->geo.sector_bytes;
	struct clfs_wblk *b;
	u64 pos, room;
	u32 cid;
	int ret;

	if (stream_id >= CLFS_MAX_STREAMS ||
	    (stream_id && !(md->log_flags & CLFS_MD_LOG_MULTIPLEXED)))
		return ERR_PTR(-EINVAL);
	max_bytes = min(max_bytes, CLFS_BLK_MAX_BYTES);
	if (max_bytes < sector)
		return ERR_PTR(-EINVAL);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->log = log;
	INIT_WORK(&b->seal_work, clfs_wblk_seal_work);
	b->alloc = round_up(max_bytes, PAGE_SIZE);
	/*
	 * Not zeroed: every byte that reaches the device or a reader is
	 * written first - the header and the records up to used_bytes by
	 * clfs_wblk_add_vec(), the padding to the sector by clfs_blk_seal().
	 * Zeroing showed in the profile (see clfs_spare_get()).
	 */
	if (alloc) {
		b->buf = alloc(b->alloc, ctx);
		if (b->buf && !IS_ALIGNED((unsigned long)b->buf, sector)) {
			free(b->buf, ctx);
			kfree(b);
			return ERR_PTR(-EINVAL);
		}
		if (b->buf) {
			b->buf_free = free;
			b->buf_ctx = ctx;
		}
	} else {
		b->buf = clfs_spare_get(log, b->alloc);
	}
	if (!b->buf) {
		kfree(b);
		return ERR_PTR(-ENOMEM);
	}

	/* Claim the single open-block slot. */
	spin_lock_irq(&log->lock);
	for (;;) {
		ret = log->read_only ? -EROFS : log->shutdown;
		if (ret || !log->open_blk)
			break;
		spin_unlock_irq(&log->lock);
		ret = wait_event_killable(log->wait, !READ_ONCE(log->open_blk) ||
					  READ_ONCE(log->shutdown));
		spin_lock_irq(&log->lock);
		if (ret) {
			ret = -EINTR;	/* a fatal signal; not restartable */
			break;
		}
	}
	if (!ret)
		log->open_blk = b;
	pos = log->head_lsn;
	spin_unlock_irq(&log->lock);
	if (ret)
		goto fail;

	/* Room for its index entry, now that no other block is open. */
	ret = clfs_blkidx_reserve(&log->blkidx);
	if (ret)
		goto release;
	cid = clfs_lsn_container(pos);
	mutex_lock(&log->md_lock);
	if (cid >= md->next_cid)
		ret = clfs_container_activate_next(log, cid,
						   flags & CLFS_WBLK_USE_HELD);
	if (!ret)
		ret = clfs_md_lsn_to_dev(md, pos, &b->dev_offset);
	mutex_unlock(&log->md_lock);
	if (ret)
		goto release;

	room = md->geo.container_bytes - clfs_lsn_block_offset(pos);
	b->max = round_down(max_bytes, sector);
	b->cap = (u32)min_t(u64, b->max, room);
	b->hdr.lsn = pos;
	b->hdr.stream_id = stream_id;
	if (flags & CLFS_WBLK_TRUNCATE)
		b->hdr.flags = CLFS_BLK_F_TRUNCATE;
	b->hdr.used_bytes = CLFS_BLK_HDR_BYTES;
	/* Sealing writes the header; until then a reader's copy has zeros. */
	memset(b->buf, 0, CLFS_BLK_HDR_BYTES);
	return b;

release:
	spin_lock_irq(&log->lock);
	log->open_blk = NULL;
	spin_unlock_irq(&log->lock);
	wake_up_all(&log->wait);
fail:
	clfs_wblk_free(b);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_open_buf);

/**
 * clfs_wblk_open() - start the log's next block
 * @log: the log
 * @stream_id: the stream all its records belong to
 * @max_bytes: the caller's block size (see clfs_wblk_open_buf())
 *
 * Return: as clfs_wblk_open_buf().
 */
struct clfs_wblk *clfs_wblk_open(struct clfs_log *log, u16 stream_id,
				 u32 max_bytes)
{
	return clfs_wblk_open_buf(log, stream_id, max_bytes, NULL, NULL, NULL, 0);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_open);

/**
 * clfs_gather_bytes() - size of a record's data made of several entries
 * @vec: the entries
 * @nr: how many
 * @align: each entry starts on a multiple of this many bytes from the start
 *	of the record's data (0 or 1: packed); a power of two
 *
 * Return: the data size including the zero padding between entries, or
 * U32_MAX if it does not fit in 32 bits.
 */
u32 clfs_gather_bytes(const struct kvec *vec, u32 nr, u32 align)
{
	u64 off = 0;
	u32 i;

	if (align < 1)
		align = 1;
	for (i = 0; i < nr; i++) {
		off = round_up(off, (u64)align) + vec[i].iov_len;
		if (off > U32_MAX)
			return U32_MAX;
	}
	return (u32)off;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_gather_bytes);

/**
 * clfs_wblk_add_vec() - append one record, gathered from several entries
 * @b: the block
 * @type: CLFS_REC_DATA or CLFS_REC_RESTART
 * @prev_lsn: the client's previous LSN (CLFS_LSN_NULL, CLFS_LSN_INVALID or
 *	an older record)
 * @undo_next_lsn: the client's undo-next LSN, same rules
 * @vec: the entries, concatenated into the record's data
 * @nr: how many entries
 * @align: see clfs_gather_bytes(); the padding is zero
 * @lsn: receives the record's LSN
 *
 * Return: 0; -ENOSPC when the block has no room left for this record (the
 * caller submits it and opens another, which has room); -E2BIG when no
 * block of the caller's size could ever hold it; -EINVAL for a bad type or
 * back-pointer.
 */
int clfs_wblk_add_vec(struct clfs_wblk *b, u32 type, u64 prev_lsn,
		      u64 undo_next_lsn, const struct kvec *vec, u32 nr,
		      u32 align, u64 *lsn)
{
	u32 data_bytes = clfs_gather_bytes(vec, nr, align);
	u32 need = clfs_rec_disk_bytes(data_bytes);
	struct clfs_rec rec = {
		.lsn = b->hdr.lsn + b->hdr.nr_records,
		.prev_lsn = prev_lsn,
		.undo_next_lsn = undo_next_lsn,
		.data_bytes = data_bytes,
		.type = type,
	};
	void *dst = b->buf + b->hdr.used_bytes;
	u32 i, off = 0;
	int ret;

	/* Truncation records go alone into truncation blocks (clfs_format.h). */
	if ((type == CLFS_REC_TRUNCATE) !=
	    !!(b->hdr.flags & CLFS_BLK_F_TRUNCATE))
		return -EINVAL;
	if (data_bytes == U32_MAX || !need || CLFS_BLK_HDR_BYTES + need > b->max)
		return -E2BIG;
	if (b->hdr.nr_records >= CLFS_LSN_RECORDS_PER_BLOCK)
		return -ENOSPC;
	if (b->hdr.used_bytes + need > b->cap) {
		if (b->cap < b->max)
			b->close_container = true;
		return -ENOSPC;
	}
	ret = clfs_rec_encode(b->log->md, &rec, dst, b->cap - b->hdr.used_bytes);
	if (ret < 0)
		return ret;
	dst += CLFS_REC_HDR_BYTES;
	for (i = 0; i < nr; i++) {
		u32 at = round_up(off, max(align, 1U));

		memset(dst + off, 0, at - off);
		memcpy(dst + at, vec[i].iov_base, vec[i].iov_len);
		off = at + vec[i].iov_len;
	}
	b->hdr.used_bytes += ret;
	b->hdr.nr_records++;
	b->data_bytes += data_bytes;
	clfs_log_count_copy(b->log, data_bytes);
	*lsn = rec.lsn;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_add_vec);

/**
 * clfs_wblk_add() - append one record from one buffer
 * @b: the block
 * @type: CLFS_REC_DATA or CLFS_REC_RESTART
 * @prev_lsn: the client's previous LSN
 * @undo_next_lsn: the client's undo-next LSN
 * @data: the client's bytes
 * @data_bytes: how many
 * @lsn: receives the record's LSN
 *
 * Return: as clfs_wblk_add_vec().
 */
int clfs_wblk_add(struct clfs_wblk *b, u32 type, u64 prev_lsn,
		  u64 undo_next_lsn, const void *data, u32 data_bytes, u64 *lsn)
{
	struct kvec v = { .iov_base = (void *)data, .iov_len = data_bytes };

	return clfs_wblk_add_vec(b, type, prev_lsn, undo_next_lsn, &v, 1, 1, lsn);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_add);

/**
 * clfs_wblk_set_retire() - be told when a block is gone
 * @b: an open block
 * @fn: called once, in process context, after the block retired (its
 *	write completed, successfully or not) or was aborted
 * @arg: for @fn
 */
void clfs_wblk_set_retire(struct clfs_wblk *b, void (*fn)(void *arg),
			  void *arg)
{
	b->retired = fn;
	b->retired_arg = arg;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_set_retire);

/**
 * clfs_wblk_closes_container() - must this block be written even if empty?
 * @b: an open block
 *
 * Return: true when a record did not fit in what is left of the block's
 * container: the block, written, sends the next one to the next container.
 */
bool clfs_wblk_closes_container(const struct clfs_wblk *b)
{
	return b->close_container;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_closes_container);

/**
 * clfs_wblk_records() - how many records an open block holds
 * @b: the block
 *
 * Return: the count.
 */
u32 clfs_wblk_records(const struct clfs_wblk *b)
{
	return b->hdr.nr_records;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_records);

/**
 * clfs_wblk_copy() - copy an open block for a reader
 * @b: the block, kept open by the caller's lock against submission
 * @buf: CLFS_BLK_MAX_BYTES
 * @blk: receives a header describing what is in @buf so far
 *
 * Records of the open block are readable before they are written; the
 * copy can be walked with clfs_rec_iter_init() like a block read back.
 */
void clfs_wblk_copy(const struct clfs_wblk *b, void *buf, struct clfs_blk *blk)
{
	memcpy(buf, b->buf, b->hdr.used_bytes);
	*blk = b->hdr;
	blk->disk_bytes = round_up(b->hdr.used_bytes,
				   b->log->md->geo.sector_bytes);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_copy);

/**
 * clfs_wblk_lsn() - the LSN of an open block (its record 0)
 * @b: the block
 *
 * Return: the block's LSN.
 */
u64 clfs_wblk_lsn(const struct clfs_wblk *b)
{
	return b->hdr.lsn;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_lsn);

static void clfs_wblk_release_slot(struct clfs_log *log)
{
	spin_lock_irq(&log->lock);
	log->open_blk = NULL;
	spin_unlock_irq(&log->lock);
	wake_up_all(&log->wait);
}

/**
 * clfs_wblk_abort() - drop an open block without writing it
 * @b: the block; its records were never acknowledged
 */
void clfs_wblk_abort(struct clfs_wblk *b)
{
	clfs_wblk_release_slot(b->log);
	clfs_wblk_free(b);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_abort);

/* Seal @b but for its crc, put it in flight, and crc and write it. */
static int clfs_wblk_queue(struct clfs_wblk *b, bool async)
{
	struct clfs_log *log = b->log;
	int disk_bytes;

	b->hdr.epoch = log->md->epoch;
	if (b->close_container)
		b->hdr.flags |= CLFS_BLK_F_CONTAINER_END;
	disk_bytes = clfs_blk_seal_nocrc(log->md, &b->hdr, b->buf, b->alloc);
	if (WARN_ON_ONCE(disk_bytes < 0)) {
		clfs_wblk_abort(b);
		return disk_bytes;
	}
	b->hdr.disk_bytes = disk_bytes;
	b->next_lsn = clfs_blk_next_lsn(log->md, &b->hdr);

	b->io.op = CLFS_IO_WRITE;
	b->io.offset = b->dev_offset;
	b->io.len = disk_bytes;
	b->io.buf = b->buf;
	b->io.end_io = clfs_wblk_end_io;
	b->io.private = b;

	/*
	 * Indexed before the head moves past it, so a reader never finds a
	 * completed block missing from the index; outside log->lock, which
	 * I/O completion takes.
	 */
	if (clfs_blkidx_add(&log->blkidx, b->hdr.lsn,
			    clfs_blkidx_tag(&b->hdr))) {
		clfs_log_shutdown(log, -EIO);
		clfs_wblk_abort(b);
		return -EIO;
	}
	spin_lock_irq(&log->lock);
	if (log->shutdown) {
		spin_unlock_irq(&log->lock);
		clfs_wblk_abort(b);
		return -EIO;
	}
	list_add_tail(&b->list, &log->inflight);
	log->head_lsn = b->next_lsn;
	log->open_blk = NULL;
	log->nr_inflight++;
	log->stats.blocks_written++;
	log->stats.bytes_written += disk_bytes;
	log->stats.records_written += b->hdr.nr_records;
	log->stats.record_bytes += b->data_bytes;
	log->stats.inflight_sum += log->nr_inflight;
	log->stats.inflight_max = max_t(u64, log->stats.inflight_max,
					log->nr_inflight);
	spin_unlock_irq(&log->lock);
	wake_up_all(&log->wait);

	if (async) {
		queue_work(log->seal_wq, &b->seal_work);
	} else {
		clfs_blk_set_crc(log->crc_seed, b->buf, b->hdr.used_bytes);
		clfs_storage_submit(log->storage, &b->io);
	}
	return 0;
}

/**
 * clfs_wblk_submit() - seal a block and start writing it
 * @b: the block; owned by the write path from now on, whatever the result
 *
 * The head moves past the block, so the next block can open at once; the
 * block is durable only after a clfs_log_flush() that covers it.
 *
 * Return: 0, or -EIO if the log was shut down (the block is not written).
 */
int clfs_wblk_submit(struct clfs_wblk *b)
{
	return clfs_wblk_queue(b, false);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_submit);

/**
 * clfs_wblk_submit_async() - clfs_wblk_submit(), the crc and write elsewhere
 * @b: the block; owned by the write path from now on, whatever the result
 *
 * For a block sealed because it is full, whose appender goes on filling
 * the next: the block's place, the head and the index change at once, as
 * in clfs_wblk_submit(), but its crc (the largest cost of sealing) and its
 * write run on the log's seal workqueue, on another CPU, so one streaming
 * client keeps two CPUs busy. The block is in flight meanwhile: flushes
 * and readers wait for its completion as for any other.
 *
 * Return: as clfs_wblk_submit().
 */
int clfs_wblk_submit_async(struct clfs_wblk *b)
{
	return clfs_wblk_queue(b, true);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_wblk_submit_async);

/**
 * clfs_log_wait_completed() - wait until a submitted block has completed
 * @log: the log
 * @lsn: an LSN in a submitted block
 *
 * Return: 0 once the block's write completed (it can be read back), -EIO
 * if the log was shut down, -EINVAL if @lsn is not in a submitted block,
 * -EINTR on a fatal signal.
 */
int clfs_log_wait_completed(struct clfs_log *log, u64 lsn)
{
	u64 blk = clfs_lsn_block(lsn);
	int ret;

	if (blk >= READ_ONCE(log->head_lsn))
		return -EINVAL;
	ret = wait_event_killable(log->wait, READ_ONCE(log->completed_lsn) > blk ||
				  READ_ONCE(log->shutdown));
	if (ret)
		return -EINTR;
	return READ_ONCE(log->completed_lsn) > blk ? 0 : -EIO;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_log_wait_completed);

/**
 * clfs_log_flush() - make records durable
 * @log: the log
 * @lsn: every record up to and including this LSN, or CLFS_LSN_INVALID
 *	for every block submitted so far
 *
 * Return: 0 once they are durable; -EINVAL if @lsn is not in a submitted
 * block; -EIO if the log is (or got) shut down; -EROFS if read-only.
 */
int clfs_log_flush(struct clfs_log *log, u64 lsn)
{
	u64 need, target;
	int ret;

	if (log->read_only)
		return -EROFS;
	spin_lock_irq(&log->lock);
	need = log->head_lsn;
	spin_unlock_irq(&log->lock);
	if (lsn != CLFS_LSN_INVALID) {
		if (!clfs_lsn_is_valid(lsn) || clfs_lsn_block(lsn) >= need)
			return -EINVAL;
		/* completed_lsn is a block boundary: past this block's start. */
		need = clfs_lsn_block(lsn) + 1;
	}

	ret = wait_event_killable(log->wait, READ_ONCE(log->completed_lsn) >= need ||
				  READ_ONCE(log->shutdown));
	if (ret)
		return -EINTR;

	mutex_lock(&log->flush_lock);
	spin_lock_irq(&log->lock);
	ret = log->shutdown;
	target = log->completed_lsn;
	if (!ret && log->durable_lsn >= need)
		target = 0;	/* a flush since we waited covered us */
	spin_unlock_irq(&log->lock);
	if (!ret && target) {
		ret = clfs_storage_flush_sync(log->storage);
		if (ret) {
			clfs_log_shutdown(log, ret);
			ret = -EIO;
		} else {
			spin_lock_irq(&log->lock);
			log->durable_lsn = max(log->durable_lsn, target);
			log->stats.flushes++;
			/* A block that failed meanwhile was not covered. */
			ret = log->shutdown;
			spin_unlock_irq(&log->lock);
			wake_up_all(&log->wait);
		}
	}
	mutex_unlock(&log->flush_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_log_flush);

/**
 * clfs_log_init_writer() - set up the write path at the recovered end
 * @log: the log, not yet visible to anyone
 * @end_lsn: where recovery found the end; the first new block goes here
 *
 * Return: 0 or -ENOMEM.
 */
int clfs_log_init_writer(struct clfs_log *log, u64 end_lsn)
{
	spin_lock_init(&log->lock);
	INIT_LIST_HEAD(&log->inflight);
	init_waitqueue_head(&log->wait);
	mutex_init(&log->flush_lock);
	spin_lock_init(&log->spare_lock);
	INIT_WORK(&log->complete_work, clfs_complete_work);
	log->head_lsn = end_lsn;
	log->completed_lsn = end_lsn;
	log->durable_lsn = end_lsn;
	log->wq = alloc_workqueue("clfs-%s", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0,
				  log->name);
	/* Unbound: a full block's crc runs beside its appender, not after. */
	log->seal_wq = alloc_workqueue("clfs-seal-%s", WQ_UNBOUND |
				       WQ_MEM_RECLAIM | WQ_HIGHPRI, 0,
				       log->name);
	if (!log->wq || !log->seal_wq) {
		if (log->wq)
			destroy_workqueue(log->wq);
		if (log->seal_wq)
			destroy_workqueue(log->seal_wq);
		log->wq = NULL;
		log->seal_wq = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * clfs_log_stop_writer() - wait for every write, then tear the path down
 * @log: the log; no block may be open
 */
void clfs_log_stop_writer(struct clfs_log *log)
{
	if (!log->wq)
		return;
	WARN_ON_ONCE(log->open_blk);
	wait_event(log->wait, list_empty_careful(&log->inflight));
	flush_workqueue(log->wq);
	destroy_workqueue(log->wq);
	log->wq = NULL;
	destroy_workqueue(log->seal_wq);
	log->seal_wq = NULL;
	while (log->nr_spare)
		kvfree(log->spare[--log->nr_spare]);
}
