// SPDX-License-Identifier: GPL-2.0
/*
 * crash_workload: everything durable clfs does, by several threads and
 * processes sharing one log, each with its own marshalling area, with a
 * journal of what was acknowledged (journal.h) and, under dm-log-writes, a
 * mark after every acknowledgement.
 *
 * A round: workers append to the streams (2 threads on the first, 1 on
 * the second, a process on each of the other two; forced and unforced
 * appends, flushes to an LSN, appends that use a reservation); then, one
 * operation at a time, restart areas with and without a new base, base
 * and archive-tail moves (containers recycle), a truncation, and in
 * some rounds policies, a grow, a shrink, or closing and reopening the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "libclfs.h"
#include "dm.h"
#include "journal.h"

#define NR_STREAMS	4
#define BLOCK_BYTES	8192
#define CONTAINER_BYTES	(64 << 10)
#define MAX_CONTAINERS	12

static const char usage[] =
	"usage: crash_workload --dev DEV --journal FILE [options]\n"
	"\n"
	"Format DEV as a multiplexed, archived clfs log and run the crash\n"
	"tests' workload on it (tests/crash/journal.h says what it writes).\n"
	"\n"
	"  -d, --dev DEV      the device (under dm-log-writes, to record it)\n"
	"  -j, --journal F    append the journal to F ('-': stdout)\n"
	"  -m, --mark NAME    insert a mark into dm-log-writes device NAME after\n"
	"                     every acknowledged operation\n"
	"  -s, --seed N       the random choices (default 1)\n"
	"  -r, --rounds N     rounds (default 3; 0: until killed)\n"
	"  -o, --ops N        operations per worker per round (default 20)\n"
	"  -1, --serial       one worker at a time (the same I/O from run to run)\n"
	"  -f, --faulty       an error ends the run with status 3, not 1 (the\n"
	"                     device is made to fail)\n";

static const char *dev_path, *mark_dev;
static int journal_fd = -1;
static unsigned int rounds = 3, ops_per_worker = 20;
static unsigned long long seed = 1;
static int serial, faulty;
static _Atomic unsigned long long *next_op;	/* shared with the processes */
static __u32 stream_ids[NR_STREAMS];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "crash_workload: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(faulty ? 3 : 1);
}

static uint64_t rnd(uint64_t *x)
{
	return journal_rand(x);
}

static unsigned long long op_start(void)
{
	return atomic_fetch_add(next_op, 1);
}

static void journal_line(unsigned long long op, char kind, __u32 stream, __u64 lsn,
			 __u64 arg, __u32 len)
{
	char buf[160];
	int n;

	n = snprintf(buf, sizeof(buf), JOURNAL_PREFIX "%llu %c %u %llx %llx %u\n",
		     op, kind, stream, (unsigned long long)lsn,
		     (unsigned long long)arg, len);
	if (write(journal_fd, buf, n) != n)
		die("journal write: %s", strerror(errno));
}

/*
 * What an op that may not return could leave behind (journal.h). On a
 * console the line must have left the guest before the op can reach the
 * disk: a power cut kills the bytes still in the UART's buffer.
 */
static void intent(unsigned long long op, char kind, __u32 stream, __u64 lsn,
		   __u64 arg, __u32 len)
{
	journal_line(op, kind - 'A' + 'a', stream, lsn, arg, len);
	if (isatty(journal_fd) && tcdrain(journal_fd))
		die("journal drain: %s", strerror(errno));
}

/* The op returned: mark, then journal (the order journal.h promises). */
static void ack(unsigned long long op, char kind, __u32 stream, __u64 lsn,
		__u64 arg, __u32 len)
{
	char buf[160];
	int ret;

	if (mark_dev) {
		snprintf(buf, sizeof(buf), "mark op%llu", op);
		ret = dm_message(mark_dev, buf);
		if (ret)
			die("mark op%llu: %s", op, strerror(-ret));
	}
	journal_line(op, kind, stream, lsn, arg, len);
}

struct client {
	int ctl, log, s[NR_STREAMS], m[NR_STREAMS];
};

static void client_open(struct client *c)
{
	int i;

	c->ctl = clfs_open_control(NULL);
	if (c->ctl < 0)
		die("open control: %s", strerror(-c->ctl));
	c->log = clfs_log_open(c->ctl, dev_path, 0);
	if (c->log < 0)
		die("log open %s: %s", dev_path, strerror(-c->log));
	for (i = 0; i < NR_STREAMS; i++) {
		c->s[i] = clfs_stream_open(c->log, stream_ids[i]);
		if (c->s[i] < 0)
			die("stream open: %s", strerror(-c->s[i]));
		c->m[i] = clfs_marshal_create(c->s[i], BLOCK_BYTES, 4, 0);
		if (c->m[i] < 0)
			die("marshal create: %s", strerror(-c->m[i]));
	}
}

static void client_close(struct client *c)
{
	int i;

	for (i = 0; i < NR_STREAMS; i++) {
		close(c->m[i]);
		close(c->s[i]);
	}
	close(c->log);
	close(c->ctl);
}

static void create_log(void)
{
	struct clfs_log_params p = {
		.container_bytes = CONTAINER_BYTES, .nr_containers = 4,
		.flags = CLFS_LOG_MULTIPLEXED | CLFS_LOG_ARCHIVED,
	};
	unsigned long long op = op_start();
	int ctl, log, i, ret;

	ctl = clfs_open_control(NULL);
	if (ctl < 0)
		die("open control: %s", strerror(-ctl));
	ret = clfs_log_create(ctl, dev_path, &p);
	if (ret)
		die("create %s: %s", dev_path, strerror(-ret));
	log = clfs_log_open(ctl, dev_path, 0);
	if (log < 0)
		die("open %s: %s", dev_path, strerror(-log));
	for (i = 0; i < NR_STREAMS; i++) {
		ret = clfs_stream_create(log, &stream_ids[i]);
		if (ret)
			die("stream create: %s", strerror(-ret));
	}
	close(log);
	close(ctl);
	ack(op, 'C', 0, 0, NR_STREAMS, 0);
}

/* One worker: ops_per_worker operations on its stream, its own area. */
struct worker {
	unsigned int stream;	/* index into stream_ids */
	uint64_t rand;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	unsigned char buf[PAYLOAD_MAX];
	struct client c;
	unsigned int i, len, flags;
	__u64 lsn, last = CLFS_LSN_NULL, flushed;
	__u32 sid = stream_ids[w->stream];
	unsigned long long op;
	struct iovec iov;
	__s64 size;
	char kind;
	int m, ret;

	client_open(&c);
	m = c.m[w->stream];
	for (i = 0; i < ops_per_worker; i++) {
		unsigned int pick = rnd(&w->rand) % 16;

		op = op_start();
		if (pick == 0 && last != CLFS_LSN_NULL) {
			ret = clfs_flush(m, last, &flushed);
			if (ret)
				die("flush: %s", strerror(-ret));
			ack(op, 'L', sid, last, flushed, 0);
			continue;
		}
		/* Big records now and then: the log must wrap and recycle. */
		len = PAYLOAD_MIN + rnd(&w->rand) % (pick < 4 ? PAYLOAD_MAX - PAYLOAD_MIN : 1000);
		flags = pick >= 10 ? CLFS_APPEND_FORCE_FLUSH : 0;
		if (pick == 1 || pick == 15) {
			size = len;
			ret = clfs_alloc_reserved(m, &size, 1);
			if (ret == -ENOSPC)
				continue;
			if (ret)
				die("reserve: %s", strerror(-ret));
			flags |= CLFS_APPEND_USE_RESERVATION;
		}
		journal_payload(op, sid, len, buf);
		iov = (struct iovec){ buf, len };
		ret = clfs_append(m, &iov, 1, CLFS_RECORD_DATA, flags, last,
				  CLFS_LSN_NULL, &lsn);
		if (ret == -ENOSPC)
			continue;
		if (ret)
			die("append: %s", strerror(-ret));
		last = lsn;
		if (flags & CLFS_APPEND_USE_RESERVATION)
			kind = flags & CLFS_APPEND_FORCE_FLUSH ? 'V' : 'U';
		else
			kind = flags & CLFS_APPEND_FORCE_FLUSH ? 'F' : 'A';
		ack(op, kind, sid, lsn, 0, len);
	}
	client_close(&c);
	return NULL;
}

static void wait_worker(pid_t pid, unsigned int i)
{
	int status;

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		die("worker process %u: %s", i, strerror(errno));
	if (WEXITSTATUS(status))
		die("worker process %u failed", i);
}

static void run_workers(unsigned int round)
{
	static const unsigned int thread_stream[] = { 0, 0, 1 };
	struct worker tw[3], pw[NR_STREAMS - 2];
	pthread_t th[3];
	pid_t pid[NR_STREAMS - 2];
	unsigned int i;

	for (i = 0; i < NR_STREAMS - 2; i++) {
		pw[i] = (struct worker){ 2 + i, seed * 1000 + round * 10 + 5 + i };
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork: %s", strerror(errno));
		if (pid[i] == 0) {
			worker_run(&pw[i]);
			_exit(0);
		}
		if (serial)
			wait_worker(pid[i], i);
	}
	for (i = 0; i < 3; i++) {
		tw[i] = (struct worker){ thread_stream[i], seed * 1000 + round * 10 + i + 1 };
		if (pthread_create(&th[i], NULL, worker_run, &tw[i]))
			die("pthread_create");
		if (serial)
			pthread_join(th[i], NULL);
	}
	for (i = 0; i < 3 && !serial; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NR_STREAMS - 2 && !serial; i++)
		wait_worker(pid[i], i);
}

static __u64 stream_last(struct client *c, unsigned int i)
{
	struct clfs_stream_info q;
	int ret = clfs_stream_query(c->s[i], &q);

	if (ret)
		die("stream query: %s", strerror(-ret));
	return q.last_lsn;
}

/* The record half-way through stream @i's records from its first one. */
static __u64 stream_middle(struct client *c, unsigned int i)
{
	static unsigned char buf[BLOCK_BYTES];
	struct clfs_stream_info q;
	struct clfs_ioc_record rec;
	__u64 lsns[1024];
	unsigned int n = 0;
	int ctx;

	if (clfs_stream_query(c->s[i], &q) || q.first_lsn == CLFS_LSN_NULL)
		return CLFS_LSN_NULL;
	clfs_record_init(&rec, buf, sizeof(buf));
	ctx = clfs_read_record(c->m[i], q.first_lsn, CLFS_READ_FORWARD,
			       CLFS_FILTER_DATA, &rec);
	if (ctx < 0)
		return CLFS_LSN_NULL;
	do {
		lsns[n++] = rec.lsn;
	} while (n < 1024 && clfs_read_next(ctx, &rec) == 0);
	close(ctx);
	return lsns[n / 2];
}

static void write_restart(struct client *c, unsigned int i, __u64 base)
{
	unsigned char buf[256];
	unsigned long long op = op_start();
	__u32 len = 64 + op % 128;
	__u64 lsn;
	int ret;

	journal_payload(op, stream_ids[i], len, buf);
	intent(op, 'R', stream_ids[i], CLFS_LSN_NULL, base, len);
	ret = clfs_restart_write(c->m[i], buf, len, base, 0, &lsn);
	if (ret == -ENOSPC)
		return;
	if (ret)
		die("writing a restart area: %s", strerror(-ret));
	ack(op, 'R', stream_ids[i], lsn, base, len);
}

/* Base or archive tail (@kind 'B' or 'T') of stream @i to @lsn. */
static void move_tail(struct client *c, unsigned int i, char kind, __u64 lsn)
{
	unsigned long long op;
	int ret;

	if (lsn == CLFS_LSN_NULL)
		return;
	op = op_start();
	intent(op, kind, stream_ids[i], lsn, 0, 0);
	ret = kind == 'B' ? clfs_advance_base(c->m[i], lsn) :
			    clfs_set_archive_tail(c->s[i], lsn);
	if (ret)
		die("%s to %llx: %s", kind == 'B' ? "advance base" : "archive tail",
		    (unsigned long long)lsn, strerror(-ret));
	ack(op, kind, stream_ids[i], lsn, 0, 0);
}

static void truncate_stream(struct client *c, unsigned int i)
{
	__u64 lsn = stream_middle(c, i);
	unsigned long long op;
	int ret;

	if (lsn == CLFS_LSN_NULL)
		return;
	op = op_start();
	intent(op, 'X', stream_ids[i], lsn, 0, 0);
	ret = clfs_set_end_of_log(c->m[i], lsn);
	if (ret)
		die("set end of log %llx: %s", (unsigned long long)lsn, strerror(-ret));
	ack(op, 'X', stream_ids[i], lsn, 0, 0);
}

static void set_size(struct client *c, __u32 nr)
{
	unsigned long long op = op_start();
	__u32 result;
	int ret;

	intent(op, 'S', 0, 0, nr, 0);
	ret = clfs_set_size(c->log, nr, &result);

	if (ret && ret != -EBUSY)
		die("set size %u: %s", nr, strerror(-ret));
	ack(op, 'S', 0, 0, result, 0);
}

static void install_policies(struct client *c)
{
	struct clfs_policy p = {
		.installed = CLFS_POLICY_MAX_SIZE | CLFS_POLICY_MIN_SIZE |
			     CLFS_POLICY_AUTO_GROW | CLFS_POLICY_GROWTH_RATE,
		.max_containers = MAX_CONTAINERS, .min_containers = 3,
		.auto_grow = 1, .growth_containers = 2,
	};
	unsigned long long op = op_start();
	int ret;

	intent(op, 'P', 0, 0, MAX_CONTAINERS, 3);
	ret = clfs_policy_install(c->log, &p);

	if (ret)
		die("policy install: %s", strerror(-ret));
	ack(op, 'P', 0, 0, MAX_CONTAINERS, 3);
}

/* One operation at a time: what the workers cannot do concurrently. */
static void tail_phase(struct client *c, unsigned int round)
{
	__u64 last;

	last = stream_last(c, 0);
	write_restart(c, 0, last);
	move_tail(c, 0, 'T', last);
	last = stream_last(c, 1);
	move_tail(c, 1, 'B', last);
	move_tail(c, 1, 'T', last);
	truncate_stream(c, 2);
	last = stream_last(c, 2);
	move_tail(c, 2, 'B', last);
	move_tail(c, 2, 'T', last);
	write_restart(c, 3, CLFS_LSN_NULL);
	last = stream_last(c, 3);
	move_tail(c, 3, 'B', last);
	move_tail(c, 3, 'T', last);
	if (round == 0)
		install_policies(c);
	if (round % 3 == 0)
		set_size(c, 6);
	if (round % 3 == 1)
		set_size(c, 4);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "journal", required_argument, NULL, 'j' },
		{ "mark", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "ops", required_argument, NULL, 'o' },
		{ "serial", no_argument, NULL, '1' },
		{ "faulty", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *journal = NULL;
	struct client c;
	unsigned int round;
	int opt;

	while ((opt = getopt_long(argc, argv, "d:j:m:s:r:o:1fh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dev_path = optarg;
			break;
		case 'j':
			journal = optarg;
			break;
		case 'm':
			mark_dev = optarg;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			ops_per_worker = strtoul(optarg, NULL, 0);
			break;
		case '1':
			serial = 1;
			break;
		case 'f':
			faulty = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!dev_path || !journal || optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	journal_fd = strcmp(journal, "-") ? open(journal, O_WRONLY | O_CREAT | O_APPEND, 0644) : 1;
	if (journal_fd < 0)
		die("%s: %s", journal, strerror(errno));
	next_op = mmap(NULL, sizeof(*next_op), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (next_op == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	seed = seed ? seed : 1;
	create_log();
	client_open(&c);
	for (round = 0; !rounds || round < rounds; round++) {
		run_workers(round);
		tail_phase(&c, round);
		if (round % 2 == 1) {
			unsigned long long op = op_start();

			client_close(&c);
			client_open(&c);
			ack(op, 'O', 0, 0, 0, 0);
		}
	}
	client_close(&c);
	printf("crash_workload: %llu operations in %u rounds, seed %llu\n",
	       (unsigned long long)*next_op, round, seed);
	return 0;
}
