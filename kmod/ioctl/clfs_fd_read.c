// SPDX-License-Identifier: GPL-2.0
/*
 * clfs read-context descriptors: a record by LSN or the newest restart
 * area, then the next one in the context's direction, into the caller's
 * buffer.
 */
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "clfs_fd.h"

/**
 * struct clfs_fd_read - a read context behind its descriptor
 * @parent: the marshalling area's file (a reference)
 * @c: the context
 * @restart: opened on the restart areas: "next" is the previous one
 * @lock: a record's bytes are valid until the next read on the context:
 *	one read and its copy to userspace at a time
 */
struct clfs_fd_read {
	struct file *parent;
	struct clfs_read_ctx *c;
	bool restart;
	struct mutex lock;
};

static int clfs_fd_read_release(struct inode *inode, struct file *file)
{
	struct clfs_fd_read *fr = file->private_data;

	clfs_terminate_read_log(fr->c);
	fput(fr->parent);
	mutex_destroy(&fr->lock);
	kfree(fr);
	return 0;
}

static int clfs_fd_record_in(struct clfs_ioc_record *a, void __user *uarg)
{
	if (copy_from_user(a, uarg, sizeof(*a)))
		return -EFAULT;
	if (a->reserved0 || !clfs_fd_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	return 0;
}

/*
 * Describe @r to userspace: as many of its bytes as @a's buffer holds,
 * and its full size, so a caller with too small a buffer can ask for the
 * record again with CLFS_IOC_READ_CURRENT.
 */
static int clfs_fd_record_out(struct clfs_ioc_record *a,
			      const struct clfs_record *r, void __user *uarg)
{
	u32 n = min(a->buf_bytes, r->data_bytes);

	if (n && copy_to_user(u64_to_user_ptr(a->buf), r->data, n))
		return -EFAULT;
	a->type = r->type;
	a->lsn = r->lsn;
	a->prev_lsn = r->prev_lsn;
	a->undo_next_lsn = r->undo_next_lsn;
	a->data_bytes = r->data_bytes;
	return copy_to_user(uarg, a, sizeof(*a)) ? -EFAULT : 0;
}

static long clfs_fd_read_step(struct clfs_fd_read *fr, unsigned int cmd,
			      void __user *uarg)
{
	struct clfs_ioc_record a;
	struct clfs_record r;
	int ret;

	ret = clfs_fd_record_in(&a, uarg);
	if (ret)
		return ret;
	mutex_lock(&fr->lock);
	if (cmd == CLFS_IOC_READ_CURRENT)
		ret = clfs_read_current_log_record(fr->c, &r);
	else if (fr->restart)
		ret = clfs_read_previous_restart_area(fr->c, &r);
	else
		ret = clfs_read_next_log_record(fr->c, &r);
	if (!ret)
		ret = clfs_fd_record_out(&a, &r, uarg);
	mutex_unlock(&fr->lock);
	return ret;
}

static long clfs_fd_read_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	switch (cmd) {
	case CLFS_IOC_READ_NEXT:
	case CLFS_IOC_READ_CURRENT:
		return clfs_fd_read_step(file->private_data, cmd,
					 (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations clfs_fd_read_fops = {
	.owner		= THIS_MODULE,
	.release	= clfs_fd_read_release,
	.unlocked_ioctl	= clfs_fd_read_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*
 * Give userspace the first record of a new context @c, then a descriptor
 * for it; on any failure the context is terminated.
 */
static long clfs_fd_read_install(struct file *m_file, struct clfs_read_ctx *c,
				 bool restart, struct clfs_ioc_record *a,
				 const struct clfs_record *r,
				 void __user *urec)
{
	struct clfs_fd_read *fr;
	int fd;

	fr = kzalloc(sizeof(*fr), GFP_KERNEL);
	if (!fr) {
		clfs_terminate_read_log(c);
		return -ENOMEM;
	}
	fd = clfs_fd_record_out(a, r, urec);
	if (fd)
		goto fail;
	fr->parent = get_file(m_file);
	fr->c = c;
	fr->restart = restart;
	mutex_init(&fr->lock);
	fd = clfs_fd_install("[clfs-read]", &clfs_fd_read_fops, fr, 0, m_file);
	if (fd >= 0)
		return fd;
	fput(m_file);
	mutex_destroy(&fr->lock);
fail:
	clfs_terminate_read_log(c);
	kfree(fr);
	return fd;
}

/**
 * clfs_fd_read_record() - CLFS_IOC_READ_RECORD
 * @m_file: the marshalling area's file; the context's descriptor holds it
 * @fm: its object
 * @uarg: struct clfs_ioc_read
 *
 * Return: the context's descriptor, or the errors of
 * clfs_read_log_record(), -EFAULT, -EINVAL.
 */
long clfs_fd_read_record(struct file *m_file, struct clfs_fd_marshal *fm,
			 void __user *uarg)
{
	struct clfs_ioc_read __user *ua = uarg;
	struct clfs_ioc_read a;
	struct clfs_read_ctx *c;
	struct clfs_record r;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.rec.reserved0 ||
	    !clfs_fd_zero(a.rec.reserved, sizeof(a.rec.reserved)))
		return -EINVAL;
	c = clfs_read_log_record(fm->m, a.lsn, a.mode, a.filter, &r);
	if (IS_ERR(c))
		return PTR_ERR(c);
	return clfs_fd_read_install(m_file, c, false, &a.rec, &r, &ua->rec);
}

/**
 * clfs_fd_restart_read() - CLFS_IOC_RESTART_READ
 * @m_file: the marshalling area's file
 * @fm: its object
 * @uarg: struct clfs_ioc_record
 *
 * Return: the context's descriptor, or the errors of
 * clfs_read_restart_area(), -EFAULT, -EINVAL.
 */
long clfs_fd_restart_read(struct file *m_file, struct clfs_fd_marshal *fm,
			  void __user *uarg)
{
	struct clfs_ioc_record a;
	struct clfs_read_ctx *c;
	struct clfs_record r;
	int ret;

	ret = clfs_fd_record_in(&a, uarg);
	if (ret)
		return ret;
	c = clfs_read_restart_area(fm->m, &r);
	if (IS_ERR(c))
		return PTR_ERR(c);
	return clfs_fd_read_install(m_file, c, true, &a, &r, uarg);
}
