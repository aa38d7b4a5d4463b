/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs on-disk format: the decoded, validated in-memory forms and the
 * functions that convert between them and the on-disk bytes.
 *
 * Decoding never hands out a pointer into a device buffer: it fills these
 * native-endian structures after every field has been checked (the rules
 * are in clfs_format.h). Encoding runs the same checks on the in-memory
 * structure first, so clfs never writes what it would refuse to read.
 */
#ifndef _CLFS_FORMAT_MEM_H
#define _CLFS_FORMAT_MEM_H

#include "clfs_format.h"

/* See struct clfs_md_policy_disk. */
struct clfs_md_policy {
	u32 installed;
	u32 max_containers;
	u32 min_containers;
	u32 growth_containers;
	u32 growth_pct;
	u32 tail_free_pct;
	u32 tail_free_containers;
	u32 shrink_free_pct;
	u32 auto_grow;
	u64 new_container_bytes;
};

/* See struct clfs_md_stream_disk. */
struct clfs_md_stream {
	u32 state;
	u64 created_lsn;
	u64 base_lsn;
	u64 last_lsn;
	u64 archive_tail_lsn;
	u64 restart_lsn;
};

/* See struct clfs_md_container_disk. */
struct clfs_md_container {
	u32 logical_id;
	u32 state;
};

/**
 * struct clfs_md_geometry - where things are on the device; fixed at format
 * time except @nr_slots and @device_bytes, which may grow
 * @sector_bytes: CLFS_SECTOR_512 or CLFS_SECTOR_4K
 * @nr_slots: physical container slots
 * @container_bytes: size of every container
 * @data_start_bytes: device offset of slot 0
 * @device_bytes: device size the layout was made for
 */
struct clfs_md_geometry {
	u32 sector_bytes;
	u32 nr_slots;
	u64 container_bytes;
	u64 data_start_bytes;
	u64 device_bytes;
};

/**
 * struct clfs_md - one decoded metadata copy (about 15 KiB: allocate it,
 * never put it on a kernel stack)
 * @generation: metadata write counter; selects the copy it is written to
 * @compat: compat feature bits
 * @ro_compat: ro_compat feature bits; unknown ones make the log read-only
 * @incompat: incompat feature bits, all known once decoded
 * @uuid: the log's identity
 * @geo: device geometry
 * @log_flags: CLFS_MD_LOG_*
 * @next_cid: logical id the next container activation takes
 * @epoch: current writing session
 * @epoch_start_lsn: block LSN where the current epoch begins
 * @recovery_lsn: block LSN where recovery starts scanning
 * @seal_lsn: sealed block positions, ascending, unused entries 0
 * @policy: management policies
 * @streams: stream table, indexed by stream id
 * @containers: container table, indexed by physical slot
 *
 * The fields mirror struct clfs_md_disk, without magic, crc, lengths,
 * version and reserved fields; the rules are documented there. Nothing is
 * cached or derived, so an engine may edit a copy of it and hand it to
 * clfs_md_encode(), which checks it again as a whole.
 */
struct clfs_md {
	u64 generation;
	u32 compat;
	u32 ro_compat;
	u32 incompat;
	u8 uuid[16];
	struct clfs_md_geometry geo;
	u32 log_flags;
	u32 next_cid;
	u32 epoch;
	u64 epoch_start_lsn;
	u64 recovery_lsn;
	u64 seal_lsn[CLFS_MD_SEALS];
	struct clfs_md_policy policy;
	struct clfs_md_stream streams[CLFS_MAX_STREAMS];
	struct clfs_md_container containers[CLFS_MAX_CONTAINERS];
};

/**
 * struct clfs_blk - a decoded log I/O block header
 * @lsn: the block's LSN (record index 0)
 * @epoch: session that wrote it
 * @used_bytes: header plus records
 * @disk_bytes: @used_bytes rounded up to the sector size: what is on disk
 * @stream_id: owning stream
 * @nr_records: records in the block
 * @flags: CLFS_BLK_F_*
 * @trunc_end_lsn: with CLFS_BLK_F_TRUNCATE, the stream's last record
 *	after the truncation (struct clfs_trunc_disk); else 0
 * @trunc_restart_lsn: with CLFS_BLK_F_TRUNCATE, its restart area; else 0
 */
struct clfs_blk {
	u64 lsn;
	u32 epoch;
	u32 used_bytes;
	u32 disk_bytes;
	u16 stream_id;
	u16 nr_records;
	u16 flags;
	u64 trunc_end_lsn;
	u64 trunc_restart_lsn;
};

/**
 * struct clfs_rec - one validated record of a block
 * @lsn: the record's LSN (block LSN + index)
 * @prev_lsn: client's previous LSN
 * @undo_next_lsn: client's undo-next LSN
 * @data_offset: offset of the client bytes from the start of the block
 * @data_bytes: number of client bytes; they lie inside the block's used
 *	bytes
 * @type: CLFS_REC_DATA, CLFS_REC_RESTART or (in a truncation block)
 *	CLFS_REC_TRUNCATE
 */
struct clfs_rec {
	u64 lsn;
	u64 prev_lsn;
	u64 undo_next_lsn;
	u32 data_offset;
	u32 data_bytes;
	u32 type;
};

/**
 * struct clfs_rec_iter - walks the records of one block, checking each
 * @buf: the block
 * @blk_lsn: the block's LSN; record i has LSN @blk_lsn + i
 * @container_bytes: the log's container size, to check back-pointers
 * @sector_bytes: the log's sector size, likewise
 * @used_bytes: the block's used bytes: records end exactly here
 * @offset: where the next record starts
 * @index: index of the next record
 * @nr_records: records the block header announced
 * @truncate: a CLFS_BLK_F_TRUNCATE block: its records are truncation
 *	records, and only its records may be
 *
 * Set up by clfs_rec_iter_init(); the fields are private to the iterator.
 */
struct clfs_rec_iter {
	const u8 *buf;
	u64 blk_lsn;
	u64 container_bytes;
	u32 sector_bytes;
	u32 used_bytes;
	u32 offset;
	u32 index;
	u32 nr_records;
	bool truncate;
};

/* ---- crc ------------------------------------------------------------- */

u32 clfs_md_disk_crc(const void *buf, u32 md_bytes);
u32 clfs_blk_disk_crc(u32 seed, const void *buf, u32 used_bytes);
u32 clfs_log_crc_seed(const u8 uuid[16]);

/* ---- metadata -------------------------------------------------------- */

int clfs_md_format(struct clfs_md *md, const struct clfs_md_geometry *geo,
		   u32 nr_containers, u32 log_flags, const u8 uuid[16]);
int clfs_md_validate(const struct clfs_md *md);
int clfs_md_decode(const void *buf, size_t len, u64 dev_bytes,
		   struct clfs_md *md);
int clfs_md_encode(const struct clfs_md *md, void *buf, size_t len);
int clfs_md_select(const void *const bufs[CLFS_MD_COPIES], size_t len,
		   u64 dev_bytes, struct clfs_md *md, struct clfs_md *scratch,
		   int errs[CLFS_MD_COPIES]);
bool clfs_md_writable(const struct clfs_md *md);
int clfs_md_cid_to_slot(const struct clfs_md *md, u32 cid);
u64 clfs_md_slot_offset(const struct clfs_md *md, u32 slot);
int clfs_md_lsn_to_dev(const struct clfs_md *md, u64 lsn, u64 *dev_offset);
bool clfs_md_lsn_plausible(const struct clfs_md *md, u64 lsn);

/* ---- blocks and records ---------------------------------------------- */

int clfs_blk_peek(const struct clfs_md *md, u64 lsn, const void *buf,
		  size_t len);
int clfs_blk_decode(const struct clfs_md *md, u64 lsn, u32 min_epoch,
		    const void *buf, size_t len, struct clfs_blk *blk);
int clfs_blk_seal(const struct clfs_md *md, const struct clfs_blk *blk,
		  void *buf, size_t len);
int clfs_blk_seal_nocrc(const struct clfs_md *md, const struct clfs_blk *blk,
			void *buf, size_t len);
void clfs_blk_set_crc(u32 seed, void *buf, u32 used_bytes);
u64 clfs_blk_next_lsn(const struct clfs_md *md, const struct clfs_blk *blk);
u64 clfs_md_follow_seal(const struct clfs_md *md, u64 lsn);
int clfs_md_add_seal(struct clfs_md *md, u64 lsn);
int clfs_rec_encode(const struct clfs_md *md, const struct clfs_rec *rec,
		    void *dst, size_t room);
int clfs_rec_iter_init(struct clfs_rec_iter *it, const struct clfs_md *md,
		       const struct clfs_blk *blk, const void *buf, size_t len);
int clfs_rec_iter_next(struct clfs_rec_iter *it, struct clfs_rec *rec);
void clfs_trunc_encode(struct clfs_trunc_disk *td, u64 end_lsn,
		       u64 restart_lsn);

#endif /* _CLFS_FORMAT_MEM_H */
