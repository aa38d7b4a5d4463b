/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest tests that drive /dev/clfs with raw ioctls: what they all need.
 * Include after kselftest_harness.h (EXPECT_ERRNO uses its macros).
 */
#ifndef _CLFS_TEST_UTIL_H
#define _CLFS_TEST_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/clfs.h>

/* A user pointer as the ABI carries it. */
#define PTR(p)		((__u64)(uintptr_t)(p))

/* An ioctl (or other call) that must fail with @err. */
#define EXPECT_ERRNO(err, call) do {					\
		errno = 0;						\
		EXPECT_EQ(-1, (call));					\
		EXPECT_EQ(err, errno);					\
	} while (0)

#define ASSERT_ERRNO(err, call) do {					\
		errno = 0;						\
		ASSERT_EQ(-1, (call));					\
		ASSERT_EQ(err, errno);					\
	} while (0)

/* The test disk: the first of /dev/vda and /dev/nvme0n1 that exists. */
static inline const char *disk(void)
{
	static const char *const disks[] = { "/dev/vda", "/dev/nvme0n1" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(disks); i++)
		if (access(disks[i], F_OK) == 0)
			return disks[i];
	return disks[0];
}

static inline void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static inline void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Milliseconds on the monotonic clock. */
static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static inline int log_open(int ctl, const char *path, __u32 flags)
{
	struct clfs_ioc_log_open o = { .path = PTR(path), .flags = flags };

	return ioctl(ctl, CLFS_IOC_LOG_OPEN, &o);
}

static inline int stream_open(int log, __u32 id)
{
	struct clfs_ioc_stream s = { .stream_id = id };

	return ioctl(log, CLFS_IOC_STREAM_OPEN, &s);
}

#endif /* _CLFS_TEST_UTIL_H */
