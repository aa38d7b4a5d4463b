/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs storage drivers: how a kind of storage plugs into clfs.
 *
 * A driver module fills a struct clfs_storage_driver and registers it with
 * clfs_storage_register(). A log is then created, opened or attached on a
 * target "NAME:ARG" (for example "memdev:t1" or "bdev:/dev/vdb"; a target
 * starting with '/' is short for "bdev:" plus the path): clfs finds driver
 * NAME, pins its module, and calls its open() with ARG. The storage it
 * returns is the device as the log engine sees it: a geometry and an ops
 * table, to which the engine submits struct clfs_io descriptors. The
 * block-device driver built into clfs.ko is registered the same way.
 *
 * Rules every driver gives and every caller relies on:
 *
 * - Validation is not the driver's job. clfs validates every descriptor
 *   once before the driver sees it: a malformed I/O fails with -EINVAL, one
 *   that does not lie inside the device (offset + length overflowing u64
 *   included) with -ERANGE, a write or flush on read-only storage with
 *   -EROFS. So @submit may trust its input.
 *
 * - Completion: the driver calls clfs_storage_complete() exactly once for
 *   every I/O it was given, with 0 or a negative errno. It may do so from
 *   any context (hard interrupt included), on any CPU, in any order with
 *   respect to other I/Os, and possibly before @submit has returned.
 *   After that call it must not touch the I/O or, if it was the last one
 *   in flight, the storage.
 *
 * - Durability follows the block layer (Documentation/block/
 *   writeback_cache_control.rst). With a volatile cache a completed write
 *   may sit in the cache. CLFS_IO_FUA: the I/O's own data is durable when
 *   it completes successfully. CLFS_IO_PREFLUSH, and an empty CLFS_IO_FLUSH:
 *   every write that had *completed* before this I/O was submitted is
 *   durable when it completes successfully; a write still in flight then is
 *   not covered. A driver without a volatile cache sets @volatile_cache
 *   false and may complete flushes at once. A write that fails may have
 *   changed any of its sectors, but no sector outside it.
 *
 * - Atomicity: a sector (@sector_size bytes) is written whole or not at
 *   all, across a power failure too. Nothing larger is atomic.
 *
 * - Errors: -EIO for a medium or transport error, -ENOSPC or -EOPNOTSUPP
 *   for what the device refuses by design; any negative errno is passed on
 *   to the engine, which shuts the log down on a failed write or flush (it
 *   cannot know what reached the medium) and fails the read that failed.
 *   A positive value is a driver bug and is reported as -EIO.
 *
 * - @submit is called in process context with interrupts enabled and may
 *   sleep; it should not wait for I/O. @release is called once, when no
 *   I/O is in flight, and may sleep.
 *
 * - Sequential storage (@zone_bytes set: a zoned device). The device is a
 *   run of zones of @zone_bytes, each written front to back only. The
 *   engine then puts every container in exactly one zone (container size
 *   = @zone_bytes, data from zone CLFS_STORAGE_MD_ZONES on: the zones
 *   before it are the driver's to lay the metadata copies out in, see
 *   docs/storage-drivers.md) and writes a container's blocks back to back
 *   from offset 0, never rewriting one. Before a container's first write
 *   the engine empties its zone with @reset_zone, with nothing in flight
 *   to it: when it activates the container, and at open for the active
 *   containers beyond the recovered end (from its own, if the end is at
 *   a zone's start). Writes to one zone may then reach @submit out of order
 *   (blocks are sealed in parallel), the first one too: a driver that
 *   must issue them in order queues them until the write pointer reaches
 *   them. A read beyond a zone's write pointer returns zeros. After a
 *   crash the engine asks @write_pointer where a zone ends before writing
 *   into it again.
 *
 * - Buffers: a read's or write's buffer is a kernel virtual address aligned
 *   to the sector size, from kmalloc, the page allocator or vmalloc; never
 *   on the stack, in module data or from ioremap. It stays valid, and the
 *   engine does not touch it, until the I/O completes.
 *
 * - Lifetime: open() runs with the driver's module pinned; the pin lasts
 *   until clfs has called @release of the storage, so the module cannot be
 *   unloaded under an open log. A driver unregisters in its module exit;
 *   by then no storage of it exists.
 *
 * Design and an example driver: docs/storage-drivers.md, kmod/storage/clfs_memdev*.c.
 */
#ifndef _LINUX_CLFS_STORAGE_H
#define _LINUX_CLFS_STORAGE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/types.h>

struct module;
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
 * @end_io: the submitter's completion, called by clfs_storage_complete()
 * @private: for the submitter
 *
 * The submitter owns the descriptor before submission and again once
 * end_io has started; in between it belongs to the storage layer and the
 * driver, and must be neither changed nor freed. end_io may free it.
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
	/* A driver may queue the I/O here between submit and completion. */
	struct list_head driver_list;
};

/**
 * struct clfs_storage_ops - what a driver does with its storage
 * @submit: start @io, already validated; complete it, exactly once, with
 *	clfs_storage_complete(). Process context, may sleep.
 * @release: close the device and free the storage; no I/O is in flight.
 *	May sleep.
 * @write_pointer: sequential storage only (@zone_bytes set): store in @wp
 *	the device offset up to which the zone holding @offset has been
 *	written (its start when empty, its end when full). Called with no
 *	write in flight to that zone. Return 0 or a negative errno. May
 *	sleep.
 * @reset_zone: sequential storage only: empty the zone starting at device
 *	offset @offset (a multiple of @zone_bytes); its write pointer goes
 *	back to @offset. Called with no I/O in flight to that zone. Return 0
 *	or a negative errno (the log then fails the write that needed it).
 *	May sleep.
 */
struct clfs_storage_ops {
	void (*submit)(struct clfs_storage *s, struct clfs_io *io);
	void (*release)(struct clfs_storage *s);
	int (*write_pointer)(struct clfs_storage *s, u64 offset, u64 *wp);
	int (*reset_zone)(struct clfs_storage *s, u64 offset);
};

/**
 * struct clfs_storage - a device the log lives on, as the engine sees it
 * @ops: the driver's operations
 * @sector_size: unit of atomic I/O in bytes: a power of two from 512 to
 *	PAGE_SIZE; every offset, length and buffer is aligned to it (a log
 *	is created only on 512 or 4096)
 * @capacity: usable size in bytes, a non-zero multiple of @sector_size
 * @volatile_cache: writes may sit in a volatile cache until a flush or
 *	FUA; when false, PREFLUSH and FUA are accepted and cost nothing
 * @read_only: only reads are accepted; writes and flushes fail with -EROFS
 * @name: for kernel messages and the log's default name, e.g. "vda" or
 *	"memdev-t1"
 * @dev: the block device's number, for storage that is one; else 0
 * @zone_bytes: 0 for storage written anywhere; for sequential storage the
 *	zone size, a multiple of @sector_size that divides @capacity, from
 *	64 KiB to 4 GiB (the container size limits), with @ops->write_pointer
 *	and @ops->reset_zone
 *
 * A driver embeds this in its own structure, calls clfs_storage_init() and
 * sets the other fields before open() returns; they are constant after.
 */
struct clfs_storage {
	const struct clfs_storage_ops *ops;
	unsigned int sector_size;
	u64 capacity;
	bool volatile_cache;
	bool read_only;
	char name[32];
	dev_t dev;
	u64 zone_bytes;

	/* private: I/Os between submission and completion; the driver */
	atomic_t inflight;
	const struct clfs_storage_driver *driver;
};

/*
 * Sequential storage: the zones before container slot 0, which the driver
 * lays the metadata copies out in (see @zone_bytes and the top of the file).
 * The engine writes copy i, whole and in place, at CLFS_STORAGE_MD_COPY_BYTES
 * * i, one copy at a time; a copy is never longer.
 */
#define CLFS_STORAGE_MD_ZONES		2U
#define CLFS_STORAGE_MD_COPY_BYTES	(64U * 1024)

/* open() flags */
#define CLFS_STORAGE_READ_ONLY	(1U << 0)	/* open without write access */

/**
 * struct clfs_storage_driver - a kind of storage
 * @name: what targets call it ("NAME:ARG"): 1 to 15 of [a-z0-9_]
 * @owner: THIS_MODULE
 * @open: open the device named by @arg (driver-defined, not empty) with
 *	CLFS_STORAGE_* @flags: return a storage set up with
 *	clfs_storage_init(), or an ERR_PTR. An instance must not be open
 *	twice at once (return -EBUSY): one log per device. Process context.
 * @identify: optional: write to @key (@len bytes) a name that is the same
 *	for every @arg meaning the same device, so that its open log is
 *	shared rather than opened again (the block driver gives the device
 *	number for any path to it). Return 0 or a negative errno. Without
 *	it, the target itself is the key.
 *
 * Registered from module init, unregistered from module exit.
 */
struct clfs_storage_driver {
	const char *name;
	struct module *owner;
	struct clfs_storage *(*open)(const char *arg, unsigned int flags);
	int (*identify)(const char *arg, char *key, size_t len);

	/* private: on the registry's list */
	struct list_head list;
};

int clfs_storage_register(struct clfs_storage_driver *drv);
void clfs_storage_unregister(struct clfs_storage_driver *drv);

int clfs_storage_init(struct clfs_storage *s,
		      const struct clfs_storage_ops *ops,
		      unsigned int sector_size, u64 capacity);
void clfs_storage_complete(struct clfs_io *io, int err);

#endif /* _LINUX_CLFS_STORAGE_H */
