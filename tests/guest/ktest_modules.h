/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading the modules the *_ktest programs drive (tests/guest-kmod), and
 * one operation of clfs_disktest.ko: each load runs one operation and
 * returns its result as finit_module()'s errno.
 */
#ifndef _CLFS_KTEST_MODULES_H
#define _CLFS_KTEST_MODULES_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MODDIR		"/clfs/modules"

/* Load MODDIR/@ko with @params: 0 or -errno (the init function's result). */
static inline int load(const char *ko, const char *params)
{
	char path[128];
	int fd, ret;

	snprintf(path, sizeof(path), MODDIR "/%s", ko);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static inline int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* One clfs_disktest operation; returns its result (0 or -errno). */
static inline int disktest(const char *dev, const char *fmt, ...)
{
	char params[256];
	va_list ap;
	int n, ret;

	n = snprintf(params, sizeof(params), "dev=%s ", dev);
	va_start(ap, fmt);
	vsnprintf(params + n, sizeof(params) - n, fmt, ap);
	va_end(ap);
	ret = load("clfs_disktest.ko", params);
	if (!ret)
		unload("clfs_disktest");
	return ret;
}

#endif /* _CLFS_KTEST_MODULES_H */
