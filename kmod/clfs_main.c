// SPDX-License-Identifier: GPL-2.0
/*
 * clfs module entry: brings the Common Log File System up and down.
 *
 * Load order matters only for userspace: /dev/clfs is registered last, so
 * nothing can reach the module before everything behind the device exists,
 * and it is removed first on unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/clfs.h>
#include "clfs_internal.h"

static int __init clfs_init(void)
{
	int ret;

	ret = clfs_ctl_register();
	if (ret)
		return ret;
	pr_info("ABI %u.%u loaded\n", CLFS_ABI_MAJOR, CLFS_ABI_MINOR);
	return 0;
}

static void __exit clfs_exit(void)
{
	clfs_ctl_unregister();
}

module_init(clfs_init);
module_exit(clfs_exit);

MODULE_DESCRIPTION("Common Log File System: a transactional write-ahead log on a block device");
MODULE_LICENSE("GPL");
