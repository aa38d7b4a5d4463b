// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_abi": the control device and the ABI version, seen from
 * inside the kernel.
 */
#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/clfs.h>
#include "clfs_internal.h"

static void clfs_abi_version_matches_header(struct kunit *test)
{
	struct clfs_version ver;

	clfs_get_version(&ver);
	KUNIT_EXPECT_EQ(test, ver.abi_major, (u32)CLFS_ABI_MAJOR);
	KUNIT_EXPECT_EQ(test, ver.abi_minor, (u32)CLFS_ABI_MINOR);
}

static void clfs_abi_version_zeroes_reserved(struct kunit *test)
{
	struct clfs_version ver;
	int i;

	memset(&ver, 0xa5, sizeof(ver));
	clfs_get_version(&ver);
	for (i = 0; i < ARRAY_SIZE(ver.reserved); i++)
		KUNIT_EXPECT_EQ(test, ver.reserved[i], 0ULL);
}

/* Userspace relies on the size encoded in the number matching the struct. */
static void clfs_abi_ioctl_number_encodes_struct(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(CLFS_IOC_GET_VERSION),
			sizeof(struct clfs_version));
	KUNIT_EXPECT_EQ(test, _IOC_DIR(CLFS_IOC_GET_VERSION), _IOC_READ);
	KUNIT_EXPECT_EQ(test, _IOC_TYPE(CLFS_IOC_GET_VERSION), CLFS_IOC_MAGIC);
	/* 64-bit aligned and padded: the same layout for 32-bit callers. */
	KUNIT_EXPECT_EQ(test, sizeof(struct clfs_version) % 8, 0);
}

static void clfs_abi_unknown_ioctl_is_enotty(struct kunit *test)
{
	static const unsigned int bad[] = {
		_IO(CLFS_IOC_MAGIC, 0xff),
		_IOR(CLFS_IOC_MAGIC, 0x00, u32),	/* right nr, wrong size */
		_IOW(CLFS_IOC_MAGIC, 0x00, struct clfs_version),
		_IOR('X', 0x00, struct clfs_version),
		0,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, clfs_ctl_ioctl(NULL, bad[i], 0),
				    (long)-ENOTTY, "cmd %#x", bad[i]);
}

static void clfs_abi_misc_device_is_registered_0600(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, clfs_ctl_miscdev.name, CLFS_MISC_NAME);
	KUNIT_EXPECT_EQ(test, clfs_ctl_miscdev.mode, (umode_t)0600);
	/* misc_register() replaced the dynamic placeholder with a real minor. */
	KUNIT_EXPECT_NE(test, clfs_ctl_miscdev.minor, MISC_DYNAMIC_MINOR);
	KUNIT_EXPECT_NOT_NULL(test, clfs_ctl_miscdev.this_device);
}

static struct kunit_case clfs_abi_cases[] = {
	KUNIT_CASE(clfs_abi_version_matches_header),
	KUNIT_CASE(clfs_abi_version_zeroes_reserved),
	KUNIT_CASE(clfs_abi_ioctl_number_encodes_struct),
	KUNIT_CASE(clfs_abi_unknown_ioctl_is_enotty),
	KUNIT_CASE(clfs_abi_misc_device_is_registered_0600),
	{}
};

static struct kunit_suite clfs_abi_suite = {
	.name = "clfs_abi",
	.test_cases = clfs_abi_cases,
};

kunit_test_suites(&clfs_abi_suite);

MODULE_DESCRIPTION("KUnit tests for clfs");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
