// SPDX-License-Identifier: GPL-2.0
/*
 * crash_corrupt: a corrupted-image campaign against the module.
 *
 * --dev holds a valid log the crash workload left (--journal says what it
 * appended). Its image is read once; then for each variant the image is
 * mutated in memory, written to --dev whole, and:
 *   1. clfsctl check's verdict is taken (its code, in this process);
 *   2. the module opens it read-only and every stream is read;
 *   3. the module opens it read-write, every stream is read, a record is
 *      appended with FORCE_FLUSH to the first stream that takes it, and
 *      the log is closed; if the append returned, a read-only open must
 *      read it back.
 * Classes of mutation (each names the field or sector it hit):
 *   flip   1-8 random bits of one used sector (crc left as it is)
 *   zero   one used sector zeroed
 *   swap   two used sectors exchanged
 *   md     a field of a metadata copy set to a plausible wrong value,
 *          the copy's crc recomputed
 *   blk    a field of a block header, record header or truncation
 *          record set so, the block's crc recomputed
 * Every field of clfs_format.h is in the field tables below.
 *
 * A record read back must be one the workload appended to that stream at
 * that LSN, byte for byte (or a restart area it wrote), unless it lies in
 * the block a "blk" variant forged with a valid crc: nothing can tell a
 * forged block with the right crc and LSN from a written one, so those
 * are counted, not failed. Refusals are outcomes, counted by errno; a
 * WARN, BUG, KASAN report or hang fails the guest run itself (the console
 * names the variant before each: "clfs-corrupt: variant ...").
 * Prints KTAP.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include "libclfs.h"
#include "journal.h"
#include "offline/offline.h"

#define READ_BUF	(64 << 10)
#define MAX_BLOCKS	4096
#define MAX_RECS	512
#define MAX_REPORTED	10
#define NR_ERRNO	160
#define IO_UNIT		4096	/* direct I/O: any logical block size up to 4 KiB */

static const char usage[] =
	"usage: crash_corrupt --dev DEV --journal FILE [--variants N] [--seed N]\n"
	"\n"
	"Mutate the valid log on DEV (the crash workload's, FILE its journal)\n"
	"N times (default 1000), open each variant read-only and read-write,\n"
	"read every stream, append, close. Prints KTAP; DEV ends with the last\n"
	"variant on it.\n";

enum cls { C_FLIP, C_ZERO, C_SWAP, C_MD, C_BLK, NR_CLS };
static const char *const cls_name[NR_CLS] = { "flip", "zero", "swap", "md", "blk" };

/* Where a variant's time goes, printed with the counts. */
enum phase { P_WRITE, P_CHECK, P_RO, P_RW, P_REOPEN, P_READBACK, NR_PHASES };
static const char *const phase_name[NR_PHASES] = {
	"writing the image", "clfsctl check", "read-only open and reads",
	"read-write open, reads, append, close", "reopen and read back",
	"reading the device back",
};

struct field {
	const char *name;
	unsigned int off, size;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define F(s, m) { #m, offsetof(struct s, m), sizeof(((struct s *)0)->m) }
static const struct field md_fields[] = {
	F(clfs_md_disk, magic), F(clfs_md_disk, md_bytes), F(clfs_md_disk, version),
	F(clfs_md_disk, compat), F(clfs_md_disk, ro_compat), F(clfs_md_disk, incompat),
	F(clfs_md_disk, generation), F(clfs_md_disk, uuid), F(clfs_md_disk, sector_bytes),
	F(clfs_md_disk, nr_slots), F(clfs_md_disk, container_bytes),
	F(clfs_md_disk, data_start_bytes), F(clfs_md_disk, device_bytes),
	F(clfs_md_disk, log_flags), F(clfs_md_disk, next_cid), F(clfs_md_disk, epoch),
	F(clfs_md_disk, reserved0), F(clfs_md_disk, epoch_start_lsn),
	F(clfs_md_disk, recovery_lsn), F(clfs_md_disk, reserved1), F(clfs_md_disk, reserved2),
};
static const struct field pol_fields[] = {
	F(clfs_md_policy_disk, installed), F(clfs_md_policy_disk, max_containers),
	F(clfs_md_policy_disk, min_containers), F(clfs_md_policy_disk, growth_containers),
	F(clfs_md_policy_disk, growth_pct), F(clfs_md_policy_disk, tail_free_pct),
	F(clfs_md_policy_disk, tail_free_containers), F(clfs_md_policy_disk, shrink_free_pct),
	F(clfs_md_policy_disk, auto_grow), F(clfs_md_policy_disk, reserved0),
	F(clfs_md_policy_disk, new_container_bytes), F(clfs_md_policy_disk, reserved),
};
static const struct field stream_fields[] = {
	F(clfs_md_stream_disk, state), F(clfs_md_stream_disk, reserved0),
	F(clfs_md_stream_disk, created_lsn), F(clfs_md_stream_disk, base_lsn),
	F(clfs_md_stream_disk, last_lsn), F(clfs_md_stream_disk, archive_tail_lsn),
	F(clfs_md_stream_disk, restart_lsn), F(clfs_md_stream_disk, reserved),
};
static const struct field cont_fields[] = {
	F(clfs_md_container_disk, logical_id), F(clfs_md_container_disk, state),
	F(clfs_md_container_disk, reserved),
};
static const struct field blk_fields[] = {
	F(clfs_blk_disk, magic), F(clfs_blk_disk, lsn), F(clfs_blk_disk, epoch),
	F(clfs_blk_disk, used_bytes), F(clfs_blk_disk, stream_id),
	F(clfs_blk_disk, nr_records), F(clfs_blk_disk, flags), F(clfs_blk_disk, reserved),
};
static const struct field rec_fields[] = {
	F(clfs_rec_disk, data_bytes), F(clfs_rec_disk, type), F(clfs_rec_disk, flags),
	F(clfs_rec_disk, prev_lsn), F(clfs_rec_disk, undo_next_lsn),
};
static const struct field trunc_fields[] = {
	F(clfs_trunc_disk, end_lsn), F(clfs_trunc_disk, restart_lsn),
	F(clfs_trunc_disk, reserved),
};

/* A block of the base log, as recovery walks it. */
struct base_blk {
	u64 dev_off, lsn;
	u32 used, disk_bytes, nr;
	u16 stream, flags;
	u32 rec_off[MAX_RECS];	/* each record header's offset in the block */
};

struct campaign {
	const char *dev;
	int fd;
	u8 *base, *img, *cur;	/* the valid log, the variant, the device now */
	u64 bytes, io_bytes;	/* the device's size; what a variant rewrites */
	unsigned long units_written;
	u32 seed_crc;
	struct base_blk *blks;
	unsigned int nr_blks;
	u64 *used_sectors;	/* sectors that hold something */
	size_t nr_used;
	struct journal j;
	u32 streams[8];
	unsigned int nr_streams;
	uint64_t rnd;
	/* the variant */
	char what[160];
	u64 forged_lo, forged_hi;	/* LSNs of a block forged with a valid crc */
	/* counts */
	unsigned long variants[NR_CLS], ro_open[NR_CLS], rw_open[NR_CLS];
	unsigned long full_read[NR_CLS], appended[NR_CLS], off_clean[NR_CLS];
	unsigned long open_err[NR_CLS][NR_ERRNO], read_err[NR_ERRNO];
	unsigned long disagree_clean_refused[NR_CLS], disagree_corrupt_whole[NR_CLS];
	unsigned long records, forged, violations, base_records;
	const struct field *hit[128];	/* every field a variant changed */
	unsigned int nr_hit;
	u64 log_bytes;			/* metadata and every slot */
	unsigned int md_turn, blk_turn;
	double secs[NR_PHASES];		/* time spent in each phase */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Charge the time since *@t to phase @p; *@t becomes now. */
static void charge(struct campaign *c, enum phase p, double *t)
{
	double n = now();

	c->secs[p] += n - *t;
	*t = n;
}

static void hit(struct campaign *c, const struct field *f)
{
	for (unsigned int i = 0; i < c->nr_hit; i++)
		if (c->hit[i] == f)
			return;
	if (c->nr_hit < N(c->hit))
		c->hit[c->nr_hit++] = f;
}

static u64 rnd(struct campaign *c)
{
	return journal_rand(&c->rnd);
}

static void violation(struct campaign *c, const char *fmt, ...)
{
	va_list ap;

	c->violations++;
	if (c->violations > MAX_REPORTED)
		return;
	printf("# VIOLATION at variant %s: ", c->what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void to_kernel_log(const char *s)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			perror("crash_corrupt: writing to the kernel log");
		close(fd);
	}
}

/*
 * Put the variant on the device. Writing the whole image took half of a
 * variant's time in the debug guest, so only the units that differ from
 * what the device holds (c->cur, read back after the last variant's
 * sessions: the module writes where it likes) are written. Direct I/O
 * both ways, and the page cache dropped, because the module's writes
 * bypass the cache that clfsctl check's buffered reads go through.
 */
static int put_image(struct campaign *c)
{
	u64 off = 0, end;

	while (off < c->io_bytes) {
		if (!memcmp(c->img + off, c->cur + off, IO_UNIT)) {
			off += IO_UNIT;
			continue;
		}
		for (end = off + IO_UNIT; end < c->io_bytes; end += IO_UNIT)
			if (!memcmp(c->img + end, c->cur + end, IO_UNIT))
				break;
		if (pwrite(c->fd, c->img + off, end - off, off) != (ssize_t)(end - off))
			return errno ? -errno : -EIO;
		c->units_written += (end - off) / IO_UNIT;
		off = end;
	}
	return ioctl(c->fd, BLKFLSBUF, 0) ? -errno : 0;
}

/* What the device holds now, into c->cur. */
static int get_image(struct campaign *c)
{
	if (pread(c->fd, c->cur, c->io_bytes, 0) != (ssize_t)c->io_bytes)
		return errno ? -errno : -EIO;
	return 0;
}

/* The base log's blocks and used sectors, by the offline walker. */
static int scan_base(struct campaign *c)
{
	struct off_image im;
	struct off_log log;
	struct off_walk w;
	char why[OFF_WHY_BYTES];
	int ret;

	ret = off_image_open(&im, c->dev, true, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "crash_corrupt: %s: %s\n", c->dev, why);
		return ret;
	}
	ret = off_log_load(&log, &im);
	if (ret || !log.md) {
		fprintf(stderr, "crash_corrupt: %s: no usable metadata: %s\n", c->dev, log.why);
		return ret ? ret : -EUCLEAN;
	}
	c->log_bytes = log.md->geo.data_start_bytes +
		       (u64)log.md->geo.nr_slots * log.md->geo.container_bytes;
	if (c->log_bytes > c->bytes)
		c->log_bytes = c->bytes;
	c->io_bytes = (c->log_bytes + IO_UNIT - 1) / IO_UNIT * IO_UNIT;
	if (c->io_bytes > c->bytes)
		c->io_bytes = c->bytes;
	c->seed_crc = clfs_log_crc_seed(log.md->uuid);
	for (u64 s = 0; s < CLFS_MD_AREA_BYTES / 512; s++)
		if (s % (CLFS_MD_COPY_BYTES / 512) < CLFS_MD_DISK_BYTES / 512 + 1)
			c->used_sectors[c->nr_used++] = s;
	off_walk_init(&w, &log, log.md->recovery_lsn, 0);
	while ((ret = off_walk_next(&w)) == 1 && c->nr_blks < MAX_BLOCKS) {
		struct base_blk *b = &c->blks[c->nr_blks++];
		struct clfs_rec_iter it;
		struct clfs_rec rec;

		b->dev_off = w.b.dev_off;
		b->lsn = w.b.blk.lsn;
		b->used = w.b.blk.used_bytes;
		b->disk_bytes = w.b.blk.disk_bytes;
		b->stream = w.b.blk.stream_id;
		b->flags = w.b.blk.flags;
		b->nr = 0;
		if (!clfs_rec_iter_init(&it, log.md, &w.b.blk, w.b.buf, b->used))
			while (clfs_rec_iter_next(&it, &rec) == 1 && b->nr < MAX_RECS)
				b->rec_off[b->nr++] = rec.data_offset - CLFS_REC_HDR_BYTES;
		c->base_records += b->nr;
		for (u64 s = 0; s < b->disk_bytes / 512; s++)
			c->used_sectors[c->nr_used++] = b->dev_off / 512 + s;
	}
	printf("# base: %u blocks, %lu records, %zu used sectors; next container id %u, recovery at 0x%llx\n",
	       c->nr_blks, c->base_records, c->nr_used, log.md->next_cid,
	       (unsigned long long)log.md->recovery_lsn);
	off_log_free(&log);
	off_image_close(&im);
	return c->nr_blks ? 0 : -ENODATA;
}

/* A plausible wrong value for a field holding @old. */
static void wrong_value(struct campaign *c, u8 *p, unsigned int size)
{
	u64 old = 0, v;

	memcpy(&old, p, size < 8 ? size : 8);
	switch (rnd(c) % 8) {
	case 0:
		v = 0;
		break;
	case 1:
		v = old + 1;
		break;
	case 2:
		v = old - 1;
		break;
	case 3:
		v = ~0ULL;
		break;
	case 4:
		v = old ^ (1ULL << (rnd(c) % (size < 8 ? size * 8 : 64)));
		break;
	case 5:		/* a block offset further */
		v = old + 512;
		break;
	case 6:		/* a container further */
		v = old + (1ULL << 32);
		break;
	default:	/* near the top */
		v = (~0ULL >> 1) + (rnd(c) % 3);
		break;
	}
	if (size > 8) {		/* uuid, reserved arrays: one word of them */
		p += (rnd(c) % (size / 8)) * 8;
		size = 8;
	}
	if (size == 8 && v == old)
		v = old + 1;
	memcpy(p, &v, size);
	if (size < 8 && !memcmp(p, &old, size))
		p[0] ^= 1;
}

static void mutate_md(struct campaign *c, u8 *img)
{
	u32 copy = rnd(c) % CLFS_MD_COPIES;
	u8 *md = img + clfs_md_copy_offset(copy);
	struct clfs_md_disk *d = (struct clfs_md_disk *)md;
	const struct field *f;
	unsigned int base = 0, idx = 0, turn;
	const char *where = "header";

	/* Each field in turn, so that a short campaign still changes them all. */
	turn = c->md_turn++ % (N(md_fields) + N(pol_fields) + N(stream_fields) + N(cont_fields));
	if (turn < N(md_fields)) {
		f = &md_fields[turn];
		turn = N(md_fields) + N(pol_fields) + N(stream_fields) + N(cont_fields);
	}
	turn -= N(md_fields);
	if (turn >= N(pol_fields) + N(stream_fields) + N(cont_fields)) {
		/* the header field chosen above */
	} else if (turn < N(pol_fields)) {
		f = &pol_fields[turn];
		base = offsetof(struct clfs_md_disk, policy);
		where = "policy";
	} else if (turn - N(pol_fields) < N(stream_fields)) {
		turn -= N(pol_fields);
		/* an active stream's entry, mostly */
		idx = c->streams[rnd(c) % c->nr_streams];
		if (rnd(c) % 8 == 0)
			idx = rnd(c) % CLFS_MAX_STREAMS;
		f = &stream_fields[turn];
		base = offsetof(struct clfs_md_disk, streams) + idx * sizeof(d->streams[0]);
		where = "stream";
	} else {
		/* a slot of the device, mostly */
		turn -= N(pol_fields) + N(stream_fields);
		idx = rnd(c) % (le32toh(d->nr_slots) && le32toh(d->nr_slots) <= CLFS_MAX_CONTAINERS ?
				le32toh(d->nr_slots) + 1 : CLFS_MAX_CONTAINERS);
		f = &cont_fields[turn];
		base = offsetof(struct clfs_md_disk, containers) + idx * sizeof(d->containers[0]);
		where = "container";
	}
	wrong_value(c, md + base + f->off, f->size);
	hit(c, f);
	d->crc = htole32(clfs_md_disk_crc(md, CLFS_MD_DISK_BYTES));
	snprintf(c->what, sizeof(c->what), "md copy %u %s[%u].%s", copy, where, idx, f->name);
}

static void mutate_blk(struct campaign *c, u8 *img)
{
	const struct base_blk *b = &c->blks[rnd(c) % c->nr_blks];
	unsigned int off = 0, idx = 0, turn;
	struct clfs_blk_disk *h;
	const struct field *f;
	const char *where = "block";
	u32 used;
	u8 *p;

	/* Each field in turn; a record's in a block that has records. */
	turn = c->blk_turn++ % (N(blk_fields) + N(rec_fields) + N(trunc_fields));
	if (turn >= N(blk_fields) + N(rec_fields)) {
		for (unsigned int i = 0; i < c->nr_blks; i++)
			if (c->blks[(i + c->rnd) % c->nr_blks].flags & CLFS_BLK_F_TRUNCATE)
				b = &c->blks[(i + c->rnd) % c->nr_blks];
	} else if (turn >= N(blk_fields)) {
		for (unsigned int i = 0; !b->nr && i < c->nr_blks; i++)
			b = &c->blks[(i + c->rnd) % c->nr_blks];
	}
	p = img + b->dev_off;
	h = (struct clfs_blk_disk *)p;
	if (turn >= N(blk_fields) + N(rec_fields) && (b->flags & CLFS_BLK_F_TRUNCATE) && b->nr) {
		f = &trunc_fields[turn - N(blk_fields) - N(rec_fields)];
		off = b->rec_off[0] + CLFS_REC_HDR_BYTES;
		where = "truncation";
	} else if (turn >= N(blk_fields) && b->nr) {
		idx = rnd(c) % b->nr;
		f = &rec_fields[(turn - N(blk_fields)) % N(rec_fields)];
		off = b->rec_off[idx];
		where = "record";
	} else {
		f = &blk_fields[turn % N(blk_fields)];
	}
	wrong_value(c, p + off + f->off, f->size);
	hit(c, f);
	/* The crc over the used bytes it now claims, if they fit the image. */
	used = le32toh(h->used_bytes);
	if (used < CLFS_BLK_HDR_BYTES || used > CLFS_BLK_MAX_BYTES || b->dev_off + used > c->bytes)
		used = b->used;
	clfs_blk_set_crc(c->seed_crc, p, used);
	c->forged_lo = b->lsn;
	c->forged_hi = b->lsn + b->nr + 1;
	snprintf(c->what, sizeof(c->what), "blk 0x%llx %s[%u].%s",
		 (unsigned long long)b->lsn, where, idx, f->name);
}

static void mutate(struct campaign *c, unsigned long v, enum cls k)
{
	u8 *img = c->img;
	u64 s = c->used_sectors[rnd(c) % c->nr_used], t;
	char tmp[512];

	memcpy(img, c->base, c->io_bytes);
	c->forged_lo = c->forged_hi = 0;
	switch (k) {
	case C_FLIP: {
		unsigned int n = 1 + rnd(c) % 8;

		for (unsigned int i = 0; i < n; i++) {
			unsigned int bit = rnd(c) % 4096;

			img[s * 512 + bit / 8] ^= 1u << (bit % 8);
		}
		snprintf(c->what, sizeof(c->what), "flip %u bits of sector %llu", n,
			 (unsigned long long)s);
		break;
	}
	case C_ZERO:
		memset(img + s * 512, 0, 512);
		snprintf(c->what, sizeof(c->what), "zero sector %llu", (unsigned long long)s);
		break;
	case C_SWAP:
		t = c->used_sectors[rnd(c) % c->nr_used];
		if (t == s)
			t = c->used_sectors[(rnd(c) % c->nr_used)];
		memcpy(tmp, img + s * 512, 512);
		memcpy(img + s * 512, img + t * 512, 512);
		memcpy(img + t * 512, tmp, 512);
		snprintf(c->what, sizeof(c->what), "swap sectors %llu and %llu",
			 (unsigned long long)s, (unsigned long long)t);
		break;
	case C_MD:
		mutate_md(c, img);
		break;
	default:
		mutate_blk(c, img);
		break;
	}
	{
		char line[200];

		snprintf(line, sizeof(line), "clfs-corrupt: %s variant %lu: %s\n", c->dev, v, c->what);
		to_kernel_log(line);
	}
}

static const struct jop *find_rec(const struct journal *j, u32 stream, u64 lsn)
{
	for (size_t i = 0; i < j->nr; i++)
		if (j->ops[i].stream == stream && j->ops[i].lsn == lsn &&
		    journal_is_record(j->ops[i].kind))
			return &j->ops[i];
	return NULL;
}

/* A record read back: one the workload wrote there, or in a forged block. */
static void check_record(struct campaign *c, u32 stream, const struct clfs_ioc_record *rec,
			 const u8 *buf)
{
	static u8 want[PAYLOAD_MAX];
	const struct jop *o;
	u32 head[4] = { 0 };

	c->records++;
	if (rec->lsn >= c->forged_lo && rec->lsn < c->forged_hi) {
		c->forged++;
		return;
	}
	if (rec->type == CLFS_RECORD_RESTART) {
		if (rec->data_bytes >= PAYLOAD_MIN)
			memcpy(head, buf, sizeof(head));
		o = head[0] == PAYLOAD_MAGIC ? journal_find(&c->j, head[1]) : NULL;
		if (!o || o->kind != 'R' || o->stream != stream)
			o = NULL;
	} else {
		o = find_rec(&c->j, stream, rec->lsn);
	}
	if (!o) {
		violation(c, "stream %u: record 0x%llx (type %u, %u bytes) was never written",
			  stream, (unsigned long long)rec->lsn, rec->type, rec->data_bytes);
		return;
	}
	journal_payload(o->op, stream, o->len, want);
	if (rec->data_bytes != o->len || memcmp(buf, want, o->len))
		violation(c, "stream %u: record 0x%llx (op%llu) has the wrong bytes", stream,
			  (unsigned long long)rec->lsn, (unsigned long long)o->op);
}

static void count_err(unsigned long *hist, int err)
{
	hist[err < 0 && -err < NR_ERRNO ? -err : 0]++;
}

/* Read every stream forward; 1 if each read to its end. */
static int read_all(struct campaign *c, int log)
{
	static u8 buf[READ_BUF];
	struct clfs_ioc_record rec;
	int whole = 1;

	for (unsigned int k = 0; k < c->nr_streams; k++) {
		struct clfs_stream_info q;
		u64 last = 0;
		int s, m = -1, ctx = -1, ret;

		s = clfs_stream_open(log, c->streams[k]);
		if (s < 0) {
			count_err(c->read_err, s);
			whole = 0;
			continue;
		}
		ret = clfs_stream_query(s, &q);
		if (!ret)
			m = clfs_marshal_create(s, 0, 0, 0);
		if (ret || m < 0 || q.first_lsn == CLFS_LSN_NULL) {
			if (ret || m < 0)
				count_err(c->read_err, ret ? ret : m);
			whole &= !ret && m >= 0;
			goto next;
		}
		clfs_record_init(&rec, buf, sizeof(buf));
		ctx = clfs_read_record(m, q.first_lsn, CLFS_READ_FORWARD, CLFS_FILTER_ALL, &rec);
		for (ret = ctx < 0 ? ctx : 0; ret == 0; ret = clfs_read_next(ctx, &rec)) {
			if (last && rec.lsn <= last)
				violation(c, "stream %u: LSN 0x%llx after 0x%llx", c->streams[k],
					  (unsigned long long)rec.lsn, (unsigned long long)last);
			last = rec.lsn;
			check_record(c, c->streams[k], &rec, buf);
		}
		if (ret != -ENODATA && ret != -ENOENT) {
			count_err(c->read_err, ret);
			whole = 0;
		}
next:
		if (ctx >= 0)
			close(ctx);
		if (m >= 0)
			close(m);
		close(s);
	}
	return whole;
}

/* Append one forced record to the first stream that takes it: its LSN. */
static u64 append_one(int log, u32 *stream, const struct campaign *c)
{
	static const char data[] = "clfs-corrupt: written after the damage";
	struct iovec iov = { .iov_base = (void *)data, .iov_len = sizeof(data) };

	for (unsigned int k = 0; k < c->nr_streams; k++) {
		u64 lsn;
		int s = clfs_stream_open(log, c->streams[k]), m, ret = -1;

		if (s < 0)
			continue;
		m = clfs_marshal_create(s, 0, 0, 0);
		if (m >= 0) {
			ret = clfs_append(m, &iov, 1, CLFS_RECORD_DATA, CLFS_APPEND_FORCE_FLUSH,
					  CLFS_LSN_NULL, CLFS_LSN_NULL, &lsn);
			close(m);
		}
		close(s);
		if (!ret) {
			*stream = c->streams[k];
			return lsn;
		}
	}
	return CLFS_LSN_NULL;
}

/* The record appended at @lsn of @stream reads back after a reopen. */
static void check_appended(struct campaign *c, int ctl, u32 stream, u64 lsn)
{
	static u8 buf[READ_BUF];
	struct clfs_ioc_record rec;
	int log, s, m = -1, ctx = -1;

	log = clfs_log_open(ctl, c->dev, CLFS_OPEN_READ_ONLY);
	if (log < 0) {
		violation(c, "an acknowledged append (0x%llx) left a log that does not open: %s",
			  (unsigned long long)lsn, strerror(-log));
		return;
	}
	s = clfs_stream_open(log, stream);
	if (s >= 0)
		m = clfs_marshal_create(s, 0, 0, 0);
	clfs_record_init(&rec, buf, sizeof(buf));
	if (m >= 0)
		ctx = clfs_read_record(m, lsn, CLFS_READ_FORWARD, CLFS_FILTER_ALL, &rec);
	if (ctx < 0 || rec.lsn != lsn || memcmp(buf, "clfs-corrupt:", 13))
		violation(c, "stream %u: the acknowledged append 0x%llx is not there: %s",
			  stream, (unsigned long long)lsn, strerror(ctx < 0 ? -ctx : EILSEQ));
	if (ctx >= 0)
		close(ctx);
	if (m >= 0)
		close(m);
	if (s >= 0)
		close(s);
	close(log);
}

static int one_variant(struct campaign *c, int ctl, unsigned long v)
{
	static const enum cls mix[] = { C_FLIP, C_ZERO, C_SWAP, C_MD, C_MD, C_MD, C_BLK, C_BLK };
	enum cls k = mix[v % N(mix)];
	struct off_check_opts o = { .force = true };
	FILE *null = fopen("/dev/null", "w");
	int status, log, ret, whole = 0;
	u32 stream = 0;
	double t;
	u64 lsn;

	mutate(c, v, k);
	t = now();
	ret = put_image(c);
	if (ret || !null)
		return ret ? ret : -errno;
	charge(c, P_WRITE, &t);
	status = off_check(c->dev, &o, false, null, null);
	fclose(null);
	charge(c, P_CHECK, &t);
	c->variants[k]++;
	if (status == OFF_EXIT_CLEAN || status == OFF_EXIT_WARNING)
		c->off_clean[k]++;

	log = clfs_log_open(ctl, c->dev, CLFS_OPEN_READ_ONLY);
	if (log >= 0) {
		c->ro_open[k]++;
		whole = read_all(c, log);
		close(log);
	} else {
		count_err(c->open_err[k], log);
	}
	charge(c, P_RO, &t);
	log = clfs_log_open(ctl, c->dev, 0);
	if (log >= 0) {
		c->rw_open[k]++;
		whole &= read_all(c, log);
		lsn = append_one(log, &stream, c);
		close(log);
		charge(c, P_RW, &t);
		if (lsn != CLFS_LSN_NULL) {
			c->appended[k]++;
			check_appended(c, ctl, stream, lsn);
			charge(c, P_REOPEN, &t);
		}
	} else {
		count_err(c->open_err[k], log);
		charge(c, P_RW, &t);
		whole = 0;
	}
	ret = get_image(c);
	if (ret)
		return ret;
	charge(c, P_READBACK, &t);
	c->full_read[k] += whole;
	/* Each disagreement is named so that it can be explained, not only counted. */
	if ((status == OFF_EXIT_CLEAN || status == OFF_EXIT_WARNING) && log < 0) {
		c->disagree_clean_refused[k]++;
		printf("# variant %lu (%s): clfsctl check clean, read-write open refused: %s\n",
		       v, c->what, strerror(-log));
	}
	if (status == OFF_EXIT_CORRUPT && whole) {
		c->disagree_corrupt_whole[k]++;
		printf("# variant %lu (%s): clfsctl check corrupt, every stream read to its end\n",
		       v, c->what);
	}
	return 0;
}

static void print_missing_in(const struct campaign *c, const struct field *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int k;

		for (k = 0; k < c->nr_hit && c->hit[k] != &t[i]; k++)
			;
		if (k == c->nr_hit)
			printf("# never changed: %s\n", t[i].name);
	}
}

static void print_missing(const struct campaign *c)
{
	print_missing_in(c, md_fields, N(md_fields));
	print_missing_in(c, pol_fields, N(pol_fields));
	print_missing_in(c, stream_fields, N(stream_fields));
	print_missing_in(c, cont_fields, N(cont_fields));
	print_missing_in(c, blk_fields, N(blk_fields));
	print_missing_in(c, rec_fields, N(rec_fields));
	print_missing_in(c, trunc_fields, N(trunc_fields));
}

static void print_errs(const char *what, const unsigned long *hist)
{
	printf("# %s:", what);
	for (int e = 0; e < NR_ERRNO; e++)
		if (hist[e])
			printf(" %s %lu;", e ? strerror(e) : "other", hist[e]);
	printf("\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "journal", required_argument, NULL, 'j' },
		{ "variants", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct campaign *c = calloc(1, sizeof(*c));
	unsigned long nr = 1000, total = 0;
	const char *jpath = NULL;
	size_t bad_line = 0;
	int opt, ctl, ret;

	if (!c)
		return 2;
	c->rnd = 1;
	while ((opt = getopt_long(argc, argv, "d:j:n:s:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			c->dev = optarg;
			break;
		case 'j':
			jpath = optarg;
			break;
		case 'n':
			nr = strtoul(optarg, NULL, 0);
			break;
		case 's':
			c->rnd = strtoull(optarg, NULL, 0) | 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!c->dev || !jpath) {
		fputs(usage, stderr);
		return 2;
	}
	ret = journal_load(&c->j, jpath, &bad_line);
	if (ret) {
		fprintf(stderr, "crash_corrupt: %s: %s (line %zu)\n", jpath, strerror(-ret),
			bad_line);
		return 2;
	}
	for (size_t i = 0; i < c->j.nr; i++) {
		unsigned int k;

		if (!journal_is_record(c->j.ops[i].kind))
			continue;
		for (k = 0; k < c->nr_streams && c->streams[k] != c->j.ops[i].stream; k++)
			;
		if (k == c->nr_streams && k < N(c->streams))
			c->streams[c->nr_streams++] = c->j.ops[i].stream;
	}
	c->fd = open(c->dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (c->fd < 0 || ioctl(c->fd, BLKGETSIZE64, &c->bytes) || c->bytes % IO_UNIT) {
		fprintf(stderr, "crash_corrupt: %s: %s\n", c->dev,
			c->fd < 0 || errno ? strerror(errno) : "size not a multiple of 4 KiB");
		return 2;
	}
	c->io_bytes = c->bytes;
	c->blks = calloc(MAX_BLOCKS, sizeof(*c->blks));
	c->used_sectors = calloc(c->bytes / 512 + CLFS_MD_AREA_BYTES / 512, sizeof(u64));
	if (posix_memalign((void **)&c->base, IO_UNIT, c->bytes) ||
	    posix_memalign((void **)&c->img, IO_UNIT, c->bytes) ||
	    posix_memalign((void **)&c->cur, IO_UNIT, c->bytes) || !c->blks || !c->used_sectors ||
	    get_image(c) || ioctl(c->fd, BLKFLSBUF, 0)) {
		perror("crash_corrupt: the base image");
		return 2;
	}
	memcpy(c->base, c->cur, c->bytes);
	memcpy(c->img, c->cur, c->bytes);
	printf("KTAP version 1\n1..3\n");
	if (scan_base(c) || !c->nr_streams) {
		printf("not ok 1 variants_checked\nnot ok 2 no_record_never_written\n");
		printf("not ok 3 every_field_of_the_format_changed\n");
		return 1;
	}
	ctl = clfs_open_control(NULL);
	if (ctl < 0) {
		fprintf(stderr, "crash_corrupt: /dev/clfs: %s\n", strerror(-ctl));
		return 2;
	}
	for (unsigned long v = 0; v < nr; v++) {
		ret = one_variant(c, ctl, v);
		if (ret) {
			fprintf(stderr, "crash_corrupt: variant %lu: %s\n", v, strerror(-ret));
			return 2;
		}
	}
	close(ctl);
	for (int k = 0; k < NR_CLS; k++) {
		char what[64];

		total += c->variants[k];
		printf("# %-4s %4lu variants: clfsctl check clean %lu; opened read-only %lu, read-write %lu, every stream read to its end %lu, appended and read back %lu; disagreements: check clean but refused %lu, check corrupt but all read %lu\n",
		       cls_name[k], c->variants[k], c->off_clean[k], c->ro_open[k], c->rw_open[k],
		       c->full_read[k], c->appended[k], c->disagree_clean_refused[k],
		       c->disagree_corrupt_whole[k]);
		snprintf(what, sizeof(what), "%s: opens refused", cls_name[k]);
		print_errs(what, c->open_err[k]);
	}
	print_errs("reads that stopped early", c->read_err);
	printf("# time per variant, ms:");
	for (int p = 0; p < NR_PHASES; p++)
		printf(" %s %.1f;", phase_name[p], total ? c->secs[p] * 1000 / total : 0);
	printf(" units of %u bytes rewritten %.1f\n", IO_UNIT,
	       total ? (double)c->units_written / total : 0);
	printf("# variants: %lu; records read back %lu, of them in forged blocks %lu; violations %lu\n",
	       total, c->records, c->forged, c->violations);
	printf("%s 1 variants_checked_%lu\n", total == nr && nr ? "ok" : "not ok", nr);
	printf("%s 2 no_record_never_written\n", c->violations ? "not ok" : "ok");
	printf("# fields changed: %u of %zu\n", c->nr_hit, N(md_fields) + N(pol_fields) +
	       N(stream_fields) + N(cont_fields) + N(blk_fields) + N(rec_fields) +
	       N(trunc_fields));
	print_missing(c);
	printf("%s 3 every_field_of_the_format_changed\n",
	       c->nr_hit == N(md_fields) + N(pol_fields) + N(stream_fields) + N(cont_fields) +
	       N(blk_fields) + N(rec_fields) + N(trunc_fields) ? "ok" : "not ok");
	return c->violations || total != nr ? 1 : 0;
}
