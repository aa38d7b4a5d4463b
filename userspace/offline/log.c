// SPDX-License-Identifier: GPL-2.0
/*
 * clfs offline engine: metadata copies and log I/O blocks, read the way the
 * module reads them, and explained when they are not valid.
 *
 * The verdicts are the format code's: clfs_md_decode() and clfs_md_select()
 * for the metadata, clfs_blk_peek() and clfs_blk_decode() for blocks,
 * clfs_blk_next_lsn() for the chain, exactly as kmod/log/clfs_md_io.c and
 * kmod/log/clfs_recover.c call them. The format code only says which rule
 * failed as an errno; the *_why() functions below look at the raw bytes
 * again, in the order the format code checks them, to say which field is
 * wrong and how. They never overrule a verdict: if they find nothing more
 * precise, they name the errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "offline.h"
#include "../clfsctl.h"

/* ---- small helpers ------------------------------------------------------- */

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* Offset of the first non-zero byte in @n bytes at @off of @raw, or -1. */
static long first_nonzero(const u8 *raw, size_t off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (raw[off + i])
			return (long)(off + i);
	return -1;
}

bool off_format_error(int err)
{
	return err == -ENODATA || err == -EUCLEAN || err == -ESTALE ||
	       err == -ENOENT || err == -EINVAL;
}

const char *off_rec_type_name(u32 type)
{
	switch (type) {
	case CLFS_REC_DATA:
		return "data";
	case CLFS_REC_RESTART:
		return "restart";
	case CLFS_REC_TRUNCATE:
		return "truncate";
	}
	return NULL;
}

void off_blk_flags_str(u32 flags, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	if (flags & CLFS_BLK_F_CONTAINER_END)
		n += snprintf(buf + n, len - n, "container-end");
	if (flags & CLFS_BLK_F_TRUNCATE && n < len)
		n += snprintf(buf + n, len - n, "%struncate", n ? "," : "");
	flags &= ~CLFS_BLK_F_KNOWN;
	if (flags && n < len)
		n += snprintf(buf + n, len - n, "%s%#x", n ? "," : "", flags);
	if (!n)
		snprintf(buf, len, "-");
}

/* ---- metadata ------------------------------------------------------------ */

#define MD_OFF(field)	offsetof(struct clfs_md_disk, field)

/* The first reserved byte of a copy that is not zero, or -1. */
static long md_reserved_nonzero(const u8 *raw)
{
	static const struct {
		size_t off, len;
	} areas[] = {
		{ MD_OFF(reserved0), sizeof(((struct clfs_md_disk *)0)->reserved0) },
		{ MD_OFF(reserved1), sizeof(((struct clfs_md_disk *)0)->reserved1) },
		{ MD_OFF(policy.reserved0), sizeof(__le32) },
		{ MD_OFF(policy.reserved),
		  sizeof(((struct clfs_md_policy_disk *)0)->reserved) },
		{ MD_OFF(reserved2), sizeof(((struct clfs_md_disk *)0)->reserved2) },
	};
	size_t i;
	long at;

	for (i = 0; i < ARRAY_SIZE(areas); i++) {
		at = first_nonzero(raw, areas[i].off, areas[i].len);
		if (at >= 0)
			return at;
	}
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		size_t s = MD_OFF(streams) + i * sizeof(struct clfs_md_stream_disk);

		at = first_nonzero(raw, s + offsetof(struct clfs_md_stream_disk,
						     reserved0), sizeof(__le32));
		if (at < 0)
			at = first_nonzero(raw, s +
					   offsetof(struct clfs_md_stream_disk,
						    reserved),
					   2 * sizeof(__le64));
		if (at >= 0)
			return at;
	}
	for (i = 0; i < CLFS_MAX_CONTAINERS; i++) {
		at = first_nonzero(raw, MD_OFF(containers) +
				   i * sizeof(struct clfs_md_container_disk) +
				   offsetof(struct clfs_md_container_disk,
					    reserved), sizeof(__le16));
		if (at >= 0)
			return at;
	}
	return -1;
}

/*
 * Does the copy decode once @len bytes at @off are zeroed? Tells which
 * part of a copy breaks the format's rules: a stream entry or the policy
 * area may be all zero in any valid copy.
 */
static bool md_ok_without(const u8 *raw, u8 *scratch, struct clfs_md *md,
			  u64 dev_bytes, size_t off, size_t len)
{
	struct clfs_md_disk *d = (struct clfs_md_disk *)scratch;

	memcpy(scratch, raw, CLFS_MD_COPY_BYTES);
	memset(scratch + off, 0, len);
	d->crc = cpu_to_le32(clfs_md_disk_crc(scratch,
					      le32_to_cpu(d->md_bytes)));
	return !clfs_md_decode(scratch, CLFS_MD_COPY_BYTES, dev_bytes, md);
}

/* Rules of clfs_format.h a header field alone can break. */
static bool md_header_why(const struct clfs_md_disk *d, char *why, size_t len)
{
	static const u8 zero_uuid[16];
	u32 sector = le32_to_cpu(d->sector_bytes);
	u64 cont = le64_to_cpu(d->container_bytes);
	u32 slots = le32_to_cpu(d->nr_slots);

	if (!memcmp(d->uuid, zero_uuid, sizeof(zero_uuid)))
		snprintf(why, len, "the log uuid is all zero");
	else if (sector != CLFS_SECTOR_512 && sector != CLFS_SECTOR_4K)
		snprintf(why, len, "sector size %u is neither 512 nor 4096",
			 sector);
	else if (cont < CLFS_CONTAINER_MIN_BYTES ||
		 cont > CLFS_CONTAINER_MAX_BYTES || cont % sector)
		snprintf(why, len, "container size %llu is not a multiple of the sector size from 64 KiB to 4 GiB",
			 (unsigned long long)cont);
	else if (slots < 1 || slots > CLFS_MAX_CONTAINERS)
		snprintf(why, len, "%u container slots (1 to %u)", slots,
			 CLFS_MAX_CONTAINERS);
	else if (le64_to_cpu(d->data_start_bytes) < CLFS_MD_AREA_BYTES ||
		 (u64)slots * cont > le64_to_cpu(d->device_bytes) -
				     le64_to_cpu(d->data_start_bytes))
		snprintf(why, len, "the containers (from %llu, %u x %llu bytes) do not fit the %llu-byte layout",
			 (unsigned long long)le64_to_cpu(d->data_start_bytes),
			 slots, (unsigned long long)cont,
			 (unsigned long long)le64_to_cpu(d->device_bytes));
	else if (le32_to_cpu(d->log_flags) & ~CLFS_MD_LOG_FLAGS_KNOWN)
		snprintf(why, len, "unknown log flags %#x",
			 le32_to_cpu(d->log_flags));
	else if (!le32_to_cpu(d->epoch))
		snprintf(why, len, "epoch 0");
	else if (le32_to_cpu(d->next_cid) <= CLFS_CID_FIRST)
		snprintf(why, len, "next container id %u",
			 le32_to_cpu(d->next_cid));
	else
		return false;
	return true;
}

/* Why clfs_md_decode() refused the copy @raw with @err, in words. */
static void md_why(const u8 *raw, u64 dev_bytes, int err, char *why,
		   size_t len)
{
	const struct clfs_md_disk *d = (const struct clfs_md_disk *)raw;
	u32 md_bytes = le32_to_cpu(d->md_bytes), crc;
	struct clfs_md *md;
	u8 *scratch;
	long at;
	u32 i;

	if (err == -ENODATA) {
		if (all_zero(raw, CLFS_MD_COPY_BYTES))
			snprintf(why, len, "no clfs metadata (all zero)");
		else
			snprintf(why, len, "no clfs metadata (magic %#018llx)",
				 (unsigned long long)le64_to_cpu(d->magic));
		return;
	}
	if (err == -EOPNOTSUPP) {
		if (le32_to_cpu(d->version) != CLFS_MD_VERSION)
			snprintf(why, len, "format version %u; this clfsctl reads version %u",
				 le32_to_cpu(d->version), CLFS_MD_VERSION);
		else
			snprintf(why, len, "unknown incompatible features %#x",
				 le32_to_cpu(d->incompat) & ~CLFS_MD_INCOMPAT_KNOWN);
		return;
	}
	snprintf(why, len, "invalid (%s)", errno_name(err));
	if (err != -EUCLEAN)
		return;
	if (md_bytes < MD_OFF(policy) || md_bytes > CLFS_MD_COPY_BYTES ||
	    md_bytes % 8) {
		snprintf(why, len, "impossible length %u", md_bytes);
		return;
	}
	crc = clfs_md_disk_crc(raw, md_bytes);
	if (crc != le32_to_cpu(d->crc)) {
		snprintf(why, len, "crc mismatch (stored %#010x, computed %#010x)",
			 le32_to_cpu(d->crc), crc);
		return;
	}
	if (md_bytes != CLFS_MD_DISK_BYTES) {
		snprintf(why, len, "length %u; version %u copies have %u",
			 md_bytes, CLFS_MD_VERSION, CLFS_MD_DISK_BYTES);
		return;
	}
	at = md_reserved_nonzero(raw);
	if (at >= 0) {
		snprintf(why, len, "reserved byte at offset %ld is not zero", at);
		return;
	}
	if (le64_to_cpu(d->device_bytes) > dev_bytes) {
		snprintf(why, len, "laid out for %llu bytes, the device has %llu (truncated image?)",
			 (unsigned long long)le64_to_cpu(d->device_bytes),
			 (unsigned long long)dev_bytes);
		return;
	}
	if (md_header_why(d, why, len))
		return;

	md = malloc(sizeof(*md));
	scratch = aligned_alloc(8, CLFS_MD_COPY_BYTES);
	if (!md || !scratch)
		goto out;
	if (md_ok_without(raw, scratch, md, dev_bytes, MD_OFF(policy),
			  sizeof(struct clfs_md_policy_disk))) {
		snprintf(why, len, "the management policies break the format's rules");
		goto out;
	}
	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		size_t off = MD_OFF(streams) +
			     i * sizeof(struct clfs_md_stream_disk);

		if (le32_to_cpu(d->streams[i].state) == CLFS_STREAM_NONE &&
		    all_zero(raw + off, sizeof(struct clfs_md_stream_disk)))
			continue;
		if (md_ok_without(raw, scratch, md, dev_bytes, off,
				  sizeof(struct clfs_md_stream_disk))) {
			snprintf(why, len, "stream %u breaks the format's rules (state %u, created %#llx, base %#llx, last %#llx, archive tail %#llx, restart %#llx)",
				 i, le32_to_cpu(d->streams[i].state),
				 (unsigned long long)le64_to_cpu(d->streams[i].created_lsn),
				 (unsigned long long)le64_to_cpu(d->streams[i].base_lsn),
				 (unsigned long long)le64_to_cpu(d->streams[i].last_lsn),
				 (unsigned long long)le64_to_cpu(d->streams[i].archive_tail_lsn),
				 (unsigned long long)le64_to_cpu(d->streams[i].restart_lsn));
			goto out;
		}
	}
	snprintf(why, len, "the container table, recovery start or epoch start break the format's rules");
out:
	free(md);
	free(scratch);
}

/**
 * off_log_load() - read and judge both metadata copies
 * @log: filled in; free with off_log_free()
 * @img: the device
 *
 * Each copy is decoded on its own (clfs_md_decode()) to report it, then
 * clfs_md_select() picks the copy to use, exactly as the module would.
 *
 * Return: 0 (whatever the copies hold: see @log), or a negative errno for
 * an I/O or allocation failure.
 */
int off_log_load(struct off_log *log, struct off_image *img)
{
	const void *bufs[CLFS_MD_COPIES];
	struct clfs_md *best = NULL, *scratch = NULL;
	int errs[CLFS_MD_COPIES];
	u8 *raw;
	u32 i;
	int ret;

	memset(log, 0, sizeof(*log));
	log->img = img;
	log->selected = -ENODATA;
	raw = aligned_alloc(8, CLFS_MD_AREA_BYTES);
	best = malloc(sizeof(*best));
	scratch = malloc(sizeof(*scratch));
	ret = -ENOMEM;
	if (!raw || !best || !scratch)
		goto out;
	ret = off_image_read(img, 0, raw, CLFS_MD_AREA_BYTES);
	if (ret)
		goto out;

	for (i = 0; i < CLFS_MD_COPIES; i++) {
		const u8 *c = raw + clfs_md_copy_offset(i);
		const struct clfs_md_disk *d = (const void *)c;
		struct off_md_copy *cp = &log->copy[i];

		bufs[i] = c;
		cp->magic = le64_to_cpu(d->magic) == CLFS_MD_MAGIC;
		cp->generation = le64_to_cpu(d->generation);
		ret = -ENOMEM;
		cp->md = malloc(sizeof(*cp->md));
		if (!cp->md)
			goto out;
		cp->err = clfs_md_decode(c, CLFS_MD_COPY_BYTES, img->size,
					 cp->md);
		if (cp->err) {
			md_why(c, img->size, cp->err, cp->why, sizeof(cp->why));
		} else if (clfs_md_copy_of_generation(cp->md->generation) != i) {
			cp->err = -EUCLEAN;
			snprintf(cp->why, sizeof(cp->why),
				 "generation %llu belongs in copy %u",
				 (unsigned long long)cp->md->generation,
				 clfs_md_copy_of_generation(cp->md->generation));
		} else {
			snprintf(cp->why, sizeof(cp->why), "valid");
		}
		if (cp->err) {
			free(cp->md);
			cp->md = NULL;
		}
	}

	log->selected = clfs_md_select(bufs, CLFS_MD_COPY_BYTES, img->size,
				       best, scratch, errs);
	if (log->selected >= 0) {
		log->used = log->selected;
		log->md = log->copy[log->used].md;
	} else if (log->selected == -ENODATA) {
		snprintf(log->why, sizeof(log->why),
			 "no clfs metadata in either copy: not a clfs log");
	} else if (log->copy[0].md && log->copy[1].md) {
		snprintf(log->why, sizeof(log->why),
			 "the two valid metadata copies belong to different logs (uuid, geometry or log flags differ)");
	} else {
		snprintf(log->why, sizeof(log->why),
			 "no valid metadata copy (%s)", errno_name(log->selected));
	}
	ret = 0;
out:
	free(raw);
	free(best);
	free(scratch);
	return ret;
}

/**
 * off_log_use_copy() - use metadata copy @copy instead of the selected one
 * @log: the log
 * @copy: a copy index
 *
 * Return: 0, or -EINVAL if that copy is not valid on its own.
 */
int off_log_use_copy(struct off_log *log, u32 copy)
{
	if (copy >= CLFS_MD_COPIES || !log->copy[copy].md)
		return -EINVAL;
	log->used = copy;
	log->md = log->copy[copy].md;
	return 0;
}

void off_log_free(struct off_log *log)
{
	u32 i;

	for (i = 0; i < CLFS_MD_COPIES; i++) {
		free(log->copy[i].md);
		log->copy[i].md = NULL;
	}
	log->md = NULL;
}

/* ---- blocks -------------------------------------------------------------- */

/* Device offset of the block at @lsn and the end of its container. */
static int blk_place(const struct clfs_md *md, u64 lsn, u64 *off, u64 *end)
{
	int ret = clfs_md_lsn_to_dev(md, lsn, off);

	if (ret)
		return ret;
	*end = *off - clfs_lsn_block_offset(lsn) + md->geo.container_bytes;
	return 0;
}

/**
 * off_block_read() - read and validate the block at @lsn, as recovery does
 * @log: the log, with usable metadata
 * @lsn: a block position (record index 0)
 * @min_epoch: the previous block's epoch in a chain walk, else 0
 * @b: receives the block
 *
 * Return: 0; a format error (off_format_error()) when no valid block is
 * there; another negative errno for an I/O failure.
 */
int off_block_read(struct off_log *log, u64 lsn, u32 min_epoch,
		   struct off_block *b)
{
	const struct clfs_md *md = log->md;
	u32 sector = md->geo.sector_bytes;
	const u8 *p;
	u64 off, end;
	int len, ret;

	memset(b, 0, sizeof(*b));
	ret = blk_place(md, lsn, &off, &end);
	if (ret)
		return ret;
	ret = off_image_view(log->img, off, sector, end, &p);
	if (ret)
		return ret;
	len = clfs_blk_peek(md, lsn, p, sector);
	if (len < 0)
		return len;
	if ((u32)len > sector) {
		ret = off_image_view(log->img, off, len, end, &p);
		if (ret)
			return ret;
	}
	ret = clfs_blk_decode(md, lsn, min_epoch, p, len, &b->blk);
	if (ret)
		return ret;
	b->buf = p;
	b->dev_off = off;
	return 0;
}

/* A client back-pointer as clfs_format.c allows it: none, or older. */
static bool back_ok(const struct clfs_md *md, u64 back, u64 lsn)
{
	if (back == CLFS_LSN_NULL || back == CLFS_LSN_INVALID)
		return true;
	return clfs_lsn_is_valid(back) &&
	       clfs_lsn_container(back) >= CLFS_CID_FIRST &&
	       clfs_lsn_block_offset(back) < md->geo.container_bytes &&
	       clfs_lsn_block_offset(back) % md->geo.sector_bytes == 0 &&
	       back < lsn;
}

/* Why the record at @off of a block failed clfs_rec_iter_next(). */
static void rec_why(const struct clfs_md *md, const u8 *buf, u32 used,
		    u32 off, u64 lsn, bool trunc_blk, char *why, size_t len)
{
	const struct clfs_rec_disk *rd = (const void *)(buf + off);
	char l1[LSN_STR_BYTES];
	u32 data, n, type;

	if (off > used || used - off < CLFS_REC_HDR_BYTES) {
		snprintf(why, len, "its header overruns the used bytes (%u)",
			 used);
		return;
	}
	data = le32_to_cpu(rd->data_bytes);
	n = clfs_rec_disk_bytes(data);
	type = le16_to_cpu(rd->type);
	if (!n || n > used - off)
		snprintf(why, len, "%u data bytes overrun the block's %u used bytes",
			 data, used);
	else if (trunc_blk && type != CLFS_REC_TRUNCATE)
		snprintf(why, len, "type %u in a truncation block", type);
	else if (!trunc_blk && type == CLFS_REC_TRUNCATE)
		snprintf(why, len, "a truncation record outside a truncation block");
	else if (!off_rec_type_name(type))
		snprintf(why, len, "unknown type %u", type);
	else if (rd->flags)
		snprintf(why, len, "flags %#x set", le16_to_cpu(rd->flags));
	else if (!back_ok(md, le64_to_cpu(rd->prev_lsn), lsn))
		snprintf(why, len, "previous LSN %s does not point back",
			 lsn_str(l1, le64_to_cpu(rd->prev_lsn)));
	else if (!back_ok(md, le64_to_cpu(rd->undo_next_lsn), lsn))
		snprintf(why, len, "undo-next LSN %s does not point back",
			 lsn_str(l1, le64_to_cpu(rd->undo_next_lsn)));
	else if (!all_zero(buf + off + CLFS_REC_HDR_BYTES + data,
			   n - CLFS_REC_HDR_BYTES - data))
		snprintf(why, len, "its padding is not zero");
	else
		snprintf(why, len, "malformed");
}

/* Why the records of a block that passed its crc are refused. */
static bool recs_why(const struct clfs_md *md, const struct clfs_blk *hdr,
		     const u8 *buf, char *why, size_t len)
{
	const struct clfs_rec_disk *rd;
	const struct clfs_trunc_disk *td;
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	char sub[OFF_WHY_BYTES], l1[LSN_STR_BYTES], l2[LSN_STR_BYTES];
	u32 off = CLFS_BLK_HDR_BYTES, i = 0;
	int ret;

	if (clfs_rec_iter_init(&it, md, hdr, buf, hdr->used_bytes))
		return false;
	while ((ret = clfs_rec_iter_next(&it, &rec)) > 0) {
		off = rec.data_offset + clfs_rec_disk_bytes(rec.data_bytes) -
		      CLFS_REC_HDR_BYTES;
		i++;
	}
	if (ret < 0 && i < hdr->nr_records) {
		rec_why(md, buf, hdr->used_bytes, off, hdr->lsn + i,
			hdr->flags & CLFS_BLK_F_TRUNCATE, sub, sizeof(sub));
		snprintf(why, len, "record %u (LSN %s, offset %u): %s", i,
			 lsn_str(l1, hdr->lsn + i), off, sub);
		return true;
	}
	if (ret < 0) {
		snprintf(why, len, "its %u records end at byte %u, the header says %u bytes are used",
			 hdr->nr_records, off, hdr->used_bytes);
		return true;
	}
	if (!(hdr->flags & CLFS_BLK_F_TRUNCATE))
		return false;
	/* The truncation payload, as the format code checks it. */
	rd = (const void *)(buf + CLFS_BLK_HDR_BYTES);
	td = (const void *)(rd + 1);
	if (hdr->nr_records != 1)
		snprintf(why, len, "truncation block with %u records",
			 hdr->nr_records);
	else if (le32_to_cpu(rd->data_bytes) != sizeof(*td))
		snprintf(why, len, "truncation record of %u bytes, not %zu",
			 le32_to_cpu(rd->data_bytes), sizeof(*td));
	else if (rd->prev_lsn || rd->undo_next_lsn)
		snprintf(why, len, "truncation record with back-pointers");
	else if (td->reserved[0] || td->reserved[1])
		snprintf(why, len, "truncation record: reserved field not zero");
	else if (le64_to_cpu(td->end_lsn) >= hdr->lsn)
		snprintf(why, len, "truncation end %s is not before the block",
			 lsn_str(l1, le64_to_cpu(td->end_lsn)));
	else
		snprintf(why, len, "truncation record: end %s or restart %s impossible",
			 lsn_str(l1, le64_to_cpu(td->end_lsn)),
			 lsn_str(l2, le64_to_cpu(td->restart_lsn)));
	return true;
}

/* The block header rules of clfs_blk_decode(), after the crc. */
static bool hdr_why(const struct clfs_md *md, u64 lsn, u32 min_epoch,
		    const struct clfs_blk_disk *bd, char *why, size_t len)
{
	char l1[LSN_STR_BYTES], l2[LSN_STR_BYTES];
	u32 nr = le16_to_cpu(bd->nr_records), flags = le16_to_cpu(bd->flags);
	u32 stream = le16_to_cpu(bd->stream_id), epoch = le32_to_cpu(bd->epoch);

	if (nr > CLFS_LSN_RECORDS_PER_BLOCK)
		snprintf(why, len, "%u records, at most %u", nr,
			 CLFS_LSN_RECORDS_PER_BLOCK);
	else if (flags & ~CLFS_BLK_F_KNOWN)
		snprintf(why, len, "unknown flags %#x", flags);
	else if (bd->reserved)
		snprintf(why, len, "reserved header field not zero");
	else if (!epoch)
		snprintf(why, len, "epoch 0");
	else if (stream >= CLFS_MAX_STREAMS)
		snprintf(why, len, "stream id %u (at most %u)", stream,
			 CLFS_MAX_STREAMS - 1);
	else if (stream && !(md->log_flags & CLFS_MD_LOG_MULTIPLEXED))
		snprintf(why, len, "stream id %u in a dedicated log", stream);
	else if (le64_to_cpu(bd->lsn) != lsn)
		snprintf(why, len, "stale: holds the block of LSN %s, left from an earlier use of the container",
			 lsn_str(l1, le64_to_cpu(bd->lsn)));
	else if (epoch < min_epoch)
		snprintf(why, len, "stale: epoch %u is older than the previous block's %u",
			 epoch, min_epoch);
	else if (lsn < md->epoch_start_lsn && epoch >= md->epoch)
		snprintf(why, len, "epoch %u, but blocks before the current epoch's start %s must be older than epoch %u",
			 epoch, lsn_str(l1, md->epoch_start_lsn), md->epoch);
	else if (lsn >= md->epoch_start_lsn && epoch < md->epoch)
		snprintf(why, len, "stale: epoch %u is older than the current epoch %u, which began at %s",
			 epoch, md->epoch, lsn_str(l2, md->epoch_start_lsn));
	else
		return false;
	return true;
}

/**
 * off_block_why() - why no valid block is at @lsn, in words
 * @log: the log
 * @lsn: the place
 * @min_epoch: as given to off_block_read()
 * @err: what off_block_read() returned
 * @why: receives the explanation
 * @len: room in @why
 *
 * Return: 0, or a negative errno if the place could not be read again.
 */
int off_block_why(struct off_log *log, u64 lsn, u32 min_epoch, int err,
		  char *why, size_t len)
{
	const struct clfs_md *md = log->md;
	const struct clfs_blk_disk *bd;
	struct clfs_blk hdr;
	const u8 *p;
	u64 off, end;
	u32 used, crc;
	int n, ret;

	snprintf(why, len, "no valid block (%s)", errno_name(err));
	if (lsn == CLFS_LSN_INVALID) {
		snprintf(why, len, "no logical container id is left");
		return 0;
	}
	ret = blk_place(md, lsn, &off, &end);
	if (ret == -ENOENT) {
		snprintf(why, len, "logical container %u is not an active container",
			 clfs_lsn_container(lsn));
		return 0;
	}
	if (ret)
		return 0;
	ret = off_image_view(log->img, off, md->geo.sector_bytes, end, &p);
	if (ret)
		return ret;
	bd = (const void *)p;
	if (le32_to_cpu(bd->magic) != CLFS_BLK_MAGIC) {
		snprintf(why, len, all_zero(p, md->geo.sector_bytes) ?
			 "no block (zeroes)" : "no block (no block magic)");
		return 0;
	}
	used = le32_to_cpu(bd->used_bytes);
	n = clfs_blk_peek(md, lsn, p, md->geo.sector_bytes);
	if (n < 0) {
		if (used < CLFS_BLK_HDR_BYTES || used > CLFS_BLK_MAX_BYTES ||
		    used % CLFS_REC_ALIGN)
			snprintf(why, len, "impossible length: %u used bytes",
				 used);
		else
			snprintf(why, len, "its %u used bytes overrun the container",
				 used);
		return 0;
	}
	ret = off_image_view(log->img, off, n, end, &p);
	if (ret)
		return ret;
	bd = (const void *)p;
	crc = clfs_blk_disk_crc(clfs_log_crc_seed(md->uuid), p, used);
	if (crc != le32_to_cpu(bd->crc)) {
		snprintf(why, len, "crc mismatch (stored %#010x, computed %#010x)",
			 le32_to_cpu(bd->crc), crc);
		return 0;
	}
	if (hdr_why(md, lsn, min_epoch, bd, why, len))
		return 0;
	memset(&hdr, 0, sizeof(hdr));
	hdr.lsn = lsn;
	hdr.used_bytes = used;
	hdr.disk_bytes = n;
	hdr.nr_records = le16_to_cpu(bd->nr_records);
	hdr.flags = le16_to_cpu(bd->flags);
	hdr.stream_id = le16_to_cpu(bd->stream_id);
	hdr.epoch = le32_to_cpu(bd->epoch);
	recs_why(md, &hdr, p, why, len);
	return 0;
}

/* ---- the chain ----------------------------------------------------------- */

void off_walk_init(struct off_walk *w, struct off_log *log, u64 start,
		   u32 min_epoch)
{
	memset(w, 0, sizeof(*w));
	w->log = log;
	w->lsn = start;
	w->min_epoch = min_epoch;
}

/**
 * off_walk_next() - the next block of the chain
 * @w: the walk
 *
 * The rules of clfs_recover(): the block at @w->lsn must be valid in an
 * epoch no older than the previous block's; the one after it is where
 * clfs_blk_next_lsn() says; the first place without one is the end.
 *
 * Return: 1 with the block in @w->b; 0 at the end (@w->end says why);
 * a negative errno for an I/O failure.
 */
int off_walk_next(struct off_walk *w)
{
	int ret;

	if (w->lsn == CLFS_LSN_INVALID) {
		w->end = -ENOENT;
		return 0;
	}
	ret = off_block_read(w->log, w->lsn, w->min_epoch, &w->b);
	if (ret) {
		if (!off_format_error(ret))
			return ret;
		w->end = ret;
		return 0;
	}
	w->min_epoch = w->b.blk.epoch;
	w->lsn = clfs_blk_next_lsn(w->log->md, &w->b.blk);
	return 1;
}
