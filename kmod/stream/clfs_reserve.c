// SPDX-License-Identifier: GPL-2.0
/*
 * clfs reservations: log space set aside for future records, so that
 * appending them can never fail for lack of space (an ARIES transaction
 * reserves room for its compensation records before it does any work).
 *
 * Accounting, kept deliberately conservative:
 *  - a reservation for a record of S bytes is charged its worst case: the
 *    record alone in a block, rounded up to a sector,
 *    round_up(block header + record header + S + padding, sector);
 *  - R charged bytes need at most ceil(R / (C - M)) containers, C the
 *    container size and M the largest charge outstanding: a container
 *    switch happens only when the next record does not fit, so it wastes
 *    less than M and every container holds at least C - M of records. The
 *    head container's remaining room is not counted at all;
 *  - that many free containers are held back (log->held_containers): an
 *    unreserved append may activate a container only while more are free
 *    than are held (else the log is full, -ENOSPC), an append that uses a
 *    reservation may always take one. Reserving more than the free
 *    containers can hold fails with -ENOSPC and reserves nothing.
 * Reservations live in memory, per stream: after a crash they are gone,
 * as the transactions they were for; clients reserve again in recovery.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "clfs_stream.h"

/* Most outstanding reservations one stream may hold. */
#define CLFS_RESV_MAX_PER_STREAM	(64 * 1024)

/**
 * struct clfs_resv_stream - one stream's reservations
 * @charges: the charged sizes, sorted ascending
 * @nr: how many
 * @cap: room in @charges
 * @bytes: their sum
 */
struct clfs_resv_stream {
	u32 *charges;
	u32 nr;
	u32 cap;
	u64 bytes;
};

/**
 * struct clfs_resv - every stream's reservations on one log
 * @lock: serialises changes; taken before the log's md_lock
 * @bytes: charged bytes of every stream
 * @records: reservations of every stream
 * @st: per stream id
 */
struct clfs_resv {
	struct mutex lock;
	u64 bytes;
	u64 records;
	struct clfs_resv_stream st[CLFS_MAX_STREAMS];
};

/**
 * clfs_resv_charge() - the log space one reservation takes
 * @log: the log
 * @size: the future record's data size in bytes
 *
 * Return: the charge in bytes, or 0 if no block could hold such a record.
 */
u32 clfs_resv_charge(const struct clfs_log *log, u64 size)
{
	u32 rec, sector = log->md->geo.sector_bytes;
	u64 charge;

	if (size > CLFS_REC_DATA_MAX)
		return 0;
	rec = clfs_rec_disk_bytes((u32)size);
	if (!rec)
		return 0;
	charge = round_up((u64)CLFS_BLK_HDR_BYTES + rec, sector);
	if (charge > CLFS_BLK_MAX_BYTES || charge > log->md->geo.container_bytes)
		return 0;
	return (u32)charge;
}

static u32 clfs_resv_max_charge(const struct clfs_resv *rv)
{
	u32 i, m = 0;

	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		if (rv->st[i].nr)
			m = max(m, rv->st[i].charges[rv->st[i].nr - 1]);
	return m;
}

/* Containers that @bytes of @records reservations, largest @maxc, need. */
static u32 clfs_resv_containers(const struct clfs_log *log, u64 bytes,
				u64 records, u32 maxc)
{
	u64 c = log->md->geo.container_bytes;

	if (!bytes)
		return 0;
	if (maxc >= c)
		return (u32)min_t(u64, records, U32_MAX);
	return (u32)min_t(u64, div64_u64(bytes + (c - maxc) - 1, c - maxc),
			  U32_MAX);
}

/* Publish how many free containers the reservations hold back. */
static void clfs_resv_publish(struct clfs_streams *ss)
{
	struct clfs_resv *rv = ss->resv;
	struct clfs_log *log = ss->log;

	mutex_lock(&log->md_lock);
	log->held_containers = clfs_resv_containers(log, rv->bytes, rv->records,
						    clfs_resv_max_charge(rv));
	mutex_unlock(&log->md_lock);
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Index of the reservation nearest to @charge, or -1 if there is none. */
static int clfs_resv_nearest(const struct clfs_resv_stream *rs, u32 charge)
{
	int best = -1;
	u32 i, d, bd = U32_MAX;

	for (i = 0; i < rs->nr; i++) {
		d = rs->charges[i] > charge ? rs->charges[i] - charge :
		    charge - rs->charges[i];
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

static void clfs_resv_remove_at(struct clfs_resv *rv, u32 stream, u32 idx)
{
	struct clfs_resv_stream *rs = &rv->st[stream];
	u32 charge = rs->charges[idx];

	memmove(&rs->charges[idx], &rs->charges[idx + 1],
		(rs->nr - idx - 1) * sizeof(u32));
	rs->nr--;
	rs->bytes -= charge;
	rv->bytes -= charge;
	rv->records--;
}

/**
 * clfs_resv_change() - reserve and release, all or nothing
 * @ss: the stream layer
 * @stream: the stream
 * @nr: entries in @sizes
 * @sizes: a positive size reserves room for a record of that many bytes;
 *	a negative one releases the reservation nearest to its absolute
 *	value. On success each entry is replaced by the charge it reserved
 *	(positive) or released (negative).
 *
 * Return: 0; -EINVAL for a zero size, a size no block can hold, or a
 * release with no reservation left to match; -ENOSPC if the free
 * containers cannot hold the new total, or the stream holds too many;
 * -ENOMEM. Nothing changes on failure.
 */
int clfs_resv_change(struct clfs_streams *ss, u32 stream, u32 nr, s64 *sizes)
{
	struct clfs_resv *rv = ss->resv;
	struct clfs_resv_stream *rs = &rv->st[stream];
	struct clfs_log *log = ss->log;
	u32 *next = NULL, n, i, maxc = 0, cap;
	u64 bytes, records;
	int ret = 0;

	if (!nr || nr > CLFS_RESV_MAX_PER_STREAM)
		return -EINVAL;
	mutex_lock(&rv->lock);
	/* Work on a copy, so a failure leaves everything as it was. */
	cap = rs->nr + nr;
	next = kvmalloc_array(cap, sizeof(u32), GFP_KERNEL);
	if (!next) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(next, rs->charges, rs->nr * sizeof(u32));
	n = rs->nr;
	bytes = rv->bytes;
	records = rv->records;
	for (i = 0; i < nr && !ret; i++) {
		u64 abs = sizes[i] < 0 ? -(u64)sizes[i] : (u64)sizes[i];
		u32 charge = abs ? clfs_resv_charge(log, abs) : 0;
		struct clfs_resv_stream tmp = { .charges = next, .nr = n };
		int at;

		if (!charge) {
			ret = -EINVAL;
		} else if (sizes[i] > 0) {
			next[n++] = charge;
			bytes += charge;
			records++;
			sizes[i] = charge;
		} else {
			at = clfs_resv_nearest(&tmp, charge);
			if (at < 0) {
				ret = -EINVAL;
				break;
			}
			sizes[i] = -(s64)next[at];
			bytes -= next[at];
			records--;
			next[at] = next[--n];
		}
	}
	if (ret)
		goto out;
	if (n > CLFS_RESV_MAX_PER_STREAM) {
		ret = -ENOSPC;
		goto out;
	}
	sort(next, n, sizeof(u32), cmp_u32, NULL);
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		if (i != stream && rv->st[i].nr)
			maxc = max(maxc, rv->st[i].charges[rv->st[i].nr - 1]);
	if (n)
		maxc = max(maxc, next[n - 1]);
	mutex_lock(&log->md_lock);
	if (bytes > rv->bytes) {
		u32 need = clfs_resv_containers(log, bytes, records, maxc);

		/* Grow within the policies rather than refuse. */
		while (need > clfs_md_count(log->md, CLFS_CONT_FREE) &&
		       !clfs_log_auto_grow(log))
			;
		if (need > clfs_md_count(log->md, CLFS_CONT_FREE))
			ret = -ENOSPC;
	}
	mutex_unlock(&log->md_lock);
	if (ret)
		goto out;
	kvfree(rs->charges);
	rs->charges = next;
	rs->cap = cap;
	rs->nr = n;
	rs->bytes = 0;
	for (i = 0; i < n; i++)
		rs->bytes += next[i];
	rv->bytes = bytes;
	rv->records = records;
	next = NULL;
	clfs_resv_publish(ss);
out:
	mutex_unlock(&rv->lock);
	kvfree(next);
	return ret;
}

/**
 * clfs_resv_undo() - roll back a clfs_resv_change() that succeeded
 * @ss: the stream layer
 * @stream: the stream
 * @nr: entries in @sizes
 * @sizes: as clfs_resv_change() returned them (the charges)
 *
 * For an append whose record failed after its reservations were made: the
 * pair fails as a whole. Releasing what was just reserved cannot fail.
 */
void clfs_resv_undo(struct clfs_streams *ss, u32 stream, u32 nr, s64 *sizes)
{
	u32 i;

	for (i = 0; i < nr; i++)
		sizes[i] = -sizes[i];
	WARN_ON_ONCE(clfs_resv_change(ss, stream, nr, sizes));
}

/**
 * clfs_resv_take() - use a reservation for a record being appended
 * @ss: the stream layer, append_lock held
 * @stream: the stream
 * @charge: the record's charge (clfs_resv_charge() of its size)
 *
 * Removes the smallest reservation of at least @charge. The caller does
 * this after the record is in its block: until then the reservation keeps
 * its containers held for it.
 *
 * Return: 0, or -EINVAL if no reservation of the stream is large enough.
 */
int clfs_resv_take(struct clfs_streams *ss, u32 stream, u32 charge)
{
	struct clfs_resv *rv = ss->resv;
	struct clfs_resv_stream *rs = &rv->st[stream];
	u32 i;
	int ret = -EINVAL;

	mutex_lock(&rv->lock);
	for (i = 0; i < rs->nr; i++) {
		if (rs->charges[i] >= charge) {
			clfs_resv_remove_at(rv, stream, i);
			ret = 0;
			break;
		}
	}
	if (!ret)
		clfs_resv_publish(ss);
	mutex_unlock(&rv->lock);
	return ret;
}

/**
 * clfs_resv_has() - is there a reservation large enough for a record?
 * @ss: the stream layer
 * @stream: the stream
 * @charge: the record's charge
 *
 * Return: true if clfs_resv_take() would succeed now.
 */
bool clfs_resv_has(struct clfs_streams *ss, u32 stream, u32 charge)
{
	struct clfs_resv_stream *rs = &ss->resv->st[stream];
	bool ok;

	mutex_lock(&ss->resv->lock);
	ok = rs->nr && rs->charges[rs->nr - 1] >= charge;
	mutex_unlock(&ss->resv->lock);
	return ok;
}

/**
 * clfs_resv_drop_stream() - forget every reservation of a stream
 * @ss: the stream layer
 * @stream: the stream, being reset or deleted
 */
void clfs_resv_drop_stream(struct clfs_streams *ss, u32 stream)
{
	struct clfs_resv *rv = ss->resv;
	struct clfs_resv_stream *rs = &rv->st[stream];

	mutex_lock(&rv->lock);
	rv->bytes -= rs->bytes;
	rv->records -= rs->nr;
	kvfree(rs->charges);
	memset(rs, 0, sizeof(*rs));
	clfs_resv_publish(ss);
	mutex_unlock(&rv->lock);
}

/**
 * clfs_resv_query() - a stream's reservations
 * @ss: the stream layer
 * @stream: the stream
 * @bytes: receives the charged bytes
 * @records: receives the number of reservations
 */
void clfs_resv_query(struct clfs_streams *ss, u32 stream, u64 *bytes,
		     u32 *records)
{
	mutex_lock(&ss->resv->lock);
	*bytes = ss->resv->st[stream].bytes;
	*records = ss->resv->st[stream].nr;
	mutex_unlock(&ss->resv->lock);
}

/**
 * clfs_resv_attach() - set up reservations for a log's stream layer
 * @ss: the stream layer
 *
 * Return: 0 or -ENOMEM.
 */
int clfs_resv_attach(struct clfs_streams *ss)
{
	ss->resv = kzalloc(sizeof(*ss->resv), GFP_KERNEL);
	if (!ss->resv)
		return -ENOMEM;
	mutex_init(&ss->resv->lock);
	return 0;
}

/**
 * clfs_resv_detach() - free every reservation
 * @ss: the stream layer
 */
void clfs_resv_detach(struct clfs_streams *ss)
{
	u32 i;

	if (!ss->resv)
		return;
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		kvfree(ss->resv->st[i].charges);
	kfree(ss->resv);
	ss->resv = NULL;
}

/**
 * clfs_align_reservation() - the true size of a set of reservations
 * @m: a marshalling area
 * @nr: entries in @sizes
 * @sizes: record data sizes
 * @total: receives the log space they would take, headers and alignment
 *	included
 *
 * Nothing is reserved; clfs_alloc_reserved() reserves.
 *
 * Return: 0, or -EINVAL for a zero size or one no block can hold.
 */
int clfs_align_reservation(struct clfs_marshal *m, u32 nr, const s64 *sizes,
			   s64 *total)
{
	u32 i, c;
	s64 t = 0;

	if (!m || !nr || !sizes || !total)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		c = sizes[i] > 0 ? clfs_resv_charge(m->stream->log, sizes[i]) : 0;
		if (!c)
			return -EINVAL;
		t += c;
	}
	*total = t;
	return 0;
}
EXPORT_SYMBOL_GPL(clfs_align_reservation);

/**
 * clfs_alloc_reserved() - reserve log space for future records
 * @m: a marshalling area
 * @nr: entries in @sizes
 * @sizes: positive: reserve for a record of that size; negative: release
 *	the reservation nearest in size; replaced by the true sizes
 *
 * The same as clfs_reserve_and_append() with no record to append.
 *
 * Return: as clfs_reserve_and_append().
 */
int clfs_alloc_reserved(struct clfs_marshal *m, u32 nr, s64 *sizes)
{
	struct clfs_append a = {
		.type = CLFS_RECORD_DATA,
		.nr_reserve = nr,
		.reserve = sizes,
	};

	return clfs_reserve_and_append(m, &a, NULL);
}
EXPORT_SYMBOL_GPL(clfs_alloc_reserved);
