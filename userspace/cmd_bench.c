// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl bench: how fast this log takes appends from many clients at once.
 *
 * Every client is a thread with a marshalling area of its own, as separate
 * clients of a shared log have; --processes forks that many processes of
 * --threads clients each, sharing the log descriptor as the workers of a
 * database would. Clients append records of --bytes bytes for --seconds:
 * each one forced to stable storage (the default), or, with --stream,
 * none of them until one flush at the end.
 *
 * The figure comes with what explains it, from the log's own counters
 * (taken before and after, so other clients of a shared log show up in
 * them): records per block and per device flush, block writes in flight,
 * bytes copied per byte appended; and the CPU time the whole machine was
 * busy for, per record (/proc/stat).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "online.h"

/* --stream: each stream's first client moves the base this often. */
#define BENCH_BASE_EVERY	256
#define BENCH_MAX_CLIENTS	256

/**
 * struct bench_client - one client's part, in memory shared with children
 * @appends: records appended (and, forced, durable)
 * @err: the first error, negative, or 0
 */
struct bench_client {
	__u64 appends;
	int err;
};

struct bench {
	struct session *s;
	__u32 threads, processes, streams, bytes, block;
	bool stream;
	struct timespec until;
	struct bench_client *clients;
};

struct bench_arg {
	struct bench *b;
	unsigned int idx;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static bool before_until(const struct timespec *until)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec < until->tv_sec ||
	       (t.tv_sec == until->tv_sec && t.tv_nsec < until->tv_nsec);
}

/* Busy CPU time of the whole machine so far, in seconds (all CPUs). */
static double busy_cpu_s(void)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
		   &sys, &idle, &iowait, &irq, &softirq);
	fclose(f);
	if (n != 7 || hz <= 0)
		return 0;
	return (double)(user + nice + sys + irq + softirq) / hz;
}

static void *bench_client_run(void *p)
{
	struct bench_arg *a = p;
	struct bench *b = a->b;
	struct bench_client *c = &b->clients[a->idx];
	__u32 stream = a->idx % b->streams;
	bool moves_base = b->stream && a->idx < b->streams;
	struct iovec iov;
	int s_fd, m_fd;
	__u64 lsn;
	int ret;

	iov.iov_len = b->bytes;
	iov.iov_base = calloc(1, b->bytes);
	if (!iov.iov_base) {
		c->err = -ENOMEM;
		return NULL;
	}
	s_fd = clfs_stream_open(b->s->log, stream);
	if (s_fd < 0) {
		c->err = s_fd;
		goto out;
	}
	m_fd = clfs_marshal_create(s_fd, b->block, 0, 0);
	if (m_fd < 0) {
		c->err = m_fd;
		goto close_stream;
	}
	while (before_until(&b->until)) {
		ret = clfs_append(m_fd, &iov, 1, CLFS_RECORD_DATA,
				  b->stream ? 0 : CLFS_APPEND_FORCE_FLUSH,
				  CLFS_LSN_NULL, CLFS_LSN_NULL, &lsn);
		if (!ret)
			c->appends++;
		if (!ret && moves_base && !(c->appends % BENCH_BASE_EVERY))
			ret = clfs_advance_base(m_fd, lsn);
		if (ret) {
			c->err = ret;
			break;
		}
	}
	close(m_fd);
close_stream:
	close(s_fd);
out:
	free(iov.iov_base);
	return NULL;
}

/* One process's clients: threads first..first+threads-1. */
static int bench_process(struct bench *b, unsigned int first)
{
	struct bench_arg *args = calloc(b->threads, sizeof(*args));
	pthread_t *t = calloc(b->threads, sizeof(*t));
	unsigned int i, started = 0;
	int ret = 0;

	if (!args || !t) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < b->threads; i++) {
		args[i].b = b;
		args[i].idx = first + i;
		ret = -pthread_create(&t[i], NULL, bench_client_run, &args[i]);
		if (ret)
			break;
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
out:
	free(args);
	free(t);
	return ret;
}

static int bench_clients(struct bench *b)
{
	unsigned int i;
	int failed = 0;
	pid_t *pids;
	int st;

	if (b->processes == 1)
		return bench_process(b, 0);
	pids = calloc(b->processes, sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	fflush(stdout);
	for (i = 0; i < b->processes; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			failed = -errno;
			break;
		}
		if (!pids[i])
			_exit(bench_process(b, i * b->threads) ? 1 : 0);
	}
	for (i = 0; i < b->processes && pids[i] > 0; i++)
		if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			failed = failed ?: -ECHILD;
	free(pids);
	return failed;
}

static double ratio(__u64 a, __u64 b)
{
	return b ? (double)a / b : 0;
}

static void bench_print(const struct options *opt, const struct bench *b,
			const struct clfs_log_info *l0,
			const struct clfs_log_info *l1, __u64 records,
			double secs, double cpu_s)
{
	__u64 blocks = l1->blocks_written - l0->blocks_written;
	__u64 flushes = l1->flushes - l0->flushes;
	__u64 written = l1->records_written - l0->records_written;
	__u64 rbytes = l1->record_bytes - l0->record_bytes;
	__u64 copied = l1->copied_bytes - l0->copied_bytes;
	__u64 inflight = l1->inflight_sum - l0->inflight_sum;
	double value = b->stream ? records * (double)b->bytes / secs / 1048576 :
				   records / secs;
	struct json j;

	if (opt->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_f64(&j, "value", value);
		json_str(&j, "unit", b->stream ? "MB/s" : "ops/s");
		json_u64(&j, "records", records);
		json_u64(&j, "clients", b->threads * b->processes);
		json_u64(&j, "processes", b->processes);
		json_u64(&j, "streams", b->streams);
		json_u64(&j, "bytes", b->bytes);
		json_u64(&j, "blocks_written", blocks);
		json_u64(&j, "log_flushes", flushes);
		json_u64(&j, "records_written", written);
		json_u64(&j, "record_bytes", rbytes);
		json_u64(&j, "copied_bytes", copied);
		json_u64(&j, "inflight_sum", inflight);
		json_u64(&j, "inflight_max", l1->inflight_max);
		json_f64(&j, "seconds", secs);
		json_f64(&j, "cpu_s", cpu_s);
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	printf("%u clients (%u processes of %u threads), %u-byte records, %s: %.1f %s\n",
	       b->threads * b->processes, b->processes, b->threads, b->bytes,
	       b->stream ? "streamed, one flush at the end" : "each forced",
	       value, b->stream ? "MiB/s" : "appends/s");
	printf("  %-28s %.1f\n", "records per block", ratio(written, blocks));
	printf("  %-28s %.1f\n", "records per device flush", ratio(written, flushes));
	printf("  %-28s %.2f (most %llu)\n", "block writes in flight",
	       ratio(inflight, blocks), (unsigned long long)l1->inflight_max);
	printf("  %-28s %.2f\n", "bytes copied per byte", ratio(copied, rbytes));
	if (records)
		printf("  %-28s %.0f us (busy time of all CPUs)\n",
		       "CPU per record", cpu_s * 1e6 / records);
}

static int bench_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "processes", required_argument, NULL, 'p' },
		{ "streams", required_argument, NULL, 's' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "seconds", required_argument, NULL, 'd' },
		{ "block", required_argument, NULL, 'B' },
		{ "stream", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench b = { .threads = 1, .processes = 1, .streams = 1,
			   .bytes = 4000, .block = 64 * 1024 };
	struct clfs_log_info l0, l1;
	__u64 v, seconds = 5, records = 0;
	double t0, secs, cpu0, cpu_s;
	struct session s;
	unsigned int i, n;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+t:p:s:b:d:B:S", longopts,
				NULL)) != -1) {
		switch (c) {
		case 't':
		case 'p':
			if (parse_u64(optarg, BENCH_MAX_CLIENTS, &v) || !v)
				return usage_error("bench", "--%s: 1 to %u",
						   c == 't' ? "threads" : "processes",
						   BENCH_MAX_CLIENTS);
			*(c == 't' ? &b.threads : &b.processes) = v;
			break;
		case 's':
			if (parse_u64(optarg, CLFS_MAX_STREAM_ID + 1, &v) || !v)
				return usage_error("bench", "--streams: 1 to %u",
						   CLFS_MAX_STREAM_ID + 1);
			b.streams = v;
			break;
		case 'b':
			if (parse_u64(optarg, 1 << 20, &v) || !v)
				return usage_error("bench", "--bytes: 1 to 1048576");
			b.bytes = v;
			break;
		case 'd':
			if (parse_u64(optarg, 3600, &seconds) || !seconds)
				return usage_error("bench", "--seconds: 1 to 3600");
			break;
		case 'B':
			if (parse_u64(optarg, 1024, &v) || !v)
				return usage_error("bench", "--block: 1 to 1024 KiB");
			b.block = v * 1024;
			break;
		case 'S':
			b.stream = true;
			break;
		default:
			return usage_error("bench", "unknown option");
		}
	}
	if (argc - optind != 1)
		return usage_error("bench", "one DEVICE expected");
	n = b.threads * b.processes;
	if (n > BENCH_MAX_CLIENTS)
		return usage_error("bench", "at most %u clients in all",
				   BENCH_MAX_CLIENTS);
	b.clients = mmap(NULL, n * sizeof(*b.clients), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b.clients == MAP_FAILED)
		return report("bench", ERR_GENERIC, -errno, "client table");
	ret = session_open(&s, opt, "bench", argv[optind], true);
	if (ret)
		goto unmap;
	b.s = &s;
	/* The final flush of --stream goes through an area of the session. */
	ret = session_marshal(&s, 0, b.block);
	if (ret)
		goto close;
	ret = clfs_log_query(s.log, &l0);
	if (ret) {
		ret = report("bench", ERR_GENERIC, ret, "%s: query", s.dev);
		goto close;
	}
	cpu0 = busy_cpu_s();
	t0 = now_s();
	clock_gettime(CLOCK_MONOTONIC, &b.until);
	b.until.tv_sec += seconds;
	ret = bench_clients(&b);
	if (!ret && b.stream)
		ret = clfs_flush(s.marshal, CLFS_LSN_NULL, NULL);
	secs = now_s() - t0;
	cpu_s = busy_cpu_s() - cpu0;
	if (!ret)
		ret = clfs_log_query(s.log, &l1);
	for (i = 0; i < n; i++) {
		records += b.clients[i].appends;
		if (!ret && b.clients[i].err)
			ret = b.clients[i].err;
	}
	if (ret) {
		/* A failed run prints no figure. */
		ret = report("bench", ERR_APPEND, ret, "%s: appends", s.dev);
		goto close;
	}
	bench_print(opt, &b, &l0, &l1, records, secs, cpu_s);
close:
	session_close(&s);
unmap:
	munmap(b.clients, n * sizeof(*b.clients));
	return ret;
}

const struct command bench_command = {
	.name = "bench",
	.summary = "measure appends from many clients, each with its own area",
	.usage =
	"usage: clfsctl [--device PATH] [--json] bench [-t N] [-p N] [-s N] [-b B]\n"
	"                                         [-d S] [-B KIB] [--stream] DEVICE\n"
	"\n"
	"Append to the log on DEVICE (or an attached log) from many clients at\n"
	"once and print the rate, with the counters that explain it. Every\n"
	"client is a thread with its own stream descriptor and marshalling\n"
	"area. The records are left in the log: run it on a log made for it.\n"
	"\n"
	"options:\n"
	"  -t, --threads N    clients per process (default 1)\n"
	"  -p, --processes N  processes sharing the log (default 1); at most\n"
	"                     256 clients in all\n"
	"  -s, --streams N    spread the clients over streams 0 .. N-1, which\n"
	"                     must exist (default 1)\n"
	"  -b, --bytes B      record size (default 4000)\n"
	"  -d, --seconds S    how long to append (default 5)\n"
	"  -B, --block KIB    each area's block size (default 64)\n"
	"      --stream       no record forced: one flush at the end, and each\n"
	"                     stream's base follows its first client, so the\n"
	"                     log does not fill (the default forces every\n"
	"                     record, CLFS_APPEND_FORCE_FLUSH)\n"
	"\n"
	"The figure is appends/s (forced) or MiB/s made durable (--stream).\n"
	"Records per block, per device flush, block writes in flight and bytes\n"
	"copied come from the log's counters, before and after; CPU per record\n"
	"is the busy time of all CPUs of the machine over the run.\n"
	"\n"
	"Exit status: 0 done, 1 an append or the log failed (no figure is\n"
	"printed), 2 usage error.\n",
	.run = bench_run,
};
