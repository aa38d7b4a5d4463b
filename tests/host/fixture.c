// SPDX-License-Identifier: GPL-2.0
/*
 * Fixtures for the host-side format tests (see fixture.h). The same log
 * as the KUnit suite's: logical containers 5..7 in slots 2, 0 and 1, slot
 * 3 free, epoch 3, every policy installed.
 */
#include <stdlib.h>
#include "fixture.h"

const u8 fx_uuid[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

void fx_make_md(struct clfs_md *md, u32 sector_bytes, bool mux)
{
	struct clfs_md_stream *s0 = &md->streams[0];

	memset(md, 0, sizeof(*md));
	memcpy(md->uuid, fx_uuid, sizeof(md->uuid));
	md->geo.sector_bytes = sector_bytes;
	md->geo.nr_slots = FX_NR_SLOTS;
	md->geo.container_bytes = FX_CONTAINER;
	md->geo.data_start_bytes = FX_DATA_START;
	md->geo.device_bytes = FX_DEV_BYTES;
	md->generation = 6;
	md->epoch = FX_EPOCH;
	md->epoch_start_lsn = FX_BLK_LSN;
	md->recovery_lsn = LSN(5, 0x1000, 0);
	md->next_cid = 8;
	md->containers[0] = (struct clfs_md_container){ 6, CLFS_CONT_ACTIVE };
	md->containers[1] = (struct clfs_md_container){ 7, CLFS_CONT_ACTIVE };
	md->containers[2] = (struct clfs_md_container){ 5, CLFS_CONT_ACTIVE };
	md->containers[3].state = CLFS_CONT_FREE;
	s0->state = CLFS_STREAM_ACTIVE;
	s0->created_lsn = LSN(1, 0, 0);
	s0->base_lsn = LSN(5, 0x1000, 3);
	s0->last_lsn = LSN(7, 0x3000, 2);
	s0->restart_lsn = LSN(6, 0x8000, 0);
	md->policy = (struct clfs_md_policy){
		.installed = CLFS_POLICY_KNOWN,
		.max_containers = 8,
		.min_containers = 2,
		.growth_containers = 1,
		.tail_free_pct = 35,
		.shrink_free_pct = 50,
		.auto_grow = 1,
		.new_container_bytes = FX_CONTAINER,
	};
	if (mux) {
		struct clfs_md_stream *s3 = &md->streams[3];

		md->log_flags = CLFS_MD_LOG_MULTIPLEXED | CLFS_MD_LOG_ARCHIVED;
		s0->archive_tail_lsn = LSN(5, 0x1000, 0);
		s3->state = CLFS_STREAM_ACTIVE;
		s3->created_lsn = LSN(6, 0, 0);
		s3->last_lsn = LSN(7, 0x1000, 1);
	}
}

/* Client byte @i of record @rec: never zero, so lost padding shows. */
u8 fx_rec_byte(u32 rec, u32 i)
{
	return (u8)(0x40 + rec * 16 + i);
}

/*
 * A data record without chain, a restart record (chains ended with
 * INVALID) and a data record pointing back into the block and into an
 * older container: 136 used bytes. Returns what clfs_blk_seal() does.
 */
int fx_make_blk(const struct clfs_md *md, void *buf, size_t len,
		struct clfs_blk *blk)
{
	static const u32 type[FX_NR_RECORDS] = {
		CLFS_REC_DATA, CLFS_REC_RESTART, CLFS_REC_DATA,
	};
	static const u32 bytes[FX_NR_RECORDS] = { 5, 0, 17 };
	static const u64 prev[FX_NR_RECORDS] = {
		CLFS_LSN_NULL, CLFS_LSN_INVALID, FX_BLK_LSN,
	};
	static const u64 undo[FX_NR_RECORDS] = {
		CLFS_LSN_NULL, CLFS_LSN_INVALID, LSN(6, 0x1000, 4),
	};
	u8 *b = buf;
	u32 off = CLFS_BLK_HDR_BYTES, i, j;

	memset(buf, 0xee, len);
	for (i = 0; i < FX_NR_RECORDS; i++) {
		struct clfs_rec rec = {
			.lsn = FX_BLK_LSN + i,
			.prev_lsn = prev[i],
			.undo_next_lsn = undo[i],
			.data_bytes = bytes[i],
			.type = type[i],
		};
		int n = clfs_rec_encode(md, &rec, b + off, len - off);

		if (n < 0)
			return n;
		for (j = 0; j < rec.data_bytes; j++)
			b[off + CLFS_REC_HDR_BYTES + j] = fx_rec_byte(i, j);
		off += n;
	}
	*blk = (struct clfs_blk){
		.lsn = FX_BLK_LSN,
		.epoch = FX_EPOCH,
		.used_bytes = off,
		.nr_records = FX_NR_RECORDS,
	};
	return clfs_blk_seal(md, blk, buf, len);
}

/* Zeroed, 8-byte aligned (the format code insists), never NULL. */
void *fx_alloc(size_t bytes)
{
	void *p = aligned_alloc(64, (bytes + 63) / 64 * 64);

	if (!p)
		abort();
	memset(p, 0, bytes);
	return p;
}
