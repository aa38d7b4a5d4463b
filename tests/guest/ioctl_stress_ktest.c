// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: a randomized stress of the /dev/clfs ioctls, in the debug
 * kernel (KASAN, lockdep).
 *
 * The parent formats a multiplexed log on the disk, opens it and three
 * streams, each with a marshalling area, then forks NR_WORKERS workers
 * that inherit those descriptors and loop over random valid and invalid
 * calls, each driven by its own seeded PRNG (the seeds are logged; set
 * CLFS_STRESS_SEED to replay a run's first seed). The parent SIGKILLs
 * workers at random moments, most of them in the middle of an ioctl, and
 * respawns them, for STRESS_MS.
 *
 * Any errno is fine for an invalid call, except the signs of kernel
 * trouble (-EIO, -EUCLEAN, -EROFS: the log shut down or found its own
 * blocks corrupt). Valid calls must not fail with -EFAULT, -EBADF or
 * -ENOTTY either, records read back must hold what was appended, a
 * worker must die of SIGKILL alone and within seconds, and enough calls
 * must succeed that the test cannot pass vacuously.
 *
 * The log is shared: workers also open it again by path, attach and
 * detach it under one name, list the attached logs and open the node,
 * racing each other.
 *
 * At the end every descriptor is closed, the log must open again and each
 * stream read forward from its first_lsn (its base) to its last record,
 * and clfs.ko must unload (nothing leaked a reference); it is loaded again
 * for the programs that follow.
 * KASAN, lockdep and WARN reports are caught by the harness from the
 * kernel log.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/clfs.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "ktest_modules.h"

#define NR_WORKERS	6
#define NR_MAIN		3
#define STRESS_MS	20000
#define REAP_MS		10000
#define CONT_BYTES	(4 * 1024 * 1024ULL)
#define MAX_BLOCK	(1024 * 1024)
#define DATA_BYTES	(2 * MAX_BLOCK + 8192)
#define NR_SLOTS	48
#define RING		32
#define NR_TROUBLE	8
#define VMAGIC		0xc1f5da7aU
#define KERNEL_ADDR	0xffff888000000000UL
#define MIN_APPENDS	100
#define MIN_READS	20
#define STRESS_NAME	"stress"
#define STRESS_NODE	"/dev/" CLFS_LOG_DIR "/" STRESS_NAME

/* ---- what the workers share with the parent ---------------------------- */

enum { C_APPEND, C_APPEND_FAIL, C_READ, C_READ_NEXT, C_FLUSH, C_RESTART,
	C_BASE, C_EOL, C_RESERVE, C_OPEN, C_MARSHAL, C_CLOSE, C_INVALID,
	C_GARBAGE, C_VERIFIED, C_ENOSPC, C_ATTACH, C_DETACH, C_OPS,
	NR_COUNTERS };

static const char *const counter_names[NR_COUNTERS] = {
	"appends", "appends_failed", "reads", "read_next", "flushes",
	"restart_writes", "base_moves", "end_of_log", "reservations",
	"opens", "marshal_areas", "closes", "invalid_calls", "garbage_calls",
	"records_verified", "enospc", "attaches", "detaches", "ops",
};

struct shared {
	__u64 count[NR_COUNTERS];
	__u32 trouble;
	char msg[NR_TROUBLE][300];
	/* What each worker was doing, for a report on a hang. */
	__u32 op[NR_WORKERS];
	__u32 seed[NR_WORKERS];
};

static struct shared *sh;

static void count(int c)
{
	__atomic_add_fetch(&sh->count[c], 1, __ATOMIC_RELAXED);
}

static void trouble(int worker, __u32 seed, const char *fmt, ...)
{
	__u32 i = __atomic_fetch_add(&sh->trouble, 1, __ATOMIC_RELAXED);
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "# worker %d seed %#x: %s\n", worker, seed, line);
	if (i < NR_TROUBLE)
		snprintf(sh->msg[i], sizeof(sh->msg[i]), "worker %d seed %#x: %s",
			 worker, seed, line);
}

/* ---- record contents: verifiable when read back ------------------------ */

static __u8 pat(__u32 tag, __u32 i)
{
	return (__u8)(tag + i * 13 + (i >> 8));
}

/* A record of @len bytes; from 12 bytes on it carries a checkable pattern. */
static void fill_record(__u8 *buf, __u32 len, __u32 tag)
{
	__u32 i, v[3] = { VMAGIC, tag, len };

	if (len < sizeof(v)) {
		memset(buf, 0x6b, len);
		return;
	}
	memcpy(buf, v, sizeof(v));
	for (i = sizeof(v); i < len; i++)
		buf[i] = pat(tag, i);
}

/*
 * Make a filled record uncheckable (its bytes will not be the pattern:
 * padded, or taken from a bad pointer). Setting rather than flipping, so
 * that doing it twice still does it.
 */
static void spoil_record(__u8 *buf)
{
	buf[0] = (__u8)~VMAGIC;
}

/* 0 unless @buf holds a record fill_record() made, damaged. */
static int check_record(const __u8 *buf, __u32 copied, __u32 data_bytes)
{
	__u32 i, v[3];

	if (copied > data_bytes)
		copied = data_bytes;
	if (copied < sizeof(v))
		return 0;
	memcpy(v, buf, sizeof(v));
	if (v[0] != VMAGIC)
		return 0;
	if (v[2] != data_bytes)
		return -1;
	for (i = sizeof(v); i < copied; i++)
		if (buf[i] != pat(v[1], i))
			return -1;
	return 1;
}

/* ---- one worker --------------------------------------------------------- */

enum { K_NONE, K_CTL, K_LOG, K_STREAM, K_MARSHAL, K_CTX };

struct slot {
	int fd;
	int kind;
	__u32 sid;
	__u32 block;
};

struct worker {
	int id;
	__u32 seed;
	__u64 rng;
	const char *path;
	__u32 main_sid[NR_MAIN];
	struct slot s[NR_SLOTS];
	__u64 lsn[CLFS_MAX_STREAM_ID + 1][RING];
	__u32 nr_lsn[CLFS_MAX_STREAM_ID + 1];
	__u32 tag;
	__u8 *data;	/* DATA_BYTES to append from */
	__u8 *rbuf;	/* DATA_BYTES to read into */
	void *bad[6];	/* pointers no call may use */
	struct clfs_ioc_entry e[CLFS_APPEND_MAX_ENTRIES + 2];
	union {
		__u8 raw[512];
		__u64 q[64];
	} junk;
};

static __u64 rnd(struct worker *w)
{
	/* xorshift64* */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dULL;
}

static __u32 rn(struct worker *w, __u32 n)
{
	return n ? (__u32)(rnd(w) >> 16) % n : 0;
}

static bool chance(struct worker *w, __u32 pct)
{
	return rn(w, 100) < pct;
}

static void *bad_ptr(struct worker *w)
{
	return w->bad[rn(w, ARRAY_SIZE(w->bad))];
}

/* Errnos that say the kernel, not the caller, is in trouble. */
static bool kernel_trouble(int err)
{
	return err == EIO || err == EUCLEAN || err == EROFS;
}

/* Errnos a call made with valid arguments on valid descriptors never gets. */
static bool valid_trouble(int err)
{
	return kernel_trouble(err) || err == EFAULT || err == EBADF ||
	       err == ENOTTY;
}

#define W_TROUBLE(w, ...) trouble((w)->id, (w)->seed, __VA_ARGS__)

/* Judge one call: @valid says its arguments and descriptor were sound. */
static int judge(struct worker *w, int ret, bool valid, const char *what)
{
	int err = ret < 0 ? errno : 0;

	if (!valid)
		count(C_INVALID);
	if (ret >= 0)
		return ret;
	if (err == ENOSPC)
		count(C_ENOSPC);
	if (valid ? valid_trouble(err) : kernel_trouble(err))
		W_TROUBLE(w, "%s %s: errno %d (%s)", valid ? "valid" : "invalid",
			  what, err, strerror(err));
	return ret;
}

static int find_slot(struct worker *w, int kind)
{
	int i, n = 0, pick = -1;

	for (i = 0; i < NR_SLOTS; i++) {
		if (w->s[i].kind != kind)
			continue;
		/* Reservoir sampling: a uniform pick. */
		if (rn(w, ++n) == 0)
			pick = i;
	}
	return pick;
}

static int any_slot(struct worker *w)
{
	int i, n = 0, pick = -1;

	for (i = 0; i < NR_SLOTS; i++)
		if (w->s[i].kind != K_NONE && rn(w, ++n) == 0)
			pick = i;
	return pick;
}

static void close_slot(struct worker *w, int i)
{
	close(w->s[i].fd);
	w->s[i].kind = K_NONE;
	w->s[i].fd = -1;
	count(C_CLOSE);
}

static void add_slot(struct worker *w, int fd, int kind, __u32 sid,
		     __u32 block)
{
	int i;

	if (fd < 0)
		return;
	for (i = 0; i < NR_SLOTS; i++)
		if (w->s[i].kind == K_NONE)
			break;
	if (i == NR_SLOTS) {
		/* Full: drop a random one, maybe the new one. */
		i = rn(w, NR_SLOTS + 1);
		if (i == NR_SLOTS) {
			close(fd);
			return;
		}
		close_slot(w, i);
	}
	w->s[i] = (struct slot){ .fd = fd, .kind = kind, .sid = sid,
				 .block = block };
}

static void keep_lsn(struct worker *w, __u32 sid, __u64 lsn)
{
	if (sid > CLFS_MAX_STREAM_ID || !clfs_lsn_is_valid(lsn))
		return;
	w->lsn[sid][w->nr_lsn[sid]++ % RING] = lsn;
}

/* An LSN this worker got back for @sid, or CLFS_LSN_NULL. */
static __u64 known_lsn(struct worker *w, __u32 sid)
{
	__u32 n;

	if (sid > CLFS_MAX_STREAM_ID || !w->nr_lsn[sid])
		return CLFS_LSN_NULL;
	n = w->nr_lsn[sid] < RING ? w->nr_lsn[sid] : RING;
	return w->lsn[sid][rn(w, n)];
}

static __u64 random_lsn(struct worker *w, __u32 sid)
{
	__u64 l = known_lsn(w, sid);

	switch (rn(w, 10)) {
	case 0:
		return CLFS_LSN_NULL;
	case 1:
		return CLFS_LSN_INVALID + rn(w, 3);
	case 2:
		return rnd(w);
	case 3:
		return clfs_lsn_make(rn(w, 4), rn(w, 1 << 22), rn(w, 512));
	case 4:
		return l + 1;
	case 5:
		return l ? l - 1 : ~0ULL;
	case 6:
		return clfs_lsn_block(l) + 512 * (1 + rn(w, 64));
	case 7:
		return clfs_lsn_make(clfs_lsn_container(l) + 1, 0, 0);
	default:
		return l;
	}
}

static bool is_main(struct worker *w, __u32 sid)
{
	int i;

	for (i = 0; i < NR_MAIN; i++)
		if (w->main_sid[i] == sid)
			return true;
	return false;
}

/* Read-record buffers: sane, short, empty, huge or bad. */
static void rec_buf(struct worker *w, struct clfs_ioc_record *r, bool *valid)
{
	static const __u32 sizes[] = { 0, 1, 11, 16, 100, 4096, 65536,
				       DATA_BYTES / 2, DATA_BYTES };

	memset(r, 0, sizeof(*r));
	r->buf = PTR(w->rbuf);
	r->buf_bytes = sizes[rn(w, ARRAY_SIZE(sizes))];
	if (chance(w, 5)) {
		r->buf = PTR(bad_ptr(w));
		*valid = false;
	} else if (chance(w, 2)) {
		r->reserved[rn(w, 2)] = rnd(w) | 1;
		*valid = false;
	}
}

static void check_read(struct worker *w, const struct clfs_ioc_record *r,
		       const char *what)
{
	int ok;

	if (r->buf != PTR(w->rbuf))
		return;
	ok = check_record(w->rbuf, r->buf_bytes, r->data_bytes);
	if (ok < 0) {
		__u32 v[3], i, n = r->buf_bytes < r->data_bytes ?
				  r->buf_bytes : r->data_bytes;

		memcpy(v, w->rbuf, sizeof(v));
		for (i = sizeof(v); i < n && w->rbuf[i] == pat(v[1], i); i++)
			;
		W_TROUBLE(w, "%s: record %#llx (%u bytes, type %u) does not hold what was appended: tag %#x len %u, byte %u is %#x",
			  what, (unsigned long long)r->lsn, r->data_bytes,
			  r->type, v[1], v[2], i, i < n ? w->rbuf[i] : 0);
	} else if (ok > 0) {
		count(C_VERIFIED);
	}
	if (r->type != CLFS_RECORD_DATA && r->type != CLFS_RECORD_RESTART)
		W_TROUBLE(w, "%s: record %#llx has type %u", what,
			  (unsigned long long)r->lsn, r->type);
}

static void op_append(struct worker *w)
{
	struct clfs_ioc_append a = { 0 };
	__s64 res[CLFS_RESERVE_MAX + 1];
	__u32 len, max, off, i, n;
	bool valid = true;
	int si = find_slot(w, K_MARSHAL), ret;

	if (si < 0)
		return;
	max = w->s[si].block <= 4096 ? w->s[si].block / 4 : w->s[si].block / 2;
	switch (rn(w, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		len = rn(w, 257);
		break;
	case 6: case 7: case 8:
		len = rn(w, 4097);
		break;
	default:
		len = rn(w, max + 1);
		break;
	}
	if (len > max)
		len = max;
	fill_record(w->data, len, ++w->tag);
	n = 1 + (chance(w, 30) ? rn(w, 8) : 0);
	if (chance(w, 3))
		n = CLFS_APPEND_MAX_ENTRIES;
	memset(w->e, 0, sizeof(w->e));
	for (i = 0, off = 0; i < n; i++) {
		__u32 b = i == n - 1 ? len - off : rn(w, len - off + 1);

		w->e[i].buf = PTR(w->data + off);
		w->e[i].bytes = b;
		off += b;
	}
	a.entries = PTR(w->e);
	a.nr_entries = n;
	a.type = chance(w, 5) ? CLFS_RECORD_RESTART : CLFS_RECORD_DATA;
	if (chance(w, 10))
		a.flags |= CLFS_APPEND_FORCE_FLUSH;
	if (chance(w, 10))
		a.flags |= CLFS_APPEND_FORCE_APPEND;
	a.prev_lsn = chance(w, 70) ? known_lsn(w, w->s[si].sid) : rnd(w);
	a.undo_next_lsn = chance(w, 50) ? CLFS_LSN_INVALID : known_lsn(w, w->s[si].sid);
	if (chance(w, 10)) {
		/* Padded entries: no longer the pattern fill_record() made. */
		a.entry_align = 1U << rn(w, 13);
		if (n > 1 && a.entry_align > 1 && len >= 4)
			spoil_record(w->data);
	}
	if (chance(w, 5)) {
		a.nr_reserve = 1 + rn(w, 3);
		for (i = 0; i < a.nr_reserve; i++)
			res[i] = 1 + rn(w, 2048);
		a.reserve = PTR(res);
	}
	if (chance(w, 20)) {
		/*
		 * Some "bad" pointers are readable (the read-only page, the
		 * edge of the unmapped one): should such a call succeed, its
		 * record is not the pattern, so it must not look like one.
		 */
		valid = false;
		spoil_record(w->data);
		switch (rn(w, 12)) {
		case 0:		/* larger than the block, or than any block */
			len = chance(w, 50) ? w->s[si].block + rn(w, 4096) :
					      MAX_BLOCK + 1 + rn(w, MAX_BLOCK);
			w->e[0].buf = PTR(w->data);
			w->e[0].bytes = len;
			a.nr_entries = 1;
			break;
		case 1:
			w->e[rn(w, n)].buf = PTR(bad_ptr(w));
			w->e[0].bytes |= 1;
			break;
		case 2:
			a.entries = PTR(bad_ptr(w));
			break;
		case 3:
			a.nr_entries = chance(w, 50) ? 0 : CLFS_APPEND_MAX_ENTRIES +
							   1 + rn(w, 1000);
			break;
		case 4:
			a.flags |= 1U << (3 + rn(w, 29));
			if (a.flags & CLFS_APPEND_RESERVE_ONLY)
				a.flags |= 1U << 9;
			break;
		case 5:
			a.type = chance(w, 50) ? 0 : 3 + rn(w, 100);
			break;
		case 6:
			a.reserved[rn(w, 4)] = rnd(w) | 1;
			break;
		case 7:
			a.entry_align = chance(w, 50) ? 3 : 8192;
			break;
		case 8:
			a.flags |= CLFS_APPEND_USE_RESERVATION;
			break;
		case 9:
			w->e[0].reserved0 = 1;
			w->e[0].bytes = 1 + rn(w, 100);
			break;
		case 10:
			/* Wrapping sizes. */
			w->e[0].bytes = 0xfffffff0;
			w->e[1].buf = PTR(w->data);
			w->e[1].bytes = 0x20 + rn(w, 64);
			a.nr_entries = 2;
			break;
		default:
			a.reserve = PTR(chance(w, 50) ? bad_ptr(w) : res);
			a.nr_reserve = chance(w, 50) ? 1 : CLFS_RESERVE_MAX + 1;
			res[0] = -(1 + (__s64)rn(w, 1 << 20));
			break;
		}
	}
	ret = judge(w, ioctl(w->s[si].fd, CLFS_IOC_APPEND, &a), valid, "append");
	if (ret == 0) {
		count(C_APPEND);
		keep_lsn(w, w->s[si].sid, a.lsn);
		if (!clfs_lsn_is_valid(a.lsn))
			W_TROUBLE(w, "append returned lsn %#llx",
				  (unsigned long long)a.lsn);
	} else if (valid) {
		count(C_APPEND_FAIL);
	}
}

static void op_read(struct worker *w)
{
	struct clfs_ioc_read r = { 0 };
	bool valid = true;
	int si = find_slot(w, K_MARSHAL), fd, i, n;

	if (si < 0)
		return;
	if (chance(w, 75)) {
		r.lsn = known_lsn(w, w->s[si].sid);
		valid = clfs_lsn_is_valid(r.lsn);
	} else {
		r.lsn = random_lsn(w, w->s[si].sid);
		valid = false;
	}
	r.mode = chance(w, 60) ? CLFS_READ_FORWARD : 1 + rn(w, 3);
	r.filter = chance(w, 80) ? CLFS_FILTER_ALL : rn(w, 8);
	if (r.filter != CLFS_FILTER_ALL)
		valid = false;
	if (chance(w, 3)) {
		r.mode = chance(w, 50) ? 0 : 4 + rn(w, 10);
		valid = false;
	}
	rec_buf(w, &r.rec, &valid);
	fd = judge(w, ioctl(w->s[si].fd, CLFS_IOC_READ_RECORD, &r), valid,
		   "read record");
	if (fd < 0)
		return;
	count(C_READ);
	check_read(w, &r.rec, "read record");
	n = rn(w, 6);
	for (i = 0; i < n; i++) {
		struct clfs_ioc_record rec;

		valid = true;
		rec_buf(w, &rec, &valid);
		if (judge(w, ioctl(fd, CLFS_IOC_READ_NEXT, &rec), valid,
			  "read next") < 0) {
			if (errno == ENODATA)
				break;
			continue;
		}
		count(C_READ_NEXT);
		check_read(w, &rec, "read next");
	}
	if (chance(w, 50))
		add_slot(w, fd, K_CTX, w->s[si].sid, 0);
	else
		close(fd);
}

static void op_ctx(struct worker *w)
{
	struct clfs_ioc_record rec;
	bool valid = true;
	bool cur = chance(w, 30);
	int si = find_slot(w, K_CTX);

	if (si < 0)
		return;
	rec_buf(w, &rec, &valid);
	if (judge(w, ioctl(w->s[si].fd, cur ? CLFS_IOC_READ_CURRENT :
			   CLFS_IOC_READ_NEXT, &rec), valid,
		  cur ? "read current" : "read next") < 0)
		return;
	count(C_READ_NEXT);
	check_read(w, &rec, cur ? "read current" : "read next");
}

static void op_flush(struct worker *w)
{
	struct clfs_ioc_flush f = { 0 };
	bool valid = true;
	int si = find_slot(w, K_MARSHAL);

	if (si < 0)
		return;
	switch (rn(w, 4)) {
	case 0:
		f.lsn = CLFS_LSN_NULL;
		break;
	case 1:
		f.lsn = random_lsn(w, w->s[si].sid);
		valid = false;
		break;
	default:
		f.lsn = known_lsn(w, w->s[si].sid);
		break;
	}
	if (chance(w, 5)) {
		f.reserved[rn(w, 2)] = 1;
		valid = false;
	}
	if (judge(w, ioctl(w->s[si].fd, CLFS_IOC_FLUSH, &f), valid, "flush") == 0)
		count(C_FLUSH);
}

static void op_restart(struct worker *w)
{
	struct clfs_ioc_restart r = { 0 };
	struct clfs_ioc_record rec;
	bool valid = true;
	int si = find_slot(w, K_MARSHAL), fd;

	if (si < 0)
		return;
	if (chance(w, 30)) {
		rec_buf(w, &rec, &valid);
		fd = judge(w, ioctl(w->s[si].fd, CLFS_IOC_RESTART_READ, &rec),
			   valid, "restart read");
		if (fd < 0)
			return;
		count(C_READ);
		check_read(w, &rec, "restart read");
		add_slot(w, fd, K_CTX, w->s[si].sid, 0);
		return;
	}
	r.bytes = rn(w, 1025);
	fill_record(w->data, r.bytes, ++w->tag);
	r.buf = PTR(w->data);
	if (chance(w, 30))
		r.new_base = known_lsn(w, w->s[si].sid);
	if (chance(w, 10)) {
		valid = false;
		switch (rn(w, 5)) {
		case 0:
			r.buf = PTR(bad_ptr(w));
			r.bytes |= 1;
			break;
		case 1:
			r.bytes = MAX_BLOCK + 1 + rn(w, 1000);
			break;
		case 2:
			r.flags = 1U << rn(w, 32);
			break;
		case 3:
			r.new_base = random_lsn(w, w->s[si].sid);
			break;
		default:
			r.reserved[rn(w, 2)] = 1;
			break;
		}
	}
	if (judge(w, ioctl(w->s[si].fd, CLFS_IOC_RESTART_WRITE, &r), valid,
		  "restart write") == 0) {
		count(C_RESTART);
		keep_lsn(w, w->s[si].sid, r.lsn);
	}
}

static void op_set_lsn(struct worker *w, bool eol)
{
	struct clfs_ioc_lsn l = { 0 };
	int si = find_slot(w, K_MARSHAL);
	bool valid = chance(w, 60);

	if (si < 0)
		return;
	l.lsn = valid ? known_lsn(w, w->s[si].sid) :
			random_lsn(w, w->s[si].sid);
	if (chance(w, 3)) {
		l.reserved[rn(w, 3)] = 1;
		valid = false;
	}
	/*
	 * Another worker may have moved the base or the end meanwhile: any
	 * errno but those of trouble.
	 */
	if (judge(w, ioctl(w->s[si].fd, eol ? CLFS_IOC_SET_END_OF_LOG :
			   CLFS_IOC_ADVANCE_BASE, &l), valid,
		  eol ? "set end of log" : "advance base") == 0)
		count(eol ? C_EOL : C_BASE);
}

static void op_reserve(struct worker *w)
{
	struct clfs_ioc_reserve r = { 0 };
	struct clfs_ioc_append a = { 0 };
	__s64 sizes[CLFS_RESERVE_MAX + 2];
	bool valid = true;
	int si = find_slot(w, K_MARSHAL), ret;
	__u32 i;

	if (si < 0)
		return;
	r.nr = 1 + rn(w, 4);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		sizes[i] = 1 + rn(w, 2048);
	r.sizes = PTR(sizes);
	r.op = chance(w, 50) ? CLFS_RESERVE_ALIGN : CLFS_RESERVE_ALLOC;
	if (chance(w, 15)) {
		valid = false;
		switch (rn(w, 6)) {
		case 0:
			r.nr = chance(w, 50) ? 0 : CLFS_RESERVE_MAX + 1;
			break;
		case 1:
			r.op = chance(w, 50) ? 0 : 3 + rn(w, 100);
			break;
		case 2:
			r.sizes = PTR(bad_ptr(w));
			break;
		case 3:
			sizes[rn(w, r.nr)] = chance(w, 50) ? -1 : (__s64)1 << 40;
			break;
		case 4:
			r.reserved[rn(w, 2)] = 1;
			break;
		default:
			r.nr = CLFS_RESERVE_MAX;
			break;
		}
	}
	ret = judge(w, ioctl(w->s[si].fd, CLFS_IOC_RESERVE, &r), valid,
		    "reserve");
	if (ret)
		return;
	count(C_RESERVE);
	if (r.op != CLFS_RESERVE_ALLOC)
		return;
	/* Use one, release the others (or leave them to the close). */
	if (chance(w, 60)) {
		i = 1 + rn(w, 64);
		fill_record(w->data, i, ++w->tag);
		w->e[0] = (struct clfs_ioc_entry){ .buf = PTR(w->data),
						   .bytes = i };
		a.entries = PTR(w->e);
		a.nr_entries = 1;
		a.type = CLFS_RECORD_DATA;
		a.flags = CLFS_APPEND_USE_RESERVATION;
		if (judge(w, ioctl(w->s[si].fd, CLFS_IOC_APPEND, &a), false,
			  "append into reservation") == 0) {
			count(C_APPEND);
			keep_lsn(w, w->s[si].sid, a.lsn);
		}
	}
	if (chance(w, 70)) {
		memset(&a, 0, sizeof(a));
		for (i = 0; i < r.nr; i++)
			sizes[i] = -sizes[i];
		a.type = CLFS_RECORD_DATA;
		a.flags = CLFS_APPEND_RESERVE_ONLY;
		a.reserve = PTR(sizes);
		a.nr_reserve = r.nr;
		judge(w, ioctl(w->s[si].fd, CLFS_IOC_APPEND, &a), false,
		      "release reservations");
	}
}

static void op_open(struct worker *w)
{
	struct clfs_ioc_stream s = { 0 };
	struct clfs_ioc_marshal m = { 0 };
	static const __u32 blocks[] = { 0, 512, 3000, 4096, 16384, 65536,
					MAX_BLOCK };
	bool valid = true;
	int si, fd;

	if (chance(w, 40)) {
		si = find_slot(w, K_LOG);
		if (si < 0)
			return;
		if (chance(w, 75)) {
			s.stream_id = w->main_sid[rn(w, NR_MAIN)];
		} else {
			s.stream_id = rn(w, CLFS_MAX_STREAM_ID + 8);
			valid = false;
		}
		if (chance(w, 3)) {
			s.flags = 1;
			valid = false;
		}
		fd = judge(w, ioctl(w->s[si].fd, CLFS_IOC_STREAM_OPEN, &s),
			   valid, "stream open");
		if (fd >= 0) {
			count(C_OPEN);
			add_slot(w, fd, K_STREAM, s.stream_id, 0);
		}
		return;
	}
	si = find_slot(w, K_STREAM);
	if (si < 0)
		return;
	m.block_bytes = blocks[rn(w, ARRAY_SIZE(blocks))];
	m.max_write_buffers = rn(w, 4);
	m.max_read_buffers = rn(w, CLFS_MAX_READ_CONTEXTS + 1);
	if (chance(w, 10)) {
		valid = false;
		switch (rn(w, 4)) {
		case 0:
			m.block_bytes = MAX_BLOCK + 1 + rn(w, 1 << 20);
			break;
		case 1:
			m.max_read_buffers = CLFS_MAX_READ_CONTEXTS + 1 + rn(w, 10);
			break;
		case 2:
			m.flags = 1U << rn(w, 32);
			break;
		default:
			m.reserved[rn(w, 4)] = 1;
			break;
		}
	}
	fd = judge(w, ioctl(w->s[si].fd, CLFS_IOC_MARSHAL_CREATE, &m), valid,
		   "marshal create");
	if (fd >= 0) {
		count(C_MARSHAL);
		add_slot(w, fd, K_MARSHAL, w->s[si].sid,
			 m.block_bytes ? (m.block_bytes + 511) & ~511U : 65536);
	}
}

/* Streams of its own: created, filled, reset, deleted. Never a main one. */
static void op_own_stream(struct worker *w)
{
	struct clfs_ioc_stream s = { 0 };
	int si = find_slot(w, K_LOG), fd, i;

	if (si < 0)
		return;
	switch (rn(w, 4)) {
	case 0:
		if (judge(w, ioctl(w->s[si].fd, CLFS_IOC_STREAM_CREATE, &s),
			  false, "stream create") < 0)
			return;
		fd = judge(w, ioctl(w->s[si].fd, CLFS_IOC_STREAM_OPEN, &s),
			   false, "stream open");
		if (fd >= 0) {
			count(C_OPEN);
			add_slot(w, fd, K_STREAM, s.stream_id, 0);
		}
		return;
	case 1:
	case 2:
		/* Any other stream: someone may still hold it (-EBUSY). */
		s.stream_id = rn(w, CLFS_MAX_STREAM_ID + 1);
		if (is_main(w, s.stream_id))
			return;
		judge(w, ioctl(w->s[si].fd, CLFS_IOC_STREAM_DELETE, &s), false,
		      "stream delete");
		return;
	default:
		for (i = 0; i < NR_SLOTS; i++)
			if (w->s[i].kind == K_STREAM && !is_main(w, w->s[i].sid))
				break;
		/* Rarely the main streams too: the final check copes. */
		if (i == NR_SLOTS && chance(w, 2))
			i = find_slot(w, K_STREAM);
		if (i < 0 || i == NR_SLOTS)
			return;
		judge(w, ioctl(w->s[i].fd, CLFS_IOC_STREAM_RESET), true,
		      "stream reset");
		w->nr_lsn[w->s[i].sid] = 0;
		return;
	}
}

static void op_query(struct worker *w)
{
	struct clfs_container_info info[8];
	struct clfs_ioc_container_scan sc = { 0 };
	struct clfs_stream_info si;
	struct clfs_log_info li;
	int i;

	i = find_slot(w, K_STREAM);
	if (i >= 0 && chance(w, 50)) {
		/* Where a forward read begins: worth reading from later. */
		if (judge(w, ioctl(w->s[i].fd, CLFS_IOC_STREAM_QUERY, &si), true,
			  "stream query") == 0 && si.stream_id == w->s[i].sid)
			keep_lsn(w, si.stream_id, si.first_lsn);
		return;
	}
	i = find_slot(w, K_LOG);
	if (i < 0)
		return;
	if (chance(w, 50)) {
		if (judge(w, ioctl(w->s[i].fd, CLFS_IOC_LOG_QUERY, &li), true,
			  "log query") == 0 && (li.flags & CLFS_LOG_SHUT_DOWN))
			W_TROUBLE(w, "log shut down (flags %#x)", li.flags);
		return;
	}
	sc.info = PTR(chance(w, 90) ? (void *)info : bad_ptr(w));
	sc.first = rn(w, 64);
	sc.max = chance(w, 90) ? ARRAY_SIZE(info) : CLFS_SCAN_MAX + 1;
	judge(w, ioctl(w->s[i].fd, CLFS_IOC_CONTAINER_SCAN, &sc), false,
	      "container scan");
}

/* A descriptor of the shared log: it must answer, then it is closed. */
static void shared_query(struct worker *w, int fd, const char *what)
{
	struct clfs_log_info li;

	judge(w, ioctl(fd, CLFS_IOC_LOG_QUERY, &li), true, what);
	close(fd);
}

/*
 * Attach the stress log as STRESS_NAME, detach it, list, or open its
 * node, racing the other workers doing the same: each call either works
 * or fails with the errno of whoever won (EEXIST, ENOENT, ENXIO).
 */
static void op_attach(struct worker *w, int si)
{
	struct clfs_ioc_log_attach a = { .path = PTR(w->path), .mode = 0600 };
	struct clfs_ioc_log_name n = { .name = STRESS_NAME };
	struct clfs_attached_log e[4];
	struct clfs_ioc_log_list l = { .logs = PTR(e), .max = 4 };
	int fd, ret;

	switch (rn(w, 4)) {
	case 0:
		snprintf(a.name, sizeof(a.name), STRESS_NAME);
		ret = ioctl(w->s[si].fd, CLFS_IOC_LOG_ATTACH, &a);
		if (!ret)
			count(C_ATTACH);
		else if (errno != EEXIST)
			judge(w, ret, true, "attach");
		break;
	case 1:
		ret = ioctl(w->s[si].fd, CLFS_IOC_LOG_DETACH, &n);
		if (!ret)
			count(C_DETACH);
		else if (errno != ENOENT)
			judge(w, ret, true, "detach");
		break;
	case 2:
		judge(w, ioctl(w->s[si].fd, CLFS_IOC_LOG_LIST, &l), true, "list");
		if (l.count > 1)
			W_TROUBLE(w, "%u logs attached, one device", l.count);
		break;
	default:
		fd = open(STRESS_NODE, chance(w, 50) ? O_RDWR : O_RDONLY);
		if (fd < 0 && errno != ENOENT && errno != ENXIO)
			W_TROUBLE(w, "open %s: errno %d", STRESS_NODE, errno);
		else if (fd >= 0)
			shared_query(w, fd, "node open");
		break;
	}
}

/* The control device: the open log's device must stay busy. */
static void op_ctl(struct worker *w)
{
	struct clfs_ioc_log_create c = { 0 };
	struct clfs_ioc_log_open o = { 0 };
	struct clfs_version v;
	int si = find_slot(w, K_CTL), fd;

	if (si < 0 || chance(w, 10)) {
		fd = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			W_TROUBLE(w, "open /dev/clfs: errno %d", errno);
		add_slot(w, fd, K_CTL, 0, 0);
		return;
	}
	switch (rn(w, 8)) {
	case 0:
		judge(w, ioctl(w->s[si].fd, CLFS_IOC_GET_VERSION, &v), true,
		      "get version");
		break;
	case 1:
		/* The open log is shared: a second open is the same log. */
		o.path = PTR(w->path);
		o.flags = rn(w, 2);
		fd = judge(w, ioctl(w->s[si].fd, CLFS_IOC_LOG_OPEN, &o), true,
			   "log open of the shared log");
		if (fd >= 0 && o.flags)
			shared_query(w, fd, "read-only share");
		else
			add_slot(w, fd, K_LOG, 0, 0);
		break;
	case 4:
	case 5:
		op_attach(w, si);
		break;
	case 2:
		/* Formatting or erasing the open log's device must fail. */
		c.path = PTR(w->path);
		c.params.container_bytes = CONT_BYTES;
		c.params.nr_containers = 2;
		c.params.flags = CLFS_LOG_MULTIPLEXED;
		if (ioctl(w->s[si].fd, CLFS_IOC_LOG_CREATE, &c) == 0)
			W_TROUBLE(w, "LOG_CREATE over the open %s succeeded",
				  w->path);
		o.path = PTR(w->path);
		if (ioctl(w->s[si].fd, CLFS_IOC_LOG_DELETE, &o) == 0)
			W_TROUBLE(w, "LOG_DELETE of the open %s succeeded",
				  w->path);
		break;
	default:
		/* Bad paths: unmapped, unterminated, not a block device. */
		o.path = PTR(chance(w, 50) ? bad_ptr(w) :
			     chance(w, 50) ? (void *)"/dev/null" :
					     (void *)w->junk.raw);
		memset(w->junk.raw, 'a', sizeof(w->junk.raw));
		o.flags = chance(w, 80) ? 0 : rnd(w);
		fd = judge(w, ioctl(w->s[si].fd, chance(w, 50) ? CLFS_IOC_LOG_OPEN :
				    CLFS_IOC_LOG_DELETE, &o), false,
			   "log open/delete of a bad path");
		if (fd > 0)
			W_TROUBLE(w, "a bad path gave descriptor %d", fd);
		break;
	}
}

/* Any ioctl on any descriptor, with a garbage or a zeroed structure. */
static void op_garbage(struct worker *w)
{
	static const unsigned long cmds[] = {
		CLFS_IOC_GET_VERSION, CLFS_IOC_LOG_CREATE, CLFS_IOC_LOG_OPEN,
		CLFS_IOC_LOG_DELETE, CLFS_IOC_LOG_QUERY, CLFS_IOC_CONTAINER_ADD,
		CLFS_IOC_CONTAINER_REMOVE, CLFS_IOC_CONTAINER_SCAN,
		CLFS_IOC_STREAM_CREATE, CLFS_IOC_STREAM_OPEN,
		CLFS_IOC_STREAM_DELETE, CLFS_IOC_STREAM_QUERY,
		CLFS_IOC_MARSHAL_CREATE, CLFS_IOC_SET_ARCHIVE_TAIL,
		CLFS_IOC_APPEND, CLFS_IOC_FLUSH, CLFS_IOC_READ_RECORD,
		CLFS_IOC_RESTART_WRITE, CLFS_IOC_RESTART_READ,
		CLFS_IOC_ADVANCE_BASE, CLFS_IOC_SET_END_OF_LOG,
		CLFS_IOC_RESERVE, CLFS_IOC_READ_NEXT, CLFS_IOC_READ_CURRENT,
		_IOWR(CLFS_IOC_MAGIC, 0x7f, struct clfs_ioc_record),
		_IO(CLFS_IOC_MAGIC, 0x50), _IOR('T', 0x01, int),
	};
	unsigned long cmd = cmds[rn(w, ARRAY_SIZE(cmds))];
	void *arg = w->junk.raw;
	int si = any_slot(w), ret;
	__u32 i;

	if (si < 0)
		return;
	if (chance(w, 30)) {
		memset(w->junk.raw, 0, sizeof(w->junk.raw));
	} else {
		for (i = 0; i < ARRAY_SIZE(w->junk.q); i++)
			w->junk.q[i] = rnd(w);
		/* Small numbers now and then: counts, ids, sizes that pass. */
		for (i = 0; i < ARRAY_SIZE(w->junk.q); i++)
			if (chance(w, 20))
				w->junk.q[i] &= 0xff;
	}
	if (chance(w, 10))
		arg = bad_ptr(w);
	/* A stream id that names a main stream must not get it deleted. */
	if (cmd == CLFS_IOC_STREAM_DELETE || cmd == CLFS_IOC_CONTAINER_ADD)
		w->junk.q[0] |= 0xffff0000;
	count(C_GARBAGE);
	ret = judge(w, ioctl(w->s[si].fd, cmd, arg), false, "garbage ioctl");
	/* Some succeed (queries, a zeroed flush): a descriptor is kept. */
	if (ret > 0 && ret != w->s[si].fd) {
		if (cmd == CLFS_IOC_LOG_OPEN)
			W_TROUBLE(w, "garbage LOG_OPEN gave descriptor %d", ret);
		close(ret);
	}
}

static void op_close(struct worker *w)
{
	int si = any_slot(w);

	/* Keep one log descriptor most of the time, to build from. */
	if (si < 0 || (w->s[si].kind == K_LOG && chance(w, 90)))
		return;
	close_slot(w, si);
}

/* Bad pointers: NULL, the first page, unmapped, kernel, read-only, an edge. */
static void worker_setup(struct worker *w)
{
	__u8 *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	w->data = mmap(NULL, DATA_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w->rbuf = mmap(NULL, DATA_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || w->data == MAP_FAILED || w->rbuf == MAP_FAILED)
		_exit(3);
	munmap(p + 4096, 4096);
	mprotect(p + 2 * 4096, 4096, PROT_READ);
	w->bad[0] = NULL;
	w->bad[1] = (void *)1;
	w->bad[2] = p + 4096;
	w->bad[3] = (void *)KERNEL_ADDR;
	w->bad[4] = p + 2 * 4096;	/* read-only: outputs fail */
	w->bad[5] = p + 4096 - 8;	/* runs into the unmapped page */
	w->rng = w->seed ? w->seed : 1;
}

static void worker_main(struct worker *w)
{
	static void (*const ops[])(struct worker *w) = {
		op_append, op_append, op_append, op_append, op_append,
		op_append, op_read, op_read, op_read, op_ctx, op_ctx,
		op_flush, op_restart, op_reserve, op_open, op_open, op_close,
		op_query, op_garbage, op_garbage, op_ctl, op_own_stream,
	};
	__u32 op;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	worker_setup(w);
	for (;;) {
		op = rn(w, ARRAY_SIZE(ops) + 2);
		__atomic_store_n(&sh->op[w->id], op, __ATOMIC_RELAXED);
		count(C_OPS);
		if (op == ARRAY_SIZE(ops))
			op_set_lsn(w, chance(w, 5));
		else if (op == ARRAY_SIZE(ops) + 1)
			op_set_lsn(w, false);
		else
			ops[op](w);
	}
}

/* ---- the parent ---------------------------------------------------------- */

static int log_create(int ctl, const char *path, __u32 nr)
{
	struct clfs_ioc_log_create c = {
		.path = PTR(path),
		.params = {
			.container_bytes = CONT_BYTES,
			.nr_containers = nr,
			.flags = CLFS_LOG_MULTIPLEXED,
		},
	};

	return ioctl(ctl, CLFS_IOC_LOG_CREATE, &c);
}

static int marshal_create(int stream)
{
	struct clfs_ioc_marshal m = { 0 };

	return ioctl(stream, CLFS_IOC_MARSHAL_CREATE, &m);
}

FIXTURE(stress) {
	int ctl, log, stream[NR_MAIN], m[NR_MAIN];
	__u32 sid[NR_MAIN];
	pid_t pid[NR_WORKERS];
	const char *path;
	__u64 rng;
};

FIXTURE_SETUP(stress)
{
	struct clfs_ioc_append a = { 0 };
	struct clfs_ioc_entry e = { 0 };
	struct clfs_ioc_lsn l = { 0 };
	struct clfs_ioc_stream s;
	static __u8 first[64];
	__u32 nr;
	int i;

	self->ctl = self->log = -1;
	for (i = 0; i < NR_MAIN; i++)
		self->stream[i] = self->m[i] = -1;
	for (i = 0; i < NR_WORKERS; i++)
		self->pid[i] = -1;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	self->path = disk();
	self->ctl = open("/dev/" CLFS_MISC_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	/* As many 4 MiB containers as the disk holds, down to 8. */
	for (nr = 60; nr >= 8; nr -= 4)
		if (log_create(self->ctl, self->path, nr) == 0)
			break;
	ASSERT_LE(8, nr) {
		TH_LOG("LOG_CREATE on %s: errno %d", self->path, errno);
	}
	TH_LOG("log on %s: %u containers of %llu bytes", self->path, nr,
	       CONT_BYTES);
	self->log = log_open(self->ctl, self->path, 0);
	ASSERT_LE(0, self->log);
	/*
	 * Three streams, each with a first record that becomes its base, so
	 * that the final check has a place to read forward from.
	 */
	for (i = 0; i < NR_MAIN; i++) {
		memset(&s, 0, sizeof(s));
		ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_STREAM_CREATE, &s));
		self->sid[i] = s.stream_id;
		self->stream[i] = stream_open(self->log, s.stream_id);
		ASSERT_LE(0, self->stream[i]);
		self->m[i] = marshal_create(self->stream[i]);
		ASSERT_LE(0, self->m[i]);
		fill_record(first, sizeof(first), i);
		e.buf = PTR(first);
		e.bytes = sizeof(first);
		a.entries = PTR(&e);
		a.nr_entries = 1;
		a.type = CLFS_RECORD_DATA;
		a.flags = CLFS_APPEND_FORCE_FLUSH;
		ASSERT_EQ(0, ioctl(self->m[i], CLFS_IOC_APPEND, &a));
		l.lsn = a.lsn;
		ASSERT_EQ(0, ioctl(self->m[i], CLFS_IOC_ADVANCE_BASE, &l));
	}
}

static void kill_all(struct _test_data_stress *self)
{
	int i;

	for (i = 0; i < NR_WORKERS; i++) {
		if (self->pid[i] <= 0)
			continue;
		kill(self->pid[i], SIGKILL);
		waitpid(self->pid[i], NULL, 0);
		self->pid[i] = -1;
	}
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	kill_all(self);
	for (i = 0; i < NR_MAIN; i++) {
		close_fd(&self->m[i]);
		close_fd(&self->stream[i]);
	}
	close_fd(&self->log);
	close_fd(&self->ctl);
	/* The programs after this one expect clfs.ko loaded. */
	if (access("/dev/" CLFS_MISC_NAME, F_OK))
		load("clfs.ko", "");
}

static __u32 parent_rnd(struct _test_data_stress *self, __u32 n)
{
	self->rng ^= self->rng >> 12;
	self->rng ^= self->rng << 25;
	self->rng ^= self->rng >> 27;
	return (__u32)((self->rng * 0x2545f4914f6cdd1dULL) >> 33) % n;
}

static void spawn(struct __test_metadata *_metadata,
		  struct _test_data_stress *self, int id)
{
	static struct worker w;
	pid_t pid;
	int i;

	memset(&w, 0, sizeof(w));
	w.id = id;
	w.seed = parent_rnd(self, 0x7fffffff) | 1;
	w.path = self->path;
	sh->seed[id] = w.seed;
	for (i = 0; i < NR_SLOTS; i++)
		w.s[i].fd = -1;
	w.s[0] = (struct slot){ self->log, K_LOG, 0, 0 };
	w.s[1] = (struct slot){ self->ctl, K_CTL, 0, 0 };
	for (i = 0; i < NR_MAIN; i++) {
		w.main_sid[i] = self->sid[i];
		w.s[2 + i] = (struct slot){ self->stream[i], K_STREAM,
					    self->sid[i], 0 };
		w.s[2 + NR_MAIN + i] = (struct slot){ self->m[i], K_MARSHAL,
						      self->sid[i], 65536 };
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		worker_main(&w);
		_exit(0);
	}
	self->pid[id] = pid;
}

/* SIGKILL worker @id and reap it: it must die of that, and soon. */
static int reap(struct _test_data_stress *self, int id)
{
	__u64 end = now_ms() + REAP_MS;
	char path[64], line[256];
	int status = 0;
	pid_t pid = self->pid[id];
	FILE *f;

	kill(pid, SIGKILL);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ms() > end) {
			trouble(id, sh->seed[id], "still alive %d ms after SIGKILL, in op %u",
				REAP_MS, sh->op[id]);
			snprintf(path, sizeof(path), "/proc/%d/stack", pid);
			f = fopen(path, "r");
			while (f && fgets(line, sizeof(line), f))
				fprintf(stderr, "#   %s", line);
			if (f)
				fclose(f);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(1000);
	}
	self->pid[id] = -1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 0;
	trouble(id, sh->seed[id], "died with status %#x (signal %d), not of SIGKILL",
		status, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -1;
}

/* Read stream @sid forward from its base; returns records read or -errno. */
static int read_stream(struct __test_metadata *_metadata, int log, __u32 sid,
		       __u8 *buf)
{
	struct clfs_ioc_read r = { 0 };
	struct clfs_stream_info si;
	int s, m, ctx, n = 0;
	__u64 last = 0;

	s = stream_open(log, sid);
	if (s < 0)
		return -errno;
	m = marshal_create(s);
	if (m < 0) {
		n = -errno;
		close(s);
		return n;
	}
	if (ioctl(s, CLFS_IOC_STREAM_QUERY, &si)) {
		n = -errno;
		goto out;
	}
	TH_LOG("stream %u: created %#llx first %#llx base %#llx last %#llx restart %#llx",
	       sid, (unsigned long long)si.created_lsn,
	       (unsigned long long)si.first_lsn,
	       (unsigned long long)si.base_lsn,
	       (unsigned long long)si.last_lsn,
	       (unsigned long long)si.restart_lsn);
	/* A forward read begins at first_lsn: the base, if there is one. */
	if (si.base_lsn != CLFS_LSN_NULL && si.first_lsn != si.base_lsn) {
		TH_LOG("stream %u: first_lsn is not the base", sid);
		n = -EINVAL;
		goto out;
	}
	r.lsn = si.first_lsn;
	if (r.lsn == CLFS_LSN_NULL) {
		if (si.last_lsn != CLFS_LSN_NULL) {
			TH_LOG("stream %u: records but no first_lsn", sid);
			n = -EINVAL;
		}
		goto out;
	}
	r.mode = CLFS_READ_FORWARD;
	r.filter = CLFS_FILTER_ALL;
	r.rec.buf = PTR(buf);
	r.rec.buf_bytes = DATA_BYTES;
	ctx = ioctl(m, CLFS_IOC_READ_RECORD, &r);
	if (ctx < 0) {
		n = -errno;
		TH_LOG("stream %u: READ_RECORD %#llx: errno %d", sid,
		       (unsigned long long)r.lsn, errno);
		goto out;
	}
	do {
		last = r.rec.lsn;
		if (check_record(buf, r.rec.buf_bytes, r.rec.data_bytes) < 0) {
			TH_LOG("stream %u: record %#llx is damaged", sid,
			       (unsigned long long)r.rec.lsn);
			n = -EBADMSG;
			break;
		}
		n++;
		memset(&r.rec, 0, sizeof(r.rec));
		r.rec.buf = PTR(buf);
		r.rec.buf_bytes = DATA_BYTES;
	} while (ioctl(ctx, CLFS_IOC_READ_NEXT, &r.rec) == 0 && n < 1000000);
	if (n > 0 && errno != ENODATA) {
		TH_LOG("stream %u: READ_NEXT after %d records: errno %d", sid,
		       n, errno);
		n = -errno;
	}
	/* After a clean close, every record up to the last is there. */
	if (n > 0 && last != si.last_lsn) {
		TH_LOG("stream %u: the forward read ended at %#llx, not at the last record %#llx",
		       sid, (unsigned long long)last,
		       (unsigned long long)si.last_lsn);
		n = -ENOENT;
	}
	close(ctx);
out:
	close(m);
	close(s);
	return n;
}

static int detach_stress(int ctl)
{
	struct clfs_ioc_log_name n = { .name = STRESS_NAME };

	return ioctl(ctl, CLFS_IOC_LOG_DETACH, &n) ? -errno : 0;
}

TEST_F_TIMEOUT(stress, random_ioctls_killed_workers_clean_unload, 120)
{
	const char *env = getenv("CLFS_STRESS_SEED");
	__u64 start = now_ms(), end = start + STRESS_MS;
	__u32 seed, kills = 0, i;
	struct clfs_log_info li;
	__u8 *buf;
	int ret, n, tries, bad_deaths = 0;

	seed = env ? strtoul(env, NULL, 0) : (__u32)(time(NULL) ^ getpid() << 16);
	TH_LOG("seed %#x (CLFS_STRESS_SEED=%#x replays the worker seeds)",
	       seed, seed);
	self->rng = seed | 1ULL << 40;
	for (i = 0; i < NR_WORKERS; i++) {
		spawn(_metadata, self, i);
		TH_LOG("worker %u seed %#x", i, sh->seed[i]);
	}
	while (now_ms() < end) {
		/* Mostly a few hundred ms of life, sometimes barely any. */
		msleep(parent_rnd(self, 4) ? 1 + parent_rnd(self, 300) :
					     parent_rnd(self, 3));
		i = parent_rnd(self, NR_WORKERS);
		if (reap(self, i))
			bad_deaths++;
		kills++;
		spawn(_metadata, self, i);
		if (kills <= 40 || kills % 20 == 0)
			TH_LOG("kill %u: worker %u respawned with seed %#x",
			       kills, i, sh->seed[i]);
		if (ioctl(self->log, CLFS_IOC_LOG_QUERY, &li) == 0 &&
		    (li.flags & CLFS_LOG_SHUT_DOWN))
			trouble(-1, seed, "log shut down after kill %u", kills);
	}
	for (i = 0; i < NR_WORKERS; i++)
		if (self->pid[i] > 0 && reap(self, i))
			bad_deaths++;
	TH_LOG("%u kills in %llu ms", kills, now_ms() - start);
	for (i = 0; i < NR_COUNTERS; i++)
		TH_LOG("%-18s %llu", counter_names[i],
		       (unsigned long long)sh->count[i]);
	EXPECT_EQ(0, bad_deaths);
	EXPECT_EQ(0, sh->trouble);
	for (i = 0; i < sh->trouble && i < NR_TROUBLE; i++)
		TH_LOG("trouble: %s", sh->msg[i]);
	EXPECT_LT(MIN_APPENDS, sh->count[C_APPEND]);
	EXPECT_LT(MIN_READS, sh->count[C_READ] + sh->count[C_READ_NEXT]);
	EXPECT_LT(0, sh->count[C_VERIFIED]);
	EXPECT_LT(0, sh->count[C_ATTACH]);

	/* A worker may have left the log attached: detach it too. */
	ret = detach_stress(self->ctl);
	EXPECT_TRUE(ret == 0 || ret == -ENOENT);
	/* Everything closed: the log must open again and read back. */
	for (i = 0; i < NR_MAIN; i++) {
		close_fd(&self->m[i]);
		close_fd(&self->stream[i]);
	}
	close_fd(&self->log);
	self->log = log_open(self->ctl, self->path, 0);
	ASSERT_LE(0, self->log) {
		TH_LOG("LOG_OPEN after the stress: errno %d", errno);
	}
	ASSERT_EQ(0, ioctl(self->log, CLFS_IOC_LOG_QUERY, &li));
	EXPECT_EQ(0, li.flags & CLFS_LOG_SHUT_DOWN);
	TH_LOG("log: head %#llx flushed %#llx, %u of %u containers active",
	       (unsigned long long)li.head_lsn,
	       (unsigned long long)li.flushed_lsn, li.nr_active,
	       li.nr_containers);
	buf = malloc(DATA_BYTES);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < NR_MAIN; i++) {
		n = read_stream(_metadata, self->log, self->sid[i], buf);
		TH_LOG("stream %u: %d records read forward", self->sid[i], n);
		EXPECT_LE(0, n);
	}
	free(buf);
	close_fd(&self->log);
	close_fd(&self->ctl);

	/* No descriptor or reference leaked: clfs.ko unloads. */
	for (tries = 0; tries < 30; tries++) {
		ret = unload("clfs");
		if (ret != -EAGAIN && ret != -EBUSY && ret != -EWOULDBLOCK)
			break;
		msleep(100);
	}
	EXPECT_EQ(0, ret) {
		TH_LOG("delete_module(clfs): %d after %d tries", ret, tries);
	}
	if (!ret && tries)
		TH_LOG("delete_module(clfs) succeeded after %d retries", tries);
	ret = load("clfs.ko", "");
	EXPECT_TRUE(ret == 0 || ret == -EEXIST);
}

TEST_HARNESS_MAIN
