// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: logs on zoned block devices, through the "zoned" storage
 * driver (target "zoned:/dev/NAME"). Two devices, one fixture variant each:
 *
 *   nullb  /dev/nullb0, a memory-backed host-managed null_blk device made
 *          through configfs (64 MiB, 4096-byte blocks, 1 MiB zones of
 *          capacity 1 MiB): the module loads with nr_devices=0, since its
 *          module parameters size a device only in whole GiB
 *   zns    the debug guest's ZNS namespace (run-guest.sh -d 64M:4096:zns,
 *          1 MiB zones), found as the host-managed disk that is no nullb;
 *          a guest without one fails these tests: they need it
 *
 * The driver's contract checked here: a container is exactly one zone (its
 * capacity) and lives in zone 2 + its physical slot (zones 0 and 1 hold the
 * two metadata copies), so a log has at most nr_zones - 2 containers; other
 * container sizes are refused (-EINVAL), more containers do not fit
 * (-ENOSPC). Containers are recycled through zone resets over many wraps;
 * truncation, restart areas, growth and shrink work as on a disk. With the
 * log closed, the zones are damaged through the block layer's zone ioctls:
 * a head zone marked full (the next session continues in the next
 * container), an emptied data zone (-EUCLEAN on a read-write open), an
 * emptied metadata zone (the other copy serves) and both emptied (no log).
 * And the null_blk device dies under the crash stage's workload (every
 * sector made bad at an instant, cut_workload.h): no acknowledged record
 * is lost. (A power cut proper cannot be made on either device: both
 * forget their zone state when powered off; see docs/storage-drivers.md.)
 *
 * Records are deterministic (their bytes derive from their index) and are
 * compared byte for byte.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/blkzoned.h>
#include <linux/fs.h>

#include "kselftest_harness.h"
#include "libclfs.h"
#include "ktest_modules.h"
#include "test_util.h"
#include "cut_workload.h"

#define NULLB_NAME	"nullb0"
#define NULLB_CFS	"/sys/kernel/config/nullb"
#define NULLB_DIR	NULLB_CFS "/" NULLB_NAME
#define NULLB_MIB	64
#define ZONED_KO	"clfs_zoned.ko"
#define MD_ZONES	2	/* zones 0 and 1: the metadata copies */
#define MAX_REC		(64 * 1024)
#define BIG_REC		(48 * 1024)	/* fits a default (64 KiB) block */
#define MAX_ZONES	1024
#define TIMEOUT		600

FIXTURE(zoned) {
	int ctl;
	char dev[64];		/* /dev/NAME */
	char target[96];	/* zoned:/dev/NAME */
	unsigned int nr_zones;
	__u64 zone_sectors;	/* 512-byte sectors */
	__u64 zone_bytes;	/* its capacity: the container size */
	int nullb;		/* this test made NULLB_DIR */
	int driver_loaded;	/* this test loaded ZONED_KO */
};

FIXTURE_VARIANT(zoned) {
	int nullb;
};

FIXTURE_VARIANT_ADD(zoned, nullb) { .nullb = 1 };
FIXTURE_VARIANT_ADD(zoned, zns) { .nullb = 0 };

/* ---- files, null_blk and the zoned disk ---------------------------------- */

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* The first line of @path, without its newline: 0 or -errno. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Removes a null_blk device and module a test left behind. */
static void nullb_remove(void)
{
	if (access(NULLB_DIR, F_OK) == 0) {
		write_file(NULLB_DIR "/power", "0");
		rmdir(NULLB_DIR);
	}
	if (access("/sys/module/null_blk", F_OK) == 0)
		unload("null_blk");
}

/*
 * /dev/NULLB_NAME as the header comment describes: 0, or a negative errno
 * with @what set to the step that failed.
 */
static int nullb_make(const char **what)
{
	static const char *const attrs[][2] = {
		{ "size", "64" }, { "blocksize", "4096" },
		{ "memory_backed", "1" }, { "zoned", "1" },
		{ "zone_size", "1" }, { "zone_capacity", "1" },
		{ "power", "1" },
	};
	char path[128], zoned[32];
	unsigned int i;
	int ret;

	*what = "load null_blk.ko nr_devices=0";
	ret = load("null_blk.ko", "nr_devices=0");
	if (ret)
		return ret;
	*what = "mount configfs";
	if (access(NULLB_CFS, F_OK) &&
	    mount("configfs", "/sys/kernel/config", "configfs", 0, NULL) &&
	    errno != EBUSY)
		return -errno;
	*what = "mkdir " NULLB_DIR;
	if (mkdir(NULLB_DIR, 0755))
		return -errno;
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		*what = attrs[i][0];
		snprintf(path, sizeof(path), NULLB_DIR "/%s", attrs[i][0]);
		ret = write_file(path, attrs[i][1]);
		if (ret)
			return ret;
	}
	*what = "/dev/" NULLB_NAME " to appear";
	for (i = 0; i < 250 && access("/dev/" NULLB_NAME, F_OK); i++)
		msleep(20);
	if (access("/dev/" NULLB_NAME, F_OK))
		return -ENODEV;
	*what = "a host-managed " NULLB_NAME;
	ret = read_line("/sys/block/" NULLB_NAME "/queue/zoned", zoned,
			sizeof(zoned));
	if (ret)
		return ret;
	return strcmp(zoned, "host-managed") ? -EMEDIUMTYPE : 0;
}

/* The first host-managed disk that is not a null_blk one, into @name. */
static int find_zns(char *name, size_t len)
{
	char path[300], zoned[32];
	struct dirent *d;
	DIR *dir = opendir("/sys/block");
	int ret = -ENODEV;

	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || !strncmp(d->d_name, "nullb", 5) ||
		    strlen(d->d_name) >= len)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/queue/zoned",
			 d->d_name);
		if (read_line(path, zoned, sizeof(zoned)) ||
		    strcmp(zoned, "host-managed"))
			continue;
		memcpy(name, d->d_name, strlen(d->d_name) + 1);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

/* ---- zones -------------------------------------------------------------- */

struct zone {
	__u64 start, len, wp, cap;	/* 512-byte sectors */
	__u8 cond;
};

/* Zone @idx of @dev: 0 or -errno. */
static int zone_get(const char *dev, __u64 zone_sectors, unsigned int idx,
		    struct zone *z)
{
	struct {
		struct blk_zone_report r;
		struct blk_zone z[1];
	} rep;
	int fd = open(dev, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	memset(&rep, 0, sizeof(rep));
	rep.r.sector = idx * zone_sectors;
	rep.r.nr_zones = 1;
	if (ioctl(fd, BLKREPORTZONE, &rep))
		ret = -errno;
	else if (rep.r.nr_zones != 1 || rep.z[0].start != idx * zone_sectors)
		ret = -EIO;
	close(fd);
	if (ret)
		return ret;
	z->start = rep.z[0].start;
	z->len = rep.z[0].len;
	z->wp = rep.z[0].wp;
	z->cap = (rep.r.flags & BLK_ZONE_REP_CAPACITY) ? rep.z[0].capacity :
							 rep.z[0].len;
	z->cond = rep.z[0].cond;
	return 0;
}

/* Sectors written in zone @idx (0 empty, the capacity when full), or -errno. */
static long long zone_written(const char *dev, __u64 zone_sectors,
			      unsigned int idx)
{
	struct zone z;
	int ret = zone_get(dev, zone_sectors, idx, &z);

	if (ret)
		return ret;
	if (z.cond == BLK_ZONE_COND_FULL)
		return z.cap;
	if (z.cond == BLK_ZONE_COND_EMPTY)
		return 0;
	return z.wp - z.start;
}

/* BLKRESETZONE or BLKFINISHZONE on zone @idx of @dev: 0 or -errno. */
static int zone_op(const char *dev, __u64 zone_sectors, unsigned long op,
		   unsigned int idx)
{
	struct blk_zone_range r = {
		.sector = idx * zone_sectors, .nr_sectors = zone_sectors,
	};
	int fd = open(dev, O_RDWR | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, op, &r))
		ret = -errno;
	close(fd);
	return ret;
}

/* ---- the fixture -------------------------------------------------------- */

/*
 * The zone geometry of self->dev, checked against what the guests set up:
 * 0, or a negative errno with @what saying what is wrong.
 */
static int geometry(struct _test_data_zoned *self, const char **what)
{
	__u32 nr = 0, zsz = 0;
	struct zone z;
	int fd, ret;

	*what = "open";
	fd = open(self->dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*what = "BLKGETNRZONES, BLKGETZONESZ";
	ret = ioctl(fd, BLKGETNRZONES, &nr) || ioctl(fd, BLKGETZONESZ, &zsz) ?
	      -errno : 0;
	close(fd);
	if (ret)
		return ret;
	self->nr_zones = nr;
	self->zone_sectors = zsz;
	*what = "16 to 1024 zones";
	if (nr < 16 || nr > MAX_ZONES)
		return -EINVAL;
	*what = "BLKREPORTZONE";
	ret = zone_get(self->dev, zsz, MD_ZONES, &z);
	if (ret)
		return ret;
	self->zone_bytes = z.cap * 512;
	/* The guests' devices use their 1 MiB zones whole. */
	*what = "zones of 1 MiB, all of it usable";
	if (z.cap != z.len || self->zone_bytes != 1 << 20)
		return -EINVAL;
	return 0;
}

FIXTURE_SETUP(zoned)
{
	const char *what = "";
	char name[32];
	int ret;

	self->ctl = -1;
	if (variant->nullb) {
		nullb_remove();
		ret = nullb_make(&what);
		if (ret)
			nullb_remove();
		ASSERT_EQ(0, ret) TH_LOG("null_blk: %s: %s", what, strerror(-ret));
		self->nullb = 1;
		snprintf(name, sizeof(name), "%s", NULLB_NAME);
	} else {
		ret = find_zns(name, sizeof(name));
		ASSERT_EQ(0, ret) TH_LOG("no host-managed zoned disk besides null_blk: this guest needs a ZNS namespace (run-guest.sh -d 64M:4096:zns)");
	}
	snprintf(self->dev, sizeof(self->dev), "/dev/%s", name);
	snprintf(self->target, sizeof(self->target), "zoned:%s", self->dev);
	ret = geometry(self, &what);
	if (ret && self->nullb)
		nullb_remove();
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s (%u zones of %llu sectors)", self->dev,
				 what, strerror(-ret), self->nr_zones,
				 (unsigned long long)self->zone_sectors);

	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	/* A separate driver module, if the build makes one. */
	ret = self->ctl < 0 ? -errno : 0;
	what = "open /dev/" CLFS_MISC_NAME;
	if (!ret && access(MODDIR "/" ZONED_KO, F_OK) == 0) {
		what = "load " ZONED_KO;
		ret = load(ZONED_KO, "");
		self->driver_loaded = !ret;
		if (ret == -EEXIST)
			ret = 0;
	}
	if (ret) {
		close_fd(&self->ctl);
		if (self->nullb)
			nullb_remove();
	}
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	TH_LOG("%s: %u zones of %llu KiB", self->dev, self->nr_zones,
	       (unsigned long long)self->zone_bytes >> 10);
}

FIXTURE_TEARDOWN(zoned)
{
	close_fd(&self->ctl);
	if (self->nullb)
		nullb_remove();
	if (self->driver_loaded)
		unload("clfs_zoned");
}

/* ---- logs and records --------------------------------------------------- */

struct zlog {
	int log, s, m;
};

static int zl_create(struct _test_data_zoned *self, __u64 cbytes, __u32 nr)
{
	struct clfs_log_params p = { .container_bytes = cbytes, .nr_containers = nr };

	return clfs_log_create(self->ctl, self->target, &p);
}

/* Opens the log (@flags), stream 0 and an area into @z: 0 or -errno. */
static int zl_open(struct _test_data_zoned *self, struct zlog *z, unsigned int flags)
{
	z->s = z->m = -1;
	z->log = clfs_log_open(self->ctl, self->target, flags);
	if (z->log < 0)
		return z->log;
	z->s = clfs_stream_open(z->log, 0);
	if (z->s < 0)
		return z->s;
	z->m = clfs_marshal_create(z->s, 0, 0, 0);
	return z->m < 0 ? z->m : 0;
}

static void zl_close(struct zlog *z)
{
	close_fd(&z->m);
	close_fd(&z->s);
	close_fd(&z->log);
}

static unsigned char wbuf[MAX_REC], rbuf[MAX_REC], want[MAX_REC];

/* Record @i's bytes: xorshift32 seeded with the index. */
static void payload(unsigned char *buf, size_t len, unsigned int i)
{
	uint32_t x = i * 2654435761u + 0x9e3779b9u;
	size_t j;

	for (j = 0; j < len; j++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[j] = x >> 24;
	}
	if (len >= 4)
		memcpy(buf, &i, 4);
}

static int append_rec(int m, unsigned int i, size_t len, __u32 flags, __u64 *lsn)
{
	struct iovec iov = { wbuf, len };

	payload(wbuf, len, i);
	return clfs_append(m, &iov, 1, CLFS_RECORD_DATA, flags, CLFS_LSN_NULL,
			   CLFS_LSN_NULL, lsn);
}

/*
 * 0 if record @i (@len bytes) is at @lsn byte for byte; -EILSEQ if other
 * bytes are there; else the read's -errno.
 */
static int check_rec(int m, __u64 lsn, unsigned int i, size_t len)
{
	struct clfs_ioc_record rec;
	int ctx;

	clfs_record_init(&rec, rbuf, sizeof(rbuf));
	ctx = clfs_read_record(m, lsn, CLFS_READ_FORWARD, CLFS_FILTER_ALL, &rec);
	if (ctx < 0)
		return ctx;
	close(ctx);
	payload(want, len, i);
	if (rec.lsn != lsn || rec.type != CLFS_RECORD_DATA ||
	    rec.data_bytes != len || memcmp(rbuf, want, len))
		return -EILSEQ;
	return 0;
}

/* Sizes of the records of the tests that need no particular one. */
static size_t small_len(unsigned int i)
{
	return 200 + (i * 613) % 7000;
}

/*
 * Records @*i up to @to into @lsn, as append_rec() with @len bytes each
 * (0: small_len()); stops at the first failure, @*i naming it.
 */
static int append_run(int m, unsigned int *i, unsigned int to, size_t len,
		      __u32 flags, __u64 *lsn)
{
	int ret = 0;

	for (; *i < to && !ret; ++*i)
		ret = append_rec(m, *i, len ?: small_len(*i), flags, &lsn[*i]);
	if (ret)
		--*i;
	return ret;
}

/* The device offset of logical container @cid, or -errno. */
static long long container_offset(int log, __u32 cid)
{
	struct clfs_container_info info[64];
	__u32 first = 0;
	int n, k;

	do {
		n = clfs_container_scan(log, first, info, ARRAY_SIZE(info));
		if (n < 0)
			return n;
		for (k = 0; k < n; k++)
			if (info[k].state == CLFS_CONTAINER_ACTIVE &&
			    info[k].logical_id == cid)
				return info[k].device_offset;
		if (n)
			first = info[n - 1].physical_id + 1;
	} while (n == (int)ARRAY_SIZE(info));
	return -ENOENT;
}

/* The zone holding the records of logical container @cid, or -errno. */
static int container_zone(struct _test_data_zoned *self, int log, __u32 cid)
{
	long long off = container_offset(log, cid);

	if (off < 0)
		return off;
	return off / self->zone_bytes;
}

/* Every container lives in zone MD_ZONES + its physical slot, one each. */
static void check_layout(struct __test_metadata *_metadata,
			 struct _test_data_zoned *self, int log)
{
	struct clfs_container_info info[64];
	__u32 first = 0, seen = 0;
	struct clfs_log_info li;
	int n, k;

	ASSERT_EQ(0, clfs_log_query(log, &li));
	do {
		n = clfs_container_scan(log, first, info, ARRAY_SIZE(info));
		ASSERT_LE(0, n);
		for (k = 0; k < n; k++) {
			EXPECT_EQ((MD_ZONES + (__u64)info[k].physical_id) * self->zone_bytes,
				  info[k].device_offset)
				TH_LOG("container slot %u", info[k].physical_id);
			EXPECT_GT(self->nr_zones - MD_ZONES, info[k].physical_id);
		}
		seen += n;
		if (n)
			first = info[n - 1].physical_id + 1;
	} while (n == (int)ARRAY_SIZE(info));
	EXPECT_EQ(li.nr_containers, seen);
}

/* ---- tests -------------------------------------------------------------- */

#define NR_BASIC	300

TEST_F_TIMEOUT(zoned, records_survive_reopen, TIMEOUT)
{
	static __u64 lsn[NR_BASIC];
	struct clfs_log_info li;
	struct zlog z;
	unsigned int i;

	ASSERT_EQ(0, zl_create(self, self->zone_bytes, 8));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	i = 0;
	ASSERT_EQ(0, append_run(z.m, &i, NR_BASIC, 0, CLFS_APPEND_FORCE_FLUSH, lsn))
		TH_LOG("record %u", i);
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	EXPECT_EQ(self->zone_bytes, li.container_bytes);
	EXPECT_EQ(4096, li.sector_bytes);
	EXPECT_EQ(self->nr_zones - MD_ZONES, li.nr_slots);
	EXPECT_EQ(8, li.nr_containers);
	/* The records took more than one container. */
	EXPECT_LT(clfs_lsn_container(lsn[0]), clfs_lsn_container(lsn[NR_BASIC - 1]));
	check_layout(_metadata, self, z.log);
	for (i = 0; i < NR_BASIC; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, small_len(i))) TH_LOG("record %u before close", i);
	zl_close(&z);

	ASSERT_EQ(0, zl_open(self, &z, 0));
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	EXPECT_EQ(self->zone_bytes, li.container_bytes);
	EXPECT_EQ(self->nr_zones - MD_ZONES, li.nr_slots);
	for (i = 0; i < NR_BASIC; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, small_len(i))) TH_LOG("record %u", i);
	zl_close(&z);

	/* A read-only open sees them too. */
	ASSERT_EQ(0, zl_open(self, &z, CLFS_OPEN_READ_ONLY));
	for (i = 0; i < NR_BASIC; i += 7)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, small_len(i))) TH_LOG("record %u read-only", i);
	zl_close(&z);
}

TEST_F_TIMEOUT(zoned, geometry_is_the_zones, TIMEOUT)
{
	unsigned int max = self->nr_zones - MD_ZONES;
	struct clfs_log_info li;
	struct zlog z;

	EXPECT_EQ(-EINVAL, zl_create(self, self->zone_bytes / 2, 4));
	EXPECT_EQ(-EINVAL, zl_create(self, self->zone_bytes * 2, 4));
	EXPECT_EQ(-EINVAL, zl_create(self, self->zone_bytes - 4096, 4));
	EXPECT_EQ(-EINVAL, zl_create(self, 64 * 1024, 4));
	EXPECT_EQ(-ENOSPC, zl_create(self, self->zone_bytes, max + 1));
	EXPECT_EQ(-ENOSPC, zl_create(self, self->zone_bytes, self->nr_zones));
	/* Exactly every data zone. */
	ASSERT_EQ(0, zl_create(self, self->zone_bytes, max));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	EXPECT_EQ(max, li.nr_slots);
	EXPECT_EQ(max, li.nr_containers);
	check_layout(_metadata, self, z.log);
	EXPECT_EQ(-ENOSPC, clfs_container_add(z.log, 1));
	ASSERT_EQ(0, append_rec(z.m, 1, 100, CLFS_APPEND_FORCE_FLUSH, NULL));
	zl_close(&z);
}

/*
 * Four zones carry more than twenty zones' worth of records: the stream's
 * base follows the appends, and each container comes round again (its
 * zone reset before it is rewritten).
 */
#define RING	32

static size_t wrap_len(unsigned int i)
{
	return 3000 + (i % 7) * 100;
}

TEST_F_TIMEOUT(zoned, containers_recycle_over_many_wraps, TIMEOUT)
{
	__u64 ring[RING], first = 0, last = 0, base = 0, total = 0;
	unsigned int i, base_i = 0, nr;
	struct clfs_stream_info si;
	struct clfs_log_info li;
	struct zlog z;
	int ret;

	ASSERT_EQ(0, zl_create(self, self->zone_bytes, 4));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	for (i = 0; total < 20 * self->zone_bytes + self->zone_bytes / 2; i++) {
		ret = append_rec(z.m, i, wrap_len(i), 0, &ring[i % RING]);
		ASSERT_EQ(0, ret) TH_LOG("record %u, %llu bytes in: %s", i,
					 (unsigned long long)total, strerror(-ret));
		if (!i)
			first = ring[0];
		last = ring[i % RING];
		total += wrap_len(i);
		if (i % RING == RING - 1) {
			ret = clfs_advance_base(z.m, last);
			ASSERT_EQ(0, ret) TH_LOG("advance base to record %u: %s", i, strerror(-ret));
			base = last;
			base_i = i;
		}
	}
	nr = i;
	ASSERT_EQ(0, clfs_flush(z.m, CLFS_LSN_NULL, NULL));
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	TH_LOG("%u records, %llu bytes; LSN containers %u..%u", nr,
	       (unsigned long long)total, clfs_lsn_container(first),
	       clfs_lsn_container(last));
	EXPECT_LE(20, clfs_lsn_container(last) - clfs_lsn_container(first));
	EXPECT_EQ(4, li.nr_containers);
	check_layout(_metadata, self, z.log);
	zl_close(&z);

	ASSERT_EQ(0, zl_open(self, &z, 0));
	ASSERT_EQ(0, clfs_stream_query(z.s, &si));
	EXPECT_EQ(base, si.base_lsn);
	EXPECT_EQ(last, si.last_lsn);
	/* From the base on, everything; before it, nothing. */
	for (i = base_i; i < nr; i++)
		EXPECT_EQ(0, check_rec(z.m, ring[i % RING], i, wrap_len(i))) TH_LOG("record %u", i);
	EXPECT_EQ(-ERANGE, check_rec(z.m, first, 0, wrap_len(0)));
	/* And the log goes on. */
	ASSERT_EQ(0, append_rec(z.m, nr, wrap_len(nr), CLFS_APPEND_FORCE_FLUSH, &ring[0]));
	EXPECT_LT(last, ring[0]);
	zl_close(&z);
	ASSERT_EQ(0, zl_open(self, &z, 0));
	EXPECT_EQ(0, check_rec(z.m, ring[0], nr, wrap_len(nr)));
	EXPECT_EQ(0, check_rec(z.m, base, base_i, wrap_len(base_i)));
	zl_close(&z);
}

/*
 * The same with one block in flight at a time: each record flushed before
 * the next, so every container's blocks reach the driver in order.
 */
#define NR_SERIAL	(8 * 21)	/* 8 MiB: two wraps of four zones */

TEST_F_TIMEOUT(zoned, containers_recycle_one_block_at_a_time, TIMEOUT)
{
	static __u64 lsn[NR_SERIAL + 1];
	unsigned int i, base_i = 0;
	struct zlog z;
	int ret;

	ASSERT_EQ(0, zl_create(self, self->zone_bytes, 4));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	for (i = 0; i < NR_SERIAL; i++) {
		ret = append_rec(z.m, i, BIG_REC, CLFS_APPEND_FORCE_FLUSH, &lsn[i]);
		ASSERT_EQ(0, ret) TH_LOG("record %u: %s", i, strerror(-ret));
		if (i % 4 == 3 && i + 1 < NR_SERIAL) {
			ret = clfs_advance_base(z.m, lsn[i]);
			ASSERT_EQ(0, ret) TH_LOG("advance base to record %u: %s", i, strerror(-ret));
			base_i = i;
		}
	}
	EXPECT_LE(7, clfs_lsn_container(lsn[NR_SERIAL - 1]) - clfs_lsn_container(lsn[0]));
	zl_close(&z);
	ASSERT_EQ(0, zl_open(self, &z, 0));
	/* From the last base on, everything; the record before it is gone. */
	for (i = base_i; i < NR_SERIAL; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u", i);
	EXPECT_EQ(-ERANGE, check_rec(z.m, lsn[base_i - 1], base_i - 1, BIG_REC));
	ASSERT_EQ(0, append_rec(z.m, i, BIG_REC, CLFS_APPEND_FORCE_FLUSH, &lsn[i]));
	zl_close(&z);
	ASSERT_EQ(0, zl_open(self, &z, 0));
	EXPECT_EQ(0, check_rec(z.m, lsn[NR_SERIAL], NR_SERIAL, BIG_REC));
	zl_close(&z);
}

/*
 * 0 if the newest restart area of @m is @newest at @lsn and the one before
 * it @older at @olsn; else -errno or -EILSEQ.
 */
static int check_restarts(int m, __u64 lsn, const char *newest, __u64 olsn,
			  const char *older)
{
	struct clfs_ioc_record rec;
	int ctx, ret = 0;

	clfs_record_init(&rec, rbuf, sizeof(rbuf));
	ctx = clfs_restart_read(m, &rec);
	if (ctx < 0)
		return ctx;
	if (rec.lsn != lsn || rec.type != CLFS_RECORD_RESTART ||
	    rec.data_bytes != strlen(newest) || memcmp(rbuf, newest, strlen(newest)))
		ret = -EILSEQ;
	if (!ret)
		ret = clfs_read_next(ctx, &rec);
	if (!ret && (rec.lsn != olsn || rec.data_bytes != strlen(older) ||
		     memcmp(rbuf, older, strlen(older))))
		ret = -EILSEQ;
	close(ctx);
	return ret;
}

#define NR_TRUNC	40
#define TRUNC_END	15	/* the record truncation keeps last */

TEST_F_TIMEOUT(zoned, truncation_and_restart_areas, TIMEOUT)
{
	static const char r1[] = "restart area one", r2[] = "restart area two";
	__u64 lsn[NR_TRUNC], rl1, rl2;
	struct clfs_stream_info si;
	struct zlog z;
	unsigned int i;
	int ret;

	ASSERT_EQ(0, zl_create(self, self->zone_bytes, 8));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	i = 0;
	ASSERT_EQ(0, append_run(z.m, &i, 10, BIG_REC, CLFS_APPEND_FORCE_FLUSH, lsn))
		TH_LOG("record %u", i);
	ASSERT_EQ(0, clfs_restart_write(z.m, r1, strlen(r1), lsn[3], 0, &rl1));
	ASSERT_EQ(0, append_run(z.m, &i, 30, BIG_REC, CLFS_APPEND_FORCE_FLUSH, lsn))
		TH_LOG("record %u", i);
	/* The records cut off spread over two containers. */
	EXPECT_LT(clfs_lsn_container(lsn[TRUNC_END]), clfs_lsn_container(lsn[29]));
	ret = clfs_set_end_of_log(z.m, lsn[TRUNC_END]);
	ASSERT_EQ(0, ret) TH_LOG("set end of log: %s", strerror(-ret));
	EXPECT_EQ(-ENOENT, check_rec(z.m, lsn[TRUNC_END + 1], TRUNC_END + 1, BIG_REC));
	/* New records come after everything ever written. */
	ASSERT_EQ(0, append_run(z.m, &i, NR_TRUNC, BIG_REC, CLFS_APPEND_FORCE_FLUSH, lsn))
		TH_LOG("record %u", i);
	EXPECT_LT(lsn[29], lsn[30]);
	ASSERT_EQ(0, clfs_restart_write(z.m, r2, strlen(r2), lsn[5], 0, &rl2));
	EXPECT_EQ(0, check_restarts(z.m, rl2, r2, rl1, r1));
	zl_close(&z);

	ASSERT_EQ(0, zl_open(self, &z, 0));
	ASSERT_EQ(0, clfs_stream_query(z.s, &si));
	EXPECT_EQ(lsn[5], si.base_lsn);
	EXPECT_EQ(rl2, si.restart_lsn);
	EXPECT_EQ(rl2, si.last_lsn);
	EXPECT_EQ(0, check_restarts(z.m, rl2, r2, rl1, r1));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(-ERANGE, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u", i);
	for (; i <= TRUNC_END; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u", i);
	for (; i < 30; i++)
		EXPECT_EQ(-ENOENT, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u", i);
	for (; i < NR_TRUNC; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u", i);
	/* Appends go on after the reopen, behind the restart area. */
	ASSERT_EQ(0, append_rec(z.m, NR_TRUNC, BIG_REC, CLFS_APPEND_FORCE_FLUSH, &lsn[0]));
	EXPECT_LT(rl2, lsn[0]);
	zl_close(&z);
	ASSERT_EQ(0, zl_open(self, &z, 0));
	EXPECT_EQ(0, check_rec(z.m, lsn[0], NR_TRUNC, BIG_REC));
	EXPECT_EQ(0, check_rec(z.m, lsn[TRUNC_END], TRUNC_END, BIG_REC));
	zl_close(&z);
}

/* Free containers' physical ids, highest first, up to @max: how many. */
static int free_slots(int log, __u32 *ids, int max)
{
	struct clfs_container_info info[MAX_ZONES];
	int n, k, got = 0;

	n = clfs_container_scan(log, 0, info, ARRAY_SIZE(info));
	if (n < 0)
		return n;
	for (k = n; k-- > 0 && got < max;)
		if (info[k].state == CLFS_CONTAINER_FREE)
			ids[got++] = info[k].physical_id;
	return got;
}

#define NR_GROW		1800	/* about 6.5 MiB of small records */

TEST_F_TIMEOUT(zoned, grow_to_every_zone_and_shrink, TIMEOUT)
{
	unsigned int max = self->nr_zones - MD_ZONES, i;
	static __u64 lsn[NR_GROW];
	struct clfs_log_info li;
	__u32 ids[10];
	struct zlog z;

	ASSERT_EQ(0, zl_create(self, self->zone_bytes, 4));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	i = 0;
	ASSERT_EQ(0, append_run(z.m, &i, 20, 0, 0, lsn))
		TH_LOG("record %u", i);
	ASSERT_EQ(0, clfs_container_add(z.log, max - 4 - 2));
	ASSERT_EQ(0, clfs_container_add(z.log, 2));
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	EXPECT_EQ(max, li.nr_containers);
	EXPECT_EQ(-ENOSPC, clfs_container_add(z.log, 1));
	check_layout(_metadata, self, z.log);

	/* The ten highest slots go; then two come back (the lowest unused). */
	ASSERT_EQ(10, free_slots(z.log, ids, 10));
	EXPECT_EQ(max - 1, ids[0]);
	ASSERT_EQ(0, clfs_container_remove(z.log, ids, 10));
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	EXPECT_EQ(max - 10, li.nr_containers);
	ASSERT_EQ(0, clfs_container_add(z.log, 2));
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	EXPECT_EQ(max - 8, li.nr_containers);
	check_layout(_metadata, self, z.log);
	zl_close(&z);

	/* The resized log is used, over several containers, and reopened. */
	ASSERT_EQ(0, zl_open(self, &z, 0));
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	EXPECT_EQ(max - 8, li.nr_containers);
	i = 20;
	ASSERT_EQ(0, append_run(z.m, &i, NR_GROW, 0, 0, lsn))
		TH_LOG("record %u", i);
	ASSERT_EQ(0, clfs_flush(z.m, CLFS_LSN_NULL, NULL));
	EXPECT_LE(5, clfs_lsn_container(lsn[NR_GROW - 1]) - clfs_lsn_container(lsn[0]));
	/* Shrink again while records are in use: free ones only. */
	ASSERT_EQ(5, free_slots(z.log, ids, 5));
	ASSERT_EQ(0, clfs_container_remove(z.log, ids, 5));
	check_layout(_metadata, self, z.log);
	zl_close(&z);

	ASSERT_EQ(0, zl_open(self, &z, 0));
	ASSERT_EQ(0, clfs_log_query(z.log, &li));
	EXPECT_EQ(max - 13, li.nr_containers);
	for (i = 0; i < NR_GROW; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, small_len(i))) TH_LOG("record %u", i);
	zl_close(&z);
}

/* ---- damaged zones ------------------------------------------------------ */

/* A log of @nr_cont containers with @n BIG_REC records, each flushed, in @lsn; closed. */
static void fill_big(struct __test_metadata *_metadata,
		     struct _test_data_zoned *self, __u32 nr_cont, unsigned int n,
		     __u64 *lsn)
{
	struct zlog z;
	unsigned int i;

	ASSERT_EQ(0, zl_create(self, self->zone_bytes, nr_cont));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	i = 0;
	ASSERT_EQ(0, append_run(z.m, &i, n, BIG_REC, CLFS_APPEND_FORCE_FLUSH, lsn))
		TH_LOG("record %u", i);
	zl_close(&z);
}

/* The zones of the logical containers of @lsn[@idx[k]], k < @n. */
static void zones_of(struct __test_metadata *_metadata,
		     struct _test_data_zoned *self, const __u64 *lsn,
		     const unsigned int *idx, int *zones, int n)
{
	struct zlog z;
	int k;

	ASSERT_EQ(0, zl_open(self, &z, CLFS_OPEN_READ_ONLY));
	for (k = 0; k < n; k++) {
		zones[k] = container_zone(self, z.log, clfs_lsn_container(lsn[idx[k]]));
		EXPECT_LE(MD_ZONES, zones[k]) TH_LOG("record %u: %d", idx[k], zones[k]);
	}
	zl_close(&z);
}

#define NR_HEAD		30	/* 1.5 MiB: the head is in the second container */

TEST_F_TIMEOUT(zoned, full_head_zone_continues_in_the_next, TIMEOUT)
{
	__u64 lsn[NR_HEAD + 20], more[10];
	unsigned int last = NR_HEAD - 1, i;
	long long before, after;
	struct zlog z;
	int zone, ret;

	fill_big(_metadata, self, 4, NR_HEAD, lsn);
	zones_of(_metadata, self, lsn, &last, &zone, 1);
	ASSERT_LE(MD_ZONES, zone);
	before = zone_written(self->dev, self->zone_sectors, zone);
	TH_LOG("head: zone %d, %lld of %llu sectors written", zone, before,
	       (unsigned long long)self->zone_sectors);
	EXPECT_LT(0, before);
	EXPECT_GT((long long)self->zone_sectors, before);
	ASSERT_EQ(0, zone_op(self->dev, self->zone_sectors, BLKFINISHZONE, zone));
	after = zone_written(self->dev, self->zone_sectors, zone);
	ASSERT_EQ((long long)self->zone_sectors, after);

	ret = zl_open(self, &z, 0);
	ASSERT_EQ(0, ret) TH_LOG("open after the head zone was finished: %s", strerror(-ret));
	for (i = 0; i < NR_HEAD; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u", i);
	for (i = 0; i < 10; i++) {
		ret = append_rec(z.m, NR_HEAD + i, BIG_REC, CLFS_APPEND_FORCE_FLUSH, &more[i]);
		ASSERT_EQ(0, ret) TH_LOG("append %u after the reopen: %s", i, strerror(-ret));
	}
	EXPECT_LT(clfs_lsn_container(lsn[last]), clfs_lsn_container(more[0]));
	zl_close(&z);

	ASSERT_EQ(0, zl_open(self, &z, 0));
	for (i = 0; i < NR_HEAD; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u", i);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(0, check_rec(z.m, more[i], NR_HEAD + i, BIG_REC)) TH_LOG("new record %u", i);
	zl_close(&z);
}

/*
 * A zone holding acknowledged records emptied: the read-write open must
 * refuse (-EUCLEAN) rather than carry on without them; a read-only open,
 * if allowed, never returns other bytes than a record's.
 */
#define NR_DATA		60	/* over three containers */

static void reset_data_zone(struct __test_metadata *_metadata,
			    struct _test_data_zoned *self, int which)
{
	unsigned int idx[3] = { 0, NR_DATA / 2, NR_DATA - 1 }, i;
	int zones[3], ret, victim, bad = 0;
	__u64 lsn[NR_DATA];
	struct zlog z;

	fill_big(_metadata, self, 8, NR_DATA, lsn);
	/* A session that finds them all: they lie below its epoch's start. */
	ASSERT_EQ(0, zl_open(self, &z, 0));
	zl_close(&z);
	zones_of(_metadata, self, lsn, idx, zones, 3);
	ASSERT_NE(zones[0], zones[1]);
	ASSERT_NE(zones[1], zones[2]);
	victim = zones[which];
	TH_LOG("resetting zone %d (record %u's), %lld sectors written", victim,
	       idx[which], zone_written(self->dev, self->zone_sectors, victim));
	ASSERT_EQ(0, zone_op(self->dev, self->zone_sectors, BLKRESETZONE, victim));
	ASSERT_EQ(0, zone_written(self->dev, self->zone_sectors, victim));

	ret = zl_open(self, &z, 0);
	zl_close(&z);
	EXPECT_EQ(-EUCLEAN, ret) TH_LOG("read-write open: %d (%s)", ret, strerror(-ret));
	ret = zl_open(self, &z, CLFS_OPEN_READ_ONLY);
	TH_LOG("read-only open: %d", ret);
	if (!ret) {
		for (i = 0; i < NR_DATA; i++) {
			ret = check_rec(z.m, lsn[i], i, BIG_REC);
			EXPECT_NE(-EILSEQ, ret) TH_LOG("record %u: wrong bytes", i);
			bad += !!ret;
		}
		TH_LOG("read-only: %d of %d records unreadable", bad, NR_DATA);
		EXPECT_LT(0, bad);
	}
	zl_close(&z);
	/* The device is still good for a new log. */
	ASSERT_EQ(0, zl_create(self, self->zone_bytes, 4));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	ASSERT_EQ(0, append_rec(z.m, 7, BIG_REC, CLFS_APPEND_FORCE_FLUSH, &lsn[0]));
	zl_close(&z);
	ASSERT_EQ(0, zl_open(self, &z, 0));
	EXPECT_EQ(0, check_rec(z.m, lsn[0], 7, BIG_REC));
	zl_close(&z);
}

TEST_F_TIMEOUT(zoned, emptied_oldest_data_zone_refuses_rw_open, TIMEOUT)
{
	reset_data_zone(_metadata, self, 0);
}

TEST_F_TIMEOUT(zoned, emptied_middle_data_zone_refuses_rw_open, TIMEOUT)
{
	reset_data_zone(_metadata, self, 1);
}

TEST_F_TIMEOUT(zoned, emptied_head_data_zone_refuses_rw_open, TIMEOUT)
{
	reset_data_zone(_metadata, self, 2);
}

/* One metadata zone emptied: the other copy opens the log, which goes on. */
#define NR_MD		20

static void reset_md_zone(struct __test_metadata *_metadata,
			  struct _test_data_zoned *self, unsigned int victim)
{
	__u64 lsn[NR_MD + 5];
	struct zlog z;
	unsigned int i;
	int ret;

	fill_big(_metadata, self, 4, NR_MD, lsn);
	/* Both copies were written (the create writes both). */
	EXPECT_LT(0, zone_written(self->dev, self->zone_sectors, 0));
	EXPECT_LT(0, zone_written(self->dev, self->zone_sectors, 1));
	ASSERT_EQ(0, zone_op(self->dev, self->zone_sectors, BLKRESETZONE, victim));
	ASSERT_EQ(0, zone_written(self->dev, self->zone_sectors, victim));

	ret = zl_open(self, &z, 0);
	ASSERT_EQ(0, ret) TH_LOG("open with metadata zone %u empty: %s", victim, strerror(-ret));
	for (i = 0; i < NR_MD; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u", i);
	ASSERT_EQ(0, append_run(z.m, &i, NR_MD + 5, BIG_REC, CLFS_APPEND_FORCE_FLUSH, lsn))
		TH_LOG("record %u", i);
	zl_close(&z);
	ASSERT_EQ(0, zl_open(self, &z, 0));
	for (i = 0; i < NR_MD + 5; i++)
		EXPECT_EQ(0, check_rec(z.m, lsn[i], i, BIG_REC)) TH_LOG("record %u after a second open", i);
	zl_close(&z);
}

TEST_F_TIMEOUT(zoned, emptied_metadata_zone_0_other_copy_serves, TIMEOUT)
{
	reset_md_zone(_metadata, self, 0);
}

TEST_F_TIMEOUT(zoned, emptied_metadata_zone_1_other_copy_serves, TIMEOUT)
{
	reset_md_zone(_metadata, self, 1);
}

TEST_F_TIMEOUT(zoned, both_metadata_zones_emptied_no_log, TIMEOUT)
{
	__u64 lsn[NR_MD];
	struct zlog z;
	int ret;

	fill_big(_metadata, self, 4, NR_MD, lsn);
	ASSERT_EQ(0, zone_op(self->dev, self->zone_sectors, BLKRESETZONE, 0));
	ASSERT_EQ(0, zone_op(self->dev, self->zone_sectors, BLKRESETZONE, 1));
	ret = zl_open(self, &z, 0);
	zl_close(&z);
	EXPECT_GT(0, ret);
	TH_LOG("read-write open: %d (%s)", ret, strerror(-ret));
	ret = zl_open(self, &z, CLFS_OPEN_READ_ONLY);
	zl_close(&z);
	EXPECT_GT(0, ret);
	TH_LOG("read-only open: %d (%s)", ret, strerror(-ret));
	/* A new log on the same device works. */
	ASSERT_EQ(0, zl_create(self, self->zone_bytes, 4));
	ASSERT_EQ(0, zl_open(self, &z, 0));
	ASSERT_EQ(0, append_rec(z.m, 3, BIG_REC, CLFS_APPEND_FORCE_FLUSH, &lsn[0]));
	zl_close(&z);
	ASSERT_EQ(0, zl_open(self, &z, 0));
	EXPECT_EQ(0, check_rec(z.m, lsn[0], 3, BIG_REC));
	zl_close(&z);
}

/* ---- the device dies under concurrent appends --------------------------- */

/*
 * null_blk writes memory at once (no volatile cache), and its badblocks
 * fail every I/O from the instant they are set, leaving data and write
 * pointers as they are: what a power cut leaves on a device without a
 * volatile cache. Four processes append, the base follows them over the
 * four containers' wraps, the device dies, the log is closed and the
 * device heals; the next open (and the one after) has every acknowledged
 * record from the base on.
 */
#define CUT_NULLB	"zoned:/dev/" NULLB_NAME
/* Every 512-byte sector of the NULLB_MIB device. */
#define CUT_ALL_BAD	"0-131071"
_Static_assert(NULLB_MIB * 2048 == 131072, "CUT_ALL_BAD covers the device");

FIXTURE(nullb_cut) {
	int ctl;
};

FIXTURE_SETUP(nullb_cut)
{
	const char *what = "";
	int ret;

	nullb_remove();
	ret = nullb_make(&what);
	if (ret)
		nullb_remove();
	ASSERT_EQ(0, ret) TH_LOG("null_blk: %s: %s", what, strerror(-ret));
	self->ctl = clfs_open_control(NULL);
	ASSERT_LE(0, self->ctl);
}

FIXTURE_TEARDOWN(nullb_cut)
{
	close_fd(&self->ctl);
	nullb_remove();
}

static int cut_area(int ctl, struct zlog *z)
{
	z->s = z->m = -1;
	z->log = clfs_log_open(ctl, CUT_NULLB, 0);
	z->s = z->log < 0 ? z->log : clfs_stream_open(z->log, 0);
	z->m = z->s < 0 ? z->s : clfs_marshal_create(z->s, 0, 0, 0);
	return z->m < 0 ? z->m : 0;
}

TEST_F_TIMEOUT(nullb_cut, device_dies_under_concurrent_appends_loses_no_ack, TIMEOUT)
{
	struct clfs_log_params p = { .container_bytes = 1 << 20, .nr_containers = 4 };
	int bad, checked, err, round;
	struct clfs_stream_info si;
	struct cut_acks *acks;
	pid_t pid[CUT_PROCS];
	char what[128];
	struct zlog z;
	__u64 base, next;

	acks = cut_acks_new();
	ASSERT_NE(NULL, acks);
	ASSERT_EQ(0, clfs_log_create(self->ctl, CUT_NULLB, &p));
	ASSERT_EQ(0, cut_area(self->ctl, &z));
	ASSERT_EQ(0, cut_start(CUT_NULLB, acks, pid));
	base = cut_follow(z.m, acks, 2000, 60000, &err);
	EXPECT_EQ(0, err);
	EXPECT_EQ(0, write_file(NULLB_DIR "/badblocks", "+" CUT_ALL_BAD));
	EXPECT_EQ(0, cut_reap(pid));
	zl_close(&z);
	EXPECT_EQ(0, write_file(NULLB_DIR "/badblocks", "-" CUT_ALL_BAD));
	TH_LOG("%d records acknowledged before the device died, base at %#llx",
	       cut_total(acks), (unsigned long long)base);
	EXPECT_LT(3, clfs_lsn_container(base)) TH_LOG("the log did not wrap");

	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, cut_area(self->ctl, &z)) TH_LOG("open %d", round);
		ASSERT_EQ(0, clfs_stream_query(z.s, &si));
		EXPECT_LE(base, si.base_lsn);
		bad = cut_check(z.m, acks, si.base_lsn, &checked, what, sizeof(what));
		EXPECT_EQ(0, bad) TH_LOG("open %d: %d of %d acknowledged records lost; first %s",
					 round, bad, checked, what);
		EXPECT_LT(0, checked);
		/* The log goes on after what it kept, once the base makes room. */
		base = cut_newest(acks);
		EXPECT_EQ(0, clfs_advance_base(z.m, base));
		ASSERT_EQ(0, append_rec(z.m, round, 1000, CLFS_APPEND_FORCE_FLUSH, &next))
			TH_LOG("open %d", round);
		EXPECT_LT(si.last_lsn, next);
		zl_close(&z);
	}
	munmap(acks, sizeof(*acks));
}

TEST_HARNESS_MAIN
