// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: the log engine on real disks, through the bio driver.
 *
 * Drives the test module clfs_disktest.ko (tests/guest-kmod), which exists
 * only in the debug kernel: each load runs one operation and returns its
 * result as finit_module()'s errno. Between operations clfs.ko itself is
 * unloaded and loaded again, so nothing survives but what is on the disk.
 * The metadata copies are corrupted with O_DIRECT writes on the raw device.
 *
 * Programs named *_ktest run in the guest's "ktest" step (debug kernel).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ktest_modules.h"

#define MD_COPY_BYTES	(64 * 1024)	/* clfs_format.h: CLFS_MD_COPY_BYTES */
#define RECORDS		1500		/* ~2.2 MiB: crosses 1 MiB containers */

/* Unload and load clfs.ko again: the log must come back from disk alone. */
static int reload_clfs(void)
{
	int ret = unload("clfs");

	if (ret && ret != -ENOENT)
		return ret;
	return load("clfs.ko", "");
}

/* Overwrite metadata copy @copy (or restore it from @save if given). */
static int md_copy_io(const char *dev, int copy, void *save, int restore)
{
	void *buf;
	int fd, ret = 0;
	ssize_t n;

	if (posix_memalign(&buf, 4096, MD_COPY_BYTES))
		return -ENOMEM;
	fd = open(dev, O_RDWR | O_DIRECT | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	if (restore) {
		memcpy(buf, save, MD_COPY_BYTES);
	} else {
		n = pread(fd, buf, MD_COPY_BYTES, (off_t)copy * MD_COPY_BYTES);
		if (n != MD_COPY_BYTES)
			ret = -EIO;
		if (save)
			memcpy(save, buf, MD_COPY_BYTES);
		/* Garbage over the header and the first container entries,
		 * keeping the magic: without it the copy reads as "no clfs
		 * metadata here" (-ENODATA), not as a corrupt one.
		 */
		memset(buf + 8, 0x5a, 9000);
	}
	if (!ret && pwrite(fd, buf, MD_COPY_BYTES, (off_t)copy * MD_COPY_BYTES) !=
	    MD_COPY_BYTES)
		ret = -EIO;
	close(fd);
	free(buf);
	return ret;
}

static int sector_size_of(const char *dev)
{
	char path[96], line[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%s/queue/logical_block_size",
		 strrchr(dev, '/') + 1);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	return atoi(line);
}

/* Did the kernel log say that this copy was rejected and the other used? */
static int kmsg_has(const char *what)
{
	static char buf[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);

	if (n < 0)
		return 0;
	buf[n] = 0;
	return strstr(buf, what) != NULL;
}

FIXTURE(disk) {
	const char *dev;
};

FIXTURE_VARIANT(disk) {
	const char *dev;
	int sector;
};

/* The debug guest is started with a 512-byte and a 4096-byte-sector disk. */
FIXTURE_VARIANT_ADD(disk, vda_512) { .dev = "/dev/vda", .sector = 512 };
FIXTURE_VARIANT_ADD(disk, vdb_4096) { .dev = "/dev/vdb", .sector = 4096 };

FIXTURE_SETUP(disk)
{
	int ret = load("clfs.ko", "");

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(variant->sector, sector_size_of(variant->dev));
	self->dev = variant->dev;
	ASSERT_EQ(0, disktest(self->dev, "op=create"));
	ASSERT_EQ(0, disktest(self->dev, "op=write seed=%d records=%d",
			      variant->sector, RECORDS));
	ASSERT_EQ(0, reload_clfs());
}

FIXTURE_TEARDOWN(disk)
{
}

TEST_F(disk, records_survive_module_reload)
{
	EXPECT_EQ(0, disktest(self->dev, "op=verify seed=%d records=%d",
			      variant->sector, RECORDS));
	/* Reopening started a new epoch; the records are still all there. */
	ASSERT_EQ(0, reload_clfs());
	EXPECT_EQ(0, disktest(self->dev, "op=verify seed=%d records=%d",
			      variant->sector, RECORDS));
}

TEST_F(disk, verify_detects_a_different_sequence)
{
	/* The check is real: another seed's records must not verify. */
	EXPECT_EQ(-EPROTO, disktest(self->dev, "op=verify seed=%d records=%d",
				    variant->sector + 1, RECORDS));
}

TEST_F(disk, corrupt_copy_0_falls_back_to_copy_1)
{
	klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0);
	ASSERT_EQ(0, md_copy_io(self->dev, 0, NULL, 0));
	EXPECT_EQ(0, disktest(self->dev, "op=verify seed=%d records=%d",
			      variant->sector, RECORDS));
	EXPECT_TRUE(kmsg_has("metadata copy 0 is invalid"));
}

TEST_F(disk, corrupt_copy_1_falls_back_to_copy_0)
{
	klogctl(5, NULL, 0);
	ASSERT_EQ(0, md_copy_io(self->dev, 1, NULL, 0));
	EXPECT_EQ(0, disktest(self->dev, "op=verify seed=%d records=%d",
			      variant->sector, RECORDS));
	EXPECT_TRUE(kmsg_has("metadata copy 1 is invalid"));
}

TEST_F(disk, the_open_repairs_the_corrupt_copy)
{
	/* Open commits a new generation into the bad copy's slot, or the
	 * other; after two opens both copies are whole again.
	 */
	ASSERT_EQ(0, md_copy_io(self->dev, 0, NULL, 0));
	ASSERT_EQ(0, disktest(self->dev, "op=open"));
	ASSERT_EQ(0, disktest(self->dev, "op=open"));
	klogctl(5, NULL, 0);
	EXPECT_EQ(0, disktest(self->dev, "op=verify seed=%d records=%d",
			      variant->sector, RECORDS));
	EXPECT_FALSE(kmsg_has("is invalid"));
}

TEST_F(disk, both_copies_corrupt_is_euclean)
{
	void *save0 = malloc(MD_COPY_BYTES), *save1 = malloc(MD_COPY_BYTES);

	ASSERT_TRUE(save0 && save1);
	ASSERT_EQ(0, md_copy_io(self->dev, 0, save0, 0));
	ASSERT_EQ(0, md_copy_io(self->dev, 1, save1, 0));
	EXPECT_EQ(-EUCLEAN, disktest(self->dev, "op=open"));
	/* The refused open changed nothing: restoring the copies restores
	 * the log, records included.
	 */
	ASSERT_EQ(0, md_copy_io(self->dev, 0, save0, 1));
	ASSERT_EQ(0, md_copy_io(self->dev, 1, save1, 1));
	EXPECT_EQ(0, disktest(self->dev, "op=verify seed=%d records=%d",
			      variant->sector, RECORDS));
	free(save0);
	free(save1);
}

TEST_F(disk, wiped_metadata_is_enodata)
{
	void *zero;
	int fd;

	ASSERT_EQ(0, posix_memalign(&zero, 4096, 2 * MD_COPY_BYTES));
	memset(zero, 0, 2 * MD_COPY_BYTES);
	fd = open(self->dev, O_WRONLY | O_DIRECT | O_SYNC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2 * MD_COPY_BYTES, pwrite(fd, zero, 2 * MD_COPY_BYTES, 0));
	close(fd);
	free(zero);
	EXPECT_EQ(-ENODATA, disktest(self->dev, "op=open"));
}

TEST_F(disk, log_full_is_enospc_and_the_log_still_opens)
{
	/* Two 1 MiB containers cannot take ~2.2 MiB of records. */
	ASSERT_EQ(0, disktest(self->dev, "op=create containers=2"));
	EXPECT_EQ(-ENOSPC, disktest(self->dev, "op=write seed=%d records=%d",
				    variant->sector, RECORDS));
	EXPECT_EQ(0, disktest(self->dev, "op=open"));
}

TEST_HARNESS_MAIN
