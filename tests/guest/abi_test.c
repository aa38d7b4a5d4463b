// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: /dev/clfs and the version ioctl, as userspace sees them.
 * Uses the kernel's kselftest harness; its output is KTAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libclfs.h"

TEST(control_device_is_char_device_0600)
{
	struct stat st;

	ASSERT_EQ(0, stat(CLFS_DEFAULT_DEVICE, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
}

TEST(version_matches_uapi_header)
{
	struct clfs_version ver;
	int fd = clfs_open_control(NULL);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, clfs_get_version(fd, &ver));
	EXPECT_EQ(CLFS_ABI_MAJOR, ver.abi_major);
	EXPECT_EQ(CLFS_ABI_MINOR, ver.abi_minor);
	EXPECT_TRUE(clfs_abi_compatible(&ver));
	close(fd);
}

TEST(version_zeroes_reserved_fields)
{
	struct clfs_version ver;
	unsigned int i;
	int fd = clfs_open_control(NULL);

	ASSERT_LE(0, fd);
	memset(&ver, 0xff, sizeof(ver));
	ASSERT_EQ(0, ioctl(fd, CLFS_IOC_GET_VERSION, &ver));
	for (i = 0; i < ARRAY_SIZE(ver.reserved); i++)
		EXPECT_EQ(0, ver.reserved[i]);
	close(fd);
}

TEST(version_to_bad_pointer_is_efault)
{
	int fd = clfs_open_control(NULL);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, CLFS_IOC_GET_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, CLFS_IOC_GET_VERSION, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	/* A kernel address must be refused, never written. */
	EXPECT_EQ(-1, ioctl(fd, CLFS_IOC_GET_VERSION, (void *)0xffffffff81000000UL));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(unknown_ioctl_is_enotty)
{
	const unsigned long bad[] = {
		_IO(CLFS_IOC_MAGIC, 0xff),
		_IOR(CLFS_IOC_MAGIC, 0x00, __u32),
		_IOW(CLFS_IOC_MAGIC, 0x00, struct clfs_version),
		_IOR('X', 0x00, struct clfs_version),
		0,
	};
	struct clfs_version ver;
	unsigned int i;
	int fd = clfs_open_control(NULL);

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, bad[i], &ver)) {
			TH_LOG("cmd %#lx", bad[i]);
		}
		EXPECT_EQ(ENOTTY, errno);
	}
	close(fd);
}

TEST(libclfs_reports_enotty_on_other_devices)
{
	struct clfs_version ver;
	int fd = open("/dev/null", O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, clfs_get_version(fd, &ver));
	close(fd);
}

TEST(libclfs_reports_missing_device)
{
	EXPECT_EQ(-ENOENT, clfs_open_control("/dev/clfs-does-not-exist"));
}

TEST_HARNESS_MAIN
