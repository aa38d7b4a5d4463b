// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the whole recovery walk over a log image, as clfsctl
 * check does it (metadata selection from both copies, the chain of blocks
 * from the recovery start with the format code's block checks, truncation
 * replay, the cross-checks of metadata against the chain), then its report
 * printed.
 *
 * The image is built once, with the format code's encoders (imgbuild.c):
 * three streams with back-chains and restart areas, a truncation, a
 * container recycled under a new id (its old blocks still in it), two
 * sessions. The base must check clean. Each input is a list of edits of
 * 12 bytes, applied to the image and undone afterwards:
 *   byte 0   what: 0 xor a byte, 1 zero a sector, 2 copy a sector over
 *            another, 3 a metadata field (crc recomputed), 4 a block's
 *            bytes (crc recomputed over the used bytes it then claims)
 *   byte 1   width of a written value (1, 2, 4 or 8 bytes), metadata copy
 *   2..3     where: a used sector, a metadata offset, a block
 *   4..11    the value (and, for 2 and 4, a second index)
 * Edits 0 to 2 land only on sectors that hold something, and 3 and 4
 * recompute checksums, so mutations reach the field checks instead of
 * dying at a crc.
 *
 * Besides "never crash": the checker ends with a documented status, and
 * every record the walk returns is one the builder wrote at that LSN,
 * byte for byte, unless it lies in a block an edit forged with a valid crc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include "imgbuild.h"
#include "offline/offline.h"

#define CONT_BYTES	(64U << 10)
#define NR_SLOTS	6
#define DEV_BYTES	(CLFS_MD_AREA_BYTES + NR_SLOTS * CONT_BYTES)
#define NR_STREAMS	3
#define MAX_RECS	1024
#define EDIT_BYTES	12
#define MAX_EDITS	8
#define N(a)		(sizeof(a) / sizeof((a)[0]))

struct rec_ent {
	u64 lsn;
	u32 len;
	u16 stream;
	u8 fill;
};

static struct img im;
static u8 *base;			/* the image as built */
static struct rec_ent recs[MAX_RECS];
static u32 nr_recs;
static u32 used[DEV_BYTES / 512];	/* sectors that hold something */
static u32 nr_used;
static u64 blk_off[1024];		/* device offset of each block */
static u32 nr_blks;
static u32 seed_crc;
static FILE *devnull;

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_walk: %s\n", what);
		abort();
	}
}

static u32 rec_bytes(u32 i)
{
	return 8 + (i * 37) % 1400;
}

static u64 put(u16 stream, u32 type, u64 prev, u64 undo)
{
	static u8 data[1536];
	struct rec_ent *r = &recs[nr_recs];

	check(nr_recs < MAX_RECS, "too many records");
	r->stream = stream;
	r->len = rec_bytes(nr_recs);
	r->fill = 0x40 + nr_recs % 64;
	memset(data, r->fill, r->len);
	r->lsn = img_append(&im, stream, type, data, r->len, prev, undo);
	nr_recs++;
	return r->lsn;
}

/* @n records over the streams in turn, each chained to its stream's last. */
static void append(u32 n, u64 *last, u64 *restart)
{
	for (u32 i = 0; i < n; i++) {
		u16 s = (i / 3) % NR_STREAMS;
		u32 type = i % 11 == 5 ? CLFS_REC_RESTART : CLFS_REC_DATA;
		u64 lsn = put(s, type, last[s], i % 4 ? last[s] : CLFS_LSN_NULL);

		if (type == CLFS_REC_RESTART)
			restart[s] = lsn;
		last[s] = lsn;
	}
	img_seal(&im);
}

/* The first block at or after container @cid. */
static u64 first_block_of(u32 cid)
{
	for (u64 i = 0; i < im.blocks; i++)
		if (clfs_lsn_container(im.blk_lsns[i]) >= cid)
			return im.blk_lsns[i];
	check(false, "no block in the container");
	return 0;
}

/* The first record of @stream at or after container @cid. */
static u64 first_rec_of(u16 stream, u32 cid)
{
	for (u32 i = 0; i < nr_recs; i++)
		if (recs[i].stream == stream && clfs_lsn_container(recs[i].lsn) >= cid)
			return recs[i].lsn;
	check(false, "no record of the stream in the container");
	return 0;
}

/* The third-last record of @stream. */
static u64 third_last(u16 stream)
{
	u32 seen = 0;

	for (u32 i = nr_recs; i-- > 0;)
		if (recs[i].stream == stream && ++seen == 3)
			return recs[i].lsn;
	check(false, "stream too short");
	return 0;
}

/*
 * The base, checked clean; the sectors that hold something (old blocks in
 * recycled containers included) and the chain's blocks, by the walker.
 */
static void scan(const char *path)
{
	static const u8 zero[512];
	struct off_check_opts o = { 0 };
	struct off_image oi;
	struct off_log log;
	struct off_walk w;
	char why[OFF_WHY_BYTES];

	check(off_check(path, &o, false, devnull, stderr) == OFF_EXIT_CLEAN,
	      "the base image does not check clean");
	for (u32 s = 0; s < DEV_BYTES / 512; s++)
		if (memcmp(base + s * 512, zero, 512))
			used[nr_used++] = s;
	check(!off_image_open(&oi, path, false, why, sizeof(why)) &&
	      !off_log_load(&log, &oi) && log.md, "loading the base");
	off_walk_init(&w, &log, log.md->recovery_lsn, 0);
	while (off_walk_next(&w) == 1 && nr_blks < N(blk_off))
		blk_off[nr_blks++] = w.b.dev_off;
	check(nr_blks > 20, "too few blocks in the chain");
	fprintf(stderr, "fuzz_walk: base: %u blocks in the chain, %u records written, %u used sectors\n",
		nr_blks, nr_recs, nr_used);
	off_log_free(&log);
	off_image_close(&oi);
}

static void build(void)
{
	u64 last[NR_STREAMS] = { 0 }, restart[NR_STREAMS] = { 0 }, end;
	char path[] = "/tmp/clfs-fuzz-walk-XXXXXX";
	int fd = mkstemp(path);
	bool recycled = false;
	u32 head_cid;

	devnull = fopen("/dev/null", "w");
	check(fd >= 0 && devnull, "temporary image");
	close(fd);
	check(!img_create(&im, path, DEV_BYTES, 512, CONT_BYTES, NR_SLOTS, 4,
			  CLFS_MD_LOG_MULTIPLEXED | CLFS_MD_LOG_ARCHIVED, 4096),
	      "img_create");
	for (u32 s = 0; s < NR_STREAMS; s++)
		img_stream_create(&im, s);
	append(280, last, restart);
	/* Clients moved their bases on: every container before the head's is free. */
	head_cid = clfs_lsn_container(im.head);
	for (u32 s = 0; s < NR_STREAMS; s++) {
		im.md.streams[s].base_lsn = first_rec_of(s, head_cid);
		im.md.streams[s].archive_tail_lsn = im.md.streams[s].base_lsn;
	}
	im.md.recovery_lsn = first_block_of(head_cid);
	for (u32 i = 0; i < NR_SLOTS; i++)
		if (im.md.containers[i].state == CLFS_CONT_ACTIVE &&
		    im.md.containers[i].logical_id < head_cid) {
			im.md.containers[i].state = CLFS_CONT_FREE;
			im.md.containers[i].logical_id = 0;
		}
	img_commit(&im);
	/* A second session: its blocks go into the recycled slots too. */
	img_new_epoch(&im);
	append(100, last, restart);
	end = third_last(1);
	if (restart[1] > end)
		restart[1] = CLFS_LSN_NULL;
	img_truncate(&im, 1, end, restart[1]);
	last[1] = end;
	append(30, last, restart);
	for (u32 s = 0; s < NR_STREAMS; s++) {
		im.md.streams[s].last_lsn = last[s];
		im.md.streams[s].restart_lsn = restart[s];
	}
	img_commit(&im);
	msync(im.dev, im.dev_bytes, MS_SYNC);
	seed_crc = clfs_log_crc_seed(im.md.uuid);
	base = malloc(DEV_BYTES);
	check(base != NULL, "out of memory");
	memcpy(base, im.dev, DEV_BYTES);
	for (u32 i = 0; i < NR_SLOTS; i++)
		recycled |= im.md.containers[i].state == CLFS_CONT_ACTIVE &&
			    im.md.containers[i].logical_id != CLFS_CID_FIRST + i;
	check(recycled, "no container was recycled");
	scan(path);
	/* The image stays mapped and is read through the descriptor: gone at exit. */
	unlink(path);
	snprintf(im.path, sizeof(im.path), "/proc/self/fd/%d", im.fd);
}

/* What an input changed, undone before the next one. */
static struct { u32 off, len; } dirty[MAX_EDITS];
static u32 nr_dirty;
static u64 forged[MAX_EDITS];	/* device offsets of blocks given a valid crc */
static u32 nr_forged;

static void touch(u32 off, u32 len)
{
	dirty[nr_dirty].off = off;
	dirty[nr_dirty].len = len;
	nr_dirty++;
}

static u64 get_le(const u8 *p, u32 n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void put_le(u8 *p, u64 v, u32 n)
{
	for (u32 i = 0; i < n; i++, v >>= 8)
		p[i] = v;
}

/* A metadata copy's bytes set at @where, its crc made right again. */
static void edit_md(u32 copy, u32 where, u64 val, u32 width)
{
	u8 *md = im.dev + clfs_md_copy_offset(copy);
	struct clfs_md_disk *d = (struct clfs_md_disk *)md;
	u32 n;

	touch(clfs_md_copy_offset(copy), CLFS_MD_DISK_BYTES);
	put_le(md + where % (CLFS_MD_DISK_BYTES - width + 1), val, width);
	n = le32_to_cpu(d->md_bytes);
	if (n < 16 || n > CLFS_MD_DISK_BYTES)
		n = CLFS_MD_DISK_BYTES;
	d->crc = cpu_to_le32(clfs_md_disk_crc(md, n));
}

/* A block's bytes set, its crc over the used bytes it then claims. */
static void edit_blk(u32 where, u64 val, u32 width)
{
	u64 off = blk_off[where % nr_blks];
	u8 *p = im.dev + off;
	struct clfs_blk_disk *h = (struct clfs_blk_disk *)p;
	u32 used = get_le(base + off + offsetof(struct clfs_blk_disk, used_bytes), 4);
	u32 claim;

	touch(off, used);
	put_le(p + (val >> 32) % (used - width + 1), val, width);
	claim = le32_to_cpu(h->used_bytes);
	if (claim < CLFS_BLK_HDR_BYTES || claim > used)
		claim = used;
	clfs_blk_set_crc(seed_crc, p, claim);
	forged[nr_forged++] = off;
}

static void edit(const u8 *e)
{
	u32 width = 1U << (e[1] & 3), where = e[2] | e[3] << 8;
	u64 val = get_le(e + 4, 8);
	u32 s = used[where % nr_used], t;

	switch (e[0] % 5) {
	case 0:
		touch(s * 512 + val % 512, 1);
		im.dev[s * 512 + val % 512] ^= (u8)(val >> 16) | 1;
		break;
	case 1:
		touch(s * 512, 512);
		memset(im.dev + s * 512, 0, 512);
		break;
	case 2:
		t = used[(val >> 32) % nr_used];
		touch(s * 512, 512);
		memmove(im.dev + s * 512, im.dev + t * 512, 512);
		break;
	case 3:
		edit_md((e[1] >> 2) & 1, where, val, width);
		break;
	default:
		edit_blk(where, val, width);
		break;
	}
}

static bool is_forged(u64 dev_off)
{
	for (u32 i = 0; i < nr_forged; i++)
		if (forged[i] == dev_off)
			return true;
	return false;
}

/* Every record of @b is one the builder wrote at its LSN. */
static void check_records(const struct clfs_md *md, const struct off_block *b)
{
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	int ret;

	if (is_forged(b->dev_off) || clfs_rec_iter_init(&it, md, &b->blk, b->buf,
							b->blk.used_bytes))
		return;
	while ((ret = clfs_rec_iter_next(&it, &rec)) == 1) {
		const struct rec_ent *r = NULL;

		if (rec.type == CLFS_REC_TRUNCATE)
			continue;
		for (u32 i = 0; i < nr_recs && !r; i++)
			if (recs[i].lsn == rec.lsn)
				r = &recs[i];
		check(r && r->stream == b->blk.stream_id && r->len == rec.data_bytes,
		      "a record the walk returned was never written there");
		for (u32 i = 0; i < r->len; i++)
			check(b->buf[rec.data_offset + i] == r->fill,
			      "a record the walk returned has the wrong bytes");
	}
}

/* The chain of blocks as recovery follows it: it ends, at a format error. */
static void follow_chain(void)
{
	struct off_image oi;
	struct off_log log;
	struct off_walk w;
	char why[OFF_WHY_BYTES];
	u32 n = 0;
	int ret;

	check(!off_image_open(&oi, im.path, false, why, sizeof(why)), why);
	check(!off_log_load(&log, &oi), "reading the metadata");
	if (log.md) {
		off_walk_init(&w, &log, log.md->recovery_lsn, 0);
		while ((ret = off_walk_next(&w)) == 1) {
			check(++n <= DEV_BYTES / 512, "no end to the chain of blocks");
			check_records(log.md, &w.b);
		}
		check(ret == 0 && off_format_error(w.end), "the chain ended on no format error");
	}
	off_log_free(&log);
	off_image_close(&oi);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct off_check_opts o = { 0 };
	struct off_report r;
	int status;

	if (!base)
		build();
	nr_dirty = nr_forged = 0;
	for (size_t i = 0; i + EDIT_BYTES <= size && nr_dirty < MAX_EDITS; i += EDIT_BYTES)
		edit(data + i);
	follow_chain();
	status = off_check_run(&r, im.path, &o);
	check(status == r.status, "off_check_run's status");
	check(status == OFF_EXIT_CLEAN || status == OFF_EXIT_CORRUPT ||
	      status == OFF_EXIT_WARNING, "clfsctl check's status");
	check(nr_dirty || status == OFF_EXIT_CLEAN, "the base does not check clean");
	off_check_print(&r, devnull, devnull, size % 2);
	off_report_free(&r);
	while (nr_dirty--)
		memcpy(im.dev + dirty[nr_dirty].off, base + dirty[nr_dirty].off,
		       dirty[nr_dirty].len);
	return 0;
}
