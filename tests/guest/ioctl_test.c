// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: the /dev/clfs ioctl ABI 0.2 as include/uapi/linux/clfs.h
 * documents it: every ioctl's success path, and bad inputs (pointers,
 * reserved fields, flags, LSNs, descriptor kinds, sizes, access modes,
 * limits, privilege), each checked for its errno and for leaving the log
 * and stream exactly as they were.
 *
 * Every test formats its own log on the disk (the first of /dev/vda and
 * /dev/nvme0n1 that exists) and closes everything it opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

#define CONT_BYTES	(1024 * 1024ULL)
#define NR_CONT		8
#define NR_LSN		4
#define KERNEL_ADDR	0xffff888000000000UL

static int log_create(int ctl, const char *path, __u32 flags)
{
	struct clfs_ioc_log_create c = {
		.path = PTR(path),
		.params = {
			.container_bytes = CONT_BYTES,
			.nr_containers = NR_CONT,
			.flags = flags,
		},
	};

	return ioctl(ctl, CLFS_IOC_LOG_CREATE, &c);
}

static int stream_create(int log, __u32 *id)
{
	struct clfs_ioc_stream s = { 0 };
	int ret = ioctl(log, CLFS_IOC_STREAM_CREATE, &s);

	*id = s.stream_id;
	return ret;
}

static int marshal_create(int stream, __u32 block_bytes, __u32 max_read)
{
	struct clfs_ioc_marshal m = {
		.block_bytes = block_bytes,
		.max_read_buffers = max_read,
	};

	return ioctl(stream, CLFS_IOC_MARSHAL_CREATE, &m);
}

static void append_init(struct clfs_ioc_append *a, struct clfs_ioc_entry *e,
			const void *buf, __u32 bytes)
{
	memset(a, 0, sizeof(*a));
	memset(e, 0, sizeof(*e));
	e->buf = PTR(buf);
	e->bytes = bytes;
	a->entries = PTR(e);
	a->nr_entries = 1;
	a->type = CLFS_RECORD_DATA;
}

static int append(int m, const void *buf, __u32 bytes, __u32 flags, __u64 *lsn)
{
	struct clfs_ioc_append a;
	struct clfs_ioc_entry e;
	int ret;

	append_init(&a, &e, buf, bytes);
	a.flags = flags;
	ret = ioctl(m, CLFS_IOC_APPEND, &a);
	if (lsn)
		*lsn = a.lsn;
	return ret;
}

static int flush(int m)
{
	struct clfs_ioc_flush f = { .lsn = CLFS_LSN_NULL };

	return ioctl(m, CLFS_IOC_FLUSH, &f);
}

static int set_lsn(int fd, unsigned long cmd, __u64 lsn)
{
	struct clfs_ioc_lsn l = { .lsn = lsn };

	return ioctl(fd, cmd, &l);
}

/* Open a read context on @lsn; returns its descriptor or -1. */
static int read_record(int m, __u64 lsn, __u32 mode, void *buf, __u32 bytes,
		       struct clfs_ioc_record *out)
{
	struct clfs_ioc_read r = {
		.lsn = lsn,
		.mode = mode,
		.filter = CLFS_FILTER_ALL,
		.rec = { .buf = PTR(buf), .buf_bytes = bytes },
	};
	int ret = ioctl(m, CLFS_IOC_READ_RECORD, &r);

	if (out)
		*out = r.rec;
	return ret;
}

static int read_rec(int ctx, unsigned long cmd, void *buf, __u32 bytes,
		    struct clfs_ioc_record *out)
{
	struct clfs_ioc_record r = { .buf = PTR(buf), .buf_bytes = bytes };
	int ret = ioctl(ctx, cmd, &r);

	if (out)
		*out = r;
	return ret;
}

/* State of the log and stream, to prove a refused call changed nothing. */
struct snap {
	struct clfs_log_info li;
	struct clfs_stream_info si;
};

static void take_snap(struct __test_metadata *_metadata, int log, int stream,
		      struct snap *s)
{
	memset(s, 0, sizeof(*s));
	ASSERT_EQ(0, ioctl(log, CLFS_IOC_LOG_QUERY, &s->li));
	ASSERT_EQ(0, ioctl(stream, CLFS_IOC_STREAM_QUERY, &s->si));
}

static void check_same(struct __test_metadata *_metadata, int log, int stream,
		       const struct snap *a)
{
	struct snap b;

	take_snap(_metadata, log, stream, &b);
	EXPECT_EQ(a->li.head_lsn, b.li.head_lsn);
	EXPECT_EQ(a->li.flushed_lsn, b.li.flushed_lsn);
	EXPECT_EQ(a->li.generation, b.li.generation);
	EXPECT_EQ(a->li.blocks_written, b.li.blocks_written);
	EXPECT_EQ(a->li.nr_containers, b.li.nr_containers);
	EXPECT_EQ(a->li.nr_active, b.li.nr_active);
	EXPECT_EQ(a->li.nr_free, b.li.nr_free);
	EXPECT_EQ(a->li.flags, b.li.flags);
	EXPECT_EQ(0, memcmp(a->li.uuid, b.li.uuid, sizeof(b.li.uuid)));
	EXPECT_EQ(a->si.created_lsn, b.si.created_lsn);
	EXPECT_EQ(a->si.base_lsn, b.si.base_lsn);
	EXPECT_EQ(a->si.last_lsn, b.si.last_lsn);
	EXPECT_EQ(a->si.archive_tail_lsn, b.si.archive_tail_lsn);
	EXPECT_EQ(a->si.restart_lsn, b.si.restart_lsn);
	EXPECT_EQ(a->si.flushed_lsn, b.si.flushed_lsn);
	EXPECT_EQ(a->si.reserved_bytes, b.si.reserved_bytes);
	EXPECT_EQ(a->si.reserved_records, b.si.reserved_records);
}

/* NULL, the first page, an unmapped user page and a kernel address. */
static void bad_ptrs(void *p[4])
{
	void *u = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(u, 4096);
	p[0] = NULL;
	p[1] = (void *)1;
	p[2] = u;
	p[3] = (void *)KERNEL_ADDR;
}

/*
 * A multiplexed log of 8 1 MiB containers, one stream, one marshalling
 * area (64 KiB blocks) and four records: lsn[0..2] in one block made
 * durable by FORCE_FLUSH, lsn[3] in a later block, flushed.
 */
FIXTURE(clfs) {
	int ctl, log, stream, m;
	__u32 sid;
	__u64 lsn[NR_LSN];
	const char *path;
};

FIXTURE_SETUP(clfs)
{
	char buf[32];
	int i;

	self->log = self->stream = self->m = -1;
	self->path = disk();
	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	ASSERT_EQ(0, log_create(self->ctl, self->path, CLFS_LOG_MULTIPLEXED));
	self->log = log_open(self->ctl, self->path, 0);
	ASSERT_LE(0, self->log);
	ASSERT_EQ(0, stream_create(self->log, &self->sid));
	self->stream = stream_open(self->log, self->sid);
	ASSERT_LE(0, self->stream);
	self->m = marshal_create(self->stream, 0, 0);
	ASSERT_LE(0, self->m);
	for (i = 0; i < NR_LSN; i++) {
		snprintf(buf, sizeof(buf), "record %d", i);
		ASSERT_EQ(0, append(self->m, buf, strlen(buf),
				    i == 2 ? CLFS_APPEND_FORCE_FLUSH : 0,
				    &self->lsn[i]));
		ASSERT_TRUE(clfs_lsn_is_valid(self->lsn[i]));
		if (i)
			ASSERT_LT(self->lsn[i - 1], self->lsn[i]);
	}
	ASSERT_EQ(0, flush(self->m));
	/* The flushed block is never rewritten: lsn[3] is in a later one. */
	ASSERT_NE(clfs_lsn_block(self->lsn[2]), clfs_lsn_block(self->lsn[3]));
}

FIXTURE_TEARDOWN(clfs)
{
	close_fd(&self->m);
	close_fd(&self->stream);
	close_fd(&self->log);
	close_fd(&self->ctl);
}

/* An LSN inside the first block that names no record, before the last. */
#define HOLE_LSN(self)	((self)->lsn[2] + 1)
/* An LSN after the stream's last record. */
#define AFTER_LSN(self)	((self)->lsn[3] + 1)

/* ---- success paths ---------------------------------------------------- */

TEST_F(clfs, log_query_reports_geometry_and_zero_reserved)
{
	struct clfs_log_info li;
	unsigned int i;

	memset(&li, 0xff, sizeof(li));
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_EQ(CLFS_LOG_MULTIPLEXED, li.flags);
	EXPECT_EQ(CONT_BYTES, li.container_bytes);
	EXPECT_EQ(NR_CONT, li.nr_containers);
	EXPECT_EQ(NR_CONT, li.nr_active + li.nr_free);
	EXPECT_TRUE(li.sector_bytes == 512 || li.sector_bytes == 4096);
	EXPECT_LT(self->lsn[3], li.flushed_lsn);
	EXPECT_LE(li.flushed_lsn, li.head_lsn);
	EXPECT_LE(2, li.blocks_written);
	EXPECT_EQ(0, li.reserved0);
	for (i = 0; i < ARRAY_SIZE(li.reserved); i++)
		EXPECT_EQ(0, li.reserved[i]);
}

TEST_F(clfs, stream_query_reports_records_and_zero_reserved)
{
	struct clfs_stream_info si;
	unsigned int i;

	memset(&si, 0xff, sizeof(si));
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(self->sid, si.stream_id);
	EXPECT_EQ(self->lsn[3], si.last_lsn);
	EXPECT_EQ(CLFS_LSN_NULL, si.restart_lsn);
	EXPECT_EQ(CLFS_LSN_NULL, si.archive_tail_lsn);
	EXPECT_LE(si.created_lsn, self->lsn[0]);
	EXPECT_LT(self->lsn[3], si.flushed_lsn);
	EXPECT_EQ(0, si.reserved_bytes);
	EXPECT_EQ(0, si.reserved_records);
	EXPECT_EQ(0, si.reserved0);
	EXPECT_EQ(0, si.reserved1);
	for (i = 0; i < ARRAY_SIZE(si.reserved); i++)
		EXPECT_EQ(0, si.reserved[i]);
}

TEST_F(clfs, stream_create_open_delete)
{
	struct clfs_ioc_stream s;
	struct clfs_stream_info si;
	unsigned int i;
	int fd;

	memset(&s, 0xff, sizeof(s));
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_STREAM_CREATE, &s));
	EXPECT_NE(self->sid, s.stream_id);
	EXPECT_GE(CLFS_MAX_STREAM_ID, s.stream_id);
	EXPECT_EQ(0, s.flags);
	for (i = 0; i < ARRAY_SIZE(s.reserved); i++)
		EXPECT_EQ(0, s.reserved[i]);
	fd = stream_open(self->log, s.stream_id);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, ioctl(fd, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(s.stream_id, si.stream_id);
	EXPECT_EQ(CLFS_LSN_NULL, si.last_lsn);
	close(fd);
	s.flags = 0;
	memset(s.reserved, 0, sizeof(s.reserved));
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_STREAM_DELETE, &s));
	EXPECT_EQ(-1, stream_open(self->log, s.stream_id));
	/* The other stream is untouched. */
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(self->lsn[3], si.last_lsn);
}

TEST_F(clfs, containers_add_scan_remove)
{
	struct clfs_container_info info[NR_CONT + 4];
	struct clfs_ioc_container_scan sc;
	struct clfs_ioc_containers c = { .count = 2 };
	struct clfs_log_info li;
	__u32 ids[2];
	unsigned int i, n = 0;

	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_CONTAINER_ADD, &c));
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_EQ(NR_CONT + 2, li.nr_containers);

	memset(info, 0xff, sizeof(info));
	memset(&sc, 0, sizeof(sc));
	sc.info = PTR(info);
	sc.max = ARRAY_SIZE(info);
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_CONTAINER_SCAN, &sc));
	EXPECT_EQ(NR_CONT + 2, sc.count);
	EXPECT_EQ(0, sc.reserved0);
	for (i = 0; i < sc.count && i < ARRAY_SIZE(info); i++) {
		EXPECT_EQ(0, info[i].reserved0);
		EXPECT_TRUE(info[i].state == CLFS_CONTAINER_FREE ||
			    info[i].state == CLFS_CONTAINER_ACTIVE);
		if (info[i].state == CLFS_CONTAINER_FREE)
			EXPECT_EQ(0, info[i].logical_id);
		EXPECT_EQ(0, info[i].device_offset % li.sector_bytes);
		if (i)
			EXPECT_LT(info[i - 1].physical_id, info[i].physical_id);
	}
	/* Remove the two free containers with the highest ids. */
	for (i = sc.count; i-- > 0 && n < 2;)
		if (i < ARRAY_SIZE(info) && info[i].state == CLFS_CONTAINER_FREE)
			ids[n++] = info[i].physical_id;
	ASSERT_EQ(2, n);
	c.count = 2;
	c.ids = PTR(ids);
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_CONTAINER_REMOVE, &c));
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_EQ(NR_CONT, li.nr_containers);
	/* An active container is still needed. */
	for (i = 0; i < NR_CONT + 2; i++)
		if (info[i].state == CLFS_CONTAINER_ACTIVE)
			break;
	ASSERT_GT(NR_CONT + 2, i);
	ids[0] = info[i].physical_id;
	c.count = 1;
	EXPECT_ERRNO(EBUSY, ioctl(self->log, CLFS_IOC_CONTAINER_REMOVE, &c));
	c.count = CLFS_SCAN_MAX + 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_CONTAINER_REMOVE, &c));
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_EQ(NR_CONT, li.nr_containers);

	sc.max = CLFS_SCAN_MAX + 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_CONTAINER_SCAN, &sc));
	/*
	 * @count is documented as out only (it is no reserved field): what
	 * the caller left in it must not matter.
	 */
	memset(&sc, 0, sizeof(sc));
	sc.info = PTR(info);
	sc.max = ARRAY_SIZE(info);
	sc.count = 0xffffffff;
	EXPECT_EQ(0, ioctl(self->log, CLFS_IOC_CONTAINER_SCAN, &sc)) {
		TH_LOG("scan with count %#x on input: errno %d", 0xffffffff, errno);
	}
	EXPECT_EQ(NR_CONT, sc.count);
}

TEST_F(clfs, append_gather_and_read_forward_previous_current)
{
	static const char *const parts[] = { "abc", "defg", "hi" };
	struct clfs_ioc_entry e[3];
	struct clfs_ioc_append a;
	struct clfs_ioc_record rec;
	__u64 l1, l2;
	char buf[64];
	unsigned int i;
	int ctx;

	memset(&a, 0, sizeof(a));
	memset(e, 0, sizeof(e));
	for (i = 0; i < 3; i++) {
		e[i].buf = PTR(parts[i]);
		e[i].bytes = strlen(parts[i]);
	}
	a.entries = PTR(e);
	a.nr_entries = 3;
	a.type = CLFS_RECORD_DATA;
	a.prev_lsn = self->lsn[3];
	a.undo_next_lsn = self->lsn[1];
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_APPEND, &a));
	l1 = a.lsn;
	EXPECT_LT(self->lsn[3], l1);
	for (i = 0; i < ARRAY_SIZE(a.reserved); i++)
		EXPECT_EQ(0, a.reserved[i]);

	/* entry_align 8: each entry starts on an 8-byte boundary. */
	a.nr_entries = 2;
	a.entry_align = 8;
	a.prev_lsn = l1;
	a.undo_next_lsn = CLFS_LSN_INVALID;
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_APPEND, &a));
	l2 = a.lsn;
	EXPECT_LT(l1, l2);

	memset(buf, 0x55, sizeof(buf));
	ctx = read_record(self->m, l1, CLFS_READ_FORWARD, buf, sizeof(buf), &rec);
	ASSERT_LE(0, ctx);
	EXPECT_EQ(FD_CLOEXEC, fcntl(ctx, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(CLFS_RECORD_DATA, rec.type);
	EXPECT_EQ(l1, rec.lsn);
	EXPECT_EQ(self->lsn[3], rec.prev_lsn);
	EXPECT_EQ(self->lsn[1], rec.undo_next_lsn);
	EXPECT_EQ(9, rec.data_bytes);
	EXPECT_EQ(0, memcmp(buf, "abcdefghi", 9));
	EXPECT_EQ(0x55, (unsigned char)buf[9]);

	memset(buf, 0x55, sizeof(buf));
	memset(&rec, 0xff, sizeof(rec));
	rec.buf = PTR(buf);
	rec.buf_bytes = sizeof(buf);
	rec.reserved0 = 0;
	memset(rec.reserved, 0, sizeof(rec.reserved));
	ASSERT_EQ(0, ioctl(ctx, CLFS_IOC_READ_NEXT, &rec));
	EXPECT_EQ(l2, rec.lsn);
	EXPECT_EQ(CLFS_RECORD_DATA, rec.type);
	EXPECT_EQ(l1, rec.prev_lsn);
	EXPECT_EQ(CLFS_LSN_INVALID, rec.undo_next_lsn);
	EXPECT_EQ(12, rec.data_bytes);
	EXPECT_EQ(0, memcmp(buf, "abc\0\0\0\0\0defg", 12));
	EXPECT_EQ(0, rec.reserved0);

	/* The end of the stream. */
	EXPECT_ERRNO(ENODATA, read_rec(ctx, CLFS_IOC_READ_NEXT, buf,
				       sizeof(buf), NULL));
	/* Again the current one. */
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, read_rec(ctx, CLFS_IOC_READ_CURRENT, buf, sizeof(buf), &rec));
	EXPECT_EQ(l2, rec.lsn);
	EXPECT_EQ(0, memcmp(buf, "abc\0\0\0\0\0defg", 12));
	close(ctx);

	/* Backwards along previous LSNs. */
	ctx = read_record(self->m, l2, CLFS_READ_PREVIOUS, buf, sizeof(buf), &rec);
	ASSERT_LE(0, ctx);
	ASSERT_EQ(0, read_rec(ctx, CLFS_IOC_READ_NEXT, buf, sizeof(buf), &rec));
	EXPECT_EQ(l1, rec.lsn);
	ASSERT_EQ(0, read_rec(ctx, CLFS_IOC_READ_NEXT, buf, sizeof(buf), &rec));
	EXPECT_EQ(self->lsn[3], rec.lsn);
	EXPECT_EQ(0, memcmp(buf, "record 3", 8));
	close(ctx);

	/* Along undo-next LSNs: l1 -> lsn[1]. */
	ctx = read_record(self->m, l1, CLFS_READ_UNDO_NEXT, buf, sizeof(buf), &rec);
	ASSERT_LE(0, ctx);
	ASSERT_EQ(0, read_rec(ctx, CLFS_IOC_READ_NEXT, buf, sizeof(buf), &rec));
	EXPECT_EQ(self->lsn[1], rec.lsn);
	close(ctx);
}

TEST_F(clfs, flush_makes_everything_durable)
{
	struct clfs_ioc_flush f;
	struct clfs_log_info li;
	__u64 lsn;

	ASSERT_EQ(0, append(self->m, "x", 1, 0, &lsn));
	memset(&f, 0, sizeof(f));
	f.lsn = lsn;
	f.flushed_lsn = 0;
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_FLUSH, &f));
	EXPECT_LT(lsn, f.flushed_lsn);
	EXPECT_EQ(0, f.reserved[0]);
	EXPECT_EQ(0, f.reserved[1]);
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_LE(f.flushed_lsn, li.flushed_lsn);
	/* Flushing all with nothing pending is fine too. */
	ASSERT_EQ(0, flush(self->m));
}

TEST_F(clfs, restart_write_read_and_new_base)
{
	struct clfs_ioc_restart r;
	struct clfs_ioc_record rec;
	struct clfs_stream_info si;
	__u64 r1, r2;
	char buf[16];
	int ctx;

	EXPECT_ERRNO(ENODATA, read_rec(self->m, CLFS_IOC_RESTART_READ, buf,
				       sizeof(buf), NULL));
	memset(&r, 0, sizeof(r));
	r.buf = PTR("R1");
	r.bytes = 2;
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_RESTART_WRITE, &r));
	r1 = r.lsn;
	r.buf = PTR("R2");
	r.new_base = self->lsn[1];
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_RESTART_WRITE, &r));
	r2 = r.lsn;
	EXPECT_LT(r1, r2);
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(r2, si.restart_lsn);
	EXPECT_EQ(self->lsn[1], si.base_lsn);
	EXPECT_EQ(r2, si.last_lsn);

	memset(buf, 0, sizeof(buf));
	ctx = read_rec(self->m, CLFS_IOC_RESTART_READ, buf, sizeof(buf), &rec);
	ASSERT_LE(0, ctx);
	EXPECT_EQ(CLFS_RECORD_RESTART, rec.type);
	EXPECT_EQ(r2, rec.lsn);
	EXPECT_EQ(r1, rec.prev_lsn);
	EXPECT_EQ(2, rec.data_bytes);
	EXPECT_EQ(0, memcmp(buf, "R2", 2));
	ASSERT_EQ(0, read_rec(ctx, CLFS_IOC_READ_NEXT, buf, sizeof(buf), &rec));
	EXPECT_EQ(r1, rec.lsn);
	EXPECT_EQ(0, memcmp(buf, "R1", 2));
	EXPECT_ERRNO(ENODATA, read_rec(ctx, CLFS_IOC_READ_NEXT, buf,
				       sizeof(buf), NULL));
	close(ctx);
}

TEST_F(clfs, advance_base_and_bad_bases)
{
	struct clfs_stream_info si;
	struct snap s;
	char buf[16];

	ASSERT_EQ(0, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, self->lsn[1]));
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(self->lsn[1], si.base_lsn);
	EXPECT_ERRNO(ERANGE, read_record(self->m, self->lsn[0],
					 CLFS_READ_FORWARD, buf, sizeof(buf),
					 NULL));
	/* Equal to the current base: nothing changes. */
	ASSERT_EQ(0, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, self->lsn[1]));

	take_snap(_metadata, self->log, self->stream, &s);
	EXPECT_ERRNO(ERANGE, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, self->lsn[0]));
	EXPECT_ERRNO(EINVAL, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, CLFS_LSN_NULL));
	EXPECT_ERRNO(EINVAL, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE,
				     CLFS_LSN_INVALID));
	EXPECT_ERRNO(EINVAL, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE,
				     CLFS_LSN_INVALID + 5));
	EXPECT_ERRNO(EINVAL, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE,
				     AFTER_LSN(self)));
	EXPECT_ERRNO(ENOENT, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE,
				     HOLE_LSN(self)));
	check_same(_metadata, self->log, self->stream, &s);

	ASSERT_EQ(0, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, self->lsn[3]));
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(self->lsn[3], si.base_lsn);
}

TEST_F(clfs, set_end_of_log_and_bad_ends)
{
	struct clfs_ioc_record rec;
	struct clfs_stream_info si;
	struct snap s;
	char buf[16];
	__u64 lsn;
	int ctx;

	take_snap(_metadata, self->log, self->stream, &s);
	EXPECT_ERRNO(EINVAL, set_lsn(self->m, CLFS_IOC_SET_END_OF_LOG, CLFS_LSN_NULL));
	EXPECT_ERRNO(EINVAL, set_lsn(self->m, CLFS_IOC_SET_END_OF_LOG,
				     CLFS_LSN_INVALID));
	EXPECT_ERRNO(EINVAL, set_lsn(self->m, CLFS_IOC_SET_END_OF_LOG,
				     AFTER_LSN(self)));
	EXPECT_ERRNO(ENOENT, set_lsn(self->m, CLFS_IOC_SET_END_OF_LOG,
				     HOLE_LSN(self)));
	check_same(_metadata, self->log, self->stream, &s);

	ASSERT_EQ(0, set_lsn(self->m, CLFS_IOC_SET_END_OF_LOG, self->lsn[1]));
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(self->lsn[1], si.last_lsn);
	EXPECT_ERRNO(ENOENT, read_record(self->m, self->lsn[2],
					 CLFS_READ_FORWARD, buf, sizeof(buf),
					 NULL));
	EXPECT_ERRNO(ENOENT, read_record(self->m, self->lsn[3],
					 CLFS_READ_FORWARD, buf, sizeof(buf),
					 NULL));
	ctx = read_record(self->m, self->lsn[1], CLFS_READ_FORWARD, buf,
			  sizeof(buf), &rec);
	ASSERT_LE(0, ctx);
	EXPECT_ERRNO(ENODATA, read_rec(ctx, CLFS_IOC_READ_NEXT, buf,
				       sizeof(buf), NULL));
	close(ctx);
	/* New records get LSNs beyond everything ever written. */
	ASSERT_EQ(0, append(self->m, "new", 3, 0, &lsn));
	EXPECT_LT(self->lsn[3], lsn);

	/* Below the base. */
	ASSERT_EQ(0, set_lsn(self->m, CLFS_IOC_ADVANCE_BASE, self->lsn[1]));
	take_snap(_metadata, self->log, self->stream, &s);
	EXPECT_ERRNO(ERANGE, set_lsn(self->m, CLFS_IOC_SET_END_OF_LOG,
				     self->lsn[0]));
	check_same(_metadata, self->log, self->stream, &s);
}

TEST_F(clfs, stream_reset_forgets_records)
{
	struct clfs_stream_info si;
	char buf[16];
	__u64 lsn;

	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_RESET));
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(CLFS_LSN_NULL, si.last_lsn);
	EXPECT_EQ(CLFS_LSN_NULL, si.base_lsn);
	EXPECT_EQ(CLFS_LSN_NULL, si.restart_lsn);
	EXPECT_LT(self->lsn[3], si.created_lsn);
	EXPECT_EQ(-1, read_record(self->m, self->lsn[0], CLFS_READ_FORWARD,
				  buf, sizeof(buf), NULL));
	ASSERT_EQ(0, append(self->m, "after", 5, 0, &lsn));
	EXPECT_LT(self->lsn[3], lsn);
}

TEST_F(clfs, reserve_align_alloc_and_reserve_only)
{
	struct clfs_ioc_reserve r;
	struct clfs_ioc_append a;
	struct clfs_ioc_entry e;
	struct clfs_stream_info si;
	__s64 sizes[2] = { 100, 200 }, more[1] = { 50 };
	char data[100] = { 0 };

	memset(&r, 0, sizeof(r));
	r.sizes = PTR(sizes);
	r.nr = 2;
	r.op = CLFS_RESERVE_ALIGN;
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_RESERVE, &r));
	EXPECT_LE(300, r.total);
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(0, si.reserved_bytes);
	EXPECT_EQ(0, si.reserved_records);

	r.op = CLFS_RESERVE_ALLOC;
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_RESERVE, &r));
	EXPECT_LE(100, sizes[0]);
	EXPECT_LE(200, sizes[1]);
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(2, si.reserved_records);
	EXPECT_EQ(sizes[0] + sizes[1], si.reserved_bytes);

	/* A record written into a reservation. */
	append_init(&a, &e, data, sizeof(data));
	a.flags = CLFS_APPEND_USE_RESERVATION;
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_APPEND, &a));
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(1, si.reserved_records);
	EXPECT_EQ(a.lsn, si.last_lsn);

	/* Reserve only: no record. */
	memset(&a, 0, sizeof(a));
	a.type = CLFS_RECORD_DATA;
	a.flags = CLFS_APPEND_RESERVE_ONLY;
	a.reserve = PTR(more);
	a.nr_reserve = 1;
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_APPEND, &a));
	EXPECT_LE(50, more[0]);
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(2, si.reserved_records);
	EXPECT_NE(CLFS_LSN_NULL, si.last_lsn);
	/* And release it again. */
	more[0] = -more[0];
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_APPEND, &a));
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(1, si.reserved_records);
}

TEST(log_create_delete_and_bad_params)
{
	struct clfs_ioc_log_create c;
	struct clfs_ioc_log_open o;
	struct clfs_log_info li, li2;
	const char *path = disk();
	static char longpath[CLFS_PATH_MAX + 16];
	int ctl, log;

	ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, log_create(ctl, path, CLFS_LOG_ARCHIVED));
	log = log_open(ctl, path, 0);
	ASSERT_LE(0, log);
	ASSERT_EQ(0, ioctl(log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_EQ(CLFS_LOG_ARCHIVED, li.flags);
	/* A second open of the device while it is open is refused. */
	EXPECT_EQ(-1, log_create(ctl, path, 0));
	memset(&o, 0, sizeof(o));
	o.path = PTR(path);
	EXPECT_EQ(-1, ioctl(ctl, CLFS_IOC_LOG_DELETE, &o));
	close(log);

	/* Bad parameters leave the log as it was. */
	memset(&c, 0, sizeof(c));
	c.path = PTR(path);
	c.params.container_bytes = CONT_BYTES;
	c.params.nr_containers = NR_CONT;
	c.params.container_bytes = 1000;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_CREATE, &c));
	c.params.container_bytes = 32 * 1024;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_CREATE, &c));
	c.params.container_bytes = CONT_BYTES;
	c.params.nr_containers = CLFS_LOG_MIN_CONTAINERS - 1;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_CREATE, &c));
	c.params.nr_containers = 1000;
	EXPECT_EQ(-1, ioctl(ctl, CLFS_IOC_LOG_CREATE, &c));
	c.params.nr_containers = NR_CONT;
	c.params.flags = 1U << 5;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_CREATE, &c));
	c.params.flags = CLFS_LOG_READ_ONLY;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_CREATE, &c));
	c.params.flags = 0;
	c.params.reserved[5] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_CREATE, &c));
	c.params.reserved[5] = 0;
	memset(longpath, '/', sizeof(longpath) - 1);
	c.path = PTR(longpath);
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_CREATE, &c));
	o.path = PTR(longpath);
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_OPEN, &o));
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_DELETE, &o));
	o.path = PTR(path);
	o.flags = 1U << 7;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_OPEN, &o));
	o.flags = CLFS_OPEN_READ_ONLY;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_DELETE, &o));
	o.flags = 0;
	o.reserved0 = 1;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_OPEN, &o));
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_DELETE, &o));
	o.reserved0 = 0;
	o.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_OPEN, &o));
	EXPECT_ERRNO(EINVAL, ioctl(ctl, CLFS_IOC_LOG_DELETE, &o));
	o.reserved[1] = 0;

	log = log_open(ctl, path, 0);
	ASSERT_LE(0, log);
	ASSERT_EQ(0, ioctl(log, CLFS_IOC_LOG_QUERY, &li2));
	EXPECT_EQ(0, memcmp(li.uuid, li2.uuid, sizeof(li.uuid)));
	EXPECT_EQ(li.flags, li2.flags);
	EXPECT_EQ(li.nr_containers, li2.nr_containers);
	close(log);

	/* Delete: the log no longer opens. */
	ASSERT_EQ(0, ioctl(ctl, CLFS_IOC_LOG_DELETE, &o));
	EXPECT_ERRNO(ENODATA, log_open(ctl, path, 0));
	EXPECT_ERRNO(ENODATA, log_open(ctl, path, CLFS_OPEN_READ_ONLY));
	close(ctl);
}

TEST(set_archive_tail_on_archived_log)
{
	struct clfs_stream_info si;
	struct clfs_ioc_lsn l;
	const char *path = disk();
	__u64 lsn[3];
	struct snap s;
	int ctl, log, st, m, i;
	__u32 sid;

	ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, log_create(ctl, path,
				CLFS_LOG_MULTIPLEXED | CLFS_LOG_ARCHIVED));
	log = log_open(ctl, path, 0);
	ASSERT_LE(0, log);
	ASSERT_EQ(0, stream_create(log, &sid));
	st = stream_open(log, sid);
	ASSERT_LE(0, st);
	m = marshal_create(st, 0, 0);
	ASSERT_LE(0, m);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, append(m, "arch", 4, 0, &lsn[i]));

	ASSERT_EQ(0, set_lsn(st, CLFS_IOC_SET_ARCHIVE_TAIL, lsn[1]));
	ASSERT_EQ(0, ioctl(st, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(lsn[1], si.archive_tail_lsn);
	/* Durable: the record is flushed first. */
	EXPECT_LT(lsn[1], si.flushed_lsn);

	take_snap(_metadata, log, st, &s);
	EXPECT_ERRNO(ERANGE, set_lsn(st, CLFS_IOC_SET_ARCHIVE_TAIL, lsn[0]));
	EXPECT_ERRNO(EINVAL, set_lsn(st, CLFS_IOC_SET_ARCHIVE_TAIL, CLFS_LSN_NULL));
	EXPECT_ERRNO(EINVAL, set_lsn(st, CLFS_IOC_SET_ARCHIVE_TAIL,
				     CLFS_LSN_INVALID));
	EXPECT_ERRNO(EINVAL, set_lsn(st, CLFS_IOC_SET_ARCHIVE_TAIL, lsn[2] + 1));
	memset(&l, 0, sizeof(l));
	l.lsn = lsn[2];
	l.reserved[2] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(st, CLFS_IOC_SET_ARCHIVE_TAIL, &l));
	/* Not a stream ioctl of the marshalling area or the log. */
	l.reserved[2] = 0;
	EXPECT_ERRNO(ENOTTY, ioctl(m, CLFS_IOC_SET_ARCHIVE_TAIL, &l));
	EXPECT_ERRNO(ENOTTY, ioctl(log, CLFS_IOC_SET_ARCHIVE_TAIL, &l));
	check_same(_metadata, log, st, &s);

	ASSERT_EQ(0, set_lsn(st, CLFS_IOC_SET_ARCHIVE_TAIL, lsn[2]));
	ASSERT_EQ(0, ioctl(st, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_EQ(lsn[2], si.archive_tail_lsn);
	close(m);
	close(st);
	close(log);
	close(ctl);
}

TEST_F(clfs, set_archive_tail_on_ephemeral_log_is_einval)
{
	struct snap s;

	take_snap(_metadata, self->log, self->stream, &s);
	EXPECT_ERRNO(EINVAL, set_lsn(self->stream, CLFS_IOC_SET_ARCHIVE_TAIL,
				     self->lsn[1]));
	check_same(_metadata, self->log, self->stream, &s);
}

/* ---- bad inputs --------------------------------------------------------- */

TEST_F(clfs, bad_pointers_are_efault)
{
	struct clfs_ioc_record rec;
	char buf[16];
	void *p[4];
	struct snap s;
	unsigned int i, j;
	int ctx;

	ctx = read_record(self->m, self->lsn[0], CLFS_READ_FORWARD, buf,
			  sizeof(buf), &rec);
	ASSERT_LE(0, ctx);
	bad_ptrs(p);
	{
		const struct { int fd; unsigned long cmd; } calls[] = {
			{ self->ctl, CLFS_IOC_GET_VERSION },
			{ self->ctl, CLFS_IOC_LOG_CREATE },
			{ self->ctl, CLFS_IOC_LOG_OPEN },
			{ self->ctl, CLFS_IOC_LOG_DELETE },
			{ self->log, CLFS_IOC_LOG_QUERY },
			{ self->log, CLFS_IOC_CONTAINER_ADD },
			{ self->log, CLFS_IOC_CONTAINER_REMOVE },
			{ self->log, CLFS_IOC_CONTAINER_SCAN },
			{ self->log, CLFS_IOC_STREAM_OPEN },
			{ self->log, CLFS_IOC_STREAM_DELETE },
			{ self->stream, CLFS_IOC_STREAM_QUERY },
			{ self->stream, CLFS_IOC_MARSHAL_CREATE },
			{ self->stream, CLFS_IOC_SET_ARCHIVE_TAIL },
			{ self->m, CLFS_IOC_APPEND },
			{ self->m, CLFS_IOC_FLUSH },
			{ self->m, CLFS_IOC_READ_RECORD },
			{ self->m, CLFS_IOC_RESTART_WRITE },
			{ self->m, CLFS_IOC_RESTART_READ },
			{ self->m, CLFS_IOC_ADVANCE_BASE },
			{ self->m, CLFS_IOC_SET_END_OF_LOG },
			{ self->m, CLFS_IOC_RESERVE },
			{ ctx, CLFS_IOC_READ_NEXT },
			{ ctx, CLFS_IOC_READ_CURRENT },
		};

		take_snap(_metadata, self->log, self->stream, &s);
		for (i = 0; i < ARRAY_SIZE(calls); i++) {
			for (j = 0; j < ARRAY_SIZE(p); j++) {
				errno = 0;
				EXPECT_EQ(-1, ioctl(calls[i].fd, calls[i].cmd, p[j])) {
					TH_LOG("cmd %#lx arg %p", calls[i].cmd, p[j]);
				}
				EXPECT_EQ(EFAULT, errno) {
					TH_LOG("cmd %#lx arg %p", calls[i].cmd, p[j]);
				}
			}
		}
		check_same(_metadata, self->log, self->stream, &s);
	}
	/* The log still opens (LOG_CREATE formatted nothing). */
	close(ctx);
}

TEST_F(clfs, bad_embedded_pointers_are_efault)
{
	struct clfs_ioc_containers c;
	struct clfs_ioc_container_scan sc;
	struct clfs_ioc_log_create lc;
	struct clfs_ioc_log_open lo;
	struct clfs_ioc_append a;
	struct clfs_ioc_entry e;
	struct clfs_ioc_restart r;
	struct clfs_ioc_reserve rs;
	struct clfs_ioc_read rd;
	struct clfs_ioc_record rec;
	char buf[16];
	void *p[4];
	struct snap s;
	unsigned int j;
	int ctx;

	ctx = read_record(self->m, self->lsn[0], CLFS_READ_FORWARD, buf,
			  sizeof(buf), NULL);
	ASSERT_LE(0, ctx);
	bad_ptrs(p);
	take_snap(_metadata, self->log, self->stream, &s);
	for (j = 0; j < ARRAY_SIZE(p); j++) {
		TH_LOG("pointer %p", p[j]);
		/* Paths. NULL path: EFAULT too (a pointer that is not one). */
		memset(&lc, 0, sizeof(lc));
		lc.path = PTR(p[j]);
		lc.params.container_bytes = CONT_BYTES;
		lc.params.nr_containers = NR_CONT;
		EXPECT_ERRNO(EFAULT, ioctl(self->ctl, CLFS_IOC_LOG_CREATE, &lc));
		memset(&lo, 0, sizeof(lo));
		lo.path = PTR(p[j]);
		EXPECT_ERRNO(EFAULT, ioctl(self->ctl, CLFS_IOC_LOG_OPEN, &lo));
		EXPECT_ERRNO(EFAULT, ioctl(self->ctl, CLFS_IOC_LOG_DELETE, &lo));

		/* Container lists. */
		memset(&c, 0, sizeof(c));
		c.count = 1;
		c.ids = PTR(p[j]);
		EXPECT_ERRNO(EFAULT, ioctl(self->log, CLFS_IOC_CONTAINER_REMOVE, &c));
		memset(&sc, 0, sizeof(sc));
		sc.info = PTR(p[j]);
		sc.max = 4;
		EXPECT_ERRNO(EFAULT, ioctl(self->log, CLFS_IOC_CONTAINER_SCAN, &sc));

		/* Gather list and its buffers. */
		append_init(&a, &e, buf, sizeof(buf));
		a.entries = PTR(p[j]);
		EXPECT_ERRNO(EFAULT, ioctl(self->m, CLFS_IOC_APPEND, &a));
		append_init(&a, &e, p[j], sizeof(buf));
		EXPECT_ERRNO(EFAULT, ioctl(self->m, CLFS_IOC_APPEND, &a));
		append_init(&a, &e, buf, sizeof(buf));
		a.reserve = PTR(p[j]);
		a.nr_reserve = 1;
		EXPECT_ERRNO(EFAULT, ioctl(self->m, CLFS_IOC_APPEND, &a));

		memset(&r, 0, sizeof(r));
		r.buf = PTR(p[j]);
		r.bytes = 8;
		EXPECT_ERRNO(EFAULT, ioctl(self->m, CLFS_IOC_RESTART_WRITE, &r));

		memset(&rs, 0, sizeof(rs));
		rs.sizes = PTR(p[j]);
		rs.nr = 1;
		rs.op = CLFS_RESERVE_ALIGN;
		EXPECT_ERRNO(EFAULT, ioctl(self->m, CLFS_IOC_RESERVE, &rs));
		rs.op = CLFS_RESERVE_ALLOC;
		EXPECT_ERRNO(EFAULT, ioctl(self->m, CLFS_IOC_RESERVE, &rs));

		/* Read destinations: never written, kernel ones least of all. */
		memset(&rd, 0, sizeof(rd));
		rd.lsn = self->lsn[0];
		rd.mode = CLFS_READ_FORWARD;
		rd.filter = CLFS_FILTER_ALL;
		rd.rec.buf = PTR(p[j]);
		rd.rec.buf_bytes = sizeof(buf);
		EXPECT_ERRNO(EFAULT, ioctl(self->m, CLFS_IOC_READ_RECORD, &rd));
		memset(&rec, 0, sizeof(rec));
		rec.buf = PTR(p[j]);
		rec.buf_bytes = sizeof(buf);
		EXPECT_ERRNO(EFAULT, ioctl(ctx, CLFS_IOC_READ_CURRENT, &rec));
	}
	check_same(_metadata, self->log, self->stream, &s);
	close(ctx);
}

TEST_F(clfs, nonzero_reserved_fields_are_einval)
{
	struct clfs_ioc_containers c;
	struct clfs_ioc_container_scan sc;
	struct clfs_ioc_stream st;
	struct clfs_ioc_marshal ma;
	struct clfs_ioc_append a;
	struct clfs_ioc_entry e;
	struct clfs_ioc_flush f;
	struct clfs_ioc_lsn l;
	struct clfs_ioc_restart r;
	struct clfs_ioc_reserve rs;
	struct clfs_ioc_read rd;
	struct clfs_ioc_record rec;
	struct clfs_container_info info[2];
	__s64 sizes[1] = { 10 };
	char buf[16];
	struct snap s;
	unsigned int i;
	int ctx;

	ctx = read_record(self->m, self->lsn[0], CLFS_READ_FORWARD, buf,
			  sizeof(buf), NULL);
	ASSERT_LE(0, ctx);
	take_snap(_metadata, self->log, self->stream, &s);

	memset(&c, 0, sizeof(c));
	c.count = 1;
	c.reserved0 = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_CONTAINER_ADD, &c));
	c.reserved0 = 0;
	c.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_CONTAINER_ADD, &c));
	c.reserved[1] = 0;
	c.ids = PTR(info);	/* add: ids must be zero */
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_CONTAINER_ADD, &c));

	memset(&sc, 0, sizeof(sc));
	sc.info = PTR(info);
	sc.max = 2;
	sc.reserved0 = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_CONTAINER_SCAN, &sc));
	sc.reserved0 = 0;
	sc.reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_CONTAINER_SCAN, &sc));

	memset(&st, 0, sizeof(st));
	st.stream_id = self->sid;
	st.reserved[2] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_STREAM_OPEN, &st));
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_STREAM_DELETE, &st));
	st.reserved[2] = 0;
	st.flags = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_STREAM_OPEN, &st));
	EXPECT_ERRNO(EINVAL, ioctl(self->log, CLFS_IOC_STREAM_DELETE, &st));

	memset(&ma, 0, sizeof(ma));
	ma.reserved[3] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->stream, CLFS_IOC_MARSHAL_CREATE, &ma));
	ma.reserved[3] = 0;
	ma.flags = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->stream, CLFS_IOC_MARSHAL_CREATE, &ma));

	for (i = 0; i < 6; i++) {
		append_init(&a, &e, buf, sizeof(buf));
		switch (i) {
		case 0:
			a.reserved0 = 1;
			break;
		case 1:
			a.reserved[3] = 1;
			break;
		case 2:
			e.reserved0 = 1;
			break;
		case 3:
			a.flags = 1U << 20;
			break;
		case 4:
			a.flags = 1U << 3;
			break;
		case 5:
			a.lsn = 0;
			a.reserved[0] = 0xffffffffffffffffULL;
			break;
		}
		TH_LOG("append case %u", i);
		EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	}

	memset(&f, 0, sizeof(f));
	f.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_FLUSH, &f));

	memset(&l, 0, sizeof(l));
	l.lsn = self->lsn[1];
	l.reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_ADVANCE_BASE, &l));
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_SET_END_OF_LOG, &l));

	memset(&r, 0, sizeof(r));
	r.buf = PTR(buf);
	r.bytes = 4;
	r.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESTART_WRITE, &r));
	r.reserved[1] = 0;
	r.flags = CLFS_APPEND_FORCE_FLUSH;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESTART_WRITE, &r));
	r.flags = 1U << 20;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESTART_WRITE, &r));

	memset(&rs, 0, sizeof(rs));
	rs.sizes = PTR(sizes);
	rs.nr = 1;
	rs.op = CLFS_RESERVE_ALLOC;
	rs.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESERVE, &rs));
	rs.reserved[1] = 0;
	rs.op = 3;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESERVE, &rs));
	rs.op = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESERVE, &rs));
	rs.op = CLFS_RESERVE_ALLOC;
	rs.nr = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESERVE, &rs));
	rs.nr = CLFS_RESERVE_MAX + 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESERVE, &rs));

	for (i = 0; i < 6; i++) {
		memset(&rd, 0, sizeof(rd));
		rd.lsn = self->lsn[0];
		rd.mode = CLFS_READ_FORWARD;
		rd.filter = CLFS_FILTER_ALL;
		rd.rec.buf = PTR(buf);
		rd.rec.buf_bytes = sizeof(buf);
		switch (i) {
		case 0:
			rd.rec.reserved0 = 1;
			break;
		case 1:
			rd.rec.reserved[1] = 1;
			break;
		case 2:
			rd.mode = 0;
			break;
		case 3:
			rd.mode = 4;
			break;
		case 4:
			rd.filter = 0;
			break;
		case 5:
			rd.filter = 1U << 7;
			break;
		}
		TH_LOG("read case %u", i);
		EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_READ_RECORD, &rd));
	}
	memset(&rec, 0, sizeof(rec));
	rec.buf = PTR(buf);
	rec.buf_bytes = sizeof(buf);
	rec.reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_RESTART_READ, &rec));
	EXPECT_ERRNO(EINVAL, ioctl(ctx, CLFS_IOC_READ_NEXT, &rec));
	EXPECT_ERRNO(EINVAL, ioctl(ctx, CLFS_IOC_READ_CURRENT, &rec));
	rec.reserved[0] = 0;
	rec.reserved0 = 1;
	EXPECT_ERRNO(EINVAL, ioctl(ctx, CLFS_IOC_READ_NEXT, &rec));

	check_same(_metadata, self->log, self->stream, &s);
	/* The context was not moved by the refused READ_NEXT. */
	memset(&rec, 0, sizeof(rec));
	rec.buf = PTR(buf);
	rec.buf_bytes = sizeof(buf);
	ASSERT_EQ(0, ioctl(ctx, CLFS_IOC_READ_CURRENT, &rec));
	EXPECT_EQ(self->lsn[0], rec.lsn);
	close(ctx);
}

TEST_F(clfs, bad_lsns_for_reads)
{
	char buf[16];
	struct snap s;

	take_snap(_metadata, self->log, self->stream, &s);
	EXPECT_ERRNO(EINVAL, read_record(self->m, CLFS_LSN_NULL, CLFS_READ_FORWARD,
					 buf, sizeof(buf), NULL));
	EXPECT_ERRNO(EINVAL, read_record(self->m, CLFS_LSN_INVALID,
					 CLFS_READ_FORWARD, buf, sizeof(buf),
					 NULL));
	EXPECT_ERRNO(EINVAL, read_record(self->m, ~0ULL, CLFS_READ_FORWARD,
					 buf, sizeof(buf), NULL));
	EXPECT_ERRNO(ENOENT, read_record(self->m, HOLE_LSN(self),
					 CLFS_READ_FORWARD, buf, sizeof(buf),
					 NULL));
	EXPECT_ERRNO(ENOENT, read_record(self->m, AFTER_LSN(self),
					 CLFS_READ_FORWARD, buf, sizeof(buf),
					 NULL));
	/* A block far beyond the head. */
	EXPECT_ERRNO(ENOENT, read_record(self->m,
					 clfs_lsn_make(clfs_lsn_container(self->lsn[3]) + 3,
						       0x10000, 0),
					 CLFS_READ_FORWARD, buf, sizeof(buf),
					 NULL));
	/* Filter excluding the record's type. */
	{
		struct clfs_ioc_read rd = {
			.lsn = self->lsn[0], .mode = CLFS_READ_FORWARD,
			.filter = CLFS_FILTER_RESTART,
			.rec = { .buf = PTR(buf), .buf_bytes = sizeof(buf) },
		};

		EXPECT_ERRNO(ENOENT, ioctl(self->m, CLFS_IOC_READ_RECORD, &rd));
	}
	check_same(_metadata, self->log, self->stream, &s);
}

TEST_F(clfs, wrong_descriptor_kind_is_enotty)
{
	union {
		struct clfs_log_info li;
		struct clfs_stream_info si;
		struct clfs_ioc_append a;
		struct clfs_ioc_record rec;
		struct clfs_version v;
		char pad[512];
	} u;
	char buf[16];
	struct snap s;
	unsigned int i;
	int ctx, null, mfd;

	ctx = read_record(self->m, self->lsn[0], CLFS_READ_FORWARD, buf,
			  sizeof(buf), NULL);
	ASSERT_LE(0, ctx);
	null = open("/dev/null", O_RDWR);
	ASSERT_LE(0, null);
	mfd = memfd_create("clfs-ioctl-test", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, 4096));
	take_snap(_metadata, self->log, self->stream, &s);
	{
		const struct { int fd; unsigned long cmd; } calls[] = {
			{ self->log, CLFS_IOC_GET_VERSION },
			{ self->log, CLFS_IOC_LOG_OPEN },
			{ self->m, CLFS_IOC_LOG_CREATE },
			{ self->ctl, CLFS_IOC_LOG_QUERY },
			{ self->stream, CLFS_IOC_LOG_QUERY },
			{ self->m, CLFS_IOC_LOG_QUERY },
			{ ctx, CLFS_IOC_LOG_QUERY },
			{ self->stream, CLFS_IOC_STREAM_CREATE },
			{ self->m, CLFS_IOC_CONTAINER_ADD },
			{ self->ctl, CLFS_IOC_STREAM_QUERY },
			{ self->log, CLFS_IOC_STREAM_QUERY },
			{ self->m, CLFS_IOC_STREAM_QUERY },
			{ ctx, CLFS_IOC_STREAM_QUERY },
			{ self->log, CLFS_IOC_STREAM_RESET },
			{ self->m, CLFS_IOC_STREAM_RESET },
			{ self->log, CLFS_IOC_MARSHAL_CREATE },
			{ self->ctl, CLFS_IOC_APPEND },
			{ self->log, CLFS_IOC_APPEND },
			{ self->stream, CLFS_IOC_APPEND },
			{ ctx, CLFS_IOC_APPEND },
			{ self->stream, CLFS_IOC_FLUSH },
			{ self->log, CLFS_IOC_ADVANCE_BASE },
			{ self->stream, CLFS_IOC_SET_END_OF_LOG },
			{ self->m, CLFS_IOC_READ_NEXT },
			{ self->log, CLFS_IOC_READ_NEXT },
			{ self->stream, CLFS_IOC_READ_CURRENT },
			{ ctx, CLFS_IOC_READ_RECORD },
			{ null, CLFS_IOC_LOG_QUERY },
			{ null, CLFS_IOC_APPEND },
			{ mfd, CLFS_IOC_LOG_QUERY },
			{ mfd, CLFS_IOC_APPEND },
			{ mfd, CLFS_IOC_READ_NEXT },
			/* The right number with the wrong size. */
			{ self->log, _IOC(_IOC_READ, CLFS_IOC_MAGIC, 0x10,
					  sizeof(struct clfs_log_info) - 8) },
			{ self->log, _IOC(_IOC_READ, CLFS_IOC_MAGIC, 0x10,
					  sizeof(struct clfs_log_info) + 8) },
			{ self->stream, _IOC(_IOC_READ, CLFS_IOC_MAGIC, 0x30,
					     sizeof(struct clfs_stream_info) - 8) },
			{ self->m, _IOC(_IOC_READ | _IOC_WRITE, CLFS_IOC_MAGIC, 0x50,
					sizeof(struct clfs_ioc_append) - 8) },
			{ self->m, _IOC(_IOC_READ | _IOC_WRITE, CLFS_IOC_MAGIC, 0x50,
					sizeof(struct clfs_ioc_append) + 8) },
			{ ctx, _IOC(_IOC_READ | _IOC_WRITE, CLFS_IOC_MAGIC, 0x70,
				    sizeof(struct clfs_ioc_record) - 8) },
			/* The right number and size, the wrong direction. */
			{ self->log, _IOW(CLFS_IOC_MAGIC, 0x10, struct clfs_log_info) },
			{ self->m, _IOW(CLFS_IOC_MAGIC, 0x50, struct clfs_ioc_append) },
			{ self->stream, _IOR(CLFS_IOC_MAGIC, 0x31, __u64) },
			/* Unused numbers. */
			{ self->log, _IO(CLFS_IOC_MAGIC, 0x1f) },
			{ self->m, _IO(CLFS_IOC_MAGIC, 0x5f) },
		};

		for (i = 0; i < ARRAY_SIZE(calls); i++) {
			memset(&u, 0, sizeof(u));
			errno = 0;
			EXPECT_EQ(-1, ioctl(calls[i].fd, calls[i].cmd, &u)) {
				TH_LOG("call %u cmd %#lx", i, calls[i].cmd);
			}
			EXPECT_EQ(ENOTTY, errno) {
				TH_LOG("call %u cmd %#lx", i, calls[i].cmd);
			}
		}
		check_same(_metadata, self->log, self->stream, &s);
	}
	close(mfd);
	close(null);
	close(ctx);
}

TEST_F(clfs, read_only_log_refuses_changes_with_ebadf)
{
	struct clfs_ioc_append a;
	struct clfs_ioc_entry e;
	struct clfs_ioc_restart r;
	struct clfs_ioc_flush f;
	struct clfs_ioc_record rec;
	struct clfs_log_info li;
	char buf[16];
	struct snap s;
	int log, st, m, ctx;

	close_fd(&self->m);
	close_fd(&self->stream);
	close_fd(&self->log);
	log = log_open(self->ctl, self->path, CLFS_OPEN_READ_ONLY);
	ASSERT_LE(0, log);
	ASSERT_EQ(0, ioctl(log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_TRUE(li.flags & CLFS_LOG_READ_ONLY);
	st = stream_open(log, self->sid);
	ASSERT_LE(0, st);
	m = marshal_create(st, 0, 0);
	ASSERT_LE(0, m);
	take_snap(_metadata, log, st, &s);
	EXPECT_EQ(self->lsn[3], s.si.last_lsn);

	append_init(&a, &e, "ro", 2);
	EXPECT_ERRNO(EBADF, ioctl(m, CLFS_IOC_APPEND, &a));
	a.flags = CLFS_APPEND_FORCE_FLUSH;
	EXPECT_ERRNO(EBADF, ioctl(m, CLFS_IOC_APPEND, &a));
	memset(&f, 0, sizeof(f));
	EXPECT_ERRNO(EBADF, ioctl(m, CLFS_IOC_FLUSH, &f));
	memset(&r, 0, sizeof(r));
	r.buf = PTR("ro");
	r.bytes = 2;
	EXPECT_ERRNO(EBADF, ioctl(m, CLFS_IOC_RESTART_WRITE, &r));
	EXPECT_ERRNO(EBADF, set_lsn(m, CLFS_IOC_SET_END_OF_LOG, self->lsn[1]));
	EXPECT_ERRNO(EBADF, set_lsn(m, CLFS_IOC_ADVANCE_BASE, self->lsn[1]));
	EXPECT_ERRNO(EBADF, ioctl(st, CLFS_IOC_STREAM_RESET));
	check_same(_metadata, log, st, &s);

	/* Reads work. */
	ctx = read_record(m, self->lsn[0], CLFS_READ_FORWARD, buf, sizeof(buf),
			  &rec);
	ASSERT_LE(0, ctx);
	EXPECT_EQ(0, memcmp(buf, "record 0", 8));
	ASSERT_EQ(0, read_rec(ctx, CLFS_IOC_READ_NEXT, buf, sizeof(buf), &rec));
	EXPECT_EQ(self->lsn[1], rec.lsn);
	close(ctx);
	close(m);
	close(st);
	close(log);
}

TEST_F(clfs, oversized_records_and_gather_lists)
{
	static char big[128 * 1024];
	struct clfs_ioc_entry e[CLFS_APPEND_MAX_ENTRIES + 1];
	__s64 res[CLFS_RESERVE_MAX + 1] = { 0 };
	struct clfs_ioc_append a;
	struct clfs_ioc_restart r;
	struct snap s;
	unsigned int i;

	take_snap(_metadata, self->log, self->stream, &s);
	/* The area's blocks are 64 KiB. */
	EXPECT_ERRNO(E2BIG, append(self->m, big, 64 * 1024, 0, NULL));
	EXPECT_ERRNO(E2BIG, append(self->m, big, sizeof(big), 0, NULL));
	memset(&r, 0, sizeof(r));
	r.buf = PTR(big);
	r.bytes = sizeof(big);
	EXPECT_ERRNO(E2BIG, ioctl(self->m, CLFS_IOC_RESTART_WRITE, &r));

	memset(e, 0, sizeof(e));
	for (i = 0; i < ARRAY_SIZE(e); i++) {
		e[i].buf = PTR(big);
		e[i].bytes = 1024;
	}
	memset(&a, 0, sizeof(a));
	a.entries = PTR(e);
	a.type = CLFS_RECORD_DATA;
	a.nr_entries = CLFS_APPEND_MAX_ENTRIES + 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	a.nr_entries = 0xffffffff;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	a.nr_entries = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	/* 64 entries of 1 KiB fit the limit but not the block. */
	a.nr_entries = CLFS_APPEND_MAX_ENTRIES;
	EXPECT_ERRNO(E2BIG, ioctl(self->m, CLFS_IOC_APPEND, &a));
	/* Entries whose sizes wrap a 32-bit sum. */
	e[0].bytes = 0xfffffff0;
	e[1].bytes = 0x20;
	a.nr_entries = 2;
	EXPECT_EQ(-1, ioctl(self->m, CLFS_IOC_APPEND, &a));
	e[0].bytes = 16;
	e[1].bytes = 16;
	a.entry_align = 3;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	a.entry_align = 8192;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	a.entry_align = 0;
	a.type = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	a.type = 3;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	a.type = CLFS_RECORD_DATA;
	a.reserve = PTR(res);
	a.nr_reserve = CLFS_RESERVE_MAX + 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	a.nr_reserve = 0;
	a.reserve = 0;
	/* RESERVE_ONLY takes no entries. */
	a.flags = CLFS_APPEND_RESERVE_ONLY;
	EXPECT_ERRNO(EINVAL, ioctl(self->m, CLFS_IOC_APPEND, &a));
	check_same(_metadata, self->log, self->stream, &s);
}

TEST_F(clfs, read_contexts_limited_by_max_read_buffers)
{
	int m, ctx[3], more[CLFS_MAX_READ_CONTEXTS + 1];
	struct clfs_ioc_restart r;
	char buf[16];
	unsigned int i;

	EXPECT_ERRNO(EINVAL, marshal_create(self->stream, 0,
					    CLFS_MAX_READ_CONTEXTS + 1));
	EXPECT_ERRNO(EINVAL, marshal_create(self->stream, 2 * 1024 * 1024, 0));
	m = marshal_create(self->stream, 0, 2);
	ASSERT_LE(0, m);
	/* A restart area, so that RESTART_READ has something to open. */
	memset(&r, 0, sizeof(r));
	r.buf = PTR("R");
	r.bytes = 1;
	ASSERT_EQ(0, ioctl(self->m, CLFS_IOC_RESTART_WRITE, &r));
	ctx[0] = read_record(m, self->lsn[0], CLFS_READ_FORWARD, buf, sizeof(buf), NULL);
	ASSERT_LE(0, ctx[0]);
	ctx[1] = read_record(m, self->lsn[1], CLFS_READ_FORWARD, buf, sizeof(buf), NULL);
	ASSERT_LE(0, ctx[1]);
	EXPECT_ERRNO(EBUSY, read_record(m, self->lsn[2], CLFS_READ_FORWARD, buf,
					sizeof(buf), NULL));
	EXPECT_ERRNO(EBUSY, read_rec(m, CLFS_IOC_RESTART_READ, buf, sizeof(buf),
				     NULL));
	/* Other areas have their own. */
	ctx[2] = read_record(self->m, self->lsn[2], CLFS_READ_FORWARD, buf,
			     sizeof(buf), NULL);
	ASSERT_LE(0, ctx[2]);
	close(ctx[2]);
	close(ctx[0]);
	ctx[0] = read_record(m, self->lsn[2], CLFS_READ_FORWARD, buf, sizeof(buf), NULL);
	ASSERT_LE(0, ctx[0]);
	close(ctx[0]);
	close(ctx[1]);

	/* Default: CLFS_MAX_READ_CONTEXTS. */
	for (i = 0; i < CLFS_MAX_READ_CONTEXTS; i++) {
		more[i] = read_record(self->m, self->lsn[0], CLFS_READ_FORWARD,
				      buf, sizeof(buf), NULL);
		ASSERT_LE(0, more[i]);
	}
	EXPECT_ERRNO(EBUSY, read_record(self->m, self->lsn[0], CLFS_READ_FORWARD,
					buf, sizeof(buf), NULL));
	for (i = 0; i < CLFS_MAX_READ_CONTEXTS; i++)
		close(more[i]);
	close(m);
}

TEST_F(clfs, marshalling_areas_per_stream_fd_limited)
{
	int m[CLFS_MAX_MARSHALS_PER_FD], st2, m2;
	unsigned int i;

	/* The fixture's area is the first. */
	for (i = 1; i < CLFS_MAX_MARSHALS_PER_FD; i++) {
		m[i] = marshal_create(self->stream, 0, 0);
		ASSERT_LE(0, m[i]) {
			TH_LOG("area %u", i);
		}
	}
	EXPECT_ERRNO(EMFILE, marshal_create(self->stream, 0, 0));
	/* Another descriptor of the same stream has its own count. */
	st2 = stream_open(self->log, self->sid);
	ASSERT_LE(0, st2);
	m2 = marshal_create(st2, 0, 0);
	EXPECT_LE(0, m2);
	/* Closing one makes room again. */
	close(m[1]);
	m[1] = marshal_create(self->stream, 0, 0);
	EXPECT_LE(0, m[1]);
	EXPECT_ERRNO(EMFILE, marshal_create(self->stream, 0, 0));
	for (i = 1; i < CLFS_MAX_MARSHALS_PER_FD; i++)
		if (m[i] >= 0)
			close(m[i]);
	if (m2 >= 0)
		close(m2);
	close(st2);
}

TEST_F(clfs, short_buffer_reports_full_size)
{
	static unsigned char data[1000], buf[1000];
	struct clfs_ioc_record rec;
	unsigned int i;
	__u64 lsn;
	int ctx;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 7 + 1;
	ASSERT_EQ(0, append(self->m, data, sizeof(data), 0, &lsn));
	memset(buf, 0xaa, sizeof(buf));
	ctx = read_record(self->m, lsn, CLFS_READ_FORWARD, buf, 10, &rec);
	ASSERT_LE(0, ctx);
	EXPECT_EQ(sizeof(data), rec.data_bytes);
	EXPECT_EQ(lsn, rec.lsn);
	EXPECT_EQ(0, memcmp(buf, data, 10));
	for (i = 10; i < sizeof(buf); i++)
		if (buf[i] != 0xaa)
			break;
	EXPECT_EQ(sizeof(buf), i);
	/* Zero-byte buffer: only the size. */
	ASSERT_EQ(0, read_rec(ctx, CLFS_IOC_READ_CURRENT, buf, 0, &rec));
	EXPECT_EQ(sizeof(data), rec.data_bytes);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, read_rec(ctx, CLFS_IOC_READ_CURRENT, buf, sizeof(buf), &rec));
	EXPECT_EQ(sizeof(data), rec.data_bytes);
	EXPECT_EQ(lsn, rec.lsn);
	EXPECT_EQ(0, memcmp(buf, data, sizeof(data)));
	close(ctx);
}

/* ---- privilege -------------------------------------------------------- */

/* Runs in the child: a bit set for every check that failed. */
static int unprivileged(struct _test_data_clfs *self, __u32 other_sid,
			__u32 free_id)
{
	struct clfs_ioc_log_open o = { .path = PTR(self->path) };
	struct clfs_ioc_containers c = { .count = 1 };
	struct clfs_ioc_stream st = { .stream_id = other_sid };
	struct clfs_stream_info si;
	struct clfs_version v;
	int fail = 0, fd;
	__u64 lsn;

	if (drop_sys_admin())
		return 1;
	if (!eperm(log_create(self->ctl, self->path, CLFS_LOG_MULTIPLEXED)))
		fail |= 1 << 1;
	fd = log_open(self->ctl, self->path, CLFS_OPEN_READ_ONLY);
	if (!eperm(fd))
		fail |= 1 << 2;
	if (!eperm(ioctl(self->ctl, CLFS_IOC_LOG_DELETE, &o)))
		fail |= 1 << 3;
	if (!eperm(ioctl(self->log, CLFS_IOC_CONTAINER_ADD, &c)))
		fail |= 1 << 4;
	c.ids = PTR(&free_id);
	if (!eperm(ioctl(self->log, CLFS_IOC_CONTAINER_REMOVE, &c)))
		fail |= 1 << 5;
	if (!eperm(ioctl(self->log, CLFS_IOC_STREAM_DELETE, &st)))
		fail |= 1 << 6;
	/* Whoever holds a descriptor may use it. */
	if (append(self->m, "unpriv", 6, CLFS_APPEND_FORCE_FLUSH, &lsn) ||
	    lsn <= self->lsn[3])
		fail |= 1 << 7;
	if (ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si) || si.last_lsn != lsn)
		fail |= 1 << 7;
	if (ioctl(self->ctl, CLFS_IOC_GET_VERSION, &v))
		fail |= 1 << 7;
	return fail;
}

TEST_F(clfs, unprivileged_caller_gets_eperm)
{
	struct clfs_container_info info[NR_CONT];
	struct clfs_ioc_container_scan sc = {
		.info = PTR(info), .max = NR_CONT,
	};
	struct clfs_stream_info si;
	struct clfs_log_info li;
	__u32 other, free_id = 0;
	unsigned int i;
	int status, fd;
	pid_t pid;

	ASSERT_EQ(0, stream_create(self->log, &other));
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_CONTAINER_SCAN, &sc));
	for (i = 0; i < sc.count; i++)
		if (info[i].state == CLFS_CONTAINER_FREE)
			free_id = info[i].physical_id;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(unprivileged(self, other, free_id));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("failed checks (bits): %#x", WEXITSTATUS(status));
	}
	/* Nothing privileged happened. */
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_EQ(NR_CONT, li.nr_containers);
	fd = stream_open(self->log, other);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(0, ioctl(self->stream, CLFS_IOC_STREAM_QUERY, &si));
	EXPECT_LT(self->lsn[3], si.last_lsn);
}

TEST_HARNESS_MAIN
