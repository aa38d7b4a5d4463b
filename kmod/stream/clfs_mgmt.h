/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs log management inside the stream layer: see clfs_mgmt.c.
 */
#ifndef _CLFS_MGMT_H
#define _CLFS_MGMT_H

#include <linux/clfs.h>

struct clfs_mgmt;
struct clfs_streams;

int clfs_mgmt_attach(struct clfs_streams *ss);
void clfs_mgmt_detach(struct clfs_streams *ss);
void clfs_mgmt_sync(struct clfs_log *log);
void clfs_mgmt_stream_state(struct clfs_streams *ss, u32 id, u32 *flags,
			    u64 *request);

#endif /* _CLFS_MGMT_H */
