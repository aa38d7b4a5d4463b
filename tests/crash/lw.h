/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a dm-log-writes log (Documentation/admin-guide/device-mapper/
 * log-writes.rst) and the crash states it allows.
 *
 * dm-log-writes logs a write when it completes, but a plain write only
 * when the next flush is issued after it: its entry then comes just
 * before that flush's entry. A FUA write and a flush are logged when they
 * complete, a mark when it is sent. So with L the last flush before a
 * point p (entries [0, p) happened):
 *  - every write before L is durable;
 *  - L's own data, if any, is durable only with FUA;
 *  - every write in [L, p) with FUA is durable;
 *  - every other write in [L, p) is volatile: any subset of them may
 *    have reached the media, and any of them may be torn at 512-byte
 *    sectors. Discards count as writes of zeroes.
 *
 * The bound (as CrashMonkey bounds its crash states): lw_enumerate()
 * visits the points p just after every flush, FUA write and mark, just
 * before every flush that has volatile writes before it (a crash while
 * the flush was in flight), and the end of the log. At each point, with
 * v volatile writes:
 *  - all of them applied (the device as the log has it), and none;
 *  - v <= all_subsets_max: every other subset;
 *  - else: each one dropped, each proper prefix in log order, and
 *    random_subsets seeded random subsets (no duplicates);
 *  - the last volatile write torn, the others applied: its first t or
 *    its last t sectors only, for up to torn_points values of t.
 */
#ifndef CLFS_CRASH_LW_H
#define CLFS_CRASH_LW_H

#include <stddef.h>
#include <stdint.h>

#define LW_FLUSH	1u
#define LW_FUA		2u
#define LW_DISCARD	4u
#define LW_MARK		8u
#define LW_METADATA	16u

struct lw_entry {
	uint64_t sector;	/* first 512-byte sector written */
	uint64_t nr_sectors;	/* 512-byte sectors written (0: a flush or mark) */
	uint64_t flags;		/* LW_* */
	uint64_t data_len;	/* bytes of data in the log (a mark: its name) */
	uint64_t data_pos;	/* byte offset of that data in the log */
	char *mark;		/* a mark's name, else NULL */
};

struct lw_log {
	int fd;
	uint32_t sectorsize;
	uint64_t nr_entries;
	struct lw_entry *entries;
};

/* lw_log_open() - index a log (file or device). 0, -EUCLEAN if malformed, -errno. */
int lw_log_open(struct lw_log *log, const char *path);
void lw_log_close(struct lw_log *log);
/* lw_mark_index() - the first mark named @name at or after @from, or -1 */
long lw_mark_index(const struct lw_log *log, const char *name, size_t from);
/* lw_entry_read() - entry @i's data_len bytes of data into @buf */
int lw_entry_read(const struct lw_log *log, size_t i, void *buf);

struct lw_bounds {
	unsigned int all_subsets_max;
	unsigned int random_subsets;
	unsigned int torn_points;
	uint64_t seed;
};

struct lw_state {
	size_t point;		/* entries [0, point) happened */
	size_t durable_end;	/* L: the writes before it are durable */
	size_t nr_applied;	/* volatile writes that reached the media */
	const size_t *applied;	/* their entry indices, ascending */
	size_t torn;		/* a torn volatile write, or SIZE_MAX */
	uint64_t torn_sectors;	/* of its sectors, how many reached the media */
	int torn_tail;		/* 1: its last torn_sectors did, else its first */
	char name[96];		/* e.g. "p123", "p123-none", "p123+s5", "p123+t118:3" */
};

typedef int (*lw_state_fn)(const struct lw_log *log, const struct lw_state *st, void *arg);

/*
 * lw_enumerate() - call @fn for every crash state (above) with a point in
 * [@first, @end], in increasing point order. A non-zero return of @fn
 * stops it and is returned; else 0 or -errno.
 */
int lw_enumerate(const struct lw_log *log, size_t first, size_t end,
		 const struct lw_bounds *b, lw_state_fn fn, void *arg);

struct lw_replayer;

/*
 * lw_replayer_init() - make @target_fd (a device or file of @dev_bytes,
 * possibly O_DIRECT) hold crash states of @log, writing @block_bytes
 * blocks. The target is taken to hold zeroes.
 */
int lw_replayer_init(struct lw_replayer **r, const struct lw_log *log, int target_fd,
		     uint64_t dev_bytes, uint32_t block_bytes);
/* lw_replayer_apply() - the target holds @st afterwards (only what differs is written) */
int lw_replayer_apply(struct lw_replayer *r, const struct lw_state *st);
/* lw_replayer_forget() - 512-byte sectors the target changed behind the replayer's back */
void lw_replayer_forget(struct lw_replayer *r, uint64_t sector, uint64_t nr);
/*
 * lw_replayer_resync() - read the whole target back: whatever changed
 * behind the replayer's back is rewritten by the next apply. Returns the
 * number of blocks that had changed, or -errno.
 */
long lw_replayer_resync(struct lw_replayer *r);
uint64_t lw_replayer_bytes_written(const struct lw_replayer *r);
void lw_replayer_free(struct lw_replayer *r);

#endif
