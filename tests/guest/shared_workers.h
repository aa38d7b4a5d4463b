/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest tests of shared logs: independent client programs.
 *
 * A test starts each client with execv() of its own program in worker mode
 * ("PROG --worker ..."), so every client is a program of its own: it drops
 * to its own unprivileged uid, opens the attached log's node itself (no
 * descriptor is inherited), opens a stream, creates its own marshalling
 * area, waits for the start file, appends forced records, and writes the
 * LSN and bytes of each to its result file. It then waits for every other
 * client's result file and reads each of their records back by LSN through
 * its own area: what one client was acknowledged, every other one sees.
 *
 * Include after kselftest_harness.h and test_util.h.
 */
#ifndef _CLFS_SHARED_WORKERS_H
#define _CLFS_SHARED_WORKERS_H

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libclfs.h"

#define SH_DIR		"/tmp/clfs-shared"
#define SH_GO		SH_DIR "/go"
#define SH_MAX_WORKERS	16
#define SH_TEXT_MAX	32

/* The group that may use the attached log's node, and the workers' uids. */
#define SH_GID		4242
#define SH_UID0		5000

struct sh_job {
	const char *node;	/* the attached log's node */
	unsigned int stream;
	unsigned int count;	/* forced appends */
	unsigned int index;	/* this worker: 0..nr-1 */
	unsigned int nr;	/* workers in all */
	unsigned int uid;
	unsigned int gid;
};

static inline void sh_result_path(char *buf, size_t n, unsigned int index)
{
	snprintf(buf, n, SH_DIR "/out.%u", index);
}

static int sh_fail(const struct sh_job *j, const char *what, int err)
{
	fprintf(stderr, "worker %u: %s: %s\n", j->index, what, strerror(-err));
	return 1;
}

/* Wait up to 120 s for @path to exist. */
static int sh_wait_file(const char *path)
{
	long long end = now_ms() + 120000;

	while (access(path, F_OK)) {
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(20);
	}
	return 0;
}

struct sh_rec {
	unsigned long long lsn;
	char text[SH_TEXT_MAX];
};

static int sh_rec_cmp(const void *a, const void *b)
{
	const struct sh_rec *x = a, *y = b;

	return x->lsn < y->lsn ? -1 : x->lsn > y->lsn;
}

/* The records the other workers were acknowledged on our stream. */
static int sh_load_others(const struct sh_job *j, struct sh_rec **out)
{
	struct sh_rec *recs = NULL, r, *grown;
	size_t n = 0, room = 0;
	unsigned int w, stream;
	char path[64];
	int ret;
	FILE *f;

	for (w = 0; w < j->nr; w++) {
		if (w == j->index)
			continue;
		sh_result_path(path, sizeof(path), w);
		ret = sh_wait_file(path);
		if (ret)
			goto fail;
		f = fopen(path, "r");
		ret = -errno;
		if (!f)
			goto fail;
		while (fscanf(f, "%u %llx %31s", &stream, &r.lsn, r.text) == 3) {
			if (stream != j->stream)
				continue;
			if (n == room) {
				room = room ? 2 * room : 256;
				grown = realloc(recs, room * sizeof(*recs));
				if (!grown)
					break;
				recs = grown;
			}
			recs[n++] = r;
		}
		fclose(f);
	}
	qsort(recs, n, sizeof(*recs), sh_rec_cmp);
	*out = recs;
	return n;
fail:
	sh_fail(j, path, ret);
	*out = recs;
	return -1;
}

/*
 * Read back every record another worker was acknowledged on our stream,
 * with its bytes: one forward walk from the oldest of them, through our
 * own marshalling area.
 */
static int sh_check_others(const struct sh_job *j, int m)
{
	char buf[SH_TEXT_MAX];
	struct clfs_ioc_record rec;
	struct sh_rec *want = NULL;
	int n, k = 0, ctx, ret = 0;

	n = sh_load_others(j, &want);
	if (n <= 0) {
		free(want);
		return n < 0;
	}
	clfs_record_init(&rec, buf, sizeof(buf) - 1);
	ctx = clfs_read_record(m, want[0].lsn, CLFS_READ_FORWARD,
			       CLFS_FILTER_DATA, &rec);
	if (ctx < 0) {
		free(want);
		return sh_fail(j, "reading another's record", ctx);
	}
	while (!ret && k < n) {
		buf[rec.data_bytes < sizeof(buf) ? rec.data_bytes : 0] = 0;
		if (rec.lsn > want[k].lsn)
			break;	/* skipped: not in the stream */
		if (rec.lsn == want[k].lsn) {
			if (strcmp(buf, want[k].text))
				break;
			k++;
		}
		if (k < n)
			ret = clfs_read_next(ctx, &rec);
	}
	close(ctx);
	if (k < n)
		fprintf(stderr, "worker %u: %#llx ('%s') not read back: %s\n",
			j->index, want[k].lsn, want[k].text,
			ret ? strerror(-ret) : buf);
	else
		printf("worker %u: read back the %d records of the others\n",
		       j->index, n);
	free(want);
	return k < n;
}

/* The worker's whole life; its exit status. */
static int sh_worker(const struct sh_job *j)
{
	char path[64], tmp[72], text[SH_TEXT_MAX];
	__u64 lsn, last = CLFS_LSN_NULL;
	struct iovec iov;
	int log, s, m, ret;
	unsigned int i;
	FILE *out;

	if (setgroups(0, NULL) || setgid(j->gid) || setuid(j->uid))
		return sh_fail(j, "dropping privileges", -errno);
	log = open(j->node, O_RDWR | O_CLOEXEC);
	if (log < 0)
		return sh_fail(j, "opening the node", -errno);
	s = clfs_stream_open(log, j->stream);
	if (s < 0)
		return sh_fail(j, "opening the stream", s);
	m = clfs_marshal_create(s, 4096, 0, 0);
	if (m < 0)
		return sh_fail(j, "creating a marshalling area", m);
	sh_result_path(path, sizeof(path), j->index);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	out = fopen(tmp, "w");
	if (!out)
		return sh_fail(j, "creating the result file", -errno);
	ret = sh_wait_file(SH_GO);
	if (ret)
		return sh_fail(j, "waiting for the start", ret);
	for (i = 0; i < j->count; i++) {
		snprintf(text, sizeof(text), "w%u-%u", j->index, i);
		iov.iov_base = text;
		iov.iov_len = strlen(text);
		ret = clfs_append(m, &iov, 1, CLFS_RECORD_DATA,
				  CLFS_APPEND_FORCE_FLUSH, CLFS_LSN_NULL,
				  CLFS_LSN_NULL, &lsn);
		if (ret)
			return sh_fail(j, "appending", ret);
		if (lsn <= last) {
			fprintf(stderr, "worker %u: lsn %#llx after %#llx\n",
				j->index, (unsigned long long)lsn,
				(unsigned long long)last);
			return 1;
		}
		last = lsn;
		fprintf(out, "%u %llx %s\n", j->stream, (unsigned long long)lsn,
			text);
	}
	if (fclose(out) || rename(tmp, path))
		return sh_fail(j, "writing the result file", -errno);
	ret = sh_check_others(j, m);
	close(m);
	close(s);
	close(log);
	return ret;
}

/* "PROG --worker NODE STREAM COUNT INDEX NR UID GID": run one worker. */
static inline int sh_worker_main(int argc, char **argv)
{
	struct sh_job j;

	if (argc != 9)
		return 2;
	j.node = argv[2];
	j.stream = atoi(argv[3]);
	j.count = atoi(argv[4]);
	j.index = atoi(argv[5]);
	j.nr = atoi(argv[6]);
	j.uid = atoi(argv[7]);
	j.gid = atoi(argv[8]);
	return sh_worker(&j);
}

/* Start one worker program; its pid, or -errno. */
static inline pid_t sh_spawn(const struct sh_job *j)
{
	char a[7][24];
	char *argv[10];
	pid_t pid;

	snprintf(a[0], sizeof(a[0]), "%u", j->stream);
	snprintf(a[1], sizeof(a[1]), "%u", j->count);
	snprintf(a[2], sizeof(a[2]), "%u", j->index);
	snprintf(a[3], sizeof(a[3]), "%u", j->nr);
	snprintf(a[4], sizeof(a[4]), "%u", j->uid);
	snprintf(a[5], sizeof(a[5]), "%u", j->gid);
	argv[0] = "/proc/self/exe";
	argv[1] = "--worker";
	argv[2] = (char *)j->node;
	argv[3] = a[0];
	argv[4] = a[1];
	argv[5] = a[2];
	argv[6] = a[3];
	argv[7] = a[4];
	argv[8] = a[5];
	argv[9] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		/* A test that times out must not leave its clients behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	return pid;
}

/* A clean result directory, without the start file. */
static inline int sh_reset_dir(void)
{
	char path[64];
	unsigned int i;

	mkdir(SH_DIR, 0777);
	chmod(SH_DIR, 0777);
	unlink(SH_GO);
	for (i = 0; i < SH_MAX_WORKERS; i++) {
		sh_result_path(path, sizeof(path), i);
		unlink(path);
	}
	return access(SH_DIR, W_OK) ? -errno : 0;
}

static inline int sh_go(void)
{
	int fd = open(SH_GO, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Wait for every pid; the number of workers that failed. */
static inline int sh_wait_all(const pid_t *pids, unsigned int nr)
{
	int status, failed = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	return failed;
}

#endif /* _CLFS_SHARED_WORKERS_H */
