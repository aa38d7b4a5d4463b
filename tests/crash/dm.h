/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two device-mapper calls the crash tests make thousands of times,
 * straight through /dev/mapper/control: a message to a target (a
 * dm-log-writes mark) and a table reload (a fresh dm-log-writes log).
 * Devices are created and removed with dmsetup; exec'ing it for every
 * mark would cost more than the check the mark is for.
 */
#ifndef CLFS_CRASH_DM_H
#define CLFS_CRASH_DM_H

#include <stdint.h>

/* dm_message() - send @msg to sector 0's target of device @name. 0 or -errno. */
int dm_message(const char *name, const char *msg);

/*
 * dm_reload() - replace @name's table by one target of @sectors sectors,
 * @type with @params, and resume it: the old table's target is destroyed
 * (dm-log-writes finishes its log), the new one constructed. 0 or -errno.
 */
int dm_reload(const char *name, uint64_t sectors, const char *type,
	      const char *params);

#endif
