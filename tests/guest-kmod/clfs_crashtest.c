// SPDX-License-Identifier: GPL-2.0
/*
 * clfs_crashtest: many threads appending to several streams of a
 * multiplexed log on a real disk, a crash, and the check after it.
 *
 *   op=create dev=PATH streams=M               format, create M streams
 *   op=stress dev=PATH streams=M threads=N     start N appending threads
 *   op=verify dev=PATH streams=M threads=N acks=A0,A1,...
 *
 * Thread t appends to stream t % M the records (t, 0), (t, 1), ... whose
 * contents follow from (t, seq); every 8th is forced (FORCE_FLUSH) and,
 * once acknowledged, printed as "ack t=T seq=S". The guest is then stopped
 * without unloading anything (scripts/guest/steps.sh: crash_write). On the
 * next boot of the same disk, verify opens the log (recovery) and walks
 * every block: each thread's records must be exactly (t, 0..k-1) in LSN
 * order, in the right stream, byte for byte, with k > the highest
 * acknowledged seq of the thread (acks passes highest seq + 1, 0 = none).
 *
 * create also installs ct_policy, and verify checks that the policies
 * came back unchanged from the metadata after the crash and the reboot.
 *
 * Each thread chains its records through their previous LSNs. While it
 * appends, it reads every record back by the LSN the append returned
 * (a WARN, which fails the guest's log check, if one does not match); and
 * verify walks each thread's chain back from its last record through the
 * read API, so every recovered record is also found by its LSN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/clfs.h>
#include "log/clfs_log.h"

#define CT_MAX_THREADS	32
#define CT_MAGIC	0x636c667363726173ULL	/* "clfscras" */
#define CT_MAX_BYTES	2048

static char *op = "verify";
module_param(op, charp, 0444);
static char *dev;
module_param(dev, charp, 0444);
static unsigned int streams = 4;
module_param(streams, uint, 0444);
static unsigned int threads = 8;
module_param(threads, uint, 0444);
static unsigned int acks[CT_MAX_THREADS];
static int nr_acks;
module_param_array(acks, uint, &nr_acks, 0444);

struct ct_head {
	__le64 magic;
	__le32 thread;
	__le32 seq;
};

static u32 ct_bytes(u32 t, u32 seq)
{
	return sizeof(struct ct_head) + (t * 2654435761U + seq * 40503U) % 1500;
}

static void ct_fill(u32 t, u32 seq, u8 *buf)
{
	struct ct_head *h = (struct ct_head *)buf;
	u32 i, n = ct_bytes(t, seq);

	h->magic = cpu_to_le64(CT_MAGIC);
	h->thread = cpu_to_le32(t);
	h->seq = cpu_to_le32(seq);
	for (i = sizeof(*h); i < n; i++)
		buf[i] = (u8)(t * 31 + seq * 7 + i);
}

/* State of a stress run; it lives until the guest is stopped. */
static struct clfs_log *ct_log;
static struct clfs_stream *ct_streams[CLFS_MAX_STREAMS];
static struct clfs_marshal *ct_areas[CT_MAX_THREADS];
static struct task_struct *ct_tasks[CT_MAX_THREADS];

/* Read the record at @lsn through the read API: @bytes of @want, @prev. */
static int ct_read_back(struct clfs_marshal *m, u64 lsn, u64 prev,
			const u8 *want, u32 bytes)
{
	struct clfs_record rec;
	struct clfs_read_ctx *c;
	int ret = 0;

	c = clfs_read_log_record(m, lsn, CLFS_READ_PREVIOUS, CLFS_FILTER_DATA,
				 &rec);
	if (IS_ERR(c))
		return PTR_ERR(c);
	if (rec.lsn != lsn || rec.prev_lsn != prev ||
	    rec.data_bytes != bytes || memcmp(rec.data, want, bytes))
		ret = -EPROTO;
	clfs_terminate_read_log(c);
	return ret;
}

static int ct_thread(void *arg)
{
	u32 t = (uintptr_t)arg, seq = 0;
	struct clfs_append a = { .nr_entries = 1, .type = CLFS_RECORD_DATA };
	struct kvec v;
	u8 *buf;
	u64 lsn;
	int ret;

	buf = kmalloc(CT_MAX_BYTES, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	v.iov_base = buf;
	a.entries = &v;
	a.prev_lsn = CLFS_LSN_NULL;
	while (!kthread_should_stop()) {
		ct_fill(t, seq, buf);
		v.iov_len = ct_bytes(t, seq);
		a.flags = seq % 8 == 7 ? CLFS_APPEND_FORCE_FLUSH : 0;
		ret = clfs_reserve_and_append(ct_areas[t], &a, &lsn);
		if (ret) {
			pr_err("thread %u: append %u failed: %d\n", t, seq, ret);
			break;
		}
		/* Every returned LSN reads back, while the others append. */
		ret = ct_read_back(ct_areas[t], lsn, a.prev_lsn, buf,
				   v.iov_len);
		if (WARN(ret, "clfs_crashtest: thread %u: record %u at %#llx does not read back: %d\n",
			 t, seq, lsn, ret))
			break;
		a.prev_lsn = lsn;
		if (a.flags)
			pr_info("ack t=%u seq=%u lsn=%#llx\n", t, seq, lsn);
		seq++;
		cond_resched();
	}
	kfree(buf);
	return 0;
}

/* Policies that never resize this log during the test. */
static const struct clfs_policy ct_policy = {
	.installed = CLFS_POLICY_MIN_SIZE | CLFS_POLICY_GROWTH_RATE |
		     CLFS_POLICY_LOG_TAIL | CLFS_POLICY_AUTO_SHRINK |
		     CLFS_POLICY_AUTO_GROW,
	.min_containers = 100,
	.growth_pct = 10,
	.tail_free_pct = 20,
	.shrink_free_pct = 90,
	.auto_grow = 0,
};

static int ct_check_policy(struct clfs_log *log)
{
	struct clfs_policy p;
	int ret = clfs_policy_query(log, &p);

	if (!ret && memcmp(&p, &ct_policy, sizeof(p))) {
		pr_err("policies changed: installed %#x min %u growth %u%% tail %u%% shrink %u%% grow %u\n",
		       p.installed, p.min_containers, p.growth_pct,
		       p.tail_free_pct, p.shrink_free_pct, p.auto_grow);
		ret = -EPROTO;
	}
	return ret;
}

static int ct_create(void)
{
	struct clfs_log_params p = {
		.container_bytes = 1 << 20,
		.nr_containers = 128,
		.flags = CLFS_LOG_MULTIPLEXED,
	};
	struct clfs_log *log;
	u32 i, id;
	int ret;

	ret = clfs_log_create(dev, &p);
	if (ret)
		return ret;
	log = clfs_log_open(dev, 0);
	if (IS_ERR(log))
		return PTR_ERR(log);
	ret = clfs_policy_install(log, &ct_policy);
	for (i = 0; i < streams && !ret; i++) {
		ret = clfs_stream_create(log, &id);
		if (!ret && id != i)
			ret = -EPROTO;
	}
	clfs_log_close(log);
	return ret;
}

static void ct_cleanup(void);

/* Start the threads; on failure nothing may outlive the refused load. */
static int ct_stress_start(void);

static int ct_stress(void)
{
	int ret = ct_stress_start();

	if (ret)
		ct_cleanup();
	return ret;
}

static int ct_stress_start(void)
{
	struct clfs_marshal_params mp = {
		.block_bytes = 16 * 1024,
		.max_write_buffers = 4,
	};
	u32 i;

	ct_log = clfs_log_open(dev, 0);
	if (IS_ERR(ct_log))
		return PTR_ERR(ct_log);
	for (i = 0; i < streams; i++) {
		ct_streams[i] = clfs_stream_open(ct_log, i);
		if (IS_ERR(ct_streams[i]))
			return PTR_ERR(ct_streams[i]);
	}
	for (i = 0; i < threads; i++) {
		ct_areas[i] = clfs_marshal_create(ct_streams[i % streams], &mp);
		if (IS_ERR(ct_areas[i]))
			return PTR_ERR(ct_areas[i]);
	}
	for (i = 0; i < threads; i++) {
		ct_tasks[i] = kthread_run(ct_thread, (void *)(uintptr_t)i,
					  "clfs-ct%u", i);
		if (IS_ERR(ct_tasks[i]))
			return PTR_ERR(ct_tasks[i]);
	}
	pr_info("%u threads appending to %u streams of %s\n", threads, streams,
		dev);
	return 0;
}

/* One record found by verify: right stream, next seq of its thread, bytes. */
static int ct_check(const struct clfs_blk *blk, const struct clfs_rec *rec,
		    const u8 *block, u32 *next, u8 *want, u64 *last)
{
	const struct ct_head *h = (const void *)(block + rec->data_offset);
	u32 t, seq;

	if (rec->data_bytes < sizeof(*h) || le64_to_cpu(h->magic) != CT_MAGIC)
		return -EPROTO;
	t = le32_to_cpu(h->thread);
	seq = le32_to_cpu(h->seq);
	if (t >= threads || blk->stream_id != t % streams || seq != next[t] ||
	    rec->data_bytes != ct_bytes(t, seq)) {
		pr_err("record %#llx: thread %u seq %u in stream %u, expected seq %u\n",
		       rec->lsn, t, seq, blk->stream_id,
		       t < threads ? next[t] : 0);
		return -EPROTO;
	}
	ct_fill(t, seq, want);
	if (memcmp(h, want, rec->data_bytes)) {
		pr_err("record %#llx: thread %u seq %u: contents differ\n",
		       rec->lsn, t, seq);
		return -EPROTO;
	}
	next[t]++;
	last[t] = rec->lsn;
	return 0;
}

/*
 * Walk thread @t's records back from its last one, @last, along the
 * previous LSNs it chained them with, through the read API: exactly
 * (t, @n - 1) down to (t, 0), each LSN the append returned.
 */
static int ct_verify_chain(struct clfs_log *log, u32 t, u64 last, u32 n,
			   u8 *want)
{
	struct clfs_marshal_params mp = { .block_bytes = 16 * 1024 };
	const struct ct_head *h;
	struct clfs_marshal *m;
	struct clfs_stream *s;
	struct clfs_read_ctx *c;
	struct clfs_record rec;
	u32 seq = n;
	int ret;

	s = clfs_stream_open(log, t % streams);
	if (IS_ERR(s))
		return PTR_ERR(s);
	m = clfs_marshal_create(s, &mp);
	if (IS_ERR(m)) {
		clfs_stream_close(s);
		return PTR_ERR(m);
	}
	c = clfs_read_log_record(m, last, CLFS_READ_PREVIOUS, CLFS_FILTER_DATA,
				 &rec);
	ret = PTR_ERR_OR_ZERO(c);
	while (!ret) {
		h = rec.data;
		ct_fill(t, --seq, want);
		if (rec.data_bytes != ct_bytes(t, seq) ||
		    memcmp(h, want, rec.data_bytes)) {
			pr_err("thread %u: record %#llx on its chain is not seq %u\n",
			       t, rec.lsn, seq);
			ret = -EPROTO;
			break;
		}
		if (!seq)
			break;
		ret = clfs_read_next_log_record(c, &rec);
	}
	if (!ret && (seq || clfs_read_next_log_record(c, &rec) != -ENODATA)) {
		pr_err("thread %u: chain ends at seq %u\n", t, seq);
		ret = -EPROTO;
	}
	if (!IS_ERR(c))
		clfs_terminate_read_log(c);
	clfs_marshal_delete(m);
	clfs_stream_close(s);
	return ret;
}

static int ct_verify(void)
{
	u32 next[CT_MAX_THREADS] = { 0 };
	u64 last[CT_MAX_THREADS];
	struct clfs_log_info info;
	struct clfs_rec_iter it;
	struct clfs_log *log;
	struct clfs_blk blk;
	struct clfs_rec rec;
	u64 lsn, records = 0;
	u8 *buf, *want;
	int ret = 0;
	u32 t;

	buf = kvmalloc(CLFS_BLK_MAX_BYTES, GFP_KERNEL);
	want = kmalloc(CT_MAX_BYTES, GFP_KERNEL);
	log = clfs_log_open(dev, 0);
	if (!buf || !want || IS_ERR(log)) {
		ret = IS_ERR(log) ? PTR_ERR(log) : -ENOMEM;
		goto out;
	}
	ret = ct_check_policy(log);
	clfs_log_query(log, &info);
	for (lsn = info.recovery_lsn; lsn < info.head_lsn && !ret;) {
		ret = clfs_log_read_block(log, lsn, buf, CLFS_BLK_MAX_BYTES, &blk);
		if (!ret)
			ret = clfs_rec_iter_init(&it, log->md, &blk, buf,
						 CLFS_BLK_MAX_BYTES);
		while (!ret) {
			ret = clfs_rec_iter_next(&it, &rec);
			if (ret != 1)
				break;
			ret = ct_check(&blk, &rec, buf, next, want, last);
			records++;
		}
		lsn = clfs_blk_next_lsn(log->md, &blk);
	}
	for (t = 0; t < threads && !ret; t++) {
		if (next[t])
			ret = ct_verify_chain(log, t, last[t], next[t], want);
		if (!ret && t < nr_acks && next[t] < acks[t]) {
			pr_err("thread %u: %u records recovered, %u were acknowledged\n",
			       t, next[t], acks[t]);
			ret = -EPROTO;
		}
	}
	pr_info("%s: %llu records of %u threads recovered, every acknowledged one among them, policies kept: %s\n",
		dev, records, threads, ret ? "NO" : "yes");
	clfs_log_close(log);
out:
	kfree(want);
	kvfree(buf);
	return ret;
}

static int __init clfs_crashtest_init(void)
{
	if (!dev || !streams || streams > CLFS_MAX_STREAMS || !threads ||
	    threads > CT_MAX_THREADS)
		return -EINVAL;
	if (!strcmp(op, "create"))
		return ct_create();
	if (!strcmp(op, "stress"))
		return ct_stress();
	if (!strcmp(op, "verify"))
		return ct_verify();
	return -EINVAL;
}

/* Stop the threads and close everything a stress run opened. */
static void ct_cleanup(void)
{
	u32 i;

	for (i = 0; i < CT_MAX_THREADS; i++)
		if (!IS_ERR_OR_NULL(ct_tasks[i]))
			kthread_stop(ct_tasks[i]);
	for (i = 0; i < CT_MAX_THREADS; i++)
		if (!IS_ERR_OR_NULL(ct_areas[i]))
			clfs_marshal_delete(ct_areas[i]);
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		if (!IS_ERR_OR_NULL(ct_streams[i]))
			clfs_stream_close(ct_streams[i]);
	if (!IS_ERR_OR_NULL(ct_log))
		clfs_log_close(ct_log);
}

/* Only reached if a stress run is unloaded instead of crashed. */
static void __exit clfs_crashtest_exit(void)
{
	ct_cleanup();
}

module_init(clfs_crashtest_init);
module_exit(clfs_crashtest_exit);

MODULE_DESCRIPTION("clfs guest test helper: concurrent appends, crash, recovery");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
