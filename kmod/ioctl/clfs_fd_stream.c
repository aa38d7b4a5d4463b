// SPDX-License-Identifier: GPL-2.0
/*
 * clfs stream descriptors: query, reset, archive tail, the marshalling
 * areas clients append and read through, and management events
 * (clfs_fd_mgmt.c) for read() and poll().
 */
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "clfs_fd.h"

static int clfs_fd_stream_release(struct inode *inode, struct file *file)
{
	struct clfs_fd_stream *fs = file->private_data;

	clfs_fd_mgmt_deregister(fs);
	clfs_stream_close(fs->s);
	fput(fs->parent);
	mutex_destroy(&fs->lock);
	kfree(fs);
	return 0;
}

static long clfs_fd_stream_query(struct clfs_fd_stream *fs, void __user *uarg)
{
	struct clfs_stream_info info;
	int ret;

	ret = clfs_stream_query(fs->s, &info);
	if (ret)
		return ret;
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long clfs_fd_set_archive_tail(struct clfs_fd_stream *fs,
				     void __user *uarg)
{
	struct clfs_ioc_lsn a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!clfs_fd_zero(a.reserved, sizeof(a.reserved)))
		return -EINVAL;
	if (!fs->writable)
		return -EBADF;
	return clfs_set_archive_tail(fs->s, a.lsn);
}

static long clfs_fd_stream_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	struct clfs_fd_stream *fs = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case CLFS_IOC_STREAM_QUERY:
		return clfs_fd_stream_query(fs, uarg);
	case CLFS_IOC_STREAM_RESET:
		if (!fs->writable)
			return -EBADF;
		return clfs_stream_reset(fs->s);
	case CLFS_IOC_SET_ARCHIVE_TAIL:
		return clfs_fd_set_archive_tail(fs, uarg);
	case CLFS_IOC_MARSHAL_CREATE:
		return clfs_fd_marshal_install(file, fs, uarg);
	default:
		return clfs_fd_stream_mgmt_ioctl(fs, cmd, uarg);
	}
}

static const struct file_operations clfs_fd_stream_fops = {
	.owner		= THIS_MODULE,
	.release	= clfs_fd_stream_release,
	.unlocked_ioctl	= clfs_fd_stream_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.read		= clfs_fd_stream_read,
	.poll		= clfs_fd_stream_poll,
	.llseek		= noop_llseek,
};

/**
 * clfs_fd_stream_install() - CLFS_IOC_STREAM_OPEN: a stream descriptor
 * @log_file: the log descriptor's file; the new descriptor holds it
 * @fl: its object
 * @stream_id: the stream
 *
 * Return: the descriptor, or a negative errno (-ENOENT for no such
 * stream, -ENOMEM, -EMFILE).
 */
int clfs_fd_stream_install(struct file *log_file, struct clfs_fd_log *fl,
			   u32 stream_id)
{
	struct clfs_fd_stream *fs;
	struct clfs_stream *s;
	int fd;

	fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	if (!fs)
		return -ENOMEM;
	s = clfs_stream_open(fl->log, stream_id);
	if (IS_ERR(s)) {
		kfree(fs);
		return PTR_ERR(s);
	}
	fs->parent = get_file(log_file);
	fs->log = fl;
	fs->s = s;
	fs->writable = fl->writable;
	mutex_init(&fs->lock);
	clfs_fd_events_init(&fs->events);
	fd = clfs_fd_install("[clfs-stream]", &clfs_fd_stream_fops, fs,
			     fs->writable ? FMODE_WRITE : 0, log_file);
	if (fd < 0) {
		clfs_stream_close(s);
		fput(log_file);
		mutex_destroy(&fs->lock);
		kfree(fs);
	}
	return fd;
}
