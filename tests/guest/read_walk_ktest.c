// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: how far a read walks, and that SIGKILL ends a long walk.
 *
 * A forward read of one stream of a multiplexed log finds the stream's
 * next block in the block index, without reading the other streams'
 * blocks between (it used to read every one). A walk can still be as
 * long as the log: over the stream's own blocks when the filter wants
 * none of their records, and the open of a log over every block from its
 * recovery start. SIGKILL must end such a walk at the block it is
 * reading.
 *
 * The log sits on a dm-linear device over the test disk, and the reads
 * counted are the device's. A walk is caught by suspending the device:
 * its next block read waits there, in state D, until the device resumes,
 * and the reads the device then completes are what it did after the kill.
 * Device-mapper and dmsetup are in the debug guest only, hence a ktest.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>

#include "kselftest_harness.h"
#include "libclfs.h"
#include "test_util.h"

#define DM_NAME		"clfs-walk"
#define DM_DEV		"/dev/mapper/" DM_NAME
#define OTHER_BLOCKS	600	/* stream 1's blocks after stream 0's first record */
#define OWN_BLOCKS	600	/* then stream 0's, of restart-type records */
/* Reads after the kill: the one in flight, the metadata's, a block's. */
#define AFTER_KILL_MAX	8
/* Reads of a forward step over the other streams: its block, and its pair. */
#define STEP_READS_MAX	4

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Reads the device-mapper device has completed (/sys/dev/block/M:m/stat). */
static long long dm_reads(void)
{
	char path[64];
	long long reads = -1;
	struct stat st;
	FILE *f;

	if (stat(DM_DEV, &st))
		return -1;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/stat", major(st.st_rdev),
		 minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &reads) != 1)
		reads = -1;
	fclose(f);
	return reads;
}

/* The state letter of /proc/@pid/stat: 'D' while it waits for a read. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

FIXTURE(walk) {
	int ctl, log, s[2], m[2];
	__u64 first, own, second;
};

FIXTURE_SETUP(walk)
{
	struct clfs_log_params p = {
		.container_bytes = 1 << 20, .nr_containers = 4,
		.flags = CLFS_LOG_MULTIPLEXED,
	};
	unsigned char data[64];
	struct iovec iov = { data, sizeof(data) };
	__u64 size, lsn, flushed;
	__u32 id[2];
	int fd, i;

	self->log = -1;
	fd = open(disk(), O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &size));
	close(fd);
	sh("dmsetup remove " DM_NAME " >/dev/null 2>&1");
	ASSERT_EQ(0, sh("dmsetup create %s --noudevsync --table '0 %llu linear %s 0' && dmsetup mknodes %s",
			DM_NAME, (unsigned long long)size / 512, disk(), DM_NAME));
	self->ctl = clfs_open_control(NULL);
	ASSERT_LE(0, self->ctl);
	ASSERT_EQ(0, clfs_log_create(self->ctl, DM_DEV, &p));
	self->log = clfs_log_open(self->ctl, DM_DEV, 0);
	ASSERT_LE(0, self->log);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, clfs_stream_create(self->log, &id[i]));
		self->s[i] = clfs_stream_open(self->log, id[i]);
		ASSERT_LE(0, self->s[i]);
		self->m[i] = clfs_marshal_create(self->s[i], 4096, 4, 0);
		ASSERT_LE(0, self->m[i]);
	}
	memset(data, 0x5a, sizeof(data));
	/*
	 * A data record of stream 0, a block of stream 1 at a time, a
	 * block of stream 0's restart-type records at a time, and stream
	 * 0's second data record.
	 */
	ASSERT_EQ(0, clfs_append(self->m[0], &iov, 1, CLFS_RECORD_DATA,
				 CLFS_APPEND_FORCE_APPEND, CLFS_LSN_NULL, CLFS_LSN_NULL,
				 &self->first));
	for (i = 0; i < OTHER_BLOCKS; i++)
		ASSERT_EQ(0, clfs_append(self->m[1], &iov, 1, CLFS_RECORD_DATA,
					 CLFS_APPEND_FORCE_APPEND, CLFS_LSN_NULL,
					 CLFS_LSN_NULL, &lsn));
	for (i = 0; i < OWN_BLOCKS; i++) {
		ASSERT_EQ(0, clfs_append(self->m[0], &iov, 1, CLFS_RECORD_RESTART,
					 CLFS_APPEND_FORCE_APPEND, CLFS_LSN_NULL,
					 CLFS_LSN_NULL, &lsn));
		if (!i)
			self->own = lsn;
	}
	ASSERT_EQ(0, clfs_append(self->m[0], &iov, 1, CLFS_RECORD_DATA,
				 CLFS_APPEND_FORCE_FLUSH, CLFS_LSN_NULL, CLFS_LSN_NULL,
				 &self->second));
	ASSERT_EQ(0, clfs_flush(self->m[1], CLFS_LSN_NULL, &flushed));
}

FIXTURE_TEARDOWN(walk)
{
	int i;

	sh("dmsetup resume " DM_NAME " >/dev/null 2>&1");
	if (self->log >= 0) {
		for (i = 0; i < 2; i++) {
			close(self->m[i]);
			close(self->s[i]);
		}
		close(self->log);
	}
	clfs_log_delete(self->ctl, DM_DEV);
	close(self->ctl);
	sh("dmsetup remove " DM_NAME " >/dev/null 2>&1");
}

/*
 * From the first record the next is the first restart-type one, past the
 * other stream's blocks: a step of a read or two, not OTHER_BLOCKS. With
 * a filter for data, the walk reads every block of the stream's own.
 */
TEST_F(walk, forward_read_skips_the_other_streams_blocks_unread)
{
	unsigned char buf[256];
	struct clfs_ioc_record rec;
	long long before, after;
	int ctx;

	clfs_record_init(&rec, buf, sizeof(buf));
	ctx = clfs_read_record(self->m[0], self->first, CLFS_READ_FORWARD,
			       CLFS_FILTER_ALL, &rec);
	ASSERT_LE(0, ctx);
	before = dm_reads();
	ASSERT_LE(0, before);
	ASSERT_EQ(0, clfs_read_next(ctx, &rec));
	after = dm_reads();
	EXPECT_EQ(self->own, rec.lsn);
	TH_LOG("reads of the step over %d blocks of another stream: %lld", OTHER_BLOCKS,
	       after - before);
	EXPECT_GE(STEP_READS_MAX, after - before);
	close(ctx);

	clfs_record_init(&rec, buf, sizeof(buf));
	ctx = clfs_read_record(self->m[0], self->first, CLFS_READ_FORWARD,
			       CLFS_FILTER_DATA, &rec);
	ASSERT_LE(0, ctx);
	before = dm_reads();
	ASSERT_EQ(0, clfs_read_next(ctx, &rec));
	EXPECT_EQ(self->second, rec.lsn);
	EXPECT_LE(before + OWN_BLOCKS, dm_reads());
	close(ctx);
}

/*
 * Run @walk in a child, catch it waiting for a read of the suspended
 * device, SIGKILL it, resume the device: the reads completed after the
 * kill.
 */
struct walk_args {
	int ctl, m;
	__u64 first;
};

static long long reads_after_kill(struct __test_metadata *_metadata,
				  const struct walk_args *a,
				  void (*walk)(const struct walk_args *a, int ready, int go))
{
	long long before, after;
	int go[2], ready[2], status, i;
	char c = 0;
	pid_t pid;

	if (pipe(go) || pipe(ready))
		return -1;
	pid = fork();
	if (pid == 0) {
		walk(a, ready[1], go[0]);
		_exit(1);	/* the walk ended by itself: SIGKILL came too late */
	}
	EXPECT_LE(0, pid);
	EXPECT_EQ(1, read(ready[0], &c, 1));
	EXPECT_EQ(0, sh("dmsetup suspend " DM_NAME));
	EXPECT_EQ(1, write(go[1], "g", 1));
	/* Caught in the walk: waiting for a block the suspended device holds. */
	for (i = 0; i < 500 && proc_state(pid) != 'D'; i++)
		usleep(10000);
	EXPECT_EQ('D', proc_state(pid));
	before = dm_reads();
	EXPECT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(0, sh("dmsetup resume " DM_NAME));
	EXPECT_EQ(pid, waitpid(pid, &status, 0));
	after = dm_reads();
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	return after - before;
}

static void forward_walk(const struct walk_args *a, int ready, int go)
{
	unsigned char buf[256];
	struct clfs_ioc_record rec;
	char c;
	int ctx;

	clfs_record_init(&rec, buf, sizeof(buf));
	ctx = clfs_read_record(a->m, a->first, CLFS_READ_FORWARD, CLFS_FILTER_DATA, &rec);
	if (ctx < 0 || write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	clfs_read_next(ctx, &rec);
}

/* SIGKILL ends a forward read over the stream's own blocks at the one it reads. */
TEST_F(walk, sigkill_ends_the_forward_walk)
{
	struct walk_args a = { .m = self->m[0], .first = self->first };
	long long n = reads_after_kill(_metadata, &a, forward_walk);

	TH_LOG("reads after the kill: %lld (the walk is %d blocks)", n, OWN_BLOCKS);
	EXPECT_LE(0, n);
	EXPECT_GE(AFTER_KILL_MAX, n);
}

static void open_walk(const struct walk_args *a, int ready, int go)
{
	char c;

	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	clfs_log_open(a->ctl, DM_DEV, 0);
}

/* SIGKILL ends the open's recovery walk at the block it is reading. */
TEST_F(walk, sigkill_ends_the_recovery_walk)
{
	struct walk_args a = { .ctl = self->ctl };
	long long n;
	int fd, i;

	/* Closed by every opener: the next open recovers it from the device. */
	for (i = 0; i < 2; i++) {
		close(self->m[i]);
		close(self->s[i]);
	}
	close(self->log);
	self->log = -1;
	n = reads_after_kill(_metadata, &a, open_walk);
	TH_LOG("reads after the kill: %lld (the log has %d blocks)", n,
	       OTHER_BLOCKS + OWN_BLOCKS + 2);
	EXPECT_LE(0, n);
	EXPECT_GE(AFTER_KILL_MAX, n);
	/* Nothing of the killed open stays behind: the log opens and deletes. */
	fd = clfs_log_open(self->ctl, DM_DEV, 0);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_EQ(0, clfs_log_delete(self->ctl, DM_DEV));
}

TEST_HARNESS_MAIN
