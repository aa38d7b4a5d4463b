/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs offline engine: read a log's device or image file directly, without
 * the module, with the module's own format code (kmod/format), and check
 * or dump it.
 *
 *   image.c     the device or image file: large sequential reads
 *   log.c       metadata copies (as clfs_md_select() picks them) and log
 *               I/O blocks (as recovery reads them), each failure
 *               explained; the chain walk recovery does
 *   check.c     clfsctl check: the walk, then the metadata cross-checks
 *   dump.c      clfsctl dump: metadata, blocks and records as they are
 *
 * Nothing here knows the ioctls: a log can be checked on a machine that
 * has never loaded clfs.ko. Whether a structure is valid is always decided
 * by the format code; this code only adds why, in words.
 */
#ifndef CLFS_OFFLINE_H
#define CLFS_OFFLINE_H

#include <stdbool.h>
#include <stdio.h>

#include "format/clfs_format_mem.h"

/* Room for one explanation ("crc mismatch (stored ..., computed ...)"). */
#define OFF_WHY_BYTES		256

/* ---- image.c ------------------------------------------------------------ */

/*
 * Bytes one read fetches ahead: a whole small container, or several MiB of
 * a large one, so that a walk issues a few large reads, not one per block.
 * At least CLFS_BLK_MAX_BYTES, so that any block fits in one window.
 */
#define OFF_WINDOW_BYTES	(8U << 20)

/**
 * struct off_image - an open device or image file
 * @path: as given
 * @fd: open read-only
 * @is_bdev: a block device (else a regular file)
 * @size: bytes
 * @win: the read-ahead window, @win_len valid bytes from @win_off
 * @win_off: device offset of @win
 * @win_len: valid bytes in @win
 * @bytes_read: statistics: bytes read from the device
 * @nr_reads: statistics: read calls
 */
struct off_image {
	const char *path;
	int fd;
	bool is_bdev;
	u64 size;
	u8 *win;
	u64 win_off;
	u64 win_len;
	u64 bytes_read;
	u64 nr_reads;
};

int off_image_open(struct off_image *img, const char *path, bool force,
		   char *why, size_t why_len);
void off_image_close(struct off_image *img);
int off_image_read(struct off_image *img, u64 off, void *buf, size_t len);
int off_image_view(struct off_image *img, u64 off, u32 len, u64 ahead_end,
		   const u8 **p);

/* ---- log.c -------------------------------------------------------------- */

/**
 * struct off_md_copy - one metadata copy as found on the device
 * @err: 0 if the copy is valid, else the reason clfs_md_select() has for
 *	not using it: clfs_md_decode()'s error, or -EUCLEAN for a generation
 *	stored in the wrong copy
 * @why: @err in words
 * @magic: the copy holds clfs metadata at all (it may still be corrupt)
 * @generation: the generation field as stored; trust it only if !@err
 * @md: the decoded copy if !@err, else NULL
 */
struct off_md_copy {
	int err;
	char why[OFF_WHY_BYTES];
	bool magic;
	u64 generation;
	struct clfs_md *md;
};

/**
 * struct off_log - a log's metadata and its device
 * @img: the device
 * @copy: each metadata copy
 * @selected: the copy clfs_md_select() picks, or its negative errno
 * @why: when no copy is usable, why not, in words
 * @md: the copy in use (the selected one unless off_log_use_copy()), or
 *	NULL when none is usable
 * @used: index of @md in @copy
 */
struct off_log {
	struct off_image *img;
	struct off_md_copy copy[CLFS_MD_COPIES];
	int selected;
	char why[OFF_WHY_BYTES];
	const struct clfs_md *md;
	u32 used;
};

int off_log_load(struct off_log *log, struct off_image *img);
int off_log_use_copy(struct off_log *log, u32 copy);
void off_log_free(struct off_log *log);

/**
 * struct off_block - a valid log I/O block read from the device
 * @blk: decoded header
 * @buf: its bytes; valid until the next read from the same image
 * @dev_off: where it is on the device
 */
struct off_block {
	struct clfs_blk blk;
	const u8 *buf;
	u64 dev_off;
};

bool off_format_error(int err);
int off_block_read(struct off_log *log, u64 lsn, u32 min_epoch,
		   struct off_block *b);
int off_block_why(struct off_log *log, u64 lsn, u32 min_epoch, int err,
		  char *why, size_t len);

/**
 * struct off_walk - follows the chain of blocks the way recovery does
 * @log: the log
 * @lsn: where the next block is looked for
 * @min_epoch: epoch of the previous block (epochs never decrease)
 * @b: the block off_walk_next() just returned
 * @end: when off_walk_next() returned 0: why @lsn holds no valid block
 *	(a format error: -ENODATA, -EUCLEAN, -ESTALE, -ENOENT, -EINVAL)
 */
struct off_walk {
	struct off_log *log;
	u64 lsn;
	u32 min_epoch;
	struct off_block b;
	int end;
};

void off_walk_init(struct off_walk *w, struct off_log *log, u64 start,
		   u32 min_epoch);
int off_walk_next(struct off_walk *w);

/* Names for dumps: "data", "restart", "truncate", or NULL if unknown. */
const char *off_rec_type_name(u32 type);
void off_blk_flags_str(u32 flags, char *buf, size_t len);

/* ---- check.c ------------------------------------------------------------ */

/* Exit statuses of clfsctl check (documented in its --help). */
#define OFF_EXIT_CLEAN		0
#define OFF_EXIT_CORRUPT	1
#define OFF_EXIT_ERROR		2
#define OFF_EXIT_WARNING	3

enum off_severity {
	OFF_NOTE,
	OFF_WARNING,
	OFF_ERROR,
};

struct off_problem {
	enum off_severity sev;
	char msg[2 * OFF_WHY_BYTES];
};

/**
 * struct off_check_opts - how to check
 * @strict: warnings count as corruption
 * @force: read a block device even if something holds it exclusively
 */
struct off_check_opts {
	bool strict;
	bool force;
};

/**
 * struct off_blkent - one block of the chain, kept for LSN lookups
 * @lsn: the block's LSN
 * @prev: index of the previous block of the stream still holding live
 *	records, or OFF_NONE: a stack that truncations pop
 * @stream: the block's stream id
 * @nr: records in the block
 * @live: its first @live records are still the stream's (a truncation
 *	removes the records after an LSN, so what is left is a prefix)
 * @owned: the block belongs to the stream in the metadata (its stream id
 *	is active and it is not below the stream's created_lsn)
 * @trunc: a truncation block
 */
struct off_blkent {
	u64 lsn;
	u32 prev;
	u16 stream;
	u16 nr;
	u16 live;
	bool owned;
	bool trunc;
};

#define OFF_NONE	(~0U)

/**
 * struct off_stream_rep - what the walk found of one stream
 * @records: records of the stream in the chain, truncated ones excluded
 * @blocks: blocks of the stream in the chain
 * @truncations: its truncation blocks
 * @truncated: records its truncation blocks removed
 * @earlier: records of an earlier stream that had this id (below
 *	created_lsn), or of a stream id the metadata does not have
 * @top: index of its last block with live records, or OFF_NONE
 * @restart_type: type of the record at the metadata's restart_lsn, if the
 *	walk saw it, else 0
 */
struct off_stream_rep {
	u64 records;
	u64 blocks;
	u64 truncations;
	u64 truncated;
	u64 earlier;
	u32 top;
	u32 restart_type;
};

/**
 * struct off_report - everything clfsctl check found
 * @img: the device
 * @log: its metadata
 * @opened: the device could be opened and read
 * @start_lsn: where the walk started (the metadata's recovery_lsn)
 * @end_lsn: the end of the log: the first place without a valid block
 * @end_err: why there is none there
 * @end_why: @end_err in words
 * @blocks: valid blocks in the chain
 * @bytes: their on-disk bytes
 * @records: their records (truncation records included)
 * @data_records: data records
 * @restart_records: restart records
 * @client_bytes: bytes of client data in the records
 * @empty_blocks: blocks without records (containers closed early)
 * @trunc_blocks: truncation blocks
 * @epoch_lo: lowest block epoch seen (0 if no block)
 * @epoch_hi: highest block epoch seen
 * @lost_lsn: a valid block beyond the end of the log, continuing the
 *	chain past a damaged or missing one; 0 if none was found
 * @lost_blocks: valid blocks in the chain from @lost_lsn
 * @lost_records: their records
 * @streams: per stream id
 * @ents: the chain's blocks in LSN order
 * @nr_ents: how many
 * @cap_ents: room in @ents
 * @probs: problems found, in order
 * @nr_probs: how many
 * @errors: problems of severity OFF_ERROR
 * @warnings: problems of severity OFF_WARNING
 * @status: the exit status (OFF_EXIT_*)
 * @seconds: time the check took
 */
struct off_report {
	struct off_image img;
	struct off_log log;
	bool opened;
	u64 start_lsn;
	u64 end_lsn;
	int end_err;
	char end_why[OFF_WHY_BYTES];
	u64 blocks;
	u64 bytes;
	u64 records;
	u64 data_records;
	u64 restart_records;
	u64 client_bytes;
	u64 empty_blocks;
	u64 trunc_blocks;
	u32 epoch_lo;
	u32 epoch_hi;
	u64 lost_lsn;
	u64 lost_blocks;
	u64 lost_records;
	struct off_stream_rep streams[CLFS_MAX_STREAMS];
	struct off_blkent *ents;
	u32 nr_ents;
	u32 cap_ents;
	struct off_problem *probs;
	u32 nr_probs;
	u32 errors;
	u32 warnings;
	int status;
	double seconds;
};

int off_check_run(struct off_report *r, const char *path,
		  const struct off_check_opts *o);
void off_check_print(const struct off_report *r, FILE *out, FILE *err,
		     bool json);
void off_report_free(struct off_report *r);
int off_check(const char *path, const struct off_check_opts *o, bool json,
	      FILE *out, FILE *err);

/* Shared with dump.c: the metadata as text or JSON. */
struct json;
void off_print_metadata(const struct off_log *log, FILE *out);
void off_json_metadata(const struct off_log *log, struct json *j);

/* ---- dump.c ------------------------------------------------------------- */

/**
 * struct off_dump_opts - what to dump
 * @force: as for check
 * @data: hexdump every record's bytes
 * @headers: block headers only, no records
 * @metadata_only: no blocks at all
 * @stream: only blocks of this stream id, or -1 for all
 * @from: start at the block of this LSN (records before it in that block
 *	are skipped), or CLFS_LSN_NULL for the recovery start
 * @copy: use this metadata copy, or -1 for the one clfs_md_select() picks
 */
struct off_dump_opts {
	bool force;
	bool data;
	bool headers;
	bool metadata_only;
	int stream;
	u64 from;
	int copy;
};

int off_dump(const char *path, const struct off_dump_opts *o, bool json,
	     FILE *out, FILE *err);

#endif /* CLFS_OFFLINE_H */
