// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/* libclfs: thin wrappers over the /dev/clfs ioctls (see libclfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libclfs.h"

int clfs_open_control(const char *path)
{
	int fd = open(path ? path : CLFS_DEFAULT_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int clfs_get_version(int ctl_fd, struct clfs_version *ver)
{
	return ioctl(ctl_fd, CLFS_IOC_GET_VERSION, ver) < 0 ? -errno : 0;
}

int clfs_abi_compatible(const struct clfs_version *ver)
{
	return ver->abi_major == CLFS_ABI_MAJOR &&
	       ver->abi_minor >= CLFS_ABI_MINOR;
}
