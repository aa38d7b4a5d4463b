// SPDX-License-Identifier: GPL-2.0
/*
 * clfs attached logs: a log kept open with no process holding it, under a
 * name, with a character device node /dev/clfs-logs/NAME that any process
 * the node's permissions allow opens to get a log descriptor, with no
 * capability. This is how several applications, running as different
 * users, share one log (docs/sharing.md).
 *
 * The nodes are devices of the class "clfs" (/sys/class/clfs/NAME, with
 * the log's device, uuid, clients and statistics as attributes), created
 * through the driver model so that devtmpfs and udev see them with the
 * owner, group and mode chosen at attach time. One cdev covers every minor;
 * an open finds its attachment by minor under the attachment lock, so a
 * node opened while its log is being detached finds nothing (-ENXIO)
 * rather than a freed attachment.
 *
 * Every attachment holds a reference on clfs.ko: while any log is
 * attached, unloading the module is refused (-EBUSY from delete_module);
 * detach first. Open descriptors hold the module through their fops.
 *
 * Lock order: clfs_attach_lock, then the log registry's lock (taken by
 * clfs_log_open() and clfs_log_get()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include "clfs_fd.h"
#include "../log/clfs_log.h"

/* At most this many logs are attached at once (one minor each). */
#define CLFS_MAX_ATTACHED	256

/**
 * struct clfs_attach - an attached log
 * @list: in clfs_attached, in name order
 * @name: the name, NUL-terminated
 * @log: the log; the attachment holds one reference
 * @read_only: attached read-only: the node only opens read-only
 * @minor: the node's minor number
 * @uid: the node's owner
 * @gid: its group
 * @mode: its permission bits
 * @dev: the node's device, or NULL if re-creating it failed
 */
struct clfs_attach {
	struct list_head list;
	char name[CLFS_NAME_MAX];
	struct clfs_log *log;
	bool read_only;
	int minor;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	struct device *dev;
};

static DEFINE_MUTEX(clfs_attach_lock);
static LIST_HEAD(clfs_attached);
static DEFINE_IDR(clfs_attach_minors);
static dev_t clfs_node_base;
static struct cdev clfs_node_cdev;

/* ---- the nodes' devices ------------------------------------------------ */

/* device_type.devnode() takes a const device from 6.2 on. */
#if LINUX_VERSION_MAJOR > 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL >= 2)
#define CLFS_DEVNODE_CONST const
#else
#define CLFS_DEVNODE_CONST
#endif

static char *clfs_node_devnode(CLFS_DEVNODE_CONST struct device *dev,
			       umode_t *mode, kuid_t *uid, kgid_t *gid)
{
	const struct clfs_attach *att = dev_get_drvdata(dev);

	if (mode)
		*mode = att->mode;
	if (uid)
		*uid = att->uid;
	if (gid)
		*gid = att->gid;
	return kasprintf(GFP_KERNEL, CLFS_LOG_DIR "/%s", att->name);
}

static struct clfs_attach *clfs_node_att(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* The device is removed before the attachment drops its log. */
static ssize_t device_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", clfs_node_att(dev)->log->name);
}
static DEVICE_ATTR_RO(device);

static ssize_t uuid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%pU\n", clfs_node_att(dev)->log->md->uuid);
}
static DEVICE_ATTR_RO(uuid);

static ssize_t clients_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", clfs_log_users(clfs_node_att(dev)->log));
}
static DEVICE_ATTR_RO(clients);

static ssize_t read_only_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", clfs_node_att(dev)->log->read_only);
}
static DEVICE_ATTR_RO(read_only);

/* One attribute per counter of struct clfs_log_info. */
#define CLFS_INFO_ATTR(field)						\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct clfs_log_info info;					\
									\
	clfs_log_query(clfs_node_att(dev)->log, &info);			\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)info.field); \
}									\
static DEVICE_ATTR_RO(field)

CLFS_INFO_ATTR(blocks_written);
CLFS_INFO_ATTR(bytes_written);
CLFS_INFO_ATTR(flushes);
CLFS_INFO_ATTR(md_writes);
CLFS_INFO_ATTR(records_written);
CLFS_INFO_ATTR(record_bytes);
CLFS_INFO_ATTR(copied_bytes);
CLFS_INFO_ATTR(inflight_sum);
CLFS_INFO_ATTR(inflight_max);
CLFS_INFO_ATTR(flushed_lsn);
CLFS_INFO_ATTR(nr_containers);

static struct attribute *clfs_node_attrs[] = {
	&dev_attr_device.attr,
	&dev_attr_uuid.attr,
	&dev_attr_clients.attr,
	&dev_attr_read_only.attr,
	&dev_attr_blocks_written.attr,
	&dev_attr_bytes_written.attr,
	&dev_attr_flushes.attr,
	&dev_attr_md_writes.attr,
	&dev_attr_records_written.attr,
	&dev_attr_record_bytes.attr,
	&dev_attr_copied_bytes.attr,
	&dev_attr_inflight_sum.attr,
	&dev_attr_inflight_max.attr,
	&dev_attr_flushed_lsn.attr,
	&dev_attr_nr_containers.attr,
	NULL,
};
ATTRIBUTE_GROUPS(clfs_node);

static const struct device_type clfs_node_type = {
	.name		= "clfs_log",
	.groups		= clfs_node_groups,
	.devnode	= clfs_node_devnode,
};

static struct class clfs_class = {
	.name		= "clfs",
};

static void clfs_node_release(struct device *dev)
{
	kfree(dev);
}

/* Register the node of @att; devtmpfs creates /dev/clfs-logs/NAME. */
static struct device *clfs_node_add(struct clfs_attach *att)
{
	struct device *dev;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	device_initialize(dev);
	dev->class = &clfs_class;
	dev->type = &clfs_node_type;
	dev->devt = MKDEV(MAJOR(clfs_node_base), att->minor);
	dev->release = clfs_node_release;
	dev_set_drvdata(dev, att);
	ret = dev_set_name(dev, "%s", att->name);
	if (!ret)
		ret = device_add(dev);
	if (ret) {
		put_device(dev);
		return ERR_PTR(ret);
	}
	return dev;
}

static void clfs_node_del(struct clfs_attach *att)
{
	if (att->dev)
		device_unregister(att->dev);
	att->dev = NULL;
}

/* ---- opening a node ----------------------------------------------------- */

static int clfs_node_open(struct inode *inode, struct file *file)
{
	bool writable = file->f_mode & FMODE_WRITE;
	struct clfs_attach *att;
	int ret;

	mutex_lock(&clfs_attach_lock);
	att = idr_find(&clfs_attach_minors, iminor(inode));
	ret = -ENXIO;
	if (!att)
		goto out;
	ret = -EROFS;
	if (writable && att->read_only)
		goto out;
	ret = clfs_log_get(att->log, writable ? 0 : CLFS_OPEN_READ_ONLY);
	if (ret)
		goto out;
	ret = clfs_fd_log_adopt(file, att->log, writable);
	if (ret)
		clfs_log_close(att->log);
out:
	mutex_unlock(&clfs_attach_lock);
	return ret;
}

static const struct file_operations clfs_node_fops = {
	.owner		= THIS_MODULE,
	.open		= clfs_node_open,
	.llseek		= noop_llseek,
};

/* ---- the control device's ioctls --------------------------------------- */

/* A name is 1..CLFS_NAME_MAX-1 of [A-Za-z0-9_.-], not starting with '.'. */
static bool clfs_name_valid(const char *name)
{
	size_t n = strnlen(name, CLFS_NAME_MAX);
	size_t i;

	if (!n || n == CLFS_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

static struct clfs_attach *clfs_attach_find(const char *name)
{
	struct clfs_attach *att;

	lockdep_assert_held(&clfs_attach_lock);
	list_for_each_entry(att, &clfs_attached, list)
		if (!strcmp(att->name, name))
			return att;
	return NULL;
}

/* Owner, group and mode from userspace: valid ids, no bit beyond 0666. */
static int clfs_access_args(u32 uid, u32 gid, u32 mode, kuid_t *kuid,
			    kgid_t *kgid, umode_t *kmode)
{
	*kuid = make_kuid(current_user_ns(), uid);
	*kgid = make_kgid(current_user_ns(), gid);
	if (!uid_valid(*kuid) || !gid_valid(*kgid) || mode & ~0666)
		return -EINVAL;
	*kmode = mode ?: 0600;
	return 0;
}

/* Put @att into the list, keeping it in name order. */
static void clfs_attach_insert(struct clfs_attach *att)
{
	struct clfs_attach *pos;

	list_for_each_entry(pos, &clfs_attached, list)
		if (strcmp(pos->name, att->name) > 0)
			break;
	list_add_tail(&att->list, &pos->list);
}

static long clfs_attach_log(void __user *uarg)
{
	struct clfs_ioc_log_attach a;
	struct clfs_attach *att, *other;
	struct clfs_log *log;
	char *path;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags & ~CLFS_OPEN_READ_ONLY ||
	    !clfs_fd_zero(a.reserved, sizeof(a.reserved)) ||
	    strnlen(a.name, CLFS_NAME_MAX) == CLFS_NAME_MAX ||
	    (a.name[0] && !clfs_name_valid(a.name)))
		return -EINVAL;
	att = kzalloc(sizeof(*att), GFP_KERNEL);
	if (!att)
		return -ENOMEM;
	ret = clfs_access_args(a.uid, a.gid, a.mode, &att->uid, &att->gid,
			       &att->mode);
	if (ret)
		goto free;
	path = strndup_user(u64_to_user_ptr(a.path), CLFS_PATH_MAX);
	if (IS_ERR(path)) {
		ret = PTR_ERR(path);
		goto free;
	}
	ret = -EINVAL;
	if (!*path)
		goto free_path;

	mutex_lock(&clfs_attach_lock);
	log = clfs_log_open(path, a.flags);
	if (IS_ERR(log)) {
		ret = PTR_ERR(log);
		goto unlock;
	}
	att->log = log;
	att->read_only = a.flags & CLFS_OPEN_READ_ONLY;
	strscpy(att->name, a.name[0] ? a.name : log->name, sizeof(att->name));
	ret = -EINVAL;
	if (!clfs_name_valid(att->name))
		goto close;
	/* Once per device, once per name. */
	ret = -EEXIST;
	list_for_each_entry(other, &clfs_attached, list)
		if (other->log == log || !strcmp(other->name, att->name))
			goto close;
	ret = idr_alloc(&clfs_attach_minors, att, 0, CLFS_MAX_ATTACHED,
			GFP_KERNEL);
	if (ret < 0)
		goto close;
	att->minor = ret;
	att->dev = clfs_node_add(att);
	if (IS_ERR(att->dev)) {
		ret = PTR_ERR(att->dev);
		goto unminor;
	}
	/* The name goes back to the caller; the attach stands regardless. */
	memcpy(a.name, att->name, sizeof(a.name));
	if (copy_to_user(uarg, &a, sizeof(a)))
		pr_warn("%s: attached, but the name could not be reported\n",
			att->name);
	__module_get(THIS_MODULE);
	clfs_attach_insert(att);
	pr_info("%s: attached as %s\n", log->name, att->name);
	mutex_unlock(&clfs_attach_lock);
	kfree(path);
	return 0;

unminor:
	idr_remove(&clfs_attach_minors, att->minor);
close:
	clfs_log_close(log);
unlock:
	mutex_unlock(&clfs_attach_lock);
free_path:
	kfree(path);
free:
	kfree(att);
	return ret;
}

static long clfs_name_args(void __user *uarg, struct clfs_ioc_log_name *a)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(a, uarg, sizeof(*a)))
		return -EFAULT;
	if (a->reserved0 || !clfs_fd_zero(a->reserved, sizeof(a->reserved)) ||
	    !clfs_name_valid(a->name))
		return -EINVAL;
	return 0;
}

static long clfs_detach_log(void __user *uarg)
{
	struct clfs_ioc_log_name a;
	struct clfs_attach *att;
	long ret;

	ret = clfs_name_args(uarg, &a);
	if (ret)
		return ret;
	if (a.uid || a.gid || a.mode)
		return -EINVAL;
	mutex_lock(&clfs_attach_lock);
	att = clfs_attach_find(a.name);
	if (!att) {
		mutex_unlock(&clfs_attach_lock);
		return -ENOENT;
	}
	list_del(&att->list);
	idr_remove(&clfs_attach_minors, att->minor);
	clfs_node_del(att);
	mutex_unlock(&clfs_attach_lock);
	pr_info("%s: detached %s\n", att->log->name, att->name);
	/* The last client's close, maybe this one, flushes and closes. */
	clfs_log_close(att->log);
	kfree(att);
	module_put(THIS_MODULE);
	return 0;
}

static long clfs_set_access(void __user *uarg)
{
	struct clfs_ioc_log_name a;
	struct clfs_attach *att;
	struct device *dev;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	long ret;

	ret = clfs_name_args(uarg, &a);
	if (ret)
		return ret;
	ret = clfs_access_args(a.uid, a.gid, a.mode, &uid, &gid, &mode);
	if (ret)
		return ret;
	mutex_lock(&clfs_attach_lock);
	att = clfs_attach_find(a.name);
	ret = -ENOENT;
	if (!att)
		goto out;
	/* devtmpfs takes a node's owner and mode when it creates it. */
	clfs_node_del(att);
	att->uid = uid;
	att->gid = gid;
	att->mode = mode;
	dev = clfs_node_add(att);
	ret = PTR_ERR_OR_ZERO(dev);
	if (!ret)
		att->dev = dev;
	else
		pr_warn("%s: node not re-created (%ld); set the access again\n",
			att->name, ret);
out:
	mutex_unlock(&clfs_attach_lock);
	return ret;
}

static void clfs_attach_describe(const struct clfs_attach *att,
				 struct clfs_attached_log *e)
{
	struct clfs_log_info info;

	memset(e, 0, sizeof(*e));
	clfs_log_query(att->log, &info);
	strscpy(e->name, att->name, sizeof(e->name));
	strscpy(e->device, att->log->name, sizeof(e->device));
	memcpy(e->uuid, info.uuid, sizeof(e->uuid));
	e->dev_major = MAJOR(att->log->storage->dev);
	e->dev_minor = MINOR(att->log->storage->dev);
	e->node_major = MAJOR(clfs_node_base);
	e->node_minor = att->minor;
	e->clients = clfs_log_users(att->log);
	e->flags = info.flags & (CLFS_LOG_READ_ONLY | CLFS_LOG_SHUT_DOWN);
	e->uid = from_kuid_munged(current_user_ns(), att->uid);
	e->gid = from_kgid_munged(current_user_ns(), att->gid);
	e->mode = att->mode;
}

static long clfs_list_logs(void __user *uarg)
{
	struct clfs_ioc_log_list a;
	struct clfs_attached_log *e;
	struct clfs_attach *att;
	u32 n = 0, total = 0;
	long ret = 0;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	/* count and total are outputs. */
	if (a.reserved0 || !clfs_fd_zero(a.reserved, sizeof(a.reserved)) ||
	    !a.max || a.max > CLFS_LIST_MAX)
		return -EINVAL;
	e = kvcalloc(a.max, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	mutex_lock(&clfs_attach_lock);
	list_for_each_entry(att, &clfs_attached, list) {
		if (n < a.max)
			clfs_attach_describe(att, &e[n++]);
		total++;
	}
	mutex_unlock(&clfs_attach_lock);
	a.count = n;
	a.total = total;
	if (copy_to_user(u64_to_user_ptr(a.logs), e, n * sizeof(*e)) ||
	    copy_to_user(uarg, &a, sizeof(a)))
		ret = -EFAULT;
	kvfree(e);
	return ret;
}

/**
 * clfs_attach_ioctl() - the control device's attachment ioctls
 * @cmd: CLFS_IOC_LOG_ATTACH, _DETACH, _LIST or _SET_ACCESS
 * @uarg: its argument
 *
 * Return: 0 or a negative errno (include/uapi/linux/clfs.h); -ENOTTY for
 * another @cmd.
 */
long clfs_attach_ioctl(unsigned int cmd, void __user *uarg)
{
	switch (cmd) {
	case CLFS_IOC_LOG_ATTACH:
		return clfs_attach_log(uarg);
	case CLFS_IOC_LOG_DETACH:
		return clfs_detach_log(uarg);
	case CLFS_IOC_LOG_LIST:
		return clfs_list_logs(uarg);
	case CLFS_IOC_LOG_SET_ACCESS:
		return clfs_set_access(uarg);
	default:
		return -ENOTTY;
	}
}

/**
 * clfs_attach_init() - register the class and the nodes' device numbers
 *
 * Return: 0 or a negative errno.
 */
int clfs_attach_init(void)
{
	int ret;

	ret = class_register(&clfs_class);
	if (ret)
		return ret;
	ret = alloc_chrdev_region(&clfs_node_base, 0, CLFS_MAX_ATTACHED,
				  "clfs-log");
	if (ret)
		goto unclass;
	cdev_init(&clfs_node_cdev, &clfs_node_fops);
	clfs_node_cdev.owner = THIS_MODULE;
	ret = cdev_add(&clfs_node_cdev, clfs_node_base, CLFS_MAX_ATTACHED);
	if (ret)
		goto unregion;
	return 0;
unregion:
	unregister_chrdev_region(clfs_node_base, CLFS_MAX_ATTACHED);
unclass:
	class_unregister(&clfs_class);
	return ret;
}

/**
 * clfs_attach_exit() - undo clfs_attach_init(); no log is attached then,
 *	since every attachment holds the module
 */
void clfs_attach_exit(void)
{
	WARN_ON(!list_empty(&clfs_attached));
	cdev_del(&clfs_node_cdev);
	unregister_chrdev_region(clfs_node_base, CLFS_MAX_ATTACHED);
	class_unregister(&clfs_class);
	idr_destroy(&clfs_attach_minors);
}
