// SPDX-License-Identifier: GPL-2.0
/*
 * clfs in-memory storage driver: a disk with a volatile write cache and
 * deterministic fault injection, so that KUnit can prove the engine's
 * durability, atomicity and ordering rules without real hardware.
 *
 * A module of its own, clfs_memdev.ko, so that a production clfs.ko does
 * not carry a device that can be told to lose acknowledged data, and so
 * that the driver interface is proven from outside clfs.ko: it plugs in
 * through <linux/clfs_storage.h> only. KUnit suites create anonymous
 * devices (clfs_memdev_create()); userspace opens named ones
 * (clfs_memdev_ctl.c).
 *
 * The model. The device has a medium (@durable) and a view (@view): the
 * medium plus the cache, which is what reads return. A write copies its
 * data into the view and onto the cache list at submission; the cache
 * entry becomes durable (is applied to the medium) only when
 *
 *   - the write itself completes with FUA, or
 *   - a PREFLUSH write or an empty flush completes that was submitted
 *     after the write had completed. Each write gets a completion sequence
 *     number when its end_io runs; a flush records the last number handed
 *     out when it is submitted and, on completion, makes exactly the
 *     entries up to that number durable. A write in flight when the flush
 *     was submitted is therefore not covered, as on real hardware.
 *
 * A power cycle keeps the medium and throws the cache away, except for the
 * unflushed writes a test chooses to keep (a device may write its cache
 * back in any order, in any subset); a kept PREFLUSH write brings along the
 * writes its flush covered, since its data cannot reach the medium before
 * that flush. Overlapping writes in flight at the same time have no defined
 * order, here as on hardware.
 *
 * Completions always run in hard interrupt context (through an irq_work),
 * so a caller that sleeps or takes an irq-unsafe lock in end_io is caught
 * by lockdep and DEBUG_ATOMIC_SLEEP. Each irq_work is raised and then
 * waited for by a process-context owner (the submitter, the test releasing
 * a held completion, or an async work item), which frees the request
 * afterwards; nothing is freed in interrupt context.
 *
 * Sequential storage (clfs_memdev_set_zones()): the device is a run of
 * zones, the first CLFS_STORAGE_MD_ZONES conventional (the metadata's, as
 * on SMR disks), the others sequential. A sequential zone's sectors are
 * each written once until the zone is reset: writing one again is a
 * violation of the rules of <linux/clfs_storage.h>, failed with -EIO and
 * counted. Writes may come in any order, as they reach a driver (a real
 * device would need them in order: the zoned driver queues them). A zone's
 * write pointer is the end of its last written sector, in the view and on
 * the medium; a power cycle leaves each zone with what its medium holds,
 * so a write kept beyond a lost one leaves the write pointer beyond a
 * hole, the worst a device could do. A reset empties the zone at once,
 * cache included, and is durable when it returns.
 *
 * Locking: @lock (irq-safe) protects all the state; data is copied under
 * it, which is fine for test-sized I/O.
 */
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>
#include "clfs_memdev.h"

/*
 * Two copies of the device live in vmalloc memory, and a power cycle
 * copies one onto the other with interrupts off: keep that short.
 */
#define CLFS_MEMDEV_MAX_CAPACITY	SZ_64M

/* An unflushed write: its data, waiting in the cache for durability. */
struct memdev_wr {
	struct list_head link;		/* m->cache, in submission order */
	u64 offset;
	u32 len;
	unsigned int flags;
	u64 done_seq;			/* 0 in flight, else completion order */
	u64 cover;			/* PREFLUSH: covers done_seq <= cover */
	bool pinned;			/* torn sectors: already on the medium */
	bool keep;			/* scratch for power cycles */
	u8 data[];
};

/* An I/O between submission and end_io. */
struct memdev_req {
	struct list_head link;		/* m->reqs, in submission order */
	struct list_head local;		/* private lists of one function */
	struct list_head durable_wrs;	/* made durable here, owner frees */
	struct irq_work iw;
	struct work_struct work;
	struct clfs_memdev *m;
	struct clfs_io *io;
	struct memdev_wr *wr;		/* a write's cache entry */
	u64 cover;			/* FLUSH: covers done_seq <= cover */
	int err;			/* decided at submission or power loss */
	bool held;			/* waits for the test */
};

struct clfs_memdev {
	struct clfs_storage storage;
	struct workqueue_struct *wq;	/* CLFS_MEMDEV_ASYNC completions */
	spinlock_t lock;
	u8 *durable;
	u8 *view;
	struct list_head cache;		/* struct memdev_wr */
	unsigned int nr_cache;		/* entries on @cache, pinned ones too */
	struct list_head reqs;		/* struct memdev_req */
	enum clfs_memdev_completion mode;
	u64 done_ctr;			/* last completion sequence number */
	bool dead;			/* power failed in a torn write or a cut */
	/* Named devices outlive their storage's release: see _set_release. */
	void (*on_release)(struct clfs_memdev *m, void *arg);
	void *release_arg;
	/* Faults; counts are 1-based positions in stats.writes and so on. */
	u64 wr_fail_at;
	bool wr_fail_sticky;
	u64 flush_events;		/* empty flushes plus PREFLUSH writes */
	u64 fl_fail_at;
	bool fl_fail_sticky;
	u64 tear_at;
	unsigned int tear_keep;
	u64 bad_offset;
	u64 bad_len;
	/* Sequential storage: sectors written since their zone's reset. */
	unsigned long *written;		/* in the view */
	unsigned long *written_durable;	/* on the medium */
	struct clfs_memdev_stats stats;
};

static const struct clfs_storage_ops memdev_ops;

static inline struct clfs_memdev *to_memdev(struct clfs_storage *s)
{
	return container_of(s, struct clfs_memdev, storage);
}

static bool memdev_hit(u64 count, u64 at, bool sticky)
{
	return at && (count == at || (sticky && count > at));
}

static bool memdev_overlaps(u64 off, u64 len, u64 off2, u64 len2)
{
	return len && len2 && off < off2 + len2 && off2 < off + len;
}

/* Copies the part of @wr that falls in [@off, @off + @len) into @img. */
static void memdev_apply_range(u8 *img, const struct memdev_wr *wr,
			       u64 off, u64 len)
{
	u64 start = max(off, wr->offset);
	u64 end = min(off + len, wr->offset + wr->len);

	if (start < end)
		memcpy(img + start, wr->data + (start - wr->offset),
		       end - start);
}

static void memdev_apply(u8 *img, const struct memdev_wr *wr)
{
	memcpy(img + wr->offset, wr->data, wr->len);
}

/* Sequential storage starts after the conventional zones. */
static u64 memdev_seq_start(const struct clfs_memdev *m)
{
	return (u64)CLFS_STORAGE_MD_ZONES * m->storage.zone_bytes;
}

/* The bit range of [@off, @off + @len) in a written map. */
static void memdev_bits(const struct clfs_memdev *m, u64 off, u64 len,
			unsigned long *first, unsigned long *nr)
{
	*first = off >> ilog2(m->storage.sector_size);
	*nr = len >> ilog2(m->storage.sector_size);
}

/* Records that @wr's sectors of sequential zones are in @map. */
static void memdev_mark(struct clfs_memdev *m, unsigned long *map,
			const struct memdev_wr *wr)
{
	unsigned long first, nr;

	if (!map || wr->offset < memdev_seq_start(m))
		return;
	memdev_bits(m, wr->offset, wr->len, &first, &nr);
	bitmap_set(map, first, nr);
}

static void memdev_apply_durable(struct clfs_memdev *m,
				 const struct memdev_wr *wr)
{
	memdev_apply(m->durable, wr);
	memdev_mark(m, m->written_durable, wr);
}

/*
 * A write into a sequential zone must stay in the zone and find its
 * sectors unwritten since the zone's reset.
 */
static bool memdev_zone_write_ok(struct clfs_memdev *m, u64 off, u32 len)
{
	u64 z = m->storage.zone_bytes;
	unsigned long first, nr;

	if (!m->written || off < memdev_seq_start(m))
		return true;
	if (div64_u64(off, z) != div64_u64(off + len - 1, z))
		return false;
	memdev_bits(m, off, len, &first, &nr);
	return find_next_bit(m->written, first + nr, first) >= first + nr;
}

/* Moves the entries completed by sequence @cover to the medium. */
static void memdev_persist_locked(struct clfs_memdev *m, u64 cover,
				  struct list_head *freed)
{
	struct memdev_wr *wr, *tmp;

	list_for_each_entry_safe(wr, tmp, &m->cache, link) {
		if (!wr->done_seq || wr->done_seq > cover)
			continue;
		memdev_apply_durable(m, wr);
		list_move_tail(&wr->link, freed);
		m->nr_cache--;
	}
}

static void memdev_free_wrs(struct list_head *list)
{
	struct memdev_wr *wr, *tmp;

	list_for_each_entry_safe(wr, tmp, list, link)
		kvfree(wr);
}

/*
 * The power is gone: every I/O not yet completed fails. Writes already in
 * the cache stay there as "performed but never acknowledged" entries, for
 * the next power cycle to drop or keep.
 */
static void memdev_fail_inflight_locked(struct clfs_memdev *m)
{
	struct memdev_req *req;

	list_for_each_entry(req, &m->reqs, link) {
		if (req->err)
			continue;
		req->err = -EIO;
		req->wr = NULL;
		m->stats.failed++;
	}
}

static bool memdev_fail(struct clfs_memdev *m, struct memdev_req *req)
{
	req->err = -EIO;
	m->stats.failed++;
	return false;
}

/*
 * Decides the fate of a new I/O and applies what happens at submission.
 * Returns true if it took @wr (a write's preallocated cache entry).
 */
static bool memdev_start_locked(struct clfs_memdev *m, struct memdev_req *req,
				struct memdev_wr *wr)
{
	struct clfs_io *io = req->io;
	bool flush = io->op == CLFS_IO_FLUSH || (io->flags & CLFS_IO_PREFLUSH);
	u32 keep;

	switch (io->op) {
	case CLFS_IO_READ:
		m->stats.reads++;
		m->stats.bytes_read += io->len;
		break;
	case CLFS_IO_WRITE:
		m->stats.writes++;
		m->stats.bytes_written += io->len;
		if (io->flags & CLFS_IO_FUA)
			m->stats.fua_writes++;
		if (io->flags & CLFS_IO_PREFLUSH)
			m->stats.preflushes++;
		break;
	case CLFS_IO_FLUSH:
		m->stats.flushes++;
		break;
	}
	if (flush)
		m->flush_events++;

	if (m->dead)
		return memdev_fail(m, req);
	if (flush && memdev_hit(m->flush_events, m->fl_fail_at,
				m->fl_fail_sticky))
		return memdev_fail(m, req);

	switch (io->op) {
	case CLFS_IO_READ:
		if (memdev_overlaps(io->offset, io->len, m->bad_offset,
				    m->bad_len))
			return memdev_fail(m, req);
		return false;
	case CLFS_IO_FLUSH:
		req->cover = m->done_ctr;
		return false;
	case CLFS_IO_WRITE:
		break;
	}

	if (memdev_hit(m->stats.writes, m->wr_fail_at, m->wr_fail_sticky))
		return memdev_fail(m, req);
	if (!memdev_zone_write_ok(m, io->offset, io->len)) {
		m->stats.zone_violations++;
		return memdev_fail(m, req);
	}

	wr->offset = io->offset;
	wr->len = io->len;
	wr->flags = io->flags;
	wr->done_seq = 0;
	wr->cover = m->done_ctr;

	if (m->tear_at && m->tear_at == m->stats.writes) {
		/*
		 * The power fails while this write is on its way to the
		 * medium: its first sectors made it, nothing else did.
		 */
		m->tear_at = 0;
		m->dead = true;
		memdev_fail_inflight_locked(m);
		memdev_fail(m, req);
		keep = min_t(u64, io->len,
			     (u64)m->tear_keep * m->storage.sector_size);
		if (!keep)
			return false;
		wr->len = keep;
		wr->pinned = true;
		memdev_apply_durable(m, wr);
		list_add_tail(&wr->link, &m->cache);
		m->nr_cache++;
		return true;
	}

	memdev_apply(m->view, wr);
	memdev_mark(m, m->written, wr);
	list_add_tail(&wr->link, &m->cache);
	m->nr_cache++;
	req->wr = wr;
	return true;
}

/* What happens at completion of a successful I/O. */
static void memdev_finish_locked(struct clfs_memdev *m, struct memdev_req *req)
{
	struct clfs_io *io = req->io;
	struct memdev_wr *wr = req->wr;

	switch (io->op) {
	case CLFS_IO_READ:
		memcpy(io->buf, m->view + io->offset, io->len);
		break;
	case CLFS_IO_FLUSH:
		memdev_persist_locked(m, req->cover, &req->durable_wrs);
		break;
	case CLFS_IO_WRITE:
		wr->done_seq = ++m->done_ctr;
		if (io->flags & CLFS_IO_PREFLUSH)
			memdev_persist_locked(m, wr->cover, &req->durable_wrs);
		if (io->flags & CLFS_IO_FUA) {
			memdev_apply_durable(m, wr);
			list_move_tail(&wr->link, &req->durable_wrs);
			m->nr_cache--;
		}
		break;
	}
}

/* Runs in hard interrupt context, like a disk's completion interrupt. */
static void memdev_irq_complete(struct irq_work *iw)
{
	struct memdev_req *req = container_of(iw, struct memdev_req, iw);
	struct clfs_memdev *m = req->m;
	unsigned long flags;
	int err;

	spin_lock_irqsave(&m->lock, flags);
	list_del(&req->link);
	err = req->err;
	if (!err)
		memdev_finish_locked(m, req);
	spin_unlock_irqrestore(&m->lock, flags);
	clfs_storage_complete(req->io, err);
}

/* Delivers @req's completion and frees it; process context. */
static void memdev_deliver(struct memdev_req *req)
{
	irq_work_queue(&req->iw);
	/* The irq_work core touches @req->iw after the callback returns. */
	irq_work_sync(&req->iw);
	memdev_free_wrs(&req->durable_wrs);
	kfree(req);
}

static void memdev_work(struct work_struct *work)
{
	memdev_deliver(container_of(work, struct memdev_req, work));
}

static void memdev_submit(struct clfs_storage *s, struct clfs_io *io)
{
	struct clfs_memdev *m = to_memdev(s);
	enum clfs_memdev_completion mode;
	struct memdev_wr *wr = NULL;
	struct memdev_req *req;
	unsigned long flags;
	unsigned int noio;
	bool took;

	/* NOIO as a real driver would be; kvmalloc needs GFP_KERNEL. */
	noio = memalloc_noio_save();
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (req && io->op == CLFS_IO_WRITE) {
		wr = kvzalloc(struct_size(wr, data, io->len), GFP_KERNEL);
		if (wr) {
			memcpy(wr->data, io->buf, io->len);
		} else {
			kfree(req);
			req = NULL;
		}
	}
	memalloc_noio_restore(noio);
	if (!req) {
		clfs_storage_complete(io, -ENOMEM);
		return;
	}
	req->m = m;
	req->io = io;
	INIT_LIST_HEAD(&req->durable_wrs);
	init_irq_work(&req->iw, memdev_irq_complete);
	INIT_WORK(&req->work, memdev_work);

	spin_lock_irqsave(&m->lock, flags);
	took = memdev_start_locked(m, req, wr);
	list_add_tail(&req->link, &m->reqs);
	mode = m->mode;
	req->held = mode == CLFS_MEMDEV_HOLD;
	spin_unlock_irqrestore(&m->lock, flags);
	if (!took)
		kvfree(wr);

	switch (mode) {
	case CLFS_MEMDEV_INLINE:
		memdev_deliver(req);
		break;
	case CLFS_MEMDEV_ASYNC:
		queue_work(m->wq, &req->work);
		break;
	case CLFS_MEMDEV_HOLD:
		break;
	}
}

/* Takes the @idx-th held request off hold; NULL if there is none. */
static struct memdev_req *memdev_unhold(struct clfs_memdev *m,
					unsigned int idx)
{
	struct memdev_req *req, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	list_for_each_entry(req, &m->reqs, link) {
		if (req->held && !idx--) {
			req->held = false;
			found = req;
			break;
		}
	}
	spin_unlock_irqrestore(&m->lock, flags);
	return found;
}

/**
 * clfs_memdev_complete_held() - deliver one held completion
 * @m: the device
 * @idx: which one: 0 is the oldest submitted of those still held
 *
 * end_io runs, in hard interrupt context, before this returns.
 *
 * Context: process context.
 * Return: 0, or -ENOENT if fewer than @idx + 1 completions are held.
 */
int clfs_memdev_complete_held(struct clfs_memdev *m, unsigned int idx)
{
	struct memdev_req *req = memdev_unhold(m, idx);

	if (!req)
		return -ENOENT;
	memdev_deliver(req);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_complete_held);

/**
 * clfs_memdev_complete_all() - deliver every held completion, oldest first
 * @m: the device
 *
 * Context: process context.
 */
void clfs_memdev_complete_all(struct clfs_memdev *m)
{
	while (!clfs_memdev_complete_held(m, 0))
		;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_complete_all);

/**
 * clfs_memdev_nr_held() - count the held completions
 * @m: the device
 *
 * Return: how many I/Os wait for clfs_memdev_complete_held().
 */
unsigned int clfs_memdev_nr_held(struct clfs_memdev *m)
{
	struct memdev_req *req;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&m->lock, flags);
	list_for_each_entry(req, &m->reqs, link)
		n += req->held;
	spin_unlock_irqrestore(&m->lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_nr_held);

/**
 * clfs_memdev_held_io() - identify a held I/O
 * @m: the device
 * @idx: 0 is the oldest submitted of those still held
 *
 * Return: the I/O, valid until its completion is delivered, or NULL.
 */
struct clfs_io *clfs_memdev_held_io(struct clfs_memdev *m, unsigned int idx)
{
	struct clfs_io *io = NULL;
	struct memdev_req *req;
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	list_for_each_entry(req, &m->reqs, link) {
		if (req->held && !idx--) {
			io = req->io;
			break;
		}
	}
	spin_unlock_irqrestore(&m->lock, flags);
	return io;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_held_io);

/**
 * clfs_memdev_drain() - wait for the completions of CLFS_MEMDEV_ASYNC
 * @m: the device
 *
 * Every I/O submitted before the call, in async mode, has completed when
 * it returns. Held completions are not touched.
 *
 * Context: process context, sleeps.
 */
void clfs_memdev_drain(struct clfs_memdev *m)
{
	flush_workqueue(m->wq);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_drain);

/**
 * clfs_memdev_set_completion() - choose when end_io runs
 * @m: the device
 * @mode: see enum clfs_memdev_completion
 *
 * Leaving CLFS_MEMDEV_HOLD delivers the held completions, oldest first;
 * leaving CLFS_MEMDEV_ASYNC waits for the queued ones.
 *
 * Context: process context, sleeps.
 */
void clfs_memdev_set_completion(struct clfs_memdev *m,
				enum clfs_memdev_completion mode)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->mode = mode;
	spin_unlock_irqrestore(&m->lock, flags);
	if (mode != CLFS_MEMDEV_HOLD)
		clfs_memdev_complete_all(m);
	if (mode != CLFS_MEMDEV_ASYNC)
		clfs_memdev_drain(m);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_set_completion);

/**
 * clfs_memdev_inject_write_fault() - fail a coming write with -EIO
 * @m: the device
 * @nth: 1 fails the next write, 2 the one after...; 0 disarms
 * @sticky: fail that write and every later one
 *
 * A failed write changes nothing on the device.
 */
void clfs_memdev_inject_write_fault(struct clfs_memdev *m, u64 nth,
				    bool sticky)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->wr_fail_at = nth ? m->stats.writes + nth : 0;
	m->wr_fail_sticky = sticky;
	spin_unlock_irqrestore(&m->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_inject_write_fault);

/**
 * clfs_memdev_inject_flush_fault() - fail a coming flush with -EIO
 * @m: the device
 * @nth: 1 fails the next flush, 2 the one after...; 0 disarms
 * @sticky: fail that flush and every later one
 *
 * Flushes are empty CLFS_IO_FLUSH I/Os and PREFLUSH writes, counted
 * together. A failed flush makes nothing durable; a failed PREFLUSH write
 * does not write either.
 */
void clfs_memdev_inject_flush_fault(struct clfs_memdev *m, u64 nth,
				    bool sticky)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->fl_fail_at = nth ? m->flush_events + nth : 0;
	m->fl_fail_sticky = sticky;
	spin_unlock_irqrestore(&m->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_inject_flush_fault);

/**
 * clfs_memdev_inject_torn_write() - lose power in the middle of a write
 * @m: the device
 * @nth: 1 tears the next write, 2 the one after...; 0 disarms
 * @keep_sectors: how many of its leading sectors reach the medium
 *
 * When that write is submitted its first @keep_sectors sectors (all of
 * them if it is shorter) are written to the medium and the power fails:
 * the write and every I/O in flight complete with -EIO, and the device
 * fails every I/O until clfs_memdev_power_cycle(), which keeps the torn
 * sectors whatever else it keeps.
 */
void clfs_memdev_inject_torn_write(struct clfs_memdev *m, u64 nth,
				   unsigned int keep_sectors)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->tear_at = nth ? m->stats.writes + nth : 0;
	m->tear_keep = keep_sectors;
	spin_unlock_irqrestore(&m->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_inject_torn_write);

/**
 * clfs_memdev_inject_bad_range() - make a range unreadable
 * @m: the device
 * @offset: first byte of the bad range
 * @len: its length; 0 heals the device
 *
 * Reads that overlap the range fail with -EIO; writes still succeed (and
 * do not heal it), as with a bad sector that the drive cannot remap.
 */
void clfs_memdev_inject_bad_range(struct clfs_memdev *m, u64 offset,
				  u64 len)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->bad_offset = offset;
	m->bad_len = len;
	spin_unlock_irqrestore(&m->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_inject_bad_range);

/**
 * clfs_memdev_clear_faults() - disarm every injected fault
 * @m: the device
 *
 * A device that is dead after a torn write stays dead until the next
 * power cycle.
 */
void clfs_memdev_clear_faults(struct clfs_memdev *m)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->wr_fail_at = 0;
	m->fl_fail_at = 0;
	m->tear_at = 0;
	m->bad_len = 0;
	spin_unlock_irqrestore(&m->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_clear_faults);

/**
 * clfs_memdev_set_read_only() - make the storage read-only, or writable
 * @m: the device
 * @read_only: the new value of the storage's read_only
 *
 * Lets tests reach the engine's read-only paths; change it only while no
 * I/O is being submitted.
 */
void clfs_memdev_set_read_only(struct clfs_memdev *m, bool read_only)
{
	WRITE_ONCE(m->storage.read_only, read_only);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_set_read_only);

/**
 * clfs_memdev_nr_unflushed() - count the writes that are not durable
 * @m: the device
 *
 * Return: the number of writes a power cycle would offer to its @keep
 * callback.
 */
unsigned int clfs_memdev_nr_unflushed(struct clfs_memdev *m)
{
	struct memdev_wr *wr;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&m->lock, flags);
	list_for_each_entry(wr, &m->cache, link)
		n += !wr->pinned;
	spin_unlock_irqrestore(&m->lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_nr_unflushed);

/* Power fails: what the medium keeps, then off (@stay_dead) or on. */
static void memdev_power_fail(struct clfs_memdev *m,
			      bool (*keep)(void *arg,
					   const struct clfs_memdev_write *w),
			      void *arg, bool stay_dead)
{
	struct clfs_memdev_write info;
	struct memdev_wr *wr, *tmp, *cov;
	struct memdev_req *req, *rtmp;
	unsigned long flags;
	LIST_HEAD(freed);
	LIST_HEAD(held);

	spin_lock_irqsave(&m->lock, flags);
	m->stats.power_cycles++;
	memdev_fail_inflight_locked(m);
	list_for_each_entry(req, &m->reqs, link) {
		if (req->held) {
			req->held = false;
			list_add_tail(&req->local, &held);
		}
	}

	info.index = 0;
	list_for_each_entry(wr, &m->cache, link) {
		if (wr->pinned) {
			wr->keep = true;
			continue;
		}
		info.offset = wr->offset;
		info.len = wr->len;
		info.completed = wr->done_seq != 0;
		info.flags = wr->flags;
		wr->keep = keep && keep(arg, &info);
		info.index++;
	}
	/*
	 * A PREFLUSH write's data reaches the medium only after its flush:
	 * keeping it keeps what that flush covered. Those writes completed
	 * before it was submitted, so they come earlier in the list, and a
	 * backward walk also follows chains of PREFLUSH writes.
	 */
	list_for_each_entry_reverse(wr, &m->cache, link) {
		if (!wr->keep || !(wr->flags & CLFS_IO_PREFLUSH))
			continue;
		list_for_each_entry(cov, &m->cache, link) {
			if (cov->done_seq && cov->done_seq <= wr->cover)
				cov->keep = true;
		}
	}
	list_for_each_entry_safe(wr, tmp, &m->cache, link) {
		if (wr->keep)
			memdev_apply_durable(m, wr);
		list_move_tail(&wr->link, &freed);
	}
	m->nr_cache = 0;
	memcpy(m->view, m->durable, m->storage.capacity);
	if (m->written)
		bitmap_copy(m->written, m->written_durable,
			    m->storage.capacity >> ilog2(m->storage.sector_size));
	m->dead = stay_dead;
	spin_unlock_irqrestore(&m->lock, flags);

	memdev_free_wrs(&freed);
	list_for_each_entry_safe(req, rtmp, &held, local)
		memdev_deliver(req);
	clfs_memdev_drain(m);
}

/**
 * clfs_memdev_power_cycle() - lose power and come back
 * @m: the device
 * @keep: decides, for each write not yet durable (oldest first), whether
 *	the cache had written it back when the power failed; NULL drops all.
 *	Called with a spinlock held: it must not sleep.
 * @arg: passed to @keep
 *
 * Every I/O not yet completed, held ones included, completes with -EIO;
 * the medium keeps what was durable, the kept writes (applied in
 * submission order, together with the writes that a kept PREFLUSH write's
 * flush covered) and the sectors of a torn write; everything else is gone,
 * and a dead device works again. Injected faults stay armed. When this
 * returns, every I/O submitted before the call has completed.
 *
 * Context: process context, sleeps.
 */
void clfs_memdev_power_cycle(struct clfs_memdev *m,
			     bool (*keep)(void *arg,
					  const struct clfs_memdev_write *w),
			     void *arg)
{
	memdev_power_fail(m, keep, arg, false);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_power_cycle);

/**
 * clfs_memdev_power_cut() - lose power and stay off
 * @m: the device
 * @keep: as for clfs_memdev_power_cycle()
 * @arg: passed to @keep
 *
 * As clfs_memdev_power_cycle(), but the device then fails every I/O with
 * -EIO, as a disk without power would, until the next power cycle. For a
 * cut under an open log: its writes fail and it shuts down, and what the
 * next open finds is what the medium held at the cut.
 *
 * Context: process context, sleeps.
 */
void clfs_memdev_power_cut(struct clfs_memdev *m,
			   bool (*keep)(void *arg,
					const struct clfs_memdev_write *w),
			   void *arg)
{
	memdev_power_fail(m, keep, arg, true);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_power_cut);

/**
 * clfs_memdev_is_dead() - has the power failed in a torn write?
 * @m: the device
 *
 * Return: true from a torn write until the next power cycle.
 */
bool clfs_memdev_is_dead(struct clfs_memdev *m)
{
	unsigned long flags;
	bool dead;

	spin_lock_irqsave(&m->lock, flags);
	dead = m->dead;
	spin_unlock_irqrestore(&m->lock, flags);
	return dead;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_is_dead);

static bool memdev_range_ok(struct clfs_memdev *m, u64 offset, size_t len)
{
	u64 end;

	return !check_add_overflow(offset, (u64)len, &end) &&
	       end <= m->storage.capacity;
}

/**
 * clfs_memdev_peek() - read the medium directly
 * @m: the device
 * @offset: any byte offset
 * @buf: receives @len bytes
 * @len: bytes to read
 *
 * Shows what would survive a power cycle that keeps nothing, bypassing the
 * cache, the I/O path and any injected fault.
 *
 * Return: 0, or -ERANGE if the range is not inside the device.
 */
int clfs_memdev_peek(struct clfs_memdev *m, u64 offset, void *buf,
		     size_t len)
{
	unsigned long flags;

	if (!memdev_range_ok(m, offset, len))
		return -ERANGE;
	spin_lock_irqsave(&m->lock, flags);
	memcpy(buf, m->durable + offset, len);
	spin_unlock_irqrestore(&m->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_peek);

/**
 * clfs_memdev_poke() - change the medium directly, e.g. to corrupt it
 * @m: the device
 * @offset: any byte offset
 * @buf: the @len new bytes
 * @len: bytes to change
 *
 * The bytes are durable at once. Reads see them too, except where a write
 * still in the cache covers them: the cache is newer than the medium.
 *
 * Return: 0, or -ERANGE if the range is not inside the device.
 */
int clfs_memdev_poke(struct clfs_memdev *m, u64 offset, const void *buf,
		     size_t len)
{
	struct memdev_wr *wr;
	unsigned long flags;

	if (!memdev_range_ok(m, offset, len))
		return -ERANGE;
	spin_lock_irqsave(&m->lock, flags);
	memcpy(m->durable + offset, buf, len);
	memcpy(m->view + offset, buf, len);
	list_for_each_entry(wr, &m->cache, link) {
		if (!wr->pinned)
			memdev_apply_range(m->view, wr, offset, len);
	}
	spin_unlock_irqrestore(&m->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_poke);

/**
 * clfs_memdev_get_stats() - read the counters
 * @m: the device
 * @st: receives a consistent snapshot
 */
void clfs_memdev_get_stats(struct clfs_memdev *m,
			   struct clfs_memdev_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	*st = m->stats;
	spin_unlock_irqrestore(&m->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_get_stats);

static void memdev_release(struct clfs_storage *s)
{
	struct clfs_memdev *m = to_memdev(s);

	if (!m->on_release) {
		clfs_memdev_destroy(m);
		return;
	}
	/* Completions a test left held would otherwise leak. */
	clfs_memdev_complete_all(m);
	m->on_release(m, m->release_arg);
}

/**
 * clfs_memdev_set_release() - keep the device when its storage is released
 * @m: the device
 * @fn: called instead of freeing @m when the engine releases the storage
 *	(process context; no I/O in flight); NULL to free again
 * @arg: passed to @fn
 *
 * For named devices, which hold their data from one log open to the
 * next; the owner frees them with clfs_memdev_destroy().
 */
void clfs_memdev_set_release(struct clfs_memdev *m,
			     void (*fn)(struct clfs_memdev *m, void *arg),
			     void *arg)
{
	m->on_release = fn;
	m->release_arg = arg;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_set_release);

/**
 * clfs_memdev_destroy() - free a device whose storage is not in use
 * @m: the device; completions still held are delivered first
 *
 * Context: process context, sleeps.
 */
void clfs_memdev_destroy(struct clfs_memdev *m)
{
	LIST_HEAD(freed);

	clfs_memdev_complete_all(m);
	destroy_workqueue(m->wq);
	list_splice_init(&m->cache, &freed);
	memdev_free_wrs(&freed);
	bitmap_free(m->written);
	bitmap_free(m->written_durable);
	vfree(m->view);
	vfree(m->durable);
	kfree(m);
}

static int memdev_write_pointer(struct clfs_storage *s, u64 offset, u64 *wp)
{
	struct clfs_memdev *m = to_memdev(s);
	unsigned long first, nr, flags;
	u64 rem;

	if (!m->written)
		return -EOPNOTSUPP;
	div64_u64_rem(offset, s->zone_bytes, &rem);
	memdev_bits(m, offset - rem, s->zone_bytes, &first, &nr);
	spin_lock_irqsave(&m->lock, flags);
	while (nr && !test_bit(first + nr - 1, m->written))
		nr--;
	spin_unlock_irqrestore(&m->lock, flags);
	*wp = offset - rem + (u64)nr * s->sector_size;
	return 0;
}

static int memdev_reset_zone(struct clfs_storage *s, u64 offset)
{
	struct clfs_memdev *m = to_memdev(s);
	u64 z = s->zone_bytes;
	unsigned long first, nr;
	struct memdev_wr *wr, *tmp;
	struct memdev_req *req;
	unsigned long flags;
	LIST_HEAD(freed);
	int ret = 0;

	if (!m->written || offset < memdev_seq_start(m))
		return -EOPNOTSUPP;
	memdev_bits(m, offset, z, &first, &nr);
	spin_lock_irqsave(&m->lock, flags);
	list_for_each_entry(req, &m->reqs, link)
		if (req->io->op == CLFS_IO_WRITE &&
		    memdev_overlaps(req->io->offset, req->io->len, offset, z))
			ret = -EBUSY;
	if (m->dead)
		ret = -EIO;
	if (!ret) {
		list_for_each_entry_safe(wr, tmp, &m->cache, link) {
			if (!memdev_overlaps(wr->offset, wr->len, offset, z))
				continue;
			list_move_tail(&wr->link, &freed);
			m->nr_cache--;
		}
		memset(m->view + offset, 0, z);
		memset(m->durable + offset, 0, z);
		bitmap_clear(m->written, first, nr);
		bitmap_clear(m->written_durable, first, nr);
		m->stats.zone_resets++;
	}
	spin_unlock_irqrestore(&m->lock, flags);
	memdev_free_wrs(&freed);
	/* The engine's promise: nothing in flight to the zone. */
	WARN_ON_ONCE(ret == -EBUSY);
	return ret;
}

static const struct clfs_storage_ops memdev_ops = {
	.submit		= memdev_submit,
	.release	= memdev_release,
	.write_pointer	= memdev_write_pointer,
	.reset_zone	= memdev_reset_zone,
};

/**
 * clfs_memdev_set_zones() - make a new device sequential storage
 * @m: the device, before its first I/O
 * @zone_bytes: zone size: a multiple of the sector size from 64 KiB, that
 *	divides the capacity into more than CLFS_STORAGE_MD_ZONES zones
 *
 * See the top of the file for what the device then enforces.
 *
 * Return: 0; -EINVAL for a @zone_bytes the device cannot have, or a device
 * already used or zoned; -ENOMEM.
 */
int clfs_memdev_set_zones(struct clfs_memdev *m, u64 zone_bytes)
{
	struct clfs_storage *s = &m->storage;
	unsigned long bits = s->capacity >> ilog2(s->sector_size);
	u64 rem;

	if (m->written || m->stats.writes || zone_bytes < SZ_64K ||
	    zone_bytes > s->capacity / (CLFS_STORAGE_MD_ZONES + 1) ||
	    zone_bytes % s->sector_size)
		return -EINVAL;
	div64_u64_rem(s->capacity, zone_bytes, &rem);
	if (rem)
		return -EINVAL;
	m->written = bitmap_zalloc(bits, GFP_KERNEL);
	m->written_durable = bitmap_zalloc(bits, GFP_KERNEL);
	if (!m->written || !m->written_durable) {
		bitmap_free(m->written);
		bitmap_free(m->written_durable);
		m->written = NULL;
		m->written_durable = NULL;
		return -ENOMEM;
	}
	s->zone_bytes = zone_bytes;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_set_zones);

/**
 * clfs_memdev_create() - create an in-memory device, all zeroes
 * @sector_size: a power of two from 512 to PAGE_SIZE
 * @capacity: bytes, a non-zero multiple of @sector_size, at most 64 MiB
 *
 * The device has a volatile write cache, completes I/O inline
 * (CLFS_MEMDEV_INLINE) and has no fault armed. Release it with
 * clfs_storage_release(clfs_memdev_storage(m)).
 *
 * Context: process context, sleeps.
 * Return: the device, or ERR_PTR(-EINVAL) for a bad geometry or
 * ERR_PTR(-ENOMEM).
 */
struct clfs_memdev *clfs_memdev_create(unsigned int sector_size,
				       u64 capacity)
{
	struct clfs_memdev *m;
	int ret;

	if (capacity > CLFS_MEMDEV_MAX_CAPACITY)
		return ERR_PTR(-EINVAL);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	ret = clfs_storage_init(&m->storage, &memdev_ops, sector_size,
				capacity);
	if (ret)
		goto free;
	m->storage.volatile_cache = true;
	strscpy(m->storage.name, "memdev", sizeof(m->storage.name));
	spin_lock_init(&m->lock);
	INIT_LIST_HEAD(&m->cache);
	INIT_LIST_HEAD(&m->reqs);
	m->mode = CLFS_MEMDEV_INLINE;

	ret = -ENOMEM;
	m->durable = vzalloc(capacity);
	m->view = vzalloc(capacity);
	if (!m->durable || !m->view)
		goto free;
	/* Unbound and concurrent, so async completions can overtake. */
	m->wq = alloc_workqueue("clfs_memdev", WQ_UNBOUND, 0);
	if (!m->wq)
		goto free;
	return m;

free:
	vfree(m->view);
	vfree(m->durable);
	kfree(m);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_create);

/**
 * clfs_memdev_storage() - the storage interface of an in-memory device
 * @m: the device
 *
 * Return: what the engine is given; valid until clfs_storage_release().
 */
struct clfs_storage *clfs_memdev_storage(struct clfs_memdev *m)
{
	return &m->storage;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_storage);

/**
 * clfs_memdev_from_storage() - find the in-memory device behind a storage
 * @s: any storage
 *
 * Lets a test that only has the engine's storage reach the fault controls.
 *
 * Return: the device, or NULL if @s is not an in-memory device.
 */
struct clfs_memdev *clfs_memdev_from_storage(struct clfs_storage *s)
{
	return s->ops == &memdev_ops ? to_memdev(s) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_memdev_from_storage);
