/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * clfs: the Common Log File System userspace ABI.
 *
 * Userspace reaches clfs through the misc device /dev/clfs (mode 0600 by
 * default). This header is the whole ABI: ioctl numbers, the structures they
 * carry, and the LSN helpers shared by both sides.
 *
 * Rules every structure here follows, so that the ABI can grow without
 * breaking old binaries:
 *  - fixed-width types only, explicit padding, 64-bit alignment;
 *  - reserved fields must be zero on input (non-zero gives -EINVAL) and are
 *    zeroed on output;
 *  - unknown flags are refused with -EINVAL.
 *
 * Errors are negative errno values (the ioctl returns -1 and sets errno).
 * An ioctl number clfs does not know gives -ENOTTY.
 */
#ifndef _UAPI_LINUX_CLFS_H
#define _UAPI_LINUX_CLFS_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Name of the misc device: /dev/clfs. */
#define CLFS_MISC_NAME		"clfs"

/*
 * ABI version. The major number changes when an existing ioctl changes
 * incompatibly (never, once 1.0 ships); the minor number grows when ioctls
 * or flags are added. Userspace checks major == CLFS_ABI_MAJOR and
 * minor >= the minor it was built against.
 */
#define CLFS_ABI_MAJOR		0
#define CLFS_ABI_MINOR		1

/**
 * struct clfs_version - answer of CLFS_IOC_GET_VERSION
 * @abi_major: CLFS_ABI_MAJOR of the running module
 * @abi_minor: CLFS_ABI_MINOR of the running module
 * @reserved: zeroed by the kernel
 */
struct clfs_version {
	__u32 abi_major;
	__u32 abi_minor;
	__u64 reserved[3];
};

/* ioctl type byte 0xCF; numbers 0x00-0x0f are control-device ioctls. */
#define CLFS_IOC_MAGIC		0xCF

/* Report the ABI version of the loaded module. Needs no privilege. */
#define CLFS_IOC_GET_VERSION	_IOR(CLFS_IOC_MAGIC, 0x00, struct clfs_version)

#endif /* _UAPI_LINUX_CLFS_H */
