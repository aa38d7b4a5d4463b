// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/clfs control device: the single entry point of userspace into
 * clfs. Its ioctls are declared in include/uapi/linux/clfs.h.
 *
 * The node is created with mode 0600; operations that format, attach or
 * erase devices also need CAP_SYS_ADMIN, since a mode can be widened by an
 * administrator. Opening a log gives a log descriptor, from which the
 * others come (kmod/ioctl/clfs_fd.h). Unprivileged clients reach a log
 * through its attached node instead (kmod/ioctl/clfs_attach.c).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>
#include <linux/clfs.h>
#include "clfs_internal.h"
#include "ioctl/clfs_fd.h"

/**
 * clfs_get_version() - report the ABI version of the running module
 * @ver: filled with CLFS_ABI_MAJOR and CLFS_ABI_MINOR; reserved fields zeroed
 *
 * Lets an in-kernel client check, at run time, that the clfs it is linked
 * against speaks the ABI it was built for.
 */
void clfs_get_version(struct clfs_version *ver)
{
	memset(ver, 0, sizeof(*ver));
	ver->abi_major = CLFS_ABI_MAJOR;
	ver->abi_minor = CLFS_ABI_MINOR;
}
EXPORT_SYMBOL_GPL(clfs_get_version);

static long clfs_ioc_get_version(void __user *uarg)
{
	struct clfs_version ver;

	clfs_get_version(&ver);
	if (copy_to_user(uarg, &ver, sizeof(ver)))
		return -EFAULT;
	return 0;
}

long clfs_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case CLFS_IOC_GET_VERSION:
		return clfs_ioc_get_version(uarg);
	case CLFS_IOC_LOG_CREATE:
		return clfs_fd_log_create(uarg);
	case CLFS_IOC_LOG_OPEN:
		return clfs_fd_log_open(uarg);
	case CLFS_IOC_LOG_DELETE:
		return clfs_fd_log_delete(uarg);
	case CLFS_IOC_LOG_ATTACH:
	case CLFS_IOC_LOG_DETACH:
	case CLFS_IOC_LOG_LIST:
	case CLFS_IOC_LOG_SET_ACCESS:
		return clfs_attach_ioctl(cmd, uarg);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_IF_KUNIT(clfs_ctl_ioctl);

static const struct file_operations clfs_ctl_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= clfs_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

struct miscdevice clfs_ctl_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= CLFS_MISC_NAME,
	.fops	= &clfs_ctl_fops,
	.mode	= 0600,
};
EXPORT_SYMBOL_IF_KUNIT(clfs_ctl_miscdev);

int clfs_ctl_register(void)
{
	return misc_register(&clfs_ctl_miscdev);
}

void clfs_ctl_unregister(void)
{
	misc_deregister(&clfs_ctl_miscdev);
}
