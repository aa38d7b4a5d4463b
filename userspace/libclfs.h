/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/*
 * libclfs: a small C library over the /dev/clfs ioctls.
 *
 * Every function returns 0 (or a non-negative value) on success and a
 * negative errno value on failure; errno itself is left as the failing
 * system call set it. The library has no hidden threads and no global state.
 */
#ifndef LIBCLFS_H
#define LIBCLFS_H

#include <linux/clfs.h>

#define CLFS_DEFAULT_DEVICE	"/dev/" CLFS_MISC_NAME

/**
 * clfs_open_control() - open the clfs control device
 * @path: device node, or NULL for CLFS_DEFAULT_DEVICE
 *
 * Return: a file descriptor (close it with close(2)), or -errno.
 */
int clfs_open_control(const char *path);

/**
 * clfs_get_version() - ask the loaded module for its ABI version
 * @ctl_fd: descriptor from clfs_open_control()
 * @ver: filled on success
 *
 * Return: 0, or -errno (-ENOTTY if @ctl_fd is not a clfs control device).
 */
int clfs_get_version(int ctl_fd, struct clfs_version *ver);

/**
 * clfs_abi_compatible() - can this library talk to that module?
 * @ver: version reported by the module
 *
 * Return: 1 when the major numbers match and the module's minor is at least
 * the one this library was built against, else 0.
 */
int clfs_abi_compatible(const struct clfs_version *ver);

#endif /* LIBCLFS_H */
