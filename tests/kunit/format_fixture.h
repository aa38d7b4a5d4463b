/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metadata fixture shared by the KUnit suite clfs_format and the
 * host-side format tests, fuzz targets and seed generator (tests/host):
 * one log in mid-life, built the same way on both sides so that a case
 * written for one means the same on the other.
 *
 * Logical containers 5..7 sit in slots 2, 0 and 1, slot 3 is free, the
 * epoch is 3 and every policy is installed; @mux adds a second stream and
 * an archive tail.
 */
#ifndef _CLFS_FORMAT_FIXTURE_H
#define _CLFS_FORMAT_FIXTURE_H

#include "format/clfs_format_mem.h"

/* Constant-expression LSN for static tables. */
#ifndef LSN
#define LSN(c, o, i)	(((u64)(c) << 32) | (u64)(o) | (u64)(i))
#endif

#define FX_CONTAINER	(1024U * 1024)
#define FX_NR_SLOTS	8U
#define FX_DATA_START	((u64)CLFS_MD_AREA_BYTES)
#define FX_DEV_BYTES	(FX_DATA_START + (u64)FX_NR_SLOTS * FX_CONTAINER)
#define FX_EPOCH	3U
/* The fixture block sits where the current epoch starts. */
#define FX_BLK_LSN	LSN(7, 0x2000, 0)

static const u8 fx_uuid[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

static inline void fx_make_md(struct clfs_md *md, u32 sector_bytes, bool mux)
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
		.installed = CLFS_POLICY_ALL,
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

#endif /* _CLFS_FORMAT_FIXTURE_H */
