// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: clfsctl check and dump on logs written by the real module.
 *
 * The test module clfs_disktest.ko (tests/guest-kmod) writes a multiplexed,
 * archived log through the stream layer (records over three streams,
 * restart areas, a base, an archive tail), reopens it and prints what the
 * metadata and recovery hold. Then clfs.ko is unloaded and the offline
 * checker reads the raw device: it must find exactly what the module
 * reported. Then the metadata copies and a block in the middle of the
 * chain are damaged with O_DIRECT writes, one case at a time, and the
 * checker must name the damage with the documented exit status; restoring
 * the bytes must make the log clean again.
 *
 * Programs named *_ktest run in the guest's "ktest" step (debug kernel).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ktest_modules.h"

#define CLFSCTL		"/clfs/bin/clfsctl"
#define MD_COPY_BYTES	(64 * 1024)	/* clfs_format.h: CLFS_MD_COPY_BYTES */
#define RECORDS		1500		/* ~2.2 MiB: crosses 1 MiB containers */
#define NSTREAMS	3
/* clfs_format.h: CLFS_MD_LOG_MULTIPLEXED | CLFS_MD_LOG_ARCHIVED */
#define LOG_FLAGS	3

/* What the module reported about the log it wrote and reopened. */
struct expect {
	unsigned long long blocks, end, recovery;
	struct {
		unsigned int records, truncated;
		unsigned long long last, base, restart, archive;
	} s[NSTREAMS];
	unsigned int total;
};

static int parse_klog(struct expect *e)
{
	static char buf[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	unsigned int id, found = 0;
	char *p;

	if (n < 0)
		return -errno;
	buf[n] = 0;
	memset(e, 0, sizeof(*e));
	p = strstr(buf, "streams: reopened: ");
	if (!p || sscanf(p, "streams: reopened: blocks %llu end %llx recovery %llx",
			 &e->blocks, &e->end, &e->recovery) != 3)
		return -ENOENT;
	while ((p = strstr(p + 1, "streams: stream "))) {
		unsigned int rec, cut;
		unsigned long long l, b, r, a;

		if (sscanf(p, "streams: stream %u records %u truncated %u last %llx base %llx restart %llx archive %llx",
			   &id, &rec, &cut, &l, &b, &r, &a) != 7 || id >= NSTREAMS)
			return -EPROTO;
		e->s[id].records = rec;
		e->s[id].truncated = cut;
		e->s[id].last = l;
		e->s[id].base = b;
		e->s[id].restart = r;
		e->s[id].archive = a;
		e->total += rec;
		found++;
	}
	return found == NSTREAMS ? 0 : -ENOENT;
}

/* clfsctl's way of printing an LSN. */
static const char *lsn_str(char *buf, unsigned long long lsn)
{
	if (!lsn)
		return strcpy(buf, "-");
	sprintf(buf, "0x%016llx", lsn);
	return buf;
}

struct run {
	int status;
	char *out;
	char *err;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);

	if (!f || !buf)
		abort();
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
	}
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Run clfsctl with NULL-terminated arguments; capture everything. */
static struct run run_clfsctl(const char *arg, ...)
{
	char *argv[16];
	struct run r = { 0 };
	va_list ap;
	int n = 0, st;
	pid_t pid;

	argv[n++] = CLFSCTL;
	argv[n++] = (char *)arg;
	va_start(ap, arg);
	while (n < 15 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	pid = fork();
	if (!pid) {
		int fo = open("/tmp/clfsctl.out", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open("/tmp/clfsctl.err", O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fo, 1);
		dup2(fe, 2);
		execv(CLFSCTL, argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r.out = slurp("/tmp/clfsctl.out");
	r.err = slurp("/tmp/clfsctl.err");
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

#define EXPECT_HAS(hay, ...) do {					\
	char _n[512];							\
	snprintf(_n, sizeof(_n), __VA_ARGS__);				\
	EXPECT_TRUE(strstr(hay, _n) != NULL)				\
		TH_LOG("missing \"%s\" in:\n%s", _n, hay);		\
} while (0)

/* Read (@save) or write back (@restore) @len bytes at @off, O_DIRECT. */
static int raw_io(const char *dev, unsigned long long off, void *save,
		  size_t len, int restore)
{
	void *buf;
	int fd, ret = 0;

	if (posix_memalign(&buf, 4096, len))
		return -ENOMEM;
	fd = open(dev, O_RDWR | O_DIRECT | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	if (restore) {
		memcpy(buf, save, len);
		if (pwrite(fd, buf, len, off) != (ssize_t)len)
			ret = -EIO;
	} else {
		if (pread(fd, buf, len, off) != (ssize_t)len)
			ret = -EIO;
		memcpy(save, buf, len);
	}
	close(fd);
	free(buf);
	return ret;
}

/* Flip the byte at @off (its sector goes through O_DIRECT). */
static int flip_byte(const char *dev, unsigned long long off, int sector)
{
	unsigned long long base = off / sector * sector;
	unsigned char *b = malloc(sector);
	int ret;

	if (!b)
		return -ENOMEM;
	ret = raw_io(dev, base, b, sector, 0);
	b[off - base] ^= 0x5a;
	if (!ret)
		ret = raw_io(dev, base, b, sector, 1);
	free(b);
	return ret;
}

/*
 * Garbage over @len bytes at @at of a metadata copy, the magic kept (as
 * disk_ktest does): from byte 16 the crc fails; from byte 8 the length
 * field is hit first.
 */
static int md_garble(const char *dev, int copy, void *save, int at)
{
	unsigned char *b = malloc(MD_COPY_BYTES);
	int ret;

	if (!b)
		return -ENOMEM;
	ret = raw_io(dev, (unsigned long long)copy * MD_COPY_BYTES, save,
		     MD_COPY_BYTES, 0);
	memcpy(b, save, MD_COPY_BYTES);
	memset(b + at, 0x5a, 9000);
	if (!ret)
		ret = raw_io(dev, (unsigned long long)copy * MD_COPY_BYTES, b,
			     MD_COPY_BYTES, 1);
	free(b);
	return ret;
}

static int md_restore(const char *dev, int copy, void *save)
{
	return raw_io(dev, (unsigned long long)copy * MD_COPY_BYTES, save,
		      MD_COPY_BYTES, 1);
}

FIXTURE(off) {
	const char *dev;
	struct expect e;
};

FIXTURE_VARIANT(off) {
	const char *dev;
	int sector;
};

/* The debug guest is started with a 512-byte and a 4096-byte-sector disk. */
FIXTURE_VARIANT_ADD(off, vda_512) { .dev = "/dev/vda", .sector = 512 };
FIXTURE_VARIANT_ADD(off, vdb_4096) { .dev = "/dev/vdb", .sector = 4096 };

FIXTURE_SETUP(off)
{
	int ret = load("clfs.ko", "");

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	self->dev = variant->dev;
	ASSERT_EQ(0, disktest(self->dev, "op=create flags=%d", LOG_FLAGS));
	klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0);
	ASSERT_EQ(0, disktest(self->dev, "op=streams seed=%d records=%d streams=%d",
			      variant->sector, RECORDS, NSTREAMS));
	ASSERT_EQ(0, parse_klog(&self->e));
	/* Stream 2 was truncated by 9 records. */
	ASSERT_EQ(9, self->e.s[2].truncated);
	ASSERT_EQ(RECORDS - 9, self->e.total);
	/* Nothing but the disk: the checker needs no module. */
	ASSERT_EQ(0, unload("clfs"));
}

FIXTURE_TEARDOWN(off)
{
	load("clfs.ko", "");
}

TEST_F_TIMEOUT(off, check_finds_what_the_module_wrote, 120)
{
	char l1[24], l2[24], id[32];
	struct run r;
	const char *line;
	int s;

	r = run_clfsctl("check", self->dev, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_HAS(r.out, "result: clean");
	EXPECT_HAS(r.out, "chain: %llu blocks from the recovery start %s to the end of the log %s",
		   self->e.blocks, lsn_str(l1, self->e.recovery),
		   lsn_str(l2, self->e.end));
	/* The truncation block's record is a record of the log. */
	EXPECT_HAS(r.out, "%u records (", RECORDS + 1);
	EXPECT_HAS(r.out, "1 truncation blocks");
	for (s = 0; s < NSTREAMS; s++) {
		/* The stream's line in the chain report. */
		snprintf(id, sizeof(id), "stream %d: active", s);
		line = strstr(r.out, id);
		ASSERT_TRUE(line != NULL) TH_LOG("no \"%s\" in:\n%s", id, r.out);
		EXPECT_HAS(line, "%s, created", id);
		EXPECT_HAS(line, "base %s, last", lsn_str(l1, self->e.s[s].base));
		EXPECT_HAS(line, "archive tail %s, restart",
			   lsn_str(l1, self->e.s[s].archive));
		EXPECT_HAS(line, "restart %s, records %u, blocks",
			   lsn_str(l1, self->e.s[s].restart),
			   self->e.s[s].records);
		EXPECT_HAS(line, "last record %s", lsn_str(l1, self->e.s[s].last));
		if (self->e.s[s].truncated)
			EXPECT_HAS(line, "truncations 1 (%u records)",
				   self->e.s[s].truncated);
	}
	run_free(&r);

	r = run_clfsctl("--json", "check", self->dev, NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_HAS(r.out, "\"blocks\": %llu", self->e.blocks);
	EXPECT_HAS(r.out, "\"records\": %u", RECORDS + 1);
	EXPECT_HAS(r.out, "\"truncated_records\": 9");
	EXPECT_HAS(r.out, "\"end_lsn\": \"%s\"", lsn_str(l1, self->e.end));
	EXPECT_HAS(r.out, "\"status\": 0");
	run_free(&r);
}

TEST_F_TIMEOUT(off, dump_prints_every_block_and_record, 120)
{
	char l1[24];
	struct run r;
	int s;

	r = run_clfsctl("dump", self->dev, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(self->e.blocks, count(r.out, "\nblock 0x"));
	/* Every record on disk, truncated ones and the truncation's too. */
	EXPECT_EQ(RECORDS + 1, count(r.out, "\n  record 0x"));
	EXPECT_EQ(1, count(r.out, "\n  truncation: stream 2 ends at 0x"));
	EXPECT_HAS(r.out, "end of the log at %s", lsn_str(l1, self->e.end));
	run_free(&r);
	for (s = 0; s < NSTREAMS; s++) {
		char id[4];

		snprintf(id, sizeof(id), "%d", s);
		r = run_clfsctl("dump", "--stream", id, self->dev, NULL);
		EXPECT_EQ(0, r.status);
		EXPECT_EQ(self->e.s[s].records + self->e.s[s].truncated +
			  !!self->e.s[s].truncated,
			  count(r.out, "\n  record 0x"));
		run_free(&r);
	}
	r = run_clfsctl("--json", "dump", "--headers", self->dev, NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_HAS(r.out, "\"blocks_printed\": %llu", self->e.blocks);
	run_free(&r);
}

TEST_F_TIMEOUT(off, damaged_metadata_copies, 120)
{
	void *save0 = malloc(MD_COPY_BYTES), *save1 = malloc(MD_COPY_BYTES);
	struct run r;

	ASSERT_TRUE(save0 && save1);

	/* One bad copy: the log still opens, from the other: a warning. */
	ASSERT_EQ(0, md_garble(self->dev, 0, save0, 16));
	r = run_clfsctl("check", self->dev, NULL);
	EXPECT_EQ(3, r.status) TH_LOG("%s", r.err);
	EXPECT_HAS(r.err, "clfsctl check: warning: metadata copy 0: crc mismatch (stored");
	EXPECT_HAS(r.out, "metadata copy 1: valid, generation");
	EXPECT_HAS(r.out, "(in use)");
	run_free(&r);
	r = run_clfsctl("check", "--strict", self->dev, NULL);
	EXPECT_EQ(1, r.status);
	run_free(&r);
	ASSERT_EQ(0, md_restore(self->dev, 0, save0));
	r = run_clfsctl("check", self->dev, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	run_free(&r);

	ASSERT_EQ(0, md_garble(self->dev, 1, save1, 8));
	r = run_clfsctl("check", self->dev, NULL);
	EXPECT_EQ(3, r.status) TH_LOG("%s", r.err);
	EXPECT_HAS(r.err, "warning: metadata copy 1: impossible length 1515870810");
	EXPECT_HAS(r.out, "metadata copy 0: valid, generation");
	run_free(&r);

	/* Both: nothing to read the log with. */
	ASSERT_EQ(0, md_garble(self->dev, 0, save0, 16));
	r = run_clfsctl("check", self->dev, NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_HAS(r.err, "error: metadata copy 0: crc mismatch");
	EXPECT_HAS(r.err, "error: metadata copy 1: impossible length");
	EXPECT_HAS(r.err, "error: no valid metadata copy");
	run_free(&r);
	r = run_clfsctl("dump", self->dev, NULL);
	EXPECT_EQ(1, r.status);
	run_free(&r);

	ASSERT_EQ(0, md_restore(self->dev, 0, save0));
	ASSERT_EQ(0, md_restore(self->dev, 1, save1));
	r = run_clfsctl("check", self->dev, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	run_free(&r);
	free(save0);
	free(save1);
}

TEST_F_TIMEOUT(off, damaged_block_in_the_middle_of_the_chain, 120)
{
	unsigned long long lsn = 0, off = 0, mid_lsn = 0, mid_off = 0;
	unsigned int nrec, used, n = 0, i = 0;
	char l1[24];
	struct run r;
	char *p;

	/* The module's blocks, from the dump: pick one in the middle. */
	r = run_clfsctl("dump", "--headers", self->dev, NULL);
	ASSERT_EQ(0, r.status);
	for (p = r.out; (p = strstr(p, "\nblock ")); p++)
		n++;
	for (p = r.out; (p = strstr(p, "\nblock ")); p++) {
		if (sscanf(p, "\nblock %llx: stream %*u, epoch %*u, %u records, %u used bytes, %*u on disk at device offset %llx",
			   &lsn, &nrec, &used, &off) != 4)
			continue;
		if (i++ >= n / 2 && nrec && !mid_lsn) {
			mid_lsn = lsn;
			mid_off = off + used / 2;
		}
	}
	run_free(&r);
	ASSERT_NE(0, mid_lsn);

	ASSERT_EQ(0, flip_byte(self->dev, mid_off, variant->sector));
	r = run_clfsctl("check", self->dev, NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_HAS(r.err, "clfsctl check: error: block %s: crc mismatch",
		   lsn_str(l1, mid_lsn));
	/* The reopen found the log whole beyond it: blocks were lost. */
	EXPECT_HAS(r.err, "which the last open found whole: blocks were lost");
	EXPECT_HAS(r.err, "valid blocks");
	EXPECT_HAS(r.out, "to the end of the log %s: crc mismatch",
		   lsn_str(l1, mid_lsn));
	run_free(&r);

	ASSERT_EQ(0, flip_byte(self->dev, mid_off, variant->sector));
	r = run_clfsctl("check", self->dev, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	run_free(&r);
}

TEST_HARNESS_MAIN
