/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixtures shared by the host-side format tests, the fuzz targets and the
 * seed corpus generator: a metadata structure in mid-life and a small
 * block, built through the format code's own encoders.
 */
#ifndef _CLFS_HOST_FIXTURE_H
#define _CLFS_HOST_FIXTURE_H

#include "format/clfs_format_mem.h"
#include "../kunit/format_fixture.h"

#define FX_NR_RECORDS	3U

int fx_make_blk(const struct clfs_md *md, void *buf, size_t len,
		struct clfs_blk *blk);
u8 fx_rec_byte(u32 rec, u32 i);
void *fx_alloc(size_t bytes);

#endif
