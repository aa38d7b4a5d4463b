// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the offline checker (clfsctl check and dump): log images
 * are built in files with the format code's encoders (imgbuild.c), then
 * damaged the ways disks and bugs damage them, and the checker must say
 * exactly what and where, with the documented exit status. Runs the
 * checker's library (userspace/offline) in-process under ASan/UBSan, and
 * the clfsctl binary itself for the command line.
 *
 * Every case runs on a dedicated log with 512-byte sectors and on a
 * multiplexed, archived log with 4096-byte sectors.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "imgbuild.h"
#include "offline/offline.h"

#ifndef CLFSCTL
#define CLFSCTL "clfsctl"
#endif

#define NSTREAMS	3
#define MAX_RECS	4096

/* crc32c for static builds, under another name, to compare with ISA-L's. */
#define CRC32C_SW_NAME	clfs_test_crc32c_sw
#include "offline/crc32c_sw.c"

struct out {
	int status;
	char *out;
	char *err;
};

static void out_free(struct out *o)
{
	free(o->out);
	free(o->err);
	o->out = NULL;
	o->err = NULL;
}

static struct out check(const char *path, bool strict, bool json)
{
	struct off_check_opts opts = { .strict = strict };
	struct out o = { 0 };
	size_t n1, n2;
	FILE *f1 = open_memstream(&o.out, &n1);
	FILE *f2 = open_memstream(&o.err, &n2);

	o.status = off_check(path, &opts, json, f1, f2);
	fclose(f1);
	fclose(f2);
	return o;
}

static struct out dump(const char *path, const struct off_dump_opts *opts,
		       bool json)
{
	struct out o = { 0 };
	size_t n1, n2;
	FILE *f1 = open_memstream(&o.out, &n1);
	FILE *f2 = open_memstream(&o.err, &n2);

	o.status = off_dump(path, opts, json, f1, f2);
	fclose(f1);
	fclose(f2);
	return o;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 22);
	size_t n;

	if (!f || !buf)
		abort();
	n = fread(buf, 1, (1 << 22) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Run the clfsctl binary; NULL-terminated arguments. */
static struct out run_cli(const char *dir, ...)
{
	char *argv[16], outp[256], errp[256];
	struct out o = { 0 };
	va_list ap;
	int n = 0, st;
	pid_t pid;

	argv[n++] = CLFSCTL;
	va_start(ap, dir);
	while (n < 15 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(outp, sizeof(outp), "%s/cli.out", dir);
	snprintf(errp, sizeof(errp), "%s/cli.err", dir);
	pid = fork();
	if (!pid) {
		int fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fo, 1);
		dup2(fe, 2);
		execv(CLFSCTL, argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	o.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	o.out = slurp(outp);
	o.err = slurp(errp);
	return o;
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

/* The formatted text must be in @hay; on failure, show @hay. */
#define EXPECT_HAS(hay, ...) do {					\
	char _n[512];							\
	snprintf(_n, sizeof(_n), __VA_ARGS__);				\
	EXPECT_TRUE(strstr(hay, _n) != NULL)				\
		TH_LOG("missing \"%s\" in:\n%s", _n, hay);		\
} while (0)

#define EXPECT_LACKS(hay, ...) do {					\
	char _n[512];							\
	snprintf(_n, sizeof(_n), __VA_ARGS__);				\
	EXPECT_TRUE(strstr(hay, _n) == NULL)				\
		TH_LOG("unexpected \"%s\" in:\n%s", _n, hay);		\
} while (0)

#define LSNF	"0x%016llx"
#define L(x)	((unsigned long long)(x))

/* What the fixture appended to each stream. */
struct recs {
	u32 nstreams;
	u32 nrec[NSTREAMS];		/* records appended per stream */
	u64 lsn[NSTREAMS][MAX_RECS];	/* their LSNs */
	u32 type[NSTREAMS][MAX_RECS];
};

FIXTURE(log) {
	char dir[64];
	char path[96];
	struct img im;
	struct recs r;
};

FIXTURE_VARIANT(log) {
	u32 sector;
	u32 flags;
};

FIXTURE_VARIANT_ADD(log, s512_dedicated) { .sector = 512, .flags = 0 };
FIXTURE_VARIANT_ADD(log, s4k_mux_archived) {
	.sector = 4096,
	.flags = CLFS_MD_LOG_MULTIPLEXED | CLFS_MD_LOG_ARCHIVED,
};

#define DEV_BYTES	(24ULL << 20)
#define CONT_BYTES	(256U << 10)

static u32 rec_len(u32 i)
{
	return 1 + (i * 2654435761U) % 2500;
}

/* Append @n records round-robin in runs of 5 over the fixture's streams. */
static void append(struct img *im, struct recs *r, u32 n)
{
	static u8 data[4096];
	u32 i;

	for (i = 0; i < n; i++) {
		u32 s = (i / 5) % r->nstreams, k = r->nrec[s];
		u32 type = k % 17 == 3 ? CLFS_REC_RESTART : CLFS_REC_DATA;
		u64 prev = k ? r->lsn[s][k - 1] : CLFS_LSN_NULL;

		memset(data, 0x30 + i % 64, rec_len(i));
		r->lsn[s][k] = img_append(im, s, type, data, rec_len(i), prev,
					  CLFS_LSN_NULL);
		r->type[s][k] = type;
		r->nrec[s]++;
	}
	img_seal(im);
}

FIXTURE_SETUP(log)
{
	u32 s;

	snprintf(self->dir, sizeof(self->dir), "/tmp/clfs-offline-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/log.img", self->dir);
	ASSERT_EQ(0, img_create(&self->im, self->path, DEV_BYTES,
				variant->sector, CONT_BYTES, 80, 64,
				variant->flags, 16384));
	self->r.nstreams = variant->flags & CLFS_MD_LOG_MULTIPLEXED ? NSTREAMS : 1;
	if (self->r.nstreams > 1)
		for (s = 0; s < self->r.nstreams; s++)
			img_stream_create(&self->im, s);
	/* ~1.5 MiB of records: several containers. */
	append(&self->im, &self->r, 1200);
	/* The metadata names records, as restart areas and bases do. */
	for (s = 0; s < self->r.nstreams; s++) {
		struct clfs_md_stream *ms = &self->im.md.streams[s];
		u32 n = self->r.nrec[s], k = 3;

		ms->last_lsn = self->r.lsn[s][n - 10];
		ms->base_lsn = self->r.lsn[s][n / 4];
		while (self->r.type[s][k] != CLFS_REC_RESTART)
			k++;
		ms->restart_lsn = self->r.lsn[s][k];
		if (variant->flags & CLFS_MD_LOG_ARCHIVED)
			ms->archive_tail_lsn = self->r.lsn[s][n / 8];
	}
	img_commit(&self->im);
}

FIXTURE_TEARDOWN(log)
{
	char cmd[128];

	if (self->im.dev)
		img_close(&self->im);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

/* Flip one byte of the device image. */
/* The copy holding the newest generation. */
static u32 newest(const struct img *im)
{
	return clfs_md_copy_of_generation(im->md.generation);
}

static void flip(struct img *im, u64 off)
{
	im->dev[off] ^= 0x5a;
}

static u64 md_off(u32 copy, u32 byte)
{
	return clfs_md_copy_offset(copy) + byte;
}

TEST_F(log, clean_log_is_clean)
{
	struct out o = check(self->path, false, false);
	u32 s;

	EXPECT_EQ(OFF_EXIT_CLEAN, o.status) TH_LOG("%s%s", o.out, o.err);
	EXPECT_STREQ("", o.err);
	EXPECT_HAS(o.out, "result: clean");
	EXPECT_HAS(o.out, "chain: %llu blocks from the recovery start " LSNF
		   " to the end of the log " LSNF, L(self->im.blocks),
		   L(self->im.md.recovery_lsn), L(self->im.head));
	EXPECT_HAS(o.out, "totals: %llu blocks", L(self->im.blocks));
	EXPECT_HAS(o.out, "%llu records", L(self->im.records));
	for (s = 0; s < self->r.nstreams; s++)
		EXPECT_HAS(o.out, "stream %u: active, created " LSNF
			   ", base " LSNF ", last " LSNF, s,
			   L(self->im.md.streams[s].created_lsn),
			   L(self->im.md.streams[s].base_lsn),
			   L(self->im.md.streams[s].last_lsn));
	for (s = 0; s < self->r.nstreams; s++)
		EXPECT_HAS(o.out, "records %u, blocks", self->r.nrec[s]);
	EXPECT_HAS(o.out, "metadata copy %u: valid, generation %llu\n",
		   newest(&self->im) ^ 1, L(self->im.md.generation - 1));
	EXPECT_HAS(o.out, "metadata copy %u: valid, generation %llu (in use)",
		   newest(&self->im), L(self->im.md.generation));
	out_free(&o);
}

TEST_F(log, clean_log_as_json)
{
	struct out o = check(self->path, false, true);

	EXPECT_EQ(OFF_EXIT_CLEAN, o.status) TH_LOG("%s", o.err);
	EXPECT_EQ('{', o.out[0]);
	EXPECT_HAS(o.out, "\"blocks\": %llu", L(self->im.blocks));
	EXPECT_HAS(o.out, "\"records\": %llu", L(self->im.records));
	EXPECT_HAS(o.out, "\"records\": %u", self->r.nrec[0]);
	EXPECT_HAS(o.out, "\"end_lsn\": \"" LSNF "\"", L(self->im.head));
	EXPECT_HAS(o.out, "\"problems\": []");
	EXPECT_HAS(o.out, "\"status\": 0\n}\n");
	out_free(&o);
}

/*
 * Corrupt copy @copy: the other is used, whether it holds the newest
 * generation or the one before.
 */
static void one_copy_corrupt(struct __test_metadata *_metadata,
			     struct img *im, const char *path, u32 copy,
			     u32 byte)
{
	u64 gen = im->md.generation;
	u64 used = newest(im) == copy ? gen - 1 : gen;
	struct out o;

	flip(im, md_off(copy, byte));
	o = check(path, false, false);
	EXPECT_EQ(OFF_EXIT_WARNING, o.status) TH_LOG("%s", o.err);
	EXPECT_HAS(o.err, "clfsctl check: warning: metadata copy %u: crc mismatch (stored",
		   copy);
	EXPECT_HAS(o.err, "(copy %u, generation %llu, is used instead)",
		   copy ^ 1, L(used));
	EXPECT_HAS(o.out, "metadata copy %u: valid, generation %llu (in use)",
		   copy ^ 1, L(used));
	/* Whichever copy is used, the log is otherwise clean. */
	EXPECT_HAS(o.out, "result: 0 errors, 1 warnings");
	out_free(&o);
	o = check(path, true, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	out_free(&o);
}

TEST_F(log, metadata_copy_0_corrupt_is_a_warning)
{
	one_copy_corrupt(_metadata, &self->im, self->path, 0, 600);
}

TEST_F(log, metadata_copy_1_corrupt_is_a_warning)
{
	one_copy_corrupt(_metadata, &self->im, self->path, 1, 9000);
}

TEST_F(log, both_metadata_copies_corrupt_is_corruption)
{
	struct out o;

	flip(&self->im, md_off(0, 40));
	flip(&self->im, md_off(1, 16000));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "error: metadata copy 0: crc mismatch");
	EXPECT_HAS(o.err, "error: metadata copy 1: crc mismatch");
	EXPECT_HAS(o.err, "error: no valid metadata copy (EUCLEAN)");
	out_free(&o);
}

TEST_F(log, wiped_metadata_is_not_a_clfs_log)
{
	struct out o;

	memset(self->im.dev, 0, CLFS_MD_AREA_BYTES);
	o = check(self->path, false, true);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "metadata copy 0: no clfs metadata (all zero)");
	EXPECT_HAS(o.err, "not a clfs log");
	EXPECT_HAS(o.out, "\"selected\": null");
	out_free(&o);
}

TEST_F(log, metadata_rule_breach_names_the_stream)
{
	struct clfs_md_disk *d = (void *)(self->im.dev + md_off(1, 0));
	struct out o;

	/* A valid crc over a stream whose base is after its last. */
	d->streams[0].base_lsn = cpu_to_le64(CLFS_LSN_INVALID - 1);
	d->crc = cpu_to_le32(clfs_md_disk_crc(d, CLFS_MD_DISK_BYTES));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_WARNING, o.status);
	EXPECT_HAS(o.err, "metadata copy 1: stream 0 breaks the format's rules");
	out_free(&o);
}

TEST_F(log, generation_in_the_wrong_copy_is_refused)
{
	struct clfs_md md = self->im.md;
	struct out o;

	/* An odd generation in copy 0, and newer than copy 1's. */
	md.generation += md.generation % 2 ? 2 : 1;
	ASSERT_LT(0, clfs_md_encode(&md, self->im.dev + md_off(0, 0),
				    CLFS_MD_COPY_BYTES));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_WARNING, o.status);
	EXPECT_HAS(o.err, "metadata copy 0: generation %llu belongs in copy 1",
		   L(md.generation));
	out_free(&o);
}

static u32 blk_disk_bytes(struct img *im, u64 lsn)
{
	struct clfs_blk_disk *bd = (void *)(im->dev + img_dev_off(im, lsn));
	u32 s = im->md.geo.sector_bytes;

	return (le32_to_cpu(bd->used_bytes) + s - 1) / s * s;
}

/* A data block in the middle of the chain with records of stream @s. */
static u32 middle_block(struct img *im)
{
	u32 i = im->blocks / 2;

	while (!((struct clfs_blk_disk *)(im->dev +
					  img_dev_off(im, im->blk_lsns[i])))->nr_records)
		i++;
	return i;
}

TEST_F(log, block_broken_mid_chain_after_reopen_is_corruption)
{
	u32 i = middle_block(&self->im);
	u64 lsn = self->im.blk_lsns[i];
	struct out o;

	/* The last open found the log whole up to the head. */
	img_new_epoch(&self->im);
	flip(&self->im, img_dev_off(&self->im, lsn) + 100);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "error: block " LSNF ": crc mismatch (stored", L(lsn));
	EXPECT_HAS(o.err, "before the current epoch's start " LSNF,
		   L(self->im.head));
	EXPECT_HAS(o.err, "blocks were lost; %llu valid blocks",
		   L(self->im.blocks - i - 1));
	EXPECT_HAS(o.err, "from " LSNF " follow it", L(self->im.blk_lsns[i + 1]));
	/* The metadata names records beyond the new end, too. */
	EXPECT_HAS(o.err, "is beyond the end of the log at " LSNF ": lost blocks",
		   L(lsn));
	EXPECT_HAS(o.out, "chain: %u blocks", i);
	out_free(&o);
}

TEST_F(log, block_broken_mid_chain_in_the_last_session_is_a_warning)
{
	u32 s, i = middle_block(&self->im);
	u64 lsn = self->im.blk_lsns[i];
	struct out o;

	/* Nothing durable names anything beyond the damaged block. */
	for (s = 0; s < self->r.nstreams; s++) {
		self->im.md.streams[s].last_lsn = CLFS_LSN_NULL;
		self->im.md.streams[s].restart_lsn = CLFS_LSN_NULL;
		self->im.md.streams[s].base_lsn = CLFS_LSN_NULL;
		self->im.md.streams[s].archive_tail_lsn = CLFS_LSN_NULL;
	}
	img_commit(&self->im);
	flip(&self->im, img_dev_off(&self->im, lsn) + 100);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_WARNING, o.status) TH_LOG("%s", o.err);
	EXPECT_HAS(o.err, "warning: block " LSNF ": crc mismatch", L(lsn));
	EXPECT_HAS(o.err, "follow it: recovery ends the log here and drops them");
	out_free(&o);
	o = check(self->path, true, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	out_free(&o);
}

TEST_F(log, zeroed_block_mid_chain_is_found_by_the_scan_beyond)
{
	u32 i = middle_block(&self->im);
	u64 lsn = self->im.blk_lsns[i];
	struct out o;

	img_new_epoch(&self->im);
	/* The whole block: no header left to say how long it was. */
	memset(self->im.dev + img_dev_off(&self->im, lsn), 0,
	       blk_disk_bytes(&self->im, lsn));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "block " LSNF ": no block (zeroes)", L(lsn));
	EXPECT_HAS(o.err, "from " LSNF " follow it", L(self->im.blk_lsns[i + 1]));
	out_free(&o);
}

TEST_F(log, damaged_last_block_of_a_container_is_stepped_over)
{
	u32 i = 1;
	u64 lsn;
	struct out o;

	/* A block whose successor opens the next container. */
	while (clfs_lsn_block_offset(self->im.blk_lsns[i + 1]))
		i++;
	lsn = self->im.blk_lsns[i];
	img_new_epoch(&self->im);
	memset(self->im.dev + img_dev_off(&self->im, lsn), 0,
	       blk_disk_bytes(&self->im, lsn));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "block " LSNF ": no block (zeroes): the log ends there",
		   L(lsn));
	EXPECT_HAS(o.err, "from " LSNF " follow it", L(self->im.blk_lsns[i + 1]));
	out_free(&o);
}

TEST_F(log, records_of_deleted_and_recreated_streams_are_not_theirs)
{
	u32 n0 = self->r.nrec[0];
	struct out o;

	/* Stream 0 begins anew at the head: its records are an earlier one's. */
	img_seal(&self->im);
	memset(&self->im.md.streams[0], 0, sizeof(self->im.md.streams[0]));
	self->im.md.streams[0].state = CLFS_STREAM_ACTIVE;
	self->im.md.streams[0].created_lsn = self->im.head;
	if (self->r.nstreams > 2)
		memset(&self->im.md.streams[2], 0,
		       sizeof(self->im.md.streams[2]));
	img_commit(&self->im);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CLEAN, o.status) TH_LOG("%s", o.err);
	EXPECT_HAS(o.out, "stream 0: active, created " LSNF, L(self->im.head));
	EXPECT_HAS(o.out, "records 0, blocks 0, last record -, earlier %u", n0);
	if (self->r.nstreams > 2) {
		EXPECT_HAS(o.err, "note: stream 2 is not in the metadata; the chain holds %u records of it (a deleted stream)",
			   self->r.nrec[2]);
		EXPECT_HAS(o.out, "stream 2: not in the metadata, records 0, earlier %u",
			   self->r.nrec[2]);
	}
	out_free(&o);
}

/* Lose every block from the one holding @lsn on (a write cache lost). */
static void lose_from(struct img *im, u64 lsn)
{
	u64 b;
	u32 i;

	for (i = 0; i < im->blocks; i++) {
		b = im->blk_lsns[i];
		if (b >= clfs_lsn_block(lsn))
			memset(im->dev + img_dev_off(im, b), 0,
			       im->md.geo.sector_bytes);
	}
}

TEST_F(log, last_lsn_beyond_the_end_is_lost_blocks)
{
	u64 last = self->im.md.streams[0].last_lsn;
	struct out o;

	lose_from(&self->im, last);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "error: stream 0: last_lsn " LSNF
		   " is beyond the end of the log at " LSNF ": lost blocks",
		   L(last), L(clfs_lsn_block(last)));
	EXPECT_LACKS(o.err, "base_lsn");
	out_free(&o);
}

TEST_F(log, base_lsn_beyond_the_end_is_lost_blocks)
{
	u64 base = self->im.md.streams[0].base_lsn;
	struct out o;

	lose_from(&self->im, base);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "error: stream 0: base_lsn " LSNF
		   " is beyond the end of the log", L(base));
	out_free(&o);
}

TEST_F(log, restart_lsn_must_name_a_restart_area)
{
	u32 k = 5;
	struct out o;

	while (self->r.type[0][k] != CLFS_REC_DATA)
		k++;
	self->im.md.streams[0].restart_lsn = self->r.lsn[0][k];
	img_commit(&self->im);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "error: stream 0: restart_lsn " LSNF
		   " names a data record, not a restart area",
		   L(self->r.lsn[0][k]));
	out_free(&o);
}

TEST_F(log, last_lsn_must_name_a_record_of_the_stream)
{
	u64 lsn = clfs_lsn_block(self->r.lsn[0][self->r.nrec[0] / 2]) + 400;
	struct out o;

	/* An index past the records of a real block of the stream. */
	self->im.md.streams[0].last_lsn = lsn;
	img_commit(&self->im);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "error: stream 0: last_lsn " LSNF
		   " names no record of the stream: its block holds only",
		   L(lsn));
	out_free(&o);
	if (self->r.nstreams < 2)
		return;
	self->im.md.streams[0].last_lsn = self->r.lsn[1][300];
	img_commit(&self->im);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "stream 0: last_lsn " LSNF
		   " names no record of the stream: its block belongs to stream 1",
		   L(self->r.lsn[1][300]));
	out_free(&o);
}

TEST_F(log, truncated_image_file)
{
	struct out o;

	ASSERT_EQ(0, truncate(self->path, DEV_BYTES / 2));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "metadata copy 0: laid out for %llu bytes, the device has %llu (truncated image?)",
		   L(DEV_BYTES), L(DEV_BYTES / 2));
	EXPECT_HAS(o.err, "metadata copy 1: laid out for");
	out_free(&o);
	/* Not even the metadata area is whole. */
	ASSERT_EQ(0, truncate(self->path, 70000));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "metadata copy 1: crc mismatch");
	out_free(&o);
	ASSERT_EQ(0, truncate(self->path, 0));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "not a clfs log");
	out_free(&o);
	/* The mapping must not be touched any more. */
	munmap(self->im.dev, self->im.dev_bytes);
	close(self->im.fd);
	free(self->im.blk);
	free(self->im.blk_lsns);
	self->im.dev = NULL;
}

TEST_F(log, bad_record_under_a_valid_crc_is_named)
{
	u64 lsn = self->im.blk_lsns[self->im.blocks - 1];
	u8 *b = self->im.dev + img_dev_off(&self->im, lsn);
	struct clfs_blk_disk *bd = (void *)b;
	struct clfs_rec_disk *rd;
	struct out o;
	u32 off;

	img_new_epoch(&self->im);
	/* Record 1 of the last block gets an unknown type; crc fixed up. */
	rd = (void *)(b + CLFS_BLK_HDR_BYTES);
	off = CLFS_BLK_HDR_BYTES +
	      clfs_rec_disk_bytes(le32_to_cpu(rd->data_bytes));
	ASSERT_LT(1, le16_to_cpu(bd->nr_records));
	rd = (void *)(b + off);
	rd->type = cpu_to_le16(9);
	bd->crc = cpu_to_le32(clfs_blk_disk_crc(clfs_log_crc_seed(self->im.md.uuid),
						b, le32_to_cpu(bd->used_bytes)));
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "block " LSNF ": record 1 (LSN " LSNF ", offset %u): unknown type 9",
		   L(lsn), L(lsn + 1), off);
	out_free(&o);
}

TEST_F(log, stale_blocks_beyond_the_end_are_a_clean_end)
{
	u64 first = self->im.blk_lsns[0];
	struct clfs_blk hdr = {
		.lsn = first, .epoch = 2, .used_bytes = CLFS_BLK_HDR_BYTES,
	};
	u8 *b = self->im.blk;
	struct out o;
	int n;

	img_new_epoch(&self->im);
	/* A block of an earlier use at the head: its LSN names another place. */
	n = clfs_blk_seal(&self->im.md, &hdr, b, CLFS_BLK_MAX_BYTES);
	ASSERT_LT(0, n);
	memcpy(self->im.dev + img_dev_off(&self->im, self->im.head), b, n);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CLEAN, o.status) TH_LOG("%s", o.err);
	EXPECT_HAS(o.out, "stale: holds the block of LSN " LSNF, L(first));
	out_free(&o);
}

TEST_F(log, truncation_blocks_remove_records)
{
	u32 k = self->r.nrec[0];
	u64 end = self->r.lsn[0][k - 30], tl;
	struct out o;

	/* Set end of log: stream 0 ends 29 records earlier. */
	tl = img_truncate(&self->im, 0, end, self->im.md.streams[0].restart_lsn);
	append(&self->im, &self->r, 40);
	self->im.md.streams[0].last_lsn = end;
	img_commit(&self->im);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CLEAN, o.status) TH_LOG("%s", o.err);
	EXPECT_HAS(o.out, "records %u, blocks", self->r.nrec[0] - 29);
	EXPECT_HAS(o.out, "truncations 1 (29 records)");
	EXPECT_HAS(o.out, "1 truncation blocks");
	out_free(&o);

	/*
	 * The metadata names a truncated record: what a crash between the
	 * truncation block and its metadata commit leaves, for last.
	 */
	self->im.md.streams[0].last_lsn = self->r.lsn[0][k - 2];
	img_commit(&self->im);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_WARNING, o.status);
	EXPECT_HAS(o.err, "warning: stream 0: last_lsn " LSNF
		   " names no record of the stream: a truncation of the stream removed it",
		   L(self->r.lsn[0][k - 2]));
	out_free(&o);
	/* Never for the base: a truncation stops at it. */
	self->im.md.streams[0].base_lsn = self->r.lsn[0][k - 3];
	img_commit(&self->im);
	o = check(self->path, false, false);
	EXPECT_EQ(OFF_EXIT_CORRUPT, o.status);
	EXPECT_HAS(o.err, "error: stream 0: base_lsn " LSNF
		   " names no record of the stream: a truncation of the stream removed it",
		   L(self->r.lsn[0][k - 3]));
	out_free(&o);

	{
		struct off_dump_opts d = { .stream = -1, .copy = -1, .headers = true };

		o = dump(self->path, &d, false);
		EXPECT_EQ(0, o.status);
		EXPECT_HAS(o.out, "block " LSNF ": stream 0, epoch", L(tl));
		EXPECT_HAS(o.out, "flags truncate\n  truncation: stream 0 ends at " LSNF,
			   L(end));
		out_free(&o);
	}
}

TEST_F(log, dump_prints_every_block_and_record)
{
	struct off_dump_opts d = { .stream = -1, .copy = -1 };
	struct out o;
	u32 s;

	o = dump(self->path, &d, false);
	EXPECT_EQ(0, o.status) TH_LOG("%s", o.err);
	EXPECT_EQ(self->im.blocks, count(o.out, "\nblock 0x"));
	EXPECT_EQ(self->im.records, count(o.out, "\n  record 0x"));
	EXPECT_HAS(o.out, "  record " LSNF ": stream 0, data, prev -, undo-next -, %u bytes\n",
		   L(self->r.lsn[0][0]), rec_len(0));
	EXPECT_HAS(o.out, "end of the log at " LSNF ": no block (zeroes)",
		   L(self->im.head));
	out_free(&o);

	for (s = 0; s < self->r.nstreams; s++) {
		d.stream = s;
		o = dump(self->path, &d, false);
		EXPECT_EQ(self->r.nrec[s], count(o.out, "\n  record 0x"));
		out_free(&o);
	}

	/* From the middle of a block: the rest of the log. */
	d.stream = 0;
	d.from = self->r.lsn[0][200];
	o = dump(self->path, &d, false);
	EXPECT_EQ(self->r.nrec[0] - 200, count(o.out, "\n  record 0x"));
	out_free(&o);

	d = (struct off_dump_opts){ .stream = -1, .copy = -1, .data = true,
				    .from = self->r.lsn[0][0] };
	o = dump(self->path, &d, false);
	/* rec_len(0) is 1 byte of 0x30: "0". */
	EXPECT_HAS(o.out, "bytes\n    000000  30");
	out_free(&o);

	d = (struct off_dump_opts){ .stream = -1, .copy = -1, .data = true };
	o = dump(self->path, &d, true);
	EXPECT_EQ(0, o.status);
	EXPECT_HAS(o.out, "\"records_printed\": %llu", L(self->im.records));
	EXPECT_HAS(o.out, "\"data\": \"30\"");
	EXPECT_EQ(self->im.blocks, count(o.out, "\"device_offset\"") -
		  count(o.out, "\"slot\""));
	out_free(&o);

	d = (struct off_dump_opts){ .stream = -1, .copy = -1, .metadata_only = true };
	o = dump(self->path, &d, false);
	EXPECT_EQ(0u, count(o.out, "\nblock 0x"));
	EXPECT_HAS(o.out, "streams in the metadata:");
	out_free(&o);

	/* --from a place that holds no block. */
	d = (struct off_dump_opts){ .stream = -1, .copy = -1,
				    .from = self->im.head };
	o = dump(self->path, &d, false);
	EXPECT_EQ(1, o.status);
	EXPECT_HAS(o.err, "no valid block at " LSNF, L(self->im.head));
	out_free(&o);
}

TEST_F(log, dump_with_one_bad_copy_and_the_other_asked_for)
{
	struct off_dump_opts d = { .stream = -1, .copy = 1, .headers = true };
	struct out o;

	flip(&self->im, md_off(1, 700));
	o = dump(self->path, &d, false);
	EXPECT_EQ(1, o.status);
	EXPECT_HAS(o.err, "metadata copy 1: crc mismatch");
	out_free(&o);
	d.copy = 0;
	o = dump(self->path, &d, false);
	EXPECT_EQ(0, o.status);
	EXPECT_EQ(self->im.blocks, count(o.out, "\nblock 0x"));
	out_free(&o);
}

TEST_F(log, reads_are_few_and_large)
{
	struct off_check_opts opts = { 0 };
	struct off_report *r = malloc(sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(OFF_EXIT_CLEAN, off_check_run(r, self->path, &opts));
	/* The metadata, then about one read per container. */
	EXPECT_GE(2 + 2 * self->im.md.next_cid, r->img.nr_reads);
	EXPECT_GE(r->img.bytes_read, r->bytes);
	off_report_free(r);
	free(r);
}

TEST_F(log, command_line)
{
	struct out o;

	o = run_cli(self->dir, "check", self->path, NULL);
	EXPECT_EQ(0, o.status) TH_LOG("%s", o.err);
	EXPECT_HAS(o.out, "result: clean");
	out_free(&o);

	o = run_cli(self->dir, "--json", "check", self->path, NULL);
	EXPECT_EQ(0, o.status);
	EXPECT_HAS(o.out, "\"status\": 0");
	out_free(&o);

	o = run_cli(self->dir, "check", "--json", "--strict", self->path, NULL);
	EXPECT_EQ(0, o.status);
	EXPECT_HAS(o.out, "\"errors\": 0");
	out_free(&o);

	o = run_cli(self->dir, "dump", "--headers", self->path, NULL);
	EXPECT_EQ(0, o.status);
	EXPECT_EQ(self->im.blocks, count(o.out, "\nblock 0x"));
	EXPECT_EQ(0u, count(o.out, "\n  record 0x"));
	out_free(&o);

	flip(&self->im, md_off(0, 600));
	o = run_cli(self->dir, "check", self->path, NULL);
	EXPECT_EQ(3, o.status);
	EXPECT_HAS(o.err, "clfsctl check: warning: metadata copy 0: crc mismatch");
	out_free(&o);
	o = run_cli(self->dir, "check", "-s", self->path, NULL);
	EXPECT_EQ(1, o.status);
	out_free(&o);

	o = run_cli(self->dir, "check", NULL);
	EXPECT_EQ(2, o.status);
	EXPECT_HAS(o.err, "clfsctl check: expects one device or image file");
	out_free(&o);

	o = run_cli(self->dir, "check", "--bogus", self->path, NULL);
	EXPECT_EQ(2, o.status);
	out_free(&o);

	o = run_cli(self->dir, "check", "/nonexistent/clfs.img", NULL);
	EXPECT_EQ(2, o.status);
	EXPECT_HAS(o.err, "/nonexistent/clfs.img: No such file or directory");
	out_free(&o);

	o = run_cli(self->dir, "check", self->dir, NULL);
	EXPECT_EQ(2, o.status);
	EXPECT_HAS(o.err, "neither a block device nor a file");
	out_free(&o);

	o = run_cli(self->dir, "dump", "--stream", "128", self->path, NULL);
	EXPECT_EQ(2, o.status);
	EXPECT_HAS(o.err, "--stream: '128' is not a stream id");
	out_free(&o);

	o = run_cli(self->dir, "dump", "--from", "zz", self->path, NULL);
	EXPECT_EQ(2, o.status);
	out_free(&o);

	o = run_cli(self->dir, "check", "--help", NULL);
	EXPECT_EQ(0, o.status);
	EXPECT_HAS(o.out, "exit status:");
	EXPECT_HAS(o.out, "  3  warnings only");
	out_free(&o);

	o = run_cli(self->dir, "dump", "-h", NULL);
	EXPECT_EQ(0, o.status);
	EXPECT_HAS(o.out, "--from LSN");
	out_free(&o);

	o = run_cli(self->dir, "--help", NULL);
	EXPECT_EQ(0, o.status);
	EXPECT_HAS(o.out, "  check ");
	EXPECT_HAS(o.out, "  dump ");
	out_free(&o);

	o = run_cli(self->dir, "frobnicate", NULL);
	EXPECT_EQ(2, o.status);
	EXPECT_HAS(o.err, "unknown command 'frobnicate'");
	out_free(&o);
}

TEST(crc32c_sw_matches_isal)
{
	static unsigned char buf[70001];
	unsigned int i, seed = 0x12345678;
	int lens[] = { 0, 1, 7, 8, 9, 63, 64, 4096, 70001 };

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 7));
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		EXPECT_EQ(crc32_iscsi(buf + i, lens[i] - (lens[i] > 8 ? i : 0), seed),
			  clfs_test_crc32c_sw(buf + i, lens[i] - (lens[i] > 8 ? i : 0),
					      seed));
		EXPECT_EQ(crc32_iscsi(buf, lens[i], ~0U),
			  clfs_test_crc32c_sw(buf, lens[i], ~0U));
	}
	/* The check value of CRC-32C. */
	EXPECT_EQ(0xe3069283U,
		  ~clfs_test_crc32c_sw((unsigned char *)"123456789", 9, ~0U));
}

TEST_HARNESS_MAIN
