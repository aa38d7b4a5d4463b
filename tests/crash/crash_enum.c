// SPDX-License-Identifier: GPL-2.0
/*
 * Every crash state of a recorded workload, checked.
 *
 * The workload ran on a dm-log-writes device whose log is --log. For each
 * crash state lw_enumerate() gives (lw.h states the bound), the state is
 * written to --target, under the device-mapper device --target-dm, and:
 *   1. clfsctl's offline check reads it (its code, in this process);
 *   2. the module opens it (recovery), every stream is read and checked
 *      against the journal (check.h), and the log is closed;
 *   3. the target is read back, so that what the recovery wrote is undone
 *      by the next state's rebuild.
 * For every --recrash-every'th state, --target-dm is a dm-log-writes
 * device (its log on --rep-log) while the module recovers it, and the
 * device is then crashed again during that recovery: at up to
 * RECRASH_POINTS of its flushes, FUA writes and marks, with only what it
 * had made durable, and checked once more, also that nothing the first
 * recovery dropped comes back.
 * Prints KTAP: the counts as diagnostics, one case per kind of check.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/clfs.h>
#include <linux/fs.h>
#include "check.h"
#include "dm.h"
#include "journal.h"
#include "lw.h"

#define MAX_REPORTED	10
#define RECRASH_POINTS	3

static const char usage[] =
	"usage: crash_enum --log DEV --journal FILE --target DEV --target-dm NAME\n"
	"                  --rep-log DEV [options]\n"
	"\n"
	"Check every crash state of a workload recorded by dm-log-writes\n"
	"(docs/crash.md says how). Prints KTAP.\n"
	"\n"
	"  --min-states N       fail unless at least N states were checked; if the\n"
	"                       bound gives fewer, widen it (docs/crash.md)\n"
	"  --max-states N       stop after N states (default: all)\n"
	"  --part K/N           only the K-th of N equal ranges of crash points\n"
	"                       (1-based): N enumerations can share the work\n"
	"  --recrash-every K    crash every K-th state's recovery again (default 8,\n"
	"                       0: never)\n"
	"  --seed N             the random subsets (default 1)\n";

struct run {
	struct lw_log log;
	struct journal j;
	bool *done;
	struct lw_replayer *rep;
	const char *target, *target_dm, *rep_log;
	char dm_path[128];
	int target_fd;
	uint64_t dev_bytes;
	unsigned long max_states, recrash_every;
	unsigned long states, recrash_states, violations, offline_ok, records;
	unsigned long recovery_writes, recrash_points, recrash_stride;
	const struct lw_state *outer;		/* during a recrash */
	struct check_result *first;
	const struct lw_log *rlog;
	uint64_t seed;
	double t_apply, t_dm, t_offline, t_check, t_replog;	/* seconds spent */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* TIMED(r->t_x, call): the call, its time added to r->t_x. */
#define TIMED(acc, call) ({ double t0_ = now(); __typeof__(call) v_ = (call);	\
			    (acc) += now() - t0_; v_; })

static int flush_bdev(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, BLKFLSBUF, 0))
		ret = -errno;
	close(fd);
	return ret;
}

static void report(struct run *r, const char *state, const char *why)
{
	r->violations++;
	if (r->violations <= MAX_REPORTED)
		printf("# VIOLATION at state %s: %s\n", state, why);
	fflush(stdout);
}

/* Record the target's writes into @log_dev from now on (a fresh log). */
static int record_on(struct run *r, const char *log_dev)
{
	char params[128];
	int ret;

	snprintf(params, sizeof(params), "%s %s", r->target, log_dev);
	ret = dm_reload(r->target_dm, r->dev_bytes / 512, "log-writes", params);
	if (!ret)
		ret = flush_bdev(r->dm_path);
	return ret;
}

/* Stop recording: the log on @log_dev is finished; open it in @out. */
static int record_off(struct run *r, const char *log_dev, struct lw_log *out)
{
	char params[128];
	int ret;

	snprintf(params, sizeof(params), "%s 0", r->target);
	ret = dm_reload(r->target_dm, r->dev_bytes / 512, "linear", params);
	if (!ret)
		ret = flush_bdev(log_dev);
	if (!ret)
		ret = lw_log_open(out, log_dev);
	if (ret)
		return ret;
	return 0;
}

/* Undo, at the next rebuild, whatever the check wrote to the target. */
static int resync(struct run *r)
{
	long n = lw_replayer_resync(r->rep);

	if (n < 0)
		return n;
	r->recovery_writes += n;
	return 0;
}

static void set_done(struct run *r, size_t point)
{
	for (size_t i = 0; i < r->j.nr; i++)
		r->done[i] = r->j.ops[i].mark != JOURNAL_NO_MARK && r->j.ops[i].mark < point;
}

/* Write @st of the recovery log @rl straight onto the target. */
static int overlay(struct run *r, const struct lw_log *rl, const struct lw_state *st)
{
	static unsigned char *buf;
	static size_t cap;
	size_t a = 0;

	for (size_t i = 0; i < st->point; i++) {
		const struct lw_entry *e = &rl->entries[i];
		bool applied = false;
		uint64_t bytes = e->nr_sectors * 512;

		while (a < st->nr_applied && st->applied[a] < i)
			a++;
		applied = a < st->nr_applied && st->applied[a] == i;
		if (!e->nr_sectors || !(i < st->durable_end || (e->flags & LW_FUA) || applied))
			continue;
		if (bytes > cap) {
			free(buf);
			cap = bytes;
			if (posix_memalign((void **)&buf, 4096, cap))
				return -ENOMEM;
		}
		if (e->flags & LW_DISCARD)
			memset(buf, 0, bytes);
		else if (e->data_len != bytes || lw_entry_read(rl, i, buf))
			return -EIO;
		if (pwrite(r->target_fd, buf, bytes, e->sector * 512) != (ssize_t)bytes)
			return -errno;
		lw_replayer_forget(r->rep, e->sector, e->nr_sectors);
	}
	return fdatasync(r->target_fd) ? -errno : 0;
}

static int recrash_state(const struct lw_log *rl, const struct lw_state *st, void *arg)
{
	struct run *r = arg;
	struct check_result res;
	char why[512], name[256];
	int ret;

	/* Only what the recovery's writes had made durable at each point. */
	if (st->nr_applied || st->torn != SIZE_MAX)
		return 0;
	if (r->recrash_points++ % r->recrash_stride)
		return 0;
	ret = lw_replayer_apply(r->rep, r->outer);
	if (!ret)
		ret = overlay(r, rl, st);
	if (!ret)
		ret = flush_bdev(r->dm_path);
	if (ret)
		return ret;
	snprintf(name, sizeof(name), "%s/recovery:%s", r->outer->name, st->name);
	ret = check_offline(r->dm_path, true, why, sizeof(why));
	if (ret == 1)
		report(r, name, why);
	else if (ret == 0)
		r->offline_ok++;
	if (ret >= 0) {
		ret = check_log(r->dm_path, &r->j, r->done, r->first, &res, why, sizeof(why));
		if (ret == 1)
			report(r, name, why);
		check_result_free(&res);
	}
	r->recrash_states++;
	if (ret < 0)
		return ret;
	return resync(r);
}

/* The recovery's crash points: flushes, FUA writes, marks, and the end. */
static size_t crash_points(const struct lw_log *rl)
{
	size_t n = 1;

	for (size_t i = 0; i < rl->nr_entries; i++)
		n += !!(rl->entries[i].flags & (LW_FLUSH | LW_FUA | LW_MARK));
	return n;
}

/* How far the LSNs went: past the log's containers means they recycled. */
static unsigned long long highest_container(const struct journal *j)
{
	uint64_t top = 0;

	for (size_t i = 0; i < j->nr; i++)
		if (j->ops[i].lsn > top)
			top = j->ops[i].lsn;
	return top >> CLFS_LSN_CONTAINER_SHIFT;
}

static int count_state(const struct lw_log *log, const struct lw_state *st, void *arg)
{
	(void)log;
	(void)st;
	++*(unsigned long *)arg;
	return 0;
}

/*
 * How many states lw_enumerate() gives over [first, end) is the workload's:
 * its threads' timing decides how many volatile writes each point has. If
 * that is fewer than @min, the bound widens until it is not: more random
 * subsets at each point (doubling up to RANDOM_SUBSETS_MAX), then every
 * subset of ever more volatile writes (up to ALL_SUBSETS_MAX).
 */
#define RANDOM_SUBSETS_MAX	64
#define ALL_SUBSETS_MAX		8

static unsigned long widen_bounds(const struct lw_log *log, size_t first, size_t end,
				  struct lw_bounds *b, unsigned long min)
{
	unsigned long n;

	for (;;) {
		n = 0;
		if (lw_enumerate(log, first, end, b, count_state, &n) < 0)
			return 0;
		if (n >= min)
			return n;
		if (b->random_subsets < RANDOM_SUBSETS_MAX)
			b->random_subsets *= 2;
		else if (b->all_subsets_max < ALL_SUBSETS_MAX)
			b->all_subsets_max++;
		else
			return n;
	}
}

static int check_state(const struct lw_log *log, const struct lw_state *st, void *arg)
{
	struct lw_bounds rb = { .all_subsets_max = 0, .random_subsets = 0, .torn_points = 0 };
	bool recrash;
	struct run *r = arg;
	struct check_result res;
	struct lw_log rl;
	char why[512];
	bool created;
	int ret, verdict;

	(void)log;
	if (r->max_states && r->states >= r->max_states)
		return 1;
	set_done(r, st->point);
	created = r->j.nr && r->done[0];
	recrash = r->recrash_every && (r->states + 1) % r->recrash_every == 0;
	ret = TIMED(r->t_apply, lw_replayer_apply(r->rep, st));
	if (!ret && recrash)
		ret = TIMED(r->t_dm, record_on(r, r->rep_log));
	if (!ret)
		ret = flush_bdev(r->dm_path);
	if (ret)
		return ret;
	ret = TIMED(r->t_offline, check_offline(r->dm_path, created, why, sizeof(why)));
	if (ret < 0)
		return ret;
	if (ret == 1)
		report(r, st->name, why);
	else
		r->offline_ok++;
	verdict = TIMED(r->t_check, check_log(r->dm_path, &r->j, r->done, NULL, &res, why,
					      sizeof(why)));
	if (verdict < 0)
		return verdict;
	if (verdict == 1)
		report(r, st->name, why);
	r->records += res.records;
	r->states++;
	ret = TIMED(r->t_replog, resync(r));
	if (!ret && recrash) {
		ret = TIMED(r->t_dm, record_off(r, r->rep_log, &rl));
		if (!ret && !verdict && res.opened) {
			size_t n = crash_points(&rl);

			r->outer = st;
			r->first = &res;
			r->recrash_points = 0;
			r->recrash_stride = n > RECRASH_POINTS ? (n + RECRASH_POINTS - 1) /
				RECRASH_POINTS : 1;
			ret = lw_enumerate(&rl, 0, rl.nr_entries, &rb, recrash_state, r);
			r->outer = NULL;
		}
		if (!ret)
			lw_log_close(&rl);
	}
	check_result_free(&res);
	if (r->violations > 100)
		return 1;
	return ret;
}

static int map_marks(struct run *r)
{
	unsigned long long op;
	struct jop *o;
	size_t marked = 0;

	for (size_t i = 0; i < r->log.nr_entries; i++) {
		const char *m = r->log.entries[i].mark;

		if (!m || sscanf(m, "op%llu", &op) != 1)
			continue;
		o = journal_find(&r->j, op);
		if (!o || o->mark != JOURNAL_NO_MARK)
			return -EINVAL;
		o->mark = i;
		marked++;
	}
	return marked == r->j.nr ? 0 : -ENOENT;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "journal", required_argument, NULL, 'j' },
		{ "target", required_argument, NULL, 't' },
		{ "target-dm", required_argument, NULL, 'T' },
		{ "rep-log", required_argument, NULL, 'r' },
		{ "min-states", required_argument, NULL, 'n' },
		{ "max-states", required_argument, NULL, 'N' },
		{ "recrash-every", required_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, 's' },
		{ "part", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { .recrash_every = 8, .seed = 1 };
	struct lw_bounds b = { .all_subsets_max = 4, .random_subsets = 4, .torn_points = 3 };
	const char *log_path = NULL, *journal = NULL;
	unsigned long min_states = 0, part = 1, parts = 1, nr_states;
	size_t first, end;
	size_t bad_line;
	time_t t0 = time(NULL);
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			log_path = optarg;
			break;
		case 'j':
			journal = optarg;
			break;
		case 't':
			r.target = optarg;
			break;
		case 'T':
			r.target_dm = optarg;
			break;
		case 'r':
			r.rep_log = optarg;
			break;
		case 'n':
			min_states = strtoul(optarg, NULL, 0);
			break;
		case 'N':
			r.max_states = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			r.recrash_every = strtoul(optarg, NULL, 0);
			break;
		case 's':
			r.seed = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			if (sscanf(optarg, "%lu/%lu", &part, &parts) != 2 || !part ||
			    part > parts) {
				fputs(usage, stderr);
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!log_path || !journal || !r.target || !r.target_dm || !r.rep_log ||
	    optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	b.seed = r.seed;
	snprintf(r.dm_path, sizeof(r.dm_path), "/dev/mapper/%s", r.target_dm);
	printf("KTAP version 1\n1..3\n");
	ret = lw_log_open(&r.log, log_path);
	if (ret) {
		printf("# %s: not a dm-log-writes log: %s\n", log_path, strerror(-ret));
		goto fail;
	}
	ret = journal_load(&r.j, journal, &bad_line);
	if (ret) {
		printf("# %s: bad journal (line %zu): %s\n", journal, bad_line, strerror(-ret));
		goto fail;
	}
	ret = map_marks(&r);
	if (ret) {
		printf("# the log's marks do not match the journal's %zu ops: %s\n", r.j.nr,
		       strerror(-ret));
		goto fail;
	}
	r.done = calloc(r.j.nr + 1, sizeof(*r.done));
	r.target_fd = open(r.target, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (!r.done || r.target_fd < 0 || ioctl(r.target_fd, BLKGETSIZE64, &r.dev_bytes)) {
		printf("# %s: %s\n", r.target, strerror(errno));
		goto fail;
	}
	ret = lw_replayer_init(&r.rep, &r.log, r.target_fd, r.dev_bytes, 4096);
	if (!ret) {
		lw_replayer_forget(r.rep, 0, r.dev_bytes / 512);
		first = r.log.nr_entries * (part - 1) / parts;
		end = part == parts ? r.log.nr_entries : r.log.nr_entries * part / parts - 1;
		printf("# crash points from entry %zu to %zu (part %lu of %lu)\n", first, end,
		       part, parts);
		nr_states = widen_bounds(&r.log, first, end, &b, min_states);
		printf("# crash states to check: %lu; the bound: every subset of up to %u volatile writes, else %u random ones\n",
		       nr_states, b.all_subsets_max, b.random_subsets);
		ret = lw_enumerate(&r.log, first, end, &b, check_state, &r);
	}
	if (ret < 0) {
		printf("# the enumeration stopped: %s\n", strerror(-ret));
		goto fail;
	}
	printf("# recorded: %llu log entries, %zu acknowledged operations, LSNs up to container %llu\n",
	       (unsigned long long)r.log.nr_entries, r.j.nr, highest_container(&r.j));
	printf("# crash states checked: %lu (%lu records read back), of their recovery: %lu\n",
	       r.states, r.records, r.recrash_states);
	printf("# offline checks passed: %lu; blocks the checks wrote, restored: %lu; %lu MiB replayed\n",
	       r.offline_ok, r.recovery_writes,
	       (unsigned long)(lw_replayer_bytes_written(r.rep) >> 20));
	printf("# violations: %lu; %lds\n", r.violations, (long)(time(NULL) - t0));
	printf("# seconds per crash state: rebuild %.3f, dm reloads %.3f, offline check %.3f, module check %.3f, read back %.3f\n",
	       r.t_apply / r.states,
	       r.t_dm / r.states, r.t_offline / r.states, r.t_check / r.states,
	       r.t_replog / r.states);
	printf("%s 1 crash_states_at_least_%lu\n", r.states >= min_states ? "ok" : "not ok",
	       min_states);
	printf("%s 2 every_crash_state_keeps_what_was_acknowledged\n",
	       r.violations ? "not ok" : "ok");
	printf("%s 3 crash_during_recovery_states_checked\n",
	       !r.recrash_every || r.recrash_states ? "ok" : "not ok");
	return r.violations || r.states < min_states;
fail:
	printf("not ok 1 crash_states_at_least_%lu\nnot ok 2 every_crash_state_keeps_what_was_acknowledged\n"
	       "not ok 3 crash_during_recovery_states_checked\n", min_states);
	return 1;
}
