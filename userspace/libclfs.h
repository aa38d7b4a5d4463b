/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/*
 * libclfs: a small C library over the /dev/clfs ioctls.
 *
 * One function per ioctl, typed, with no policy of its own: what each
 * descriptor is, what the limits are and which errors an ioctl gives are
 * documented in <linux/clfs.h> (include/uapi/linux/clfs.h).
 *
 * Every function returns 0 (or a non-negative value: a new file descriptor,
 * a count) on success and a negative errno value on failure; errno itself is
 * left as the failing system call set it. The library has no hidden threads
 * and no global state: it is as thread-safe as the descriptors it is given.
 *
 * Descriptors:
 *
 *   ctl_fd   clfs_open_control()        the control device /dev/clfs
 *   log_fd   clfs_log_open(),           an open log, shared with every
 *            clfs_log_open_node()       other opener of the same device
 *   s_fd     clfs_stream_open()         a stream of a log; also its
 *                                       management client's events
 *   m_fd     clfs_marshal_create()      a marshalling area of a stream
 *   ctx_fd   clfs_read_record(),        a read context
 *            clfs_restart_read()
 *
 * Each is closed with close(2); a descriptor keeps its parent alive, so
 * they may be closed in any order. New descriptors are close-on-exec.
 *
 * A log attached with clfs_log_attach() has a node /dev/clfs-logs/NAME:
 * clfs_log_open_node() (or open(2) itself) on it gives a log descriptor
 * with no capability, as the node's owner, group and mode allow, and
 * needs no control device.
 *
 * LSNs are plain __u64 values; the helpers of <linux/clfs.h>
 * (clfs_lsn_make(), clfs_lsn_container(), clfs_lsn_cmp()...) work on them.
 */
#ifndef LIBCLFS_H
#define LIBCLFS_H

#include <stddef.h>
#include <sys/uio.h>
#include <linux/clfs.h>

#define CLFS_DEFAULT_DEVICE	"/dev/" CLFS_MISC_NAME

/* ---- the control device ------------------------------------------------ */

/**
 * clfs_open_control() - open the clfs control device
 * @path: device node, or NULL for CLFS_DEFAULT_DEVICE
 *
 * Return: a file descriptor (close it with close(2)), or -errno.
 */
int clfs_open_control(const char *path);

/**
 * clfs_get_version() - ask the loaded module for its ABI version
 * @ctl_fd: descriptor from clfs_open_control()
 * @ver: filled on success
 *
 * Return: 0, or -errno (-ENOTTY if @ctl_fd is not a clfs control device).
 */
int clfs_get_version(int ctl_fd, struct clfs_version *ver);

/**
 * clfs_abi_compatible() - can this library talk to that module?
 * @ver: version reported by the module
 *
 * Return: 1 when the major numbers match and the module's minor is at least
 * the one this library was built against, else 0.
 */
int clfs_abi_compatible(const struct clfs_version *ver);

/**
 * clfs_log_create() - format a device as a new log
 * @ctl_fd: descriptor from clfs_open_control()
 * @dev: path of the block device, e.g. "/dev/vdb", or a storage driver's
 *	target, e.g. "memdev:t1" (docs/storage-drivers.md)
 * @p: the log's geometry and kind (its reserved fields must be zero)
 *
 * Whatever the device held is lost, including an earlier log.
 *
 * Return: 0; -EINVAL for bad parameters or a path longer than
 * CLFS_PATH_MAX; -EOPNOTSUPP for a sector size other than 512 or 4096;
 * -ENOSPC if the containers do not fit on the device; -EBUSY if the device
 * is in use; -EPERM without CAP_SYS_ADMIN; -EIO; -ENOENT or -ENOTBLK for a
 * path that is not a block device; -ENODEV for a target whose driver is
 * not loaded.
 */
int clfs_log_create(int ctl_fd, const char *dev,
		    const struct clfs_log_params *p);

/**
 * clfs_log_open() - open the log on a device
 * @ctl_fd: descriptor from clfs_open_control()
 * @dev: path of the block device, or a storage driver's target
 * @flags: 0, or CLFS_OPEN_READ_ONLY to write nothing and refuse changes
 *
 * The first open of a device recovers the log if writable (crash
 * recovery) and starts a new epoch. If the log is open already (attached,
 * or opened by another process or a kernel client), the descriptor shares
 * that open log. The log stays open until its last client closes: every
 * descriptor of every opener, and its attachment.
 *
 * Return: the log descriptor; -ENODATA if the device holds no log;
 * -EUCLEAN if both metadata copies are corrupt; -EOPNOTSUPP for a log of
 * a newer format; -EROFS opening read-write a log open read-only; -EBUSY
 * if something else holds the device; -EPERM without CAP_SYS_ADMIN;
 * -EINVAL for unknown @flags; -EIO; -ENOMEM.
 */
int clfs_log_open(int ctl_fd, const char *dev, unsigned int flags);

/**
 * clfs_log_delete() - erase the log on a device that is not open
 * @ctl_fd: descriptor from clfs_open_control()
 * @dev: path of the block device, or a storage driver's target
 *
 * Both metadata copies are overwritten: the device no longer opens as a
 * log (-ENODATA).
 *
 * Return: 0; -ENODATA if the device holds no log; -EBUSY if it is in use
 * (the log is open or attached); -EOPNOTSUPP for a log of a newer format; -EPERM; -EIO; -ENOMEM.
 */
int clfs_log_delete(int ctl_fd, const char *dev);

/* ---- attached logs ------------------------------------------------------ */

/* Where attached logs' nodes are: CLFS_NODE_DIR "NAME". */
#define CLFS_NODE_DIR		"/dev/" CLFS_LOG_DIR "/"

/**
 * clfs_log_attach() - keep the log on a device open under a name
 * @ctl_fd: descriptor from clfs_open_control()
 * @dev: path of the block device, or a storage driver's target
 * @name: the name, 1 to CLFS_NAME_MAX - 1 of [A-Za-z0-9_.-], not starting
 *	with '.'; NULL or "" for the device's kernel name (e.g. "vdb")
 * @flags: 0, or CLFS_OPEN_READ_ONLY: the node then opens only read-only
 * @uid: the node's owner
 * @gid: the node's group
 * @mode: the node's permission bits, at most 0666; 0 gives 0600
 * @name_out: receives the name attached under, NUL-terminated (may be
 *	NULL)
 *
 * The log is opened (recovered, if read-write) unless some client has it
 * open already, in which case the attachment shares it. It stays open
 * with no process holding it, and its node CLFS_NODE_DIR NAME appears
 * with @uid, @gid and @mode, until clfs_log_detach().
 *
 * Return: 0; -EEXIST if the device is attached already (under any name)
 * or the name is in use; -EINVAL for a bad name, mode, owner, group or
 * @flags; -ENOSPC with CLFS_LIST_MAX logs attached; -EROFS attaching
 * read-write a log open read-only; -EPERM without CAP_SYS_ADMIN; and the
 * errors of clfs_log_open().
 */
int clfs_log_attach(int ctl_fd, const char *dev, const char *name,
		    unsigned int flags, __u32 uid, __u32 gid, __u32 mode,
		    char name_out[CLFS_NAME_MAX]);

/**
 * clfs_log_detach() - remove an attached log's name and node
 * @ctl_fd: descriptor from clfs_open_control()
 * @name: the attached log's name
 *
 * The name and the node go at once; descriptors already open keep
 * working, and the log closes (flushing everything) when the last of them
 * is closed, at once if there is none.
 *
 * Return: 0; -ENOENT if no log is attached under @name; -EINVAL for a bad
 * name; -EPERM without CAP_SYS_ADMIN.
 */
int clfs_log_detach(int ctl_fd, const char *name);

/**
 * clfs_log_set_access() - change who may open an attached log's node
 * @ctl_fd: descriptor from clfs_open_control()
 * @name: the attached log's name
 * @uid: the node's new owner
 * @gid: its new group
 * @mode: its new permission bits, at most 0666; 0 gives 0600
 *
 * The node is re-created with them; descriptors already open are not
 * affected.
 *
 * Return: 0; -ENOENT if no log is attached under @name; -EINVAL for a bad
 * name, owner, group or mode; -EPERM without CAP_SYS_ADMIN; -ENOMEM (the
 * node could not be re-created: set the access again).
 */
int clfs_log_set_access(int ctl_fd, const char *name, __u32 uid, __u32 gid,
			__u32 mode);

/**
 * clfs_log_list() - the attached logs, in name order
 * @ctl_fd: descriptor from clfs_open_control(); no privilege needed
 * @logs: room for @max entries
 * @max: 1 to CLFS_LIST_MAX
 * @total: receives how many logs are attached in all, more than the
 *	return value if @max was short (may be NULL)
 *
 * Return: the number of entries filled, or -errno (-EINVAL for a bad
 * @max).
 */
int clfs_log_list(int ctl_fd, struct clfs_attached_log *logs, __u32 max,
		  __u32 *total);

/**
 * clfs_log_open_node() - open an attached log through its node
 * @name_or_path: an attached log's name (no '/'), for the node
 *	CLFS_NODE_DIR NAME, or the node's path (anything with a '/')
 * @flags: 0 to open the node O_RDWR (a read-write descriptor), or
 *	CLFS_OPEN_READ_ONLY to open it O_RDONLY (a read-only one)
 *
 * The node's owner, group and mode decide, as for any file: no
 * capability is needed, nor the control device. The descriptor shares
 * the attached log, as clfs_log_open() of its device would.
 *
 * Return: the log descriptor (close-on-exec); -ENOENT if no log is
 * attached under that name; -EACCES if the node's permissions refuse;
 * -EROFS opening read-write a log attached read-only; -ENXIO if the log
 * was being detached; -ENOTTY for a path that is not a character device;
 * -EINVAL for a name that is empty, starts with '.' or has CLFS_NAME_MAX
 * characters or more, or for unknown @flags.
 */
int clfs_log_open_node(const char *name_or_path, unsigned int flags);

/* ---- log descriptors ---------------------------------------------------- */

/**
 * clfs_log_query() - what an open log looks like now
 * @log_fd: descriptor from clfs_log_open()
 * @info: filled on success: geometry, containers, LSNs and the statistics
 *	counted since the log was opened
 *
 * Return: 0, or -errno (-ENOTTY if @log_fd is not a log descriptor).
 */
int clfs_log_query(int log_fd, struct clfs_log_info *info);

/**
 * clfs_container_add() - add containers to a log
 * @log_fd: descriptor from clfs_log_open(), read-write
 * @count: how many, at least 1
 *
 * Return: 0; -ENOSPC if the device has no room for them; -EBADF or -EROFS
 * on a read-only log; -EPERM; -EINVAL; -EIO.
 */
int clfs_container_add(int log_fd, __u32 count);

/**
 * clfs_container_remove() - remove free containers from a log
 * @log_fd: descriptor from clfs_log_open(), read-write
 * @ids: physical ids of the containers (as clfs_container_scan() reports)
 * @count: entries in @ids, 1 to CLFS_SCAN_MAX
 *
 * All or nothing: if one container cannot go, none is removed.
 *
 * Return: 0; -EBUSY if one is active (still holds records the log needs);
 * -ENOENT for a slot that is not part of the log; -EINVAL for an id beyond
 * the device's slots, an id given twice, or a log that would keep fewer
 * than CLFS_LOG_MIN_CONTAINERS; -EBADF or -EROFS on a read-only log;
 * -EPERM; -EIO.
 */
int clfs_container_remove(int log_fd, const __u32 *ids, __u32 count);

/**
 * clfs_container_scan() - list the containers of a log
 * @log_fd: descriptor from clfs_log_open()
 * @first: physical id to start at
 * @info: room for @max entries
 * @max: 1 to CLFS_SCAN_MAX
 *
 * Call again with @first one past the last physical id returned until
 * fewer than @max come back.
 *
 * Return: the number of entries filled (0 past the last container), or
 * -errno.
 */
int clfs_container_scan(int log_fd, __u32 first,
			struct clfs_container_info *info, __u32 max);

/**
 * clfs_stream_create() - add a stream to a multiplexed log
 * @log_fd: descriptor from clfs_log_open(), read-write
 * @stream_id: receives the new stream's id, the lowest unused one
 *
 * Return: 0; -EINVAL on a dedicated log (it has exactly stream 0);
 * -ENOSPC when all CLFS_MAX_STREAM_ID + 1 ids are in use; -EBADF or
 * -EROFS on a read-only log; -EPERM; -EIO.
 */
int clfs_stream_create(int log_fd, __u32 *stream_id);

/**
 * clfs_stream_open() - open a stream of a log
 * @log_fd: descriptor from clfs_log_open()
 * @stream_id: an existing stream (0 in a dedicated log)
 *
 * Return: the stream descriptor; -ENOENT for no such stream; -ENOMEM.
 */
int clfs_stream_open(int log_fd, __u32 stream_id);

/**
 * clfs_stream_delete() - remove a stream of a multiplexed log
 * @log_fd: descriptor from clfs_log_open(), read-write
 * @stream_id: the stream; nothing may hold it open
 *
 * Return: 0; -ENOENT for no such stream; -EBUSY while it is open; -EINVAL
 * on a dedicated log; -EBADF or -EROFS; -EPERM; -EIO.
 */
int clfs_stream_delete(int log_fd, __u32 stream_id);

/**
 * clfs_policy_install() - install management policies on a log
 * @log_fd: descriptor from clfs_log_open(), read-write
 * @p: the policies: @p->installed names the CLFS_POLICY_* bits to set,
 *	the fields of those policies hold their values, every other field
 *	is zero (see struct clfs_policy)
 *
 * The policies not named stay as they are. The resulting set is checked
 * as a whole and written in one metadata commit, together with the growth
 * or shrink a new minimum or maximum implies; they persist across close,
 * module reload and reboot.
 *
 * Return: 0; -EINVAL for a value out of range, a field of a policy not
 * named, both or neither of an either-or pair, a container size other than
 * the log's, min above max, a growth step or tail target not below the
 * maximum, or an AUTO_SHRINK threshold not above the LOG_TAIL target;
 * -ENOSPC for a minimum or maximum beyond the device's container slots;
 * -EBUSY for a maximum below the size that removing free containers
 * cannot reach; -EBADF or -EROFS on a read-only log; -EPERM; -EIO.
 */
int clfs_policy_install(int log_fd, const struct clfs_policy *p);

/**
 * clfs_policy_query() - the management policies installed on a log
 * @log_fd: descriptor from clfs_log_open()
 * @p: filled on success; a policy not in @p->installed has its fields
 *	zero and the log applies its default
 *
 * Return: 0, or -errno.
 */
int clfs_policy_query(int log_fd, struct clfs_policy *p);

/**
 * clfs_policy_remove() - remove management policies: back to the defaults
 * @log_fd: descriptor from clfs_log_open(), read-write
 * @policies: CLFS_POLICY_* bits, CLFS_POLICY_ALL for every policy; bits
 *	of policies that are not installed are no error
 *
 * The log's size does not change.
 *
 * Return: 0; -EINVAL for no bits or unknown bits; -EBADF or -EROFS on a
 * read-only log; -EPERM; -EIO.
 */
int clfs_policy_remove(int log_fd, __u32 policies);

/**
 * clfs_set_size() - grow or shrink a log to a number of containers
 * @log_fd: descriptor from clfs_log_open(), read-write
 * @nr_containers: the size wanted, within the MIN_SIZE and MAX_SIZE
 *	policies
 * @result: receives the log's size afterwards, also when a shrink stopped
 *	part of the way (-EBUSY); may be NULL
 *
 * Growing takes the lowest unused slots of the device; shrinking removes
 * free containers, highest slot first.
 *
 * Return: 0; -ERANGE for a size outside the size policies or below
 * CLFS_LOG_MIN_CONTAINERS; -ENOSPC beyond the device's slots; -EBUSY when
 * containers holding records stopped a shrink (@result says where);
 * -EBADF or -EROFS on a read-only log; -EPERM; -EIO.
 */
int clfs_set_size(int log_fd, __u32 nr_containers, __u32 *result);

/**
 * clfs_mgmt_query() - a log's size and management state
 * @log_fd: descriptor from clfs_log_open()
 * @info: filled on success: size, free and held containers, the effective
 *	size limits, full and pinned, clients, unanswered tail-advance
 *	requests, waiters, and the counters since the log was opened
 *
 * Return: 0, or -errno.
 */
int clfs_mgmt_query(int log_fd, struct clfs_mgmt_info *info);

/* ---- stream descriptors ------------------------------------------------- */

/**
 * clfs_stream_query() - the LSNs and reservations of a stream
 * @s_fd: descriptor from clfs_stream_open()
 * @info: filled on success
 *
 * Return: 0, or -errno.
 */
int clfs_stream_query(int s_fd, struct clfs_stream_info *info);

/**
 * clfs_stream_reset() - empty a stream: it begins again at the log head
 * @s_fd: descriptor from clfs_stream_open(), read-write
 *
 * Return: 0; -EBADF or -EROFS on a read-only log; -EIO.
 */
int clfs_stream_reset(int s_fd);

/**
 * clfs_set_archive_tail() - move the archive tail of a stream
 * @s_fd: descriptor from clfs_stream_open(), read-write, of an archived log
 * @lsn: the oldest record not yet archived
 *
 * Return: 0; -ENOENT if @lsn names no record of the stream; -ERANGE if it
 * is before the current archive tail; -EINVAL for an ephemeral log, an
 * @lsn that is not an LSN or one after the stream's last record; -EBADF
 * or -EROFS; -EIO.
 */
int clfs_set_archive_tail(int s_fd, __u64 lsn);

/**
 * clfs_marshal_create() - create a marshalling area on a stream
 * @s_fd: descriptor from clfs_stream_open()
 * @block_bytes: size of its log I/O blocks (rounded up to the sector size,
 *	at most 1 MiB); 0 for 64 KiB. The largest record is a little smaller.
 * @max_write: blocks being filled or written at once, 0 for no limit
 * @max_read: read contexts open at once, 0 for CLFS_MAX_READ_CONTEXTS
 *
 * Closing the descriptor flushes the area's records first.
 *
 * Return: the marshalling area descriptor; -EINVAL for sizes out of range;
 * -EMFILE with CLFS_MAX_MARSHALS_PER_FD areas already open on @s_fd;
 * -ENOMEM.
 */
int clfs_marshal_create(int s_fd, __u32 block_bytes, __u32 max_write,
			__u32 max_read);

/**
 * clfs_mgmt_register() - make this descriptor the stream's management client
 * @s_fd: descriptor from clfs_stream_open(), of a read-write log
 *
 * From then on the log's management events for the stream (struct
 * clfs_event: tail-advance requests, log-full-handled, unpinned) are read
 * from @s_fd with clfs_read_events(); poll() reports POLLIN while one is
 * pending. The client goes with clfs_mgmt_deregister() or when @s_fd is
 * closed.
 *
 * Return: 0; -EBUSY if the stream already has a client; -EBADF on a
 * read-only log; -EINVAL.
 */
int clfs_mgmt_register(int s_fd);

/**
 * clfs_mgmt_deregister() - stop being the stream's management client
 * @s_fd: the descriptor clfs_mgmt_register() registered
 *
 * Events not read yet are dropped; an unanswered tail-advance request no
 * longer counts.
 *
 * Return: 0; -EINVAL if @s_fd is not a registered client; -EBADF on a
 * read-only log.
 */
int clfs_mgmt_deregister(int s_fd);

/**
 * clfs_mgmt_handle_full() - ask the log to make room, or to say when it has
 * @s_fd: a registered management client (clfs_mgmt_register())
 *
 * Grows the log if the policies allow; else runs a round of tail-advance
 * requests to the streams that keep the space busy.
 *
 * Return: 0 if the log has room now; -EINPROGRESS if not yet: a
 * CLFS_EVENT_LOG_FULL_HANDLED event follows (status 0: room again,
 * -ENOSPC: the log is pinned); -EINVAL if @s_fd is not a registered
 * client; -EBADF; -EIO.
 */
int clfs_mgmt_handle_full(int s_fd);

/**
 * clfs_mgmt_tail_failure() - report that the stream's tail cannot move
 * @s_fd: a registered management client
 * @status: why, a negative errno value
 *
 * Answers the unanswered tail-advance request: the log counts the stream
 * as one that cannot move until a tail moves or the log has room again.
 *
 * Return: 0; -EINVAL for a @status that is not a negative errno, no
 * unanswered request, or a descriptor that is not a registered client;
 * -EBADF.
 */
int clfs_mgmt_tail_failure(int s_fd, int status);

/**
 * clfs_read_events() - read pending management events
 * @s_fd: a registered management client
 * @ev: room for @max events
 * @max: at least 1
 *
 * read(2) on @s_fd: it blocks until an event is pending unless @s_fd is
 * O_NONBLOCK; at most one event of each type is pending at a time.
 *
 * Return: the number of events read (at least 1); -EAGAIN when none is
 * pending and @s_fd is non-blocking; -EINTR; -EINVAL for @max 0 or a
 * descriptor that is not a registered client (also when it stops being
 * one while the read waits); -EIO if the kernel returned a partial
 * event.
 */
int clfs_read_events(int s_fd, struct clfs_event *ev, size_t max);

/* ---- marshalling area descriptors: appends ------------------------------ */

/**
 * clfs_append() - append one record, gathered from several buffers
 * @m_fd: descriptor from clfs_marshal_create(), read-write
 * @iov: the record's bytes, in order
 * @n: entries in @iov, 1 to CLFS_APPEND_MAX_ENTRIES
 * @type: CLFS_RECORD_DATA or CLFS_RECORD_RESTART
 * @flags: CLFS_APPEND_FORCE_APPEND, CLFS_APPEND_FORCE_FLUSH (durable on
 *	return), CLFS_APPEND_USE_RESERVATION
 * @prev: the client's previous LSN, or CLFS_LSN_NULL
 * @undo: the client's undo-next LSN, or CLFS_LSN_NULL
 * @lsn: receives the record's LSN (may be NULL)
 *
 * Return: 0; -E2BIG for a record larger than a block of the area;
 * -ENOSPC when the log is full; -EINVAL for bad arguments (an entry larger
 * than 4 GiB, unknown flags, prev or undo LSNs that are not older records);
 * -EBADF on a read-only log; -EIO after an I/O error shut the log down;
 * -EINTR.
 */
int clfs_append(int m_fd, const struct iovec *iov, int n, __u32 type,
		__u32 flags, __u64 prev, __u64 undo, __u64 *lsn);

/**
 * clfs_reserve_and_append() - CLFS_IOC_APPEND with every option
 * @m_fd: descriptor from clfs_marshal_create(), read-write
 * @a: the call as <linux/clfs.h> describes it; its reserved fields must be
 *	zero. On success @a->lsn holds the record's LSN and the sizes at
 *	@a->reserve the true sizes reserved.
 *
 * Use it for entry alignment, reservations made in the same atomic step as
 * the append, or CLFS_APPEND_RESERVE_ONLY.
 *
 * Return: 0, or -errno as for clfs_append().
 */
int clfs_reserve_and_append(int m_fd, struct clfs_ioc_append *a);

/**
 * clfs_reserve() - align or allocate reservations (CLFS_IOC_RESERVE)
 * @m_fd: descriptor from clfs_marshal_create()
 * @op: CLFS_RESERVE_ALIGN (compute only) or CLFS_RESERVE_ALLOC (reserve)
 * @sizes: @nr record sizes; CLFS_RESERVE_ALLOC writes back the true sizes
 * @nr: 1 to CLFS_RESERVE_MAX
 * @total: receives the space @sizes take, headers and alignment included
 *	(CLFS_RESERVE_ALIGN; may be NULL)
 *
 * Return: 0; -ENOSPC if the log cannot hold the reservations (ALLOC is all
 * or nothing); -EINVAL; -EBADF on a read-only log (ALLOC).
 */
int clfs_reserve(int m_fd, __u32 op, __s64 *sizes, __u32 nr, __s64 *total);

/**
 * clfs_align_reservation() - the space some future records would take
 * @m_fd: descriptor from clfs_marshal_create()
 * @sizes: @nr record sizes
 * @nr: 1 to CLFS_RESERVE_MAX
 * @total: receives their true total size
 *
 * Return: 0, or -errno as for clfs_reserve().
 */
int clfs_align_reservation(int m_fd, const __s64 *sizes, __u32 nr,
			   __s64 *total);

/**
 * clfs_alloc_reserved() - reserve log space for future records
 * @m_fd: descriptor from clfs_marshal_create(), read-write
 * @sizes: @nr record sizes; on return the true sizes reserved
 * @nr: 1 to CLFS_RESERVE_MAX
 *
 * Return: 0, or -errno as for clfs_reserve().
 */
int clfs_alloc_reserved(int m_fd, __s64 *sizes, __u32 nr);

/**
 * clfs_adjust_reservation() - make or release reservations, append nothing
 * @m_fd: descriptor from clfs_marshal_create(), read-write
 * @sizes: @nr sizes: positive reserves, negative releases the reservation
 *	nearest in size; on return the true sizes
 * @nr: 1 to CLFS_RESERVE_MAX
 *
 * CLFS_IOC_APPEND with CLFS_APPEND_RESERVE_ONLY.
 *
 * Return: 0, or -errno as for clfs_reserve_and_append().
 */
int clfs_adjust_reservation(int m_fd, __s64 *sizes, __u32 nr);

/**
 * clfs_flush() - make records durable
 * @m_fd: descriptor from clfs_marshal_create(), read-write
 * @lsn: every record up to this LSN; CLFS_LSN_NULL for all of them
 * @flushed: receives the position before which everything is durable (may
 *	be NULL)
 *
 * Return: 0; -EIO if the log shut down (nothing is reported durable that
 * is not); -EBADF on a read-only log; -EINVAL; -EINTR.
 */
int clfs_flush(int m_fd, __u64 lsn, __u64 *flushed);

/* ---- marshalling area descriptors: tails -------------------------------- */

/**
 * clfs_restart_write() - write a restart area, optionally moving the base
 * @m_fd: descriptor from clfs_marshal_create(), read-write
 * @buf: the restart area's bytes
 * @bytes: how many
 * @new_base: CLFS_LSN_NULL, or the stream's new base LSN, set atomically
 *	with the restart area
 * @flags: 0 or CLFS_APPEND_USE_RESERVATION
 * @lsn: receives the restart record's LSN (may be NULL)
 *
 * The restart area is durable when this returns.
 *
 * Return: 0; -ENOENT or -ERANGE for a bad @new_base; -E2BIG; -ENOSPC;
 * -EBADF on a read-only log; -EINVAL; -EIO.
 */
int clfs_restart_write(int m_fd, const void *buf, __u32 bytes,
		       __u64 new_base, __u32 flags, __u64 *lsn);

/**
 * clfs_advance_base() - move the base LSN of the stream forward
 * @m_fd: descriptor from clfs_marshal_create(), read-write
 * @lsn: the oldest record the stream's clients still need
 *
 * Containers holding only older records can then be recycled.
 *
 * Return: 0; -ENOENT if @lsn names no record of the stream; -ERANGE if it
 * is before the current base; -EINVAL for an @lsn that is not an LSN or
 * one after the stream's last record; -EBADF on a read-only log; -EIO.
 */
int clfs_advance_base(int m_fd, __u64 lsn);

/**
 * clfs_set_end_of_log() - truncate the stream after a record
 * @m_fd: descriptor from clfs_marshal_create(), read-write
 * @lsn: the record that becomes the stream's last one
 *
 * Every later record of the stream is gone (reads give -ENOENT).
 *
 * Return: 0; -ENOENT if @lsn names no record of the stream (or one
 * already truncated away); -ERANGE if it lies below the base or archive
 * tail; -EINVAL for an @lsn that is not an LSN or one after the stream's
 * last record; -ENOSPC; -EBADF on a read-only log; -EIO.
 */
int clfs_set_end_of_log(int m_fd, __u64 lsn);

/* ---- reads -------------------------------------------------------------- */

/**
 * clfs_record_init() - point a record at the caller's buffer
 * @rec: the record structure
 * @buf: where the record's bytes will go
 * @bytes: room at @buf
 *
 * Every other field is zeroed. The read functions below keep @buf and
 * @bytes and clear the rest before each call, so one initialised
 * structure serves a whole walk.
 */
void clfs_record_init(struct clfs_ioc_record *rec, void *buf, __u32 bytes);

/**
 * clfs_read_record() - read a record and open a read context on it
 * @m_fd: descriptor from clfs_marshal_create()
 * @lsn: the record
 * @mode: where clfs_read_next() goes from there: CLFS_READ_FORWARD (the
 *	stream's next record), CLFS_READ_PREVIOUS or CLFS_READ_UNDO_NEXT
 *	(the chains of the client's LSNs)
 * @filter: CLFS_FILTER_DATA, CLFS_FILTER_RESTART or CLFS_FILTER_ALL
 * @rec: in: the buffer (clfs_record_init()); out: the record. When
 *	@rec->data_bytes exceeds @rec->buf_bytes only the first @buf_bytes
 *	were copied: clfs_read_current() with a larger buffer gets all.
 *
 * Records not yet flushed are readable.
 *
 * Return: the read context descriptor; -ENOENT if @lsn names no record of
 * the stream (or one @filter excludes); -ERANGE if it lies before the
 * start of the log; -EBUSY when the area has its maximum of read contexts
 * open; -EINVAL for a bad mode or filter, or an @lsn that is not an LSN;
 * -EUCLEAN for a corrupt block; -EIO; -ENOMEM; -EINTR.
 */
int clfs_read_record(int m_fd, __u64 lsn, __u32 mode, __u32 filter,
		     struct clfs_ioc_record *rec);

/**
 * clfs_read_next() - the next record of a read context's walk
 * @ctx_fd: descriptor from clfs_read_record() or clfs_restart_read()
 * @rec: in: the buffer; out: the record
 *
 * A failed step leaves the context on the record it last returned, so a
 * forward reader at the end may try again after more appends.
 *
 * Return: 0; -ENODATA at the end of the walk (forward past the last
 * record, or a previous or undo-next LSN of CLFS_LSN_NULL or
 * CLFS_LSN_INVALID); -ERANGE when the next record is before the start of
 * the log; -ENOENT when a chain names no record; -EUCLEAN; -EIO; -EINTR.
 */
int clfs_read_next(int ctx_fd, struct clfs_ioc_record *rec);

/**
 * clfs_read_current() - the context's current record again
 * @ctx_fd: descriptor from clfs_read_record() or clfs_restart_read()
 * @rec: in: the buffer (typically larger than before); out: the record
 *
 * Return: 0, or -errno as for clfs_read_next().
 */
int clfs_read_current(int ctx_fd, struct clfs_ioc_record *rec);

/**
 * clfs_restart_read() - read the newest restart area of the stream
 * @m_fd: descriptor from clfs_marshal_create()
 * @rec: in: the buffer (clfs_record_init()); out: the restart record
 *
 * clfs_read_next() on the returned context walks back to older restart
 * areas.
 *
 * Return: the read context descriptor; -ENODATA if the stream has no
 * restart area; -EBUSY; -EUCLEAN; -EIO; -ENOMEM; -EINTR.
 */
int clfs_restart_read(int m_fd, struct clfs_ioc_record *rec);

#endif /* LIBCLFS_H */
