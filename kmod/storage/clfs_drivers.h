/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storage drivers built into clfs.ko, as the registry sees them.
 *
 * They are drivers like any other: clfs_bdev.c and clfs_zoned.c include
 * <linux/clfs_storage.h> and this header, and no other clfs header but
 * the block helpers next to them (clfs_bio.h, clfs_bdev_compat.h), so they
 * can use nothing of clfs that a driver module could not. The host stage
 * of make check (scripts/check-drivers.sh) holds them to that.
 */
#ifndef _CLFS_DRIVERS_H
#define _CLFS_DRIVERS_H

#include <linux/clfs_storage.h>

/* clfs_bdev.c: the block-device driver, registered as "bdev". */
extern struct clfs_storage_driver clfs_bdev_driver;
int clfs_bdev_identify(const char *path, char *key, size_t len);

/* clfs_zoned.c: zoned block devices, registered as "zoned". */
extern struct clfs_storage_driver clfs_zoned_driver;

#endif /* _CLFS_DRIVERS_H */
