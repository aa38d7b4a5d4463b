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
 *   -EUCLEAN     the log's metadata is corrupt (both copies), or holds
 *                values no use can reach, or blocks it names or an
 *                earlier open found are gone (read-write opens; a
 *                read-only open still reads what is left)
 *   -EOPNOTSUPP  the log is of a newer format, or the device's sector size
 *                is not 512 or 4096
 *   -ENOSPC      no room: the device for containers, or the log for blocks
 *   -EBUSY       a container is still needed (active)
 *   -EROFS       the log is open read-only
 *   -EIO         an I/O error shut the log down; it must be closed
 *   -E2BIG       a record larger than a block of the marshalling area
 *   -ENODATA     (reads) the end of the stream: no further record
 *   -ERANGE      (reads, tails) before the start of the log: below the base
 *                and the archive tail
 *   -ENOENT      (reads, tails) an LSN that names no record of the stream,
 *                or one removed by clfs_set_end_of_log()
 *   -ERANGE      (set size) a size outside the size policies
 *   -EINPROGRESS (log full) an event will answer the call later
 *
 * Devices are named by targets (docs/storage-drivers.md): a block device's path,
 * "/dev/vdb", or a storage driver's "NAME:ARG", e.g. "memdev:t1"; an
 * unknown driver name gives -ENODEV. Storage drivers plug in through
 * <linux/clfs_storage.h>.
 *
 * Sharing (docs/sharing.md): a log is one object per device. A
 * clfs_log_open() of a device whose log is already open, by another kernel
 * client, a process or an attachment, returns that same log with one more
 * reference, so every client shares its streams, write path and group
 * commit; each clfs_log_close() drops one, and the last closes the log. A
 * read-only open of a log open read-write shares it (write nothing through
 * it); a read-write open of a log whose first opener asked for read-only
 * gets -EROFS while that open lasts. Each client opens its own stream
 * handles and marshalling areas; a stream may be open by several clients
 * at once, and clfs_stream_delete() and clfs_stream_reset() then give
 * -EBUSY.
 *
 * The structures shared with userspace (struct clfs_log_params,
 * struct clfs_log_info, struct clfs_container_info, struct clfs_policy,
 * struct clfs_mgmt_info) and the LSN helpers are in <uapi/linux/clfs.h>.
 * Log management is described in docs/management.md.
 */
#ifndef _LINUX_CLFS_H
#define _LINUX_CLFS_H

#include <linux/types.h>
#include <uapi/linux/clfs.h>

struct clfs_log;
struct clfs_stream;
struct clfs_marshal;
struct clfs_read_ctx;
struct kvec;

void clfs_get_version(struct clfs_version *ver);

int clfs_log_create(const char *path, const struct clfs_log_params *params);
struct clfs_log *clfs_log_open(const char *path, unsigned int flags);
int clfs_log_delete(const char *path);
void clfs_log_close(struct clfs_log *log);
int clfs_log_query(struct clfs_log *log, struct clfs_log_info *info);

int clfs_container_add(struct clfs_log *log, u32 count);
int clfs_container_remove(struct clfs_log *log, const u32 *physical_ids,
			  u32 count);
int clfs_container_scan(struct clfs_log *log, u32 first_physical_id,
			struct clfs_container_info *info, u32 max);

int clfs_stream_create(struct clfs_log *log, u32 *stream_id);
struct clfs_stream *clfs_stream_open(struct clfs_log *log, u32 stream_id);
void clfs_stream_close(struct clfs_stream *s);
int clfs_stream_delete(struct clfs_log *log, u32 stream_id);
int clfs_stream_reset(struct clfs_stream *s);
int clfs_stream_query(struct clfs_stream *s, struct clfs_stream_info *info);

/**
 * struct clfs_marshal_params - a marshalling area's buffers
 * @block_bytes: size of its log I/O blocks, rounded up to the sector size;
 *	at most 1 MiB; the largest record is a little smaller
 * @max_write_buffers: blocks being filled or written at once, 0 for no
 *	limit; when all are busy, appenders wait for a write to complete
 * @max_read_buffers: read contexts open at once, 0 for no limit
 * @alloc_buffer: optional: returns @bytes of kernel memory aligned to 4096
 *	(kmalloc, page allocator or vmalloc), or NULL; with @free_buffer
 * @free_buffer: optional: frees what @alloc_buffer returned
 * @buffer_ctx: passed to both
 */
struct clfs_marshal_params {
	u32 block_bytes;
	u32 max_write_buffers;
	u32 max_read_buffers;
	void *(*alloc_buffer)(size_t bytes, void *ctx);
	void (*free_buffer)(void *buf, void *ctx);
	void *buffer_ctx;
};

struct clfs_marshal *clfs_marshal_create(struct clfs_stream *s,
					 const struct clfs_marshal_params *p);
int clfs_marshal_delete(struct clfs_marshal *m);

/**
 * struct clfs_append - one call of clfs_reserve_and_append()
 * @entries: the record's data, gathered from these buffers in order
 * @nr_entries: how many (0 with @lsn NULL: reserve only)
 * @entry_align: 0 or 1 packs the entries; a power of two up to 4096 starts
 *	each on that boundary from the start of the data, zero-padded
 * @type: CLFS_RECORD_DATA or CLFS_RECORD_RESTART
 * @flags: CLFS_APPEND_*
 * @prev_lsn: the client's previous LSN: CLFS_LSN_NULL, CLFS_LSN_INVALID
 *	or an older record
 * @undo_next_lsn: the ARIES undo-next LSN, same rules
 * @nr_reserve: reservations to make in the same atomic step
 * @reserve: @nr_reserve sizes; on return, the true sizes reserved
 */
struct clfs_append {
	const struct kvec *entries;
	u32 nr_entries;
	u32 entry_align;
	u32 type;
	u32 flags;
	u64 prev_lsn;
	u64 undo_next_lsn;
	u32 nr_reserve;
	s64 *reserve;
};

int clfs_reserve_and_append(struct clfs_marshal *m, struct clfs_append *a,
			    u64 *lsn);
int clfs_flush_to_lsn(struct clfs_marshal *m, u64 lsn, u64 *flushed_lsn);
int clfs_flush_buffers(struct clfs_marshal *m);
int clfs_align_reservation(struct clfs_marshal *m, u32 nr, const s64 *sizes,
			   s64 *total);
int clfs_alloc_reserved(struct clfs_marshal *m, u32 nr, s64 *sizes);

/**
 * struct clfs_record - a record as a read returns it
 * @lsn: its LSN
 * @prev_lsn: the client's previous LSN
 * @undo_next_lsn: the client's undo-next LSN
 * @type: CLFS_RECORD_DATA or CLFS_RECORD_RESTART
 * @data_bytes: size of @data
 * @data: the record's bytes, valid until the next read on the same context
 *	or its termination
 */
struct clfs_record {
	u64 lsn;
	u64 prev_lsn;
	u64 undo_next_lsn;
	u32 type;
	u32 data_bytes;
	const void *data;
};

struct clfs_read_ctx *clfs_read_log_record(struct clfs_marshal *m, u64 lsn,
					   u32 mode, u32 filter,
					   struct clfs_record *rec);
int clfs_read_next_log_record(struct clfs_read_ctx *c,
			      struct clfs_record *rec);
int clfs_read_current_log_record(struct clfs_read_ctx *c,
				 struct clfs_record *rec);
struct clfs_read_ctx *clfs_read_restart_area(struct clfs_marshal *m,
					     struct clfs_record *rec);
int clfs_read_previous_restart_area(struct clfs_read_ctx *c,
				    struct clfs_record *rec);
void clfs_terminate_read_log(struct clfs_read_ctx *c);

int clfs_write_restart_area(struct clfs_marshal *m, const void *buf,
			    u32 bytes, u64 new_base, u32 flags, u64 *lsn);
int clfs_advance_base(struct clfs_marshal *m, u64 base);
int clfs_set_archive_tail(struct clfs_stream *s, u64 lsn);
int clfs_set_end_of_log(struct clfs_marshal *m, u64 lsn);

/*
 * Management: policies (struct clfs_policy), size, and the log-full
 * protocol. When an append finds no free container the log grows within
 * its policies; if it cannot, each stream whose records keep the oldest
 * containers busy and that has a registered client gets a tail-advance
 * request naming one of its records. The callbacks run in process context
 * (a workqueue), may sleep and may call any clfs function on the log, but
 * must not deregister their own client.
 */
int clfs_policy_install(struct clfs_log *log, const struct clfs_policy *p);
int clfs_policy_query(struct clfs_log *log, struct clfs_policy *p);
int clfs_policy_remove(struct clfs_log *log, u32 policies);
int clfs_log_set_size(struct clfs_log *log, u32 nr_containers, u32 *result);
int clfs_mgmt_query(struct clfs_log *log, struct clfs_mgmt_info *info);

struct clfs_mgmt_client;

/**
 * struct clfs_mgmt_ops - an in-kernel management client's callbacks
 * @advance_tail: move the stream's base (and archive tail) to @target, a
 *	record of the stream, or call clfs_mgmt_tail_advance_failure()
 * @log_full_handled: answer to clfs_mgmt_handle_log_full() that returned
 *	-EINPROGRESS: 0 when the log has room again, -ENOSPC when pinned
 * @log_unpinned: the log was pinned and has room again
 *
 * Any of them may be NULL. @ctx is the pointer given at registration.
 */
struct clfs_mgmt_ops {
	void (*advance_tail)(void *ctx, u64 target);
	void (*log_full_handled)(void *ctx, int status);
	void (*log_unpinned)(void *ctx);
};

struct clfs_mgmt_client *clfs_mgmt_register(struct clfs_stream *s,
					    const struct clfs_mgmt_ops *ops,
					    void *ctx);
void clfs_mgmt_deregister(struct clfs_mgmt_client *c);
int clfs_mgmt_handle_log_full(struct clfs_mgmt_client *c);
int clfs_mgmt_tail_advance_failure(struct clfs_mgmt_client *c, int reason);

#endif /* _LINUX_CLFS_H */
