/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs storage layer, the engine's side: submission, synchronous helpers,
 * the driver registry and the block-device driver.
 *
 * What a driver sees, and the rules of the interface, are in
 * <linux/clfs_storage.h>. Here: clfs_storage_submit() validates an I/O
 * once for every driver and hands it on; clfs_storage_open() turns a
 * target ("NAME:ARG", or a path for the block driver) into a storage with
 * its driver's module pinned, and clfs_storage_release() gives both back.
 *
 * What a submitter (the engine) must respect in turn:
 *
 * - end_io may run in hard interrupt context, on any CPU, and before
 *   clfs_storage_submit() returns, on the submitting thread. So end_io
 *   must not sleep, must take its locks with the irq-safe variants and
 *   must not submit I/O itself (defer to a workqueue); and the submitter
 *   must not hold, across clfs_storage_submit(), a lock end_io takes.
 *   Rejected I/Os get their end_io too, with the validation error.
 * - A flush covers only writes that had completed when it was submitted,
 *   so a flush waits for the writes it must cover before it is submitted.
 * - Submission may sleep: process context, interrupts enabled. The block
 *   driver allocates nothing there but bios, from a mempool with
 *   GFP_NOIO, which waits rather than fails: a log must make progress
 *   under memory pressure.
 */
#ifndef _CLFS_STORAGE_H
#define _CLFS_STORAGE_H

#include <linux/clfs_storage.h>
#include "clfs_drivers.h"

/* Longest share key (clfs_storage_key()), NUL included. */
#define CLFS_STORAGE_KEY_MAX	64

int clfs_storage_validate(const struct clfs_storage *s,
			  const struct clfs_io *io);
void clfs_storage_submit(struct clfs_storage *s, struct clfs_io *io);
void clfs_storage_release(struct clfs_storage *s);

int clfs_storage_read_sync(struct clfs_storage *s, u64 offset, void *buf,
			   u32 len);
int clfs_storage_write_sync(struct clfs_storage *s, u64 offset,
			    const void *buf, u32 len, unsigned int flags);
int clfs_storage_flush_sync(struct clfs_storage *s);
int clfs_storage_reset_zone(struct clfs_storage *s, u64 offset);

/* clfs_storage_registry.c */
struct clfs_storage *clfs_storage_open(const char *target,
				       unsigned int flags);
int clfs_storage_key(const char *target, char *key, size_t len);
int clfs_storage_registry_init(void);
void clfs_storage_registry_exit(void);

#endif /* _CLFS_STORAGE_H */
