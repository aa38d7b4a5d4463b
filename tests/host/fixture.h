/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixtures shared by the host-side format tests, the fuzz targets and the
 * seed corpus generator: a metadata structure in mid-life and a small
 * block, built through the format code's own encoders.
 */
#ifndef _CLFS_HOST_FIXTURE_H
#define _CLFS_HOST_FIXTURE_H

#include "format/clfs_format_mem.h"

#define LSN(c, o, i)	(((u64)(c) << 32) | (u64)(o) | (u64)(i))

#define FX_CONTAINER	(1024U * 1024)
#define FX_NR_SLOTS	8U
#define FX_DATA_START	((u64)CLFS_MD_AREA_BYTES)
#define FX_DEV_BYTES	(FX_DATA_START + (u64)FX_NR_SLOTS * FX_CONTAINER)
#define FX_EPOCH	3U
/* The fixture block sits where the current epoch starts. */
#define FX_BLK_LSN	LSN(7, 0x2000, 0)
#define FX_NR_RECORDS	3U

extern const u8 fx_uuid[16];

void fx_make_md(struct clfs_md *md, u32 sector_bytes, bool mux);
int fx_make_blk(const struct clfs_md *md, void *buf, size_t len,
		struct clfs_blk *blk);
u8 fx_rec_byte(u32 rec, u32 i);
void *fx_alloc(size_t bytes);

#endif
