// SPDX-License-Identifier: GPL-2.0
/*
 * clfs containers: the mapping from ever-growing logical container ids to
 * the physical slots of the device, and the container set of the log.
 *
 * A slot is NONE (not part of the log), FREE (part of the log, holding
 * nothing needed) or ACTIVE (holding records under a logical id). The
 * active ids are contiguous: the writer activates next_cid at the head and
 * recycling frees the lowest ones at the tail. Both are metadata commits,
 * made under md_lock, and follow the format's writer rules:
 *  - a container receives blocks only after its activation is durable in
 *    both metadata copies. One copy is not enough: if the newest copy is
 *    later found corrupt (media damage, not a crash), the log opens from
 *    the other one, and a container that only the lost copy knew would
 *    hide every block written into it. So an activation is committed
 *    twice, generations g and g + 1, which land in the two copies;
 *  - a container is freed only by a commit that comes after the commit
 *    moving the recovery start (and, with streams, every base and archive
 *    tail) past it. If the newest copy is later lost, the older one already
 *    starts recovery beyond the container, so blocks of its next life are
 *    never scanned as if they were its old ones.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include "clfs_log.h"

/* The free slot to activate next: the lowest, so the layout stays simple. */
static int clfs_container_pick_free(const struct clfs_md *md)
{
	u32 i;

	for (i = 0; i < md->geo.nr_slots; i++)
		if (md->containers[i].state == CLFS_CONT_FREE)
			return i;
	return -ENOSPC;
}

/* Free containers an activation may take. */
static u32 clfs_container_free_for(const struct clfs_log *log, bool use_held)
{
	if (use_held)
		return clfs_md_count(log->md, CLFS_CONT_FREE);
	return clfs_log_usable_free(log, log->md);
}

/**
 * clfs_container_activate_next() - give the next logical id a container
 * @log: the log, md_lock held
 * @cid: the logical id the head has reached; must be md->next_cid
 * @use_held: the block is for a record that uses a reservation, so it may
 *	take one of the free containers held back for reservations
 *
 * When this takes the last free container, the log first grows if its
 * policies allow; if it cannot, the management layer is told, so that
 * tail-advance requests go out while the container fills.
 *
 * Return: 0 once the activation is durable in both copies; -ENOSPC if no
 * container is free, or none beyond those held for reservations, and the
 * log cannot grow (the log is full); -EIO or -EROFS from the commits, or
 * the zone reset on sequential storage.
 */
int clfs_container_activate_next(struct clfs_log *log, u32 cid, bool use_held)
{
	struct clfs_md *next = log->md_next;
	u32 nr_free;
	int slot, ret;

	lockdep_assert_held(&log->md_lock);
	if (WARN_ON_ONCE(cid != log->md->next_cid))
		return -EINVAL;
	/*
	 * Grow before taking the last free container, not after the log is
	 * full: an append should never fail for want of a growth the
	 * policies allow (docs/management.md).
	 */
	nr_free = clfs_container_free_for(log, use_held);
	if (nr_free <= 1 && !clfs_log_auto_grow(log))
		nr_free = clfs_container_free_for(log, use_held);
	if (!nr_free) {
		clfs_mgmt_kick(log, CLFS_KICK_FULL);
		return -ENOSPC;
	}
	/* The last one: ask the clients to make room while it fills. */
	if (nr_free == 1)
		clfs_mgmt_kick(log, CLFS_KICK_SHORT);
	slot = clfs_container_pick_free(log->md);
	if (slot < 0)
		return slot;
	/*
	 * Sequential storage: the zone is emptied first, so that its first
	 * write lands at offset 0 whatever order blocks reach the driver in.
	 * A crash before the commit leaves a free zone empty, no harm.
	 */
	if (log->storage->zone_bytes) {
		ret = clfs_storage_reset_zone(log->storage,
					      clfs_md_slot_offset(log->md, slot));
		if (ret)
			return ret;
	}
	memcpy(next, log->md, sizeof(*next));
	next->containers[slot].state = CLFS_CONT_ACTIVE;
	next->containers[slot].logical_id = cid;
	next->next_cid = cid + 1;
	ret = clfs_md_commit(log);
	if (ret)
		return ret;
	/* The same metadata again, into the other copy (top of the file). */
	memcpy(next, log->md, sizeof(*next));
	return clfs_md_commit(log);
}

/**
 * clfs_log_advance_recovery() - recycle the containers before an LSN
 * @log: the log
 * @lsn: a record LSN; nothing before its block is needed any more
 *
 * Two commits: the first moves the recovery start to @lsn's block, the
 * second frees every container wholly before it (see the top of the file).
 * The stream layer (kmod/stream/clfs_tail.c) calls this once every base
 * and archive tail has moved. Freed containers are then subject to the
 * AUTO_SHRINK policy (clfs_policy.c).
 *
 * Contract: @lsn's block must be the start of a block on the log's chain
 * (or the head itself), because the recovery scan starts there and follows
 * the chain: from any other position it would find no block and end the
 * log, losing every record after it. Only the bounds are checked here;
 * telling a block start from a position inside a block would take a read.
 * Callers pass either a record LSN they validated by reading its block
 * (a stream's base or archive tail, made durable first), the start of a
 * container the chain has reached (blocks fill every container from
 * offset 0), or the head.
 *
 * Return: 0; -EINVAL if @lsn is behind the recovery start or beyond the
 * head; -EIO or -EROFS from the commits.
 */
int clfs_log_advance_recovery(struct clfs_log *log, u64 lsn)
{
	struct clfs_md *next = log->md_next;
	u64 blk = clfs_lsn_block(lsn);
	bool freed = false;
	u64 head;
	u32 i;
	int ret;

	spin_lock_irq(&log->lock);
	head = log->head_lsn;
	spin_unlock_irq(&log->lock);

	mutex_lock(&log->md_lock);
	ret = -EINVAL;
	if (!clfs_lsn_is_valid(lsn) || blk < log->md->recovery_lsn || blk > head ||
	    clfs_lsn_container(blk) >= log->md->next_cid)
		goto out;
	/* Recovery must start where the log itself put a block. */
	if (blk != head && !clfs_blkidx_has(&log->blkidx, blk))
		goto out;
	memcpy(next, log->md, sizeof(*next));
	next->recovery_lsn = blk;
	ret = clfs_md_commit(log);
	if (ret)
		goto out;
	clfs_blkidx_trim(&log->blkidx, blk);

	memcpy(next, log->md, sizeof(*next));
	for (i = 0; i < next->geo.nr_slots; i++) {
		struct clfs_md_container *c = &next->containers[i];

		if (c->state == CLFS_CONT_ACTIVE &&
		    c->logical_id < clfs_lsn_container(blk)) {
			c->state = CLFS_CONT_FREE;
			c->logical_id = 0;
			freed = true;
		}
	}
	if (freed)
		ret = clfs_md_commit(log);
	if (freed && !ret)
		ret = clfs_log_auto_shrink(log);
out:
	mutex_unlock(&log->md_lock);
	if (freed)
		clfs_mgmt_kick(log, 0);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_log_advance_recovery);

/**
 * clfs_container_add() - add containers to a log
 * @log: an open, writable log
 * @count: how many; they take the lowest slots of the device that are not
 *	part of the log yet
 *
 * All or nothing: either @count containers are added, durably, or none.
 *
 * Return: 0; -EINVAL for a zero @count; -ENOSPC if the device has fewer
 * than @count unused slots; -EROFS or -EIO.
 */
int clfs_container_add(struct clfs_log *log, u32 count)
{
	struct clfs_md *next = log->md_next;
	u32 i, added = 0;
	int ret;

	if (!count)
		return -EINVAL;
	mutex_lock(&log->md_lock);
	memcpy(next, log->md, sizeof(*next));
	for (i = 0; i < next->geo.nr_slots && added < count; i++) {
		if (next->containers[i].state == CLFS_CONT_NONE) {
			next->containers[i].state = CLFS_CONT_FREE;
			added++;
		}
	}
	ret = added < count ? -ENOSPC : clfs_md_commit(log);
	mutex_unlock(&log->md_lock);
	if (!ret)
		clfs_mgmt_kick(log, 0);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_container_add);

/**
 * clfs_container_remove() - take containers out of a log
 * @log: an open, writable log
 * @physical_ids: the slots to remove
 * @count: how many, at least one
 *
 * Only free containers can be removed: an active one holds records that
 * are still needed. A log keeps at least CLFS_LOG_MIN_CONTAINERS: with
 * one, the head could never leave the container the tail is in. All or
 * nothing, and durable on return.
 *
 * Return: 0; -EINVAL for a zero @count, an id beyond the device's slots,
 * an id given twice, or a removal that would leave fewer than
 * CLFS_LOG_MIN_CONTAINERS; -ENOENT for a slot that is not part of the log;
 * -EBUSY for an active container, or when the free containers left would
 * not cover what reservations hold; -EROFS or -EIO.
 */
int clfs_container_remove(struct clfs_log *log, const u32 *physical_ids,
			  u32 count)
{
	struct clfs_md *next = log->md_next;
	u32 i;
	int ret = 0;

	if (!count || !physical_ids)
		return -EINVAL;
	mutex_lock(&log->md_lock);
	memcpy(next, log->md, sizeof(*next));
	for (i = 0; i < count && !ret; i++) {
		u32 id = physical_ids[i];
		struct clfs_md_container *c;

		if (id >= next->geo.nr_slots) {
			ret = -EINVAL;
			break;
		}
		c = &next->containers[id];
		if (c->state == CLFS_CONT_ACTIVE)
			ret = -EBUSY;
		else if (c->state != CLFS_CONT_FREE)
			/* not in the log, or listed twice */
			ret = log->md->containers[id].state == CLFS_CONT_FREE ?
			      -EINVAL : -ENOENT;
		else
			c->state = CLFS_CONT_NONE;
	}
	if (!ret) {
		u32 left = 0;

		for (i = 0; i < next->geo.nr_slots; i++)
			left += next->containers[i].state != CLFS_CONT_NONE;
		if (left < CLFS_LOG_MIN_CONTAINERS)
			ret = -EINVAL;
		else if (clfs_md_count(next, CLFS_CONT_FREE) <
			 log->held_containers)
			ret = -EBUSY;	/* reservations count on them */
		else
			ret = clfs_md_commit(log);
	}
	mutex_unlock(&log->md_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_container_remove);

/**
 * clfs_container_scan() - list the containers of a log
 * @log: an open log
 * @first_physical_id: start the listing at this slot
 * @info: filled with up to @max entries, in slot order
 * @max: room in @info
 *
 * Slots that are not part of the log are skipped. To list everything,
 * call again from the last returned physical_id + 1 until 0 comes back.
 *
 * Return: the number of entries filled in, or -EINVAL.
 */
int clfs_container_scan(struct clfs_log *log, u32 first_physical_id,
			struct clfs_container_info *info, u32 max)
{
	const struct clfs_md *md = log->md;
	u32 i, n = 0;

	if (!info && max)
		return -EINVAL;
	mutex_lock(&log->md_lock);
	for (i = first_physical_id; i < md->geo.nr_slots && n < max; i++) {
		const struct clfs_md_container *c = &md->containers[i];

		if (c->state == CLFS_CONT_NONE)
			continue;
		memset(&info[n], 0, sizeof(info[n]));
		info[n].physical_id = i;
		info[n].logical_id = c->logical_id;
		info[n].state = c->state == CLFS_CONT_ACTIVE ?
				CLFS_CONTAINER_ACTIVE : CLFS_CONTAINER_FREE;
		info[n].device_offset = clfs_md_slot_offset(md, i);
		n++;
	}
	mutex_unlock(&log->md_lock);
	return n;
}
EXPORT_SYMBOL_GPL(clfs_container_scan);
