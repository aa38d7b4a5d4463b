/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * clfs: the Common Log File System userspace ABI.
 *
 * Userspace reaches clfs through the misc device /dev/clfs (mode 0600 by
 * default). This header is the whole ABI: ioctl numbers, the structures they
 * carry, and the LSN helpers shared by both sides.
 *
 * Rules every structure here follows, so that the ABI can grow without
 * breaking old binaries:
 *  - fixed-width types only, explicit padding, 64-bit alignment;
 *  - reserved fields must be zero on input (non-zero gives -EINVAL) and are
 *    zeroed on output;
 *  - unknown flags are refused with -EINVAL.
 *
 * Errors are negative errno values (the ioctl returns -1 and sets errno).
 * An ioctl number clfs does not know gives -ENOTTY.
 */
#ifndef _UAPI_LINUX_CLFS_H
#define _UAPI_LINUX_CLFS_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Name of the misc device: /dev/clfs. */
#define CLFS_MISC_NAME		"clfs"

/*
 * ABI version. The major number changes when an existing ioctl changes
 * incompatibly (never, once 1.0 ships); the minor number grows when ioctls
 * or flags are added. Userspace checks major == CLFS_ABI_MAJOR and
 * minor >= the minor it was built against.
 */
#define CLFS_ABI_MAJOR		0
#define CLFS_ABI_MINOR		6

/**
 * struct clfs_version - answer of CLFS_IOC_GET_VERSION
 * @abi_major: CLFS_ABI_MAJOR of the running module
 * @abi_minor: CLFS_ABI_MINOR of the running module
 * @reserved: zeroed by the kernel
 */
struct clfs_version {
	__u32 abi_major;
	__u32 abi_minor;
	__u64 reserved[3];
};

/* ---- logs and containers ---------------------------------------------- */

/* Log flags: chosen at creation (the first two), reported by queries. */
#define CLFS_LOG_MULTIPLEXED	(1U << 0) /* several streams; else one (dedicated) */
#define CLFS_LOG_ARCHIVED	(1U << 1) /* has an archive tail; else ephemeral */
#define CLFS_LOG_CREATE_FLAGS	(CLFS_LOG_MULTIPLEXED | CLFS_LOG_ARCHIVED)
#define CLFS_LOG_READ_ONLY	(1U << 8) /* query only: opened read-only */
#define CLFS_LOG_SHUT_DOWN	(1U << 9) /* query only: an I/O error stopped writes */

/* Smallest number of containers a log is created with. */
#define CLFS_LOG_MIN_CONTAINERS	2

/**
 * struct clfs_log_params - how to format a device as a log
 * @container_bytes: size of every container: a multiple of the device's
 *	sector size, from 64 KiB to 4 GiB
 * @nr_containers: containers to start with, at least CLFS_LOG_MIN_CONTAINERS
 *	and no more than fit on the device after the metadata area
 * @flags: CLFS_LOG_MULTIPLEXED and/or CLFS_LOG_ARCHIVED
 * @reserved: zero
 *
 * The sector size is the device's logical block size (512 or 4096).
 */
struct clfs_log_params {
	__u64 container_bytes;
	__u32 nr_containers;
	__u32 flags;
	__u64 reserved[6];
};

/**
 * struct clfs_log_info - what a query reports about an open log
 * @uuid: the log's identity, set when it was formatted
 * @flags: CLFS_LOG_* flags
 * @sector_bytes: the device's sector size; all I/O is aligned to it
 * @container_bytes: size of every container
 * @device_bytes: size of the device the log was laid out for
 * @nr_slots: container slots the device has room for
 * @nr_containers: slots that belong to the log (free and active)
 * @nr_active: containers holding records the log still needs
 * @nr_free: containers ready for reuse
 * @epoch: current writing session (grows by one at every writable open)
 * @reserved0: zero
 * @generation: metadata write counter
 * @recovery_lsn: where recovery would start scanning after a crash now
 * @head_lsn: where the next log I/O block will be written
 * @flushed_lsn: every block before this position is durable
 * @blocks_written: log I/O blocks written since open
 * @bytes_written: bytes of those blocks, as written to the device
 * @flushes: device cache flushes issued by log flushes since open
 * @md_writes: metadata copies written since open
 * @recovered_blocks: valid blocks recovery found when the log was opened
 * @records_written: records in the blocks written since open
 * @record_bytes: client data in those records, in bytes
 * @copied_bytes: bytes of client data clfs copied to get them there (one
 *	copy in the kernel; two from userspace, see docs/performance.md)
 * @inflight_sum: sum over those blocks of the block writes in flight when
 *	each was submitted, itself included: / @blocks_written is the mean
 * @inflight_max: most block writes in flight at once since open
 * @reserved: zero
 */
struct clfs_log_info {
	__u8 uuid[16];
	__u32 flags;
	__u32 sector_bytes;
	__u64 container_bytes;
	__u64 device_bytes;
	__u32 nr_slots;
	__u32 nr_containers;
	__u32 nr_active;
	__u32 nr_free;
	__u32 epoch;
	__u32 reserved0;
	__u64 generation;
	__u64 recovery_lsn;
	__u64 head_lsn;
	__u64 flushed_lsn;
	__u64 blocks_written;
	__u64 bytes_written;
	__u64 flushes;
	__u64 md_writes;
	__u64 recovered_blocks;
	__u64 records_written;
	__u64 record_bytes;
	__u64 copied_bytes;
	__u64 inflight_sum;
	__u64 inflight_max;
	__u64 reserved[3];
};

/* Container states reported by a scan. */
#define CLFS_CONTAINER_FREE	1 /* in the log, holds nothing needed */
#define CLFS_CONTAINER_ACTIVE	2 /* holds records, under logical_id */

/**
 * struct clfs_container_info - one container, as a scan reports it
 * @physical_id: the slot on the device (fixed)
 * @logical_id: the logical container id while active (the top 32 bits of
 *	the LSNs of its records), else 0
 * @state: CLFS_CONTAINER_FREE or CLFS_CONTAINER_ACTIVE
 * @reserved0: zero
 * @device_offset: byte offset of the container on the device
 */
struct clfs_container_info {
	__u32 physical_id;
	__u32 logical_id;
	__u32 state;
	__u32 reserved0;
	__u64 device_offset;
};

/* ---- streams and records ---------------------------------------------- */

/* Streams of a multiplexed log: ids 0 .. CLFS_MAX_STREAM_ID. */
#define CLFS_MAX_STREAM_ID	127

/* Record types (a read filter is a mask of (1 << type)). */
#define CLFS_RECORD_DATA	1 /* the client's data */
#define CLFS_RECORD_RESTART	2 /* a restart area: where recovery begins */
#define CLFS_FILTER_DATA	(1U << CLFS_RECORD_DATA)
#define CLFS_FILTER_RESTART	(1U << CLFS_RECORD_RESTART)
#define CLFS_FILTER_ALL		(CLFS_FILTER_DATA | CLFS_FILTER_RESTART)

/* Append flags. */
#define CLFS_APPEND_FORCE_APPEND	(1U << 0) /* queue the block for writing now */
#define CLFS_APPEND_FORCE_FLUSH		(1U << 1) /* durable before the call returns */
#define CLFS_APPEND_USE_RESERVATION	(1U << 2) /* consume a reservation */
#define CLFS_APPEND_FLAGS	(CLFS_APPEND_FORCE_APPEND | \
				 CLFS_APPEND_FORCE_FLUSH | \
				 CLFS_APPEND_USE_RESERVATION)

/* Most entries one record may be gathered from. */
#define CLFS_APPEND_MAX_ENTRIES	64

/* Read context modes, numbered as CLFS's CLFS_CONTEXT_MODE. */
#define CLFS_READ_UNDO_NEXT	1 /* follow undo-next LSNs */
#define CLFS_READ_PREVIOUS	2 /* follow previous LSNs */
#define CLFS_READ_FORWARD	3 /* the stream's next record */

/**
 * struct clfs_stream_info - what a stream query reports
 * @stream_id: the stream
 * @reserved0: zero
 * @created_lsn: log position where the stream (or its last reset) began
 * @base_lsn: oldest record the clients still need, or CLFS_LSN_NULL
 * @last_lsn: youngest record appended, or CLFS_LSN_NULL
 * @archive_tail_lsn: oldest record not yet archived (archived logs), or
 *	CLFS_LSN_NULL
 * @restart_lsn: newest restart area, or CLFS_LSN_NULL
 * @flushed_lsn: every record before this position is durable (log-wide)
 * @reserved_bytes: log space reserved for future records of the stream
 * @reserved_records: records those reservations are for
 * @reserved1: zero
 * @first_lsn: the oldest record a read can start at: the base (or, in an
 *	archived log, the archive tail when it is older), else the stream's
 *	first record since it began; CLFS_LSN_NULL if it has none
 * @tail_request_lsn: the target of the tail-advance request the stream's
 *	management client has not answered yet, or CLFS_LSN_NULL
 * @mgmt_flags: CLFS_STREAM_MGMT_* (ABI 0.4)
 * @reserved2: zero
 * @reserved: zero
 */
struct clfs_stream_info {
	__u32 stream_id;
	__u32 reserved0;
	__u64 created_lsn;
	__u64 base_lsn;
	__u64 last_lsn;
	__u64 archive_tail_lsn;
	__u64 restart_lsn;
	__u64 flushed_lsn;
	__u64 reserved_bytes;
	__u32 reserved_records;
	__u32 reserved1;
	__u64 first_lsn;
	__u64 tail_request_lsn;
	__u32 mgmt_flags;
	__u32 reserved2;
	__u64 reserved[3];
};

/* clfs_stream_info.mgmt_flags */
#define CLFS_STREAM_MGMT_CLIENT		(1U << 0) /* a management client is registered */
#define CLFS_STREAM_MGMT_REQUEST	(1U << 1) /* a tail-advance request is unanswered */
#define CLFS_STREAM_MGMT_FAILED		(1U << 2) /* it reported a tail-advance failure */
#define CLFS_STREAM_MGMT_WAITING	(1U << 3) /* it waits for a log-full-handled event */

/* ---- management: policies, size, log-full notifications --------------- */

/*
 * Policies (CLFS's ClfsMgmtPolicy*), persisted in the log's metadata: they
 * survive close, module reload and reboot. The bit values are part of the
 * on-disk format. A policy that is not installed has all its fields zero;
 * without it the log behaves as the default column says.
 *
 *   policy            fields                      default
 *   MAX_SIZE          max_containers              every slot of the device
 *   MIN_SIZE          min_containers              CLFS_LOG_MIN_CONTAINERS
 *   NEW_CONTAINER_SIZE new_container_bytes        the log's container size
 *   GROWTH_RATE       growth_containers or        1 container
 *                     growth_pct (of the current size, rounded up)
 *   LOG_TAIL          tail_free_containers or     1 container
 *                     tail_free_pct: the free space a tail-advance
 *                     request round tries to reach
 *   AUTO_SHRINK       shrink_free_pct             never shrink
 *   AUTO_GROW         auto_grow (1 on, 0 off)     off
 */
#define CLFS_POLICY_MAX_SIZE		(1U << 0)
#define CLFS_POLICY_MIN_SIZE		(1U << 1)
#define CLFS_POLICY_NEW_CONTAINER_SIZE	(1U << 2)
#define CLFS_POLICY_GROWTH_RATE		(1U << 3)
#define CLFS_POLICY_LOG_TAIL		(1U << 4)
#define CLFS_POLICY_AUTO_SHRINK		(1U << 5)
#define CLFS_POLICY_AUTO_GROW		(1U << 6)
#define CLFS_POLICY_ALL			((1U << 7) - 1)

/**
 * struct clfs_policy - management policies of a log
 * @installed: CLFS_POLICY_* bits: which of the fields below are set
 * @max_containers: MAX_SIZE: the log never grows beyond, 2..device slots
 * @min_containers: MIN_SIZE: it never shrinks below, 2..@max_containers
 * @growth_containers: GROWTH_RATE: containers added per growth, or 0
 * @growth_pct: GROWTH_RATE: or percent (1..100) of the current size;
 *	exactly one of the two is non-zero
 * @tail_free_pct: LOG_TAIL: percent (1..99) of the log to free
 * @tail_free_containers: LOG_TAIL: or containers to free; exactly one of
 *	the two is non-zero
 * @shrink_free_pct: AUTO_SHRINK: shrink when this percent (1..100) of
 *	the containers is free
 * @auto_grow: AUTO_GROW: 1 to grow automatically, 0 for explicitly off
 * @reserved0: zero
 * @new_container_bytes: NEW_CONTAINER_SIZE: must equal the log's
 *	container size (every container of a log has the same size)
 * @reserved: zero
 *
 * Installing (clfs_policy_install(), CLFS_IOC_POLICY_INSTALL) sets the
 * policies named in @installed and leaves the others; the result must be
 * consistent as a whole or nothing changes:
 *   -EINVAL   a field out of range, a field of a policy not named, both or
 *             neither of an either-or pair, a container size other than
 *             the log's, min above max, a growth step or tail target
 *             larger than the maximum, or an AUTO_SHRINK threshold not
 *             above the LOG_TAIL target (the log would shrink away the
 *             free space tail-advance requests just made)
 *   -ENOSPC   a minimum or maximum beyond the device's container slots
 *   -EBUSY    a maximum below the log's size that removing free
 *             containers cannot reach
 * A minimum above the log's size grows it, a maximum below shrinks it,
 * in the same metadata commit that installs the policy.
 */
struct clfs_policy {
	__u32 installed;
	__u32 max_containers;
	__u32 min_containers;
	__u32 growth_containers;
	__u32 growth_pct;
	__u32 tail_free_pct;
	__u32 tail_free_containers;
	__u32 shrink_free_pct;
	__u32 auto_grow;
	__u32 reserved0;
	__u64 new_container_bytes;
	__u64 reserved[4];
};

/* clfs_mgmt_info.flags */
#define CLFS_MGMT_FULL		(1U << 0) /* an append found no free container */
#define CLFS_MGMT_PINNED	(1U << 1) /* full, and no tail can move */

/**
 * struct clfs_mgmt_info - a log's size and its management state
 * @flags: CLFS_MGMT_*
 * @nr_containers: containers in the log
 * @nr_free: of which free
 * @nr_held: free containers held back for reservations
 * @min_containers: the effective minimum size (policy or default)
 * @max_containers: the effective maximum size (policy or default)
 * @nr_clients: registered management clients
 * @nr_requests: tail-advance requests not answered yet
 * @nr_waiting: clients waiting for a log-full-handled event
 * @reserved0: zero
 * @grown: containers added by automatic growth since open
 * @shrunk: containers removed by automatic shrink since open
 * @full_events: times the log became full since open
 * @requests_sent: tail-advance requests sent since open
 * @pinned_events: times the log became pinned since open
 * @reserved: zero
 */
struct clfs_mgmt_info {
	__u32 flags;
	__u32 nr_containers;
	__u32 nr_free;
	__u32 nr_held;
	__u32 min_containers;
	__u32 max_containers;
	__u32 nr_clients;
	__u32 nr_requests;
	__u32 nr_waiting;
	__u32 reserved0;
	__u64 grown;
	__u64 shrunk;
	__u64 full_events;
	__u64 requests_sent;
	__u64 pinned_events;
	__u64 reserved[5];
};

/*
 * Management events, CLFS's ClfsMgmt notifications. An in-kernel client
 * gets them as callbacks (struct clfs_mgmt_ops, <linux/clfs.h>); a
 * userspace client registers its stream descriptor with
 * CLFS_IOC_MGMT_REGISTER and read()s them as struct clfs_event from it
 * (poll() reports EPOLLIN while one is pending; read() blocks unless the
 * descriptor is O_NONBLOCK, then -EAGAIN; a buffer smaller than one event
 * gives -EINVAL). At most one event of each type is pending per client:
 *
 *   ADVANCE_TAIL      move the stream's base (and archive tail) to @lsn,
 *                     a record of the stream, or report a failure with
 *                     CLFS_IOC_MGMT_TAIL_FAILURE. No new request comes
 *                     until the client has done one or the other.
 *   LOG_FULL_HANDLED  answer to CLFS_IOC_MGMT_HANDLE_FULL: @status 0,
 *                     the log has room again; -ENOSPC, it is pinned.
 *   LOG_UNPINNED      the log was pinned and has room again.
 */
#define CLFS_EVENT_ADVANCE_TAIL		1
#define CLFS_EVENT_LOG_FULL_HANDLED	2
#define CLFS_EVENT_LOG_UNPINNED		3

/**
 * struct clfs_event - one management event, as read() returns it
 * @type: CLFS_EVENT_*
 * @status: LOG_FULL_HANDLED: 0 or a negative errno; else 0
 * @lsn: ADVANCE_TAIL: the target record; else CLFS_LSN_NULL
 * @reserved: zero
 */
struct clfs_event {
	__u32 type;
	__s32 status;
	__u64 lsn;
	__u64 reserved[2];
};

/* ---- ioctls ------------------------------------------------------------ */

/*
 * Four kinds of file descriptor, each an anonymous inode except the first:
 *
 *   /dev/clfs            the control device: version, create, open, delete
 *   log descriptor       from CLFS_IOC_LOG_OPEN: query, containers, streams,
 *                        policies, size
 *   stream descriptor    from CLFS_IOC_STREAM_OPEN: query, reset, archive
 *                        tail, marshalling areas, management events
 *   marshalling area     from CLFS_IOC_MARSHAL_CREATE: append, flush, read,
 *                        restart areas, base, end of log, reservations
 *   read context         from CLFS_IOC_READ_RECORD or CLFS_IOC_RESTART_READ:
 *                        the next record, again the current one
 *
 * Closing a descriptor releases what it holds (a log is closed when its
 * last descriptor, including those of its streams, areas and contexts, is
 * closed; a marshalling area flushes first), so nothing outlives a process.
 * A descriptor keeps its parent alive. An ioctl on a descriptor of the wrong
 * kind gives -ENOTTY.
 *
 * Descriptors inherit the access mode of the log descriptor they come from
 * (read-write, or read-only for CLFS_OPEN_READ_ONLY); a read-only one
 * refuses append, flush, reset, truncation and tail moves with -EBADF.
 * New descriptors are close-on-exec.
 *
 * Privilege: CLFS_IOC_LOG_CREATE, CLFS_IOC_LOG_OPEN, CLFS_IOC_LOG_DELETE,
 * CLFS_IOC_LOG_ATTACH, CLFS_IOC_LOG_DETACH, CLFS_IOC_LOG_SET_ACCESS,
 * CLFS_IOC_CONTAINER_ADD, CLFS_IOC_CONTAINER_REMOVE,
 * CLFS_IOC_STREAM_DELETE, CLFS_IOC_POLICY_INSTALL, CLFS_IOC_POLICY_REMOVE
 * and CLFS_IOC_SET_SIZE need CAP_SYS_ADMIN (-EPERM); everything else is
 * allowed to whoever holds the descriptor. Policy changes, size changes and
 * management calls need a read-write descriptor (-EBADF).
 *
 * Pointers are __u64 (userspace casts with (__u64)(uintptr_t)), so every
 * structure has one layout for 32- and 64-bit callers.
 *
 * Limits (exceeding one gives -EINVAL unless stated):
 *   path lengths           CLFS_PATH_MAX bytes, NUL included
 *   gather list            CLFS_APPEND_MAX_ENTRIES entries
 *   one record             what a block of its marshalling area holds
 *                          (-E2BIG), at most about 1 MiB
 *   reservations per call  CLFS_RESERVE_MAX
 *   areas per stream fd    CLFS_MAX_MARSHALS_PER_FD (-EMFILE)
 *   read contexts          max_read_buffers of the area, at most (and by
 *                          default) CLFS_MAX_READ_CONTEXTS (-EBUSY)
 *   container scan         CLFS_SCAN_MAX entries per call
 */
#define CLFS_PATH_MAX			4096
#define CLFS_RESERVE_MAX		64
#define CLFS_MAX_MARSHALS_PER_FD	16
#define CLFS_MAX_READ_CONTEXTS		16
#define CLFS_SCAN_MAX			1024

/* CLFS_IOC_LOG_OPEN flags. */
#define CLFS_OPEN_READ_ONLY	(1U << 0) /* write nothing, refuse changes */

/**
 * struct clfs_ioc_log_create - format a device (CLFS_IOC_LOG_CREATE)
 * @path: user pointer to the device's path, e.g. "/dev/vdb", or a storage
 *	driver's target, e.g. "memdev:t1", NUL-terminated
 * @params: the log's geometry and kind
 */
struct clfs_ioc_log_create {
	__u64 path;
	struct clfs_log_params params;
};

/**
 * struct clfs_ioc_log_open - open a log by its device (CLFS_IOC_LOG_OPEN,
 *	CLFS_IOC_LOG_DELETE)
 * @path: user pointer to the device's path or target, NUL-terminated
 * @flags: CLFS_OPEN_READ_ONLY (open only); 0 for delete
 * @reserved0: zero
 * @reserved: zero
 *
 * CLFS_IOC_LOG_OPEN returns a new log descriptor. If the log is already
 * open (attached, or opened by another process or a kernel client), the
 * descriptor shares that open log: its streams, write path and group
 * commit. A read-only open of a log open read-write shares it and gives a
 * read-only descriptor; a read-write open of a log that was opened
 * read-only on request fails with -EROFS while that open lasts (a log
 * read-only by nature, on read-only media or with unknown read-only
 * features, is shared read-only with every opener, as it would open
 * alone). CLFS_IOC_LOG_DELETE erases the log on a device that is not open
 * (-EBUSY otherwise): both metadata copies are overwritten, so it no
 * longer opens (-ENODATA).
 */
struct clfs_ioc_log_open {
	__u64 path;
	__u32 flags;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct clfs_ioc_containers - add containers (CLFS_IOC_CONTAINER_ADD) or
 *	remove them (CLFS_IOC_CONTAINER_REMOVE)
 * @count: add: how many; remove: entries in @ids, at most CLFS_SCAN_MAX
 * @reserved0: zero
 * @ids: remove: user pointer to @count __u32 physical ids; add: zero
 * @reserved: zero
 */
struct clfs_ioc_containers {
	__u32 count;
	__u32 reserved0;
	__u64 ids;
	__u64 reserved[2];
};

/**
 * struct clfs_ioc_container_scan - list containers (CLFS_IOC_CONTAINER_SCAN)
 * @info: user pointer to @max struct clfs_container_info
 * @first: physical id to start at
 * @max: room in @info, at most CLFS_SCAN_MAX
 * @count: out: entries filled
 * @reserved0: zero
 * @reserved: zero
 */
struct clfs_ioc_container_scan {
	__u64 info;
	__u32 first;
	__u32 max;
	__u32 count;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct clfs_ioc_set_size - grow or shrink a log (CLFS_IOC_SET_SIZE)
 * @nr_containers: in: the size wanted, within the size policies
 * @result: out: the log's size afterwards
 * @reserved: zero
 *
 * Gives -ERANGE for a size outside the MIN_SIZE and MAX_SIZE policies (or
 * below CLFS_LOG_MIN_CONTAINERS), -ENOSPC beyond the device's slots, and
 * -EBUSY, with @result set, when only part of a shrink was possible
 * because the other containers hold records.
 */
struct clfs_ioc_set_size {
	__u32 nr_containers;
	__u32 result;
	__u64 reserved[3];
};

/**
 * struct clfs_ioc_mgmt - CLFS_IOC_MGMT_REGISTER (@flags zero) and
 *	CLFS_IOC_MGMT_TAIL_FAILURE (@status: why, a negative errno)
 * @flags: zero
 * @status: see above
 * @reserved: zero
 */
struct clfs_ioc_mgmt {
	__u32 flags;
	__s32 status;
	__u64 reserved[3];
};

/**
 * struct clfs_ioc_stream - a stream id (CLFS_IOC_STREAM_CREATE out,
 *	CLFS_IOC_STREAM_OPEN and CLFS_IOC_STREAM_DELETE in)
 * @stream_id: the stream
 * @flags: zero
 * @reserved: zero
 *
 * CLFS_IOC_STREAM_OPEN returns the new stream descriptor.
 */
struct clfs_ioc_stream {
	__u32 stream_id;
	__u32 flags;
	__u64 reserved[3];
};

/**
 * struct clfs_ioc_marshal - create a marshalling area (CLFS_IOC_MARSHAL_CREATE)
 * @block_bytes: size of its log I/O blocks (rounded up to the sector size,
 *	at most 1 MiB); 0 for 64 KiB
 * @max_write_buffers: blocks being filled or written at once, 0 unlimited
 * @max_read_buffers: read contexts open at once, 0 for
 *	CLFS_MAX_READ_CONTEXTS, at most CLFS_MAX_READ_CONTEXTS
 * @flags: zero
 * @reserved: zero
 *
 * Returns the new marshalling area descriptor.
 */
struct clfs_ioc_marshal {
	__u32 block_bytes;
	__u32 max_write_buffers;
	__u32 max_read_buffers;
	__u32 flags;
	__u64 reserved[4];
};

/**
 * struct clfs_ioc_entry - one buffer of a gather list
 * @buf: user pointer to the bytes
 * @bytes: how many
 * @reserved0: zero
 */
struct clfs_ioc_entry {
	__u64 buf;
	__u32 bytes;
	__u32 reserved0;
};

/**
 * struct clfs_ioc_append - reserve and append (CLFS_IOC_APPEND)
 * @entries: user pointer to @nr_entries struct clfs_ioc_entry
 * @nr_entries: 0 with CLFS_APPEND_RESERVE_ONLY, else 1 to
 *	CLFS_APPEND_MAX_ENTRIES
 * @entry_align: 0 or 1 packs the entries; a power of two up to 4096 starts
 *	each on that boundary of the record's data
 * @type: CLFS_RECORD_DATA or CLFS_RECORD_RESTART
 * @flags: CLFS_APPEND_* (CLFS_APPEND_RESERVE_ONLY: no record, only the
 *	reservations)
 * @prev_lsn: the client's previous LSN
 * @undo_next_lsn: the client's undo-next LSN
 * @reserve: user pointer to @nr_reserve __s64 sizes to reserve in the same
 *	step (negative: release the nearest); on return the true sizes
 * @nr_reserve: 0 to CLFS_RESERVE_MAX
 * @reserved0: zero
 * @lsn: out: the record's LSN
 * @reserved: zero
 */
struct clfs_ioc_append {
	__u64 entries;
	__u32 nr_entries;
	__u32 entry_align;
	__u32 type;
	__u32 flags;
	__u64 prev_lsn;
	__u64 undo_next_lsn;
	__u64 reserve;
	__u32 nr_reserve;
	__u32 reserved0;
	__u64 lsn;
	__u64 reserved[4];
};

/* CLFS_IOC_APPEND only: make or release reservations, append nothing. */
#define CLFS_APPEND_RESERVE_ONLY	(1U << 8)

/**
 * struct clfs_ioc_flush - flush (CLFS_IOC_FLUSH)
 * @lsn: every record up to this LSN; CLFS_LSN_NULL for all
 * @flushed_lsn: out: every record before this position is durable
 * @reserved: zero
 */
struct clfs_ioc_flush {
	__u64 lsn;
	__u64 flushed_lsn;
	__u64 reserved[2];
};

/**
 * struct clfs_ioc_lsn - one LSN (CLFS_IOC_ADVANCE_BASE,
 *	CLFS_IOC_SET_END_OF_LOG, CLFS_IOC_SET_ARCHIVE_TAIL)
 * @lsn: the LSN
 * @reserved: zero
 */
struct clfs_ioc_lsn {
	__u64 lsn;
	__u64 reserved[3];
};

/**
 * struct clfs_ioc_record - a record read into the caller's buffer
 * @buf: in: user pointer where the record's bytes go
 * @buf_bytes: in: room at @buf
 * @type: out: CLFS_RECORD_DATA or CLFS_RECORD_RESTART
 * @lsn: out: the record's LSN
 * @prev_lsn: out: its previous LSN
 * @undo_next_lsn: out: its undo-next LSN
 * @data_bytes: out: the record's size; when larger than @buf_bytes only
 *	@buf_bytes were copied: CLFS_IOC_READ_CURRENT with a larger buffer
 *	gets all of it
 * @reserved0: zero
 * @reserved: zero
 */
struct clfs_ioc_record {
	__u64 buf;
	__u32 buf_bytes;
	__u32 type;
	__u64 lsn;
	__u64 prev_lsn;
	__u64 undo_next_lsn;
	__u32 data_bytes;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct clfs_ioc_read - open a read context on a record (CLFS_IOC_READ_RECORD)
 * @lsn: the record
 * @mode: CLFS_READ_FORWARD, CLFS_READ_PREVIOUS or CLFS_READ_UNDO_NEXT
 * @filter: CLFS_FILTER_* mask
 * @rec: the record at @lsn, read as struct clfs_ioc_record says
 *
 * Returns the new read context descriptor. CLFS_IOC_RESTART_READ takes a
 * struct clfs_ioc_record alone and opens a context on the newest restart
 * area, which CLFS_IOC_READ_NEXT walks back through older ones.
 */
struct clfs_ioc_read {
	__u64 lsn;
	__u32 mode;
	__u32 filter;
	struct clfs_ioc_record rec;
};

/**
 * struct clfs_ioc_restart - write a restart area (CLFS_IOC_RESTART_WRITE)
 * @buf: user pointer to its bytes
 * @bytes: how many
 * @flags: 0 or CLFS_APPEND_USE_RESERVATION
 * @new_base: CLFS_LSN_NULL, or the stream's new base, set atomically
 * @lsn: out: the restart record's LSN
 * @reserved: zero
 */
struct clfs_ioc_restart {
	__u64 buf;
	__u32 bytes;
	__u32 flags;
	__u64 new_base;
	__u64 lsn;
	__u64 reserved[2];
};

/* CLFS_IOC_RESERVE operations. */
#define CLFS_RESERVE_ALIGN	1 /* total true size of @sizes, reserving nothing */
#define CLFS_RESERVE_ALLOC	2 /* reserve @sizes (all or nothing) */

/* ---- shared logs: attach, detach, list (ABI 0.5, docs/sharing.md) ----- */

/*
 * A log is one kernel object per device, shared by every opener. An
 * attached log stays open with no process holding it, under a name, and
 * has a node /dev/CLFS_LOG_DIR/NAME: opening that node read-write gives a
 * read-write log descriptor, read-only a read-only one, with no capability
 * needed; the node's owner, group and mode decide who may. Attach, detach
 * and set-access need CAP_SYS_ADMIN.
 */
#define CLFS_LOG_DIR		"clfs-logs"
/* A name: 1 to CLFS_NAME_MAX - 1 of [A-Za-z0-9_.-], not starting with '.'. */
#define CLFS_NAME_MAX		32
/* Largest @max of CLFS_IOC_LOG_LIST. */
#define CLFS_LIST_MAX		256

/**
 * struct clfs_ioc_log_attach - attach a log (CLFS_IOC_LOG_ATTACH)
 * @path: user pointer to the device's path, NUL-terminated
 * @flags: CLFS_OPEN_READ_ONLY to attach read-only
 * @uid: the node's owner
 * @gid: the node's group
 * @mode: the node's permission bits (at most 0666); 0 gives 0600
 * @name: the name, NUL-terminated; empty for the device's own (e.g. "vdb"),
 *	which the kernel then writes back here
 * @reserved: zero
 *
 * Attaching a device twice, or a second device under a name in use, gives
 * -EEXIST. The log is opened (recovered) by the attach if no one has it
 * open yet, and shared otherwise.
 */
struct clfs_ioc_log_attach {
	__u64 path;
	__u32 flags;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	char name[CLFS_NAME_MAX];
	__u64 reserved[4];
};

/**
 * struct clfs_ioc_log_name - name an attached log (CLFS_IOC_LOG_DETACH,
 *	CLFS_IOC_LOG_SET_ACCESS)
 * @name: the attached log's name, NUL-terminated
 * @uid: SET_ACCESS: the node's new owner; DETACH: zero
 * @gid: SET_ACCESS: the node's new group; DETACH: zero
 * @mode: SET_ACCESS: the new permission bits (at most 0666); DETACH: zero
 * @reserved0: zero
 * @reserved: zero
 *
 * Detach removes the name and the node at once, so no new client can
 * reach the log through them, and drops the attachment's hold on the log:
 * the log closes (flushing everything) when its last client closes it,
 * at once if there is none. Descriptors already open keep working.
 * SET_ACCESS re-creates the node with the new owner, group and mode;
 * descriptors already open are not affected.
 */
struct clfs_ioc_log_name {
	char name[CLFS_NAME_MAX];
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct clfs_attached_log - one attached log (CLFS_IOC_LOG_LIST)
 * @name: its name
 * @device: the device's name, e.g. "vdb" (for a storage driver's device,
 *	its own name, e.g. "memdev-t1")
 * @uuid: the log's uuid
 * @dev_major: the block device's major number; 0 for other storage
 * @dev_minor: its minor number
 * @node_major: the node's major number
 * @node_minor: its minor number
 * @clients: open references: the attachment, each log descriptor and each
 *	in-kernel opener
 * @flags: CLFS_LOG_READ_ONLY, CLFS_LOG_SHUT_DOWN
 * @uid: the node's owner
 * @gid: its group
 * @mode: its permission bits
 * @reserved0: zero
 * @reserved: zero
 */
struct clfs_attached_log {
	char name[CLFS_NAME_MAX];
	char device[CLFS_NAME_MAX];
	__u8 uuid[16];
	__u32 dev_major;
	__u32 dev_minor;
	__u32 node_major;
	__u32 node_minor;
	__u32 clients;
	__u32 flags;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct clfs_ioc_log_list - list the attached logs (CLFS_IOC_LOG_LIST)
 * @logs: user pointer to @max struct clfs_attached_log
 * @max: room in @logs, 1 to CLFS_LIST_MAX
 * @count: out: entries written, in name order
 * @total: out: attached logs in all (more than @count if @max was short)
 * @reserved0: zero
 * @reserved: zero
 */
struct clfs_ioc_log_list {
	__u64 logs;
	__u32 max;
	__u32 count;
	__u32 total;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct clfs_ioc_reserve - reservations (CLFS_IOC_RESERVE)
 * @sizes: user pointer to @nr __s64 record sizes; ALLOC writes back the
 *	true sizes reserved
 * @nr: 1 to CLFS_RESERVE_MAX
 * @op: CLFS_RESERVE_ALIGN or CLFS_RESERVE_ALLOC
 * @total: out (ALIGN): the space @sizes take, headers and alignment
 *	included
 * @reserved: zero
 */
struct clfs_ioc_reserve {
	__u64 sizes;
	__u32 nr;
	__u32 op;
	__s64 total;
	__u64 reserved[2];
};

/* ioctl type byte 0xCF, numbered by the descriptor kind they apply to. */
#define CLFS_IOC_MAGIC		0xCF

/* /dev/clfs. Only GET_VERSION and LOG_LIST need no privilege. */
#define CLFS_IOC_GET_VERSION	_IOR(CLFS_IOC_MAGIC, 0x00, struct clfs_version)
#define CLFS_IOC_LOG_CREATE	_IOW(CLFS_IOC_MAGIC, 0x01, struct clfs_ioc_log_create)
#define CLFS_IOC_LOG_OPEN	_IOW(CLFS_IOC_MAGIC, 0x02, struct clfs_ioc_log_open)
#define CLFS_IOC_LOG_DELETE	_IOW(CLFS_IOC_MAGIC, 0x03, struct clfs_ioc_log_open)
#define CLFS_IOC_LOG_ATTACH	_IOWR(CLFS_IOC_MAGIC, 0x04, struct clfs_ioc_log_attach)
#define CLFS_IOC_LOG_DETACH	_IOW(CLFS_IOC_MAGIC, 0x05, struct clfs_ioc_log_name)
#define CLFS_IOC_LOG_LIST	_IOWR(CLFS_IOC_MAGIC, 0x06, struct clfs_ioc_log_list)
#define CLFS_IOC_LOG_SET_ACCESS	_IOW(CLFS_IOC_MAGIC, 0x07, struct clfs_ioc_log_name)

/* Log descriptors. */
#define CLFS_IOC_LOG_QUERY	_IOR(CLFS_IOC_MAGIC, 0x10, struct clfs_log_info)
#define CLFS_IOC_CONTAINER_ADD	_IOW(CLFS_IOC_MAGIC, 0x11, struct clfs_ioc_containers)
#define CLFS_IOC_CONTAINER_REMOVE _IOW(CLFS_IOC_MAGIC, 0x12, struct clfs_ioc_containers)
#define CLFS_IOC_CONTAINER_SCAN	_IOWR(CLFS_IOC_MAGIC, 0x13, struct clfs_ioc_container_scan)
#define CLFS_IOC_STREAM_CREATE	_IOR(CLFS_IOC_MAGIC, 0x14, struct clfs_ioc_stream)
#define CLFS_IOC_STREAM_OPEN	_IOW(CLFS_IOC_MAGIC, 0x15, struct clfs_ioc_stream)
#define CLFS_IOC_STREAM_DELETE	_IOW(CLFS_IOC_MAGIC, 0x16, struct clfs_ioc_stream)
#define CLFS_IOC_POLICY_INSTALL	_IOW(CLFS_IOC_MAGIC, 0x17, struct clfs_policy)
#define CLFS_IOC_POLICY_QUERY	_IOR(CLFS_IOC_MAGIC, 0x18, struct clfs_policy)
/* Argument: the CLFS_POLICY_* bits to remove, in a struct clfs_policy's @installed. */
#define CLFS_IOC_POLICY_REMOVE	_IOW(CLFS_IOC_MAGIC, 0x19, struct clfs_policy)
#define CLFS_IOC_SET_SIZE	_IOWR(CLFS_IOC_MAGIC, 0x1a, struct clfs_ioc_set_size)
#define CLFS_IOC_MGMT_QUERY	_IOR(CLFS_IOC_MAGIC, 0x1b, struct clfs_mgmt_info)

/* Stream descriptors. */
#define CLFS_IOC_STREAM_QUERY	_IOR(CLFS_IOC_MAGIC, 0x30, struct clfs_stream_info)
#define CLFS_IOC_STREAM_RESET	_IO(CLFS_IOC_MAGIC, 0x31)
#define CLFS_IOC_MARSHAL_CREATE	_IOW(CLFS_IOC_MAGIC, 0x32, struct clfs_ioc_marshal)
#define CLFS_IOC_SET_ARCHIVE_TAIL _IOW(CLFS_IOC_MAGIC, 0x33, struct clfs_ioc_lsn)
/* Management: events then come from read() on this descriptor. */
#define CLFS_IOC_MGMT_REGISTER	_IOW(CLFS_IOC_MAGIC, 0x34, struct clfs_ioc_mgmt)
#define CLFS_IOC_MGMT_DEREGISTER _IO(CLFS_IOC_MAGIC, 0x35)
/* 0: the log has room; -1/EINPROGRESS: a LOG_FULL_HANDLED event follows. */
#define CLFS_IOC_MGMT_HANDLE_FULL _IO(CLFS_IOC_MAGIC, 0x36)
#define CLFS_IOC_MGMT_TAIL_FAILURE _IOW(CLFS_IOC_MAGIC, 0x37, struct clfs_ioc_mgmt)

/* Marshalling area descriptors. */
#define CLFS_IOC_APPEND		_IOWR(CLFS_IOC_MAGIC, 0x50, struct clfs_ioc_append)
#define CLFS_IOC_FLUSH		_IOWR(CLFS_IOC_MAGIC, 0x51, struct clfs_ioc_flush)
#define CLFS_IOC_READ_RECORD	_IOWR(CLFS_IOC_MAGIC, 0x52, struct clfs_ioc_read)
#define CLFS_IOC_RESTART_WRITE	_IOWR(CLFS_IOC_MAGIC, 0x53, struct clfs_ioc_restart)
#define CLFS_IOC_RESTART_READ	_IOWR(CLFS_IOC_MAGIC, 0x54, struct clfs_ioc_record)
#define CLFS_IOC_ADVANCE_BASE	_IOW(CLFS_IOC_MAGIC, 0x55, struct clfs_ioc_lsn)
#define CLFS_IOC_SET_END_OF_LOG	_IOW(CLFS_IOC_MAGIC, 0x56, struct clfs_ioc_lsn)
#define CLFS_IOC_RESERVE	_IOWR(CLFS_IOC_MAGIC, 0x57, struct clfs_ioc_reserve)

/* Read context descriptors. */
#define CLFS_IOC_READ_NEXT	_IOWR(CLFS_IOC_MAGIC, 0x70, struct clfs_ioc_record)
#define CLFS_IOC_READ_CURRENT	_IOWR(CLFS_IOC_MAGIC, 0x71, struct clfs_ioc_record)

/* ---- LSN layout and helpers (shared by the kernel and userspace) ------- */
#include <linux/errno.h>

/*
 * An LSN (log sequence number) is 64 bits, bit for bit the CLFS layout:
 *
 *   63            32 31                    9 8            0
 *  +----------------+-----------------------+--------------+
 *  | logical        | block offset inside   | record index |
 *  | container id   | the container, in     | inside the   |
 *  |                | 512-byte units        | block        |
 *  +----------------+-----------------------+--------------+
 *
 * so lsn = (container << 32) | block_byte_offset | record_index, where the
 * block byte offset is a multiple of 512 below 4 GiB and the index is at
 * most 511. LSNs are log-wide: all streams of a multiplexed log share one
 * LSN space, and the LSNs of one stream strictly increase. Comparing two
 * LSNs is comparing the 64-bit numbers.
 *
 * CLFS_LSN_NULL never names a record. CLFS_LSN_INVALID (container
 * 0xffffffff, offset 0, index 0) is greater than every valid LSN; no LSN in
 * container 0xffffffff is valid, so CLFS_LSN_INVALID can end a chain or
 * mean "none" without colliding with a record.
 */
#define CLFS_LSN_NULL			((__u64)0)
#define CLFS_LSN_INVALID		((__u64)0xffffffff00000000ULL)

#define CLFS_LSN_CONTAINER_SHIFT	32
#define CLFS_LSN_OFFSET_SHIFT		9
/* Block offsets are counted in units of this many bytes. */
#define CLFS_LSN_OFFSET_UNIT		(1U << CLFS_LSN_OFFSET_SHIFT)
/* Bits 31..9 seen as a byte offset: offset = lsn & CLFS_LSN_OFFSET_MASK. */
#define CLFS_LSN_OFFSET_MASK		0xfffffe00U
/* Largest block byte offset, (2^23 - 1) * 512. */
#define CLFS_LSN_OFFSET_MAX		CLFS_LSN_OFFSET_MASK
#define CLFS_LSN_INDEX_MASK		0x1ffU
#define CLFS_LSN_INDEX_MAX		CLFS_LSN_INDEX_MASK
/* A log I/O block holds at most this many records. */
#define CLFS_LSN_RECORDS_PER_BLOCK	(CLFS_LSN_INDEX_MAX + 1)
/* Largest container id a valid LSN can carry (0xffffffff is INVALID's). */
#define CLFS_LSN_CONTAINER_MAX		0xfffffffeU

/**
 * clfs_lsn_make() - build an LSN from its three parts, without checking
 * @container: logical container id
 * @block_offset: byte offset of the block inside the container
 * @index: record index inside the block
 *
 * Bits of @block_offset below 512 and bits of @index above 511 are dropped,
 * so the result is always well formed but may not be what the caller
 * meant: use clfs_lsn_make_checked() on values that were not already
 * validated.
 *
 * Return: the LSN.
 */
static __inline__ __u64 clfs_lsn_make(__u32 container, __u32 block_offset,
				      __u32 index)
{
	return ((__u64)container << CLFS_LSN_CONTAINER_SHIFT) |
	       (block_offset & CLFS_LSN_OFFSET_MASK) |
	       (index & CLFS_LSN_INDEX_MASK);
}

/**
 * clfs_lsn_make_checked() - build an LSN that names a record, or refuse
 * @container: logical container id, at most CLFS_LSN_CONTAINER_MAX
 * @block_offset: byte offset of the block, a multiple of 512
 * @index: record index, at most CLFS_LSN_INDEX_MAX
 * @lsn: where the LSN is stored on success; untouched on failure
 *
 * Return: 0, or -EINVAL when a part is out of range or the result would
 * be CLFS_LSN_NULL (container 0, offset 0, index 0).
 */
static __inline__ int clfs_lsn_make_checked(__u32 container,
					    __u32 block_offset, __u32 index,
					    __u64 *lsn)
{
	if (container > CLFS_LSN_CONTAINER_MAX ||
	    (block_offset & ~CLFS_LSN_OFFSET_MASK) ||
	    index > CLFS_LSN_INDEX_MAX ||
	    (container == 0 && block_offset == 0 && index == 0))
		return -EINVAL;
	*lsn = clfs_lsn_make(container, block_offset, index);
	return 0;
}

/* clfs_lsn_container() - the logical container id of @lsn. */
static __inline__ __u32 clfs_lsn_container(__u64 lsn)
{
	return (__u32)(lsn >> CLFS_LSN_CONTAINER_SHIFT);
}

/* clfs_lsn_block_offset() - byte offset of @lsn's block in its container. */
static __inline__ __u32 clfs_lsn_block_offset(__u64 lsn)
{
	return (__u32)(lsn & CLFS_LSN_OFFSET_MASK);
}

/* clfs_lsn_record_index() - index of @lsn's record inside its block. */
static __inline__ __u32 clfs_lsn_record_index(__u64 lsn)
{
	return (__u32)(lsn & CLFS_LSN_INDEX_MASK);
}

/* clfs_lsn_block() - the LSN of @lsn's block: record index cleared. */
static __inline__ __u64 clfs_lsn_block(__u64 lsn)
{
	return lsn & ~(__u64)CLFS_LSN_INDEX_MASK;
}

/**
 * clfs_lsn_is_valid() - may @lsn name a record?
 * @lsn: any value
 *
 * Return: 1 unless @lsn is CLFS_LSN_NULL or lies in container 0xffffffff
 * (CLFS_LSN_INVALID and everything above it); 0 otherwise. A valid LSN may
 * still name no record of a given log: only the log can tell.
 */
static __inline__ int clfs_lsn_is_valid(__u64 lsn)
{
	return lsn != CLFS_LSN_NULL &&
	       clfs_lsn_container(lsn) <= CLFS_LSN_CONTAINER_MAX;
}

/**
 * clfs_lsn_cmp() - order two LSNs of one stream (or of one log)
 * @a: first LSN; CLFS_LSN_NULL and CLFS_LSN_INVALID are allowed
 * @b: second LSN, likewise
 *
 * Return: -1 if @a is older than @b, 0 if equal, 1 if newer.
 */
static __inline__ int clfs_lsn_cmp(__u64 a, __u64 b)
{
	return a < b ? -1 : a > b;
}

/**
 * clfs_lsn_increment() - the next record index in the same block
 * @lsn: a valid LSN
 *
 * Only the record index is incremented: the record after index 511 lives
 * in a later block whose offset depends on this block's length, which the
 * LSN does not carry. Like CLFS's ClfsLsnIncrement, the helper then
 * returns CLFS_LSN_INVALID instead of wrapping into the next offset.
 *
 * Return: @lsn + 1, or CLFS_LSN_INVALID if @lsn has record index 511 or is
 * not valid.
 */
static __inline__ __u64 clfs_lsn_increment(__u64 lsn)
{
	if (!clfs_lsn_is_valid(lsn) ||
	    clfs_lsn_record_index(lsn) == CLFS_LSN_INDEX_MAX)
		return CLFS_LSN_INVALID;
	return lsn + 1;
}
/* ---- end of LSN helpers ------------------------------------------------ */

#endif /* _UAPI_LINUX_CLFS_H */
