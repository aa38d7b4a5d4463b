/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs: the Common Log File System in-kernel API.
 *
 * In-kernel clients (a filesystem journal, a transaction manager, a
 * replication driver) use the functions declared here; all of them are
 * exported with EXPORT_SYMBOL_GPL by clfs.ko and documented with kernel-doc
 * where they are defined. Errors are negative errno values:
 *
 *   -EINVAL      bad arguments
 *   -ENODATA     the device holds no clfs log
 *   -EUCLEAN     the log's metadata is corrupt (both copies)
 *   -EOPNOTSUPP  the log is of a newer format, or the device's sector size
 *                is not 512 or 4096
 *   -ENOSPC      no room: the device for containers, or the log for blocks
 *   -EBUSY       a container is still needed (active)
 *   -EROFS       the log is open read-only
 *   -EIO         an I/O error shut the log down; it must be closed
 *
 * The structures shared with userspace (struct clfs_log_params,
 * struct clfs_log_info, struct clfs_container_info) and the LSN helpers
 * are in <uapi/linux/clfs.h>.
 */
#ifndef _LINUX_CLFS_H
#define _LINUX_CLFS_H

#include <linux/types.h>
#include <uapi/linux/clfs.h>

struct clfs_log;

/* clfs_log_open() flags. */
#define CLFS_OPEN_READ_ONLY	(1U << 0)

void clfs_get_version(struct clfs_version *ver);

int clfs_log_create(const char *path, const struct clfs_log_params *params);
struct clfs_log *clfs_log_open(const char *path, unsigned int flags);
void clfs_log_close(struct clfs_log *log);
int clfs_log_query(struct clfs_log *log, struct clfs_log_info *info);

int clfs_container_add(struct clfs_log *log, u32 count);
int clfs_container_remove(struct clfs_log *log, const u32 *physical_ids,
			  u32 count);
int clfs_container_scan(struct clfs_log *log, u32 first_physical_id,
			struct clfs_container_info *info, u32 max);

#endif /* _LINUX_CLFS_H */
