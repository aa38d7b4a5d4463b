// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora of the fuzz targets, built with the format
 * code's own encoders so that they always match the current format:
 *   <dir>/md/   inputs of fuzz_md  (mode byte + metadata copy)
 *   <dir>/blk/  inputs of fuzz_blk (mode byte + block)
 */
#include <stdio.h>
#include <stdlib.h>
#include "fixture.h"

static const char *dir;

static void put(const char *sub, const char *name, u8 mode, const void *buf,
		size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&mode, 1, 1, f) != 1 ||
	    fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void md_seeds(void)
{
	struct clfs_md *md = fx_alloc(sizeof(*md));
	u8 *buf = fx_alloc(CLFS_MD_COPY_BYTES);
	char name[64];
	int v;

	for (v = 0; v < 4; v++) {
		fx_make_md(md, v & 2 ? 512 : 4096, v & 1);
		if (clfs_md_encode(md, buf, CLFS_MD_COPY_BYTES) < 0)
			exit(1);
		snprintf(name, sizeof(name), "fixture-%d", v);
		put("md", name, 0, buf, CLFS_MD_DISK_BYTES);
		snprintf(name, sizeof(name), "fixture-%d-devsize", v);
		put("md", name, 2, buf, CLFS_MD_DISK_BYTES);

		if (clfs_md_format(md, &md->geo, 1 + v, v & 1 ?
				   CLFS_MD_LOG_MULTIPLEXED : 0, fx_uuid) ||
		    clfs_md_encode(md, buf, CLFS_MD_COPY_BYTES) < 0)
			exit(1);
		snprintf(name, sizeof(name), "fresh-%d", v);
		put("md", name, 1, buf, CLFS_MD_DISK_BYTES);
	}
	free(buf);
	free(md);
}

static void blk_seeds(void)
{
	const u32 len = 2 * CLFS_SECTOR_4K + 512 * CLFS_REC_HDR_BYTES;
	struct clfs_md *md = fx_alloc(sizeof(*md));
	u8 *buf = fx_alloc(len);
	struct clfs_blk blk;
	char name[64];
	u32 off, i;
	int v, n;

	for (v = 0; v < 4; v++) {
		/* Mode bits 1 and 2 pick the same fixture in fuzz_blk. */
		u8 mode = (v & 1 ? 0x02 : 0) | (v & 2 ? 0x04 : 0);

		fx_make_md(md, v & 2 ? 512 : 4096, v & 1);
		n = fx_make_blk(md, buf, len, &blk);
		if (n < 0)
			exit(1);
		snprintf(name, sizeof(name), "fixture-%d", v);
		put("blk", name, mode, buf, blk.used_bytes);
		snprintf(name, sizeof(name), "fixture-%d-ownlsn", v);
		put("blk", name, mode | 0x08, buf, n);

		blk = (struct clfs_blk){ .lsn = FX_BLK_LSN, .epoch = FX_EPOCH,
					 .used_bytes = CLFS_BLK_HDR_BYTES,
					 .flags = CLFS_BLK_F_CONTAINER_END };
		if (clfs_blk_seal(md, &blk, buf, len) < 0)
			exit(1);
		snprintf(name, sizeof(name), "empty-%d", v);
		put("blk", name, mode, buf, CLFS_BLK_HDR_BYTES);

		/* 512 records without data, chained to their predecessor. */
		off = CLFS_BLK_HDR_BYTES;
		for (i = 0; i < 512; i++) {
			struct clfs_rec rec = {
				.lsn = FX_BLK_LSN + i,
				.prev_lsn = i ? FX_BLK_LSN + i - 1 :
						CLFS_LSN_INVALID,
				.type = i % 7 ? CLFS_REC_DATA :
						CLFS_REC_RESTART,
			};

			if (clfs_rec_encode(md, &rec, buf + off, len - off) < 0)
				exit(1);
			off += CLFS_REC_HDR_BYTES;
		}
		blk = (struct clfs_blk){ .lsn = FX_BLK_LSN, .epoch = FX_EPOCH,
					 .used_bytes = off, .nr_records = 512 };
		if (clfs_blk_seal(md, &blk, buf, len) < 0)
			exit(1);
		snprintf(name, sizeof(name), "full-%d", v);
		put("blk", name, mode, buf, off);
	}
	free(buf);
	free(md);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	md_seeds();
	blk_seeds();
	return 0;
}
