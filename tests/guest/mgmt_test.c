// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: log management, ABI 0.4, as include/uapi/linux/clfs.h and
 * docs/management.md specify it: policies (install, query, remove, the
 * conflicts refused and what they leave, privilege, access mode,
 * persistence across close and module reload), CLFS_IOC_SET_SIZE,
 * automatic growth and shrink against the rules of the document, and the
 * management client protocol on a stream descriptor: ADVANCE_TAIL
 * requests read() and poll()ed from it, handle-log-full, tail-advance
 * failures, the pinned state and its end, with a single process and with
 * a consumer process answering lazily while its parent appends.
 *
 * Every test formats its own log of small (64 KiB) containers on the disk
 * (the first of /dev/vda and /dev/nvme0n1 that exists) and closes
 * everything it opened. clfs.ko is reloaded by one test and always left
 * loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/clfs.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "test_caps.h"
#include "ktest_modules.h"

#define CONT_BYTES	(64 * 1024ULL)	/* the smallest container */
#define REC_BYTES	4000
#define MAX_REC		1024
#define EVENT_MS	5000		/* an event that must come */
#define QUIET_MS	300		/* an event that must not come */

/* ---- raw ioctls -------------------------------------------------------- */

static int log_create(int ctl, const char *path, __u32 nr)
{
	struct clfs_ioc_log_create c = {
		.path = PTR(path),
		.params = {
			.container_bytes = CONT_BYTES,
			.nr_containers = nr,
			.flags = CLFS_LOG_MULTIPLEXED,
		},
	};

	return ioctl(ctl, CLFS_IOC_LOG_CREATE, &c);
}

static int marshal_create(int stream)
{
	struct clfs_ioc_marshal m = { 0 };

	return ioctl(stream, CLFS_IOC_MARSHAL_CREATE, &m);
}

static int set_lsn(int fd, unsigned long cmd, __u64 lsn)
{
	struct clfs_ioc_lsn l = { .lsn = lsn };

	return ioctl(fd, cmd, &l);
}

static int policy_install(int log, const struct clfs_policy *p)
{
	return ioctl(log, CLFS_IOC_POLICY_INSTALL, p);
}

static int policy_query(int log, struct clfs_policy *p)
{
	memset(p, 0xff, sizeof(*p));
	return ioctl(log, CLFS_IOC_POLICY_QUERY, p);
}

static int policy_remove(int log, __u32 bits)
{
	struct clfs_policy p = { .installed = bits };

	return ioctl(log, CLFS_IOC_POLICY_REMOVE, &p);
}

static int set_size(int log, __u32 nr, __u32 *result)
{
	struct clfs_ioc_set_size s = { .nr_containers = nr };
	int ret = ioctl(log, CLFS_IOC_SET_SIZE, &s);

	if (result)
		*result = s.result;
	return ret;
}

static int mgmt_query(int log, struct clfs_mgmt_info *mi)
{
	memset(mi, 0xff, sizeof(*mi));
	return ioctl(log, CLFS_IOC_MGMT_QUERY, mi);
}

static int mgmt_register(int stream)
{
	struct clfs_ioc_mgmt r = { 0 };

	return ioctl(stream, CLFS_IOC_MGMT_REGISTER, &r);
}

static int tail_failure(int stream, int status)
{
	struct clfs_ioc_mgmt r = { .status = status };

	return ioctl(stream, CLFS_IOC_MGMT_TAIL_FAILURE, &r);
}

static int stream_query(int stream, struct clfs_stream_info *si)
{
	memset(si, 0xff, sizeof(*si));
	return ioctl(stream, CLFS_IOC_STREAM_QUERY, si);
}

static int log_query(int log, struct clfs_log_info *li)
{
	memset(li, 0xff, sizeof(*li));
	return ioctl(log, CLFS_IOC_LOG_QUERY, li);
}

/* The containers of the log, by physical id; returns how many or -1. */
static int scan(int log, struct clfs_container_info *info, __u32 max)
{
	struct clfs_ioc_container_scan sc = { .info = PTR(info), .max = max };

	if (ioctl(log, CLFS_IOC_CONTAINER_SCAN, &sc))
		return -1;
	return sc.count;
}

/* The oldest active logical container id, or 0 if the scan failed. */
static __u32 oldest_active(int log)
{
	struct clfs_container_info info[64];
	__u32 oldest = 0;
	int i, n = scan(log, info, ARRAY_SIZE(info));

	for (i = 0; i < n; i++)
		if (info[i].state == CLFS_CONTAINER_ACTIVE &&
		    (!oldest || info[i].logical_id < oldest))
			oldest = info[i].logical_id;
	return oldest;
}

/*
 * Wait up to @ms for an event: poll() must report POLLIN, then read()
 * returns exactly one struct clfs_event. 1 and *@ev when one came, 0 when
 * none came in time, -1 on any other outcome.
 */
static int next_event(int fd, int ms, struct clfs_event *ev)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, ms);

	if (n <= 0)
		return n;
	if (!(p.revents & POLLIN))
		return -1;
	memset(ev, 0xff, sizeof(*ev));
	if (read(fd, ev, sizeof(*ev)) != (ssize_t)sizeof(*ev))
		return -1;
	return 1;
}

static int set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* Nothing pending: a non-blocking read() gives EAGAIN. */
static int no_event_pending(int fd)
{
	struct clfs_event ev;
	ssize_t n;
	int err;

	if (set_nonblock(fd, 1))
		return 0;
	n = read(fd, &ev, sizeof(ev));
	err = errno;
	set_nonblock(fd, 0);
	return n == -1 && err == EAGAIN;
}

/* ---- records ----------------------------------------------------------- */

/* Record @i's bytes: its index, then a pattern that depends on it. */
static void rec_fill(char *buf, int i)
{
	int j;

	for (j = 0; j < REC_BYTES; j++)
		buf[j] = (char)(i * 31 + j * 7);
	memcpy(buf, &i, sizeof(i));
}

static int append_raw(int m, const void *buf, __u32 bytes, __u64 *lsn)
{
	struct clfs_ioc_entry e = { .buf = PTR(buf), .bytes = bytes };
	struct clfs_ioc_append a = {
		.entries = PTR(&e),
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
		.flags = CLFS_APPEND_FORCE_FLUSH,
	};
	int ret = ioctl(m, CLFS_IOC_APPEND, &a);

	*lsn = a.lsn;
	return ret;
}

/*
 * A multiplexed log of 64 KiB containers with one stream and one
 * marshalling area; the records appended through rec_append() are
 * remembered in lsn[], record i holding rec_fill(i).
 */
FIXTURE(mgmt) {
	int ctl, log, stream, m;
	__u32 sid;
	const char *path;
	int nr;
	__u64 lsn[MAX_REC];
};

FIXTURE_SETUP(mgmt)
{
	self->log = self->stream = self->m = -1;
	self->path = disk();
	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
}

FIXTURE_TEARDOWN(mgmt)
{
	close_fd(&self->m);
	close_fd(&self->stream);
	close_fd(&self->log);
	close_fd(&self->ctl);
	/* The programs after this one expect clfs.ko loaded. */
	if (access("/dev/" CLFS_MISC_NAME, F_OK))
		load("clfs.ko", "");
}

static void open_all(struct __test_metadata *_metadata,
		     struct _test_data_mgmt *self, __u32 flags)
{
	self->log = log_open(self->ctl, self->path, flags);
	ASSERT_LE(0, self->log);
	self->stream = stream_open(self->log, self->sid);
	ASSERT_LE(0, self->stream);
	self->m = marshal_create(self->stream);
	ASSERT_LE(0, self->m);
}

static void close_all(struct _test_data_mgmt *self)
{
	close_fd(&self->m);
	close_fd(&self->stream);
	close_fd(&self->log);
}

static void make_log(struct __test_metadata *_metadata,
		     struct _test_data_mgmt *self, __u32 nr_containers)
{
	struct clfs_ioc_stream s = { 0 };

	ASSERT_EQ(0, log_create(self->ctl, self->path, nr_containers));
	self->log = log_open(self->ctl, self->path, 0);
	ASSERT_LE(0, self->log);
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_STREAM_CREATE, &s));
	self->sid = s.stream_id;
	self->stream = stream_open(self->log, self->sid);
	ASSERT_LE(0, self->stream);
	self->m = marshal_create(self->stream);
	ASSERT_LE(0, self->m);
	self->nr = 0;
}

/* Append record self->nr, flushed: 0 or -errno. */
static int rec_append(struct _test_data_mgmt *self)
{
	char buf[REC_BYTES];
	__u64 lsn;

	if (self->nr >= MAX_REC)
		return -E2BIG;
	rec_fill(buf, self->nr);
	if (append_raw(self->m, buf, REC_BYTES, &lsn))
		return -errno;
	self->lsn[self->nr++] = lsn;
	return 0;
}

static __u32 rec_cid(struct _test_data_mgmt *self, int i)
{
	return clfs_lsn_container(self->lsn[i]);
}

/* Append until the records span @n logical containers. */
static void append_across(struct __test_metadata *_metadata,
			  struct _test_data_mgmt *self, __u32 n)
{
	if (!self->nr)
		ASSERT_EQ(0, rec_append(self));
	while (rec_cid(self, self->nr - 1) - rec_cid(self, 0) + 1 < n)
		ASSERT_EQ(0, rec_append(self));
}

/* Append until the log is full (ENOSPC). */
static void fill_log(struct __test_metadata *_metadata,
		     struct _test_data_mgmt *self)
{
	int ret;

	while ((ret = rec_append(self)) == 0)
		;
	ASSERT_EQ(-ENOSPC, ret);
}

/* Index of the record with LSN @lsn, or -1. */
static int rec_index(struct _test_data_mgmt *self, __u64 lsn)
{
	int i;

	for (i = 0; i < self->nr; i++)
		if (self->lsn[i] == lsn)
			return i;
	return -1;
}

/*
 * The target a request round must name (docs/management.md, "Log full"):
 * the stream's oldest record at or after the boundary container, else its
 * youngest record.
 */
static __u64 expected_target(struct _test_data_mgmt *self, __u32 boundary)
{
	int i;

	for (i = 0; i < self->nr; i++)
		if (rec_cid(self, i) >= boundary)
			return self->lsn[i];
	return self->lsn[self->nr - 1];
}

/* The record at @lsn reads back as the one appended there. */
static void check_record(struct __test_metadata *_metadata,
			 struct _test_data_mgmt *self, int m, __u64 lsn)
{
	static char buf[REC_BYTES + 512], want[REC_BYTES];
	struct clfs_ioc_read r = {
		.lsn = lsn,
		.mode = CLFS_READ_FORWARD,
		.filter = CLFS_FILTER_ALL,
		.rec = { .buf = PTR(buf), .buf_bytes = sizeof(buf) },
	};
	int i = rec_index(self, lsn), ctx;

	ASSERT_LE(0, i) {
		TH_LOG("%#llx is no record appended", (unsigned long long)lsn);
	}
	ctx = ioctl(m, CLFS_IOC_READ_RECORD, &r);
	ASSERT_LE(0, ctx);
	close(ctx);
	EXPECT_EQ(lsn, r.rec.lsn);
	EXPECT_EQ(CLFS_RECORD_DATA, r.rec.type);
	EXPECT_EQ(REC_BYTES, r.rec.data_bytes);
	rec_fill(want, i);
	EXPECT_EQ(0, memcmp(buf, want, REC_BYTES));
}

static void check_policy_eq(struct __test_metadata *_metadata,
			    const struct clfs_policy *want,
			    const struct clfs_policy *got)
{
	unsigned int i;

	EXPECT_EQ(want->installed, got->installed);
	EXPECT_EQ(want->max_containers, got->max_containers);
	EXPECT_EQ(want->min_containers, got->min_containers);
	EXPECT_EQ(want->growth_containers, got->growth_containers);
	EXPECT_EQ(want->growth_pct, got->growth_pct);
	EXPECT_EQ(want->tail_free_pct, got->tail_free_pct);
	EXPECT_EQ(want->tail_free_containers, got->tail_free_containers);
	EXPECT_EQ(want->shrink_free_pct, got->shrink_free_pct);
	EXPECT_EQ(want->auto_grow, got->auto_grow);
	EXPECT_EQ(want->new_container_bytes, got->new_container_bytes);
	EXPECT_EQ(0, got->reserved0);
	for (i = 0; i < ARRAY_SIZE(got->reserved); i++)
		EXPECT_EQ(0, got->reserved[i]);
}

static void check_policies(struct __test_metadata *_metadata, int log,
			   const struct clfs_policy *want)
{
	struct clfs_policy p;

	ASSERT_EQ(0, policy_query(log, &p));
	check_policy_eq(_metadata, want, &p);
}

static void check_mgmt_reserved(struct __test_metadata *_metadata,
				const struct clfs_mgmt_info *mi)
{
	unsigned int i;

	EXPECT_EQ(0, mi->reserved0);
	for (i = 0; i < ARRAY_SIZE(mi->reserved); i++)
		EXPECT_EQ(0, mi->reserved[i]);
}

static void check_event(struct __test_metadata *_metadata,
			const struct clfs_event *ev, __u32 type, __s32 status)
{
	EXPECT_EQ(type, ev->type);
	EXPECT_EQ(status, ev->status);
	if (type != CLFS_EVENT_ADVANCE_TAIL)
		EXPECT_EQ(CLFS_LSN_NULL, ev->lsn);
	EXPECT_EQ(0, ev->reserved[0]);
	EXPECT_EQ(0, ev->reserved[1]);
}

/* Every policy, one of each either-or pair. */
static const struct clfs_policy all_pct = {
	.installed = CLFS_POLICY_ALL,
	.max_containers = 10,
	.min_containers = 3,
	.growth_pct = 50,
	.tail_free_pct = 20,
	.shrink_free_pct = 60,
	.auto_grow = 1,
	.new_container_bytes = CONT_BYTES,
};

/* ---- policies ---------------------------------------------------------- */

TEST_F(mgmt, fresh_log_has_no_policy_and_default_limits)
{
	struct clfs_policy none = { 0 };
	struct clfs_mgmt_info mi;
	struct clfs_log_info li;

	make_log(_metadata, self, 4);
	check_policies(_metadata, self->log, &none);
	ASSERT_EQ(0, log_query(self->log, &li));
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(0, mi.flags);
	EXPECT_EQ(4, mi.nr_containers);
	EXPECT_EQ(li.nr_free, mi.nr_free);
	EXPECT_EQ(0, mi.nr_held);
	EXPECT_EQ(CLFS_LOG_MIN_CONTAINERS, mi.min_containers);
	EXPECT_EQ(li.nr_slots, mi.max_containers);
	EXPECT_EQ(0, mi.nr_clients);
	EXPECT_EQ(0, mi.nr_requests);
	EXPECT_EQ(0, mi.nr_waiting);
	EXPECT_EQ(0, mi.grown);
	EXPECT_EQ(0, mi.shrunk);
	EXPECT_EQ(0, mi.full_events);
	EXPECT_EQ(0, mi.requests_sent);
	EXPECT_EQ(0, mi.pinned_events);
	check_mgmt_reserved(_metadata, &mi);
}

TEST_F(mgmt, policy_round_trip_every_field)
{
	struct clfs_policy p = all_pct, none = { 0 };
	struct clfs_mgmt_info mi;

	make_log(_metadata, self, 4);
	ASSERT_EQ(0, policy_install(self->log, &p));
	check_policies(_metadata, self->log, &all_pct);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(3, mi.min_containers);
	EXPECT_EQ(10, mi.max_containers);

	/* The other half of each either-or pair, replacing the first. */
	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_GROWTH_RATE | CLFS_POLICY_LOG_TAIL;
	p.growth_containers = 2;
	p.tail_free_containers = 1;
	ASSERT_EQ(0, policy_install(self->log, &p));
	p = all_pct;
	p.growth_pct = 0;
	p.growth_containers = 2;
	p.tail_free_pct = 0;
	p.tail_free_containers = 1;
	check_policies(_metadata, self->log, &p);

	/* Explicitly off is a value of its own, not a removal. */
	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_AUTO_GROW;
	p.auto_grow = 0;
	ASSERT_EQ(0, policy_install(self->log, &p));
	ASSERT_EQ(0, policy_query(self->log, &p));
	EXPECT_EQ(CLFS_POLICY_ALL, p.installed);
	EXPECT_EQ(0, p.auto_grow);

	ASSERT_EQ(0, policy_remove(self->log, CLFS_POLICY_ALL));
	check_policies(_metadata, self->log, &none);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(CLFS_LOG_MIN_CONTAINERS, mi.min_containers);
}

TEST_F(mgmt, install_leaves_others_and_remove_takes_some)
{
	struct clfs_policy p = { 0 }, want = { 0 };
	struct clfs_mgmt_info mi;
	struct clfs_log_info li;

	make_log(_metadata, self, 4);
	p.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_AUTO_GROW;
	p.max_containers = 12;
	p.auto_grow = 1;
	ASSERT_EQ(0, policy_install(self->log, &p));

	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_LOG_TAIL | CLFS_POLICY_AUTO_SHRINK;
	p.tail_free_pct = 25;
	p.shrink_free_pct = 90;
	ASSERT_EQ(0, policy_install(self->log, &p));
	want.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_AUTO_GROW |
			 CLFS_POLICY_LOG_TAIL | CLFS_POLICY_AUTO_SHRINK;
	want.max_containers = 12;
	want.auto_grow = 1;
	want.tail_free_pct = 25;
	want.shrink_free_pct = 90;
	check_policies(_metadata, self->log, &want);

	/* Installing one again replaces its fields only. */
	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_MIN_SIZE;
	p.max_containers = 9;
	p.min_containers = 4;
	ASSERT_EQ(0, policy_install(self->log, &p));
	want.installed |= CLFS_POLICY_MIN_SIZE;
	want.max_containers = 9;
	want.min_containers = 4;
	check_policies(_metadata, self->log, &want);

	/* Remove some: their fields go back to zero, the others stay. */
	ASSERT_EQ(0, policy_remove(self->log, CLFS_POLICY_MAX_SIZE |
					       CLFS_POLICY_AUTO_SHRINK));
	want.installed &= ~(CLFS_POLICY_MAX_SIZE | CLFS_POLICY_AUTO_SHRINK);
	want.max_containers = 0;
	want.shrink_free_pct = 0;
	check_policies(_metadata, self->log, &want);
	ASSERT_EQ(0, log_query(self->log, &li));
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(li.nr_slots, mi.max_containers);
	EXPECT_EQ(4, mi.min_containers);
	EXPECT_EQ(4, mi.nr_containers);

	/* Unknown bits and reserved fields in a removal change nothing. */
	EXPECT_ERRNO(EINVAL, policy_remove(self->log, 1U << 7));
	EXPECT_ERRNO(EINVAL, policy_remove(self->log,
					   CLFS_POLICY_LOG_TAIL | (1U << 31)));
	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_LOG_TAIL;
	p.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_POLICY_REMOVE, &p));
	check_policies(_metadata, self->log, &want);
}

/* Refused installs: the errno, and the policies, size and metadata as they were. */
TEST_F(mgmt, conflicting_policies_refused_nothing_changes)
{
	struct clfs_policy base = {
		.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_MIN_SIZE |
			     CLFS_POLICY_GROWTH_RATE | CLFS_POLICY_LOG_TAIL |
			     CLFS_POLICY_AUTO_SHRINK,
		.max_containers = 8,
		.min_containers = 2,
		.growth_containers = 1,
		.tail_free_pct = 20,
		.shrink_free_pct = 50,
	};
	struct clfs_log_info li0, li;
	struct clfs_policy p;
	unsigned int i;
	__u32 slots;

	make_log(_metadata, self, 4);
	ASSERT_EQ(0, policy_install(self->log, &base));
	ASSERT_EQ(0, log_query(self->log, &li0));
	slots = li0.nr_slots;

#define REFUSED(err, ...) do {						\
		memset(&p, 0, sizeof(p));				\
		__VA_ARGS__;						\
		EXPECT_ERRNO(err, policy_install(self->log, &p));	\
		check_policies(_metadata, self->log, &base);		\
		ASSERT_EQ(0, log_query(self->log, &li));		\
		EXPECT_EQ(li0.nr_containers, li.nr_containers);		\
		EXPECT_EQ(li0.nr_free, li.nr_free);			\
		EXPECT_EQ(li0.generation, li.generation);		\
	} while (0)

	/* min above max, in one call or against the installed max */
	REFUSED(EINVAL, p.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_MIN_SIZE;
		p.max_containers = 5; p.min_containers = 6);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_MIN_SIZE; p.min_containers = 9);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_MAX_SIZE; p.max_containers = 1);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_MIN_SIZE; p.min_containers = 1);
	/* beyond the device */
	REFUSED(ENOSPC, p.installed = CLFS_POLICY_MAX_SIZE;
		p.max_containers = slots + 1);
	/* growth: both, neither, out of range, a step larger than the max */
	REFUSED(EINVAL, p.installed = CLFS_POLICY_GROWTH_RATE;
		p.growth_containers = 1; p.growth_pct = 10);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_GROWTH_RATE);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_GROWTH_RATE; p.growth_pct = 101);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_GROWTH_RATE;
		p.growth_containers = 9);
	/* tail target: both, neither, out of range, larger than the max */
	REFUSED(EINVAL, p.installed = CLFS_POLICY_LOG_TAIL;
		p.tail_free_pct = 10; p.tail_free_containers = 1);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_LOG_TAIL);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_LOG_TAIL; p.tail_free_pct = 100);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_LOG_TAIL;
		p.tail_free_containers = 9);
	/* auto-shrink threshold not above the tail target (20%) */
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_SHRINK;
		p.shrink_free_pct = 20);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_SHRINK;
		p.shrink_free_pct = 10);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_LOG_TAIL; p.tail_free_pct = 60);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_SHRINK;
		p.shrink_free_pct = 101);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_SHRINK);
	/* container size other than the log's */
	REFUSED(EINVAL, p.installed = CLFS_POLICY_NEW_CONTAINER_SIZE;
		p.new_container_bytes = 2 * CONT_BYTES);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_NEW_CONTAINER_SIZE;
		p.new_container_bytes = CONT_BYTES / 2);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_NEW_CONTAINER_SIZE);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_GROW; p.auto_grow = 2);
	/* unknown bits */
	REFUSED(EINVAL, p.installed = 1U << 7);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_GROW | (1U << 31);
		p.auto_grow = 1);
	/* a field of a policy not named */
	REFUSED(EINVAL, p.installed = CLFS_POLICY_MAX_SIZE;
		p.max_containers = 7; p.auto_grow = 1);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_GROW;
		p.auto_grow = 1; p.min_containers = 3);
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_GROW;
		p.auto_grow = 1; p.new_container_bytes = CONT_BYTES);
	/* one good policy and one bad: neither is installed */
	REFUSED(EINVAL, p.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_GROWTH_RATE;
		p.max_containers = 6; p.growth_pct = 10; p.growth_containers = 1);
	/* non-zero reserved fields */
	REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_GROW; p.auto_grow = 1;
		p.reserved0 = 1);
	for (i = 0; i < ARRAY_SIZE(p.reserved); i++)
		REFUSED(EINVAL, p.installed = CLFS_POLICY_AUTO_GROW;
			p.auto_grow = 1; p.reserved[i] = 1ULL << 63);
#undef REFUSED

	/* The threshold just above the target is accepted. */
	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_AUTO_SHRINK;
	p.shrink_free_pct = 21;
	EXPECT_EQ(0, policy_install(self->log, &p));
}

TEST_F(mgmt, max_below_size_shrinks_or_is_ebusy)
{
	struct clfs_container_info before[16], after[16];
	struct clfs_policy p = { .installed = CLFS_POLICY_MAX_SIZE };
	struct clfs_log_info li0, li;
	struct clfs_mgmt_info mi;
	int i, n0, n, removed = 0;
	__u32 active;

	make_log(_metadata, self, 8);
	append_across(_metadata, self, 4);
	ASSERT_EQ(0, log_query(self->log, &li0));
	active = li0.nr_active;
	ASSERT_EQ(4, active);
	ASSERT_EQ(8, li0.nr_containers);
	n0 = scan(self->log, before, ARRAY_SIZE(before));
	ASSERT_EQ(8, n0);

	/* Below the active containers: the free ones are too few to remove. */
	p.max_containers = active - 1;
	EXPECT_ERRNO(EBUSY, policy_install(self->log, &p));
	ASSERT_EQ(0, policy_query(self->log, &p));
	EXPECT_EQ(0, p.installed);
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(8, li.nr_containers);
	EXPECT_EQ(li0.generation, li.generation);

	/* Reachable: free containers go, highest slots first. */
	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_MAX_SIZE;
	p.max_containers = active + 1;
	ASSERT_EQ(0, policy_install(self->log, &p));
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(active + 1, li.nr_containers);
	EXPECT_EQ(active, li.nr_active);
	EXPECT_EQ(1, li.nr_free);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(active + 1, mi.max_containers);
	EXPECT_EQ(active + 1, mi.nr_containers);
	n = scan(self->log, after, ARRAY_SIZE(after));
	ASSERT_EQ(active + 1, n);
	/* Expected: the 8 - (active + 1) highest free slots of before[] removed. */
	for (i = n0 - 1; i >= 0 && removed < 8 - (int)(active + 1); i--)
		if (before[i].state == CLFS_CONTAINER_FREE) {
			before[i].state = 0;
			removed++;
		}
	for (i = 0, n = 0; i < n0; i++) {
		if (!before[i].state)
			continue;
		EXPECT_EQ(before[i].physical_id, after[n].physical_id);
		EXPECT_EQ(before[i].state, after[n].state);
		n++;
	}
	EXPECT_EQ(active + 1, n);
	/* The records are all still there. */
	check_record(_metadata, self, self->m, self->lsn[0]);
	check_record(_metadata, self, self->m, self->lsn[self->nr - 1]);
}

TEST_F(mgmt, min_above_size_grows_the_log)
{
	struct clfs_container_info before[8], after[8];
	struct clfs_policy p = { .installed = CLFS_POLICY_MIN_SIZE };
	struct clfs_log_info li;
	struct clfs_mgmt_info mi;
	__u32 used[64];
	int i, j, n0, n, added;

	make_log(_metadata, self, 2);
	n0 = scan(self->log, before, ARRAY_SIZE(before));
	ASSERT_EQ(2, n0);
	p.min_containers = 5;
	ASSERT_EQ(0, policy_install(self->log, &p));
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(5, li.nr_containers);
	EXPECT_EQ(4, li.nr_free);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(5, mi.min_containers);
	EXPECT_EQ(5, mi.nr_containers);
	/* The old slots, plus the three lowest unused ones. */
	memset(used, 0, sizeof(used));
	for (i = 0; i < n0; i++)
		used[before[i].physical_id % ARRAY_SIZE(used)] = before[i].state;
	for (i = 0, added = 0; i < (int)ARRAY_SIZE(used) && added < 3; i++)
		if (!used[i]) {
			used[i] = CLFS_CONTAINER_FREE;
			added++;
		}
	n = scan(self->log, after, ARRAY_SIZE(after));
	ASSERT_EQ(5, n);
	for (i = 0, j = 0; i < (int)ARRAY_SIZE(used) && j < n; i++) {
		if (!used[i])
			continue;
		EXPECT_EQ(i, after[j].physical_id);
		EXPECT_EQ(used[i], after[j].state);
		j++;
	}
	EXPECT_EQ(5, j);

	/* A minimum at the size changes nothing. */
	p.min_containers = 5;
	ASSERT_EQ(0, policy_install(self->log, &p));
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(5, li.nr_containers);
}

TEST_F(mgmt, read_only_log_and_wrong_descriptor)
{
	struct clfs_policy p = all_pct, q;
	struct clfs_log_info li0, li;
	struct clfs_mgmt_info mi;
	__u32 result;

	make_log(_metadata, self, 4);
	ASSERT_EQ(0, policy_install(self->log, &p));
	/* Policy and size ioctls belong to log descriptors. */
	EXPECT_ERRNO(ENOTTY, policy_install(self->stream, &p));
	EXPECT_ERRNO(ENOTTY, policy_query(self->stream, &q));
	EXPECT_ERRNO(ENOTTY, set_size(self->m, 5, NULL));
	EXPECT_ERRNO(ENOTTY, mgmt_query(self->stream, &mi));
	EXPECT_ERRNO(ENOTTY, mgmt_register(self->log));
	EXPECT_ERRNO(ENOTTY, mgmt_register(self->m));
	EXPECT_ERRNO(ENOTTY, ioctl(self->log, CLFS_IOC_MGMT_HANDLE_FULL));

	close_all(self);
	open_all(_metadata, self, CLFS_OPEN_READ_ONLY);
	ASSERT_EQ(0, log_query(self->log, &li0));
	EXPECT_TRUE(li0.flags & CLFS_LOG_READ_ONLY);
	check_policies(_metadata, self->log, &all_pct);

	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_MAX_SIZE;
	p.max_containers = 6;
	EXPECT_ERRNO(EBADF, policy_install(self->log, &p));
	EXPECT_ERRNO(EBADF, policy_remove(self->log, CLFS_POLICY_AUTO_GROW));
	EXPECT_ERRNO(EBADF, set_size(self->log, 5, &result));
	EXPECT_ERRNO(EBADF, mgmt_register(self->stream));
	check_policies(_metadata, self->log, &all_pct);
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(li0.nr_containers, li.nr_containers);
	EXPECT_EQ(li0.generation, li.generation);
}

/* Runs in the child: a bit set for every check that failed. */
static int unprivileged(struct _test_data_mgmt *self)
{
	struct clfs_policy p = { .installed = CLFS_POLICY_MAX_SIZE };
	struct clfs_mgmt_info mi;
	int fail = 0;

	if (drop_sys_admin())
		return 1;
	p.max_containers = 6;
	if (!eperm(policy_install(self->log, &p)))
		fail |= 1 << 1;
	if (!eperm(policy_remove(self->log, CLFS_POLICY_AUTO_GROW)))
		fail |= 1 << 2;
	if (!eperm(set_size(self->log, 5, NULL)))
		fail |= 1 << 3;
	/* Whoever holds a descriptor may query and manage. */
	if (policy_query(self->log, &p) || p.installed != CLFS_POLICY_ALL)
		fail |= 1 << 4;
	if (mgmt_query(self->log, &mi) || mi.nr_containers != 4)
		fail |= 1 << 5;
	if (mgmt_register(self->stream))
		fail |= 1 << 6;
	if (ioctl(self->stream, CLFS_IOC_MGMT_HANDLE_FULL))
		fail |= 1 << 6;
	if (ioctl(self->stream, CLFS_IOC_MGMT_DEREGISTER))
		fail |= 1 << 6;
	return fail;
}

TEST_F(mgmt, unprivileged_caller_gets_eperm)
{
	struct clfs_policy p = all_pct;
	struct clfs_log_info li0, li;
	struct clfs_mgmt_info mi;
	int status;
	pid_t pid;

	make_log(_metadata, self, 4);
	ASSERT_EQ(0, policy_install(self->log, &p));
	ASSERT_EQ(0, log_query(self->log, &li0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(unprivileged(self));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("failed checks (bits): %#x", WEXITSTATUS(status));
	}
	check_policies(_metadata, self->log, &all_pct);
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(4, li.nr_containers);
	EXPECT_EQ(li0.generation, li.generation);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(0, mi.nr_clients);
}

/* ---- persistence ------------------------------------------------------- */

TEST_F(mgmt, policies_survive_close_and_reopen)
{
	struct clfs_policy p = all_pct;
	struct clfs_mgmt_info mi;

	make_log(_metadata, self, 4);
	p.growth_pct = 0;
	p.growth_containers = 3;
	ASSERT_EQ(0, policy_install(self->log, &p));
	close_all(self);

	open_all(_metadata, self, 0);
	check_policies(_metadata, self->log, &p);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(3, mi.min_containers);
	EXPECT_EQ(10, mi.max_containers);
	EXPECT_EQ(4, mi.nr_containers);

	/* A removal persists too. */
	ASSERT_EQ(0, policy_remove(self->log, CLFS_POLICY_GROWTH_RATE));
	p.installed &= ~CLFS_POLICY_GROWTH_RATE;
	p.growth_containers = 0;
	close_all(self);
	open_all(_metadata, self, CLFS_OPEN_READ_ONLY);
	check_policies(_metadata, self->log, &p);
}

static int unload_clfs(void)
{
	int ret, tries;

	for (tries = 0; tries < 50; tries++) {
		ret = unload("clfs");
		if (ret != -EAGAIN && ret != -EBUSY && ret != -EWOULDBLOCK)
			break;
		msleep(100);
	}
	return ret;
}

TEST_F(mgmt, policies_survive_module_reload)
{
	struct clfs_policy p = all_pct;
	struct clfs_mgmt_info mi;
	struct clfs_log_info li;
	int ret;

	make_log(_metadata, self, 4);
	p.tail_free_pct = 0;
	p.tail_free_containers = 1;
	ASSERT_EQ(0, policy_install(self->log, &p));
	close_all(self);
	close_fd(&self->ctl);

	ret = unload_clfs();
	EXPECT_EQ(0, ret);
	ret = load("clfs.ko", "");
	ASSERT_TRUE(ret == 0 || ret == -EEXIST);

	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	open_all(_metadata, self, 0);
	check_policies(_metadata, self->log, &p);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(3, mi.min_containers);
	EXPECT_EQ(10, mi.max_containers);
	EXPECT_EQ(4, mi.nr_containers);
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(4, li.nr_containers);
}

/* ---- set size ---------------------------------------------------------- */

TEST_F(mgmt, set_size_grows_shrinks_and_refuses)
{
	struct clfs_container_info info[16];
	struct clfs_policy p = {
		.installed = CLFS_POLICY_MIN_SIZE | CLFS_POLICY_MAX_SIZE,
		.min_containers = 3,
		.max_containers = 8,
	};
	struct clfs_ioc_set_size s;
	struct clfs_log_info li0, li;
	__u32 result;
	int i, n;

	make_log(_metadata, self, 4);
	ASSERT_EQ(0, set_size(self->log, 6, &result));
	EXPECT_EQ(6, result);
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(6, li.nr_containers);
	EXPECT_EQ(5, li.nr_free);
	/* Growth takes the lowest unused slots: here 0..5. */
	n = scan(self->log, info, ARRAY_SIZE(info));
	ASSERT_EQ(6, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(i, info[i].physical_id);

	/* Shrink: the highest free slots go. */
	ASSERT_EQ(0, set_size(self->log, 3, &result));
	EXPECT_EQ(3, result);
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(3, li.nr_containers);
	n = scan(self->log, info, ARRAY_SIZE(info));
	ASSERT_EQ(3, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(i, info[i].physical_id);

	/* The size it has already. */
	ASSERT_EQ(0, set_size(self->log, 3, &result));
	EXPECT_EQ(3, result);

	/* Below CLFS_LOG_MIN_CONTAINERS, and beyond the device. */
	ASSERT_EQ(0, log_query(self->log, &li0));
	EXPECT_ERRNO(ERANGE, set_size(self->log, CLFS_LOG_MIN_CONTAINERS - 1, NULL));
	EXPECT_ERRNO(ERANGE, set_size(self->log, 0, NULL));
	EXPECT_ERRNO(ENOSPC, set_size(self->log, li0.nr_slots + 1, NULL));

	/* Outside the size policies. */
	ASSERT_EQ(0, policy_install(self->log, &p));
	EXPECT_ERRNO(ERANGE, set_size(self->log, 2, NULL));
	EXPECT_ERRNO(ERANGE, set_size(self->log, 9, NULL));
	ASSERT_EQ(0, set_size(self->log, 8, &result));
	EXPECT_EQ(8, result);
	ASSERT_EQ(0, log_query(self->log, &li0));
	EXPECT_EQ(8, li0.nr_containers);

	/* Reserved fields. */
	memset(&s, 0, sizeof(s));
	s.nr_containers = 5;
	s.reserved[2] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_SET_SIZE, &s));
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(8, li.nr_containers);
	EXPECT_EQ(li0.generation, li.generation);
}

TEST_F(mgmt, set_size_shrink_stopped_by_active_is_ebusy_with_result)
{
	struct clfs_container_info info[8];
	struct clfs_log_info li0, li;
	__u32 result;
	int i, n;

	make_log(_metadata, self, 6);
	append_across(_metadata, self, 3);
	ASSERT_EQ(0, log_query(self->log, &li0));
	ASSERT_EQ(3, li0.nr_active);

	EXPECT_ERRNO(EBUSY, set_size(self->log, 2, &result));
	EXPECT_EQ(li0.nr_active, result);
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(li0.nr_active, li.nr_containers);
	EXPECT_EQ(li0.nr_active, li.nr_active);
	EXPECT_EQ(0, li.nr_free);
	n = scan(self->log, info, ARRAY_SIZE(info));
	ASSERT_EQ((int)li0.nr_active, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(CLFS_CONTAINER_ACTIVE, info[i].state);
	check_record(_metadata, self, self->m, self->lsn[0]);

	/* It grows back. */
	ASSERT_EQ(0, set_size(self->log, 5, &result));
	EXPECT_EQ(5, result);
	ASSERT_EQ(0, rec_append(self));
}

/* ---- growth ------------------------------------------------------------ */

/*
 * docs/management.md, "Growth": when the writer moves into a new
 * container and that leaves no usable free container, the log grows by
 * the step (growth_pct of the size rounded up), capped by the maximum.
 */
TEST_F(mgmt, auto_grow_follows_the_growth_rule)
{
	struct clfs_policy p = {
		.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_AUTO_GROW |
			     CLFS_POLICY_GROWTH_RATE,
		.max_containers = 9,
		.auto_grow = 1,
		.growth_pct = 50,
	};
	struct clfs_mgmt_info mi;
	struct clfs_log_info li;
	__u32 size = 2, active = 1, grown = 0, step, cid;

	make_log(_metadata, self, 2);
	ASSERT_EQ(0, policy_install(self->log, &p));
	ASSERT_EQ(0, log_query(self->log, &li));
	ASSERT_EQ(1, li.nr_active);
	ASSERT_EQ(0, rec_append(self));
	cid = rec_cid(self, 0);
	while (active < 9) {
		ASSERT_EQ(0, rec_append(self));
		if (rec_cid(self, self->nr - 1) == cid)
			continue;
		cid = rec_cid(self, self->nr - 1);
		active++;
		if (size == active && size < p.max_containers) {
			step = (size * p.growth_pct + 99) / 100;
			if (step > p.max_containers - size)
				step = p.max_containers - size;
			size += step;
			grown += step;
		}
		ASSERT_EQ(0, mgmt_query(self->log, &mi));
		EXPECT_EQ(size, mi.nr_containers) {
			TH_LOG("container %u (%u active)", cid, active);
		}
		EXPECT_EQ(grown, mi.grown);
		EXPECT_EQ(size - active, mi.nr_free);
	}
	/* 2 -> 3 -> 5 -> 8 -> 9, and no further. */
	EXPECT_EQ(9, size);
	EXPECT_EQ(7, grown);
}

/* ---- the management client protocol ----------------------------------- */

/*
 * Small containers, 2 to start with, grown automatically one at a time up
 * to 4; a management client on the stream.
 */
static void slow_consumer_log(struct __test_metadata *_metadata,
			      struct _test_data_mgmt *self)
{
	struct clfs_policy p = {
		.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_AUTO_GROW |
			     CLFS_POLICY_GROWTH_RATE,
		.max_containers = 4,
		.auto_grow = 1,
		.growth_containers = 1,
	};

	make_log(_metadata, self, 2);
	ASSERT_EQ(0, policy_install(self->log, &p));
	ASSERT_EQ(0, mgmt_register(self->stream));
}

TEST_F(mgmt, slow_consumer_advance_tail_through_poll)
{
	struct clfs_stream_info si;
	struct clfs_mgmt_info mi;
	struct clfs_event ev;
	__u32 oldest, head_cid;
	__u64 target;
	int ret, before;

	slow_consumer_log(_metadata, self);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(1, mi.nr_clients);
	ASSERT_EQ(0, stream_query(self->stream, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT, si.mgmt_flags);
	EXPECT_EQ(CLFS_LSN_NULL, si.tail_request_lsn);

	/* Fill: the log grows to its maximum first, never beyond. */
	while ((ret = rec_append(self)) == 0) {
		ASSERT_EQ(0, mgmt_query(self->log, &mi));
		ASSERT_GE(4, mi.nr_containers);
	}
	ASSERT_EQ(-ENOSPC, ret);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(4, mi.nr_containers);
	EXPECT_EQ(2, mi.grown);
	EXPECT_EQ(0, mi.nr_free);
	EXPECT_EQ(4, mi.max_containers);
	EXPECT_TRUE(mi.flags & CLFS_MGMT_FULL);
	EXPECT_FALSE(mi.flags & CLFS_MGMT_PINNED);
	EXPECT_EQ(1, mi.full_events);
	oldest = oldest_active(self->log);
	ASSERT_EQ(rec_cid(self, 0), oldest);
	head_cid = rec_cid(self, self->nr - 1);
	EXPECT_EQ(oldest + 3, head_cid);

	/*
	 * The request: target 1 free container, none free, so the boundary
	 * is the oldest active container + 1, and the target the stream's
	 * first record there.
	 */
	ASSERT_EQ(1, next_event(self->stream, EVENT_MS, &ev));
	check_event(_metadata, &ev, CLFS_EVENT_ADVANCE_TAIL, 0);
	target = expected_target(self, oldest + 1);
	EXPECT_EQ(target, ev.lsn);
	check_record(_metadata, self, self->m, ev.lsn);
	ASSERT_EQ(0, stream_query(self->stream, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT | CLFS_STREAM_MGMT_REQUEST,
		  si.mgmt_flags);
	EXPECT_EQ(ev.lsn, si.tail_request_lsn);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(1, mi.nr_requests);
	EXPECT_EQ(1, mi.requests_sent);

	/* Still full: wait for LOG_FULL_HANDLED. */
	EXPECT_ERRNO(EINPROGRESS, ioctl(self->stream, CLFS_IOC_MGMT_HANDLE_FULL));
	ASSERT_EQ(0, stream_query(self->stream, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT | CLFS_STREAM_MGMT_REQUEST |
		  CLFS_STREAM_MGMT_WAITING, si.mgmt_flags);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(1, mi.nr_waiting);

	/* No second request, nor anything else, before the answer. */
	before = self->nr;
	EXPECT_EQ(-ENOSPC, rec_append(self));
	EXPECT_EQ(before, self->nr);
	EXPECT_EQ(0, next_event(self->stream, QUIET_MS, &ev));
	EXPECT_TRUE(no_event_pending(self->stream));
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(1, mi.requests_sent);

	/* Answer: the oldest container is recycled, the waiter told. */
	ASSERT_EQ(0, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, target));
	ASSERT_EQ(1, next_event(self->stream, EVENT_MS, &ev));
	check_event(_metadata, &ev, CLFS_EVENT_LOG_FULL_HANDLED, 0);
	ASSERT_EQ(0, stream_query(self->stream, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT, si.mgmt_flags);
	EXPECT_EQ(CLFS_LSN_NULL, si.tail_request_lsn);
	EXPECT_EQ(target, si.base_lsn);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(0, mi.flags);
	EXPECT_EQ(0, mi.nr_requests);
	EXPECT_EQ(0, mi.nr_waiting);
	EXPECT_EQ(1, mi.nr_free);
	EXPECT_EQ(4, mi.nr_containers);
	EXPECT_EQ(oldest + 1, oldest_active(self->log));

	/* Room again: the head moves into the recycled container. */
	ASSERT_EQ(0, rec_append(self));
	while (rec_cid(self, self->nr - 1) == head_cid)
		ASSERT_EQ(0, rec_append(self));
	EXPECT_EQ(head_cid + 1, rec_cid(self, self->nr - 1));
	check_record(_metadata, self, self->m, self->lsn[self->nr - 1]);
}

/*
 * The consumer: a child process that owns the events of the registered
 * stream descriptor it inherited and answers requests lazily, while the
 * parent appends. A process rather than a thread: 32-bit static programs
 * (mgmt32_test) cannot start threads in the test guest (glibc aborts in
 * its futex calls), and two processes sharing a log descriptor is how a
 * real client may split the work anyway. Its state is shared memory,
 * changed with atomics.
 */
struct consumer {
	int stream, m;
	int stop;
	int enospc;		/* appends the parent saw fail */
	int answered;		/* requests the consumer answered */
	int handled;		/* LOG_FULL_HANDLED events seen */
	int bad_status;		/* ... with a status other than 0 */
	int errors;		/* anything unexpected, a bit per kind */
	int nr_targets;
	__u64 targets[256];
};

static int consumer_get(int *v)
{
	return __atomic_load_n(v, __ATOMIC_SEQ_CST);
}

static void consumer_fail(struct consumer *c, int bit)
{
	__atomic_fetch_or(&c->errors, bit, __ATOMIC_SEQ_CST);
}

static void consumer_main(struct consumer *c)
{
	struct clfs_stream_info si;
	struct clfs_event ev;
	int ret, n;

	while (!consumer_get(&c->stop)) {
		ret = next_event(c->stream, 50, &ev);
		if (ret == 0)
			continue;
		if (ret < 0) {
			consumer_fail(c, 1 << 0);
			break;
		}
		if (ev.reserved[0] || ev.reserved[1])
			consumer_fail(c, 1 << 1);
		switch (ev.type) {
		case CLFS_EVENT_ADVANCE_TAIL:
			n = consumer_get(&c->nr_targets);
			if (n < (int)ARRAY_SIZE(c->targets)) {
				c->targets[n] = ev.lsn;
				__atomic_store_n(&c->nr_targets, n + 1,
						 __ATOMIC_SEQ_CST);
			}
			if (ev.status || !clfs_lsn_is_valid(ev.lsn))
				consumer_fail(c, 1 << 2);
			if (stream_query(c->stream, &si) ||
			    si.tail_request_lsn != ev.lsn ||
			    !(si.mgmt_flags & CLFS_STREAM_MGMT_REQUEST))
				consumer_fail(c, 1 << 3);
			/*
			 * Lazy: answer only once the log filled up again,
			 * so every round goes through a full log.
			 */
			while (consumer_get(&c->enospc) <= c->answered &&
			       !consumer_get(&c->stop))
				usleep(1000);
			if (consumer_get(&c->stop))
				break;
			c->answered++;
			if (set_lsn(c->m, CLFS_IOC_ADVANCE_BASE, ev.lsn))
				consumer_fail(c, 1 << 4);
			break;
		case CLFS_EVENT_LOG_FULL_HANDLED:
			if (ev.lsn != CLFS_LSN_NULL)
				consumer_fail(c, 1 << 5);
			if (ev.status)
				__atomic_fetch_add(&c->bad_status, 1,
						   __ATOMIC_SEQ_CST);
			__atomic_fetch_add(&c->handled, 1, __ATOMIC_SEQ_CST);
			break;
		default:
			consumer_fail(c, 1 << 6);
			break;
		}
	}
}

/* Wait until more than @seen LOG_FULL_HANDLED events came; 0 or -1. */
static int wait_handled(struct consumer *c, int seen, int ms)
{
	long long deadline = now_ms() + ms;

	while (consumer_get(&c->handled) <= seen) {
		if (now_ms() >= deadline)
			return -1;
		usleep(1000);
	}
	return 0;
}

#define CONCURRENT_RECORDS	160

TEST_F_TIMEOUT(mgmt, slow_consumer_process_answers_while_appending, 60)
{
	struct consumer *cp;
	struct clfs_stream_info si;
	struct clfs_mgmt_info mi;
	int i, ret = 0, seen, enospc = 0, waited = 0, status;
	long long deadline = now_ms() + 20000;
	pid_t pid;

	slow_consumer_log(_metadata, self);
	cp = mmap(NULL, sizeof(*cp), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(cp != MAP_FAILED);
#define c (*cp)
	c.stream = self->stream;
	c.m = marshal_create(self->stream);
	ASSERT_LE(0, c.m);
	/* Not into the shared page: the child would store its 0 there. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		consumer_main(cp);
		_exit(0);
	}

	while (self->nr < CONCURRENT_RECORDS && now_ms() < deadline) {
		ret = rec_append(self);
		if (!ret)
			continue;
		if (ret != -ENOSPC)
			break;
		enospc++;
		seen = consumer_get(&c.handled);
		__atomic_fetch_add(&c.enospc, 1, __ATOMIC_SEQ_CST);
		if (!ioctl(self->stream, CLFS_IOC_MGMT_HANDLE_FULL))
			continue;	/* room came back meanwhile */
		if (errno != EINPROGRESS) {
			ret = -errno;
			break;
		}
		waited++;
		if (wait_handled(&c, seen, EVENT_MS)) {
			ret = -ETIMEDOUT;
			break;
		}
		ret = 0;
	}
	__atomic_store_n(&c.stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	close(c.m);

	EXPECT_EQ(0, ret);
	EXPECT_EQ(CONCURRENT_RECORDS, self->nr);
	EXPECT_EQ(0, c.errors) {
		TH_LOG("consumer errors (bits): %#x", c.errors);
	}
	EXPECT_EQ(0, c.bad_status);
	TH_LOG("%d records, %d ENOSPC, %d waits, %d requests",
	       self->nr, enospc, waited, c.nr_targets);
	/* The log was full and the lazy consumer made room, many times. */
	EXPECT_LE(1, enospc);
	EXPECT_LE(1, waited);
	EXPECT_EQ(waited, c.handled);
	EXPECT_LE(3, c.nr_targets);
	for (i = 0; i < c.nr_targets; i++) {
		EXPECT_LE(0, rec_index(self, c.targets[i])) {
			TH_LOG("target %d %#llx is no record", i,
			       (unsigned long long)c.targets[i]);
		}
		if (i)
			EXPECT_LT(c.targets[i - 1], c.targets[i]);
	}
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(4, mi.nr_containers);
	EXPECT_EQ(2, mi.grown);
	EXPECT_LE((__u64)c.nr_targets, mi.requests_sent);
	EXPECT_GE((__u64)c.nr_targets + 1, mi.requests_sent);
	ASSERT_EQ(0, stream_query(self->stream, &si));
	/* The last request may have come after the last record. */
	EXPECT_LE(c.nr_targets - 1, c.answered);
	if (c.answered)
		EXPECT_EQ(c.targets[c.answered - 1], si.base_lsn);
	EXPECT_EQ(self->lsn[self->nr - 1], si.last_lsn);
	check_record(_metadata, self, self->m, self->lsn[self->nr - 1]);
#undef c
	munmap(cp, sizeof(*cp));
}

TEST_F(mgmt, pinned_by_tail_failure_then_unpinned)
{
	struct clfs_ioc_mgmt r = { 0 };
	struct clfs_stream_info si;
	struct clfs_mgmt_info mi;
	struct clfs_event ev;
	__u32 oldest;
	__u64 target;

	/*
	 * Three containers and no AUTO_GROW: the request comes when the head
	 * takes the third, with the boundary at the second, whose records
	 * are all written by then.
	 */
	make_log(_metadata, self, 3);
	ASSERT_EQ(0, mgmt_register(self->stream));
	fill_log(_metadata, self);
	oldest = oldest_active(self->log);
	ASSERT_EQ(rec_cid(self, 0), oldest);
	ASSERT_EQ(oldest + 2, rec_cid(self, self->nr - 1));

	ASSERT_EQ(1, next_event(self->stream, EVENT_MS, &ev));
	check_event(_metadata, &ev, CLFS_EVENT_ADVANCE_TAIL, 0);
	target = expected_target(self, oldest + 1);
	EXPECT_EQ(target, ev.lsn);
	check_record(_metadata, self, self->m, ev.lsn);

	/* The pending request shows in the stream and log queries. */
	ASSERT_EQ(0, stream_query(self->stream, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT | CLFS_STREAM_MGMT_REQUEST,
		  si.mgmt_flags);
	EXPECT_EQ(ev.lsn, si.tail_request_lsn);
	EXPECT_EQ(0, si.reserved2);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(CLFS_MGMT_FULL, mi.flags);
	EXPECT_EQ(1, mi.nr_requests);
	EXPECT_EQ(1, mi.nr_clients);
	EXPECT_EQ(0, mi.nr_free);
	EXPECT_EQ(0, mi.grown);

	EXPECT_ERRNO(EINPROGRESS, ioctl(self->stream, CLFS_IOC_MGMT_HANDLE_FULL));
	EXPECT_EQ(0, next_event(self->stream, QUIET_MS, &ev));

	/* Bad failure reports change nothing. */
	r.status = -EBUSY;
	r.flags = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->stream, CLFS_IOC_MGMT_TAIL_FAILURE, &r));
	r.flags = 0;
	r.reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->stream, CLFS_IOC_MGMT_TAIL_FAILURE, &r));
	ASSERT_EQ(0, stream_query(self->stream, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT | CLFS_STREAM_MGMT_REQUEST |
		  CLFS_STREAM_MGMT_WAITING, si.mgmt_flags);

	/* The only stream cannot move: pinned, the waiter gets -ENOSPC. */
	ASSERT_EQ(0, tail_failure(self->stream, -EBUSY));
	ASSERT_EQ(1, next_event(self->stream, EVENT_MS, &ev));
	check_event(_metadata, &ev, CLFS_EVENT_LOG_FULL_HANDLED, -ENOSPC);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(CLFS_MGMT_FULL | CLFS_MGMT_PINNED, mi.flags);
	EXPECT_EQ(1, mi.pinned_events);
	EXPECT_EQ(0, mi.nr_requests);
	EXPECT_EQ(0, mi.nr_waiting);
	ASSERT_EQ(0, stream_query(self->stream, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT | CLFS_STREAM_MGMT_FAILED,
		  si.mgmt_flags);
	EXPECT_EQ(CLFS_LSN_NULL, si.tail_request_lsn);
	EXPECT_EQ(-ENOSPC, rec_append(self));
	EXPECT_TRUE(no_event_pending(self->stream));

	/* The tail moves after all: unpinned, the failure forgotten. */
	ASSERT_EQ(0, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, target));
	ASSERT_EQ(1, next_event(self->stream, EVENT_MS, &ev));
	check_event(_metadata, &ev, CLFS_EVENT_LOG_UNPINNED, 0);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(0, mi.flags);
	EXPECT_EQ(1, mi.nr_free);
	EXPECT_EQ(1, mi.pinned_events);
	ASSERT_EQ(0, stream_query(self->stream, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT, si.mgmt_flags);
	EXPECT_EQ(CLFS_LSN_NULL, si.tail_request_lsn);
	EXPECT_TRUE(no_event_pending(self->stream));
	EXPECT_EQ(0, ioctl(self->stream, CLFS_IOC_MGMT_HANDLE_FULL));
	ASSERT_EQ(0, rec_append(self));
}

/* ---- auto-shrink ------------------------------------------------------- */

/*
 * docs/management.md, "Shrink": after a tail move frees containers, free
 * containers are removed, highest physical slot first, while at least
 * shrink_free_pct percent of the size is free, the size is above the
 * minimum, and more than one usable free container remains.
 */
static __u32 shrink_rule(__u32 size, __u32 nr_free, __u32 held, __u32 min,
			 __u32 pct)
{
	while (size > min && nr_free - held > 1 && nr_free * 100 >= pct * size) {
		size--;
		nr_free--;
	}
	return size;
}

/* Wait until the log has @size containers (up to 2 s), then check it stays. */
static __u32 settle_size(int log, __u32 size)
{
	struct clfs_mgmt_info mi;
	long long end = now_ms() + 2000;

	do {
		if (mgmt_query(log, &mi))
			return 0;
		if (mi.nr_containers == size)
			break;
		msleep(20);
	} while (now_ms() < end);
	msleep(200);
	if (mgmt_query(log, &mi))
		return 0;
	return mi.nr_containers;
}

/*
 * Advance the base to @lsn and check the shrink against the rule: the
 * containers the move frees are computed from a scan before it, the slots
 * removed are the highest free ones.
 */
static void advance_and_check_shrink(struct __test_metadata *_metadata,
				     struct _test_data_mgmt *self, __u64 lsn,
				     __u32 min, __u32 pct, __u64 *shrunk)
{
	struct clfs_container_info before[16], after[16];
	struct clfs_mgmt_info mi;
	__u32 size, nr_free, want, got;
	int i, n0, n, removed = 0;

	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	n0 = scan(self->log, before, ARRAY_SIZE(before));
	ASSERT_EQ((int)mi.nr_containers, n0);
	size = mi.nr_containers;
	nr_free = 0;
	for (i = 0; i < n0; i++) {
		if (before[i].state == CLFS_CONTAINER_ACTIVE &&
		    before[i].logical_id < clfs_lsn_container(lsn)) {
			before[i].state = CLFS_CONTAINER_FREE;
			before[i].logical_id = 0;
		}
		nr_free += before[i].state == CLFS_CONTAINER_FREE;
	}
	want = shrink_rule(size, nr_free, mi.nr_held, min, pct);
	TH_LOG("base -> %#llx: %u containers, %u free after the move; rule: %u",
	       (unsigned long long)lsn, size, nr_free, want);

	ASSERT_EQ(0, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, lsn));
	got = settle_size(self->log, want);
	EXPECT_EQ(want, got);
	EXPECT_LE(min, got);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(want, mi.nr_containers);
	EXPECT_EQ(nr_free - (size - want), mi.nr_free);
	*shrunk += size - want;
	EXPECT_EQ(*shrunk, mi.shrunk);

	for (i = n0 - 1; i >= 0 && removed < (int)(size - want); i--)
		if (before[i].state == CLFS_CONTAINER_FREE) {
			before[i].state = 0;
			removed++;
		}
	n = scan(self->log, after, ARRAY_SIZE(after));
	ASSERT_EQ((int)want, n);
	for (i = 0, n = 0; i < n0; i++) {
		if (!before[i].state)
			continue;
		EXPECT_EQ(before[i].physical_id, after[n].physical_id);
		EXPECT_EQ(before[i].state, after[n].state);
		EXPECT_EQ(before[i].logical_id, after[n].logical_id);
		n++;
	}
}

TEST_F(mgmt, auto_shrink_follows_the_shrink_rule)
{
	struct clfs_policy p = {
		.installed = CLFS_POLICY_MIN_SIZE,
		.min_containers = 3,
	};
	struct clfs_log_info li;
	__u64 shrunk = 0;
	__u32 result;
	int i;

	make_log(_metadata, self, 4);
	ASSERT_EQ(0, set_size(self->log, 8, &result));
	ASSERT_EQ(8, result);
	ASSERT_EQ(0, policy_install(self->log, &p));
	append_across(_metadata, self, 5);
	ASSERT_EQ(0, log_query(self->log, &li));
	ASSERT_EQ(5, li.nr_active);
	ASSERT_EQ(8, li.nr_containers);
	/* 3 of 8 free, below 50%: installing it shrinks nothing. */
	memset(&p, 0, sizeof(p));
	p.installed = CLFS_POLICY_AUTO_SHRINK;
	p.shrink_free_pct = 50;
	ASSERT_EQ(0, policy_install(self->log, &p));
	ASSERT_EQ(8, settle_size(self->log, 8));

	/*
	 * Free one container: 4 of 8 free is 50%, one goes; 3 of 7 is not:
	 * the percentage stops the shrink at 7.
	 */
	for (i = 0; rec_cid(self, i) == rec_cid(self, 0); i++)
		;
	advance_and_check_shrink(_metadata, self, self->lsn[i], 3, 50, &shrunk);
	EXPECT_EQ(1, shrunk);

	/* Everything but the last record's container: the minimum stops it. */
	advance_and_check_shrink(_metadata, self, self->lsn[self->nr - 1], 3, 50,
				 &shrunk);
	ASSERT_EQ(0, log_query(self->log, &li));
	EXPECT_EQ(3, li.nr_containers);
	EXPECT_EQ(1, li.nr_active);
	check_record(_metadata, self, self->m, self->lsn[self->nr - 1]);
	/* And the log still works. */
	ASSERT_EQ(0, rec_append(self));
}

/* ---- event ABI edges --------------------------------------------------- */

TEST_F(mgmt, event_read_sizes_and_nonblocking)
{
	struct clfs_event ev, two[2];
	struct pollfd pfd;
	char small[sizeof(struct clfs_event) - 1];

	make_log(_metadata, self, 3);
	ASSERT_EQ(0, mgmt_register(self->stream));

	/* Nothing pending: poll() reports nothing, O_NONBLOCK read EAGAIN. */
	pfd.fd = self->stream;
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, set_nonblock(self->stream, 1));
	EXPECT_ERRNO(EAGAIN, read(self->stream, &ev, sizeof(ev)));
	ASSERT_EQ(0, set_nonblock(self->stream, 0));

	fill_log(_metadata, self);
	pfd.revents = 0;
	ASSERT_EQ(1, poll(&pfd, 1, EVENT_MS));
	ASSERT_TRUE(pfd.revents & POLLIN);
	/* Too small for one event: EINVAL, and the event stays. */
	EXPECT_ERRNO(EINVAL, read(self->stream, small, sizeof(small)));
	EXPECT_ERRNO(EINVAL, read(self->stream, small, 1));
	pfd.revents = 0;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	/* Room for two, one pending: one event. */
	memset(two, 0xff, sizeof(two));
	EXPECT_EQ((ssize_t)sizeof(ev), read(self->stream, two, sizeof(two)));
	check_event(_metadata, &two[0], CLFS_EVENT_ADVANCE_TAIL, 0);
	EXPECT_EQ(expected_target(self, rec_cid(self, 0) + 1), two[0].lsn);
	/* Consumed. */
	pfd.revents = 0;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_TRUE(no_event_pending(self->stream));
}

TEST_F(mgmt, register_once_per_stream)
{
	struct clfs_ioc_mgmt r;
	struct clfs_stream_info si;
	struct clfs_mgmt_info mi;
	unsigned int i;
	int other;

	make_log(_metadata, self, 2);
	other = stream_open(self->log, self->sid);
	ASSERT_LE(0, other);

	/* Unknown flags and reserved fields. */
	memset(&r, 0, sizeof(r));
	r.flags = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->stream, CLFS_IOC_MGMT_REGISTER, &r));
	r.flags = 1U << 31;
	EXPECT_ERRNO(EINVAL, ioctl(self->stream, CLFS_IOC_MGMT_REGISTER, &r));
	for (i = 0; i < ARRAY_SIZE(r.reserved); i++) {
		memset(&r, 0, sizeof(r));
		r.reserved[i] = 1;
		EXPECT_ERRNO(EINVAL, ioctl(self->stream, CLFS_IOC_MGMT_REGISTER,
					   &r));
	}
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(0, mi.nr_clients);

	/* One client per stream, whichever descriptor. */
	ASSERT_EQ(0, mgmt_register(self->stream));
	EXPECT_ERRNO(EBUSY, mgmt_register(self->stream));
	EXPECT_ERRNO(EBUSY, mgmt_register(other));
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(1, mi.nr_clients);
	ASSERT_EQ(0, stream_query(other, &si));
	EXPECT_EQ(CLFS_STREAM_MGMT_CLIENT, si.mgmt_flags);

	/* Deregistering frees the place. */
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_MGMT_DEREGISTER));
	ASSERT_EQ(0, stream_query(other, &si));
	EXPECT_EQ(0, si.mgmt_flags);
	ASSERT_EQ(0, mgmt_register(other));
	EXPECT_ERRNO(EBUSY, mgmt_register(self->stream));

	/* So does closing the registered descriptor. */
	close(other);
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(0, mi.nr_clients);
	ASSERT_EQ(0, mgmt_register(self->stream));
	ASSERT_EQ(0, mgmt_query(self->log, &mi));
	EXPECT_EQ(1, mi.nr_clients);
}

TEST_HARNESS_MAIN
