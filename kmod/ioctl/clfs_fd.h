/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs descriptors: the objects behind the file descriptors of the
 * /dev/clfs ABI (include/uapi/linux/clfs.h), one anonymous inode each.
 *
 *   clfs_fd_log.c      creating, opening and deleting logs; log descriptors
 *   clfs_fd_stream.c   stream descriptors
 *   clfs_fd_marshal.c  marshalling-area descriptors: appends, flushes,
 *                      reservations, restart areas, tails
 *   clfs_fd_read.c     read contexts and their descriptors
 *   clfs_fd_mgmt.c     policies, size, management clients and their events
 *
 * Every descriptor holds a reference on its parent's file (get_file()), so
 * the in-kernel objects are torn down child first, whatever order userspace
 * closes them in or if the process dies: a read context is terminated
 * before its marshalling area is deleted, which is before its stream is
 * closed, which is before the log is closed. An object is only freed in
 * its file's release, when no ioctl can be running on it.
 *
 * Every argument is copied in once, checked (reserved fields zero, flags
 * known, sizes within the documented limits), and only then handed to the
 * in-kernel API, which checks LSNs against the log.
 */
#ifndef _CLFS_FD_H
#define _CLFS_FD_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/clfs.h>

/**
 * struct clfs_fd_log - an open log behind a log descriptor
 * @log: the log, closed when the last descriptor of it goes
 * @writable: opened read-write (children inherit it)
 */
struct clfs_fd_log {
	struct clfs_log *log;
	bool writable;
};

/**
 * struct clfs_fd_events - management events kept for read() and poll()
 * @lock: the fields below
 * @pending: CLFS_EVENT_* bits of events not read yet
 * @lsn: the pending ADVANCE_TAIL's target
 * @status: the pending LOG_FULL_HANDLED's status
 * @wait: readers and pollers
 */
struct clfs_fd_events {
	spinlock_t lock;
	u32 pending;
	u64 lsn;
	int status;
	wait_queue_head_t wait;
};

/**
 * struct clfs_fd_stream - a stream handle behind a stream descriptor
 * @parent: the log descriptor's file (a reference)
 * @log: its object
 * @s: the stream handle
 * @writable: inherited from the log descriptor
 * @lock: @nr_marshal and @client
 * @nr_marshal: marshalling areas created on this descriptor and still open
 * @client: the management client registered through it, or NULL
 * @events: that client's events
 */
struct clfs_fd_stream {
	struct file *parent;
	struct clfs_fd_log *log;
	struct clfs_stream *s;
	bool writable;
	struct mutex lock;
	u32 nr_marshal;
	struct clfs_mgmt_client *client;
	struct clfs_fd_events events;
};

/**
 * struct clfs_fd_marshal - a marshalling area behind its descriptor
 * @parent: the stream descriptor's file (a reference)
 * @stream: its object
 * @m: the marshalling area
 * @writable: inherited
 * @block_bytes: its block size, the largest record it takes (about)
 * @bounce: a buffer of @block_bytes for appends' data, or NULL while an
 *	append uses it (clfs_fd_marshal.c)
 */
struct clfs_fd_marshal {
	struct file *parent;
	struct clfs_fd_stream *stream;
	struct clfs_marshal *m;
	bool writable;
	u32 block_bytes;
	void *bounce;
};

/* clfs_fd_log.c: the control device's log ioctls. */
long clfs_fd_log_create(void __user *uarg);
long clfs_fd_log_open(void __user *uarg);
long clfs_fd_log_delete(void __user *uarg);
int clfs_fd_log_adopt(struct file *file, struct clfs_log *log, bool writable);

/* clfs_attach.c: attached logs and their nodes. */
int clfs_attach_init(void);
void clfs_attach_exit(void);
long clfs_attach_ioctl(unsigned int cmd, void __user *uarg);

/* clfs_fd_stream.c */
int clfs_fd_stream_install(struct file *log_file, struct clfs_fd_log *fl,
			   u32 stream_id);

/* clfs_fd_marshal.c */
int clfs_fd_marshal_install(struct file *stream_file,
			    struct clfs_fd_stream *fs, void __user *uarg);

/* clfs_fd_read.c */
long clfs_fd_read_record(struct file *m_file, struct clfs_fd_marshal *fm,
			 void __user *uarg);
long clfs_fd_restart_read(struct file *m_file, struct clfs_fd_marshal *fm,
			  void __user *uarg);

/* clfs_fd_mgmt.c */
long clfs_fd_log_mgmt_ioctl(struct clfs_fd_log *fl, unsigned int cmd,
			    void __user *uarg);
long clfs_fd_stream_mgmt_ioctl(struct clfs_fd_stream *fs, unsigned int cmd,
			       void __user *uarg);
void clfs_fd_events_init(struct clfs_fd_events *e);
int clfs_fd_mgmt_deregister(struct clfs_fd_stream *fs);
ssize_t clfs_fd_stream_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos);
__poll_t clfs_fd_stream_poll(struct file *file, poll_table *wait);

/* Shared checks. */
static inline bool clfs_fd_zero(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

int clfs_fd_install(const char *name, const struct file_operations *fops,
		    void *priv, fmode_t mode, struct file *parent);

#endif /* _CLFS_FD_H */
