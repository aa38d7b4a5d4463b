// SPDX-License-Identifier: GPL-2.0
/* A dm-log-writes log, its crash states, and rebuilding them (lw.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>
#include "lw.h"

#define LW_MAGIC	0x6A736677736872ULL
#define LW_VERSION	1ULL
#define LW_KNOWN	(LW_FLUSH | LW_FUA | LW_DISCARD | LW_MARK | LW_METADATA)

/* The log's own layout: little-endian, as dm-log-writes.c writes it. */
struct lw_disk_super {
	uint64_t magic;
	uint64_t version;
	uint64_t nr_entries;
	uint32_t sectorsize;
};

struct lw_disk_entry {
	uint64_t sector;
	uint64_t nr_sectors;
	uint64_t flags;
	uint64_t data_len;
};

static int size_of(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) ? -errno : 0;
	*bytes = st.st_size;
	return 0;
}

static int read_at(int fd, void *buf, size_t bytes, uint64_t pos)
{
	ssize_t n = pread(fd, buf, bytes, pos);

	if (n < 0)
		return -errno;
	return (size_t)n == bytes ? 0 : -EUCLEAN;
}

int lw_log_open(struct lw_log *log, const char *path)
{
	struct lw_disk_super sb;
	struct lw_disk_entry de;
	uint64_t size, pos, mult;
	char name[4096];
	int ret;

	memset(log, 0, sizeof(*log));
	log->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (log->fd < 0)
		return -errno;
	ret = size_of(log->fd, &size);
	if (!ret)
		ret = read_at(log->fd, &sb, sizeof(sb), 0);
	if (ret)
		goto fail;
	ret = -EUCLEAN;
	if (le64toh(sb.magic) != LW_MAGIC || le64toh(sb.version) != LW_VERSION)
		goto fail;
	log->sectorsize = le32toh(sb.sectorsize);
	log->nr_entries = le64toh(sb.nr_entries);
	if (log->sectorsize < 512 || log->sectorsize > 4096 ||
	    log->sectorsize & (log->sectorsize - 1) || log->nr_entries > size / log->sectorsize)
		goto fail;
	mult = log->sectorsize / 512;
	log->entries = calloc(log->nr_entries + 1, sizeof(*log->entries));
	if (!log->entries) {
		ret = -ENOMEM;
		goto fail;
	}
	pos = log->sectorsize;
	for (uint64_t i = 0; i < log->nr_entries; i++) {
		struct lw_entry *e = &log->entries[i];

		ret = read_at(log->fd, &de, sizeof(de), pos);
		if (ret)
			goto fail;
		ret = -EUCLEAN;
		e->sector = le64toh(de.sector);
		e->nr_sectors = le64toh(de.nr_sectors);
		e->flags = le64toh(de.flags);
		e->data_len = le64toh(de.data_len);
		if (e->flags & ~(uint64_t)LW_KNOWN || e->nr_sectors > size / log->sectorsize ||
		    e->sector > UINT64_MAX / mult - e->nr_sectors)
			goto fail;
		if (e->flags & LW_MARK) {
			if (e->nr_sectors || e->data_len > log->sectorsize - sizeof(de))
				goto fail;
			ret = read_at(log->fd, name, e->data_len, pos + sizeof(de));
			if (ret)
				goto fail;
			e->mark = strndup(name, e->data_len);
			if (!e->mark) {
				ret = -ENOMEM;
				goto fail;
			}
			e->data_pos = pos + sizeof(de);
			pos += log->sectorsize;
		} else {
			if (e->data_len)
				goto fail;
			e->data_pos = pos + log->sectorsize;
			pos += log->sectorsize;
			if (!(e->flags & LW_DISCARD))
				pos += e->nr_sectors * log->sectorsize;
			e->sector *= mult;
			e->nr_sectors *= mult;
			e->data_len = e->flags & LW_DISCARD ? 0 : e->nr_sectors * 512;
		}
		if (pos > size)
			goto fail;
	}
	return 0;
fail:
	lw_log_close(log);
	return ret;
}

void lw_log_close(struct lw_log *log)
{
	for (uint64_t i = 0; log->entries && i < log->nr_entries; i++)
		free(log->entries[i].mark);
	free(log->entries);
	if (log->fd >= 0)
		close(log->fd);
	memset(log, 0, sizeof(*log));
	log->fd = -1;
}

long lw_mark_index(const struct lw_log *log, const char *name, size_t from)
{
	for (size_t i = from; i < log->nr_entries; i++)
		if (log->entries[i].mark && !strcmp(log->entries[i].mark, name))
			return i;
	return -1;
}

int lw_entry_read(const struct lw_log *log, size_t i, void *buf)
{
	if (i >= log->nr_entries)
		return -EINVAL;
	return read_at(log->fd, buf, log->entries[i].data_len, log->entries[i].data_pos);
}

/* ---- crash states ------------------------------------------------------- */

static bool is_write(const struct lw_entry *e)
{
	return e->nr_sectors && !(e->flags & LW_MARK);
}

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

struct walk {
	const struct lw_log *log;
	const struct lw_bounds *b;
	lw_state_fn fn;
	void *arg;
	size_t *vol, nr_vol;		/* the volatile writes at this point */
	size_t *pick;			/* a subset of them */
	unsigned char *seen;		/* random subsets produced, nr_vol bytes each */
	size_t nr_seen;
};

static int emit(struct walk *w, struct lw_state *st, size_t nr, const char *suffix)
{
	st->applied = w->pick;
	st->nr_applied = nr;
	snprintf(st->name, sizeof(st->name), "p%zu%s", st->point, suffix);
	return w->fn(w->log, st, w->arg);
}

/* The subset @in (nr_vol flags) as st->applied. */
static int emit_set(struct walk *w, struct lw_state *st, const unsigned char *in,
		    const char *suffix)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nr_vol; i++)
		if (in[i])
			w->pick[n++] = w->vol[i];
	return emit(w, st, n, suffix);
}

static int point_states(struct walk *w, size_t point, size_t durable_end)
{
	struct lw_state st = { .point = point, .durable_end = durable_end, .torn = SIZE_MAX };
	size_t v = w->nr_vol, i, k;
	unsigned char *in;
	char suffix[64];
	uint64_t x;
	int ret;

	in = calloc(v + 1, 1);
	if (!in)
		return -ENOMEM;
	memset(in, 1, v);
	ret = emit_set(w, &st, in, "");
	if (ret || !v)
		goto out;
	memset(in, 0, v);
	ret = emit_set(w, &st, in, "-none");
	if (v <= w->b->all_subsets_max) {
		for (uint64_t m = 1; !ret && m + 1 < (1ULL << v); m++) {
			for (i = 0; i < v; i++)
				in[i] = (m >> i) & 1;
			snprintf(suffix, sizeof(suffix), "+s%llx", (unsigned long long)m);
			ret = emit_set(w, &st, in, suffix);
		}
	} else {
		for (k = 0; !ret && k < v; k++) {	/* each one dropped */
			memset(in, 1, v);
			in[k] = 0;
			snprintf(suffix, sizeof(suffix), "-d%zu", w->vol[k]);
			ret = emit_set(w, &st, in, suffix);
		}
		for (k = 1; !ret && k < v; k++) {	/* each proper prefix */
			memset(in, 0, v);
			memset(in, 1, k);
			snprintf(suffix, sizeof(suffix), "+f%zu", k);
			ret = emit_set(w, &st, in, suffix);
		}
		x = (w->b->seed ^ (point * 0x9e3779b97f4a7c15ULL)) | 1;
		w->nr_seen = 0;
		for (k = 0; !ret && k < w->b->random_subsets * 4 &&
		     w->nr_seen < w->b->random_subsets; k++) {
			size_t ones = 0, s;

			for (i = 0; i < v; i++) {
				in[i] = next_rand(&x) & 1;
				ones += in[i];
			}
			/* All, none, one dropped and prefixes were produced already. */
			if (ones >= v - 1 || !ones)
				continue;
			for (i = 0; i < v && in[i]; i++)
				;
			for (s = i; s < v && !in[s]; s++)
				;
			if (s == v)
				continue;
			for (s = 0; s < w->nr_seen && memcmp(w->seen + s * v, in, v); s++)
				;
			if (s < w->nr_seen)
				continue;
			memcpy(w->seen + w->nr_seen++ * v, in, v);
			snprintf(suffix, sizeof(suffix), "+r%zu", w->nr_seen);
			ret = emit_set(w, &st, in, suffix);
		}
	}
	/* The last volatile write torn, the others applied. */
	if (!ret && w->log->entries[w->vol[v - 1]].nr_sectors > 1) {
		uint64_t n = w->log->entries[w->vol[v - 1]].nr_sectors, t, prev = 0;
		unsigned int p;

		memset(in, 1, v);
		in[v - 1] = 0;
		for (p = 0; !ret && p < w->b->torn_points; p++) {
			t = p == 0 ? n / 2 : p == 1 ? 1 : n - 1;
			if (t == 0 || t >= n || (p && t == prev) || (p == 2 && t == 1))
				continue;
			prev = t;
			st.torn = w->vol[v - 1];
			st.torn_sectors = t;
			for (int tail = 0; !ret && tail < 2; tail++) {
				st.torn_tail = tail;
				snprintf(suffix, sizeof(suffix), "+t%zu:%s%llu", st.torn,
					 tail ? "-" : "", (unsigned long long)t);
				ret = emit_set(w, &st, in, suffix);
			}
		}
	}
out:
	free(in);
	return ret;
}

/* The states at point @p, if it is in range and not visited already. */
static int visit(struct walk *w, size_t p, size_t first, size_t end, size_t *last_point,
		 size_t durable_end)
{
	if (p < first || p > end || p == *last_point)
		return 0;
	*last_point = p;
	return point_states(w, p, durable_end);
}

int lw_enumerate(const struct lw_log *log, size_t first, size_t end,
		 const struct lw_bounds *b, lw_state_fn fn, void *arg)
{
	struct walk w = { .log = log, .b = b, .fn = fn, .arg = arg };
	size_t durable_end = 0, last_point = SIZE_MAX;
	int ret = 0;

	if (end > log->nr_entries)
		end = log->nr_entries;
	w.vol = calloc(log->nr_entries + 1, sizeof(*w.vol));
	w.pick = calloc(log->nr_entries + 1, sizeof(*w.pick));
	w.seen = calloc((size_t)(b->random_subsets + 1) * (log->nr_entries + 1), 1);
	if (!w.vol || !w.pick || !w.seen) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < end; i++) {
		const struct lw_entry *e = &log->entries[i];

		if (e->flags & LW_FLUSH) {
			if (w.nr_vol)	/* the flush in flight */
				ret = visit(&w, i, first, end, &last_point, durable_end);
			if (ret)
				goto out;
			durable_end = i;
			w.nr_vol = 0;
		}
		if (is_write(e) && !(e->flags & LW_FUA))
			w.vol[w.nr_vol++] = i;
		if (e->flags & (LW_FLUSH | LW_FUA | LW_MARK))
			ret = visit(&w, i + 1, first, end, &last_point, durable_end);
		if (ret)
			goto out;
	}
	ret = visit(&w, end, first, end, &last_point, durable_end);
out:
	free(w.vol);
	free(w.pick);
	free(w.seen);
	return ret;
}

/* ---- rebuilding a state -------------------------------------------------- */

/*
 * base holds the writes before base_end; want is base plus the current
 * state's writes; have is what the target holds. A block with none of its
 * flags set has want == base == have, so an apply only looks at flagged
 * blocks: those the base or an overlay wrote since, and those forgotten.
 */
#define LW_B_DIRTY	1	/* want or base changed: compare with have */
#define LW_B_OVERLAY	2	/* want holds a state's write: differs from base */
#define LW_B_STALE	4	/* the target may differ from have: write it */

struct lw_replayer {
	const struct lw_log *log;
	int fd;
	uint64_t dev_bytes;
	uint32_t block;
	uint64_t nr_blocks;
	unsigned char *base;
	size_t base_end;
	unsigned char *want;
	unsigned char *have;
	unsigned char *scratch;
	unsigned char *flags;	/* per block: LW_B_* */
	unsigned char *buf;	/* one entry's data */
	uint64_t buf_bytes;
	uint64_t written;
};

#define RESYNC_CHUNK	(1 << 20)

int lw_replayer_init(struct lw_replayer **rp, const struct lw_log *log, int target_fd,
		     uint64_t dev_bytes, uint32_t block_bytes)
{
	struct lw_replayer *r;

	if (!block_bytes || block_bytes % 512 || dev_bytes % block_bytes || !dev_bytes)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->log = log;
	r->fd = target_fd;
	r->dev_bytes = dev_bytes;
	r->block = block_bytes;
	r->nr_blocks = dev_bytes / block_bytes;
	r->base = calloc(1, dev_bytes);
	r->want = aligned_alloc(4096, (dev_bytes + 4095) / 4096 * 4096);
	r->have = calloc(1, dev_bytes);
	r->scratch = aligned_alloc(4096, RESYNC_CHUNK);
	r->flags = calloc(r->nr_blocks, 1);
	if (!r->base || !r->want || !r->have || !r->scratch || !r->flags) {
		lw_replayer_free(r);
		return -ENOMEM;
	}
	memset(r->want, 0, dev_bytes);
	*rp = r;
	return 0;
}

void lw_replayer_free(struct lw_replayer *r)
{
	if (!r)
		return;
	free(r->base);
	free(r->want);
	free(r->have);
	free(r->scratch);
	free(r->flags);
	free(r->buf);
	free(r);
}

void lw_replayer_forget(struct lw_replayer *r, uint64_t sector, uint64_t nr)
{
	uint64_t first = sector * 512 / r->block;
	uint64_t last = ((sector + nr) * 512 + r->block - 1) / r->block;

	for (uint64_t b = first; b < last && b < r->nr_blocks; b++)
		r->flags[b] |= LW_B_STALE;
}

long lw_replayer_resync(struct lw_replayer *r)
{
	long changed = 0;

	for (uint64_t off = 0; off < r->dev_bytes; off += RESYNC_CHUNK) {
		uint64_t n = r->dev_bytes - off < RESYNC_CHUNK ? r->dev_bytes - off : RESYNC_CHUNK;

		if (pread(r->fd, r->scratch, n, off) != (ssize_t)n)
			return -EIO;
		for (uint64_t b = 0; b < n; b += r->block) {
			if (!memcmp(r->scratch + b, r->have + off + b, r->block))
				continue;
			memcpy(r->have + off + b, r->scratch + b, r->block);
			r->flags[(off + b) / r->block] |= LW_B_STALE;
			changed++;
		}
	}
	return changed;
}

uint64_t lw_replayer_bytes_written(const struct lw_replayer *r)
{
	return r->written;
}

/* Entry @i's sectors [skip, skip + nr) into @img; its blocks get @flag. */
static int apply_entry(struct lw_replayer *r, unsigned char *img, size_t i, uint64_t skip,
		       uint64_t nr, unsigned char flag)
{
	const struct lw_entry *e = &r->log->entries[i];
	uint64_t bytes = e->nr_sectors * 512, from = (e->sector + skip) * 512;
	int ret;

	if (!is_write(e) || !nr)
		return 0;
	if (e->sector * 512 + bytes > r->dev_bytes)
		return -EINVAL;
	for (uint64_t b = from / r->block; b * r->block < from + nr * 512; b++)
		r->flags[b] |= flag;
	if (e->flags & LW_DISCARD) {
		memset(img + from, 0, nr * 512);
		return 0;
	}
	if (bytes > r->buf_bytes) {
		free(r->buf);
		r->buf = malloc(bytes);
		r->buf_bytes = r->buf ? bytes : 0;
		if (!r->buf)
			return -ENOMEM;
	}
	ret = lw_entry_read(r->log, i, r->buf);
	if (ret)
		return ret;
	memcpy(img + from, r->buf + skip * 512, nr * 512);
	return 0;
}

int lw_replayer_apply(struct lw_replayer *r, const struct lw_state *st)
{
	size_t a = 0;
	int ret;

	if (st->durable_end < r->base_end) {	/* backwards: start again */
		memset(r->base, 0, r->dev_bytes);
		memset(r->flags, LW_B_DIRTY, r->nr_blocks);
		r->base_end = 0;
	}
	for (; r->base_end < st->durable_end; r->base_end++) {
		ret = apply_entry(r, r->base, r->base_end, 0,
				  r->log->entries[r->base_end].nr_sectors, LW_B_DIRTY);
		if (ret)
			return ret;
	}
	for (uint64_t b = 0; b < r->nr_blocks; b++)
		if (r->flags[b])
			memcpy(r->want + b * r->block, r->base + b * r->block, r->block);
	for (uint64_t b = 0; b < r->nr_blocks; b++)
		r->flags[b] = r->flags[b] ? (r->flags[b] & LW_B_STALE) | LW_B_DIRTY : 0;
	for (size_t i = st->durable_end; i < st->point && i < r->log->nr_entries; i++) {
		const struct lw_entry *e = &r->log->entries[i];
		uint64_t n = e->nr_sectors, t = st->torn_sectors;

		while (a < st->nr_applied && st->applied[a] < i)
			a++;
		ret = 0;
		if (i == st->torn)
			ret = apply_entry(r, r->want, i, st->torn_tail ? n - t : 0, t,
					  LW_B_DIRTY | LW_B_OVERLAY);
		else if ((e->flags & LW_FUA) || (a < st->nr_applied && st->applied[a] == i))
			ret = apply_entry(r, r->want, i, 0, n, LW_B_DIRTY | LW_B_OVERLAY);
		if (ret)
			return ret;
	}
	for (uint64_t b = 0; b < r->nr_blocks; b++) {
		uint64_t off = b * r->block;
		unsigned char f = r->flags[b];

		if (!f)
			continue;
		if ((f & LW_B_STALE) || memcmp(r->want + off, r->have + off, r->block)) {
			if (pwrite(r->fd, r->want + off, r->block, off) != (ssize_t)r->block)
				return -errno;
			memcpy(r->have + off, r->want + off, r->block);
			r->written += r->block;
		}
		/* A block holding a state's write is rebuilt from base next time. */
		r->flags[b] = f & LW_B_OVERLAY ? LW_B_DIRTY : 0;
	}
	return fdatasync(r->fd) ? -errno : 0;
}
