/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs log management inside the stream layer: see clfs_mgmt.c.
 */
#ifndef _CLFS_MGMT_H
#define _CLFS_MGMT_H

#include <linux/clfs.h>

struct clfs_mgmt;
struct clfs_streams;

/**
 * struct clfs_mgmt_client - a registered management client
 * @mg: its log's management state
 * @stream: the stream id
 * @ops: its callbacks
 * @ctx: their argument
 * @request: a tail-advance request is unanswered (under mg->lock, as all
 *	fields below)
 * @target: its target record
 * @failed: it reported a tail-advance failure; until the log has room
 * @waiting: it waits for a log-full-handled event
 * @pending: CLFS_EVENT_* bits of events not delivered yet
 * @ev_lsn: the pending ADVANCE_TAIL's target
 * @ev_status: the pending LOG_FULL_HANDLED's status
 */
struct clfs_mgmt_client {
	struct clfs_mgmt *mg;
	u32 stream;
	const struct clfs_mgmt_ops *ops;
	void *ctx;
	bool request;
	u64 target;
	bool failed;
	bool waiting;
	u32 pending;
	u64 ev_lsn;
	int ev_status;
};

int clfs_mgmt_attach(struct clfs_streams *ss);
void clfs_mgmt_detach(struct clfs_streams *ss);
void clfs_mgmt_sync(struct clfs_log *log);
void clfs_mgmt_stream_state(struct clfs_streams *ss, u32 id, u32 *flags,
			    u64 *request);

#endif /* _CLFS_MGMT_H */
