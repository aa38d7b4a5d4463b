// SPDX-License-Identifier: GPL-2.0
/*
 * clfs module entry: brings the Common Log File System up and down.
 *
 * The block-device storage driver registers first, so that a target can
 * be opened as soon as anything can ask. Load order matters otherwise
 * only for userspace: /dev/clfs is registered last, so
 * nothing can reach the module before everything behind the device exists
 * (the class and device numbers of attached logs' nodes), and it is
 * removed first on unload. No log is attached at unload: each attachment
 * holds the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/clfs.h>
#include "clfs_internal.h"
#include "ioctl/clfs_fd.h"
#include "storage/clfs_storage.h"

static int __init clfs_init(void)
{
	int ret;

	ret = clfs_storage_registry_init();
	if (ret)
		return ret;
	ret = clfs_attach_init();
	if (ret)
		goto registry;
	ret = clfs_ctl_register();
	if (ret)
		goto attach;
	pr_info("ABI %u.%u loaded\n", CLFS_ABI_MAJOR, CLFS_ABI_MINOR);
	return 0;

attach:
	clfs_attach_exit();
registry:
	clfs_storage_registry_exit();
	return ret;
}

static void __exit clfs_exit(void)
{
	clfs_ctl_unregister();
	clfs_attach_exit();
	clfs_storage_registry_exit();
}

module_init(clfs_init);
module_exit(clfs_exit);

MODULE_DESCRIPTION("Common Log File System: a transactional write-ahead log on a block device");
MODULE_LICENSE("GPL");
