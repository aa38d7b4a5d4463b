/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs storage driver interface: the only way the log engine reaches its
 * device.
 *
 * The engine sees a struct clfs_storage (geometry plus an ops table) and
 * submits struct clfs_io descriptors to it. The same engine code therefore
 * runs on a block device in production (clfs_bdev.c) and on an in-memory
 * device with a volatile write cache and fault injection in KUnit
 * (clfs_memdev.c).
 *
 * Rules every caller relies on:
 *
 * - clfs_storage_submit() validates the descriptor once, for every driver.
 *   A malformed I/O fails with -EINVAL, an I/O that does not lie inside the
 *   device (including offset + length overflowing u64) with -ERANGE, a
 *   write or flush on read-only storage with -EROFS. None of them reaches
 *   the driver, so drivers trust their inputs.
 *
 * - end_io is called exactly once for every submitted I/O, including the
 *   rejected ones, with 0 or a negative errno. It may be called from any
 *   context - hard interrupt included - on any CPU, and possibly before
 *   clfs_storage_submit() has returned, on the submitting thread. So end_io
 *   must not sleep, must take its locks with the irq-safe variants, and
 *   must not submit I/O itself (defer to a workqueue); and the submitter
 *   must not hold, across clfs_storage_submit(), a lock end_io takes.
 *
 * - Durability follows the block layer (Documentation/block/
 *   writeback_cache_control.rst). With a volatile cache a completed write
 *   is only in the cache. CLFS_IO_FUA makes the I/O's own data durable
 *   before end_io reports success. CLFS_IO_PREFLUSH, and an empty
 *   CLFS_IO_FLUSH, make durable every write that had *completed* (its
 *   end_io had run) before this I/O was submitted; a write still in flight
 *   at that moment is not covered. So a flush waits for the writes it must
 *   cover before it is submitted.
 *
 * - Submission may sleep: call it from process context with interrupts
 *   enabled. The block driver allocates nothing there but bios, from a
 *   mempool with GFP_NOIO, which waits rather than fails: a log must make
 *   progress under memory pressure.
 *
 * - The buffer of a read or write is a kernel virtual address aligned to
 *   the sector size, from kmalloc, the page allocator (page_address) or
 *   vmalloc; never on the stack, in module data or from ioremap. It must
 *   stay valid, and the caller must not touch it, until end_io.
 *
 * The in-memory driver is built only into kernels with KUnit (see
 * kmod/Kbuild); its declarations are here so that tests and the engine's
 * own KUnit suites share one header.
 */
#ifndef _CLFS_STORAGE_H
#define _CLFS_STORAGE_H

#include <linux/atomic.h>
#include <linux/types.h>

struct clfs_storage;

/**
 * enum clfs_io_op - what a struct clfs_io asks the device to do
 * @CLFS_IO_READ: read @len bytes at @offset into @buf
 * @CLFS_IO_WRITE: write @len bytes from @buf at @offset
 * @CLFS_IO_FLUSH: empty cache flush: no data, offset, length or flags
 */
enum clfs_io_op {
	CLFS_IO_READ,
	CLFS_IO_WRITE,
	CLFS_IO_FLUSH,
};

/* Flags of a CLFS_IO_WRITE; reads and empty flushes take none. */
#define CLFS_IO_PREFLUSH	(1U << 0)
#define CLFS_IO_FUA		(1U << 1)
#define CLFS_IO_FLAGS_ALL	(CLFS_IO_PREFLUSH | CLFS_IO_FUA)

/**
 * struct clfs_io - one asynchronous I/O
 * @op: the operation
 * @flags: CLFS_IO_PREFLUSH and/or CLFS_IO_FUA, writes only
 * @offset: byte offset on the device, a multiple of the sector size
 * @len: length in bytes, a non-zero multiple of the sector size
 * @buf: sector-aligned kernel buffer (kmalloc, page allocator or vmalloc)
 * @end_io: completion, called exactly once in any context (see top of file)
 * @private: for the caller
 *
 * The caller owns the descriptor before submission and again once end_io
 * has started; in between it belongs to the storage layer and must be
 * neither changed nor freed. end_io may free it.
 */
struct clfs_io {
	enum clfs_io_op op;
	unsigned int flags;
	u64 offset;
	u32 len;
	void *buf;
	void (*end_io)(struct clfs_io *io, int err);
	void *private;

	/* private: owned by the storage layer from submission to end_io */
	struct clfs_storage *storage;
	/* Lets a driver split an I/O without allocating per-I/O state. */
	atomic_t remaining;
	atomic_t error;
};

/**
 * struct clfs_storage_ops - a storage driver
 * @submit: start @io, which clfs_storage_submit() has validated; report
 *	its outcome, exactly once, with clfs_storage_complete(). Called in
 *	process context, may sleep.
 * @release: free the driver; no I/O is in flight. May sleep.
 */
struct clfs_storage_ops {
	void (*submit)(struct clfs_storage *s, struct clfs_io *io);
	void (*release)(struct clfs_storage *s);
};

/**
 * struct clfs_storage - a device the log lives on, as the engine sees it
 * @ops: the driver
 * @sector_size: unit of atomic I/O in bytes: a power of two from 512 to
 *	PAGE_SIZE; every offset, length and buffer is aligned to it
 * @capacity: usable size in bytes, a non-zero multiple of @sector_size
 * @volatile_cache: writes may sit in a volatile cache until a flush or FUA;
 *	when false, PREFLUSH and FUA are accepted and cost nothing
 * @read_only: only reads are accepted; writes and flushes fail with -EROFS
 * @name: for messages, e.g. "vda" or "memdev"
 * @dev: the block device's number; 0 for storage that is none. An open
 *	log on a block device is shared by every opener of that number
 *	(kmod/log/clfs_share.c)
 *
 * Fields are set by the driver before the storage is handed out and are
 * constant afterwards (@read_only included, except on the in-memory
 * driver, for tests).
 */
struct clfs_storage {
	const struct clfs_storage_ops *ops;
	unsigned int sector_size;
	u64 capacity;
	bool volatile_cache;
	bool read_only;
	char name[32];
	dev_t dev;

	/* private: I/Os between clfs_storage_submit() and their end_io */
	atomic_t inflight;
};

int clfs_storage_init(struct clfs_storage *s,
		      const struct clfs_storage_ops *ops,
		      unsigned int sector_size, u64 capacity);
int clfs_storage_validate(const struct clfs_storage *s,
			  const struct clfs_io *io);
void clfs_storage_submit(struct clfs_storage *s, struct clfs_io *io);
void clfs_storage_complete(struct clfs_io *io, int err);
void clfs_storage_release(struct clfs_storage *s);

int clfs_storage_read_sync(struct clfs_storage *s, u64 offset, void *buf,
			   u32 len);
int clfs_storage_write_sync(struct clfs_storage *s, u64 offset,
			    const void *buf, u32 len, unsigned int flags);
int clfs_storage_flush_sync(struct clfs_storage *s);

/* clfs_bdev.c: the production driver, a block device opened by path. */

/* Open without write access, for a read-only attach (e.g. corrupt log). */
#define CLFS_BDEV_READ_ONLY	(1U << 0)

struct clfs_storage *clfs_bdev_open(const char *path, unsigned int flags);

/* clfs_memdev.c: in-memory, fault-injecting device (KUnit kernels only). */

struct clfs_memdev;

/**
 * enum clfs_memdev_completion - when and where end_io runs
 * @CLFS_MEMDEV_INLINE: in hard interrupt context, before submit returns
 * @CLFS_MEMDEV_HOLD: queued until the test releases it, in any order, with
 *	clfs_memdev_complete_held(); end_io then runs in hard interrupt
 *	context before that call returns
 * @CLFS_MEMDEV_ASYNC: in hard interrupt context, raised from an unbound
 *	workqueue, so completions race with each other and with the submitter
 *
 * Whatever the mode, injected faults are decided and a write's data
 * reaches the cache (later reads see it) at submission; a read copies its
 * data, and FUA, PREFLUSH and flush make data durable, only at completion.
 * So an I/O whose completion is held can be lost by a power cycle.
 */
enum clfs_memdev_completion {
	CLFS_MEMDEV_INLINE,
	CLFS_MEMDEV_HOLD,
	CLFS_MEMDEV_ASYNC,
};

/**
 * struct clfs_memdev_stats - what reached the in-memory driver
 * @reads: CLFS_IO_READ I/Os
 * @writes: CLFS_IO_WRITE I/Os, FUA and PREFLUSH ones included
 * @fua_writes: writes with CLFS_IO_FUA
 * @preflushes: writes with CLFS_IO_PREFLUSH
 * @flushes: empty CLFS_IO_FLUSH I/Os
 * @bytes_read: sum of the lengths of @reads
 * @bytes_written: sum of the lengths of @writes
 * @failed: I/Os failed by an injected fault or a dead device
 * @power_cycles: calls of clfs_memdev_power_cycle()
 *
 * Counted at submission; an I/O rejected by validation never reaches the
 * driver and is not counted.
 */
struct clfs_memdev_stats {
	u64 reads;
	u64 writes;
	u64 fua_writes;
	u64 preflushes;
	u64 flushes;
	u64 bytes_read;
	u64 bytes_written;
	u64 failed;
	u64 power_cycles;
};

/**
 * struct clfs_memdev_write - an unflushed write, offered to a power cycle
 * @index: position among the unflushed writes, 0 the oldest submitted
 * @offset: byte offset of the write
 * @len: its length in bytes
 * @completed: its end_io had run before the power cycle
 * @flags: its CLFS_IO_* flags
 */
struct clfs_memdev_write {
	unsigned int index;
	u64 offset;
	u32 len;
	bool completed;
	unsigned int flags;
};

struct clfs_memdev *clfs_memdev_create(unsigned int sector_size,
				       u64 capacity);
struct clfs_storage *clfs_memdev_storage(struct clfs_memdev *m);
struct clfs_memdev *clfs_memdev_from_storage(struct clfs_storage *s);

void clfs_memdev_set_completion(struct clfs_memdev *m,
				enum clfs_memdev_completion mode);
unsigned int clfs_memdev_nr_held(struct clfs_memdev *m);
struct clfs_io *clfs_memdev_held_io(struct clfs_memdev *m, unsigned int idx);
int clfs_memdev_complete_held(struct clfs_memdev *m, unsigned int idx);
void clfs_memdev_complete_all(struct clfs_memdev *m);
void clfs_memdev_drain(struct clfs_memdev *m);

void clfs_memdev_inject_write_fault(struct clfs_memdev *m, u64 nth,
				    bool sticky);
void clfs_memdev_inject_flush_fault(struct clfs_memdev *m, u64 nth,
				    bool sticky);
void clfs_memdev_inject_torn_write(struct clfs_memdev *m, u64 nth,
				   unsigned int keep_sectors);
void clfs_memdev_inject_bad_range(struct clfs_memdev *m, u64 offset,
				  u64 len);
void clfs_memdev_clear_faults(struct clfs_memdev *m);
void clfs_memdev_set_read_only(struct clfs_memdev *m, bool read_only);

unsigned int clfs_memdev_nr_unflushed(struct clfs_memdev *m);
void clfs_memdev_power_cycle(struct clfs_memdev *m,
			     bool (*keep)(void *arg,
					  const struct clfs_memdev_write *w),
			     void *arg);
bool clfs_memdev_is_dead(struct clfs_memdev *m);

int clfs_memdev_peek(struct clfs_memdev *m, u64 offset, void *buf,
		     size_t len);
int clfs_memdev_poke(struct clfs_memdev *m, u64 offset, const void *buf,
		     size_t len);
void clfs_memdev_get_stats(struct clfs_memdev *m,
			   struct clfs_memdev_stats *st);

#endif /* _CLFS_STORAGE_H */
