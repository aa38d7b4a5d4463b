// SPDX-License-Identifier: GPL-2.0
/*
 * One crash state against the journal. The rules, with "done" the ops that
 * returned before the crash (journal.h says what each promises):
 *
 *  - the log opens read-write (recovery), unless the format is not done;
 *  - durable: every record appended (any stream) at or below the highest
 *    LSN a done op made durable is read back, unless a done truncation
 *    removed it or it lies before its stream's first LSN;
 *  - a stream's base and archive tail are values some op set, and not
 *    older than the newest done one; the restart area is one some op
 *    wrote, not older than the newest done one, byte for byte;
 *  - each stream reads back, in LSN order, a prefix of what was appended
 *    to it (with or without a truncation still in progress): every record
 *    byte for byte, nothing that was never appended, nothing a done
 *    truncation removed;
 *  - done policies are installed; the size is one the ops could leave;
 *  - after a crash during recovery: nothing the first recovery dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libclfs.h"
#include "check.h"
#include "offline/offline.h"

#define READ_BUF	(64 << 10)

struct ctx {
	const struct journal *j;
	const bool *done;
	unsigned int flags;
	char *why;
	size_t why_bytes;
};

static int violation(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->why_bytes, fmt, ap);
	va_end(ap);
	return 1;
}

#define L(x) ((unsigned long long)(x))

/* The newest done op of @kind on @stream (any stream if -1), or NULL. */
static const struct jop *last_done(struct ctx *c, char kind, long stream)
{
	const struct jop *best = NULL;

	for (size_t i = 0; i < c->j->nr; i++) {
		const struct jop *o = &c->j->ops[i];

		if (c->done[i] && o->kind == kind && (stream < 0 || o->stream == stream))
			best = o;
	}
	return best;
}

/* The highest LSN a done op made durable, every record up to it. */
static uint64_t durable_lsn(struct ctx *c)
{
	uint64_t d = 0;

	for (size_t i = 0; i < c->j->nr; i++) {
		const struct jop *o = &c->j->ops[i];

		if (c->done[i] && strchr("FVLRBTX", o->kind) && o->lsn > d &&
		    o->lsn != CLFS_LSN_NULL)
			d = o->lsn;
	}
	return d;
}

/* A base or tail (@kind B or T) the state may have for @stream. */
static int check_tail(struct ctx *c, uint32_t stream, char kind, uint64_t have)
{
	uint64_t newest_done = CLFS_LSN_NULL;
	bool issued = have == CLFS_LSN_NULL;
	const char *what = kind == 'B' ? "base" : "archive tail";

	for (size_t i = 0; i < c->j->nr; i++) {
		const struct jop *o = &c->j->ops[i];
		uint64_t v;

		if (o->stream != stream)
			continue;
		if (o->kind == kind)
			v = o->lsn;
		else if (kind == 'B' && o->kind == 'R' && o->arg != CLFS_LSN_NULL)
			v = o->arg;
		else
			continue;
		if (v == have)
			issued = true;
		if (c->done[i])
			newest_done = v;
	}
	if (!issued)
		return violation(c, "stream %u: %s 0x%llx was never set", stream, what,
				 L(have));
	if (newest_done != CLFS_LSN_NULL && (have == CLFS_LSN_NULL || have < newest_done))
		return violation(c,
				"stream %u: %s 0x%llx is older than the acknowledged 0x%llx",
				stream, what, L(have), L(newest_done));
	return 0;
}

/*
 * The restart area read back is one an op wrote (found by the op number in
 * its bytes: its LSN is not known before it returns), byte for byte, and
 * not older than the newest one acknowledged.
 */
static int check_restart(struct ctx *c, int m, uint32_t stream, uint64_t restart_lsn)
{
	static unsigned char buf[READ_BUF], want[PAYLOAD_MAX];
	const struct jop *done = last_done(c, 'R', stream), *o;
	struct clfs_ioc_record rec;
	uint32_t head[4];
	int ctx;

	clfs_record_init(&rec, buf, sizeof(buf));
	ctx = clfs_restart_read(m, &rec);
	if (ctx == -ENODATA) {
		if (done)
			return violation(c,
					"stream %u: acknowledged restart area 0x%llx (op%llu) is gone",
					stream, L(done->lsn),
					 (unsigned long long)done->op);
		return 0;
	}
	if (ctx < 0)
		return violation(c, "stream %u: restart read: %s", stream, strerror(-ctx));
	close(ctx);
	memcpy(head, buf, sizeof(head));
	o = rec.data_bytes >= PAYLOAD_MIN && head[0] == PAYLOAD_MAGIC ?
		journal_find(c->j, head[1]) : NULL;
	if (!o || o->kind != 'R' || o->stream != stream ||
	    (!o->intent_only && o->lsn != rec.lsn))
		return violation(c, "stream %u: restart area 0x%llx was never written",
				 stream, L(rec.lsn));
	if (done && rec.lsn < done->lsn)
		return violation(c,
				"stream %u: restart area 0x%llx is older than the acknowledged 0x%llx",
				stream, L(rec.lsn), L(done->lsn));
	journal_payload(o->op, stream, o->len, want);
	if (rec.data_bytes != o->len || memcmp(buf, want, o->len))
		return violation(c, "stream %u: restart area 0x%llx has the wrong bytes",
				 stream, L(rec.lsn));
	if (restart_lsn != rec.lsn)
		return violation(c,
				"stream %u: query says restart 0x%llx, read gives 0x%llx",
				stream, L(restart_lsn), L(rec.lsn));
	return 0;
}

static int cmp_lsn(const void *a, const void *b)
{
	const struct jop *x = *(const struct jop *const *)a;
	const struct jop *y = *(const struct jop *const *)b;

	return x->lsn < y->lsn ? -1 : x->lsn > y->lsn;
}

/* Is record @r removed by truncation @x (once @x took effect)? */
static bool truncated_by(const struct jop *r, const struct jop *x)
{
	return r->lsn > x->lsn && r->op < x->op;
}

static bool contains(const uint64_t *v, size_t n, uint64_t lsn)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v[mid] == lsn)
			return true;
		if (v[mid] < lsn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * A record whose journal line was lost: its header names an op the journal
 * does not have, and its bytes are that op's.
 */
static bool unjournaled_record(struct ctx *c, uint32_t stream,
			       const struct clfs_ioc_record *rec, const unsigned char *buf)
{
	static unsigned char want[PAYLOAD_MAX];
	uint32_t head[4];

	if (rec->data_bytes < PAYLOAD_MIN || rec->data_bytes > PAYLOAD_MAX)
		return false;
	memcpy(head, buf, sizeof(head));
	if (head[0] != PAYLOAD_MAGIC || head[2] != stream || head[3] != rec->data_bytes ||
	    journal_find(c->j, head[1]))
		return false;
	journal_payload(head[1], stream, head[3], want);
	return !memcmp(buf, want, head[3]);
}

static int check_stream(struct ctx *c, int log, uint32_t stream, uint64_t dlsn,
			const struct check_result *first, struct check_result *out,
			unsigned int si)
{
	static unsigned char buf[READ_BUF], want[PAYLOAD_MAX];
	const struct jop **recs = NULL, *pending_x = NULL;
	struct clfs_stream_info q;
	struct clfs_ioc_record rec;
	size_t nrec = 0, nread = 0, k, n = 0, next[2] = { 0, 0 };
	bool alive[2] = { true, true }, match[2];
	uint64_t *lsns = NULL;
	int s, m = -1, ctx = -1, ret;

	s = clfs_stream_open(log, stream);
	if (s < 0)
		return violation(c, "stream %u: open: %s", stream, strerror(-s));
	ret = clfs_stream_query(s, &q);
	if (!ret)
		m = clfs_marshal_create(s, 0, 0, 0);
	if (ret || m < 0) {
		ret = violation(c, "stream %u: query or area: %s", stream,
				strerror(ret ? -ret : -m));
		goto out;
	}
	ret = check_tail(c, stream, 'B', q.base_lsn);
	if (!ret)
		ret = check_tail(c, stream, 'T', q.archive_tail_lsn);
	if (!ret)
		ret = check_restart(c, m, stream, q.restart_lsn);
	if (ret)
		goto out;

	/* What was appended to the stream, in LSN order, from its first LSN. */
	recs = calloc(c->j->nr + 1, sizeof(*recs));
	lsns = calloc(c->j->nr + 1, sizeof(*lsns));
	if (!recs || !lsns) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->j->nr; i++) {
		const struct jop *o = &c->j->ops[i];

		if (o->stream != stream)
			continue;
		if (o->kind == 'X' && !c->done[i])
			pending_x = pending_x ? pending_x : o;
		if (journal_is_record(o->kind) &&
		    (q.first_lsn == CLFS_LSN_NULL || o->lsn >= q.first_lsn))
			recs[nrec++] = o;
	}
	for (size_t i = 0; i < nrec; i++) {
		bool gone = false;

		for (size_t x = 0; x < c->j->nr; x++)
			if (c->done[x] && c->j->ops[x].kind == 'X' &&
			    c->j->ops[x].stream == stream && truncated_by(recs[i], &c->j->ops[x]))
				gone = true;
		if (!gone)
			recs[n++] = recs[i];
	}
	nrec = n;
	qsort(recs, nrec, sizeof(*recs), cmp_lsn);

	/*
	 * Walk the stream against both candidates at once: [0] the pending
	 * truncation (if any) not applied, [1] applied.
	 */
	if (!pending_x)
		alive[1] = false;
	clfs_record_init(&rec, buf, sizeof(buf));
	if (q.first_lsn != CLFS_LSN_NULL)
		ctx = clfs_read_record(m, q.first_lsn, CLFS_READ_FORWARD, CLFS_FILTER_ALL, &rec);
	if (ctx < 0 && q.first_lsn != CLFS_LSN_NULL && ctx != -ENOENT) {
		ret = violation(c, "stream %u: read at first LSN 0x%llx: %s", stream,
				L(q.first_lsn), strerror(-ctx));
		goto out;
	}
	for (ret = ctx < 0 ? -ENODATA : 0; ret == 0; ret = clfs_read_next(ctx, &rec)) {
		const struct jop *o = NULL;

		if (rec.type == CLFS_RECORD_RESTART)
			continue;
		if (nread && rec.lsn <= lsns[nread - 1]) {
			ret = violation(c, "stream %u: LSN 0x%llx after 0x%llx", stream,
					L(rec.lsn), L(lsns[nread - 1]));
			goto out;
		}
		if (alive[1])
			while (next[1] < nrec && truncated_by(recs[next[1]], pending_x))
				next[1]++;
		for (k = 0; k < 2; k++) {
			match[k] = alive[k] && next[k] < nrec && recs[next[k]]->lsn == rec.lsn;
			if (match[k])
				o = recs[next[k]];
		}
		/*
		 * A record whose journal line the cut lost says nothing about
		 * the candidates: the records journaled around it still come
		 * in their order.
		 */
		if (!o && (c->flags & CHECK_UNJOURNALED_OK) &&
		    unjournaled_record(c, stream, &rec, buf)) {
			lsns[nread++] = rec.lsn;
			continue;
		}
		for (k = 0; k < 2; k++) {
			if (match[k])
				next[k]++;
			else
				alive[k] = false;
		}
		if (!o || (!alive[0] && !alive[1])) {
			for (size_t i = 0; i < c->j->nr && !o; i++)
				if (c->j->ops[i].stream == stream && c->j->ops[i].lsn == rec.lsn &&
				    journal_is_record(c->j->ops[i].kind))
					o = &c->j->ops[i];
			const struct jop *want0 = next[0] < nrec ? recs[next[0]] : NULL;

			ret = violation(c,
					"stream %u: record 0x%llx %s (expected 0x%llx, op%lld, next; %zu read before it; the stream: first 0x%llx, base 0x%llx, last 0x%llx)",
					stream, L(rec.lsn), !o ? "was never appended" :
					"breaks the order of the appends (a record before it is missing, or a truncation took it away)",
					L(want0 ? want0->lsn : 0),
					want0 ? (long long)want0->op : -1LL, nread,
					L(q.first_lsn), L(q.base_lsn), L(q.last_lsn));
			goto out;
		}
		journal_payload(o->op, stream, o->len, want);
		if (rec.data_bytes != o->len || memcmp(buf, want, o->len)) {
			ret = violation(c, "stream %u: record 0x%llx (op%llu) has the wrong bytes",
					stream, L(rec.lsn), (unsigned long long)o->op);
			goto out;
		}
		if (first && !contains(first->lsns[si], first->nr[si], rec.lsn)) {
			ret = violation(c,
					"stream %u: record 0x%llx came back after the first recovery dropped it",
					stream, L(rec.lsn));
			goto out;
		}
		lsns[nread++] = rec.lsn;
	}
	if (ret != -ENODATA) {
		ret = violation(c, "stream %u: read after 0x%llx: %s", stream,
				L(nread ? lsns[nread - 1] : q.first_lsn), strerror(-ret));
		goto out;
	}
	/* Everything durable is there. */
	for (size_t i = 0; i < nrec; i++) {
		bool read_it = contains(lsns, nread, recs[i]->lsn);

		if (read_it || recs[i]->lsn > dlsn)
			continue;
		if (pending_x && truncated_by(recs[i], pending_x) && alive[1])
			continue;
		ret = violation(c,
				"stream %u: acknowledged record 0x%llx (op%llu, %c) is missing (durable up to 0x%llx; the stream: first 0x%llx, base 0x%llx, archive tail 0x%llx, last 0x%llx)",
				stream, L(recs[i]->lsn), (unsigned long long)recs[i]->op,
				recs[i]->kind, L(dlsn), L(q.first_lsn), L(q.base_lsn),
				L(q.archive_tail_lsn), L(q.last_lsn));
		goto out;
	}
	out->lsns[si] = lsns;
	out->nr[si] = nread;
	out->records += nread;
	lsns = NULL;
	ret = 0;
out:
	if (ctx >= 0)
		close(ctx);
	if (m >= 0)
		close(m);
	close(s);
	free(recs);
	free(lsns);
	return ret;
}

static int check_policies(struct ctx *c, int log)
{
	const struct jop *p = last_done(c, 'P', -1), *sz = last_done(c, 'S', -1);
	struct clfs_policy pol;
	struct clfs_log_info info;
	uint32_t low = UINT32_MAX;
	bool after = false;
	int ret;

	ret = clfs_policy_query(log, &pol);
	if (!ret)
		ret = clfs_log_query(log, &info);
	if (ret)
		return violation(c, "policy or log query: %s", strerror(-ret));
	if (p && (!(pol.installed & CLFS_POLICY_MAX_SIZE) || pol.max_containers != p->arg ||
		  !(pol.installed & CLFS_POLICY_MIN_SIZE) || pol.min_containers != p->len))
		return violation(c,
				"acknowledged policies (max %llu, min %u) are not installed (installed 0x%x, max %u, min %u)",
				L(p->arg), p->len,
				 pol.installed, pol.max_containers, pol.min_containers);
	if (p && (info.nr_containers < p->len || info.nr_containers > p->arg))
		return violation(c, "%u containers, outside the policies' %u..%llu",
				 info.nr_containers, p->len, L(p->arg));
	if (!sz)
		return 0;
	for (size_t i = 0; i < c->j->nr; i++) {
		const struct jop *o = &c->j->ops[i];

		if (o == sz)
			after = true;
		if (after && o->kind == 'S' && o->arg < low)
			low = o->arg;
	}
	if (info.nr_containers < low)
		return violation(c, "%u containers, fewer than an acknowledged size leaves (%u)",
				 info.nr_containers, low);
	return 0;
}

int check_log(const char *dev, const struct journal *j, const bool *done,
	      const struct check_result *first, struct check_result *out,
	      char *why, size_t why_bytes)
{
	return check_log_flags(dev, j, done, first, out, 0, why, why_bytes);
}

int check_log_flags(const char *dev, const struct journal *j, const bool *done,
		    const struct check_result *first, struct check_result *out,
		    unsigned int flags, char *why, size_t why_bytes)
{
	struct ctx c = { .j = j, .done = done, .flags = flags, .why = why,
			 .why_bytes = why_bytes };
	uint64_t dlsn;
	int ctl, log, ret = 0;
	bool created = j->nr && j->ops[0].kind == 'C' && done[0];

	memset(out, 0, sizeof(*out));
	why[0] = 0;
	for (size_t i = 0; i < j->nr; i++) {
		unsigned int k;

		if (!strchr("AFUVLRBTX", j->ops[i].kind))
			continue;
		for (k = 0; k < out->nr_streams; k++)
			if (out->stream_ids[k] == j->ops[i].stream)
				break;
		if (k == out->nr_streams && k < CHECK_STREAMS)
			out->stream_ids[out->nr_streams++] = j->ops[i].stream;
	}
	ctl = clfs_open_control(NULL);
	if (ctl < 0)
		return ctl;
	log = clfs_log_open(ctl, dev, 0);
	if (log < 0) {
		close(ctl);
		/* A format that never finished may leave no log, or one torn. */
		if ((log == -ENODATA || log == -EUCLEAN) && !created)
			return 0;
		return violation(&c, "the log does not open: %s", strerror(-log));
	}
	out->opened = true;
	if (!created)
		goto out;
	dlsn = durable_lsn(&c);
	for (unsigned int k = 0; k < out->nr_streams && !ret; k++)
		ret = check_stream(&c, log, out->stream_ids[k], dlsn, first, out, k);
	if (!ret)
		ret = check_policies(&c, log);
out:
	close(log);
	close(ctl);
	return ret;
}

void check_result_free(struct check_result *r)
{
	for (unsigned int k = 0; k < CHECK_STREAMS; k++)
		free(r->lsns[k]);
	memset(r, 0, sizeof(*r));
}

int check_offline(const char *dev, bool need_log, char *why, size_t why_bytes)
{
	struct off_check_opts o = { 0 };
	FILE *null = fopen("/dev/null", "w");
	int status;

	if (!null)
		return -errno;
	status = off_check(dev, &o, false, null, null);
	fclose(null);
	/* Without an acknowledged format, only a crash of the checker is wrong. */
	if (need_log && (status == OFF_EXIT_CORRUPT || status == OFF_EXIT_ERROR)) {
		snprintf(why, why_bytes, "clfsctl check %s: status %d", dev, status);
		return 1;
	}
	return 0;
}
