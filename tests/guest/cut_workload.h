/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest tests: the crash stage's kind of workload, for a device that a
 * test can make fail at an instant (a power cut of clfs_memdev, every
 * sector of a null_blk made bad).
 *
 * CUT_PROCS processes each open the log on the target themselves, with a
 * marshalling area of their own on stream 0, and append acknowledged
 * (FORCE_FLUSH, group-committed) records of varied sizes until an append
 * fails, noting each acknowledged LSN in shared memory. The test's own
 * area advances the base behind them so that the containers wrap, fails
 * the device, and after reopening checks every acknowledged record from
 * the base on, byte for byte.
 *
 * Include after kselftest_harness.h and test_util.h.
 */
#ifndef _CLFS_CUT_WORKLOAD_H
#define _CLFS_CUT_WORKLOAD_H

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libclfs.h"

#define CUT_PROCS	4
#define CUT_ACKS	4096	/* per process, at most */
#define CUT_REC_MAX	4000

struct cut_acks {
	int n[CUT_PROCS];
	__u64 lsn[CUT_PROCS][CUT_ACKS];
};

/* Record (@p, @i): its size, and its bytes into @buf (CUT_REC_MAX). */
static inline size_t cut_record(char *buf, int p, int i)
{
	size_t len = 100 + (size_t)(i * 7919 + p * 131) % (CUT_REC_MAX - 100);

	memset(buf, 'a' + (i + p) % 26, len);
	snprintf(buf, len, "cut p%d r%d", p, i);
	return len;
}

/* A writer process: append until the device fails, noting each ack. */
static inline void cut_writer(const char *target, int p, struct cut_acks *acks)
{
	static char buf[CUT_REC_MAX];
	struct iovec iov = { buf, 0 };
	int ctl, log, s, m, i;
	__u64 lsn;

	ctl = clfs_open_control(NULL);
	log = ctl < 0 ? ctl : clfs_log_open(ctl, target, 0);
	s = log < 0 ? log : clfs_stream_open(log, 0);
	m = s < 0 ? s : clfs_marshal_create(s, 0, 0, 0);
	if (m < 0)
		_exit(2);
	for (i = 0; i < CUT_ACKS; i++) {
		iov.iov_len = cut_record(buf, p, i);
		if (clfs_append(m, &iov, 1, CLFS_RECORD_DATA,
				CLFS_APPEND_FORCE_FLUSH, CLFS_LSN_NULL,
				CLFS_LSN_NULL, &lsn))
			_exit(0);
		acks->lsn[p][i] = lsn;
		__atomic_store_n(&acks->n[p], i + 1, __ATOMIC_RELEASE);
	}
	_exit(1);
}

static inline struct cut_acks *cut_acks_new(void)
{
	struct cut_acks *acks = mmap(NULL, sizeof(*acks), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (acks == MAP_FAILED)
		return NULL;
	memset(acks, 0, sizeof(*acks));
	return acks;
}

/* Starts the writers on @target: 0, or -1 if one could not be forked. */
static inline int cut_start(const char *target, struct cut_acks *acks,
			    pid_t *pid)
{
	int p;

	for (p = 0; p < CUT_PROCS; p++) {
		pid[p] = fork();
		if (pid[p] < 0)
			return -1;
		if (!pid[p])
			cut_writer(target, p, acks);
	}
	return 0;
}

static inline int cut_total(struct cut_acks *acks)
{
	int p, n = 0;

	for (p = 0; p < CUT_PROCS; p++)
		n += __atomic_load_n(&acks->n[p], __ATOMIC_ACQUIRE);
	return n;
}

/* The newest acknowledged record's LSN, or 0. */
static inline __u64 cut_newest(struct cut_acks *acks)
{
	__u64 top = 0;
	int p, i;

	for (p = 0; p < CUT_PROCS; p++) {
		i = __atomic_load_n(&acks->n[p], __ATOMIC_ACQUIRE);
		if (i && acks->lsn[p][i - 1] > top)
			top = acks->lsn[p][i - 1];
	}
	return top;
}

/*
 * Until @want records are acknowledged (or @ms pass), move the base of
 * area @m to the newest one every 50 ms. Returns the last base set (0 for
 * none); *@err gets the first failure of clfs_advance_base().
 */
static inline __u64 cut_follow(int m, struct cut_acks *acks, int want,
			       long long ms, int *err)
{
	long long start = now_ms();
	__u64 top, base = 0;
	int ret;

	*err = 0;
	while (cut_total(acks) < want && now_ms() - start < ms) {
		msleep(50);
		top = cut_newest(acks);
		if (top == base)
			continue;
		ret = clfs_advance_base(m, top);
		if (ret && !*err)
			*err = ret;
		if (!ret)
			base = top;
	}
	return base;
}

/* Reaps the writers: how many did not stop on a failed append. */
static inline int cut_reap(pid_t *pid)
{
	int p, status, bad = 0;

	for (p = 0; p < CUT_PROCS; p++)
		if (waitpid(pid[p], &status, 0) != pid[p] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	return bad;
}

/*
 * Reads back through area @m every acknowledged record at or after @base:
 * how many are missing or wrong; *@checked gets how many were read, and
 * @what describes the first bad one.
 */
static inline int cut_check(int m, const struct cut_acks *acks, __u64 base,
			    int *checked, char *what, size_t what_len)
{
	static char want[CUT_REC_MAX], got[CUT_REC_MAX];
	struct clfs_ioc_record rec;
	int p, i, ctx, bad = 0;
	size_t len;

	*checked = 0;
	for (p = 0; p < CUT_PROCS; p++) {
		for (i = 0; i < acks->n[p]; i++) {
			if (acks->lsn[p][i] < base)
				continue;
			++*checked;
			len = cut_record(want, p, i);
			clfs_record_init(&rec, got, sizeof(got));
			ctx = clfs_read_record(m, acks->lsn[p][i], CLFS_READ_FORWARD,
					       CLFS_FILTER_ALL, &rec);
			if (ctx >= 0)
				close(ctx);
			if (ctx >= 0 && rec.data_bytes == len && !memcmp(got, want, len))
				continue;
			if (!bad++)
				snprintf(what, what_len, "writer %d record %d at %#llx: %d",
					 p, i, (unsigned long long)acks->lsn[p][i], ctx);
		}
	}
	return bad;
}

#endif /* _CLFS_CUT_WORKLOAD_H */
