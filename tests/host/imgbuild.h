/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build clfs log images in files, with the format code's own encoders, the
 * way the engine lays them out: format (generations 0 and 1), a session
 * with a new epoch committed to both copies, container activation before
 * the first block goes in, blocks of one stream filled with records and
 * sealed, containers closed with a header-only CONTAINER_END block. For
 * the offline checker's tests and its speed measurement.
 */
#ifndef _CLFS_HOST_IMGBUILD_H
#define _CLFS_HOST_IMGBUILD_H

#include "format/clfs_format_mem.h"

/**
 * struct img - a log image being built in a file (mapped shared)
 * @path: the file
 * @fd: open read-write
 * @dev: the mapping of the whole file
 * @dev_bytes: file size
 * @md: the metadata as last committed (edit, then img_commit())
 * @head: where the next block goes
 * @block_bytes: largest used length of a block
 * @blk: the open block, @blk_used bytes, @blk_nr records, of @blk_stream
 * @blk_lsn: the open block's LSN, CLFS_LSN_NULL when none is open
 * @blocks: blocks written (header-only ones included)
 * @records: records written (truncation records included)
 * @blk_lsns: the LSN of every block written, in order
 */
struct img {
	char path[128];
	int fd;
	u8 *dev;
	u64 dev_bytes;
	struct clfs_md md;
	u64 head;
	u32 block_bytes;
	u8 *blk;
	u32 blk_used;
	u32 blk_nr;
	u16 blk_stream;
	u64 blk_lsn;
	u64 blocks;
	u64 records;
	u64 *blk_lsns;
};

/*
 * Format @path (created or overwritten, @dev_bytes long) as a log of
 * @nr_containers of @nr_slots slots, and open a first session (epoch 2).
 * Returns 0 or -errno.
 */
int img_create(struct img *im, const char *path, u64 dev_bytes,
	       u32 sector_bytes, u64 container_bytes, u32 nr_slots,
	       u32 nr_containers, u32 log_flags, u32 block_bytes);
/* Append one record to stream @stream; returns its LSN (aborts if full). */
u64 img_append(struct img *im, u16 stream, u32 type, const void *data,
	       u32 len, u64 prev, u64 undo);
/* Seal and write the open block, if any. */
void img_seal(struct img *im);
/* Write a truncation block for @stream; returns its LSN. */
u64 img_truncate(struct img *im, u16 stream, u64 end_lsn, u64 restart_lsn);
/* Create stream @id at the head (seals the open block first). */
void img_stream_create(struct img *im, u32 id);
/* Write @im->md as the next generation. */
void img_commit(struct img *im);
/* A new session: epoch + 1 starting at the head, in both copies. */
void img_new_epoch(struct img *im);
/* Device offset of the block at @lsn. */
u64 img_dev_off(const struct img *im, u64 lsn);
/* Seal, flush the mapping, close; the file stays. */
void img_close(struct img *im);

#endif
