/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs: the Common Log File System in-kernel API.
 *
 * In-kernel clients (a filesystem journal, a transaction manager, a
 * replication driver) use the functions declared here; all of them are
 * exported with EXPORT_SYMBOL_GPL by clfs.ko and documented with kernel-doc
 * where they are defined. Errors are negative errno values.
 */
#ifndef _LINUX_CLFS_H
#define _LINUX_CLFS_H

#include <uapi/linux/clfs.h>

void clfs_get_version(struct clfs_version *ver);

#endif /* _LINUX_CLFS_H */
