// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_format": the on-disk format layer (kmod/format) as the
 * kernel runs it. Every corrupted field of a metadata copy and of a block
 * must be refused with the errno clfs_format.h documents; valid structures
 * must survive encode/decode unchanged.
 *
 * Corruption cases patch the encoded bytes and, unless the case is about
 * the crc itself, recompute the crc, so that each case reaches the check
 * it is named after instead of stopping at the checksum.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include "format/clfs_format_mem.h"
#include "format_fixture.h"

/* Constant-expression LSN for static tables. */
#define LSN(c, o, i)	(((u64)(c) << 32) | (u64)(o) | (u64)(i))
#define MDOFF(f)	((u32)offsetof(struct clfs_md_disk, f))
#define BOFF(f)		((u32)offsetof(struct clfs_blk_disk, f))

/* The fixture block's records start at these offsets (see make_blk()). */
#define R0		32U
#define R1		64U
#define R2		88U
#define ROFF(r, f)	((r) + (u32)offsetof(struct clfs_rec_disk, f))

#define SECTOR		CLFS_SECTOR_4K
#define CONTAINER	FX_CONTAINER
#define NR_SLOTS	FX_NR_SLOTS
#define DATA_START	FX_DATA_START
#define DEV_BYTES	FX_DEV_BYTES
#define BLK_LSN		FX_BLK_LSN
#define BLK_EPOCH	FX_EPOCH

/* The shared fixture (format_fixture.h), with this suite's sector size. */
static void make_md(struct clfs_md *md, bool mux)
{
	fx_make_md(md, SECTOR, mux);
}

static struct clfs_md *alloc_md(struct kunit *test, bool mux)
{
	struct clfs_md *md = kunit_kzalloc(test, sizeof(*md), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, md);
	make_md(md, mux);
	return md;
}

/* A whole copy region holding @md encoded. */
static u8 *encode_md(struct kunit *test, const struct clfs_md *md)
{
	u8 *buf = kunit_kzalloc(test, CLFS_MD_COPY_BYTES, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_GT(test, clfs_md_encode(md, buf, CLFS_MD_COPY_BYTES), 0);
	return buf;
}

struct patch {
	u32 off;
	u8 width;	/* 0 ends the list */
	bool xor;	/* flip these bits instead of setting the value */
	u64 val;
};

static void apply_patch(u8 *buf, const struct patch *p)
{
	u64 v = p->val;

	switch (p->width) {
	case 1:
		buf[p->off] = p->xor ? buf[p->off] ^ (u8)v : (u8)v;
		break;
	case 2:
		if (p->xor)
			v ^= le16_to_cpu(*(__le16 *)(buf + p->off));
		*(__le16 *)(buf + p->off) = cpu_to_le16((u16)v);
		break;
	case 4:
		if (p->xor)
			v ^= le32_to_cpu(*(__le32 *)(buf + p->off));
		*(__le32 *)(buf + p->off) = cpu_to_le32((u32)v);
		break;
	case 8:
		if (p->xor)
			v ^= le64_to_cpu(*(__le64 *)(buf + p->off));
		*(__le64 *)(buf + p->off) = cpu_to_le64(v);
		break;
	}
}

/* Recompute the crc over the length the (possibly patched) copy claims. */
static void fix_md_crc(u8 *buf)
{
	struct clfs_md_disk *d = (struct clfs_md_disk *)buf;
	u32 n = le32_to_cpu(d->md_bytes);

	if (n < 256 || n > CLFS_MD_COPY_BYTES || n % 8)
		n = CLFS_MD_DISK_BYTES;
	d->crc = cpu_to_le32(clfs_md_disk_crc(buf, n));
}

/* ---- crc -------------------------------------------------------------- */

static void clfs_format_crc32c_matches_check_value(struct kunit *test)
{
	static const char check[] = "123456789";

	/* The standard CRC-32C check value, and the raw state behind it. */
	KUNIT_EXPECT_EQ(test, ~clfs_crc32c(~0U, check, 9), 0xe3069283U);
	KUNIT_EXPECT_EQ(test, clfs_crc32c(~0U, check, 9), 0x1cf96d7cU);
}

static void clfs_format_crc32c_chains(struct kunit *test)
{
	static const char check[] = "123456789";
	u32 crc = clfs_crc32c(~0U, check, 4);

	KUNIT_EXPECT_EQ(test, clfs_crc32c(crc, check + 4, 5), 0x1cf96d7cU);
}

static void clfs_format_md_crc_ignores_crc_field(struct kunit *test)
{
	u8 *buf = encode_md(test, alloc_md(test, false));
	u32 crc = clfs_md_disk_crc(buf, CLFS_MD_DISK_BYTES);

	((struct clfs_md_disk *)buf)->crc = cpu_to_le32(~crc);
	KUNIT_EXPECT_EQ(test, clfs_md_disk_crc(buf, CLFS_MD_DISK_BYTES), crc);
	buf[CLFS_MD_DISK_BYTES - 1] ^= 1;
	KUNIT_EXPECT_NE(test, clfs_md_disk_crc(buf, CLFS_MD_DISK_BYTES), crc);
}

static void clfs_format_block_crc_seed_is_crc_of_uuid(struct kunit *test)
{
	u8 other[16];

	KUNIT_EXPECT_EQ(test, clfs_log_crc_seed(fx_uuid),
			clfs_crc32c(~0U, fx_uuid, 16));
	memcpy(other, fx_uuid, 16);
	other[15] ^= 0x80;
	KUNIT_EXPECT_NE(test, clfs_log_crc_seed(other),
			clfs_log_crc_seed(fx_uuid));
}

/* ---- metadata: valid copies ------------------------------------------- */

static void clfs_format_md_roundtrip_is_lossless(struct kunit *test)
{
	bool mux;

	for (mux = false; ; mux = true) {
		struct clfs_md *md = alloc_md(test, mux);
		struct clfs_md *out = alloc_md(test, !mux);
		u8 *buf = encode_md(test, md);

		KUNIT_ASSERT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
						     DEV_BYTES, out), 0);
		KUNIT_EXPECT_EQ(test, memcmp(md, out, sizeof(*md)), 0);
		if (mux)
			break;
	}
}

static void clfs_format_md_encode_pads_to_sector(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, CLFS_MD_COPY_BYTES, GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memset(buf, 0xa5, CLFS_MD_COPY_BYTES);
	/* 16896 bytes round up to five 4 KiB sectors. */
	KUNIT_EXPECT_EQ(test, clfs_md_encode(md, buf, CLFS_MD_COPY_BYTES),
			20480);
	for (i = CLFS_MD_DISK_BYTES; i < 20480; i++)
		if (buf[i])
			break;
	KUNIT_EXPECT_EQ(test, i, 20480U);
	KUNIT_EXPECT_EQ(test, buf[20480], 0xa5);

	md->geo.sector_bytes = CLFS_SECTOR_512;
	KUNIT_EXPECT_EQ(test, clfs_md_encode(md, buf, CLFS_MD_COPY_BYTES),
			(int)CLFS_MD_DISK_BYTES);
}

static void clfs_format_md_encode_refuses_short_buffer(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, CLFS_MD_COPY_BYTES, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, clfs_md_encode(md, buf, 20480 - 1), -EINVAL);
}

static void clfs_format_md_encode_refuses_invalid(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, CLFS_MD_COPY_BYTES, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	md->streams[0].base_lsn = LSN(7, 0x4000, 0);	/* after last */
	KUNIT_EXPECT_EQ(test, clfs_md_encode(md, buf, CLFS_MD_COPY_BYTES),
			-EINVAL);
	make_md(md, false);
	md->ro_compat = 1U << 31;	/* unknown: read-only for us */
	KUNIT_EXPECT_EQ(test, clfs_md_validate(md), 0);
	KUNIT_EXPECT_FALSE(test, clfs_md_writable(md));
	KUNIT_EXPECT_EQ(test, clfs_md_encode(md, buf, CLFS_MD_COPY_BYTES),
			-EINVAL);
}

static void clfs_format_md_unknown_compat_is_ignored(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = encode_md(test, md);
	struct patch p = { MDOFF(compat), 4, false, 1U << 31 };

	apply_patch(buf, &p);
	fix_md_crc(buf);
	KUNIT_EXPECT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
					     DEV_BYTES, md), 0);
	KUNIT_EXPECT_TRUE(test, clfs_md_writable(md));
}

static void clfs_format_md_unknown_ro_compat_is_read_only(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = encode_md(test, md);
	struct patch p = { MDOFF(ro_compat), 4, false, 1U };

	apply_patch(buf, &p);
	fix_md_crc(buf);
	KUNIT_EXPECT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
					     DEV_BYTES, md), 0);
	KUNIT_EXPECT_FALSE(test, clfs_md_writable(md));
}

static void clfs_format_md_decode_needs_whole_region(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = encode_md(test, md);

	KUNIT_EXPECT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES - 1,
					     DEV_BYTES, md), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_md_decode(NULL, CLFS_MD_COPY_BYTES,
					     DEV_BYTES, md), -EINVAL);
}

static void clfs_format_md_decode_refuses_shrunk_device(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = encode_md(test, md);

	KUNIT_EXPECT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
					     DEV_BYTES - 1, md), -EUCLEAN);
	/* A failed decode leaves nothing half-filled behind. */
	KUNIT_EXPECT_EQ(test, md->epoch, 0U);
	KUNIT_EXPECT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
					     DEV_BYTES + 4096, md), 0);
}

/* ---- metadata: every corrupted field ---------------------------------- */

struct md_case {
	const char *name;
	bool mux;
	bool keep_crc;
	struct patch p[3];
	int err;
};

#define P(f, w, v)	{ MDOFF(f), w, false, v }
#define X(f, w, v)	{ MDOFF(f), w, true, v }

static const struct md_case md_cases[] = {
	/* identity, integrity, version */
	{ "magic_zero", 0, 1, { P(magic, 8, 0) }, -ENODATA },
	{ "magic_one_bit", 0, 1, { X(magic, 8, 1ULL << 40) }, -ENODATA },
	{ "crc_flipped", 0, 1, { X(crc, 4, 1) }, -EUCLEAN },
	{ "torn_container_table", 0, 1, { X(containers[500].logical_id, 1, 4) },
	  -EUCLEAN },
	{ "torn_last_byte", 0, 1, { X(containers[1023].reserved, 2, 0x100) },
	  -EUCLEAN },
	{ "md_bytes_below_header", 0, 0, { P(md_bytes, 4, 16) }, -EUCLEAN },
	{ "md_bytes_past_region", 0, 0,
	  { P(md_bytes, 4, CLFS_MD_COPY_BYTES + 8) }, -EUCLEAN },
	{ "md_bytes_unaligned", 0, 0, { P(md_bytes, 4, 16900) }, -EUCLEAN },
	{ "md_bytes_not_v1_size", 0, 0, { P(md_bytes, 4, 16904) }, -EUCLEAN },
	{ "version_0", 0, 0, { P(version, 4, 0) }, -EOPNOTSUPP },
	{ "version_2", 0, 0, { P(version, 4, 2) }, -EOPNOTSUPP },
	{ "incompat_bit0", 0, 0, { P(incompat, 4, 1) }, -EOPNOTSUPP },
	{ "incompat_bit31", 0, 0, { P(incompat, 4, 1U << 31) }, -EOPNOTSUPP },
	{ "uuid_zero", 0, 0, { P(uuid[0], 8, 0), P(uuid[8], 8, 0) },
	  -EUCLEAN },
	/* geometry */
	{ "sector_0", 0, 0, { P(sector_bytes, 4, 0) }, -EUCLEAN },
	{ "sector_1024", 0, 0, { P(sector_bytes, 4, 1024) }, -EUCLEAN },
	{ "sector_8192", 0, 0, { P(sector_bytes, 4, 8192) }, -EUCLEAN },
	{ "nr_slots_0", 0, 0, { P(nr_slots, 4, 0) }, -EUCLEAN },
	{ "nr_slots_1025", 0, 0, { P(nr_slots, 4, 1025) }, -EUCLEAN },
	{ "nr_slots_cuts_active", 0, 0, { P(nr_slots, 4, 2) }, -EUCLEAN },
	{ "container_0", 0, 0, { P(container_bytes, 8, 0) }, -EUCLEAN },
	{ "container_unaligned", 0, 0, { P(container_bytes, 8, CONTAINER / 2 + 512) },
	  -EUCLEAN },
	{ "container_below_min", 0, 0, { P(container_bytes, 8, 32768) },
	  -EUCLEAN },
	{ "container_above_4g", 0, 0,
	  { P(container_bytes, 8, (1ULL << 32) + SECTOR),
	    P(device_bytes, 8, 1ULL << 50),
	    P(policy.new_container_bytes, 8, (1ULL << 32) + SECTOR) },
	  -EUCLEAN },
	{ "data_start_in_md_area", 0, 0,
	  { P(data_start_bytes, 8, CLFS_MD_AREA_BYTES - SECTOR) }, -EUCLEAN },
	{ "data_start_unaligned", 0, 0,
	  { P(data_start_bytes, 8, DATA_START + 512) }, -EUCLEAN },
	{ "data_start_past_device", 0, 0,
	  { P(data_start_bytes, 8, DEV_BYTES + SECTOR) }, -EUCLEAN },
	{ "device_too_small", 0, 0, { P(device_bytes, 8, DEV_BYTES - SECTOR) },
	  -EUCLEAN },
	{ "slots_past_device_end", 0, 0, { P(nr_slots, 4, 1024) }, -EUCLEAN },
	/* log state */
	{ "log_flags_unknown", 0, 0, { P(log_flags, 4, 1U << 2) }, -EUCLEAN },
	{ "next_cid_0", 0, 0, { P(next_cid, 4, 0) }, -EUCLEAN },
	{ "next_cid_not_above_active", 0, 0, { P(next_cid, 4, 7) }, -EUCLEAN },
	{ "epoch_0", 0, 0, { P(epoch, 4, 0) }, -EUCLEAN },
	{ "epoch_start_null", 0, 0, { P(epoch_start_lsn, 8, 0) }, -EUCLEAN },
	{ "epoch_start_has_index", 0, 0,
	  { P(epoch_start_lsn, 8, BLK_LSN + 1) }, -EUCLEAN },
	{ "epoch_start_unaligned", 0, 0,
	  { P(epoch_start_lsn, 8, LSN(7, 0x2200, 0)) }, -EUCLEAN },
	{ "epoch_start_past_container", 0, 0,
	  { P(epoch_start_lsn, 8, LSN(7, CONTAINER, 0)) }, -EUCLEAN },
	{ "epoch_start_inside_unmapped", 0, 0,
	  { P(epoch_start_lsn, 8, LSN(8, 0x1000, 0)) }, -EUCLEAN },
	{ "epoch_start_beyond_next_cid", 0, 0,
	  { P(epoch_start_lsn, 8, LSN(9, 0, 0)) }, -EUCLEAN },
	{ "epoch_start_invalid", 0, 0,
	  { P(epoch_start_lsn, 8, CLFS_LSN_INVALID) }, -EUCLEAN },
	{ "recovery_null", 0, 0, { P(recovery_lsn, 8, 0) }, -EUCLEAN },
	{ "recovery_recycled_container", 0, 0,
	  { P(recovery_lsn, 8, LSN(4, 0x1000, 0)) }, -EUCLEAN },
	{ "recovery_next_container", 0, 0,
	  { P(recovery_lsn, 8, LSN(8, 0, 0)) }, -EUCLEAN },
	{ "recovery_has_index", 0, 0,
	  { P(recovery_lsn, 8, LSN(5, 0x1000, 7)) }, -EUCLEAN },
	/* reserved fields */
	{ "reserved0", 0, 0, { P(reserved0, 4, 1) }, -EUCLEAN },
	{ "reserved1", 0, 0, { P(reserved1[0], 8, 1ULL << 63) }, -EUCLEAN },
	{ "reserved2", 0, 0, { P(reserved2[0], 1, 1) }, -EUCLEAN },
	{ "policy_reserved0", 0, 0, { P(policy.reserved0, 4, 1) }, -EUCLEAN },
	{ "policy_reserved", 0, 0, { P(policy.reserved[9], 8, 1) }, -EUCLEAN },
	{ "stream_reserved0", 0, 0, { P(streams[0].reserved0, 4, 1) },
	  -EUCLEAN },
	{ "stream_reserved", 0, 0, { P(streams[127].reserved[1], 8, 1) },
	  -EUCLEAN },
	{ "container_reserved", 0, 0, { P(containers[1023].reserved, 2, 1) },
	  -EUCLEAN },
	/* policies */
	{ "policy_unknown", 0, 0, { P(policy.installed, 4, 1U << 7) },
	  -EUCLEAN },
#define NOT_INSTALLED(bit) \
	{ P(policy.installed, 4, CLFS_POLICY_ALL & ~(bit)) }
	{ "policy_max_not_installed", 0, 0,
	  NOT_INSTALLED(CLFS_POLICY_MAX_SIZE), -EUCLEAN },
	{ "policy_min_not_installed", 0, 0,
	  NOT_INSTALLED(CLFS_POLICY_MIN_SIZE), -EUCLEAN },
	{ "policy_new_size_not_installed", 0, 0,
	  NOT_INSTALLED(CLFS_POLICY_NEW_CONTAINER_SIZE), -EUCLEAN },
	{ "policy_growth_not_installed", 0, 0,
	  NOT_INSTALLED(CLFS_POLICY_GROWTH_RATE), -EUCLEAN },
	{ "policy_tail_not_installed", 0, 0,
	  NOT_INSTALLED(CLFS_POLICY_LOG_TAIL), -EUCLEAN },
	{ "policy_shrink_not_installed", 0, 0,
	  NOT_INSTALLED(CLFS_POLICY_AUTO_SHRINK), -EUCLEAN },
	{ "policy_auto_grow_not_installed", 0, 0,
	  NOT_INSTALLED(CLFS_POLICY_AUTO_GROW), -EUCLEAN },
#undef NOT_INSTALLED
	{ "policy_max_0", 0, 0, { P(policy.max_containers, 4, 0) }, -EUCLEAN },
	{ "policy_max_1025", 0, 0, { P(policy.max_containers, 4, 1025) },
	  -EUCLEAN },
	{ "policy_min_above_max", 0, 0, { P(policy.min_containers, 4, 9) },
	  -EUCLEAN },
	{ "policy_new_size_differs", 0, 0,
	  { P(policy.new_container_bytes, 8, 2 * CONTAINER) }, -EUCLEAN },
	{ "policy_growth_both", 0, 0, { P(policy.growth_pct, 4, 10) },
	  -EUCLEAN },
	{ "policy_growth_none", 0, 0, { P(policy.growth_containers, 4, 0) },
	  -EUCLEAN },
	{ "policy_tail_pct_101", 0, 0, { P(policy.tail_free_pct, 4, 101) },
	  -EUCLEAN },
	{ "policy_shrink_0", 0, 0, { P(policy.shrink_free_pct, 4, 0) },
	  -EUCLEAN },
	{ "policy_auto_grow_2", 0, 0, { P(policy.auto_grow, 4, 2) },
	  -EUCLEAN },
	/* container table */
	{ "slot_past_nr_slots_used", 0, 0,
	  { P(containers[NR_SLOTS].state, 2, CLFS_CONT_FREE) }, -EUCLEAN },
	{ "slot_state_unknown", 0, 0, { P(containers[3].state, 2, 3) },
	  -EUCLEAN },
	{ "free_slot_has_id", 0, 0, { P(containers[3].logical_id, 4, 9) },
	  -EUCLEAN },
	{ "unused_slot_has_id", 0, 0, { P(containers[5].logical_id, 4, 1) },
	  -EUCLEAN },
	{ "active_id_0", 0, 0, { P(containers[0].logical_id, 4, 0) },
	  -EUCLEAN },
	{ "active_id_not_handed_out", 0, 0,
	  { P(containers[0].logical_id, 4, 8) }, -EUCLEAN },
	{ "active_ids_gap", 0, 0, { P(containers[0].logical_id, 4, 4) },
	  -EUCLEAN },
	/* ids 5, 7, 5: as many as the range 5..7 is wide, one twice */
	{ "active_ids_duplicate", 0, 0, { P(containers[0].logical_id, 4, 5) },
	  -EUCLEAN },
	/* streams */
	{ "dedicated_second_stream", 0, 0,
	  { P(streams[1].state, 4, CLFS_STREAM_ACTIVE),
	    P(streams[1].created_lsn, 8, LSN(6, 0, 0)) }, -EUCLEAN },
	{ "stream_state_unknown", 0, 0, { P(streams[0].state, 4, 2) },
	  -EUCLEAN },
	{ "unused_stream_has_lsn", 0, 0,
	  { P(streams[4].base_lsn, 8, LSN(6, 0, 0)) }, -EUCLEAN },
	{ "created_null", 0, 0, { P(streams[0].created_lsn, 8, 0) },
	  -EUCLEAN },
	{ "created_has_index", 0, 0,
	  { P(streams[0].created_lsn, 8, LSN(1, 0, 1)) }, -EUCLEAN },
	{ "base_after_last", 0, 0,
	  { P(streams[0].base_lsn, 8, LSN(7, 0x4000, 0)) }, -EUCLEAN },
	{ "base_in_recycled_container", 0, 0,
	  { P(streams[0].base_lsn, 8, LSN(4, 0x1000, 0)) }, -EUCLEAN },
	{ "base_before_created", 0, 0,
	  { P(streams[0].created_lsn, 8, LSN(5, 0x2000, 0)) }, -EUCLEAN },
	{ "base_offset_unaligned", 0, 0,
	  { P(streams[0].base_lsn, 8, LSN(5, 0x1200, 0)) }, -EUCLEAN },
	{ "last_invalid", 0, 0,
	  { P(streams[0].last_lsn, 8, CLFS_LSN_INVALID) }, -EUCLEAN },
	{ "last_in_container_0", 0, 0,
	  { P(streams[0].base_lsn, 8, 0), P(streams[0].restart_lsn, 8, 0),
	    P(streams[0].last_lsn, 8, LSN(0, 0x1000, 0)) }, -EUCLEAN },
	{ "last_past_container_end", 0, 0,
	  { P(streams[0].last_lsn, 8, LSN(7, CONTAINER, 0)) }, -EUCLEAN },
	{ "restart_after_last", 0, 0,
	  { P(streams[0].restart_lsn, 8, LSN(7, 0x3000, 3)) }, -EUCLEAN },
	{ "restart_without_last", 0, 0, { P(streams[0].last_lsn, 8, 0) },
	  -EUCLEAN },
	{ "archive_tail_when_ephemeral", 0, 0,
	  { P(streams[0].archive_tail_lsn, 8, LSN(5, 0x1000, 0)) }, -EUCLEAN },
	{ "archive_tail_not_handed_out", 1, 0,
	  { P(streams[0].archive_tail_lsn, 8, LSN(9, 0, 0)) }, -EUCLEAN },
	{ "mux_stream_127_no_created", 1, 0,
	  { P(streams[127].state, 4, CLFS_STREAM_ACTIVE) }, -EUCLEAN },
	{ "mux_unused_stream_has_restart", 1, 0,
	  { P(streams[9].restart_lsn, 8, LSN(6, 0, 0)) }, -EUCLEAN },
};

#undef P
#undef X

static void md_case_desc(const struct md_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(md_corrupt, md_cases, md_case_desc);

static void clfs_format_md_decode_rejects_corrupt_field(struct kunit *test)
{
	const struct md_case *c = test->param_value;
	struct clfs_md *md = alloc_md(test, c->mux);
	u8 *buf = encode_md(test, md);
	u32 i;

	/* The unpatched fixture decodes: the failure is the patch's. */
	KUNIT_ASSERT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
					     DEV_BYTES, md), 0);
	for (i = 0; i < ARRAY_SIZE(c->p) && c->p[i].width; i++)
		apply_patch(buf, &c->p[i]);
	if (!c->keep_crc)
		fix_md_crc(buf);
	KUNIT_EXPECT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
					     DEV_BYTES, md), c->err);
}

/* ---- metadata: choosing a copy ---------------------------------------- */

struct two_copies {
	struct clfs_md *md;
	struct clfs_md *scratch;
	u8 *buf[CLFS_MD_COPIES];
	int errs[CLFS_MD_COPIES];
};

/* Copy 0 holds generation 6, copy 1 generation 7 (a later base LSN). */
static void two_copies(struct kunit *test, struct two_copies *t)
{
	t->md = alloc_md(test, false);
	t->scratch = alloc_md(test, false);
	t->buf[0] = encode_md(test, t->md);
	t->md->generation = 7;
	t->md->streams[0].base_lsn = LSN(6, 0, 0);
	t->buf[1] = encode_md(test, t->md);
}

static int select_copy(struct two_copies *t, u64 dev_bytes)
{
	const void *bufs[CLFS_MD_COPIES] = { t->buf[0], t->buf[1] };

	return clfs_md_select(bufs, CLFS_MD_COPY_BYTES, dev_bytes, t->md,
			      t->scratch, t->errs);
}

static void clfs_format_select_prefers_newest_generation(struct kunit *test)
{
	struct two_copies t;

	two_copies(test, &t);
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), 1);
	KUNIT_EXPECT_EQ(test, t.md->generation, 7ULL);
	KUNIT_EXPECT_EQ(test, t.md->streams[0].base_lsn, LSN(6, 0, 0));
	KUNIT_EXPECT_EQ(test, t.errs[0], 0);
	KUNIT_EXPECT_EQ(test, t.errs[1], 0);
}

static void clfs_format_select_newest_in_copy_0(struct kunit *test)
{
	struct two_copies t;

	two_copies(test, &t);
	/* Generation 8 goes to copy 0 and then wins over 7 in copy 1. */
	t.md->generation = 8;
	t.md->streams[0].base_lsn = LSN(7, 0, 0);
	t.buf[0] = encode_md(test, t.md);
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), 0);
	KUNIT_EXPECT_EQ(test, t.md->generation, 8ULL);
	KUNIT_EXPECT_EQ(test, t.md->streams[0].base_lsn, LSN(7, 0, 0));
}

static void clfs_format_select_falls_back_from_torn_copy(struct kunit *test)
{
	struct two_copies t;

	two_copies(test, &t);
	t.buf[1][CLFS_MD_DISK_BYTES / 2] ^= 0x10;	/* torn write */
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), 0);
	KUNIT_EXPECT_EQ(test, t.md->generation, 6ULL);
	KUNIT_EXPECT_EQ(test, t.errs[1], -EUCLEAN);
}

static void clfs_format_select_revalidates_fallback(struct kunit *test)
{
	struct two_copies t;
	struct patch p = { MDOFF(epoch), 4, false, 0 };

	two_copies(test, &t);
	t.buf[1][100] ^= 1;
	/* The older copy has a valid crc but a broken field: no fallback. */
	apply_patch(t.buf[0], &p);
	fix_md_crc(t.buf[0]);
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, t.errs[0], -EUCLEAN);
	KUNIT_EXPECT_EQ(test, t.md->epoch, 0U);
}

static void clfs_format_select_refuses_generation_in_wrong_copy(struct kunit *test)
{
	struct two_copies t;

	two_copies(test, &t);
	/* Both copies claim generation 7: copy 0 may only hold even ones. */
	memcpy(t.buf[0], t.buf[1], CLFS_MD_COPY_BYTES);
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), 1);
	KUNIT_EXPECT_EQ(test, t.errs[0], -EUCLEAN);
}

static void clfs_format_select_refuses_copies_of_two_logs(struct kunit *test)
{
	struct two_copies t;
	struct patch p = { MDOFF(uuid[15]), 1, true, 0x40 };

	two_copies(test, &t);
	/* An interrupted re-format: copy 0 new log, copy 1 the old one. */
	apply_patch(t.buf[0], &p);
	fix_md_crc(t.buf[0]);
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, t.errs[0], 0);
	KUNIT_EXPECT_EQ(test, t.errs[1], 0);
}

static void clfs_format_select_reports_missing_log(struct kunit *test)
{
	struct two_copies t;

	two_copies(test, &t);
	memset(t.buf[0], 0, CLFS_MD_COPY_BYTES);
	memset(t.buf[1], 0, CLFS_MD_COPY_BYTES);
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), -ENODATA);
	t.buf[1][0] = 'C';	/* still no magic */
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), -ENODATA);
}

static void clfs_format_select_reports_newer_format(struct kunit *test)
{
	struct two_copies t;
	struct patch p = { MDOFF(version), 4, false, 2 };
	u32 i;

	two_copies(test, &t);
	for (i = 0; i < CLFS_MD_COPIES; i++) {
		apply_patch(t.buf[i], &p);
		fix_md_crc(t.buf[i]);
	}
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), -EOPNOTSUPP);
	/* One newer copy and one torn copy: still "newer format". */
	t.buf[0][200] ^= 1;
	KUNIT_EXPECT_EQ(test, select_copy(&t, DEV_BYTES), -EOPNOTSUPP);
}

/* ---- metadata: creation and lookups ----------------------------------- */

static void clfs_format_format_makes_valid_fresh_log(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	struct clfs_md_geometry geo = md->geo;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, clfs_md_format(md, &geo, 3, 0, fx_uuid), 0);
	KUNIT_EXPECT_EQ(test, md->generation, 0ULL);
	KUNIT_EXPECT_EQ(test, md->epoch, 1U);
	KUNIT_EXPECT_EQ(test, md->recovery_lsn, LSN(CLFS_CID_FIRST, 0, 0));
	KUNIT_EXPECT_EQ(test, md->containers[0].state, CLFS_CONT_ACTIVE);
	KUNIT_EXPECT_EQ(test, md->containers[2].state, CLFS_CONT_FREE);
	KUNIT_EXPECT_EQ(test, md->containers[3].state, CLFS_CONT_NONE);
	KUNIT_EXPECT_EQ(test, md->streams[0].state, CLFS_STREAM_ACTIVE);
	buf = encode_md(test, md);
	KUNIT_EXPECT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
					     DEV_BYTES, md), 0);

	KUNIT_ASSERT_EQ(test, clfs_md_format(md, &geo, 1,
					     CLFS_MD_LOG_MULTIPLEXED,
					     fx_uuid), 0);
	KUNIT_EXPECT_EQ(test, md->streams[0].state, CLFS_STREAM_NONE);
}

static void clfs_format_format_refuses_bad_parameters(struct kunit *test)
{
	static const u8 zero_uuid[16];
	struct clfs_md *md = alloc_md(test, false);
	struct clfs_md_geometry geo = md->geo;

	KUNIT_EXPECT_EQ(test, clfs_md_format(md, &geo, 0, 0, fx_uuid),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_md_format(md, &geo, NR_SLOTS + 1, 0,
					     fx_uuid), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_md_format(md, &geo, 1, 1U << 5,
					     fx_uuid), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_md_format(md, &geo, 1, 0, zero_uuid),
			-EINVAL);
	geo.nr_slots = 5000;	/* must not write past the table */
	KUNIT_EXPECT_EQ(test, clfs_md_format(md, &geo, 5000, 0, fx_uuid),
			-EINVAL);
	geo = md->geo;
	geo.device_bytes = DEV_BYTES;
	geo.sector_bytes = 2048;
	KUNIT_EXPECT_EQ(test, clfs_md_format(md, &geo, 1, 0, fx_uuid),
			-EINVAL);
}

static void clfs_format_lsn_maps_to_slot_offset(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u64 off = 0;

	/* Logical 5 lives in slot 2, logical 6 in slot 0. */
	KUNIT_EXPECT_EQ(test, clfs_md_cid_to_slot(md, 5), 2);
	KUNIT_EXPECT_EQ(test, clfs_md_lsn_to_dev(md, LSN(5, 0x3000, 9), &off),
			0);
	KUNIT_EXPECT_EQ(test, off, DATA_START + 2ULL * CONTAINER + 0x3000);
	KUNIT_EXPECT_EQ(test, clfs_md_lsn_to_dev(md, LSN(6, 0, 1), &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA_START);
	KUNIT_EXPECT_EQ(test, clfs_md_lsn_to_dev(md, LSN(4, 0, 1), &off),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_md_lsn_to_dev(md, LSN(8, 0, 1), &off),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_md_lsn_to_dev(md, LSN(6, CONTAINER, 0),
						 &off), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_md_lsn_to_dev(md, CLFS_LSN_INVALID, &off),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_md_cid_to_slot(md, 0), -ENOENT);
}

static void clfs_format_lsn_plausibility(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);

	KUNIT_EXPECT_TRUE(test, clfs_md_lsn_plausible(md, LSN(7, 0x1000, 5)));
	/* Recycled containers still had ids: plausible, then not found. */
	KUNIT_EXPECT_TRUE(test, clfs_md_lsn_plausible(md, LSN(2, 0, 1)));
	KUNIT_EXPECT_FALSE(test, clfs_md_lsn_plausible(md, LSN(8, 0, 0)));
	KUNIT_EXPECT_FALSE(test, clfs_md_lsn_plausible(md, LSN(7, 0x1200, 0)));
	KUNIT_EXPECT_FALSE(test, clfs_md_lsn_plausible(md, CLFS_LSN_NULL));
	KUNIT_EXPECT_FALSE(test, clfs_md_lsn_plausible(md, CLFS_LSN_INVALID));
	KUNIT_EXPECT_FALSE(test, clfs_md_lsn_plausible(md, LSN(0, 0x1000, 0)));
}

/* ---- blocks ----------------------------------------------------------- */

static const u32 rec_data_bytes[3] = { 5, 0, 17 };

/*
 * The fixture block at BLK_LSN: a data record (no chain), a restart record
 * (chains ended with INVALID) and a data record pointing back to record 0
 * and to an older container. Used bytes 136, on disk one 4 KiB sector.
 */
static int make_blk(const struct clfs_md *md, u8 *buf, size_t len,
		    struct clfs_blk *blk)
{
	static const u32 type[3] = { CLFS_REC_DATA, CLFS_REC_RESTART,
				     CLFS_REC_DATA };
	static const u64 prev[3] = { CLFS_LSN_NULL, CLFS_LSN_INVALID,
				     BLK_LSN };
	static const u64 undo[3] = { CLFS_LSN_NULL, CLFS_LSN_INVALID,
				     LSN(6, 0x1000, 4) };
	u32 off = CLFS_BLK_HDR_BYTES, i, j;

	memset(buf, 0xee, len);	/* stale bytes must not leak or matter */
	for (i = 0; i < 3; i++) {
		struct clfs_rec rec = {
			.lsn = BLK_LSN + i,
			.prev_lsn = prev[i],
			.undo_next_lsn = undo[i],
			.data_bytes = rec_data_bytes[i],
			.type = type[i],
		};
		int n = clfs_rec_encode(md, &rec, buf + off, len - off);

		if (n < 0)
			return n;
		for (j = 0; j < rec.data_bytes; j++)
			buf[off + CLFS_REC_HDR_BYTES + j] = 0x40 + i * 16 + j;
		off += n;
	}
	*blk = (struct clfs_blk){
		.lsn = BLK_LSN,
		.epoch = BLK_EPOCH,
		.used_bytes = off,
		.stream_id = 0,
		.nr_records = 3,
	};
	return clfs_blk_seal(md, blk, buf, len);
}

static u8 *alloc_blk(struct kunit *test, const struct clfs_md *md)
{
	u8 *buf = kunit_kzalloc(test, 2 * SECTOR, GFP_KERNEL);
	struct clfs_blk blk;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, make_blk(md, buf, 2 * SECTOR, &blk), (int)SECTOR);
	return buf;
}

static void fix_blk_crc(const struct clfs_md *md, u8 *buf)
{
	struct clfs_blk_disk *bd = (struct clfs_blk_disk *)buf;
	u32 used = le32_to_cpu(bd->used_bytes);

	if (used < CLFS_BLK_HDR_BYTES || used > SECTOR)
		used = R2 + 48;
	bd->crc = cpu_to_le32(clfs_blk_disk_crc(clfs_log_crc_seed(md->uuid),
						buf, used));
}

static void clfs_format_block_seal_decode_roundtrip(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = alloc_blk(test, md);
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	struct clfs_blk blk;
	u32 i, j;

	KUNIT_ASSERT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), 0);
	KUNIT_EXPECT_EQ(test, blk.lsn, BLK_LSN);
	KUNIT_EXPECT_EQ(test, blk.epoch, BLK_EPOCH);
	KUNIT_EXPECT_EQ(test, blk.used_bytes, R2 + 48);
	KUNIT_EXPECT_EQ(test, blk.disk_bytes, SECTOR);
	KUNIT_EXPECT_EQ(test, blk.nr_records, 3);
	KUNIT_ASSERT_EQ(test, clfs_rec_iter_init(&it, md, &blk, buf, SECTOR),
			0);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, clfs_rec_iter_next(&it, &rec), 1);
		KUNIT_EXPECT_EQ(test, rec.lsn, BLK_LSN + i);
		KUNIT_EXPECT_EQ(test, rec.data_bytes, rec_data_bytes[i]);
		KUNIT_EXPECT_EQ(test, rec.data_offset,
				(i == 0 ? R0 : i == 1 ? R1 : R2) +
				CLFS_REC_HDR_BYTES);
		for (j = 0; j < rec.data_bytes; j++)
			KUNIT_EXPECT_EQ(test, buf[rec.data_offset + j],
					(u8)(0x40 + i * 16 + j));
	}
	KUNIT_EXPECT_EQ(test, rec.type, CLFS_REC_DATA);
	KUNIT_EXPECT_EQ(test, rec.prev_lsn, BLK_LSN);
	KUNIT_EXPECT_EQ(test, rec.undo_next_lsn, LSN(6, 0x1000, 4));
	KUNIT_EXPECT_EQ(test, clfs_rec_iter_next(&it, &rec), 0);
	KUNIT_EXPECT_EQ(test, clfs_rec_iter_next(&it, &rec), 0);
}

static void clfs_format_block_seal_zeroes_sector_tail(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = alloc_blk(test, md);
	u32 i;

	for (i = R2 + 48; i < SECTOR; i++)
		if (buf[i])
			break;
	KUNIT_EXPECT_EQ(test, i, SECTOR);
	/* Beyond the on-disk length the buffer is not the block's. */
	KUNIT_EXPECT_EQ(test, buf[SECTOR], 0xee);
}

static void clfs_format_block_peek_reports_disk_length(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = alloc_blk(test, md);

	KUNIT_EXPECT_EQ(test, clfs_blk_peek(md, BLK_LSN, buf,
					    CLFS_BLK_HDR_BYTES), (int)SECTOR);
	KUNIT_EXPECT_EQ(test, clfs_blk_peek(md, BLK_LSN, buf,
					    CLFS_BLK_HDR_BYTES - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_blk_peek(md, BLK_LSN + 1, buf, SECTOR),
			-EINVAL);
	memset(buf, 0, SECTOR);
	KUNIT_EXPECT_EQ(test, clfs_blk_peek(md, BLK_LSN, buf, SECTOR),
			-ENODATA);
}

static void clfs_format_block_decode_needs_whole_block(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = alloc_blk(test, md);
	struct clfs_blk blk;

	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, R2 + 40,
					      &blk), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk.used_bytes, 0U);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf + 4, SECTOR,
					      &blk), -EINVAL);
}

static void clfs_format_block_of_recycled_container_is_stale(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, SECTOR, GFP_KERNEL);
	struct clfs_blk blk = {
		.lsn = LSN(3, 0x2000, 0), .epoch = BLK_EPOCH - 1,
		.used_bytes = CLFS_BLK_HDR_BYTES,
	};

	/*
	 * Slot 1 now holds logical container 7. A block written there while
	 * it was logical container 3 is whole and has a valid crc, but
	 * reading (7, 0x2000) must not return it.
	 */
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, clfs_blk_seal(md, &blk, buf, SECTOR),
			(int)SECTOR);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, LSN(3, 0x2000, 0), 0, buf,
					      SECTOR, &blk), 0);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), -ESTALE);
}

static void clfs_format_md_needs_an_active_container(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	int i;

	KUNIT_EXPECT_EQ(test, clfs_md_validate(md), 0);
	for (i = 0; i < 3; i++)
		md->containers[i] = (struct clfs_md_container){
			0, CLFS_CONT_FREE };
	md->streams[0] = (struct clfs_md_stream){ 0 };
	KUNIT_EXPECT_EQ(test, clfs_md_validate(md), -EUCLEAN);
}

static void clfs_format_block_of_other_log_fails_crc(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = alloc_blk(test, md);
	struct clfs_blk blk;

	md->uuid[0] ^= 1;	/* the device was re-formatted since */
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), -EUCLEAN);
}

static void clfs_format_block_epoch_rules(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = alloc_blk(test, md);
	struct clfs_blk blk;

	/* At epoch_start: the current epoch or a newer one only. */
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, BLK_EPOCH, buf,
					      SECTOR, &blk), 0);
	md->epoch = BLK_EPOCH - 1;	/* an older metadata copy */
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), 0);
	md->epoch = BLK_EPOCH + 1;	/* left over from before a crash */
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), -ESTALE);
	/* Below epoch_start: only older epochs. */
	md->epoch_start_lsn = LSN(7, 0x3000, 0);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), 0);
	md->epoch = BLK_EPOCH;
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), -ESTALE);
	/* Along a scan, epochs never go down. */
	make_md(md, false);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, BLK_EPOCH + 1, buf,
					      SECTOR, &blk), -ESTALE);
}

static void clfs_format_block_without_records_is_valid(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, SECTOR, GFP_KERNEL);
	struct clfs_blk blk = {
		.lsn = BLK_LSN, .epoch = BLK_EPOCH,
		.used_bytes = CLFS_BLK_HDR_BYTES,
		.flags = CLFS_BLK_F_CONTAINER_END,
	};
	struct clfs_blk out;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, clfs_blk_seal(md, &blk, buf, SECTOR),
			(int)SECTOR);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &out), 0);
	KUNIT_EXPECT_EQ(test, out.nr_records, 0);
	KUNIT_EXPECT_EQ(test, out.flags, CLFS_BLK_F_CONTAINER_END);
}

static void clfs_format_block_holds_512_records(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u32 len = CLFS_BLK_HDR_BYTES + 513 * CLFS_REC_HDR_BYTES;
	u8 *buf = kunit_kzalloc(test, len + SECTOR, GFP_KERNEL);
	struct clfs_blk blk = { .lsn = BLK_LSN, .epoch = BLK_EPOCH };
	struct clfs_rec rec = { .type = CLFS_REC_DATA };
	u32 off = CLFS_BLK_HDR_BYTES, i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (i = 0; i < 513; i++) {
		rec.lsn = BLK_LSN + (i & CLFS_LSN_INDEX_MASK);
		KUNIT_ASSERT_EQ(test, clfs_rec_encode(md, &rec, buf + off,
						      len - off),
				(int)CLFS_REC_HDR_BYTES);
		off += CLFS_REC_HDR_BYTES;
	}
	blk.nr_records = 512;
	blk.used_bytes = off - CLFS_REC_HDR_BYTES;
	KUNIT_EXPECT_GT(test, clfs_blk_seal(md, &blk, buf, len + SECTOR), 0);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf,
					      len + SECTOR, &blk), 0);
	blk.nr_records = 513;
	blk.used_bytes = off;
	KUNIT_EXPECT_EQ(test, clfs_blk_seal(md, &blk, buf, len + SECTOR),
			-EINVAL);
}

static void clfs_format_block_next_lsn(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	struct clfs_blk blk = { .lsn = BLK_LSN, .disk_bytes = 2 * SECTOR };

	KUNIT_EXPECT_EQ(test, clfs_blk_next_lsn(md, &blk), LSN(7, 0x4000, 0));
	blk.flags = CLFS_BLK_F_CONTAINER_END;
	KUNIT_EXPECT_EQ(test, clfs_blk_next_lsn(md, &blk), LSN(8, 0, 0));
	/* Filling the container exactly also moves on. */
	blk.flags = 0;
	blk.lsn = LSN(7, CONTAINER - 2 * SECTOR, 0);
	KUNIT_EXPECT_EQ(test, clfs_blk_next_lsn(md, &blk), LSN(8, 0, 0));
	blk.lsn = LSN(CLFS_LSN_CONTAINER_MAX, CONTAINER - 2 * SECTOR, 0);
	KUNIT_EXPECT_EQ(test, clfs_blk_next_lsn(md, &blk), CLFS_LSN_INVALID);
}

/* A sealed position leads to the next container, as CONTAINER_END does. */
static void clfs_format_block_next_lsn_follows_seal(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	struct clfs_blk blk = { .lsn = BLK_LSN, .disk_bytes = 2 * SECTOR };

	KUNIT_ASSERT_EQ(test, clfs_md_add_seal(md, LSN(7, 0x4000, 0)), 0);
	KUNIT_EXPECT_EQ(test, clfs_blk_next_lsn(md, &blk), LSN(8, 0, 0));
	KUNIT_EXPECT_EQ(test, clfs_md_follow_seal(md, LSN(7, 0x4000, 0)),
			LSN(8, 0, 0));
	/* Only the sealed position itself. */
	KUNIT_EXPECT_EQ(test, clfs_md_follow_seal(md, LSN(7, 0x3000, 0)),
			LSN(7, 0x3000, 0));
	blk.disk_bytes = SECTOR;
	KUNIT_EXPECT_EQ(test, clfs_blk_next_lsn(md, &blk), LSN(7, 0x3000, 0));
	KUNIT_EXPECT_EQ(test, clfs_md_validate(md), 0);
}

static void clfs_format_seals_roundtrip_and_drop_below_recovery(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	struct clfs_md *out = alloc_md(test, false);
	u8 *buf;

	/* recovery_lsn is LSN(5, 0x1000, 0): a seal below it is dropped. */
	KUNIT_ASSERT_EQ(test, clfs_md_add_seal(md, LSN(5, 0x200, 0)), 0);
	KUNIT_ASSERT_EQ(test, clfs_md_add_seal(md, LSN(6, SECTOR, 0)), 0);
	KUNIT_EXPECT_EQ(test, md->seal_lsn[0], LSN(6, SECTOR, 0));
	KUNIT_EXPECT_EQ(test, md->seal_lsn[1], 0ULL);
	/* Again is nothing new; below the last or at offset 0 is refused. */
	KUNIT_EXPECT_EQ(test, clfs_md_add_seal(md, LSN(6, SECTOR, 0)), 0);
	KUNIT_EXPECT_EQ(test, md->seal_lsn[1], 0ULL);
	KUNIT_EXPECT_EQ(test, clfs_md_add_seal(md, LSN(5, 0x2000, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_md_add_seal(md, LSN(7, 0, 0)), -EINVAL);
	KUNIT_ASSERT_EQ(test, clfs_md_add_seal(md, LSN(7, 2 * SECTOR, 0)), 0);
	buf = encode_md(test, md);
	KUNIT_ASSERT_EQ(test, clfs_md_decode(buf, CLFS_MD_COPY_BYTES,
					     DEV_BYTES, out), 0);
	KUNIT_EXPECT_EQ(test, memcmp(md, out, sizeof(*md)), 0);
}

static void clfs_format_seals_fill_up(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u32 i;

	for (i = 0; i < CLFS_MD_SEALS; i++)
		KUNIT_ASSERT_EQ(test, clfs_md_add_seal(md, LSN(6, SECTOR * (i + 1), 0)), 0);
	KUNIT_EXPECT_EQ(test, clfs_md_add_seal(md, LSN(7, SECTOR, 0)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, clfs_md_validate(md), 0);
	/* Once the recovery start passes them, the room comes back. */
	md->recovery_lsn = LSN(6, SECTOR * CLFS_MD_SEALS, 0);
	KUNIT_EXPECT_EQ(test, clfs_md_add_seal(md, LSN(7, SECTOR, 0)), 0);
	KUNIT_EXPECT_EQ(test, md->seal_lsn[0], LSN(6, SECTOR * CLFS_MD_SEALS, 0));
	KUNIT_EXPECT_EQ(test, md->seal_lsn[1], LSN(7, SECTOR, 0));
	KUNIT_EXPECT_EQ(test, md->seal_lsn[2], 0ULL);
}

static void clfs_format_seals_invalid_are_corrupt(struct kunit *test)
{
	static const u64 bad[][2] = {
		{ LSN(7, 2 * SECTOR, 0), LSN(7, SECTOR, 0) },	/* descending */
		{ LSN(7, SECTOR, 0), LSN(7, SECTOR, 0) },	/* twice */
		{ 0, LSN(7, SECTOR, 0) },		/* after a hole */
		{ LSN(7, 0, 0), 0 },			/* offset 0 */
		{ LSN(8, SECTOR, 0), 0 },		/* not yet handed out */
		{ LSN(7, SECTOR, 1), 0 },		/* not a block position */
		{ LSN(7, 512, 0), 0 },			/* not on a sector */
	};
	struct clfs_md *md = alloc_md(test, false);
	u32 i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		make_md(md, false);
		md->seal_lsn[0] = bad[i][0];
		md->seal_lsn[1] = bad[i][1];
		KUNIT_EXPECT_EQ_MSG(test, clfs_md_validate(md), -EUCLEAN,
				    "case %u", i);
	}
}

static void clfs_format_record_encode_refuses_bad_records(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, SECTOR, GFP_KERNEL);
	struct clfs_rec rec = {
		.lsn = BLK_LSN + 1, .type = CLFS_REC_DATA, .data_bytes = 8,
	};

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, clfs_rec_encode(md, &rec, buf, SECTOR), 32);
	KUNIT_EXPECT_EQ(test, clfs_rec_encode(md, &rec, buf, 31), -EINVAL);
	rec.prev_lsn = BLK_LSN + 1;	/* itself */
	KUNIT_EXPECT_EQ(test, clfs_rec_encode(md, &rec, buf, SECTOR), -EINVAL);
	rec.prev_lsn = BLK_LSN;
	rec.undo_next_lsn = LSN(7, 0x3000, 0);	/* the future */
	KUNIT_EXPECT_EQ(test, clfs_rec_encode(md, &rec, buf, SECTOR), -EINVAL);
	rec.undo_next_lsn = CLFS_LSN_INVALID;
	rec.type = 0;
	KUNIT_EXPECT_EQ(test, clfs_rec_encode(md, &rec, buf, SECTOR), -EINVAL);
	rec.type = CLFS_REC_TRUNCATE + 1;
	KUNIT_EXPECT_EQ(test, clfs_rec_encode(md, &rec, buf, SECTOR), -EINVAL);
	rec.type = CLFS_REC_RESTART;
	rec.data_bytes = CLFS_REC_DATA_MAX + 1;
	KUNIT_EXPECT_EQ(test, clfs_rec_encode(md, &rec, buf, SECTOR), -EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_rec_disk_bytes(CLFS_REC_DATA_MAX),
			CLFS_BLK_MAX_BYTES - CLFS_BLK_HDR_BYTES);
	KUNIT_EXPECT_EQ(test, clfs_rec_disk_bytes(U32_MAX), 0U);
}

static void clfs_format_seal_refuses_bad_header(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, 2 * SECTOR, GFP_KERNEL);
	struct clfs_blk blk;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, make_blk(md, buf, 2 * SECTOR, &blk), (int)SECTOR);
	blk.nr_records = 2;	/* records do not fill the used bytes */
	KUNIT_EXPECT_EQ(test, clfs_blk_seal(md, &blk, buf, 2 * SECTOR),
			-EINVAL);
	blk.nr_records = 3;
	KUNIT_EXPECT_EQ(test, clfs_blk_seal(md, &blk, buf, SECTOR - 1),
			-EINVAL);
	blk.epoch = 0;
	KUNIT_EXPECT_EQ(test, clfs_blk_seal(md, &blk, buf, 2 * SECTOR),
			-EINVAL);
	blk.epoch = BLK_EPOCH;
	blk.stream_id = 1;	/* a dedicated log has stream 0 only */
	KUNIT_EXPECT_EQ(test, clfs_blk_seal(md, &blk, buf, 2 * SECTOR),
			-EINVAL);
	blk.stream_id = 0;
	blk.lsn = LSN(7, CONTAINER - SECTOR / 2, 0);	/* unaligned */
	KUNIT_EXPECT_EQ(test, clfs_blk_seal(md, &blk, buf, 2 * SECTOR),
			-EINVAL);
}

/* ---- blocks: every corrupted field ------------------------------------ */

struct blk_case {
	const char *name;
	bool mux;
	bool keep_crc;
	struct patch p[2];
	int err;
};

#define P(o, w, v)	{ o, w, false, v }
#define X(o, w, v)	{ o, w, true, v }

static const struct blk_case blk_cases[] = {
	{ "magic", 0, 1, { P(BOFF(magic), 4, 0) }, -ENODATA },
	{ "crc_flipped", 0, 1, { X(BOFF(crc), 4, 1U << 31) }, -EUCLEAN },
	{ "torn_record_data", 0, 1, { X(R2 + 30, 1, 1) }, -EUCLEAN },
	{ "torn_header_lsn", 0, 1, { X(BOFF(lsn), 8, 1ULL << 33) }, -EUCLEAN },
	{ "used_below_header", 0, 0, { P(BOFF(used_bytes), 4, 16) },
	  -EUCLEAN },
	{ "used_unaligned", 0, 0, { P(BOFF(used_bytes), 4, R2 + 44) },
	  -EUCLEAN },
	{ "used_above_max", 0, 0,
	  { P(BOFF(used_bytes), 4, CLFS_BLK_MAX_BYTES + 8) }, -EUCLEAN },
	{ "used_past_container", 0, 0,
	  { P(BOFF(used_bytes), 4, CONTAINER - 0x2000 + 8) }, -EUCLEAN },
	{ "used_beyond_records", 0, 0, { P(BOFF(used_bytes), 4, R2 + 56) },
	  -EUCLEAN },
	{ "records_513", 0, 0, { P(BOFF(nr_records), 2, 513) }, -EUCLEAN },
	{ "records_more_than_present", 0, 0, { P(BOFF(nr_records), 2, 4) },
	  -EUCLEAN },
	{ "records_fewer_than_present", 0, 0, { P(BOFF(nr_records), 2, 2) },
	  -EUCLEAN },
	{ "records_0", 0, 0, { P(BOFF(nr_records), 2, 0) }, -EUCLEAN },
	{ "flags_unknown", 0, 0, { P(BOFF(flags), 2, 4) }, -EUCLEAN },
	{ "flags_truncate_on_data", 0, 0, { P(BOFF(flags), 2, 2) }, -EUCLEAN },
	{ "reserved", 0, 0, { P(BOFF(reserved), 2, 1) }, -EUCLEAN },
	{ "epoch_0", 0, 0, { P(BOFF(epoch), 4, 0) }, -EUCLEAN },
	{ "stream_1_dedicated", 0, 0, { P(BOFF(stream_id), 2, 1) },
	  -EUCLEAN },
	{ "stream_128_mux", 1, 0, { P(BOFF(stream_id), 2, 128) }, -EUCLEAN },
	{ "lsn_other_container", 0, 0, { P(BOFF(lsn), 8, LSN(3, 0x2000, 0)) },
	  -ESTALE },
	{ "lsn_other_offset", 0, 0, { P(BOFF(lsn), 8, LSN(7, 0x1000, 0)) },
	  -ESTALE },
	{ "lsn_with_index", 0, 0, { P(BOFF(lsn), 8, BLK_LSN + 1) }, -ESTALE },
	{ "epoch_older_than_metadata", 0, 0,
	  { P(BOFF(epoch), 4, BLK_EPOCH - 1) }, -ESTALE },
	{ "rec_type_0", 0, 0, { P(ROFF(R0, type), 2, 0) }, -EUCLEAN },
	{ "rec_type_3", 0, 0, { P(ROFF(R1, type), 2, 3) }, -EUCLEAN },
	{ "rec_flags", 0, 0, { P(ROFF(R2, flags), 2, 1) }, -EUCLEAN },
	{ "rec_data_past_used", 0, 0, { P(ROFF(R2, data_bytes), 4, 65) },
	  -EUCLEAN },
	{ "rec_data_huge", 0, 0, { P(ROFF(R0, data_bytes), 4, U32_MAX) },
	  -EUCLEAN },
	{ "rec_data_shorter", 0, 0, { P(ROFF(R0, data_bytes), 4, 4) },
	  -EUCLEAN },
	{ "rec_padding_nonzero", 0, 0, { P(R0 + 24 + 6, 1, 0xaa) },
	  -EUCLEAN },
	{ "rec_prev_is_itself", 0, 0,
	  { P(ROFF(R2, prev_lsn), 8, BLK_LSN + 2) }, -EUCLEAN },
	{ "rec_prev_in_future", 0, 0,
	  { P(ROFF(R2, prev_lsn), 8, LSN(7, 0x3000, 0)) }, -EUCLEAN },
	{ "rec_undo_in_container_0", 0, 0,
	  { P(ROFF(R2, undo_next_lsn), 8, LSN(0, 0x1000, 0)) }, -EUCLEAN },
	{ "rec_undo_unaligned", 0, 0,
	  { P(ROFF(R2, undo_next_lsn), 8, LSN(6, 0x1200, 0)) }, -EUCLEAN },
	{ "rec_prev_past_container", 0, 0,
	  { P(ROFF(R0, prev_lsn), 8, LSN(6, CONTAINER, 0)) }, -EUCLEAN },
};

#undef P
#undef X

static void blk_case_desc(const struct blk_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(blk_corrupt, blk_cases, blk_case_desc);

static void clfs_format_block_decode_rejects_corrupt_field(struct kunit *test)
{
	const struct blk_case *c = test->param_value;
	struct clfs_md *md = alloc_md(test, c->mux);
	u8 *buf = alloc_blk(test, md);
	struct clfs_blk blk;
	u32 i;

	KUNIT_ASSERT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), 0);
	for (i = 0; i < ARRAY_SIZE(c->p) && c->p[i].width; i++)
		apply_patch(buf, &c->p[i]);
	if (!c->keep_crc)
		fix_blk_crc(md, buf);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), c->err);
}

/* ---- truncation blocks ------------------------------------------------ */

#define TRUNC_END	LSN(7, 0x1000, 2)
#define TRUNC_RESTART	LSN(6, 0x1000, 0)
/* The truncation record's data starts here in the block. */
#define TOFF(f)		(R0 + CLFS_REC_HDR_BYTES + \
			 (u32)offsetof(struct clfs_trunc_disk, f))

/* A truncation block at BLK_LSN with the given flags and record type. */
static int make_trunc_blk(const struct clfs_md *md, u8 *buf, size_t len,
			  u64 end, u64 restart, u32 flags, u32 type)
{
	struct clfs_rec rec = {
		.lsn = BLK_LSN,
		.data_bytes = sizeof(struct clfs_trunc_disk),
		.type = type,
	};
	struct clfs_blk blk = {
		.lsn = BLK_LSN, .epoch = BLK_EPOCH, .nr_records = 1,
		.flags = flags,
	};
	struct clfs_trunc_disk td;
	int n;

	memset(buf, 0, len);
	n = clfs_rec_encode(md, &rec, buf + R0, len - R0);
	if (n < 0)
		return n;
	clfs_trunc_encode(&td, end, restart);
	memcpy(buf + R0 + CLFS_REC_HDR_BYTES, &td, sizeof(td));
	blk.used_bytes = R0 + n;
	return clfs_blk_seal(md, &blk, buf, len);
}

static void clfs_format_truncation_block_roundtrip(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, SECTOR, GFP_KERNEL);
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	struct clfs_blk blk;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, make_trunc_blk(md, buf, SECTOR, TRUNC_END,
					     TRUNC_RESTART, CLFS_BLK_F_TRUNCATE,
					     CLFS_REC_TRUNCATE), (int)SECTOR);
	KUNIT_ASSERT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), 0);
	KUNIT_EXPECT_EQ(test, blk.flags, CLFS_BLK_F_TRUNCATE);
	KUNIT_EXPECT_EQ(test, blk.trunc_end_lsn, TRUNC_END);
	KUNIT_EXPECT_EQ(test, blk.trunc_restart_lsn, TRUNC_RESTART);
	KUNIT_ASSERT_EQ(test, clfs_rec_iter_init(&it, md, &blk, buf, SECTOR),
			0);
	KUNIT_EXPECT_EQ(test, clfs_rec_iter_next(&it, &rec), 1);
	KUNIT_EXPECT_EQ(test, rec.type, CLFS_REC_TRUNCATE);
	KUNIT_EXPECT_EQ(test, rec.lsn, BLK_LSN);
	KUNIT_EXPECT_EQ(test, clfs_rec_iter_next(&it, &rec), 0);

	/* No restart area left is fine too; data blocks carry no payload. */
	KUNIT_ASSERT_EQ(test, make_trunc_blk(md, buf, SECTOR, TRUNC_END,
					     CLFS_LSN_NULL, CLFS_BLK_F_TRUNCATE,
					     CLFS_REC_TRUNCATE), (int)SECTOR);
	KUNIT_ASSERT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), 0);
	KUNIT_EXPECT_EQ(test, blk.trunc_restart_lsn, CLFS_LSN_NULL);
	buf = alloc_blk(test, md);
	KUNIT_ASSERT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), 0);
	KUNIT_EXPECT_EQ(test, blk.trunc_end_lsn, 0ULL);
	KUNIT_EXPECT_EQ(test, blk.trunc_restart_lsn, 0ULL);
}

static void clfs_format_truncation_block_seal_refuses(struct kunit *test)
{
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, SECTOR, GFP_KERNEL);
	const u32 t = CLFS_BLK_F_TRUNCATE;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	/* The flag and the record type go together. */
	KUNIT_EXPECT_EQ(test, make_trunc_blk(md, buf, SECTOR, TRUNC_END,
					     TRUNC_RESTART, t, CLFS_REC_DATA),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, make_trunc_blk(md, buf, SECTOR, TRUNC_END,
					     TRUNC_RESTART, 0,
					     CLFS_REC_TRUNCATE), -EINVAL);
	/* The end is a real, older position; the restart area not after it. */
	KUNIT_EXPECT_EQ(test, make_trunc_blk(md, buf, SECTOR, BLK_LSN,
					     CLFS_LSN_NULL, t,
					     CLFS_REC_TRUNCATE), -EINVAL);
	KUNIT_EXPECT_EQ(test, make_trunc_blk(md, buf, SECTOR, CLFS_LSN_NULL,
					     CLFS_LSN_NULL, t,
					     CLFS_REC_TRUNCATE), -EINVAL);
	KUNIT_EXPECT_EQ(test, make_trunc_blk(md, buf, SECTOR,
					     CLFS_LSN_INVALID, CLFS_LSN_NULL,
					     t, CLFS_REC_TRUNCATE), -EINVAL);
	KUNIT_EXPECT_EQ(test, make_trunc_blk(md, buf, SECTOR, TRUNC_END,
					     TRUNC_END + 1, t,
					     CLFS_REC_TRUNCATE), -EINVAL);
	KUNIT_EXPECT_EQ(test, make_trunc_blk(md, buf, SECTOR, TRUNC_END,
					     CLFS_LSN_INVALID, t,
					     CLFS_REC_TRUNCATE), -EINVAL);
}

struct trunc_case {
	const char *name;
	struct patch p;
};

#define P(o, w, v)	{ o, w, false, v }

static const struct trunc_case trunc_cases[] = {
	{ "flag_cleared", P(BOFF(flags), 2, 0) },
	{ "two_records", P(BOFF(nr_records), 2, 2) },
	{ "data_bytes_24", P(ROFF(R0, data_bytes), 4, 24) },
	{ "prev_not_null", P(ROFF(R0, prev_lsn), 8, TRUNC_RESTART) },
	{ "undo_not_null", P(ROFF(R0, undo_next_lsn), 8, TRUNC_RESTART) },
	{ "end_null", P(TOFF(end_lsn), 8, CLFS_LSN_NULL) },
	{ "end_is_the_block", P(TOFF(end_lsn), 8, BLK_LSN) },
	{ "end_in_future", P(TOFF(end_lsn), 8, LSN(9, 0, 0)) },
	{ "end_unaligned", P(TOFF(end_lsn), 8, LSN(6, 0x1200, 0)) },
	{ "restart_after_end", P(TOFF(restart_lsn), 8, TRUNC_END + 1) },
	{ "restart_invalid", P(TOFF(restart_lsn), 8, CLFS_LSN_INVALID) },
	{ "reserved_0", P(TOFF(reserved[0]), 8, 1) },
	{ "reserved_1", P(TOFF(reserved[1]), 8, 1ULL << 63) },
};

#undef P

static void trunc_case_desc(const struct trunc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(trunc_corrupt, trunc_cases, trunc_case_desc);

/* Each field patched, crc fixed: a well-formed block that lies is refused. */
static void clfs_format_truncation_block_rejects_corrupt_field(struct kunit *test)
{
	const struct trunc_case *c = test->param_value;
	struct clfs_md *md = alloc_md(test, false);
	u8 *buf = kunit_kzalloc(test, SECTOR, GFP_KERNEL);
	struct clfs_blk blk;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, make_trunc_blk(md, buf, SECTOR, TRUNC_END,
					     TRUNC_RESTART, CLFS_BLK_F_TRUNCATE,
					     CLFS_REC_TRUNCATE), (int)SECTOR);
	apply_patch(buf, &c->p);
	fix_blk_crc(md, buf);
	KUNIT_EXPECT_EQ(test, clfs_blk_decode(md, BLK_LSN, 0, buf, SECTOR,
					      &blk), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, blk.trunc_end_lsn, 0ULL);
}

static struct kunit_case clfs_format_cases[] = {
	KUNIT_CASE(clfs_format_crc32c_matches_check_value),
	KUNIT_CASE(clfs_format_crc32c_chains),
	KUNIT_CASE(clfs_format_md_crc_ignores_crc_field),
	KUNIT_CASE(clfs_format_block_crc_seed_is_crc_of_uuid),
	KUNIT_CASE(clfs_format_md_roundtrip_is_lossless),
	KUNIT_CASE(clfs_format_block_next_lsn_follows_seal),
	KUNIT_CASE(clfs_format_seals_roundtrip_and_drop_below_recovery),
	KUNIT_CASE(clfs_format_seals_fill_up),
	KUNIT_CASE(clfs_format_seals_invalid_are_corrupt),
	KUNIT_CASE(clfs_format_md_encode_pads_to_sector),
	KUNIT_CASE(clfs_format_md_encode_refuses_short_buffer),
	KUNIT_CASE(clfs_format_md_encode_refuses_invalid),
	KUNIT_CASE(clfs_format_md_unknown_compat_is_ignored),
	KUNIT_CASE(clfs_format_md_unknown_ro_compat_is_read_only),
	KUNIT_CASE(clfs_format_md_decode_needs_whole_region),
	KUNIT_CASE(clfs_format_md_decode_refuses_shrunk_device),
	KUNIT_CASE(clfs_format_md_needs_an_active_container),
	KUNIT_CASE_PARAM(clfs_format_md_decode_rejects_corrupt_field,
			 md_corrupt_gen_params),
	KUNIT_CASE(clfs_format_select_prefers_newest_generation),
	KUNIT_CASE(clfs_format_select_newest_in_copy_0),
	KUNIT_CASE(clfs_format_select_falls_back_from_torn_copy),
	KUNIT_CASE(clfs_format_select_revalidates_fallback),
	KUNIT_CASE(clfs_format_select_refuses_generation_in_wrong_copy),
	KUNIT_CASE(clfs_format_select_refuses_copies_of_two_logs),
	KUNIT_CASE(clfs_format_select_reports_missing_log),
	KUNIT_CASE(clfs_format_select_reports_newer_format),
	KUNIT_CASE(clfs_format_format_makes_valid_fresh_log),
	KUNIT_CASE(clfs_format_format_refuses_bad_parameters),
	KUNIT_CASE(clfs_format_lsn_maps_to_slot_offset),
	KUNIT_CASE(clfs_format_lsn_plausibility),
	KUNIT_CASE(clfs_format_block_seal_decode_roundtrip),
	KUNIT_CASE(clfs_format_block_seal_zeroes_sector_tail),
	KUNIT_CASE(clfs_format_block_peek_reports_disk_length),
	KUNIT_CASE(clfs_format_block_decode_needs_whole_block),
	KUNIT_CASE(clfs_format_block_of_recycled_container_is_stale),
	KUNIT_CASE(clfs_format_block_of_other_log_fails_crc),
	KUNIT_CASE(clfs_format_block_epoch_rules),
	KUNIT_CASE(clfs_format_block_without_records_is_valid),
	KUNIT_CASE(clfs_format_block_holds_512_records),
	KUNIT_CASE(clfs_format_block_next_lsn),
	KUNIT_CASE(clfs_format_record_encode_refuses_bad_records),
	KUNIT_CASE(clfs_format_seal_refuses_bad_header),
	KUNIT_CASE(clfs_format_truncation_block_roundtrip),
	KUNIT_CASE(clfs_format_truncation_block_seal_refuses),
	KUNIT_CASE_PARAM(clfs_format_truncation_block_rejects_corrupt_field,
			 trunc_corrupt_gen_params),
	KUNIT_CASE_PARAM(clfs_format_block_decode_rejects_corrupt_field,
			 blk_corrupt_gen_params),
	{}
};

static struct kunit_suite clfs_format_suite = {
	.name = "clfs_format",
	.test_cases = clfs_format_cases,
};

kunit_test_suites(&clfs_format_suite);
