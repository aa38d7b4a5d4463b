// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: a storage driver from outside clfs.ko. clfs_memdev.ko
 * registers the "memdev" driver through <linux/clfs_storage.h>; a log is
 * created and used on the target "memdev:NAME" through /dev/clfs like one
 * on a disk; the driver's module cannot be unloaded while a log is open
 * on it; and its debugfs control cuts the power under an open log, after
 * which the next open finds every acknowledged record: with one writer,
 * and on a zoned device (zone=) with several processes appending and the
 * containers wrapping when the power goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libclfs.h"
#include "ktest_modules.h"
#include "test_util.h"
#include "cut_workload.h"

#define DBG		"/sys/kernel/debug/clfs_memdev/"
#define NR_ACKED	6
#define NR_LOOSE	4

/* Writes @val to the debugfs file @path: 0 or -errno. */
static int dbg_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* A counter from DBG @dev/stats, or -1. */
static long long dbg_stat(const char *dev, const char *key)
{
	char path[128], k[32];
	long long v, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), DBG "%s/stats", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%31s %lld", k, &v) == 2)
		if (!strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

static int module_refcnt(const char *name)
{
	char path[96];
	int v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

FIXTURE(memdev) {
	int ctl;
};

FIXTURE_SETUP(memdev)
{
	int ret = load("clfs_memdev.ko", "");

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
}

FIXTURE_TEARDOWN(memdev)
{
	close_fd(&self->ctl);
	/* Frees every device; the next test starts from none. */
	unload("clfs_memdev");
}

/* A dedicated log (stream 0) on @target: the log descriptor, or -errno. */
static int new_log(int ctl, const char *target)
{
	struct clfs_log_params p = {
		.container_bytes = 1 << 20, .nr_containers = 4,
	};
	int ret;

	ret = clfs_log_create(ctl, target, &p);
	if (ret)
		return ret;
	return clfs_log_open(ctl, target, 0);
}

/* A log descriptor with stream 0 and a marshalling area open on it. */
struct area {
	int log, s, m;
};

/* Opens stream 0 and an area on @log, which @a then owns: 0 or -errno. */
static int area_open(struct area *a, int log)
{
	a->log = log;
	a->s = log < 0 ? log : clfs_stream_open(log, 0);
	a->m = a->s < 0 ? a->s : clfs_marshal_create(a->s, 0, 0, 0);
	return a->m < 0 ? a->m : 0;
}

static void area_close(struct area *a)
{
	close_fd(&a->m);
	close_fd(&a->s);
	close_fd(&a->log);
}

/* Record @i's bytes. */
static void payload(char *buf, size_t len, int i)
{
	snprintf(buf, len, "memdev record %d", i);
}

static int append(int m, int i, __u32 flags, __u64 *lsn)
{
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };

	memset(buf, 0, sizeof(buf));
	payload(buf, sizeof(buf), i);
	return clfs_append(m, &iov, 1, CLFS_RECORD_DATA, flags, CLFS_LSN_NULL,
			   CLFS_LSN_NULL, lsn);
}

/* 0 if record @i is at @lsn byte for byte, else -errno or -EILSEQ. */
static int check_record(int m, __u64 lsn, int i)
{
	char buf[64], want[64];
	struct clfs_ioc_record rec;
	int ctx;

	memset(want, 0, sizeof(want));
	payload(want, sizeof(want), i);
	clfs_record_init(&rec, buf, sizeof(buf));
	ctx = clfs_read_record(m, lsn, CLFS_READ_FORWARD, CLFS_FILTER_ALL, &rec);
	if (ctx < 0)
		return ctx;
	close(ctx);
	if (rec.lsn != lsn || rec.data_bytes != sizeof(buf) ||
	    memcmp(buf, want, sizeof(buf)))
		return -EILSEQ;
	return 0;
}

TEST_F(memdev, log_lives_on_a_named_device)
{
	__u64 lsn[NR_ACKED];
	struct clfs_log_info info;
	struct area a;
	int i;

	ASSERT_EQ(0, area_open(&a, new_log(self->ctl, "memdev:ut1,size=8M,sector=4096")));
	for (i = 0; i < NR_ACKED; i++)
		ASSERT_EQ(0, append(a.m, i, CLFS_APPEND_FORCE_FLUSH, &lsn[i]));
	ASSERT_EQ(0, clfs_log_query(a.log, &info));
	EXPECT_EQ(4096, info.sector_bytes);
	area_close(&a);
	EXPECT_LT(0, dbg_stat("ut1", "flushes") + dbg_stat("ut1", "fua_writes"));

	/* The device keeps its data from one open to the next. */
	ASSERT_EQ(0, area_open(&a, clfs_log_open(self->ctl, "memdev:ut1", 0)));
	for (i = 0; i < NR_ACKED; i++)
		EXPECT_EQ(0, check_record(a.m, lsn[i], i));
	area_close(&a);
}

TEST_F(memdev, bad_targets_are_refused)
{
	static const struct { const char *t; int err; } cases[] = {
		{ "memdev:", -EINVAL }, { "memdev:UP", -EINVAL },
		{ "memdev:a,size=0", -EINVAL }, { "memdev:a,sector=1000", -EINVAL },
		{ "memdev:a,colour=red", -EINVAL }, { "memdev:a,size=1G", -EINVAL },
		{ "memdev:a/b", -EINVAL }, { "no_such_driver:x", -ENODEV },
		{ "Memdev:x", -EINVAL },
	};
	int log;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		log = clfs_log_open(self->ctl, cases[i].t, 0);
		EXPECT_EQ(cases[i].err, log) TH_LOG("target %s", cases[i].t);
		if (log >= 0)
			close(log);
	}
	/* An existing device with another geometry is not silently reused. */
	log = new_log(self->ctl, "memdev:ut2,size=8M");
	ASSERT_LE(0, log);
	close(log);
	EXPECT_EQ(-EINVAL, clfs_log_open(self->ctl, "memdev:ut2,size=16M", 0));
	EXPECT_EQ(-ENODATA, clfs_log_open(self->ctl, "memdev:fresh", 0));
}

TEST_F(memdev, opens_of_one_device_share_its_log)
{
	struct clfs_log_params p = { .container_bytes = 1 << 20, .nr_containers = 4 };
	int a, b;

	a = new_log(self->ctl, "memdev:ut3");
	ASSERT_LE(0, a);
	/* The same device, however the target spells it (16M is the default). */
	b = clfs_log_open(self->ctl, "memdev:ut3,size=16M", 0);
	ASSERT_LE(0, b);
	EXPECT_EQ(-EINVAL, clfs_log_open(self->ctl, "memdev:ut3,size=8M", 0));
	/* Formatting needs the device to itself, as a disk's exclusive open. */
	EXPECT_EQ(-EBUSY, clfs_log_create(self->ctl, "memdev:ut3", &p));
	close(a);
	close(b);
	EXPECT_EQ(0, clfs_log_delete(self->ctl, "memdev:ut3"));
	EXPECT_EQ(-ENODATA, clfs_log_open(self->ctl, "memdev:ut3", 0));
}

TEST_F(memdev, driver_module_is_pinned_while_a_log_is_open)
{
	int log, refs = module_refcnt("clfs_memdev");

	ASSERT_EQ(0, refs);
	log = new_log(self->ctl, "memdev:ut4");
	ASSERT_LE(0, log);
	EXPECT_EQ(1, module_refcnt("clfs_memdev"));
	EXPECT_EQ(-EWOULDBLOCK, unload("clfs_memdev"));
	close(log);
	EXPECT_EQ(0, module_refcnt("clfs_memdev"));
	ASSERT_EQ(0, unload("clfs_memdev"));
	/* Gone with its module: no driver of that name any more. */
	EXPECT_EQ(-ENODEV, clfs_log_open(self->ctl, "memdev:ut4", 0));
}

/*
 * The power fails under an open log: the records acknowledged before
 * (FORCE_FLUSH) are all there at the next open; one written after fails.
 */
TEST_F(memdev, power_cut_keeps_every_acknowledged_record)
{
	__u64 lsn[NR_ACKED + NR_LOOSE], late;
	int i, found = 0, ret;
	struct area a;

	ASSERT_EQ(0, area_open(&a, new_log(self->ctl, "memdev:ut5")));
	for (i = 0; i < NR_ACKED; i++)
		ASSERT_EQ(0, append(a.m, i, CLFS_APPEND_FORCE_FLUSH, &lsn[i]));
	for (; i < NR_ACKED + NR_LOOSE; i++)
		ASSERT_EQ(0, append(a.m, i, 0, &lsn[i]));
	EXPECT_EQ(0, dbg_write(DBG "ut5/power_cut", "1"));
	EXPECT_EQ(1, dbg_stat("ut5", "dead"));
	EXPECT_EQ(0, dbg_stat("ut5", "unflushed"));
	ret = append(a.m, 99, CLFS_APPEND_FORCE_FLUSH, &late);
	EXPECT_EQ(-EIO, ret);
	area_close(&a);
	/* Released, the device has power again. */
	EXPECT_EQ(0, dbg_stat("ut5", "dead"));

	ASSERT_EQ(0, area_open(&a, clfs_log_open(self->ctl, "memdev:ut5", 0)));
	for (i = 0; i < NR_ACKED; i++)
		EXPECT_EQ(0, check_record(a.m, lsn[i], i)) TH_LOG("record %d", i);
	/* Unacknowledged ones may be gone; any that is there is intact. */
	for (; i < NR_ACKED + NR_LOOSE; i++) {
		ret = check_record(a.m, lsn[i], i);
		EXPECT_TRUE(ret == 0 || ret == -ENOENT || ret == -ENODATA)
			TH_LOG("record %d: %d", i, ret);
		found += !ret;
	}
	TH_LOG("%d of %d unacknowledged records survived the cut", found, NR_LOOSE);
	area_close(&a);
}

TEST_F(memdev, a_device_in_use_cannot_be_removed)
{
	int log = new_log(self->ctl, "memdev:ut7");

	ASSERT_LE(0, log);
	EXPECT_EQ(-EBUSY, dbg_write(DBG "remove", "ut7"));
	close(log);
	EXPECT_EQ(0, dbg_write(DBG "remove", "ut7"));
	EXPECT_EQ(-ENOENT, dbg_write(DBG "remove", "ut7"));
	EXPECT_EQ(-ENODATA, clfs_log_open(self->ctl, "memdev:ut7", 0));
}

/*
 * Sequential storage under the crash stage's kind of workload
 * (cut_workload.h): four processes append while the base follows them
 * and the four containers wrap, each zone reset before it is used again;
 * the power goes in the middle. The next open has every acknowledged
 * record from the base on, and the device saw no write that broke a
 * zone's rules.
 */
#define CUT_TARGET	"memdev:uz1,size=32M,zone=1M"

TEST_F(memdev, zoned_power_cut_under_concurrent_appends_loses_no_ack)
{
	struct clfs_stream_info si;
	int bad, checked, err;
	struct cut_acks *acks;
	pid_t pid[CUT_PROCS];
	long long resets;
	char what[128];
	struct area a;
	__u64 base, newest;

	acks = cut_acks_new();
	ASSERT_NE(NULL, acks);
	ASSERT_EQ(0, area_open(&a, new_log(self->ctl, CUT_TARGET)));
	ASSERT_EQ(0, cut_start(CUT_TARGET, acks, pid));
	base = cut_follow(a.m, acks, 3000, 60000, &err);
	EXPECT_EQ(0, err);
	EXPECT_EQ(0, dbg_write(DBG "uz1/power_cut", "1"));
	EXPECT_EQ(0, cut_reap(pid));
	area_close(&a);
	TH_LOG("%d records acknowledged before the cut, base at %#llx",
	       cut_total(acks), (unsigned long long)base);
	resets = dbg_stat("uz1", "zone_resets");
	EXPECT_LE(4, resets) TH_LOG("%lld zone resets: the log did not wrap", resets);
	EXPECT_EQ(0, dbg_stat("uz1", "zone_violations"));

	ASSERT_EQ(0, area_open(&a, clfs_log_open(self->ctl, CUT_TARGET, 0)));
	ASSERT_EQ(0, clfs_stream_query(a.s, &si));
	EXPECT_LE(base, si.base_lsn);
	bad = cut_check(a.m, acks, si.base_lsn, &checked, what, sizeof(what));
	EXPECT_EQ(0, bad) TH_LOG("%d of %d acknowledged records lost; first %s",
				 bad, checked, what);
	EXPECT_LT(0, checked);
	/* And the log goes on after the records it kept, once the base makes room. */
	EXPECT_EQ(0, clfs_advance_base(a.m, cut_newest(acks)));
	ASSERT_EQ(0, append(a.m, 1, CLFS_APPEND_FORCE_FLUSH, &newest));
	EXPECT_LT(si.last_lsn, newest);
	area_close(&a);
	munmap(acks, sizeof(*acks));
}

TEST_HARNESS_MAIN
