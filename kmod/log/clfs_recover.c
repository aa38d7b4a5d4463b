// SPDX-License-Identifier: GPL-2.0
/*
 * clfs recovery: finding the end of the log when it is opened.
 *
 * The scan starts at the metadata's recovery_lsn - which moves forward as
 * clients advance their bases - and follows the chain of blocks: each valid
 * block says where the next one starts (clfs_blk_next_lsn()). The first
 * place that does not hold a valid block of this log, in this place, in an
 * allowed epoch, is the end. That covers every way a crash leaves the tail:
 *   - a block never written, or a container never used: no block (-ENODATA)
 *     or a block of an earlier life of the container (-ESTALE: its LSN
 *     names another place);
 *   - a torn or partly written block: its crc fails (-EUCLEAN);
 *   - a block written after a block that was lost (writes complete out of
 *     order): the scan stops at the hole, and the orphan beyond it belongs
 *     to an older epoch than the next session, which writes its metadata
 *     with a new epoch starting at this end before its first block, so the
 *     orphan is rejected (-ESTALE) by every later scan, after any number of
 *     further crashes (clfs_format.h section 5).
 * Truncation blocks met on the way are replayed (clfs_recover_truncation()).
 * Time is proportional to what was written since the recovery start, not
 * to the size of the log. A read error fails the open: the end of a log
 * must never be guessed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include "clfs_log.h"

/*
 * Read and validate the block at @lsn into @buf (CLFS_BLK_MAX_BYTES).
 * Returns 0 with @blk filled, a format error (-ENODATA, -EUCLEAN, -ESTALE,
 * -ENOENT) when no valid block is there, or an I/O error.
 */
static int clfs_read_block_at(struct clfs_log *log, u64 lsn, u32 min_epoch,
			      void *buf, struct clfs_blk *blk)
{
	const struct clfs_md *md = log->md;
	u32 sector = md->geo.sector_bytes;
	u64 off;
	int len, ret;

	ret = clfs_md_lsn_to_dev(md, lsn, &off);
	if (ret)
		return ret;
	ret = clfs_storage_read_sync(log->storage, off, buf, sector);
	if (ret)
		return ret;
	len = clfs_blk_peek(md, lsn, buf, sector);
	if (len < 0)
		return len;
	if (len > sector) {
		ret = clfs_storage_read_sync(log->storage, off + sector,
					     buf + sector, len - sector);
		if (ret)
			return ret;
	}
	return clfs_blk_decode(md, lsn, min_epoch, buf, len, blk);
}

static bool clfs_is_format_error(int err)
{
	return err == -ENODATA || err == -EUCLEAN || err == -ESTALE ||
	       err == -ENOENT;
}

/*
 * Replay a truncation block (clfs_format.h section 4) of stream @blk's: its
 * hole comes back, the stream's last record is the truncation point (until
 * later blocks of the stream say otherwise), and metadata committed before
 * the truncation that still names a record in the hole - the stream's last
 * record or restart area - is corrected here, in memory, before the open
 * commits it. Metadata committed after the truncation names nothing in
 * the hole: the truncation commit moved both out of it.
 */
static int clfs_recover_truncation(struct clfs_log *log,
				   const struct clfs_blk *blk)
{
	struct clfs_md_stream *st = &log->md->streams[blk->stream_id];
	u64 end = blk->trunc_end_lsn;
	struct clfs_hole *h;

	h = clfs_hole_alloc();
	if (!h)
		return -ENOMEM;
	clfs_holes_insert(log, h, blk->stream_id, end, blk->lsn);
	log->stream_last[blk->stream_id] = end;
	if (st->restart_lsn > end && st->restart_lsn < blk->lsn)
		st->restart_lsn = blk->trunc_restart_lsn;
	if (st->last_lsn > end && st->last_lsn < blk->lsn)
		st->last_lsn = end;
	return 0;
}

/**
 * clfs_recover() - find the end of the log
 * @log: the log, metadata read, not yet writable
 * @end_lsn: receives the first position without a valid block
 * @max_epoch: receives the highest epoch seen (metadata or blocks)
 *
 * Return: 0, or a negative errno for an I/O or allocation failure; -EINTR
 * on a fatal signal.
 */
int clfs_recover(struct clfs_log *log, u64 *end_lsn, u32 *max_epoch)
{
	const struct clfs_md *md = log->md;
	u64 lsn = clfs_md_follow_seal(md, md->recovery_lsn);
	u32 epoch = md->epoch, min_epoch = 0;
	struct clfs_blk blk;
	void *buf;
	int ret = 0;

	buf = kvmalloc(CLFS_BLK_MAX_BYTES, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	log->recovered_blocks = 0;
	while (lsn != CLFS_LSN_INVALID) {
		ret = clfs_read_block_at(log, lsn, min_epoch, buf, &blk);
		if (ret) {
			if (clfs_is_format_error(ret)) {
				pr_debug("%s: end of log at %#llx (%d)\n",
					 log->name, lsn, ret);
				ret = 0;
			} else {
				pr_err("%s: reading block %#llx during recovery failed: %d\n",
				       log->name, lsn, ret);
			}
			break;
		}
		ret = clfs_blkidx_reserve(&log->blkidx) ?:
		      clfs_blkidx_add(&log->blkidx, lsn, clfs_blkidx_tag(&blk));
		if (ret)
			break;
		log->recovered_blocks++;
		/* Blocks below created_lsn belong to an earlier stream of this id. */
		if (blk.nr_records &&
		    md->streams[blk.stream_id].state == CLFS_STREAM_ACTIVE &&
		    blk.lsn >= md->streams[blk.stream_id].created_lsn) {
			if (blk.flags & CLFS_BLK_F_TRUNCATE) {
				ret = clfs_recover_truncation(log, &blk);
				if (ret)
					break;
			} else {
				if (!log->stream_first[blk.stream_id])
					log->stream_first[blk.stream_id] =
						blk.lsn;
				log->stream_last[blk.stream_id] =
					blk.lsn + blk.nr_records - 1;
			}
		}
		min_epoch = blk.epoch;
		epoch = max(epoch, blk.epoch);
		lsn = clfs_blk_next_lsn(md, &blk);
		/* The walk is as long as the log: an open must die with its caller. */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	kvfree(buf);
	if (ret)
		return ret;
	*end_lsn = lsn;
	*max_epoch = epoch;
	return 0;
}

/*
 * Empty the zones of the active containers from logical id @first on: they
 * lie beyond the end of the log, so whatever they hold is what a crashed
 * session left there (a block that landed after one that was lost), and
 * the session writes them from their start.
 */
static int clfs_zoned_clear_beyond(struct clfs_log *log, u32 first)
{
	struct clfs_storage *s = log->storage;
	u64 dev_off, wp;
	u32 cid;
	int ret;

	for (cid = first; cid < log->md->next_cid; cid++) {
		ret = clfs_md_lsn_to_dev(log->md, clfs_lsn_make(cid, 0, 0),
					 &dev_off);
		if (ret)
			return ret;
		ret = s->ops->write_pointer(s, dev_off, &wp);
		if (!ret && wp != dev_off)
			ret = clfs_storage_reset_zone(s, dev_off);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * clfs_log_zoned_end() - where a session on sequential storage writes first
 * @log: the log, recovered, to be opened read-write on zoned storage
 * @end_lsn: the end clfs_recover() found; moved if it must be sealed
 * @seal_lsn: receives the position to seal, or stays 0
 *
 * A zone takes writes only at its write pointer. After a clean close that
 * is the recovered end; after a crash it may be further on (a torn block,
 * or blocks that landed after a lost one), and the end cannot be written.
 * Then the end is sealed and the session starts at the next container
 * (clfs_format.h section 5). The zones of active containers after the
 * end's, and the end's own zone when the end is at its start, are emptied
 * (clfs_zoned_clear_beyond()); a container not active yet is emptied when
 * it is activated. A write pointer below the end means the device lost
 * blocks recovery just read, or lies about its zones.
 *
 * Return: 0; -EUCLEAN if the zone's write pointer is below the end; the
 * driver's error.
 */
int clfs_log_zoned_end(struct clfs_log *log, u64 *end_lsn, u64 *seal_lsn)
{
	struct clfs_storage *s = log->storage;
	u64 end = *end_lsn, dev_off, wp;
	u32 cid = clfs_lsn_container(end);
	int ret;

	if (!clfs_lsn_block_offset(end))
		return clfs_zoned_clear_beyond(log, cid);
	ret = clfs_md_lsn_to_dev(log->md, end, &dev_off);
	if (ret)
		return ret;
	ret = s->ops->write_pointer(s, dev_off, &wp);
	if (ret)
		return ret;
	if (wp == dev_off)
		return clfs_zoned_clear_beyond(log, cid + 1);
	if (wp < dev_off || cid >= CLFS_LSN_CONTAINER_MAX) {
		pr_err("%s: zone write pointer %#llx is below the end of the log at %#llx (device offset %#llx): the device lost written blocks\n",
		       log->name, wp, end, dev_off);
		return -EUCLEAN;
	}
	pr_info("%s: zone written beyond the end of the log at %#llx: sealed, the log goes on in the next container\n",
		log->name, end);
	*seal_lsn = end;
	*end_lsn = clfs_lsn_make(cid + 1, 0, 0);
	return clfs_zoned_clear_beyond(log, cid + 1);
}

/**
 * clfs_recover_check_end() - may a session write after this recovered end?
 * @log: the log, recovered
 * @end_lsn: the end clfs_recover() found
 *
 * A stream's base, archive tail and restart area are committed only once
 * every record up to them is durable, so each lies below the end of a log
 * that lost nothing. One at or beyond the end names records that were on
 * the device and are gone (a damaged block cut the scan short): a session
 * appending there would give its records LSNs below the stream's start,
 * acknowledged and unreadable. So does an end below the current epoch's
 * start, which the last read-write open found whole (a zone emptied, a
 * block damaged since). Such a log can still be read.
 *
 * Return: 0, or -EUCLEAN (one kernel message) if a stream's value lies
 * at or beyond @end_lsn, or @end_lsn below the epoch's start.
 */
int clfs_recover_check_end(const struct clfs_log *log, u64 end_lsn)
{
	static const char *const names[] = { "base", "archive tail",
					      "restart area" };
	const struct clfs_md *md = log->md;
	u32 i, k;

	if (end_lsn < md->epoch_start_lsn) {
		pr_err("%s: the log ends at %#llx, before the current epoch's start %#llx which the last open found whole: blocks were lost; the log can only be opened read-only\n",
		       log->name, end_lsn, md->epoch_start_lsn);
		return -EUCLEAN;
	}
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		const struct clfs_md_stream *st = &md->streams[i];
		const u64 v[] = { st->base_lsn, st->archive_tail_lsn,
				  st->restart_lsn };

		if (st->state != CLFS_STREAM_ACTIVE)
			continue;
		for (k = 0; k < ARRAY_SIZE(v); k++) {
			if (v[k] == CLFS_LSN_NULL || v[k] < end_lsn)
				continue;
			pr_err("%s: stream %u's %s %#llx is not below the end of the log %#llx: blocks it needs are missing; the log can only be opened read-only\n",
			       log->name, i, names[k], v[k], end_lsn);
			return -EUCLEAN;
		}
	}
	return 0;
}

/**
 * clfs_log_read_block() - read one durable block back
 * @log: an open log
 * @lsn: the block's LSN (record index 0)
 * @buf: CLFS_BLK_MAX_BYTES, sector aligned
 * @len: size of @buf
 * @blk: receives the decoded header; records via clfs_rec_iter_init()
 *
 * Only blocks whose write has completed can be read (before head and
 * completed positions); the open block and blocks in flight give -EAGAIN.
 * Only positions where the log put a block, from the recovery start on,
 * are read at all (clfs_blkidx.c).
 *
 * Return: 0; -EINVAL for a bad @lsn or short @buf; -EAGAIN; a format error
 * (-ENODATA, -EUCLEAN, -ESTALE, -ENOENT) if no valid block is there; -EIO.
 */
int clfs_log_read_block(struct clfs_log *log, u64 lsn, void *buf, u32 len,
			struct clfs_blk *blk)
{
	u64 completed;
	int ret;

	if (len < CLFS_BLK_MAX_BYTES || !clfs_lsn_is_valid(lsn) ||
	    clfs_lsn_record_index(lsn))
		return -EINVAL;
	spin_lock_irq(&log->lock);
	completed = log->completed_lsn;
	spin_unlock_irq(&log->lock);
	if (lsn >= completed)
		return -EAGAIN;
	/* The container table may change under a concurrent commit. */
	mutex_lock(&log->md_lock);
	ret = clfs_read_block_at(log, lsn, 0, buf, blk);
	mutex_unlock(&log->md_lock);
	/* A well-formed block a client built inside a record is no block. */
	if (!ret && !clfs_blkidx_has(&log->blkidx, lsn)) {
		memset(blk, 0, sizeof(*blk));
		ret = -ENODATA;
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_log_read_block);
