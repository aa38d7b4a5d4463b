// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the on-disk format code (kmod/format), built with
 * ASan and UBSan and run under the kernel's kselftest harness.
 *
 * The KUnit suite clfs_format pins each documented errno to a named field;
 * these tests sweep instead: every byte of a metadata copy and of a block
 * is flipped or rewritten, and the result must be a documented error or a
 * structure that encodes back to exactly the same bytes. The scan tests
 * replay crash sequences on an in-memory device to show that stale blocks
 * never come back. Every test runs for 512- and 4096-byte sectors and for
 * dedicated and multiplexed logs.
 */
#include <stdlib.h>
#include "kselftest_harness.h"
#include "fixture.h"

FIXTURE(fmt) {
	struct clfs_md *md;
	struct clfs_md *out;
	u8 *copy;		/* an encoded metadata copy region */
	u8 *orig;		/* the same, untouched */
	u8 *blk;		/* an encoded block */
	u8 *blk_orig;
	struct clfs_blk hdr;
};

FIXTURE_VARIANT(fmt) {
	u32 sector_bytes;
	bool mux;
};

FIXTURE_VARIANT_ADD(fmt, s512_dedicated) { .sector_bytes = 512, .mux = false };
FIXTURE_VARIANT_ADD(fmt, s512_mux) { .sector_bytes = 512, .mux = true };
FIXTURE_VARIANT_ADD(fmt, s4k_dedicated) { .sector_bytes = 4096, .mux = false };
FIXTURE_VARIANT_ADD(fmt, s4k_mux) { .sector_bytes = 4096, .mux = true };

/* Room for the longest block a header may claim, as a reader would read. */
#define BLK_BUF_BYTES	(CLFS_BLK_MAX_BYTES + CLFS_SECTOR_4K)
/* The fixture block and its sector tail lie in the first 4 KiB. */
#define BLK_HEAD_BYTES	CLFS_SECTOR_4K

FIXTURE_SETUP(fmt)
{
	self->md = fx_alloc(sizeof(*self->md));
	self->out = fx_alloc(sizeof(*self->out));
	self->copy = fx_alloc(CLFS_MD_COPY_BYTES);
	self->orig = fx_alloc(CLFS_MD_COPY_BYTES);
	self->blk = fx_alloc(BLK_BUF_BYTES);
	self->blk_orig = fx_alloc(BLK_BUF_BYTES);
	fx_make_md(self->md, variant->sector_bytes, variant->mux);
	ASSERT_LT(0, clfs_md_encode(self->md, self->copy, CLFS_MD_COPY_BYTES));
	memcpy(self->orig, self->copy, CLFS_MD_COPY_BYTES);
	ASSERT_EQ((int)variant->sector_bytes,
		  fx_make_blk(self->md, self->blk, BLK_BUF_BYTES, &self->hdr));
	memcpy(self->blk_orig, self->blk, BLK_BUF_BYTES);
}

FIXTURE_TEARDOWN(fmt)
{
	free(self->md);
	free(self->out);
	free(self->copy);
	free(self->orig);
	free(self->blk);
	free(self->blk_orig);
}

/* Decode the fixture's metadata copy into self->out. */
#define decode(self) \
	clfs_md_decode((self)->copy, CLFS_MD_COPY_BYTES, FX_DEV_BYTES, \
		       (self)->out)

static void fix_md_crc(u8 *copy)
{
	struct clfs_md_disk *d = (struct clfs_md_disk *)copy;

	d->crc = cpu_to_le32(clfs_md_disk_crc(copy, CLFS_MD_DISK_BYTES));
}

static int decode_blk(const struct clfs_md *md, const u8 *blk, u32 len,
		      struct clfs_blk *hdr)
{
	return clfs_blk_decode(md, FX_BLK_LSN, 0, blk, len, hdr);
}

static void fix_blk_crc(const struct clfs_md *md, u8 *blk, u32 used)
{
	struct clfs_blk_disk *bd = (struct clfs_blk_disk *)blk;

	bd->crc = cpu_to_le32(clfs_blk_disk_crc(clfs_log_crc_seed(md->uuid),
						blk, used));
}

/* ---- crc shim --------------------------------------------------------- */

TEST(crc32c_matches_kernel_convention)
{
	static const char check[] = "123456789";

	/* Raw state like the kernel's crc32c(); standard value inverted. */
	EXPECT_EQ(0x1cf96d7cU, clfs_crc32c(~0U, check, 9));
	EXPECT_EQ(0xe3069283U, ~clfs_crc32c(~0U, check, 9));
	EXPECT_EQ(0x1cf96d7cU, clfs_crc32c(clfs_crc32c(~0U, check, 3),
					   check + 3, 6));
	EXPECT_EQ(0x12345678U, clfs_crc32c(0x12345678U, check, 0));
}

/* ---- metadata --------------------------------------------------------- */

TEST_F(fmt, md_roundtrip_is_lossless)
{
	ASSERT_EQ(0, decode(self));
	EXPECT_EQ(0, memcmp(self->md, self->out, sizeof(*self->md)));
}

TEST_F(fmt, md_every_byte_flip_is_caught)
{
	u32 off, magic_end = sizeof(((struct clfs_md_disk *)0)->magic);

	for (off = 0; off < CLFS_MD_DISK_BYTES; off++) {
		int want = off < magic_end ? -ENODATA : -EUCLEAN;

		self->copy[off] ^= 0x81;
		ASSERT_EQ(want, decode(self)) {
			TH_LOG("byte %u", off);
		}
		self->copy[off] ^= 0x81;
	}
	ASSERT_EQ(0, decode(self));
}

/* Bytes past the structure and inside the copy region are not covered. */
TEST_F(fmt, md_region_tail_is_ignored)
{
	memset(self->copy + CLFS_MD_DISK_BYTES, 0x5a,
	       CLFS_MD_COPY_BYTES - CLFS_MD_DISK_BYTES);
	EXPECT_EQ(0, decode(self));
}

struct byte_range {
	u32 off;
	u32 len;
};

#define RANGE(f) { offsetof(struct clfs_md_disk, f), \
		   sizeof(((struct clfs_md_disk *)0)->f) }

/* Is @off inside a reserved field of a metadata copy? */
static bool md_reserved_byte(u32 off)
{
	static const struct byte_range r[] = {
		RANGE(reserved0), RANGE(reserved1), RANGE(reserved2),
		RANGE(policy.reserved0), RANGE(policy.reserved),
	};
	u32 i, rel;

	for (i = 0; i < ARRAY_SIZE(r); i++)
		if (off >= r[i].off && off < r[i].off + r[i].len)
			return true;
	if (off >= offsetof(struct clfs_md_disk, streams) &&
	    off < offsetof(struct clfs_md_disk, containers)) {
		rel = (off - offsetof(struct clfs_md_disk, streams)) %
		      sizeof(struct clfs_md_stream_disk);
		return (rel >= offsetof(struct clfs_md_stream_disk, reserved0) &&
			rel < offsetof(struct clfs_md_stream_disk, created_lsn)) ||
		       rel >= offsetof(struct clfs_md_stream_disk, reserved);
	}
	if (off >= offsetof(struct clfs_md_disk, containers)) {
		rel = (off - offsetof(struct clfs_md_disk, containers)) %
		      sizeof(struct clfs_md_container_disk);
		return rel >= offsetof(struct clfs_md_container_disk, reserved);
	}
	return false;
}

TEST_F(fmt, md_every_reserved_byte_is_checked)
{
	u32 off, n = 0;

	for (off = 0; off < CLFS_MD_DISK_BYTES; off++) {
		if (!md_reserved_byte(off))
			continue;
		n++;
		self->copy[off] = 0x01;
		fix_md_crc(self->copy);
		ASSERT_EQ(-EUCLEAN, decode(self)) {
			TH_LOG("reserved byte %u", off);
		}
		memcpy(self->copy, self->orig, CLFS_MD_DISK_BYTES);
	}
	/* 4+8+128+4+80 in the header, 20 per stream, 2 per container. */
	EXPECT_EQ(4U + 8 + 128 + 4 + 80 + 128 * 20 + 1024 * 2, n);
}

/*
 * Rewrite every byte of the header, the policies, the first streams and
 * the first containers with a handful of values and a valid crc. Each
 * result must be a documented error, or a copy that validates and encodes
 * back to the very same bytes (one encoding per meaning: nothing a reader
 * accepts can hide extra state).
 */
TEST_F(fmt, md_field_sweep_is_canonical)
{
	static const u8 vals[] = { 0x00, 0x01, 0x02, 0x7f, 0x80, 0xff };
	const u32 streams = offsetof(struct clfs_md_disk, streams);
	const u32 conts = offsetof(struct clfs_md_disk, containers);
	u8 *again = fx_alloc(CLFS_MD_COPY_BYTES);
	u32 off, i, accepted = 0, refused = 0;

	for (off = 0; off < conts + 12 * 8; off++) {
		if (off >= streams + 5 * 64 && off < conts)
			off = conts;
		if (off >= offsetof(struct clfs_md_disk, crc) &&
		    off < offsetof(struct clfs_md_disk, md_bytes))
			continue;
		for (i = 0; i <= sizeof(vals); i++) {
			u8 v = i < sizeof(vals) ? vals[i] : self->orig[off] + 1;
			int err;

			if (v == self->orig[off])
				continue;
			self->copy[off] = v;
			fix_md_crc(self->copy);
			err = decode(self);
			if (err) {
				ASSERT_TRUE(err == -EUCLEAN || err == -ENODATA ||
					    err == -EOPNOTSUPP) {
					TH_LOG("byte %u = %#x: %d", off, v, err);
				}
				refused++;
			} else {
				accepted++;
				ASSERT_EQ(0, clfs_md_validate(self->out));
				if (clfs_md_writable(self->out)) {
					ASSERT_LT(0, clfs_md_encode(self->out,
						again, CLFS_MD_COPY_BYTES));
					ASSERT_EQ(0, memcmp(again, self->copy,
							    CLFS_MD_DISK_BYTES)) {
						TH_LOG("byte %u = %#x", off, v);
					}
				}
			}
			memcpy(self->copy, self->orig, CLFS_MD_DISK_BYTES);
		}
	}
	/* Both outcomes occur: the sweep really reaches the field checks. */
	TH_LOG("%u rewrites refused, %u accepted", refused, accepted);
	EXPECT_LT(1000U, refused);
	EXPECT_LT(100U, accepted);
	free(again);
}

TEST_F(fmt, md_version_and_features_decide_support)
{
	struct clfs_md_disk *d = (struct clfs_md_disk *)self->copy;

	d->version = cpu_to_le32(2);
	fix_md_crc(self->copy);
	EXPECT_EQ(-EOPNOTSUPP, decode(self));
	d->version = cpu_to_le32(CLFS_MD_VERSION);
	d->incompat = cpu_to_le32(1U << 7);
	fix_md_crc(self->copy);
	EXPECT_EQ(-EOPNOTSUPP, decode(self));
	d->incompat = 0;
	d->ro_compat = cpu_to_le32(1U << 7);
	fix_md_crc(self->copy);
	ASSERT_EQ(0, decode(self));
	EXPECT_FALSE(clfs_md_writable(self->out));
	EXPECT_EQ(-EINVAL, clfs_md_encode(self->out, self->copy,
					  CLFS_MD_COPY_BYTES));
}

TEST_F(fmt, md_select_takes_newest_valid_copy)
{
	const void *bufs[CLFS_MD_COPIES];
	struct clfs_md *scratch = fx_alloc(sizeof(*scratch));
	u8 *newer = fx_alloc(CLFS_MD_COPY_BYTES);
	int errs[CLFS_MD_COPIES];

	self->md->generation = 7;
	self->md->epoch = FX_EPOCH + 1;
	ASSERT_LT(0, clfs_md_encode(self->md, newer, CLFS_MD_COPY_BYTES));
	bufs[0] = self->copy;
	bufs[1] = newer;
	EXPECT_EQ(1, clfs_md_select(bufs, CLFS_MD_COPY_BYTES, FX_DEV_BYTES,
				    self->out, scratch, errs));
	EXPECT_EQ(FX_EPOCH + 1, self->out->epoch);
	/* Torn newest copy: the older one, fully validated, wins. */
	newer[CLFS_MD_DISK_BYTES - 1] ^= 1;
	EXPECT_EQ(0, clfs_md_select(bufs, CLFS_MD_COPY_BYTES, FX_DEV_BYTES,
				    self->out, scratch, errs));
	EXPECT_EQ(FX_EPOCH, self->out->epoch);
	EXPECT_EQ(-EUCLEAN, errs[1]);
	/* Both torn. */
	self->copy[300] ^= 1;
	EXPECT_EQ(-EUCLEAN, clfs_md_select(bufs, CLFS_MD_COPY_BYTES,
					   FX_DEV_BYTES, self->out, scratch,
					   errs));
	EXPECT_EQ(0U, self->out->epoch);
	free(newer);
	free(scratch);
}

/* ---- blocks ----------------------------------------------------------- */

TEST_F(fmt, blk_roundtrip_and_records)
{
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	struct clfs_blk hdr;
	u32 n = 0, i;

	ASSERT_EQ(0, decode_blk(self->md, self->blk, BLK_BUF_BYTES, &hdr));
	EXPECT_EQ(0, memcmp(&hdr, &self->hdr, offsetof(struct clfs_blk,
						       disk_bytes)));
	EXPECT_EQ(variant->sector_bytes, hdr.disk_bytes);
	ASSERT_EQ(0, clfs_rec_iter_init(&it, self->md, &hdr, self->blk,
					hdr.used_bytes));
	while (clfs_rec_iter_next(&it, &rec) == 1) {
		EXPECT_EQ(FX_BLK_LSN + n, rec.lsn);
		ASSERT_LE(rec.data_offset + rec.data_bytes, hdr.used_bytes);
		for (i = 0; i < rec.data_bytes; i++)
			ASSERT_EQ(fx_rec_byte(n, i),
				  self->blk[rec.data_offset + i]);
		n++;
	}
	EXPECT_EQ(FX_NR_RECORDS, n);
	/* The iterator refuses a block longer than its buffer. */
	EXPECT_EQ(-EINVAL, clfs_rec_iter_init(&it, self->md, &hdr, self->blk,
					      hdr.used_bytes - 8));
}

TEST_F(fmt, blk_every_byte_flip_is_caught)
{
	u32 used = self->hdr.used_bytes, off;
	struct clfs_blk hdr;

	for (off = 0; off < used; off++) {
		int err;

		self->blk[off] ^= 0x81;
		err = decode_blk(self->md, self->blk, BLK_BUF_BYTES, &hdr);
		ASSERT_EQ(off < 4 ? -ENODATA : -EUCLEAN, err) {
			TH_LOG("byte %u", off);
		}
		self->blk[off] ^= 0x81;
	}
	/* The sector tail is not part of the block. */
	for (; off < variant->sector_bytes; off++)
		self->blk[off] = 0x33;
	EXPECT_EQ(0, decode_blk(self->md, self->blk, BLK_BUF_BYTES, &hdr));
}

/* Like md_field_sweep_is_canonical, for every used byte of a block. */
TEST_F(fmt, blk_field_sweep_is_canonical)
{
	static const u8 vals[] = { 0x00, 0x01, 0x02, 0x7f, 0x80, 0xff };
	u32 used = self->hdr.used_bytes, off, i, accepted = 0, refused = 0;
	u8 *again = fx_alloc(BLK_HEAD_BYTES);
	struct clfs_blk hdr;

	for (off = 0; off < used; off++) {
		if (off >= offsetof(struct clfs_blk_disk, crc) &&
		    off < offsetof(struct clfs_blk_disk, lsn))
			continue;
		for (i = 0; i <= sizeof(vals); i++) {
			u8 v = i < sizeof(vals) ? vals[i] :
						  self->blk_orig[off] + 1;
			u32 new_used;
			int err;

			if (v == self->blk_orig[off])
				continue;
			self->blk[off] = v;
			new_used = le32_to_cpu(((struct clfs_blk_disk *)
						self->blk)->used_bytes);
			fix_blk_crc(self->md, self->blk,
				    new_used <= BLK_BUF_BYTES &&
				    new_used >= CLFS_BLK_HDR_BYTES ?
				    new_used : used);
			err = decode_blk(self->md, self->blk, BLK_BUF_BYTES,
					 &hdr);
			if (err) {
				ASSERT_TRUE(err == -EUCLEAN || err == -ENODATA ||
					    err == -ESTALE) {
					TH_LOG("byte %u = %#x: %d", off, v, err);
				}
				refused++;
			} else {
				accepted++;
				memcpy(again, self->blk, BLK_HEAD_BYTES);
				ASSERT_EQ((int)hdr.disk_bytes,
					  clfs_blk_seal(self->md, &hdr, again,
							BLK_HEAD_BYTES));
				ASSERT_EQ(0, memcmp(again, self->blk,
						    hdr.used_bytes)) {
					TH_LOG("byte %u = %#x", off, v);
				}
			}
			memcpy(self->blk, self->blk_orig, BLK_HEAD_BYTES);
		}
	}
	TH_LOG("%u rewrites refused, %u accepted", refused, accepted);
	EXPECT_LT(300U, refused);
	EXPECT_LT(20U, accepted);
	free(again);
}

TEST_F(fmt, blk_from_other_log_or_place_is_refused)
{
	struct clfs_blk hdr;

	EXPECT_EQ(-ESTALE, clfs_blk_decode(self->md, LSN(6, 0x2000, 0), 0,
					   self->blk, BLK_BUF_BYTES, &hdr));
	self->md->uuid[7] ^= 1;
	EXPECT_EQ(-EUCLEAN, decode_blk(self->md, self->blk, BLK_BUF_BYTES,
				       &hdr));
}

/* ---- recovery scans on an in-memory device ---------------------------- */

/* The containers of the fixture's device, slot after slot. */
struct dev {
	u8 *slots;
	const struct clfs_md *md;
};

static u8 *dev_at(struct dev *dev, u64 lsn)
{
	u64 off;

	if (clfs_md_lsn_to_dev(dev->md, lsn, &off))
		return NULL;
	return dev->slots + (off - FX_DATA_START);
}

/* Write a block of @nr data records of @bytes each; returns its length. */
static u32 dev_write(struct dev *dev, u64 lsn, u32 epoch, u32 nr, u32 bytes,
		     u16 flags)
{
	u8 *b = dev_at(dev, lsn);
	struct clfs_blk hdr = {
		.lsn = lsn, .epoch = epoch, .nr_records = nr, .flags = flags,
	};
	u32 off = CLFS_BLK_HDR_BYTES, i;
	int n;

	if (!b)
		abort();
	for (i = 0; i < nr; i++) {
		struct clfs_rec rec = {
			.lsn = lsn + i, .type = CLFS_REC_DATA,
			.data_bytes = bytes,
		};

		n = clfs_rec_encode(dev->md, &rec, b + off, FX_CONTAINER);
		if (n < 0)
			abort();
		memset(b + off + CLFS_REC_HDR_BYTES, 0x11 * (i + 1), bytes);
		off += n;
	}
	hdr.used_bytes = off;
	n = clfs_blk_seal(dev->md, &hdr, b, FX_CONTAINER);
	if (n < 0)
		abort();
	return n;
}

/* A write that never reached the disk (or tore in its first sector). */
static void dev_lose(struct dev *dev, u64 lsn, u32 bytes)
{
	memset(dev_at(dev, lsn), 0, bytes);
}

struct scan {
	u64 end;		/* first position without a valid block */
	u32 blocks;
	u32 max_epoch;
	int stop;		/* why the scan ended */
};

/* What recovery does: follow blocks from @start while each one is valid. */
static struct scan dev_scan(struct dev *dev, u64 start)
{
	struct scan s = { .end = start };
	struct clfs_blk hdr;
	u32 min_epoch = 0;

	for (;;) {
		u8 *b = dev_at(dev, s.end);

		if (!b) {
			s.stop = -ENOENT;
			return s;
		}
		s.stop = clfs_blk_decode(dev->md, s.end, min_epoch, b,
					 FX_CONTAINER -
					 clfs_lsn_block_offset(s.end), &hdr);
		if (s.stop)
			return s;
		s.blocks++;
		min_epoch = hdr.epoch;
		if (hdr.epoch > s.max_epoch)
			s.max_epoch = hdr.epoch;
		s.end = clfs_blk_next_lsn(dev->md, &hdr);
	}
}

/* A new session: epoch above everything seen, starting at the end. */
static void new_epoch(struct clfs_md *md, const struct scan *s)
{
	md->epoch = (s->max_epoch > md->epoch ? s->max_epoch : md->epoch) + 1;
	md->epoch_start_lsn = s->end;
	md->generation++;
}

static u64 after(const struct clfs_md *md, u64 lsn, u32 disk_bytes)
{
	struct clfs_blk hdr = { .lsn = lsn, .disk_bytes = disk_bytes };

	return clfs_blk_next_lsn(md, &hdr);
}

TEST_F(fmt, scan_never_resurrects_block_beyond_recovered_end)
{
	struct dev dev = { fx_alloc((size_t)FX_NR_SLOTS * FX_CONTAINER),
			   self->md };
	u64 b1 = FX_BLK_LSN, b2, b3;
	struct scan s;
	u32 n1, n2;

	/* Session 3 writes three blocks; the middle one is lost. */
	n1 = dev_write(&dev, b1, FX_EPOCH, 2, 100, 0);
	b2 = after(self->md, b1, n1);
	n2 = dev_write(&dev, b2, FX_EPOCH, 3, 300, 0);
	b3 = after(self->md, b2, n2);
	dev_write(&dev, b3, FX_EPOCH, 1, 10, 0);
	dev_lose(&dev, b2, n2);

	s = dev_scan(&dev, b1);
	ASSERT_EQ(b2, s.end);
	ASSERT_EQ(1U, s.blocks);

	/* Session 4 writes one block as long as the lost one, then dies. */
	new_epoch(self->md, &s);
	ASSERT_EQ(0, clfs_md_validate(self->md));
	ASSERT_EQ(n2, dev_write(&dev, b2, self->md->epoch, 1, n2 - 64, 0));
	s = dev_scan(&dev, b1);
	EXPECT_EQ(b3, s.end);	/* the old block at b3 is not taken */
	EXPECT_EQ(-ESTALE, s.stop);
	EXPECT_EQ(2U, s.blocks);

	/* Session 5 writes nothing and dies: still not taken. */
	new_epoch(self->md, &s);
	s = dev_scan(&dev, b1);
	EXPECT_EQ(b3, s.end);
	EXPECT_EQ(2U, s.blocks);

	/* Control: without the epoch bump the old block would come back. */
	self->md->epoch = FX_EPOCH;
	self->md->epoch_start_lsn = b1;
	dev_write(&dev, b2, FX_EPOCH, 1, n2 - 64, 0);
	s = dev_scan(&dev, b1);
	EXPECT_EQ(3U, s.blocks);
	free(dev.slots);
}

TEST_F(fmt, scan_after_fallback_to_older_metadata)
{
	struct dev dev = { fx_alloc((size_t)FX_NR_SLOTS * FX_CONTAINER),
			   self->md };
	struct clfs_md *newer = fx_alloc(sizeof(*newer));
	u64 b1 = FX_BLK_LSN, b2, b3;
	struct scan s;
	u32 n1, n2;

	n1 = dev_write(&dev, b1, FX_EPOCH, 1, 8, 0);
	b2 = after(self->md, b1, n1);
	n2 = dev_write(&dev, b2, FX_EPOCH, 1, 900, 0);
	b3 = after(self->md, b2, n2);
	dev_write(&dev, b3, FX_EPOCH, 1, 8, 0);
	dev_lose(&dev, b2, n2);
	s = dev_scan(&dev, b1);

	/* Session 4's metadata, then its block over the lost one. */
	memcpy(newer, self->md, sizeof(*newer));
	new_epoch(newer, &s);
	dev.md = newer;
	dev_write(&dev, b2, newer->epoch, 1, 900, 0);

	/*
	 * That metadata copy is later found corrupt and recovery falls back
	 * to the older one: the newer block stays readable, the stale block
	 * after it still does not come back.
	 */
	dev.md = self->md;
	s = dev_scan(&dev, b1);
	EXPECT_EQ(2U, s.blocks);
	EXPECT_EQ(b3, s.end);
	EXPECT_EQ(FX_EPOCH + 1, s.max_epoch);
	free(newer);
	free(dev.slots);
}

TEST_F(fmt, scan_crosses_containers_and_refuses_recycled_data)
{
	struct dev dev = { fx_alloc((size_t)FX_NR_SLOTS * FX_CONTAINER),
			   self->md };
	u32 sector = variant->sector_bytes;
	u64 b1 = LSN(7, FX_CONTAINER - 4 * sector, 0);
	struct scan s;

	/*
	 * Slot 2 holds a block written under logical id 5, in the current
	 * epoch so that only its LSN can give it away.
	 */
	dev_write(&dev, LSN(5, 0, 0), FX_EPOCH, 1, 8, 0);
	/* Session 3 closes container 7 early: the log goes on in 8. */
	self->md->epoch_start_lsn = b1;
	dev_write(&dev, b1, FX_EPOCH, 1, 8, CLFS_BLK_F_CONTAINER_END);
	/* Recycle slot 2 (logical 5) as logical 8. */
	self->md->containers[2].logical_id = 8;
	self->md->next_cid = 9;
	self->md->recovery_lsn = LSN(6, 0, 0);
	self->md->streams[0].base_lsn = LSN(6, 0, 0);
	ASSERT_EQ(0, clfs_md_validate(self->md));

	/* Nothing written in 8 yet: the logical-5 block is stale. */
	s = dev_scan(&dev, b1);
	EXPECT_EQ(LSN(8, 0, 0), s.end);
	EXPECT_EQ(-ESTALE, s.stop);
	EXPECT_EQ(1U, s.blocks);

	ASSERT_EQ(sector, dev_write(&dev, LSN(8, 0, 0), FX_EPOCH, 1, 8, 0));
	s = dev_scan(&dev, b1);
	EXPECT_EQ(2U, s.blocks);
	EXPECT_EQ(LSN(8, sector, 0), s.end);
	EXPECT_EQ(-ENODATA, s.stop);

	/* Beyond the last mapped container there is nothing to read. */
	dev_write(&dev, LSN(8, 0, 0), FX_EPOCH, 1, 8,
		  CLFS_BLK_F_CONTAINER_END);
	s = dev_scan(&dev, b1);
	EXPECT_EQ(LSN(9, 0, 0), s.end);
	EXPECT_EQ(-ENOENT, s.stop);
	free(dev.slots);
}

TEST_HARNESS_MAIN
