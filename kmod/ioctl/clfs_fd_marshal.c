// SPDX-License-Identifier: GPL-2.0
/*
 * clfs marshalling-area descriptors: appends (a gather list of user
 * buffers), flushes, reservations, restart areas, the base and the end of
 * the log. Reads open read-context descriptors (clfs_fd_read.c).
 */
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include "clfs_fd.h"
#include "../log/clfs_log.h"

/* Blocks of a marshalling area created without a size. */
#define CLFS_FD_DEFAULT_BLOCK	(64 * 1024)
/* The format's largest block: no record is larger. */
#define CLFS_FD_MAX_BLOCK	(1024 * 1024)

static int clfs_fd_marshal_release(struct inode *inode, struct file *file)
{
	struct clfs_fd_marshal *fm = file->private_data;
	struct clfs_fd_stream *fs = fm->stream;

	/* Flushes what it holds; an I/O error has shut the log down. */
	clfs_marshal_delete(fm->m);
	kvfree(fm->bounce);
	mutex_lock(&fs->lock);
	fs->nr_marshal--;
	mutex_unlock(&fs->lock);
	fput(fm->parent);
	kfree(fm);
	return 0;
}

/*
 * The buffer appends gather their data in: the descriptor's own, kept
 * between appends (allocating one per append, zeroed by init_on_alloc
 * kernels, showed in the profile). Concurrent appends on one descriptor
 * take turns at it or allocate their own; a record larger than the
 * area's blocks gets a buffer of its own size.
 */
static void *clfs_fd_bounce_get(struct clfs_fd_marshal *fm, size_t bytes)
{
	void *buf = NULL;

	if (bytes <= fm->block_bytes)
		buf = xchg(&fm->bounce, NULL);
	return buf ?: kvmalloc(max_t(size_t, bytes, fm->block_bytes),
			       GFP_KERNEL);
}

static void clfs_fd_bounce_put(struct clfs_fd_marshal *fm, void *buf,
			       size_t bytes)
{
	if (buf && bytes <= fm->block_bytes)
		buf = xchg(&fm->bounce, buf);
	kvfree(buf);
}

/*
 * Gather the record's entries from userspace into one kernel buffer and
 * describe them with @vec. Returns the buffer, @bytes long (give it back
 * with clfs_fd_bounce_put()), or an ERR_PTR.
 *
 * This copy is the price of a shared log: copying from user memory into
 * the block directly would fault with append_lock held, and a client
 * whose buffer is slow to fault in (swapped out, or a userfaultfd region)
 * would stall every other client of the log for as long as it liked.
 */
static void *clfs_fd_gather(struct clfs_fd_marshal *fm,
			    const struct clfs_ioc_append *a, struct kvec *vec,
			    size_t *bytes)
{
	struct clfs_ioc_entry *e;
	size_t total = 0;
	void *buf = NULL;
	u32 i;

	e = memdup_user(u64_to_user_ptr(a->entries),
			array_size(a->nr_entries, sizeof(*e)));
	if (IS_ERR(e))
		return e;
	for (i = 0; i < a->nr_entries; i++) {
		if (e[i].reserved0) {
			buf = ERR_PTR(-EINVAL);
			goto out;
		}
		total += e[i].bytes;
	}
	/* Checked before allocating: no record is larger than a block. */
	if (total > CLFS_FD_MAX_BLOCK) {
		buf = ERR_PTR(-E2BIG);
		goto out;
	}
	*bytes = total;
	buf = clfs_fd_bounce_get(fm, total);
	if (!buf) {
		buf = ERR_PTR(-ENOMEM);
		goto out;
	}
	total = 0;
	for (i = 0; i < a->nr_entries; i++) {
		vec[i].iov_base = buf + total;
		vec[i].iov_len = e[i].bytes;
		if (copy_from_user(buf + total, u64_to_user_ptr(e[i].buf),
				   e[i].bytes)) {
			clfs_fd_bounce_put(fm, buf, *bytes);
			buf = ERR_PTR(-EFAULT);
			goto out;
		}
		total += e[i].bytes;
	}
	clfs_log_count_copy(fm->stream->log->log, total);
out:
	kfree(e);
	return buf;
}

static long clfs_fd_append(struct clfs_fd_marshal *fm, void __user *uarg)
{
	struct clfs_ioc_append a;
	struct clfs_append ka = { 0 };
	struct kvec *vec = NULL;
	bool reserve_only;
	s64 *sizes = NULL;
	void *data = NULL;
	size_t data_bytes = 0;
	u64 lsn = 0;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved0 || !clfs_fd_zero(a.reserved, sizeof(a.reserved)) ||
	    a.flags & ~(CLFS_APPEND_FLAGS | CLFS_APPEND_RESERVE_ONLY) ||
	    a.nr_reserve > CLFS_RESERVE_MAX)
		return -EINVAL;
	reserve_only = a.flags & CLFS_APPEND_RESERVE_ONLY;
	if (reserve_only ? a.nr_entries || a.flags != CLFS_APPEND_RESERVE_ONLY ||
			   !a.nr_reserve :
			   !a.nr_entries || a.nr_entries > CLFS_APPEND_MAX_ENTRIES)
		return -EINVAL;
	if (!fm->writable)
		return -EBADF;
	if (a.nr_reserve) {
		sizes = memdup_user(u64_to_user_ptr(a.reserve),
				    array_size(a.nr_reserve, sizeof(*sizes)));
		if (IS_ERR(sizes))
			return PTR_ERR(sizes);
	}
	ka.nr_reserve = a.nr_reserve;
	ka.reserve = sizes;
	if (reserve_only) {
		ret = clfs_reserve_and_append(fm->m, &ka, NULL);
	} else {
		vec = kmalloc_array(a.nr_entries, sizeof(*vec), GFP_KERNEL);
		if (!vec) {
			ret = -ENOMEM;
			goto out;
		}
		data = clfs_fd_gather(fm, &a, vec, &data_bytes);
		if (IS_ERR(data)) {
			ret = PTR_ERR(data);
			data = NULL;
			goto out;
		}
		ka.entries = vec;
		ka.nr_entries = a.nr_entries;
		ka.entry_align = a.entry_align;
		ka.type = a.type;
		ka.flags = a.flags;
		ka.prev_lsn = a.prev_lsn;
		ka.undo_next_lsn = a.undo_next_lsn;
		ret = clfs_reserve_and_append(fm->m, &ka, &lsn);
	}
	if (ret)
		goto out;
	/* Done and durable as asked; a bad pointer now only loses the answer. */
	a.lsn = lsn;
	if ((sizes && copy_to_user(u64_to_user_ptr(a.reserve), sizes,
				   a.nr_reserve * sizeof(*sizes))) ||
	    copy_to_user(uarg, &a, sizeof(a)))
		ret = -EFAULT;
out:
	clfs_fd_bounce_put(fm, data, data_bytes);
	kfree(vec);
	kfree(sizes);
	return ret;
}

static long clfs_fd_flush(struct clfs_fd_marshal *fm, void __user *uarg)
{
	struct clfs_ioc_flush a;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!clfs_fd_zero(a.reserved, sizeof(a.reserved)))
		return -EINVAL;
	if (!fm->writable)
		return -EBADF;
	ret = clfs_flush_to_lsn(fm->m, a.lsn, &a.flushed_lsn);
	if (ret)
		return ret;
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long clfs_fd_restart_write(struct clfs_fd_marshal *fm,
				  void __user *uarg)
{
	struct clfs_ioc_restart a;
	void *buf;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!clfs_fd_zero(a.reserved, sizeof(a.reserved)) ||
	    a.flags & ~CLFS_APPEND_USE_RESERVATION)
		return -EINVAL;
	if (a.bytes > CLFS_FD_MAX_BLOCK)
		return -E2BIG;
	if (!fm->writable)
		return -EBADF;
	buf = vmemdup_user(u64_to_user_ptr(a.buf), a.bytes);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = clfs_write_restart_area(fm->m, buf, a.bytes, a.new_base, a.flags,
				      &a.lsn);
	kvfree(buf);
	if (ret)
		return ret;
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long clfs_fd_tail(struct clfs_fd_marshal *fm, void __user *uarg,
			 int (*move)(struct clfs_marshal *m, u64 lsn))
{
	struct clfs_ioc_lsn a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!clfs_fd_zero(a.reserved, sizeof(a.reserved)))
		return -EINVAL;
	if (!fm->writable)
		return -EBADF;
	return move(fm->m, a.lsn);
}

static long clfs_fd_reserve(struct clfs_fd_marshal *fm, void __user *uarg)
{
	struct clfs_ioc_reserve a;
	s64 *sizes;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!clfs_fd_zero(a.reserved, sizeof(a.reserved)) || !a.nr ||
	    a.nr > CLFS_RESERVE_MAX ||
	    (a.op != CLFS_RESERVE_ALIGN && a.op != CLFS_RESERVE_ALLOC))
		return -EINVAL;
	if (a.op == CLFS_RESERVE_ALLOC && !fm->writable)
		return -EBADF;
	sizes = memdup_user(u64_to_user_ptr(a.sizes),
			    array_size(a.nr, sizeof(*sizes)));
	if (IS_ERR(sizes))
		return PTR_ERR(sizes);
	if (a.op == CLFS_RESERVE_ALIGN) {
		ret = clfs_align_reservation(fm->m, a.nr, sizes, &a.total);
	} else {
		a.total = 0;
		ret = clfs_alloc_reserved(fm->m, a.nr, sizes);
		if (!ret && copy_to_user(u64_to_user_ptr(a.sizes), sizes,
					 a.nr * sizeof(*sizes)))
			ret = -EFAULT;
	}
	kfree(sizes);
	if (ret)
		return ret;
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long clfs_fd_marshal_ioctl(struct file *file, unsigned int cmd,
				  unsigned long arg)
{
	struct clfs_fd_marshal *fm = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case CLFS_IOC_APPEND:
		return clfs_fd_append(fm, uarg);
	case CLFS_IOC_FLUSH:
		return clfs_fd_flush(fm, uarg);
	case CLFS_IOC_READ_RECORD:
		return clfs_fd_read_record(file, fm, uarg);
	case CLFS_IOC_RESTART_WRITE:
		return clfs_fd_restart_write(fm, uarg);
	case CLFS_IOC_RESTART_READ:
		return clfs_fd_restart_read(file, fm, uarg);
	case CLFS_IOC_ADVANCE_BASE:
		return clfs_fd_tail(fm, uarg, clfs_advance_base);
	case CLFS_IOC_SET_END_OF_LOG:
		return clfs_fd_tail(fm, uarg, clfs_set_end_of_log);
	case CLFS_IOC_RESERVE:
		return clfs_fd_reserve(fm, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations clfs_fd_marshal_fops = {
	.owner		= THIS_MODULE,
	.release	= clfs_fd_marshal_release,
	.unlocked_ioctl	= clfs_fd_marshal_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * clfs_fd_marshal_install() - CLFS_IOC_MARSHAL_CREATE
 * @stream_file: the stream descriptor's file; the new descriptor holds it
 * @fs: its object
 * @uarg: struct clfs_ioc_marshal
 *
 * Return: the descriptor, or a negative errno (-EINVAL, -EFAULT, -EMFILE
 * past CLFS_MAX_MARSHALS_PER_FD, -ENOMEM).
 */
int clfs_fd_marshal_install(struct file *stream_file,
			    struct clfs_fd_stream *fs, void __user *uarg)
{
	struct clfs_marshal_params p = { 0 };
	struct clfs_fd_marshal *fm;
	struct clfs_ioc_marshal a;
	struct clfs_marshal *m;
	int fd;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || !clfs_fd_zero(a.reserved, sizeof(a.reserved)) ||
	    a.block_bytes > CLFS_FD_MAX_BLOCK ||
	    a.max_read_buffers > CLFS_MAX_READ_CONTEXTS)
		return -EINVAL;
	p.block_bytes = a.block_bytes ?: CLFS_FD_DEFAULT_BLOCK;
	p.max_write_buffers = a.max_write_buffers;
	p.max_read_buffers = a.max_read_buffers ?: CLFS_MAX_READ_CONTEXTS;

	fm = kzalloc(sizeof(*fm), GFP_KERNEL);
	if (!fm)
		return -ENOMEM;
	mutex_lock(&fs->lock);
	if (fs->nr_marshal >= CLFS_MAX_MARSHALS_PER_FD) {
		mutex_unlock(&fs->lock);
		kfree(fm);
		return -EMFILE;
	}
	fs->nr_marshal++;
	mutex_unlock(&fs->lock);

	m = clfs_marshal_create(fs->s, &p);
	if (IS_ERR(m)) {
		fd = PTR_ERR(m);
		goto fail;
	}
	fm->parent = get_file(stream_file);
	fm->stream = fs;
	fm->m = m;
	fm->writable = fs->writable;
	fm->block_bytes = p.block_bytes;
	fd = clfs_fd_install("[clfs-marshal]", &clfs_fd_marshal_fops, fm,
			     fm->writable ? FMODE_WRITE : 0, stream_file);
	if (fd >= 0)
		return fd;
	clfs_marshal_delete(m);
	fput(stream_file);
fail:
	mutex_lock(&fs->lock);
	fs->nr_marshal--;
	mutex_unlock(&fs->lock);
	kfree(fm);
	return fd;
}
