// SPDX-License-Identifier: GPL-2.0
/*
 * clfs offline engine: clfsctl check.
 *
 * 1. Both metadata copies are judged on their own, and the one to use is
 *    picked as the module picks it (log.c). A bad copy beside a good one
 *    is a warning: the log opens, and its next metadata write repairs it.
 * 2. The chain is walked as recovery walks it, from the recovery start to
 *    the first place without a valid block: that place is the end of the
 *    log, as the module would find it. Every block and record is checked
 *    by the format code on the way.
 * 3. What the walk cannot see by itself: the metadata names LSNs (each
 *    stream's base, last, archive tail, restart area; the epoch start)
 *    that the log once had. Each must still be in the chain; one beyond
 *    the end means blocks were lost. And valid blocks that continue the
 *    chain beyond a damaged one are blocks recovery would drop.
 *
 * A torn tail is not corruption: a crash during writes leaves one, and
 * recovery cuts it. It becomes corruption only when something durable
 * says the log went further: the metadata's LSNs, or the current epoch's
 * start (the end the last open found: every block before it was whole).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "offline.h"
#include "../clfsctl.h"

static __printf(3, 4) void problem(struct off_report *r, enum off_severity sev,
		    const char *fmt, ...)
{
	struct off_problem *p;
	va_list ap;

	if (r->nr_probs % 16 == 0) {
		p = realloc(r->probs, (r->nr_probs + 16) * sizeof(*p));
		if (!p)
			abort();
		r->probs = p;
	}
	p = &r->probs[r->nr_probs++];
	p->sev = sev;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	if (sev == OFF_ERROR)
		r->errors++;
	else if (sev == OFF_WARNING)
		r->warnings++;
}

static struct off_blkent *ent_push(struct off_report *r)
{
	struct off_blkent *e;

	if (r->nr_ents == r->cap_ents) {
		u32 cap = r->cap_ents ? 2 * r->cap_ents : 1024;

		e = realloc(r->ents, cap * sizeof(*e));
		if (!e)
			abort();
		r->ents = e;
		r->cap_ents = cap;
	}
	e = &r->ents[r->nr_ents++];
	memset(e, 0, sizeof(*e));
	e->prev = OFF_NONE;
	return e;
}

/* The chain's block at block LSN @blk, or NULL: the chain is in order. */
static const struct off_blkent *ent_find(const struct off_report *r, u64 blk)
{
	u32 lo = 0, hi = r->nr_ents;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (r->ents[mid].lsn == blk)
			return &r->ents[mid];
		if (r->ents[mid].lsn < blk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- 1. metadata --------------------------------------------------------- */

static void check_metadata(struct off_report *r)
{
	const struct off_log *log = &r->log;
	u32 i;

	for (i = 0; i < CLFS_MD_COPIES; i++) {
		const struct off_md_copy *c = &log->copy[i];

		if (!c->err)
			continue;
		if (log->md)
			problem(r, OFF_WARNING,
				"metadata copy %u: %s (copy %u, generation %llu, is used instead)",
				i, c->why, log->used,
				(unsigned long long)log->md->generation);
		else
			problem(r, OFF_ERROR, "metadata copy %u: %s", i,
				c->why);
	}
	if (!log->md)
		problem(r, OFF_ERROR, "%s", log->why);
	else if (!clfs_md_writable(log->md))
		problem(r, OFF_NOTE,
			"the log has read-only-compatible features %#x this clfsctl does not know: the module opens it read-only",
			log->md->ro_compat & ~CLFS_MD_RO_COMPAT_KNOWN);
}

/* ---- 2. the chain -------------------------------------------------------- */

/* Does block @b belong to its stream as the metadata has it? */
static bool blk_owned(const struct clfs_md *md, const struct clfs_blk *b)
{
	const struct clfs_md_stream *s = &md->streams[b->stream_id];

	return s->state == CLFS_STREAM_ACTIVE && b->lsn >= s->created_lsn;
}

/*
 * A truncation block of stream @sr: its records after @end, up to here,
 * are gone. Live records are a prefix of each block, so pop blocks off
 * the stream's stack while they lie wholly after @end and cut the one
 * that straddles it.
 */
static void truncate_stream(struct off_report *r, struct off_stream_rep *sr,
			    u64 end)
{
	while (sr->top != OFF_NONE) {
		struct off_blkent *e = &r->ents[sr->top];
		u64 last = e->lsn + e->live - 1;

		if (e->lsn > end) {
			sr->truncated += e->live;
			sr->records -= e->live;
			e->live = 0;
			sr->top = e->prev;
			continue;
		}
		if (last > end) {
			sr->truncated += last - end;
			sr->records -= last - end;
			e->live = (u16)(end - e->lsn + 1);
		}
		break;
	}
}

/* Account for one valid block of the chain. */
static void chain_block(struct off_report *r, const struct off_block *b)
{
	const struct clfs_md *md = r->log.md;
	const struct clfs_blk *blk = &b->blk;
	struct off_stream_rep *sr = &r->streams[blk->stream_id];
	const struct clfs_md_stream *ms = &md->streams[blk->stream_id];
	struct off_blkent *e;
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	int ret;

	r->blocks++;
	r->bytes += blk->disk_bytes;
	if (!r->epoch_lo || blk->epoch < r->epoch_lo)
		r->epoch_lo = blk->epoch;
	if (blk->epoch > r->epoch_hi)
		r->epoch_hi = blk->epoch;
	if (!blk->nr_records)
		r->empty_blocks++;

	e = ent_push(r);
	e->lsn = blk->lsn;
	e->stream = blk->stream_id;
	e->nr = blk->nr_records;
	e->owned = blk_owned(md, blk);
	e->trunc = blk->flags & CLFS_BLK_F_TRUNCATE;

	/* clfs_blk_decode() walked the records already: this cannot fail. */
	ret = clfs_rec_iter_init(&it, md, blk, b->buf, blk->used_bytes);
	while (!ret && (ret = clfs_rec_iter_next(&it, &rec)) > 0) {
		r->records++;
		r->client_bytes += rec.data_bytes;
		if (rec.type == CLFS_REC_DATA)
			r->data_records++;
		else if (rec.type == CLFS_REC_RESTART)
			r->restart_records++;
		if (e->owned && rec.lsn == ms->restart_lsn)
			sr->restart_type = rec.type;
		ret = 0;
	}
	if (ret < 0)
		problem(r, OFF_ERROR,
			"block %#llx: its records do not iterate after a valid decode (%s)",
			(unsigned long long)blk->lsn, errno_name(ret));

	if (e->trunc) {
		r->trunc_blocks++;
		if (!e->owned) {
			sr->earlier += blk->nr_records;
			return;
		}
		sr->truncations++;
		sr->blocks++;
		truncate_stream(r, sr, blk->trunc_end_lsn);
		return;
	}
	if (!e->owned) {
		sr->earlier += blk->nr_records;
		return;
	}
	if (!blk->nr_records)
		return;
	sr->blocks++;
	sr->records += blk->nr_records;
	e->live = blk->nr_records;
	e->prev = sr->top;
	sr->top = r->nr_ents - 1;
}

/*
 * How far past the end of the log, inside its container, to look for a
 * block continuing the chain: several of the largest blocks, so a damaged
 * block (or a few) is stepped over without reading the rest of a
 * container that may be 4 GiB of nothing.
 */
#define OFF_SCAN_BYTES		(8U * CLFS_BLK_MAX_BYTES)

/*
 * Look beyond the end of the log for valid blocks that continue the chain
 * past a damaged or missing block: first every sector of the next
 * OFF_SCAN_BYTES of the end's container (the damaged block's length
 * cannot be trusted), then the start of each later container. Such blocks
 * pass every rule recovery applies, with the epoch of the last good
 * block; recovery still drops them, because it stops at the first gap.
 */
static int scan_beyond(struct off_report *r, u32 min_epoch)
{
	struct off_log *log = &r->log;
	const struct clfs_md *md = log->md;
	u32 sector = md->geo.sector_bytes;
	u32 cid = clfs_lsn_container(r->end_lsn);
	u64 o, found = CLFS_LSN_NULL, base, cont_end, scan_end;
	struct off_block b;
	struct off_walk w;
	int ret;

	if (r->end_lsn == CLFS_LSN_INVALID ||
	    clfs_md_lsn_to_dev(md, r->end_lsn, &base))
		return 0;
	base -= clfs_lsn_block_offset(r->end_lsn);
	cont_end = base + md->geo.container_bytes;
	scan_end = clfs_lsn_block_offset(r->end_lsn) + (u64)OFF_SCAN_BYTES;
	if (scan_end > md->geo.container_bytes)
		scan_end = md->geo.container_bytes;
	for (o = clfs_lsn_block_offset(r->end_lsn) + sector;
	     o < scan_end && !found; o += sector) {
		const struct clfs_blk_disk *bd;
		u64 lsn = clfs_lsn_make(cid, (u32)o, 0);
		const u8 *p;

		ret = off_image_view(log->img, base + o, sector, cont_end, &p);
		if (ret)
			return ret;
		bd = (const void *)p;
		/* Only a header naming this very place can be a block here. */
		if (le32_to_cpu(bd->magic) != CLFS_BLK_MAGIC ||
		    le64_to_cpu(bd->lsn) != lsn)
			continue;
		ret = off_block_read(log, lsn, min_epoch, &b);
		if (!ret)
			found = lsn;
		else if (!off_format_error(ret))
			return ret;
	}
	while (!found && cid < CLFS_LSN_CONTAINER_MAX &&
	       clfs_md_cid_to_slot(md, ++cid) >= 0) {
		u64 lsn = clfs_lsn_make(cid, 0, 0);

		ret = off_block_read(log, lsn, min_epoch, &b);
		if (!ret)
			found = lsn;
		else if (!off_format_error(ret))
			return ret;
	}
	if (!found)
		return 0;
	r->lost_lsn = found;
	off_walk_init(&w, log, found, min_epoch);
	while ((ret = off_walk_next(&w)) > 0) {
		r->lost_blocks++;
		r->lost_records += w.b.blk.nr_records;
	}
	return ret;
}

static int walk_chain(struct off_report *r)
{
	struct off_walk w;
	int ret;

	r->start_lsn = clfs_md_follow_seal(r->log.md, r->log.md->recovery_lsn);
	off_walk_init(&w, &r->log, r->start_lsn, 0);
	while ((ret = off_walk_next(&w)) > 0)
		chain_block(r, &w.b);
	if (ret < 0)
		return ret;
	r->end_lsn = w.lsn;
	r->end_err = w.end;
	ret = off_block_why(&r->log, w.lsn, w.min_epoch, w.end, r->end_why,
			    sizeof(r->end_why));
	if (ret)
		return ret;
	return scan_beyond(r, w.min_epoch);
}

/* ---- 3. cross-checks ----------------------------------------------------- */

static void check_end(struct off_report *r)
{
	const struct clfs_md *md = r->log.md;
	char l1[LSN_STR_BYTES], l2[LSN_STR_BYTES], l3[LSN_STR_BYTES];
	char lost[OFF_WHY_BYTES] = "";

	if (r->lost_lsn)
		snprintf(lost, sizeof(lost),
			 "; %llu valid blocks (%llu records) from %s follow it",
			 (unsigned long long)r->lost_blocks,
			 (unsigned long long)r->lost_records,
			 lsn_str(l3, r->lost_lsn));
	if (r->end_lsn < md->epoch_start_lsn)
		problem(r, OFF_ERROR,
			"block %s: %s: the log ends there, before the current epoch's start %s, which the last open found whole: blocks were lost%s",
			lsn_str(l1, r->end_lsn), r->end_why,
			lsn_str(l2, md->epoch_start_lsn), lost);
	else if (r->lost_lsn)
		problem(r, OFF_WARNING,
			"block %s: %s%s: recovery ends the log here and drops them (a crash in the middle of writes leaves this; a cleanly closed log must not)",
			lsn_str(l1, r->end_lsn), r->end_why, lost);
}

/*
 * What the record at @lsn is to stream @id: NULL if its own, else why not;
 * *@cut says a truncation of the stream removed it.
 */
static const char *rec_owner_why(const struct off_report *r, u32 id, u64 lsn,
				 char *why, size_t len, bool *cut)
{
	const struct off_blkent *e = ent_find(r, clfs_lsn_block(lsn));
	u32 idx = clfs_lsn_record_index(lsn);

	*cut = false;
	if (!e)
		snprintf(why, len, "no block of the chain starts at %#llx",
			 (unsigned long long)clfs_lsn_block(lsn));
	else if (e->stream != id)
		snprintf(why, len, "its block belongs to stream %u", e->stream);
	else if (!e->owned)
		snprintf(why, len, "its block is below the stream's created_lsn (an earlier stream with this id)");
	else if (e->trunc)
		snprintf(why, len, "it is a truncation record");
	else if (idx >= e->nr)
		snprintf(why, len, "its block holds only %u records", e->nr);
	else if (idx >= e->live)
		snprintf(why, len, "a truncation of the stream removed it");
	else
		return NULL;
	*cut = e && e->stream == id && e->owned && !e->trunc &&
	       idx < e->nr && idx >= e->live;
	return why;
}

static void check_stream_lsn(struct off_report *r, u32 id, const char *field,
			     u64 lsn)
{
	char l1[LSN_STR_BYTES], l2[LSN_STR_BYTES], why[OFF_WHY_BYTES];
	bool restart = !strcmp(field, "restart_lsn");
	bool last = !strcmp(field, "last_lsn");
	bool cut;

	if (lsn == CLFS_LSN_NULL)
		return;
	if (clfs_lsn_block(lsn) >= r->end_lsn) {
		problem(r, OFF_ERROR,
			"stream %u: %s %s is beyond the end of the log at %s: lost blocks",
			id, field, lsn_str(l1, lsn), lsn_str(l2, r->end_lsn));
		return;
	}
	if (clfs_lsn_block(lsn) < r->start_lsn) {
		/*
		 * Recycling keeps the recovery start at or before every
		 * stream's base and archive tail, hence last; a restart area
		 * may be older than the base and recycled.
		 */
		if (restart)
			problem(r, OFF_NOTE,
				"stream %u: %s %s is before the recovery start %s: not checked",
				id, field, lsn_str(l1, lsn),
				lsn_str(l2, r->start_lsn));
		else
			problem(r, OFF_ERROR,
				"stream %u: %s %s is before the log's recovery start %s",
				id, field, lsn_str(l1, lsn),
				lsn_str(l2, r->start_lsn));
		return;
	}
	if (!rec_owner_why(r, id, lsn, why, sizeof(why), &cut)) {
		if (restart && r->streams[id].restart_type != CLFS_REC_RESTART)
			problem(r, OFF_ERROR,
				"stream %u: %s %s names a %s record, not a restart area",
				id, field, lsn_str(l1, lsn),
				off_rec_type_name(r->streams[id].restart_type) ?: "?");
		return;
	}
	/*
	 * A truncation block is made durable before the metadata commit
	 * that moves last and restart back to its end: a crash in between
	 * leaves them in the hole, and recovery rebuilds the hole anyway.
	 */
	if (cut && (restart || last))
		problem(r, OFF_WARNING,
			"stream %u: %s %s names no record of the stream: %s (a crash between a truncation and its metadata commit leaves this)",
			id, field, lsn_str(l1, lsn), why);
	else
		problem(r, OFF_ERROR,
			"stream %u: %s %s names no record of the stream: %s",
			id, field, lsn_str(l1, lsn), why);
}

static void check_streams(struct off_report *r)
{
	const struct clfs_md *md = r->log.md;
	u32 i;

	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		const struct clfs_md_stream *s = &md->streams[i];

		if (s->state != CLFS_STREAM_ACTIVE) {
			if (r->streams[i].earlier)
				problem(r, OFF_NOTE,
					"stream %u is not in the metadata; the chain holds %llu records of it (a deleted stream)",
					i, (unsigned long long)r->streams[i].earlier);
			continue;
		}
		check_stream_lsn(r, i, "base_lsn", s->base_lsn);
		check_stream_lsn(r, i, "last_lsn", s->last_lsn);
		check_stream_lsn(r, i, "archive_tail_lsn", s->archive_tail_lsn);
		check_stream_lsn(r, i, "restart_lsn", s->restart_lsn);
	}
}

/* ---- the whole check ----------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/**
 * off_check_run() - check the log on @path
 * @r: filled in; free with off_report_free()
 * @path: a block device or image file
 * @o: options
 *
 * Return: the exit status (OFF_EXIT_*), also in @r->status.
 */
int off_check_run(struct off_report *r, const char *path,
		  const struct off_check_opts *o)
{
	char why[OFF_WHY_BYTES];
	double t0 = now();
	u32 i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->img.fd = -1;
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		r->streams[i].top = OFF_NONE;
	ret = off_image_open(&r->img, path, o->force, why, sizeof(why));
	if (ret) {
		problem(r, OFF_ERROR, "%s", why);
		r->status = OFF_EXIT_ERROR;
		return r->status;
	}
	ret = off_log_load(&r->log, &r->img);
	if (ret)
		goto io_error;
	r->opened = true;
	check_metadata(r);
	if (r->log.md) {
		ret = walk_chain(r);
		if (ret)
			goto io_error;
		check_end(r);
		check_streams(r);
	}
	r->seconds = now() - t0;
	if (r->errors)
		r->status = OFF_EXIT_CORRUPT;
	else if (r->warnings)
		r->status = o->strict ? OFF_EXIT_CORRUPT : OFF_EXIT_WARNING;
	else
		r->status = OFF_EXIT_CLEAN;
	return r->status;

io_error:
	problem(r, OFF_ERROR, "%s: read failed: %s", path, strerror(-ret));
	r->seconds = now() - t0;
	r->status = OFF_EXIT_ERROR;
	return r->status;
}

void off_report_free(struct off_report *r)
{
	off_log_free(&r->log);
	off_image_close(&r->img);
	free(r->ents);
	free(r->probs);
	r->ents = NULL;
	r->probs = NULL;
}

/* ---- output -------------------------------------------------------------- */

static const char *cont_state(u32 state)
{
	switch (state) {
	case CLFS_CONT_FREE:
		return "free";
	case CLFS_CONT_ACTIVE:
		return "active";
	}
	return "none";
}

static void uuid_str(const u8 *u, char *buf)
{
	int i;

	for (i = 0; i < 16; i++)
		buf += sprintf(buf, "%02x%s", u[i],
			       i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
}

/* The metadata as text: copies, the copy in use, containers, streams. */
void off_print_metadata(const struct off_log *log, FILE *out)
{
	const struct clfs_md *md = log->md;
	char u[40], l1[LSN_STR_BYTES], l2[LSN_STR_BYTES];
	char l3[LSN_STR_BYTES], l4[LSN_STR_BYTES], l5[LSN_STR_BYTES];
	u32 i;

	for (i = 0; i < CLFS_MD_COPIES; i++) {
		const struct off_md_copy *c = &log->copy[i];

		if (!c->err)
			fprintf(out, "metadata copy %u: valid, generation %llu%s\n",
				i, (unsigned long long)c->generation,
				md && log->used == i ? " (in use)" : "");
		else if (c->magic)
			fprintf(out, "metadata copy %u: %s; generation field %llu\n",
				i, c->why, (unsigned long long)c->generation);
		else
			fprintf(out, "metadata copy %u: %s\n", i, c->why);
	}
	if (!md)
		return;
	uuid_str(md->uuid, u);
	fprintf(out, "log: uuid %s, %s, %s, %u-byte sectors\n", u,
		md->log_flags & CLFS_MD_LOG_MULTIPLEXED ? "multiplexed" :
							  "dedicated",
		md->log_flags & CLFS_MD_LOG_ARCHIVED ? "archived" : "ephemeral",
		md->geo.sector_bytes);
	fprintf(out, "layout: %u slots of %llu bytes from offset %llu, for a %llu-byte device\n",
		md->geo.nr_slots, (unsigned long long)md->geo.container_bytes,
		(unsigned long long)md->geo.data_start_bytes,
		(unsigned long long)md->geo.device_bytes);
	fprintf(out, "epoch %u since %s, recovery start %s, next container id %u\n",
		md->epoch, lsn_str(l1, md->epoch_start_lsn),
		lsn_str(l2, md->recovery_lsn), md->next_cid);
	if (md->compat || md->ro_compat || md->incompat)
		fprintf(out, "features: compat %#x, ro_compat %#x, incompat %#x\n",
			md->compat, md->ro_compat, md->incompat);
	if (md->policy.installed) {
		const struct clfs_md_policy *p = &md->policy;

		fprintf(out, "policies %#x: max %u, min %u containers, growth %u containers or %u%%, tail free %u%% or %u containers, shrink at %u%% free, auto grow %u\n",
			p->installed, p->max_containers, p->min_containers,
			p->growth_containers, p->growth_pct, p->tail_free_pct,
			p->tail_free_containers, p->shrink_free_pct,
			p->auto_grow);
	}
	fprintf(out, "containers:\n");
	for (i = 0; i < md->geo.nr_slots; i++) {
		const struct clfs_md_container *c = &md->containers[i];

		if (c->state == CLFS_CONT_NONE)
			continue;
		fprintf(out, "  slot %u: %s", i, cont_state(c->state));
		if (c->state == CLFS_CONT_ACTIVE)
			fprintf(out, ", logical id %u", c->logical_id);
		fprintf(out, ", device offset %#llx\n",
			(unsigned long long)clfs_md_slot_offset(md, i));
	}
	fprintf(out, "streams in the metadata:\n");
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		const struct clfs_md_stream *s = &md->streams[i];

		if (s->state != CLFS_STREAM_ACTIVE)
			continue;
		fprintf(out, "  stream %u: created %s, base %s, last %s, archive tail %s, restart %s\n",
			i, lsn_str(l1, s->created_lsn), lsn_str(l2, s->base_lsn),
			lsn_str(l3, s->last_lsn),
			lsn_str(l4, s->archive_tail_lsn),
			lsn_str(l5, s->restart_lsn));
	}
}

void off_json_metadata(const struct off_log *log, struct json *j)
{
	const struct clfs_md *md = log->md;
	char u[40];
	u32 i;

	json_obj_begin(j, "metadata");
	json_arr_begin(j, "copies");
	for (i = 0; i < CLFS_MD_COPIES; i++) {
		const struct off_md_copy *c = &log->copy[i];

		json_obj_begin(j, NULL);
		json_u64(j, "copy", i);
		json_bool(j, "valid", !c->err);
		json_str(j, "error", c->err ? errno_name(c->err) : NULL);
		json_str(j, "reason", c->why);
		if (c->magic)
			json_u64(j, "generation", c->generation);
		else
			json_null(j, "generation");
		json_obj_end(j);
	}
	json_arr_end(j);
	if (log->selected >= 0)
		json_u64(j, "selected", log->selected);
	else
		json_null(j, "selected");
	if (!md) {
		json_str(j, "error", log->why);
		json_obj_end(j);
		return;
	}
	json_u64(j, "in_use", log->used);
	json_u64(j, "generation", md->generation);
	uuid_str(md->uuid, u);
	json_str(j, "uuid", u);
	json_bool(j, "multiplexed", md->log_flags & CLFS_MD_LOG_MULTIPLEXED);
	json_bool(j, "archived", md->log_flags & CLFS_MD_LOG_ARCHIVED);
	json_u64(j, "sector_bytes", md->geo.sector_bytes);
	json_u64(j, "container_bytes", md->geo.container_bytes);
	json_u64(j, "nr_slots", md->geo.nr_slots);
	json_u64(j, "data_start_bytes", md->geo.data_start_bytes);
	json_u64(j, "device_bytes", md->geo.device_bytes);
	json_u64(j, "compat", md->compat);
	json_u64(j, "ro_compat", md->ro_compat);
	json_u64(j, "incompat", md->incompat);
	json_u64(j, "epoch", md->epoch);
	json_lsn(j, "epoch_start_lsn", md->epoch_start_lsn);
	json_lsn(j, "recovery_lsn", md->recovery_lsn);
	json_u64(j, "next_cid", md->next_cid);
	json_obj_begin(j, "policy");
	json_u64(j, "installed", md->policy.installed);
	json_u64(j, "max_containers", md->policy.max_containers);
	json_u64(j, "min_containers", md->policy.min_containers);
	json_u64(j, "growth_containers", md->policy.growth_containers);
	json_u64(j, "growth_pct", md->policy.growth_pct);
	json_u64(j, "tail_free_pct", md->policy.tail_free_pct);
	json_u64(j, "tail_free_containers", md->policy.tail_free_containers);
	json_u64(j, "shrink_free_pct", md->policy.shrink_free_pct);
	json_u64(j, "auto_grow", md->policy.auto_grow);
	json_u64(j, "new_container_bytes", md->policy.new_container_bytes);
	json_obj_end(j);
	json_arr_begin(j, "containers");
	for (i = 0; i < md->geo.nr_slots; i++) {
		const struct clfs_md_container *c = &md->containers[i];

		if (c->state == CLFS_CONT_NONE)
			continue;
		json_obj_begin(j, NULL);
		json_u64(j, "slot", i);
		json_str(j, "state", cont_state(c->state));
		if (c->state == CLFS_CONT_ACTIVE)
			json_u64(j, "logical_id", c->logical_id);
		else
			json_null(j, "logical_id");
		json_u64(j, "device_offset", clfs_md_slot_offset(md, i));
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* One stream as text: the metadata's LSNs and what the chain holds. */
static void print_stream(const struct off_report *r, u32 i, FILE *out)
{
	const struct clfs_md_stream *s = &r->log.md->streams[i];
	const struct off_stream_rep *sr = &r->streams[i];
	char l1[LSN_STR_BYTES], l2[LSN_STR_BYTES], l3[LSN_STR_BYTES];
	char l4[LSN_STR_BYTES], l5[LSN_STR_BYTES], l6[LSN_STR_BYTES];
	u64 last = CLFS_LSN_NULL;

	if (sr->top != OFF_NONE)
		last = r->ents[sr->top].lsn + r->ents[sr->top].live - 1;
	if (s->state != CLFS_STREAM_ACTIVE) {
		fprintf(out, "  stream %u: not in the metadata, records 0, earlier %llu\n",
			i, (unsigned long long)sr->earlier);
		return;
	}
	fprintf(out, "  stream %u: active, created %s, base %s, last %s, archive tail %s, restart %s, records %llu, blocks %llu, last record %s",
		i, lsn_str(l1, s->created_lsn), lsn_str(l2, s->base_lsn),
		lsn_str(l3, s->last_lsn), lsn_str(l4, s->archive_tail_lsn),
		lsn_str(l5, s->restart_lsn), (unsigned long long)sr->records,
		(unsigned long long)sr->blocks, lsn_str(l6, last));
	if (sr->truncations)
		fprintf(out, ", truncations %llu (%llu records)",
			(unsigned long long)sr->truncations,
			(unsigned long long)sr->truncated);
	if (sr->earlier)
		fprintf(out, ", earlier %llu", (unsigned long long)sr->earlier);
	fputc('\n', out);
}

static void json_stream(const struct off_report *r, u32 i, struct json *j)
{
	const struct clfs_md_stream *s = &r->log.md->streams[i];
	const struct off_stream_rep *sr = &r->streams[i];
	u64 last = CLFS_LSN_NULL;

	if (sr->top != OFF_NONE)
		last = r->ents[sr->top].lsn + r->ents[sr->top].live - 1;
	json_obj_begin(j, NULL);
	json_u64(j, "id", i);
	json_str(j, "state", s->state == CLFS_STREAM_ACTIVE ? "active" : "none");
	json_lsn(j, "created_lsn", s->created_lsn);
	json_lsn(j, "base_lsn", s->base_lsn);
	json_lsn(j, "last_lsn", s->last_lsn);
	json_lsn(j, "archive_tail_lsn", s->archive_tail_lsn);
	json_lsn(j, "restart_lsn", s->restart_lsn);
	json_u64(j, "records", sr->records);
	json_u64(j, "blocks", sr->blocks);
	json_lsn(j, "last_record_lsn", last);
	json_u64(j, "truncations", sr->truncations);
	json_u64(j, "truncated_records", sr->truncated);
	json_u64(j, "earlier_records", sr->earlier);
	json_obj_end(j);
}

static const char *sev_name(enum off_severity sev)
{
	return sev == OFF_ERROR ? "error" : sev == OFF_WARNING ? "warning" :
								 "note";
}

static void print_text(const struct off_report *r, FILE *out)
{
	char l1[LSN_STR_BYTES], l2[LSN_STR_BYTES], l3[LSN_STR_BYTES];
	u32 i;

	fprintf(out, "device: %s, %llu bytes, %s\n", r->img.path,
		(unsigned long long)r->img.size,
		r->img.is_bdev ? "block device" : "image file");
	if (!r->opened)
		return;
	off_print_metadata(&r->log, out);
	if (!r->log.md)
		goto result;
	fprintf(out, "chain: %llu blocks from the recovery start %s to the end of the log %s: %s\n",
		(unsigned long long)r->blocks, lsn_str(l1, r->start_lsn),
		lsn_str(l2, r->end_lsn), r->end_why);
	if (r->lost_lsn)
		fprintf(out, "beyond the end: %llu valid blocks (%llu records) from %s\n",
			(unsigned long long)r->lost_blocks,
			(unsigned long long)r->lost_records,
			lsn_str(l3, r->lost_lsn));
	fprintf(out, "streams in the chain:\n");
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		if (r->log.md->streams[i].state == CLFS_STREAM_ACTIVE ||
		    r->streams[i].earlier)
			print_stream(r, i, out);
	fprintf(out, "totals: %llu blocks, %llu bytes, %llu records (%llu data, %llu restart), %llu client bytes, %llu empty blocks, %llu truncation blocks, epochs %u..%u\n",
		(unsigned long long)r->blocks, (unsigned long long)r->bytes,
		(unsigned long long)r->records,
		(unsigned long long)r->data_records,
		(unsigned long long)r->restart_records,
		(unsigned long long)r->client_bytes,
		(unsigned long long)r->empty_blocks,
		(unsigned long long)r->trunc_blocks, r->epoch_lo, r->epoch_hi);
	fprintf(out, "read %llu bytes in %llu reads, %.3f s\n",
		(unsigned long long)r->img.bytes_read,
		(unsigned long long)r->img.nr_reads, r->seconds);
result:
	if (r->errors || r->warnings)
		fprintf(out, "result: %u errors, %u warnings\n", r->errors,
			r->warnings);
	else
		fprintf(out, "result: clean\n");
}

static void print_json(const struct off_report *r, FILE *out)
{
	struct json j;
	u32 i;

	json_init(&j, out);
	json_obj_begin(&j, NULL);
	json_str(&j, "device", r->img.path);
	json_u64(&j, "device_bytes", r->img.size);
	if (r->opened)
		off_json_metadata(&r->log, &j);
	if (r->log.md) {
		json_obj_begin(&j, "chain");
		json_lsn(&j, "start_lsn", r->start_lsn);
		json_lsn(&j, "end_lsn", r->end_lsn);
		json_str(&j, "end_error", errno_name(r->end_err));
		json_str(&j, "end_reason", r->end_why);
		json_u64(&j, "blocks", r->blocks);
		json_u64(&j, "bytes", r->bytes);
		json_u64(&j, "records", r->records);
		json_u64(&j, "data_records", r->data_records);
		json_u64(&j, "restart_records", r->restart_records);
		json_u64(&j, "client_bytes", r->client_bytes);
		json_u64(&j, "empty_blocks", r->empty_blocks);
		json_u64(&j, "truncation_blocks", r->trunc_blocks);
		json_u64(&j, "epoch_min", r->epoch_lo);
		json_u64(&j, "epoch_max", r->epoch_hi);
		json_lsn(&j, "lost_lsn", r->lost_lsn);
		json_u64(&j, "lost_blocks", r->lost_blocks);
		json_u64(&j, "lost_records", r->lost_records);
		json_obj_end(&j);
		json_arr_begin(&j, "streams");
		for (i = 0; i < CLFS_MAX_STREAMS; i++)
			if (r->log.md->streams[i].state == CLFS_STREAM_ACTIVE ||
			    r->streams[i].earlier)
				json_stream(r, i, &j);
		json_arr_end(&j);
	}
	json_arr_begin(&j, "problems");
	for (i = 0; i < r->nr_probs; i++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "severity", sev_name(r->probs[i].sev));
		json_str(&j, "message", r->probs[i].msg);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_u64(&j, "errors", r->errors);
	json_u64(&j, "warnings", r->warnings);
	json_u64(&j, "bytes_read", r->img.bytes_read);
	json_u64(&j, "reads", r->img.nr_reads);
	json_u64(&j, "microseconds", (u64)(r->seconds * 1e6));
	json_s64(&j, "status", r->status);
	json_obj_end(&j);
	json_finish(&j);
}

/**
 * off_check_print() - print a report
 * @r: the report
 * @out: the report, as text or JSON
 * @err: problems, one line each ("clfsctl check: error: ...")
 * @json: JSON on @out
 */
void off_check_print(const struct off_report *r, FILE *out, FILE *err,
		     bool json)
{
	u32 i;

	if (json)
		print_json(r, out);
	else
		print_text(r, out);
	for (i = 0; i < r->nr_probs; i++)
		print_msg(err, "check", sev_name(r->probs[i].sev), "%s",
			  r->probs[i].msg);
}

int off_check(const char *path, const struct off_check_opts *o, bool json,
	      FILE *out, FILE *err)
{
	struct off_report *r = malloc(sizeof(*r));
	int status;

	if (!r) {
		print_msg(err, "check", "error", "out of memory");
		return OFF_EXIT_ERROR;
	}
	status = off_check_run(r, path, o);
	off_check_print(r, out, err, json);
	off_report_free(r);
	free(r);
	return status;
}
