/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest tests: run a check as a caller without CAP_SYS_ADMIN. The tests
 * run as root; a child drops the capability from all its sets and checks
 * that ioctls needing it fail with EPERM.
 */
#ifndef _CLFS_TEST_CAPS_H
#define _CLFS_TEST_CAPS_H

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

/* Drop CAP_SYS_ADMIN from this process; 0, or -1 if it is still there. */
static inline int drop_sys_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	unsigned int bit = CAP_SYS_ADMIN;

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[bit / 32].effective &= ~(1U << (bit % 32));
	d[bit / 32].permitted &= ~(1U << (bit % 32));
	d[bit / 32].inheritable &= ~(1U << (bit % 32));
	if (syscall(SYS_capset, &h, d))
		return -1;
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return -1;
	return (d[bit / 32].effective & (1U << (bit % 32))) ? -1 : 0;
}

/* Did an ioctl that returned @ret fail with EPERM? */
static inline int eperm(int ret)
{
	return ret == -1 && errno == EPERM;
}

#endif /* _CLFS_TEST_CAPS_H */
