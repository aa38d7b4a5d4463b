// SPDX-License-Identifier: GPL-2.0
/*
 * clfs storage layer: what every driver shares. Argument checking happens
 * here, once, so that no driver can forget a case and every driver refuses
 * the same I/Os with the same errno; and the synchronous helpers are built
 * on the asynchronous interface, so they exercise the very path the engine
 * uses.
 */
#include <linux/blk_types.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched/task_stack.h>
#include <kunit/visibility.h>
#include "clfs_storage.h"

/**
 * clfs_storage_init() - set up the common part of a driver's storage
 * @s: embedded in the driver's own structure, zeroed
 * @ops: the driver's operations
 * @sector_size: logical block size: a power of two from 512 to PAGE_SIZE
 * @capacity: usable bytes: a non-zero multiple of @sector_size
 *
 * Drivers call this before filling the remaining fields of @s
 * (volatile_cache, read_only, name). The sector size is capped at
 * PAGE_SIZE because the block driver maps buffers page by page and a
 * sector must never straddle two bios.
 *
 * Return: 0, or -EINVAL if the geometry is not one clfs can use.
 */
int clfs_storage_init(struct clfs_storage *s,
		      const struct clfs_storage_ops *ops,
		      unsigned int sector_size, u64 capacity)
{
	if (!is_power_of_2(sector_size) || sector_size < SECTOR_SIZE ||
	    sector_size > PAGE_SIZE)
		return -EINVAL;
	if (!capacity || !IS_ALIGNED(capacity, sector_size))
		return -EINVAL;
	s->ops = ops;
	s->sector_size = sector_size;
	s->capacity = capacity;
	atomic_set(&s->inflight, 0);
	return 0;
}
EXPORT_SYMBOL_GPL(clfs_storage_init);

/*
 * A driver turns @buf into pages with virt_to_page() or vmalloc_to_page();
 * anything else (module data, a vmapped stack, ioremap) would give it the
 * wrong page or memory that cannot be used for DMA.
 */
static bool clfs_buf_is_mappable(const void *buf)
{
	if (object_is_on_stack(buf))
		return false;
	return virt_addr_valid(buf) || is_vmalloc_addr(buf);
}

/**
 * clfs_storage_validate() - check an I/O against a storage's geometry
 * @s: the storage
 * @io: the I/O, as it would be submitted
 *
 * The single definition of a well-formed I/O; clfs_storage_submit() calls
 * it, and it is exposed so tests can check every rule directly.
 *
 * Return: 0 if @io may be submitted; -EINVAL if it is malformed (unknown
 * op or flag, flags on a read, anything but a bare empty flush, zero
 * length, offset, length or buffer not aligned to the sector size, a
 * buffer that is NULL or not in kmalloc, page or vmalloc memory); -ERANGE
 * if it does not lie wholly inside the device, offset + length overflowing
 * included; -EROFS for a write or flush on read-only storage.
 */
int clfs_storage_validate(const struct clfs_storage *s,
			  const struct clfs_io *io)
{
	u64 end;

	if (io->flags & ~CLFS_IO_FLAGS_ALL)
		return -EINVAL;
	switch (io->op) {
	case CLFS_IO_FLUSH:
		/* Anything else would be a caller confusing FLUSH and WRITE. */
		if (io->flags || io->offset || io->len || io->buf)
			return -EINVAL;
		return s->read_only ? -EROFS : 0;
	case CLFS_IO_READ:
		if (io->flags)
			return -EINVAL;
		break;
	case CLFS_IO_WRITE:
		break;
	default:
		return -EINVAL;
	}

	if (!io->len || !IS_ALIGNED(io->len, s->sector_size) ||
	    !IS_ALIGNED(io->offset, s->sector_size))
		return -EINVAL;
	if (!io->buf || !IS_ALIGNED((unsigned long)io->buf, s->sector_size) ||
	    !clfs_buf_is_mappable(io->buf))
		return -EINVAL;
	if (check_add_overflow(io->offset, (u64)io->len, &end) ||
	    end > s->capacity)
		return -ERANGE;
	if (io->op == CLFS_IO_WRITE && s->read_only)
		return -EROFS;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_validate);

/**
 * clfs_storage_submit() - start an asynchronous I/O
 * @s: the storage
 * @io: the I/O; owned by the storage layer until its end_io runs
 *
 * Validates @io (see clfs_storage_validate()) and hands it to the driver.
 * Whatever happens, @io->end_io is called exactly once: with the
 * validation error without the driver seeing @io, or with the driver's
 * result. It may run before this function returns (see clfs_storage.h).
 *
 * Context: process context, may sleep.
 */
void clfs_storage_submit(struct clfs_storage *s, struct clfs_io *io)
{
	int err;

	might_sleep();
	/* Without end_io there is nobody to report to: a caller bug. */
	if (WARN_ON_ONCE(!io->end_io))
		return;
	io->storage = s;
	atomic_inc(&s->inflight);
	err = clfs_storage_validate(s, io);
	if (err) {
		clfs_storage_complete(io, err);
		return;
	}
	s->ops->submit(s, io);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_submit);

/**
 * clfs_storage_complete() - report the outcome of an I/O (drivers only)
 * @io: an I/O submitted through clfs_storage_submit()
 * @err: 0 or a negative errno
 *
 * Calls @io->end_io. Drivers must not touch @io or their storage after
 * this: the I/O may be freed and, once the last I/O has completed, the
 * storage released.
 *
 * Context: any, including hard interrupt.
 */
void clfs_storage_complete(struct clfs_io *io, int err)
{
	struct clfs_storage *s = io->storage;

	if (WARN_ON_ONCE(err > 0 || err < -MAX_ERRNO))
		err = -EIO;
	/*
	 * Before end_io, not after: end_io may let the owner release the
	 * storage, and then @s is gone.
	 */
	atomic_dec(&s->inflight);
	io->end_io(io, err);
}
EXPORT_SYMBOL_GPL(clfs_storage_complete);

/**
 * clfs_storage_release() - close a storage and unpin its driver
 * @s: the storage; no I/O may be in flight
 *
 * Context: process context, may sleep.
 */
void clfs_storage_release(struct clfs_storage *s)
{
	const struct clfs_storage_driver *drv;

	if (!s)
		return;
	/* An I/O in flight would complete into freed memory. */
	WARN_ON_ONCE(atomic_read(&s->inflight));
	drv = s->driver;
	s->ops->release(s);
	/* Last: the driver's code ran until release returned. */
	if (drv)
		module_put(drv->owner);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_release);

struct clfs_sync_io {
	struct clfs_io io;
	struct completion done;
	int err;
};

static void clfs_sync_end_io(struct clfs_io *io, int err)
{
	struct clfs_sync_io *sio = container_of(io, struct clfs_sync_io, io);

	sio->err = err;
	complete(&sio->done);
}

static int clfs_storage_sync(struct clfs_storage *s, enum clfs_io_op op,
			     u64 offset, void *buf, u32 len,
			     unsigned int flags)
{
	struct clfs_sync_io sio = {
		.io = {
			.op = op,
			.flags = flags,
			.offset = offset,
			.len = len,
			.buf = buf,
			.end_io = clfs_sync_end_io,
		},
	};

	init_completion(&sio.done);
	clfs_storage_submit(s, &sio.io);
	wait_for_completion_io(&sio.done);
	return sio.err;
}

/**
 * clfs_storage_read_sync() - read and wait
 * @s: the storage
 * @offset: byte offset, sector aligned
 * @buf: sector-aligned kmalloc, page or vmalloc buffer of @len bytes
 * @len: bytes to read, a non-zero multiple of the sector size
 *
 * Context: process context, sleeps.
 * Return: 0 or the I/O's negative errno (see clfs_storage_validate()).
 */
int clfs_storage_read_sync(struct clfs_storage *s, u64 offset, void *buf,
			   u32 len)
{
	return clfs_storage_sync(s, CLFS_IO_READ, offset, buf, len, 0);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_read_sync);

/**
 * clfs_storage_write_sync() - write and wait
 * @s: the storage
 * @offset: byte offset, sector aligned
 * @buf: sector-aligned kmalloc, page or vmalloc buffer of @len bytes
 * @len: bytes to write, a non-zero multiple of the sector size
 * @flags: CLFS_IO_PREFLUSH and/or CLFS_IO_FUA
 *
 * Without CLFS_IO_FUA a success only means the data reached the device's
 * cache.
 *
 * Context: process context, sleeps.
 * Return: 0 or the I/O's negative errno (see clfs_storage_validate()).
 */
int clfs_storage_write_sync(struct clfs_storage *s, u64 offset,
			    const void *buf, u32 len, unsigned int flags)
{
	/* A write never stores through @buf; clfs_io has one pointer type. */
	return clfs_storage_sync(s, CLFS_IO_WRITE, offset, (void *)buf, len,
				 flags);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_write_sync);

/**
 * clfs_storage_flush_sync() - flush the device's volatile cache and wait
 * @s: the storage
 *
 * Makes durable every write that completed before the call.
 *
 * Context: process context, sleeps.
 * Return: 0, -EROFS on read-only storage, or the flush's negative errno.
 */
int clfs_storage_flush_sync(struct clfs_storage *s)
{
	return clfs_storage_sync(s, CLFS_IO_FLUSH, 0, NULL, 0, 0);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_flush_sync);

/**
 * clfs_storage_reset_zone() - empty one zone of sequential storage
 * @s: the storage, @zone_bytes set
 * @offset: device offset of the zone's start
 *
 * The caller has nothing in flight to the zone (see <linux/clfs_storage.h>).
 *
 * Context: process context, sleeps.
 * Return: 0; -EINVAL for storage without zones or an @offset that is not a
 * zone start inside it; -EROFS on read-only storage; the driver's error.
 */
int clfs_storage_reset_zone(struct clfs_storage *s, u64 offset)
{
	u64 rem;

	if (!s->zone_bytes)
		return -EINVAL;
	div64_u64_rem(offset, s->zone_bytes, &rem);
	if (rem || offset >= s->capacity)
		return -EINVAL;
	if (s->read_only)
		return -EROFS;
	return s->ops->reset_zone(s, offset);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_reset_zone);
