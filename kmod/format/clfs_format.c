// SPDX-License-Identifier: GPL-2.0
/*
 * clfs on-disk format: encode, decode and validate metadata copies, log I/O
 * blocks and the records inside blocks.
 *
 * The layout and its rules are documented in clfs_format.h; this file only
 * implements them. It is pure: it compiles unchanged into clfs.ko and into
 * userspace (tests, fuzzers, tools), so it allocates nothing, sleeps never
 * and keeps little on the stack. Every device buffer is treated as hostile:
 * a field is bounds-checked before it is used as an offset, a length or an
 * index, and sums are formed in 64 bits so they cannot wrap.
 */
#include "clfs_format_mem.h"

/* ---- small helpers -------------------------------------------------- */

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static u32 round_up_u32(u32 v, u32 to)
{
	return (v + to - 1) / to * to;
}

/* Device buffers are read through struct pointers: insist on alignment. */
static bool buf_aligned(const void *buf)
{
	return !((unsigned long)buf & 7);
}

static bool is_pow2_sector(u32 s)
{
	return s == CLFS_SECTOR_512 || s == CLFS_SECTOR_4K;
}

/*
 * A byte offset of a block inside a container of this geometry: blocks
 * start on sector boundaries and begin before the container ends.
 */
static bool blk_offset_ok(const struct clfs_md_geometry *geo, u32 off)
{
	return off < geo->container_bytes && off % geo->sector_bytes == 0;
}

/*
 * An LSN that could name a record of a log with this geometry, without
 * asking which containers exist: valid, never in container 0 (ids start at
 * CLFS_CID_FIRST) and a block offset the geometry allows.
 */
static bool lsn_fits_geometry(const struct clfs_md_geometry *geo, u64 lsn)
{
	return clfs_lsn_is_valid(lsn) &&
	       clfs_lsn_container(lsn) >= CLFS_CID_FIRST &&
	       blk_offset_ok(geo, clfs_lsn_block_offset(lsn));
}

/*
 * A client back-pointer (previous or undo-next LSN) of the record at @lsn:
 * "none" (NULL or INVALID, CLFS ends chains with INVALID), or an older
 * record. Pointing backwards only is what makes every chain walk finite.
 */
static bool back_lsn_ok(const struct clfs_md_geometry *geo, u64 back, u64 lsn)
{
	if (back == CLFS_LSN_NULL || back == CLFS_LSN_INVALID)
		return true;
	return lsn_fits_geometry(geo, back) && back < lsn;
}

/* ---- crc ------------------------------------------------------------ */

/*
 * crc32c of @len bytes of @buf with the 4-byte crc field at @hole read as
 * zero, so that device buffers are never modified to verify them.
 */
static u32 crc_with_hole(u32 seed, const u8 *buf, u32 len, u32 hole)
{
	static const u8 zero[4];
	u32 crc;

	crc = clfs_crc32c(seed, buf, hole);
	crc = clfs_crc32c(crc, zero, sizeof(zero));
	return clfs_crc32c(crc, buf + hole + sizeof(zero),
			   len - hole - sizeof(zero));
}

/**
 * clfs_md_disk_crc() - the crc a metadata copy must store
 * @buf: the copy, at least @md_bytes long
 * @md_bytes: bytes covered, at least 16 (magic, crc and md_bytes)
 *
 * Return: the standard CRC-32C of the first @md_bytes bytes with the crc
 * field read as zero.
 */
u32 clfs_md_disk_crc(const void *buf, u32 md_bytes)
{
	return ~crc_with_hole(~0U, buf, md_bytes,
			      offsetof(struct clfs_md_disk, crc));
}
CLFS_FORMAT_EXPORT(clfs_md_disk_crc);

/**
 * clfs_log_crc_seed() - the seed of every block crc of a log
 * @uuid: the log's uuid
 *
 * Return: the raw (uninverted) crc32c state after the uuid, so that a
 * block crc is the CRC-32C of uuid || block.
 */
u32 clfs_log_crc_seed(const u8 uuid[16])
{
	return clfs_crc32c(~0U, uuid, 16);
}
CLFS_FORMAT_EXPORT(clfs_log_crc_seed);

/**
 * clfs_blk_disk_crc() - the crc a log I/O block must store
 * @seed: clfs_log_crc_seed() of the log
 * @buf: the block, at least @used_bytes long
 * @used_bytes: bytes covered, at least CLFS_BLK_HDR_BYTES
 *
 * Return: the crc over @used_bytes with the crc field read as zero.
 */
u32 clfs_blk_disk_crc(u32 seed, const void *buf, u32 used_bytes)
{
	return ~crc_with_hole(seed, buf, used_bytes,
			      offsetof(struct clfs_blk_disk, crc));
}
CLFS_FORMAT_EXPORT(clfs_blk_disk_crc);

/* ---- metadata: validation of the in-memory form -------------------- */

static bool geometry_ok(const struct clfs_md_geometry *geo)
{
	u64 slots_bytes;

	if (!is_pow2_sector(geo->sector_bytes))
		return false;
	if (geo->container_bytes < CLFS_CONTAINER_MIN_BYTES ||
	    geo->container_bytes > CLFS_CONTAINER_MAX_BYTES ||
	    geo->container_bytes % geo->sector_bytes)
		return false;
	if (geo->nr_slots < 1 || geo->nr_slots > CLFS_MAX_CONTAINERS)
		return false;
	if (geo->data_start_bytes < CLFS_MD_AREA_BYTES ||
	    geo->data_start_bytes % geo->sector_bytes ||
	    geo->data_start_bytes > geo->device_bytes)
		return false;
	/* At most 2^10 slots of 2^32 bytes: no overflow. */
	slots_bytes = (u64)geo->nr_slots * geo->container_bytes;
	return slots_bytes <= geo->device_bytes - geo->data_start_bytes;
}

/* Exactly one of two alternatives is set, and it is in range. */
static bool one_of(u32 a, u32 a_max, u32 b, u32 b_max)
{
	if (!a == !b)
		return false;
	return a <= a_max && b <= b_max;
}

static bool policy_ok(const struct clfs_md_policy *p,
		      const struct clfs_md_geometry *geo)
{
	u32 on = p->installed;

	if (on & ~CLFS_POLICY_ALL)
		return false;
	/* A policy that is not installed has no parameters. */
	if (!(on & CLFS_POLICY_MAX_SIZE) && p->max_containers)
		return false;
	if (!(on & CLFS_POLICY_MIN_SIZE) && p->min_containers)
		return false;
	if (!(on & CLFS_POLICY_NEW_CONTAINER_SIZE) && p->new_container_bytes)
		return false;
	if (!(on & CLFS_POLICY_GROWTH_RATE) &&
	    (p->growth_containers || p->growth_pct))
		return false;
	if (!(on & CLFS_POLICY_LOG_TAIL) &&
	    (p->tail_free_pct || p->tail_free_containers))
		return false;
	if (!(on & CLFS_POLICY_AUTO_SHRINK) && p->shrink_free_pct)
		return false;
	if (!(on & CLFS_POLICY_AUTO_GROW) && p->auto_grow)
		return false;

	if ((on & CLFS_POLICY_MAX_SIZE) &&
	    (p->max_containers < 1 || p->max_containers > CLFS_MAX_CONTAINERS))
		return false;
	if ((on & CLFS_POLICY_MIN_SIZE) &&
	    (p->min_containers < 1 || p->min_containers > CLFS_MAX_CONTAINERS))
		return false;
	if ((on & CLFS_POLICY_MAX_SIZE) && (on & CLFS_POLICY_MIN_SIZE) &&
	    p->min_containers > p->max_containers)
		return false;
	if ((on & CLFS_POLICY_NEW_CONTAINER_SIZE) &&
	    p->new_container_bytes != geo->container_bytes)
		return false;
	if ((on & CLFS_POLICY_GROWTH_RATE) &&
	    !one_of(p->growth_containers, CLFS_MAX_CONTAINERS,
		    p->growth_pct, 100))
		return false;
	if ((on & CLFS_POLICY_LOG_TAIL) &&
	    !one_of(p->tail_free_pct, 100,
		    p->tail_free_containers, CLFS_MAX_CONTAINERS))
		return false;
	if ((on & CLFS_POLICY_AUTO_SHRINK) &&
	    (p->shrink_free_pct < 1 || p->shrink_free_pct > 100))
		return false;
	return p->auto_grow <= 1;
}

/*
 * The container table: slots past nr_slots are unused, only active slots
 * carry a logical id, and the active ids are unique and contiguous (the
 * log's containers from tail to head) and below next_cid. Returns the
 * active id range in *@lo..*@hi.
 */
static bool containers_ok(const struct clfs_md *md, u32 *lo, u32 *hi)
{
	u64 seen[CLFS_MAX_CONTAINERS / 64] = { 0 };
	u32 i, nr_active = 0;

	*lo = U32_MAX;
	*hi = 0;
	for (i = 0; i < CLFS_MAX_CONTAINERS; i++) {
		const struct clfs_md_container *c = &md->containers[i];

		if (i >= md->geo.nr_slots) {
			if (c->state != CLFS_CONT_NONE || c->logical_id)
				return false;
			continue;
		}
		switch (c->state) {
		case CLFS_CONT_NONE:
		case CLFS_CONT_FREE:
			if (c->logical_id)
				return false;
			break;
		case CLFS_CONT_ACTIVE:
			if (c->logical_id < CLFS_CID_FIRST ||
			    c->logical_id >= md->next_cid)
				return false;
			if (c->logical_id < *lo)
				*lo = c->logical_id;
			if (c->logical_id > *hi)
				*hi = c->logical_id;
			nr_active++;
			break;
		default:
			return false;
		}
	}
	if (!nr_active || *hi - *lo + 1 != nr_active)
		return false;

	/* As many ids as the range is wide: unique means all present. */
	for (i = 0; i < md->geo.nr_slots; i++) {
		const struct clfs_md_container *c = &md->containers[i];
		u32 bit;

		if (c->state != CLFS_CONT_ACTIVE)
			continue;
		bit = c->logical_id - *lo;
		if (seen[bit / 64] & (1ULL << (bit % 64)))
			return false;
		seen[bit / 64] |= 1ULL << (bit % 64);
	}
	return true;
}

/*
 * A block position recorded in the metadata (recovery start, epoch start,
 * stream creation): record index 0, and either inside a container that has
 * had an id, or offset 0 of the next one to be activated.
 */
static bool md_pos_ok(const struct clfs_md *md, u64 lsn)
{
	u32 cid = clfs_lsn_container(lsn);

	if (!lsn_fits_geometry(&md->geo, lsn) || clfs_lsn_record_index(lsn))
		return false;
	if (cid < md->next_cid)
		return true;
	return cid == md->next_cid && clfs_lsn_block_offset(lsn) == 0;
}

/*
 * A record LSN recorded in the metadata: a container id already handed
 * out, and, if @lo/@hi are given, a container that is still active.
 */
static bool md_rec_lsn_ok(const struct clfs_md *md, u64 lsn, u32 lo, u32 hi)
{
	u32 cid = clfs_lsn_container(lsn);

	if (!lsn_fits_geometry(&md->geo, lsn) || cid >= md->next_cid)
		return false;
	return cid >= lo && cid <= hi;
}

static bool stream_ok(const struct clfs_md *md, u32 id, u32 lo, u32 hi)
{
	const struct clfs_md_stream *s = &md->streams[id];
	const u64 null = CLFS_LSN_NULL;	/* keeps the tests below readable */

	if (s->state == CLFS_STREAM_NONE)
		return !s->created_lsn && !s->base_lsn && !s->last_lsn &&
		       !s->archive_tail_lsn && !s->restart_lsn;
	if (s->state != CLFS_STREAM_ACTIVE)
		return false;
	/* A dedicated log has exactly stream 0. */
	if (id && !(md->log_flags & CLFS_MD_LOG_MULTIPLEXED))
		return false;

	if (!md_pos_ok(md, s->created_lsn))
		return false;
	if (s->base_lsn != null &&
	    (!md_rec_lsn_ok(md, s->base_lsn, lo, hi) ||
	     s->base_lsn < s->created_lsn))
		return false;
	if (s->last_lsn != null &&
	    (!md_rec_lsn_ok(md, s->last_lsn, lo, hi) ||
	     s->last_lsn < s->created_lsn))
		return false;
	if (s->base_lsn != null && s->last_lsn != null &&
	    s->base_lsn > s->last_lsn)
		return false;
	/* The restart record is a record of the stream, at or before last. */
	if (s->restart_lsn != null &&
	    (!md_rec_lsn_ok(md, s->restart_lsn, 0, U32_MAX) ||
	     s->last_lsn == null || s->restart_lsn > s->last_lsn ||
	     s->restart_lsn < s->created_lsn))
		return false;
	if (s->archive_tail_lsn != null &&
	    (!(md->log_flags & CLFS_MD_LOG_ARCHIVED) ||
	     !md_rec_lsn_ok(md, s->archive_tail_lsn, 0, U32_MAX)))
		return false;
	return true;
}

/*
 * Seals: in use from the front, ascending, each a block position inside a
 * container that has had an id, never offset 0 (a container never written
 * needs no seal: its first block position is simply empty).
 */
static bool seals_ok(const struct clfs_md *md)
{
	bool unused = false;
	u64 prev = 0;
	u32 i;

	for (i = 0; i < CLFS_MD_SEALS; i++) {
		u64 lsn = md->seal_lsn[i];

		if (!lsn) {
			unused = true;
			continue;
		}
		if (unused || lsn <= prev || !md_pos_ok(md, lsn) ||
		    !clfs_lsn_block_offset(lsn) ||
		    clfs_lsn_container(lsn) >= md->next_cid)
			return false;
		prev = lsn;
	}
	return true;
}

static int md_check(const struct clfs_md *md)
{
	static const u8 zero_uuid[16];
	u32 lo, hi, i;

	if (md->incompat & ~CLFS_MD_INCOMPAT_KNOWN)
		return -EOPNOTSUPP;
	if (!memcmp(md->uuid, zero_uuid, sizeof(zero_uuid)))
		return -EUCLEAN;
	if (!geometry_ok(&md->geo))
		return -EUCLEAN;
	if (md->log_flags & ~CLFS_MD_LOG_FLAGS_KNOWN)
		return -EUCLEAN;
	if (md->next_cid <= CLFS_CID_FIRST || !md->epoch)
		return -EUCLEAN;
	if (!policy_ok(&md->policy, &md->geo))
		return -EUCLEAN;
	if (!containers_ok(md, &lo, &hi))
		return -EUCLEAN;
	/* Recovery starts in a container the log still has. */
	if (!md_pos_ok(md, md->recovery_lsn) ||
	    !md_rec_lsn_ok(md, md->recovery_lsn, lo, hi))
		return -EUCLEAN;
	if (!md_pos_ok(md, md->epoch_start_lsn))
		return -EUCLEAN;
	if (!seals_ok(md))
		return -EUCLEAN;
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		if (!stream_ok(md, i, lo, hi))
			return -EUCLEAN;
	return 0;
}

/**
 * clfs_md_validate() - check a decoded or hand-built metadata structure
 * @md: the structure
 *
 * Applies every rule of clfs_format.h that does not depend on the encoding
 * (clfs_md_decode() adds magic, crc, version, length and reserved fields).
 *
 * Return: 0, -EOPNOTSUPP for unknown incompat features, -EUCLEAN for any
 * broken rule.
 */
int clfs_md_validate(const struct clfs_md *md)
{
	return md_check(md);
}
CLFS_FORMAT_EXPORT(clfs_md_validate);

/**
 * clfs_md_writable() - may this code write a log described by @md?
 * @md: a validated metadata structure
 *
 * Return: false if @md has ro_compat features this code does not know: the
 * log may then be read but never written.
 */
bool clfs_md_writable(const struct clfs_md *md)
{
	return !(md->ro_compat & ~CLFS_MD_RO_COMPAT_KNOWN);
}
CLFS_FORMAT_EXPORT(clfs_md_writable);

/* ---- metadata: creation, decode, encode, choice of copy ------------- */

/**
 * clfs_md_format() - describe a freshly formatted log
 * @md: filled in; the whole structure is overwritten
 * @geo: device geometry; checked
 * @nr_containers: containers the log starts with, 1..@geo->nr_slots; they
 *	take slots 0.., the first is active as logical container
 *	CLFS_CID_FIRST and the rest are free
 * @log_flags: CLFS_MD_LOG_*
 * @uuid: the new log's uuid, random and not all zero
 *
 * The result has generation 0 and epoch 1, starts recovery at the first
 * container's offset 0 and, for a dedicated log, has stream 0 active. The
 * formatter writes it to every copy (generation 0 then 1, see
 * clfs_md_copy_of_generation()) after wiping any older copies.
 *
 * Return: 0, or -EINVAL if the parameters do not make a valid log.
 */
int clfs_md_format(struct clfs_md *md, const struct clfs_md_geometry *geo,
		   u32 nr_containers, u32 log_flags, const u8 uuid[16])
{
	u64 start = clfs_lsn_make(CLFS_CID_FIRST, 0, 0);
	struct clfs_md_geometry g;
	u8 id[16];
	u32 i;

	if (!md || !geo || !uuid)
		return -EINVAL;
	/* @geo and @uuid may point into @md, which is wiped first. */
	g = *geo;
	memcpy(id, uuid, sizeof(id));
	memset(md, 0, sizeof(*md));
	if (nr_containers < 1 || nr_containers > g.nr_slots ||
	    nr_containers > CLFS_MAX_CONTAINERS)
		return -EINVAL;
	memcpy(md->uuid, id, sizeof(md->uuid));
	md->geo = g;
	md->log_flags = log_flags;
	md->epoch = 1;
	md->next_cid = CLFS_CID_FIRST + 1;
	md->recovery_lsn = start;
	md->epoch_start_lsn = start;
	for (i = 0; i < nr_containers; i++)
		md->containers[i].state = CLFS_CONT_FREE;
	md->containers[0].state = CLFS_CONT_ACTIVE;
	md->containers[0].logical_id = CLFS_CID_FIRST;
	if (!(log_flags & CLFS_MD_LOG_MULTIPLEXED)) {
		md->streams[0].state = CLFS_STREAM_ACTIVE;
		md->streams[0].created_lsn = start;
	}
	if (md_check(md)) {
		memset(md, 0, sizeof(*md));
		return -EINVAL;
	}
	return 0;
}
CLFS_FORMAT_EXPORT(clfs_md_format);

static bool md_reserved_zero(const struct clfs_md_disk *d)
{
	u32 i;

	if (d->reserved0 || !all_zero(d->reserved1, sizeof(d->reserved1)) ||
	    !all_zero(d->reserved2, sizeof(d->reserved2)) ||
	    d->policy.reserved0 ||
	    !all_zero(d->policy.reserved, sizeof(d->policy.reserved)))
		return false;
	for (i = 0; i < CLFS_MAX_STREAMS; i++)
		if (d->streams[i].reserved0 ||
		    !all_zero(d->streams[i].reserved,
			      sizeof(d->streams[i].reserved)))
			return false;
	for (i = 0; i < CLFS_MAX_CONTAINERS; i++)
		if (d->containers[i].reserved)
			return false;
	return true;
}

static void md_from_disk(struct clfs_md *md, const struct clfs_md_disk *d)
{
	const struct clfs_md_policy_disk *pd = &d->policy;
	struct clfs_md_policy *p = &md->policy;
	u32 i;

	md->generation = le64_to_cpu(d->generation);
	md->compat = le32_to_cpu(d->compat);
	md->ro_compat = le32_to_cpu(d->ro_compat);
	md->incompat = le32_to_cpu(d->incompat);
	memcpy(md->uuid, d->uuid, sizeof(md->uuid));
	md->geo.sector_bytes = le32_to_cpu(d->sector_bytes);
	md->geo.nr_slots = le32_to_cpu(d->nr_slots);
	md->geo.container_bytes = le64_to_cpu(d->container_bytes);
	md->geo.data_start_bytes = le64_to_cpu(d->data_start_bytes);
	md->geo.device_bytes = le64_to_cpu(d->device_bytes);
	md->log_flags = le32_to_cpu(d->log_flags);
	md->next_cid = le32_to_cpu(d->next_cid);
	md->epoch = le32_to_cpu(d->epoch);
	md->epoch_start_lsn = le64_to_cpu(d->epoch_start_lsn);
	md->recovery_lsn = le64_to_cpu(d->recovery_lsn);
	for (i = 0; i < CLFS_MD_SEALS; i++)
		md->seal_lsn[i] = le64_to_cpu(d->seal_lsn[i]);

	p->installed = le32_to_cpu(pd->installed);
	p->max_containers = le32_to_cpu(pd->max_containers);
	p->min_containers = le32_to_cpu(pd->min_containers);
	p->growth_containers = le32_to_cpu(pd->growth_containers);
	p->growth_pct = le32_to_cpu(pd->growth_pct);
	p->tail_free_pct = le32_to_cpu(pd->tail_free_pct);
	p->tail_free_containers = le32_to_cpu(pd->tail_free_containers);
	p->shrink_free_pct = le32_to_cpu(pd->shrink_free_pct);
	p->auto_grow = le32_to_cpu(pd->auto_grow);
	p->new_container_bytes = le64_to_cpu(pd->new_container_bytes);

	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		const struct clfs_md_stream_disk *sd = &d->streams[i];
		struct clfs_md_stream *s = &md->streams[i];

		s->state = le32_to_cpu(sd->state);
		s->created_lsn = le64_to_cpu(sd->created_lsn);
		s->base_lsn = le64_to_cpu(sd->base_lsn);
		s->last_lsn = le64_to_cpu(sd->last_lsn);
		s->archive_tail_lsn = le64_to_cpu(sd->archive_tail_lsn);
		s->restart_lsn = le64_to_cpu(sd->restart_lsn);
	}
	for (i = 0; i < CLFS_MAX_CONTAINERS; i++) {
		md->containers[i].logical_id =
			le32_to_cpu(d->containers[i].logical_id);
		md->containers[i].state = le16_to_cpu(d->containers[i].state);
	}
}

/* Fills everything but crc; the caller zeroed @d. */
static void md_to_disk(struct clfs_md_disk *d, const struct clfs_md *md)
{
	const struct clfs_md_policy *p = &md->policy;
	struct clfs_md_policy_disk *pd = &d->policy;
	u32 i;

	d->magic = cpu_to_le64(CLFS_MD_MAGIC);
	d->md_bytes = cpu_to_le32(CLFS_MD_DISK_BYTES);
	d->version = cpu_to_le32(CLFS_MD_VERSION);
	d->compat = cpu_to_le32(md->compat);
	d->ro_compat = cpu_to_le32(md->ro_compat);
	d->incompat = cpu_to_le32(md->incompat);
	d->generation = cpu_to_le64(md->generation);
	memcpy(d->uuid, md->uuid, sizeof(d->uuid));
	d->sector_bytes = cpu_to_le32(md->geo.sector_bytes);
	d->nr_slots = cpu_to_le32(md->geo.nr_slots);
	d->container_bytes = cpu_to_le64(md->geo.container_bytes);
	d->data_start_bytes = cpu_to_le64(md->geo.data_start_bytes);
	d->device_bytes = cpu_to_le64(md->geo.device_bytes);
	d->log_flags = cpu_to_le32(md->log_flags);
	d->next_cid = cpu_to_le32(md->next_cid);
	d->epoch = cpu_to_le32(md->epoch);
	d->epoch_start_lsn = cpu_to_le64(md->epoch_start_lsn);
	d->recovery_lsn = cpu_to_le64(md->recovery_lsn);
	for (i = 0; i < CLFS_MD_SEALS; i++)
		d->seal_lsn[i] = cpu_to_le64(md->seal_lsn[i]);

	pd->installed = cpu_to_le32(p->installed);
	pd->max_containers = cpu_to_le32(p->max_containers);
	pd->min_containers = cpu_to_le32(p->min_containers);
	pd->growth_containers = cpu_to_le32(p->growth_containers);
	pd->growth_pct = cpu_to_le32(p->growth_pct);
	pd->tail_free_pct = cpu_to_le32(p->tail_free_pct);
	pd->tail_free_containers = cpu_to_le32(p->tail_free_containers);
	pd->shrink_free_pct = cpu_to_le32(p->shrink_free_pct);
	pd->auto_grow = cpu_to_le32(p->auto_grow);
	pd->new_container_bytes = cpu_to_le64(p->new_container_bytes);

	for (i = 0; i < CLFS_MAX_STREAMS; i++) {
		const struct clfs_md_stream *s = &md->streams[i];
		struct clfs_md_stream_disk *sd = &d->streams[i];

		sd->state = cpu_to_le32(s->state);
		sd->created_lsn = cpu_to_le64(s->created_lsn);
		sd->base_lsn = cpu_to_le64(s->base_lsn);
		sd->last_lsn = cpu_to_le64(s->last_lsn);
		sd->archive_tail_lsn = cpu_to_le64(s->archive_tail_lsn);
		sd->restart_lsn = cpu_to_le64(s->restart_lsn);
	}
	for (i = 0; i < CLFS_MAX_CONTAINERS; i++) {
		d->containers[i].logical_id =
			cpu_to_le32(md->containers[i].logical_id);
		d->containers[i].state =
			cpu_to_le16((u16)md->containers[i].state);
	}
}

static int md_decode(const void *buf, u64 dev_bytes, struct clfs_md *md)
{
	const struct clfs_md_disk *d = buf;
	u32 md_bytes;
	int err;

	if (le64_to_cpu(d->magic) != CLFS_MD_MAGIC)
		return -ENODATA;
	/*
	 * Verify the crc over the length the copy claims before trusting any
	 * other field. Every version keeps the 256-byte header, and no copy
	 * outgrows its region, so a newer version still reads as
	 * "unsupported" below and a damaged copy as "corrupt".
	 */
	md_bytes = le32_to_cpu(d->md_bytes);
	if (md_bytes < offsetof(struct clfs_md_disk, policy) ||
	    md_bytes > CLFS_MD_COPY_BYTES || md_bytes % 8)
		return -EUCLEAN;
	if (le32_to_cpu(d->crc) != clfs_md_disk_crc(buf, md_bytes))
		return -EUCLEAN;
	if (le32_to_cpu(d->version) != CLFS_MD_VERSION ||
	    le32_to_cpu(d->incompat) & ~CLFS_MD_INCOMPAT_KNOWN)
		return -EOPNOTSUPP;
	if (md_bytes != CLFS_MD_DISK_BYTES || !md_reserved_zero(d))
		return -EUCLEAN;

	md_from_disk(md, d);
	err = md_check(md);
	if (err)
		return err;
	/* The device shrank below the layout: slots would lie beyond it. */
	if (md->geo.device_bytes > dev_bytes)
		return -EUCLEAN;
	return 0;
}

/**
 * clfs_md_decode() - decode and fully validate one metadata copy
 * @buf: the copy's whole region as read from the device, 8-byte aligned
 * @len: bytes in @buf, at least CLFS_MD_COPY_BYTES
 * @dev_bytes: the device's current size; the layout must fit in it
 * @md: filled in on success, zeroed on failure
 *
 * Return: 0; -EINVAL for bad arguments; -ENODATA if @buf holds no clfs
 * metadata (magic); -EOPNOTSUPP for a newer version or unknown incompat
 * features; -EUCLEAN if the copy is torn or breaks any rule.
 */
int clfs_md_decode(const void *buf, size_t len, u64 dev_bytes,
		   struct clfs_md *md)
{
	int err;

	if (!buf || !md || !buf_aligned(buf))
		return -EINVAL;
	err = len < CLFS_MD_COPY_BYTES ? -EINVAL :
					 md_decode(buf, dev_bytes, md);
	if (err)
		memset(md, 0, sizeof(*md));
	return err;
}
CLFS_FORMAT_EXPORT(clfs_md_decode);

/**
 * clfs_md_encode() - encode a metadata copy for writing
 * @md: the metadata; validated first, exactly as a reader would
 * @buf: output, 8-byte aligned
 * @len: bytes in @buf
 *
 * Writes the copy, zero-padded to a whole number of sectors. The caller
 * writes the result at clfs_md_copy_offset(clfs_md_copy_of_generation(
 * @md->generation)).
 *
 * Return: bytes to write, or -EINVAL if @md does not validate, has
 * ro_compat features this code does not know, or @buf is too short.
 */
int clfs_md_encode(const struct clfs_md *md, void *buf, size_t len)
{
	u32 n;

	if (!md || !buf || !buf_aligned(buf))
		return -EINVAL;
	if (md_check(md) || !clfs_md_writable(md))
		return -EINVAL;
	n = round_up_u32(CLFS_MD_DISK_BYTES, md->geo.sector_bytes);
	if (len < n)
		return -EINVAL;
	memset(buf, 0, n);
	md_to_disk(buf, md);
	((struct clfs_md_disk *)buf)->crc =
		cpu_to_le32(clfs_md_disk_crc(buf, CLFS_MD_DISK_BYTES));
	return n;
}
CLFS_FORMAT_EXPORT(clfs_md_encode);

/* Two valid copies of one log agree on what never changes after format. */
static bool md_same_log(const struct clfs_md *a, const struct clfs_md *b)
{
	return !memcmp(a->uuid, b->uuid, sizeof(a->uuid)) &&
	       a->geo.sector_bytes == b->geo.sector_bytes &&
	       a->geo.container_bytes == b->geo.container_bytes &&
	       a->geo.data_start_bytes == b->geo.data_start_bytes &&
	       a->log_flags == b->log_flags;
}

/**
 * clfs_md_select() - pick the metadata copy to use
 * @bufs: the copies' regions, in copy order, each 8-byte aligned
 * @len: bytes in each buffer, at least CLFS_MD_COPY_BYTES
 * @dev_bytes: the device's current size
 * @md: receives the chosen copy, zeroed on failure
 * @scratch: room to decode the other copies into (clobbered)
 * @errs: if not NULL, receives each copy's clfs_md_decode() result, or
 *	-EUCLEAN for a copy holding a generation that belongs in another
 *
 * Every copy is decoded and validated on its own; the valid copy with the
 * highest generation wins, so a torn newest copy falls back to the older
 * one, which is just as fully checked.
 *
 * Return: the index of the chosen copy; -EINVAL for bad arguments;
 * -EUCLEAN if valid copies belong to different logs or none is valid;
 * -EOPNOTSUPP if none is valid and one is of a newer format; -ENODATA if
 * no copy holds clfs metadata at all.
 */
int clfs_md_select(const void *const bufs[CLFS_MD_COPIES], size_t len,
		   u64 dev_bytes, struct clfs_md *md, struct clfs_md *scratch,
		   int errs[CLFS_MD_COPIES])
{
	int best = -1, nodata = 0, unsupported = 0;
	u32 i;

	if (!bufs || !md || !scratch || md == scratch)
		return -EINVAL;
	for (i = 0; i < CLFS_MD_COPIES; i++) {
		struct clfs_md *cand = best < 0 ? md : scratch;
		int err = clfs_md_decode(bufs[i], len, dev_bytes, cand);

		if (err == -EINVAL) {
			memset(md, 0, sizeof(*md));
			return err;
		}
		if (!err && clfs_md_copy_of_generation(cand->generation) != i)
			err = -EUCLEAN;
		if (errs)
			errs[i] = err;
		if (err == -ENODATA)
			nodata++;
		if (err == -EOPNOTSUPP)
			unsupported++;
		if (err)
			continue;
		if (best < 0) {
			best = i;
			continue;
		}
		if (!md_same_log(md, scratch)) {
			memset(md, 0, sizeof(*md));
			return -EUCLEAN;
		}
		if (scratch->generation > md->generation) {
			memcpy(md, scratch, sizeof(*md));
			best = i;
		}
	}
	if (best >= 0)
		return best;
	memset(md, 0, sizeof(*md));
	if (nodata == CLFS_MD_COPIES)
		return -ENODATA;
	return unsupported ? -EOPNOTSUPP : -EUCLEAN;
}
CLFS_FORMAT_EXPORT(clfs_md_select);

/* ---- metadata: lookups ---------------------------------------------- */

/**
 * clfs_md_cid_to_slot() - physical slot of a logical container
 * @md: validated metadata
 * @cid: logical container id
 *
 * Return: the slot, or -ENOENT if no active container has that id.
 */
int clfs_md_cid_to_slot(const struct clfs_md *md, u32 cid)
{
	u32 i;

	if (cid < CLFS_CID_FIRST)
		return -ENOENT;
	for (i = 0; i < md->geo.nr_slots && i < CLFS_MAX_CONTAINERS; i++)
		if (md->containers[i].state == CLFS_CONT_ACTIVE &&
		    md->containers[i].logical_id == cid)
			return i;
	return -ENOENT;
}
CLFS_FORMAT_EXPORT(clfs_md_cid_to_slot);

/**
 * clfs_md_lsn_plausible() - could @lsn name a record of this log?
 * @md: validated metadata
 * @lsn: any value, e.g. from a client
 *
 * A first check for LSNs crossing an API boundary: valid, in a logical
 * container id already handed out, at a sector-aligned block offset inside
 * a container. Whether a record really is there only a read can tell.
 *
 * Return: true if plausible.
 */
bool clfs_md_lsn_plausible(const struct clfs_md *md, u64 lsn)
{
	return md_rec_lsn_ok(md, lsn, 0, U32_MAX);
}
CLFS_FORMAT_EXPORT(clfs_md_lsn_plausible);

/**
 * clfs_md_slot_offset() - device byte offset of a container slot
 * @md: validated metadata
 * @slot: a physical slot, below @md->geo.nr_slots
 *
 * Return: where the slot's container starts on the device.
 */
u64 clfs_md_slot_offset(const struct clfs_md *md, u32 slot)
{
	return md->geo.data_start_bytes + (u64)slot * md->geo.container_bytes;
}
CLFS_FORMAT_EXPORT(clfs_md_slot_offset);

/**
 * clfs_md_lsn_to_dev() - device byte offset of the block holding @lsn
 * @md: validated metadata
 * @lsn: a record or block LSN
 * @dev_offset: receives the offset on success
 *
 * Return: 0; -EINVAL if @lsn cannot be in this log's geometry; -ENOENT if
 * its logical container is not mapped.
 */
int clfs_md_lsn_to_dev(const struct clfs_md *md, u64 lsn, u64 *dev_offset)
{
	int slot;

	if (!lsn_fits_geometry(&md->geo, lsn))
		return -EINVAL;
	slot = clfs_md_cid_to_slot(md, clfs_lsn_container(lsn));
	if (slot < 0)
		return slot;
	*dev_offset = clfs_md_slot_offset(md, slot) +
		      clfs_lsn_block_offset(lsn);
	return 0;
}
CLFS_FORMAT_EXPORT(clfs_md_lsn_to_dev);

/* ---- records -------------------------------------------------------- */

static void rec_iter_setup(struct clfs_rec_iter *it,
			   const struct clfs_md_geometry *geo, u64 blk_lsn,
			   const void *buf, u32 used_bytes, u32 nr_records,
			   u32 blk_flags)
{
	it->truncate = blk_flags & CLFS_BLK_F_TRUNCATE;
	it->buf = buf;
	it->blk_lsn = blk_lsn;
	it->container_bytes = geo->container_bytes;
	it->sector_bytes = geo->sector_bytes;
	it->used_bytes = used_bytes;
	it->offset = CLFS_BLK_HDR_BYTES;
	it->index = 0;
	it->nr_records = nr_records;
}

/* Truncation records live alone in truncation blocks (section 4). */
static bool rec_type_ok(u32 type, bool truncate_blk)
{
	if (truncate_blk)
		return type == CLFS_REC_TRUNCATE;
	return type == CLFS_REC_DATA || type == CLFS_REC_RESTART;
}

/**
 * clfs_rec_iter_init() - start walking the records of a decoded block
 * @it: the iterator
 * @md: the log's metadata
 * @blk: the block, as returned by clfs_blk_decode() for @buf
 * @buf: the block's bytes, 8-byte aligned
 * @len: bytes in @buf, at least @blk->used_bytes
 *
 * Return: 0, or -EINVAL if @blk does not fit @buf.
 */
int clfs_rec_iter_init(struct clfs_rec_iter *it, const struct clfs_md *md,
		       const struct clfs_blk *blk, const void *buf, size_t len)
{
	if (!it || !md || !blk || !buf || !buf_aligned(buf) ||
	    blk->used_bytes < CLFS_BLK_HDR_BYTES ||
	    blk->used_bytes > CLFS_BLK_MAX_BYTES || blk->used_bytes > len ||
	    blk->nr_records > CLFS_LSN_RECORDS_PER_BLOCK)
		return -EINVAL;
	rec_iter_setup(it, &md->geo, blk->lsn, buf, blk->used_bytes,
		       blk->nr_records, blk->flags);
	return 0;
}
CLFS_FORMAT_EXPORT(clfs_rec_iter_init);

/**
 * clfs_rec_iter_next() - the next record, checked
 * @it: the iterator
 * @rec: receives the record
 *
 * Each record is checked before it is returned: it lies inside the used
 * bytes, has a type its block allows (section 4) and no flags, its padding is zero and its
 * back-pointers point to older records. After the last record the used
 * bytes must be exactly consumed.
 *
 * Return: 1 with @rec filled, 0 after the last record, -EUCLEAN if the
 * block is malformed (the same error again on later calls).
 */
int clfs_rec_iter_next(struct clfs_rec_iter *it, struct clfs_rec *rec)
{
	struct clfs_md_geometry geo = {
		.sector_bytes = it->sector_bytes,
		.container_bytes = it->container_bytes,
	};
	const struct clfs_rec_disk *rd;
	u32 room, data_bytes, n, type;
	u64 lsn, prev, undo;

	if (it->index >= it->nr_records)
		return it->offset == it->used_bytes ? 0 : -EUCLEAN;
	if (it->offset > it->used_bytes ||
	    it->used_bytes - it->offset < CLFS_REC_HDR_BYTES)
		return -EUCLEAN;
	room = it->used_bytes - it->offset;
	rd = (const struct clfs_rec_disk *)(it->buf + it->offset);
	data_bytes = le32_to_cpu(rd->data_bytes);
	n = clfs_rec_disk_bytes(data_bytes);
	if (!n || n > room)
		return -EUCLEAN;
	type = le16_to_cpu(rd->type);
	if (!rec_type_ok(type, it->truncate) || rd->flags)
		return -EUCLEAN;
	lsn = it->blk_lsn + it->index;
	prev = le64_to_cpu(rd->prev_lsn);
	undo = le64_to_cpu(rd->undo_next_lsn);
	if (!back_lsn_ok(&geo, prev, lsn) || !back_lsn_ok(&geo, undo, lsn))
		return -EUCLEAN;
	if (!all_zero(it->buf + it->offset + CLFS_REC_HDR_BYTES + data_bytes,
		      n - CLFS_REC_HDR_BYTES - data_bytes))
		return -EUCLEAN;

	rec->lsn = lsn;
	rec->prev_lsn = prev;
	rec->undo_next_lsn = undo;
	rec->data_offset = it->offset + CLFS_REC_HDR_BYTES;
	rec->data_bytes = data_bytes;
	rec->type = type;
	it->offset += n;
	it->index++;
	return 1;
}
CLFS_FORMAT_EXPORT(clfs_rec_iter_next);

/* Walk every record once: the block is well formed as a whole. */
static int recs_check(struct clfs_rec_iter *it)
{
	struct clfs_rec rec;
	int ret;

	while ((ret = clfs_rec_iter_next(it, &rec)) > 0)
		;
	return ret;
}

/**
 * clfs_rec_encode() - write one record header into a block being built
 * @md: the log's metadata
 * @rec: the record; @rec->lsn is where it goes (block LSN + index),
 *	@rec->data_offset is ignored
 * @dst: where the record starts in the block buffer, 8-byte aligned
 * @room: bytes available at @dst
 *
 * Writes the header and zeroes the padding after the data; the caller
 * copies the @rec->data_bytes client bytes to @dst + CLFS_REC_HDR_BYTES.
 * The client's back-pointers are checked here, because a record pointing
 * forward could never be read back.
 *
 * Return: bytes the record occupies (clfs_rec_disk_bytes()), or -EINVAL.
 */
int clfs_rec_encode(const struct clfs_md *md, const struct clfs_rec *rec,
		    void *dst, size_t room)
{
	struct clfs_rec_disk *rd = dst;
	u32 n;

	if (!md || !rec || !dst || !buf_aligned(dst))
		return -EINVAL;
	n = clfs_rec_disk_bytes(rec->data_bytes);
	if (!n || n > room)
		return -EINVAL;
	/* clfs_blk_seal() checks that the block's flags agree. */
	if (!rec_type_ok(rec->type, false) &&
	    !rec_type_ok(rec->type, true))
		return -EINVAL;
	if (!lsn_fits_geometry(&md->geo, rec->lsn) ||
	    !back_lsn_ok(&md->geo, rec->prev_lsn, rec->lsn) ||
	    !back_lsn_ok(&md->geo, rec->undo_next_lsn, rec->lsn))
		return -EINVAL;
	rd->data_bytes = cpu_to_le32(rec->data_bytes);
	rd->type = cpu_to_le16((u16)rec->type);
	rd->flags = 0;
	rd->prev_lsn = cpu_to_le64(rec->prev_lsn);
	rd->undo_next_lsn = cpu_to_le64(rec->undo_next_lsn);
	memset((u8 *)dst + CLFS_REC_HDR_BYTES + rec->data_bytes, 0,
	       n - CLFS_REC_HDR_BYTES - rec->data_bytes);
	return n;
}
CLFS_FORMAT_EXPORT(clfs_rec_encode);

/**
 * clfs_trunc_encode() - the data of a truncation record
 * @td: filled in
 * @end_lsn: the stream's last record after the truncation
 * @restart_lsn: its restart area after it, or CLFS_LSN_NULL
 *
 * The record goes alone into a CLFS_BLK_F_TRUNCATE block, with NULL
 * back-pointers; clfs_blk_seal() checks the rest (section 4).
 */
void clfs_trunc_encode(struct clfs_trunc_disk *td, u64 end_lsn,
		       u64 restart_lsn)
{
	memset(td, 0, sizeof(*td));
	td->end_lsn = cpu_to_le64(end_lsn);
	td->restart_lsn = cpu_to_le64(restart_lsn);
}
CLFS_FORMAT_EXPORT(clfs_trunc_encode);

/* ---- blocks --------------------------------------------------------- */

/* A block may start at @lsn in this log: index 0, inside a container. */
static bool blk_pos_ok(const struct clfs_md *md, u64 lsn)
{
	return lsn_fits_geometry(&md->geo, lsn) && !clfs_lsn_record_index(lsn);
}

/* Used length is sane and the block ends inside its container. */
static int blk_len_check(const struct clfs_md *md, u64 lsn, u32 used)
{
	u64 end;

	if (used < CLFS_BLK_HDR_BYTES || used > CLFS_BLK_MAX_BYTES ||
	    used % CLFS_REC_ALIGN)
		return -EUCLEAN;
	end = (u64)clfs_lsn_block_offset(lsn) +
	      round_up_u32(used, md->geo.sector_bytes);
	if (end > md->geo.container_bytes)
		return -EUCLEAN;
	return round_up_u32(used, md->geo.sector_bytes);
}

/**
 * clfs_blk_peek() - how long is the block starting in @buf?
 * @md: the log's metadata
 * @lsn: the LSN of the place @buf was read from (record index 0)
 * @buf: at least the first CLFS_BLK_HDR_BYTES of the place, 8-byte aligned
 * @len: bytes in @buf
 *
 * Lets a reader fetch one sector first and then exactly the rest. Nothing
 * but magic and length is checked: clfs_blk_decode() decides validity.
 *
 * Return: the block's on-disk length (used bytes rounded up to the sector
 * size); -EINVAL for bad arguments; -ENODATA if no block starts here;
 * -EUCLEAN if the length is impossible.
 */
int clfs_blk_peek(const struct clfs_md *md, u64 lsn, const void *buf,
		  size_t len)
{
	const struct clfs_blk_disk *bd = buf;

	if (!md || !buf || !buf_aligned(buf) || len < CLFS_BLK_HDR_BYTES ||
	    !blk_pos_ok(md, lsn))
		return -EINVAL;
	if (le32_to_cpu(bd->magic) != CLFS_BLK_MAGIC)
		return -ENODATA;
	return blk_len_check(md, lsn, le32_to_cpu(bd->used_bytes));
}
CLFS_FORMAT_EXPORT(clfs_blk_peek);

/* The epoch rules of clfs_format.h section 5. */
static bool blk_epoch_ok(const struct clfs_md *md, u64 lsn, u32 epoch,
			 u32 min_epoch)
{
	if (epoch < min_epoch)
		return false;
	if (lsn < md->epoch_start_lsn)
		return epoch < md->epoch;
	return epoch >= md->epoch;
}

static bool blk_stream_ok(const struct clfs_md *md, u32 stream_id)
{
	if (md->log_flags & CLFS_MD_LOG_MULTIPLEXED)
		return stream_id < CLFS_MAX_STREAMS;
	return stream_id == 0;
}

/*
 * The one record of a truncation block, already checked as a record by the
 * iterator (type, NULL back-pointers aside): a struct clfs_trunc_disk
 * naming an end older than the block and a restart area not after it.
 */
static int blk_trunc_decode(const struct clfs_md *md, u64 lsn,
			    const void *buf, u32 nr, struct clfs_blk *blk)
{
	const struct clfs_rec_disk *rd = (const void *)((const u8 *)buf +
							CLFS_BLK_HDR_BYTES);
	const struct clfs_trunc_disk *td = (const void *)(rd + 1);
	u64 end, restart;

	if (nr != 1 || le32_to_cpu(rd->data_bytes) != sizeof(*td) ||
	    le64_to_cpu(rd->prev_lsn) != CLFS_LSN_NULL ||
	    le64_to_cpu(rd->undo_next_lsn) != CLFS_LSN_NULL ||
	    td->reserved[0] || td->reserved[1])
		return -EUCLEAN;
	end = le64_to_cpu(td->end_lsn);
	restart = le64_to_cpu(td->restart_lsn);
	if (!lsn_fits_geometry(&md->geo, end) || end >= lsn)
		return -EUCLEAN;
	if (restart != CLFS_LSN_NULL &&
	    (!lsn_fits_geometry(&md->geo, restart) || restart > end))
		return -EUCLEAN;
	blk->trunc_end_lsn = end;
	blk->trunc_restart_lsn = restart;
	return 0;
}

static int blk_decode(const struct clfs_md *md, u64 lsn, u32 min_epoch,
		      const void *buf, size_t len, struct clfs_blk *blk)
{
	const struct clfs_blk_disk *bd = buf;
	struct clfs_rec_iter it;
	u32 used, nr, flags, stream, epoch;
	int disk_bytes;

	disk_bytes = clfs_blk_peek(md, lsn, buf, len);
	if (disk_bytes < 0)
		return disk_bytes;
	used = le32_to_cpu(bd->used_bytes);
	if (used > len)
		return -EINVAL;
	if (le32_to_cpu(bd->crc) !=
	    clfs_blk_disk_crc(clfs_log_crc_seed(md->uuid), buf, used))
		return -EUCLEAN;

	nr = le16_to_cpu(bd->nr_records);
	flags = le16_to_cpu(bd->flags);
	stream = le16_to_cpu(bd->stream_id);
	epoch = le32_to_cpu(bd->epoch);
	if (nr > CLFS_LSN_RECORDS_PER_BLOCK || flags & ~CLFS_BLK_F_KNOWN ||
	    bd->reserved || !epoch || !blk_stream_ok(md, stream))
		return -EUCLEAN;
	/* A whole, well-formed block, but from an earlier life of here. */
	if (le64_to_cpu(bd->lsn) != lsn ||
	    !blk_epoch_ok(md, lsn, epoch, min_epoch))
		return -ESTALE;

	rec_iter_setup(&it, &md->geo, lsn, buf, used, nr, flags);
	if (recs_check(&it))
		return -EUCLEAN;
	blk->trunc_end_lsn = 0;
	blk->trunc_restart_lsn = 0;
	if (flags & CLFS_BLK_F_TRUNCATE &&
	    blk_trunc_decode(md, lsn, buf, nr, blk))
		return -EUCLEAN;

	blk->lsn = lsn;
	blk->epoch = epoch;
	blk->used_bytes = used;
	blk->disk_bytes = disk_bytes;
	blk->stream_id = stream;
	blk->nr_records = nr;
	blk->flags = flags;
	return 0;
}

/**
 * clfs_blk_decode() - decode and fully validate a log I/O block
 * @md: the log's validated metadata
 * @lsn: the LSN of the place @buf was read from (record index 0)
 * @min_epoch: in a recovery scan, the epoch of the previous block; else 0
 * @buf: the block, 8-byte aligned
 * @len: bytes in @buf: at least the length clfs_blk_peek() returned
 * @blk: filled in on success, zeroed on failure
 *
 * Checks, in order: magic, length, crc, header fields, that the block is
 * the one written at @lsn in an epoch the metadata allows, and every
 * record (with the same checks as clfs_rec_iter_next()).
 *
 * Return: 0; -EINVAL for bad arguments or a @buf shorter than the block;
 * -ENODATA if no block starts here; -EUCLEAN for a torn or corrupt block;
 * -ESTALE for a valid block left from an earlier use of this place or
 * beyond a recovered end (clfs_format.h sections 4 and 5).
 */
int clfs_blk_decode(const struct clfs_md *md, u64 lsn, u32 min_epoch,
		    const void *buf, size_t len, struct clfs_blk *blk)
{
	int err;

	if (!blk)
		return -EINVAL;
	err = blk_decode(md, lsn, min_epoch, buf, len, blk);
	if (err)
		memset(blk, 0, sizeof(*blk));
	return err;
}
CLFS_FORMAT_EXPORT(clfs_blk_decode);

/**
 * clfs_blk_seal_nocrc() - finish a block for writing, all but its crc
 * @md: the log's metadata
 * @blk: the header to write; @blk->disk_bytes is ignored
 * @buf: the block buffer, 8-byte aligned, records already in place from
 *	offset CLFS_BLK_HDR_BYTES (see clfs_rec_encode())
 * @len: bytes in @buf, at least the used bytes rounded up to the sector
 *
 * Writes the header with a zero crc, zeroes the tail of the last sector
 * and checks the whole block as a reader would. clfs_blk_set_crc() then
 * completes it, possibly elsewhere: it needs neither @md nor @blk.
 *
 * Return: bytes to write (the on-disk length), or -EINVAL if the header
 * or a record is invalid or @buf is too short.
 */
int clfs_blk_seal_nocrc(const struct clfs_md *md, const struct clfs_blk *blk,
			void *buf, size_t len)
{
	struct clfs_blk_disk *bd = buf;
	struct clfs_rec_iter it;
	int disk_bytes;

	if (!md || !blk || !buf || !buf_aligned(buf) ||
	    !blk_pos_ok(md, blk->lsn))
		return -EINVAL;
	disk_bytes = blk_len_check(md, blk->lsn, blk->used_bytes);
	if (disk_bytes < 0 || (size_t)disk_bytes > len)
		return -EINVAL;
	if (blk->nr_records > CLFS_LSN_RECORDS_PER_BLOCK ||
	    blk->flags & ~CLFS_BLK_F_KNOWN || !blk->epoch ||
	    !blk_stream_ok(md, blk->stream_id))
		return -EINVAL;

	rec_iter_setup(&it, &md->geo, blk->lsn, buf, blk->used_bytes,
		       blk->nr_records, blk->flags);
	if (recs_check(&it))
		return -EINVAL;
	if (blk->flags & CLFS_BLK_F_TRUNCATE) {
		struct clfs_blk check;

		if (blk_trunc_decode(md, blk->lsn, buf, blk->nr_records,
				     &check))
			return -EINVAL;
	}

	bd->magic = cpu_to_le32(CLFS_BLK_MAGIC);
	bd->crc = 0;
	bd->lsn = cpu_to_le64(blk->lsn);
	bd->epoch = cpu_to_le32(blk->epoch);
	bd->used_bytes = cpu_to_le32(blk->used_bytes);
	bd->stream_id = cpu_to_le16(blk->stream_id);
	bd->nr_records = cpu_to_le16(blk->nr_records);
	bd->flags = cpu_to_le16(blk->flags);
	bd->reserved = 0;
	memset((u8 *)buf + blk->used_bytes, 0, disk_bytes - blk->used_bytes);
	return disk_bytes;
}
CLFS_FORMAT_EXPORT(clfs_blk_seal_nocrc);

/**
 * clfs_blk_set_crc() - store the crc of a block clfs_blk_seal_nocrc() made
 * @seed: clfs_log_crc_seed() of the log
 * @buf: the block
 * @used_bytes: its used bytes, as sealed
 */
void clfs_blk_set_crc(u32 seed, void *buf, u32 used_bytes)
{
	struct clfs_blk_disk *bd = buf;

	bd->crc = cpu_to_le32(clfs_blk_disk_crc(seed, buf, used_bytes));
}
CLFS_FORMAT_EXPORT(clfs_blk_set_crc);

/**
 * clfs_blk_seal() - finish a block for writing
 * @md: the log's metadata
 * @blk: the header to write; @blk->disk_bytes is ignored
 * @buf: the block buffer (see clfs_blk_seal_nocrc())
 * @len: bytes in @buf, at least the used bytes rounded up to the sector
 *
 * clfs_blk_seal_nocrc(), then clfs_blk_set_crc().
 *
 * Return: bytes to write (the on-disk length), or -EINVAL if the header
 * or a record is invalid or @buf is too short.
 */
int clfs_blk_seal(const struct clfs_md *md, const struct clfs_blk *blk,
		  void *buf, size_t len)
{
	int disk_bytes = clfs_blk_seal_nocrc(md, blk, buf, len);

	if (disk_bytes >= 0)
		clfs_blk_set_crc(clfs_log_crc_seed(md->uuid), buf,
				 blk->used_bytes);
	return disk_bytes;
}
CLFS_FORMAT_EXPORT(clfs_blk_seal);

/**
 * clfs_blk_next_lsn() - where the block after @blk starts
 * @md: the log's metadata
 * @blk: a decoded block
 *
 * Right after @blk in the same container, or at offset 0 of the next
 * logical container when @blk closed its container or filled it.
 *
 * Return: the next block LSN, or CLFS_LSN_INVALID when no logical
 * container id is left.
 */
u64 clfs_blk_next_lsn(const struct clfs_md *md, const struct clfs_blk *blk)
{
	u32 cid = clfs_lsn_container(blk->lsn);
	u64 next = (u64)clfs_lsn_block_offset(blk->lsn) + blk->disk_bytes;

	if (!(blk->flags & CLFS_BLK_F_CONTAINER_END) &&
	    next < md->geo.container_bytes)
		return clfs_md_follow_seal(md, clfs_lsn_make(cid, (u32)next, 0));
	if (cid >= CLFS_LSN_CONTAINER_MAX)
		return CLFS_LSN_INVALID;
	return clfs_lsn_make(cid + 1, 0, 0);
}
CLFS_FORMAT_EXPORT(clfs_blk_next_lsn);

/**
 * clfs_md_follow_seal() - where the chain goes on from a block position
 * @md: the log's metadata
 * @lsn: a block position the chain has reached
 *
 * Return: @lsn, or offset 0 of the next container if @lsn is sealed
 * (clfs_format.h section 5); CLFS_LSN_INVALID when no id is left.
 */
u64 clfs_md_follow_seal(const struct clfs_md *md, u64 lsn)
{
	u32 cid = clfs_lsn_container(lsn);
	u32 i;

	for (i = 0; i < CLFS_MD_SEALS && md->seal_lsn[i]; i++) {
		if (md->seal_lsn[i] != lsn)
			continue;
		if (cid >= CLFS_LSN_CONTAINER_MAX)
			return CLFS_LSN_INVALID;
		return clfs_lsn_make(cid + 1, 0, 0);
	}
	return lsn;
}
CLFS_FORMAT_EXPORT(clfs_md_follow_seal);

/**
 * clfs_md_add_seal() - seal a block position, dropping seals no walk needs
 * @md: metadata being prepared for a commit
 * @lsn: the position: not at offset 0, above every seal still needed
 *
 * Seals below @md's recovery_lsn are dropped first: every walk starts at
 * or after recovery_lsn. Adding the last seal again changes nothing.
 *
 * Return: 0, -EINVAL for a position at offset 0 or below the last seal,
 * or -ENOSPC if all CLFS_MD_SEALS are still needed.
 */
int clfs_md_add_seal(struct clfs_md *md, u64 lsn)
{
	u32 i, n = 0;

	for (i = 0; i < CLFS_MD_SEALS; i++)
		if (md->seal_lsn[i] && md->seal_lsn[i] >= md->recovery_lsn)
			md->seal_lsn[n++] = md->seal_lsn[i];
	for (i = n; i < CLFS_MD_SEALS; i++)
		md->seal_lsn[i] = 0;
	if (n && md->seal_lsn[n - 1] == lsn)
		return 0;
	if (!clfs_lsn_block_offset(lsn) || (n && md->seal_lsn[n - 1] > lsn))
		return -EINVAL;
	if (n == CLFS_MD_SEALS)
		return -ENOSPC;
	md->seal_lsn[n] = lsn;
	return 0;
}
CLFS_FORMAT_EXPORT(clfs_md_add_seal);
