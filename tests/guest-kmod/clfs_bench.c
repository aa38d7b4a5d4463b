// SPDX-License-Identifier: GPL-2.0
/*
 * clfs_bench: the in-kernel client of the benchmark (scripts/guest/bench.sh,
 * make bench). Each load formats dev, runs one measurement through the
 * public API, prints one result line and stays loaded until the step
 * removes it. (Returning an error from init would make busybox insmod,
 * which falls back from finit_module() to init_module() on any failure,
 * load it and run the measurement a second time.)
 *
 *   mode=forced   threads=T appending FORCE_FLUSH records of 'record'
 *                 bytes for 'seconds': durable appends per second
 *   mode=stream   the same without FORCE_FLUSH, one flush at the end: MiB/s
 *                 made durable; the first thread of each stream advances
 *                 its base as it goes, so the log never fills
 *   mode=recovery fill_mib MiB of records, a close, then the time the open
 *                 takes (its recovery scan): milliseconds
 *
 * areas=own gives every thread its own marshalling area (as separate
 * clients have), areas=shared one area for all; streams=S > 1 makes the
 * log multiplexed and spreads the threads over S streams.
 *
 * The result line is
 *   clfs_bench: result value=V unit=U records=N key=value...
 * with the log's counters after the run (clfs_log_query()); a failed run
 * prints "clfs_bench: failed ..." and no result.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/clfs.h>

#define BENCH_MAX_THREADS	64
/* Stream mode: a base advance every this many records of a thread. */
#define BENCH_BASE_EVERY	256

static char *dev;
module_param(dev, charp, 0444);
static char *mode = "forced";
module_param(mode, charp, 0444);
static unsigned int threads = 1;
module_param(threads, uint, 0444);
static unsigned int seconds = 5;
module_param(seconds, uint, 0444);
static unsigned int record = 4000;
module_param(record, uint, 0444);
static unsigned int block_kib = 64;
module_param(block_kib, uint, 0444);
static char *areas = "own";
module_param(areas, charp, 0444);
static unsigned int streams = 1;
module_param(streams, uint, 0444);
static unsigned int container_kib = 4096;
module_param(container_kib, uint, 0444);
static unsigned int nr_containers = 200;
module_param(nr_containers, uint, 0444);
static unsigned int fill_mib = 16;
module_param(fill_mib, uint, 0444);

struct bench_run {
	struct clfs_log *log;
	struct clfs_stream *s[CLFS_MAX_STREAM_ID + 1];
	struct completion go;
	ktime_t until;
	bool forced;
};

struct bench_thread {
	struct bench_run *run;
	struct clfs_marshal *m;
	bool advances_base;
	u64 appends;
	int err;
	struct completion done;
};

/* One data record of 'record' zero bytes, in @v. Return: 0 or -ENOMEM. */
static int bench_record(struct clfs_append *a, struct kvec *v, u32 flags)
{
	*a = (struct clfs_append) {
		.entries = v,
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
		.prev_lsn = CLFS_LSN_NULL,
		.undo_next_lsn = CLFS_LSN_NULL,
		.flags = flags,
	};
	v->iov_len = record;
	v->iov_base = kzalloc(record, GFP_KERNEL);
	return v->iov_base ? 0 : -ENOMEM;
}

static int bench_thread(void *arg)
{
	struct bench_thread *bt = arg;
	struct bench_run *run = bt->run;
	struct clfs_append a;
	struct kvec v;
	u64 lsn;

	bt->err = bench_record(&a, &v, run->forced ? CLFS_APPEND_FORCE_FLUSH : 0);
	wait_for_completion(&run->go);
	while (!bt->err && ktime_before(ktime_get(), run->until)) {
		bt->err = clfs_reserve_and_append(bt->m, &a, &lsn);
		if (bt->err)
			break;
		bt->appends++;
		if (bt->advances_base && !(bt->appends % BENCH_BASE_EVERY))
			bt->err = clfs_advance_base(bt->m, lsn);
	}
	kfree(v.iov_base);
	complete(&bt->done);
	return 0;
}

static void bench_report(struct clfs_log *log, u64 value, const char *unit,
			 u64 records)
{
	struct clfs_log_info li;

	clfs_log_query(log, &li);
	pr_info("result value=%llu unit=%s records=%llu blocks_written=%llu log_flushes=%llu records_written=%llu record_bytes=%llu copied_bytes=%llu inflight_sum=%llu inflight_max=%llu threads=%u streams=%u areas=%s bytes=%u\n",
		value, unit, records, li.blocks_written, li.flushes,
		li.records_written, li.record_bytes, li.copied_bytes,
		li.inflight_sum, li.inflight_max, threads, streams, areas,
		record);
}

static int bench_appends(struct bench_run *run)
{
	struct clfs_marshal_params mp = { .block_bytes = block_kib * 1024 };
	struct clfs_marshal *shared = NULL;
	struct bench_thread *bt;
	u64 total = 0, elapsed_us;
	ktime_t start;
	u32 i, started = 0;
	int ret = 0;

	bt = kcalloc(threads, sizeof(*bt), GFP_KERNEL);
	if (!bt)
		return -ENOMEM;
	init_completion(&run->go);
	for (i = 0; i < threads; i++) {
		struct clfs_marshal *m = shared;

		if (!m) {
			m = clfs_marshal_create(run->s[i % streams], &mp);
			if (IS_ERR(m)) {
				ret = PTR_ERR(m);
				break;
			}
			if (!strcmp(areas, "shared"))
				shared = m;
		}
		bt[i].run = run;
		bt[i].m = m;
		bt[i].advances_base = !run->forced && i < streams;
		init_completion(&bt[i].done);
		if (IS_ERR(kthread_run(bench_thread, &bt[i], "clfs-bench%u", i))) {
			if (m != shared)
				clfs_marshal_delete(m);
			ret = -ENOMEM;
			break;
		}
		started++;
	}
	start = ktime_get();
	run->until = ktime_add_ms(start, seconds * MSEC_PER_SEC);
	complete_all(&run->go);
	for (i = 0; i < started; i++) {
		wait_for_completion(&bt[i].done);
		total += bt[i].appends;
		if (bt[i].err && !ret)
			ret = bt[i].err;
	}
	/* Streaming: what was appended counts once it is durable. */
	if (!ret && started && !run->forced)
		ret = clfs_flush_buffers(bt[0].m);
	elapsed_us = max_t(s64, ktime_us_delta(ktime_get(), start), 1);
	if (!ret) {
		if (run->forced)
			bench_report(run->log, div64_u64(total * USEC_PER_SEC,
							 elapsed_us),
				     "ops/s", total);
		else
			bench_report(run->log,
				     div64_u64(total * record * USEC_PER_SEC,
					       elapsed_us) >> 20,
				     "MB/s", total);
	}
	for (i = 0; i < started; i++)
		if (bt[i].m != shared)
			clfs_marshal_delete(bt[i].m);
	if (shared)
		clfs_marshal_delete(shared);
	kfree(bt);
	return ret;
}

static int bench_open_streams(struct bench_run *run)
{
	u32 i, id = 0;
	int ret;

	/* A multiplexed log starts with no stream; a dedicated one has 0. */
	for (i = 0; i < streams; i++) {
		if (streams > 1) {
			ret = clfs_stream_create(run->log, &id);
			if (ret)
				return ret;
		}
		run->s[i] = clfs_stream_open(run->log, id);
		if (IS_ERR(run->s[i])) {
			ret = PTR_ERR(run->s[i]);
			run->s[i] = NULL;
			return ret;
		}
	}
	return 0;
}

static void bench_close(struct bench_run *run)
{
	u32 i;

	for (i = 0; i < streams; i++)
		if (run->s[i])
			clfs_stream_close(run->s[i]);
	clfs_log_close(run->log);
}

/* Fill fill_mib MiB, close, and time the open's recovery scan. */
static int bench_recovery(struct bench_run *run)
{
	struct clfs_marshal_params mp = { .block_bytes = block_kib * 1024 };
	u64 n, nr = div_u64((u64)fill_mib << 20, record), lsn, us;
	struct clfs_log_info li;
	struct clfs_marshal *m;
	struct clfs_append a;
	struct kvec v;
	ktime_t t0;
	int ret;

	m = clfs_marshal_create(run->s[0], &mp);
	if (IS_ERR(m))
		return PTR_ERR(m);
	ret = bench_record(&a, &v, 0);
	for (n = 0; !ret && n < nr; n++)
		ret = clfs_reserve_and_append(m, &a, &lsn);
	kfree(v.iov_base);
	if (!ret)
		ret = clfs_marshal_delete(m);
	else
		clfs_marshal_delete(m);
	bench_close(run);
	run->s[0] = NULL;
	run->log = NULL;
	if (ret)
		return ret;

	t0 = ktime_get();
	run->log = clfs_log_open(dev, 0);
	us = ktime_us_delta(ktime_get(), t0);
	if (IS_ERR(run->log)) {
		ret = PTR_ERR(run->log);
		run->log = NULL;
		return ret;
	}
	clfs_log_query(run->log, &li);
	pr_info("result value=%llu.%03llu unit=ms records=%llu recovered_blocks=%llu active_mib=%u nr_containers=%u container_kib=%u\n",
		div_u64(us, 1000), us % 1000, li.recovered_blocks,
		li.recovered_blocks, fill_mib, nr_containers, container_kib);
	clfs_log_close(run->log);
	run->log = NULL;
	return 0;
}

static int __init clfs_bench_init(void)
{
	struct clfs_log_params lp = {
		.container_bytes = (u64)container_kib * 1024,
		.nr_containers = nr_containers,
		.flags = streams > 1 ? CLFS_LOG_MULTIPLEXED : 0,
	};
	struct bench_run *run;
	int ret;

	if (!dev || !threads || threads > BENCH_MAX_THREADS || !seconds ||
	    !streams || streams > CLFS_MAX_STREAM_ID + 1 || !record ||
	    (strcmp(areas, "own") && strcmp(areas, "shared"))) {
		ret = -EINVAL;
		goto out;
	}
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run) {
		ret = -ENOMEM;
		goto out;
	}
	run->forced = !strcmp(mode, "forced");
	ret = clfs_log_create(dev, &lp);
	if (ret)
		goto free;
	run->log = clfs_log_open(dev, 0);
	if (IS_ERR(run->log)) {
		ret = PTR_ERR(run->log);
		goto free;
	}
	ret = bench_open_streams(run);
	if (!ret) {
		if (!strcmp(mode, "recovery"))
			ret = bench_recovery(run);
		else if (run->forced || !strcmp(mode, "stream"))
			ret = bench_appends(run);
		else
			ret = -EINVAL;
	}
	if (run->log)
		bench_close(run);
free:
	kfree(run);
out:
	if (ret)
		pr_err("failed mode=%s dev=%s: %d\n", mode, dev ?: "(none)", ret);
	/* Loaded either way: see the top of this file. */
	return 0;
}

static void __exit clfs_bench_exit(void)
{
}

module_init(clfs_bench_init);
module_exit(clfs_bench_exit);

MODULE_DESCRIPTION("clfs benchmark client: appends and recovery on a real disk");
MODULE_LICENSE("GPL");
