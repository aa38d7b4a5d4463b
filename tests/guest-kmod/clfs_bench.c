// SPDX-License-Identifier: GPL-2.0
/*
 * clfs_bench: append throughput of the log engine on a real disk, for
 * scripts/guest/steps.sh:step_bench, which runs fio on the same disk in
 * the same boot and prints the ratios. Not a test: it fails only if the
 * log fails.
 *
 *   mode=forced threads=N seconds=S   appends of 'record' bytes, each
 *                                     FORCE_FLUSH: durable appends per s
 *   mode=stream seconds=S             non-forced appends, one final
 *                                     flush: MB/s of records made durable
 *
 * Each run formats dev first. Results are printed as
 * "clfs_bench: result NAME VALUE" lines.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/clfs.h>

#define BENCH_MAX_THREADS	32

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

struct bench_thread {
	struct clfs_marshal *m;
	unsigned long until;
	u64 appends;
	int err;
	struct completion done;
};

static int bench_thread(void *arg)
{
	struct bench_thread *bt = arg;
	struct clfs_append a = {
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
		.flags = CLFS_APPEND_FORCE_FLUSH,
	};
	struct kvec v;
	u64 lsn;

	v.iov_len = record;
	v.iov_base = kzalloc(record, GFP_KERNEL);
	a.entries = &v;
	if (!v.iov_base)
		bt->err = -ENOMEM;
	while (!bt->err && time_before(jiffies, bt->until)) {
		bt->err = clfs_reserve_and_append(bt->m, &a, &lsn);
		if (!bt->err)
			bt->appends++;
	}
	kfree(v.iov_base);
	complete(&bt->done);
	return 0;
}

static int bench_forced(struct clfs_marshal **m, struct clfs_log *log)
{
	struct bench_thread *bt;
	u64 total = 0;
	u32 i;
	int ret = 0;

	bt = kcalloc(threads, sizeof(*bt), GFP_KERNEL);
	if (!bt)
		return -ENOMEM;
	for (i = 0; i < threads; i++) {
		bt[i].m = m[0];
		bt[i].until = jiffies + seconds * HZ;
		init_completion(&bt[i].done);
		if (IS_ERR(kthread_run(bench_thread, &bt[i], "clfs-bench%u", i))) {
			bt[i].err = -ENOMEM;
			complete(&bt[i].done);
		}
	}
	for (i = 0; i < threads; i++) {
		wait_for_completion(&bt[i].done);
		total += bt[i].appends;
		if (bt[i].err && !ret)
			ret = bt[i].err;
	}
	pr_info("result forced_appends_per_s_%ut %llu\n", threads,
		div_u64(total, seconds));
	kfree(bt);
	return ret;
}

static int bench_stream(struct clfs_marshal *m)
{
	struct clfs_append a = { .nr_entries = 1, .type = CLFS_RECORD_DATA };
	unsigned long start = jiffies, until = jiffies + seconds * HZ;
	u64 bytes = 0, lsn, ms;
	struct kvec v;
	int ret = 0;

	v.iov_len = record;
	v.iov_base = kzalloc(record, GFP_KERNEL);
	if (!v.iov_base)
		return -ENOMEM;
	a.entries = &v;
	while (!ret && time_before(jiffies, until)) {
		ret = clfs_reserve_and_append(m, &a, &lsn);
		bytes += record;
	}
	if (!ret)
		ret = clfs_flush_buffers(m);
	ms = max(jiffies_to_msecs(jiffies - start), 1U);
	pr_info("result stream_mb_per_s %llu\n", div_u64(bytes * 1000, ms) >> 20);
	kfree(v.iov_base);
	return ret;
}

static int __init clfs_bench_init(void)
{
	struct clfs_marshal_params mp = { .block_bytes = block_kib * 1024 };
	struct clfs_log_params lp = {
		.container_bytes = 4 << 20,
		.nr_containers = 60,
	};
	struct clfs_marshal *m;
	struct clfs_stream *s;
	struct clfs_log *log;
	int ret;

	if (!dev || !threads || threads > BENCH_MAX_THREADS || !seconds)
		return -EINVAL;
	ret = clfs_log_create(dev, &lp);
	if (ret)
		return ret;
	log = clfs_log_open(dev, 0);
	if (IS_ERR(log))
		return PTR_ERR(log);
	s = clfs_stream_open(log, 0);
	if (IS_ERR(s)) {
		clfs_log_close(log);
		return PTR_ERR(s);
	}
	m = clfs_marshal_create(s, &mp);
	if (IS_ERR(m)) {
		ret = PTR_ERR(m);
	} else {
		ret = !strcmp(mode, "stream") ? bench_stream(m) :
		      bench_forced(&m, log);
		clfs_marshal_delete(m);
	}
	clfs_stream_close(s);
	clfs_log_close(log);
	/* Nothing to keep loaded: report the result and go. */
	return ret ? ret : -ECANCELED;
}

module_init(clfs_bench_init);

MODULE_DESCRIPTION("clfs benchmark helper: append throughput on a real disk");
MODULE_LICENSE("GPL");
