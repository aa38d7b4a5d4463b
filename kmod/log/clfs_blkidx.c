// SPDX-License-Identifier: GPL-2.0
/*
 * clfs block index: where the log's blocks start, from the recovery start
 * to the head.
 *
 * A reader given an LSN by a client reads the block at the LSN's block
 * position and validates it (magic, crc, LSN, epoch). That alone cannot
 * tell a real block from a well-formed block a client built inside its
 * own record's data at a sector boundary: the crc seed is derived from
 * the log's uuid, which queries report. Reading such a "block" would hand
 * out records nobody appended; naming it as a base would make it the
 * recovery start, and the next recovery would follow the client's chain.
 * So every position a block is read from, or the recovery start moves
 * to, must be one the log itself put a block at.
 *
 * Blocks are added in LSN order as they are submitted (and as the open-
 * time scan finds them) and dropped from the front as the recovery start
 * moves, so the index is a ring of block LSNs, sorted, searched by
 * bisection. It costs 8 bytes per block in the active part of the log.
 *
 * A block LSN has record index 0, so the low nine bits of an entry are
 * free: they carry the block's stream id and whether it holds client
 * records. That lets a tail-advance request (kmod/stream/clfs_mgmt.c)
 * find a stream's oldest record beyond a position without reading the
 * device.
 * Only one block is open at a time, so the room for its entry is made in
 * process context when it opens (clfs_blkidx_reserve()) and the entry is
 * added without allocating when it is submitted.
 */
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "clfs_log.h"

#define CLFS_BLKIDX_MIN	64U
/* Entry tag: the block holds client records of stream (tag & STREAM). */
#define CLFS_BLKIDX_DATA	0x100U
#define CLFS_BLKIDX_STREAM	0x7fU

static_assert(CLFS_MAX_STREAMS - 1 <= CLFS_BLKIDX_STREAM);
static_assert((CLFS_BLKIDX_DATA | CLFS_BLKIDX_STREAM) <= CLFS_LSN_INDEX_MASK);

static u64 clfs_blkidx_entry(const struct clfs_blkidx *x, u32 i)
{
	return x->lsn[(x->first + i) & (x->cap - 1)];
}

static u64 clfs_blkidx_at(const struct clfs_blkidx *x, u32 i)
{
	return clfs_lsn_block(clfs_blkidx_entry(x, i));
}

/* Index of the first entry at or after block LSN @lsn, or x->nr. */
static u32 clfs_blkidx_lower_bound(const struct clfs_blkidx *x, u64 lsn)
{
	u32 lo = 0, hi = x->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (clfs_blkidx_at(x, mid) < lsn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/**
 * clfs_blkidx_tag() - what the index remembers of a block besides its LSN
 * @blk: the block's header
 *
 * Return: the tag to pass to clfs_blkidx_add().
 */
u32 clfs_blkidx_tag(const struct clfs_blk *blk)
{
	if (!blk->nr_records || (blk->flags & CLFS_BLK_F_TRUNCATE))
		return 0;
	return CLFS_BLKIDX_DATA | (blk->stream_id & CLFS_BLKIDX_STREAM);
}

/**
 * clfs_blkidx_init() - an empty index
 * @x: the index
 */
void clfs_blkidx_init(struct clfs_blkidx *x)
{
	memset(x, 0, sizeof(*x));
	spin_lock_init(&x->lock);
}

/**
 * clfs_blkidx_free() - free an index
 * @x: the index
 */
void clfs_blkidx_free(struct clfs_blkidx *x)
{
	kvfree(x->lsn);
	x->lsn = NULL;
	x->cap = 0;
	x->nr = 0;
}

/**
 * clfs_blkidx_reserve() - make room for one more block
 * @x: the index; only one caller adds to it at a time
 *
 * Return: 0 or -ENOMEM.
 */
int clfs_blkidx_reserve(struct clfs_blkidx *x)
{
	u32 cap, i;
	u64 *old, *new;

	spin_lock(&x->lock);
	cap = x->nr < x->cap ? 0 : max(2 * x->cap, CLFS_BLKIDX_MIN);
	spin_unlock(&x->lock);
	if (!cap)
		return 0;
	new = kvmalloc_array(cap, sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	spin_lock(&x->lock);
	for (i = 0; i < x->nr; i++)
		new[i] = clfs_blkidx_entry(x, i);
	old = x->lsn;
	x->lsn = new;
	x->cap = cap;
	x->first = 0;
	spin_unlock(&x->lock);
	kvfree(old);
	return 0;
}

/**
 * clfs_blkidx_add() - a block now starts at @lsn
 * @x: the index, with room reserved
 * @lsn: the block's LSN, after every block in the index
 * @tag: clfs_blkidx_tag() of the block
 *
 * Return: 0, or -EINVAL if there is no room or @lsn is out of order (a
 * bug: the caller shuts the log down rather than index a wrong position).
 */
int clfs_blkidx_add(struct clfs_blkidx *x, u64 lsn, u32 tag)
{
	int ret = -EINVAL;

	spin_lock(&x->lock);
	if (!WARN_ON_ONCE(x->nr >= x->cap || clfs_lsn_block(lsn) != lsn ||
			  tag > CLFS_LSN_INDEX_MASK ||
			  (x->nr && clfs_blkidx_at(x, x->nr - 1) >= lsn))) {
		x->lsn[(x->first + x->nr) & (x->cap - 1)] = lsn | tag;
		x->nr++;
		ret = 0;
	}
	spin_unlock(&x->lock);
	return ret;
}

/**
 * clfs_blkidx_has() - does a block of the log start at @lsn?
 * @x: the index
 * @lsn: a block LSN
 *
 * Return: true if the log put a block there and it is not below the
 * recovery start.
 */
bool clfs_blkidx_has(struct clfs_blkidx *x, u64 lsn)
{
	bool found;
	u32 i;

	spin_lock(&x->lock);
	i = clfs_blkidx_lower_bound(x, lsn);
	found = i < x->nr && clfs_blkidx_at(x, i) == lsn;
	spin_unlock(&x->lock);
	return found;
}

/**
 * clfs_blkidx_find_stream() - a stream's first block with records from @from
 * @x: the index
 * @from: a block LSN
 * @stream: the stream id
 * @lsn: receives the block's LSN, which is its record 0's
 *
 * Truncation blocks and empty blocks do not count. The caller still has
 * to rule out blocks of an earlier stream of the same id and holes.
 *
 * Return: true if there is one.
 */
bool clfs_blkidx_find_stream(struct clfs_blkidx *x, u64 from, u32 stream,
			     u64 *lsn)
{
	u32 want = CLFS_BLKIDX_DATA | (stream & CLFS_BLKIDX_STREAM);
	bool found = false;
	u32 i;

	spin_lock(&x->lock);
	for (i = clfs_blkidx_lower_bound(x, from); i < x->nr; i++) {
		u64 v = clfs_blkidx_entry(x, i);

		if ((v & CLFS_LSN_INDEX_MASK) == want) {
			*lsn = clfs_lsn_block(v);
			found = true;
			break;
		}
	}
	spin_unlock(&x->lock);
	return found;
}

/**
 * clfs_blkidx_trim() - forget the blocks before a position
 * @x: the index
 * @below: the new recovery start
 */
void clfs_blkidx_trim(struct clfs_blkidx *x, u64 below)
{
	spin_lock(&x->lock);
	while (x->nr && clfs_blkidx_at(x, 0) < below) {
		x->first = (x->first + 1) & (x->cap - 1);
		x->nr--;
	}
	spin_unlock(&x->lock);
}
