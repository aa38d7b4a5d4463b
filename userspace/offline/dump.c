// SPDX-License-Identifier: GPL-2.0
/*
 * clfs offline engine: clfsctl dump.
 *
 * Prints the metadata and then the chain as recovery walks it: every block
 * header and every record header, optionally the records' bytes. It judges
 * nothing beyond what decoding needs (that is clfsctl check's job); it
 * only says where and why the walk stopped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "offline.h"
#include "../clfsctl.h"

struct dump {
	const struct off_dump_opts *o;
	struct off_log *log;
	FILE *out;
	bool json;
	struct json j;
	u64 blocks;
	u64 records;
};

static void dump_record(struct dump *d, const struct off_block *b,
			const struct clfs_rec *rec)
{
	const char *type = off_rec_type_name(rec->type);
	char l1[LSN_STR_BYTES], l2[LSN_STR_BYTES], l3[LSN_STR_BYTES];
	char tbuf[16];

	if (!type) {
		snprintf(tbuf, sizeof(tbuf), "type %u", rec->type);
		type = tbuf;
	}
	d->records++;
	if (d->json) {
		json_obj_begin(&d->j, NULL);
		json_lsn(&d->j, "lsn", rec->lsn);
		json_u64(&d->j, "stream", b->blk.stream_id);
		json_str(&d->j, "type", type);
		json_lsn(&d->j, "prev_lsn", rec->prev_lsn);
		json_lsn(&d->j, "undo_next_lsn", rec->undo_next_lsn);
		json_u64(&d->j, "data_bytes", rec->data_bytes);
		if (d->o->data)
			json_hex(&d->j, "data", b->buf + rec->data_offset,
				 rec->data_bytes);
		json_obj_end(&d->j);
		return;
	}
	fprintf(d->out, "  record %s: stream %u, %s, prev %s, undo-next %s, %u bytes\n",
		lsn_str(l1, rec->lsn), b->blk.stream_id, type,
		lsn_str(l2, rec->prev_lsn), lsn_str(l3, rec->undo_next_lsn),
		rec->data_bytes);
	if (d->o->data)
		hexdump(d->out, "    ", b->buf + rec->data_offset,
			rec->data_bytes);
}

static void dump_block(struct dump *d, const struct off_block *b)
{
	const struct clfs_blk *blk = &b->blk;
	char l1[LSN_STR_BYTES], l2[LSN_STR_BYTES], flags[64];
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	int ret;

	d->blocks++;
	off_blk_flags_str(blk->flags, flags, sizeof(flags));
	if (d->json) {
		json_obj_begin(&d->j, NULL);
		json_lsn(&d->j, "lsn", blk->lsn);
		json_u64(&d->j, "device_offset", b->dev_off);
		json_u64(&d->j, "stream", blk->stream_id);
		json_u64(&d->j, "epoch", blk->epoch);
		json_u64(&d->j, "nr_records", blk->nr_records);
		json_u64(&d->j, "used_bytes", blk->used_bytes);
		json_u64(&d->j, "disk_bytes", blk->disk_bytes);
		json_str(&d->j, "flags", flags);
		if (blk->flags & CLFS_BLK_F_TRUNCATE) {
			json_obj_begin(&d->j, "truncation");
			json_lsn(&d->j, "end_lsn", blk->trunc_end_lsn);
			json_lsn(&d->j, "restart_lsn", blk->trunc_restart_lsn);
			json_obj_end(&d->j);
		}
	} else {
		fprintf(d->out, "block %s: stream %u, epoch %u, %u records, %u used bytes, %u on disk at device offset %#llx, flags %s\n",
			lsn_str(l1, blk->lsn), blk->stream_id, blk->epoch,
			blk->nr_records, blk->used_bytes, blk->disk_bytes,
			(unsigned long long)b->dev_off, flags);
		if (blk->flags & CLFS_BLK_F_TRUNCATE)
			fprintf(d->out, "  truncation: stream %u ends at %s, its records after it up to here are gone; restart area %s\n",
				blk->stream_id, lsn_str(l1, blk->trunc_end_lsn),
				lsn_str(l2, blk->trunc_restart_lsn));
	}
	if (!d->o->headers) {
		if (d->json)
			json_arr_begin(&d->j, "records");
		ret = clfs_rec_iter_init(&it, d->log->md, blk, b->buf,
					 blk->used_bytes);
		while (!ret && clfs_rec_iter_next(&it, &rec) > 0)
			if (rec.lsn >= d->o->from)
				dump_record(d, b, &rec);
		if (d->json)
			json_arr_end(&d->j);
	}
	if (d->json)
		json_obj_end(&d->j);
}

/* Walk from @start; returns 0, 1 if @start itself is no block, or -errno. */
static int dump_chain(struct dump *d, u64 start)
{
	char l1[LSN_STR_BYTES], why[OFF_WHY_BYTES];
	struct off_walk w;
	int ret;

	off_walk_init(&w, d->log, start, 0);
	if (d->json)
		json_arr_begin(&d->j, "blocks");
	while ((ret = off_walk_next(&w)) > 0) {
		if (d->o->stream >= 0 && w.b.blk.stream_id != d->o->stream)
			continue;
		dump_block(d, &w.b);
	}
	if (d->json)
		json_arr_end(&d->j);
	if (ret < 0)
		return ret;
	ret = off_block_why(d->log, w.lsn, w.min_epoch, w.end, why,
			    sizeof(why));
	if (ret)
		return ret;
	if (d->json) {
		json_obj_begin(&d->j, "end");
		json_lsn(&d->j, "lsn", w.lsn);
		json_str(&d->j, "error", errno_name(w.end));
		json_str(&d->j, "reason", why);
		json_obj_end(&d->j);
		json_u64(&d->j, "blocks_printed", d->blocks);
		json_u64(&d->j, "records_printed", d->records);
	} else {
		fprintf(d->out, "end of the log at %s: %s\n", lsn_str(l1, w.lsn),
			why);
		fprintf(d->out, "%llu blocks, %llu records printed\n",
			(unsigned long long)d->blocks,
			(unsigned long long)d->records);
	}
	return w.lsn == start ? 1 : 0;
}

/**
 * off_dump() - print a log's metadata, blocks and records
 * @path: a block device or image file
 * @o: what to print
 * @json: JSON instead of text on @out
 * @out: the dump
 * @err: error messages
 *
 * Return: 0; 1 if no metadata copy is usable (or the one asked for is not)
 * or nothing valid is at the --from position; 2 for an I/O error.
 */
int off_dump(const char *path, const struct off_dump_opts *o, bool json,
	     FILE *out, FILE *err)
{
	char why[OFF_WHY_BYTES], l1[LSN_STR_BYTES];
	struct off_image img;
	struct off_log log;
	struct dump d = {
		.o = o, .log = &log, .out = out, .json = json,
	};
	int ret, status = 0;
	u64 start;

	ret = off_image_open(&img, path, o->force, why, sizeof(why));
	if (ret) {
		print_msg(err, "dump", "error", "%s", why);
		return OFF_EXIT_ERROR;
	}
	ret = off_log_load(&log, &img);
	if (ret) {
		print_msg(err, "dump", "error", "%s: read failed: %s", path,
			  strerror(-ret));
		off_image_close(&img);
		return OFF_EXIT_ERROR;
	}
	if (o->copy >= 0 && off_log_use_copy(&log, o->copy)) {
		print_msg(err, "dump", "error", "metadata copy %d: %s", o->copy,
			  log.copy[o->copy].why);
		log.md = NULL;
		snprintf(log.why, sizeof(log.why), "metadata copy %d is not valid",
			 o->copy);
	}
	if (json) {
		json_init(&d.j, out);
		json_obj_begin(&d.j, NULL);
		json_str(&d.j, "device", path);
		json_u64(&d.j, "device_bytes", img.size);
		off_json_metadata(&log, &d.j);
	} else {
		fprintf(out, "device: %s, %llu bytes, %s\n", path,
			(unsigned long long)img.size,
			img.is_bdev ? "block device" : "image file");
		off_print_metadata(&log, out);
	}
	if (!log.md) {
		print_msg(err, "dump", "error", "%s", log.why);
		status = OFF_EXIT_CORRUPT;
	} else if (!o->metadata_only) {
		start = o->from ? clfs_lsn_block(o->from) :
			clfs_md_follow_seal(log.md, log.md->recovery_lsn);
		ret = dump_chain(&d, start);
		if (ret < 0) {
			print_msg(err, "dump", "error", "%s: read failed: %s",
				  path, strerror(-ret));
			status = OFF_EXIT_ERROR;
		} else if (ret && o->from) {
			print_msg(err, "dump", "error",
				  "no valid block at %s (see the end of the dump)",
				  lsn_str(l1, start));
			status = OFF_EXIT_CORRUPT;
		}
	}
	if (json) {
		json_s64(&d.j, "status", status);
		json_obj_end(&d.j);
		json_finish(&d.j);
	}
	off_log_free(&log);
	off_image_close(&img);
	return status;
}
