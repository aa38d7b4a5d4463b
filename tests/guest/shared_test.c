// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: shared logs (ABI 0.5, docs/sharing.md).
 *
 * A multiplexed log on the test disk is attached as "shared" with a node
 * /dev/clfs-logs/shared of group SH_GID, mode 0660. Independent programs
 * (shared_workers.h), each running as its own unprivileged uid in that
 * group, open the node and append forced records at once, to one stream
 * and to four; each reads back every record the others were acknowledged,
 * and the device's flushes show the group commit they shared. Then the
 * rules: who may open the node and how, what needs CAP_SYS_ADMIN, attach
 * twice, detach while in use, open after detach, stream reset and delete
 * while another client has the stream, the sysfs view, and unload with a
 * log attached. clfs.ko is left loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ktest_modules.h"
#include "test_caps.h"
#include "test_util.h"
#include "shared_workers.h"

#define NAME		"shared"
#define NODE		"/dev/" CLFS_LOG_DIR "/" NAME
#define SYSFS		"/sys/class/clfs/" NAME
#define NR_STREAMS	4

FIXTURE(shared) {
	int ctl;
	const char *path;
};

static int attach(int ctl, const char *path, const char *name, __u32 flags,
		  __u32 gid, __u32 mode)
{
	struct clfs_ioc_log_attach a = {
		.path = PTR(path), .flags = flags, .gid = gid, .mode = mode,
	};

	if (name)
		snprintf(a.name, sizeof(a.name), "%s", name);
	return ioctl(ctl, CLFS_IOC_LOG_ATTACH, &a);
}

static int detach(int ctl, const char *name)
{
	struct clfs_ioc_log_name n = { 0 };

	snprintf(n.name, sizeof(n.name), "%s", name);
	return ioctl(ctl, CLFS_IOC_LOG_DETACH, &n);
}

/* The attached logs, raw: how many were written to @e, or -1. */
static int list_logs(int ctl, struct clfs_attached_log *e, __u32 max,
		     __u32 *total)
{
	struct clfs_ioc_log_list l = { .logs = PTR(e), .max = max };

	if (ioctl(ctl, CLFS_IOC_LOG_LIST, &l))
		return -1;
	*total = l.total;
	return l.count;
}

static int set_access(int ctl, const char *name, __u32 gid, __u32 mode)
{
	struct clfs_ioc_log_name n = { .gid = gid, .mode = mode };

	snprintf(n.name, sizeof(n.name), "%s", name);
	return ioctl(ctl, CLFS_IOC_LOG_SET_ACCESS, &n);
}

FIXTURE_SETUP(shared)
{
	struct clfs_log_params p = {
		.container_bytes = 1 << 20, .nr_containers = 32,
		.flags = CLFS_LOG_MULTIPLEXED,
	};
	int log, i;
	__u32 id;

	self->path = disk();
	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	/* A test that timed out skipped its teardown. */
	detach(self->ctl, NAME);
	ASSERT_EQ(0, clfs_log_create(self->ctl, self->path, &p));
	log = log_open(self->ctl, self->path, 0);
	ASSERT_LE(0, log);
	for (i = 0; i < NR_STREAMS; i++)
		ASSERT_EQ(0, clfs_stream_create(log, &id));
	close(log);
	ASSERT_EQ(0, attach(self->ctl, self->path, NAME, 0, SH_GID, 0660));
	ASSERT_EQ(0, sh_reset_dir());
}

FIXTURE_TEARDOWN(shared)
{
	detach(self->ctl, NAME);
	close_fd(&self->ctl);
	/* The programs after this one expect clfs.ko loaded. */
	if (access("/dev/" CLFS_MISC_NAME, F_OK))
		load("clfs.ko", "");
}

static __u64 log_flushes(struct __test_metadata *_metadata, int log)
{
	struct clfs_log_info info;

	EXPECT_EQ(0, clfs_log_query(log, &info));
	return info.flushes;
}

/*
 * @nr workers, worker i on stream i % @streams, @count forced appends
 * each; all must pass. Returns the device flushes they caused.
 */
static __u64 run_workers(struct __test_metadata *_metadata, unsigned int nr,
			 unsigned int streams, unsigned int count)
{
	pid_t pids[SH_MAX_WORKERS];
	__u64 before, after;
	unsigned int i;
	int log;

	log = open(NODE, O_RDONLY | O_CLOEXEC);
	EXPECT_LE(0, log);
	before = log_flushes(_metadata, log);
	for (i = 0; i < nr; i++) {
		struct sh_job j = {
			.node = NODE, .stream = i % streams, .count = count,
			.index = i, .nr = nr, .uid = SH_UID0 + i, .gid = SH_GID,
		};

		pids[i] = sh_spawn(&j);
		ASSERT_LT(0, pids[i]);
	}
	ASSERT_EQ(0, sh_go());
	EXPECT_EQ(0, sh_wait_all(pids, nr));
	after = log_flushes(_metadata, log);
	close(log);
	TH_LOG("%u processes, %u forced appends, %llu device flushes",
	       nr, nr * count, (unsigned long long)(after - before));
	return after - before;
}

/* Every record of @stream, in order: LSNs increase, and @want appear. */
static void check_stream(struct __test_metadata *_metadata, unsigned int stream,
			 unsigned int want)
{
	char buf[SH_TEXT_MAX];
	struct clfs_stream_info si;
	struct clfs_ioc_record rec;
	__u64 last = CLFS_LSN_NULL;
	unsigned int n = 0;
	int log, s, m, ctx, ret;

	log = open(NODE, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, log);
	s = clfs_stream_open(log, stream);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, clfs_stream_query(s, &si));
	m = clfs_marshal_create(s, 4096, 0, 0);
	ASSERT_LE(0, m);
	clfs_record_init(&rec, buf, sizeof(buf));
	ctx = clfs_read_record(m, si.first_lsn, CLFS_READ_FORWARD,
			       CLFS_FILTER_DATA, &rec);
	ASSERT_LE(0, ctx);
	do {
		EXPECT_LT(last, rec.lsn);
		last = rec.lsn;
		n++;
		ret = clfs_read_next(ctx, &rec);
	} while (!ret);
	EXPECT_EQ(-ENODATA, ret);
	EXPECT_EQ(want, n);
	close(ctx);
	close(m);
	close(s);
	close(log);
}

TEST_F_TIMEOUT(shared, two_processes_share_one_stream, 120)
{
	run_workers(_metadata, 2, 1, 100);
	check_stream(_metadata, 0, 200);
}

/*
 * Sixteen programs forcing at once share the group commit: a flush that
 * one of them waits for covers the others' records too. Each has its own
 * marshalling area, and areas of a stream share the open block, so a
 * flush covers several records (an area's append used to seal the block
 * of the one before: about 4 records a flush).
 */
TEST_F_TIMEOUT(shared, sixteen_processes_share_one_stream_and_its_group_commit,
	       300)
{
	__u64 flushes = run_workers(_metadata, 16, 1, 40);

	EXPECT_GT(16 * 40 / 5, flushes);
	check_stream(_metadata, 0, 16 * 40);
}

TEST_F_TIMEOUT(shared, sixteen_processes_on_four_streams, 300)
{
	__u64 flushes = run_workers(_metadata, 16, NR_STREAMS, 40);
	unsigned int i;

	EXPECT_GT(16 * 40 / 2, flushes);
	for (i = 0; i < NR_STREAMS; i++)
		check_stream(_metadata, i, 4 * 40);
}

/* Records of @stream whose bytes begin with @prefix, in LSN order. */
static unsigned int count_prefixed(struct __test_metadata *_metadata,
				   unsigned int stream, const char *prefix)
{
	char buf[SH_TEXT_MAX], want[SH_TEXT_MAX];
	struct clfs_stream_info si;
	struct clfs_ioc_record rec;
	unsigned int n = 0;
	int log, s, m, ctx;

	log = open(NODE, O_RDONLY | O_CLOEXEC);
	s = log < 0 ? -1 : clfs_stream_open(log, stream);
	m = s < 0 ? -1 : clfs_marshal_create(s, 4096, 0, 0);
	EXPECT_LE(0, m);
	EXPECT_EQ(0, clfs_stream_query(s, &si));
	clfs_record_init(&rec, buf, sizeof(buf) - 1);
	ctx = clfs_read_record(m, si.first_lsn, CLFS_READ_FORWARD,
			       CLFS_FILTER_DATA, &rec);
	EXPECT_LE(0, ctx);
	do {
		buf[rec.data_bytes < sizeof(buf) ? rec.data_bytes : 0] = 0;
		if (strncmp(buf, prefix, strlen(prefix)))
			continue;
		/* Each client's records come back in the order it wrote them. */
		snprintf(want, sizeof(want), "%s%u", prefix, n);
		EXPECT_STREQ(want, buf);
		n++;
	} while (ctx >= 0 && !clfs_read_next(ctx, &rec));
	close(ctx);
	close(m);
	close(s);
	close(log);
	return n;
}

/*
 * A kernel client (clfs_sharetest.ko opens the log by its device, so it
 * shares the attached one) appends to the stream the processes append to,
 * at the same time.
 */
TEST_F_TIMEOUT(shared, kernel_client_appends_with_processes, 300)
{
	char params[128];
	pid_t pids[SH_MAX_WORKERS + 1];
	unsigned int i, nr = 4;
	int status;

	snprintf(params, sizeof(params), "dev=%s stream=0 count=150",
		 self->path);
	for (i = 0; i < nr; i++) {
		struct sh_job j = {
			.node = NODE, .stream = 0, .count = 50, .index = i,
			.nr = nr, .uid = SH_UID0 + i, .gid = SH_GID,
		};

		pids[i] = sh_spawn(&j);
		ASSERT_LT(0, pids[i]);
	}
	pids[nr] = fork();
	ASSERT_LE(0, pids[nr]);
	if (!pids[nr])
		_exit(sh_wait_file(SH_GO) || load("clfs_sharetest.ko", params));
	ASSERT_EQ(0, sh_go());
	EXPECT_EQ(0, sh_wait_all(pids, nr));
	ASSERT_EQ(pids[nr], waitpid(pids[nr], &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(0, unload("clfs_sharetest"));
	check_stream(_metadata, 0, nr * 50 + 150);
	EXPECT_EQ(150, count_prefixed(_metadata, 0, "k-"));
	EXPECT_EQ(50, count_prefixed(_metadata, 0, "w0-"));
}

/* In a child: become @uid in @gid (no capabilities), then run @fn. */
static int as_user(unsigned int uid, unsigned int gid, int (*fn)(void *),
		   void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
			_exit(100);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int open_errno(void *flags)
{
	int fd = open(NODE, *(int *)flags | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/* A member of the group opens the node read-only: appends get EBADF. */
static int read_only_node_refuses_appends(void *unused)
{
	char text[] = "ro";
	struct iovec iov = { text, 2 };
	int log, s, m, ret;

	log = open(NODE, O_RDONLY | O_CLOEXEC);
	if (log < 0)
		return 1;
	s = clfs_stream_open(log, 0);
	m = s < 0 ? s : clfs_marshal_create(s, 4096, 0, 0);
	if (m < 0)
		return 2;
	ret = clfs_append(m, &iov, 1, CLFS_RECORD_DATA,
			  CLFS_APPEND_FORCE_FLUSH, 0, 0, NULL);
	return ret == -EBADF ? 0 : 3;
}

TEST_F(shared, node_permissions_decide_who_opens_and_how)
{
	int rw = O_RDWR, ro = O_RDONLY;
	struct stat st;

	ASSERT_EQ(0, stat(NODE, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660, st.st_mode & 07777);
	EXPECT_EQ(SH_GID, st.st_gid);
	/* Outside the group: no access at all. */
	EXPECT_EQ(EACCES, as_user(SH_UID0, SH_GID + 1, open_errno, &rw));
	EXPECT_EQ(EACCES, as_user(SH_UID0, SH_GID + 1, open_errno, &ro));
	/* In the group: both, and read-only means read-only. */
	EXPECT_EQ(0, as_user(SH_UID0, SH_GID, open_errno, &rw));
	EXPECT_EQ(0, as_user(SH_UID0, SH_GID, read_only_node_refuses_appends,
			     NULL));
	/* A new mode re-creates the node; the outsider may now read. */
	ASSERT_EQ(0, set_access(self->ctl, NAME, SH_GID, 0664));
	ASSERT_EQ(0, stat(NODE, &st));
	EXPECT_EQ(0664, st.st_mode & 07777);
	EXPECT_EQ(0, as_user(SH_UID0, SH_GID + 1, open_errno, &ro));
	EXPECT_EQ(EACCES, as_user(SH_UID0, SH_GID + 1, open_errno, &rw));
	EXPECT_ERRNO(EINVAL, set_access(self->ctl, NAME, SH_GID, 0755));
	EXPECT_ERRNO(ENOENT, set_access(self->ctl, "nosuch", SH_GID, 0600));
}

/* Unprivileged, with the control device opened as root beforehand. */
static int admin_ioctls_need_cap(void *ctlp)
{
	struct clfs_log_params p = {
		.container_bytes = 1 << 20, .nr_containers = 4,
	};
	struct clfs_ioc_log_create c = { .path = PTR(disk()), .params = p };
	struct clfs_ioc_log_open o = { .path = PTR(disk()) };
	struct clfs_attached_log e[4];
	int ctl = *(int *)ctlp;
	__u32 total;
	int bad = 0;

	bad |= !eperm(ioctl(ctl, CLFS_IOC_LOG_CREATE, &c)) << 0;
	bad |= !eperm(ioctl(ctl, CLFS_IOC_LOG_DELETE, &o)) << 1;
	bad |= !eperm(ioctl(ctl, CLFS_IOC_LOG_OPEN, &o)) << 2;
	bad |= !eperm(attach(ctl, disk(), "other", 0, 0, 0)) << 3;
	bad |= !eperm(detach(ctl, NAME)) << 4;
	bad |= !eperm(set_access(ctl, NAME, 0, 0666)) << 5;
	/* Listing needs nothing. */
	bad |= (list_logs(ctl, e, 4, &total) != 1) << 6;
	return bad;
}

TEST_F(shared, create_attach_detach_delete_need_cap_sys_admin)
{
	EXPECT_EQ(0, as_user(SH_UID0, SH_GID, admin_ioctls_need_cap,
			     &self->ctl));
	/* Still attached, untouched. */
	EXPECT_EQ(0, access(NODE, F_OK));
}

TEST_F(shared, attach_twice_or_under_a_second_name_is_refused)
{
	struct clfs_ioc_log_attach a = { .path = PTR(self->path) };
	char name[64] = "";

	EXPECT_ERRNO(EEXIST, attach(self->ctl, self->path, NAME, 0, 0, 0));
	EXPECT_ERRNO(EEXIST, attach(self->ctl, self->path, "second", 0, 0, 0));
	EXPECT_ERRNO(EEXIST, attach(self->ctl, self->path, NULL, 0, 0, 0));
	EXPECT_NE(0, access("/dev/" CLFS_LOG_DIR "/second", F_OK));
	/* Bad names and arguments change nothing. */
	EXPECT_ERRNO(EINVAL, attach(self->ctl, self->path, ".hidden", 0, 0, 0));
	EXPECT_ERRNO(EINVAL, attach(self->ctl, self->path, "a/b", 0, 0, 0));
	EXPECT_ERRNO(EINVAL, attach(self->ctl, self->path, "x", 0, 0, 01777));
	a.reserved[3] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->ctl, CLFS_IOC_LOG_ATTACH, &a));
	EXPECT_ERRNO(ENOENT, detach(self->ctl, "second"));
	/* Detached, the default name is the device's own. */
	ASSERT_EQ(0, detach(self->ctl, NAME));
	memset(&a, 0, sizeof(a));
	a.path = PTR(self->path);
	ASSERT_EQ(0, ioctl(self->ctl, CLFS_IOC_LOG_ATTACH, &a));
	snprintf(name, sizeof(name), "%s", strrchr(self->path, '/') + 1);
	EXPECT_STREQ(name, a.name);
	snprintf(name, sizeof(name), "/dev/" CLFS_LOG_DIR "/%s", a.name);
	EXPECT_EQ(0, access(name, F_OK));
	EXPECT_EQ(0, detach(self->ctl, a.name));
	EXPECT_NE(0, access(name, F_OK));
}

/*
 * Detach takes the name and the node at once; the log itself stays open,
 * shared, for the clients that have it, and closes with the last.
 */
TEST_F(shared, detach_while_in_use_keeps_clients_working)
{
	char text[] = "after detach";
	struct iovec iov = { text, sizeof(text) - 1 };
	struct clfs_log_info info;
	int log, s, m, by_path;
	__u64 lsn;

	log = open(NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, log);
	s = clfs_stream_open(log, 1);
	ASSERT_LE(0, s);
	m = clfs_marshal_create(s, 4096, 0, 0);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, detach(self->ctl, NAME));
	EXPECT_ERRNO(ENOENT, open(NODE, O_RDWR | O_CLOEXEC));
	EXPECT_ERRNO(ENOENT, detach(self->ctl, NAME));
	EXPECT_EQ(0, clfs_append(m, &iov, 1, CLFS_RECORD_DATA,
				 CLFS_APPEND_FORCE_FLUSH, 0, 0, &lsn));
	/* Still open: the device's claim holds, and an open shares it. */
	EXPECT_EQ(-EBUSY, clfs_log_delete(self->ctl, self->path));
	by_path = log_open(self->ctl, self->path, CLFS_OPEN_READ_ONLY);
	ASSERT_LE(0, by_path);
	EXPECT_EQ(0, clfs_log_query(by_path, &info));
	EXPECT_LT(lsn, info.flushed_lsn);
	close(by_path);
	close(m);
	close(s);
	close(log);
	/* The last client closed it: the device is free. */
	EXPECT_EQ(0, clfs_log_delete(self->ctl, self->path));
}

/* Opening the device by path shares the attached log, counters and all. */
TEST_F(shared, open_by_path_shares_the_attached_log)
{
	struct clfs_log_info a, b;
	int node, by_path, s, m;
	char text[] = "one";
	struct iovec iov = { text, 3 };

	node = open(NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, node);
	by_path = log_open(self->ctl, self->path, 0);
	ASSERT_LE(0, by_path);
	s = clfs_stream_open(by_path, 2);
	ASSERT_LE(0, s);
	m = clfs_marshal_create(s, 4096, 0, 0);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, clfs_append(m, &iov, 1, CLFS_RECORD_DATA,
				 CLFS_APPEND_FORCE_FLUSH, 0, 0, NULL));
	ASSERT_EQ(0, clfs_log_query(node, &a));
	ASSERT_EQ(0, clfs_log_query(by_path, &b));
	EXPECT_LT(0, a.blocks_written);
	EXPECT_EQ(a.blocks_written, b.blocks_written);
	EXPECT_EQ(a.flushes, b.flushes);
	EXPECT_EQ(0, memcmp(a.uuid, b.uuid, sizeof(a.uuid)));
	close(m);
	close(s);
	close(by_path);
	close(node);
}

/* A stream another client holds can be neither reset nor deleted. */
TEST_F(shared, stream_reset_and_delete_while_another_holds_it_are_busy)
{
	int mine, theirs, s1, s2;

	mine = open(NODE, O_RDWR | O_CLOEXEC);
	theirs = log_open(self->ctl, self->path, 0);
	ASSERT_LE(0, mine);
	ASSERT_LE(0, theirs);
	s1 = clfs_stream_open(mine, 3);
	s2 = clfs_stream_open(theirs, 3);
	ASSERT_LE(0, s1);
	ASSERT_LE(0, s2);
	EXPECT_EQ(-EBUSY, clfs_stream_reset(s1));
	EXPECT_EQ(-EBUSY, clfs_stream_delete(theirs, 3));
	close(s2);
	EXPECT_EQ(0, clfs_stream_reset(s1));
	EXPECT_EQ(-EBUSY, clfs_stream_delete(theirs, 3));
	close(s1);
	EXPECT_EQ(0, clfs_stream_delete(theirs, 3));
	close(theirs);
	close(mine);
}

/* Another process's management client on stream 0: ours gets EBUSY. */
static int second_mgmt_client_is_busy(void *unused)
{
	int log = open(NODE, O_RDWR | O_CLOEXEC);
	int s = log < 0 ? -1 : clfs_stream_open(log, 0);

	if (s < 0)
		return 1;
	if (clfs_mgmt_register(s) != -EBUSY)
		return 2;
	/* Another stream is free. */
	close(s);
	s = clfs_stream_open(log, 1);
	return s >= 0 && clfs_mgmt_register(s) == 0 ? 0 : 3;
}

static int mgmt_client_on_stream_0(void *unused)
{
	int log = open(NODE, O_RDWR | O_CLOEXEC);
	int s = log < 0 ? -1 : clfs_stream_open(log, 0);

	return s >= 0 && clfs_mgmt_register(s) == 0 ? 0 : 1;
}

TEST_F(shared, one_management_client_per_stream_across_processes)
{
	int log, s;

	log = open(NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, log);
	s = clfs_stream_open(log, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, clfs_mgmt_register(s));
	EXPECT_EQ(0, as_user(SH_UID0, SH_GID, second_mgmt_client_is_busy,
			     NULL));
	close(s);
	close(log);
	/* Ours went with its descriptor: the stream is free again. */
	EXPECT_EQ(0, as_user(SH_UID0, SH_GID, mgmt_client_on_stream_0, NULL));
}

static long long sysfs_num(const char *attr)
{
	char path[128], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), SYSFS "/%s", attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return buf[0] ? strtoll(buf, NULL, 10) : -1;
}

TEST_F(shared, sysfs_and_list_show_the_attachment)
{
	struct clfs_attached_log e[2];
	struct clfs_log_info info;
	char buf[64] = "";
	__u32 total = 0;
	int log;
	FILE *f;

	EXPECT_EQ(1, sysfs_num("clients"));
	log = open(NODE, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, log);
	EXPECT_EQ(2, sysfs_num("clients"));
	ASSERT_EQ(0, clfs_log_query(log, &info));
	EXPECT_EQ((long long)info.flushes, sysfs_num("flushes"));
	EXPECT_EQ((long long)info.blocks_written, sysfs_num("blocks_written"));
	f = fopen(SYSFS "/device", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	EXPECT_STREQ(strrchr(self->path, '/') + 1, buf);
	ASSERT_EQ(1, list_logs(self->ctl, e, 2, &total));
	EXPECT_EQ(1, total);
	EXPECT_STREQ(NAME, e[0].name);
	EXPECT_STREQ(buf, e[0].device);
	EXPECT_EQ(2, e[0].clients);
	EXPECT_EQ(SH_GID, e[0].gid);
	EXPECT_EQ(0660, e[0].mode);
	EXPECT_EQ(0, memcmp(info.uuid, e[0].uuid, sizeof(info.uuid)));
	close(log);
	EXPECT_EQ(1, sysfs_num("clients"));
}

/* A read-only attachment only opens read-only. */
TEST_F(shared, read_only_attachment_opens_read_only)
{
	int log;

	ASSERT_EQ(0, detach(self->ctl, NAME));
	ASSERT_EQ(0, attach(self->ctl, self->path, NAME, CLFS_OPEN_READ_ONLY,
			    0, 0644));
	EXPECT_ERRNO(EROFS, open(NODE, O_RDWR | O_CLOEXEC));
	/* Its first opener asked for read-only: no writer may share it. */
	EXPECT_ERRNO(EROFS, log_open(self->ctl, self->path, 0));
	log = open(NODE, O_RDONLY | O_CLOEXEC);
	EXPECT_LE(0, log);
	close(log);
}

/* While a log is attached the module stays; detached, it unloads. */
TEST_F(shared, unload_is_refused_while_a_log_is_attached)
{
	int ret = unload("clfs");

	EXPECT_TRUE(ret == -EAGAIN || ret == -EBUSY);
	EXPECT_EQ(0, access(NODE, F_OK));
	close_fd(&self->ctl);
	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	ASSERT_EQ(0, detach(self->ctl, NAME));
	close_fd(&self->ctl);
	EXPECT_EQ(0, unload("clfs"));
	ASSERT_EQ(0, load("clfs.ko", ""));
	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--worker"))
		return sh_worker_main(argc, argv);
	return test_harness_run(argc, argv);
}
