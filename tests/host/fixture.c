// SPDX-License-Identifier: GPL-2.0
/*
 * Fixtures for the host-side format tests (see fixture.h); the metadata
 * fixture is the KUnit suite's own (tests/kunit/format_fixture.h).
 */
#include <stdlib.h>
#include "fixture.h"

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
