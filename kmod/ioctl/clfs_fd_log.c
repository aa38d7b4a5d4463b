// SPDX-License-Identifier: GPL-2.0
/*
 * clfs log descriptors, and the control device's ioctls that create, open
 * and delete logs (include/uapi/linux/clfs.h).
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "clfs_fd.h"

/**
 * clfs_fd_install() - a new descriptor for an object
 * @name: the anonymous inode's name ("[clfs-log]" in /proc/PID/fd)
 * @fops: its operations
 * @priv: the object; the caller frees it (and drops its parent reference)
 *	if this fails
 * @mode: FMODE_WRITE for a writable descriptor
 * @parent: unused here; documents that @priv holds a reference on it
 *
 * Return: the descriptor (close-on-exec), or a negative errno.
 */
int clfs_fd_install(const char *name, const struct file_operations *fops,
		    void *priv, fmode_t mode, struct file *parent)
{
	struct file *f;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	f = anon_inode_getfile(name, fops, priv,
			       (mode & FMODE_WRITE ? O_RDWR : O_RDONLY) |
			       O_CLOEXEC);
	if (IS_ERR(f)) {
		put_unused_fd(fd);
		return PTR_ERR(f);
	}
	fd_install(fd, f);
	return fd;
}

/* A device path from userspace: NUL-terminated, at most CLFS_PATH_MAX. */
static char *clfs_fd_path(u64 uptr)
{
	char *path = strndup_user(u64_to_user_ptr(uptr), CLFS_PATH_MAX);

	if (!IS_ERR(path) && !*path) {
		kfree(path);
		return ERR_PTR(-EINVAL);
	}
	return path;
}

/**
 * clfs_fd_log_create() - CLFS_IOC_LOG_CREATE
 * @uarg: struct clfs_ioc_log_create
 *
 * Return: 0 or a negative errno (those of clfs_log_create(), -EPERM,
 * -EFAULT).
 */
long clfs_fd_log_create(void __user *uarg)
{
	struct clfs_ioc_log_create a;
	char *path;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!clfs_fd_zero(a.params.reserved, sizeof(a.params.reserved)) ||
	    a.params.flags & ~CLFS_LOG_CREATE_FLAGS)
		return -EINVAL;
	path = clfs_fd_path(a.path);
	if (IS_ERR(path))
		return PTR_ERR(path);
	ret = clfs_log_create(path, &a.params);
	kfree(path);
	return ret;
}

/* Copy in and check a struct clfs_ioc_log_open; returns the path. */
static char *clfs_fd_log_args(void __user *uarg, u32 known_flags, u32 *flags)
{
	struct clfs_ioc_log_open a;

	if (!capable(CAP_SYS_ADMIN))
		return ERR_PTR(-EPERM);
	if (copy_from_user(&a, uarg, sizeof(a)))
		return ERR_PTR(-EFAULT);
	if (a.flags & ~known_flags || a.reserved0 ||
	    !clfs_fd_zero(a.reserved, sizeof(a.reserved)))
		return ERR_PTR(-EINVAL);
	*flags = a.flags;
	return clfs_fd_path(a.path);
}

/**
 * clfs_fd_log_delete() - CLFS_IOC_LOG_DELETE
 * @uarg: struct clfs_ioc_log_open, flags 0
 *
 * Return: 0 or a negative errno (those of clfs_log_delete(), -EPERM,
 * -EFAULT, -EINVAL).
 */
long clfs_fd_log_delete(void __user *uarg)
{
	char *path;
	u32 flags;
	long ret;

	path = clfs_fd_log_args(uarg, 0, &flags);
	if (IS_ERR(path))
		return PTR_ERR(path);
	ret = clfs_log_delete(path);
	kfree(path);
	return ret;
}

static int clfs_fd_log_release(struct inode *inode, struct file *file)
{
	struct clfs_fd_log *fl = file->private_data;

	clfs_log_close(fl->log);
	kfree(fl);
	return 0;
}

static long clfs_fd_log_query(struct clfs_fd_log *fl, void __user *uarg)
{
	struct clfs_log_info info;

	clfs_log_query(fl->log, &info);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long clfs_fd_container_add(struct clfs_fd_log *fl, void __user *uarg)
{
	struct clfs_ioc_containers a;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved0 || a.ids || !clfs_fd_zero(a.reserved, sizeof(a.reserved)))
		return -EINVAL;
	if (!fl->writable)
		return -EBADF;
	return clfs_container_add(fl->log, a.count);
}

static long clfs_fd_container_remove(struct clfs_fd_log *fl,
				     void __user *uarg)
{
	struct clfs_ioc_containers a;
	u32 *ids;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved0 || !clfs_fd_zero(a.reserved, sizeof(a.reserved)) ||
	    !a.count || a.count > CLFS_SCAN_MAX)
		return -EINVAL;
	if (!fl->writable)
		return -EBADF;
	ids = memdup_user(u64_to_user_ptr(a.ids), a.count * sizeof(*ids));
	if (IS_ERR(ids))
		return PTR_ERR(ids);
	ret = clfs_container_remove(fl->log, ids, a.count);
	kfree(ids);
	return ret;
}

static long clfs_fd_container_scan(struct clfs_fd_log *fl, void __user *uarg)
{
	struct clfs_ioc_container_scan a;
	struct clfs_container_info *info;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	/* count is an output: whatever it held before is overwritten. */
	if (a.reserved0 || !clfs_fd_zero(a.reserved, sizeof(a.reserved)) ||
	    !a.max || a.max > CLFS_SCAN_MAX)
		return -EINVAL;
	info = kvcalloc(a.max, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	ret = clfs_container_scan(fl->log, a.first, info, a.max);
	if (ret >= 0) {
		a.count = ret;
		ret = 0;
		if (copy_to_user(u64_to_user_ptr(a.info), info,
				 a.count * sizeof(*info)) ||
		    copy_to_user(uarg, &a, sizeof(a)))
			ret = -EFAULT;
	}
	kvfree(info);
	return ret;
}

/* Copy in a struct clfs_ioc_stream with no flags. */
static int clfs_fd_stream_args(void __user *uarg, struct clfs_ioc_stream *a)
{
	if (copy_from_user(a, uarg, sizeof(*a)))
		return -EFAULT;
	if (a->flags || !clfs_fd_zero(a->reserved, sizeof(a->reserved)))
		return -EINVAL;
	return 0;
}

static long clfs_fd_stream_create(struct clfs_fd_log *fl, void __user *uarg)
{
	struct clfs_ioc_stream a = { 0 };
	long ret;

	if (!fl->writable)
		return -EBADF;
	ret = clfs_stream_create(fl->log, &a.stream_id);
	if (ret)
		return ret;
	/* The stream exists now; a bad pointer only loses its id. */
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long clfs_fd_stream_delete(struct clfs_fd_log *fl, void __user *uarg)
{
	struct clfs_ioc_stream a;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = clfs_fd_stream_args(uarg, &a);
	if (ret)
		return ret;
	if (!fl->writable)
		return -EBADF;
	return clfs_stream_delete(fl->log, a.stream_id);
}

static long clfs_fd_stream_open(struct file *file, struct clfs_fd_log *fl,
				void __user *uarg)
{
	struct clfs_ioc_stream a;
	int ret;

	ret = clfs_fd_stream_args(uarg, &a);
	if (ret)
		return ret;
	return clfs_fd_stream_install(file, fl, a.stream_id);
}

static long clfs_fd_log_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct clfs_fd_log *fl = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case CLFS_IOC_LOG_QUERY:
		return clfs_fd_log_query(fl, uarg);
	case CLFS_IOC_CONTAINER_ADD:
		return clfs_fd_container_add(fl, uarg);
	case CLFS_IOC_CONTAINER_REMOVE:
		return clfs_fd_container_remove(fl, uarg);
	case CLFS_IOC_CONTAINER_SCAN:
		return clfs_fd_container_scan(fl, uarg);
	case CLFS_IOC_STREAM_CREATE:
		return clfs_fd_stream_create(fl, uarg);
	case CLFS_IOC_STREAM_OPEN:
		return clfs_fd_stream_open(file, fl, uarg);
	case CLFS_IOC_STREAM_DELETE:
		return clfs_fd_stream_delete(fl, uarg);
	default:
		return clfs_fd_log_mgmt_ioctl(fl, cmd, uarg);
	}
}

static const struct file_operations clfs_fd_log_fops = {
	.owner		= THIS_MODULE,
	.release	= clfs_fd_log_release,
	.unlocked_ioctl	= clfs_fd_log_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * clfs_fd_log_open() - CLFS_IOC_LOG_OPEN
 * @uarg: struct clfs_ioc_log_open
 *
 * Return: the new log descriptor, or a negative errno (those of
 * clfs_log_open(), -EPERM, -EFAULT, -EINVAL, -EMFILE).
 */
long clfs_fd_log_open(void __user *uarg)
{
	struct clfs_fd_log *fl;
	struct clfs_log *log;
	char *path;
	u32 flags;
	int fd;

	path = clfs_fd_log_args(uarg, CLFS_OPEN_READ_ONLY, &flags);
	if (IS_ERR(path))
		return PTR_ERR(path);
	fl = kzalloc(sizeof(*fl), GFP_KERNEL);
	if (!fl) {
		kfree(path);
		return -ENOMEM;
	}
	log = clfs_log_open(path, flags);
	kfree(path);
	if (IS_ERR(log)) {
		kfree(fl);
		return PTR_ERR(log);
	}
	fl->log = log;
	fl->writable = !(flags & CLFS_OPEN_READ_ONLY);
	fd = clfs_fd_install("[clfs-log]", &clfs_fd_log_fops, fl,
			     fl->writable ? FMODE_WRITE : 0, NULL);
	if (fd < 0) {
		clfs_log_close(log);
		kfree(fl);
	}
	return fd;
}

/**
 * clfs_fd_log_adopt() - make an opened node file a log descriptor
 * @file: the file being opened on an attached log's node
 *	(kmod/ioctl/clfs_attach.c)
 * @log: the log, with a reference that the descriptor now owns
 * @writable: the file was opened for writing
 *
 * The node's file becomes the descriptor itself: its ioctls are those of a
 * log descriptor and its release drops the reference.
 *
 * Return: 0 or -ENOMEM (the caller still owns the reference then).
 */
int clfs_fd_log_adopt(struct file *file, struct clfs_log *log, bool writable)
{
	struct clfs_fd_log *fl;

	fl = kzalloc(sizeof(*fl), GFP_KERNEL);
	if (!fl)
		return -ENOMEM;
	fl->log = log;
	fl->writable = writable;
	file->private_data = fl;
	/*
	 * As replace_fops(), without its module reference dance: both fops
	 * belong to clfs.ko, so the reference the open took on the node's
	 * fops is the one the log fops' final fput() drops.
	 */
	file->f_op = &clfs_fd_log_fops;
	return 0;
}
