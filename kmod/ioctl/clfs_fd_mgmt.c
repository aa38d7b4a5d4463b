// SPDX-License-Identifier: GPL-2.0
/*
 * clfs management through descriptors: policies, size and the management
 * query on log descriptors; management clients on stream descriptors.
 *
 * A stream descriptor registered as management client is an in-kernel
 * client whose callbacks keep the events in the descriptor (struct
 * clfs_fd_events) for read() and poll(). The events live as long as the
 * file, not the client, so a reader never looks at a client that
 * CLFS_IOC_MGMT_DEREGISTER freed; the client itself is reached only under
 * the descriptor's lock.
 */
#include <linux/capability.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "clfs_fd.h"

/* ---- log descriptors ----------------------------------------------------- */

static long clfs_fd_policy_install(struct clfs_fd_log *fl, void __user *uarg,
				   bool remove)
{
	struct clfs_policy p;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (!fl->writable)
		return -EBADF;
	if (!remove)
		return clfs_policy_install(fl->log, &p);
	/* Remove takes the bits alone. */
	if (memchr_inv((u8 *)&p + sizeof(p.installed), 0,
		       sizeof(p) - sizeof(p.installed)))
		return -EINVAL;
	return clfs_policy_remove(fl->log, p.installed);
}

static long clfs_fd_policy_query(struct clfs_fd_log *fl, void __user *uarg)
{
	struct clfs_policy p;
	int ret;

	ret = clfs_policy_query(fl->log, &p);
	if (ret)
		return ret;
	return copy_to_user(uarg, &p, sizeof(p)) ? -EFAULT : 0;
}

static long clfs_fd_set_size(struct clfs_fd_log *fl, void __user *uarg)
{
	struct clfs_ioc_set_size a;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	/* result is an output: whatever it held is overwritten. */
	if (!clfs_fd_zero(a.reserved, sizeof(a.reserved)))
		return -EINVAL;
	if (!fl->writable)
		return -EBADF;
	ret = clfs_log_set_size(fl->log, a.nr_containers, &a.result);
	if (ret && ret != -EBUSY)
		return ret;
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : ret;
}

static long clfs_fd_mgmt_query(struct clfs_fd_log *fl, void __user *uarg)
{
	struct clfs_mgmt_info info;
	int ret;

	ret = clfs_mgmt_query(fl->log, &info);
	if (ret)
		return ret;
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

/**
 * clfs_fd_log_mgmt_ioctl() - the management ioctls of a log descriptor
 * @fl: the log descriptor's object
 * @cmd: the ioctl
 * @uarg: its argument
 *
 * Return: as the ioctl documents; -ENOTTY for another ioctl.
 */
long clfs_fd_log_mgmt_ioctl(struct clfs_fd_log *fl, unsigned int cmd,
			    void __user *uarg)
{
	switch (cmd) {
	case CLFS_IOC_POLICY_INSTALL:
		return clfs_fd_policy_install(fl, uarg, false);
	case CLFS_IOC_POLICY_REMOVE:
		return clfs_fd_policy_install(fl, uarg, true);
	case CLFS_IOC_POLICY_QUERY:
		return clfs_fd_policy_query(fl, uarg);
	case CLFS_IOC_SET_SIZE:
		return clfs_fd_set_size(fl, uarg);
	case CLFS_IOC_MGMT_QUERY:
		return clfs_fd_mgmt_query(fl, uarg);
	default:
		return -ENOTTY;
	}
}

/* ---- stream descriptors ------------------------------------------------ */

#define CLFS_FD_EV_BIT(type)	(1U << (type))

static void clfs_fd_event(struct clfs_fd_events *e, u32 type, u64 lsn,
			  int status)
{
	spin_lock(&e->lock);
	e->pending |= CLFS_FD_EV_BIT(type);
	if (type == CLFS_EVENT_ADVANCE_TAIL)
		e->lsn = lsn;
	if (type == CLFS_EVENT_LOG_FULL_HANDLED)
		e->status = status;
	spin_unlock(&e->lock);
	wake_up_interruptible_poll(&e->wait, EPOLLIN | EPOLLRDNORM);
}

static void clfs_fd_advance_tail(void *ctx, u64 target)
{
	clfs_fd_event(ctx, CLFS_EVENT_ADVANCE_TAIL, target, 0);
}

static void clfs_fd_log_full_handled(void *ctx, int status)
{
	clfs_fd_event(ctx, CLFS_EVENT_LOG_FULL_HANDLED, CLFS_LSN_NULL, status);
}

static void clfs_fd_log_unpinned(void *ctx)
{
	clfs_fd_event(ctx, CLFS_EVENT_LOG_UNPINNED, CLFS_LSN_NULL, 0);
}

static const struct clfs_mgmt_ops clfs_fd_mgmt_ops = {
	.advance_tail		= clfs_fd_advance_tail,
	.log_full_handled	= clfs_fd_log_full_handled,
	.log_unpinned		= clfs_fd_log_unpinned,
};

/**
 * clfs_fd_events_init() - a stream descriptor's event state, empty
 * @e: the state
 */
void clfs_fd_events_init(struct clfs_fd_events *e)
{
	spin_lock_init(&e->lock);
	init_waitqueue_head(&e->wait);
	e->pending = 0;
}

/* Move the pending events into @ev, oldest kind of news first. */
static u32 clfs_fd_take_events(struct clfs_fd_events *e, struct clfs_event *ev,
			       u32 max)
{
	static const u32 order[] = {
		CLFS_EVENT_LOG_FULL_HANDLED, CLFS_EVENT_LOG_UNPINNED,
		CLFS_EVENT_ADVANCE_TAIL,
	};
	u32 i, n = 0;

	spin_lock(&e->lock);
	for (i = 0; i < ARRAY_SIZE(order) && n < max; i++) {
		if (!(e->pending & CLFS_FD_EV_BIT(order[i])))
			continue;
		memset(&ev[n], 0, sizeof(ev[n]));
		ev[n].type = order[i];
		if (order[i] == CLFS_EVENT_LOG_FULL_HANDLED)
			ev[n].status = e->status;
		if (order[i] == CLFS_EVENT_ADVANCE_TAIL)
			ev[n].lsn = e->lsn;
		e->pending &= ~CLFS_FD_EV_BIT(order[i]);
		n++;
	}
	spin_unlock(&e->lock);
	return n;
}

static bool clfs_fd_ready(struct clfs_fd_stream *fs)
{
	return READ_ONCE(fs->events.pending) || !READ_ONCE(fs->client);
}

/**
 * clfs_fd_stream_read() - read() on a stream descriptor: management events
 * @file: the descriptor
 * @buf: where whole struct clfs_event go
 * @count: room at @buf
 * @ppos: unused
 *
 * Return: bytes read, a multiple of sizeof(struct clfs_event); -EINVAL
 * for room for less than one event or a descriptor that is not a
 * registered client; -EAGAIN (O_NONBLOCK) or waits when none is pending;
 * -ERESTARTSYS on a signal; -EFAULT.
 */
ssize_t clfs_fd_stream_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	struct clfs_fd_stream *fs = file->private_data;
	struct clfs_event ev[3];
	u32 n;
	int ret;

	if (count < sizeof(ev[0]))
		return -EINVAL;
	for (;;) {
		if (!READ_ONCE(fs->client))
			return -EINVAL;
		n = clfs_fd_take_events(&fs->events, ev,
					min_t(size_t, ARRAY_SIZE(ev),
					      count / sizeof(ev[0])));
		if (n)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(fs->events.wait,
					       clfs_fd_ready(fs));
		if (ret)
			return ret;
	}
	if (copy_to_user(buf, ev, n * sizeof(ev[0])))
		return -EFAULT;
	return n * sizeof(ev[0]);
}

/**
 * clfs_fd_stream_poll() - poll() on a stream descriptor
 * @file: the descriptor
 * @wait: the poll table
 *
 * Return: EPOLLIN while an event is pending; EPOLLERR if the descriptor
 * is not a registered client.
 */
__poll_t clfs_fd_stream_poll(struct file *file, poll_table *wait)
{
	struct clfs_fd_stream *fs = file->private_data;

	poll_wait(file, &fs->events.wait, wait);
	if (!READ_ONCE(fs->client))
		return EPOLLERR;
	return READ_ONCE(fs->events.pending) ? EPOLLIN | EPOLLRDNORM : 0;
}

static long clfs_fd_mgmt_register(struct clfs_fd_stream *fs, void __user *uarg)
{
	struct clfs_mgmt_client *c;
	struct clfs_ioc_mgmt a;
	long ret = 0;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || a.status || !clfs_fd_zero(a.reserved, sizeof(a.reserved)))
		return -EINVAL;
	if (!fs->writable)
		return -EBADF;
	mutex_lock(&fs->lock);
	if (fs->client) {
		ret = -EBUSY;
		goto out;
	}
	spin_lock(&fs->events.lock);
	fs->events.pending = 0;
	spin_unlock(&fs->events.lock);
	c = clfs_mgmt_register(fs->s, &clfs_fd_mgmt_ops, &fs->events);
	if (IS_ERR(c))
		ret = PTR_ERR(c);
	else
		WRITE_ONCE(fs->client, c);
out:
	mutex_unlock(&fs->lock);
	return ret;
}

/**
 * clfs_fd_mgmt_deregister() - end a stream descriptor's client, if any
 * @fs: the stream descriptor's object
 *
 * Return: 0, or -EINVAL if it was not registered.
 */
int clfs_fd_mgmt_deregister(struct clfs_fd_stream *fs)
{
	struct clfs_mgmt_client *c;

	mutex_lock(&fs->lock);
	c = fs->client;
	WRITE_ONCE(fs->client, NULL);
	mutex_unlock(&fs->lock);
	if (!c)
		return -EINVAL;
	/* After this no callback writes fs->events. */
	clfs_mgmt_deregister(c);
	wake_up_interruptible_poll(&fs->events.wait, EPOLLERR);
	return 0;
}

static long clfs_fd_mgmt_call(struct clfs_fd_stream *fs, unsigned int cmd,
			      void __user *uarg)
{
	struct clfs_ioc_mgmt a = { 0 };
	long ret;

	if (cmd == CLFS_IOC_MGMT_TAIL_FAILURE) {
		if (copy_from_user(&a, uarg, sizeof(a)))
			return -EFAULT;
		if (a.flags || !clfs_fd_zero(a.reserved, sizeof(a.reserved)))
			return -EINVAL;
	}
	if (!fs->writable)
		return -EBADF;
	/* fs->lock keeps the client from being freed under the call. */
	mutex_lock(&fs->lock);
	if (!fs->client)
		ret = -EINVAL;
	else if (cmd == CLFS_IOC_MGMT_HANDLE_FULL)
		ret = clfs_mgmt_handle_log_full(fs->client);
	else
		ret = clfs_mgmt_tail_advance_failure(fs->client, a.status);
	mutex_unlock(&fs->lock);
	return ret;
}

/**
 * clfs_fd_stream_mgmt_ioctl() - the management ioctls of a stream descriptor
 * @fs: its object
 * @cmd: the ioctl
 * @uarg: its argument
 *
 * Return: as the ioctl documents; -ENOTTY for another ioctl.
 */
long clfs_fd_stream_mgmt_ioctl(struct clfs_fd_stream *fs, unsigned int cmd,
			       void __user *uarg)
{
	switch (cmd) {
	case CLFS_IOC_MGMT_REGISTER:
		return clfs_fd_mgmt_register(fs, uarg);
	case CLFS_IOC_MGMT_DEREGISTER:
		if (!fs->writable)
			return -EBADF;
		return clfs_fd_mgmt_deregister(fs);
	case CLFS_IOC_MGMT_HANDLE_FULL:
	case CLFS_IOC_MGMT_TAIL_FAILURE:
		return clfs_fd_mgmt_call(fs, cmd, uarg);
	default:
		return -ENOTTY;
	}
}
