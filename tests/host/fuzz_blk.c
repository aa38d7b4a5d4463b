// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the log I/O block parser (clfs_blk_peek,
 * clfs_blk_decode and the record iterator), against the fixture log.
 *
 * Input: one mode byte, then the bytes read from a block's place. Mode
 * bit 0 keeps the crc as fuzzed (else the harness rewrites it), bit 1
 * picks the multiplexed fixture log, bit 2 512-byte sectors, bit 3 reads
 * the block at the LSN its own header claims (when that is a possible
 * block position) rather than at the fixture's, and bits 4-5 give the
 * epoch of a previous block in a scan.
 *
 * A block that decodes must yield exactly its records, all inside its used
 * bytes, and seal back to the same bytes; the next block position must lie
 * after it.
 */
#include <stdlib.h>
#include "fixture.h"

#define MODE_KEEP_CRC	0x01
#define MODE_MUX	0x02
#define MODE_S512	0x04
#define MODE_OWN_LSN	0x08
#define MODE_EPOCH(m)	(((m) >> 4) & 3)

#define BUF_BYTES	(CLFS_BLK_MAX_BYTES + CLFS_SECTOR_4K)

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool documented(int err)
{
	return err == -ENODATA || err == -EUCLEAN || err == -ESTALE;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct clfs_md *mds[4];
	static u8 *buf, *again;
	const struct clfs_md *md;
	struct clfs_blk_disk *bd;
	struct clfs_rec_iter it;
	struct clfs_rec rec;
	struct clfs_blk blk;
	u64 lsn = FX_BLK_LSN, own;
	u32 used, nr = 0;
	int err, peek, ret;
	u8 mode;

	if (!buf) {
		for (int i = 0; i < 4; i++) {
			mds[i] = fx_alloc(sizeof(*mds[i]));
			fx_make_md(mds[i], i & 2 ? 512 : 4096, i & 1);
		}
		buf = fx_alloc(BUF_BYTES);
		again = fx_alloc(BUF_BYTES);
	}
	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (size > BUF_BYTES)
		size = BUF_BYTES;
	md = mds[(mode & MODE_MUX ? 1 : 0) | (mode & MODE_S512 ? 2 : 0)];
	memset(buf, 0, BUF_BYTES);
	memcpy(buf, data, size);
	bd = (struct clfs_blk_disk *)buf;

	own = le64_to_cpu(bd->lsn);
	if (mode & MODE_OWN_LSN && clfs_lsn_is_valid(own) &&
	    !clfs_lsn_record_index(own) && clfs_lsn_container(own) &&
	    clfs_lsn_block_offset(own) < FX_CONTAINER &&
	    !(clfs_lsn_block_offset(own) % md->geo.sector_bytes))
		lsn = own;
	used = le32_to_cpu(bd->used_bytes);
	if (!(mode & MODE_KEEP_CRC) && used >= CLFS_BLK_HDR_BYTES &&
	    used <= BUF_BYTES)
		bd->crc = cpu_to_le32(clfs_blk_disk_crc(
				clfs_log_crc_seed(md->uuid), buf, used));

	peek = clfs_blk_peek(md, lsn, buf, BUF_BYTES);
	check(peek > 0 || documented(peek));
	err = clfs_blk_decode(md, lsn, MODE_EPOCH(mode) + 2, buf, BUF_BYTES,
			      &blk);
	check(!err || documented(err));
	if (peek < 0)
		check(err == peek);
	if (err)
		return 0;

	check(peek == (int)blk.disk_bytes && blk.lsn == lsn);
	check(!clfs_rec_iter_init(&it, md, &blk, buf, BUF_BYTES));
	while ((ret = clfs_rec_iter_next(&it, &rec)) == 1) {
		check(rec.lsn == lsn + nr);
		check(rec.data_offset >= CLFS_BLK_HDR_BYTES + CLFS_REC_HDR_BYTES);
		check(rec.data_offset + rec.data_bytes <= blk.used_bytes);
		check(clfs_lsn_cmp(rec.prev_lsn, rec.lsn) < 0 ||
		      rec.prev_lsn == CLFS_LSN_INVALID);
		nr++;
	}
	check(ret == 0 && nr == blk.nr_records);

	memcpy(again, buf, blk.disk_bytes);
	check(clfs_blk_seal(md, &blk, again, BUF_BYTES) == (int)blk.disk_bytes);
	check(!memcmp(again, buf, blk.used_bytes));
	check(clfs_blk_next_lsn(md, &blk) > lsn);
	return 0;
}
