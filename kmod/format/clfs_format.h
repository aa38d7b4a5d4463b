/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs on-disk format: the single source of truth.
 *
 * Everything clfs stores on its block device is described here, in the
 * order it appears. All fields are little-endian and fixed width, all
 * padding is explicit, and every reserved field must be zero. The code that
 * encodes, decodes and validates these structures is clfs_format.c; it is
 * pure (see clfs_format_platform.h) and runs unchanged in the kernel and in
 * userspace tools, tests and fuzzers. The decoded, validated in-memory forms
 * and the functions the engine calls are in clfs_format_mem.h.
 *
 * Every byte read from the device is untrusted. Nothing on disk is a
 * pointer, a kernel address or an in-memory state: offsets and counts are
 * bounded by constants in this file and checked before use.
 *
 * 1. Device layout
 * ----------------
 *
 *   byte 0                  64 KiB                  128 KiB
 *   +-----------------------+-----------------------+-------------- ...
 *   | metadata copy 0       | metadata copy 1       | (gap to data_start)
 *   +-----------------------+-----------------------+-------------- ...
 *
 *   data_start_bytes
 *   +-------------+-------------+-----     -----+-------------+
 *   | slot 0      | slot 1      |      ...      | slot n-1    |
 *   +-------------+-------------+-----     -----+-------------+
 *   each slot is container_bytes long; n = nr_slots
 *
 * The device starts with CLFS_MD_COPIES metadata ("base") copies, each in a
 * CLFS_MD_COPY_BYTES region; only the first sizeof(struct clfs_md_disk)
 * bytes (rounded up to the sector size when written) are used, the rest is
 * room for later versions. Then come the physical container slots, all the
 * same size. A slot is either unused, a free container of the log, or an
 * active container mapped to a logical container id (the top 32 bits of an
 * LSN). Physical containers are recycled under ever-growing logical ids.
 *
 * 2. Metadata copies (struct clfs_md_disk, 16896 bytes)
 * -----------------------------------------------------
 *
 *   offset  size   what
 *        0   120   header: magic, crc32c, length, version, feature flags,
 *                  generation, log uuid, geometry, log flags, epoch,
 *                  recovery start, next logical container id
 *      120   128   seals (section 5)
 *      248     8   reserved
 *      256   128   management policies (struct clfs_md_policy_disk)
 *      384   128   reserved
 *      512  8192   stream table: CLFS_MAX_STREAMS x 64 bytes, indexed by
 *                  stream id (struct clfs_md_stream_disk)
 *     8704  8192   container table: CLFS_MAX_CONTAINERS x 8 bytes, indexed
 *                  by physical slot (struct clfs_md_container_disk)
 *
 * A copy is written as whole sectors: 16896 bytes (33 sectors) with
 * 512-byte sectors, 20480 with 4 KiB sectors, the tail zero. The crc32c
 * covers the first md_bytes bytes with the crc field read as zero, seeded
 * with ~0 and stored inverted (the standard CRC-32C). Each copy is
 * self-contained and fully validated whenever it is used.
 *
 * Updates: generation g is written to copy g % CLFS_MD_COPIES, one copy at
 * a time, the next generation only after the previous write completed. So
 * a crash tears at most one copy and the other is whole. The reader picks
 * the valid copy with the highest generation; a copy holding a generation
 * of the wrong parity is corrupt, and valid copies that disagree on the log
 * uuid or the fixed geometry are refused (a format that crashed half way
 * must not let the previous log's copy win).
 *
 * Versions and features: version is CLFS_MD_VERSION. A reader refuses a
 * copy with another version or with incompat feature bits it does not know
 * (-EOPNOTSUPP), opens read-only a copy with unknown ro_compat bits, and
 * ignores unknown compat bits. No feature bits are defined yet.
 *
 * 3. LSNs
 * -------
 *
 * The layout and helpers are in <uapi/linux/clfs.h>: container id in bits
 * 63..32, block byte offset (a multiple of 512) in bits 31..9, record index
 * in bits 8..0. The LSN of a block is the LSN of its record 0; record i of
 * that block is block LSN + i. Logical container ids start at
 * CLFS_CID_FIRST (1), so that no record ever has LSN 0 (CLFS_LSN_NULL), and
 * end at CLFS_LSN_CONTAINER_MAX.
 *
 * 4. Log I/O blocks (struct clfs_blk_disk, 32 bytes, then records)
 * ----------------------------------------------------------------
 *
 *   +--------+---------------------+---------------------+-----+------+
 *   | header | record 0            | record 1            | ... | 0..  |
 *   | 32 B   | 24 B hdr, data, pad | 24 B hdr, data, pad |     | pad  |
 *   +--------+---------------------+---------------------+-----+------+
 *   0                                          used_bytes ^   sector end ^
 *
 * A block starts at a sector-aligned offset inside one container and never
 * spans containers. On disk it occupies used_bytes rounded up to the log's
 * sector size; the bytes between used_bytes and the sector end are zero
 * and not covered by the crc. Records follow the header back to back, each
 * 8-byte aligned with zero padding, the last ending exactly at used_bytes;
 * a record never spans blocks and a block holds at most 512 records.
 *
 * The header crc32c covers used_bytes with the crc field read as zero. It
 * is seeded with the log's crc seed, the raw crc32c(~0) of the 16-byte log
 * uuid, so the stored value is the standard CRC-32C of uuid || block: a
 * block left on the device by an earlier log formatted there fails it
 * without costing a uuid field in every header.
 *
 * A block records its own LSN. A reader always knows the LSN of the place
 * it reads from, and a block whose LSN differs is stale: it was written
 * there under an earlier logical id of a recycled physical container.
 *
 * Blocks fill a container front to back: the block after one at offset o
 * starts at o + its on-disk length, unless the block has
 * CLFS_BLK_F_CONTAINER_END or the container is full; then the next block
 * is at offset 0 of logical container id + 1. A header-only block (no
 * records) is valid and is how a writer closes a container early.
 *
 * Truncation (set end of log) never rewrites a block: an acknowledged
 * block rewritten in place could tear. Instead a block with
 * CLFS_BLK_F_TRUNCATE is appended at the head. It holds exactly one
 * record, of type CLFS_REC_TRUNCATE, with NULL back-pointers and a
 * struct clfs_trunc_disk as its data, and says: the records of this
 * block's stream after end_lsn and before this block are gone (a hole),
 * and the stream's restart area is now restart_lsn. Readers skip holes
 * and truncation records; recovery rebuilds the holes from the blocks it
 * scans, which always include every truncation block above the stream's
 * start. Truncation records appear in no other block.
 *
 * 5. Epochs: why a block beyond the recovered end never comes back
 * -----------------------------------------------------------------
 *
 * Blocks are written concurrently and complete out of order. After a crash
 * the recovered end E is the first position without a valid block, and
 * blocks beyond E may still be on disk, valid and never acknowledged. If
 * the next session writes a shorter run of blocks from E and crashes again,
 * the scan can step from the new blocks onto one of those old ones, whose
 * LSN matches its position, and resurrect it.
 *
 * XFS avoids this by overwriting the possibly-stale window beyond the head
 * before writing (extra I/O, and the window size must be known); jbd2 by
 * expecting consecutive transaction ids and restarting the sequence past
 * the recovered one. clfs instead stamps every block with the epoch of the
 * session that wrote it, 4 bytes per block and no extra I/O:
 *
 *  - before writing its first block, a session durably writes metadata
 *    with epoch = one more than the highest epoch it has seen (in the
 *    metadata and in every block recovery scanned), and epoch_start_lsn =
 *    the position of its first block;
 *  - a block at an LSN below epoch_start_lsn must have an epoch below the
 *    metadata's, a block at or above it an epoch at least the metadata's;
 *  - along a recovery scan epochs never decrease.
 *
 * Stale blocks beyond E carry an older epoch at a position at or above the
 * new epoch_start_lsn, so they are rejected (-ESTALE) however the next
 * sessions end. "At least" rather than "equal" keeps blocks of a newer
 * session readable when the reader had to fall back to an older metadata
 * copy; the non-decreasing rule still cuts the old tail after them.
 *
 * Seals: on storage written sequentially (a zoned device: each container
 * a zone, writable only at its write pointer) the next session cannot
 * write at E when the crash left anything between E and the zone's write
 * pointer. It seals E instead: its first metadata write, the one starting
 * its epoch, lists E in seal_lsn and has epoch_start_lsn at offset 0 of
 * the next container, where it writes its first block. Every walk along
 * the chain (clfs_blk_next_lsn()) goes from a sealed position to offset 0
 * of the next container, as from a block with CLFS_BLK_F_CONTAINER_END,
 * without reading it: the position was judged empty once, for good. Seals
 * below recovery_lsn are dropped at the next session start; when all
 * CLFS_MD_SEALS are still needed, a read-write open fails (-ENOSPC).
 *
 * 6. Rules for writers (the engine keeps them; readers rely on them)
 * -----------------------------------------------------------------
 *
 *  - Metadata: one copy at a time, generation g to copy g % 2 (section 2).
 *  - A container is activated (ACTIVE with a fresh logical id, next_cid
 *    past it) by a durable metadata write before any block goes into it.
 *    next_cid only grows, so a logical id is never reused.
 *  - A physical container is freed only by a metadata write that comes
 *    after the metadata moving every stream's base and archive tail (and
 *    recovery_lsn) past it is durable.
 *  - A session starts a new epoch before its first block (section 5), and
 *    never writes the same (LSN, epoch) twice: rewriting an acknowledged
 *    block in place could tear it and lose its records.
 *  - Blocks are built with clfs_rec_encode() and clfs_blk_seal(), which
 *    check what a reader will check (back-pointers point backwards,
 *    records fill the used bytes) and zero the sector tail.
 *
 * 7. Errors
 * ---------
 *
 * The format code returns 0 or a negative errno:
 *   -EINVAL      the caller's arguments are wrong (buffer too short, an
 *                in-memory structure that does not validate for encoding)
 *   -ENODATA     no clfs structure here at all (magic mismatch: an unused
 *                area, or a device that is not a clfs log)
 *   -EUCLEAN     a clfs structure that is corrupt or torn (crc, a field out
 *                of range, overlapping or inconsistent values)
 *   -EOPNOTSUPP  a valid structure of a newer format this code does not
 *                know (version, incompat features)
 *   -ESTALE      a valid block that belongs to an earlier use of the place
 *                it was read from (LSN or epoch rule)
 *   -ENOENT      an LSN whose logical container is not mapped
 */
#ifndef _CLFS_FORMAT_H
#define _CLFS_FORMAT_H

#include "clfs_format_platform.h"
#include <linux/clfs.h>

/* ---- constants ------------------------------------------------------- */

/* "CLFSBASE" read as a little-endian u64. */
#define CLFS_MD_MAGIC			0x4553414253464c43ULL
#define CLFS_MD_VERSION			1U

#define CLFS_MD_COPIES			2U
/* Device bytes reserved for each metadata copy, from byte 0. */
#define CLFS_MD_COPY_BYTES		(64U * 1024)
/* Containers start at or after this many bytes from the device start. */
#define CLFS_MD_AREA_BYTES		(CLFS_MD_COPIES * CLFS_MD_COPY_BYTES)

/* Feature flags this code knows (none yet). */
#define CLFS_MD_COMPAT_KNOWN		0U
#define CLFS_MD_RO_COMPAT_KNOWN		0U
#define CLFS_MD_INCOMPAT_KNOWN		0U

/* log_flags: fixed when the log is created. */
#define CLFS_MD_LOG_MULTIPLEXED		(1U << 0) /* else dedicated: stream 0 */
#define CLFS_MD_LOG_ARCHIVED		(1U << 1) /* else ephemeral: no tail */
#define CLFS_MD_LOG_FLAGS_KNOWN		(CLFS_MD_LOG_MULTIPLEXED | \
					 CLFS_MD_LOG_ARCHIVED)

/* Device sector sizes the format supports, in bytes. */
#define CLFS_SECTOR_512			512U
#define CLFS_SECTOR_4K			4096U

/* Container size in bytes: a multiple of the sector size in this range. */
#define CLFS_CONTAINER_MIN_BYTES	(64ULL * 1024)
#define CLFS_CONTAINER_MAX_BYTES	(4ULL * 1024 * 1024 * 1024)

/* Stream ids are 0 .. CLFS_MAX_STREAMS - 1; a dedicated log uses only 0. */
#define CLFS_MAX_STREAMS		128U
/* Seals the metadata can hold (section 5). */
#define CLFS_MD_SEALS			16U
/* Physical container slots one log can describe. */
#define CLFS_MAX_CONTAINERS		1024U

/* Logical container ids start here, so that no record has LSN 0. */
#define CLFS_CID_FIRST			1U

/* Container slot states (clfs_md_container_disk.state). */
#define CLFS_CONT_NONE			0U /* not part of the log */
#define CLFS_CONT_FREE			1U /* in the log, holds nothing needed */
#define CLFS_CONT_ACTIVE		2U /* mapped to logical_id */

/* Stream slot states (clfs_md_stream_disk.state). */
#define CLFS_STREAM_NONE		0U /* no stream with this id */
#define CLFS_STREAM_ACTIVE		1U

/*
 * Policies (clfs_md_policy_disk.installed) are the CLFS_POLICY_* bits of
 * <uapi/linux/clfs.h>, stored as they are.
 */

/* "CLBK" read as a little-endian u32. */
#define CLFS_BLK_MAGIC			0x4b424c43U
/* Largest used length of one log I/O block, header included. */
#define CLFS_BLK_MAX_BYTES		(1U << 20)
/* Records are laid out on this alignment. */
#define CLFS_REC_ALIGN			8U

/* Block flags (clfs_blk_disk.flags). */
#define CLFS_BLK_F_CONTAINER_END	(1U << 0) /* next block: next container */
#define CLFS_BLK_F_TRUNCATE		(1U << 1) /* one truncation record */
#define CLFS_BLK_F_KNOWN		(CLFS_BLK_F_CONTAINER_END | \
					 CLFS_BLK_F_TRUNCATE)

/* Record types (clfs_rec_disk.type): CLFS's ClfsDataRecord/RestartRecord. */
#define CLFS_REC_DATA			1U
#define CLFS_REC_RESTART		2U
/* The log's own: set end of log (section 4). Never a client's record. */
#define CLFS_REC_TRUNCATE		3U

/* ---- metadata copy --------------------------------------------------- */

/**
 * struct clfs_md_policy_disk - persisted management policies
 * @installed: CLFS_POLICY_* bits; a field of a policy not installed is 0
 * @max_containers: MAX_SIZE: the log never holds more containers
 * @min_containers: MIN_SIZE: the log never shrinks below, <= max
 * @growth_containers: GROWTH_RATE: containers added per growth, or 0
 * @growth_pct: GROWTH_RATE: or percent (1..100) of the current count
 * @tail_free_pct: LOG_TAIL: free percent a tail-advance request asks for
 * @tail_free_containers: LOG_TAIL: or free containers; exactly one is set
 * @shrink_free_pct: AUTO_SHRINK: shrink when this percent (1..100) is free
 * @auto_grow: AUTO_GROW: 1 grow automatically, 0 explicitly off
 * @reserved0: zero
 * @new_container_bytes: NEW_CONTAINER_SIZE: equal to the log's
 *	container_bytes (every slot of a device has the same size)
 * @reserved: zero
 */
struct clfs_md_policy_disk {
	__le32 installed;
	__le32 max_containers;
	__le32 min_containers;
	__le32 growth_containers;
	__le32 growth_pct;
	__le32 tail_free_pct;
	__le32 tail_free_containers;
	__le32 shrink_free_pct;
	__le32 auto_grow;
	__le32 reserved0;
	__le64 new_container_bytes;
	__le64 reserved[10];
};

/**
 * struct clfs_md_stream_disk - one stream of the log (slot = stream id)
 * @state: CLFS_STREAM_*; a NONE slot is all zero
 * @reserved0: zero
 * @created_lsn: block LSN of the log head when the stream was created;
 *	blocks of this stream id below it belong to a deleted stream that
 *	had the same id and are skipped
 * @base_lsn: oldest record the clients still need, or CLFS_LSN_NULL
 * @last_lsn: youngest record as of this metadata write (truncation point),
 *	or CLFS_LSN_NULL; >= base_lsn
 * @archive_tail_lsn: oldest record not yet archived; CLFS_LSN_NULL always
 *	in an ephemeral log
 * @restart_lsn: newest restart record, or CLFS_LSN_NULL; <= last_lsn
 * @reserved: zero
 *
 * Non-NULL LSNs are valid, have a sector-aligned block offset inside a
 * container and a container id below next_cid; base and last are in
 * active containers.
 */
struct clfs_md_stream_disk {
	__le32 state;
	__le32 reserved0;
	__le64 created_lsn;
	__le64 base_lsn;
	__le64 last_lsn;
	__le64 archive_tail_lsn;
	__le64 restart_lsn;
	__le64 reserved[2];
};

/**
 * struct clfs_md_container_disk - one physical container slot
 * @logical_id: the logical container id while ACTIVE, else 0
 * @state: CLFS_CONT_*; slots at or beyond nr_slots are NONE
 * @reserved: zero
 *
 * Active logical ids are unique, contiguous and below next_cid, and at
 * least one container is active.
 */
struct clfs_md_container_disk {
	__le32 logical_id;
	__le16 state;
	__le16 reserved;
};

/**
 * struct clfs_md_disk - one metadata ("base") copy
 * @magic: CLFS_MD_MAGIC
 * @crc: crc32c of the first @md_bytes bytes, this field read as zero
 * @md_bytes: bytes covered by @crc: sizeof(struct clfs_md_disk) for
 *	version 1, at most CLFS_MD_COPY_BYTES for any version
 * @version: CLFS_MD_VERSION
 * @compat: feature bits an old reader may ignore
 * @ro_compat: feature bits an old reader may only read
 * @incompat: feature bits an old reader must refuse
 * @generation: bumped on every metadata write; lives in copy
 *	@generation % CLFS_MD_COPIES
 * @uuid: the log's identity, random, not all zero; seeds block crcs
 * @sector_bytes: CLFS_SECTOR_512 or CLFS_SECTOR_4K; every on-disk offset
 *	and length below is a multiple of it
 * @nr_slots: container slots on the device, 1..CLFS_MAX_CONTAINERS
 * @container_bytes: size of every container, a multiple of @sector_bytes
 *	in CLFS_CONTAINER_MIN_BYTES..CLFS_CONTAINER_MAX_BYTES
 * @data_start_bytes: device offset of slot 0, >= CLFS_MD_AREA_BYTES
 * @device_bytes: device size when formatted or last grown; all slots fit
 * @log_flags: CLFS_MD_LOG_*
 * @next_cid: the logical id the next container activation takes
 * @epoch: the current writing session, >= 1 (see section 5)
 * @reserved0: zero
 * @epoch_start_lsn: block LSN where the current epoch's blocks begin
 * @recovery_lsn: block LSN where recovery starts scanning; in an active
 *	container
 * @seal_lsn: seals (section 5): block positions where the chain of blocks
 *	ends and continues at offset 0 of the next container; ascending, not
 *	at offset 0, below next_cid's container; unused entries zero, after
 *	the used ones
 * @reserved1: zero
 * @policy: persisted management policies
 * @reserved2: zero
 * @streams: stream table, indexed by stream id
 * @containers: container table, indexed by physical slot
 */
struct clfs_md_disk {
	__le64 magic;
	__le32 crc;
	__le32 md_bytes;
	__le32 version;
	__le32 compat;
	__le32 ro_compat;
	__le32 incompat;
	__le64 generation;
	__u8 uuid[16];
	__le32 sector_bytes;
	__le32 nr_slots;
	__le64 container_bytes;
	__le64 data_start_bytes;
	__le64 device_bytes;
	__le32 log_flags;
	__le32 next_cid;
	__le32 epoch;
	__le32 reserved0;
	__le64 epoch_start_lsn;
	__le64 recovery_lsn;
	__le64 seal_lsn[CLFS_MD_SEALS];
	__le64 reserved1[1];
	struct clfs_md_policy_disk policy;
	__le64 reserved2[16];
	struct clfs_md_stream_disk streams[CLFS_MAX_STREAMS];
	struct clfs_md_container_disk containers[CLFS_MAX_CONTAINERS];
};

/* ---- log I/O block ---------------------------------------------------- */

/**
 * struct clfs_blk_disk - header at the start of every log I/O block
 * @magic: CLFS_BLK_MAGIC
 * @crc: crc32c of the first @used_bytes bytes (section 4)
 * @lsn: the block's own LSN: where it was written, record index 0
 * @epoch: the session that wrote it (section 5), >= 1
 * @used_bytes: header plus records, a multiple of CLFS_REC_ALIGN, at most
 *	CLFS_BLK_MAX_BYTES; the block ends inside its container
 * @stream_id: the stream all records belong to, < CLFS_MAX_STREAMS
 * @nr_records: 0..CLFS_LSN_RECORDS_PER_BLOCK
 * @flags: CLFS_BLK_F_*
 * @reserved: zero
 */
struct clfs_blk_disk {
	__le32 magic;
	__le32 crc;
	__le64 lsn;
	__le32 epoch;
	__le32 used_bytes;
	__le16 stream_id;
	__le16 nr_records;
	__le16 flags;
	__le16 reserved;
};

/**
 * struct clfs_rec_disk - header of one record inside a block
 * @data_bytes: client bytes following this header
 * @type: CLFS_REC_DATA or CLFS_REC_RESTART; CLFS_REC_TRUNCATE only as
 *	the one record of a CLFS_BLK_F_TRUNCATE block
 * @flags: zero (none defined)
 * @prev_lsn: previous record of the client's chain: CLFS_LSN_NULL,
 *	CLFS_LSN_INVALID (end of chain) or an older valid LSN of the log
 * @undo_next_lsn: ARIES undo-next pointer, same rules as @prev_lsn
 *
 * The record occupies clfs_rec_disk_bytes(@data_bytes) bytes; padding
 * after the data is zero.
 */
struct clfs_rec_disk {
	__le32 data_bytes;
	__le16 type;
	__le16 flags;
	__le64 prev_lsn;
	__le64 undo_next_lsn;
};

/**
 * struct clfs_trunc_disk - data of a CLFS_REC_TRUNCATE record (section 4)
 * @end_lsn: the stream's last record after the truncation: a valid LSN
 *	older than the truncation block
 * @restart_lsn: the stream's restart area after it: CLFS_LSN_NULL or a
 *	valid LSN not after @end_lsn
 * @reserved: zero
 */
struct clfs_trunc_disk {
	__le64 end_lsn;
	__le64 restart_lsn;
	__le64 reserved[2];
};

#define CLFS_MD_DISK_BYTES	((u32)sizeof(struct clfs_md_disk))
#define CLFS_BLK_HDR_BYTES	((u32)sizeof(struct clfs_blk_disk))
#define CLFS_REC_HDR_BYTES	((u32)sizeof(struct clfs_rec_disk))
/* Most client bytes one record can carry. */
#define CLFS_REC_DATA_MAX	(CLFS_BLK_MAX_BYTES - CLFS_BLK_HDR_BYTES - \
				 CLFS_REC_HDR_BYTES)

static_assert(sizeof(struct clfs_md_policy_disk) == 128, "policy size");
static_assert(sizeof(struct clfs_md_stream_disk) == 64, "stream size");
static_assert(sizeof(struct clfs_md_container_disk) == 8, "container size");
static_assert(offsetof(struct clfs_md_disk, seal_lsn) == 120, "md header");
static_assert(offsetof(struct clfs_md_disk, reserved1) == 248, "md seals");
static_assert(offsetof(struct clfs_md_disk, policy) == 256, "md policy");
static_assert(offsetof(struct clfs_md_disk, streams) == 512, "md streams");
static_assert(offsetof(struct clfs_md_disk, containers) == 8704,
	      "md containers");
static_assert(sizeof(struct clfs_md_disk) == 16896, "md size");
static_assert(sizeof(struct clfs_md_disk) <= CLFS_MD_COPY_BYTES,
	      "md copy fits its region");
static_assert(CLFS_MD_COPY_BYTES % CLFS_SECTOR_4K == 0, "md copy aligned");
static_assert(sizeof(struct clfs_blk_disk) == 32, "block header size");
static_assert(sizeof(struct clfs_rec_disk) == 24, "record header size");
static_assert(sizeof(struct clfs_trunc_disk) == 32, "truncation size");
static_assert(CLFS_BLK_HDR_BYTES % CLFS_REC_ALIGN == 0, "records aligned");
static_assert(CLFS_REC_HDR_BYTES % CLFS_REC_ALIGN == 0, "data aligned");

/**
 * clfs_rec_disk_bytes() - bytes a record with @data_bytes client bytes
 * occupies in a block: header, data and padding to CLFS_REC_ALIGN
 * @data_bytes: client bytes
 *
 * Return: the size, or 0 if no block can hold such a record.
 */
static inline u32 clfs_rec_disk_bytes(u32 data_bytes)
{
	if (data_bytes > CLFS_REC_DATA_MAX)
		return 0;
	return (CLFS_REC_HDR_BYTES + data_bytes + CLFS_REC_ALIGN - 1) &
	       ~(CLFS_REC_ALIGN - 1);
}

/* clfs_md_copy_offset() - device byte offset of metadata copy @copy. */
static inline u64 clfs_md_copy_offset(u32 copy)
{
	return (u64)copy * CLFS_MD_COPY_BYTES;
}

/* clfs_md_copy_of_generation() - the copy that generation @gen goes to. */
static inline u32 clfs_md_copy_of_generation(u64 gen)
{
	return (u32)(gen % CLFS_MD_COPIES);
}

#endif /* _CLFS_FORMAT_H */
