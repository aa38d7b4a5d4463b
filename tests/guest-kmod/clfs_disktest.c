// SPDX-License-Identifier: GPL-2.0
/*
 * clfs_disktest: drive the log engine on a real block device from a guest
 * test program (tests/guest/disk_ktest.c). Each load performs one
 * operation and its init returns the result, which the program reads as
 * the errno of finit_module(2):
 *
 *   op=create  dev=PATH [container_kib=N containers=N flags=F]   format
 *   op=write   dev=PATH seed=S records=N                 append N records, flush
 *   op=verify  dev=PATH seed=S records=N                 reopen, read all back
 *   op=open    dev=PATH                                  open and close
 *   op=streams dev=PATH seed=S records=N streams=M       through the stream
 *              layer: records over M streams, restart areas, a truncation,
 *              a base and an archive tail; then reopen, and print what the
 *              metadata and recovery hold ("streams: ..." lines) for the
 *              offline checker's test (tests/guest/offline_ktest.c)
 *
 * The records of (seed, records) are a deterministic sequence, so verify
 * needs no state from write: only the same parameters, after any number of
 * module reloads. Write goes through the production bio driver.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/clfs.h>
#include "log/clfs_log.h"

static char *op = "open";
module_param(op, charp, 0444);
static char *dev;
module_param(dev, charp, 0444);
static unsigned int seed = 1;
module_param(seed, uint, 0444);
static unsigned int records = 100;
module_param(records, uint, 0444);
static unsigned int container_kib = 1024;
module_param(container_kib, uint, 0444);
static unsigned int containers = 8;
module_param(containers, uint, 0444);
static unsigned int flags;
module_param(flags, uint, 0444);
static unsigned int streams = 1;
module_param(streams, uint, 0444);

#define DISKTEST_BLOCK_BYTES	(16 * 1024)

/* Record @i of the sequence: its size, type and a byte of its contents. */
static u32 rec_hash(u32 i)
{
	u32 h = (seed ^ 0x9e3779b9) * 2654435761U + i * 40503U;

	h ^= h >> 15;
	return h * 2246822519U;
}

static u32 rec_bytes(u32 i)
{
	return 1 + rec_hash(i) % 3000;
}

static u32 rec_type(u32 i)
{
	return i % 97 == 5 ? CLFS_REC_RESTART : CLFS_REC_DATA;
}

static void rec_fill(u32 i, u8 *buf)
{
	u32 n = rec_bytes(i), h = rec_hash(i), j;

	for (j = 0; j < n; j++)
		buf[j] = (u8)(h + j * 7);
}

static int disktest_write(void)
{
	struct clfs_wblk *b = NULL;
	struct clfs_log_info info;
	struct clfs_log *log;
	u64 lsn, prev = CLFS_LSN_NULL;
	u8 *data;
	u32 i;
	int ret = 0;

	data = kmalloc(3000, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	log = clfs_log_open(dev, 0);
	if (IS_ERR(log)) {
		kfree(data);
		return PTR_ERR(log);
	}
	for (i = 0; i < records && !ret; i++) {
		rec_fill(i, data);
		if (!b) {
			b = clfs_wblk_open(log, 0, DISKTEST_BLOCK_BYTES);
			if (IS_ERR(b)) {
				ret = PTR_ERR(b);
				b = NULL;
				break;
			}
		}
		ret = clfs_wblk_add(b, rec_type(i), prev,
				    i % 3 ? CLFS_LSN_NULL : prev, data,
				    rec_bytes(i), &lsn);
		if (ret == -ENOSPC) {
			/* The block is full: write it and retry in a new one. */
			ret = clfs_wblk_submit(b);
			b = NULL;
			i--;
			continue;
		}
		prev = lsn;
	}
	if (b && !ret)
		ret = clfs_wblk_submit(b);
	else if (b)
		clfs_wblk_abort(b);
	if (!ret)
		ret = clfs_log_flush(log, CLFS_LSN_INVALID);
	if (!ret) {
		clfs_log_query(log, &info);
		if (info.flushed_lsn != info.head_lsn) {
			pr_err("flushed %#llx != head %#llx after a full flush\n",
			       info.flushed_lsn, info.head_lsn);
			ret = -EPROTO;
		}
		pr_info("%s: wrote %u records in %llu blocks, head %#llx, %u containers active\n",
			dev, records, info.blocks_written, info.head_lsn,
			info.nr_active);
	}
	clfs_log_close(log);
	kfree(data);
	return ret;
}

/* Compare one record read back with record @i of the sequence. */
static int disktest_check(u32 i, const struct clfs_rec *rec, const u8 *blkbuf,
			  u64 prev, u8 *want)
{
	if (rec->type != rec_type(i) || rec->data_bytes != rec_bytes(i) ||
	    rec->prev_lsn != prev ||
	    rec->undo_next_lsn != (i % 3 ? CLFS_LSN_NULL : prev)) {
		pr_err("record %u at %#llx: header differs\n", i, rec->lsn);
		return -EPROTO;
	}
	rec_fill(i, want);
	if (memcmp(blkbuf + rec->data_offset, want, rec->data_bytes)) {
		pr_err("record %u at %#llx: data differs\n", i, rec->lsn);
		return -EPROTO;
	}
	return 0;
}

static int disktest_verify(void)
{
	struct clfs_log_info info;
	struct clfs_rec_iter it;
	struct clfs_log *log;
	struct clfs_blk blk;
	struct clfs_rec rec;
	u64 lsn, prev = CLFS_LSN_NULL;
	u64 blocks = 0;
	u8 *buf, *want;
	u32 i = 0;
	int ret;

	buf = kvmalloc(CLFS_BLK_MAX_BYTES, GFP_KERNEL);
	want = kmalloc(3000, GFP_KERNEL);
	if (!buf || !want) {
		ret = -ENOMEM;
		goto out_free;
	}
	log = clfs_log_open(dev, 0);
	if (IS_ERR(log)) {
		ret = PTR_ERR(log);
		goto out_free;
	}
	clfs_log_query(log, &info);
	for (lsn = info.recovery_lsn; lsn < info.head_lsn; blocks++) {
		ret = clfs_log_read_block(log, lsn, buf, CLFS_BLK_MAX_BYTES, &blk);
		if (!ret)
			ret = clfs_rec_iter_init(&it, log->md, &blk, buf,
						 CLFS_BLK_MAX_BYTES);
		while (!ret) {
			ret = clfs_rec_iter_next(&it, &rec);
			if (ret != 1)
				break;
			ret = i < records ? disktest_check(i, &rec, buf, prev, want) :
			      -EPROTO;
			prev = rec.lsn;
			i++;
		}
		if (ret < 0) {
			pr_err("block %#llx: %d\n", lsn, ret);
			break;
		}
		ret = 0;
		lsn = clfs_blk_next_lsn(log->md, &blk);
	}
	if (!ret && i != records) {
		pr_err("read back %u records, wrote %u\n", i, records);
		ret = -EPROTO;
	}
	if (!ret && blocks != info.recovered_blocks) {
		pr_err("read %llu blocks, recovery found %llu\n", blocks,
		       info.recovered_blocks);
		ret = -EPROTO;
	}
	if (!ret)
		pr_info("%s: verified %u records in %llu blocks\n", dev, i, blocks);
	clfs_log_close(log);
out_free:
	kfree(want);
	kvfree(buf);
	return ret;
}

#define DISKTEST_STREAMS	8

/*
 * Stream @s's share of the sequence: record @i goes to stream (i / 7) % M,
 * every 40th record of a stream is a restart area (the first pointing back
 * to none). Two thirds of the way, stream 2 is truncated back by its last
 * 9 records (their @lsns become CLFS_LSN_INVALID, counted in @cut). Then
 * stream 0's base moves to its record a third of the way in, and in an
 * archived log stream 1's archive tail a quarter of the way.
 */
static int disktest_truncate(struct clfs_marshal *m, u32 last, u64 *lsns,
			     u32 *cut, u64 *end)
{
	u32 j = last + 1, seen = 0;
	int ret;

	/* Stream 2's 10th record from its last becomes its last. */
	while (seen < 10)
		if ((--j / 7) % streams == 2)
			seen++;
	*end = lsns[j];
	ret = clfs_set_end_of_log(m, *end);
	for (j++; !ret && j <= last; j++) {
		if ((j / 7) % streams != 2)
			continue;
		lsns[j] = CLFS_LSN_INVALID;
		(*cut)++;
	}
	return ret;
}

static int disktest_streams_write(struct clfs_log *log, u32 n, u64 *lsns,
				  u32 *per, u32 *cut)
{
	struct clfs_marshal_params mp = {
		.block_bytes = DISKTEST_BLOCK_BYTES,
		.max_write_buffers = 4,
	};
	struct clfs_stream *st[DISKTEST_STREAMS] = { NULL };
	struct clfs_marshal *m[DISKTEST_STREAMS] = { NULL };
	u64 prev[DISKTEST_STREAMS];
	struct kvec v;
	u8 *data;
	u32 i, s, id;
	int ret = 0;

	data = kmalloc(3000, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	v.iov_base = data;
	for (s = 0; s < streams && !ret; s++) {
		if (log->md->log_flags & CLFS_MD_LOG_MULTIPLEXED) {
			ret = clfs_stream_create(log, &id);
			if (!ret && id != s)
				ret = -EPROTO;
		}
		if (ret)
			break;
		st[s] = clfs_stream_open(log, s);
		if (IS_ERR(st[s])) {
			ret = PTR_ERR(st[s]);
			st[s] = NULL;
			break;
		}
		m[s] = clfs_marshal_create(st[s], &mp);
		if (IS_ERR(m[s])) {
			ret = PTR_ERR(m[s]);
			m[s] = NULL;
		}
		prev[s] = CLFS_LSN_NULL;
	}
	for (i = 0; i < n && !ret; i++) {
		struct clfs_append a = {
			.entries = &v, .nr_entries = 1, .type = CLFS_RECORD_DATA,
		};

		s = (i / 7) % streams;
		rec_fill(i, data);
		v.iov_len = rec_bytes(i);
		if (per[s] % 40 == 39) {
			ret = clfs_write_restart_area(m[s], data, v.iov_len,
						      CLFS_LSN_NULL, 0,
						      &lsns[i]);
		} else {
			a.prev_lsn = prev[s];
			ret = clfs_reserve_and_append(m[s], &a, &lsns[i]);
		}
		prev[s] = lsns[i];
		per[s]++;
		/* The client's chain goes on from the new last. */
		if (!ret && s == 2 && i >= 2 * n / 3 && !cut[2])
			ret = disktest_truncate(m[2], i, lsns, &cut[2],
						&prev[2]);
	}
	/* The base and archive tail name records a way into the stream. */
	for (i = n / 3; i < n && !ret; i++) {
		if ((i / 7) % streams == 0) {
			ret = clfs_advance_base(m[0], lsns[i]);
			break;
		}
	}
	for (i = n / 4; i < n && !ret && streams > 1 &&
	     (log->md->log_flags & CLFS_MD_LOG_ARCHIVED); i++) {
		if ((i / 7) % streams == 1) {
			ret = clfs_set_archive_tail(st[1], lsns[i]);
			break;
		}
	}
	for (s = 0; s < streams; s++) {
		if (m[s]) {
			int err = clfs_marshal_delete(m[s]);

			ret = ret ?: err;
		}
		if (st[s])
			clfs_stream_close(st[s]);
	}
	kfree(data);
	return ret;
}

static int disktest_streams(void)
{
	struct clfs_stream_info si;
	struct clfs_log_info info;
	struct clfs_stream *st;
	struct clfs_log *log;
	u32 per[DISKTEST_STREAMS] = { 0 }, cut[DISKTEST_STREAMS] = { 0 };
	u64 *lsns;
	u32 i, s, n;
	int ret;

	if (!streams || streams > DISKTEST_STREAMS)
		return -EINVAL;
	lsns = kvmalloc_array(records, sizeof(*lsns), GFP_KERNEL);
	if (!lsns)
		return -ENOMEM;
	log = clfs_log_open(dev, 0);
	if (IS_ERR(log)) {
		kvfree(lsns);
		return PTR_ERR(log);
	}
	ret = disktest_streams_write(log, records, lsns, per, cut);
	clfs_log_close(log);
	if (ret)
		goto out;

	/* What an offline reader must find: reopen, as a later user would. */
	log = clfs_log_open(dev, 0);
	if (IS_ERR(log)) {
		ret = PTR_ERR(log);
		goto out;
	}
	clfs_log_query(log, &info);
	pr_info("streams: reopened: blocks %llu end %#llx recovery %#llx\n",
		info.recovered_blocks, info.head_lsn, info.recovery_lsn);
	for (s = 0; s < streams && !ret; s++) {
		st = clfs_stream_open(log, s);
		if (IS_ERR(st)) {
			ret = PTR_ERR(st);
			break;
		}
		ret = clfs_stream_query(st, &si);
		clfs_stream_close(st);
		/* Records recovery scans (from its start), not truncated. */
		for (i = 0, n = 0; i < records; i++)
			if ((i / 7) % streams == s &&
			    lsns[i] >= info.recovery_lsn &&
			    lsns[i] != CLFS_LSN_INVALID)
				n++;
		pr_info("streams: stream %u records %u truncated %u last %#llx base %#llx restart %#llx archive %#llx\n",
			s, n, cut[s], si.last_lsn, si.base_lsn, si.restart_lsn,
			si.archive_tail_lsn);
	}
	clfs_log_close(log);
out:
	kvfree(lsns);
	return ret;
}

static int __init clfs_disktest_init(void)
{
	struct clfs_log_params params = {
		.container_bytes = (u64)container_kib * 1024,
		.nr_containers = containers,
		.flags = flags,
	};
	struct clfs_log *log;

	if (!dev)
		return -EINVAL;
	if (!strcmp(op, "create"))
		return clfs_log_create(dev, &params);
	if (!strcmp(op, "write"))
		return disktest_write();
	if (!strcmp(op, "verify"))
		return disktest_verify();
	if (!strcmp(op, "streams"))
		return disktest_streams();
	if (!strcmp(op, "open")) {
		log = clfs_log_open(dev, 0);
		if (IS_ERR(log))
			return PTR_ERR(log);
		clfs_log_close(log);
		return 0;
	}
	return -EINVAL;
}

static void __exit clfs_disktest_exit(void)
{
}

module_init(clfs_disktest_init);
module_exit(clfs_disktest_exit);

MODULE_DESCRIPTION("clfs guest test helper: the log engine on a real disk");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
