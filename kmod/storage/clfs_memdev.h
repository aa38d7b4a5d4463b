/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs in-memory storage driver (clfs_memdev.ko): its controls for tests.
 *
 * The device model is described in clfs_memdev.c. Userspace reaches named
 * devices through the target "memdev:NAME" and debugfs
 * (clfs_memdev_ctl.c); KUnit suites create anonymous ones with
 * clfs_memdev_create() and drive them with the functions below, which are
 * exported to KUnit only.
 */
#ifndef _CLFS_MEMDEV_H
#define _CLFS_MEMDEV_H

#include <linux/clfs_storage.h>

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
 * @zone_resets: zones reset (sequential storage)
 * @zone_violations: writes failed for writing a sequential zone's sector
 *	twice without a reset, or across a zone's end
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
	u64 zone_resets;
	u64 zone_violations;
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
int clfs_memdev_set_zones(struct clfs_memdev *m, u64 zone_bytes);

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
void clfs_memdev_power_cut(struct clfs_memdev *m,
			   bool (*keep)(void *arg,
					const struct clfs_memdev_write *w),
			   void *arg);
bool clfs_memdev_is_dead(struct clfs_memdev *m);

void clfs_memdev_set_release(struct clfs_memdev *m,
			     void (*fn)(struct clfs_memdev *m, void *arg),
			     void *arg);
void clfs_memdev_destroy(struct clfs_memdev *m);

int clfs_memdev_peek(struct clfs_memdev *m, u64 offset, void *buf,
		     size_t len);
int clfs_memdev_poke(struct clfs_memdev *m, u64 offset, const void *buf,
		     size_t len);
void clfs_memdev_get_stats(struct clfs_memdev *m,
			   struct clfs_memdev_stats *st);

#endif /* _CLFS_MEMDEV_H */
